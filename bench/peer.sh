#!/usr/bin/env bash
# PEER_CMD of our three `custom` peers of ../shared/peers, in the foreground (exec) so that
# run-peer.sh's SIGTERM reaches the server process itself.
#   pacs-embedded  the whole PACS in one process: PGlite, in-process bus, files under PEER_DIR
#   pacs-cluster   scp-listener + indexer + qr-service + admin-api on PostgreSQL, NATS and
#                  s3rver (bench/pacs-cluster.ts)
#   pacs-null      a null-sink C-STORE SCP on @pacs/dicom (bench/null-scp.ts)
#   node-floor     the least a Node.js null-sink C-STORE SCP does, for reference
#                  (bench/node-floor-scp.ts)
# Usage: PEER_CMD='exec bench/peer.sh LABEL' (with the absolute path).
# Environment (from run-peer.sh): PEER_PORT PEER_DIR PEER_AET MOVE_DEST_AET MOVE_DEST_HOST
# MOVE_DEST_PORT MAX_PDU. Bench settings: BENCH_HTTP_PORT (default PEER_PORT+1000),
# BENCH_LOG_LEVEL (info), BENCH_NODE_OPTIONS (extra node flags for the PACS / null SCP processes,
# e.g. --cpu-prof --cpu-prof-dir=DIR), BENCH_DIST (the built apps; default dist/), BENCH_WARM_UP
# (pacs-embedded and pacs-null: synthetic C-STOREs of the start-up warm-up, default 1000; 0 = cold).
set -euo pipefail
ROOT=$(cd "$(dirname "$(realpath "$0")")/.." && pwd)
: "${PEER_PORT:?run through run-peer.sh custom}" "${PEER_DIR:?run through run-peer.sh custom}"
mkdir -p "$PEER_DIR"
cd "$ROOT"
# A PACS_* variable left in the environment would be read as configuration.
for v in $(compgen -e | grep '^PACS_' || true); do unset "$v"; done
# Every PACS process starts with the heap flags and glibc's trim threshold, as the image and the
# Helm chart start them (docs/adr/0002-memory-settings.md); bench/pacs-cluster.ts passes the
# flags on to its processes, which inherit the environment.
export BENCH_HEAP_FLAGS="--initial-old-space-size=64 --max-semi-space-size=2" MALLOC_TRIM_THRESHOLD_=16777216

case "${1:-}" in
  pacs-embedded)
    cat > "$PEER_DIR/pacs-embedded.yaml" <<YAML
mode: embedded
dataDir: "$PEER_DIR/data"
shutdownTimeoutMs: 10000
log: { level: ${BENCH_LOG_LEVEL:-info} }
dicom: { aeTitle: "${PEER_AET:-PACS}", port: $PEER_PORT, maxPduLength: ${MAX_PDU:-16384}${BENCH_WARM_UP:+, warmUpInstances: $BENCH_WARM_UP} }
http: { host: 127.0.0.1, port: ${BENCH_HTTP_PORT:-$((PEER_PORT + 1000))} }
telemetry: { prometheus: { port: 0, host: 127.0.0.1 } }
aeMap:
  - { aeTitle: "${MOVE_DEST_AET:-BENCHMOVE}", host: ${MOVE_DEST_HOST:-127.0.0.1}, port: ${MOVE_DEST_PORT:-11190} }
YAML
    # shellcheck disable=SC2086
    PACS_CONFIG="$PEER_DIR/pacs-embedded.yaml" exec node $BENCH_HEAP_FLAGS ${BENCH_NODE_OPTIONS:-} "${BENCH_DIST:-$ROOT/dist}/apps/all-in-one/main.js" ;;
  pacs-cluster)
    exec node --import tsx bench/pacs-cluster.ts ;;
  pacs-null)
    # shellcheck disable=SC2086
    exec node $BENCH_HEAP_FLAGS ${BENCH_NODE_OPTIONS:-} --import tsx bench/null-scp.ts ;;
  node-floor)
    # shellcheck disable=SC2086
    exec node $BENCH_HEAP_FLAGS ${BENCH_NODE_OPTIONS:-} --import tsx bench/node-floor-scp.ts ;;
  *)
    echo "peer.sh: unknown peer '${1:-}' (pacs-embedded | pacs-cluster | pacs-null | node-floor)" >&2; exit 2 ;;
esac
