#!/bin/sh
# Prints the directory holding the .debs of the benchmark's peers (Debian's puppet and
# ansible-core with what this machine lacks of their dependencies), downloading them first when
# needed. Nothing is installed on the host: `apt-get install --download-only` resolves against the
# host's dpkg state, which is exactly what a sandbox (an overlay of the host root) starts from, and
# the benchmark installs the files inside the sandbox (src/test/.../sandbox/PeerBenchmark.java).
# Idempotent: a cache holding puppet and ansible-core is reused without touching apt.
#   PEERS_CACHE   where to keep them (default /var/cache/warehouse-agent-tests/peers)
set -eu

cache=${PEERS_CACHE:-/var/cache/warehouse-agent-tests/peers}
archives=$cache/archives
if ls "$archives"/puppet_*.deb "$archives"/ansible-core_*.deb >/dev/null 2>&1; then
  echo "$archives"
  exit 0
fi
mkdir -p "$archives/partial"
download() {
  DEBIAN_FRONTEND=noninteractive apt-get install --download-only -y -qq --no-install-recommends \
    -o Dir::Cache::archives="$archives" puppet ansible-core
}
if ! download >"$cache/download.log" 2>&1; then
  # The package lists may be missing or stale on a fresh machine.
  apt-get update -qq >>"$cache/download.log" 2>&1 || true
  download >>"$cache/download.log" 2>&1 || { cat "$cache/download.log" >&2; exit 1; }
fi
echo "$archives"
