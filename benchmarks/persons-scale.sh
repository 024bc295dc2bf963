#!/usr/bin/env bash
# Accounts → persons at scale (issue 15): a generated world's platform imported into a case, its ISP answers imported,
# then `harrier persons resolve` (loading accounts and logins from the case, the engine, storing the run) under
# /usr/bin/time -v (wall, user+sys CPU, peak RSS), with the load average before and after. The exchange answers are
# imported too but are tied to requests only after a chain trace, which this script does not run (see
# benchmarks/chain-large.sh), so KYC rows reach no account here: the figure is the engine on accounts, logins,
# subscribers, exit lists and prior records. Then the ranking and the packages (issue 16): `targets rank`,
# `package build` for every country, and `package verify` of the largest package.
#   benchmarks/persons-scale.sh WORLD     WORLD = a `harrier scenario generate` output (e.g. --preset large --items 1)
#   HARRIER_BIN=PATH/harrier to use a Release build instead of building one; HARRIER_GEOIP for the GeoIP file.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
world=$(cd "${1:?usage: benchmarks/persons-scale.sh WORLD}" && pwd)
work=$(mktemp -d /tmp/harrier-persons-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
export HARRIER_KEYS="$work/keys"   # the benchmark case's key goes with the scratch folder, not into the user's key store
. "$here/benchmarks/harrier-bin.sh"

. "$here/benchmarks/timed.sh"

"$h" case init "$work/case" --name persons-bench > /dev/null
echo "| step | wall | CPU (user+sys, s) | peak RSS | load average before → after |"
echo "|---|---|---|---|---|"
timed "platform import" "$h" --progress none platform import --from "sqlite:$world/platform/platform.sqlite" --case "$work/case"
timed "returns import" "$h" --progress none returns import "$world/returns/isp" --case "$work/case"
geo=()
if [ -n "${HARRIER_GEOIP:-}" ]; then geo=(--geoip "$HARRIER_GEOIP"); fi
timed "persons resolve" "$h" --progress none --json persons resolve --prior-records "$world/records/prior-records.csv" \
  --exit-list "tor=$world/network/tor-exit-list.txt" --exit-list "vpn=$world/network/vpn-exit-list.txt" "${geo[@]}" --case "$work/case"
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print("accounts %d, logins %d, subscribers %d, prior records %d -> persons %d (%d with several accounts), links %d, refused %d, candidate pairs %d, shared listed %d / detected %d, engine+store %.1f s" % (
  r["accounts"], r["logins"], r["subscriberInputs"], r["priorRecords"], r["persons"], r["multiAccountPersons"], r["links"], r["refused"], r["candidatePairs"],
  r["sharedAddressesListed"], r["sharedAddressesDetected"], r["elapsedSeconds"]))' "$work/persons resolve.out"
timed "targets rank" "$h" --progress none --json targets rank --case "$work/case"
timed "package build" "$h" --progress none --json package build --out "$work/packages" --case "$work/case"
largest=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
p = max(r["packages"], key=lambda p: p["persons"])
print(p["directory"])
print("%d packages, %d persons in them (largest %s: %d persons), %d of tier 1-3 without a country" % (
  len(r["packages"]), sum(p["persons"] for p in r["packages"]), p["country"], p["persons"], r["unplaced"]), file=sys.stderr)' "$work/package build.out")
timed "package verify" "$h" --progress none package verify "$largest" --case "$work/case"
du -sh "$largest" | sed 's/^/largest package on disk: /'
