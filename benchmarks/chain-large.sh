#!/usr/bin/env bash
# Chain engine on a generated scenario's chain (issue 8): `harrier chain import` (transactions per CPU-second),
# `harrier chain stats` (one pass over every input and output, visits per second, one thread; and a multi-input
# clustering run) and `harrier chain cluster --deposits` with every user's deposit address. Each step under
# /usr/bin/time -v (wall, user+sys CPU, peak RSS), with the load average before and after.
#   benchmarks/chain-large.sh WORLD       WORLD = a `harrier scenario generate` output (e.g. --preset large, kept
#                                         with KEEP=1 benchmarks/scenario-generate.sh large)
#   HARRIER_BIN=PATH/harrier to use a Release build instead of building one.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
world=$(cd "${1:?usage: benchmarks/chain-large.sh WORLD}" && pwd)
work=$(mktemp -d /tmp/harrier-chain-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
export HARRIER_KEYS="$work/keys"   # the benchmark case's key goes with the scratch folder, not into the user's key store
. "$here/benchmarks/harrier-bin.sh"

. "$here/benchmarks/timed.sh"

echo "blocks: $(ls "$world/chain"/blk*.dat | wc -l) files, $(du -sh "$world/chain" | cut -f1)"
"$h" case init "$work/case" --name chain-bench > /dev/null

echo "| step | wall | CPU (user+sys, s) | peak RSS | load average before → after |"
echo "|---|---|---|---|---|"
timed "chain import" "$h" chain import "$world/chain" --case "$work/case"
timed "chain stats" "$h" --json chain stats --case "$work/case"
# Known payees for clustering: every user's deposit address (from the platform database, written after the chain).
while [ ! -s "$world/truth.json" ] && pgrep -f "scenario generate .*--out $world" > /dev/null; do sleep 10; done
sqlite3 -csv "$world/platform/platform.sqlite" "SELECT deposit_address, id FROM users ORDER BY id" > "$work/deposits.txt"
echo "| (deposit addresses: $(wc -l < "$work/deposits.txt")) | | | | |"
timed "chain cluster" "$h" chain cluster --deposits "$work/deposits.txt" --case "$work/case"

python3 - "$work" <<'PY'
import json, re, sys
work = sys.argv[1]
def cpu(name):
    t = open(f"{work}/{name}.time").read()
    return float(re.search(r"User time \(seconds\): ([\d.]+)", t).group(1)) + float(re.search(r"System time \(seconds\): ([\d.]+)", t).group(1))
stats = json.load(open(f"{work}/chain stats.out"))
m = stats["store"]
print(f"store: {m['blocks']:,} blocks, {m['transactions']:,} txs, {m['inputs']:,} inputs, {m['outputs']:,} outputs, {m['addresses']:,} addresses")
print(f"import: {m['transactions'] / cpu('chain import'):,.0f} transactions per CPU-second (whole command, runtime start included)")
for k in ("firstPass", "secondPass"):
    p = stats[k]
    print(f"full pass ({k}): {p['inputs'] + p['outputs']:,} visits in {p['seconds'] * 1000:.1f} ms = {p['visitsPerSecond'] / 1e6:,.0f} M visits/s (one thread)")
c = stats["clustering"]
print(f"clustering (multi-input): {c['clusters']:,} clusters, {c['unions']:,} unions, {c['coinJoinsSkipped']} CoinJoins skipped, {c['seconds']:.2f} s")
PY
echo "import output:"; tail -3 "$work/chain import.out"
echo "cluster output:"; tail -3 "$work/chain cluster.out"
