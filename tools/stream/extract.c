// SPDX-License-Identifier: GPL-2.0
/*
 * exitlab-stream extract (outside the host): apply the stream disk's records to the results
 * directory. Applying is idempotent (data at offsets, replacements), so a live --follow
 * during the run and a final pass after QEMU ended write the same files. The first record
 * that does not check out is the end of the log; with --follow it is waited for.
 */
#define _GNU_SOURCE
#include "stream.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct reader {
	const char *log, *out, *status, *pidfile;
	long hang_s;
	int follow, fd;
	uint64_t pos, seq, bytes, last_uptime_ns;
	unsigned long records, files_written;
	int end, full, hung;
	unsigned char *buf;
};

/* mkdir -p of PATH's directories (PATH relative to DIR, already checked by xs_path_ok). */
static int make_parents(const char *dir, const char *path)
{
	char p[4400];
	char *slash;

	snprintf(p, sizeof(p), "%s/%s", dir, path);
	for (slash = strchr(p + strlen(dir) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = 0;
		if (mkdir(p, 0755) && errno != EEXIST)
			return -1;
		*slash = '/';
	}
	return 0;
}

static int apply(struct reader *r, const struct xs_header *h, const unsigned char *data)
{
	char path[4400];
	int fd, err;

	snprintf(path, sizeof(path), "%s/%s", r->out, h->path);
	if (make_parents(r->out, h->path))
		goto fail;
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		goto fail;
	if ((h->kind == XS_REPLACE && ftruncate(fd, (off_t)h->offset)) ||
	    (h->length && pwrite(fd, data, h->length, (off_t)h->offset) != (ssize_t)h->length)) {
		err = errno;
		close(fd);
		errno = err;
		goto fail;
	}
	if (close(fd))
		goto fail;
	return 0;
fail:
	fprintf(stderr, "exitlab-stream: %s: %s\n", path, strerror(errno));
	return -1;
}

/* 1: a record was read and applied; 0: none (yet) at r->pos; -1: failure. */
static int next_record(struct reader *r)
{
	struct xs_header *h = (struct xs_header *)r->buf;
	uint32_t crc;
	ssize_t got = pread(r->fd, r->buf, XS_BLOCK, (off_t)r->pos);

	if (got != XS_BLOCK || memcmp(h->magic, XS_MAGIC, sizeof(h->magic)))
		return 0;
	crc = h->header_crc;
	h->header_crc = 0;
	if (xs_crc32(0, r->buf, XS_BLOCK) != crc || h->seq != r->seq + 1 || h->kind < XS_DATA ||
	    h->kind > XS_KIND_MAX || h->length > XS_CHUNK || memchr(h->path, 0, XS_PATH_MAX) == NULL)
		return 0;
	got = pread(r->fd, r->buf + XS_BLOCK, xs_padded(h->length), (off_t)(r->pos + XS_BLOCK));
	if (got != (ssize_t)xs_padded(h->length) || xs_crc32(0, r->buf + XS_BLOCK, h->length) != h->data_crc)
		return 0;
	if (h->kind == XS_DATA || h->kind == XS_REPLACE) {
		if (xs_path_ok(h->path)) {
			fprintf(stderr, "exitlab-stream: %s: record %llu: refused path '%s'\n", r->log,
				(unsigned long long)h->seq, h->path);
			return -1;
		}
		if (apply(r, h, r->buf + XS_BLOCK))
			return -1;
		r->bytes += h->length;
	}
	r->end |= h->kind == XS_END;
	r->full |= h->kind == XS_FULL;
	r->seq = h->seq;
	r->last_uptime_ns = h->uptime_ns;
	r->records++;
	r->pos += XS_BLOCK + xs_padded(h->length);
	return 1;
}

static long pid_of(const char *pidfile)
{
	long pid = -1;
	FILE *f = fopen(pidfile, "r");

	if (f) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = -1;
		fclose(f);
	}
	return pid;
}

/* Stop PID: SIGTERM (QEMU ends at once, even with its CPUs stopped), SIGKILL after 10 s. */
static void stop_process(long pid)
{
	struct timespec nap = { 0, 100 * 1000000 };
	int i;

	kill((pid_t)pid, SIGTERM);
	for (i = 0; i < 100; i++) {
		if (kill((pid_t)pid, 0) && errno == ESRCH)
			return;
		nanosleep(&nap, NULL);
	}
	kill((pid_t)pid, SIGKILL);
}

/* Read records while the process of --pidfile lives; stop it when none came for hang_s. */
static int follow(struct reader *r)
{
	struct timespec nap = { 0, 250 * 1000000 }, now, last;
	long pid = -1;
	int got;

	clock_gettime(CLOCK_MONOTONIC, &last);
	for (;;) {
		while ((got = next_record(r)) == 1)
			clock_gettime(CLOCK_MONOTONIC, &last);
		if (got < 0 || r->end || r->full)
			return got < 0 ? -1 : 0;
		if (pid <= 0)
			pid = pid_of(r->pidfile);
		if (pid > 0 && kill((pid_t)pid, 0) && errno == ESRCH)
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (r->hang_s > 0 && pid > 0 && now.tv_sec - last.tv_sec >= r->hang_s) {
			r->hung = 1;
			stop_process(pid);
			return 0;
		}
		nanosleep(&nap, NULL);
	}
}

static int write_status(const struct reader *r)
{
	FILE *f;

	if (!r->status)
		return 0;
	f = fopen(r->status, "w");
	if (!f || fprintf(f, "records=%lu\nbytes=%llu\nend=%d\nfull=%d\nhung=%d\nlast_uptime_ms=%llu\n",
			  r->records, (unsigned long long)r->bytes, r->end, r->full, r->hung,
			  (unsigned long long)(r->last_uptime_ns / 1000000)) < 0 || fclose(f)) {
		fprintf(stderr, "exitlab-stream: %s: %s\n", r->status, strerror(errno));
		return -1;
	}
	return 0;
}

static int parse_args(struct reader *r, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--follow")) {
			r->follow = 1;
			continue;
		}
		if (!v)
			return -1;
		if (!strcmp(a, "--log"))
			r->log = v;
		else if (!strcmp(a, "--out"))
			r->out = v;
		else if (!strcmp(a, "--status"))
			r->status = v;
		else if (!strcmp(a, "--pidfile"))
			r->pidfile = v;
		else if (!strcmp(a, "--hang-s"))
			r->hang_s = strtol(v, NULL, 10);
		else
			return -1;
		i++;
	}
	if (!r->log || !r->out || r->hang_s < 0 || (r->follow && !r->pidfile))
		return -1;
	return 0;
}

int xs_extract_main(int argc, char **argv)
{
	struct reader r = { .fd = -1 };
	int got, status;

	if (parse_args(&r, argc, argv)) {
		fputs("exitlab-stream extract: bad arguments (see --help)\n", stderr);
		return 2;
	}
	r.fd = open(r.log, O_RDONLY | O_CLOEXEC);
	if (r.fd < 0) {
		fprintf(stderr, "exitlab-stream: %s: %s\n", r.log, strerror(errno));
		return 1;
	}
	r.buf = malloc(XS_BLOCK + XS_CHUNK);
	if (!r.buf) {
		fprintf(stderr, "exitlab-stream: buffer: %s\n", strerror(ENOMEM));
		return 1;
	}
	if (r.follow) {
		status = follow(&r) ? 1 : 0;
	} else {
		while ((got = next_record(&r)) == 1)
			;
		status = got < 0 ? 1 : 0;
	}
	if (write_status(&r))
		status = 1;
	close(r.fd);
	free(r.buf);
	return status;
}
