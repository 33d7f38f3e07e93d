#!/bin/bash
# Benchmark (not a test): the daemon's idle RSS with the launcher's flags, a no-op converge inside
# the daemon, and `agent converge --now` from a shell with and without a daemon, on a sandboxed
# host under the packaged systemd unit; medians of N runs, RSS across M converges in one daemon.
#   test-fixtures/bench-daemon.sh [N=7] [M=200] [BASELINE]
# BASELINE: another build's launcher (e.g. a worktree of an earlier commit, built with
# `mvn -DskipTests -DskipSandbox package`): every figure is then taken for both, side by side.
# Run as root on Debian 12; touches nothing on the host. Quiet machines give steadier figures.
set -euo pipefail
cd "$(dirname "$0")/.."
test-fixtures/install-build-deps.sh
test-fixtures/install-deps.sh
mvn -B -q -ntp -DskipTests -DskipSandbox package
exec mvn -B -q -ntp exec:java@bench-daemon -Dexec.args="${1:-7} ${2:-200} ${3:-}"
