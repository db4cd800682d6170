# SPDX-License-Identifier: GPL-2.0
"""Section 10: what exitlab's kernel patches cost — whether they change the exits a guest
takes (benchmarks/patch-effect.sh: stock, counter-only and patched host kernels under
-icount) and what they add to an exit's path (benchmarks/exit-cost.sh setups)."""

SETUP_TEXT = {"stock": "stock (no exitlab patch)", "counter": "counter only (0001-0002)",
              "full_stats_off": "whole series, statistics calls off", "full": "whole series"}
KVM_COLUMNS = (("hvc_exit_stat", "hvc"), ("mmio_exit_user", "mmio user"),
               ("mmio_exit_kernel", "mmio kernel"), ("wfi_exit_stat", "wfi"))


def setup_name(s):
    return SETUP_TEXT.get(s, s)


def span(st):
    return f"{st['min']:,}" if st["min"] == st["max"] else f"{st['min']:,}-{st['max']:,}"


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
            rows.append([setup_name(s["setup"]), s["exits"]["median"], span(s["exits"]),
                         f"{s['exits_vs_base']:+,g}", f"{s['exits_vs_base_pct']:+.2f}%"]
                        + [s["kvm_stats"][k]["median"] for k, _ in KVM_COLUMNS])
        doc.p(f"**{a['arch']} guest**:")
        doc.table(["host kernel", "exits (median)", "range", f"vs {d['base']}", "%"]
                  + [t for _, t in KVM_COLUMNS], rows)
        moved = class_moves(a, base)
        if moved:
            doc.p(f"Classes whose median moves by more than the larger of the two setups' ranges "
                  f"({a['arch']}): " + "; ".join(moved) + ".")
        else:
            doc.p(f"No exit class moves by more than its repeat range ({a['arch']}).")
        ctx.command(f"benchmarks/patch-effect.sh --arches {a['arch']} --repeats {pe.repeats()} --out DIR")


def class_moves(a, base):
    """'CLASS: stock M -> setup N' for every class and setup whose median differs from the
    base's by more than the wider of the two ranges (max - min over the repeats)."""
    out = []
    for s in a["setups"]:
        if s is base:
            continue
        for c in sorted(set(s["classes"]) | set(base["classes"])):
            zero = {"median": 0, "min": 0, "max": 0}
            x, b = s["classes"].get(c, zero), base["classes"].get(c, zero)
            noise = max(x["max"] - x["min"], b["max"] - b["min"])
            if abs(x["median"] - b["median"]) > noise:
                out.append(f"{c} {b['median']:,g} → {x['median']:,g} ({s['setup']})")
    return out


def section_patch(doc, ctx):
    effects = ctx.inputs.effects
    if not doc.section("10. What does the patch cost?", effects,
                       "Not measured in this report: no `benchmarks/patch-effect.sh` result among "
                       "its inputs (stock, counter-only and patched host kernels side by side)."):
        return
    for pe in effects:
        effect_tables(doc, ctx, pe)
