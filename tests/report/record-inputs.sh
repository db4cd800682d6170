#!/usr/bin/env bash
# Copies what the report test (tests/report/report-from.sh) reads from real runs of the
# report's experiments into tests/report/inputs/, so a fresh clone can run it: two run
# directories (run.json, trace.dat, each guest's console.log and debugfs/vm-name), the
# default study's tables (no cell traces), exit-cost.sh's exit-cost.json and patch-effect.sh's
# results. Run after `make report`; commit the result.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
runs=${1:-$BUILD_DIR/report-runs}
dest=$ROOT/tests/report/inputs
[ -d "$runs" ] || { echo "record-inputs.sh: $runs: no such directory (run make report first)" >&2; exit 1; }
rm -rf "$dest"
for name in boot-arm64 default-arm; do
	src=$runs/$name
	if [ ! -f "$src/run.json" ] || [ ! -f "$src/trace.dat" ]; then echo "record-inputs.sh: $src: not a traced run" >&2; exit 1; fi
	mkdir -p "$dest/$name"
	cp "$src/run.json" "$src/trace.dat" "$dest/$name/"
	for g in "$src"/guest*/; do
		g=$(basename "$g")
		mkdir -p "$dest/$name/$g/debugfs"
		cp "$src/$g/console.log" "$dest/$name/$g/"
		cp "$src/$g/debugfs/vm-name" "$dest/$name/$g/debugfs/"
	done
done
mkdir -p "$dest/study-default"
for f in study.json results.csv exits_by_class.csv cells.csv; do
	cp "$runs/study-default/$f" "$dest/study-default/"
done
mkdir -p "$dest/exit-cost"
cp "$runs/exit-cost/exit-cost.json" "$dest/exit-cost/"
# Section 10: patch-effect.sh's results (the per-run figures it measured, not the runs) and,
# when there, an exit-cost.sh run comparing host kernels (EXIT_COST_KERNELS: its directory).
mkdir -p "$dest/patch-effect"
cp "$runs/patch-effect/patch-effect.json" "$runs/patch-effect/runs.jsonl" "$dest/patch-effect/"
if [ -n "${EXIT_COST_KERNELS:-}" ]; then
	mkdir -p "$dest/exit-cost-kernels"
	cp "$EXIT_COST_KERNELS/exit-cost.json" "$dest/exit-cost-kernels/"
fi
du -sh "$dest"
