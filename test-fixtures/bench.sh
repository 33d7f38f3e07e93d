#!/bin/bash
# The benchmarks of issue 8 (not tests: figures printed side by side with a baseline measured in
# the same run, as ratios; never part of run-tests.sh or CI). Run as root on Debian 12; every
# install and restart happens inside a throw-away sandbox, the host is not touched.
#
#   test-fixtures/bench.sh [all|version|daemon|peers|memory|repo-load|change|fleet]...   (default: all)
#
#   version    Debian version parse+compare, JMH against dpkg's C code (src/bench/version-bench.sh;
#              ROUNDS=N, default 5)
#   daemon     idle RSS, a no-op converge inside the daemon, `agent converge --now` with and without a
#              daemon (DaemonBenchmark; DAEMON_RUNS=N, default 7, DAEMON_SOAK=M converges, default 200;
#              DAEMON_BASELINE=another build's launcher: both builds timed side by side, with ratios)
#   peers      no-op and changing converges: the agent (daemon running / no daemon) against
#              `puppet apply` and `ansible-playbook -c local` doing the same job in the sandbox
#              (src/bench/peers/; PeerBenchmark; PEER_ROUNDS=N, default 5)
#   memory     RSS and heap after GC across MEMORY_RUNS converges in one daemon (default 2000), sampled
#              every MEMORY_EVERY (100), 1 in MEMORY_CHANGE_EVERY (10) a change; least-squares slope
#   repo-load  requests and bytes per poll (agent vs apt-get update), then the 10,000-host simulation
#              with the daemon's splay (RepositoryLoadBenchmark; REPO_ROUNDS=N, default 5)
#   change     a changing converge (new release -> installed, restarted, healthy) against the same
#              steps by hand (apt-get update + install, systemctl restart, health polled every 50 ms)
#              in the same sandbox, alternating rounds (ChangeCostBenchmark; CHANGE_ROUNDS=N, default 7)
#   fleet      the 10,000-host simulation alone, with default per-host figures (FleetSimulation;
#              FLEET_ARGS="HOSTS INTERVAL_S SPLAY_S NOOP_REQ NOOP_BYTES CHANGE_REQ CHANGE_BYTES CHANGE_S"),
#              then fleet rollouts simulated in virtual time through the rollout's own admission
#              rule: a good release over max_parallel and probe_interval, a bad one's reach, the
#              repository's 304 load and the database's transactions (FleetRolloutBenchmark;
#              FLEET_ROLLOUT_ARGS="HOSTS CHANGE_S", default 10000 3.35)
#
# Each part's figures go to stdout and target/bench-results/PART.txt. The machine's CPU count and
# load are printed with them: on a shared 2-core machine figures move +-25% from run to run.
set -euo pipefail
cd "$(dirname "$0")/.."

parts=("$@")
[ ${#parts[@]} -eq 0 ] && parts=(all)
if [ "${parts[0]}" = all ]; then
  parts=(version daemon peers memory repo-load change)
fi

test-fixtures/install-build-deps.sh
test-fixtures/install-deps.sh
mkdir -p target/bench-results
built=""
build() {
  if [ -z "$built" ]; then
    mvn -B -q -ntp -DskipTests -DskipSandbox package
    built=yes
  fi
}
run_java() {
  local main=$1
  shift
  mvn -B -q -ntp exec:java@bench -Dbench.main="$main" -Dexec.args="$*"
}

echo "bench: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), commit $(git rev-parse --short HEAD)$(git diff --quiet || echo '+dirty')" >&2
for part in "${parts[@]}"; do
  out=target/bench-results/$part.txt
  echo "bench: === $part ===" >&2
  case $part in
    version)
      src/bench/version-bench.sh | tee "$out" ;;
    daemon)
      build
      mvn -B -q -ntp exec:java@bench-daemon -Dexec.args="${DAEMON_RUNS:-7} ${DAEMON_SOAK:-200} ${DAEMON_BASELINE:-}" \
        | tee "$out" ;;
    peers)
      build
      debs=$(test-fixtures/install-peers.sh)
      run_java org.warehouse.agent.sandbox.PeerBenchmark "${PEER_ROUNDS:-5}" "$debs" | tee "$out" ;;
    memory)
      build
      run_java org.warehouse.agent.sandbox.MemoryBenchmark \
        "${MEMORY_RUNS:-2000}" "${MEMORY_EVERY:-100}" "${MEMORY_CHANGE_EVERY:-10}" | tee "$out" ;;
    repo-load)
      build
      run_java org.warehouse.agent.sandbox.RepositoryLoadBenchmark "${REPO_ROUNDS:-5}" 10000 \
        | tee "$out" ;;
    change)
      build
      run_java org.warehouse.agent.sandbox.ChangeCostBenchmark "${CHANGE_ROUNDS:-7}" | tee "$out" ;;
    fleet)
      build
      { run_java org.warehouse.agent.daemon.FleetSimulation "${FLEET_ARGS:-}"
        run_java org.warehouse.agent.rollout.FleetRolloutBenchmark "${FLEET_ROLLOUT_ARGS:-10000}"; } \
        | tee "$out" ;;
    *)
      echo "bench: unknown part '$part' (all, version, daemon, peers, memory, repo-load, change, fleet)" >&2
      exit 64 ;;
  esac
done
