// SPDX-License-Identifier: GPL-2.0
/*
 * Walker over one ring-buffer sub-buffer as the kernel writes it and
 * trace-cmd stores it: u64 timestamp, long commit (with the missed-events
 * flags in bits 31/30), then 4-byte-aligned event headers (5-bit type_len,
 * 27-bit time delta). Same semantics as libtraceevent's kbuffer, but inlined
 * into our loop and bounds checked against the page, since the page comes
 * from an untrusted file.
 */
#include <errno.h>
#include <string.h>

#include "exitstat.h"

#define TYPE_PADDING	29
#define TYPE_TIME_EXTEND 30
#define TYPE_TIME_STAMP	31
#define TS_SHIFT	27
#define TS_MSB		(0xf8ULL << 56)
#define MISSING_EVENTS	(1ULL << 31)
#define MISSING_STORED	(1ULL << 30)
#define COMMIT_MASK	((1ULL << 27) - 1)

static inline uint32_t rd4(const struct es_page_iter *it, uint32_t off)
{
	uint32_t v;

	memcpy(&v, it->page + off, 4);
	return it->swap ? __builtin_bswap32(v) : v;
}

static inline uint64_t rd8(const struct es_page_iter *it, uint32_t off)
{
	uint64_t v;

	memcpy(&v, it->page + off, 8);
	return it->swap ? __builtin_bswap64(v) : v;
}

int es_page_begin(struct es_page_iter *it, const void *page, size_t page_size,
		  int long_size, bool swap)
{
	uint32_t hdr = 8 + (uint32_t)long_size;
	uint64_t flags, commit;

	memset(it, 0, sizeof(*it));
	if ((long_size != 4 && long_size != 8) || page_size < hdr ||
	    page_size > (1u << 30))
		return -EINVAL;
	it->page = page;
	it->swap = swap;
	it->ts = rd8(it, 0);
	flags = long_size == 8 ? rd8(it, 8) : rd4(it, 8);
	commit = flags & COMMIT_MASK;
	if (commit > page_size - hdr)
		return -EBADMSG;
	it->pos = hdr;
	it->end = hdr + (uint32_t)commit;
	if (flags & MISSING_EVENTS) {
		it->missed = -1;
		/* The count, when stored, sits right after the data. */
		if ((flags & MISSING_STORED) &&
		    it->end + (uint32_t)long_size <= page_size)
			it->missed = (long long)(long_size == 8 ? rd8(it, it->end)
								: rd4(it, it->end));
		if (it->missed == 0)
			it->missed = -1;
	}
	return 0;
}

int es_page_next(struct es_page_iter *it, uint64_t *ts, const uint8_t **data,
		 uint32_t *len)
{
	while (it->pos + 4 <= it->end) {
		uint32_t hdr = rd4(it, it->pos);
		uint32_t type_len = it->swap ? hdr >> 27 : hdr & 0x1f;
		uint32_t delta = it->swap ? hdr & ((1u << 27) - 1) : hdr >> 5;
		uint32_t body = it->pos + 4, length;

		switch (type_len) {
		case TYPE_PADDING:
			/* A zero delta means the rest of the page is empty. */
			if (!delta || body + 4 > it->end)
				goto done;
			length = rd4(it, body);
			if (length > it->end - body)
				goto bad;
			it->pos = body + length;
			continue;
		case TYPE_TIME_EXTEND:
		case TYPE_TIME_STAMP: {
			uint64_t ext;

			if (body + 4 > it->end)
				goto bad;
			ext = ((uint64_t)rd4(it, body) << TS_SHIFT) + delta;
			if (type_len == TYPE_TIME_STAMP)
				it->ts = ext | (it->ts & TS_MSB);
			else
				it->ts += ext;
			it->pos = body + 4;
			continue;
		}
		case 0:
			if (body + 4 > it->end)
				goto bad;
			length = rd4(it, body);
			if (length < 4)
				goto bad;
			length -= 4;
			body += 4;
			break;
		default:
			length = type_len * 4;
			break;
		}
		if (length > it->end - body)
			goto bad;
		it->ts += delta;
		*ts = it->ts;
		*data = it->page + body;
		*len = length;
		it->pos = body + ((length + 3) & ~3u);
		return 1;
	}
done:
	it->pos = it->end;
	return 0;
bad:
	it->pos = it->end;
	return -EBADMSG;
}
