# SPDX-License-Identifier: GPL-2.0
"""Published real-hardware exit costs (benchmarks/published-exit-costs.json, each figure read
in its source) beside exitlab's own: compared by shape — each exit type's cost relative to a
hypercall on the same machine — never by absolute time (an emulated host is not a board)."""

import json
import os

from .common import ROOT

PUBLISHED = os.path.join(ROOT, "benchmarks", "published-exit-costs.json")
TYPES = ("mmio_user", "mmio_kernel", "ipi", "virq")


def published_machines(path=PUBLISHED):
    """[(source, machine, {exit_type: value})] for every source and machine with an hvc figure,
    in file order; figures without an exitlab exit type are left out."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    sources = {s["id"]: s for s in data["sources"]}
    groups = {}
    for fig in data["figures"]:
        if fig.get("exit_type"):
            g = groups.setdefault((fig["source_id"], fig["machine"]), {})
            g.setdefault(fig["exit_type"], fig["value"])
    return [(sources[sid], machine, vals) for (sid, machine), vals in groups.items() if "hvc" in vals]


def exitlab_ratios(cost, setup, arch):
    """{exit_type: median_ns / hvc's median_ns} of one exit-cost.sh setup and vcpu arch."""
    ex = cost.data["setups"][setup]["exits"]
    hvc = ex["hvc"][arch]["median_ns"]
    return hvc, {t: ex[t][arch]["median_ns"] / hvc for t in TYPES if t in ex and arch in ex[t]}


def published_table(doc, ctx, cost):
    machines = published_machines()
    if not machines:
        return
    rows = []
    for src, machine, vals in machines:
        hvc = vals["hvc"]
        rows.append([f"{machine} ({src['authors'][0].split(' (')[0]}, {src.get('date', src['year'])})", round(hvc)]
                    + [f"{vals[t] / hvc:.2f}×" if t in vals else "" for t in TYPES])
    for setup in ("nvhe", "vhe"):
        if setup not in cost.data["setups"]:
            continue
        for arch in ("aarch64", "aarch32"):
            hvc, r = exitlab_ratios(cost, setup, arch)
            rows.append([f"exitlab, emulated host, {setup} ({arch} vcpu)", round(hvc)]
                        + [f"{r[t]:.2f}×" if t in r else "" for t in TYPES])
    doc.p("Published figures from real arm64 servers (kvm-unit-tests `micro-bench`, in ns; each "
          "read in its source, listed in `benchmarks/published-exit-costs.json` with the quoted "
          "row), other machines than this one: compare the shape — each type's cost as a "
          "multiple of a hypercall on the same machine — not the times. Their `mmio_read_user` "
          "exits to QEMU, exitlab's `mmio_user` to its own small program; their `timer_10ms` is "
          "the nearest to `virq`.")
    doc.table(["machine (source)", "hvc [ns]"] + [f"{t} / hvc" for t in TYPES], rows)
    ctx.command("jq . benchmarks/published-exit-costs.json")
