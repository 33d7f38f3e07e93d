#!/bin/bash
# Class-data sharing for the agent (AppCDS): the list of classes the agent loads, and an archive of
# them made by the JVM that will run them. A JVM started with the archive maps those classes
# instead of reading, parsing and verifying them from the jar: `agent converge --now` without a
# daemon takes about half the CPU time, and the idle daemon's RSS is a few MiB lower.
#
#   cds-archive.sh list LAUNCHER CLASSLIST JAR [SUPPLEMENT]
#                                            run the agent's usual paths (daemon, converge --now
#                                            through it and in-process, status) on a throw-away
#                                            config that manages nothing, recording the classes;
#                                            add SUPPLEMENT's (packaging/cds-real-run.classlist:
#                                            what real converges load, recorded in the sandbox by
#                                            test-fixtures/cds-train.sh: the HTTP probe's, dpkg's,
#                                            the renderer's JDK classes and lambdas) and every
#                                            agent class in JAR. Two lists: CLASSLIST for short
#                                            commands, CLASSLIST with -daemon before .classlist for
#                                            the daemon (from SUPPLEMENT's -daemon twin). Each
#                                            archive holds only what its kind of process loads:
#                                            classes it never uses, mapped between those it does,
#                                            spread the pages it writes on start (a no-op
#                                            converge --now: ~4,000 -> ~3,650 page faults).
#   cds-archive.sh dump JAR CLASSLIST JSA    make the archive (JVM-specific: the package's postinst
#                                            and a JDK upgrade trigger run this on the host, once
#                                            for each list)
#
# The training config names no repository, package, file or service, and its state and run dirs are
# temporary: it changes nothing on the machine that builds. The launcher uses an archive only when
# it is newer than both the jar and the JVM (its java binary), so a stale one is never used.
set -euo pipefail

list() {
  local launcher=$1 out=$2 jar=$3 supplement=${4:-/dev/null} port
  pid=""
  tmp=$(mktemp -d)
  trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi; rm -rf "$tmp"' EXIT
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  cat > "$tmp/agent.yml" <<YML
interval: 30m
splay: 1m
first_run_delay: 1s
attributes:
  files: []
state_dir: $tmp/state
run_dir: $tmp/run
metrics:
  listen: 127.0.0.1:$port
YML
  # No archive while listing: the lists must name every class, not just those the archive lacks.
  export WAREHOUSE_AGENT_CDS=off
  WAREHOUSE_AGENT_JAVA_OPTS="-XX:DumpLoadedClassList=$tmp/daemon.list" \
    "$launcher" daemon --config "$tmp/agent.yml" > "$tmp/daemon.log" 2>&1 &
  pid=$!
  for _ in $(seq 300); do
    [ -S "$tmp/run/control.sock" ] && grep -q "converge unchanged" "$tmp/daemon.log" && break
    kill -0 "$pid" 2>/dev/null || { cat "$tmp/daemon.log" >&2; exit 1; }
    sleep 0.1
  done
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/metrics').read()"
  WAREHOUSE_AGENT_JAVA_OPTS="-XX:DumpLoadedClassList=$tmp/client.list" \
    "$launcher" converge --now --config "$tmp/agent.yml" > /dev/null 2>&1
  WAREHOUSE_AGENT_JAVA_OPTS="-XX:DumpLoadedClassList=$tmp/status.list" \
    "$launcher" status --config "$tmp/agent.yml" > /dev/null 2>&1
  kill -TERM "$pid"
  wait "$pid" || true
  WAREHOUSE_AGENT_JAVA_OPTS="-XX:DumpLoadedClassList=$tmp/inprocess.list" \
    "$launcher" converge --now --config "$tmp/agent.yml" > /dev/null 2>&1
  # One list, in load order, each class once (a lambda line follows the classes it names).
  # Then every class of the agent itself: the paths above manage nothing, so the resources, apt,
  # render and service classes a real run loads would otherwise come from the jar, parsed and
  # verified at every command's start.
  python3 -c 'import sys, zipfile
for n in zipfile.ZipFile(sys.argv[1]).namelist():
    if n.startswith("org/warehouse/agent/") and n.endswith(".class") and "module-info" not in n:
        print(n[:-6])' "$jar" > "$tmp/agent.list"
  # A class or lambda of the supplement that this build no longer has is skipped by the dump.
  local daemon_out="${out%.classlist}-daemon.classlist" daemon_supplement=/dev/null
  [ "$supplement" != /dev/null ] && daemon_supplement="${supplement%.classlist}-daemon.classlist"
  cat "$tmp/client.list" "$tmp/inprocess.list" "$tmp/status.list" "$supplement" \
    "$tmp/agent.list" | awk '!/^#/ && !seen[$0]++' > "$out.tmp"
  cat "$tmp/daemon.list" "$daemon_supplement" "$tmp/agent.list" \
    | awk '!/^#/ && !seen[$0]++' > "$daemon_out.tmp"
  mv "$out.tmp" "$out"
  mv "$daemon_out.tmp" "$daemon_out"
  echo "cds-archive: $(wc -l < "$out") classes in $out, $(wc -l < "$daemon_out") in $daemon_out"
}

dump() {
  local jar=$1 classlist=$2 jsa=$3
  # The heap flags of the launcher: compressed oops and the GC must match at run time.
  java -Xmx64m -XX:+UseSerialGC -Xshare:dump -XX:SharedClassListFile="$classlist" \
    -XX:SharedArchiveFile="$jsa.tmp" -Xlog:cds=error -cp "$jar" > /dev/null
  mv "$jsa.tmp" "$jsa"
  echo "cds-archive: $jsa ($(du -h "$jsa" | cut -f1))"
}

case "${1:-}" in
  list) list "$2" "$3" "$4" "${5:-}" ;;
  dump) dump "$2" "$3" "$4" ;;
  *) echo "usage: $0 list LAUNCHER CLASSLIST JAR [SUPPLEMENT] | dump JAR CLASSLIST JSA" >&2; exit 64 ;;
esac
