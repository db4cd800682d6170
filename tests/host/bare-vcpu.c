// SPDX-License-Identifier: GPL-2.0
#include "bare-vcpu.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

static void die(struct bare_vcpu *v, const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", v->prog, what, strerror(errno));
	exit(1);
}

static uint64_t core_reg_id(size_t offset)
{
	return KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | (offset / sizeof(uint32_t));
}

static void set_core_reg(struct bare_vcpu *v, size_t offset, uint64_t value)
{
	struct kvm_one_reg reg = { .id = core_reg_id(offset), .addr = (uintptr_t)&value };

	if (ioctl(v->fd, KVM_SET_ONE_REG, &reg) < 0)
		die(v, "KVM_SET_ONE_REG");
}

void bare_vcpu_set_xreg(struct bare_vcpu *v, unsigned int n, uint64_t value)
{
	set_core_reg(v, offsetof(struct kvm_regs, regs.regs[0]) + n * sizeof(uint64_t), value);
}

uint64_t bare_vcpu_get_xreg(struct bare_vcpu *v, unsigned int n)
{
	uint64_t value = 0;
	struct kvm_one_reg reg = {
		.id = core_reg_id(offsetof(struct kvm_regs, regs.regs[0]) + n * sizeof(uint64_t)),
		.addr = (uintptr_t)&value,
	};

	if (ioctl(v->fd, KVM_GET_ONE_REG, &reg) < 0)
		die(v, "KVM_GET_ONE_REG");
	return value;
}

void bare_vcpu_create(struct bare_vcpu *v, const char *prog, const uint32_t *code,
		      size_t code_words, int aarch32)
{
	struct kvm_userspace_memory_region region;
	struct kvm_vcpu_init init;
	int run_size;

	memset(v, 0, sizeof(*v));
	v->prog = prog;
	v->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (v->kvm < 0) {
		printf("SKIP %s: /dev/kvm: %s\n", prog, strerror(errno));
		exit(77);
	}
	v->vm = ioctl(v->kvm, KVM_CREATE_VM, 0);
	if (v->vm < 0)
		die(v, "KVM_CREATE_VM");
	v->mem = mmap(NULL, BARE_MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v->mem == MAP_FAILED)
		die(v, "mmap guest memory");
	memcpy(v->mem, code, code_words * sizeof(*code));
	region = (struct kvm_userspace_memory_region){
		.guest_phys_addr = BARE_MEM_BASE, .memory_size = BARE_MEM_SIZE,
		.userspace_addr = (uintptr_t)v->mem,
	};
	if (ioctl(v->vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die(v, "KVM_SET_USER_MEMORY_REGION");
	v->fd = ioctl(v->vm, KVM_CREATE_VCPU, 0);
	if (v->fd < 0)
		die(v, "KVM_CREATE_VCPU");
	if (ioctl(v->vm, KVM_ARM_PREFERRED_TARGET, &init) < 0)
		die(v, "KVM_ARM_PREFERRED_TARGET");
	init.features[0] |= 1U << KVM_ARM_VCPU_PSCI_0_2;
	if (aarch32)
		init.features[0] |= 1U << KVM_ARM_VCPU_EL1_32BIT;
	if (ioctl(v->fd, KVM_ARM_VCPU_INIT, &init) < 0)
		die(v, "KVM_ARM_VCPU_INIT");
	set_core_reg(v, offsetof(struct kvm_regs, regs.pc), BARE_MEM_BASE);
	run_size = ioctl(v->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < 0)
		die(v, "KVM_GET_VCPU_MMAP_SIZE");
	v->run_size = (size_t)run_size;
	v->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED)
		die(v, "mmap kvm_run");
}

void bare_vcpu_destroy(struct bare_vcpu *v)
{
	munmap(v->run, v->run_size);
	close(v->fd);
	close(v->vm);
	munmap(v->mem, BARE_MEM_SIZE);
	close(v->kvm);
}

void bare_vcpu_run_to_mmio(struct bare_vcpu *v)
{
	if (ioctl(v->fd, KVM_RUN, 0) < 0)
		die(v, "KVM_RUN");
	if (v->run->exit_reason != KVM_EXIT_MMIO || v->run->mmio.phys_addr != BARE_MMIO_ADDR) {
		fprintf(stderr, "%s: KVM_RUN: unexpected exit reason %u (expected MMIO at 0x%llx)\n",
			v->prog, v->run->exit_reason, (unsigned long long)BARE_MMIO_ADDR);
		exit(1);
	}
}
