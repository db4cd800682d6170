/* SPDX-License-Identifier: GPL-2.0 */
/* exit-cost's guest code, assembled by the cross assemblers (see Makefile). */
	.section .rodata
	.balign 4
	.global exit_cost_guest32, exit_cost_guest32_end, exit_cost_guest64, exit_cost_guest64_end
exit_cost_guest32:
	.incbin "guest-aarch32.bin"
exit_cost_guest32_end:
	.balign 4
exit_cost_guest64:
	.incbin "guest-aarch64.bin"
exit_cost_guest64_end:
	.section .note.GNU-stack,"",%progbits
