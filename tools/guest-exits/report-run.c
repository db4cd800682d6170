// SPDX-License-Identifier: GPL-2.0
/*
 * guest-exits: the report of --run. Per figure: what was read (after - before),
 * what is subtracted as the measurement's own cost (OVERHEAD), and the
 * corrected figure, which is never negative: a figure within the measurement's
 * resolution R prints as "<R" (JSON: null, and the bound in *_below*).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static const char *raw_str(char *buf, size_t n, int64_t v)
{
	if (v < 0)
		snprintf(buf, n, "n/a");
	else
		snprintf(buf, n, "%" PRId64, v);
	return buf;
}

static const char *fig_str(char *buf, size_t n, const struct ex_fig *f)
{
	if (f->unknown)
		snprintf(buf, n, "n/a");
	else if (f->below)
		snprintf(buf, n, "<%" PRIu64, f->below);
	else
		snprintf(buf, n, "%" PRIu64, f->value);
	return buf;
}

static bool firm(const struct ex_fig *f)
{
	return !f->unknown && !f->below;
}

static void json_raw(FILE *out, const char *key, int64_t v)
{
	if (v < 0)
		fprintf(out, "\"%s\":null", key);
	else
		fprintf(out, "\"%s\":%" PRId64, key, v);
}

static void json_fig(FILE *out, const char *key, const char *below_key, const struct ex_fig *f)
{
	if (firm(f))
		fprintf(out, "\"%s\":%" PRIu64 ",\"%s\":null", key, f->value, below_key);
	else if (f->below)
		fprintf(out, "\"%s\":null,\"%s\":%" PRIu64, key, below_key, f->below);
	else
		fprintf(out, "\"%s\":null,\"%s\":null", key, below_key);
}

static void json_entry(FILE *out, const struct ex_delta *r, const struct ex_delta *o,
		       const struct ex_delta *res, const struct ex_cfig *c)
{
	json_raw(out, "count", r->count);
	fputc(',', out);
	json_raw(out, "time_ns", r->time_ns);
	fputc(',', out);
	json_raw(out, "time_ticks", r->time_ticks);
	fputs(",\"mean_ns\":", out);
	json_mean(out, r->count < 0 || r->time_ns < 0 ? 0.0 : (double)r->time_ns,
		  r->count < 0 || r->time_ns < 0 ? 0.0 : (double)r->count);
	fprintf(out, ",\"overhead\":{\"count\":%" PRId64 ",\"time_ns\":%" PRId64
		",\"count_resolution\":%" PRId64 ",\"time_resolution_ns\":%" PRId64 "}",
		o->count, o->time_ns, res->count, res->time_ns);
	fputs(",\"corrected\":{", out);
	json_fig(out, "count", "count_below", &c->count);
	fputc(',', out);
	json_fig(out, "time_ns", "time_below_ns", &c->time_ns);
	fputs(",\"mean_ns\":", out);
	if (firm(&c->count) && firm(&c->time_ns))
		json_mean(out, (double)c->time_ns.value, (double)c->count.value);
	else
		fputs("null", out);
	fputc('}', out);
}

static void json_cpu_num(FILE *out, const char *key, const struct ex_layout *l, int i)
{
	if (i < 0)
		fprintf(out, ",\"%s\":null", key);
	else
		fprintf(out, ",\"%s\":%u", key, l->cpu[i].num);
}

static void json_measurement(FILE *out, const struct ex_layout *l, const struct run_result *r)
{
	const struct ex_calib *cal = r->calib;

	fprintf(out, ",\"measurement\":{\"exits_per_snapshot\":");
	if (cal->device)
		fputs("1", out);
	else
		fputs("null", out);
	fprintf(out, ",\"reads_per_snapshot\":%zu,\"calibration_pairs\":%u,"
		"\"calibration_snapshots\":%u,\"tick_ns\":%" PRIu64, l->nreads, cal->pairs,
		cal->snapshots, cal->tick_ns);
	if (cal->device) {
		fputs(",\"snapshot_class\":", out);
		json_str(out, l->cls[cal->snap_class].name);
		fprintf(out, ",\"snapshot_class_id\":%d", cal->snap_class_id);
		json_cpu_num(out, "before_cpu", l, cal->before_cpu);
		json_cpu_num(out, "after_cpu", l, cal->after_cpu);
		fprintf(out, ",\"sequence_before\":%" PRIu64 ",\"sequence_after\":%" PRIu64
			",\"snapshot_time_ns\":%" PRIu64 ",\"snapshot_time_min_ns\":%" PRIu64
			",\"snapshot_time_max_ns\":%" PRIu64 ",\"time_resolution_ns\":%" PRIu64
			",\"cpus_by\":\"%s\"", r->before->sequence, r->after->sequence, cal->cost_ns,
			cal->min_ns, cal->max_ns, cal->res_ns, l->cpu_by_mpidr ? "mpidr" : "vcpu_order");
	}
	fputc('}', out);
}

static void report_run_json(FILE *out, const struct ex_layout *l, const struct run_result *r,
			    const struct sort_ent *e)
{
	const struct ex_diff *R = r->result, *O = &r->calib->overhead, *S = &r->calib->resolution;
	const struct ex_corrected *C = r->corrected;
	const struct ex_snapshot *b = r->before, *a = r->after;

	fputs("{\"mode\":\"run\",\"command\":", out);
	json_str(out, r->command);
	if (r->exited)
		fprintf(out, ",\"exit_status\":%d,\"signal\":null", r->code);
	else
		fprintf(out, ",\"exit_status\":null,\"signal\":%d", r->code);
	fprintf(out, ",\"elapsed_ns\":%" PRIu64 ",\"source\":\"%s\",\"fallback\":", r->elapsed_ns,
		r->calib->device ? "device" : "sysfs");
	if (r->fallback)
		json_str(out, r->fallback);
	else
		fputs("null", out);
	fprintf(out, ",\"reads_per_snapshot\":%zu,\"backwards\":%s", l->nreads,
		R->backwards ? "true" : "false");
	json_hz(out, l);
	json_measurement(out, l, r);
	fputs(",\"total\":{", out);
	json_entry(out, &R->total, &O->total, &S->total, &C->total);
	if (a->has_exits)
		fprintf(out, ",\"kvm_exits\":%" PRIu64, a->vm_exits - b->vm_exits);
	fputs("},\"classes\":[", out);
	for (size_t i = 0, n = 0; i < l->nclass; i++) {
		size_t c = order(e, i);

		if (!changed(&R->cls[c]) && !changed(&O->cls[c]))
			continue;
		json_class_open(out, n++, l->cls[c].name, l->cls[c].id);
		json_entry(out, &R->cls[c], &O->cls[c], &S->cls[c], &C->cls[c]);
		fputc('}', out);
	}
	fputs("],\"cpus\":[", out);
	for (size_t i = 0; i < l->ncpu; i++) {
		fprintf(out, "%s{\"cpu\":%u,", i ? "," : "", l->cpu[i].num);
		json_entry(out, &R->cpu[i], &O->cpu[i], &S->cpu[i], &C->cpu[i]);
		if (a->has_exits)
			fprintf(out, ",\"kvm_exits\":%" PRIu64, a->cpu_exits[i] - b->cpu_exits[i]);
		fputs(",\"classes\":[", out);
		for (size_t j = 0, n = 0; j < l->nclass; j++) {
			size_t c = order(e, j), k = i * l->nclass + c;

			if (!l->cpu_has[k] || (!changed(&R->cpu_cls[k]) && !changed(&O->cpu_cls[k])))
				continue;
			json_class_open(out, n++, l->cls[c].name, l->cls[c].id);
			json_entry(out, &R->cpu_cls[k], &O->cpu_cls[k], &S->cpu_cls[k], &C->cpu_cls[k]);
			fputc('}', out);
		}
		fputs("]}", out);
	}
	fputs("]}\n", out);
}

static void text_row(FILE *out, const char *name, int id, const struct ex_delta *r,
		     const struct ex_delta *o, const struct ex_cfig *c)
{
	char b[6][32];

	fprintf(out, "%-12s", name);
	if (id == -2)
		fprintf(out, " %5s", "");
	else
		text_id(out, id);
	fprintf(out, " %12s %14s", raw_str(b[0], 32, r->count), raw_str(b[1], 32, r->time_ns));
	if (r->count < 0 || r->time_ns < 0)
		fprintf(out, " %12s", "-");
	else
		text_mean(out, (double)r->time_ns, (double)r->count);
	fprintf(out, " %10s %14s %10s %14s\n", raw_str(b[2], 32, o->count),
		raw_str(b[3], 32, o->time_ns), fig_str(b[4], 32, &c->count),
		fig_str(b[5], 32, &c->time_ns));
}

static const char *cpu_name(char *buf, size_t n, const struct ex_layout *l, int i)
{
	if (i < 0)
		snprintf(buf, n, "an unknown cpu");
	else
		snprintf(buf, n, "cpu%u", l->cpu[i].num);
	return buf;
}

static void text_intro(FILE *out, const struct ex_layout *l, const struct run_result *r)
{
	const struct ex_calib *cal = r->calib;
	char a[32], b[32];

	fprintf(out, "Exits of this VM while the command ran (%.6f s).\n", (double)r->elapsed_ns / 1e9);
	if (!cal->device) {
		fprintf(out, "Read from the per-value files of %s%s%s: a snapshot is %zu reads, each at\n"
			"least one HVC exit. OVERHEAD: each figure's median over %u pairs of back-to-back\n"
			"snapshots; CORRECTED = figure - overhead, '<R' when within R, the pairs' spread.\n",
			l->root, r->fallback ? " " : "", r->fallback ? r->fallback : "", l->nreads,
			cal->pairs);
		return;
	}
	fprintf(out, "Read from %s: one snapshot before the command and one after, each exactly\n"
		"one %s exit. OVERHEAD: the after-snapshot's own exit (1 %s on %s: counted, its\n"
		"time not) and the before-snapshot's exit time (%s on %s: %" PRIu64 " ns, the median\n"
		"of %u back-to-back pairs, %" PRIu64 "-%" PRIu64 " ns). CORRECTED = figure - overhead;\n"
		"'<R': within the resolution R (that spread, at least one counter tick: %" PRIu64 " ns).\n",
		l->root, l->cls[cal->snap_class].name, l->cls[cal->snap_class].name,
		cpu_name(a, sizeof(a), l, cal->after_cpu), l->cls[cal->snap_class].name,
		cpu_name(b, sizeof(b), l, cal->before_cpu), cal->cost_ns, cal->pairs, cal->min_ns,
		cal->max_ns, cal->res_ns);
}

static void report_run_text(FILE *out, const struct ex_layout *l, const struct run_result *r,
			    const struct sort_ent *e)
{
	const struct ex_diff *R = r->result, *O = &r->calib->overhead;
	const struct ex_corrected *C = r->corrected;

	text_intro(out, l, r);
	fprintf(out, "%-12s %5s %12s %14s %12s %10s %14s %10s %14s\n", "CLASS", "ID", "COUNT",
		"TIME_NS", "MEAN_NS", "OVERHEAD", "OVERHEAD_NS", "CORRECTED", "CORRECTED_NS");
	for (size_t i = 0; i < l->nclass; i++) {
		size_t c = order(e, i);

		if (!changed(&R->cls[c]) && !changed(&O->cls[c]))
			continue;
		text_row(out, l->cls[c].name, l->cls[c].id, &R->cls[c], &O->cls[c], &C->cls[c]);
	}
	text_row(out, "total", -2, &R->total, &O->total, &C->total);
	for (size_t i = 0; i < l->ncpu; i++) {
		char name[16];

		snprintf(name, sizeof(name), "cpu%u", l->cpu[i].num);
		text_row(out, name, -2, &R->cpu[i], &O->cpu[i], &C->cpu[i]);
	}
	if (r->after->has_exits)
		fprintf(out, "(the VM's kvm_exit counter moved by %" PRIu64 ": every exit, counted by "
			"class or not)\n", r->after->vm_exits - r->before->vm_exits);
	if (R->backwards)
		fputs("(a counter went backwards: n/a figures are not reliable)\n", out);
	if (r->exited)
		fprintf(out, "command exit status: %d\n", r->code);
	else
		fprintf(out, "command killed by signal %d (%s)\n", r->code, strsignal(r->code));
}

void report_run(FILE *out, bool json, const struct ex_layout *l, const struct run_result *r)
{
	int64_t *keys = count_keys(l, r->result->cls);
	struct sort_ent *e = keys ? sort_classes(l, keys) : NULL;

	free(keys);
	if (json)
		report_run_json(out, l, r, e);
	else
		report_run_text(out, l, r, e);
	free(e);
}
