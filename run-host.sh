#!/usr/bin/env bash
# exitlab's main job: build what is missing (patched arm64 host kernel, guest kernel, root
# filesystems), boot the KVM host under QEMU TCG with EL2 on, run guests under KVM inside
# it while `trace-cmd record -e kvm` runs, and collect the results in one directory.
set -euo pipefail
PROG=run-host.sh
ROOT=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=images/lib.sh
. "$ROOT/images/lib.sh"

usage() {
	sed -e "s/@KERNELS@/${KERNEL_VERSIONS[*]}/" -e "s/@DEFAULT_KERNEL@/$DEFAULT_KERNEL/" <<'USAGE'
Usage: ./run-host.sh [OPTIONS]

Boots the patched arm64 KVM host (QEMU TCG, EL2 on), runs guests under KVM inside it,
records `trace-cmd record -e kvm` for their whole lifetime and leaves a results directory
(trace.dat, consoles, per-vcpu KVM statistics, run.json). Missing packages are installed
(when run as root) and images built on first use; later runs reuse them.

Options:
  --kernel V          host kernel: Linux V (@KERNELS@; default @DEFAULT_KERNEL@) with
                      kernel-patches/V; the guests' kernel is always the default's
  --patches LEVEL     how much of kernel-patches/V/series the host kernel gets: all (the
                      default), counter (the per-vcpu exit counter in kvm_exit only) or none
                      (Debian's stock kernel source, no exitlab patch); the guests' kernel
                      is always built with the series' `guest` level (kernel-patches/V/levels).
                      With none or counter, guests cannot read exit statistics
                      (--no-guest-exit-stats is implied)
  --guests N          guests run at the same time (default 1; 0 runs none)
  --guest-arch ARCH   arm (32-bit ARMv7, default) or arm64
  --guest-smp N       vcpus per guest (default 1)
  --guest-mem MB      memory per guest (default 256)
  --guest-kernel FILE boot the guests with this kernel image (zImage for arm, Image for
                      arm64) instead of the one built from kernel-patches/@DEFAULT_KERNEL@;
                      'debian': Debian's own (linux-image-armmp-lpae or -arm64, downloaded)
  --guest-cmd CMD     command each guest runs after boot (default: a small workload);
                      its output is in guestN/console.log
  --guest-disk MB     give each guest its own raw disk of MB MiB (a sparse file in the
                      host's memory, virtio-blk-device: the guest's /dev/vda; the io
                      workload); the host gets MB MiB more memory per guest
  --guest-net         give each guest a NIC (virtio-net-device, QEMU user networking,
                      restricted: no way out of the host): the guest is 10.0.2.15/24 on
                      eth0, and TCP to 10.0.2.100:5001 reaches a listener in the host that
                      counts the bytes (guestN/net-received-bytes; the net workload)
  --cpu MODEL         host CPU: cortex-a57 (nVHE, default) or max (VHE)
  --smp N             host CPUs (default 2)
  --mem MB            host memory (default: enough for the guests, at least 2048)
  --icount            deterministic timing: QEMU -icount shift=0 (1 ns per instruction)
  --outer-qemu FILE   run the host on this qemu-system-aarch64 instead of exitlab's
                      (images/build-qemu.sh: Debian's QEMU with images/qemu-patches); e.g.
                      /usr/bin/qemu-system-aarch64 reproduces the 32-bit SMP guest crash
  --events LIST       more trace events, comma separated (e.g. sched:sched_switch)
  --buffer-kb N       trace-cmd ring buffer per CPU in KiB (default 20000)
  --no-trace          run without trace-cmd
  --perf-kvm          also record `perf kvm stat record` for the guests' lifetime (perf.data)
                      and report it in the host: perf-kvm-stat.txt, per guest and per vcpu
                      guestN/perf-kvm-stat*.txt, perf-stats.txt (samples, losses)
  --no-guest-exit-stats  do not let guests read their exit statistics
                      (/sys/hypervisor/exits, guest-exits; on by default)
  --timeout SECONDS   a guest that has not powered off by then is stopped (default 900)
  --out DIR           results directory (default out/run-DATE-TIME)
  --host-cmd CMD      command run in the host after the guests, while tracing still runs;
                      output in host-cmd.log, its failure fails the run (the host has
                      busybox, trace-cmd, perf, exitstat and exitlab's host test programs)
  --after-cmd CMD     command run in the host once trace-cmd and perf have stopped (their
                      files complete in /results); output in after-cmd.log, its failure
                      fails the run
  --shell             interactive host shell instead of the study (exitlab-study runs it)
  --build-only        build the images and stop
  --no-install        never run apt-get; fail (exit 2) if packages are missing
  -v, --verbose       show the whole host console, not just exitlab's lines
  -h, --help          this text

Exit status: 0 ok, 1 the run failed (results kept), 2 bad usage or missing prerequisites.
USAGE
}

usage_error() { printf '%s: %s (see --help)\n' "$PROG" "$1" >&2; exit 2; }
need_uint() { [[ "$2" =~ ^[1-9][0-9]*$ ]] || usage_error "$1 needs a positive integer, got '$2'"; }
need_count() { [[ "$2" =~ ^(0|[1-9][0-9]*)$ ]] || usage_error "$1 needs a whole number, got '$2'"; }

guests=1 guest_arch=arm guest_smp=1 guest_mem=256 guest_disk=0 guest_net=0 guest_cmd='' host_cmd='' guest_kernel='' cpu=cortex-a57 smp=2 mem='' outer_qemu=''
kernel=$DEFAULT_KERNEL patches=all
icount=0 events='' buffer_kb=20000 trace=1 guest_exit_stats=1 timeout=900 out='' shell=0 build_only=0 install=1 verbose=0
perf_kvm=0 after_cmd=''
while [ $# -gt 0 ]; do
	opt=$1
	case "$opt" in
	--kernel | --patches | --guests | --guest-arch | --guest-smp | --guest-mem | --guest-disk | --guest-cmd | --host-cmd | --guest-kernel | \
		--cpu | --smp | --mem | --outer-qemu | \
		--events | --buffer-kb | --timeout | --out | \
		--after-cmd)
		[ $# -ge 2 ] || usage_error "$opt needs a value"
		val=$2
		shift 2
		;;
	*) val=''; shift ;;
	esac
	case "$opt" in
	--kernel)
		select_kernel "$val" || usage_error "--kernel is one of ${KERNEL_VERSIONS[*]}, not '$val'"
		kernel=$val ;;
	--patches) patches=$val ;;
	--guests) need_count "$opt" "$val"; guests=$val ;;
	--guest-arch)
		case "$val" in arm | arm64) guest_arch=$val ;; *) usage_error "--guest-arch is arm or arm64, not '$val'" ;; esac ;;
	--guest-smp) need_uint "$opt" "$val"; guest_smp=$val ;;
	--guest-mem) need_uint "$opt" "$val"; guest_mem=$val ;;
	--guest-disk) need_uint "$opt" "$val"; guest_disk=$val ;;
	--guest-net) guest_net=1 ;;
	--guest-cmd) [ -n "$val" ] || usage_error "--guest-cmd is empty"; guest_cmd=$val ;;
	--host-cmd) [ -n "$val" ] || usage_error "--host-cmd is empty"; host_cmd=$val ;;
	--after-cmd) [ -n "$val" ] || usage_error "--after-cmd is empty"; after_cmd=$val ;;
	--guest-kernel)
		if [ "$val" = debian ]; then
			guest_kernel=debian
		elif [ ! -f "$val" ] || [ ! -r "$val" ]; then
			usage_error "--guest-kernel: cannot read '$val' (a kernel image file, or 'debian')"
		else
			guest_kernel=$(cd "$(dirname "$val")" && pwd)/$(basename "$val")
		fi ;;
	--outer-qemu)
		if [ ! -f "$val" ] || [ ! -x "$val" ]; then usage_error "--outer-qemu: '$val' is not an executable file"; fi
		outer_qemu=$(cd "$(dirname "$val")" && pwd)/$(basename "$val") ;;
	--cpu)
		case "$val" in cortex-a57 | max) cpu=$val ;; *) usage_error "--cpu is cortex-a57 or max, not '$val'" ;; esac ;;
	--smp) need_uint "$opt" "$val"; smp=$val ;;
	--mem) need_uint "$opt" "$val"; mem=$val ;;
	--events)
		[[ "$val" =~ ^[A-Za-z0-9_:*,]+$ ]] || usage_error "--events takes SYSTEM[:EVENT],... not '$val'"
		events=$val ;;
	--buffer-kb) need_uint "$opt" "$val"; buffer_kb=$val ;;
	--timeout) need_uint "$opt" "$val"; timeout=$val ;;
	--out) out=$val ;;
	--icount) icount=1 ;;
	--no-trace) trace=0 ;;
	--perf-kvm) perf_kvm=1 ;;
	--no-guest-exit-stats) guest_exit_stats=0 ;;
	--shell) shell=1 ;;
	--build-only) build_only=1 ;;
	--no-install) install=0 ;;
	-v | --verbose) verbose=1 ;;
	-h | --help) usage; exit 0 ;;
	*) usage_error "unknown option '$opt'" ;;
	esac
done
# After the loop: the levels are those of --kernel's series.
select_patches "$patches" || usage_error "--patches is one of $(patch_levels | paste -sd' ') for Linux $kernel, not '$patches'"
# The guests' statistics hypercalls come with the patch that adds kvm.guest_exit_stats; a level
# without it answers "not supported" (found in the level's own patches, not by level name).
if [ "$guest_exit_stats" = 1 ] && ! series_files | xargs -r cat | grep -E 'module_param(_cb)?\(guest_exit_stats' >/dev/null; then
	log "--patches $patches: the host kernel has no guest-readable exit statistics (--no-guest-exit-stats)"
	guest_exit_stats=0
fi
[ "$guest_smp" -le "$smp" ] || usage_error "--guest-smp $guest_smp exceeds the host's --smp $smp (KVM_CAP_NR_VCPUS)"
if [ -z "$mem" ]; then
	mem=$((1024 + guests * (guest_mem + 64 + guest_disk)))
	[ "$mem" -ge 2048 ] || mem=2048
fi

t_start=$(date +%s)
declare -A phase_s=()
phase_begin() { phase_t0=$(date +%s); log "$1"; }
phase_end() { phase_s[$1]=$(($(date +%s) - phase_t0)); }

# --- prerequisites -----------------------------------------------------------------------
phase_begin "checking prerequisites"
if ! missing=$("$ROOT/images/install-deps.sh" --check); then
	if [ "$install" = 1 ] && [ "$(id -u)" = 0 ]; then
		log "installing missing packages: $missing"
		"$ROOT/images/install-deps.sh" || die "package installation failed (see above)"
	else
		printf '%s: %s\n' "$PROG" "$missing" >&2
		printf '%s: install them with: sudo %s/images/install-deps.sh\n' "$PROG" "$ROOT" >&2
		exit 2
	fi
fi
phase_end deps

# --- results directory (checked before any build: a bad --out fails at once) -------------
if [ "$build_only" = 0 ]; then
	[ -n "$out" ] || out=$ROOT/out/run-$(date +%Y%m%d-%H%M%S)
	if [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ]; then
		die "results directory $out exists and is not empty: choose another --out"
	fi
	mkdir -p "$out" || die "cannot create results directory $out"
	out=$(cd "$out" && pwd)
	disk_mb=$((1024 + guests * 256 + smp * buffer_kb * 2 / 1024))
	avail_mb=$(df -Pm "$out" | awk 'NR == 2 { print $4 }')
	if [ "$avail_mb" -lt $((disk_mb * 2)) ]; then
		die "not enough space for results in $out: need $((disk_mb * 2)) MiB free, have $avail_mb MiB"
	fi
fi

# --- images --------------------------------------------------------------------------------
case "$guest_arch" in
arm) guest_kernel_target=guest-armhf guest_rootfs_arch=armhf ;;
arm64) guest_kernel_target=guest-arm64 guest_rootfs_arch=arm64 ;;
esac
if [ -z "$outer_qemu" ]; then
	phase_begin "outer emulator (Debian's qemu-system-aarch64 + images/qemu-patches)"
	outer_qemu=$("$ROOT/images/build-qemu.sh")
	phase_end outer-qemu
fi
phase_begin "host kernel (arm64, Linux $kernel, --patches $patches)"
host_image=$(EXITLAB_PATCHES=$patches "$ROOT/images/build-kernel.sh" --kernel "$kernel" host-arm64)
phase_end host-kernel
if [ -z "$guest_kernel" ]; then
	phase_begin "guest kernel ($guest_kernel_target)"
	guest_kernel=$(EXITLAB_PATCHES=guest "$ROOT/images/build-kernel.sh" "$guest_kernel_target")
elif [ "$guest_kernel" = debian ]; then
	phase_begin "guest kernel: Debian's own for $guest_arch (images/fetch-debian-kernel.sh)"
	guest_kernel=$("$ROOT/images/fetch-debian-kernel.sh" "$guest_arch")
else
	phase_begin "guest kernel: $guest_kernel (given)"
fi
phase_end guest-kernel
phase_begin "root filesystems"
host_base=$("$ROOT/images/build-host-rootfs.sh")
make -s -C "$ROOT/tests/host" BUILD="$BUILD_DIR/host-tests" || die "building the host test programs failed"
make -s -C "$ROOT/benchmarks/exit-cost" BUILD="$BUILD_DIR/host-bench" || die "building the host benchmark programs failed"
host_exitstat=$("$ROOT/images/build-exitstat-arm64.sh")
guest_base=$("$ROOT/images/build-guest-rootfs.sh" "$guest_rootfs_arch")
phase_end rootfs
if [ "$build_only" = 1 ]; then
	printf 'outer qemu:   %s\nhost kernel:  %s\nguest kernel: %s\nhost rootfs:  %s\nguest rootfs: %s\nhost exitstat: %s\n' \
		"$outer_qemu" "$host_image" "$guest_kernel" "$host_base" "$guest_base" "$host_exitstat"
	exit 0
fi

# --- the run's own initramfs part: scripts, settings, guest images -------------------------
work=$out/.boot
mkdir -p "$work/run/etc/exitlab" "$work/run/usr/bin" "$work/run/guest" "$work/guest-run/etc/exitlab"
install -m 755 "$ROOT/scripts/host/init" "$work/run/init"
# The benchmarks last: a program both build dirs hold (exit-cost, moved) is the benchmark's.
install -m 755 "$ROOT/scripts/host/exitlab-study" "$BUILD_DIR"/host-tests/* "$BUILD_DIR"/host-bench/* "$work/run/usr/bin/"
cp -a "$host_exitstat/." "$work/run/"
[ -z "$host_cmd" ] || printf '%s\n' "$host_cmd" >"$work/run/etc/exitlab/host-cmd"
[ -z "$after_cmd" ] || printf '%s\n' "$after_cmd" >"$work/run/etc/exitlab/after-cmd"
cat >"$work/run/etc/exitlab/run.conf" <<EOF
GUESTS=$guests
GUEST_ARCH=$guest_arch
GUEST_SMP=$guest_smp
GUEST_MEM=$guest_mem
GUEST_DISK_MB=$guest_disk
GUEST_NET=$guest_net
EVENTS=$events
TRACE=$trace
PERF_KVM=$perf_kvm
GUEST_EXIT_STATS=$guest_exit_stats
BUFFER_KB=$buffer_kb
TIMEOUT=$timeout
SHELL_MODE=$shell
DATE=$(date +%s)
EOF
[ -z "$guest_cmd" ] || printf '%s\n' "$guest_cmd" >"$work/guest-run/etc/exitlab/guest-cmd"
pack_cpio "$work/guest-run" "$work/guest-run.cpio.gz"
# The kernel unpacks concatenated cpio archives in order: the run's files come on top.
cat "$guest_base" "$work/guest-run.cpio.gz" >"$work/run/guest/initrd.gz"
cp "$guest_kernel" "$work/run/guest/kernel"
pack_cpio "$work/run" "$work/run.cpio.gz"
cat "$host_base" "$work/run.cpio.gz" >"$work/initrd.gz"
truncate -s "${disk_mb}M" "$work/results.img"

# shellcheck disable=SC2054 # commas belong to QEMU's option syntax
qemu=("$outer_qemu" "${OUTER_MACHINE[@]}" -cpu "$cpu" -smp "$smp" -m "$mem" -no-reboot
	-chardev "stdio,id=console,mux=on,signal=off,logfile=$out/host-console.log"
	-serial chardev:console
	-kernel "$host_image" -initrd "$work/initrd.gz"
	-append "console=ttyAMA0 rdinit=/init panic=-1 quiet"
	-drive "if=none,file=$work/results.img,format=raw,id=results"
	-device virtio-blk-device,drive=results)
[ "$icount" = 0 ] || qemu+=(-icount shift=0)
[ "$shell" = 0 ] || qemu+=(-mon chardev=console)

# --- boot ----------------------------------------------------------------------------------
phase_begin "booting the KVM host ($cpu, $smp CPUs, ${mem} MiB): $guests $guest_arch guest(s), timeout ${timeout}s"
# The host stops guests itself at --timeout; this outer limit covers a host that hangs.
host_limit=$((timeout + 600))
boot_status=0
if [ "$shell" = 1 ]; then
	"${qemu[@]}" || boot_status=$?
elif [ "$verbose" = 1 ]; then
	timeout --foreground "$host_limit" "${qemu[@]}" </dev/null || boot_status=$?
else
	# Under pipefail a `|| true` after the pipeline would also swallow QEMU's status: only
	# grep's "no line matched" is forgiven, and QEMU's status is taken from PIPESTATUS.
	timeout --foreground "$host_limit" "${qemu[@]}" </dev/null |
		{ grep --line-buffered -E '^exitlab-|Kernel panic|ERROR' || true; } || boot_status=${PIPESTATUS[0]}
fi
phase_end boot
if [ "$boot_status" = 124 ]; then
	log "ERROR: the host did not finish within ${host_limit}s and was stopped (host-console.log kept)"
elif [ "$boot_status" != 0 ]; then
	log "ERROR: qemu-system-aarch64 exited with status $boot_status (see $out/host-console.log)"
fi

# --- collect -------------------------------------------------------------------------------
phase_begin "collecting results"
collected=0
if tar -xf "$work/results.img" -C "$out" 2>"$work/tar.err"; then
	collected=1
	rm -f "$work/results.img"
else
	log "ERROR: no results on the results disk ($(head -c 200 "$work/tar.err")); kept it as $out/results.img"
	mv "$work/results.img" "$out/results.img"
fi
"$ROOT/scripts/collect-results.sh" --out "$out" --host-image "$host_image" --kernel "$kernel" --patches "$patches" \
	--host-packages "$(dirname "$host_base")/packages" --outer-cmd "${qemu[*]}" --outer-qemu "$outer_qemu" \
	--guest-cmd "$guest_cmd" --host-cmd "$host_cmd" --after-cmd "$after_cmd" --boot-status "$boot_status" \
	--phases "$(for k in "${!phase_s[@]}"; do printf '%s=%s ' "$k" "${phase_s[$k]}"; done)" \
	--settings "kernel=$kernel patches=$patches guests=$guests guest_arch=$guest_arch guest_smp=$guest_smp guest_mem=$guest_mem guest_disk_mb=$guest_disk guest_net=$guest_net cpu=$cpu smp=$smp mem=$mem outer_qemu=${outer_qemu// /%20} icount=$icount guest_kernel=${guest_kernel// /%20} trace=$trace guest_exit_stats=$guest_exit_stats buffer_kb=$buffer_kb timeout=$timeout events=$events perf_kvm=$perf_kvm" ||
	log "ERROR: writing run.json failed"
rm -rf "$work"

# A first answer right away: the exit classes of this run (exitstat, built by `make`).
if [ -s "$out/trace.dat" ]; then
	if make -s -C "$ROOT" exitstat >"$out/.make.log" 2>&1 &&
		"$BUILD_DIR/exitstat/exitstat" summary "$out/trace.dat" >"$out/summary.txt" 2>&1; then
		sed -n '/^Exits per class/,/^$/p' "$out/summary.txt"
		log "exit summary: $out/summary.txt (more: exitstat --help; names in trace-cmd report and KernelShark: make install-plugin)"
	else
		log "could not summarise the trace with exitstat (see $out/.make.log, $out/summary.txt)"
	fi
	rm -f "$out/.make.log"
fi

status=0
[ "$collected" = 1 ] && [ "$boot_status" = 0 ] || status=1
if [ "$collected" = 1 ]; then
	host_status=$(cat "$out/host-status" 2>/dev/null || echo missing)
	[ "$host_status" = 0 ] || { log "ERROR: the study inside the host failed (status $host_status); see $out/errors.txt"; status=1; }
fi
# A guest or host whose kernel oopsed, panicked, hit a BUG, a WARNING, a lockup or an RCU
# stall failed, however its VM ended (markers: scripts/scan-crashes.sh; run.json and
# errors.txt record the same first line).
scan_status=0
crashes=$("$ROOT/scripts/scan-crashes.sh" "$out") || scan_status=$?
while IFS= read -r line; do
	[ -n "$line" ] || continue
	log "ERROR: ${line%%: crashed: *} crashed: ${line#*: crashed: }"
	status=1
done <<<"$crashes"
[ "$scan_status" -le 1 ] || { log "ERROR: scanning $out for kernel crashes failed"; status=1; }
log "done in $(elapsed "$t_start"); results: $out"
exit "$status"
