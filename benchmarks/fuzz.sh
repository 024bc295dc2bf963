#!/usr/bin/env bash
# Fuzzes Harrier's parsers with AFL++ through SharpFuzz (docs/testing.md#fuzzing). Usage:
#   benchmarks/fuzz.sh [TARGET|all] [SECONDS]     (default: all targets, 60 s each, one after the other)
# Installs afl++ (apt, as root) and the SharpFuzz.CommandLine tool (into .cache/fuzz/tool) when missing, publishes
# fuzz/Harrier.Fuzz, instruments Harrier's assemblies and the parsers they lean on (CsvHelper, YamlDotNet, NBitcoin), and
# runs afl-fuzz on each target from its seeds in fuzz/corpus/TARGET, niced. Each target prints one line: execs, paths,
# crashes, hangs. Crashes and hangs are copied to .cache/fuzz/crashes/TARGET; a fixed one is kept as a regression test by
# adding it under fuzz/regressions/TARGET (tests/Harrier.Fuzz.Tests replays them). Replay one by hand with
#   dotnet run --project fuzz/Harrier.Fuzz -c Release -- TARGET FILE   (not the instrumented build: it runs only under afl-fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
what=${1:-all}
seconds=${2:-60}
sharpfuzz_version=2.3.0
work=$PWD/.cache/fuzz

need_dotnet
need_packages afl++:afl-fuzz
if [ ! -x "$work/tool/sharpfuzz" ]; then
  dotnet tool install SharpFuzz.CommandLine --version "$sharpfuzz_version" --tool-path "$work/tool" >/dev/null
fi

# FUZZ_REUSE_BUILD=1 keeps the last instrumented build (publishing and instrumenting take minutes on 2 cores).
if [ "${FUZZ_REUSE_BUILD:-}" != 1 ] || [ ! -f "$work/bin/.instrumented" ]; then
  rm -rf "$work/bin"
  dotnet publish fuzz/Harrier.Fuzz -c Release -o "$work/bin" -nologo -clp:ErrorsOnly >/dev/null
  for dll in Harrier.Media Harrier.Matching Harrier.Chain Harrier.Cases Harrier.Operations CsvHelper YamlDotNet NBitcoin; do
    "$work/tool/sharpfuzz" "$work/bin/$dll.dll" >/dev/null
  done
  touch "$work/bin/.instrumented"
fi

if [ "$what" = all ]; then
  mapfile -t targets < <(dotnet "$work/bin/Harrier.Fuzz.dll" --list | awk '{print $1}')
else
  targets=("$what")
fi

# AFL++ in a container, as root: no CPU governor to check; the core pattern is the host's. dotnet is not an
# AFL-instrumented binary (SharpFuzz's forkserver speaks AFL's protocol). A heap limit turns "one small file asks for
# gigabytes" into an OutOfMemoryException, i.e. a crash, instead of a slow pass.
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CRASHES=1
export DOTNET_GCHeapHardLimit=0x20000000 DOTNET_TieredPGO=0
scratch=$(mktemp -d "${TMPDIR:-/tmp}/harrier-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
status=0
for target in "${targets[@]}"; do
  [ -d "fuzz/corpus/$target" ] || die_env "no seeds for $target in fuzz/corpus/$target"
  out="$work/out/$target"
  rm -rf "$out" && mkdir -p "$work/out"
  TMPDIR=$scratch nice -n 10 afl-fuzz -i "fuzz/corpus/$target" -o "$out" -t 10000 -m none -V "$seconds" \
    -- dotnet "$work/bin/Harrier.Fuzz.dll" "$target" > "$work/$target.log" 2>&1 || {
      echo "$target: afl-fuzz failed (log: $work/$target.log)" >&2; tail -5 "$work/$target.log" >&2; status=1; continue; }
  stats="$out/default/fuzzer_stats"
  stat() { sed -n "s/^$1 *: //p" "$stats"; }
  crashes=$(stat saved_crashes); hangs=$(stat saved_hangs)
  if [ "${crashes:-0}" -gt 0 ] || [ "${hangs:-0}" -gt 0 ]; then
    mkdir -p "$work/crashes/$target"
    find "$out/default/crashes" "$out/default/hangs" -type f -name 'id:*' -exec cp {} "$work/crashes/$target/" \;
    status=1
  fi
  printf '%-9s %ss: %s execs (%s/s), %s paths, %s crashes, %s hangs%s\n' "$target" "$(stat run_time)" "$(stat execs_done)" \
    "$(stat execs_per_sec)" "$(stat corpus_count)" "${crashes:-0}" "${hangs:-0}" \
    "$([ "${crashes:-0}${hangs:-0}" = 00 ] || echo " -> $work/crashes/$target")"
done
exit $status
