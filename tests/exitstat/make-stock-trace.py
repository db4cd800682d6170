#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a trace of our patched kernel into the stock kernel's shape.

usage: make-stock-trace.py INPUT.v6.dat OUTPUT.dat [TGID_MAP]

The inverse of make-patched-trace.py, for exitstat's stock-layout path on
traces with several VMs and vcpu threads: the kvm_exit format loses the
fields of kernel-patches/6.1/0002 (vm_pid, vcpu_id, exit_count) and their
part of the printk, and every kvm_exit record is cut back to the stock
layout. Nothing else changes: the vcpu threads (common_pid), timestamps,
classes and every other event are the recording's own, so a stock reading
of OUTPUT must find, per thread, exactly the exits the patched reading of
INPUT finds per vcpu.

TGID_MAP, if given, receives one "tid tgid" line per vcpu thread (the
format of tracefs saved_tgids, exitstat --tgid-map), the tgid being the
thread's vm_pid: the pid of the process that created the VM, its VMM.

INPUT must be uncompressed version 6 (trace-cmd convert --file-version 6
--compression none). Prints "exits=N threads=T vms=V".
"""
import os
import struct
import sys

# The trace rewriting helpers are shared with the other generators.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "exitstat"))
from ftrace_page import V6Trace  # noqa: E402

PATCHED_FIELDS = (
    b"\tfield:pid_t vm_pid;\toffset:24;\tsize:4;\tsigned:1;\n"
    b"\tfield:unsigned int vcpu_id;\toffset:28;\tsize:4;\tsigned:0;\n"
    b"\tfield:u64 exit_count;\toffset:32;\tsize:8;\tsigned:0;\n"
)
PATCHED_FMT = b", VM: %d, VCPU: %u, EXIT: %llu"
PATCHED_ARGS = b", REC->vm_pid, REC->vcpu_id, REC->exit_count"
STOCK_SIZE = 24     # common fields, ret, esr_ec, vcpu_pc


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    src, dst = sys.argv[1], sys.argv[2]
    try:
        trace = V6Trace(src)
        text = trace.fmt("kvm_exit")
    except ValueError as e:
        sys.exit(f"{src}: {e}")
    if PATCHED_FIELDS not in text or PATCHED_FMT not in text or PATCHED_ARGS not in text:
        sys.exit(f"{src}: kvm_exit is not the patched layout of kernel-patches/6.1/0002")
    order = trace.order
    exit_id = int(text.split(b"ID: ")[1].split(b"\n")[0])
    trace.set_fmt("kvm_exit", text.replace(PATCHED_FIELDS, b"").replace(PATCHED_FMT, b"")
                  .replace(PATCHED_ARGS, b""))

    tgid, exits = {}, [0]

    def strip(_ts, rec):
        if struct.unpack_from(order + "H", rec, 0)[0] != exit_id:
            return rec
        tid, vm_pid = struct.unpack_from(order + "i", rec, 4)[0], struct.unpack_from(order + "i", rec, 24)[0]
        tgid.setdefault(tid, vm_pid)
        exits[0] += 1
        return rec[:STOCK_SIZE]

    trace.rewrite(dst, strip)
    if len(sys.argv) == 4:
        with open(sys.argv[3], "w") as f:
            f.writelines(f"{tid} {tgid[tid]}\n" for tid in sorted(tgid))
    print(f"exits={exits[0]} threads={len(tgid)} vms={len(set(tgid.values()))}")


if __name__ == "__main__":
    main()
