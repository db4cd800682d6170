# SPDX-License-Identifier: GPL-2.0
"""The command line: usage text, flags, the subcommands and their exit status."""

import os
import signal
import sys
import time

from .cell import run_cell
from .common import PROG, RUNNER_OWNED, STUDIES, UsageError, note, positive_int
from .driver import run_study
from .study import LIST_AXES, build_matrix, expand, parse_study, resolve_study, split_list
from .tables import merge

USAGE = """\
Usage: benchmarks/multi-guest [run] --study NAME|FILE --out DIR [OPTIONS] [-- RUN-HOST-OPTIONS]
       benchmarks/multi-guest merge --out DIR [CELL_DIR|STUDY_DIR...]
       benchmarks/multi-guest expand --study NAME|FILE [AXIS OPTIONS]
       benchmarks/multi-guest studies

Runs a study: every cell (arch x cpu x vcpus x workload x trace x guests x repeat) is one
./run-host.sh run into OUT/cells/CELL/run, as run-host.sh leaves it (trace.dat kept);
then merges them into OUT/results.csv, results.json, exits_by_class.csv, cells.csv and
OUT/plots/*.png|svg. Running the same command again resumes: cells with a completion
marker (OUT/cells/CELL/DONE) are skipped, failed or interrupted ones run again (their old
directory moves to OUT/attempts/). Ctrl-C keeps the finished cells.

Studies (benchmarks/studies/NAME.study, or a FILE): quick (e2e test, <= 5 min warm),
default (the report's study, <= 40 min warm), full.

Axis options (each overrides the study's line; comma-separated lists):
  --arch arm,arm64        guest architectures
  --guests 1,2,4          guests per host (run at the same time)
  --vcpus 1,2             vcpus per guest (at most the host's smp)
  --workloads cpu,hvc     cpu mem timer hvc ipi boot io net
  --trace on,off          traced cells give exit counts; untraced ones throughput
  --cpu cortex-a57,max    host CPU model (nVHE, VHE)
  --repeats N             repeats of every cell
Run options:
  --jobs N                cells at a time (default 1: each emulated host uses two cores)
  --sshlogin LOGIN        passed to GNU parallel (repeatable; ':' is this machine); cells
                          run on machines with exitlab at --remote-root and come back
  --slf FILE              GNU parallel's --sshloginfile
  --remote-root DIR       exitlab's checkout on the ssh machines (default: this one's path)
  --dry-run               print the cells that would run, run nothing
  -- OPTIONS              passed to every ./run-host.sh (e.g. -- --icount)
merge: builds the tables and plots in --out from the given cell directories or study
  directories (default: --out's own cells/), so shards run anywhere merge into one study.

Workloads (exitlab-workload NAME in each guest; one line
`exitlab-workload: name=.. ops=.. seconds=.. ops_per_s=.. unit=.. vm_exits=..`):
  cpu    integer loop: the no-exit baseline     mem   touch fresh pages: stage-2 faults
  timer  nanosleep loop: WFx, timer IRQs        hvc   read /sys/hypervisor/exits: HVC exits
  ipi    two threads ping-pong on 2 vcpus: SGIs boot  boot to user space and power off
  io     4 KiB blocks written with O_DIRECT to the guest's virtio-blk disk, then read back
         (ops: blocks; each cell's guests get their own disk: run-host.sh --guest-disk)
  net    KiB sent over TCP from the guest's virtio-net NIC to a listener in the host
         (ops: KiB; each guest gets a NIC: run-host.sh --guest-net)
  Only io and net cells have these devices: the other cells' machine stays the same.

Exit status: 0 every cell finished, 1 a cell failed (the others are kept and merged),
2 bad usage or a bad study file (the message names file and line), 130 interrupted.
"""


def parse_args(argv):
    import argparse

    class Parser(argparse.ArgumentParser):
        def error(self, message):
            raise UsageError(message)
    p = Parser(prog=PROG, add_help=False)
    p.add_argument("command", nargs="?", default="run", choices=["run", "merge", "expand", "studies", "cell"])
    p.add_argument("inputs", nargs="*")
    p.add_argument("-h", "--help", action="store_true")
    p.add_argument("--study")
    p.add_argument("--out")
    for axis in ("arch", "guests", "vcpus", "workloads", "trace", "cpu", "repeats"):
        p.add_argument(f"--{axis}")
    p.add_argument("--jobs", default="1")
    p.add_argument("--sshlogin", action="append")
    p.add_argument("--slf")
    p.add_argument("--remote-root")
    p.add_argument("--dry-run", action="store_true")
    # cell (internal: what GNU parallel runs)
    p.add_argument("--dir")
    p.add_argument("--spec")
    p.add_argument("--seq", type=int, default=1)
    p.add_argument("--total", type=int, default=1)
    p.add_argument("--skipped", type=int, default=0)
    p.add_argument("--t0", type=float, default=time.time())
    p.add_argument("--avg-s", type=float, default=0)
    run_host_args = []
    if "--" in argv:
        i = argv.index("--")
        argv, run_host_args = argv[:i], argv[i + 1:]
    if argv and argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv = ["run"] + argv
    args = p.parse_intermixed_args(argv)
    args.run_host_args = run_host_args
    return args


def interrupt(_signum, _frame):
    raise KeyboardInterrupt


def main(argv):
    # Ctrl-C and kill both stop the study cleanly, also when started with SIGINT ignored
    # (a background job of a script).
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    try:
        args = parse_args(argv)
        if args.help:
            sys.stdout.write(USAGE)
            return 0
        if args.command == "cell":
            if not args.dir or not args.spec:
                raise UsageError("cell needs --dir and --spec (it is what GNU parallel runs)")
            args.jobs = positive_int(args.jobs, "--jobs")
            return run_cell(args)
        if args.command == "studies":
            for f in sorted(os.listdir(STUDIES)):
                if f.endswith(".study"):
                    s = parse_study(os.path.join(STUDIES, f))
                    print(f"{f[:-6]:10s} {s['raw'].get('description', '')}")
            return 0
        if args.command == "merge":
            if not args.out:
                raise UsageError("merge needs --out DIR")
            merged = merge(os.path.abspath(args.out), args.inputs or [args.out])
            rows, classes, cells, plots = merged
            note(f"{len(cells)} cells ({len([c for c in cells if c['status'] == 'ok'])} ok), {len(rows)} rows, "
                 f"{len(classes)} class rows, {len(plots)} plot files in {args.out}")
            return 0 if all(c["status"] == "ok" for c in cells) else 1
        if args.inputs:
            raise UsageError(f"unexpected argument '{args.inputs[0]}'")
        if not args.study:
            raise UsageError("--study NAME|FILE is required")
        overrides = {k: split_list(getattr(args, k)) for k in LIST_AXES if getattr(args, k) is not None}
        if args.repeats is not None:
            overrides["repeats"] = args.repeats
        m = build_matrix(parse_study(resolve_study(args.study)), overrides)
        if args.command == "expand":
            cells, dropped = expand(m)
            for d in dropped:
                print(f"# left out: {d}")
            for c in cells:
                print(c["id"])
            return 0
        if not args.out:
            raise UsageError("--out DIR is required")
        owned = [a for a in args.run_host_args if a.split("=")[0] in RUNNER_OWNED]
        if owned:
            raise UsageError(f"-- {owned[0]}: the study sets it (use the axis options or the study file)")
        args.jobs = positive_int(args.jobs, "--jobs", 1, 64)
        return run_study(args, m)
    except UsageError as e:
        print(f"{PROG}: {e} (see --help)", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
