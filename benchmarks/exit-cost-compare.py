#!/usr/bin/env python3
"""Compare exit-cost.sh results, possibly from several runs, against one reference setup.

Usage: benchmarks/exit-cost-compare.py REFERENCE LABEL=FILE:SETUP...

Each LABEL=FILE:SETUP names a setup of an exit-cost.json written by benchmarks/exit-cost.sh
(e.g. before=old/exit-cost.json:full); REFERENCE is one of the LABELs. Prints, per exit type
and vcpu, the reference's median and minimum (ns = emulated instructions under -icount) and,
for every other label, the change against it of the median and of the minimum over the runs.
The minimum is the undisturbed path length when a host interrupt lands in some runs' batches.
Exit status: 0 ok, 1 unusable file, 2 usage.
"""
import json
import sys

PROG = "exit-cost-compare.py"


def usage_error(msg):
    print(f"{PROG}: {msg} (see --help)", file=sys.stderr)
    sys.exit(2)


def load(label, spec):
    path, sep, setup = spec.rpartition(":")
    if not sep or not path or not setup:
        usage_error(f"{label}: expected FILE:SETUP, got '{spec}'")
    try:
        with open(path, encoding="utf-8") as f:
            setups = json.load(f)["exit_cost"]["setups"]
    except (OSError, ValueError, KeyError) as e:
        print(f"{PROG}: {path}: not an exit-cost.json: {e}", file=sys.stderr)
        sys.exit(1)
    if setup not in setups:
        print(f"{PROG}: {path}: no setup '{setup}' (has {', '.join(setups)})", file=sys.stderr)
        sys.exit(1)
    return setups[setup]["exits"]


def main(argv):
    if len(argv) == 2 and argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    if len(argv) < 3:
        usage_error("needs REFERENCE and at least one LABEL=FILE:SETUP")
    ref = argv[1]
    specs = {}
    for arg in argv[2:]:
        label, sep, spec = arg.partition("=")
        if not sep or not label:
            usage_error(f"expected LABEL=FILE:SETUP, got '{arg}'")
        specs[label] = spec
    if ref not in specs:
        usage_error(f"REFERENCE '{ref}' is none of the labels ({', '.join(specs)})")
    data = {label: load(label, spec) for label, spec in specs.items()}
    others = [label for label in data if label != ref]
    print(f"{'exit':12} {'vcpu':8} {ref + ' med/min ns':>20}" +
          "".join(f"{label + ' med/min':>24}" for label in others))
    for kind, per_vcpu in data[ref].items():
        for vcpu in ("aarch64", "aarch32"):
            base = per_vcpu[vcpu]
            b_med, b_min = base["median_ns"], min(base["ns"])
            row = f"{kind:12} {vcpu:8} {f'{b_med:.1f}/{b_min:.1f}':>20}"
            for label in others:
                v = data[label][kind][vcpu]
                med, low = v["median_ns"], min(v["ns"])
                row += f"{f'{100 * (med / b_med - 1):+.2f}%/{100 * (low / b_min - 1):+.2f}%':>24}"
            print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
