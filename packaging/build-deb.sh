#!/bin/bash
# Builds the agent's Debian package and prints its path:
#
#   packaging/build-deb.sh [--jar JAR] [--out DIR] VERSION
#
#   VERSION  the release, YY.MM.NN (e.g. 26.11.01). It is stamped into the packaged jar's
#            manifest (Implementation-Version), so `agent --version`, the package version and the
#            warehouse_agent_build_info metric are the same string whatever the jar said.
#   --jar    the shaded jar (default: target/warehouse-agent.jar, as `mvn package` leaves it)
#   --out    where warehouse-agent_VERSION_all.deb goes (default: target)
#
# `mvn package` runs this with the pom's version. dpkg-deb from a script rather than jdeb or
# debhelper: the layout is small and fixed, the maintainer scripts are hand-written anyway (the
# restart after an upgrade is not what dh_installsystemd generates), and dpkg-deb needs nothing
# that Debian does not already have. Reproducible: the same jar and VERSION give the same bytes
# (root:root owners, fixed modes, every mtime and the ar timestamps set to SOURCE_DATE_EPOCH,
# which defaults to the date of VERSION's changelog entry).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
project=$(dirname "$here")
jar=$project/target/warehouse-agent.jar
out=$project/target
while [[ $# -gt 0 && "$1" == --* ]]; do
  case "$1" in
    --jar) jar=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "build-deb.sh: unknown option $1" >&2; exit 64 ;;
  esac
done
[[ $# -eq 1 ]] || { echo "usage: build-deb.sh [--jar JAR] [--out DIR] VERSION" >&2; exit 64; }
version=$1
# The release scheme: two-digit year, month, and the release of that month.
[[ "$version" =~ ^[0-9]{2}\.(0[1-9]|1[0-2])\.[0-9]{2}$ ]] \
  || { echo "build-deb.sh: version must be YY.MM.NN, not '$version'" >&2; exit 64; }
[[ -f "$jar" ]] || { echo "build-deb.sh: no jar at $jar (run mvn package first)" >&2; exit 66; }
maintainer=${DEB_MAINTAINER:-Warehouse agent maintainers <warehouse-agent@example.org>}

mkdir -p "$out"
out=$(cd "$out" && pwd)
deb=$out/warehouse-agent_${version}_all.deb
tree=$(mktemp -d "$out/.deb-tree-XXXXXX")
trap 'rm -rf "$tree"' EXIT
umask 022
chmod 755 "$tree"

# --- changelog: packaging/debian/changelog, with a generated entry on top when VERSION has none
# (a test or snapshot build); its date is SOURCE_DATE_EPOCH when set, else now.
changelog=$tree/changelog
top=$(sed -n '1s/^warehouse-agent (\([^)]*\)).*/\1/p' "$here/debian/changelog")
if [[ "$top" == "$version" ]]; then
  cp "$here/debian/changelog" "$changelog"
else
  when=$(date -u -R -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}")
  {
    printf 'warehouse-agent (%s) stable; urgency=medium\n\n' "$version"
    printf '  * Build of %s (no changelog entry of its own).\n\n' "$version"
    printf ' -- %s  %s\n\n' "$maintainer" "$when"
    cat "$here/debian/changelog"
  } > "$changelog"
fi
entry_date=$(sed -n '0,/^ -- /s/^ -- .*>  \(.*\)$/\1/p' "$changelog")
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(date -u -d "$entry_date" +%s)}

# --- files
install -d -m 755 "$tree/usr/share/warehouse-agent" "$tree/usr/bin" "$tree/lib/systemd/system" \
  "$tree/etc/warehouse-agent/attributes.d" "$tree/etc/warehouse-agent/keys" \
  "$tree/usr/share/doc/warehouse-agent" "$tree/usr/share/man/man1" \
  "$tree/usr/share/bash-completion/completions" "$tree/DEBIAN"
# Secrets and state are root's alone (the agent refuses secrets readable by others anyway).
install -d -m 700 "$tree/etc/warehouse-agent/secrets" "$tree/var/lib/warehouse-agent"
python3 "$here/stamp-version.py" "$jar" "$tree/usr/share/warehouse-agent/warehouse-agent.jar" "$version"
chmod 644 "$tree/usr/share/warehouse-agent/warehouse-agent.jar"
install -m 755 "$here/bin/agent" "$tree/usr/bin/agent"
# Class-data sharing: the classes the agent loads (the build's lists, beside the jar: short
# commands, the daemon) and the script
# that makes this host's JVM archive them (postinst, and the trigger on /usr/lib/jvm).
classlist="${jar%.jar}.classlist"
if [ -f "$classlist" ]; then
  install -d -m 755 "$tree/usr/lib/warehouse-agent"
  install -m 644 "$classlist" "$tree/usr/share/warehouse-agent/warehouse-agent.classlist"
  install -m 644 "${classlist%.classlist}-daemon.classlist" \
    "$tree/usr/share/warehouse-agent/warehouse-agent-daemon.classlist"
  install -m 755 "$here/cds-archive.sh" "$tree/usr/lib/warehouse-agent/cds-archive"
fi
for unit in warehouse-agent.service warehouse-agent-converge.service warehouse-agent-converge.timer; do
  install -m 644 "$project/systemd/$unit" "$tree/lib/systemd/system/$unit"
done
install -m 644 "$here/debian/agent.yml" "$tree/etc/warehouse-agent/agent.yml"
install -m 644 "$here/debian/copyright" "$tree/usr/share/doc/warehouse-agent/copyright"
# A native package (no Debian revision): its changelog is changelog.gz (lintian, policy 12.7).
gzip -9n < "$changelog" > "$tree/usr/share/doc/warehouse-agent/changelog.gz"
gzip -9n < "$project/README.md" > "$tree/usr/share/doc/warehouse-agent/README.md.gz"
# The operator's reference beside it (the README points to them); the developers' docs stay out.
for doc in configuration operations; do
  gzip -9n < "$project/src/site/markdown/$doc.md" > "$tree/usr/share/doc/warehouse-agent/$doc.md.gz"
done
# agent(1) and the bash completion, written from the packaged jar's command model
# (cli/GeneratedDocs), so that they list every command and option it has.
docs=$tree/generated-docs
"${JAVA_HOME:+$JAVA_HOME/bin/}java" -cp "$jar" org.warehouse.agent.cli.GeneratedDocs "$docs"
gzip -9n < "$docs/agent.1" > "$tree/usr/share/man/man1/agent.1.gz"
chmod 644 "$tree/usr/share/man/man1/agent.1.gz"
install -m 644 "$docs/agent.bash-completion" "$tree/usr/share/bash-completion/completions/agent"
rm -r "$docs"
rm "$changelog"
chmod 644 "$tree"/usr/share/doc/warehouse-agent/*.gz

# --- control
for script in postinst prerm postrm; do
  sed "s/@VERSION@/$version/g" "$here/debian/$script" > "$tree/DEBIAN/$script"
  chmod 755 "$tree/DEBIAN/$script"
done
echo /etc/warehouse-agent/agent.yml > "$tree/DEBIAN/conffiles"
# A JDK upgrade makes the class-data archive stale: the postinst makes it again.
echo "interest-noawait /usr/lib/jvm" > "$tree/DEBIAN/triggers"
# dpkg is essential: a Depends on it would be an error (lintian), and any Debian 12 dpkg will do.
installed_kb=$(du -sk --exclude=DEBIAN "$tree" | cut -f1)
cat > "$tree/DEBIAN/control" <<CONTROL
Package: warehouse-agent
Version: $version
Architecture: all
Maintainer: $maintainer
Installed-Size: $installed_kb
Depends: default-jre-headless (>= 2:1.17) | java17-runtime-headless, apt, systemd
Section: admin
Priority: optional
Description: keeps a Warehouse application server converged
 warehouse-agent installs the newest Warehouse release from a signed apt
 repository, renders /opt/warehouse/etc/config.yml from node attributes and
 restarts the services that subscribed to what changed, verifying that they
 come back and rolling back a release that does not. It runs as a systemd
 daemon with Prometheus metrics, or from a timer, and replaces chef-client on
 these hosts.
CONTROL
(cd "$tree" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z \
  | xargs -0 md5sum) > "$tree/DEBIAN/md5sums"
chmod 644 "$tree/DEBIAN/control" "$tree/DEBIAN/conffiles" "$tree/DEBIAN/triggers" \
  "$tree/DEBIAN/md5sums"

# Every mtime is the changelog's date: the package's bytes depend on its content alone.
find "$tree" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
dpkg-deb --root-owner-group -Zgzip -z9 --build "$tree" "$deb" >/dev/null
echo "$deb"
