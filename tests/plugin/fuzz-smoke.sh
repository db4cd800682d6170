#!/usr/bin/env bash
# Short libFuzzer run of the traceevent plugin's print handlers under ASan/UBSan
# (tools/tep-plugin/fuzz-plugin.c): replays exitstat's fuzz corpus (build/exitstat/corpus,
# real ring-buffer pages of the fixtures and what fuzz-decode kept; made by
# tests/exitstat/fuzz-smoke.sh or `make -C tools/exitstat fuzz-seeds`) and its own, then
# fuzzes for FUZZ_TIME seconds (default 30). SKIP without clang.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
build=$BUILD_DIR/tep-plugin
time=${FUZZ_TIME:-30}
command -v clang >/dev/null || { echo "SKIP: clang not installed (needed for -fsanitize=fuzzer)"; exit 77; }
mkdir -p "$build/corpus"
if ! make -s -C "$ROOT/tools/tep-plugin" BUILD="$build" fuzz >"$build/fuzz-build.log" 2>&1; then
	cat "$build/fuzz-build.log"
	fail "build the fuzz target"
	finish
	exit 1
fi
corpora=("$build/corpus")
if [ -d "$BUILD_DIR/exitstat/corpus" ]; then
	corpora+=("$BUILD_DIR/exitstat/corpus")
else
	echo "note: no exitstat corpus in $BUILD_DIR/exitstat/corpus: starting from the plugin's own"
fi
log=$build/fuzz-smoke.log
units=$(find "${corpora[@]}" -type f | wc -l)
# New units go to the first directory only: exitstat's corpus is read, never written.
if "$build/fuzz-plugin" -max_total_time="$time" -print_final_stats=1 \
	-artifact_prefix="$build/" "${corpora[@]}" >"$log" 2>&1; then
	execs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$log")
	pass "fuzz-plugin: $units corpus units replayed, ${time}s, ${execs:-?} inputs, no sanitizer report"
else
	tail -40 "$log"
	fail "fuzz-plugin found a crash: see $log and $build/crash-*"
fi
finish
