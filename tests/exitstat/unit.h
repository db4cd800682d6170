/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the libexitstat unit tests (unit*.c): the check
 * harness, a tep with the event formats of tools/tracedat/formats, a
 * record builder and an engine fixture. Implemented in unit-lib.c.
 */
#ifndef EXITSTAT_UNIT_H
#define EXITSTAT_UNIT_H

#include <stdbool.h>
#include <stdint.h>

#include "exitstat.h"
#include "kvm-formats.h"

struct tep_handle;

#define CHECK(cond) check((cond), #cond, __LINE__)
#define CHECK_EQ(a, b) check_eq((unsigned long long)(a), (unsigned long long)(b), #a, __LINE__)

void check(int ok, const char *what, int line);
void check_eq(unsigned long long a, unsigned long long b, const char *what, int line);
/* Runs one case and prints "PASS name" or "FAIL name". */
void run(const char *name, void (*fn)(void));
/* The failed checks of the running case so far. */
int unit_failures(void);
/* Prints "N passed, N failed"; returns main's exit status. */
int unit_summary(void);

#define COMMON \
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n" \
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n" \
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n" \
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"

/* The events' IDs in tools/tracedat/formats; ID_OTHER is one exitstat does not read. */
enum { ID_MMIO = KVM_ID_KVM_MMIO, ID_UEXIT = KVM_ID_KVM_USERSPACE_EXIT,
       ID_FAULT = KVM_ID_KVM_GUEST_FAULT, ID_EXIT = KVM_ID_KVM_EXIT, ID_ENTRY = KVM_ID_KVM_ENTRY,
       ID_SYS = KVM_ID_KVM_SYS_ACCESS, ID_HSR = KVM_ID_KVM_HANDLE_SYS_REG,
       ID_HVC = KVM_ID_KVM_HVC_ARM64, ID_OTHER = KVM_ID_KVM_ARM_SETUP_DEBUG };

/* The kvm events of tools/tracedat/formats, kvm_exit stock or patched
 * (kernel-patches/6.1/0002). */
struct tep_handle *make_tep(bool patched, bool big_endian);

/* Record builder, in the file's byte order. */
struct rec {
	uint8_t b[64];
	uint32_t len;
	bool be;
};

void put(struct rec *r, unsigned int off, unsigned int size, uint64_t v);
struct rec mk(unsigned int id, int tid, unsigned int len, bool be);
struct rec rec_exit(int tid, int ret, unsigned int ec, bool patched,
		    int vm_pid, unsigned int vcpu, uint64_t count);
struct rec rec_entry(int tid);
struct rec rec_hvc(int tid, uint64_t r0);
struct rec rec_sys(int tid, int op0, int op1, int crn, int crm, int op2, bool wr);
struct rec rec_hsr(int tid, uint64_t esr);
struct rec rec_mmio(int tid, unsigned int type, unsigned int len, uint64_t gpa);
struct rec rec_uexit(int tid, unsigned int reason);
void feed(struct es_engine *e, int cpu, uint64_t ts, struct rec r);

/* An engine over make_tep's layout; fx.o may be set between init and run. */
struct fixture {
	struct tep_handle *tep;
	struct es_layout l;
	struct es_engine *e;
	struct es_options o;
};

void fx_init(struct fixture *fx, bool patched);
struct es_result *fx_run(struct fixture *fx, void (*script)(struct es_engine *));
void fx_fini(struct fixture *fx, struct es_result *r);

/* unit-engine.c */
void test_engine_stock(void);
void test_engine_stock_threads(void);
void test_engine_all_ones_keys(void);
void test_engine_patched(void);
void test_engine_loss(void);
void test_timeline_and_time_filter(void);

/* unit-events.c */
void test_event_table(void);
void test_event_table_variants(void);

/* unit-v7file.c: made-up trace.dat version 7 files (its header says what is in them) */
#define V7_PS 256u		/* their page size */

enum v7_flaw {
	V7_OK,
	/* CPU 0's chunk 2 */
	V7_BAD_FRAME, V7_SHORT_FRAME, V7_ODD_USIZE, V7_BIG_USIZE,
	V7_PAST_END,		/* the file ends inside CPU 0's last chunk */
	V7_OPT_LOOP,		/* the DONE option points back at its section */
	/* header sections (with v7_spec.headers) */
	V7_HDR_MAGIC,		/* HEADER_INFO without "header_page" */
	V7_HDR_SIZE,		/* header_page's size past HEADER_INFO's end */
	V7_FMT_COUNT,		/* EVENT_FORMATS claims one format more */
	V7_FMT_SIZE,		/* a format's size past EVENT_FORMATS' end */
	V7_SYSTEM_NAME,		/* EVENT_FORMATS ends inside the system's name */
	V7_CMDLINES_SIZE,	/* CMDLINES' text size past its end */
	/* the section v7_spec.flaw_section (default EVENT_FORMATS) */
	V7_SECTION_ID,		/* its header says another id */
	V7_SECTION_SIZE,	/* its size runs past the end of the file */
	V7_SECTION_PAST,	/* its option points past the end of the file */
	V7_SECTION_ZSTD,	/* compressed: the zstd frame header broken */
	V7_SECTION_USIZE,	/* compressed: one byte more than the frame holds */
	V7_UNREAD_BAD,		/* KALLSYMS past the end, PRINTK not a section */
};

struct v7_spec {
	unsigned int chunks;		/* CPU 0's chunks, of 2 pages each */
	enum v7_flaw flaw;
	unsigned int flaw_section;	/* enum es_v7_id; 0: EVENT_FORMATS */
	bool headers;			/* the header sections */
	bool compress_headers, compress_options;
	bool records;			/* kvm records in the pages, not patterns */
	const char *date, *offset;	/* DATE and OFFSET options, if not NULL */
};

struct buf {
	uint8_t *b;
	size_t len;
};

struct buf make_v7(const struct v7_spec *spec);
/* Page `page` of CPU `cpu` in pattern files: every byte says which. */
void fill_page(uint8_t *p, int cpu, unsigned int page);
/* A memfd holding o. */
int v7_fd(const struct buf *o);

/* unit-zstd.c */
void test_v7_layout(void);
void test_zstream_pages(void);
void test_zstream_corrupt(void);
void test_zstream_truncated(void);

/* unit-v7headers.c */
void test_v7_headers(void);
void test_v7_headers_corrupt(void);
void test_v7_headers_truncated(void);
void test_v7_options(void);
void test_v7_analyze(void);

#endif
