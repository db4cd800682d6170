// SPDX-License-Identifier: GPL-2.0
/*
 * guest-exits: the command line. Reads the exit statistics the hypervisor
 * shows a guest in /sys/hypervisor/exits/ and prints them as a table, as
 * deltas every few seconds (--watch) or around a command (--run).
 *
 * Exit status: 0 success, 1 failure (one line on stderr:
 * "guest-exits: context: what: strerror"), 2 usage error; --run exits with
 * the command's status.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "correct.h"
#include "exits-sysfs.h"
#include "report.h"
#include "snapshot.h"

#define PROG "guest-exits"

static const char usage_text[] =
"Usage: guest-exits [OPTIONS]                   table of the VM's exits by class\n"
"       guest-exits [OPTIONS] --watch SECONDS [--iterations N]\n"
"       guest-exits [OPTIONS] --run CMD          exits while /bin/sh -c CMD runs\n"
"       guest-exits [OPTIONS] --probe            are exit statistics available?\n"
"\n"
"Reads the exit statistics that the hypervisor (exitlab's patched KVM) gives\n"
"this guest: every class's count and host time, for the VM and each vcpu, in\n"
"one read of " EX_DEFAULT_DEVICE " (one snapshot = exactly one HVC exit).\n"
"Without that device (an older host) it reads the per-value files of\n"
EX_DEFAULT_ROOT ", one HVC exit each, and says so.\n"
"\n"
"Modes:\n"
"  (none)              per class: name, id, count, share, total host time and\n"
"                      mean host time per exit (ns), sorted by count; then the\n"
"                      totals and the per-cpu totals\n"
"  --watch SECONDS     every SECONDS (may be fractional) the deltas since the\n"
"                      previous sample (one snapshot each, its cost included):\n"
"                      total and each class that changed; until SIGINT/SIGTERM\n"
"                      or N samples\n"
"  --iterations N      with --watch: stop after N samples\n"
"  --run CMD           run /bin/sh -c CMD (output passes through) and print the\n"
"                      exits that happened meanwhile (per class and per cpu);\n"
"                      the measurement costs exactly one exit before CMD and one\n"
"                      after: what it adds (OVERHEAD: the after-snapshot's exit,\n"
"                      the before-snapshot's exit time, calibrated on back-to-back\n"
"                      snapshots) is subtracted, and a figure within the\n"
"                      measurement's resolution R prints as '<R', never negative;\n"
"                      exits with CMD's status (128+N if killed by signal N)\n"
"  --probe             one line; exit 0 if the statistics are present, else 1\n"
"\n"
"Options:\n"
"  --json              JSON output: one object (one per line with --watch)\n"
"  --pairs K           --run's calibration: K back-to-back pairs (default 9)\n"
"  --device FILE       read snapshots from FILE instead of " EX_DEFAULT_DEVICE "\n"
"                      (no fallback; tests give a file)\n"
"  --root DIR          the per-value files of DIR instead of " EX_DEFAULT_ROOT "\n"
"                      (alone: read DIR's files, not the device; tests)\n"
"  -o, --output FILE   write the report to FILE (keeps --run's report apart\n"
"                      from CMD's output)\n"
"  -h, --help          this help\n"
"\n"
"Exit status: 0 success, 1 failure or statistics absent, 2 usage error.\n";

enum mode { MODE_TABLE, MODE_WATCH, MODE_RUN, MODE_PROBE };

struct opts {
	enum mode mode;
	bool json;
	const char *root;
	bool root_given;
	const char *device;		/* --device: only it, no fallback */
	unsigned pairs;			/* calibration pairs of --run */
	const char *output;
	const char *command;
	double seconds;
	unsigned long iterations;	/* 0: until a signal */
	bool has_iterations;
};

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	stop_signal = sig;
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, PROG ": ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '" PROG " --help' for more information.\n");
	return 2;
}

/* "guest-exits: context: path: strerror (detail)"; absent root special-cased. */
static int report_err(const char *context, int ret, const struct ex_err *err,
		      const char *root)
{
	if ((ret == -ENOENT || ret == -ENOTDIR) && !strcmp(err->path, root)) {
		fprintf(stderr, PROG ": " ABSENT_FMT "\n", root);
		return 1;
	}
	fprintf(stderr, PROG ": %s: %s%s%s", context, err->path, err->path[0] ? ": " : "",
		strerror(-ret));
	if (err->detail)
		fprintf(stderr, " (%s)", err->detail);
	else if (ret == -EOPNOTSUPP)	/* what the driver returns for NOT_SUPPORTED */
		fputs(" (the hypervisor refuses: exit statistics disabled on the host?)", stderr);
	fputc('\n', stderr);
	return 1;
}

enum { OPT_WATCH = 256, OPT_ITER, OPT_RUN, OPT_PROBE, OPT_JSON, OPT_ROOT, OPT_DEVICE,
       OPT_PAIRS };
static const struct option longopts[] = {
	{ "watch", required_argument, NULL, OPT_WATCH },
	{ "iterations", required_argument, NULL, OPT_ITER },
	{ "run", required_argument, NULL, OPT_RUN },
	{ "probe", no_argument, NULL, OPT_PROBE },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "device", required_argument, NULL, OPT_DEVICE },
	{ "pairs", required_argument, NULL, OPT_PAIRS },
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* A decimal integer from 1 to MAX: 0, else -EINVAL. */
static int parse_count(const char *arg, unsigned long max, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(arg, &end, 10);
	if (end == arg || *end || errno || arg[0] == '-' || !*v || *v > max)
		return -EINVAL;
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	unsigned long n;
	int nmodes = 0, c;
	char *end;

	memset(o, 0, sizeof(*o));
	o->root = EX_DEFAULT_ROOT;
	o->pairs = EX_DEFAULT_PAIRS;
	opterr = 0;	/* our own messages, in our format */
	while ((c = getopt_long(argc, argv, ":ho:", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_WATCH:
			errno = 0;
			o->seconds = strtod(optarg, &end);
			if (end == optarg || *end || errno || !isfinite(o->seconds) ||
			    o->seconds < 0.001 || o->seconds > 86400.0)
				return usage_error("--watch: '%s' is not a number of seconds "
						   "between 0.001 and 86400", optarg);
			o->mode = MODE_WATCH;
			nmodes++;
			break;
		case OPT_ITER:
			if (parse_count(optarg, ULONG_MAX, &o->iterations))
				return usage_error("--iterations: '%s' is not a positive integer",
						   optarg);
			o->has_iterations = true;
			break;
		case OPT_RUN:
			if (!optarg[0])
				return usage_error("--run: empty command%s", "");
			o->command = optarg;
			o->mode = MODE_RUN;
			nmodes++;
			break;
		case OPT_PROBE:
			o->mode = MODE_PROBE;
			nmodes++;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_ROOT:
			if (!optarg[0])
				return usage_error("--root: empty directory name%s", "");
			o->root = optarg;
			o->root_given = true;
			break;
		case OPT_DEVICE:
			o->device = optarg[0] ? optarg : NULL;
			if (!o->device)
				return usage_error("--device: empty file name%s", "");
			break;
		case OPT_PAIRS:
			if (parse_count(optarg, EX_MAX_PAIRS, &n))
				return usage_error("--pairs: '%s' is not an integer from 1 to 1000",
						   optarg);
			o->pairs = (unsigned)n;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case ':':
			return usage_error("%s: missing argument", argv[optind - 1]);
		default:
			return usage_error("%s: unknown option", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s' (quote a command with "
				   "arguments: --run 'CMD ARGS')", argv[optind]);
	if (nmodes > 1)
		return usage_error("%sonly one of --watch, --run and --probe", "");
	if (o->device && o->mode == MODE_PROBE)
		return usage_error("--probe reads %s, not --device", o->root);
	if (o->has_iterations && o->mode != MODE_WATCH)
		return usage_error("--iterations needs --watch%s", "");
	return -1;	/* go on */
}

static int do_probe(const struct opts *o, FILE *out)
{
	struct ex_layout l;
	struct ex_err err = { "", NULL };
	int ret;

	ret = ex_layout_discover(o->root, &l, &err);
	if ((ret == -ENOENT || ret == -ENOTDIR) && !strcmp(err.path, o->root)) {
		report_probe(out, o->json, o->root, NULL);
		return 1;
	}
	if (ret)
		return report_err("probe", ret, &err, o->root);
	report_probe(out, o->json, o->root, &l);
	ex_layout_free(&l);
	return 0;
}

static int do_table(const struct ex_layout *l, const struct opts *o, FILE *out)
{
	struct ex_snapshot s;
	struct ex_err err = { "", NULL };
	int ret;

	if (ex_snapshot_alloc(l, &s))
		return report_err("snapshot", -ENOMEM, &err, o->root);
	/* From the device, the snapshot discovery took: the table costs that one exit. */
	ret = l->dev_fd > 0 ? ex_dev_first(l, &s, &err) : ex_take(l, &s, &err);
	if (ret) {
		ex_snapshot_free(&s);
		return report_err("snapshot", ret, &err, o->root);
	}
	report_table(out, o->json, l, &s);
	ex_snapshot_free(&s);
	return 0;
}

static int do_watch(const struct ex_layout *l, const struct opts *o, FILE *out)
{
	uint64_t interval = (uint64_t)(o->seconds * 1e9 + 0.5), t0, deadline;
	struct ex_snapshot prev, cur, tmp;
	struct ex_err err = { "", NULL };
	struct sigaction sa;
	struct ex_diff d;
	int ret = 0, status = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;	/* no SA_RESTART: the sleep must end */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	memset(&prev, 0, sizeof(prev));
	memset(&cur, 0, sizeof(cur));
	memset(&d, 0, sizeof(d));
	if (ex_snapshot_alloc(l, &prev) || ex_snapshot_alloc(l, &cur) || ex_diff_alloc(l, &d)) {
		ret = -ENOMEM;
		goto out;
	}
	if (!o->json)
		report_watch_header(out, l, o->seconds);
	fflush(out);
	ret = ex_take(l, &prev, &err);
	t0 = prev.start_ns;
	deadline = t0 + interval;
	for (unsigned n = 1; !ret && (!o->iterations || n <= o->iterations); n++) {
		struct timespec ts = { (time_t)(deadline / 1000000000u),
				       (long)(deadline % 1000000000u) };
		int r;

		/* Absolute deadlines: the cost of a sample does not shift the next. */
		while ((r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL)) == EINTR &&
		       !stop_signal)
			;
		if (stop_signal)
			break;
		ret = ex_take(l, &cur, &err);
		if (ret)
			break;
		ex_diff_compute(l, &prev, &cur, &d);
		report_watch(out, o->json, l, &d, n, cur.start_ns - t0, cur.start_ns - prev.start_ns);
		if (fflush(out) || ferror(out)) {
			fprintf(stderr, PROG ": watch: writing output: %s\n", strerror(errno));
			status = 1;
			break;
		}
		tmp = prev, prev = cur, cur = tmp;
		deadline += interval;
		if (deadline < ex_now_ns())	/* fell behind: skip, do not burst */
			deadline = ex_now_ns() + interval;
	}
out:
	if (ret)
		status = report_err("watch: snapshot", ret, &err, o->root);
	ex_snapshot_free(&prev);
	ex_snapshot_free(&cur);
	ex_diff_free(&d);
	return status;
}

/* fork + exec /bin/sh -c CMD; like system(3), the parent ignores ^C meanwhile. */
static int run_command(const char *cmd, int *wstatus, struct ex_err *err)
{
	struct sigaction ign, old_int, old_quit;
	pid_t pid;
	int ret = 0;

	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		snprintf(err->path, sizeof(err->path), "fork");
	} else if (pid == 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		fprintf(stderr, PROG ": run: /bin/sh: %s\n", strerror(errno));
		_exit(127);
	} else {
		while (waitpid(pid, wstatus, 0) < 0) {
			if (errno != EINTR) {
				ret = -errno;
				snprintf(err->path, sizeof(err->path), "waitpid");
				break;
			}
		}
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	return ret;
}

struct run_state {
	struct ex_snapshot before, after;
	struct ex_diff res;
	struct ex_calib cal;
	struct ex_corrected cor;
};

static int run_alloc(const struct ex_layout *l, struct run_state *st)
{
	memset(st, 0, sizeof(*st));
	if (ex_snapshot_alloc(l, &st->before) || ex_snapshot_alloc(l, &st->after) ||
	    ex_diff_alloc(l, &st->res) || ex_calib_alloc(l, &st->cal) ||
	    ex_corrected_alloc(l, &st->cor))
		return -ENOMEM;
	return 0;
}

static void run_free(struct run_state *st)
{
	ex_snapshot_free(&st->before);
	ex_snapshot_free(&st->after);
	ex_diff_free(&st->res);
	ex_calib_free(&st->cal);
	ex_corrected_free(&st->cor);
}

/*
 * Calibrate (back-to-back snapshots, the last one the "before" snapshot), run the
 * command, take the "after" snapshot: with the device, one exit each side.
 */
static int do_run(const struct ex_layout *l, const struct opts *o, FILE *out,
		  const char *fallback)
{
	struct ex_err err = { "", NULL };
	const char *context = "run: snapshot";
	struct run_result rr = { 0 };
	struct run_state st;
	uint64_t t_start;
	int ret, wstatus = 0, status = 1;

	ret = run_alloc(l, &st);
	if (!ret)
		ret = ex_calibrate(l, o->pairs, &st.cal, &st.before, &err);
	if (ret)
		goto out;
	/* Our buffered output must not be duplicated into the child. */
	fflush(stdout);
	fflush(out);
	t_start = ex_now_ns();
	ret = run_command(o->command, &wstatus, &err);
	if (ret) {
		context = "run";
		goto out;
	}
	rr.elapsed_ns = ex_now_ns() - t_start;
	ret = ex_take(l, &st.after, &err);
	if (ret)
		goto out;

	ex_diff_compute(l, &st.before, &st.after, &st.res);
	ex_correct(l, &st.cal, &st.before, &st.after, &st.res, &st.cor);
	rr.command = o->command;
	rr.result = &st.res;
	rr.calib = &st.cal;
	rr.corrected = &st.cor;
	rr.before = &st.before;
	rr.after = &st.after;
	rr.fallback = fallback;
	if (WIFEXITED(wstatus)) {
		rr.exited = true;
		rr.code = WEXITSTATUS(wstatus);
		status = rr.code;
	} else {
		rr.exited = false;
		rr.code = WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0;
		status = 128 + rr.code;
	}
	report_run(out, o->json, l, &rr);
out:
	if (ret)
		status = report_err(context, ret, &err, o->root);
	run_free(&st);
	return status;
}

/*
 * The source: the snapshot device, else (only when it does not exist and was not named,
 * an older host or guest kernel) the per-value files, with *fallback saying so. With
 * --root alone, the files of that tree. $GUEST_EXITS_DEVICE replaces the default device
 * (the unit tests' way to exercise the fallback).
 */
static int discover(const struct opts *o, struct ex_layout *l, const char **fallback,
		    struct ex_err *err)
{
	int ret;

	const char *env = getenv("GUEST_EXITS_DEVICE");	/* tests: another default device */

	*fallback = NULL;
	if (o->device || !o->root_given || env) {
		const char *dev = o->device ? o->device : env ? env : EX_DEFAULT_DEVICE;

		ret = ex_dev_discover(dev, o->root, l, err);
		if (ret != -ENOENT || strcmp(err->path, dev) || o->device)
			return ret;
		*fallback = "(no " EX_DEFAULT_DEVICE ": an older host or guest kernel without "
			    "snapshots)";
	}
	memset(err, 0, sizeof(*err));
	return ex_layout_discover(o->root, l, err);
}

int main(int argc, char **argv)
{
	struct ex_err err = { "", NULL };
	const char *fallback = NULL;
	struct ex_layout l;
	struct opts o;
	FILE *out = stdout;
	int ret, status;

	ret = parse_args(argc, argv, &o);
	if (ret >= 0)
		return ret;
	if (o.output) {
		out = fopen(o.output, "w");
		if (!out) {
			fprintf(stderr, PROG ": --output: %s: %s\n", o.output, strerror(errno));
			return 1;
		}
	}
	if (o.mode == MODE_PROBE) {
		status = do_probe(&o, out);
	} else {
		ret = discover(&o, &l, &fallback, &err);
		if (ret) {
			status = report_err("discovery", ret, &err, o.root);
		} else {
			if (fallback)
				fprintf(stderr, PROG ": note: %s: reading the per-value files of %s "
					"%s, %zu reads per snapshot, each at least one exit\n",
					EX_DEFAULT_DEVICE, o.root, fallback, l.nreads);
			if (o.mode == MODE_WATCH)
				status = do_watch(&l, &o, out);
			else if (o.mode == MODE_RUN)
				status = do_run(&l, &o, out, fallback);
			else
				status = do_table(&l, &o, out);
			ex_layout_free(&l);
		}
	}
	/* A full disk or closed pipe must not pass for success. */
	if (fflush(out) || ferror(out) || (out != stdout && fclose(out))) {
		fprintf(stderr, PROG ": writing %s: %s\n", o.output ? o.output : "output",
			strerror(errno ? errno : EIO));
		if (!status)
			status = 1;
	}
	return status;
}
