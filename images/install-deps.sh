#!/usr/bin/env bash
# Install the Debian packages exitlab needs on the build machine (Debian 12, x86_64).
# Idempotent: packages already installed are left alone.
set -euo pipefail

usage() {
	cat <<'USAGE'
Usage: images/install-deps.sh [--check] [--help]

Installs (as root, with apt-get) the cross compilers, Linux 6.1 source, QEMU,
trace-cmd and the libraries exitlab builds against, and enables the arm64 and
armhf package architectures so images/ can unpack Debian's ARM packages.

  --check   only report what is missing; exit 0 if nothing, 1 otherwise
USAGE
}

PACKAGES=(
	make gcc libc6-dev bc bison flex cpio xz-utils zstd gzip perl python3 jq file bsdextrautils
	linux-source-6.1
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	gcc-arm-linux-gnueabihf libc6-dev-armhf-cross
	qemu-system-arm
	trace-cmd libtracecmd-dev libtracefs-dev libtraceevent-dev pkg-config
	shellcheck clang libclang-rt-14-dev gnuplot-nox
)
# EXITLAB_EXTRA_PACKAGES: more packages to require (the tests use it to fake a missing one).
read -r -a extra <<<"${EXITLAB_EXTRA_PACKAGES:-}"
PACKAGES+=("${extra[@]}")
FOREIGN_ARCHES=(arm64 armhf)

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

if [ "$check_only" = 1 ]; then
	if [ "${#missing[@]}" -eq 0 ] && [ "${#arch_missing[@]}" -eq 0 ]; then
		exit 0
	fi
	[ "${#missing[@]}" -eq 0 ] || echo "missing packages: ${missing[*]}"
	[ "${#arch_missing[@]}" -eq 0 ] || echo "missing dpkg architectures: ${arch_missing[*]}"
	exit 1
fi

if [ "$(id -u)" != 0 ]; then
	echo "install-deps.sh: must run as root to apt-get install: ${missing[*]} ${arch_missing[*]}" >&2
	exit 1
fi

for a in "${arch_missing[@]}"; do
	dpkg --add-architecture "$a"
done

export DEBIAN_FRONTEND=noninteractive
# A single stale index (seen: "Mirror sync in progress?") makes apt-get update exit 100 even
# though everything we need is resolvable; judge by whether the packages resolve instead.
if ! apt-get update -q; then
	echo "install-deps.sh: warning: apt-get update reported errors; checking that packages resolve" >&2
fi
for probe in linux-source-6.1 busybox-static:arm64 busybox-static:armhf qemu-system-arm:arm64 trace-cmd:arm64; do
	if ! apt-cache show "$probe" >/dev/null 2>&1; then
		echo "install-deps.sh: package '$probe' cannot be resolved; check /etc/apt/sources.list and network" >&2
		exit 1
	fi
done

if [ "${#missing[@]}" -gt 0 ]; then
	echo "install-deps.sh: installing ${missing[*]}"
	# One retry: a mirror caught mid-sync fails a download now and then.
	apt-get install -y -q --no-install-recommends "${missing[@]}" ||
		{ sleep 10; apt-get install -y -q --no-install-recommends "${missing[@]}"; } ||
		{ echo "install-deps.sh: apt-get install failed twice for: ${missing[*]}" >&2; exit 1; }
fi
echo "install-deps.sh: all build dependencies present"
