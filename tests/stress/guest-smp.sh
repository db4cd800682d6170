#!/usr/bin/env bash
# Stress of the 32-bit SMP guest crash (docs/known-issues.md): RUNS boots of the emulated
# host, each running two 32-bit guests with two vcpus each on the host's two CPUs (both
# vcpus of each guest busy), then, in the same host, the bare-vcpu reproducer
# vcpu-state-check (4 AArch32 one-vcpu VMs on 2 CPUs). A run passes when run-host.sh
# exits 0 (no guest or host crash marker, every guest powered off, see
# scripts/scan-crashes.sh) and the reproducer saw no register change.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

usage() {
	cat <<'USAGE'
Usage: tests/stress/guest-smp.sh [--runs N] [--seconds S] [--out DIR] [-- RUN-HOST-OPTIONS...]
  --runs N      boots of the host (default 20)
  --seconds S   how long the reproducer runs in each boot (default 20)
  --out DIR     where the runs' results go (default build/stress/guest-smp-DATE-TIME)
  RUN-HOST-OPTIONS are added to ./run-host.sh's (e.g. --cpu max, --icount, --no-trace);
  a guest not powered off after --timeout 240 s (overridable there) counts as hung.
Prints one PASS/FAIL line per run and ends with "N passed, N failed".
Exit status: 0 every run passed, 1 a run failed, 2 usage.
USAGE
}

runs=20 seconds=20 out=
while [ $# -gt 0 ]; do
	case "$1" in
	--runs | --seconds | --out)
		[ $# -ge 2 ] || { echo "guest-smp.sh: $1 needs a value" >&2; exit 2; }
		case "$1" in
		--runs) runs=$2 ;;
		--seconds) seconds=$2 ;;
		--out) out=$2 ;;
		esac
		shift 2 ;;
	-h | --help) usage; exit 0 ;;
	--) shift; break ;;
	*) echo "guest-smp.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
	esac
done
for v in "$runs" "$seconds"; do
	[[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "guest-smp.sh: --runs and --seconds take a positive integer, got '$v'" >&2; exit 2; }
done
[ -n "$out" ] || out=$BUILD_DIR/stress/guest-smp-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"

# Both vcpus of each guest busy with exception-heavy work (system calls, page faults,
# interrupts): the windows in which an AArch32 kernel depends on SPSR_svc.
# shellcheck disable=SC2016 # expanded by the guest's shell, not here
workload='exitlab-default-workload >/dev/null & exitlab-default-workload >/dev/null & wait; echo "vcpus: $(grep -c ^processor /proc/cpuinfo)"'
programs=$(host_test_programs)
passed=0 failed=0 crashed_guests=0 iterations=0 mismatches=0
for i in $(seq 1 "$runs"); do
	dir=$out/run-$i
	status=0
	"$ROOT/run-host.sh" --out "$dir" --guests 2 --guest-smp 2 --guest-arch arm \
		--guest-cmd "$workload" --host-files "$programs" --host-cmd "vcpu-state-check --vms 4 --seconds $seconds" \
		--timeout 240 "$@" >"$out/run-$i.log" 2>&1 || status=$?
	crashes=$("$ROOT/scripts/scan-crashes.sh" "$dir" 2>/dev/null || true)
	n_crash=$(grep -c 'crashed:' <<<"$crashes" || true)
	verdict=$(tail -n1 "$dir/host-cmd.log" 2>/dev/null || echo "no reproducer output")
	it=$(sed -n 's/.* \([0-9]*\) iterations, \([0-9]*\) mismatches.*/\1/p' <<<"$verdict")
	mm=$(sed -n 's/.* \([0-9]*\) iterations, \([0-9]*\) mismatches.*/\2/p' <<<"$verdict")
	iterations=$((iterations + ${it:-0})) mismatches=$((mismatches + ${mm:-0}))
	crashed_guests=$((crashed_guests + n_crash))
	if [ "$status" = 0 ] && [ "$n_crash" = 0 ] && [ "${mm:-x}" = 0 ]; then
		echo "PASS run $i (guests powered off cleanly; reproducer: ${it:-?} iterations, 0 mismatches)"
		passed=$((passed + 1))
	else
		why="run-host.sh exit $status"
		[ "$n_crash" = 0 ] || why="$why; $(head -n1 <<<"$crashes")"
		why="$why; reproducer: ${verdict}"
		echo "FAIL run $i ($why; log: $out/run-$i.log)"
		failed=$((failed + 1))
	fi
done
echo "guest-smp stress: $runs runs x 2 guests x 2 vcpus (32-bit): $crashed_guests crash markers;" \
	"reproducer: $iterations iterations, $mismatches mismatches; results in $out"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
