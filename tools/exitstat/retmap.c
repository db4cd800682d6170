// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_exit's ret numbering, from the trace's own print format: its first
 * argument is __print_symbolic(REC->ret, {value, "NAME"}...). Where a value's
 * name means another ES_RET_* than the value itself (a 32-bit ARM host's "HVC"
 * is 7, arm64's TRAP 2; es_ret_by_name), the table is kept and es_ret_map()
 * translates. Used by the decoder (decode.c) and the traceevent plugin.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <event-parse.h>

#include "exitstat.h"

void es_ret_map_init(struct es_ret_map *m, struct tep_event *ev)
{
	struct tep_print_arg *a = ev ? ev->print_fmt.args : NULL;
	struct tep_print_flag_sym *s;
	unsigned int n = 0;
	bool identity = true;

	m->n = 0;
	if (!a || a->type != TEP_PRINT_SYMBOL || !a->symbol.field ||
	    a->symbol.field->type != TEP_PRINT_FIELD || !a->symbol.field->field.name ||
	    strcmp(a->symbol.field->field.name, "ret"))
		return;
	for (s = a->symbol.symbols; s; s = s->next) {
		char *end;
		long long raw;

		if (!s->value || n == ES_MAX_RET_CODES)
			return;
		errno = 0;
		raw = strtoll(s->value, &end, 0);
		if (errno || end == s->value || *end)
			return;		/* not a number: keep the numbering */
		m->e[n].raw = raw;
		m->e[n].ret = es_ret_by_name(s->str);
		if (m->e[n].ret != raw)
			identity = false;
		n++;
	}
	m->n = identity ? 0 : n;
}

int64_t es_ret_map(const struct es_ret_map *m, int64_t raw)
{
	unsigned int i;

	if (!m->n)
		return raw;		/* arm64's numbering */
	for (i = 0; i < m->n; i++)
		if (m->e[i].raw == raw)
			return m->e[i].ret;
	return raw == ES_RET_HYP_GONE ? raw : -1;
}
