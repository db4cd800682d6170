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
# trace_vcpu_counts TRACE VM [EC...]: the patched kvm_exit records of VM (its VM: field) in
# `trace-cmd report -N` text, independently of exitstat: "VCPU FIRST LAST RECORDS GAPS" a line
# per vcpu (FIRST and LAST its EXIT counter's first and last values; GAPS how often it skipped),
# then, per EC given (e.g. 0x0012), how many of its exits had that HSR_EC; sorted by vcpu.
trace_vcpu_counts() {
	local trace=$1 vm=$2
	shift 2
	trace-cmd report -N "$trace" 2>/dev/null | awk -v vm="$vm" -v ecs="$*" '
	BEGIN { nec = split(ecs, ec, " ") }
	/ kvm_exit: / {
		if (!match($0, /HSR_EC: 0x[0-9a-f]+/)) next
		e = substr($0, RSTART + 8, RLENGTH - 8)
		if (!match($0, /VM: -?[0-9]+, VCPU: [0-9]+, EXIT: [0-9]+$/)) next
		split(substr($0, RSTART, RLENGTH), f, /[ ,]+/)
		if (f[2] != vm) next
		v = f[4]; c = f[6]
		if (!(v in last)) first[v] = c
		else if (c != last[v] + 1) gaps[v]++
		last[v] = c; n[v]++
		for (i = 1; i <= nec; i++) if (e == ec[i]) hits[v, i]++
	}
	END {
		for (v in n) {
			line = v " " first[v] " " last[v] " " n[v] " " gaps[v] + 0
			for (i = 1; i <= nec; i++) line = line " " hits[v, i] + 0
			print line
		}
	}' | sort -n
}
