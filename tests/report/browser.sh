#!/usr/bin/env bash
# report/index.html in a real browser (headless chromium): a report made from the recorded
# inputs renders to a non-blank page and every figure it inlines loads (a probe copy of the
# page counts the images with a decoded size; the report itself runs no script).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "SKIP report-browser (chromium not installed: images/install-deps.sh)"; exit 77; }
command -v gnuplot >/dev/null || { echo "SKIP report-browser (gnuplot not installed)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
inputs=("$ROOT"/tests/report/inputs/*/)
check "report/generate --from the recorded inputs" \
	"$ROOT/report/generate" --from "${inputs[@]%/}" --out "$tmp/report"
figures=$(grep -c '<img ' "$tmp/report/index.html" || true)
check "index.html inlines figures ($figures)" test "$figures" -gt 0

# chromium as root needs --no-sandbox; a private profile keeps it off the user's.
run_browser() {
	timeout 120 "$browser" --headless=new --no-sandbox --disable-gpu --user-data-dir="$tmp/profile" \
		--hide-scrollbars "$@" 2>>"$tmp/chromium.log"
}
sed 's|</body>|<script>document.body.dataset.loaded = [...document.images].filter(i => i.complete \&\& i.naturalWidth > 0).length;</script></body>|' \
	"$tmp/report/index.html" >"$tmp/report/probe.html"
run_browser --virtual-time-budget=10000 --dump-dom "file://$tmp/report/probe.html" >"$tmp/dom.html" || true
loaded=$(sed -n 's/.*data-loaded="\([0-9]*\)".*/\1/p' "$tmp/dom.html" | head -n 1)
check "chromium loads every figure ($loaded of $figures)" test "${loaded:-0}" = "$figures"
run_browser --window-size=1280,2400 --screenshot="$tmp/shot.png" "file://$tmp/report/index.html" >/dev/null || true
check "chromium renders a non-blank page" python3 - "$tmp/shot.png" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat = 8, b""
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    if kind == b"IDAT":
        idat += data[pos + 8:pos + 8 + n]
    pos += 12 + n
raw = zlib.decompress(idat)
# A blank page is one colour: its filtered rows are nearly all zero bytes. Text and
# figures make many distinct, non-zero bytes.
nonzero = sum(1 for b in raw if b) / len(raw)
assert len(set(raw)) > 64 and nonzero > 0.02, f"{len(set(raw))} byte values, {nonzero:.3%} non-zero"
PY
finish
