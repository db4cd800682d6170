#!/usr/bin/env bash
# exitlab-stream (tools/stream) natively, on a disk image in a file: what `send` streams out of
# a directory (growing, replaced, rewritten, new, hidden and NAME.tmp files) is what `extract` writes
# back; `sync` returns after a whole pass; SIGTERM ends the stream (end=1); a torn last record
# is the end of the log, earlier records kept; a full disk says so and stops; a record whose
# path leaves the results directory is refused; --follow stops a process that stopped writing.
#   tests/stream/unit.sh EXITLAB_STREAM_BINARY
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
[ $# -eq 1 ] || { echo "Usage: tests/stream/unit.sh EXITLAB_STREAM_BINARY" >&2; exit 2; }
xs=$1
t=$BUILD_DIR/test-runs/stream-unit
rm -rf "$t"
mkdir -p "$t/res/guest0" "$t/run" "$t/out"
truncate -s 64M "$t/log.img"
status() { sed -n "s/^$1=//p" "$t/st"; } # status KEY: from the last extract's --status
extract() { rm -rf "$t/out"; mkdir -p "$t/out"; "$xs" extract --log "${1:-$t/log.img}" --out "$t/out" --status "$t/st"; }
same() { cmp -s "$t/res/$1" "$t/out/$1"; }

echo small >"$t/res/small.txt"
seq 1 300000 >"$t/res/guest0/console.log" # 2 MB: more than one record
: >"$t/res/empty"
echo secret >"$t/res/.hidden"
echo unfinished >"$t/res/trace.dat.tmp"
"$xs" send --dev "$t/log.img" --dir "$t/res" --run-dir "$t/run" --interval-ms 100 2>"$t/send.err" &
sender=$!
for _ in $(seq 50); do [ -s "$t/run/exitlab-stream.pid" ] && break; sleep 0.1; done
"$xs" sync --run-dir "$t/run"
seq 300001 310000 >>"$t/res/guest0/console.log"              # grows
echo changed >"$t/res/small.txt"                              # rewritten in place
printf 'x\n' >"$t/res/shrinks"; "$xs" sync --run-dir "$t/run"
: >"$t/res/shrinks"                                           # shrinks to nothing
echo new >"$t/res/new.tmp" && mv "$t/res/new.tmp" "$t/res/guest0/status" # a new inode
check "sync returns after a whole pass" "$xs" sync --run-dir "$t/run"
extract
check "extract while the sender runs: no end record yet" test "$(status end)" = 0
for f in small.txt guest0/console.log empty shrinks guest0/status; do
	check "$f streamed as it is" same "$f"
done
check "hidden files stay in" test ! -e "$t/out/.hidden"
check "NAME.tmp files stay in" test ! -e "$t/out/trace.dat.tmp"
mv "$t/res/trace.dat.tmp" "$t/res/trace.dat"
"$xs" sync --run-dir "$t/run"
extract
check "... until renamed NAME" same trace.dat
kill -TERM "$sender"
st=0
wait "$sender" || st=$?
check "send ends on SIGTERM with status 0 (got $st)" test "$st" = 0
extract
check "the stream ends with its end record" test "$(status end)" = 1
check "bytes counted" test "$(status bytes)" -gt 2000000

# A torn last record (the host died during the write): the log ends before it.
records=$(status records)
cp "$t/log.img" "$t/torn.img"
python3 - "$t/torn.img" <<'PY'
import struct, sys
f = open(sys.argv[1], "r+b")
pos = last = 0
while True:
    f.seek(pos); h = f.read(512)
    if h[:8] != b"EXLSTRM1": break
    last = pos
    length = struct.unpack_from("<I", h, 36)[0]
    pos += 512 + (length + 511) // 512 * 512
f.seek(last + 40); f.write(b"\xff\xff")   # the last record's data CRC
PY
extract "$t/torn.img"
check "a torn last record ends the log: $((records - 1)) of $records records kept" test "$(status records)" = $((records - 1))
check "a torn log has no end" test "$(status end)" = 0
check "files before the torn record kept" same guest0/console.log

# A full disk: FULL record, message, no end; what fit is kept.
mkdir -p "$t/res2"
head -c 3000000 /dev/urandom >"$t/res2/big"
truncate -s 1M "$t/small.img"
st=0
timeout 20 "$xs" send --dev "$t/small.img" --dir "$t/res2" --run-dir "$t/run" --interval-ms 100 2>"$t/full.err" &
sender=$!
sleep 1
kill -TERM "$sender" 2>/dev/null || true
wait "$sender" || st=$?
check "a full disk fails send (status $st)" test "$st" = 1
check "and says so" grep -q 'the stream disk is full' "$t/full.err"
extract "$t/small.img"
check "a full stream says full=1, end=0" test "$(status full)/$(status end)" = 1/0

# A record whose path leaves the results directory: refused, status 1.
python3 - "$t/evil.img" <<'PY'
import struct, sys, zlib
h = bytearray(512)
struct.pack_into("<8sQQQIIII", h, 0, b"EXLSTRM1", 1, 0, 0, 1, 4, zlib.crc32(b"evil"), 0)
h[48:48 + 9] = b"../escape"
struct.pack_into("<I", h, 44, zlib.crc32(bytes(h)))
open(sys.argv[1], "wb").write(bytes(h) + b"evil".ljust(512, b"\0") + bytes(4096))
PY
st=0
extract "$t/evil.img" 2>"$t/evil.err" || st=$?
check "a path with .. is refused (status $st)" test "$st" = 1 -a ! -e "$t/escape"
check "and named" grep -q "refused path '../escape'" "$t/evil.err"

# --follow: a writer that stops writing is stopped after --hang-s; a writer that ends, not.
sleep 300 &
victim=$!
echo "$victim" >"$t/victim.pid"
start=$(date +%s)
"$xs" extract --follow --log "$t/torn.img" --out "$t/out" --status "$t/st" --pidfile "$t/victim.pid" --hang-s 2
st=0
wait "$victim" 2>/dev/null || st=$?
check "--follow --hang-s 2 stopped the silent process (status $st, $(($(date +%s) - start))s)" test "$st" = 143
check "and said hung=1" test "$(status hung)" = 1
sleep 1 &
echo $! >"$t/victim.pid"
"$xs" extract --follow --log "$t/torn.img" --out "$t/out" --status "$t/st" --pidfile "$t/victim.pid" --hang-s 30
check "--follow ends with the process, hung=0" test "$(status hung)" = 0
st=0
"$xs" extract --log /nonexistent --out "$t/out" 2>"$t/err" || st=$?
check "a missing log: status 1, named" bash -c "[ $st = 1 ] && grep -q '^exitlab-stream: /nonexistent: No such file' '$t/err'"
st=0
"$xs" extract --log "$t/log.img" >/dev/null 2>&1 || st=$?
check "usage: status 2" test "$st" = 2
finish
