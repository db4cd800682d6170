#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# KernelShark with plugin_exitlab on a trace, headless (Xvfb), into a PNG: docs/kernelshark-plugin.png
# is made with it. Needs kernelshark, xvfb, xdotool, imagemagick, trace-cmd (Debian packages).
set -euo pipefail
# shellcheck source=images/lib.sh
. "$(dirname "$0")/../../images/lib.sh"
prog=kernelshark-screenshot.sh
usage() {
	cat <<EOF
usage: $prog [--from SECONDS] [--rows N] [--plugin-dir DIR] TRACE OUT.png

Opens TRACE in KernelShark under a private Xvfb display with plugin_exitlab
(TRACEEVENT_PLUGIN_DIR=DIR, default tep-plugin/ in this tree's build directory), its table
showing only the events the plugin prints (kvm_exit, kvm_sys_access,
kvm_handle_sys_reg, kvm_hvc_arm64, kvm_mmio, kvm_userspace_exit, kvm_wfx_arm64)
from the first of them at or after SECONDS (trace time, default: the first),
the graph spanning N of them (default 30) with a plot of that record's task,
and writes a 1600x1000 screenshot to OUT.png.

KernelShark keeps its last session in ~/.cache/kernelshark (of the user, not
\$HOME); a root user's "running with Root privileges" notice is dismissed.
EOF
}
from='' rows=30
plugin_dir=$BUILD_DIR/tep-plugin
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--from) from=${2:?}; shift 2 ;;
	--rows) rows=${2:?}; shift 2 ;;
	--plugin-dir) plugin_dir=${2:?}; shift 2 ;;
	-*) echo "$prog: $1: unknown option (see --help)" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# = 2 ] || { usage >&2; exit 2; }
trace=$(realpath "$1") out=$2
for tool in kernelshark Xvfb xdotool import convert trace-cmd; do
	command -v "$tool" >/dev/null || { echo "$prog: $tool: not installed" >&2; exit 1; }
done
[ -r "$trace" ] || { echo "$prog: $trace: cannot read it" >&2; exit 1; }
[ -f "$plugin_dir/plugin_exitlab.so" ] || { echo "$prog: $plugin_dir/plugin_exitlab.so: not built (make)" >&2; exit 1; }

tmp=$(mktemp -d)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

# The stretch, from the text: KernelShark's table lists the records in the same time order.
events='kvm_exit|kvm_sys_access|kvm_handle_sys_reg|kvm_hvc_arm64|kvm_mmio|kvm_userspace_exit|kvm_wfx_arm64'
trace-cmd report -N -t "$trace" 2>/dev/null | grep -E " ($events): " >"$tmp/rows" || true
read -r top start end pid < <(awk -v from="${from:-0}" -v rows="$rows" '{
	match($0, /\] +[0-9]+\.[0-9]+: /); ts = substr($0, RSTART + 1, RLENGTH - 3)
	if (top == "" && ts + 0 >= from + 0) { top = NR - 1; start = ts; p = $0; sub(/ +\[[0-9]+\].*/, "", p); sub(/.*-/, "", p) }
	if (top != "" && NR - 1 == top + rows - 1) { end = ts; exit }
	last = ts
}
END { if (end == "") end = last; printf "%s %.0f %.0f %s\n", top, start * 1e9, end * 1e9, p }' "$tmp/rows")
[ -n "$top" ] || { echo "$prog: $trace: no $events records at or after ${from:-0} s" >&2; exit 1; }
filter=$(printf '"kvm/%s",' ${events//|/ })
cat >"$tmp/session.json" <<EOF
{
  "type": "kshark.config.session",
  "MainWindow": [1600, 1000],
  "Splitter": [244, 710],
  "Model": { "type": "kshark.config.model", "range": [$((start - 50000)), $((end + 50000))], "bins": 1488 },
  "data streams": [ {
    "type": "kshark.config.stream", "stream id": 0,
    "data": { "type": "kshark.config.data", "file": "$trace", "name": "top buffer",
              "time": $(stat -c %Y "$trace") },
    "filters": { "type": "kshark.config.filter", "filter mask": 7, "show event filter": [${filter%,}] },
    "plugins": { "type": "kshark.config.plugins", "registered": [] },
    "CPUPlots": [0, 1], "TaskPlots": [$pid]
  } ],
  "ComboPlots": [],
  "Markers": { "type": "kshark.config.markers", "markA": { "isSet": false },
               "markB": { "isSet": false }, "Active": "A" },
  "ViewTop": $top,
  "ColorScheme": 0.75,
  "User Plugins": { "type": "kshark.config.plugins", "obj. files": [] }
}
EOF

Xvfb -displayfd 3 -screen 0 1600x1000x24 -nolisten tcp 3>"$tmp/display" >"$tmp/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -s "$tmp/display" ] && break; sleep 0.2; done
[ -s "$tmp/display" ] || { echo "$prog: Xvfb did not start: $(cat "$tmp/xvfb.log")" >&2; exit 1; }
DISPLAY=:$(cat "$tmp/display")
export DISPLAY
mkdir -m 700 "$tmp/run"
XDG_RUNTIME_DIR=$tmp/run TRACEEVENT_PLUGIN_DIR=$plugin_dir \
	kernelshark -s "$tmp/session.json" >"$tmp/kernelshark.log" 2>&1 </dev/null &
pids+=($!)
# Wait for the main window (as root a notice comes first and waits for Return), then for rows
# in its table: the window opens before the trace is loaded.
filled() {
	import -window root -crop 1500x500+20+300 "$tmp/probe.png" 2>/dev/null &&
		[ "$(convert "$tmp/probe.png" -format '%[fx:standard_deviation > 0.05]' info:)" = 1 ]
}
for _ in $(seq 60); do
	xdotool search --name '^Kernel Shark' >/dev/null 2>&1 && filled && break
	[ "$(id -u)" != 0 ] || xdotool search --name '^Kernel Shark' >/dev/null 2>&1 ||
		xdotool key Return 2>/dev/null || true
	sleep 0.5
done
filled || { echo "$prog: kernelshark showed no rows of $trace: $(tail -3 "$tmp/kernelshark.log")" >&2; exit 1; }
sleep 3
import -window root "$tmp/shot.png"
convert "$tmp/shot.png" -colors 128 "$out"	# a palette: a third of the size, same look
echo "$prog: $out: $trace from row $top (kernelshark -s session as in $prog)"
