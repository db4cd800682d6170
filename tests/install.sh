#!/usr/bin/env bash
# `make install` and `make uninstall` with DESTDIR and PREFIX (GNU conventions): exitstat and
# its man page land under DESTDIR/PREFIX, the installed exitstat runs, uninstall removes both.
# `make install-plugin`: per user in ~/.local/lib/traceevent/plugins, with PREFIX in
# DESTDIR/PREFIX/lib/traceevent/plugins, never in libtraceevent's own directory.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
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

so=$BUILD_DIR/tep-plugin/plugin_exitlab.so
mkdir -p "$tmp/home"
HOME=$tmp/home make -s -C "$ROOT" install-plugin >"$tmp/plugin.log" 2>&1 || cat "$tmp/plugin.log"
check "install-plugin: per user in ~/.local/lib/traceevent/plugins" \
	cmp -s "$tmp/home/.local/lib/traceevent/plugins/plugin_exitlab.so" "$so"
HOME=$tmp/home make -s -C "$ROOT" uninstall-plugin >/dev/null 2>&1
check "uninstall-plugin removes it" test ! -e "$tmp/home/.local/lib/traceevent/plugins/plugin_exitlab.so"
make -s -C "$ROOT" install-plugin DESTDIR="$tmp/plugin-root" PREFIX=/opt/exitlab >"$tmp/plugin.log" 2>&1 ||
	cat "$tmp/plugin.log"
check "install-plugin PREFIX=/opt/exitlab: in PREFIX/lib/traceevent/plugins" \
	cmp -s "$tmp/plugin-root/opt/exitlab/lib/traceevent/plugins/plugin_exitlab.so" "$so"
check "install-plugin PREFIX=...: says TRACEEVENT_PLUGIN_DIR must name it" \
	grep -q "TRACEEVENT_PLUGIN_DIR=/opt/exitlab/lib/traceevent/plugins" "$tmp/plugin.log"
sysdir=$(pkg-config --variable=libdir libtraceevent)/traceevent/plugins
refused() {
	local rc=0
	make -s -C "$ROOT" install-plugin DESTDIR="$tmp/sys-root" PLUGINDIR="$sysdir" >"$tmp/plugin.log" 2>&1 || rc=$?
	[ "$rc" != 0 ] && grep -q "plugin_kvm.so" "$tmp/plugin.log" && [ ! -e "$tmp/sys-root" ]
}
check "install-plugin refuses libtraceevent's own directory ($sysdir)" refused
finish
