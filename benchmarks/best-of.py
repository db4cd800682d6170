#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Best wall time and peak RSS of a command over several runs.

usage: best-of.py RUNS COMMAND [ARG...]

Runs COMMAND RUNS times (output discarded; a pipeline: bash -c '...'),
prints "SECONDS PEAK_RSS_KB": the shortest wall time and the largest
maximum resident set size of any process it ran (getrusage of the waited-for
children: for a pipeline, its largest member). Exit 1 if a run fails.
"""
import resource
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 3 or not sys.argv[1].isdigit():
        sys.exit(__doc__)
    runs = max(1, int(sys.argv[1]))
    best = None
    for _ in range(runs):
        t0 = time.perf_counter()
        rc = subprocess.call(sys.argv[2:], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        t = time.perf_counter() - t0
        if rc != 0:
            print(f"best-of: {sys.argv[2]}: exit {rc}", file=sys.stderr)
            sys.exit(1)
        best = t if best is None else min(best, t)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"{best:.4f} {rss}")


if __name__ == "__main__":
    main()
