#!/bin/bash
# Builds a fixture Debian package for the sandbox tests and prints the path of the .deb.
#
#   build-package.sh [--name NAME] [--source SRC] [--seconds N] [--depends DEPS] OUTDIR VERSION [KIND]
#
# Without --name: package `warehouse` (a stand-in for the real dh-virtualenv release):
#   /opt/warehouse/VERSION, /opt/warehouse/bin/warehouse-web (a /usr/bin/python3 HTTP server),
#   /opt/warehouse/etc/ (empty: config.yml is the agent's), /lib/systemd/system/warehouse-web.service,
#   and a postinst that runs daemon-reload + enable (never start) when systemd runs.
# KIND (warehouse; the siblings have their own, under --name):
#   good           default
#   crash          warehouse-web exits 1 at once
#   unhealthy      starts; GET /_health/ answers 500
#   slow           starts, but opens its port only after N seconds (connection refused until then)
#   slow-postinst  postinst writes /run/warehouse-fixture/postinst.pid ("POSTINST_PID DPKG_PID"),
#                  then sleeps N seconds: for tests that kill dpkg mid-install
# --seconds N     N for slow and slow-postinst (default: $FIXTURE_SLOW_SECONDS, else 120)
# --name NAME     another package instead of warehouse:
#                   warehouse-common  a sibling from the same source: /opt/warehouse/lib/COMMON_VERSION
#                                     (warehouse-web refuses to start when it names another version);
#                                     KIND good or postinst-fails (its postinst exits 1 on configure)
#                   warehouse-worker  a sibling with a service of its own, warehouse-worker.service
#                                     (/opt/warehouse/bin/warehouse-worker); KIND good or crash
#                   anything else     unrelated: only /usr/share/NAME/VERSION, no service, KIND good
# --source SRC    a Source: field (the source package the binary is built from), as
#                 `SRC` or `SRC (VERSION)` when the binary's version differs from the source's
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

name=warehouse depends="" source="" seconds=${FIXTURE_SLOW_SECONDS:-120}
while [[ $# -gt 0 && "$1" == --* ]]; do
  case "$1" in
    --name) name=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --depends) depends=$2; shift 2 ;;
    --source) source=$2; shift 2 ;;
    *) echo "build-package.sh: unknown option $1" >&2; exit 64 ;;
  esac
done
[[ $# -ge 2 && $# -le 3 ]] || { echo "usage: build-package.sh [--name NAME] [--source SRC] [--seconds N] [--depends DEPS] OUTDIR VERSION [KIND]" >&2; exit 64; }
outdir=$1 version=$2 kind=${3:-good}
[[ "$name" =~ ^[a-z0-9][a-z0-9+.-]+$ ]] || { echo "build-package.sh: bad package name: $name" >&2; exit 64; }
[[ "$version" =~ ^([0-9]+:)?[0-9][A-Za-z0-9.+~-]*$ ]] || { echo "build-package.sh: bad version: $version" >&2; exit 64; }
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "build-package.sh: bad --seconds: $seconds" >&2; exit 64; }
[[ -z "$source" || "$source" =~ ^[a-z0-9][a-z0-9+.-]+(\ \([0-9][A-Za-z0-9.+~:-]*\))?$ ]] || { echo "build-package.sh: bad --source: $source" >&2; exit 64; }
case "$name:$kind" in
  warehouse:good|warehouse:crash|warehouse:unhealthy|warehouse:slow|warehouse:slow-postinst) ;;
  warehouse-common:good|warehouse-common:postinst-fails) ;;
  warehouse-worker:good|warehouse-worker:crash) ;;
  *:good) ;;
  *) echo "build-package.sh: KIND $kind is not one of $name's" >&2; exit 64 ;;
esac

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
  [[ -n "$source" ]] && printf 'Source: %s\n' "$source"
  [[ -n "$1" ]] && printf 'Depends: %s\n' "$1"
  printf 'Section: misc\nPriority: optional\nDescription: %s test fixture %s (%s)\n' "$name" "$version" "$kind"
}

if [[ "$name" == warehouse-common ]]; then
  control "$depends" > "$tree/DEBIAN/control"
  mkdir -p "$tree/opt/warehouse/lib"
  echo "$version" > "$tree/opt/warehouse/lib/COMMON_VERSION"
  if [[ "$kind" == postinst-fails ]]; then
    printf '#!/bin/sh\nset -e\nif [ "$1" = configure ]; then\n  echo "warehouse-common %s: simulated postinst failure" >&2\n  exit 1\nfi\n' "$version" > "$tree/DEBIAN/postinst"
    chmod 755 "$tree/DEBIAN/postinst"
  fi
elif [[ "$name" == warehouse-worker ]]; then
  control "python3${depends:+, $depends}" > "$tree/DEBIAN/control"
  mkdir -p "$tree/opt/warehouse/bin" "$tree/lib/systemd/system"
  cat > "$tree/lib/systemd/system/warehouse-worker.service" <<UNIT
[Unit]
Description=Warehouse worker (test fixture $version, $kind)
StartLimitIntervalSec=0

[Service]
Type=exec
ExecStart=/opt/warehouse/bin/warehouse-worker

[Install]
WantedBy=multi-user.target
UNIT
  cat > "$tree/opt/warehouse/bin/warehouse-worker" <<PY
#!/usr/bin/python3
import sys, time
if "$kind" == "crash":
    print("warehouse-worker $version: simulated crash", file=sys.stderr)
    sys.exit(1)
print("warehouse-worker $version running", file=sys.stderr)
while True:
    time.sleep(3600)
PY
  chmod 755 "$tree/opt/warehouse/bin/warehouse-worker"
  printf '#!/bin/sh\nset -e\nif [ "$1" = configure ] && [ -d /run/systemd/system ]; then\n  systemctl daemon-reload\n  systemctl enable warehouse-worker\nfi\n' > "$tree/DEBIAN/postinst"
  printf '#!/bin/sh\nset -e\nif [ "$1" = remove ] && [ -d /run/systemd/system ]; then\n  systemctl disable --now warehouse-worker || true\nfi\n' > "$tree/DEBIAN/prerm"
  chmod 755 "$tree/DEBIAN/postinst" "$tree/DEBIAN/prerm"
elif [[ "$name" != warehouse ]]; then
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
    try:
        with open("/opt/warehouse/lib/COMMON_VERSION") as f:
            common = f.read().strip()
    except FileNotFoundError:
        common = None
    if common is not None and common != VERSION:
        # A split release runs only on a coherent set: the web code and its common library agree.
        print(f"warehouse-web {VERSION}: warehouse-common is {common}: incoherent set", file=sys.stderr)
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
            "config_sha256": sha, "config": config, "common_version": common}

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
