#!/usr/bin/env bash
# exitstat on bad input, as a table: each row is a command line, the exit status it must end
# with (2 usage, 1 unusable input) and what its message must say; nothing may reach standard
# output (no partial table or JSON document) when it fails.  Then the good rows: what must
# still work next to them.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
E=$BUILD_DIR/exitstat/exitstat
[ -x "$E" ] || make -s -C "$ROOT" >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
T=$ROOT/tests/traces/patched-arm64-2vm-2vcpu.dat
head -c 100000 "$T" >"$tmp/truncated.dat"
: >"$tmp/empty.dat"
printf 'not a trace at all\n' >"$tmp/text.dat"
printf '1234 1230\nnonsense here\n' >"$tmp/bad-map"
printf '1234 1230 77\n' >"$tmp/extra-map"
printf '\n\n' >"$tmp/empty-map"
printf '1234 1230\n\n1235 1230\n' >"$tmp/good-map"

# The table: STATUS | what the message says (grep -F) | arguments (word-split; @T@ is the
# trace, @TMP@ the scratch directory).
table=$(sed -e "s|@T@|$T|g" -e "s|@TMP@|$tmp|g" <<'TABLE'
2 | unknown command 'bogus' | bogus
2 | Usage: exitstat COMMAND |
2 | summary: expected one TRACE file | summary
2 | compare: expected two TRACE files | compare @T@
2 | lost: expected one TRACE file | lost @T@ @T@
2 | summary: unknown option '--frobnicate' | summary --frobnicate @T@
2 | --json and --csv exclude each other | summary --json --csv @T@
2 | --json and --csv exclude each other | hvc --csv --json @T@
2 | option '--interval' needs an argument | timeline @T@ --interval
2 | not an interval in ms (0.001 or more): '0' | timeline --interval 0 @T@
2 | not an interval in ms (0.001 or more): 'abc' | timeline --interval abc @T@
2 | not a non-negative integer: 'x' | summary --pid x @T@
2 | not a non-negative integer: '-1' | summary --vcpu -1 @T@
2 | unknown exit class in 'BOGUS' | summary --class BOGUS @T@
2 | unknown exit class in 'DABT_LOW,0x99' | summary --class DABT_LOW,0x99 @T@
2 | not a time in seconds: '-1' | summary --from -1 @T@
2 | --to must be after --from | summary --from 5 --to 1 @T@
2 | --reader: expected page, zpage, tcpage, record or iterate, not 'bogus' | summary --reader bogus @T@
1 | @TMP@/nope.dat: No such file or directory | summary @TMP@/nope.dat
1 | @TMP@/empty.dat: empty file | summary @TMP@/empty.dat
1 | @TMP@: not a regular file | summary @TMP@
1 | /dev/null: not a regular file | mmio /dev/null
1 | @TMP@/text.dat: not a trace-cmd trace.dat file | sysreg @TMP@/text.dat
1 | @TMP@/truncated.dat: cannot read the trace.dat headers: options section at | summary @TMP@/truncated.dat
1 | past the end of the file (100000 bytes; truncated?): Bad message | summary @TMP@/truncated.dat
1 | @TMP@/truncated.dat: cannot read the trace.dat headers (truncated or corrupt file) | summary --reader tcpage @TMP@/truncated.dat
1 | @TMP@/truncated.dat: cannot read the trace.dat headers | compare @T@ @TMP@/truncated.dat
1 | @TMP@/nope: No such file or directory | summary --tgid-map @TMP@/nope @T@
1 | @TMP@/bad-map: line 2: expected 'tid tgid' | summary --tgid-map @TMP@/bad-map @T@
1 | @TMP@/extra-map: line 1: expected 'tid tgid' | summary --tgid-map @TMP@/extra-map @T@
1 | @TMP@/empty-map: no 'tid tgid' lines | summary --tgid-map @TMP@/empty-map @T@
TABLE
)

# With no command at all the usage goes to standard error too; either way, a failed run
# writes nothing to standard output.
refusals exitstat "$E" <<<"$table"

# Next to them, what must keep working: repeated format flags, a map with blank lines, the
# '--' end of options.
check_quiet "summary --csv --csv is one CSV document" "$E" summary --csv --csv "$T"
check_quiet "summary --tgid-map with blank lines is accepted" "$E" summary --tgid-map "$tmp/good-map" "$T"
check_quiet "summary -- TRACE" "$E" summary -- "$T"
finish
