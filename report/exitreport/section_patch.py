# SPDX-License-Identifier: GPL-2.0
"""Section 10: what exitlab's kernel patches cost — whether they change the exits a guest
takes (benchmarks/patch-effect.sh: stock, counter-only and patched host kernels under
-icount) and what they add to an exit's path (benchmarks/exit-cost.sh setups)."""

from .sections_b import cost_table, patch_costs

SETUP_TEXT = {"stock": "stock (no exitlab patch)", "counter": "counter only (0001-0002)",
              "full_stats_off": "whole series, statistics calls off", "full": "whole series"}
KVM_COLUMNS = (("hvc_exit_stat", "hvc"), ("mmio_exit_user", "mmio user"),
               ("mmio_exit_kernel", "mmio kernel"), ("wfi_exit_stat", "wfi"))


def setup_name(s):
    return SETUP_TEXT.get(s, s)


def cnt(v):
    """A count or a median of counts: exact (a median of an even number of runs may end in .5)."""
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"


def span(st):
    return cnt(st["min"]) if st["min"] == st["max"] else f"{cnt(st['min'])}-{cnt(st['max'])}"


def effect_tables(doc, ctx, pe):
    d = pe.data
    doc.p(f"The same guest (one, the default workload, traced) on host kernels built with "
          f"`./run-host.sh --patches`, under `-icount shift=0` so that a run repeats closely; "
          f"each setup ran {pe.repeats()} time(s), and the spread of those repeats is the noise "
          f"against which a difference counts. Exits are KVM's own `exits` statistic of the vcpu "
          f"(read over QMP after the guest powered off); the classes are exitstat's from the trace.")
    for a in d["arches"]:
        base = next((s for s in a["setups"] if s["setup"] == d["base"]), a["setups"][0])
        rows = []
        for s in a["setups"]:
            d_base = s["exits_vs_base"]
            rows.append([setup_name(s["setup"]), cnt(s["exits"]["median"]), span(s["exits"]),
                         ("+" if d_base >= 0 else "-") + cnt(abs(d_base)), f"{s['exits_vs_base_pct']:+.2f}%"]
                        + [cnt(s["kvm_stats"][k]["median"]) for k, _ in KVM_COLUMNS])
        doc.p(f"**{a['arch']} guest**:")
        doc.table(["host kernel", "exits (median)", "range", f"vs {d['base']}", "%"]
                  + [t for _, t in KVM_COLUMNS], rows)
        doc.p(counting_verdict(a, base))
        stats_on = stats_calls(a)
        if stats_on:
            doc.p(stats_on)
        moved = class_moves(a, base)
        if moved:
            doc.p(f"Classes whose median moves by more than the larger of the two setups' ranges "
                  f"({a['arch']}): " + "; ".join(moved) + ".")
        else:
            doc.p(f"No exit class moves by more than its repeat range ({a['arch']}).")
        ctx.command(f"benchmarks/patch-effect.sh --arches {a['arch']} --repeats {pe.repeats()} --out DIR")


def counting_verdict(a, base):
    """Whether counting alone (the counter, the whole series with the guests' calls off) moves
    the exits: each setup's difference to the base against the two setups' repeat ranges."""
    parts = []
    for s in a["setups"]:
        if s is base or s["setup"] == "full":
            continue
        d = s["exits_vs_base"]
        noise = (s["exits"]["max"] - s["exits"]["min"]) + (base["exits"]["max"] - base["exits"]["min"])
        where = "within" if abs(d) <= noise else "beyond"
        parts.append(f"{setup_name(s['setup'])}: {'+' if d >= 0 else '-'}{cnt(abs(d))} exits "
                     f"({s['exits_vs_base_pct']:+.2f}%), {where} the repeats' ranges together ({cnt(noise)})")
    if not parts:
        return ""
    return (f"Counting alone, against {setup_name(base['setup'])} ({a['arch']} guest): " + "; ".join(parts) + ".")


def stats_calls(a):
    """What letting the guest read its statistics adds: the whole series with and without."""
    by = {s["setup"]: s for s in a["setups"]}
    on, off = by.get("full"), by.get("full_stats_off")
    if not on or not off:
        return ""
    hvc = [c for c in on["classes"] if c.startswith("HVC")]
    d_hvc = sum(on["classes"][c]["median"] - off["classes"].get(c, {"median": 0})["median"] for c in hvc)
    d_all = on["exits"]["median"] - off["exits"]["median"]
    d_user = on["kvm_stats"]["mmio_exit_user"]["median"] - off["kvm_stats"]["mmio_exit_user"]["median"]
    return (f"With the statistics calls on ({a['arch']} guest), the same workload takes {cnt(d_all)} more "
            f"exits than with them off: {cnt(d_hvc)} more hypercalls (the guest driver's reads "
            f"and init's marker reads), {cnt(d_user)} more MMIO exits to user space (the console "
            "lines that print what was read), the rest the driver's own page faults and register "
            "accesses: the measurement's cost, not the counting's.")


def class_moves(a, base):
    """'CLASS: stock M -> setup N' for every class and setup whose median differs from the
    base's by more than the wider of the two ranges (max - min over the repeats)."""
    out = []
    for s in a["setups"]:
        if s is base:
            continue
        for c in sorted((set(s["classes"]) | set(base["classes"])) - {"ALL"}):
            zero = {"median": 0, "min": 0, "max": 0}
            x, b = s["classes"].get(c, zero), base["classes"].get(c, zero)
            noise = max(x["max"] - x["min"], b["max"] - b["min"])
            if abs(x["median"] - b["median"]) > noise:
                out.append(f"{c} {cnt(b['median'])} → {cnt(x['median'])} ({s['setup']})")
    return out


def cost_goals(doc, c):
    """The issue's goals on an in-kernel hypercall: the counter within 1% of stock, the
    per-class statistics (whole series against the counter only) within 3%."""
    s = c.data["setups"]
    if not all(k in s for k in ("stock", "counter", "full")):
        return
    parts = []
    for arch in ("aarch64", "aarch32"):
        st, co, fu = (s[k]["exits"]["hvc"][arch]["median_ns"] for k in ("stock", "counter", "full"))
        parts.append(f"{arch} vcpu: the counter {co / st - 1:+.2%} against stock (goal ≤ 1%: "
                     f"{'met' if co / st - 1 <= 0.01 else 'not met'}), the statistics {fu / co - 1:+.2%} "
                     f"against the counter alone (goal ≤ 3%: {'met' if fu / co - 1 <= 0.03 else 'not met'})")
    doc.p("An in-kernel hypercall's path, " + "; ".join(parts) + ".")


def section_patch(doc, ctx):
    effects = ctx.inputs.effects
    costs = [c for c in ctx.inputs.costs if patch_costs(c)]
    if not doc.section("10. What does the patch cost?", effects or costs,
                       "Not measured in this report: no `benchmarks/patch-effect.sh` or "
                       "`benchmarks/exit-cost.sh --setups stock,...` result among its inputs (stock, "
                       "counter-only and patched host kernels side by side)."):
        return
    for pe in effects:
        effect_tables(doc, ctx, pe)
    for c in costs:
        doc.p("What each exit costs on each host kernel (nVHE, untraced): the same bare-vcpu "
              "microbenchmarks as in section 6, with the ratio of each kernel's path to stock's.")
        cost_table(doc, ctx, c)
        cost_goals(doc, c)
