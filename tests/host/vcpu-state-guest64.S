/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vcpu-state-check's AArch64 guest: the same loop as vcpu-state-guest32.S with the AArch64
 * registers (TPIDRRO_EL0, TPIDR_EL1, TPIDR_EL0, SPSR_EL1). Set by the host: x4 MMIO base,
 * x8 tag, x9 spin count (>= 1), x10 mask. KVM's PSCI handler overwrites x0-x3.
 */
	.text
	.global _start
_start:
	mov	x7, #0
1:	add	x7, x7, #1
	add	x5, x8, x7
	mvn	x11, x5
	eor	x12, x5, #0xff00ff00ff00ff00
	msr	tpidrro_el0, x5
	msr	tpidr_el1, x11
	msr	tpidr_el0, x12
	and	x0, x7, #0xff			// SPSR_EL1: an EL0t PSR whose NZCV
	lsl	x13, x0, #28			// bits and low bits count iterations
	and	x0, x0, #0xf0
	orr	x13, x13, x0, lsl #4
	msr	spsr_el1, x13
	mov	w0, #0x84000000
	hvc	#0
	mov	x6, x9
2:	subs	x6, x6, #1
	b.ne	2b
	mrs	x0, tpidrro_el0
	mov	x1, x5
	mov	x2, #1
	cmp	x0, x1
	b.ne	3f
	mrs	x0, tpidr_el1
	mov	x1, x11
	mov	x2, #2
	cmp	x0, x1
	b.ne	3f
	mrs	x0, tpidr_el0
	mov	x1, x12
	mov	x2, #3
	cmp	x0, x1
	b.ne	3f
	mrs	x0, spsr_el1
	mov	x1, x13
	mov	x2, #4
	cmp	x0, x1
	b.ne	3f
	tst	x7, x10
	b.ne	1b
	str	w7, [x4]
	b	1b
3:	str	w0, [x4, #4]
	str	w1, [x4, #8]
	str	w2, [x4, #12]
	b	1b
