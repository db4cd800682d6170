// SPDX-License-Identifier: GPL-2.0
/*
 * snapshot: /dev/kvm_exit_stats, every statistic of the VM and of each vcpu
 * in one read, one exit. The layout is parsed by the sizes its header gives,
 * so that a later version that appends fields or classes still reads.
 * Never prints, never exits; errors are -errno plus ex_err.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snapshot.h"
/* Relative, so that the guest build needs no -I for it. */
#include "../../include/exitlab/exit-stats-abi.h"

/* Without snapshot_size (a test's file, a missing sysfs): room for 59 vcpus. */
#define EX_DEFAULT_BUF (64 * 1024)
/* The MPIDR affinity fields (Aff3, Aff2-0) as KVM and the device tree give them */
#define MPIDR_AFF_MASK 0xff00ffffffULL

static void set_err(struct ex_err *err, const char *path, const char *detail)
{
	snprintf(err->path, sizeof(err->path), "%s", path ? path : "");
	err->detail = detail;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

int ex_snap_parse(const uint8_t *buf, size_t len, struct ex_snap_hdr *h, const char **detail)
{
	memset(h, 0, sizeof(*h));
	if (len < EXIT_STATS_SNAP_VERSION + 4) {
		*detail = "truncated: shorter than the header's magic and version";
		return -EBADMSG;
	}
	h->magic = le32(buf + EXIT_STATS_SNAP_MAGIC);
	h->version = le32(buf + EXIT_STATS_SNAP_VERSION);
	if (h->magic != EXIT_STATS_SNAPSHOT_MAGIC) {
		*detail = "bad magic: not an exit statistics snapshot";
		return -EPROTO;
	}
	if (h->version != EXIT_STATS_SNAPSHOT_VERSION) {
		*detail = "unsupported layout version (this guest-exits reads version 1)";
		return -EPROTO;
	}
	if (len < EXIT_STATS_SNAP_V1_HEADER_SIZE) {
		*detail = "truncated: shorter than a version 1 header";
		return -EBADMSG;
	}
	h->header_size = le32(buf + EXIT_STATS_SNAP_HEADER_SIZE);
	h->block_size = le32(buf + EXIT_STATS_SNAP_BLOCK_SIZE);
	h->nr_classes = le32(buf + EXIT_STATS_SNAP_NR_CLASSES);
	h->nr_blocks = le32(buf + EXIT_STATS_SNAP_NR_BLOCKS);
	h->sequence = le64(buf + EXIT_STATS_SNAP_SEQUENCE);
	h->counter_hz = le64(buf + EXIT_STATS_SNAP_COUNTER_HZ);
	h->caller_mpidr = le64(buf + EXIT_STATS_SNAP_CALLER_MPIDR);
	h->classes[0] = le64(buf + EXIT_STATS_SNAP_CLASSES);
	h->classes[1] = le64(buf + EXIT_STATS_SNAP_CLASSES + 8);
	if (h->header_size < EXIT_STATS_SNAP_V1_HEADER_SIZE) {
		*detail = "header_size smaller than a version 1 header (64 bytes)";
		return -EPROTO;
	}
	if (h->nr_classes > 0x10000 ||
	    (uint64_t)h->block_size < (uint64_t)EXIT_STATS_BLOCK_CLASS(h->nr_classes)) {
		*detail = "block_size too small for nr_classes classes";
		return -EPROTO;
	}
	if (h->nr_blocks < 1 || h->nr_blocks > 0x10000) {
		*detail = "nr_blocks is not 1 (the VM) + 0 to 65535 vcpus";
		return -EPROTO;
	}
	if (!h->counter_hz) {
		*detail = "counter_hz is 0";
		return -EPROTO;
	}
	h->bytes = (size_t)h->header_size + (size_t)h->nr_blocks * h->block_size;
	if (len < h->bytes) {
		*detail = "truncated: shorter than header_size + nr_blocks * block_size";
		return -EBADMSG;
	}
	return 0;
}

uint64_t ex_snap_u64(const uint8_t *buf, const struct ex_snap_hdr *h, uint32_t b, uint32_t off)
{
	return le64(buf + h->header_size + (size_t)b * h->block_size + off);
}

/* The guest driver's names (kernel-patches/V/0004, exit_class_names[]). */
static const char *const class_names[EXIT_STATS_NR_CLASSES] = {
	[0x00] = "UNKNOWN",	[0x01] = "WFx",		[0x03] = "CP15_32",
	[0x04] = "CP15_64",	[0x05] = "CP14_MR",	[0x06] = "CP14_LS",
	[0x07] = "FP_ASIMD",	[0x08] = "CP10_ID",	[0x09] = "PAC",
	[0x0c] = "CP14_64",	[0x0d] = "BTI",		[0x0e] = "ILL",
	[0x11] = "SVC32",	[0x12] = "HVC32",	[0x13] = "SMC32",
	[0x15] = "SVC64",	[0x16] = "HVC64",	[0x17] = "SMC64",
	[0x18] = "SYS64",	[0x19] = "SVE",		[0x1a] = "ERET",
	[0x1c] = "FPAC",	[0x1d] = "SME",		[0x1f] = "IMP_DEF",
	[0x20] = "IABT_LOW",	[0x21] = "IABT_CUR",	[0x22] = "PC_ALIGN",
	[0x24] = "DABT_LOW",	[0x25] = "DABT_CUR",	[0x26] = "SP_ALIGN",
	[0x28] = "FP_EXC32",	[0x2c] = "FP_EXC64",	[0x2f] = "SERROR_EC",
	[0x30] = "BREAKPT_LOW",	[0x31] = "BREAKPT_CUR",	[0x32] = "SOFTSTP_LOW",
	[0x33] = "SOFTSTP_CUR",	[0x34] = "WATCHPT_LOW",	[0x35] = "WATCHPT_CUR",
	[0x38] = "BKPT32",	[0x3a] = "VECTOR32",	[0x3c] = "BRK64",
	[EXIT_STATS_CLASS_IRQ] = "IRQ",	[EXIT_STATS_CLASS_SERROR] = "SERROR",
	[EXIT_STATS_CLASS_IL] = "IL",
};

const char *ex_class_name(unsigned id)
{
	return id < EXIT_STATS_NR_CLASSES ? class_names[id] : NULL;
}

/* One snapshot: one pread (the device ignores the offset; a test's file needs it). */
static int take_raw(const struct ex_layout *l, struct ex_snap_hdr *h, struct ex_err *err)
{
	ssize_t n;
	int ret;

	do
		n = pread(l->dev_fd, l->buf, l->buf_size, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		ret = -errno;
		set_err(err, l->root, ret == -EOPNOTSUPP ?
			"the hypervisor refuses: exit statistics disabled on the host?" : NULL);
		return ret;
	}
	ret = ex_snap_parse(l->buf, (size_t)n, h, &err->detail);
	if (ret)
		set_err(err, l->root, err->detail);
	return ret;
}

/* The MPIDR of guest cpu N, from its device-tree node's reg (big-endian, 1 or 2 cells). */
static int dt_mpidr(unsigned cpu, uint64_t *mpidr)
{
	char path[128];
	uint8_t reg[8];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), EX_CPU_SYSFS "/cpu%u/of_node/reg", cpu);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, reg, sizeof(reg));
	close(fd);
	if (n != 4 && n != 8)
		return -EINVAL;
	*mpidr = 0;
	for (ssize_t i = 0; i < n; i++)
		*mpidr = *mpidr << 8 | reg[i];
	*mpidr &= MPIDR_AFF_MASK;
	return 0;
}

/*
 * Guest cpu numbers of the vcpu blocks: the cpu whose device-tree MPIDR is the block's.
 * KVM writes the blocks in its vcpu order, which QEMU makes its cpu-index order, the
 * device tree's and so the guest's numbering: when any block has no match, that order.
 */
static void map_cpus(struct ex_layout *l)
{
	unsigned found = 0;
	uint64_t m;

	for (size_t i = 0; i < l->ncpu; i++)
		l->cpu[i].num = (unsigned)i;
	for (unsigned cpu = 0; cpu < 4096 && found < l->ncpu; cpu++) {
		char dir[64];

		snprintf(dir, sizeof(dir), EX_CPU_SYSFS "/cpu%u", cpu);
		if (access(dir, F_OK))
			break;
		if (dt_mpidr(cpu, &m))
			continue;
		for (size_t i = 0; i < l->ncpu; i++) {
			if (l->cpu_mpidr[i] == m) {
				l->cpu[i].num = cpu;
				found++;
				break;
			}
		}
	}
	l->cpu_by_mpidr = found == l->ncpu && l->ncpu > 0;
	if (!l->cpu_by_mpidr)
		for (size_t i = 0; i < l->ncpu; i++)
			l->cpu[i].num = (unsigned)i;
}

/* The buffer: snapshot_size from the driver, a test file's size, else a default. */
static size_t buffer_size(int fd, const char *sysfs_root)
{
	struct ex_err ignored = { "", NULL };
	char path[4096];
	struct stat st;
	uint64_t v;

	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		return st.st_size > EX_DEFAULT_BUF ? (size_t)st.st_size : EX_DEFAULT_BUF;
	snprintf(path, sizeof(path), "%s/snapshot_size", sysfs_root);
	if (ex_read_u64(path, &v, &ignored) == 0 && v >= EXIT_STATS_SNAP_V1_HEADER_SIZE &&
	    v < (64u << 20))
		return (size_t)v;
	return EX_DEFAULT_BUF;
}

/* Classes and cpus of the layout from the first snapshot. */
static int layout_from(struct ex_layout *l, const struct ex_snap_hdr *h)
{
	uint32_t nc = h->nr_classes < 128 ? h->nr_classes : 128;

	l->has_hz = true;
	l->counter_hz = h->counter_hz;
	l->nblocks = h->nr_blocks;
	l->ncpu = h->nr_blocks - 1;
	l->cls = calloc(nc + 1, sizeof(*l->cls));
	l->cpu = calloc(l->ncpu + 1, sizeof(*l->cpu));
	l->cpu_block = calloc(l->ncpu + 1, sizeof(*l->cpu_block));
	l->cpu_mpidr = calloc(l->ncpu + 1, sizeof(*l->cpu_mpidr));
	if (!l->cls || !l->cpu || !l->cpu_block || !l->cpu_mpidr)
		return -ENOMEM;
	for (uint32_t id = 0; id < nc; id++) {
		struct ex_class *c = &l->cls[l->nclass];

		if (!(h->classes[id / 64] >> (id % 64) & 1))
			continue;
		if (ex_class_name(id))
			snprintf(c->name, sizeof(c->name), "%s", ex_class_name(id));
		else
			snprintf(c->name, sizeof(c->name), "CLASS_0x%02x", id);
		c->id = (int)id;
		c->in_vm = true;
		l->nclass++;
	}
	for (size_t i = 0; i < l->ncpu; i++) {
		l->cpu_block[i] = (uint32_t)i + 1;
		l->cpu_mpidr[i] = ex_snap_u64(l->buf, h, (uint32_t)i + 1, EXIT_STATS_BLOCK_MPIDR) &
				  MPIDR_AFF_MASK;
	}
	map_cpus(l);
	l->cpu_has = calloc(l->ncpu * l->nclass + 1, sizeof(*l->cpu_has));
	if (!l->cpu_has)
		return -ENOMEM;
	for (size_t i = 0; i < l->ncpu * l->nclass; i++)
		l->cpu_has[i] = true;
	l->nreads = 1;
	return 0;
}

int ex_dev_discover(const char *device, const char *sysfs_root, struct ex_layout *l,
		    struct ex_err *err)
{
	struct ex_snap_hdr h;
	int fd, ret;

	memset(l, 0, sizeof(*l));
	fd = open(device, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		set_err(err, device, NULL);
		return ret;
	}
	if (fd < 3) {	/* 0 means "no device" in ex_layout */
		int hi = fcntl(fd, F_DUPFD_CLOEXEC, 3);

		close(fd);
		if (hi < 0) {
			ret = -errno;
			set_err(err, device, NULL);
			return ret;
		}
		fd = hi;
	}
	l->dev_fd = fd;
	l->root = strdup(device);
	l->buf_size = buffer_size(fd, sysfs_root);
	l->buf = malloc(l->buf_size);
	ret = l->root && l->buf ? take_raw(l, &h, err) : -ENOMEM;
	if (!ret)
		ret = layout_from(l, &h);
	if (ret)
		ex_layout_free(l);
	return ret;
}

static uint64_t ticks_to_ns(uint64_t ticks, uint64_t hz)
{
	return ticks / hz * 1000000000u + ticks % hz * 1000000000u / hz;
}

/* Block B's figures: all classes summed, and each of the layout's classes. */
static void fill_block(const struct ex_layout *l, const struct ex_snap_hdr *h, uint32_t b,
		       struct ex_counts *total, struct ex_counts *cls)
{
	memset(total, 0, sizeof(*total));
	for (uint32_t id = 0; id < h->nr_classes; id++) {
		total->count += ex_snap_u64(l->buf, h, b, EXIT_STATS_BLOCK_CLASS(id));
		total->time_ticks += ex_snap_u64(l->buf, h, b, EXIT_STATS_BLOCK_CLASS(id) + 8);
	}
	total->time_ns = ticks_to_ns(total->time_ticks, h->counter_hz);
	for (size_t c = 0; c < l->nclass; c++) {
		uint32_t off = EXIT_STATS_BLOCK_CLASS((uint32_t)l->cls[c].id);

		cls[c].count = ex_snap_u64(l->buf, h, b, off);
		cls[c].time_ticks = ex_snap_u64(l->buf, h, b, off + 8);
		cls[c].time_ns = ticks_to_ns(cls[c].time_ticks, h->counter_hz);
	}
}

/* The snapshot in l->buf, parsed, into s. */
static int fill(const struct ex_layout *l, struct ex_snapshot *s, struct ex_err *err)
{
	struct ex_snap_hdr h;
	uint64_t caller;
	int ret;

	ret = ex_snap_parse(l->buf, l->buf_size, &h, &err->detail);
	if (ret) {
		set_err(err, l->root, err->detail);
		return ret;
	}
	if (h.nr_blocks != l->nblocks || h.counter_hz != l->counter_hz ||
	    (l->nclass && (uint32_t)l->cls[l->nclass - 1].id >= h.nr_classes)) {
		set_err(err, l->root, "the VM's vcpus, classes or counter changed since the first snapshot");
		return -ESTALE;
	}
	s->has_exits = true;
	s->sequence = h.sequence;
	s->caller = -1;
	caller = h.caller_mpidr & MPIDR_AFF_MASK;
	fill_block(l, &h, 0, &s->total, s->cls);
	s->vm_exits = ex_snap_u64(l->buf, &h, 0, EXIT_STATS_BLOCK_EXITS);
	for (size_t i = 0; i < l->ncpu; i++) {
		uint32_t b = l->cpu_block[i];

		fill_block(l, &h, b, &s->cpu[i], &s->cpu_cls[i * l->nclass]);
		s->cpu_exits[i] = ex_snap_u64(l->buf, &h, b, EXIT_STATS_BLOCK_EXITS);
		if (s->caller < 0 && l->cpu_mpidr[i] == caller)
			s->caller = (int)i;
	}
	return 0;
}

int ex_dev_read(const struct ex_layout *l, struct ex_snapshot *s, struct ex_err *err)
{
	struct ex_snap_hdr h;
	int ret;

	s->start_ns = ex_now_ns();
	ret = take_raw(l, &h, err);
	s->end_ns = ex_now_ns();
	return ret ? ret : fill(l, s, err);
}

int ex_dev_first(const struct ex_layout *l, struct ex_snapshot *s, struct ex_err *err)
{
	s->start_ns = s->end_ns = ex_now_ns();
	return fill(l, s, err);
}

int ex_take(const struct ex_layout *l, struct ex_snapshot *s, struct ex_err *err)
{
	return l->dev_fd > 0 ? ex_dev_read(l, s, err) : ex_snapshot_read(l, s, err);
}
