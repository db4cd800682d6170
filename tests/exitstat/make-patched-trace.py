#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a stock trace.dat into one shaped like our patched kernel's.

usage: make-patched-trace.py INPUT.v6.dat OUTPUT.dat VM_PID DROP_EVERY

Until the patched host records real traces, this makes an end-to-end input
for exitstat's patched-layout path from a real recording: the kvm_exit
format gets the fields of kernel-patches/6.1/0002 (pid_t vm_pid,
unsigned int vcpu_id, u64 exit_count after vcpu_pc, and the printk
", VM: %d, VCPU: %u, EXIT: %llu"), and every kvm_exit record is extended
with vm_pid = VM_PID, vcpu_id = 0 and a running exit_count per thread.
Every DROP_EVERY-th exit (and its kvm_entry) is left out, so exactly
count // DROP_EVERY exits are "lost" while the counter keeps running.
The CPU pages are repacked (records grow by 16 bytes) with fresh page
headers; 'trace-cmd report' reads the result.

INPUT must be uncompressed version 6 (trace-cmd convert --file-version 6
--compression none). Prints "exits=N dropped=D" for the caller's checks.
"""
import os
import struct
import sys

PATCHED_EXIT_FIELDS = (
    b"\tfield:int ret;\toffset:8;\tsize:4;\tsigned:1;\n"
    b"\tfield:unsigned int esr_ec;\toffset:12;\tsize:4;\tsigned:0;\n"
    b"\tfield:unsigned long vcpu_pc;\toffset:16;\tsize:8;\tsigned:0;\n"
    b"\tfield:pid_t vm_pid;\toffset:24;\tsize:4;\tsigned:1;\n"
    b"\tfield:unsigned int vcpu_id;\toffset:28;\tsize:4;\tsigned:0;\n"
    b"\tfield:u64 exit_count;\toffset:32;\tsize:8;\tsigned:0;\n"
)


# The trace rewriting helpers are shared with the other generators.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "exitstat"))
from ftrace_page import V6Trace  # noqa: E402


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    src, dst, vm_pid, drop_every = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    try:
        trace = V6Trace(src)
        text = trace.fmt("kvm_exit")
        entry_id = trace.event_id("kvm_entry")
    except ValueError as e:
        sys.exit(f"{src}: {e}")
    order = trace.order
    exit_id = int(text.split(b"ID: ")[1].split(b"\n")[0])
    fields_at = text.index(b"\tfield:int ret;")
    fields_end = text.index(b"\n\n", fields_at) + 1
    fmt_at = text.index(b'print fmt: "') + len(b'print fmt: "')
    fmt_end = text.index(b'",', fmt_at)
    trace.set_fmt("kvm_exit", text[:fields_at] + PATCHED_EXIT_FIELDS + text[fields_end:fmt_at] +
                  text[fmt_at:fmt_end] + b", VM: %d, VCPU: %u, EXIT: %llu" +
                  text[fmt_end:].rstrip(b"\n") +
                  b", REC->vm_pid, REC->vcpu_id, REC->exit_count\n")

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
