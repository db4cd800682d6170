# shellcheck shell=bash
# run-host.sh's options, declared once (sourced by run-host.sh after images/lib.sh).
#
# The table below is the one declaration of each option; everything else is derived from it:
# the parser (options_parse), the option lines of --help (options_usage), the host's
# /etc/exitlab/run.conf (options_conf) and run.json's settings (options_settings). A new option
# is a row here (and, if the host reads it, its use in scripts/host/exitlab-study).
#
# A row: OPTION ARG VARIABLE KIND DEFAULT RUN.CONF RUN.JSON, whitespace separated ('-' for
# none; an empty DEFAULT is '-' too), then its help text on the lines below, each indented
# by a tab. OPTION may have aliases (-v,--verbose). ARG is the value's name in --help ('-':
# the option takes none). KIND says what a value may be and how it is stored:
#   flag:V        no value; VARIABLE becomes V
#   help          no value; print --help and exit 0
#   text          any value
#   nonempty      any value but ''
#   uint, count   a positive integer; a whole number (0 included)
#   choice:A,B    one of the words listed
#   kernel        a version of KERNEL_VERSIONS (images/lib.sh; not LEGACY_KERNEL), selected at once
#   events        SYSTEM[:EVENT],... (trace-cmd record -e)
#   kernel-image  a readable file, stored as an absolute path, or the word debian
#   file          a readable file, stored as an absolute path
#   program       an executable file, stored as an absolute path
#   dir           a directory, stored as an absolute path
# RUN.CONF names the variable the host's scripts read (scripts/host/exitlab-study), RUN.JSON
# the key of run.json's settings; both take the value run-host.sh ends with (after the checks
# that follow parsing, e.g. --mem's computed default), in the table's order.
# @KERNELS@, @DEFAULT_KERNEL@ and @LEGACY_KERNEL@ stand for images/lib.sh's KERNEL_VERSIONS,
# DEFAULT_KERNEL and LEGACY_KERNEL.
options_table() {
	cat <<'OPTIONS'
--kernel              V       kernel            kernel                @DEFAULT_KERNEL@ -                kernel
	host kernel: Linux V (@KERNELS@; default @DEFAULT_KERNEL@) with
	kernel-patches/V; the guests' kernel is always the default's
--host-arch           ARCH    host_arch         choice:arm64,arm      arm64            HOST_ARCH        host_arch
	the KVM host: arm64 (default) or arm, the legacy 32-bit host of the
	first KVM/ARM measurements: a Cortex-A15 in Hyp mode on a simulated
	vexpress-a15 (Debian's qemu-system-arm), Linux @LEGACY_KERNEL@ with
	kernel-patches/@LEGACY_KERNEL@ (--kernel does not apply). It runs no
	guest OS (no VMM exists for it here: --guests 0), only host programs
	(--host-cmd, --host-files); README, "The legacy 32-bit host"
--legacy-source       FILE    legacy_source     file                  -                -                -
	the Linux @LEGACY_KERNEL@ release tarball for --host-arch arm
	(linux-@LEGACY_KERNEL@.N.tar.xz from kernel.org; default
	$EXITLAB_LEGACY_SOURCE, else ../shared/legacy's beside the clone)
--patches             LEVEL   patches           text                  all              -                patches
	how much of kernel-patches/V/series the host kernel gets: all (the
	default), counter (the per-vcpu exit counter in kvm_exit only) or none
	(Debian's stock kernel source, no exitlab patch); the guests' kernel
	is always built with the series' `guest` level (kernel-patches/V/levels).
	With none or counter, guests cannot read exit statistics
	(--no-guest-exit-stats is implied)
--guests              N       guests            count                 1                GUESTS           guests
	guests run at the same time (default 1; 0 runs none, and builds no
	guest kernel or image)
--guest-arch          ARCH    guest_arch        choice:arm,arm64      arm              GUEST_ARCH       guest_arch
	arm (32-bit ARMv7, default) or arm64
--guest-machine       BOARD   guest_machine     choice:virt,vexpress-a15 virt          GUEST_MACHINE    guest_machine
	the guests' board under KVM: virt (default) or vexpress-a15, the
	Versatile Express Cortex-A15 of the first KVM/ARM measurements (32-bit
	guests, at most 2 vcpus, Debian's armmp-lpae kernel and its device
	tree; the outer machine gets a GICv2, which KVM needs to emulate the
	board's; README, "vexpress-a15 guests")
--guest-smp           N       guest_smp         uint                  1                GUEST_SMP        guest_smp
	vcpus per guest (default 1)
--guest-mem           MB      guest_mem         uint                  256              GUEST_MEM        guest_mem
	memory per guest (default 256)
--guest-kernel        FILE    guest_kernel      kernel-image          -                -                guest_kernel
	boot the guests with this kernel image (zImage for arm, Image for
	arm64) instead of the one built from kernel-patches/@DEFAULT_KERNEL@;
	'debian': Debian's own (linux-image-armmp-lpae or -arm64, downloaded)
--guest-cmd           CMD     guest_cmd         nonempty              -                -                -
	command each guest runs after boot (default: a small workload);
	its output is in guestN/console.log
--guest-disk          MB      guest_disk        uint                  0                GUEST_DISK_MB    guest_disk_mb
	give each guest its own raw disk of MB MiB (a sparse file in the
	host's memory, virtio-blk-device: the guest's /dev/vda; the io
	workload); the host gets MB MiB more memory per guest
--guest-net           -       guest_net         flag:1                0                GUEST_NET        guest_net
	give each guest a NIC (virtio-net-device, QEMU user networking,
	restricted: no way out of the host): the guest is 10.0.2.15/24 on
	eth0, and TCP to 10.0.2.100:5001 reaches a listener in the host that
	counts the bytes (guestN/net-received-bytes; the net workload)
--cpu                 MODEL   cpu               choice:cortex-a57,max cortex-a57       -                cpu
	host CPU: cortex-a57 (nVHE, default) or max (VHE)
--smp                 N       smp               uint                  2                -                smp
	host CPUs (default 2)
--mem                 MB      mem               uint                  -                -                mem
	host memory (default: enough for the guests, at least 2048)
--icount              -       icount            flag:1                0                -                icount
	deterministic timing: QEMU -icount shift=0 (1 ns per instruction)
--outer-qemu          FILE    outer_qemu        program               -                -                outer_qemu
	run the host on this qemu-system-aarch64 instead of exitlab's
	(images/build-qemu.sh: Debian's QEMU with images/qemu-patches); e.g.
	/usr/bin/qemu-system-aarch64 reproduces the 32-bit SMP guest crash
--events              LIST    events            events                -                EVENTS           events
	more trace events, comma separated (e.g. sched:sched_switch)
--buffer-kb           N       buffer_kb         uint                  20000            BUFFER_KB        buffer_kb
	trace-cmd ring buffer per CPU in KiB (default 20000)
--buffer-percent      N       buffer_percent    count                 1                BUFFER_PERCENT   buffer_percent
	trace-cmd's recorders take the full pages of a CPU's ring buffer once
	N% of it (of --buffer-kb) is filled (default 1; the kernel's 50 would
	keep half the buffer in the host): that much per CPU, and the page
	being filled, is what the trace loses if the host dies; 0: at once,
	with any data (the recorders spin: only for a tiny --buffer-kb, see
	docs/known-issues.md)
--hang-timeout        SECONDS hang_timeout      count                 300              -                hang_timeout_s
	a host whose results stream (it beats every few seconds) stays silent
	this long has hung: it is stopped and the run fails (default 300; 0:
	never; the whole run is also bounded by --timeout + 600)
--el2-log             -       el2_log           flag:1                0                -                el2_log
	count every exception the emulated CPUs take to EL2, from the outer
	QEMU's own log (-d int, read as it is written; its CPUs run in one
	thread): el2-exceptions.json, per vector table (on an nVHE host the
	host's calls into EL2 and the guests' exits) and kind. Slow: for
	short runs
--no-trace            -       trace             flag:0                1                TRACE            trace
	run without trace-cmd
--perf-kvm            -       perf_kvm          flag:1                0                PERF_KVM         perf_kvm
	also record `perf kvm stat record` for the guests' lifetime (perf.data)
	and report it in the host: perf-kvm-stat.txt, per guest and per vcpu
	guestN/perf-kvm-stat*.txt, perf-stats.txt (samples, losses)
--no-guest-exit-stats -       guest_exit_stats  flag:0                1                GUEST_EXIT_STATS guest_exit_stats
	do not let guests read their exit statistics
	(/sys/hypervisor/exits, guest-exits; on by default)
--timeout             SECONDS timeout           uint                  900              TIMEOUT          timeout
	a guest that has not powered off by then is stopped (default 900)
--out                 DIR     out               text                  -                -                -
	results directory (default out/run-DATE-TIME)
--host-cmd            CMD     host_cmd          nonempty              -                -                -
	command run in the host after the guests, while tracing still runs;
	output in host-cmd.log, its failure fails the run (the host has
	busybox, trace-cmd, perf, exitstat, exit-cost and --host-files)
--after-cmd           CMD     after_cmd         nonempty              -                -                -
	command run in the host once trace-cmd and perf have stopped (their
	files complete in /results); output in after-cmd.log, its failure
	fails the run
--host-files          DIR     host_files        dir                   -                -                -
	also install DIR's files in the host's /usr/bin: programs for
	--host-cmd and --after-cmd (a name already there is refused); the
	tests ship their host programs (tests/host) this way
--guest-files         DIR     guest_files       dir                   -                -                -
	the same in each guest's /usr/bin, for --guest-cmd (the tests'
	in-guest scripts, tests/guest)
--shell               -       shell             flag:1                0                SHELL_MODE       -
	interactive host shell instead of the study (exitlab-study runs it)
--build-only          -       build_only        flag:1                0                -                -
	build the images and stop
--no-install          -       install           flag:0                1                -                -
	never run apt-get; fail (exit 2) if packages are missing
-v,--verbose          -       verbose           flag:1                0                -                -
	show the whole host console, not just exitlab's lines
-h,--help             -       -                 help                  -                -                -
	this text
OPTIONS
}

# The table as arrays, one element per option (OPT_HELPS: its help lines joined by newlines).
# OPT_INDEX maps each option name and alias to its row.
OPT_NAMES=() OPT_ARGS=() OPT_VARS=() OPT_KINDS=() OPT_DEFAULTS=() OPT_CONFS=() OPT_JSONS=() OPT_HELPS=()
declare -A OPT_INDEX=()
options_load() {
	local line names arg var kind default conf json name aliases n=-1
	while IFS= read -r line; do
		if [[ "$line" == $'\t'* ]]; then
			OPT_HELPS[n]+=${OPT_HELPS[n]:+$'\n'}${line#$'\t'}
			continue
		fi
		read -r names arg var kind default conf json <<<"$line"
		[ -n "$json" ] || die "images/run-host-options.sh: a row needs 7 fields: $line"
		n=$((n + 1))
		[ "$default" != - ] || default=''
		default=${default//@DEFAULT_KERNEL@/$DEFAULT_KERNEL}
		OPT_NAMES[n]=$names OPT_ARGS[n]=$arg OPT_VARS[n]=$var OPT_KINDS[n]=$kind
		OPT_DEFAULTS[n]=$default OPT_CONFS[n]=$conf OPT_JSONS[n]=$json OPT_HELPS[n]=''
		IFS=, read -ra aliases <<<"$names"
		for name in "${aliases[@]}"; do OPT_INDEX[$name]=$n; done
	done < <(options_table)
}

# options_defaults: every option's variable set to its default.
options_defaults() {
	local i
	for i in "${!OPT_NAMES[@]}"; do
		[ "${OPT_VARS[i]}" = - ] || printf -v "${OPT_VARS[i]}" '%s' "${OPT_DEFAULTS[i]}"
	done
}

# options_usage: the option lines of --help, the option in a column of 20, its help beside it.
options_usage() {
	local i first line opt
	for i in "${!OPT_NAMES[@]}"; do
		opt=${OPT_NAMES[i]//,/, }
		[ "${OPT_ARGS[i]}" = - ] || opt+=" ${OPT_ARGS[i]}"
		first=1
		while IFS= read -r line; do
			if [ "$first" = 1 ] && [ "${#opt}" -le 19 ]; then
				printf '  %-19s %s\n' "$opt" "$line"
			elif [ "$first" = 1 ]; then
				printf '  %s  %s\n' "$opt" "$line"
			else
				printf '%22s%s\n' '' "$line"
			fi
			first=0
		done <<<"${OPT_HELPS[i]}"
	done | sed -e "s/@KERNELS@/${KERNEL_VERSIONS[*]}/" -e "s/@DEFAULT_KERNEL@/$DEFAULT_KERNEL/" \
		-e "s/@LEGACY_KERNEL@/$LEGACY_KERNEL/g"
}

usage_error() { printf '%s: %s (see --help)\n' "$PROG" "$1" >&2; exit 2; }

# absolute FILE: FILE's absolute path, in OPT_VALUE.
absolute() { OPT_VALUE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1"); }

# option_value OPT KIND VALUE: VALUE checked against KIND and as it is stored, in OPT_VALUE;
# a usage error (exit 2) if KIND refuses it.
option_value() {
	local opt=$1 kind=$2 val=$3 words
	OPT_VALUE=$val
	case "$kind" in
	text) ;;
	nonempty) [ -n "$val" ] || usage_error "$opt is empty" ;;
	uint) [[ "$val" =~ ^[1-9][0-9]*$ ]] || usage_error "$opt needs a positive integer, got '$val'" ;;
	count) [[ "$val" =~ ^(0|[1-9][0-9]*)$ ]] || usage_error "$opt needs a whole number, got '$val'" ;;
	choice:*)
		words=${kind#choice:}
		[[ ",$words," == *",$val,"* ]] ||
			usage_error "$opt is $(sed -e 's/,\([^,]*\)$/ or \1/' -e 's/,/, /g' <<<"$words"), not '$val'" ;;
	kernel)
		# The arm64 host's kernels only (--host-arch arm has its own: LEGACY_KERNEL).
		{ [[ " ${KERNEL_VERSIONS[*]} " == *" $val "* ]] && select_kernel "$val"; } ||
			usage_error "$opt is one of ${KERNEL_VERSIONS[*]}, not '$val'" ;;
	events) [[ "$val" =~ ^[A-Za-z0-9_:*,]+$ ]] || usage_error "$opt takes SYSTEM[:EVENT],... not '$val'" ;;
	file)
		if [ ! -f "$val" ] || [ ! -r "$val" ]; then usage_error "$opt: cannot read '$val'"; fi
		absolute "$val" ;;
	kernel-image)
		[ "$val" = debian ] && return 0
		if [ ! -f "$val" ] || [ ! -r "$val" ]; then
			usage_error "$opt: cannot read '$val' (a kernel image file, or 'debian')"
		fi
		absolute "$val" ;;
	program)
		if [ ! -f "$val" ] || [ ! -x "$val" ]; then usage_error "$opt: '$val' is not an executable file"; fi
		absolute "$val" ;;
	dir)
		[ -d "$val" ] || usage_error "$opt: '$val' is not a directory"
		OPT_VALUE=$(cd "$val" && pwd) ;;
	*) die "images/run-host-options.sh: $opt: unknown kind '$kind'" ;;
	esac
}

# options_parse ARGS...: the command line into the options' variables (after their defaults);
# --help prints usage (run-host.sh's) and exits 0, a bad option or value exits 2.
options_parse() {
	local opt val kind i
	options_defaults
	while [ $# -gt 0 ]; do
		opt=$1
		shift
		[ -n "${OPT_INDEX[$opt]+set}" ] || usage_error "unknown option '$opt'"
		i=${OPT_INDEX[$opt]}
		kind=${OPT_KINDS[i]}
		case "$kind" in
		help) usage; exit 0 ;;
		flag:*) printf -v "${OPT_VARS[i]}" '%s' "${kind#flag:}"; continue ;;
		esac
		[ $# -ge 1 ] || usage_error "$opt needs a value"
		val=$1
		shift
		option_value "$opt" "$kind" "$val"
		printf -v "${OPT_VARS[i]}" '%s' "$OPT_VALUE"
	done
}

# options_conf: the host's run.conf lines (NAME='value', for /bin/sh), of the options that have one.
options_conf() {
	local i v
	for i in "${!OPT_NAMES[@]}"; do
		[ "${OPT_CONFS[i]}" != - ] || continue
		v=${!OPT_VARS[i]}
		printf "%s='%s'\n" "${OPT_CONFS[i]}" "${v//\'/\'\\\'\'}"
	done
}

# options_settings: run.json's settings as "key=value ..." (scripts/collect-results.sh
# --settings; a space in a value is written %20).
options_settings() {
	local i v out=''
	for i in "${!OPT_NAMES[@]}"; do
		[ "${OPT_JSONS[i]}" != - ] || continue
		v=${!OPT_VARS[i]}
		out+="${out:+ }${OPT_JSONS[i]}=${v// /%20}"
	done
	printf '%s\n' "$out"
}

options_load
