#!/bin/sh
# Prints the path of a working promtool, fetching it first when needed. Debian's `prometheus`
# package carries promtool; installing it would pull ~300 MB of recommends and start a server, so
# the .deb is only downloaded (apt-get download) and unpacked (dpkg-deb -x) into a cache.
# Idempotent: a cached promtool that runs is reused without touching apt.
#   PROMTOOL_CACHE   where to unpack (default /var/cache/warehouse-agent-tests/prometheus)
set -eu

cache=${PROMTOOL_CACHE:-/var/cache/warehouse-agent-tests/prometheus}
promtool=$cache/root/usr/bin/promtool
prometheus=$cache/root/usr/bin/prometheus

if command -v promtool >/dev/null 2>&1 && [ -z "${PROMTOOL_CACHE:-}" ]; then
  command -v promtool
  exit 0
fi
if [ -x "$promtool" ] && "$promtool" --version >/dev/null 2>&1; then
  echo "$promtool"
  exit 0
fi

mkdir -p "$cache"
work=$(mktemp -d "$cache/download.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
# apt-get download runs as the _apt user where it can; a root-owned work dir makes it warn only.
if ! apt-get download prometheus >download.log 2>&1; then
  # The package lists may be missing or stale on a fresh machine.
  apt-get update -qq >>download.log 2>&1 || true
  apt-get download prometheus >>download.log 2>&1 || { cat download.log >&2; exit 1; }
fi
deb=$(ls prometheus_*.deb)
rm -rf "$cache/root.new"
dpkg-deb -x "$deb" "$cache/root.new"
rm -rf "$cache/root"
mv "$cache/root.new" "$cache/root"
"$promtool" --version >/dev/null 2>&1 || { echo "install-promtool.sh: $promtool does not run" >&2; exit 1; }
[ -x "$prometheus" ] || true
echo "$promtool"
