# SPDX-License-Identifier: GPL-2.0
"""merge: finished cell directories -> results.csv, results.json, exits_by_class.csv, cells.csv."""

import csv
import datetime
import json
import os
import re
import statistics
import subprocess

from .cell import parse_workload_line
from .common import EXITSTAT, ROOT, UsageError, die
from .plots import make_plots

# results.csv columns: name, unit, meaning. Units are in the names where there is one.
COLUMNS = [
    ("study", "", "the study the cell belongs to"),
    ("cell_id", "", "ARCH-CPU-vVCPUS-WORKLOAD-traced|untraced-gGUESTS-rREPEAT"),
    ("arch", "", "guest architecture: arm (32-bit ARMv7) or arm64"),
    ("cpu", "", "host CPU model: cortex-a57 (nVHE) or max (VHE)"),
    ("guests", "count", "guests running at the same time in the cell"),
    ("vcpus", "count", "vcpus per guest"),
    ("workload", "", "exitlab-workload NAME run by every guest"),
    ("traced", "bool", "1: trace-cmd record -e kvm ran (exit counts; throughput slowed by tracing); 0: untraced"),
    ("repeat", "index", "repeat number of the cell, from 1"),
    ("guest", "index", "guest number in the cell (guestN)"),
    ("vm_pid", "", "the guest's VM pid (kvm_exit VM: field; debugfs PID-FD)"),
    ("ops", "ops_unit", "work the workload did"),
    ("ops_unit", "", "what one op is (iterations, pages, sleeps, reads, round_trips, boots)"),
    ("workload_s", "s", "the workload's own time for its ops (guest clock)"),
    ("ops_per_s", "ops_unit/s", "the workload's throughput: ops / workload_s"),
    ("wall_s", "s", "guest uptime when its workload finished: boot + workload (guest clock)"),
    ("exits", "count", "the guest's exits in the cell's trace (exitstat summary --pid); empty when untraced"),
    ("kvm_exits", "count", "sum of the guest's per-vcpu KVM 'exits' statistic at power-off"),
    ("exits_per_s", "1/s", "exits / wall_s (traced cells)"),
    ("workload_exits", "count", "the VM's exits during the workload, read by the guest (/sys/hypervisor/exits/count); empty if unreadable"),
    ("workload_exits_per_s", "1/s", "workload_exits / workload_s"),
    ("host_time_ns", "ns", "time the guest's vcpus spent in the host per exit, summed (kvm_exit to kvm_entry; traced cells)"),
    ("lost_events", "count", "the guest's exits missing from the trace (gaps in kvm_exit's exit counter); empty when untraced"),
    ("slowdown_vs_1_guest", "ratio", "median ops_per_s of the matching 1-guest cells (same arch, cpu, vcpus, workload, traced) / ops_per_s"),
    ("fairness_min_over_max", "ratio", "lowest / highest ops_per_s among the cell's guests"),
    ("cell_wall_s", "s", "wall time of the cell's ./run-host.sh (build check, host boot, guests, collection)"),
    ("run_dir", "", "the cell's ./run-host.sh results directory"),
]
CLASS_COLUMNS = ["study", "cell_id", "arch", "cpu", "guests", "vcpus", "workload", "repeat", "guest",
                 "vm_pid", "class", "exits", "exits_per_s", "host_time_ns", "host_time_share_pct", "run_dir"]
CELL_COLUMNS = ["study", "cell_id", "arch", "cpu", "guests", "vcpus", "workload", "traced", "repeat",
                "status", "reason", "cell_wall_s", "machine", "machine_cpus", "load_avg_1m_start", "load_avg_1m_end",
                "started", "cell_dir"]


def exitstat_json(*args):
    p = subprocess.run([EXITSTAT, *args, "--json"], capture_output=True, text=True, check=False)
    if p.returncode != 0:
        raise RuntimeError(f"exitstat {' '.join(args)}: {p.stderr.strip() or 'exit ' + str(p.returncode)}")
    return json.loads(p.stdout)


def read_text(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def guest_row(cell, run_dir, n, lost_by_pid):
    """One results row (and its per-class rows) for guestN of a finished cell."""
    spec = cell["spec"]
    gdir = os.path.join(run_dir, f"guest{n}")
    console = read_text(os.path.join(gdir, "console.log"))
    wl = parse_workload_line(console) or {}
    fin = re.search(r"workload finished: exit status \d+, uptime ([0-9.]+) s", console)
    with open(os.path.join(gdir, "kvm-stats.json"), encoding="utf-8") as f:
        kvm = json.load(f)
    vm_pid = int(read_text(os.path.join(gdir, "debugfs", "vm-name")).strip().split("-")[0])
    row = {k: "" for k, _, _ in COLUMNS}
    row.update(study=spec["study"], cell_id=cell["id"], arch=spec["arch"], cpu=spec["cpu"],
               guests=spec["guests"], vcpus=spec["vcpus"], workload=spec["workload"],
               traced=int(spec["trace"]), repeat=spec["repeat"], guest=n, vm_pid=vm_pid,
               kvm_exits=sum(v["stats"]["exits"] for v in kvm["vcpus"]),
               cell_wall_s=cell["cell_wall_s"], run_dir=os.path.abspath(run_dir))
    if wl:
        row.update(ops=int(wl["ops"]), ops_unit=wl["unit"], workload_s=float(wl["seconds"]),
                   ops_per_s=float(wl["ops_per_s"]))
        if int(wl.get("vm_exits", -1)) >= 0:
            row["workload_exits"] = int(wl["vm_exits"])
            if row["workload_s"] > 0:
                row["workload_exits_per_s"] = round(row["workload_exits"] / row["workload_s"], 3)
    if fin:
        row["wall_s"] = float(fin.group(1))
    classes = []
    if spec["trace"]:
        summ = exitstat_json("summary", "--pid", str(vm_pid), os.path.join(run_dir, "trace.dat"))
        row["exits"] = sum(g["exits"] for g in summ["guests"] if g["guest"] == vm_pid)
        row["host_time_ns"] = sum(g["host_total_ns"] for g in summ["guests"] if g["guest"] == vm_pid)
        row["lost_events"] = lost_by_pid.get(vm_pid, 0)
        if row["wall_s"]:
            row["exits_per_s"] = round(row["exits"] / row["wall_s"], 3)
        for k in summ["classes"]:
            if k["class"] == "ALL":
                continue
            classes.append({"study": spec["study"], "cell_id": cell["id"], "arch": spec["arch"],
                            "cpu": spec["cpu"], "guests": spec["guests"], "vcpus": spec["vcpus"],
                            "workload": spec["workload"], "repeat": spec["repeat"], "guest": n,
                            "vm_pid": vm_pid, "class": k["class"], "exits": k["exits"],
                            "exits_per_s": round(k["exits"] / row["wall_s"], 3) if row["wall_s"] else "",
                            "host_time_ns": k["host_total_ns"],
                            "host_time_share_pct": round(100.0 * k["host_total_ns"] / row["host_time_ns"], 4)
                            if row["host_time_ns"] else "",
                            "run_dir": row["run_dir"]})
    return row, classes


def cell_rows(cell_dir, cell):
    run_dir = os.path.join(cell_dir, "run")
    lost = {}
    if cell["spec"]["trace"]:
        for v in exitstat_json("lost", os.path.join(run_dir, "trace.dat"))["vcpus"]:
            lost[v["guest"]] = lost.get(v["guest"], 0) + v["exits_lost"]
    rows, classes = [], []
    for n in range(cell["spec"]["guests"]):
        r, k = guest_row(cell, run_dir, n, lost)
        rows.append(r)
        classes.extend(k)
    tput = [r["ops_per_s"] for r in rows if r["ops_per_s"] != ""]
    if tput and max(tput) > 0:
        for r in rows:
            r["fairness_min_over_max"] = round(min(tput) / max(tput), 6)
    return rows, classes


def find_cells(inputs):
    """Cell directories (holding cell.json) under the inputs: cell dirs or study dirs."""
    found = {}
    for d in inputs:
        if os.path.isfile(os.path.join(d, "cell.json")):
            cands = [d]
        elif os.path.isdir(os.path.join(d, "cells")):
            cands = [os.path.join(d, "cells", e) for e in sorted(os.listdir(os.path.join(d, "cells")))]
        else:
            raise UsageError(f"merge: {d}: neither a cell directory (cell.json) nor a study directory (cells/)")
        for c in cands:
            if os.path.isfile(os.path.join(c, "cell.json")):
                found.setdefault(os.path.realpath(c), c)
    return list(found.values())


def add_slowdown(rows):
    base = {}
    for r in rows:
        if r["guests"] == 1 and r["ops_per_s"] != "":
            base.setdefault((r["arch"], r["cpu"], r["vcpus"], r["workload"], r["traced"]), []).append(r["ops_per_s"])
    for r in rows:
        b = base.get((r["arch"], r["cpu"], r["vcpus"], r["workload"], r["traced"]))
        if b and r["ops_per_s"]:
            r["slowdown_vs_1_guest"] = round(statistics.median(b) / r["ops_per_s"], 6)


def write_csv(path, columns, rows):
    with open(path + ".tmp", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in columns})
    os.replace(path + ".tmp", path)


def sort_key(r):
    return (r["study"], r["arch"], r["cpu"], r["vcpus"], r["workload"], -int(r["traced"]), r["guests"],
            r["repeat"], r.get("guest", 0))


def merge(out, inputs):
    os.makedirs(out, exist_ok=True)
    if not os.access(EXITSTAT, os.X_OK) or subprocess.run(
            ["make", "-s", "-C", ROOT, "exitstat"], capture_output=True, check=False).returncode != 0:
        die("building exitstat (make exitstat) failed")
    rows, classes, cells = [], [], []
    for cd in find_cells(inputs):
        with open(os.path.join(cd, "cell.json"), encoding="utf-8") as f:
            cell = json.load(f)
        spec = cell["spec"]
        info = {"study": spec["study"], "cell_id": cell["id"], "arch": spec["arch"], "cpu": spec["cpu"],
                "guests": spec["guests"], "vcpus": spec["vcpus"], "workload": spec["workload"],
                "traced": int(spec["trace"]), "repeat": spec["repeat"], "status": cell["status"],
                "reason": cell.get("reason") or "", "cell_wall_s": cell.get("cell_wall_s", ""),
                "machine": cell.get("machine", ""), "machine_cpus": cell.get("machine_cpus", ""),
                "load_avg_1m_start": cell.get("load_avg_1m_start", ""),
                "load_avg_1m_end": cell.get("load_avg_1m_end", ""), "started": cell.get("started", ""),
                "cell_dir": os.path.abspath(cd)}
        if cell["status"] == "ok" and not os.path.exists(os.path.join(cd, "DONE")):
            info.update(status="failed", reason="no completion marker (DONE)")
        if info["status"] == "ok":
            try:
                r, k = cell_rows(cd, cell)
                rows.extend(r)
                classes.extend(k)
            except (OSError, ValueError, KeyError, RuntimeError) as e:
                info.update(status="failed", reason=f"merge: {e}")
        if any(c["cell_id"] == info["cell_id"] and c["study"] == info["study"] for c in cells):
            raise UsageError(f"merge: cell {info['cell_id']} of study {info['study']} given twice")
        cells.append(info)
    add_slowdown(rows)
    rows.sort(key=sort_key)
    classes.sort(key=lambda r: (sort_key(dict(r, traced=1)), -r["exits"]))
    cells.sort(key=sort_key)
    write_csv(os.path.join(out, "results.csv"), [c for c, _, _ in COLUMNS], rows)
    write_csv(os.path.join(out, "exits_by_class.csv"), CLASS_COLUMNS, classes)
    write_csv(os.path.join(out, "cells.csv"), CELL_COLUMNS, cells)
    doc = {"generated": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "columns": {n: {"unit": u, "meaning": m} for n, u, m in COLUMNS},
           "rows": rows, "exits_by_class": classes, "cells": cells}
    with open(os.path.join(out, "results.json.tmp"), "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
    os.replace(os.path.join(out, "results.json.tmp"), os.path.join(out, "results.json"))
    plots = make_plots(os.path.join(out, "plots"), rows, classes)
    return rows, classes, cells, plots
