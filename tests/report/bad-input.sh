#!/usr/bin/env bash
# report/generate on bad input: usage errors exit 2, unusable inputs exit 1, each naming the
# problem; a report that fails half-way leaves the previous one as it was.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
gen=$ROOT/report/generate
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run=$ROOT/tests/report/inputs/boot-arm64

# expect STATUS PATTERN ARGS...: report/generate ARGS exits STATUS and says PATTERN.
expect() {
	local want=$1 pattern=$2 st=0
	shift 2
	"$gen" "$@" >"$tmp/out" 2>&1 || st=$?
	if [ "$st" = "$want" ] && grep -q -- "$pattern" "$tmp/out"; then
		pass "generate $* -> exit $want, '$pattern'"
	else
		fail "generate $* -> exit $st (want $want), said: $(head -c 300 "$tmp/out")"
	fi
}
expect 2 "unknown option '--bogus'" --bogus
expect 2 "--from needs at least one" --from
expect 2 "--from runs nothing" --from "$run" --only boot-arm
expect 1 "$tmp/nope: no such file or directory" --from "$tmp/nope" --out "$tmp/r"
expect 1 "README.md: not a trace-cmd trace.dat file" --from "$ROOT/README.md" --out "$tmp/r"
check "no report written by the failed runs" test ! -e "$tmp/r"

check_quiet "a good report" "$gen" --from "$run" --out "$tmp/good"
cp "$tmp/good/REPORT.md" "$tmp/before.md"
figures=$(ls "$tmp/good/figures")
# exitstat failing half-way (a stand-in that always fails): exit 1 naming the command, and
# the report already in --out is left whole.
EXITSTAT=/bin/false expect 1 "exitstat summary" --from "$run" --out "$tmp/good"
check "the previous REPORT.md is unchanged" cmp -s "$tmp/before.md" "$tmp/good/REPORT.md"
check "the previous figures are all there" test "$(ls "$tmp/good/figures")" = "$figures"
check "no temporary directory is left beside it" test -z "$(find "$tmp" -maxdepth 1 -name '.report-*')"
finish
