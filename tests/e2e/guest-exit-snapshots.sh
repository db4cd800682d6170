#!/usr/bin/env bash
# Guest-visible exit statistics in one exit: a guest with two vcpus runs the in-guest checks of
# /dev/kvm_exit_stats and 20 `guest-exits --run` of 500 + 2 hypercalls
# (tests/guest/exitlab-snapshot-test, shipped by --guest-files), then the host side checks
# the reports and finds the final snapshot's hypercall in the trace (tests/e2e/check-exit-snapshots.sh). Extra arguments
# go to run-host.sh (e.g. --guest-arch arm64).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
n=500 runs=20
name=exit-snapshots${1:+-$(printf '%s' "$*" | tr -c 'a-z0-9' '-')}
"$ROOT/tests/e2e/run-study.sh" "$name" --smp 2 -- --guest-smp 2 --guest-files "$ROOT/tests/guest" \
	--guest-cmd "exitlab-snapshot-test $n $runs" "$@"
"$ROOT/tests/e2e/check-exit-snapshots.sh" "$BUILD_DIR/test-runs/$name" "$n" "$runs"
