#!/usr/bin/env bash
# Build the base root filesystem of the emulated arm64 KVM host from Debian arm64 packages:
# busybox-static, trace-cmd, perf, QEMU (the guests' VMM) and socat (to talk QMP), with exactly the
# shared libraries they need (resolved from DT_NEEDED). The run-specific part (scripts, guest
# images, settings) is a second cpio that run-host.sh appends at boot time.
# Cached under build/rootfs/host-arm64/KEY/ (KEY: every package version and this recipe).
set -euo pipefail
PROG=build-host-rootfs
# shellcheck source=images/lib.sh
. "$(dirname "$0")/lib.sh"

case "${1:-}" in
-h | --help)
	echo "Usage: images/build-host-rootfs.sh   (prints the path of the host base initramfs)"
	exit 0 ;;
"") ;;
*) echo "build-host-rootfs: unknown argument '$1' (see --help)" >&2; exit 2 ;;
esac

PACKAGES=(busybox-static trace-cmd qemu-system-arm socat)
# Packages whose programs we want but whose interpreter dependencies we do not: linux-perf
# depends on perl:any and python3:any, which a foreign-architecture closure cannot resolve and
# perf does not need to record or report; only their library dependencies join the closure.
PROGRAM_ONLY=(linux-perf)
PROGRAMS=(bin/busybox usr/bin/trace-cmd usr/bin/qemu-system-aarch64 usr/bin/socat usr/bin/perf)
LIBDIR=aarch64-linux-gnu

mkdir -p "$BUILD_DIR/logs" "$BUILD_DIR/debs/arm64"
program_only_debs=()
for p in "${PROGRAM_ONLY[@]}"; do
	v=$(apt-cache show --no-all-versions "$p:arm64" 2>/dev/null | sed -n 's/^Version: //p' | head -n1)
	[ -n "$v" ] || die "cannot resolve $p:arm64: run images/install-deps.sh"
	program_only_debs+=("${p}_${v//:/%3a}_arm64.deb")
	while read -r dep; do PACKAGES+=("$dep"); done < <(apt-cache depends "$p:arm64" |
		sed -n 's/^  Depends: \(lib[^<>: ]*\|zlib1g\):arm64$/\1/p')
done
names=$(deb_closure_names arm64 "${PACKAGES[@]}") ||
	die "cannot resolve ${PACKAGES[*]} for arm64: run images/install-deps.sh (dpkg --add-architecture arm64, apt-get update)"
[ -n "$names" ] || die "apt resolved no arm64 packages for ${PACKAGES[*]}: run images/install-deps.sh"
names=$(printf '%s\n' "$names" "${program_only_debs[@]}" | LC_ALL=C sort)
key=$(cache_key "str:$names" "file:$0" "file:$EXITLAB_ROOT/images/lib.sh")
out=$BUILD_DIR/rootfs/host-arm64/$key
if [ -f "$out/base.cpio.gz" ]; then
	echo "$out/base.cpio.gz"
	exit 0
fi

start=$(date +%s)
log "downloading and unpacking $(wc -l <<<"$names") arm64 packages"
staging=$BUILD_DIR/rootfs/host-arm64/staging
unpack_closure arm64 "$staging" "${PACKAGES[@]}"
for deb in "${program_only_debs[@]}"; do
	[ -f "$BUILD_DIR/debs/arm64/$deb" ] ||
		(cd "$BUILD_DIR/debs/arm64" && apt-get download -q -o APT::Sandbox::User=root "${deb%%_*}:arm64" >/dev/null) ||
		die "downloading ${deb%%_*}:arm64 failed"
	dpkg-deb -x "$BUILD_DIR/debs/arm64/$deb" "$staging"
done

rootfs=$BUILD_DIR/rootfs/host-arm64/tree
rm -rf "$rootfs"
mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,root,etc,results}
install_with_libs "$staging" "$rootfs" "$LIBDIR" "${PROGRAMS[@]}"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\n' >"$rootfs/etc/group"
printf '%s\n' "$names" >"$rootfs/etc/exitlab-packages"

mkdir -p "$out"
pack_cpio "$rootfs" "$out/base.cpio.gz"
cp "$rootfs/etc/exitlab-packages" "$out/packages"
log "host rootfs: $(du -sh "$rootfs" | cut -f1) unpacked, $(du -h "$out/base.cpio.gz" | cut -f1) packed, in $(elapsed "$start")"
echo "$out/base.cpio.gz"
