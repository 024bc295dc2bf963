#!/usr/bin/env bash
# `harrier ingest media` of two commits, back to back on the same case (issue 14: the use-case refactor must keep
# ingest within 5 %). One scenario is generated with the working tree's build; each commit is built in its own
# worktree and prepares its own case (case init, evidence add, every hash set imported); each run ingests a fresh
# copy of that case under /usr/bin/time -v. Runs alternate A, B, A, B, … so load drift hits both. Reports wall,
# CPU (user + sys, ffmpeg children included), peak RSS and the load average, and checks both builds stored the same
# media facts (the triage and eval JSON must match but for paths and times).
# With TRIAGE=1, each run times `ingest media` and then `triage` on the same copy (issue 21.6 moved the image
# hypotheses from ingest into triage, so ingest alone would flatter the change) and reports both and their sum.
# SCENARIO=DIR reuses a scenario generated before (same preset and seed); A_BIN=DIR and B_BIN=DIR use CLIs built
# before (`dotnet build src/Harrier.Cli -c Release -o DIR` at each commit) instead of building both here.
#   benchmarks/ingest-ab.sh BEFORE AFTER [PRESET=demo] [SEED=1] [RUNS=3]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
before=$(git -C "$here" rev-parse --short "${1:?before commit}"); after=$(git -C "$here" rev-parse --short "${2:?after commit}")
preset=${3:-demo}; seed=${4:-1}; runs=${5:-3}
work=$(mktemp -d /tmp/harrier-ingest-ab.XXXXXX)
cleanup() { git -C "$here" worktree remove --force "$work/a" 2>/dev/null || true; git -C "$here" worktree remove --force "$work/b" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

if [ -n "${A_BIN:-}" ] && [ -n "${B_BIN:-}" ]; then
  ln -s "$A_BIN" "$work/a-bin"; ln -s "$B_BIN" "$work/b-bin"
else
  . "$here/benchmarks/ab-build.sh"
  ab_build || exit 1
fi
if [ -n "${SCENARIO:-}" ]; then
  ln -s "$SCENARIO" "$work/scenario"
else
  "$here/harrier" scenario generate --seed "$seed" --preset "$preset" --out "$work/scenario" --progress none > /dev/null
fi
triage=${TRIAGE:-0}

for side in a b; do
  h=(dotnet "$work/$side-bin/harrier.dll")
  "${h[@]}" case init "$work/$side-case" --name "ingest a/b" > /dev/null
  "${h[@]}" evidence add "$work/scenario/media" --exhibit EX-1 --case "$work/$side-case" --progress none > /dev/null
  for f in $(find "$work/scenario/hashsets" -maxdepth 1 -type f | sort); do
    "${h[@]}" banks import "$f" --name "$(basename "$f")" --case "$work/$side-case" > /dev/null
  done
done

field() { grep -F "$1" "$2" | sed 's/.*: //'; }
cpu_of() { echo "$(field "User time" "$1") + $(field "System time" "$1")" | bc -l; }
if [ "$triage" = 1 ]; then
  printf '| run | build | ingest CPU s | triage CPU s | ingest + triage CPU s | ingest + triage wall s | peak RSS MiB (ingest, triage) | load before |\n|---|---|---|---|---|---|---|---|\n'
else
  printf '| run | build | wall s | CPU s (user + sys) | peak RSS MiB | load before |\n|---|---|---|---|---|---|\n'
fi
for r in $(seq 1 "$runs"); do
  for side in a b; do
    rm -rf "$work/run"; cp -a "$work/$side-case" "$work/run"
    load=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -v -o "$work/time.txt" dotnet "$work/$side-bin/harrier.dll" ingest media --exhibit EX-1 --case "$work/run" --progress none --json > "$work/$side-ingest.json"
    if [ "$triage" = 1 ]; then
      /usr/bin/time -v -o "$work/time-triage.txt" dotnet "$work/$side-bin/harrier.dll" triage --case "$work/run" --json --progress none > "$work/$side-triage-raw.json" || true
      ci=$(cpu_of "$work/time.txt"); ct=$(cpu_of "$work/time-triage.txt")
      wall_of() { field "Elapsed (wall clock)" "$1" | awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }'; }
      wall=$(echo "$(wall_of "$work/time.txt") + $(wall_of "$work/time-triage.txt")" | bc -l)
      printf '| %d | %s | %.1f | %.1f | %.1f | %.1f | %.0f, %.0f | %s |\n' "$r" "$([ $side = a ] && echo "$before" || echo "$after")" "$ci" "$ct" "$(echo "$ci + $ct" | bc -l)" "$wall" \
        "$(echo "$(field "Maximum resident set size" "$work/time.txt") / 1024" | bc -l)" "$(echo "$(field "Maximum resident set size" "$work/time-triage.txt") / 1024" | bc -l)" "$load"
      echo "$side $(echo "$ci + $ct" | bc -l) $wall" >> "$work/cpu.txt"
      echo "$side $ci $ct" >> "$work/parts.txt"
      if [ "$r" = 1 ]; then
        # The summary's new counts (images and videos hypothesised, reused, errors) exist on one side only: compared without them.
        python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); [d.pop(k, None) for k in ("elapsedSeconds","imagesHypothesised","imagesHypothesesStored","videosHypothesised","videosHypothesesStored","errors")]; print(json.dumps(d, indent=2, sort_keys=True))' "$work/$side-triage-raw.json" > "$work/$side-triage.json"
        cp "$work/$side-triage-raw.json" "$work/$side-triage-full.json"
        # A scenario cut down to part of its media (SCENARIO=) makes eval report the rest as missed: compared all the same.
        { dotnet "$work/$side-bin/harrier.dll" eval --truth "$work/scenario/truth.json" --case "$work/run" --json || true; } | sed 's#'"$work"'/run##g' > "$work/$side-eval.json"
        [ -n "${KEEP:-}" ] && cp "$work/$side-triage-full.json" "$work/$side-eval.json" "$KEEP/" 2>/dev/null || true
      fi
      continue
    fi
    user=$(field "User time" "$work/time.txt"); sys=$(field "System time" "$work/time.txt")
    wall=$(field "Elapsed (wall clock)" "$work/time.txt" | awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
    rss=$(field "Maximum resident set size" "$work/time.txt")
    printf '| %d | %s | %.1f | %.1f (%.1f + %.1f) | %.0f | %s |\n' "$r" "$([ $side = a ] && echo "$before" || echo "$after")" \
      "$wall" "$(echo "$user + $sys" | bc -l)" "$user" "$sys" "$(echo "$rss / 1024" | bc -l)" "$load"
    echo "$side $(echo "$user + $sys" | bc -l) $wall" >> "$work/cpu.txt"
    if [ "$r" = 1 ]; then
      dotnet "$work/$side-bin/harrier.dll" triage --case "$work/run" --json --progress none | sed 's/"elapsedSeconds": *[0-9.]*//; s#'"$work"'/run##g' > "$work/$side-triage.json"
      dotnet "$work/$side-bin/harrier.dll" eval --truth "$work/scenario/truth.json" --case "$work/run" --json | sed 's#'"$work"'/run##g' > "$work/$side-eval.json"
    fi
  done
done
[ -f "$work/parts.txt" ] && awk '{ n[$1]++; i[$1] += $2; t[$1] += $3 } END {
  printf "\nmean ingest CPU: before %.1f s, after %.1f s; mean triage CPU: before %.1f s, after %.1f s\n", i["a"]/n["a"], i["b"]/n["b"], t["a"]/n["a"], t["b"]/n["b"] }' "$work/parts.txt"
awk '{ n[$1]++; c[$1] += $2; w[$1] += $3 } END {
  printf "\nmean CPU: before %.1f s, after %.1f s (%+.1f %%); mean wall: before %.1f s, after %.1f s (%+.1f %%)\n",
    c["a"]/n["a"], c["b"]/n["b"], 100 * (c["b"]/n["b"] - c["a"]/n["a"]) / (c["a"]/n["a"]),
    w["a"]/n["a"], w["b"]/n["b"], 100 * (w["b"]/n["b"] - w["a"]/n["a"]) / (w["a"]/n["a"]) }' "$work/cpu.txt"
if cmp -s "$work/a-triage.json" "$work/b-triage.json" && cmp -s "$work/a-eval.json" "$work/b-eval.json"; then
  echo "triage and eval JSON identical between the builds"
else
  echo "triage or eval JSON DIFFER between the builds:"; diff "$work/a-eval.json" "$work/b-eval.json" | head -20; exit 1
fi
