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

# The CC0 IP-to-country database (ip-location-db, from the npm registry), pinned, fetched once into .cache/geoip.
# Sets HARRIER_GEOIP to the IPv4 .mmdb. Returns 1 (with a message) when it cannot be fetched.
GEOIP_PACKAGE="@ip-location-db/geo-whois-asn-country-mmdb@2.3.2026061719"
fetch_geoip() {
  local root dir tmp
  root=$(harrier_root)
  dir="$root/.cache/geoip"
  if [ ! -s "$dir/geo-whois-asn-country-ipv4.mmdb" ]; then
    command -v npm >/dev/null 2>&1 || need_packages npm:npm
    tmp=$(mktemp -d)
    if ! (cd "$tmp" && npm pack --silent "$GEOIP_PACKAGE" >/dev/null 2>&1 && tar xzf ./*.tgz); then
      rm -rf "$tmp"; echo "harrier: could not fetch $GEOIP_PACKAGE from the npm registry" >&2; return 1
    fi
    mkdir -p "$dir"
    cp "$tmp/package/geo-whois-asn-country-ipv4.mmdb" "$tmp/package/README.md" "$dir/"
    [ -f "$tmp/package/NRO_LICENSE" ] && cp "$tmp/package/NRO_LICENSE" "$dir/"
    rm -rf "$tmp"
  fi
  export HARRIER_GEOIP="$dir/geo-whois-asn-country-ipv4.mmdb"
}

# The workbench's browser libraries, vendored from the npm registry (never a CDN at run time), pinned by version and by
# the registry's SHA-512 integrity, fetched once into .cache/web. Sets HARRIER_WEB_VENDOR. Returns 1 (with a message)
# when they cannot be fetched; the workbench then serves everything but the flow graph.
WEB_VENDOR_PACKAGE="cytoscape@3.34.4"
WEB_VENDOR_INTEGRITY="sha512-msY99tMY8iWTg+sIPGfSqDcPNOt4xcj+v/K/7qUFaCUxxlqnMkUYLBjRUzn9W5CU/R2hrmtJa5+UtovrEM2ctg=="
fetch_web_vendor() {
  local root dir tmp tgz got
  root=$(harrier_root)
  dir="$root/.cache/web"
  if [ ! -s "$dir/cytoscape.min.js" ]; then
    command -v npm >/dev/null 2>&1 || need_packages npm:npm
    tmp=$(mktemp -d)
    if ! (cd "$tmp" && npm pack --silent "$WEB_VENDOR_PACKAGE" >/dev/null 2>&1); then
      rm -rf "$tmp"; echo "harrier: could not fetch $WEB_VENDOR_PACKAGE from the npm registry" >&2; return 1
    fi
    tgz=$(ls "$tmp"/*.tgz)
    got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
    if [ "$got" != "$WEB_VENDOR_INTEGRITY" ]; then
      rm -rf "$tmp"; echo "harrier: $WEB_VENDOR_PACKAGE from the registry does not match its pinned integrity ($got)" >&2; return 1
    fi
    (cd "$tmp" && tar xzf "$tgz")
    mkdir -p "$dir"
    cp "$tmp/package/dist/cytoscape.min.js" "$dir/"
    cp "$tmp/package/LICENSE" "$dir/cytoscape.LICENSE" 2>/dev/null || true
    rm -rf "$tmp"
  fi
  export HARRIER_WEB_VENDOR="$dir"
}
