#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# exitstat opens zstd-compressed version 7 files without libtracecmd (layout, options, header
# sections, event formats and CPU data read by itself: tools/exitstat/v7.c, v7-headers.c,
# zstream.c); libtracecmd still opens every other file and serves --reader tcpage, record and
# iterate. Here the two openings are held against each other:
#   - v7-open-check (tests/exitstat/v7-open-check.c) on every trace of the tests
#     (tests/traces/*.dat, tests/traces/stock/*.dat, the fixtures): both teps event by event and
#     field by field, CPU count, long and page size, CPU statistics, saved command lines, and
#     per CPU the number of records and the first and last one (bytes and timestamps);
#   - every subcommand's CSV through --reader zpage, --reader tcpage and on an uncompressed
#     version 6 copy (the same but for the reader's and the file's names);
#   - files laid out by tools/tracedat (tests/exitstat/make-v7-trace.py, not trace-cmd) from a
#     recording's pages: header sections plain and compressed, DATE and OFFSET options that
#     shift every timestamp; libtracecmd must read them the same;
#   - spoilt header sections: one line naming the section, exit 1, nothing on standard output
#     (a format's size past its section, a system name cut off, no "header_page", a broken
#     zstd frame in trace-cmd's compressed EVENT_FORMATS, a format that crashes libtraceevent).
# The fixtures part SKIPs when they are absent; the rest needs trace-cmd, python3 and zstd.
# BUILD=DIR builds exitstat and the checker there (e.g. a sanitizer build: docs/exitstat-fuzzing.md).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
for tool in trace-cmd python3 zstd; do
	command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
build=${BUILD:-$BUILD_DIR/exitstat}
make -s -C "$ROOT/tools/exitstat" BUILD="$build" all v7-open-check >/dev/null
exitstat=$build/exitstat
checker=$build/v7-open-check
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

traces=("$ROOT"/tests/traces/*.dat "$ROOT"/tests/traces/stock/*.dat)
if ls "$FIXTURES_DIR"/*.dat >/dev/null 2>&1; then
	traces+=("$FIXTURES_DIR"/*.dat)
else
	echo "SKIP fixtures: no *.dat in $FIXTURES_DIR (set EXITLAB_FIXTURES)"
fi
commands=(summary lost hvc sysreg mmio timeline)

# csv_of TRACE NAME [exitstat options]: every subcommand's CSV into $tmp/NAME.CMD, without the
# lines naming the reader and the file.
csv_of() {
	local trace=$1 name=$2 cmd
	shift 2
	for cmd in "${commands[@]}"; do
		"$exitstat" "$cmd" --csv "$@" "$trace" 2>&1 | grep -v -e '^reader,' -e '^file,' >"$tmp/$name.$cmd" || true
	done
}
# same A B: every subcommand's output of A equals B's.
same() {
	local cmd
	for cmd in "${commands[@]}"; do
		cmp -s "$tmp/$1.$cmd" "$tmp/$2.$cmd" || { echo "    $1 and $2 differ in '$cmd':"; diff "$tmp/$1.$cmd" "$tmp/$2.$cmd" | head -4 | sed 's/^/      /'; return 1; }
	done
}
indent() { sed 's/^/    /'; }
# opening_agrees NAME TRACE: the checker's verdict, its summary line in the PASS line.
opening_agrees() {
	local out
	if out=$("$checker" "$2" 2>&1); then
		pass "$1: our opening equals libtracecmd's (${out##*$'\n'})"
	else
		fail "$1: our opening equals libtracecmd's"
		indent <<<"$out"
	fi
}

same_three() { same zpage tcpage && same zpage v6; }
for t in "${traces[@]}"; do
	name=$(basename "$t")
	opening_agrees "$name" "$t"
	trace-cmd convert --file-version 6 --compression none -i "$t" -o "$tmp/v6.dat" >/dev/null 2>&1
	csv_of "$t" zpage --reader zpage
	csv_of "$t" tcpage --reader tcpage
	csv_of "$tmp/v6.dat" v6
	check "$name: zpage, tcpage and its version 6 copy give the same ${commands[*]}" \
		same_three
	check_quiet "$name: the default reader is zpage" \
		grep -qx 'reader,zpage' <("$exitstat" summary --csv "$t")
done

# Files of our own making, from a recording's pages.
base=$ROOT/tests/traces/patched-arm64-2vm-2vcpu.dat
trace-cmd convert --file-version 6 --compression none -i "$base" -o "$tmp/base.v6.dat" >/dev/null 2>&1
make_v7() { PYTHONPATH="$ROOT/tools/tracedat" python3 "$ROOT/tests/exitstat/make-v7-trace.py" "$@"; }
csv_of "$base" base --reader tcpage
while read -r name args; do
	# shellcheck disable=SC2086 # the arguments, word-split
	make_v7 $args "$tmp/base.v6.dat" "$tmp/$name.dat"
	opening_agrees "tracedat $name" "$tmp/$name.dat"
	csv_of "$tmp/$name.dat" "$name-zpage" --reader zpage
	csv_of "$tmp/$name.dat" "$name-tcpage" --reader tcpage
	check "tracedat $name: zpage and tcpage give the same ${commands[*]}" same "$name-zpage" "$name-tcpage"
done <<'EOF'
plain
compressed --compress-headers
date --compress-headers --option 1=0x10
offset --option 7=-5000 --option 7=123456789
EOF
# Without shifts the records are the recording's (but for the CPU statistics made up here).
plain_is_recording() {
	cmp -s "$tmp/base.summary" "$tmp/plain-zpage.summary" && cmp -s "$tmp/base.hvc" "$tmp/plain-zpage.hvc"
}
check "tracedat plain: the recording's exits, classes and calls" plain_is_recording

# Spoilt header sections: "NAME | what the message says" per row.
corrupt() {
	local name=$1 says=$2 f=$tmp/$1.dat st=0
	"$exitstat" summary "$f" >"$tmp/out" 2>"$tmp/err" || st=$?
	if [ "$st" = 1 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -qF -- "exitstat: $f: $says" "$tmp/err" &&
	   [ ! -s "$tmp/out" ]; then
		pass "spoilt ($name): $(cat "$tmp/err")"
	else
		fail "spoilt ($name): exit $st, stdout $(wc -c <"$tmp/out") bytes, said: $(head -c 300 "$tmp/err")"
	fi
}
for b in formats-size system-name header-magic odd-format; do
	make_v7 --break "$b" "$tmp/base.v6.dat" "$tmp/$b.dat"
done
# trace-cmd's own file: bytes of the compressed EVENT_FORMATS section's zstd frame header
python3 - "$base" "$tmp/zstd-formats.dat" <<'PY'
import struct, sys
data = bytearray(open(sys.argv[1], "rb").read())
# the first options section (trace-cmd.dat.v7(5)): after magic, "7\0", endianness, long
# size, page size, "zstd\0VERSION\0"
at = data.index(b"\0", data.index(b"zstd\0") + 5) + 1
opts = struct.unpack_from("<Q", data, at)[0]
pos, end = opts + 16, opts + 16 + struct.unpack_from("<Q", data, opts + 8)[0]
while pos < end:
    ident, size = struct.unpack_from("<HI", data, pos)
    if ident == 18:         # EVENT_FORMATS
        sec = struct.unpack_from("<Q", data, pos + 6)[0]
        assert struct.unpack_from("<HH", data, sec) == (18, 1), "not a compressed section"
        data[sec + 16 + 8 + 4:sec + 16 + 8 + 12] = b"\xff" * 8
        break
    pos += 6 + size
open(sys.argv[2], "wb").write(data)
PY
while IFS='|' read -r name says; do
	corrupt "${name% }" "${says# }"
done <<'EOF'
formats-size | cannot read the trace.dat headers: EVENT_FORMATS section at
system-name | cannot read the trace.dat headers: EVENT_FORMATS section at 1009 (6 bytes): system 1 of 1: its name runs past the end: Bad message
header-magic | cannot read the trace.dat headers: HEADER_INFO section at 37: no "header_page": Bad message
odd-format | corrupt trace: libtraceevent crashed parsing its event formats (Segmentation fault)
zstd-formats | cannot read the trace.dat headers: EVENT_FORMATS section at
EOF
finish
