#!/usr/bin/env bash
# What one exit costs on the emulated KVM host, side by side in one run: an in-kernel
# hypercall and an MMIO exit to userspace, from bare AArch64 and AArch32 vcpus
# (tests/host/exit-cost.c), on an nVHE host (cortex-a57) and a VHE host (max), and on nVHE
# with `trace-cmd record -e kvm` running. QEMU's -icount shift=0 makes the host clock count
# emulated instructions (1 ns each): figures are path lengths and repeat run to run
# (hypercalls to ~0.2%, MMIO exits to ~3%).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)

usage() {
	cat <<'USAGE'
Usage: benchmarks/exit-cost.sh [-n ITERATIONS] [--out DIR]
Runs ./run-host.sh three times (--guests 0 --icount --host-cmd exit-cost) into DIR/nvhe,
DIR/vhe and DIR/nvhe-traced, prints a table and writes DIR/exit-cost.json (each setup's
figures and its run directory; report/generate reads it).
USAGE
}
n=2000 out=$ROOT/build/bench/exit-cost-$(date +%Y%m%d-%H%M%S)
while [ $# -gt 0 ]; do
	case "$1" in
	-n) [ $# -ge 2 ] || { usage >&2; exit 2; }; n=$2; shift 2 ;;
	--out) [ $# -ge 2 ] || { usage >&2; exit 2; }; out=$2; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "exit-cost.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
	esac
done
[[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "exit-cost.sh: -n needs a positive integer" >&2; exit 2; }
mkdir -p "$out"

# measure NAME RUN-HOST-OPTIONS...: prints the exit-cost JSON of that host setup.
measure() {
	local name=$1
	shift
	"$ROOT/run-host.sh" --out "$out/$name" --guests 0 --icount --host-cmd "exit-cost -n $n --json" "$@" \
		>"$out/$name.log" 2>&1 || { echo "exit-cost.sh: the $name run failed, see $out/$name.log" >&2; exit 1; }
	cat "$out/$name/host-cmd.log"
}
nvhe=$(measure nvhe --no-trace)
vhe=$(measure vhe --no-trace --cpu max)
traced=$(measure nvhe-traced)

jq -n --argjson a "$nvhe" --argjson b "$vhe" --argjson c "$traced" --argjson n "$n" '
	{ exit_cost: { iterations: $n, icount: true,
	  setups: { nvhe: ($a + { cpu: "cortex-a57", traced: false, run_dir: "nvhe" }),
	            vhe: ($b + { cpu: "max", traced: false, run_dir: "vhe" }),
	            nvhe_traced: ($c + { cpu: "cortex-a57", traced: true, run_dir: "nvhe-traced" }) } } }' \
	>"$out/exit-cost.json"
jq -rn --argjson a "$nvhe" --argjson b "$vhe" --argjson c "$traced" '
	def row($what; $k; $arch):
		"\($what)\t\($a[$k][$arch] | floor)\t\($b[$k][$arch] | floor)\t\($c[$k][$arch] | floor)\t\(($b[$k][$arch] / $a[$k][$arch] * 100 | floor) / 100)x\t\(($c[$k][$arch] / $a[$k][$arch] * 100 | floor) / 100)x";
	"exit\tnVHE ns\tVHE ns\tnVHE+trace ns\tVHE/nVHE\ttrace/no trace",
	row("hvc AArch64"; "hvc_ns"; "aarch64"),
	row("hvc AArch32"; "hvc_ns"; "aarch32"),
	row("mmio-user AArch64"; "mmio_user_ns"; "aarch64"),
	row("mmio-user AArch32"; "mmio_user_ns"; "aarch32")' | column -t -s $'\t'
echo "($n iterations each; emulated ns = instructions under -icount shift=0)"
echo "results: $out"
