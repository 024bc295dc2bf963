#!/usr/bin/env bash
# Reproduces the "Video robustness" table of docs/benchmarks.md (hash-benchmarks.md §2, video part, reduced):
# 8 sources (4 lavfi generators, 4 photo slideshows with pans/zooms from ../shared/datasets/photos), each rendered
# as 360p (x264 crf 32), 720p (mpeg4 q 6) and 1080p (x264 crf 23) plus five 720p transforms (trim of the first 4 s,
# letterbox, logo patch, 24 fps, greyscale). Every video is hashed with `harrier hash vpdq` (1 hash/s) and compared
# with `harrier compare vpdq --json` (pytx rules) against the 1080p rendition of every source (the "bank").
# Two compilations (unrelated 10 s + 12 s of a source from t = 2 s + unrelated 8 s) test clip location.
# Usage: benchmarks/video-robustness.sh [SECONDS]   (default 15)
set -euo pipefail
cd "$(dirname "$0")/.."
LEN=${1:-15}
SHARED=${HARRIER_SHARED:-$(cd .. && pwd)/shared}
DATA=${VIDEO_ROBUST_DATA:-${TMPDIR:-/tmp}/harrier-video-robust}
mkdir -p "$DATA/videos" "$DATA/hashes"
DATA=$(cd "$DATA" && pwd)
OUT=.build/video-bench
dotnet build src/Harrier.Cli/Harrier.Cli.csproj -c Release -o "$OUT" -nologo -v q -clp:ErrorsOnly >"$DATA/build.log" || { cat "$DATA/build.log" >&2; exit 2; }
HARRIER="dotnet $OUT/harrier.dll"
FF="ffmpeg -nostdin -hide_banner -loglevel error -y"

render() { # render NAME INPUT_ARGS... : one decode, eight outputs
  local name=$1; shift
  [ -f "$DATA/videos/$name-grey.mp4" ] && return
  local x264="-c:v libx264 -preset veryfast -pix_fmt yuv420p"
  $FF "$@" -filter_complex "[0:v]fps=30,scale=1920:1080,setsar=1,split=8[a][b][c][d][e][f][g][h];\
[a]scale=640:360[r360];[b]scale=1280:720[r720];[c]null[r1080];\
[d]scale=1280:720,trim=start=4,setpts=PTS-STARTPTS[trim];\
[e]scale=1280:560,pad=1280:720:0:80[letterbox];\
[f]scale=1280:720,drawbox=x=40:y=40:w=220:h=110:color=white@0.85:t=fill,drawbox=x=60:y=60:w=180:h=70:color=red@0.9:t=fill[logo];\
[g]scale=1280:720,fps=24[fps24];[h]scale=1280:720,hue=s=0[grey]" \
    -map "[r360]" $x264 -crf 32 "$DATA/videos/$name-r360.mp4" \
    -map "[r720]" -c:v mpeg4 -q:v 6 "$DATA/videos/$name-r720.mp4" \
    -map "[r1080]" $x264 -crf 23 "$DATA/videos/$name-r1080.mp4" \
    -map "[trim]" $x264 -crf 26 "$DATA/videos/$name-trim.mp4" \
    -map "[letterbox]" $x264 -crf 26 "$DATA/videos/$name-letterbox.mp4" \
    -map "[logo]" $x264 -crf 26 "$DATA/videos/$name-logo.mp4" \
    -map "[fps24]" $x264 -crf 26 "$DATA/videos/$name-fps24.mp4" \
    -map "[grey]" $x264 -crf 26 "$DATA/videos/$name-grey.mp4"
}

render testsrc2 -f lavfi -i "testsrc2=size=1280x720:rate=30:duration=$LEN"
render mandelbrot -f lavfi -i "mandelbrot=size=1280x720:rate=30,trim=duration=$LEN"
render life -f lavfi -i "life=size=320x180:rate=30:mold=10:ratio=0.2:seed=7:death_color=#203080:life_color=#f0c040,scale=1280:720:flags=neighbor,trim=duration=$LEN"
render cellauto -f lavfi -i "cellauto=size=320x180:rate=30:rule=30:seed=3:scroll=1,scale=1280:720:flags=neighbor,trim=duration=$LEN"
per=$(( LEN * 30 / 5 ))
slide=0
for group in clothing-cc0/hat clothing-cc0/shoes flowers-ccby/daisy flowers-ccby/tulips; do
  slide=$((slide + 1))
  mapfile -t photos < <(find "$SHARED/datasets/photos/$group" -name '*.jpg' | sort | head -5)
  inputs=(); chain=""
  for i in 0 1 2 3 4; do
    inputs+=(-i "${photos[$i]}")
    chain+="[$i:v]scale=1920:1080:force_original_aspect_ratio=increase,crop=1920:1080,setsar=1,zoompan=z='1+0.0012*on':x='iw/2-(iw/zoom/2)+on*0.8':y='ih/2-(ih/zoom/2)':d=$per:s=1280x720:fps=30[p$i];"
  done
  name="slides$slide"
  if [ ! -f "$DATA/videos/$name-grey.mp4" ]; then
    $FF "${inputs[@]}" -filter_complex "${chain}[p0][p1][p2][p3][p4]concat=n=5,format=yuv420p" -c:v libx264 -preset veryfast -crf 18 "$DATA/$name-master.mp4"
  fi
  render "$name" -i "$DATA/$name-master.mp4"
done

# Compilations: 10 s of unrelated content, 12 s of the source from t = 2 s (its 1080p rendition), 8 s unrelated.
for src in testsrc2 slides3; do
  c="$DATA/videos/compilation-$src.mp4"
  [ -f "$c" ] || $FF -f lavfi -i "cellauto=size=320x180:rate=30:rule=90:seed=11,scale=1280:720:flags=neighbor,trim=duration=10" \
    -ss 2 -t 12 -i "$DATA/videos/$src-r1080.mp4" \
    -f lavfi -i "life=size=320x180:rate=30:seed=5,scale=1280:720:flags=neighbor,trim=duration=8" \
    -filter_complex "[0:v]setsar=1,format=yuv420p[a];[1:v]fps=30,scale=1280:720,setsar=1,format=yuv420p[b];[2:v]setsar=1,format=yuv420p[c];[a][b][c]concat=n=3" \
    -c:v libx264 -preset veryfast -crf 23 "$c"
done

$HARRIER hash vpdq -o "$DATA/hashes" "$DATA"/videos/*.mp4 >/dev/null

python3 - "$DATA" "$OUT/harrier.dll" <<'PY'
import json, os, subprocess, sys
data, dll = sys.argv[1], sys.argv[2]
h = os.path.join(data, "hashes")
sources = sorted({f.rsplit("-", 1)[0] for f in os.listdir(h) if not f.startswith("compilation-")})
variants = ["r360", "r720", "r1080", "trim", "letterbox", "logo", "fps24", "grey"]
def cmp(q, c):
    out = subprocess.run(["dotnet", dll, "compare", "vpdq", q, c, "--json"], check=True, capture_output=True, text=True).stdout
    return json.loads(out)
print("| query variant | recall (own 1080p source matched) | false matches (other sources) | median query% vs own | min query% vs own | max query% vs others |")
print("|---|---|---|---|---|---|")
for v in variants:
    hits = false = 0; own = []; others = []
    for s in sources:
        for b in sources:
            r = cmp(os.path.join(h, f"{s}-{v}.txt"), os.path.join(h, f"{b}-r1080.txt"))
            if b == s:
                own.append(r["queryMatchPercent"]); hits += r["isMatch"]
            else:
                others.append(r["queryMatchPercent"]); false += r["isMatch"]
    own.sort()
    print(f"| {v} | {hits}/{len(sources)} | {false}/{len(sources) * (len(sources) - 1)} | {own[len(own)//2]:.2f} | {own[0]:.2f} | {max(others):.2f} |")
print()
print("| compilation | query% | compared% (source) | clip in compilation (s) | clip in source (s) | expected | error (s) |")
print("|---|---|---|---|---|---|---|")
for src in ["testsrc2", "slides3"]:
    r = cmp(os.path.join(h, f"compilation-{src}.txt"), os.path.join(h, f"{src}-r1080.txt"))
    c = r["clips"][0] if r["clips"] else None
    if c is None:
        print(f"| {src} | {r['queryMatchPercent']:.2f} | {r['comparedMatchPercent']:.2f} | none | none | 10–22 / 2–14 | — |")
        continue
    err = max(abs(c["queryStart"] - 10), abs(c["queryEnd"] - 22), abs(c["comparedStart"] - 2), abs(c["comparedEnd"] - 14))
    print(f"| {src} | {r['queryMatchPercent']:.2f} | {r['comparedMatchPercent']:.2f} | {c['queryStart']:.1f}–{c['queryEnd']:.1f} | {c['comparedStart']:.1f}–{c['comparedEnd']:.1f} | 10–22 / 2–14 | {err:.1f} |")
PY
