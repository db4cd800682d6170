#!/usr/bin/env bash
# The traceevent plugin (tools/tep-plugin, build/tep-plugin/plugin_exitlab.so) under
# `trace-cmd report`, on every trace of the tests: tests/traces (patched kernel, arm64 and
# 32-bit guests) and tests/traces/fixtures (stock kernel; that part SKIPs when EXITLAB_FIXTURES names an empty place).
#  - no kvm event prints "CANT FIND FIELD" or "FAILED TO PARSE" (they do without the plugin);
#  - the names it prints agree with exitstat's on the same records, counted from the report
#    text here: kvm_exit classes against `exitstat summary --json`, kvm_hvc_arm64 functions
#    against `exitstat hvc --json`, kvm_sys_access registers (space, name, access) against
#    `exitstat sysreg --json`, kvm_mmio regions against `exitstat mmio --json`; each
#    kvm_handle_sys_reg (the plugin's own ESR decoding) names the register of the
#    kvm_sys_access that follows it in the same exit;
#  - on an x86-shaped trace (make-x86-trace.py) the report is byte for byte the one without it.
# HOME is a scratch directory, so that an installed copy in ~/.local cannot take part.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
exitstat=${EXITSTAT:-$BUILD_DIR/exitstat/exitstat}
plugin_dir=$BUILD_DIR/tep-plugin
FIXTURES=$FIXTURES_DIR
[ -x "$exitstat" ] || { echo "exitstat not built: run make"; exit 1; }
[ -f "$plugin_dir/plugin_exitlab.so" ] || { echo "plugin not built: run make"; exit 1; }
for tool in jq trace-cmd python3; do
	command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp/home
mkdir -p "$HOME"
unset TRACEEVENT_PLUGIN_DIR

with_plugin() { TRACEEVENT_PLUGIN_DIR=$plugin_dir trace-cmd report "$@"; }
# same FILE-A FILE-B: equal, or the first lines that differ.
same() {
	cmp -s "$1" "$2" && return 0
	diff "$1" "$2" | head -8 | sed 's/^/    /'
	return 1
}

all_equal() { [ "$1" = "$2" ] && [ "$2" = "$3" ]; }

# NAME COUNT per line, sorted, from the report's lines of one event (awk program on the
# text after "EVENT: ").
count_names() {
	local event=$1 prog=$2
	awk -v ev=" $event: " 'index($0, ev) {
		line = substr($0, index($0, ev) + length(ev)); sub(/^ +/, "", line)
		'"$prog"'
	}
	END { for (k in n) printf "%s\t%d\n", k, n[k] }' "$tmp/report" | sort
}

check_trace() {
	local trace=$1 name
	name=$(basename "$trace")
	with_plugin "$trace" >"$tmp/report" 2>"$tmp/report.err"
	trace-cmd report "$trace" >"$tmp/report-stock" 2>/dev/null

	local bad stock_bad
	bad=$(grep -E " kvm_[a-z0-9_]+: " "$tmp/report" | grep -cE "CANT FIND FIELD|CAN'T FIND FIELD|FAILED TO PARSE") || true
	stock_bad=$(grep -E " kvm_[a-z0-9_]+: " "$tmp/report-stock" | grep -cE "CANT FIND FIELD|CAN'T FIND FIELD|FAILED TO PARSE") || true
	check "$name: no CANT FIND FIELD / FAILED TO PARSE on kvm events ($bad with the plugin, $stock_bad without)" \
		test "$bad" = 0
	check "$name: nothing on stderr" test ! -s "$tmp/report.err"

	"$exitstat" summary --json "$trace" >"$tmp/summary.json"
	"$exitstat" hvc --json "$trace" >"$tmp/hvc.json"
	"$exitstat" sysreg --json "$trace" >"$tmp/sysreg.json"
	"$exitstat" mmio --json "$trace" >"$tmp/mmio.json"

	# kvm_exit: the first word is the class.
	count_names kvm_exit 'split(line, w, /[ ,]/); n[w[1]]++' >"$tmp/got"
	jq -r '.classes[] | select(.class != "ALL") | "\(.class)\t\(.exits)"' "$tmp/summary.json" | sort >"$tmp/want"
	check "$name: kvm_exit classes agree with exitstat summary ($(wc -l <"$tmp/want") classes, $(jq '.trace.kvm_exit_records' "$tmp/summary.json") exits)" \
		same "$tmp/want" "$tmp/got"

	# kvm_hvc_arm64: "NAME: fid 0x...".
	count_names kvm_hvc_arm64 'sub(/: fid 0x.*/, "", line); n[line]++' >"$tmp/got"
	jq -r '[.calls[] | {name, calls}] | group_by(.name)[] | "\(.[0].name)\t\(map(.calls) | add)"' "$tmp/hvc.json" | sort >"$tmp/want"
	check "$name: kvm_hvc_arm64 function names agree with exitstat hvc ($(wc -l <"$tmp/want") functions, $(jq '.totals.calls' "$tmp/hvc.json") calls; outside an exit: $(jq '.totals.kvm_hvc_arm64_outside_exit' "$tmp/hvc.json"))" \
		same "$tmp/want" "$tmp/got"

	# kvm_sys_access: "NAME read|write, SPACE (Op0,Op1,CRn,CRm,Op2)".
	count_names kvm_sys_access 'if (match(line, /^.* (read|write), [^ ]+ \([0-9,]+\)/)) {
		s = substr(line, 1, RLENGTH); sub(/\)$/, "", s)
		split(s, p, /, /); sp = p[2]; sub(/ \(.*/, "", sp); enc = s; sub(/.*\(/, "", enc)
		rw = p[1]; sub(/.* /, "", rw); reg = p[1]; sub(/ [^ ]+$/, "", reg)
		n[sp "\t" reg "\t" rw "\t" enc]++ } else n["UNPARSED " line]++' >"$tmp/got"
	jq -r '[.registers[] | select(.source == "kvm_sys_access")] | .[]
		| "\(.space)\t\(.register)\t\(.access)\t\(.encoding)\t\(.count)"' "$tmp/sysreg.json" | sort >"$tmp/want"
	check "$name: kvm_sys_access register names agree with exitstat sysreg ($(wc -l <"$tmp/want") registers, $(jq '.totals.accesses_named' "$tmp/sysreg.json") accesses; outside an exit: $(jq '.totals.kvm_sys_access_outside_exit' "$tmp/sysreg.json"))" \
		same "$tmp/want" "$tmp/got"
	local guessed
	guessed=$(grep -c "kvm_sys_access: .*AArch32?" "$tmp/report") || true
	check "$name: every AArch32 access has its space from its exit (guessed: $guessed)" test "$guessed" = 0

	# With the exits filtered out (-F), the plugin never sees them: every AArch32 access is
	# named by every space that knows its encoding, marked "?", exitstat's name among them.
	# (trace-cmd report -F fails on a trace without the event: the legacy 32-bit host's.)
	with_plugin -F kvm_sys_access "$trace" 2>/dev/null >"$tmp/report-F" || : >"$tmp/report-F"
	jq -r '.registers[] | select(.source == "kvm_sys_access" and .space != "AArch64")
		| "\(.encoding)\t\(.register)\t\(.count)"' "$tmp/sysreg.json" >"$tmp/aarch32"
	local guesses
	guesses=$(awk -F '\t' 'NR == FNR { name[$1] = $2; want += $3; next }
		/ kvm_sys_access: .*AArch32\? \(/ {
			enc = $0; sub(/.*AArch32\? \(/, "", enc); sub(/\).*/, "", enc)
			c = $0; sub(/.* kvm_sys_access: +/, "", c); sub(/\? (read|write), AArch32\? .*/, "", c)
			k = split(c, cand, "|"); hit = 0
			for (i = 1; i <= k; i++) if (cand[i] == name[enc]) hit = 1
			got++; ok += hit
		}
		END { printf "%d %d %d", want, got + 0, ok + 0 }' "$tmp/aarch32" "$tmp/report-F")
	read -r g_want g_got g_ok <<<"$guesses"
	check "$name: without their exits, AArch32 accesses are marked guesses naming exitstat's register ($g_ok of $g_got, exitstat: $g_want)" \
		all_equal "$g_want" "$g_got" "$g_ok"

	# kvm_handle_sys_reg: the register decoded from the ESR is the one kvm_sys_access names
	# next in the same exit; those without one are exitstat's "ESR ISS (unhandled)".
	awk '{ t = $0; sub(/ +\[[0-9]+\] .*/, "", t) }
	/ kvm_handle_sys_reg: / {
		s = $0; sub(/.* kvm_handle_sys_reg: +/, "", s); sub(/ \(.*/, "", s); pend[t] = s; next }
	/ kvm_sys_access: / {
		if (t in pend) { s = $0; sub(/.* kvm_sys_access: +/, "", s); sub(/ \(.*/, "", s)
			if (s == pend[t]) ok++; else { bad++; print "    differs: " pend[t] " / " s > "/dev/stderr" }
			delete pend[t] }
		next }
	/ kvm_(exit|entry): / { if (t in pend) { alone[pend[t]]++; delete pend[t] } }
	END { for (t in pend) alone[pend[t]]++
		printf "pairs %d %d\n", ok, bad
		for (k in alone) printf "%s\t%d\n", k, alone[k] }' "$tmp/report" >"$tmp/hsr" 2>"$tmp/hsr.err"
	local pairs_ok pairs_bad
	read -r _ pairs_ok pairs_bad < <(head -1 "$tmp/hsr")
	cat "$tmp/hsr.err"
	check "$name: kvm_handle_sys_reg names the register its exit's kvm_sys_access names ($pairs_ok pairs, $pairs_bad differ)" \
		test "$pairs_bad" = 0
	tail -n +2 "$tmp/hsr" | sort >"$tmp/got"
	jq -r '[.registers[] | select(.source != "kvm_sys_access")] | .[]
		| "\(.register) \(.access)\t\(.count)"' "$tmp/sysreg.json" | sort >"$tmp/want"
	check "$name: kvm_handle_sys_reg without kvm_sys_access agrees with exitstat's ESR-only registers ($(wc -l <"$tmp/want"))" \
		same "$tmp/want" "$tmp/got"

	# kvm_mmio: "[REGION]" of the accesses exitstat counts (unsatisfied-read and write).
	count_names kvm_mmio 'if (line ~ /^mmio (unsatisfied-read|write) /) {
		r = line; sub(/.*\[/, "", r); sub(/\].*/, "", r); n[r]++ }' >"$tmp/got"
	jq -r '.regions[] | "\(.region)\t\(.accesses)"' "$tmp/mmio.json" | sort >"$tmp/want"
	check "$name: kvm_mmio regions agree with exitstat mmio ($(wc -l <"$tmp/want") regions, $(jq '.totals.mmio_accesses' "$tmp/mmio.json") accesses)" \
		same "$tmp/want" "$tmp/got"
}

traces=("$ROOT"/tests/traces/*.dat)
if ls "$FIXTURES"/*.dat >/dev/null 2>&1; then
	traces+=("$FIXTURES"/*.dat)
else
	echo "note: no fixtures in $FIXTURES: stock-kernel traces not checked"
fi
for trace in "${traces[@]}"; do
	check_trace "$trace"
done

# x86: plugin_kvm keeps kvm_exit and kvm_entry, the rest prints as the formats say.
trace-cmd convert --file-version 6 --compression none -i "$ROOT/tests/traces/patched-arm64-2vm-2vcpu.dat" \
	-o "$tmp/v6.dat" >/dev/null 2>&1
PYTHONPATH="$ROOT/tools/tracedat" python3 "$ROOT/tests/plugin/make-x86-trace.py" "$tmp/v6.dat" "$tmp/x86.dat" >/dev/null
trace-cmd report "$tmp/x86.dat" >"$tmp/x86-without" 2>&1
with_plugin "$tmp/x86.dat" >"$tmp/x86-with" 2>&1
decoded=$(grep -c " kvm_exit: .*reason [A-Z_]* rip 0x" "$tmp/x86-without") || true
check "x86 trace: plugin_kvm decodes kvm_exit without the plugin ($decoded exits)" test "$decoded" -gt 0
check "x86 trace: the report with the plugin is the same, byte for byte ($(wc -l <"$tmp/x86-with") lines)" \
	same "$tmp/x86-without" "$tmp/x86-with"
finish
