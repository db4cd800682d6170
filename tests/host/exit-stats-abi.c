// SPDX-License-Identifier: GPL-2.0
/*
 * exit-stats-abi: a KVM selftest-style check, run inside the emulated KVM host, of the guest
 * exit-statistics hypercalls of kernel-patches/6.1/0003 (EXIT_STATS_VM and EXIT_STATS_VCPU of
 * include/exitlab/exit-stats-abi.h). It builds a bare one-vcpu VM whose code is `hvc #0` followed
 * by a store to an unmapped address (an MMIO exit back to us), sets w0-w2, runs it and reads
 * w0-w3 back: every documented return code, for AArch64 and AArch32 callers alike.
 *
 * Usage: exit-stats-abi [--param PATH]   (PATH: the kvm.guest_exit_stats parameter file)
 * Ends with "N passed, N failed"; exit 0 when nothing failed, 1 otherwise, 77 without /dev/kvm.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bare-test.h"
/* Relative, so that tests/host/Makefile needs no -I for it. */
#include "../../include/exitlab/exit-stats-abi.h"

#define PROG "exit-stats-abi"

/* Short names for the ABI's definitions (the header is the one place with their values). */
#define FEATURES EXIT_STATS_KVM_FEATURES_FUNC_ID
#define STATS_VM EXIT_STATS_VM_FUNC_ID
#define STATS_VCPU EXIT_STATS_VCPU_FUNC_ID
#define CLASS_ALL EXIT_STATS_CLASS_ALL
#define STAT_COUNT EXIT_STATS_STAT_COUNT
#define STAT_TIME_NS EXIT_STATS_STAT_TIME_NS
#define STAT_TIME_TICKS EXIT_STATS_STAT_TIME_TICKS
#define RET_SUCCESS EXIT_STATS_RET_SUCCESS
#define RET_NOT_SUPPORTED EXIT_STATS_RET_NOT_SUPPORTED
#define RET_INVALID_PARAMETER EXIT_STATS_RET_INVALID_PARAMETER
#define RET_CLASS_UNDEFINED EXIT_STATS_RET_CLASS_UNDEFINED
#define RET_CLASS_NEVER_TAKEN EXIT_STATS_RET_CLASS_NEVER_TAKEN
#define FEATURES_W1 EXIT_STATS_FEATURES_W1_MASK
/* Exception classes (ESR_ELx.EC) the checks use */
#define EC_HVC32 0x12U
#define EC_SVC64 0x15U
#define EC_HVC64 0x16U
#define EC_DABT_LOW 0x24U
/* How long the statistics stay switched off in the switch test */
#define OFF_SLEEP_US 300000U

static int passed, failed;

static void check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s ", ok ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (ok)
		passed++;
	else
		failed++;
}

struct caller {
	const char *mode;
	struct bare_vm vm;
};

/*
 * hvc #0; str x0, [x4]; b .-8 (A32: r0, r4): each KVM_RUN completes the previous MMIO
 * store, branches back, makes one hypercall and exits to us on the store.
 */
static const uint32_t code64[] = { 0xd4000002, 0xf9000080, 0x17fffffe };
static const uint32_t code32[] = { 0xe1400070, 0xe5840000, 0xeafffffc };

struct answer {
	int32_t status;
	uint64_t value;
	uint32_t w3;
};

/* One hypercall from the guest: w0-w2 in, w0-w3 out. */
static struct answer hvc(struct caller *v, uint32_t func, uint32_t a1, uint32_t a2)
{
	struct bare_vm *vm = &v->vm;
	uint64_t in[] = { func, a1, a2, 0xdeadbeef, BARE_MMIO_ADDR }, out[4];
	struct answer a;
	unsigned int i;

	for (i = 0; i < 5; i++)
		bare_must(PROG, vm, bare_vcpu_set_xreg(vm, 0, i, in[i]));
	bare_must(PROG, vm, bare_vcpu_run_to_mmio(vm, 0, BARE_MMIO_ADDR));
	for (i = 0; i < 4; i++)
		bare_must(PROG, vm, bare_vcpu_get_xreg(vm, 0, i, &out[i]));
	a.status = (int32_t)(uint32_t)out[0];
	a.value = (uint32_t)out[1] | (uint64_t)(uint32_t)out[2] << 32;
	a.w3 = (uint32_t)out[3];
	return a;
}

static int write_param(const char *path, const char *value)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(value, f) < 0 || fclose(f) != 0) {
		fprintf(stderr, "%s: %s: %s\n", PROG, path, strerror(errno));
		return -1;
	}
	return 0;
}

static void test_caller(const char *mode, int aarch32, const char *param)
{
	uint32_t hvc_class = aarch32 ? EC_HVC32 : EC_HVC64;
	struct answer a, b, c, t, n;
	struct caller v = { .mode = mode };
	int i;

	if (aarch32)
		bare_must(PROG, &v.vm, bare_vm_create(&v.vm, code32, sizeof(code32), 1, BARE_AARCH32));
	else
		bare_must(PROG, &v.vm, bare_vm_create(&v.vm, code64, sizeof(code64), 1, 0));

	a = hvc(&v, FEATURES, 0, 0);
	check((a.value & FEATURES_W1) == FEATURES_W1, "%s: KVM features bitmap advertises functions 40 and 41 (w1 0x%08x)",
	      mode, (uint32_t)a.value);

	/* In a bare VM every HVC is ours: the class count is exact. The features call above
	 * was the first; this one is the second and counts itself. */
	a = hvc(&v, STATS_VCPU, hvc_class, STAT_COUNT);
	check(a.status == RET_SUCCESS && a.value == 2,
	      "%s: vcpu %s count is 2 after two HVCs, the reading one included (status %d, value %llu)",
	      mode, aarch32 ? "HVC32" : "HVC64", a.status, (unsigned long long)a.value);
	for (i = 0; i < 10; i++)
		hvc(&v, STATS_VM, hvc_class, STAT_COUNT);
	a = hvc(&v, STATS_VM, hvc_class, STAT_COUNT);
	check(a.status == RET_SUCCESS && a.value == 13, "%s: VM %s count is 13 after 13 HVCs (value %llu)",
	      mode, aarch32 ? "HVC32" : "HVC64", (unsigned long long)a.value);
	/* One MMIO store per earlier run; this run's store comes after its hypercall. */
	b = hvc(&v, STATS_VM, EC_DABT_LOW, STAT_COUNT);
	check(b.status == RET_SUCCESS && b.value == 13,
	      "%s: DABT_LOW count is 13, one MMIO store per earlier run (value %llu)", mode,
	      (unsigned long long)b.value);
	a = hvc(&v, STATS_VM, CLASS_ALL, STAT_COUNT);
	b = hvc(&v, STATS_VCPU, CLASS_ALL, STAT_COUNT);
	/* Between the two: this store and the next hypercall, and any host interrupts. */
	check(a.status == RET_SUCCESS && b.status == RET_SUCCESS && a.value >= 28 &&
	      b.value >= a.value + 2,
	      "%s: all-class totals of VM and vcpu agree (%llu then %llu)", mode,
	      (unsigned long long)a.value, (unsigned long long)b.value);
	check(a.w3 == 0, "%s: w3 is cleared (0x%08x)", mode, a.w3);

	t = hvc(&v, STATS_VM, CLASS_ALL, STAT_TIME_TICKS);
	n = hvc(&v, STATS_VM, CLASS_ALL, STAT_TIME_NS);
	check(t.status == RET_SUCCESS && t.value > 0 && n.status == RET_SUCCESS && n.value > 0,
	      "%s: host time in ticks (%llu) and ns (%llu) are non-zero", mode,
	      (unsigned long long)t.value, (unsigned long long)n.value);

	a = hvc(&v, STATS_VM, 0x02, STAT_COUNT);
	check(a.status == RET_CLASS_UNDEFINED && a.value == 0,
	      "%s: class 0x02 (not defined by the architecture) -> %d", mode, a.status);
	a = hvc(&v, STATS_VM, EXIT_STATS_NR_CLASSES, STAT_COUNT);
	check(a.status == RET_CLASS_UNDEFINED, "%s: class 0x%x (beyond the last) -> %d", mode,
	      EXIT_STATS_NR_CLASSES, a.status);
	a = hvc(&v, STATS_VCPU, EC_SVC64, STAT_COUNT);
	check(a.status == RET_CLASS_NEVER_TAKEN,
	      "%s: class SVC64 (defined, never reaches the hypervisor) -> %d", mode, a.status);
	a = hvc(&v, STATS_VM, CLASS_ALL, STAT_TIME_TICKS + 1);
	check(a.status == RET_INVALID_PARAMETER, "%s: statistic %d -> %d", mode, STAT_TIME_TICKS + 1,
	      a.status);

	/* The last reading before the switch: it counts itself. Its store's exit stays open
	 * (this program runs meanwhile) across the switch off and on. */
	c = hvc(&v, STATS_VCPU, hvc_class, STAT_COUNT);
	t = hvc(&v, STATS_VCPU, CLASS_ALL, STAT_TIME_NS);
	if (write_param(param, "0") == 0) {
		a = hvc(&v, STATS_VM, CLASS_ALL, STAT_COUNT);
		check(a.status == RET_NOT_SUPPORTED && a.value == 0,
		      "%s: with kvm.guest_exit_stats=0 the call returns NOT_SUPPORTED (%d)", mode, a.status);
		a = hvc(&v, FEATURES, 0, 0);
		check((a.value & FEATURES_W1) == 0, "%s: ... and the features bitmap hides it (w1 0x%08x)",
		      mode, (uint32_t)a.value);
		for (i = 0; i < 5; i++)
			hvc(&v, STATS_VCPU, hvc_class, STAT_COUNT);
		usleep(OFF_SLEEP_US);
		write_param(param, "1");
		/* Switched off: nothing counted (7 HVCs); switched on: this reading counts itself,
		 * so one more than the last reading before the switch and the one after it. */
		a = hvc(&v, STATS_VCPU, hvc_class, STAT_COUNT);
		check(a.status == RET_SUCCESS && c.status == RET_SUCCESS && a.value == c.value + 2,
		      "%s: no exit counted while switched off (%s %llu before, %llu after)", mode,
		      aarch32 ? "HVC32" : "HVC64", (unsigned long long)c.value,
		      (unsigned long long)a.value);
		/* The exit left open across the switch is forgotten, not charged the time between. */
		n = hvc(&v, STATS_VCPU, CLASS_ALL, STAT_TIME_NS);
		check(n.status == RET_SUCCESS && t.status == RET_SUCCESS && n.value >= t.value &&
		      n.value - t.value < OFF_SLEEP_US * 1000ULL / 5,
		      "%s: host time grows by %llu ns across the switch (< %llu: the %u us off not charged)",
		      mode, (unsigned long long)(n.value - t.value), OFF_SLEEP_US * 1000ULL / 5,
		      OFF_SLEEP_US);
	} else {
		check(0, "%s: could not switch %s", mode, param);
	}
	bare_vm_destroy(&v.vm);
}

int main(int argc, char **argv)
{
	const char *param = "/sys/module/kvm/parameters/guest_exit_stats";

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("Usage: %s [--param PATH]\n"
		       "Checks the KVM exit-statistics hypercalls from a bare AArch64 and AArch32 vcpu.\n",
		       PROG);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "--param")) {
		param = argv[2];
	} else if (argc != 1) {
		fprintf(stderr, "%s: usage: %s [--param PATH]\n", PROG, PROG);
		return 2;
	}
	if (write_param(param, "1") < 0)
		return 1;
	test_caller("aarch64", 0, param);
	test_caller("aarch32", 1, param);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
