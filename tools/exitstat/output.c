// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

static enum out_format fmt;
static int sections;		/* JSON members or CSV blocks written */
static int stream_items;

void out_start(enum out_format f)
{
	fmt = f;
	sections = 0;
	if (fmt == OUT_JSON)
		fputs("{", stdout);
}

void out_end(void)
{
	if (fmt == OUT_JSON)
		fputs("\n}\n", stdout);
	fflush(stdout);
}

enum out_format out_format(void)
{
	return fmt;
}

static void oom(void)
{
	fputs("exitstat: out of memory\n", stderr);
	exit(1);
}

struct table *table_new(const char *name, const char *title, int ncols,
			const char *const *cols)
{
	struct table *t = calloc(1, sizeof(*t));

	if (!t)
		oom();
	t->name = name;
	t->title = title;
	t->ncols = ncols;
	t->cols = (const char **)cols;
	return t;
}

struct table *kv_new(const char *name, const char *title)
{
	static const char *const cols[] = { "key", "value" };
	struct table *t = table_new(name, title, 2, cols);

	t->keyvalue = 1;
	return t;
}

static struct cell *add(struct table *t, enum cell_kind kind)
{
	if (t->ncells == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->cells = realloc(t->cells, t->cap * sizeof(*t->cells));
		if (!t->cells)
			oom();
	}
	memset(&t->cells[t->ncells], 0, sizeof(struct cell));
	t->cells[t->ncells].kind = kind;
	return &t->cells[t->ncells++];
}

static void vcell_str(struct table *t, const char *f, va_list ap)
{
	struct cell *c = add(t, CELL_STR);

	if (vasprintf(&c->s, f, ap) < 0)
		oom();
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

void kv_str(struct table *t, const char *key, const char *f, ...)
{
	va_list ap;

	cell_str(t, "%s", key);
	va_start(ap, f);
	vcell_str(t, f, ap);
	va_end(ap);
}

void kv_uint(struct table *t, const char *key, uint64_t v)
{
	cell_str(t, "%s", key);
	cell_uint(t, v);
}

void kv_int(struct table *t, const char *key, int64_t v)
{
	cell_str(t, "%s", key);
	cell_int(t, v);
}

void kv_float(struct table *t, const char *key, double v)
{
	cell_str(t, "%s", key);
	cell_float(t, v);
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
	case CELL_NULL:	snprintf(buf, len, "-"); break;
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
		json_string(stdout, c->s);
		return;
	}
	raw_of(c, buf, sizeof(buf));
	fputs(buf, stdout);
}

static void csv_field(const char *s)
{
	if (strpbrk(s, ",\"\n")) {
		fputc('"', stdout);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', stdout);
			fputc(*s, stdout);
		}
		fputc('"', stdout);
	} else {
		fputs(s, stdout);
	}
}

static void print_text(struct table *t)
{
	size_t rows = t->ncells / (size_t)t->ncols, r;
	int *width = calloc((size_t)t->ncols, sizeof(int)), c;
	char buf[512];

	if (!width)
		oom();
	if (t->title)
		printf("\n%s\n", t->title);
	if (t->keyvalue) {
		int kw = 0;

		for (r = 0; r < rows; r++) {
			int l = (int)strlen(t->cells[r * 2].s);

			kw = l > kw ? l : kw;
		}
		for (r = 0; r < rows; r++) {
			text_of(&t->cells[r * 2 + 1], buf, sizeof(buf));
			printf("  %-*s  %s\n", kw + 1, t->cells[r * 2].s, buf);
		}
		free(width);
		return;
	}
	if (!rows) {
		printf("  (none)\n");
		free(width);
		return;
	}
	for (c = 0; c < t->ncols; c++)
		width[c] = (int)strlen(t->cols[c]);
	for (r = 0; r < rows; r++)
		for (c = 0; c < t->ncols; c++) {
			int l;

			text_of(&t->cells[r * (size_t)t->ncols + (size_t)c], buf, sizeof(buf));
			l = (int)strlen(buf);
			width[c] = l > width[c] ? l : width[c];
		}
	printf(" ");
	for (c = 0; c < t->ncols; c++) {
		const struct cell *first = &t->cells[c];
		int left = first->kind == CELL_STR;

		printf(" %*s%s", left ? -width[c] : width[c], t->cols[c],
		       c == t->ncols - 1 ? "\n" : " ");
	}
	for (r = 0; r < rows; r++) {
		printf(" ");
		for (c = 0; c < t->ncols; c++) {
			const struct cell *cell = &t->cells[r * (size_t)t->ncols + (size_t)c];
			int left = cell->kind == CELL_STR;

			text_of(cell, buf, sizeof(buf));
			printf(" %*s%s", left ? -width[c] : width[c], buf,
			       c == t->ncols - 1 ? "\n" : " ");
		}
	}
	free(width);
}

static void print_json(struct table *t)
{
	size_t rows = t->ncells / (size_t)t->ncols, r;
	int c;

	printf("%s\n  ", sections++ ? "," : "");
	json_string(stdout, t->name);
	if (t->keyvalue) {
		fputs(": {", stdout);
		for (r = 0; r < rows; r++) {
			printf("%s\n    ", r ? "," : "");
			json_string(stdout, t->cells[r * 2].s);
			fputs(": ", stdout);
			json_cell(&t->cells[r * 2 + 1]);
		}
		fputs("\n  }", stdout);
		return;
	}
	fputs(": [", stdout);
	for (r = 0; r < rows; r++) {
		printf("%s\n    {", r ? "," : "");
		for (c = 0; c < t->ncols; c++) {
			printf("%s", c ? ", " : "");
			json_string(stdout, t->cols[c]);
			fputs(": ", stdout);
			json_cell(&t->cells[r * (size_t)t->ncols + (size_t)c]);
		}
		fputs("}", stdout);
	}
	fputs(rows ? "\n  ]" : "]", stdout);
}

static void print_csv(struct table *t)
{
	size_t rows = t->ncells / (size_t)t->ncols, r;
	char buf[512];
	int c;

	/* Several tables per run: each is a block headed by "# name". */
	printf("%s# %s\n", sections++ ? "\n" : "", t->name);
	for (c = 0; c < t->ncols; c++) {
		printf("%s", c ? "," : "");
		csv_field(t->cols[c]);
	}
	putchar('\n');
	for (r = 0; r < rows; r++) {
		for (c = 0; c < t->ncols; c++) {
			const struct cell *cell = &t->cells[r * (size_t)t->ncols + (size_t)c];

			printf("%s", c ? "," : "");
			raw_of(cell, buf, sizeof(buf));
			csv_field(buf);
		}
		putchar('\n');
	}
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
	vprintf(f, ap);
	va_end(ap);
}

void stream_begin(const char *name, const char *csv_header)
{
	stream_items = 0;
	if (fmt == OUT_JSON) {
		printf("%s\n  ", sections++ ? "," : "");
		json_string(stdout, name);
		fputs(": [", stdout);
	} else if (fmt == OUT_CSV) {
		printf("%s# %s\n%s\n", sections++ ? "\n" : "", name, csv_header);
	}
}

void stream_json_item(const char *f, ...)
{
	va_list ap;

	printf("%s\n    ", stream_items++ ? "," : "");
	va_start(ap, f);
	vprintf(f, ap);
	va_end(ap);
}

void stream_end(void)
{
	if (fmt == OUT_JSON)
		fputs(stream_items ? "\n  ]" : "]", stdout);
}
