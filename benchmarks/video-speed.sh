#!/usr/bin/env bash
# Reproduces the "Video hashing" speed table of docs/benchmarks.md: vPDQ (1 hash/s, native size) and TMK+PDQF on
# synthetic H.264 clips (lavfi testsrc2, 30 fps, x264 veryfast, yuv420p) at 360p, 720p and 1080p, each with two GOPs:
# 60 frames (sampled frame 30 is not a keyframe, so harrier decodes every frame) and 30 frames without scene cuts
# (every sampled frame is a keyframe, so harrier decodes keyframes only). The peers, measured in the same loop:
#   floor      ffmpeg producing exactly the frames vPDQ hashes from a full decode (the same select, area scaling and
#              rgb24 conversion, into a pipe read by cat >/dev/null);
#   nokey      the same frames from a keyframe-only decode (-skip_frame nokey; only meaningful for GOP 30).
#   batch      one harrier process hashing three links to the clip (-o DIR), per file: the start-up of the .NET
#              process (about 0.2 s of CPU, most of it JIT) is paid once per batch, as when a corpus is hashed.
# Every command is pinned to one core with taskset (CORES, default 0), so ffmpeg, ffprobe and .NET share it; CPU time is
# user+sys of the whole process tree (what /usr/bin/time reports for a parent that waits for its children), wall time
# is elapsed. Each figure is the median of REPS runs (default 3), interleaved; the load average is printed per clip.
# Usage: [SIZES="640x360 …"] [REPS=3] benchmarks/video-speed.sh [SECONDS_PER_CLIP]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
LEN=${1:-60}
CORES=${CORES:-0}
REPS=${REPS:-3}
DATA=${VIDEO_BENCH_DATA:-${TMPDIR:-/tmp}/harrier-video-bench}
DATA=$(mkdir -p "$DATA" && cd "$DATA" && pwd)
OUT=.build/video-bench
dotnet build src/Harrier.Cli/Harrier.Cli.csproj -c Release -o "$OUT" -nologo -v q -clp:ErrorsOnly >"$DATA/build.log" || { cat "$DATA/build.log" >&2; exit 2; }
HARRIER="dotnet $OUT/harrier.dll"

measure() { # measure NAME CMD... : appends "NAME wall cpu" to $DATA/times
  local name=$1; shift
  /usr/bin/time -f "$name %e %U %S" -a -o "$DATA/times.raw" taskset -c "$CORES" "$@" >/dev/null
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
med() { # med NAME wall|cpu
  awk -v n="$1" -v k="$2" '$1==n {print (k=="wall") ? $2 : $3+$4}' "$DATA/times.raw" | median
}

printf '| clip | GOP | harrier decodes | floor CPU s | vPDQ CPU s, one file | **vPDQ / floor, one file** | vPDQ CPU s per file, 3-file batch | **vPDQ / floor, batch** | nokey floor CPU s | vPDQ / nokey, one file | floor wall s | vPDQ wall s | vPDQ / floor wall | vPDQ video-s per CPU-s (batch) | TMK video-s per CPU-s | load avg (1 min, start–end) |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n'
for size in ${SIZES:-640x360 1280x720 1920x1080}; do
  w=${size%x*}; h=${size#*x}
  for gop in 60 30; do
    clip="$DATA/testsrc2-${size}-${LEN}s-g${gop}.mp4"
    [ -f "$clip" ] || ffmpeg -nostdin -loglevel error -y -f lavfi -i "testsrc2=size=${size}:rate=30:duration=${LEN}" \
      -c:v libx264 -preset veryfast -g "$gop" -sc_threshold 0 -pix_fmt yuv420p "$clip"
    # The rule harrier applies (VideoFrameReader.PlanKeyframesAsync): every 30th frame in presentation order a keyframe?
    mode=$(ffprobe -v error -select_streams V:0 -show_entries packet=pts,flags -of csv=p=0 "$clip" | sort -t, -k1,1n |
      awk -F, '(NR-1)%30==0 && substr($2,1,1)!="K" {bad=1} END {print bad ? "every frame" : "keyframes only"}')
    ffmpeg -nostdin -loglevel error -i "$clip" -f null - # page cache
    for k in 1 2 3; do ln -sf "$clip" "$DATA/link$k.mp4"; done
    : >"$DATA/times.raw"
    load=$(cut -d' ' -f1 /proc/loadavg)
    for _ in $(seq "$REPS"); do
      measure floor sh -c "ffmpeg -nostdin -hide_banner -loglevel error -noautorotate -i 'file:$clip' -map 0:V:0 -an -sn -dn \
        -vf 'select=not(mod(n\\,30)),scale=${w}:${h}:flags=area+accurate_rnd,format=rgb24' -vsync passthrough -f rawvideo -pix_fmt rgb24 pipe:1 | cat >/dev/null"
      [ "$gop" = 30 ] && measure nokey sh -c "ffmpeg -nostdin -hide_banner -loglevel error -threads 1 -skip_frame nokey -noautorotate -i 'file:$clip' -map 0:V:0 -an -sn -dn \
        -vf 'scale=${w}:${h}:flags=area+accurate_rnd,format=rgb24' -vsync passthrough -f rawvideo -pix_fmt rgb24 pipe:1 | cat >/dev/null"
      measure vpdq $HARRIER hash vpdq "$clip"
      measure batch $HARRIER hash vpdq -o "$DATA/batch" "$DATA/link1.mp4" "$DATA/link2.mp4" "$DATA/link3.mp4"
      measure tmk $HARRIER hash tmk "$clip" -o "$DATA/out.tmk"
    done
    load="$load–$(cut -d' ' -f1 /proc/loadavg)"
    fc=$(med floor cpu); nc=$(med nokey cpu); nc=${nc:-0}; vc=$(med vpdq cpu); tc=$(med tmk cpu); bcpu=$(echo "$(med batch cpu) / 3" | bc -l)
    fw=$(med floor wall); vw=$(med vpdq wall)
    if [ "$gop" = 30 ]; then nk=$(printf '%.2f | %.2f×' "$nc" "$(echo "$vc / $nc" | bc -l)"); else nk="— | —"; fi
    printf '| %s | %s | %s | %.2f | %.2f | **%.2f×** | %.2f | **%.2f×** | %s | %.2f | %.2f | %.2f× | %.1f | %.1f | %s |\n' "$size" "$gop" "$mode" \
      "$fc" "$vc" "$(echo "$vc / $fc" | bc -l)" "$bcpu" "$(echo "$bcpu / $fc" | bc -l)" "$nk" \
      "$fw" "$vw" "$(echo "$vw / $fw" | bc -l)" "$(echo "$LEN / $bcpu" | bc -l)" "$(echo "$LEN / $tc" | bc -l)" "$load"
    cp "$DATA/times.raw" "$DATA/times-${size}-g${gop}.raw"
  done
done
