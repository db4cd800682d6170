// SPDX-License-Identifier: GPL-2.0
/*
 * Reading trace.dat: records reach the engine in global time order through
 * one of the strategies of enum es_reader. A zstd-compressed version 7
 * file, what trace-cmd records by default, is opened without libtracecmd
 * for ES_READ_PAGE and ES_READ_ZPAGE: layout and options (v7.c), headers
 * and event formats into a tep of our own (v7-headers.c), CPU data
 * decompressed by us (zstream.c); libtracecmd's tracecmd_open spent most of
 * a small trace's time on sections exitstat never uses (kallsyms). Every
 * other file, and every other strategy, goes through libtracecmd (plugins
 * off), which parses the headers, formats and options.
 *
 * ES_READ_PAGE (default) walks whole ring-buffer pages with our own walker
 * (reader-page.c): pages we decompress ourselves on zstd-compressed v7
 * files (ES_READ_ZPAGE), pages from libtracecmd otherwise (ES_READ_TCPAGE).
 * ES_READ_RECORD (tracecmd_read_data per CPU) and ES_READ_ITERATE
 * (tracecmd_iterate_events) use only libtracecmd's public API; they are
 * there to compare against, and RECORD runs when libtracecmd's page API
 * (private, declared weak in reader.h) is missing.
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

#include "reader.h"

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

/* ES_READ_TCPAGE reopens compressed files every REOPEN_BYTES of pages
 * (reader-page.c); EXITSTAT_REOPEN_KB overrides it (for tests). */
#define REOPEN_BYTES (32u << 20)

#define fail es_reader_fail

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
	/* libtracecmd's handle may have been reopened: ask the current one */
	const char *s = rd->h ? (tracecmd_get_cpustats ? tracecmd_get_cpustats(rd->h) : NULL)
			      : rd->v7.cpustats;
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
	int tid, tgid, n = 0, lineno = 0;
	char line[128], extra;

	if (!f) {
		int ret = -errno;

		snprintf(err->msg, sizeof(err->msg), "%s: %s", path, strerror(-ret));
		return ret;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (line[strspn(line, " \t\r\n")] == '\0')
			continue;
		if (sscanf(line, "%d %d %c", &tid, &tgid, &extra) != 2 || tid < 0 || tgid < 0) {
			snprintf(err->msg, sizeof(err->msg),
				 "%s: line %d: expected 'tid tgid' (the format of tracefs saved_tgids)",
				 path, lineno);
			fclose(f);
			return -EINVAL;
		}
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
	case ES_READ_ZPAGE:
	case ES_READ_TCPAGE:
		ret = es_read_pages(rd);
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

/* es_v7_tep under the crash guard: libtraceevent parses the formats.
 * -EFAULT: it crashed. */
static int guarded_own_tep(struct reader *rd, struct es_error *err)
{
	struct crash_guard guard;
	int ret;

	guard_up(&guard);
	if (sigsetjmp(crash_jmp, 1)) {
		guard_down(&guard);
		snprintf(err->msg, sizeof(err->msg),
			 "corrupt trace: libtraceevent crashed parsing its event formats (%s)",
			 strsignal(crash_signal));
		rd->tep = NULL;		/* leaked */
		return -EFAULT;
	}
	ret = es_v7_tep(rd->zfd, (uint64_t)rd->file_size, &rd->v7, &rd->tep, err);
	guard_down(&guard);
	return ret;
}

/* Helper threads decompressing zstd chunks: EXITSTAT_ZSTD_THREADS, else one
 * per core beside ours, at most 2 (the walk itself is the other user). */
static int zstd_workers(void)
{
	const char *s = getenv("EXITSTAT_ZSTD_THREADS");
	long n;

	if (s && *s)
		return atoi(s) < 0 ? 0 : atoi(s) > 4 ? 4 : atoi(s);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n <= 1 ? 0 : n == 2 ? 1 : 2;
}

/* The strategy that runs when libtracecmd opened the file (zret: how
 * es_zpage_open went, zerr its why): ES_READ_PAGE is ES_READ_TCPAGE, which
 * needs libtracecmd's page API and a sane page, else ES_READ_RECORD runs. */
static int choose_reader(struct reader *rd, enum es_reader how, int zret,
			 const struct es_error *zerr, struct es_error *err)
{
	bool pages = tracecmd_record_page && tracecmd_set_cursor &&
		     tracecmd_get_cpu_file_size && rd->page_size >= 64 &&
		     !(rd->page_size & (rd->page_size - 1)) &&
		     (rd->long_size == 4 || rd->long_size == 8);

	if (how == ES_READ_RECORD || how == ES_READ_ITERATE)
		return how;
	if (how == ES_READ_ZPAGE) {
		snprintf(err->msg, sizeof(err->msg), "--reader zpage: %.230s", zerr->msg);
		return zret;
	}
	return pages ? ES_READ_TCPAGE : ES_READ_RECORD;
}

static const char *reader_name(enum es_reader how)
{
	switch (how) {
	case ES_READ_ZPAGE:
		return "zpage";
	case ES_READ_TCPAGE:
		return "tcpage";
	case ES_READ_RECORD:
		return "record";
	default:
		return "iterate";
	}
}

/* The file's tep, CPU count and long size are in rd: its layout. */
static int take_layout(struct reader *rd, struct es_layout *layout, struct es_error *err)
{
	int ret;

	if (rd->cpus <= 0 || rd->cpus > 4096)
		return fail(err, -EBADMSG, "implausible CPU count in the file header%s", "");
	ret = es_layout_init(layout, rd->tep, err);
	if (ret)
		return ret;
	rd->l = layout;
	/* the kernel's long: the size of the header page's commit field */
	if (rd->long_size != 4 && rd->long_size != 8)
		rd->long_size = tep_get_long_size(rd->tep);
	return 0;
}

/* libtracecmd opens the file; rd gets the handle, CPUs, layout and sizes. */
static int open_libtracecmd(struct reader *rd, struct es_layout *layout, struct es_error *err)
{
	int ret;

	/* The library's own messages would break our one-line errors. */
	tracecmd_set_loglevel(TEP_LOG_NONE);
	tep_set_loglevel(TEP_LOG_NONE);
	rd->h = guarded_open(rd->path, err);
	if (!rd->h)
		return -EBADMSG;
	rd->tep = tracecmd_get_tep(rd->h);
	rd->cpus = tep_get_cpus(rd->tep);
	rd->long_size = tep_get_header_page_size(rd->tep);
	rd->page_size = tracecmd_page_size ? tracecmd_page_size(rd->h) : 0;
	ret = take_layout(rd, layout, err);
	if (ret) {
		tracecmd_close(rd->h);
		rd->h = NULL;
		rd->tep = NULL;
	}
	return ret;
}

/* After es_zpage_open: the headers are read by us into a tep of our own.
 * -EOPNOTSUPP: libtracecmd should read the file after all. */
static int open_own(struct reader *rd, struct es_layout *layout, struct es_error *err)
{
	int ret;

	tep_set_loglevel(TEP_LOG_NONE);
	ret = guarded_own_tep(rd, err);
	if (ret == -EFAULT)
		return -EBADMSG;	/* it crashed, err says so */
	if (ret && ret != -ENOMEM && ret != -EOPNOTSUPP)
		es_headers_fail(err);
	if (ret)
		return ret;
	rd->cpus = (int)rd->v7.cpucount;
	rd->long_size = tep_get_header_page_size(rd->tep);
	rd->page_size = (int)rd->v7.page_size;
	ret = take_layout(rd, layout, err);
	if (ret) {
		tep_free(rd->tep);
		rd->tep = NULL;
	}
	return ret;
}

/* The engine's result, with the file's loss statistics, or -errno. */
static int finish(struct reader *rd, enum es_reader how, struct es_result **result)
{
	struct es_result *r = es_engine_finish(rd->e);

	if (!r)
		return fail(rd->err, -ENOMEM, "out of memory%s", "");
	parse_cpustats(rd, r);
	r->reader = reader_name(how);
	r->path = strdup(rd->path);
	if (!r->exits_total) {
		es_result_free(r);
		return fail(rd->err, -ENODATA,
			    "no kvm_exit records in the trace (recorded without -e kvm?)%s", "");
	}
	*result = r;
	return 0;
}

/* Opens the file (our own way, else libtracecmd's) and chooses the
 * strategy: that, or -errno with err set. */
static int open_file(struct reader *rd, const struct es_options *opts,
		     struct es_layout *layout, struct es_error *err)
{
	struct es_error zerr = { .msg = "" };
	int ret, zret = -EOPNOTSUPP;

	if (opts->reader == ES_READ_PAGE || opts->reader == ES_READ_ZPAGE) {
		rd->zworkers = zstd_workers();
		zret = es_zpage_open(rd, &zerr);	/* its threads start now */
		if (!zret)
			zret = open_own(rd, layout, &zerr);
		if (!zret)
			return ES_READ_ZPAGE;
		es_zpage_close(rd);
		if (zret != -EOPNOTSUPP) {
			*err = zerr;
			return zret;
		}
		if (opts->reader == ES_READ_ZPAGE)
			return choose_reader(rd, opts->reader, zret, &zerr, err);
	}
	ret = open_libtracecmd(rd, layout, err);
	return ret ? ret : choose_reader(rd, opts->reader, zret, &zerr, err);
}

int es_analyze(const char *path, const struct es_options *opts,
	       struct es_result **result, struct es_error *err)
{
	struct reader rd = { .err = err, .path = path, .reopen_bytes = REOPEN_BYTES,
			     .zfd = -1 };
	const char *reopen_kb = getenv("EXITSTAT_REOPEN_KB");
	struct es_layout layout;
	int how, ret;

	*result = NULL;
	err->msg[0] = 0;
	if (reopen_kb && atoi(reopen_kb) > 0)
		rd.reopen_bytes = (uint64_t)atoi(reopen_kb) << 10;
	ret = check_header(path, &rd.file_version, &rd.file_size, err);
	how = ret ? ret : open_file(&rd, opts, &layout, err);
	if (how < 0)
		return how;		/* nothing is open */
	rd.e = es_engine_new(&layout, opts, rd.cpus);
	if (!rd.e) {
		ret = fail(err, -ENOMEM, "out of memory%s", "");
		goto out;
	}
	ret = opts->tgid_map ? load_tgid_map(rd.e, opts->tgid_map, err) : 0;
	if (ret) {
		es_result_free(es_engine_finish(rd.e));
		goto out;
	}
	ret = guarded_read(&rd, how);
	if (ret == -EFAULT)
		return -EBADMSG;	/* crashed: engine, handle, threads are leaked */
	if (ret)
		es_result_free(es_engine_finish(rd.e));
	else
		ret = finish(&rd, how, result);
out:
	es_zpage_close(&rd);
	es_layout_release(&layout);
	if (rd.h)
		tracecmd_close(rd.h);
	else
		tep_free(rd.tep);
	return ret;
}
