/* SPDX-License-Identifier: GPL-2.0 */
/* The guest code of vcpu-state-check, assembled by the cross assemblers (see Makefile). */
	.section .rodata
	.balign 4
	.global vcpu_state_guest32, vcpu_state_guest32_end, vcpu_state_guest64, vcpu_state_guest64_end
vcpu_state_guest32:
	.incbin "vcpu-state-guest32.bin"
vcpu_state_guest32_end:
	.balign 4
vcpu_state_guest64:
	.incbin "vcpu-state-guest64.bin"
vcpu_state_guest64_end:
