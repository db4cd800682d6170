#!/usr/bin/env bash
# Debian's own kernel for an exitlab guest, to compare with exitlab's minimal ones:
#   arm    linux-image-armmp-lpae:armhf (ARMv7 with LPAE, what Debian runs on Cortex-A15 boards)
#   arm64  linux-image-arm64:arm64
# Downloaded from Debian's archive (apt-get download, the current ABI package the metapackage
# depends on), unpacked once per package version into build/kernels/debian-ARCH/PKG_VERSION/;
# prints the kernel image's path (its configuration is beside it, as config). run-host.sh uses it for `--guest-kernel debian`.
set -euo pipefail
PROG=fetch-debian-kernel
# shellcheck source=images/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<'USAGE'
Usage: images/fetch-debian-kernel.sh arm|arm64
Prints the path of Debian's kernel image for that guest architecture (downloaded once); for
arm, the Versatile Express Cortex-A15's device tree of the same package lies beside it
(vexpress-v2p-ca15-tc1.dtb: run-host.sh --guest-machine vexpress-a15).
USAGE
}
[ $# = 1 ] || { usage >&2; exit 2; }
dtb=
case "$1" in
arm) meta=linux-image-armmp-lpae debarch=armhf dtb=vexpress-v2p-ca15-tc1.dtb ;;
arm64) meta=linux-image-arm64 debarch=arm64 ;;
-h | --help) usage; exit 0 ;;
*) echo "$PROG: the guest architecture is arm or arm64, not '$1'" >&2; exit 2 ;;
esac
pkg=$(apt-cache depends "$meta:$debarch" 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[^:]*\).*/\1/p' | head -n 1)
[ -n "$pkg" ] || die "apt knows no $meta:$debarch (run images/install-deps.sh: it adds the $debarch architecture)"
ver=$(apt-cache policy "$pkg:$debarch" | awk '/Candidate:/ { print $2 }')
{ [ -n "$ver" ] && [ "$ver" != "(none)" ]; } || die "$pkg:$debarch has no installable version (apt-get update?)"
dir=$BUILD_DIR/kernels/debian-$1/${pkg}_${ver//:/%3a}
if [ ! -s "$dir/vmlinuz" ] || { [ -n "$dtb" ] && [ ! -s "$dir/$dtb" ]; }; then
	mkdir -p "$BUILD_DIR/logs"
	tmp=$(mktemp -d "$BUILD_DIR/kernels/.debian-XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	log "downloading $pkg:$debarch $ver from Debian's archive"
	(cd "$tmp" && apt-get download "$pkg:$debarch=$ver") >"$BUILD_DIR/logs/fetch-debian-kernel-$1.log" 2>&1 ||
		die "apt-get download $pkg:$debarch failed, see $BUILD_DIR/logs/fetch-debian-kernel-$1.log"
	mkdir -p "$tmp/x" "$dir"
	dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$tmp/x" ./boot ${dtb:+--wildcards "./usr/lib/linux-image-*/$dtb"}
	image=$(find "$tmp/x/boot" -name 'vmlinuz-*' | head -n 1)
	[ -n "$image" ] || die "$pkg has no /boot/vmlinuz-*"
	# The kernel's configuration comes along: what the report says of a Debian kernel
	# (e.g. CONFIG_RANDOM_TRUST_CPU) is read from it.
	cp "$(find "$tmp/x/boot" -name 'config-*' | head -n 1)" "$dir/config"
	if [ -n "$dtb" ]; then
		f=$(find "$tmp/x/usr/lib" -name "$dtb" | head -n 1)
		[ -n "$f" ] || die "$pkg has no $dtb"
		cp "$f" "$dir/$dtb"
	fi
	cp "$image" "$dir/vmlinuz.tmp"
	mv "$dir/vmlinuz.tmp" "$dir/vmlinuz"
fi
echo "$dir/vmlinuz"
