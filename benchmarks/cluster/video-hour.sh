#!/usr/bin/env bash
# CPU-seconds of `ingest media` per hour of video at the seized platform's three renditions, for the sizing in
# docs/scale.md (issue 18 item 5). Synthetic clips only (lavfi testsrc2 with film-grain noise, so that the encoder and
# the decoder have detail to work on as with camera footage), encoded as a streaming platform serves them: x264 veryfast,
# its default GOP of 250 with scene-cut detection, constrained to 600 kbit/s at 360p, 1.2 Mbit/s at 480p and
# 2.5 Mbit/s at 720p, AAC audio; SECONDS long (default 300). Each rendition is ingested alone into its
# own SQLite case by a single process with --jobs 1; CPU is user+sys of the process and its children (GNU time: ffmpeg
# included). Needs a built CLI: dotnet build src/Harrier.Cli -c Release.
#   benchmarks/cluster/video-hour.sh [SECONDS]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-300}
H=(dotnet "${HARRIER_DLL:-$here/src/Harrier.Cli/bin/Release/net10.0/harrier.dll}")
work=$(mktemp -d /tmp/harrier-video-hour.XXXXXX)
export HARRIER_KEYS="$work/keys"
echo "clips of $secs s; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg); $(ffmpeg -version | head -1)"
printf '| rendition | size, video bit rate | clip MB | ingest CPU-s | CPU-s per video-hour | video-s per CPU-s |\n|---|---|---|---|---|---|\n'
for r in low:640x360:600k medium:854x480:1200k high:1280x720:2500k; do
  IFS=: read -r name size rate <<<"$r"
  mkdir -p "$work/$name/ev"
  clip="$work/$name/ev/clip.mp4"
  ffmpeg -nostdin -loglevel error -f lavfi -i "testsrc2=size=$size:rate=30,noise=alls=12:allf=t" -f lavfi -i "sine=frequency=440:sample_rate=44100" \
    -t "$secs" -c:v libx264 -preset veryfast -b:v "$rate" -maxrate "$rate" -bufsize "$rate" -pix_fmt yuv420p -c:a aac -b:a 96k -shortest "$clip"
  "${H[@]}" case init "$work/$name/case" --name "$name" >/dev/null
  "${H[@]}" evidence add "$work/$name/ev" --exhibit V --case "$work/$name/case" >/dev/null
  /usr/bin/time -f "%U %S" -o "$work/$name.cpu" "${H[@]}" ingest media --exhibit V --jobs 1 --case "$work/$name/case" >/dev/null
  awk -v n="$name" -v s="$size, $rate" -v secs="$secs" -v mb="$(du -m "$clip" | cut -f1)" \
    '{c=$1+$2; printf "| %s | %s | %s | %.1f | %.0f | %.1f |\n", n, s, mb, c, c*3600/secs, secs/c}' "$work/$name.cpu"
  # What the clip left in the case: its facts row's hash columns (the database's share) and its keyframe strip.
  python3 - "$work/$name/case/case.db" "$secs" "$(du -b "$work/$name/case/derived" | tail -1 | cut -f1)" >>"$work/sizes" <<'PY'
import sqlite3, sys
vpdq, tmk, reframed = sqlite3.connect(sys.argv[1]).execute("SELECT length(vpdq), length(tmk_level1), length(reframed) FROM media_facts").fetchone()
secs = float(sys.argv[2])
print(f"  {sys.argv[1].split('/')[-3]}: facts row hash columns {vpdq + tmk + reframed} bytes ({(vpdq + reframed) / secs:.0f} bytes a second of video + {tmk} of TMK); derived files {sys.argv[3]} bytes")
PY
done
cat "$work/sizes"
rm -rf "$work"
