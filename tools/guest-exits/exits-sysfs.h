/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exits-sysfs: reader of the guest view of KVM exit statistics,
 * /sys/hypervisor/exits/ (see guest-exits(1) for the layout).
 *
 * The library never prints and never exits: functions that can fail return
 * a negative errno and fill a struct ex_err naming the file concerned.
 *
 * Reading a value file costs one HVC exit (the driver makes one hypercall
 * per read), so the layout (which classes and cpus exist) is discovered once
 * with readdir, which costs nothing, and a snapshot then reads only the
 * count/time_ns/time_ticks files.
 */
#ifndef EXITS_SYSFS_H
#define EXITS_SYSFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EX_DEFAULT_ROOT "/sys/hypervisor/exits"
#define EX_NAME_MAX 32

struct ex_err {
	char path[4096];	/* file or directory concerned, "" if none */
	const char *detail;	/* extra explanation or NULL */
};

struct ex_counts {
	uint64_t count, time_ns, time_ticks;
};

/* Signed: a counter that went backwards shows as negative (reported as n/a, never printed). */
struct ex_delta {
	int64_t count, time_ns, time_ticks;
};

struct ex_class {
	char name[EX_NAME_MAX];
	int id;			/* exception class or 0x40.. ; -1 if unknown */
	bool in_vm;		/* has a directory at the VM level */
};

struct ex_cpu {
	unsigned num;		/* guest cpu number N of cpuN */
};

struct ex_layout {
	char *root;
	bool has_hz;
	uint64_t counter_hz;
	size_t nclass;
	struct ex_class *cls;		/* sorted by id, unknown ids last */
	size_t ncpu;
	struct ex_cpu *cpu;		/* sorted by number */
	bool *cpu_has;			/* [cpu * nclass + class] */
	size_t nreads;			/* value files read per snapshot (1: the device's one read) */
	/* The snapshot device (snapshot.h), when that is the source; else dev_fd is 0 */
	int dev_fd;
	uint8_t *buf;			/* one snapshot's bytes */
	size_t buf_size;
	uint32_t nblocks;		/* the device's blocks, the VM's included */
	uint32_t *cpu_block;		/* [cpu]: its vcpu block */
	uint64_t *cpu_mpidr;		/* [cpu]: the block's MPIDR affinity */
	bool cpu_by_mpidr;		/* cpu numbers from the device tree, else vcpu order */
};

struct ex_snapshot {
	uint64_t start_ns, end_ns;	/* CLOCK_MONOTONIC around the reads */
	struct ex_counts total;
	struct ex_counts *cls;		/* [nclass]; zero when !in_vm */
	struct ex_counts *cpu;		/* [ncpu] */
	struct ex_counts *cpu_cls;	/* [cpu * nclass + class]; zero when absent */
	/* From the device only (has_exits): */
	bool has_exits;
	uint64_t sequence;		/* the VM's snapshot calls so far (see the ABI) */
	int caller;			/* cpu index whose hypercall took it, -1 unknown */
	uint64_t vm_exits;		/* every exit since creation (kvm_exit's counter) */
	uint64_t *cpu_exits;		/* [cpu] */
};

/* Difference of two snapshots (after - before), same shape. */
struct ex_diff {
	struct ex_delta total;
	struct ex_delta *cls;
	struct ex_delta *cpu;
	struct ex_delta *cpu_cls;
	bool backwards;		/* some counter decreased: not expected */
};

/* 0 if root is a directory, -ENOENT/-ENOTDIR/... otherwise. */
int ex_probe(const char *root, struct ex_err *err);

/* Discover classes and cpus under root (also reads counter_hz once). */
int ex_layout_discover(const char *root, struct ex_layout *l, struct ex_err *err);
void ex_layout_free(struct ex_layout *l);

int ex_snapshot_alloc(const struct ex_layout *l, struct ex_snapshot *s);
int ex_snapshot_read(const struct ex_layout *l, struct ex_snapshot *s, struct ex_err *err);
void ex_snapshot_free(struct ex_snapshot *s);

int ex_diff_alloc(const struct ex_layout *l, struct ex_diff *d);
void ex_diff_compute(const struct ex_layout *l, const struct ex_snapshot *before,
		     const struct ex_snapshot *after, struct ex_diff *d);
void ex_diff_free(struct ex_diff *d);

/* Read one value file: a decimal unsigned 64-bit number, optional newline. */
int ex_read_u64(const char *path, uint64_t *val, struct ex_err *err);

uint64_t ex_now_ns(void);

#endif
