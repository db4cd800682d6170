#!/usr/bin/env bash
# Do exitlab's kernel patches change what they count? The same guest (the default workload,
# one guest, traced) on host kernels built with none of the series (stock), the exit counter
# only, the whole series with the guests' statistics hypercalls off, and the whole series;
# under --icount, so that a run repeats closely and the repeats show how closely. Per run:
# the guest's KVM statistics (exits, hvc, mmio user/kernel, wfi/wfe) and exitstat's per-class
# counts from the trace (stock traces have the classes too).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=images/lib.sh
. "$ROOT/images/lib.sh"
PROG=patch-effect.sh

usage() {
	cat <<USAGE
Usage: benchmarks/patch-effect.sh [--arches LIST] [--setups LIST] [--repeats N] [--out DIR]
Runs ./run-host.sh --icount (one guest, the default workload, traced) for each guest arch,
host kernel setup and repeat into DIR/ARCH-SETUP-R, prints per arch the exits of each setup
and their difference to stock, and writes DIR/patch-effect.json (report/generate reads it).
  --arches LIST   guest arches, comma separated (default arm,arm64)
  --setups LIST   host setups (default stock,counter,full_stats_off,full: no exitlab patch,
                  the per-vcpu exit counter only, the whole series with the guests'
                  statistics calls off, the whole series); known (benchmarks/host-setups,
                  run traced: without their --no-trace):
$(for s in $(host_setup_names); do printf '                    %-15s %s\n' "$s" "$(setup_options "$s" | paste -sd' ')"; done | sed 's/ *$//')
  --repeats N     runs of each (default 2): their spread is the noise floor
  --out DIR       results (default build/bench/patch-effect-DATE)
USAGE
}

# The host setups: benchmarks/host-setups (exit-cost.sh's too), each run traced (what this
# script counts is the trace): a setup's options without --no-trace.
setup_options() { host_setup_options "$1" | { grep -v -x -e --no-trace || true; }; }
arches=arm,arm64 setups=stock,counter,full_stats_off,full repeats=2
out=$BUILD_DIR/bench/patch-effect-$(date +%Y%m%d-%H%M%S)
usage_error() { echo "$PROG: $1 (see --help)" >&2; exit 2; }
while [ $# -gt 0 ]; do
	case "$1" in
	--arches | --setups | --repeats | --out)
		[ $# -ge 2 ] || usage_error "$1 needs a value"
		case "$1" in
		--arches) arches=$2 ;;
		--setups) setups=$2 ;;
		--repeats) repeats=$2 ;;
		--out) out=$2 ;;
		esac
		shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) usage_error "unknown argument '$1'" ;;
	esac
done
[[ "$repeats" =~ ^[1-9][0-9]*$ ]] || usage_error "--repeats needs a positive integer, got '$repeats'"
IFS=, read -ra arch_list <<<"$arches"
IFS=, read -ra setup_list <<<"$setups"
for a in "${arch_list[@]}"; do
	case "$a" in arm | arm64) ;; *) usage_error "--arches: '$a' is not arm or arm64" ;; esac
done
for s in "${setup_list[@]}"; do
	host_setup_options "$s" >/dev/null || usage_error "--setups: '$s' is not one of $(host_setup_names | paste -sd' ')"
done
command -v jq >/dev/null || { echo "$PROG: jq not found: run images/install-deps.sh" >&2; exit 2; }
mkdir -p "$out"
make -s -C "$ROOT" exitstat || { echo "$PROG: building exitstat failed" >&2; exit 1; }
exitstat=$BUILD_DIR/exitstat/exitstat

# run ARCH SETUP R: one run, then its figures as one JSON object on stdout.
run() {
	local arch=$1 setup=$2 r=$3 dir opts
	dir=$out/$arch-$setup-$r
	mapfile -t opts < <(setup_options "$setup")
	if [ ! -f "$dir/run.json" ]; then
		echo "$PROG: $arch $setup repeat $r" >&2
		"$ROOT/run-host.sh" --out "$dir" --icount --guest-arch "$arch" "${opts[@]}" >"$dir.log" 2>&1 ||
			{ echo "$PROG: the run failed, see $dir.log" >&2; exit 1; }
	fi
	"$exitstat" summary --json "$dir/trace.dat" >"$dir/summary.json" ||
		{ echo "$PROG: exitstat failed on $dir/trace.dat" >&2; exit 1; }
	jq -cn --arg arch "$arch" --arg setup "$setup" --argjson r "$r" --arg dir "$arch-$setup-$r" \
		--slurpfile run "$dir/run.json" --slurpfile sum "$dir/summary.json" '
		($run[0].guests[0].kvm_stats.vcpus[0].stats) as $s
		| { arch: $arch, setup: $setup, repeat: $r, run_dir: $dir,
		    patch_level: $run[0].host_kernel.patch_level,
		    kvm: { exits: $s.exits, hvc_exit_stat: $s.hvc_exit_stat,
		           mmio_exit_user: $s.mmio_exit_user, mmio_exit_kernel: $s.mmio_exit_kernel,
		           wfi_exit_stat: $s.wfi_exit_stat, wfe_exit_stat: $s.wfe_exit_stat },
		    trace_exits: $sum[0].trace.kvm_exit_records,
		    classes: ([$sum[0].classes[] | {(.class): .exits}] | add // {}) }'
}

results=$out/runs.jsonl
: >"$results"
for arch in "${arch_list[@]}"; do
	for setup in "${setup_list[@]}"; do
		for r in $(seq 1 "$repeats"); do
			run "$arch" "$setup" "$r" >>"$results"
		done
	done
done

# Per arch and setup: median, min and max of each count over the repeats; the difference of
# the median to the first setup's.
jq -s --arg base "${setup_list[0]}" --argjson order "$(printf '%s\n' "${setup_list[@]}" | jq -R . | jq -sc .)" '
	def median: sort | if length % 2 == 1 then .[length / 2 | floor]
		else (.[length / 2 - 1] + .[length / 2]) / 2 end;
	def stats: {median: median, min: min, max: max};
	group_by(.arch) | map(
		{arch: .[0].arch, setups: (group_by(.setup) | map({
			setup: .[0].setup, patch_level: .[0].patch_level, repeats: length,
			run_dirs: map(.run_dir),
			exits: (map(.kvm.exits) | stats),
			trace_exits: (map(.trace_exits) | stats),
			kvm_stats: ([.[0].kvm | keys[]] as $ks | [$ks[] as $k | {($k): (map(.kvm[$k]) | stats)}] | add),
			classes: (([.[].classes | keys[]] | unique) as $cs
				| [$cs[] as $c | {($c): (map(.classes[$c] // 0) | stats)}] | add)
		}) | sort_by(.setup as $s | $order | index($s)))}
		| .setups |= (map(select(.setup == $base))[0].exits.median as $b
			| map(. + {exits_vs_base: (.exits.median - $b),
			           exits_vs_base_pct: ((.exits.median - $b) / $b * 10000 | round / 100)})))
	| {patch_effect: {icount: true, base: $base, arches: .}}' "$results" >"$out/patch-effect.json"

jq -r '.patch_effect.arches[] | .arch as $a | .setups[] |
	[$a, .setup, .exits.median, "\(.exits.min)-\(.exits.max)", .exits_vs_base, "\(.exits_vs_base_pct)%",
	 .kvm_stats.hvc_exit_stat.median, .kvm_stats.mmio_exit_user.median, .kvm_stats.mmio_exit_kernel.median]
	| @tsv' "$out/patch-effect.json" |
	{ printf 'guest\tsetup\texits (median)\trange\tvs %s\t%%\thvc\tmmio user\tmmio kernel\n' "${setup_list[0]}"; cat; } |
	column -t -s $'\t'
echo "($repeats repeat(s) each, --icount; per-class counts in $out/patch-effect.json)"
echo "results: $out"
