# shellcheck shell=bash
# Shared helpers for the image recipes (sourced, not run).

EXITLAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${EXITLAB_BUILD:-$EXITLAB_ROOT/build}
PATCH_DIR=$EXITLAB_ROOT/kernel-patches/6.1
# shellcheck disable=SC2034 # used by the scripts that source this file
KERNEL_SOURCE_PKG=linux-source-6.1
# shellcheck disable=SC2034
KERNEL_SOURCE_TARBALL=/usr/src/linux-source-6.1.tar.xz

log() { printf '%s: %s\n' "${PROG:-exitlab}" "$*" >&2; }
die() { printf '%s: %s\n' "${PROG:-exitlab}" "$*" >&2; exit 1; }

# Version of an installed Debian package, or nothing.
pkg_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true; }

# Hash of the given strings and files' contents: the cache key of a build product.
# Arguments are "file:PATH" or "str:TEXT".
cache_key() {
	local a
	for a in "$@"; do
		case "$a" in
		file:*) printf 'F %s\n' "$(basename "${a#file:}")"; cat "${a#file:}" ;;
		str:*) printf 'S %s\n' "${a#str:}" ;;
		*) die "cache_key: bad argument '$a'" ;;
		esac
	done | sha256sum | cut -c1-16
}

# The patch files of the series, in order.
series_files() {
	local p
	while read -r p; do
		case "$p" in '' | '#'*) continue ;; esac
		printf '%s\n' "$PATCH_DIR/$p"
	done <"$PATCH_DIR/series"
}

series_hash() {
	local args=() f
	while read -r f; do args+=("file:$f"); done < <(series_files)
	cache_key "${args[@]}"
}

# Print elapsed time since $1 (seconds since epoch) as XmYs.
elapsed() {
	local s=$(($(date +%s) - $1))
	printf '%dm%02ds' $((s / 60)) $((s % 60))
}

# apt-get as if nothing were installed, so that it resolves the whole dependency closure
# of foreign-architecture packages; downloads land in build/debs/ARCH (a cache).
apt_closure() {
	local arch=$1
	shift
	local state=$BUILD_DIR/debs/apt-state
	mkdir -p "$state" "$BUILD_DIR/debs/$arch/partial"
	: >"$state/status"
	apt-get -q -o Dir::State::status="$state/status" \
		-o Dir::Cache::archives="$BUILD_DIR/debs/$arch" -o Debug::NoLocking=1 \
		--no-install-recommends -y "$@"
}

# The .deb file names (name_version_arch.deb) that the closure of PKG... needs, from a
# simulated install: no download, and a cache key that changes when any version does.
# Memoised per state of apt's package lists: resolving takes seconds, a warm run should not.
deb_closure_names() {
	local arch=$1
	shift
	local memo
	memo=$BUILD_DIR/debs/closure-$(cache_key "str:$arch $*" \
		"str:$(ls -l --time-style=+%s /var/lib/apt/lists/ 2>/dev/null)").txt
	if [ ! -s "$memo" ]; then
		mkdir -p "$BUILD_DIR/debs"
		resolve_closure "$arch" "$@" >"$memo.tmp"
		mv "$memo.tmp" "$memo"
	fi
	cat "$memo"
}

resolve_closure() {
	local arch=$1
	shift
	apt_closure "$arch" -s install "${@/%/:$arch}" |
		sed -n 's/^Inst \([^ :]*\)\(:[^ ]*\)\{0,1\} (\([^ ]*\) [^[]*\[\([^]]*\)\].*/\1_\3_\4.deb/p' |
		sed 's/:/%3a/g' | LC_ALL=C sort
}

# Download (cached) and unpack the closure of PKG... for ARCH into directory STAGING.
unpack_closure() {
	local arch=$1 staging=$2
	shift 2
	local names deb
	names=$(deb_closure_names "$arch" "$@") || die "cannot resolve $* for $arch (apt-get update?)"
	[ -n "$names" ] || die "apt resolved nothing for $* ($arch)"
	apt_closure "$arch" --download-only install "${@/%/:$arch}" >"$BUILD_DIR/logs/apt-$arch.log" 2>&1 ||
		die "downloading $* ($arch) failed, see $BUILD_DIR/logs/apt-$arch.log"
	rm -rf "$staging"
	mkdir -p "$staging"
	while read -r deb; do
		dpkg-deb -x "$BUILD_DIR/debs/$arch/$deb" "$staging"
	done <<<"$names"
}

# Copy ELF programs from STAGING into ROOTFS (at the same paths) together with every shared
# library they need, found by following DT_NEEDED recursively: no hand-kept library list.
# LIBDIR is the multiarch directory (aarch64-linux-gnu, arm-linux-gnueabihf).
install_with_libs() {
	local staging=$1 rootfs=$2 libdir=$3
	shift 3
	local -a queue=("$@")
	local -A seen=()
	local f interp needed lib found d
	while [ "${#queue[@]}" -gt 0 ]; do
		f=${queue[0]}
		queue=("${queue[@]:1}")
		[ -z "${seen[$f]:-}" ] || continue
		seen[$f]=1
		[ -e "$staging/$f" ] || die "$f not found in the unpacked packages"
		mkdir -p "$rootfs/$(dirname "$f")"
		cp -L "$staging/$f" "$rootfs/$f"
		interp=$(readelf -lW "$staging/$f" 2>/dev/null | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
		if [ -n "$interp" ]; then
			queue+=("$interp")
		fi
		needed=$(readelf -dW "$staging/$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
		for lib in $needed; do
			found=
			for d in "lib/$libdir" "usr/lib/$libdir" lib usr/lib; do
				if [ -e "$staging/$d/$lib" ]; then found=$d/$lib; break; fi
			done
			[ -n "$found" ] || die "$f needs $lib, which no unpacked package provides"
			queue+=("$found")
		done
	done
}

# Pack directory DIR into a gzip'd newc cpio archive OUT (owned by root, stable order).
pack_cpio() {
	local dir=$1 out=$2
	(cd "$dir" && find . -mindepth 1 | LC_ALL=C sort |
		cpio --quiet -o -H newc -R 0:0 | gzip -1 -n) >"$out.tmp"
	mv "$out.tmp" "$out"
}
