// SPDX-License-Identifier: GPL-2.0
/*
 * exitstat: the command line. Parses options, runs libexitstat and hands
 * the result to the subcommand's printer. Exit status: 0 success, 1 bad
 * input (one line on stderr: "exitstat: FILE: problem"), 2 usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"

#define EXITSTAT_VERSION "1.0"

struct command {
	const char *name;
	int (*fn)(struct cli *cli);
	int nfiles;
	const char *synopsis;
	const char *help;
};

static const char common_help[] =
"Common options:\n"
"  --json              JSON output: one object, its keys with their units in\n"
"                      exitstat(1), JSON OUTPUT\n"
"  --csv               CSV output: one block per table, headed by '# NAME',\n"
"                      with the JSON keys\n"
"  --pid PID           only exits of this guest: the VMM process (vm_pid on\n"
"                      patched traces, tgid with --tgid-map; on stock traces\n"
"                      without process information: the vcpu thread id)\n"
"  --vcpu N            only this vcpu (vcpu_id on patched traces, the vcpu\n"
"                      thread id on stock ones)\n"
"  --class LIST        only these exit classes, comma separated: names as\n"
"                      printed (CP15_32, DABT_LOW, IRQ, HVC32, ...) or EC numbers\n"
"  --from SEC          ignore exits before SEC seconds after the first event\n"
"  --to SEC            ignore exits from SEC seconds after the first event on\n"
"  --tgid-map FILE     'tid tgid' lines (tracefs saved_tgids) naming each\n"
"                      vcpu thread's process on stock traces\n"
"  --reader HOW        how records are read (results are identical): page\n"
"                      (default: zpage on zstd-compressed files, else tcpage),\n"
"                      zpage (own zstd decompression), tcpage (libtracecmd's\n"
"                      pages), record or iterate (libtracecmd per record)\n"
"  -h, --help          this help\n";

static const struct command commands[] = {
	{ "summary", cmd_summary, 1, "summary [OPTIONS] TRACE",
	  "Exits per class with their count, share and time spent in the host\n"
	  "(kvm_exit to the next kvm_entry of the same thread: total, mean, p50,\n"
	  "p99, max), then per vcpu and per guest. The header gives the trace\n"
	  "span, event totals, the identity method and unpaired records.\n" },
	{ "timeline", cmd_timeline, 1, "timeline [OPTIONS] [--interval MS] TRACE",
	  "Exits per time interval (default 100 ms) and class: a stable rate or\n"
	  "bursts? Rows are streamed; empty intervals are printed too.\n"
	  "  --interval MS       interval length in milliseconds (may be fractional)\n" },
	{ "hvc", cmd_hvc, 1, "hvc [OPTIONS] [--calls] TRACE",
	  "HVC/SMC calls by SMCCC function ID (x0/w0 or r0 from kvm_hvc_arm64):\n"
	  "PSCI functions, SMCCC architecture calls and KVM vendor-hypervisor\n"
	  "calls by name, unknown IDs raw with their SMCCC owner; per conduit\n"
	  "(HVC64, HVC32, SMC64, SMC32).\n"
	  "  --calls             also every call in trace order: time, guest, vcpu,\n"
	  "                      function and the exit's counter (patched traces)\n" },
	{ "sysreg", cmd_sysreg, 1, "sysreg [OPTIONS] TRACE",
	  "Trapped system register, CP15, CP14 and CP10 accesses by register name\n"
	  "and direction, from kvm_sys_access (decoded from Op0/Op1/CRn/CRm/Op2\n"
	  "in the context of the exit's class) and kvm_handle_sys_reg's ESR ISS\n"
	  "for accesses KVM did not handle.\n" },
	{ "mmio", cmd_mmio, 1, "mmio [OPTIONS] TRACE",
	  "MMIO accesses by guest physical page and device region (QEMU 'virt'\n"
	  "map), reads/writes, handled in the kernel or in userspace (a\n"
	  "kvm_userspace_exit with reason MMIO followed the access).\n" },
	{ "lost", cmd_lost, 1, "lost [OPTIONS] TRACE",
	  "Lost events: trace-cmd's missed-event markers per CPU buffer (with and\n"
	  "without a count), the buffer overruns stored in the file, and on\n"
	  "patched traces the exact per-vcpu gaps in kvm_exit's exit_count.\n" },
	{ "compare", cmd_compare, 2, "compare [OPTIONS] TRACE_A TRACE_B",
	  "Two traces side by side: exits per class, share and rate (exits/s\n"
	  "over each trace's span), with the change from A to B.\n" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void main_usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: exitstat COMMAND [OPTIONS] TRACE...\n"
		"Analyze KVM/arm64 exit traces (trace.dat from 'trace-cmd record -e kvm').\n\n"
		"Commands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %s\n", commands[i].synopsis);
	fprintf(f,
		"\n'exitstat COMMAND --help' describes a command; see also exitstat(1).\n"
		"Exit status: 0 success, 1 unusable input, 2 usage error.\n");
}

static void command_usage(const struct command *c)
{
	printf("Usage: exitstat %s\n\n%s\n%s", c->synopsis, c->help, common_help);
}

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "exitstat: %s: ", cmd);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'exitstat %s --help'.\n", cmd);
	return 2;
}

static int parse_number(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return errno || end == s || *end || *out != *out ? -EINVAL : 0;
}

static int parse_classes(const char *list, struct es_filter *f)
{
	char *copy = strdup(list), *tok, *save = NULL;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int cls = es_class_from_name(tok);

		if (cls < 0) {
			ret = -EINVAL;
			break;
		}
		f->classes[cls] = 1;
	}
	free(copy);
	f->has_class = true;
	return ret;
}

enum {
	OPT_JSON = 256, OPT_CSV, OPT_PID, OPT_VCPU, OPT_CLASS, OPT_FROM, OPT_TO,
	OPT_INTERVAL, OPT_TGID, OPT_READER, OPT_CALLS,
};

/* getopt_long said '?': optopt is the short option, or the long option's
 * val when its argument is missing or not wanted, or 0 when unknown. */
static int bad_option(const struct command *c, const struct option *longopts,
		      const char *given)
{
	const struct option *o;

	if (optopt > 0 && optopt < 256)
		return usage_error(c->name, "unknown option '-%s'",
				   (char[]){ (char)optopt, 0 });
	for (o = longopts; optopt && o->name; o++)
		if (o->val == optopt)
			return usage_error(c->name, o->has_arg
					   ? "option '--%s' needs an argument"
					   : "option '--%s' takes no argument", o->name);
	return usage_error(c->name, "unknown option '%s'", given);
}

static int parse_args(const struct command *c, int argc, char **argv,
		      struct cli *cli)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "pid", required_argument, NULL, OPT_PID },
		{ "vcpu", required_argument, NULL, OPT_VCPU },
		{ "class", required_argument, NULL, OPT_CLASS },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "to", required_argument, NULL, OPT_TO },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "tgid-map", required_argument, NULL, OPT_TGID },
		{ "reader", required_argument, NULL, OPT_READER },
		{ "calls", no_argument, NULL, OPT_CALLS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct es_filter *f = &cli->opts.filter;
	double v;
	int opt;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			command_usage(c);
			exit(0);
		case OPT_JSON:
			cli->fmt = OUT_JSON;
			break;
		case OPT_CSV:
			cli->fmt = OUT_CSV;
			break;
		case OPT_PID:
		case OPT_VCPU:
			if (parse_number(optarg, &v) || v < 0 || v != (double)(int64_t)v)
				return usage_error(c->name, "not a non-negative integer: '%s'", optarg);
			if (opt == OPT_PID) {
				f->has_pid = true;
				f->pid = (int64_t)v;
			} else {
				f->has_vcpu = true;
				f->vcpu = (int64_t)v;
			}
			break;
		case OPT_CLASS:
			if (parse_classes(optarg, f))
				return usage_error(c->name, "unknown exit class in '%s' (see exitstat(1) for the names)", optarg);
			break;
		case OPT_FROM:
		case OPT_TO:
			if (parse_number(optarg, &v) || v < 0)
				return usage_error(c->name, "not a time in seconds: '%s'", optarg);
			if (opt == OPT_FROM) {
				f->has_from = true;
				f->from_s = v;
			} else {
				f->has_to = true;
				f->to_s = v;
			}
			break;
		case OPT_INTERVAL:
			if (c->fn != cmd_timeline)
				return usage_error(c->name, "%s: only for 'timeline'", "--interval");
			if (parse_number(optarg, &v) || v < 0.001 || v > 1e9)
				return usage_error(c->name, "not an interval in ms (0.001 or more): '%s'", optarg);
			cli->opts.interval_ns = (uint64_t)(v * 1e6);
			break;
		case OPT_CALLS:
			if (c->fn != cmd_hvc)
				return usage_error(c->name, "%s: only for 'hvc'", "--calls");
			cli->calls = true;
			break;
		case OPT_TGID:
			cli->opts.tgid_map = optarg;
			break;
		case OPT_READER:
			if (!strcmp(optarg, "page"))
				cli->opts.reader = ES_READ_PAGE;
			else if (!strcmp(optarg, "zpage"))
				cli->opts.reader = ES_READ_ZPAGE;
			else if (!strcmp(optarg, "tcpage"))
				cli->opts.reader = ES_READ_TCPAGE;
			else if (!strcmp(optarg, "record"))
				cli->opts.reader = ES_READ_RECORD;
			else if (!strcmp(optarg, "iterate"))
				cli->opts.reader = ES_READ_ITERATE;
			else
				return usage_error(c->name, "--reader: expected page, zpage, tcpage, record or iterate, not '%s'", optarg);
			break;
		case '?':
		default:
			return bad_option(c, longopts, argv[optind - 1]);
		}
	}
	if (f->has_from && f->has_to && f->to_s <= f->from_s)
		return usage_error(c->name, "--to must be after --from%s", "");
	if (argc - optind != c->nfiles)
		return usage_error(c->name, c->nfiles == 1 ? "expected one TRACE file%s"
							  : "expected two TRACE files%s", "");
	cli->nfiles = c->nfiles;
	cli->files[0] = argv[optind];
	if (c->nfiles > 1)
		cli->files[1] = argv[optind + 1];
	return 0;
}

int main(int argc, char **argv)
{
	struct cli cli;
	size_t i;
	int ret;

	if (argc < 2) {
		main_usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		main_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("exitstat %s\n", EXITSTAT_VERSION);
		return 0;
	}
	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			break;
	if (i == NCOMMANDS) {
		fprintf(stderr, "exitstat: unknown command '%s'\n", argv[1]);
		main_usage(stderr);
		return 2;
	}
	memset(&cli, 0, sizeof(cli));
	cli.cmd = commands[i].name;
	cli.fmt = OUT_TEXT;
	ret = parse_args(&commands[i], argc - 1, argv + 1, &cli);
	if (ret)
		return ret;
	return commands[i].fn(&cli);
}
