#!/usr/bin/env bash
# Unpack Debian's linux-source-V under build/src and apply kernel-patches/V/series
# (V: --kernel, default lib.sh's DEFAULT_KERNEL), or the part of it --patches names.
# The tree is kept between runs: when the series changes, the old one is reversed and the
# new one applied, so only touched files get new timestamps and rebuilds stay incremental.
set -euo pipefail
PROG=prepare-source
# shellcheck source=images/lib.sh
. "$(dirname "$0")/lib.sh"

level=
while [ $# -gt 0 ]; do
	case "$1" in
	-h | --help)
		echo "Usage: images/prepare-source.sh [--kernel V] [--patches LEVEL]   (prints the path of the patched source tree)"
		echo "  V: one of ${KERNEL_VERSIONS[*]} (default $DEFAULT_KERNEL)"
		echo "  LEVEL: how much of kernel-patches/V/series: $(patch_levels | paste -sd' ') (default all, or \$EXITLAB_PATCHES)"
		exit 0 ;;
	--kernel)
		[ $# -ge 2 ] || { echo "prepare-source: --kernel needs a version" >&2; exit 2; }
		select_kernel "$2" || { echo "prepare-source: --kernel is one of ${KERNEL_VERSIONS[*]}, not '$2'" >&2; exit 2; }
		shift 2 ;;
	--patches)
		[ $# -ge 2 ] || { echo "prepare-source: --patches needs a level" >&2; exit 2; }
		level=$2
		shift 2 ;;
	*) echo "prepare-source: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done
# After the loop: the levels are the selected kernel's.
select_patches "${level:-$PATCH_LEVEL}" || { echo "prepare-source: --patches is one of $(patch_levels | paste -sd' '), not '${level:-$PATCH_LEVEL}'" >&2; exit 2; }

version=$(kernel_source_version) || die "$(kernel_source_missing)"
# Debian's linux-source-V (version 6.1.192-3): linux-6.1.192-3; a release tarball (version
# "linux-5.4.273 sha256:HASH"): linux-5.4.273-HASH.
if [ -n "$KERNEL_SOURCE_PKG" ]; then
	src=$BUILD_DIR/src/linux-$version
else
	src=$BUILD_DIR/src/${version// sha256:/-}
fi
source_name=${KERNEL_SOURCE_PKG:-$(basename "$KERNEL_SOURCE_TARBALL")}
applied=$src/.exitlab-applied-series
want=$(series_hash)

apply_series() {
	local f
	while read -r f; do
		patch -d "$src" -p1 -s -N --no-backup-if-mismatch <"$f" ||
			die "$(basename "$f") does not apply to $source_name $version"
	done < <(series_files)
	mkdir -p "$src/.exitlab-series"
	rm -f "$src/.exitlab-series"/*
	while read -r f; do cp "$f" "$src/.exitlab-series/"; done < <(series_files)
	series_files | xargs -r -n1 basename >"$src/.exitlab-series/series"
	echo "$want" >"$applied"
}

# Reverse the previously applied series (saved copies, newest first); 1 if it cannot be.
reverse_applied() {
	local p
	[ -f "$src/.exitlab-series/series" ] || return 1
	while read -r p; do
		patch -d "$src" -p1 -R -s --no-backup-if-mismatch <"$src/.exitlab-series/$p" || return 1
	done < <(tac "$src/.exitlab-series/series")
}

if [ -f "$applied" ] && [ "$(cat "$applied")" = "$want" ]; then
	echo "$src"
	exit 0
fi

# Files a series touches, from its diff headers.
touched_files() { sed -n 's|^+++ b/\(.*\)|\1|p' "$@" 2>/dev/null | sort -u; }

# Reversing and re-applying rewrites every file of the series; give the files whose content
# came out the same their old timestamps back, so that make rebuilds only what changed.
saved_stamps=$BUILD_DIR/src/.stamps.$$
save_stamps() {
	local f new_series
	mapfile -t new_series < <(series_files)
	: >"$saved_stamps"
	while read -r f; do
		[ -f "$src/$f" ] && printf '%s %s %s\n' "$(stat -c %Y "$src/$f")" \
			"$(sha256sum <"$src/$f" | cut -c1-64)" "$f" >>"$saved_stamps"
	done < <(touched_files "$src/.exitlab-series"/*.patch "${new_series[@]}")
}
restore_stamps() {
	local stamp sum f
	[ -f "$saved_stamps" ] || return 0
	while read -r stamp sum f; do
		[ -f "$src/$f" ] && [ "$(sha256sum <"$src/$f" | cut -c1-64)" = "$sum" ] &&
			touch -m -d "@$stamp" "$src/$f"
	done <"$saved_stamps"
	rm -f "$saved_stamps"
}

if [ -d "$src" ] && [ -f "$applied" ]; then
	log "patch series changed: reversing the old one in $src"
	save_stamps
	if ! reverse_applied; then
		log "old series does not reverse cleanly; unpacking the source again"
		rm -rf "$src"
	fi
	rm -f "$applied"
elif [ -d "$src" ]; then
	# Unpacked but never finished patching: start over.
	rm -rf "$src"
fi

if [ ! -d "$src" ]; then
	log "unpacking $source_name ($version)"
	mkdir -p "$BUILD_DIR/src"
	tmp=$BUILD_DIR/src/.unpack.$$
	rm -rf "$tmp"
	mkdir -p "$tmp"
	tar -xf "$KERNEL_SOURCE_TARBALL" -C "$tmp"
	# The archive's one top directory (linux-source-V, linux-V.N).
	top=("$tmp"/*/)
	[ "${#top[@]}" = 1 ] || die "$KERNEL_SOURCE_TARBALL: expected one top directory, found ${#top[@]}"
	mv "${top[0]}" "$src"
	rmdir "$tmp"
	# tar keeps the archive's (old) timestamps: objects built from an earlier, differently
	# patched tree would look newer than their sources and be reused. Make every file new.
	if compgen -G "$BUILD_DIR/obj/*-$KERNEL_VERSION" >/dev/null; then
		find "$src" -type f -exec touch -m {} +
	fi
fi
log "applying $(series_files | wc -l) patches from kernel-patches/$KERNEL_VERSION (--patches $PATCH_LEVEL)"
apply_series
restore_stamps
echo "$src"
