#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a trace of our patched kernel into the stock kernel's shape.

usage: make-stock-trace.py INPUT.v6.dat OUTPUT.dat [TGID_MAP]

The inverse of tools/tracedat/make-patched-trace.py, for exitstat's
stock-layout path on traces with several VMs and vcpu threads: the kvm_exit
format loses what kernel-patches/6.1/0002 adds to it (vm_pid, vcpu_id,
exit_count and their part of the printk: tools/tracedat/formats/), and
every kvm_exit record is cut back to the stock layout. Nothing else changes: the vcpu threads (common_pid), timestamps,
classes and every other event are the recording's own, so a stock reading
of OUTPUT must find, per thread, exactly the exits the patched reading of
INPUT finds per vcpu.

TGID_MAP, if given, receives one "tid tgid" line per vcpu thread (the
format of tracefs saved_tgids, exitstat --tgid-map), the tgid being the
thread's vm_pid: the pid of the process that created the VM, its VMM.

INPUT must be uncompressed version 6 (trace-cmd convert --file-version 6
--compression none). Prints "exits=N threads=T vms=V". Run with
PYTHONPATH=tools/tracedat (the trace.dat module, tracedat.py).
"""
import struct
import sys

from tracedat import V6Trace, stock_exit  # PYTHONPATH=tools/tracedat (its test sets it)

STOCK_SIZE = 24     # common fields, ret, esr_ec, vcpu_pc


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    src, dst = sys.argv[1], sys.argv[2]
    try:
        trace = V6Trace(src)
        exit_id = trace.event_id("kvm_exit")
        trace.set_fmt("kvm_exit", stock_exit(trace.fmt("kvm_exit")))
    except ValueError as e:
        sys.exit(f"{src}: {e}")
    order = trace.order

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
