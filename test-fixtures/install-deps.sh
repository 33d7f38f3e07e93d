#!/bin/sh
# Installs what the sandbox tests need on a Debian 12 host (run as root). Idempotent: when every
# package is already installed it does not touch apt at all.
#   apt-utils   apt-ftparchive, to build the fixture repository's indexes
#   gpg, gpg-agent, gpgconf   the fixture repository's throw-away signing keys
#   python3, python3-yaml     /usr/bin/python3 runs the warehouse-web fixture server
#   curl        health checks from inside the sandbox
#   util-linux, mount         unshare, nsenter, setsid, mount
#   systemd     the sandbox boots the host's own /lib/systemd/systemd
#   dpkg        dpkg-deb (essential; listed so that its absence is reported, not assumed)
#   libfaketime the fault matrix moves the agent's wall clock (LD_PRELOAD), never the host's
#   lintian     checks the agent's own .deb (PackageIT)
#   postgresql-15   the rollout tests' throw-away servers (test-fixtures/postgres.sh runs
#               /usr/lib/postgresql/15/bin; psql comes with its dependency postgresql-client-15).
#               The host gets no cluster of its own: see below.
#   openssl     the CA and certificate of a TLS test server (postgres.sh start --tls)
#   pgbouncer   the rollout tests' throw-away pooler in front of those servers (postgres.sh
#               bouncer). The host's own pgbouncer service is neither started nor enabled: below.
set -eu

packages="apt-utils curl dpkg gpg gpg-agent gpgconf libfaketime lintian mount openssl pgbouncer postgresql-15 python3 python3-yaml systemd util-linux"

missing=""
for p in $packages; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = installed ] || missing="$missing $p"
done

if [ -n "$missing" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps.sh: missing:$missing (run as root to install them)" >&2
    exit 1
  fi
  echo "install-deps.sh: installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  case " $missing " in
    *" postgresql-15 "*)
      # On a first install, postgresql-15's postinst (configure_version, from
      # postgresql-client-common's maintscripts-functions) creates a cluster "main" on port 5432
      # and starts every cluster, unless createcluster.conf says create_main_cluster = false:
      # then there is none to start. The file is ucf's, not a dpkg conffile; written before
      # postgresql-common exists, UCF_FORCE_CONFFOLD keeps it when that package's postinst offers
      # its template. A host that already has clusters (/etc/postgresql/15/*) keeps them.
      conf=/etc/postgresql-common/createcluster.conf
      if ! grep -Eqs '^[[:space:]]*create_main_cluster[[:space:]]*=[[:space:]]*(false|off|no)' "$conf"; then
        mkdir -p /etc/postgresql-common
        echo "create_main_cluster = false  # install-deps.sh: tests start their own servers" >>"$conf"
      fi
      export UCF_FORCE_CONFFOLD=1
      ;;
  esac
  # No maintainer script may start a daemon on this host: invoke-rc.d and deb-systemd-invoke ask
  # /usr/sbin/policy-rc.d first, and 101 means "action forbidden" (Debian's policy-rc.d
  # interface). pgbouncer's postinst would otherwise run /etc/init.d/pgbouncer start (or start
  # pgbouncer.service where systemd is PID 1) on its default config. A policy-rc.d already there
  # (a container's, an administrator's) is kept; ours is removed when this script ends.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    trap 'rm -f "$policy"' EXIT
    trap 'exit 130' INT TERM HUP
    printf '#!/bin/sh\n# install-deps.sh: no service starts while it installs packages\nexit 101\n' >"$policy"
    chmod 0755 "$policy"
  fi
  apt-get update -qq
  # shellcheck disable=SC2086 # word splitting of the package list is intended
  apt-get install -y -qq --no-install-recommends $missing
  case " $missing " in
    *" pgbouncer "*)
      # Its postinst also enables the service for the next boot (multi-user.target.wants through
      # deb-systemd-helper, rc.d links through update-rc.d), and a sandbox boots this host's
      # systemd. systemctl disable removes both (it runs update-rc.d disable too, and works
      # without systemd as PID 1); a disabled service stays disabled across upgrades. The tests
      # run their own pgbouncer.
      systemctl disable --quiet pgbouncer.service
      ;;
  esac
fi

# What no package provides: report it rather than fail later with an obscure mount error.
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || true
grep -qw overlay /proc/filesystems || echo "install-deps.sh: warning: the kernel has no overlayfs; sandbox tests will be skipped" >&2
[ -x /lib/systemd/systemd ] || echo "install-deps.sh: warning: /lib/systemd/systemd missing" >&2
echo "install-deps.sh: ok"
