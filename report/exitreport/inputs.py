# SPDX-License-Identifier: GPL-2.0
"""What the report is made from: run directories (./run-host.sh results), study directories
(benchmarks/multi-guest), exit-cost results (benchmarks/exit-cost.sh --json) and bare
trace.dat files (tests/traces). Each input keeps its provenance: path, run.json, checksum."""

import csv
import hashlib
import json
import os
import re

from .common import ReportError

# Guest kernels exitlab builds live under build/kernels/guest-ARCH/KEY/, Debian's own
# (--guest-kernel debian) under build/kernels/debian-ARCH/PKG_VERSION/; each with its config.
OWN_KERNEL = re.compile(r"/kernels/guest-(armhf|arm64)/[0-9a-f]+/(zImage|Image)$")
DEBIAN_KERNEL = re.compile(r"/kernels/debian-(arm|arm64)/(linux-image-[^_/]+)_([^/]+)/vmlinuz$")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_text(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


class Run:
    """A ./run-host.sh results directory, or a bare trace (run_json None)."""

    def __init__(self, path, trace, run_json):
        self.path = path
        self.trace = trace
        self.run = run_json
        self.settings = (run_json or {}).get("settings", {})
        self.name = os.path.basename(os.path.normpath(path if run_json else trace))
        self._sha = None

    @property
    def sha256(self):
        if self._sha is None and self.trace:
            self._sha = sha256(self.trace)
        return self._sha

    @property
    def guest_arch(self):
        return self.settings.get("guest_arch")

    @property
    def guest_kernel(self):
        """'exitlab minimal', 'Debian PKG VERSION' or the basename of the user's kernel."""
        k = self.settings.get("guest_kernel") or ""
        if OWN_KERNEL.search(k):
            return "exitlab minimal"
        m = DEBIAN_KERNEL.search(k)
        if m:
            return f"Debian {m.group(2)} {m.group(3).replace('%3a', ':')}"
        return os.path.basename(k) or "?"

    def guest_kernel_config(self, symbol):
        """SYMBOL's value in the guest kernel's config (kept beside the image), '' if unset,
        None if the config is not there."""
        k = self.settings.get("guest_kernel") or ""
        text = read_text(os.path.join(os.path.dirname(k), "config")) if k else ""
        if not text:
            return None
        m = re.search(rf"^CONFIG_{symbol}=(.*)$", text, re.M)
        return m.group(1) if m else ""

    def uptime_at_end(self, name):
        """The guest's uptime when its workload finished (its console), in seconds."""
        m = re.search(r"workload finished: exit status \d+, uptime ([0-9.]+) s", self.console(name))
        return float(m.group(1)) if m else None

    @property
    def traced(self):
        return bool(self.trace) and self.settings.get("trace", 1) == 1

    @property
    def role(self):
        """boot (exitlab-workload boot), default (the default workload), bare (a trace
        without run.json), el2 (a run with --el2-log: slowed by the emulator's log, kept for
        section 9's fourth view) or other."""
        if not self.run:
            return "bare"
        if self.settings.get("el2_log"):
            return "el2"
        cmd = self.settings.get("guest_cmd")
        if not cmd:
            return "default"
        return "boot" if cmd.split() == ["exitlab-workload", "boot"] else "other"

    def guests(self):
        return (self.run or {}).get("guests", [])

    def console(self, name):
        return read_text(os.path.join(self.path, name, "console.log"))

    def kvm_exits(self, guest):
        """KVM's 'exits' statistic per vcpu of a guest entry of run.json, at power-off."""
        st = (guest.get("kvm_stats") or {}).get("vcpus") or []
        return [v["stats"]["exits"] for v in st]

    def describe(self):
        s = self.settings
        if not s:
            return f"trace {self.name}"
        cmd = s.get("guest_cmd") or "default workload"
        return (f"{s.get('guests')} × {s.get('guest_arch')} guest ({self.guest_kernel} kernel, "
                f"{s.get('guest_smp')} vcpu), `{cmd}`, host {s.get('cpu')}"
                + (", icount" if s.get("icount") else ""))


class Study:
    """A benchmarks/multi-guest study directory after merge."""

    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(os.path.normpath(path))
        with open(os.path.join(path, "study.json"), encoding="utf-8") as f:
            self.study = json.load(f)
        self.rows = read_csv(os.path.join(path, "results.csv"))
        self.classes = read_csv(os.path.join(path, "exits_by_class.csv"))
        self.cells = read_csv(os.path.join(path, "cells.csv"))


def read_csv(path):
    if not os.path.exists(path):
        raise ReportError(f"{path}: missing (run `benchmarks/multi-guest merge --out DIR` first)")
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    for r in rows:
        for k, v in r.items():
            if re.fullmatch(r"-?[0-9]+", v or ""):
                r[k] = int(v)
            elif re.fullmatch(r"-?[0-9]*\.[0-9]+(e[-+]?[0-9]+)?", v or ""):
                r[k] = float(v)
    return rows


class ExitCost:
    """benchmarks/exit-cost.sh's JSON: exit_cost.setups[NAME] is one setup's exit-cost --json
    (exits[TYPE][ARCH]: median_ns, spread_pct, kvm_exits_per_op, ...) plus its run_dir and
    run_host_options; setup_order lists the setups, the first is the reference."""

    def __init__(self, path, data):
        self.path = path
        self.data = data


class PatchEffect:
    """benchmarks/patch-effect.sh's JSON (patch-effect.json) and its per-run figures (runs.jsonl)."""

    def __init__(self, path, data, runs):
        self.path = path
        self.data = data
        self.runs = runs

    def repeats(self):
        return max((s["repeats"] for a in self.data["arches"] for s in a["setups"]), default=0)


class Inputs:
    def __init__(self):
        self.runs, self.studies, self.costs, self.effects = [], [], [], []

    def add(self, path):
        path = os.path.abspath(path)
        if os.path.isdir(path):
            if os.path.exists(os.path.join(path, "study.json")):
                self.studies.append(Study(path))
                return
            if os.path.exists(os.path.join(path, "exit-cost.json")):
                with open(os.path.join(path, "exit-cost.json"), encoding="utf-8") as f:
                    data = json.load(f)["exit_cost"]
                if "setup_order" not in data:
                    raise ReportError(f"{path}/exit-cost.json: from exit-cost.sh before the full set of exit "
                                      "types (no setup_order): run benchmarks/exit-cost.sh again")
                self.costs.append(ExitCost(path, data))
                return
            if os.path.exists(os.path.join(path, "patch-effect.json")):
                with open(os.path.join(path, "patch-effect.json"), encoding="utf-8") as f:
                    data = json.load(f)["patch_effect"]
                with open(os.path.join(path, "runs.jsonl"), encoding="utf-8") as f:
                    runs = [json.loads(line) for line in f if line.strip()]
                self.effects.append(PatchEffect(path, data, runs))
                return
            if os.path.exists(os.path.join(path, "run.json")):
                self.runs.append(self.load_run(path))
                return
            raise ReportError(f"{path}: not a run directory (run.json), a study directory (study.json) "
                              "an exit-cost directory (exit-cost.json) or a patch-effect directory (patch-effect.json)")
        if not os.path.exists(path):
            raise ReportError(f"{path}: no such file or directory")
        with open(path, "rb") as f:
            magic = f.read(10)
        if magic[:3] != b"\x17\x08\x44" or magic[3:10] != b"tracing":
            raise ReportError(f"{path}: not a trace-cmd trace.dat file, a run directory or a study directory")
        self.runs.append(Run(os.path.dirname(path), path, None))

    @staticmethod
    def load_run(path):
        """A run directory: an input's, or a study's cell (not listed among the inputs)."""
        with open(os.path.join(path, "run.json"), encoding="utf-8") as f:
            rj = json.load(f)
        trace = os.path.join(path, "trace.dat")
        return Run(path, trace if os.path.exists(trace) else None, rj)

    def traced_runs(self):
        return [r for r in self.runs if r.trace]
