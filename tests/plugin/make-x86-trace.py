#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn an arm64 trace into one whose kvm_exit and kvm_entry are x86's.

usage: make-x86-trace.py INPUT.v6.dat OUTPUT.dat

For the traceevent plugin's test that it changes nothing on x86 traces:
kvm_exit and kvm_entry get the formats of Linux 6.1's arch/x86/kvm/trace.h
(exit_reason, guest_rip, isa, info1, info2, intr_info, error_code,
vcpu_id; vcpu_id, rip), which libtraceevent's plugin_kvm decodes, and
their records are rewritten to them: the exit's class becomes a VMX exit
reason (IRQ -> EXTERNAL_INTERRUPT, WFx -> HLT, HVC -> VMCALL, register
traps -> MSR_READ, data aborts -> EPT_VIOLATION, instruction aborts ->
EPT_MISCONFIG, the rest CPUID), its PC guest_rip, its EC info1. Every other
record stays, so kvm_mmio and kvm_userspace_exit (generic KVM events) and
the arm64-only ones are there too: with x86's kvm_exit none of them may
print differently with the plugin than without.

INPUT must be uncompressed version 6 (trace-cmd convert --file-version 6
--compression none). Prints "exits=N entries=M".
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "exitstat"))
from ftrace_page import V6Trace  # noqa: E402

COMMON = (
    b"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
    b"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
    b"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
    b"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
)
REASONS = {0: "EXCEPTION_NMI", 1: "EXTERNAL_INTERRUPT", 10: "CPUID", 12: "HLT", 18: "VMCALL",
           31: "MSR_READ", 48: "EPT_VIOLATION", 49: "EPT_MISCONFIG"}
SYMBOLS = b", ".join(b'{ %d, "%s" }' % (v, n.encode()) for v, n in sorted(REASONS.items()))
X86_EXIT = (
    b"\tfield:unsigned int exit_reason;\toffset:8;\tsize:4;\tsigned:0;\n"
    b"\tfield:unsigned long guest_rip;\toffset:16;\tsize:8;\tsigned:0;\n"
    b"\tfield:u32 isa;\toffset:24;\tsize:4;\tsigned:0;\n"
    b"\tfield:u64 info1;\toffset:32;\tsize:8;\tsigned:0;\n"
    b"\tfield:u64 info2;\toffset:40;\tsize:8;\tsigned:0;\n"
    b"\tfield:u32 intr_info;\toffset:48;\tsize:4;\tsigned:0;\n"
    b"\tfield:u32 error_code;\toffset:52;\tsize:4;\tsigned:0;\n"
    b"\tfield:unsigned int vcpu_id;\toffset:56;\tsize:4;\tsigned:0;\n\n"
    b'print fmt: "vcpu %u reason %s rip 0x%lx info1 0x%016llx info2 0x%016llx '
    b'intr_info 0x%08x error_code 0x%08x", REC->vcpu_id, __print_symbolic(REC->exit_reason, '
    + SYMBOLS + b"), REC->guest_rip, REC->info1, REC->info2, REC->intr_info, REC->error_code\n"
)
X86_ENTRY = (
    b"\tfield:unsigned int vcpu_id;\toffset:8;\tsize:4;\tsigned:0;\n"
    b"\tfield:unsigned long rip;\toffset:16;\tsize:8;\tsigned:0;\n\n"
    b'print fmt: "vcpu %u, rip 0x%lx", REC->vcpu_id, REC->rip\n'
)


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
    for name, eid, body in (("kvm_exit", exit_id, X86_EXIT), ("kvm_entry", entry_id, X86_ENTRY)):
        trace.set_fmt(name, b"name: %s\nID: %d\nformat:\n" % (name.encode(), eid) + COMMON + body)
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
