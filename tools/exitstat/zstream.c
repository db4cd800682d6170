// SPDX-License-Identifier: GPL-2.0
/*
 * The zstd-compressed CPU data of a trace.dat version 7 file, decompressed
 * by us with libzstd and handed out page by page, per CPU, in file order.
 *
 * Format: trace-cmd.dat.v7(5), "COMPRESSION FORMAT OF THE TRACE DATA": at
 * each CPU's offset (BUFFER option, v7.c) a u32 chunk count, then per chunk
 * a u32 compressed size, a u32 uncompressed size ("aligned with the trace
 * page size") and the compressed bytes, here one zstd frame. libtracecmd
 * 3.1.6 reads the same (tracecmd_load_chunks_info in
 * lib/trace-cmd/trace-compress.c, init_cpu_zpage in trace-input.c) but keeps
 * every chunk it decompressed and searches that list for each page: memory
 * grows with the trace and time with its square.
 *
 * Memory is bounded: each CPU has `depth` chunk buffers (2..ZS_MAX_DEPTH,
 * chosen so that all CPUs together hold about ZS_BUDGET, 6 MiB: 150 chunks
 * of 10 pages as trace-cmd writes them, about 20 ms of decompression for
 * the helpers to work ahead, e.g. while the headers are parsed),
 * reused in a ring;
 * each thread has one buffer for compressed bytes; chunk headers are read
 * as the stream advances (no table). Nothing grows with the trace.
 *
 * Threads: the walker (the caller of es_zstream_page) takes each CPU's
 * chunks in order. `workers` threads decompress ahead of it, each picking
 * the CPU with the fewest chunks ready; when the chunk the walker needs is
 * not claimed yet, the walker decompresses it itself rather than wait (on a
 * busy 2-core machine a worker is not always running), and while a worker
 * still holds the chunk it needs, it decompresses chunks further ahead
 * instead of sleeping. Chunks are independent zstd frames, so any thread
 * may decompress any chunk.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zstd.h>

#include "exitstat.h"

#define ZS_MAX_DEPTH 64
#define ZS_MAX_WORKERS 4
#define ZS_BUDGET (6u << 20)		/* chunk buffers of all CPUs, about */
#define ZS_MAX_CHUNK (4u << 20)		/* trace-cmd writes 10 pages */

enum { SLOT_FREE, SLOT_BUSY, SLOT_READY };

struct zs_slot {
	uint8_t *buf;
	size_t cap;
	uint64_t off;		/* file offset of the chunk header */
	uint32_t index, csize, usize;
	int state;
	int err;		/* -errno, with why, once READY */
	char why[120];
};

struct zs_cpu {
	uint64_t pos, end;	/* next chunk header; end of the CPU's data */
	uint32_t count;		/* chunks to read (fewer after a bad header) */
	uint32_t total;		/* chunks, as the file says */
	uint32_t claimed;	/* chunks given to a thread to decompress */
	uint32_t taken;		/* chunks the walker is done with */
	uint32_t depth;
	struct zs_slot *slot;		/* [depth] */
	struct zs_slot *cur;	/* the walker's chunk */
	uint32_t page;		/* next page of cur */
};

struct zs_thread {
	struct es_zstream *zs;
	pthread_t tid;
	ZSTD_DCtx *dctx;
	uint8_t *in;
	size_t in_cap;
};

struct es_zstream {
	int fd;
	uint64_t file_size;
	uint32_t page_size;
	const struct es_v7 *v;
	int ncpus;
	struct zs_cpu *cpu;
	pthread_mutex_t lock;
	pthread_cond_t ready, space;
	bool stop;
	uint64_t held;		/* bytes of chunks claimed and not released */
	uint64_t allocated;	/* bytes of chunk buffers */
	int nworkers;
	struct zs_thread th[ZS_MAX_WORKERS];
	struct zs_thread walker;
	uint64_t chunks, by_walker;
};

static void slot_fail(struct zs_slot *s, int err, const char *why)
{
	s->err = err;
	snprintf(s->why, sizeof(s->why), "%s", why);
}

/* Under the lock: the next chunk of c is given to the caller to decompress. */
static struct zs_slot *claim(struct es_zstream *zs, struct zs_cpu *c)
{
	struct zs_slot *s = &c->slot[c->claimed % c->depth];
	uint8_t h[8];
	int ret;

	s->index = c->claimed++;
	s->off = c->pos;
	s->state = SLOT_BUSY;
	s->err = 0;
	s->csize = s->usize = 0;
	ret = c->end - c->pos < 8 ? -EBADMSG :
	      es_pread_full(zs->fd, h, sizeof(h), c->pos, zs->file_size);
	if (!ret) {
		s->csize = (uint32_t)es_v7_get(zs->v, h, 4);
		s->usize = (uint32_t)es_v7_get(zs->v, h + 4, 4);
	}
	if (ret)
		slot_fail(s, ret, "chunk header beyond the CPU's data (truncated file?)");
	else if (!s->csize || s->csize > c->end - c->pos - 8)
		slot_fail(s, -EBADMSG, "compressed size runs past the CPU's data (truncated file?)");
	else if (s->csize > ZSTD_COMPRESSBOUND(ZS_MAX_CHUNK))
		slot_fail(s, -EBADMSG, "implausible compressed size");
	else if (!s->usize || s->usize % zs->page_size || s->usize > ZS_MAX_CHUNK)
		slot_fail(s, -EBADMSG, "implausible uncompressed size");
	if (s->err) {
		c->count = c->claimed;		/* nothing after a bad header */
	} else {
		c->pos += 8 + (uint64_t)s->csize;
		zs->held += s->usize;
		/* buffers are grown without the lock: count them here */
		if (s->cap < s->usize)
			zs->allocated += s->usize - s->cap;
	}
	return s;
}

static int grow(uint8_t **buf, size_t *cap, size_t need)
{
	uint8_t *p;

	if (*cap >= need)
		return 0;
	p = realloc(*buf, need);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = need;
	return 0;
}

/* Without the lock: reads and decompresses the claimed chunk s. */
static void decompress(struct es_zstream *zs, struct zs_thread *t, struct zs_slot *s)
{
	size_t n;
	int ret;

	if (s->err)
		return;
	if (grow(&t->in, &t->in_cap, s->csize) || grow(&s->buf, &s->cap, s->usize)) {
		slot_fail(s, -ENOMEM, "buffer");
		return;
	}
	ret = es_pread_full(zs->fd, t->in, s->csize, s->off + 8, zs->file_size);
	if (ret) {
		slot_fail(s, ret, "reading it");
		return;
	}
	n = ZSTD_decompressDCtx(t->dctx, s->buf, s->usize, t->in, s->csize);
	if (ZSTD_isError(n)) {
		char why[sizeof(s->why)];

		snprintf(why, sizeof(why), "zstd: %s", ZSTD_getErrorName(n));
		slot_fail(s, -EBADMSG, why);
	} else if (n != s->usize) {
		slot_fail(s, -EBADMSG, "decompresses to fewer bytes than its header says");
	}
}

/* Under the lock: the CPU a worker should decompress for next, or NULL. */
static struct zs_cpu *pick(struct es_zstream *zs)
{
	struct zs_cpu *best = NULL;
	uint32_t best_ahead = UINT32_MAX;
	int i;

	if (zs->held >= ZS_BUDGET)
		return NULL;
	for (i = 0; i < zs->ncpus; i++) {
		struct zs_cpu *c = &zs->cpu[i];
		uint32_t ahead = c->claimed - c->taken;

		if (c->claimed < c->count && ahead < c->depth && ahead < best_ahead) {
			best = c;
			best_ahead = ahead;
		}
	}
	return best;
}

/*
 * Under the lock, and with it again on return: claims c's next chunk, decompresses it
 * without the lock (as thread t) and marks it ready. The walker's own work is counted.
 */
static struct zs_slot *work(struct es_zstream *zs, struct zs_thread *t, struct zs_cpu *c)
{
	struct zs_slot *s = claim(zs, c);

	pthread_mutex_unlock(&zs->lock);
	decompress(zs, t, s);
	pthread_mutex_lock(&zs->lock);
	s->state = SLOT_READY;
	zs->chunks++;
	if (t == &zs->walker)
		zs->by_walker++;
	return s;
}

static void *worker(void *arg)
{
	struct zs_thread *t = arg;
	struct es_zstream *zs = t->zs;

	pthread_mutex_lock(&zs->lock);
	while (!zs->stop) {
		struct zs_cpu *c = pick(zs);

		if (!c) {
			pthread_cond_wait(&zs->space, &zs->lock);
			continue;
		}
		work(zs, t, c);
		pthread_cond_broadcast(&zs->ready);
	}
	pthread_mutex_unlock(&zs->lock);
	return NULL;
}

/* The walker moves c to its next chunk: 1, 0 at the end, or -errno. */
static int next_chunk(struct es_zstream *zs, int cpu, struct es_error *err)
{
	struct zs_cpu *c = &zs->cpu[cpu];
	struct zs_slot *s;

	pthread_mutex_lock(&zs->lock);
	if (c->cur) {
		struct zs_slot *done = c->cur;

		done->state = SLOT_FREE;
		zs->held -= done->usize;
		if (zs->allocated > 2 * (uint64_t)ZS_BUDGET) {
			/* chunks larger than the first ones: give memory back */
			zs->allocated -= done->cap;
			free(done->buf);
			done->buf = NULL;
			done->cap = 0;
		}
		c->cur = NULL;
		c->taken++;
		/* wake a helper when half a ring is free, not for every chunk */
		if (c->claimed - c->taken <= c->depth / 2)
			pthread_cond_signal(&zs->space);
	}
	if (c->taken >= c->count) {
		pthread_mutex_unlock(&zs->lock);
		return 0;
	}
	s = &c->slot[c->taken % c->depth];
	if (c->claimed == c->taken)
		s = work(zs, &zs->walker, c);
	while (s->state == SLOT_BUSY) {
		/* a helper has it: decompress further ahead meanwhile rather
		 * than sleep (a busy machine may not run the helper soon) */
		struct zs_cpu *o = pick(zs);

		if (!o) {
			pthread_cond_wait(&zs->ready, &zs->lock);
			continue;
		}
		work(zs, &zs->walker, o);
		pthread_cond_broadcast(&zs->ready);
	}
	pthread_mutex_unlock(&zs->lock);
	if (s->err) {
		snprintf(err->msg, sizeof(err->msg),
			 "CPU %d: compressed chunk %u of %u at file offset %llu: %s: %s",
			 cpu, s->index + 1, c->total, (unsigned long long)s->off,
			 s->why, strerror(-s->err));
		return s->err;
	}
	c->cur = s;
	c->page = 0;
	return 1;
}

int es_zstream_page(struct es_zstream *zs, int cpu, const uint8_t **page,
		    struct es_error *err)
{
	struct zs_cpu *c;
	int ret;

	if (cpu < 0 || cpu >= zs->ncpus)
		return 0;
	c = &zs->cpu[cpu];
	if (!c->cur || (uint64_t)(c->page + 1) * zs->page_size > c->cur->usize) {
		ret = next_chunk(zs, cpu, err);
		if (ret <= 0)
			return ret;
	}
	*page = c->cur->buf + (size_t)c->page++ * zs->page_size;
	return 1;
}

/* Each CPU's chunk count and first chunk's size (to size the ring). */
static int init_cpu(struct es_zstream *zs, int i, uint32_t *first_usize,
		    struct es_error *err)
{
	const struct es_v7_cpu *vc = &zs->v->cpu[i];
	struct zs_cpu *c = &zs->cpu[i];
	uint8_t h[12];
	int ret;

	if (!vc->size)
		return 0;
	ret = es_pread_full(zs->fd, h, vc->size >= 12 ? 12 : 4, vc->offset, zs->file_size);
	if (ret) {
		snprintf(err->msg, sizeof(err->msg),
			 "CPU %d: compressed data at file offset %llu: chunk count unreadable: %s",
			 i, (unsigned long long)vc->offset, strerror(-ret));
		return ret;
	}
	c->count = c->total = (uint32_t)es_v7_get(zs->v, h, 4);
	c->pos = vc->offset + 4;
	/* trace-cmd's size leaves out the count; accept either reading */
	c->end = vc->offset + 4 + vc->size;
	if (c->end > zs->file_size)
		c->end = zs->file_size;
	if (c->count && vc->size >= 12)
		*first_usize = (uint32_t)es_v7_get(zs->v, h + 8, 4);
	return 0;
}

static int set_depths(struct es_zstream *zs, const uint32_t *first_usize)
{
	uint64_t held = 0;
	int i;

	for (i = 0; i < zs->ncpus; i++) {
		uint32_t u = first_usize[i];

		if (!zs->cpu[i].count)
			continue;
		held += u && u <= ZS_MAX_CHUNK ? u : 10u * zs->page_size;
	}
	for (i = 0; i < zs->ncpus; i++) {
		uint64_t d = held ? ZS_BUDGET / held : ZS_MAX_DEPTH;
		struct zs_cpu *c = &zs->cpu[i];

		c->depth = d < 2 ? 2 : d > ZS_MAX_DEPTH ? ZS_MAX_DEPTH : (uint32_t)d;
		c->slot = c->count ? calloc(c->depth, sizeof(*c->slot)) : NULL;
		if (c->count && !c->slot)
			return -ENOMEM;
	}
	return 0;
}

static int zs_init(struct es_zstream *zs, struct es_error *err)
{
	uint32_t *first_usize = calloc((size_t)zs->ncpus + 1, sizeof(*first_usize));
	int i, ret = 0;

	zs->cpu = calloc((size_t)zs->ncpus + 1, sizeof(*zs->cpu));
	zs->walker.dctx = ZSTD_createDCtx();
	if (!first_usize || !zs->cpu || !zs->walker.dctx) {
		free(first_usize);
		snprintf(err->msg, sizeof(err->msg), "zstd reader: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	for (i = 0; i < zs->ncpus && !ret; i++)
		ret = init_cpu(zs, i, &first_usize[i], err);
	if (!ret && set_depths(zs, first_usize)) {
		snprintf(err->msg, sizeof(err->msg), "zstd reader: %s", strerror(ENOMEM));
		ret = -ENOMEM;
	}
	free(first_usize);
	return ret;
}

static void start_workers(struct es_zstream *zs, int want)
{
	while (zs->nworkers < want && zs->nworkers < ZS_MAX_WORKERS) {
		struct zs_thread *t = &zs->th[zs->nworkers];

		t->zs = zs;
		t->dctx = ZSTD_createDCtx();
		if (!t->dctx || pthread_create(&t->tid, NULL, worker, t)) {
			ZSTD_freeDCtx(t->dctx);
			t->dctx = NULL;
			break;		/* fewer helpers: slower, not wrong */
		}
		zs->nworkers++;
	}
}

int es_zstream_new(struct es_zstream **out, int fd, uint64_t file_size,
		   const struct es_v7 *v, int workers, struct es_error *err)
{
	struct es_zstream *zs;
	int ret;

	*out = NULL;
	if (v->page_size < 64 || v->page_size > (1u << 20) ||
	    (v->page_size & (v->page_size - 1))) {
		snprintf(err->msg, sizeof(err->msg), "page size %u: %s", v->page_size,
			 strerror(EBADMSG));
		return -EBADMSG;
	}
	zs = calloc(1, sizeof(*zs));
	if (!zs) {
		snprintf(err->msg, sizeof(err->msg), "zstd reader: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	zs->fd = fd;
	zs->file_size = file_size;
	zs->page_size = v->page_size;
	zs->v = v;
	zs->ncpus = v->ncpus;
	pthread_mutex_init(&zs->lock, NULL);
	pthread_cond_init(&zs->ready, NULL);
	pthread_cond_init(&zs->space, NULL);
	ret = zs_init(zs, err);
	if (ret) {
		es_zstream_free(zs);
		return ret;
	}
	start_workers(zs, workers);
	*out = zs;
	return 0;
}

int es_zstream_where(const struct es_zstream *zs, int cpu, uint32_t *page,
		     uint32_t *chunk, uint32_t *chunks, uint64_t *offset)
{
	const struct zs_cpu *c = cpu >= 0 && cpu < zs->ncpus ? &zs->cpu[cpu] : NULL;

	if (!c || !c->cur)
		return -ENOENT;
	*page = c->page;
	*chunk = c->cur->index + 1;
	*chunks = c->total;
	*offset = c->cur->off;
	return 0;
}

void es_zstream_stats(const struct es_zstream *zs, uint64_t *chunks,
		      uint64_t *by_walker, int *workers)
{
	*chunks = zs->chunks;
	*by_walker = zs->by_walker;
	*workers = zs->nworkers;
}

void es_zstream_free(struct es_zstream *zs)
{
	int i, j;

	if (!zs)
		return;
	pthread_mutex_lock(&zs->lock);
	zs->stop = true;
	pthread_cond_broadcast(&zs->space);
	pthread_mutex_unlock(&zs->lock);
	for (i = 0; i < zs->nworkers; i++) {
		pthread_join(zs->th[i].tid, NULL);
		ZSTD_freeDCtx(zs->th[i].dctx);
		free(zs->th[i].in);
	}
	ZSTD_freeDCtx(zs->walker.dctx);
	free(zs->walker.in);
	for (i = 0; zs->cpu && i < zs->ncpus; i++) {
		for (j = 0; zs->cpu[i].slot && j < (int)zs->cpu[i].depth; j++)
			free(zs->cpu[i].slot[j].buf);
		free(zs->cpu[i].slot);
	}
	free(zs->cpu);
	pthread_cond_destroy(&zs->ready);
	pthread_cond_destroy(&zs->space);
	pthread_mutex_destroy(&zs->lock);
	free(zs);
}
