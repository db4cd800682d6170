// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD shim for the guest-exits unit tests: makes a fake
 * /sys/hypervisor/exits tree behave like the real one, where every read of
 * a value file is a hypercall and so one more HVC exit. On the first read()
 * of a value file under $FAKE_HVC_ROOT (offset 0, as the seq_file behind a
 * sysfs attribute calls show() once per open) it adds 1 to count and
 * $FAKE_HVC_NS (default 1000) to time_ns of: the root, the class directory
 * $FAKE_HVC_CLASS (default HVC64), cpu0 and cpu0/$FAKE_HVC_CLASS, then reads.
 * So the exits a snapshot costs are known exactly: its number of reads.
 *
 * With $FAKE_SNAP_FILE (a snapshot made by make-snapshot.py) it plays the
 * snapshot device instead: each read of that file is one EXIT_STATS_SNAPSHOT
 * hypercall, as KVM answers it (kernel-patches/V/0006): the previous call's
 * exit ends (its time, the next of the ticks in $FAKE_SNAP_TICKS, default
 * "100", is added to class $FAKE_SNAP_CLASS, default 0x12, of its vcpu and of
 * the VM), then this call's exit is counted (class count and exits + 1, its
 * time not yet), the sequence grows by one and caller_mpidr is the calling
 * vcpu's: the next of $FAKE_SNAP_CPUS (vcpu indices, default "0").
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *root, *cls;
static unsigned long step_ns = 1000;

__attribute__((constructor)) static void init(void)
{
	const char *ns = getenv("FAKE_HVC_NS");

	root = getenv("FAKE_HVC_ROOT");
	cls = getenv("FAKE_HVC_CLASS");
	if (!cls)
		cls = "HVC64";
	if (ns)
		step_ns = strtoul(ns, NULL, 10);
	/* Only the program under test makes "hypercalls", not --run's command. */
	unsetenv("LD_PRELOAD");
}

static void bump(const char *dir, const char *file, unsigned long by)
{
	char path[4096], buf[32];
	unsigned long long v;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return;
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n > 0) {
		buf[n] = '\0';
		v = strtoull(buf, NULL, 10) + by;
		n = snprintf(buf, sizeof(buf), "%llu\n", v);
		if (ftruncate(fd, 0) == 0 && pwrite(fd, buf, (size_t)n, 0) != n)
			perror("fake-hvc: pwrite");
	}
	close(fd);
}

static void hypercall(int fd)
{
	char link[64], path[4096], dir[4096];
	const char *base;
	size_t rl;
	ssize_t n;

	if (!root || lseek(fd, 0, SEEK_CUR) != 0)
		return;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0)
		return;
	path[n] = '\0';
	rl = strlen(root);
	if (strncmp(path, root, rl) || path[rl] != '/')
		return;
	base = strrchr(path, '/') + 1;
	if (strcmp(base, "count") && strcmp(base, "time_ns") && strcmp(base, "time_ticks") &&
	    strcmp(base, "counter_hz"))
		return;
	bump(root, "count", 1);
	bump(root, "time_ns", step_ns);
	snprintf(dir, sizeof(dir), "%s/%s", root, cls);
	bump(dir, "count", 1);
	bump(dir, "time_ns", step_ns);
	snprintf(dir, sizeof(dir), "%s/cpu0", root);
	bump(dir, "count", 1);
	bump(dir, "time_ns", step_ns);
	snprintf(dir, sizeof(dir), "%s/cpu0/%s", root, cls);
	bump(dir, "count", 1);
	bump(dir, "time_ns", step_ns);
}

/* The next number of a comma-separated list, cycling; DEF when the list is empty. */
static unsigned long next_of(const char *list, unsigned *pos, unsigned long def)
{
	unsigned long v[64];
	unsigned n = 0;
	char *end;

	while (list && *list && n < 64) {
		v[n++] = strtoul(list, &end, 0);
		list = *end == ',' ? end + 1 : end + strlen(end);
	}
	if (!n)
		return def;
	return v[(*pos)++ % n];
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++, v >>= 8)
		p[i] = (unsigned char)v;
}

static void add64(unsigned char *p, uint64_t by)
{
	put64(p, get64(p) + by);
}

static long pending_block = -1;		/* the previous call's exit, not ended yet */
static unsigned long pending_ticks;
static unsigned tick_pos, cpu_pos;

static void snapshot_call(int fd)
{
	const char *file = getenv("FAKE_SNAP_FILE"), *c = getenv("FAKE_SNAP_CLASS");
	unsigned long cls = c ? strtoul(c, NULL, 0) : 0x12, cpu;
	unsigned char buf[1 << 16];
	char link[64], path[4096];
	uint32_t hs, bs, nb;
	ssize_t n;
	int wfd;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (!file || n <= 0)
		return;
	path[n] = '\0';
	if (strcmp(path, file))
		return;
	wfd = open(file, O_RDWR);
	n = wfd < 0 ? -1 : syscall(SYS_pread64, wfd, buf, sizeof(buf), (off_t)0);
	if (n < 64) {
		if (wfd >= 0)
			close(wfd);
		return;
	}
	hs = (uint32_t)get64(buf + 8);
	bs = (uint32_t)(get64(buf + 8) >> 32);
	nb = (uint32_t)(get64(buf + 16) >> 32);
	if (pending_block >= 0) {
		add64(buf + hs + 24 + 16 * cls, pending_ticks);
		add64(buf + hs + (size_t)pending_block * bs + 24 + 16 * cls, pending_ticks);
	}
	cpu = next_of(getenv("FAKE_SNAP_CPUS"), &cpu_pos, 0) % (nb - 1);
	pending_block = (long)cpu + 1;
	pending_ticks = next_of(getenv("FAKE_SNAP_TICKS"), &tick_pos, 100);
	for (long b = 0; b <= pending_block; b += pending_block) {
		add64(buf + hs + (size_t)b * bs + 8, 1);
		add64(buf + hs + (size_t)b * bs + 16 + 16 * cls, 1);
	}
	add64(buf + 24, 1);
	put64(buf + 40, get64(buf + hs + (size_t)pending_block * bs));
	if (pwrite(wfd, buf, (size_t)n, 0) != n)
		perror("fake-hvc: pwrite");
	close(wfd);
}

ssize_t read(int fd, void *buf, size_t count)
{
	hypercall(fd);
	snapshot_call(fd);
	return syscall(SYS_read, fd, buf, count);
}

ssize_t pread(int fd, void *buf, size_t count, off_t offset)
{
	snapshot_call(fd);
	return syscall(SYS_pread64, fd, buf, count, offset);
}

ssize_t pread64(int fd, void *buf, size_t count, off_t offset)
{
	return pread(fd, buf, count, offset);
}

/* _FORTIFY_SOURCE builds may call this instead of read(). */
ssize_t __read_chk(int fd, void *buf, size_t count, size_t buflen)
{
	(void)buflen;
	return read(fd, buf, count);
}
