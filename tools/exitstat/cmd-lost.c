// SPDX-License-Identifier: GPL-2.0
/* exitstat lost: what the trace lost, per CPU buffer and per vcpu. */
#include <stdio.h>
#include <stdlib.h>

#include "builtin.h"

static void maybe_int(struct table *t, long long v)
{
	if (v < 0)
		cell_null(t);
	else
		cell_int(t, v);
}

static int run_lost(struct cli *cli)
{
	static const struct column cols[] = {
		{ "cpu", NULL }, { "events", NULL }, { "markers", NULL },
		{ "markers_without_count", NULL }, { "events_dropped_counted", NULL },
		{ "overrun", NULL }, { "commit_overrun", NULL }, { "dropped", NULL },
		{ "first_marker_s", NULL }, { "last_marker_s", NULL },
	};
	static const struct column vcols[] = {
		{ "guest", NULL }, { "vcpu", NULL }, { "exits_seen", NULL },
		{ "first_count", NULL }, { "last_count", NULL }, { "gaps", NULL },
		{ "exits_lost", NULL }, { "backwards", NULL },
	};
	struct es_result *r = run_analysis(cli, cli->files[0]);
	uint64_t counter_lost = 0;
	struct table *t;
	int cpu;
	size_t i;

	if (!r)
		return 1;
	out_start(cli->fmt, cli->cmd);
	print_trace_info(cli, r);

	t = table_new("cpus", "Per CPU buffer: missed-event markers and the buffer statistics saved in the file", 10, cols);
	for (cpu = 0; cpu < r->cpus; cpu++) {
		const struct es_cpu_loss *l = &r->loss[cpu];

		cell_int(t, cpu);
		cell_uint(t, l->events);
		cell_uint(t, l->markers);
		cell_uint(t, l->markers_uncounted);
		cell_uint(t, l->events_counted);
		maybe_int(t, l->overrun);
		maybe_int(t, l->commit_overrun);
		maybe_int(t, l->dropped);
		if (l->markers) {
			cell_float(t, (double)(l->first_ts - r->first_ts) / 1e9);
			cell_float(t, (double)(l->last_ts - r->first_ts) / 1e9);
		} else {
			cell_null(t);
			cell_null(t);
		}
	}
	table_print(t);

	if (r->patched) {
		t = table_new("vcpus", "Per vcpu: gaps in kvm_exit's exit_count (exact count of lost exits)", 8, vcols);
		for (i = 0; i < r->nvcpus; i++) {
			const struct es_vcpu *v = &r->vcpus[i];

			if (!v->counted)
				continue;
			cell_int(t, v->guest);
			cell_int(t, v->vcpu);
			cell_uint(t, v->counted);
			cell_uint(t, v->first_count);
			cell_uint(t, v->last_count);
			cell_uint(t, v->counter_gaps);
			cell_uint(t, v->counter_lost);
			cell_uint(t, v->counter_backwards);
			counter_lost += v->counter_lost;
		}
		table_print(t);
	}

	t = kv_new("totals", "Totals");
	kv_uint(t, "missed_event_markers", "missed-event markers", r->loss_markers);
	kv_uint(t, "markers_without_count", "markers without a count",
		r->loss_uncounted_markers);
	kv_uint(t, "events_dropped_counted", "events dropped (sum of counted markers)",
		r->loss_counted);
	if (r->loss_overrun >= 0)
		kv_int(t, "overrun", "overrun (file CPU stats)", r->loss_overrun);
	else
		kv_unknown(t, "overrun", "overrun (file CPU stats)", "unknown");
	if (r->patched)
		kv_uint(t, "exits_lost", "exits lost (exit_count gaps)", counter_lost);
	else
		kv_unknown(t, "exits_lost", "exits lost (exit_count gaps)",
			   "n/a: stock kernel (needs the patched kvm_exit with exit_count)");
	kv_uint(t, "dropped_at_loss_marker", "exit/entry pairs broken at a marker",
		r->broken_by_loss);
	kv_str(t, "verdict", NULL, "%s",
	       r->loss_markers || r->loss_overrun > 0 || counter_lost
	       ? "events were lost" : "no loss detected");
	table_print(t);
	out_note("\nA marker without a count means the kernel knew events were dropped\n"
		 "before that page but not how many; 'overrun' is the ring buffer's own\n"
		 "count of overwritten events when recording stopped.\n");
	es_result_free(r);
	return finish_output();
}

const struct command cmd_lost = {
	.name = "lost",
	.run = run_lost,
	.nfiles = 1,
	.help = "Lost events: trace-cmd's missed-event markers per CPU buffer (with and\n"
		"without a count), the buffer overruns stored in the file, and on\n"
		"patched traces the exact per-vcpu gaps in kvm_exit's exit_count.\n",
};
