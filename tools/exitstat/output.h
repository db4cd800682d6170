/* SPDX-License-Identifier: GPL-2.0 */
/* Tables rendered as aligned text, JSON or CSV. */
#ifndef EXITSTAT_OUTPUT_H
#define EXITSTAT_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

enum out_format { OUT_TEXT, OUT_JSON, OUT_CSV };

enum cell_kind { CELL_NULL, CELL_STR, CELL_INT, CELL_UINT, CELL_NS, CELL_FLOAT,
		 CELL_PCT };

struct cell {
	enum cell_kind kind;
	char *s;
	uint64_t u;
	int64_t i;
	double f;
};

struct table {
	const char *name;	/* JSON key / CSV section */
	const char *title;	/* text heading, may be NULL */
	int ncols;
	const char **cols;
	int keyvalue;		/* two columns rendered as "key: value" / object */
	struct cell *cells;
	size_t ncells, cap;
};

void out_start(enum out_format fmt);
void out_end(void);
enum out_format out_format(void);

struct table *table_new(const char *name, const char *title, int ncols,
			const char *const *cols);
struct table *kv_new(const char *name, const char *title);
void cell_str(struct table *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cell_uint(struct table *t, uint64_t v);
void cell_int(struct table *t, int64_t v);
void cell_ns(struct table *t, uint64_t ns);
void cell_float(struct table *t, double v);
void cell_pct(struct table *t, double v);
void cell_null(struct table *t);
/* Key/value helpers for kv tables. */
void kv_str(struct table *t, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void kv_uint(struct table *t, const char *key, uint64_t v);
void kv_int(struct table *t, const char *key, int64_t v);
void kv_float(struct table *t, const char *key, double v);
/* Prints and frees the table. */
void table_print(struct table *t);
/* A free-standing note: text only (stderr-free, after the tables). */
void out_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Streaming rows (timeline): begin a JSON array / CSV header. */
void stream_begin(const char *name, const char *csv_header);
void stream_json_item(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void stream_end(void);

void json_string(FILE *f, const char *s);
void format_ns(char *buf, size_t len, uint64_t ns);

#endif
