// SPDX-License-Identifier: GPL-2.0
/*
 * correct: calibration of the measurement's cost and the corrected figures of
 * --run (the reasoning is in correct.h). Never prints, never exits.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "correct.h"
#include "snapshot.h"

#define EC_HVC32 0x12
#define EC_HVC64 0x16

int ex_snapshot_class_id(void)
{
	struct utsname u;

	if (uname(&u) == 0 && (!strncmp(u.machine, "aarch64", 7) || !strncmp(u.machine, "arm64", 5)))
		return EC_HVC64;
	return EC_HVC32;
}

size_t ex_ncells(const struct ex_layout *l)
{
	return 1 + l->nclass + l->ncpu + l->ncpu * l->nclass;
}

/* The k-th figure: the total, each class, each cpu, each cpu's classes. */
static size_t cell_index(const struct ex_layout *l, size_t k, int *part)
{
	if (k == 0) {
		*part = 0;
		return 0;
	}
	k--;
	if (k < l->nclass) {
		*part = 1;
		return k;
	}
	k -= l->nclass;
	if (k < l->ncpu) {
		*part = 2;
		return k;
	}
	*part = 3;
	return k - l->ncpu;
}

struct ex_delta *ex_cell(const struct ex_layout *l, const struct ex_diff *d, size_t k)
{
	int part;
	size_t i = cell_index(l, k, &part);

	return part == 0 ? (struct ex_delta *)&d->total : part == 1 ? &d->cls[i] :
	       part == 2 ? &d->cpu[i] : &d->cpu_cls[i];
}

struct ex_cfig *ex_ccell(const struct ex_layout *l, const struct ex_corrected *c, size_t k)
{
	int part;
	size_t i = cell_index(l, k, &part);

	return part == 0 ? (struct ex_cfig *)&c->total : part == 1 ? &c->cls[i] :
	       part == 2 ? &c->cpu[i] : &c->cpu_cls[i];
}

int ex_calib_alloc(const struct ex_layout *l, struct ex_calib *cal)
{
	memset(cal, 0, sizeof(*cal));
	if (ex_diff_alloc(l, &cal->cost) || ex_diff_alloc(l, &cal->spread) ||
	    ex_diff_alloc(l, &cal->overhead) || ex_diff_alloc(l, &cal->resolution)) {
		ex_calib_free(cal);
		return -ENOMEM;
	}
	cal->device = l->dev_fd > 0;
	cal->snap_class = -1;
	cal->before_cpu = cal->after_cpu = -1;
	cal->tick_ns = 1;
	if (l->has_hz && l->counter_hz)
		cal->tick_ns = (1000000000u + l->counter_hz - 1) / l->counter_hz;
	return 0;
}

void ex_calib_free(struct ex_calib *cal)
{
	ex_diff_free(&cal->cost);
	ex_diff_free(&cal->spread);
	ex_diff_free(&cal->overhead);
	ex_diff_free(&cal->resolution);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorts v; the median (mean of the middle two for an even n). */
static int64_t median(int64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_i64);
	return v[(n - 1) / 2] + (v[n / 2] - v[(n - 1) / 2]) / 2;
}

/* A device pair is usable when both ran on one vcpu and only B's exit is in its HVC class. */
static bool device_sample(const struct ex_layout *l, const struct ex_calib *cal,
			  const struct ex_snapshot *a, const struct ex_snapshot *b, int64_t *ns)
{
	size_t k;

	if (a->caller < 0 || a->caller != b->caller)
		return false;
	k = (size_t)a->caller * l->nclass + (size_t)cal->snap_class;
	if (b->cpu_cls[k].count - a->cpu_cls[k].count != 1)
		return false;
	*ns = (int64_t)(b->cpu_cls[k].time_ns - a->cpu_cls[k].time_ns);
	return true;
}

static int find_snap_class(const struct ex_layout *l, struct ex_calib *cal, struct ex_err *err)
{
	cal->snap_class_id = ex_snapshot_class_id();
	for (size_t c = 0; c < l->nclass; c++)
		if (l->cls[c].id == cal->snap_class_id)
			cal->snap_class = (int)c;
	if (cal->snap_class < 0) {
		snprintf(err->path, sizeof(err->path), "%s", l->root);
		err->detail = "the snapshot's own exit class (HVC32/HVC64) is not among its classes";
		return -ENOENT;
	}
	return 0;
}

/* Device: the medians and spread of the samples; sysfs: per figure. */
static void summarize(const struct ex_layout *l, struct ex_calib *cal, int64_t *samples,
		      int64_t *col)
{
	size_t ncells = ex_ncells(l), n = cal->pairs;

	if (cal->device) {
		cal->cost_ns = (uint64_t)median(samples, n);
		cal->min_ns = (uint64_t)samples[0];
		cal->max_ns = (uint64_t)samples[n - 1];
		cal->res_ns = cal->max_ns - cal->min_ns;
		if (cal->res_ns < cal->tick_ns)
			cal->res_ns = cal->tick_ns;
		return;
	}
	for (size_t k = 0; k < ncells; k++) {
		struct ex_delta *cost = ex_cell(l, &cal->cost, k), *sp = ex_cell(l, &cal->spread, k);

		for (size_t i = 0; i < n; i++)
			col[i] = samples[(i * ncells + k) * 2];
		cost->count = median(col, n);
		sp->count = col[n - 1] - col[0];
		for (size_t i = 0; i < n; i++)
			col[i] = samples[(i * ncells + k) * 2 + 1];
		cost->time_ns = median(col, n);
		sp->time_ns = col[n - 1] - col[0];
	}
}

int ex_calibrate(const struct ex_layout *l, unsigned pairs, struct ex_calib *cal,
		 struct ex_snapshot *last, struct ex_err *err)
{
	size_t ncells = ex_ncells(l), per = cal->device ? 1 : ncells * 2;
	int64_t *samples = calloc((size_t)pairs * per + 1, sizeof(*samples));
	int64_t *col = calloc(pairs + 1, sizeof(*col));
	struct ex_snapshot other, *prev = last, *cur = &other;
	struct ex_diff d;
	int ret;

	memset(&d, 0, sizeof(d));
	ret = samples && col && !ex_snapshot_alloc(l, &other) && !ex_diff_alloc(l, &d) ? 0 : -ENOMEM;
	if (!ret && cal->device)
		ret = find_snap_class(l, cal, err);
	if (!ret)
		ret = ex_take(l, prev, err);
	cal->snapshots = 1;
	while (!ret && cal->pairs < pairs && cal->snapshots < 4 * pairs + 1) {
		struct ex_snapshot *t;

		ret = ex_take(l, cur, err);
		if (ret)
			break;
		cal->snapshots++;
		if (cal->device) {
			if (device_sample(l, cal, prev, cur, &samples[cal->pairs]))
				cal->pairs++;
		} else {
			ex_diff_compute(l, prev, cur, &d);
			for (size_t k = 0; k < ncells; k++) {
				samples[(cal->pairs * ncells + k) * 2] = ex_cell(l, &d, k)->count;
				samples[(cal->pairs * ncells + k) * 2 + 1] = ex_cell(l, &d, k)->time_ns;
			}
			cal->pairs++;
		}
		t = prev, prev = cur, cur = t;
	}
	if (!ret && !cal->pairs) {
		snprintf(err->path, sizeof(err->path), "%s", l->root);
		err->detail = "calibration: no two back-to-back snapshots on one vcpu with only the "
			      "snapshot's exit between them";
		ret = -EAGAIN;
	}
	if (!ret)
		summarize(l, cal, samples, col);
	if (prev != last) {	/* the latest snapshot is the one before the command */
		struct ex_snapshot t = *last;

		*last = *prev;
		*prev = t;
	}
	ex_snapshot_free(&other);
	ex_diff_free(&d);
	free(samples);
	free(col);
	return ret;
}

int ex_corrected_alloc(const struct ex_layout *l, struct ex_corrected *c)
{
	memset(c, 0, sizeof(*c));
	c->cls = calloc(l->nclass + 1, sizeof(*c->cls));
	c->cpu = calloc(l->ncpu + 1, sizeof(*c->cpu));
	c->cpu_cls = calloc(l->ncpu * l->nclass + 1, sizeof(*c->cpu_cls));
	if (!c->cls || !c->cpu || !c->cpu_cls) {
		ex_corrected_free(c);
		return -ENOMEM;
	}
	return 0;
}

void ex_corrected_free(struct ex_corrected *c)
{
	free(c->cls);
	free(c->cpu);
	free(c->cpu_cls);
	memset(c, 0, sizeof(*c));
}

/*
 * RAW - OVH with resolution RES: exact when RES is 0 (a negative result then
 * means the cost was not there: unknown when the cost is exact by construction,
 * else below 1), a value when at least RES, else below RES.
 */
static struct ex_fig fig(int64_t raw, int64_t ovh, int64_t res, bool exact_cost)
{
	struct ex_fig f = { 0, 0, false };
	int64_t e = raw - ovh;

	if (raw < 0) {
		f.unknown = true;
	} else if (res == 0 && e >= 0) {
		f.value = (uint64_t)e;
	} else if (res == 0) {
		f.unknown = exact_cost;
		f.below = exact_cost ? 0 : 1;
	} else if (e >= res) {
		f.value = (uint64_t)e;
	} else {
		f.below = (uint64_t)res;
	}
	return f;
}

/* Device: A's exit counted, B's exit's time, in the snapshot's class, cpu and the totals. */
static void device_overhead(const struct ex_layout *l, struct ex_calib *cal)
{
	size_t cls = 1 + (size_t)cal->snap_class, cpu0 = 1 + l->nclass;
	size_t cc0 = cpu0 + l->ncpu + (size_t)cal->snap_class;
	size_t at[4] = { 0, cls, 0, 0 };

	at[2] = cal->after_cpu >= 0 ? cpu0 + (size_t)cal->after_cpu : 0;
	at[3] = cal->after_cpu >= 0 ? cc0 + (size_t)cal->after_cpu * l->nclass : 0;
	for (size_t i = 0; i < 4; i++)
		if (i < 2 || at[i])
			ex_cell(l, &cal->overhead, at[i])->count = 1;
	at[2] = cal->before_cpu >= 0 ? cpu0 + (size_t)cal->before_cpu : 0;
	at[3] = cal->before_cpu >= 0 ? cc0 + (size_t)cal->before_cpu * l->nclass : 0;
	for (size_t i = 0; i < 4; i++) {
		if (i >= 2 && !at[i])
			continue;
		ex_cell(l, &cal->overhead, at[i])->time_ns = (int64_t)cal->cost_ns;
		ex_cell(l, &cal->resolution, at[i])->time_ns = (int64_t)cal->res_ns;
	}
}

void ex_correct(const struct ex_layout *l, struct ex_calib *cal, const struct ex_snapshot *before,
		const struct ex_snapshot *after, const struct ex_diff *raw, struct ex_corrected *c)
{
	size_t ncells = ex_ncells(l);

	for (size_t k = 0; k < ncells; k++) {
		memset(ex_cell(l, &cal->overhead, k), 0, sizeof(struct ex_delta));
		memset(ex_cell(l, &cal->resolution, k), 0, sizeof(struct ex_delta));
	}
	if (cal->device) {
		cal->before_cpu = before->caller;
		cal->after_cpu = after->caller;
		device_overhead(l, cal);
	} else {
		for (size_t k = 0; k < ncells; k++) {
			const struct ex_delta *cost = ex_cell(l, &cal->cost, k);
			const struct ex_delta *sp = ex_cell(l, &cal->spread, k);
			struct ex_delta *res = ex_cell(l, &cal->resolution, k);

			*ex_cell(l, &cal->overhead, k) = *cost;
			res->count = sp->count;
			if (cost->time_ns || sp->time_ns)
				res->time_ns = sp->time_ns > (int64_t)cal->tick_ns ? sp->time_ns :
					       (int64_t)cal->tick_ns;
		}
	}
	for (size_t k = 0; k < ncells; k++) {
		const struct ex_delta *r = ex_cell(l, raw, k), *o = ex_cell(l, &cal->overhead, k);
		const struct ex_delta *res = ex_cell(l, &cal->resolution, k);
		struct ex_cfig *f = ex_ccell(l, c, k);

		f->count = fig(r->count, o->count, res->count, cal->device);
		f->time_ns = fig(r->time_ns, o->time_ns, res->time_ns, cal->device);
	}
}
