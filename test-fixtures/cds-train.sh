#!/bin/bash
# Regenerates packaging/cds-real-run.classlist and cds-real-run-daemon.classlist: the classes
# real converges load on a sandboxed host (install, no-op, why-run, status; in process, in the
# daemon under its unit, and answered by it), which packaging/cds-archive.sh adds to the class
# archives of short commands and of the daemon. Run it when ClassArchiveSandboxIT reports classes
# a real converge loads from outside the archive.
# Run as root on Debian 12; touches nothing on the host.
set -euo pipefail
cd "$(dirname "$0")/.."
test-fixtures/install-build-deps.sh
test-fixtures/install-deps.sh
mvn -B -q -ntp -DskipTests -DskipSandbox package
exec mvn -B -q -ntp exec:java@bench \
  -Dbench.main=org.warehouse.agent.sandbox.ClassListTrainer \
  -Dexec.args="$PWD/packaging/cds-real-run.classlist"
