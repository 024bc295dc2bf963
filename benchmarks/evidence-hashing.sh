#!/usr/bin/env bash
# Evidence hashing throughput: `harrier evidence add` (MD5 + SHA-1 + SHA-256 in one read, files in parallel,
# rows written to the case database) against `sha256sum` (SHA-256 only) over the same files, same run,
# page cache warm for both. Prints a Markdown table for docs/benchmarks.md.
#   benchmarks/evidence-hashing.sh [GIB=2] [RUNS=3]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
gib=${1:-2}
runs=${2:-3}
work=$(mktemp -d /tmp/harrier-hashbench.XXXXXX)
trap 'rm -rf "$work"' EXIT
data="$work/data"
mkdir -p "$data/large" "$data/small"

# Half the bytes in 32 MiB files (video-like), half in 64 KiB–1 MiB files (photo-like); random content.
large=$(( gib * 16 ))
for i in $(seq 1 "$large"); do head -c $((32 << 20)) /dev/urandom > "$data/large/f$i.bin"; done
small_bytes=$(( gib << 29 )); total=0; i=0
while [ $total -lt $small_bytes ]; do
  size=$(( (RANDOM % 960 + 64) << 10 )); head -c $size /dev/urandom > "$data/small/f$i.bin"
  total=$(( total + size )); i=$(( i + 1 ))
done
files=$(find "$data" -type f | wc -l)
bytes=$(du -sb "$data" | cut -f1)
cat $(find "$data" -type f) > /dev/null   # warm the page cache

"$here/harrier" --help > /dev/null        # build outside the timing

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
now() { date +%s.%N; }

sha=(); sha2=(); har=(); har_engine=()
for r in $(seq 1 "$runs"); do
  t0=$(now); find "$data" -type f -print0 | xargs -0 sha256sum > /dev/null; t1=$(now)
  sha+=("$(echo "$t1 - $t0" | bc -l)")
  t0=$(now); find "$data" -type f -print0 | xargs -0 -P "$(nproc)" -n 64 sha256sum > /dev/null; t1=$(now)
  sha2+=("$(echo "$t1 - $t0" | bc -l)")
  rm -rf "$work/case"
  "$here/harrier" case init "$work/case" --name bench > /dev/null
  t0=$(now)
  json=$("$here/harrier" evidence add "$data" --exhibit BENCH --case "$work/case" --json --progress none)
  t1=$(now)
  har+=("$(echo "$t1 - $t0" | bc -l)")
  har_engine+=("$(echo "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["elapsedSeconds"])')")
done
s=$(printf '%s\n' "${sha[@]}" | median)
s2=$(printf '%s\n' "${sha2[@]}" | median)
h=$(printf '%s\n' "${har[@]}" | median)
he=$(printf '%s\n' "${har_engine[@]}" | median)
mbps() { echo "scale=1; $bytes / 1000000 / $1" | bc -l; }
ratio() { echo "scale=2; $s / $1" | bc -l; }
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)
echo "Data: $files files, $bytes bytes (page cache warm); $(nproc) cores ($cpu); median of $runs runs."
echo
echo "| what | digests | seconds | MB/s | throughput vs sha256sum |"
echo "|---|---|---|---|---|"
echo "| \`sha256sum\` (coreutils $(sha256sum --version | head -1 | awk '{print $NF}'), one process) | SHA-256 | $s | $(mbps "$s") | 1.00× |"
echo "| \`sha256sum\` on every core (\`xargs -P $(nproc)\`) | SHA-256 | $s2 | $(mbps "$s2") | $(ratio "$s2")× |"
echo "| \`harrier evidence add\`, whole command (process start, scan, hash, database) | MD5 + SHA-1 + SHA-256 | $h | $(mbps "$h") | $(ratio "$h")× |"
echo "| \`harrier evidence add\`, engine time (scan, hash, database) | MD5 + SHA-1 + SHA-256 | $he | $(mbps "$he") | $(ratio "$he")× |"
