// SPDX-License-Identifier: GPL-2.0
/*
 * exitlab-stream send (in the host): every interval, walk the results directory and append
 * each file's new bytes to the stream disk; a file that shrank, was replaced (new inode) or,
 * being small, changed in place is sent again whole (XS_REPLACE). A large file changed in
 * place would come out wrong: such a file is written as NAME.tmp, which is not sent, and
 * renamed NAME when complete (hidden files are not sent either). Each record is one
 * O_DIRECT pwrite() that has completed (QEMU has written it into its image file) before the
 * next one starts: what the host sent survives the host's and QEMU's death. No O_DSYNC:
 * a device cache flush would make QEMU fsync its image file on the outer machine, which
 * protects against the outer machine's crash only, at a large cost.
 */
#define _GNU_SOURCE
#include "stream.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SMALL_FILE (64 * 1024) /* a change in place resends a file this small whole */

struct file {
	char path[XS_PATH_MAX];
	off_t sent; /* bytes of the file the stream has */
	struct timespec mtime;
	ino_t ino;
};

struct sender {
	const char *dev, *dir, *kmsg_path, *run_dir;
	int fd, kmsg_fd;
	uint64_t pos, size, seq;
	unsigned char *buf; /* header block + XS_CHUNK, aligned for O_DIRECT */
	int dead;	    /* full or failed: nothing more is written */
	struct timespec last;
	struct file *files;
	size_t nfiles, cap;
	unsigned long passes;
};

static volatile sig_atomic_t stop, poke;

static void on_signal(int sig)
{
	if (sig == SIGTERM || sig == SIGINT)
		stop = 1;
	poke = 1;
}

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Write the record whose payload (LEN bytes) is already at s->buf + XS_BLOCK. */
static int put_record(struct sender *s, uint32_t kind, const char *path, uint64_t offset, uint32_t len)
{
	struct xs_header *h = (struct xs_header *)s->buf;
	uint64_t total = XS_BLOCK + xs_padded(len);
	ssize_t done;

	if (s->dead)
		return -1;
	/* Keep a block for the last record (XS_END or XS_FULL). */
	if (kind != XS_END && kind != XS_FULL && s->pos + total + XS_BLOCK > s->size) {
		fprintf(stderr, "exitlab-stream: %s: the stream disk is full (%llu MiB): nothing more is sent\n",
			s->dev, (unsigned long long)(s->size >> 20));
		put_record(s, XS_FULL, "", 0, 0);
		s->dead = 1;
		return -1;
	}
	memset(s->buf, 0, XS_BLOCK);
	memset(s->buf + XS_BLOCK + len, 0, xs_padded(len) - len);
	memcpy(h->magic, XS_MAGIC, sizeof(h->magic));
	h->seq = ++s->seq;
	h->offset = offset;
	h->uptime_ns = now_ns(CLOCK_BOOTTIME);
	h->kind = kind;
	h->length = len;
	h->data_crc = xs_crc32(0, s->buf + XS_BLOCK, len);
	snprintf(h->path, sizeof(h->path), "%s", path);
	h->header_crc = xs_crc32(0, s->buf, XS_BLOCK);
	done = pwrite(s->fd, s->buf, total, (off_t)s->pos);
	if (done != (ssize_t)total) {
		fprintf(stderr, "exitlab-stream: %s: write of %llu bytes at %llu: %s: nothing more is sent\n",
			s->dev, (unsigned long long)total, (unsigned long long)s->pos,
			done < 0 ? strerror(errno) : "short write");
		s->dead = 1;
		return -1;
	}
	s->pos += total;
	clock_gettime(CLOCK_MONOTONIC, &s->last);
	return 0;
}

static struct file *lookup(struct sender *s, const char *path)
{
	struct file *f;
	size_t i;

	for (i = 0; i < s->nfiles; i++)
		if (!strcmp(s->files[i].path, path))
			return &s->files[i];
	if (s->nfiles == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		f = realloc(s->files, s->cap * sizeof(*f));
		if (!f)
			return NULL;
		s->files = f;
	}
	f = &s->files[s->nfiles++];
	memset(f, 0, sizeof(*f));
	snprintf(f->path, sizeof(f->path), "%s", path);
	f->sent = -1; /* never sent: the first record creates it */
	return f;
}

/* Send FULL's new bytes (or all of it again, see the top of this file). */
static void send_file(struct sender *s, const char *full, const char *rel, const struct stat *st)
{
	struct file *f = lookup(s, rel);
	int changed, fd, first = 1;
	uint32_t kind;
	ssize_t got;

	if (!f || s->dead)
		return;
	changed = st->st_mtim.tv_sec != f->mtime.tv_sec || st->st_mtim.tv_nsec != f->mtime.tv_nsec;
	kind = XS_DATA;
	if (f->sent < 0 || st->st_ino != f->ino || st->st_size < f->sent ||
	    (changed && (st->st_size <= SMALL_FILE || st->st_size == f->sent))) {
		kind = XS_REPLACE;
		f->sent = 0;
	} else if (st->st_size == f->sent) {
		return; /* nothing new */
	}
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return; /* gone meanwhile: the next pass sees it */
	f->ino = st->st_ino;
	f->mtime = st->st_mtim;
	do {
		got = pread(fd, s->buf + XS_BLOCK, XS_CHUNK, f->sent);
		if (got < 0)
			break;
		if (got == 0 && !(first && kind == XS_REPLACE))
			break;
		if (put_record(s, first ? kind : XS_DATA, rel, (uint64_t)f->sent, (uint32_t)got))
			break;
		f->sent += got;
		first = 0;
	} while (got == XS_CHUNK);
	close(fd);
}

/* NAME.tmp: a file written in place, renamed NAME when complete (only NAME is sent). */
static int is_tmp(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && !strcmp(name + n - 4, ".tmp");
}

static void walk(struct sender *s, const char *full, const char *rel)
{
	char cfull[4096], crel[XS_PATH_MAX];
	struct dirent *e;
	struct stat st;
	DIR *d = opendir(full);

	if (!d)
		return;
	while ((e = readdir(d)) && !s->dead) {
		if (e->d_name[0] == '.' || is_tmp(e->d_name))
			continue; /* '.', '..', hidden and unfinished files stay in the host */
		snprintf(cfull, sizeof(cfull), "%s/%s", full, e->d_name);
		if (snprintf(crel, sizeof(crel), "%s%s%s", rel, *rel ? "/" : "", e->d_name) >= (int)sizeof(crel))
			continue;
		if (lstat(cfull, &st))
			continue;
		if (S_ISDIR(st.st_mode))
			walk(s, cfull, crel);
		else if (S_ISREG(st.st_mode))
			send_file(s, cfull, crel, &st);
	}
	closedir(d);
}

/* Append the kernel's new log records to the --kmsg file, as dmesg prints them. */
static void drain_kmsg(struct sender *s)
{
	char rec[8192], line[8400];
	unsigned long long usec;
	char *msg, *nl;
	ssize_t n;
	int out, len;

	if (s->kmsg_fd < 0)
		return;
	out = open(s->kmsg_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (out < 0)
		return;
	for (;;) {
		n = read(s->kmsg_fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue; /* records overwritten before we read them: go on */
		if (n <= 0)
			break;
		rec[n] = 0;
		msg = strchr(rec, ';');
		if (!msg || sscanf(rec, "%*u,%*u,%llu", &usec) != 1)
			continue;
		nl = strchr(++msg, '\n');
		if (nl)
			*nl = 0; /* dictionary lines follow */
		len = snprintf(line, sizeof(line), "[%5llu.%06llu] %s\n", usec / 1000000, usec % 1000000, msg);
		if (write(out, line, (size_t)len) != len)
			break;
	}
	close(out);
}

/* One pass; its number in RUN_DIR/exitlab-stream.passes (for `sync`). */
static void pass(struct sender *s)
{
	char path[4096], tmp[4200];
	FILE *f;

	drain_kmsg(s);
	walk(s, s->dir, "");
	s->passes++;
	snprintf(path, sizeof(path), "%s/exitlab-stream.passes", s->run_dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (f) {
		fprintf(f, "%lu\n", s->passes);
		if (!fclose(f))
			rename(tmp, path);
	}
}

static int open_device(struct sender *s)
{
	off_t end;

	s->fd = open(s->dev, O_WRONLY | O_DIRECT | O_CLOEXEC);
	if (s->fd < 0) {
		fprintf(stderr, "exitlab-stream: %s: open: %s\n", s->dev, strerror(errno));
		return -1;
	}
	end = lseek(s->fd, 0, SEEK_END);
	if (end < (off_t)(4 * XS_BLOCK)) {
		fprintf(stderr, "exitlab-stream: %s: size: %s\n", s->dev, end < 0 ? strerror(errno) : "too small");
		return -1;
	}
	s->size = (uint64_t)end;
	if (posix_memalign((void **)&s->buf, 4096, XS_BLOCK + XS_CHUNK)) {
		fprintf(stderr, "exitlab-stream: buffer: %s\n", strerror(ENOMEM));
		return -1;
	}
	return 0;
}

static int write_pidfile(const char *run_dir)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/exitlab-stream.pid", run_dir);
	f = fopen(path, "w");
	if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f)) {
		fprintf(stderr, "exitlab-stream: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int parse_args(struct sender *s, long *interval_ms, long *beat_s, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			return -1;
		if (!strcmp(a, "--dev"))
			s->dev = v;
		else if (!strcmp(a, "--dir"))
			s->dir = v;
		else if (!strcmp(a, "--kmsg"))
			s->kmsg_path = v;
		else if (!strcmp(a, "--run-dir"))
			s->run_dir = v;
		else if (!strcmp(a, "--interval-ms"))
			*interval_ms = strtol(v, NULL, 10);
		else if (!strcmp(a, "--beat-s"))
			*beat_s = strtol(v, NULL, 10);
		else
			return -1;
		i++;
	}
	return s->dev && s->dir && *interval_ms > 0 && *beat_s > 0 ? 0 : -1;
}

int xs_send_main(int argc, char **argv)
{
	struct sender s = { .run_dir = "/run", .kmsg_fd = -1 };
	long interval_ms = 500, beat_s = 5;
	struct sigaction sa = { .sa_handler = on_signal };
	struct timespec t, nap;

	if (parse_args(&s, &interval_ms, &beat_s, argc, argv)) {
		fputs("exitlab-stream send: bad arguments (see --help)\n", stderr);
		return 2;
	}
	if (open_device(&s) || write_pidfile(s.run_dir))
		return 1;
	if (s.kmsg_path) {
		s.kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (s.kmsg_fd < 0)
			fprintf(stderr, "exitlab-stream: /dev/kmsg: %s: no kernel log streamed\n", strerror(errno));
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	put_record(&s, XS_BEAT, "", 0, 0);
	while (!stop) {
		poke = 0;
		pass(&s);
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - s.last.tv_sec >= beat_s)
			put_record(&s, XS_BEAT, "", 0, 0);
		nap.tv_sec = interval_ms / 1000;
		nap.tv_nsec = interval_ms % 1000 * 1000000;
		if (!poke && !stop)
			nanosleep(&nap, NULL); /* a signal ends it early */
	}
	pass(&s);
	if (s.dead)
		return 1;
	return put_record(&s, XS_END, "", 0, 0) ? 1 : 0;
}

static long read_long(const char *path)
{
	long v = -1;
	FILE *f = fopen(path, "r");

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* Return once a whole pass of the sender began after this call (2 passes after its count). */
int xs_sync_main(int argc, char **argv)
{
	const char *run_dir = "/run";
	char pidpath[4096], passpath[4096];
	long pid, before, timeout_s = 30, waited_ms = 0;
	struct timespec nap = { 0, 20 * 1000000 };
	int i;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--run-dir"))
			run_dir = argv[i + 1];
		else if (!strcmp(argv[i], "--timeout-s"))
			timeout_s = strtol(argv[i + 1], NULL, 10);
		else
			break;
	}
	if (i != argc) {
		fputs("exitlab-stream sync: bad arguments (see --help)\n", stderr);
		return 2;
	}
	snprintf(pidpath, sizeof(pidpath), "%s/exitlab-stream.pid", run_dir);
	snprintf(passpath, sizeof(passpath), "%s/exitlab-stream.passes", run_dir);
	pid = read_long(pidpath);
	before = read_long(passpath);
	if (pid <= 0 || kill((pid_t)pid, SIGUSR1)) {
		fprintf(stderr, "exitlab-stream sync: %s: no sender running\n", pidpath);
		return 1;
	}
	while (read_long(passpath) < before + 2) {
		if (waited_ms >= timeout_s * 1000 || kill((pid_t)pid, 0)) {
			fprintf(stderr, "exitlab-stream sync: the sender did not finish a pass in %lds\n", timeout_s);
			return 1;
		}
		nanosleep(&nap, NULL);
		waited_ms += 20;
		if (waited_ms % 1000 == 0)
			kill((pid_t)pid, SIGUSR1);
	}
	return 0;
}
