#!/usr/bin/env bash
# Run ./run-host.sh into a fresh build/test-runs/NAME and check its results directory.
#   tests/e2e/run-study.sh NAME [check-results options] -- [run-host.sh options]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
if [ $# -lt 1 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
	echo "Usage: tests/e2e/run-study.sh NAME [check-results options] -- [run-host.sh options]"
	exit 2
fi
name=$1
shift
check_args=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do check_args+=("$1"); shift; done
[ $# -gt 0 ] && shift
out=$BUILD_DIR/test-runs/$name
rm -rf "$out"
mkdir -p "$(dirname "$out")"
status=0
"$ROOT/run-host.sh" --out "$out" "$@" || status=$?
echo "run-host.sh exited with status $status"
[ "$status" = 0 ] || exit 1
"$ROOT/tests/e2e/check-results.sh" "${check_args[@]}" "$out"
