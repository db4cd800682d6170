// SPDX-License-Identifier: GPL-2.0
/*
 * hvc-count: a known number of exits, and KVM's own count of them, for checking a trace's
 * per-vcpu exit counter. One VM of --vcpus AArch32 vcpus; each makes --hvcs in-kernel
 * hypercalls (PSCI_VERSION) and then one MMIO store to this program, and is run until that
 * store (one after the other, from this thread). Then the VM's statistics as KVM keeps them in
 * debugfs (/sys/kernel/debug/kvm/PID-FD/: the sums over its vcpus; per-vcpu binary statistics
 * came only in Linux 5.14, and the legacy 32-bit host runs 5.4) are checked against what the
 * guest did (hvc_exit_stat = vcpus x hvcs, mmio_exit_user = vcpus) and printed as one JSON
 * line, with the VM's pid as kvm_exit's vm_pid carries it:
 *   {"host_arch": "arm", "vm_pid": P, "vcpus": V, "hvcs_per_vcpu": H,
 *    "kvm": {"exits": E, "hvc_exit_stat": ..., "mmio_exit_user": ..., "mmio_exit_kernel": ...}}
 * E counts every exit, the guest's and the host's (interrupts, stage-2 faults): the trace's
 * last counters must add up to it.
 * Runs on both hosts (built for armhf against the 5.4 uapi, and for arm64). Exit 0 ok, 1 a
 * failed call or check, 2 usage, 77 no /dev/kvm.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch.h"
#include "bare-test.h"
#include "kvm-stats.h"

#define PROG "hvc-count"

extern const uint32_t hvc_count_guest32[], hvc_count_guest32_end[];

static const char *const stat_names[] = { "exits", "hvc_exit_stat", "mmio_exit_user", "mmio_exit_kernel" };
#define NSTATS (sizeof(stat_names) / sizeof(stat_names[0]))

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s [--vcpus N] [--hvcs N]\n"
		"  --vcpus N  vcpus of the VM, 1-%d (default 1)\n"
		"  --hvcs N   hypercalls per vcpu (default 1000)\n"
		"Prints one JSON line: the VM's pid and KVM's statistics after the runs.\n",
		PROG, BARE_MAX_VCPUS);
}

static long number(const char *opt, const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < 0 || v > max) {
		fprintf(stderr, "%s: %s: '%s' is not a number from 0 to %ld\n", PROG, opt, s, max);
		exit(2);
	}
	return v;
}

/* The VM's statistics of stat_names (tools/bare-vcpu/kvm-stats.c reads its debugfs
 * directory); exits 1 naming what failed. */
static void read_stats(struct bare_vm *vm, unsigned long long st[NSTATS])
{
	uint64_t values[KVM_STATS_MAX];
	struct kvm_stats ks;
	unsigned int i;
	int err, k;

	err = kvm_stats_open_debugfs(&ks, vm->vm);
	if (!err)
		err = kvm_stats_read(&ks, values);
	if (err) {
		fprintf(stderr, "%s: %s: %s\n", PROG, ks.failed, strerror(-err));
		exit(1);
	}
	for (i = 0; i < NSTATS; i++) {
		k = kvm_stats_find(&ks, stat_names[i]);
		if (k < 0) {
			fprintf(stderr, "%s: the VM's debugfs statistics have no %s\n", PROG, stat_names[i]);
			exit(1);
		}
		st[i] = values[k];
	}
	kvm_stats_close(&ks);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vcpus", required_argument, NULL, 'v' }, { "hvcs", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	unsigned long long st[NSTATS];
	unsigned int v, nvcpus = 1, i;
	long hvcs = 1000;
	struct bare_vm vm;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'v': nvcpus = (unsigned int)number("--vcpus", optarg, BARE_MAX_VCPUS); break;
		case 'n': hvcs = number("--hvcs", optarg, 100000000L); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || nvcpus < 1) {
		usage(stderr);
		return 2;
	}
	bare_must(PROG, &vm, bare_vm_create(&vm, hvc_count_guest32,
					    (size_t)(hvc_count_guest32_end - hvc_count_guest32) * 4,
					    nvcpus, BARE_AARCH32));
	for (v = 0; v < nvcpus; v++) {
		bare_must(PROG, &vm, bare_vcpu_set_xreg(&vm, v, 4, BARE_MMIO_ADDR));
		bare_must(PROG, &vm, bare_vcpu_set_xreg(&vm, v, 5, (uint64_t)hvcs));
		bare_must(PROG, &vm, bare_vcpu_run_to_mmio(&vm, v, BARE_MMIO_ADDR));
	}
	read_stats(&vm, st);
	printf("{\"host_arch\": \"%s\", \"vm_pid\": %d, \"vcpus\": %u, \"hvcs_per_vcpu\": %ld, \"kvm\": {",
	       BARE_HOST_ARCH, (int)getpid(), nvcpus, hvcs);
	for (i = 0; i < NSTATS; i++)
		printf("%s\"%s\": %llu", i ? ", " : "", stat_names[i], st[i]);
	printf("}}\n");
	bare_vm_destroy(&vm);
	if (st[1] != (unsigned long long)hvcs * nvcpus || st[2] != nvcpus) {
		fprintf(stderr, "%s: KVM counted %llu hypercalls and %llu MMIO exits to user space; "
			"the guest made %llu and %u\n", PROG, st[1], st[2],
			(unsigned long long)hvcs * nvcpus, nvcpus);
		return 1;
	}
	return 0;
}
