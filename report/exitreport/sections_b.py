# SPDX-License-Identifier: GPL-2.0
"""Sections 6-10 and the method: what exits cost, multi-guest scaling, whether tracing
perturbs, whether independent counts agree, what the patch costs."""

import json
import os

from . import figures
from .common import command_line, exitstat, median
from .published import published_table
from .runs import classes, guest_pids, markers, vcpu_counts


def section_cost(doc, ctx):
    doc.h(1, "6. What does an exit cost?")
    runs = [r for r in ctx.inputs.traced_runs() if r.role in ("default", "bare")]
    if runs:
        doc.p("Host time per exit, from `kvm_exit` to the next `kvm_entry` of the same vcpu, per class "
              "(`exitstat summary`): the median (p50), 99th percentile and maximum. These runs were "
              "traced, so every exit also paid for writing its trace records; and the host is "
              "emulated (QEMU TCG), so times are the emulator's, not a board's.")
        rows, pts = [], []
        for r in runs:
            for c in classes(r):
                if c["timed"] < 10:
                    continue
                rows.append([r.guest_arch or r.name, c["class"], c["timed"], round(c["host_p50_ns"] / 1e3, 1),
                             round(c["host_p99_ns"] / 1e3, 1), round(c["host_max_ns"] / 1e3, 1)])
                pts.append({"label": f"{r.guest_arch or r.name} {c['class']}", "class": c["class"],
                            "p50_ns": c["host_p50_ns"], "p99_ns": c["host_p99_ns"], "max_ns": c["host_max_ns"]})
        doc.table(["guest", "class", "timed exits", "p50 [µs]", "p99 [µs]", "max [µs]"], rows)
        ctx.figure(figures.host_time(ctx.fig_dir, "host-time", "Host time per exit by class (traced runs)",
                                     pts, ctx.ranked),
                   "host-time", "Host time per exit: box from p50 to p99, dot at the maximum (log scale).")
    costs = [c for c in ctx.inputs.costs if not patch_costs(c)]
    for c in costs:
        cost_table(doc, ctx, c)
    if not costs:
        doc.p("No `benchmarks/exit-cost.sh` result among the inputs: no deterministic exit-cost table.")
    nvhe = [c for c in costs if "nvhe" in c.data["setups"]]
    if nvhe:
        published_table(doc, ctx, nvhe[0])


def patch_costs(c):
    """An exit-cost.sh result that compares host kernels (first setup: stock): section 10's."""
    return c.data["setup_order"][0] == "stock"


def cost_table(doc, ctx, c):
    d = c.data
    order, s = d["setup_order"], d["setups"]
    first = order[0]
    doc.p(f"Deterministic cost of one exit of each type, from bare vcpus in the host "
          f"(`benchmarks/exit-cost.sh`: {d['iterations']:,} operations per batch, the median of "
          f"{d['runs']} runs, `-icount shift=0`: the host's clock counts emulated instructions, 1 ns "
          "each, so these are path lengths). Setups: "
          + "; ".join(f"`{k}` (`run-host.sh {' '.join(s[k]['run_host_options'])}`)" for k in order)
          + f". Ratios are to `{first}`; the spread is (max - min) / median over the runs, the largest "
          "of the setups'. KVM's counters per operation (all vcpus) are the first setup's; the "
          "program checked in every run that each moved by exactly what the type claims.")
    header = (["exit", "vcpu"] + [f"{k} [ns]" for k in order] + [f"{k} / {first}" for k in order[1:]]
              + ["spread [%]", "KVM counters per operation"])
    rows, spreads = [], []
    for t in s[first]["exits"]:
        for arch in ("aarch64", "aarch32"):
            cells = [s[k]["exits"].get(t, {}).get(arch, {}) for k in order]
            med = [x.get("median_ns") for x in cells]
            spreads += [(f"{t} {arch} {k}", x["spread_pct"]) for k, x in zip(order, cells) if "spread_pct" in x]
            sp = [x["spread_pct"] for x in cells if "spread_pct" in x]
            counters = ", ".join(f"{k} {v:.4g}" for k, v in cells[0].get("kvm_exits_per_op", {}).items() if v > 0)
            rows.append([t, arch] + [round(m) if m is not None else None for m in med]
                        + [f"{m / med[0]:.2f}×" if m and med[0] else None for m in med[1:]]
                        + [round(max(sp), 2) if sp else None, counters])
    doc.table(header, rows)
    doc.items(f"`{t}`: {s[first]['exits'][t]['what']}" for t in s[first]["exits"])
    legacy_note(doc, c, order)
    stable = [n for n, v in spreads if v <= 1]
    doc.p(f"{len(stable)} of {len(spreads)} figures repeat to 1% or better over their runs"
          + ("." if len(stable) == len(spreads) else
             "; the others: " + ", ".join(f"{n} ({v:.2f}%)" for n, v in spreads if v > 1) + "."))
    disturbed = [(f"{t} {arch} {k}", sum(x["disturbed_ops_per_run"]))
                 for k in order for t in s[k]["exits"] for arch in ("aarch64", "aarch32")
                 for x in [s[k]["exits"][t].get(arch, {})] if sum(x.get("disturbed_ops_per_run", [])) > 0]
    if disturbed:
        doc.p("Runs kept although some of their operations did not wait (a host interruption "
              "longer than the timer's wait came between its setting and the WFI, so there was no "
              "trap and no wake-up: cheaper operations, counted by the program): "
              + ", ".join(f"{n}: {k:,} of {d['runs'] * d['iterations']:,} operations" for n, k in disturbed) + ".")
    ctx.command(f"benchmarks/exit-cost.sh -n {d['iterations']} --runs {d['runs']} --setups {','.join(order)} --out DIR")


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def legacy_note(doc, c, order):
    """What differs on the legacy 32-bit host (run-host.sh --host-arch arm), from its run."""
    s = c.data["setups"]
    for k in order:
        opts = s[k]["run_host_options"]
        if "--host-arch" not in opts or opts[opts.index("--host-arch") + 1] != "arm":
            continue
        run = read_json(os.path.join(c.path, s[k]["run_dir"], "run.json")) or {}
        kern = run.get("host_kernel", {})
        others = sorted({(read_json(os.path.join(c.path, s[o]["run_dir"], "run.json")) or {})
                         .get("host_kernel", {}).get("release", "?") for o in order if o != k})
        skipped = sorted({f"{t} ({x['skipped']})" for t, e in s[k]["exits"].items()
                          for a, x in e.items() if isinstance(x, dict) and "skipped" in x and a == "aarch32"})
        cpus = s[k]["host_cpus"]
        # Types of several vcpus: their per-vcpu counters on the arm64 hosts, run here too.
        multi = sorted(t for t, e in s[k]["exits"].items() if "kvm_exits_per_op" in e.get("aarch32", {})
                       and any("kvm_exits_per_op_by_vcpu" in s[o]["exits"].get(t, {}).get("aarch32", {})
                               for o in order if o != k))
        doc.p(f"`{k}` is the legacy 32-bit host: Linux {kern.get('release', '?')} with "
              f"{len(kern.get('patches', []))} patches of kernel-patches/5.4, a Cortex-A15 in Hyp "
              f"mode on a simulated vexpress-a15 with {cpus} CPU{'s' if cpus != 1 else ''} and an "
              f"in-kernel GICv2, beside arm64 hosts running Linux {', '.join(others)} (GICv3). It runs "
              "AArch32 vcpus only; its KVM statistics are debugfs' sums over a VM's vcpus (Linux 5.4 "
              "has no per-vcpu binary statistics), which the program checks against the sum of the "
              "type's expectations over its vcpus"
              + (f" ({', '.join(multi)}: two vcpus)" if multi else "") + "."
              + (" Types it does not run: " + "; ".join(skipped) + "." if skipped else ""))


def study_rows(ctx, **match):
    st = ctx.study()
    if st is None:
        return []
    return [r for r in st.rows if all(r[k] == v for k, v in match.items())]


def section_scaling(doc, ctx):
    st = ctx.study()
    if not doc.section("7. How do exits and throughput scale with many guests?",
                       st, "No study among the inputs (`benchmarks/multi-guest --study default`)."):
        return
    m = st.study.get("matrix", {})
    doc.p(f"From the `{st.study.get('study')}` study of `benchmarks/multi-guest` "
          f"({len(st.cells)} cells: guests {m.get('guests')}, workloads {m.get('workloads')}, "
          f"guest arch {m.get('arch')}, host CPU {m.get('cpu')}, {m.get('repeats')} repeat(s)). "
          "Throughput comes from untraced cells, exit counts from traced ones. The host has two "
          "emulated CPUs on a 2-core machine: with more guests than host CPUs, guests share them.")
    rows = []
    for arch in m.get("arch", []):
        for wl in m.get("workloads", []):
            if wl == "boot":
                continue
            line = [arch, wl]
            base = None
            for g in m.get("guests", []):
                tp = median([r["ops_per_s"] for r in study_rows(ctx, arch=arch, workload=wl, guests=g, traced=0)
                             if r["ops_per_s"] != ""])
                eps = median([r["exits_per_s"] for r in study_rows(ctx, arch=arch, workload=wl, guests=g, traced=1)
                              if r["exits_per_s"] != ""])
                if base is None:
                    base = tp
                line += [tp, f"{base / tp:.2f}×" if tp and base else "", eps]
            rows.append(line)
    header = ["guest", "workload"]
    for g in m.get("guests", []):
        header += [f"{g} guest(s): ops/s", "slowdown", "exits/s"]
    doc.table(header, rows)
    loads = [c["load_avg_1m_end"] for c in st.cells if isinstance(c.get("load_avg_1m_end"), (int, float))]
    if loads:
        cpus = {c["machine_cpus"] for c in st.cells if isinstance(c.get("machine_cpus"), int)}
        verdict = ""
        if len(cpus) == 1:
            n = cpus.pop()
            verdict = (f" (above its {n} cores: other work competed with the emulated hosts and slowed them)"
                       if max(loads) > n else f" (never above its {n} cores)")
        doc.p(f"The machine's 1-minute load average at the end of the cells: median {median(loads):.2f}, "
              f"highest {max(loads):.2f}{verdict}.")
    else:
        doc.p("The study did not record the machine's load during its cells (a runner older than "
              "`load_avg_1m_*` in cells.csv): whether other work competed with the emulated hosts is "
              "not known.")
    made = figures.study_plots(ctx.fig_dir, st.rows, st.classes)
    for name, cap in (("throughput", "Workload throughput per guest vs guests per host (untraced; median, min–max)."),
                      ("exits_per_class", "Exits per second per guest by class (traced cells)."),
                      ("host_time_share", "Share of host time by exit class (traced cells)."),
                      ("fairness", "Lowest / highest guest throughput within a cell.")):
        if f"study-{name}" in made:
            ctx.figure(made, f"study-{name}", cap)
    ctx.command(f"benchmarks/multi-guest --study {st.study.get('study')} --out DIR")


def section_tracing(doc, ctx):
    st = ctx.study()
    if not doc.section("8. Does tracing perturb what it measures?",
                       st, "No study among the inputs."):
        return
    doc.p("The same cell traced (`trace-cmd record -e kvm`) and untraced, one guest: the "
          "workload's throughput and KVM's own exit count (`exits` statistic, which counts "
          "whether or not anything traces).")
    rows = []
    m = st.study.get("matrix", {})
    for arch in m.get("arch", []):
        for wl in m.get("workloads", []):
            a = study_rows(ctx, arch=arch, workload=wl, guests=1, traced=0)
            b = study_rows(ctx, arch=arch, workload=wl, guests=1, traced=1)
            if not a or not b:
                continue
            ta, tb = median([r["ops_per_s"] for r in a]), median([r["ops_per_s"] for r in b])
            ka, kb = median([r["kvm_exits"] for r in a]), median([r["kvm_exits"] for r in b])
            rows.append([arch, wl, ta, tb, f"{ta / tb:.2f}×" if ta and tb else "", ka, kb,
                         f"{100 * (kb - ka) / ka:+.1f}%" if ka else ""])
    doc.table(["guest", "workload", "untraced ops/s", "traced ops/s", "untraced / traced",
               "KVM exits untraced", "KVM exits traced", "difference"], rows)
    if m.get("repeats") == 1:
        doc.p("Each figure is from one run of its cell: the run-to-run spread is not measured here "
              "(the `full` study has 3 repeats), so small differences are not evidence of perturbation.")
    for c in ctx.inputs.costs:
        s = c.data["setups"]
        if "nvhe" not in s or "nvhe_traced" not in s:
            continue
        ratios = [f"{t} {a}: {s['nvhe_traced']['exits'][t][a]['median_ns'] / s['nvhe']['exits'][t][a]['median_ns']:.2f}×"
                  for t in s["nvhe"]["exits"] for a in ("aarch64", "aarch32")
                  if s["nvhe"]["exits"][t].get(a, {}).get("median_ns")
                  and s["nvhe_traced"]["exits"].get(t, {}).get(a, {}).get("median_ns")]
        doc.p("Per operation, deterministically (section 6): with `trace-cmd record -e kvm` running, "
              "each takes " + ", ".join(ratios) + " as long as untraced.")


def section_agree(doc, ctx):
    doc.h(1, "9. Do independent counts agree?")
    doc.p("Per guest and vcpu: the exits in the trace (`kvm_exit` records), the exits the "
          "trace lost (gaps in the patched `kvm_exit`'s per-vcpu counter), the counter's last "
          "value, KVM's own `exits` statistic at power-off (QMP `query-stats`), and the count "
          "the guest read itself at its last marker (one vcpu).")
    rows = []
    for r in ctx.inputs.traced_runs():
        if not r.run:
            continue
        counts = vcpu_counts(r)
        for gname, pid in sorted(guest_pids(r).items()):
            guest = next(g for g in r.guests() if g["name"] == gname)
            kvm = r.kvm_exits(guest)
            marks = markers(r, gname)
            for v, k in enumerate(kvm):
                c = counts.get((pid, v), {})
                last = c.get("last_count")
                rows.append([r.name, gname, v, c.get("exits_seen"), c.get("exits_lost"), last, k,
                             marks[-1][1] if marks and len(kvm) == 1 else "",
                             "yes" if last == k else "**no**"])
        ctx.command(command_line("lost", r.trace))
    doc.table(["run", "guest", "vcpu", "trace records", "lost", "last counter", "KVM exits",
               "guest's last read", "counter = KVM"], rows)
    st = ctx.study()
    if st is not None:
        traced = [r for r in st.rows if r["traced"] == 1 and r["exits"] != ""]
        agree = [r for r in traced if r["exits"] + (r["lost_events"] or 0) == r["kvm_exits"]]
        doc.p(f"Across the `{st.study.get('study')}` study's traced cells: in {len(agree)} of {len(traced)} "
              "guests, the exits in the trace plus the exits it lost equal KVM's own statistic exactly"
              + ("." if len(agree) == len(traced) else
                 "; the others: " + ", ".join(f"{r['cell_id']} guest{r['guest']}" for r in traced if r not in agree) + "."))
    section_el2(doc, ctx)


def el2_counts(r):
    """(QEMU's exceptions at the guests' vector table, the trace's exits, class names) by
    (exit reason, ESR_EL2.EC), and the host's calls into EL2; None without one guest table."""
    path = os.path.join(r.path, "el2-exceptions.json")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    guest = [v for v in data["vectors"] if v["role"] == "guest"]
    if len(guest) != 1:
        return None
    qemu, trace, names = {}, {}, {}
    for k in guest[0]["kinds"]:
        key = ("TRAP", k["esr_ec"]) if k["exception"] == "sync" else (k["exception"], "")
        qemu[key] = qemu.get(key, 0) + k["count"]
    for c in classes(r):
        key = ("TRAP", c["esr_ec"]) if c["ret"] == "TRAP" else (c["ret"], "")
        trace[key] = trace.get(key, 0) + c["exits"]
        names[key] = c["class"]
    host = sum(k["count"] for v in data["vectors"] if v["role"] == "host" for k in v["kinds"])
    return qemu, trace, names, host


def section_el2(doc, ctx):
    """Section 9's fourth view: the outer emulator's own count of exceptions taken to EL2."""
    runs = [r for r in ctx.inputs.traced_runs() if r.run and el2_counts(r)]
    if not runs:
        return
    doc.h(2, "A fourth view: the emulator counts the exceptions taken to EL2")
    doc.p("No real machine offers this one: the outer QEMU logs every exception its emulated CPUs "
          "take (`./run-host.sh --el2-log`: `-d int`, counted as it is written by "
          "`scripts/el2-exceptions.awk`). On the nVHE host, KVM points VBAR_EL2 at the guests' "
          "vector table while a vcpu runs and at the host's otherwise, so exceptions at the "
          "guests' table are the guests' exits, whatever KVM does with them, and those at the "
          "host's are the host kernel's own calls into EL2 (HVC: the world switch and the rest). "
          "Per class, beside the trace's `kvm_exit` records of the same run:")
    for r in runs:
        qemu, trace, names, host = el2_counts(r)
        rows = []
        for key in sorted(set(qemu) | set(trace), key=lambda k: -max(qemu.get(k, 0), trace.get(k, 0))):
            q, t = qemu.get(key, 0), trace.get(key, 0)
            rows.append([names.get(key) or (f"ESR_EL2.EC {key[1]}" if key[0] == "TRAP" else key[0]),
                         q, t, q - t, "yes" if q == t else "**no**"])
        entries = sum(trace.values())
        doc.p(f"**{r.name}**: {r.describe()}")
        doc.table(["class", "exceptions at the guests' table (QEMU)", "kvm_exit records (trace)",
                   "QEMU - trace", "equal"], rows)
        missing = [row[0] for row in rows if row[3] > 0]
        deferred = trace.get(("IRQ", ""), 0) - qemu.get(("IRQ", ""), 0)
        text = [f"The host kernel called into EL2 {host:,} times, {host / entries:.2f} per traced exit "
                "(one `__kvm_vcpu_run` per guest entry, plus the timer's, the vgic's and the TLB's "
                "hyp calls): a tracer of HVC exceptions at EL2 sees those beside the guests' own "
                + " and ".join(f"{qemu[('TRAP', ec)]:,} {name}" for ec, name in (("0x16", "HVC64"), ("0x12", "HVC32"))
                               if qemu.get(("TRAP", ec))) + "."]
        if missing:
            text.append(f"Taken but never traced ({', '.join(missing)}): exits KVM's world switch "
                        "handles at EL2 and returns from to the guest (`fixup_guest_exit`: the FP/SIMD "
                        "and SVE registers are switched there), so `kvm_exit` never sees them.")
        if deferred > 0:
            text.append(f"Traced but never taken: {deferred:,} of the trace's "
                        f"{trace.get(('IRQ', ''), 0):,} IRQ exits ({100 * deferred / trace[('IRQ', '')]:.0f}%) "
                        "were no exception at all: `__guest_enter` (arch/arm64/kvm/hyp/entry.S) does "
                        "not enter the guest while an interrupt is pending (ISR_EL1 not 0) and "
                        "returns `ARM_EXCEPTION_IRQ`, which KVM counts and traces as an IRQ exit.")
        doc.p(" ".join(text))
        ctx.command(command_line("summary", r.trace))


def section_method(doc, ctx):
    doc.h(1, "Method")
    runs = [r for r in ctx.inputs.runs if r.run]
    if runs:
        r = runs[0].run
        hk, q = r.get("host_kernel", {}), r.get("qemu", {})
        doc.items([
            f"host kernel {hk.get('release')} ({hk.get('source')}) "
            f"with patches {', '.join('`' + p[:4] + '`' for p in hk.get('patches', []))}",
            f"outer emulator: {q.get('outer_version')} ({q.get('outer_source')}, patches: "
            f"{', '.join(q.get('outer_patches', [])) or 'none'}), TCG, EL2 on; KVM's user space in the "
            f"host: Debian QEMU {q.get('inner_version')}",
            "an exit class is the exception class (ESR_EL2.EC) of the `kvm_exit` record, or IRQ when "
            "KVM's exit reason was an interrupt; host time per exit is `kvm_exit` to the next `kvm_entry` "
            "of the same vcpu (trace clock)",
            "limits: the host is an emulator (QEMU TCG on x86_64), so times are TCG's; counts, "
            "classes, sequences and ratios of path lengths carry over to a board, absolute times and "
            "cache or TLB effects do not"])
    rows = []
    for r in ctx.inputs.runs:
        s = r.settings
        rows.append([r.name, r.describe(), s.get("kernel", ""), f"`{(r.run or {}).get('exitlab', '')}`",
                     (r.run or {}).get("date", ""), (r.sha256 or "")[:16]])
    doc.p("Runs (each directory keeps `run.json`, the console logs and `trace.dat`; the checksum "
          "is the first 16 hex digits of the trace's SHA-256):")
    doc.table(["run", "setup", "host kernel", "exitlab", "date", "trace sha256"], rows)
    doc.p("Commands that reproduce the numbers above:")
    doc.code("\n".join(ctx.commands))
