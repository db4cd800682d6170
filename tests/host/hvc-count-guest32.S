/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvc-count's AArch32 guest (SVC mode, MMU off, loaded at BARE_MEM_BASE): r5 hypercalls
 * (PSCI_VERSION in r0: KVM answers in the kernel and overwrites r0-r3 only), then one store of
 * the remaining count (0) to the MMIO address in r4: the exit to user space that ends the run.
 */
	.arm
	.syntax unified
	.text
	.global _start
_start:
	cmp	r5, #0
	beq	2f
1:	mov	r0, #0x84000000			@ PSCI_VERSION
	hvc	#0
	subs	r5, r5, #1
	bne	1b
2:	str	r5, [r4]
	b	2b
