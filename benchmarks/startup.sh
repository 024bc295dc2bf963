#!/usr/bin/env bash
# Reproduces the "Start-up" section of docs/benchmarks.md: whole processes, from start to exit, of the CLI that ./harrier
# runs now (a self-contained ReadyToRun composite in .build/cli) against the plain JIT build it ran before
# (HARRIER_CLI_BUILD=jit: `dotnet harrier.dll` in .build/cli-jit, built here from the same tree), alternated round by
# round: `--version` and a one-photo `hash pdq`, each through ./harrier (what a person types, the launcher's own checks
# included) and as the bare binary; then `hash pdq` over data/photos (or PHOTOS=DIR) on one core (taskset -c 0) with both
# front ends, after checking that the two builds print identical hashes. Prints wall and CPU (user+sys) medians.
# Usage: benchmarks/startup.sh [ROUNDS] [PHOTO_ROUNDS]   (default 20 and 3)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
ROUNDS=${1:-20}
PHOTO_ROUNDS=${2:-3}
PHOTOS=$(cd "${PHOTOS:-data/photos}" && pwd)
ONE=$(find "$PHOTOS" -type f -iname '*.jpg' | sort | head -1)
work=$(mktemp -d /tmp/harrier-startup.XXXXXX)
trap 'rm -rf "$work"' EXIT

# Both builds made (or found current) outside any timing; the build times of a fresh build are in docs/benchmarks.md.
./harrier --version >/dev/null
HARRIER_CLI_BUILD=jit ./harrier --version >/dev/null
new="$here/.build/cli/harrier"
old="dotnet $here/.build/cli-jit/harrier.dll"

for fe in full pre512; do
  taskset -c 0 $new hash pdq --front-end "$fe" "$PHOTOS" > "$work/new-$fe.txt"
  taskset -c 0 $old hash pdq --front-end "$fe" "$PHOTOS" > "$work/old-$fe.txt"
  cmp -s "$work/new-$fe.txt" "$work/old-$fe.txt" || { echo "startup.sh: the two builds' $fe hashes differ" >&2; exit 1; }
  echo "hashes identical, $fe: $(wc -l < "$work/new-$fe.txt") images"
done

echo "$(date -u +%F), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$ROUNDS" "$PHOTO_ROUNDS" "$new" "$old" "$ONE" "$PHOTOS" <<'PY'
import resource, statistics, subprocess, sys, time
rounds, photo_rounds, new, old, one, photos = int(sys.argv[1]), int(sys.argv[2]), *sys.argv[3:]

def once(cmd):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit(f"startup.sh: `{cmd}` exited {p.returncode}: {p.stderr.decode()[-500:]}")
    return wall * 1000, (r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime) * 1000

def pair(label, new_cmd, old_cmd, n):
    once(new_cmd); once(old_cmd)  # page cache
    res = {"new": [], "old": []}
    for _ in range(n):  # alternated, so a change of machine load falls on both
        res["new"].append(once(new_cmd))
        res["old"].append(once(old_cmd))
    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v), min(w for w, _ in v)) for k, v in res.items()}
    print(f"{label:44s} new {med['new'][0]:8.0f} ms wall (min {med['new'][2]:6.0f}, cpu {med['new'][1]:6.0f})   "
          f"old {med['old'][0]:8.0f} ms wall (min {med['old'][2]:6.0f}, cpu {med['old'][1]:6.0f})   "
          f"old/new {med['old'][0] / med['new'][0]:4.2f}x wall, {med['old'][1] / med['new'][1]:4.2f}x cpu   n={n}")

q = f"'{one}'"
pair("./harrier --version", "./harrier --version", "HARRIER_CLI_BUILD=jit ./harrier --version", rounds)
pair("harrier --version (binary)", f"{new} --version", f"{old} --version", rounds)
pair("./harrier hash pdq ONE", f"./harrier hash pdq {q}", f"HARRIER_CLI_BUILD=jit ./harrier hash pdq {q}", rounds)
pair("harrier hash pdq ONE (binary)", f"{new} hash pdq {q}", f"{old} hash pdq {q}", rounds)
for fe in ("full", "pre512"):
    pair(f"hash pdq --front-end {fe} PHOTOS, taskset -c 0", f"taskset -c 0 {new} hash pdq --front-end {fe} '{photos}'",
         f"taskset -c 0 {old} hash pdq --front-end {fe} '{photos}'", photo_rounds)
print(f"ONE = {one}")
PY
