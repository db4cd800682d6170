// SPDX-License-Identifier: GPL-2.0
/*
 * exit-stats-abi: a KVM selftest-style check, run inside the emulated KVM host, of the guest
 * exit-statistics hypercalls of kernel-patches/6.1/0003 and 0006 (5.4/0003 and 0004 on the
 * legacy 32-bit host: EXIT_STATS_VM, EXIT_STATS_VCPU and EXIT_STATS_SNAPSHOT of
 * include/exitlab/exit-stats-abi.h). It builds a bare VM whose code is `hvc #0` followed by a
 * store to an unmapped address (an MMIO exit back to us), sets w0-w3, runs it and reads w0-w3
 * back: every documented return code, for AArch64 and AArch32 callers alike; the snapshot's
 * buffer is read from the VM's memory and compared with KVM's own statistics.
 *
 * What the host offers decides the rest, and each difference is said in the output: a 32-bit
 * host runs AArch32 vcpus only (tools/bare-vcpu/arch.h: the AArch64 callers' checks are SKIPped
 * with that reason); a kernel before 5.14 has no KVM_GET_STATS_FD, so the snapshot is compared
 * with the VM's debugfs statistics (sums over its vcpus) through its VM block, not with vcpu
 * 0's; a kernel without the statistics (no PATH: ./run-host.sh --patches counter or none) must
 * refuse every call as NOT_SUPPORTED and advertise none of them.
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

#include "arch.h"
#include "bare-test.h"
#include "kvm-stats.h"
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
#define EC_SVC32 0x11U
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

/* One hypercall from the guest: w0-w3 in, w0-w3 out. */
static struct answer hvc4(struct caller *v, uint32_t func, uint32_t a1, uint32_t a2, uint32_t a3)
{
	struct bare_vm *vm = &v->vm;
	uint64_t in[] = { func, a1, a2, a3, BARE_MMIO_ADDR }, out[4];
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

/* One hypercall from the guest: w0-w2 in (w3 garbage), w0-w3 out. */
static struct answer hvc(struct caller *v, uint32_t func, uint32_t a1, uint32_t a2)
{
	return hvc4(v, func, a1, a2, 0xdeadbeef);
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

/* kvm.guest_exit_stats switched off and on again under a running VM: the calls refuse and
 * hide, nothing is counted meanwhile, an exit left open across the switch is not charged. */
static void test_switch(struct caller *v, int aarch32, uint32_t hvc_class, const char *param)
{
	const char *mode = v->mode;
	struct answer a, c, t, n;
	int i;

	/* The last reading before the switch: it counts itself. Its store's exit stays open
	 * (this program runs meanwhile) across the switch off and on. */
	c = hvc(v, STATS_VCPU, hvc_class, STAT_COUNT);
	t = hvc(v, STATS_VCPU, CLASS_ALL, STAT_TIME_NS);
	if (write_param(param, "0") == 0) {
		a = hvc(v, STATS_VM, CLASS_ALL, STAT_COUNT);
		check(a.status == RET_NOT_SUPPORTED && a.value == 0,
		      "%s: with kvm.guest_exit_stats=0 the call returns NOT_SUPPORTED (%d)", mode, a.status);
		a = hvc(v, FEATURES, 0, 0);
		check((a.value & FEATURES_W1) == 0, "%s: ... and the features bitmap hides it (w1 0x%08x)",
		      mode, (uint32_t)a.value);
		for (i = 0; i < 5; i++)
			hvc(v, STATS_VCPU, hvc_class, STAT_COUNT);
		usleep(OFF_SLEEP_US);
		write_param(param, "1");
		/* Switched off: nothing counted (7 HVCs); switched on: this reading counts itself,
		 * so one more than the last reading before the switch and the one after it. */
		a = hvc(v, STATS_VCPU, hvc_class, STAT_COUNT);
		check(a.status == RET_SUCCESS && c.status == RET_SUCCESS && a.value == c.value + 2,
		      "%s: no exit counted while switched off (%s %llu before, %llu after)", mode,
		      aarch32 ? "HVC32" : "HVC64", (unsigned long long)c.value,
		      (unsigned long long)a.value);
		/* The exit left open across the switch is forgotten, not charged the time between. */
		n = hvc(v, STATS_VCPU, CLASS_ALL, STAT_TIME_NS);
		check(n.status == RET_SUCCESS && t.status == RET_SUCCESS && n.value >= t.value &&
		      n.value - t.value < OFF_SLEEP_US * 1000ULL / 5,
		      "%s: host time grows by %llu ns across the switch (< %llu: the %u us off not charged)",
		      mode, (unsigned long long)(n.value - t.value), OFF_SLEEP_US * 1000ULL / 5,
		      OFF_SLEEP_US);
	} else {
		check(0, "%s: could not switch %s", mode, param);
	}
}

static void test_caller(const char *mode, int aarch32, const char *param)
{
	uint32_t hvc_class = aarch32 ? EC_HVC32 : EC_HVC64;
	struct answer a, b, t, n;
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
	/* SVC32 (HSR's SVC of a 32-bit host alike): SVC64 is no class there */
	a = hvc(&v, STATS_VCPU, EC_SVC32, STAT_COUNT);
	check(a.status == RET_CLASS_NEVER_TAKEN,
	      "%s: class SVC32 (defined, never reaches the hypervisor) -> %d", mode, a.status);
	a = hvc(&v, STATS_VM, CLASS_ALL, STAT_TIME_TICKS + 1);
	check(a.status == RET_INVALID_PARAMETER, "%s: statistic %d -> %d", mode, STAT_TIME_TICKS + 1,
	      a.status);

	test_switch(&v, aarch32, hvc_class, param);
	bare_vm_destroy(&v.vm);
}

/* ------------------------------------------------------------------ EXIT_STATS_SNAPSHOT */

#define SNAP_OFF 0x8000U		/* the buffer, in the VM's RAM */
#define SNAP_IPA (BARE_MEM_BASE + SNAP_OFF)
#define SNAP_VCPUS 2U			/* vcpu 1 never runs */
#define BLOCK_SIZE ((uint32_t)EXIT_STATS_BLOCK_CLASS(EXIT_STATS_NR_CLASSES))
#define SNAP_BYTES (EXIT_STATS_SNAP_V1_HEADER_SIZE + (SNAP_VCPUS + 1) * BLOCK_SIZE)
#define NOT_RAM_IPA 0x40000000U		/* no memory slot there */
/* Runs until one has only the call's exit and the store's (no host interrupt between) */
#define CLEAN_TRIES 50

/* KVM's statistics that the checks compare with: vcpu 0's, or the VM's sums (debugfs) */
struct kstat {
	uint64_t exits, hvc, mmio_user;
};

/* Where KVM's statistics come from, and which block of the snapshot they match */
struct kstat_src {
	struct kvm_stats ks;
	unsigned int block;		/* 1: vcpu 0 (binary statistics), 0: the VM (debugfs) */
	const char *whose;		/* the block's owner, for the messages */
};

/* Vcpu 0's binary statistics; before Linux 5.14 (-ENOTTY) the VM's debugfs directory, whose
 * sums over the vcpus match the snapshot's VM block. */
static void open_kstats(struct kstat_src *src, struct bare_vm *vm, const char *mode)
{
	int err = kvm_stats_open_vcpu(&src->ks, vm->vcpu_fd[0], vm->vm);

	src->block = 1;
	src->whose = "vcpu 0's";
	if (!err && src->ks.debugfs) {
		printf("NOTE %s: no KVM_GET_STATS_FD: comparing the VM's block with the VM's debugfs "
		       "statistics\n", mode);
		src->block = 0;
		src->whose = "the VM's";
	}
	if (err) {
		fprintf(stderr, "%s: %s: %s\n", PROG, src->ks.failed, strerror(-err));
		exit(1);
	}
}

static void read_kstat(struct kvm_stats *ks, struct kstat *k)
{
	uint64_t v[KVM_STATS_MAX];
	int e = kvm_stats_find(ks, "exits"), h = kvm_stats_find(ks, "hvc_exit_stat");
	int m = kvm_stats_find(ks, "mmio_exit_user");

	memset(k, 0, sizeof(*k));
	if (e < 0 || h < 0 || m < 0 || kvm_stats_read(ks, v)) {
		fprintf(stderr, "%s: KVM statistics exits/hvc_exit_stat/mmio_exit_user: %s\n", PROG,
			ks->failed ? ks->failed : "missing");
		exit(1);
	}
	k->exits = v[e];
	k->hvc = v[h];
	k->mmio_user = v[m];
}

static uint64_t le(const uint8_t *p, unsigned int bytes)
{
	uint64_t v = 0;

	while (bytes--)
		v = v << 8 | p[bytes];
	return v;
}

static uint64_t hdr32(const uint8_t *b, unsigned int off)
{
	return le(b + off, 4);
}

static uint64_t blk(const uint8_t *b, unsigned int block, unsigned int off)
{
	return le(b + EXIT_STATS_SNAP_V1_HEADER_SIZE + block * BLOCK_SIZE + off, 8);
}

/* A snapshot of the VM's own memory into SNAP_IPA, in a run with no other exit than the
 * call's and the store's (a host interrupt between them: once more): KVM's statistics around
 * it in *before and *after, the snapshot calls made in *calls. */
static struct answer clean_snapshot(struct caller *v, struct kvm_stats *ks, struct kstat *before,
				    struct kstat *after, unsigned int *calls)
{
	struct answer a = { 0, 0, 0 };

	*calls = 0;
	for (int i = 0; i < CLEAN_TRIES; i++) {
		++*calls;
		read_kstat(ks, before);
		a = hvc4(v, EXIT_STATS_SNAPSHOT_FUNC_ID, (uint32_t)SNAP_IPA, 0, SNAP_BYTES);
		read_kstat(ks, after);
		if (after->exits - before->exits == 2)
			break;
	}
	return a;
}

static void check_header(const char *mode, const uint8_t *b, uint32_t hvc_class)
{
	uint64_t c0 = le(b + EXIT_STATS_SNAP_CLASSES, 8), c1 = le(b + EXIT_STATS_SNAP_CLASSES + 8, 8);

	check(hdr32(b, EXIT_STATS_SNAP_MAGIC) == EXIT_STATS_SNAPSHOT_MAGIC &&
	      hdr32(b, EXIT_STATS_SNAP_VERSION) == EXIT_STATS_SNAPSHOT_VERSION,
	      "%s: header magic 0x%08llx, version %llu", mode,
	      (unsigned long long)hdr32(b, EXIT_STATS_SNAP_MAGIC),
	      (unsigned long long)hdr32(b, EXIT_STATS_SNAP_VERSION));
	check(hdr32(b, EXIT_STATS_SNAP_HEADER_SIZE) == EXIT_STATS_SNAP_V1_HEADER_SIZE &&
	      hdr32(b, EXIT_STATS_SNAP_BLOCK_SIZE) == BLOCK_SIZE &&
	      hdr32(b, EXIT_STATS_SNAP_NR_CLASSES) == EXIT_STATS_NR_CLASSES &&
	      hdr32(b, EXIT_STATS_SNAP_NR_BLOCKS) == SNAP_VCPUS + 1,
	      "%s: header sizes: header %llu, block %llu, %llu classes, %llu blocks", mode,
	      (unsigned long long)hdr32(b, EXIT_STATS_SNAP_HEADER_SIZE),
	      (unsigned long long)hdr32(b, EXIT_STATS_SNAP_BLOCK_SIZE),
	      (unsigned long long)hdr32(b, EXIT_STATS_SNAP_NR_CLASSES),
	      (unsigned long long)hdr32(b, EXIT_STATS_SNAP_NR_BLOCKS));
	check(le(b + EXIT_STATS_SNAP_COUNTER_HZ, 8) > 0 && le(b + EXIT_STATS_SNAP_CALLER_MPIDR, 8) == 0,
	      "%s: counter %llu Hz, caller MPIDR %llu (vcpu 0)", mode,
	      (unsigned long long)le(b + EXIT_STATS_SNAP_COUNTER_HZ, 8),
	      (unsigned long long)le(b + EXIT_STATS_SNAP_CALLER_MPIDR, 8));
	check((c0 >> hvc_class & 1) && (c0 >> EC_DABT_LOW & 1) && !(c0 >> EC_SVC64 & 1) &&
	      (c1 >> (EXIT_STATS_CLASS_IRQ - 64) & 1) && !(c1 >> (EXIT_STATS_NR_CLASSES - 64)),
	      "%s: classes that can be taken: HVC, DABT_LOW, IRQ, not SVC64 (0x%016llx 0x%016llx)",
	      mode, (unsigned long long)c0, (unsigned long long)c1);
	check(blk(b, 0, EXIT_STATS_BLOCK_MPIDR) == EXIT_STATS_BLOCK_VM_MPIDR &&
	      blk(b, 1, EXIT_STATS_BLOCK_MPIDR) == 0 && blk(b, 2, EXIT_STATS_BLOCK_MPIDR) == 1,
	      "%s: blocks: the VM's (MPIDR all ones), then vcpus 0 and 1 (MPIDR 0, 1)", mode);
}

/* The buffer against KVM's statistics at the call's exit (before: the run's entry), through
 * the block they describe (src->block). */
static void check_blocks(const char *mode, const uint8_t *b, uint32_t hvc_class,
			 const struct kstat_src *src, const struct kstat *before,
			 const struct kstat *after)
{
	uint64_t sum = 0, vm_ok = 1, exits = blk(b, src->block, EXIT_STATS_BLOCK_EXITS);
	uint64_t hvcs = blk(b, src->block, EXIT_STATS_BLOCK_CLASS(hvc_class));
	uint64_t dabts = blk(b, src->block, EXIT_STATS_BLOCK_CLASS(EC_DABT_LOW));

	for (uint32_t c = 0; c < EXIT_STATS_NR_CLASSES; c++) {
		uint32_t off = EXIT_STATS_BLOCK_CLASS(c);

		sum += blk(b, 1, off);
		vm_ok &= blk(b, 0, off) == blk(b, 1, off) + blk(b, 2, off) &&
			 blk(b, 0, off + 8) == blk(b, 1, off + 8) + blk(b, 2, off + 8);
	}
	check(after->exits - before->exits == 2 && exits == before->exits + 1,
	      "%s: %s exits %llu == KVM's exits at the call's exit (%llu at entry + 1)", mode,
	      src->whose, (unsigned long long)exits, (unsigned long long)before->exits);
	check(sum == blk(b, 1, EXIT_STATS_BLOCK_EXITS), "%s: vcpu 0's classes sum to its exits (%llu)",
	      mode, (unsigned long long)sum);
	check(hvcs == after->hvc,
	      "%s: %s HVC count %llu == KVM's hvc_exit_stat %llu (the call included)", mode,
	      src->whose, (unsigned long long)hvcs, (unsigned long long)after->hvc);
	check(dabts == before->mmio_user,
	      "%s: %s DABT_LOW count %llu == KVM's mmio_exit_user before the call %llu", mode,
	      src->whose, (unsigned long long)dabts, (unsigned long long)before->mmio_user);
	check(blk(b, 2, EXIT_STATS_BLOCK_EXITS) == 0 &&
	      blk(b, 0, EXIT_STATS_BLOCK_EXITS) == blk(b, 1, EXIT_STATS_BLOCK_EXITS) && vm_ok,
	      "%s: the VM's block is the sum of the vcpus' (exits %llu, vcpu 1 never ran)", mode,
	      (unsigned long long)blk(b, 0, EXIT_STATS_BLOCK_EXITS));
}

/* Refused calls: the documented error, the buffer untouched. */
static void check_refusals(const char *mode, struct caller *v, uint8_t *b)
{
	struct answer a;

	memset(b, 0xa5, SNAP_BYTES + 64);
	a = hvc4(v, EXIT_STATS_SNAPSHOT_FUNC_ID, (uint32_t)SNAP_IPA, 0, SNAP_BYTES - 1);
	check(a.status == RET_INVALID_PARAMETER && (uint32_t)a.value == SNAP_BYTES && b[0] == 0xa5,
	      "%s: a buffer of %u bytes -> %d, w1 the size needed %u, nothing written", mode,
	      SNAP_BYTES - 1, a.status, (uint32_t)a.value);
	a = hvc4(v, EXIT_STATS_SNAPSHOT_FUNC_ID, (uint32_t)SNAP_IPA + 4, 0, SNAP_BYTES);
	check(a.status == RET_INVALID_PARAMETER && b[4] == 0xa5,
	      "%s: a misaligned IPA -> %d", mode, a.status);
	a = hvc4(v, EXIT_STATS_SNAPSHOT_FUNC_ID, NOT_RAM_IPA, 0, SNAP_BYTES);
	check(a.status == EXIT_STATS_RET_BAD_ADDRESS,
	      "%s: an IPA outside the VM's memory -> %d", mode, a.status);
	a = hvc4(v, EXIT_STATS_SNAPSHOT_FUNC_ID, (uint32_t)SNAP_IPA, 1, SNAP_BYTES);
	check(a.status == EXIT_STATS_RET_BAD_ADDRESS,
	      "%s: the same IPA + 4 GiB (w2 = 1, no memory there) -> %d", mode, a.status);
	a = hvc4(v, EXIT_STATS_SNAPSHOT_FUNC_ID, (uint32_t)(BARE_MEM_BASE + BARE_MEM_SIZE - 64), 0,
		 SNAP_BYTES);
	check(a.status == EXIT_STATS_RET_BAD_ADDRESS,
	      "%s: a buffer that runs past the end of the VM's memory -> %d", mode, a.status);
}

static void test_snapshot(const char *mode, int aarch32, const char *param)
{
	uint32_t hvc_class = aarch32 ? EC_HVC32 : EC_HVC64;
	struct kstat k0, k1, k2, k3;
	struct caller v = { .mode = mode };
	struct kstat_src src;
	uint64_t seq1, hvc1, ticks1;
	unsigned int calls;
	struct answer a;
	uint8_t *b;

	bare_must(PROG, &v.vm, bare_vm_create(&v.vm, aarch32 ? code32 : code64,
					      aarch32 ? sizeof(code32) : sizeof(code64), SNAP_VCPUS,
					      aarch32 ? BARE_AARCH32 : 0));
	open_kstats(&src, &v.vm, mode);
	b = (uint8_t *)v.vm.mem + SNAP_OFF;
	a = hvc(&v, FEATURES, 0, 0);
	check(a.value & EXIT_STATS_FEATURE_BIT(EXIT_STATS_FUNC_SNAPSHOT),
	      "%s: KVM features bitmap advertises function 42 (w1 0x%08x)", mode, (uint32_t)a.value);
	check_refusals(mode, &v, b);

	a = clean_snapshot(&v, &src.ks, &k0, &k1, &calls);
	check(a.status == RET_SUCCESS && (uint32_t)a.value == SNAP_BYTES,
	      "%s: snapshot -> %d, %u bytes written", mode, a.status, (uint32_t)a.value);
	/* The documented sequence: calls past the size and alignment checks, -12 ones included. */
	check(le(b + EXIT_STATS_SNAP_SEQUENCE, 8) == 3 + calls,
	      "%s: sequence %llu: the 2 calls refused with -3 took no number, the 3 with -12 did "
	      "(and %u snapshot call(s))", mode, (unsigned long long)le(b + EXIT_STATS_SNAP_SEQUENCE, 8),
	      calls);
	check(k1.hvc - k0.hvc == 1, "%s: one snapshot call = exactly one HVC exit (hvc_exit_stat +%llu)",
	      mode, (unsigned long long)(k1.hvc - k0.hvc));
	check_header(mode, b, hvc_class);
	check_blocks(mode, b, hvc_class, &src, &k0, &k1);
	seq1 = le(b + EXIT_STATS_SNAP_SEQUENCE, 8);
	hvc1 = blk(b, 1, EXIT_STATS_BLOCK_CLASS(hvc_class));
	ticks1 = blk(b, 1, EXIT_STATS_BLOCK_CLASS(hvc_class) + 8);

	a = clean_snapshot(&v, &src.ks, &k2, &k3, &calls);
	check(a.status == RET_SUCCESS && le(b + EXIT_STATS_SNAP_SEQUENCE, 8) == seq1 + calls,
	      "%s: the sequence grows by one per snapshot (%llu, then %llu after %u call(s))", mode,
	      (unsigned long long)seq1, (unsigned long long)le(b + EXIT_STATS_SNAP_SEQUENCE, 8), calls);
	check(blk(b, 1, EXIT_STATS_BLOCK_CLASS(hvc_class)) == hvc1 + calls && k3.hvc - k2.hvc == 1,
	      "%s: between snapshots, exactly the later ones' HVC exits (%llu, then %llu after %u)",
	      mode, (unsigned long long)hvc1,
	      (unsigned long long)blk(b, 1, EXIT_STATS_BLOCK_CLASS(hvc_class)), calls);
	check(blk(b, 1, EXIT_STATS_BLOCK_CLASS(hvc_class) + 8) > ticks1,
	      "%s: ... and the first one's exit time, which it did not hold yet (+%llu ticks)", mode,
	      (unsigned long long)(blk(b, 1, EXIT_STATS_BLOCK_CLASS(hvc_class) + 8) - ticks1));
	check_blocks(mode, b, hvc_class, &src, &k2, &k3);

	if (write_param(param, "0") == 0) {
		a = hvc4(&v, EXIT_STATS_SNAPSHOT_FUNC_ID, (uint32_t)SNAP_IPA, 0, SNAP_BYTES);
		check(a.status == RET_NOT_SUPPORTED,
		      "%s: with kvm.guest_exit_stats=0 the snapshot call returns NOT_SUPPORTED (%d)",
		      mode, a.status);
		write_param(param, "1");
	}
	kvm_stats_close(&src.ks);
	bare_vm_destroy(&v.vm);
}

/* A kernel without the statistics (no kvm.guest_exit_stats): each call is refused as
 * NOT_SUPPORTED, none is advertised, the snapshot's buffer stays untouched. */
static void test_absent(const char *mode, int aarch32)
{
	static const uint32_t funcs[] = { STATS_VM, STATS_VCPU, EXIT_STATS_SNAPSHOT_FUNC_ID };
	const uint32_t all = FEATURES_W1 | EXIT_STATS_FEATURE_BIT(EXIT_STATS_FUNC_SNAPSHOT);
	struct caller v = { .mode = mode };
	struct answer a;
	uint8_t *b;

	bare_must(PROG, &v.vm, bare_vm_create(&v.vm, aarch32 ? code32 : code64,
					      aarch32 ? sizeof(code32) : sizeof(code64), 1,
					      aarch32 ? BARE_AARCH32 : 0));
	b = (uint8_t *)v.vm.mem + SNAP_OFF;
	memset(b, 0xa5, 64);
	a = hvc(&v, FEATURES, 0, 0);
	check((a.value & all) == 0, "%s: no statistics call advertised (w1 0x%08x)", mode,
	      (uint32_t)a.value);
	for (unsigned int i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++) {
		a = hvc4(&v, funcs[i], i == 2 ? (uint32_t)SNAP_IPA : CLASS_ALL,
			 i == 2 ? 0 : STAT_COUNT, SNAP_BYTES);
		check(a.status == RET_NOT_SUPPORTED && b[0] == 0xa5,
		      "%s: function 0x%08x -> %d (NOT_SUPPORTED)", mode, funcs[i], a.status);
	}
	bare_vm_destroy(&v.vm);
}

/* One caller's checks (SNAPSHOT: the snapshot's, PARAM NULL: the kernel has no statistics),
 * or a SKIP saying why this host cannot run such a vcpu (tools/bare-vcpu/arch.h). */
static void run_caller(const char *mode, int aarch32, int snapshot, const char *param)
{
	uint32_t features = 0;
	const char *why = bare_vcpu_features(&features, aarch32);

	if (why)
		printf("SKIP %s: %s\n", mode, why);
	else if (!param)
		test_absent(mode, aarch32);
	else if (snapshot)
		test_snapshot(mode, aarch32, param);
	else
		test_caller(mode, aarch32, param);
}

int main(int argc, char **argv)
{
	const char *param = "/sys/module/kvm/parameters/guest_exit_stats";

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("Usage: %s [--param PATH]\n"
		       "Checks the KVM exit-statistics hypercalls from a bare AArch64 and AArch32 vcpu\n"
		       "(those this host can run; where PATH does not exist, that the kernel refuses them all).\n",
		       PROG);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "--param")) {
		param = argv[2];
	} else if (argc != 1) {
		fprintf(stderr, "%s: usage: %s [--param PATH]\n", PROG, PROG);
		return 2;
	}
	if (access(param, F_OK) != 0 && errno == ENOENT) {
		printf("NOTE %s: no such parameter: a kernel without the exit statistics, whose calls "
		       "must all be refused\n", param);
		run_caller("aarch64", 0, 0, NULL);
		run_caller("aarch32", 1, 0, NULL);
	} else {
		if (write_param(param, "1") < 0)
			return 1;
		run_caller("aarch64", 0, 0, param);
		run_caller("aarch32", 1, 0, param);
		run_caller("aarch64 snapshot", 0, 1, param);
		run_caller("aarch32 snapshot", 1, 1, param);
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
