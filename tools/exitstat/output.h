/* SPDX-License-Identifier: GPL-2.0 */
/* Tables rendered as aligned text, JSON or CSV. */
#ifndef EXITSTAT_OUTPUT_H
#define EXITSTAT_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

enum out_format { OUT_TEXT, OUT_JSON, OUT_CSV };

/* The version of the JSON document's layout (exitstat(1), JSON OUTPUT): it
 * changes when a key is renamed or removed or a value changes its meaning. */
#define OUT_SCHEMA_VERSION 1

enum cell_kind { CELL_NULL, CELL_STR, CELL_INT, CELL_UINT, CELL_NS, CELL_FLOAT,
		 CELL_PCT };

struct cell {
	enum cell_kind kind;
	char *s;		/* CELL_STR; CELL_NULL: its text, NULL for "-" */
	uint64_t u;
	int64_t i;
	double f;
};

/* A column: key names it in JSON and CSV (snake_case, unit as suffix),
 * label in the text table (NULL: the key). */
struct column {
	const char *key;
	const char *label;
};

struct table {
	const char *name;	/* JSON key / CSV section */
	const char *title;	/* text heading, may be NULL */
	int ncols;
	const struct column *cols;
	int keyvalue;		/* rows of key, label, value: "label: value" / object */
	struct cell *cells;
	size_t ncells, cap;
};

/* COMMAND: the subcommand, named in the JSON document. JSON and CSV are
 * built in memory and written by out_end() only, so that a failure on the
 * way leaves stdout empty; text goes straight to stdout. */
void out_start(enum out_format fmt, const char *command);
/* Writes what is buffered and flushes stdout: 0, or -errno. */
int out_end(void);
/* After a failure: drops buffered JSON or CSV (text already written stays). */
void out_abort(void);
enum out_format out_format(void);
/* The CLI's one way out of memory exhaustion: drops buffered JSON or CSV,
 * says "exitstat: out of memory" on stderr and exits 1. */
void out_oom(void) __attribute__((noreturn));
/* printf to the output (stdout for text, the buffer otherwise). */
void out_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct table *table_new(const char *name, const char *title, int ncols,
			const struct column *cols);
struct table *kv_new(const char *name, const char *title);
void cell_str(struct table *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cell_uint(struct table *t, uint64_t v);
void cell_int(struct table *t, int64_t v);
void cell_ns(struct table *t, uint64_t ns);
void cell_float(struct table *t, double v);
void cell_pct(struct table *t, double v);
void cell_null(struct table *t);
/* Rows of kv tables: KEY for JSON and CSV, LABEL for text (NULL: the key). */
void kv_str(struct table *t, const char *key, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void kv_uint(struct table *t, const char *key, const char *label, uint64_t v);
void kv_int(struct table *t, const char *key, const char *label, int64_t v);
void kv_float(struct table *t, const char *key, const char *label, double v);
/* An unknown value: null in JSON, empty in CSV, TEXT in the text output. */
void kv_unknown(struct table *t, const char *key, const char *label, const char *text);
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
