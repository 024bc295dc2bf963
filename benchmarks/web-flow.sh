#!/usr/bin/env bash
# The payment-flow graph of a whole case in Debian's chromium (issue 17: "the flow graph stays interactive at 5,000
# nodes"): load time and frame times while panning and zooming, at a small graph (the floor, same run, same browser) and
# at the largest the case gives. Runs on a copy of the case (the benchmark adds and removes an account, audited).
#   benchmarks/web-flow.sh CASE_DIR [LIMITS="20 5000"]     (a full ./harrier demo case: DIR/case; its key must be in $HARRIER_KEYS)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
case_dir=$(cd "${1:?usage: benchmarks/web-flow.sh CASE_DIR [LIMITS]}" && pwd)
limits=${2:-"20 5000"}
work=$(mktemp -d /tmp/harrier-web-flow.XXXXXX)
trap 'rm -rf "$work"' EXIT
. "$here/scripts/lib.sh"
fetch_web_vendor
cp -r "$case_dir" "$work/case"
dotnet build "$here/benchmarks/Harrier.WebBench" -c Release -o "$work/bin" -v quiet -nologo > "$work/build.log"
echo "web-flow: $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(chromium --version 2>/dev/null | head -1)"
# shellcheck disable=SC2086
dotnet "$work/bin/Harrier.WebBench.dll" "$work/case" "$HARRIER_WEB_VENDOR" $limits
