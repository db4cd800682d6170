#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks a generated report against its inputs, independently of the generator's code:
every figure is a valid PNG and SVG and is inlined in index.html; the numbers in REPORT.md's
tables equal what exitstat --json (run here) and the study's results.csv give.

Usage: EXITSTAT=PATH tests/report/check-report.py REPORT_DIR INPUT...   (the inputs given
to --from; PATH: the exitstat to recompute with)
Prints one PASS/FAIL line per check and "N passed, N failed"; exit 0 or 1."""

import base64
import csv
import json
import os
import re
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))

# The exitstat to run: its caller names it (report-from.sh: the one in the build directory).
EXITSTAT = os.environ.get("EXITSTAT")
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"PASS {name}")
    else:
        failed += 1
        print(f"FAIL {name}" + (f" ({detail})" if detail else ""))


def es(cmd, trace):
    p = subprocess.run([EXITSTAT, cmd, "--json", trace], capture_output=True, text=True, check=True)
    return json.loads(p.stdout)


def sections(md):
    """{number: [table rows as lists of cell strings]} for the '## N. ...' sections."""
    out, cur = {}, None
    for line in md.splitlines():
        m = re.match(r"## (\d+)\. ", line)
        if m:
            cur = out.setdefault(int(m.group(1)), [])
        elif line.startswith("## "):
            cur = None
        elif cur is not None and line.startswith("| ") and not re.match(r"\|(---\|)+$", line):
            cur.append([c.strip() for c in line.strip().strip("|").split(" | ")])
    return out


def num(s):
    s = s.replace(",", "").rstrip("×%")
    try:
        return float(s)
    except ValueError:
        return None


def close(a, b):
    """As printed: integers exactly, other numbers to the 4 significant digits the report shows."""
    if a is None or b is None:
        return False
    if float(b).is_integer() and abs(b) < 1e6 and float(a).is_integer():
        return a == b
    return abs(a - b) <= 5e-4 * max(abs(a), abs(b)) + 1e-9


def check_figures(out, md, html):
    figs = re.findall(r"!\[[^\]]*\]\(figures/([^)]+)\.png\)", md)
    check("the report has figures", len(figs) > 0, f"{len(figs)}")
    for f in figs:
        png = os.path.join(out, "figures", f + ".png")
        svg = os.path.join(out, "figures", f + ".svg")
        data = open(png, "rb").read() if os.path.exists(png) else b""
        check(f"figure {f}: PNG valid", data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000, f"{len(data)} bytes")
        s = open(svg, encoding="utf-8").read() if os.path.exists(svg) else ""
        check(f"figure {f}: SVG valid", "<svg" in s and "</svg>" in s and len(s) > 2000, f"{len(s)} chars")
        check(f"figure {f}: inlined in index.html", base64.b64encode(data).decode() in html)
    check("index.html loads nothing from outside", not re.search(r'(src|href)="(?!data:|#)', html))


def runs_of(inputs):
    """(run_dir or None, trace) for run directories and bare traces among the inputs."""
    out = []
    for p in inputs:
        if os.path.isdir(p) and os.path.exists(os.path.join(p, "run.json")):
            t = os.path.join(p, "trace.dat")
            out.append((p, t if os.path.exists(t) else None))
        elif p.endswith(".dat"):
            out.append((None, p))
    return out


def check_hvc(sec, runs):
    rows = {(r[1], num(r[4])) for r in sec if len(r) >= 6 and r[1].startswith("0x")}
    for _, trace in runs:
        if not trace:
            continue
        for c in es("hvc", trace)["calls"]:
            check(f"section 4: {os.path.basename(os.path.dirname(trace) if trace.endswith('trace.dat') else trace)} "
                  f"{c['function_id']} calls = {c['calls']}", (c["function_id"], float(c["calls"])) in rows)


def check_boot(sec, runs):
    values = {num(r[2]) for r in sec[1:] if len(r) == 5}
    for d, trace in runs:
        if not d or not trace:
            continue
        rj = json.load(open(os.path.join(d, "run.json"), encoding="utf-8"))
        if (rj["settings"].get("guest_cmd") or "").split() != ["exitlab-workload", "boot"]:
            continue
        total = next(c["exits"] for c in es("summary", trace)["classes"] if c["class"] == "ALL")
        check(f"section 1: {os.path.basename(d)} exits to power-off = {total}", float(total) in values)


def check_agree(sec, runs):
    rows = {(r[0], r[1], r[2]): r for r in sec[1:] if len(r) == 9}
    for d, trace in runs:
        if not d or not trace:
            continue
        rj = json.load(open(os.path.join(d, "run.json"), encoding="utf-8"))
        lost = {(v["guest"], v["vcpu"]): v for v in es("lost", trace)["vcpus"]}
        for g in rj.get("guests", []):
            pid = int(open(os.path.join(d, g["name"], "debugfs", "vm-name")).read().split("-")[0])
            for v, st in enumerate(g["kvm_stats"]["vcpus"]):
                r = rows.get((os.path.basename(d), g["name"], str(v)))
                L = lost.get((pid, v), {})
                ok = r is not None and num(r[3]) == L.get("exits_seen") and num(r[5]) == L.get("last_count") \
                    and num(r[6]) == st["stats"]["exits"]
                check(f"section 9: {os.path.basename(d)} {g['name']} vcpu {v}: records {L.get('exits_seen')}, "
                      f"counter {L.get('last_count')}, KVM {st['stats']['exits']}", ok, f"row {r}")


def study_rows(d):
    with open(os.path.join(d, "results.csv"), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def check_study(secs, d):
    rows = study_rows(d)
    study = json.load(open(os.path.join(d, "study.json"), encoding="utf-8"))
    guests = study["matrix"]["guests"]
    table = {(r[0], r[1]): r for r in secs.get(7, [])[1:]}
    for (arch, wl), r in table.items():
        for i, g in enumerate(guests):
            vals = [float(x["ops_per_s"]) for x in rows if x["arch"] == arch and x["workload"] == wl
                    and int(x["guests"]) == g and x["traced"] == "0" and x["ops_per_s"] != ""]
            if vals:
                m = statistics.median(vals)
                check(f"section 7: {arch} {wl} {g} guest(s) median ops/s {m:.6g}", close(num(r[2 + 3 * i]), m), r[2 + 3 * i])
    for r in secs.get(8, [])[1:]:
        arch, wl = r[0], r[1]
        for col, traced, key in ((2, "0", "ops_per_s"), (3, "1", "ops_per_s"), (5, "0", "kvm_exits"), (6, "1", "kvm_exits")):
            vals = [float(x[key]) for x in rows if x["arch"] == arch and x["workload"] == wl
                    and x["guests"] == "1" and x["traced"] == traced and x[key] != ""]
            m = statistics.median(vals)
            check(f"section 8: {arch} {wl} traced={traced} median {key} {m:.6g}", close(num(r[col]), m), r[col])


def check_study_agree(md, d):
    rows = [r for r in study_rows(d) if r["traced"] == "1" and r["exits"] != ""]
    agree = [r for r in rows if int(r["exits"]) + int(r["lost_events"] or 0) == int(r["kvm_exits"])]
    m = re.search(r"in (\d+) of (\d+) guests, the exits in the trace plus the exits it lost", md)
    check(f"section 9: study agreement {len(agree)} of {len(rows)}",
          m is not None and (int(m.group(1)), int(m.group(2))) == (len(agree), len(rows)), m and m.group(0))


def check_cost(sec, d, n=6):
    """Section 6's table from exit-cost.json: each setup's median (rounded), the ratios to the
    first setup, the largest spread."""
    data = json.load(open(os.path.join(d, "exit-cost.json"), encoding="utf-8"))["exit_cost"]
    order, s = data["setup_order"], data["setups"]
    width = 2 + len(order) + len(order) - 1 + 2
    rows = {(r[0], r[1]): r for r in sec if len(r) == width}
    for t in s[order[0]]["exits"]:
        for arch in ("aarch64", "aarch32"):
            r = rows.get((t, arch))
            cells = [s[k]["exits"][t][arch] for k in order]
            want = [round(c["median_ns"]) for c in cells]
            got = [num(x) for x in r[2:2 + len(order)]] if r else None
            check(f"section {n}: {t} {arch} medians {dict(zip(order, want))}", got == want, r)
            ratios = [c["median_ns"] / cells[0]["median_ns"] for c in cells[1:]]
            got = [num(x) for x in r[2 + len(order):1 + 2 * len(order)]] if r else None
            check(f"section {n}: {t} {arch} ratios to {order[0]}",
                  got is not None and all(abs(g - w) <= 0.005 + 1e-9 for g, w in zip(got, ratios)), r)
            spread = max(c["spread_pct"] for c in cells)
            check(f"section {n}: {t} {arch} spread {spread:.3g}%", r is not None and close(num(r[-2]), round(spread, 2)), r)


def check_patch(sec, d):
    """Section 10 from runs.jsonl (one line per run, as patch-effect.sh measured it): per guest
    arch and host kernel setup, the median exits, their range and the difference to stock."""
    runs = [json.loads(line) for line in open(os.path.join(d, "runs.jsonl"), encoding="utf-8") if line.strip()]
    names = {"stock": "stock (no exitlab patch)", "counter": "counter only (0001-0002)",
             "full_stats_off": "whole series, statistics calls off", "full": "whole series"}
    arches = list(dict.fromkeys(x["arch"] for x in runs))
    rows, i = {}, -1
    for r in sec:  # one table per arch, in runs.jsonl's order, each starting with stock
        if len(r) != 9:
            continue
        if r[0] == names["stock"]:
            i += 1
        if 0 <= i < len(arches):
            rows[(arches[i], r[0])] = r
    for a in dict.fromkeys(x["arch"] for x in runs):
        base = statistics.median(x["kvm"]["exits"] for x in runs if x["arch"] == a and x["setup"] == "stock")
        for s in dict.fromkeys(x["setup"] for x in runs if x["arch"] == a):
            ex = [x["kvm"]["exits"] for x in runs if x["arch"] == a and x["setup"] == s]
            m = statistics.median(ex)
            r = rows.get((a, names.get(s, s)))
            check(f"section 10: {a} {s} median exits {m:g}", r is not None and close(num(r[1]), m), r)
            check(f"section 10: {a} {s} vs stock {m - base:+g}", r is not None and close(num(r[3]), m - base), r)


def check_published(sec):
    """Section 6's published rows: each machine's ratios to its own hvc, recomputed from
    benchmarks/published-exit-costs.json."""
    data = json.load(open(os.path.join(ROOT, "benchmarks", "published-exit-costs.json"), encoding="utf-8"))
    figs = {}
    for f in data["figures"]:
        if f.get("exit_type"):
            figs.setdefault((f["source_id"], f["machine"]), {}).setdefault(f["exit_type"], f["value"])
    for (sid, machine), v in figs.items():
        if "hvc" not in v:
            continue
        r = next((r for r in sec if r[0].startswith(machine + " (")), None)
        want = [v[t] / v["hvc"] for t in ("mmio_user", "mmio_kernel", "ipi", "virq") if t in v]
        got = [num(x) for x in r[2:2 + len(want)]] if r else None
        check(f"section 6: published {machine} ratios to hvc {[round(w, 2) for w in want]}",
              got is not None and all(abs(g - w) <= 0.005 + 1e-9 for g, w in zip(got, want)), r)


def main(argv):
    if len(argv) < 2 or not EXITSTAT:
        print(__doc__, file=sys.stderr)
        return 2
    out, inputs = argv[0], argv[1:]
    md = open(os.path.join(out, "REPORT.md"), encoding="utf-8").read()
    html = open(os.path.join(out, "index.html"), encoding="utf-8").read()
    secs = sections(md)
    check("REPORT.md has sections 1-10", all(n in secs for n in range(1, 11)), sorted(secs))
    check_figures(out, md, html)
    runs = runs_of(inputs)
    check_boot(secs.get(1, []), runs)
    check_hvc(secs.get(4, []), runs)
    check_agree(secs.get(9, []), runs)
    for p in inputs:
        if os.path.isdir(p) and os.path.exists(os.path.join(p, "exit-cost.json")):
            with open(os.path.join(p, "exit-cost.json"), encoding="utf-8") as f:
                kernels = json.load(f)["exit_cost"]["setup_order"][0] == "stock"
            check_cost(secs.get(10 if kernels else 6, []), p, 10 if kernels else 6)
            if not kernels:
                check_published(secs.get(6, []))
        if os.path.isdir(p) and os.path.exists(os.path.join(p, "patch-effect.json")):
            check_patch(secs.get(10, []), p)
        if os.path.isdir(p) and os.path.exists(os.path.join(p, "study.json")):
            check_study(secs, p)
            check_study_agree(md, p)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
