// SPDX-License-Identifier: GPL-2.0
/*
 * One exit type on one vcpu architecture: a bare VM with a GICv3 (the shape of
 * kvm-unit-tests' micro-bench: every type runs in the same kind of VM; on the legacy 32-bit
 * host a GICv2, the one it can emulate), batches of
 * operations timed with CLOCK_MONOTONIC around KVM_RUN, and KVM's own statistics of each
 * vcpu before and after every batch, checked against what the type claims (types.c).
 *
 * A run is an empty batch (the guest's fixed part: entry, setup, its end) and a batch of N
 * operations, both timed; the cost of one operation is their difference divided by N. Host
 * interrupts that arrive while a vcpu is in the guest are exits too: they are allowed in
 * `exits` only, counted separately, and never more than the interrupts the vcpus' CPUs took
 * (/proc/interrupts) during the batch.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "arch.h"
#include "bare-vcpu.h"
#include "exit-cost.h"
#include "guest-abi.h"

extern const uint32_t exit_cost_guest64[], exit_cost_guest64_end[];
extern const uint32_t exit_cost_guest32[], exit_cost_guest32_end[];

#define DATA_OFFSET 0xf000ULL		/* the data page, the last of the code's RAM */
#define S2FAULT_BASE 0x40000000ULL	/* s2fault's pages, memory slot 1 */
#define S2FAULT_SLOT 1
#define PAGE_BYTES 4096ULL
#define GICD_CTLR 0x0
#define GICD_CTLR_ENABLE_G1 0x2
#define GICD_CTLR_ENABLE_V2 0x1		/* GICv2: the distributor's Enable */
#ifndef KVM_CAP_HALT_POLL		/* the legacy host's 5.4 uapi: nothing to turn off */
#define KVM_CAP_HALT_POLL 0
#endif
#define GICD_IIDR 0x8
#define GICD_ISENABLER0 0x100		/* GICv2: banked per CPU interface (the attr's CPUID) */
#define GICD_SGIR 0xf00			/* GICv2 */
#define GICR_ISENABLER0 0x10100ULL	/* in the redistributor's SGI frame */

#define READY_WAIT_NS 20000000000.0	/* ipi: how long vcpu 1 may take to get ready */

struct bench {
	const struct ec_type *t;
	const char *arch;
	int aarch32;
	int legacy;			/* the 32-bit host: a GICv2, EC_HOST_LEGACY expectations */
	struct bare_vm vm;
	struct kvm_stats stats[EC_MAX_VCPUS];
	unsigned int nstats;		/* statistics sets: a vcpu's each, or the VM's one */
	int cpu[EC_MAX_VCPUS];		/* host CPU of each vcpu's thread */
	void *fault_mem;
	uint64_t fault_bytes, wait_ticks;
	unsigned int timeout_s;		/* a batch's watchdog */
	int verbose;
};

struct snapshot {
	uint64_t stat[EC_MAX_VCPUS][KVM_STATS_MAX];
	uint64_t irqs;
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int vm_error(struct bench *b, int err)
{
	fprintf(stderr, "%s: %s %s: %s: %s\n", PROG, b->t->name, b->arch, b->vm.failed, strerror(-err));
	return err;
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) < 0 ? -errno : 0;
}

/* s2fault: memory slot 1 anew (deleting it drops KVM's stage-2 mappings), so every page
 * faults again. */
static int reset_fault_slot(struct bench *b, int exists)
{
	int err = exists ? bare_vm_set_memory(&b->vm, S2FAULT_SLOT, S2FAULT_BASE, 0, b->fault_mem) : 0;

	if (!err)
		err = bare_vm_set_memory(&b->vm, S2FAULT_SLOT, S2FAULT_BASE, b->fault_bytes, b->fault_mem);
	return err ? vm_error(b, err) : 0;
}

/* s2fault's pages: populated here, 4 KiB mappings (no transparent huge pages), so the guest's
 * first write is KVM's stage-2 fault alone, not the host's page allocation as well. */
static int setup_fault_memory(struct bench *b, long n)
{
	int err;

	b->fault_bytes = (uint64_t)n * PAGE_BYTES;
	b->fault_mem = mmap(NULL, b->fault_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b->fault_mem == MAP_FAILED) {
		err = errno;
		b->fault_mem = NULL;
		fprintf(stderr, "%s: s2fault: mmap %llu bytes: %s\n", PROG,
			(unsigned long long)b->fault_bytes, strerror(err));
		return -err;
	}
	/* EINVAL: a kernel without transparent huge pages, which is what this asks for. */
	if (madvise(b->fault_mem, b->fault_bytes, MADV_NOHUGEPAGE) < 0 && errno != EINVAL) {
		err = errno;
		fprintf(stderr, "%s: s2fault: madvise MADV_NOHUGEPAGE: %s\n", PROG, strerror(err));
		return -err;
	}
	memset(b->fault_mem, 0x5a, b->fault_bytes);
	return reset_fault_slot(b, 0);
}

/* Does expectation E hold on this host? */
static int on_host(const struct bench *b, const struct ec_expect *e)
{
	return !!(e->hosts & (b->legacy ? EC_HOST_LEGACY : EC_HOST_ARM64));
}

/* The distributor on, the virtual timer's PPI enabled on vcpu 0 (a GICv3's redistributor, a
 * GICv2's banked GICD_ISENABLER0: the attr's CPUID picks the vcpu); no halt polling (a vcpu
 * that polls keeps its emulated CPU busy; under -icount that CPU's instructions are the
 * clock): per VM where the host has KVM_CAP_HALT_POLL; Linux 5.4 has not, its polling is
 * kvm's module parameter, set to 0 (ec_halt_poll_off). SGIs need no enabling: KVM enables
 * them at vcpu creation (vgic-init.c kvm_vgic_vcpu_init). */
static int setup_gic(struct bench *b)
{
	static char failed[160];
	const char *path = "kvm's halt_poll_ns";
	int err = 0;

	if (b->legacy) {
		err = ec_halt_poll_off(&path);
		if (err) {
			snprintf(failed, sizeof(failed), "turning halt polling off: writing 0 to %s", path);
			b->vm.failed = failed;
		}
	} else if (KVM_CAP_HALT_POLL) {
		err = bare_vm_enable_cap(&b->vm, KVM_CAP_HALT_POLL, 0);
	}
	if (!err)
		err = bare_vgic_write(&b->vm, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, GICD_CTLR,
				      b->legacy ? GICD_CTLR_ENABLE_V2 : GICD_CTLR_ENABLE_G1);
	if (!err)
		err = b->legacy ? bare_vgic_write(&b->vm, KVM_DEV_ARM_VGIC_GRP_DIST_REGS,
						  (0ULL << KVM_DEV_ARM_VGIC_CPUID_SHIFT) | GICD_ISENABLER0,
						  1U << EC_VTIMER_INTID)
				: bare_vgic_write(&b->vm, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, GICR_ISENABLER0,
						  1U << EC_VTIMER_INTID);
	return err;
}

/* Each vcpu's statistics; on Linux < 5.14 the VM's debugfs sums instead, one set for all
 * vcpus (b->nstats 1): the expectations of all vcpus are then summed (expected()). Every
 * counter the type names on this host must be there. */
static int open_stats(struct bench *b)
{
	unsigned int v, i;
	int err = 0;

	b->nstats = b->t->nvcpus;
	for (v = 0; !err && v < b->nstats; v++) {
		err = kvm_stats_open_vcpu(&b->stats[v], b->vm.vcpu_fd[v], b->vm.vm);
		if (!err && b->stats[v].debugfs)
			b->nstats = 1;
		if (err)
			fprintf(stderr, "%s: vcpu %u: %s: %s\n", PROG, v, b->stats[v].failed, strerror(-err));
	}
	for (i = 0; !err && i < EC_MAX_EXPECT && b->t->expect[i].stat; i++) {
		const struct ec_expect *e = &b->t->expect[i];

		v = b->nstats > 1 ? e->vcpu : 0;
		if (on_host(b, e) && kvm_stats_find(&b->stats[v], e->stat) < 0) {
			fprintf(stderr, "%s: %s %s: KVM has no statistic %s on this host (types.c)\n",
				PROG, b->t->name, b->arch, e->stat);
			err = -ENOENT;
		}
	}
	return err;
}

static int setup_vm(struct bench *b, long n)
{
	const uint32_t *code = b->aarch32 ? exit_cost_guest32 : exit_cost_guest64;
	const uint32_t *end = b->aarch32 ? exit_cost_guest32_end : exit_cost_guest64_end;
	int err;

	if ((size_t)(end - code) * sizeof(*code) > DATA_OFFSET) {
		fprintf(stderr, "%s: the guest code is larger than its space (0x%llx bytes)\n", PROG, DATA_OFFSET);
		return -E2BIG;
	}
	err = bare_vm_create(&b->vm, code, (size_t)(end - code) * sizeof(*code), b->t->nvcpus,
			     (b->legacy ? BARE_VGIC_V2 : BARE_VGIC_V3) | (b->aarch32 ? BARE_AARCH32 : 0));
	if (!err)
		err = setup_gic(b);
	if (err)
		return b->vm.no_kvm ? err : vm_error(b, err);
	err = open_stats(b);
	if (err)
		return err;
	return b->t->entry[0] == EC_ENTRY_S2FAULT ? setup_fault_memory(b, n) : 0;
}

static int set_regs(struct bench *b, unsigned int v, long nops)
{
	uint64_t addr = 0;
	uint64_t regs[] = { BARE_MMIO_ADDR, (uint64_t)nops, 0, BARE_MEM_BASE + DATA_OFFSET, b->wait_ticks,
			    b->t->entry[v] };
	unsigned int i;
	int err = 0;

	switch (b->t->entry[v]) {
	case EC_ENTRY_MMIO_USER: addr = BARE_MMIO_ADDR + EC_MMIO_OP; break;
	case EC_ENTRY_MMIO_KERNEL: addr = BARE_GICD_BASE + GICD_IIDR; break;
	case EC_ENTRY_S2FAULT: addr = S2FAULT_BASE; break;
	case EC_ENTRY_IPI_SEND: addr = b->legacy ? BARE_GICD_BASE + GICD_SGIR : 0; break;
	}
	regs[2] = addr;
	for (i = 0; !err && i < sizeof(regs) / sizeof(regs[0]); i++)
		err = bare_vcpu_set_xreg(&b->vm, v, 4 + i, regs[i]);
	return err ? vm_error(b, err) : 0;
}

static int snapshot(struct bench *b, struct snapshot *s)
{
	unsigned int v;
	int err = ec_host_irqs(b->cpu, b->t->idle_spinner ? 1 : b->t->nvcpus, &s->irqs);

	for (v = 0; !err && v < b->nstats; v++) {
		err = kvm_stats_read(&b->stats[v], s->stat[v]);
		if (err)
			fprintf(stderr, "%s: vcpu %u: %s: %s\n", PROG, v, b->stats[v].failed, strerror(-err));
	}
	return err;
}

struct helper {
	struct bench *b;
	pthread_t thread;
	atomic_int state;		/* 1 running, 2 finished */
	atomic_int stop;
	int err;
};

/* ipi's vcpu 1, on its own CPU: runs until its batch ends. */
static void *receiver(void *arg)
{
	struct helper *h = arg;

	h->err = pin(h->b->cpu[1]);
	atomic_store(&h->state, 1);
	if (!h->err)
		h->err = ec_run_vcpu(&h->b->vm, 1, h->b->t->name);
	atomic_store(&h->state, 2);
	return NULL;
}

/* wfi: keeps vcpu 0's CPU busy at the lowest priority while the vcpu is blocked, so that the
 * emulated machine never idles (under -icount an idle machine's clock jumps by the outer
 * host's real time) and the vcpu's wake-up preempts it at once. */
static void *idle_spinner(void *arg)
{
	struct helper *h = arg;
	struct sched_param p = { 0 };

	h->err = pin(h->b->cpu[0]);
	if (!h->err && sched_setscheduler(0, SCHED_IDLE, &p) < 0)
		h->err = -errno;
	atomic_store(&h->state, 1);
	while (!atomic_load_explicit(&h->stop, memory_order_relaxed))
		;
	atomic_store(&h->state, 2);
	return NULL;
}

/* Until vcpu 1 takes interrupts (its guest code sets EC_DATA_READY). */
static int wait_ready(struct bench *b, struct helper *h)
{
	volatile uint32_t *ready = (uint32_t *)((char *)b->vm.mem + DATA_OFFSET + EC_DATA_READY);
	double t0 = now_ns();

	while (!*ready) {
		if (atomic_load(&h->state) == 2 || now_ns() - t0 > READY_WAIT_NS) {
			fprintf(stderr, "%s: ipi %s: vcpu 1 did not get ready\n", PROG, b->arch);
			return h->err ? h->err : -ETIMEDOUT;
		}
		usleep(100);
	}
	return 0;
}

static int start_helpers(struct bench *b, struct helper *rx, struct helper *spin)
{
	int err = 0;

	if (b->t->nvcpus > 1) {
		err = -pthread_create(&rx->thread, NULL, receiver, rx);
		if (!err)
			err = wait_ready(b, rx);
	}
	if (!err && b->t->idle_spinner) {
		err = -pthread_create(&spin->thread, NULL, idle_spinner, spin);
		while (!err && atomic_load(&spin->state) == 0)
			usleep(100);
		if (!err)
			err = spin->err;
	}
	return err;
}

/* A receiver still in KVM_RUN after vcpu 0 failed is left there: the program ends. */
static int stop_helpers(struct helper *rx, struct helper *spin, int failed)
{
	if (atomic_load(&spin->state)) {
		atomic_store(&spin->stop, 1);
		pthread_join(spin->thread, NULL);
	}
	if (atomic_load(&rx->state) == 2 || (atomic_load(&rx->state) == 1 && !failed)) {
		pthread_join(rx->thread, NULL);
		return rx->err;
	}
	return 0;
}

/* What is known of a batch that did not end: where the guest is, what its IRQ handler saw. */
static void timed_out(struct bench *b, long nops)
{
	const volatile uint32_t *data = (uint32_t *)((char *)b->vm.mem + DATA_OFFSET);
	uint64_t pc = 0;

	fprintf(stderr, "%s: %s %s: a batch of %ld did not end within %u s (--batch-timeout): ",
		PROG, b->t->name, b->arch, nops, b->timeout_s);
	if (bare_vcpu_get_pc(&b->vm, 0, &pc) == 0)
		fprintf(stderr, "vcpu 0 at guest PC 0x%llx, ", (unsigned long long)pc);
	fprintf(stderr, "%u interrupts acknowledged, the last INTID %u\n",
		data[EC_DATA_ACKS / 4], data[EC_DATA_LAST_INTID / 4]);
}

/* One batch of NOPS operations: its time in *NS, the statistics' increase in *D. */
static int batch(struct bench *b, long nops, double *ns, struct snapshot *d)
{
	/* Static: a receiver left in KVM_RUN after an error still has its state. */
	static struct helper rx, spin;
	struct snapshot s0;
	unsigned int v, i;
	double t0;
	int err, err2;

	if (atomic_load(&rx.state) == 1)
		return -EBUSY;	/* a receiver from a failed batch is still running */
	if (b->verbose)
		fprintf(stderr, "%s: %s %s: a batch of %ld\n", PROG, b->t->name, b->arch, nops);
	memset(&rx, 0, sizeof(rx));
	memset(&spin, 0, sizeof(spin));
	rx.b = spin.b = b;
	/* acks, stop, last INTID, ready; the GIC the AArch32 guest drives */
	memset((char *)b->vm.mem + DATA_OFFSET, 0, EC_DATA_BYTES);
	if (b->legacy)
		*(volatile uint32_t *)((char *)b->vm.mem + DATA_OFFSET + EC_DATA_GICC) = BARE_GICC_BASE;
	for (v = 0; v < b->t->nvcpus; v++)
		if ((err = set_regs(b, v, nops)))
			return err;
	if ((err = snapshot(b, &s0)))
		return err;
	err = start_helpers(b, &rx, &spin);
	if (!err)
		err = ec_watchdog_arm(b->timeout_s);
	t0 = now_ns();
	if (!err)
		err = ec_run_vcpu(&b->vm, 0, b->t->name);
	*ns = now_ns() - t0;
	ec_watchdog_disarm();
	if (err == -ETIMEDOUT)
		timed_out(b, nops);
	err2 = stop_helpers(&rx, &spin, err);
	if (err || err2)
		return err ? err : err2;
	if ((err = snapshot(b, d)))
		return err;
	for (v = 0; v < b->nstats; v++)
		for (i = 0; i < b->stats[v].n; i++)
			d->stat[v][i] -= s0.stat[v][i];
	d->irqs -= s0.irqs;
	if (b->verbose)
		fprintf(stderr, "%s: %s %s: %.0f ns, %llu host interrupts\n", PROG, b->t->name, b->arch,
			*ns, (unsigned long long)d->irqs);
	return 0;
}

/* What this host's expectations of vcpu V (of every vcpu where the statistics are the VM's
 * sums) say STAT increases by in a batch of NOPS operations. */
static uint64_t expected(const struct bench *b, unsigned int v, const char *stat, long nops)
{
	const struct ec_expect *e = b->t->expect;
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < EC_MAX_EXPECT && e[i].stat; i++)
		if ((b->nstats == 1 || e[i].vcpu == v) && on_host(b, &e[i]) && !strcmp(e[i].stat, stat))
			sum += (uint64_t)e[i].per_op * nops + e[i].per_batch;
	return sum;
}

/* Every counter moved by exactly what the type claims; `exits` by that plus at most what
 * host interrupts explain. A type that waits for its timer (wfi) may instead miss blocks, at
 * most one per host interrupt (one that kept the vcpu from its WFI until the timer had fired):
 * that run is disturbed, not wrong, and *disturbed says by how many operations at most (the
 * caller runs it again, or keeps it). Prints a FAIL line per mismatch; returns the extra exits. */
static uint64_t check(struct bench *b, const struct snapshot *d, long nops, int run, int *failed,
		      uint64_t *disturbed)
{
	uint64_t extra = 0, irq_exits = (uint64_t)nops * b->t->irq_exits_per_op, want, got;
	unsigned int v, i;

	for (v = 0; v < b->nstats; v++) {
		for (i = 0; i < b->stats[v].n; i++) {
			const char *name = b->stats[v].desc[i].name;

			if (!kvm_stats_is_counter(&b->stats[v].desc[i]))
				continue;
			want = expected(b, v, name, nops);
			got = d->stat[v][i];
			if (!strcmp(name, "exits") && got >= want) {
				extra += got - want;
				continue;
			}
			if (disturbed && b->t->wait && got < want && want - got <= d->irqs) {
				if (want - got > *disturbed)
					*disturbed = want - got;
				continue;
			}
			if (got != want) {
				fprintf(stderr, "FAIL %s %s run %d (%ld operations): vcpu %u%s %s +%llu, "
					"expected +%llu%s\n", b->t->name, b->arch, run, nops, v,
					b->nstats < b->t->nvcpus ? " (the VM's sum)" : "", name,
					(unsigned long long)got, (unsigned long long)want, b->t->wait ?
					" (did the timer fire before the vcpu blocked? see --wfi-wait-ns)" : "");
				*failed = 1;
			}
		}
	}
	if (extra + irq_exits > d->irqs) {
		fprintf(stderr, "FAIL %s %s run %d (%ld operations): %llu exits more than the "
			"operations make, but the vcpus' CPUs took only %llu host interrupts\n",
			b->t->name, b->arch, run, nops, (unsigned long long)extra,
			(unsigned long long)(d->irqs > irq_exits ? d->irqs - irq_exits : 0));
		*failed = 1;
	}
	return extra;
}

/* The counters' names, and what a batch of N added beyond its fixed part. */
static void add_op_deltas(struct bench *b, const struct snapshot *d, struct ec_result *r)
{
	unsigned int v, i;

	r->vm_stats = b->nstats < b->t->nvcpus;
	for (v = 0; v < b->nstats; v++) {
		r->nstats = 0;
		for (i = 0; i < b->stats[v].n; i++) {
			const char *name = b->stats[v].desc[i].name;

			if (!kvm_stats_is_counter(&b->stats[v].desc[i]))
				continue;
			snprintf(r->stat_name[r->nstats], sizeof(r->stat_name[0]), "%s", name);
			r->op_delta[v][r->nstats++] += d->stat[v][i] - expected(b, v, name, 0);
		}
	}
}

/* How many disturbed runs of one type and vcpu are run again, in all; after that a run
 * disturbed in at most 1 operation of EC_MAX_DISTURBED is kept (its count in the results). */
#define EC_MAX_RETRIES 5
#define EC_MAX_DISTURBED 100

static int runs(struct bench *b, const struct ec_options *o, struct ec_result *r)
{
	struct snapshot d;
	double empty, full;
	int run, err, tries = 0;

	err = batch(b, o->iterations, &full, &d); /* warm-up, unchecked: first faults and entries */
	for (run = 0; !err && run < o->runs; run++) {
		uint64_t disturbed = 0;

		if (b->fault_mem && (err = reset_fault_slot(b, 1)))
			break;
		if ((err = batch(b, 0, &empty, &d)))
			break;
		check(b, &d, 0, run + 1, &r->failed, &disturbed);
		if ((err = batch(b, o->iterations, &full, &d)))
			break;
		r->extra_exits[run] = check(b, &d, o->iterations, run + 1, &r->failed, &disturbed);
		if (disturbed && tries++ < EC_MAX_RETRIES) {
			fprintf(stderr, "%s: %s %s run %d: %llu host interrupts kept the vcpu from a "
				"wait; running it again\n", PROG, b->t->name, b->arch, run + 1,
				(unsigned long long)d.irqs);
			run--;
			continue;
		}
		if (disturbed && disturbed * EC_MAX_DISTURBED <= (uint64_t)o->iterations) {
			fprintf(stderr, "%s: %s %s run %d: kept, with %llu of %ld operations that did "
				"not wait (no retries left)\n", PROG, b->t->name, b->arch, run + 1,
				(unsigned long long)disturbed, o->iterations);
			r->disturbed_ops[run] = disturbed;
		} else if (disturbed) {
			check(b, &d, o->iterations, run + 1, &r->failed, NULL);
		}
		r->host_irqs[run] = d.irqs;
		add_op_deltas(b, &d, r);
		r->ns[run] = (full - empty) / (double)o->iterations - r->wait_ns;
	}
	return err;
}

int ec_measure(const struct ec_type *type, int aarch32, const struct ec_options *o, struct ec_result *r)
{
	struct bench b = { .t = type, .aarch32 = aarch32, .arch = aarch32 ? "aarch32" : "aarch64",
			   .legacy = bare_vgic_v3_unsupported() != NULL,
			   .verbose = o->verbose, .timeout_s = o->batch_timeout_s };
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t hz = bare_counter_hz();
	unsigned int v;
	int err;

	memset(r, 0, sizeof(*r));
	for (v = 0; v < EC_MAX_VCPUS; v++)
		b.stats[v].fd = -1;
	if (b.legacy && (!aarch32 || type->legacy_skip)) {
		r->skipped = aarch32 ? type->legacy_skip : "a 32-bit ARM host runs AArch32 vcpus only";
		return 0;
	}
	if (type->nvcpus > 1 && ncpus < 2) {
		r->skipped = "needs two host CPUs";
		return 0;
	}
	/* The last CPUs: CPU 0 takes the devices' interrupts. */
	b.cpu[0] = (int)ncpus - 1;
	b.cpu[1] = ncpus > 1 ? (int)ncpus - 2 : 0;
	if (type->wait) {
		b.wait_ticks = o->wfi_wait_ns * hz / 1000000000ULL;
		r->wait_ns = (double)b.wait_ticks * 1e9 / (double)hz;
	}
	err = pin(b.cpu[0]);
	if (err) {
		fprintf(stderr, "%s: sched_setaffinity CPU %d: %s\n", PROG, b.cpu[0], strerror(-err));
		return err;
	}
	err = setup_vm(&b, o->iterations);
	if (b.vm.no_kvm) {
		r->skipped = "no /dev/kvm";
		return -ENODEV;
	}
	if (!err)
		err = runs(&b, o, r);
	for (v = 0; v < type->nvcpus; v++)
		kvm_stats_close(&b.stats[v]);
	if (b.fault_mem)
		munmap(b.fault_mem, b.fault_bytes);
	bare_vm_destroy(&b.vm);
	return err;
}
