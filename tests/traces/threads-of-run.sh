#!/usr/bin/env bash
# The .threads file of a trace recorded here: for each vcpu thread of a run-host.sh results
# directory, "tid tgid exits" (its QEMU process, guestN/qemu.pid, and KVM's exits statistic,
# guestN/kvm-stats.json), sorted by tid. On a stock kernel the trace names no VM: these are the
# facts the tests check exitstat's per-guest and per-thread counts against (the first two
# columns are exitstat's --tgid-map).
set -euo pipefail
case "${1:-}" in
-h | --help) echo "Usage: tests/traces/threads-of-run.sh RESULTS-DIR   (prints tid tgid exits lines)"; exit 0 ;;
esac
[ $# = 1 ] || { echo "threads-of-run.sh: one results directory expected (see --help)" >&2; exit 2; }
lines=()
for d in "$1"/guest*/; do
	[ -d "$d" ] || continue
	if [ ! -f "$d/kvm-stats.json" ] || [ ! -f "$d/qemu.pid" ]; then
		echo "threads-of-run.sh: $d: no kvm-stats.json or qemu.pid" >&2
		exit 1
	fi
	mapfile -t -O "${#lines[@]}" lines < <(jq -r --arg tgid "$(cat "$d/qemu.pid")" \
		'.vcpus[] | "\(.thread_id) \($tgid) \(.stats.exits)"' "$d/kvm-stats.json")
done
[ "${#lines[@]}" -gt 0 ] || { echo "threads-of-run.sh: $1: no guest's vcpu threads" >&2; exit 1; }
printf '%s\n' "${lines[@]}" | sort -n
