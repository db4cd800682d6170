// SPDX-License-Identifier: GPL-2.0
/*
 * exitlab-workload NAME [--ops N]: run one guest workload of benchmarks/multi-guest and
 * print one line,
 *   exitlab-workload: name=cpu ops=N seconds=S ops_per_s=R unit=U vm_exits=E check=C
 * vm_exits is the VM's exit count (all vcpus, /sys/hypervisor/exits/count) read after the
 * work minus the one read before it: the exits the work caused, plus one for the read
 * itself; -1 when the guest cannot read its exit statistics.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "workload.h"

static const struct workload workloads[] = {
	{ "cpu", "iterations", 400000000, "integer compute loop: the no-exit baseline (timer IRQs only); 1-2 s alone on the emulated host", wl_cpu },
	{ "mem", "pages", 16384, "write one byte to each fresh page of an anonymous mapping: stage-2 faults", wl_mem },
	{ "timer", "sleeps", 2000, "nanosleep(200 us) loop: WFx exits and virtual-timer interrupts", wl_timer },
	{ "hvc", "reads", 20000, "read /sys/hypervisor/exits/count in a loop: one HVC exit each", wl_hvc },
	{ "ipi", "round_trips", 5000, "two threads on cpu0 and cpu1 ping-pong through a futex: SGIs", wl_ipi },
	{ "boot", "boots", 1, "nothing: boot to user space and power off (seconds = uptime)", wl_boot },
	{ "io", "blocks", 256, "4 KiB blocks written to the disk with O_DIRECT, then read back: virtio-blk (MMIO) requests", wl_io },
	{ "net", "kib", 2048, "KiB sent over TCP to the host's listener: virtio-net (MMIO) traffic", wl_net },
};
#define NR_WORKLOADS (sizeof(workloads) / sizeof(workloads[0]))

double wl_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int wl_fail(const char *name, const char *what)
{
	fprintf(stderr, "%s: %s: %s: %s\n", PROG, name, what, strerror(errno));
	return 1;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: %s NAME [--ops N] [--exits-file PATH] [--target DISK|ADDR:PORT]\n"
		"       %s --list | --help\n"
		"Runs a fixed amount of work in a guest and prints one line:\n"
		"  %s: name=NAME ops=N seconds=S ops_per_s=R unit=U vm_exits=E check=C\n"
		"vm_exits: the VM's exits during the work (from --exits-file, default\n"
		"/sys/hypervisor/exits/count; -1 when unreadable), the closing read included.\n"
		"--target: io's disk (default /dev/vda, run-host.sh --guest-disk; its size must\n"
		"hold ops x 4 KiB), net's IPv4 ADDR:PORT (default 10.0.2.100:5001, run-host.sh\n"
		"--guest-net's listener in the host); the other workloads ignore it.\n"
		"Workloads (default ops):\n", PROG, PROG, PROG);
	for (i = 0; i < NR_WORKLOADS; i++)
		fprintf(f, "  %-6s %-11s %9" PRIu64 "  %s\n", workloads[i].name, workloads[i].unit,
			workloads[i].default_ops, workloads[i].what);
	fprintf(f, "Exit status: 0 ok, 1 the work failed, 2 usage.\n");
}

/* The VM's exit count, or -1 when it cannot be read. */
static int64_t vm_exits(const char *path)
{
	char buf[32];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtoll(buf, NULL, 10);
}

static int parse_args(int argc, char **argv, const struct workload **w, struct wl_opts *o)
{
	char *end;
	size_t i;
	int a;

	*w = NULL;
	for (i = 0; i < NR_WORKLOADS; i++)
		if (strcmp(argv[1], workloads[i].name) == 0)
			*w = &workloads[i];
	if (!*w) {
		fprintf(stderr, "%s: unknown workload '%s' (see --list)\n", PROG, argv[1]);
		return 2;
	}
	o->ops = (*w)->default_ops;
	o->exits_file = "/sys/hypervisor/exits/count";
	o->target = NULL;
	for (a = 2; a < argc; a += 2) {
		if (a + 1 >= argc) {
			fprintf(stderr, "%s: %s needs a value (see --help)\n", PROG, argv[a]);
			return 2;
		}
		if (strcmp(argv[a], "--ops") == 0) {
			errno = 0;
			o->ops = strtoull(argv[a + 1], &end, 10);
			if (errno || *end || end == argv[a + 1] || o->ops == 0 || argv[a + 1][0] == '-') {
				fprintf(stderr, "%s: --ops needs a positive integer, got '%s'\n", PROG, argv[a + 1]);
				return 2;
			}
		} else if (strcmp(argv[a], "--exits-file") == 0) {
			o->exits_file = argv[a + 1];
		} else if (strcmp(argv[a], "--target") == 0) {
			o->target = argv[a + 1];
		} else {
			fprintf(stderr, "%s: unknown option '%s' (see --help)\n", PROG, argv[a]);
			return 2;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	const struct workload *w;
	struct wl_opts o;
	struct wl_result r = { 0 };
	int64_t e0, e1;
	size_t i;
	int rc;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--list") == 0) {
		for (i = 0; i < NR_WORKLOADS; i++)
			printf("%s %s %" PRIu64 "\n", workloads[i].name, workloads[i].unit, workloads[i].default_ops);
		return 0;
	}
	rc = parse_args(argc, argv, &w, &o);
	if (rc)
		return rc;
	e0 = vm_exits(o.exits_file);
	rc = w->run(&o, &r);
	e1 = vm_exits(o.exits_file);
	if (rc)
		return rc;
	printf("%s: name=%s ops=%" PRIu64 " seconds=%.6f ops_per_s=%.6f unit=%s vm_exits=%" PRId64
	       " check=%" PRIu64 "%s%s\n", PROG, w->name, r.ops, r.seconds,
	       r.seconds > 0 ? (double)r.ops / r.seconds : 0.0, w->unit,
	       e0 >= 0 && e1 >= 0 ? e1 - e0 : -1, r.check, r.extra ? " " : "", r.extra ? r.extra : "");
	fflush(stdout);
	return 0;
}
