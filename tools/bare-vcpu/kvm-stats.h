/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A vcpu's (or VM's) KVM statistics through the binary stats interface (KVM_GET_STATS_FD,
 * Documentation/virt/kvm/api.rst 4.133): the counters of the file's own descriptors, read
 * with one pread. Kernels before 5.14 have no such interface (the legacy 32-bit host runs
 * 5.4): there, kvm_stats_open_debugfs() reads the VM's debugfs directory
 * (/sys/kernel/debug/kvm/PID-FD/, one file a statistic, each the sum over the VM's vcpus: a
 * vcpu's own only in a VM of one vcpu). Functions return 0 or -errno; `failed` names the call
 * that failed.
 */
#ifndef EXITLAB_KVM_STATS_H
#define EXITLAB_KVM_STATS_H

#include <stddef.h>
#include <stdint.h>

#define KVM_STATS_MAX 64
#define KVM_STATS_NAME_MAX 64

struct kvm_stat_desc {
	char name[KVM_STATS_NAME_MAX];
	uint32_t flags;			/* KVM_STATS_TYPE_* | KVM_STATS_UNIT_* | KVM_STATS_BASE_* */
	int16_t exponent;
	uint32_t offset;		/* of its first value in the data block */
	int counter;			/* a cumulative count of events (kvm_stats_is_counter) */
};

struct kvm_stats {
	int fd;				/* the stats file, or the debugfs directory */
	int debugfs;
	unsigned int n;
	struct kvm_stat_desc desc[KVM_STATS_MAX];
	uint64_t data_offset;
	size_t data_size;
	const char *failed;
};

/* Opens the statistics of the VM or vcpu FD (an ioctl on that fd; -ENOTTY: no binary
 * statistics in this kernel). */
int kvm_stats_open(struct kvm_stats *s, int fd);
/* Opens the debugfs statistics of the VM VM_FD of this process (its vcpus' sums). */
int kvm_stats_open_debugfs(struct kvm_stats *s, int vm_fd);
/* A vcpu's statistics: its binary ones (VCPU_FD), or on kernels without them the debugfs sums
 * of its VM (VM_FD); s->debugfs says which were opened. */
int kvm_stats_open_vcpu(struct kvm_stats *s, int vcpu_fd, int vm_fd);
void kvm_stats_close(struct kvm_stats *s);
/* VALUES[i] = the (first) value of desc[i], for i < n. */
int kvm_stats_read(struct kvm_stats *s, uint64_t values[KVM_STATS_MAX]);
/* Index of the statistic NAME, or -1. */
int kvm_stats_find(const struct kvm_stats *s, const char *name);
/* A cumulative count of events: type cumulative, no unit (exits, halt_wakeup, ...). */
int kvm_stats_is_counter(const struct kvm_stat_desc *d);

#endif
