# Sourced by the benchmark scripts: sets $h to the harrier to measure: $HARRIER_BIN (a Release build already made from
# this tree), else a Release build of src/Harrier.Cli made now into "$work/bin" (outside any timing). Needs $here and $work.
if [ -n "${HARRIER_BIN:-}" ]; then h=$HARRIER_BIN
else
  dotnet build "$here/src/Harrier.Cli" -c Release -o "$work/bin" -v quiet -nologo > "$work/build.log"
  h="$work/bin/harrier"
fi
