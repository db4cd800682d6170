#!/usr/bin/env bash
# ./run-host.sh --el2-log on an arm64 guest's boot: the outer QEMU's count of exceptions taken
# to EL2 (el2-exceptions.json) against the trace of the same run, exactly. On the nVHE host one
# vector table took only the host kernel's HVCs (its calls into EL2) and one the guest's exits;
# at the guest's, every class the trace has was taken exactly as often as kvm_exit recorded
# it, but two: a class the trace lacks is one the world switch handles itself (FP/SIMD and SVE
# register traps: KVM switches the registers at EL2 and returns to the guest, no kvm_exit), and
# the trace's IRQ exits are at least the IRQs taken (__guest_enter returns ARM_EXCEPTION_IRQ
# without entering the guest when an interrupt is already pending: arch/arm64/kvm/hyp/entry.S);
# the host called into EL2 at least once per guest entry (__kvm_vcpu_run).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
EXITSTAT=${EXITSTAT:-$BUILD_DIR/exitstat/exitstat}
out=$BUILD_DIR/test-runs/el2-log
rm -rf "$out"
status=0
"$ROOT/run-host.sh" --out "$out" --guests 1 --guest-arch arm64 --guest-cmd 'exitlab-workload boot' \
	--el2-log || status=$?
check "run-host.sh --el2-log exits 0 (status $status)" test "$status" = 0
json=$out/el2-exceptions.json
if ! jq -e .vectors "$json" >/dev/null 2>&1; then
	fail "el2-exceptions.json is there and is JSON ($json)"
	finish
	exit 1
fi
"$EXITSTAT" summary --json "$out/trace.dat" >"$out/summary.json" ||
	{ fail "exitstat summary on the run's trace"; finish; exit 1; }

python3 - "$json" "$out/summary.json" >"$out/el2-checks.txt" <<'PY' || fail "the comparison ran (python3 failed)"
import json, sys
el2, summary = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
# The exception classes KVM/arm64 6.1's nVHE world switch handles without returning to the
# host (arch/arm64/kvm/hyp/nvhe/switch.c hyp_exit_handlers: FP_ASIMD, SVE); the others it
# lists there (sysreg and CP15 for the vgic's CPU interface traps, IABT/DABT fault info, PAC,
# watchpoints) only where a trap or erratum applies, which does not here.
WORLD_SWITCH = {"0x07": "FP_ASIMD", "0x19": "SVE"}
roles = [v["role"] for v in el2["vectors"]]
print("PASS" if roles.count("guest") == 1 and roles.count("host") >= 1 else "FAIL",
      f"one vector table took the guest's exits, another only the host's HVCs: roles {roles}")
guest = next((v for v in el2["vectors"] if v["role"] == "guest"), {"kinds": []})
qemu = {}
for k in guest["kinds"]:
    key = k["esr_ec"] if k["exception"] == "sync" else k["exception"]
    qemu[key] = qemu.get(key, 0) + k["count"]
trace = {}
for c in summary["classes"]:
    if c["class"] == "ALL":
        continue
    key = c["esr_ec"] if c["ret"] == "TRAP" else c["ret"]
    trace[key] = trace.get(key, 0) + c["exits"]
for key in sorted(set(qemu) | set(trace)):
    q, t = qemu.get(key, 0), trace.get(key, 0)
    if key in WORLD_SWITCH:
        print("PASS" if t == 0 else "FAIL",
              f"{WORLD_SWITCH[key]} ({key}): {q} taken at EL2, {t} in the trace (the world switch handles them)")
    elif key == "IRQ":
        print("PASS" if t >= q > 0 else "FAIL",
              f"IRQ: {q} taken at EL2 <= {t} kvm_exit records ({t - q} entries deferred for a pending interrupt)")
    else:
        print("PASS" if q == t else "FAIL", f"{key}: {q} taken at EL2 == {t} kvm_exit records")
host = sum(k["count"] for v in el2["vectors"] if v["role"] == "host" for k in v["kinds"])
entries = summary["trace"]["kvm_entry_records"]
print("PASS" if host >= entries > 0 else "FAIL",
      f"the host called into EL2 {host} times, at least once per guest entry ({entries})")
PY
while read -r verdict what; do
	if [ "$verdict" = PASS ]; then pass "$what"; else fail "$what"; fi
done <"$out/el2-checks.txt"
finish
