/* SPDX-License-Identifier: GPL-2.0 */
/* The CLI's subcommands, one file each (cmd-*.c). */
#ifndef EXITSTAT_BUILTIN_H
#define EXITSTAT_BUILTIN_H

#include <stdbool.h>

#include "exitstat.h"
#include "output.h"

struct cli {
	const char *cmd;
	struct es_options opts;
	enum out_format fmt;
	const char *files[2];
	int nfiles;
};

/*
 * An option: one of the common ones (exitstat.c) or of a command's own
 * (its cmd-*.c). take() stores it in cli or in the command's file: NULL,
 * or the usage error, a format for the argument ("not a time: '%s'").
 */
struct cli_option {
	const char *name;	/* --NAME; unique among the common options and
				 * the command's own */
	const char *arg;	/* its argument in the usage text, NULL: a flag */
	const char *help;	/* usage text; each '\n' starts an indented line */
	const char *(*take)(struct cli *cli, const char *arg);
};

/* A subcommand: defined in its cmd-*.c, listed in exitstat.c. */
struct command {
	const char *name;
	int (*run)(struct cli *cli);	/* the exit status */
	int nfiles;			/* TRACE arguments: 1 or 2 */
	const char *help;		/* what it does, for 'exitstat NAME --help' */
	const struct cli_option *options;	/* its own, up to an unnamed one */
};

extern const struct command cmd_summary, cmd_timeline, cmd_hvc, cmd_sysreg,
	cmd_mmio, cmd_lost, cmd_compare;

/* A number in s (strtod, all of it): 0 or -EINVAL. */
int parse_number(const char *s, double *out);
/* Runs the analysis; on failure prints "exitstat: FILE: problem" and
 * returns NULL (the caller exits 1). */
struct es_result *run_analysis(struct cli *cli, const char *path);
/* The "trace" key/value block shared by all subcommands. */
void print_trace_info(const struct cli *cli, const struct es_result *r);
/* out_end(); on a write error says so on stderr. The command's exit status. */
int finish_output(void);
double span_seconds(const struct es_result *r);
double share(uint64_t part, uint64_t whole);
/* Indexes 0..n-1 sorted by decreasing key. */
size_t *order_by(const uint64_t *keys, size_t n, size_t stride_bytes);

#endif
