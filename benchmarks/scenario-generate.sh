#!/usr/bin/env bash
# Scenario generation: wall time, peak RSS (/usr/bin/time -v), output size (du) and the generator's own time per
# stage, for each preset named (default: tiny demo large), with the load average before and after each run.
# Outputs go under a temporary folder in /tmp (override with SCENARIO_BENCH_DIR) and are deleted unless
# KEEP=1. Prints one Markdown table row per preset for docs/benchmarks.md.
#   benchmarks/scenario-generate.sh [PRESET...]        e.g. benchmarks/scenario-generate.sh large
#   SEED=1 KEEP=1 benchmarks/scenario-generate.sh large   (keeps the world for benchmarks/chain-large.sh)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../scripts/lib.sh
. "$here/scripts/lib.sh"
fetch_geoip
seed=${SEED:-1}
presets=("$@"); [ ${#presets[@]} -gt 0 ] || presets=(tiny demo large)
work=${SCENARIO_BENCH_DIR:-$(mktemp -d /tmp/harrier-scenario-bench.XXXXXX)}
mkdir -p "$work"
bin="$work/bin"
dotnet build "$here/src/Harrier.Cli" -c Release -o "$bin" -v quiet -nologo > "$work/build.log"   # outside the timing

echo "| preset | seed | wall | peak RSS | output (du) | stages (s), as printed | load average before → after |"
echo "|---|---|---|---|---|---|---|"
for preset in "${presets[@]}"; do
  out="$work/$preset-$seed"
  rm -rf "$out"
  before=$(cut -d' ' -f1-3 /proc/loadavg)
  /usr/bin/time -v -o "$work/$preset.time" "$bin/harrier" scenario generate --seed "$seed" --preset "$preset" --out "$out" > "$work/$preset.log" 2>&1
  after=$(cut -d' ' -f1-3 /proc/loadavg)
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/$preset.time")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/$preset.time")
  size=$(du -sh "$out" | cut -f1)
  stages=$(sed -n 's/^stages (s): //p' "$work/$preset.log")
  summary=$(grep "^scenario $preset" "$work/$preset.log" | sed 's/.* in [^:]*: //')
  printf '| %s | %s | %s | %s MiB | %s | %s | %s → %s |\n' "$preset" "$seed" "$wall" "$((rss / 1024))" "$size" "$stages" "$before" "$after"
  echo "    $preset: $summary" >&2
  [ "${KEEP:-0}" = 1 ] || rm -rf "$out"
done
[ "${KEEP:-0}" = 1 ] && echo "outputs kept in $work" >&2 || rm -rf "$work"
