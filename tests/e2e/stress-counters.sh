#!/usr/bin/env bash
# The short version of tests/stress/counters.sh in `make test`: 2 arm64 guests x 2 busy vcpus
# for 20 s while each reads its own statistics, on the default ring buffer (every counter
# exact, nothing lost, the guests' reads agree with the trace) and on an 8 KiB one (exitstat's
# lost exits equal the counter gaps in trace-cmd's own text).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
exec "$ROOT/tests/stress/counters.sh" --guests 2 --smp 2 --guest-arch arm64 --seconds 20 \
	--reads 50 --runs 2 --tiny-kb 8 --out "$BUILD_DIR/test-runs/stress-counters"
