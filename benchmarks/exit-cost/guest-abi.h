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
 *   6  the address the operation uses: mmio_user's and mmio_kernel's read, s2fault's first page
 *   7  the data page (EC_DATA_*), shared with the other vcpu and the IRQ handler
 *   8  wfi: how far ahead the timer fires, in counter ticks
 *   9  the batch's entry (EC_ENTRY_*), read first; the operations may use it afterwards
 * The IRQ handler uses only registers 0-3 (and reads 7), so the code around it never keeps
 * a value there while interrupts are unmasked. KVM's PSCI handler writes 0-3 as well.
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

#define EC_SPURIOUS_INTID	1023
#define EC_VTIMER_INTID		27	/* KVM's default virtual timer PPI */
#define EC_IPI_INTID		1	/* the SGI ipi sends, as kvm-unit-tests' micro-bench */
/* ICC_SGI1R value: INTID EC_IPI_INTID to the vcpu of affinity 0.0.0.1 (target list bit 1). */
#define EC_IPI_SGI1R		((EC_IPI_INTID << 24) | 0x2)

#define EC_PSCI_VERSION		0x84000000	/* PSCI_VERSION, an SMC32 fast call */

#endif
