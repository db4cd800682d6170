#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Short libFuzzer run of exitstat's record-decoding layer under ASan/UBSan:
# builds tools/exitstat's fuzz target with clang, replays the kept corpus
# (build/exitstat/corpus, seeded from real fixture pages when available)
# and fuzzes for FUZZ_TIME seconds (default 30). Exit 77 without clang.

set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${BUILD:-$repo/build/exitstat}
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
if [ -z "$(ls -A "$build/corpus")" ]; then
	make -s -C "$repo/tools/exitstat" BUILD="$build" fuzz-seeds > /dev/null 2>&1 ||
		echo "note: no fixture seeds (fixtures or trace-cmd missing); starting from nothing"
fi
log=$build/fuzz-smoke.log
if "$build/fuzz-decode" -max_total_time="$time" -print_final_stats=1 \
	-artifact_prefix="$build/" "$build/corpus" > "$log" 2>&1; then
	execs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$log")
	echo "PASS fuzz-decode ${time}s, ${execs:-?} inputs, no sanitizer report"
	echo "1 passed, 0 failed"
	exit 0
fi
tail -40 "$log"
echo "FAIL fuzz-decode found a crash: see $log and $build/crash-*"
echo "0 passed, 1 failed"
exit 1
