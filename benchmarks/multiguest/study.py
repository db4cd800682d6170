# SPDX-License-Identifier: GPL-2.0
"""Study files (benchmarks/studies/NAME.study) and flags -> the typed matrix -> cells."""

import os
import re

from .common import ARCHES, CPUS, STUDIES, WORKLOADS, UsageError, positive_int

# [study] keys: list axes, then scalar settings. Defaults apply when a key is absent.
LIST_AXES = ("arch", "guests", "vcpus", "workloads", "trace", "cpu")
SCALARS = ("repeats", "timeout", "guest_mem", "smp", "description")
DEFAULTS = {"vcpus": ["1"], "trace": ["on"], "cpu": ["cortex-a57"], "repeats": "1",
            "timeout": "600", "guest_mem": "256", "smp": "2", "description": ""}
REQUIRED = ("arch", "guests", "workloads")


def check_axis(key, values, smp):
    """Validate one list axis; returns the typed values. Raises UsageError."""
    if not values or any(v == "" for v in values):
        raise UsageError(f"{key}: empty value in the list")
    if len(set(values)) != len(values):
        raise UsageError(f"{key}: a value is listed twice ({','.join(values)})")
    if key == "arch":
        bad = [v for v in values if v not in ARCHES]
        if bad:
            raise UsageError(f"arch: '{bad[0]}' is not one of {', '.join(ARCHES)}")
        return values
    if key == "cpu":
        bad = [v for v in values if v not in CPUS]
        if bad:
            raise UsageError(f"cpu: '{bad[0]}' is not one of {', '.join(CPUS)}")
        return values
    if key == "trace":
        bad = [v for v in values if v not in ("on", "off")]
        if bad:
            raise UsageError(f"trace: '{bad[0]}' is not on or off")
        return [v == "on" for v in values]
    if key == "workloads":
        for v in values:
            if v not in WORKLOADS:
                raise UsageError(f"workloads: unknown workload '{v}' (known: {', '.join(WORKLOADS)})")
        return values
    if key == "guests":
        return [positive_int(v, "guests", 1, 16) for v in values]
    if key == "vcpus":
        return [positive_int(v, f"vcpus (host smp {smp})", 1, smp) for v in values]
    raise UsageError(f"unknown axis '{key}'")


def split_list(value):
    return [v.strip() for v in value.split(",")]


def parse_study(path):
    """Parse a study file into {'raw': {key: str|list}, 'ops': {workload: int}, 'lines': {key: n}}.

    Errors raise UsageError('FILE:LINE: message')."""
    raw, ops, lines = {}, {}, {}
    section = None
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read().splitlines()
    except OSError as e:
        raise UsageError(f"{path}: cannot read the study: {e.strerror}") from e
    for n, line in enumerate(text, 1):
        where = f"{path}:{n}"
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        m = re.fullmatch(r"\[\s*([a-z]+)(?:\s+([a-z0-9_]+))?\s*\]", s)
        if m:
            kind, name = m.group(1), m.group(2)
            if kind == "study" and name is None:
                if "study" in lines:
                    raise UsageError(f"{where}: a second [study] section")
                section, lines["study"] = ("study", None), n
            elif kind == "workload" and name:
                if name not in WORKLOADS:
                    raise UsageError(f"{where}: unknown workload '{name}' (known: {', '.join(WORKLOADS)})")
                if f"workload {name}" in lines:
                    raise UsageError(f"{where}: a second [workload {name}] section")
                section, lines[f"workload {name}"] = ("workload", name), n
            else:
                raise UsageError(f"{where}: unknown section '{s}' (sections: [study], [workload NAME])")
            continue
        m = re.fullmatch(r"([a-z_]+)\s*=\s*(.*?)\s*(?:#.*)?", s)
        if not m:
            raise UsageError(f"{where}: expected 'key = value', '[section]' or '# comment', got '{s}'")
        key, value = m.group(1), m.group(2)
        if section is None:
            raise UsageError(f"{where}: '{key}' before any [study] section")
        if value == "":
            raise UsageError(f"{where}: {key} has no value")
        if section[0] == "workload":
            if key != "ops":
                raise UsageError(f"{where}: unknown key '{key}' in [workload {section[1]}] (keys: ops)")
            if section[1] in ops:
                raise UsageError(f"{where}: ops given twice")
            try:
                ops[section[1]] = positive_int(value, "ops")
            except UsageError as e:
                raise UsageError(f"{where}: {e}") from None
            continue
        if key not in LIST_AXES and key not in SCALARS:
            raise UsageError(f"{where}: unknown key '{key}' (keys: {', '.join(LIST_AXES + SCALARS)})")
        if key in raw:
            raise UsageError(f"{where}: {key} given twice (first on line {lines[key]})")
        raw[key] = split_list(value) if key in LIST_AXES else value
        lines[key] = n
    if "study" not in lines:
        raise UsageError(f"{path}:{max(1, len(text))}: no [study] section")
    for key in REQUIRED:
        if key not in raw:
            raise UsageError(f"{path}:{lines['study']}: [study] has no '{key}' line")
    return {"raw": raw, "ops": ops, "lines": lines, "path": path}


def resolve_study(name):
    if os.sep in name or name.endswith(".study"):
        return name
    path = os.path.join(STUDIES, name + ".study")
    if not os.path.exists(path):
        known = sorted(f[:-6] for f in os.listdir(STUDIES) if f.endswith(".study"))
        raise UsageError(f"--study: no study '{name}' (known: {', '.join(known)}; or give a FILE)")
    return path


def build_matrix(study, overrides):
    """Typed study settings: file values, then flag overrides, each checked (UsageError names
    FILE:LINE for the file's values and the flag for overrides)."""
    raw = dict(DEFAULTS)
    raw.update(study["raw"])
    where = {k: f"{study['path']}:{study['lines'][k]}" for k in study["raw"]}
    for key, value in overrides.items():
        raw[key] = value
        where[key] = f"--{key}"
    m = {}

    def typed(key, fn):
        try:
            return fn()
        except UsageError as e:
            raise UsageError(f"{where.get(key, study['path'])}: {e}") from None
    m["smp"] = typed("smp", lambda: positive_int(raw["smp"], "smp", 1, 8))
    m["repeats"] = typed("repeats", lambda: positive_int(raw["repeats"], "repeats", 1, 100))
    m["timeout"] = typed("timeout", lambda: positive_int(raw["timeout"], "timeout", 10))
    m["guest_mem"] = typed("guest_mem", lambda: positive_int(raw["guest_mem"], "guest_mem", 64))
    for key in LIST_AXES:
        m[key] = typed(key, lambda k=key: check_axis(k, raw[k], m["smp"]))
    m["description"] = raw["description"]
    m["ops"] = dict(study["ops"])
    m["study"] = os.path.splitext(os.path.basename(study["path"]))[0]
    return m


def cell_id(c):
    t = "traced" if c["trace"] else "untraced"
    return f"{c['arch']}-{c['cpu']}-v{c['vcpus']}-{c['workload']}-{t}-g{c['guests']}-r{c['repeat']}"


def expand(m):
    """The study's cells in run order (repeat outermost: a partial study has every setting
    once before any twice), and the combinations left out (with why)."""
    cells, dropped = [], []
    for repeat in range(1, m["repeats"] + 1):
        for arch in m["arch"]:
            for cpu in m["cpu"]:
                for workload in m["workloads"]:
                    for trace in m["trace"]:
                        for vcpus in m["vcpus"]:
                            if vcpus < WORKLOADS[workload]:
                                why = f"{workload} with vcpus={vcpus} (needs {WORKLOADS[workload]})"
                                if why not in dropped:
                                    dropped.append(why)
                                continue
                            for guests in m["guests"]:
                                c = {"study": m["study"], "arch": arch, "cpu": cpu, "vcpus": vcpus,
                                     "workload": workload, "trace": trace, "guests": guests,
                                     "repeat": repeat, "timeout": m["timeout"],
                                     "guest_mem": m["guest_mem"], "smp": m["smp"],
                                     "ops": m["ops"].get(workload)}
                                c["id"] = cell_id(c)
                                cells.append(c)
    return cells, dropped
