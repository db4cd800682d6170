#!/usr/bin/env bash
# A stand-in for ./run-host.sh in the driver test of benchmarks/multi-guest (no emulated host):
# takes the options the runner passes and leaves an untraced results directory of the same
# shape (run.json, guestN/console.log with the workload's line, kvm-stats.json, debugfs).
#   FAKE_FAIL=TEXT   a run whose --out contains TEXT exits 1 with run-host.sh's ERROR line
#   FAKE_SLEEP=S     seconds each run takes (default 0)
# The options' variables are set by name from run-host.sh's table, which shellcheck cannot follow.
# shellcheck disable=SC2154
set -euo pipefail
PROG=fake-run-host.sh
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=images/lib.sh
. "$ROOT/images/lib.sh"
# The options as run-host.sh takes them (its table): what the real one refuses, this one does.
# shellcheck source=images/run-host-options.sh
. "$ROOT/images/run-host-options.sh"
usage() { echo "Usage: tests/runner/fake-run-host.sh [run-host.sh options]"; }
options_parse "$@"
cmd=$guest_cmd smp=$guest_smp
[ "$build_only" = 0 ] || exit 0
[ "$trace" = 0 ] || { echo "fake-run-host.sh: traced runs are not faked" >&2; exit 2; }
mkdir -p "$out"
echo "$$" >"$out/fake.pid"
sleep "${FAKE_SLEEP:-0}"
if [ -n "${FAKE_FAIL:-}" ] && [[ "$out" == *"$FAKE_FAIL"* ]]; then
	echo "run-host.sh: ERROR: qemu-system-aarch64 exited with status 137 (fake)"
	exit 1
fi
read -r _ wl _ <<<"$cmd"
g='[]'
for ((n = 0; n < guests; n++)); do
	d=$out/guest$n
	mkdir -p "$d/debugfs"
	echo "$((200 + n))-11" >"$d/debugfs/vm-name"
	jq -n --argjson v "$smp" --argjson n "$n" '{vcpus: [range($v) | {cpu_index: ., stats: {exits: (1000 * ($n + 1) + .)}}]}' >"$d/kvm-stats.json"
	printf 'exitlab-workload: name=%s ops=100 seconds=%s ops_per_s=%s unit=ops vm_exits=7 check=0\n' \
		"$wl" "$((n + 1))" "$((100 / (n + 1)))" >"$d/console.log"
	printf 'exitlab-guest: workload finished: exit status 0, uptime %s.5 s\n' "$((n + 2))" >>"$d/console.log"
	g=$(jq --arg name "guest$n" '. + [{name: $name, status: "shutdown"}]' <<<"$g")
done
jq -n --argjson g "$g" '{guests: $g}' >"$out/run.json"
echo "run-host.sh: done (fake); results: $out"
