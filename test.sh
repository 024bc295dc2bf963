#!/usr/bin/env bash
# Every test of Harrier, against real components: a throw-away PostgreSQL cluster on loopback, real ffmpeg,
# real files. Installs what is missing (as root), starts what the tests need and stops it at exit.
#   ./test.sh                 all tests
#   ./test.sh --filter EXPR   passed to dotnet test (e.g. --filter FullyQualifiedName~Audit)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
cd "$here"

need_dotnet
need_packages postgresql:/usr/lib/postgresql/15/bin/initdb ffmpeg:ffmpeg ffmpeg:ffprobe util-linux:setpriv chromium:chromium
bindir=$(pg_bindir) || die_env "PostgreSQL server binaries not found after install"
fetch_geoip || die_env "the tests need the IP-to-country database (see above)"
fetch_web_vendor || die_env "the workbench tests need the vendored graph library (see above)"

work=$(mktemp -d /tmp/harrier-test.XXXXXX)
chmod 755 "$work"
pgdata="$work/pg"
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  # PostgreSQL refuses to run as root: the cluster belongs to the postgres system user.
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  mkdir -p "$pgdata" && chown postgres "$pgdata"
  as_pg=(runuser -u postgres --)
fi
# The server's tools run from the work folder: the postgres user may not enter the checkout (a private clone folder).
cd "$work"

cleanup() {
  "${as_pg[@]}" "$bindir/pg_ctl" -D "$pgdata" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

"${as_pg[@]}" "$bindir/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
# A free port: one nobody listens on may still be bound by a client socket, so a start that cannot bind tries another.
started=
for _ in 1 2 3 4 5; do
  port=$(( 20000 + RANDOM % 20000 ))
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$(( port + 1 )); done
  if "${as_pg[@]}" "$bindir/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w -t 60 \
       -o "-c listen_addresses=127.0.0.1 -p $port -k $pgdata -c fsync=off -c max_connections=200" start >/dev/null; then
    started=1; break
  fi
  grep -q "could not bind\|Address already in use" "$pgdata/server.log" || break
done
[ -n "$started" ] || { cat "$pgdata/server.log" >&2; die_env "PostgreSQL did not start"; }
export HARRIER_TEST_PG="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Pooling=false"
echo "test.sh: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"

cd "$here"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
restore_args=()
[ "${CI:-}" = "true" ] && restore_args=(--locked-mode)
dotnet restore Harrier.slnx "${restore_args[@]}" >/dev/null
dotnet build Harrier.slnx -c Release --no-restore -warnaserror -nologo -clp:ErrorsOnly

results="$work/results"
status=0
dotnet test Harrier.slnx -c Release --no-build --logger "trx" --results-directory "$results" "$@" || status=$?

# The engines' scalar fallbacks: the same engine suites again with hardware intrinsics off.
for engine in Media Matching; do
  proj="tests/Harrier.$engine.Tests/Harrier.$engine.Tests.csproj"
  [ -f "$proj" ] || continue
  DOTNET_EnableHWIntrinsic=0 dotnet test "$proj" -c Release --no-build --logger "trx;LogFilePrefix=scalar-$engine" \
    --results-directory "$results" "$@" || status=$?
done

# The intrinsics-off rerun reported on its own line; the closing line counts each distinct case once (from the main
# run) and adds every failure of either run, so a scalar-only failure still fails the count.
python3 - "$results" <<'PY' || true
import sys, glob, os, xml.etree.ElementTree as ET
runs = {"main": [0, 0, 0], "scalar": [0, 0, 0]}
for path in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(path).getroot().find(".//{*}Counters")
    if c is None: continue
    r = runs["scalar" if os.path.basename(path).startswith("scalar-") else "main"]
    r[0] += int(c.get("passed", 0)); r[1] += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0))
    r[2] += int(c.get("total", 0)) - int(c.get("executed", 0))  # skipped cases are counted in total, not executed
m, s = runs["main"], runs["scalar"]
print(f"intrinsics-off rerun of the Media and Matching suites (DOTNET_EnableHWIntrinsic=0): {s[0]} passed, {s[1]} failed, {s[2]} skipped")
print(f"{m[0]} passed, {m[1] + s[1]} failed, {m[2]} skipped")
PY
exit $status
