#!/usr/bin/env bash
# Build the outer emulator: Debian's own source package of the installed qemu-system-arm
# (same version, Debian's patches) plus exitlab's patches in images/qemu-patches/, only
# qemu-system-aarch64 with the `virt` board, TCG, no UI. Why: QEMU 7.2's TCG loses an
# AArch32 guest's SPSR across exits to an AArch64 hypervisor (docs/known-issues.md), which
# crashes 32-bit guests with several vcpus under KVM.
# The result is cached under build/qemu/KEY/, KEY hashing the source version, the patch
# series, the build dependencies' versions, the compiler and this recipe. Prints the path
# of the binary.
set -euo pipefail
PROG=build-qemu
# shellcheck source=images/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<'USAGE'
Usage: images/build-qemu.sh [-j N]
Prints the path of exitlab's qemu-system-aarch64 (built on first use, then cached).
V=1 in the environment shows the full build.
USAGE
}

jobs=$(nproc)
while [ $# -gt 0 ]; do
	case "$1" in
	-j) [ $# -ge 2 ] || { usage >&2; exit 2; }; jobs=$2; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "build-qemu: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
	esac
done

QEMU_PATCH_DIR=$EXITLAB_ROOT/images/qemu-patches
# The packages the build reads (headers, meson, ninja): their versions are part of the key.
BUILD_DEPS=(meson ninja-build libglib2.0-dev libpixman-1-dev libfdt-dev zlib1g-dev gcc)

srcver=$(dpkg-query -W -f='${source:Version}' qemu-system-arm 2>/dev/null || true)
[ -n "$srcver" ] || die "qemu-system-arm is not installed: run images/install-deps.sh"
upstream=${srcver#*:}
upstream=${upstream%-*}
key_args=("str:qemu $srcver" "file:$0" "file:$QEMU_PATCH_DIR/series")
while read -r p; do
	case "$p" in '' | '#'*) continue ;; esac
	key_args+=("file:$QEMU_PATCH_DIR/$p")
done <"$QEMU_PATCH_DIR/series"
for d in "${BUILD_DEPS[@]}"; do key_args+=("str:$d $(pkg_version "$d")"); done
key=$(cache_key "${key_args[@]}")
out=$BUILD_DIR/qemu/$key
if [ -x "$out/qemu-system-aarch64" ] || shared_fetch "qemu/$key"; then
	echo "$out/qemu-system-aarch64"
	exit 0
fi

# --- source: Debian's source package (deb-src, set up by install-deps.sh) -----------------
mkdir -p "$BUILD_DIR/debs/src" "$BUILD_DIR/logs"
dsc=$BUILD_DIR/debs/src/qemu_${srcver#*:}.dsc
if [ ! -f "$dsc" ]; then
	log "downloading Debian's source package qemu $srcver"
	(cd "$BUILD_DIR/debs/src" && apt-get source --download-only -q "qemu=$srcver") \
		>"$BUILD_DIR/logs/qemu-source.log" 2>&1 ||
		die "apt-get source qemu=$srcver failed (Debian source index missing? run images/install-deps.sh); see $BUILD_DIR/logs/qemu-source.log"
fi
src=$BUILD_DIR/src/qemu-$key
if [ ! -f "$src/.exitlab-patched" ]; then
	log "unpacking qemu $srcver and applying Debian's and exitlab's patches"
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	tar -xf "$BUILD_DIR/debs/src/qemu_${upstream}.orig.tar.xz" -C "$src.tmp" --strip-components=1
	tar -xf "$BUILD_DIR/debs/src/qemu_${srcver#*:}.debian.tar.xz" -C "$src.tmp"
	while read -r p; do
		case "$p" in '' | '#'*) continue ;; esac
		patch -d "$src.tmp" -p1 -s <"$src.tmp/debian/patches/${p%% *}" ||
			die "Debian patch $p does not apply to qemu $srcver"
	done <"$src.tmp/debian/patches/series"
	while read -r p; do
		case "$p" in '' | '#'*) continue ;; esac
		patch -d "$src.tmp" -p1 -s <"$QEMU_PATCH_DIR/$p" ||
			die "exitlab patch $p does not apply to qemu $srcver"
	done <"$QEMU_PATCH_DIR/series"
	# Only the board run-host.sh uses, and what its command line needs beyond what the
	# board selects: a much shorter build than all of Debian's arm boards. Without default
	# devices, symbols that are `default y` are off: the TCG GICv3 (and its ITS) the board
	# instantiates must be named. QEMU 7.2's ARM target code calls into the v7-M NVIC and
	# semihosting whatever the boards, so those stay. same_board below checks the result.
	printf '%s\n' '# exitlab: the virt board only (images/build-qemu.sh)' \
		CONFIG_ARM_VIRT=y CONFIG_ARM_GICV3_TCG=y CONFIG_VIRTIO_BLK=y CONFIG_ARM_V7M=y \
		CONFIG_ARM_COMPATIBLE_SEMIHOSTING=y >"$src.tmp/configs/devices/aarch64-softmmu/default.mak"
	touch "$src.tmp/.exitlab-patched"
	mv "$src.tmp" "$src"
fi

# --- build ----------------------------------------------------------------------------------
obj=$BUILD_DIR/obj/qemu-$key
buildlog=$BUILD_DIR/logs/qemu-build.log
start=$(date +%s)
log "configuring qemu-system-aarch64 (TCG, virt board; log: $buildlog)"
rm -rf "$obj"
mkdir -p "$obj"
(cd "$obj" && "$src/configure" --target-list=aarch64-softmmu --without-default-features \
	--without-default-devices --enable-tcg --enable-fdt=system --disable-docs \
	--disable-user --disable-tools --disable-werror) >"$buildlog" 2>&1 ||
	{ tail -n 20 "$buildlog" >&2; die "qemu configure failed, full log: $buildlog"; }
log "building qemu-system-aarch64 with -j$jobs"
if [ "${V:-0}" = 1 ]; then
	ninja -C "$obj" -j"$jobs" qemu-system-aarch64 2>&1 | tee -a "$buildlog"
	status=${PIPESTATUS[0]}
else
	ninja -C "$obj" -j"$jobs" qemu-system-aarch64 >>"$buildlog" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 30
		kill -0 "$pid" 2>/dev/null || break
		log "$(tail -n1 "$buildlog" | sed -n 's/^\[\([0-9]*\/[0-9]*\)\].*/\1/p') steps, $(elapsed "$start")"
	done
	status=0
	wait "$pid" || status=$?
fi
if [ "$status" -ne 0 ]; then
	tail -n 30 "$buildlog" >&2
	die "qemu build failed (exit $status), full log: $buildlog"
fi
# The device tree QEMU builds for the board run-host.sh starts (`info qtree`), with its
# results disk: a leaner build must not lose a device the board has in Debian's QEMU.
qtree() {
	printf 'info qtree\nquit\n' | "$1" "${OUTER_MACHINE[@]}" -cpu cortex-a57 -S -monitor stdio \
		-drive if=none,driver=null-co,id=results -device virtio-blk-device,drive=results 2>&1 |
		sed -n '/^bus: /,$p'
}
same_board() {
	local stock=/usr/bin/qemu-system-aarch64 want got
	want=$(qtree "$stock")
	[ -n "$want" ] || die "cannot read the virt board of $stock (info qtree printed nothing)"
	got=$(qtree "$1")
	[ "$got" != "$want" ] || return 0
	diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | head -n 20 >&2
	die "the built qemu-system-aarch64 does not make the same virt board as $stock (info qtree differs, above); fix the CONFIG_ lines in $0"
}
log "checking the board against Debian's qemu-system-aarch64 (info qtree)"
same_board "$obj/qemu-system-aarch64"

mkdir -p "$out"
cp "$obj/qemu-system-aarch64" "$out/qemu-system-aarch64.tmp"
"$out/qemu-system-aarch64.tmp" --version | head -n1 >"$out/version"
cp "$QEMU_PATCH_DIR/series" "$out/patches"
mv "$out/qemu-system-aarch64.tmp" "$out/qemu-system-aarch64"
shared_store "qemu/$key"
rm -rf "$obj"
log "built in $(elapsed "$start"): $out/qemu-system-aarch64"
echo "$out/qemu-system-aarch64"
