#!/usr/bin/env bash
# Off-centre, turned and inset video (issue 21.2-21.4 for sampled video frames), docs/benchmarks.md "Video frame
# hypotheses": how many cropped, turned and picture-in-picture re-encodes of a bank video triage finds before (a base
# build) and after, how near other sources' bank videos the hypotheses come, and what the new triage step costs.
# Sources: the 16 of video-dihedral.sh (benchmarks/video-sources.sh), SECONDS long, 640x360, one bank per source holding
# its vPDQ at 1 hash/s. Queries, from the bank's copy (x264 veryfast crf 28): plain (control); one side cut by 10 and by
# 15 % (left, right, top, bottom; ffmpeg crop=, kept at the cropped size); turned by -3, -2, 2, 3 degrees (rotate=, then
# the centred crop that removes the empty corners, scaled back to 640x360); picture-in-picture at 50 and 30 % of the
# width (the source scaled and overlaid 16 px from the top-right corner of a lavfi gradients video that is in no bank);
# zoomed in, 5 and 10 % cut from every side and scaled back to 640x360 (the centre crops of vpdq-reframed, stored at ingest).
# One case: `ingest media` once (this build; ingest is unchanged by the step), then on copies of it: `triage` by the base
# build (HARRIER_BASE_BIN, before) and by this build twice (the first computes and stores the frame hypotheses of the
# videos nothing else matched, the second reuses them); CPU time (user+sys, ffmpeg children included) from /usr/bin/time.
# False matches: every query's stored frame hypotheses against every *other* source's bank video, with triage's rule
# computed here (per geometry, each sampled frame's nearest distance to the bank video's frames; the nearest frames count
# while their mean is within the method's radius and none is beyond the frame limit, TriageEngine.MetFrames; match at
# >= 60 % and >= 3 frames, TriageOptions.VideoHypothesisPercent), cross-checked first against triage on every query
# triage matched that way; PCT=80 (or any share) recomputes the tables for another share, LIMIT=0 for the rule before the
# mean (each frame within the radius), PLAIN_GATE=1 for the masked distance only among the bank frames within the limit
# by the plain distance (the rule before TriageEngine.MaskedFrameDistances; the cross-check then holds for a base build).
# Usage: benchmarks/video-hypotheses.sh [SECONDS]   (default 8)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
LEN=${1:-8}
work=${VIDEO_HYPOTHESES_DATA:-${TMPDIR:-/tmp}/harrier-video-hypotheses}
mkdir -p "$work/src" "$work/evidence" "$work/bank"
work=$(cd "$work" && pwd)
source "$here/benchmarks/harrier-bin.sh"
FF="ffmpeg -nostdin -hide_banner -loglevel error -y"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
source "$here/benchmarks/video-sources.sh"

bg="$work/background.mp4"
[ -f "$bg" ] || $FF -f lavfi -i "gradients=size=640x360:rate=30:speed=0.02:n=4:seed=11" -t "$LEN" -vf format=yuv420p -c:v libx264 -preset veryfast -crf 20 "$bg"
zoom() { python3 -c "import math; t=math.radians(abs($1)); print(f'{math.cos(t) + math.sin(t) * 640 / 360:.5f}')"; }
declare -A T=([plain]=null
  [cropL10]=crop=576:360:64:0 [cropR10]=crop=576:360:0:0 [cropT10]=crop=640:324:0:36 [cropB10]=crop=640:324:0:0
  [cropL15]=crop=544:360:96:0 [cropR15]=crop=544:360:0:0 [cropT15]=crop=640:306:0:54 [cropB15]=crop=640:306:0:0
  [zoom5]=crop=576:324:32:18,scale=640:360 [zoom10]=crop=512:288:64:36,scale=640:360)
for a in -3 -2 2 3; do z=$(zoom $a); T[rot$a]="rotate=$a*PI/180,crop=trunc(iw/$z/2)*2:trunc(ih/$z/2)*2,scale=640:360"; done
for s in "$work"/src/*.mp4; do
  n=$(basename "${s%.mp4}")
  for t in "${!T[@]}"; do
    [ -f "$work/evidence/$n-$t.mp4" ] || $FF -i "$s" -vf "${T[$t]},format=yuv420p" -c:v libx264 -preset veryfast -crf 28 "$work/evidence/$n-$t.mp4"
  done
  for p in 50:320:180 30:192:108; do
    IFS=: read -r pct pw ph <<< "$p"
    [ -f "$work/evidence/$n-pip$pct.mp4" ] || $FF -i "$bg" -i "$s" -filter_complex "[1:v]scale=$pw:$ph[p];[0:v][p]overlay=W-w-16:16:shortest=1,format=yuv420p" \
      -c:v libx264 -preset veryfast -crf 28 "$work/evidence/$n-pip$pct.mp4"
  done
done
todo=(); for s in "$work"/src/*.mp4; do n=$(basename "${s%.mp4}"); [ -f "$work/bank/$n.txt" ] || todo+=("$s"); done
[ ${#todo[@]} -eq 0 ] || "$h" hash vpdq -o "$work/bank" "${todo[@]}" >/dev/null
for s in "$work"/src/*.mp4; do
  n=$(basename "${s%.mp4}")
  printf '%s\t%s.txt\n' "$(md5sum "$s" | cut -c1-32)" "$n" > "$work/bank/$n.list"
done
echo "load average after rendering: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

cpu() { # cpu LOG -> user+sys seconds from /usr/bin/time -v
  python3 -c "import re,sys; t=open(sys.argv[1]).read(); print(f\"{float(re.search(r'User time .seconds.: ([0-9.]+)', t)[1]) + float(re.search(r'System time .seconds.: ([0-9.]+)', t)[1]):.2f}\")" "$1"
}
c="$work/case"
if [ ! -f "$work/ingested" ]; then
  rm -rf "$c"
  "$h" case init "$c" --name "video hypotheses" >/dev/null
  "$h" evidence add "$work/evidence" --exhibit EX-1 --case "$c" >/dev/null
  for l in "$work"/bank/*.list; do "$h" banks import "$l" --name "$(basename "${l%.list}")" --format vpdq --case "$c" >/dev/null; done
  /usr/bin/time -v -o "$work/ingest.time" "$h" ingest media --exhibit EX-1 --case "$c" --no-thumbnails --jobs 2 >/dev/null
  touch "$work/ingested"
fi
: > "$work/times.txt"
echo "ingest (this build, once): $(cpu "$work/ingest.time") CPU-s" | tee -a "$work/times.txt" >&2
cases=()
if [ -n "${HARRIER_BASE_BIN:-}" ]; then
  rm -rf "$work/case-base"; cp -r "$c" "$work/case-base"
  /usr/bin/time -v -o "$work/triage-base.time" "$HARRIER_BASE_BIN" triage --case "$work/case-base" --json > "$work/triage-base.json"
  echo "triage base: $(cpu "$work/triage-base.time") CPU-s (load $(cut -d' ' -f1 /proc/loadavg))" | tee -a "$work/times.txt" >&2
  cases+=(base)
fi
rm -rf "$work/case-new"; cp -r "$c" "$work/case-new"
/usr/bin/time -v -o "$work/triage-new1.time" "$h" triage --case "$work/case-new" --json > "$work/triage-new1.json"
/usr/bin/time -v -o "$work/triage-new2.time" "$h" triage --case "$work/case-new" --json > "$work/triage-new2.json"
echo "triage new, first (computes): $(cpu "$work/triage-new1.time") CPU-s; second (reuses): $(cpu "$work/triage-new2.time") CPU-s (load $(cut -d' ' -f1 /proc/loadavg))" | tee -a "$work/times.txt" >&2
cases+=(new)

python3 - "$work" "${cases[@]}" <<'PY'
import json, os, sqlite3, sys
work, labels = sys.argv[1], sys.argv[2:]
F, TRIAGE_PCT, MINF, TRIAGE_LIMIT = 50, 60.0, 3, 56  # TriageOptions.VideoHypothesisPercent, VideoHypothesisMinFrames, VideoHypothesisFrameLimit
PCT = float(os.environ.get("PCT", TRIAGE_PCT))  # the share the tables below use
LIMIT = int(os.environ.get("LIMIT", TRIAGE_LIMIT))  # 0: each frame within the radius (the rule before the mean)
RADIUS = {"vpdq-inset": 44, "vpdq-offcentre": 44, "vpdq-derotated": 44}  # TriageOptions.VideoInsetRadius, VideoOffCentreRadius, VideoDerotatedRadius
def dist(a, b): return bin(a ^ b).count("1")
MIN_STABLE = 128  # TriageEngine.MinStableBits
def masked(h, s, b):  # PdqOffCentre.MaskedDistance: differing stable bits scaled to 256, rounded up
    n = bin(s).count("1"); return 256 if n == 0 else -(-256 * bin((h ^ b) & s).count("1") // n)
def filt(fs):  # VpdqMatcher.Filter (pytx): exact-duplicate hashes dropped (first kept), then quality >= 50
    seen, out = set(), []
    for q, hsh in fs:
        if hsh in seen: continue
        seen.add(hsh)
        if q >= F: out.append(hsh)
    return out
bank = {}
for f in os.listdir(os.path.join(work, "bank")):
    if f.endswith(".txt"):
        rows = [l.strip().split(",") for l in open(os.path.join(work, "bank", f)) if l.strip()]
        bank[f[:-4]] = filt([(int(r[1]), int(r[2], 16)) for r in rows])
sources = sorted(bank)
transforms = ["plain"] + [f"crop{s}{p}" for p in (10, 15) for s in "LRTB"] + ["rot-3", "rot-2", "rot2", "rot3", "pip50", "pip30", "zoom5", "zoom10"]
def geometries(frames):  # method -> geometry -> [per frame: (hash, stable bits or None)]
    def stable(f, kind, g):  # TriageEngine.WithStableBits
        s = f["stable-" + kind]
        return s[g] if len(s) == len(f[kind]) and bin(s[g]).count("1") >= MIN_STABLE else None
    return {"vpdq-inset": {0: [[(h, None) for _, h in f["inset"]] for f in frames]},
            "vpdq-offcentre": {g: [[(f["off"][g], stable(f, "off", g))] for f in frames] for g in range(len(frames[0]["off"]))} if frames else {},
            "vpdq-derotated": {g: [[(f["rot"][g], stable(f, "rot", g))] for f in frames] for g in range(len(frames[0]["rot"]))} if frames else {}}
def frame_dist(x, s, y):  # a hypothesis' distance to a bank frame as triage takes it: masked when it has stable bits (TriageEngine.MaskedFrameDistances)
    if s is None or os.environ.get("PLAIN_GATE"):  # PLAIN_GATE=1: the rule before, masked only among the bank frames within the limit by the plain distance
        d = dist(x, y)
        return d if s is None else (masked(x, s, y) if d <= TRIAGE_LIMIT else 999)
    return masked(x, s, y)
for label in labels:
    db = sqlite3.connect(os.path.join(work, f"case-{label}", "case.db"))
    res = {r[0]: r[1:] for r in db.execute("SELECT e.rel_path, t.status, t.method, t.bank_name, t.distance FROM triage_results t JOIN evidence_files e ON e.id = t.evidence_id")}
    print(f"\n{label}: {len(sources)} sources\n")
    print("| query | found (own bank) | methods | called known from another source's bank |")
    print("|---|---|---|---|")
    for t in transforms:
        found = wrong = 0; methods = {}
        for s in sources:
            st, m, b, d = res.get(f"{s}-{t}.mp4", (None, None, None, None))
            if st == "known" and b == s: found += 1; methods[m] = methods.get(m, 0) + 1
            elif st == "known": wrong += 1
        print(f"| {t} | {found}/{len(sources)} | {', '.join(f'{k} {v}' for k, v in sorted(methods.items()))} | {wrong} |")
    if label != "new":
        continue
    hyp = {}
    for rel, text in db.execute("SELECT e.rel_path, m.reframed FROM media_facts m JOIN evidence_files e ON e.id = m.evidence_id WHERE m.kind = 'video'"):
        lines = (text or "").split("\n")
        at = next((k for k, l in enumerate(lines) if l.startswith("framehypotheses ")), None)
        if at is None: continue
        frames = []
        for l in lines[at + 1:]:
            head, off, rot, ins, *stable = l.split("|")  # then the off-centre and de-rotation stable bits, in rows written since them
            frames.append({"off": [int(x, 16) for x in off.split()], "rot": [int(x, 16) for x in rot.split()],
                           "inset": [(r.split(":")[0], int(r.split(":")[1], 16)) for r in ins.split()],
                           "stable-off": [int(x, 16) for x in stable[0].split()] if stable else [],
                           "stable-rot": [int(x, 16) for x in stable[1].split()] if len(stable) > 1 else []})
        hyp[rel] = frames
    print(f"\nvideos with frame hypotheses stored: {len(hyp)}; sampled frames: {sum(len(f) for f in hyp.values())}")
    # Per (query, bank video, method, geometry): each sampled frame's nearest distance to that bank video's frames.
    near = {}
    for rel, frames in hyp.items():
        if not frames: continue
        for b in sources:
            for meth, gs in geometries(frames).items():
                near[(rel, b, meth)] = {g: [min((frame_dist(x, st, y) for x, st in hs for y in bank[b]), default=999) for hs in pf] for g, pf in gs.items()}
    def met_frames(ds, r, limit):  # TriageEngine.MetFrames: the nearest frames while their mean is within r, none beyond limit
        met = total = 0
        for d in sorted(ds):
            if d > limit or total + d > r * (met + 1): break
            met, total = met + 1, total + d
        return met
    def verdict(ds, r, limit=None):  # the rule on one geometry: share of frames met, and frames met
        met = met_frames(ds, r, max(r, LIMIT if limit is None else limit)); return 100.0 * met / len(ds), met
    def matches(rel, b, meth, r, limit=None):
        return max((verdict(ds, r, limit) for ds in near[(rel, b, meth)].values()), default=(0.0, 0))
    checked = 0
    for rel in hyp:
        st, m, b, d = res[rel]
        if m in RADIUS:  # cross-check the rule computed here with triage's result
            sh, met = matches(rel, b, m, RADIUS[m], TRIAGE_LIMIT)
            assert sh >= TRIAGE_PCT and met >= MINF and round(100 - sh) == d, (rel, m, sh, d)
            checked += 1
    print(f"frame-hypothesis results cross-checked against triage: {checked}\n")
    groups = {"crop 10 %": [f"crop{s}10" for s in "LRTB"], "crop 15 %": [f"crop{s}15" for s in "LRTB"], "rotate ±2°": ["rot-2", "rot2"],
              "rotate ±3°": ["rot-3", "rot3"], "PiP 50 %": ["pip50"], "PiP 30 %": ["pip30"]}
    print(f"Each method alone, by radius: queries of each kind whose own bank video it meets (>= {PCT:g} % and >= 3 of the sampled frames under one geometry, "
          + (f"counted while their mean is within the radius, none beyond {LIMIT}), " if LIMIT else "each within the radius), ")
          + 
          "and (query, other source's bank video, geometry) hypotheses meeting the rule, with the largest share among them.\n")
    print("| method | radius | " + " | ".join(groups) + " | false matches / hypotheses | largest other share | nearest other frame |")
    print("|---|---|" + "---|" * len(groups) + "---|---|---|")
    for meth in RADIUS:
        nearest = min((min(ds) for (rel, b, mm), gs in near.items() if mm == meth and b != rel.split("-", 1)[0] for ds in gs.values() if ds), default=999)
        for r in (28, 32, 36, 40, 44, 48):
            cells = []
            for g, ts in groups.items():
                qs = [f"{s}-{t}.mp4" for s in sources for t in ts]
                hit = sum(1 for q in qs if q in hyp and hyp[q] and (lambda v: v[0] >= PCT and v[1] >= MINF)(matches(q, q.split("-", 1)[0], meth, r)))
                cells.append(f"{hit}/{len(qs)}")
            pairs = fm = 0; best = 0.0
            for (rel, b, mm), gs in near.items():
                if mm != meth or b == rel.split("-", 1)[0]: continue
                for ds in gs.values():
                    sh, met = verdict(ds, r); pairs += 1; fm += sh >= PCT and met >= MINF; best = max(best, sh)
            print(f"| {meth} | {r}{' (triage)' if r == RADIUS[meth] else ''} | " + " | ".join(cells) + f" | {fm} / {pairs} | {best:.1f} % | {nearest} |")
    for run in ("new1", "new2"):
        j = json.load(open(os.path.join(work, f"triage-{run}.json")))
        print(f"triage {run}: videosHypothesised {j.get('videosHypothesised')}, videosHypothesesStored {j.get('videosHypothesesStored')}, byStatus {j.get('byStatus')}")
PY
cat "$work/times.txt"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
