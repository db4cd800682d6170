/* SPDX-License-Identifier: GPL-2.0 */
/*
 * plugin_exitlab: a libtraceevent plugin that prints arm64 KVM events with
 * exitstat's names (tools/exitstat/names.c, linked in, not copied).
 * plugin.c: registration, the per-trace context, the architecture check
 * and the hand-back to plugin_kvm on other architectures; handlers.c: the
 * print handlers. See "TRACE-CMD AND KERNELSHARK" in exitstat(1).
 */
#ifndef PLUGIN_EXITLAB_H
#define PLUGIN_EXITLAB_H

#include <stdbool.h>
#include <stdint.h>

#include <event-parse.h>

#include "exitstat.h"

#define XL_EXPORT __attribute__((visibility("default")))

enum xl_arch {
	XL_ARCH_UNKNOWN,	/* not looked at yet */
	XL_ARCH_ARM64,
	XL_ARCH_OTHER,		/* x86 and the rest: handlers given back */
};

/* What the plugin remembers of a thread: its last exit and entry. */
struct xl_thread {
	int32_t pid;		/* 0: free slot (pid 0, the idle task, never exits a guest) */
	int16_t cls;		/* exit class of the last kvm_exit, -1 none */
	bool has_entry;		/* entry_ts is a kvm_entry's */
	unsigned long long exit_ts, entry_ts;
};

/* One per tep_handle (one per trace file a program opens). */
struct xl_ctx {
	struct tep_handle *tep;
	struct xl_ctx *next;
	enum xl_arch arch;
	struct es_ret_map ret_map;	/* kvm_exit's ret numbering (32-bit hosts) */
	struct xl_thread *threads;	/* open addressing, power-of-two size */
	uint32_t nthreads, cap;
};

typedef int (*xl_handler)(struct trace_seq *s, struct tep_record *record,
			  struct tep_event *event, void *context);

struct xl_event {
	const char *name;	/* in system "kvm" */
	xl_handler handler;
};

extern const struct xl_event xl_events[];
extern const unsigned int xl_nevents;

/* plugin.c */
/* What libtraceevent calls (dlsym): register the handlers on tep, and
 * take them away again. */
XL_EXPORT int TEP_PLUGIN_LOADER(struct tep_handle *tep);
XL_EXPORT void TEP_PLUGIN_UNLOADER(struct tep_handle *tep);
/* XL_ARCH_ARM64 or XL_ARCH_OTHER; on the first OTHER answer every handler
 * of ours leaves the tep and plugin_kvm's come back. */
enum xl_arch xl_arch(struct xl_ctx *ctx);
/* For a handler called on a non-arm64 trace: what plugin_kvm (or the
 * event's own format) prints. */
int xl_hand_back(struct trace_seq *s, struct tep_record *record,
		 struct tep_event *event);
/* A scalar field that lies inside the record, sign-extended if signed. */
bool xl_field(struct tep_event *event, struct tep_record *record,
	      const char *name, unsigned long long *val);
bool xl_field_size(struct tep_event *event, const char *name, int *size);
struct xl_thread *xl_thread(struct xl_ctx *ctx, int32_t pid, bool create);

/* The trace's order of exits and entries, kept per thread. */
void xl_saw_exit(struct xl_ctx *ctx, int32_t pid, int cls,
		 unsigned long long ts);
void xl_saw_entry(struct xl_ctx *ctx, int32_t pid, unsigned long long ts);
/* The class of the exit a record at ts of thread pid belongs to, or -1
 * when the plugin has not printed it (out-of-order viewers). */
int xl_current_class(struct xl_ctx *ctx, int32_t pid, unsigned long long ts);

#endif
