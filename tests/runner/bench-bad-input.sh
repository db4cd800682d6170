#!/usr/bin/env bash
# The benchmark scripts on bad input, as a table: each row is a command line that must be
# refused before anything runs (no emulated machine is booted: each row has 20 s), with the
# exit status (2 usage, 1 unusable input) and what the message says; nothing on standard
# output.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# STATUS | what the message says (grep -F) | the command line, run from the top of the tree
# (word-split; @TMP@ is a scratch directory, @B@ benchmarks/)
table=$(sed -e "s|@TMP@|$tmp|g" -e "s|@B@|benchmarks|g" <<'TABLE'
2 | analyzer-speed: unknown option --bogus | @B@/analyzer-speed.sh --bogus
2 | analyzer-speed: --runs needs a positive integer, got '0' | @B@/analyzer-speed.sh --runs 0
2 | analyzer-speed: --big needs a positive integer, got '' | @B@/analyzer-speed.sh --big
2 | analyzer-speed: --copies needs a positive integer, got 'x' | @B@/analyzer-speed.sh --copies x
1 | analyzer-speed: @TMP@/nope.dat: no such trace | @B@/analyzer-speed.sh @TMP@/nope.dat
2 | kvm-stat-speed.sh: unknown argument '--bogus' | @B@/kvm-stat-speed.sh --bogus
2 | need positive integers, got 'x' | @B@/kvm-stat-speed.sh --runs x
2 | kvm-stat-speed.sh: --guest-arch is arm or arm64, not 'sparc' | @B@/kvm-stat-speed.sh --guest-arch sparc
2 | kvm-stat-speed.sh: --out needs a value | @B@/kvm-stat-speed.sh --out
1 | kvm-stat-speed.sh: --from @TMP@/nope: no such directory | @B@/kvm-stat-speed.sh --from @TMP@/nope
2 | runner-overhead.sh: unknown option '--bogus' | @B@/runner-overhead.sh --bogus
2 | vexpress-tcg.sh: unknown argument '--bogus' | @B@/vexpress-tcg.sh --bogus
2 | vexpress-tcg.sh: --smp is 1 or 2, not '3' | @B@/vexpress-tcg.sh --smp 3
2 | vexpress-tcg.sh: --timeout needs a positive integer | @B@/vexpress-tcg.sh --timeout 0
2 | exit-cost.sh: -n needs a positive integer | @B@/exit-cost.sh -n x
2 | exit-cost.sh: --runs needs a positive integer | @B@/exit-cost.sh --runs 0
2 | exit-cost.sh: --out needs a value | @B@/exit-cost.sh --out
2 | exit-cost.sh: --types: unknown exit type 'bogus' (known: hvc,mmio_user, | @B@/exit-cost.sh --types hvc,bogus
2 | exit-cost.sh: --setups: unknown setup 'bogus' | @B@/exit-cost.sh --setups nvhe,bogus
2 | exit-cost-compare.py: expected LABEL=FILE:SETUP, got 'y' | @B@/exit-cost-compare.py x y
2 | exit-cost-compare.py: REFERENCE 'z' is none of the labels (a) | @B@/exit-cost-compare.py z a=@TMP@/nope.json:full
1 | exit-cost-compare.py: @TMP@/nope.json: not an exit-cost.json | @B@/exit-cost-compare.py a a=@TMP@/nope.json:full
2 | patch-effect.sh: --repeats needs a positive integer, got 'x' | @B@/patch-effect.sh --repeats x
2 | patch-effect.sh: --arches: 'sparc' is not arm or arm64 | @B@/patch-effect.sh --arches sparc
2 | multi-guest: unrecognized arguments: --bogus | @B@/multi-guest --bogus
2 | multi-guest: --out DIR is required | @B@/multi-guest run --study quick
2 | multi-guest: --study: no study 'nosuch' | @B@/multi-guest run --study nosuch --out @TMP@/s
2 | /etc/passwd:1: expected 'key = value', '[section]' or '# comment' | @B@/multi-guest run --study /etc/passwd --out @TMP@/s
2 | multi-guest: --guests: guests: '0' is not a whole number 1..16 | @B@/multi-guest run --study quick --guests 0,2 --out @TMP@/s
2 | multi-guest: --repeats: repeats: '0' is not a whole number 1..100 | @B@/multi-guest run --study quick --repeats 0 --out @TMP@/s
2 | multi-guest: --workloads: workloads: unknown workload 'bogus' | @B@/multi-guest run --study quick --workloads bogus --out @TMP@/s
TABLE
)

cd "$ROOT"
refusals '' timeout 20 <<<"$table"
check "no study output directory was made" test ! -e "$tmp/s"
finish
