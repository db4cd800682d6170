# SPDX-License-Identifier: GPL-2.0
"""Sections 1-5: what a guest boot costs in exits, how the rate behaves, which classes,
what the hypercalls are, which registers and devices."""

import os

from . import figures
from .common import command_line, exitstat, median
from .runs import (burst_word, busy_span, classes, hvc_calls, markers, phases, rate_stats,
                   run_markers, total)

TIMELINE_MS = 10


def boot_runs(ctx):
    return [r for r in ctx.inputs.traced_runs() if r.role == "boot"]


def detail_runs(ctx):
    """The runs whose every exit the per-run sections (4, 5) look into."""
    return [r for r in ctx.inputs.traced_runs() if r.role in ("boot", "default", "bare")]


def section_boot(doc, ctx):
    runs = boot_runs(ctx)
    if not doc.section("1. How many exits does a full guest boot take?",
                       runs, "No boot run among the inputs (a run with `--guest-cmd 'exitlab-workload boot'`)."):
        return
    doc.p("Each guest boots its kernel, runs `init`, and powers off at once "
          "(`exitlab-workload boot`). *To init* is the VM's exit count the guest read itself when "
          "init started (`/sys/hypervisor/exits/count`, the read's own exit included; kernels "
          "without exitlab's guest patch cannot read it); *to power-off* is every exit in the trace, "
          "which equals KVM's own `exits` statistic at power-off (section 9).")
    rows, per_class, groups = [], {}, []
    for r in runs:
        t = total(r)
        marks = dict(markers(r, "guest0"))
        label = f"{r.guest_arch} {r.guest_kernel}"
        # The figure's cluster label: Debian's package name shortened to its version, so that
        # four clusters' labels fit under them.
        short = r.guest_kernel.split()
        plot_label = (f"{r.guest_arch} Debian {short[-1]}" if short[0] == "Debian" and len(short) > 2
                      else label)
        top = ", ".join(f"{c['class']} {c['share_pct']:.1f}%" for c in classes(r)[:4])
        rows.append([label, marks.get("booted", ""), t["exits"], r.uptime_at_end("guest0"), top])
        groups.append(plot_label)
        per_class[plot_label] = {c["class"]: c["exits"] for c in classes(r)}
        ctx.command(command_line("summary", r.trace))
    doc.table(["guest (kernel)", "exits to init", "exits to power-off", "guest uptime at the end [s]",
               "top classes (share)"], rows)
    series = [c for c in ctx.ranked if any(c in v for v in per_class.values())]
    ctx.figure(figures.grouped_bars(ctx.fig_dir, "boot-classes",
                                    "Exits of one guest boot, by exit class", "exits [count, log scale]",
                                    groups, series, per_class, ctx.ranked, log=True),
               "boot-classes", "Exits of one guest boot (to power-off) by exit class and guest kernel.")


def section_rate(doc, ctx):
    runs = [r for r in ctx.inputs.traced_runs() if r.role in ("default", "bare")]
    if not doc.section("2. Does the exit count grow at a stable rate, or in bursts?",
                       runs, "No run of the default workload among the inputs."):
        return
    doc.p(f"Exits per {TIMELINE_MS} ms interval (`exitstat timeline`), per class, with the guest's "
          "phases marked where the guest printed them. A phase's rate is **stable** when the "
          "coefficient of variation (CV: standard deviation / mean of the per-interval rates) is "
          "below 0.25, **variable** below 1, **bursty** from 1 on.")
    rows, answers = [], []
    for i, r in enumerate(runs):
        tl = exitstat("timeline", r.trace, "--interval", str(TIMELINE_MS))
        marks = run_markers(r)
        label = r.describe()
        for name, a, b in phases(*busy_span(tl["intervals"]), marks):
            st = rate_stats(tl["intervals"], a, b, TIMELINE_MS / 1000)
            if st:
                first = not any(row[0] == label for row in rows)
                rows.append([label if first else " ", name, f"{b - a:.2f}",
                             round(st["exits"]), round(st["mean_per_s"]), round(st["peak_per_s"]),
                             f"{st['cv']:.2f}", burst_word(st["cv"])])
                answers.append((r.guest_arch, name, st))
        ranked = [c["class"] for c in classes(r)]
        shown = ranked[:6] + (["other"] if len(ranked) > 6 else [])
        name = f"timeline-{i + 1}"
        ctx.figure(figures.timeline(ctx.fig_dir, name, f"Exits per second by class: {r.name}",
                                    tl["intervals"], shown, ctx.ranked, TIMELINE_MS / 1000,
                                    [(t, lab) for t, lab, _ in marks]),
                   name, f"Exit rate over time by class, {TIMELINE_MS} ms intervals: {label}.")
        ctx.command(command_line("timeline", r.trace, "--interval", str(TIMELINE_MS)))
    doc.table(["run", "phase", "length [s]", "exits", "mean [exits/s]", "peak [exits/s]", "CV", "rate"], rows)
    steady = study_workload_rates(ctx)
    if steady:
        doc.p("The same during the workload phase of each workload of the study, one guest alone "
              "(traced cells):")
        doc.table(["guest", "workload", "length [s]", "exits", "mean [exits/s]", "peak [exits/s]", "CV", "rate"],
                  steady)
    if answers:
        by_phase = {}
        for arch, name, st in answers:
            by_phase.setdefault(name, []).append(f"{arch} {st['mean_per_s']:,.0f} exits/s, CV {st['cv']:.2f} "
                                                 f"({burst_word(st['cv'])}, peak {st['peak_per_s'] / st['mean_per_s']:.1f}× the mean)")
        doc.p("**Answer.** It depends on the phase: " + "; ".join(
            f"{name}: " + ", ".join(v) for name, v in by_phase.items()) + ".")


def study_workload_rates(ctx):
    """Workload-phase rate statistics of the study's traced one-guest cells whose run
    directories are here and whose guests printed their markers."""
    st = ctx.study()
    if st is None:
        return []
    out = []
    for row in sorted(st.rows, key=lambda r: (r["arch"], r["workload"])):
        if row["traced"] != 1 or row["guests"] != 1 or row["workload"] == "boot":
            continue
        if not os.path.exists(os.path.join(str(row["run_dir"]), "run.json")):
            continue
        r = ctx.inputs.load_run(row["run_dir"])
        marks = run_markers(r)
        tl = exitstat("timeline", r.trace, "--interval", str(TIMELINE_MS))
        ph = [p for p in phases(*busy_span(tl["intervals"]), marks) if p[0] == "workload"]
        st_ = rate_stats(tl["intervals"], ph[0][1], ph[0][2], TIMELINE_MS / 1000) if ph else None
        if st_:
            out.append([row["arch"], row["workload"], f"{ph[0][2] - ph[0][1]:.2f}", round(st_["exits"]),
                        round(st_["mean_per_s"]), round(st_["peak_per_s"]), f"{st_['cv']:.2f}", burst_word(st_["cv"])])
    return out


def section_classes(doc, ctx):
    study = ctx.study()
    if not doc.section("3. Which exit classes are most and least frequent?",
                       study, "No study among the inputs."):
        return
    doc.p("Per guest architecture and workload, one guest alone on the host, traced: the classes "
          "ranked by exits (median over repeats; share of the guest's exits).")
    cells = {}
    for c in study.classes:
        if c["guests"] == 1:
            cells.setdefault((c["arch"], c["workload"]), {}).setdefault(c["class"], []).append(c["exits"])
    rows = []
    seen = set()
    for (arch, wl), per in sorted(cells.items()):
        med = {k: median(v) for k, v in per.items()}
        tot = sum(med.values())
        ranked = sorted(med.items(), key=lambda kv: -kv[1])
        seen.update(med)
        rows.append([arch, wl, tot, ", ".join(f"{k} {100 * v / tot:.1f}%" for k, v in ranked[:3]),
                     ", ".join(f"{k} {v}" for k, v in ranked[-2:][::-1]) if len(ranked) > 3 else ""])
    doc.table(["guest", "workload", "exits", "most frequent (share)", "least frequent (exits)"], rows)
    for r in ctx.inputs.traced_runs():
        seen.update(c["class"] for c in classes(r))
    absent = [(k, why) for k, why in NEVER_SEEN.items() if k not in seen]
    if absent:
        doc.p("Classes that occur in none of the report's runs, and why:")
        doc.items([f"`{k}`: {why}" for k, why in absent])


# Exit classes KVM/arm64 can report that exitlab's guests do not cause, and the reason
# (documentation, not measurement: listed only when no input shows the class).
NEVER_SEEN = {
    "FP_ASIMD": "floating point traps are handled in the world switch (the hyp fast path "
                "switches the FP registers and returns to the guest) and never reach `kvm_exit`",
    "SVE": "only with SVE in the guest's CPU: Cortex-A57, the host CPU of the default runs, has none",
    "SMC64": "guests call PSCI and SMCCC with HVC: the `virt` board's device tree says method = \"hvc\"",
    "SMC32": "as SMC64: the PSCI conduit is HVC",
    "SOFTSTP_LOW": "only while a debugger single-steps the guest (KVM_SET_GUEST_DEBUG)",
    "BREAKPT_LOW": "only with hardware breakpoints set by the host's debugger",
    "WATCHPT_LOW": "only with watchpoints set by the host's debugger",
    "BRK64": "only while the host debugs the guest with software breakpoints",
    "SERROR": "no system error was raised",
}


def calls_by_phase(r):
    """{function_id: [calls per phase]} and the phase names, from hvc --calls and the markers
    of a one-guest run (one phase, the whole trace, otherwise)."""
    doc = hvc_calls(r)
    ph = phases(0.0, doc["trace"]["span_s"], run_markers(r))
    out = {}
    for c in doc["call_list"]:
        k = next((i for i, (_, a, b) in enumerate(ph) if a <= c["time_s"] < b), len(ph) - 1)
        out.setdefault(c["function_id"], [0] * len(ph))[k] += 1
    return out, [p[0] for p in ph]


def section_hvc(doc, ctx):
    runs = detail_runs(ctx)
    if not doc.section("4. What do the HVC traps do?",
                       runs, "No traced run among the inputs."):
        return
    doc.p("Every HVC/SMC the guests made, by SMCCC function (`exitstat hvc`, from the x0/r0 "
          "`kvm_hvc_arm64` records): PSCI, SMCCC architecture calls, KVM vendor calls and the "
          "exit-statistics calls exitlab's guests make; and when they happen "
          "(`exitstat hvc --calls`, placed in the guest's phases by its markers).")
    trng = []
    for r in runs:
        h = exitstat("hvc", r.trace)
        per, names = calls_by_phase(r)
        doc.p(f"**{r.describe()}**")
        doc.table(["function", "id", "owner", "conduit", "calls", "share"] + names,
                  [[c["name"], c["function_id"], c["owner"], c["conduit"], c["calls"], f"{c['share_pct']:.1f}%"]
                   + per.get(c["function_id"], [])[:len(names)] for c in h["calls"]])
        ctx.command(command_line("hvc", r.trace, "--calls"))
        t = next((c for c in h["calls"] if c["name"] == "TRNG_RND64"), None)
        if r.settings and r.guest_arch == "arm64":
            n = t["calls"] if t else 0
            trust = r.guest_kernel_config("RANDOM_TRUST_CPU")
            trng.append([r.name, r.guest_kernel, "?" if trust is None else (trust or "not set"), n,
                         f"{t['share_pct']:.1f}%" if t else "0%",
                         per[t["function_id"]][0] if t and len(names) > 1 else ""])
    if any(r.role == "el2" for r in ctx.inputs.traced_runs()):
        doc.p("These are the guests' HVCs. A tracer of HVC exceptions at EL2 sees more: on an nVHE "
              "host the host kernel's own calls into EL2, at least one per guest entry; section 9 "
              "counts both from the emulator's log.")
    if any(row[3] for row in trng):
        doc.p("**The unexpected result: the arm64 guest's entropy pool calls the hypervisor.**")
        doc.table(["run", "guest kernel", "CONFIG_RANDOM_TRUST_CPU", "TRNG_RND64 calls", "share of its HVCs",
                   "before init"], trng)
        doc.p(
              "Linux 6.1's `extract_entropy()` (drivers/char/random.c) fills a block of four longs from "
              "`arch_get_random_seed_longs()`, which on arm64 with an SMCCC TRNG (KVM provides one) "
              "is an HVC returning at most three: two HVCs per extraction. While the pool is not yet "
              "initialized (`crng_init == CRNG_EMPTY`) every request for random bytes extracts again, "
              "and a kernel built without `CONFIG_RANDOM_TRUST_CPU` (the column above, read from "
              "each kernel's own config) does not credit the TRNG's bits, so the pool stays empty "
              "until interrupts have supplied enough entropy. 32-bit guests make no such calls: "
              "`arch_get_random_seed_longs()` on 32-bit ARM has no TRNG path.")


def section_sysreg_mmio(doc, ctx):
    runs = detail_runs(ctx)
    if not doc.section("5. Which system registers and devices cause exits?",
                       runs, "No traced run among the inputs."):
        return
    doc.p("Trapped system-register and CP15 accesses by register (`exitstat sysreg`), and MMIO "
          "accesses by device region of the `virt` board (`exitstat mmio`): handled in the kernel "
          "(vgic) or in user space (QEMU's devices).")
    for r in runs:
        s = exitstat("sysreg", r.trace)
        m = exitstat("mmio", r.trace)
        doc.p(f"**{r.describe()}**")
        regs = s["registers"][:8]
        if regs:
            doc.table(["register", "space", "access", "count", "share"],
                      [[x["register"], x["space"], x["access"], x["count"], f"{x['share_pct']:.1f}%"] for x in regs])
        doc.table(["device region", "accesses", "reads", "writes", "in user space", "in the kernel"],
                  [[x["region"], x["accesses"], x["reads"], x["writes"], x["userspace"], x["kernel"]]
                   for x in m["regions"]])
        ctx.command(command_line("sysreg", r.trace))
        ctx.command(command_line("mmio", r.trace))
