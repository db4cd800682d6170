// SPDX-License-Identifier: GPL-2.0
/*
 * The analysis engine: consumes records in time order, hands each record of
 * a kvm event to its handler (the table of events.c) and keeps state
 * proportional to threads, vcpus, classes and distinct keys (HVC function
 * IDs, registers, MMIO pages), never to the number of events.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

long es_grow_array(void **arr, size_t *n, size_t *cap, size_t elem)
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

static struct es_thread *get_thread(struct es_engine *e, int32_t tid)
{
	size_t slot = 0;
	long idx = map_find(&e->thread_map, (uint32_t)tid, &slot);
	struct es_thread *th;

	if (idx >= 0)
		return &e->threads[idx];
	idx = es_grow_array((void **)&e->threads, &e->nthreads, &e->threads_cap,
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
	idx = es_grow_array((void **)&e->r->guests, &e->r->nguests,
			    &e->guests_cap, sizeof(*e->r->guests));
	if (idx < 0 || map_insert(&e->guest_map, (uint64_t)guest, (uint32_t)idx)) {
		e->error = -ENOMEM;
		return -1;
	}
	e->r->guests[idx].guest = guest;
	return idx;
}

long es_engine_new_vcpu(struct es_engine *e, int64_t guest, int64_t vcpu,
			uint64_t key)
{
	long idx, g;

	g = get_guest(e, guest);
	if (g < 0)
		return -1;
	idx = es_grow_array((void **)&e->r->vcpus, &e->r->nvcpus, &e->vcpus_cap,
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

void es_timeline_advance(struct es_engine *e, uint64_t rel)
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


int es_engine_record(struct es_engine *e, int cpu, uint64_t ts,
		     const void *data, uint32_t size)
{
	struct es_result *r = e->r;
	struct es_event ev;
	struct es_thread *th;

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

	if (es_events[ev.kind].handler)
		es_events[ev.kind].handler(e, th, ts, &ev);
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
		struct es_thread *th = &e->threads[i];

		if (th->in_exit && th->last_cpu == cpu) {
			e->r->broken_by_loss++;
			es_close_exit(e, th);
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
			es_close_exit(e, &e->threads[i]);
		}
	}
	if (e->opts.interval_ns && e->started) {
		uint64_t end = r->last_ts - e->t0;

		if (e->opts.filter.has_to && end >= e->to_ns && e->to_ns)
			end = e->to_ns - 1;
		es_timeline_advance(e, end);
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
