/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The results stream: how results leave the emulated KVM host while the run goes on.
 *
 * The host writes the stream onto a raw virtio-blk disk as an append-only log of records,
 * each written with one O_DIRECT pwrite() that has completed before the next begins; the
 * outer side reads the disk image (during the run and after QEMU ended, however it ended)
 * and applies the records to the results directory. A record is a header block of
 * XS_BLOCK bytes (struct xs_header, zero padded) followed by LENGTH bytes of payload,
 * zero padded to a multiple of XS_BLOCK; the next record starts right after. Records are
 * numbered 1, 2, ... (seq); a record whose magic, checksums or number do not match is the
 * end of the log (never written, or torn by the host's death). All fields little-endian.
 *
 * This header is the one definition of the format: send.c writes it, extract.c reads it.
 */
#ifndef EXITLAB_STREAM_H
#define EXITLAB_STREAM_H

#include <stddef.h>
#include <stdint.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the stream format is little-endian; this program writes it in host order"
#endif

#define XS_MAGIC "EXLSTRM1"
#define XS_BLOCK 512u
#define XS_PATH_MAX 256u
#define XS_CHUNK (1024u * 1024u) /* largest payload of one record */

enum xs_kind {
	XS_DATA = 1,	/* PAYLOAD goes at OFFSET of PATH (created if new) */
	XS_REPLACE = 2, /* PATH is truncated to OFFSET, then as XS_DATA */
	XS_BEAT = 3,	/* the host is alive; no payload */
	XS_END = 4,	/* the host ended the stream cleanly: everything was sent */
	XS_FULL = 5,	/* the disk is full: nothing follows */
	XS_KIND_MAX = XS_FULL,
};

struct xs_header {
	char magic[8];	    /* XS_MAGIC */
	uint64_t seq;	    /* 1, 2, ... */
	uint64_t offset;    /* where the payload goes in PATH */
	uint64_t uptime_ns; /* the host's CLOCK_BOOTTIME when the record was made */
	uint32_t kind;	    /* enum xs_kind */
	uint32_t length;    /* payload bytes, at most XS_CHUNK */
	uint32_t data_crc;  /* CRC-32 (zlib's) of the payload */
	uint32_t header_crc; /* CRC-32 of the XS_BLOCK header block with this field zero */
	char path[XS_PATH_MAX]; /* relative to the results directory, NUL terminated */
};

_Static_assert(sizeof(struct xs_header) <= XS_BLOCK, "a header fits its block");

static inline uint64_t xs_padded(uint64_t n)
{
	return (n + XS_BLOCK - 1) / XS_BLOCK * XS_BLOCK;
}

uint32_t xs_crc32(uint32_t crc, const void *buf, size_t len);
/* 0 when PATH is a safe relative path (no '..', no empty or absolute part). */
int xs_path_ok(const char *path);

int xs_send_main(int argc, char **argv);
int xs_sync_main(int argc, char **argv);
int xs_extract_main(int argc, char **argv);

#endif
