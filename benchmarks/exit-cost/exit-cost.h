/* SPDX-License-Identifier: GPL-2.0 */
/* exit-cost's parts: the exit types (types.c), one measurement (measure.c), the program. */
#ifndef EXITLAB_EXIT_COST_H
#define EXITLAB_EXIT_COST_H

#include <stdint.h>

#include "bare-vcpu.h"
#include "kvm-stats.h"

#define PROG "exit-cost"
#define EC_MAX_VCPUS 2
#define EC_MAX_RUNS 100
#define EC_MAX_EXPECT 6

/* KVM statistics one operation (per_op) or one batch whatever its length (per_batch: its end,
 * an MMIO exit to the program, and what ipi does to stop) adds on one vcpu, on the hosts HOSTS
 * says (EC_HOST_*). A counter of the vcpu's statistics that no line names must not move, a
 * counter a line names must exist; `exits` may exceed its expectation by exits host interrupts
 * caused (measure.c). */
struct ec_expect {
	const char *stat;
	unsigned int vcpu, per_op, per_batch;
	unsigned int hosts;
};
#define EC_HOST_ARM64	0x1	/* the arm64 host (vgic-v3, KVM_GET_STATS_FD) */
#define EC_HOST_LEGACY	0x2	/* the legacy 32-bit host (Linux 5.4, vgic-v2, debugfs) */

struct ec_type {
	const char *name;		/* the row's name (JSON key) */
	const char *what;		/* what one operation is */
	unsigned int nvcpus;
	unsigned int entry[EC_MAX_VCPUS];	/* guest-abi.h EC_ENTRY_* of each vcpu */
	unsigned int irq_exits_per_op;	/* exits per operation that are host interrupts */
	int idle_spinner;		/* wfi: a SCHED_IDLE busy thread on vcpu 0's CPU */
	int wait;			/* wfi: the timer's wait is subtracted */
	struct ec_expect expect[EC_MAX_EXPECT];
	const char *legacy_skip;	/* why it does not run on the 32-bit ARM host, or NULL */
};

extern const struct ec_type ec_types[];
extern const unsigned int ec_ntypes;

struct ec_options {
	long iterations;
	int runs;
	uint64_t wfi_wait_ns;
	unsigned int batch_timeout_s;	/* a batch still running after this fails (0: never) */
	int verbose;			/* a line per batch on stderr */
};

/* One type on one vcpu architecture, over all runs. */
struct ec_result {
	const char *skipped;		/* why it did not run, or NULL */
	int failed;			/* a check failed (its FAIL line was printed) */
	double ns[EC_MAX_RUNS];		/* per operation, per run */
	uint64_t extra_exits[EC_MAX_RUNS], host_irqs[EC_MAX_RUNS];
	uint64_t disturbed_ops[EC_MAX_RUNS];	/* wfi: operations that did not wait, in kept runs */
	/* Over all runs' N-operation batches, per vcpu: each counter's increase minus the
	 * batches' fixed part (per_batch), i.e. what the operations themselves caused. */
	unsigned int nstats;
	int vm_stats;			/* the VM's sums only (debugfs): all in op_delta[0] */
	char stat_name[KVM_STATS_MAX][KVM_STATS_NAME_MAX];
	uint64_t op_delta[EC_MAX_VCPUS][KVM_STATS_MAX];
	double wait_ns;			/* wfi: subtracted per operation */
};

/* Runs TYPE on an AArch32 or AArch64 vcpu; 0, or -errno after printing why (a failed check is
 * not an error: it sets r->failed); -ENODEV without /dev/kvm. */
int ec_measure(const struct ec_type *type, int aarch32, const struct ec_options *o,
	       struct ec_result *r);

/* Runs VCPU until the guest's end-of-batch store: mmio_user's reads are answered (0), an
 * unexpected exception the guest reports, or any other exit, is an error; -ETIMEDOUT (not
 * printed) once the calling thread's watchdog fired. */
int ec_run_vcpu(struct bare_vm *vm, unsigned int vcpu, const char *who);
/* The calling thread's watchdog: after SECONDS (0: never) its KVM_RUN is interrupted and
 * ec_run_vcpu returns -ETIMEDOUT. Disarmed by ec_watchdog_disarm(). */
int ec_watchdog_arm(unsigned int seconds);
void ec_watchdog_disarm(void);
/* The host's halt polling for exit-cost's VMs: 0 where KVM_CAP_HALT_POLL turns it off, else
 * kvm's module parameter halt_poll_ns, -1 if unknown. */
long ec_halt_poll_ns(void);
int ec_halt_poll_off(const char **path);
/* Interrupts the host took so far on the N CPUs (/proc/interrupts, every line). */
int ec_host_irqs(const int *cpus, unsigned int n, uint64_t *total);

#endif
