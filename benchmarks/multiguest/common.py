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
EXITSTAT = os.path.join(ROOT, "build", "exitstat", "exitstat")
# The tests of the driver put a stand-in here (tests/runner/fake-run-host.sh): no emulated host.
RUN_HOST = os.environ.get("MULTI_GUEST_RUN_HOST") or os.path.join(ROOT, "run-host.sh")

# The workloads exitlab-workload implements (benchmarks/workloads/workload.c) and what each
# needs from a cell; io and net are not written yet.
WORKLOADS = {"cpu": 1, "mem": 1, "timer": 1, "hvc": 1, "ipi": 2, "boot": 1}  # name: vcpus needed
# Both need a device the guest kernels are built without (kernel-patches/6.1/guest-*.config
# have no VIRTIO_BLK / VIRTIO_NET) and one more disk or NIC per guest from exitlab-study.
MISSING_WORKLOADS = {"io": "virtio-blk with O_DIRECT", "net": "virtio-net to a host listener"}
# run-host.sh options the study sets itself: not to be given after --.
RUNNER_OWNED = ("--out", "--guests", "--guest-arch", "--guest-smp", "--guest-mem", "--guest-cmd", "--cpu",
                "--smp", "--timeout", "--no-trace", "--shell", "--build-only")
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
