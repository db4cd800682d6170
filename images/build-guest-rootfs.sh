#!/usr/bin/env bash
# Build a guest's base initramfs: Debian's busybox-static for the guest architecture, the
# guest init and workload scripts (scripts/guest/) and the project's guest programs
# (tools/guest-exits and benchmarks/workloads' exitlab-workload, built static with
# arm-linux-gnueabihf / aarch64-linux-gnu).
# Cached under build/rootfs/guest-ARCH/KEY/ (KEY: package versions, scripts, programs).
set -euo pipefail
PROG=build-guest-rootfs
# shellcheck source=images/lib.sh
. "$(dirname "$0")/lib.sh"

usage() { echo "Usage: images/build-guest-rootfs.sh armhf|arm64   (prints the initramfs path)"; }
case "${1:-}" in
-h | --help) usage; exit 0 ;;
armhf | arm64) arch=$1 ;;
*) usage >&2; exit 2 ;;
esac
[ $# -eq 1 ] || { usage >&2; exit 2; }

guest_scripts=("$EXITLAB_ROOT/scripts/guest/init" "$EXITLAB_ROOT/scripts/guest/exitlab-default-workload"
	"$EXITLAB_ROOT/scripts/guest/exitlab-exit-stats-test" "$EXITLAB_ROOT/scripts/guest/exitlab-snapshot-test")
mkdir -p "$BUILD_DIR/logs"
names=$(deb_closure_names "$arch" busybox-static) ||
	die "cannot resolve busybox-static:$arch: run images/install-deps.sh"
[ -n "$names" ] || die "apt resolved nothing for busybox-static:$arch: run images/install-deps.sh"
# The project's guest programs, cross-compiled (static) for this architecture.
make -s -C "$EXITLAB_ROOT/tools/guest-exits" BUILD="$BUILD_DIR/guest-exits" "$arch" ||
	die "building guest-exits for $arch failed"
make -s -C "$EXITLAB_ROOT/benchmarks/workloads" BUILD="$BUILD_DIR/workloads" "$arch" ||
	die "building the workloads (benchmarks/workloads) for $arch failed"
guest_programs=("$BUILD_DIR/guest-exits/$arch/guest-exits" "$BUILD_DIR/workloads/$arch/exitlab-workload")
key_args=("str:$names" "file:$0" "file:$EXITLAB_ROOT/images/lib.sh")
for f in "${guest_programs[@]}"; do key_args+=("file:$f"); done
for f in "${guest_scripts[@]}"; do key_args+=("file:$f"); done
key=$(cache_key "${key_args[@]}")
out=$BUILD_DIR/rootfs/guest-$arch/$key
if [ -f "$out/base.cpio.gz" ]; then
	echo "$out/base.cpio.gz"
	exit 0
fi

staging=$BUILD_DIR/rootfs/guest-$arch/staging
unpack_closure "$arch" "$staging" busybox-static
rootfs=$BUILD_DIR/rootfs/guest-$arch/tree
rm -rf "$rootfs"
mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,etc/exitlab}
cp "$staging/bin/busybox" "$rootfs/bin/busybox"
install -m 755 "$EXITLAB_ROOT/scripts/guest/init" "$rootfs/init"
install -m 755 "$EXITLAB_ROOT/scripts/guest/exitlab-default-workload" \
	"$EXITLAB_ROOT/scripts/guest/exitlab-exit-stats-test" \
	"$EXITLAB_ROOT/scripts/guest/exitlab-snapshot-test" "$rootfs/usr/bin/"
install -m 755 "${guest_programs[@]}" "$rootfs/usr/bin/"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$rootfs/etc/passwd"

mkdir -p "$out"
pack_cpio "$rootfs" "$out/base.cpio.gz"
log "guest-$arch rootfs: $(du -h "$out/base.cpio.gz" | cut -f1)"
echo "$out/base.cpio.gz"
