#!/bin/bash
# The soak of issue 8 (not a test; never part of run-tests.sh or CI): the daemon under its unit in
# a sandbox for HOURS (default 1) at a short interval while a publisher releases good, slow and
# broken versions at random; then every run's report is checked against the publisher's log, no
# two runs may overlap, RSS must stay flat and the host must end on the newest good version.
# Prints one summary line (SOAK PASS/FAIL: ...) and exits 1 on FAIL. Run as root on Debian 12;
# the host is not touched.
#
#   test-fixtures/soak.sh [HOURS=1] [INTERVAL_SECONDS=20] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
hours=${1:-1}
minutes=$(awk -v h="$hours" 'BEGIN {print h * 60}')
test-fixtures/install-build-deps.sh
test-fixtures/install-deps.sh
mvn -B -q -ntp -DskipTests -DskipSandbox package
mkdir -p target/bench-results
args="$minutes ${2:-20}"
[ -n "${3:-}" ] && args="$args $3"
mvn -B -q -ntp exec:java@bench -Dbench.main=org.warehouse.agent.sandbox.SoakDriver \
  -Dexec.args="$args" | tee target/bench-results/soak.txt
