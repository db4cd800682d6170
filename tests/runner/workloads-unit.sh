#!/usr/bin/env bash
# benchmarks/workloads (exitlab-workload) built natively and run on this machine: each
# workload does the work it was asked for and prints exactly one well-formed line; hvc reads
# the counter file it is given (here a regular file), io writes and reads back a file, net
# sends to a listener on 127.0.0.1 that gets every byte; bad arguments exit 2. The armhf and
# arm64 builds must be static: the guests have no shared libc.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
B=$BUILD_DIR/workloads
make -s -C "$ROOT/benchmarks/workloads" BUILD="$B"
W=$B/native/exitlab-workload
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo 41 >"$tmp/count"
line_re='^exitlab-workload: name=[a-z]+ ops=[0-9]+ seconds=[0-9]+\.[0-9]{6} ops_per_s=[0-9]+\.[0-9]{6} unit=[a-z_]+ vm_exits=-?[0-9]+ check=[0-9]+( [a-z_]+=[^ ]+)*$'
# net's receiver: a TCP listener on 127.0.0.1 that prints its port, then the bytes it got.
net_listener() {
	python3 -u -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
s.settimeout(60)
print(s.getsockname()[1])
c, _ = s.accept()
n = 0
while True:
    d = c.recv(65536)
    if not d:
        break
    n += len(d)
print(n)' >"$tmp/listener.out" &
	listener=$!
	for _ in $(seq 150); do
		[ -s "$tmp/listener.out" ] && return 0
		sleep 0.1
	done
	return 1
}
while read -r wl unit default; do
	ops=$((default > 4 ? default / 4 : default))
	# io writes to a file here (O_DIRECT: under build/, /tmp may be a tmpfs), net to 127.0.0.1.
	target=()
	case "$wl" in
	io)
		truncate -s $((ops * 4096)) "$B/io-disk"
		target=(--target "$B/io-disk") ;;
	net)
		net_listener || fail "net: the test's listener did not start"
		target=(--target "127.0.0.1:$(head -n1 "$tmp/listener.out")") ;;
	esac
	st=0
	"$W" "$wl" --ops "$ops" --exits-file "$tmp/count" "${target[@]}" >"$tmp/$wl.out" 2>"$tmp/$wl.err" || st=$?
	case "$wl" in
	io) rm -f "$B/io-disk" ;;
	net)
		wait "$listener" || true
		check "net: the listener got ops x 1024 bytes ($(sed -n 2p "$tmp/listener.out"))" \
			test "$(sed -n 2p "$tmp/listener.out")" = $((ops * 1024)) ;;
	esac
	check "$wl: exit 0 (got $st: $(head -c 200 "$tmp/$wl.err"))" test "$st" = 0
	check "$wl: exactly one line" test "$(wc -l <"$tmp/$wl.out")" = 1
	check "$wl: the line is well formed: $(cat "$tmp/$wl.out")" grep -qE "$line_re" "$tmp/$wl.out"
	want_ops=$ops
	[ "$wl" = boot ] && want_ops=1
	check "$wl: name=$wl ops=$want_ops unit=$unit" \
		grep -qE "name=$wl ops=$want_ops .* unit=$unit " "$tmp/$wl.out"
	# The counter file does not move outside a guest: the VM's exits during the work read 0.
	check "$wl: vm_exits from --exits-file (0 here)" grep -q ' vm_exits=0 ' "$tmp/$wl.out"
	s=$(sed 's/.* seconds=\([^ ]*\) ops_per_s=\([^ ]*\) .*/\1 \2/' "$tmp/$wl.out")
	check "$wl: ops_per_s == ops / seconds ($s)" awk -v o="$want_ops" -v s="${s% *}" -v r="${s#* }" \
		'BEGIN { d = r * s - o; exit !(s > 0 && d * d <= ((r + s) * 1e-6 + 1e-9) ^ 2) }'
done < <("$W" --list)
st=0
"$W" hvc --exits-file "$tmp/none" >/dev/null 2>"$tmp/err" || st=$?
check "hvc without the counter file: exit 1 naming it (got $st: $(cat "$tmp/err"))" \
	bash -c "[ $st = 1 ] && grep -q '^exitlab-workload: hvc: $tmp/none: No such file or directory' '$tmp/err'"
truncate -s 4096 "$tmp/small-disk"
st=0
"$W" io --ops 2 --target "$tmp/small-disk" >/dev/null 2>"$tmp/err" || st=$?
check "io on a disk too small for the work: exit 1 naming both sizes (got $st: $(cat "$tmp/err"))" \
	bash -c "[ $st = 1 ] && grep -q '^exitlab-workload: io: $tmp/small-disk: 4096 bytes, the work needs 8192' '$tmp/err'"
st=0
"$W" net --target 10.0.2.100 >/dev/null 2>"$tmp/err" || st=$?
check "net --target without a port: exit 1 (got $st: $(cat "$tmp/err"))" \
	bash -c "[ $st = 1 ] && grep -q 'is not IPV4-ADDRESS:PORT' '$tmp/err'"
for args in "" "nope" "cpu --ops 0" "net --target" "cpu --ops -5" "cpu --ops 12x" "cpu --ops" "cpu --bogus 1"; do
	st=0
	# shellcheck disable=SC2086 # the cases are word lists
	"$W" $args >/dev/null 2>&1 || st=$?
	check "exitlab-workload $args: exit 2 (got $st)" test "$st" = 2
done
"$W" --help >"$tmp/help"
while read -r wl _; do
	check "--help describes $wl" grep -q "^  $wl " "$tmp/help"
done < <("$W" --list)
for a in armhf arm64; do
	check "$a build is a static executable" bash -c "file -b '$B/$a/exitlab-workload' | grep -q 'statically linked'"
done
finish
