#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# exitstat's --json and --csv are a format for programs (exitstat(1), JSON OUTPUT), checked on
# tests/traces/patched-arm64-2vm-2vcpu.dat for every subcommand: the document opens with
# schema_version 1 and the command; every key, at any depth and in every table row, is
# ^[a-z][a-z0-9_]*$ (the class names that key timeline's "classes" objects are values and
# are exempt); each CSV block's header names the JSON keys of that table in order (key/value
# blocks: the keys in their first column), timeline's long CSV its own columns; and a trace
# that fails half-way leaves stdout empty in JSON and CSV (no partial document), exit 1.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
exitstat=${EXITSTAT:-$BUILD_DIR/exitstat/exitstat}
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
[ -x "$exitstat" ] || make -s -C "$ROOT/tools/exitstat" all >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trace=$ROOT/tests/traces/patched-arm64-2vm-2vcpu.dat
other=$ROOT/tests/traces/patched-arm32-lossy.dat

# Every object key of the document that is not snake_case, one per line.
# shellcheck disable=SC2016 # jq's variables
bad_keys='[paths | select(.[-1] | type == "string")
	| select(length == 4 and .[0] == "intervals" and .[2] == "classes" | not) | .[-1]]
	| unique | .[] | select(test("^[a-z][a-z0-9_]*$") | not)'

# csv_tables CSV: "NAME HEADER" per block ("# NAME" line, then its header line).
csv_tables() { awk '/^# / { name = $2; getline; print name, $0 }' "$1"; }
# csv_keys CSV NAME: the first column of block NAME's rows (a key/value block's keys).
csv_keys() {
	awk -v want="# $2" '$0 == want { on = 1; getline; next } /^$/ { on = 0 } on' "$1" |
		cut -d, -f1 | paste -sd, -
}

# csv_matches_json CMD: every CSV block against the JSON member of the same name.
csv_matches_json() {
	local cmd=$1 name header kind want got ok=1
	while read -r name header; do
		kind=$(jq -r --arg n "$name" '.[$n] | type' "$tmp/$cmd.json")
		case "$kind" in
		object)
			want=$(jq -r --arg n "$name" '.[$n] | keys_unsorted | join(",")' "$tmp/$cmd.json")
			got=$(csv_keys "$tmp/$cmd.csv" "$name")
			if [ "$header" != key,value ] || [ "$got" != "$want" ]; then
				ok=0
				echo "    $name: header '$header', keys '$got', JSON '$want'"
			fi
			;;
		array)
			if [ "$cmd/$name" = timeline/intervals ]; then
				# long format: one row per interval and class; its columns, and JSON's
				# keys but the per-class object
				want=start_s,end_s,class,exits
				[ "$(jq -r '.intervals[0] | keys_unsorted - ["classes", "rate_per_s"] | join(",")' \
					"$tmp/$cmd.json")" = start_s,end_s,exits ] || { ok=0; echo "    timeline JSON keys"; }
			else
				want=$(jq -r --arg n "$name" '.[$n][0] // {} | keys_unsorted | join(",")' "$tmp/$cmd.json")
				[ -n "$want" ] || { ok=0; echo "    $name: no rows in the JSON to compare with"; }
			fi
			[ "$header" = "$want" ] || { ok=0; echo "    $name: header '$header', JSON '$want'"; }
			;;
		*) ok=0; echo "    $name: CSV block without a JSON member ($kind)" ;;
		esac
	done < <(csv_tables "$tmp/$cmd.csv")
	[ "$ok" = 1 ]
}

for cmd in summary timeline hvc sysreg mmio lost compare; do
	args=("$trace")
	[ "$cmd" = compare ] && args+=("$other")
	if ! "$exitstat" "$cmd" --json "${args[@]}" >"$tmp/$cmd.json" ||
	   ! "$exitstat" "$cmd" --csv "${args[@]}" >"$tmp/$cmd.csv"; then
		fail "$cmd: --json and --csv run"
		continue
	fi
	# shellcheck disable=SC2016
	check_quiet "$cmd --json: valid, opens with schema_version 1 and command \"$cmd\"" \
		jq -e --arg c "$cmd" 'keys_unsorted[0:2] == ["schema_version", "command"]
			and .schema_version == 1 and .command == $c' "$tmp/$cmd.json"
	jq -r "$bad_keys" "$tmp/$cmd.json" >"$tmp/bad"
	n=$(jq '[paths | select(.[-1] | type == "string")] | length' "$tmp/$cmd.json")
	check "$cmd --json: all $n keys are snake_case$([ -s "$tmp/bad" ] && echo ", not: $(paste -sd' ' "$tmp/bad")")" \
		test ! -s "$tmp/bad"
	check "$cmd --csv: $(csv_tables "$tmp/$cmd.csv" | wc -l) blocks, headers and keys equal the JSON's" \
		csv_matches_json "$cmd"
done

# No partial document: CPU 1's compressed chunk in the middle of the trace made unreadable
# (a zstd frame header overwritten) fails timeline after it has produced rows.
if ! command -v python3 >/dev/null; then
	echo "SKIP no partial document: python3 is needed to corrupt a trace"
	finish
	exit
fi
python3 - "$trace" "$tmp/mid-corrupt.dat" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
# the top BUFFER option: CPU 1's chunks (trace-cmd.dat.v7(5)), as tests/exitstat/fixtures.sh
cpu1 = struct.unpack_from("<Q", data, data.rfind(b"local\x00") + 6 + 8 + 20 + 4)[0]
x = cpu1 + 4
for _ in range(struct.unpack_from("<I", data, cpu1)[0] // 2 - 1):
    x += 8 + struct.unpack_from("<I", data, x)[0]
out = bytearray(data)
out[x + 12:x + 20] = b"\xff" * 8
open(sys.argv[2], "wb").write(out)
PY
"$exitstat" timeline "$tmp/mid-corrupt.dat" >"$tmp/text" 2>/dev/null || true
for fmt in json csv; do
	rc=0
	"$exitstat" timeline --"$fmt" "$tmp/mid-corrupt.dat" >"$tmp/out" 2>"$tmp/err" || rc=$?
	check "timeline --$fmt on a trace failing half-way (text: $(wc -l <"$tmp/text") lines first): exit 1, stdout empty, one line on stderr" \
		test "$rc" = 1 -a ! -s "$tmp/out" -a "$(wc -l <"$tmp/err")" = 1 -a -s "$tmp/text"
done
# A failed write is an error, not a silent truncation.
if [ -w /dev/full ]; then
	rc=0
	"$exitstat" summary --json "$trace" >/dev/full 2>"$tmp/err" || rc=$?
	check "summary --json >/dev/full: exit $rc, $(cat "$tmp/err")" test "$rc" = 1 -a \
		"$(cat "$tmp/err")" = "exitstat: standard output: write: No space left on device"
fi
finish
