# SPDX-License-Identifier: GPL-2.0
"""One cell: what GNU parallel runs (`multi-guest cell`): ./run-host.sh, then the judgement."""

import datetime
import json
import os
import re
import signal
import socket
import subprocess
import time

from .common import ROOT, RUN_HOST, device_args, fmt_duration


def guest_cmd(c):
    cmd = f"exitlab-workload {c['workload']}"
    if c.get("ops"):
        cmd += f" --ops {c['ops']}"
    return cmd


def describe(c):
    t = "traced" if c["trace"] else "untraced"
    return (f"{c['arch']} guests={c['guests']} vcpus={c['vcpus']} {c['workload']} {t}"
            f"{'' if c['cpu'] == 'cortex-a57' else ' cpu=' + c['cpu']} repeat {c['repeat']}")


def run_host_cmd(c, run_dir, extra):
    cmd = [RUN_HOST, "--out", run_dir, "--no-install",
           "--guests", str(c["guests"]), "--guest-arch", c["arch"], "--guest-smp", str(c["vcpus"]),
           "--guest-mem", str(c["guest_mem"]), "--cpu", c["cpu"], "--smp", str(c["smp"]),
           "--timeout", str(c["timeout"]), "--guest-cmd", guest_cmd(c)]
    if not c["trace"]:
        cmd.append("--no-trace")
    return cmd + device_args(c["workload"], c.get("ops")) + list(extra)


def parse_workload_line(text):
    """The last 'exitlab-workload: name=...' line of a console, as a dict, or None."""
    found = None
    for m in re.finditer(r"exitlab-workload: (name=\S+(?: [a-z_]+=\S+)*)", text):
        found = dict(kv.split("=", 1) for kv in m.group(1).split())
    return found


def judge_cell(c, run_dir, status, log_text):
    """'' when the cell's run is usable, else why not (one line)."""
    reasons = []
    if status != 0:
        errs = [ln.split("ERROR: ", 1)[1] for ln in log_text.splitlines() if "ERROR: " in ln]
        reasons.append(f"run-host.sh exited {status}" + (f": {errs[0]}" if errs else ""))
    try:
        with open(os.path.join(run_dir, "run.json"), encoding="utf-8") as f:
            run = json.load(f)
    except (OSError, ValueError):
        if reasons:  # run-host.sh failed before writing anything: its error says it all
            return reasons[0]
        run = None
        reasons.append("no run.json")
    if run is not None:
        if len(run.get("guests", [])) != c["guests"]:
            reasons.append(f"run.json has {len(run.get('guests', []))} guests, not {c['guests']}")
        for g in run.get("guests", []):
            if g.get("status") == "crashed":
                reasons.append(f"{g['name']}: crashed: {g.get('crash_line')}")
            elif g.get("status") != "shutdown":
                reasons.append(f"{g['name']}: {g.get('status')}")
    # scripts/scan-crashes.sh: the kernel crash markers, in the same words as run.json's.
    scan = subprocess.run([os.path.join(ROOT, "scripts", "scan-crashes.sh"), run_dir],
                          capture_output=True, text=True, check=False)
    if scan.returncode == 1:
        reasons.extend(ln for ln in scan.stdout.splitlines() if ln)
    elif scan.returncode != 0:
        reasons.append(f"scan-crashes.sh failed: {scan.stderr.strip()}")
    for n in range(c["guests"]):
        console = os.path.join(run_dir, f"guest{n}", "console.log")
        try:
            with open(console, encoding="utf-8", errors="replace") as f:
                text = f.read()
        except OSError:
            reasons.append(f"guest{n}: no console.log")
            continue
        if parse_workload_line(text) is None:
            msgs = re.findall(r"exitlab-workload: (?!name=)[^\r\n]*", text)
            reasons.append(f"guest{n}: no workload result line" + (f" ({msgs[-1]})" if msgs else ""))
        m = re.search(r"workload finished: exit status (\d+)", text)
        if m and m.group(1) != "0":
            reasons.append(f"guest{n}: workload exit status {m.group(1)}")
    return "; ".join(dict.fromkeys(reasons))


class Interrupted(Exception):
    pass


def fresh_cell_dir(c, cell_dir):
    """An empty CELL_DIR holding spec.json; an earlier attempt's directory moves to
    OUT/attempts/ID.N."""
    if os.path.exists(cell_dir):
        attempts = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(cell_dir))), "attempts")
        os.makedirs(attempts, exist_ok=True)
        n = 1
        while os.path.exists(os.path.join(attempts, f"{c['id']}.{n}")):
            n += 1
        os.rename(cell_dir, os.path.join(attempts, f"{c['id']}.{n}"))
    os.makedirs(cell_dir)
    with open(os.path.join(cell_dir, "spec.json"), "w", encoding="utf-8") as f:
        json.dump(c, f, indent=1)


def eta_text(args):
    """The study's time left, from this session's cells so far (or --avg-s of earlier ones)."""
    elapsed = time.time() - args.t0
    index = args.seq - args.skipped  # this session's cells, 1-based
    remaining = args.total - args.seq + 1
    per_cell = elapsed * args.jobs / (index - 1) if index > 1 else args.avg_s
    return f"ETA {fmt_duration(per_cell * remaining / args.jobs)}" if per_cell else "ETA ?"


def run_host(cmd, log_path, limit):
    """Run ./run-host.sh into LOG_PATH in its own session, at most LIMIT seconds; a signal
    stops it. Returns (exit status or -1, None or why it was stopped)."""
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)

        def stop(signum, _frame):
            raise Interrupted(signal.Signals(signum).name)
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGHUP, stop)
        interrupted = None
        try:
            status = proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            status, interrupted = -1, f"no result after {limit}s: stopped"
        except Interrupted as e:
            status, interrupted = -1, f"interrupted ({e})"
        if interrupted:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait()
    return status, interrupted


def run_cell(args):
    c = json.loads(args.spec)
    cell_dir = args.dir
    label = f"cell {args.seq}/{args.total} {describe(c)}"
    if os.path.exists(os.path.join(cell_dir, "DONE")):
        print(f"{label}: finished earlier, skipped", flush=True)
        return 0
    fresh_cell_dir(c, cell_dir)
    print(f"{label} … {eta_text(args)}", flush=True)

    run_dir = os.path.join(cell_dir, "run")
    cmd = run_host_cmd(c, run_dir, c.get("run_host_args", []))
    t0 = time.time()
    load_start = round(os.getloadavg()[0], 2)  # other work on the machine slows an emulated host
    started = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    limit = c["timeout"] + 1200  # run-host.sh stops its host at timeout + 600 itself
    status, interrupted = run_host(cmd, os.path.join(cell_dir, "run-host.log"), limit)
    wall = time.time() - t0
    with open(os.path.join(cell_dir, "run-host.log"), encoding="utf-8", errors="replace") as f:
        log_text = f.read()
    reason = interrupted or judge_cell(c, run_dir, status, log_text)
    record = {"id": c["id"], "spec": c, "status": "failed" if reason else "ok", "reason": reason or None,
              "run_host_status": status, "run_host_cmd": cmd, "cell_wall_s": round(wall, 3),
              "started": started, "machine": socket.gethostname(), "machine_cpus": os.cpu_count(),
              "load_avg_1m_start": load_start, "load_avg_1m_end": round(os.getloadavg()[0], 2)}
    with open(os.path.join(cell_dir, "cell.json"), "w", encoding="utf-8") as f:
        json.dump(record, f, indent=1)
    if reason:
        print(f"cell {args.seq}/{args.total} {c['id']}: FAILED after {fmt_duration(wall)}: {reason}", flush=True)
        return 130 if interrupted and interrupted.startswith("interrupted") else 1
    with open(os.path.join(cell_dir, "DONE"), "w", encoding="utf-8") as f:
        f.write(f"{started} {wall:.1f}\n")
    print(f"cell {args.seq}/{args.total} {c['id']}: ok in {fmt_duration(wall)}", flush=True)
    return 0
