# SPDX-License-Identifier: GPL-2.0
"""The plots of a merged study (gnuplot): throughput, fairness, exits and host time per class."""

import math
import os
import statistics
import subprocess

TERMINALS = (("png", "pngcairo noenhanced size 1280,860 font 'sans,10'"), ("svg", "svg noenhanced size 1280,860 dynamic font 'sans,10'"))


def series_label(key, varied):
    arch, cpu, vcpus = key
    parts = [arch]
    if "cpu" in varied:
        parts.append(cpu)
    if "vcpus" in varied:
        parts.append(f"{vcpus} vcpu")
    return " ".join(parts)


def gp_str(s):
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def med_min_max(values):
    return statistics.median(values), min(values), max(values)


def write_series(path, blocks):
    """blocks: [(label, [(x, [values])])] -> gnuplot data, one index per block."""
    with open(path, "w", encoding="utf-8") as f:
        for label, points in blocks:
            f.write(f"# {label}\n")
            for x, vals in points:
                m, lo, hi = med_min_max(vals)
                f.write(f"{x} {m:.9g} {lo:.9g} {hi:.9g}\n")
            f.write("\n\n")


def line_panels(d, name, rows, value, ylabel_fn, title_fn):
    """Per-workload panels of VALUE vs guests, one line per arch/cpu/vcpus: median with
    min-max bars. Untraced rows when a workload has any, else traced (said in the title)."""
    varied = {k for k in ("cpu", "vcpus") if len({r[k] for r in rows}) > 1}
    panels = []
    for wl in sorted({r["workload"] for r in rows}):
        wrows = [r for r in rows if r["workload"] == wl and r[value] != ""]
        if not wrows:
            continue
        traced = 0 if any(r["traced"] == 0 for r in wrows) else 1
        wrows = [r for r in wrows if r["traced"] == traced]
        blocks = []
        for key in sorted({(r["arch"], r["cpu"], r["vcpus"]) for r in wrows}):
            pts = {}
            for r in wrows:
                if (r["arch"], r["cpu"], r["vcpus"]) == key:
                    pts.setdefault(r["guests"], []).append(r[value])
            blocks.append((series_label(key, varied), sorted(pts.items())))
        dat = os.path.join(d, f"{name}-{wl}.dat")
        write_series(dat, blocks)
        panels.append({"dat": dat, "blocks": blocks, "title": title_fn(wl, traced, wrows),
                       "ylabel": ylabel_fn(wl, wrows), "xs": sorted({r["guests"] for r in wrows})})
    return panels


def panels_script(panels, title, ymin=None, ymax=None):
    n = len(panels)
    cols = min(3, n)
    nrows = math.ceil(n / cols)
    lines = [f"set multiplot layout {nrows},{cols} title {gp_str(title)} font 'sans,12'",
             "set grid", "set key top right font 'sans,9'", "set xlabel 'guests per host [count]'",
             "set bars 2", "set pointsize 1"]
    for p in panels:
        xs = p["xs"]
        lines.append("set xtics (" + ", ".join(f"{x}" for x in xs) + ")")
        lines.append(f"set xrange [{min(xs) - 0.5}:{max(xs) + 0.5}]")
        yr = f"[{'' if ymin is None else ymin}:{'' if ymax is None else ymax}]"
        lines.append(f"set yrange {yr}")
        lines.append(f"set ylabel {gp_str(p['ylabel'])}")
        lines.append(f"set title {gp_str(p['title'])}")
        plots = [f"{gp_str(p['dat'])} index {i} using 1:2:3:4 with yerrorlines lw 2 title {gp_str(label)}"
                 for i, (label, _) in enumerate(p["blocks"])]
        lines.append("plot " + ", \\\n  ".join(plots))
    lines.append("unset multiplot")
    return lines


def category(r, varied):
    parts = [r["arch"]]
    if "cpu" in varied:
        parts.append(r["cpu"])
    if "vcpus" in varied:
        parts.append(f"v{r['vcpus']}")
    parts += [r["workload"], f"g{r['guests']}"]
    return " ".join(parts)


def stacked_data(d, name, classes, value, top=8):
    """Per category (arch workload guests), per class: median per guest of exits/s, or the
    share of host time (all guests and repeats pooled). Classes beyond the top ones: other."""
    varied = {k for k in ("cpu", "vcpus") if len({r[k] for r in classes}) > 1}
    total = {}  # classes ranked by exits in both plots: the same class keeps its colour
    for r in classes:
        total[r["class"]] = total.get(r["class"], 0) + r["exits"]
    named = [k for k, _ in sorted(total.items(), key=lambda kv: -kv[1])][:top]
    cols = named + (["other"] if len(total) > len(named) else [])
    cats = {}
    order = sorted(classes, key=lambda r: (r["arch"], r["cpu"], r["vcpus"], r["workload"], r["guests"]))
    for r in order:
        cat = cats.setdefault(category(r, varied), {})
        cls = r["class"] if r["class"] in named else "other"
        cat.setdefault(cls, {}).setdefault((r["cell_id"], r["guest"]), 0)
        add = (r["exits_per_s"] or 0) if value == "exits_per_s" else r["host_time_ns"]
        cat[cls][(r["cell_id"], r["guest"])] += add
    path = os.path.join(d, f"{name}.dat")
    with open(path, "w", encoding="utf-8") as f:
        f.write("category " + " ".join(gp_str(c) for c in cols) + "\n")
        for cat, per in cats.items():
            if value == "exits_per_s":
                guests = {g for c in per.values() for g in c}
                vals = [statistics.median([per.get(c, {}).get(g, 0) for g in guests]) for c in cols]
            else:
                sums = [sum(per.get(c, {}).values()) for c in cols]
                vals = [100.0 * s / sum(sums) if sum(sums) else 0 for s in sums]
            f.write(gp_str(cat) + " " + " ".join(f"{v:.6g}" for v in vals) + "\n")
    return path, cols, len(cats)


# One colour per named class (stacked_data keeps at most 8, ranked the same in both plots),
# grey for "other": gnuplot's own cycle has 8 colours and would give "other" the first one's.
CLASS_COLOURS = ["#9400d3", "#009e73", "#56b4e9", "#e69f00", "#f0e442", "#0072b2", "#e51e10", "#000000"]


def stacked_script(dat, cols, title, ylabel, yrange=""):
    colours = [("#a0a0a0" if c == "other" else CLASS_COLOURS[i % len(CLASS_COLOURS)]) for i, c in enumerate(cols)]
    return [f"colours = {gp_str(' '.join(colours))}", f"set title {gp_str(title)} font 'sans,12'", "set style data histograms",
            "set style histogram rowstacked", "set style fill solid 0.85 border -1", "set boxwidth 0.75",
            "set key outside right top", "set grid ytics", f"set ylabel {gp_str(ylabel)}",
            "set xlabel 'cell: guest arch, workload, guests per host'", "set xtics rotate by -35 font 'sans,9'",
            f"set yrange [0:{yrange}]",
            f"plot for [i=2:{len(cols) + 1}] {gp_str(dat)} using i:xtic(1) title columnheader(i) lc rgb word(colours, i - 1)"]


def run_gnuplot(d, name, body):
    outputs = []
    for ext, term in TERMINALS:
        out = os.path.join(d, f"{name}.{ext}")
        script = [f"set terminal {term}", f"set output {gp_str(out)}"] + body + ["unset output"]
        gp = os.path.join(d, f"{name}.{ext}.gp")
        with open(gp, "w", encoding="utf-8") as f:
            f.write("\n".join(script) + "\n")
        p = subprocess.run(["gnuplot", gp], capture_output=True, text=True, check=False)
        if p.returncode != 0 or not os.path.getsize(out):
            raise RuntimeError(f"gnuplot {gp}: {p.stderr.strip()[:300]}")
        outputs.append(out)
    return outputs


def make_plots(d, rows, classes):
    """Throughput vs guests, exits/s per class (stacked), host-time share per class,
    fairness. Returns the files written."""
    os.makedirs(d, exist_ok=True)
    out = []
    if not rows:
        return out
    units = {r["workload"]: r["ops_unit"] for r in rows if r["ops_unit"]}
    panels = line_panels(d, "throughput", rows, "ops_per_s",
                         lambda wl, _r: f"ops_per_s [{units.get(wl, 'ops')}/s per guest]",
                         lambda wl, t, _r: f"{wl} ({'traced: exits slowed by tracing' if t else 'untraced'})")
    if panels:
        out += run_gnuplot(d, "throughput", panels_script(
            panels, "Workload throughput per guest vs guests per host (median, min-max bars)", ymin=0))
    panels = line_panels(d, "fairness", rows, "fairness_min_over_max",
                         lambda _wl, _r: "lowest / highest guest ops_per_s [ratio]",
                         lambda wl, t, _r: f"{wl} ({'traced' if t else 'untraced'})")
    if panels:
        out += run_gnuplot(d, "fairness", panels_script(
            panels, "Fairness across the guests of a cell (median over repeats, min-max bars)", 0, 1.05))
    if classes:
        dat, cols, _ = stacked_data(d, "exits_per_class", classes, "exits_per_s")
        out += run_gnuplot(d, "exits_per_class", stacked_script(
            dat, cols, "Exits per second per guest, by exit class (traced cells; median over guests and repeats)",
            "exits_per_s [1/s per guest]"))
        dat, cols, _ = stacked_data(d, "host_time_share", classes, "host_time_ns")
        out += run_gnuplot(d, "host_time_share", stacked_script(
            dat, cols, "Share of host time (kvm_exit to kvm_entry) by exit class (traced cells)",
            "host time share [%]", "100"))
    return out
