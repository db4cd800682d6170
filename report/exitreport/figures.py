# SPDX-License-Identifier: GPL-2.0
"""The report's figures (gnuplot; PNG + SVG each, through the runner's plotting helpers)."""

import os
import shutil
import sys

from .common import ROOT

sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
from multiguest.plots import CLASS_COLOURS, gp_str, make_plots, run_gnuplot  # noqa: E402


# The runner's 8 class colours, then 6 more: a class keeps its colour in every figure (its
# rank over all the report's inputs), grey is "other" only.
PALETTE = CLASS_COLOURS + ["#cc79a7", "#8c564b", "#17becf", "#bcbd22", "#7f3c8d", "#3969ac"]


def colours_for(classes, ranked):
    out = []
    for c in classes:
        i = ranked.index(c) if c in ranked else -1
        out.append("#a0a0a0" if c == "other" or i < 0 or i >= len(PALETTE) else PALETTE[i])
    return out


def grouped_bars(fig_dir, name, title, ylabel, groups, series, values, ranked, log=False):
    """Clustered bars: one cluster per group, one bar per series (a class); values[g][s]."""
    dat = os.path.join(fig_dir, f"{name}.dat")
    with open(dat, "w", encoding="utf-8") as f:
        f.write("group " + " ".join(gp_str(s) for s in series) + "\n")
        for g in groups:
            f.write(gp_str(g) + " " + " ".join(f"{values[g].get(s, 0):.9g}" for s in series) + "\n")
    cols = " ".join(colours_for(series, ranked))
    body = [f"colours = {gp_str(cols)}", f"set title {gp_str(title)} font 'sans,12'",
            "set style data histograms", "set style histogram clustered gap 1",
            "set style fill solid 0.85 border -1", "set key outside right top", "set grid ytics",
            f"set ylabel {gp_str(ylabel)}", "set xtics font 'sans,10'"]
    if log:
        body += ["set logscale y", "set yrange [0.8:*]"]
    else:
        body.append("set yrange [0:*]")
    body.append(f"plot for [i=2:{len(series) + 1}] {gp_str(dat)} using i:xtic(1) title columnheader(i) "
                "lc rgb word(colours, i - 1)")
    return run_gnuplot(fig_dir, name, body)


def timeline(fig_dir, name, title, intervals, classes, ranked, interval_s, markers):
    """Stacked exits/s per class over time; MARKERS: [(t_s, label)] drawn as vertical lines."""
    dat = os.path.join(fig_dir, f"{name}.dat")
    with open(dat, "w", encoding="utf-8") as f:
        f.write("t " + " ".join(gp_str(c) for c in classes) + "\n")
        for iv in intervals:
            rates = [iv["classes"].get(c, 0) / interval_s for c in classes]
            if "other" in classes:
                rates[-1] = (iv["exits"] - sum(iv["classes"].get(c, 0) for c in classes[:-1])) / interval_s
            f.write(f"{iv['start_s']:.6f} " + " ".join(f"{r:.6g}" for r in rates) + "\n")
    cols = colours_for(classes, ranked)
    busy = [iv["start_s"] for iv in intervals if iv["exits"]] or [0.0]
    lo, hi = max(0.0, min(busy) - 10 * interval_s), max(busy) + 11 * interval_s
    body = [f"set title {gp_str(title)} font 'sans,12'", "set grid", "set key outside right top",
            "set xlabel 'time since the first traced event [s]'", "set ylabel 'exits per second [1/s]'",
            "set style fill solid 0.85 noborder", "set yrange [0:*]", f"set xrange [{lo:.4f}:{hi:.4f}]"]
    for i, (t, label) in enumerate(markers):
        body.append(f"set arrow {i + 1} from {t:.6f}, graph 0 to {t:.6f}, graph 1 nohead dt 2 lc rgb '#444444'")
        body.append(f"set label {i + 1} {gp_str(label)} at {t:.6f}, graph {0.97 - 0.05 * (i % 4):.2f} "
                    "left offset 0.4,0 font 'sans,9'")
    # Stacked areas: curve k is the sum of classes k..n, drawn largest first.
    plots = []
    n = len(classes)
    for k in range(n):
        expr = "+".join(f"column({j + 2})" for j in range(k, n))
        plots.append(f"{gp_str(dat)} using 1:({expr}) with boxes lc rgb {gp_str(cols[k])} "
                     f"title {gp_str(classes[k])}")
    body.append(f"set boxwidth {interval_s:.6f} absolute")
    body.append("plot " + ", \\\n  ".join(plots))
    return run_gnuplot(fig_dir, name, body)


def host_time(fig_dir, name, title, rows, ranked):
    """Per class (rows: class, p50_ns, p99_ns, max_ns, series label): boxes from p50 to p99,
    a point at the max; log scale."""
    dat = os.path.join(fig_dir, f"{name}.dat")
    with open(dat, "w", encoding="utf-8") as f:
        for i, r in enumerate(rows):
            f.write(f"{i} {gp_str(r['label'])} {r['p50_ns'] / 1e3:.6g} {r['p99_ns'] / 1e3:.6g} "
                    f"{r['max_ns'] / 1e3:.6g} {gp_str(colours_for([r['class']], ranked)[0])}\n")
    body = [f"set title {gp_str(title)} font 'sans,12'", "set grid ytics", "set logscale y",
            "set ylabel 'host time per exit, kvm_exit to kvm_entry [µs]'",
            "set xtics rotate by -35 font 'sans,9'", f"set xrange [-0.7:{len(rows) - 0.3}]",
            "set style fill solid 0.7 border -1", "set boxwidth 0.6", "set key top left",
            f"plot {gp_str(dat)} using 1:3:3:4:4:xtic(2) with candlesticks lc rgb '#0072b2' title 'p50 to p99', \\\n"
            f"  '' using 1:3:3:3:3 with candlesticks lc rgb 'black' lw 2 notitle, \\\n"
            f"  '' using 1:5 with points pt 7 ps 0.8 lc rgb '#e51e10' title 'max'"]
    return run_gnuplot(fig_dir, name, body)


def study_plots(fig_dir, rows, classes):
    """The runner's own plots (benchmarks/multi-guest merge), remade from the study's tables
    into the report's figures as study-NAME.png|svg; returns the names made."""
    tmp = os.path.join(fig_dir, "study.tmp")
    os.makedirs(tmp, exist_ok=True)
    made = set()
    for path in make_plots(tmp, rows, classes):
        base, ext = os.path.splitext(os.path.basename(path))
        shutil.move(path, os.path.join(fig_dir, f"study-{base}{ext}"))
        made.add(f"study-{base}")
    shutil.rmtree(tmp)
    return made
