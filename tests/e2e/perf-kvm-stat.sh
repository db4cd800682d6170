#!/usr/bin/env bash
# perf kvm stat on a traced run: ./run-host.sh --perf-kvm records perf kvm stat beside
# trace-cmd; the run passes check-results.sh (trace-cmd's trace is still complete: every
# vcpu's exit counter rises by one per record up to KVM's exits statistic) and
# check-perf-kvm.sh (perf's exits per class, per guest and per vcpu == exitstat's == KVM's).
#   tests/e2e/perf-kvm-stat.sh NAME GUESTS VCPUS [run-host.sh options]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
if [ $# -lt 3 ]; then
	echo "Usage: tests/e2e/perf-kvm-stat.sh NAME GUESTS VCPUS [run-host.sh options]" >&2
	exit 2
fi
name=perf-kvm-$1 guests=$2 smp=$3
shift 3
"$ROOT/tests/e2e/run-study.sh" "$name" --guests "$guests" --smp "$smp" -- \
	--perf-kvm --guests "$guests" --guest-smp "$smp" "$@"
"$ROOT/tests/e2e/check-perf-kvm.sh" "$BUILD_DIR/test-runs/$name"
