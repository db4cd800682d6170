// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of libexitstat: name tables, layouts parsed from embedded event
 * formats (stock 6.1 and our patched kvm_exit), record decoding, the
 * engine's pairing/attribution/loss logic, the page walker, the histogram
 * and error paths of es_analyze. Prints one line per case and ends with
 * "N passed, N failed".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event-parse.h>

#include "exitstat.h"

static int passed, failed;
static const char *current;
static int case_failures;

#define CHECK(cond) check((cond), #cond, __LINE__)
#define CHECK_EQ(a, b) check_eq((unsigned long long)(a), (unsigned long long)(b), #a, __LINE__)

static void check(int ok, const char *what, int line)
{
	if (!ok) {
		printf("    %s:%d: %s\n", current, line, what);
		case_failures++;
	}
}

static void check_eq(unsigned long long a, unsigned long long b,
		     const char *what, int line)
{
	if (a != b) {
		printf("    %s:%d: %s = %llu, expected %llu\n", current, line, what, a, b);
		case_failures++;
	}
}

static void run(const char *name, void (*fn)(void))
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

/* ------------------------------------------------------------------ */
/* Event formats as the 6.1 kernel writes them (taken from the fixtures),
 * plus the patched kvm_exit of kernel-patches/6.1/0002. */

#define COMMON \
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n" \
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n" \
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n" \
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"

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

static const char fmt_other[] =
	"name: kvm_arm_setup_debug\nID: 70\nformat:\n" COMMON
	"\tfield:struct kvm_vcpu * vcpu;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:__u32 guest_debug;\toffset:16;\tsize:4;\tsigned:0;\n\n"
	"print fmt: \"vcpu: %p, flags: 0x%08x\", REC->vcpu, REC->guest_debug\n";

enum { ID_MMIO = 37, ID_UEXIT = 41, ID_EXIT = 54, ID_ENTRY = 55,
       ID_SYS = 57, ID_HSR = 58, ID_HVC = 64, ID_OTHER = 70 };

static struct tep_handle *make_tep(bool patched, bool big_endian)
{
	const char *fmts[] = { patched ? fmt_exit_patched : fmt_exit_stock,
			       fmt_entry, fmt_hvc, fmt_sys_access,
			       fmt_handle_sys_reg, fmt_mmio, fmt_uexit, fmt_other };
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

/* Record builder, in the file's byte order. */
struct rec {
	uint8_t b[64];
	uint32_t len;
	bool be;
};

static void put(struct rec *r, unsigned int off, unsigned int size, uint64_t v)
{
	unsigned int i;

	for (i = 0; i < size; i++) {
		unsigned int shift = r->be ? 8 * (size - 1 - i) : 8 * i;

		r->b[off + i] = (uint8_t)(v >> shift);
	}
	if (off + size > r->len)
		r->len = off + size;
}

static struct rec mk(unsigned int id, int tid, unsigned int len, bool be)
{
	struct rec r;

	memset(&r, 0, sizeof(r));
	r.be = be;
	put(&r, 0, 2, id);
	put(&r, 4, 4, (uint32_t)tid);
	r.len = len;
	return r;
}

static struct rec rec_exit(int tid, int ret, unsigned int ec, bool patched,
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

static struct rec rec_entry(int tid)
{
	return mk(ID_ENTRY, tid, 16, false);
}

static struct rec rec_hvc(int tid, uint64_t r0)
{
	struct rec r = mk(ID_HVC, tid, 32, false);

	put(&r, 16, 8, r0);
	return r;
}

static struct rec rec_sys(int tid, int op0, int op1, int crn, int crm, int op2,
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

static struct rec rec_hsr(int tid, uint64_t esr)
{
	struct rec r = mk(ID_HSR, tid, 16, false);

	put(&r, 8, 8, esr);
	return r;
}

static struct rec rec_mmio(int tid, unsigned int type, unsigned int len,
			   uint64_t gpa)
{
	struct rec r = mk(ID_MMIO, tid, 32, false);

	put(&r, 8, 4, type);
	put(&r, 12, 4, len);
	put(&r, 16, 8, gpa);
	return r;
}

static struct rec rec_uexit(int tid, unsigned int reason)
{
	struct rec r = mk(ID_UEXIT, tid, 16, false);

	put(&r, 8, 4, reason);
	return r;
}

static void feed(struct es_engine *e, int cpu, uint64_t ts, struct rec r)
{
	es_engine_record(e, cpu, ts, r.b, r.len);
}

/* ------------------------------------------------------------------ */

static void test_ec_names(void)
{
	CHECK(!strcmp(es_ec_name(0x12), "HVC32"));
	CHECK(!strcmp(es_ec_name(0x13), "SMC32"));
	CHECK(!strcmp(es_ec_name(0x11), "SVC32"));
	CHECK(!strcmp(es_ec_name(0x06), "CP14_LS"));
	CHECK(!strcmp(es_ec_name(0x1a), "ERET"));
	CHECK(!strcmp(es_ec_name(0x03), "CP15_32"));
	CHECK(!strcmp(es_ec_name(0x3c), "BRK64"));
	CHECK(es_ec_name(0x02) == NULL);
	CHECK(!strcmp(es_class_name(0x02), "EC_0x02"));
	CHECK_EQ(es_class_from_name("CP14_DT"), 0x06);
	CHECK_EQ(es_class_from_name("hvc32"), 0x12);
	CHECK_EQ(es_class_from_name("0x24"), 0x24);
	CHECK_EQ(es_class_from_name("IRQ"), ES_CLASS_IRQ);
	CHECK(es_class_from_name("NOPE") < 0);
	CHECK_EQ(es_exit_class(ES_RET_TRAP, 0x16), 0x16);
	CHECK_EQ(es_exit_class(ES_RET_IRQ, 0), ES_CLASS_IRQ);
	CHECK_EQ(es_exit_class(ES_RET_HYP_GONE, 0), ES_CLASS_HYP_GONE);
	CHECK_EQ(es_exit_class(ES_RET_IL, 0), ES_CLASS_IL);
	CHECK_EQ(es_exit_class(77, 0), ES_CLASS_OTHER_RET);
}

static void test_smccc_names(void)
{
	CHECK(!strcmp(es_smccc_name(0x84000000), "PSCI_VERSION"));
	CHECK(!strcmp(es_smccc_name(0xc4000003), "PSCI_CPU_ON (64)"));
	CHECK(!strcmp(es_smccc_name(0x84000008), "PSCI_SYSTEM_OFF"));
	CHECK(!strcmp(es_smccc_name(0x80000000), "SMCCC_VERSION"));
	CHECK(!strcmp(es_smccc_name(0x80000001), "SMCCC_ARCH_FEATURES"));
	CHECK(!strcmp(es_smccc_name(0x80008000), "SMCCC_ARCH_WORKAROUND_1"));
	CHECK(!strcmp(es_smccc_name(0x80007fff), "SMCCC_ARCH_WORKAROUND_2"));
	CHECK(!strcmp(es_smccc_name(0x80003fff), "SMCCC_ARCH_WORKAROUND_3"));
	CHECK(!strcmp(es_smccc_name(0x86000000), "KVM_FEATURES"));
	CHECK(!strcmp(es_smccc_name(0x86000001), "KVM_PTP"));
	CHECK(!strcmp(es_smccc_name(0x8600ff01), "KVM_VENDOR_HYP_CALL_UID"));
	CHECK(es_smccc_name(0x82001234) == NULL);
	CHECK(!strcmp(es_smccc_owner(0x82001234), "SiP service"));
	CHECK(!strcmp(es_smccc_owner(0x0), "yielding call"));
	CHECK(!strcmp(es_smccc_owner(0xb2000000), "trusted OS"));
}

static void test_sysreg_names(void)
{
	char b[64];

	CHECK(es_sysreg_format(b, sizeof(b), ES_REG_CP15_32, 0, 0, 0, 0, 1) && !strcmp(b, "CTR"));
	CHECK(es_sysreg_format(b, sizeof(b), ES_REG_CP15_32, 0, 0, 1, 0, 0) && !strcmp(b, "SCTLR"));
	CHECK(es_sysreg_format(b, sizeof(b), ES_REG_CP15_32, 0, 2, 0, 0, 0) && !strcmp(b, "CSSELR"));
	CHECK(es_sysreg_format(b, sizeof(b), ES_REG_CP15_32, 0, 0, 7, 14, 2) && !strcmp(b, "DCCISW"));
	CHECK(es_sysreg_format(b, sizeof(b), ES_REG_CP15_32, 0, 0, 14, 9, 2) && !strcmp(b, "PMEVCNTR10"));
	CHECK(es_sysreg_format(b, sizeof(b), ES_REG_CP15_64, 0, 1, 0, 2, 0) && !strcmp(b, "TTBR1 (64)"));
	CHECK(es_sysreg_format(b, sizeof(b), ES_REG_CP15_64, 0, 0, 0, 12, 0) && !strcmp(b, "ICC_SGI1R"));
	CHECK(es_sysreg_format(b, sizeof(b), ES_REG_CP14_32, 0, 0, 0, 0, 0) && !strcmp(b, "DBGDIDR"));
	CHECK(es_sysreg_format(b, sizeof(b), ES_REG_CP14_32, 0, 0, 0, 3, 5) && !strcmp(b, "DBGBCR3"));
	CHECK(es_sysreg_format(b, sizeof(b), ES_REG_CP14_32, 0, 0, 1, 0, 4) && !strcmp(b, "DBGOSLAR"));
	CHECK(es_sysreg_format(b, sizeof(b), ES_REG_AARCH64, 3, 0, 0, 1, 7) && !strcmp(b, "ID_MMFR3_EL1"));
	CHECK(es_sysreg_format(b, sizeof(b), ES_REG_AARCH64, 3, 3, 14, 2, 1) && !strcmp(b, "CNTP_CTL_EL0"));
	CHECK(es_sysreg_format(b, sizeof(b), ES_REG_AARCH64, 3, 3, 14, 8, 5) && !strcmp(b, "PMEVCNTR5_EL0"));
	CHECK(es_sysreg_format(b, sizeof(b), ES_REG_AARCH64, 2, 0, 0, 7, 4) && !strcmp(b, "DBGBVR7_EL1"));
	CHECK(es_sysreg_format(b, sizeof(b), ES_REG_AARCH64, 1, 0, 7, 6, 2) && !strcmp(b, "DC ISW"));
	CHECK(!es_sysreg_format(b, sizeof(b), ES_REG_AARCH64, 3, 0, 15, 2, 0) && !strcmp(b, "S3_0_C15_C2_0"));
	CHECK(!es_sysreg_format(b, sizeof(b), ES_REG_CP15_32, 0, 5, 15, 0, 0) && !strcmp(b, "p15,5,c15,c0,0"));
}

static void test_layout_stock(void)
{
	struct tep_handle *tep = make_tep(false, false);
	struct es_layout l;
	struct es_error err;
	struct es_event ev;
	struct rec r;

	CHECK_EQ(es_layout_init(&l, tep, &err), 0);
	CHECK(!l.patched);
	CHECK(l.has_entry);
	CHECK_EQ(l.exit_ret.offset, 8);
	CHECK_EQ(l.exit_ec.offset, 12);
	CHECK(l.exit_ret.is_signed);
	CHECK_EQ(l.sa_op0.offset, 32);
	CHECK_EQ(l.hsr_esr.offset, 8);

	r = rec_exit(64, 2, 0x03, false, 0, 0, 0);
	CHECK_EQ(es_decode(&l, r.b, r.len, &ev), 0);
	CHECK_EQ(ev.kind, ES_EV_EXIT);
	CHECK_EQ(ev.tid, 64);
	CHECK_EQ(ev.u.exit.ret, 2);
	CHECK_EQ(ev.u.exit.ec, 3);
	CHECK_EQ(ev.u.exit.pc, 0xc0001000);

	r = rec_exit(64, ES_RET_HYP_GONE, 0, false, 0, 0, 0);
	CHECK_EQ(es_decode(&l, r.b, r.len, &ev), 0);
	CHECK_EQ(ev.u.exit.ret, ES_RET_HYP_GONE);

	r = rec_sys(64, 0, 0, 0, 0, 1, false);
	CHECK_EQ(es_decode(&l, r.b, r.len, &ev), 0);
	CHECK_EQ(ev.kind, ES_EV_SYS_ACCESS);
	CHECK_EQ(ev.u.sys.op2, 1);
	CHECK(!ev.u.sys.is_write);

	r = mk(ID_OTHER, 64, 24, false);
	CHECK_EQ(es_decode(&l, r.b, r.len, &ev), 0);
	CHECK_EQ(ev.kind, ES_EV_OTHER);

	/* too short for its own format: reported, not read past the end */
	r = rec_exit(64, 2, 3, false, 0, 0, 0);
	CHECK_EQ(es_decode(&l, r.b, 14, &ev), -EBADMSG);
	CHECK_EQ(es_decode(&l, r.b, 1, &ev), -EBADMSG);
	es_layout_release(&l);
	tep_free(tep);
}

static void test_layout_patched(void)
{
	struct tep_handle *tep = make_tep(true, false);
	struct es_layout l;
	struct es_error err;
	struct es_event ev;
	struct rec r;

	CHECK_EQ(es_layout_init(&l, tep, &err), 0);
	CHECK(l.patched);
	CHECK_EQ(l.exit_vm_pid.offset, 24);
	CHECK_EQ(l.exit_vcpu_id.offset, 28);
	CHECK_EQ(l.exit_count.offset, 32);
	r = rec_exit(700, 2, 0x16, true, 512, 3, 123456789012ULL);
	CHECK_EQ(es_decode(&l, r.b, r.len, &ev), 0);
	CHECK_EQ(ev.u.exit.vm_pid, 512);
	CHECK_EQ(ev.u.exit.vcpu_id, 3);
	CHECK_EQ(ev.u.exit.exit_count, 123456789012ULL);
	/* a stock-sized record under the patched format is malformed */
	CHECK_EQ(es_decode(&l, r.b, 24, &ev), -EBADMSG);
	es_layout_release(&l);
	tep_free(tep);
}

static void test_layout_bigendian(void)
{
	struct tep_handle *tep = make_tep(false, true);
	struct es_layout l;
	struct es_error err;
	struct es_event ev;
	struct rec r;

	CHECK_EQ(es_layout_init(&l, tep, &err), 0);
	CHECK(l.swap);
	memset(&r, 0, sizeof(r));
	r.be = true;
	put(&r, 0, 2, ID_EXIT);
	put(&r, 4, 4, 99);
	put(&r, 8, 4, (uint32_t)-1);
	put(&r, 12, 4, 0x24);
	put(&r, 16, 8, 0x1234);
	CHECK_EQ(es_decode(&l, r.b, 24, &ev), 0);
	CHECK_EQ(ev.kind, ES_EV_EXIT);
	CHECK_EQ(ev.tid, 99);
	CHECK(ev.u.exit.ret == -1);	/* signed field sign-extended */
	CHECK_EQ(ev.u.exit.ec, 0x24);
	es_layout_release(&l);
	tep_free(tep);
}

static void test_layout_errors(void)
{
	struct tep_handle *tep = tep_alloc();
	struct es_layout l;
	struct es_error err;
	static const char bad_exit[] =
		"name: kvm_exit\nID: 54\nformat:\n" COMMON
		"\tfield:unsigned int exit_reason;\toffset:8;\tsize:4;\tsigned:0;\n\n"
		"print fmt: \"%u\", REC->exit_reason\n";

	CHECK_EQ(es_layout_init(&l, tep, &err), -ENOMSG);
	CHECK(strstr(err.msg, "no kvm events") != NULL);
	/* an x86-style kvm_exit: unexpected format */
	tep_parse_event(tep, bad_exit, strlen(bad_exit), "kvm");
	CHECK_EQ(es_layout_init(&l, tep, &err), -EPROTO);
	CHECK(strstr(err.msg, "unexpected kvm_exit format") != NULL);
	tep_free(tep);
}

struct fixture {
	struct tep_handle *tep;
	struct es_layout l;
	struct es_engine *e;
	struct es_options o;
};

static void fx_init(struct fixture *fx, bool patched)
{
	struct es_error err;

	memset(fx, 0, sizeof(*fx));
	fx->tep = make_tep(patched, false);
	es_layout_init(&fx->l, fx->tep, &err);
}

static struct es_result *fx_run(struct fixture *fx, void (*script)(struct es_engine *))
{
	struct es_result *r;

	fx->e = es_engine_new(&fx->l, &fx->o, 2);
	script(fx->e);
	r = es_engine_finish(fx->e);
	return r;
}

static void fx_fini(struct fixture *fx, struct es_result *r)
{
	es_result_free(r);
	es_layout_release(&fx->l);
	tep_free(fx->tep);
}

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

static void test_engine_stock(void)
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

static void test_engine_patched(void)
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

static void test_engine_loss(void)
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

static void test_timeline_and_time_filter(void)
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

/* ------------------------------------------------------------------ */
/* Page walker */

static void page_put4(uint8_t *p, uint32_t off, uint32_t v) { memcpy(p + off, &v, 4); }
static void page_put8(uint8_t *p, uint32_t off, uint64_t v) { memcpy(p + off, &v, 8); }

static uint32_t hdr(uint32_t type_len, uint32_t delta)
{
	return type_len | (delta << 5);
}

static void test_page_walker(void)
{
	uint8_t page[4096];
	struct es_page_iter it;
	const uint8_t *data;
	uint32_t len, pos = 16;
	uint64_t ts;

	memset(page, 0, sizeof(page));
	page_put8(page, 0, 1000000);
	/* event 1: 8 data bytes, delta 5 */
	page_put4(page, pos, hdr(2, 5)); pos += 4;
	page_put4(page, pos, 0x11111111); page_put4(page, pos + 4, 0x22222222); pos += 8;
	/* time extend: +(3 << 27) + 7 */
	page_put4(page, pos, hdr(30, 7)); page_put4(page, pos + 4, 3); pos += 8;
	/* event 2: long form (type_len 0), 120 data bytes */
	page_put4(page, pos, hdr(0, 1)); page_put4(page, pos + 4, 124); pos += 8;
	memset(page + pos, 0xab, 120); pos += 120;
	/* padding of 12 bytes (non-zero delta: a discarded event) */
	page_put4(page, pos, hdr(29, 1)); page_put4(page, pos + 4, 8); pos += 12;
	/* event 3: 4 bytes */
	page_put4(page, pos, hdr(1, 2)); page_put4(page, pos + 4, 0x33); pos += 8;
	/* commit, with "missed events, count stored" flags; count after data */
	page_put8(page, 8, (pos - 16) | (1ULL << 31) | (1ULL << 30));
	page_put8(page, pos, 892);

	CHECK_EQ(es_page_begin(&it, page, sizeof(page), 8, false), 0);
	CHECK_EQ(it.missed, 892);
	CHECK_EQ(es_page_next(&it, &ts, &data, &len), 1);
	CHECK_EQ(ts, 1000005);
	CHECK_EQ(len, 8);
	CHECK_EQ(data[0], 0x11);
	CHECK_EQ(es_page_next(&it, &ts, &data, &len), 1);
	CHECK_EQ(ts, 1000005 + (3ULL << 27) + 7 + 1);
	CHECK_EQ(len, 120);
	CHECK_EQ(data[119], 0xab);
	CHECK_EQ(es_page_next(&it, &ts, &data, &len), 1);
	CHECK_EQ(len, 4);
	CHECK_EQ(data[0], 0x33);
	CHECK_EQ(es_page_next(&it, &ts, &data, &len), 0);

	/* missed without a stored count */
	page_put8(page, 8, (pos - 16) | (1ULL << 31));
	CHECK_EQ(es_page_begin(&it, page, sizeof(page), 8, false), 0);
	CHECK(it.missed == -1);

	/* commit larger than the page */
	page_put8(page, 8, 5000);
	CHECK_EQ(es_page_begin(&it, page, sizeof(page), 8, false), -EBADMSG);

	/* an event claiming more bytes than committed */
	page_put8(page, 8, 16);
	page_put4(page, 16, hdr(0, 1));
	page_put4(page, 20, 4000);
	CHECK_EQ(es_page_begin(&it, page, sizeof(page), 8, false), 0);
	CHECK_EQ(es_page_next(&it, &ts, &data, &len), -EBADMSG);
	CHECK_EQ(es_page_next(&it, &ts, &data, &len), 0);	/* stays stopped */

	/* zero-delta padding ends the page */
	page_put8(page, 8, 64);
	page_put4(page, 16, hdr(1, 1));
	page_put4(page, 24, hdr(29, 0));
	CHECK_EQ(es_page_begin(&it, page, sizeof(page), 8, false), 0);
	CHECK_EQ(es_page_next(&it, &ts, &data, &len), 1);
	CHECK_EQ(es_page_next(&it, &ts, &data, &len), 0);

	CHECK_EQ(es_page_begin(&it, page, 8, 8, false), -EINVAL);
}

static void test_histogram(void)
{
	struct es_hist h = { 0 };
	uint64_t v, p50, p99;

	for (v = 1; v <= 100000; v++)
		es_hist_add(&h, v);
	p50 = es_hist_percentile(&h, 50);
	p99 = es_hist_percentile(&h, 99);
	CHECK(p50 >= 48500 && p50 <= 51500);
	CHECK(p99 >= 96000 && p99 <= 102000);
	CHECK_EQ(h.max, 100000);
	CHECK_EQ(h.min, 1);
	CHECK_EQ(es_hist_percentile(&h, 100), 100000);
	es_hist_release(&h);

	for (v = 0; v < 10; v++)
		es_hist_add(&h, 7);	/* small values are exact */
	CHECK_EQ(es_hist_percentile(&h, 50), 7);
	es_hist_add(&h, UINT64_MAX / 2);
	CHECK_EQ(es_hist_percentile(&h, 100), UINT64_MAX / 2);
	es_hist_release(&h);
}

static void test_analyze_errors(void)
{
	char dir[] = "/tmp/exitstat-unit-XXXXXX", path[256];
	struct es_options o = { 0 };
	struct es_result *r;
	struct es_error err;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/missing.dat", dir);
	CHECK_EQ(es_analyze(path, &o, &r, &err), -ENOENT);
	CHECK(r == NULL);

	snprintf(path, sizeof(path), "%s/garbage.dat", dir);
	f = fopen(path, "w");
	fputs("this is not a trace file at all\n", f);
	fclose(f);
	CHECK_EQ(es_analyze(path, &o, &r, &err), -EINVAL);
	CHECK(strstr(err.msg, "not a trace-cmd") != NULL);
	unlink(path);

	snprintf(path, sizeof(path), "%s/empty.dat", dir);
	f = fopen(path, "w");
	fclose(f);
	CHECK_EQ(es_analyze(path, &o, &r, &err), -EINVAL);
	unlink(path);

	/* magic right, everything after it missing */
	snprintf(path, sizeof(path), "%s/cut.dat", dir);
	f = fopen(path, "w");
	fwrite("\027\010\104tracing6\0\0\0", 1, 14, f);
	fclose(f);
	CHECK(es_analyze(path, &o, &r, &err) < 0);
	CHECK(r == NULL);
	unlink(path);

	CHECK_EQ(es_analyze(dir, &o, &r, &err), -EINVAL);	/* a directory */
	rmdir(dir);
}

int main(void)
{
	run("ec_names", test_ec_names);
	run("smccc_names", test_smccc_names);
	run("sysreg_names", test_sysreg_names);
	run("layout_stock", test_layout_stock);
	run("layout_patched", test_layout_patched);
	run("layout_bigendian", test_layout_bigendian);
	run("layout_errors", test_layout_errors);
	run("engine_stock", test_engine_stock);
	run("engine_patched", test_engine_patched);
	run("engine_loss", test_engine_loss);
	run("timeline_and_time_filter", test_timeline_and_time_filter);
	run("page_walker", test_page_walker);
	run("histogram", test_histogram);
	run("analyze_errors", test_analyze_errors);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
