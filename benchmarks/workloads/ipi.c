// SPDX-License-Identifier: GPL-2.0
/*
 * ipi: two threads pinned to cpu0 and cpu1 hand a token back and forth through a shared
 * word and futex wait/wake. The waiter sleeps in the kernel (its vcpu goes idle: WFI), so
 * each hand-off is a cross-CPU wake-up: an SGI from one vcpu to the other.
 */
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "workload.h"

struct pingpong {
	volatile int turn;	/* whose turn: 0 the first thread, 1 the second */
	uint64_t rounds;
};

static long futex(volatile int *addr, int op, int val)
{
	return syscall(SYS_futex, addr, op, val, NULL, NULL, 0);
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* Wait until it is `me`'s turn, then hand the turn over and wake the other. */
static void play(struct pingpong *pp, int me)
{
	uint64_t i;

	for (i = 0; i < pp->rounds; i++) {
		while (__atomic_load_n(&pp->turn, __ATOMIC_ACQUIRE) != me)
			futex(&pp->turn, FUTEX_WAIT_PRIVATE, !me);
		__atomic_store_n(&pp->turn, !me, __ATOMIC_RELEASE);
		futex(&pp->turn, FUTEX_WAKE_PRIVATE, 1);
	}
}

static void *second(void *arg)
{
	play(arg, 1);
	return NULL;
}

int wl_ipi(const struct wl_opts *o, struct wl_result *r)
{
	struct pingpong pp = { .turn = 0, .rounds = o->ops };
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	pthread_attr_t attr;
	cpu_set_t set;
	pthread_t t;
	double t0;
	int rc;

	if (cpus < 2) {
		fprintf(stderr, "%s: ipi: needs 2 cpus, the guest has %ld\n", PROG, cpus);
		return 1;
	}
	if (pin(0) != 0)
		return wl_fail("ipi", "sched_setaffinity cpu0");
	/* The second thread starts on cpu1 (pthread_create fails if it cannot). */
	CPU_ZERO(&set);
	CPU_SET(1, &set);
	pthread_attr_init(&attr);
	rc = pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	t0 = wl_now();
	if (rc == 0)
		rc = pthread_create(&t, &attr, second, &pp);
	pthread_attr_destroy(&attr);
	if (rc != 0)
		return errno = rc, wl_fail("ipi", "pthread_create on cpu1");
	play(&pp, 0);
	pthread_join(t, NULL);
	r->seconds = wl_now() - t0;
	r->ops = o->ops;
	r->check = (uint64_t)pp.turn;
	return 0;
}
