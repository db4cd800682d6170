#!/usr/bin/env bash
# Install the Debian packages exitlab needs on the build machine (Debian 12, x86_64).
# Idempotent: packages already installed are left alone.
set -euo pipefail

usage() {
	cat <<'USAGE'
Usage: images/install-deps.sh [--check] [--help]

Installs (as root, with apt-get) the cross compilers, the Linux sources, QEMU,
trace-cmd and the libraries exitlab builds against, enables the arm64 and
armhf package architectures so images/ can unpack Debian's ARM packages, and
adds Debian's source index (deb-src, same mirrors as the deb entries) so that
images/build-qemu.sh can fetch the source package of the installed QEMU.

  --check   only report what is missing; exit 0 if nothing, 1 otherwise
USAGE
}

# shellcheck source=images/lib.sh
. "$(dirname "$0")/lib.sh"
# Debian's source package of each kernel exitlab has a series for (lib.sh KERNEL_VERSIONS).
KERNEL_PKGS=()
for v in "${KERNEL_VERSIONS[@]}"; do
	select_kernel "$v"
	KERNEL_PKGS+=("$KERNEL_SOURCE_PKG")
done
PACKAGES=(
	make gcc libc6-dev bc bison flex cpio xz-utils zstd gzip perl python3 jq file bsdextrautils
	"${KERNEL_PKGS[@]}"
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	gcc-arm-linux-gnueabihf libc6-dev-armhf-cross
	qemu-system-arm
	trace-cmd libtracecmd-dev libtracefs-dev libtraceevent-dev pkg-config
	libzstd-dev  # exitstat decompresses trace.dat v7 CPU data itself (tools/exitstat/zstream.c)
	shellcheck clang libclang-rt-14-dev gnuplot-nox
	parallel  # GNU parallel: benchmarks/multi-guest runs its cells with it
	chromium  # tests/report/browser.sh opens the report's index.html headless
	meson ninja-build libglib2.0-dev libpixman-1-dev libfdt-dev zlib1g-dev
)
# EXITLAB_EXTRA_PACKAGES: more packages to require (the tests use it to fake a missing one).
read -r -a extra <<<"${EXITLAB_EXTRA_PACKAGES:-}"
PACKAGES+=("${extra[@]}")
FOREIGN_ARCHES=(arm64 armhf)
# Debian's source index for images/build-qemu.sh, written by this script.
SRC_LIST=/etc/apt/sources.list.d/exitlab-deb-src.sources

check_only=0
for arg in "$@"; do
	case "$arg" in
	--check) check_only=1 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "install-deps.sh: unknown option '$arg' (see --help)" >&2; exit 2 ;;
	esac
done

missing=()
for p in "${PACKAGES[@]}"; do
	if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != 'install ok installed' ]; then
		missing+=("$p")
	fi
done
arch_missing=()
foreign=$(dpkg --print-foreign-architectures)
for a in "${FOREIGN_ARCHES[@]}"; do
	grep -qx "$a" <<<"$foreign" || arch_missing+=("$a")
done

# Whether apt knows Debian's source package of QEMU (no grep -q: it would SIGPIPE apt-cache).
qemu_source_known() { [ -n "$(apt-cache showsrc qemu 2>/dev/null | sed -n '/^Package: qemu$/p')" ]; }
src_missing=0
qemu_source_known || src_missing=1

if [ "$check_only" = 1 ]; then
	if [ "${#missing[@]}" -eq 0 ] && [ "${#arch_missing[@]}" -eq 0 ] && [ "$src_missing" = 0 ]; then
		exit 0
	fi
	[ "${#missing[@]}" -eq 0 ] || echo "missing packages: ${missing[*]}"
	[ "${#arch_missing[@]}" -eq 0 ] || echo "missing dpkg architectures: ${arch_missing[*]}"
	[ "$src_missing" = 0 ] || echo "missing Debian source index (deb-src) for the qemu source package"
	exit 1
fi

# deb-src twins of the machine's Debian deb entries: deb822 stanzas in $SRC_LIST, one-line
# entries in a .list beside it.
write_src_list() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		if [ -f "$f" ] && [ "$f" != "$SRC_LIST" ]; then
			sed -e '/^Types:/s/.*/Types: deb-src/' "$f"
			echo
		fi
	done >"$SRC_LIST.tmp"
	mv "$SRC_LIST.tmp" "$SRC_LIST"
	local one_line=${SRC_LIST%.sources}.list
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		if [ -f "$f" ] && [ "$f" != "$one_line" ]; then
			sed -n 's/^deb /deb-src /p' "$f"
		fi
	done >"$SRC_LIST.list-tmp"
	mv "$SRC_LIST.list-tmp" "$one_line"
}

if [ "$(id -u)" != 0 ]; then
	echo "install-deps.sh: must run as root to apt-get install: ${missing[*]} ${arch_missing[*]}" >&2
	exit 1
fi

for a in "${arch_missing[@]}"; do
	dpkg --add-architecture "$a"
done
[ "$src_missing" = 0 ] || write_src_list

export DEBIAN_FRONTEND=noninteractive
# A single stale index (seen: "Mirror sync in progress?") makes apt-get update exit 100 even
# though everything we need is resolvable; judge by whether the packages resolve instead.
if ! apt-get update -q; then
	echo "install-deps.sh: warning: apt-get update reported errors; checking that packages resolve" >&2
fi
for probe in "${KERNEL_PKGS[@]}" busybox-static:arm64 busybox-static:armhf qemu-system-arm:arm64 trace-cmd:arm64; do
	if ! apt-cache show "$probe" >/dev/null 2>&1; then
		echo "install-deps.sh: package '$probe' cannot be resolved; check /etc/apt/sources.list and network" >&2
		exit 1
	fi
done
if ! qemu_source_known; then
	echo "install-deps.sh: Debian's source package qemu cannot be resolved; check $SRC_LIST" >&2
	exit 1
fi

if [ "${#missing[@]}" -gt 0 ]; then
	echo "install-deps.sh: installing ${missing[*]}"
	# One retry: a mirror caught mid-sync fails a download now and then.
	apt-get install -y -q --no-install-recommends "${missing[@]}" ||
		{ sleep 10; apt-get install -y -q --no-install-recommends "${missing[@]}"; } ||
		{ echo "install-deps.sh: apt-get install failed twice for: ${missing[*]}" >&2; exit 1; }
fi
echo "install-deps.sh: all build dependencies present"
