#!/usr/bin/env bash
# Cross-check what guests read from /sys/hypervisor/exits with the host's trace, for a run
# whose guests ran tests/guest/exitlab-exit-stats-test (one vcpu each):
#   - the in-guest checks all passed;
#   - the guest's final read of its vcpu's count equals, exactly, the EXIT counter of the
#     kvm_exit record of that very hypercall (EXIT_STATS_VCPU) in the trace: the count
#     includes the exit that reads it;
#   - the guest's final read of its VM total (EXIT_STATS_VM) equals the EXIT counter of that
#     hypercall's exit: with one vcpu the VM total is that vcpu's count, so a guest that saw
#     another VM's exits would read more (isolation);
#   - the guest's init reads the VM total once more when the workload has finished (its
#     "workload finished: ..., vm exits N" marker): N equals the EXIT counter of the last
#     EXIT_STATS_VM hypercall, and the test's final VM read is the one before it;
#   - the exits after the final read (up to power-off) are counted and shown.
set -euo pipefail
[ $# -eq 1 ] || { echo "Usage: tests/e2e/check-exit-stats.sh RESULTS_DIR"; exit 2; }
dir=$1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# The function IDs, from the one definition of the ABI: hex digits, lower case, no 0x.
abi_fid() {
	local v
	v=$(sed -n "s/^#define $1[[:space:]]\{1,\}0[xX]\([0-9a-fA-F]\{1,8\}\)[uU]\{0,1\}[[:space:]]*\$/\1/p" \
		"$ROOT/include/exitlab/exit-stats-abi.h" | tr 'A-F' 'a-f')
	[ -n "$v" ] || { echo "check-exit-stats.sh: include/exitlab/exit-stats-abi.h: no #define $1" >&2; exit 1; }
	echo "$v"
}
vm_fid=$(abi_fid EXIT_STATS_VM_FUNC_ID)
vcpu_fid=$(abi_fid EXIT_STATS_VCPU_FUNC_ID)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

text=$dir/.report-hvc.txt
trace-cmd report -N -i "$dir/trace.dat" 2>/dev/null >"$text"
# Per vcpu thread: VM, last EXIT counter, the EXIT counter of the last exit whose HVC was
# the vcpu (EXIT_STATS_VCPU) call, and of the last two whose HVC was the VM (EXIT_STATS_VM) call.
awk -v vcpu_call=" kvm_hvc_arm64: .*r0: 0x0*$vcpu_fid," \
	-v vm_call=" kvm_hvc_arm64: .*r0: 0x0*$vm_fid," '
# The thread id ends the "COMM-TID" column, and COMM may hold spaces ("CPU 0/KVM").
function tid(   s) { match($0, /-[0-9]+ +\[[0-9]+\]/); s = substr($0, RSTART + 1, RLENGTH - 1); sub(/ .*/, "", s); return s }
/ kvm_exit: / {
	t = tid(); match($0, /VM: -?[0-9]+, VCPU: [0-9]+, EXIT: [0-9]+/)
	split(substr($0, RSTART, RLENGTH), f, /[:,] */)
	vm[t] = f[2]; last[t] = f[6]
}
$0 ~ vcpu_call { t = tid(); vcpucall[t] = last[t] }
$0 ~ vm_call { t = tid(); vmprev[t] = vmcall[t]; vmcall[t] = last[t] }
END { for (t in vm) printf "%s %s %s %s %s\n", vm[t], last[t], vcpucall[t] + 0, vmprev[t] + 0, vmcall[t] + 0 }
' "$text" >"$dir/.hvc.txt"
rm -f "$text"

for d in "$dir"/guest*/; do
	g=$(basename "$d")
	pid=$(cat "$d/qemu.pid")
	check "$g: in-guest exit statistics checks passed" grep -q '^[1-9][0-9]* passed, 0 failed' "$d/console.log"
	v=$(sed -n 's/^exitlab-guest: final read: cpu0 \([0-9]*\).*/\1/p' "$d/console.log")
	m=$(sed -n 's/^exitlab-guest: final read: vm \([0-9]*\).*/\1/p' "$d/console.log")
	marker=$(sed -n 's/^exitlab-guest: workload finished: .*, vm exits \([0-9]*\).*/\1/p' "$d/console.log")
	read -r _ last at_vcpu at_vm at_marker < <(awk -v p="$pid" '$1 == p' "$dir/.hvc.txt") || true
	check "$g: final vcpu read ${v:-none} == EXIT counter of its hypercall in the trace (${at_vcpu:-none})" \
		test -n "$v" -a "$v" = "${at_vcpu:-x}"
	check "$g: final VM read ${m:-none} == EXIT counter of its hypercall in the trace (${at_vm:-none})" \
		test -n "$m" -a "$m" = "${at_vm:-x}"
	check "$g: init's closing VM read ${marker:-none} == EXIT counter of the last VM hypercall (${at_marker:-none})" \
		test -n "$marker" -a "$marker" = "${at_marker:-x}"
	check "$g: the vcpu's last trace counter ${last:-none} >= final read ${m:-none} ($(( ${last:-0} - ${m:-0} )) exits after it, up to power-off)" \
		test -n "$m" -a "${last:-0}" -ge "${m:-0}"
done
rm -f "$dir/.hvc.txt"
finish
