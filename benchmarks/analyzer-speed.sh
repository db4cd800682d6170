#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# analyzer-speed.sh [TRACE] [--big COPIES] [--runs N]
#
# Times, side by side in one run on the same input (best of N runs each):
#   (a) trace-cmd report -N | awk, counting exits per class (the baseline)
#   (b) bare libtracecmd: a tracecmd_follow_event loop counting exits per
#       class, and tracecmd_iterate_events doing nothing (the "floor")
#   (c) perf kvm stat report on a perf.data of the same workload, when
#       PERF_DATA names one (none is recorded for the fixtures yet)
#   exitstat summary with each reading strategy (page = default)
# and prints exitstat's speed-up over each. Then, on a large input made by
# make-big-trace.py (COPIES x the trace; 97 copies of the 32-bit boot
# fixture = 10.1 M exits), exitstat's throughput and peak memory next to
# those on the original, to show memory stays flat as the trace grows.
# Not a test: prints figures, exits 0 unless something cannot run.

set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
fixtures=${EXITLAB_FIXTURES:-$repo/../shared/fixtures}
trace=$fixtures/guest32-boot.dat
copies=10
runs=3
while [ $# -gt 0 ]; do
	case $1 in
	--big) copies=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	-h|--help) sed -n '4,18p' "$0"; exit 0 ;;
	*) trace=$1; shift ;;
	esac
done
[ -f "$trace" ] || { echo "analyzer-speed: $trace: no such trace (set EXITLAB_FIXTURES or pass one)" >&2; exit 1; }

build=$repo/build/bench
mkdir -p "$build"
make -s -C "$repo/tools/exitstat" all >/dev/null
exitstat=$repo/build/exitstat/exitstat
# shellcheck disable=SC2046
cc -O2 -Wall -Wextra -o "$build/iterate-floor" "$here/iterate-floor.c" \
	$(pkg-config --cflags --libs libtracecmd)

# best wall time in seconds of $runs runs of "$@" (output discarded)
best() {
	local b="" t0 t1 t i
	for ((i = 0; i < runs; i++)); do
		t0=$(date +%s.%N)
		"$@" > /dev/null 2>&1
		t1=$(date +%s.%N)
		t=$(echo "$t1 - $t0" | bc -l)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
	done
	printf '%.4f' "$b"
}
report_awk() {
	trace-cmd report -N -i "$1" 2>/dev/null |
		awk '$5 == "kvm_exit:" { n[$6 " " $8]++ } END { for (k in n) print n[k], k }'
}
# peak anonymous (heap) and file-backed RSS in KB, sampled every 2 ms:
# libtracecmd mmaps uncompressed CPU data, so total RSS grows with the
# file while the heap is what the analysis itself holds.
peak_kb() {
	"$@" > /dev/null 2>&1 &
	local pid=$! anon=0 file=0 a f
	while kill -0 $pid 2>/dev/null; do
		a=$(awk '/^RssAnon:/ { print $2 }' /proc/$pid/status 2>/dev/null || true)
		f=$(awk '/^RssFile:/ { print $2 }' /proc/$pid/status 2>/dev/null || true)
		[ -n "$a" ] && [ "$a" -gt "$anon" ] && anon=$a
		[ -n "$f" ] && [ "$f" -gt "$file" ] && file=$f
		sleep 0.002
	done
	wait $pid || true
	echo "heap $anon KB, file-backed $file KB"
}
ratio() { printf '%6.1fx' "$(echo "$1 / $2" | bc -l)"; }

exits=$("$exitstat" summary --csv "$trace" | awk -F, '$1 == "kvm_exit records" { print $2 }')
events=$("$exitstat" summary --csv "$trace" | awk -F, '$1 == "events" { print $2 }')
echo "analyzer-speed: $trace ($events events, $exits exits), best of $runs runs each"
echo

t_awk=$(best report_awk "$trace")
t_follow=$(best "$build/iterate-floor" follow "$trace")
t_iter=$(best "$build/iterate-floor" iterate "$trace")
t_page=$(best "$exitstat" summary "$trace")
t_record=$(best "$exitstat" summary --reader record "$trace")
t_iterate=$(best "$exitstat" summary --reader iterate "$trace")
t_perf=""
if [ -n "${PERF_DATA:-}" ] && [ -f "$PERF_DATA" ] && command -v perf >/dev/null; then
	t_perf=$(best perf kvm stat report -i "$PERF_DATA")
fi

printf '  %-52s %8s s\n' "(a) trace-cmd report -N | awk (exits per class)" "$t_awk"
printf '  %-52s %8s s\n' "(b) libtracecmd follow_event loop (exits per class)" "$t_follow"
printf '  %-52s %8s s\n' "(b) libtracecmd iterate_events, no work" "$t_iter"
if [ -n "$t_perf" ]; then
	printf '  %-52s %8s s\n' "(c) perf kvm stat report ($PERF_DATA)" "$t_perf"
else
	printf '  %-52s %8s\n' "(c) perf kvm stat report" "n/a (set PERF_DATA to a perf.data of the same workload)"
fi
printf '  %-52s %8s s\n' "exitstat summary --reader page (default)" "$t_page"
printf '  %-52s %8s s\n' "exitstat summary --reader record" "$t_record"
printf '  %-52s %8s s\n' "exitstat summary --reader iterate" "$t_iterate"
echo
echo "Ratios (time of the other / time of exitstat summary, page reader):"
printf '  vs (a) report|awk:            %s   (target >= 20x)\n' "$(ratio "$t_awk" "$t_page")"
printf '  vs (b) follow_event loop:     %s   (target > 1x)\n' "$(ratio "$t_follow" "$t_page")"
printf '  vs (b) bare iterate_events:   %s\n' "$(ratio "$t_iter" "$t_page")"
[ -n "$t_perf" ] && printf '  vs (c) perf kvm stat report:  %s\n' "$(ratio "$t_perf" "$t_page")"
printf '  follow_event loop vs (a):     %s   (the plain-loop speed-up)\n' "$(ratio "$t_awk" "$t_follow")"
printf '  record reader vs page reader: %s slower\n' "$(ratio "$t_record" "$t_page")"
echo

# Large input: memory must stay flat.
v6=$build/$(basename "$trace" .dat).v6.dat
big=$build/$(basename "$trace" .dat).x$copies.dat
[ -f "$v6" ] || trace-cmd convert --file-version 6 --compression none -i "$trace" -o "$v6" >/dev/null 2>&1
[ -f "$big" ] || python3 "$here/make-big-trace.py" "$v6" "$big" "$copies" >/dev/null
big_exits=$("$exitstat" summary --csv "$big" | awk -F, '$1 == "kvm_exit records" { print $2 }')
runs_saved=$runs
runs=1
t_big=$(best "$exitstat" summary "$big")
runs=$runs_saved
rss_small=$(peak_kb "$exitstat" summary "$v6")
rss_big=$(peak_kb "$exitstat" summary "$big")
echo "Large input: $big ($copies copies, $big_exits exits, $(du -m "$big" | cut -f1) MB)"
printf '  exitstat summary: %s s, %.1f M exits/s\n' "$t_big" "$(echo "$big_exits / $t_big / 1000000" | bc -l)"
echo "  peak RSS, original (uncompressed v6):   $rss_small"
echo "  peak RSS, ${copies}x input (uncompressed v6): $rss_big"
# The same large input compressed as trace-cmd writes it (v7, zstd): here
# libtracecmd holds decompressed chunks on the heap; exitstat reopens the
# file every 32 MiB of pages to keep that bounded.
big7=${big%.dat}.v7.dat
[ -f "$big7" ] || trace-cmd convert -i "$big" -o "$big7" > /dev/null 2>&1
runs=1
t_big7=$(best "$exitstat" summary "$big7")
runs=$runs_saved
rss_small7=$(peak_kb "$exitstat" summary "$trace")
rss_big7=$(peak_kb "$exitstat" summary "$big7")
echo "  compressed (v7, zstd) ${copies}x input: $t_big7 s"
echo "  peak RSS, original (v7):      $rss_small7"
echo "  peak RSS, ${copies}x input (v7): $rss_big7"
