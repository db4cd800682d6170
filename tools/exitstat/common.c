// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the subcommands. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"

struct es_result *run_analysis(struct cli *cli, const char *path)
{
	struct es_result *r = NULL;
	struct es_error err;

	if (es_analyze(path, &cli->opts, &r, &err)) {
		fprintf(stderr, "exitstat: %s: %s\n", path, err.msg);
		return NULL;
	}
	return r;
}

int parse_number(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return errno || end == s || *end || *out != *out ? -EINVAL : 0;
}

double span_seconds(const struct es_result *r)
{
	return (double)(r->last_ts - r->first_ts) / 1e9;
}

double share(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static const uint8_t *sort_base;
static size_t sort_stride;

static int by_key_desc(const void *a, const void *b)
{
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
	uint64_t ka, kb;

	memcpy(&ka, sort_base + ia * sort_stride, sizeof(ka));
	memcpy(&kb, sort_base + ib * sort_stride, sizeof(kb));
	if (ka != kb)
		return ka > kb ? -1 : 1;
	return ia < ib ? -1 : ia > ib;
}

size_t *order_by(const uint64_t *keys, size_t n, size_t stride)
{
	size_t *idx = malloc((n ? n : 1) * sizeof(*idx)), i;

	if (!idx)
		out_oom();
	for (i = 0; i < n; i++)
		idx[i] = i;
	sort_base = (const uint8_t *)keys;
	sort_stride = stride;
	qsort(idx, n, sizeof(*idx), by_key_desc);
	return idx;
}

static void filter_text(const struct es_filter *f, char *buf, size_t len)
{
	size_t used = 0;
	int cls;

	buf[0] = 0;
#define ADD(...) do { if (used < len) used += (size_t)snprintf(buf + used, len - used, __VA_ARGS__); } while (0)
	if (f->has_pid)
		ADD("pid=%lld ", (long long)f->pid);
	if (f->has_vcpu)
		ADD("vcpu=%lld ", (long long)f->vcpu);
	if (f->has_class) {
		ADD("class=");
		for (cls = 0; cls < ES_NCLASS; cls++)
			if (f->classes[cls])
				ADD("%s,", es_class_name(cls));
		if (used && used < len && buf[used - 1] == ',')
			buf[--used] = 0;
		ADD(" ");
	}
	if (f->has_from)
		ADD("from=%gs ", f->from_s);
	if (f->has_to)
		ADD("to=%gs ", f->to_s);
	if (used && used < len && buf[used - 1] == ' ')
		buf[--used] = 0;
	if (!buf[0])
		snprintf(buf, len, "none");
#undef ADD
}

void print_trace_info(const struct cli *cli, const struct es_result *r)
{
	struct table *t = kv_new("trace", NULL);
	char buf[512];

	if (out_format() == OUT_TEXT)
		out_printf("exitstat %s: %s\n", cli->cmd, r->path);
	kv_str(t, "file", NULL, "%s", r->path);
	kv_str(t, "kernel_layout", "kernel layout", "%s", r->patched
	       ? "patched (kvm_exit has vm_pid, vcpu_id, exit_count)"
	       : "stock (kvm_exit has ret, esr_ec, vcpu_pc)");
	kv_uint(t, "cpus", NULL, (uint64_t)r->cpus);
	kv_float(t, "first_event_s", "first event (s)", (double)r->first_ts / 1e9);
	kv_float(t, "span_s", "span (s)", span_seconds(r));
	kv_uint(t, "events", NULL, r->events_total);
	kv_uint(t, "kvm_exit_records", "kvm_exit records", r->exits_total);
	kv_uint(t, "kvm_entry_records", "kvm_entry records", r->events_by_kind[ES_EV_ENTRY]);
	kv_uint(t, "exits_matching_filter", "exits matching filter", r->exits);
	filter_text(&cli->opts.filter, buf, sizeof(buf));
	kv_str(t, "filter", NULL, "%s", buf);
	kv_str(t, "vcpu_identity", "vcpu identity", "%s", r->vcpu_identity);
	kv_str(t, "guest_identity", "guest identity", "%s", r->guest_identity);
	if (out_format() != OUT_TEXT) {	/* the same two facts, for programs */
		kv_str(t, "vcpu_source", NULL, "%s", r->patched ? "vcpu_id" : "tid");
		kv_str(t, "guest_source", NULL, "%s", es_guest_source_name(r->guest_source));
	}
	if (r->malformed)
		kv_uint(t, "malformed_records", "malformed records", r->malformed);
	kv_uint(t, "lost_event_markers", "lost-event markers", r->loss_markers);
	kv_str(t, "reader", NULL, "%s", r->reader ? r->reader : "?");
	table_print(t);
}

int finish_output(void)
{
	int err = out_end();

	if (err) {
		fprintf(stderr, "exitstat: standard output: write: %s\n", strerror(-err));
		return 1;
	}
	return 0;
}
