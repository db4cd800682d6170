#!/usr/bin/env bash
# Find kernel crash markers in a results directory of ./run-host.sh: each guest's serial
# console (guestN/console.log) and the KVM host's kernel log (host-dmesg.log, then
# host-console.log). A guest or host whose kernel oopsed, panicked, hit a BUG or a
# WARNING, a lockup or an RCU stall has crashed, however its virtual machine ended.
# run-host.sh and scripts/collect-results.sh use it; it runs on any results directory.
set -euo pipefail
PROG=scan-crashes

usage() {
	cat <<'USAGE'
Usage: scripts/scan-crashes.sh RESULTS_DIR
         one line per crashed part: "guestN: crashed: LINE" or "host: crashed: LINE",
         LINE being the first crash marker line of its log
       scripts/scan-crashes.sh --first FILE...
         the first crash marker line of the FILEs, taken in order (missing ones are skipped)
       scripts/scan-crashes.sh --patterns
         the crash markers (extended regular expressions)
Exit status: 0 no crash marker, 1 crash marker(s) found, 2 bad usage or no such directory.
USAGE
}

# The kernel's crash markers: THE definition (run.json's "crashed" status, errors.txt, the
# e2e checker all come from here). Extended regular expressions, each matched at the start
# of a line, after an optional syslog level "<N>", printk timestamp "[  12.345678]" and
# caller id "[T123]", so that "BUG" inside a word or in the middle of a program's output
# does not count. The kernel prints these at the start of a console line.
MARKERS=(
	'Internal error: '                            # die(): arm, arm64 "Internal error: Oops - BUG: 0 [#1] ..."
	'Oops(:| -)'                                   # die() elsewhere, x86 "Oops: 0000 [#1] SMP"
	'Unable to handle kernel '                     # arm, arm64 kernel page fault ("... NULL pointer dereference")
	'Kernel panic - not syncing'                   # panic()
	'[Kk]ernel BUG at '                            # BUG() / BUG_ON(); "Kernel" without DEBUG_BUGVERBOSE
	'BUG: '                                        # "BUG: scheduling while atomic", KASAN, spinlock, ...
	'WARNING: CPU: [0-9]+ PID: [0-9]+'             # WARN() / WARN_ON()
	'(NMI )?watchdog: BUG: soft lockup'            # soft lockup detector
	'(NMI )?watchdog: Watchdog detected hard LOCKUP' # hard lockup detector
	'(rcu: )?INFO: rcu_[a-z_]+ (self-)?detected (expedited )?stalls?' # RCU stall warnings
)
PREFIX='^(<[0-9]+>)?(\[ *[0-9]+\.[0-9]+\])?(\[ *[TC][0-9]+\])? ?'

pattern() {
	local alt='' m
	for m in "${MARKERS[@]}"; do alt+=${alt:+|}$m; done
	printf '%s(%s)' "$PREFIX" "$alt"
}

# first_marker FILE...: print the first marker line of the first FILE that has one, without
# control characters (a serial console ends lines with CR LF) or trailing blanks; status 1
# when none has.
first_marker() {
	local f line re
	re=$(pattern)
	for f in "$@"; do
		[ -f "$f" ] || continue
		# Not `tr | grep -m1`: grep stopping early would fail tr with SIGPIPE (pipefail).
		if line=$(grep -a -m1 -E -- "$re" < <(tr -d '\000-\010\013-\037\177' <"$f")); then
			printf '%s\n' "${line%"${line##*[![:blank:]]}"}"
			return 0
		fi
	done
	return 1
}

case "${1:-}" in
-h | --help) usage; exit 0 ;;
--patterns)
	[ $# -eq 1 ] || { usage >&2; exit 2; }
	printf '%s\n' "${MARKERS[@]}"
	exit 0 ;;
--first)
	shift
	[ $# -ge 1 ] || { usage >&2; exit 2; }
	if first_marker "$@"; then exit 1; fi
	exit 0 ;;
'' | -*) usage >&2; exit 2 ;;
esac
[ $# -eq 1 ] || { usage >&2; exit 2; }
dir=$1
[ -d "$dir" ] || { printf '%s: %s: no such directory\n' "$PROG" "$dir" >&2; exit 2; }

crashed=0
while IFS= read -r g; do
	if line=$(first_marker "$dir/$g/console.log"); then
		printf '%s: crashed: %s\n' "$g" "$line"
		crashed=1
	fi
done < <(find "$dir" -mindepth 1 -maxdepth 1 -type d -name 'guest[0-9]*' -printf '%f\n' | sort -V)
# The host's dmesg holds every kernel message (its console only those above the `quiet`
# log level), but a host that crashed may not have got to write it: then the console.
if line=$(first_marker "$dir/host-dmesg.log" "$dir/host-console.log"); then
	printf 'host: crashed: %s\n' "$line"
	crashed=1
fi
exit "$crashed"
