/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to the trace reader (reader.c: opening, strategies record and
 * iterate, es_analyze; reader-page.c: the page strategies and the opening
 * of zstd-compressed version 7 files without libtracecmd).
 */
#ifndef EXITSTAT_READER_H
#define EXITSTAT_READER_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <trace-cmd.h>
#include <event-parse.h>

#include "exitstat.h"

/*
 * libtracecmd's page API is exported by libtracecmd.so.1 but declared only
 * in trace-cmd-private.h, which Debian does not ship: declared weak here,
 * and the page strategies are not used when it is missing.
 */
void *tracecmd_record_page(struct tracecmd_input *handle,
			   struct tep_record *record) __attribute__((weak));
int tracecmd_set_cursor(struct tracecmd_input *handle, int cpu,
			unsigned long long offset) __attribute__((weak));
off_t tracecmd_get_cpu_file_size(struct tracecmd_input *handle,
				 int cpu) __attribute__((weak));
int tracecmd_page_size(struct tracecmd_input *handle) __attribute__((weak));
const char *tracecmd_get_cpustats(struct tracecmd_input *handle)
	__attribute__((weak));
struct tep_record *tracecmd_read_cpu_last(struct tracecmd_input *handle,
					  int cpu) __attribute__((weak));

struct reader {
	const char *path;
	struct tracecmd_input *h;	/* NULL when ES_READ_ZPAGE opened the file */
	struct tep_handle *tep;		/* the file's formats: h's, or our own */
	struct es_engine *e;
	const struct es_layout *l;
	int cpus;
	int page_size;
	int long_size;
	int file_version;
	off_t file_size;
	struct es_error *err;
	/* ES_READ_TCPAGE */
	uint64_t loaded;	/* page bytes handed out by the current handle */
	uint64_t reopen_bytes;
	unsigned int reopens;
	/* ES_READ_ZPAGE */
	int zfd;		/* -1: not open */
	struct es_v7 v7;
	int zworkers;
	struct es_zstream *zs;
};

static inline int es_reader_fail(struct es_error *err, int ret, const char *fmt,
				 const char *what)
{
	snprintf(err->msg, sizeof(err->msg), fmt, what);
	return ret;
}

/* err's message after "cannot read the trace.dat headers: " */
static inline void es_headers_fail(struct es_error *err)
{
	char why[sizeof(err->msg)];

	snprintf(why, sizeof(why), "%s", err->msg);
	snprintf(err->msg, sizeof(err->msg), "cannot read the trace.dat headers: %.200s", why);
}

/* reader-page.c: ES_READ_TCPAGE, or ES_READ_ZPAGE when rd->zs is open */
int es_read_pages(struct reader *rd);
/*
 * Whether ES_READ_ZPAGE can read the file, without libtracecmd: 0 with
 * rd->zfd, rd->v7 and rd->zs (its threads started); -EOPNOTSUPP with err
 * saying why not (libtracecmd reads it then); another -errno: the file is
 * unusable, err says why.
 */
int es_zpage_open(struct reader *rd, struct es_error *err);
void es_zpage_close(struct reader *rd);

#endif
