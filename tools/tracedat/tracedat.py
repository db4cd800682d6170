# SPDX-License-Identifier: GPL-2.0
"""Read and write trace.dat files: the one Python implementation for exitlab's tools and tests.

An uncompressed version-6 trace.dat (trace-cmd convert --file-version 6 --compression none)
is read and rewritten by V6Trace: its header, event formats and per-CPU ring-buffer pages
(walk_page, PageWriter). v7_file() writes a zstd-compressed version-7 file, with its header
sections if asked (V7Headers). formats() reads the kvm event formats of formats/*.format and
ring_headers() the ring buffer's headers beside them, the definitions the C tests and fuzz
targets use too (tools/tracedat/README.md); patched_exit() and stock_exit() turn a kvm_exit
format into the patched kernel's and back.

Used by the scripts beside it (fuzz-seeds.py, make-big-trace.py, make-patched-trace.py), which
Python finds it for, and by the trace generators of tests/, run with PYTHONPATH=tools/tracedat.
"""
import os
import struct
import subprocess

COMMIT_MASK = (1 << 27) - 1
FORMATS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "formats")


# ---- kvm event formats ------------------------------------------------------------------

def formats(name):
    """The event formats of formats/NAME.format: {event name: format text as tracefs prints it}.

    A format runs from its "name:" line to its "print fmt:" line; lines outside one (comments
    starting with "#", blank lines between formats) are not part of any.
    """
    out, cur = {}, None
    with open(os.path.join(FORMATS_DIR, name + ".format"), "rb") as f:
        for line in f:
            if cur is None and line.startswith(b"name: "):
                cur = [line]
            elif cur is not None:
                cur.append(line)
            if cur is not None and line.startswith(b"print fmt: "):
                out[cur[0][6:].strip().decode()] = b"".join(cur)
                cur = None
    return out


def ring_headers(name):
    """(header_page, header_event): formats/NAME.header_page and NAME.header_event, verbatim,
    as tracefs prints events/header_page and events/header_event."""
    out = []
    for kind in ("header_page", "header_event"):
        with open(os.path.join(FORMATS_DIR, f"{name}.{kind}"), "rb") as f:
            out.append(f.read())
    return tuple(out)


def format_id(text):
    """The event ID a format text declares."""
    return int(text.split(b"ID: ")[1].split(b"\n")[0])


def with_id(text, event_id):
    """The format text under another event ID (a trace keeps its own IDs)."""
    return text.replace(b"\nID: %d\n" % format_id(text), b"\nID: %d\n" % event_id, 1)


def _print_parts(text):
    """(format string, arguments) of a format's print fmt line."""
    line = text[text.index(b'print fmt: "') + len(b'print fmt: "'):].rstrip(b"\n")
    fmt, args = line.split(b'", ', 1)
    return fmt, args


def _exit_patch():
    """What kernel-patches/6.1/0002 adds to kvm_exit's format, from arm64.format and
    arm64-patched.format: its field lines, its part of the print format and its arguments."""
    stock, patched = formats("arm64")["kvm_exit"], formats("arm64-patched")["kvm_exit"]
    fields = b"".join(line + b"\n" for line in patched.split(b"\n")
                      if line.startswith(b"\tfield:") and line not in stock.split(b"\n"))
    (sfmt, sargs), (pfmt, pargs) = _print_parts(stock), _print_parts(patched)
    if not pfmt.startswith(sfmt) or not pargs.startswith(sargs):
        raise ValueError("arm64-patched.format's kvm_exit does not extend arm64.format's")
    return fields, pfmt[len(sfmt):], pargs[len(sargs):]


def patched_exit(text):
    """A stock kvm_exit format TEXT (its own ID and print format) with the patch's fields."""
    fields, fmt, args = _exit_patch()
    if fields in text:
        raise ValueError("kvm_exit already has the fields of kernel-patches/6.1/0002")
    last = text.rindex(b"\tfield:")
    at = text.index(b"\n", last) + 1
    text = text[:at] + fields + text[at:]
    sfmt, sargs = _print_parts(text)
    head = text[:text.index(b'print fmt: "')]
    return head + b'print fmt: "' + sfmt + fmt + b'", ' + sargs + args + b"\n"


def stock_exit(text):
    """The patched kvm_exit format TEXT without the patch's fields; ValueError if it lacks them."""
    fields, fmt, args = _exit_patch()
    if fields not in text or fmt not in text or args not in text:
        raise ValueError("kvm_exit is not the patched layout of kernel-patches/6.1/0002")
    return text.replace(fields, b"").replace(fmt, b"").replace(args, b"")


# ---- ring-buffer pages -------------------------------------------------------------------

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


# ---- version 6 ---------------------------------------------------------------------------

class V6Trace:
    """An uncompressed version-6 trace.dat, for reading its pages and rewriting its event
    formats and records.

    order ("<" or ">"), long_size and page_size are the header's; cpus is each CPU's (offset,
    size) of ring-buffer data in the file, orig its bytes. fmt(name) and set_fmt(name, text)
    read and replace an event format; rewrite(dst, fn) writes a copy whose records are
    fn(ts, record) for each record (None drops it), repacked into fresh pages per CPU;
    write(dst, sizes, data) one with other CPU data.
    """

    def __init__(self, path):
        with open(path, "rb") as f:
            self.orig = f.read()
        self.data = bytearray(self.orig)
        if self.data[:10] != b"\x17\x08\x44tracing" or self.data[10:12] != b"6\x00":
            raise ValueError(f"{path}: not an uncompressed version-6 trace.dat "
                             "(trace-cmd convert --file-version 6 --compression none)")
        # header: magic(10) version("6\0") endian(1) long_size(1) page_size(4)
        self.order = "<" if self.data[12] == 0 else ">"
        self.long_size = self.data[13]
        self.page_size = struct.unpack_from(self.order + "I", self.data, 14)[0]
        # the CPU count is the u32 right before the "options  " section; the flyrecord
        # section's table gives each CPU's data offset and size
        orig, order = self.orig, self.order
        ncpus = struct.unpack_from(order + "I", orig, orig.rfind(b"options  \x00") - 4)[0]
        fly = orig.rfind(b"flyrecord\x00")
        if fly < 0:
            raise ValueError(f"{path}: no flyrecord section")
        self.cpus = [struct.unpack_from(order + "QQ", orig, fly + 10 + 16 * c) for c in range(ncpus)]
        # after the table, the trace clock: u64 size, then its text ("[local]"...)
        at = fly + 10 + 16 * ncpus
        size = struct.unpack_from(order + "Q", orig, at)[0] if at + 8 <= len(orig) else 0
        self.clock = orig[at:at + 8 + size] if size < self.page_size else b""

    def pages(self):
        """The file offset of every ring-buffer page, CPU after CPU."""
        return [off + p for off, size in self.cpus for p in range(0, size, self.page_size)]

    def _fmt_at(self, name):
        at = self.data.find(b"name: " + name.encode() + b"\n")
        if at < 0:
            raise ValueError(f"no {name} format")
        return at, struct.unpack_from(self.order + "Q", self.data, at - 8)[0]

    def fmt(self, name):
        at, size = self._fmt_at(name)
        return bytes(self.data[at:at + size])

    def event_id(self, name):
        return format_id(self.fmt(name))

    def set_fmt(self, name, text):
        at, size = self._fmt_at(name)
        self.data[at - 8:at + size] = struct.pack(self.order + "Q", len(text)) + text

    def rewrite(self, dst, fn):
        order, orig, out_cpus = self.order, self.orig, []
        for off, sz in self.cpus:
            w = PageWriter(self.page_size, order)
            for p in range(off, off + sz, self.page_size):
                for ts, rec in walk_page(orig[p:p + self.page_size], order):
                    rec = fn(ts, rec)
                    if rec is not None:
                        w.add(ts, rec)
            w.flush()
            out_cpus.append(b"".join(w.pages))
        self.write(dst, [len(b) for b in out_cpus], out_cpus)

    def write(self, dst, sizes, data):
        """Write the header (with its formats as set) and new ring-buffer data: SIZES is each
        CPU's size in bytes, DATA an iterable of byte strings, the CPUs' data one after the
        other; a new flyrecord table, the trace clock, the data page-aligned after them."""
        order = self.order
        table = self.data.rfind(b"flyrecord\x00") + 10
        head_end = table + 16 * len(sizes) + len(self.clock)
        first_page = (head_end + self.page_size - 1) // self.page_size * self.page_size
        table_bytes, cur = b"", first_page
        for size in sizes:
            table_bytes += struct.pack(order + "QQ", cur if size else 0, size)
            cur += size
        with open(dst, "wb") as out:
            out.write(self.data[:table])
            out.write(table_bytes)
            out.write(self.clock)
            out.write(b"\0" * (first_page - head_end))
            for chunk in data:
                out.write(chunk)


# ---- version 7 ---------------------------------------------------------------------------

def zstd(raw):
    """RAW compressed by the zstd program (level 1)."""
    return subprocess.run(["zstd", "-q", "-c", "-1"], input=raw, check=True,
                          capture_output=True).stdout


# Option ids of trace-cmd.dat.v7(5); the section an option HEADER_INFO..CMDLINES points to
# has the option's id.
OPT_DONE, OPT_DATE, OPT_CPUSTAT, OPT_BUFFER, OPT_OFFSET, OPT_CPUCOUNT = 0, 1, 2, 3, 7, 8
OPT_HEADER_INFO, OPT_FTRACE_EVENTS, OPT_EVENT_FORMATS = 16, 17, 18
OPT_KALLSYMS, OPT_PRINTK, OPT_CMDLINES = 19, 20, 21


class V7Headers:
    """The header sections of a v7 file, for v7_file(): the ring-buffer headers (a
    ring_headers() pair), ftrace's formats (a list of texts), the event formats ({system:
    [texts]}), saved command lines (text); kallsyms and printk formats (text, or None for no
    section); all compressed with zstd if COMPRESS."""

    def __init__(self, ring, events, ftrace=(), cmdlines=b"", kallsyms=None, printk=None,
                 compress=False):
        self.ring, self.events, self.ftrace = ring, events, list(ftrace)
        self.cmdlines, self.kallsyms, self.printk = cmdlines, kallsyms, printk
        self.compress = compress

    def sections(self):
        """[(id, body)] as trace-cmd.dat.v7(5) lays each section out."""
        page, event = self.ring
        out = [(OPT_HEADER_INFO, b"header_page\0" + struct.pack("<Q", len(page)) + page +
                b"header_event\0" + struct.pack("<Q", len(event)) + event)]
        body = struct.pack("<I", len(self.ftrace))
        out.append((OPT_FTRACE_EVENTS, body + b"".join(struct.pack("<Q", len(t)) + t
                                                       for t in self.ftrace)))
        body = struct.pack("<I", len(self.events))
        for system, texts in self.events.items():
            body += system.encode() + b"\0" + struct.pack("<I", len(texts))
            body += b"".join(struct.pack("<Q", len(t)) + t for t in texts)
        out.append((OPT_EVENT_FORMATS, body))
        if self.kallsyms is not None:
            out.append((OPT_KALLSYMS, struct.pack("<I", len(self.kallsyms)) + self.kallsyms))
        if self.printk is not None:
            out.append((OPT_PRINTK, struct.pack("<I", len(self.printk)) + self.printk))
        out.append((OPT_CMDLINES, struct.pack("<Q", len(self.cmdlines)) + self.cmdlines))
        return out


def _section(sec_id, body, compress):
    """A section: header (id, flags, string id, size), then the body, compressed
    ("COMPRESSION FORMAT OF THE FILE SECTIONS") if COMPRESS."""
    if compress:
        z = zstd(body)
        return struct.pack("<HHIQII", sec_id, 1, 0, 8 + len(z), len(z), len(body)) + z
    return struct.pack("<HHIQ", sec_id, 0, 0, len(body)) + body


def v7_file(cpus, page_size, compress_options=False, headers=None, options=()):
    """A little-endian trace.dat version 7 file, as trace-cmd.dat.v7(5) describes it: file
    header, the header sections of HEADERS (a V7Headers; none without), a BUFFER FLYRECORD
    section with zstd-compressed CPU data in chunks (CPUS: one list of raw chunks per CPU),
    one options section (itself compressed if COMPRESS_OPTIONS) with an option for each header
    section, OPTIONS ((id, data) pairs: CPUCOUNT, CPUSTAT, DATE, ...), BUFFER and DONE."""
    out = bytearray(b"\x17\x08Dtracing7\x00\x00\x08")
    out += struct.pack("<I", page_size) + b"zstd\x001.5.4\x00"
    opt_at = len(out)
    out += bytes(8)
    opts = b""
    for sec_id, body in headers.sections() if headers else ():
        opts += struct.pack("<HIQ", sec_id, 8, len(out))
        out += _section(sec_id, body, headers.compress)
    for opt_id, data in options:
        opts += struct.pack("<HI", opt_id, len(data)) + data
    fly = len(out)
    out += struct.pack("<HHIQ", OPT_BUFFER, 1, 0, 0)
    table = []
    for cpu, chunks in enumerate(cpus):
        off = len(out)
        out += struct.pack("<I", len(chunks))
        for raw in chunks:
            z = zstd(raw)
            out += struct.pack("<II", len(z), len(raw)) + z
        table.append((cpu, off, len(out) - off - 4))
    struct.pack_into("<Q", out, opt_at, len(out))
    body = struct.pack("<Q", fly) + b"\x00local\x00" + struct.pack("<II", page_size, len(table))
    body += b"".join(struct.pack("<IQQ", *c) for c in table)
    opts += struct.pack("<HI", OPT_BUFFER, len(body)) + body + struct.pack("<HIQ", OPT_DONE, 8, 0)
    out += _section(0, opts, compress_options)
    return bytes(out)
