#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Make a large, valid trace.dat by replicating a recorded one in time.

usage: make-big-trace.py INPUT.dat OUTPUT.dat COPIES

INPUT must be an uncompressed version-6 trace.dat; make one from any
trace with
    trace-cmd convert --file-version 6 --compression none -i X.dat -o X.v6.dat
The output keeps INPUT's headers, event formats and options, and for each
CPU writes INPUT's ring-buffer pages COPIES times in a row. Each copy's page
timestamps (the u64 at the start of every page; the events inside are
deltas from it) are shifted by one input span (first to last event) plus 1 ms, so the result is
one continuous, time-ordered recording that trace-cmd report and libtracecmd
read like any other. Only the 'flyrecord' table (CPU data offset and size)
is rewritten. Pages with missed-event flags are copied as they are.
"""
import os
import struct
import sys


# The page walker is shared with the other trace rewriting helper.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "exitstat"))
from ftrace_page import last_ts  # noqa: E402


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    src, dst, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(src, "rb") as f:
        data = f.read()
    if data[:10] != b"\x17\x08\x44tracing" or data[10:12] != b"6\x00":
        sys.exit(f"{src}: not an uncompressed version-6 trace.dat (convert it first)")
    # header: magic(10) version("6\0") endian(1) long_size(1) page_size(4)
    endian, long_size = data[12], data[13]
    page_size = struct.unpack_from("<I" if endian == 0 else ">I", data, 14)[0]
    order = "<" if endian == 0 else ">"
    fly = data.rfind(b"flyrecord\x00")
    if fly < 0:
        sys.exit(f"{src}: no flyrecord section")
    table = fly + len(b"flyrecord\x00")
    # the CPU count is the u32 right before the "options  " section
    ncpus = struct.unpack_from(order + "I", data, data.rfind(b"options  \x00") - 4)[0]
    cpus = [struct.unpack_from(order + "QQ", data, table + 16 * c) for c in range(ncpus)]
    first = min(o for o, s in cpus if s) if any(s for o, s in cpus) else len(data)
    # timestamps of the input span
    starts = [struct.unpack_from(order + "Q", data, o + p)[0]
              for o, s in cpus for p in range(0, s, page_size)]
    ends = [last_ts(data[o + p:o + p + page_size], order)
            for o, s in cpus for p in range(0, s, page_size)]
    span = max(ends) - min(starts) + 1_000_000
    head_end = table + 16 * len(cpus)
    out_first = (head_end + page_size - 1) // page_size * page_size
    new_table = b""
    cur = out_first
    for off, size in cpus:
        new_table += struct.pack(order + "QQ", cur if size else 0, size * copies)
        cur += size * copies
    with open(dst, "wb") as out:
        out.write(data[:table])
        out.write(new_table)
        out.write(data[head_end:first] if first > head_end else b"")
        out.seek(out_first)
        for off, size in cpus:
            pages = bytearray(data[off:off + size])
            for k in range(copies):
                if k:
                    for p in range(0, size, page_size):
                        t = struct.unpack_from(order + "Q", pages, p)[0]
                        struct.pack_into(order + "Q", pages, p, t + span)
                out.write(pages)
    print(f"{dst}: {copies} copies of {len(cpus)} CPUs, "
          f"{os.path.getsize(dst) / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
