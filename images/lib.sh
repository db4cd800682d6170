# shellcheck shell=bash
# Shared helpers for the image recipes (sourced, not run).

EXITLAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${EXITLAB_BUILD:-$EXITLAB_ROOT/build}
# The kernel versions exitlab has a patch series for (kernel-patches/V, Debian's
# linux-source-V), and the default host kernel (README, "Host kernels", says why).
KERNEL_VERSIONS=(6.1 6.12)
DEFAULT_KERNEL=6.1

# The legacy host's kernel (./run-host.sh --host-arch arm): Linux 5.4, the last long-term
# release with 32-bit ARM KVM hosts, which Debian does not package. Its source is a kernel.org
# release tarball: EXITLAB_LEGACY_SOURCE (run-host.sh --legacy-source), else the one in
# ../shared/legacy beside the clone (where CI finds it).
LEGACY_KERNEL=5.4
legacy_source_default() {
	local f
	for f in "$EXITLAB_ROOT"/../shared/legacy/linux-"$LEGACY_KERNEL".*.tar.xz; do
		[ -f "$f" ] && { (cd "$(dirname "$f")" && printf '%s/%s\n' "$(pwd)" "$(basename "$f")"); return 0; }
	done
	return 1
}

# select_kernel V: the series, source package and tarball the recipes use for Linux V;
# 1 if exitlab has no series for V. Sourcing this file selects the default.
# KERNEL_SOURCE_PKG is the Debian package (empty for the legacy kernel, whose tarball is
# KERNEL_SOURCE_TARBALL, possibly missing: kernel_source_version says so).
# shellcheck disable=SC2034 # the variables are read by the scripts that source this file
select_kernel() {
	local v
	if [ "$1" = "$LEGACY_KERNEL" ]; then
		KERNEL_VERSION=$1
		PATCH_DIR=$EXITLAB_ROOT/kernel-patches/$1
		KERNEL_SOURCE_PKG=
		KERNEL_SOURCE_TARBALL=${EXITLAB_LEGACY_SOURCE:-$(legacy_source_default || true)}
		return 0
	fi
	for v in "${KERNEL_VERSIONS[@]}"; do
		[ "$v" = "$1" ] || continue
		KERNEL_VERSION=$1
		PATCH_DIR=$EXITLAB_ROOT/kernel-patches/$1
		KERNEL_SOURCE_PKG=linux-source-$1
		KERNEL_SOURCE_TARBALL=/usr/src/linux-source-$1.tar.xz
		return 0
	done
	return 1
}

# kernel_source_version: the selected kernel source's version as cache keys and run.json name
# it: the Debian package's version, or for a release tarball its name and checksum; nothing
# (status 1) when the source is missing.
kernel_source_version() {
	if [ -n "$KERNEL_SOURCE_PKG" ]; then
		local v
		v=$(pkg_version "$KERNEL_SOURCE_PKG")
		[ -n "$v" ] && [ -f "$KERNEL_SOURCE_TARBALL" ] && echo "$v"
		return
	fi
	[ -n "$KERNEL_SOURCE_TARBALL" ] && [ -f "$KERNEL_SOURCE_TARBALL" ] || return 1
	# One run asks several times (run-host.sh, the kernel recipe, run.json): the checksum of
	# the 100 MiB tarball is kept beside the sources, for as long as its path, size and
	# modification time stay the same.
	local stamp sum memo=$BUILD_DIR/src/.source-sums
	stamp="$(stat -c '%s %Y' "$KERNEL_SOURCE_TARBALL") $KERNEL_SOURCE_TARBALL"
	sum=$(awk -v s="$stamp" 'substr($0, 18) == s { print substr($0, 1, 16); exit }' "$memo" 2>/dev/null)
	if [ -z "$sum" ]; then
		sum=$(sha256sum <"$KERNEL_SOURCE_TARBALL" | cut -c1-16)
		# (best effort: a build directory that cannot be written only costs the next call)
		if mkdir -p "$BUILD_DIR/src" 2>/dev/null; then
			printf '%s %s\n' "$sum" "$stamp" 2>/dev/null >>"$memo" || true
		fi
	fi
	printf '%s sha256:%s\n' "$(basename "$KERNEL_SOURCE_TARBALL" .tar.xz)" "$sum"
}

# kernel_source_missing: what to do when kernel_source_version finds no source.
kernel_source_missing() {
	if [ -n "$KERNEL_SOURCE_PKG" ]; then
		echo "$KERNEL_SOURCE_PKG is not installed: run images/install-deps.sh (as root)"
	elif [ -n "$KERNEL_SOURCE_TARBALL" ]; then
		echo "the Linux $KERNEL_VERSION source $KERNEL_SOURCE_TARBALL does not exist: download linux-$KERNEL_VERSION.N.tar.xz from kernel.org and give its path with --legacy-source"
	else
		echo "no Linux $KERNEL_VERSION source: download linux-$KERNEL_VERSION.N.tar.xz from kernel.org and give its path with --legacy-source (or EXITLAB_LEGACY_SOURCE)"
	fi
}
select_kernel "$DEFAULT_KERNEL"

# The emulated board of the KVM host, as run-host.sh starts it and as images/build-qemu.sh
# checks its own emulator against Debian's (same devices).
# shellcheck disable=SC2034,SC2054 # used by the scripts that source this file; QEMU's commas
OUTER_MACHINE=(-M virt,virtualization=on,gic-version=3 -nodefaults -display none)
# The legacy 32-bit host's board (run-host.sh --host-arch arm): the Versatile Express with a
# Cortex-A15, entered in Hyp mode (QEMU 7.2: virtualization defaults to secure, and a secure
# boot enters Secure SVC, where Linux finds no Hyp mode), device tree from the kernel build
# (-dtb: QEMU adds its virtio-mmio transports to it); its sound chip gets no host audio.
# shellcheck disable=SC2034,SC2054 # used by run-host.sh; QEMU's commas
LEGACY_MACHINE=(-M vexpress-a15,secure=off,virtualization=on -nodefaults -display none
	-audiodev none,id=noaudio -global pl041.audiodev=noaudio)

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

# How much of the series a kernel is built with (./run-host.sh --patches): `all`, `none` (a
# stock kernel), or a level that kernel-patches/V/levels names by the last patch it includes.
# The recipes take it from EXITLAB_PATCHES (run-host.sh sets it for the host kernel's build;
# prepare-source.sh --patches overrides it); series_files/series_hash follow it.
PATCH_LEVEL=${EXITLAB_PATCHES:-all}

# The selected series' levels file as "LEVEL LAST-PATCH" lines (comments and blank lines
# dropped); nothing if it has none.
level_lines() {
	[ ! -f "$PATCH_DIR/levels" ] || sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$PATCH_DIR/levels"
}

# The levels of the selected series, one per line: none, those of its levels file, all.
patch_levels() {
	echo none
	level_lines | awk '{ print $1 }'
	echo all
}

# select_patches LEVEL: build with that part of the selected kernel's series (call after
# select_kernel); 1 if the series has no such level.
select_patches() {
	# Not grep -q: it would stop reading early, and under pipefail the writer's SIGPIPE fails it.
	patch_levels | grep -xF -- "$1" >/dev/null || return 1
	PATCH_LEVEL=$1
}

# The patch files of the series up to the selected level, in order.
series_files() {
	local p last=
	case "$PATCH_LEVEL" in
	none) return 0 ;;
	all) ;;
	*) last=$(level_lines | awk -v l="$PATCH_LEVEL" '$1 == l { print $2 }') ;;
	esac
	while read -r p; do
		case "$p" in '' | '#'*) continue ;; esac
		printf '%s\n' "$PATCH_DIR/$p"
		[ "$p" != "$last" ] || return 0
	done <"$PATCH_DIR/series"
	[ -z "$last" ] || die "kernel-patches/$KERNEL_VERSION/levels: $PATCH_LEVEL ends with $last, which is not in the series"
}

series_hash() {
	local args=() f
	while read -r f; do args+=("file:$f"); done < <(series_files)
	cache_key "${args[@]}"
}

# Real traces recorded in emulated hosts of a stock kernel (their README and RECORDING.md say
# how), with counts made independently: the tests' and analyzer-speed.sh's fixtures, in the
# repository so that a fresh clone runs every test. EXITLAB_FIXTURES points elsewhere.
# shellcheck disable=SC2034 # used by the scripts that source this file
FIXTURES_DIR=${EXITLAB_FIXTURES:-$EXITLAB_ROOT/tests/traces/fixtures}

# The shared cache outside the clone: finished products (the outer QEMU, kernels) stored by
# their cache key, so that another clone on this machine (CI runs a fresh one each time)
# reuses them. Set EXITLAB_SHARED_CACHE to a directory to move it, or to '' to turn it off.
SHARED_CACHE=${EXITLAB_SHARED_CACHE-${XDG_CACHE_HOME:-$HOME/.cache}/exitlab}

# shared_fetch REL: copy SHARED_CACHE/REL (a finished product directory) to BUILD_DIR/REL;
# 1 if the shared cache does not have it.
shared_fetch() {
	local rel=$1
	[ -n "$SHARED_CACHE" ] && [ -f "$SHARED_CACHE/$rel/.complete" ] || return 1
	rm -rf "$BUILD_DIR/$rel.fetch"
	mkdir -p "$(dirname "$BUILD_DIR/$rel")"
	cp -a "$SHARED_CACHE/$rel" "$BUILD_DIR/$rel.fetch" || { rm -rf "$BUILD_DIR/$rel.fetch"; return 1; }
	rm -rf "${BUILD_DIR:?}/${rel:?}"
	mv "$BUILD_DIR/$rel.fetch" "$BUILD_DIR/$rel"
	log "reused $rel from the shared cache $SHARED_CACHE"
}

# shared_store REL: copy the finished BUILD_DIR/REL into the shared cache (best effort: a
# full or read-only cache only costs the next clone a rebuild).
shared_store() {
	local rel=$1 dst
	[ -n "$SHARED_CACHE" ] || return 0
	dst=$SHARED_CACHE/$rel
	[ -f "$dst/.complete" ] && return 0
	if mkdir -p "$(dirname "$dst")" 2>/dev/null && rm -rf "$dst.tmp.$$" &&
		cp -a "$BUILD_DIR/$rel" "$dst.tmp.$$" 2>/dev/null && touch "$dst.tmp.$$/.complete" &&
		{ rm -rf "$dst"; mv "$dst.tmp.$$" "$dst"; }; then
		return 0
	fi
	rm -rf "$dst.tmp.$$"
	log "warning: could not store $rel in the shared cache $SHARED_CACHE"
}

# The benchmarks' host setups (benchmarks/host-setups: NAME OPTIONS... a line, '#' comments).
host_setup_lines() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$EXITLAB_ROOT/benchmarks/host-setups"; }
host_setup_names() { host_setup_lines | awk '{ print $1 }'; }
# host_setup_options NAME: its run-host.sh options, one a line; 1 for an unknown setup.
host_setup_options() {
	local name opts
	while read -r name opts; do
		if [ "$name" = "$1" ]; then
			[ -z "$opts" ] || tr -s ' ' '\n' <<<"$opts"
			return 0
		fi
	done < <(host_setup_lines)
	return 1
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

# kernel_build_lock TARGET REL: wait until no other kernel build runs on this machine (clones
# and CI runs share its cores: two at once take longer than one after the other), holding the
# lock on fd 9 until the caller exits; 0 if whoever held it stored REL in the shared cache
# meanwhile (fetched: nothing left to build). images/build-kernel.sh has its own copy of this
# and of make_with_progress, to be replaced by them with its next change (any change to it
# rekeys every kernel).
kernel_build_lock() {
	local target=$1 rel=$2
	[ -n "$SHARED_CACHE" ] && mkdir -p "$SHARED_CACHE" 2>/dev/null || return 1
	exec 9>"$SHARED_CACHE/.kernel-build.lock"
	if ! flock -n 9; then
		log "$target: another kernel build runs on this machine; waiting for it"
		flock 9
	fi
	shared_fetch "$rel"
}

# make_with_progress TARGET LOG START COMMAND...: run a quiet build, its output appended to LOG,
# saying every 30 s how many files it compiled (V=1: the whole output, also in LOG); COMMAND's
# status.
make_with_progress() {
	local target=$1 buildlog=$2 start=$3 pid status=0
	shift 3
	if [ "${V:-0}" = 1 ]; then
		"$@" V=1 2>&1 | tee -a "$buildlog"
		return "${PIPESTATUS[0]}"
	fi
	"$@" >>"$buildlog" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 30
		kill -0 "$pid" 2>/dev/null || break
		log "$target: $(grep -c '^  CC ' "$buildlog" || true) files compiled, $(elapsed "$start")"
	done
	wait "$pid" || status=$?
	return "$status"
}
