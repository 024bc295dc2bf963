#!/usr/bin/env bash
# Workbench triage grid at scale (issue 17.2): the first page of /triage on a case of FILES (default 100,000) files.
# The case is the tiny demo's, padded with SYNTHETIC rows inserted straight into its SQLite database: evidence_files
# ('synthetic/N', fake digests), media_facts (kind image, pointing at one real derived thumbnail) and triage_results
# (statuses, banks, VICS-US categories, rendition and scene groups, first-seen ranks cycling over the rows). No media
# file is made; the grid reads rows only, and the thumbnails are fetched by the browser afterwards, not timed here.
# Then `harrier serve` on loopback, an analyst account signed in through the real login and password pages with curl,
# and the first page (and filtered pages, a page deep in the case, the queue and the groups) timed with curl: the first
# request (the server just started: page compilation and cold caches included), then RUNS requests each, median.
#   benchmarks/web-grid.sh [FILES=100000] [RUNS=7]
#   HARRIER_BIN=PATH/harrier to use a Release build instead of building one.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
files=${1:-100000}; runs=${2:-7}
work=$(mktemp -d /tmp/harrier-web-grid.XXXXXX)
server=
cleanup() { if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT
export HARRIER_KEYS="$work/keys"   # the benchmark case's key goes with the scratch folder
. "$here/benchmarks/harrier-bin.sh"

"$h" demo --preset tiny --seed 3 --out "$work/demo" --photos "$here/data/photos" --no-browser --no-serve --progress none > "$work/demo.log" 2>&1 \
  || { cat "$work/demo.log" >&2; exit 1; }
case_dir="$work/demo/case"
db="$case_dir/case.db"
have=$(sqlite3 "$db" "SELECT COUNT(*) FROM triage_results")
add=$(( files - have ))
start=$(date +%s.%N)
sqlite3 "$db" <<SQL
BEGIN;
CREATE TEMP TABLE n AS WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $add) SELECT i FROM s;
INSERT INTO evidence_files (exhibit_id, rel_path, status, size, modified_utc, md5, sha1, sha256, registered_utc)
  SELECT (SELECT MIN(exhibit_id) FROM exhibits), 'synthetic/' || i, 'ok', 1000 + i, '2026-01-01T00:00:00Z',
         printf('%032x', i), printf('%040x', i), printf('%064x', i), '2026-01-01T00:00:00Z' FROM n;
INSERT INTO media_facts (evidence_id, kind, format, width, height, ingested_utc, derived)
  SELECT f.id, 'image', 'jpeg', 640, 480, '2026-01-01T00:00:00Z',
         (SELECT derived FROM media_facts WHERE kind = 'image' AND derived IS NOT NULL ORDER BY evidence_id LIMIT 1)
  FROM evidence_files f WHERE f.rel_path LIKE 'synthetic/%';
INSERT INTO triage_results (evidence_id, status, method, bank_name, scheme, code, rendition_group, scene_group, representative,
                            queue_rank, reasons, triaged_utc)
  SELECT f.id,
         CASE f.id % 4 WHEN 0 THEN 'known' WHEN 1 THEN 'unknown' WHEN 2 THEN 'near-duplicate' ELSE 'known-good' END,
         CASE WHEN f.id % 4 IN (0, 2) THEN 'md5' END,
         CASE WHEN f.id % 4 IN (0, 2) THEN 'synthetic-bank-' || (f.id % 3) END,
         CASE WHEN f.id % 4 = 0 THEN 'VICS-US' END, CASE WHEN f.id % 4 = 0 THEN CAST(f.id % 5 AS TEXT) END,
         CASE WHEN f.id % 7 = 0 THEN 100000 + f.id / 21 END, 100000 + f.id / 10, CASE WHEN f.id % 10 = 0 THEN 1 ELSE 0 END,
         CASE WHEN f.id % 4 = 1 THEN 1000 + f.id / 10 END,
         CASE WHEN f.id % 4 = 1 THEN 'synthetic: first seen' END, '2026-01-01T00:00:00Z'
  FROM evidence_files f WHERE f.rel_path LIKE 'synthetic/%';
COMMIT;
SQL
total=$(sqlite3 "$db" "SELECT COUNT(*) FROM triage_results")
printf 'case: %s triaged files (%s from the tiny demo, %s synthetic rows inserted in %.1f s)\n' "$total" "$have" "$add" "$(echo "$(date +%s.%N) - $start" | bc -l)"

password=$("$h" users add bench --role analyst --case "$case_dir" | sed -n 's/^one-time password: //p')
port=$(( 20000 + RANDOM % 20000 ))
"$h" serve --case "$case_dir" --port "$port" > "$work/serve.log" 2>&1 &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -s -o /dev/null "$base/login" && break; sleep 0.2; done
jar="$work/cookies"
token() { sed -n 's/.*name="__RequestVerificationToken" type="hidden" value="\([^"]*\)".*/\1/p' | head -1; }
post() { # PATH TOKEN FIELDS... (curl --data-urlencode each)
  local path=$1 tok=$2; shift 2
  local args=(--data-urlencode "__RequestVerificationToken=$tok")
  for kv in "$@"; do args+=(--data-urlencode "$kv"); done
  curl -s -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" "${args[@]}" "$base$path"
}
tok=$(curl -s -b "$jar" -c "$jar" "$base/login" | token)
[ "$(post /login "$tok" "Name=bench" "Password=$password")" = 302 ] || { echo "login failed" >&2; exit 1; }
new=bench-correct-horse-battery
tok=$(curl -s -b "$jar" -c "$jar" "$base/account/password" | token)
[ "$(post /account/password "$tok" "Current=$password" "New=$new" "Again=$new")" = 302 ] || { echo "password change failed" >&2; exit 1; }
tok=$(curl -s -b "$jar" -c "$jar" "$base/login" | token)
[ "$(post /login "$tok" "Name=bench" "Password=$new")" = 302 ] || { echo "second login failed" >&2; exit 1; }

time_page() { # NAME PATH
  local name=$1 path=$2 times=() code first
  read -r code first < <(curl -s -o "$work/page.html" -w '%{http_code} %{time_total}\n' -b "$jar" "$base$path")
  [ "$code" = 200 ] || { echo "$path answered $code" >&2; exit 1; }
  grep -q 'class="tile' "$work/page.html" || { echo "$path shows no tile" >&2; exit 1; }
  for _ in $(seq 1 "$runs"); do times+=("$(curl -s -o /dev/null -w '%{time_total}' -b "$jar" "$base$path")"); done
  local sorted; sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  printf '| %s | `%s` | %s | %s | %s | %s |\n' "$name" "$path" "$first" "$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")" \
    "$(echo "$sorted" | head -1)" "$(echo "$sorted" | tail -1)"
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
echo "| page | path | first request s (server just started) | median s | min s | max s |"
echo "|---|---|---|---|---|---|"
time_page "first page" "/triage"
time_page "filtered: status" "/triage?status=unknown"
time_page "filtered: category" "/triage?category=VICS-US:2"
time_page "deep page" "/triage?after=$(( total / 2 ))"
time_page "first-seen queue" "/triage/first-seen"
time_page "scene groups" "/triage/groups?kind=scene"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
