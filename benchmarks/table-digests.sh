#!/usr/bin/env bash
# What the table digests (issue 20.1: the signed audit head commits to every table's rows) cost the commands that write the
# most rows, measured back to back against a commit without them: `platform import`, `returns import`, `persons resolve`,
# `targets rank` and `evidence add`, each in a fresh case per side, alternating BEFORE, AFTER, BEFORE, AFTER… so load drift
# hits both; then `audit verify` of the AFTER case (which recomputes every table from its rows). One Markdown row per step
# and side (wall, user+sys CPU, peak RSS, load average), and the rows each table holds.
#   benchmarks/table-digests.sh BEFORE AFTER [USERS=50000] [ROUNDS=2]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
before=$(git -C "$here" rev-parse --short "${1:?before commit}"); after=$(git -C "$here" rev-parse --short "${2:?after commit}")
users=${3:-50000}; rounds=${4:-2}
work=$(mktemp -d /tmp/harrier-digest-bench.XXXXXX)
cleanup() { for s in a b; do git -C "$here" worktree remove --force "$work/$s" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
export HARRIER_KEYS="$work/keys"
. "$here/benchmarks/timed.sh"

. "$here/benchmarks/ab-build.sh"
ab_build || exit 1
dotnet "$work/b-bin/harrier.dll" scenario generate --seed 1 --preset large --users "$users" --items 1 --out "$work/world" --progress none \
  --photos "$here/data/photos" --public-packs "$here/data/tagpacks/graphsense/packs" > /dev/null
world="$work/world"
evidence="$here/data/photos"

echo "BEFORE = $before, AFTER = $after; $users accounts; $(nproc) cores"
echo "| step | side | wall | CPU (user+sys, s) | peak RSS | load average before → after |"
echo "|---|---|---|---|---|---|"
for round in $(seq 1 "$rounds"); do
  for side in a b; do
    h=(dotnet "$work/$side-bin/harrier.dll")
    label=$([ $side = a ] && echo "before" || echo "after")
    c="$work/$side-case-$round"
    "${h[@]}" case init "$c" --name digest-bench > /dev/null
    row() { timed "$1" "${@:2}" | sed "s/^| \`$1\` |/| \`$1\` | $label |/"; }
    row "evidence add" "${h[@]}" --progress none evidence add "$evidence" --exhibit EX-1 --case "$c"
    row "platform import" "${h[@]}" --progress none platform import --from "sqlite:$world/platform/platform.sqlite" --case "$c"
    row "returns import" "${h[@]}" --progress none returns import "$world/returns/isp" --case "$c"
    row "persons resolve" "${h[@]}" --progress none --json persons resolve --prior-records "$world/records/prior-records.csv" \
      --exit-list "tor=$world/network/tor-exit-list.txt" --exit-list "vpn=$world/network/vpn-exit-list.txt" --case "$c"
    row "targets rank" "${h[@]}" --progress none --json targets rank --case "$c"
  done
done
row() { timed "$1" "${@:2}" | sed "s/^| \`$1\` |/| \`$1\` | after |/"; }
row "audit verify" dotnet "$work/b-bin/harrier.dll" --json audit verify --case "$work/b-case-$rounds"
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print("audit verify: ok=%s, %d tables checked, %d entries" % (r["ok"], r["tablesChecked"], r["entries"]))' "$work/audit verify.out"
python3 - "$work/b-case-$rounds/audit.head" <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))
rows = sorted(((t["rows"], t["table"]) for t in h["tables"]["tables"]), reverse=True)
print("rows signed: %d in all; largest: %s" % (sum(r for r, _ in rows), ", ".join("%s %d" % (t, r) for r, t in rows[:6])))
PY
