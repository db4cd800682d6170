// SPDX-License-Identifier: GPL-2.0
#include "bare-vcpu.h"
#include "arch.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* Record the failing call and return -errno. */
static int fail(struct bare_vm *vm, const char *what)
{
	int err = errno ? errno : EIO;

	vm->failed = what;
	return -err;
}

int bare_vcpu_set_reg(struct bare_vm *vm, unsigned int vcpu, uint64_t id, uint64_t value)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&value };

	if (ioctl(vm->vcpu_fd[vcpu], KVM_SET_ONE_REG, &reg) < 0)
		return fail(vm, "KVM_SET_ONE_REG");
	return 0;
}

int bare_vcpu_get_reg(struct bare_vm *vm, unsigned int vcpu, uint64_t id, uint64_t *value)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)value };

	*value = 0;
	if (ioctl(vm->vcpu_fd[vcpu], KVM_GET_ONE_REG, &reg) < 0)
		return fail(vm, "KVM_GET_ONE_REG");
	return 0;
}

int bare_vcpu_set_xreg(struct bare_vm *vm, unsigned int vcpu, unsigned int n, uint64_t value)
{
	return bare_vcpu_set_reg(vm, vcpu, bare_xreg_id(n), value);
}

int bare_vcpu_get_xreg(struct bare_vm *vm, unsigned int vcpu, unsigned int n, uint64_t *value)
{
	return bare_vcpu_get_reg(vm, vcpu, bare_xreg_id(n), value);
}

int bare_vcpu_set_pc(struct bare_vm *vm, unsigned int vcpu, uint64_t pc)
{
	return bare_vcpu_set_reg(vm, vcpu, bare_pc_id(), pc);
}

int bare_vcpu_get_pc(struct bare_vm *vm, unsigned int vcpu, uint64_t *pc)
{
	return bare_vcpu_get_reg(vm, vcpu, bare_pc_id(), pc);
}

int bare_vm_set_memory(struct bare_vm *vm, uint32_t slot, uint64_t gpa, uint64_t size, void *host)
{
	struct kvm_userspace_memory_region region = {
		.slot = slot, .guest_phys_addr = gpa, .memory_size = size,
		.userspace_addr = (uintptr_t)host,
	};

	if (ioctl(vm->vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return fail(vm, "KVM_SET_USER_MEMORY_REGION");
	return 0;
}

int bare_vm_enable_cap(struct bare_vm *vm, uint32_t cap, uint64_t arg0)
{
	struct kvm_enable_cap c = { .cap = cap, .args = { arg0 } };

	if (ioctl(vm->vm, KVM_ENABLE_CAP, &c) < 0)
		return fail(vm, "KVM_ENABLE_CAP");
	return 0;
}

static int vgic_attr(struct bare_vm *vm, uint32_t group, uint64_t attr, void *value, const char *what)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (uintptr_t)value };

	if (ioctl(vm->vgic, KVM_SET_DEVICE_ATTR, &a) < 0)
		return fail(vm, what);
	return 0;
}

int bare_vgic_write(struct bare_vm *vm, uint32_t group, uint64_t attr, uint32_t value)
{
	return vgic_attr(vm, group, attr, &value, "KVM_SET_DEVICE_ATTR (vgic register)");
}

/* A GICv3 at BARE_GICD_BASE/BARE_GICR_BASE or a GICv2 at BARE_GICD_BASE/BARE_GICC_BASE, after
 * the vcpus (KVM sizes it by their number). */
static int create_vgic(struct bare_vm *vm)
{
	int v3 = !!(vm->flags & BARE_VGIC_V3);
	struct kvm_create_device dev = { .type = v3 ? KVM_DEV_TYPE_ARM_VGIC_V3 : KVM_DEV_TYPE_ARM_VGIC_V2 };
	uint64_t gicd = BARE_GICD_BASE, gicr = v3 ? BARE_GICR_BASE : BARE_GICC_BASE;
	int err;

	if (ioctl(vm->vm, KVM_CREATE_DEVICE, &dev) < 0)
		return fail(vm, v3 ? "KVM_CREATE_DEVICE (vgic-v3)" : "KVM_CREATE_DEVICE (vgic-v2)");
	vm->vgic = (int)dev.fd;
	err = vgic_attr(vm, KVM_DEV_ARM_VGIC_GRP_ADDR,
			v3 ? KVM_VGIC_V3_ADDR_TYPE_DIST : KVM_VGIC_V2_ADDR_TYPE_DIST, &gicd,
			"KVM_SET_DEVICE_ATTR (vgic distributor address)");
	if (!err)
		err = vgic_attr(vm, KVM_DEV_ARM_VGIC_GRP_ADDR,
				v3 ? KVM_VGIC_V3_ADDR_TYPE_REDIST : KVM_VGIC_V2_ADDR_TYPE_CPU, &gicr,
				v3 ? "KVM_SET_DEVICE_ATTR (vgic redistributor address)"
				   : "KVM_SET_DEVICE_ATTR (vgic CPU interface address)");
	if (!err)
		err = vgic_attr(vm, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL,
				"KVM_DEV_ARM_VGIC_CTRL_INIT");
	return err;
}

static int create_vcpu(struct bare_vm *vm, unsigned int i)
{
	struct kvm_vcpu_init init;
	const char *unsupported;
	int fd, err;

	fd = ioctl(vm->vm, KVM_CREATE_VCPU, (unsigned long)i);
	if (fd < 0)
		return fail(vm, "KVM_CREATE_VCPU");
	vm->vcpu_fd[i] = fd;
	if (ioctl(vm->vm, KVM_ARM_PREFERRED_TARGET, &init) < 0)
		return fail(vm, "KVM_ARM_PREFERRED_TARGET");
	init.features[0] |= 1U << KVM_ARM_VCPU_PSCI_0_2;
	unsupported = bare_vcpu_features(&init.features[0], vm->flags & BARE_AARCH32);
	if (unsupported) {
		vm->failed = unsupported;
		return -EINVAL;
	}
	if (ioctl(fd, KVM_ARM_VCPU_INIT, &init) < 0)
		return fail(vm, "KVM_ARM_VCPU_INIT");
	err = bare_vcpu_set_pc(vm, i, BARE_MEM_BASE);
	if (err)
		return err;
	vm->run[i] = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (vm->run[i] == MAP_FAILED) {
		vm->run[i] = NULL;
		return fail(vm, "mmap kvm_run");
	}
	return 0;
}

static int create(struct bare_vm *vm, const void *code, size_t code_bytes)
{
	unsigned int i;
	int run_size, err;

	vm->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm < 0) {
		vm->no_kvm = 1;
		return fail(vm, "/dev/kvm");
	}
	vm->vm = ioctl(vm->kvm, KVM_CREATE_VM, 0);
	if (vm->vm < 0)
		return fail(vm, "KVM_CREATE_VM");
	run_size = ioctl(vm->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < 0)
		return fail(vm, "KVM_GET_VCPU_MMAP_SIZE");
	vm->run_size = (size_t)run_size;
	vm->mem = mmap(NULL, BARE_MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm->mem == MAP_FAILED) {
		vm->mem = NULL;
		return fail(vm, "mmap guest memory");
	}
	memcpy(vm->mem, code, code_bytes);
	err = bare_vm_set_memory(vm, 0, BARE_MEM_BASE, BARE_MEM_SIZE, vm->mem);
	for (i = 0; !err && i < vm->nvcpus; i++)
		err = create_vcpu(vm, i);
	if (!err && (vm->flags & (BARE_VGIC_V3 | BARE_VGIC_V2)))
		err = create_vgic(vm);
	return err;
}

int bare_vm_create(struct bare_vm *vm, const void *code, size_t code_bytes, unsigned int nvcpus,
		   unsigned int flags)
{
	unsigned int i;
	int err;

	memset(vm, 0, sizeof(*vm));
	vm->kvm = vm->vm = vm->vgic = -1;
	for (i = 0; i < BARE_MAX_VCPUS; i++)
		vm->vcpu_fd[i] = -1;
	vm->nvcpus = nvcpus;
	vm->flags = flags;
	if (nvcpus < 1 || nvcpus > BARE_MAX_VCPUS || code_bytes > BARE_MEM_SIZE) {
		vm->failed = "bare_vm_create (vcpus or code size out of range)";
		return -EINVAL;
	}
	if ((flags & BARE_VGIC_V3) && bare_vgic_v3_unsupported()) {
		vm->failed = bare_vgic_v3_unsupported();
		return -EINVAL;
	}
	err = create(vm, code, code_bytes);
	if (err)
		bare_vm_destroy(vm);
	return err;
}

void bare_vm_destroy(struct bare_vm *vm)
{
	unsigned int i;

	for (i = 0; i < BARE_MAX_VCPUS; i++) {
		if (vm->run[i])
			munmap(vm->run[i], vm->run_size);
		if (vm->vcpu_fd[i] >= 0)
			close(vm->vcpu_fd[i]);
		vm->run[i] = NULL;
		vm->vcpu_fd[i] = -1;
	}
	if (vm->vgic >= 0)
		close(vm->vgic);
	if (vm->vm >= 0)
		close(vm->vm);
	if (vm->mem)
		munmap(vm->mem, BARE_MEM_SIZE);
	if (vm->kvm >= 0)
		close(vm->kvm);
	vm->vgic = vm->vm = vm->kvm = -1;
	vm->mem = NULL;
}

int bare_vcpu_run(struct bare_vm *vm, unsigned int vcpu)
{
	if (ioctl(vm->vcpu_fd[vcpu], KVM_RUN, 0) < 0)
		return fail(vm, "KVM_RUN");
	return 0;
}

int bare_vcpu_run_to_mmio(struct bare_vm *vm, unsigned int vcpu, uint64_t addr)
{
	struct kvm_run *run = vm->run[vcpu];
	int err = bare_vcpu_run(vm, vcpu);

	if (err)
		return err;
	if (run->exit_reason != KVM_EXIT_MMIO || run->mmio.phys_addr != addr) {
		vm->failed = "KVM_RUN: unexpected exit (not the MMIO access the guest should make)";
		return -EPROTO;
	}
	return 0;
}
