#!/usr/bin/env bash
# Builds FAISS from the Debian source package of the version Debian ships (so the comparison is
# the same FAISS code as python3-faiss), with AVX2 and hardware popcount, plus the small C++ driver
# benchmarks/faiss/faiss_bench.cpp linked against it. Prints the driver's path on stdout.
#
#   benchmarks/faiss/build.sh            # first call: fetch + build (several minutes on 2 cores)
#                                        # later calls: instant (cached)
#
# Also writes <cache>/build-info.json (version, compiler flags, build seconds, popcnt/AVX2 instruction
# counts in the driver binary), which index-bench.sh copies beside its results.
# Cache: ${HARRIER_FAISS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/harrier/faiss-<version>} (outside the repo).
# The system's apt configuration is not changed: deb-src lines are enabled only for this script's
# own `apt-get update` / `apt-get source`, through a temporary source list and a temporary lists dir.
# Exits non-zero with the reason when the source or a build dependency cannot be had.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
JOBS=${JOBS:-2}
log() { echo "faiss/build.sh: $*" >&2; }
fail() { log "FAILED: $*"; exit 1; }

# The FAISS version Debian ships: the candidate of libfaiss-dev (e.g. 1.7.3-2+b1, a binNMU) and its
# source package version (e.g. 1.7.3-2, the one `apt-get source` can fetch).
BIN_VERSION=$(apt-cache policy libfaiss-dev 2>/dev/null | awk '/Candidate:/ {print $2}')
[ -n "$BIN_VERSION" ] && [ "$BIN_VERSION" != "(none)" ] || fail "apt-cache policy libfaiss-dev shows no candidate version"
SRC_VERSION=$(apt-cache show "libfaiss-dev=$BIN_VERSION" 2>/dev/null | sed -n 's/^Source: faiss (\(.*\))$/\1/p' | head -1)
SRC_VERSION=${SRC_VERSION:-${BIN_VERSION%+b*}}
UPSTREAM=${SRC_VERSION%-*}
CACHE=${HARRIER_FAISS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/harrier/faiss-$SRC_VERSION}
DRIVER="$CACHE/faiss_bench"
LIB="$CACHE/build/faiss/libfaiss_avx2.a"
CXXFLAGS_DRIVER="-O3 -mavx2 -mpopcnt -fopenmp -std=c++17"
mkdir -p "$CACHE"

if [ -x "$DRIVER" ] && [ "$DRIVER" -nt "$HERE/faiss_bench.cpp" ] && [ "$DRIVER" -nt "$HERE/build.sh" ]; then
  log "cached: $DRIVER (FAISS $SRC_VERSION, AVX2)"
  echo "$DRIVER"; exit 0
fi

# Build dependencies (FAISS's CMake needs a C++ compiler, OpenMP (libgomp, with g++), BLAS and LAPACK).
need=()
for p in cmake g++ make libblas-dev liblapack-dev dpkg-dev binutils; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  log "installing build dependencies: ${need[*]}"
  [ "$(id -u)" = 0 ] || fail "missing ${need[*]} and not root (sudo apt-get install -y ${need[*]})"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}" >&2 \
    || fail "apt-get install ${need[*]} failed"
fi

SRC_DIR="$CACHE/faiss-$UPSTREAM"
if [ ! -f "$SRC_DIR/CMakeLists.txt" ]; then
  # deb-src for this call only: copy the system's deb822 source entries with Types: deb-src into a
  # temporary parts dir; point apt at it and at a temporary lists dir.
  APT_TMP=$(mktemp -d); trap 'rm -rf "$APT_TMP"' EXIT
  mkdir -p "$APT_TMP/parts" "$APT_TMP/lists/partial" "$APT_TMP/cache/archives/partial"; : > "$APT_TMP/sources.list"
  found=0
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    sed -E 's/^Types:.*/Types: deb-src/' "$f" > "$APT_TMP/parts/$(basename "$f")"; found=1
  done
  if [ -f /etc/apt/sources.list ]; then
    sed -nE 's/^deb[[:space:]]/deb-src /p' /etc/apt/sources.list > "$APT_TMP/sources.list"
    [ -s "$APT_TMP/sources.list" ] && found=1
  fi
  [ "$found" = 1 ] || fail "no Debian source entries found in /etc/apt/sources.list{,.d/*.sources}"
  APT_OPTS=(-o "Dir::Etc::SourceList=$APT_TMP/sources.list" -o "Dir::Etc::SourceParts=$APT_TMP/parts"
            -o "Dir::State::Lists=$APT_TMP/lists" -o "Dir::Cache=$APT_TMP/cache" -o "APT::Sandbox::User=root")
  log "fetching the Debian source package faiss=$SRC_VERSION (deb-src enabled for this call only)"
  apt-get "${APT_OPTS[@]}" update >&2 || fail "apt-get update with deb-src lines failed (mirror blocked?)"
  (cd "$CACHE" && apt-get "${APT_OPTS[@]}" source "faiss=$SRC_VERSION" >&2) \
    || fail "apt-get source faiss=$SRC_VERSION failed: the source package cannot be had here; compare with the Debian build only and state its handicap"
  [ -f "$SRC_DIR/CMakeLists.txt" ] || fail "apt-get source did not unpack $SRC_DIR"
fi

LIB_SECONDS=$(sed -n 's/.*"libBuildSeconds": \([0-9]*\).*/\1/p' "$CACHE/build-info.json" 2>/dev/null || true)
if [ ! -f "$LIB" ]; then
  log "configuring FAISS $SRC_VERSION (FAISS_OPT_LEVEL=avx2, CPU only, Release)"
  t0=$(date +%s)
  cmake -S "$SRC_DIR" -B "$CACHE/build" -DFAISS_OPT_LEVEL=avx2 -DFAISS_ENABLE_GPU=OFF \
    -DFAISS_ENABLE_PYTHON=OFF -DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF >&2 \
    || fail "cmake configure failed"
  log "building target faiss_avx2 with -j$JOBS (nice 10)"
  nice -n 10 cmake --build "$CACHE/build" --target faiss_avx2 -j"$JOBS" >&2 || fail "FAISS build failed"
  LIB_SECONDS=$(( $(date +%s) - t0 ))
  log "FAISS library built in $LIB_SECONDS s: $LIB"
fi

log "compiling the driver: g++ $CXXFLAGS_DRIVER"
t0=$(date +%s)
g++ $CXXFLAGS_DRIVER -I"$SRC_DIR" -o "$DRIVER.tmp" "$HERE/faiss_bench.cpp" "$LIB" -llapack -lblas \
  || fail "driver compile failed"
DRIVER_SECONDS=$(( $(date +%s) - t0 ))
log "driver compiled in $DRIVER_SECONDS s"

# Hardware popcount in the hot code: the binary Hamming distances are inlined from FAISS's headers
# into the functions the benchmark runs: IndexBinaryFlat's range search over 32-byte codes
# (hamming_range_search_template<HammingComputer32>) and IndexBinaryMultiHash::range_search.
DIS=$(objdump -d --no-show-raw-insn -C "$DRIVER.tmp")
npop=$(grep -cE '\spopcnt\s' <<<"$DIS" || true)
nymm=$(grep -cE '%ymm' <<<"$DIS" || true)
ncall=$(grep -cE 'call.*__popcount' <<<"$DIS" || true)
hot() { awk -v pat="$1" '/^[0-9a-f]+ <.*>:$/ {f = index($0, pat) > 0} f && /[ \t]popcnt[ \t]/ {c++} END {print c + 0}' <<<"$DIS"; }
hot_flat=$(hot 'hamming_range_search_template<faiss::HammingComputer32>')
hot_mih=$(hot 'faiss::IndexBinaryMultiHash::range_search(')
log "objdump faiss_bench: $npop popcnt instructions ($hot_flat in the flat range search over 32-byte codes, $hot_mih in IndexBinaryMultiHash::range_search), $nymm AVX (ymm) instructions, $ncall calls to libgcc __popcount*"
[ "$hot_flat" -gt 0 ] && [ "$hot_mih" -gt 0 ] || { rm -f "$DRIVER.tmp"; fail "no popcnt instruction in the hot search code of faiss_bench"; }
mv "$DRIVER.tmp" "$DRIVER"
LIB_FLAGS=$(sed -n 's/^CXX_FLAGS = //p' "$CACHE/build/faiss/CMakeFiles/faiss_avx2.dir/flags.make")
cat > "$CACHE/build-info.json" <<JSON
{"version": "$SRC_VERSION", "debianBinaryVersion": "$BIN_VERSION", "source": "apt-get source faiss=$SRC_VERSION", "cmake": "-DFAISS_OPT_LEVEL=avx2 -DFAISS_ENABLE_GPU=OFF -DFAISS_ENABLE_PYTHON=OFF -DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF, target faiss_avx2", "libFlags": "$LIB_FLAGS", "driverFlags": "$CXXFLAGS_DRIVER", "libBuildSeconds": ${LIB_SECONDS:-null}, "driverBuildSeconds": $DRIVER_SECONDS, "popcnt": $npop, "popcntFlatRangeSearch": $hot_flat, "popcntMultiHashRangeSearch": $hot_mih, "ymm": $nymm, "popcountCalls": $ncall}
JSON
echo "$DRIVER"
