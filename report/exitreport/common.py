# SPDX-License-Identifier: GPL-2.0
"""What every part of the report generator shares: paths, messages, exitstat."""

import json
import os
import statistics
import subprocess
import sys

PROG = "report/generate"
# This file is ROOT/report/exitreport/common.py.
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
# The build directory: EXITLAB_BUILD, else ROOT/build (the rule of images/lib.sh and the Makefile).
BUILD = os.environ.get("EXITLAB_BUILD") or os.path.join(ROOT, "build")
EXITSTAT = os.environ.get("EXITSTAT") or os.path.join(BUILD, "exitstat", "exitstat")
SCHEMA_VERSION = 1


class ReportError(Exception):
    """Unusable input: exit 1 with the message."""


class UsageError(Exception):
    """A bad option: exit 2 with the message."""


def note(msg):
    print(f"{PROG}: {msg}", file=sys.stderr, flush=True)


_cache = {}


def exitstat(cmd, trace, *args):
    """`exitstat CMD --json ARGS TRACE` as a dict (cached per call)."""
    key = (cmd, trace, args)
    if key not in _cache:
        argv = [EXITSTAT, cmd, "--json", *args, trace]
        try:
            p = subprocess.run(argv, capture_output=True, text=True, check=False)
        except OSError as e:
            raise ReportError(f"{EXITSTAT}: {e.strerror} (run `make` first)") from e
        if p.returncode != 0:
            raise ReportError(f"exitstat {cmd} {' '.join(args)} {trace}: "
                              f"{p.stderr.strip() or 'exit status ' + str(p.returncode)}")
        doc = json.loads(p.stdout)
        if doc.get("schema_version") != SCHEMA_VERSION:
            raise ReportError(f"{EXITSTAT}: JSON schema_version {doc.get('schema_version')}, "
                              f"this report reads {SCHEMA_VERSION} (rebuild exitstat: `make`)")
        _cache[key] = doc
    return _cache[key]


def command_line(cmd, trace, *args):
    """The command a reader types to get the same numbers."""
    rel = os.path.relpath(trace, ROOT) if trace.startswith(ROOT) else trace
    return " ".join(["exitstat", cmd, *args, rel])


def median(values):
    """The median (the mean of the middle two for an even count), None for no values."""
    return statistics.median(values) if values else None
