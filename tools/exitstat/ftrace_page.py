# SPDX-License-Identifier: GPL-2.0
"""Walk and write ftrace ring-buffer data pages, and rewrite uncompressed v6 trace.dat files.

Shared by the Python helpers that rewrite trace files for tests and benchmarks
(tests/exitstat/make-patched-trace.py, tests/exitstat/make-stock-trace.py,
benchmarks/make-big-trace.py).
"""
import struct

COMMIT_MASK = (1 << 27) - 1


def walk_page(page, order):
    """Yield (timestamp, payload) for each data event of a ring-buffer page.

    order is the struct byte-order prefix of the trace ("<" or ">"). Padding
    ends the page; time-extend records move the clock without yielding.
    """
    ts = struct.unpack_from(order + "Q", page, 0)[0]
    end = min(16 + (struct.unpack_from(order + "Q", page, 8)[0] & COMMIT_MASK), len(page))
    pos = 16
    while pos + 4 <= end:
        hdr = struct.unpack_from(order + "I", page, pos)[0]
        type_len, delta = hdr & 0x1F, hdr >> 5
        body = pos + 4
        if type_len == 29:
            if delta == 0:
                return
            pos = body + struct.unpack_from(order + "I", page, body)[0]
            continue
        if type_len in (30, 31):
            ext = (struct.unpack_from(order + "I", page, body)[0] << 27) + delta
            ts = ext if type_len == 31 else ts + ext
            pos = body + 4
            continue
        if type_len == 0:
            length = struct.unpack_from(order + "I", page, body)[0] - 4
            body += 4
        else:
            length = type_len * 4
        ts += delta
        yield ts, bytes(page[body:body + length])
        pos = body + ((length + 3) & ~3)


def last_ts(page, order):
    """Timestamp of the last event of a page (the page's base time if it has none)."""
    ts = struct.unpack_from(order + "Q", page, 0)[0]
    for ts, _ in walk_page(page, order):
        pass
    return ts


class PageWriter:
    """Pack (timestamp, payload) events, in time order, into fresh ring-buffer pages."""

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


class V6Trace:
    """An uncompressed version-6 trace.dat, for rewriting its kvm event formats and records.

    fmt(name) and set_fmt(name, text) read and replace an event format; rewrite(dst, fn)
    writes a copy whose records are fn(ts, record) for each record (None drops it), repacked
    into fresh pages per CPU.
    """

    def __init__(self, path):
        self.orig = open(path, "rb").read()
        self.data = bytearray(self.orig)
        if self.data[:10] != b"\x17\x08\x44tracing" or self.data[10:12] != b"6\x00":
            raise ValueError(f"{path}: not an uncompressed version-6 trace.dat "
                             "(trace-cmd convert --file-version 6 --compression none)")
        self.order = "<" if self.data[12] == 0 else ">"
        self.page_size = struct.unpack_from(self.order + "I", self.data, 14)[0]

    def _fmt_at(self, name):
        at = self.data.find(b"name: " + name.encode() + b"\n")
        if at < 0:
            raise ValueError(f"no {name} format")
        return at, struct.unpack_from(self.order + "Q", self.data, at - 8)[0]

    def fmt(self, name):
        at, size = self._fmt_at(name)
        return bytes(self.data[at:at + size])

    def event_id(self, name):
        return int(self.fmt(name).split(b"ID: ")[1].split(b"\n")[0])

    def set_fmt(self, name, text):
        at, size = self._fmt_at(name)
        self.data[at - 8:at + size] = struct.pack(self.order + "Q", len(text)) + text

    def rewrite(self, dst, fn):
        order, orig = self.order, self.orig
        # CPU data as stored in the input (offsets refer to the original bytes);
        # the CPU count is the u32 right before the "options  " section.
        ncpus = struct.unpack_from(order + "I", orig, orig.rfind(b"options  \x00") - 4)[0]
        ofly = orig.rfind(b"flyrecord\x00") + 10
        cpus = [struct.unpack_from(order + "QQ", orig, ofly + 16 * c) for c in range(ncpus)]
        table = self.data.rfind(b"flyrecord\x00") + 10
        head_end = table + 16 * len(cpus)
        out_cpus = []
        for off, sz in cpus:
            w = PageWriter(self.page_size, order)
            for p in range(off, off + sz, self.page_size):
                for ts, rec in walk_page(orig[p:p + self.page_size], order):
                    rec = fn(ts, rec)
                    if rec is not None:
                        w.add(ts, rec)
            w.flush()
            out_cpus.append(b"".join(w.pages))
        first_page = (head_end + self.page_size - 1) // self.page_size * self.page_size
        table_bytes, cur = b"", first_page
        for blob in out_cpus:
            table_bytes += struct.pack(order + "QQ", cur if blob else 0, len(blob))
            cur += len(blob)
        with open(dst, "wb") as out:
            out.write(self.data[:table])
            out.write(table_bytes)
            out.write(b"\0" * (first_page - head_end))
            for blob in out_cpus:
                out.write(blob)
