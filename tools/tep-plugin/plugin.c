// SPDX-License-Identifier: GPL-2.0
/*
 * plugin_exitlab: registration and the per-trace context.
 *
 * libtraceevent gives an event the print handler registered last for its
 * name. It loads the system directory first (Debian's plugin_kvm.so, whose
 * kvm_exit and kvm_entry handlers read x86 fields), then
 * $TRACEEVENT_PLUGIN_DIR, then ~/.local/lib/traceevent/plugins: installed
 * in either of the last two, ours are registered after plugin_kvm's and win.
 * The handlers only know the trace when they first print: if its kvm_exit
 * is not arm64's (no esr_ec field), every handler of ours leaves the tep
 * and plugin_kvm's loader, already in the process, is run again on it, so
 * that the trace prints exactly as without this plugin.
 */
#include <dlfcn.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "plugin.h"

static struct xl_ctx *contexts;

static struct xl_ctx *find_ctx(struct tep_handle *tep)
{
	struct xl_ctx *c;

	for (c = contexts; c; c = c->next)
		if (c->tep == tep)
			return c;
	return NULL;
}

/* Beside plugin_kvm.so, the directory order decides which kvm_exit
 * handler is registered last: say so once, where it can be fixed. */
static void warn_if_beside_kvm_plugin(void)
{
	static bool warned;
	char dir[PATH_MAX], *slash;
	struct stat st;
	Dl_info info;

	if (warned || !dladdr((void *)warn_if_beside_kvm_plugin, &info) ||
	    !info.dli_fname || strlen(info.dli_fname) >= sizeof(dir) - 16)
		return;
	strcpy(dir, info.dli_fname);
	slash = strrchr(dir, '/');
	if (!slash)
		return;
	strcpy(slash, "/plugin_kvm.so");
	if (stat(dir, &st))
		return;
	warned = true;
	*slash = '\0';
	fprintf(stderr,
		"plugin_exitlab: %s: beside plugin_kvm.so, which of the two prints kvm_exit depends on the directory's order: give plugin_exitlab.so a directory of its own (~/.local/lib/traceevent/plugins, or one that TRACEEVENT_PLUGIN_DIR names)\n",
		dir);
}

XL_EXPORT int TEP_PLUGIN_LOADER(struct tep_handle *tep)
{
	struct xl_ctx *ctx = calloc(1, sizeof(*ctx));
	unsigned int i;

	if (!ctx)
		return -1;
	ctx->tep = tep;
	ctx->next = contexts;
	contexts = ctx;
	for (i = 0; i < xl_nevents; i++)
		tep_register_event_handler(tep, -1, "kvm", xl_events[i].name,
					   xl_events[i].handler, ctx);
	warn_if_beside_kvm_plugin();
	return 0;
}

static void unregister_all(struct xl_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < xl_nevents; i++)
		tep_unregister_event_handler(ctx->tep, -1, "kvm",
					     xl_events[i].name,
					     xl_events[i].handler, ctx);
}

XL_EXPORT void TEP_PLUGIN_UNLOADER(struct tep_handle *tep)
{
	struct xl_ctx *ctx = find_ctx(tep), **p;

	if (!ctx)
		return;
	if (ctx->arch != XL_ARCH_OTHER)
		unregister_all(ctx);
	for (p = &contexts; *p; p = &(*p)->next)
		if (*p == ctx) {
			*p = ctx->next;
			break;
		}
	free(ctx->threads);
	free(ctx);
}

static int find_kvm_plugin(struct dl_phdr_info *info, size_t size, void *data)
{
	const char *name = info->dlpi_name;
	size_t len = name ? strlen(name) : 0;

	(void)size;
	if (len >= 14 && !strcmp(name + len - 14, "/plugin_kvm.so")) {
		*(const char **)data = name;
		return 1;
	}
	return 0;
}

/* Not an arm64 trace: leave it to plugin_kvm, as if we were not here. */
static void give_back(struct xl_ctx *ctx)
{
	const char *path = NULL;
	int (*loader)(struct tep_handle *);
	void *handle;

	unregister_all(ctx);
	dl_iterate_phdr(find_kvm_plugin, &path);
	if (!path)
		return;		/* not loaded: the formats' own printing */
	handle = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
	if (!handle)
		return;
	loader = (int (*)(struct tep_handle *))dlsym(handle, TEP_PLUGIN_LOADER_NAME);
	if (loader)
		loader(ctx->tep);	/* its handlers, registered again, win */
	dlclose(handle);		/* the reference RTLD_NOLOAD took */
}

static bool has_field(struct tep_handle *tep, const char *event,
		      const char *field)
{
	struct tep_event *ev = tep_find_event_by_name(tep, "kvm", event);

	return ev && (!field || tep_find_field(ev, field));
}

enum xl_arch xl_arch(struct xl_ctx *ctx)
{
	bool arm64;

	if (ctx->arch != XL_ARCH_UNKNOWN)
		return ctx->arch;
	if (has_field(ctx->tep, "kvm_exit", NULL))
		arm64 = has_field(ctx->tep, "kvm_exit", "esr_ec");
	else
		arm64 = has_field(ctx->tep, "kvm_hvc_arm64", NULL) ||
			has_field(ctx->tep, "kvm_sys_access", NULL) ||
			has_field(ctx->tep, "kvm_wfx_arm64", NULL);
	ctx->arch = arm64 ? XL_ARCH_ARM64 : XL_ARCH_OTHER;
	if (!arm64)
		give_back(ctx);
	else
		es_ret_map_init(&ctx->ret_map, tep_find_event_by_name(ctx->tep, "kvm", "kvm_exit"));
	return ctx->arch;
}

int xl_hand_back(struct trace_seq *s, struct tep_record *record,
		 struct tep_event *event)
{
	unsigned int i;

	for (i = 0; i < xl_nevents; i++)
		if (event->handler == xl_events[i].handler)
			return 1;	/* still ours: never call ourselves */
	if (event->handler)
		return event->handler(s, record, event, event->context);
	return 1;			/* the format's own print fmt */
}

bool xl_field_size(struct tep_event *event, const char *name, int *size)
{
	struct tep_format_field *f = tep_find_field(event, name);

	if (!f)
		f = tep_find_common_field(event, name);
	if (!f || (f->flags & (TEP_FIELD_IS_ARRAY | TEP_FIELD_IS_DYNAMIC)) ||
	    (f->size != 1 && f->size != 2 && f->size != 4 && f->size != 8) ||
	    f->offset < 0)
		return false;
	*size = f->size;
	return true;
}

bool xl_field(struct tep_event *event, struct tep_record *record,
	      const char *name, unsigned long long *val)
{
	struct tep_format_field *f;
	unsigned long long v;
	int size;

	if (!xl_field_size(event, name, &size) || !record->data)
		return false;
	f = tep_find_field(event, name);
	if (!f)
		f = tep_find_common_field(event, name);
	if (record->size < 0 || (long long)f->offset + size > record->size)
		return false;
	v = tep_read_number(event->tep, (const char *)record->data + f->offset,
			    size);
	if ((f->flags & TEP_FIELD_IS_SIGNED) && size < 8) {
		unsigned int shift = 64 - 8 * (unsigned int)size;

		v = (unsigned long long)((long long)(v << shift) >> shift);
	}
	*val = v;
	return true;
}

/* ------------------------------------------------------------------ */
/* Threads: open addressing on the pid; a full table at its cap starts
 * over (the plugin then names what it has not seen as unknown). */

#define XL_MIN_CAP 64u
#define XL_MAX_CAP (1u << 17)

static uint32_t slot_of(int32_t pid, uint32_t cap)
{
	return ((uint32_t)pid * 2654435761u) & (cap - 1);
}

static bool grow(struct xl_ctx *ctx)
{
	uint32_t cap = ctx->cap ? ctx->cap * 2 : XL_MIN_CAP, i, j;
	struct xl_thread *t;

	if (cap > XL_MAX_CAP) {
		memset(ctx->threads, 0, ctx->cap * sizeof(*ctx->threads));
		ctx->nthreads = 0;
		return true;
	}
	t = calloc(cap, sizeof(*t));
	if (!t)
		return false;
	for (i = 0; i < ctx->cap; i++) {
		if (!ctx->threads[i].pid)
			continue;
		for (j = slot_of(ctx->threads[i].pid, cap); t[j].pid;
		     j = (j + 1) & (cap - 1))
			;
		t[j] = ctx->threads[i];
	}
	free(ctx->threads);
	ctx->threads = t;
	ctx->cap = cap;
	return true;
}

struct xl_thread *xl_thread(struct xl_ctx *ctx, int32_t pid, bool create)
{
	uint32_t i;

	if (!pid)
		return NULL;
	if (ctx->cap) {
		for (i = slot_of(pid, ctx->cap); ctx->threads[i].pid;
		     i = (i + 1) & (ctx->cap - 1))
			if (ctx->threads[i].pid == pid)
				return &ctx->threads[i];
	}
	if (!create)
		return NULL;
	if ((ctx->nthreads + 1) * 2 > ctx->cap && !grow(ctx))
		return NULL;
	for (i = slot_of(pid, ctx->cap); ctx->threads[i].pid;
	     i = (i + 1) & (ctx->cap - 1))
		;
	ctx->threads[i].pid = pid;
	ctx->threads[i].cls = -1;
	ctx->threads[i].has_entry = false;
	ctx->threads[i].exit_ts = ctx->threads[i].entry_ts = 0;
	ctx->nthreads++;
	return &ctx->threads[i];
}

void xl_saw_exit(struct xl_ctx *ctx, int32_t pid, int cls,
		 unsigned long long ts)
{
	struct xl_thread *t = xl_thread(ctx, pid, true);

	if (t) {
		t->cls = (int16_t)cls;
		t->exit_ts = ts;
	}
}

void xl_saw_entry(struct xl_ctx *ctx, int32_t pid, unsigned long long ts)
{
	struct xl_thread *t = xl_thread(ctx, pid, true);

	if (t) {
		t->entry_ts = ts;
		t->has_entry = true;
	}
}

int xl_current_class(struct xl_ctx *ctx, int32_t pid, unsigned long long ts)
{
	struct xl_thread *t = xl_thread(ctx, pid, false);

	if (!t || t->cls < 0 || t->exit_ts > ts)
		return -1;
	/* An entry between that exit and this record closed the exit. */
	if (t->has_entry && t->entry_ts >= t->exit_ts && t->entry_ts <= ts)
		return -1;
	return t->cls;
}
