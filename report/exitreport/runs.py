# SPDX-License-Identifier: GPL-2.0
"""Numbers of one traced run, all through exitstat: per-class counts, per-guest views,
phase markers from the guests' consoles, and timelines."""

import os
import re
import statistics

from .common import exitstat
from .inputs import read_text

# scripts/guest/init prints these markers with the VM's exit count read by the guest itself
# (/sys/hypervisor/exits/count: one HVC exit, counted in the value it returns).
MARKERS = (("booted", "init starts"), ("workload start", "workload starts"),
           ("workload finished", "workload ends"))
MARKER_RE = re.compile(r"exitlab-guest: (booted|workload start|workload finished):.*?vm exits (\d+)")


def classes(run, *args):
    """[{class, exits, share_pct, host_*_ns ...}] without the ALL row."""
    return [c for c in exitstat("summary", run.trace, *args)["classes"] if c["class"] != "ALL"]


def total(run, *args):
    return next(c for c in exitstat("summary", run.trace, *args)["classes"] if c["class"] == "ALL")


def guest_pids(run):
    """{guestN: vm_pid} from each guest's debugfs directory name (PID-FD), as KVM named it."""
    out = {}
    for g in run.guests():
        name = read_text(os.path.join(run.path, g["name"], "debugfs", "vm-name")).strip()
        if re.fullmatch(r"\d+-\d+", name):
            out[g["name"]] = int(name.split("-")[0])
    return out


def markers(run, guest_name):
    """[(marker, vm_exits)] in console order, from the guest's own reads."""
    return [(m.group(1), int(m.group(2))) for m in MARKER_RE.finditer(run.console(guest_name))]


def hvc_calls(run):
    """Every HVC of the run's trace in order (`exitstat hvc --calls`, one pass, cached)."""
    return exitstat("hvc", run.trace, "--calls")


def run_markers(run):
    """[(t_s since the trace's first event, label, vm_exits)] of a one-guest run's markers,
    [] otherwise: each marker read is an HVC exit (KVM_EXIT_STATS_VM, as exitstat names it
    from the ABI header) whose exit counter equals the value read (one vcpu)."""
    pids = guest_pids(run)
    if list(pids) != ["guest0"]:
        return []
    by_count = {c["exit_count"]: c for c in hvc_calls(run)["call_list"]
                if c["guest"] == pids["guest0"] and c["name"].startswith("KVM_EXIT_STATS_VM")}
    out = []
    for name, n in markers(run, "guest0"):
        c = by_count.get(n)
        if c is not None:
            out.append((c["time_s"], dict(MARKERS)[name], n))
    return out


def phases(start_s, end_s, marks):
    """[(label, start_s, end_s)] between START_S and END_S (the guest's first and last exit):
    kernel boot, init to workload, workload, shutdown; or one phase without markers."""
    t = [m[0] for m in marks]
    if len(t) != 3:
        return [("whole run", start_s, end_s)]
    return [("kernel boot to init", start_s, t[0]), ("init to workload", t[0], t[1]),
            ("workload", t[1], t[2]), ("shutdown", t[2], end_s)]


def busy_span(intervals):
    """(start of the first interval with exits, end of the last one)."""
    busy = [iv for iv in intervals if iv["exits"]]
    return (busy[0]["start_s"], busy[-1]["end_s"]) if busy else (0.0, 0.0)


def rate_stats(intervals, start, end, interval_s):
    """Exits/s over the intervals wholly inside [start, end): mean, CV (stdev/mean), peak."""
    rates = [iv["exits"] / interval_s for iv in intervals
             if iv["start_s"] >= start and iv["end_s"] <= end + 1e-9 and iv["end_s"] - iv["start_s"] > interval_s * 0.999]
    if len(rates) < 2:
        return None
    mean = statistics.fmean(rates)
    return {"intervals": len(rates), "mean_per_s": mean,
            "cv": statistics.pstdev(rates) / mean if mean else 0.0, "peak_per_s": max(rates),
            "exits": sum(rates) * interval_s}


def burst_word(cv):
    """The words the report uses for a coefficient of variation (thresholds stated in the text)."""
    if cv < 0.25:
        return "stable"
    if cv < 1.0:
        return "variable"
    return "bursty"


def vcpu_counts(run):
    """Per (vm_pid, vcpu): exits seen in the trace, last exit counter, exits lost."""
    return {(v["guest"], v["vcpu"]): v for v in exitstat("lost", run.trace)["vcpus"]}
