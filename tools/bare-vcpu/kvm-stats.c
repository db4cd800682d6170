// SPDX-License-Identifier: GPL-2.0
#include "kvm-stats.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

static int fail(struct kvm_stats *s, const char *what, int err)
{
	s->failed = what;
	return -err;
}

#ifdef KVM_GET_STATS_FD
static int read_descriptors(struct kvm_stats *s, const struct kvm_stats_header *h)
{
	size_t one = sizeof(struct kvm_stats_desc) + h->name_size;
	char *buf = calloc(h->num_desc, one);
	unsigned int i;
	ssize_t got;

	if (!buf)
		return fail(s, "calloc (stats descriptors)", ENOMEM);
	got = pread(s->fd, buf, h->num_desc * one, h->desc_offset);
	if (got != (ssize_t)(h->num_desc * one)) {
		free(buf);
		return fail(s, "pread (stats descriptors)", got < 0 ? errno : EIO);
	}
	for (i = 0; i < h->num_desc; i++) {
		const struct kvm_stats_desc *d = (const void *)(buf + i * one);
		struct kvm_stat_desc *o = &s->desc[i];
		size_t end = d->offset + d->size * sizeof(uint64_t);

		snprintf(o->name, sizeof(o->name), "%.*s", (int)h->name_size, d->name);
		o->flags = d->flags;
		o->exponent = d->exponent;
		o->offset = d->offset;
		o->counter = (d->flags & KVM_STATS_TYPE_MASK) == KVM_STATS_TYPE_CUMULATIVE &&
			     (d->flags & KVM_STATS_UNIT_MASK) == KVM_STATS_UNIT_NONE;
		if (end > s->data_size)
			s->data_size = end;
	}
	s->n = h->num_desc;
	free(buf);
	return 0;
}

int kvm_stats_open(struct kvm_stats *s, int fd)
{
	struct kvm_stats_header h;
	int err;

	memset(s, 0, sizeof(*s));
	s->fd = ioctl(fd, KVM_GET_STATS_FD, NULL);
	if (s->fd < 0)
		return fail(s, "KVM_GET_STATS_FD", errno);
	if (pread(s->fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h)) {
		err = fail(s, "pread (stats header)", errno ? errno : EIO);
		kvm_stats_close(s);
		return err;
	}
	if (h.num_desc > KVM_STATS_MAX || h.name_size == 0) {
		kvm_stats_close(s);
		return fail(s, "stats header (more descriptors than KVM_STATS_MAX)", E2BIG);
	}
	s->data_offset = h.data_offset;
	err = read_descriptors(s, &h);
	if (err)
		kvm_stats_close(s);
	return err;
}

#else
int kvm_stats_open(struct kvm_stats *s, int fd)
{
	(void)fd;
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	return fail(s, "KVM_GET_STATS_FD (not in this kernel's uapi: Linux < 5.14)", ENOTTY);
}
#endif

/* The number file NAME of directory DIR holds ("123\n"): 0, -errno, or -EPROTO when it holds
 * anything else (a file that is not a statistic). */
static int debugfs_number(int dir, const char *name, uint64_t *value)
{
	char buf[32];
	ssize_t got;
	int fd = openat(dir, name, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	got = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (got < 0)
		return -errno;
	buf[got > 0 ? got : 0] = 0;
	if (buf[0] < '0' || buf[0] > '9' || buf[strspn(buf, "0123456789")] != '\n')
		return -EPROTO;
	*value = strtoull(buf, NULL, 10);
	return 0;
}

/* debugfs: the VM's directory's files that hold a number are its statistics (5.4: all
 * counters). */
int kvm_stats_open_debugfs(struct kvm_stats *s, int vm_fd)
{
	char path[96];
	struct dirent *e;
	DIR *d;

	memset(s, 0, sizeof(*s));
	snprintf(path, sizeof(path), "/sys/kernel/debug/kvm/%d-%d", (int)getpid(), vm_fd);
	s->debugfs = 1;
	s->fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->fd < 0)
		return fail(s, "open /sys/kernel/debug/kvm/PID-FD (debugfs mounted?)", errno);
	d = fdopendir(dup(s->fd));
	if (!d) {
		kvm_stats_close(s);
		return fail(s, "fdopendir (debugfs statistics)", errno);
	}
	while ((e = readdir(d)) && s->n < KVM_STATS_MAX) {
		uint64_t v;

		if (e->d_name[0] == '.' || strlen(e->d_name) >= KVM_STATS_NAME_MAX ||
		    debugfs_number(s->fd, e->d_name, &v))
			continue;	/* not a statistic (vgic-state is a text dump) */
		snprintf(s->desc[s->n].name, KVM_STATS_NAME_MAX, "%s", e->d_name);
		s->desc[s->n++].counter = 1;
	}
	closedir(d);
	return 0;
}

static int read_debugfs(struct kvm_stats *s, uint64_t values[KVM_STATS_MAX])
{
	unsigned int i;
	int err;

	for (i = 0; i < s->n; i++) {
		err = debugfs_number(s->fd, s->desc[i].name, &values[i]);
		if (err)
			return fail(s, "read (a debugfs statistic)", -err);
	}
	return 0;
}

int kvm_stats_open_vcpu(struct kvm_stats *s, int vcpu_fd, int vm_fd)
{
	int err = kvm_stats_open(s, vcpu_fd);

	return err == -ENOTTY ? kvm_stats_open_debugfs(s, vm_fd) : err;
}

void kvm_stats_close(struct kvm_stats *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

int kvm_stats_read(struct kvm_stats *s, uint64_t values[KVM_STATS_MAX])
{
	uint64_t data[KVM_STATS_MAX * 16];
	unsigned int i;
	ssize_t got;

	if (s->debugfs)
		return read_debugfs(s, values);
	if (s->data_size > sizeof(data))
		return fail(s, "stats data (larger than expected)", E2BIG);
	got = pread(s->fd, data, s->data_size, s->data_offset);
	if (got != (ssize_t)s->data_size)
		return fail(s, "pread (stats data)", got < 0 ? errno : EIO);
	for (i = 0; i < s->n; i++)
		values[i] = data[s->desc[i].offset / sizeof(uint64_t)];
	return 0;
}

int kvm_stats_find(const struct kvm_stats *s, const char *name)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->desc[i].name, name))
			return (int)i;
	return -1;
}

int kvm_stats_is_counter(const struct kvm_stat_desc *d)
{
	return d->counter;
}
