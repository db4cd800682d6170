#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# analyzer-speed.sh [--runs N] [--copies N] [--big COPIES] [TRACE...]
#
# Times, side by side in one run (best of N runs each, peak RSS of any run),
# on each input: a compressed multi-guest trace (tests/traces/
# patched-arm64-2vm-2vcpu.dat, 2 VMs x 2 vcpus, repeated --copies times in
# time by tools/tracedat/make-big-trace.py, default 13 = 1.6 M events, compressed with
# zstd by trace-cmd convert) and the 32-bit boot fixture as recorded (v7,
# zstd), or the TRACEs given:
#   exitstat summary on the trace (v7; default reader: zpage, without
#     libtracecmd: own headers and zstd decompression) and on its
#     uncompressed version 6 copy (same results)
#   exitstat summary --reader tcpage on v7 (libtracecmd opens it, gives pages)
#   (a) trace-cmd report -N | awk, counting exits per class (the baseline)
#   (b) a libtracecmd tracecmd_follow_event loop counting exits per class,
#       and tracecmd_iterate_events doing nothing (iterate-floor.c)
#   (c) perf kvm stat report, when PERF_DATA names a perf.data (none yet)
# then exitstat's ratios against the goals: v7 / v6 <= 1.5x,
# report|awk >= 25x, follow loop >= 3x. Last, memory as the input grows:
# --big copies (default 10) of the boot fixture, v6 and v7.
# EXITSTAT=PATH times that binary (e.g. one built before a change) instead
# of building this tree's into $EXITLAB_BUILD/exitstat (default build/).
# Not a test: prints figures, exits 0 unless something cannot run.

set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
# shellcheck source=images/lib.sh
. "$repo/images/lib.sh"
fixtures=$FIXTURES_DIR
copies=13
big=10
runs=3
traces=()
while [ $# -gt 0 ]; do
	case $1 in
	--big | --copies | --runs)
		[[ $# -ge 2 && "$2" =~ ^[1-9][0-9]*$ ]] ||
			{ echo "analyzer-speed: $1 needs a positive integer, got '${2-}' (see --help)" >&2; exit 2; }
		case $1 in --big) big=$2 ;; --copies) copies=$2 ;; --runs) runs=$2 ;; esac
		shift 2 ;;
	-h|--help) sed -n '4,25p' "$0"; exit 0 ;;
	-*) echo "analyzer-speed: unknown option $1 (see --help)" >&2; exit 2 ;;
	*) traces+=("$1"); shift ;;
	esac
done

build=$BUILD_DIR/bench
mkdir -p "$build"
if [ -n "${EXITSTAT:-}" ]; then
	exitstat=$EXITSTAT
else
	make -s -C "$repo/tools/exitstat" BUILD="$BUILD_DIR/exitstat" all >/dev/null
	exitstat=$BUILD_DIR/exitstat/exitstat
fi
# shellcheck disable=SC2046
cc -O2 -Wall -Wextra -o "$build/iterate-floor" "$here/iterate-floor.c" \
	$(pkg-config --cflags --libs libtracecmd)

# "SECONDS PEAK_RSS_KB" of the best of $runs runs
timed() { python3 "$here/best-of.py" "$runs" "$@"; }
report_awk() {
	# shellcheck disable=SC2016
	timed bash -c 'trace-cmd report -N -i "$1" 2>/dev/null |
		awk '\''$5 == "kvm_exit:" { n[$6 " " $8]++ } END { for (k in n) print n[k], k }'\''' _ "$1"
}
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$1" "$2"; }
# compare A B GOAL: "yes" when A (a ratio) meets GOAL (">=25" or "<=1.5")
meets() { python3 -c "import sys; a, g = float(sys.argv[1]), sys.argv[2]; print('yes' if (a >= float(g[2:]) if g[:2] == '>=' else a <= float(g[2:])) else 'NO')" "$1" "$2"; }
mb() { python3 -c "import sys; print(f'{int(sys.argv[1]) / 1048576:.1f} MB')" "$1"; }
csv_value() { awk -F, -v k="$1" '$1 == k { print $2; exit }' "$2"; }
v6_of() {	# an uncompressed version 6 copy of $1, cached
	local v6
	v6=$build/$(basename "$1" .dat).v6.dat
	[ -f "$v6" ] || trace-cmd convert --file-version 6 --compression none -i "$1" -o "$v6" >/dev/null 2>&1
	echo "$v6"
}

if [ ${#traces[@]} = 0 ]; then
	multi=$repo/tests/traces/patched-arm64-2vm-2vcpu.dat
	m6=$(v6_of "$multi")
	m7=$build/2vm-2vcpu.x$copies.dat
	if [ ! -f "$m7" ]; then
		python3 "$repo/tools/tracedat/make-big-trace.py" "$m6" "$build/2vm-2vcpu.x$copies.v6.dat" "$copies" >/dev/null
		trace-cmd convert --compression zstd -i "$build/2vm-2vcpu.x$copies.v6.dat" -o "$m7" >/dev/null 2>&1
	fi
	traces=("$m7")
	[ -f "$fixtures/guest32-boot.dat" ] && traces+=("$fixtures/guest32-boot.dat")
fi

speed() {	# the side-by-side table of one compressed trace
	local v7=$1 v6 t rss
	[ -f "$v7" ] || { echo "analyzer-speed: $v7: no such trace" >&2; exit 1; }
	v6=$(v6_of "$v7")
	"$exitstat" summary --csv "$v7" | grep -Ev '^(reader|file),' > "$build/v7.csv"
	"$exitstat" summary --csv "$v6" | grep -Ev '^(reader|file),' > "$build/v6.csv"
	local events exits same
	events=$(csv_value events "$build/v7.csv")
	exits=$(csv_value kvm_exit_records "$build/v7.csv")
	same=$(cmp -s "$build/v7.csv" "$build/v6.csv" && echo "identical" || echo "DIFFERENT")
	echo "== $v7"
	echo "   $events events, $exits exits; v7 $(mb "$(stat -c %s "$v7")") (zstd), v6 $(mb "$(stat -c %s "$v6")"); results v7 vs v6: $same; best of $runs"
	local t_z r_z t_v6 r_v6 t_tc r_tc t_awk r_awk t_follow r_follow t_iter r_iter
	read -r t_z r_z < <(timed "$exitstat" summary "$v7")
	read -r t_v6 r_v6 < <(timed "$exitstat" summary "$v6")
	read -r t_tc r_tc < <(timed "$exitstat" summary --reader tcpage "$v7")
	read -r t_awk r_awk < <(report_awk "$v7")
	read -r t_follow r_follow < <(timed "$build/iterate-floor" follow "$v7")
	read -r t_iter r_iter < <(timed "$build/iterate-floor" iterate "$v7")
	printf '   %-50s %8s s %8s KB peak RSS\n' \
		"exitstat summary, v7 (zpage: no libtracecmd)" "$t_z" "$r_z" \
		"exitstat summary, v6 (uncompressed copy)" "$t_v6" "$r_v6" \
		"exitstat summary --reader tcpage, v7" "$t_tc" "$r_tc" \
		"(a) trace-cmd report -N | awk, v7" "$t_awk" "$r_awk" \
		"(b) libtracecmd follow_event loop, v7" "$t_follow" "$r_follow" \
		"(b) libtracecmd iterate_events, no work, v7" "$t_iter" "$r_iter"
	if [ -n "${PERF_DATA:-}" ] && [ -f "$PERF_DATA" ] && command -v perf >/dev/null; then
		read -r t rss < <(timed perf kvm stat report -i "$PERF_DATA")
		printf '   %-50s %8s s %8s KB\n' "(c) perf kvm stat report ($PERF_DATA)" "$t" "$rss"
	else
		printf '   %-50s %s\n' "(c) perf kvm stat report" "n/a (set PERF_DATA to a perf.data of the same workload)"
	fi
	local r
	r=$(ratio "$t_z" "$t_v6")
	printf '   exitstat v7 / v6 time:           %6sx  (goal <= 1.5x: %s)\n' "$r" "$(meets "$r" '<=1.5')"
	r=$(ratio "$t_awk" "$t_z")
	printf '   (a) report|awk / exitstat v7:    %6sx  (goal >= 25x: %s)\n' "$r" "$(meets "$r" '>=25')"
	r=$(ratio "$t_follow" "$t_z")
	printf '   (b) follow loop / exitstat v7:   %6sx  (goal >= 3x: %s)\n' "$r" "$(meets "$r" '>=3')"
	printf '   (b) bare iterate / exitstat v7:  %6sx\n' "$(ratio "$t_iter" "$t_z")"
	printf '   tcpage / zpage on v7:            %6sx  (through libtracecmd vs without it)\n' "$(ratio "$t_tc" "$t_z")"
	printf '   peak RSS v7 / v6:                %6sx\n' "$(ratio "$r_z" "$r_v6")"
	echo
}

for t in "${traces[@]}"; do
	speed "$t"
done

# Memory as the input grows (peak RSS of the run, from getrusage). zpage
# holds a fixed ring of decompressed chunks; through libtracecmd (tcpage),
# compressed files grow its list of decompressed chunks (exitstat reopens
# the file every 32 MiB of pages to bound it); uncompressed files are
# mmapped by libtracecmd, so their peak RSS is mostly the file's pages
# (reclaimable page cache), not heap.
boot=$fixtures/guest32-boot.dat
[ -f "$boot" ] || exit 0
b6=$(v6_of "$boot")
bigv6=$build/guest32-boot.x$big.dat
bigv7=$build/guest32-boot.x$big.v7.dat
[ -f "$bigv6" ] || python3 "$repo/tools/tracedat/make-big-trace.py" "$b6" "$bigv6" "$big" >/dev/null
[ -f "$bigv7" ] || trace-cmd convert --compression zstd -i "$bigv6" -o "$bigv7" >/dev/null 2>&1
big_exits=$("$exitstat" summary --csv "$bigv7" | awk -F, '$1 == "kvm_exit_records" { print $2 }')
echo "== memory as the input grows: the boot fixture and $big copies of it ($big_exits exits), best of $runs"
for row in "zpage:$boot:1x v7" "zpage:$bigv7:${big}x v7" "tcpage:$boot:1x v7" "tcpage:$bigv7:${big}x v7" \
	   "page:$b6:1x v6" "page:$bigv6:${big}x v6"; do
	reader=${row%%:*}
	rest=${row#*:}
	f=${rest%:*}
	read -r t rss < <(timed "$exitstat" summary --reader "$reader" "$f")
	printf '   %-6s %-7s %8s s %8s KB peak RSS  (%s)\n' "$reader" "${rest##*:}" "$t" "$rss" "$(mb "$(stat -c %s "$f")")"
done
