#!/usr/bin/env bash
# =============================================================================
# bench/run.sh - the whole benchmark in one command: our PACS (embedded, cluster), a
# null-sink SCP on @pacs/dicom and the Node.js floor under it, side by side with the reference
# servers of ../shared/peers (DCMTK storescp, storescp --ignore, dcmqrscp, Orthanc with SQLite
# and with PostgreSQL), same machine, same run, same DCMTK clients and datasets. Writes
# bench/RESULTS.md and bench/results.json (raw numbers and the ratios the issues ask for).
#
# Usage: bench/run.sh [options]
#   --profiles "small medium"  datasets (make-dataset.sh profiles: tiny small medium)
#   --rounds N        times the whole peer sequence is run, peers interleaved (default 3): the
#                     report takes each cell's median over the rounds, and shows each ratio's
#                     spread over the rounds, so that a slow spell of the shared host weighs on
#                     every peer alike instead of on whichever peer it happened to meet
#   --reps N          runs of each C-STORE test within a round, each on a wiped peer (default 1)
#   --quick           smoke run: tiny dataset, 1 round, fewer peers, 64 MiB "large" instance
#   --peers "..."     peers, harness syntax (custom:NAME for ours); default: all nine
#   --port N          DICOM port of the peer under test (default 11312; HTTP = port+1000)
#   --big-mib N       size of the single large instance (power of two, default 1024)
#   --visibility-n N  instances sent one by one for the store → visible latency (default 100)
#   --retrieve-pairs N  C-MOVE / C-GET of one study and the study-level C-FIND by our embedded PACS
#                     and by dcmqrscp / orthanc / orthanc-pg, both running, taking turns N times
#                     (default 21): the ratio with the host's noise shared by both sides of each
#                     pair (measure-extra.ts retrieve)
#   --no-install      do not apt-get install missing tools
#   --no-build        do not run npm run build
#   --no-extra        skip measure-extra.ts (large instance, visibility latency, retrieve in pairs,
#                     durable write floor)
#   --out DIR         raw results (default /tmp/peers/results/bench-<timestamp>)
# Environment: BENCH_PEERS_DIR (default ../shared/peers, relative to the repository root),
#   DATA_ROOT (/tmp/peers/data), REGENERATE=1 (fresh datasets), BENCH_PG_URL, BENCH_NATS_URL,
#   BENCH_LOG_LEVEL (info), plus every bench.sh / run-peer.sh variable.
# Needs root for apt-get and for orthanc-pg's private PostgreSQL cluster (as the harness).
# =============================================================================
set -euo pipefail
export LC_ALL=C
HERE=$(cd "$(dirname "$(realpath "$0")")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
cd "$ROOT"
PEERS_DIR=$(realpath -m "$ROOT/${BENCH_PEERS_DIR:-../shared/peers}")
export BENCH_PEERS_DIR=$PEERS_DIR

ALL_PEERS="storescp storescp-null dcmqrscp orthanc orthanc-pg custom:pacs-embedded custom:pacs-cluster custom:pacs-null custom:node-floor"
QUICK_PEERS="storescp storescp-null orthanc custom:pacs-embedded custom:pacs-cluster custom:pacs-null custom:node-floor"
PROFILES="" REPS="" ROUNDS="" QUICK=0 PEERS="" PORT=11312 BIG_MIB="" VIS_N="" PAIRS="" INSTALL=1 BUILD=1 EXTRA=1 OUT=""
usage() { sed -n '2,/^# =====/p' "$0" | sed 's/^# \{0,1\}//; /^=====/d'; exit "${1:-0}"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --profiles) PROFILES=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --quick) QUICK=1; shift ;;
    --peers) PEERS=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    --big-mib) BIG_MIB=$2; shift 2 ;;
    --visibility-n) VIS_N=$2; shift 2 ;;
    --retrieve-pairs) PAIRS=$2; shift 2 ;;
    --no-install) INSTALL=0; shift ;;
    --no-build) BUILD=0; shift ;;
    --no-extra) EXTRA=0; shift ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "run.sh: unknown option $1" >&2; usage 1 ;;
  esac
done
if [[ $QUICK == 1 ]]; then
  PROFILES=${PROFILES:-tiny} REPS=${REPS:-1} ROUNDS=${ROUNDS:-1} PEERS=${PEERS:-$QUICK_PEERS} BIG_MIB=${BIG_MIB:-64} VIS_N=${VIS_N:-10} PAIRS=${PAIRS:-3}
  BENCH_OPTS=(-n 3 -m 2)
else
  PROFILES=${PROFILES:-small medium} REPS=${REPS:-1} ROUNDS=${ROUNDS:-3} PEERS=${PEERS:-$ALL_PEERS} BIG_MIB=${BIG_MIB:-1024} VIS_N=${VIS_N:-100} PAIRS=${PAIRS:-21}
  BENCH_OPTS=()
fi
PROFILES=${PROFILES//,/ } PEERS=${PEERS//,/ }
DATA_ROOT=${DATA_ROOT:-/tmp/peers/data}
OUT=${OUT:-/tmp/peers/results/bench-$(date -u +%Y%m%d-%H%M%S)}
export TCP_NODELAY=${TCP_NODELAY:-1} MAX_PDU=${MAX_PDU:-16384}
mkdir -p "$OUT/extra"
log() { echo "run.sh: $*" >&2; }
load1() { cut -d' ' -f1 /proc/loadavg; }
TSX=(node --import tsx)

# ---- 1. tools ---------------------------------------------------------------
install_missing() {
  local pkgs=()
  command -v storescu >/dev/null || pkgs+=(dcmtk)
  command -v Orthanc >/dev/null || pkgs+=(orthanc)
  [[ -e /usr/share/orthanc/plugins/libOrthancPostgreSQLIndex.so ]] || pkgs+=(orthanc-postgresql)
  ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || pkgs+=(postgresql)
  ls /usr/share/postgresql/*/extension/pg_trgm.control >/dev/null 2>&1 || pkgs+=(postgresql-contrib)
  command -v gdcminfo >/dev/null || pkgs+=(libgdcm-tools)
  command -v nats-server >/dev/null || pkgs+=(nats-server)
  command -v jq >/dev/null || pkgs+=(jq)
  command -v curl >/dev/null || pkgs+=(curl)
  [[ -x /usr/bin/time ]] || pkgs+=(time)
  ((${#pkgs[@]} == 0)) && return 0
  log "installing ${pkgs[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
}
[[ $INSTALL == 1 ]] && install_missing
[[ -x "$PEERS_DIR/bench.sh" ]] || { log "peers harness not found at $PEERS_DIR (set BENCH_PEERS_DIR)"; exit 1; }
if [[ " $PEERS " == *" custom:pacs-cluster "* ]] && ! "$ROOT/scripts/ensure-services.sh"; then
  log "PostgreSQL or NATS is not reachable: custom:pacs-cluster is left out"
  PEERS=${PEERS//custom:pacs-cluster/}
fi

# ---- 2. the PACS --------------------------------------------------------------
if [[ ! -d node_modules ]]; then npm ci --no-audit --no-fund; fi
if [[ $BUILD == 1 ]]; then npm run --silent build; fi
# A private copy of the bundles: other work in this tree may rebuild dist/ during the run.
# It stays under the repository so that the bundles still resolve node_modules.
rm -rf "$HERE/.dist"; mkdir -p "$HERE/.dist"; cp -r dist/apps "$HERE/.dist/apps"
export BENCH_DIST=$HERE/.dist

# ---- 3. datasets and the record of this run ------------------------------------
for ds in $PROFILES; do
  if [[ "${REGENERATE:-0}" == 1 || ! -f "$DATA_ROOT/$ds/manifest.env" ]]; then
    "$PEERS_DIR/make-dataset.sh" --profile "$ds" -o "$DATA_ROOT/$ds"
  fi
done
{
  echo "date: $(date -u +%FT%TZ)"
  echo "host: $(uname -srm), $(nproc) cpus, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), debian $(cat /etc/debian_version 2>/dev/null)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  dpkg-query -W -f='${Package} ${Version}\n' dcmtk orthanc orthanc-postgresql postgresql libgdcm-tools nats-server 2>/dev/null || true
  echo "node $(node --version), PACS $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "TCP_NODELAY=$TCP_NODELAY MAX_PDU=$MAX_PDU port=$PORT rounds=$ROUNDS reps=$REPS quick=$QUICK"
  echo "peers: $PEERS"; echo "datasets: $PROFILES"; echo "bench options: -s $REPS ${BENCH_OPTS[*]}"
} > "$OUT/env.txt"
printf 'round\tdataset\tpeer\tload1_before\tload1_after\tseconds\n' > "$OUT/load.tsv"

# ---- 4. which Q/R services our peers answer (a C-FIND/C-MOVE/C-GET probe) -------------
declare -A CAPS=([pacs-null]=store [node-floor]=store)
for label in pacs-embedded pacs-cluster; do
  [[ " $PEERS " == *" custom:$label "* ]] || continue
  CAPS[$label]=$("${TSX[@]}" bench/measure-extra.ts caps --label "$label" --port "$PORT" 2>>"$OUT/caps.log" | tail -1) || CAPS[$label]=""
  [[ -n "${CAPS[$label]}" ]] || { log "$label did not start for the capability probe (see $OUT/caps.log)"; CAPS[$label]=store; }
  echo "$label: ${CAPS[$label]}" | tee -a "$OUT/caps.txt" >&2
done

# ---- 5. the harness, every peer on every dataset, round after round ---------------------
# Each round writes its own results.tsv and index-tail.tsv (count.sh) under round-N/. The
# RSS sampler runs in the first round only: peaks do not need repeating.
T0=$SECONDS
for ((round = 1; round <= ROUNDS; round++)); do
  export BENCH_OUT=$OUT/round-$round
  mkdir -p "$BENCH_OUT"
  for ds in $PROFILES; do
    for p in $PEERS; do
      peer=${p%%:*} label=${p#*:}
      env=()
      sampler=""
      if [[ $peer == custom ]]; then
        env=(PEER_CMD="exec $HERE/peer.sh $label" PEER_COUNT_CMD="$HERE/count.sh" PEER_CAPS="${CAPS[$label]:-store}"
             BENCH_LABEL="$label" BENCH_DATASET_DIR="$DATA_ROOT/$ds")
        external=(); [[ $label == pacs-cluster ]] && external=(--external postgres,nats-server)
        if ((round == 1)); then
          "${TSX[@]}" bench/measure-extra.ts sample --run-dir "/tmp/peers/run/$label-$ds" --out "$OUT/extra/rss-$label-$ds.json" "${external[@]}" &
          sampler=$!
        fi
      fi
      l0=$(load1) t0=$SECONDS
      log "== round $round/$ROUNDS: $label on $ds (load $l0)"
      env "${env[@]}" "$PEERS_DIR/bench.sh" -r "$BENCH_OUT/results.tsv" -l "$label" -p "$PORT" -s "$REPS" "${BENCH_OPTS[@]}" "$peer" "$DATA_ROOT/$ds" \
        || log "bench of $label on $ds failed (rc=$?)"
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$ds" "$label" "$l0" "$(load1)" "$((SECONDS - t0))" >> "$OUT/load.tsv"
      if [[ -n $sampler ]]; then kill -TERM "$sampler" 2>/dev/null || true; wait "$sampler" || true; fi
    done
  done
done
log "harness runs took $((SECONDS - T0)) s"
for ((round = 1; round <= ROUNDS; round++)); do "$PEERS_DIR/report.sh" "$OUT/round-$round/results.tsv" > "$OUT/round-$round/harness.md"; done

# ---- 6. extra measurements ------------------------------------------------------------
if [[ $EXTRA == 1 ]]; then
  big_labels=() vis_labels=()
  for l in pacs-embedded pacs-cluster pacs-null; do
    [[ " $PEERS " == *" custom:$l "* ]] && big_labels+=("$l")
  done
  [[ " $PEERS " == *" storescp-null "* ]] && big_labels+=(storescp-null)
  for l in pacs-cluster pacs-embedded; do [[ " $PEERS " == *" custom:$l "* ]] && vis_labels+=("$l"); done
  if ((${#big_labels[@]})); then
    log "== one ${BIG_MIB} MiB instance: ${big_labels[*]}"
    "${TSX[@]}" bench/measure-extra.ts big --labels "${big_labels[*]}" --port "$PORT" --mib "$BIG_MIB" \
      --data-dir "$DATA_ROOT/big" --out "$OUT/extra/big.json" || log "large-instance measurement failed"
  fi
  vis_ds=$DATA_ROOT/small; [[ -f $vis_ds/manifest.env ]] || vis_ds=$DATA_ROOT/${PROFILES%% *}
  if ((${#vis_labels[@]})); then
    log "== C-STORE → visible latency: ${vis_labels[*]} ($VIS_N instances of $(basename "$vis_ds"))"
    "${TSX[@]}" bench/measure-extra.ts visibility --labels "${vis_labels[*]}" --port "$PORT" --dataset "$vis_ds" \
      --n "$VIS_N" --out "$OUT/extra/visibility.json" || log "visibility measurement failed"
  fi
  compare=()
  if [[ " $PEERS " == *" custom:pacs-embedded "* ]]; then
    [[ " $PEERS " == *" dcmqrscp "* && " ${CAPS[pacs-embedded]:-} " == *" move "* ]] && compare+=(pacs-embedded:dcmqrscp:move)
    [[ " $PEERS " == *" orthanc "* && " ${CAPS[pacs-embedded]:-} " == *" get "* ]] && compare+=(pacs-embedded:orthanc:get)
    [[ " $PEERS " == *" orthanc-pg "* && " ${CAPS[pacs-embedded]:-} " == *" find "* ]] && compare+=(pacs-embedded:orthanc-pg:find)
  fi
  if ((${#compare[@]})); then
    retrieve_ds=()
    for ds in $PROFILES; do retrieve_ds+=("$DATA_ROOT/$ds"); done
    log "== retrieve in pairs ($PAIRS): ${compare[*]} on ${PROFILES}"
    "${TSX[@]}" bench/measure-extra.ts retrieve --datasets "${retrieve_ds[*]}" --port "$PORT" --pairs "$PAIRS" \
      --compare "${compare[*]}" --out "$OUT/extra/retrieve.json" || log "paired retrieve measurement failed"
  fi
  floor_ds=()
  for ds in $PROFILES; do [[ -f $DATA_ROOT/$ds/manifest.env ]] && floor_ds+=("$DATA_ROOT/$ds"); done
  if ((${#floor_ds[@]})); then
    log "== durable write floor (the disk's share of one acknowledged C-STORE): ${PROFILES}"
    "${TSX[@]}" bench/measure-extra.ts floor --datasets "${floor_ds[*]}" --out "$OUT/extra/floor.json" \
      || log "durable write floor measurement failed"
  fi
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/env.txt"

# ---- 7. the report ---------------------------------------------------------------------
"${TSX[@]}" bench/report.ts --dir "$OUT" --md "$HERE/RESULTS.md" --json "$HERE/results.json"
log "report: $HERE/RESULTS.md  raw: $OUT"
