#!/usr/bin/env bash
# Mirrored and rotated video (issue 21.1), docs/benchmarks.md "Video dihedral": how many mirrored/rotated re-encodes of
# a bank video triage finds, how near other sources' bank videos the hypotheses come, and what ingest costs.
# Sources, as in video-robustness.sh but smaller (2 shared cores): 6 lavfi generators and 10 slideshows of 5 photos of
# data/photos with pans and zooms, SECONDS long, 640x360 at 30 fps (x264 crf 20: the bank's copy). Each source's bank
# entry is its vPDQ at the interchange rate (`harrier hash vpdq`, 1 hash/s), one bank per source (named after it). Queries,
# re-encoded from the bank's copy (x264 veryfast crf 28): plain (control), hflip, vflip, rot90 (transpose=1), rot180,
# rot270 (transpose=2), transpose (transpose=0: turned and mirrored). All queries go into one case: `ingest media`
# (timed), `triage`. Recall: a query is found when triage calls it known from its own source's bank.
# False matches: every query's stored dihedral frames (media_facts.vpdq, "dihedral" section) under each of the 7
# non-identity transforms against every *other* source's bank video, with triage's rules (pytx filter, quality >= 50,
# frame distance <= 45, match when query% or compared% >= 80, or when >= 60 % and >= 3 of the query's own frames do);
# the script checks this computation against triage's result on every query's own source first, and counts each rule
# alone on the own banks from the stored frames; the identity variant (the whole-second frames as they are, which triage
# matches with the plain rule, method vpdq) is counted against the other sources too.
# With HARRIER_BASE_BIN (a Release harrier of the engine before the change) the same evidence is ingested and triaged
# by it too, alternated with this build (base, new, base, new), for recall before and the ingest time back to back.
# Usage: benchmarks/video-dihedral.sh [SECONDS]   (default 8)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
LEN=${1:-8}
work=${VIDEO_DIHEDRAL_DATA:-${TMPDIR:-/tmp}/harrier-video-dihedral}
mkdir -p "$work/src" "$work/evidence" "$work/bank"
work=$(cd "$work" && pwd)
source "$here/benchmarks/harrier-bin.sh"
FF="ffmpeg -nostdin -hide_banner -loglevel error -y"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

source "$here/benchmarks/video-sources.sh"  # the 16 sources into $work/src

declare -A T=([plain]=null [hflip]=hflip [vflip]=vflip [rot90]=transpose=1 [rot180]="hflip,vflip" [rot270]=transpose=2 [transpose]=transpose=0)
for s in "$work"/src/*.mp4; do
  n=$(basename "${s%.mp4}")
  for t in "${!T[@]}"; do
    [ -f "$work/evidence/$n-$t.mp4" ] || $FF -i "$s" -vf "${T[$t]},format=yuv420p" -c:v libx264 -preset veryfast -crf 28 "$work/evidence/$n-$t.mp4"
  done
done
todo=(); for s in "$work"/src/*.mp4; do n=$(basename "${s%.mp4}"); [ -f "$work/bank/$n.txt" ] || todo+=("$s"); done
[ ${#todo[@]} -eq 0 ] || "$h" hash vpdq -o "$work/bank" "${todo[@]}" >/dev/null
for s in "$work"/src/*.mp4; do
  n=$(basename "${s%.mp4}")
  printf '%s\t%s.txt\n' "$(md5sum "$s" | cut -c1-32)" "$n" > "$work/bank/$n.list"
done
echo "load average after rendering: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

run_case() { # run_case LABEL HARRIER
  local label=$1 bin=$2 c="$work/case-$1"
  rm -rf "$c"
  "$bin" case init "$c" --name "dihedral $label" >/dev/null
  "$bin" evidence add "$work/evidence" --exhibit EX-1 --case "$c" >/dev/null
  for l in "$work"/bank/*.list; do "$bin" banks import "$l" --name "$(basename "${l%.list}")" --format vpdq --case "$c" >/dev/null; done
  local t0 t1
  t0=$(date +%s.%N)
  "$bin" ingest media --exhibit EX-1 --case "$c" --no-thumbnails --jobs 2 >/dev/null
  t1=$(date +%s.%N)
  "$bin" triage --case "$c" >/dev/null
  echo "$label ingest $(python3 -c "print(f'{$t1 - $t0:.1f}')") s (load $(cut -d' ' -f1 /proc/loadavg))" | tee -a "$work/times.txt" >&2
}
: > "$work/times.txt"
# The base build may still be being made beside the rendering: wait for it (up to 20 minutes).
for _ in $(seq 240); do [ -z "${HARRIER_BASE_BIN:-}" ] || [ -x "$HARRIER_BASE_BIN" ] && break; sleep 5; done
if [ -n "${HARRIER_BASE_BIN:-}" ]; then
  run_case base1 "$HARRIER_BASE_BIN"; run_case new1 "$h"; run_case base2 "$HARRIER_BASE_BIN"; run_case new2 "$h"
  cases="base2 new2"
else
  run_case new1 "$h"; cases="new1"
fi

python3 - "$work" $cases <<'PY'
import os, sqlite3, sys
work, labels = sys.argv[1], sys.argv[2:]
D, F, PCT = 45, 50, 80.0
ORDER = ["original", "rotate90", "rotate180", "rotate270", "flipx", "flipy", "flipplus1", "flipminus1"]
def dist(a, b): return bin(a ^ b).count("1")
def filt(fs):  # VpdqMatcher.Filter (pytx): exact-duplicate hashes dropped (first kept), then quality >= 50
    seen, out = set(), []
    for q, hsh in fs:
        if hsh in seen: continue
        seen.add(hsh)
        if q >= F: out.append(hsh)
    return out
MAJ, MINF = 60.0, 3  # TriageOptions.VideoHypothesisPercent, VideoHypothesisMinFrames
def shares(q, c):  # (max(query%, compared%), query%, matched query frames) at distance <= D
    if not q or not c: return 0.0, 0.0, 0
    qf = [any(dist(x, y) <= D for y in c) for x in q]
    cf = [any(dist(x, y) <= D for x in q) for y in c]
    qs = 100.0 * sum(qf) / len(q)
    return max(qs, 100.0 * sum(cf) / len(c)), qs, sum(qf)
def match(q, c): return shares(q, c)[0]
def meets(q, c):  # triage's rule for vpdq-dihedral: the plain share, or a majority of the query's own frames
    sh, qs, n = shares(q, c)
    return sh >= PCT or (qs >= MAJ and n >= MINF)
bank = {}
for f in os.listdir(os.path.join(work, "bank")):
    if f.endswith(".txt"):
        rows = [l.strip().split(",") for l in open(os.path.join(work, "bank", f)) if l.strip()]
        bank[f[:-4]] = filt([(int(r[1]), int(r[2], 16)) for r in rows])
sources = sorted(bank)
transforms = ["plain", "hflip", "vflip", "rot90", "rot180", "rot270", "transpose"]
for label in labels:
    db = sqlite3.connect(os.path.join(work, f"case-{label}", "case.db"))
    res = {r[0]: r[1:] for r in db.execute("SELECT e.rel_path, t.status, t.method, t.bank_name FROM triage_results t JOIN evidence_files e ON e.id = t.evidence_id")}
    print(f"\n{label}: {len(sources)} sources, frame distance {D}, share {PCT:.0f} %\n")
    print("| query | found (own bank) | methods | wrong bank |")
    print("|---|---|---|---|")
    for t in transforms:
        found = wrong = 0; methods = {}; mins = []
        for s in sources:
            st, m, b = res.get(f"{s}-{t}.mp4", (None, None, None))
            if st == "known" and b == s: found += 1; methods[m] = methods.get(m, 0) + 1
            elif st == "known": wrong += 1
        print(f"| {t} | {found}/{len(sources)} | {', '.join(f'{k} {v}' for k, v in sorted(methods.items()))} | {wrong} |")
    if not any(True for _ in db.execute("SELECT 1 FROM media_facts WHERE vpdq LIKE '%' || char(10) || 'dihedral' || char(10) || '%' LIMIT 1")):
        continue
    # The hypotheses against other sources, from the stored dihedral frames.
    pairs = fm = fmaj = fplain = 0; nearest = 999; own_checked = 0; share_hist = []; own80 = {}; ownmaj = {}
    for rel, vp in db.execute("SELECT e.rel_path, m.vpdq FROM media_facts m JOIN evidence_files e ON e.id = m.evidence_id"):
        lines = vp.split("\n")
        frames = [l.split(",") for l in lines[lines.index("dihedral") + 1:]]
        var = [filt([(int(f[1]), int(f[2].split(" ")[k], 16)) for f in frames]) for k in range(8)]
        src = rel.rsplit("-", 1)[0]
        st, m, b = res[rel]
        if m == "vpdq-dihedral":  # cross-check with triage: the own bank met under some transform
            assert any(meets(var[k], bank[src]) for k in range(1, 8)), rel
            own_checked += 1
        t = rel.rsplit("-", 1)[1][:-4]
        if t != "plain":  # each rule alone, on the own bank, from the stored frames
            own80[t] = own80.get(t, 0) + any(match(var[k], bank[src]) >= PCT for k in range(1, 8))
            ownmaj[t] = ownmaj.get(t, 0) + any(meets(var[k], bank[src]) for k in range(1, 8))
        for other in sources:
            if other == src: continue
            fplain += match(var[0], bank[other]) >= PCT  # the whole-second frames as they are: triage's plain rule
            for k in range(1, 8):
                pairs += 1
                sh = match(var[k], bank[other]); share_hist.append(sh)
                fm += sh >= PCT
                fmaj += meets(var[k], bank[other])
                if var[k] and bank[other]:
                    nearest = min(nearest, min(dist(x, y) for x in var[k] for y in bank[other]))
    share_hist.sort()
    print(f"\nfalse matches: {fm} of {pairs} (query video, other source's bank video, transform) hypotheses at share >= {PCT:.0f} %; "
          f"largest share {share_hist[-1]:.1f} %; nearest frame of any hypothesis to another source's bank frame: {nearest} bits; "
          f"vpdq-dihedral results cross-checked: {own_checked}; under the rule with the majority too: {fmaj}; "
          f"whole-second frames as they are (identity) meeting another source's bank video at {PCT:.0f} %: {fplain} of {pairs // 7}")
    print(f"own bank met, from the stored dihedral frames: share >= {PCT:.0f} % "
          f"{dict(sorted(own80.items()))}; or >= {MAJ:.0f} % of the query's frames and >= {MINF}: {dict(sorted(ownmaj.items()))}")
PY
cat "$work/times.txt"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
