#!/usr/bin/env bash
# Every exit-cost microbenchmark runs in the emulated host (one boot, --icount, both vcpu
# architectures, all types, small N) and causes exactly the exits it claims: the program's own
# check (its status; a FAIL line per mismatch) and, independently, its JSON against this
# script's table of KVM counters per operation (e.g. N hypercalls -> N hvc_exit_stat, N exits
# beyond the ones host interrupts explain; every other counter unmoved).
#   tests/e2e/exit-cost-counts.sh [-n N] [--runs R]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
n=50 runs=2
while [ $# -gt 0 ]; do
	case "$1" in
	-n) n=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	*) echo "Usage: tests/e2e/exit-cost-counts.sh [-n N] [--runs R]" >&2; exit 2 ;;
	esac
done
out=$BUILD_DIR/test-runs/exit-cost-counts
rm -rf "$out"
status=0
# Then a batch that cannot end in time (5 waits of 1 s, a 1 s watchdog): the program must fail
# it with where its guest waits, not hang.
"$ROOT/run-host.sh" --out "$out" --guests 0 --icount \
	--host-cmd "exit-cost -n $n --runs $runs --json >/results/exit-cost-program.json; s=\$?;
		exit-cost -n 5 --runs 1 --types wfi --arch aarch64 --wfi-wait-ns 1000000000 \
			--batch-timeout 1 2>/results/watchdog.log; echo \$? >/results/watchdog.status;
		exit \$s" || status=$?
cat "$out/host-cmd.log" 2>/dev/null || true
check "run-host.sh ran the host command (status $status)" test "$status" = 0
check "exit-cost found every count exact (its status $(cat "$out/host-cmd.status" 2>/dev/null))" \
	test "$(cat "$out/host-cmd.status" 2>/dev/null)" = 0
json=$out/exit-cost-program.json
if ! jq -e . "$json" >/dev/null 2>&1; then
	fail "exit-cost wrote its JSON ($json)"
	finish
	exit 1
fi

# The independent table: KVM counters per operation, all vcpus summed; `exits` may exceed its
# figure by the extra exits the program reports (host interrupts), nothing else may differ.
verdicts=$out/json-checks.txt
python3 - "$json" "$n" "$runs" >"$verdicts" <<'PY' || fail "the JSON check ran (python3 failed)"
import json, sys
data, n, runs = json.load(open(sys.argv[1])), int(sys.argv[2]), int(sys.argv[3])
want = {
    "hvc": {"exits": 1, "hvc_exit_stat": 1},
    "mmio_user": {"exits": 1, "mmio_exit_user": 1},
    "mmio_kernel": {"exits": 1, "mmio_exit_kernel": 1},
    "sysreg": {"exits": 1},
    "wfi": {"exits": 1, "wfi_exit_stat": 1, "halt_wakeup": 1},
    "ipi": {"exits": 2},
    "virq": {"exits": 1},
    "s2fault": {"exits": 1},
}
ops = n * runs
print("PASS" if list(data["exits"]) == list(want) else "FAIL",
      f"the JSON has every type, in order: {list(data['exits'])}")
print("PASS" if data["iterations"] == n and data["runs"] == runs else "FAIL",
      f"iterations {data['iterations']}, runs {data['runs']}")
for t, stats in want.items():
    for arch in ("aarch64", "aarch32"):
        r = data["exits"].get(t, {}).get(arch, {})
        if "kvm_exits_per_op" not in r:
            print("FAIL", f"{t} {arch}: no result ({r.get('skipped', 'missing')})")
            continue
        per_op, extra = r["kvm_exits_per_op"], sum(r["extra_exits_per_run"])
        # wfi's kept disturbed runs: operations that did not wait (no trap, no wake-up; an
        # exit fewer at most each)
        dist = sum(r.get("disturbed_ops_per_run", [])) if t == "wfi" else 0
        bad = []
        for s, v in per_op.items():
            expect = stats.get(s, 0) + (extra / ops if s == "exits" else 0)
            got, want = round(v * ops), round(expect * ops)
            ok_v = (want - dist <= got <= want if s == "exits" else
                    got == want - dist if s in ("wfi_exit_stat", "halt_wakeup") else got == want)
            if not ok_v:
                bad.append(f"{s} {v} per op, expected {expect}")
        ok = not bad and stats.keys() <= per_op.keys() and r["exact_counts"] is True
        print("PASS" if ok else "FAIL",
              f"{t} {arch}: {n} operations x {runs} runs moved KVM's counters exactly by "
              f"{stats} per operation (+{extra} exits from host interrupts"
              + (f"; {dist} operations did not wait" if dist else "") + ")"
              + (f": {'; '.join(bad)}" if bad else ""))
        ns = r["ns"]
        print("PASS" if len(ns) == runs and all(x > 0 for x in ns) and r["min_ns"] <= r["median_ns"] <= r["max_ns"]
              else "FAIL", f"{t} {arch}: {runs} positive per-run figures, median {r['median_ns']} ns")
PY
check "a batch past --batch-timeout fails (status $(cat "$out/watchdog.status" 2>/dev/null))" \
	test "$(cat "$out/watchdog.status" 2>/dev/null)" = 1
check "... and says where its guest waits: $(grep -o 'did not end.*' "$out/watchdog.log" 2>/dev/null)" \
	grep -q "wfi aarch64: a batch of 5 did not end within 1 s (--batch-timeout): vcpu 0 at guest PC 0x[0-9a-f]*, [0-9]* interrupts acknowledged" "$out/watchdog.log"

while read -r verdict what; do
	if [ "$verdict" = PASS ]; then pass "$what"; else fail "$what"; fi
done <"$verdicts"
finish
