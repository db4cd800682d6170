/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bare KVM VMs for programs that run inside the emulated KVM host, arm64 or the legacy 32-bit
 * ARM one (arch.h says what differs), KVM selftests style, no guest OS: guest RAM at
 * BARE_MEM_BASE holding the given code, one to BARE_MAX_VCPUS vcpus (AArch64 or AArch32 EL1,
 * PSCI 0.2) starting there, optionally an in-kernel GICv3 (distributor at BARE_GICD_BASE,
 * redistributors from BARE_GICR_BASE; arm64 hosts) or GICv2 (distributor at BARE_GICD_BASE,
 * CPU interface at BARE_GICC_BASE). Nothing else is mapped, so an access to BARE_MMIO_ADDR is
 * an MMIO exit to the program.
 *
 * Every function returns 0 or -errno and never exits; on failure vm->failed names the call that
 * failed, for the caller's message ("prog: <vm->failed>: strerror(-ret)"). bare_vm_create()
 * sets vm->no_kvm when /dev/kvm itself cannot be opened (callers skip, exit 77).
 */
#ifndef EXITLAB_BARE_VCPU_H
#define EXITLAB_BARE_VCPU_H

#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

#define BARE_MEM_BASE 0x10000000ULL
#define BARE_MEM_SIZE 0x10000ULL
#define BARE_MMIO_ADDR 0x20000000ULL
#define BARE_GICD_BASE 0x08000000ULL
#define BARE_GICR_BASE 0x080a0000ULL	/* 128 KiB per vcpu */
#define BARE_GICC_BASE 0x08010000ULL	/* a GICv2's CPU interface */
#define BARE_MAX_VCPUS 4

/* bare_vm_create() flags */
#define BARE_AARCH32 0x1		/* AArch32 EL1 vcpus */
#define BARE_VGIC_V3 0x2		/* an in-kernel GICv3, initialised */
#define BARE_VGIC_V2 0x4		/* an in-kernel GICv2 (distributor, CPU interface) */

struct bare_vm {
	int kvm, vm, vgic;		/* vgic: the device fd, -1 without BARE_VGIC_V3 */
	unsigned int nvcpus, flags;
	void *mem;			/* BARE_MEM_SIZE bytes of guest RAM at BARE_MEM_BASE */
	size_t run_size;
	int vcpu_fd[BARE_MAX_VCPUS];
	struct kvm_run *run[BARE_MAX_VCPUS];
	const char *failed;		/* the call that failed */
	int no_kvm;			/* /dev/kvm could not be opened */
};

int bare_vm_create(struct bare_vm *vm, const void *code, size_t code_bytes, unsigned int nvcpus,
		   unsigned int flags);
void bare_vm_destroy(struct bare_vm *vm);

/* A memory slot (slot 0 is the code's RAM): SIZE bytes of HOST at guest address GPA; SIZE 0
 * deletes the slot (and KVM's stage-2 mappings of it). */
int bare_vm_set_memory(struct bare_vm *vm, uint32_t slot, uint64_t gpa, uint64_t size, void *host);
int bare_vm_enable_cap(struct bare_vm *vm, uint32_t cap, uint64_t arg0);
/* A 32-bit register of the vgic (KVM_DEV_ARM_VGIC_GRP_DIST_REGS / _REDIST_REGS: ATTR holds
 * the register's offset and, for a redistributor, the vcpu's MPIDR). */
int bare_vgic_write(struct bare_vm *vm, uint32_t group, uint64_t attr, uint32_t value);

int bare_vcpu_set_reg(struct bare_vm *vm, unsigned int vcpu, uint64_t id, uint64_t value);
int bare_vcpu_get_reg(struct bare_vm *vm, unsigned int vcpu, uint64_t id, uint64_t *value);
/* x0-x30 (r0-r14 of an AArch32 vcpu) and the PC. After an MMIO exit, the next KVM_RUN first
 * completes the access and moves the PC past it: a PC set in between moves as well. */
int bare_vcpu_set_xreg(struct bare_vm *vm, unsigned int vcpu, unsigned int n, uint64_t value);
int bare_vcpu_get_xreg(struct bare_vm *vm, unsigned int vcpu, unsigned int n, uint64_t *value);
int bare_vcpu_set_pc(struct bare_vm *vm, unsigned int vcpu, uint64_t pc);
int bare_vcpu_get_pc(struct bare_vm *vm, unsigned int vcpu, uint64_t *pc);
/* KVM_RUN once (-EINTR when a signal interrupted it). */
int bare_vcpu_run(struct bare_vm *vm, unsigned int vcpu);
/* KVM_RUN once; anything but an MMIO exit at ADDR is -EPROTO ("unexpected exit"). */
int bare_vcpu_run_to_mmio(struct bare_vm *vm, unsigned int vcpu, uint64_t addr);

#endif
