#!/usr/bin/env bash
# Turn what the host wrote into /results into the documented results directory: per-guest
# kvm-stats.json (per-vcpu KVM statistics read over QMP while the stopped VM still existed)
# and run.json (what ran, with which versions, how long each phase took, how each guest and
# the host ended). A guest or host whose kernel log has a crash marker (scripts/scan-crashes.sh)
# gets status "crashed" and its first marker line in run.json and errors.txt.
# Run by run-host.sh once the results stream (tools/stream) has been extracted into --out.
set -euo pipefail
PROG=collect-results
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=images/lib.sh
. "$ROOT/images/lib.sh"

usage() {
	cat <<'USAGE'
Usage: scripts/collect-results.sh --out DIR [--host-image IMAGE] [--kernel V] [--patches LEVEL] [--host-packages FILE]
         [--outer-cmd CMD] [--outer-qemu PATH]
         [--guest-cmd CMD] [--host-cmd CMD] [--after-cmd CMD] [--boot-status N] [--phases "k=v ..."] [--settings "k=v ..."]
         [--stream-status FILE] [--trace-status WORD]
Writes DIR/guestN/kvm-stats.json and DIR/run.json, and adds kernel crashes to DIR/errors.txt.
Needs jq.
USAGE
}

stream_status='' trace_status='' out='' level='' host_image='' host_packages='' outer_cmd='' outer_qemu='' guest_cmd='' host_cmd='' after_cmd='' boot_status=0 phases='' settings=''
while [ $# -gt 0 ]; do
	case "$1" in
	-h | --help) usage; exit 0 ;;
	--out | --host-image | --kernel | --patches | --host-packages | --outer-cmd | --outer-qemu | --guest-cmd | --host-cmd | --after-cmd | --boot-status | --phases | --settings | --stream-status | --trace-status)
		[ $# -ge 2 ] || { usage >&2; exit 2; }
		case "$1" in
		--out) out=$2 ;;
		--host-image) host_image=$2 ;;
		--kernel) select_kernel "$2" || die "--kernel is one of ${KERNEL_VERSIONS[*]} $LEGACY_KERNEL, not '$2'" ;;
		--patches) level=$2 ;;
		--host-packages) host_packages=$2 ;;
		--outer-cmd) outer_cmd=$2 ;;
		--outer-qemu) outer_qemu=$2 ;;
		--guest-cmd) guest_cmd=$2 ;;
		--host-cmd) host_cmd=$2 ;;
		--after-cmd) after_cmd=$2 ;;
		--boot-status) boot_status=$2 ;;
		--phases) phases=$2 ;;
		--settings) settings=$2 ;;
		--stream-status) stream_status=$2 ;;
		--trace-status) trace_status=$2 ;;
		esac
		shift 2 ;;
	*) echo "collect-results: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
	esac
done
if [ -z "$out" ] || [ ! -d "$out" ]; then usage >&2; exit 2; fi
# After the loop: the levels are the selected kernel's.
select_patches "${level:-all}" || die "--patches is one of $(patch_levels | paste -sd' '), not '$level'"
command -v jq >/dev/null || die "jq not found: run images/install-deps.sh"

# "k=v k=v" -> JSON object; numbers stay numbers.
kv_json() {
	local pair
	for pair in $1; do
		printf '%s\n' "$pair"
	done | jq -R -n '[inputs | select(length > 0) | capture("^(?<k>[^=]+)=(?<v>.*)$")
		| {(.k): (.v | (tonumber? // .))}] | add // {}'
}

# guestN/kvm-stats.qmp holds raw QMP replies: capabilities, query-cpus-fast,
# query-stats vcpu, query-stats vm (events, if any, are skipped).
for qmp in "$out"/guest*/kvm-stats.qmp; do
	[ -f "$qmp" ] || continue
	jq -s '
		[.[] | select(has("return")) | .return] as $r
		| def flat: [.[]? | .stats[]? | {(.name): .value}] | add // {};
		{ vm: ($r[3] | flat),
		  vcpus: [ $r[1][] as $cpu
			| { cpu_index: $cpu."cpu-index", thread_id: $cpu."thread-id",
			    qom_path: $cpu."qom-path",
			    stats: ([$r[2][] | select(."qom-path" == $cpu."qom-path")] | flat) } ] }
	' "$qmp" >"$(dirname "$qmp")/kvm-stats.json" ||
		log "$qmp: cannot decode the QMP replies; raw file kept"
done

# Kernel crash markers in the guests' consoles and the host's kernel log: "NAME: crashed: LINE"
# per crashed guest or host, each also recorded once in errors.txt.
declare -A crash=()
scan_status=0
crashes=$("$ROOT/scripts/scan-crashes.sh" "$out") || scan_status=$?
[ "$scan_status" -le 1 ] || die "$out: scanning for kernel crashes failed"
while IFS= read -r line; do
	[ -n "$line" ] || continue
	crash[${line%%: crashed: *}]=${line#*: crashed: }
	grep -qxF -- "$line" "$out/errors.txt" 2>/dev/null || printf '%s\n' "$line" >>"$out/errors.txt"
done <<<"$crashes"

# A guest's status: "crashed" when its kernel crashed, else how its VM ended (shutdown,
# timeout, qemu-exited, ...), which qemu_status keeps in both cases.
guests_json=$(
	for d in "$out"/guest*/; do
		[ -d "$d" ] || continue
		name=$(basename "$d")
		jq -n --arg name "$name" \
			--arg qemu_status "$(cat "$d/status" 2>/dev/null || echo unknown)" \
			--arg crash_line "${crash[$name]:-}" \
			--arg seconds "$(cat "$d/seconds" 2>/dev/null || echo)" \
			--arg cmdline "$(cat "$d/qemu-cmdline" 2>/dev/null || echo)" \
			--arg net_bytes "$(cat "$d/net-received-bytes" 2>/dev/null || echo)" \
			--slurpfile stats <(cat "$d/kvm-stats.json" 2>/dev/null || echo null) \
			'{name: $name, status: (if $crash_line != "" then "crashed" else $qemu_status end),
			  qemu_status: $qemu_status,
			  crash_line: (if $crash_line != "" then $crash_line else null end),
			  seconds: ($seconds | tonumber? // null),
			  net_received_bytes: ($net_bytes | tonumber? // null),
			  qemu_cmdline: $cmdline, kvm_stats: $stats[0]}'
	done | jq -s .
)
host_phases=$(awk '{ printf "%s=%s ", $1, $2 }' "$out/host-phases.txt" 2>/dev/null || true)
release=
[ -z "$host_image" ] || release=$(cat "$(dirname "$host_image")/release" 2>/dev/null || true)
inner_qemu=
[ -z "$host_packages" ] || inner_qemu=$(grep -o '^qemu-system-arm_[^_]*' "$host_packages" | head -n1 || true)

jq -n \
	--arg exitlab "$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)" \
	--arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	--arg release "$release" \
	--arg source "${KERNEL_SOURCE_PKG:-$(basename "$KERNEL_SOURCE_TARBALL")} $(kernel_source_version || true)" \
	--arg level "$PATCH_LEVEL" \
	--arg series "$(series_hash)" \
	--arg patches "$(series_files | xargs -r -n1 basename | paste -sd' ')" \
	--arg outer_version "$("${outer_qemu:-qemu-system-aarch64}" --version | head -n1)" \
	--arg outer_source "qemu $(dpkg-query -W -f='${source:Version}' qemu-system-arm 2>/dev/null)" \
	--arg outer_patches "$(paste -sd' ' "$(dirname "${outer_qemu:-/nonexistent/x}")/patches" 2>/dev/null)" \
	--arg outer_cmd "$outer_cmd" \
	--arg inner_qemu "$(printf '%s' "${inner_qemu#qemu-system-arm_}" | sed 's/%3a/:/g')" \
	--arg guest_cmd "$guest_cmd" \
	--arg host_cmd "$host_cmd" \
	--arg host_cmd_status "$(cat "$out/host-cmd.status" 2>/dev/null || true)" \
	--arg after_cmd "$after_cmd" \
	--arg after_cmd_status "$(cat "$out/after-cmd.status" 2>/dev/null || true)" \
	--argjson boot_status "$boot_status" \
	--arg host_study_status "$(cat "$out/host-status" 2>/dev/null || echo missing)" \
	--arg host_crash_line "${crash[host]:-}" \
	--argjson settings "$(kv_json "$settings")" \
	--argjson phases "$(kv_json "$phases")" \
	--argjson host_phases "$(kv_json "$host_phases")" \
	--argjson guests "$guests_json" \
	--argjson stream "$(kv_json "$(cat "$stream_status" 2>/dev/null || true)")" \
	--arg trace_status "$trace_status" \
	'{exitlab: $exitlab, date: $date,
	  host_kernel: {release: $release, source: $source, patch_level: $level, patch_series_sha256_16: $series,
	                patches: ($patches | split(" "))},
	  qemu: {outer_version: $outer_version, outer_source: $outer_source,
	         outer_patches: ($outer_patches | split(" ") | map(select(. != ""))),
	         outer_cmdline: $outer_cmd,
	         inner_version: $inner_qemu},
	  settings: ($settings + {guest_cmd: (if $guest_cmd == "" then null else $guest_cmd end),
	                          host_cmd: (if $host_cmd == "" then null else $host_cmd end),
	                          after_cmd: (if $after_cmd == "" then null else $after_cmd end)}),
	  host_cmd_status: ($host_cmd_status | tonumber? // null),
	  after_cmd_status: ($after_cmd_status | tonumber? // null),
	  phases_seconds: $phases, host_phases_uptime: $host_phases,
	  boot_status: $boot_status,
	  host_status: (if $host_crash_line != "" then "crashed" else $host_study_status end),
	  host_study_status: $host_study_status,
	  host_crash_line: (if $host_crash_line != "" then $host_crash_line else null end),
	  results_stream: {records: $stream.records, bytes: $stream.bytes, ended: ($stream.end == 1),
	                   hung: ($stream.hung == 1), disk_full: ($stream.full == 1),
	                   last_host_uptime_ms: $stream.last_uptime_ms},
	  trace_status: (if $trace_status == "" then null else ($trace_status | split(" ")[0]) end),
	  guests: $guests}' >"$out/run.json"
