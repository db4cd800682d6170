#!/usr/bin/env bash
# Build one exitlab kernel from a patched Debian linux-source-V (V: --kernel, default lib.sh's):
#   host-arm64   arm64 KVM host Image   (aarch64-linux-gnu)
#   guest-armhf  32-bit ARMv7 guest zImage (arm-linux-gnueabihf, virt platform, LPAE)
#   guest-arm64  64-bit guest Image     (aarch64-linux-gnu)
# The result is cached under build/kernels/TARGET/KEY/, KEY hashing the source version,
# the patch series, the config fragment, the compiler version and this recipe; the object
# directory build/obj/TARGET-V is kept so that a changed input rebuilds incrementally.
set -euo pipefail
PROG=build-kernel
# shellcheck source=images/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<'USAGE'
Usage: images/build-kernel.sh [-j N] [--kernel V] TARGET
  TARGET: host-arm64 | guest-armhf | guest-arm64
  --kernel V  the Linux version: a kernel-patches/V series and Debian's linux-source-V
Prints the path of the built kernel image. V=1 in the environment shows the full build.
USAGE
}

jobs=$(nproc)
while [ $# -gt 0 ]; do
	case "$1" in
	-j) [ $# -ge 2 ] || { usage >&2; exit 2; }; jobs=$2; shift 2 ;;
	--kernel)
		[ $# -ge 2 ] || { usage >&2; exit 2; }
		select_kernel "$2" || { echo "build-kernel: --kernel is one of ${KERNEL_VERSIONS[*]}, not '$2'" >&2; exit 2; }
		shift 2 ;;
	-h | --help) usage; exit 0 ;;
	-*) echo "build-kernel: unknown option '$1'" >&2; usage >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { usage >&2; exit 2; }
target=$1

case "$target" in
host-arm64 | guest-arm64) arch=arm64; cross=aarch64-linux-gnu-; image=Image ;;
guest-armhf) arch=arm; cross=arm-linux-gnueabihf-; image=zImage ;;
*) echo "build-kernel: unknown target '$target'" >&2; usage >&2; exit 2 ;;
esac
fragment=$PATCH_DIR/$target.config
[ -f "$fragment" ] || die "missing config fragment $fragment"
command -v "${cross}gcc" >/dev/null || die "${cross}gcc not found: run images/install-deps.sh"

version=$(pkg_version "$KERNEL_SOURCE_PKG")
[ -n "$version" ] || die "$KERNEL_SOURCE_PKG is not installed: run images/install-deps.sh"
key=$(cache_key "str:$version" "str:$(series_hash)" "file:$fragment" \
	"str:$("${cross}gcc" --version | head -n1)" "file:$0")
out=$BUILD_DIR/kernels/$target/$key
if [ -f "$out/$image" ] || shared_fetch "kernels/$target/$key"; then
	echo "$out/$image"
	exit 0
fi

# One kernel build at a time on this machine (clones and CI runs share its cores: two at once
# take longer than one after the other): wait for the lock, then look again, since whoever
# held it may have built this very kernel into the shared cache.
if [ -n "$SHARED_CACHE" ] && mkdir -p "$SHARED_CACHE" 2>/dev/null; then
	exec 9>"$SHARED_CACHE/.kernel-build.lock"
	if ! flock -n 9; then
		log "$target: another kernel build runs on this machine; waiting for it"
		flock 9
	fi
	if shared_fetch "kernels/$target/$key"; then
		echo "$out/$image"
		exit 0
	fi
fi

src=$("$EXITLAB_ROOT/images/prepare-source.sh" --kernel "$KERNEL_VERSION")
obj=$BUILD_DIR/obj/$target-$KERNEL_VERSION
mkdir -p "$obj" "$BUILD_DIR/logs"
buildlog=$BUILD_DIR/logs/kernel-$target-$KERNEL_VERSION.log
kmake() { make -C "$src" O="$obj" ARCH="$arch" CROSS_COMPILE="$cross" "$@"; }

start=$(date +%s)
log "$target: Linux $KERNEL_VERSION: configuring (allnoconfig with $(basename "$fragment"))"
# KCONFIG_ALLCONFIG makes allnoconfig start from the fragment, so that defaults depending
# on it come out right (merging after allnoconfig kept arm's nommu-era THUMB2_KERNEL=y).
kmake KCONFIG_ALLCONFIG="$fragment" allnoconfig >"$buildlog" 2>&1 ||
	die "$target: configuration failed, see $buildlog"

# Kconfig drops symbols whose dependencies are unmet without a word (BLK_DEV and
# VIRTIO_BLK, for one); refuse to build a kernel that lacks what the fragment asks for.
dropped=()
while IFS= read -r line; do
	case "$line" in CONFIG_*=*) ;; *) continue ;; esac
	grep -qxF "$line" "$obj/.config" || dropped+=("$line")
done <"$fragment"
[ "${#dropped[@]}" -eq 0 ] ||
	die "$target: the config lacks ${dropped[*]} (unmet dependencies?); see $obj/.config"

log "$target: building $image with -j$jobs (log: $buildlog)"
verbose=()
[ "${V:-0}" = 1 ] && verbose=(V=1)
if [ "${V:-0}" = 1 ]; then
	kmake -j"$jobs" "${verbose[@]}" "$image" 2>&1 | tee -a "$buildlog"
	status=${PIPESTATUS[0]}
else
	kmake -j"$jobs" "$image" >>"$buildlog" 2>&1 &
	pid=$!
	# Progress while the quiet build runs: objects compiled so far.
	while kill -0 "$pid" 2>/dev/null; do
		sleep 30
		kill -0 "$pid" 2>/dev/null || break
		log "$target: $(grep -c '^  CC ' "$buildlog" || true) files compiled, $(elapsed "$start")"
	done
	status=0
	wait "$pid" || status=$?
fi
if [ "$status" -ne 0 ]; then
	tail -n 30 "$buildlog" >&2
	die "$target: kernel build failed (exit $status), full log: $buildlog"
fi

mkdir -p "$out"
cp "$obj/arch/$arch/boot/$image" "$out/$image.tmp"
cp "$obj/.config" "$out/config"
make -s -C "$src" O="$obj" ARCH="$arch" CROSS_COMPILE="$cross" kernelrelease >"$out/release" 2>/dev/null || true
mv "$out/$image.tmp" "$out/$image"
shared_store "kernels/$target/$key"
log "$target: built in $(elapsed "$start"): $out/$image"
echo "$out/$image"
