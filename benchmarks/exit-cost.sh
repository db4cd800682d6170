#!/usr/bin/env bash
# What each exit type costs on the emulated KVM host, side by side over host setups: the
# exit-cost program (benchmarks/exit-cost/) inside one `run-host.sh --guests 0 --icount` boot
# per setup, then a table of every type x vcpu (AArch64, AArch32) x setup with medians,
# spreads and ratios to the first setup, and DIR/exit-cost.json for report/generate.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PROG=exit-cost.sh

# shellcheck source=images/lib.sh
. "$ROOT/images/lib.sh"
# The host setups, as data: benchmarks/host-setups (shared with patch-effect.sh), a name and the
# run-host.sh options that make it (besides COMMON, --out and --host-cmd, which every setup
# gets), read by images/lib.sh's host_setup_lines and host_setup_options.
DEFAULT_SETUPS=nvhe,vhe,nvhe_traced
# Every boot: no guests, the clock counting instructions, and time enough: run-host.sh stops a
# host after --timeout + 600 s; the traced setup at the default -n took 4.4 minutes on an idle
# 2-core machine and more than 25 on a loaded one. No --hang-timeout: the results stream is
# paused while exit-cost measures (below), so the host is silent meanwhile.
COMMON=(--guests 0 --icount --timeout 14400 --hang-timeout 0)

usage() {
	cat <<USAGE
Usage: benchmarks/exit-cost.sh [-n ITERATIONS] [--runs R] [--types LIST] [--setups LIST] [--out DIR]

Boots the emulated KVM host once per setup (./run-host.sh ${COMMON[*]})
and runs exit-cost in it (bare AArch64 and AArch32 vcpus, every exit type, R runs of
ITERATIONS operations; exit-cost --help), which also checks that each operation caused exactly the
exits KVM's statistics should show. Prints every type x vcpu x setup: the median ns (=
emulated instructions under -icount), the spread over the runs ((max - min) / median) and
the ratio to the first setup; says which figures repeat to <= 1%. Writes DIR/exit-cost.json
(each setup's exit-cost JSON, its run directory and run-host options; report/generate reads
it) and keeps each setup's run directory DIR/SETUP.

  -n ITERATIONS   operations per batch (default 10000)
  --runs R        runs per figure (default 5)
  --types LIST    exit types, comma separated (default: all; see exit-cost --help)
  --setups LIST   setups, comma separated, the first is the reference (default
                  $DEFAULT_SETUPS); known:
$(host_setup_lines | sed 's/^/                    /')
  --out DIR       results (default build/bench/exit-cost-DATE-TIME)
  -h, --help      this text
USAGE
}

usage_error() { printf '%s: %s (see --help)\n' "$PROG" "$1" >&2; exit 2; }

n=10000 runs=5 types='' setups=$DEFAULT_SETUPS out=$BUILD_DIR/bench/exit-cost-$(date +%Y%m%d-%H%M%S)
while [ $# -gt 0 ]; do
	case "$1" in
	-n | --runs | --types | --setups | --out)
		[ $# -ge 2 ] || usage_error "$1 needs a value"
		case "$1" in
		-n) n=$2 ;;
		--runs) runs=$2 ;;
		--types) types=$2 ;;
		--setups) setups=$2 ;;
		--out) out=$2 ;;
		esac
		shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) usage_error "unknown argument '$1'" ;;
	esac
done
[[ "$n" =~ ^[1-9][0-9]*$ ]] || usage_error "-n needs a positive integer"
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || usage_error "--runs needs a positive integer"
# The exit types are the rows of exit-cost's own table (benchmarks/exit-cost/types.c: each
# row opens with its name); checked here, before a host boots to refuse them.
known_types=$(sed -n '/ec_types\[\] = {/,/^};/p' "$ROOT/benchmarks/exit-cost/types.c" |
	sed -n 's/^\t{ "\([a-z0-9_]*\)", .*/\1/p' | paste -sd, -)
[ -n "$known_types" ] || die "benchmarks/exit-cost/types.c: no exit types found in ec_types[]"
IFS=, read -ra type_list <<<"$types"
for t in "${type_list[@]}"; do
	[[ ",$known_types," == *",$t,"* ]] || usage_error "--types: unknown exit type '$t' (known: $known_types)"
done
IFS=, read -ra names <<<"$setups"
[ "${#names[@]}" -gt 0 ] || usage_error "--setups is empty"
for s in "${names[@]}"; do
	host_setup_options "$s" >/dev/null || usage_error "--setups: unknown setup '$s'"
done
mkdir -p "$out"
out=$(cd "$out" && pwd)

program="exit-cost -n $n --runs $runs${types:+ --types $types} --json"
# The results stream's sender (exitlab-stream) stops while exit-cost measures and goes on after:
# on a traced host it copies the growing trace out every 0.5 s, and its disk writes complete in
# the outer machine's real time, which -icount does not control; with it running, traced
# figures spread by up to 88% over 5 runs and wfi's waits were disturbed (2026-12-07; stopped:
# hvc aarch32 0.94%, ipi aarch32 0.16%). The sender's pid is in the pidfile it writes for
# `exitlab-stream sync` (tools/stream/send.c).
host_cmd="p=\$(cat /run/exitlab-stream.pid); kill -STOP \"\$p\"; $program >/results/exit-cost-program.json; s=\$?; kill -CONT \"\$p\"; exit \$s"
# measure NAME: one boot; its exit-cost JSON lands in DIR/NAME/exit-cost-program.json.
measure() {
	local name=$1 opts
	mapfile -t opts < <(host_setup_options "$name")
	echo "$PROG: $name: ./run-host.sh ${COMMON[*]} ${opts[*]}" >&2
	"$ROOT/run-host.sh" --out "$out/$name" "${COMMON[@]}" \
		--host-cmd "$host_cmd" "${opts[@]}" >"$out/$name.log" 2>&1 || {
		echo "$PROG: the $name run failed, see $out/$name.log and $out/$name/host-cmd.log" >&2
		exit 1
	}
	jq -e . "$out/$name/exit-cost-program.json" >/dev/null ||
		{ echo "$PROG: $out/$name/exit-cost-program.json: not exit-cost's JSON" >&2; exit 1; }
	jq -n --arg dir "$name" --argjson opts "$(printf '%s\n' "${opts[@]}" | jq -R . | jq -sc 'map(select(. != ""))')" \
		--slurpfile p "$out/$name/exit-cost-program.json" \
		--argjson common "$(printf '%s\n' "${COMMON[@]}" | jq -R . | jq -sc .)" \
		'$p[0] + { run_dir: $dir, run_host_options: ($common + $opts) }' >"$out/$name.json"
}
for s in "${names[@]}"; do
	measure "$s"
done

files=()
for s in "${names[@]}"; do files+=("$out/$s.json"); done
jq -n --argjson n "$n" --argjson runs "$runs" --arg order "$setups" '
	{ exit_cost: { iterations: $n, runs: $runs, icount: true, setup_order: ($order | split(",")),
	  setups: (reduce inputs as $s ({}; . + { ($s.run_dir): $s })) } }' "${files[@]}" >"$out/exit-cost.json"
rm -f "${files[@]}"

# The table: per type and vcpu, each setup's median, spread, and ratio to the first setup.
jq -r '.exit_cost as $e | $e.setup_order as $o | $e.setups as $s |
	def fixed($d): (pow(10; $d)) as $m | (. * $m | round) as $x |
		"\($x / $m | floor)." + ("\($x % $m + $m)" | .[1:]);
	def cell($t; $a; $k): $s[$k].exits[$t][$a] as $r |
		if $r == null or $r.median_ns == null then ["-", "-"] + (if $k == $o[0] then [] else ["-"] end)
		else [($r.median_ns | fixed(1)), ($r.spread_pct | fixed(2))] +
		     (if $k == $o[0] then [] else
		      [($r.median_ns / $s[$o[0]].exits[$t][$a].median_ns | fixed(3)) + "x"] end)
		end;
	(["exit", "vcpu"] + ([$o[] as $k | ["\($k) ns", "spread %"] + (if $k == $o[0] then [] else ["/ \($o[0])"] end)] | add)),
	($s[$o[0]].exits | keys_unsorted[] as $t | ("aarch64", "aarch32") as $a |
		[$t, $a] + ([$o[] as $k | cell($t; $a; $k)] | add))
	| @tsv' "$out/exit-cost.json" | column -t -s $'\t'
echo "($n operations per batch, $runs runs per figure; ns = emulated instructions under -icount shift=0;"
echo " spread = (max - min) / median over the runs; KVM's exit counts checked exactly in every run)"
jq -r '.exit_cost as $e | [$e.setups[] as $s | $s.exits | to_entries[] | .key as $t | .value |
		to_entries[] | select(.value | type == "object" and has("spread_pct")) |
		{ name: "\($t) \(.key) \($s.run_dir)", spread: .value.spread_pct }] as $all |
	($all | map(select(.spread <= 1))) as $ok | ($all | map(select(.spread > 1))) as $bad |
	"repeat to <= 1%: \($ok | length) of \($all | length) figures" +
	(if ($bad | length) > 0 then "; above 1%: " +
	 ($bad | map("\(.name) (\(.spread * 100 | round / 100)%)") | join(", ")) +
	 " (host interrupts in some runs'"'"' batches and not others: benchmarks/README.md)" else "" end)' "$out/exit-cost.json"
echo "results: $out (exit-cost.json, one run directory per setup)"
