#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Short libFuzzer run of exitstat's record-decoding layer under ASan/UBSan:
# builds tools/exitstat's fuzz target with clang, runs it once on each
# compressed (v7 file) seed, replays the kept corpus (build/exitstat/corpus,
# seeded from real fixture pages when available, with small zstd-compressed
# v7 files with header sections built around them) and fuzzes for FUZZ_TIME
# seconds (default 30).
# Exit 77 without clang.

set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$repo/tests/lib.sh"
build=${BUILD:-$BUILD_DIR/exitstat}
time=${FUZZ_TIME:-30}

if ! command -v clang > /dev/null; then
	echo "SKIP: clang not installed (needed for -fsanitize=fuzzer)"
	exit 77
fi
if ! make -s -C "$repo/tools/exitstat" BUILD="$build" fuzz > "$build.fuzz-build.log" 2>&1; then
	cat "$build.fuzz-build.log"
	echo "FAIL build fuzz target"
	echo "0 passed, 1 failed"
	exit 1
fi
mkdir -p "$build/corpus"
# (Re)seed when the corpus has no compressed (v7) seeds with header sections yet, e.g. one
# kept from before them (seed-v7-*: CPU data only).
if ! ls "$build/corpus"/seed-v7hdr-* > /dev/null 2>&1; then
	make -s -C "$repo/tools/exitstat" BUILD="$build" fuzz-seeds > /dev/null 2>&1 ||
		echo "note: no fixture seeds (fixtures, trace-cmd or zstd missing); starting from what there is"
fi
log=$build/fuzz-smoke.log
# The compressed inputs first, one run each: small v7 files read by v7.c, v7-headers.c and
# zstream.c.
v7_seeds=("$build/corpus"/seed-v7*)
if [ -e "${v7_seeds[0]}" ]; then
	if "$build/fuzz-decode" "${v7_seeds[@]}" > "$log" 2>&1; then
		echo "PASS fuzz-decode replays ${#v7_seeds[@]} compressed (v7) seeds"
		v7_pass=1
	else
		tail -40 "$log"
		echo "FAIL fuzz-decode on the compressed (v7) seeds: see $log"
		echo "0 passed, 1 failed"
		exit 1
	fi
else
	echo "note: no compressed (v7) seeds; the fuzzer must find that input mode itself"
	v7_pass=0
fi
if "$build/fuzz-decode" -max_total_time="$time" -print_final_stats=1 \
	-artifact_prefix="$build/" "$build/corpus" > "$log" 2>&1; then
	execs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$log")
	echo "PASS fuzz-decode ${time}s, ${execs:-?} inputs (pages, records, compressed v7 files), no sanitizer report"
	echo "$((1 + v7_pass)) passed, 0 failed"
	exit 0
fi
tail -40 "$log"
echo "FAIL fuzz-decode found a crash: see $log and $build/crash-*"
echo "$v7_pass passed, 1 failed"
exit 1
