// SPDX-License-Identifier: GPL-2.0
/* exitstat timeline: exits per interval and class, streamed as they close. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"

struct timeline_ctx {
	const struct cli *cli;
	uint64_t interval_ns;
	uint64_t rows;
	bool begun;
};

/* Output starts with the first row, so that a file rejected up front
 * leaves stdout empty and only the one-line error on stderr (JSON and
 * CSV reach stdout only when the whole document is complete). */
static void begin_once(struct timeline_ctx *ctx)
{
	if (ctx->begun)
		return;
	ctx->begun = true;
	out_start(ctx->cli->fmt, ctx->cli->cmd);
	if (ctx->cli->fmt == OUT_TEXT)
		out_printf("exitstat timeline: %s (interval %.3f ms; times in s after the first event)\n\n"
			   "  %12s %12s %9s %11s  %s\n", ctx->cli->files[0],
			   (double)ctx->interval_ns / 1e6, "start", "end", "exits",
			   "rate/s", "per class");
	stream_begin("intervals", "start_s,end_s,class,exits");
}

static void on_interval(void *data, uint64_t start, uint64_t end,
			const uint64_t counts[ES_NCLASS])
{
	struct timeline_ctx *ctx = data;
	size_t *idx = order_by(counts, ES_NCLASS, sizeof(uint64_t)), i;
	uint64_t total = 0;
	double secs = (double)(end - start) / 1e9;

	for (i = 0; i < ES_NCLASS; i++)
		total += counts[i];
	begin_once(ctx);
	ctx->rows++;
	switch (out_format()) {
	case OUT_TEXT:
		out_printf("  %12.3f %12.3f %9llu %11.0f ", (double)start / 1e9,
			   (double)end / 1e9, (unsigned long long)total,
			   (double)total / secs);
		for (i = 0; i < ES_NCLASS && counts[idx[i]]; i++)
			out_printf(" %s:%llu", es_class_name((int)idx[i]),
				   (unsigned long long)counts[idx[i]]);
		out_printf("\n");
		break;
	case OUT_JSON:
		stream_json_item("{\"start_s\": %.9g, \"end_s\": %.9g, \"exits\": %llu, \"rate_per_s\": %.6g, \"classes\": {",
				 (double)start / 1e9, (double)end / 1e9,
				 (unsigned long long)total, (double)total / secs);
		for (i = 0; i < ES_NCLASS && counts[idx[i]]; i++)
			out_printf("%s\"%s\": %llu", i ? ", " : "",
				   es_class_name((int)idx[i]),
				   (unsigned long long)counts[idx[i]]);
		out_printf("}}");
		break;
	case OUT_CSV:
		/* long format: one row per non-empty class, plus the total */
		out_printf("%.9g,%.9g,ALL,%llu\n", (double)start / 1e9,
			   (double)end / 1e9, (unsigned long long)total);
		for (i = 0; i < ES_NCLASS && counts[idx[i]]; i++)
			out_printf("%.9g,%.9g,%s,%llu\n", (double)start / 1e9,
				   (double)end / 1e9, es_class_name((int)idx[i]),
				   (unsigned long long)counts[idx[i]]);
		break;
	}
	free(idx);
}

/* --interval MS */
static const char *take_interval(struct cli *cli, const char *arg)
{
	double v;

	if (parse_number(arg, &v) || v < 0.001 || v > 1e9)
		return "not an interval in ms (0.001 or more): '%s'";
	cli->opts.interval_ns = (uint64_t)(v * 1e6);
	return NULL;
}

static const struct cli_option timeline_options[] = {
	{ "interval", "MS", "interval length in milliseconds (may be fractional)",
	  take_interval },
	{ NULL, NULL, NULL, NULL },
};

static int run_timeline(struct cli *cli)
{
	struct timeline_ctx ctx = { 0 };
	struct es_result *r;

	if (!cli->opts.interval_ns)
		cli->opts.interval_ns = 100 * 1000000ULL;
	ctx.interval_ns = cli->opts.interval_ns;
	cli->opts.on_interval = on_interval;
	cli->opts.interval_ctx = &ctx;

	ctx.cli = cli;
	/* Rows stream out during the analysis, before the trace block. */
	r = run_analysis(cli, cli->files[0]);
	if (!r) {	/* rows of text stay; JSON and CSV are dropped */
		out_abort();
		return 1;
	}
	begin_once(&ctx);
	stream_end();
	if (cli->fmt == OUT_TEXT)
		out_printf("\n");
	print_trace_info(cli, r);
	es_result_free(r);
	return finish_output();
}

const struct command cmd_timeline = {
	.name = "timeline",
	.run = run_timeline,
	.nfiles = 1,
	.help = "Exits per time interval (default 100 ms) and class: a stable rate or\n"
		"bursts? Rows are streamed; empty intervals are printed too.\n",
	.options = timeline_options,
};
