#!/usr/bin/env bash
# Cross-check, for a run whose guests ran tests/guest/exitlab-snapshot-test N RUNS, what the
# guests read from /dev/kvm_exit_stats (kernel-patches/V/0006 + 0007) with the host's trace:
#   - the in-guest checks all passed;
#   - independently of them, from the reports on the console and the trace: in each of the
#     RUNS runs of `guest-exits --run` of N + 2 exit-statistics reads, the snapshot class
#     (HVC32/HVC64) is corrected to exactly the number of hypercalls the trace has between the
#     run's two snapshot hypercalls (its kvm_hvc_arm64 records): the N + 2 reads, and whatever
#     the guest kernel called meanwhile (an arm64 guest: SMCCC TRNG calls when the command
#     starts), shown by function ID; no report has a negative figure; the run's JSON says the
#     same (source device, one exit per snapshot, consecutive sequence numbers, no negative
#     number);
#   - the final snapshot's own vcpu block holds, exactly, the EXIT counter of the kvm_exit record
#     of the hypercall that took it (EXIT_STATS_SNAPSHOT, found by its function ID in the
#     kvm_hvc_arm64 record): a snapshot counts its own exit; every other vcpu's block holds that
#     vcpu's EXIT counter at the hypercall's record, or one more (an exit between the record and
#     the read); the VM's is their sum.
# The trace names a vcpu by its vcpu_id, the snapshot by its MPIDR: for fewer than 16 vcpus
# KVM's MPIDR is the vcpu_id (Aff0).
# jq programs are in single quotes on purpose.
# shellcheck disable=SC2016
jqt() { jq -e "$@" >/dev/null; }
set -euo pipefail
[ $# -eq 3 ] || { echo "Usage: tests/e2e/check-exit-snapshots.sh RESULTS_DIR N RUNS"; exit 2; }
dir=$1 n=$2 runs=$3
want=$((n + 2))
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
fid=$(sed -n 's/^#define EXIT_STATS_SNAPSHOT_FUNC_ID[[:space:]]\{1,\}0[xX]\([0-9a-fA-F]\{1,8\}\)[uU]\{0,1\}[[:space:]]*$/\1/p' \
	"$ROOT/include/exitlab/exit-stats-abi.h" | tr 'A-F' 'a-f')
[ -n "$fid" ] || { echo "check-exit-snapshots.sh: no EXIT_STATS_SNAPSHOT_FUNC_ID in the ABI header" >&2; exit 1; }

# Per VM: at its last snapshot hypercall, the calling vcpu and, for each of its vcpus, the EXIT
# counter of its latest kvm_exit record (the caller's: the hypercall's own exit).
text=$dir/.report-snap.txt
trace-cmd report -N -i "$dir/trace.dat" 2>/dev/null >"$text"
# Per VM, the hypercalls between two consecutive snapshot hypercalls that hold at least N
# exit-statistics reads (EXIT_STATS_VM): one line per run interval, in order: the count of all
# hypercalls strictly between, then the function IDs with their counts.
vm_fid=$(sed -n 's/^#define EXIT_STATS_VM_FUNC_ID[[:space:]]\{1,\}0[xX]\([0-9a-fA-F]\{1,8\}\)[uU]\{0,1\}[[:space:]]*$/\1/p' \
	"$ROOT/include/exitlab/exit-stats-abi.h" | tr 'A-F' 'a-f')
trace-cmd report -N -i "$dir/trace.dat" 2>/dev/null | awk -v snap="0x$fid" -v vmr="0x$vm_fid" -v n="$n" '
function tid(   s) { match($0, /-[0-9]+ +\[[0-9]+\]/); s = substr($0, RSTART + 1, RLENGTH - 1); sub(/ .*/, "", s); return s }
/ kvm_exit: / { t = tid(); match($0, /VM: -?[0-9]+/); vm[t] = substr($0, RSTART + 4, RLENGTH - 4) }
/ kvm_hvc_arm64: / {
	v = vm[tid()]; match($0, /r0: 0x[0-9a-f]+/); r = substr($0, RSTART + 4, RLENGTH - 4)
	sub(/^0x0*/, "0x", r)
	if (r == snap) {
		if (reads[v] >= n) {
			line = v " " total[v]
			for (k in ids) { split(k, kk, SUBSEP); if (kk[1] == v) line = line " " kk[2] "x" ids[k] }
			print line
		}
		reads[v] = 0; total[v] = 0
		for (k in ids) { split(k, kk, SUBSEP); if (kk[1] == v) delete ids[k] }
		next
	}
	total[v]++; ids[v, r]++
	if (r == vmr) reads[v]++
}' >"$dir/.runs.txt"

awk -v call=" kvm_hvc_arm64: .*r0: 0x0*$fid," '
function tid(   s) { match($0, /-[0-9]+ +\[[0-9]+\]/); s = substr($0, RSTART + 1, RLENGTH - 1); sub(/ .*/, "", s); return s }
/ kvm_exit: / {
	t = tid(); match($0, /VM: -?[0-9]+, VCPU: [0-9]+, EXIT: [0-9]+/)
	split(substr($0, RSTART, RLENGTH), f, /[:,] */)
	vm[t] = f[2]; vcpu[t] = f[4]; last[f[2] " " f[4]] = f[6]; vcpus[f[2]] = vcpus[f[2]] " " f[4]
}
$0 ~ call {
	t = tid(); v = vm[t]; caller[v] = vcpu[t]; at[v] = ""
	split(vcpus[v], l, " "); delete seen
	for (i in l) if (!(l[i] in seen)) { seen[l[i]] = 1; at[v] = at[v] " " l[i] ":" last[v " " l[i]] }
}
END { for (v in caller) printf "%s %s%s\n", v, caller[v], at[v] }
' "$text" >"$dir/.snap.txt"
rm -f "$text"

for d in "$dir"/guest*/; do
	g=$(basename "$d")
	pid=$(cat "$d/qemu.pid")
	con=$dir/.$g-console.txt
	tr -d '\r' <"$d/console.log" >"$con"
	check "$g: in-guest snapshot checks passed" grep -q '^[1-9][0-9]* passed, 0 failed' "$con"
	# The reports' row of the snapshot's class: read N + 2 + the after-snapshot's own exit,
	# overhead 1, corrected N + 2 (columns: class, id, count, time, mean, overhead, its time,
	# corrected count, corrected time).
	awk '/^exitlab-snapshot: run [0-9]+: (HVC32|HVC64) / && $9 == 1 { print $11 }' "$con" >"$dir/.$g-got.txt"
	awk -v p="$pid" '$1 == p { $1 = ""; print }' "$dir/.runs.txt" | head -n "$runs" >"$dir/.$g-trace.txt"
	exact=$(paste -d' ' "$dir/.$g-got.txt" "$dir/.$g-trace.txt" | awk -v w="$want" '$1 == $2 && $1 >= w { k++ } END { print k + 0 }')
	extra=$(awk -v w="$want" '{ print $1 - w }' "$dir/.$g-trace.txt" | sort -n | uniq -c | awk '{ printf "%s%s run(s) +%s", s, $1, $2; s = ", " }')
	ids=$(cut -d' ' -f3- "$dir/.$g-trace.txt" | tr ' ' '\n' | { grep -v "^0x$vm_fid" || true; } | sort | uniq -c | awk '{ printf " %s", $2 }')
	check "$g: $exact of $runs reports: the snapshot class corrected to exactly the trace's hypercalls between the run's two snapshots ($want reads; others: ${extra:-none}:${ids:- none})" \
		test "$exact" = "$runs"
	rm -f "$dir/.$g-got.txt" "$dir/.$g-trace.txt"
	neg=$(grep '^exitlab-snapshot: run ' "$con" | tr -s ' ' | grep -cE '(^| )-[0-9]' || true)
	check "$g: no negative figure in any report ($neg lines with one)" test "$neg" = 0
	sed -n 's/^exitlab-snapshot: json: //p' "$con" >"$dir/.$g-run.json"
	# The JSON run is the run after the text ones.
	t=$(awk -v p="$pid" '$1 == p { print $2 }' "$dir/.runs.txt" | sed -n "$((runs + 1))p")
	check "$g: the run's JSON: device, one exit per snapshot, consecutive sequence numbers, corrected == the trace's ${t:-none}" \
		jqt --argjson t "${t:--1}" '.source == "device" and .measurement.exits_per_snapshot == 1
			and .measurement.sequence_after == .measurement.sequence_before + 1
			and (.measurement.snapshot_class as $c | [.classes[] | select(.name == $c)
			     | [.overhead.count, .corrected.count]] == [[1, $t]])' "$dir/.$g-run.json"
	check "$g: the run's JSON: no negative number" \
		jqt '[.. | numbers | select(. < 0)] | length == 0' "$dir/.$g-run.json"
	sed -n 's/^exitlab-snapshot: final: //p' "$con" >"$dir/.$g-final.json"
	read -r _ caller at < <(awk -v p="$pid" '$1 == p' "$dir/.snap.txt") || true
	mpidr=$(jq -r '.caller_cpu as $c | .cpus[] | select(.cpu == $c) | .mpidr' "$dir/.$g-final.json" 2>/dev/null || true)
	mine=$(jq -r '.caller_cpu as $c | .cpus[] | select(.cpu == $c) | .kvm_exits' "$dir/.$g-final.json" 2>/dev/null || true)
	trace_mine=$(tr ' ' '\n' <<<"${at:-}" | sed -n "s/^${caller:-x}://p")
	check "$g: final snapshot: its vcpu (MPIDR ${mpidr:-none}) is the trace's caller (vcpu ${caller:-none})" \
		test -n "${mpidr:-}" -a "${mpidr:-}" = "${caller:-x}"
	check "$g: final snapshot: its vcpu's exits ${mine:-none} == EXIT counter of its hypercall in the trace (${trace_mine:-none})" \
		test -n "${mine:-}" -a "${mine:-}" = "${trace_mine:-x}"
	ok=1 others=""
	for e in ${at:-}; do
		v=${e%%:*} x=${e#*:}
		[ "$v" = "${caller:-x}" ] && continue
		got=$(jq -r --argjson m "$v" '.cpus[] | select(.mpidr == $m) | .kvm_exits' "$dir/.$g-final.json")
		others="$others vcpu$v: $got (trace $x)"
		[ "$got" = "$x" ] || [ "$got" = $((x + 1)) ] || ok=0
	done
	check "$g: final snapshot: the other vcpus' exits == their EXIT counters at the hypercall, or one more:${others:- none}" \
		test "$ok" = 1
	check "$g: final snapshot: the VM's exits are its vcpus' sum" \
		jqt '.kvm_exits == ([.cpus[].kvm_exits] | add)' "$dir/.$g-final.json"
	rm -f "$con"
done
rm -f "$dir/.snap.txt" "$dir/.runs.txt"
finish
