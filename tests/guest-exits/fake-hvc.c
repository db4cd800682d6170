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
 */
#define _GNU_SOURCE
#include <fcntl.h>
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

ssize_t read(int fd, void *buf, size_t count)
{
	hypercall(fd);
	return syscall(SYS_read, fd, buf, count);
}

/* _FORTIFY_SOURCE builds may call this instead of read(). */
ssize_t __read_chk(int fd, void *buf, size_t count, size_t buflen)
{
	(void)buflen;
	return read(fd, buf, count);
}
