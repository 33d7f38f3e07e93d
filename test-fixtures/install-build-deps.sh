#!/bin/sh
# Installs the build toolchain (JDK 17, Maven) on Debian 12 when missing; idempotent and quiet
# when everything is there.
set -eu
if command -v mvn >/dev/null 2>&1 && command -v javac >/dev/null 2>&1 \
   && javac -version 2>&1 | grep -Eq 'javac (1[7-9]|2[0-9])'; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends openjdk-17-jdk-headless maven
