// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of exitstat's own reading of trace.dat version 7 files
 * (v7.c: file header, options sections, the top instance's BUFFER option)
 * and of their zstd-compressed CPU data (zstream.c): pages in order with
 * and without helper threads, sparse CPUs, and a clear -EBADMSG with the
 * chunk named for each kind of corrupt or truncated compressed section.
 * The files are built here, in memory, as trace-cmd.dat.v7(5) describes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <zstd.h>

#include "unit.h"

#define PS 256u			/* page size of the made-up files */

struct buf {
	uint8_t *b;
	size_t len;
};

static void emit(struct buf *o, const void *p, size_t n)
{
	o->b = realloc(o->b, o->len + n);
	memcpy(o->b + o->len, p, n);
	o->len += n;
}

static void put_n(struct buf *o, uint64_t v, int size)
{
	uint8_t b[8];
	int i;

	for (i = 0; i < size; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	emit(o, b, (size_t)size);
}

static void set_n(struct buf *o, size_t at, uint64_t v, int size)
{
	int i;

	for (i = 0; i < size; i++)
		o->b[at + (size_t)i] = (uint8_t)(v >> (8 * i));
}

/* Page `page` of CPU `cpu`: every byte says which. */
static void fill_page(uint8_t *p, int cpu, unsigned int page)
{
	memset(p, (int)(cpu * 64 + page % 64), PS);
}

/* What to break in the file. */
enum flaw { OK, BAD_FRAME, SHORT_FRAME, ODD_USIZE, PAST_END, BIG_USIZE,
	    OPT_LOOP, COMPRESSED_OPTS };

/* The options section at the end of o: BUFFER for CPUs 0-2, then DONE. */
static void emit_options(struct buf *o, uint64_t fly, const uint64_t *cpu_off,
			 const uint64_t *cpu_size, enum flaw flaw)
{
	struct buf opts = { 0 };
	int cpu;

	put_n(&opts, 3, 2);			/* BUFFER option */
	put_n(&opts, 8 + 1 + 6 + 8 + 3 * 20, 4);
	put_n(&opts, fly, 8);
	emit(&opts, "\0local", 7);
	put_n(&opts, PS, 4);
	put_n(&opts, 3, 4);
	for (cpu = 0; cpu < 3; cpu++) {
		put_n(&opts, (uint64_t)cpu, 4);
		put_n(&opts, cpu_off[cpu], 8);
		put_n(&opts, cpu_size[cpu], 8);
	}
	put_n(&opts, 0, 2);			/* DONE */
	put_n(&opts, 8, 4);
	put_n(&opts, flaw == OPT_LOOP ? o->len : 0, 8);
	put_n(o, 0, 2);				/* OPTIONS section */
	put_n(o, flaw == COMPRESSED_OPTS, 2);
	put_n(o, 0, 4);
	if (flaw == COMPRESSED_OPTS) {
		uint8_t z[1024];
		size_t zn = ZSTD_compress(z, sizeof(z), opts.b, opts.len, 3);

		put_n(o, 8 + zn, 8);
		put_n(o, zn, 4);
		put_n(o, opts.len, 4);
		emit(o, z, zn);
	} else {
		put_n(o, opts.len, 8);
		emit(o, opts.b, opts.len);
	}
	free(opts.b);
}

/*
 * A v7 file: CPU ids 0 and 2 with data (CPU 0: `chunks` chunks of 2 pages,
 * CPU 2: one chunk of 1 page), CPU 1 listed empty. The flaw hits CPU 0's
 * chunk 2 (the second).
 */
static struct buf make_v7(unsigned int chunks, enum flaw flaw)
{
	struct buf o = { 0 };
	uint64_t cpu_off[3] = { 0 }, cpu_size[3] = { 0 }, fly;
	size_t opt_at;
	int cpu;

	emit(&o, "\027\010\104tracing7", 11);
	put_n(&o, 0, 1);
	put_n(&o, 0, 1);		/* little endian */
	put_n(&o, 8, 1);		/* long size */
	put_n(&o, PS, 4);
	emit(&o, "zstd\0" "1.5.4", 11);
	opt_at = o.len;
	put_n(&o, 0, 8);		/* options offset, set below */
	fly = o.len;
	put_n(&o, 3, 2);		/* BUFFER FLYRECORD section, compressed */
	put_n(&o, 1, 2);
	put_n(&o, 0, 4);
	put_n(&o, 0, 8);
	for (cpu = 0; cpu < 3; cpu += 2) {
		unsigned int n = cpu ? 1 : chunks, k, pages = cpu ? 1 : 2, page = 0;

		cpu_off[cpu] = o.len;
		put_n(&o, n, 4);
		for (k = 0; k < n; k++) {
			uint8_t raw[2 * PS], z[1024];
			size_t i, zn;
			uint32_t usize = pages * PS;

			for (i = 0; i < pages; i++)
				fill_page(raw + i * PS, cpu, page++);
			zn = ZSTD_compress(z, sizeof(z), raw,
					   flaw == SHORT_FRAME && !cpu && k == 1 ? PS : usize, 1);
			if (!cpu && k == 1) {
				if (flaw == BAD_FRAME)
					memset(z + 4, 0xff, 8);		/* the frame header */
				if (flaw == ODD_USIZE)
					usize += 17;
				if (flaw == BIG_USIZE)
					usize = 1u << 30;
			}
			put_n(&o, zn, 4);
			put_n(&o, usize, 4);
			if (flaw == PAST_END && !cpu && k == n - 1) {
				emit(&o, z, zn / 2);	/* the file ends here */
				return o;
			}
			emit(&o, z, zn);
		}
		cpu_size[cpu] = o.len - cpu_off[cpu] - 4;
	}
	set_n(&o, opt_at, o.len, 8);
	emit_options(&o, fly, cpu_off, cpu_size, flaw);
	return o;
}

static int as_fd(const struct buf *o)
{
	int fd = memfd_create("v7", MFD_CLOEXEC);

	if (fd < 0 || write(fd, o->b, o->len) != (ssize_t)o->len)
		abort();
	return fd;
}

/* Reads every page of CPU 0, 1 and 2 (interleaved); 0 or the error. */
static int read_all(enum flaw flaw, unsigned int chunks, int workers,
		    struct es_error *err)
{
	struct buf o = make_v7(chunks, flaw);
	unsigned int want[3] = { 0 }, got[3] = { 0 };
	struct es_zstream *zs = NULL;
	bool done[3] = { false };
	struct es_v7 v;
	int fd = as_fd(&o), ret, cpu;

	want[0] = 2 * chunks;
	want[2] = 1;
	ret = es_v7_read(fd, o.len, 64, &v, err);
	if (!ret)
		ret = es_zstream_new(&zs, fd, o.len, &v, workers, err);
	while (!ret && !(done[0] && done[1] && done[2])) {
		for (cpu = 0; cpu < 3 && !ret; cpu++) {
			const uint8_t *p;
			uint8_t expect[PS];
			int r = done[cpu] ? 0 : es_zstream_page(zs, cpu, &p, err);

			if (r < 0)
				ret = r;
			else if (r == 0)
				done[cpu] = true;
			else {
				fill_page(expect, cpu, got[cpu]++);
				CHECK(!memcmp(p, expect, PS));
			}
		}
	}
	if (!ret)
		for (cpu = 0; cpu < 3; cpu++)
			CHECK_EQ(got[cpu], want[cpu]);
	es_zstream_free(zs);
	es_v7_release(&v);
	close(fd);
	free(o.b);
	return ret;
}

void test_v7_layout(void)
{
	struct buf o = make_v7(3, OK);
	struct es_error err;
	struct es_v7 v;
	int fd = as_fd(&o), i;

	CHECK_EQ(es_v7_read(fd, o.len, 64, &v, &err), 0);
	CHECK(!strcmp(v.compression, "zstd"));
	CHECK(v.data_compressed);
	CHECK_EQ(v.page_size, PS);
	CHECK_EQ(v.buffer_page_size, PS);
	CHECK_EQ(v.ncpus, 3);
	CHECK(v.cpu[0].present && v.cpu[0].size > 0);
	CHECK(v.cpu[1].present && v.cpu[1].size == 0);
	CHECK(!v.ts_offset && !v.ts_transform && !v.latency);
	es_v7_release(&v);
	close(fd);
	free(o.b);

	o = make_v7(3, COMPRESSED_OPTS);
	fd = as_fd(&o);
	CHECK_EQ(es_v7_read(fd, o.len, 64, &v, &err), 0);
	CHECK_EQ(v.ncpus, 3);
	es_v7_release(&v);
	close(fd);

	/* every truncation of the file header or options fails cleanly */
	for (i = 0; i < 64; i++) {
		size_t cut = i < 32 ? (size_t)i : o.len - (size_t)(i - 31);

		fd = memfd_create("v7", MFD_CLOEXEC);
		CHECK(write(fd, o.b, cut) == (ssize_t)cut);
		CHECK(es_v7_read(fd, cut, 64, &v, &err) < 0);
		close(fd);
	}
	free(o.b);

	o = make_v7(3, OPT_LOOP);
	fd = as_fd(&o);
	CHECK_EQ(es_v7_read(fd, o.len, 64, &v, &err), -EBADMSG);
	CHECK(strstr(err.msg, "loop") != NULL);
	close(fd);
	/* only 2 CPUs allowed: id 2 is refused */
	CHECK_EQ(es_v7_read(fd = as_fd(&o), o.len, 2, &v, &err), -EBADMSG);
	close(fd);
	free(o.b);
}

void test_zstream_pages(void)
{
	struct es_error err;
	int w;

	for (w = 0; w <= 2; w++) {
		CHECK_EQ(read_all(OK, 1, w, &err), 0);
		CHECK_EQ(read_all(OK, 5, w, &err), 0);
		CHECK_EQ(read_all(OK, 300, w, &err), 0);	/* > any ring */
		CHECK_EQ(read_all(COMPRESSED_OPTS, 7, w, &err), 0);
	}
}

void test_zstream_corrupt(void)
{
	static const struct {
		enum flaw flaw;
		const char *says;
	} cases[] = {
		{ BAD_FRAME, "chunk 2 of 4 at file offset" },
		{ SHORT_FRAME, "decompresses to fewer bytes" },
		{ ODD_USIZE, "implausible uncompressed size" },
		{ BIG_USIZE, "implausible uncompressed size" },
	};
	struct es_error err;
	size_t i;
	int w;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (w = 0; w <= 1; w++) {
			err.msg[0] = 0;
			CHECK_EQ(read_all(cases[i].flaw, 4, w, &err), -EBADMSG);
			CHECK(strstr(err.msg, cases[i].says) != NULL);
			CHECK(strstr(err.msg, "CPU 0: compressed chunk 2 of 4") == err.msg);
			CHECK(strstr(err.msg, ": Bad message") != NULL);
		}
}

/* The file ends inside CPU 0's last chunk: es_zstream is given the
 * layout as it was before the cut. */
void test_zstream_truncated(void)
{
	struct buf whole = make_v7(4, OK), cut = make_v7(4, PAST_END);
	struct es_zstream *zs;
	struct es_error err;
	struct es_v7 v;
	const uint8_t *p;
	int fd = as_fd(&whole), ret = 0, n = 0;

	CHECK_EQ(es_v7_read(fd, whole.len, 64, &v, &err), 0);
	close(fd);
	fd = as_fd(&cut);
	/* CPU 2's data was cut off too: its chunk count is read up front */
	CHECK_EQ(es_zstream_new(&zs, fd, cut.len, &v, 1, &err), -EBADMSG);
	CHECK(strstr(err.msg, "CPU 2: compressed data at file offset") == err.msg);
	v.cpu[2].size = 0;
	CHECK_EQ(es_zstream_new(&zs, fd, cut.len, &v, 1, &err), 0);
	while ((ret = es_zstream_page(zs, 0, &p, &err)) > 0)
		n++;
	CHECK_EQ(ret, -EBADMSG);
	CHECK_EQ(n, 6);				/* chunks 1-3 */
	CHECK(strstr(err.msg, "CPU 0: compressed chunk 4 of 4") == err.msg);
	CHECK(strstr(err.msg, "truncated file?): Bad message") != NULL);
	es_zstream_free(zs);
	es_v7_release(&v);
	close(fd);
	free(whole.b);
	free(cut.b);
}
