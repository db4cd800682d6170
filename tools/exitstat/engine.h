/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libexitstat's insides, not its interface: the table of the kvm events it
 * reads (events.c), which the decoder (decode.c) resolves against a trace's
 * formats and the engine (stats.c) dispatches on, and the engine's state,
 * shared by stats.c and the events' handlers.
 */
#ifndef EXITSTAT_ENGINE_H
#define EXITSTAT_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exitstat.h"
#include "map.h"

/* ------------------------------------------------------------------ */
/* The event table */

struct es_engine;
struct es_thread;

/* One record of the event, decoded, on thread th at time ts. */
typedef void es_handler_fn(struct es_engine *e, struct es_thread *th,
			   uint64_t ts, const struct es_event *ev);

enum es_field_use {
	ES_FIELD_REQUIRED = 1,	/* absent: the event is not read (kvm_exit: the trace) */
	ES_FIELD_OPTIONAL,	/* absent: reads as 0 */
	ES_FIELD_PATCHED,	/* our kernel patch's: read only when all of the
				 * event's PATCHED fields are there (a patched trace) */
};

struct es_field_desc {
	const char *name;	/* as in the event's format */
	const char *alt;	/* its name in other kernels, or NULL */
	uint16_t member;	/* the member of struct es_event it fills */
	uint8_t member_size;
	bool truth;		/* a bool member: any non-zero value is true */
	enum es_field_use use;
};

/* ES_FIELD(name, member, use): the field fills ev->u.member;
 * ES_FIELD2 also tries a second name. */
#define ES_FIELD2(nm, alt_nm, m, how) {					\
	.name = (nm), .alt = (alt_nm),					\
	.member = offsetof(struct es_event, u.m),			\
	.member_size = sizeof(((struct es_event *)0)->u.m),		\
	.truth = _Generic(((struct es_event *)0)->u.m, bool: 1, default: 0), \
	.use = ES_FIELD_##how }
#define ES_FIELD(nm, m, how) ES_FIELD2(nm, NULL, m, how)

struct es_event_desc {
	const char *name;		/* in the trace's "kvm" system */
	es_handler_fn *handler;		/* NULL: only counted */
	struct es_field_desc field[ES_MAX_FIELDS];	/* up to the first unnamed */
};

/* By kind ([ES_EV_OTHER] is unnamed). The trace must have kvm_exit: its
 * header layout is every event's, its PATCHED fields mark a patched trace. */
extern const struct es_event_desc es_events[ES_EV_NKINDS];

/* ------------------------------------------------------------------ */
/* The engine's state */

struct es_thread {
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
	struct es_thread *threads;
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

/* stats.c, for the handlers */
/* Grows a result array by one zeroed element; returns its index or -1. */
long es_grow_array(void **arr, size_t *n, size_t *cap, size_t elem);
/* The vcpu's result entry, new (key: as es_engine_vcpu makes it). */
long es_engine_new_vcpu(struct es_engine *e, int64_t guest, int64_t vcpu,
			uint64_t key);

/* The vcpu's index in the result (made on first sight), -1 out of memory.
 * Inline: once per exit. */
static inline long es_engine_vcpu(struct es_engine *e, int64_t guest,
				  int64_t vcpu)
{
	uint64_t key = ((uint64_t)(uint32_t)guest << 32) | (uint32_t)vcpu;
	size_t slot = 0;
	long idx = map_find(&e->vcpu_map, key, &slot);

	return idx >= 0 ? idx : es_engine_new_vcpu(e, guest, vcpu, key);
}

/* One exit's time in the host into t. Inline: four times per exit. */
static inline void es_engine_time(struct es_engine *e, struct es_timing *t,
				  uint64_t dt)
{
	t->exits++;
	if (es_hist_add(&t->host, dt))
		e->error = -ENOMEM;
}
/* Closes timeline intervals up to the one containing relative time rel. */
void es_timeline_advance(struct es_engine *e, uint64_t rel);

/* events.c, for the engine: the thread's exit ends (entry, next exit, loss,
 * end of trace); settle what it left. */
void es_close_exit(struct es_engine *e, struct es_thread *th);

#endif
