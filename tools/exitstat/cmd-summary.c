// SPDX-License-Identifier: GPL-2.0
/* exitstat summary: exits per class, vcpu and guest, with time in the host. */
#include <stdio.h>
#include <stdlib.h>

#include "builtin.h"

/* The columns timing_cells() fills: time in the host, in ns. */
#define HOST_TIME_COLUMNS \
	{ "host_total_ns", "host_total" }, { "host_mean_ns", "host_mean" }, \
	{ "host_p50_ns", "host_p50" }, { "host_p99_ns", "host_p99" }, \
	{ "host_max_ns", "host_max" }

static void timing_cells(struct table *t, const struct es_timing *tm)
{
	const struct es_hist *h = &tm->host;

	if (!h->count) {
		cell_null(t); cell_null(t); cell_null(t); cell_null(t); cell_null(t);
		return;
	}
	cell_ns(t, h->total);
	cell_ns(t, h->total / h->count);
	cell_ns(t, es_hist_percentile(h, 50));
	cell_ns(t, es_hist_percentile(h, 99));
	cell_ns(t, h->max);
}

static void print_classes(const struct es_result *r)
{
	static const struct column cols[] = {
		{ "class", NULL }, { "ret", NULL }, { "esr_ec", NULL }, { "exits", NULL },
		{ "share_pct", "share" }, { "timed", NULL }, HOST_TIME_COLUMNS,
		{ "description", NULL },
	};
	struct table *t = table_new("classes", "Exits per class (time in host: kvm_exit -> next kvm_entry of the thread)",
				    12, cols);
	size_t *idx = order_by(r->class_exits, ES_NCLASS, sizeof(uint64_t)), i;

	for (i = 0; i < ES_NCLASS; i++) {
		int cls = (int)idx[i];
		long ret = es_class_ret(cls);

		if (!r->class_exits[cls])
			continue;
		cell_str(t, "%s", es_class_name(cls));
		cell_str(t, "%s", ret >= 0 ? es_ret_name(ret) : "?");
		cell_str(t, "0x%02x", es_class_ec(cls));
		cell_uint(t, r->class_exits[cls]);
		cell_pct(t, share(r->class_exits[cls], r->exits));
		cell_uint(t, r->class_t[cls].exits);
		timing_cells(t, &r->class_t[cls]);
		cell_str(t, "%s", cls < 64 ? es_ec_description((unsigned int)cls)
				     : cls == ES_CLASS_IRQ ? "host interrupt"
				     : cls == ES_CLASS_SERROR ? "SError at exit"
				     : cls == ES_CLASS_IL ? "illegal exception return"
				     : cls == ES_CLASS_HYP_GONE ? "hypervisor gone"
				     : "unknown ret code");
	}
	if (r->exits) {
		cell_str(t, "ALL");
		cell_str(t, "-");
		cell_str(t, "-");
		cell_uint(t, r->exits);
		cell_pct(t, 100.0);
		cell_uint(t, r->all_t.exits);
		timing_cells(t, &r->all_t);
		cell_str(t, "all classes");
	}
	free(idx);
	table_print(t);
}

static const char *top_class(const struct es_vcpu *v)
{
	int best = -1, c;

	for (c = 0; c < ES_NCLASS; c++)
		if (v->class_exits[c] && (best < 0 || v->class_exits[c] > v->class_exits[best]))
			best = c;
	return best < 0 ? "-" : es_class_name(best);
}

static void print_vcpus(const struct es_result *r)
{
	static const struct column cols[] = {
		{ "guest", NULL }, { "vcpu", NULL }, { "tid", NULL }, { "exits", NULL },
		{ "share_pct", "share" }, { "top_class", NULL }, HOST_TIME_COLUMNS,
	};
	struct table *t = table_new("vcpus", "Per vcpu", 11, cols);
	size_t *idx = order_by(r->nvcpus ? &r->vcpus[0].exits : NULL, r->nvcpus,
			       sizeof(*r->vcpus)), i;

	for (i = 0; i < r->nvcpus; i++) {
		const struct es_vcpu *v = &r->vcpus[idx[i]];

		if (!v->exits)
			continue;
		if (v->guest < 0)
			cell_null(t);
		else
			cell_int(t, v->guest);
		cell_int(t, v->vcpu);
		cell_int(t, v->tid);
		cell_uint(t, v->exits);
		cell_pct(t, share(v->exits, r->exits));
		cell_str(t, "%s", top_class(v));
		timing_cells(t, &v->t);
	}
	free(idx);
	table_print(t);
}

static void print_guests(const struct es_result *r)
{
	static const struct column cols[] = {
		{ "guest", NULL }, { "vcpus", NULL }, { "exits", NULL },
		{ "share_pct", "share" }, HOST_TIME_COLUMNS,
	};
	struct table *t = table_new("guests", "Per guest (VMM process)", 9, cols);
	size_t *idx = order_by(r->nguests ? &r->guests[0].exits : NULL, r->nguests,
			       sizeof(*r->guests)), i;
	unsigned int unknown_vcpus = 0;

	for (i = 0; i < r->nguests; i++) {
		const struct es_guest *g = &r->guests[idx[i]];

		if (!g->exits)
			continue;
		if (g->guest < 0) {
			cell_str(t, "unknown");
			unknown_vcpus = g->nvcpus;
		} else {
			cell_int(t, g->guest);
		}
		cell_uint(t, g->nvcpus);
		cell_uint(t, g->exits);
		cell_pct(t, share(g->exits, r->exits));
		timing_cells(t, &g->t);
	}
	free(idx);
	table_print(t);
	if (r->guest_source == ES_GUEST_NONE && unknown_vcpus)
		out_note("  No process information (stock kvm_exit, no --tgid-map): all %u vcpu\n"
			 "  threads are one row 'unknown', whatever VMs they belong to;\n"
			 "  --tgid-map FILE (tracefs saved_tgids) splits them by process.\n",
			 unknown_vcpus);
	else if (r->guest_source == ES_GUEST_TGID && unknown_vcpus)
		out_note("  %u vcpu thread(s) not in the tgid map are one row 'unknown'.\n",
			 unknown_vcpus);
}

static void print_pairing(const struct es_result *r)
{
	struct table *t = kv_new("pairing", "Pairing of kvm_exit with kvm_entry");

	kv_uint(t, "paired", NULL, r->paired);
	kv_uint(t, "exit_without_entry", "exit followed by another exit", r->exit_no_entry);
	kv_uint(t, "entry_without_exit", "entry without a preceding exit", r->entry_no_exit);
	kv_uint(t, "open_at_end", "exit still open at end of trace", r->open_at_end);
	kv_uint(t, "dropped_at_loss_marker", "exit dropped at a lost-events marker",
		r->broken_by_loss);
	table_print(t);
}

static void print_uexits(const struct es_result *r)
{
	static const struct column cols[] = {
		{ "reason", NULL }, { "code", NULL }, { "count", NULL },
	};
	struct table *t = table_new("userspace_exits", "Exits to userspace (kvm_userspace_exit)", 3, cols);
	unsigned int i;

	for (i = 0; i < 64; i++) {
		if (!r->uexit_reasons[i])
			continue;
		cell_str(t, "%s", i == 63 ? "63 or above" : es_userspace_exit_name(i));
		cell_uint(t, i);
		cell_uint(t, r->uexit_reasons[i]);
	}
	if (r->uexit_errors) {
		cell_str(t, "error/restart (errno < 0)");
		cell_null(t);
		cell_uint(t, r->uexit_errors);
	}
	table_print(t);
}

static int run_summary(struct cli *cli)
{
	struct es_result *r = run_analysis(cli, cli->files[0]);

	if (!r)
		return 1;
	out_start(cli->fmt, cli->cmd);
	print_trace_info(cli, r);
	print_classes(r);
	print_vcpus(r);
	print_guests(r);
	print_pairing(r);
	print_uexits(r);
	out_note("\nhost_p50/host_p99 come from a log-linear (HDR-style) histogram of constant\n"
		 "size: within 3%% of the exact value. host_max and host_total are exact.\n");
	if (r->loss_markers || r->loss_overrun > 0)
		out_note("\nThe trace lost events: see 'exitstat lost'. Counts above cover what was kept.\n");
	es_result_free(r);
	return finish_output();
}

const struct command cmd_summary = {
	.name = "summary",
	.run = run_summary,
	.nfiles = 1,
	.help = "Exits per class with their count, share and time spent in the host\n"
		"(kvm_exit to the next kvm_entry of the same thread: total, mean, p50,\n"
		"p99, max), then per vcpu and per guest. The header gives the trace\n"
		"span, event totals, the identity method and unpaired records.\n",
};
