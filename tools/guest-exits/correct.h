/* SPDX-License-Identifier: GPL-2.0 */
/*
 * correct: what --run subtracts from its figures, and how exactly it knows it.
 *
 * With the snapshot device the measurement's cost is known by construction: a
 * snapshot counts the exit of its own hypercall but not that exit's host time
 * (it has not ended), so between the snapshot before the command (B) and the
 * one after (A) there is exactly one exit of the measurement, A's own HVC exit
 * (HVC32 or HVC64: the guest kernel's architecture) on A's vcpu, and exactly
 * one exit's host time, B's, on B's vcpu. The count is subtracted exactly; the
 * time is calibrated beforehand on back-to-back snapshots (each pair's
 * difference in the caller's HVC class is the first one's exit time), the
 * median subtracted, and a corrected time that is not above the calibration's
 * spread (at least one counter tick) is reported as "below" that resolution.
 *
 * With the per-value files (older hosts) a snapshot costs hundreds of reads
 * spread over classes and cpus: each figure's cost is the median over the
 * calibration pairs and its resolution their spread.
 *
 * Never prints, never exits.
 */
#ifndef EXITS_CORRECT_H
#define EXITS_CORRECT_H

#include <stdbool.h>
#include <stdint.h>

#include "exits-sysfs.h"

#define EX_DEFAULT_PAIRS 9
#define EX_MAX_PAIRS 1000

/* A corrected figure: exact, below a resolution, or unknown. */
struct ex_fig {
	uint64_t value;		/* when neither below nor unknown */
	uint64_t below;		/* > 0: not distinguishable from 0, less than this */
	bool unknown;		/* a counter went backwards, or the expected cost is not there */
};

struct ex_cfig {
	struct ex_fig count, time_ns;
};

struct ex_corrected {
	struct ex_cfig total, *cls, *cpu, *cpu_cls;
};

struct ex_calib {
	bool device;
	unsigned pairs;			/* calibration samples used */
	unsigned snapshots;		/* snapshots the calibration took */
	/* device: the snapshot's class (layout index, id), the vcpus of B and A */
	int snap_class, snap_class_id;
	int before_cpu, after_cpu;
	uint64_t cost_ns, min_ns, max_ns, res_ns, tick_ns;
	/* sysfs: per figure, the median cost and its spread (max - min) */
	struct ex_diff cost, spread;
	/* per figure, what is subtracted and the resolution of the result (0: exact) */
	struct ex_diff overhead, resolution;
};

/* The exception class of the snapshot hypercall's exit on this guest (uname -m). */
int ex_snapshot_class_id(void);

int ex_calib_alloc(const struct ex_layout *l, struct ex_calib *cal);
void ex_calib_free(struct ex_calib *cal);
/*
 * Take back-to-back snapshots until PAIRS usable pairs; the last snapshot is
 * left in *last, to serve as the one before the command. -EAGAIN when no
 * usable pair came out of 4 * PAIRS + 1 snapshots (err->detail says why).
 */
int ex_calibrate(const struct ex_layout *l, unsigned pairs, struct ex_calib *cal,
		 struct ex_snapshot *last, struct ex_err *err);

int ex_corrected_alloc(const struct ex_layout *l, struct ex_corrected *c);
void ex_corrected_free(struct ex_corrected *c);
/*
 * The overhead and resolution of each figure of RAW (AFTER - BEFORE) and the
 * corrected figures; none negative.
 */
void ex_correct(const struct ex_layout *l, struct ex_calib *cal, const struct ex_snapshot *before,
		const struct ex_snapshot *after, const struct ex_diff *raw, struct ex_corrected *c);

/* Number of figures (total, classes, cpus, cpu x class) and the k-th of each shape. */
size_t ex_ncells(const struct ex_layout *l);
struct ex_delta *ex_cell(const struct ex_layout *l, const struct ex_diff *d, size_t k);
struct ex_cfig *ex_ccell(const struct ex_layout *l, const struct ex_corrected *c, size_t k);

#endif
