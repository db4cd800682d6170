// SPDX-License-Identifier: GPL-2.0
/*
 * The event table (es_events, events.c) against raw records: one record of
 * every kvm event in it, stock and patched kvm_exit, both byte orders,
 * through the decoder; every field must reach its member with its value
 * (the values differ in every byte, so a field read at a wrong offset or
 * into a wrong member shows), and a record one byte shorter than its last
 * field must be malformed. An event of the table without a record here
 * fails: add its format to unit-lib.c and its record below.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <event-parse.h>

#include "unit.h"
#include "engine.h"

#define TID 4321

static struct rec r_exit(bool patched, bool be)
{
	struct rec r = mk(ID_EXIT, TID, patched ? 40 : 24, be);

	put(&r, 8, 4, (uint32_t)-7);		/* ret: signed */
	put(&r, 12, 4, 0x24);			/* esr_ec */
	put(&r, 16, 8, 0xffff800012345678ULL);	/* vcpu_pc */
	if (patched) {
		put(&r, 24, 4, 4242);		/* vm_pid */
		put(&r, 28, 4, 3);		/* vcpu_id */
		put(&r, 32, 8, 0x0102030405060708ULL);	/* exit_count */
	}
	return r;
}

static void c_exit(const struct es_event *ev, bool patched)
{
	CHECK(ev->u.exit.ret == -7);
	CHECK_EQ(ev->u.exit.ec, 0x24);
	CHECK_EQ(ev->u.exit.pc, 0xffff800012345678ULL);
	if (patched) {
		CHECK_EQ(ev->u.exit.vm_pid, 4242);
		CHECK_EQ(ev->u.exit.vcpu_id, 3);
		CHECK_EQ(ev->u.exit.exit_count, 0x0102030405060708ULL);
	}
}

static struct rec r_entry(bool patched, bool be)
{
	struct rec r = mk(ID_ENTRY, TID, 16, be);

	(void)patched;
	put(&r, 8, 8, 0xffff800012345680ULL);	/* vcpu_pc: not read */
	return r;
}

static struct rec r_hvc(bool patched, bool be)
{
	struct rec r = mk(ID_HVC, TID, 32, be);

	(void)patched;
	put(&r, 8, 8, 0xffff800000001000ULL);	/* vcpu_pc: not read */
	put(&r, 16, 8, 0x11223344c4000003ULL);	/* r0 */
	put(&r, 24, 8, 0x5566);			/* imm */
	return r;
}

static void c_hvc(const struct es_event *ev, bool patched)
{
	(void)patched;
	CHECK_EQ(ev->u.hvc.r0, 0x11223344c4000003ULL);
	CHECK_EQ(ev->u.hvc.imm, 0x5566);
}

static struct rec r_sys(bool patched, bool be)
{
	struct rec r = mk(ID_SYS, TID, 40, be);

	(void)patched;
	put(&r, 16, 1, 1);			/* is_write */
	put(&r, 24, 8, 0xffffffc0084f0c50ULL);	/* name: a kernel pointer */
	put(&r, 32, 1, 3);			/* Op0 */
	put(&r, 33, 1, 5);			/* Op1 */
	put(&r, 34, 1, 14);			/* CRn */
	put(&r, 35, 1, 9);			/* CRm */
	put(&r, 36, 1, 6);			/* Op2 */
	return r;
}

static void c_sys(const struct es_event *ev, bool patched)
{
	(void)patched;
	CHECK_EQ(ev->u.sys.op0, 3);
	CHECK_EQ(ev->u.sys.op1, 5);
	CHECK_EQ(ev->u.sys.crn, 14);
	CHECK_EQ(ev->u.sys.crm, 9);
	CHECK_EQ(ev->u.sys.op2, 6);
	CHECK(ev->u.sys.is_write);
}

static struct rec r_hsr(bool patched, bool be)
{
	struct rec r = mk(ID_HSR, TID, 16, be);

	(void)patched;
	put(&r, 8, 8, 0x6232c3f5ULL);		/* hsr */
	return r;
}

static void c_hsr(const struct es_event *ev, bool patched)
{
	(void)patched;
	CHECK_EQ(ev->u.hsr.esr, 0x6232c3f5ULL);
}

static struct rec r_mmio(bool patched, bool be)
{
	struct rec r = mk(ID_MMIO, TID, 32, be);

	(void)patched;
	put(&r, 8, 4, 2);			/* type */
	put(&r, 12, 4, 4);			/* len */
	put(&r, 16, 8, 0x80a000010ULL);		/* gpa */
	put(&r, 24, 8, 0xdeadbeefULL);		/* val: not read */
	return r;
}

static void c_mmio(const struct es_event *ev, bool patched)
{
	(void)patched;
	CHECK_EQ(ev->u.mmio.type, 2);
	CHECK_EQ(ev->u.mmio.len, 4);
	CHECK_EQ(ev->u.mmio.gpa, 0x80a000010ULL);
}

static struct rec r_uexit(bool patched, bool be)
{
	struct rec r = mk(ID_UEXIT, TID, 16, be);

	(void)patched;
	put(&r, 8, 4, 6);			/* reason */
	put(&r, 12, 4, (uint32_t)-4);		/* errno: signed */
	return r;
}

static void c_uexit(const struct es_event *ev, bool patched)
{
	(void)patched;
	CHECK_EQ(ev->u.uexit.reason, 6);
	CHECK(ev->u.uexit.err == -4);
}

static struct rec r_fault(bool patched, bool be)
{
	struct rec r = mk(ID_FAULT, TID, 40, be);

	(void)patched;
	put(&r, 8, 8, 0xffff800000002000ULL);	/* vcpu_pc: not read */
	put(&r, 16, 8, 0x93c08006ULL);		/* hsr: not read */
	put(&r, 24, 8, 0x9010ULL);		/* hxfar: not read */
	put(&r, 32, 8, 0x4008a0000ULL);		/* ipa */
	return r;
}

static void c_fault(const struct es_event *ev, bool patched)
{
	(void)patched;
	CHECK_EQ(ev->u.fault.ipa, 0x4008a0000ULL);
}

static const struct event_case {
	const char *name;
	enum es_kind kind;
	uint32_t end, end_patched;	/* where the last field read ends */
	struct rec (*record)(bool patched, bool be);
	void (*check)(const struct es_event *ev, bool patched);
} cases[] = {
	{ "kvm_exit", ES_EV_EXIT, 24, 40, r_exit, c_exit },
	{ "kvm_entry", ES_EV_ENTRY, 8, 8, r_entry, NULL },
	{ "kvm_hvc_arm64", ES_EV_HVC, 32, 32, r_hvc, c_hvc },
	{ "kvm_sys_access", ES_EV_SYS_ACCESS, 37, 37, r_sys, c_sys },
	{ "kvm_handle_sys_reg", ES_EV_HANDLE_SYS_REG, 16, 16, r_hsr, c_hsr },
	{ "kvm_mmio", ES_EV_MMIO, 24, 24, r_mmio, c_mmio },
	{ "kvm_userspace_exit", ES_EV_USERSPACE_EXIT, 16, 16, r_uexit, c_uexit },
	{ "kvm_guest_fault", ES_EV_GUEST_FAULT, 40, 40, r_fault, c_fault },
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static void decode_case(const struct es_layout *l, const struct event_case *c,
			bool patched, bool be)
{
	struct rec r = c->record(patched, be);
	uint32_t end = patched ? c->end_patched : c->end;
	int before = unit_failures();
	struct es_event ev;

	memset(&ev, 0xa5, sizeof(ev));		/* a member left unfilled shows */
	CHECK_EQ(es_decode(l, r.b, r.len, &ev), 0);
	CHECK_EQ(ev.kind, c->kind);
	CHECK_EQ(ev.tid, TID);
	if (c->check)
		c->check(&ev, patched);
	CHECK_EQ(es_decode(l, r.b, end, &ev), 0);
	CHECK_EQ(es_decode(l, r.b, end - 1, &ev), -EBADMSG);
	if (unit_failures() != before)
		printf("    ^ %s (%s kvm_exit, %s endian)\n", c->name,
		       patched ? "patched" : "stock", be ? "big" : "little");
}

void test_event_table(void)
{
	struct es_layout l;
	struct es_error err;
	size_t i;
	int k, v;

	for (v = 0; v < 4; v++) {
		bool patched = v & 1, be = v & 2;
		struct tep_handle *tep = make_tep(patched, be);

		CHECK_EQ(es_layout_init(&l, tep, &err), 0);
		CHECK_EQ(l.patched, patched);
		for (i = 0; i < NCASES; i++) {
			CHECK(l.ev[cases[i].kind].found);
			decode_case(&l, &cases[i], patched, be);
		}
		es_layout_release(&l);
		tep_free(tep);
	}
	/* every event of the table has its record here, under its name */
	for (k = 1; k < ES_EV_NKINDS; k++) {
		for (i = 0; i < NCASES && cases[i].kind != (enum es_kind)k; i++)
			;
		if (!es_events[k].name)
			printf("    event kind %d: no entry in es_events\n", k);
		else if (i == NCASES)
			printf("    %s: no record in unit-events.c\n", es_events[k].name);
		else if (strcmp(es_events[k].name, cases[i].name))
			printf("    event kind %d: %s in es_events, %s here\n", k,
			       es_events[k].name, cases[i].name);
		else
			continue;
		CHECK(0);
	}
}

/* Other kernels' spellings, absent optional fields, an incomplete patch. */
static const char *const variants[] = {
	/* kvm_exit with only part of the patch's fields: a stock trace */
	"name: kvm_exit\nID: 54\nformat:\n" COMMON
	"\tfield:int ret;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:unsigned int esr_ec;\toffset:12;\tsize:4;\tsigned:0;\n"
	"\tfield:unsigned long vcpu_pc;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:pid_t vm_pid;\toffset:24;\tsize:4;\tsigned:1;\n"
	"\tfield:unsigned int vcpu_id;\toffset:28;\tsize:4;\tsigned:0;\n\n"
	"print fmt: \"%d\", REC->ret\n",
	/* no imm: reads as 0 */
	"name: kvm_hvc_arm64\nID: 64\nformat:\n" COMMON
	"\tfield:unsigned long r0;\toffset:8;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"%lx\", REC->r0\n",
	/* no is_write, a required field: not read */
	"name: kvm_sys_access\nID: 57\nformat:\n" COMMON
	"\tfield:u8 Op0;\toffset:8;\tsize:1;\tsigned:0;\n"
	"\tfield:u8 Op1;\toffset:9;\tsize:1;\tsigned:0;\n"
	"\tfield:u8 CRn;\toffset:10;\tsize:1;\tsigned:0;\n"
	"\tfield:u8 CRm;\toffset:11;\tsize:1;\tsigned:0;\n"
	"\tfield:u8 Op2;\toffset:12;\tsize:1;\tsigned:0;\n\n"
	"print fmt: \"%d\", REC->Op0\n",
	/* esr, as later kernels call hsr */
	"name: kvm_handle_sys_reg\nID: 58\nformat:\n" COMMON
	"\tfield:unsigned long esr;\toffset:8;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"%lx\", REC->esr\n",
	/* phys_addr, as older kernels call gpa */
	"name: kvm_mmio\nID: 37\nformat:\n" COMMON
	"\tfield:u32 type;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:u32 len;\toffset:12;\tsize:4;\tsigned:0;\n"
	"\tfield:u64 phys_addr;\toffset:16;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"%llx\", REC->phys_addr\n",
	/* no errno: reads as 0 */
	"name: kvm_userspace_exit\nID: 41\nformat:\n" COMMON
	"\tfield:__u32 reason;\toffset:8;\tsize:4;\tsigned:0;\n\n"
	"print fmt: \"%u\", REC->reason\n",
};

void test_event_table_variants(void)
{
	struct tep_handle *tep = tep_alloc();
	struct es_layout l;
	struct es_error err;
	struct es_event ev;
	struct rec r;
	size_t i;

	tep_set_file_bigendian(tep, TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(tep, TEP_LITTLE_ENDIAN);
	tep_set_long_size(tep, 8);
	for (i = 0; i < sizeof(variants) / sizeof(variants[0]); i++)
		CHECK_EQ(tep_parse_event(tep, variants[i], strlen(variants[i]), "kvm"), 0);
	CHECK_EQ(es_layout_init(&l, tep, &err), 0);
	CHECK(!l.patched);
	CHECK_EQ(es_layout_field(&l, ES_EV_EXIT, "vm_pid")->size, 0);

	r = r_exit(true, false);		/* patched-sized: extra bytes unread */
	memset(&ev, 0, sizeof(ev));
	CHECK_EQ(es_decode(&l, r.b, 24, &ev), 0);
	CHECK_EQ(ev.kind, ES_EV_EXIT);
	CHECK_EQ(ev.u.exit.ec, 0x24);
	CHECK_EQ(ev.u.exit.vm_pid, 0);

	r = mk(ID_HVC, TID, 16, false);
	put(&r, 8, 8, 0x84000000);
	memset(&ev, 0xa5, sizeof(ev));
	CHECK_EQ(es_decode(&l, r.b, r.len, &ev), 0);
	CHECK_EQ(ev.kind, ES_EV_HVC);
	CHECK_EQ(ev.u.hvc.r0, 0x84000000);
	CHECK_EQ(ev.u.hvc.imm, 0);

	CHECK(!l.ev[ES_EV_SYS_ACCESS].found);
	r = mk(ID_SYS, TID, 16, false);
	CHECK_EQ(es_decode(&l, r.b, r.len, &ev), 0);
	CHECK_EQ(ev.kind, ES_EV_OTHER);

	CHECK_EQ(es_layout_field(&l, ES_EV_HANDLE_SYS_REG, "esr")->offset, 8);
	r = r_hsr(false, false);
	CHECK_EQ(es_decode(&l, r.b, r.len, &ev), 0);
	CHECK_EQ(ev.kind, ES_EV_HANDLE_SYS_REG);
	CHECK_EQ(ev.u.hsr.esr, 0x6232c3f5ULL);

	r = r_mmio(false, false);
	CHECK_EQ(es_decode(&l, r.b, 24, &ev), 0);
	CHECK_EQ(ev.kind, ES_EV_MMIO);
	CHECK_EQ(ev.u.mmio.gpa, 0x80a000010ULL);

	r = r_uexit(false, false);
	memset(&ev, 0xa5, sizeof(ev));
	CHECK_EQ(es_decode(&l, r.b, 12, &ev), 0);
	CHECK_EQ(ev.kind, ES_EV_USERSPACE_EXIT);
	CHECK_EQ(ev.u.uexit.reason, 6);
	CHECK_EQ(ev.u.uexit.err, 0);

	CHECK(!l.ev[ES_EV_GUEST_FAULT].found);	/* not in this trace */
	es_layout_release(&l);
	tep_free(tep);
}
