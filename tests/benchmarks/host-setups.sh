#!/usr/bin/env bash
# The benchmarks' host setups are one list (benchmarks/host-setups): exit-cost.sh and
# patch-effect.sh both list every setup in --help and accept every one in --setups (they get
# past their check of it; the run then fails at once on an impossible --out), refuse an unknown
# one with exit 2, and keep no setup table of their own; each setup's options are run-host.sh's.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mapfile -t names < <(host_setup_names)
check "benchmarks/host-setups names setups (${#names[@]})" test "${#names[@]}" -gt 0
all=$(IFS=,; echo "${names[*]}")
for script in benchmarks/exit-cost.sh benchmarks/patch-effect.sh; do
	"$ROOT/$script" --help >"$tmp/help"
	missing=()
	for n in "${names[@]}"; do grep -qw -- "$n" "$tmp/help" || missing+=("$n"); done
	check "$script --help lists every setup${missing[*]:+ (not: ${missing[*]})}" test "${#missing[@]}" = 0
	st=0
	"$ROOT/$script" --setups "$all" --out /dev/null/x >"$tmp/out" 2>&1 || st=$?
	check "$script accepts --setups $all (exit $st: $(head -c 120 "$tmp/out"))" \
		bash -c "[ $st != 0 ] && [ $st != 2 ] && ! grep -q 'setup' '$tmp/out'"
	st=0
	"$ROOT/$script" --setups stock,no_such_setup >"$tmp/out" 2>&1 || st=$?
	check "$script refuses an unknown setup with exit 2 ($st)" \
		bash -c "[ $st = 2 ] && grep -q no_such_setup '$tmp/out'"
	check "$script has no setup table of its own (no --patches in it)" \
		bash -c "! grep -n -e '--patches \(none\|counter\|all\)' '$ROOT/$script'"
done
# Each setup's options as run-host.sh parses them (its options table; a --patches level of the
# default kernel's series).
for n in "${names[@]}"; do
	mapfile -t opts < <(host_setup_options "$n")
	# shellcheck disable=SC2016 # expanded by the inner shell
	check "setup $n: run-host.sh takes its options (${opts[*]:-none})" \
		bash -c 'PROG=host-setups.sh && . "$1/images/lib.sh" && . "$1/images/run-host-options.sh" &&
			shift && options_parse "$@" && select_patches "$patches"' sh "$ROOT" "${opts[@]}"
done
finish
