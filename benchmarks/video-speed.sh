#!/usr/bin/env bash
# Reproduces the "Video hashing" section of docs/benchmarks.md: video-seconds hashed per wall-second for vPDQ (1 hash/s,
# native size) and TMK+PDQF on synthetic H.264 clips (lavfi testsrc2, 30 fps, x264 veryfast, GOP 60), with the
# decode-only floor: ffmpeg producing the same frames through the same pipe into /dev/null.
# Pinned to one core with taskset (per-core figures) unless CORES is set (e.g. CORES=0-1).
# Usage: benchmarks/video-speed.sh [SECONDS_PER_CLIP]   (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
LEN=${1:-30}
CORES=${CORES:-0}
DATA=${VIDEO_BENCH_DATA:-${TMPDIR:-/tmp}/harrier-video-bench}
DATA=$(mkdir -p "$DATA" && cd "$DATA" && pwd)
OUT=.build/video-bench
dotnet build src/Harrier.Cli/Harrier.Cli.csproj -c Release -o "$OUT" -nologo -v q -clp:ErrorsOnly >"$DATA/build.log" || { cat "$DATA/build.log" >&2; exit 2; }
HARRIER="dotnet $OUT/harrier.dll"

wall() { # prints the wall seconds of a command
  local s e
  s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N)
  echo "$e - $s" | bc -l
}

printf '| clip | frames | decode-only floor (video-s/s) | vPDQ 1/s (video-s/s) | vPDQ / floor time | TMK (video-s/s) |\n'
printf '|---|---|---|---|---|---|\n'
for size in 640x360 1280x720 1920x1080; do
  clip="$DATA/testsrc2-${size}-${LEN}s.mp4"
  [ -f "$clip" ] || ffmpeg -nostdin -loglevel error -y -f lavfi -i "testsrc2=size=${size}:rate=30:duration=${LEN}" \
    -c:v libx264 -preset veryfast -g 60 -pix_fmt yuv420p "$clip"
  w=${size%x*}; h=${size#*x}
  # Warm the page cache and the JIT-free paths once.
  ffmpeg -nostdin -loglevel error -i "$clip" -f null -
  floor=$(wall taskset -c "$CORES" ffmpeg -nostdin -hide_banner -loglevel error -noautorotate -i "file:$clip" -map 0:V:0 -an -sn -dn \
    -vf "select=not(mod(n\,30)),scale=${w}:${h}:flags=area+accurate_rnd,format=rgb24" -vsync passthrough -f rawvideo -pix_fmt rgb24 pipe:1)
  vpdq=$(wall taskset -c "$CORES" $HARRIER hash vpdq "$clip")
  tmk=$(wall taskset -c "$CORES" $HARRIER hash tmk "$clip" -o "$DATA/out.tmk")
  printf '| %s H.264 | %d | %.1f | %.1f | %.2f× | %.1f |\n' "$size" $((LEN * 30)) \
    "$(echo "$LEN / $floor" | bc -l)" "$(echo "$LEN / $vpdq" | bc -l)" "$(echo "$vpdq / $floor" | bc -l)" "$(echo "$LEN / $tmk" | bc -l)"
done
