#!/usr/bin/env bash
# Build exitstat for arm64, the emulated KVM host's architecture, so that it can analyse a
# trace inside the host (beside perf, whose kvm stat decoding only an arm64 perf has). It links
# against Debian's arm64 libtracecmd, libtracefs, libtraceevent and libzstd, unpacked with
# their closure into a sysroot under build/ (nothing is installed: libtracecmd-dev is not
# Multi-Arch: same, so its arm64 package cannot sit beside the amd64 one).
# Prints a directory holding usr/bin/exitstat and every shared library it needs (DT_NEEDED),
# which run-host.sh lays over the host's root filesystem.
# Cached: the sysroot by its package versions, the objects by make (tools/exitstat/Makefile).
set -euo pipefail
PROG=build-exitstat-arm64
# shellcheck source=images/lib.sh
. "$(dirname "$0")/lib.sh"

case "${1:-}" in
-h | --help)
	echo "Usage: images/build-exitstat-arm64.sh   (prints a directory: usr/bin/exitstat and its libraries)"
	exit 0 ;;
"") ;;
*) echo "build-exitstat-arm64: unknown argument '$1' (see --help)" >&2; exit 2 ;;
esac

DEV_PACKAGES=(libtracecmd-dev libtracefs-dev libtraceevent-dev libzstd-dev libc6-dev)
LIBDIR=aarch64-linux-gnu
CROSS_CC=aarch64-linux-gnu-gcc
command -v "$CROSS_CC" >/dev/null || die "$CROSS_CC not found: run images/install-deps.sh"

mkdir -p "$BUILD_DIR/logs" "$BUILD_DIR/debs/arm64"
names=$(deb_closure_names arm64 "${DEV_PACKAGES[@]}") ||
	die "cannot resolve ${DEV_PACKAGES[*]} for arm64: run images/install-deps.sh (dpkg --add-architecture arm64, apt-get update)"
[ -n "$names" ] || die "apt resolved no arm64 packages for ${DEV_PACKAGES[*]}: run images/install-deps.sh"
key=$(cache_key "str:$names" "file:$0")
top=$BUILD_DIR/exitstat-arm64/$key
sysroot=$top/sysroot
if [ ! -f "$sysroot/.complete" ]; then
	log "unpacking the arm64 sysroot for exitstat ($(wc -l <<<"$names") packages)"
	unpack_closure arm64 "$sysroot" "${DEV_PACKAGES[@]}"
	touch "$sysroot/.complete"
fi

# --sysroot: headers, crt files and libraries all come from the unpacked arm64 packages (gcc's
# own libgcc from its installation); pkg-config prefixes its paths with the sysroot.
libs=$sysroot/usr/lib/$LIBDIR
PKG_CONFIG_SYSROOT_DIR=$sysroot PKG_CONFIG_LIBDIR=$libs/pkgconfig:$sysroot/usr/share/pkgconfig \
	make -s -C "$EXITLAB_ROOT/tools/exitstat" BUILD="$top/obj" CC="$CROSS_CC --sysroot=$sysroot" AR=aarch64-linux-gnu-ar \
	LDFLAGS="-Wl,-rpath-link,$libs -Wl,-rpath-link,$sysroot/lib/$LIBDIR" >"$BUILD_DIR/logs/exitstat-arm64.log" 2>&1 ||
	die "building exitstat for arm64 failed, see $BUILD_DIR/logs/exitstat-arm64.log"

install -D -m 755 "$top/obj/exitstat" "$sysroot/usr/bin/exitstat"
tree=$top/tree
rm -rf "$tree"
install_with_libs "$sysroot" "$tree" "$LIBDIR" usr/bin/exitstat
echo "$tree"
