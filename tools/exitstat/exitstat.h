/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libexitstat: decoding and statistics of KVM/arm64 exit traces
 * (trace.dat files written by `trace-cmd record -e kvm`).
 *
 * The library never prints and never exits: every function that can fail
 * returns a negative errno and, where it takes one, fills a struct es_error
 * with a one-line explanation.
 */
#ifndef EXITSTAT_H
#define EXITSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tep_handle;

/* ------------------------------------------------------------------ */
/* Exit classes: 64 ESR_ELx exception classes for ret == TRAP, then one
 * class per other ARM_EXCEPTION_* return code. */
enum {
	ES_CLASS_IRQ = 64,
	ES_CLASS_SERROR,
	ES_CLASS_IL,
	ES_CLASS_HYP_GONE,
	ES_CLASS_OTHER_RET,
	ES_NCLASS
};

#define ES_RET_IRQ	0
#define ES_RET_SERROR	1
#define ES_RET_TRAP	2
#define ES_RET_IL	3
#define ES_RET_HYP_GONE	0xbadca11

struct es_error {
	char msg[256];
};

/* names.c */
const char *es_ec_name(unsigned int ec);	/* NULL if reserved */
const char *es_ec_description(unsigned int ec);
const char *es_ret_name(long ret);		/* NULL if unknown */
int es_exit_class(long ret, unsigned int ec);
long es_ret_by_name(const char *name);	/* a kernel's ret name -> ES_RET_*, or -1 */
const char *es_class_name(int cls);		/* "CP15_32", "IRQ", ... */
int es_class_from_name(const char *name);	/* -EINVAL if unknown */
long es_class_ret(int cls);
unsigned int es_class_ec(int cls);

const char *es_smccc_name(uint32_t fid);	/* NULL if unknown */
const char *es_smccc_owner(uint32_t fid);

enum es_regspace {
	ES_REG_AARCH64,		/* MRS/MSR/SYS: Op0, Op1, CRn, CRm, Op2 */
	ES_REG_CP15_32,		/* MRC/MCR p15: Op1, CRn, CRm, Op2 */
	ES_REG_CP15_64,		/* MRRC/MCRR p15: Op1, CRm */
	ES_REG_CP14_32,
	ES_REG_CP14_64,
	ES_REG_CP10,		/* VMRS/VMSR: CRn selects the register */
	ES_REG_NSPACES
};
const char *es_regspace_name(int space);
/* The space of a kvm_sys_access register in an exit of class cls: Op0 is
 * 0 for every AArch32 coprocessor access (rerouted ID registers come with
 * their AArch64 encoding); an unknown class gives ES_REG_CP15_32. */
int es_class_regspace(int cls, unsigned int op0);
/*
 * Writes the register's (or system instruction's) name, or a generic
 * encoding such as "S3_0_C15_C2_0" / "p15,0,c15,c0,0" when our table does
 * not know it. Returns true if the name came from the table.
 */
bool es_sysreg_format(char *buf, size_t len, int space, unsigned int op0,
		      unsigned int op1, unsigned int crn, unsigned int crm,
		      unsigned int op2);

const char *es_mmio_region(uint64_t gpa);	/* QEMU 'virt' board map */
const char *es_userspace_exit_name(uint32_t reason);

/* ------------------------------------------------------------------ */
/* Record decoding (decode.c). The kvm events read, their fields and the
 * members of struct es_event they fill are one table (events.c); offsets
 * come from the trace's own event formats, looked up once. */

enum es_kind {
	ES_EV_OTHER = 0,
	ES_EV_EXIT,
	ES_EV_ENTRY,
	ES_EV_HVC,
	ES_EV_SYS_ACCESS,
	ES_EV_HANDLE_SYS_REG,
	ES_EV_MMIO,
	ES_EV_USERSPACE_EXIT,
	ES_EV_GUEST_FAULT,
	ES_EV_NKINDS
};

struct es_event {
	enum es_kind kind;
	int32_t tid;
	union {
		struct {
			int64_t ret;
			uint32_t ec;
			uint64_t pc;
			int32_t vm_pid;
			uint32_t vcpu_id;
			uint64_t exit_count;
		} exit;
		struct {
			uint64_t r0, imm;
		} hvc;
		struct {
			uint8_t op0, op1, crn, crm, op2;
			bool is_write;
		} sys;
		struct {
			uint64_t esr;
		} hsr;
		struct {
			uint32_t type, len;
			uint64_t gpa;
		} mmio;
		struct {
			uint32_t reason;
			int32_t err;
		} uexit;
		struct {
			uint64_t ipa;
		} fault;
	} u;
};

struct es_field {
	uint16_t offset;
	uint8_t size;		/* 0: field absent */
	uint8_t is_signed;
};

#define ES_MAX_FIELDS 8		/* of one event */

/* One field of an event in this trace: where it lies in the record, and
 * which member of struct es_event it fills. */
struct es_slot {
	struct es_field f;	/* size 0: absent (optional), reads as 0 */
	uint8_t op;		/* how: enum es_slot_op */
	uint8_t store;		/* member width 1, 2, 4, 8 or ES_STORE_BOOL */
	uint8_t sext;		/* signed: shift that sign-extends it, else 0 */
	uint16_t member;	/* offset in struct es_event */
};
#define ES_STORE_BOOL 0x10

enum es_slot_op {
	ES_OP_CONVERT,		/* read (absent: 0), swap, extend or truncate */
	ES_OP_COPY1, ES_OP_COPY2, ES_OP_COPY4, ES_OP_COPY8,	/* as it is */
};

struct es_event_layout {
	bool found;		/* in the trace, with its required fields */
	bool patched;		/* has all its fields of our kernel patch */
	uint8_t nslots;		/* the event's fields in table order */
	uint32_t min_size;	/* shorter records are malformed */
	struct es_slot slot[ES_MAX_FIELDS];
};

/*
 * kvm_exit's ret in a trace's own numbering -> ES_RET_* (retmap.c): a 32-bit
 * ARM host numbers its Hyp vectors (HVC 7, DATA_ABORT 4, IRQ 5), arm64 its
 * exit kinds (TRAP 2, IRQ 0). Read from the event's print format; n 0: the
 * numbering is arm64's and ret is used as it is.
 */
#define ES_MAX_RET_CODES 16
struct es_ret_map {
	unsigned int n;
	struct { int64_t raw, ret; } e[ES_MAX_RET_CODES];
};
struct tep_event;
void es_ret_map_init(struct es_ret_map *m, struct tep_event *kvm_exit);
/* ret in arm64's numbering: RAW itself for an arm64 trace (n 0); from the table otherwise, a
 * value it lacks HYP_GONE as is, else -1 */
int64_t es_ret_map(const struct es_ret_map *m, int64_t raw);

struct es_layout {
	bool swap;			/* file endianness differs from ours */
	bool patched;			/* kvm_exit carries vm_pid/vcpu_id/exit_count */
	struct es_field common_type, common_pid;
	unsigned int max_id;
	uint8_t *kind_by_id;		/* [max_id + 1] */
	struct es_event_layout ev[ES_EV_NKINDS];	/* by kind */
	struct es_ret_map ret_map;	/* kvm_exit's ret numbering */
};

int es_layout_init(struct es_layout *layout, struct tep_handle *tep,
		   struct es_error *err);
void es_layout_release(struct es_layout *layout);
/* 0 and *ev filled; -EBADMSG if the record is too short for its format. */
int es_decode(const struct es_layout *layout, const void *data, uint32_t size,
	      struct es_event *ev);
/* Where the field the event table calls name lies in this trace's records
 * of that kind (size 0: absent), or NULL if the table has no such field. */
const struct es_field *es_layout_field(const struct es_layout *layout,
				       enum es_kind kind, const char *name);

/* ------------------------------------------------------------------ */
/* Ring-buffer sub-buffer ("page") walker (page.c), bounds checked. */

struct es_page_iter {
	const uint8_t *page;
	uint32_t pos, end;
	uint64_t ts;
	bool swap;
	long long missed;	/* 0 none, -1 lost but count unknown, >0 count */
};

int es_page_begin(struct es_page_iter *it, const void *page, size_t page_size,
		  int long_size, bool swap);
/* 1: ts, data and len set; 0: end of page; -EBADMSG: corrupt page. */
int es_page_next(struct es_page_iter *it, uint64_t *ts, const uint8_t **data,
		 uint32_t *len);

/* ------------------------------------------------------------------ */
/* trace.dat version 7 (v7.c: layout and options; v7-headers.c: the header
 * sections and the tep built from them) and its zstd-compressed CPU data
 * (zstream.c), read without libtracecmd. Format: trace-cmd.dat.v7(5). */

/* Option ids (trace-cmd's enum tracecmd_option_id, the values the file
 * holds); those from HEADER_INFO to CMDLINES give the offset of the section
 * of the same id. The one definition of them. */
enum es_v7_id {
	ES_V7_DONE = 0,
	ES_V7_DATE = 1,
	ES_V7_CPUSTAT = 2,
	ES_V7_BUFFER = 3,		/* also the flyrecord section's id */
	ES_V7_OFFSET = 7,
	ES_V7_CPUCOUNT = 8,
	ES_V7_TIME_SHIFT = 12,
	ES_V7_TSC2NSEC = 14,
	ES_V7_HEADER_INFO = 16,
	ES_V7_FTRACE_EVENTS = 17,
	ES_V7_EVENT_FORMATS = 18,
	ES_V7_KALLSYMS = 19,
	ES_V7_PRINTK = 20,
	ES_V7_CMDLINES = 21,
	ES_V7_BUFFER_TEXT = 22,
};
#define ES_V7_NSECTIONS (ES_V7_CMDLINES - ES_V7_HEADER_INFO + 1)
#define ES_V7_SECTION_FLAG_COMPRESSED 1

struct es_v7_cpu {
	bool present;		/* listed in the BUFFER option */
	uint64_t offset;	/* file offset of the CPU's chunk count */
	uint64_t size;		/* as the BUFFER option says; 0: no data */
};

struct es_v7 {
	bool big_endian;
	int long_size;
	uint32_t page_size;		/* file header */
	uint32_t buffer_page_size;	/* the top instance's BUFFER option */
	char compression[16];		/* "zstd", "none", ... */
	bool data_compressed;		/* flyrecord section flag */
	long long ts_offset;		/* ns added to every timestamp: DATE, OFFSET */
	bool ts_transform;		/* TIME_SHIFT/TSC2NSEC: corrected per event */
	bool latency;			/* BUFFER_TEXT (latency trace) */
	uint64_t buffer_offset;		/* the flyrecord section */
	int ncpus;
	struct es_v7_cpu *cpu;		/* [ncpus], by CPU id */
	uint32_t cpucount;		/* CPUCOUNT option; 0: none */
	char *cpustats;			/* the CPUSTAT options' text, each line
					 * ending in '\n' as libtracecmd keeps it;
					 * NULL: none */
	/* [id - ES_V7_HEADER_INFO]: the header sections' offsets; 0: none */
	uint64_t section[ES_V7_NSECTIONS];
};

/* 0, -EOPNOTSUPP (not version 7, or no flyrecord data), -EBADMSG, -EIO... */
int es_v7_read(int fd, uint64_t file_size, int max_cpus, struct es_v7 *v,
	       struct es_error *err);
void es_v7_release(struct es_v7 *v);
/* A size-byte number at p in the file's byte order. */
uint64_t es_v7_get(const struct es_v7 *v, const void *p, int size);
/* All of len bytes at off, or -EBADMSG past file_size / a short read. */
int es_pread_full(int fd, void *buf, size_t len, uint64_t off, uint64_t file_size);
/* The section of id `id` whose header is at off, decompressed if it is
 * compressed ("COMPRESSION FORMAT OF THE FILE SECTIONS"), into *out (malloc,
 * *outlen bytes); errors name it as `name`. */
int es_v7_load_section(int fd, uint64_t file_size, const struct es_v7 *v,
		       uint64_t off, unsigned int id, const char *name,
		       uint8_t **out, size_t *outlen, struct es_error *err);

/*
 * The header sections that libtracecmd parses in tracecmd_open, read by
 * us (v7-headers.c): HEADER_INFO's header_page and header_event,
 * FTRACE_EVENTS' and EVENT_FORMATS' format files, CMDLINES; each piece,
 * checked against its section, goes to the sink's function for it (NULL:
 * not wanted), text with its length (cmdlines also NUL-terminated); a
 * function's error ends the reading. KALLSYMS and PRINTK are never read.
 * A missing section is skipped, as libtracecmd does.
 */
struct es_v7_sink {
	int (*header_page)(void *ctx, char *text, size_t len);
	int (*header_event)(void *ctx, char *text, size_t len);
	int (*format)(void *ctx, const char *system, char *text, size_t len);
	int (*cmdlines)(void *ctx, char *text, size_t len);
};
int es_v7_headers(int fd, uint64_t file_size, const struct es_v7 *v,
		  const struct es_v7_sink *sink, void *ctx, struct es_error *err);
/* A tep as tracecmd_open would make of the file, but for kallsyms and
 * printk formats (exitstat uses neither) and the ftrace:blktrace format
 * libtracecmd makes up for its blktrace plugin: byte order, long and page
 * size, CPU count, header page, every event format of the file, saved
 * command lines. Formats libtraceevent refuses are left out, as libtracecmd
 * leaves them. */
int es_v7_tep(int fd, uint64_t file_size, const struct es_v7 *v,
	      struct tep_handle **tep, struct es_error *err);

struct es_zstream;
/* Streams of v's CPUs (v must outlive it) from fd, with `workers` threads
 * decompressing ahead of the caller (0: the caller does it all). */
int es_zstream_new(struct es_zstream **zs, int fd, uint64_t file_size,
		   const struct es_v7 *v, int workers, struct es_error *err);
/* CPU index cpu's next page (page_size bytes, valid until the stream moves
 * past its chunk): 1, 0 at the end, -errno with err filled. */
int es_zstream_page(struct es_zstream *zs, int cpu, const uint8_t **page,
		    struct es_error *err);
/* Where CPU cpu's last page came from (for messages): its number in its
 * chunk (1-based), the chunk's (1-based, of chunks) and file offset. */
int es_zstream_where(const struct es_zstream *zs, int cpu, uint32_t *page,
		     uint32_t *chunk, uint32_t *chunks, uint64_t *offset);
void es_zstream_stats(const struct es_zstream *zs, uint64_t *chunks,
		      uint64_t *by_walker, int *workers);
void es_zstream_free(struct es_zstream *zs);

/* ------------------------------------------------------------------ */
/* Log-linear histogram (HDR style): constant memory (7.5 KiB), a reported
 * percentile is within 2/ES_HIST_SUB (about 3%) of the exact value. */

#define ES_HIST_SUB_BITS 6
#define ES_HIST_SUB (1u << ES_HIST_SUB_BITS)
#define ES_HIST_BUCKETS ((64 - ES_HIST_SUB_BITS + 2) * (ES_HIST_SUB / 2))

struct es_hist {
	uint64_t count, total, max, min;
	uint32_t *buckets;		/* lazily allocated */
};

int es_hist_add(struct es_hist *h, uint64_t value);
uint64_t es_hist_percentile(const struct es_hist *h, double pct);
void es_hist_release(struct es_hist *h);

/* ------------------------------------------------------------------ */
/* Analysis (stats.c) */

struct es_filter {
	bool has_pid, has_vcpu, has_class, has_from, has_to;
	int64_t pid, vcpu;
	uint8_t classes[ES_NCLASS];	/* with has_class: 1 = keep */
	double from_s, to_s;		/* seconds after the first event */
};

enum es_reader {
	ES_READ_PAGE,		/* ZPAGE on zstd-compressed v7 files, else TCPAGE */
	ES_READ_RECORD,		/* tracecmd_read_data per CPU, own merge */
	ES_READ_ITERATE,	/* tracecmd_iterate_events (libtracecmd merge) */
	ES_READ_ZPAGE,		/* no libtracecmd: own headers, zstd, walker, merge */
	ES_READ_TCPAGE,		/* libtracecmd opens, gives pages; own walker, merge */
};

typedef void (*es_interval_fn)(void *ctx, uint64_t start_ns, uint64_t end_ns,
			       const uint64_t counts[ES_NCLASS]);

/* One HVC/SMC call (a kvm_hvc_arm64 record inside an exit that passed the filter). */
struct es_call {
	uint64_t time_ns;	/* the exit's kvm_exit, after the first event */
	int64_t guest;		/* as es_vcpu.guest */
	int64_t vcpu;		/* as es_vcpu.vcpu */
	uint32_t fid;		/* SMCCC function ID (w0) */
	uint8_t cls;		/* exit class: HVC64, HVC32, ... */
	uint64_t exit_count;	/* the exit's kvm_exit counter (patched traces), else 0 */
};
/* Returns 0, or -errno to stop the analysis with that error. */
typedef int (*es_call_fn)(void *ctx, const struct es_call *call);

struct es_options {
	struct es_filter filter;
	enum es_reader reader;
	uint64_t interval_ns;		/* 0: no timeline */
	es_interval_fn on_interval;
	void *interval_ctx;
	const char *tgid_map;		/* file "tid tgid" lines, or NULL */
	es_call_fn on_call;		/* every HVC/SMC call in order, or NULL */
	void *call_ctx;
};

struct es_timing {
	uint64_t exits;		/* exits passing the filter */
	struct es_hist host;	/* kvm_exit -> kvm_entry, ns */
};

struct es_vcpu {
	int64_t guest;		/* vm_pid, tgid, or -1 (unknown) */
	int64_t vcpu;		/* vcpu_id (patched) or thread id */
	int32_t tid;		/* last thread seen for it */
	uint64_t exits;		/* passing the filter: sum of class_exits */
	uint64_t class_exits[ES_NCLASS];
	struct es_timing t;
	/* exit_count bookkeeping (patched traces) */
	uint64_t last_count, first_count;
	uint64_t counter_lost, counter_gaps, counter_backwards, counted;
};

/* A guest (VMM process). All vcpus whose process is unknown form one
 * guest -1: never one per vcpu, whose exits would each repeat the total. */
struct es_guest {
	int64_t guest;		/* vm_pid, tgid, or -1 (unknown) */
	unsigned int nvcpus;
	uint64_t exits;		/* passing the filter: sum over its vcpus */
	struct es_timing t;
};

/* Where a vcpu's guest comes from. */
enum es_guest_source {
	ES_GUEST_VM_PID,	/* patched kvm_exit's vm_pid */
	ES_GUEST_TGID,		/* --tgid-map (threads not in it: unknown) */
	ES_GUEST_NONE,		/* stock trace, no map: every guest unknown */
};
const char *es_guest_source_name(enum es_guest_source s);	/* "vm_pid", ... */

struct es_hvc {
	uint32_t fid;
	uint8_t cls;		/* exit class it came with (HVC64, HVC32, ...) */
	uint64_t count, imm_nonzero;
};

struct es_sysreg {
	uint8_t space, op0, op1, crn, crm, op2;
	bool is_write;
	bool from_iss;		/* decoded from kvm_handle_sys_reg's ESR */
	uint64_t count;
};

struct es_mmio {
	uint64_t page;		/* gpa & ~0xfff */
	uint64_t reads, writes, user, kernel;
	uint32_t len_mask;	/* bit n: an access of n bytes seen */
};

struct es_cpu_loss {
	uint64_t events;
	uint64_t markers, markers_uncounted, events_counted;
	uint64_t first_ts, last_ts;
	long long overrun, commit_overrun, dropped;	/* file stats, -1 unknown */
};

struct es_result {
	char *path;
	int cpus;
	bool patched;
	bool has_tgid_map;
	enum es_guest_source guest_source;
	const char *reader;		/* strategy actually used */
	const char *vcpu_identity;	/* human readable */
	const char *guest_identity;
	uint64_t first_ts, last_ts;	/* ns, whole trace */
	uint64_t events_total;
	uint64_t events_by_kind[ES_EV_NKINDS];
	uint64_t malformed;
	uint64_t exits_total;		/* all kvm_exit records, unfiltered */
	uint64_t exits;			/* passing the filter */
	uint64_t class_exits[ES_NCLASS];
	struct es_timing class_t[ES_NCLASS];
	struct es_timing all_t;

	/* pairing of kvm_exit with the next kvm_entry of the same thread */
	uint64_t paired, exit_no_entry, entry_no_exit, open_at_end,
		 broken_by_loss;

	struct es_vcpu *vcpus;
	size_t nvcpus;
	struct es_guest *guests;
	size_t nguests;

	struct es_hvc *hvcs;
	size_t nhvcs;
	uint64_t hvc_orphans;

	struct es_sysreg *sysregs;
	size_t nsysregs;
	uint64_t sysreg_orphans;
	uint64_t cp_without_access[ES_NCLASS];	/* trap exits lacking kvm_sys_access */

	struct es_mmio *mmios;
	size_t nmmios;
	uint64_t dabt_exits, mmio_accesses, mmio_user, mmio_kernel,
		 stage2_faults;
	uint64_t uexit_reasons[64];	/* kvm_userspace_exit reason (errno >= 0) */
	uint64_t uexit_errors;

	struct es_cpu_loss *loss;	/* [cpus] */
	uint64_t loss_markers, loss_counted, loss_uncounted_markers;
	long long loss_overrun;		/* sum of file stats, -1 unknown */
};

int es_analyze(const char *path, const struct es_options *opts,
	       struct es_result **result, struct es_error *err);
void es_result_free(struct es_result *result);

/* Lower-level engine, used by es_analyze, the unit tests and the fuzzer. */
struct es_engine;
struct es_engine *es_engine_new(const struct es_layout *layout,
				const struct es_options *opts, int cpus);
void es_engine_set_tgid(struct es_engine *e, int tid, int tgid);
int es_engine_record(struct es_engine *e, int cpu, uint64_t ts,
		     const void *data, uint32_t size);
void es_engine_missed(struct es_engine *e, int cpu, uint64_t ts,
		      long long missed);
/* Ends the run and hands over the result (the engine is freed). */
struct es_result *es_engine_finish(struct es_engine *e);

/* Feed a whole page through es_page_* into the engine. */
int es_engine_page(struct es_engine *e, int cpu, const void *page,
		   size_t page_size, int long_size, long long ts_adjust);

#endif
