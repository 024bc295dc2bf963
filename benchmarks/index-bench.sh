#!/usr/bin/env bash
# Hamming index benchmark: Harrier's index (scan kernels, multi-index 16x16 and 8x32, join, auto)
# against the plain scalar popcount loop and FAISS IndexBinaryFlat / IndexBinaryMultiHash(256,16,16)
# (Debian python3-faiss, /usr/bin/python3), on the same data files in the same run, radius 31.
# Writes the "## Hamming index" section of docs/benchmarks.md (other sections are left alone).
#
#   benchmarks/index-bench.sh                 # the full matrix (about 30-40 min on 2 cores)
#   CONFIGS="uniform:1000000:10000" BUDGET=20 benchmarks/index-bench.sh   # one quick configuration
#
# Needs: apt-get install -y python3-faiss python3-numpy
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-benchmarks/results/index}
BUDGET=${BUDGET:-40}
PDQ_VECTORS=${PDQ_VECTORS:-tests/data/vectors/pdq}   # real PDQ hashes seeding the "realistic" data
CONFIGS=${CONFIGS:-"uniform:1000000:10000 uniform:1000000:100000 realistic:1000000:10000 realistic:1000000:100000 uniform:10000000:10000 realistic:10000000:10000 uniform:10000000:100000"}
THREADS=$(nproc)

mkdir -p "$OUT"
rm -f "$OUT/results.jsonl"
dotnet build -c Release benchmarks/Harrier.Benchmarks -nologo -v q >/dev/null
BENCH=benchmarks/Harrier.Benchmarks/bin/Release/net10.0/Harrier.Benchmarks.dll

for cfg in $CONFIGS; do
  IFS=: read -r data n q <<<"$cfg"
  tag="$data-$n-$q"
  echo "== $tag" >&2
  dotnet "$BENCH" index-macro --data "$data" --n "$n" --queries "$q" --radius 31 --budget "$BUDGET" --out "$OUT" --pdq-vectors "$PDQ_VECTORS"
  /usr/bin/python3 benchmarks/index_faiss.py "$OUT" "$tag" "$data" "$n" "$q" 31 "$BUDGET" "$THREADS"
  rm -f "$OUT/$tag.refs.bin" "$OUT/$tag.queries.bin" "$OUT/$tag.counts.bin"
done

/usr/bin/python3 benchmarks/index_report.py "$OUT/results.jsonl" docs/benchmarks.md \
  "benchmarks/index-bench.sh (CONFIGS=\"$CONFIGS\" BUDGET=$BUDGET)"
