// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu-state-check: does a vcpu's EL1 state survive exits and being descheduled? The reproducer
 * of the 32-bit SMP guest crash (docs/known-issues.md). ARMv7 SMP Linux keeps `current` in
 * TPIDRURO, the per-cpu offset in TPIDRPRW, and a system call's user PSR in SPSR_svc until it
 * saves it; if a value the guest wrote is not what it reads back after the host ran something
 * else on its CPU, the guest kernel crashes the way the 32-bit SMP guests did.
 *
 * Runs V bare one-vcpu VMs (one thread each; V above the host's CPU count makes vcpus share
 * CPUs) for S seconds. Each guest loops: write fresh values to TPIDRURO/TPIDRPRW/TPIDRURW
 * (TPIDRRO_EL0/TPIDR_EL1/TPIDR_EL0 for --aarch64), hypercall (a world switch), spin, read them
 * back; a mismatch is reported to this program by MMIO stores (vcpu-state-guest32.S).
 * Options move the vcpu threads around: --migrate (a new CPU affinity at every progress
 * exit), --yield (sched_yield at every progress exit), --busy N (N competing busy threads).
 *
 * Prints one line per VM and a verdict; exit 0 no mismatch, 1 mismatch, 2 usage, 77 no KVM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "bare-test.h"

#define PROG "vcpu-state-check"
#define MAX_VMS 64

extern const uint32_t vcpu_state_guest32[], vcpu_state_guest32_end[];
extern const uint32_t vcpu_state_guest64[], vcpu_state_guest64_end[];

struct opts {
	int vms, seconds, aarch64, migrate, yield, busy;
	uint64_t spin, mask;
};

struct vm_result {
	int index;
	uint64_t iterations, mismatches, progress_exits;
	uint32_t first_read, first_written, first_reg;
	int cpu_changes;
};

static const struct opts *opt;
static atomic_int stop;

static const char *reg_name(int aarch64, uint32_t reg)
{
	static const char *const a32[] = { "?", "TPIDRURO", "TPIDRPRW", "TPIDRURW", "SPSR_svc" };
	static const char *const a64[] = { "?", "TPIDRRO_EL0", "TPIDR_EL1", "TPIDR_EL0", "SPSR_EL1" };

	if (reg > 4)
		reg = 0;
	return aarch64 ? a64[reg] : a32[reg];
}

/* One vcpu's MMIO store; returns the address offset and the stored 32-bit value. */
static uint32_t mmio_store(struct bare_vm *v, uint64_t *offset)
{
	uint32_t val = 0;

	memcpy(&val, v->run[0]->mmio.data, v->run[0]->mmio.len < 4 ? v->run[0]->mmio.len : 4);
	*offset = v->run[0]->mmio.phys_addr - BARE_MMIO_ADDR;
	return val;
}

static void *vm_thread(void *arg)
{
	struct vm_result *r = arg;
	struct bare_vm v;
	uint32_t pending[3] = { 0 };
	int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN), cpu = r->index;

	if (opt->aarch64)
		bare_must(PROG, &v, bare_vm_create(&v, vcpu_state_guest64, (size_t)(vcpu_state_guest64_end -
					vcpu_state_guest64) * sizeof(uint32_t), 1, 0));
	else
		bare_must(PROG, &v, bare_vm_create(&v, vcpu_state_guest32, (size_t)(vcpu_state_guest32_end -
					vcpu_state_guest32) * sizeof(uint32_t), 1, BARE_AARCH32));
	bare_must(PROG, &v, bare_vcpu_set_xreg(&v, 0, 4, BARE_MMIO_ADDR));
	bare_must(PROG, &v, bare_vcpu_set_xreg(&v, 0, 8, (uint64_t)(r->index + 1) << 24));
	bare_must(PROG, &v, bare_vcpu_set_xreg(&v, 0, 9, opt->spin));
	bare_must(PROG, &v, bare_vcpu_set_xreg(&v, 0, 10, opt->mask));
	while (!atomic_load(&stop)) {
		uint64_t off;
		uint32_t val;

		if (ioctl(v.vcpu_fd[0], KVM_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "%s: vm %d: KVM_RUN: %s\n", PROG, r->index, strerror(errno));
			exit(1);
		}
		if (v.run[0]->exit_reason != KVM_EXIT_MMIO || !v.run[0]->mmio.is_write) {
			fprintf(stderr, "%s: vm %d: KVM_RUN: unexpected exit reason %u\n", PROG,
				r->index, v.run[0]->exit_reason);
			exit(1);
		}
		val = mmio_store(&v, &off);
		if (off == 0) {
			r->iterations = val;
			r->progress_exits++;
			if (opt->migrate && ncpu > 1) {
				cpu_set_t set;

				cpu = (cpu + 1) % ncpu;
				CPU_ZERO(&set);
				CPU_SET(cpu, &set);
				if (sched_setaffinity(0, sizeof(set), &set) == 0)
					r->cpu_changes++;
			}
			if (opt->yield)
				sched_yield();
		} else if (off >= 4 && off <= 12 && off % 4 == 0) {
			pending[off / 4 - 1] = val;
			if (off == 12) {
				if (r->mismatches++ == 0) {
					r->first_read = pending[0];
					r->first_written = pending[1];
					r->first_reg = pending[2];
				}
			}
		} else {
			fprintf(stderr, "%s: vm %d: store to unexpected offset 0x%llx\n", PROG,
				r->index, (unsigned long long)off);
			exit(1);
		}
	}
	bare_vm_destroy(&v);
	return NULL;
}

static void *busy_thread(void *arg)
{
	volatile uint64_t n = 0;

	(void)arg;
	while (!atomic_load(&stop))
		n++;
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [--vms N] [--seconds S] [--aarch64] [--migrate] [--yield] [--busy N]\n"
		"          [--spin N] [--report-every POW2]\n"
		"Checks that a vcpu's TPIDRURO/TPIDRPRW/TPIDRURW and SPSR_svc (with --aarch64\n"
		"TPIDRRO_EL0/TPIDR_EL1/TPIDR_EL0/SPSR_EL1) read back what the guest wrote, across hypercalls\n"
		"and host rescheduling, with N one-vcpu VMs (default 4) for S seconds (default 20).\n"
		"Exit status: 0 no mismatch, 1 a mismatch, 2 usage, 77 no /dev/kvm.\n", PROG);
}

static int parse_num(const char *name, const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || end == s || v > max) {
		fprintf(stderr, "%s: %s: not a number up to %llu: '%s'\n", PROG, name,
			(unsigned long long)max, s);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	uint64_t n;
	int i;

	*o = (struct opts){ .vms = 4, .seconds = 20, .spin = 2000, .mask = 255 };
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--aarch64")) {
			o->aarch64 = 1;
		} else if (!strcmp(a, "--migrate")) {
			o->migrate = 1;
		} else if (!strcmp(a, "--yield")) {
			o->yield = 1;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			exit(0);
		} else if (val && !strcmp(a, "--vms")) {
			if (parse_num(a, val, MAX_VMS, &n) || n < 1)
				return -1;
			o->vms = (int)n, i++;
		} else if (val && !strcmp(a, "--seconds")) {
			if (parse_num(a, val, 86400, &n) || n < 1)
				return -1;
			o->seconds = (int)n, i++;
		} else if (val && !strcmp(a, "--busy")) {
			if (parse_num(a, val, MAX_VMS, &n))
				return -1;
			o->busy = (int)n, i++;
		} else if (val && !strcmp(a, "--spin")) {
			if (parse_num(a, val, 1000000000, &n) || n < 1)
				return -1;
			o->spin = n, i++;
		} else if (val && !strcmp(a, "--report-every")) {
			if (parse_num(a, val, 1 << 30, &n) || n < 1 || (n & (n - 1))) {
				fprintf(stderr, "%s: --report-every takes a power of two\n", PROG);
				return -1;
			}
			o->mask = n - 1, i++;
		} else {
			fprintf(stderr, "%s: unknown or incomplete argument '%s' (see --help)\n", PROG, a);
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct vm_result res[MAX_VMS];
	pthread_t vm_t[MAX_VMS], busy_t[MAX_VMS];
	struct opts o;
	uint64_t total_it = 0, total_bad = 0;
	int i;

	if (parse_args(argc, argv, &o))
		return 2;
	opt = &o;
	for (i = 0; i < o.vms; i++) {
		res[i].index = i;
		if (pthread_create(&vm_t[i], NULL, vm_thread, &res[i])) {
			fprintf(stderr, "%s: pthread_create: %s\n", PROG, strerror(errno));
			return 1;
		}
	}
	for (i = 0; i < o.busy; i++)
		if (pthread_create(&busy_t[i], NULL, busy_thread, NULL)) {
			fprintf(stderr, "%s: pthread_create: %s\n", PROG, strerror(errno));
			return 1;
		}
	sleep((unsigned int)o.seconds);
	atomic_store(&stop, 1);
	/* A vcpu only returns at its next exit to user space: the progress stores come often. */
	for (i = 0; i < o.vms; i++)
		pthread_join(vm_t[i], NULL);
	for (i = 0; i < o.busy; i++)
		pthread_join(busy_t[i], NULL);
	for (i = 0; i < o.vms; i++) {
		printf("vm %d: iterations %llu, mismatches %llu, cpu changes %d", i,
		       (unsigned long long)res[i].iterations, (unsigned long long)res[i].mismatches,
		       res[i].cpu_changes);
		if (res[i].mismatches)
			printf(", first: %s read 0x%08x, wrote 0x%08x", reg_name(o.aarch64, res[i].first_reg),
			       res[i].first_read, res[i].first_written);
		printf("\n");
		total_it += res[i].iterations;
		total_bad += res[i].mismatches;
	}
	printf("%s: %s vcpus, %d VMs on %ld CPUs, %d s, migrate %d, yield %d, busy %d: "
	       "%llu iterations, %llu mismatches: %s\n", PROG, o.aarch64 ? "AArch64" : "AArch32",
	       o.vms, sysconf(_SC_NPROCESSORS_ONLN), o.seconds, o.migrate, o.yield, o.busy,
	       (unsigned long long)total_it, (unsigned long long)total_bad,
	       total_bad ? "FAIL" : "PASS");
	return total_bad ? 1 : 0;
}
