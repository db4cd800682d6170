#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# exitstat against the real traces in tests/traces/fixtures: per-class exit counts,
# kvm_exit/kvm_entry totals, event totals and lost-event figures must equal
# the independent counts in X.dat.counts (made with awk from
# 'trace-cmd report -N'); every reading strategy must agree; every
# subcommand must produce valid JSON; bad input must give one line on
# stderr and exit 1, usage errors exit 2.
#
# Fixtures: $EXITLAB_FIXTURES, else tests/traces/fixtures (images/lib.sh FIXTURES_DIR). Exit 77
# (skip) when absent. Run from anywhere; builds exitstat first.

set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$repo/tests/lib.sh"
fixtures=$FIXTURES_DIR
build=${BUILD:-$BUILD_DIR/exitstat}
exitstat=$build/exitstat

if ! ls "$fixtures"/*.dat.counts >/dev/null 2>&1; then
	echo "SKIP: no fixtures (*.dat.counts) in $fixtures; set EXITLAB_FIXTURES"
	exit 77
fi
if ! make -s -C "$repo/tools/exitstat" BUILD="$build" all >/dev/null; then
	echo "FAIL: cannot build exitstat"
	echo "0 passed, 1 failed"
	exit 1
fi

if ! command -v python3 > /dev/null; then
	echo "SKIP: python3 is needed to check JSON and CSV output"
	exit 77
fi
tmp=$(mktemp -d /tmp/exitstat-fixtures.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# fail NAME [DETAIL...]: a FAIL line and its details, indented.
fail() { echo "FAIL $1"; shift; for l in "$@"; do echo "    $l"; done; failed=$((failed + 1)); }

# hex("0x0024") -> 36, in any awk (mawk has no strtonum)
awk_hex='function hex(s,  i, v) { s = tolower(s); sub(/^0x/, "", s); v = 0
	for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v }'
# CSV block NAME of a multi-table CSV output.
csv_block() { awk -v want="# $1" '$0 == want { on = 1; next } /^# / || /^$/ { on = 0 } on' "$2"; }
# Value of KEY in the "trace" or "totals" key,value block.
csv_value() { csv_block "$1" "$3" | awk -F, -v k="$2" '$1 == k { print $2 }'; }

for counts in "$fixtures"/*.dat.counts; do
	dat=${counts%.counts}
	name=$(basename "$dat")

	# expected: "count RET 0xEC" per class, from the fixture's counts file
	awk "$awk_hex"'
	     /^## kvm_exit per/ { on = 1; next } /^##/ { on = 0 }
	     on && NF >= 3 { printf "%s %d %d\n", $2, hex($3), $1 }' \
		"$counts" | sort > "$tmp/want.classes"
	want_exit=$(awk '$1 == "kvm_exit_total" { print $2 }' "$counts")
	want_entry=$(awk '$1 == "kvm_entry_total" { print $2 }' "$counts")
	want_events=$(awk '/^## all event names/ { on = 1; next } /^##/ { on = 0 }
			   on && NF == 2 { s += $1 } END { print s + 0 }' "$counts")
	# lost: "N CPU:c [M EVENTS DROPPED]" lines, and per-CPU overrun stats
	awk '/^## lost\/dropped/ { on = 1; next } /^##/ { on = 0 }
	     on && /EVENTS DROPPED/ { markers += $1
		if (match($0, /\[[0-9]+ EVENTS/)) counted += $1 * substr($0, RSTART + 1, RLENGTH - 8)
		else uncounted += $1 }
	     /^overrun:/ { overrun += $2 }
	     END { printf "%d %d %d %d\n", markers, uncounted, counted, overrun }' \
		"$counts" > "$tmp/want.lost"

	if ! "$exitstat" summary --csv "$dat" > "$tmp/summary.csv" 2> "$tmp/err"; then
		fail "$name: summary runs" "$(cat "$tmp/err")"
		continue
	fi
	csv_block classes "$tmp/summary.csv" |
		awk -F, "$awk_hex"'
		     NR > 1 && $1 != "ALL" { printf "%s %d %d\n", $2, hex($3), $4 }' |
		sort > "$tmp/got.classes"
	if [ -s "$tmp/want.classes" ] && diff -u "$tmp/want.classes" "$tmp/got.classes" > "$tmp/diff"; then
		pass "$name: per-class exit counts ($(wc -l < "$tmp/want.classes") classes, $want_exit exits)"
	else
		fail "$name: per-class exit counts" "$(cat "$tmp/diff")"
	fi

	got_exit=$(csv_value trace kvm_exit_records "$tmp/summary.csv")
	got_entry=$(csv_value trace kvm_entry_records "$tmp/summary.csv")
	got_events=$(csv_value trace events "$tmp/summary.csv")
	if [ "$got_exit" = "$want_exit" ] && [ "$got_entry" = "$want_entry" ] &&
	   [ "$got_events" = "$want_events" ]; then
		pass "$name: totals (exit $got_exit, entry $got_entry, events $got_events)"
	else
		fail "$name: totals" "exit $got_exit/$want_exit entry $got_entry/$want_entry events $got_events/$want_events"
	fi

	"$exitstat" lost --csv "$dat" > "$tmp/lost.csv" 2> "$tmp/err"
	got_lost="$(csv_value totals missed_event_markers "$tmp/lost.csv") $(csv_value totals markers_without_count "$tmp/lost.csv") $(csv_value totals events_dropped_counted "$tmp/lost.csv") $(csv_value totals overrun "$tmp/lost.csv")"
	want_lost=$(cat "$tmp/want.lost")
	if [ "$got_lost" = "$want_lost" ]; then
		pass "$name: lost events (markers, uncounted, dropped, overrun = $got_lost)"
	else
		fail "$name: lost events" "got '$got_lost' want '$want_lost'" "$(cat "$tmp/err")"
	fi

	# every reader, and our own zstd decompression with 0, 1 and 2 helper threads
	ok=1
	msgs=()
	for reader in zpage:0 zpage:1 zpage:2 tcpage:1 record:1 iterate:1; do
		EXITSTAT_ZSTD_THREADS=${reader#*:} "$exitstat" summary --csv --reader "${reader%:*}" "$dat" 2>&1 |
			grep -v '^reader,' > "$tmp/reader.csv"
		grep -v '^reader,' "$tmp/summary.csv" | diff -q - "$tmp/reader.csv" >/dev/null ||
			{ ok=0; msgs+=("$reader: $(head -c 200 "$tmp/reader.csv")"); }
	done
	default=$(csv_value trace reader "$tmp/summary.csv")
	if [ $ok = 1 ] && [ "$default" = zpage ]; then
		pass "$name: readers agree (page = zpage with 0, 1, 2 threads; tcpage, record, iterate)"
	else
		fail "$name: readers agree (default reader: $default)" "${msgs[@]}"
	fi

	# through libtracecmd, compressed files are reopened every 32 MiB of pages; force it often
	EXITSTAT_REOPEN_KB=512 "$exitstat" summary --csv --reader tcpage "$dat" 2>&1 |
		grep -v '^reader,' > "$tmp/reopen.csv"
	if grep -v '^reader,' "$tmp/summary.csv" | diff -q - "$tmp/reopen.csv" > /dev/null; then
		pass "$name: same result when libtracecmd's handle is reopened every 512 KiB of pages"
	else
		fail "$name: same result when reopened" "$(grep -v '^reader,' "$tmp/summary.csv" | diff - "$tmp/reopen.csv" | head -5)"
	fi

	ok=1
	msgs=()
	for cmd in summary timeline hvc sysreg mmio lost; do
		if ! "$exitstat" "$cmd" --json "$dat" > "$tmp/out.json" 2> "$tmp/err" ||
		   ! python3 -m json.tool "$tmp/out.json" > /dev/null 2> "$tmp/err"; then
			ok=0
			msgs+=("$cmd --json: $(head -c 300 "$tmp/err")")
		fi
		"$exitstat" "$cmd" "$dat" > /dev/null 2>&1 || { ok=0; msgs+=("$cmd (text) failed"); }
		"$exitstat" "$cmd" --csv "$dat" > /dev/null 2>&1 || { ok=0; msgs+=("$cmd --csv failed"); }
	done
	if [ $ok = 1 ]; then
		pass "$name: every subcommand in text, JSON (valid) and CSV"
	else
		fail "$name: every subcommand in text, JSON and CSV" "${msgs[@]}"
	fi
done

# Facts of particular fixtures (skipped when that fixture is absent).
boot=$fixtures/guest32-boot.dat
if [ -f "$boot" ]; then
	"$exitstat" sysreg --csv "$boot" > "$tmp/sysreg.csv"
	# the encoding column holds commas (quoted): read it with a CSV parser
	ctr=$(csv_block registers "$tmp/sysreg.csv" | python3 -c '
import csv, sys
for row in csv.DictReader(sys.stdin):
    if row["register"] == "CTR" and row["access"] == "read":
        print(row["count"])')
	named=$(csv_value totals accesses_named "$tmp/sysreg.csv")
	if [ "$ctr" = 80423 ] && [ "$named" = 80485 ]; then
		pass "guest32-boot.dat: sysreg names CP15 traps (CTR read 80423, all 80485 named)"
	else
		fail "guest32-boot.dat: sysreg names CP15 traps" "CTR=$ctr named=$named"
	fi
	"$exitstat" summary --csv --class CP15_32,IRQ --from 10 --to 20 "$boot" > "$tmp/f.csv"
	classes=$(csv_block classes "$tmp/f.csv" | awk -F, 'NR > 1 && $1 != "ALL" { print $1 }' | sort | tr '\n' ' ')
	if [ "$classes" = "CP15_32 IRQ " ]; then
		pass "guest32-boot.dat: --class and --from/--to filter"
	else
		fail "guest32-boot.dat: --class and --from/--to filter" "classes: $classes"
	fi
	# stock trace + a tgid map: the guest is the vcpu thread's process
	printf '64 62\n63 62\n' > "$tmp/tgids"
	"$exitstat" summary --csv --tgid-map "$tmp/tgids" --pid 62 "$boot" > "$tmp/t.csv"
	guest=$(csv_block guests "$tmp/t.csv" | awk -F, 'NR == 2 { print $1 "/" $3 }')
	ident=$(csv_value trace guest_identity "$tmp/t.csv")
	if [ "$guest" = 62/104029 ] && [ "$ident" = "process id from the tgid map" ]; then
		pass "guest32-boot.dat: --tgid-map groups the vcpu thread under its process"
	else
		fail "guest32-boot.dat: --tgid-map" "guest=$guest identity=$ident"
	fi
fi
lossy=$fixtures/lossy.dat
if [ -f "$boot" ] && [ -f "$lossy" ]; then
	"$exitstat" compare --csv "$boot" "$lossy" > "$tmp/cmp.csv"
	row=$(csv_block classes "$tmp/cmp.csv" | awk -F, '$1 == "CP15_32" { print $2 "/" $5 "/" $8 }')
	"$exitstat" compare --json --vcpu 64 "$boot" "$lossy" | python3 -m json.tool > /dev/null 2>&1 && json=ok || json=bad
	if [ "$row" = "80461/80009/-452" ] && [ "$json" = ok ]; then
		pass "compare guest32-boot.dat lossy.dat: CP15_32 80461 vs 80009 (text, CSV, JSON)"
	else
		fail "compare" "row=$row json=$json"
	fi
	n64=$("$exitstat" summary --csv --vcpu 64 "$boot" | awk -F, '$1 == "exits_matching_filter" { print $2 }')
	n65=$("$exitstat" summary --csv --vcpu 65 "$boot" | awk -F, '$1 == "exits_matching_filter" { print $2 }')
	if [ "$n64/$n65" = 104029/0 ]; then
		pass "--vcpu on a stock trace selects the vcpu thread"
	else
		fail "--vcpu" "vcpu 64: $n64, vcpu 65: $n65"
	fi
fi
for a in a32:HVC32 a64:HVC64; do
	f=$fixtures/hvc-mmio-${a%%:*}.dat
	[ -f "$f" ] || continue
	"$exitstat" hvc --csv "$f" > "$tmp/hvc.csv"
	row=$(csv_block calls "$tmp/hvc.csv" | awk -F, 'NR == 2 { print $1, $2, $4, $5 }')
	"$exitstat" mmio --csv "$f" > "$tmp/mmio.csv"
	user=$(csv_value totals handled_in_userspace "$tmp/mmio.csv")
	if [ "$row" = "0x84000000 PSCI_VERSION ${a#*:} 2000" ] && [ "$user" = 501 ]; then
		pass "$(basename "$f"): 2000 PSCI_VERSION via ${a#*:}, 501 MMIO exits to userspace"
	else
		fail "$(basename "$f"): hvc and mmio" "hvc: $row" "mmio user: $user"
	fi
done

# Patched layout end to end: a real recording rewritten by
# tools/tracedat/make-patched-trace.py into our kernel patch's kvm_exit layout, with every
# 1000th exit left out (104 of 104029). trace-cmd must read it too.
if [ -f "$boot" ] && command -v trace-cmd > /dev/null &&
   trace-cmd convert --file-version 6 --compression none -i "$boot" -o "$tmp/boot.v6.dat" > /dev/null 2>&1 &&
   python3 "$repo/tools/tracedat/make-patched-trace.py" "$tmp/boot.v6.dat" "$tmp/patched.dat" 4242 1000 > "$tmp/patched.log"; then
	tc_exits=$(trace-cmd report -N -i "$tmp/patched.dat" 2>/dev/null | grep -c ' kvm_exit: .*VM: 4242, VCPU: 0, EXIT: ')
	"$exitstat" lost --csv "$tmp/patched.dat" > "$tmp/plost.csv"
	"$exitstat" summary --csv --pid 4242 --vcpu 0 "$tmp/patched.dat" > "$tmp/psum.csv"
	layout=$(csv_value trace kernel_layout "$tmp/plost.csv")
	lost=$(csv_value totals exits_lost "$tmp/plost.csv")
	exits=$(csv_value trace exits_matching_filter "$tmp/psum.csv")
	vcpu=$(csv_block vcpus "$tmp/psum.csv" | awk -F, 'NR == 2 { print $1 "/" $2 "/" $4 }')
	if [ "$tc_exits" = 103925 ] && [ "$lost" = 104 ] && [ "$exits" = 103925 ] &&
	   [ "$vcpu" = "4242/0/103925" ] && [ "${layout#*patched}" != "$layout" ]; then
		pass "patched layout: detected, guest 4242 vcpu 0, 103925 exits, exactly 104 lost"
	else
		fail "patched layout" "trace-cmd exits=$tc_exits lost=$lost exits=$exits vcpu=$vcpu layout=$layout"
	fi
fi

# Bad input: one line "exitstat: FILE: problem" on stderr, exit 1.
dats=("$fixtures"/*.dat)
any=${dats[0]}
head -c 3000 "$any" > "$tmp/truncated-header.dat"
size=$(stat -c %s "$any")
head -c $((size / 2)) "$any" > "$tmp/truncated-half.dat"
head -c 4096 /dev/urandom > "$tmp/garbage.dat"
: > "$tmp/empty.dat"
printf 'not a trace\n' > "$tmp/text.dat"
# a trace whose events have no kvm system at all
if command -v trace-cmd > /dev/null; then
	printf '\027\010\104tracing6\0' > "$tmp/magic-only.dat"
fi
# Valid trace files that are wrong for us, made from an uncompressed copy:
# the kvm system renamed (no kvm events), kvm_exit's esr_ec field renamed
# (an unexpected format, e.g. another architecture's kvm_exit).
extra_bad=""
if [ -f "$boot" ] && [ -f "$tmp/boot.v6.dat" ]; then
	python3 - "$tmp/boot.v6.dat" "$tmp" <<'PY'
import re, sys
data = open(sys.argv[1], "rb").read()
m = re.search(rb"kvm\x00.{4}.{8}name: ", data, re.S)
open(sys.argv[2] + "/no-kvm.dat", "wb").write(data[:m.start()] + b"kvx\x00" + data[m.start() + 4:])
at = data.find(b"field:unsigned int esr_ec;")
open(sys.argv[2] + "/odd-format.dat", "wb").write(data[:at] + b"field:unsigned int esr_xx;" + data[at + 26:])
PY
	extra_bad="no-kvm odd-format"
fi
for bad in truncated-header truncated-half garbage empty text missing magic-only $extra_bad; do
	f=$tmp/$bad.dat
	[ "$bad" = magic-only ] && [ ! -f "$f" ] && continue
	"$exitstat" summary "$f" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	lines=$(wc -l < "$tmp/err")
	if [ $rc = 1 ] && [ "$lines" = 1 ] && grep -q "^exitstat: $f: " "$tmp/err" &&
	   [ ! -s "$tmp/out" ]; then
		pass "bad input ($bad): $(cat "$tmp/err")"
	else
		fail "bad input ($bad)" "rc=$rc stderr lines=$lines" "$(head -3 "$tmp/err")"
	fi
done
"$exitstat" summary "$tmp" > /dev/null 2> "$tmp/err"
rc=$?
if [ $rc = 1 ]; then
	pass "bad input (directory): $(cat "$tmp/err")"
else
	fail "bad input (directory)" "rc=$rc"
fi

# Corrupt compressed CPU data (our own zstd reading): a zstd frame header
# overwritten, chunk 101's data changed (decompresses to wrong pages), chunk
# 201's header claiming an odd size. One line naming CPU, chunk and file
# offset, ending in strerror(EBADMSG); exit 1.
if [ -f "$boot" ]; then
	python3 - "$boot" "$tmp" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
# the top BUFFER option: CPU 1's chunks (trace-cmd.dat.v7(5))
cpu1 = struct.unpack_from("<Q", data, data.rfind(b"local\x00") + 6 + 8 + 20 + 4)[0]
def chunk(n):
    x = cpu1 + 4
    for _ in range(n - 1):
        x += 8 + struct.unpack_from("<I", data, x)[0]
    return x
for name, at, patch in (("zstd-frame", chunk(5) + 8 + 4, b"\xff" * 8),
                        ("zstd-data", chunk(101) + 8 + 100, bytes(64)),
                        ("zstd-header", chunk(201) + 4, struct.pack("<I", 12345))):
    out = bytearray(data)
    out[at:at + len(patch)] = patch
    open(f"{sys.argv[2]}/{name}.dat", "wb").write(out)
PY
	for bad in zstd-frame zstd-data zstd-header; do
		f=$tmp/$bad.dat
		"$exitstat" summary "$f" > "$tmp/out" 2> "$tmp/err"
		rc=$?
		if [ $rc = 1 ] && [ "$(wc -l < "$tmp/err")" = 1 ] &&
		   grep -Eq "^exitstat: $f: CPU 1: .*chunk [0-9]+ of 507 at file offset [0-9]+: (.*: )?Bad message$" "$tmp/err" &&
		   [ ! -s "$tmp/out" ]; then
			pass "corrupt compressed data ($bad): $(cat "$tmp/err")"
		else
			fail "corrupt compressed data ($bad)" "rc=$rc" "$(head -3 "$tmp/err")"
		fi
	done
fi

# An uncompressed version 7 file: the default reader goes through libtracecmd,
# --reader zpage refuses it with the reason.
if [ -f "$tmp/boot.v6.dat" ] &&
   trace-cmd convert --file-version 7 --compression none -i "$boot" -o "$tmp/boot.v7.dat" > /dev/null 2>&1; then
	"$exitstat" summary --csv "$tmp/boot.v7.dat" > "$tmp/v7.csv" 2>&1
	"$exitstat" summary --reader zpage "$tmp/boot.v7.dat" > /dev/null 2> "$tmp/err"
	rc=$?
	if [ "$(csv_value trace reader "$tmp/v7.csv")" = tcpage ] &&
	   [ "$(csv_value trace kvm_exit_records "$tmp/v7.csv")" = 104029 ] && [ $rc = 1 ] &&
	   grep -q "^exitstat: $tmp/boot.v7.dat: --reader zpage: the CPU data is not compressed with zstd: Operation not supported$" "$tmp/err"; then
		pass "uncompressed v7: read through libtracecmd; --reader zpage says why not"
	else
		fail "uncompressed v7" "rc=$rc $(cat "$tmp/err")" "$(head -3 "$tmp/v7.csv")"
	fi
fi

# Corrupted ring-buffer data in an uncompressed copy: no crash either way.
if command -v trace-cmd > /dev/null && [ -f "$fixtures/hvc-mmio-a64.dat" ]; then
	if trace-cmd convert --file-version 6 --compression none \
		-i "$fixtures/hvc-mmio-a64.dat" -o "$tmp/v6.dat" > /dev/null 2>&1; then
		crashed=0
		size=$(stat -c %s "$tmp/v6.dat")
		for seed in 1 2 3 4 5 6 7 8; do
			cp "$tmp/v6.dat" "$tmp/corrupt.dat"
			# overwrite 64 bytes at pseudo-random offsets in the back half
			for k in 1 2 3 4; do
				off=$(( (size / 2) + (seed * 7919 * k) % (size / 2 - 64) ))
				head -c 64 /dev/urandom | dd of="$tmp/corrupt.dat" bs=1 seek=$off conv=notrunc 2>/dev/null
			done
			"$exitstat" summary "$tmp/corrupt.dat" > /dev/null 2>&1
			rc=$?
			[ $rc -ge 2 ] && crashed=$((crashed + 1))
		done
		if [ $crashed = 0 ]; then
			pass "corrupted CPU data (8 copies): no crash"
		else
			fail "corrupted CPU data: $crashed of 8 crashed"
		fi
	fi
fi

# Usage errors exit 2.
usage_ok=1
for args in "" "summary" "nosuch x.dat" "summary --bogus $any" "summary --class NOPE $any" \
	    "summary --vcpu x $any" "summary --from 5 --to 1 $any" "compare $any" \
	    "hvc --interval 5 $any" "summary $any $any"; do
	# shellcheck disable=SC2086
	"$exitstat" $args > /dev/null 2>&1
	rc=$?
	[ $rc = 2 ] || { usage_ok=0; echo "    'exitstat $args' exit $rc"; }
done
if [ $usage_ok = 1 ]; then pass "usage errors exit 2"; else fail "usage errors exit 2"; fi
# A bad option is named in the one-line message, which is exact.
msgs_ok=1
while IFS='|' read -r args want; do
	# shellcheck disable=SC2086
	got=$("$exitstat" $args 2>&1 >/dev/null | head -n 1)
	[ "$got" = "$want" ] || { msgs_ok=0; echo "    'exitstat $args' said '$got', not '$want'"; }
done <<EOF
summary -x $any|exitstat: summary: unknown option '-x'
summary --bogus $any|exitstat: summary: unknown option '--bogus'
summary $any --pid|exitstat: summary: option '--pid' needs an argument
summary --json=1 $any|exitstat: summary: option '--json' takes no argument
hvc --interval 5 $any|exitstat: hvc: --interval: only for 'timeline'
timeline --calls $any|exitstat: timeline: --calls: only for 'hvc'
timeline --interval 0 $any|exitstat: timeline: not an interval in ms (0.001 or more): '0'
EOF
if [ $msgs_ok = 1 ]; then pass "usage error messages"; else fail "usage error messages"; fi
help_ok=1
for cmd in summary timeline hvc sysreg mmio lost compare; do
	"$exitstat" "$cmd" --help | grep -q "^Usage: exitstat $cmd" || help_ok=0
done
"$exitstat" --help | grep -q "^Usage: exitstat COMMAND" || help_ok=0
if [ $help_ok = 1 ]; then pass "--help for the program and each subcommand"; else fail "--help"; fi

finish
