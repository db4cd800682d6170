#!/usr/bin/env bash
# exitstat on real traces of the patched kernel (tests/traces/*.dat): per VM and vcpu exits,
# per-class counts and exits lost (gaps in exit_count) must equal what awk derives from
# `trace-cmd report -N` text of the same file, computed here at test time; every reader
# must give the same output.
#   tests/exitstat/patched-traces.sh [TRACE...]   (default: tests/traces/*.dat)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
exitstat=${EXITSTAT:-$BUILD_DIR/exitstat/exitstat}
[ -x "$exitstat" ] || { echo "exitstat not built: run make"; exit 1; }
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

traces=("$@")
[ "${#traces[@]}" -gt 0 ] || traces=("$ROOT"/tests/traces/*.dat)
for trace in "${traces[@]}"; do
	name=$(basename "$trace")
	trace-cmd report -N -i "$trace" 2>/dev/null >"$tmp/text"
	# Expected, from text: "VM VCPU RECORDS LOST" per vcpu and "CLASS COUNT" per class.
	awk '/ kvm_exit: / {
		match($0, /VM: -?[0-9]+, VCPU: [0-9]+, EXIT: [0-9]+/)
		split(substr($0, RSTART, RLENGTH), f, /[:,] */)
		k = f[2] " " f[4]; n = f[6] + 0
		if (k in last && n > last[k] + 1) lost[k] += n - last[k] - 1
		last[k] = n; recs[k]++
	}
	END { for (k in recs) printf "%s %d %d\n", k, recs[k], lost[k] + 0 }' "$tmp/text" | sort >"$tmp/want-vcpus"
	# A trap: arm64's TRAP, or a 32-bit ARM host's PREF_ABORT, DATA_ABORT or HVC vector
	# (arch/arm/include/asm/kvm_asm.h, ARM_EXCEPTION_IS_TRAP).
	awk '/ kvm_exit: / {
		if ($0 ~ /kvm_exit: +(TRAP|HVC|PREF_ABORT|DATA_ABORT):/) {
			match($0, /HSR_EC: 0x[0-9a-f]+/); e = tolower(substr($0, RSTART + 10, RLENGTH - 10))
			sub(/^0+/, "", e); c = "TRAP " e
		}
		else { match($0, /kvm_exit: +[A-Z_]+/); c = substr($0, RSTART, RLENGTH); sub(/kvm_exit: +/, "", c) }
		n[c]++
	}
	END { for (c in n) printf "%s %d\n", c, n[c] }' "$tmp/text" | sort >"$tmp/want-classes"

	"$exitstat" summary --json "$trace" >"$tmp/summary.json"
	"$exitstat" lost --json "$trace" >"$tmp/lost.json"
	jq -r --slurpfile l "$tmp/lost.json" '.vcpus[] as $v
		| ($l[0].vcpus[] | select(.guest == $v.guest and .vcpu == $v.vcpu) | .exits_lost) as $lost
		| "\($v.guest) \($v.vcpu) \($v.exits) \($lost)"' "$tmp/summary.json" | sort >"$tmp/got-vcpus"
	jq -r '.classes[] | select(.class != "ALL") | if .ret == "TRAP" then "TRAP \(.esr_ec | ltrimstr("0x") | ltrimstr("0"))" else .ret end + " \(.exits)"' \
		"$tmp/summary.json" | sort >"$tmp/got-classes"
	sort -o "$tmp/got-classes" "$tmp/got-classes"

	check_quiet "$name: per VM/vcpu exits and exits lost ($(paste -sd';' "$tmp/want-vcpus"))" \
		cmp -s "$tmp/want-vcpus" "$tmp/got-vcpus"
	cmp -s "$tmp/want-vcpus" "$tmp/got-vcpus" || diff "$tmp/want-vcpus" "$tmp/got-vcpus" || true
	check_quiet "$name: per-class counts ($(wc -l <"$tmp/want-classes") classes)" cmp -s "$tmp/want-classes" "$tmp/got-classes"
	cmp -s "$tmp/want-classes" "$tmp/got-classes" || diff "$tmp/want-classes" "$tmp/got-classes" || true
	check_quiet "$name: exitstat says the kernel layout is patched" \
		jq -e '.trace.kernel_layout | startswith("patched")' "$tmp/summary.json"
	# Every reader gives the same results (our own zstd decompression with 0 and 1 helper
	# threads, libtracecmd's pages, its records), for each subcommand; page means zpage here.
	for cmd in summary lost hvc sysreg mmio timeline; do
		"$exitstat" "$cmd" --csv --reader tcpage "$trace" | grep -v '^reader,' >"$tmp/$cmd.tcpage"
	done
	readers_ok=1
	for reader in zpage:0 zpage:1 record:1; do
		for cmd in summary lost hvc sysreg mmio timeline; do
			EXITSTAT_ZSTD_THREADS=${reader#*:} "$exitstat" "$cmd" --csv --reader "${reader%:*}" "$trace" |
				grep -v '^reader,' | cmp -s - "$tmp/$cmd.tcpage" || { readers_ok=0; echo "    $reader $cmd differs"; }
		done
	done
	check_quiet "$name: zpage (0 and 1 threads), tcpage and record readers agree on every subcommand" \
		test "$readers_ok" = 1
	check_quiet "$name: the default reader is zpage" \
		jq -e '.trace.reader == "zpage"' "$tmp/summary.json"
	# The guests' driver reads its exit statistics: those calls have names, as every other
	# vendor-hypervisor call of the trace.
	# (The legacy 32-bit host has no kvm_hvc_arm64 event and no guest OS: nothing to name.)
	"$exitstat" hvc --json "$trace" >"$tmp/hvc.json"
	if grep -q ' kvm_hvc_arm64: ' "$tmp/text"; then
		check_quiet "$name: hvc names every vendor-hypervisor call ($(jq -r '[.calls[] | select(.owner == "vendor hypervisor") | .name] | join(", ")' "$tmp/hvc.json"))" \
			jq -e '[.calls[] | select(.owner == "vendor hypervisor")]
				| all(.name != "(unknown)") and any(.name | startswith("KVM_EXIT_STATS_"))' "$tmp/hvc.json"
	fi
	# hvc --calls: every call in trace order with the exit counter of the exit it came in,
	# against the text: each kvm_hvc_arm64 line takes the VM, VCPU and EXIT of its task's
	# last kvm_exit (calls outside an exit are not listed).
	awk '/ kvm_exit: / {
		match($0, /VM: -?[0-9]+, VCPU: [0-9]+, EXIT: [0-9]+/)
		split(substr($0, RSTART, RLENGTH), f, /[:,] */); task = $1 " " $2
		last[task] = f[2] " " f[4] " " f[6]; open_[task] = 1
	}
	/ kvm_entry: / { open_[$1 " " $2] = 0 }
	/ kvm_hvc_arm64: / {
		task = $1 " " $2
		if (!open_[task]) next
		match($0, /r0: 0x[0-9a-f]+/); r0 = substr($0, RSTART + 4, RLENGTH - 4)
		printf "%s 0x%s\n", last[task], substr(r0, length(r0) - 7)
	}' "$tmp/text" >"$tmp/want-calls"
	"$exitstat" hvc --calls --json "$trace" |
		jq -r '.call_list[] | "\(.guest) \(.vcpu) \(.exit_count) \(.function_id)"' >"$tmp/got-calls"
	check_quiet "$name: hvc --calls lists each call with its exit's counter, in order ($(wc -l <"$tmp/want-calls") calls)" \
		cmp -s "$tmp/want-calls" "$tmp/got-calls"
	cmp -s "$tmp/want-calls" "$tmp/got-calls" || diff "$tmp/want-calls" "$tmp/got-calls" | head -5 || true
done
finish
