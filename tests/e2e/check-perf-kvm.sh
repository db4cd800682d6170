#!/usr/bin/env bash
# Check the perf kvm stat side of a run made with ./run-host.sh --perf-kvm against exitstat on
# the same run's trace.dat and against KVM's own statistics (kvm-stats.json):
#   - perf recorded (perf.data, perf-record.log) and lost nothing (perf-stats.txt);
#   - perf kvm stat report's exits per class equal exitstat summary's, exactly: for all VMs
#     (perf-kvm-stat.txt), per guest (--pid) and per vcpu (--pid --vcpu N);
#   - perf's totals equal KVM's `exits` statistic summed over the same vcpus;
#   - kvm_entry in the trace has the field perf reads the vcpu from (vcpu_id_str in
#     tools/perf/arch/arm64/util/kvm-stat.c: "id", added by kernel-patches/V/0005).
# perf prints names from its own arm64 table, which lacks some classes (e.g. HVC32): both
# sides are compared under the name perf gives an exit, found from the numbers: exitstat's
# ret name -> its value (ES_RET_* in tools/exitstat/exitstat.h), then ret and ESR EC -> perf's
# name by perf's tables (tools/perf/arch/arm64/util/arm64_exception_types.h of
# linux-source-6.1, read from the installed source), "UNKNOWN" when perf has none.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PERF_HEADER=tools/perf/arch/arm64/util/arm64_exception_types.h
PERF_KVM_STAT=tools/perf/arch/arm64/util/kvm-stat.c
KERNEL_TARBALL=/usr/src/linux-source-6.1.tar.xz

usage() { echo "Usage: tests/e2e/check-perf-kvm.sh RESULTS_DIR"; }
case "${1:-}" in
-h | --help) usage; exit 0 ;;
esac
[ $# -eq 1 ] || { usage >&2; exit 2; }
dir=$1
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
E=$BUILD_DIR/exitstat/exitstat
make -s -C "$ROOT" exitstat
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- the name tables, as JSON objects -------------------------------------------------------
[ -r "$KERNEL_TARBALL" ] || { echo "SKIP perf kvm stat names ($KERNEL_TARBALL missing)"; exit 77; }
tar -xJf "$KERNEL_TARBALL" -C "$tmp" "linux-source-6.1/$PERF_HEADER" "linux-source-6.1/$PERF_KVM_STAT"
mv "$tmp/linux-source-6.1/$PERF_HEADER" "$tmp/perf.h"
id_field=$(sed -n 's/^const char \*vcpu_id_str = "\(.*\)";$/\1/p' "$tmp/linux-source-6.1/$PERF_KVM_STAT")
# perf: {"ret": {value: name}, "ec": {"0xNN": name}}. #defines are followed to their number
# (ARM_EXCEPTION_HYP_GONE is HVC_STUB_ERR); only classes listed in kvm_arm_exception_class
# (the ECN(...) list) have a name in perf.
HEX_AWK='function hex(s,   i, n) { s = tolower(substr(s, 3)); n = 0
	for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return n }
function num(s) { return s ~ /^0[xX]/ ? hex(s) : s + 0 }'
awk "$HEX_AWK"'
function val(s) { while (s in def) s = def[s]; return num(s) }
/^#define [A-Za-z_0-9]+[ \t]+\(?[0-9A-Za-z_]+\)?/ { v = $3; gsub(/[()]/, "", v); def[$2] = v }
match($0, /\{[ \t]*ARM_EXCEPTION_[A-Z_0-9]+,[ \t]*"[A-Za-z_0-9]+"[ \t]*\}/) {
	s = substr($0, RSTART, RLENGTH); gsub(/[{}" \t]/, "", s); split(s, f, ",")
	ret[val(f[1])] = f[2]
}
/kvm_arm_exception_class/ { inlist = 1 }
inlist {
	s = $0
	while (match(s, /ECN\([A-Za-z_0-9]+\)/)) {
		n = substr(s, RSTART + 4, RLENGTH - 5); ec[val("ESR_ELx_EC_" n)] = n; s = substr(s, RSTART + RLENGTH)
	}
	if ($0 !~ /\\$/) inlist = 0
}
END {
	printf "{\"ret\": {"; sep = ""; for (k in ret) { printf "%s\"%d\": \"%s\"", sep, k, ret[k]; sep = ", " }
	printf "}, \"ec\": {"; sep = ""; for (k in ec) { printf "%s\"0x%02x\": \"%s\"", sep, k, ec[k]; sep = ", " }
	print "}}"
}' "$tmp/perf.h" >"$tmp/perf-names.json"
# exitstat: {ret name: value} from its ES_RET_* definitions.
awk "$HEX_AWK"'
/^#define ES_RET_[A-Z_]+[ \t]/ { printf "%s\"%s\": %d", n++ ? ", " : "{", substr($2, 8), num($3) }
END { print "}" }' "$ROOT/tools/exitstat/exitstat.h" >"$tmp/es-ret.json"
check_quiet "perf's names read from $PERF_HEADER (TRAP and HVC64 known)" \
	jq -e '.ret["2"] == "TRAP" and .ec["0x16"] == "HVC64"' "$tmp/perf-names.json"
check_quiet "exitstat's ret values read from exitstat.h (TRAP is 2)" jq -e '.TRAP == 2' "$tmp/es-ret.json"

# exitstat summary --json [filters] -> "PERF_NAME EXITS" lines, summed per name.
exitstat_by_perf_name() {
	"$E" summary --json "$@" "$dir/trace.dat" |
		jq -r --slurpfile p "$tmp/perf-names.json" --slurpfile r "$tmp/es-ret.json" '
		.classes[] | select(.class != "ALL")
		| ($r[0][.ret] // error("exitstat ret \(.ret) has no ES_RET_ value")) as $ret
		| (if $ret == $r[0].TRAP then $p[0].ec[.esr_ec] else $p[0].ret[$ret | tostring] end
		   // "UNKNOWN") as $name
		| "\($name) \(.exits)"' |
		awk '{ n[$1] += $2 } END { for (k in n) print k, n[k] }' | LC_ALL=C sort
}
# A perf kvm stat report -> "NAME SAMPLES" lines (rows of one name summed: perf prints one
# row per key, and every unknown key is "UNKNOWN"), and its total in $tmp/total.
perf_by_name() {
	awk -v total="$tmp/total" '
	/^ *VM-EXIT +Samples/ { table = 1; next }
	/^Total Samples:/ { sub(/^Total Samples:/, ""); sub(/,.*/, ""); print > total; table = 0; next }
	table && NF >= 3 && $2 ~ /^[0-9]+$/ && $3 ~ /%$/ { n[$1] += $2 }
	END { for (k in n) print k, n[k] }' "$1" | LC_ALL=C sort
}
kvm_exits() { # kvm_exits GUEST_DIR [VCPU]: KVM's exits statistic, summed over the vcpus
	jq --argjson v "${2:--1}" '[.vcpus[] | select($v < 0 or .cpu_index == $v) | .stats.exits] | add' "$1/kvm-stats.json"
}
compare() { # compare WHAT PERF_REPORT KVM_EXITS [exitstat filters]
	local what=$1 report=$2 kvm=$3 total diff
	shift 3
	if [ ! -s "$report" ]; then
		fail "$what: $report is missing"
		return
	fi
	perf_by_name "$report" >"$tmp/perf.txt"
	total=$(cat "$tmp/total" 2>/dev/null || echo missing)
	exitstat_by_perf_name "$@" >"$tmp/es.txt"
	diff=$(diff "$tmp/perf.txt" "$tmp/es.txt" | sed -n 's/^[<>] //p' | paste -sd' ' || true)
	check "$what: perf kvm stat per class == exitstat per class ($(paste -sd' ' "$tmp/perf.txt"))${diff:+; differ: $diff}" \
		test -s "$tmp/perf.txt" -a -z "$diff"
	check "$what: perf Total Samples $total == KVM exits statistic $kvm" test "$total" = "$kvm"
	rm -f "$tmp/total"
}

# --- perf recorded everything ---------------------------------------------------------------
check "perf.data exists" test -s "$dir/perf.data"
check "perf record wrote its data (perf-record.log)" grep -q 'perf record: Captured and wrote' "$dir/perf-record.log"
# perf report --stats lists only the record types it saw: no LOST lines means no loss.
lost=$(awk '/LOST(_SAMPLES)? events:/ { for (i = 1; i < NF; i++) if ($i == "events:") n += $(i + 1) }
	END { print n + 0 }' "$dir/perf-stats.txt" 2>/dev/null || echo missing)
check "perf lost no events (perf-stats.txt: $lost)" test "$lost" = 0
samples=$(awk '/^kvm:kvm_exit stats:/ { getline; print $NF }' "$dir/perf-stats.txt" 2>/dev/null)
records=$("$E" summary --json "$dir/trace.dat" | jq '.trace.kvm_exit_records')
check "perf's kvm:kvm_exit samples ${samples:-missing} == trace-cmd's kvm_exit records $records" \
	test "${samples:-missing}" = "$records"
check_quiet "run.json settings: perf_kvm is 1" jq -e '.settings.perf_kvm == 1' "$dir/run.json"
entry=$(trace-cmd dump --events -i "$dir/trace.dat" 2>/dev/null | sed -n '/^name: kvm_entry$/,/^print fmt/p')
check "kvm_entry has the field perf kvm stat reads the vcpu from ('${id_field:-?}', $PERF_KVM_STAT)" \
	grep -qE "field:[a-z ]+ ${id_field:-?};" <<<"$entry"
# Each vcpu thread's kvm_entry VCPU is its kvm_exit VCPU (the kernel's print format, -N), and
# the traceevent plugin prints it too (as many kvm_entry lines with VCPU as without plugin).
# shellcheck disable=SC2016 # an awk program
per_thread='/ kvm_(entry|exit): / { match($0, /-[0-9]+ +\[/); t = substr($0, RSTART, RLENGTH)
	if (!match($0, /VCPU: [0-9]+/)) { bad++; next }; v = substr($0, RSTART + 6, RLENGTH - 6)
	if (t in vcpu && vcpu[t] != v) bad++; vcpu[t] = v; n++ }
	END { print n + 0, bad + 0 }'
read -r n_plain bad < <(trace-cmd report -N -i "$dir/trace.dat" 2>/dev/null | awk "$per_thread")
check "every kvm_entry and kvm_exit names the same vcpu per thread ($n_plain records, $bad not)" \
	test "$n_plain" -gt 0 -a "$bad" = 0
make -s -C "$ROOT" plugin
read -r n_plugin bad < <(TRACEEVENT_PLUGIN_DIR=$BUILD_DIR/tep-plugin \
	trace-cmd report -i "$dir/trace.dat" 2>/dev/null | awk "$per_thread")
check "with plugin_exitlab the same ($n_plugin records, $bad not)" test "$n_plugin" = "$n_plain" -a "$bad" = 0

# --- all VMs, each guest, each vcpu ---------------------------------------------------------
all=0
for d in "$dir"/guest*/; do all=$((all + $(kvm_exits "$d"))); done
compare "all VMs" "$dir/perf-kvm-stat.txt" "$all"
for d in "$dir"/guest*/; do
	g=$(basename "$d")
	pid=$(cat "$d/qemu.pid")
	compare "$g (--pid $pid)" "$d/perf-kvm-stat.txt" "$(kvm_exits "$d")" --pid "$pid"
	for f in "$d"/perf-kvm-stat-vcpu*.txt; do
		v=${f##*-vcpu}
		v=${v%.txt}
		compare "$g vcpu $v (--pid $pid --vcpu $v)" "$f" "$(kvm_exits "$d" "$v")" --pid "$pid" --vcpu "$v"
	done
done
finish
