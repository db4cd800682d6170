#!/usr/bin/env bash
# Check a results directory of ./run-host.sh against what the kernel patch promises, using
# only trace-cmd's own text output (independent of exitstat):
#   - trace.dat opens with `trace-cmd report` (plugins on, as a user runs it);
#   - kvm_exit carries vm_pid, vcpu_id and exit_count, at the documented offsets;
#   - nothing was lost, and per vcpu the counter goes 1, 2, 3, ... record after record;
#   - the last counter of each vcpu equals that vcpu's KVM `exits` statistic, read after the
#     guest powered off (QMP query-stats), and the VM's debugfs `exits` sum agrees;
#   - each guest powered off without a kernel crash (its run.json status is "shutdown", not
#     "crashed": scripts/scan-crashes.sh) and its console shows its workload finished with
#     status 0 - or, with --expect-crash, each guest's status is "crashed";
#   - the host's kernel did not crash;
#   - run.json names kernel, patch series, QEMU command lines, CPU model and phases; the
#     results stream ended and trace.dat is trace-cmd's own (not rebuilt from its parts);
#     with --kernel V, the host ran Linux V built from kernel-patches/V.
# With --patches none (a stock host kernel) kvm_exit must have only the stock fields, and each
# vcpu thread's kvm_exit records (by the thread's pid) must equal its KVM `exits` statistic.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

usage() {
	echo "Usage: tests/e2e/check-results.sh [--guests N] [--smp N] [--console-has TEXT] [--expect-crash] [--kernel V] [--patches LEVEL] RESULTS_DIR"
}
guests=1 smp=1 console_has=() expect_crash=0 kernel='' patches=all
while [ $# -gt 0 ]; do
	case "$1" in
	--guests) guests=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--console-has) console_has+=("$2"); shift 2 ;;
	--expect-crash) expect_crash=1; shift ;;
	--kernel) kernel=$2; shift 2 ;;
	--patches) patches=$2; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	-*) usage >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { usage >&2; exit 2; }
dir=$1

# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

lacks() { ! grep -qF -- "$1" <<<"$2"; }

# A stock kvm_exit names no VM, vcpu or counter: count each vcpu thread's records (the pid in
# trace-cmd's text) and compare with that thread's KVM `exits` statistic. (The guests' and the
# host's ends and run.json are checked below, as for a patched kernel.)
check_stock_counts() {
	local d g tid stat recs n=0
	for d in "$dir"/guest*/; do
		g=$(basename "$d")
		while read -r tid stat; do
			recs=$(awk -v t="$tid" '/ kvm_exit: / { if (match($0, /-[0-9]+ +\[/) && substr($0, RSTART + 1, RLENGTH - 1) + 0 == t) n++ } END { print n + 0 }' "$text")
			check "$g: vcpu thread $tid: $recs kvm_exit records == KVM exits statistic $stat" test "$recs" = "$stat"
			n=$((n + 1))
		done < <(jq -r '.vcpus[] | "\(.thread_id) \(.stats.exits)"' "$d/kvm-stats.json")
	done
	check "$((guests * smp)) vcpu threads compared (found $n)" test "$n" = $((guests * smp))
}

# The patched kvm_exit's counter, per vcpu: it starts at 1, rises by exactly 1 per record, and its
# last value is that vcpu's KVM `exits` statistic.
check_counters() {
	local nvm nvcpu vm vcpu recs first last gaps g d stat
	# One line per vcpu: VM VCPU RECORDS FIRST LAST GAPS (GAPS: records whose counter is not
	# the previous one plus 1, in trace order).
	awk '/ kvm_exit: / {
		if (!match($0, /VM: -?[0-9]+, VCPU: [0-9]+, EXIT: [0-9]+/)) { bad++; next }
		split(substr($0, RSTART, RLENGTH), f, /[:,] */)
		k = f[2] " " f[4]; n = f[6] + 0
		if (!(k in last)) first[k] = n; else if (n != last[k] + 1) gaps[k]++
		last[k] = n; recs[k]++
	}
	END {
		for (k in last) printf "%s %d %d %d %d\n", k, recs[k], first[k], last[k], gaps[k] + 0
		if (bad) printf "unparsed %d\n", bad
	}' "$text" | sort -n >"$dir/.vcpus.txt"
	check "every kvm_exit record has VM, VCPU and EXIT" bash -c "! grep -q '^unparsed' '$dir/.vcpus.txt'"
	nvm=$(awk '{print $1}' "$dir/.vcpus.txt" | sort -u | wc -l)
	check "trace has $guests VM(s) (found $nvm)" test "$nvm" = "$guests"
	nvcpu=$(wc -l <"$dir/.vcpus.txt")
	check "trace has $((guests * smp)) vcpus (found $nvcpu)" test "$nvcpu" = $((guests * smp))

	while read -r vm vcpu recs first last gaps; do
		check "VM $vm vcpu $vcpu: counter starts at 1 (first $first)" test "$first" = 1
		check "VM $vm vcpu $vcpu: counter rises by exactly 1 per record ($recs records, $gaps gaps)" \
			test "$gaps" = 0 -a "$recs" = "$last"
		g=''
		for d in "$dir"/guest*/; do
			[ "$(cat "$d/qemu.pid" 2>/dev/null)" = "$vm" ] && g=$d
		done
		if [ -z "$g" ]; then
			fail "VM $vm: no guest directory has QEMU pid $vm"
			continue
		fi
		stat=$(jq -r --argjson i "$vcpu" '.vcpus[] | select(.cpu_index == $i) | .stats.exits' "$g/kvm-stats.json")
		check "VM $vm vcpu $vcpu: last counter $last == KVM exits statistic $stat" test "$last" = "$stat"
	done <"$dir/.vcpus.txt"
}

check "trace.dat exists" test -s "$dir/trace.dat"
if trace-cmd report -i "$dir/trace.dat" >/dev/null 2>"$dir/.report-plugins.err"; then
	pass "trace-cmd report (plugins on) opens trace.dat"
else
	fail "trace-cmd report (plugins on) fails: $(head -n3 "$dir/.report-plugins.err")"
fi
rm -f "$dir/.report-plugins.err"

fmt=$(trace-cmd dump --events -i "$dir/trace.dat" 2>/dev/null | sed -n '/^name: kvm_exit$/,/^print fmt/p')
for f in 'int ret;	offset:8;' 'unsigned int esr_ec;	offset:12;' 'unsigned long vcpu_pc;	offset:16;' \
	'pid_t vm_pid;	offset:24;' 'unsigned int vcpu_id;	offset:28;' 'u64 exit_count;	offset:32;'; do
	at=${f##*offset:}
	if [ "$patches" = none ] && [ "${at%;}" -ge 24 ]; then
		check "stock kvm_exit format lacks '${f%%;*}'" lacks "${f%%	*}" "$fmt"
	else
		check "kvm_exit format has '${f%%;*}' at offset ${at%;}" grep -qF "$f" <<<"$fmt"
	fi
done

text=$dir/.report.txt
trace-cmd report -N -i "$dir/trace.dat" >"$text" 2>&1
dropped=$(grep -c 'EVENTS DROPPED' "$text" || true)
check "no events dropped (trace-cmd report markers: $dropped)" test "$dropped" = 0

level=$(jq -r '.host_kernel.patch_level' "$dir/run.json" 2>/dev/null || true)
check "run.json: host kernel built with --patches $patches (patch_level ${level:-missing})" test "$level" = "$patches"
if [ "$patches" = none ]; then
	check_stock_counts
else
	check_counters
fi

for d in "$dir"/guest*/; do
	g=$(basename "$d")
	st=$(jq -r --arg g "$g" '.guests[] | select(.name == $g)
		| "\(.status) (VM: \(.qemu_status))\(if .crash_line then ": " + .crash_line else "" end)"' \
		"$dir/run.json" 2>/dev/null || true)
	if [ "$expect_crash" = 1 ]; then
		check "$g: crashed, as expected (status ${st:-missing})" test "${st%% *}" = crashed
	else
		check "$g: powered off without a kernel crash (status ${st:-missing})" test "${st%% *}" = shutdown
		check "$g: workload finished with status 0" grep -q 'exitlab-guest: workload finished: exit status 0' "$d/console.log"
	fi
	for t in "${console_has[@]}"; do
		check "$g: console has '$t'" grep -qF -- "$t" "$d/console.log"
	done
	sum=$(jq '[.vcpus[].stats.exits] | add' "$d/kvm-stats.json")
	dbg=$(cat "$d/debugfs/exits" 2>/dev/null || echo missing)
	check "$g: debugfs VM exits $dbg == sum of per-vcpu exits $sum" test "$dbg" = "$sum"
done

run_json_complete() {
	jq -e '.host_kernel.release and .host_kernel.patch_series_sha256_16
		and (if .host_kernel.patch_level == "none" then (.host_kernel.patches | map(select(. != "")) | length) == 0
		     else (.host_kernel.patches | length) >= 2 end)
		and .qemu.outer_cmdline and .qemu.inner_version
		and .settings.cpu and (.guests | length) > 0 and all(.guests[]; .qemu_cmdline != "")
		and .phases_seconds.boot != null and .host_phases_uptime["trace-started"] != null' \
		"$dir/run.json" >/dev/null
}
check "run.json is complete" run_json_complete
stream=$(jq -r '"ended \(.results_stream.ended), \(.results_stream.records) records, trace \(.trace_status)"' "$dir/run.json" 2>/dev/null || true)
check_quiet "the results stream ended and trace.dat is trace-cmd's own ($stream)" \
	jq -e '.results_stream.ended == true and .results_stream.records > 0 and .trace_status == "complete"' "$dir/run.json"
check "no stream leftovers (trace.dat.head, trace.dat.tmp.cpuN, stream.img)" \
	bash -c "! ls '$dir'/trace.dat.head '$dir'/trace.dat.tmp* '$dir'/stream.img '$dir'/.boot 2>/dev/null | grep -q ."
if [ -n "$kernel" ]; then
	release=$(jq -r '.host_kernel.release' "$dir/run.json" 2>/dev/null || true)
	source=$(jq -r '.host_kernel.source' "$dir/run.json" 2>/dev/null || true)
	check "host kernel is Linux $kernel (release '$release', source '$source')" \
		test "${release#"$kernel".}" != "$release" -a "${source%% *}" = "linux-source-$kernel"
fi
host=$(jq -r '"\(.host_status)\(if .host_crash_line then ": " + .host_crash_line else "" end)"' "$dir/run.json" 2>/dev/null || true)
check "the host's kernel did not crash (host_status ${host:-missing})" test "${host%%:*}" != crashed -a -n "$host"
rm -f "$text" "$dir/.vcpus.txt"
finish
