#!/usr/bin/env bash
# Build the legacy 32-bit KVM host kernel (./run-host.sh --host-arch arm): Linux 5.4 (lib.sh
# LEGACY_KERNEL; the release tarball of EXITLAB_LEGACY_SOURCE or ../shared/legacy) with
# kernel-patches/5.4 up to EXITLAB_PATCHES' level, configured from vexpress_defconfig (the
# Versatile Express Cortex-A15 board it boots on needs the board's clock, system-register and
# power drivers, which a fragment over allnoconfig would have to list one by one) merged with
# kernel-patches/5.4/host-armhf.config. Prints the zImage's path; beside it lie the board's
# device tree (vexpress-v2p-ca15-tc1.dtb) and the kernel's uapi headers (uapi/include, from
# headers_install: the host's programs are built against them, Debian's armhf headers having
# no asm/kvm.h since Linux 5.7).
# Cached under build/kernels/host-armhf/KEY/ (KEY: the tarball's checksum, the series, the
# fragment, the compiler and this recipe) and in the shared cache; the object directory
# build/obj/host-armhf-5.4 is kept for incremental rebuilds.
set -euo pipefail
PROG=build-legacy-kernel
# shellcheck source=images/lib.sh
. "$(dirname "$0")/lib.sh"

case "${1:-}" in
-h | --help)
	echo "Usage: images/build-legacy-kernel.sh [-j N]   (prints the path of the 32-bit host zImage)"
	echo "  EXITLAB_LEGACY_SOURCE: the linux-$LEGACY_KERNEL.N.tar.xz to build (default: ../shared/legacy's)"
	echo "  EXITLAB_PATCHES: none, counter or all (default) of kernel-patches/$LEGACY_KERNEL"
	exit 0 ;;
esac
jobs=$(nproc)
if [ "${1:-}" = -j ]; then
	[[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { echo "build-legacy-kernel: -j needs a positive integer" >&2; exit 2; }
	jobs=$2
	shift 2
fi
[ $# -eq 0 ] || { echo "build-legacy-kernel: unknown argument '$1' (see --help)" >&2; exit 2; }

select_kernel "$LEGACY_KERNEL"
select_patches "$PATCH_LEVEL" || die "EXITLAB_PATCHES is one of $(patch_levels | paste -sd' '), not '$PATCH_LEVEL'"
target=host-armhf arch=arm cross=arm-linux-gnueabihf- image=zImage dtb=vexpress-v2p-ca15-tc1.dtb
fragment=$PATCH_DIR/$target.config
command -v "${cross}gcc" >/dev/null || die "${cross}gcc not found: run images/install-deps.sh"
version=$(kernel_source_version) || die "$(kernel_source_missing)"
key=$(cache_key "str:$version" "str:$(series_hash)" "file:$fragment" \
	"str:$("${cross}gcc" --version | head -n1)" "file:$0")
out=$BUILD_DIR/kernels/$target/$key
if [ -f "$out/$image" ] || shared_fetch "kernels/$target/$key" || kernel_build_lock "$target" "kernels/$target/$key"; then
	echo "$out/$image"
	exit 0
fi

src=$("$EXITLAB_ROOT/images/prepare-source.sh" --kernel "$KERNEL_VERSION")
obj=$BUILD_DIR/obj/$target-$KERNEL_VERSION
mkdir -p "$obj" "$BUILD_DIR/logs"
buildlog=$BUILD_DIR/logs/kernel-$target-$KERNEL_VERSION.log
kmake() { make -C "$src" O="$obj" ARCH="$arch" CROSS_COMPILE="$cross" "$@"; }

start=$(date +%s)
log "$target: Linux $version: configuring (vexpress_defconfig with $(basename "$fragment"))"
{ kmake vexpress_defconfig && (cd "$obj" && "$src/scripts/kconfig/merge_config.sh" -m .config "$fragment") &&
	kmake olddefconfig; } >"$buildlog" 2>&1 || die "$target: configuration failed, see $buildlog"
# Kconfig drops symbols whose dependencies are unmet without a word; refuse a kernel that lacks
# what the fragment asks for (KVM needs ARM_LPAE, for one).
dropped=()
while IFS= read -r line; do
	case "$line" in CONFIG_*=*) grep -qxF "$line" "$obj/.config" || dropped+=("$line") ;; esac
done <"$fragment"
[ "${#dropped[@]}" -eq 0 ] || die "$target: the config lacks ${dropped[*]} (unmet dependencies?); see $obj/.config"

log "$target: building $image and $dtb with -j$jobs (log: $buildlog)"
if ! make_with_progress "$target" "$buildlog" "$start" kmake -j"$jobs" "$image" "$dtb"; then
	tail -n 30 "$buildlog" >&2
	die "$target: kernel build failed, full log: $buildlog"
fi
mkdir -p "$out"
cp "$obj/arch/$arch/boot/$image" "$out/$image.tmp"
cp "$obj/arch/$arch/boot/dts/$dtb" "$out/$dtb"
cp "$obj/.config" "$out/config"
# `make headers` (what 5.4's headers_install does before copying them with rsync, which a
# fresh machine lacks): the uapi headers in $obj/usr/include, of which the .h files are kept.
kmake -s headers >>"$buildlog" 2>&1 || die "$target: make headers failed, see $buildlog"
(cd "$obj/usr" && find include -name '*.h' -exec install -D -m 644 {} "$out/uapi/{}" \;) ||
	die "$target: copying the uapi headers failed"
kmake -s kernelrelease >"$out/release" 2>/dev/null || true
mv "$out/$image.tmp" "$out/$image"
shared_store "kernels/$target/$key"
log "$target: built in $(elapsed "$start"): $out/$image"
echo "$out/$image"
