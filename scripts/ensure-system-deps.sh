#!/usr/bin/env bash
# Installs what the sandbox needs from Debian's packages when the machine lacks it:
# a Java 17 runtime and Maven (which fetches the Kafka and Cassandra jars from Maven Central).
set -euo pipefail
missing=()
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${missing[*]} with apt-get" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "fleetops needs ${missing[*]}: install Java 17 and Maven, then retry" >&2
    exit 2
  fi
fi
