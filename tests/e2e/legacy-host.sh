#!/usr/bin/env bash
# The legacy 32-bit KVM host (./run-host.sh --host-arch arm, issue 15): Linux 5.4 with
# kernel-patches/5.4 on a simulated vexpress-a15 enters Hyp mode and initialises KVM; a traced
# bare-vcpu program (tests/host/hvc-count: 2 AArch32 vcpus, 500 in-kernel hypercalls each, then
# one MMIO store) runs in it; the trace, read as `trace-cmd report -N` text, has per vcpu an
# EXIT counter that starts at 1 and never skips, exactly the hypercalls and MMIO exits the
# program caused, and last counters that add up to KVM's own exits statistic (debugfs, which
# counts the host's interrupts and stage-2 faults too); exitstat agrees on the same file. In the
# same traced boot, exit-cost's types that run on that host (AArch32: hvc, mmio_user,
# mmio_kernel, s2fault, and wfi, ipi, virq on its vgic-v2) each pass its exact-count check, and
# it says why sysreg does not; and tests/host/exit-stats-abi checks the guest exit-statistics
# calls (5.4/0003, 0004) from AArch32 vcpus against KVM's debugfs statistics, saying why its
# AArch64 callers are skipped.
# SKIP without the Linux 5.4 source (../shared/legacy beside the clone, or
# EXITLAB_LEGACY_SOURCE): README, "The legacy 32-bit host".
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
EXITSTAT=${EXITSTAT:-$BUILD_DIR/exitstat/exitstat}
VCPUS=2 HVCS=500

select_kernel "$LEGACY_KERNEL"
if ! kernel_source_version >/dev/null; then
	echo "SKIP e2e-legacy-host ($(kernel_source_missing))"
	exit 77
fi
kernel=$("$ROOT/images/build-legacy-kernel.sh") || { fail "images/build-legacy-kernel.sh"; finish; exit 1; }
programs=$BUILD_DIR/host-tests-armhf
make -s -C "$ROOT/tests/host" legacy BUILD="$BUILD_DIR/host-tests" LEGACY_UAPI="$(dirname "$kernel")/uapi" ||
	{ fail "building tests/host's legacy programs"; finish; exit 1; }
make -s -C "$ROOT" exitstat || { fail "make exitstat"; finish; exit 1; }

out=$BUILD_DIR/test-runs/legacy-host
rm -rf "$out"
status=0
# wfi's timer 20 ms ahead (not 0.2): without -icount the host's clock is the outer machine's
# real time, and a loaded machine descheduling the emulator between the guest's timer setting
# and its WFI made operations that did not wait (disturbed runs, retried).
"$ROOT/run-host.sh" --out "$out" --host-arch arm --guests 0 --host-files "$programs" \
	--host-cmd "hvc-count --vcpus $VCPUS --hvcs $HVCS &&
		exit-cost -n 200 --runs 2 --arch aarch32 --wfi-wait-ns 20000000 && exit-stats-abi" || status=$?
check "run-host.sh --host-arch arm exits 0 (status $status)" test "$status" = 0
check "the host entered Hyp mode on every CPU" grep -q 'CPU: All CPU(s) started in HYP mode' "$out/host-dmesg.log"
check "KVM initialised in Hyp mode" grep -q 'kvm \[1\]: Hyp mode initialized successfully' "$out/host-dmesg.log"
check_quiet "run.json: host_arch arm, Linux 5.4 with the series" \
	jq -e '.settings.host_arch == "arm" and (.host_kernel.release | startswith("5.4.")) and
		(.host_kernel.patches | length) > 0' "$out/run.json"
json=$(grep '^{"host_arch"' "$out/host-cmd.log" || true)
if ! jq -e .kvm.exits <<<"$json" >/dev/null 2>&1; then
	fail "hvc-count printed its JSON (host-cmd.log: $(head -c 300 "$out/host-cmd.log" 2>/dev/null))"
	finish
	exit 1
fi
pass "hvc-count: $json"

# The independent count: the report's text, field by field (HVC 0x12, DABT 0x24).
trace_vcpu_counts "$out/trace.dat" "$(jq .vm_pid <<<"$json")" 0x0012 0x0024 >"$out/report-counts.txt"
exits=$(jq .kvm.exits <<<"$json")
check "the trace has $VCPUS vcpus of the VM" test "$(wc -l <"$out/report-counts.txt")" = "$VCPUS"
sum=0
while read -r v first last n gaps hvc dabt; do
	check "vcpu $v: the EXIT counter starts at 1, never skips ($n records, last $last, $gaps gaps)" \
		test "$first $gaps $n" = "1 0 $last"
	check "vcpu $v: $hvc HVC exits (the program made $HVCS), $dabt data aborts (its 1 MMIO store)" \
		test "$hvc $dabt" = "$HVCS 1"
	sum=$((sum + last))
done <"$out/report-counts.txt"
check "the last counters add up to KVM's exits statistic ($sum, KVM: $exits)" test "$sum" = "$exits"
# shellcheck disable=SC2016 # $n and $v are jq variables
check_quiet "KVM counted the program's hypercalls and MMIO exits" \
	jq -e --argjson n $((VCPUS * HVCS)) --argjson v "$VCPUS" \
		'.kvm.hvc_exit_stat == $n and .kvm.mmio_exit_user == $v' <<<"$json"

# exitstat on the same 32-bit host trace (hvc-count's VM): its ret numbering (HVC,
# DATA_ABORT, ...) read from the trace's own format.
if "$EXITSTAT" summary --json --pid "$(jq .vm_pid <<<"$json")" "$out/trace.dat" >"$out/summary.json"; then
	# shellcheck disable=SC2016 # $e and $n are jq variables
	check_quiet "exitstat: $exits exits, $((VCPUS * HVCS)) HVC32, no unknown ret code" \
		jq -e --argjson e "$exits" --argjson n $((VCPUS * HVCS)) '
			([.classes[] | select(.class == "ALL")][0].exits == $e) and
			([.classes[] | select(.class == "HVC32")][0].exits == $n) and
			([.classes[] | select(.class == "OTHER_RET")] | length == 0)' "$out/summary.json"
else
	fail "exitstat summary on the legacy host's trace"
fi

# exit-cost in the traced legacy host: the types it runs pass, the others say why not.
for t in hvc mmio_user mmio_kernel wfi ipi virq s2fault; do
	check "exit-cost $t aarch32: KVM's counters moved exactly as claimed (traced)" \
		grep -q "^PASS $t aarch32: KVM's counters moved exactly as claimed" "$out/host-cmd.log"
done
check "exit-cost sysreg aarch32: skipped, saying why (no HCR.TID3)" \
	grep -q '^sysreg  *aarch32  skipped: ID_MMFR0 is not trapped' "$out/host-cmd.log"

# exit-stats-abi, after exit-cost: AArch32 callers only, its snapshot compared per VM.
abi=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out/host-cmd.log" | tail -n 1 || true)
check "exit-stats-abi: nothing failed ($abi)" grep -qE '^[1-9][0-9]* passed, 0 failed$' <<<"$abi"
check "exit-stats-abi: the AArch32 snapshot was taken and read" \
	grep -q '^PASS aarch32 snapshot: snapshot -> 0' "$out/host-cmd.log"
for c in aarch64 'aarch64 snapshot'; do
	check "exit-stats-abi: $c skipped, saying why (AArch32 vcpus only)" \
		grep -q "^SKIP $c: .*AArch32 vcpus only" "$out/host-cmd.log"
done
grep -E '^(FAIL|SKIP|NOTE) ' "$out/host-cmd.log" | sed 's/^/  host-cmd.log: /' || true
finish
