#!/usr/bin/env bash
# Benchmarks the agent's Debian version code (JMH, DebianVersionBenchmark) against dpkg's own C
# implementation (libdpkg's parseversion + dpkg_version_compare, src/bench/c/dpkg_version_bench.c)
# on the same version mix (src/bench/resources/version-mix.txt) and the same number of operations:
# per run, 10 warmup and 5 measured iterations of 1000 passes over 1024 pairs.
#
# For compareOnly it also times the same comparison written in C with inline character classes
# (libdpkg 1.21 calls an out-of-line c_isbits() for every character), to show where Java stands
# against C that does not pay for that.
#
# Runs C and Java alternately, ROUNDS times each (default 5), so that load from other work on the
# machine hits both alike, and prints the median ns/op of each and the ratio Java/C.
#
#   src/bench/version-bench.sh                        # all three benchmarks, 5 rounds
#   ROUNDS=7 BENCHES=parseAndCompare src/bench/version-bench.sh
#
# Needs: a JDK 17 and Maven (the project's), and gcc, pkg-config, libdpkg-dev and jq, which it
# installs with apt-get when missing (as root). The first run downloads JMH from Maven Central.
set -euo pipefail

cd "$(dirname "$0")/../.."
ROUNDS=${ROUNDS:-5}
BENCHES=${BENCHES:-"parseAndCompare compareOnly parseOnly"}
MIX=src/bench/resources/version-mix.txt
OUT=target/bench
C_BIN=$OUT/dpkg_version_bench
JAR=$OUT/warehouse-agent.jar

missing=()
command -v gcc >/dev/null || missing+=(gcc libc6-dev)
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v jq >/dev/null || missing+=(jq)
[ -f /usr/include/dpkg/version.h ] || missing+=(libdpkg-dev)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "version-bench: missing ${missing[*]}; install them (apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "version-bench: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "version-bench: building (mvn -Pbench package, gcc -O2)" >&2
mvn -B -q -Pbench package -Dmaven.test.skip=true
# -O2 as Debian builds libdpkg itself; static libdpkg, as the -dev package ships it.
# shellcheck disable=SC2046
gcc -O2 -Wall -Wextra -o "$C_BIN" src/bench/c/dpkg_version_bench.c \
  $(pkg-config --cflags libdpkg) $(pkg-config --static --libs libdpkg)

median() {
  sort -g | awk '{v[NR] = $1} END {
    if (NR % 2) printf "%.1f", v[(NR + 1) / 2]; else printf "%.1f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "version-bench: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) at start;" \
  "dpkg $(dpkg-query -W -f='${Version}' libdpkg-dev), $(java -version 2>&1 | head -1)" >&2
summary=()
for bench in $BENCHES; do
  c_runs=()
  java_runs=()
  inline_runs=()
  for round in $(seq "$ROUNDS"); do
    c=$("$C_BIN" "$MIX" "$bench" | awk '/^ns\/op/ {print $2}')
    json=$OUT/jmh-$bench-$round.json
    java -cp "$JAR" org.openjdk.jmh.Main "DebianVersionBenchmark\.$bench\$" \
      -rf json -rff "$json" >"$OUT/jmh-$bench-$round.log" 2>&1 \
      || { cat "$OUT/jmh-$bench-$round.log" >&2; exit 1; }
    j=$(jq '.[0].primaryMetric.score' "$json")
    printf 'version-bench: %-16s round %d: Java %8.1f ns/op   C %8.1f ns/op\n' \
      "$bench" "$round" "$j" "$c" >&2
    c_runs+=("$c")
    java_runs+=("$j")
    if [ "$bench" = compareOnly ]; then
      inline_runs+=("$("$C_BIN" "$MIX" compareOnlyInline | awk '/^ns\/op/ {print $2}')")
      printf 'version-bench: %-16s round %d: C, inline ctype (not libdpkg) %8.1f ns/op\n' \
        "$bench" "$round" "${inline_runs[-1]}" >&2
    fi
  done
  cm=$(printf '%s\n' "${c_runs[@]}" | median)
  jm=$(printf '%s\n' "${java_runs[@]}" | median)
  ratio=$(awk -v j="$jm" -v c="$cm" 'BEGIN {printf "%.2f", j / c}')
  summary+=("$(printf '%-16s Java %8.1f ns/op   C %8.1f ns/op   Java/C %s' \
    "$bench" "$jm" "$cm" "$ratio")")
  if [ ${#inline_runs[@]} -gt 0 ]; then
    im=$(printf '%s\n' "${inline_runs[@]}" | median)
    summary+=("$(printf '%-16s (same algorithm in C with inline ctype, not libdpkg: %.1f ns/op,'\
' Java/that %s)' "" "$im" "$(awk -v j="$jm" -v c="$im" 'BEGIN {printf "%.2f", j / c}')")")
  fi
done

echo "version-bench: load $(cut -d' ' -f1-3 /proc/loadavg) at end" >&2
echo "medians of $ROUNDS runs each (one op = one pair of versions):"
printf '%s\n' "${summary[@]}"
