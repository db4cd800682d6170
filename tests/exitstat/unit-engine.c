// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of libexitstat's engine: pairing, attribution to vcpus and
 * guests, exit_count losses, lost-event markers, timeline and time filters.
 */
#include <stdio.h>
#include <string.h>

#include "unit.h"

/* A stock trace: thread 64 runs CP15, HVC, MMIO (user and kernel) exits. */
static void script_stock(struct es_engine *e)
{
	uint64_t t = 1000000000;
	int i;

	feed(e, 1, t, rec_entry(64));			/* entry before any exit */
	for (i = 0; i < 10; i++) {
		feed(e, 1, t += 1000, rec_exit(64, 2, 0x03, false, 0, 0, 0));
		feed(e, 1, t += 10, rec_sys(64, 0, 0, 0, 0, 1, false));	/* CTR */
		feed(e, 1, t += 90, rec_entry(64));
	}
	feed(e, 1, t += 1000, rec_exit(64, 2, 0x03, false, 0, 0, 0));
	feed(e, 1, t += 10, rec_sys(64, 3, 0, 0, 1, 7, false));	/* rerouted ID reg */
	feed(e, 1, t += 90, rec_entry(64));
	feed(e, 1, t += 1000, rec_exit(64, 2, 0x04, false, 0, 0, 0));
	feed(e, 1, t += 10, rec_sys(64, 0, 1, 0, 2, 0, true));		/* TTBR1 64 */
	feed(e, 1, t += 90, rec_entry(64));
	feed(e, 1, t += 1000, rec_exit(64, 2, 0x05, false, 0, 0, 0));
	feed(e, 1, t += 10, rec_sys(64, 0, 0, 0, 0, 0, false));	/* DBGDIDR */
	feed(e, 1, t += 90, rec_entry(64));
	feed(e, 1, t += 1000, rec_exit(64, 2, 0x12, false, 0, 0, 0));
	feed(e, 1, t += 10, rec_hvc(64, 0xffffffff84000000ULL));	/* upper bits ignored */
	feed(e, 1, t += 90, rec_entry(64));
	feed(e, 1, t += 1000, rec_exit(64, 2, 0x24, false, 0, 0, 0));
	feed(e, 1, t += 10, rec_mmio(64, 2, 4, 0x9000000));		/* UART write */
	feed(e, 1, t += 10, rec_uexit(64, 6));
	feed(e, 1, t += 980, rec_entry(64));
	feed(e, 1, t += 1000, rec_exit(64, 2, 0x24, false, 0, 0, 0));
	feed(e, 1, t += 10, rec_mmio(64, 0, 4, 0x8000004));		/* GIC read, in kernel */
	feed(e, 1, t += 10, rec_mmio(64, 1, 4, 0x8000004));
	feed(e, 1, t += 80, rec_entry(64));
	feed(e, 1, t += 1000, rec_exit(64, 2, 0x24, false, 0, 0, 0));	/* stage-2 fault */
	feed(e, 1, t += 100, rec_entry(64));
	feed(e, 1, t += 1000, rec_exit(64, 2, 0x18, false, 0, 0, 0));
	/* MRS of an unknown register: kvm_handle_sys_reg, no kvm_sys_access */
	feed(e, 1, t += 10, rec_hsr(64, (0x18ULL << 26) | (3u << 20) | (0u << 14) |
				   (15u << 10) | (2u << 1) | (0u << 17) | 1));
	feed(e, 1, t += 90, rec_entry(64));
	feed(e, 1, t += 1000, rec_exit(64, 0, 0, false, 0, 0, 0));	/* IRQ */
	feed(e, 0, t += 5, mk(ID_OTHER, 1, 24, false));		/* other CPU, other event */
	feed(e, 1, t += 95, rec_entry(64));
	feed(e, 1, t += 1000, rec_exit(64, 0, 0, false, 0, 0, 0));	/* never entered again */
}

void test_engine_stock(void)
{
	struct fixture fx;
	struct es_result *r;
	char name[64];
	size_t i;
	bool ctr = false, idreg = false, ttbr1 = false, dbgdidr = false, iss = false;

	fx_init(&fx, false);
	r = fx_run(&fx, script_stock);
	CHECK(r != NULL);
	if (!r)
		return;
	CHECK_EQ(r->exits_total, 20);
	CHECK_EQ(r->class_exits[0x03], 11);
	CHECK_EQ(r->class_exits[0x04], 1);
	CHECK_EQ(r->class_exits[0x05], 1);
	CHECK_EQ(r->class_exits[0x12], 1);
	CHECK_EQ(r->class_exits[0x24], 3);
	CHECK_EQ(r->class_exits[0x18], 1);
	CHECK_EQ(r->class_exits[ES_CLASS_IRQ], 2);
	CHECK_EQ(r->paired, 19);
	CHECK_EQ(r->entry_no_exit, 1);
	CHECK_EQ(r->open_at_end, 1);
	CHECK_EQ(r->exit_no_entry, 0);
	CHECK_EQ(r->class_t[0x03].host.count, 11);
	CHECK_EQ(r->class_t[0x03].host.max, 100);
	CHECK_EQ(r->class_t[0x24].host.max, 1000);
	CHECK_EQ(r->nvcpus, 1);
	CHECK_EQ(r->vcpus[0].vcpu, 64);
	CHECK(r->vcpus[0].guest == -1);
	CHECK_EQ(r->nhvcs, 1);
	CHECK_EQ(r->hvcs[0].fid, 0x84000000);
	CHECK_EQ(r->hvcs[0].cls, 0x12);
	CHECK_EQ(r->mmio_accesses, 2);
	CHECK_EQ(r->mmio_user, 1);
	CHECK_EQ(r->mmio_kernel, 1);
	CHECK_EQ(r->stage2_faults, 1);
	CHECK_EQ(r->uexit_reasons[6], 1);
	CHECK_EQ(r->events_by_kind[ES_EV_OTHER], 1);
	for (i = 0; i < r->nsysregs; i++) {
		const struct es_sysreg *s = &r->sysregs[i];

		es_sysreg_format(name, sizeof(name), s->space, s->op0, s->op1,
				 s->crn, s->crm, s->op2);
		if (!strcmp(name, "CTR") && s->count == 10 && !s->is_write)
			ctr = true;
		if (!strcmp(name, "ID_MMFR3_EL1") && s->count == 1)
			idreg = true;
		if (!strcmp(name, "TTBR1 (64)") && s->is_write)
			ttbr1 = true;
		if (!strcmp(name, "DBGDIDR") && s->space == ES_REG_CP14_32)
			dbgdidr = true;
		if (!strcmp(name, "S3_0_C15_C2_0") && s->from_iss && !s->is_write)
			iss = true;
	}
	CHECK(ctr);
	CHECK(idreg);
	CHECK(ttbr1);
	CHECK(dbgdidr);
	CHECK(iss);
	fx_fini(&fx, r);
}

/* Stock trace, 2 processes (100, 200) x 3 vcpu threads: thread 10P+k makes
 * P*3+k-3 exits (P = 1, 2; k = 1..3), 21 in all. */
static void script_threads(struct es_engine *e)
{
	uint64_t t = 1000;
	int p, k, n;

	for (p = 1; p <= 2; p++)
		for (k = 1; k <= 3; k++)
			for (n = 0; n < p * 3 + k - 3; n++) {
				feed(e, 0, t += 100, rec_exit(p * 100 + k, 2, 0x24, false, 0, 0, 0));
				feed(e, 0, t += 10, rec_entry(p * 100 + k));
			}
}

static void map_threads(struct es_engine *e, int procs)
{
	for (int p = 1; p <= procs; p++)
		for (int k = 1; k <= 3; k++)
			es_engine_set_tgid(e, p * 100 + k, p * 100);
}

static void script_threads_no_map(struct es_engine *e) { script_threads(e); }
static void script_threads_map(struct es_engine *e) { map_threads(e, 2); script_threads(e); }
static void script_threads_half_map(struct es_engine *e) { map_threads(e, 1); script_threads(e); }

/* Per-vcpu and per-guest exits and guest timings each add up to the total. */
static void check_sums(const struct es_result *r)
{
	uint64_t vcpus = 0, guests = 0, timed = 0;
	size_t i;

	for (i = 0; i < r->nvcpus; i++)
		vcpus += r->vcpus[i].exits;
	for (i = 0; i < r->nguests; i++) {
		guests += r->guests[i].exits;
		timed += r->guests[i].t.exits;
	}
	CHECK_EQ(vcpus, r->exits);
	CHECK_EQ(guests, r->exits);
	CHECK_EQ(timed, r->all_t.exits);
}

static const struct es_guest *guest(const struct es_result *r, int64_t id)
{
	for (size_t i = 0; i < r->nguests; i++)
		if (r->guests[i].guest == id)
			return &r->guests[i];
	return NULL;
}

void test_engine_stock_threads(void)
{
	const struct es_guest *g;
	struct fixture fx;
	struct es_result *r;

	/* No process information: one guest "unknown" holds the 6 threads. */
	fx_init(&fx, false);
	r = fx_run(&fx, script_threads_no_map);
	CHECK_EQ(r->exits, 21);
	CHECK_EQ(r->nvcpus, 6);
	CHECK_EQ(r->nguests, 1);
	CHECK_EQ(r->guest_source, ES_GUEST_NONE);
	CHECK(!strcmp(es_guest_source_name(r->guest_source), "none"));
	g = guest(r, -1);
	CHECK(g && g->nvcpus == 6 && g->exits == 21 && g->t.exits == 21);
	check_sums(r);
	fx_fini(&fx, r);

	fx_init(&fx, false);
	r = fx_run(&fx, script_threads_map);
	CHECK_EQ(r->nguests, 2);
	CHECK_EQ(r->guest_source, ES_GUEST_TGID);
	CHECK(!strcmp(es_guest_source_name(r->guest_source), "tgid"));
	g = guest(r, 100);
	CHECK(g && g->nvcpus == 3 && g->exits == 6);
	g = guest(r, 200);
	CHECK(g && g->nvcpus == 3 && g->exits == 15);
	check_sums(r);
	fx_fini(&fx, r);

	/* Threads the map lacks: one "unknown" beside the known process. */
	fx_init(&fx, false);
	r = fx_run(&fx, script_threads_half_map);
	CHECK_EQ(r->nguests, 2);
	g = guest(r, 100);
	CHECK(g && g->exits == 6);
	g = guest(r, -1);
	CHECK(g && g->nvcpus == 3 && g->exits == 15);
	check_sums(r);
	fx_fini(&fx, r);
}

/* Ids whose map keys are all ones: vm_pid -1 with vcpu_id 0xffffffff, a
 * stock thread id -1 without process information. */
static void script_all_ones(struct es_engine *e)
{
	feed(e, 0, 100, rec_exit(7, 2, 0x16, true, -1, 0xffffffff, 1));
	feed(e, 0, 110, rec_entry(7));
	feed(e, 0, 200, rec_exit(8, 2, 0x16, true, -1, 0, 1));
	feed(e, 0, 210, rec_entry(8));
	feed(e, 0, 300, rec_exit(7, 2, 0x16, true, -1, 0xffffffff, 2));
	feed(e, 0, 310, rec_entry(7));
}

static void script_tid_minus_one(struct es_engine *e)
{
	feed(e, 0, 100, rec_exit(-1, 2, 0x16, false, 0, 0, 0));
	feed(e, 0, 200, rec_exit(5, 2, 0x16, false, 0, 0, 0));
	feed(e, 0, 300, rec_exit(-1, 2, 0x16, false, 0, 0, 0));
}

void test_engine_all_ones_keys(void)
{
	struct fixture fx;
	struct es_result *r;

	fx_init(&fx, true);
	r = fx_run(&fx, script_all_ones);
	CHECK_EQ(r->nvcpus, 2);
	CHECK_EQ(r->nguests, 1);
	CHECK_EQ(r->guest_source, ES_GUEST_VM_PID);
	CHECK(r->nguests == 1 && r->guests[0].guest == -1 && r->guests[0].exits == 3);
	for (size_t i = 0; i < r->nvcpus; i++)
		CHECK_EQ(r->vcpus[i].exits, r->vcpus[i].vcpu ? 2 : 1);
	check_sums(r);
	fx_fini(&fx, r);

	fx_init(&fx, false);
	r = fx_run(&fx, script_tid_minus_one);
	CHECK_EQ(r->nvcpus, 2);
	CHECK_EQ(r->nguests, 1);
	check_sums(r);
	fx_fini(&fx, r);
}

/* Patched trace: two VMs, vcpu 1 of VM 500 loses exits 3 and 4. */
static void script_patched(struct es_engine *e)
{
	uint64_t t = 5000;
	unsigned int c;

	for (c = 1; c <= 6; c++) {
		if (c == 3 || c == 4)
			continue;
		feed(e, 0, t += 100, rec_exit(501, 2, c % 2 ? 0x16 : 0x24, true, 500, 1, c));
		feed(e, 0, t += 50, rec_entry(501));
	}
	for (c = 1; c <= 3; c++) {
		feed(e, 1, t += 100, rec_exit(601, 0, 0, true, 600, 0, c));
		feed(e, 1, t += 20, rec_entry(601));
	}
	/* the counter going back (vcpu reset) is reported, not counted as loss */
	feed(e, 1, t += 100, rec_exit(601, 0, 0, true, 600, 0, 1));
	feed(e, 1, t += 20, rec_entry(601));
}

void test_engine_patched(void)
{
	struct fixture fx;
	struct es_result *r;
	size_t i;

	fx_init(&fx, true);
	r = fx_run(&fx, script_patched);
	CHECK(r && r->patched);
	if (!r)
		return;
	CHECK_EQ(r->exits, 8);
	CHECK_EQ(r->nvcpus, 2);
	CHECK_EQ(r->nguests, 2);
	for (i = 0; i < r->nvcpus; i++) {
		const struct es_vcpu *v = &r->vcpus[i];

		if (v->guest == 500) {
			CHECK_EQ(v->vcpu, 1);
			CHECK_EQ(v->counter_gaps, 1);
			CHECK_EQ(v->counter_lost, 2);
			CHECK_EQ(v->last_count, 6);
		} else {
			CHECK_EQ(v->guest, 600);
			CHECK_EQ(v->counter_lost, 0);
			CHECK_EQ(v->counter_backwards, 1);
		}
	}
	fx_fini(&fx, r);

	/* A class filter must not create counter gaps. */
	fx_init(&fx, true);
	fx.o.filter.has_class = true;
	fx.o.filter.classes[0x16] = 1;
	r = fx_run(&fx, script_patched);
	CHECK_EQ(r->exits, 2);
	for (i = 0; i < r->nvcpus; i++)
		if (r->vcpus[i].guest == 500)
			CHECK_EQ(r->vcpus[i].counter_lost, 2);
	fx_fini(&fx, r);

	/* --pid selects one VM, --vcpu one vcpu */
	fx_init(&fx, true);
	fx.o.filter.has_pid = true;
	fx.o.filter.pid = 600;
	r = fx_run(&fx, script_patched);
	CHECK_EQ(r->exits, 4);
	CHECK_EQ(r->class_exits[ES_CLASS_IRQ], 4);
	fx_fini(&fx, r);
	fx_init(&fx, true);
	fx.o.filter.has_vcpu = true;
	fx.o.filter.vcpu = 1;
	r = fx_run(&fx, script_patched);
	CHECK_EQ(r->exits, 4);
	CHECK_EQ(r->class_exits[0x16], 2);
	CHECK_EQ(r->class_exits[0x24], 2);
	fx_fini(&fx, r);
}

static void script_loss(struct es_engine *e)
{
	feed(e, 1, 1000, rec_exit(64, 2, 0x03, false, 0, 0, 0));
	es_engine_missed(e, 1, 2000, -1);	/* the entry may be in the hole */
	feed(e, 1, 3000, rec_entry(64));
	feed(e, 1, 4000, rec_exit(64, 2, 0x03, false, 0, 0, 0));
	es_engine_missed(e, 1, 4500, 1190);
	feed(e, 1, 5000, rec_exit(64, 2, 0x03, false, 0, 0, 0));
	feed(e, 1, 5100, rec_entry(64));
}

void test_engine_loss(void)
{
	struct fixture fx;
	struct es_result *r;

	fx_init(&fx, false);
	r = fx_run(&fx, script_loss);
	CHECK_EQ(r->loss_markers, 2);
	CHECK_EQ(r->loss_uncounted_markers, 1);
	CHECK_EQ(r->loss_counted, 1190);
	CHECK_EQ(r->loss[1].markers, 2);
	CHECK_EQ(r->broken_by_loss, 2);
	CHECK_EQ(r->entry_no_exit, 1);
	CHECK_EQ(r->paired, 1);
	CHECK_EQ(r->class_t[0x03].host.max, 100);
	fx_fini(&fx, r);
}

static uint64_t tl_rows, tl_total, tl_first_start;

static void tl_cb(void *ctx, uint64_t start, uint64_t end, const uint64_t counts[ES_NCLASS])
{
	(void)ctx;
	(void)end;
	if (!tl_rows)
		tl_first_start = start;
	tl_rows++;
	tl_total += counts[0x03];
}

static void script_timeline(struct es_engine *e)
{
	uint64_t base = 1000000000, t;

	for (t = 0; t < 10; t++) {	/* 10 exits in 0-10 ms, none after */
		feed(e, 1, base + t * 1000000, rec_exit(64, 2, 3, false, 0, 0, 0));
		feed(e, 1, base + t * 1000000 + 10, rec_entry(64));
	}
	feed(e, 1, base + 35000000, rec_entry(64));
}

void test_timeline_and_time_filter(void)
{
	struct fixture fx;
	struct es_result *r;

	fx_init(&fx, false);
	fx.o.interval_ns = 5000000;
	fx.o.on_interval = tl_cb;
	r = fx_run(&fx, script_timeline);
	CHECK_EQ(tl_rows, 8);		/* 0-5, 5-10, ..., 35-40 ms */
	CHECK_EQ(tl_total, 10);
	CHECK_EQ(tl_first_start, 0);
	fx_fini(&fx, r);

	fx_init(&fx, false);
	fx.o.filter.has_from = true;
	fx.o.filter.from_s = 0.0025;
	fx.o.filter.has_to = true;
	fx.o.filter.to_s = 0.0065;
	r = fx_run(&fx, script_timeline);
	CHECK_EQ(r->exits, 4);		/* at 3, 4, 5, 6 ms */
	CHECK_EQ(r->exits_total, 10);
	fx_fini(&fx, r);
}

