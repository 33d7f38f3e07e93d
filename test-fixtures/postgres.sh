#!/bin/bash
# A throw-away PostgreSQL 15 server for tests (Debian's package, never the host's own cluster).
#
#   postgres.sh start [--port PORT] [--owner PID] [--set NAME=VALUE]...
#                                 a fresh instance in /tmp/warehouse-pg.XXXXXXXX on 127.0.0.1
#                                 (PORT, else a free one in 20000-32767: below the ephemeral range)
#   postgres.sh start --tls ...   the same, with TLS: a CA and a server certificate for 127.0.0.1
#                                 made in DIR/tls, and TCP logins over TLS only (hostssl; a plain
#                                 TCP login is rejected by pg_hba.conf)
#   postgres.sh start --dir DIR   the stopped instance in DIR again: same port, same data
#   postgres.sh stop [--keep] DIR stops DIR's postmaster by PID (fast shutdown, then SIGQUIT,
#                                 then SIGKILL) and removes DIR, unless --keep; idempotent
#   postgres.sh psql DIR [ARG]... psql as the superuser over DIR's socket (database warehouse_agent)
#   postgres.sh bouncer [--pool-size N] DIR
#                                 a pgbouncer (Debian's, /usr/sbin/pgbouncer) in front of DIR's
#                                 server on a free 127.0.0.1 port: pool_mode transaction, N (default
#                                 2) server connections for the agent role, which logs in with its
#                                 own password (scram-sha-256); stopped by PID with the server by
#                                 stop, reap and the watchdog (stop --keep leaves it running, as a
#                                 pooler stays up while its server restarts)
#   postgres.sh list              every instance: DIR PORT POSTMASTER-PID(or -) OWNER alive|gone
#   postgres.sh reap              stops and removes every instance whose owner is gone
#
# start prints KEY=VALUE lines, PG_DIR first (as soon as it exists, so a caller that gives up can
# still stop it): PG_DIR PG_HOST PG_PORT PG_PID (the postmaster) PG_DATABASE PG_USER PG_PASSWORD
# PG_SUPERUSER PG_SUPERUSER_PASSWORD PG_JDBC_URL PG_LOG; with --tls also PG_TLS_CA (the CA that
# signed the server's certificate) and PG_TLS_OTHER_CA (an unrelated CA, for tests that must be
# refused). Values never contain spaces. bouncer
# prints BOUNCER_HOST BOUNCER_PORT BOUNCER_PID BOUNCER_POOL_SIZE BOUNCER_JDBC_URL BOUNCER_LOG.
#
# The server runs as the `postgres` user when this runs as root (PostgreSQL refuses root), else as
# the caller. The database warehouse_agent is owned by the role agent (LOGIN, no other privilege).
# Both passwords are random; over TCP (127.0.0.1 only) every role needs its password
# (scram-sha-256); the socket trusts, because only DIR's owner (0700) and root can reach it.
# Settings for 1,000 concurrent clients (max_connections 1200) and speed over durability (fsync
# off); pg_stat_statements is loaded and created in the database `postgres` (not in
# warehouse_agent, whose schema belongs to the agent's migrations): database load per statement.
#
# Leftovers. Each instance records its owner (--owner, default the caller of this script: a test
# passes its JVM's PID) with the owner's start time, so a reused PID is not mistaken for it, and
# starts a watchdog (`postgres.sh watch DIR`, own session) that stops and removes the instance
# within a second or two of the owner's death, SIGKILL included. `start` also reaps first. To find
# any by hand:  test-fixtures/postgres.sh list   (or: ls -d /tmp/warehouse-pg.*; each
# DIR/data/postmaster.pid's first line is the postmaster's PID; DIR/bouncer/pgbouncer.pid the
# pgbouncer's), and remove them with test-fixtures/postgres.sh reap, or stop DIR.
set -euo pipefail

bindir=${PG_BINDIR:-/usr/lib/postgresql/15/bin}
bouncer_bin=${PGBOUNCER:-/usr/sbin/pgbouncer}
base=/tmp
database=warehouse_agent user=agent superuser=postgres
self=$(readlink -f "$0")

die() { echo "postgres.sh: $*" >&2; exit 1; }

require_postgres() {
  local tool
  for tool in initdb pg_ctl postgres psql; do
    [[ -x "$bindir/$tool" ]] || {
      echo "postgres.sh: PostgreSQL 15 is not installed ($bindir/$tool is missing):" \
        "run test-fixtures/install-deps.sh as root" >&2
      exit 69
    }
  done
}

# The account the server runs as: postgres when we are root, else ourselves.
if [[ $(id -u) -eq 0 ]]; then runs_as=postgres; else runs_as=$(id -un); fi

# Runs a command as that account with a clean environment: no PG* variable of the caller's leaks in.
as_server_user() {
  local home=$1; shift
  local -a env=(env -i PATH=/usr/bin:/bin LANG=C.UTF-8 HOME="$home")
  if [[ $(id -u) -eq 0 ]]; then
    setpriv --reuid=postgres --regid=postgres --init-groups -- "${env[@]}" "$@"
  else
    "${env[@]}" "$@"
  fi
}

# A process's start time (clock ticks since boot), or nothing if it is gone or a zombie.
start_time() {
  local stat rest
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  rest=${stat##*) }           # the fields after "(comm)", which may itself contain spaces
  # shellcheck disable=SC2086 # splitting the fields is intended
  set -- $rest
  [[ "$1" != Z ]] && echo "${20}"
  return 0
}

alive() { [[ -n "$(start_time "$1")" ]]; }

# KEY's value in DIR/instance.env (written by us: KEY=VALUE lines, no quoting).
field() { sed -n "s/^$2=//p" "$1/instance.env" 2>/dev/null | head -n 1; }

is_instance() {
  [[ "$1" =~ ^$base/warehouse-pg\.[A-Za-z0-9]+$ && -f "$1/instance.env" && ! -L "$1" ]]
}

owner_alive() {
  local owner pid started
  owner=$(field "$1" OWNER)
  pid=${owner%%:*} started=${owner#*:}
  [[ -n "$pid" && "$(start_time "$pid")" == "$started" ]]
}

# The postmaster's PID if it runs in DIR (checked against its command line: PIDs get reused).
postmaster_pid() {
  local pid
  pid=$(head -n 1 "$1/data/postmaster.pid" 2>/dev/null) || return 0
  [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" \
    && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "-D $1/data " && echo "$pid"
  return 0
}

await_gone() {
  local pid=$1 tenths=$2
  while alive "$pid" && ((tenths-- > 0)); do sleep 0.1; done
  ! alive "$pid"
}

stop_server() {
  local dir=$1 pid children
  pid=$(postmaster_pid "$dir")
  [[ -n "$pid" ]] || return 0
  children=$(cat "/proc/$pid/task/$pid/children" 2>/dev/null || true)
  # SIGINT: fast shutdown (clients disconnected, clean checkpoint). SIGQUIT: immediate.
  kill -INT "$pid" 2>/dev/null || true
  await_gone "$pid" 300 && return 0
  kill -QUIT "$pid" 2>/dev/null || true
  await_gone "$pid" 50 && return 0
  # shellcheck disable=SC2086 # a list of PIDs
  kill -KILL "$pid" $children 2>/dev/null || true
  await_gone "$pid" 50 || die "postmaster $pid in $dir survived SIGKILL"
}

# The pgbouncer's PID if one runs for DIR (checked against its command line, like the postmaster).
bouncer_pid() {
  local pid
  pid=$(head -n 1 "$1/bouncer/pgbouncer.pid" 2>/dev/null) || return 0
  [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" \
    && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$1/bouncer/pgbouncer.ini" \
    && echo "$pid"
  return 0
}

stop_bouncer() {
  local dir=$1 pid
  pid=$(bouncer_pid "$dir")
  [[ -n "$pid" ]] || return 0
  # SIGTERM: pgbouncer 1.18's immediate shutdown (SIGINT would wait for clients to finish).
  kill -TERM "$pid" 2>/dev/null || true
  await_gone "$pid" 100 && return 0
  kill -KILL "$pid" 2>/dev/null || true
  await_gone "$pid" 50 || die "pgbouncer $pid in $dir survived SIGKILL"
}

stop_instance() {
  local dir=$1 keep=$2 watchdog
  # The pooler first: while it runs it would keep reconnecting to a server that is going away.
  [[ "$keep" == yes ]] || stop_bouncer "$dir"
  stop_server "$dir"
  [[ "$keep" == yes ]] && return 0
  watchdog=$(cat "$dir/watchdog.pid" 2>/dev/null || true)
  if [[ "$watchdog" =~ ^[0-9]+$ && "$watchdog" != "$$" ]] && alive "$watchdog" \
    && tr '\0' ' ' <"/proc/$watchdog/cmdline" | grep -qF -- " watch $dir"; then
    kill "$watchdog" 2>/dev/null || true
  fi
  rm -rf -- "$dir"
}

instances() {
  local dir
  for dir in "$base"/warehouse-pg.*; do
    is_instance "$dir" && echo "$dir"
  done
  return 0
}

reap() {
  local dir
  for dir in $(instances); do
    if ! owner_alive "$dir"; then
      echo "postgres.sh: reaping $dir (owner $(field "$dir" OWNER) is gone)" >&2
      stop_instance "$dir" no
    fi
  done
}

free_port() {
  local port listening
  listening=$(awk '$4 == "0A" { split($2, a, ":"); print a[2] }' /proc/net/tcp /proc/net/tcp6)
  for _ in $(seq 50); do
    port=$((20000 + RANDOM % 12768))
    grep -qx "$(printf %04X "$port")" <<<"$listening" || { echo "$port"; return 0; }
  done
  die "no free port found in 20000-32767"
}

listening() {
  awk '$4 == "0A" { split($2, a, ":"); print a[2] }' /proc/net/tcp \
    | grep -qx "$(printf %04X "$1")"
}

# Starts DIR's server on PORT; fails (exit 1) if the port is taken, other errors die showing the
# log's end (pg_ctl itself says only "could not start server").
start_server() {
  local dir=$1 port=$2
  if as_server_user "$dir" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 120 \
    -o "-p $port" start >/dev/null 2>&1; then
    return 0
  fi
  if tail -n 20 "$dir/postgres.log" | grep -q "Address already in use"; then
    return 1
  fi
  tail -n 20 "$dir/postgres.log" >&2
  die "the server in $dir did not start (log: $dir/postgres.log)"
}

print_instance() {
  local dir=$1 port pid
  port=$(field "$dir" PORT)
  pid=$(postmaster_pid "$dir")
  [[ -n "$pid" ]] || die "no postmaster runs in $dir"
  echo "PG_HOST=127.0.0.1"
  echo "PG_PORT=$port"
  echo "PG_PID=$pid"
  echo "PG_DATABASE=$database"
  echo "PG_USER=$user"
  echo "PG_PASSWORD=$(field "$dir" PASSWORD)"
  echo "PG_SUPERUSER=$superuser"
  echo "PG_SUPERUSER_PASSWORD=$(field "$dir" SUPERUSER_PASSWORD)"
  echo "PG_JDBC_URL=jdbc:postgresql://127.0.0.1:$port/$database"
  echo "PG_LOG=$dir/postgres.log"
  if [[ $(field "$dir" TLS) == yes ]]; then
    echo "PG_TLS_CA=$dir/tls/ca.crt"
    echo "PG_TLS_OTHER_CA=$dir/tls/other-ca.crt"
  fi
}

psql_in() {
  local dir=$1; shift
  as_server_user "$dir" "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" \
    -p "$(field "$dir" PORT)" -U "$superuser" "$@"
}

random_hex() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }

# A CA, a server certificate it signs (CN and subjectAltName 127.0.0.1, the only address the server
# listens on) and an unrelated CA, in DIR/tls; the server's key readable by the server only.
make_tls() {
  local dir=$1 tls=$1/tls
  mkdir -m 0700 "$tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=postgres.sh test CA" \
    -keyout "$tls/ca.key" -out "$tls/ca.crt" 2>/dev/null
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=postgres.sh other CA" \
    -keyout "$tls/other-ca.key" -out "$tls/other-ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
  printf 'subjectAltName = IP:127.0.0.1\n' >"$tls/server.ext"
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" \
    -CAcreateserial -days 2 -extfile "$tls/server.ext" -out "$tls/server.crt" 2>/dev/null
  rm -f "$tls/ca.key" "$tls/other-ca.key" "$tls/server.csr" "$tls/server.ext" "$tls/ca.srl"
  chmod 0600 "$tls/server.key"
  chmod 0644 "$tls/ca.crt" "$tls/other-ca.crt" "$tls/server.crt"
  chown -R "$runs_as:" "$tls"
  # The CA files are for the tests' clients, which may run as another user: the directory's
  # owner-only mode keeps the key; the certificates are public.
  chmod 0711 "$tls"
}

start_fresh() {
  local given_port=$1 owner=$2 tls=$3; shift 3
  local dir port started password superuser_password attempt setting
  require_postgres
  [[ $runs_as != postgres ]] || id postgres >/dev/null 2>&1 || die "no postgres user: run test-fixtures/install-deps.sh as root"
  started=$(start_time "$owner")
  [[ -n "$started" ]] || die "owner $owner is not running"
  reap
  dir=$(mktemp -d "$base/warehouse-pg.XXXXXXXX")
  chmod 0700 "$dir"
  echo "PG_DIR=$dir"
  password=$(random_hex) superuser_password=$(random_hex)
  printf 'OWNER=%s:%s\nPASSWORD=%s\nSUPERUSER_PASSWORD=%s\n' \
    "$owner" "$started" "$password" "$superuser_password" >"$dir/instance.env"
  printf '%s\n' "$superuser_password" >"$dir/superuser.pw"
  chmod 0600 "$dir/instance.env" "$dir/superuser.pw"
  chown -R "$runs_as:" "$dir"
  # The watchdog first: from here on, the owner's death removes whatever exists.
  setsid "$self" watch "$dir" </dev/null >/dev/null 2>&1 &
  if [[ $tls == yes ]]; then
    echo "TLS=yes" >>"$dir/instance.env"
    make_tls "$dir"
  fi
  as_server_user "$dir" "$bindir/initdb" -D "$dir/data" -U "$superuser" --pwfile="$dir/superuser.pw" \
    --auth-local=trust --auth-host=scram-sha-256 --no-locale -E UTF8 --no-sync >/dev/null
  rm -f "$dir/superuser.pw"
  {
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = '$dir'"
    echo "unix_socket_permissions = 0700"
    echo "max_connections = 1200"
    echo "shared_buffers = 32MB"
    echo "fsync = off"
    echo "synchronous_commit = off"
    echo "full_page_writes = off"
    echo "huge_pages = off"
    echo "timezone = 'UTC'"
    echo "log_timezone = 'UTC'"
    echo "log_line_prefix = '%m [%p] %q%u@%d '"
    echo "shared_preload_libraries = 'pg_stat_statements'"
    if [[ $tls == yes ]]; then
      echo "ssl = on"
      echo "ssl_cert_file = '$dir/tls/server.crt'"
      echo "ssl_key_file = '$dir/tls/server.key'"
    fi
    for setting in "$@"; do echo "$setting"; done
  } >>"$dir/data/postgresql.conf"
  if [[ $tls == yes ]]; then
    printf 'local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\n' >"$dir/data/pg_hba.conf"
  else
    printf 'local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n' >"$dir/data/pg_hba.conf"
  fi
  # A chosen port may be taken between the check and the bind: choose again, a few times.
  for ((attempt = 0; attempt < (given_port ? 1 : 10); attempt++)); do
    port=${given_port:-$(free_port)}
    if start_server "$dir" "$port"; then
      echo "PORT=$port" >>"$dir/instance.env"
      psql_in "$dir" -d postgres -v pw="$password" <<'SQL' >/dev/null
CREATE ROLE agent LOGIN PASSWORD :'pw';
CREATE DATABASE warehouse_agent OWNER agent;
CREATE EXTENSION pg_stat_statements;
SQL
      print_instance "$dir"
      return 0
    fi
  done
  stop_instance "$dir" no
  die "port ${given_port:-(10 tried)} is taken"
}

start_again() {
  local dir=$1 port
  require_postgres
  is_instance "$dir" || die "not an instance of postgres.sh: $dir"
  [[ -z "$(postmaster_pid "$dir")" ]] || die "already running: $dir"
  port=$(field "$dir" PORT)
  start_server "$dir" "$port" || die "port $port is taken: cannot start $dir again"
  echo "PG_DIR=$dir"
  print_instance "$dir"
}

# Writes DIR/bouncer/{pgbouncer.ini,userlist.txt} and starts pgbouncer on a free port. The
# userlist holds the agent role's SCRAM secret as the server stores it (pg_authid), not its
# password: pgbouncer checks the client's SCRAM proof with it and logs in to the server with the
# same proof, as an operator's pgbouncer would.
start_bouncer() {
  local dir=$1 pool_size=$2 bdir=$1/bouncer port secret attempt pid
  [[ -x "$bouncer_bin" ]] || {
    echo "postgres.sh: pgbouncer is not installed ($bouncer_bin is missing):" \
      "run test-fixtures/install-deps.sh as root" >&2
    exit 69
  }
  is_instance "$dir" || die "not an instance of postgres.sh: $dir"
  [[ -n "$(postmaster_pid "$dir")" ]] || die "no postmaster runs in $dir"
  [[ -z "$(bouncer_pid "$dir")" ]] || die "a pgbouncer already runs for $dir"
  secret=$(psql_in "$dir" -d postgres -At -c "SELECT rolpassword FROM pg_authid WHERE rolname = '$user'")
  [[ "$secret" == SCRAM-SHA-256\$* ]] || die "no SCRAM secret for $user in $dir"
  rm -rf -- "$bdir"
  mkdir -m 0700 "$bdir"
  printf '"%s" "%s"\n' "$user" "$secret" >"$bdir/userlist.txt"
  chmod 0600 "$bdir/userlist.txt"
  chown -R "$runs_as:" "$bdir"
  for ((attempt = 0; attempt < 10; attempt++)); do
    port=$(free_port)
    {
      echo "[databases]"
      echo "$database = host=127.0.0.1 port=$(field "$dir" PORT) dbname=$database"
      echo "[pgbouncer]"
      echo "listen_addr = 127.0.0.1"
      echo "listen_port = $port"
      # No socket: its default directory is /tmp, shared with everything else.
      echo "unix_socket_dir ="
      echo "auth_type = scram-sha-256"
      echo "auth_file = $bdir/userlist.txt"
      echo "pool_mode = transaction"
      echo "default_pool_size = $pool_size"
      echo "min_pool_size = 0"
      echo "reserve_pool_size = 0"
      echo "max_client_conn = 1000"
      echo "logfile = $bdir/pgbouncer.log"
      echo "pidfile = $bdir/pgbouncer.pid"
    } >"$bdir/pgbouncer.ini"
    chown "$runs_as:" "$bdir/pgbouncer.ini"
    rm -f "$bdir/pgbouncer.pid"
    # -d: it forks into the background (own session) and writes its PID to the pidfile.
    as_server_user "$dir" "$bouncer_bin" -d -q "$bdir/pgbouncer.ini" </dev/null >/dev/null 2>&1 || true
    for _ in $(seq 100); do
      pid=$(bouncer_pid "$dir")
      [[ -n "$pid" ]] && listening "$port" && break
      sleep 0.1
    done
    if [[ -n "$pid" ]] && listening "$port"; then
      echo "BOUNCER_HOST=127.0.0.1"
      echo "BOUNCER_PORT=$port"
      echo "BOUNCER_PID=$pid"
      echo "BOUNCER_POOL_SIZE=$pool_size"
      echo "BOUNCER_JDBC_URL=jdbc:postgresql://127.0.0.1:$port/$database"
      echo "BOUNCER_LOG=$bdir/pgbouncer.log"
      return 0
    fi
    stop_bouncer "$dir"
    grep -q "Address already in use" "$bdir/pgbouncer.log" 2>/dev/null && continue
    tail -n 20 "$bdir/pgbouncer.log" >&2 2>/dev/null || true
    die "pgbouncer for $dir did not start (log: $bdir/pgbouncer.log)"
  done
  die "no free port for pgbouncer (10 tried)"
}

watch() {
  local dir=$1
  echo "$$" >"$dir/watchdog.pid"
  while [[ -d "$dir" ]]; do
    if ! owner_alive "$dir"; then
      stop_instance "$dir" no
      return 0
    fi
    sleep 1
  done
}

command=${1:-}
[[ $# -gt 0 ]] && shift
case "$command" in
  start)
    given_port="" owner=$PPID dir="" settings=() tls=no
    while [[ $# -gt 0 ]]; do
      case "$1" in
        --tls) tls=yes; shift ;;
        --port) given_port=$2; shift 2 ;;
        --owner) owner=$2; shift 2 ;;
        --dir) dir=$2; shift 2 ;;
        --set) settings+=("$2"); shift 2 ;;
        *) die "unknown option $1" ;;
      esac
    done
    [[ -z "$given_port" || ("$given_port" =~ ^[0-9]+$ && $given_port -ge 1024 && $given_port -le 65535) ]] \
      || die "bad --port: $given_port"
    [[ "$owner" =~ ^[0-9]+$ ]] || die "bad --owner: $owner"
    # One postgresql.conf line each: a name, =, a plain or single-quoted value; no newline.
    setting_form="^[a-z_.]+ ?= ?([A-Za-z0-9_.,-]+|'[A-Za-z0-9_.,:%@/ -]*')$"
    for setting in "${settings[@]}"; do
      [[ "$setting" =~ $setting_form ]] || die "bad --set: $setting"
    done
    if [[ -n "$dir" ]]; then
      start_again "$dir"
    else
      start_fresh "$given_port" "$owner" "$tls" "${settings[@]}"
    fi
    ;;
  stop)
    keep=no
    [[ "${1:-}" == --keep ]] && { keep=yes; shift; }
    [[ $# -eq 1 ]] || die "usage: postgres.sh stop [--keep] DIR"
    [[ -e "$1" ]] || exit 0
    is_instance "$1" || die "not an instance of postgres.sh: $1"
    stop_instance "$1" "$keep"
    ;;
  psql)
    [[ $# -ge 1 ]] || die "usage: postgres.sh psql DIR [ARG]..."
    require_postgres
    is_instance "$1" || die "not an instance of postgres.sh: $1"
    dir=$1; shift
    psql_in "$dir" -d "$database" "$@"
    ;;
  bouncer)
    pool_size=2
    [[ "${1:-}" == --pool-size ]] && { pool_size=${2:-}; shift 2; }
    [[ "$pool_size" =~ ^[1-9][0-9]{0,2}$ ]] || die "bad --pool-size: $pool_size"
    [[ $# -eq 1 ]] || die "usage: postgres.sh bouncer [--pool-size N] DIR"
    require_postgres
    start_bouncer "$1" "$pool_size"
    ;;
  list)
    for dir in $(instances); do
      pid=$(postmaster_pid "$dir")
      owner_alive "$dir" && state=alive || state=gone
      echo "$dir $(field "$dir" PORT) ${pid:--} $(field "$dir" OWNER) $state"
    done
    ;;
  reap) reap ;;
  watch) is_instance "$1" && watch "$1" ;;
  *) die "usage: postgres.sh start|stop|psql|bouncer|list|reap (see its header)" ;;
esac
