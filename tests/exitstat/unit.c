// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of libexitstat: name tables, layouts parsed from embedded event
 * formats (stock 6.1 and our patched kvm_exit), record decoding, the
 * engine's pairing/attribution/loss logic (unit-engine.c), the page walker,
 * the histogram and error paths of es_analyze. Prints one line per case and
 * ends with "N passed, N failed".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event-parse.h>

#include "unit.h"
#include "exitlab/exit-stats-abi.h"

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

/* exitlab's own hypercalls, by their IDs in include/exitlab/exit-stats-abi.h */
static void test_exit_stats_names(void)
{
	CHECK(!strcmp(es_smccc_name(EXIT_STATS_VM_FUNC_ID), "KVM_EXIT_STATS_VM (exitlab)"));
	CHECK(!strcmp(es_smccc_name(EXIT_STATS_VCPU_FUNC_ID), "KVM_EXIT_STATS_VCPU (exitlab)"));
	CHECK(!strcmp(es_smccc_name(EXIT_STATS_SNAPSHOT_FUNC_ID), "KVM_EXIT_STATS_SNAPSHOT (exitlab)"));
	CHECK(!strcmp(es_smccc_owner(EXIT_STATS_SNAPSHOT_FUNC_ID), "vendor hypervisor"));
	CHECK(!strcmp(es_smccc_owner(EXIT_STATS_VM_FUNC_ID), "vendor hypervisor"));
	CHECK(!strcmp(es_smccc_owner(EXIT_STATS_VCPU_FUNC_ID), "vendor hypervisor"));
	CHECK(!strcmp(es_smccc_name(EXIT_STATS_KVM_FEATURES_FUNC_ID), "KVM_FEATURES"));
	/* neighbours stay unknown; the 64-bit convention is not these calls */
	CHECK(es_smccc_name(EXIT_STATS_SNAPSHOT_FUNC_ID + 1) == NULL);
	CHECK(es_smccc_name(EXIT_STATS_VM_FUNC_ID - 1) == NULL);
	CHECK(es_smccc_name(EXIT_STATS_VM_FUNC_ID | 0x40000000) == NULL);
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
	CHECK(l.ev[ES_EV_ENTRY].found);
	CHECK_EQ(es_layout_field(&l, ES_EV_EXIT, "ret")->offset, 8);
	CHECK_EQ(es_layout_field(&l, ES_EV_EXIT, "esr_ec")->offset, 12);
	CHECK(es_layout_field(&l, ES_EV_EXIT, "ret")->is_signed);
	CHECK_EQ(es_layout_field(&l, ES_EV_EXIT, "vm_pid")->size, 0);
	CHECK_EQ(es_layout_field(&l, ES_EV_SYS_ACCESS, "Op0")->offset, 32);
	CHECK_EQ(es_layout_field(&l, ES_EV_HANDLE_SYS_REG, "hsr")->offset, 8);
	CHECK(es_layout_field(&l, ES_EV_EXIT, "nosuch") == NULL);

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
	CHECK_EQ(es_layout_field(&l, ES_EV_EXIT, "vm_pid")->offset, 24);
	CHECK_EQ(es_layout_field(&l, ES_EV_EXIT, "vcpu_id")->offset, 28);
	CHECK_EQ(es_layout_field(&l, ES_EV_EXIT, "exit_count")->offset, 32);
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
	run("exit_stats_names", test_exit_stats_names);
	run("sysreg_names", test_sysreg_names);
	run("layout_stock", test_layout_stock);
	run("layout_patched", test_layout_patched);
	run("layout_bigendian", test_layout_bigendian);
	run("layout_errors", test_layout_errors);
	run("event_table", test_event_table);
	run("event_table_variants", test_event_table_variants);
	run("engine_stock", test_engine_stock);
	run("engine_stock_threads", test_engine_stock_threads);
	run("engine_all_ones_keys", test_engine_all_ones_keys);
	run("engine_patched", test_engine_patched);
	run("engine_loss", test_engine_loss);
	run("timeline_and_time_filter", test_timeline_and_time_filter);
	run("page_walker", test_page_walker);
	run("histogram", test_histogram);
	run("analyze_errors", test_analyze_errors);
	run("v7_layout", test_v7_layout);
	run("zstream_pages", test_zstream_pages);
	run("zstream_corrupt", test_zstream_corrupt);
	run("zstream_truncated", test_zstream_truncated);
	run("v7_headers", test_v7_headers);
	run("v7_headers_corrupt", test_v7_headers_corrupt);
	run("v7_headers_truncated", test_v7_headers_truncated);
	run("v7_options", test_v7_options);
	run("v7_analyze", test_v7_analyze);
	return unit_summary();
}
