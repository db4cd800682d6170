#!/usr/bin/env bash
# Static checks: shellcheck on every shell script of the project, and checkpatch.pl (from
# the kernel source the series applies to) on every patch of kernel-patches/6.1.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=images/lib.sh
. "$ROOT/images/lib.sh"
cd "$ROOT"
passed=0 failed=0
mapfile -t scripts < <(git ls-files | while read -r f; do
	case "$f" in *.sh | tests/run | scripts/host/* | scripts/guest/* | .ci/run) echo "$f" ;; esac
done)
for f in "${scripts[@]}"; do
	if shellcheck -x "$f" >"$ROOT/build/shellcheck.out" 2>&1; then
		passed=$((passed + 1))
	else
		echo "FAIL shellcheck $f"; cat "$ROOT/build/shellcheck.out"; failed=$((failed + 1))
	fi
done
echo "shellcheck: ${#scripts[@]} scripts"
# FILE_PATH_CHANGES only asks whether MAINTAINERS needs updating for a new file; 0003 adds
# files under arch/arm64/kvm/, which MAINTAINERS already covers, and 0004 adds its entry.
src=$(images/prepare-source.sh)
while read -r p; do
	if (cd "$src" && ./scripts/checkpatch.pl --quiet --ignore FILE_PATH_CHANGES "$p"); then
		echo "PASS checkpatch $(basename "$p")"; passed=$((passed + 1))
	else
		echo "FAIL checkpatch $(basename "$p")"; failed=$((failed + 1))
	fi
done < <(series_files)
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
