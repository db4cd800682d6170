#!/usr/bin/env bash
# vexpress-a15 guests under KVM (./run-host.sh --guest-machine vexpress-a15, issue 15): one
# 32-bit guest of 2 vcpus on QEMU's Versatile Express Cortex-A15 board (Debian's armmp-lpae
# kernel and its device tree; the outer machine with a GICv2) boots both CPUs, runs the default
# workload and powers off; in `trace-cmd report -N` text each vcpu's EXIT counter starts at 1,
# never skips and ends at KVM's own exits statistic for that vcpu (QMP). Then the same kernel,
# device tree and guest image on vexpress-a15 under plain TCG (benchmarks/vexpress-tcg.sh, the
# non-virtualized baseline) boots both CPUs and runs the workload too; both guests' own times
# are printed side by side.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
out=$BUILD_DIR/test-runs/vexpress-guests
rm -rf "$out"
status=0
"$ROOT/run-host.sh" --out "$out" --guest-machine vexpress-a15 --guest-smp 2 || status=$?
check "run-host.sh --guest-machine vexpress-a15 --guest-smp 2 exits 0 (status $status)" test "$status" = 0
check "the guest ran on QEMU's vexpress-a15 under KVM" grep -q -- '-M vexpress-a15 -accel kvm' "$out/guest0/qemu-cmdline"
console=$out/guest0/console.log
check "the guest brought up both CPUs" grep -q 'smp: Brought up 1 node, 2 CPUs\|exitlab-guest: booted: armv7l, 2 cpu(s)' "$console"
check "its workload finished with status 0" grep -q 'exitlab-guest: workload finished: exit status 0' "$console"

pid=$(cat "$out/guest0/qemu.pid" 2>/dev/null || echo none)
trace_vcpu_counts "$out/trace.dat" "$pid" >"$out/report-counts.txt"
check "the trace has the guest's 2 vcpus ($(paste -sd';' "$out/report-counts.txt"))" \
	test "$(wc -l <"$out/report-counts.txt")" = 2
while read -r v first last n gaps; do
	kvm=$(jq --argjson v "$v" '.vcpus[] | select(.cpu_index == $v) | .stats.exits' "$out/guest0/kvm-stats.json")
	check "vcpu $v: EXIT 1..$last with no gap ($n records) = KVM's exits statistic ($kvm)" \
		test "$first $gaps $n $last" = "1 0 $last $kvm"
done <"$out/report-counts.txt"

tcg=$out/tcg
st=0
"$ROOT/benchmarks/vexpress-tcg.sh" --smp 2 --out "$tcg" || st=$?
check "benchmarks/vexpress-tcg.sh --smp 2 exits 0 (status $st)" test "$st" = 0
check_quiet "under TCG the same guest brought up 2 CPUs, its workload exited 0, no crash marker" \
	jq -e '.vexpress_tcg | .guest_cpus == 2 and .workload_status == 0 and .crash_line == null' "$tcg/vexpress-tcg.json"
kvm_line=$(sed -n 's/^exitlab-guest: workload finished: .*uptime \([0-9.]*\) s.*/\1/p' "$console" | head -n1)
echo "guest uptime at the workload's end: ${kvm_line:-?} s under KVM in the emulated host," \
	"$(jq -r '.vexpress_tcg.finished_uptime_s' "$tcg/vexpress-tcg.json") s under TCG alone"
finish
