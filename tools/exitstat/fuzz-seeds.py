#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Seed corpus for fuzz-decode from a real trace: real ring-buffer pages.

usage: fuzz-seeds.py [--patched] [--v7] TRACE.v6.dat CORPUS_DIR [COUNT]

TRACE must be uncompressed version 6 (trace-cmd convert --file-version 6
--compression none). Writes COUNT (default 64) files: the 2-byte
fuzz-decode selector (stock layout, or patched with --patched; little endian, 8-byte long, 4096-byte
pages; half with filters on) followed by one or two consecutive CPU pages.
With --v7, each file is instead a small trace.dat version 7 file as
trace-cmd.dat.v7(5) describes it (file header, a BUFFER FLYRECORD section
header, zstd-compressed CPU data in chunks, one options section with the
BUFFER and DONE options; every fourth one compressed): CPU 0 with one to
three real pages in one to three chunks, CPU 1 with one chunk; half of them
decompressed by a helper thread. Needs the zstd program.
"""
import os
import struct
import subprocess
import sys


def zstd(raw):
    return subprocess.run(["zstd", "-q", "-c", "-1"], input=raw, check=True,
                          capture_output=True).stdout


def mini_v7(pages, page_size, i):
    """A small v7 file around the pages (a list of bytes objects)."""
    out = bytearray(b"\x17\x08Dtracing7\x00\x00\x08")
    out += struct.pack("<I", page_size) + b"zstd\x001.5.4\x00"
    opt_at = len(out)
    out += bytes(8)
    fly = len(out)
    out += struct.pack("<HHIQ", 3, 1, 0, 0)
    nchunks = 1 + (i // 3) % len(pages)
    per = [pages[k::nchunks] for k in range(nchunks)]
    cpus = []
    for cpu, chunks in enumerate((per, [pages[-1:]])):
        off = len(out)
        out += struct.pack("<I", len(chunks))
        for chunk in chunks:
            raw = b"".join(chunk)
            z = zstd(raw)
            out += struct.pack("<II", len(z), len(raw)) + z
        cpus.append((cpu, off, len(out) - off - 4))
    struct.pack_into("<Q", out, opt_at, len(out))
    body = struct.pack("<Q", fly) + b"\x00local\x00" + struct.pack("<II", page_size, len(cpus))
    body += b"".join(struct.pack("<IQQ", *c) for c in cpus)
    opts = struct.pack("<HI", 3, len(body)) + body + struct.pack("<HIQ", 0, 8, 0)
    if i % 4 == 3:
        z = zstd(opts)
        out += struct.pack("<HHIQII", 0, 1, 0, 8 + len(z), len(z), len(opts)) + z
    else:
        out += struct.pack("<HHIQ", 0, 0, 0, len(opts)) + opts
    return bytes(out)


def main():
    args = sys.argv[1:]
    patched = "--patched" in args
    v7 = "--v7" in args
    args = [a for a in args if a not in ("--patched", "--v7")]
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
        if v7:
            own = [data[q:q + page_size] for q in (p, p + page_size, p + 2 * page_size)
                   if q + page_size <= len(data)][:1 + i % 3]
            blob = bytes([1 if patched else 0, 8 | (16 if i % 2 else 0) | (2 if i % 4 == 1 else 0)])
            blob += mini_v7(own, page_size, i)
            name = f"seed-v7-{'patched' if patched else 'stock'}-{i:03d}"
        with open(os.path.join(out, name), "wb") as f:
            f.write(blob)
    print(f"{min(count, len(pages[::step]))} seeds in {out}")


if __name__ == "__main__":
    main()
