// SPDX-License-Identifier: GPL-2.0
/* The unit tests' harness, event formats, record builder and engine fixture (unit.h). */
#include <stdio.h>
#include <string.h>

#include <event-parse.h>

#include "unit.h"

static int passed, failed;
static const char *current;
static int case_failures;

void check(int ok, const char *what, int line)
{
	if (!ok) {
		printf("    %s:%d: %s\n", current, line, what);
		case_failures++;
	}
}

void check_eq(unsigned long long a, unsigned long long b,
	      const char *what, int line)
{
	if (a != b) {
		printf("    %s:%d: %s = %llu, expected %llu\n", current, line, what, a, b);
		case_failures++;
	}
}

void run(const char *name, void (*fn)(void))
{
	current = name;
	case_failures = 0;
	fn();
	printf("%s %s\n", case_failures ? "FAIL" : "PASS", name);
	if (case_failures)
		failed++;
	else
		passed++;
}

int unit_failures(void)
{
	return case_failures;
}

int unit_summary(void)
{
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

/* ------------------------------------------------------------------ */
/* Event formats: tools/tracedat/formats (kvm-formats.h), as the 6.1 kernel writes them. */

struct tep_handle *make_tep(bool patched, bool big_endian)
{
	struct tep_handle *tep = tep_alloc();
	int refused;

	tep_set_file_bigendian(tep, big_endian ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(tep, TEP_LITTLE_ENDIAN);
	tep_set_long_size(tep, 8);
	refused = kvm_formats_parse(tep, patched ? kvm_formats_arm64_patched : kvm_formats_arm64);
	if (refused)
		printf("    cannot parse %d formats\n", refused);
	return tep;
}

void put(struct rec *r, unsigned int off, unsigned int size, uint64_t v)
{
	unsigned int i;

	for (i = 0; i < size; i++) {
		unsigned int shift = r->be ? 8 * (size - 1 - i) : 8 * i;

		r->b[off + i] = (uint8_t)(v >> shift);
	}
	if (off + size > r->len)
		r->len = off + size;
}

struct rec mk(unsigned int id, int tid, unsigned int len, bool be)
{
	struct rec r;

	memset(&r, 0, sizeof(r));
	r.be = be;
	put(&r, 0, 2, id);
	put(&r, 4, 4, (uint32_t)tid);
	r.len = len;
	return r;
}

struct rec rec_exit(int tid, int ret, unsigned int ec, bool patched,
		    int vm_pid, unsigned int vcpu, uint64_t count)
{
	struct rec r = mk(ID_EXIT, tid, patched ? 40 : 24, false);

	put(&r, 8, 4, (uint32_t)ret);
	put(&r, 12, 4, ec);
	put(&r, 16, 8, 0xc0001000);
	if (patched) {
		put(&r, 24, 4, (uint32_t)vm_pid);
		put(&r, 28, 4, vcpu);
		put(&r, 32, 8, count);
	}
	return r;
}

/* 24 bytes: room for the patched kvm_entry's id (kernel-patches/6.1/0005), 0 here; stock
 * layouts leave it as padding. */
struct rec rec_entry(int tid)
{
	return mk(ID_ENTRY, tid, 24, false);
}

struct rec rec_hvc(int tid, uint64_t r0)
{
	struct rec r = mk(ID_HVC, tid, 32, false);

	put(&r, 16, 8, r0);
	return r;
}

struct rec rec_sys(int tid, int op0, int op1, int crn, int crm, int op2,
		   bool wr)
{
	struct rec r = mk(ID_SYS, tid, 40, false);

	put(&r, 16, 1, wr);
	put(&r, 24, 8, 0xffffffc0084f0c50ULL);	/* kernel pointer: ignored */
	put(&r, 32, 1, (uint64_t)op0);
	put(&r, 33, 1, (uint64_t)op1);
	put(&r, 34, 1, (uint64_t)crn);
	put(&r, 35, 1, (uint64_t)crm);
	put(&r, 36, 1, (uint64_t)op2);
	return r;
}

struct rec rec_hsr(int tid, uint64_t esr)
{
	struct rec r = mk(ID_HSR, tid, 16, false);

	put(&r, 8, 8, esr);
	return r;
}

struct rec rec_mmio(int tid, unsigned int type, unsigned int len,
		    uint64_t gpa)
{
	struct rec r = mk(ID_MMIO, tid, 32, false);

	put(&r, 8, 4, type);
	put(&r, 12, 4, len);
	put(&r, 16, 8, gpa);
	return r;
}

struct rec rec_uexit(int tid, unsigned int reason)
{
	struct rec r = mk(ID_UEXIT, tid, 16, false);

	put(&r, 8, 4, reason);
	return r;
}

void feed(struct es_engine *e, int cpu, uint64_t ts, struct rec r)
{
	es_engine_record(e, cpu, ts, r.b, r.len);
}

/* ------------------------------------------------------------------ */

void fx_init(struct fixture *fx, bool patched)
{
	struct es_error err;

	memset(fx, 0, sizeof(*fx));
	fx->tep = make_tep(patched, false);
	es_layout_init(&fx->l, fx->tep, &err);
}

struct es_result *fx_run(struct fixture *fx, void (*script)(struct es_engine *))
{
	struct es_result *r;

	fx->e = es_engine_new(&fx->l, &fx->o, 2);
	script(fx->e);
	r = es_engine_finish(fx->e);
	return r;
}

void fx_fini(struct fixture *fx, struct es_result *r)
{
	es_result_free(r);
	es_layout_release(&fx->l);
	tep_free(fx->tep);
}
