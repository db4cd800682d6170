#!/usr/bin/env bash
# Make RESULTS_DIR/trace.dat final after the results stream (tools/stream) brought the host's
# files out. The host streams trace-cmd's per-CPU files (trace.dat.tmp.cpuN: trace-cmd records into trace.dat.tmp) while it records and
# the trace's header part (trace.dat.head, `trace-cmd restore -c`, made before recording):
#   - trace-cmd ended well (trace-cmd-record.status 0) and merged trace.dat: that is the trace,
#     the parts go;
#   - otherwise (the host died, or trace-cmd failed): trace.dat is rebuilt from the header and
#     the parts, each cut to whole pages (a part may end in a page the host was writing), with
#     `trace-cmd restore -i`; the parts go.
# Prints what trace.dat is: complete, rebuilt, off (no trace recorded), or missing; exit 1
# when it is missing or the rebuild failed (the parts are then kept).
set -euo pipefail
PROG=finish-trace

case "${1:-}" in
-h | --help)
	echo "Usage: scripts/finish-trace.sh RESULTS_DIR   (prints complete, rebuilt, off or missing)"
	exit 0 ;;
'' | -*) echo "Usage: scripts/finish-trace.sh RESULTS_DIR" >&2; exit 2 ;;
esac
dir=$1
[ -d "$dir" ] || { echo "$PROG: $dir: no such directory" >&2; exit 2; }
cd "$dir"
mapfile -t parts < <(find . -maxdepth 1 -name 'trace.dat.tmp.cpu[0-9]*' -printf '%f\n' | sort -V)

if [ "$(cat trace-cmd-record.status 2>/dev/null)" = 0 ] && [ -s trace.dat ]; then
	rm -f trace.dat.head "${parts[@]}"
	echo complete
	exit 0
fi
if [ ! -f trace.dat.head ]; then
	if [ -e trace-cmd-record.log ]; then echo missing; exit 1; fi
	echo off # --no-trace
	exit 0
fi
if [ "${#parts[@]}" = 0 ]; then
	echo "missing (trace-cmd's per-CPU files never came out of the host)"
	exit 1
fi
# The header's page size: after "\027\010\104tracing", the version string "6\0", the
# endianness and long-size bytes (trace.dat v6, little-endian).
page=$(od -An -tu4 -j14 -N4 trace.dat.head | tr -d ' ')
[[ "$page" =~ ^[1-9][0-9]*$ ]] || { echo "missing (trace.dat.head has no page size)"; exit 1; }
for p in "${parts[@]}"; do
	size=$(stat -c %s "$p")
	truncate -s $((size / page * page)) "$p"
done
rm -f trace.dat
if trace-cmd restore -i trace.dat.head -o trace.dat "${parts[@]}" >trace-cmd-restore-outside.log 2>&1; then
	rm -f trace.dat.head "${parts[@]}" trace-cmd-restore-outside.log
	echo rebuilt
	exit 0
fi
echo "missing (trace-cmd restore failed: see trace-cmd-restore-outside.log; the parts are kept)"
exit 1
