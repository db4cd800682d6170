#!/usr/bin/env bash
# A guest whose QEMU the host's OOM killer kills: a 1 GiB host runs a 900 MiB arm64 guest that
# touches 850 MiB (busybox dd's buffer). run-host.sh exits 1; the guest's status is
# oom-killed and the error names the kernel's "Killed process" line; the trace, the guest's
# console up to then and the host's kernel log are kept.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
out=$BUILD_DIR/test-runs/guest-oom
rm -rf "$out" "$out.log"
mkdir -p "$(dirname "$out")"
status=0
"$ROOT/run-host.sh" --out "$out" --guest-arch arm64 --mem 1024 --guest-mem 900 --timeout 600 \
	--guest-cmd 'echo "exitlab-test: touching 850 MiB"; dd if=/dev/zero of=/dev/null bs=850M count=1' \
	>"$out.log" 2>&1 || status=$?
cat "$out.log"
check "run-host.sh exits 1 (got $status)" test "$status" = 1
check "guest0's status is oom-killed" grep -qx oom-killed "$out/guest0/status"
check "the error names the OOM killer and the kernel's line" \
	grep -qE "^exitlab-host: ERROR: guest0: QEMU was killed by the host's OOM killer: .*Killed process $(cat "$out/guest0/qemu.pid" 2>/dev/null) \(qemu-system-aar" "$out.log"
check "errors.txt has it" grep -q "guest0: QEMU was killed by the host's OOM killer" "$out/errors.txt"
check "run.json: guest0 status oom-killed" jq -e '.guests[0].status == "oom-killed"' "$out/run.json"
check "the guest's console up to the kill" grep -q '^exitlab-test: touching 850 MiB' "$out/guest0/console.log"
check "the host's kernel log has the OOM report" grep -q 'invoked oom-killer' "$out/host-dmesg.log"
check "trace.dat kept and readable" bash -c "trace-cmd report -N -i '$out/trace.dat' 2>/dev/null | grep -q ' kvm_exit: '"
check "the host itself ended its stream" jq -e '.results_stream.ended == true and .trace_status == "complete"' "$out/run.json"
finish
