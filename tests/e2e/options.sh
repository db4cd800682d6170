#!/usr/bin/env bash
# run-host.sh's options table (images/run-host-options.sh) without booting anything: the
# settings it gives run.json are those run-host.sh always wrote (keys and values, defaults and
# given options), its run.conf is read back by the host's shell as written, and every
# run.conf variable the host's scripts read is one the table (or run-host.sh: DATE) writes.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
PROG=options.sh
# shellcheck source=images/run-host-options.sh
. "$ROOT/images/run-host-options.sh"
# What usage errors would call; never reached by the options below.
usage() { echo usage; }

# settings OPTIONS...: run.json's settings string after parsing OPTIONS, one key=value a line,
# sorted (run-host.sh settles mem and the kernel images after parsing: given here).
settings() {
	(
		options_parse "$@"
		[ -n "$mem" ] || mem=2048
		[ -n "$outer_qemu" ] || outer_qemu=/q/qemu-system-aarch64
		[ -n "$guest_kernel" ] || guest_kernel=/k/zImage
		options_settings
	) | tr ' ' '\n' | sort
}
# The settings run-host.sh wrote before its options were a table (its --settings string),
# and those of the options added since (buffer_percent, hang_timeout_s: the results stream;
# el2_log; host_arch, guest_machine: the legacy host and vexpress-a15 guests).
expected() {
	tr ' ' '\n' <<<"kernel=$1 patches=$2 guests=$3 guest_arch=$4 guest_smp=$5 guest_mem=$6 guest_disk_mb=$7 guest_net=$8 cpu=$9 smp=${10} mem=${11} outer_qemu=${12} icount=${13} guest_kernel=${14} trace=${15} guest_exit_stats=${16} buffer_kb=${17} timeout=${18} events=${19} perf_kvm=${20} buffer_percent=${21} hang_timeout_s=${22} el2_log=${23} host_arch=${24} guest_machine=${25}" | sort
}
check "run.json settings of the defaults" diff <(settings) \
	<(expected "$DEFAULT_KERNEL" all 1 arm 1 256 0 0 cortex-a57 2 2048 /q/qemu-system-aarch64 0 /k/zImage 1 1 20000 900 '' 0 1 300 0 arm64 virt)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf '#!/bin/sh\n' >"$dir/my qemu"
chmod +x "$dir/my qemu"
check "run.json settings of given options (a space in a path is %20)" diff \
	<(settings --kernel 6.12 --patches counter --guests 2 --guest-arch arm64 --guest-smp 2 --guest-mem 512 \
		--guest-disk 64 --guest-net --cpu max --smp 4 --mem 4096 --outer-qemu "$dir/my qemu" --icount \
		--guest-kernel debian --no-trace --no-guest-exit-stats --buffer-kb 100 --timeout 60 \
		--events sched:sched_switch --perf-kvm --guest-cmd 'echo hi' --host-cmd true --out x -v \
		--buffer-percent 10 --hang-timeout 0 --el2-log --host-arch arm --guest-machine vexpress-a15) \
	<(expected 6.12 counter 2 arm64 2 512 64 1 max 4 4096 "${dir// /%20}/my%20qemu" 1 debian 0 0 100 60 \
		sched:sched_switch 1 10 0 1 arm vexpress-a15)

# run.conf as the host's /bin/sh reads it: a value with a quote and a space comes back whole.
conf_back() {
	(
		options_parse --events 'kvm:*' --guests 3
		# shellcheck disable=SC2034 # read by options_conf through the table
		guest_arch="a'b c"
		options_conf
	) >"$dir/run.conf"
	sh -c '. "$1"; printf "%s|%s|%s\n" "$GUESTS" "$EVENTS" "$GUEST_ARCH"' sh "$dir/run.conf"
}
check "run.conf is read back as written" test "$(conf_back)" = "3|kvm:*|a'b c"

# The host's scripts read run.conf's variables (upper case, not assigned by the script itself);
# each must be one the table writes, or DATE (run-host.sh's own line).
written=$( (options_defaults; options_conf; echo DATE=) | sed 's/=.*//' | sort -u)
for f in "$ROOT/scripts/host/exitlab-study" "$ROOT/scripts/host/init"; do
	# shellcheck disable=SC2016 # the $ is grep's, not an expansion
	read_vars=$(grep -v '^[[:space:]]*#' "$f" | grep -o '\${\{0,1\}[A-Z][A-Z0-9_]*' | tr -d '${' | sort -u)
	own=$(grep -o '^[[:space:]]*\(export \)\{0,1\}[A-Z][A-Z0-9_]*=' "$f" | sed 's/export //; s/[[:space:]=]//g' | sort -u)
	missing=$(comm -23 <(comm -23 <(echo "$read_vars") <(echo "$own")) <(echo "$written") | paste -sd' ')
	check "${f#"$ROOT"/} reads only run.conf variables the table writes${missing:+ (not: $missing)}" test -z "$missing"
done
finish
