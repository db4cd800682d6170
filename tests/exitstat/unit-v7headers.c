// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of exitstat's own reading of a trace.dat version 7 file's
 * header sections (v7-headers.c) and options (v7.c), and of es_analyze
 * opening such a file without libtracecmd: what goes to the sink and into
 * the tep, plain and compressed sections, KALLSYMS and PRINTK never read,
 * each kind of corrupt or truncated section refused with -EBADMSG and its
 * name, DATE/OFFSET/CPUSTAT/CPUCOUNT; and the same results as libtracecmd's
 * opening (--reader tcpage) of the same made-up file (unit-v7file.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event-parse.h>

#include "unit.h"

/* Opens a made-up file: 0 and v, or what es_v7_read said. */
static int open_v7(const struct v7_spec *spec, struct buf *o, int *fd, struct es_v7 *v,
		   struct es_error *err)
{
	*o = make_v7(spec);
	*fd = v7_fd(o);
	return es_v7_read(*fd, o->len, 64, v, err);
}

static void close_v7(struct buf *o, int fd, struct es_v7 *v)
{
	es_v7_release(v);
	close(fd);
	free(o->b);
}

struct counts {
	int header_page, header_event, formats, ftrace, cmdlines, fail_at;
	bool page_ok, event_ok, cmdlines_ok;
};

static int c_page(void *ctx, char *text, size_t len)
{
	struct counts *c = ctx;

	c->header_page++;
	c->page_ok = len == strlen(kvm_header_page_arm64) && !memcmp(text, kvm_header_page_arm64, len);
	return 0;
}

static int c_event(void *ctx, char *text, size_t len)
{
	struct counts *c = ctx;

	c->header_event++;
	c->event_ok = len == strlen(kvm_header_event_arm64) &&
		      !memcmp(text, kvm_header_event_arm64, len);
	return 0;
}

static int c_format(void *ctx, const char *system, char *text, size_t len)
{
	struct counts *c = ctx;

	(void)text;
	(void)len;
	c->formats++;
	c->ftrace += !strcmp(system, "ftrace");
	return c->formats == c->fail_at ? -EIO : 0;
}

static int c_cmdlines(void *ctx, char *text, size_t len)
{
	struct counts *c = ctx;

	c->cmdlines++;
	c->cmdlines_ok = !strcmp(text, "100 vcpu-thread\n200 other\n") && len == strlen(text);
	return 0;
}

static const struct es_v7_sink counting = { c_page, c_event, c_format, c_cmdlines };

/* The tep from our reading has what make_tep's has, for the engine. */
static void check_tep(struct tep_handle *tep)
{
	struct tep_handle *ref = make_tep(false, false);
	struct es_layout l, rl;
	struct es_error err;

	CHECK_EQ(tep_get_cpus(tep), 3);
	CHECK_EQ(tep_get_header_page_size(tep), 8);
	CHECK_EQ(tep_get_long_size(tep), 8);
	CHECK(!tep_is_file_bigendian(tep));
	CHECK(tep_find_event_by_name(tep, "ftrace", "kvm_arm_setup_debug") != NULL);
	CHECK(tep_find_event_by_name(tep, "kvm", "kvm_arm_setup_debug") == NULL);
	CHECK(!strcmp(tep_data_comm_from_pid(tep, 100), "vcpu-thread"));
	CHECK(!strcmp(tep_data_comm_from_pid(tep, 200), "other"));
	CHECK_EQ(es_layout_init(&l, tep, &err), 0);
	CHECK_EQ(es_layout_init(&rl, ref, &err), 0);
	CHECK(!memcmp(l.ev, rl.ev, sizeof(l.ev)));
	CHECK(!memcmp(&l.common_type, &rl.common_type, sizeof(l.common_type)));
	CHECK(l.max_id == rl.max_id && !memcmp(l.kind_by_id, rl.kind_by_id, l.max_id + 1));
	es_layout_release(&l);
	es_layout_release(&rl);
	tep_free(ref);
}

void test_v7_headers(void)
{
	struct v7_spec spec = { .chunks = 2, .headers = true };
	struct tep_handle *tep;
	struct es_error err;
	struct es_v7 v;
	struct buf o;
	int fd, z, i;

	for (z = 0; z < 2; z++) {
		struct counts c = { 0 };

		spec.compress_headers = z;
		CHECK_EQ(open_v7(&spec, &o, &fd, &v, &err), 0);
		for (i = 0; i < ES_V7_NSECTIONS; i++)
			CHECK(v.section[i] != 0);
		CHECK_EQ(es_v7_headers(fd, o.len, &v, &counting, &c, &err), 0);
		CHECK(c.header_page == 1 && c.page_ok && c.header_event == 1 && c.event_ok);
		CHECK_EQ(c.formats, 10);
		CHECK_EQ(c.ftrace, 1);
		CHECK(c.cmdlines == 1 && c.cmdlines_ok);
		/* a sink's error ends the reading */
		c = (struct counts){ .fail_at = 3 };
		CHECK_EQ(es_v7_headers(fd, o.len, &v, &counting, &c, &err), -EIO);
		CHECK(c.formats == 3 && c.cmdlines == 0);
		/* and none is needed */
		CHECK_EQ(es_v7_headers(fd, o.len, &v, &(struct es_v7_sink){ 0 }, NULL, &err), 0);
		CHECK_EQ(es_v7_tep(fd, o.len, &v, &tep, &err), 0);
		check_tep(tep);
		tep_free(tep);
		close_v7(&o, fd, &v);
	}
	/* KALLSYMS and PRINTK are never read */
	spec.flaw = V7_UNREAD_BAD;
	CHECK_EQ(open_v7(&spec, &o, &fd, &v, &err), 0);
	CHECK_EQ(es_v7_tep(fd, o.len, &v, &tep, &err), 0);
	tep_free(tep);
	close_v7(&o, fd, &v);
}

void test_v7_headers_corrupt(void)
{
	static const struct {
		enum v7_flaw flaw;
		unsigned int section;
		int compressed;		/* 0 plain, 1 compressed, 2 both */
		const char *says;
	} cases[] = {
		{ V7_HDR_MAGIC, ES_V7_HEADER_INFO, 2, "no \"header_page\"" },
		{ V7_HDR_SIZE, ES_V7_HEADER_INFO, 2, "header_page: 1048576 bytes, " },
		{ V7_FMT_COUNT, ES_V7_EVENT_FORMATS, 2, "format 10 of 10 of system 'kvm': 8 bytes, 0 left" },
		{ V7_FMT_SIZE, ES_V7_EVENT_FORMATS, 2, "format 2 of 9 of system 'kvm': 1099511627776 bytes" },
		{ V7_SYSTEM_NAME, ES_V7_EVENT_FORMATS, 2, "system 1 of 1: its name runs past the end" },
		{ V7_CMDLINES_SIZE, ES_V7_CMDLINES, 2, "saved command lines: 1000 bytes, 26 left" },
		{ V7_SECTION_ID, ES_V7_EVENT_FORMATS, 2, "the header says section 19" },
		{ V7_SECTION_ID, ES_V7_HEADER_INFO, 2, "the header says section 17" },
		{ V7_SECTION_ID, ES_V7_CMDLINES, 2, "the header says section 22" },
		{ V7_SECTION_SIZE, ES_V7_FTRACE_EVENTS, 0, "bytes run past the end of the file" },
		{ V7_SECTION_PAST, ES_V7_CMDLINES, 2, "past the end of the file" },
		{ V7_SECTION_ZSTD, ES_V7_EVENT_FORMATS, 1, "zstd: " },
		{ V7_SECTION_USIZE, ES_V7_HEADER_INFO, 1, "decompresses to fewer bytes" },
	};
	static const char *const names[] = { "HEADER_INFO", "FTRACE_EVENTS", "EVENT_FORMATS",
					     "KALLSYMS", "PRINTK", "CMDLINES" };
	struct tep_handle *tep;
	struct es_error err;
	struct es_v7 v;
	struct buf o;
	size_t i;
	int fd, z, before;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (z = 0; z < 2; z++) {
			struct v7_spec spec = { .chunks = 1, .headers = true, .flaw = cases[i].flaw,
						.flaw_section = cases[i].section,
						.compress_headers = z };

			if (cases[i].compressed != 2 && cases[i].compressed != z)
				continue;
			before = unit_failures();
			CHECK_EQ(open_v7(&spec, &o, &fd, &v, &err), 0);
			err.msg[0] = 0;
			tep = (struct tep_handle *)1;
			CHECK_EQ(es_v7_tep(fd, o.len, &v, &tep, &err), -EBADMSG);
			CHECK(tep == NULL);
			CHECK(strstr(err.msg, names[cases[i].section - ES_V7_HEADER_INFO]) == err.msg);
			CHECK(strstr(err.msg, cases[i].says) != NULL);
			CHECK(strstr(err.msg, ": Bad message") != NULL);
			if (unit_failures() > before)
				printf("    case %zu%s: %s\n", i, z ? " (compressed)" : "", err.msg);
			close_v7(&o, fd, &v);
		}
	}
}

/* The file cut anywhere before its last header section ends: -EBADMSG
 * naming a section (es_v7_read saw the whole file: the options are last). */
void test_v7_headers_truncated(void)
{
	struct v7_spec spec = { .chunks = 1, .headers = true };
	struct tep_handle *tep;
	struct es_error err;
	struct es_v7 v;
	struct buf o;
	size_t cut, end;
	int fd, cut_fd, z, bad = 0;

	for (z = 0; z < 2; z++) {
		spec.compress_headers = z;
		CHECK_EQ(open_v7(&spec, &o, &fd, &v, &err), 0);
		end = v.buffer_offset;		/* the flyrecord section follows them */
		for (cut = 0; cut < end; cut += cut < v.section[0] + 64 ? 1 : 7) {
			cut_fd = v7_fd(&(struct buf){ .b = o.b, .len = cut });
			if (es_v7_tep(cut_fd, cut, &v, &tep, &err) != -EBADMSG ||
			    !strstr(err.msg, " section at ") || !strstr(err.msg, "truncated"))
				bad++;
			close(cut_fd);
		}
		CHECK_EQ(bad, 0);
		close_v7(&o, fd, &v);
	}
}

void test_v7_options(void)
{
	struct v7_spec spec = { .chunks = 1, .headers = true, .date = "0x10", .offset = "-5000" };
	struct es_error err;
	struct es_v7 v;
	struct buf o;
	int fd;

	CHECK_EQ(open_v7(&spec, &o, &fd, &v, &err), 0);
	CHECK_EQ(v.ts_offset, 16 * 1000 - 5000);
	CHECK_EQ(v.cpucount, 3);
	CHECK(v.cpustats && !strcmp(v.cpustats, "CPU: 0\noverrun: 12\ncommit overrun: 0\n"
				    "CPU: 2\noverrun: 3\n"));
	close_v7(&o, fd, &v);

	spec.date = "9223372036854775807";	/* microseconds: too many nanoseconds */
	CHECK_EQ(open_v7(&spec, &o, &fd, &v, &err), -EBADMSG);
	CHECK(strstr(err.msg, "DATE option out of range") == err.msg);
	close_v7(&o, fd, &v);
	spec.date = NULL;
	spec.offset = "99999999999999999999";
	CHECK_EQ(open_v7(&spec, &o, &fd, &v, &err), -EBADMSG);
	CHECK(strstr(err.msg, "OFFSET option '99999999999999999999' out of range") == err.msg);
	close_v7(&o, fd, &v);
}

/* es_analyze on a made-up file with kvm records: our opening (zpage) and
 * libtracecmd's (tcpage) must give the same. */
static void analyze_both(const struct v7_spec *spec, const char *path)
{
	struct es_options opts = { .reader = ES_READ_PAGE };
	struct es_result *r[2] = { NULL, NULL };
	struct buf o = make_v7(spec);
	struct es_error err;
	FILE *f = fopen(path, "w");
	int i;

	CHECK(f && fwrite(o.b, 1, o.len, f) == o.len);
	fclose(f);
	CHECK_EQ(es_analyze(path, &opts, &r[0], &err), 0);
	opts.reader = ES_READ_TCPAGE;
	CHECK_EQ(es_analyze(path, &opts, &r[1], &err), 0);
	if (r[0] && r[1]) {
		CHECK(!strcmp(r[0]->reader, "zpage") && !strcmp(r[1]->reader, "tcpage"));
		CHECK_EQ(r[0]->exits_total, 28);	/* 4 a page, 7 pages */
		CHECK_EQ(r[0]->cpus, 3);
		for (i = 0; i < 2; i++) {
			CHECK_EQ(r[i]->events_total, r[0]->events_total);
			CHECK_EQ(r[i]->exits_total, r[0]->exits_total);
			CHECK_EQ(r[i]->class_exits[0x24], r[0]->exits_total);
			CHECK_EQ(r[i]->paired, r[0]->paired);
			CHECK_EQ(r[i]->first_ts, r[0]->first_ts);
			CHECK_EQ(r[i]->last_ts, r[0]->last_ts);
			CHECK_EQ(r[i]->nvcpus, 2);
			CHECK_EQ(r[i]->loss[0].overrun, 12);
			CHECK_EQ(r[i]->loss[2].overrun, 3);
			CHECK_EQ(r[i]->loss_overrun, 15);
		}
		/* the first page's timestamp, shifted */
		CHECK_EQ(r[0]->first_ts, 1000000 + 1000 + (spec->date ? 16000 : 0) - 5);
	}
	es_result_free(r[0]);
	es_result_free(r[1]);
	free(o.b);
	unlink(path);
}

void test_v7_analyze(void)
{
	char dir[] = "/tmp/exitstat-unit-XXXXXX", path[256];
	struct v7_spec spec = { .chunks = 3, .headers = true, .records = true, .offset = "-5" };
	struct es_options opts = { .reader = ES_READ_PAGE };
	struct es_result *r = NULL;
	struct es_error err;
	struct buf o;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/v7.dat", dir);
	analyze_both(&spec, path);
	spec.compress_headers = true;
	spec.date = "0x10";
	analyze_both(&spec, path);

	/* a spoilt section: one message naming it */
	spec.flaw = V7_FMT_SIZE;
	o = make_v7(&spec);
	f = fopen(path, "w");
	CHECK(f && fwrite(o.b, 1, o.len, f) == o.len);
	fclose(f);
	CHECK_EQ(es_analyze(path, &opts, &r, &err), -EBADMSG);
	CHECK(r == NULL);
	CHECK(strstr(err.msg, "cannot read the trace.dat headers: EVENT_FORMATS section at ") == err.msg);
	free(o.b);
	unlink(path);
	rmdir(dir);
}
