#!/usr/bin/env bash
# Quickstart on a fresh machine: install, build, start the sandbox (real Kafka and
# Cassandra from Maven Central), and run each capability against it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-deps.sh
npm ci --no-audit --no-fund
npm run build
fleetops() { node bin/run.js "$@"; }
step() { printf '\n\033[1m$ fleetops %s\033[0m\n' "$*"; fleetops "$@"; }

step sandbox up
eval "$(fleetops sandbox env)"
step doctor
