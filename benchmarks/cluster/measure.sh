#!/usr/bin/env bash
# Cluster cost measurements for docs/scale.md (issue 18 item 5). Needs a built CLI (dotnet build src/Harrier.Cli -c Release,
# or HARRIER_DLL=path/to/harrier.dll)
# and an admin PostgreSQL connection string in HARRIER_BENCH_PG (Host=…;Username=postgres;Database=postgres).
#   benchmarks/cluster/measure.sh [PRESET] [EMPTY_JOBS]     (defaults: tiny 20000)
#   ONLY_EMPTY=1: the empty-job runs only; SKIP_EMPTY=1: no empty jobs; SEQUENTIAL=1: the two sides one after the other
#   (default: at the same time, paired); SCENARIO=DIR: that generated
#   scenario instead of a new one (PRESET then only labels the run).
# CPU time is user+sys from getrusage of each process and the children it waited for (GNU time: ffmpeg included),
# not wall time: the machine may be shared. PostgreSQL's own CPU is not included (it is another process tree).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
preset=${1:-tiny}
empty=${2:-20000}
H=(dotnet "${HARRIER_DLL:-$here/src/Harrier.Cli/bin/Release/net10.0/harrier.dll}")
admin=${HARRIER_BENCH_PG:?set HARRIER_BENCH_PG to an admin connection string}
work=$(mktemp -d /tmp/harrier-cluster-bench.XXXXXX)
export HARRIER_KEYS="$work/keys"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
cpu() { awk '{printf "%.2f", $1 + $2}' "$1"; }
db() { # NAME: a fresh database, its connection string on stdout
  psql -q "$(echo "$admin" | sed 's/;/ /g; s/Host=/host=/; s/Port=/port=/; s/Username=/user=/; s/Database=/dbname=/; s/Pooling=[a-z]*//')" \
    -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" >/dev/null 2>&1
  echo "$admin" | sed "s/Database=[^;]*/Database=$1/"
}
silo() { # CASEDIR DB PORT LOG [extra args]: starts a silo under GNU time, waits until it is up
  local c=$1 d=$2 p=$3 log=$4; shift 4
  /usr/bin/time -f "%U %S" -o "$log.cpu" "${H[@]}" cluster silo --case "$c" --db "$d" --port "$p" --gateway-port $((p + 1)) "$@" >"$log" 2>&1 &
  pids+=($!)
  until grep -q "silo up" "$log"; do kill -0 $! 2>/dev/null || { cat "$log"; exit 1; }; sleep 0.5; done
}
stop() { # TIMEPID: SIGTERM to the silo under GNU time (which does not pass signals on), then time reports its CPU
  kill -TERM "$(pgrep -P "$1")"; wait "$1" || true
}
db_of() { echo "$admin" | sed "s/Database=[^;]*/Database=bench_$1/"; }
newcase() { # NAME: case on a fresh database with the preset's media as exhibit M; prints the DB
  local d; d=$(db "bench_$1")
  "${H[@]}" case init "$work/$1" --name "$1" --db "$d" >/dev/null
  "${H[@]}" evidence add "$work/scenario/media" --exhibit M --case "$work/$1" --db "$d" >/dev/null
  echo "$d"
}

if [ -n "${SCENARIO:-}" ]; then ln -s "$(cd "$SCENARIO" && pwd)" "$work/scenario"; else "${H[@]}" scenario generate --preset "$preset" --seed 7 --out "$work/scenario" >/dev/null; fi
files=$(find "$work/scenario/media" -type f | wc -l)
echo "preset $preset: $files files; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"

if [ -z "${ONLY_EMPTY:-}" ]; then
# 1. A silo that starts and stops with no work: the fixed cost of a silo.
d=$(newcase idle)
silo "$work/idle" "$d" 41111 "$work/idle.log" --jobs 1
stop "${pids[-1]}"
echo "silo start and stop, no work: $(cpu "$work/idle.log.cpu") CPU-s"

# 2. The single-process path and the same files through a one-silo cluster, both one file at a time. Paired (default):
# both run at the same time, so that they share the machine's state (what else runs, its caches, the VM's neighbours);
# run one after the other, a 2-core VM's drift between the two halves was as large as the overhead measured (docs/scale.md).
# SEQUENTIAL=1 runs them one after the other, on a machine that is otherwise idle.
ds=$(newcase single)
dc=$(newcase cluster)
silo "$work/cluster" "$dc" 41121 "$work/cluster.log" --jobs 1
single_run() { /usr/bin/time -f "%U %S" -o "$work/single.cpu" "${H[@]}" ingest media --exhibit M --jobs 1 --case "$work/single" --db "$ds" >/dev/null; }
cluster_run() { /usr/bin/time -f "%U %S" -o "$work/client.cpu" "${H[@]}" cluster ingest --exhibit M --case "$work/cluster" --db "$dc" --progress none >"$work/client.out"; }
if [ -n "${SEQUENTIAL:-}" ]; then
  single_run; cluster_run
else
  single_run & sp=$!
  cluster_run
  wait $sp
fi
stop "${pids[-1]}"
head -1 "$work/client.out"
echo "single-process ingest media --jobs 1: $(cpu "$work/single.cpu") CPU-s"
echo "cluster (1 silo, --jobs 1): silo $(cpu "$work/cluster.log.cpu") CPU-s, client $(cpu "$work/client.cpu") CPU-s ($([ -n "${SEQUENTIAL:-}" ] && echo sequential || echo paired))"
python3 - "$work" "$files" <<'PY'
import sys
w, n = sys.argv[1], int(sys.argv[2])
c = lambda f: sum(map(float, open(f"{w}/{f}").read().split()[:2]))
single, idle, silo, client = c("single.cpu"), c("idle.log.cpu"), c("cluster.log.cpu"), c("client.cpu")
print(f"per file: single {single/n:.3f} CPU-s; cluster silo {silo/n:.3f} (less the silo's fixed cost: {(silo-idle)/n:.3f}); client {client/n:.3f}")
print(f"overhead, silo work less fixed cost vs single: {100*((silo-idle)/single-1):+.1f} %; everything (silo+client, fixed costs in): {100*((silo+client)/single-1):+.1f} %")
PY


# 3. Triage of the ingested cases: single-process `triage` against `cluster triage` (the hypotheses of the files nothing
# else matched computed by a fresh one-silo cluster, --jobs 1; client and silo CPU, the silo less its start-up cost);
# paired as above unless SEQUENTIAL=1. SKIP_TRIAGE=1 leaves it out.
if [ -z "${SKIP_TRIAGE:-}" ]; then
  for f in "$work/scenario/hashsets"/*; do
    [ -f "$f" ] || continue
    "${H[@]}" banks import "$f" --name "$(basename "$f")" --case "$work/single" --db "$(db_of single)" >/dev/null
    "${H[@]}" banks import "$f" --name "$(basename "$f")" --case "$work/cluster" --db "$(db_of cluster)" >/dev/null
  done
  silo "$work/cluster" "$(db_of cluster)" 41151 "$work/triage-silo.log" --jobs 1
  /usr/bin/time -f "%U %S" -o "$work/triage-single.cpu" "${H[@]}" triage --case "$work/single" --db "$(db_of single)" --json >"$work/triage-single.json" &
  tp=$!
  [ -n "${SEQUENTIAL:-}" ] && wait $tp
  /usr/bin/time -f "%U %S" -o "$work/triage-client.cpu" "${H[@]}" cluster triage --case "$work/cluster" --db "$(db_of cluster)" --json --progress none >"$work/triage-cluster.json"
  wait $tp || true
  stop "${pids[-1]}"
  python3 - "$work" <<'PY'
import sys, json
w = sys.argv[1]
c = lambda f: sum(map(float, open(f"{w}/{f}").read().split()[:2]))
a, b = json.load(open(f"{w}/triage-single.json")), json.load(open(f"{w}/triage-cluster.json"))
single, silo, client, idle = c("triage-single.cpu"), c("triage-silo.log.cpu"), c("triage-client.cpu"), c("idle.log.cpu")
print(f"triage: single {single:.2f} CPU-s ({a['imagesHypothesised']} images, {a['videosHypothesised']} videos hypothesised); "
      f"cluster: client {client:.2f} + silo {silo:.2f} (less start-up {silo-idle:.2f}) = {client+silo-idle:.2f} CPU-s "
      f"({b['imagesHypothesised']} images, {b['videosHypothesised']} videos on the silo); same counts: {a['byStatus'] == b['byStatus']}")
PY
fi
fi

# 4. Empty jobs: the scheduler alone, two silos of two workers each, one job per claim and then claim batches of 32.
[ -n "${SKIP_EMPTY:-}" ] && exit 0
for batch in 1 32; do
  d=$(newcase "empty$batch")
  silo "$work/empty$batch" "$d" 41131 "$work/empty$batch-a.log" --jobs 2 --claim-batch "$batch" --idle-poll-ms 100
  silo "$work/empty$batch" "$d" 41141 "$work/empty$batch-b.log" --jobs 2 --claim-batch "$batch" --idle-poll-ms 100
  /usr/bin/time -f "%U %S" -o "$work/empty$batch-client.cpu" "${H[@]}" cluster ingest --exhibit M --empty-jobs "$empty" --case "$work/empty$batch" --db "$d" --progress none --json >"$work/empty$batch.json"
  stop "${pids[-1]}"; stop "${pids[-2]}"
  python3 - "$work" "$batch" <<'PY'
import sys, json
w, b = sys.argv[1], sys.argv[2]
r = json.load(open(f"{w}/empty{b}.json"))
c = lambda f: sum(map(float, open(f"{w}/{f}").read().split()[:2]))
silos = c(f"empty{b}-a.log.cpu") + c(f"empty{b}-b.log.cpu")
print(f"empty jobs, 2 silos x 2 workers, claim batch {b}: {r['done']} jobs in {r['activeSeconds']:.1f} s (server clock, first claim to last result) = {r['done']/r['activeSeconds']:.0f} jobs/s; silo CPU {silos:.1f} s incl. start-up")
PY
done
