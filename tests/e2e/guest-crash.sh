#!/usr/bin/env bash
# A guest whose kernel crashes on purpose: run-host.sh must exit 1 with a message naming the
# guest and the kernel's crash line, record it in errors.txt and run.json (status "crashed",
# the VM's own end kept as qemu_status), and keep the results (trace, console, statistics).
#
# The guest kernel has no CONFIG_MAGIC_SYSRQ (kernel-patches/6.1/guest-armhf.config), so no
# `echo c > /proc/sysrq-trigger`. Instead the workload overwrites the stack of init (PID 1,
# the guest's busybox sh script, waiting for the workload) with zeros through /proc/1/mem:
# when the workload ends, init returns into the zeroed stack, dies of a fault, and the
# kernel panics ("Kernel panic - not syncing: Attempted to kill init!"). With panic=-1 the
# guest resets, which QEMU's -no-reboot turns into a power-off: to QEMU it ended cleanly.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
out=$BUILD_DIR/test-runs/guest-crash
rm -rf "$out" "$out.log"
mkdir -p "$(dirname "$out")"
json() { jq -e "$@" "$out/run.json" >/dev/null; } # json [JQ_OPTIONS] FILTER: FILTER holds

# shellcheck disable=SC2016 # expanded by the guest's shell, not here
crash_cmd='set -- $(sed -n "s/^\([0-9a-f]*\)-\([0-9a-f]*\) .*\[stack\]$/\1 \2/p" /proc/1/maps) &&
echo "exitlab-test: zeroing the stack of init, $1-$2" &&
dd if=/dev/zero of=/proc/1/mem bs=4096 seek=$((0x$1 / 4096)) count=$(((0x$2 - 0x$1) / 4096)) conv=notrunc'
status=0
"$ROOT/run-host.sh" --out "$out" --timeout 600 --guest-cmd "$crash_cmd" >"$out.log" 2>&1 || status=$?
cat "$out.log"
panic='Kernel panic - not syncing: Attempted to kill init! exitcode=0x[0-9a-f]{8}'
check "run-host.sh exits 1 (got $status)" test "$status" = 1
check "run-host.sh names the guest and its crash line" \
	grep -qE "^run-host\.sh: ERROR: guest0 crashed: $panic$" "$out.log"
check "errors.txt has the crash" grep -qE "^guest0: crashed: $panic$" "$out/errors.txt"
# shellcheck disable=SC2016 # $re is jq's variable
check "run.json: guest0 crashed, with its crash line" \
	json --arg re "^$panic$" '.guests[0] | .status == "crashed" and (.crash_line | test($re))'
check "run.json: how the VM ended is kept (qemu_status shutdown: the reset looked like a power-off)" \
	json '.guests[0].qemu_status == "shutdown"'
line=$(jq -r '.guests[0].crash_line' "$out/run.json" 2>/dev/null || true)
same_line() {
	[ -n "$line" ] && grep -qxF -- "run-host.sh: ERROR: guest0 crashed: $line" "$out.log" &&
		grep -qxF -- "guest0: crashed: $line" "$out/errors.txt"
}
check "terminal, errors.txt and run.json give the same line" same_line
check "the guest's console kept: the workload ran, then the panic" \
	bash -c "grep -q '^exitlab-test: zeroing the stack of init' '$out/guest0/console.log' &&
		grep -qE '^$panic' <(tr -d '\r' <'$out/guest0/console.log')"
check "the workload never reported finishing" \
	bash -c "! grep -q 'exitlab-guest: workload finished' '$out/guest0/console.log'"
check "the host itself did not crash" json '.host_status == "0" and .host_crash_line == null'
# The rest of the results is complete and consistent: trace, per-vcpu counters, statistics.
if "$ROOT/tests/e2e/check-results.sh" --expect-crash "$out" >"$out.check" 2>&1; then
	pass "check-results.sh --expect-crash ($(tail -n1 "$out.check"))"
else
	cat "$out.check"
	fail "check-results.sh --expect-crash"
fi
finish
