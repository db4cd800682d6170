// SPDX-License-Identifier: GPL-2.0
/* exitstat sysreg: trapped register accesses by name and direction. */
#include <stdio.h>
#include <stdlib.h>

#include "builtin.h"

static const int cp_classes[] = { 0x03, 0x04, 0x05, 0x06, 0x08, 0x0c, 0x18 };

static int run_sysreg(struct cli *cli)
{
	static const struct column cols[] = {
		{ "space", NULL }, { "register", NULL }, { "access", NULL },
		{ "encoding", NULL }, { "count", NULL }, { "share_pct", "share" },
		{ "source", NULL },
	};
	static const struct column ccols[] = {
		{ "class", NULL }, { "exits", NULL }, { "named", NULL },
		{ "without_kvm_sys_access", NULL },
	};
	struct es_result *r = run_analysis(cli, cli->files[0]);
	struct table *t;
	uint64_t total = 0;
	size_t *idx, i;
	char name[64];

	if (!r)
		return 1;
	out_start(cli->fmt, cli->cmd);
	print_trace_info(cli, r);
	for (i = 0; i < r->nsysregs; i++)
		total += r->sysregs[i].count;
	idx = order_by(r->nsysregs ? &r->sysregs[0].count : NULL, r->nsysregs, sizeof(*r->sysregs));
	t = table_new("registers", "Trapped register accesses", 7, cols);
	for (i = 0; i < r->nsysregs; i++) {
		const struct es_sysreg *s = &r->sysregs[idx[i]];

		es_sysreg_format(name, sizeof(name), s->space, s->op0, s->op1,
				 s->crn, s->crm, s->op2);
		cell_str(t, "%s", es_regspace_name(s->space));
		cell_str(t, "%s", name);
		cell_str(t, "%s", s->is_write ? "write" : "read");
		cell_str(t, "%u,%u,%u,%u,%u", s->op0, s->op1, s->crn, s->crm, s->op2);
		cell_uint(t, s->count);
		cell_pct(t, share(s->count, total));
		cell_str(t, "%s", s->from_iss ? "ESR ISS (unhandled)" : "kvm_sys_access");
	}
	table_print(t);

	t = table_new("trap_classes", "Register-trap exits", 4, ccols);
	for (i = 0; i < sizeof(cp_classes) / sizeof(cp_classes[0]); i++) {
		int c = cp_classes[i];

		if (!r->class_exits[c])
			continue;
		cell_str(t, "%s", es_class_name(c));
		cell_uint(t, r->class_exits[c]);
		cell_uint(t, r->class_exits[c] - r->cp_without_access[c]);
		cell_uint(t, r->cp_without_access[c]);
	}
	table_print(t);

	t = kv_new("totals", "Totals");
	kv_uint(t, "accesses_named", "accesses named", total);
	kv_float(t, "share_of_exits_pct", "share of all exits (%)", share(total, r->exits));
	kv_uint(t, "kvm_sys_access_outside_exit", "kvm_sys_access outside an exit",
		r->sysreg_orphans);
	table_print(t);
	out_note("\nencoding is Op0,Op1,CRn,CRm,Op2 as traced; AArch32 ID registers reach\n"
		 "KVM's AArch64 table and show their AArch64 names.\n");
	free(idx);
	es_result_free(r);
	return finish_output();
}

const struct command cmd_sysreg = {
	.name = "sysreg",
	.run = run_sysreg,
	.nfiles = 1,
	.help = "Trapped system register, CP15, CP14 and CP10 accesses by register name\n"
		"and direction, from kvm_sys_access (decoded from Op0/Op1/CRn/CRm/Op2\n"
		"in the context of the exit's class) and kvm_handle_sys_reg's ESR ISS\n"
		"for accesses KVM did not handle.\n",
};
