# Shared by ./harrier and ./test.sh: install what is missing, or say exactly what to run.
# shellcheck shell=bash

harrier_root() { cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd; }

die_env() { echo "harrier: $*" >&2; exit 2; }

# need_commands "pkg:cmd pkg:cmd ..." — installs the Debian packages whose command is missing (as root), or exits 2
# with the one line a person has to run.
need_packages() {
  local missing=() spec pkg cmd
  for spec in "$@"; do
    pkg=${spec%%:*}; cmd=${spec#*:}
    if ! command -v "$cmd" >/dev/null 2>&1 && [ ! -x "$cmd" ]; then missing+=("$pkg"); fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    die_env "missing packages; run: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
  fi
  command -v apt-get >/dev/null 2>&1 || die_env "missing packages (${missing[*]}) and no apt-get on this machine"
  echo "harrier: installing ${missing[*]} (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
    || apt-get install -y -qq "${missing[@]}" >/dev/null \
    || die_env "apt-get install ${missing[*]} failed"
}

need_dotnet() {
  command -v dotnet >/dev/null 2>&1 || die_env "the .NET 10 SDK is required (dotnet not on PATH); see https://learn.microsoft.com/dotnet/core/install/linux-debian"
}

# The PostgreSQL server binaries (Debian keeps them off PATH).
pg_bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && { echo "$d"; return 0; }; done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}
