/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What exit-cost.c and its guest code (guest-aarch64.S, guest-aarch32.S) agree on; included by
 * both, so plain #defines only.
 *
 * The guest code starts at BARE_MEM_BASE with a jump through its table of entries: each batch
 * ends with a store to the program (an MMIO exit), and the KVM_RUN that starts the next batch
 * first completes that store (KVM moves the PC past it), after which the guest jumps back to
 * the start. The program sets these registers (x on AArch64, r on AArch32) before each batch:
 *   4  the MMIO base: a store to +EC_MMIO_DONE ends the batch, +EC_MMIO_ERROR reports an
 *      unexpected exception (the vector's offset), +EC_MMIO_OP is mmio_user's read
 *   5  the number of operations of the batch (0: the empty batch, only its fixed part)
 *   6  the address the operation uses: mmio_user's and mmio_kernel's read, s2fault's first page,
 *      ipi's GICD_SGIR on a GICv2 (0 on a GICv3: the sender writes ICC_SGI1R)
 *   7  the data page (EC_DATA_*), shared with the other vcpu and the IRQ handler
 *   8  wfi: how far ahead the timer fires, in counter ticks
 *   9  the batch's entry (EC_ENTRY_*), read first; the operations may use it afterwards
 * The IRQ handler uses only registers 0-3 (and reads 7), so the code around it never keeps
 * a value there while interrupts are unmasked. KVM's PSCI handler writes 0-3 as well.
 *
 * The GIC: the arm64 host's VMs have a vgic-v3, whose CPU interface is system registers; the
 * legacy 32-bit host's have a vgic-v2 (its vexpress-a15 has a GICv2), whose CPU interface is a
 * page of MMIO (GICC_*) that KVM maps into stage 2 onto the hardware's GICV page, and whose
 * SGIs are sent by a store to the distributor's GICD_SGIR. The AArch32 guest does either, told
 * at run time by the program (EC_DATA_GICC, register 6): one guest binary and one entry table
 * for both hosts, so that types.c names one entry per vcpu whatever the host; and the GICv3
 * operations execute exactly the instructions they did before the GICv2 code existed: the
 * choice (a compare and a branch) is made once per batch, in its fixed part, which the cost
 * of an operation (the difference of two batches) leaves out, and the GICv2 code has its own
 * vector table and IRQ handler rather than a test in the GICv3 one. Separate GICv2 entries
 * would have done as well, at the price of an entry per host in every row of types.c. The
 * AArch64 guest runs on the arm64 host only and knows the GICv3 alone.
 */
#ifndef EXITLAB_EXIT_COST_GUEST_ABI_H
#define EXITLAB_EXIT_COST_GUEST_ABI_H

#define EC_ENTRY_HVC		0
#define EC_ENTRY_MMIO_USER	1
#define EC_ENTRY_MMIO_KERNEL	2
#define EC_ENTRY_SYSREG		3
#define EC_ENTRY_WFI		4
#define EC_ENTRY_IPI_SEND	5	/* vcpu 0 of ipi */
#define EC_ENTRY_IPI_RECEIVE	6	/* vcpu 1 of ipi */
#define EC_ENTRY_VIRQ		7
#define EC_ENTRY_S2FAULT	8

#define EC_MMIO_DONE		0x0
#define EC_MMIO_ERROR		0x10
#define EC_MMIO_OP		0x100

/* Words of the data page. */
#define EC_DATA_ACKS		0x0	/* interrupts the IRQ handler acknowledged */
#define EC_DATA_STOP		0x4	/* ipi: the receiver ends its batch when set */
#define EC_DATA_LAST_INTID	0x8	/* the last INTID the IRQ handler read */
#define EC_DATA_READY		0xc	/* ipi: the receiver takes interrupts */
#define EC_DATA_GICC		0x10	/* AArch32: the GICv2 CPU interface's address; 0: GICv3 */
#define EC_DATA_BYTES		0x14	/* what the program sets before each batch */

#define EC_SPURIOUS_INTID	1023
#define EC_VTIMER_INTID		27	/* KVM's default virtual timer PPI */
#define EC_IPI_INTID		1	/* the SGI ipi sends, as kvm-unit-tests' micro-bench */
/* ICC_SGI1R value: INTID EC_IPI_INTID to the vcpu of affinity 0.0.0.1 (target list bit 1). */
#define EC_IPI_SGI1R		((EC_IPI_INTID << 24) | 0x2)
/* GICD_SGIR value: INTID EC_IPI_INTID to the CPU interface of vcpu 1 (target list bit 1, filter 0). */
#define EC_IPI_SGIR		((0x2 << 16) | EC_IPI_INTID)
/* The GICv2 CPU interface's registers (offsets from EC_DATA_GICC) and its INTID field. */
#define EC_GICC_CTLR		0x0
#define EC_GICC_PMR		0x4
#define EC_GICC_IAR		0xc
#define EC_GICC_EOIR		0x10
#define EC_GICC_INTID_BITS	10	/* GICC_IAR bits 12:10 hold an SGI's source CPU */

#define EC_PSCI_VERSION		0x84000000	/* PSCI_VERSION, an SMC32 fast call */

#endif
