/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest exit-statistics hypercalls, as userspace sees them: the one userspace definition
 * of their ABI. It mirrors the kernel's definitions in kernel-patches/6.1/0003 and 0006 (the
 * same in 6.12's, and in the legacy 5.4's 0003 and 0004), added to
 * include/linux/arm-smccc.h: ARM_SMCCC_KVM_FUNC_EXIT_STATS_*,
 * ARM_SMCCC_VENDOR_HYP_KVM_EXIT_STATS_*_FUNC_ID, ARM_SMCCC_KVM_EXIT_CLASS_*,
 * ARM_SMCCC_KVM_EXIT_STAT_*, SMCCC_RET_KVM_EXIT_CLASS_*; the kernel name of each value is
 * beside it. Change them together.
 *
 * Both calls are SMC32 fast calls, identical for AArch32 and AArch64 callers:
 *   w0: EXIT_STATS_VM_FUNC_ID (the calling VM, its vcpus summed) or EXIT_STATS_VCPU_FUNC_ID
 *   w1: an exit class: ESR_ELx.EC (0x00-0x3f) for trap exits, EXIT_STATS_CLASS_{IRQ,SERROR,IL}
 *       for the others, or EXIT_STATS_CLASS_ALL
 *   w2: EXIT_STATS_STAT_{COUNT,TIME_NS,TIME_TICKS}
 * and return w0 an EXIT_STATS_RET_* status, w1 the low and w2 the high 32 bits of the value.
 * KVM's features call advertises them (bits 40 and 41 of its bitmap) while
 * kvm.guest_exit_stats is set.
 *
 * C11, no includes, for the static armhf and arm64 builds and the host's exitstat alike.
 * Values stay one per line, "#define NAME VALUE": tests/e2e/check-exit-stats.sh reads the
 * function IDs from this file, and tests/lint.sh checks each value against the kernel patch.
 */
#ifndef EXITLAB_EXIT_STATS_ABI_H
#define EXITLAB_EXIT_STATS_ABI_H

/* Function numbers in KVM's vendor-hypervisor service range (ARM_SMCCC_KVM_FUNC_EXIT_STATS_*) */
#define EXIT_STATS_FUNC_VM		40
#define EXIT_STATS_FUNC_VCPU		41
#define EXIT_STATS_FUNC_SNAPSHOT	42

/* SMCCC function IDs: fast call, SMC32, owner 6 (vendor hypervisor), the number above
 * (ARM_SMCCC_VENDOR_HYP_KVM_EXIT_STATS_{VM,VCPU}_FUNC_ID) */
#define EXIT_STATS_VM_FUNC_ID		0x86000028U
#define EXIT_STATS_VCPU_FUNC_ID		0x86000029U
/* (ARM_SMCCC_VENDOR_HYP_KVM_EXIT_STATS_SNAPSHOT_FUNC_ID) w1/w2: the buffer's IPA, low/high
 * 32 bits, 8-byte aligned; w3: its size. Returns w0 a status, w1 the bytes written (or, with
 * EXIT_STATS_RET_INVALID_PARAMETER, the bytes needed when the buffer is too small). */
#define EXIT_STATS_SNAPSHOT_FUNC_ID	0x8600002aU

/* KVM's own features call (upstream ARM_SMCCC_VENDOR_HYP_KVM_FEATURES_FUNC_ID): sets bit
 * n % 32 of register w(n / 32) for each vendor-hypervisor function n it offers. */
#define EXIT_STATS_KVM_FEATURES_FUNC_ID	0x86000000U
#define EXIT_STATS_FEATURE_REG(n)	((n) / 32)
#define EXIT_STATS_FEATURE_BIT(n)	(1U << ((n) % 32))
/* Both calls offered: these bits of w1 */
#define EXIT_STATS_FEATURES_W1_MASK	(EXIT_STATS_FEATURE_BIT(EXIT_STATS_FUNC_VM) | \
					 EXIT_STATS_FEATURE_BIT(EXIT_STATS_FUNC_VCPU))

/* w1: classes beyond the ESR exception classes (ARM_SMCCC_KVM_EXIT_CLASS_*) */
#define EXIT_STATS_CLASS_IRQ		0x40
#define EXIT_STATS_CLASS_SERROR		0x41
#define EXIT_STATS_CLASS_IL		0x42
#define EXIT_STATS_NR_CLASSES		0x43
#define EXIT_STATS_CLASS_ALL		0xffffffffU

/* w2: which statistic (ARM_SMCCC_KVM_EXIT_STAT_*) */
#define EXIT_STATS_STAT_COUNT		0
#define EXIT_STATS_STAT_TIME_NS		1
#define EXIT_STATS_STAT_TIME_TICKS	2

/* w0 on return (SMCCC_RET_SUCCESS, SMCCC_RET_NOT_SUPPORTED: feature disabled,
 * SMCCC_RET_INVALID_PARAMETER: bad w2, SMCCC_RET_KVM_EXIT_CLASS_UNDEFINED: the architecture
 * defines no such class, SMCCC_RET_KVM_EXIT_CLASS_NEVER_TAKEN: a defined class that never
 * reaches the hypervisor) */
#define EXIT_STATS_RET_SUCCESS			0
#define EXIT_STATS_RET_NOT_SUPPORTED		(-1)
#define EXIT_STATS_RET_INVALID_PARAMETER	(-3)
#define EXIT_STATS_RET_CLASS_UNDEFINED		(-10)
#define EXIT_STATS_RET_CLASS_NEVER_TAKEN	(-11)
/* (SMCCC_RET_KVM_EXIT_STATS_BAD_ADDRESS) the snapshot's buffer is not writable memory of the
 * calling VM */
#define EXIT_STATS_RET_BAD_ADDRESS		(-12)

/*
 * The snapshot's layout, version 1 (struct arm_smccc_kvm_exit_snapshot and
 * struct arm_smccc_kvm_exit_snapshot_block in the kernel patch's include/linux/arm-smccc.h,
 * documented in its Documentation/virt/kvm/arm/exit-stats.rst): little-endian, naturally
 * aligned. A header, then nr_blocks blocks of block_size bytes: the VM's (its vcpus summed),
 * then each vcpu's. Readers take header_size, block_size and nr_classes from the header.
 * Guests read one with read(2) of /dev/kvm_exit_stats, with a buffer of at least
 * /sys/hypervisor/exits/snapshot_size bytes.
 */
#define EXIT_STATS_SNAPSHOT_MAGIC	0x5453584bU	/* ARM_SMCCC_KVM_EXIT_SNAPSHOT_MAGIC */
#define EXIT_STATS_SNAPSHOT_VERSION	1		/* ARM_SMCCC_KVM_EXIT_SNAPSHOT_VERSION */
/* Header: byte offsets of its fields (u32 unless said) */
#define EXIT_STATS_SNAP_MAGIC		0
#define EXIT_STATS_SNAP_VERSION		4
#define EXIT_STATS_SNAP_HEADER_SIZE	8
#define EXIT_STATS_SNAP_BLOCK_SIZE	12
#define EXIT_STATS_SNAP_NR_CLASSES	16
#define EXIT_STATS_SNAP_NR_BLOCKS	20
#define EXIT_STATS_SNAP_SEQUENCE	24	/* u64: calls past the size checks so far, this one too */
#define EXIT_STATS_SNAP_COUNTER_HZ	32	/* u64 */
#define EXIT_STATS_SNAP_CALLER_MPIDR	40	/* u64: MPIDR affinity of the calling vcpu */
#define EXIT_STATS_SNAP_CLASSES		48	/* 2 x u64: bit N set, class N can be taken */
#define EXIT_STATS_SNAP_V1_HEADER_SIZE	64
/* Block: byte offsets (u64 each) */
#define EXIT_STATS_BLOCK_MPIDR		0	/* the vcpu's MPIDR affinity; all ones: the VM */
#define EXIT_STATS_BLOCK_EXITS		8	/* every exit since creation (kvm_exit's count) */
#define EXIT_STATS_BLOCK_CLASS(n)	(16 + 16 * (n))	/* class n: count, then ticks at +8 */
#define EXIT_STATS_BLOCK_VM_MPIDR	0xffffffffffffffffULL

/* The function IDs are the SMCCC encoding of the numbers: fast call (bit 31), SMC32 (bit 30
 * clear), owner 6 (bits 29:24); the features bitmap holds both in w1. */
_Static_assert(EXIT_STATS_VM_FUNC_ID == (0x80000000U | 6U << 24 | EXIT_STATS_FUNC_VM),
	       "EXIT_STATS_VM_FUNC_ID");
_Static_assert(EXIT_STATS_VCPU_FUNC_ID == (0x80000000U | 6U << 24 | EXIT_STATS_FUNC_VCPU),
	       "EXIT_STATS_VCPU_FUNC_ID");
_Static_assert(EXIT_STATS_SNAPSHOT_FUNC_ID == (0x80000000U | 6U << 24 | EXIT_STATS_FUNC_SNAPSHOT),
	       "EXIT_STATS_SNAPSHOT_FUNC_ID");
_Static_assert(EXIT_STATS_FEATURE_REG(EXIT_STATS_FUNC_VM) == 1 &&
	       EXIT_STATS_FEATURE_REG(EXIT_STATS_FUNC_VCPU) == 1, "EXIT_STATS_FEATURES_W1_MASK");

#endif
