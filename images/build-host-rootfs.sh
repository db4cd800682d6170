#!/usr/bin/env bash
# Build the base root filesystem of the emulated KVM host from Debian packages of its
# architecture, with exactly the shared libraries they need (resolved from DT_NEEDED):
#   arm64  busybox-static, trace-cmd, perf, QEMU (the guests' VMM) and socat (to talk QMP)
#   armhf  the legacy 32-bit host (run-host.sh --host-arch arm): busybox-static and trace-cmd;
#          no VMM (README, "The legacy 32-bit host", says why), so no QEMU, socat or perf
# The run-specific part (scripts, guest images, settings) is a second cpio that run-host.sh
# appends at boot time. Cached under build/rootfs/host-ARCH/KEY/ (KEY: every package version
# and this recipe).
set -euo pipefail
PROG=build-host-rootfs
# shellcheck source=images/lib.sh
. "$(dirname "$0")/lib.sh"

arch=arm64
case "${1:-}" in
-h | --help)
	echo "Usage: images/build-host-rootfs.sh [arm64|armhf]   (prints the path of the host base initramfs; default arm64)"
	exit 0 ;;
"" | arm64) ;;
armhf) arch=armhf ;;
*) echo "build-host-rootfs: unknown argument '$1' (see --help)" >&2; exit 2 ;;
esac

if [ "$arch" = arm64 ]; then
	PACKAGES=(busybox-static trace-cmd qemu-system-arm socat)
	# Packages whose programs we want but whose interpreter dependencies we do not: linux-perf
	# depends on perl:any and python3:any, which a foreign-architecture closure cannot resolve
	# and perf does not need to record or report; only their library dependencies join the
	# closure.
	PROGRAM_ONLY=(linux-perf)
	PROGRAMS=(bin/busybox usr/bin/trace-cmd usr/bin/qemu-system-aarch64 usr/bin/socat usr/bin/perf)
	LIBDIR=aarch64-linux-gnu
else
	PACKAGES=(busybox-static trace-cmd)
	PROGRAM_ONLY=()
	PROGRAMS=(bin/busybox usr/bin/trace-cmd)
	LIBDIR=arm-linux-gnueabihf
fi

mkdir -p "$BUILD_DIR/logs" "$BUILD_DIR/debs/$arch"
program_only_debs=()
for p in "${PROGRAM_ONLY[@]}"; do
	v=$(apt-cache show --no-all-versions "$p:$arch" 2>/dev/null | sed -n 's/^Version: //p' | head -n1)
	[ -n "$v" ] || die "cannot resolve $p:$arch: run images/install-deps.sh"
	program_only_debs+=("${p}_${v//:/%3a}_$arch.deb")
	while read -r dep; do PACKAGES+=("$dep"); done < <(apt-cache depends "$p:$arch" |
		sed -n "s/^  Depends: \\(lib[^<>: ]*\\|zlib1g\\):$arch\$/\\1/p")
done
names=$(deb_closure_names "$arch" "${PACKAGES[@]}") ||
	die "cannot resolve ${PACKAGES[*]} for $arch: run images/install-deps.sh (dpkg --add-architecture $arch, apt-get update)"
[ -n "$names" ] || die "apt resolved no $arch packages for ${PACKAGES[*]}: run images/install-deps.sh"
names=$(printf '%s\n' "$names" "${program_only_debs[@]}" | LC_ALL=C sort)
key=$(cache_key "str:$names" "file:$0" "file:$EXITLAB_ROOT/images/lib.sh")
out=$BUILD_DIR/rootfs/host-$arch/$key
if [ -f "$out/base.cpio.gz" ]; then
	echo "$out/base.cpio.gz"
	exit 0
fi

start=$(date +%s)
log "downloading and unpacking $(wc -l <<<"$names") $arch packages"
staging=$BUILD_DIR/rootfs/host-$arch/staging
unpack_closure "$arch" "$staging" "${PACKAGES[@]}"
for deb in "${program_only_debs[@]}"; do
	[ -f "$BUILD_DIR/debs/$arch/$deb" ] ||
		(cd "$BUILD_DIR/debs/$arch" && apt-get download -q -o APT::Sandbox::User=root "${deb%%_*}:$arch" >/dev/null) ||
		die "downloading ${deb%%_*}:$arch failed"
	dpkg-deb -x "$BUILD_DIR/debs/$arch/$deb" "$staging"
done

rootfs=$BUILD_DIR/rootfs/host-$arch/tree
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
