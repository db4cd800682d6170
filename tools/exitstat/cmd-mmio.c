// SPDX-License-Identifier: GPL-2.0
/* exitstat mmio: MMIO accesses by address, device, and where handled. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"

static void sizes(char *buf, size_t len, uint32_t mask)
{
	size_t used = 0;
	unsigned int n;

	buf[0] = 0;
	for (n = 0; n < 32 && used < len; n++)
		if (mask & (1u << n))
			used += (size_t)snprintf(buf + used, len - used, "%s%u",
						 used ? "," : "", n);
}

static int run_mmio(struct cli *cli)
{
	static const struct column cols[] = {
		{ "page", NULL }, { "region", NULL }, { "accesses", NULL },
		{ "reads", NULL }, { "writes", NULL }, { "userspace", NULL },
		{ "kernel", NULL }, { "sizes_bytes", "sizes" },
	};
	static const struct column rcols[] = {
		{ "region", NULL }, { "accesses", NULL }, { "reads", NULL },
		{ "writes", NULL }, { "userspace", NULL }, { "kernel", NULL },
	};
	struct es_result *r = run_analysis(cli, cli->files[0]);
	struct table *t;
	uint64_t *keys;
	size_t *idx, i, j;
	char buf[64];

	if (!r)
		return 1;
	out_start(cli->fmt, cli->cmd);
	print_trace_info(cli, r);
	keys = calloc(r->nmmios + 1, sizeof(*keys));
	if (!keys)
		out_oom();
	for (i = 0; i < r->nmmios; i++)
		keys[i] = r->mmios[i].reads + r->mmios[i].writes;
	idx = order_by(keys, r->nmmios, sizeof(uint64_t));

	t = table_new("regions", "MMIO by device region (QEMU 'virt' memory map)", 6, rcols);
	/* Aggregate pages into regions in order of first appearance. */
	for (i = 0; i < r->nmmios; i++) {
		const char *region = es_mmio_region(r->mmios[idx[i]].page);
		uint64_t a = 0, rd = 0, wr = 0, us = 0, kn = 0;
		bool seen = false;

		for (j = 0; j < i; j++)
			if (!strcmp(es_mmio_region(r->mmios[idx[j]].page), region))
				seen = true;
		if (seen)
			continue;
		for (j = i; j < r->nmmios; j++) {
			const struct es_mmio *m = &r->mmios[idx[j]];

			if (strcmp(es_mmio_region(m->page), region))
				continue;
			a += m->reads + m->writes;
			rd += m->reads;
			wr += m->writes;
			us += m->user;
			kn += m->kernel;
		}
		cell_str(t, "%s", region);
		cell_uint(t, a);
		cell_uint(t, rd);
		cell_uint(t, wr);
		cell_uint(t, us);
		cell_uint(t, kn);
	}
	table_print(t);

	t = table_new("pages", "MMIO by guest physical page", 8, cols);
	for (i = 0; i < r->nmmios; i++) {
		const struct es_mmio *m = &r->mmios[idx[i]];

		cell_str(t, "0x%09llx", (unsigned long long)m->page);
		cell_str(t, "%s", es_mmio_region(m->page));
		cell_uint(t, m->reads + m->writes);
		cell_uint(t, m->reads);
		cell_uint(t, m->writes);
		cell_uint(t, m->user);
		cell_uint(t, m->kernel);
		sizes(buf, sizeof(buf), m->len_mask);
		cell_str(t, "%s", buf);
	}
	table_print(t);

	t = kv_new("totals", "Totals");
	kv_uint(t, "dabt_low_exits", "DABT_LOW exits", r->dabt_exits);
	kv_uint(t, "mmio_accesses", "MMIO accesses", r->mmio_accesses);
	kv_uint(t, "handled_in_userspace", "handled in userspace", r->mmio_user);
	kv_uint(t, "handled_in_kernel", "handled in the kernel", r->mmio_kernel);
	kv_uint(t, "abort_exits_without_mmio", "abort exits without MMIO (stage-2 faults)",
		r->stage2_faults);
	table_print(t);
	free(idx);
	free(keys);
	es_result_free(r);
	return finish_output();
}

const struct command cmd_mmio = {
	.name = "mmio",
	.run = run_mmio,
	.nfiles = 1,
	.help = "MMIO accesses by guest physical page and device region (QEMU 'virt'\n"
		"map), reads/writes, handled in the kernel or in userspace (a\n"
		"kvm_userspace_exit with reason MMIO followed the access).\n",
};
