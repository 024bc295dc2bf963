#!/usr/bin/env bash
# Reproduces the "Video robustness" tables of docs/benchmarks.md (hash-benchmarks.md §2, video part):
# 40 sources: 10 lavfi generators and 30 photo slideshows (5 distinct photos each, 150 photos in all, with pans and
# zooms) from the repository's data/photos. Each source is rendered as 360p (x264 veryfast crf 32), 720p (mpeg4 q 6) and
# 1080p (x264 veryfast crf 23), plus five 720p transforms (x264 ultrafast crf 26): the first 4 s trimmed, letterbox,
# logo patch, 24 fps, greyscale. Every video is hashed with `harrier hash vpdq` (1 hash/s, native size).
# Recall: each variant against its own source's 1080p rendition with `harrier compare vpdq --json` (pytx rules).
# Both matcher modes: pytx (dedupe, quality >= 50, distance <= 31, match when query >= 80 %) and aligned (pytx plus
# frames within distance 45 that lie on the dominant time offset). False matches: each variant against the 1080p
# rendition of every other source (1,560 pairs per variant), computed here with the same rules; the script checks that
# this computation gives harrier's percentages on every own-source pair (both modes) before it prints a row.
# Per-frame distances and qualities are printed for the misses.
# Six compilations (10 s unrelated + 10 s of a source from t = 1 s + 8 s unrelated) test clip location.
# Usage: benchmarks/video-robustness.sh [SECONDS]   (default 12; at least 12 for the compilations)
set -euo pipefail
cd "$(dirname "$0")/.."
LEN=${1:-12}
DATA=${VIDEO_ROBUST_DATA:-${TMPDIR:-/tmp}/harrier-video-robust}
mkdir -p "$DATA/videos" "$DATA/hashes"
DATA=$(cd "$DATA" && pwd)
OUT=.build/video-bench
dotnet build src/Harrier.Cli/Harrier.Cli.csproj -c Release -o "$OUT" -nologo -v q -clp:ErrorsOnly >"$DATA/build.log" || { cat "$DATA/build.log" >&2; exit 2; }
HARRIER="dotnet $OUT/harrier.dll"
FF="ffmpeg -nostdin -hide_banner -loglevel error -y"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

render() { # render NAME INPUT_ARGS... : one decode, eight outputs
  local name=$1; shift
  [ -f "$DATA/videos/$name-grey.mp4" ] && return
  local fast="-c:v libx264 -preset ultrafast -pix_fmt yuv420p -crf 26"
  $FF "$@" -filter_complex "[0:v]fps=30,scale=1920:1080,setsar=1,split=8[a][b][c][d][e][f][g][h];\
[a]scale=640:360[r360];[b]scale=1280:720[r720];[c]null[r1080];\
[d]scale=1280:720,trim=start=4,setpts=PTS-STARTPTS[trim];\
[e]scale=1280:560,pad=1280:720:0:80[letterbox];\
[f]scale=1280:720,drawbox=x=40:y=40:w=220:h=110:color=white@0.85:t=fill,drawbox=x=60:y=60:w=180:h=70:color=red@0.9:t=fill[logo];\
[g]scale=1280:720,fps=24[fps24];[h]scale=1280:720,hue=s=0[grey]" \
    -map "[r360]" -c:v libx264 -preset veryfast -pix_fmt yuv420p -crf 32 "$DATA/videos/$name-r360.mp4" \
    -map "[r720]" -c:v mpeg4 -q:v 6 "$DATA/videos/$name-r720.mp4" \
    -map "[r1080]" -c:v libx264 -preset veryfast -pix_fmt yuv420p -crf 23 "$DATA/videos/$name-r1080.mp4" \
    -map "[trim]" $fast "$DATA/videos/$name-trim.mp4" \
    -map "[letterbox]" $fast "$DATA/videos/$name-letterbox.mp4" \
    -map "[logo]" $fast "$DATA/videos/$name-logo.mp4" \
    -map "[fps24]" $fast "$DATA/videos/$name-fps24.mp4" \
    -map "[grey]" $fast "$DATA/videos/$name-grey.mp4"
}

lavfi() { render "$1" -f lavfi -i "$2,trim=duration=$LEN"; }
lavfi testsrc2 "testsrc2=size=1280x720:rate=30"
lavfi mandelbrot "mandelbrot=size=640x360:rate=30:maxiter=512"
lavfi life "life=size=320x180:rate=30:mold=10:ratio=0.2:seed=7:death_color=#203080:life_color=#f0c040,scale=1280:720:flags=neighbor"
lavfi life2 "life=size=160x90:rate=30:seed=21:ratio=0.3:mold=20:life_color=#40ff80:death_color=#301010,scale=1280:720:flags=neighbor"
lavfi cellauto "cellauto=size=320x180:rate=30:rule=30:seed=3:scroll=1,scale=1280:720:flags=neighbor"
lavfi cellauto110 "cellauto=size=160x90:rate=30:rule=110:seed=5:scroll=1,scale=1280:720:flags=neighbor"
lavfi carpet "sierpinski=size=640x360:rate=30:type=carpet:seed=3:jump=50"
lavfi triangle "sierpinski=size=640x360:rate=30:type=triangle:seed=9"
lavfi gradients "gradients=s=640x360:r=30:speed=0.05:seed=4:nb_colors=4"
lavfi mptestsrc "mptestsrc=rate=30,scale=720:720,pad=1280:720:280:0"

# 30 slideshows: two per photo category, five distinct photos each, each photo 1/5 of the clip with a zoom and a pan
# whose direction depends on the slideshow.
per=$(( LEN * 30 / 5 ))
slide=0
for group in clothing-cc0/dress clothing-cc0/hat clothing-cc0/longsleeve clothing-cc0/outwear clothing-cc0/pants \
  clothing-cc0/shirt clothing-cc0/shoes clothing-cc0/shorts clothing-cc0/skirt clothing-cc0/t-shirt \
  flowers-ccby/daisy flowers-ccby/dandelion flowers-ccby/roses flowers-ccby/sunflowers flowers-ccby/tulips; do
  mapfile -t all < <(find "data/photos/$group" -name '*.jpg' | sort)
  for half in 0 1; do
    slide=$((slide + 1))
    name="slides$(printf %02d $slide)"
    [ -f "$DATA/videos/$name-grey.mp4" ] && continue
    inputs=(); chain=""
    case $((slide % 4)) in
      0) z="1+0.0012*on"; x="iw/2-(iw/zoom/2)+on*0.8" ;;
      1) z="1.25-0.0012*on"; x="iw/2-(iw/zoom/2)-on*0.8" ;;
      2) z="1+0.0008*on"; x="(iw-iw/zoom)*on/$per" ;;
      3) z="1.2"; x="(iw-iw/zoom)*(1-on/$per)" ;;
    esac
    for i in 0 1 2 3 4; do
      inputs+=(-i "${all[$((half * 5 + i))]}")
      chain+="[$i:v]scale=1920:1080:force_original_aspect_ratio=increase,crop=1920:1080,setsar=1,zoompan=z='$z':x='$x':y='ih/2-(ih/zoom/2)':d=$per:s=1280x720:fps=30[p$i];"
    done
    $FF "${inputs[@]}" -filter_complex "${chain}[p0][p1][p2][p3][p4]concat=n=5,format=yuv420p" -c:v libx264 -preset veryfast -crf 18 "$DATA/$name-master.mp4"
    render "$name" -i "$DATA/$name-master.mp4"
    rm -f "$DATA/$name-master.mp4"
  done
done

# Compilations: 10 s unrelated, 10 s of the source's 1080p rendition from t = 1 s, 8 s unrelated.
for src in testsrc2 life2 carpet slides03 slides14 slides27; do
  c="$DATA/videos/compilation-$src.mp4"
  [ -f "$c" ] || $FF -f lavfi -i "cellauto=size=320x180:rate=30:rule=90:seed=11,scale=1280:720:flags=neighbor,trim=duration=10" \
    -ss 1 -t 10 -i "$DATA/videos/$src-r1080.mp4" \
    -f lavfi -i "life=size=320x180:rate=30:seed=5,scale=1280:720:flags=neighbor,trim=duration=8" \
    -filter_complex "[0:v]setsar=1,format=yuv420p[a];[1:v]fps=30,scale=1280:720,setsar=1,format=yuv420p[b];[2:v]setsar=1,format=yuv420p[c];[a][b][c]concat=n=3" \
    -c:v libx264 -preset veryfast -crf 23 "$c"
done

todo=()
for v in "$DATA"/videos/*.mp4; do
  [ -f "$DATA/hashes/$(basename "${v%.mp4}").txt" ] || todo+=("$v")
done
[ ${#todo[@]} -eq 0 ] || $HARRIER hash vpdq -o "$DATA/hashes" "${todo[@]}" >/dev/null
echo "load average after hashing: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

python3 - "$DATA" "$OUT/harrier.dll" <<'PY'
import json, os, subprocess, sys
data, dll = sys.argv[1], sys.argv[2]
h = os.path.join(data, "hashes")
sources = sorted({f.rsplit("-", 1)[0] for f in os.listdir(h) if not f.startswith("compilation-")})
variants = ["r360", "r720", "r1080", "trim", "letterbox", "logo", "fps24", "grey"]
D, D2, F, PQ = 31, 45, 50, 80.0

def load(path):
    out = []
    for line in open(path):
        p = line.strip().split(",")
        if len(p) >= 4:
            out.append((int(p[0]), int(p[1]), int(p[2], 16), float(p[3])))
    return out

def prep(fs):  # pytx: drop exact-duplicate hashes (first kept), then quality >= F
    seen, kept = set(), []
    for f in fs:
        if f[2] in seen:
            continue
        seen.add(f[2])
        if f[1] >= F:
            kept.append((f[2], f[3]))
    return kept

def dist(a, b):
    return bin(a ^ b).count("1")

def step(fs):  # VpdqMatcher.TypicalStep
    if len(fs) < 2:
        return 1.0
    t = sorted(x[1] for x in fs)
    s = sorted(t[i] - t[i - 1] for i in range(1, len(t)))
    return s[len(s) // 2]

def match(q, c, d=D, aligned=False):  # VpdqMatcher.Match (pytx, or Aligned with D2): query%, compared%
    if not q or not c:
        return 0.0, 0.0
    qf, cf = [False] * len(q), [False] * len(c)
    strict, relaxed = [], []
    for i, x in enumerate(q):
        for j, y in enumerate(c):
            e = dist(x[0], y[0])
            if e <= d:
                qf[i] = cf[j] = True; strict.append((i, j))
            elif aligned and e <= D2:
                relaxed.append((i, j))
    if relaxed:
        tol = max(step(q), step(c), 0.05)
        allp = sorted(((i, c[j][1] - q[i][1]) for i, j in strict + relaxed), key=lambda p: p[1])
        per = [0] * len(q)
        for i, _ in allp:
            per[i] += 1
        best = weight = centre = 0.0; lo = 0
        for hi in range(len(allp)):
            weight += 1.0 / per[allp[hi][0]]
            while allp[hi][1] - allp[lo][1] > 2 * tol:
                weight -= 1.0 / per[allp[lo][0]]; lo += 1
            if weight > best + 1e-9:
                best = weight; centre = (allp[lo][1] + allp[hi][1]) / 2
        for i, j in relaxed:
            if abs(c[j][1] - q[i][1] - centre) <= tol:
                qf[i] = cf[j] = True
    return 100.0 * sum(qf) / len(q), 100.0 * sum(cf) / len(c)

H = {f[:-4]: prep(load(os.path.join(h, f))) for f in os.listdir(h) if f.endswith(".txt")}

def harrier(q, c, mode="pytx"):
    out = subprocess.run(["dotnet", dll, "compare", "vpdq", os.path.join(h, q + ".txt"), os.path.join(h, c + ".txt"), "--json", "--mode", mode],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)

n = len(sources)
unusable = [s for s in sources if not H[f"{s}-r1080"]]
print(f"{n} sources, {len(variants)} variants; bank = the 1080p rendition of every source; "
      f"sources whose 1080p rendition keeps no frame of quality >= {F}: {', '.join(unusable) or 'none'}\n")
print("| query variant | pytx recall (harrier) | pytx false matches | aligned recall (harrier) | aligned false matches | median query% vs own (pytx) | min query% vs own (pytx / aligned) | max query% vs others (pytx / aligned) | median frame distance to own | min frame distance to other sources |")
print("|---|---|---|---|---|---|---|---|---|---|")
misses, whatif = [], {}
for v in variants:
    hits = ahits = false = afalse = 0; own = []; aown = []; others = []; aothers = []; owned = []; otherd = []
    for s in sources:
        q, c = H[f"{s}-{v}"], H[f"{s}-r1080"]
        for mode, agg in (("pytx", own), ("aligned", aown)):
            r = harrier(f"{s}-{v}", f"{s}-r1080", mode)
            mine = match(q, c, aligned=mode == "aligned")
            if abs(mine[0] - r["queryMatchPercent"]) > 0.006 or abs(mine[1] - r["comparedMatchPercent"]) > 0.006:  # JSON has 2 decimals
                sys.exit(f"check failed: {s}-{v} {mode}: harrier {r['queryMatchPercent']}/{r['comparedMatchPercent']}, here {mine}")
            agg.append(r["queryMatchPercent"])
            if mode == "pytx":
                hits += r["isMatch"]
                if not r["isMatch"]:
                    misses.append((v, s, r["queryMatchPercent"], [min(dist(x[0], y[0]) for y in c) for x in q] if c else [], [x[1] for x in load(os.path.join(h, f"{s}-{v}.txt"))]))
            else:
                ahits += r["isMatch"]
        owned += [min(dist(x[0], y[0]) for y in c) for x in q] if c else []
        for b in sources:
            if b == s:
                continue
            qp = match(q, H[f"{b}-r1080"])[0]; aq = match(q, H[f"{b}-r1080"], aligned=True)[0]
            others.append(qp); aothers.append(aq); false += qp >= PQ; afalse += aq >= PQ
            if q and H[f"{b}-r1080"]:
                otherd.append(min(dist(x[0], y[0]) for x in q for y in H[f"{b}-r1080"]))
    for d in (36, 40, 45):
        rec = sum(1 for s2 in sources if match(H[f"{s2}-{v}"], H[f"{s2}-r1080"], d)[0] >= PQ)
        fm = sum(1 for s2 in sources for b in sources if b != s2 and match(H[f"{s2}-{v}"], H[f"{b}-r1080"], d)[0] >= PQ)
        whatif[(v, d)] = (rec, fm)
    own.sort(); owned.sort()
    print(f"| {v} | {hits}/{n} | {false}/{n * (n - 1)} | {ahits}/{n} | {afalse}/{n * (n - 1)} | {own[n // 2]:.2f} | {own[0]:.2f} / {min(aown):.2f} | "
          f"{max(others):.2f} / {max(aothers):.2f} | {owned[len(owned) // 2] if owned else '—'} | {min(otherd) if otherd else '—'} |")

print("\npytx misses: per query frame kept, the distance to the nearest frame of its own source's 1080p rendition; "
      "then the quality of every query frame:\n")
for v, s, p, bd, qual in misses:
    print(f"- {v} {s}: query {p:.1f} %, distances {bd}, qualities {qual}")

print("\nSame data, plain pytx with other distance thresholds (`--distance D`; analysis only):\n")
print("| query variant | " + " | ".join(f"D={d}: recall / false" for d in (36, 40, 45)) + " |")
print("|---|---|---|---|")
for v in variants:
    print(f"| {v} | " + " | ".join(f"{whatif[(v, d)][0]}/{n} / {whatif[(v, d)][1]}" for d in (36, 40, 45)) + " |")

print("\n| compilation | query% | compared% (source) | clip in compilation (s) | clip in source (s) | expected | error (s) |")
print("|---|---|---|---|---|---|---|")
for src in ["testsrc2", "life2", "carpet", "slides03", "slides14", "slides27"]:
    r = harrier(f"compilation-{src}", f"{src}-r1080")
    c = r["clips"][0] if r["clips"] else None
    if c is None:
        print(f"| {src} | {r['queryMatchPercent']:.2f} | {r['comparedMatchPercent']:.2f} | none | none | 10–20 / 1–11 | — |")
        continue
    err = max(abs(c["queryStart"] - 10), abs(c["queryEnd"] - 20), abs(c["comparedStart"] - 1), abs(c["comparedEnd"] - 11))
    print(f"| {src} | {r['queryMatchPercent']:.2f} | {r['comparedMatchPercent']:.2f} | {c['queryStart']:.1f}–{c['queryEnd']:.1f} | {c['comparedStart']:.1f}–{c['comparedEnd']:.1f} | 10–20 / 1–11 | {err:.1f} |")
PY
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
