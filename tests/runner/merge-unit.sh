#!/usr/bin/env bash
# benchmarks/multi-guest merge on tiny synthetic cell directories built around the real
# patched-kernel traces of tests/traces: one row per guest of each finished cell; traced
# rows carry exitstat's per-guest count, KVM's per-vcpu `exits` summed and the exact lost
# exits; untraced rows leave them empty; slowdown and fairness follow from the workload
# lines; a failed cell is listed with its reason, never as rows; shards merge into one;
# every plot is a non-empty PNG and SVG. Expected values come from exitstat and the inputs.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
MG=$ROOT/benchmarks/multi-guest
E=$BUILD_DIR/exitstat/exitstat
T=$ROOT/tests/traces
make -s -C "$ROOT" exitstat
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT

# make_cell STUDY_DIR ARCH GUESTS VCPUS WORKLOAD TRACED TRACE|- OPS_PER_S... : a finished cell
# as the runner leaves it. A traced cell's guests are the trace's VMs, in pid order, and their
# kvm-stats.json holds each vcpu's last exit counter in the trace (what KVM's statistic is).
make_cell() {
	local sdir=$1 arch=$2 guests=$3 vcpus=$4 wl=$5 traced=$6 trace=$7
	shift 7
	local tname=untraced
	[ "$traced" = 1 ] && tname=traced
	local id="$arch-cortex-a57-v$vcpus-$wl-$tname-g$guests-r1"
	local d=$sdir/cells/$id run=$sdir/cells/$id/run n=0 pids=() pid
	mkdir -p "$run"
	if [ "$trace" != - ]; then
		cp "$T/$trace" "$run/trace.dat"
		mapfile -t pids < <("$E" lost --json "$run/trace.dat" | jq -r '[.vcpus[].guest] | unique | .[]')
	else
		for ((n = 0; n < guests; n++)); do pids+=($((1000 + n))); done
	fi
	local guests_json='[]'
	for ((n = 0; n < guests; n++)); do
		pid=${pids[$n]}
		mkdir -p "$run/guest$n/debugfs"
		echo "$pid-12" >"$run/guest$n/debugfs/vm-name"
		if [ "$trace" != - ]; then
			"$E" lost --json "$run/trace.dat" | jq --argjson p "$pid" \
				'{vcpus: [.vcpus[] | select(.guest == $p) | {cpu_index: .vcpu, stats: {exits: .last_count}}]}' \
				>"$run/guest$n/kvm-stats.json"
		else
			jq -n --argjson v "$vcpus" '{vcpus: [range($v) | {cpu_index: ., stats: {exits: (100 + .)}}]}' \
				>"$run/guest$n/kvm-stats.json"
		fi
		printf 'exitlab-guest: booted\r\nexitlab-workload: name=%s ops=1000 seconds=%s ops_per_s=%s unit=iterations vm_exits=%s check=1\r\nexitlab-guest: workload finished: exit status 0, uptime %s s\r\n' \
			"$wl" "$(echo "1000 / $1" | bc -l)" "$1" "$((40 + n))" "$((3 + n))" >"$run/guest$n/console.log"
		guests_json=$(jq --arg g "guest$n" '. + [{name: $g, status: "shutdown"}]' <<<"$guests_json")
		shift
	done
	jq -n --argjson g "$guests_json" '{guests: $g}' >"$run/run.json"
	jq -n --arg id "$id" --arg arch "$arch" --arg wl "$wl" --argjson g "$guests" --argjson v "$vcpus" \
		--argjson t "$([ "$traced" = 1 ] && echo true || echo false)" \
		'{id: $id, status: "ok", reason: null, cell_wall_s: 30.5, spec: {study: "synthetic", arch: $arch,
		  cpu: "cortex-a57", vcpus: $v, workload: $wl, trace: $t, guests: $g, repeat: 1}}' >"$d/cell.json"
	touch "$d/DONE"
}

S=$tmp/study
make_cell "$S" arm64 2 2 cpu 1 patched-arm64-2vm-2vcpu.dat 500 400
make_cell "$S" arm 1 1 cpu 1 patched-arm32-lossy.dat 300
make_cell "$S" arm64 1 2 cpu 0 - 1000
make_cell "$S" arm64 2 2 cpu 0 - 600 400
# A failed cell: listed in cells.csv with its reason, no rows.
mkdir -p "$S/cells/arm-cortex-a57-v1-hvc-traced-g2-r1"
jq -n '{id: "arm-cortex-a57-v1-hvc-traced-g2-r1", status: "failed", reason: "run-host.sh exited 1: guest1: crashed: Kernel panic",
	cell_wall_s: 12, spec: {study: "synthetic", arch: "arm", cpu: "cortex-a57", vcpus: 1, workload: "hvc",
	trace: true, guests: 2, repeat: 1}}' >"$S/cells/arm-cortex-a57-v1-hvc-traced-g2-r1/cell.json"

status=0
"$MG" merge --out "$S" >"$tmp/merge.log" 2>&1 || status=$?
cat "$tmp/merge.log"
check "merge exits 1 when a cell failed (got $status)" test "$status" = 1
csvq() { # csvq FILE PYTHON-EXPR-over-rows: print the expression's value
	python3 -c 'import csv, sys; rows = list(csv.DictReader(open(sys.argv[1]))); print(eval(sys.argv[2]))' "$@"
}
want_rows=$(jq -s '[.[] | select(.status == "ok") | .spec.guests] | add' "$S"/cells/*/cell.json)
check "results.csv has one row per guest of each finished cell ($want_rows)" \
	test "$(csvq "$S/results.csv" 'len(rows)')" = "$want_rows"
header=$(head -n1 "$S/results.csv")
for col in guests workload traced exits kvm_exits exits_per_s ops_per_s ops_unit wall_s lost_events \
	slowdown_vs_1_guest run_dir; do
	check "results.csv header has $col" grep -qE "(^|,)$col(,|$)" <<<"$header"
done
check "results.json documents every CSV column with its unit" \
	test "$(jq -r '.columns | keys_unsorted | join(",")' "$S/results.json")" = "$header"

# Traced rows: exits == exitstat's count for that VM on that cell's trace; KVM's statistic too
# (the lossless trace); lost_events == exitstat lost's gaps for the VM.
while IFS=, read -r cell pid exits kvm lost run_dir; do
	want=$("$E" summary --json --pid "$pid" "$run_dir/trace.dat" | jq '.guests[0].exits')
	check "$cell VM $pid: exits $exits == exitstat summary --pid $want" test "$exits" = "$want"
	kvm_want=$(jq '[.vcpus[].stats.exits] | add' "$(grep -l "^$pid-" "$run_dir"/guest*/debugfs/vm-name | xargs dirname | xargs dirname)/kvm-stats.json")
	check "$cell VM $pid: kvm_exits $kvm == sum of kvm-stats.json exits $kvm_want" test "$kvm" = "$kvm_want"
	lost_want=$("$E" lost --json --pid "$pid" "$run_dir/trace.dat" | jq '[.vcpus[].exits_lost] | add')
	check "$cell VM $pid: lost_events $lost == exitstat lost $lost_want" test "$lost" = "$lost_want"
	if [ "$lost_want" = 0 ]; then
		check "$cell VM $pid: lossless trace: exits == kvm_exits" test "$exits" = "$kvm"
	else
		check "$cell VM $pid: lossy trace: exits + lost == kvm_exits" test $((exits + lost)) = "$kvm"
	fi
done < <(csvq "$S/results.csv" '"\n".join(",".join(r[k] for k in ("cell_id","vm_pid","exits","kvm_exits","lost_events","run_dir")) for r in rows if r["traced"] == "1")')
check "untraced rows leave exits, exits_per_s and lost_events empty, not 0" \
	test "$(csvq "$S/results.csv" 'sum(1 for r in rows if r["traced"] == "0" and (r["exits"] or r["exits_per_s"] or r["lost_events"]))')" = 0
check "untraced rows still carry KVM's exits statistic" \
	test "$(csvq "$S/results.csv" 'all(r["kvm_exits"] for r in rows if r["traced"] == "0")')" = True
# slowdown: the 1-guest untraced throughput over each 2-guest one; fairness: min / max.
base=$(csvq "$S/results.csv" '[r["ops_per_s"] for r in rows if r["traced"] == "0" and r["guests"] == "1"][0]')
while IFS=, read -r ops slow fair; do
	want=$(python3 -c "print(round($base / $ops, 6))")
	check "untraced 2-guest row: slowdown_vs_1_guest $slow == $base / $ops" test "$slow" = "$want"
done < <(csvq "$S/results.csv" '"\n".join(",".join(r[k] for k in ("ops_per_s","slowdown_vs_1_guest","fairness_min_over_max")) for r in rows if r["traced"] == "0" and r["guests"] == "2")')
fair=$(csvq "$S/results.csv" '{r["fairness_min_over_max"] for r in rows if r["traced"] == "0" and r["guests"] == "2"}')
want=$(csvq "$S/results.csv" '{str(round(min(x)/max(x), 6)) for x in [[float(r["ops_per_s"]) for r in rows if r["traced"] == "0" and r["guests"] == "2"]]}')
check "fairness_min_over_max $fair == lowest / highest throughput $want" test "$fair" = "$want"
check "traced and untraced rows never share a slowdown baseline" \
	test "$(csvq "$S/results.csv" '[r["slowdown_vs_1_guest"] for r in rows if r["traced"] == "1" and r["arch"] == "arm64"]')" = "['', '']"
check "cells.csv lists the failed cell with its reason" \
	grep -q '^synthetic,arm-cortex-a57-v1-hvc-traced-g2-r1,.*,failed,run-host.sh exited 1: guest1: crashed: Kernel panic,' "$S/cells.csv"
check "no rows from the failed cell" bash -c "! grep -q hvc-traced-g2 '$S/results.csv'"
check "results.json holds the same rows as results.csv" \
	test "$(jq -r '.rows | map(.exits | tostring) | join(" ")' "$S/results.json")" = \
	"$(csvq "$S/results.csv" '" ".join(r["exits"] for r in rows)')"
classes_sum=$(csvq "$S/exits_by_class.csv" 'sum(int(r["exits"]) for r in rows)')
traced_sum=$(csvq "$S/results.csv" 'sum(int(r["exits"]) for r in rows if r["exits"])')
check "exits_by_class.csv: classes add up to the rows' exits ($classes_sum == $traced_sum)" test "$classes_sum" = "$traced_sum"
for p in throughput fairness exits_per_class host_time_share; do
	check "plots/$p.png is a non-empty PNG" bash -c "[ -s '$S/plots/$p.png' ] && file -b '$S/plots/$p.png' | grep -q '^PNG image data'"
	check "plots/$p.svg is a non-empty SVG" bash -c "[ -s '$S/plots/$p.svg' ] && grep -q '<svg' '$S/plots/$p.svg'"
done

# Shards: the cells split over two study directories merge into the same rows.
mkdir -p "$tmp/a/cells" "$tmp/b/cells"
for d in "$S"/cells/*; do
	case "$d" in *arm64*) cp -r "$d" "$tmp/a/cells/" ;; *) cp -r "$d" "$tmp/b/cells/" ;; esac
done
status=0
"$MG" merge --out "$tmp/merged" "$tmp/a" "$tmp/b" >"$tmp/merge2.log" 2>&1 || status=$?
check "merging two shards gives the same exits column" test \
	"$(csvq "$tmp/merged/results.csv" '" ".join(r["exits"] + "/" + r["kvm_exits"] for r in rows)')" = \
	"$(csvq "$S/results.csv" '" ".join(r["exits"] + "/" + r["kvm_exits"] for r in rows)')"
status=0
"$MG" merge --out "$tmp/dup" "$tmp/a" "$S" >"$tmp/merge3.log" 2>&1 || status=$?
check "a cell given twice is refused with exit 2 (got $status: $(head -c 120 "$tmp/merge3.log"))" \
	bash -c "[ $status = 2 ] && grep -q 'given twice' '$tmp/merge3.log'"
status=0
"$MG" merge --out "$tmp/none" "$tmp/nothing-here" >"$tmp/merge4.log" 2>&1 || status=$?
check "merge of a directory without cells exits 2 naming it (got $status)" \
	bash -c "[ $status = 2 ] && grep -q 'nothing-here' '$tmp/merge4.log'"
finish
