// SPDX-License-Identifier: GPL-2.0
/* The single-threaded workloads: cpu, mem, timer, hvc, boot. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "workload.h"

int wl_cpu(const struct wl_opts *o, struct wl_result *r)
{
	/* xorshift64: a dependent chain of shifts and xors, no memory traffic, no syscalls. */
	volatile uint64_t sink;
	uint64_t x = 0x9e3779b97f4a7c15ULL, i;
	double t0 = wl_now();

	for (i = 0; i < o->ops; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	r->seconds = wl_now() - t0;
	sink = x;
	r->check = sink;
	r->ops = o->ops;
	return 0;
}

int wl_mem(const struct wl_opts *o, struct wl_result *r)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t len = (size_t)o->ops * (size_t)page, off;
	unsigned char *p;
	uint64_t sum = 0;
	double t0;
	static char extra[64];

	if ((uint64_t)len / (uint64_t)page != o->ops)
		return errno = EOVERFLOW, wl_fail("mem", "footprint");
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return wl_fail("mem", "mmap");
	t0 = wl_now();
	for (off = 0; off < len; off += (size_t)page)
		p[off] = (unsigned char)(off >> 12);
	r->seconds = wl_now() - t0;
	for (off = 0; off < len; off += (size_t)page)
		sum += p[off];
	munmap(p, len);
	snprintf(extra, sizeof(extra), "page_bytes=%ld footprint_mib=%.1f", page,
		 (double)len / (1024.0 * 1024.0));
	r->extra = extra;
	r->check = sum;
	r->ops = o->ops;
	return 0;
}

#define SLEEP_NS 200000L

int wl_timer(const struct wl_opts *o, struct wl_result *r)
{
	struct timespec ts = { 0, SLEEP_NS };
	uint64_t i;
	double t0 = wl_now();
	static char extra[32];

	for (i = 0; i < o->ops; i++)
		if (nanosleep(&ts, NULL) != 0 && errno != EINTR)
			return wl_fail("timer", "nanosleep");
	r->seconds = wl_now() - t0;
	snprintf(extra, sizeof(extra), "sleep_ns=%ld", SLEEP_NS);
	r->extra = extra;
	r->ops = o->ops;
	return 0;
}

int wl_hvc(const struct wl_opts *o, struct wl_result *r)
{
	char buf[32];
	uint64_t i, sum = 0;
	double t0;
	int fd = open(o->exits_file, O_RDONLY);

	if (fd < 0)
		return wl_fail("hvc", o->exits_file);
	t0 = wl_now();
	for (i = 0; i < o->ops; i++) {
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

		if (n <= 0) {
			if (n == 0)
				errno = ENODATA;
			close(fd);
			return wl_fail("hvc", o->exits_file);
		}
		sum += (uint64_t)n;
	}
	r->seconds = wl_now() - t0;
	close(fd);
	r->check = sum;
	r->ops = o->ops;
	return 0;
}

int wl_boot(const struct wl_opts *o, struct wl_result *r)
{
	/* The work is the boot itself: seconds is the uptime when user space got here. */
	struct timespec ts;

	(void)o;
	if (clock_gettime(CLOCK_BOOTTIME, &ts) != 0)
		return wl_fail("boot", "clock_gettime");
	r->seconds = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	r->ops = 1;
	return 0;
}
