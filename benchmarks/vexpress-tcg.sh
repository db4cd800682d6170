#!/usr/bin/env bash
# The non-virtualized baseline of a vexpress-a15 guest: the same Debian kernel, device tree and
# exitlab guest image that `./run-host.sh --guest-machine vexpress-a15` runs under KVM inside
# the emulated arm64 host, booted directly on QEMU's vexpress-a15 (Debian's qemu-system-arm,
# TCG: no hypervisor, so no exits), with the same kernel command line. The guest reports its
# own boot and workload times ("exitlab-guest: booted: ... uptime S s"), the same lines the KVM
# run's guestN/console.log has: the two side by side say what running under KVM (in an
# emulated host) costs that guest.
set -euo pipefail
PROG=vexpress-tcg.sh
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=images/lib.sh
. "$ROOT/images/lib.sh"

usage() {
	cat <<'USAGE'
Usage: benchmarks/vexpress-tcg.sh [--smp N] [--guest-cmd CMD] [--timeout S] [--out DIR]
  --smp N          guest CPUs, 1 or 2 (the board's device tree has two; default 1)
  --guest-cmd CMD  the guest's workload (default: exitlab-default-workload, as run-host.sh)
  --timeout S      stop the guest after S seconds (default 600)
  --out DIR        results: console.log, vexpress-tcg.json (default build/bench/vexpress-tcg-DATE)
Exit status: 0 the guest booted, its workload exited 0 and its kernel never crashed
(scripts/scan-crashes.sh's markers); 1 otherwise; 2 bad usage.
USAGE
}
usage_error() { printf '%s: %s (see --help)\n' "$PROG" "$1" >&2; exit 2; }

smp=1 guest_cmd='' timeout_s=600 out=$BUILD_DIR/bench/vexpress-tcg-$(date +%Y%m%d-%H%M%S)
while [ $# -gt 0 ]; do
	case "$1" in
	--smp | --guest-cmd | --timeout | --out)
		[ $# -ge 2 ] || usage_error "$1 needs a value"
		case "$1" in
		--smp) smp=$2 ;;
		--guest-cmd) guest_cmd=$2 ;;
		--timeout) timeout_s=$2 ;;
		--out) out=$2 ;;
		esac
		shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) usage_error "unknown argument '$1'" ;;
	esac
done
[[ "$smp" =~ ^[12]$ ]] || usage_error "--smp is 1 or 2, not '$smp'"
[[ "$timeout_s" =~ ^[1-9][0-9]*$ ]] || usage_error "--timeout needs a positive integer"
command -v qemu-system-arm >/dev/null || die "qemu-system-arm not found: run images/install-deps.sh"

kernel=$("$ROOT/images/fetch-debian-kernel.sh" arm)
dtb=$(dirname "$kernel")/vexpress-v2p-ca15-tc1.dtb
base=$("$ROOT/images/build-guest-rootfs.sh" armhf)
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$out/.boot
rm -rf "$work"
mkdir -p "$work/run/etc/exitlab"
[ -z "$guest_cmd" ] || printf '%s\n' "$guest_cmd" >"$work/run/etc/exitlab/guest-cmd"
pack_cpio "$work/run" "$work/run.cpio.gz"
cat "$base" "$work/run.cpio.gz" >"$work/initrd.gz"

# The command line of scripts/host/exitlab-study's vexpress-a15 guests (no PMU probe: the KVM
# guest has none), guest number 0.
start=$(date +%s.%N)
status=0
# shellcheck disable=SC2054 # commas belong to QEMU's option syntax
timeout "$timeout_s" qemu-system-arm -M vexpress-a15 -cpu cortex-a15 -smp "$smp" -m 256 \
	-nodefaults -display none -no-reboot -audiodev none,id=noaudio -global pl041.audiodev=noaudio \
	-serial "file:$out/console.log" -kernel "$kernel" -dtb "$dtb" -initrd "$work/initrd.gz" \
	-append "console=ttyAMA0 panic=-1 quiet exitlab.guest=0 initcall_blacklist=armv7_pmu_driver_init" \
	>"$out/qemu.log" 2>&1 || status=$?
end=$(date +%s.%N)
rm -rf "$work"

booted=$(sed -n 's/^exitlab-guest: booted: .*, \([0-9]*\) cpu(s), uptime \([0-9.]*\) s.*/\1 \2/p' "$out/console.log" | head -n1)
finished=$(sed -n 's/^exitlab-guest: workload finished: exit status \([0-9]*\), uptime \([0-9.]*\) s.*/\1 \2/p' "$out/console.log" | head -n1)
crash=$("$ROOT/scripts/scan-crashes.sh" --first "$out/console.log" || true)
jq -n --arg kernel "$(basename "$(dirname "$kernel")")" --argjson smp "$smp" --arg cmd "${guest_cmd:-exitlab-default-workload}" \
	--arg booted "$booted" --arg finished "$finished" --argjson qemu_status "$status" --arg crash "$crash" \
	--argjson wall "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')" '
	($booted | split(" ")) as $b | ($finished | split(" ")) as $f |
	{ vexpress_tcg: { machine: "vexpress-a15", accel: "tcg", guest_kernel: $kernel, smp: $smp,
	  guest_cmd: $cmd, qemu_status: $qemu_status, wall_s: $wall,
	  crash_line: (if $crash != "" then $crash else null end),
	  guest_cpus: ($b[0] | tonumber? // null), booted_uptime_s: ($b[1] | tonumber? // null),
	  workload_status: ($f[0] | tonumber? // null), finished_uptime_s: ($f[1] | tonumber? // null) } }' \
	>"$out/vexpress-tcg.json"
jq -r '.vexpress_tcg | "vexpress-a15 under TCG (no KVM): \(.guest_cpus // "?") cpu(s), booted at uptime \(.booted_uptime_s // "?") s, workload exit status \(.workload_status // "?") at uptime \(.finished_uptime_s // "?") s, \(.wall_s) s wall"' "$out/vexpress-tcg.json"
[ -z "$crash" ] || echo "$PROG: ERROR: the guest's kernel crashed: $crash" >&2
echo "results: $out (console.log, vexpress-tcg.json)"
[ "$status" = 0 ] && [ -n "$finished" ] && [ "${finished%% *}" = 0 ] && [ -z "$crash" ]
