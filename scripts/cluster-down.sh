#!/usr/bin/env bash
# Stops the cluster simulation started with scripts/cluster-up.sh --background: SIGTERM to
# the pid it recorded (which stops HAProxy and every process it started, and drops its
# schema and stream), never anything found by name.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE_DIR=${CLUSTER_STATE_DIR:-${TMPDIR:-/tmp}/pacs-cluster}
[ -s $STATE_DIR/pid ] || { echo "no cluster running ($STATE_DIR/pid missing)"; exit 0; }
pid=$(cat $STATE_DIR/pid)
if kill -0 "$pid" 2>/dev/null; then
  kill -TERM "$pid"
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
fi
rm -f $STATE_DIR/pid $STATE_DIR/state.json
echo "cluster stopped"
