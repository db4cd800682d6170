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

int cmd_compare(struct cli *cli)
{
	static const char *const cols[] = {
		"class", "exits_a", "share_a", "rate_a", "exits_b", "share_b",
		"rate_b", "delta", "rate_ratio",
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
	out_start(cli->fmt);
	t = kv_new("traces", NULL);
	if (cli->fmt == OUT_TEXT)
		printf("exitstat compare: A = %s, B = %s\n", a->path, b->path);
	kv_str(t, "A", "%s", a->path);
	kv_str(t, "B", "%s", b->path);
	kv_float(t, "A span (s)", span_seconds(a));
	kv_float(t, "B span (s)", span_seconds(b));
	kv_uint(t, "A exits", a->exits);
	kv_uint(t, "B exits", b->exits);
	kv_str(t, "A layout", a->patched ? "patched" : "stock");
	kv_str(t, "B layout", b->patched ? "patched" : "stock");
	kv_uint(t, "A lost-event markers", a->loss_markers);
	kv_uint(t, "B lost-event markers", b->loss_markers);
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
	out_end();
	free(idx);
	es_result_free(a);
	es_result_free(b);
	return 0;
}
