#!/usr/bin/env bash
# Reproduces "Ingest memory" in docs/benchmarks.md (issue 20.3): the peak memory of `harrier ingest media` on a hostile
# corpus made here with ffmpeg (nothing downloaded): two 16000x16000 MJPEG videos (256 MP frames, over the video pixel
# cap), four 8192x8192 H.264 videos (67 MP, scaled to the hashing cap by ffmpeg), four 10000x10000 PNGs (100 MP, the
# image cap) and 8 small 1280x720 videos. Each run ingests the whole corpus into a fresh case at --jobs 2 and
# --jobs 16, with the default budget (half the machine's memory) and with --memory-budget 2G. Peak = the largest sum of
# the resident memory of harrier and every ffmpeg/ffprobe child, polled every 0.1 s from /proc (time -v reports only the
# largest single process).
# Usage: benchmarks/ingest-memory.sh [JOBS...]   (default: 2 16). HARRIER_BIN=path/to/harrier skips the build.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=${INGEST_MEMORY_DATA:-${TMPDIR:-/tmp}/harrier-ingest-memory}
mkdir -p "$work"
. "$here/benchmarks/harrier-bin.sh"
corpus="$work/corpus"
if [ ! -f "$corpus/.complete" ]; then
  rm -rf "$corpus" && mkdir -p "$corpus"
  ff() { ffmpeg -nostdin -loglevel error -y "$@"; }
  ff -f lavfi -i "testsrc2=size=16000x16000:rate=2:duration=1" -c:v mjpeg -pix_fmt yuvj420p -q:v 20 "$corpus/mjpeg-16000-a.avi"
  ff -f lavfi -i "testsrc2=size=16000x16000:rate=2:duration=1" -vf hflip -c:v mjpeg -pix_fmt yuvj420p -q:v 20 "$corpus/mjpeg-16000-b.avi"
  for i in 1 2 3 4; do
    ff -f lavfi -i "testsrc2=size=8192x8192:rate=2:duration=1" -vf "hue=h=${i}0" -c:v libx264 -preset ultrafast -pix_fmt yuv420p "$corpus/h264-8192-$i.mp4"
    ff -f lavfi -i "testsrc2=size=10000x10000" -vf "hue=h=${i}0" -frames:v 1 "$corpus/png-10000-$i.png"
  done
  for i in $(seq 1 8); do
    ff -f lavfi -i "testsrc2=size=1280x720:rate=30:duration=$((2 + i % 3))" -c:v libx264 -preset ultrafast -pix_fmt yuv420p "$corpus/small-$i.mp4"
  done
  touch "$corpus/.complete"
fi

peak() { # COMMAND... : runs it, prints the peak summed RSS of its process tree in MiB
  "$@" > "$work/run.out" 2> "$work/run.err" &
  local root=$! top=0 sum p v
  tree() { echo "$1"; local c; for c in $(pgrep -P "$1" || true); do tree "$c"; done; }
  while kill -0 "$root" 2>/dev/null; do
    sum=0
    for p in $(tree "$root"); do v=$(awk '/VmRSS/{print $2}' "/proc/$p/status" 2>/dev/null || true); sum=$((sum + ${v:-0})); done
    [ "$sum" -gt "$top" ] && top=$sum
    sleep 0.1
  done
  wait "$root" || true
  echo $((top / 1024))
}

export HARRIER_KEYS="$work/keys"
echo "| jobs | memory budget | peak RSS, harrier + children (MiB) | reserved at most (MiB) | refused | wall (s) |"
echo "|---|---|---|---|---|---|"
[ $# -gt 0 ] || set -- 2 16
for jobs in "$@"; do
  for budget in default 2G; do
    c="$work/case" && rm -rf "$c"
    "$h" case init "$c" --name ingest-memory > /dev/null
    "$h" --case "$c" evidence add "$corpus" --exhibit EX-1 > /dev/null
    extra=() && [ "$budget" != default ] && extra=(--memory-budget "$budget")
    start=$(date +%s.%N)
    top=$(peak "$h" --case "$c" --json --progress None ingest media --exhibit EX-1 --jobs "$jobs" "${extra[@]}")
    wall=$(echo "$(date +%s.%N) - $start" | bc -l)
    python3 - "$work/run.out" "$jobs" "$budget" "$top" "$wall" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"| {sys.argv[2]} | {sys.argv[3]} ({r['memoryBudgetBytes'] >> 20} MiB) | {sys.argv[4]} | {r['peakReservedBytes'] >> 20} | {len(r['unreadable'])} of {r['files']} | {float(sys.argv[5]):.0f} |")
EOF
  done
done
