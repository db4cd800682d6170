# SPDX-License-Identifier: GPL-2.0
"""run: the study's cells through GNU parallel (resuming finished ones), then merge."""

import json
import os
import shlex
import shutil
import signal
import statistics
import subprocess
import time

from .cell import describe
from .common import ROOT, RUN_HOST, UsageError, device_args, die, fmt_duration, note
from .study import LIST_AXES, expand
from .tables import merge


def host_mem_mb(c):
    """The emulated host's memory as run-host.sh sizes it (its default for --mem)."""
    return max(2048, 1024 + c["guests"] * (c["guest_mem"] + 64))


def mem_available_mb():
    with open("/proc/meminfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) // 1024
    return 0


def cell_status(out, c):
    d = os.path.join(out, "cells", c["id"])
    if not os.path.exists(os.path.join(d, "DONE")):
        return None
    with open(os.path.join(d, "cell.json"), encoding="utf-8") as f:
        return json.load(f)


def preflight(args, cells, pending):
    if not shutil.which("parallel"):
        raise UsageError("GNU parallel is missing: run images/install-deps.sh (package 'parallel')")
    local = not args.sshlogin and not args.slf or args.sshlogin == [":"]
    if local and pending:
        need = max(host_mem_mb(c) for c in pending) * min(args.jobs, len(pending))
        have = mem_available_mb()
        if need > have:
            raise UsageError(f"--jobs {args.jobs}: the emulated hosts need {need} MiB, "
                             f"{have} MiB are available")
        cores = os.cpu_count() or 1
        if args.jobs * cells[0]["smp"] > cores:
            note(f"warning: --jobs {args.jobs} x {cells[0]['smp']} host CPUs on {cores} cores: "
                 "cells will slow each other down (timing figures suffer)")
    return local


def build_images(cells, extra):
    """Build (or find cached) the images once, before GNU parallel starts the cells."""
    for arch in dict.fromkeys(c["arch"] for c in cells):
        p = subprocess.run([RUN_HOST, "--build-only", "--guest-arch", arch, *extra],
                           capture_output=True, text=True, check=False)
        if p.returncode != 0:
            die(f"./run-host.sh --build-only --guest-arch {arch} failed (exit {p.returncode}):\n"
                + "\n".join((p.stdout + p.stderr).strip().splitlines()[-15:]), 1 if p.returncode == 1 else 2)


def parallel_cmd(args, out, todo, total, skipped, avg_s, local):
    """GNU parallel over a job file: one line per cell (seq, id, spec)."""
    jobs = os.path.join(out, "jobs.tsv")
    with open(jobs, "w", encoding="utf-8") as f:
        for i, c in enumerate(todo, skipped + 1):
            f.write(f"{i}\t{c['id']}\t{json.dumps(c, separators=(',', ':'))}\n")
    root = ROOT if local else (args.remote_root or ROOT)
    tmpl = (f"{shlex.quote(os.path.join(root, 'benchmarks', 'multi-guest'))} cell --dir cells/{{2}} "
            f"--seq {{1}} --total {total} --skipped {skipped} --t0 {time.time():.0f} --avg-s {avg_s:.0f} "
            f"--jobs {args.jobs} --spec {{3}}")
    cmd = ["parallel", "--will-cite", "--jobs", str(args.jobs), "--colsep", "\t", "--line-buffer",
           "--joblog", os.path.join(out, "joblog.txt"), "--arg-file", jobs]
    for s in args.sshlogin or []:
        cmd += ["--sshlogin", s]
    if args.slf:
        cmd += ["--sshloginfile", args.slf]
    if not local:
        # Remote cells run in a scratch directory there and come back as cells/ID.
        cmd += ["--workdir", "...", "--return", "cells/{2}", "--cleanup"]
    return cmd + [tmpl]


def summarize(out, cells, merged):
    rows, _, cell_info, plots = merged
    ok = [c for c in cell_info if c["status"] == "ok"]
    bad = [c for c in cell_info if c["status"] != "ok"]
    ids = {c["id"] for c in cells}
    missing = [c["id"] for c in cells if c["id"] not in {i["cell_id"] for i in cell_info}]
    note(f"{len([c for c in ok if c['cell_id'] in ids])}/{len(cells)} cells finished; "
         f"{len(rows)} rows in {os.path.join(out, 'results.csv')}")
    for c in bad:
        note(f"FAILED cell {c['cell_id']}: {c['reason']}")
    if missing:
        note(f"{len(missing)} cells not run yet: {' '.join(missing[:6])}{' ...' if len(missing) > 6 else ''}")
    if plots:
        note(f"plots: {' '.join(os.path.relpath(p, out) for p in plots if p.endswith('.png'))} (and .svg) in {out}/plots")
    return 0 if len([c for c in ok if c["cell_id"] in ids]) == len(cells) else 1


def run_study(args, m):
    cells, dropped = expand(m)
    if not cells:
        raise UsageError("the study has no cells")
    for d in dropped:
        note(f"left out: {d}")
    if args.dry_run:
        for i, c in enumerate(cells, 1):
            dev = " ".join(device_args(c["workload"], c["ops"]))
            print(f"cell {i}/{len(cells)} {c['id']}: exitlab-workload {c['workload']}"
                  f"{' --ops ' + str(c['ops']) if c['ops'] else ''}{' (run-host.sh ' + dev + ')' if dev else ''}"
                  f" ({describe(c)})")
        return 0
    for c in cells:  # options for every ./run-host.sh are part of each cell's settings
        c["run_host_args"] = list(args.run_host_args)
    out = os.path.abspath(args.out)
    os.makedirs(os.path.join(out, "cells"), exist_ok=True)
    done, todo = [], []
    for c in cells:
        st = cell_status(out, c)
        if st is None:
            todo.append(c)
            continue
        if st["spec"] != c:
            raise UsageError(f"{out}: cell {c['id']} finished earlier with other settings "
                             f"({json.dumps(st['spec'])}): use another --out")
        done.append(st)
    with open(os.path.join(out, "study.json"), "w", encoding="utf-8") as f:
        json.dump({"study": m["study"], "description": m["description"], "matrix":
                   {k: m[k] for k in LIST_AXES + ("repeats", "timeout", "guest_mem", "smp", "ops")},
                   "run_host_args": args.run_host_args, "cells": [c["id"] for c in cells]}, f, indent=1)
    local = preflight(args, cells, todo)
    axes = ", ".join(f"{k} " + ",".join(("on" if v else "off") if k == "trace" else str(v) for v in m[k])
                     for k in LIST_AXES)
    note(f"study {m['study']}: {len(cells)} cells ({axes}, repeats {m['repeats']}); "
         f"{len(done)} finished earlier, {len(todo)} to run, --jobs {args.jobs}")
    status = 0
    if todo:
        if local:
            build_images(todo, args.run_host_args)
        avg = statistics.mean(d["cell_wall_s"] for d in done) if done else 0
        cmd = parallel_cmd(args, out, todo, len(cells), len(done), avg, local)
        t0 = time.time()
        proc = subprocess.Popen(cmd, cwd=out)
        try:
            proc.wait()
        except KeyboardInterrupt:
            note("interrupted: stopping the running cells (finished cells are kept; run the same command to resume)")
            # From a terminal GNU parallel and the cells got the SIGINT too; otherwise pass it on
            # (parallel then stops its jobs: each cell stops its run-host.sh).
            try:
                proc.send_signal(signal.SIGINT)
                proc.wait(timeout=120)
            except (subprocess.TimeoutExpired, KeyboardInterrupt):
                proc.kill()
                proc.wait()
            status = 130
        if proc.returncode is not None and proc.returncode > 100 and status == 0:
            note(f"GNU parallel failed (exit {proc.returncode}): see the messages above")
        note(f"cells took {fmt_duration(time.time() - t0)}")
    merged = merge(out, [out])
    s = summarize(out, cells, merged)
    return status or s
