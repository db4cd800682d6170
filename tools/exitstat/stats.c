// SPDX-License-Identifier: GPL-2.0
/*
 * The analysis engine: consumes records in time order and keeps state
 * proportional to threads, vcpus, classes and distinct keys (HVC function
 * IDs, registers, MMIO pages), never to the number of events.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitstat.h"
#include "map.h"

/* Grows a result array by one zeroed element; returns its index or -1. */
static long grow_array(void **arr, size_t *n, size_t *cap, size_t elem)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		void *p = realloc(*arr, ncap * elem);

		if (!p)
			return -1;
		*arr = p;
		*cap = ncap;
	}
	memset((char *)*arr + *n * elem, 0, elem);
	return (long)(*n)++;
}

/* ------------------------------------------------------------------ */

struct thread {
	int32_t tid;
	int32_t last_cpu;
	bool in_exit;		/* a kvm_exit waits for its kvm_entry */
	bool exit_passed;	/* that exit passed the filter */
	bool had_sys_access, had_mmio, has_iss;
	uint8_t exit_class;
	uint64_t exit_ts;
	uint64_t iss;
	uint32_t vcpu_idx;
	long mmio_idx;		/* access waiting to learn kernel or user */
};

struct es_engine {
	const struct es_layout *l;
	struct es_options opts;
	struct es_result *r;
	int cpus;
	int error;

	struct map thread_map, vcpu_map, guest_map, hvc_map, sysreg_map,
		   mmio_map, tgid_map;
	struct thread *threads;
	size_t nthreads, threads_cap;
	uint32_t *vcpu_guest;	/* vcpu index -> guest index */
	size_t vcpus_cap, guests_cap, hvcs_cap, sysregs_cap, mmios_cap,
	       vcpu_guest_cap;

	bool started;
	uint64_t t0, from_ns, to_ns;
	bool filter_ids;	/* --pid or --vcpu given */

	uint64_t tl_k;		/* index of the open timeline interval */
	bool tl_open;
	uint64_t tl_counts[ES_NCLASS];
};

struct es_engine *es_engine_new(const struct es_layout *layout,
				const struct es_options *opts, int cpus)
{
	struct es_engine *e = calloc(1, sizeof(*e));
	int i;

	if (!e)
		return NULL;
	if (cpus < 1)
		cpus = 1;
	e->r = calloc(1, sizeof(*e->r));
	e->r ? (void)(e->r->loss = calloc((size_t)cpus, sizeof(*e->r->loss))) : (void)0;
	if (!e->r || !e->r->loss) {
		if (e->r)
			free(e->r);
		free(e);
		return NULL;
	}
	e->l = layout;
	e->opts = *opts;
	e->cpus = cpus;
	e->r->cpus = cpus;
	e->r->patched = layout->patched;
	for (i = 0; i < cpus; i++) {
		e->r->loss[i].overrun = -1;
		e->r->loss[i].commit_overrun = -1;
		e->r->loss[i].dropped = -1;
	}
	e->r->loss_overrun = -1;
	e->filter_ids = opts->filter.has_pid || opts->filter.has_vcpu;
	return e;
}

void es_engine_set_tgid(struct es_engine *e, int tid, int tgid)
{
	if (map_insert(&e->tgid_map, (uint32_t)tid, (uint32_t)tgid))
		e->error = -ENOMEM;
	e->r->has_tgid_map = true;
}

static struct thread *get_thread(struct es_engine *e, int32_t tid)
{
	size_t slot = 0;
	long idx = map_find(&e->thread_map, (uint32_t)tid, &slot);
	struct thread *th;

	if (idx >= 0)
		return &e->threads[idx];
	idx = grow_array((void **)&e->threads, &e->nthreads, &e->threads_cap,
			 sizeof(*e->threads));
	if (idx < 0 || map_insert(&e->thread_map, (uint32_t)tid, (uint32_t)idx)) {
		e->error = -ENOMEM;
		return NULL;
	}
	th = &e->threads[idx];
	th->tid = tid;
	th->mmio_idx = -1;
	return th;
}

static long get_guest(struct es_engine *e, int64_t guest)
{
	size_t slot = 0;
	long idx = map_find(&e->guest_map, (uint64_t)guest, &slot);

	if (idx >= 0)
		return idx;
	idx = grow_array((void **)&e->r->guests, &e->r->nguests, &e->guests_cap,
			 sizeof(*e->r->guests));
	if (idx < 0 || map_insert(&e->guest_map, (uint64_t)guest, (uint32_t)idx)) {
		e->error = -ENOMEM;
		return -1;
	}
	e->r->guests[idx].guest = guest;
	return idx;
}

static long get_vcpu(struct es_engine *e, int64_t guest, int64_t vcpu)
{
	uint64_t key = ((uint64_t)(uint32_t)guest << 32) | (uint32_t)vcpu;
	size_t slot = 0;
	long idx = map_find(&e->vcpu_map, key, &slot), g;

	if (idx >= 0)
		return idx;
	g = get_guest(e, guest);
	if (g < 0)
		return -1;
	idx = grow_array((void **)&e->r->vcpus, &e->r->nvcpus, &e->vcpus_cap,
			 sizeof(*e->r->vcpus));
	if (idx < 0 || map_insert(&e->vcpu_map, key, (uint32_t)idx)) {
		e->error = -ENOMEM;
		return -1;
	}
	if (e->r->nvcpus > e->vcpu_guest_cap) {
		size_t ncap = e->vcpus_cap;
		uint32_t *p = realloc(e->vcpu_guest, ncap * sizeof(*p));

		if (!p) {
			e->error = -ENOMEM;
			return -1;
		}
		e->vcpu_guest = p;
		e->vcpu_guest_cap = ncap;
	}
	e->vcpu_guest[idx] = (uint32_t)g;
	e->r->vcpus[idx].guest = guest;
	e->r->vcpus[idx].vcpu = vcpu;
	e->r->guests[g].nvcpus++;
	return idx;
}

static void add_time(struct es_engine *e, struct es_timing *t, uint64_t dt)
{
	t->exits++;
	if (es_hist_add(&t->host, dt))
		e->error = -ENOMEM;
}

/* ------------------------------------------------------------------ */
/* Timeline */

/* end: the interval's end, or less for the last one, cut at the trace end
 * so that its rate is not diluted. */
static void timeline_emit_until(struct es_engine *e, uint64_t end)
{
	uint64_t iv = e->opts.interval_ns;

	if (e->opts.on_interval)
		e->opts.on_interval(e->opts.interval_ctx, e->tl_k * iv, end,
				    e->tl_counts);
	memset(e->tl_counts, 0, sizeof(e->tl_counts));
	e->tl_k++;
}

static void timeline_emit(struct es_engine *e)
{
	timeline_emit_until(e, (e->tl_k + 1) * e->opts.interval_ns);
}

/* Closes intervals up to the one containing relative time rel. */
static void timeline_advance(struct es_engine *e, uint64_t rel)
{
	uint64_t k = rel / e->opts.interval_ns;

	if (!e->tl_open) {
		uint64_t from_k = e->from_ns / e->opts.interval_ns;

		e->tl_open = true;
		e->tl_k = from_k;
	}
	while (e->tl_k < k)
		timeline_emit(e);
}

/* ------------------------------------------------------------------ */

static bool is_cp_class(int cls)
{
	switch (cls) {
	case 0x03: case 0x04: case 0x05: case 0x06: case 0x08: case 0x0c:
	case 0x18:
		return true;
	}
	return false;
}

static int regspace_for(int cls, unsigned int op0)
{
	/* Rerouted AArch32 ID registers arrive with their AArch64 encoding. */
	if (op0)
		return ES_REG_AARCH64;
	switch (cls) {
	case 0x03: return ES_REG_CP15_32;
	case 0x04: return ES_REG_CP15_64;
	case 0x05: case 0x06: return ES_REG_CP14_32;
	case 0x0c: return ES_REG_CP14_64;
	case 0x08: return ES_REG_CP10;
	case 0x18: return ES_REG_AARCH64;
	}
	return ES_REG_CP15_32;
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
		idx = grow_array((void **)&e->r->sysregs, &e->r->nsysregs,
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
static void close_exit(struct es_engine *e, struct thread *th)
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

static void on_kvm_exit(struct es_engine *e, struct thread *th, int cpu,
		    uint64_t ts, const struct es_event *ev)
{
	const struct es_filter *f = &e->opts.filter;
	struct es_result *r = e->r;
	int cls = es_exit_class((long)ev->u.exit.ret, ev->u.exit.ec);
	int64_t guest, vcpu;
	bool ids_ok = true, passes;
	long vi;

	(void)cpu;
	if (th->in_exit) {
		r->exit_no_entry++;
		close_exit(e, th);
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

	vi = get_vcpu(e, guest, vcpu);
	if (vi < 0)
		return;
	struct es_vcpu *v = &r->vcpus[vi];

	v->tid = th->tid;
	if (e->l->patched) {
		uint64_t c = ev->u.exit.exit_count;

		/* exit_count is per vcpu, +1 per exit: holes are lost exits.
		 * Checked before the class/time filters so they cannot
		 * fake holes. */
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
		timeline_advance(e, ts - e->t0);
		e->tl_counts[cls]++;
	}
}

static void on_kvm_entry(struct es_engine *e, struct thread *th, uint64_t ts)
{
	struct es_result *r = e->r;

	if (!th->in_exit) {
		r->entry_no_exit++;
		return;
	}
	r->paired++;
	if (th->exit_passed && ts >= th->exit_ts) {
		uint64_t dt = ts - th->exit_ts;
		struct es_vcpu *v = &r->vcpus[th->vcpu_idx];

		add_time(e, &r->class_t[th->exit_class], dt);
		add_time(e, &r->all_t, dt);
		add_time(e, &v->t, dt);
		add_time(e, &r->guests[e->vcpu_guest[th->vcpu_idx]].t, dt);
	}
	close_exit(e, th);
}

static void on_hvc(struct es_engine *e, struct thread *th,
		   const struct es_event *ev)
{
	uint32_t fid = (uint32_t)ev->u.hvc.r0;	/* SMCCC: W0 holds the ID */
	uint64_t key;
	size_t slot = 0;
	long idx;

	if (!th->in_exit) {
		e->r->hvc_orphans++;
		return;
	}
	if (!th->exit_passed)
		return;
	key = ((uint64_t)fid << 8) | th->exit_class;
	idx = map_find(&e->hvc_map, key, &slot);
	if (idx < 0) {
		idx = grow_array((void **)&e->r->hvcs, &e->r->nhvcs, &e->hvcs_cap,
				 sizeof(*e->r->hvcs));
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

static void on_sys_access(struct es_engine *e, struct thread *th,
			  const struct es_event *ev)
{
	if (!th->in_exit) {
		e->r->sysreg_orphans++;
		return;
	}
	th->had_sys_access = true;
	th->has_iss = false;	/* the access names the register better */
	if (!th->exit_passed)
		return;
	count_sysreg(e, regspace_for(th->exit_class, ev->u.sys.op0),
		     ev->u.sys.op0, ev->u.sys.op1, ev->u.sys.crn, ev->u.sys.crm,
		     ev->u.sys.op2, ev->u.sys.is_write, false);
}

static void on_mmio(struct es_engine *e, struct thread *th,
		    const struct es_event *ev)
{
	struct es_mmio *m;
	uint64_t page;
	size_t slot = 0;
	long idx;

	/* type 1 is the completion of a read already counted as type 0 */
	if (ev->u.mmio.type != 0 && ev->u.mmio.type != 2)
		return;
	if (!th->in_exit || !th->exit_passed)
		return;
	th->had_mmio = true;
	page = ev->u.mmio.gpa & ~0xfffULL;
	idx = map_find(&e->mmio_map, page, &slot);
	if (idx < 0) {
		idx = grow_array((void **)&e->r->mmios, &e->r->nmmios,
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

static void on_userspace_exit(struct es_engine *e, struct thread *th,
			      const struct es_event *ev)
{
	struct es_result *r = e->r;
	bool counted = th->in_exit ? th->exit_passed
				   : !(e->filter_ids || e->opts.filter.has_class);

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

int es_engine_record(struct es_engine *e, int cpu, uint64_t ts,
		     const void *data, uint32_t size)
{
	struct es_result *r = e->r;
	struct es_event ev;
	struct thread *th;

	if (cpu < 0 || cpu >= e->cpus)
		cpu = 0;
	if (!e->started) {
		e->started = true;
		e->t0 = ts;
		r->first_ts = ts;
		if (e->opts.filter.has_from)
			e->from_ns = (uint64_t)(e->opts.filter.from_s * 1e9);
		if (e->opts.filter.has_to)
			e->to_ns = (uint64_t)(e->opts.filter.to_s * 1e9);
	}
	if (ts < e->t0)		/* clock oddities must not underflow */
		ts = e->t0;
	if (ts > r->last_ts)
		r->last_ts = ts;
	r->events_total++;
	r->loss[cpu].events++;

	/* Fast path: most records are of no interest; tell by type id alone. */
	if (!e->l->swap && (uint32_t)e->l->common_type.offset + 2 <= size) {
		uint16_t id;

		memcpy(&id, (const uint8_t *)data + e->l->common_type.offset, 2);
		if (id > e->l->max_id || !e->l->kind_by_id[id]) {
			r->events_by_kind[ES_EV_OTHER]++;
			return 0;
		}
	}
	if (es_decode(e->l, data, size, &ev)) {
		r->malformed++;
		return 0;
	}
	r->events_by_kind[ev.kind]++;
	if (ev.kind == ES_EV_OTHER)
		return 0;

	th = get_thread(e, ev.tid);
	if (!th)
		return e->error;
	th->last_cpu = cpu;

	switch (ev.kind) {
	case ES_EV_EXIT:
		on_kvm_exit(e, th, cpu, ts, &ev);
		break;
	case ES_EV_ENTRY:
		on_kvm_entry(e, th, ts);
		break;
	case ES_EV_HVC:
		on_hvc(e, th, &ev);
		break;
	case ES_EV_SYS_ACCESS:
		on_sys_access(e, th, &ev);
		break;
	case ES_EV_HANDLE_SYS_REG:
		if (th->in_exit) {
			th->has_iss = true;
			th->iss = ev.u.hsr.esr;
		}
		break;
	case ES_EV_MMIO:
		on_mmio(e, th, &ev);
		break;
	case ES_EV_USERSPACE_EXIT:
		on_userspace_exit(e, th, &ev);
		break;
	default:
		break;
	}
	return e->error;
}

void es_engine_missed(struct es_engine *e, int cpu, uint64_t ts,
		      long long missed)
{
	struct es_cpu_loss *l;
	size_t i;

	if (cpu < 0 || cpu >= e->cpus)
		cpu = 0;
	l = &e->r->loss[cpu];
	if (!l->markers)
		l->first_ts = ts;
	l->last_ts = ts;
	l->markers++;
	e->r->loss_markers++;
	if (missed > 0) {
		l->events_counted += (uint64_t)missed;
		e->r->loss_counted += (uint64_t)missed;
	} else {
		l->markers_uncounted++;
		e->r->loss_uncounted_markers++;
	}
	/* Exits waiting on this CPU may have lost their entry: never pair
	 * across the hole. */
	for (i = 0; i < e->nthreads; i++) {
		struct thread *th = &e->threads[i];

		if (th->in_exit && th->last_cpu == cpu) {
			e->r->broken_by_loss++;
			close_exit(e, th);
		}
	}
}

int es_engine_page(struct es_engine *e, int cpu, const void *page,
		   size_t page_size, int long_size, long long ts_adjust)
{
	struct es_page_iter it;
	const uint8_t *data;
	uint32_t len;
	uint64_t ts;
	int ret;

	ret = es_page_begin(&it, page, page_size, long_size, e->l->swap);
	if (ret)
		return ret;
	if (it.missed)
		es_engine_missed(e, cpu, it.ts + (uint64_t)ts_adjust, it.missed);
	while ((ret = es_page_next(&it, &ts, &data, &len)) > 0) {
		ret = es_engine_record(e, cpu, ts + (uint64_t)ts_adjust, data, len);
		if (ret)
			return ret;
	}
	return ret;
}

static const struct {
	const char *name, *identity;
} guest_sources[] = {
	[ES_GUEST_VM_PID] = { "vm_pid", "vm_pid field of kvm_exit (patched kernel)" },
	[ES_GUEST_TGID] = { "tgid", "process id from the tgid map" },
	[ES_GUEST_NONE] = { "none", "unknown (stock trace without a tgid map)" },
};

const char *es_guest_source_name(enum es_guest_source s)
{
	return (unsigned int)s < sizeof(guest_sources) / sizeof(guest_sources[0])
		? guest_sources[s].name : "?";
}

/* Where vcpus and guests came from, and the exits of each (filtered). */
static void settle_identities(struct es_engine *e)
{
	struct es_result *r = e->r;
	size_t i;
	int c;

	if (e->l->patched)
		r->guest_source = ES_GUEST_VM_PID;
	else
		r->guest_source = r->has_tgid_map ? ES_GUEST_TGID : ES_GUEST_NONE;
	r->guest_identity = guest_sources[r->guest_source].identity;
	r->vcpu_identity = e->l->patched
		? "vcpu_id field of kvm_exit (patched kernel)"
		: "thread id of the vcpu (common_pid; stock kernel)";
	if (e->error)		/* the result is dropped; vcpu_guest may be short */
		return;
	for (i = 0; i < r->nvcpus; i++) {
		struct es_vcpu *v = &r->vcpus[i];

		v->exits = 0;
		for (c = 0; c < ES_NCLASS; c++)
			v->exits += v->class_exits[c];
		r->guests[e->vcpu_guest[i]].exits += v->exits;
	}
}

struct es_result *es_engine_finish(struct es_engine *e)
{
	struct es_result *r = e->r;
	size_t i;

	for (i = 0; i < e->nthreads; i++) {
		if (e->threads[i].in_exit) {
			r->open_at_end++;
			close_exit(e, &e->threads[i]);
		}
	}
	if (e->opts.interval_ns && e->started) {
		uint64_t end = r->last_ts - e->t0;

		if (e->opts.filter.has_to && end >= e->to_ns && e->to_ns)
			end = e->to_ns - 1;
		timeline_advance(e, end);
		/* the last interval ends with the trace (or --to) */
		timeline_emit_until(e, end + 1 > e->tl_k * e->opts.interval_ns
					 ? end + 1 : (e->tl_k + 1) * e->opts.interval_ns);
	}
	settle_identities(e);

	map_release(&e->thread_map);
	map_release(&e->vcpu_map);
	map_release(&e->guest_map);
	map_release(&e->hvc_map);
	map_release(&e->sysreg_map);
	map_release(&e->mmio_map);
	map_release(&e->tgid_map);
	free(e->threads);
	free(e->vcpu_guest);
	if (e->error) {
		es_result_free(r);
		r = NULL;
	}
	free(e);
	return r;
}

static void timing_release(struct es_timing *t)
{
	es_hist_release(&t->host);
}

void es_result_free(struct es_result *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < ES_NCLASS; i++)
		timing_release(&r->class_t[i]);
	timing_release(&r->all_t);
	for (i = 0; i < r->nvcpus; i++)
		timing_release(&r->vcpus[i].t);
	for (i = 0; i < r->nguests; i++)
		timing_release(&r->guests[i].t);
	free(r->vcpus);
	free(r->guests);
	free(r->hvcs);
	free(r->sysregs);
	free(r->mmios);
	free(r->loss);
	free(r->path);
	free(r);
}
