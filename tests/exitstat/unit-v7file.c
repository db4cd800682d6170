// SPDX-License-Identifier: GPL-2.0
/*
 * Made-up trace.dat version 7 files for the unit tests (unit-zstd.c,
 * unit-v7headers.c), built in memory as trace-cmd.dat.v7(5) describes
 * them, with the option ids of enum es_v7_id: file header; the header
 * sections HEADER_INFO (the 6.1 kernel's ring-buffer headers), FTRACE_EVENTS
 * (one format), EVENT_FORMATS (system kvm: the formats of tools/tracedat),
 * KALLSYMS, PRINTK and CMDLINES, plain or zstd-compressed; the BUFFER
 * FLYRECORD section: CPU ids 0 and 2 with data (CPU 0: `chunks` chunks of
 * 2 pages, CPU 2: one chunk of 1 page), CPU 1 listed empty; one options
 * section: the header sections' options, CPUCOUNT 3, a CPUSTAT per CPU,
 * DATE and OFFSET if asked, BUFFER, DONE. A flaw breaks one thing.
 * Pages are patterns (fill_page) or valid ring-buffer pages of kvm_exit
 * and kvm_entry records (CPU 0: thread 100, CPU 2: thread 200).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <zstd.h>

#include "unit.h"

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

static void le_put(uint8_t *p, uint64_t v, int size)
{
	int i;

	for (i = 0; i < size; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void set_n(struct buf *o, size_t at, uint64_t v, int size)
{
	le_put(o->b + at, v, size);
}

static void emit_str(struct buf *o, const char *s)
{
	emit(o, s, strlen(s) + 1);
}

void fill_page(uint8_t *p, int cpu, unsigned int page)
{
	memset(p, (int)(cpu * 64 + page % 64), V7_PS);
}

/* Page `page` of CPU `cpu`: exit/entry pairs of one thread, 1 us apart. */
static void record_page(uint8_t *p, int cpu, unsigned int page)
{
	uint32_t pos = 16, n = 0;

	memset(p, 0, V7_PS);
	le_put(p, 1000000ull * (page + 1) + 10u * (unsigned int)cpu, 8);
	for (;;) {
		struct rec r = n % 2 ? rec_entry(cpu ? 200 : 100)
				     : rec_exit(cpu ? 200 : 100, ES_RET_TRAP, 0x24, false, 0, 0, 0);

		if (pos + 4 + r.len > V7_PS)
			break;
		le_put(p + pos, (r.len / 4) | (1000u << 5), 4);
		memcpy(p + pos + 4, r.b, r.len);
		pos += 4 + r.len;
		n++;
	}
	le_put(p + 8, pos - 16, 8);
}

/* A section of id `id`: header, then body (compressed if asked). */
static void emit_section(struct buf *o, unsigned int id, const struct buf *body, bool compress,
			 enum v7_flaw flaw)
{
	uint8_t z[65536];
	size_t zn;

	put_n(o, flaw == V7_SECTION_ID ? id + 1 : id, 2);
	put_n(o, compress, 2);
	put_n(o, 0, 4);
	if (!compress) {
		put_n(o, flaw == V7_SECTION_SIZE ? (1u << 24) - 1 : body->len, 8);
		emit(o, body->b, body->len);
		return;
	}
	zn = ZSTD_compress(z, sizeof(z), body->b, body->len, 3);
	if (flaw == V7_SECTION_ZSTD)
		memset(z + 4, 0xff, 8);			/* the frame header */
	put_n(o, 8 + zn, 8);
	put_n(o, zn, 4);
	put_n(o, flaw == V7_SECTION_USIZE ? body->len + 1 : body->len, 4);
	emit(o, z, zn);
}

static void header_info(struct buf *b, enum v7_flaw flaw)
{
	emit(b, flaw == V7_HDR_MAGIC ? "header_pagX" : "header_page", 12);
	put_n(b, flaw == V7_HDR_SIZE ? 1u << 20 : strlen(kvm_header_page_arm64), 8);
	emit(b, kvm_header_page_arm64, strlen(kvm_header_page_arm64));
	emit(b, "header_event", 13);
	put_n(b, strlen(kvm_header_event_arm64), 8);
	emit(b, kvm_header_event_arm64, strlen(kvm_header_event_arm64));
}

/* FTRACE_EVENTS holds kvm_arm_setup_debug (ID_OTHER) under "ftrace";
 * EVENT_FORMATS every other format of kvm_formats_arm64 under "kvm". */
static void formats(struct buf *ftrace, struct buf *events, enum v7_flaw flaw)
{
	const struct kvm_format *f;
	uint32_t n = 0;

	for (f = kvm_formats_arm64; f->name; f++)
		n += f->id != ID_OTHER;
	put_n(ftrace, 1, 4);
	put_n(events, 1, 4);
	emit(events, "kvm", flaw == V7_SYSTEM_NAME ? 3 : 4);
	put_n(events, flaw == V7_FMT_COUNT ? n + 1 : n, 4);
	for (f = kvm_formats_arm64; f->name; f++) {
		struct buf *to = f->id == ID_OTHER ? ftrace : events;

		if (to == events && flaw == V7_SYSTEM_NAME)
			continue;
		put_n(to, to == events && flaw == V7_FMT_SIZE && f == kvm_formats_arm64 + 1 ?
		      1ull << 40 : strlen(f->text), 8);
		emit(to, f->text, strlen(f->text));
	}
	if (flaw == V7_SYSTEM_NAME)
		events->len = 4 + 3;		/* the section ends inside "kvm" */
}

/* The header sections at the end of o; their options into opts. */
static void emit_headers(struct buf *o, struct buf *opts, const struct v7_spec *s)
{
	struct buf body[ES_V7_NSECTIONS] = { { 0 } };
	static const char kallsyms[] = "ffffffc008000000 T _text\n";
	static const char cmdlines[] = "100 vcpu-thread\n200 other\n";
	unsigned int id;

	header_info(&body[0], s->flaw);
	formats(&body[1], &body[2], s->flaw);
	put_n(&body[3], sizeof(kallsyms) - 1, 4);
	emit(&body[3], kallsyms, sizeof(kallsyms) - 1);
	put_n(&body[4], 0, 4);				/* no printk formats */
	put_n(&body[5], s->flaw == V7_CMDLINES_SIZE ? 1000 : sizeof(cmdlines) - 1, 8);
	emit(&body[5], cmdlines, sizeof(cmdlines) - 1);
	for (id = ES_V7_HEADER_INFO; id <= ES_V7_CMDLINES; id++) {
		bool spoilt = id == (s->flaw_section ? s->flaw_section : ES_V7_EVENT_FORMATS);
		uint64_t at = o->len;

		/* the sections we never read may be anything */
		if (s->flaw == V7_UNREAD_BAD && (id == ES_V7_KALLSYMS || id == ES_V7_PRINTK))
			at = id == ES_V7_KALLSYMS ? 1u << 30 : 0x11;
		else
			emit_section(o, id, &body[id - ES_V7_HEADER_INFO], s->compress_headers,
				     spoilt ? s->flaw : V7_OK);
		put_n(opts, id, 2);
		put_n(opts, 8, 4);
		put_n(opts, s->flaw == V7_SECTION_PAST && spoilt ? 1ull << 40 : at, 8);
		free(body[id - ES_V7_HEADER_INFO].b);
	}
}

static void emit_string_option(struct buf *opts, unsigned int id, const char *text)
{
	put_n(opts, id, 2);
	put_n(opts, strlen(text) + 1, 4);
	emit_str(opts, text);
}

/* The options section at the end of o: the header sections' options (if
 * any, in opts), CPUCOUNT, CPUSTAT, DATE, OFFSET, BUFFER, DONE. */
static void emit_options(struct buf *o, struct buf *opts, uint64_t fly, const uint64_t *cpu_off,
			 const uint64_t *cpu_size, const struct v7_spec *s)
{
	int cpu;

	put_n(opts, ES_V7_CPUCOUNT, 2);
	put_n(opts, 4, 4);
	put_n(opts, 3, 4);
	emit_string_option(opts, ES_V7_CPUSTAT, "CPU: 0\noverrun: 12\ncommit overrun: 0");
	emit_string_option(opts, ES_V7_CPUSTAT, "CPU: 2\noverrun: 3");
	if (s->date)
		emit_string_option(opts, ES_V7_DATE, s->date);
	if (s->offset)
		emit_string_option(opts, ES_V7_OFFSET, s->offset);
	put_n(opts, ES_V7_BUFFER, 2);
	put_n(opts, 8 + 1 + 6 + 8 + 3 * 20, 4);
	put_n(opts, fly, 8);
	emit(opts, "\0local", 7);
	put_n(opts, V7_PS, 4);
	put_n(opts, 3, 4);
	for (cpu = 0; cpu < 3; cpu++) {
		put_n(opts, (uint64_t)cpu, 4);
		put_n(opts, cpu_off[cpu], 8);
		put_n(opts, cpu_size[cpu], 8);
	}
	put_n(opts, ES_V7_DONE, 2);
	put_n(opts, 8, 4);
	put_n(opts, s->flaw == V7_OPT_LOOP ? o->len : 0, 8);
	emit_section(o, ES_V7_DONE, opts, s->compress_options, V7_OK);
}

/* The chunks of one CPU at the end of o; false: the file ends in them. */
static bool emit_cpu(struct buf *o, int cpu, unsigned int n, const struct v7_spec *s)
{
	unsigned int k, pages = cpu ? 1 : 2, page = 0;
	bool flawed = !cpu && s->flaw < V7_OPT_LOOP;

	put_n(o, n, 4);
	for (k = 0; k < n; k++) {
		uint8_t raw[2 * V7_PS], z[1024];
		size_t i, zn;
		uint32_t usize = pages * V7_PS;

		for (i = 0; i < pages; i++)
			(s->records ? record_page : fill_page)(raw + i * V7_PS, cpu, page++);
		zn = ZSTD_compress(z, sizeof(z), raw,
				   flawed && s->flaw == V7_SHORT_FRAME && k == 1 ? V7_PS : usize, 1);
		if (flawed && k == 1) {
			if (s->flaw == V7_BAD_FRAME)
				memset(z + 4, 0xff, 8);		/* the frame header */
			if (s->flaw == V7_ODD_USIZE)
				usize += 17;
			if (s->flaw == V7_BIG_USIZE)
				usize = 1u << 30;
		}
		put_n(o, zn, 4);
		put_n(o, usize, 4);
		if (flawed && s->flaw == V7_PAST_END && k == n - 1) {
			emit(o, z, zn / 2);	/* the file ends here */
			return false;
		}
		emit(o, z, zn);
	}
	return true;
}

struct buf make_v7(const struct v7_spec *s)
{
	struct buf o = { 0 }, opts = { 0 };
	uint64_t cpu_off[3] = { 0 }, cpu_size[3] = { 0 }, fly;
	size_t opt_at;
	int cpu;

	emit(&o, "\027\010\104tracing7", 11);
	put_n(&o, 0, 1);
	put_n(&o, 0, 1);		/* little endian */
	put_n(&o, 8, 1);		/* long size */
	put_n(&o, V7_PS, 4);
	emit(&o, "zstd\0" "1.5.4", 11);
	opt_at = o.len;
	put_n(&o, 0, 8);		/* options offset, set below */
	if (s->headers)
		emit_headers(&o, &opts, s);
	fly = o.len;
	put_n(&o, ES_V7_BUFFER, 2);	/* BUFFER FLYRECORD section, compressed */
	put_n(&o, ES_V7_SECTION_FLAG_COMPRESSED, 2);
	put_n(&o, 0, 4);
	put_n(&o, 0, 8);
	for (cpu = 0; cpu < 3; cpu += 2) {
		cpu_off[cpu] = o.len;
		if (!emit_cpu(&o, cpu, cpu ? 1 : s->chunks, s)) {
			free(opts.b);
			return o;
		}
		cpu_size[cpu] = o.len - cpu_off[cpu] - 4;
	}
	set_n(&o, opt_at, o.len, 8);
	emit_options(&o, &opts, fly, cpu_off, cpu_size, s);
	free(opts.b);
	return o;
}

int v7_fd(const struct buf *o)
{
	int fd = memfd_create("v7", MFD_CLOEXEC);

	if (fd < 0 || write(fd, o->b, o->len) != (ssize_t)o->len)
		abort();
	return fd;
}
