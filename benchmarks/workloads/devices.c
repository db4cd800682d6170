// SPDX-License-Identifier: GPL-2.0
/*
 * The device workloads: io (virtio-blk, O_DIRECT) and net (virtio-net, TCP to the host).
 * Their devices exist only in runs with run-host.sh --guest-disk / --guest-net.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/sockios.h>

#include "workload.h"

#define IO_BLOCK 4096

/* The 64-bit words of block B: distinct per block and word, so a misplaced or stale block
 * fails the check. */
static uint64_t io_word(uint64_t b, size_t w)
{
	return (b << 20) ^ (uint64_t)w ^ 0x5a5aa5a5c3c33c3cULL;
}

static int io_fail(int fd, void *buf, const char *what)
{
	int e = errno;

	if (fd >= 0)
		close(fd);
	free(buf);
	errno = e;
	return wl_fail("io", what);
}

/*
 * ops blocks of 4 KiB: each written once with O_DIRECT (one pwrite per block, in order from
 * offset 0), then each read back once (one pread per block) and checked: 2 * ops requests
 * to the disk, none served by the guest's page cache.
 */
int wl_io(const struct wl_opts *o, struct wl_result *r)
{
	const char *path = o->target ? o->target : "/dev/vda";
	uint64_t b, sum = 0, need = o->ops * IO_BLOCK;
	uint64_t *buf = NULL;
	static char extra[160];
	double t0, t1;
	off_t size;
	size_t w;
	int fd;

	if (need / IO_BLOCK != o->ops)
		return errno = EOVERFLOW, wl_fail("io", "size");
	if (posix_memalign((void **)&buf, IO_BLOCK, IO_BLOCK))
		return errno = ENOMEM, wl_fail("io", "buffer");
	fd = open(path, O_RDWR | O_DIRECT);
	if (fd < 0)
		return io_fail(fd, buf, path);
	size = lseek(fd, 0, SEEK_END);
	if (size < 0)
		return io_fail(fd, buf, path);
	if ((uint64_t)size < need) {
		close(fd);
		free(buf);
		fprintf(stderr, "%s: io: %s: %lld bytes, the work needs %llu (ops x %d)\n", PROG, path,
			(long long)size, (unsigned long long)need, IO_BLOCK);
		return 1;
	}
	t0 = wl_now();
	for (b = 0; b < o->ops; b++) {
		for (w = 0; w < IO_BLOCK / sizeof(*buf); w++)
			buf[w] = io_word(b, w);
		ssize_t k = pwrite(fd, buf, IO_BLOCK, (off_t)(b * IO_BLOCK));

		if (k != IO_BLOCK)
			return errno = k < 0 ? errno : EIO, io_fail(fd, buf, "pwrite");
	}
	t1 = wl_now();
	for (b = 0; b < o->ops; b++) {
		ssize_t k = pread(fd, buf, IO_BLOCK, (off_t)(b * IO_BLOCK));

		if (k != IO_BLOCK)
			return errno = k < 0 ? errno : EIO, io_fail(fd, buf, "pread");
		for (w = 0; w < IO_BLOCK / sizeof(*buf); w++) {
			if (buf[w] != io_word(b, w)) {
				close(fd);
				free(buf);
				fprintf(stderr, "%s: io: %s: block %llu reads back wrong at word %zu\n", PROG,
					path, (unsigned long long)b, w);
				return 1;
			}
			sum += buf[w];
		}
	}
	r->seconds = wl_now() - t0;
	close(fd);
	free(buf);
	snprintf(extra, sizeof(extra), "block_bytes=%d write_s=%.6f read_s=%.6f", IO_BLOCK, t1 - t0,
		 r->seconds - (t1 - t0));
	r->extra = extra;
	r->check = sum;
	r->ops = o->ops;
	return 0;
}

#define NET_CHUNK 16384

static int net_fail(int fd, const char *what)
{
	int e = errno;

	if (fd >= 0)
		close(fd);
	errno = e;
	return wl_fail("net", what);
}

/* ADDR:PORT (IPv4) into SA; 0 ok. */
static int net_parse(const char *target, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(target, ':');
	char *end;
	unsigned long port;

	if (!colon || (size_t)(colon - target) >= sizeof(host))
		return -1;
	memcpy(host, target, (size_t)(colon - target));
	host[colon - target] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || port == 0 || port > 65535)
		return -1;
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

/*
 * ops KiB over one TCP connection to the host's listener (run-host.sh --guest-net forwards
 * 10.0.2.100:5001 to it), in writes of 16 KiB; the time runs from connect() until the
 * receiver has acknowledged every byte (the socket's send queue is empty: SIOCOUTQ).
 */
int wl_net(const struct wl_opts *o, struct wl_result *r)
{
	const char *target = o->target ? o->target : "10.0.2.100:5001";
	uint64_t total = o->ops * 1024, sent = 0;
	static char buf[NET_CHUNK], extra[96];
	struct timespec pause = { 0, 1000000 };
	struct sockaddr_in sa;
	double t0, t1;
	int fd, queued, waits = 0;
	size_t i;

	if (total / 1024 != o->ops)
		return errno = EOVERFLOW, wl_fail("net", "size");
	if (net_parse(target, &sa)) {
		fprintf(stderr, "%s: net: '%s' is not IPV4-ADDRESS:PORT\n", PROG, target);
		return 1;
	}
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (char)('a' + i % 26);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return net_fail(fd, "socket");
	t0 = wl_now();
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return net_fail(fd, target);
	while (sent < total) {
		size_t n = total - sent < sizeof(buf) ? (size_t)(total - sent) : sizeof(buf);
		ssize_t k = write(fd, buf, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return errno = k ? errno : EIO, net_fail(fd, "write");
		sent += (uint64_t)k;
	}
	t1 = wl_now();
	/* Every byte acknowledged: 1 ms naps until the send queue is empty (at most 60 s). */
	for (;;) {
		if (ioctl(fd, SIOCOUTQ, &queued))
			return net_fail(fd, "SIOCOUTQ");
		if (queued == 0)
			break;
		if (waits++ >= 60000)
			return errno = ETIMEDOUT, net_fail(fd, "waiting for the receiver's acknowledgements");
		nanosleep(&pause, NULL);
	}
	r->seconds = wl_now() - t0;
	close(fd);
	snprintf(extra, sizeof(extra), "bytes=%llu write_s=%.6f ack_wait_s=%.6f",
		 (unsigned long long)total, t1 - t0, r->seconds - (t1 - t0));
	r->extra = extra;
	r->check = total;
	r->ops = o->ops;
	return 0;
}
