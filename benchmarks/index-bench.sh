#!/usr/bin/env bash
# Hamming index benchmark, one thread each, radius 31, on the same data files in the same run:
#   - Harrier's index (benchmarks/Harrier.Benchmarks index-macro: scan kernels, multi-index, join, auto);
#   - FAISS built from the Debian source package of the version Debian ships, with AVX2 and hardware
#     popcount (benchmarks/faiss/build.sh + faiss_bench.cpp): IndexBinaryFlat and IndexBinaryMultiHash
#     in several (nhash x b) configurations;
#   - the Debian python3-faiss build of the same version (benchmarks/index_faiss.py), which is compiled
#     for generic x86-64 (no popcnt instruction), for reference.
# Writes the "## Hamming index" section of docs/benchmarks.md (other sections are left alone).
#
#   benchmarks/index-bench.sh                 # the full matrix (long: the 10 M configurations dominate)
#   CONFIGS="uniform:1000000:1000" BUDGET=10 benchmarks/index-bench.sh   # one quick configuration
#
# Knobs (environment):
#   CONFIGS     space-separated DATA:N:QUERIES (DATA: uniform, clustered, realistic; passed to the C# side)
#   BUDGET      seconds per measured method (a pilot run sizes how many queries fit; default 40)
#   FAISS_MIH   FAISS multi-index configurations nhash x b (default 16x16,12x21,8x32)
#   FLAT_MAX_N  above this N the FAISS flat indexes are measured by their pilot (32 queries) alone when the
#               pilot shows the batch would not fit the budget (default 1000000; -1: never)
#   NO_FAISS_AVX2=1  skip the source build (then the report states the Debian build's handicap)
#
# Needs: apt-get install -y python3-faiss python3-numpy cmake g++ libblas-dev liblapack-dev
# (build.sh installs its own build dependencies when run as root, and fetches the FAISS source with
# `apt-get source`, deb-src enabled for that call only; the build is cached outside the repository).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-benchmarks/results/index}
BUDGET=${BUDGET:-40}
PDQ_VECTORS=${PDQ_VECTORS:-tests/data/vectors/pdq}   # real PDQ hashes seeding the "realistic" data
CONFIGS=${CONFIGS:-"uniform:1000000:1000 clustered:1000000:1000 uniform:10000000:1000 clustered:10000000:1000 realistic:1000000:1000 realistic:10000000:1000"}
FAISS_MIH=${FAISS_MIH:-16x16,12x21,8x32}
FLAT_MAX_N=${FLAT_MAX_N:-1000000}
THREADS=1

mkdir -p "$OUT"
rm -f "$OUT/results.jsonl" "$OUT/faiss-build.json"

# FAISS with AVX2 + popcnt, built once (cached); its absence is recorded, not fatal.
FAISS_BENCH=""
if [ "${NO_FAISS_AVX2:-0}" != 1 ]; then
  if FAISS_BENCH=$(benchmarks/faiss/build.sh 2>"$OUT/faiss-build.log"); then
    grep '^faiss/build.sh' "$OUT/faiss-build.log" >&2 || true
    info="$(dirname "$FAISS_BENCH")/build-info.json"
    { printf '{"available": true, '; sed 's/^{//' "$info"; } > "$OUT/faiss-build.json"
  else
    cat "$OUT/faiss-build.log" >&2
    FAISS_BENCH=""
    reason=$(grep -m1 'FAILED' "$OUT/faiss-build.log" | sed 's/.*FAILED: //; s/["\\]/ /g')
    printf '{"available": false, "reason": "%s"}\n' "${reason:-unknown, see faiss-build.log}" > "$OUT/faiss-build.json"
    echo "index-bench: FAISS AVX2 build unavailable (${reason:-see $OUT/faiss-build.log}); the Debian build alone is compared" >&2
  fi
else
  echo '{"available": false, "reason": "skipped (NO_FAISS_AVX2=1)"}' > "$OUT/faiss-build.json"
fi

# The Debian build's handicap, from its binary: popcnt instructions vs calls to libgcc's __popcount*.
DEB_SO=$(/usr/bin/python3 -c 'import faiss._swigfaiss as s; print(s.__file__)')
printf '{"library": "%s", "popcnt": %d, "popcountCalls": %d}\n' "$DEB_SO" \
  "$(objdump -d --no-show-raw-insn "$DEB_SO" | grep -cE '\spopcnt\s' || true)" \
  "$(objdump -d --no-show-raw-insn "$DEB_SO" | grep -cE 'call.*__popcount' || true)" > "$OUT/faiss-debian.json"

dotnet build -c Release benchmarks/Harrier.Benchmarks -nologo -v q >/dev/null
BENCH=benchmarks/Harrier.Benchmarks/bin/Release/net10.0/Harrier.Benchmarks.dll

for cfg in $CONFIGS; do
  IFS=: read -r data n q <<<"$cfg"
  tag="$data-$n-$q"
  echo "== $tag" >&2
  dotnet "$BENCH" index-macro --data "$data" --n "$n" --queries "$q" --radius 31 --budget "$BUDGET" --out "$OUT" --pdq-vectors "$PDQ_VECTORS"
  if [ -n "$FAISS_BENCH" ]; then
    "$FAISS_BENCH" "$OUT" "$tag" "$data" "$n" "$q" 31 "$BUDGET" "$THREADS" --mih "$FAISS_MIH" --flat-max-n "$FLAT_MAX_N"
  fi
  /usr/bin/python3 benchmarks/index_faiss.py "$OUT" "$tag" "$data" "$n" "$q" 31 "$BUDGET" "$THREADS" "$FLAT_MAX_N"
  rm -f "$OUT/$tag.refs.bin" "$OUT/$tag.queries.bin" "$OUT/$tag.counts.bin"
done

/usr/bin/python3 benchmarks/index_report.py "$OUT/results.jsonl" docs/benchmarks.md \
  "CONFIGS=\"$CONFIGS\" BUDGET=$BUDGET benchmarks/index-bench.sh"
