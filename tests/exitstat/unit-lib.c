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
/* Event formats as the 6.1 kernel writes them (taken from the fixtures),
 * plus the patched kvm_exit of kernel-patches/6.1/0002 and kvm_entry of
 * 0005 (the vcpu appended as "id", which exitstat does not read). */

static const char fmt_exit_stock[] =
	"name: kvm_exit\nID: 54\nformat:\n" COMMON
	"\tfield:int ret;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:unsigned int esr_ec;\toffset:12;\tsize:4;\tsigned:0;\n"
	"\tfield:unsigned long vcpu_pc;\toffset:16;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"%s: HSR_EC: 0x%04x, PC: 0x%016lx\", __print_symbolic(REC->ret, {0, \"IRQ\" }, {1, \"SERROR\" }, {2, \"TRAP\" }, {0xbadca11, \"HYP_GONE\" }), REC->esr_ec, REC->vcpu_pc\n";

static const char fmt_exit_patched[] =
	"name: kvm_exit\nID: 54\nformat:\n" COMMON
	"\tfield:int ret;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:unsigned int esr_ec;\toffset:12;\tsize:4;\tsigned:0;\n"
	"\tfield:unsigned long vcpu_pc;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:pid_t vm_pid;\toffset:24;\tsize:4;\tsigned:1;\n"
	"\tfield:unsigned int vcpu_id;\toffset:28;\tsize:4;\tsigned:0;\n"
	"\tfield:u64 exit_count;\toffset:32;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"%s: HSR_EC: 0x%04x, PC: 0x%016lx, VM: %d, VCPU: %u, EXIT: %llu\", __print_symbolic(REC->ret, {0, \"IRQ\" }, {2, \"TRAP\" }), REC->esr_ec, REC->vcpu_pc, REC->vm_pid, REC->vcpu_id, REC->exit_count\n";

static const char fmt_entry[] =
	"name: kvm_entry\nID: 55\nformat:\n" COMMON
	"\tfield:unsigned long vcpu_pc;\toffset:8;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"PC: 0x%016lx\", REC->vcpu_pc\n";

static const char fmt_entry_patched[] =
	"name: kvm_entry\nID: 55\nformat:\n" COMMON
	"\tfield:unsigned long vcpu_pc;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:unsigned int id;\toffset:16;\tsize:4;\tsigned:0;\n\n"
	"print fmt: \"PC: 0x%016lx, VCPU: %u\", REC->vcpu_pc, REC->id\n";

static const char fmt_hvc[] =
	"name: kvm_hvc_arm64\nID: 64\nformat:\n" COMMON
	"\tfield:unsigned long vcpu_pc;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:unsigned long r0;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:unsigned long imm;\toffset:24;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"HVC at 0x%016lx (r0: 0x%016lx, imm: 0x%lx)\", REC->vcpu_pc, REC->r0, REC->imm\n";

static const char fmt_sys_access[] =
	"name: kvm_sys_access\nID: 57\nformat:\n" COMMON
	"\tfield:unsigned long vcpu_pc;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:bool is_write;\toffset:16;\tsize:1;\tsigned:0;\n"
	"\tfield:const char * name;\toffset:24;\tsize:8;\tsigned:0;\n"
	"\tfield:u8 Op0;\toffset:32;\tsize:1;\tsigned:0;\n"
	"\tfield:u8 Op1;\toffset:33;\tsize:1;\tsigned:0;\n"
	"\tfield:u8 CRn;\toffset:34;\tsize:1;\tsigned:0;\n"
	"\tfield:u8 CRm;\toffset:35;\tsize:1;\tsigned:0;\n"
	"\tfield:u8 Op2;\toffset:36;\tsize:1;\tsigned:0;\n\n"
	"print fmt: \"PC: %lx (%d,%d,%d,%d,%d) %s\", REC->vcpu_pc, REC->Op0, REC->Op1, REC->CRn, REC->CRm, REC->Op2, REC->is_write ? \"write\" : \"read\"\n";

static const char fmt_handle_sys_reg[] =
	"name: kvm_handle_sys_reg\nID: 58\nformat:\n" COMMON
	"\tfield:unsigned long hsr;\toffset:8;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"HSR 0x%08lx\", REC->hsr\n";

static const char fmt_mmio[] =
	"name: kvm_mmio\nID: 37\nformat:\n" COMMON
	"\tfield:u32 type;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:u32 len;\toffset:12;\tsize:4;\tsigned:0;\n"
	"\tfield:u64 gpa;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:u64 val;\toffset:24;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"mmio len %u gpa 0x%llx val 0x%llx\", REC->len, REC->gpa, REC->val\n";

static const char fmt_uexit[] =
	"name: kvm_userspace_exit\nID: 41\nformat:\n" COMMON
	"\tfield:__u32 reason;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:int errno;\toffset:12;\tsize:4;\tsigned:1;\n\n"
	"print fmt: \"reason %d (%d)\", REC->reason, REC->errno\n";

static const char fmt_guest_fault[] =
	"name: kvm_guest_fault\nID: 53\nformat:\n" COMMON
	"\tfield:unsigned long vcpu_pc;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:unsigned long hsr;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:unsigned long hxfar;\toffset:24;\tsize:8;\tsigned:0;\n"
	"\tfield:unsigned long long ipa;\toffset:32;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"ipa %#llx, hsr %#08lx, hxfar %#08lx, pc %#016lx\", REC->ipa, REC->hsr, REC->hxfar, REC->vcpu_pc\n";

static const char fmt_other[] =
	"name: kvm_arm_setup_debug\nID: 70\nformat:\n" COMMON
	"\tfield:struct kvm_vcpu * vcpu;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:__u32 guest_debug;\toffset:16;\tsize:4;\tsigned:0;\n\n"
	"print fmt: \"vcpu: %p, flags: 0x%08x\", REC->vcpu, REC->guest_debug\n";

struct tep_handle *make_tep(bool patched, bool big_endian)
{
	const char *fmts[] = { patched ? fmt_exit_patched : fmt_exit_stock,
			       patched ? fmt_entry_patched : fmt_entry,
			       fmt_hvc, fmt_sys_access,
			       fmt_handle_sys_reg, fmt_mmio, fmt_uexit,
			       fmt_guest_fault, fmt_other };
	struct tep_handle *tep = tep_alloc();
	size_t i;

	tep_set_file_bigendian(tep, big_endian ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(tep, TEP_LITTLE_ENDIAN);
	tep_set_long_size(tep, 8);
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++)
		if (tep_parse_event(tep, fmts[i], strlen(fmts[i]), "kvm"))
			printf("    cannot parse format %zu\n", i);
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

/* 24 bytes: room for the patched format's id (0), which stock ones pad. */
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
