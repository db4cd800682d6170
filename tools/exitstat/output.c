// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

static enum out_format fmt;
static int sections;		/* JSON members or CSV blocks written */
static int stream_items;
static FILE *out;		/* stdout, or the memory stream of JSON and CSV */
static char *mem;
static size_t mem_len;

void out_oom(void)
{
	out_abort();
	fputs("exitstat: out of memory\n", stderr);
	exit(1);
}

void out_start(enum out_format f, const char *command)
{
	fmt = f;
	sections = 0;
	out = stdout;
	if (fmt == OUT_TEXT)
		return;
	out = open_memstream(&mem, &mem_len);
	if (!out) {
		out = stdout;
		out_oom();
	}
	if (fmt == OUT_JSON) {
		fprintf(out, "{\n  \"schema_version\": %d,\n  \"command\": ",
			OUT_SCHEMA_VERSION);
		json_string(out, command);
		sections = 1;
	}
}

/* Drops the memory stream, if any; output goes to stdout again. */
static void close_mem(void)
{
	if (out && out != stdout)
		fclose(out);
	free(mem);
	mem = NULL;
	mem_len = 0;
	out = stdout;
}

static int flush_stdout(void)
{
	errno = 0;
	if (fflush(stdout) || ferror(stdout))
		return errno ? -errno : -EIO;
	return 0;
}

int out_end(void)
{
	int err = 0;

	if (fmt == OUT_JSON)
		fputs("\n}\n", out);
	if (out && out != stdout) {
		if (fclose(out)) {	/* finishes mem and mem_len */
			out = stdout;
			out_oom();
		}
		out = stdout;
		errno = 0;
		if (mem_len && fwrite(mem, 1, mem_len, stdout) != mem_len)
			err = errno ? -errno : -EIO;
		close_mem();
	}
	return err ? err : flush_stdout();
}

void out_abort(void)
{
	close_mem();
	fflush(stdout);
}

enum out_format out_format(void)
{
	return fmt;
}

void out_printf(const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vfprintf(out ? out : stdout, f, ap);
	va_end(ap);
}

struct table *table_new(const char *name, const char *title, int ncols,
			const struct column *cols)
{
	struct table *t = calloc(1, sizeof(*t));

	if (!t)
		out_oom();
	t->name = name;
	t->title = title;
	t->ncols = ncols;
	t->cols = cols;
	return t;
}

struct table *kv_new(const char *name, const char *title)
{
	static const struct column cols[] = { { "key", NULL }, { "label", NULL },
					      { "value", NULL } };
	struct table *t = table_new(name, title, 3, cols);

	t->keyvalue = 1;
	return t;
}

static struct cell *add(struct table *t, enum cell_kind kind)
{
	if (t->ncells == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->cells = realloc(t->cells, t->cap * sizeof(*t->cells));
		if (!t->cells)
			out_oom();
	}
	memset(&t->cells[t->ncells], 0, sizeof(struct cell));
	t->cells[t->ncells].kind = kind;
	return &t->cells[t->ncells++];
}

static void vcell_str(struct table *t, const char *f, va_list ap)
{
	struct cell *c = add(t, CELL_STR);

	if (vasprintf(&c->s, f, ap) < 0)
		out_oom();
}

void cell_str(struct table *t, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vcell_str(t, f, ap);
	va_end(ap);
}

void cell_uint(struct table *t, uint64_t v) { add(t, CELL_UINT)->u = v; }
void cell_int(struct table *t, int64_t v) { add(t, CELL_INT)->i = v; }
void cell_ns(struct table *t, uint64_t v) { add(t, CELL_NS)->u = v; }
void cell_float(struct table *t, double v) { add(t, CELL_FLOAT)->f = v; }
void cell_pct(struct table *t, double v) { add(t, CELL_PCT)->f = v; }
void cell_null(struct table *t) { add(t, CELL_NULL); }

static void kv_key(struct table *t, const char *key, const char *label)
{
	cell_str(t, "%s", key);
	cell_str(t, "%s", label ? label : key);
}

void kv_str(struct table *t, const char *key, const char *label, const char *f, ...)
{
	va_list ap;

	kv_key(t, key, label);
	va_start(ap, f);
	vcell_str(t, f, ap);
	va_end(ap);
}

void kv_uint(struct table *t, const char *key, const char *label, uint64_t v)
{
	kv_key(t, key, label);
	cell_uint(t, v);
}

void kv_int(struct table *t, const char *key, const char *label, int64_t v)
{
	kv_key(t, key, label);
	cell_int(t, v);
}

void kv_float(struct table *t, const char *key, const char *label, double v)
{
	kv_key(t, key, label);
	cell_float(t, v);
}

void kv_unknown(struct table *t, const char *key, const char *label, const char *text)
{
	kv_key(t, key, label);
	if (!(add(t, CELL_NULL)->s = strdup(text)))
		out_oom();
}

void format_ns(char *buf, size_t len, uint64_t ns)
{
	if (ns < 10000)
		snprintf(buf, len, "%lluns", (unsigned long long)ns);
	else if (ns < 10000000)
		snprintf(buf, len, "%.1fus", (double)ns / 1e3);
	else if (ns < 10000000000ULL)
		snprintf(buf, len, "%.1fms", (double)ns / 1e6);
	else
		snprintf(buf, len, "%.2fs", (double)ns / 1e9);
}

/* Text rendering of a cell. */
static void text_of(const struct cell *c, char *buf, size_t len)
{
	switch (c->kind) {
	case CELL_NULL:	snprintf(buf, len, "%s", c->s ? c->s : "-"); break;
	case CELL_STR:	snprintf(buf, len, "%s", c->s); break;
	case CELL_INT:	snprintf(buf, len, "%lld", (long long)c->i); break;
	case CELL_UINT:	snprintf(buf, len, "%llu", (unsigned long long)c->u); break;
	case CELL_NS:	format_ns(buf, len, c->u); break;
	case CELL_FLOAT: snprintf(buf, len, "%.6g", c->f); break;
	case CELL_PCT:	snprintf(buf, len, "%.2f%%", c->f); break;
	}
}

/* Machine rendering: integers in ns, floats plain. */
static void raw_of(const struct cell *c, char *buf, size_t len)
{
	switch (c->kind) {
	case CELL_NULL:	snprintf(buf, len, "%s", fmt == OUT_JSON ? "null" : ""); break;
	case CELL_STR:	snprintf(buf, len, "%s", c->s); break;
	case CELL_INT:	snprintf(buf, len, "%lld", (long long)c->i); break;
	case CELL_UINT:
	case CELL_NS:	snprintf(buf, len, "%llu", (unsigned long long)c->u); break;
	case CELL_FLOAT: snprintf(buf, len, "%.9g", c->f); break;
	case CELL_PCT:	snprintf(buf, len, "%.4f", c->f); break;
	}
}

void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static void json_cell(const struct cell *c)
{
	char buf[64];

	if (c->kind == CELL_STR) {
		json_string(out, c->s);
		return;
	}
	raw_of(c, buf, sizeof(buf));
	fputs(buf, out);
}

static void csv_field(const char *s)
{
	if (strpbrk(s, ",\"\n")) {
		fputc('"', out);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', out);
			fputc(*s, out);
		}
		fputc('"', out);
	} else {
		fputs(s, out);
	}
}

static const char *col_label(const struct table *t, int c)
{
	return t->cols[c].label ? t->cols[c].label : t->cols[c].key;
}

/* A kv table as "  label  value" lines. */
static void print_text_kv(struct table *t)
{
	size_t rows = t->ncells / 3, r;
	char buf[512];
	int kw = 0;

	for (r = 0; r < rows; r++) {
		int l = (int)strlen(t->cells[r * 3 + 1].s);

		kw = l > kw ? l : kw;
	}
	for (r = 0; r < rows; r++) {
		text_of(&t->cells[r * 3 + 2], buf, sizeof(buf));
		fprintf(out, "  %-*s  %s\n", kw + 1, t->cells[r * 3 + 1].s, buf);
	}
}

static void print_text(struct table *t)
{
	size_t rows = t->ncells / (size_t)t->ncols, r;
	int *width, c;
	char buf[512];

	if (t->title)
		fprintf(out, "\n%s\n", t->title);
	if (t->keyvalue) {
		print_text_kv(t);
		return;
	}
	if (!rows) {
		fprintf(out, "  (none)\n");
		return;
	}
	width = calloc((size_t)t->ncols, sizeof(int));
	if (!width)
		out_oom();
	for (c = 0; c < t->ncols; c++)
		width[c] = (int)strlen(col_label(t, c));
	for (r = 0; r < rows; r++)
		for (c = 0; c < t->ncols; c++) {
			int l;

			text_of(&t->cells[r * (size_t)t->ncols + (size_t)c], buf, sizeof(buf));
			l = (int)strlen(buf);
			width[c] = l > width[c] ? l : width[c];
		}
	fprintf(out, " ");
	for (c = 0; c < t->ncols; c++) {
		const struct cell *first = &t->cells[c];
		int left = first->kind == CELL_STR;

		fprintf(out, " %*s%s", left ? -width[c] : width[c], col_label(t, c),
			c == t->ncols - 1 ? "\n" : " ");
	}
	for (r = 0; r < rows; r++) {
		fprintf(out, " ");
		for (c = 0; c < t->ncols; c++) {
			const struct cell *cell = &t->cells[r * (size_t)t->ncols + (size_t)c];
			int left = cell->kind == CELL_STR;

			text_of(cell, buf, sizeof(buf));
			fprintf(out, " %*s%s", left ? -width[c] : width[c], buf,
				c == t->ncols - 1 ? "\n" : " ");
		}
	}
	free(width);
}

static void print_json(struct table *t)
{
	size_t rows = t->ncells / (size_t)t->ncols, r;
	int c;

	fprintf(out, "%s\n  ", sections++ ? "," : "");
	json_string(out, t->name);
	if (t->keyvalue) {
		fputs(": {", out);
		for (r = 0; r < rows; r++) {
			fprintf(out, "%s\n    ", r ? "," : "");
			json_string(out, t->cells[r * 3].s);
			fputs(": ", out);
			json_cell(&t->cells[r * 3 + 2]);
		}
		fputs("\n  }", out);
		return;
	}
	fputs(": [", out);
	for (r = 0; r < rows; r++) {
		fprintf(out, "%s\n    {", r ? "," : "");
		for (c = 0; c < t->ncols; c++) {
			fprintf(out, "%s", c ? ", " : "");
			json_string(out, t->cols[c].key);
			fputs(": ", out);
			json_cell(&t->cells[r * (size_t)t->ncols + (size_t)c]);
		}
		fputs("}", out);
	}
	fputs(rows ? "\n  ]" : "]", out);
}

/* One CSV row of the cells from FIRST, skipping column SKIP (-1: none). */
static void csv_row(const struct table *t, size_t first, int skip)
{
	char buf[512];
	int c, n = 0;

	for (c = 0; c < t->ncols; c++) {
		if (c == skip)
			continue;
		raw_of(&t->cells[first + (size_t)c], buf, sizeof(buf));
		fprintf(out, "%s", n++ ? "," : "");
		csv_field(buf);
	}
	fputc('\n', out);
}

static void print_csv(struct table *t)
{
	size_t rows = t->ncells / (size_t)t->ncols, r;
	int c, n = 0;

	/* Several tables per run: each is a block headed by "# name"; a kv
	 * table is a "key,value" block (the text label is not written). */
	fprintf(out, "%s# %s\n", sections++ ? "\n" : "", t->name);
	for (c = 0; c < t->ncols; c++) {
		if (t->keyvalue && c == 1)
			continue;
		fprintf(out, "%s", n++ ? "," : "");
		csv_field(t->cols[c].key);
	}
	fputc('\n', out);
	for (r = 0; r < rows; r++)
		csv_row(t, r * (size_t)t->ncols, t->keyvalue ? 1 : -1);
}

void table_print(struct table *t)
{
	size_t i;

	switch (fmt) {
	case OUT_TEXT: print_text(t); break;
	case OUT_JSON: print_json(t); break;
	case OUT_CSV: print_csv(t); break;
	}
	for (i = 0; i < t->ncells; i++)
		free(t->cells[i].s);
	free(t->cells);
	free(t);
}

void out_note(const char *f, ...)
{
	va_list ap;

	if (fmt != OUT_TEXT)
		return;
	va_start(ap, f);
	vfprintf(out, f, ap);
	va_end(ap);
}

void stream_begin(const char *name, const char *csv_header)
{
	stream_items = 0;
	if (fmt == OUT_JSON) {
		fprintf(out, "%s\n  ", sections++ ? "," : "");
		json_string(out, name);
		fputs(": [", out);
	} else if (fmt == OUT_CSV) {
		fprintf(out, "%s# %s\n%s\n", sections++ ? "\n" : "", name, csv_header);
	}
}

void stream_json_item(const char *f, ...)
{
	va_list ap;

	fprintf(out, "%s\n    ", stream_items++ ? "," : "");
	va_start(ap, f);
	vfprintf(out, f, ap);
	va_end(ap);
}

void stream_end(void)
{
	if (fmt == OUT_JSON)
		fputs(stream_items ? "\n  ]" : "]", out);
}
