#!/usr/bin/env bash
# Cluster cost measurements for docs/scale.md (issue 18 item 5). Needs a built CLI (dotnet build src/Harrier.Cli -c Release)
# and an admin PostgreSQL connection string in HARRIER_BENCH_PG (Host=…;Username=postgres;Database=postgres).
#   benchmarks/cluster/measure.sh [PRESET] [EMPTY_JOBS]     (defaults: tiny 20000)
# CPU time is user+sys from getrusage of each process and the children it waited for (GNU time: ffmpeg included),
# not wall time: the machine may be shared. PostgreSQL's own CPU is not included (it is another process tree).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
preset=${1:-tiny}
empty=${2:-20000}
H=(dotnet "$here/src/Harrier.Cli/bin/Release/net10.0/harrier.dll")
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
newcase() { # NAME: case on a fresh database with the preset's media as exhibit M; prints the DB
  local d; d=$(db "bench_$1")
  "${H[@]}" case init "$work/$1" --name "$1" --db "$d" >/dev/null
  "${H[@]}" evidence add "$work/scenario/media" --exhibit M --case "$work/$1" --db "$d" >/dev/null
  echo "$d"
}

"${H[@]}" scenario generate --preset "$preset" --seed 7 --out "$work/scenario" >/dev/null
files=$(find "$work/scenario/media" -type f | wc -l)
echo "preset $preset: $files files; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"

if [ -z "${ONLY_EMPTY:-}" ]; then
# 1. The single-process path, one file at a time.
d=$(newcase single)
/usr/bin/time -f "%U %S" -o "$work/single.cpu" "${H[@]}" ingest media --exhibit M --jobs 1 --case "$work/single" --db "$d" >/dev/null
echo "single-process ingest media --jobs 1: $(cpu "$work/single.cpu") CPU-s"

# 2. A silo that starts and stops with no work: the fixed cost of a silo.
d=$(newcase idle)
silo "$work/idle" "$d" 41111 "$work/idle.log" --jobs 1
stop "${pids[-1]}"
echo "silo start and stop, no work: $(cpu "$work/idle.log.cpu") CPU-s"

# 3. The same files through a one-silo cluster (one job at a time, as the single run): silo + client CPU.
d=$(newcase cluster)
silo "$work/cluster" "$d" 41121 "$work/cluster.log" --jobs 1
/usr/bin/time -f "%U %S" -o "$work/client.cpu" "${H[@]}" cluster ingest --exhibit M --case "$work/cluster" --db "$d" --progress none >"$work/client.out"
stop "${pids[-1]}"
head -1 "$work/client.out"
echo "cluster (1 silo, --jobs 1): silo $(cpu "$work/cluster.log.cpu") CPU-s, client $(cpu "$work/client.cpu") CPU-s"
python3 - "$work" "$files" <<'PY'
import sys
w, n = sys.argv[1], int(sys.argv[2])
c = lambda f: sum(map(float, open(f"{w}/{f}").read().split()[:2]))
single, idle, silo, client = c("single.cpu"), c("idle.log.cpu"), c("cluster.log.cpu"), c("client.cpu")
print(f"per file: single {single/n:.3f} CPU-s; cluster silo {silo/n:.3f} (less the silo's fixed cost: {(silo-idle)/n:.3f}); client {client/n:.3f}")
print(f"overhead, silo work less fixed cost vs single: {100*((silo-idle)/single-1):+.1f} %; everything (silo+client, fixed costs in): {100*((silo+client)/single-1):+.1f} %")
PY

fi

# 4. Empty jobs: the scheduler alone, two silos of one worker each... then with claim batches.
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
