// SPDX-License-Identifier: GPL-2.0
/*
 * The page strategies: whole ring-buffer pages walked by our own walker
 * (page.c), the CPUs merged by timestamp here. Measured on the 32-bit boot
 * fixture this is 3-4x faster than tracecmd_read_data() per record, which
 * allocates a tep_record each time (benchmarks/analyzer-speed.sh). Pages
 * come from one of two sources:
 *
 * ES_READ_TCPAGE: libtracecmd hands out each page (tracecmd_set_cursor,
 * tracecmd_read_data, tracecmd_record_page). Uncompressed files are
 * mmapped by it; for compressed (v7) ones it decompresses, keeping every
 * chunk (see REOPEN_BYTES).
 *
 * ES_READ_ZPAGE: zstd-compressed v7 files are read without libtracecmd:
 * the layout and options (v7.c) and the header sections (v7-headers.c,
 * called by reader.c) by us, the CPU data decompressed by us (zstream.c,
 * with helper threads, started before the headers are parsed so that they
 * decompress meanwhile). Timestamps get the file's DATE/OFFSET shift, as
 * libtracecmd gives them. That both readers give the same records is
 * checked by the tests (tests/exitstat/v7-open.sh: every CPU's first and
 * last record, every subcommand's output), not at run time: there is no
 * libtracecmd handle to ask.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reader.h"

struct cursor {
	int cpu;
	bool done;
	/* ES_READ_TCPAGE */
	struct tep_record *rec;		/* holds the page's reference */
	unsigned long long page_off, start_off, end_off;
	/* both */
	struct es_page_iter it;
	long long adjust;		/* the ts libtracecmd gives minus raw ts */
	long long missed;		/* marker due before the next event */
	uint64_t ts;
	const uint8_t *data;
	uint32_t len;
};

/*
 * libtracecmd 3.1.6 keeps every decompressed chunk of a v7 (compressed)
 * file for the life of the handle (free_zpage() tests an impossible
 * condition) and searches that list linearly for each page: memory grows
 * with the trace and time with its square. Reopening the file every
 * rd->reopen_bytes of pages bounds both; the cursors move to the same pages
 * in the new handle.
 */

static int zcursor_next_page(struct reader *rd, struct cursor *c);

/* ------------------------------------------------------------------ */
/* ES_READ_ZPAGE */

static int zcorrupt(struct reader *rd, struct cursor *c)
{
	uint32_t page = 0, chunk = 0, chunks = 0;
	uint64_t off = 0;

	es_zstream_where(rd->zs, c->cpu, &page, &chunk, &chunks, &off);
	snprintf(rd->err->msg, sizeof(rd->err->msg),
		 "CPU %d: corrupt ring-buffer page %u of compressed chunk %u of %u at file offset %llu: %s",
		 c->cpu, page, chunk, chunks, (unsigned long long)off, strerror(EBADMSG));
	return -EBADMSG;
}

/* The current page is used up: on to the next page with an event. */
static int zcursor_next_page(struct reader *rd, struct cursor *c)
{
	const uint8_t *page;
	int ret;

	for (;;) {
		ret = es_zstream_page(rd->zs, c->cpu, &page, rd->err);
		if (ret < 0)
			return ret;
		if (ret == 0) {
			c->done = true;
			return 0;
		}
		if (es_page_begin(&c->it, page, (size_t)rd->page_size, rd->long_size,
				  rd->l->swap))
			return zcorrupt(rd, c);
		c->missed = c->it.missed;
		ret = es_page_next(&c->it, &c->ts, &c->data, &c->len);
		if (ret < 0)
			return zcorrupt(rd, c);
		if (ret > 0)
			break;
	}
	c->adjust = rd->v7.ts_offset;
	c->ts += (uint64_t)c->adjust;
	return 0;
}

int es_zpage_open(struct reader *rd, struct es_error *err)
{
	const char *why = NULL;
	int ret;

	if (rd->file_version != 7) {
		snprintf(err->msg, sizeof(err->msg), "not a version 7 file: %s",
			 strerror(EOPNOTSUPP));
		return -EOPNOTSUPP;
	}
	rd->zfd = open(rd->path, O_RDONLY | O_CLOEXEC);
	if (rd->zfd < 0) {
		ret = -errno;
		snprintf(err->msg, sizeof(err->msg), "%s", strerror(errno));
		return ret;
	}
	ret = es_v7_read(rd->zfd, (uint64_t)rd->file_size, 4096, &rd->v7, err);
	if (ret && ret != -EOPNOTSUPP)
		es_headers_fail(err);
	else if (ret)
		why = NULL;
	else if (strcmp(rd->v7.compression, "zstd") || !rd->v7.data_compressed)
		why = "the CPU data is not compressed with zstd";
	else if (rd->v7.ts_transform)
		why = "timestamps are corrected per event (TIME_SHIFT or TSC2NSEC option)";
	else if (rd->v7.long_size != 4 && rd->v7.long_size != 8)
		why = "the file header's long size is neither 4 nor 8";
	else if (rd->v7.buffer_page_size != rd->v7.page_size)
		why = "the page sizes of the header and the BUFFER option differ";
	else if (!rd->v7.cpucount || rd->v7.cpucount > 4096)
		why = "no plausible CPUCOUNT option";
	else if ((uint32_t)rd->v7.ncpus > rd->v7.cpucount)
		why = "the BUFFER option has more CPUs than the CPUCOUNT option";
	if (why) {
		snprintf(err->msg, sizeof(err->msg), "%s: %s", why, strerror(EOPNOTSUPP));
		ret = -EOPNOTSUPP;
	}
	if (!ret)
		ret = es_zstream_new(&rd->zs, rd->zfd, (uint64_t)rd->file_size, &rd->v7,
				     rd->zworkers, err);
	if (ret)
		es_zpage_close(rd);
	return ret;
}

void es_zpage_close(struct reader *rd)
{
	es_zstream_free(rd->zs);
	rd->zs = NULL;
	es_v7_release(&rd->v7);
	if (rd->zfd >= 0)
		close(rd->zfd);
	rd->zfd = -1;
}

/* ------------------------------------------------------------------ */
/* ES_READ_TCPAGE */

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
			return es_reader_fail(rd->err, -EBADMSG,
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
		return es_reader_fail(rd->err, -EBADMSG, "cannot read a CPU data page%s", "");
	c->page_off = c->rec->offset & ~(unsigned long long)(rd->page_size - 1);
	rd->loaded += (uint64_t)rd->page_size;

	ret = es_page_begin(&c->it, page, (size_t)rd->page_size, rd->long_size,
			    rd->l->swap);
	if (ret)
		return es_reader_fail(rd->err, -EBADMSG, "corrupt ring-buffer page%s", "");

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
		return es_reader_fail(rd->err, -EBADMSG, "corrupt ring-buffer page%s", "");
	if (ret == 0)
		return es_reader_fail(rd->err, -EPROTO,
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
	if (ret < 0 && rd->zs)
		return zcorrupt(rd, c);
	if (ret < 0)
		return es_reader_fail(rd->err, -EBADMSG, "corrupt ring-buffer page%s", "");
	if (rd->zs)
		return zcursor_next_page(rd, c);
	return cursor_load(rd, c, false);
}

/* A fresh handle, each live cursor moved onto the same page in it. */
static int reopen(struct reader *rd, struct cursor *cs)
{
	struct tracecmd_input *h = tracecmd_open(rd->path, TRACECMD_FL_LOAD_NO_PLUGINS);
	struct tep_record **recs;
	int i, ret = 0;

	if (!h)
		return es_reader_fail(rd->err, -EIO, "cannot reopen the trace%s", "");
	recs = calloc((size_t)rd->cpus, sizeof(*recs));
	if (!recs) {
		tracecmd_close(h);
		return es_reader_fail(rd->err, -ENOMEM, "out of memory%s", "");
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
			ret = es_reader_fail(rd->err, -EIO, "reopened trace differs%s", "");
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
	rd->tep = tracecmd_get_tep(h);
	rd->loaded = 0;
	rd->reopens++;
	return 0;
}

int es_read_pages(struct reader *rd)
{
	struct cursor *cs = calloc((size_t)rd->cpus, sizeof(*cs));
	int i, ret = 0;

	if (!cs)
		return es_reader_fail(rd->err, -ENOMEM, "out of memory%s", "");
	for (i = 0; i < rd->cpus; i++)
		cs[i].cpu = i;
	for (i = 0; i < rd->cpus && !ret; i++)
		ret = rd->zs ? zcursor_next_page(rd, &cs[i]) : cursor_load(rd, &cs[i], true);
	if (ret)
		goto out;
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
	es_zstream_free(rd->zs);	/* stops the threads before cs goes */
	rd->zs = NULL;
	for (i = 0; i < rd->cpus; i++) {
		if (cs[i].rec)
			tracecmd_free_record(cs[i].rec);
	}
	free(cs);
	return ret;
nomem:
	ret = es_reader_fail(rd->err, ret, "out of memory%s", "");
	goto out;
}

