#!/usr/bin/env bash
# run-host.sh's handling of bad input, without booting anything: usage errors exit 2 with a
# message naming the problem; missing packages exit 2 with what to install; an occupied or
# too small results directory exits 1 before any work is lost.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
passed=0 failed=0
tmp=$(mktemp -d)
trap 'umount "$tmp/small" 2>/dev/null || true; rm -rf "$tmp"' EXIT

expect() { # expect STATUS PATTERN -- ARGS...
	local want=$1 pattern=$2 got=0
	shift 3
	"$ROOT/run-host.sh" "$@" >"$tmp/out" 2>&1 || got=$?
	if [ "$got" = "$want" ] && grep -qzE -- "$pattern" "$tmp/out"; then
		echo "PASS run-host.sh $* -> $got"
		passed=$((passed + 1))
	else
		echo "FAIL run-host.sh $* -> $got (want $want and /$pattern/): $(head -c 300 "$tmp/out")"
		failed=$((failed + 1))
	fi
}

expect 0 '^Usage: ./run-host.sh' -- --help
expect 2 "unknown option '--bogus'" -- --bogus
expect 2 "--guests needs a whole number, got 'two'" -- --guests two
expect 2 "--guest-smp needs a positive integer, got '0'" -- --guest-smp 0
expect 2 "--host-cmd is empty" -- --host-cmd ''
expect 2 "--after-cmd is empty" -- --after-cmd ''
expect 2 "--after-cmd needs a value" -- --after-cmd
expect 2 "--guest-disk needs a positive integer, got '0'" -- --guest-disk 0
expect 2 "--guest-disk needs a positive integer, got '16M'" -- --guest-disk 16M
expect 2 "--guest-disk needs a value" -- --guest-disk
expect 2 "unknown option 'on'" -- --guest-net on
expect 2 "--guest-kernel: cannot read '/nonexistent/zImage'" -- --guest-kernel /nonexistent/zImage
expect 2 "--guests needs a value" -- --guests
expect 2 "--guest-arch is arm or arm64, not 'x86'" -- --guest-arch x86
expect 2 "--cpu is cortex-a57 or max, not 'a72'" -- --cpu a72
expect 2 "--timeout needs a positive integer, got '0'" -- --timeout 0
expect 2 "--guest-smp 4 exceeds the host's --smp 2" -- --guest-smp 4
expect 2 "--buffer-percent needs a whole number, got '-1'" -- --buffer-percent -1
expect 2 "--buffer-percent is at most 100, not 101" -- --buffer-percent 101
expect 2 "--hang-timeout needs a whole number, got '1m'" -- --hang-timeout 1m
expect 2 "--events takes SYSTEM" -- --events 'kvm;rm'
expect 2 "--outer-qemu: '/nonexistent/qemu' is not an executable file" -- --outer-qemu /nonexistent/qemu
expect 2 "--kernel is one of 6.1 6.12, not '5.4'" -- --kernel 5.4
expect 2 "--host-files: '/nonexistent/dir' is not a directory" -- --host-files /nonexistent/dir
expect 2 "--host-arch is arm64 or arm, not 'x86'" -- --host-arch x86
expect 2 "--host-arch arm runs no guest OS .*--guests 0" -- --host-arch arm
expect 2 "--host-arch arm: the vexpress-a15's device tree has 2 CPUs, not --smp 3" -- --host-arch arm --guests 0 --smp 3
expect 2 "--kernel chooses the arm64 host's kernel" -- --host-arch arm --guests 0 --kernel 6.12
expect 2 "--perf-kvm: the legacy 32-bit host has no perf" -- --host-arch arm --guests 0 --perf-kvm
expect 2 "--legacy-source is the source of --host-arch arm's kernel" -- --legacy-source /etc/hostname
expect 2 "--legacy-source: cannot read '/nonexistent/linux-5.4.1.tar.xz'" -- --legacy-source /nonexistent/linux-5.4.1.tar.xz
EXITLAB_LEGACY_SOURCE=/nonexistent/linux-5.4.1.tar.xz \
	expect 2 "linux-5.4.1.tar.xz does not exist: download linux-5.4.N.tar.xz from kernel.org" -- --host-arch arm --guests 0
expect 2 "--guest-machine is virt or vexpress-a15, not 'versatilepb'" -- --guest-machine versatilepb
expect 2 "--guest-machine vexpress-a15 runs 32-bit guests" -- --guest-machine vexpress-a15 --guest-arch arm64
expect 2 "its device tree has 2 CPUs, not --guest-smp 3" -- --guest-machine vexpress-a15 --guest-smp 3 --smp 4
expect 2 "boots Debian's kernel with its device tree" -- --guest-machine vexpress-a15 --guest-kernel /etc/hostname
expect 2 "--guest-files needs a value" -- --guest-files
expect 2 "--patches is one of none .* all for Linux 6.1, not 'most'" -- --patches most
EXITLAB_EXTRA_PACKAGES=exitlab-no-such-package \
	expect 2 'missing packages: exitlab-no-such-package.*install-deps.sh' -- --no-install
mkdir -p "$tmp/used"
touch "$tmp/used/run.json"
expect 1 "results directory .* exists and is not empty" -- --out "$tmp/used"
if [ "$(id -u)" = 0 ] && mkdir -p "$tmp/small" && mount -t tmpfs -o size=16m tmpfs "$tmp/small" 2>/dev/null; then
	expect 1 "not enough space for results in .*: need [0-9]+ MiB free, have [0-9]+ MiB" -- --out "$tmp/small/run"
else
	echo "(not root or no tmpfs: the no-space case is not checked here)"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
