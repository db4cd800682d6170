#!/usr/bin/env bash
# The file system of --out fills up mid-run: a tmpfs just large enough for run-host.sh's
# check of free space, filled by the test once the guest's workload started (its console is
# streamed into --out as it runs). run-host.sh exits 1 with an error that says the file system
# is full; what was written before is kept (the guest's console up to then). Needs root (mount).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
fs=$BUILD_DIR/test-runs/out-full-fs
out=$fs/run
mkdir -p "$fs"
umount "$fs" 2>/dev/null || true
if ! mount -t tmpfs -o size=2600M tmpfs "$fs" 2>/dev/null; then
	echo "SKIP out-full: cannot mount a tmpfs (needs root)"
	exit 77
fi
trap 'umount "$fs" 2>/dev/null || true' EXIT
(
	for _ in $(seq 1200); do
		if grep -q '^exitlab-guest: workload start' "$out/guest0/console.log" 2>/dev/null; then
			fallocate -l "$(($(df -P --block-size=1 "$fs" | awk 'NR == 2 { print $4 }') - 4096))" "$fs/filler" ||
				dd if=/dev/zero of="$fs/filler" bs=1M status=none 2>/dev/null || true
			echo "out-full.sh: filled $fs ($(df -Pm "$fs" | awk 'NR == 2 { print $4 }') MiB left)"
			exit 0
		fi
		sleep 0.5
	done
) &
filler=$!
status=0
"$ROOT/run-host.sh" --out "$out" --guest-arch arm64 --buffer-kb 1000 --timeout 300 \
	--guest-cmd 'sleep 5; exitlab-default-workload' >"$fs.log" 2>&1 || status=$?
wait "$filler" || true
cat "$fs.log"
check "run-host.sh exits 1 (got $status)" test "$status" = 1
check "run-host.sh says the file system of --out is full" \
	grep -q "^run-host.sh: ERROR: $out: the file system is full" "$fs.log"
check "the guest's console up to then is kept" grep -q '^exitlab-guest: workload start' "$out/guest0/console.log"
finish
