#!/usr/bin/env bash
# Run one of exitlab's host test programs (tests/host/) inside the emulated KVM host with
# `run-host.sh --guests 0 --host-files DIR --host-cmd` (DIR: the programs, built here), print
# its output, and pass when it passed.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
if [ $# -lt 1 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
	echo "Usage: tests/e2e/host-program.sh PROGRAM [ARGS...]   (PROGRAM from tests/host/)"
	exit 2
fi
name=${1%% *}
out=$BUILD_DIR/test-runs/host-$name
rm -rf "$out"
programs=$(host_test_programs)
status=0
"$ROOT/run-host.sh" --out "$out" --guests 0 --host-files "$programs" --host-cmd "$*" || status=$?
cat "$out/host-cmd.log" 2>/dev/null || echo "no host-cmd.log in $out"
echo "run-host.sh exited with status $status"
[ "$status" = 0 ] && [ "$(cat "$out/host-cmd.status" 2>/dev/null)" = 0 ]
