#!/bin/bash
# The whole test suite: unit tests and the sandbox end-to-end tests (real apt, dpkg, systemd).
# Run as root on Debian 12 from a fresh clone; installs what it needs first. .ci/run calls this.
set -euo pipefail
cd "$(dirname "$0")/.."
test-fixtures/install-build-deps.sh
test-fixtures/install-deps.sh
exec mvn -B -ntp verify "$@"
