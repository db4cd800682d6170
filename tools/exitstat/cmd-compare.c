// SPDX-License-Identifier: GPL-2.0
/* exitstat compare: two traces side by side. */
#include <stdio.h>
#include <stdlib.h>

#include "builtin.h"

static double rate(uint64_t n, const struct es_result *r)
{
	double s = span_seconds(r);

	return s > 0 ? (double)n / s : 0.0;
}

static int run_compare(struct cli *cli)
{
	static const struct column cols[] = {
		{ "class", NULL }, { "exits_a", NULL }, { "share_a_pct", "share_a" },
		{ "rate_a_per_s", "rate_a" }, { "exits_b", NULL },
		{ "share_b_pct", "share_b" }, { "rate_b_per_s", "rate_b" },
		{ "exits_delta", "delta" }, { "rate_ratio", NULL },
	};
	struct es_result *a, *b;
	uint64_t keys[ES_NCLASS];
	struct table *t;
	size_t *idx, i;

	a = run_analysis(cli, cli->files[0]);
	if (!a)
		return 1;
	b = run_analysis(cli, cli->files[1]);
	if (!b) {
		es_result_free(a);
		return 1;
	}
	out_start(cli->fmt, cli->cmd);
	t = kv_new("traces", NULL);
	if (cli->fmt == OUT_TEXT)
		out_printf("exitstat compare: A = %s, B = %s\n", a->path, b->path);
	kv_str(t, "file_a", "A", "%s", a->path);
	kv_str(t, "file_b", "B", "%s", b->path);
	kv_float(t, "span_a_s", "A span (s)", span_seconds(a));
	kv_float(t, "span_b_s", "B span (s)", span_seconds(b));
	kv_uint(t, "exits_a", "A exits", a->exits);
	kv_uint(t, "exits_b", "B exits", b->exits);
	kv_str(t, "layout_a", "A layout", "%s", a->patched ? "patched" : "stock");
	kv_str(t, "layout_b", "B layout", "%s", b->patched ? "patched" : "stock");
	kv_uint(t, "lost_event_markers_a", "A lost-event markers", a->loss_markers);
	kv_uint(t, "lost_event_markers_b", "B lost-event markers", b->loss_markers);
	table_print(t);

	for (i = 0; i < ES_NCLASS; i++)
		keys[i] = a->class_exits[i] + b->class_exits[i];
	idx = order_by(keys, ES_NCLASS, sizeof(uint64_t));
	t = table_new("classes", "Exits per class (rate = exits per second of trace span)", 9, cols);
	for (i = 0; i <= ES_NCLASS; i++) {
		int c = i < ES_NCLASS ? (int)idx[i] : -1;
		uint64_t na = c >= 0 ? a->class_exits[c] : a->exits;
		uint64_t nb = c >= 0 ? b->class_exits[c] : b->exits;
		double ra = rate(na, a), rb = rate(nb, b);

		if (c >= 0 && !keys[c])
			continue;
		cell_str(t, "%s", c >= 0 ? es_class_name(c) : "ALL");
		cell_uint(t, na);
		cell_pct(t, share(na, a->exits));
		cell_float(t, ra);
		cell_uint(t, nb);
		cell_pct(t, share(nb, b->exits));
		cell_float(t, rb);
		cell_int(t, (int64_t)nb - (int64_t)na);
		if (ra > 0)
			cell_float(t, rb / ra);
		else
			cell_null(t);
	}
	table_print(t);
	free(idx);
	es_result_free(a);
	es_result_free(b);
	return finish_output();
}

const struct command cmd_compare = {
	.name = "compare",
	.run = run_compare,
	.nfiles = 2,
	.help = "Two traces side by side: exits per class, share and rate (exits/s\n"
		"over each trace's span), with the change from A to B.\n",
};
