#!/usr/bin/env bash
# benchmarks/multi-guest's driver with a stand-in for ./run-host.sh (tests/runner/fake-run-host.sh;
# no emulated host): GNU parallel runs every cell; a failing cell is recorded with its reason
# while the others finish; a re-run runs only the missing cell; --jobs 2 over `--sshlogin :`
# gives the same rows; a study interrupted (SIGINT) keeps its finished cells and resumes;
# a finished cell is never re-run with other settings.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MG=$ROOT/benchmarks/multi-guest
export MULTI_GUEST_RUN_HOST=$ROOT/tests/runner/fake-run-host.sh
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
csvq() { python3 -c 'import csv, sys; rows = list(csv.DictReader(open(sys.argv[1]))); print(eval(sys.argv[2]))' "$@"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2054 # the commas belong to the runner's lists
axes=(--study quick --trace off --arch arm64,arm --guests 1,2 --workloads cpu,hvc)
mapfile -t cells < <("$MG" expand "${axes[@]}" | grep -v '^#')
want_rows=0
for c in "${cells[@]}"; do g=${c##*-g}; want_rows=$((want_rows + ${g%%-*})); done
victim=${cells[2]}

st=0
FAKE_FAIL=/$victim/ "$MG" "${axes[@]}" --out "$tmp/s" >"$tmp/1.log" 2>&1 || st=$?
cat "$tmp/1.log"
check "a failed cell: the runner exits 1 (got $st)" test "$st" = 1
check "the failed cell is reported with run-host.sh's error" \
	grep -q "FAILED cell $victim: run-host.sh exited 1: qemu-system-aarch64 exited with status 137 (fake)" "$tmp/1.log"
check "the other cells finished: $((${#cells[@]} - 1))/${#cells[@]}" \
	grep -q "^multi-guest: $((${#cells[@]} - 1))/${#cells[@]} cells finished" "$tmp/1.log"
check "one progress line per cell, numbered, with ETA" \
	test "$(grep -cE "^cell [0-9]+/${#cells[@]} (arm|arm64) guests=[12] vcpus=1 (cpu|hvc) untraced repeat 1 … ETA " "$tmp/1.log")" = "${#cells[@]}"
check "GNU parallel's job log has every cell" test "$(tail -n +2 "$tmp/s/joblog.txt" | wc -l)" = "${#cells[@]}"
st=0
"$MG" "${axes[@]}" --out "$tmp/s" >"$tmp/2.log" 2>&1 || st=$?
check "the re-run exits 0 (got $st)" test "$st" = 0
check "the re-run runs only the failed cell" \
	test "$(grep -c ' … ETA' "$tmp/2.log")/$(grep -c "^cell ${#cells[@]}/${#cells[@]} $victim: ok" "$tmp/2.log")" = 1/1
check "the failed attempt is kept" test -s "$tmp/s/attempts/$victim.1/cell.json"
check "results.csv: $want_rows rows" test "$(csvq "$tmp/s/results.csv" 'len(rows)')" = "$want_rows"
check "untraced rows: traced=0, exits empty, kvm_exits from kvm-stats.json" \
	test "$(csvq "$tmp/s/results.csv" 'all(r["traced"] == "0" and r["exits"] == "" and r["kvm_exits"] for r in rows)')" = True
st=0
"$MG" "${axes[@]}" --out "$tmp/s" >"$tmp/3.log" 2>&1 || st=$?
check "a third run has nothing to do (exit $st)" grep -q "${#cells[@]} finished earlier, 0 to run" "$tmp/3.log"
st=0
"$MG" --study quick --trace off --arch arm64 --guests 1 --workloads cpu --repeats 1 --out "$tmp/s" -- --icount >"$tmp/4.log" 2>&1 || st=$?
check "a finished cell is not reused with other settings (exit $st)" \
	bash -c "[ $st = 2 ] && grep -q 'finished earlier with other settings' '$tmp/4.log'"

st=0
"$MG" "${axes[@]}" --out "$tmp/p" --jobs 2 --sshlogin : >"$tmp/p.log" 2>&1 || st=$?
check "--jobs 2 --sshlogin : runs every cell (exit $st)" test "$st" = 0
check "--jobs 2 gives the same rows" test \
	"$(csvq "$tmp/p/results.csv" '[(r["cell_id"], r["guest"], r["kvm_exits"], r["ops_per_s"]) for r in rows]')" = \
	"$(csvq "$tmp/s/results.csv" '[(r["cell_id"], r["guest"], r["kvm_exits"], r["ops_per_s"]) for r in rows]')"

# Interrupt a study whose cells take a while: finished cells stay, the rest run on resume.
FAKE_SLEEP=2 "$MG" "${axes[@]}" --out "$tmp/i" >"$tmp/i.log" 2>&1 &
runner=$!
for _ in $(seq 100); do
	[ "$(find "$tmp/i/cells" -name DONE 2>/dev/null | wc -l)" -ge 2 ] && break
	sleep 0.2
done
kill -INT "$runner"
st=0
wait "$runner" || st=$?
cat "$tmp/i.log"
done_n=$(find "$tmp/i/cells" -name DONE | wc -l)
check "SIGINT: the runner exits 130 (got $st)" test "$st" = 130
check "SIGINT: $done_n finished cells kept, not all" test "$done_n" -ge 2 -a "$done_n" -lt "${#cells[@]}"
alive=0
for f in "$tmp"/i/cells/*/run/fake.pid "$tmp"/i/attempts/*/run/fake.pid; do
	[ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && alive=$((alive + 1))
done
check "SIGINT: no run-host.sh left running ($alive)" test "$alive" = 0
st=0
"$MG" "${axes[@]}" --out "$tmp/i" >"$tmp/i2.log" 2>&1 || st=$?
check "after SIGINT the re-run finishes the rest (exit $st, $done_n skipped)" \
	bash -c "[ $st = 0 ] && grep -q '$done_n finished earlier, $((${#cells[@]} - done_n)) to run' '$tmp/i2.log'"
finish
