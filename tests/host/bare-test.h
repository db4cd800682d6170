/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host test programs' use of tools/bare-vcpu: like KVM selftests, a test ends on the first
 * failing KVM call (a message naming it, exit 1; exit 77, a skip, when /dev/kvm is missing).
 * This is the exception to "only main() exits": the tests have nothing to clean up and no
 * way to go on, and it keeps their checks readable. Programs of the main path
 * (benchmarks/exit-cost) handle the errors themselves.
 */
#ifndef EXITLAB_BARE_TEST_H
#define EXITLAB_BARE_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bare-vcpu.h"

static inline void bare_must(const char *prog, struct bare_vm *vm, int err)
{
	if (!err)
		return;
	if (vm->no_kvm) {
		printf("SKIP %s: /dev/kvm: %s\n", prog, strerror(-err));
		exit(77);
	}
	fprintf(stderr, "%s: %s: %s\n", prog, vm->failed, strerror(-err));
	exit(1);
}

#endif
