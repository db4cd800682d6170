#!/usr/bin/env bash
# Guest-visible exit statistics end to end: two guests run the in-guest checks of
# /sys/hypervisor/exits, then the host-side trace confirms what each read (and that neither
# saw the other's exits). The checks (tests/guest/exitlab-exit-stats-test) reach the guests
# through run-host.sh --guest-files. Extra arguments go to run-host.sh (e.g. --guest-arch arm64).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
name=exit-stats${1:+-$(printf '%s' "$*" | tr -c 'a-z0-9' '-')}
"$ROOT/tests/e2e/run-study.sh" "$name" --guests 2 -- --guests 2 --guest-files "$ROOT/tests/guest" --guest-cmd exitlab-exit-stats-test "$@"
"$ROOT/tests/e2e/check-exit-stats.sh" "$BUILD_DIR/test-runs/$name"
