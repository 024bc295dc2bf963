#!/usr/bin/env bash
# Reproduces the "PDQ speed" section of docs/benchmarks.md: images/s on one core and on all cores, decode only,
# decode + PDQ (full and pre512 front ends) and PDQ alone, on the repository's data/photos (or PHOTOS=DIR) and on 6–24 MP JPEGs.
# The large set is built once under $PDQ_BENCH_DATA: every JPEG of 6 MP or more from the Debian packages
# mate-backgrounds and plasma-workspace-wallpapers (apt-get download, needs a Debian mirror), plus three photos
# upscaled to 6000x4000 (24 MP) with ffmpeg. Usage: benchmarks/pdq-speed.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
PHOTOS=$(cd "${PHOTOS:-data/photos}" && pwd)
DATA=${PDQ_BENCH_DATA:-${TMPDIR:-/tmp}/harrier-pdq-bench}
LARGE="$DATA/large"
if [ ! -f "$LARGE/.complete" ]; then
  rm -rf "$DATA" && mkdir -p "$DATA/debs" "$LARGE"
  (cd "$DATA/debs" && apt-get download mate-backgrounds plasma-workspace-wallpapers >/dev/null && for d in *.deb; do dpkg -x "$d" x; done)
  find "$DATA/debs/x" -type f \( -iname '*.jpg' -o -iname '*.jpeg' \) | sort | while read -r f; do
    dims=$(file -b "$f" | grep -oE ', [0-9]+x[0-9]+,' | tail -1 | tr -d ', ' || true)
    [ -n "$dims" ] || continue
    if [ $(( ${dims%x*} * ${dims#*x} )) -ge 6000000 ]; then
      cp "$f" "$LARGE/$(echo "${f#"$DATA/debs/x/usr/share/"}" | tr '/' '_')"
    fi
  done
  for p in daisy/100080576_f52e8ee070_n.jpg roses/102501987_3cdb8e5394_n.jpg tulips/100930342_92e8746431_n.jpg; do
    ffmpeg -loglevel error -y -i "data/photos/flowers-ccby/$p" -vf scale=6000:4000:flags=lanczos -q:v 2 "$LARGE/upscaled-$(basename "$p")"
  done
  touch "$LARGE/.complete"
fi
dotnet build -c Release benchmarks/Harrier.PdqBench >/dev/null
exec dotnet benchmarks/Harrier.PdqBench/bin/Release/net10.0/Harrier.PdqBench.dll speed --rounds "$ROUNDS" \
  "photos=$PHOTOS" "large=$LARGE"
