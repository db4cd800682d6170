#!/usr/bin/env bash
# Unit test of scripts/scan-crashes.sh on sample consoles (tests/scan/consoles/): kernel oops,
# panic, BUG, WARNING, lockup and RCU stall excerpts in the formats arm, arm64 and x86
# kernels print them (plain console, printk timestamps, caller ids, syslog levels), each
# also with the CR LF line ends of a serial console; a clean console must not match; and
# the results-directory mode (what run-host.sh and collect-results.sh use).
# guest-armhf-panic.log is the console of this project's 32-bit guest from e2e-guest-crash;
# the other crash samples follow the kernels' message formats (kernel/panic.c, arch/*/traps.c,
# arch/*/mm/fault.c, kernel/watchdog.c, kernel/rcu/tree_stall.h).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SCAN=$ROOT/scripts/scan-crashes.sh
SAMPLES=$ROOT/tests/scan/consoles
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

# expect_first SAMPLE LINE: the first marker of SAMPLE is LINE (exit 1), with LF and CR LF.
expect_first() {
	local sample=$1 want=$2 f what got status
	sed 's/$/\r/' "$SAMPLES/$sample" >"$tmp/crlf.log"
	for f in "$SAMPLES/$sample" "$tmp/crlf.log"; do
		what=$sample
		[ "$f" = "$tmp/crlf.log" ] && what="$sample (CR LF)"
		status=0
		got=$("$SCAN" --first "$f") || status=$?
		if [ "$status" = 1 ] && [ "$got" = "$want" ]; then
			pass "$what: '$got'"
		else
			fail "$what: got '$got' (exit $status), want '$want' (exit 1)"
		fi
	done
}

expect_first armhf-oops-bug.log 'kernel BUG at kernel/sched/core.c:3155!'
expect_first armhf-null-deref.log 'Unable to handle kernel NULL pointer dereference at virtual address 00000010 when read'
expect_first armhf-bug-terse.log '[  108.197399] Kernel BUG at c057e374 [verbose debug info unavailable]'
expect_first arm64-paging-request.log '[   41.772014] Unable to handle kernel paging request at virtual address dead000000000108'
expect_first panic-kill-init.log 'Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b'
expect_first host-dmesg-warning.log 'WARNING: CPU: 1 PID: 305 at arch/arm64/kvm/arm.c:1017 kvm_arch_vcpu_ioctl_run+0x5c8/0x8a0'
expect_first warning-caller-id.log '[    3.141592][    T1] WARNING: CPU: 0 PID: 1 at mm/page_alloc.c:5534 __alloc_pages+0x2cc/0x340'
expect_first soft-lockup.log 'watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [busybox:87]'
expect_first hard-lockup.log '[  230.001544] NMI watchdog: Watchdog detected hard LOCKUP on cpu 1'
expect_first rcu-stall.log 'rcu: INFO: rcu_sched detected stalls on CPUs/tasks:'
expect_first rcu-self-detected.log '<3>[   77.120455] rcu: INFO: rcu_preempt self-detected stall on CPU'
expect_first x86-null-deref.log '<1>[   11.026443] BUG: kernel NULL pointer dereference, address: 0000000000000000'
expect_first oops-only.log '<4>[    5.123456] Oops: 0002 [#1] SMP'
expect_first guest-armhf-panic.log 'Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b'
expect_first sleeping-in-atomic.log 'BUG: sleeping function called from invalid context at kernel/locking/mutex.c:580'

# Every sample but the clean one is a crash: none left without an expectation above.
for f in "$SAMPLES"/*.log; do
	s=$(basename "$f")
	[ "$s" = clean.log ] && continue
	grep -q "^expect_first $s " "$0" || fail "$s has no expectation in $0"
done

check_clean() {
	local got status=0
	got=$("$SCAN" --first "$1") || status=$?
	if [ "$status" = 0 ] && [ -z "$got" ]; then pass "$2: no marker"; else fail "$2: matched '$got' (exit $status)"; fi
}
check_clean "$SAMPLES/clean.log" clean.log
sed 's/$/\r/' "$SAMPLES/clean.log" >"$tmp/clean-crlf.log"
check_clean "$tmp/clean-crlf.log" "clean.log (CR LF)"
check_clean /dev/null "an empty console"
check_clean "$tmp/no-such-file" "a missing console"

# --first takes the first file that has a marker, in the order given.
got=$("$SCAN" --first "$tmp/no-such-file" "$SAMPLES/clean.log" "$SAMPLES/soft-lockup.log" \
	"$SAMPLES/rcu-stall.log") || true
if [ "$got" = 'watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [busybox:87]' ]; then
	pass "--first FILE...: the first file with a marker wins"
else
	fail "--first FILE...: got '$got'"
fi

# Results directory mode: guests in numeric order, then the host (dmesg before console).
run=$tmp/run
mkdir -p "$run"/guest{0,1,2,10}
cp "$SAMPLES/clean.log" "$run/guest0/console.log"
sed 's/$/\r/' "$SAMPLES/armhf-oops-bug.log" >"$run/guest1/console.log"
cp "$SAMPLES/panic-kill-init.log" "$run/guest10/console.log"
printf 'exitlab-host: guests-started\r\nKernel panic - not syncing: Fatal exception\r\n' >"$run/host-console.log"
cp "$SAMPLES/host-dmesg-warning.log" "$run/host-dmesg.log"
status=0
"$SCAN" "$run" >"$tmp/out" || status=$?
cat >"$tmp/want" <<'EOF'
guest1: crashed: kernel BUG at kernel/sched/core.c:3155!
guest10: crashed: Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b
host: crashed: WARNING: CPU: 1 PID: 305 at arch/arm64/kvm/arm.c:1017 kvm_arch_vcpu_ioctl_run+0x5c8/0x8a0
EOF
if [ "$status" = 1 ] && cmp -s "$tmp/want" "$tmp/out"; then
	pass "results directory: crashed guests and host, first marker each (exit 1)"
else
	fail "results directory: exit $status, got: $(cat "$tmp/out")"
fi
rm "$run/host-dmesg.log"
status=0
"$SCAN" "$run" >"$tmp/out" || status=$?
if [ "$status" = 1 ] && grep -qx 'host: crashed: Kernel panic - not syncing: Fatal exception' "$tmp/out"; then
	pass "results directory: a host without host-dmesg.log is scanned on its console"
else
	fail "results directory without host-dmesg.log: exit $status, got: $(cat "$tmp/out")"
fi
rm -r "$run/guest1" "$run/guest10"
cp "$SAMPLES/clean.log" "$run/host-console.log"
status=0
"$SCAN" "$run" >"$tmp/out" || status=$?
if [ "$status" = 0 ] && [ ! -s "$tmp/out" ]; then pass "clean results directory: nothing (exit 0)"; else fail "clean results directory: exit $status, got: $(cat "$tmp/out")"; fi

status=0
"$SCAN" "$tmp/no-such-dir" 2>"$tmp/err" || status=$?
if [ "$status" = 2 ] && grep -q "^scan-crashes: $tmp/no-such-dir: no such directory$" "$tmp/err"; then
	pass "missing directory: exit 2 with a message"
else
	fail "missing directory: exit $status, $(cat "$tmp/err")"
fi
status=0
"$SCAN" >/dev/null 2>&1 || status=$?
if [ "$status" = 2 ]; then pass "no argument: exit 2"; else fail "no argument: exit $status"; fi
n=$("$SCAN" --patterns | wc -l)
if [ "$n" -ge 10 ]; then pass "--patterns lists the $n markers"; else fail "--patterns lists $n markers"; fi

finish
