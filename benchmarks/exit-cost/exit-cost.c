// SPDX-License-Identifier: GPL-2.0
/*
 * exit-cost: what each kind of exit costs on this KVM host, from bare vcpus (no guest OS,
 * kvm-unit-tests' arm micro-bench style) in AArch64 and AArch32, and which exits it causes,
 * counted by KVM itself. The types are in types.c, the measurement in measure.c, the guest
 * code in guest-aarch64.S and guest-aarch32.S.
 *
 * Under `run-host.sh --icount` the host's clock advances 1 ns per emulated instruction (of
 * whichever emulated CPU runs), so the figures are instruction path lengths.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exit-cost.h"

static const char usage_text[] =
	"Usage: " PROG " [-n ITERATIONS] [--runs R] [--types LIST] [--arch LIST] [--wfi-wait-ns NS]\n"
	"                 [--batch-timeout S] [--json] [-v]\n"
	"\n"
	"What one exit of each type costs on this KVM host, from bare vcpus (no guest OS), and the\n"
	"exits each operation causes as KVM's own statistics count them (KVM_GET_STATS_FD; on\n"
	"Linux < 5.14, the legacy 32-bit host's 5.4, the VM's debugfs sums).\n"
	"\n"
	"  -n ITERATIONS     operations per batch (default 10000)\n"
	"  --runs R          runs, each an empty batch and a batch of ITERATIONS (default 5)\n"
	"  --types LIST      comma-separated types (default: all of them, in this order):\n"
	"                    hvc mmio_user mmio_kernel sysreg wfi ipi virq s2fault\n"
	"  --arch LIST       aarch64,aarch32 (default both)\n"
	"  --wfi-wait-ns NS  how far ahead wfi's timer fires (default 200000); subtracted\n"
	"  --batch-timeout S a batch still running after S seconds fails the type, with where\n"
	"                    its guest is (default 120; 0: wait for ever)\n"
	"  --json            one JSON object on stdout (FAIL lines still go to stderr)\n"
	"  -v, --verbose     a line per batch on stderr\n"
	"  -h, --help        this text\n"
	"\n"
	"Made for `run-host.sh --icount`, where ns are emulated instructions and repeat; on a\n"
	"host in real time they are the emulator's wall-clock time, as noisy as its machine.\n"
	"\n"
	"Per type and vcpu: the mean ns per operation of each run ((batch - empty batch) / N,\n"
	"CLOCK_MONOTONIC), their median, min, max and spread (max - min) / median; KVM's counters\n"
	"per operation. Every counter must move by exactly what the type claims, `exits` by at\n"
	"most the host interrupts of the vcpus' CPUs more (reported as extra exits); otherwise a\n"
	"FAIL line. Exit status: 0 all exact, 1 a check failed or an error, 2 usage, 77 no KVM.\n";

struct selection {
	int type[32];		/* indexes into ec_types */
	unsigned int ntypes;
	int arch[2];		/* 0 AArch64, 1 AArch32 */
	unsigned int narch;
	int json;
};

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", PROG);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see --help)\n");
	return 2;
}

static int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_types(char *list, struct selection *sel)
{
	char *tok, *save;
	unsigned int i;

	sel->ntypes = 0;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < ec_ntypes && strcmp(ec_types[i].name, tok); i++)
			;
		if (i == ec_ntypes || sel->ntypes == 32)
			return usage_error("--types: unknown type '%s'", tok);
		sel->type[sel->ntypes++] = (int)i;
	}
	return sel->ntypes ? 0 : usage_error("--types: %s", "empty list");
}

static int parse_arch(char *list, struct selection *sel)
{
	char *tok, *save;

	sel->narch = 0;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (sel->narch == 2 || (strcmp(tok, "aarch64") && strcmp(tok, "aarch32")))
			return usage_error("--arch: '%s' is not aarch64 or aarch32", tok);
		sel->arch[sel->narch++] = !strcmp(tok, "aarch32");
	}
	return sel->narch ? 0 : usage_error("--arch: %s", "empty list");
}

/* 0, -1 for --help, or 2 (usage error, printed). */
static int parse(int argc, char **argv, struct ec_options *o, struct selection *sel)
{
	long v;
	int i, err;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			return -1;
		} else if (!strcmp(a, "--json")) {
			sel->json = 1;
			continue;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			o->verbose = 1;
			continue;
		}
		if (strcmp(a, "-n") && strcmp(a, "--runs") && strcmp(a, "--wfi-wait-ns") &&
		    strcmp(a, "--batch-timeout") && strcmp(a, "--types") && strcmp(a, "--arch"))
			return usage_error("unknown argument '%s'", a);
		if (!val)
			return usage_error("%s needs a value", a);
		i++;
		if (!strcmp(a, "-n")) {
			if (parse_long(val, 1, 1000000, &o->iterations))
				return usage_error("-n needs a number from 1 to 1000000, not '%s'", val);
		} else if (!strcmp(a, "--runs")) {
			if (parse_long(val, 1, EC_MAX_RUNS, &v))
				return usage_error("--runs needs a number from 1 to 100, not '%s'", val);
			o->runs = (int)v;
		} else if (!strcmp(a, "--wfi-wait-ns")) {
			if (parse_long(val, 1, 1000000000, &v))
				return usage_error("--wfi-wait-ns needs a positive number, not '%s'", val);
			o->wfi_wait_ns = (uint64_t)v;
		} else if (!strcmp(a, "--batch-timeout")) {
			if (parse_long(val, 0, 86400, &v))
				return usage_error("--batch-timeout needs seconds from 0 to 86400, not '%s'", val);
			o->batch_timeout_s = (unsigned int)v;
		} else if (!strcmp(a, "--types") || !strcmp(a, "--arch")) {
			char *copy = strdup(val);

			err = !strcmp(a, "--types") ? parse_types(copy, sel) : parse_arch(copy, sel);
			free(copy);
			if (err)
				return err;
		}
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct summary {
	double median, min, max, spread_pct;
};

static struct summary summarize(const double *v, int n)
{
	double s[EC_MAX_RUNS];
	struct summary r;

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	r.median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	r.min = s[0];
	r.max = s[n - 1];
	r.spread_pct = r.median > 0 ? 100 * (r.max - r.min) / r.median : 0;
	return r;
}

static void json_doubles(const char *key, const double *v, int n)
{
	int i;

	printf("\"%s\": [", key);
	for (i = 0; i < n; i++)
		printf("%s%.1f", i ? ", " : "", v[i]);
	printf("]");
}

static void json_counts(const char *key, const uint64_t *v, int n)
{
	int i;

	printf("\"%s\": [", key);
	for (i = 0; i < n; i++)
		printf("%s%llu", i ? ", " : "", (unsigned long long)v[i]);
	printf("]");
}

/* KVM's counters per operation: of VCPU, or of all vcpus (VCPU < 0). */
static double per_op(const struct ec_result *r, unsigned int nvcpus, int vcpu, unsigned int stat,
		     const struct ec_options *o)
{
	uint64_t sum = 0;
	unsigned int v;

	for (v = 0; v < nvcpus; v++)
		if (vcpu < 0 || (unsigned int)vcpu == v)
			sum += r->op_delta[v][stat];
	return (double)sum / ((double)o->iterations * o->runs);
}

static void json_per_op(const struct ec_result *r, unsigned int nvcpus, int vcpu,
			const struct ec_options *o)
{
	unsigned int i;

	printf("{");
	for (i = 0; i < r->nstats; i++)
		printf("%s\"%s\": %.6f", i ? ", " : "", r->stat_name[i], per_op(r, nvcpus, vcpu, i, o));
	printf("}");
}

static void json_result(const struct ec_type *t, const struct ec_result *r, const struct ec_options *o)
{
	struct summary s = summarize(r->ns, o->runs);
	unsigned int v;

	if (r->skipped) {
		printf("{\"skipped\": \"%s\"}", r->skipped);
		return;
	}
	printf("{");
	json_doubles("ns", r->ns, o->runs);
	printf(", \"median_ns\": %.1f, \"min_ns\": %.1f, \"max_ns\": %.1f, \"spread_pct\": %.3f, ",
	       s.median, s.min, s.max, s.spread_pct);
	printf("\"kvm_exits_per_op\": ");
	json_per_op(r, t->nvcpus, -1, o);
	if (t->nvcpus > 1 && !r->vm_stats) {	/* debugfs (Linux < 5.14): the VM's sums only */
		printf(", \"kvm_exits_per_op_by_vcpu\": [");
		for (v = 0; v < t->nvcpus; v++) {
			printf("%s", v ? ", " : "");
			json_per_op(r, t->nvcpus, (int)v, o);
		}
		printf("]");
	}
	printf(", ");
	json_counts("extra_exits_per_run", r->extra_exits, o->runs);
	printf(", ");
	json_counts("host_irqs_per_run", r->host_irqs, o->runs);
	printf(", ");
	json_counts("disturbed_ops_per_run", r->disturbed_ops, o->runs);
	if (t->wait)
		printf(", \"wait_ns\": %.1f", r->wait_ns);
	printf(", \"exact_counts\": %s}", r->failed ? "false" : "true");
}

static void print_json(const struct selection *sel, const struct ec_options *o,
		       struct ec_result (*res)[2], int failed)
{
	unsigned int i, a;

	printf("{\"iterations\": %ld, \"runs\": %d, \"clock\": \"CLOCK_MONOTONIC\", "
	       "\"host_cpus\": %ld, \"halt_poll_ns\": %ld, \"wfi_wait_ns\": %llu, \"exits\": {",
	       o->iterations, o->runs, sysconf(_SC_NPROCESSORS_ONLN), ec_halt_poll_ns(),
	       (unsigned long long)o->wfi_wait_ns);
	for (i = 0; i < sel->ntypes; i++) {
		const struct ec_type *t = &ec_types[sel->type[i]];

		printf("%s\n  \"%s\": {\"what\": \"%s\"", i ? "," : "", t->name, t->what);
		for (a = 0; a < sel->narch; a++) {
			printf(", \"%s\": ", sel->arch[a] ? "aarch32" : "aarch64");
			json_result(t, &res[i][a], o);
		}
		printf("}");
	}
	printf("},\n \"failed\": %d}\n", failed);
}

static void print_text(const struct selection *sel, const struct ec_options *o, struct ec_result (*res)[2])
{
	unsigned int i, a, k;

	printf("%-12s %-8s %11s %11s %11s %8s  %s\n", "exit", "vcpu", "median ns", "min ns", "max ns",
	       "spread", "KVM counters per operation (all vcpus)");
	for (i = 0; i < sel->ntypes; i++) {
		const struct ec_type *t = &ec_types[sel->type[i]];

		for (a = 0; a < sel->narch; a++) {
			const struct ec_result *r = &res[i][a];
			struct summary s = summarize(r->ns, o->runs);

			printf("%-12s %-8s ", t->name, sel->arch[a] ? "aarch32" : "aarch64");
			if (r->skipped) {
				printf("skipped: %s\n", r->skipped);
				continue;
			}
			printf("%11.1f %11.1f %11.1f %7.2f%% ", s.median, s.min, s.max, s.spread_pct);
			for (k = 0; k < r->nstats; k++) {
				double v = per_op(r, t->nvcpus, -1, k, o);

				if (v > 0)
					printf(" %s %.3f", r->stat_name[k], v);
			}
			printf("\n");
		}
	}
	printf("(%ld operations per batch, %d runs; ns from CLOCK_MONOTONIC: emulated instructions "
	       "under -icount)\n", o->iterations, o->runs);
}

int main(int argc, char **argv)
{
	struct ec_options o = { .iterations = 10000, .runs = 5, .wfi_wait_ns = 200000,
				.batch_timeout_s = 120 };
	struct selection sel = { .narch = 2, .arch = { 0, 1 } };
	struct ec_result (*res)[2];
	unsigned int i, a;
	int failed = 0, err = 0;

	sel.ntypes = ec_ntypes;
	for (i = 0; i < ec_ntypes; i++)
		sel.type[i] = (int)i;
	err = parse(argc, argv, &o, &sel);
	if (err) {
		if (err < 0)
			fputs(usage_text, stdout);
		return err < 0 ? 0 : err;
	}
	res = calloc(sel.ntypes, sizeof(*res));
	if (!res) {
		fprintf(stderr, "%s: calloc: %s\n", PROG, strerror(errno));
		return 1;
	}
	for (i = 0; i < sel.ntypes && !err; i++) {
		const struct ec_type *t = &ec_types[sel.type[i]];

		for (a = 0; a < sel.narch && !err; a++) {
			struct ec_result *r = &res[i][a];
			const char *arch = sel.arch[a] ? "aarch32" : "aarch64";

			err = ec_measure(t, sel.arch[a], &o, r);
			if (err == -ENODEV) {
				printf("SKIP %s: %s\n", PROG, r->skipped);
				return 77;
			}
			if (!err && !r->skipped && !r->failed) {
				uint64_t extra = 0;
				int k;

				for (k = 0; k < o.runs; k++)
					extra += r->extra_exits[k];
				fprintf(stderr, "PASS %s %s: KVM's counters moved exactly as claimed in %d runs "
					"(and %llu exits from host interrupts)\n", t->name, arch, o.runs,
					(unsigned long long)extra);
			}
			failed += r->failed;
		}
	}
	if (err) {
		fprintf(stderr, "%s: stopped after an error\n", PROG);
		return 1;
	}
	if (sel.json)
		print_json(&sel, &o, res, failed);
	else
		print_text(&sel, &o, res);
	free(res);
	return failed ? 1 : 0;
}
