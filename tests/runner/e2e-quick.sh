#!/usr/bin/env bash
# benchmarks/multi-guest on the `quick` study, end to end on the emulated host:
#   - one cell's outer QEMU is killed on purpose while it runs: that cell is reported failed
#     with its reason, the others finish, the runner exits 1;
#   - running the same command again (through GNU parallel's --sshlogin :) runs only that
#     cell, keeps its failed attempt, leaves the finished cells untouched, exits 0;
#   - then: every cell finished; results.csv has exactly one row per guest of every cell;
#     each row's exits equal exitstat's count for that guest on that cell's trace and the
#     sum of KVM's per-vcpu `exits` statistic, nothing lost; hvc guests made at least one
#     exit per read; every plot is a valid, non-empty PNG and SVG.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
MG=$ROOT/benchmarks/multi-guest
E=$BUILD_DIR/exitstat/exitstat
out=$BUILD_DIR/test-runs/runner-quick
csvq() { # csvq FILE PYTHON-EXPR-over-rows
	python3 -c 'import csv, sys; rows = list(csv.DictReader(open(sys.argv[1]))); print(eval(sys.argv[2]))' "$@"
}
rm -rf "$out" "$out.log" "$out.rerun.log"
mkdir -p "$(dirname "$out")"
make -s -C "$ROOT" exitstat
mapfile -t cells < <("$MG" expand --study quick | grep -v '^#')
victim=${cells[1]}
echo "quick: ${#cells[@]} cells; killing $victim on purpose"

# The outer QEMU of a cell: the qemu-system-aarch64 process booting that cell's initrd.
cell_qemu() {
	local p argv0
	for p in /proc/[0-9]*; do
		argv0=$(tr '\0' '\n' <"$p/cmdline" 2>/dev/null | head -n1) || continue
		case "$argv0" in *qemu-system-aarch64) ;; *) continue ;; esac
		if tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF "$out/cells/$1/run/.boot/initrd.gz"; then
			echo "${p#/proc/}"
			return 0
		fi
	done
	return 1
}

t0=$(date +%s)
status=0
"$MG" --study quick --out "$out" >"$out.log" 2>&1 &
runner=$!
killed=''
for _ in $(seq 900); do
	if qpid=$(cell_qemu "$victim"); then
		sleep 3
		kill -KILL "$qpid" 2>/dev/null && killed=$qpid
		break
	fi
	kill -0 "$runner" 2>/dev/null || break
	sleep 1
done
wait "$runner" || status=$?
first_s=$(($(date +%s) - t0))
cat "$out.log"
check "the victim's outer QEMU was found and killed (pid ${killed:-none})" test -n "$killed"
check "the runner exits 1 when a cell failed (got $status)" test "$status" = 1
check "the runner reports the killed cell as failed" grep -q "FAILED cell $victim: run-host.sh exited 1" "$out.log"
check "cell.json of the killed cell: failed, with its reason" \
	jq -e '.status == "failed" and (.reason | test("qemu-system-aarch64 exited with status"))' "$out/cells/$victim/cell.json"
check "the killed cell has no completion marker" test ! -e "$out/cells/$victim/DONE"
others_ok=0
for c in "${cells[@]}"; do
	[ "$c" = "$victim" ] || [ ! -e "$out/cells/$c/DONE" ] || others_ok=$((others_ok + 1))
done
check "the other $((${#cells[@]} - 1)) cells finished ($others_ok)" test "$others_ok" = $((${#cells[@]} - 1))
check "a progress line per cell, with ETA" \
	test "$(grep -cE '^cell [0-9]+/[0-9]+ (arm|arm64) guests=[0-9]+ vcpus=1 (cpu|hvc) traced repeat 1 … ETA ' "$out.log")" = "${#cells[@]}"
stamps() { for c in "${cells[@]}"; do [ "$c" = "$victim" ] || stat -c '%n %Y' "$out/cells/$c/DONE"; done; }
before=$(stamps)

t1=$(date +%s)
status=0
"$MG" --study quick --out "$out" --sshlogin : >"$out.rerun.log" 2>&1 || status=$?
rerun_s=$(($(date +%s) - t1))
cat "$out.rerun.log"
check "the re-run exits 0 (got $status)" test "$status" = 0
check "the re-run skips the $((${#cells[@]} - 1)) finished cells" \
	grep -q "$((${#cells[@]} - 1)) finished earlier, 1 to run" "$out.rerun.log"
check "the re-run ran only the killed cell" \
	test "$(grep -cE '^cell [0-9]+/[0-9]+ .* … ETA' "$out.rerun.log")/$(grep -c "$victim: ok in" "$out.rerun.log")" = 1/1
check "finished cells were left untouched" test "$(stamps)" = "$before"
check "the failed attempt is kept in attempts/" test -s "$out/attempts/$victim.1/cell.json"

# The study's results.
want_rows=0
for c in "${cells[@]}"; do g=${c##*-g}; want_rows=$((want_rows + ${g%%-*})); done
check "cells.csv: all ${#cells[@]} cells ok" \
	test "$(csvq "$out/cells.csv" 'sum(r["status"] == "ok" for r in rows)')/$(csvq "$out/cells.csv" 'len(rows)')" = "${#cells[@]}/${#cells[@]}"
check "results.csv has exactly $want_rows rows (one per guest of each cell)" \
	test "$(csvq "$out/results.csv" 'len(rows)')" = "$want_rows"
check "results.json has the same $want_rows rows" test "$(jq '.rows | length' "$out/results.json")" = "$want_rows"
while IFS=, read -r cell guest pid exits kvm lost wl ops wexits tput run_dir; do
	want=$("$E" summary --json --pid "$pid" "$run_dir/trace.dat" | jq '.guests[0].exits')
	stat=$(jq '[.vcpus[].stats.exits] | add' "$run_dir/guest$guest/kvm-stats.json")
	vm=$(cut -d- -f1 "$run_dir/guest$guest/debugfs/vm-name")
	check "$cell guest$guest (VM $pid = debugfs $vm): exits $exits == exitstat $want == KVM exits $stat, lost $lost" \
		test "$exits/$pid/$lost" = "$want/$vm/0" -a "$kvm" = "$stat" -a "$exits" = "$stat"
	check "$cell guest$guest: throughput $tput from the workload line" test -n "$tput"
	if [ "$wl" = hvc ]; then
		check "$cell guest$guest: hvc made >= 1 exit per read ($wexits exits, $ops reads)" test "$wexits" -ge "$ops"
	fi
done < <(csvq "$out/results.csv" '"\n".join(",".join(r[k] for k in ("cell_id","guest","vm_pid","exits","kvm_exits","lost_events","workload","ops","workload_exits","ops_per_s","run_dir")) for r in rows)')
for p in throughput fairness exits_per_class host_time_share; do
	check "plots/$p.png is a valid non-empty PNG ($(file -b "$out/plots/$p.png" 2>&1 | cut -c1-40))" \
		bash -c "[ -s '$out/plots/$p.png' ] && file -b '$out/plots/$p.png' | grep -qE '^PNG image data, [0-9]+ x [0-9]+'"
	check "plots/$p.svg is a valid non-empty SVG" \
		bash -c "[ -s '$out/plots/$p.svg' ] && python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' '$out/plots/$p.svg'"
done
echo "timing: first run ${first_s}s (${#cells[@]} cells, one killed), re-run ${rerun_s}s (1 cell)"
finish
