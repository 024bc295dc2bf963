#!/usr/bin/env bash
# Reproduces the "PDQ robustness" section of docs/benchmarks.md (protocol: hash-benchmarks.md §2) on the 571 photos
# of ../shared/datasets/photos. Transforms are generated in memory, deterministically, with Skia.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${HARRIER_SHARED:-$(cd .. && pwd)/shared}
dotnet build -c Release benchmarks/Harrier.PdqBench >/dev/null
exec dotnet benchmarks/Harrier.PdqBench/bin/Release/net10.0/Harrier.PdqBench.dll robustness "$SHARED/datasets/photos"
