# SPDX-License-Identifier: GPL-2.0
"""The report's experiments (report/experiments.cfg): parse, then run or reuse each one."""

import json
import os
import re
import shlex
import shutil
import subprocess

from .common import BUILD, ROOT, ReportError, UsageError, note

EXPERIMENTS_CFG = os.path.join(ROOT, "report", "experiments.cfg")
KINDS = {"run-host": os.path.join(ROOT, "run-host.sh"),
         "multi-guest": os.path.join(ROOT, "benchmarks", "multi-guest"),
         "exit-cost": os.path.join(ROOT, "benchmarks", "exit-cost.sh"),
         "patch-effect": os.path.join(ROOT, "benchmarks", "patch-effect.sh")}
# What a finished experiment of each kind leaves in its directory.
RESULT = {"run-host": "run.json", "multi-guest": "results.csv", "exit-cost": "exit-cost.json",
          "patch-effect": "patch-effect.json"}
STAMP = "report-experiment.json"


def load_experiments(path, only=None):
    """[{name, kind, args, about, run}] in file order; errors name the file and line. With
    ONLY (comma separated names), the others are kept with run False: their finished runs
    still go into the report."""
    exps, cur = [], None
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            where = f"{path}:{n}"
            m = re.fullmatch(r"\[([a-z0-9][a-z0-9-]*)\]", line)
            if m:
                cur = {"name": m.group(1), "kind": None, "args": None, "about": "", "line": where}
                exps.append(cur)
                continue
            m = re.fullmatch(r"([a-z-]+)\s*=\s*(.*)", line)
            if not m or cur is None:
                raise UsageError(f"{where}: expected '[name]' or 'key = value'")
            key, val = m.groups()
            if key == "about":
                cur["about"] = val
            elif key in KINDS:
                if cur["kind"]:
                    raise UsageError(f"{where}: [{cur['name']}] already has '{cur['kind']}'")
                try:
                    cur["kind"], cur["args"] = key, shlex.split(val)
                except ValueError as e:
                    raise UsageError(f"{where}: {e}") from e
                if "--out" in cur["args"]:
                    raise UsageError(f"{where}: --out is the report's to choose")
            else:
                raise UsageError(f"{where}: unknown key '{key}' (about, {', '.join(KINDS)})")
    for e in exps:
        if not e["kind"]:
            raise UsageError(f"{e['line']}: [{e['name']}] names no command ({', '.join(KINDS)})")
    for e in exps:
        e["run"] = True
    if only:
        names = only.split(",")
        unknown = [n for n in names if n not in {e["name"] for e in exps}]
        if unknown:
            raise UsageError(f"--only: no experiment {', '.join(unknown)} in {path}")
        for e in exps:
            e["run"] = e["name"] in names
    return exps


def images_fingerprint():
    """./run-host.sh --build-only's keyed image paths: a changed input changes one of them."""
    p = subprocess.run([KINDS["run-host"], "--build-only", "--no-install"], capture_output=True, text=True,
                       check=False)
    if p.returncode != 0:
        raise ReportError(f"./run-host.sh --build-only failed: {p.stderr.strip()[-300:]}")
    return sorted(line for line in p.stdout.splitlines() if re.match(r"^[a-z ]+:\s+/", line))


def finished(d, kind):
    return os.path.exists(os.path.join(d, RESULT[kind]))


def read_stamp(d):
    try:
        with open(os.path.join(d, STAMP), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def write_stamp(d, stamp, done):
    with open(os.path.join(d, STAMP), "w", encoding="utf-8") as f:
        json.dump(dict(stamp, finished=done), f, indent=1)


def run_experiments(exps, runs_dir, dry_run):
    """Runs (or reuses) each experiment; returns their output directories. A finished one
    with the same command and images is reused; an unfinished study with them resumes (the
    runner skips its finished cells); anything else starts afresh."""
    runs_dir = runs_dir or os.path.join(BUILD, "report-runs")
    fp = images_fingerprint()
    out = []
    for e in exps:
        d = os.path.join(runs_dir, e["name"])
        stamp = {"kind": e["kind"], "args": e["args"], "images": fp}
        old = read_stamp(d) or {}
        same = {k: v for k, v in old.items() if k != "finished"} == stamp
        if not e["run"]:
            # Not among --only's: its finished run is used as it is, images and all.
            if old.get("finished") and finished(d, e["kind"]):
                note(f"{e['name']}: using {d}" + ("" if same else " (made from other images)"))
                out.append(d)
            else:
                note(f"{e['name']}: no finished run in {d}; left out (not among --only's)")
            continue
        if same and old.get("finished") and finished(d, e["kind"]):
            note(f"{e['name']}: reusing {d}")
            out.append(d)
            continue
        # The study and patch-effect.sh skip what they finished before: they resume.
        resume = same and e["kind"] in ("multi-guest", "patch-effect")
        argv = [KINDS[e["kind"]], *e["args"], "--out", d]
        note(f"{e['name']}: {'would ' if dry_run else ''}{'resume' if resume else 'run'} "
             f"{' '.join(shlex.quote(a) for a in argv)}")
        if dry_run:
            continue
        if os.path.exists(d) and not resume:
            shutil.rmtree(d)
        os.makedirs(os.path.dirname(d), exist_ok=True)
        if e["kind"] in ("multi-guest", "patch-effect"):  # marks it as this one, to resume
            os.makedirs(d, exist_ok=True)
            write_stamp(d, stamp, False)
        log = d + ".log"
        with open(log, "a" if resume else "w", encoding="utf-8") as f:
            st = subprocess.run(argv, stdout=f, stderr=subprocess.STDOUT, check=False).returncode
        if st != 0:
            raise ReportError(f"{e['name']}: {os.path.basename(argv[0])} exited with status {st}; see {log} "
                              "(running the same command again resumes a study)")
        write_stamp(d, stamp, True)
        out.append(d)
    return out
