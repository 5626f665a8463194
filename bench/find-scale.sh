#!/usr/bin/env bash
# =============================================================================
# bench/find-scale.sh - C-FIND latency at 10^4 and 10^6 indexed instances, our PACS (cluster
# mode) against orthanc-pg at 10^4, in one invocation (issues #6 and #10). Not part of
# scripts/test.sh; bench/run.sh does not run it either.
#
#   1. makes (or reuses) a 10^4-instance dataset with ../shared/peers/make-dataset.sh
#      (20 patients x 5 studies x 4 series x 25 instances of 64x64) under DATA_ROOT;
#   2. orthanc-pg (run-peer.sh, PostgreSQL index): stores the dataset with storescu, then
#      measures bench.sh's three C-FIND queries N times each with one findscu process per
#      query: study level by PatientID, study level by PatientName wildcard (both Study
#      Root), image level by Study+Series Instance UID (Study Root, IMAGE); stops it;
#   3. our PACS in cluster mode (custom peer, bench/peer.sh pacs-cluster): the same store and
#      the same queries at 10^4;
#   4. bulk-loads the running cluster's index up to TOTAL instances through the indexer's
#      repository (TypeOrmIndexRepository.upsertInstances, synthetic headers shaped like the
#      dataset's: random names and dates, ~2 studies x 4 series x 21 instances per patient;
#      the dataset's query keys keep their answers), prints the load rate, ANALYZEs, measures
#      the same queries at 10^6 and records EXPLAIN ANALYZE of our SQL for them;
#   5. writes bench/find-scale-results.md and bench/find-scale-results.json (machine, load
#      average, versions, p50/p95 per query and server, ratios ours@10^6 / orthanc-pg@10^4).
#      The number of matches of every query must be the same on both servers at 10^4 (and
#      ours at 10^6): a difference fails the script (exit 1) after the report is written.
#
# Usage: bench/find-scale.sh [options]
#   --n N              timed runs per query (default 30)
#   --total N          instances in our index for the large measurement (default 1000000)
#   --batch N          instances per upsertInstances transaction (default 300)
#   --concurrency N    upsert transactions in flight (default 2)
#   --port N           DICOM port of the peer under test (default 11412; the peers also use
#                      N+1000 HTTP, N+2000 orthanc-pg's PostgreSQL, N+3000 our S3 server)
#   --no-install       do not apt-get install missing tools
#   --no-build         use dist/ as it is (default: npm run build first)
#   --out DIR          raw results (default /tmp/peers/results/find-scale-<timestamp>)
# Environment: DATA_ROOT (/tmp/peers/data), REGENERATE=1 (fresh dataset), BENCH_PEERS_DIR
#   (../shared/peers), BENCH_PG_URL, BENCH_NATS_URL, BENCH_LOG_LEVEL (warn).
# Needs root (apt-get; orthanc-pg's private PostgreSQL cluster), PostgreSQL on 127.0.0.1:5432
# and NATS JetStream on 127.0.0.1:4222 (scripts/ensure-services.sh). About 15-25 minutes on
# 2 cores, most of it the bulk load; the loaded schema is dropped when the cluster stops.
# =============================================================================
set -euo pipefail
export LC_ALL=C
HERE=$(cd "$(dirname "$(realpath "$0")")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
cd "$ROOT"
PEERS_DIR=$(realpath -m "$ROOT/${BENCH_PEERS_DIR:-../shared/peers}")
export BENCH_PEERS_DIR=$PEERS_DIR

N=30 TOTAL=1000000 BATCH=300 CONCURRENCY=2 PORT=11412 INSTALL=1 BUILD=1 OUT=""
usage() { sed -n '2,/^# =====/p' "$0" | sed 's/^# \{0,1\}//; /^=====/d'; exit "${1:-0}"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --n) N=$2; shift 2 ;;
    --total) TOTAL=$2; shift 2 ;;
    --batch) BATCH=$2; shift 2 ;;
    --concurrency) CONCURRENCY=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    --no-install) INSTALL=0; shift ;;
    --no-build) BUILD=0; shift ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "find-scale.sh: unknown option $1" >&2; usage 1 ;;
  esac
done
DATA_ROOT=${DATA_ROOT:-/tmp/peers/data}
DS=$DATA_ROOT/find-scale-1e4
OUT=${OUT:-/tmp/peers/results/find-scale-$(date -u +%Y%m%d-%H%M%S)}
WORK=/tmp/peers/run/find-scale-$PORT
export TCP_NODELAY=1 MAX_PDU=${MAX_PDU:-16384} BENCH_LOG_LEVEL=${BENCH_LOG_LEVEL:-warn}
SCU=(-aet BENCHSCU -pdu "$MAX_PDU")
TSX=(node --import tsx)
mkdir -p "$OUT" "$WORK"
log() { echo "find-scale.sh: $*" >&2; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# ---- tools and services ------------------------------------------------------------------
if [[ $INSTALL == 1 ]]; then
  pkgs=()
  command -v storescu >/dev/null || pkgs+=(dcmtk)
  command -v Orthanc >/dev/null || pkgs+=(orthanc)
  [[ -e /usr/share/orthanc/plugins/libOrthancPostgreSQLIndex.so ]] || pkgs+=(orthanc-postgresql)
  ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || pkgs+=(postgresql)
  ls /usr/share/postgresql/*/extension/pg_trgm.control >/dev/null 2>&1 || pkgs+=(postgresql-contrib)
  command -v nats-server >/dev/null || pkgs+=(nats-server)
  command -v jq >/dev/null || pkgs+=(jq)
  command -v curl >/dev/null || pkgs+=(curl)
  if ((${#pkgs[@]})); then
    log "installing ${pkgs[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
  fi
fi
[[ -x "$PEERS_DIR/run-peer.sh" ]] || { log "peers harness not found at $PEERS_DIR (set BENCH_PEERS_DIR)"; exit 1; }
"$ROOT/scripts/ensure-services.sh" || { log "PostgreSQL or NATS is not reachable (scripts/ensure-services.sh)"; exit 1; }
for p in "$PORT" $((PORT + 1000)) $((PORT + 2000)) $((PORT + 3000)); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then log "port $p is in use (choose another --port)"; exit 1; fi
done

# ---- the PACS: a private copy of the bundles (other work may rebuild dist/ meanwhile) ------
[[ -d node_modules ]] || npm ci --no-audit --no-fund
[[ $BUILD == 1 ]] && npm run --silent build
DIST=$HERE/find-scale.dist
rm -rf "$DIST"; mkdir -p "$DIST"; cp -r dist/apps "$DIST/apps"
export BENCH_DIST=$DIST

ORTHANC_DIR=$WORK/orthanc-pg OURS_DIR=$WORK/pacs-cluster
OURS_ENV=(PEER_CMD="exec $HERE/peer.sh pacs-cluster" PEER_COUNT_CMD="$HERE/count.sh"
          BENCH_LABEL=pacs-cluster BENCH_DATASET_DIR="$DS" BENCH_SETTLE_S=30)
orthanc() { "$PEERS_DIR/run-peer.sh" orthanc-pg "$1" "$PORT" "$ORTHANC_DIR"; }
ours() { env "${OURS_ENV[@]}" "$PEERS_DIR/run-peer.sh" custom "$1" "$PORT" "$OURS_DIR"; }
cleanup() {
  orthanc stop >/dev/null 2>&1 || true
  ours stop >/dev/null 2>&1 || true          # pacs-cluster drops its schema, stream and bucket
  rm -rf "$DIST" "$ORTHANC_DIR"/{storage,index,pgdata,pgsock} "$OURS_DIR"/{s3,data}
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- 1. the dataset ------------------------------------------------------------------------
if [[ "${REGENERATE:-0}" == 1 || ! -f "$DS/manifest.env" ]]; then
  "$PEERS_DIR/make-dataset.sh" --patients 20 --studies 5 --series 4 --instances 25 --rows 64 --cols 64 -o "$DS"
fi
# shellcheck disable=SC1091
source "$DS/manifest.env"
find "$DS_DIR" -type f -name '*.dcm' | sort > "$WORK/files.txt"
split -n l/2 -d -a 1 "$WORK/files.txt" "$WORK/chunk."

{
  echo "date: $(date -u +%FT%TZ)"
  echo "host: $(uname -srm), $(nproc) cpus, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), debian $(cat /etc/debian_version 2>/dev/null)"
  echo "load average at start: $(loadavg)"
  dpkg-query -W -f='${Package} ${Version}\n' dcmtk orthanc orthanc-postgresql postgresql 2>/dev/null || true
  echo "PostgreSQL of our cluster: $(psql "${BENCH_PG_URL:-postgres://root@127.0.0.1:5432/test}" -Atc 'show server_version' 2>/dev/null || echo '?') (shared_buffers $(psql "${BENCH_PG_URL:-postgres://root@127.0.0.1:5432/test}" -Atc 'show shared_buffers' 2>/dev/null || echo '?'))"
  echo "node $(node --version), PACS $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "dataset: $DS ($DS_INSTANCES instances, ${DS_PATIENTS}x${DS_STUDIES_PER_PATIENT}x${DS_SERIES_PER_STUDY}x${DS_INSTANCES_PER_SERIES}, ${DS_ROWS}x${DS_COLS})"
  echo "TCP_NODELAY=$TCP_NODELAY MAX_PDU=$MAX_PDU port=$PORT runs per query=$N bulk load to $TOTAL (batch $BATCH, $CONCURRENCY at once)"
} > "$OUT/env.txt"
printf 'server\tinstances\thow\tseconds\tnote\n' > "$OUT/store.tsv"

# store LABEL AET COUNT_FN: the dataset over 2 associations (2 storescu processes in parallel)
store() {
  local label=$1 aet=$2 count_fn=$3 rc=0 pids=() t0 t1 n
  t0=${EPOCHREALTIME/./}
  for k in "$WORK"/chunk.*; do
    storescu -R "${SCU[@]}" -aec "$aet" 127.0.0.1 "$PORT" "@$k" > "$WORK/storescu.$label.${k##*.}.log" 2>&1 &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || rc=$?; done
  n=$($count_fn count 2>/dev/null || echo '?')      # ours: waits until the index has caught up
  t1=${EPOCHREALTIME/./}
  printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$n" "storescu -R x2 (until indexed)" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')" \
    "$( ((rc)) && echo "storescu rc=$rc" )" >> "$OUT/store.tsv"
  log "$label holds $n of $DS_INSTANCES instances"
  [[ $rc == 0 && "$n" == "$DS_INSTANCES" ]] || { log "storing into $label failed (rc=$rc, $n of $DS_INSTANCES; see $WORK/storescu.$label.*.log)"; exit 1; }
}
measure() {   # measure LABEL AET INSTANCES FILE
  log "== C-FIND on $1 with $3 instances ($N runs per query, load $(loadavg))"
  "${TSX[@]}" bench/find-scale.ts measure --label "$1" --aet "$2" --port "$PORT" --dataset "$DS" --n "$N" --instances "$3" --out "$OUT/$4.json"
}

# ---- 2. orthanc-pg at 10^4 ---------------------------------------------------------------------
rm -rf "$ORTHANC_DIR"
log "== orthanc-pg: start and store $DS_INSTANCES instances (load $(loadavg))"
orthanc start
store orthanc-pg "$(orthanc aet)" orthanc
measure orthanc-pg "$(orthanc aet)" "$DS_INSTANCES" orthanc-pg-1e4
orthanc stop

# ---- 3. ours at 10^4 ---------------------------------------------------------------------------
rm -rf "$OURS_DIR"
log "== pacs-cluster: start and store $DS_INSTANCES instances (load $(loadavg))"
ours start
store pacs-cluster "$(ours aet)" ours
measure pacs-cluster "$(ours aet)" "$DS_INSTANCES" pacs-cluster-1e4

# ---- 4. ours at 10^6: bulk load through the repository, ANALYZE, measure, explain ------------------
log "== pacs-cluster: bulk load to $TOTAL instances (load $(loadavg))"
"${TSX[@]}" bench/find-scale.ts load --peer-dir "$OURS_DIR" --dataset "$DS" --total "$TOTAL" --batch "$BATCH" \
  --concurrency "$CONCURRENCY" --out "$OUT/load.json"
measure pacs-cluster "$(ours aet)" "$TOTAL" pacs-cluster-1e6
"${TSX[@]}" bench/find-scale.ts explain --peer-dir "$OURS_DIR" --dataset "$DS" --out "$OUT/explain.txt" || log "EXPLAIN failed"
ours stop
echo "load average at end: $(loadavg)" >> "$OUT/env.txt"

# ---- 5. the report --------------------------------------------------------------------------------
rc=0
"${TSX[@]}" bench/find-scale.ts report --dir "$OUT" --md "$HERE/find-scale-results.md" --json "$HERE/find-scale-results.json" || rc=$?
log "report: $HERE/find-scale-results.md  raw: $OUT"
exit "$rc"
