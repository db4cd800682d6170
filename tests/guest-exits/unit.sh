#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# guest-exits unit tests, natively, on fake /sys/hypervisor/exits trees made
# in a temporary directory: table and JSON output, classes discovered rather
# than assumed, --run (the command edits the fake files to simulate exits),
# --watch, the measurement overhead (an LD_PRELOAD shim, fake-hvc.c, makes
# every read of a value file count one HVC exit, as the real driver does),
# absent root, --probe, bad values and usage errors.
#
# Usage: tests/guest-exits/unit.sh [PATH-TO-NATIVE-GUEST-EXITS]
# (default: builds build/guest-exits/native/guest-exits). Last line:
# "N passed, N failed"; exit 0 if none failed.

# The checks pass code in single quotes to 'check NAME eval CODE', run later.
# shellcheck disable=SC2016
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$repo/tests/lib.sh"
prog=${1:-}
if [ -z "$prog" ]; then
	prog=$BUILD_DIR/guest-exits/native/guest-exits
	make -s -C "$repo/tools/guest-exits" native || { echo "FAIL build"; echo "0 passed, 1 failed"; exit 1; }
fi
tmp=$(mktemp -d /tmp/guest-exits-unit.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# A failure also shows the program's output.
fail() {
	echo "FAIL $1"
	failed=$((failed + 1))
	for f in "$tmp/out" "$tmp/err"; do
		[ -s "$f" ] && sed "s|^|    $(basename "$f"): |" "$f" | head -40
	done
	return 0
}
skip() { echo "SKIP $1"; }

# run ARGS...: the program's stdout, stderr and status in $tmp/out, $tmp/err, $rc
rc=0
run() {
	rc=0
	"$prog" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
}

# Text lines with runs of blanks squeezed, for exact row comparisons.
squeeze() { tr -s ' ' <"$1" | sed 's/^ //'; }
has_line() { squeeze "$1" | grep -qxF -- "$2"; }

json_valid() {
	if command -v jq >/dev/null; then
		jq -e . "$1" >/dev/null 2>&1
	else
		python3 -m json.tool "$1" >/dev/null 2>&1
	fi
}

# jassert FILE PYEXPR: PYEXPR (over j, the parsed object) must be true.
have_py=0
command -v python3 >/dev/null && have_py=1
jassert() {
	python3 -c 'import json,sys
j = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2"
}


# node DIR COUNT TIME_NS TICKS [ID]
node() {
	mkdir -p "$1"
	echo "$2" >"$1/count"
	echo "$3" >"$1/time_ns"
	echo "$4" >"$1/time_ticks"
	if [ $# -ge 5 ]; then echo "$5" >"$1/id"; fi
}

# A 32-bit guest with two vcpus: 45 value files.
make_std() {
	local r=$1
	rm -rf "$r"
	node "$r" 1000 5000000 312500
	echo 62500000 >"$r/counter_hz"
	node "$r/DABT_LOW" 500 2500000 156250 0x24
	node "$r/HVC32" 300 900000 56250 0x12
	node "$r/IRQ" 200 1600000 100000 0x40
	node "$r/WFx" 0 0 0 0x01
	node "$r/cpu0" 600 3000000 187500
	node "$r/cpu0/DABT_LOW" 300 1500000 93750
	node "$r/cpu0/HVC32" 200 600000 37500
	node "$r/cpu0/IRQ" 100 900000 56250
	node "$r/cpu0/WFx" 0 0 0
	node "$r/cpu1" 400 2000000 125000
	node "$r/cpu1/DABT_LOW" 200 1000000 62500
	node "$r/cpu1/HVC32" 100 300000 18750
	node "$r/cpu1/IRQ" 100 700000 43750
	node "$r/cpu1/WFx" 0 0 0
}

# An arm64 guest for the fake-hvc shim: 27 value files.
make_hvc() {
	local r=$1
	rm -rf "$r"
	node "$r" 100 1000000 62500
	echo 62500000 >"$r/counter_hz"
	node "$r/HVC64" 60 60000 3750 0x16
	node "$r/DABT_LOW" 40 940000 58750 0x24
	for c in 0 1; do
		node "$r/cpu$c" 50 500000 31250
		node "$r/cpu$c/HVC64" 30 30000 1875
		node "$r/cpu$c/DABT_LOW" 20 470000 29375
	done
}

R=$tmp/std
make_std "$R"

# ---------------------------------------------------------------- table
run --root "$R"
check "table: exit 0, nothing on stderr" test "$rc" = 0 -a ! -s "$tmp/err"
check "table: rows sorted by count" test "$(squeeze "$tmp/out" |
	awk '$1 ~ /^(DABT_LOW|HVC32|IRQ|WFx|total)$/ { printf "%s ", $1 }')" = "DABT_LOW HVC32 IRQ total "
check "table: class row" has_line "$tmp/out" "DABT_LOW 0x24 500 50.00% 2500000 5000.0"
check "table: class row 2" has_line "$tmp/out" "IRQ 0x40 200 20.00% 1600000 8000.0"
check "table: total row" has_line "$tmp/out" "total 1000 100.00% 5000000 5000.0"
check "table: classes without exits hidden" has_line "$tmp/out" "(1 class without exits not shown)"
check "table: per-cpu rows" has_line "$tmp/out" "cpu1 400 40.00% 2000000 5000.0"
check "table: counter frequency and read cost" \
	grep -q "counter 62500000 Hz, 2 cpus.*" "$tmp/out"
check "table: read cost" has_line "$tmp/out" "(reading this table took 45 reads, each at least one HVC exit)"

# ---------------------------------------------------------------- json
run --root "$R" --json
check "json: exit 0 and valid" eval 'test "$rc" = 0 && json_valid "$tmp/out"'
check "json: one line" test "$(wc -l <"$tmp/out")" = 1
if [ "$have_py" = 1 ]; then
	cp "$tmp/out" "$tmp/table.json"
	check "json: totals and frequency" jassert "$tmp/table.json" \
		'j["total"]["count"] == 1000 and j["total"]["time_ns"] == 5000000 and j["counter_hz"] == 62500000 and j["reads_per_snapshot"] == 45 and j["class_sum"]["count"] == 1000'
	check "json: classes sorted by count, with ids and means" jassert "$tmp/table.json" \
		'[(c["name"], c["id"], c["count"], c["mean_ns"]) for c in j["classes"]] == [("DABT_LOW", 36, 500, 5000.0), ("HVC32", 18, 300, 3000.0), ("IRQ", 64, 200, 8000.0), ("WFx", 1, 0, None)]'
	check "json: per-cpu totals and classes" jassert "$tmp/table.json" \
		'[c["cpu"] for c in j["cpus"]] == [0, 1] and j["cpus"][1]["count"] == 400 and {c["name"]: c["count"] for c in j["cpus"][0]["classes"]} == {"DABT_LOW": 300, "HVC32": 200, "IRQ": 100, "WFx": 0}'
	check "json: per-class counts sum to the total" jassert "$tmp/table.json" \
		'sum(c["count"] for c in j["classes"]) == j["total"]["count"] == sum(c["count"] for c in j["cpus"])'
else
	skip "json value checks (no python3)"
fi

# ---------------------------------------------------------------- discovery
U=$tmp/unusual
node "$U" 48 480000 30000
node "$U/CP15_32" 40 400000 25000 0x03
node "$U/NEWCLASS" 5 50000 3125 0x3f
node "$U/SMC64" 2 20000 1250 0x17
node "$U/BRK64" 1 10000 625 0x3c
mkdir -p "$U/power"	# sysfs-like clutter: a directory without id is not a class
echo x >"$U/uevent"
node "$U/cpu0" 48 480000 30000
node "$U/cpu0/CP15_32" 40 400000 25000
node "$U/cpu0/XTRA" 8 80000 5000 0x3e	# only per cpu: still reported
run --root "$U"
check "discovery: unusual subset, exit 0" test "$rc" = 0
check "discovery: exactly the classes present" test "$(squeeze "$tmp/out" |
	awk 'NR > 2 && $1 != "total" && $1 != "classes" && $1 ~ /^[A-Z]/ && $1 != "CPU" { printf "%s ", $1 }')" \
	= "CP15_32 NEWCLASS SMC64 BRK64 "
check "discovery: unknown class name and id shown" has_line "$tmp/out" "NEWCLASS 0x3f 5 10.42% 50000 10000.0"
check "discovery: no assumed classes" eval '! grep -qE "^(HVC|DABT|IRQ|WFx|power|uevent|cpu1)" "$tmp/out"'
run --root "$U" --json
if [ "$have_py" = 1 ]; then
	cp "$tmp/out" "$tmp/unusual.json"
	check "discovery json: VM classes" jassert "$tmp/unusual.json" \
		'sorted(c["name"] for c in j["classes"]) == ["BRK64", "CP15_32", "NEWCLASS", "SMC64"] and j["counter_hz"] is None'
	check "discovery json: per-cpu-only class" jassert "$tmp/unusual.json" \
		'{c["name"]: (c["id"], c["count"]) for c in j["cpus"][0]["classes"]} == {"CP15_32": (3, 40), "XTRA": (62, 8)}'
fi
E=$tmp/empty
node "$E" 7 700 44
run --root "$E"
check "discovery: no classes, no cpus" eval 'test "$rc" = 0 && has_line "$tmp/out" "total 7 100.00% 700 100.0" && ! grep -q CPU "$tmp/out"'
run --root "$E" --json
check "discovery: no classes, json" eval 'json_valid "$tmp/out" && grep -q "\"classes\":\[\],\"cpus\":\[\]" "$tmp/out"'

# ---------------------------------------------------------------- run
cmd="echo out-marker; echo err-marker >&2; echo 1350 >$R/count; echo 650 >$R/HVC32/count"
cmd="$cmd; echo 1250000 >$R/HVC32/time_ns; echo 450 >$R/cpu1/count; echo 150 >$R/cpu1/HVC32/count; exit 3"
run --root "$R" --run "$cmd"
check "run: exits with the command's status" test "$rc" = 3
check "run: command output passes through, first" test "$(head -1 "$tmp/out")" = out-marker
check "run: command stderr passes through" test "$(cat "$tmp/err")" = err-marker
check "run: class delta" has_line "$tmp/out" "HVC32 0x12 350 350000 1000.0 0 0 350 350000"
check "run: total delta" has_line "$tmp/out" "total 350 0 0.0 0 0 350 0"
check "run: per-cpu delta" has_line "$tmp/out" "cpu1 50 0 0.0 0 0 50 0"
check "run: unchanged classes hidden" eval '! grep -qE "^(DABT_LOW|IRQ|WFx) " "$tmp/out"'
check "run: status printed" has_line "$tmp/out" "command exit status: 3"
check "run: overhead explained" grep -q "back-to-back" "$tmp/out"

make_std "$R"
run --root "$R" --json --output "$tmp/run.json" --run "echo cmd-only; echo 310 >$R/HVC32/count"
check "run --json --output: status 0, command output alone on stdout" \
	eval 'test "$rc" = 0 && test "$(cat "$tmp/out")" = cmd-only'
check "run --json: valid" json_valid "$tmp/run.json"
if [ "$have_py" = 1 ]; then
	check "run --json: figures" jassert "$tmp/run.json" \
		'j["exit_status"] == 0 and j["signal"] is None and [(c["name"], c["count"], c["overhead"]["count"], c["corrected"]["count"]) for c in j["classes"]] == [("HVC32", 10, 0, 10)] and j["command"].startswith("echo cmd-only")'
fi

run --root "$R" --run 'kill -TERM $$'
check "run: command killed by a signal -> 128+N" eval 'test "$rc" = 143 && grep -q "killed by signal 15" "$tmp/out"'
run --root "$R" --json --run 'exit 0' --output "$tmp/sig.json"
check "run: status 0" test "$rc" = 0

make_std "$R"
run --root "$R" --run "echo 100 >$R/HVC32/count"
check "run: counter going backwards is flagged" eval 'test "$rc" = 0 && grep -q "went backwards" "$tmp/out" && has_line "$tmp/out" "HVC32 0x12 n/a 0 - 0 0 n/a 0" && ! grep -q -- " -[0-9]" "$tmp/out"'

# ---------------------------------------------------------------- overhead (shim)
shim=$tmp/fake-hvc.so
if cc -shared -fPIC -O1 -Wall -Wextra -o "$shim" "$here/fake-hvc.c" 2>"$tmp/err"; then
	H=$tmp/hvc
	make_hvc "$H"
	cmd="read v <$H/DABT_LOW/count; echo \$((v + 7)) >$H/DABT_LOW/count"
	cmd="$cmd; read v <$H/count; echo \$((v + 7)) >$H/count"
	cmd="$cmd; read v <$H/cpu1/count; echo \$((v + 7)) >$H/cpu1/count"
	cmd="$cmd; read v <$H/cpu1/DABT_LOW/count; echo \$((v + 7)) >$H/cpu1/DABT_LOW/count"
	rc=0
	LD_PRELOAD=$shim FAKE_HVC_ROOT=$H "$prog" --root "$H" --run "$cmd" >"$tmp/out" 2>"$tmp/err" || rc=$?
	check "overhead: exit 0" test "$rc" = 0
	# Each snapshot reads 27 files = 27 HVC64 exits (1000 ns each): overhead and
	# figure both 27 for HVC64, the corrected figure is the command's 7 exits; the
	# corrected time is 0 within one counter tick (16 ns at 62.5 MHz): "<16".
	check "overhead: HVC64 = one snapshot, corrected 0" has_line "$tmp/out" "HVC64 0x16 27 27000 1000.0 27 27000 0 <16"
	check "overhead: command's class untouched by it" has_line "$tmp/out" "DABT_LOW 0x24 7 0 0.0 0 0 7 0"
	check "overhead: total" has_line "$tmp/out" "total 34 27000 794.1 27 27000 7 <16"
	check "overhead: cpu0 (the reading cpu)" has_line "$tmp/out" "cpu0 27 27000 1000.0 27 27000 0 <16"
	check "overhead: cpu1" has_line "$tmp/out" "cpu1 7 0 0.0 0 0 7 0"

	make_hvc "$H"
	rc=0
	LD_PRELOAD=$shim FAKE_HVC_ROOT=$H "$prog" --root "$H" --watch 0.05 --iterations 3 --json \
		>"$tmp/out" 2>"$tmp/err" || rc=$?
	check "watch --json: 3 samples, exit 0" eval 'test "$rc" = 0 && test "$(wc -l <"$tmp/out")" = 3'
	ok=1
	while IFS= read -r line; do
		printf '%s\n' "$line" >"$tmp/line.json"
		json_valid "$tmp/line.json" || ok=0
		if [ "$have_py" = 1 ]; then
			jassert "$tmp/line.json" \
				'j["mode"] == "watch" and j["total"]["count"] == 27 and [(c["name"], c["count"]) for c in j["classes"]] == [("HVC64", 27)] and [c["count"] for c in j["cpus"]] == [27, 0] and j["interval_ns"] > 0' || ok=0
		fi
	done <"$tmp/out"
	check "watch --json: each line valid, deltas = one sample's reads" test "$ok" = 1
	rc=0
	LD_PRELOAD=$shim FAKE_HVC_ROOT=$H "$prog" --root "$H" --watch 0.05 --iterations 2 \
		>"$tmp/out" 2>"$tmp/err" || rc=$?
	check "watch: text rows" eval 'test "$rc" = 0 && test "$(squeeze "$tmp/out" | awk "\$2 == \"HVC64\" && \$4 == 27" | wc -l)" = 2 && test "$(squeeze "$tmp/out" | awk "\$2 == \"total\"" | wc -l)" = 2'
else
	fail "overhead: cannot build the fake-hvc shim"
fi

# --watch without --iterations runs until SIGINT (or SIGTERM), then exits 0.
"$prog" --root "$R" --watch 0.05 >"$tmp/out" 2>"$tmp/err" &
pid=$!
sleep 0.5
kill -INT "$pid"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then
	kill -KILL "$pid"
	fail "watch: SIGINT does not stop it"
	wait "$pid"
else
	rc=0
	wait "$pid" || rc=$?
	check "watch: SIGINT stops it, exit 0, samples printed" eval 'test "$rc" = 0 && grep -q " total " "$tmp/out"'
fi

# ---------------------------------------------------------------- absent, probe
# shellcheck disable=SC2034 # used in eval'd checks
absent="guest-exits: $tmp/nope: not present (the hypervisor does not offer exit statistics, or they are disabled on the host)"
run --root "$tmp/nope"
check "absent root: message on stderr, exit 1" eval 'test "$rc" = 1 && test "$(cat "$tmp/err")" = "$absent" && test ! -s "$tmp/out"'
run --root "$tmp/nope" --run 'echo must-not-run'
check "absent root: --run does not run the command" eval 'test "$rc" = 1 && ! grep -q must-not-run "$tmp/out"'
if [ ! -e /sys/hypervisor/exits ]; then
	run
	check "absent default root: the documented message" test "$(cat "$tmp/err")" = \
		"guest-exits: /sys/hypervisor/exits: not present (the hypervisor does not offer exit statistics, or they are disabled on the host)"
fi
run --root "$R/count"
check "root is a file: absent" eval 'test "$rc" = 1 && grep -q "not present" "$tmp/err"'
run --root "$R" --probe
check "probe: present, exit 0, one line" eval 'test "$rc" = 0 && test "$(cat "$tmp/out")" = "guest-exits: $R: present (4 classes, 2 cpus)"'
run --root "$tmp/nope" --probe
check "probe: absent, exit 1, one line" eval 'test "$rc" = 1 && test "$(cat "$tmp/out")" = "$absent"'
run --root "$R" --probe --json
check "probe --json: present" eval 'test "$rc" = 0 && json_valid "$tmp/out" && grep -q "\"present\":true" "$tmp/out"'
run --root "$tmp/nope" --probe --json
check "probe --json: absent" eval 'test "$rc" = 1 && json_valid "$tmp/out" && grep -q "\"present\":false" "$tmp/out"'

# ---------------------------------------------------------------- bad trees
make_std "$R"
echo 12abc >"$R/HVC32/count"
run --root "$R"
check "bad value: one line naming the file, exit 1" eval 'test "$rc" = 1 && test "$(cat "$tmp/err")" = "guest-exits: snapshot: $R/HVC32/count: Invalid argument (not a decimal unsigned 64-bit number)"'
echo 18446744073709551616 >"$R/HVC32/count"
run --root "$R"
check "bad value: 2^64 out of range" eval 'test "$rc" = 1 && grep -q "HVC32/count: Numerical result out of range" "$tmp/err"'
echo 18446744073709551615 >"$R/HVC32/count"
run --root "$R" --json
check "value 2^64-1 accepted" eval 'test "$rc" = 0 && grep -q "\"count\":18446744073709551615" "$tmp/out"'
make_std "$R"
rm "$R/IRQ/time_ticks"
run --root "$R"
check "missing value file: named, exit 1" eval 'test "$rc" = 1 && test "$(cat "$tmp/err")" = "guest-exits: discovery: $R/IRQ/time_ticks: No such file or directory"'
make_std "$R"
echo zz >"$R/IRQ/id"
run --root "$R"
check "bad class id: exit 1" eval 'test "$rc" = 1 && grep -q "IRQ/id: Invalid argument (not a class id" "$tmp/err"'
make_std "$R"
rm "$R/cpu1/count" && mkdir "$R/cpu1/count"
run --root "$R"
check "unreadable value: strerror, exit 1" eval 'test "$rc" = 1 && grep -q "cpu1/count: Is a directory" "$tmp/err"'
make_std "$R"
run --root "$R" --output "$tmp/no/such/dir/file"
check "unwritable --output: exit 1" eval 'test "$rc" = 1 && grep -q "No such file or directory" "$tmp/err"'
if [ -w /dev/full ]; then
	run --root "$R" --output /dev/full
	check "write error (full disk): exit 1" eval 'test "$rc" = 1 && grep -q "No space left" "$tmp/err"'
fi

# ---------------------------------------------------------------- snapshot device
# Synthetic /dev/kvm_exit_stats snapshots (make-snapshot.py) read with --device; for --run
# and --watch the shim plays the device (FAKE_SNAP_FILE: each read is one snapshot call,
# counted as KVM counts it). On this machine uname is not aarch64: the snapshot's class is
# HVC32 (0x12), as on a 32-bit guest.
mk() { python3 "$here/make-snapshot.py" "$@"; }
# snap ARGS...: the program with the shim playing the device $S
snap() {
	rc=0
	LD_PRELOAD=$shim FAKE_SNAP_FILE=$S "$prog" --device "$S" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
}
# No figure of a report may be negative: text columns nor JSON numbers.
no_negative_text() { ! squeeze "$1" | grep -qE '(^| )-[0-9]'; }
no_negative_json() {
	python3 -c 'import json,sys
def walk(v):
    if isinstance(v, dict): return all(walk(x) for x in v.values())
    if isinstance(v, list): return all(walk(x) for x in v)
    return not (isinstance(v, (int, float)) and not isinstance(v, bool) and v < 0)
sys.exit(0 if walk(json.load(open(sys.argv[1]))) else 1)' "$1"
}
S=$tmp/snap.bin
if [ "$have_py" = 1 ] && [ -f "$shim" ]; then
	mk make "$S" --sequence 41 --mpidr-base 0x100 --set 0:0x12:10:1000 --set 1:0x24:5:500 --set 1:0x40:3:30
	run --device "$S"
	check "device table: exit 0, nothing on stderr" test "$rc" = 0 -a ! -s "$tmp/err"
	check "device table: class rows from the VM block" eval 'has_line "$tmp/out" "HVC32 0x12 10 55.56% 16000 1600.0" && has_line "$tmp/out" "DABT_LOW 0x24 5 27.78% 8000 1600.0"'
	check "device table: per-cpu rows from the vcpu blocks" eval 'has_line "$tmp/out" "cpu0 10 55.56% 16000 1600.0" && has_line "$tmp/out" "cpu1 8 44.44% 8480 1060.0"'
	check "device table: sequence, caller and kvm_exit counters" has_line "$tmp/out" "snapshot 41 of this VM, taken on cpu0; kvm_exit counter: VM 18, cpu0 10, cpu1 8)"
	snap
	check "device table: costs one snapshot, one exit, in its own counts" eval 'test "$rc" = 0 && has_line "$tmp/out" "HVC32 0x12 11 57.89% 16000 1454.5" && grep -q "^ snapshot 42 of this VM" "$tmp/out"'
	mk make "$S" --sequence 41 --mpidr-base 0x100 --set 0:0x12:10:1000 --set 1:0x24:5:500 --set 1:0x40:3:30
	run --device "$S" --json
	cp "$tmp/out" "$tmp/snap.json"
	check "device table json" jassert "$tmp/snap.json" \
		'j["source"] == "device" and j["reads_per_snapshot"] == 1 and j["sequence"] == 41 and j["caller_cpu"] == 0 and j["kvm_exits"] == 18 and [(c["cpu"], c["mpidr"], c["kvm_exits"], c["count"]) for c in j["cpus"]] == [(0, 0x100, 10, 10), (1, 0x101, 8, 8)] and sorted(c["name"] for c in j["classes"]) == ["DABT_LOW", "HVC32", "HVC64", "IRQ", "WFx"]'

	# A later layout that appends: a longer header, longer blocks, two more classes.
	mk make "$S" --header-size 96 --block-extra 24 --nr-classes 0x45 --classes 0x12,0x24,0x44 \
		--set 0:0x12:10:1000 --set 1:0x24:5:500 --set 1:0x44:2:20
	run --device "$S" --json
	cp "$tmp/out" "$tmp/future.json"
	check "future layout (header 96, blocks +24 bytes, 0x45 classes): read by its sizes" eval \
		'test "$rc" = 0 && jassert "$tmp/future.json" "{c[\"name\"]: (c[\"id\"], c[\"count\"], c[\"time_ticks\"]) for c in j[\"classes\"]} == {\"HVC32\": (18, 10, 1000), \"DABT_LOW\": (36, 5, 500), \"CLASS_0x44\": (68, 2, 20)} and j[\"total\"][\"count\"] == 17 and [c[\"count\"] for c in j[\"cpus\"]] == [10, 7]"'

	bad_snapshot() { # bad_snapshot NAME EXPECTED-STDERR MAKE-ARGS...
		# shellcheck disable=SC2034 # want is used in the eval'd check
		local name=$1 want=$2
		shift 2
		mk make "$S" "$@"
		run --device "$S"
		check "device: $name: exit 1, the problem named" eval 'test "$rc" = 1 -a ! -s "$tmp/out" && test "$(cat "$tmp/err")" = "guest-exits: discovery: $S: $want"'
	}
	bad_snapshot "bad magic" "Protocol error (bad magic: not an exit statistics snapshot)" --magic 0x12345678
	bad_snapshot "version 2" "Protocol error (unsupported layout version (this guest-exits reads version 1))" --version 2
	bad_snapshot "truncated in a block" "Bad message (truncated: shorter than header_size + nr_blocks * block_size)" --truncate 1000
	bad_snapshot "truncated header" "Bad message (truncated: shorter than a version 1 header)" --truncate 40
	bad_snapshot "empty" "Bad message (truncated: shorter than the header's magic and version)" --truncate 0
	bad_snapshot "header_size below version 1's" "Protocol error (header_size smaller than a version 1 header (64 bytes))" --header-size 48
	bad_snapshot "no VM block" "Protocol error (nr_blocks is not 1 (the VM) + 0 to 65535 vcpus)" --vcpus -1
	bad_snapshot "zero counter frequency" "Protocol error (counter_hz is 0)" --hz 0
	run --device "$tmp/no-such-device"
	check "device: --device missing: named, no fallback" eval 'test "$rc" = 1 && test "$(cat "$tmp/err")" = "guest-exits: discovery: $tmp/no-such-device: No such file or directory"'

	# Older hosts: no device, the per-value files, and it says so.
	make_std "$R"
	rc=0
	GUEST_EXITS_DEVICE=$tmp/no-such-device "$prog" --root "$R" >"$tmp/out" 2>"$tmp/err" || rc=$?
	check "fallback: no device -> per-value files, said on stderr" eval 'test "$rc" = 0 && grep -q "^guest-exits: note: /dev/kvm_exit_stats: reading the per-value files of $R (no /dev/kvm_exit_stats: an older host or guest kernel without snapshots), 45 reads per snapshot" "$tmp/err" && has_line "$tmp/out" "total 1000 100.00% 5000000 5000.0"'
	rc=0
	GUEST_EXITS_DEVICE=$tmp/no-such-device "$prog" --root "$R" --json --run true >"$tmp/out" 2>"$tmp/err" || rc=$?
	check "fallback: --run's JSON names the source and why" eval 'test "$rc" = 0 && jassert "$tmp/out" "j[\"source\"] == \"sysfs\" and \"older host\" in j[\"fallback\"] and j[\"measurement\"][\"exits_per_snapshot\"] is None"'

	# --run: N = 500 HVC32 exits on cpu1 (2000 ticks each) while the command runs; every
	# snapshot call on cpu0, each exit 100 ticks (1600 ns). Corrected: exactly the command's.
	mk make "$S" --set 0:0x24:3:300
	snap --json --run "python3 $here/make-snapshot.py bump $S --cpu 1 --cls 0x12 --count 500 --ticks 1000000"
	cp "$tmp/out" "$tmp/run-dev.json"
	check "device run: 500 HVC32 -> 500 after correction, time exact" jassert "$tmp/run-dev.json" \
		'[(c["name"], c["count"], c["overhead"]["count"], c["corrected"]["count"], c["corrected"]["time_ns"], c["corrected"]["time_below_ns"]) for c in j["classes"]] == [("HVC32", 501, 1, 500, 16000000, None)]'
	check "device run: the measurement: one exit each side, calibrated time" jassert "$tmp/run-dev.json" \
		'm["exits_per_snapshot"] == 1 and m["snapshot_class"] == "HVC32" and m["before_cpu"] == 0 and m["after_cpu"] == 0 and m["sequence_after"] == m["sequence_before"] + 1 and m["calibration_pairs"] == 9 and m["snapshot_time_ns"] == 1600 and m["time_resolution_ns"] == 16 if (m := j["measurement"]) else False'
	check "device run: per cpu, total, kvm_exit counter" jassert "$tmp/run-dev.json" \
		'j["total"]["corrected"]["count"] == 500 and j["total"]["kvm_exits"] == 501 and [(c["cpu"], c["corrected"]["count"], c["corrected"]["time_ns"], c["corrected"]["time_below_ns"], c["kvm_exits"]) for c in j["cpus"]] == [(0, 0, None, 16, 1), (1, 500, 16000000, None, 500)]'
	check "device run: no negative number" no_negative_json "$tmp/run-dev.json"

	# Noise: exit times of 100, 110, 90 ticks: the median (100 ticks, 1600 ns) is subtracted
	# and a remainder within the spread (20 ticks, 320 ns) is "<320", not a number.
	mk make "$S"
	LD_PRELOAD=$shim FAKE_SNAP_FILE=$S FAKE_SNAP_TICKS=100,110,90 "$prog" --device "$S" --run true \
		>"$tmp/out" 2>"$tmp/err" || true
	check "device run, noisy: corrected time below the resolution" eval 'has_line "$tmp/out" "HVC32 0x12 1 1760 1760.0 1 1600 0 <320" && has_line "$tmp/out" "total 1 1760 1760.0 1 1600 0 <320" && no_negative_text "$tmp/out"'
	check "device run, text: says what one snapshot costs" eval 'grep -q "each exactly$" "$tmp/out" && grep -q "^one HVC32 exit" "$tmp/out"'

	# The process moves: the before-snapshot on cpu0, the after-snapshot on cpu1 (the calls:
	# discovery, 3 calibration snapshots = 2 pairs, the after-snapshot).
	mk make "$S"
	LD_PRELOAD=$shim FAKE_SNAP_FILE=$S FAKE_SNAP_CPUS=0,0,0,0,1 "$prog" --device "$S" --pairs 2 --run true \
		>"$tmp/out" 2>"$tmp/err" || true
	check "device run, moved: count on the after cpu, time on the before cpu" eval 'has_line "$tmp/out" "cpu0 0 1600 - 0 1600 0 <16" && has_line "$tmp/out" "cpu1 1 0 0.0 1 0 0 0"'
	mk make "$S"
	LD_PRELOAD=$shim FAKE_SNAP_FILE=$S FAKE_SNAP_CPUS=0,1 "$prog" --device "$S" --pairs 2 --run 'echo must-not-run' \
		>"$tmp/out" 2>"$tmp/err" && rc=0 || rc=$?
	check "device run: no usable calibration pair (always moving): exit 1, said" eval 'test "$rc" = 1 && ! grep -q must-not-run "$tmp/out" && grep -q "Resource temporarily unavailable (calibration: no two back-to-back snapshots on one vcpu" "$tmp/err"'

	# 20 runs, exit times varying, 0 to 3 HVC32 exits in the command: never a negative
	# figure, and the count is always exact.
	ok=1
	for i in $(seq 20); do
		mk make "$S"
		n=$((i % 4))
		LD_PRELOAD=$shim FAKE_SNAP_FILE=$S FAKE_SNAP_TICKS=$((90 + i)),$((120 - i)),100,$((95 + 2 * i)) \
			"$prog" --device "$S" --json -o "$tmp/r.json" \
			--run "python3 $here/make-snapshot.py bump $S --cpu 1 --cls 0x12 --count $n --ticks $((n * 7))" \
			>/dev/null 2>"$tmp/err" || ok=0
		no_negative_json "$tmp/r.json" || ok=0
		jassert "$tmp/r.json" "[c['corrected']['count'] for c in j['classes'] if c['name'] == 'HVC32'] == [$n]" || ok=0
	done
	check "device run x20: exact counts, no negative figure" test "$ok" = 1

	# --watch: one snapshot per sample; each sample's delta is the previous sample's exit time
	# and its own exit.
	mk make "$S"
	snap --watch 0.05 --iterations 3 --json
	ok=1
	while IFS= read -r line; do
		printf '%s\n' "$line" >"$tmp/line.json"
		jassert "$tmp/line.json" 'j["total"]["count"] == 1 and j["total"]["time_ns"] == 1600 and [(c["name"], c["count"]) for c in j["classes"]] == [("HVC32", 1)]' || ok=0
	done <"$tmp/out"
	check "device watch: 3 samples, one exit each" eval 'test "$rc" = 0 -a "$ok" = 1 && test "$(wc -l <"$tmp/out")" = 3'
	snap --watch 0.05 --iterations 1
	check "device watch: the header says a sample is one snapshot" grep -q "each sample is one snapshot, one HVC exit" "$tmp/out"
else
	skip "snapshot device checks (no python3 or no shim)"
fi

# ---------------------------------------------------------------- usage
usage_case() {
	run --root "$R" "$@"
	check "usage: $* -> 2" eval 'test "$rc" = 2 && test ! -s "$tmp/out" && grep -q "^guest-exits: " "$tmp/err" && grep -q -- "--help" "$tmp/err"'
}
usage_case --bogus
usage_case -x
usage_case --watch
usage_case --watch abc
usage_case --watch 0
usage_case --watch -1
usage_case --watch 1s
usage_case --iterations 3
usage_case --watch 1 --iterations 0
usage_case --watch 1 --iterations -2
usage_case --watch 1 --run true
usage_case --probe --run true
usage_case --run ''
usage_case extra
usage_case --run dd if=/dev/zero
usage_case --run true --pairs 0
usage_case --run true --pairs 1001
usage_case --run true --pairs x
usage_case --device ''
usage_case --probe --device /dev/null
run --help
check "--help: exit 0, usage on stdout" eval 'test "$rc" = 0 && grep -q "^Usage: guest-exits" "$tmp/out" && grep -q -- "--run CMD" "$tmp/out"'

finish
