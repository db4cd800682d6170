/* SPDX-License-Identifier: GPL-2.0 */
/* The guest code of hvc-count, assembled by the cross assembler (see Makefile). */
	.section .rodata
	.balign 4
	.global hvc_count_guest32, hvc_count_guest32_end
hvc_count_guest32:
	.incbin "hvc-count-guest32.bin"
hvc_count_guest32_end:
	.section .note.GNU-stack,"",%progbits
