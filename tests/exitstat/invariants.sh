#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Invariants of `exitstat summary --json` on every trace the tests have: the per-guest, the
# per-vcpu and the per-class exits each add up to the total exits, and the per-guest and
# per-vcpu shares to 100% (within the rounding of 4 decimals), with and without filters;
# the trace block names where guests came from (guest_source).
# Traces: tests/traces/*.dat and tests/traces/stock/*.dat (in the repository: the patched
# kernel's, and a stock kernel's with its threads' processes), tests/traces/fixtures/*.dat ($EXITLAB_FIXTURES;
# that part SKIPs when absent), and traces generated here: each patched trace made stock
# (make-stock-trace.py: 2 VMs x 2 vcpu threads without process information, then with a full
# and a partial tgid map), each fixture made patched (make-patched-trace.py) and a stock trace
# replicated in time (tools/tracedat/make-big-trace.py). Generating needs trace-cmd (SKIP without).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
exitstat=${EXITSTAT:-$BUILD_DIR/exitstat/exitstat}
fixtures=$FIXTURES_DIR
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
[ -x "$exitstat" ] || make -s -C "$ROOT/tools/exitstat" all >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Prints nothing when the invariants hold, else what is wrong.
# shellcheck disable=SC2016
sums='def abs: if . < 0 then -. else . end;
	def near100($s; $n): ($s - 100 | abs) <= 0.0001 * $n + 0.000001;
	.trace.exits_matching_filter as $t
	| ([.guests[].exits] | add // 0) as $g | ([.vcpus[].exits] | add // 0) as $v
	| ([.classes[] | select(.class != "ALL") | .exits] | add // 0) as $c
	| ([.guests[].share_pct] | add // 0) as $gs | ([.vcpus[].share_pct] | add // 0) as $vs
	| [if $g != $t then "guests sum to \($g), total \($t)" else empty end,
	   if $v != $t then "vcpus sum to \($v), total \($t)" else empty end,
	   if $c != $t then "classes sum to \($c), total \($t)" else empty end,
	   if $t > 0 and (near100($gs; .guests | length) | not) then "guest shares sum to \($gs)%" else empty end,
	   if $t > 0 and (near100($vs; .vcpus | length) | not) then "vcpu shares sum to \($vs)%" else empty end,
	   if .trace.guest_source != $source then "guest_source \(.trace.guest_source), expected \($source)" else empty end]
	| .[]'

# invariant NAME SOURCE TRACE [exitstat options]: plain, by class, and from the middle on.
invariant() {
	local name=$1 source=$2 trace=$3 filter half
	shift 3
	half=$("$exitstat" summary --json "$@" "$trace" 2>/dev/null | jq '.trace.span_s / 2' || echo 0)
	for filter in "" "--class DABT_LOW,IRQ" "--from $half"; do
		# shellcheck disable=SC2086
		if ! "$exitstat" summary --json "$@" $filter "$trace" >"$tmp/s.json" 2>"$tmp/err"; then
			check_quiet "$name ${filter:-(no filter)}: exitstat summary --json" false
			sed 's/^/    /' "$tmp/err"
			continue
		fi
		jq -r --arg source "$source" "$sums" "$tmp/s.json" >"$tmp/wrong"
		check_quiet "$name ${filter:-(no filter)}: $(jq -r '"\(.guests | length) guests, \(.vcpus | length) vcpus, classes add up to \(.trace.exits_matching_filter) exits and 100%"' "$tmp/s.json")" \
			test ! -s "$tmp/wrong"
		sed 's/^/    /' "$tmp/wrong"
	done
}

for t in "$ROOT"/tests/traces/*.dat; do
	invariant "$(basename "$t")" vm_pid "$t"
done

fixture_dats=()
if ls "$fixtures"/*.dat >/dev/null 2>&1; then
	fixture_dats=("$fixtures"/*.dat)
	for t in "${fixture_dats[@]}"; do
		invariant "fixture $(basename "$t")" none "$t"
	done
else
	echo "SKIP fixtures: no *.dat in $fixtures (set EXITLAB_FIXTURES)"
fi

# Real stock recordings: tests/traces/stock/NAME.dat (guests of several vcpus on a host without
# exitlab's patches) and beside each NAME.threads, "tid tgid exits" for every vcpu thread, from
# the run's guestN/qemu.pid and kvm-stats.json (tests/traces/README.md). Without process
# information one guest 'unknown' holds every thread; with the map made of it, each guest (its
# QEMU process) has its own vcpu threads, and each thread's exits equal KVM's exits statistic.
for t in "$ROOT"/tests/traces/stock/*.dat; do
	[ -f "$t" ] || continue
	name=stock/$(basename "$t")
	threads=${t%.dat}.threads
	awk '{ print $1, $2 }' "$threads" >"$tmp/map"
	invariant "$name" none "$t"
	invariant "$name --tgid-map" tgid "$t" --tgid-map "$tmp/map"
	"$exitstat" summary --json "$t" >"$tmp/real.json"
	# shellcheck disable=SC2016 # $n is jq's
	check_quiet "$name: without process information, one guest 'unknown' holds all $(wc -l <"$threads") threads" \
		jq -e --argjson n "$(wc -l <"$threads")" '[.guests[] | [.guest, .vcpus]] == [["unknown", $n]]' "$tmp/real.json"
	"$exitstat" summary --json --tgid-map "$tmp/map" "$t" >"$tmp/real.json"
	check_quiet "$name: with the map, each guest has its vcpu threads ($(awk '{ print $2 }' "$threads" | sort -u | wc -l) guests)" \
		cmp -s <(jq -r '.guests[] | "\(.guest) \(.vcpus)"' "$tmp/real.json" | sort) \
		<(awk '{ n[$2]++ } END { for (g in n) print g, n[g] }' "$threads" | sort)
	check_quiet "$name: with the map, each vcpu thread's exits equal KVM's exits statistic" \
		cmp -s <(jq -r '.vcpus[] | "\(.tid) \(.exits)"' "$tmp/real.json" | sort) \
		<(awk '{ print $1, $3 }' "$threads" | sort)
done

if ! command -v trace-cmd >/dev/null || ! command -v python3 >/dev/null; then
	echo "SKIP generated traces: trace-cmd and python3 are needed"
	finish
	exit
fi
v6() { trace-cmd convert --file-version 6 --compression none -i "$1" -o "$2" >/dev/null 2>&1; }

# Exits per "key" of a summary table: vcpus by thread id, guests by id.
per() { jq -r ".$1[] | \"\\(.$2) \\(.exits)\"" "$3" | sort; }

# (make-stock-trace.py knows the arm64 host's patched layout, kernel-patches/6.1/0002: the
# legacy 32-bit host's trace is not turned into a stock one.)
for t in "$ROOT"/tests/traces/patched-arm*.dat; do
	name=stock-$(basename "$t")
	v6 "$t" "$tmp/in.v6.dat"
	PYTHONPATH="$ROOT/tools/tracedat" python3 "$ROOT/tests/exitstat/make-stock-trace.py" "$tmp/in.v6.dat" "$tmp/$name" "$tmp/tgids" >"$tmp/gen.log"
	threads=$(wc -l <"$tmp/tgids")
	invariant "$name ($(cat "$tmp/gen.log"))" none "$tmp/$name"
	invariant "$name --tgid-map (all threads)" tgid "$tmp/$name" --tgid-map "$tmp/tgids"
	first_vm=$(awk 'NR == 1 { print $2 }' "$tmp/tgids")
	if [ "$(awk '{ print $2 }' "$tmp/tgids" | sort -u | wc -l)" -gt 1 ]; then
		awk -v vm="$first_vm" '$2 == vm' "$tmp/tgids" >"$tmp/tgids-part"
		invariant "$name --tgid-map (VM $first_vm only)" tgid "$tmp/$name" --tgid-map "$tmp/tgids-part"
	fi

	# The same exits as the patched reading: per thread, and per process with the map.
	"$exitstat" summary --json "$t" >"$tmp/patched.json"
	"$exitstat" summary --json "$tmp/$name" >"$tmp/stock.json"
	"$exitstat" summary --json --tgid-map "$tmp/tgids" "$tmp/$name" >"$tmp/mapped.json"
	check_quiet "$name: per-thread exits equal the patched trace's per-vcpu exits" \
		cmp -s <(per vcpus tid "$tmp/patched.json") <(per vcpus tid "$tmp/stock.json")
	check_quiet "$name: with the tgid map, per-guest exits equal the patched trace's per-VM exits" \
		cmp -s <(per guests guest "$tmp/patched.json") <(per guests guest "$tmp/mapped.json")
	# shellcheck disable=SC2016
	check_quiet "$name: without process information, one guest 'unknown' holds all $threads threads" \
		jq -e --argjson n "$threads" '[.guests[] | [.guest, .vcpus, .exits]] == [["unknown", $n, .trace.exits_matching_filter]]' \
		"$tmp/stock.json"
	"$exitstat" summary "$tmp/$name" >"$tmp/stock.txt"
	"$exitstat" summary --csv "$tmp/$name" >"$tmp/stock.csv"
	check_quiet "$name: the text says why ('No process information')" grep -q 'No process information' "$tmp/stock.txt"
	check_quiet "$name: CSV guests block sums to the total, guest_source none" \
		test "$(awk -F, '/^# guests$/ { on = 1; next } /^$/ { on = 0 } on && $1 != "guest" { s += $3 } END { print s + 0 }' "$tmp/stock.csv")" \
		= "$(awk -F, '$1 == "exits_matching_filter" { print $2 }' "$tmp/stock.csv")" -a \
		"$(awk -F, '$1 == "guest_source" { print $2 }' "$tmp/stock.csv")" = none
	"$exitstat" compare --json "$t" "$tmp/$name" >"$tmp/cmp.json"
	check_quiet "$name: compare with its patched original: every class equal, rows sum to the totals" \
		jq -e '(.classes | map(select(.class != "ALL")) | all(.exits_a == .exits_b))
			and ([.classes[] | select(.class != "ALL") | .exits_a] | add) == .traces.exits_a
			and .traces.exits_a == .traces.exits_b' "$tmp/cmp.json"
done

# A stock multi-thread trace replicated in time (analyzer-speed.sh's generator).
if [ -f "$tmp/stock-patched-arm64-2vm-2vcpu.dat" ]; then
	v6 "$tmp/stock-patched-arm64-2vm-2vcpu.dat" "$tmp/stock.v6.dat"
	python3 "$ROOT/tools/tracedat/make-big-trace.py" "$tmp/stock.v6.dat" "$tmp/stock-x3.dat" 3 >/dev/null
	invariant "stock-patched-arm64-2vm-2vcpu.dat x3 (make-big-trace.py)" none "$tmp/stock-x3.dat"
fi

for t in "${fixture_dats[@]}"; do
	name=patched-$(basename "$t")
	v6 "$t" "$tmp/in.v6.dat"
	python3 "$ROOT/tools/tracedat/make-patched-trace.py" "$tmp/in.v6.dat" "$tmp/$name" 4242 500 >/dev/null
	invariant "$name (make-patched-trace.py)" vm_pid "$tmp/$name"
done

finish
