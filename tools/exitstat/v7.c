// SPDX-License-Identifier: GPL-2.0
/*
 * The layout of a trace.dat version 7 file: the top instance's per-CPU
 * flyrecord data and how it is compressed, and the options exitstat needs
 * (where the header sections are, the CPU count, the CPU statistics, the
 * timestamp offset); v7-headers.c reads the header sections, zstream.c the
 * CPU data. The format is trace-cmd's own description,
 * trace-cmd.dat.v7(5) (Documentation/trace-cmd/trace-cmd.dat.v7.5.txt in
 * trace-cmd's sources): "INITIAL FORMAT" (magic, version, endianness, long
 * size, page size, compression name and version, offset of the first
 * options section), "FORMAT OF THE SECTION HEADER" (id u16, flags u16,
 * string id u32, size u64), "COMPRESSION FORMAT OF THE FILE SECTIONS"
 * (u32 compressed size, u32 uncompressed size, data) and "OPTIONS SECTION"
 * (u16 id, u32 size, data; DONE = 0 holds the next options section's
 * offset; BUFFER = 3: u64 section offset, name, clock, u32 page size, u32
 * CPU count, then per CPU u32 id, u64 offset, u64 size; the ids are enum
 * es_v7_id). How libtracecmd uses them: lib/trace-cmd/trace-input.c
 * (handle_options, init_buffer_cpu_data, init_cpu_zpage); its CPU numbers
 * are the ids (3.1.6: a trace with data only for CPU 1 has an empty CPU 0),
 * and so are ours. As there: DATE (microseconds) and OFFSET (nanoseconds)
 * add to every timestamp, CPUSTAT options are kept one after the other with
 * their final NUL turned into a newline, the last of two options naming the
 * same section wins, and an unknown option is skipped.
 *
 * Everything read here is untrusted: every length is checked against the
 * data it claims to describe and against the file size. The library
 * convention holds: -errno, never a print.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zstd.h>

#include "v7.h"

#define V7_MAGIC "\027\010\104tracing"
#define MAX_OPTION_SECTIONS 256

struct v7_ctx {
	int fd;
	uint64_t file_size;
	int max_cpus;
	struct es_v7 *v;
	struct es_error *err;
	size_t cpustats_len;	/* bytes in v->cpustats, NULs inside included */
};

int es_v7_fail(struct es_error *err, int ret, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(err->msg))
		snprintf(err->msg + n, sizeof(err->msg) - (size_t)n, ": %s",
			 strerror(-ret));
	return ret;
}

uint64_t es_v7_get(const struct es_v7 *v, const void *p, int size)
{
	const uint8_t *b = p;
	uint64_t x = 0;
	int i;

	for (i = 0; i < size; i++) {
		int k = v->big_endian ? i : size - 1 - i;

		x = (x << 8) | b[k];
	}
	return x;
}

int es_pread_full(int fd, void *buf, size_t len, uint64_t off, uint64_t file_size)
{
	size_t done = 0;

	if (off > file_size || len > file_size - off)
		return -EBADMSG;
	while (done < len) {
		ssize_t n = pread(fd, (uint8_t *)buf + done, len - done,
				  (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EBADMSG;	/* the file shrank under us */
		done += (size_t)n;
	}
	return 0;
}

/* The NUL-terminated string at *pos in buf[len]; NULL if unterminated. */
static const char *take_string(const uint8_t *buf, size_t len, size_t *pos)
{
	const uint8_t *end = *pos < len ? memchr(buf + *pos, 0, len - *pos) : NULL;
	const char *s = (const char *)buf + *pos;

	if (!end)
		return NULL;
	*pos = (size_t)(end - buf) + 1;
	return s;
}

static int parse_file_header(struct v7_ctx *c, uint64_t *options)
{
	uint8_t buf[256];
	size_t len = c->file_size < sizeof(buf) ? (size_t)c->file_size : sizeof(buf);
	size_t pos = 10;
	const char *ver, *name;
	int ret;

	ret = es_pread_full(c->fd, buf, len, 0, c->file_size);
	if (ret)
		return es_v7_fail(c->err, ret, "reading the file header");
	if (len < 10 || memcmp(buf, V7_MAGIC, 10))
		return es_v7_fail(c->err, -EBADMSG, "not a trace.dat file");
	ver = take_string(buf, len, &pos);
	if (!ver || strcmp(ver, "7"))
		return es_v7_fail(c->err, -EOPNOTSUPP, "not a version 7 trace.dat file");
	if (pos + 6 > len)
		return es_v7_fail(c->err, -EBADMSG, "file header truncated");
	c->v->big_endian = buf[pos] != 0;
	c->v->long_size = buf[pos + 1];
	c->v->page_size = (uint32_t)es_v7_get(c->v, buf + pos + 2, 4);
	pos += 6;
	name = take_string(buf, len, &pos);
	if (!name || !take_string(buf, len, &pos) || pos + 8 > len)
		return es_v7_fail(c->err, -EBADMSG, "compression header truncated");
	snprintf(c->v->compression, sizeof(c->v->compression), "%s", name);
	*options = es_v7_get(c->v, buf + pos, 8);
	return 0;
}

/* The top instance's BUFFER option: where each CPU's data is. */
static int parse_buffer(struct v7_ctx *c, const uint8_t *d, size_t len)
{
	struct es_v7 *v = c->v;
	size_t pos = 8;
	const char *name;
	uint32_t n, i;

	if (len < 8 || !(name = take_string(d, len, &pos)) ||
	    !take_string(d, len, &pos) || pos + 8 > len)
		return es_v7_fail(c->err, -EBADMSG, "BUFFER option truncated");
	if (*name)
		return 0;			/* another instance */
	if (v->cpu)
		return es_v7_fail(c->err, -EBADMSG, "two BUFFER options for the top instance");
	v->buffer_offset = es_v7_get(v, d, 8);
	v->buffer_page_size = (uint32_t)es_v7_get(v, d + pos, 4);
	n = (uint32_t)es_v7_get(v, d + pos + 4, 4);
	pos += 8;
	if (n > (uint32_t)c->max_cpus || n > (len - pos) / 20)
		return es_v7_fail(c->err, -EBADMSG, "BUFFER option: %u CPUs do not fit", n);
	for (i = 0; i < n; i++) {
		uint32_t id = (uint32_t)es_v7_get(v, d + pos + 20 * i, 4);

		if (id >= (uint32_t)c->max_cpus)
			return es_v7_fail(c->err, -EBADMSG, "BUFFER option: CPU id %u", id);
		if ((int)id >= v->ncpus)
			v->ncpus = (int)id + 1;
	}
	v->cpu = calloc(v->ncpus ? (size_t)v->ncpus : 1, sizeof(*v->cpu));
	if (!v->cpu)
		return es_v7_fail(c->err, -ENOMEM, "BUFFER option");
	for (i = 0; i < n; i++, pos += 20) {
		struct es_v7_cpu *cpu = &v->cpu[es_v7_get(v, d + pos, 4)];

		if (cpu->present)
			return es_v7_fail(c->err, -EBADMSG, "BUFFER option: CPU %u twice",
					  (unsigned int)es_v7_get(v, d + pos, 4));
		cpu->present = true;
		cpu->offset = es_v7_get(v, d + pos + 4, 8);
		cpu->size = es_v7_get(v, d + pos + 12, 8);
		if (cpu->size && (cpu->offset > c->file_size ||
				  cpu->size > c->file_size - cpu->offset))
			return es_v7_fail(c->err, -EBADMSG,
					  "CPU %u data (offset %llu, %llu bytes) extends past the end of the file",
					  (unsigned int)es_v7_get(v, d + pos, 4),
					  (unsigned long long)cpu->offset,
					  (unsigned long long)cpu->size);
	}
	return 0;
}

/* A number option's text (DATE, OFFSET), as libtracecmd reads it:
 * strtoll with base 0 on the NUL-terminated text. */
static int option_number(struct v7_ctx *c, const char *what, const uint8_t *d,
			 size_t len, long long *out)
{
	char text[64];
	char *end;

	if (!len || !memchr(d, 0, len) || len > sizeof(text))
		return es_v7_fail(c->err, -EBADMSG, "%s option is not a short string", what);
	memcpy(text, d, len);
	errno = 0;
	*out = strtoll(text, &end, 0);
	if (errno)
		return es_v7_fail(c->err, -EBADMSG, "%s option '%s' out of range", what, text);
	return 0;
}

static int add_ts_offset(struct v7_ctx *c, const char *what, long long ns)
{
	if (__builtin_add_overflow(c->v->ts_offset, ns, &c->v->ts_offset))
		return es_v7_fail(c->err, -EBADMSG, "%s option: timestamp offset out of range", what);
	return 0;
}

/* A CPUSTAT option: its text after the others', its last byte a newline. */
static int add_cpustat(struct v7_ctx *c, const uint8_t *d, size_t len)
{
	size_t have = c->cpustats_len;
	char *p;

	if (!len)
		return 0;
	p = realloc(c->v->cpustats, have + len + 1);
	if (!p)
		return es_v7_fail(c->err, -ENOMEM, "CPUSTAT option");
	memcpy(p + have, d, len);
	p[have + len - 1] = '\n';
	p[have + len] = 0;
	/* a NUL inside ends the text there, as it ends libtracecmd's */
	c->v->cpustats = p;
	c->cpustats_len = have + len;
	return 0;
}

/* One option other than DONE. */
static int take_option(struct v7_ctx *c, unsigned int id, const uint8_t *d, size_t len)
{
	long long x;
	int ret = 0;

	switch (id) {
	case ES_V7_BUFFER:
		return parse_buffer(c, d, len);
	case ES_V7_DATE:	/* microseconds */
		ret = option_number(c, "DATE", d, len, &x);
		if (!ret && __builtin_mul_overflow(x, 1000LL, &x))
			ret = es_v7_fail(c->err, -EBADMSG, "DATE option out of range");
		return ret ? ret : add_ts_offset(c, "DATE", x);
	case ES_V7_OFFSET:
		ret = option_number(c, "OFFSET", d, len, &x);
		return ret ? ret : add_ts_offset(c, "OFFSET", x);
	case ES_V7_CPUSTAT:
		return add_cpustat(c, d, len);
	case ES_V7_CPUCOUNT:
		if (len < 4)
			return es_v7_fail(c->err, -EBADMSG, "CPUCOUNT option truncated");
		c->v->cpucount = (uint32_t)es_v7_get(c->v, d, 4);
		return 0;
	case ES_V7_TIME_SHIFT:
	case ES_V7_TSC2NSEC:
		c->v->ts_transform = true;
		return 0;
	case ES_V7_BUFFER_TEXT:
		c->v->latency = true;
		return 0;
	case ES_V7_HEADER_INFO:
	case ES_V7_FTRACE_EVENTS:
	case ES_V7_EVENT_FORMATS:
	case ES_V7_KALLSYMS:
	case ES_V7_PRINTK:
	case ES_V7_CMDLINES:
		if (len >= 8)	/* shorter: ignored, as libtracecmd does */
			c->v->section[id - ES_V7_HEADER_INFO] = es_v7_get(c->v, d, 8);
		return 0;
	default:
		return 0;
	}
}

/* The options of one section; *next: the following section, 0 = none. */
static int parse_options(struct v7_ctx *c, const uint8_t *d, size_t len,
			 uint64_t *next)
{
	size_t pos = 0;
	int ret;

	*next = 0;
	while (pos + 6 <= len) {
		unsigned int id = (unsigned int)es_v7_get(c->v, d + pos, 2);
		uint64_t size = es_v7_get(c->v, d + pos + 2, 4);
		const uint8_t *data = d + pos + 6;

		pos += 6;
		if (size > len - pos)
			return es_v7_fail(c->err, -EBADMSG, "option %u overruns its section", id);
		pos += size;
		if (id == ES_V7_DONE) {
			if (size < 8)
				return es_v7_fail(c->err, -EBADMSG, "DONE option truncated");
			*next = es_v7_get(c->v, data, 8);
			return 0;
		}
		ret = take_option(c, id, data, size);
		if (ret)
			return ret;
	}
	return es_v7_fail(c->err, -EBADMSG, "options section without a DONE option");
}

/* A compressed section's body: u32 compressed size, u32 size, the zstd
 * frame. */
static int decompress_section(const struct es_v7 *v, const uint8_t *raw, uint64_t size,
			      const char *name, uint64_t off, uint8_t **out,
			      size_t *outlen, struct es_error *err)
{
	uint64_t csize = es_v7_get(v, raw, 4), usize = es_v7_get(v, raw + 4, 4);
	uint8_t *body;
	size_t n;

	if (strcmp(v->compression, "zstd"))
		return es_v7_fail(err, -EOPNOTSUPP, "%s section at %llu: compressed with %s",
				  name, (unsigned long long)off, v->compression);
	if (csize > size - 8 || usize > ES_V7_MAX_SECTION)
		return es_v7_fail(err, -EBADMSG,
				  "%s section at %llu: sizes %llu/%llu do not fit its %llu bytes",
				  name, (unsigned long long)off, (unsigned long long)csize,
				  (unsigned long long)usize, (unsigned long long)size);
	body = malloc(usize ? usize : 1);
	if (!body)
		return es_v7_fail(err, -ENOMEM, "%s section", name);
	n = ZSTD_decompress(body, usize, raw + 8, csize);
	if (ZSTD_isError(n) || n != usize) {
		free(body);
		return es_v7_fail(err, -EBADMSG, "%s section at %llu: %s%s", name,
				  (unsigned long long)off, ZSTD_isError(n) ? "zstd: " : "",
				  ZSTD_isError(n) ? ZSTD_getErrorName(n)
				  : "decompresses to fewer bytes than it says");
	}
	*out = body;
	*outlen = usize;
	return 0;
}

int es_v7_load_section(int fd, uint64_t file_size, const struct es_v7 *v,
		       uint64_t off, unsigned int id, const char *name,
		       uint8_t **out, size_t *outlen, struct es_error *err)
{
	uint8_t h[16], *raw;
	uint64_t size;
	unsigned int flags;
	int ret;

	if (off > file_size || file_size - off < sizeof(h))
		return es_v7_fail(err, -EBADMSG, "%s section at %llu: past the end of the file (%llu bytes; truncated?)",
				  name, (unsigned long long)off, (unsigned long long)file_size);
	ret = es_pread_full(fd, h, sizeof(h), off, file_size);
	if (ret)
		return es_v7_fail(err, ret, "%s section header at %llu", name, (unsigned long long)off);
	flags = (unsigned int)es_v7_get(v, h + 2, 2);
	size = es_v7_get(v, h + 8, 8);
	if (es_v7_get(v, h, 2) != id)
		return es_v7_fail(err, -EBADMSG, "%s section at %llu: the header says section %u",
				  name, (unsigned long long)off, (unsigned int)es_v7_get(v, h, 2));
	if (size > file_size - off - sizeof(h))
		return es_v7_fail(err, -EBADMSG, "%s section at %llu: its %llu bytes run past the end of the file (truncated?)",
				  name, (unsigned long long)off, (unsigned long long)size);
	if (size > ES_V7_MAX_SECTION || size < (flags & ES_V7_SECTION_FLAG_COMPRESSED ? 8 : 0))
		return es_v7_fail(err, -EBADMSG, "%s section at %llu: implausible size %llu",
				  name, (unsigned long long)off, (unsigned long long)size);
	raw = malloc(size ? size : 1);
	if (!raw)
		return es_v7_fail(err, -ENOMEM, "%s section", name);
	ret = es_pread_full(fd, raw, size, off + sizeof(h), file_size);
	if (ret) {
		free(raw);
		return es_v7_fail(err, ret, "%s section at %llu", name, (unsigned long long)off);
	}
	if (!(flags & ES_V7_SECTION_FLAG_COMPRESSED)) {
		*out = raw;
		*outlen = size;
		return 0;
	}
	ret = decompress_section(v, raw, size, name, off, out, outlen, err);
	free(raw);
	return ret;
}

/* The BUFFER FLYRECORD section header: is the CPU data compressed? */
static int check_flyrecord(struct v7_ctx *c)
{
	uint8_t h[16];
	int ret = es_pread_full(c->fd, h, sizeof(h), c->v->buffer_offset, c->file_size);

	if (ret)
		return es_v7_fail(c->err, ret, "flyrecord section header at %llu",
				  (unsigned long long)c->v->buffer_offset);
	if (es_v7_get(c->v, h, 2) != ES_V7_BUFFER)
		return es_v7_fail(c->err, -EBADMSG, "no flyrecord section at %llu",
				  (unsigned long long)c->v->buffer_offset);
	c->v->data_compressed = es_v7_get(c->v, h + 2, 2) & ES_V7_SECTION_FLAG_COMPRESSED;
	return 0;
}

int es_v7_read(int fd, uint64_t file_size, int max_cpus, struct es_v7 *v,
	       struct es_error *err)
{
	struct v7_ctx c = { .fd = fd, .file_size = file_size, .max_cpus = max_cpus,
			    .v = v, .err = err };
	uint64_t off = 0, prev = 0;
	int n, ret;

	memset(v, 0, sizeof(*v));
	ret = parse_file_header(&c, &off);
	for (n = 0; !ret && off; n++) {
		uint8_t *body = NULL;
		size_t len = 0;

		if (n == MAX_OPTION_SECTIONS || off == prev)
			ret = es_v7_fail(err, -EBADMSG, "options sections form a loop");
		else
			ret = es_v7_load_section(fd, file_size, v, off, ES_V7_DONE, "options",
						 &body, &len, err);
		if (ret)
			break;
		prev = off;
		ret = parse_options(&c, body, len, &off);
		free(body);
	}
	if (!ret && !v->cpu)
		ret = es_v7_fail(err, v->latency ? -EOPNOTSUPP : -EBADMSG,
				 "no flyrecord CPU data for the top instance");
	if (!ret)
		ret = check_flyrecord(&c);
	if (ret)
		es_v7_release(v);
	return ret;
}

void es_v7_release(struct es_v7 *v)
{
	free(v->cpu);
	v->cpu = NULL;
	v->ncpus = 0;
	free(v->cpustats);
	v->cpustats = NULL;
}
