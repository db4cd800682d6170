// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of exitstat's own reading of trace.dat version 7 files
 * (v7.c: file header, options sections, the top instance's BUFFER option)
 * and of their zstd-compressed CPU data (zstream.c): pages in order with
 * and without helper threads, sparse CPUs, and a clear -EBADMSG with the
 * chunk named for each kind of corrupt or truncated compressed section.
 * The files are made up in memory (unit-v7file.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "unit.h"

/* Reads every page of CPU 0, 1 and 2 (interleaved); 0 or the error. */
static int read_all(enum v7_flaw flaw, unsigned int chunks, bool compress_options,
		    int workers, struct es_error *err)
{
	struct v7_spec spec = { .chunks = chunks, .flaw = flaw,
				.compress_options = compress_options };
	struct buf o = make_v7(&spec);
	unsigned int want[3] = { 0 }, got[3] = { 0 };
	struct es_zstream *zs = NULL;
	bool done[3] = { false };
	struct es_v7 v;
	int fd = v7_fd(&o), ret, cpu;

	want[0] = 2 * chunks;
	want[2] = 1;
	ret = es_v7_read(fd, o.len, 64, &v, err);
	if (!ret)
		ret = es_zstream_new(&zs, fd, o.len, &v, workers, err);
	while (!ret && !(done[0] && done[1] && done[2])) {
		for (cpu = 0; cpu < 3 && !ret; cpu++) {
			const uint8_t *p;
			uint8_t expect[V7_PS];
			int r = done[cpu] ? 0 : es_zstream_page(zs, cpu, &p, err);

			if (r < 0)
				ret = r;
			else if (r == 0)
				done[cpu] = true;
			else {
				fill_page(expect, cpu, got[cpu]++);
				CHECK(!memcmp(p, expect, V7_PS));
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
	struct v7_spec spec = { .chunks = 3 };
	struct buf o = make_v7(&spec);
	struct es_error err;
	struct es_v7 v;
	int fd = v7_fd(&o), i;

	CHECK_EQ(es_v7_read(fd, o.len, 64, &v, &err), 0);
	CHECK(!strcmp(v.compression, "zstd"));
	CHECK(v.data_compressed);
	CHECK_EQ(v.page_size, V7_PS);
	CHECK_EQ(v.buffer_page_size, V7_PS);
	CHECK_EQ(v.ncpus, 3);
	CHECK(v.cpu[0].present && v.cpu[0].size > 0);
	CHECK(v.cpu[1].present && v.cpu[1].size == 0);
	CHECK(!v.ts_offset && !v.ts_transform && !v.latency);
	es_v7_release(&v);
	close(fd);
	free(o.b);

	spec.compress_options = true;
	o = make_v7(&spec);
	fd = v7_fd(&o);
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

	spec.flaw = V7_OPT_LOOP;
	o = make_v7(&spec);
	fd = v7_fd(&o);
	CHECK_EQ(es_v7_read(fd, o.len, 64, &v, &err), -EBADMSG);
	CHECK(strstr(err.msg, "loop") != NULL);
	close(fd);
	/* only 2 CPUs allowed: id 2 is refused */
	CHECK_EQ(es_v7_read(fd = v7_fd(&o), o.len, 2, &v, &err), -EBADMSG);
	close(fd);
	free(o.b);
}

void test_zstream_pages(void)
{
	struct es_error err;
	int w;

	for (w = 0; w <= 2; w++) {
		CHECK_EQ(read_all(V7_OK, 1, false, w, &err), 0);
		CHECK_EQ(read_all(V7_OK, 5, false, w, &err), 0);
		CHECK_EQ(read_all(V7_OK, 300, false, w, &err), 0);	/* > any ring */
		CHECK_EQ(read_all(V7_OK, 7, true, w, &err), 0);
	}
}

void test_zstream_corrupt(void)
{
	static const struct {
		enum v7_flaw flaw;
		const char *says;
	} cases[] = {
		{ V7_BAD_FRAME, "chunk 2 of 4 at file offset" },
		{ V7_SHORT_FRAME, "decompresses to fewer bytes" },
		{ V7_ODD_USIZE, "implausible uncompressed size" },
		{ V7_BIG_USIZE, "implausible uncompressed size" },
	};
	struct es_error err;
	size_t i;
	int w;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (w = 0; w <= 1; w++) {
			err.msg[0] = 0;
			CHECK_EQ(read_all(cases[i].flaw, 4, false, w, &err), -EBADMSG);
			CHECK(strstr(err.msg, cases[i].says) != NULL);
			CHECK(strstr(err.msg, "CPU 0: compressed chunk 2 of 4") == err.msg);
			CHECK(strstr(err.msg, ": Bad message") != NULL);
		}
}

/* The file ends inside CPU 0's last chunk: es_zstream is given the
 * layout as it was before the cut. */
void test_zstream_truncated(void)
{
	struct v7_spec ok = { .chunks = 4 }, past = { .chunks = 4, .flaw = V7_PAST_END };
	struct buf whole = make_v7(&ok), cut = make_v7(&past);
	struct es_zstream *zs;
	struct es_error err;
	struct es_v7 v;
	const uint8_t *p;
	int fd = v7_fd(&whole), ret = 0, n = 0;

	CHECK_EQ(es_v7_read(fd, whole.len, 64, &v, &err), 0);
	close(fd);
	fd = v7_fd(&cut);
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
