#!/usr/bin/env bash
# `report/generate --from` on the recorded inputs (tests/report/inputs: real runs and the
# default study's tables) and the traces in tests/traces, into a temporary directory; then
# check-report.py recomputes the numbers from exitstat and results.csv and checks the figures.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
command -v gnuplot >/dev/null || { echo "SKIP report-from (gnuplot not installed)"; exit 77; }
inputs=$ROOT/tests/report/inputs
[ -d "$inputs" ] || { echo "FAIL report-from ($inputs missing: tests/report/record-inputs.sh)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
args=("$inputs"/*/ "$ROOT"/tests/traces/*.dat)
args=("${args[@]%/}")
if ! "$ROOT/report/generate" --from "${args[@]}" --out "$tmp/report" >"$tmp/log" 2>&1; then
	cat "$tmp/log"
	echo "FAIL report/generate --from exited non-zero"
	echo "0 passed, 1 failed"
	exit 1
fi
echo "PASS report/generate --from ${#args[@]} inputs: $(tail -n 1 "$tmp/log")"
EXITSTAT=${EXITSTAT:-$BUILD_DIR/exitstat/exitstat} "$ROOT/tests/report/check-report.py" "$tmp/report" "${args[@]}"
