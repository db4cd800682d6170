/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exit-cost's AArch64 guest: one entry per operation type (guest-abi.h has the registers the
 * program sets). Each runs x5 operations, then stores to the program's MMIO page: the end of
 * the batch. The MMU is off (data accesses are Device-nGnRnE), no stack is used. Where
 * kvm-unit-tests' arm/micro-bench has the operation, it is done the same way (noted below).
 */
#include "guest-abi.h"

/* GICv3 CPU interface (the vgic's virtual one: these accesses do not trap). */
#define ICC_PMR_EL1	S3_0_C4_C6_0
#define ICC_IAR1_EL1	S3_0_C12_C12_0
#define ICC_EOIR1_EL1	S3_0_C12_C12_1
#define ICC_SGI1R_EL1	S3_0_C12_C11_5
#define ICC_IGRPEN1_EL1	S3_0_C12_C12_7

	.text
	.global _start
_start:
dispatch:				/* to entry x9 (a local label: the .bin has no relocations) */
	adr	x10, entries
	add	x10, x10, x9, lsl #2
	br	x10
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

done:	str	wzr, [x4, #EC_MMIO_DONE]
	b	dispatch		/* the next batch */

/* Vectors, priority mask open, group 1 on: the guest can take the vgic's interrupts. */
.macro gic_cpu_init
	adr	x0, vectors
	msr	vbar_el1, x0
	mov	x0, #0xff
	msr	ICC_PMR_EL1, x0
	mov	x0, #1
	msr	ICC_IGRPEN1_EL1, x0
	isb
.endm

/* micro-bench's hvc_exec, with PSCI_VERSION (KVM answers in the kernel). */
hvc_entry:
	cbz	x5, done
1:	mov	w0, #EC_PSCI_VERSION
	hvc	#0
	subs	x5, x5, #1
	b.ne	1b
	b	done

/* micro-bench's mmio_read_user_exec: a read nothing backs, completed by the program. */
mmio_user_entry:
	cbz	x5, done
1:	ldr	w10, [x6]
	subs	x5, x5, #1
	b.ne	1b
	b	done

/* micro-bench's mmio_read_vgic_exec: GICD_IIDR of the in-kernel distributor. */
mmio_kernel_entry:
	cbz	x5, done
1:	ldr	w10, [x6]
	subs	x5, x5, #1
	b.ne	1b
	b	done

/* An ID register: trapped by HCR_EL2.TID3, emulated by KVM's sys_regs.c. */
sysreg_entry:
	cbz	x5, done
1:	mrs	x10, id_aa64mmfr0_el1
	subs	x5, x5, #1
	b.ne	1b
	b	done

/*
 * The virtual timer set x8 ticks ahead, WFI: KVM blocks the vcpu until the timer expires. The
 * guest takes the timer's interrupt when it is back (the IRQ handler turns the timer off and
 * EOIs), as an idle guest would; an interrupt left pending, even masked, would make the next
 * WFI complete at once without trapping (WFI traps only when it would wait).
 *
 * IRQs stay masked except at one point after the WFI, as kvm-unit-tests waits: a WFI wakes
 * on a pending interrupt whether or not it is masked. With IRQs unmasked, a timer that fired
 * before the WFI (a host interrupt kept the vcpu out past the wait) was taken before it, and
 * the WFI then waited for good: the handler had turned the timer off. Now such a WFI
 * completes at once (no trap: the run is disturbed, see measure.c). The loop waits while
 * fewer interrupts were acknowledged than operations began (unsigned lower), so that an
 * extra interrupt cannot make it wait for one that never comes.
 */
wfi_entry:
	gic_cpu_init
	ldr	w9, [x7, #EC_DATA_ACKS]
	cbz	x5, 3f
1:	add	w9, w9, #1
	mrs	x10, cntvct_el0
	add	x10, x10, x8
	msr	cntv_cval_el0, x10
	mov	x10, #1
	msr	cntv_ctl_el0, x10
	isb
2:	wfi
	msr	daifclr, #2		/* the pending interrupt is taken here */
	isb
	msr	daifset, #2
	ldr	w10, [x7, #EC_DATA_ACKS]
	cmp	w10, w9
	b.lo	2b			/* woken before the timer's interrupt: wait again */
	subs	x5, x5, #1
	b.ne	1b
3:	b	done

/*
 * micro-bench's ipi_exec: SGI EC_IPI_INTID to vcpu 1, then wait until its handler counted
 * it. At the end the stop flag. YIELD, a hint the hardware may ignore, makes the emulator's
 * round-robin (-icount runs the host's CPUs in turns) hand over to vcpu 1's CPU at once.
 */
ipi_send_entry:
	ldr	w9, [x7, #EC_DATA_ACKS]
	mov	x11, #(EC_IPI_SGI1R & 0xffff)
	movk	x11, #(EC_IPI_SGI1R >> 16), lsl #16
	cbz	x5, 4f
1:	add	w9, w9, #1
	msr	ICC_SGI1R_EL1, x11
	isb
2:	ldr	w10, [x7, #EC_DATA_ACKS]
	cmp	w10, w9
	b.eq	3f
	yield
	b	2b
3:	subs	x5, x5, #1
	b.ne	1b
4:	mov	w10, #1
	str	w10, [x7, #EC_DATA_STOP]
	b	done

/* ipi's vcpu 1 (micro-bench's gic_secondary_entry): IRQs on, ready, spin until stopped. */
ipi_receive_entry:
	gic_cpu_init
	msr	daifclr, #2
	mov	w10, #1
	str	w10, [x7, #EC_DATA_READY]
1:	yield
	ldr	w10, [x7, #EC_DATA_STOP]
	cbz	w10, 1b
	msr	daifset, #2
	b	done

/*
 * The virtual timer with a compare value of 0: enabling it makes it fire at once; the IRQ
 * handler turns it off and EOIs (micro-bench's timer test fires it 10 ms ahead instead).
 */
virq_entry:
	gic_cpu_init
	msr	cntv_cval_el0, xzr
	ldr	w9, [x7, #EC_DATA_ACKS]
	msr	daifclr, #2
	cbz	x5, 3f
1:	add	w9, w9, #1
	mov	x10, #1
	msr	cntv_ctl_el0, x10
	isb
2:	ldr	w10, [x7, #EC_DATA_ACKS]
	cmp	w10, w9
	b.ne	2b
	subs	x5, x5, #1
	b.ne	1b
3:	msr	daifset, #2
	b	done

/* One write to each of x5 pages from x6 on, each the page's first access. */
s2fault_entry:
	cbz	x5, done
	mov	x10, x6
1:	str	wzr, [x10]
	add	x10, x10, #4096
	subs	x5, x5, #1
	b.ne	1b
	b	done

/*
 * The IRQ handler (micro-bench's gic_irq_handler): acknowledge, turn the virtual timer off
 * if it was the timer, EOI (which also deactivates: EOImode 0), count in memory. Uses x0-x1.
 */
irq_handler:
	mrs	x0, ICC_IAR1_EL1
	str	w0, [x7, #EC_DATA_LAST_INTID]
	cmp	w0, #EC_SPURIOUS_INTID
	b.eq	2f
	cmp	w0, #EC_VTIMER_INTID
	b.ne	1f
	msr	cntv_ctl_el0, xzr
	isb
1:	msr	ICC_EOIR1_EL1, x0
	ldr	w1, [x7, #EC_DATA_ACKS]
	add	w1, w1, #1
	str	w1, [x7, #EC_DATA_ACKS]
2:	eret

/* Any other exception: report the vector's offset and ESR_EL1 to the program. */
unexpected:
	mrs	x1, esr_el1
	str	w1, [x4, #EC_MMIO_ERROR + 4]
	str	w0, [x4, #EC_MMIO_ERROR]
	b	unexpected

.macro vector offset
	.balign	0x80
	.if \offset == 0x280
	b	irq_handler		/* IRQ, current EL with SP_ELx */
	.else
	mov	w0, #\offset
	b	unexpected
	.endif
.endm

	.balign	2048
vectors:
	.irp	off, 0x000, 0x080, 0x100, 0x180, 0x200, 0x280, 0x300, 0x380, 0x400, 0x480, 0x500, 0x580, 0x600, 0x680, 0x700, 0x780
	vector	\off
	.endr
