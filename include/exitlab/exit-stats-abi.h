/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest exit-statistics hypercalls, as userspace sees them: the one userspace definition
 * of their ABI. It mirrors the kernel's definitions in kernel-patches/6.1/0003 (added to
 * include/linux/arm-smccc.h: ARM_SMCCC_KVM_FUNC_EXIT_STATS_*,
 * ARM_SMCCC_VENDOR_HYP_KVM_EXIT_STATS_*_FUNC_ID, ARM_SMCCC_KVM_EXIT_CLASS_*,
 * ARM_SMCCC_KVM_EXIT_STAT_*, SMCCC_RET_KVM_EXIT_CLASS_*); the kernel name of each value is
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

/* SMCCC function IDs: fast call, SMC32, owner 6 (vendor hypervisor), the number above
 * (ARM_SMCCC_VENDOR_HYP_KVM_EXIT_STATS_{VM,VCPU}_FUNC_ID) */
#define EXIT_STATS_VM_FUNC_ID		0x86000028U
#define EXIT_STATS_VCPU_FUNC_ID		0x86000029U

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

/* The function IDs are the SMCCC encoding of the numbers: fast call (bit 31), SMC32 (bit 30
 * clear), owner 6 (bits 29:24); the features bitmap holds both in w1. */
_Static_assert(EXIT_STATS_VM_FUNC_ID == (0x80000000U | 6U << 24 | EXIT_STATS_FUNC_VM),
	       "EXIT_STATS_VM_FUNC_ID");
_Static_assert(EXIT_STATS_VCPU_FUNC_ID == (0x80000000U | 6U << 24 | EXIT_STATS_FUNC_VCPU),
	       "EXIT_STATS_VCPU_FUNC_ID");
_Static_assert(EXIT_STATS_FEATURE_REG(EXIT_STATS_FUNC_VM) == 1 &&
	       EXIT_STATS_FEATURE_REG(EXIT_STATS_FUNC_VCPU) == 1, "EXIT_STATS_FEATURES_W1_MASK");

#endif
