#!/bin/bash
# Boots the host's own systemd as PID 1 in new namespaces over a throw-away overlay of the host
# root. Used by the Java class Sandbox; runnable by hand for debugging (see README.md).
#
#   sandbox-boot.sh STATE_DIR CGROUP_DIR [BIND_PATH...]
#
# STATE_DIR   empty directory for the sandbox's own files: layer/ (tmpfs: overlay upper + work),
#             root/ (the overlay, mounted only inside the sandbox's mount namespace) and
#             systemd.pid (host PID of the sandbox's systemd, written just before it starts).
# CGROUP_DIR  cgroup2 directory to create and run in (becomes the sandbox's cgroup namespace root).
# BIND_PATH   host directories bound at the same absolute path inside.
#
# Stop it with `nsenter -t PID -m -p -C -r -w systemctl exit`; every mount disappears with the
# mount namespace, so the host's /proc/mounts never shows any of them.
set -euo pipefail

if [[ "${1:-}" != --inside ]]; then
  [[ $# -ge 2 ]] || { echo "usage: $0 STATE_DIR CGROUP_DIR [BIND_PATH...]" >&2; exit 64; }
  state=$1 cgroup=$2
  [[ "$state" == /* && "$cgroup" == /* ]] || { echo "paths must be absolute" >&2; exit 64; }
  for b in "${@:3}"; do
    [[ "$b" == /* && -d "$b" ]] || { echo "bind path not an absolute dir: $b" >&2; exit 64; }
    # The mount point is created from the host side: a symlink on the way would lead out of the
    # overlay onto the host's own files.
    [[ "$(realpath "$b")" == "$b" ]] || { echo "bind path not canonical (symlink?): $b" >&2; exit 64; }
  done
  mkdir -p "$state" "$cgroup"
  # Join the cgroup before unshare -C, so that it becomes the root of the new cgroup namespace
  # and everything systemd starts stays below it (and can be found and killed from the host).
  echo $$ > "$cgroup/cgroup.procs"
  # setsid: a Ctrl-C in the terminal must not reach the sandbox; the JVM's shutdown hook stops it.
  # -u -i: the sandbox's hostname and IPC stay its own. The network namespace is shared on purpose:
  # apt inside reaches the test's repository server on the host's 127.0.0.1.
  exec setsid unshare -m --propagation private -u -i -p -f -C --kill-child -- \
    /bin/bash "$0" --inside "$state" "${@:3}"
fi

shift
state=$1; shift
R=$state/root L=$state/layer
mkdir -p "$R" "$L"
# The upper layer lives on a tmpfs mounted only in this mount namespace: whatever the sandbox
# writes vanishes with it, even if the test JVM is killed.
mount -t tmpfs -o mode=0755 sandbox-layer "$L"
mkdir -p "$L/up/etc/systemd/system" "$L/up/etc/apt/sources.list.d" "$L/up/etc/apt/preferences.d" "$L/work"

# Units that would act on the shared kernel or the host (clock, sysctl, modules, devices, disks,
# network, audit), start the host's daemons, or run at random times (timers) are masked.
masked=(
  apt-daily.service apt-daily-upgrade.service dpkg-db-backup.service man-db.service
  e2scrub_all.service e2scrub_reap.service fstrim.service
  getty@tty1.service console-getty.service serial-getty@.service
  systemd-timesyncd.service hwclock.service systemd-sysctl.service systemd-modules-load.service
  kmod-static-nodes.service systemd-binfmt.service proc-sys-fs-binfmt_misc.automount
  proc-sys-fs-binfmt_misc.mount systemd-udevd.service systemd-udev-trigger.service
  systemd-udev-settle.service systemd-udevd-control.socket systemd-udevd-kernel.socket
  systemd-networkd.service systemd-networkd.socket systemd-networkd-wait-online.service
  systemd-network-generator.service systemd-resolved.service networking.service
  NetworkManager.service ssh.service ssh.socket cron.service postgresql.service pgbouncer.service
  docker.service docker.socket containerd.service systemd-journald-audit.socket
  systemd-pstore.service systemd-firstboot.service modprobe@.service
)
for u in "${masked[@]}"; do ln -sfn /dev/null "$L/up/etc/systemd/system/$u"; done
for t in /lib/systemd/system/*.timer /etc/systemd/system/*.timer; do
  [[ -e "$t" || -L "$t" ]] && ln -sfn /dev/null "$L/up/etc/systemd/system/${t##*/}"
done

# Overlay whiteouts (0/0 character devices) hide the host's apt sources and pins: apt inside sees
# only the sources a test writes.
for f in /etc/apt/sources.list /etc/apt/sources.list.d/* /etc/apt/preferences /etc/apt/preferences.d/*; do
  [[ -e "$f" || -L "$f" ]] && mknod "$L/up$f" c 0 0
done

mount -t overlay sandbox-root -o "lowerdir=/,upperdir=$L/up,workdir=$L/work" "$R"

mount -t proc proc "$R/proc"
# Read-only /proc/sys and /sys, as systemd-nspawn does: kernel-wide knobs stay the host's.
mount --bind "$R/proc/sys" "$R/proc/sys"
mount -o remount,bind,ro "$R/proc/sys"
mount -t sysfs -o ro sysfs "$R/sys"
mount -t cgroup2 cgroup2 "$R/sys/fs/cgroup"

# A minimal /dev (not the host's): nothing inside can reach the host's disks or create nodes there.
mount -t tmpfs -o mode=0755,nosuid sandbox-dev "$R/dev"
for d in null zero full random urandom tty; do
  touch "$R/dev/$d"
  mount --bind "/dev/$d" "$R/dev/$d"
done
mkdir -p "$R/dev/pts" "$R/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$R/dev/pts"
ln -s pts/ptmx "$R/dev/ptmx"
mount -t tmpfs -o mode=1777,nosuid,nodev shm "$R/dev/shm"
ln -s /proc/self/fd "$R/dev/fd"
ln -s /proc/self/fd/0 "$R/dev/stdin"
ln -s /proc/self/fd/1 "$R/dev/stdout"
ln -s /proc/self/fd/2 "$R/dev/stderr"
# Not the host's console: systemd's status lines would land there. Its log is in the journal.
touch "$R/dev/console"
mount --bind /dev/null "$R/dev/console"

mount -t tmpfs -o mode=0755,nosuid,nodev run "$R/run"
mount -t tmpfs -o mode=1777,nosuid,nodev tmp "$R/tmp"

for b in "$@"; do
  mkdir -p "$R$b"
  mount --bind "$b" "$R$b"
done

# Builtin read opens /proc/self in this very process; the proc mount is still the host's, so
# this is the host PID that systemd will have after the exec below.
read -r host_pid _ < /proc/self/stat
echo "$host_pid" > "$state/systemd.pid.tmp"
mv "$state/systemd.pid.tmp" "$state/systemd.pid"

export container=warehouse-sandbox
exec chroot "$R" /lib/systemd/systemd --system --show-status=yes ${SANDBOX_SYSTEMD_ARGS:-} systemd.unified_cgroup_hierarchy=1
