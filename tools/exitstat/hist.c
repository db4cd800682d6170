// SPDX-License-Identifier: GPL-2.0
/*
 * Log-linear histogram in the style of HdrHistogram: values below
 * ES_HIST_SUB are exact; above, each power-of-two range is split into
 * ES_HIST_SUB/2 equal buckets, so a reported percentile is within
 * 2/ES_HIST_SUB (3%) of the true value while memory stays constant.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "exitstat.h"

static unsigned int bucket_of(uint64_t v)
{
	unsigned int msb, shift;

	if (v < ES_HIST_SUB)
		return (unsigned int)v;
	msb = 63 - (unsigned int)__builtin_clzll(v);
	shift = msb - (ES_HIST_SUB_BITS - 1);
	/* top ES_HIST_SUB_BITS bits of v select the sub-bucket */
	return shift * (ES_HIST_SUB / 2) + (unsigned int)(v >> shift);
}

static uint64_t bucket_high(unsigned int b)
{
	unsigned int shift;
	uint64_t sub;

	if (b < ES_HIST_SUB)
		return b;
	shift = (b - ES_HIST_SUB / 2) / (ES_HIST_SUB / 2);
	sub = b - shift * (ES_HIST_SUB / 2);
	/* highest value mapping to this bucket */
	return ((sub + 1) << shift) - 1;
}

int es_hist_add(struct es_hist *h, uint64_t v)
{
	if (!h->buckets) {
		h->buckets = calloc(ES_HIST_BUCKETS, sizeof(*h->buckets));
		if (!h->buckets)
			return -ENOMEM;
		h->min = UINT64_MAX;
	}
	h->buckets[bucket_of(v)]++;
	h->count++;
	h->total += v;
	if (v > h->max)
		h->max = v;
	if (v < h->min)
		h->min = v;
	return 0;
}

uint64_t es_hist_percentile(const struct es_hist *h, double pct)
{
	uint64_t rank, seen = 0;
	unsigned int b;

	if (!h->count || !h->buckets)
		return 0;
	rank = (uint64_t)(pct / 100.0 * (double)h->count + 0.5);
	if (rank < 1)
		rank = 1;
	if (rank > h->count)
		rank = h->count;
	for (b = 0; b < ES_HIST_BUCKETS; b++) {
		seen += h->buckets[b];
		if (seen >= rank) {
			uint64_t v = bucket_high(b);

			return v > h->max ? h->max : v < h->min ? h->min : v;
		}
	}
	return h->max;
}

void es_hist_release(struct es_hist *h)
{
	free(h->buckets);
	memset(h, 0, sizeof(*h));
}
