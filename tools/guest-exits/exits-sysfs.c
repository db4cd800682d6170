// SPDX-License-Identifier: GPL-2.0
/*
 * exits-sysfs: discovery and snapshots of /sys/hypervisor/exits/.
 * Never prints, never exits; errors are -errno plus the path in ex_err.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "exits-sysfs.h"

static void set_err(struct ex_err *err, const char *path, const char *detail)
{
	if (!err)
		return;
	snprintf(err->path, sizeof(err->path), "%s", path ? path : "");
	err->detail = detail;
}

static int join(char *buf, size_t size, const char *a, const char *b,
		const char *c, struct ex_err *err)
{
	int n = snprintf(buf, size, "%s/%s%s%s", a, b, c ? "/" : "", c ? c : "");

	if (n < 0 || (size_t)n >= size) {
		set_err(err, a, "path too long");
		return -ENAMETOOLONG;
	}
	return 0;
}

uint64_t ex_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Whole file in one buffer: sysfs values are short, anything longer is bad. */
static int read_small(const char *path, char *buf, size_t size, struct ex_err *err)
{
	size_t len = 0;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		set_err(err, path, NULL);
		return ret;
	}
	for (;;) {
		ssize_t n = read(fd, buf + len, size - 1 - len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			set_err(err, path, NULL);
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == size - 1) {
			ret = -EOVERFLOW;
			set_err(err, path, "value too long");
			break;
		}
	}
	close(fd);
	buf[len] = '\0';
	return ret;
}

int ex_read_u64(const char *path, uint64_t *val, struct ex_err *err)
{
	char buf[64], *p;
	uint64_t v = 0;
	int ret;

	ret = read_small(path, buf, sizeof(buf), err);
	if (ret)
		return ret;
	p = buf;
	if (*p < '0' || *p > '9')
		goto bad;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (UINT64_MAX - d) / 10) {
			set_err(err, path, "value does not fit in 64 bits");
			return -ERANGE;
		}
		v = v * 10 + d;
	}
	if (*p == '\n')
		p++;
	if (*p)
		goto bad;
	*val = v;
	return 0;
bad:
	set_err(err, path, "not a decimal unsigned 64-bit number");
	return -EINVAL;
}

/* Class ids are written in hex ("0x24"); accept decimal too. */
static int read_id(const char *path, int *id, struct ex_err *err)
{
	char buf[32], *end;
	unsigned long v;
	int ret;

	ret = read_small(path, buf, sizeof(buf), err);
	if (ret)
		return ret;
	errno = 0;
	v = strtoul(buf, &end, 0);
	if (end == buf || errno || v > 0xff || (*end && strcmp(end, "\n"))) {
		set_err(err, path, "not a class id (0x00..0xff)");
		return -EINVAL;
	}
	*id = (int)v;
	return 0;
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int ex_probe(const char *root, struct ex_err *err)
{
	struct stat st;

	if (stat(root, &st)) {
		int ret = -errno;

		set_err(err, root, NULL);
		return ret;
	}
	if (!S_ISDIR(st.st_mode)) {
		set_err(err, root, NULL);
		return -ENOTDIR;
	}
	return 0;
}

static int find_class(struct ex_layout *l, const char *name)
{
	for (size_t i = 0; i < l->nclass; i++)
		if (!strcmp(l->cls[i].name, name))
			return (int)i;
	return -1;
}

static int add_class(struct ex_layout *l, const char *name, int id)
{
	struct ex_class *n = realloc(l->cls, (l->nclass + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	l->cls = n;
	memset(&n[l->nclass], 0, sizeof(*n));
	snprintf(n[l->nclass].name, EX_NAME_MAX, "%s", name);
	n[l->nclass].id = id;
	return (int)l->nclass++;
}

/* "cpu" followed by digits only, as the kernel names cpus. */
static bool parse_cpu_name(const char *s, unsigned *num)
{
	unsigned long v;
	char *end;

	if (strncmp(s, "cpu", 3) || s[3] < '0' || s[3] > '9')
		return false;
	errno = 0;
	v = strtoul(s + 3, &end, 10);
	if (*end || errno || v > 1u << 20)
		return false;
	*num = (unsigned)v;
	return true;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names of the subdirectories of dir, sorted, for a stable discovery order. */
static int list_dirs(const char *dir, char ***out, size_t *n, struct ex_err *err)
{
	char path[4096], **names = NULL;
	struct dirent *de;
	size_t cnt = 0;
	int ret = 0;
	DIR *d;

	d = opendir(dir);
	if (!d) {
		ret = -errno;
		set_err(err, dir, NULL);
		return ret;
	}
	while ((errno = 0, de = readdir(d))) {
		char **nn;

		if (de->d_name[0] == '.' || strlen(de->d_name) >= EX_NAME_MAX)
			continue;
		ret = join(path, sizeof(path), dir, de->d_name, NULL, err);
		if (ret)
			break;
		if (!is_dir(path))
			continue;
		nn = realloc(names, (cnt + 1) * sizeof(*nn));
		if (!nn || !(nn[cnt] = strdup(de->d_name))) {
			if (nn)
				names = nn;
			ret = -ENOMEM;
			break;
		}
		names = nn;
		cnt++;
	}
	if (!ret && errno) {
		ret = -errno;
		set_err(err, dir, NULL);
	}
	closedir(d);
	if (ret) {
		for (size_t i = 0; i < cnt; i++)
			free(names[i]);
		free(names);
		return ret;
	}
	if (cnt)	/* qsort's base must not be NULL */
		qsort(names, cnt, sizeof(*names), cmp_names);
	*out = names;
	*n = cnt;
	return 0;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static const char *const value_files[] = { "count", "time_ns", "time_ticks" };

/* All three value files must be there: say which one is missing early. */
static int check_values(const char *dir, struct ex_err *err)
{
	char path[4096];
	int ret;

	for (size_t i = 0; i < 3; i++) {
		ret = join(path, sizeof(path), dir, value_files[i], NULL, err);
		if (ret)
			return ret;
		if (!exists(path)) {
			set_err(err, path, NULL);
			return -ENOENT;
		}
	}
	return 0;
}

static int cmp_class(const void *a, const void *b)
{
	const struct ex_class *x = a, *y = b;
	unsigned ix = (unsigned)x->id, iy = (unsigned)y->id;	/* -1 sorts last */

	if (ix != iy)
		return ix < iy ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int cmp_cpu(const void *a, const void *b)
{
	const struct ex_cpu *x = a, *y = b;

	return x->num < y->num ? -1 : x->num > y->num;
}

/*
 * Per-cpu class directories: any subdirectory with a count file. Classes
 * that exist only there (not expected, but not excluded by the contract)
 * are added to the list so that they are reported too.
 */
static int scan_cpu(struct ex_layout *l, const char *cpudir, bool fill,
		    size_t cpu, struct ex_err *err)
{
	char path[4096], **names = NULL;
	size_t n = 0;
	int ret;

	ret = list_dirs(cpudir, &names, &n, err);
	if (ret)
		return ret;
	for (size_t i = 0; i < n && !ret; i++) {
		int c, id = -1;

		ret = join(path, sizeof(path), cpudir, names[i], "count", err);
		if (ret || !exists(path))
			continue;
		ret = join(path, sizeof(path), cpudir, names[i], NULL, err);
		if (!ret)
			ret = check_values(path, err);
		if (ret)
			break;
		c = find_class(l, names[i]);
		if (fill) {
			if (c >= 0)
				l->cpu_has[cpu * l->nclass + (size_t)c] = true;
			continue;
		}
		if (c >= 0)
			continue;
		ret = join(path, sizeof(path), cpudir, names[i], "id", err);
		if (!ret && exists(path))
			ret = read_id(path, &id, err);
		if (!ret) {
			c = add_class(l, names[i], id);
			ret = c < 0 ? c : 0;
		}
	}
	free_names(names, n);
	return ret;
}

int ex_layout_discover(const char *root, struct ex_layout *l, struct ex_err *err)
{
	char path[4096], **names = NULL;
	size_t n = 0;
	int ret;

	memset(l, 0, sizeof(*l));
	ret = ex_probe(root, err);
	if (ret)
		return ret;
	l->root = strdup(root);
	if (!l->root)
		return -ENOMEM;
	ret = check_values(root, err);
	if (ret)
		goto fail;
	ret = join(path, sizeof(path), root, "counter_hz", NULL, err);
	if (ret)
		goto fail;
	if (exists(path)) {
		ret = ex_read_u64(path, &l->counter_hz, err);
		if (ret)
			goto fail;
		l->has_hz = true;
	}

	ret = list_dirs(root, &names, &n, err);
	if (ret)
		goto fail;
	/* Pass 1: VM-level classes (directories with an id) and cpus. */
	for (size_t i = 0; i < n; i++) {
		unsigned num;
		int id, c;

		if (parse_cpu_name(names[i], &num)) {
			struct ex_cpu *nc = realloc(l->cpu, (l->ncpu + 1) * sizeof(*nc));

			if (!nc) {
				ret = -ENOMEM;
				goto fail;
			}
			l->cpu = nc;
			l->cpu[l->ncpu++].num = num;
			continue;
		}
		ret = join(path, sizeof(path), root, names[i], "id", err);
		if (ret)
			goto fail;
		if (!exists(path))
			continue;	/* not a class: ignored for forward compatibility */
		ret = read_id(path, &id, err);
		if (!ret)
			ret = join(path, sizeof(path), root, names[i], NULL, err);
		if (!ret)
			ret = check_values(path, err);
		if (ret)
			goto fail;
		c = add_class(l, names[i], id);
		if (c < 0) {
			ret = c;
			goto fail;
		}
		l->cls[c].in_vm = true;
	}
	if (l->ncpu)
		qsort(l->cpu, l->ncpu, sizeof(*l->cpu), cmp_cpu);
	/* Pass 2: classes that only per-cpu directories have. */
	for (size_t i = 0; i < l->ncpu; i++) {
		snprintf(path, sizeof(path), "%s/cpu%u", root, l->cpu[i].num);
		ret = check_values(path, err);
		if (!ret)
			ret = scan_cpu(l, path, false, i, err);
		if (ret)
			goto fail;
	}
	if (l->nclass)
		qsort(l->cls, l->nclass, sizeof(*l->cls), cmp_class);
	/* Pass 3: which cpu has which class, now that indices are final. */
	l->cpu_has = calloc(l->ncpu * l->nclass + 1, sizeof(*l->cpu_has));
	if (!l->cpu_has) {
		ret = -ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < l->ncpu; i++) {
		snprintf(path, sizeof(path), "%s/cpu%u", root, l->cpu[i].num);
		ret = scan_cpu(l, path, true, i, err);
		if (ret)
			goto fail;
	}
	l->nreads = 3 + 3 * l->ncpu;
	for (size_t c = 0; c < l->nclass; c++) {
		l->nreads += l->cls[c].in_vm ? 3 : 0;
		for (size_t i = 0; i < l->ncpu; i++)
			l->nreads += l->cpu_has[i * l->nclass + c] ? 3 : 0;
	}
	free_names(names, n);
	return 0;
fail:
	free_names(names, n);
	ex_layout_free(l);
	return ret;
}

void ex_layout_free(struct ex_layout *l)
{
	if (l->dev_fd > 0)
		close(l->dev_fd);
	free(l->buf);
	free(l->cpu_block);
	free(l->cpu_mpidr);
	free(l->root);
	free(l->cls);
	free(l->cpu);
	free(l->cpu_has);
	memset(l, 0, sizeof(*l));
}

int ex_snapshot_alloc(const struct ex_layout *l, struct ex_snapshot *s)
{
	memset(s, 0, sizeof(*s));
	s->cls = calloc(l->nclass + 1, sizeof(*s->cls));
	s->cpu = calloc(l->ncpu + 1, sizeof(*s->cpu));
	s->cpu_cls = calloc(l->ncpu * l->nclass + 1, sizeof(*s->cpu_cls));
	s->cpu_exits = calloc(l->ncpu + 1, sizeof(*s->cpu_exits));
	s->caller = -1;
	if (!s->cls || !s->cpu || !s->cpu_cls || !s->cpu_exits) {
		ex_snapshot_free(s);
		return -ENOMEM;
	}
	return 0;
}

void ex_snapshot_free(struct ex_snapshot *s)
{
	free(s->cls);
	free(s->cpu);
	free(s->cpu_cls);
	free(s->cpu_exits);
	memset(s, 0, sizeof(*s));
}

static int read_counts(const char *dir, struct ex_counts *c, struct ex_err *err)
{
	uint64_t *dst[3] = { &c->count, &c->time_ns, &c->time_ticks };
	char path[4096];
	int ret;

	for (size_t i = 0; i < 3; i++) {
		ret = join(path, sizeof(path), dir, value_files[i], NULL, err);
		if (!ret)
			ret = ex_read_u64(path, dst[i], err);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Always in the same order (totals, classes, then each cpu), so that the
 * difference of two back-to-back snapshots is, for every file, the cost of
 * exactly one snapshot's reads.
 */
int ex_snapshot_read(const struct ex_layout *l, struct ex_snapshot *s, struct ex_err *err)
{
	char dir[4096];
	int ret;

	s->start_ns = ex_now_ns();
	ret = read_counts(l->root, &s->total, err);
	for (size_t c = 0; c < l->nclass && !ret; c++) {
		if (!l->cls[c].in_vm)
			continue;
		ret = join(dir, sizeof(dir), l->root, l->cls[c].name, NULL, err);
		if (!ret)
			ret = read_counts(dir, &s->cls[c], err);
	}
	for (size_t i = 0; i < l->ncpu && !ret; i++) {
		snprintf(dir, sizeof(dir), "%s/cpu%u", l->root, l->cpu[i].num);
		ret = read_counts(dir, &s->cpu[i], err);
		for (size_t c = 0; c < l->nclass && !ret; c++) {
			char sub[4096];

			if (!l->cpu_has[i * l->nclass + c])
				continue;
			ret = join(sub, sizeof(sub), dir, l->cls[c].name, NULL, err);
			if (!ret)
				ret = read_counts(sub, &s->cpu_cls[i * l->nclass + c], err);
		}
	}
	s->end_ns = ex_now_ns();
	return ret;
}

int ex_diff_alloc(const struct ex_layout *l, struct ex_diff *d)
{
	memset(d, 0, sizeof(*d));
	d->cls = calloc(l->nclass + 1, sizeof(*d->cls));
	d->cpu = calloc(l->ncpu + 1, sizeof(*d->cpu));
	d->cpu_cls = calloc(l->ncpu * l->nclass + 1, sizeof(*d->cpu_cls));
	if (!d->cls || !d->cpu || !d->cpu_cls) {
		ex_diff_free(d);
		return -ENOMEM;
	}
	return 0;
}

void ex_diff_free(struct ex_diff *d)
{
	free(d->cls);
	free(d->cpu);
	free(d->cpu_cls);
	memset(d, 0, sizeof(*d));
}

static bool delta(const struct ex_counts *a, const struct ex_counts *b, struct ex_delta *d)
{
	/* Unsigned difference reinterpreted: small decreases show as negative. */
	d->count = (int64_t)(b->count - a->count);
	d->time_ns = (int64_t)(b->time_ns - a->time_ns);
	d->time_ticks = (int64_t)(b->time_ticks - a->time_ticks);
	return b->count < a->count || b->time_ns < a->time_ns ||
	       b->time_ticks < a->time_ticks;
}

void ex_diff_compute(const struct ex_layout *l, const struct ex_snapshot *before,
		     const struct ex_snapshot *after, struct ex_diff *d)
{
	size_t ncc = l->ncpu * l->nclass;
	bool back;

	back = delta(&before->total, &after->total, &d->total);
	for (size_t c = 0; c < l->nclass; c++)
		back |= delta(&before->cls[c], &after->cls[c], &d->cls[c]);
	for (size_t i = 0; i < l->ncpu; i++)
		back |= delta(&before->cpu[i], &after->cpu[i], &d->cpu[i]);
	for (size_t i = 0; i < ncc; i++)
		back |= delta(&before->cpu_cls[i], &after->cpu_cls[i], &d->cpu_cls[i]);
	d->backwards = back;
}
