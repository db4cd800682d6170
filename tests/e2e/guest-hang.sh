#!/usr/bin/env bash
# A guest that never finishes: run-host.sh must stop it at --timeout, exit 1 with a message
# naming the guest, and keep what was collected (trace, console, statistics of the VM).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
out=$BUILD_DIR/test-runs/guest-hang
rm -rf "$out"
status=0
"$ROOT/run-host.sh" --out "$out" --timeout 30 --guest-cmd 'echo about to hang; sleep 100000' \
	>"$out.log" 2>&1 || status=$?
cat "$out.log"
check "run-host.sh exits 1 (got $status)" test "$status" = 1
check "the error names the guest and the timeout" grep -q 'guest0: no power-off after 30s' "$out/errors.txt"
check "run-host.sh reports the failure" grep -q 'ERROR: the study inside the host failed' "$out.log"
check "guest0 status is timeout" grep -qx timeout "$out/guest0/status"
check "guest console kept, workload had started" grep -q 'about to hang' "$out/guest0/console.log"
check "trace.dat kept and readable" bash -c "trace-cmd report -N -i '$out/trace.dat' 2>/dev/null | grep -q kvm_exit"
check "per-vcpu statistics read from the stopped VM" jq -e '.vcpus[0].stats.exits > 0' "$out/guest0/kvm-stats.json"
check "run.json written" jq -e '.guests[0].status == "timeout"' "$out/run.json"
finish
