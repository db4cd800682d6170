/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A bare one-vcpu KVM VM for the host test programs (KVM selftests style): guest code at
 * BARE_MEM_BASE, nothing else mapped, so a store to BARE_MMIO_ADDR is an MMIO exit back to
 * the program. Like the selftests' helpers these end the program on failure: a message naming
 * the failing call, exit 1; exit 77 (skip) when /dev/kvm is missing.
 */
#ifndef EXITLAB_BARE_VCPU_H
#define EXITLAB_BARE_VCPU_H

#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

#define BARE_MEM_BASE 0x10000000ULL
#define BARE_MEM_SIZE 0x10000ULL
#define BARE_MMIO_ADDR 0x20000000ULL

struct bare_vcpu {
	const char *prog;	/* for messages */
	int kvm, vm, fd;
	void *mem;
	struct kvm_run *run;
	size_t run_size;
};

/* A VM whose vcpu (AArch32 EL1 if aarch32, PSCI 0.2) starts at BARE_MEM_BASE running CODE. */
void bare_vcpu_create(struct bare_vcpu *v, const char *prog, const uint32_t *code,
		      size_t code_words, int aarch32);
void bare_vcpu_destroy(struct bare_vcpu *v);
void bare_vcpu_set_xreg(struct bare_vcpu *v, unsigned int n, uint64_t value);
uint64_t bare_vcpu_get_xreg(struct bare_vcpu *v, unsigned int n);
/* KVM_RUN once; the exit must be the guest's store to BARE_MMIO_ADDR. */
void bare_vcpu_run_to_mmio(struct bare_vcpu *v);

#endif
