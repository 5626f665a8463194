#!/usr/bin/env bash
# Starts the local cluster simulation (HAProxy in front of 3 scp-listeners, 2 indexers and
# 2 qr-services in cluster mode, on the machine's PostgreSQL and NATS and an s3rver) for a
# human to try failover by hand. Foreground by default; with --background it writes its
# state (ports, pids) to $STATE_DIR/state.json and returns once the cluster is up.
#   CLUSTER_LISTENERS=3 CLUSTER_INDEXERS=2 CLUSTER_QR_SERVICES=2 scripts/cluster-up.sh [--background]
set -euo pipefail
cd "$(dirname "$0")/.."
STATE_DIR=${CLUSTER_STATE_DIR:-${TMPDIR:-/tmp}/pacs-cluster}
export TCP_NODELAY=1
./scripts/ensure-services.sh
mkdir -p "$STATE_DIR"
export CLUSTER_STATE_FILE="$STATE_DIR/state.json"
rm -f "$CLUSTER_STATE_FILE"
if [ "${1:-}" = "--background" ]; then
  nohup node --import tsx test/cluster/support/cluster-cli.ts >"$STATE_DIR/cluster.log" 2>&1 &
  echo $! >"$STATE_DIR/pid"
  for _ in $(seq 1 600); do
    [ -s "$CLUSTER_STATE_FILE" ] && { cat "$CLUSTER_STATE_FILE"; exit 0; }
    kill -0 "$(cat "$STATE_DIR/pid")" 2>/dev/null || { cat "$STATE_DIR/cluster.log"; exit 1; }
    sleep 0.2
  done
  echo "cluster did not come up; see $STATE_DIR/cluster.log" >&2
  exit 1
fi
exec node --import tsx test/cluster/support/cluster-cli.ts
