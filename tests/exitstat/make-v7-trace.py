#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write a recording's pages as a trace.dat version 7 file of our own making.

usage: make-v7-trace.py [--compress-headers] [--option ID=TEXT]... [--break WHAT]
                        INPUT.v6.dat OUTPUT.dat

For exitstat's own opening of zstd-compressed version 7 files (tests/exitstat/v7-open.sh):
a file laid out by tools/tracedat/tracedat.py's v7_file, not by trace-cmd, that
libtracecmd must read too. The header sections (ring-buffer headers, the kvm formats of
tools/tracedat/formats, stock or patched kvm_exit as INPUT's, one ftrace format, saved command
lines, a small kallsyms and an empty printk section), compressed with --compress-headers; the
CPUCOUNT option and a CPUSTAT option per CPU; the pages of INPUT's CPUs in chunks of 10
pages, compressed. --option adds an option (ID a number, TEXT NUL-terminated: DATE=1,
OFFSET=7). --break spoils a header section: "formats-size" (a format's size runs past the
EVENT_FORMATS section), "system-name" (the EVENT_FORMATS section ends inside a system's
name), "header-magic" (HEADER_INFO without "header_page"), "odd-format" (kvm_exit's esr_ec
renamed: its print fmt names a field it lacks; libtraceevent 1.7.1 crashes on it).

INPUT must be uncompressed version 6 (trace-cmd convert --file-version 6 --compression none).
Run with PYTHONPATH=tools/tracedat.
"""
import struct
import sys

import tracedat  # PYTHONPATH=tools/tracedat (its test sets it)

PAGES_PER_CHUNK = 10


def kvm_formats(trace, odd):
    """The kvm formats of tools/tracedat/formats with INPUT's kind of kvm_exit."""
    texts = tracedat.formats("arm64")
    if b"vm_pid" in trace.fmt("kvm_exit"):
        texts.update(tracedat.formats("arm64-patched"))
    if odd:
        texts["kvm_exit"] = texts["kvm_exit"].replace(b"field:unsigned int esr_ec;",
                                                      b"field:unsigned int esr_xx;")
    return texts


def headers(trace, args):
    texts = kvm_formats(trace, args["break"] == "odd-format")
    # one ftrace format: the last kvm one, under ftrace, left out of the kvm system
    ftrace_name = sorted(texts)[-1]
    ftrace = [texts.pop(ftrace_name)]
    return tracedat.V7Headers(
        tracedat.ring_headers("arm64"), {"kvm": list(texts.values())}, ftrace=ftrace,
        cmdlines=b"1234 qemu-system-aar\n1235 qemu-system-aar\n",
        kallsyms=b"ffffffc008000000 T _text\n", printk=b"", compress=args["compress"])


def spoil(data, what, compress):
    """The file with one header section spoilt (uncompressed sections only)."""
    if compress:
        sys.exit("--break needs uncompressed header sections")
    out = bytearray(data)
    fmt = out.index(b"kvm\0") + 4 + 4      # EVENT_FORMATS: the first format's u64 size
    if what == "formats-size":
        struct.pack_into("<Q", out, fmt, 1 << 40)
    elif what == "system-name":
        # the section's size cut to end inside "kvm" (its body: u32 count, "kvm\0", ...)
        sec = out.rindex(struct.pack("<HH", tracedat.OPT_EVENT_FORMATS, 0), 0, fmt)
        struct.pack_into("<Q", out, sec + 8, 4 + 2)
    elif what == "header-magic":
        at = out.index(b"header_page\0")
        out[at:at + 6] = b"HEADER"
    else:
        sys.exit(f"--break: unknown '{what}'")
    return bytes(out)


def main():
    args = {"compress": False, "break": None, "options": []}
    argv = sys.argv[1:]
    while argv and argv[0].startswith("--"):
        opt = argv.pop(0)
        if opt == "--compress-headers":
            args["compress"] = True
        elif opt == "--option" and argv:
            ident, text = argv.pop(0).split("=", 1)
            args["options"].append((int(ident), text.encode() + b"\0"))
        elif opt == "--break" and argv:
            args["break"] = argv.pop(0)
        else:
            sys.exit(__doc__)
    if len(argv) != 2:
        sys.exit(__doc__)
    try:
        trace = tracedat.V6Trace(argv[0])
    except ValueError as e:
        sys.exit(str(e))
    if trace.order != "<" or trace.long_size != 8:
        sys.exit(f"{argv[0]}: only little-endian 64-bit traces are handled")
    ps, cpus = trace.page_size, []
    for off, size in trace.cpus:
        data = trace.orig[off:off + size]
        step = ps * PAGES_PER_CHUNK
        cpus.append([data[at:at + step] for at in range(0, size, step)])
    options = [(tracedat.OPT_CPUCOUNT, struct.pack("<I", len(cpus)))]
    for cpu in range(len(cpus)):
        stat = f"CPU: {cpu}\nentries: 0\noverrun: {cpu * 7}\ncommit overrun: 0\n"
        options.append((tracedat.OPT_CPUSTAT, stat.encode() + b"\0"))
    data = tracedat.v7_file(cpus, ps, headers=headers(trace, args),
                            options=options + args["options"])
    if args["break"] and args["break"] != "odd-format":
        data = spoil(data, args["break"], args["compress"])
    with open(argv[1], "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
