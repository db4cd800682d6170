/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the hosts bare-vcpu.c runs on, as kvmtool keeps arm/aarch32 beside
 * arm/aarch64: the register ids of KVM_{GET,SET}_ONE_REG, the vcpu features, the GIC KVM can
 * emulate and how the timer's frequency is read.
 *   arm64 host (the main one): 64-bit core registers; an AArch32 vcpu is the
 *     KVM_ARM_VCPU_EL1_32BIT feature (x0-x14 are its r0-r14).
 *   32-bit ARM host (Linux <= 5.6, ./run-host.sh --host-arch arm): 32-bit core registers in
 *     struct kvm_regs' usr_regs (r0-r15, the PC); every vcpu is AArch32, there is no
 *     EL1_32BIT feature, and no GICv3 (a vexpress-a15 has a GICv2), so BARE_VGIC_V3 is
 *     refused. Its uapi headers are the 5.4 kernel's own (images/build-legacy-kernel.sh
 *     installs them): Debian's armhf headers have no asm/kvm.h since Linux 5.7.
 * Values pass through uint64_t either way: the kernel reads or writes the register's size at
 * the address, the low half on these little-endian hosts (get zeroes the rest first).
 */
#ifndef EXITLAB_BARE_ARCH_H
#define EXITLAB_BARE_ARCH_H

#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

#if defined(__aarch64__)
#define BARE_HOST_ARCH "arm64"

static inline uint64_t bare_core_reg_id(size_t offset)
{
	return KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | (offset / sizeof(uint32_t));
}
static inline uint64_t bare_xreg_id(unsigned int n)
{
	return bare_core_reg_id(offsetof(struct kvm_regs, regs.regs[0]) + n * sizeof(uint64_t));
}
static inline uint64_t bare_pc_id(void)
{
	return bare_core_reg_id(offsetof(struct kvm_regs, regs.pc));
}
/* 0, or the reason FLAGS cannot be had on this host */
static inline const char *bare_vcpu_features(uint32_t *features, unsigned int aarch32)
{
	if (aarch32)
		*features |= 1U << KVM_ARM_VCPU_EL1_32BIT;
	return NULL;
}
static inline const char *bare_vgic_v3_unsupported(void)
{
	return NULL;
}
/* The generic timer's frequency (CNTFRQ), as the guest's timer counts */
static inline uint64_t bare_counter_hz(void)
{
	uint64_t hz;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(hz));
	return hz;
}

#elif defined(__arm__)
#define BARE_HOST_ARCH "arm"

static inline uint64_t bare_core_reg_id(size_t offset)
{
	return KVM_REG_ARM | KVM_REG_SIZE_U32 | KVM_REG_ARM_CORE | (offset / sizeof(uint32_t));
}
static inline uint64_t bare_xreg_id(unsigned int n)
{
	return bare_core_reg_id(offsetof(struct kvm_regs, usr_regs.uregs[0]) + n * sizeof(uint32_t));
}
static inline uint64_t bare_pc_id(void)
{
	return bare_core_reg_id(offsetof(struct kvm_regs, usr_regs.ARM_pc));
}
static inline const char *bare_vcpu_features(uint32_t *features, unsigned int aarch32)
{
	(void)features;
	return aarch32 ? NULL : "bare_vm_create (a 32-bit ARM host runs AArch32 vcpus only: BARE_AARCH32)";
}
static inline const char *bare_vgic_v3_unsupported(void)
{
	return "bare_vm_create (a 32-bit ARM host has no GICv3 to emulate: no BARE_VGIC_V3)";
}
static inline uint64_t bare_counter_hz(void)
{
	uint32_t hz;

	__asm__ volatile("mrc p15, 0, %0, c14, c0, 0" : "=r"(hz));	/* CNTFRQ */
	return hz;
}

#else
#error "tools/bare-vcpu runs in an ARM KVM host: build it for arm64 or armhf"
#endif

#endif
