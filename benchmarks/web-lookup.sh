#!/usr/bin/env bash
# Workbench API load (issue 17): GET /m/raw_lookup?include_distance=true against a case with one bank of N random PDQ
# hashes (default 1,000,000), served by `harrier serve` on loopback and driven by wrk (2 threads) with a Lua script that
# rotates through Q queries: half near copies of bank hashes (1-10 bits flipped: each has a match), half random hashes
# (no match). Reports requests/s and latency percentiles beside the target of issue 17 (>= 5,000 requests/s with p99
# <= 20 ms at 1 M on 2 cores) and HMA's roadmap figure (10 M hashes at 4,000 lookups/s). Server and wrk share the
# machine's cores: the figure is for both together.
#   benchmarks/web-lookup.sh                       # N=1000000 Q=20000 DURATION=30s CONNECTIONS=32
#   N=100000 DURATION=10s benchmarks/web-lookup.sh # a quick run
#   HARRIER_BIN=PATH/harrier to use a Release build instead of building one.
# Needs: apt-get install -y wrk
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
N=${N:-1000000}
Q=${Q:-20000}
DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
command -v wrk > /dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
work=$(mktemp -d /tmp/harrier-web-bench.XXXXXX)
server=
trap '[ -n "$server" ] && kill "$server" 2> /dev/null; wait 2> /dev/null; rm -rf "$work"' EXIT
export HARRIER_KEYS="$work/keys"   # the benchmark case's key goes with the scratch folder, not into the user's key store
. "$here/benchmarks/harrier-bin.sh"

# The bank (hash,quality lines: a PDQ list) and the queries (paths), from one seeded generator.
python3 - "$work" "$N" "$Q" <<'PY'
import random, sys
work, n, q = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(20261205)
bank = [rng.getrandbits(256) for _ in range(n)]
with open(f"{work}/bank.pdq", "w") as f:
    f.write("".join(f"{h:064x},100\n" for h in bank))
with open(f"{work}/queries.txt", "w") as f:
    for i in range(q):
        if i % 2 == 0:
            h = rng.choice(bank)
            for b in rng.sample(range(256), rng.randint(1, 10)):
                h ^= 1 << b
        else:
            h = rng.getrandbits(256)
        f.write(f"/m/raw_lookup?signal_type=pdq&signal={h:064x}&include_distance=true\n")
PY

"$h" case init "$work/case" --name web-lookup-bench > /dev/null
start=$(date +%s.%N)
"$h" banks import "$work/bank.pdq" --name RANDOM_1M --format pdq --case "$work/case" > /dev/null
import_s=$(echo "$(date +%s.%N) - $start" | bc -l)
"$h" users add bench --role analyst --case "$work/case" > /dev/null
token=$("$h" users token bench --case "$work/case")

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$h" serve --port "$port" --case "$work/case" > "$work/serve.out" 2> "$work/serve.err" &
server=$!
base="http://127.0.0.1:$port"
start=$(date +%s.%N)
for _ in $(seq 600); do   # up to 5 minutes for the server to listen and load the index
  status=$(curl -s -H "Authorization: Bearer $token" "$base/m/index/status" || true)
  case "$status" in *'"present":true'*) break ;; esac
  kill -0 "$server" 2> /dev/null || { cat "$work/serve.err" >&2; exit 1; }
  sleep 0.5
done
load_s=$(echo "$(date +%s.%N) - $start" | bc -l)
echo "index: $status (ready $(printf %.1f "$load_s") s after start; bank import $(printf %.1f "$import_s") s)"

# A spot check before the load: a near copy finds its hash, with its distance.
first=$(head -1 "$work/queries.txt")
curl -sf -H "Authorization: Bearer $token" "$base$first" | grep -q '"distance"' || { echo "the first near copy found nothing: $first" >&2; exit 1; }

cat > "$work/rotate.lua" <<LUA
local paths = {}
for line in io.lines("$work/queries.txt") do paths[#paths + 1] = line end
local i = 0
function setup(thread) thread:set("offset", math.random(#paths)) end
function init(args) i = offset or 0 end
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], { ["Authorization"] = "Bearer $token" })
end
local non2xx = 0
function response(status, headers, body) if status ~= 200 then non2xx = non2xx + 1 end end
LUA
wrk -t2 -c"$CONNECTIONS" -d5s -s "$work/rotate.lua" "$base" > /dev/null   # warm-up (JIT, tiered compilation)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$work/rotate.lua" "$base" | tee "$work/wrk.out"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
rps=$(sed -n 's/^Requests\/sec: *//p' "$work/wrk.out")
p50=$(awk '$1 == "50%" { print $2 }' "$work/wrk.out")
p99=$(awk '$1 == "99%" { print $2 }' "$work/wrk.out")
errors=$(grep -E "Non-2xx|Socket errors" "$work/wrk.out" || true)
echo
echo "result: $(printf %.0f "$rps") requests/s, p50 $p50, p99 $p99 at N=$N ($(nproc) cores, server and wrk together; load average $load_before -> $load_after)${errors:+; $errors}"
echo "target (issue 17): >= 5,000 requests/s, p99 <= 20 ms at 1 M on 2 cores; HMA roadmap: 4,000 lookups/s at 10 M"
