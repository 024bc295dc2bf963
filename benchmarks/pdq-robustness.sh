#!/usr/bin/env bash
# Reproduces the "PDQ robustness" section of docs/benchmarks.md (protocol: hash-benchmarks.md §2) on the 571 photos
# of the repository's data/photos, or of the folder given. Transforms are generated in memory, deterministically,
# with Skia. Usage: benchmarks/pdq-robustness.sh [PHOTOS_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
PHOTOS=$(cd "${1:-data/photos}" && pwd)
dotnet build -c Release benchmarks/Harrier.PdqBench >/dev/null
exec dotnet benchmarks/Harrier.PdqBench/bin/Release/net10.0/Harrier.PdqBench.dll robustness "$PHOTOS"
