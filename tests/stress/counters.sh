#!/usr/bin/env bash
# Stress of the exit counters' promises under a heavy many-vcpu load (issue 10): two boots of
# the emulated host, each with GUESTS guests of SMP vcpus (default 4 x 2, arm64) on the host's
# two CPUs, every vcpu busy with exit-heavy work (tests/guest/exitlab-busy) while one reads the
# guest's own statistics (tests/guest/exitlab-snapshot-test: in-guest checks and N-read runs
# of guest-exits --run).
#   1. The default ring buffer: tests/e2e/check-results.sh (per vcpu the trace's EXIT counter
#      goes 1, 2, 3, ... with nothing lost and ends at KVM's `exits` statistic; no crash) and
#      tests/e2e/check-exit-snapshots.sh (each guest's reads corrected to exactly the trace's
#      hypercalls; the final snapshot's own vcpu == its hypercall's EXIT counter, the others'
#      within one, the VM's the sum of its own vcpus: no guest sees another VM's counters).
#   2. A tiny ring buffer (--buffer-kb K): events are lost, and exitstat says exactly how many:
#      per vcpu, exitstat's exits and `exitstat lost`'s exits_lost == the records and the gaps
#      in the EXIT counters counted independently from `trace-cmd report -N` text
#      (tests/exitstat/patched-traces.sh on the run's trace).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
EXITSTAT=${EXITSTAT:-$BUILD_DIR/exitstat/exitstat}

usage() {
	cat <<'USAGE'
Usage: tests/stress/counters.sh [--guests N] [--smp N] [--guest-arch A] [--seconds S]
                                [--reads N] [--runs R] [--tiny-kb K] [--only default|tiny]
                                [--out DIR] [-- RUN-HOST-OPTIONS...]
  --guests N      guests (default 4)
  --smp N         vcpus per guest (default 2)
  --guest-arch A  arm or arm64 (default arm64)
  --seconds S     how long every vcpu of each guest stays busy (default 120)
  --reads N       hypercalls per guest-exits --run (default 200)
  --runs R        guest-exits --run per guest (default 10)
  --tiny-kb K     the ring buffer of the second boot, per CPU (default 8)
  --only WHICH    run only the default-buffer or the tiny-buffer boot
  --out DIR       where the runs go (default build/stress/counters-DATE-TIME)
  RUN-HOST-OPTIONS are added to both boots' ./run-host.sh options (e.g. --icount).
Prints one PASS/FAIL line per check and ends with "N passed, N failed".
Exit status: 0 every check passed, 1 a check failed, 2 usage.
USAGE
}

guests=4 smp=2 arch=arm64 seconds=120 reads=200 runs=10 tiny=8 only='' out=''
while [ $# -gt 0 ]; do
	case "$1" in
	--guests | --smp | --guest-arch | --seconds | --reads | --runs | --tiny-kb | --only | --out)
		[ $# -ge 2 ] || { echo "counters.sh: $1 needs a value" >&2; exit 2; }
		case "$1" in
		--guests) guests=$2 ;;
		--smp) smp=$2 ;;
		--guest-arch) arch=$2 ;;
		--seconds) seconds=$2 ;;
		--reads) reads=$2 ;;
		--runs) runs=$2 ;;
		--tiny-kb) tiny=$2 ;;
		--only) only=$2 ;;
		--out) out=$2 ;;
		esac
		shift 2 ;;
	-h | --help) usage; exit 0 ;;
	--) shift; break ;;
	*) echo "counters.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
	esac
done
for v in "$guests" "$smp" "$seconds" "$reads" "$runs" "$tiny"; do
	[[ "$v" =~ ^[1-9][0-9]*$ ]] ||
		{ echo "counters.sh: --guests, --smp, --seconds, --reads, --runs and --tiny-kb take a positive integer, got '$v'" >&2; exit 2; }
done
case "$arch" in arm | arm64) ;; *) echo "counters.sh: --guest-arch is arm or arm64, not '$arch'" >&2; exit 2 ;; esac
case "$only" in '' | default | tiny) ;; *) echo "counters.sh: --only is default or tiny, not '$only'" >&2; exit 2 ;; esac
[ -n "$out" ] || out=$BUILD_DIR/stress/counters-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"

# Every vcpu but one busy until the deadline; the last one reads the statistics, then joins.
guest_cmd="exitlab-busy $seconds $((smp - 1)) & exitlab-snapshot-test $reads $runs busy; exitlab-busy $seconds 1; wait"
common=(--guests "$guests" --guest-smp "$smp" --guest-arch "$arch" --guest-files "$ROOT/tests/guest"
	--guest-cmd "$guest_cmd" --timeout $((seconds * 4 + 900)) "$@")

# figures NAME: what the boot's trace holds (vcpus, exits, span, lost), one line.
figures() {
	local t=$out/$1/trace.dat s l
	s=$("$EXITSTAT" summary --json "$t" 2>/dev/null) || { echo "counters.sh: $1: no figures (exitstat summary failed on $t)"; return 0; }
	l=$("$EXITSTAT" lost --json "$t" 2>/dev/null | jq '[.vcpus[].exits_lost] | add // 0') || l='?'
	jq -r --arg name "$1" --arg lost "$l" '"counters.sh: \($name): \(.vcpus | length) vcpus, \(.trace.kvm_exit_records) exits in the trace over \(.trace.span_s | floor) s, \($lost) exits lost, \(.trace.lost_event_markers) loss markers"' <<<"$s"
}

# The tiny buffer overflows all the time, and Linux 6.1 may then warn once in
# ring_buffer_nr_dirty_pages() (the reader's pages_read ahead of the writer's pages_touched,
# which an overrun does not advance: docs/known-issues.md): a host warning fails the run. That
# warning alone, with the study inside the host finished (host-status 0), is the known kernel
# bug, not a failed boot; anything else in errors.txt is.
KNOWN_WARN='WARNING: CPU: [0-9]* PID: [0-9]* at kernel/trace/ring_buffer.c:[0-9]* ring_buffer_nr_dirty_pages'
only_known_warning() { # only_known_warning NAME STATUS
	[ "$2" = 1 ] && [ "$(cat "$out/$1/host-status" 2>/dev/null)" = 0 ] &&
		[ -z "$(grep -v "$KNOWN_WARN" "$out/$1/errors.txt" 2>/dev/null || true)" ]
}

# boot NAME [--known-warning] RUN-HOST-OPTIONS...: the run into $out/NAME; its status in
# $out/NAME.status. --known-warning: the warning above alone does not fail it.
boot() {
	local name=$1 status=0 known=0
	shift
	[ "${1:-}" != --known-warning ] || { known=1; shift; }
	rm -rf "${out:?}/$name"
	echo "counters.sh: $name: ./run-host.sh --out $out/$name $*"
	"$ROOT/run-host.sh" --out "$out/$name" "$@" >"$out/$name.log" 2>&1 || status=$?
	echo "$status" >"$out/$name.status"
	if [ "$known" = 1 ] && only_known_warning "$name" "$status"; then
		pass "$name: run-host.sh failed only for Linux 6.1's ring_buffer_nr_dirty_pages warning (known: docs/known-issues.md; log: $out/$name.log)"
	else
		check "$name: run-host.sh exits 0 (log: $out/$name.log)" test "$status" = 0
	fi
}

if [ "$only" != tiny ]; then
	boot default "${common[@]}"
	if [ -d "$out/default" ]; then
		figures default
		check "default: every counter exact, nothing lost, KVM's exits, no crash (check-results.sh)" \
			"$ROOT/tests/e2e/check-results.sh" --guests "$guests" --smp "$smp" "$out/default"
		check "default: the guests' own reads agree with the trace (check-exit-snapshots.sh)" \
			"$ROOT/tests/e2e/check-exit-snapshots.sh" "$out/default" "$reads" "$runs"
	fi
fi

if [ "$only" != default ]; then
	boot tiny --known-warning "${common[@]}" --buffer-kb "$tiny"
	if [ -f "$out/tiny/trace.dat" ]; then
		figures tiny
		check "tiny: exitstat's exits and lost exits per vcpu == those in trace-cmd's text (tests/exitstat/patched-traces.sh)" \
			"$ROOT/tests/exitstat/patched-traces.sh" "$out/tiny/trace.dat"
		lost=$("$EXITSTAT" lost --json "$out/tiny/trace.dat" | jq '[.vcpus[].exits_lost] | add')
		check "tiny: the tiny buffer lost exits (exitstat lost: ${lost:-none})" test "${lost:-0}" -gt 0
	fi
fi
finish
