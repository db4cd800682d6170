/* SPDX-License-Identifier: GPL-2.0 */
/*
 * snapshot: the exit statistics of the VM and of each vcpu read at once from
 * /dev/kvm_exit_stats, one read(2) = one EXIT_STATS_SNAPSHOT hypercall = one
 * exit (the layout: include/exitlab/exit-stats-abi.h, EXIT_STATS_SNAP_* and
 * EXIT_STATS_BLOCK_*; documented in kernel-patches/V/0006's
 * Documentation/virt/kvm/arm/exit-stats.rst).
 *
 * Fills the same ex_layout and ex_snapshot as the per-value reader
 * (exits-sysfs.h), so that the printers serve both. Never prints, never exits:
 * -errno plus ex_err.
 */
#ifndef EXITS_SNAPSHOT_H
#define EXITS_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "exits-sysfs.h"

#define EX_DEFAULT_DEVICE "/dev/kvm_exit_stats"
/* Where the guest's cpus name their MPIDR (the device tree's cpu node, reg) */
#define EX_CPU_SYSFS "/sys/devices/system/cpu"

/* A snapshot's header, decoded (fields as in struct arm_smccc_kvm_exit_snapshot). */
struct ex_snap_hdr {
	uint32_t magic, version, header_size, block_size, nr_classes, nr_blocks;
	uint64_t sequence, counter_hz, caller_mpidr;
	uint64_t classes[2];
	size_t bytes;			/* header_size + nr_blocks * block_size */
};

/*
 * Check and decode the header of a snapshot of LEN bytes: magic, version,
 * sizes that hold the version-1 fields (larger ones, from a later version
 * that appends, are read as given), and LEN holding every block. -EPROTO
 * (bad magic, version or sizes) or -EBADMSG (truncated), with *detail.
 */
int ex_snap_parse(const uint8_t *buf, size_t len, struct ex_snap_hdr *h, const char **detail);
/* The u64 at byte OFF of block B (0: the VM) of a parsed snapshot. */
uint64_t ex_snap_u64(const uint8_t *buf, const struct ex_snap_hdr *h, uint32_t b, uint32_t off);
/* The name the guest driver gives class ID, or NULL. */
const char *ex_class_name(unsigned id);

/*
 * Open DEVICE, take one snapshot and build the layout from it: the classes
 * the header says can be taken, one cpu per vcpu block (the guest cpu whose
 * device-tree MPIDR is the block's; by vcpu order when that is unknown). The
 * fd stays open in l->dev_fd; the buffer holds SYSFS_ROOT/snapshot_size
 * bytes (a regular file's size: tests). -ENOENT when DEVICE does not exist
 * (err->path is DEVICE then).
 */
int ex_dev_discover(const char *device, const char *sysfs_root, struct ex_layout *l,
		    struct ex_err *err);
/* One snapshot (one exit) into s, in l's shape; -ESTALE if the VM's shape changed. */
int ex_dev_read(const struct ex_layout *l, struct ex_snapshot *s, struct ex_err *err);

/* The snapshot ex_dev_discover() took, as ex_dev_read() would have read it (no exit). */
int ex_dev_first(const struct ex_layout *l, struct ex_snapshot *s, struct ex_err *err);

/* Either source: the device when l has one, else the per-value files. */
int ex_take(const struct ex_layout *l, struct ex_snapshot *s, struct ex_err *err);

#endif
