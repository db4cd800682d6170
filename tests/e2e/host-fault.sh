#!/usr/bin/env bash
# The emulated KVM host fails mid-run, after its guest powered off and its statistics were
# read, while trace-cmd still records:
#   crash  the host kernel panics (--host-cmd 'echo c > /proc/sysrq-trigger'; panic=-1 and
#          QEMU's -no-reboot end the machine at once)
#   hang   the host stops: its CPUs are stopped through the outer QEMU's QMP monitor (`stop`)
#          once it printed a marker. Nothing in the machine runs any more, which is what a
#          kernel deadlocked with interrupts off looks like from outside (no console, no disk
#          write), at a moment the test chooses; the host kernel has no module or sysrq that
#          would wedge it for real, and a user-space hog would leave the kernel running.
#   kill   the outer QEMU is killed (SIGKILL) as soon as the host printed that a file it wrote
#          has left (`exitlab-stream sync` returned): the file must be in the results, i.e. a
#          completed write of the stream is in QEMU's image file whatever becomes of QEMU.
# Each time run-host.sh exits 1 within the test's time with a message naming what happened,
# and the results directory holds what the host streamed out before: trace.dat rebuilt from
# the per-CPU data (readable by trace-cmd report and exitstat, each vcpu's counter from 1,
# rising), the guest's console and statistics, the host's kernel log; what the trace lost
# (at its end: KVM's exits statistic - the trace's last counter; within: the counter's gaps,
# where a CPU's part ended earlier than another's) is printed, and run-host.sh says the same.
#   tests/e2e/host-fault.sh crash|hang|kill
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
kind=${1:-}
case "$kind" in
crash | hang | kill) ;;
*) echo "Usage: tests/e2e/host-fault.sh crash|hang|kill" >&2; exit 2 ;;
esac
out=$BUILD_DIR/test-runs/host-$kind
rm -rf "$out" "$out.log"
mkdir -p "$(dirname "$out")"
json() { jq -e "$@" "$out/run.json" >/dev/null; } # json [JQ_OPTIONS] FILTER: FILTER holds
opts=(--out "$out" --guest-arch arm64 --timeout 300)
if [ "$kind" = crash ]; then
	opts+=(--host-cmd 'echo c > /proc/sysrq-trigger')
elif [ "$kind" = kill ]; then
	opts+=(--host-cmd 'echo "written before the kill" >/results/marker && exitlab-stream sync &&
		echo "exitlab-test: marker out" >/dev/console; sleep 100000')
	(
		for _ in $(seq 1200); do
			if grep -q '^exitlab-test: marker out' "$out/host-console.log" 2>/dev/null; then
				kill -KILL "$(cat "$out/.boot/qemu.pid")" && echo "host-fault.sh: killed QEMU (SIGKILL)"
				exit 0
			fi
			sleep 0.1
		done
	) &
	stopper=$!
else
	qmp=$(mktemp -u /tmp/exitlab-qmp.XXXXXX)
	EXITLAB_TEST_QEMU=$("$ROOT/images/build-qemu.sh")
	export EXITLAB_TEST_QEMU EXITLAB_TEST_QMP=$qmp
	opts+=(--outer-qemu "$ROOT/tests/e2e/qemu-with-qmp.sh" --hang-timeout 30
		--host-cmd 'echo "exitlab-test: hang now" >/dev/console; sleep 100000')
	# Stop the host's CPUs once it printed the marker (QMP: capabilities, then stop).
	(
		for _ in $(seq 1200); do
			if grep -q '^exitlab-test: hang now' "$out/host-console.log" 2>/dev/null; then
				python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
for c in (b"{\"execute\":\"qmp_capabilities\"}", b"{\"execute\":\"stop\"}"):
    s.sendall(c + b"\n"); time.sleep(0.5)
print("host-fault.sh: the host stopped through QMP:", s.recv(4096).decode().split("\n")[-2])' "$qmp"
				exit 0
			fi
			sleep 0.5
		done
	) &
	stopper=$!
fi
start=$(date +%s)
status=0
"$ROOT/run-host.sh" "${opts[@]}" >"$out.log" 2>&1 || status=$?
took=$(($(date +%s) - start))
[ "$kind" = crash ] || wait "$stopper" || true
[ "$kind" != hang ] || rm -f "$qmp"
cat "$out.log"
check "run-host.sh exits 1 (got $status, after ${took}s)" test "$status" = 1
if [ "$kind" = crash ]; then
	check "run-host.sh names the host's panic" \
		grep -qx 'run-host.sh: ERROR: host crashed: Kernel panic - not syncing: sysrq triggered crash' "$out.log"
	check "run.json: host_status crashed" json '.host_status == "crashed"'
elif [ "$kind" = kill ]; then
	check "run-host.sh names QEMU's end" \
		grep -qx "run-host.sh: ERROR: qemu-system-aarch64 exited with status 137 (see $out/host-console.log)" "$out.log"
	check "the file the host wrote and synced before the kill is out" grep -qx 'written before the kill' "$out/marker"
else
	check "run-host.sh names the hang" \
		grep -q '^run-host.sh: ERROR: the host hung: nothing came from it for 30s' "$out.log"
	check "run.json: results_stream.hung" json '.results_stream.hung == true'
fi
check "run-host.sh says the results are what the host sent" \
	grep -q '^run-host.sh: ERROR: the host died before the end of its results stream' "$out.log"
check "run.json: the stream has no end" json '.results_stream.ended == false and .results_stream.records > 0'
check "run.json: trace.dat rebuilt" json '.trace_status == "rebuilt"'
check "no per-CPU parts or stream image left" \
	bash -c "! ls '$out'/trace.dat.tmp.cpu* '$out'/trace.dat.head '$out'/stream.img 2>/dev/null | grep -q ."

# The guest ran to its end before the fault; its console and statistics came out.
check "guest0: console kept, workload finished" grep -q '^exitlab-guest: workload finished: exit status 0' "$out/guest0/console.log"
check "guest0: status shutdown" grep -qx shutdown "$out/guest0/status"
check_quiet "guest0: statistics read" jq -e '.vcpus[0].stats.exits > 0' "$out/guest0/kvm-stats.json"
check "host-dmesg.log streamed as the kernel logged" grep -q 'Linux version' "$out/host-dmesg.log"

# The trace up to the fault: both readers open it, every counter only rises, and what the
# trace lacks of KVM's own count (at its end, in gaps, and at its start: a vcpu's first exits
# can sit in a CPU's part the host never streamed) is what run-host.sh reports.
check "trace-cmd report reads trace.dat" bash -c "trace-cmd report -N -i '$out/trace.dat' 2>/dev/null | grep -q ' kvm_exit: '"
make -s -C "$ROOT" exitstat >/dev/null
check_quiet "exitstat summary reads trace.dat" "$BUILD_DIR/exitstat/exitstat" summary "$out/trace.dat"
exits=$(jq '.vcpus[0].stats.exits' "$out/guest0/kvm-stats.json")
read -r recs first last gaps back < <(trace-cmd report -N -i "$out/trace.dat" 2>/dev/null | awk '
	/ kvm_exit: / && match($0, /EXIT: [0-9]+/) {
		n = substr($0, RSTART + 6, RLENGTH - 6) + 0
		if (!recs) first = n; else if (n <= last) back++; else if (n != last + 1) gaps++
		last = n; recs++
	}
	END { printf "%d %d %d %d %d\n", recs, first, last, gaps, back }')
check "the trace's counter only rises ($recs records, first $first, last $last, $gaps gaps, $back backwards)" \
	test "$first" -ge 1 -a "$back" = 0 -a "$recs" -le "$((last - first + 1))"
check "the trace's last counter $last <= KVM's exits statistic $exits" test "$last" -le "$exits"
start=""
[ "$first" -le 1 ] || start=", $((first - 1)) at the start"
lost="guest0 vcpu 0: $((exits - recs)) of $exits ($((exits - last)) at the end$start)"
check "run-host.sh reports the exits the trace lacks: $lost" \
	grep -qxF "run-host.sh: exits trace.dat lacks (KVM's exits statistic - the trace's last counter + its gaps): $lost" "$out.log"
bytes=$(jq '.results_stream.bytes' "$out/run.json")
echo "host-fault.sh: $kind: the trace kept $recs of the guest's $exits exits; lost $((exits - recs)): $((last - first + 1 - recs)) in $gaps gaps, $((first - 1)) at the start, $((exits - last)) at the end; the stream carried $bytes bytes"
finish
