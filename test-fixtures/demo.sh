#!/bin/bash
# The demo: builds the agent and fixture packages, boots a sandboxed Debian host, and shows the
# agent doing its job there for real: install 18.09.01, render config.yml, start the service;
# publish 18.09.02; converge again: upgrade, restart; converge once more: nothing to do.
# Run as root on Debian 12 from a fresh clone. Touches nothing on the host.
set -euo pipefail
cd "$(dirname "$0")/.."
test-fixtures/install-build-deps.sh
test-fixtures/install-deps.sh
mvn -B -q -ntp -DskipTests package
exec mvn -B -q -ntp exec:java@demo
