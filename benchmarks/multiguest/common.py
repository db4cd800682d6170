# SPDX-License-Identifier: GPL-2.0
"""What every stage of the runner shares: where things are, the workloads and settings
it knows, and its messages."""

import os
import re
import sys

PROG = "multi-guest"
# This file is ROOT/benchmarks/multiguest/common.py.
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
STUDIES = os.path.join(ROOT, "benchmarks", "studies")
# The build directory: EXITLAB_BUILD, else build/ at the top (tools/common.mk, images/lib.sh).
BUILD = os.environ.get("EXITLAB_BUILD") or os.path.join(ROOT, "build")
EXITSTAT = os.path.join(BUILD, "exitstat", "exitstat")
# The tests of the driver put a stand-in here (tests/runner/fake-run-host.sh): no emulated host.
RUN_HOST = os.environ.get("MULTI_GUEST_RUN_HOST") or os.path.join(ROOT, "run-host.sh")

# The workloads exitlab-workload implements (benchmarks/workloads/workload.c) and the vcpus
# each needs from a cell.
WORKLOADS = {"cpu": 1, "mem": 1, "timer": 1, "hvc": 1, "ipi": 2, "boot": 1, "io": 1, "net": 1}
# io's default ops (workload.c) and block size: its disk must hold ops x 4 KiB.
IO_DEFAULT_OPS = 256
IO_BLOCK_BYTES = 4096
IO_MIN_DISK_MB = 16


def device_args(workload, ops):
    """The run-host.sh options giving a cell's guests the device its workload works on: a
    disk for io, a NIC for net, nothing for the others (their machine stays the same)."""
    if workload == "io":
        need = (ops or IO_DEFAULT_OPS) * IO_BLOCK_BYTES
        return ["--guest-disk", str(max(IO_MIN_DISK_MB, -(-need // (1 << 20))))]
    if workload == "net":
        return ["--guest-net"]
    return []


# run-host.sh options the study sets itself: not to be given after --.
RUNNER_OWNED = ("--out", "--guests", "--guest-arch", "--guest-smp", "--guest-mem", "--guest-cmd", "--cpu",
                "--smp", "--timeout", "--no-trace", "--shell", "--build-only", "--guest-disk", "--guest-net")
ARCHES = ("arm", "arm64")
CPUS = ("cortex-a57", "max")


class UsageError(Exception):
    """A bad flag or study file: exit 2 with the message."""


def die(msg, status=1):
    print(f"{PROG}: {msg}", file=sys.stderr)
    sys.exit(status)


def note(msg):
    print(f"{PROG}: {msg}", flush=True)


def positive_int(s, what, lo=1, hi=None):
    if not re.fullmatch(r"[0-9]+", s) or int(s) < lo or (hi is not None and int(s) > hi):
        rng = f"{lo}..{hi}" if hi is not None else f">= {lo}"
        raise UsageError(f"{what}: '{s}' is not a whole number {rng}")
    return int(s)


def fmt_duration(s):
    s = int(round(s))
    if s >= 3600:
        return f"{s // 3600}h{(s % 3600) // 60:02d}m"
    if s >= 60:
        return f"{s // 60}m{s % 60:02d}s" if s < 600 else f"{s // 60}m"
    return f"{s}s"
