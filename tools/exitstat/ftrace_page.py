# SPDX-License-Identifier: GPL-2.0
"""Walk the events of one ftrace ring-buffer data page (as stored in trace.dat).

Shared by the Python helpers that rewrite trace files for tests and benchmarks
(tests/exitstat/make-patched-trace.py, benchmarks/make-big-trace.py).
"""
import struct

COMMIT_MASK = (1 << 27) - 1


def walk_page(page, order):
    """Yield (timestamp, payload) for each data event of a ring-buffer page.

    order is the struct byte-order prefix of the trace ("<" or ">"). Padding
    ends the page; time-extend records move the clock without yielding.
    """
    ts = struct.unpack_from(order + "Q", page, 0)[0]
    end = min(16 + (struct.unpack_from(order + "Q", page, 8)[0] & COMMIT_MASK), len(page))
    pos = 16
    while pos + 4 <= end:
        hdr = struct.unpack_from(order + "I", page, pos)[0]
        type_len, delta = hdr & 0x1F, hdr >> 5
        body = pos + 4
        if type_len == 29:
            if delta == 0:
                return
            pos = body + struct.unpack_from(order + "I", page, body)[0]
            continue
        if type_len in (30, 31):
            ext = (struct.unpack_from(order + "I", page, body)[0] << 27) + delta
            ts = ext if type_len == 31 else ts + ext
            pos = body + 4
            continue
        if type_len == 0:
            length = struct.unpack_from(order + "I", page, body)[0] - 4
            body += 4
        else:
            length = type_len * 4
        ts += delta
        yield ts, bytes(page[body:body + length])
        pos = body + ((length + 3) & ~3)


def last_ts(page, order):
    """Timestamp of the last event of a page (the page's base time if it has none)."""
    ts = struct.unpack_from(order + "Q", page, 0)[0]
    for ts, _ in walk_page(page, order):
        pass
    return ts
