// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target over the record-decoding layer: the input is taken as
 * ring-buffer pages (walked by page.c) and as a stream of raw records, all
 * decoded (decode.c) and fed through the analysis engine (stats.c and the
 * handlers of events.c) under the stock and the patched kvm_exit layouts,
 * both byte orders; or as a whole trace.dat version 7 file, opened the way
 * exitstat's default reader opens one without libtracecmd: its layout and
 * options (v7.c), its header sections (v7-headers.c: HEADER_INFO,
 * FTRACE_EVENTS, EVENT_FORMATS, CMDLINES, plain or compressed; each piece
 * handed over is copied into a buffer of its exact size and read whole, so
 * ASan sees any overread), and its zstd-compressed CPU data (zstream.c),
 * every page going through the same walker and engine. libtraceevent's
 * parsing of the format texts (es_v7_tep's sink) is not fuzzed here: its
 * code, run by exitstat under the crash guard of reader.c.
 *
 * The kvm events are those of exitlab's 6.1 host kernel, formats and IDs
 * (tools/tracedat/formats), so the seeds' real pages decode as recorded.
 *
 * Input: byte 0 selects layout (bit 0: patched, bit 1: big endian, bit 2:
 * 4-byte long), byte 1 the mode (bit 0: records instead of pages, bit 1:
 * filters and timeline on, bit 2: 4096-byte pages instead of 256-byte
 * ones, bit 3: a v7 file, bit 4: with it, one decompression thread); the
 * rest is pages, u8-length-prefixed records or the file. Seeds made from
 * real pages: tools/tracedat/fuzz-seeds.py (--v7 for small compressed files
 * with header sections).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <event-parse.h>

#include "exitstat.h"
#include "kvm-formats.h"

static struct tep_handle *teps[4];
static struct es_layout layouts[4];

static void setup(void)
{
	int v;

	for (v = 0; v < 4; v++) {
		struct es_error err;

		teps[v] = tep_alloc();
		tep_set_file_bigendian(teps[v], (v & 2) ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
		tep_set_local_bigendian(teps[v], TEP_LITTLE_ENDIAN);
		if (kvm_formats_parse(teps[v], (v & 1) ? kvm_formats_arm64_patched : kvm_formats_arm64) ||
		    es_layout_init(&layouts[v], teps[v], &err))
			abort();
	}
}

static void interval(void *ctx, uint64_t s, uint64_t e, const uint64_t c[ES_NCLASS])
{
	(void)ctx; (void)s; (void)e; (void)c;
}

/* Every byte of a piece of a header section; cmdlines end in a NUL. */
static int touch(char *text, size_t len)
{
	volatile unsigned int sum = 0;
	size_t i;

	for (i = 0; i < len; i++)
		sum += (unsigned char)text[i];
	return 0;
}

static int touch_page(void *ctx, char *text, size_t len)
{
	(void)ctx;
	return touch(text, len);
}

static int touch_format(void *ctx, const char *system, char *text, size_t len)
{
	(void)ctx;
	return touch((char *)system, strlen(system)) + touch(text, len);
}

static int touch_cmdlines(void *ctx, char *text, size_t len)
{
	(void)ctx;
	return touch(text, len + 1);
}

static const struct es_v7_sink touching = {
	touch_page, touch_page, touch_format, touch_cmdlines
};

/* The input as a v7 file: its header sections, then its compressed CPU
 * data, page by page, CPUs in turn, into the engine; at most 4096 pages
 * (chunks may be 4 MiB each). */
static void feed_v7(struct es_engine *e, const uint8_t *data, size_t size,
		    int long_size, int workers)
{
	static int fd = -1;
	struct es_zstream *zs;
	struct es_error err;
	struct es_v7 v;
	int pages = 0, live = 1, cpu;

	if (fd < 0)
		fd = memfd_create("fuzz-v7", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	if (es_v7_read(fd, size, 64, &v, &err))
		return;
	if (!es_v7_headers(fd, size, &v, &touching, NULL, &err) &&
	    !es_zstream_new(&zs, fd, size, &v, workers, &err)) {
		while (live && pages < 4096) {
			live = 0;
			for (cpu = 0; cpu < v.ncpus; cpu++) {
				const uint8_t *page;
				int ret = es_zstream_page(zs, cpu, &page, &err);

				if (ret < 0) {
					live = 0;
					break;
				}
				if (ret == 0)
					continue;
				live = 1;
				pages++;
				es_engine_page(e, cpu & 1, page, v.page_size, long_size, 0);
			}
		}
		es_zstream_free(zs);
	}
	es_v7_release(&v);
}

/* raw records: u8 length, then the record */
static void feed_records(struct es_engine *e, const uint8_t *data, size_t size)
{
	uint64_t ts = 0;
	size_t pos;

	for (pos = 0; pos < size;) {
		size_t len = data[pos++];

		if (len > size - pos)
			len = size - pos;
		/* copy so ASan sees the record's exact bounds */
		uint8_t *rec = malloc(len ? len : 1);

		memcpy(rec, data + pos, len);
		ts += len * 97;
		es_engine_record(e, (int)(len & 1), ts, rec, (uint32_t)len);
		if (len == 3)
			es_engine_missed(e, 1, ts, -1);
		free(rec);
		pos += len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct es_options opts;
	struct es_engine *e;
	struct es_result *r;
	const struct es_layout *l;
	int long_size, mode;
	size_t pos, page_size;

	if (!ready) {
		setup();
		ready = 1;
	}
	if (size < 2)
		return 0;
	l = &layouts[data[0] & 3];
	long_size = (data[0] & 4) ? 4 : 8;
	mode = data[1] & 31;
	page_size = (mode & 4) ? 4096 : 256;
	memset(&opts, 0, sizeof(opts));
	if (mode & 2) {		/* exercise filters and the timeline too */
		opts.interval_ns = 1000 + data[1];
		opts.on_interval = interval;
		opts.filter.has_class = true;
		opts.filter.classes[data[0] >> 2 & 63] = 1;
		opts.filter.classes[ES_CLASS_IRQ] = 1;
		opts.filter.has_to = true;
		opts.filter.to_s = 1e-3;
	}
	e = es_engine_new(l, &opts, 2);
	if (!e)
		return 0;
	data += 2;
	size -= 2;
	if (mode & 8) {
		feed_v7(e, data, size, long_size, (mode & 16) ? 1 : 0);
	} else if (mode & 1) {
		feed_records(e, data, size);
	} else {
		/* small pages let the fuzzer fill them; 4096 is the real size */
		for (pos = 0; pos + 64 <= size; pos += page_size) {
			size_t len = size - pos < page_size ? size - pos : page_size;
			uint8_t *page = malloc(len);

			memcpy(page, data + pos, len);
			es_engine_page(e, (int)((pos / page_size) & 1), page, len, long_size, 0);
			free(page);
		}
	}
	r = es_engine_finish(e);
	if (r) {
		size_t i;
		char buf[64];

		/* touch what the printers would read */
		for (i = 0; i < r->nsysregs; i++)
			es_sysreg_format(buf, sizeof(buf), r->sysregs[i].space,
					 r->sysregs[i].op0, r->sysregs[i].op1,
					 r->sysregs[i].crn, r->sysregs[i].crm,
					 r->sysregs[i].op2);
		for (i = 0; i < r->nhvcs; i++)
			(void)es_smccc_owner(r->hvcs[i].fid);
		for (i = 0; i < ES_NCLASS; i++)
			(void)es_hist_percentile(&r->class_t[i].host, 99);
		for (i = 0; i < r->nmmios; i++)
			(void)es_mmio_region(r->mmios[i].page);
	}
	es_result_free(r);
	return 0;
}
