#!/usr/bin/env bash
# Static checks: shellcheck on every shell script of the project, checkpatch.pl (from the
# kernel source the series applies to) on every patch of every series kernel-patches/V/, and
# the one userspace definition of the exit-statistics hypercall ABI
# (include/exitlab/exit-stats-abi.h): its values equal each series' kernel patch's, and its
# function IDs are written nowhere else.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=images/lib.sh
. "$ROOT/images/lib.sh"
cd "$ROOT"
passed=0 failed=0
mkdir -p "$BUILD_DIR"
mapfile -t scripts < <(git ls-files | while read -r f; do
	case "$f" in *.sh | tests/run | scripts/host/* | scripts/guest/* | tests/guest/* | .ci/run) echo "$f" ;; esac
done)
for f in "${scripts[@]}"; do
	if shellcheck -x "$f" >"$BUILD_DIR/shellcheck.out" 2>&1; then
		passed=$((passed + 1))
	else
		echo "FAIL shellcheck $f"; cat "$BUILD_DIR/shellcheck.out"; failed=$((failed + 1))
	fi
done
echo "shellcheck: ${#scripts[@]} scripts"
abi=include/exitlab/exit-stats-abi.h
# NAME's value in FILE ("#define NAME VALUE", or a patch's +/context line of one), in decimal.
define_value() {
	local v
	v=$(sed -n "s/^[+ ]\{0,1\}#define[[:space:]]\{1,\}$2[[:space:]]\{1,\}\([^/]*\).*/\1/p" "$1" |
		awk 'NR == 1' | tr -d '()uU[:space:]')
	case "$v" in
	-[0-9]* | [0-9]*) echo $((v)) ;;
	*) echo "none" ;;
	esac
}

# A directory that checkpatch.pl of the kernel source TARBALL (Debian's linux-source-V, whose
# top directory TOP is the package's name, or the legacy host's release tarball) accepts as
# the top of a kernel tree: unpacked from the tarball (scripts/ and include/ are what it reads;
# the other top-level directories only make it a tree) and kept in build/src until VERSION
# (kernel_source_version) changes.
checkpatch_tree() {
	local top=$1 tarball=$2 version=$3 tree tmp
	tree=$BUILD_DIR/src/checkpatch-$top
	if [ "$(cat "$tree/.exitlab-version" 2>/dev/null)" != "$version" ]; then
		tmp=$BUILD_DIR/src/.checkpatch.$$
		rm -rf "$tree" "$tmp"
		mkdir -p "$tmp"
		if ! tar -xf "$tarball" -C "$tmp" "$top"/{COPYING,CREDITS,Kbuild} \
			"$top"/{MAINTAINERS,Makefile,README,scripts,include} --no-recursion \
			"$top"/{Documentation,arch,drivers,fs,init,ipc,kernel,lib}; then
			rm -rf "$tmp"
			return 1
		fi
		echo "$version" >"$tmp/$top/.exitlab-version"
		mv "$tmp/$top" "$tree" && rmdir "$tmp" || return 1
	fi
	echo "$tree"
}

# checkpatch.pl of the kernel the selected series applies to (select_kernel: PATCH_DIR,
# KERNEL_SOURCE_PKG) on each of its patches.  FILE_PATH_CHANGES only asks whether
# MAINTAINERS needs updating for a new file; 0003 adds files under arch/arm64/kvm/, which
# MAINTAINERS already covers, 0004 adds its entry, and 0006 adds
# Documentation/virt/kvm/arm/exit-stats.rst, under KVM's own F: Documentation/virt/kvm/ (5.4's
# 0003 and 0004 add the same under virt/kvm/arm/, include/kvm/ and Documentation/virt/kvm/arm/,
# which its KVM/ARM and KVM entries cover).
check_patches() {
	local dir=${PATCH_DIR#"$ROOT"/} top=$KERNEL_SOURCE_PKG version src p
	if ! version=$(kernel_source_version); then
		if [ -z "$KERNEL_SOURCE_PKG" ]; then
			# The legacy host's source is not Debian's: a clone without it skips its series.
			echo "SKIP checkpatch $dir ($(kernel_source_missing))"
		else
			echo "FAIL checkpatch $dir: $(kernel_source_missing)"
			failed=$((failed + 1))
		fi
		return 0
	fi
	[ -n "$top" ] || top=$(basename "$KERNEL_SOURCE_TARBALL" .tar.xz)
	if ! src=$(checkpatch_tree "$top" "$KERNEL_SOURCE_TARBALL" "$version"); then
		echo "FAIL checkpatch $dir: cannot unpack $KERNEL_SOURCE_TARBALL"
		failed=$((failed + 1))
		return 0
	fi
	while read -r p; do
		if (cd "$src" && ./scripts/checkpatch.pl --quiet --ignore FILE_PATH_CHANGES "$p"); then
			echo "PASS checkpatch ${p#"$ROOT"/}"; passed=$((passed + 1))
		else
			echo "FAIL checkpatch ${p#"$ROOT"/}"; failed=$((failed + 1))
		fi
	done < <(series_files)
}

# The header's values equal those of the selected series (the patches that define the calls,
# 0003 and 0006 in 6.1, 0003 and 0004 in the legacy 5.4, and the SMCCC return codes they use),
# and its function IDs are fast SMC32 vendor-hypervisor calls there. It reads the patches only:
# the legacy series is checked whether or not its source tarball is at hand.
check_abi() {
	local dir=${PATCH_DIR#"$ROOT"/} p ours theirs a k f want abi_ok=1
	while read -r p; do cat "$p"; done < <(series_files) >"$patches"
	if ! grep -q '^+#define ARM_SMCCC_KVM_FUNC_EXIT_STATS_VM' "$patches"; then
		# A series with the exit counter only (none today: 5.4 has them since its 0003).
		echo "SKIP $abi mirrors $dir ($dir has no guest-readable exit statistics)"
		return 0
	fi
	while read -r ours theirs; do
		a=$(define_value "$abi" "$ours") k=$(define_value "$patches" "$theirs")
		if [ "$a" = none ] || [ "$a" != "$k" ]; then
			echo "FAIL $abi: $ours = $a, $dir: $theirs = $k"; abi_ok=0
		fi
	done <<'PAIRS'
EXIT_STATS_FUNC_VM ARM_SMCCC_KVM_FUNC_EXIT_STATS_VM
EXIT_STATS_FUNC_VCPU ARM_SMCCC_KVM_FUNC_EXIT_STATS_VCPU
EXIT_STATS_CLASS_IRQ ARM_SMCCC_KVM_EXIT_CLASS_IRQ
EXIT_STATS_CLASS_SERROR ARM_SMCCC_KVM_EXIT_CLASS_SERROR
EXIT_STATS_CLASS_IL ARM_SMCCC_KVM_EXIT_CLASS_IL
EXIT_STATS_NR_CLASSES ARM_SMCCC_KVM_EXIT_NR_CLASSES
EXIT_STATS_CLASS_ALL ARM_SMCCC_KVM_EXIT_CLASS_ALL
EXIT_STATS_STAT_COUNT ARM_SMCCC_KVM_EXIT_STAT_COUNT
EXIT_STATS_STAT_TIME_NS ARM_SMCCC_KVM_EXIT_STAT_TIME_NS
EXIT_STATS_STAT_TIME_TICKS ARM_SMCCC_KVM_EXIT_STAT_TIME_TICKS
EXIT_STATS_RET_NOT_SUPPORTED SMCCC_RET_NOT_SUPPORTED
EXIT_STATS_RET_INVALID_PARAMETER SMCCC_RET_INVALID_PARAMETER
EXIT_STATS_RET_CLASS_UNDEFINED SMCCC_RET_KVM_EXIT_CLASS_UNDEFINED
EXIT_STATS_RET_CLASS_NEVER_TAKEN SMCCC_RET_KVM_EXIT_CLASS_NEVER_TAKEN
EXIT_STATS_FUNC_SNAPSHOT ARM_SMCCC_KVM_FUNC_EXIT_STATS_SNAPSHOT
EXIT_STATS_RET_BAD_ADDRESS SMCCC_RET_KVM_EXIT_STATS_BAD_ADDRESS
EXIT_STATS_SNAPSHOT_MAGIC ARM_SMCCC_KVM_EXIT_SNAPSHOT_MAGIC
EXIT_STATS_SNAPSHOT_VERSION ARM_SMCCC_KVM_EXIT_SNAPSHOT_VERSION
PAIRS
	# The function IDs: fast SMC32 calls of the vendor hypervisor, as the header's static
	# assertions encode them.
	for f in VM VCPU SNAPSHOT; do
		want="ARM_SMCCC_CALL_VAL(ARM_SMCCC_FAST_CALL,ARM_SMCCC_SMC_32,ARM_SMCCC_OWNER_VENDOR_HYP,"
		want+="ARM_SMCCC_KVM_FUNC_EXIT_STATS_$f)"
		if ! grep -A 4 "^+#define ARM_SMCCC_VENDOR_HYP_KVM_EXIT_STATS_${f}_FUNC_ID" "$patches" |
			tr -d ' \t\\\n+' | grep -F "$want" >/dev/null; then
			echo "FAIL $dir: ARM_SMCCC_VENDOR_HYP_KVM_EXIT_STATS_${f}_FUNC_ID is not a fast SMC32 vendor-hypervisor call"
			abi_ok=0
		fi
	done
	if [ "$abi_ok" = 1 ]; then
		echo "PASS $abi mirrors $dir"; passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
}

# Each level of kernel-patches/V/levels ends with a patch of the series: a prefix of it
# (series_files dies otherwise; `none` and `all` are built in).
check_levels() {
	local dir=${PATCH_DIR#"$ROOT"/} lv ok=1
	while read -r lv; do
		case "$lv" in none | all) continue ;; esac
		# series_files stops at the level's last patch, and dies when the series lacks it.
		if ! (PATCH_LEVEL=$lv series_files >/dev/null 2>&1); then
			echo "FAIL $dir/levels: $lv is not a prefix of the series"; ok=0
		fi
	done < <(patch_levels)
	if [ "$ok" = 1 ]; then
		echo "PASS $dir/levels: $(patch_levels | paste -sd' ')"; passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
}

# Every series kernel-patches/V/series, each one a kernel images/lib.sh knows (KERNEL_VERSIONS,
# LEGACY_KERNEL).
patches=$(mktemp)
trap 'rm -f "$patches"' EXIT
for dir in "$ROOT"/kernel-patches/*/; do
	dir=${dir%/}
	[ -f "$dir/series" ] || continue
	if ! select_kernel "$(basename "$dir")"; then
		echo "FAIL ${dir#"$ROOT"/}: not in images/lib.sh KERNEL_VERSIONS (${KERNEL_VERSIONS[*]}) or LEGACY_KERNEL ($LEGACY_KERNEL)"
		failed=$((failed + 1))
		continue
	fi
	check_patches
	check_abi
	check_levels
done
# no_copies WHAT PATTERN [PATHSPEC...]: PASS WHAT when no file git sees (untracked ones
# included) but those the pathspecs exclude has a line matching the extended regular
# expression PATTERN (any case), else FAIL with the lines.
no_copies() {
	local what=$1 pattern=$2 copies
	shift 2
	if copies=$(git grep -n -i -I -E --untracked -e "$pattern" -- . "$@"); then
		echo "FAIL $what; copies:"; echo "$copies"; failed=$((failed + 1))
	else
		echo "PASS $what"; passed=$((passed + 1))
	fi
}

# The function IDs: only the header, the kernel patches, this check and the README's table for
# readers may write them, and the generated report (data: exitstat prints the IDs it reads from
# the header). Elsewhere, include the header.
no_copies "exit-statistics function IDs only in $abi" '8600002[89]' ":!$abi" ':!kernel-patches/' \
	':!tests/lint.sh' ':!README.md' ':!report/REPORT.md' ':!report/index.html'
# The kvm event formats: only tools/tracedat/formats/ (kvm-formats.h for C, tracedat.py for
# Python) may write a format line ("field:...;" then a tab, raw or escaped, and "offset:"). The
# exceptions are formats no kernel writes, the exitstat unit tests' other kernels' spellings:
# the variants of tests/exitstat/unit-events.c, unit.c's x86-style kvm_exit, unit.h's COMMON.
tab=$'\t'
no_copies "kvm event formats only in tools/tracedat/formats/" "field:[^;]*;($tab|\\\\t)offset:[0-9]" \
	':!tools/tracedat/formats/' ':!tests/exitstat/unit-events.c' ':!tests/exitstat/unit.c' \
	':!tests/exitstat/unit.h' ':!tests/lint.sh'
# The build directory: EXITLAB_BUILD, else build/ at the top, decided in one place per language
# (make: tools/common.mk BUILD_DIR; shell: images/lib.sh BUILD_DIR, which tests/lib.sh sources;
# Python: benchmarks/multiguest/common.py BUILD); everything else derives its paths from those,
# so a path made of a directory and "build" ($ROOT/build, ../build, "build") is a second rule.
# Not yet: report/exitreport/common.py (the same rule, for the report) and benchmarks/exit-cost.sh,
# whose owners are changing them.
read -r build_path <<'PATTERN'
(\$\{?[a-z_][a-z0-9_]*\}?|\$\([a-z_]+\)|\)|\.\.|")/build([/"')}[:space:]]|$)|["']build["']
PATTERN
no_copies "the build directory decided only by its rule" "$build_path" \
	':!tools/common.mk' ':!images/lib.sh' ':!benchmarks/multiguest/common.py' ':!tests/lint.sh' \
	':!report/exitreport/common.py' ':!benchmarks/exit-cost.sh'
# The main path (run-host.sh and what it runs, the tools, the benchmarks, the report) uses
# nothing under tests/: a path to tests/ in its code (after a variable, "..", or a quote) fails.
# Allowed: tests/traces/, recorded data that the benchmarks read as their input too (where
# benchmarks/README.md says it is), and the TEST/TEST_DIR of a tool's Makefile, used only by
# its `check` target (GNU's convention: `make check` builds and runs the unit tests).
read -r tests_path <<'PATTERN'
(\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\$\([A-Za-z_]+\)|\.\.)/tests([/"'[:space:]]|$)|["']tests(/|["'])
PATTERN
if refs=$(git grep -n -I -E --untracked -e "$tests_path" -- run-host.sh images scripts tools benchmarks \
	report include | grep -v -E '/tests/traces/|^tools/[^/]+/Makefile:[0-9]+:TEST(_DIR)? := '); then
	echo "FAIL the main path refers to tests/:"; echo "$refs"; failed=$((failed + 1))
else
	echo "PASS the main path refers to nothing under tests/"; passed=$((passed + 1))
fi
# run-host.sh's options are declared once, in images/run-host-options.sh's table, whose parser
# sets their variables by name: run-host.sh hides shellcheck's "referenced but not assigned"
# (SC2154) for them, so here each variable it would name must be one of the table's.
sed '/^# shellcheck disable=SC2154/d' run-host.sh >"$BUILD_DIR/lint-run-host.sh"
# shellcheck source=images/run-host-options.sh
unassigned=$(shellcheck -x -i SC2154 -f gcc "$BUILD_DIR/lint-run-host.sh" |
	sed -n 's/.*warning: \([A-Za-z_][A-Za-z0-9_]*\) is referenced but not assigned.*/\1/p' | sort -u |
	grep -v -x -F -f <(PROG=lint . images/run-host-options.sh && printf '%s\n' "${OPT_VARS[@]}") || true)
if [ -z "$unassigned" ]; then
	echo "PASS run-host.sh uses no unassigned variable but the options'"; passed=$((passed + 1))
else
	echo "FAIL run-host.sh: referenced but never assigned (nor an option's): $(paste -sd' ' <<<"$unassigned")"
	failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
