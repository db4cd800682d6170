#!/usr/bin/env bash
# benchmarks/multi-guest's study files and flags, without booting anything: the shipped
# studies parse and expand to the product of their axes; every kind of bad line exits 2 with
# FILE:LINE and the problem; flags override any axis and bad ones exit 2 naming the flag.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MG=$ROOT/benchmarks/multi-guest
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A study file's list (comma separated) on KEY, one value per line; DEFAULT if absent.
values() { # values FILE KEY DEFAULT
	local v
	v=$(sed -n "s/^$2[[:space:]]*=[[:space:]]*//p" "$1" | sed 's/[[:space:]]*#.*//')
	tr ',' '\n' <<<"${v:-$3}" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//' | grep -v '^$'
}
for f in "$ROOT"/benchmarks/studies/*.study; do
	name=$(basename "$f" .study)
	if ! "$MG" expand --study "$name" >"$tmp/cells" 2>"$tmp/err"; then
		fail "study $name: expand failed: $(cat "$tmp/err")"
		continue
	fi
	# The product of the axes, less the ipi cells with fewer than 2 vcpus.
	n=1
	for k in arch guests trace cpu; do n=$((n * $(values "$f" "$k" "$(case $k in trace) echo on ;; cpu) echo cortex-a57 ;; esac)" | wc -l))); done
	repeats=$(values "$f" repeats 1)
	per=0
	while read -r wl; do
		while read -r v; do
			[ "$wl" = ipi ] && [ "$v" -lt 2 ] && continue
			per=$((per + 1))
		done < <(values "$f" vcpus 1)
	done < <(values "$f" workloads '')
	want=$((n * per * repeats))
	got=$(grep -vc '^#' "$tmp/cells" || true)
	if [ "$got" = "$want" ]; then pass "study $name expands to $got cells (the product of its axes)"; else fail "study $name: $got cells, want $want"; fi
	dups=$(grep -v '^#' "$tmp/cells" | sort | uniq -d | wc -l)
	if [ "$dups" = 0 ]; then pass "study $name: cell ids are unique"; else fail "study $name: $dups duplicate cell ids"; fi
done

# expect_file LINE PATTERN CONTENT: the file is refused (exit 2) with "FILE:LINE: ...PATTERN".
case_n=0
expect_file() {
	local line=$1 pattern=$2 content=$3 st=0
	case_n=$((case_n + 1))
	local f=$tmp/case$case_n.study
	printf '%b' "$content" >"$f"
	"$MG" expand --study "$f" >"$tmp/out" 2>&1 || st=$?
	if [ "$st" = 2 ] && grep -qF -- "$f:$line: " "$tmp/out" && grep -qE -- "$pattern" "$tmp/out"; then
		pass "bad study ($pattern) -> exit 2 naming $(basename "$f"):$line"
	else
		fail "bad study ($pattern): exit $st, want 2 and '$f:$line: ...$pattern': $(cat "$tmp/out")"
	fi
}
H='[study]\narch = arm\nguests = 1\n'
expect_file 5 "unknown key 'bogus'" "${H}workloads = cpu\nbogus = 1\n"
expect_file 3 "guests: 'x' is not a whole number" '# c\n[study]\nguests = 1,x\narch = arm\nworkloads = cpu\n'
expect_file 1 "'arch' before any \\[study\\] section" 'arch = arm\n'
expect_file 1 "\\[study\\] has no 'workloads' line" "$H"
expect_file 6 "ops: '0' is not a whole number" "${H}workloads = cpu\n[workload cpu]\nops = 0\n"
expect_file 5 "expected 'key = value'" "${H}workloads = cpu\nthis is junk\n"
expect_file 5 "vcpus .*'3' is not a whole number 1..2" "${H}workloads = cpu\nvcpus = 3\n"
expect_file 4 'arch given twice \(first on line 2\)' "${H}arch = arm64\nworkloads = cpu\n"
expect_file 5 "unknown section '\\[results\\]'" "${H}workloads = cpu\n[results]\n"
expect_file 4 "arch: 'x86' is not one of arm, arm64" '[study]\nguests = 1\nworkloads = cpu\narch = arm, x86\n'
expect_file 4 "unknown workload 'fft'" "${H}workloads = fft\n"
expect_file 4 "trace: 'maybe' is not on or off" "${H}trace = maybe\nworkloads = cpu\n"
expect_file 4 "a value is listed twice" "${H}workloads = cpu, cpu\n"
expect_file 4 'empty value' "${H}workloads = cpu,,hvc\n"
expect_file 4 "cpu: 'a72' is not one of" "${H}cpu = a72\nworkloads = cpu\n"
expect_file 4 'repeats' "${H}repeats = 0\nworkloads = cpu\n"
expect_file 5 "a second \\[study\\] section" "${H}workloads = cpu\n[study]\n"
expect_file 5 "unknown workload 'nope'" "${H}workloads = cpu\n[workload nope]\n"
expect_file 6 "unknown key 'args'" "${H}workloads = cpu\n[workload cpu]\nargs = 1\n"
expect_file 4 'workloads has no value' "${H}workloads =\n"
expect_file 1 'no \[study\] section' ''

# Flags override the study's axes; bad flags exit 2 naming the flag.
expect_flags() { # expect_flags STATUS PATTERN ARGS...
	local want=$1 pattern=$2 st=0
	shift 2
	"$MG" "$@" >"$tmp/out" 2>&1 || st=$?
	if [ "$st" = "$want" ] && grep -qE -- "$pattern" "$tmp/out"; then
		pass "multi-guest $* -> $st"
	else
		fail "multi-guest $* -> $st (want $want and /$pattern/): $(head -c 300 "$tmp/out")"
	fi
}
expect_flags 0 '^Usage: benchmarks/multi-guest' --help
expect_flags 0 '^arm64-max-v2-ipi-untraced-g4-r3$' expand --study quick --arch arm64 --cpu max --vcpus 2 \
	--workloads ipi --trace off --guests 4 --repeats 3
n=$("$MG" expand --study quick --guests 1,2,4 --arch arm --workloads cpu,hvc,mem --trace on,off --repeats 2 | grep -vc '^#')
if [ "$n" = $((3 * 1 * 3 * 2 * 2)) ]; then pass "overrides multiply out ($n cells)"; else fail "overrides: $n cells"; fi
expect_flags 0 '# left out: ipi with vcpus=1 \(needs 2\)' expand --study quick --workloads ipi,cpu
expect_flags 2 "--guests: guests: '0' is not a whole number" expand --study quick --guests 0
expect_flags 2 "--arch: arch: 'x86'" expand --study quick --arch arm,x86
expect_flags 2 "--workloads: workloads: unknown workload 'disk'" expand --study quick --workloads net,disk
expect_flags 2 "--repeats: repeats: 'two'" expand --study quick --repeats two
expect_flags 2 "--trace: trace: 'yes' is not on or off" expand --study quick --trace yes
expect_flags 2 "--study: no study 'nope' \\(known: .*quick" expand --study nope
expect_flags 2 'unrecognized arguments: --bogus' --study quick --out "$tmp/o" --bogus
expect_flags 2 '--out DIR is required' --study quick
expect_flags 2 '--study NAME\|FILE is required' --out "$tmp/o"
expect_flags 2 "--jobs: '0' is not a whole number" --study quick --out "$tmp/o" --jobs 0
expect_flags 2 "cannot read the study" expand --study "$tmp/missing.study"
expect_flags 0 '^cell 1/2 arm-cortex-a57-v1-cpu-traced-g1-r1: exitlab-workload cpu --ops [0-9]+' \
	--study quick --out "$tmp/o" --dry-run --arch arm --workloads cpu
# io and net cells get their device (a disk that holds the work, a NIC); the others none.
expect_flags 0 'cpu-traced-g1-r1: exitlab-workload cpu --ops [0-9]+ \(arm ' \
	--study quick --out "$tmp/o" --dry-run --arch arm --workloads cpu,io,net
expect_flags 0 'io-traced-g1-r1: exitlab-workload io \(run-host.sh --guest-disk 16\) \(arm ' \
	--study quick --out "$tmp/o" --dry-run --arch arm --workloads cpu,io,net
expect_flags 0 'net-traced-g1-r1: exitlab-workload net \(run-host.sh --guest-net\) \(arm ' \
	--study quick --out "$tmp/o" --dry-run --arch arm --workloads cpu,io,net
printf '%b' "${H}workloads = io\n[workload io]\nops = 10000\n" >"$tmp/big-io.study"
expect_flags 0 'exitlab-workload io --ops 10000 \(run-host.sh --guest-disk 40\)' \
	--study "$tmp/big-io.study" --out "$tmp/o" --dry-run
expect_flags 2 "-- --guest-disk: the study sets it" --study quick --out "$tmp/o" -- --guest-disk 64
if [ ! -e "$tmp/o" ]; then pass "--dry-run creates nothing"; else fail "--dry-run created $tmp/o"; fi
finish
