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
	bool calls;		/* hvc --calls */
};

int cmd_summary(struct cli *cli);
int cmd_timeline(struct cli *cli);
int cmd_hvc(struct cli *cli);
int cmd_sysreg(struct cli *cli);
int cmd_mmio(struct cli *cli);
int cmd_lost(struct cli *cli);
int cmd_compare(struct cli *cli);

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
