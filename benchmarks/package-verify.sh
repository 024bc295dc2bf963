#!/usr/bin/env bash
# `harrier package verify` on a package of N files (issue 16: 10,000 files under 5 s), against the floor of hashing the
# same files with coreutils' sha256sum in the same run. The package is a real one grown to N files: N-k files of SIZE
# bytes are added under extra/, the manifest is rewritten with their SHA-256 by Python, and re-signed with the case key
# by OpenSSL (`pkeyutl -rawin`), not by Harrier, so a pass also shows the signature is plain Ed25519 over the manifest's
# bytes. Verification must exit 0; the script then changes one byte of one added file and expects exit 1 naming it.
#   benchmarks/package-verify.sh PACKAGE_DIR KEY_FILE [N=10000] [SIZE=16384]
#   PACKAGE_DIR: one country folder made by `harrier package build`; KEY_FILE: the case's key file from the key store
#   ($HARRIER_KEYS/CASE.key: a header line, then the PKCS#8 PEM). HARRIER_BIN=PATH/harrier to use a Release build.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
src=$(cd "${1:?usage: benchmarks/package-verify.sh PACKAGE_DIR KEY_FILE [N] [SIZE]}" && pwd)
key=${2:?KEY_FILE}
n=${3:-10000}
size=${4:-16384}
work=$(mktemp -d /tmp/harrier-package-verify.XXXXXX)
trap 'rm -rf "$work"' EXIT
. "$here/benchmarks/harrier-bin.sh"

pkg="$work/package"
cp -r "$src" "$pkg"
have=$(find "$pkg" -type f ! -name manifest.json ! -name manifest.sig | wc -l)
mkdir -p "$pkg/extra"
python3 - "$pkg" "$((n - have))" "$size" <<'PY'
import hashlib, json, os, sys
pkg, add, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(add):
    with open(os.path.join(pkg, "extra", "f%06d.bin" % i), "wb") as f:
        f.write(os.urandom(size))
m = json.load(open(os.path.join(pkg, "manifest.json")))
files = []
for root, _, names in os.walk(pkg):
    for name in names:
        path = os.path.relpath(os.path.join(root, name), pkg)
        if path in ("manifest.json", "manifest.sig"):
            continue
        data = open(os.path.join(pkg, path), "rb").read()
        files.append({"path": path, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)})
m["files"] = sorted(files, key=lambda f: f["path"])
open(os.path.join(pkg, "manifest.json"), "w").write(json.dumps(m, indent=2))
PY
tail -n +2 "$key" > "$work/key.pem"
openssl pkeyutl -sign -inkey "$work/key.pem" -rawin -in "$pkg/manifest.json" -out "$work/sig.bin"
base64 -w0 "$work/sig.bin" > "$pkg/manifest.sig"
fingerprint=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["keyFingerprint"])' "$pkg/manifest.json")
files=$(find "$pkg" -type f | wc -l)
bytes=$(du -sb "$pkg" | cut -f1)
cold() { sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true; }   # each step from a cold page cache where allowed (root)

. "$here/benchmarks/timed.sh"
echo "package of $files files, $((bytes / 1024 / 1024)) MiB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| step | wall | CPU (user+sys, s) | peak RSS | load average before → after |"
echo "|---|---|---|---|---|"
cold; timed "sha256sum (floor)" bash -c "find '$pkg' -type f -print0 | xargs -0 sha256sum > /dev/null"
cold; timed "package verify" "$h" --progress none package verify "$pkg" --fingerprint "$fingerprint"
printf '\x01' | dd of="$pkg/extra/f000042.bin" bs=1 seek=100 conv=notrunc status=none
if "$h" --progress none package verify "$pkg" --fingerprint "$fingerprint" > "$work/changed.out"; then
  echo "FAIL: a changed file was not caught" >&2; exit 1
fi
grep -q "extra/f000042.bin changed" "$work/changed.out" && echo "changed file caught: $(head -1 "$work/changed.out" | sed "s|$work|<work>|")"
