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

from tracedat import V6Trace, last_ts


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    src, dst, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
    try:
        trace = V6Trace(src)
    except ValueError as e:
        sys.exit(str(e))
    data, order, page_size, cpus = trace.orig, trace.order, trace.page_size, trace.cpus
    # timestamps of the input span
    starts = [struct.unpack_from(order + "Q", data, o + p)[0]
              for o, s in cpus for p in range(0, s, page_size)]
    ends = [last_ts(data[o + p:o + p + page_size], order)
            for o, s in cpus for p in range(0, s, page_size)]
    span = max(ends) - min(starts) + 1_000_000

    def copied():
        for off, size in cpus:
            pages = bytearray(data[off:off + size])
            for k in range(copies):
                if k:
                    for p in range(0, size, page_size):
                        t = struct.unpack_from(order + "Q", pages, p)[0]
                        struct.pack_into(order + "Q", pages, p, t + span)
                yield pages

    trace.write(dst, [size * copies for _, size in cpus], copied())
    print(f"{dst}: {copies} copies of {len(cpus)} CPUs, "
          f"{os.path.getsize(dst) / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
