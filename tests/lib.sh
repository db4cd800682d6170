# shellcheck shell=bash
# The shared piece of exitlab's shell tests (sourced): one PASS/FAIL line per check, kept
# count, and the closing "N passed, N failed" line tests/run and readers look for; and the
# project's shell library, images/lib.sh, whose BUILD_DIR (EXITLAB_BUILD, else build/) is
# where tests find what the build made and put what they make.
# shellcheck source=images/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../images/lib.sh"
passed=0 failed=0
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
# check DESCRIPTION COMMAND...: PASS when COMMAND succeeds (a test may redefine fail).
check() {
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}
# check_quiet DESCRIPTION COMMAND...: the same, with COMMAND's standard output discarded.
check_quiet() {
	local what=$1
	shift
	if "$@" >/dev/null; then pass "$what"; else fail "$what"; fi
}
# refusals LABEL COMMAND...: a table of bad inputs on standard input, one row a case:
# "STATUS | what the message says | arguments" (the arguments word-split). Each row runs
# COMMAND... ARGUMENTS and must exit STATUS, say it on standard error (grep -F) and write
# nothing to standard output; one PASS/FAIL line a row, shown as LABEL ARGUMENTS.
refusals() {
	local label=$1 want says args st out err
	local -a argv
	shift
	out=$(mktemp) err=$(mktemp)
	while IFS='|' read -r want says args; do
		want=${want// /} says=${says# } says=${says% } args=${args# }
		read -ra argv <<<"$args"
		st=0
		"$@" "${argv[@]}" >"$out" 2>"$err" </dev/null || st=$?
		if [ "$st" = "$want" ] && grep -qF -- "$says" "$err" && [ ! -s "$out" ]; then
			pass "${label:+$label }${args:-(no arguments)} -> exit $want, '$says'"
		else
			fail "${label:+$label }${args:-(no arguments)} -> exit $st (want $want), stdout $(wc -c <"$out") bytes, said: $(head -c 300 "$err")"
		fi
	done
	rm -f "$out" "$err"
}
# finish: the closing line; status 0 when nothing failed.
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
}
# host_test_programs: build tests/host's programs (the tests' own, run inside the emulated host)
# and print their directory, for run-host.sh --host-files: the main job ships none of them.
host_test_programs() {
	local dir=$BUILD_DIR/host-tests
	make -s -C "$EXITLAB_ROOT/tests/host" BUILD="$dir" >&2 || { echo "tests/host: building the host test programs failed" >&2; return 1; }
	echo "$dir"
}
