#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Seed corpus for fuzz-decode from a real trace: real ring-buffer pages.

usage: fuzz-seeds.py [--patched] [--v7] TRACE.v6.dat CORPUS_DIR [COUNT]

TRACE must be uncompressed version 6 (trace-cmd convert --file-version 6
--compression none). Writes COUNT (default 64) files: the 2-byte
fuzz-decode selector (stock layout, or patched with --patched; little endian, 8-byte long, 4096-byte
pages; half with filters on) followed by one or two consecutive CPU pages.
With --v7, each file is instead a small trace.dat version 7 file as
trace-cmd.dat.v7(5) describes it (file header; the header sections: the
ring-buffer headers, the kvm formats of tools/tracedat/formats, one ftrace
format, saved command lines, compressed in every other file; a BUFFER
FLYRECORD section with zstd-compressed CPU data in chunks; one options
section with the header sections' options, CPUCOUNT, BUFFER and DONE, in
every fourth file compressed): CPU 0 with one to three real pages in one to
three chunks, CPU 1 with one chunk; half of them decompressed by a helper
thread. Named seed-v7hdr-*. Needs the zstd program.
"""
import os
import struct
import sys

from tracedat import OPT_CPUCOUNT, V6Trace, V7Headers, formats, ring_headers, v7_file


def mini_v7(pages, page_size, i, patched):
    """A small v7 file around the pages (a list of bytes objects): CPU 0 with them in one to
    three chunks, CPU 1 with the last one; header sections, compressed in every other one;
    every fourth one's options compressed."""
    nchunks = 1 + (i // 3) % len(pages)
    per = [b"".join(pages[k::nchunks]) for k in range(nchunks)]
    kvm = formats("arm64")
    if patched:
        kvm.update(formats("arm64-patched"))
    ftrace = [kvm.pop("kvm_arm_setup_debug")]
    headers = V7Headers(ring_headers("arm64"), {"kvm": list(kvm.values())}, ftrace=ftrace,
                        cmdlines=b"62 qemu-system-aar\n", compress=i % 2 == 1)
    return v7_file([per, [b"".join(pages[-1:])]], page_size, compress_options=i % 4 == 3,
                   headers=headers, options=[(OPT_CPUCOUNT, struct.pack("<I", 2))])


def main():
    args = sys.argv[1:]
    patched = "--patched" in args
    v7 = "--v7" in args
    args = [a for a in args if a not in ("--patched", "--v7")]
    if len(args) not in (2, 3):
        sys.exit(__doc__)
    src, out = args[0], args[1]
    count = int(args[2]) if len(args) == 3 else 64
    try:
        trace = V6Trace(src)
    except ValueError as e:
        sys.exit(str(e))
    if trace.order != "<":
        sys.exit(f"{src}: big-endian traces are not handled")
    data, page_size, pages = trace.orig, trace.page_size, trace.pages()
    os.makedirs(out, exist_ok=True)
    step = max(1, len(pages) // count)
    for i, p in enumerate(pages[::step][:count]):
        mode = 4 | (2 if i % 2 else 0)
        blob = bytes([1 if patched else 0, mode]) + data[p:p + page_size * (1 + i % 2)]
        name = f"seed-{'patched' if patched else 'stock'}-{i:03d}"
        if v7:
            own = [data[q:q + page_size] for q in (p, p + page_size, p + 2 * page_size)
                   if q + page_size <= len(data)][:1 + i % 3]
            blob = bytes([1 if patched else 0, 8 | (16 if i % 2 else 0) | (2 if i % 4 == 1 else 0)])
            blob += mini_v7(own, page_size, i, patched)
            name = f"seed-v7hdr-{'patched' if patched else 'stock'}-{i:03d}"
        with open(os.path.join(out, name), "wb") as f:
            f.write(blob)
    print(f"{min(count, len(pages[::step]))} seeds in {out}")


if __name__ == "__main__":
    main()
