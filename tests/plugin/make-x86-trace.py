#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn an arm64 trace into one whose kvm_exit and kvm_entry are x86's.

usage: make-x86-trace.py INPUT.v6.dat OUTPUT.dat

For the traceevent plugin's test that it changes nothing on x86 traces:
kvm_exit and kvm_entry get the formats of Linux 6.1's arch/x86/kvm/trace.h
(tools/tracedat/formats/x86.format), which libtraceevent's plugin_kvm
decodes, and their records are rewritten to them: the exit's class becomes
a VMX exit reason (IRQ -> EXTERNAL_INTERRUPT, WFx -> HLT, HVC -> VMCALL, register
traps -> MSR_READ, data aborts -> EPT_VIOLATION, instruction aborts ->
EPT_MISCONFIG, the rest CPUID), its PC guest_rip, its EC info1. Every other
record stays, so kvm_mmio and kvm_userspace_exit (generic KVM events) and
the arm64-only ones are there too: with x86's kvm_exit none of them may
print differently with the plugin than without.

INPUT must be uncompressed version 6 (trace-cmd convert --file-version 6
--compression none). Prints "exits=N entries=M". Run with
PYTHONPATH=tools/tracedat (the trace.dat module, tracedat.py).
"""
import struct
import sys

from tracedat import V6Trace, formats, with_id  # PYTHONPATH=tools/tracedat (its test sets it)


def reason(ret, ec):
    if ret == 0:
        return 1
    if ret != 2:
        return 0
    if ec == 0x01:
        return 12
    if ec in (0x12, 0x16):
        return 18
    if ec in (0x03, 0x04, 0x05, 0x06, 0x08, 0x0c, 0x18):
        return 31
    return {0x24: 48, 0x20: 49}.get(ec, 10)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src, dst = sys.argv[1], sys.argv[2]
    try:
        trace = V6Trace(src)
        exit_id, entry_id = trace.event_id("kvm_exit"), trace.event_id("kvm_entry")
    except ValueError as e:
        sys.exit(f"{src}: {e}")
    if trace.order != "<":
        sys.exit(f"{src}: big-endian traces are not handled")
    fmts = formats("x86")
    for name, eid in (("kvm_exit", exit_id), ("kvm_entry", entry_id)):
        trace.set_fmt(name, with_id(fmts[name], eid))
    n = {"exits": 0, "entries": 0}

    def x86(_ts, rec):
        etype = struct.unpack_from("<H", rec, 0)[0]
        if etype == exit_id:
            ret, ec, pc = struct.unpack_from("<iIQ", rec, 8)
            n["exits"] += 1
            return rec[:8] + struct.pack("<I4xQI4xQQIII", reason(ret, ec), pc, 1, ec, 0, 0, 0, 0)
        if etype == entry_id:
            n["entries"] += 1
            return rec[:8] + struct.pack("<I4xQ", 0, struct.unpack_from("<Q", rec, 8)[0])
        return rec

    trace.rewrite(dst, x86)
    print(f"exits={n['exits']} entries={n['entries']}")


if __name__ == "__main__":
    main()
