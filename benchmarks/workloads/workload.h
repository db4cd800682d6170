/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exitlab-workload: the guest workloads of benchmarks/multi-guest. Each runs a fixed
 * amount of work and reports it on one machine-readable line (see workload.c).
 */
#ifndef EXITLAB_WORKLOAD_H
#define EXITLAB_WORKLOAD_H

#include <stdint.h>

#define PROG "exitlab-workload"

struct wl_opts {
	uint64_t ops;		/* amount of work, in the workload's unit */
	const char *exits_file;	/* the VM's exit counter (/sys/hypervisor/exits/count) */
	const char *target;	/* io: the disk; net: ADDR:PORT; NULL: the workload's default */
};

struct wl_result {
	uint64_t ops;		/* work done */
	double seconds;		/* wall time of the work (CLOCK_MONOTONIC) */
	uint64_t check;		/* a value derived from the work, so it cannot be optimised away */
	const char *extra;	/* more "key=value" fields for the line, or NULL */
};

struct workload {
	const char *name;
	const char *unit;	/* what one op is, for ops_per_s */
	uint64_t default_ops;
	const char *what;	/* one line for --help */
	int (*run)(const struct wl_opts *o, struct wl_result *r);	/* 0 ok, 1 failed */
};

double wl_now(void);
/* Print "PROG: name: what: strerror(errno)" to stderr; returns 1. */
int wl_fail(const char *name, const char *what);

int wl_cpu(const struct wl_opts *o, struct wl_result *r);
int wl_mem(const struct wl_opts *o, struct wl_result *r);
int wl_timer(const struct wl_opts *o, struct wl_result *r);
int wl_hvc(const struct wl_opts *o, struct wl_result *r);
int wl_ipi(const struct wl_opts *o, struct wl_result *r);
int wl_boot(const struct wl_opts *o, struct wl_result *r);
int wl_io(const struct wl_opts *o, struct wl_result *r);
int wl_net(const struct wl_opts *o, struct wl_result *r);

#endif
