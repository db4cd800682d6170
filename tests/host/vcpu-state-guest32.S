/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vcpu-state-check's AArch32 guest (SVC mode, MMU off, loaded at BARE_MEM_BASE). Each
 * iteration writes fresh values to TPIDRURO, TPIDRPRW and TPIDRURW - where ARMv7 SMP Linux
 * keeps `current`, the per-cpu offset and the user TLS - and to SPSR_svc (the saved user PSR
 * of a system call), leaves the guest with a hypercall (a world switch), spins (host timer
 * interrupts, and so deschedules, land here), and reads them back. A mismatch is reported
 * with three stores to the MMIO page: the value read (+4), the value written (+8) and which
 * register (+12: 1 TPIDRURO, 2 TPIDRPRW, 3 TPIDRURW, 4 SPSR_svc). Every (r10 + 1)th
 * iteration stores the iteration count to +0: a progress exit to user space.
 * Set by the host: r4 MMIO base, r8 tag (unique per VM), r9 spin count (>= 1), r10 mask.
 * PSCI_VERSION in r0: KVM answers in the kernel and overwrites r0-r3; lr holds the SPSR
 * value written (no stack here).
 */
	.arm
	.syntax unified
	.text
	.global _start
_start:
	mov	r7, #0
1:	add	r7, r7, #1
	add	r5, r8, r7
	eor	r11, r5, #0x5a000000
	eor	r12, r5, #0xa5000000
	mcr	p15, 0, r5, c13, c0, 3		@ TPIDRURO
	mcr	p15, 0, r11, c13, c0, 4		@ TPIDRPRW
	mcr	p15, 0, r12, c13, c0, 2		@ TPIDRURW
	and	r0, r7, #0xff			@ SPSR_svc: a user-mode PSR whose
	lsl	lr, r0, #28			@ NZCV and GE bits count iterations
	and	r0, r0, #0xf0
	orr	lr, lr, r0, lsl #12
	orr	lr, lr, #0x10
	msr	spsr_fsxc, lr
	mov	r0, #0x84000000			@ PSCI_VERSION
	hvc	#0
	mov	r6, r9
2:	subs	r6, r6, #1
	bne	2b
	mrc	p15, 0, r0, c13, c0, 3
	mov	r1, r5
	mov	r2, #1
	cmp	r0, r1
	bne	3f
	mrc	p15, 0, r0, c13, c0, 4
	mov	r1, r11
	mov	r2, #2
	cmp	r0, r1
	bne	3f
	mrc	p15, 0, r0, c13, c0, 2
	mov	r1, r12
	mov	r2, #3
	cmp	r0, r1
	bne	3f
	mrs	r0, spsr
	mov	r1, lr
	mov	r2, #4
	cmp	r0, r1
	bne	3f
	tst	r7, r10
	bne	1b
	str	r7, [r4]
	b	1b
3:	str	r0, [r4, #4]
	str	r1, [r4, #8]
	str	r2, [r4, #12]
	b	1b
