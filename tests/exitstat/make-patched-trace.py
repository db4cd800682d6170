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


# The page walker is shared with the other trace rewriting helper.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "exitstat"))
from ftrace_page import walk_page  # noqa: E402


class PageWriter:
    def __init__(self, page_size, order):
        self.page_size, self.order = page_size, order
        self.pages, self.buf, self.page_ts, self.last_ts = [], bytearray(), None, 0

    def flush(self):
        if self.page_ts is None:
            return
        head = struct.pack(self.order + "QQ", self.page_ts, len(self.buf))
        page = head + self.buf
        self.pages.append(page + b"\0" * (self.page_size - len(page)))
        self.buf, self.page_ts = bytearray(), None

    def add(self, ts, data):
        data = data + b"\0" * (-len(data) % 4)
        # header (4, or 8 in the long form) + data + a possible time extend
        need = (4 if len(data) <= 112 else 8) + len(data) + 8
        if self.page_ts is not None and 16 + len(self.buf) + need > self.page_size:
            self.flush()
        if self.page_ts is None:
            self.page_ts, self.last_ts = ts, ts
        delta = ts - self.last_ts
        if delta >= 1 << 27:
            self.buf += struct.pack(self.order + "II", 30 | ((delta & ((1 << 27) - 1)) << 5),
                                    delta >> 27)
            delta = 0
        if len(data) <= 112:
            self.buf += struct.pack(self.order + "I", (len(data) // 4) | (delta << 5))
        else:
            self.buf += struct.pack(self.order + "II", delta << 5, len(data) + 4)
        self.buf += data
        self.last_ts = ts


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    src, dst, vm_pid, drop_every = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    orig = open(src, "rb").read()
    data = bytearray(orig)
    if data[:10] != b"\x17\x08\x44tracing" or data[10:12] != b"6\x00":
        sys.exit(f"{src}: not an uncompressed version-6 trace.dat")
    order = "<" if data[12] == 0 else ">"
    page_size = struct.unpack_from(order + "I", data, 14)[0]

    # the kvm_exit format: size-prefixed text in the event-format section
    at = data.find(b"name: kvm_exit\n")
    if at < 0:
        sys.exit(f"{src}: no kvm_exit format")
    size = struct.unpack_from(order + "Q", data, at - 8)[0]
    text = bytes(data[at:at + size])
    exit_id = int(text.split(b"ID: ")[1].split(b"\n")[0])
    fields_at = text.index(b"\tfield:int ret;")
    fields_end = text.index(b"\n\n", fields_at) + 1
    fmt_at = text.index(b'print fmt: "') + len(b'print fmt: "')
    fmt_end = text.index(b'",', fmt_at)
    new = (text[:fields_at] + PATCHED_EXIT_FIELDS + text[fields_end:fmt_at] +
           text[fmt_at:fmt_end] + b", VM: %d, VCPU: %u, EXIT: %llu" +
           text[fmt_end:].rstrip(b"\n") +
           b", REC->vm_pid, REC->vcpu_id, REC->exit_count\n")
    data[at - 8:at + size] = struct.pack(order + "Q", len(new)) + new
    entry_at = data.find(b"name: kvm_entry\n")
    entry_id = int(bytes(data[entry_at:entry_at + 200]).split(b"ID: ")[1].split(b"\n")[0])

    # CPU data as stored in the input (offsets refer to the original bytes);
    # the CPU count is the u32 right before the "options  " section.
    ncpus = struct.unpack_from(order + "I", orig, orig.rfind(b"options  \x00") - 4)[0]
    ofly = orig.rfind(b"flyrecord\x00") + 10
    cpus = [struct.unpack_from(order + "QQ", orig, ofly + 16 * c) for c in range(ncpus)]
    fly = data.rfind(b"flyrecord\x00")
    table = fly + 10
    head_end = table + 16 * len(cpus)

    counters, skip_entry = {}, set()
    exits = dropped = 0
    out_cpus = []
    for off, sz in cpus:
        w = PageWriter(page_size, order)
        for p in range(off, off + sz, page_size):
            for ts, rec in walk_page(orig[p:p + page_size], order):
                etype = struct.unpack_from(order + "H", rec, 0)[0]
                tid = struct.unpack_from(order + "i", rec, 4)[0]
                if etype == exit_id:
                    counters[tid] = counters.get(tid, 0) + 1
                    exits += 1
                    if counters[tid] % drop_every == 0:
                        dropped += 1
                        skip_entry.add(tid)
                        continue
                    rec = rec[:24] + struct.pack(order + "iIQ", vm_pid, 0, counters[tid])
                elif etype == entry_id and tid in skip_entry:
                    skip_entry.discard(tid)
                    continue
                w.add(ts, rec)
        w.flush()
        out_cpus.append(b"".join(w.pages))

    first_page = (head_end + page_size - 1) // page_size * page_size
    table_bytes, cur = b"", first_page
    for blob in out_cpus:
        table_bytes += struct.pack(order + "QQ", cur if blob else 0, len(blob))
        cur += len(blob)
    with open(dst, "wb") as out:
        out.write(data[:table])
        out.write(table_bytes)
        out.write(b"\0" * (first_page - head_end))
        for blob in out_cpus:
            out.write(blob)
    print(f"exits={exits} dropped={dropped}")


if __name__ == "__main__":
    main()
