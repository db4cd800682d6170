#!/usr/bin/env bash
# exitstat summary against perf kvm stat report: analysis time on the same recording, side by
# side in one run. One ./run-host.sh --perf-kvm --icount run records the guests with both
# tracers at once (trace.dat and perf.data of the same exits); its --after-cmd then times, in
# the emulated arm64 host, `exitstat summary trace.dat` (exitstat built for arm64) and
# `perf kvm stat report` on perf.data, alternately, RUNS times each after one untimed warm-up.
# In the host, because perf kvm stat decodes exits only for the architecture it was built for
# (an x86 perf cannot report arm64 exits); under -icount shift=0 the host's clock counts
# emulated instructions (1 ns each), so the times are path lengths and repeat run to run.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=images/lib.sh
. "$ROOT/images/lib.sh"
PROG=kvm-stat-speed.sh
# shellcheck source=images/lib.sh
. "$ROOT/images/lib.sh"

usage() {
	cat <<'USAGE'
Usage: benchmarks/kvm-stat-speed.sh [--runs N] [--guests N] [--guest-smp N] [--guest-arch ARCH]
                                    [--guest-cmd CMD] [--out DIR] [--from DIR]
Records N guests (default 2, arm64, 2 vcpus each, the default workload or --guest-cmd's) with trace-cmd and
perf kvm stat at once (./run-host.sh --perf-kvm --icount), times exitstat summary and perf kvm
stat report on that recording inside the emulated host (--runs times each, default 5, after a
warm-up), prints medians, spreads and the ratio perf / exitstat, and writes
DIR/kvm-stat-speed.json. DIR defaults to build/bench/kvm-stat-speed-DATE; --from DIR prints
the figures of an earlier run without running anything.
USAGE
}
usage_error() { printf '%s: %s (see --help)\n' "$PROG" "$1" >&2; exit 2; }
runs=5 guests=2 smp=2 arch=arm64 guest_cmd='' out='' from=''
while [ $# -gt 0 ]; do
	case "$1" in
	--runs | --guests | --guest-smp | --guest-arch | --guest-cmd | --out | --from)
		[ $# -ge 2 ] || usage_error "$1 needs a value"
		case "$1" in
		--runs) runs=$2 ;;
		--guests) guests=$2 ;;
		--guest-smp) smp=$2 ;;
		--guest-arch) arch=$2 ;;
		--guest-cmd) guest_cmd=$2 ;;
		--out) out=$2 ;;
		--from) from=$2 ;;
		esac
		shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) usage_error "unknown argument '$1'" ;;
	esac
done
for v in "$runs" "$guests" "$smp"; do
	[[ "$v" =~ ^[1-9][0-9]*$ ]] || usage_error "--runs, --guests and --guest-smp need positive integers, got '$v'"
done
case "$arch" in arm | arm64) ;; *) usage_error "--guest-arch is arm or arm64, not '$arch'" ;; esac
if [ -n "$from" ] && [ ! -d "$from" ]; then
	echo "$PROG: --from $from: no such directory (a results directory of this benchmark)" >&2
	exit 1
fi

# What the host runs once both recordings are complete: "TOOL RUN NANOSECONDS" lines, the
# order alternating run to run; a failing analysis fails the run (set -e). perf stat times
# each (its duration_time, in ns; busybox has no clock finer than /proc/uptime's 10 ms).
# shellcheck disable=SC2016 # expanded by the host's shell
bench_cmd='set -eu
R=/results
timed() {
	case "$1" in
	exitstat) set -- "$@" exitstat summary "$R/trace.dat" ;;
	perf) set -- "$@" perf kvm -i "$R/perf.data" stat report ;;
	esac
	tool=$1 run=$2
	shift 2
	perf stat -x, -o /tmp/stat.csv -e duration_time -- "$@" >/tmp/out.txt 2>&1
	echo "$tool $run $(awk -F, '"'"'$3 == "duration_time" { print $1 }'"'"' /tmp/stat.csv)"
}
timed exitstat 0
timed perf 0
i=1
while [ "$i" -le '"$runs"' ]; do
	if [ $((i % 2)) = 1 ]; then timed exitstat "$i"; timed perf "$i"; else timed perf "$i"; timed exitstat "$i"; fi
	i=$((i + 1))
done'

if [ -n "$from" ]; then
	run=$from/run
else
	out=${out:-$BUILD_DIR/bench/kvm-stat-speed-$(date +%Y%m%d-%H%M%S)}
	mkdir -p "$out"
	run=$out/run
	"$ROOT/run-host.sh" --out "$run" --icount --perf-kvm --guests "$guests" --guest-smp "$smp" \
		--guest-arch "$arch" ${guest_cmd:+--guest-cmd "$guest_cmd"} --after-cmd "$bench_cmd" >"$out/run.log" 2>&1 ||
		die "the run failed, see $out/run.log"
	from=$out
fi
[ -s "$run/after-cmd.log" ] || die "$run/after-cmd.log is missing or empty (not a run of this benchmark?)"
make -s -C "$ROOT" exitstat
E=$BUILD_DIR/exitstat/exitstat

# The inputs: what each tool read.
events=$("$E" summary --json "$run/trace.dat" | jq '.trace.events')
exits=$("$E" summary --json "$run/trace.dat" | jq '.trace.kvm_exit_records')
samples=$(awk '/^ *SAMPLE events:/ { print $3; exit }' "$run/perf-stats.txt")
# Both recordings must be complete, or the tools did not analyse the same exits.
perf_lost=$(awk '/LOST(_SAMPLES)? events:/ { for (i = 1; i < NF; i++) if ($i == "events:") n += $(i + 1) }
	END { print n + 0 }' "$run/perf-stats.txt")
trace_lost=$("$E" summary --json "$run/trace.dat" | jq '.trace.lost_event_markers')
if [ "$perf_lost" != 0 ] || [ "$trace_lost" != 0 ]; then
	die "incomplete recording (perf-stats.txt: $perf_lost lost; trace.dat: $trace_lost lost-event markers): not the same exits"
fi
python3 - "$run" "$from/kvm-stat-speed.json" "$events" "$exits" "$samples" <<'PY'
import json, os, statistics, sys
run, out, events, exits, samples = sys.argv[1:6]
times = {"exitstat": [], "perf": []}
for line in open(os.path.join(run, "after-cmd.log")):
    f = line.split()
    if len(f) == 3 and f[0] in times and f[1] != "0":  # run 0: the warm-up
        times[f[0]].append(int(f[2]))
if not times["exitstat"] or len(times["exitstat"]) != len(times["perf"]):
    sys.exit("kvm-stat-speed.sh: after-cmd.log has no matching timings")
settings = json.load(open(os.path.join(run, "run.json")))["settings"]

def figures(ns):
    med = statistics.median(ns)
    return {"runs": len(ns), "median_ns": int(med), "min_ns": min(ns), "max_ns": max(ns),
            "spread_pct": round((max(ns) - min(ns)) / med * 100, 3), "times_ns": ns}

res = {
    "kvm_stat_speed": {
        "icount": settings.get("icount") == 1,
        "guests": settings["guests"], "guest_smp": settings["guest_smp"],
        "guest_arch": settings["guest_arch"],
        "trace_dat_bytes": os.path.getsize(os.path.join(run, "trace.dat")),
        "trace_events": int(events), "kvm_exit_records": int(exits),
        "perf_data_bytes": os.path.getsize(os.path.join(run, "perf.data")),
        "perf_samples": int(samples),
        "exitstat_summary": figures(times["exitstat"]),
        "perf_kvm_stat_report": figures(times["perf"]),
    }
}
r = res["kvm_stat_speed"]
r["ratio_perf_over_exitstat"] = round(r["perf_kvm_stat_report"]["median_ns"] /
                                      r["exitstat_summary"]["median_ns"], 2)
json.dump(res, open(out, "w"), indent=2)
mb = lambda b: f"{b / 1048576:.1f} MB"
print(f"recording: {r['guests']} {r['guest_arch']} guest(s) x {r['guest_smp']} vcpus, "
      f"{r['kvm_exit_records']} exits; trace.dat {mb(r['trace_dat_bytes'])} "
      f"({r['trace_events']} kvm events), perf.data {mb(r['perf_data_bytes'])} "
      f"({r['perf_samples']} samples: kvm_entry + kvm_exit)")
print(f"{'analysis (in the emulated arm64 host)':40} {'median ms':>10} {'min ms':>9} {'max ms':>9} {'spread':>8}")
for name, key in (("exitstat summary trace.dat", "exitstat_summary"),
                  ("perf kvm stat report (perf.data)", "perf_kvm_stat_report")):
    f = r[key]
    print(f"{name:40} {f['median_ns'] / 1e6:10.1f} {f['min_ns'] / 1e6:9.1f} {f['max_ns'] / 1e6:9.1f} "
          f"{f['spread_pct']:7.2f}%")
print(f"ratio perf kvm stat report / exitstat summary: {r['ratio_perf_over_exitstat']}x "
      f"(goal >= 3x: {'met' if r['ratio_perf_over_exitstat'] >= 3 else 'NOT met'}); "
      f"{r['exitstat_summary']['runs']} runs each, "
      f"{'emulated ns = instructions (-icount shift=0)' if r['icount'] else 'wall time (no -icount)'}")
print(f"results: {out}")
PY
