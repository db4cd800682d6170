#!/usr/bin/env bash
# What benchmarks/multi-guest adds to a cell, against a plain ./run-host.sh of the same
# setup (the exact command line the runner's cell ran, from its cell.json), side by side in
# one session, alternating which goes first. Prints per-run wall times, the medians, what
# the per-cell wrapper adds (cell_wall_s vs plain) and what the whole runner command adds
# (study expansion, image check, GNU parallel, merge, plots). --default also runs the
# default study once and prints its wall time.
set -euo pipefail
PROG=runner-overhead.sh
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=images/lib.sh
. "$ROOT/images/lib.sh"
MG=$ROOT/benchmarks/multi-guest

usage() {
	cat <<'USAGE'
Usage: benchmarks/runner-overhead.sh [--runs N] [--arch arm|arm64] [--workload NAME]
                                     [--guests N] [--out DIR] [--default]
  --runs N        pairs of runs (default 2)
  --arch ARCH     guest architecture of the cell (default arm64)
  --workload W    workload of the cell (default cpu; ops as in the quick study)
  --guests N      guests in the cell (default 1)
  --out DIR       where the runs go (default build/runner-overhead, emptied first)
  --default       also run the default study (about 40 minutes) and print its wall time
Exit status: 0 ok, 1 a run failed, 2 usage.
USAGE
}
usage_error() { printf '%s: %s (see --help)\n' "$PROG" "$1" >&2; exit 2; }
runs=2 arch=arm64 workload=cpu guests=1 out=$BUILD_DIR/runner-overhead default=0
while [ $# -gt 0 ]; do
	case "$1" in
	--runs | --arch | --workload | --guests | --out)
		[ $# -ge 2 ] || usage_error "$1 needs a value"
		case "$1" in
		--runs) [[ "$2" =~ ^[1-9][0-9]*$ ]] || usage_error "--runs needs a positive integer"; runs=$2 ;;
		--arch) arch=$2 ;;
		--workload) workload=$2 ;;
		--guests) guests=$2 ;;
		--out) out=$2 ;;
		esac
		shift 2 ;;
	--default) default=1; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage_error "unknown option '$1'" ;;
	esac
done
# The cell's settings are checked by the runner itself (exit 2 on a bad value).
"$MG" expand --study quick --arch "$arch" --workloads "$workload" --guests "$guests" >/dev/null || exit 2
rm -rf "$out"
mkdir -p "$out"

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

runner_once() { # runner_once I: the one-cell study; prints "command_s cell_s merge_s"
	local d=$out/runner-$1 t0 t1 t2 cell_s
	t0=$(now)
	"$MG" --study quick --arch "$arch" --workloads "$workload" --guests "$guests" --out "$d" \
		>"$d.log" 2>&1 || { echo "$PROG: runner run $1 failed: see $d.log" >&2; exit 1; }
	t1=$(now)
	"$MG" merge --out "$d" >/dev/null 2>&1 || { echo "$PROG: merge of $d failed" >&2; exit 1; }
	t2=$(now)
	cell_s=$(jq -r '.cell_wall_s' "$d"/cells/*/cell.json)
	echo "$(secs "$t0" "$t1") $cell_s $(secs "$t1" "$t2")"
}
plain_once() { # plain_once I: the cell's own run-host.sh command line, another --out
	local d=$out/plain-$1 t0 t1 args=()
	mapfile -t args < <(jq -r '.run_host_cmd[]' "$out"/runner-1/cells/*/cell.json)
	for i in "${!args[@]}"; do
		[ "${args[$i]}" = --out ] && args[i + 1]=$d
	done
	t0=$(now)
	"${args[@]}" >"$d.log" 2>&1 || { echo "$PROG: plain run $1 failed: see $d.log" >&2; exit 1; }
	t1=$(now)
	secs "$t0" "$t1"
}

printf '%-4s %-10s %-8s %-8s %-8s\n' run plain_s command_s cell_s merge_s
for i in $(seq "$runs"); do
	if [ $((i % 2)) = 1 ]; then
		r=$(runner_once "$i"); p=$(plain_once "$i")
	else
		p=$(plain_once "$i"); r=$(runner_once "$i")
	fi
	read -r c cell m <<<"$r"
	printf '%-4s %-10s %-8s %-8s %-8s\n' "$i" "$p" "$c" "$cell" "$m"
	echo "$p $c $cell $m" >>"$out/times.txt"
done
p=$(awk '{ print $1 }' "$out/times.txt" | median)
c=$(awk '{ print $2 }' "$out/times.txt" | median)
cell=$(awk '{ print $3 }' "$out/times.txt" | median)
m=$(awk '{ print $4 }' "$out/times.txt" | median)
echo "setup: $arch guests=$guests $workload traced (the quick study's settings), medians of $runs"
awk -v p="$p" -v c="$c" -v cell="$cell" -v m="$m" 'BEGIN {
	printf "plain ./run-host.sh              %7.1f s\n", p
	printf "runner: the cell (cell_wall_s)   %7.1f s   adds %+.1f s (%+.1f%%)\n", cell, cell - p, 100 * (cell - p) / p
	printf "runner: the whole command        %7.1f s   adds %+.1f s (%+.1f%%), of which merge + plots %.1f s\n", c, c - p, 100 * (c - p) / p, m
}'
if [ "$default" = 1 ]; then
	t0=$(now)
	st=0
	"$MG" --study default --out "$out/default" >"$out/default.log" 2>&1 || st=$?
	echo "default study: $(jq '.cells | length' "$out/default/study.json") cells in $(secs "$t0" "$(now)") s (exit $st; $out/default.log)"
fi
