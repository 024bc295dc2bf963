#!/usr/bin/env bash
# Reproduces "PDQ hypotheses: off-centre crops and small rotations" in docs/benchmarks.md (issue 21.2, 21.4, 21.5):
# recall of the off-centre crop and de-rotation steps on the JPEG originals of PHOTOS_DIR (default data/photos), and,
# when DISTRACTORS_DIR is given, their false matches among its photos (every hypothesis hash of each photo against every
# other photo's plain hash). The distractor folder is read only when named here; nothing in the product or its tests
# reads it. Further arguments go to the harness: --inset measures only the content-inside-content and centre-crop steps
# (issue 21.3; picture-in-picture and screenshot transforms); --masked measures the off-centre crops' masked distance
# (the bits three fills of the missing band agree on) and triage's rule with it; --masked-derotated the same for the
# de-rotation step (the border a turn's crop removed). Usage: benchmarks/pdq-hypotheses.sh [PHOTOS_DIR] [DISTRACTORS_DIR] [OPTIONS...]
set -euo pipefail
cd "$(dirname "$0")/.."
PHOTOS=$(cd "${1:-data/photos}" && pwd)
dotnet build -c Release benchmarks/Harrier.PdqBench >/dev/null
args=(hypotheses "$PHOTOS")
if [ -n "${2:-}" ] && [ "$2" != "-" ]; then
  args+=(--distractors "$(cd "$2" && pwd)")
fi
args+=("${@:3}")
exec dotnet benchmarks/Harrier.PdqBench/bin/Release/net10.0/Harrier.PdqBench.dll "${args[@]}"
