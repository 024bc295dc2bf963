#!/usr/bin/env bash
# Reproduces the long-file memory table of docs/benchmarks.md ("Video hashing"): peak memory of `harrier hash vpdq`
# and `harrier hash tmk` on a 5-minute and a 1-hour synthetic file (lavfi testsrc2, 320x180, 30 fps, x264 ultrafast,
# GOP 60, so vPDQ decodes every frame). Reported: /usr/bin/time -v's maximum resident set size (the largest of the .NET
# process and the ffmpeg/ffprobe children it waited for) and, separately, the peak (VmHWM) of the .NET process itself
# and of its largest child, polled from /proc twice a second.
# Usage: benchmarks/video-memory.sh [LONG_SECONDS]   (default 3600; the short file is always 300 s)
set -euo pipefail
cd "$(dirname "$0")/.."
LONG=${1:-3600}
DATA=${VIDEO_MEMORY_DATA:-${TMPDIR:-/tmp}/harrier-video-memory}
DATA=$(mkdir -p "$DATA" && cd "$DATA" && pwd)
OUT=.build/video-bench
dotnet build src/Harrier.Cli/Harrier.Cli.csproj -c Release -o "$OUT" -nologo -v q -clp:ErrorsOnly >"$DATA/build.log" || { cat "$DATA/build.log" >&2; exit 2; }

peak() { # peak CMD... : prints "time-v-maxrss dotnet-hwm child-hwm user+sys elapsed"
  /usr/bin/time -v "$@" >/dev/null 2>"$DATA/time.txt" &
  local tp=$! dn=0 ch=0 v p c
  while kill -0 "$tp" 2>/dev/null; do
    for p in $(pgrep -P "$tp" || true); do
      v=$(awk '/VmHWM/{print $2}' "/proc/$p/status" 2>/dev/null || true); [ -n "$v" ] && [ "$v" -gt "$dn" ] && dn=$v
      for c in $(pgrep -P "$p" || true); do
        v=$(awk '/VmHWM/{print $2}' "/proc/$c/status" 2>/dev/null || true); [ -n "$v" ] && [ "$v" -gt "$ch" ] && ch=$v
      done
    done
    sleep 0.5
  done
  wait "$tp"
  awk -v dn="$dn" -v ch="$ch" -F': ' '/Maximum resident/{m=$2} /User time/{u=$2} /System time/{s=$2} /Elapsed/{e=$2}
    END {printf "%d | %d | %d | %.1f | %s", m, dn, ch, u+s, e}' "$DATA/time.txt"
}

printf '| command | video | frames decoded | max RSS, time -v (KiB) | .NET process peak (KiB) | largest child peak (KiB) | CPU s | wall | load avg (1 min) |\n'
printf '|---|---|---|---|---|---|---|---|---|\n'
for len in 300 "$LONG"; do
  f="$DATA/t$len.mp4"
  [ -f "$f" ] || ffmpeg -nostdin -loglevel error -y -f lavfi -i "testsrc2=size=320x180:rate=30:duration=$len" \
    -c:v libx264 -preset ultrafast -g 60 -pix_fmt yuv420p "$f"
done
for cmd in vpdq tmk; do
  for len in 300 "$LONG"; do
    f="$DATA/t$len.mp4"
    load=$(cut -d' ' -f1 /proc/loadavg)
    if [ "$cmd" = vpdq ]; then
      r=$(peak dotnet "$OUT/harrier.dll" hash vpdq "$f")
    else
      r=$(peak dotnet "$OUT/harrier.dll" hash tmk "$f" -o "$DATA/out.tmk")
    fi
    printf '| hash %s | %d s, 320x180 | %d | %s | %s–%s |\n' "$cmd" "$len" $((len * 30)) "$r" "$load" "$(cut -d' ' -f1 /proc/loadavg)"
  done
done
