#!/usr/bin/env bash
# An idle silo held for SECONDS (default 80): its CPU (user+sys, GNU time), the Orleans runtime's cost while it lives with
# no work (membership heartbeats, timers, the bank poll), which measure.sh's start-and-stop "fixed cost" leaves out.
# Needs a built CLI and an admin PostgreSQL connection string in HARRIER_BENCH_PG (as measure.sh).
#   benchmarks/cluster/idle-silo.sh [SECONDS]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-80}
H=(dotnet "${HARRIER_DLL:-$here/src/Harrier.Cli/bin/Release/net10.0/harrier.dll}")
admin=${HARRIER_BENCH_PG:?set HARRIER_BENCH_PG to an admin connection string}
work=$(mktemp -d /tmp/harrier-idle-silo.XXXXXX)
export HARRIER_KEYS="$work/keys"
psql -q "$(echo "$admin" | sed 's/;/ /g; s/Host=/host=/; s/Port=/port=/; s/Username=/user=/; s/Database=/dbname=/; s/Pooling=[a-z]*//')" \
  -c "DROP DATABASE IF EXISTS bench_idle_long WITH (FORCE)" -c "CREATE DATABASE bench_idle_long" >/dev/null 2>&1
d=$(echo "$admin" | sed "s/Database=[^;]*/Database=bench_idle_long/")
"${H[@]}" case init "$work/c" --name idle --db "$d" >/dev/null
/usr/bin/time -f "%U %S" -o "$work/silo.cpu" "${H[@]}" cluster silo --case "$work/c" --db "$d" --port 42111 --gateway-port 42112 --jobs 1 >"$work/silo.log" 2>&1 &
tp=$!
trap 'kill $tp 2>/dev/null || true' EXIT
until grep -q "silo up" "$work/silo.log"; do kill -0 $tp 2>/dev/null || { cat "$work/silo.log"; exit 1; }; sleep 0.5; done
sleep "$secs"
kill -TERM "$(pgrep -P $tp)"; wait $tp || true
echo "idle silo held ${secs} s: $(awk '{printf "%.2f", $1 + $2}' "$work/silo.cpu") CPU-s; load $(cut -d' ' -f1-3 /proc/loadavg)"
