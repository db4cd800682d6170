#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Synthetic /dev/kvm_exit_stats snapshots for the guest-exits unit tests.

The layout is include/exitlab/exit-stats-abi.h's (EXIT_STATS_SNAP_*, EXIT_STATS_BLOCK_*),
documented in kernel-patches/V/0006 (Documentation/virt/kvm/arm/exit-stats.rst): a header,
then the VM's block (the sum of the vcpus') and one block per vcpu, little-endian.

  make-snapshot.py make FILE [options]   write a snapshot
  make-snapshot.py bump FILE --cpu I --cls C --count N --ticks T
                                         N more exits of class C on vcpu I (and the VM)
"""
import argparse
import struct
import sys

MAGIC = 0x5453584B
V1_HEADER = 64
NR_CLASSES = 0x43


def block_size(nr_classes, extra):
    return 16 + 16 * nr_classes + extra


def make(a):
    nc = a.nr_classes
    bs = block_size(nc, a.block_extra)
    classes = [0, 0]
    for c in a.classes:
        classes[c // 64] |= 1 << (c % 64)
    hdr = struct.pack("<6I3Q2Q", a.magic, a.version, a.header_size, bs, nc, a.vcpus + 1,
                      a.sequence, a.hz, a.mpidr_base, classes[0], classes[1])
    hdr += b"\xee" * (a.header_size - len(hdr))
    blocks = [[0, 0] + [0] * (2 * nc) for _ in range(a.vcpus + 1)]
    for i in range(a.vcpus):
        blocks[i + 1][0] = a.mpidr_base + i
    if blocks:
        blocks[0][0] = 0xFFFFFFFFFFFFFFFF
    for s in a.set:
        cpu, cls, count, ticks = (int(x, 0) for x in s.split(":"))
        b = blocks[cpu + 1]
        b[2 + 2 * cls] += count
        b[3 + 2 * cls] += ticks
        b[1] += count
    if not a.no_sum and blocks:
        for i in range(1, 2 + 2 * nc):
            blocks[0][i] = sum(b[i] for b in blocks[1:])
    data = hdr
    for b in blocks:
        data += struct.pack("<%dQ" % len(b), *b) + b"\xdd" * a.block_extra
    if a.truncate is not None:
        data = data[:a.truncate]
    with open(a.file, "wb") as f:
        f.write(data)


def bump(a):
    with open(a.file, "r+b") as f:
        data = bytearray(f.read())
        hs, bs = struct.unpack_from("<II", data, 8)
        for blk, add_exits in ((0, True), (a.cpu + 1, True)):
            off = hs + blk * bs
            for field, by in ((16 + 16 * a.cls, a.count), (24 + 16 * a.cls, a.ticks),
                              (8, a.count if add_exits else 0)):
                v, = struct.unpack_from("<Q", data, off + field)
                struct.pack_into("<Q", data, off + field, v + by)
        f.seek(0)
        f.write(data)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make")
    m.add_argument("file")
    m.add_argument("--vcpus", type=int, default=2)
    m.add_argument("--hz", type=int, default=62500000)
    m.add_argument("--magic", type=lambda x: int(x, 0), default=MAGIC)
    m.add_argument("--version", type=int, default=1)
    m.add_argument("--header-size", type=int, default=V1_HEADER)
    m.add_argument("--nr-classes", type=lambda x: int(x, 0), default=NR_CLASSES)
    m.add_argument("--block-extra", type=int, default=0, help="bytes appended to each block")
    m.add_argument("--sequence", type=int, default=1)
    m.add_argument("--mpidr-base", type=lambda x: int(x, 0), default=0)
    m.add_argument("--classes", type=lambda x: [int(c, 0) for c in x.split(",")],
                   default=[0x01, 0x12, 0x16, 0x24, 0x40])
    m.add_argument("--set", action="append", default=[], metavar="CPU:CLASS:COUNT:TICKS")
    m.add_argument("--no-sum", action="store_true", help="leave the VM block zero")
    m.add_argument("--truncate", type=int, help="keep only this many bytes")
    b = sub.add_parser("bump")
    b.add_argument("file")
    b.add_argument("--cpu", type=int, required=True)
    b.add_argument("--cls", type=lambda x: int(x, 0), required=True)
    b.add_argument("--count", type=int, default=1)
    b.add_argument("--ticks", type=int, default=0)
    a = p.parse_args()
    make(a) if a.cmd == "make" else bump(a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
