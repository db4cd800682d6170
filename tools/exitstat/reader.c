// SPDX-License-Identifier: GPL-2.0
/*
 * Reading trace.dat: libtracecmd opens the file (headers, event formats,
 * decompression of v7 files) with plugins off; records reach the engine in
 * global time order through one of three strategies (enum es_reader).
 *
 * ES_READ_PAGE (default) asks libtracecmd only for whole ring-buffer pages
 * and walks them with our own inlined walker (page.c), merging the CPUs
 * ourselves; measured on the 32-bit boot fixture it is 3-4x faster than
 * tracecmd_read_data() per record, which allocates a tep_record each time
 * (see benchmarks/analyzer-speed.sh). The page API (tracecmd_record_page,
 * tracecmd_set_cursor, ...) is exported by libtracecmd.so.1 but declared
 * only in trace-cmd-private.h, which Debian does not ship: we declare it
 * weak and fall back to ES_READ_RECORD when it is missing.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <trace-cmd.h>
#include <event-parse.h>

#include "exitstat.h"

void *tracecmd_record_page(struct tracecmd_input *handle,
			   struct tep_record *record) __attribute__((weak));
int tracecmd_set_cursor(struct tracecmd_input *handle, int cpu,
			unsigned long long offset) __attribute__((weak));
off_t tracecmd_get_cpu_file_size(struct tracecmd_input *handle,
				 int cpu) __attribute__((weak));
int tracecmd_page_size(struct tracecmd_input *handle) __attribute__((weak));
const char *tracecmd_get_cpustats(struct tracecmd_input *handle)
	__attribute__((weak));

#define TRACE_MAGIC "\027\010\104tracing"

/*
 * libtraceevent 1.7.1 segfaults on some corrupt event formats (a print fmt
 * naming a field that is not there), and mapped CPU data can raise SIGBUS.
 * A file must never crash us, so the calls into libtracecmd run under a
 * guard that turns those signals into an error. The guard is process-wide
 * while it is up: es_analyze is not meant to run in several threads at once.
 * Memory libtracecmd held when it crashed is leaked.
 */
static sigjmp_buf crash_jmp;
static volatile sig_atomic_t crash_signal;

static void on_crash(int sig)
{
	crash_signal = sig;
	siglongjmp(crash_jmp, 1);
}

struct crash_guard {
	struct sigaction segv, bus, fpe;
};

static void guard_up(struct crash_guard *g)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_crash;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGSEGV, &sa, &g->segv);
	sigaction(SIGBUS, &sa, &g->bus);
	sigaction(SIGFPE, &sa, &g->fpe);
}

static void guard_down(struct crash_guard *g)
{
	sigaction(SIGSEGV, &g->segv, NULL);
	sigaction(SIGBUS, &g->bus, NULL);
	sigaction(SIGFPE, &g->fpe, NULL);
}

struct reader {
	const char *path;
	struct tracecmd_input *h;
	struct es_engine *e;
	const struct es_layout *l;
	int cpus;
	int page_size;
	int long_size;
	int file_version;
	off_t file_size;
	uint64_t loaded;	/* page bytes handed out by the current handle */
	uint64_t reopen_bytes;
	unsigned int reopens;
	struct es_error *err;
};

/*
 * libtracecmd 3.1.6 keeps every decompressed chunk of a v7 (compressed)
 * file for the life of the handle (free_zpage() tests an impossible
 * condition) and searches that list linearly for each page: memory grows
 * with the trace and time with its square. Reopening the file every
 * REOPEN_BYTES of pages bounds both; the cursors move to the same pages in
 * the new handle. EXITSTAT_REOPEN_KB overrides the interval (for tests).
 */
#define REOPEN_BYTES (32u << 20)

static int fail(struct es_error *err, int ret, const char *fmt, const char *what)
{
	snprintf(err->msg, sizeof(err->msg), fmt, what);
	return ret;
}

/* ------------------------------------------------------------------ */
/* ES_READ_PAGE */

struct cursor {
	int cpu;
	bool done;
	struct tep_record *rec;		/* holds the page's reference */
	unsigned long long page_off, start_off, end_off;
	struct es_page_iter it;
	long long adjust;		/* libtracecmd ts minus raw ts */
	long long missed;		/* marker due before the next event */
	uint64_t ts;
	const uint8_t *data;
	uint32_t len;
};

static int cursor_next_event(struct reader *rd, struct cursor *c);

static int cursor_load(struct reader *rd, struct cursor *c, bool first)
{
	struct es_page_iter probe;
	const uint8_t *data;
	uint32_t len;
	uint64_t ts;
	void *page;
	int ret;

	if (c->rec) {
		tracecmd_free_record(c->rec);
		c->rec = NULL;
	}
	if (first) {
		c->rec = tracecmd_read_cpu_first(rd->h, c->cpu);
		if (!c->rec) {
			c->done = true;
			return 0;
		}
		c->start_off = c->rec->offset & ~(unsigned long long)(rd->page_size - 1);
		c->end_off = c->start_off +
			     (unsigned long long)tracecmd_get_cpu_file_size(rd->h, c->cpu);
		/* An uncompressed file maps pages straight from disk: a
		 * truncated one must be caught before it is touched. */
		if (rd->file_version < 7 && c->end_off > (unsigned long long)rd->file_size)
			return fail(rd->err, -EBADMSG,
				    "truncated: CPU data extends past the end of the file%s", "");
	} else {
		unsigned long long next = c->page_off + (unsigned long long)rd->page_size;

		/* libtracecmd accepts the end offset itself and then crashes:
		 * stop at the last page ourselves. */
		if (next >= c->end_off || tracecmd_set_cursor(rd->h, c->cpu, next)) {
			c->done = true;
			return 0;
		}
		c->rec = tracecmd_read_data(rd->h, c->cpu);
		if (!c->rec) {
			c->done = true;
			return 0;
		}
	}
	page = tracecmd_record_page(rd->h, c->rec);
	if (!page)
		return fail(rd->err, -EBADMSG, "cannot read a CPU data page%s", "");
	c->page_off = c->rec->offset & ~(unsigned long long)(rd->page_size - 1);
	rd->loaded += (uint64_t)rd->page_size;

	ret = es_page_begin(&c->it, page, (size_t)rd->page_size, rd->long_size,
			    rd->l->swap);
	if (ret)
		return fail(rd->err, -EBADMSG, "corrupt ring-buffer page%s", "");

	/* libtracecmd may shift timestamps (ts-offset, guest clocks): take
	 * the shift from the record it decoded, found on our own walk. */
	probe = c->it;
	c->adjust = 0;
	while ((ret = es_page_next(&probe, &ts, &data, &len)) > 0) {
		if (data == c->rec->data) {
			c->adjust = (long long)(c->rec->ts - ts);
			break;
		}
	}
	if (ret < 0)
		return fail(rd->err, -EBADMSG, "corrupt ring-buffer page%s", "");
	if (ret == 0)
		return fail(rd->err, -EPROTO,
			    "page layout not understood (record not found on its page)%s", "");
	c->missed = c->it.missed;
	return cursor_next_event(rd, c);
}

/* Moves to the next event, loading the next page (which positions on its
 * first event, or marks the cursor done) when this one is used up. */
static int cursor_next_event(struct reader *rd, struct cursor *c)
{
	int ret = es_page_next(&c->it, &c->ts, &c->data, &c->len);

	if (ret > 0) {
		c->ts += (uint64_t)c->adjust;
		return 0;
	}
	if (ret < 0)
		return fail(rd->err, -EBADMSG, "corrupt ring-buffer page%s", "");
	return cursor_load(rd, c, false);
}

/* A fresh handle, each live cursor moved onto the same page in it. */
static int reopen(struct reader *rd, struct cursor *cs)
{
	struct tracecmd_input *h = tracecmd_open(rd->path, TRACECMD_FL_LOAD_NO_PLUGINS);
	struct tep_record **recs;
	int i, ret = 0;

	if (!h)
		return fail(rd->err, -EIO, "cannot reopen the trace%s", "");
	recs = calloc((size_t)rd->cpus, sizeof(*recs));
	if (!recs) {
		tracecmd_close(h);
		return fail(rd->err, -ENOMEM, "out of memory%s", "");
	}
	for (i = 0; i < rd->cpus && !ret; i++) {
		struct cursor *c = &cs[i];
		uint8_t *page;

		if (c->done || !c->rec)
			continue;
		if (tracecmd_set_cursor(h, i, c->page_off) ||
		    !(recs[i] = tracecmd_read_data(h, i)) ||
		    (recs[i]->offset & ~(unsigned long long)(rd->page_size - 1)) != c->page_off ||
		    !(page = tracecmd_record_page(h, recs[i])) ||
		    memcmp(page, c->it.page, (size_t)rd->page_size)) {
			ret = fail(rd->err, -EIO, "reopened trace differs%s", "");
			break;
		}
		c->data = page + (c->data - c->it.page);
		c->it.page = page;
	}
	if (ret) {
		for (i = 0; i < rd->cpus; i++)
			if (recs[i])
				tracecmd_free_record(recs[i]);
		free(recs);
		tracecmd_close(h);
		return ret;
	}
	for (i = 0; i < rd->cpus; i++) {
		if (!recs[i])
			continue;
		tracecmd_free_record(cs[i].rec);
		cs[i].rec = recs[i];
	}
	free(recs);
	tracecmd_close(rd->h);
	rd->h = h;
	rd->loaded = 0;
	rd->reopens++;
	return 0;
}

static int read_pages(struct reader *rd)
{
	struct cursor *cs = calloc((size_t)rd->cpus, sizeof(*cs));
	int i, ret = 0;

	if (!cs)
		return fail(rd->err, -ENOMEM, "out of memory%s", "");
	for (i = 0; i < rd->cpus; i++) {
		cs[i].cpu = i;
		ret = cursor_load(rd, &cs[i], true);
		if (ret)
			goto out;
	}
	for (;;) {
		struct cursor *best = NULL;
		uint64_t limit = UINT64_MAX;

		/* Pick the CPU with the oldest event and run it until it
		 * passes the second oldest: few comparisons per event. */
		for (i = 0; i < rd->cpus; i++) {
			if (cs[i].done)
				continue;
			if (!best || cs[i].ts < best->ts) {
				if (best)
					limit = best->ts;
				best = &cs[i];
			} else if (cs[i].ts < limit) {
				limit = cs[i].ts;
			}
		}
		if (!best)
			break;
		while (!best->done && best->ts <= limit) {
			if (best->missed) {
				es_engine_missed(rd->e, best->cpu, best->ts, best->missed);
				best->missed = 0;
			}
			ret = es_engine_record(rd->e, best->cpu, best->ts,
					       best->data, best->len);
			if (ret)
				goto nomem;
			ret = cursor_next_event(rd, best);
			if (ret)
				goto out;
			/* checked per event: one CPU may run to the end alone */
			if (rd->loaded > rd->reopen_bytes && rd->file_version >= 7) {
				ret = reopen(rd, cs);
				if (ret)
					goto out;
			}
		}
	}
out:
	for (i = 0; i < rd->cpus; i++)
		if (cs[i].rec)
			tracecmd_free_record(cs[i].rec);
	free(cs);
	return ret;
nomem:
	ret = fail(rd->err, ret, "out of memory%s", "");
	goto out;
}

/* ------------------------------------------------------------------ */
/* ES_READ_RECORD: public API only, one tep_record per event */

static int read_records(struct reader *rd)
{
	struct tep_record **next = calloc((size_t)rd->cpus, sizeof(*next));
	int i, ret = 0;

	if (!next)
		return fail(rd->err, -ENOMEM, "out of memory%s", "");
	for (i = 0; i < rd->cpus; i++)
		next[i] = tracecmd_read_cpu_first(rd->h, i);
	for (;;) {
		int best = -1;

		for (i = 0; i < rd->cpus; i++)
			if (next[i] && (best < 0 || next[i]->ts < next[best]->ts))
				best = i;
		if (best < 0)
			break;
		struct tep_record *r = next[best];

		if (r->missed_events)
			es_engine_missed(rd->e, best, r->ts, r->missed_events);
		ret = es_engine_record(rd->e, best, r->ts, r->data,
				       r->size < 0 ? 0 : (uint32_t)r->size);
		tracecmd_free_record(r);
		next[best] = tracecmd_read_data(rd->h, best);
		if (ret) {
			ret = fail(rd->err, ret, "out of memory%s", "");
			break;
		}
	}
	for (i = 0; i < rd->cpus; i++)
		if (next[i])
			tracecmd_free_record(next[i]);
	free(next);
	return ret;
}

/* ------------------------------------------------------------------ */
/* ES_READ_ITERATE: libtracecmd merges the CPUs and calls us back */

static int iterate_cb(struct tracecmd_input *h, struct tep_record *r, int cpu,
		      void *data)
{
	struct reader *rd = data;

	(void)h;
	if (r->missed_events)
		es_engine_missed(rd->e, cpu, r->ts, r->missed_events);
	return es_engine_record(rd->e, cpu, r->ts, r->data,
				r->size < 0 ? 0 : (uint32_t)r->size) ? -1 : 0;
}

static int read_iterate(struct reader *rd)
{
	if (tracecmd_iterate_events(rd->h, NULL, 0, iterate_cb, rd) < 0)
		return fail(rd->err, -ENOMEM, "reading events failed%s", "");
	return 0;
}

/* ------------------------------------------------------------------ */

/* The CPU buffer statistics trace-cmd saved at the end of recording. */
static void parse_cpustats(struct reader *rd, struct es_result *r)
{
	const char *s = tracecmd_get_cpustats ? tracecmd_get_cpustats(rd->h) : NULL;
	int cpu = -1;

	if (!s)
		return;
	r->loss_overrun = 0;
	while (*s) {
		const char *eol = strchr(s, '\n');
		long long v;

		if (sscanf(s, "CPU: %d", &cpu) == 1) {
			/* nothing else on this line */
		} else if (cpu >= 0 && cpu < r->cpus) {
			if (sscanf(s, "overrun: %lld", &v) == 1) {
				r->loss[cpu].overrun = v;
				r->loss_overrun += v;
			} else if (sscanf(s, "commit overrun: %lld", &v) == 1) {
				r->loss[cpu].commit_overrun = v;
			} else if (sscanf(s, "dropped events: %lld", &v) == 1) {
				r->loss[cpu].dropped = v;
			}
		}
		if (!eol)
			break;
		s = eol + 1;
	}
}

static int load_tgid_map(struct es_engine *e, const char *path,
			 struct es_error *err)
{
	FILE *f = fopen(path, "r");
	int tid, tgid, n = 0;
	char line[128];

	if (!f) {
		snprintf(err->msg, sizeof(err->msg), "%s: %s", path, strerror(errno));
		return -errno;
	}
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%d %d", &tid, &tgid) == 2) {
			es_engine_set_tgid(e, tid, tgid);
			n++;
		}
	fclose(f);
	if (!n) {
		snprintf(err->msg, sizeof(err->msg),
			 "%s: no 'tid tgid' lines (expected the format of tracefs saved_tgids)",
			 path);
		return -EINVAL;
	}
	return 0;
}

/* Checks the magic and reads the file version before libtracecmd sees it. */
static int check_header(const char *path, int *version, off_t *size,
			struct es_error *err)
{
	char buf[16] = { 0 };
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int ret = -errno;

		snprintf(err->msg, sizeof(err->msg), "%s", strerror(errno));
		return ret;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(err->msg, sizeof(err->msg), "not a regular file");
		return -EINVAL;
	}
	*size = st.st_size;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		snprintf(err->msg, sizeof(err->msg), "%s", strerror(errno));
		return -EIO;
	}
	if (n < 12 || memcmp(buf, TRACE_MAGIC, 10)) {
		snprintf(err->msg, sizeof(err->msg),
			 n == 0 ? "empty file" : "not a trace-cmd trace.dat file");
		return -EINVAL;
	}
	*version = atoi(buf + 10);
	if (*version < 6) {
		snprintf(err->msg, sizeof(err->msg),
			 "trace.dat version %d is not supported (need 6 or 7)", *version);
		return -EPROTONOSUPPORT;
	}
	return 0;
}

/* The reading strategies, under the crash guard. -EFAULT: it crashed. */
static int guarded_read(struct reader *rd, enum es_reader how)
{
	struct crash_guard guard;
	int ret;

	guard_up(&guard);
	if (sigsetjmp(crash_jmp, 1)) {
		guard_down(&guard);
		snprintf(rd->err->msg, sizeof(rd->err->msg),
			 "corrupt trace: reading the CPU data crashed (%s)",
			 strsignal(crash_signal));
		return -EFAULT;
	}
	switch (how) {
	case ES_READ_PAGE:
		ret = read_pages(rd);
		break;
	case ES_READ_RECORD:
		ret = read_records(rd);
		break;
	default:
		ret = read_iterate(rd);
		break;
	}
	guard_down(&guard);
	return ret;
}

static struct tracecmd_input *guarded_open(const char *path, struct es_error *err)
{
	struct tracecmd_input *h;
	struct crash_guard guard;

	guard_up(&guard);
	if (sigsetjmp(crash_jmp, 1)) {
		guard_down(&guard);
		snprintf(err->msg, sizeof(err->msg),
			 "corrupt trace: libtracecmd crashed parsing its headers (%s)",
			 strsignal(crash_signal));
		return NULL;
	}
	h = tracecmd_open(path, TRACECMD_FL_LOAD_NO_PLUGINS);
	guard_down(&guard);
	if (!h)
		snprintf(err->msg, sizeof(err->msg),
			 "cannot read the trace.dat headers (truncated or corrupt file)");
	return h;
}

int es_analyze(const char *path, const struct es_options *opts,
	       struct es_result **result, struct es_error *err)
{
	struct reader rd = { .err = err, .path = path, .reopen_bytes = REOPEN_BYTES };
	const char *reopen_kb = getenv("EXITSTAT_REOPEN_KB");
	struct es_layout layout;
	struct es_result *r;
	struct tep_handle *tep;
	enum es_reader how = opts->reader;
	int ret;

	*result = NULL;
	err->msg[0] = 0;
	if (reopen_kb && atoi(reopen_kb) > 0)
		rd.reopen_bytes = (uint64_t)atoi(reopen_kb) << 10;
	ret = check_header(path, &rd.file_version, &rd.file_size, err);
	if (ret)
		return ret;

	/* The library's own messages would break our one-line errors. */
	tracecmd_set_loglevel(TEP_LOG_NONE);
	tep_set_loglevel(TEP_LOG_NONE);
	rd.h = guarded_open(path, err);
	if (!rd.h)
		return -EBADMSG;
	tep = tracecmd_get_tep(rd.h);
	rd.cpus = tep_get_cpus(tep);
	if (rd.cpus <= 0 || rd.cpus > 4096) {
		tracecmd_close(rd.h);
		return fail(err, -EBADMSG, "implausible CPU count in the file header%s", "");
	}
	ret = es_layout_init(&layout, tep, err);
	if (ret) {
		tracecmd_close(rd.h);
		return ret;
	}
	rd.l = &layout;
	rd.long_size = tep_get_header_page_size(tep);
	if (rd.long_size != 4 && rd.long_size != 8)
		rd.long_size = tep_get_long_size(tep);
	rd.page_size = tracecmd_page_size ? tracecmd_page_size(rd.h) : 0;

	rd.e = es_engine_new(&layout, opts, rd.cpus);
	if (!rd.e) {
		ret = fail(err, -ENOMEM, "out of memory%s", "");
		goto out_layout;
	}
	if (opts->tgid_map) {
		ret = load_tgid_map(rd.e, opts->tgid_map, err);
		if (ret) {
			es_result_free(es_engine_finish(rd.e));
			goto out_layout;
		}
	}

	if (how == ES_READ_PAGE &&
	    (!tracecmd_record_page || !tracecmd_set_cursor ||
	     !tracecmd_get_cpu_file_size || rd.page_size < 64 ||
	     (rd.page_size & (rd.page_size - 1)) ||
	     (rd.long_size != 4 && rd.long_size != 8)))
		how = ES_READ_RECORD;
	ret = guarded_read(&rd, how);
	if (ret == -EFAULT)
		return -EBADMSG;	/* crashed: the engine and handle are leaked */
	r = es_engine_finish(rd.e);
	if (!r && !ret)
		ret = fail(err, -ENOMEM, "out of memory%s", "");
	if (ret) {
		es_result_free(r);
		goto out_layout;
	}
	parse_cpustats(&rd, r);
	r->reader = how == ES_READ_PAGE ? "page" : how == ES_READ_RECORD ? "record" : "iterate";
	r->path = strdup(path);
	if (!r->exits_total) {
		es_result_free(r);
		ret = fail(err, -ENODATA,
			   "no kvm_exit records in the trace (recorded without -e kvm?)%s", "");
		goto out_layout;
	}
	*result = r;
	ret = 0;
out_layout:
	es_layout_release(&layout);
	tracecmd_close(rd.h);
	return ret;
}
