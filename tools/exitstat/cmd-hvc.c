// SPDX-License-Identifier: GPL-2.0
/* exitstat hvc: hypercalls by SMCCC function ID. */
#include <stdio.h>
#include <stdlib.h>

#include "builtin.h"

static bool list_calls;		/* --calls */

static const char *take_calls(struct cli *cli, const char *arg)
{
	(void)cli;
	(void)arg;
	list_calls = true;
	return NULL;
}

static const struct cli_option hvc_options[] = {
	{ "calls", NULL, "also every call in trace order: time, guest, vcpu,\n"
	  "function and the exit's counter (patched traces)", take_calls },
	{ NULL, NULL, NULL, NULL },
};

/* --calls: one row per call, in trace order, collected during the analysis. */
static int add_call(void *ctx, const struct es_call *c)
{
	struct table *t = ctx;
	const char *name = es_smccc_name(c->fid);

	cell_float(t, (double)c->time_ns / 1e9);
	if (c->guest < 0)
		cell_null(t);
	else
		cell_int(t, c->guest);
	cell_int(t, c->vcpu);
	cell_str(t, "0x%08x", c->fid);
	cell_str(t, "%s", name ? name : "(unknown)");
	cell_str(t, "%s", es_class_name(c->cls));
	if (c->exit_count)
		cell_uint(t, c->exit_count);
	else
		cell_null(t);
	return 0;
}

static int run_hvc(struct cli *cli)
{
	static const struct column call_cols[] = {
		{ "time_s", NULL }, { "guest", NULL }, { "vcpu", NULL },
		{ "function_id", NULL }, { "name", NULL }, { "conduit", NULL },
		{ "exit_count", NULL },
	};
	struct table *calls = NULL;
	static const struct column cols[] = {
		{ "function_id", NULL }, { "name", NULL }, { "owner", NULL },
		{ "conduit", NULL }, { "calls", NULL }, { "share_pct", "share" },
		{ "imm_nonzero", NULL },
	};
	struct es_result *r;
	struct table *t;
	uint64_t total = 0;
	size_t *idx, i;

	if (list_calls) {
		calls = table_new("call_list", "Every call in trace order (time after the first event)",
				  7, call_cols);
		cli->opts.on_call = add_call;
		cli->opts.call_ctx = calls;
	}
	r = run_analysis(cli, cli->files[0]);
	if (!r)
		return 1;
	out_start(cli->fmt, cli->cmd);
	print_trace_info(cli, r);
	for (i = 0; i < r->nhvcs; i++)
		total += r->hvcs[i].count;
	idx = order_by(r->nhvcs ? &r->hvcs[0].count : NULL, r->nhvcs, sizeof(*r->hvcs));
	t = table_new("calls", "HVC/SMC calls by function ID (kvm_hvc_arm64 x0/r0)", 7, cols);
	for (i = 0; i < r->nhvcs; i++) {
		const struct es_hvc *h = &r->hvcs[idx[i]];
		const char *name = es_smccc_name(h->fid);

		cell_str(t, "0x%08x", h->fid);
		cell_str(t, "%s", name ? name : "(unknown)");
		cell_str(t, "%s", es_smccc_owner(h->fid));
		cell_str(t, "%s", es_class_name(h->cls));
		cell_uint(t, h->count);
		cell_pct(t, share(h->count, total));
		cell_uint(t, h->imm_nonzero);
	}
	table_print(t);

	t = kv_new("totals", "Totals");
	kv_uint(t, "calls", NULL, total);
	kv_uint(t, "hvc64_exits", "HVC64 exits", r->class_exits[0x16]);
	kv_uint(t, "hvc32_exits", "HVC32 exits", r->class_exits[0x12]);
	kv_uint(t, "smc64_exits", "SMC64 exits", r->class_exits[0x17]);
	kv_uint(t, "smc32_exits", "SMC32 exits", r->class_exits[0x13]);
	kv_uint(t, "kvm_hvc_arm64_outside_exit", "kvm_hvc_arm64 outside an exit",
		r->hvc_orphans);
	table_print(t);
	if (calls)
		table_print(calls);
	if (!r->events_by_kind[ES_EV_HVC])
		out_note("\nNo kvm_hvc_arm64 records: record with -e kvm (or -e kvm:kvm_hvc_arm64).\n");
	out_note("\nSMC exits are handled like HVC by KVM but are not traced by kvm_hvc_arm64.\n");
	free(idx);
	es_result_free(r);
	return finish_output();
}

const struct command cmd_hvc = {
	.name = "hvc",
	.run = run_hvc,
	.nfiles = 1,
	.help = "HVC/SMC calls by SMCCC function ID (x0/w0 or r0 from kvm_hvc_arm64):\n"
		"PSCI functions, SMCCC architecture calls and KVM vendor-hypervisor\n"
		"calls by name, unknown IDs raw with their SMCCC owner; per conduit\n"
		"(HVC64, HVC32, SMC64, SMC32).\n",
	.options = hvc_options,
};
