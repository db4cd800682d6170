// SPDX-License-Identifier: GPL-2.0
/*
 * The "floor" for analyzer-speed.sh: the plainest libtracecmd programs
 * over the same trace. 'follow' counts kvm_exit per (ret, esr_ec) with
 * tracecmd_follow_event + tep_read_number_field (what a first version of an
 * analyzer would do); 'iterate' visits every record with
 * tracecmd_iterate_events and does nothing else.
 */
#include <stdio.h>
#include <string.h>

#include <trace-cmd.h>
#include <event-parse.h>

static struct tep_format_field *ret_field, *ec_field;
static unsigned long long counts[4][64], records;

static int on_exit_event(struct tracecmd_input *h, struct tep_event *e,
			 struct tep_record *r, int cpu, void *d)
{
	unsigned long long ret = 0, ec = 0;

	(void)h; (void)e; (void)cpu; (void)d;
	tep_read_number_field(ret_field, r->data, &ret);
	tep_read_number_field(ec_field, r->data, &ec);
	counts[ret & 3][ec & 63]++;
	return 0;
}

static int on_record(struct tracecmd_input *h, struct tep_record *r, int cpu,
		     void *d)
{
	(void)h; (void)r; (void)cpu; (void)d;
	records++;
	return 0;
}

int main(int argc, char **argv)
{
	struct tracecmd_input *h;
	struct tep_event *ev;
	unsigned long long n = 0;
	int i, j;

	if (argc != 3 || (strcmp(argv[1], "follow") && strcmp(argv[1], "iterate"))) {
		fprintf(stderr, "usage: iterate-floor follow|iterate TRACE\n");
		return 2;
	}
	h = tracecmd_open(argv[2], TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!h) {
		fprintf(stderr, "iterate-floor: %s: cannot open\n", argv[2]);
		return 1;
	}
	if (!strcmp(argv[1], "iterate")) {
		tracecmd_iterate_events(h, NULL, 0, on_record, NULL);
		printf("%llu records\n", records);
	} else {
		ev = tep_find_event_by_name(tracecmd_get_tep(h), "kvm", "kvm_exit");
		if (!ev)
			return 1;
		ret_field = tep_find_field(ev, "ret");
		ec_field = tep_find_field(ev, "esr_ec");
		tracecmd_follow_event(h, "kvm", "kvm_exit", on_exit_event, NULL);
		tracecmd_iterate_events(h, NULL, 0, NULL, NULL);
		for (i = 0; i < 4; i++)
			for (j = 0; j < 64; j++)
				n += counts[i][j];
		printf("%llu exits\n", n);
	}
	tracecmd_close(h);
	return 0;
}
