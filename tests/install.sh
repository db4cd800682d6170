#!/usr/bin/env bash
# `make install` and `make uninstall` with DESTDIR and PREFIX (GNU conventions): exitstat and
# its man page land under DESTDIR/PREFIX, the installed exitstat runs, uninstall removes both.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
make -s -C "$ROOT" install DESTDIR="$tmp/root" PREFIX=/opt/exitlab >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; echo "FAIL make install"; echo "0 passed, 1 failed"; exit 1; }
bin=$tmp/root/opt/exitlab/bin/exitstat
man=$tmp/root/opt/exitlab/share/man/man1/exitstat.1
check "exitstat installed as an executable in PREFIX/bin" test -x "$bin"
answers_help() { "$bin" --help >/dev/null; }
check "the installed exitstat answers --help (exit 0)" answers_help
check "the man page is installed in PREFIX/share/man/man1" cmp -s "$man" "$ROOT/tools/exitstat/exitstat.1"
check "nothing else is installed" test "$(find "$tmp/root" -type f | wc -l)" = 2
make -s -C "$ROOT" uninstall DESTDIR="$tmp/root" PREFIX=/opt/exitlab >/dev/null 2>&1
check "make uninstall removes both files" test "$(find "$tmp/root" -type f | wc -l)" = 0
finish
