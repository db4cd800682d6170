// SPDX-License-Identifier: GPL-2.0
/*
 * exitstat: the command line. Picks the subcommand, parses the common
 * options and the command's own (declared in its cmd-*.c) and runs it.
 * Exit status: 0 success, 1 bad input (one line on stderr: "exitstat:
 * FILE: problem"), 2 usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"

#define EXITSTAT_VERSION "1.0"

static const struct command *const commands[] = {
	&cmd_summary, &cmd_timeline, &cmd_hvc, &cmd_sysreg, &cmd_mmio,
	&cmd_lost, &cmd_compare,
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* ------------------------------------------------------------------ */
/* The common options */

/* One output format per run: --json and --csv exclude each other. */
static const char *take_format(struct cli *cli, enum out_format fmt)
{
	if (cli->fmt != OUT_TEXT && cli->fmt != fmt)
		return "--json and --csv exclude each other";
	cli->fmt = fmt;
	return NULL;
}

static const char *take_json(struct cli *cli, const char *arg)
{
	(void)arg;
	return take_format(cli, OUT_JSON);
}

static const char *take_csv(struct cli *cli, const char *arg)
{
	(void)arg;
	return take_format(cli, OUT_CSV);
}

static const char *take_id(const char *arg, bool *has, int64_t *id)
{
	double v;

	if (parse_number(arg, &v) || v < 0 || v != (double)(int64_t)v)
		return "not a non-negative integer: '%s'";
	*has = true;
	*id = (int64_t)v;
	return NULL;
}

static const char *take_pid(struct cli *cli, const char *arg)
{
	return take_id(arg, &cli->opts.filter.has_pid, &cli->opts.filter.pid);
}

static const char *take_vcpu(struct cli *cli, const char *arg)
{
	return take_id(arg, &cli->opts.filter.has_vcpu, &cli->opts.filter.vcpu);
}

static const char *take_class(struct cli *cli, const char *arg)
{
	struct es_filter *f = &cli->opts.filter;
	char *copy = strdup(arg), *tok, *save = NULL;
	const char *why = NULL;

	if (!copy)
		return "unknown exit class in '%s' (see exitstat(1) for the names)";
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int cls = es_class_from_name(tok);

		if (cls < 0) {
			why = "unknown exit class in '%s' (see exitstat(1) for the names)";
			break;
		}
		f->classes[cls] = 1;
	}
	free(copy);
	f->has_class = true;
	return why;
}

static const char *take_time(const char *arg, bool *has, double *secs)
{
	double v;

	if (parse_number(arg, &v) || v < 0)
		return "not a time in seconds: '%s'";
	*has = true;
	*secs = v;
	return NULL;
}

static const char *take_from(struct cli *cli, const char *arg)
{
	return take_time(arg, &cli->opts.filter.has_from, &cli->opts.filter.from_s);
}

static const char *take_to(struct cli *cli, const char *arg)
{
	return take_time(arg, &cli->opts.filter.has_to, &cli->opts.filter.to_s);
}

static const char *take_tgid_map(struct cli *cli, const char *arg)
{
	cli->opts.tgid_map = arg;
	return NULL;
}

static const char *take_reader(struct cli *cli, const char *arg)
{
	static const struct {
		const char *name;
		enum es_reader reader;
	} readers[] = {
		{ "page", ES_READ_PAGE }, { "zpage", ES_READ_ZPAGE },
		{ "tcpage", ES_READ_TCPAGE }, { "record", ES_READ_RECORD },
		{ "iterate", ES_READ_ITERATE },
	};
	size_t i;

	for (i = 0; i < sizeof(readers) / sizeof(readers[0]); i++) {
		if (!strcmp(arg, readers[i].name)) {
			cli->opts.reader = readers[i].reader;
			return NULL;
		}
	}
	return "--reader: expected page, zpage, tcpage, record or iterate, not '%s'";
}

static const struct cli_option common_options[] = {
	{ "json", NULL, "JSON output: one object, its keys with their units in\n"
	  "exitstat(1), JSON OUTPUT", take_json },
	{ "csv", NULL, "CSV output: one block per table, headed by '# NAME',\n"
	  "with the JSON keys", take_csv },
	{ "pid", "PID", "only exits of this guest: the VMM process (vm_pid on\n"
	  "patched traces, tgid with --tgid-map; on stock traces\n"
	  "without process information: the vcpu thread id)", take_pid },
	{ "vcpu", "N", "only this vcpu (vcpu_id on patched traces, the vcpu\n"
	  "thread id on stock ones)", take_vcpu },
	{ "class", "LIST", "only these exit classes, comma separated: names as\n"
	  "printed (CP15_32, DABT_LOW, IRQ, HVC32, ...) or EC numbers", take_class },
	{ "from", "SEC", "ignore exits before SEC seconds after the first event",
	  take_from },
	{ "to", "SEC", "ignore exits from SEC seconds after the first event on",
	  take_to },
	{ "tgid-map", "FILE", "'tid tgid' lines (tracefs saved_tgids) naming each\n"
	  "vcpu thread's process on stock traces", take_tgid_map },
	{ "reader", "HOW", "how records are read (results are identical): page\n"
	  "(default: zpage on zstd-compressed files, else tcpage),\n"
	  "zpage (without libtracecmd: own headers and zstd\n"
	  "decompression), tcpage (libtracecmd opens the file, gives\n"
	  "the pages), record or iterate (libtracecmd per record)", take_reader },
	{ NULL, NULL, NULL, NULL },
};

/* ------------------------------------------------------------------ */
/* Usage */

#define HELP_COLUMN 22

static void print_option(const char *head, const char *help)
{
	const char *p = help, *nl;

	printf("  %-*s", HELP_COLUMN - 2, head);
	if (strlen(head) >= HELP_COLUMN - 2)
		printf("\n%*s", HELP_COLUMN, "");
	while ((nl = strchr(p, '\n'))) {
		printf("%.*s\n%*s", (int)(nl - p), p, HELP_COLUMN, "");
		p = nl + 1;
	}
	printf("%s\n", p);
}

static void print_options(const struct cli_option *o)
{
	char head[64];

	for (; o && o->name; o++) {
		snprintf(head, sizeof(head), "--%s%s%s", o->name,
			 o->arg ? " " : "", o->arg ? o->arg : "");
		print_option(head, o->help);
	}
}

static void print_synopsis(FILE *f, const struct command *c)
{
	const struct cli_option *o;

	fprintf(f, "%s [OPTIONS]", c->name);
	for (o = c->options; o && o->name; o++) {
		if (o->arg)
			fprintf(f, " [--%s %s]", o->name, o->arg);
		else
			fprintf(f, " [--%s]", o->name);
	}
	fprintf(f, c->nfiles == 1 ? " TRACE" : " TRACE_A TRACE_B");
}

static void main_usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: exitstat COMMAND [OPTIONS] TRACE...\n"
		"Analyze KVM/arm64 exit traces (trace.dat from 'trace-cmd record -e kvm').\n\n"
		"Commands:\n");
	for (i = 0; i < NCOMMANDS; i++) {
		fprintf(f, "  ");
		print_synopsis(f, commands[i]);
		fprintf(f, "\n");
	}
	fprintf(f,
		"\n'exitstat COMMAND --help' describes a command; see also exitstat(1).\n"
		"Exit status: 0 success, 1 unusable input, 2 usage error.\n");
}

/* The command's help, its own options, then the common ones. */
static void command_usage(const struct command *c)
{
	printf("Usage: exitstat ");
	print_synopsis(stdout, c);
	printf("\n\n%s", c->help);
	print_options(c->options);
	printf("\nCommon options:\n");
	print_options(common_options);
	print_option("-h, --help", "this help");
}

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "exitstat: %s: ", cmd);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'exitstat %s --help'.\n", cmd);
	return 2;
}

/* ------------------------------------------------------------------ */
/* Parsing */

/* An option getopt_long knows while parsing for one command. */
struct known {
	const struct cli_option *opt;
	const struct command *owner;	/* NULL: a common option */
};

static bool known_name(const struct known *k, size_t n, const char *name)
{
	while (n--)
		if (!strcmp(k[n].opt->name, name))
			return true;
	return false;
}

static size_t add_options(struct known *k, size_t n, const struct cli_option *o,
			  const struct command *owner)
{
	for (; o && o->name; o++) {
		if (known_name(k, n, o->name))
			continue;
		k[n].opt = o;
		k[n++].owner = owner;
	}
	return n;
}

static size_t count_options(const struct cli_option *o)
{
	size_t n = 0;

	while (o && o[n].name)
		n++;
	return n;
}

/*
 * The common options, the command's own, then the other commands' (so that
 * they are told whose they are, and abbreviations mean what they mean for
 * any command); the getopt_long table of them, option i with val 256 + i.
 */
static size_t known_options(const struct command *c, struct known **known,
			    struct option **longopts)
{
	size_t max = count_options(common_options), n, i;

	for (i = 0; i < NCOMMANDS; i++)
		max += count_options(commands[i]->options);
	*known = calloc(max, sizeof(**known));
	*longopts = calloc(max + 2, sizeof(**longopts));
	if (!*known || !*longopts)
		out_oom();
	n = add_options(*known, 0, common_options, NULL);
	n = add_options(*known, n, c->options, c);
	for (i = 0; i < NCOMMANDS; i++)
		n = add_options(*known, n, commands[i]->options, commands[i]);
	for (i = 0; i < n; i++) {
		(*longopts)[i].name = (*known)[i].opt->name;
		(*longopts)[i].has_arg = (*known)[i].opt->arg ? required_argument
							      : no_argument;
		(*longopts)[i].val = 256 + (int)i;
	}
	(*longopts)[n].name = "help";
	(*longopts)[n].val = 'h';
	return n;
}

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

#define PARSE_HELP (-1)		/* --help shown */

static int parse_options(const struct command *c, int argc, char **argv,
			 struct cli *cli, const struct known *known, size_t n,
			 const struct option *longopts)
{
	const struct known *k;
	const char *why;
	char msg[128];
	int opt;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (opt == 'h') {
			command_usage(c);
			return PARSE_HELP;
		}
		if (opt < 256 || (size_t)opt - 256 >= n)
			return bad_option(c, longopts, argv[optind - 1]);
		k = &known[opt - 256];
		if (k->owner && k->owner != c) {
			snprintf(msg, sizeof(msg), "--%s: only for '%s'",
				 k->opt->name, k->owner->name);
			return usage_error(c->name, "%s", msg);
		}
		why = k->opt->take(cli, optarg);
		if (why)
			return usage_error(c->name, why, optarg);
	}
	return 0;
}

/* 0, PARSE_HELP, or 2 after a usage error. */
static int parse_args(const struct command *c, int argc, char **argv,
		      struct cli *cli)
{
	const struct es_filter *f = &cli->opts.filter;
	struct option *longopts;
	struct known *known;
	size_t n = known_options(c, &known, &longopts);
	int ret = parse_options(c, argc, argv, cli, known, n, longopts);

	free(known);
	free(longopts);
	if (ret)
		return ret;
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
		if (!strcmp(argv[1], commands[i]->name))
			break;
	if (i == NCOMMANDS) {
		fprintf(stderr, "exitstat: unknown command '%s'\n", argv[1]);
		main_usage(stderr);
		return 2;
	}
	memset(&cli, 0, sizeof(cli));
	cli.cmd = commands[i]->name;
	cli.fmt = OUT_TEXT;
	ret = parse_args(commands[i], argc - 1, argv + 1, &cli);
	if (ret)
		return ret == PARSE_HELP ? 0 : ret;
	return commands[i]->run(&cli);
}
