#!/usr/bin/env bash
# Payer → exchange attribution and abstention on an adversarial scenario (docs/chain.md "Payers that hide"):
#   benchmarks/chain-adversarial.sh PRESET SEED [WORKDIR] [PAYERS]
# generates `scenario generate --preset PRESET --seed SEED --items 1 --payers adversarial` (PAYERS: adversarial, or
# direct for the default world), runs the case steps the demo runs for the chain (platform deposits → import → cluster →
# tags → trace → requests) plus the media triage `harrier eval` needs, and prints `harrier eval`'s chain lines.
# HARRIER_CLI (default: the Debug build's dll under dotnet) is the harrier to run.
set -euo pipefail
preset=${1:?preset}; seed=${2:?seed}; work=${3:-$(mktemp -d)}; payers=${4:-adversarial}
here=$(cd "$(dirname "$0")/.." && pwd)
read -r -a h <<< "${HARRIER_CLI:-dotnet $here/src/Harrier.Cli/bin/Debug/net10.0/harrier.dll}"
export HARRIER_KEYS="$work/keys" HARRIER_ACTOR=bench
rm -rf "$work/s" "$work/case" && mkdir -p "$work"
payers_option=(--payers "$payers"); [ "$payers" = direct ] && payers_option=()   # a harrier from before --payers reads as direct
"${h[@]}" scenario generate --preset "$preset" --seed "$seed" --items 1 "${payers_option[@]}" --out "$work/s" --progress None
"${h[@]}" case init "$work/case" --name "adversarial $preset $seed" > /dev/null
c=(--case "$work/case" --progress None)
"${h[@]}" evidence add "$work/s/media" --exhibit EX-1 "${c[@]}" > /dev/null
"${h[@]}" ingest media --exhibit EX-1 "${c[@]}" > /dev/null
"${h[@]}" triage "${c[@]}" > /dev/null
"${h[@]}" platform import --from "sqlite:$work/s/platform/platform.sqlite" "${c[@]}" > /dev/null
"${h[@]}" platform deposits --out "$work/deposits.csv" "${c[@]}" > /dev/null
"${h[@]}" chain import "$work/s/chain" "${c[@]}" > /dev/null
"${h[@]}" chain cluster --deposits "$work/deposits.csv" "${c[@]}" > /dev/null
"${h[@]}" tags import "$work/s/tags" "${c[@]}" > /dev/null
"${h[@]}" chain trace --deposits "$work/deposits.csv" "${c[@]}" | grep -E '^(request|obscured|warning)' || true
"${h[@]}" chain requests --out "$work/requests" "${c[@]}" > /dev/null
"${h[@]}" eval --truth "$work/s/truth.json" "${c[@]}" | grep '^chain'
"${h[@]}" eval --truth "$work/s/truth.json" "${c[@]}" --json > "$work/eval.json"
