/* SPDX-License-Identifier: GPL-2.0 */
/* guest-exits: text and JSON printers of snapshots and differences. */
#ifndef REPORT_H
#define REPORT_H

#include <stdio.h>

#include "correct.h"
#include "exits-sysfs.h"

struct run_result {
	const char *command;
	bool exited;		/* else killed by a signal */
	int code;		/* exit status or signal number */
	uint64_t elapsed_ns;	/* from fork to the end of waitpid */
	const struct ex_diff *result;		/* after - before, as read */
	const struct ex_calib *calib;		/* what is subtracted, and how it is known */
	const struct ex_corrected *corrected;
	const struct ex_snapshot *before, *after;
	const char *fallback;	/* why the per-value files are read, or NULL */
};

void report_table(FILE *out, bool json, const struct ex_layout *l,
		  const struct ex_snapshot *s);
void report_watch_header(FILE *out, const struct ex_layout *l, double seconds);
void report_watch(FILE *out, bool json, const struct ex_layout *l,
		  const struct ex_diff *d, unsigned sample, uint64_t t_ns,
		  uint64_t interval_ns);
void report_run(FILE *out, bool json, const struct ex_layout *l,
		const struct run_result *r);
void report_probe(FILE *out, bool json, const char *root, const struct ex_layout *l);

/* The message of an absent root, without the "guest-exits: " prefix. */
#define ABSENT_FMT "%s: not present (the hypervisor does not offer exit statistics, " \
		   "or they are disabled on the host)"

/* Shared by report.c and report-run.c */
struct sort_ent {
	int64_t key;
	size_t idx;
};

void json_str(FILE *out, const char *s);
void json_class_open(FILE *out, size_t n, const char *name, int id);
void json_mean(FILE *out, double time_ns, double count);
void json_hz(FILE *out, const struct ex_layout *l);
void text_mean(FILE *out, double time_ns, double count);
void text_id(FILE *out, int id);
/* Class indices sorted by a key, largest first; ties by id then name. */
struct sort_ent *sort_classes(const struct ex_layout *l, const int64_t *keys);
size_t order(const struct sort_ent *e, size_t i);
int64_t *count_keys(const struct ex_layout *l, const struct ex_delta *d);
bool changed(const struct ex_delta *d);

#endif
