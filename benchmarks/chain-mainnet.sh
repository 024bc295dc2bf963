#!/usr/bin/env bash
# The chain store at scale (issue 19 item 3): generates a synthetic regtest chain of N transactions
# (Harrier.Benchmarks chain-generate: mainnet-like input/output counts and script types, spends of earlier outputs,
# valid merkle roots and regtest proof of work), imports it under /usr/bin/time -v, then runs `harrier chain stats`
# (one timed pass over every input and output, multi-input clustering) under /usr/bin/time -v.
# Reports import tx per CPU-second (user+sys), peak RSS of each step, the pass rate and the clustering time and memory.
#
# usage: benchmarks/chain-mainnet.sh N [WORK_DIR] [SEED]     (Release build; WORK_DIR default /tmp/harrier-mainnet-N)
# KEEP=1 keeps the blocks and the store; IMPORTS=k splits the blocks into k imports (appending).
# CAP_BYTES=6000000000 runs the import inside a memory cgroup of that limit, page cache counted, after dropping the
# page cache (root; cgroup v1 or v2): the honest form of a peak-memory target for a process that maps its files.
set -euo pipefail
N=${1:?usage: chain-mainnet.sh N [WORK_DIR] [SEED]}
WORK=${2:-/tmp/harrier-mainnet-$N}
SEED=${3:-1}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
dotnet build benchmarks/Harrier.Benchmarks -c Release -v q -nologo >/dev/null
dotnet build src/Harrier.Cli -c Release -v q -nologo >/dev/null
BENCH=benchmarks/Harrier.Benchmarks/bin/Release/net10.0/Harrier.Benchmarks.dll
CLI=src/Harrier.Cli/bin/Release/net10.0/harrier.dll
rm -rf "$WORK"; mkdir -p "$WORK/blocks"
df -h "$WORK" | tail -1

measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -v -o "$WORK/$label.time" "$@" > "$WORK/$label.out" 2> "$WORK/$label.err" || { cat "$WORK/$label.err"; return 1; }
  local u s rss wall
  u=$(grep 'User time' "$WORK/$label.time" | awk '{print $NF}')
  s=$(grep 'System time' "$WORK/$label.time" | awk '{print $NF}')
  rss=$(grep 'Maximum resident' "$WORK/$label.time" | awk '{print $NF}')
  wall=$(grep 'Elapsed (wall' "$WORK/$label.time" | awk '{print $NF}')
  echo "$label: user ${u}s sys ${s}s wall $wall peak RSS $((rss / 1024)) MB"
  echo "$u $s $rss" > "$WORK/$label.cpu"
}

measure generate dotnet "$BENCH" chain-generate "$WORK/blocks" "$N" "$SEED"
cat "$WORK/generate.out"
du -sh "$WORK/blocks"

dotnet "$CLI" case init "$WORK/case" --name "mainnet-bench" >/dev/null
if [[ -n "${CAP_BYTES:-}" ]]; then
  sync; echo 3 > /proc/sys/vm/drop_caches
  if [[ -d /sys/fs/cgroup/memory ]]; then
    CG=/sys/fs/cgroup/memory/harrier-bench-$$; mkdir -p "$CG"; echo "$CAP_BYTES" > "$CG/memory.limit_in_bytes"; PEAK=$CG/memory.max_usage_in_bytes
  else
    CG=/sys/fs/cgroup/harrier-bench-$$; mkdir -p "$CG"; echo "$CAP_BYTES" > "$CG/memory.max"; PEAK=$CG/memory.peak
  fi
  echo $$ > "$CG/cgroup.procs"
  measure import dotnet "$CLI" chain import "$WORK/blocks" --case "$WORK/case" --json
  echo "import inside a cgroup capped at $CAP_BYTES bytes: its peak usage (page cache counted) $(cat "$PEAK") bytes"
  grep 'Major' "$WORK/import.time"
  echo $$ > "$(dirname "$CG")/cgroup.procs"; rmdir "$CG" 2>/dev/null || true
else
  measure import dotnet "$CLI" chain import "$WORK/blocks" --case "$WORK/case" --json
fi
du -sh "$WORK/case/chain"
read -r u s rss < "$WORK/import.cpu"
python3 - "$N" "$u" "$s" <<'PY'
import sys
n, u, s = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
print(f"import: {n / (u + s):,.0f} tx per CPU-second (user+sys {u + s:.1f} s)")
PY

measure stats dotnet "$CLI" chain stats --case "$WORK/case" --json
cat "$WORK/stats.out"
if [[ "${KEEP:-0}" != 1 ]]; then rm -rf "$WORK"; fi
