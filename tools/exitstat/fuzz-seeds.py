#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Seed corpus for fuzz-decode from a real trace: real ring-buffer pages.

usage: fuzz-seeds.py [--patched] TRACE.v6.dat CORPUS_DIR [COUNT]

TRACE must be uncompressed version 6 (trace-cmd convert --file-version 6
--compression none). Writes COUNT (default 64) files: the 2-byte
fuzz-decode selector (stock layout, or patched with --patched; little endian, 8-byte long, 4096-byte
pages; half with filters on) followed by one or two consecutive CPU pages.
"""
import os
import struct
import sys


def main():
    args = sys.argv[1:]
    patched = "--patched" in args
    args = [a for a in args if a != "--patched"]
    if len(args) not in (2, 3):
        sys.exit(__doc__)
    src, out = args[0], args[1]
    count = int(args[2]) if len(args) == 3 else 64
    data = open(src, "rb").read()
    if data[:12] != b"\x17\x08\x44tracing6\x00":
        sys.exit(f"{src}: not an uncompressed version-6 trace.dat")
    page_size = struct.unpack_from("<I", data, 14)[0]
    ncpus = struct.unpack_from("<I", data, data.rfind(b"options  \x00") - 4)[0]
    table = data.rfind(b"flyrecord\x00") + 10
    pages = []
    for c in range(ncpus):
        off, size = struct.unpack_from("<QQ", data, table + 16 * c)
        pages += [off + p for p in range(0, size, page_size)]
    os.makedirs(out, exist_ok=True)
    step = max(1, len(pages) // count)
    for i, p in enumerate(pages[::step][:count]):
        mode = 4 | (2 if i % 2 else 0)
        blob = bytes([1 if patched else 0, mode]) + data[p:p + page_size * (1 + i % 2)]
        name = f"seed-{'patched' if patched else 'stock'}-{i:03d}"
        with open(os.path.join(out, name), "wb") as f:
            f.write(blob)
    print(f"{min(count, len(pages[::step]))} seeds in {out}")


if __name__ == "__main__":
    main()
