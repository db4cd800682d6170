/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Open-addressing map u64 -> u32 index, for the handful of keys the engine
 * sees (threads, vcpus, guests, HVC function IDs, registers, MMIO pages).
 * Header-only so that the lookup of the per-record hot path inlines.
 *
 * Every u64 is a valid key. UINT64_MAX marks empty slots, so that one key
 * lives beside the table: it is what a guest id of -1 ("unknown") becomes,
 * and a table that could not hold it gave each vcpu its own "unknown" guest.
 */
#ifndef EXITSTAT_MAP_H
#define EXITSTAT_MAP_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct map {
	uint64_t *keys;
	uint32_t *vals;
	size_t cap, n;
	bool has_max;		/* the key UINT64_MAX is present ... */
	uint32_t max_val;	/* ... with this value */
};

#define MAP_EMPTY_KEY UINT64_MAX

static inline size_t map_hash64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (size_t)k;
}

static inline int map_grow(struct map *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64, i;
	uint64_t *keys = malloc(ncap * sizeof(*keys));
	uint32_t *vals = malloc(ncap * sizeof(*vals));

	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -ENOMEM;
	}
	for (i = 0; i < ncap; i++)
		keys[i] = MAP_EMPTY_KEY;
	for (i = 0; i < m->cap; i++) {
		size_t j;

		if (m->keys[i] == MAP_EMPTY_KEY)
			continue;
		for (j = map_hash64(m->keys[i]) & (ncap - 1); keys[j] != MAP_EMPTY_KEY;
		     j = (j + 1) & (ncap - 1))
			;
		keys[j] = m->keys[i];
		vals[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->cap = ncap;
	return 0;
}

/* Returns the key's value, or -1 with *slot set where to insert. */
static inline long map_find(const struct map *m, uint64_t key, size_t *slot)
{
	size_t j;

	if (m->cap) {
		for (j = map_hash64(key) & (m->cap - 1); m->keys[j] != MAP_EMPTY_KEY;
		     j = (j + 1) & (m->cap - 1))
			if (m->keys[j] == key)
				return m->vals[j];
		*slot = j;
	}
	/* A miss: only now is the key beside the table worth a look. */
	if (key == MAP_EMPTY_KEY && m->has_max)
		return m->max_val;
	return -1;
}

static inline int map_insert(struct map *m, uint64_t key, uint32_t val)
{
	size_t slot = 0;

	if (key == MAP_EMPTY_KEY) {
		if (!m->has_max) {
			m->has_max = true;
			m->max_val = val;
			m->n++;
		}
		return 0;
	}
	if ((m->n + 1) * 2 > m->cap && map_grow(m))
		return -ENOMEM;
	if (map_find(m, key, &slot) >= 0)
		return 0;
	m->keys[slot] = key;
	m->vals[slot] = val;
	m->n++;
	return 0;
}

static inline void map_release(struct map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

#endif
