// SPDX-License-Identifier: GPL-2.0
/*
 * The exit types, as data: what one operation is (the guest code is guest-aarch64.S and
 * guest-aarch32.S) and the KVM statistics it must move. Names as kvm-unit-tests' arm
 * micro-bench has them where it has the type (hvc; mmio_read_user and mmio_read_vgic are
 * mmio_user and mmio_kernel here).
 *
 * Every batch ends with one MMIO store to the program (mmio_exit_user and exits +1 on each
 * vcpu that runs). irq_exits_per_op counts the operation's exits that are host interrupts
 * (virq: the timer's; ipi: the kick of vcpu 1), which /proc/interrupts shows as well.
 *
 * On the legacy 32-bit host (Linux 5.4 on a vexpress-a15, ./run-host.sh --host-arch arm) the
 * VM has an in-kernel GICv2 instead (mmio_kernel reads its distributor's GICD_IIDR; the guest's
 * CPU interface is KVM's GICV page, mapped into stage 2, which does not exit) and only
 * AArch32 vcpus; a type that cannot run there says why (legacy_skip). Where a type's counters
 * differ between the hosts, its lines say on which host they hold (EC_HOST_*): ipi's SGI is a
 * trapped system register write on a GICv3 (no counter but exits) and an in-kernel MMIO write
 * of GICD_SGIR on a GICv2 (mmio_exit_kernel); Linux 5.4's 32-bit KVM has no halt_wakeup
 * statistic (arch/arm/kvm/guest.c debugfs_entries: hvc_exit_stat, wfe_exit_stat,
 * wfi_exit_stat, mmio_exit_user, mmio_exit_kernel, exits), and its statistics are the VM's
 * debugfs sums, so that ipi's two vcpus are checked together there (measure.c).
 */
#include "exit-cost.h"
#include "guest-abi.h"

/* A line of expectations (struct ec_expect) that holds on both hosts, or on HOST only. */
#define BOTH(stat, vcpu, per_op, per_batch) { stat, vcpu, per_op, per_batch, EC_HOST_ARM64 | EC_HOST_LEGACY }
#define ONLY(host, stat, vcpu, per_op, per_batch) { stat, vcpu, per_op, per_batch, host }

const struct ec_type ec_types[] = {
	{ "hvc", "an in-kernel hypercall (PSCI_VERSION): KVM's PSCI handler answers",
	  1, { EC_ENTRY_HVC }, 0, 0, 0,
	  { BOTH("exits", 0, 1, 1), BOTH("hvc_exit_stat", 0, 1, 0), BOTH("mmio_exit_user", 0, 0, 1) }, NULL },
	{ "mmio_user", "a 32-bit read of an address no memory slot holds: an exit to user space, "
	  "completed by the program",
	  1, { EC_ENTRY_MMIO_USER }, 0, 0, 0,
	  { BOTH("exits", 0, 1, 1), BOTH("mmio_exit_user", 0, 1, 1) }, NULL },
	{ "mmio_kernel", "a 32-bit read of the in-kernel vgic-v3 (32-bit host: vgic-v2) distributor's GICD_IIDR",
	  1, { EC_ENTRY_MMIO_KERNEL }, 0, 0, 0,
	  { BOTH("exits", 0, 1, 1), BOTH("mmio_exit_kernel", 0, 1, 0), BOTH("mmio_exit_user", 0, 0, 1) }, NULL },
	{ "sysreg", "a read of an ID register trapped by HCR_EL2.TID3 and emulated by KVM "
	  "(ID_AA64MMFR0_EL1; AArch32: ID_MMFR0)",
	  1, { EC_ENTRY_SYSREG }, 0, 0, 0,
	  { BOTH("exits", 0, 1, 1), BOTH("mmio_exit_user", 0, 0, 1) },
	  .legacy_skip = "ID_MMFR0 is not trapped by the 32-bit host's KVM (Linux 5.4's "
	  "arch/arm/include/asm/kvm_arm.h HCR_GUEST_MASK has no TID3)" },
	{ "wfi", "a trapped WFI with the virtual timer about to fire: KVM blocks the vcpu, the "
	  "timer wakes it, the guest takes the timer's interrupt; the wait itself is subtracted",
	  1, { EC_ENTRY_WFI }, 0, 1, 1,
	  { BOTH("exits", 0, 1, 1), BOTH("wfi_exit_stat", 0, 1, 0),
	    ONLY(EC_HOST_ARM64, "halt_wakeup", 0, 1, 0), BOTH("mmio_exit_user", 0, 0, 1) }, NULL },
	{ "ipi", "an SGI from vcpu 0 (ICC_SGI1R write, trapped; GICv2: a GICD_SGIR write, an "
	  "in-kernel MMIO exit) to vcpu 1 spinning in the guest (KVM kicks it out with a host IPI), "
	  "until vcpu 1's IRQ handler acknowledged it in memory",
	  2, { EC_ENTRY_IPI_SEND, EC_ENTRY_IPI_RECEIVE }, 1, 0, 0,
	  { BOTH("exits", 0, 1, 1), ONLY(EC_HOST_LEGACY, "mmio_exit_kernel", 0, 1, 0),
	    BOTH("mmio_exit_user", 0, 0, 1),
	    BOTH("exits", 1, 1, 1), BOTH("mmio_exit_user", 1, 0, 1) }, NULL },
	{ "virq", "the virtual timer's interrupt: it fires in the guest (a host IRQ exit), KVM "
	  "injects it, the guest takes it and EOIs",
	  1, { EC_ENTRY_VIRQ }, 1, 0, 0,
	  { BOTH("exits", 0, 1, 1), BOTH("mmio_exit_user", 0, 0, 1) }, NULL },
	{ "s2fault", "the first write to a page of guest memory: a stage-2 fault, KVM maps the "
	  "page (already populated on the host side)",
	  1, { EC_ENTRY_S2FAULT }, 0, 0, 0,
	  { BOTH("exits", 0, 1, 1), BOTH("mmio_exit_user", 0, 0, 1) }, NULL },
};

const unsigned int ec_ntypes = sizeof(ec_types) / sizeof(ec_types[0]);
