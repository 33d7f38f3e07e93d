#!/bin/bash
# Builds a fixture Debian package for the sandbox tests and prints the path of the .deb.
#
#   build-package.sh [--name NAME] [--seconds N] [--depends DEPS] OUTDIR VERSION [KIND]
#
# Without --name: package `warehouse` (a stand-in for the real dh-virtualenv release):
#   /opt/warehouse/VERSION, /opt/warehouse/bin/warehouse-web (a /usr/bin/python3 HTTP server),
#   /opt/warehouse/etc/ (empty: config.yml is the agent's), /lib/systemd/system/warehouse-web.service,
#   and a postinst that runs daemon-reload + enable (never start) when systemd runs.
# KIND (warehouse only):
#   good           default
#   crash          warehouse-web exits 1 at once
#   unhealthy      starts; GET /_health/ answers 500
#   slow           starts, but opens its port only after N seconds (connection refused until then)
#   slow-postinst  postinst writes /run/warehouse-fixture/postinst.pid ("POSTINST_PID DPKG_PID"),
#                  then sleeps N seconds: for tests that kill dpkg mid-install
# --seconds N     N for slow and slow-postinst (default: $FIXTURE_SLOW_SECONDS, else 120)
# --name NAME     an unrelated package instead: only /usr/share/NAME/VERSION, no service, KIND good
# --depends DEPS  a Depends: field added to the control file (e.g. 'missing-package (>= 1)')
#
# warehouse-web (the fixture server) listens on 127.0.0.1, port from the top-level `port:` of
# /opt/warehouse/etc/config.yml, else $WAREHOUSE_WEB_PORT, else 8000. It reads config.yml once at start
# (exits 1 if it is present but not YAML) and answers:
#   GET /_health/  200 {"status": "ok", "version": V}   (500 and "unhealthy" for KIND unhealthy)
#   GET /          200 {"version", "kind", "pid", "port", "config_sha256", "config"}: config_sha256
#                  is the SHA-256 of config.yml's bytes as read at start ("absent" if missing) and
#                  config is what PyYAML's safe_load made of it, so tests see the types Python saw.
set -euo pipefail

name=warehouse depends="" seconds=${FIXTURE_SLOW_SECONDS:-120}
while [[ $# -gt 0 && "$1" == --* ]]; do
  case "$1" in
    --name) name=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --depends) depends=$2; shift 2 ;;
    *) echo "build-package.sh: unknown option $1" >&2; exit 64 ;;
  esac
done
[[ $# -ge 2 && $# -le 3 ]] || { echo "usage: build-package.sh [--name NAME] [--seconds N] [--depends DEPS] OUTDIR VERSION [KIND]" >&2; exit 64; }
outdir=$1 version=$2 kind=${3:-good}
[[ "$name" =~ ^[a-z0-9][a-z0-9+.-]+$ ]] || { echo "build-package.sh: bad package name: $name" >&2; exit 64; }
[[ "$version" =~ ^([0-9]+:)?[0-9][A-Za-z0-9.+~-]*$ ]] || { echo "build-package.sh: bad version: $version" >&2; exit 64; }
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "build-package.sh: bad --seconds: $seconds" >&2; exit 64; }
case "$kind" in good|crash|unhealthy|slow|slow-postinst) ;; *) echo "build-package.sh: bad KIND: $kind" >&2; exit 64 ;; esac
[[ "$name" == warehouse || "$kind" == good ]] || { echo "build-package.sh: KIND $kind is for warehouse only" >&2; exit 64; }

mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
# The file name drops the epoch, as Debian archives do (a colon is awkward in URLs and paths).
deb="$outdir/${name}_${version#*:}_all.deb"
tree=$(mktemp -d "$outdir/.build-XXXXXX")
chmod 755 "$tree"  # mktemp makes it 0700; it becomes the package's "./" entry
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/DEBIAN"

control() {
  printf 'Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: Warehouse Agent Tests <tests@example.invalid>\n' "$name" "$version"
  [[ -n "$1" ]] && printf 'Depends: %s\n' "$1"
  printf 'Section: misc\nPriority: optional\nDescription: %s test fixture %s (%s)\n' "$name" "$version" "$kind"
}

if [[ "$name" != warehouse ]]; then
  control "$depends" > "$tree/DEBIAN/control"
  mkdir -p "$tree/usr/share/$name"
  echo "$version" > "$tree/usr/share/$name/VERSION"
else
  control "python3, python3-yaml${depends:+, $depends}" > "$tree/DEBIAN/control"
  mkdir -p "$tree/opt/warehouse/bin" "$tree/opt/warehouse/etc" "$tree/lib/systemd/system"
  echo "$version" > "$tree/opt/warehouse/VERSION"

  cat > "$tree/lib/systemd/system/warehouse-web.service" <<UNIT
[Unit]
Description=Warehouse web (test fixture $version, $kind)
# Tests restart it often; no start rate limit.
StartLimitIntervalSec=0

[Service]
Type=exec
ExecStart=/opt/warehouse/bin/warehouse-web
Environment=PYTHONUNBUFFERED=1

[Install]
WantedBy=multi-user.target
UNIT

  {
    printf '#!/usr/bin/python3\n'
    printf 'VERSION = "%s"\nKIND = "%s"\nSLOW_SECONDS = %s\n' "$version" "$kind" "$seconds"
    cat <<'PY'
"""warehouse-web test fixture: tells which version runs and which config.yml it read at start."""
import hashlib
import http.server
import json
import os
import sys
import time

import yaml

CONFIG = "/opt/warehouse/etc/config.yml"


def read_config():
    try:
        with open(CONFIG, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        return "absent", None
    try:
        parsed = yaml.safe_load(raw)
    except yaml.YAMLError as e:
        # Warehouse would not start on a config it cannot parse either.
        print(f"warehouse-web {VERSION}: cannot parse {CONFIG}: {e}", file=sys.stderr)
        sys.exit(1)
    return hashlib.sha256(raw).hexdigest(), parsed


def main():
    if KIND == "crash":
        print(f"warehouse-web {VERSION}: simulated crash", file=sys.stderr)
        sys.exit(1)
    sha, config = read_config()
    if isinstance(config, dict) and isinstance(config.get("port"), int):
        port = config["port"]
    else:
        port = int(os.environ.get("WAREHOUSE_WEB_PORT") or 8000)
    if KIND == "slow":
        print(f"warehouse-web {VERSION}: warming up for {SLOW_SECONDS}s", file=sys.stderr)
        time.sleep(SLOW_SECONDS)
    info = {"version": VERSION, "kind": KIND, "pid": os.getpid(), "port": port,
            "config_sha256": sha, "config": config}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/_health/":
                healthy = KIND != "unhealthy"
                status = 200 if healthy else 500
                body = {"status": "ok" if healthy else "unhealthy", "version": VERSION}
            elif self.path == "/":
                status, body = 200, info
            else:
                status, body = 404, {"error": "not found"}
            data = (json.dumps(body, default=str, sort_keys=True) + "\n").encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(f"warehouse-web {VERSION} ({KIND}) listening on 127.0.0.1:{port}, config {sha}", file=sys.stderr)
    server.serve_forever()


main()
PY
  } > "$tree/opt/warehouse/bin/warehouse-web"
  chmod 755 "$tree/opt/warehouse/bin/warehouse-web"

  {
    printf '#!/bin/sh\nset -e\n'
    if [[ "$kind" == slow-postinst ]]; then
      printf 'if [ "$1" = configure ]; then\n  mkdir -p /run/warehouse-fixture\n'
      printf '  echo "$$ $PPID" > /run/warehouse-fixture/postinst.pid\n  sleep %s\nfi\n' "$seconds"
    fi
    cat <<'SH'
if [ "$1" = configure ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable warehouse-web
fi
SH
  } > "$tree/DEBIAN/postinst"
  cat > "$tree/DEBIAN/prerm" <<'SH'
#!/bin/sh
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
  systemctl disable --now warehouse-web || true
fi
SH
  cat > "$tree/DEBIAN/postrm" <<'SH'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload || true
fi
SH
  chmod 755 "$tree/DEBIAN/postinst" "$tree/DEBIAN/prerm" "$tree/DEBIAN/postrm"
fi

# gzip -1: these are a few kB; xz (the default) would take most of the build time.
dpkg-deb --root-owner-group -Zgzip -z1 --build "$tree" "$deb" >/dev/null
echo "$deb"
