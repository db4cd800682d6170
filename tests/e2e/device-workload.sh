#!/usr/bin/env bash
# A device workload end to end: one guest with its own virtio-blk disk (io) or NIC (net) runs
# `exitlab-workload io|net`; the run passes check-results.sh (exit counters == KVM's
# statistics, nothing lost) and check-devices.sh (the device's MMIO in the trace, exactly
# KVM's user-space MMIO exits; for net every byte reached the host's listener).
#   tests/e2e/device-workload.sh io|net [run-host.sh options, e.g. --guest-arch arm64]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
case "${1:-}" in
io) wl=io ops=512 dev=(--guest-disk 16) ;;
net) wl=net ops=1024 dev=(--guest-net) ;;
*) echo "Usage: tests/e2e/device-workload.sh io|net [run-host.sh options]" >&2; exit 2 ;;
esac
shift
name=device-$wl${1:+-$(printf '%s' "$*" | tr -c 'a-z0-9' '-')}
"$ROOT/tests/e2e/run-study.sh" "$name" --console-has "exitlab-workload: name=$wl ops=$ops " -- \
	"${dev[@]}" --guest-cmd "exitlab-workload $wl --ops $ops" "$@"
"$ROOT/tests/e2e/check-devices.sh" --workload "$wl" --ops "$ops" "$BUILD_DIR/test-runs/$name"
