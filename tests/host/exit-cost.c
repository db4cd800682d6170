// SPDX-License-Identifier: GPL-2.0
/*
 * exit-cost: what one exit costs on this KVM host, measured from a bare one-vcpu VM
 * (kvm-unit-tests micro-bench style, without a guest OS): N in-kernel hypercalls
 * (PSCI_VERSION, handled by KVM without leaving the kernel) and N MMIO exits to
 * userspace (a store to an unmapped address, completed by this program), for an AArch64
 * and an AArch32 vcpu. Prints mean ns per exit, from CLOCK_MONOTONIC around the loop.
 * Under `run-host.sh --icount` the host's clock advances 1 ns per emulated instruction,
 * so the figures are instruction path lengths and repeat exactly from run to run.
 *
 * Usage: exit-cost [-n ITERATIONS] [--json]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bare-vcpu.h"

#define PROG "exit-cost"

/*
 * The guest: x5 hypercalls in a loop, then a store to BARE_MMIO_ADDR (one exit to us), forever.
 * With x5 = 0 every iteration is just the store: MMIO exits only.
 */
static void vcpu_create(struct bare_vcpu *v, int aarch32, uint64_t hvc_per_store)
{
	/* AArch64: mov x6,x5; cbz x6,3f; 2: mov w0,#PSCI_VERSION; hvc #0; subs x6,x6,#1; b.ne 2b;
	 * 3: str x0,[x4]; b 1b(start) */
	static const uint32_t code64[] = {
		0xaa0503e6, /* mov x6, x5 */
		0xb40000a6, /* cbz x6, +5 insns (to str) */
		0x52b08000, /* mov w0, #0x84000000 */
		0xd4000002, /* hvc #0 */
		0xf10004c6, /* subs x6, x6, #1 */
		0x54ffffa1, /* b.ne -3 insns (to mov w0) */
		0xf9000080, /* str x0, [x4] */
		0x17fffff9, /* b -7 insns (to start) */
	};
	/* A32: the same loop with r0-r6. */
	static const uint32_t code32[] = {
		0xe1a06005, /* mov r6, r5 */
		0xe3560000, /* cmp r6, #0 */
		0x0a000003, /* beq str (+3 after pc+8) */
		0xe3a00321, /* mov r0, #0x84000000 */
		0xe1400070, /* hvc #0 */
		0xe2566001, /* subs r6, r6, #1 */
		0x1afffffb, /* bne mov r0 */
		0xe5840000, /* str r0, [r4] */
		0xeafffff6, /* b start */
	};

	if (aarch32)
		bare_vcpu_create(v, PROG, code32, sizeof(code32) / sizeof(code32[0]), 1);
	else
		bare_vcpu_create(v, PROG, code64, sizeof(code64) / sizeof(code64[0]), 0);
	bare_vcpu_set_xreg(v, 4, BARE_MMIO_ADDR);
	bare_vcpu_set_xreg(v, 5, hvc_per_store);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Mean ns per hypercall (batch of n per store) or per MMIO exit (n stores). */
static double measure(int aarch32, int hvc, long n)
{
	struct bare_vcpu v;
	double t0, t;
	long i;

	vcpu_create(&v, aarch32, hvc ? (uint64_t)n : 0);
	bare_vcpu_run_to_mmio(&v); /* warm up: fault the code page in, first entry */
	if (hvc) {
		t0 = now_ns();
		bare_vcpu_run_to_mmio(&v); /* n hypercalls, then one store */
		t = (now_ns() - t0) / n;
	} else {
		t0 = now_ns();
		for (i = 0; i < n; i++)
			bare_vcpu_run_to_mmio(&v);
		t = (now_ns() - t0) / n;
	}
	bare_vcpu_destroy(&v);
	return t;
}

int main(int argc, char **argv)
{
	long n = 2000;
	int json = 0, i;
	double r[4];

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			n = strtol(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("Usage: %s [-n ITERATIONS] [--json]\n"
			       "Mean cost of an in-kernel hypercall and of an MMIO exit to userspace,\n"
			       "from bare AArch64 and AArch32 vcpus.\n", PROG);
			return 0;
		} else {
			fprintf(stderr, "%s: unknown argument '%s' (see --help)\n", PROG, argv[i]);
			return 2;
		}
	}
	if (n < 1) {
		fprintf(stderr, "%s: -n needs a positive number\n", PROG);
		return 2;
	}
	r[0] = measure(0, 1, n);
	r[1] = measure(1, 1, n);
	r[2] = measure(0, 0, n);
	r[3] = measure(1, 0, n);
	if (json) {
		printf("{\"iterations\":%ld,\"hvc_ns\":{\"aarch64\":%.1f,\"aarch32\":%.1f},"
		       "\"mmio_user_ns\":{\"aarch64\":%.1f,\"aarch32\":%.1f}}\n", n, r[0], r[1], r[2], r[3]);
	} else {
		printf("%-34s %12s %12s\n", "exit (mean of n)", "AArch64 ns", "AArch32 ns");
		printf("%-34s %12.1f %12.1f\n", "hvc, in-kernel (PSCI_VERSION)", r[0], r[1]);
		printf("%-34s %12.1f %12.1f\n", "mmio store, exit to userspace", r[2], r[3]);
		printf("iterations: %ld\n", n);
	}
	return 0;
}
