#!/usr/bin/env bash
# exitlab's main job: build what is missing (patched arm64 host kernel, guest kernel, root
# filesystems), boot the KVM host under QEMU TCG with EL2 on, run guests under KVM inside
# it while `trace-cmd record -e kvm` runs, and collect the results in one directory.
# The options' variables are set by name (printf -v) from the table of images/run-host-options.sh,
# which shellcheck cannot follow; tests/lint.sh checks that each variable this hides is the table's.
# shellcheck disable=SC2154
set -euo pipefail
PROG=run-host.sh
ROOT=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=images/lib.sh
. "$ROOT/images/lib.sh"

# shellcheck source=images/run-host-options.sh
. "$ROOT/images/run-host-options.sh"

usage() {
	cat <<'USAGE'
Usage: ./run-host.sh [OPTIONS]

Boots the patched arm64 KVM host (QEMU TCG, EL2 on), runs guests under KVM inside it,
records `trace-cmd record -e kvm` for their whole lifetime and leaves a results directory
(trace.dat, consoles, per-vcpu KVM statistics, run.json). Missing packages are installed
(when run as root) and images built on first use; later runs reuse them.

Options:
USAGE
	options_usage
	printf '\nExit status: 0 ok, 1 the run failed (results kept), 2 bad usage or missing prerequisites.\n'
}

# Every option's variable (the table in images/run-host-options.sh), from its default and the
# command line; what depends on more than one option is settled below.
options_parse "$@"
# The legacy 32-bit host: its own kernel, board and limits (README, "The legacy 32-bit host").
if [ "$host_arch" = arm ]; then
	[ "$kernel" = "$DEFAULT_KERNEL" ] || usage_error "--kernel chooses the arm64 host's kernel; --host-arch arm runs Linux $LEGACY_KERNEL"
	[ "$guests" = 0 ] || [ "$build_only" = 1 ] ||
		usage_error "--host-arch arm runs no guest OS (no VMM for a 32-bit KVM host here: README, \"The legacy 32-bit host\"): give --guests 0 and a --host-cmd"
	[ "$perf_kvm" = 0 ] || usage_error "--perf-kvm: the legacy 32-bit host has no perf"
	[ "$el2_log" = 0 ] || usage_error "--el2-log reads an AArch64 host's exceptions to EL2, not the legacy host's Hyp mode"
	[ "$smp" -le 2 ] || usage_error "--host-arch arm: the vexpress-a15's device tree has 2 CPUs, not --smp $smp"
	[ "$cpu" = cortex-a57 ] || usage_error "--cpu chooses the arm64 host's CPU; --host-arch arm runs a cortex-a15"
	[ -z "$legacy_source" ] || export EXITLAB_LEGACY_SOURCE=$legacy_source
	select_kernel "$LEGACY_KERNEL"
	# kvm.guest_exit_stats stays off there (5.4's 0003 has it): no guest reads the statistics, and
	# a host program that calls them switches it itself, as exit-stats-abi does.
	kernel=$LEGACY_KERNEL cpu=cortex-a15 guest_exit_stats=0 guests=0
	if ! kernel_source_version >/dev/null; then
		printf '%s: %s\n' "$PROG" "$(kernel_source_missing)" >&2
		exit 2
	fi
elif [ -n "$legacy_source" ]; then
	usage_error "--legacy-source is the source of --host-arch arm's kernel"
fi
# After parsing: the levels are those of --kernel's series.
select_patches "$patches" || usage_error "--patches is one of $(patch_levels | paste -sd' ') for Linux $kernel, not '$patches'"
# The guests' statistics hypercalls come with the patch that adds kvm.guest_exit_stats; a level
# without it answers "not supported" (found in the level's own patches, not by level name).
if [ "$guest_exit_stats" = 1 ] && ! series_files | xargs -r cat | grep -E 'module_param(_cb)?\(guest_exit_stats' >/dev/null; then
	log "--patches $patches: the host kernel has no guest-readable exit statistics (--no-guest-exit-stats)"
	guest_exit_stats=0
fi
if [ "$guest_machine" = vexpress-a15 ]; then
	[ "$guest_arch" = arm ] || usage_error "--guest-machine vexpress-a15 runs 32-bit guests (--guest-arch arm)"
	[ "$guest_smp" -le 2 ] || usage_error "--guest-machine vexpress-a15: its device tree has 2 CPUs, not --guest-smp $guest_smp"
	# exitlab's minimal guest kernel has the virt board only: Debian's knows the vexpress.
	[ -n "$guest_kernel" ] || guest_kernel=debian
	[ "$guest_kernel" = debian ] ||
		usage_error "--guest-machine vexpress-a15 boots Debian's kernel with its device tree (--guest-kernel debian)"
fi
[ "$buffer_percent" -le 100 ] || usage_error "--buffer-percent is at most 100, not $buffer_percent"
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
host_dtb=
if [ "$host_arch" = arm ]; then
	# The legacy host runs on Debian's own emulator: exitlab's (images/build-qemu.sh) has the
	# virt board only, and its patches concern AArch64 guests of an AArch64 host.
	[ -n "$outer_qemu" ] || outer_qemu=$(command -v qemu-system-arm) ||
		die "qemu-system-arm not found: run images/install-deps.sh"
	phase_begin "host kernel (32-bit ARM, Linux $kernel, --patches $patches)"
	host_image=$(EXITLAB_PATCHES=$patches "$ROOT/images/build-legacy-kernel.sh")
	host_dtb=$(dirname "$host_image")/vexpress-v2p-ca15-tc1.dtb
	phase_end host-kernel
else
	if [ -z "$outer_qemu" ]; then
		phase_begin "outer emulator (Debian's qemu-system-aarch64 + images/qemu-patches)"
		outer_qemu=$("$ROOT/images/build-qemu.sh")
		phase_end outer-qemu
	fi
	phase_begin "host kernel (arm64, Linux $kernel, --patches $patches)"
	host_image=$(EXITLAB_PATCHES=$patches "$ROOT/images/build-kernel.sh" --kernel "$kernel" host-arm64)
	phase_end host-kernel
fi
# Guest images only for runs with guests (an interactive --shell may start some, --build-only
# builds everything): --guests 0, as the host benchmarks and host tests run, needs neither.
with_guests=1
[ "$guests" != 0 ] || [ "$shell" = 1 ] || [ "$build_only" = 1 ] || with_guests=0
[ "$host_arch" = arm64 ] || with_guests=0
if [ "$with_guests" = 0 ]; then
	phase_begin "guest kernel: none (--guests 0)"
elif [ -z "$guest_kernel" ]; then
	phase_begin "guest kernel ($guest_kernel_target)"
	guest_kernel=$(EXITLAB_PATCHES=guest "$ROOT/images/build-kernel.sh" "$guest_kernel_target")
elif [ "$guest_kernel" = debian ]; then
	phase_begin "guest kernel: Debian's own for $guest_arch (images/fetch-debian-kernel.sh)"
	guest_kernel=$("$ROOT/images/fetch-debian-kernel.sh" "$guest_arch")
	guest_dtb=$(dirname "$guest_kernel")/vexpress-v2p-ca15-tc1.dtb
else
	phase_begin "guest kernel: $guest_kernel (given)"
fi
phase_end guest-kernel
phase_begin "root filesystems"
# The arm64 host gets exit-cost and exitstat; the legacy host exit-cost, built against its
# kernel's uapi headers (exitstat reads its traces outside).
host_exitstat=
if [ "$host_arch" = arm ]; then
	host_base=$("$ROOT/images/build-host-rootfs.sh" armhf)
	make -s -C "$ROOT/benchmarks/exit-cost" legacy BUILD="$BUILD_DIR/host-bench" \
		LEGACY_UAPI="$(dirname "$host_image")/uapi" || die "building the host benchmark programs failed"
	host_bench=$BUILD_DIR/host-bench-armhf stream_arch=armhf
else
	host_base=$("$ROOT/images/build-host-rootfs.sh")
	make -s -C "$ROOT/benchmarks/exit-cost" BUILD="$BUILD_DIR/host-bench" || die "building the host benchmark programs failed"
	host_exitstat=$("$ROOT/images/build-exitstat-arm64.sh")
	host_bench=$BUILD_DIR/host-bench stream_arch=arm64
fi
# The results stream: exitlab-stream for the host (send) and for this side (extract).
make -s -C "$ROOT/tools/stream" || die "building exitlab-stream (tools/stream) failed"
stream=$BUILD_DIR/stream
guest_base=
[ "$with_guests" = 0 ] || guest_base=$("$ROOT/images/build-guest-rootfs.sh" "$guest_rootfs_arch")
phase_end rootfs
if [ "$build_only" = 1 ]; then
	printf 'outer qemu:   %s\nhost kernel:  %s\nguest kernel: %s\nhost rootfs:  %s\nguest rootfs: %s\nhost exitstat: %s\n' \
		"$outer_qemu" "$host_image" "$guest_kernel" "$host_base" "$guest_base" "$host_exitstat"
	exit 0
fi

# add_files OPT DIR DEST BASE: install DIR's files (--host-files, --guest-files) as programs in
# DEST, the run's /usr/bin on top of the image BASE (a gzip'd cpio); a name DEST or BASE's
# /usr/bin already has is refused, so that extra files never replace exitlab's own unseen.
add_files() {
	local opt=$1 dir=$2 dest=$3 base=$4 f name
	local -A have=()
	while IFS= read -r name; do
		have[$name]=1
	done < <(gzip -dc "$base" | cpio -t --quiet | sed -n 's|^\(\./\)\{0,1\}usr/bin/\([^/]*\)$|\2|p')
	for f in "$dest"/*; do
		[ ! -e "$f" ] || have[${f##*/}]=1
	done
	for f in "$dir"/*; do
		[ -e "$f" ] || die "$opt: $dir has no files"
		[ -f "$f" ] || die "$opt: $f is not a file"
		name=${f##*/}
		[ -z "${have[$name]:-}" ] || die "$opt: $f would replace the image's own /usr/bin/$name"
	done
	install -m 755 "$dir"/* "$dest/"
}

# --- the run's own initramfs part: scripts, settings, guest images -------------------------
work=$out/.boot
mkdir -p "$work/run/etc/exitlab" "$work/run/usr/bin" "$work/run/guest" "$work/guest-run/etc/exitlab" "$work/guest-run/usr/bin"
install -m 755 "$ROOT/scripts/host/init" "$work/run/init"
install -m 755 "$ROOT/scripts/host/exitlab-study" "$stream/$stream_arch/exitlab-stream" "$host_bench"/* "$work/run/usr/bin/"
[ -z "$host_exitstat" ] || cp -a "$host_exitstat/." "$work/run/"
[ -z "$host_files" ] || add_files --host-files "$host_files" "$work/run/usr/bin" "$host_base"
[ -z "$guest_files" ] || [ "$with_guests" = 0 ] || add_files --guest-files "$guest_files" "$work/guest-run/usr/bin" "$guest_base"
[ -z "$host_cmd" ] || printf '%s\n' "$host_cmd" >"$work/run/etc/exitlab/host-cmd"
[ -z "$after_cmd" ] || printf '%s\n' "$after_cmd" >"$work/run/etc/exitlab/after-cmd"
{ options_conf; echo "DATE=$(date +%s)"; } >"$work/run/etc/exitlab/run.conf"
[ -z "$guest_cmd" ] || printf '%s\n' "$guest_cmd" >"$work/guest-run/etc/exitlab/guest-cmd"
if [ "$with_guests" = 1 ]; then
	pack_cpio "$work/guest-run" "$work/guest-run.cpio.gz"
	# The kernel unpacks concatenated cpio archives in order: the run's files come on top.
	cat "$guest_base" "$work/guest-run.cpio.gz" >"$work/run/guest/initrd.gz"
	cp "$guest_kernel" "$work/run/guest/kernel"
	[ "$guest_machine" = virt ] || cp "$guest_dtb" "$work/run/guest/dtb"
fi
pack_cpio "$work/run" "$work/run.cpio.gz"
cat "$host_base" "$work/run.cpio.gz" >"$work/initrd.gz"
# The results stream's disk (tools/stream/stream.h): a sparse image that grows with what the
# host sends; its size only bounds the stream. A write error (e.g. --out's file system full)
# reaches the host as an I/O error (werror=report), not as a paused machine.
truncate -s 64G "$work/stream.img"

machine=("${OUTER_MACHINE[@]}")
[ "$host_arch" = arm64 ] || machine=("${LEGACY_MACHINE[@]}" -dtb "$host_dtb")
# A vexpress-a15 guest's GIC is a GICv2, which KVM emulates only on a GICv2 host (TCG's GICv3
# has no GICv2 compatibility).
[ "$guest_machine" = virt ] || machine=("${machine[@]/gic-version=3/gic-version=2}")
# shellcheck disable=SC2054 # commas belong to QEMU's option syntax
qemu=("$outer_qemu" "${machine[@]}" -cpu "$cpu" -smp "$smp" -m "$mem" -no-reboot
	-chardev "stdio,id=console,mux=on,signal=off,logfile=$out/host-console.log"
	-serial chardev:console
	-kernel "$host_image" -initrd "$work/initrd.gz"
	-append "console=ttyAMA0 rdinit=/init panic=-1 quiet"
	-drive "if=none,file=$work/stream.img,format=raw,id=stream,werror=report,rerror=report"
	-device virtio-blk-device,drive=stream -pidfile "$work/qemu.pid")
[ "$icount" = 0 ] || qemu+=(-icount shift=0)
[ "$shell" = 0 ] || qemu+=(-mon chardev=console)
# --el2-log: QEMU's exception log goes through a FIFO to its counter, never to disk (a boot
# logs millions of exceptions). Its blocks of lines must not interleave: one TCG thread.
el2_reader='' el2_failed=0
if [ "$el2_log" = 1 ]; then
	mkfifo "$work/qemu-int.fifo"
	awk -f "$ROOT/scripts/el2-exceptions.awk" "$work/qemu-int.fifo" >"$work/el2-exceptions.json" 2>"$work/el2.err" &
	el2_reader=$!
	qemu+=(-d int -D "$work/qemu-int.fifo")
	# shellcheck disable=SC2054 # commas belong to QEMU's option syntax
	[ "$icount" = 1 ] || qemu+=(-accel tcg,thread=single)
fi

# --- boot ----------------------------------------------------------------------------------
phase_begin "booting the KVM host ($host_arch, $cpu, $smp CPUs, ${mem} MiB): $guests $guest_arch guest(s), timeout ${timeout}s"
# The host stops guests itself at --timeout; this outer limit covers a host that hangs without
# being noticed by --hang-timeout.
host_limit=$((timeout + 600))
# Results arrive in $out while the host runs; a host silent for --hang-timeout is stopped.
hang_s=$hang_timeout
[ "$shell" = 0 ] || hang_s=0
"$stream/native/exitlab-stream" extract --follow --log "$work/stream.img" --out "$out" \
	--status "$work/follow.status" --pidfile "$work/qemu.pid" --hang-s "$hang_s" &
follower=$!
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
# The follower ends by itself once QEMU is gone (a QEMU that never started: stopped here).
for _ in $(seq 20); do kill -0 "$follower" 2>/dev/null || break; sleep 0.25; done
kill "$follower" 2>/dev/null || true
wait "$follower" || true
phase_end boot
if [ -n "$el2_reader" ]; then
	# QEMU closed the FIFO when it ended; a QEMU that never opened it leaves awk waiting.
	for _ in $(seq 120); do kill -0 "$el2_reader" 2>/dev/null || break; sleep 0.5; done
	kill "$el2_reader" 2>/dev/null || true
	if wait "$el2_reader" && [ -s "$work/el2-exceptions.json" ]; then
		mv "$work/el2-exceptions.json" "$out/el2-exceptions.json"
	else
		log "ERROR: --el2-log: counting the outer QEMU's exceptions failed: $(head -c 300 "$work/el2.err")"
		el2_failed=1
	fi
fi
stream_value() { sed -n "s/^$2=//p" "$work/$1.status" 2>/dev/null; } # stream_value follow|stream KEY
if [ "$(stream_value follow hung)" = 1 ]; then
	log "ERROR: the host hung: nothing came from it for ${hang_timeout}s (--hang-timeout); it was stopped (host-console.log kept)"
elif [ "$boot_status" = 124 ]; then
	log "ERROR: the host did not finish within ${host_limit}s and was stopped (host-console.log kept)"
elif [ "$boot_status" != 0 ]; then
	log "ERROR: $(basename "$outer_qemu") exited with status $boot_status (see $out/host-console.log)"
fi

# --- collect -------------------------------------------------------------------------------
phase_begin "collecting results"
# Everything the host sent, applied again from the start (the same bytes at the same places).
collected=0
if "$stream/native/exitlab-stream" extract --log "$work/stream.img" --out "$out" --status "$work/stream.status"; then
	collected=1
else
	[ "$(df -Pm "$out" | awk 'NR == 2 { print $4 }')" -gt 0 ] ||
		log "ERROR: $out: the file system is full (No space left on device): results written before are kept"
	log "ERROR: writing the results into $out failed (see above); kept the stream as $out/stream.img"
	mv "$work/stream.img" "$out/stream.img"
fi
stream_end=$(stream_value stream end)
# run.json's results_stream: what the final pass read, and whether the follower saw a hang.
sed -i "s/^hung=.*/hung=$(stream_value follow hung)/" "$work/stream.status" 2>/dev/null || true
if [ "$collected" = 0 ]; then
	: # what the stream holds is unknown: said above
elif [ "$(stream_value stream full)" = 1 ]; then
	log "ERROR: the results stream's disk filled up: what the host made after that is lost"
elif [ "$stream_end" != 1 ]; then
	log "ERROR: the host died before the end of its results stream (its last record at host uptime $(awk -v ms="$(stream_value stream last_uptime_ms)" 'BEGIN { printf "%.1f", ms / 1000 }') s): results are what it sent until then"
fi
# trace.dat: trace-cmd's own, or rebuilt from the per-CPU parts streamed before the host died.
trace_status="missing (the results could not be written)"
[ "$collected" = 0 ] || trace_status=$("$ROOT/scripts/finish-trace.sh" "$out") || log "ERROR: no trace.dat: $trace_status"
[ "$trace_status" != rebuilt ] ||
	log "trace.dat rebuilt from the per-CPU data the host streamed: events still in its ring buffer or made after its last stream pass are lost (exitstat lost: each vcpu's last counter)"
"$ROOT/scripts/collect-results.sh" --out "$out" --host-image "$host_image" --kernel "$kernel" --patches "$patches" \
	--host-packages "$(dirname "$host_base")/packages" --outer-cmd "${qemu[*]}" --outer-qemu "$outer_qemu" \
	--guest-cmd "$guest_cmd" --host-cmd "$host_cmd" --after-cmd "$after_cmd" --boot-status "$boot_status" \
	--phases "$(for k in "${!phase_s[@]}"; do printf '%s=%s ' "$k" "${phase_s[$k]}"; done)" \
	--settings "$(options_settings)" --stream-status "$work/stream.status" --trace-status "$trace_status" ||
	log "ERROR: writing run.json failed"
rm -rf "$work"

# What a rebuilt trace lacks, per vcpu of the guests whose statistics were read (patched
# kernels: the counter): at its end, KVM's exits statistic minus the trace's last EXIT counter;
# within, the counter's gaps; at its start, the first counter minus 1 (each CPU's part ends
# where the host stopped streaming it, so a vcpu that moved between CPUs can lack exits before
# its last one, its first ones included).
tail_loss() {
	local lost d
	lost=$("$BUILD_DIR/exitstat/exitstat" lost --json "$out/trace.dat") || return 0
	[ "$(jq -r '.trace.vcpu_source' <<<"$lost")" = vcpu_id ] || return 0
	for d in "$out"/guest*/; do
		if [ ! -s "$d/kvm-stats.json" ] || [ ! -s "$d/qemu.pid" ]; then continue; fi
		jq -r --argjson lost "$lost" --arg g "$(basename "$d")" --argjson pid "$(cat "$d/qemu.pid")" '
			.vcpus[] | .cpu_index as $v | .stats.exits as $e
			| ([$lost.vcpus[] | select(.guest == $pid and .vcpu == $v)][0]
			   // {first_count: 1, last_count: 0, exits_lost: 0}) as $l
			| ($l.first_count - 1) as $start
			| "\($g) vcpu \($v): \($e - $l.last_count + $l.exits_lost + $start) of \($e) (\($e - $l.last_count) at the end"
			  + (if $start > 0 then ", \($start) at the start" else "" end) + ")"' "$d/kvm-stats.json"
	done | paste -sd';' | sed 's/;/; /g'
}

# A first answer right away: the exit classes of this run (exitstat, built by `make`).
if [ -s "$out/trace.dat" ]; then
	if make -s -C "$ROOT" exitstat >"$out/.make.log" 2>&1 &&
		"$BUILD_DIR/exitstat/exitstat" summary "$out/trace.dat" >"$out/summary.txt" 2>&1; then
		sed -n '/^Exits per class/,/^$/p' "$out/summary.txt"
		log "exit summary: $out/summary.txt (more: exitstat --help; names in trace-cmd report and KernelShark: make install-plugin)"
		if [ "$trace_status" = rebuilt ] && loss=$(tail_loss) && [ -n "$loss" ]; then
			log "exits trace.dat lacks (KVM's exits statistic - the trace's last counter + its gaps): $loss"
			echo "exits trace.dat lacks: $loss" >>"$out/errors.txt"
		fi
	else
		log "could not summarise the trace with exitstat (see $out/.make.log, $out/summary.txt)"
	fi
	rm -f "$out/.make.log"
fi

status=0
[ "$collected" = 1 ] && [ "$boot_status" = 0 ] && [ "$stream_end" = 1 ] && [ "$el2_failed" = 0 ] || status=1
# (A host that died before the end of its stream never wrote host-status: said above.)
if [ "$collected" = 1 ] && [ "$stream_end" = 1 ]; then
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
