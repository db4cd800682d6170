// SPDX-License-Identifier: GPL-2.0
/*
 * v7-open-check TRACE: exitstat's own opening of a zstd-compressed trace.dat
 * version 7 file against libtracecmd's opening of the same file.
 *
 * exitstat's default reader opens such files without libtracecmd (v7.c,
 * v7-headers.c, zstream.c); until then it fetched libtracecmd's first and
 * last record of each CPU at run time and failed unless its own walk found
 * the same. That check lives here now, and more:
 *   - what the two teps say: CPU count, long size, header page size, byte
 *     order, number of events; every event by id: system, name, flags,
 *     every common and own field (type, name, offset, size, array length,
 *     element size, flags), the print format; the command of every pid
 *     0..65535 (but for ftrace:blktrace, which libtracecmd makes up for its
 *     blktrace plugin when the file has no such format);
 *   - libtracecmd's page size and CPU statistics text against ours;
 *   - per CPU: the number of records, the first and the last (timestamp as
 *     libtracecmd gives it, including DATE/OFFSET shifts, size and bytes),
 *     our zstream + page walker against tracecmd_read_data.
 * Prints one line per difference (at most 20) and a summary; exit 0 same,
 * 1 different, 2 cannot run (usage, or a file either side cannot open).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event-parse.h>
#include <trace-cmd.h>

#include "exitstat.h"

int tracecmd_page_size(struct tracecmd_input *handle) __attribute__((weak));
const char *tracecmd_get_cpustats(struct tracecmd_input *handle) __attribute__((weak));
struct tep_record *tracecmd_read_cpu_last(struct tracecmd_input *handle, int cpu)
	__attribute__((weak));

static int diffs;

static void differ(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void differ(const char *fmt, ...)
{
	va_list ap;

	if (++diffs > 20)
		return;
	va_start(ap, fmt);
	printf("differs: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
}

#define SAME_INT(what, a, b) do { \
	long long a_ = (long long)(a), b_ = (long long)(b); \
	if (a_ != b_) \
		differ("%s: ours %lld, libtracecmd %lld", what, a_, b_); \
} while (0)

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void fields(const char *event, const char *kind, const struct tep_format_field *a,
		   const struct tep_format_field *b)
{
	for (; a && b; a = a->next, b = b->next)
		if (!same_str(a->type, b->type) || !same_str(a->name, b->name) ||
		    a->offset != b->offset || a->size != b->size || a->arraylen != b->arraylen ||
		    a->elementsize != b->elementsize || a->flags != b->flags)
			differ("%s: %s field %s", event, kind, b->name);
	if (a || b)
		differ("%s: number of %s fields", event, kind);
}

/* The teps: sizes, order, and every event field by field. */
static void compare_teps(struct tep_handle *own, struct tep_handle *lib)
{
	int i, n = tep_get_events_count(lib);

	SAME_INT("CPU count", tep_get_cpus(own), tep_get_cpus(lib));
	SAME_INT("long size", tep_get_long_size(own), tep_get_long_size(lib));
	SAME_INT("header page size", tep_get_header_page_size(own), tep_get_header_page_size(lib));
	SAME_INT("header timestamp size", tep_get_header_timestamp_size(own),
		 tep_get_header_timestamp_size(lib));
	SAME_INT("file big endian", tep_is_file_bigendian(own), tep_is_file_bigendian(lib));
	SAME_INT("old format", tep_is_old_format(own), tep_is_old_format(lib));
	/* libtracecmd makes up ftrace:blktrace for its blktrace plugin when
	 * the file lacks it (tracecmd_blk_hack): not a format of the file */
	SAME_INT("events", tep_get_events_count(own) +
		 !!(tep_find_event_by_name(lib, "ftrace", "blktrace") &&
		    !tep_find_event_by_name(own, "ftrace", "blktrace")), n);
	for (i = 0; i < n; i++) {
		struct tep_event *b = tep_get_event(lib, i), *a = tep_find_event(own, b->id);

		if (!a && !strcmp(b->system, "ftrace") && !strcmp(b->name, "blktrace"))
			continue;
		if (!a) {
			differ("event %s:%s (id %d) missing", b->system, b->name, b->id);
			continue;
		}
		if (!same_str(a->system, b->system) || !same_str(a->name, b->name) ||
		    a->flags != b->flags || !same_str(a->print_fmt.format, b->print_fmt.format))
			differ("event id %d: %s:%s", b->id, b->system, b->name);
		fields(b->name, "common", a->format.common_fields, b->format.common_fields);
		fields(b->name, "own", a->format.fields, b->format.fields);
	}
	for (i = 0; i < 65536; i++) {
		bool ra = tep_is_pid_registered(own, i), rb = tep_is_pid_registered(lib, i);

		if (ra != rb || (ra && strcmp(tep_data_comm_from_pid(own, i),
					      tep_data_comm_from_pid(lib, i))))
			differ("command of pid %d", i);
	}
}

struct rec {
	bool has;
	uint64_t ts;
	uint32_t len;
	uint8_t data[4096];
};

static void take(struct rec *r, uint64_t ts, const void *data, uint32_t len)
{
	r->has = true;
	r->ts = ts;
	r->len = len < sizeof(r->data) ? len : sizeof(r->data);
	memcpy(r->data, data, r->len);
}

static void same_rec(int cpu, const char *which, const struct rec *a, const struct rec *b)
{
	if (a->has != b->has)
		differ("CPU %d %s record: ours %s, libtracecmd %s", cpu, which,
		       a->has ? "present" : "none", b->has ? "present" : "none");
	else if (a->has && (a->ts != b->ts || a->len != b->len || memcmp(a->data, b->data, a->len)))
		differ("CPU %d %s record: ours ts %llu, %u bytes; libtracecmd ts %llu, %u bytes%s",
		       cpu, which, (unsigned long long)a->ts, a->len, (unsigned long long)b->ts,
		       b->len, a->ts == b->ts && a->len == b->len ? " (other bytes)" : "");
}

/* Every record of each CPU: how many, the first and the last. */
static int compare_records(struct es_zstream *zs, const struct es_v7 *v, int long_size,
			   bool swap, struct tracecmd_input *h, int cpus, uint64_t *total)
{
	static struct rec first[2], last[2];
	int cpu;

	for (cpu = 0; cpu < cpus; cpu++) {
		struct es_error err;
		const uint8_t *page, *data;
		struct es_page_iter it;
		struct tep_record *r;
		uint64_t n[2] = { 0, 0 }, ts;
		uint32_t len;
		int ret = 0;

		memset(first, 0, sizeof(first));
		memset(last, 0, sizeof(last));
		while (cpu < v->ncpus && (ret = es_zstream_page(zs, cpu, &page, &err)) > 0) {
			if (es_page_begin(&it, page, v->page_size, long_size, swap))
				return fprintf(stderr, "CPU %d: corrupt page\n", cpu), -1;
			while ((ret = es_page_next(&it, &ts, &data, &len)) > 0) {
				if (!n[0]++)
					take(&first[0], ts + (uint64_t)v->ts_offset, data, len);
				take(&last[0], ts + (uint64_t)v->ts_offset, data, len);
			}
			if (ret < 0)
				return fprintf(stderr, "CPU %d: corrupt page\n", cpu), -1;
		}
		if (cpu < v->ncpus && ret < 0)
			return fprintf(stderr, "%s\n", err.msg), -1;
		for (r = tracecmd_read_cpu_first(h, cpu); r; r = tracecmd_read_data(h, cpu)) {
			if (!n[1]++)
				take(&first[1], r->ts, r->data, (uint32_t)r->size);
			take(&last[1], r->ts, r->data, (uint32_t)r->size);
			tracecmd_free_record(r);
		}
		SAME_INT("records of a CPU", n[0], n[1]);
		same_rec(cpu, "first", &first[0], &first[1]);
		same_rec(cpu, "last", &last[0], &last[1]);
		/* and libtracecmd's own way to the last one */
		if (tracecmd_read_cpu_last && first[1].has) {
			r = tracecmd_read_cpu_last(h, cpu);
			if (r) {
				take(&first[1], r->ts, r->data, (uint32_t)r->size);
				tracecmd_free_record(r);
			}
			same_rec(cpu, "last (tracecmd_read_cpu_last)", &last[0], &first[1]);
		}
		*total += n[0];
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct tracecmd_input *h;
	struct tep_handle *own;
	struct es_zstream *zs;
	struct es_error err;
	struct es_v7 v;
	struct stat st;
	uint64_t records = 0;
	int fd, long_size;

	if (argc != 2) {
		fprintf(stderr, "usage: v7-open-check TRACE\n");
		return 2;
	}
	tep_set_loglevel(TEP_LOG_NONE);
	tracecmd_set_loglevel(TEP_LOG_NONE);
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		return perror(argv[1]), 2;
	if (es_v7_read(fd, (uint64_t)st.st_size, 4096, &v, &err) ||
	    es_v7_tep(fd, (uint64_t)st.st_size, &v, &own, &err) ||
	    es_zstream_new(&zs, fd, (uint64_t)st.st_size, &v, 0, &err))
		return fprintf(stderr, "%s: ours: %s\n", argv[1], err.msg), 2;
	h = tracecmd_open(argv[1], TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!h)
		return fprintf(stderr, "%s: libtracecmd cannot open it\n", argv[1]), 2;
	compare_teps(own, tracecmd_get_tep(h));
	if (tracecmd_page_size)
		SAME_INT("page size", v.page_size, tracecmd_page_size(h));
	if (tracecmd_get_cpustats && !same_str(v.cpustats, tracecmd_get_cpustats(h)))
		differ("CPU statistics text");
	long_size = tep_get_header_page_size(own);
	if (long_size != 4 && long_size != 8)
		long_size = v.long_size;
	if (compare_records(zs, &v, long_size, tep_is_file_bigendian(own) != tep_is_local_bigendian(own),
			    h, tep_get_cpus(own), &records))
		return 2;
	printf("%d events, %d CPUs, %llu records, timestamps shifted %lld ns: %d differences\n",
	       tep_get_events_count(own), tep_get_cpus(own), (unsigned long long)records,
	       v.ts_offset, diffs);
	es_zstream_free(zs);
	es_v7_release(&v);
	tep_free(own);
	tracecmd_close(h);
	close(fd);
	return diffs ? 1 : 0;
}
