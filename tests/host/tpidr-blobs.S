/* SPDX-License-Identifier: GPL-2.0 */
/* The guest code of tpidr-check, assembled by the cross assemblers (see Makefile). */
	.section .rodata
	.balign 4
	.global tpidr_guest32, tpidr_guest32_end, tpidr_guest64, tpidr_guest64_end
tpidr_guest32:
	.incbin "tpidr-guest32.bin"
tpidr_guest32_end:
	.balign 4
tpidr_guest64:
	.incbin "tpidr-guest64.bin"
tpidr_guest64_end:
