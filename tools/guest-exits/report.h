/* SPDX-License-Identifier: GPL-2.0 */
/* guest-exits: text and JSON printers of snapshots and differences. */
#ifndef REPORT_H
#define REPORT_H

#include <stdio.h>

#include "exits-sysfs.h"

struct run_result {
	const char *command;
	bool exited;		/* else killed by a signal */
	int code;		/* exit status or signal number */
	uint64_t elapsed_ns;	/* from fork to the end of waitpid */
	const struct ex_diff *result, *overhead, *corrected;
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

#endif
