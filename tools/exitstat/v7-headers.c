// SPDX-License-Identifier: GPL-2.0
/*
 * The header sections of a trace.dat version 7 file, read by us instead of
 * libtracecmd's tracecmd_open, and the tep built from them: on the boot
 * fixture tracecmd_open took 20-27 ms, 13 of them parsing ~100 k kallsyms
 * exitstat never uses (benchmarks/README.md, issue 12).
 *
 * Format: trace-cmd.dat.v7(5), each section behind the option of its id
 * (v7.c keeps their offsets), possibly compressed (es_v7_load_section):
 *   HEADER_INFO (16): "header_page\0", u64 size, text; "header_event\0",
 *     u64 size, text;
 *   FTRACE_EVENTS (17): u32 count, then per format u64 size, text;
 *   EVENT_FORMATS (18): u32 systems, then per system its NUL-terminated
 *     name, u32 count, per format u64 size, text;
 *   CMDLINES (21): u64 size, text (saved_cmdlines).
 * KALLSYMS (19) and PRINTK (20) are not read. What libtracecmd 3.1.6 makes
 * of them (lib/trace-cmd/trace-input.c: read_header_files,
 * read_ftrace_files, read_event_files, read_and_parse_cmdlines) is what
 * es_v7_tep makes: the same tep calls on the same bytes, and a format
 * libtraceevent refuses is left out there too. (libtracecmd also makes up
 * an ftrace:blktrace format for its blktrace plugin; not here.)
 * tests/exitstat/v7-open-check.c compares the two teps field by field.
 *
 * Untrusted input: every count and size is checked against what is left of
 * its section before it is used; an error names the section, its offset
 * and the piece. -errno, never a print.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event-parse.h>

#include "v7.h"

/* A section's bytes and a position in them; name and off for messages. */
struct sec {
	const struct es_v7 *v;
	const uint8_t *b;
	size_t len, pos;
	const char *name;
	uint64_t off;
	struct es_error *err;
};

static int sec_fail(struct sec *s, const char *what, uint64_t need)
{
	return es_v7_fail(s->err, -EBADMSG,
			  "%s section at %llu (%zu bytes): %s: %llu bytes, %zu left (truncated or corrupt)",
			  s->name, (unsigned long long)s->off, s->len, what,
			  (unsigned long long)need, s->len - s->pos);
}

/* A size-byte number. */
static int sec_num(struct sec *s, int size, uint64_t *x, const char *what)
{
	if ((size_t)size > s->len - s->pos)
		return sec_fail(s, what, (uint64_t)size);
	*x = es_v7_get(s->v, s->b + s->pos, size);
	s->pos += (size_t)size;
	return 0;
}

/* n bytes, in place. */
static int sec_bytes(struct sec *s, uint64_t n, const uint8_t **p, const char *what)
{
	if (n > s->len - s->pos)
		return sec_fail(s, what, n);
	*p = s->b + s->pos;
	s->pos += (size_t)n;
	return 0;
}

/* A u64 size, then that many bytes of text, handed to fn (if any) in a
 * buffer of exactly that size (a copy: the sink may keep or change it). */
static int sec_text(struct sec *s, const char *what, int (*fn)(void *, char *, size_t),
		    void *ctx)
{
	const uint8_t *p = NULL;
	uint64_t n = 0;
	char *text;
	int ret;

	ret = sec_num(s, 8, &n, what);
	if (!ret)
		ret = sec_bytes(s, n, &p, what);
	if (ret || !fn)
		return ret;
	text = malloc(n + 1);
	if (!text)
		return es_v7_fail(s->err, -ENOMEM, "%s section", s->name);
	memcpy(text, p, n);
	text[n] = 0;
	ret = fn(ctx, text, n);
	free(text);
	return ret;
}

static int read_header_info(struct sec *s, const struct es_v7_sink *k, void *ctx)
{
	const uint8_t *magic = NULL;
	int ret;

	ret = sec_bytes(s, 12, &magic, "\"header_page\"");
	if (!ret && memcmp(magic, "header_page", 12))
		return es_v7_fail(s->err, -EBADMSG, "%s section at %llu: no \"header_page\"",
				  s->name, (unsigned long long)s->off);
	if (!ret)
		ret = sec_text(s, "header_page", k->header_page, ctx);
	if (!ret)
		ret = sec_bytes(s, 13, &magic, "\"header_event\"");
	if (!ret && memcmp(magic, "header_event", 13))
		return es_v7_fail(s->err, -EBADMSG, "%s section at %llu: no \"header_event\"",
				  s->name, (unsigned long long)s->off);
	if (!ret)
		ret = sec_text(s, "header_event", k->header_event, ctx);
	return ret;
}

/* count formats of system: u64 size, text each. */
static int read_formats(struct sec *s, const char *system, uint64_t count,
			const struct es_v7_sink *k, void *ctx)
{
	char what[112];
	const uint8_t *p = NULL;
	uint64_t i, n = 0;
	char *text;
	int ret = 0;

	for (i = 0; i < count && !ret; i++) {
		snprintf(what, sizeof(what), "format %llu of %llu of system '%.32s'",
			 (unsigned long long)i + 1, (unsigned long long)count, system);
		ret = sec_num(s, 8, &n, what);
		if (!ret)
			ret = sec_bytes(s, n, &p, what);
		if (ret || !k->format)
			continue;
		text = malloc(n ? n : 1);
		if (!text)
			return es_v7_fail(s->err, -ENOMEM, "%s section", s->name);
		memcpy(text, p, n);
		ret = k->format(ctx, system, text, n);
		free(text);
	}
	return ret;
}

static int read_ftrace_events(struct sec *s, const struct es_v7_sink *k, void *ctx)
{
	uint64_t count = 0;
	int ret = sec_num(s, 4, &count, "format count");

	return ret ? ret : read_formats(s, "ftrace", count, k, ctx);
}

static int read_event_formats(struct sec *s, const struct es_v7_sink *k, void *ctx)
{
	uint64_t systems = 0, count = 0, i;
	const uint8_t *end;
	const char *name;
	int ret = sec_num(s, 4, &systems, "system count");

	for (i = 0; i < systems && !ret; i++) {
		name = (const char *)s->b + s->pos;
		end = memchr(s->b + s->pos, 0, s->len - s->pos);
		if (!end)
			return es_v7_fail(s->err, -EBADMSG,
					  "%s section at %llu (%zu bytes): system %llu of %llu: its name runs past the end",
					  s->name, (unsigned long long)s->off, s->len,
					  (unsigned long long)i + 1, (unsigned long long)systems);
		s->pos = (size_t)(end - s->b) + 1;
		ret = sec_num(s, 4, &count, "format count");
		if (!ret)
			ret = read_formats(s, name, count, k, ctx);
	}
	return ret;
}

static int read_cmdlines(struct sec *s, const struct es_v7_sink *k, void *ctx)
{
	return sec_text(s, "saved command lines", k->cmdlines, ctx);
}

static const struct {
	unsigned int id;
	const char *name;
	int (*read)(struct sec *s, const struct es_v7_sink *k, void *ctx);
} header_sections[] = {
	/* libtracecmd's order does not matter: each call stands alone */
	{ ES_V7_HEADER_INFO, "HEADER_INFO", read_header_info },
	{ ES_V7_FTRACE_EVENTS, "FTRACE_EVENTS", read_ftrace_events },
	{ ES_V7_EVENT_FORMATS, "EVENT_FORMATS", read_event_formats },
	{ ES_V7_CMDLINES, "CMDLINES", read_cmdlines },
};

int es_v7_headers(int fd, uint64_t file_size, const struct es_v7 *v,
		  const struct es_v7_sink *sink, void *ctx, struct es_error *err)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < sizeof(header_sections) / sizeof(header_sections[0]) && !ret; i++) {
		struct sec s = { .v = v, .name = header_sections[i].name, .err = err };
		uint8_t *body = NULL;

		s.off = v->section[header_sections[i].id - ES_V7_HEADER_INFO];
		if (!s.off)
			continue;
		ret = es_v7_load_section(fd, file_size, v, s.off, header_sections[i].id,
					 s.name, &body, &s.len, err);
		s.b = body;
		if (!ret)
			ret = header_sections[i].read(&s, sink, ctx);
		free(body);
	}
	return ret;
}

/* ------------------------------------------------------------------ */
/* The sink that builds a tep, as libtracecmd does. */

struct tep_ctx {
	struct tep_handle *tep;
	int long_size;
	struct es_error *err;
};

static int tep_header_page(void *ctx, char *text, size_t len)
{
	struct tep_ctx *t = ctx;

	/* libtracecmd does not look at the result either: without a header
	 * page, tep_get_header_page_size() stays 0 */
	tep_parse_header_page(t->tep, text, len, t->long_size);
	return 0;
}

static int tep_format(void *ctx, const char *system, char *text, size_t len)
{
	struct tep_ctx *t = ctx;

	if (tep_parse_event(t->tep, text, len, system) == TEP_ERRNO__MEM_ALLOC_FAILED)
		return es_v7_fail(t->err, -ENOMEM, "event formats");
	return 0;	/* refused: left out, as libtracecmd leaves it */
}

static int tep_cmdlines(void *ctx, char *text, size_t len)
{
	struct tep_ctx *t = ctx;

	(void)len;
	tep_parse_saved_cmdlines(t->tep, text);
	return 0;
}

static const struct es_v7_sink tep_sink = {
	.header_page = tep_header_page,
	.format = tep_format,
	.cmdlines = tep_cmdlines,
};

int es_v7_tep(int fd, uint64_t file_size, const struct es_v7 *v,
	      struct tep_handle **tep, struct es_error *err)
{
	struct tep_ctx t = { .long_size = v->long_size, .err = err };
	int ret;

	*tep = NULL;
	t.tep = tep_alloc();
	if (!t.tep)
		return es_v7_fail(err, -ENOMEM, "tep_alloc");
	tep_set_file_bigendian(t.tep, v->big_endian ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(t.tep, __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ?
				TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	tep_set_long_size(t.tep, v->long_size);
	tep_set_page_size(t.tep, (int)v->page_size);
	tep_set_cpus(t.tep, (int)v->cpucount);
	ret = es_v7_headers(fd, file_size, v, &tep_sink, &t, err);
	if (ret) {
		tep_free(t.tep);
		return ret;
	}
	*tep = t.tep;
	return 0;
}
