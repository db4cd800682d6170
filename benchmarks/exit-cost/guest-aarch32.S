/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exit-cost's AArch32 guest: guest-aarch64.S's operations in A32 (r registers, the generic
 * timer through CP15). Starts in SVC mode; the IRQ handlers run in IRQ mode and use r0-r3.
 * Its GIC is either the arm64 host's vgic-v3 (the CPU interface through CP15, ICC_*) or the
 * legacy 32-bit host's vgic-v2 (the GICC page, the distributor's GICD_SGIR), as the program
 * says (EC_DATA_GICC, register 6; guest-abi.h says why at run time): gic_cpu_init picks the
 * vectors (irq_handler or irq_handler_v2) and ipi's sender its loop, once per batch.
 */
#include "guest-abi.h"

	.arm
	.text
	.global _start
_start:
dispatch:				/* to entry r9 (a local label: the .bin has no relocations) */
	adr	r10, entries
	add	r10, r10, r9, lsl #2
	bx	r10
entries:				/* in EC_ENTRY_* order */
	b	hvc_entry
	b	mmio_user_entry
	b	mmio_kernel_entry
	b	sysreg_entry
	b	wfi_entry
	b	ipi_send_entry
	b	ipi_receive_entry
	b	virq_entry
	b	s2fault_entry

done:	mov	r10, #0
	str	r10, [r4, #EC_MMIO_DONE]
	b	dispatch			/* the next batch */

/*
 * Vectors, priority mask open, the interrupts' group on: the guest can take the vgic's
 * interrupts. GICv2 (EC_DATA_GICC not 0): its CPU interface at that address, the vgic-v2's
 * GICV page mapped by KVM (vgic_v2_map_resources), so these stores do not exit; KVM's vgic-v2
 * makes every interrupt group 0 (vgic_init), hence EnableGrp0. Uses r0-r1.
 */
.macro gic_cpu_init
	ldr	r0, [r7, #EC_DATA_GICC]
	cmp	r0, #0
	bne	8f
	adr	r0, vectors
	mcr	p15, 0, r0, c12, c0, 0		/* VBAR */
	mov	r0, #0xff
	mcr	p15, 0, r0, c4, c6, 0		/* ICC_PMR */
	mov	r0, #1
	mcr	p15, 0, r0, c12, c12, 7		/* ICC_IGRPEN1 */
	b	9f
8:	adr	r1, vectors_v2
	mcr	p15, 0, r1, c12, c0, 0		/* VBAR */
	mov	r1, #0xff
	str	r1, [r0, #EC_GICC_PMR]
	mov	r1, #1
	str	r1, [r0, #EC_GICC_CTLR]		/* EnableGrp0 */
9:	isb
.endm

hvc_entry:
	cmp	r5, #0
	beq	done
1:	mov	r0, #EC_PSCI_VERSION
	hvc	#0
	subs	r5, r5, #1
	bne	1b
	b	done

mmio_user_entry:
	cmp	r5, #0
	beq	done
1:	ldr	r10, [r6]
	subs	r5, r5, #1
	bne	1b
	b	done

mmio_kernel_entry:
	cmp	r5, #0
	beq	done
1:	ldr	r10, [r6]
	subs	r5, r5, #1
	bne	1b
	b	done

/* ID_MMFR0: trapped by HCR_EL2.TID3, emulated by KVM (kvm_emulate_cp15_id_reg). */
sysreg_entry:
	cmp	r5, #0
	beq	done
1:	mrc	p15, 0, r10, c0, c1, 4
	subs	r5, r5, #1
	bne	1b
	b	done

wfi_entry:
	gic_cpu_init
	ldr	r9, [r7, #EC_DATA_ACKS]
	cmp	r5, #0
	beq	3f
1:	add	r9, r9, #1
	mrrc	p15, 1, r10, r11, c14		/* CNTVCT */
	adds	r10, r10, r8
	adc	r11, r11, #0
	mcrr	p15, 3, r10, r11, c14		/* CNTV_CVAL */
	mov	r10, #1
	mcr	p15, 0, r10, c14, c3, 1		/* CNTV_CTL: enabled */
	isb
2:	wfi					/* IRQs masked: see guest-aarch64.S */
	cpsie	i				/* the pending interrupt is taken here */
	isb
	cpsid	i
	ldr	r10, [r7, #EC_DATA_ACKS]
	cmp	r10, r9
	blo	2b
	subs	r5, r5, #1
	bne	1b
3:	b	done

ipi_send_entry:
	ldr	r9, [r7, #EC_DATA_ACKS]
	cmp	r6, #0
	bne	ipi_send_v2
	movw	r11, #(EC_IPI_SGI1R & 0xffff)
	movt	r11, #(EC_IPI_SGI1R >> 16)
	mov	r12, #0
	cmp	r5, #0
	beq	ipi_stop
1:	add	r9, r9, #1
	mcrr	p15, 0, r11, r12, c12		/* ICC_SGI1R */
	isb
2:	ldr	r10, [r7, #EC_DATA_ACKS]
	cmp	r10, r9
	beq	3f
	yield
	b	2b
3:	subs	r5, r5, #1
	bne	1b
ipi_stop:
	mov	r10, #1
	str	r10, [r7, #EC_DATA_STOP]
	b	done

/* GICv2: the SGI is a store to the distributor's GICD_SGIR (r6), an MMIO exit that KVM's
 * vgic-v2 handles in the kernel (vgic_mmio_write_sgir); otherwise the same loop. */
ipi_send_v2:
	movw	r11, #(EC_IPI_SGIR & 0xffff)
	movt	r11, #(EC_IPI_SGIR >> 16)
	cmp	r5, #0
	beq	ipi_stop
1:	add	r9, r9, #1
	str	r11, [r6]
2:	ldr	r10, [r7, #EC_DATA_ACKS]
	cmp	r10, r9
	beq	3f
	yield
	b	2b
3:	subs	r5, r5, #1
	bne	1b
	b	ipi_stop

ipi_receive_entry:
	gic_cpu_init
	cpsie	i
	mov	r10, #1
	str	r10, [r7, #EC_DATA_READY]
1:	yield
	ldr	r10, [r7, #EC_DATA_STOP]
	cmp	r10, #0
	beq	1b
	cpsid	i
	b	done

virq_entry:
	gic_cpu_init
	mov	r10, #0
	mov	r11, #0
	mcrr	p15, 3, r10, r11, c14		/* CNTV_CVAL = 0 */
	ldr	r9, [r7, #EC_DATA_ACKS]
	cpsie	i
	cmp	r5, #0
	beq	3f
1:	add	r9, r9, #1
	mov	r10, #1
	mcr	p15, 0, r10, c14, c3, 1
	isb
2:	ldr	r10, [r7, #EC_DATA_ACKS]
	cmp	r10, r9
	bne	2b
	subs	r5, r5, #1
	bne	1b
3:	cpsid	i
	b	done

s2fault_entry:
	cmp	r5, #0
	beq	done
	mov	r10, r6
	mov	r11, #0
1:	str	r11, [r10]
	add	r10, r10, #4096
	subs	r5, r5, #1
	bne	1b
	b	done

irq_handler:
	mrc	p15, 0, r0, c12, c12, 0		/* ICC_IAR1 */
	str	r0, [r7, #EC_DATA_LAST_INTID]
	movw	r1, #EC_SPURIOUS_INTID
	cmp	r0, r1
	beq	2f
	cmp	r0, #EC_VTIMER_INTID
	bne	1f
	mov	r1, #0
	mcr	p15, 0, r1, c14, c3, 1		/* CNTV_CTL: off */
	isb
1:	mcr	p15, 0, r0, c12, c12, 1		/* ICC_EOIR1 */
	ldr	r1, [r7, #EC_DATA_ACKS]
	add	r1, r1, #1
	str	r1, [r7, #EC_DATA_ACKS]
2:	subs	pc, lr, #4

/*
 * GICv2's IRQ handler: irq_handler's steps through the CPU interface at EC_DATA_GICC. GICC_IAR
 * holds an SGI's source CPU above the INTID; GICC_EOIR takes the value as read.
 */
irq_handler_v2:
	ldr	r2, [r7, #EC_DATA_GICC]
	ldr	r0, [r2, #EC_GICC_IAR]
	ubfx	r1, r0, #0, #EC_GICC_INTID_BITS
	str	r1, [r7, #EC_DATA_LAST_INTID]
	movw	r3, #EC_SPURIOUS_INTID
	cmp	r1, r3
	beq	2f
	cmp	r1, #EC_VTIMER_INTID
	bne	1f
	mov	r1, #0
	mcr	p15, 0, r1, c14, c3, 1		/* CNTV_CTL: off */
	isb
1:	str	r0, [r2, #EC_GICC_EOIR]
	ldr	r1, [r7, #EC_DATA_ACKS]
	add	r1, r1, #1
	str	r1, [r7, #EC_DATA_ACKS]
2:	subs	pc, lr, #4

/* Any other exception: the vector's offset and the mode's LR to the program. */
unexpected:
	str	lr, [r4, #EC_MMIO_ERROR + 4]
	str	r0, [r4, #EC_MMIO_ERROR]
	b	unexpected

	.balign	32
vectors:
	b	1f				/* reset */
	b	2f				/* undefined instruction */
	b	3f				/* SVC */
	b	4f				/* prefetch abort */
	b	5f				/* data abort */
	b	6f				/* (hyp trap, unused) */
	b	irq_handler
	b	7f				/* FIQ */
1:	mov	r0, #0x00
	b	unexpected
2:	mov	r0, #0x04
	b	unexpected
3:	mov	r0, #0x08
	b	unexpected
4:	mov	r0, #0x0c
	b	unexpected
5:	mov	r0, #0x10
	b	unexpected
6:	mov	r0, #0x14
	b	unexpected
7:	mov	r0, #0x1c
	b	unexpected

	.balign	32
vectors_v2:				/* the GICv2 code's: vectors' entries but the IRQ */
	.irp	off, 0x00, 0x04, 0x08, 0x0c, 0x10, 0x14
	b	vectors + \off
	.endr
	b	irq_handler_v2
	b	vectors + 0x1c
