// SPDX-License-Identifier: GPL-2.0
/*
 * guest-exits: printers. Text tables are column-aligned for reading and awk;
 * JSON is one object per report (one per line in --watch), times in ns.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* ---------------------------------------------------------------- JSON */

void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", out);
		else if (ch == '\t')
			fputs("\\t", out);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

static void json_id(FILE *out, int id)
{
	if (id < 0)
		fputs("null", out);
	else
		fprintf(out, "%d", id);
}

/* Opens the N-th class object of a JSON array: {"name":...,"id":..., (more fields follow). */
void json_class_open(FILE *out, size_t n, const char *name, int id)
{
	fprintf(out, "%s{\"name\":", n ? "," : "");
	json_str(out, name);
	fputs(",\"id\":", out);
	json_id(out, id);
	fputc(',', out);
}

void json_mean(FILE *out, double time_ns, double count)
{
	if (count > 0)
		fprintf(out, "%.1f", time_ns / count);
	else
		fputs("null", out);
}

static void json_counts(FILE *out, const struct ex_counts *c)
{
	fprintf(out, "\"count\":%" PRIu64 ",\"time_ns\":%" PRIu64 ",\"time_ticks\":%" PRIu64
		",\"mean_ns\":", c->count, c->time_ns, c->time_ticks);
	json_mean(out, (double)c->time_ns, (double)c->count);
}

static void json_delta(FILE *out, const struct ex_delta *d)
{
	fprintf(out, "\"count\":%" PRId64 ",\"time_ns\":%" PRId64 ",\"time_ticks\":%" PRId64
		",\"mean_ns\":", d->count, d->time_ns, d->time_ticks);
	json_mean(out, (double)d->time_ns, (double)d->count);
}

void json_hz(FILE *out, const struct ex_layout *l)
{
	fputs(",\"counter_hz\":", out);
	if (l->has_hz)
		fprintf(out, "%" PRIu64, l->counter_hz);
	else
		fputs("null", out);
}

/* ---------------------------------------------------------------- text */

void text_mean(FILE *out, double time_ns, double count)
{
	if (count > 0)
		fprintf(out, " %12.1f", time_ns / count);
	else
		fprintf(out, " %12s", "-");
}

void text_id(FILE *out, int id)
{
	if (id < 0)
		fprintf(out, " %5s", "?");
	else
		fprintf(out, "  0x%02x", (unsigned)id);
}

/* ---------------------------------------------------------------- sorting */

static int cmp_ent(const void *a, const void *b)
{
	const struct sort_ent *x = a, *y = b;

	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

struct sort_ent *sort_classes(const struct ex_layout *l, const int64_t *keys)
{
	struct sort_ent *e = calloc(l->nclass + 1, sizeof(*e));

	if (!e)
		return NULL;
	for (size_t c = 0; c < l->nclass; c++) {
		e[c].key = keys[c];
		e[c].idx = c;
	}
	if (l->nclass)
		qsort(e, l->nclass, sizeof(*e), cmp_ent);
	return e;
}

/* Sorting failure (out of memory) falls back to layout order. */
size_t order(const struct sort_ent *e, size_t i)
{
	return e ? e[i].idx : i;
}

/* ---------------------------------------------------------------- table */

/* Where the figures come from; a snapshot's sequence, caller and kvm_exit counters. */
static void json_source(FILE *out, const struct ex_layout *l, const struct ex_snapshot *s)
{
	fprintf(out, ",\"source\":\"%s\"", l->dev_fd > 0 ? "device" : "sysfs");
	if (!s->has_exits)
		return;
	fprintf(out, ",\"sequence\":%" PRIu64 ",\"caller_cpu\":", s->sequence);
	if (s->caller >= 0)
		fprintf(out, "%u", l->cpu[s->caller].num);
	else
		fputs("null", out);
	fprintf(out, ",\"cpus_by\":\"%s\",\"kvm_exits\":%" PRIu64,
		l->cpu_by_mpidr ? "mpidr" : "vcpu_order", s->vm_exits);
}

static void text_source(FILE *out, const struct ex_layout *l, const struct ex_snapshot *s)
{
	fputs("(reading this table took one snapshot, one HVC exit, itself in the counts:\n"
	      " snapshot ", out);
	fprintf(out, "%" PRIu64 " of this VM, taken on ", s->sequence);
	if (s->caller >= 0)
		fprintf(out, "cpu%u", l->cpu[s->caller].num);
	else
		fputs("an unknown cpu", out);
	fprintf(out, "; kvm_exit counter: VM %" PRIu64, s->vm_exits);
	for (size_t i = 0; i < l->ncpu; i++)
		fprintf(out, ", cpu%u %" PRIu64, l->cpu[i].num, s->cpu_exits[i]);
	fputs(")\n", out);
}

void report_table(FILE *out, bool json, const struct ex_layout *l,
		  const struct ex_snapshot *s)
{
	int64_t *keys = calloc(l->nclass + 1, sizeof(*keys));
	struct ex_counts sum = { 0, 0, 0 };
	struct sort_ent *e;
	size_t hidden = 0;

	for (size_t c = 0; c < l->nclass; c++) {
		sum.count += s->cls[c].count;
		sum.time_ns += s->cls[c].time_ns;
		sum.time_ticks += s->cls[c].time_ticks;
		if (keys)
			keys[c] = s->cls[c].count > INT64_MAX ? INT64_MAX : (int64_t)s->cls[c].count;
	}
	e = keys ? sort_classes(l, keys) : NULL;
	free(keys);

	if (json) {
		fputs("{\"mode\":\"table\",\"root\":", out);
		json_str(out, l->root);
		json_hz(out, l);
		fprintf(out, ",\"ncpu\":%zu,\"reads_per_snapshot\":%zu,\"snapshot_ns\":%" PRIu64,
			l->ncpu, l->nreads, s->end_ns - s->start_ns);
		json_source(out, l, s);
		fputs(",\"total\":{", out);
		json_counts(out, &s->total);
		fputs("},\"class_sum\":{", out);
		json_counts(out, &sum);
		fputs("},\"classes\":[", out);
		for (size_t i = 0, n = 0; i < l->nclass; i++) {
			size_t c = order(e, i);

			if (!l->cls[c].in_vm)
				continue;
			json_class_open(out, n++, l->cls[c].name, l->cls[c].id);
			fprintf(out, "\"share\":%.6f,",
				s->total.count ? (double)s->cls[c].count / (double)s->total.count : 0.0);
			json_counts(out, &s->cls[c]);
			fputc('}', out);
		}
		fputs("],\"cpus\":[", out);
		for (size_t i = 0; i < l->ncpu; i++) {
			fprintf(out, "%s{\"cpu\":%u,", i ? "," : "", l->cpu[i].num);
			json_counts(out, &s->cpu[i]);
			if (s->has_exits)
				fprintf(out, ",\"mpidr\":%" PRIu64 ",\"kvm_exits\":%" PRIu64,
					l->cpu_mpidr[i], s->cpu_exits[i]);
			fputs(",\"classes\":[", out);
			for (size_t j = 0, n = 0; j < l->nclass; j++) {
				size_t c = order(e, j);

				if (!l->cpu_has[i * l->nclass + c])
					continue;
				json_class_open(out, n++, l->cls[c].name, l->cls[c].id);
				json_counts(out, &s->cpu_cls[i * l->nclass + c]);
				fputc('}', out);
			}
			fputs("]}", out);
		}
		fputs("]}\n", out);
		free(e);
		return;
	}

	fprintf(out, "Exits of this VM by class (%s", l->root);
	if (l->has_hz)
		fprintf(out, ", counter %" PRIu64 " Hz", l->counter_hz);
	fprintf(out, ", %zu cpu%s)\n", l->ncpu, l->ncpu == 1 ? "" : "s");
	fprintf(out, "%-12s %5s %14s %8s %16s %12s\n",
		"CLASS", "ID", "COUNT", "SHARE", "TIME_NS", "MEAN_NS");
	for (size_t i = 0; i < l->nclass; i++) {
		size_t c = order(e, i);
		const struct ex_counts *k = &s->cls[c];

		if (!l->cls[c].in_vm)
			continue;
		if (!k->count && !k->time_ns) {
			hidden++;
			continue;
		}
		fprintf(out, "%-12s", l->cls[c].name);
		text_id(out, l->cls[c].id);
		fprintf(out, " %14" PRIu64 " %7.2f%% %16" PRIu64, k->count,
			s->total.count ? 100.0 * (double)k->count / (double)s->total.count : 0.0,
			k->time_ns);
		text_mean(out, (double)k->time_ns, (double)k->count);
		fputc('\n', out);
	}
	fprintf(out, "%-12s %5s %14" PRIu64 " %7.2f%% %16" PRIu64, "total", "",
		s->total.count, s->total.count ? 100.0 : 0.0, s->total.time_ns);
	text_mean(out, (double)s->total.time_ns, (double)s->total.count);
	fputc('\n', out);
	fprintf(out, "%-12s %5s %14" PRIu64 " %8s %16" PRIu64 "\n", "classes sum", "",
		sum.count, "", sum.time_ns);
	if (hidden)
		fprintf(out, "(%zu class%s without exits not shown)\n", hidden,
			hidden == 1 ? "" : "es");
	if (l->dev_fd > 0)
		text_source(out, l, s);
	else
		fprintf(out, "(reading this table took %zu reads, each at least one HVC exit)\n",
			l->nreads);
	if (l->ncpu) {
		fprintf(out, "\n%-12s %5s %14s %8s %16s %12s\n",
			"CPU", "", "COUNT", "SHARE", "TIME_NS", "MEAN_NS");
		for (size_t i = 0; i < l->ncpu; i++) {
			const struct ex_counts *k = &s->cpu[i];
			char name[16];

			snprintf(name, sizeof(name), "cpu%u", l->cpu[i].num);
			fprintf(out, "%-12s %5s %14" PRIu64 " %7.2f%% %16" PRIu64, name, "",
				k->count,
				s->total.count ? 100.0 * (double)k->count / (double)s->total.count : 0.0,
				k->time_ns);
			text_mean(out, (double)k->time_ns, (double)k->count);
			fputc('\n', out);
		}
	}
	free(e);
}

/* ---------------------------------------------------------------- watch */

void report_watch_header(FILE *out, const struct ex_layout *l, double seconds)
{
	if (l->dev_fd > 0)
		fprintf(out, "Exits of this VM every %g s (%s; each sample is one snapshot, one HVC "
			"exit, included below)\n", seconds, l->root);
	else
		fprintf(out, "Exits of this VM every %g s (%s; each sample reads %zu files, "
			"at least %zu HVC exits, included below)\n", seconds, l->root, l->nreads,
			l->nreads);
	fprintf(out, "%10s  %-12s %5s %12s %12s %16s %12s\n",
		"T_S", "CLASS", "ID", "COUNT", "PER_S", "TIME_NS", "MEAN_NS");
}

int64_t *count_keys(const struct ex_layout *l, const struct ex_delta *d)
{
	int64_t *keys = calloc(l->nclass + 1, sizeof(*keys));

	for (size_t c = 0; keys && c < l->nclass; c++)
		keys[c] = d[c].count;
	return keys;
}

bool changed(const struct ex_delta *d)
{
	return d->count || d->time_ns || d->time_ticks;
}

void report_watch(FILE *out, bool json, const struct ex_layout *l,
		  const struct ex_diff *d, unsigned sample, uint64_t t_ns,
		  uint64_t interval_ns)
{
	int64_t *keys = count_keys(l, d->cls);
	struct sort_ent *e = keys ? sort_classes(l, keys) : NULL;
	double secs = (double)interval_ns / 1e9;

	free(keys);
	if (json) {
		fprintf(out, "{\"mode\":\"watch\",\"sample\":%u,\"t_ns\":%" PRIu64
			",\"interval_ns\":%" PRIu64 ",\"reads_per_sample\":%zu,\"backwards\":%s,\"total\":{",
			sample, t_ns, interval_ns, l->nreads, d->backwards ? "true" : "false");
		json_delta(out, &d->total);
		fputs("},\"classes\":[", out);
		for (size_t i = 0, n = 0; i < l->nclass; i++) {
			size_t c = order(e, i);

			if (!changed(&d->cls[c]))
				continue;
			json_class_open(out, n++, l->cls[c].name, l->cls[c].id);
			json_delta(out, &d->cls[c]);
			fputc('}', out);
		}
		fputs("],\"cpus\":[", out);
		for (size_t i = 0; i < l->ncpu; i++) {
			fprintf(out, "%s{\"cpu\":%u,", i ? "," : "", l->cpu[i].num);
			json_delta(out, &d->cpu[i]);
			fputc('}', out);
		}
		fputs("]}\n", out);
	} else {
		double t = (double)t_ns / 1e9;

		fprintf(out, "%10.3f  %-12s %5s %12" PRId64 " %12.1f %16" PRId64, t, "total", "",
			d->total.count, secs > 0 ? (double)d->total.count / secs : 0.0,
			d->total.time_ns);
		text_mean(out, (double)d->total.time_ns, (double)d->total.count);
		fputc('\n', out);
		for (size_t i = 0; i < l->nclass; i++) {
			size_t c = order(e, i);
			const struct ex_delta *k = &d->cls[c];

			if (!changed(k))
				continue;
			fprintf(out, "%10.3f  %-12s", t, l->cls[c].name);
			text_id(out, l->cls[c].id);
			fprintf(out, " %12" PRId64 " %12.1f %16" PRId64, k->count,
				secs > 0 ? (double)k->count / secs : 0.0, k->time_ns);
			text_mean(out, (double)k->time_ns, (double)k->count);
			fputc('\n', out);
		}
		if (d->backwards)
			fprintf(out, "%10.3f  (a counter went backwards: the figures above are not reliable)\n", t);
	}
	free(e);
}

/* ---------------------------------------------------------------- probe */

void report_probe(FILE *out, bool json, const char *root, const struct ex_layout *l)
{
	size_t nvm = 0;

	if (l)
		for (size_t c = 0; c < l->nclass; c++)
			nvm += l->cls[c].in_vm;
	if (json) {
		fputs("{\"mode\":\"probe\",\"root\":", out);
		json_str(out, root);
		if (l)
			fprintf(out, ",\"present\":true,\"classes\":%zu,\"ncpu\":%zu}\n", nvm, l->ncpu);
		else
			fputs(",\"present\":false}\n", out);
		return;
	}
	if (l)
		fprintf(out, "guest-exits: %s: present (%zu classes, %zu cpus)\n", root, nvm, l->ncpu);
	else
		fprintf(out, "guest-exits: " ABSENT_FMT "\n", root);
}
