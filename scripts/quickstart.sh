#!/usr/bin/env bash
# Quickstart on a fresh machine: install, build, start the sandbox (real Kafka and
# Cassandra from Maven Central), and run each capability against it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-deps.sh
# A supported Node (22) first on PATH, whatever `node` the machine has: npm, the build and the
# CLI below all run on it.
PATH="$(bash scripts/ensure-node.sh 22):$PATH"
export PATH
npm ci --no-audit --no-fund
npm run build
fleetops() { node bin/run.js "$@"; }
step() { printf '\n\033[1m$ fleetops %s\033[0m\n' "$*" >&2; fleetops "$@"; }
# Probes exit 1/2 for WARNING/CRITICAL: in the quickstart that is an answer, not a failure.
probe() { step "$@" || echo "(probe exit code $?: see the status above)" >&2; }
work=$(mktemp -d)

step sandbox up
eval "$(fleetops sandbox env)"
step doctor
node scripts/quickstart-data.mjs
# The sink keyspace for the look-back job (RF 3 across the sandbox's three racks).
node -e "
const c = new (require('cassandra-driver').Client)({contactPoints: process.env.FLEETOPS_CONTACT_POINTS.split(','), localDataCenter: process.env.FLEETOPS_LOCAL_DC});
c.execute(\"CREATE KEYSPACE IF NOT EXISTS quickstart WITH replication = {'class':'NetworkTopologyStrategy','datacenter1':3}\").then(() => c.shutdown())"

# 1. Partition rebalances
step kafka describe --topics '^orders$'
step kafka rebalance plan --topics '^orders$' --output "$work/orders-plan.json"
step kafka rebalance execute --plan "$work/orders-plan.json" --execute --throttle 50MB/s
# 2. Consistent-hash planning
step ring show
step ring plan --add 3 --racks rack1,rack2,rack3 --tokens-per-node 16
step hash simulate --compare --nodes 10 --keys 100000
step hash kafka-partitions --topic orders --from 12 --to 16 --sample 2000
# 3. Replication-lag probes
probe lag kafka --group billing
probe lag replicas
probe lag cassandra --create-canary
# 4. Look-back reprocessing
step lookback run --job scripts/quickstart-job.yaml --create-sink

printf '\nDone. The sandbox is still running: stop it with `%s bin/run.js sandbox down` (add --purge to delete its data).\n' "$(command -v node)" >&2
