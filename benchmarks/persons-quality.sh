#!/usr/bin/env bash
# Accounts → persons quality on several seeds (issue 15): for each seed, a demo-preset world with one content item
# (the people, platform, chain and returns are those of the full demo preset; only the media are cut), then the same
# steps the demo runs: platform import → deposits → chain import, cluster, tags, trace → returns import → persons
# resolve (exit lists, prior records, GeoIP) → ingest and triage of the few media files (eval needs a triage) → eval.
# Prints eval's people section per seed.
#   benchmarks/persons-quality.sh [SEED...]     default seeds: 1 2 3 4 5
#   HARRIER_BIN=PATH/harrier to use a Release build; HARRIER_GEOIP for the GeoIP file (./harrier sets it).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/harrier-persons-quality.XXXXXX)
trap 'rm -rf "$work"' EXIT
export HARRIER_KEYS="$work/keys"   # the benchmark cases' keys go with the scratch folder, not into the user's key store
. "$here/benchmarks/harrier-bin.sh"
seeds=("$@"); [ ${#seeds[@]} -gt 0 ] || seeds=(1 2 3 4 5)
geo=(); [ -n "${HARRIER_GEOIP:-}" ] && geo=(--geoip "$HARRIER_GEOIP")
q() { "$h" --progress none "$@" > "$work/last.out" 2> "$work/last.err" || { echo "failed: $*" >&2; cat "$work/last.err" >&2; exit 1; }; }
echo "| seed | pairs precision | recall | F1 | TP / FP / FN | country accuracy (given) | paying persons identified | persons | resolve s |"
echo "|---|---|---|---|---|---|---|---|---|"
for seed in "${seeds[@]}"; do
  w="$work/world-$seed"; c="$work/case-$seed"
  q scenario generate --preset demo --items 1 --seed "$seed" --out "$w" ${HARRIER_GEOIP:+--geoip "$HARRIER_GEOIP"}
  q case init "$c" --name "quality $seed"
  q evidence add "$w/media" --exhibit M --case "$c"
  q platform import --from "sqlite:$w/platform/platform.sqlite" --case "$c"
  q platform deposits --out "$c/deposits.csv" --case "$c"
  q chain import "$w/chain" --case "$c"
  q chain cluster --deposits "$c/deposits.csv" --case "$c"
  q tags import "$w/tags" --case "$c"
  q chain trace --deposits "$c/deposits.csv" --case "$c"
  q returns import "$w/returns/exchanges" "$w/returns/isp" --case "$c"
  q --json persons resolve --prior-records "$w/records/prior-records.csv" --exit-list "tor=$w/network/tor-exit-list.txt" \
    --exit-list "vpn=$w/network/vpn-exit-list.txt" "${geo[@]}" --case "$c"
  cp "$work/last.out" "$work/resolve-$seed.json"
  q ingest media --exhibit M --case "$c"
  q triage --case "$c"
  q --json eval --truth "$w/truth.json" --case "$c"
  python3 - "$seed" "$work/last.out" "$work/resolve-$seed.json" <<'PY'
import json, sys
seed, e, r = sys.argv[1], json.load(open(sys.argv[2]))["people"], json.load(open(sys.argv[3]))
p = e["pairs"]
print(f"| {seed} | {p['precision']:.4f} | {p['recall']:.4f} | {p['f1']:.4f} | {p['truePositives']} / {p['falsePositives']} / {p['falseNegatives']} | "
      f"{e['country']['accuracy']:.4f} ({e['country']['given']}) | {e['identified']['share']:.3f} ({e['identified']['identified']} of {e['identified']['payingPersons']}) | "
      f"{e['persons']} | {r['elapsedSeconds']:.1f} |")
PY
  rm -rf "$w" "$c"
done
