#!/usr/bin/env bash
# Check a results directory of a device workload (exitlab-workload io or net, run-host.sh
# --guest-disk / --guest-net), per guest:
#   - the guest had the device: its QEMU command line and run.json's settings say so;
#   - MMIO exits to user space, counted from `trace-cmd report` text (kvm_userspace_exit,
#     reason KVM_EXIT_MMIO, on the guest's vcpu threads), equal KVM's mmio_exit_user statistic
#     summed over the vcpus and exitstat mmio's handled_in_userspace, exactly; the accesses
#     KVM handled itself equal mmio_exit_kernel and exitstat's handled_in_kernel;
#   - the virtio-mmio region (0x0a000000-0x0a003fff on QEMU's virt board) got the accesses
#     exitstat names it with, split into user space and kernel alike; the device's interrupt
#     status reads and acks are handled in user space: io, at least one per op (each op is
#     two requests), net at least one per 16 KiB (the guest batches packets per interrupt);
#   - net: the host's listener received ops x 1024 bytes (guestN/net-received-bytes, run.json).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
E=$BUILD_DIR/exitstat/exitstat

usage() { echo "Usage: tests/e2e/check-devices.sh --workload io|net --ops N RESULTS_DIR"; }
wl='' ops=''
while [ $# -gt 0 ]; do
	case "$1" in
	--workload) wl=$2; shift 2 ;;
	--ops) ops=$2; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	-*) usage >&2; exit 2 ;;
	*) break ;;
	esac
done
case "$wl" in io | net) ;; *) usage >&2; exit 2 ;; esac
if [ $# -ne 1 ] || [ -z "$ops" ]; then usage >&2; exit 2; fi
dir=$1
make -s -C "$ROOT" exitstat

text=$dir/.report-mmio.txt
trace-cmd report -N -i "$dir/trace.dat" 2>/dev/null >"$text"
# Per VM: user-space MMIO exits, then the MMIO accesses (kvm_mmio unsatisfied-read or write:
# one per abort) in the virtio-mmio region handled in user space and in the kernel, and all
# accesses handled in the kernel. An access goes to user space when the thread's next record
# of kvm_userspace_exit and kvm_entry is kvm_userspace_exit.
awk '
function tid(   s) { match($0, /-[0-9]+ +\[[0-9]+\]/); s = substr($0, RSTART + 1, RLENGTH - 1); sub(/ .*/, "", s); return s }
/ kvm_exit: / {
	t = tid(); match($0, /VM: -?[0-9]+,/); vm[t] = substr($0, RSTART + 4, RLENGTH - 5); next
}
/ kvm_mmio: +mmio (unsatisfied-read|write) / {
	t = tid()
	pending[t] = $0 ~ / gpa 0xa00[0-3][0-9a-f][0-9a-f][0-9a-f] / ? "virtio" : "other"; next
}
/ kvm_userspace_exit: +reason KVM_EXIT_MMIO / {
	t = tid(); user[vm[t]]++
	if (pending[t] == "virtio") vuser[vm[t]]++
	pending[t] = ""; next
}
/ kvm_entry: / {
	t = tid()
	if (pending[t] != "") kern[vm[t]]++
	if (pending[t] == "virtio") vkern[vm[t]]++
	pending[t] = ""
}
END { for (v in user) printf "%s %d %d %d %d\n", v, user[v], vuser[v], vkern[v], kern[v] }
' "$text" >"$dir/.mmio.txt"

for d in "$dir"/guest*/; do
	g=$(basename "$d")
	pid=$(cat "$d/qemu.pid")
	read -r _ t_user t_vuser t_vkern t_kern < <(grep "^$pid " "$dir/.mmio.txt" || echo "$pid 0 0 0 0")
	k_user=$(jq '[.vcpus[].stats.mmio_exit_user] | add' "$d/kvm-stats.json")
	k_kern=$(jq '[.vcpus[].stats.mmio_exit_kernel] | add' "$d/kvm-stats.json")
	"$E" mmio --json --pid "$pid" "$dir/trace.dat" >"$dir/.mmio-$g.json"
	e_user=$(jq '.totals.handled_in_userspace' "$dir/.mmio-$g.json")
	e_kern=$(jq '.totals.handled_in_kernel' "$dir/.mmio-$g.json")
	e_vuser=$(jq '[.regions[] | select(.region == "virtio-mmio") | .userspace] | add // 0' "$dir/.mmio-$g.json")
	e_vkern=$(jq '[.regions[] | select(.region == "virtio-mmio") | .kernel] | add // 0' "$dir/.mmio-$g.json")
	case "$wl" in
	io) device=virtio-blk-device setting='.settings.guest_disk_mb > 0' ;;
	net) device=virtio-net-device setting='.settings.guest_net == 1' ;;
	esac
	check "$g: its QEMU has a $device" grep -q -- "-device $device," "$d/qemu-cmdline"
	check_quiet "$g: run.json settings: $setting" jq -e "$setting" "$dir/run.json"
	check "$g: MMIO exits to user space: trace $t_user == KVM mmio_exit_user $k_user == exitstat $e_user" \
		test "$t_user" = "$k_user" -a "$k_user" = "$e_user"
	check "$g: MMIO handled in the kernel: trace $t_kern == KVM mmio_exit_kernel $k_kern == exitstat $e_kern" \
		test "$t_kern" = "$k_kern" -a "$k_kern" = "$e_kern"
	check "$g: virtio-mmio accesses in user space: trace $t_vuser == exitstat $e_vuser; in the kernel: $t_vkern == $e_vkern" \
		test "$t_vuser" = "$e_vuser" -a "$t_vkern" = "$e_vkern"
	least=$ops
	[ "$wl" = io ] || least=$((ops / 16))
	check "$g: $wl --ops $ops made at least $least virtio-mmio accesses in user space ($e_vuser)" \
		test "$e_vuser" -ge "$least"
	if [ "$wl" = net ]; then
		got=$(cat "$d/net-received-bytes" 2>/dev/null || echo missing)
		check "$g: the host's listener received $((ops * 1024)) bytes ($got)" test "$got" = $((ops * 1024))
		# shellcheck disable=SC2016 # $g and $n are jq variables
		check_quiet "$g: run.json net_received_bytes is $((ops * 1024))" \
			jq -e --arg g "$g" --argjson n $((ops * 1024)) '.guests[] | select(.name == $g) | .net_received_bytes == $n' "$dir/run.json"
	fi
done
rm -f "$text" "$dir/.mmio.txt" "$dir"/.mmio-guest*.json
finish
