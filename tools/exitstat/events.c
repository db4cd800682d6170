// SPDX-License-Identifier: GPL-2.0
/*
 * The kvm events exitstat reads, one entry each in es_events (at the end):
 * the event's name, its fields (the name in the trace's format, the member
 * of struct es_event it fills, required or optional) and its handler, here.
 * decode.c resolves the table against a trace's formats once; the engine
 * (stats.c) decodes each record of these events and calls the handler with
 * the record's thread, in time order.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "engine.h"

static bool is_cp_class(int cls)
{
	switch (cls) {
	case 0x03: case 0x04: case 0x05: case 0x06: case 0x08: case 0x0c:
	case 0x18:
		return true;
	}
	return false;
}

static void count_sysreg(struct es_engine *e, int space, unsigned int op0,
			 unsigned int op1, unsigned int crn, unsigned int crm,
			 unsigned int op2, bool is_write, bool from_iss)
{
	uint64_t key = ((uint64_t)space << 48) | ((uint64_t)(op0 & 0xff) << 40) |
		       ((uint64_t)(op1 & 0xff) << 32) | ((crn & 0xffu) << 24) |
		       ((crm & 0xffu) << 16) | ((op2 & 0xffu) << 8) |
		       ((unsigned int)is_write << 1) | (unsigned int)from_iss;
	size_t slot = 0;
	long idx = map_find(&e->sysreg_map, key, &slot);
	struct es_sysreg *s;

	if (idx < 0) {
		idx = es_grow_array((void **)&e->r->sysregs, &e->r->nsysregs,
				    &e->sysregs_cap, sizeof(*e->r->sysregs));
		if (idx < 0 || map_insert(&e->sysreg_map, key, (uint32_t)idx)) {
			e->error = -ENOMEM;
			return;
		}
		s = &e->r->sysregs[idx];
		s->space = (uint8_t)space;
		s->op0 = (uint8_t)op0;
		s->op1 = (uint8_t)op1;
		s->crn = (uint8_t)crn;
		s->crm = (uint8_t)crm;
		s->op2 = (uint8_t)op2;
		s->is_write = is_write;
		s->from_iss = from_iss;
	}
	e->r->sysregs[idx].count++;
}

/* The exit ends (entry, next exit, loss, end of trace): settle what it left. */
void es_close_exit(struct es_engine *e, struct es_thread *th)
{
	struct es_result *r = e->r;

	if (th->exit_passed) {
		if (th->has_iss) {
			/* kvm_handle_sys_reg without kvm_sys_access: KVM found
			 * no handler (UNDEF injected); the ESR still names it. */
			uint64_t iss = th->iss;

			count_sysreg(e, ES_REG_AARCH64, (iss >> 20) & 3,
				     (iss >> 14) & 7, (iss >> 10) & 15,
				     (iss >> 1) & 15, (iss >> 17) & 7,
				     !(iss & 1), true);
		} else if (is_cp_class(th->exit_class) && !th->had_sys_access) {
			r->cp_without_access[th->exit_class]++;
		}
		if (th->mmio_idx >= 0) {
			r->mmios[th->mmio_idx].kernel++;
			r->mmio_kernel++;
		}
		if ((th->exit_class == 0x24 || th->exit_class == 0x20) &&
		    !th->had_mmio)
			r->stage2_faults++;
	}
	th->in_exit = false;
	th->has_iss = false;
	th->had_sys_access = false;
	th->had_mmio = false;
	th->mmio_idx = -1;
}

static bool time_ok(const struct es_engine *e, uint64_t rel)
{
	const struct es_filter *f = &e->opts.filter;

	if (f->has_from && rel < e->from_ns)
		return false;
	if (f->has_to && rel >= e->to_ns)
		return false;
	return true;
}

/* exit_count is per vcpu, +1 per exit: holes are lost exits. */
static void count_exit(struct es_vcpu *v, uint64_t c)
{
	if (!v->counted) {
		v->first_count = c;
	} else if (c == v->last_count + 1) {
		/* in order */
	} else if (c > v->last_count + 1) {
		v->counter_gaps++;
		v->counter_lost += c - v->last_count - 1;
	} else {
		v->counter_backwards++;
	}
	v->counted++;
	v->last_count = c;
}

static void on_kvm_exit(struct es_engine *e, struct es_thread *th,
			uint64_t ts, const struct es_event *ev)
{
	const struct es_filter *f = &e->opts.filter;
	struct es_result *r = e->r;
	int cls = es_exit_class((long)ev->u.exit.ret, ev->u.exit.ec);
	int64_t guest, vcpu;
	bool ids_ok = true, passes;
	long vi;

	if (th->in_exit) {
		r->exit_no_entry++;
		es_close_exit(e, th);
	}
	r->exits_total++;

	if (e->l->patched) {
		guest = ev->u.exit.vm_pid;
		vcpu = ev->u.exit.vcpu_id;
	} else {
		size_t slot = 0;
		long tg = map_find(&e->tgid_map, (uint32_t)th->tid, &slot);

		guest = tg >= 0 ? (int32_t)tg : -1;
		vcpu = th->tid;
	}
	if (f->has_pid) {
		/* Without process information the thread id stands in. */
		int64_t who = (e->l->patched || r->has_tgid_map) ? guest : th->tid;

		ids_ok = who == f->pid;
	}
	if (f->has_vcpu && vcpu != f->vcpu)
		ids_ok = false;
	if (!ids_ok) {
		th->in_exit = true;
		th->exit_passed = false;
		th->exit_ts = ts;
		th->exit_class = (uint8_t)cls;
		return;
	}

	vi = es_engine_vcpu(e, guest, vcpu);
	if (vi < 0)
		return;
	struct es_vcpu *v = &r->vcpus[vi];

	v->tid = th->tid;
	/* Before the class/time filters, so that they cannot fake holes. */
	if (e->l->patched)
		count_exit(v, ev->u.exit.exit_count);

	passes = (!f->has_class || f->classes[cls]) && time_ok(e, ts - e->t0);
	th->in_exit = true;
	th->exit_passed = passes;
	th->exit_ts = ts;
	th->exit_class = (uint8_t)cls;
	th->vcpu_idx = (uint32_t)vi;
	if (!passes)
		return;

	r->exits++;
	r->class_exits[cls]++;
	v->class_exits[cls]++;
	if (cls == 0x24)
		r->dabt_exits++;
	if (e->opts.interval_ns) {
		es_timeline_advance(e, ts - e->t0);
		e->tl_counts[cls]++;
	}
}

static void on_kvm_entry(struct es_engine *e, struct es_thread *th,
			 uint64_t ts, const struct es_event *ev)
{
	struct es_result *r = e->r;

	(void)ev;
	if (!th->in_exit) {
		r->entry_no_exit++;
		return;
	}
	r->paired++;
	if (th->exit_passed && ts >= th->exit_ts) {
		uint64_t dt = ts - th->exit_ts;
		struct es_vcpu *v = &r->vcpus[th->vcpu_idx];

		es_engine_time(e, &r->class_t[th->exit_class], dt);
		es_engine_time(e, &r->all_t, dt);
		es_engine_time(e, &v->t, dt);
		es_engine_time(e, &r->guests[e->vcpu_guest[th->vcpu_idx]].t, dt);
	}
	es_close_exit(e, th);
}

static void on_hvc(struct es_engine *e, struct es_thread *th,
		   uint64_t ts, const struct es_event *ev)
{
	uint32_t fid = (uint32_t)ev->u.hvc.r0;	/* SMCCC: W0 holds the ID */
	uint64_t key;
	size_t slot = 0;
	long idx;

	(void)ts;
	if (!th->in_exit) {
		e->r->hvc_orphans++;
		return;
	}
	if (!th->exit_passed)
		return;
	key = ((uint64_t)fid << 8) | th->exit_class;
	idx = map_find(&e->hvc_map, key, &slot);
	if (idx < 0) {
		idx = es_grow_array((void **)&e->r->hvcs, &e->r->nhvcs,
				    &e->hvcs_cap, sizeof(*e->r->hvcs));
		if (idx < 0 || map_insert(&e->hvc_map, key, (uint32_t)idx)) {
			e->error = -ENOMEM;
			return;
		}
		e->r->hvcs[idx].fid = fid;
		e->r->hvcs[idx].cls = th->exit_class;
	}
	e->r->hvcs[idx].count++;
	if (ev->u.hvc.imm)
		e->r->hvcs[idx].imm_nonzero++;
	if (e->opts.on_call) {
		const struct es_vcpu *v = &e->r->vcpus[th->vcpu_idx];
		struct es_call call = {
			.time_ns = th->exit_ts - e->t0, .guest = v->guest,
			.vcpu = v->vcpu, .fid = fid, .cls = th->exit_class,
			.exit_count = e->l->patched ? v->last_count : 0,
		};
		int ret = e->opts.on_call(e->opts.call_ctx, &call);

		if (ret)
			e->error = ret;
	}
}

static void on_sys_access(struct es_engine *e, struct es_thread *th,
			  uint64_t ts, const struct es_event *ev)
{
	(void)ts;
	if (!th->in_exit) {
		e->r->sysreg_orphans++;
		return;
	}
	th->had_sys_access = true;
	th->has_iss = false;	/* the access names the register better */
	if (!th->exit_passed)
		return;
	count_sysreg(e, es_class_regspace(th->exit_class, ev->u.sys.op0),
		     ev->u.sys.op0, ev->u.sys.op1, ev->u.sys.crn, ev->u.sys.crm,
		     ev->u.sys.op2, ev->u.sys.is_write, false);
}

static void on_mmio(struct es_engine *e, struct es_thread *th,
		    uint64_t ts, const struct es_event *ev)
{
	struct es_mmio *m;
	uint64_t page;
	size_t slot = 0;
	long idx;

	(void)ts;
	/* type 1 is the completion of a read already counted as type 0 */
	if (ev->u.mmio.type != 0 && ev->u.mmio.type != 2)
		return;
	if (!th->in_exit || !th->exit_passed)
		return;
	th->had_mmio = true;
	page = ev->u.mmio.gpa & ~0xfffULL;
	idx = map_find(&e->mmio_map, page, &slot);
	if (idx < 0) {
		idx = es_grow_array((void **)&e->r->mmios, &e->r->nmmios,
				    &e->mmios_cap, sizeof(*e->r->mmios));
		if (idx < 0 || map_insert(&e->mmio_map, page, (uint32_t)idx)) {
			e->error = -ENOMEM;
			return;
		}
		e->r->mmios[idx].page = page;
	}
	m = &e->r->mmios[idx];
	if (ev->u.mmio.type == 2)
		m->writes++;
	else
		m->reads++;
	if (ev->u.mmio.len < 32)
		m->len_mask |= 1u << ev->u.mmio.len;
	e->r->mmio_accesses++;
	/* A previous access of the same exit that did not go to userspace. */
	if (th->mmio_idx >= 0) {
		e->r->mmios[th->mmio_idx].kernel++;
		e->r->mmio_kernel++;
	}
	th->mmio_idx = idx;
}

static void on_userspace_exit(struct es_engine *e, struct es_thread *th,
			      uint64_t ts, const struct es_event *ev)
{
	struct es_result *r = e->r;
	bool counted = th->in_exit ? th->exit_passed
				   : !(e->filter_ids || e->opts.filter.has_class);

	(void)ts;
	if (counted) {
		if (ev->u.uexit.err < 0)
			r->uexit_errors++;
		else
			r->uexit_reasons[ev->u.uexit.reason < 63 ? ev->u.uexit.reason : 63]++;
	}
	if (th->mmio_idx >= 0 && ev->u.uexit.err >= 0 &&
	    ev->u.uexit.reason == 6 /* KVM_EXIT_MMIO */) {
		r->mmios[th->mmio_idx].user++;
		r->mmio_user++;
		th->mmio_idx = -1;
	}
}

static void on_handle_sys_reg(struct es_engine *e, struct es_thread *th,
			      uint64_t ts, const struct es_event *ev)
{
	(void)e;
	(void)ts;
	if (th->in_exit) {
		th->has_iss = true;
		th->iss = ev->u.hsr.esr;
	}
}

/* ------------------------------------------------------------------ */

const struct es_event_desc es_events[ES_EV_NKINDS] = {
	[ES_EV_EXIT] = { "kvm_exit", on_kvm_exit, {
		ES_FIELD("ret", exit.ret, REQUIRED),
		ES_FIELD("esr_ec", exit.ec, REQUIRED),
		ES_FIELD("vcpu_pc", exit.pc, OPTIONAL),
		/* appended by our kernel patch (kernel-patches/V/0002) */
		ES_FIELD("vm_pid", exit.vm_pid, PATCHED),
		ES_FIELD("vcpu_id", exit.vcpu_id, PATCHED),
		ES_FIELD("exit_count", exit.exit_count, PATCHED),
	} },
	[ES_EV_ENTRY] = { "kvm_entry", on_kvm_entry, { { 0 } } },
	[ES_EV_HVC] = { "kvm_hvc_arm64", on_hvc, {
		ES_FIELD("r0", hvc.r0, REQUIRED),
		ES_FIELD("imm", hvc.imm, OPTIONAL),
	} },
	[ES_EV_SYS_ACCESS] = { "kvm_sys_access", on_sys_access, {
		ES_FIELD("Op0", sys.op0, REQUIRED),
		ES_FIELD("Op1", sys.op1, REQUIRED),
		ES_FIELD("CRn", sys.crn, REQUIRED),
		ES_FIELD("CRm", sys.crm, REQUIRED),
		ES_FIELD("Op2", sys.op2, REQUIRED),
		ES_FIELD("is_write", sys.is_write, REQUIRED),
	} },
	/* 'hsr' in 6.1, renamed 'esr' later */
	[ES_EV_HANDLE_SYS_REG] = { "kvm_handle_sys_reg", on_handle_sys_reg, {
		ES_FIELD2("hsr", "esr", hsr.esr, REQUIRED),
	} },
	[ES_EV_MMIO] = { "kvm_mmio", on_mmio, {
		ES_FIELD("type", mmio.type, REQUIRED),
		ES_FIELD("len", mmio.len, REQUIRED),
		ES_FIELD2("gpa", "phys_addr", mmio.gpa, REQUIRED),
	} },
	[ES_EV_USERSPACE_EXIT] = { "kvm_userspace_exit", on_userspace_exit, {
		ES_FIELD("reason", uexit.reason, REQUIRED),
		ES_FIELD("errno", uexit.err, OPTIONAL),
	} },
	/* only counted (events_by_kind) */
	[ES_EV_GUEST_FAULT] = { "kvm_guest_fault", NULL, {
		ES_FIELD("ipa", fault.ipa, OPTIONAL),
	} },
};
