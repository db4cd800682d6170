#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a stock trace.dat into one shaped like our patched kernel's.

usage: make-patched-trace.py INPUT.v6.dat OUTPUT.dat VM_PID DROP_EVERY

An input for exitstat's patched-layout path made from any real stock
recording: the kvm_exit format gets what kernel-patches/6.1/0002 adds to it
(its fields and their part of the printk, the difference between
formats/arm64.format and formats/arm64-patched.format), and every kvm_exit
record is extended with vm_pid = VM_PID, vcpu_id = 0 and a running
exit_count per thread.
Every DROP_EVERY-th exit (and its kvm_entry) is left out, so exactly
count // DROP_EVERY exits are "lost" while the counter keeps running.
The CPU pages are repacked (records grow by 16 bytes) with fresh page
headers; 'trace-cmd report' reads the result.

INPUT must be uncompressed version 6 (trace-cmd convert --file-version 6
--compression none). Prints "exits=N dropped=D" for the caller's checks.
"""
import struct
import sys

from tracedat import V6Trace, patched_exit


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    src, dst, vm_pid, drop_every = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    try:
        trace = V6Trace(src)
        exit_id, entry_id = trace.event_id("kvm_exit"), trace.event_id("kvm_entry")
        trace.set_fmt("kvm_exit", patched_exit(trace.fmt("kvm_exit")))
    except ValueError as e:
        sys.exit(f"{src}: {e}")
    order = trace.order

    counters, skip_entry = {}, set()
    n = {"exits": 0, "dropped": 0}

    def patch(_ts, rec):
        etype = struct.unpack_from(order + "H", rec, 0)[0]
        tid = struct.unpack_from(order + "i", rec, 4)[0]
        if etype == exit_id:
            counters[tid] = counters.get(tid, 0) + 1
            n["exits"] += 1
            if counters[tid] % drop_every == 0:
                n["dropped"] += 1
                skip_entry.add(tid)
                return None
            return rec[:24] + struct.pack(order + "iIQ", vm_pid, 0, counters[tid])
        if etype == entry_id and tid in skip_entry:
            skip_entry.discard(tid)
            return None
        return rec

    trace.rewrite(dst, patch)
    print(f"exits={n['exits']} dropped={n['dropped']}")


if __name__ == "__main__":
    main()
