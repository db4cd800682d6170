// SPDX-License-Identifier: GPL-2.0
/* exit-cost's view of the host: a vcpu's KVM_RUN loop, and the host's interrupt counts. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arch.h"
#include "exit-cost.h"
#include "guest-abi.h"

#ifndef sigev_notify_thread_id		/* glibc 2.36 has SIGEV_THREAD_ID, not this name */
#define sigev_notify_thread_id _sigev_un._tid
#endif

/* The watchdog: a CLOCK_MONOTONIC timer that signals the thread running the batch, so that
 * a guest that never ends its batch (a WFI nothing wakes) makes KVM_RUN return EINTR and
 * the program fail with what it knows, rather than hang. One batch at a time. */
static volatile sig_atomic_t watchdog_fired;
static timer_t watchdog;
static int watchdog_made;

static void on_watchdog(int sig)
{
	(void)sig;
	watchdog_fired = 1;
}

int ec_watchdog_arm(unsigned int seconds)
{
	struct itimerspec its = { .it_value = { .tv_sec = seconds } };
	struct sigaction sa = { .sa_handler = on_watchdog };	/* no SA_RESTART */
	struct sigevent ev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGALRM };

	watchdog_fired = 0;
	if (!seconds)
		return 0;
	if (!watchdog_made) {
		if (sigaction(SIGALRM, &sa, NULL) < 0) {
			fprintf(stderr, "%s: sigaction SIGALRM: %s\n", PROG, strerror(errno));
			return -errno;
		}
		ev.sigev_notify_thread_id = gettid();
		if (timer_create(CLOCK_MONOTONIC, &ev, &watchdog) < 0) {
			fprintf(stderr, "%s: timer_create: %s\n", PROG, strerror(errno));
			return -errno;
		}
		watchdog_made = 1;
	}
	if (timer_settime(watchdog, 0, &its, NULL) < 0) {
		fprintf(stderr, "%s: timer_settime: %s\n", PROG, strerror(errno));
		return -errno;
	}
	return 0;
}

void ec_watchdog_disarm(void)
{
	struct itimerspec off = { 0 };

	if (watchdog_made)
		timer_settime(watchdog, 0, &off, NULL);
}

int ec_run_vcpu(struct bare_vm *vm, unsigned int vcpu, const char *who)
{
	struct kvm_run *run = vm->run[vcpu];
	uint32_t detail = 0;
	uint64_t off;
	int err;

	for (;;) {
		err = bare_vcpu_run(vm, vcpu);
		if (err == -EINTR && watchdog_fired)
			return -ETIMEDOUT;
		if (err == -EINTR)
			continue;
		if (err) {
			fprintf(stderr, "%s: %s: vcpu %u: %s: %s\n", PROG, who, vcpu, vm->failed, strerror(-err));
			return err;
		}
		if (run->exit_reason != KVM_EXIT_MMIO || run->mmio.phys_addr < BARE_MMIO_ADDR)
			break;
		off = run->mmio.phys_addr - BARE_MMIO_ADDR;
		if (off == EC_MMIO_DONE && run->mmio.is_write)
			return 0;
		if (off == EC_MMIO_OP && !run->mmio.is_write) {
			memset(run->mmio.data, 0, sizeof(run->mmio.data));
			continue;
		}
		if (off == EC_MMIO_ERROR + 4 && run->mmio.is_write) {
			memcpy(&detail, run->mmio.data, sizeof(detail));
			continue;
		}
		if (off == EC_MMIO_ERROR && run->mmio.is_write) {
			uint32_t vector = 0;

			memcpy(&vector, run->mmio.data, sizeof(vector));
			fprintf(stderr, "%s: %s: vcpu %u: the guest took an unexpected exception: vector "
				"offset 0x%x, ESR_EL1 (AArch32: the mode's LR) 0x%x\n", PROG, who, vcpu,
				vector, detail);
			return -EPROTO;
		}
		break;
	}
	fprintf(stderr, "%s: %s: vcpu %u: unexpected exit: reason %u", PROG, who, vcpu, run->exit_reason);
	if (run->exit_reason == KVM_EXIT_MMIO)
		fprintf(stderr, " (MMIO %s at 0x%llx)", run->mmio.is_write ? "write" : "read",
			(unsigned long long)run->mmio.phys_addr);
	if (bare_vcpu_get_pc(vm, vcpu, &off) == 0)
		fprintf(stderr, ", guest PC 0x%llx", (unsigned long long)off);
	fputc('\n', stderr);
	return -EPROTO;
}

/* The CPU numbers of /proc/interrupts' columns ("CPU0 CPU1 ..."). */
static unsigned int columns(char *line, int *cpu_of, unsigned int max)
{
	unsigned int n = 0;
	char *tok, *save;

	for (tok = strtok_r(line, " \t\n", &save); tok && n < max; tok = strtok_r(NULL, " \t\n", &save))
		if (!strncmp(tok, "CPU", 3))
			cpu_of[n++] = atoi(tok + 3);
	return n;
}

int ec_host_irqs(const int *cpus, unsigned int n, uint64_t *total)
{
	char line[4096];
	int cpu_of[256];
	unsigned int ncol, c, i;
	FILE *f = fopen("/proc/interrupts", "r");

	*total = 0;
	if (!f || !fgets(line, sizeof(line), f)) {
		int err = errno ? errno : EIO;

		fprintf(stderr, "%s: /proc/interrupts: %s\n", PROG, strerror(err));
		if (f)
			fclose(f);
		return -err;
	}
	ncol = columns(line, cpu_of, 256);
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v[256];
		char *p = strchr(line, ':'), *end;

		if (!p)
			continue;
		for (c = 0, p++; c < ncol; c++, p = end) {
			v[c] = strtoull(p, &end, 10);
			if (end == p)
				break;
		}
		if (c < ncol)
			continue;	/* not per CPU (Err:) */
		for (c = 0; c < ncol; c++)
			for (i = 0; i < n; i++)
				if (cpu_of[c] == cpus[i])
					*total += v[c];
	}
	fclose(f);
	return 0;
}

/* Where kvm's halt_poll_ns module parameter is: the 32-bit host's kvm_main.o has it under the
 * name kvm_arm (5.4 arch/arm/kvm/Makefile links it into kvm-arm.o). */
static const char *const halt_poll_paths[] = { "/sys/module/kvm/parameters/halt_poll_ns",
					       "/sys/module/kvm_arm/parameters/halt_poll_ns" };
#define N_HALT_POLL_PATHS (sizeof(halt_poll_paths) / sizeof(halt_poll_paths[0]))

/* measure.c turns halt polling off per VM where the arm64 host has KVM_CAP_HALT_POLL; Linux
 * 5.4 (the legacy host) polls by kvm's module parameter, which ec_halt_poll_off sets to 0. */
long ec_halt_poll_ns(void)
{
	unsigned int i;
	long ns = -1;
	FILE *f;

#ifdef KVM_CAP_HALT_POLL
	if (!bare_vgic_v3_unsupported())
		return 0;
#endif
	for (i = 0; ns < 0 && i < N_HALT_POLL_PATHS; i++) {
		f = fopen(halt_poll_paths[i], "r");
		if (!f)
			continue;
		if (fscanf(f, "%ld", &ns) != 1)
			ns = -1;
		fclose(f);
	}
	return ns;
}

/* No halt polling on a host without KVM_CAP_HALT_POLL (the legacy host), as measure.c has on
 * arm64 per VM: kvm's module parameter to 0, for every VM from now on (5.4's
 * kvm_vcpu_block shrinks a vcpu's own polling to 0 at its next halt). Returns 0 or -errno;
 * *path names the file that failed. */
int ec_halt_poll_off(const char **path)
{
	unsigned int i;
	int err = -ENOENT;
	FILE *f;

	for (i = 0; i < N_HALT_POLL_PATHS; i++) {
		*path = halt_poll_paths[i];
		/* sysfs answers EACCES, not ENOENT, to opening a missing file for writing */
		if (access(*path, F_OK))
			continue;
		f = fopen(*path, "w");
		if (!f)
			return -errno;
		err = fputs("0\n", f) < 0 ? -EIO : 0;
		if (fclose(f) && !err)
			err = -errno;
		return err;
	}
	return err;
}
