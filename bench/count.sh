#!/usr/bin/env bash
# PEER_COUNT_CMD for our peers: prints how many instances the peer holds once indexing has
# caught up with the acknowledged C-STOREs. bench.sh calls it right after the storescu
# processes end, so the time and CPU spent here are the index "tail" after the last
# C-STORE-RSP; both go to BENCH_OUT/index-tail.tsv for the report.
#   pacs-embedded, pacs-cluster: GET /api/statistics on BENCH_HTTP_PORT (PEER_PORT+1000),
#     polled until it reaches the dataset size or stops changing for BENCH_SETTLE_S (10 s)
#   pacs-null, node-floor: the count file the SCP writes (bench/lib/count-file.ts)
# Environment: PEER_PORT PEER_DIR (run-peer.sh), BENCH_LABEL BENCH_DATASET_DIR BENCH_OUT (run.sh)
set -uo pipefail
HTTP=${BENCH_HTTP_PORT:-$((PEER_PORT + 1000))}
SETTLE=${BENCH_SETTLE_S:-10}
TIMEOUT=${BENCH_COUNT_TIMEOUT_S:-600}
TICK=$(getconf CLK_TCK)
EXPECTED=$(sed -n 's/^DS_INSTANCES=//p' "${BENCH_DATASET_DIR:-/nonexistent}/manifest.env" 2>/dev/null || true)
EXPECTED=${EXPECTED:-0}

cpu_ticks() {   # utime+stime(+children) of the peer's process tree, as bench.sh counts it
  local root; root=$(cat "$PEER_DIR/peer.pid" 2>/dev/null) || { echo 0; return; }
  ps -e -o pid=,ppid= | awk -v root="$root" '
    { par[$1] = $2 } END { want[root] = 1
      do { changed = 0; for (p in par) if (!(p in want) && (par[p] in want)) { want[p] = 1; changed = 1 } } while (changed)
      for (p in want) print p }' |
  while read -r p; do sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null || true; done |
  awk '{ s += $12 + $13 + $14 + $15 } END { printf "%d\n", s }'
}
current() {
  case "${BENCH_LABEL:-}" in
    pacs-null|node-floor) cat "$PEER_DIR/stored-count" 2>/dev/null || echo -1 ;;
    *) curl -sf --max-time 5 "http://127.0.0.1:$HTTP/api/statistics" 2>/dev/null | jq -r '.instances // -1' 2>/dev/null || echo -1 ;;
  esac
}

c0=$(cpu_ticks); t0=${EPOCHREALTIME/./}
last=-2; since=$SECONDS; start=$SECONDS
while :; do
  n=$(current); [[ "$n" =~ ^-?[0-9]+$ ]] || n=-1
  (( EXPECTED > 0 && n >= EXPECTED )) && break
  if [[ "$n" != "$last" ]]; then last=$n; since=$SECONDS; fi
  (( SECONDS - since >= SETTLE || SECONDS - start >= TIMEOUT )) && break
  sleep 0.1
done
t1=${EPOCHREALTIME/./}; c1=$(cpu_ticks)
if [[ -n "${BENCH_OUT:-}" ]]; then
  mkdir -p "$BENCH_OUT"
  printf '%s\t%s\t%s\t%s\t%s\t%.3f\t%.2f\n' "$(date -u +%FT%TZ)" "$(basename "${BENCH_DATASET_DIR:-?}")" "${BENCH_LABEL:-?}" \
    "$n" "$EXPECTED" "$(( t1 - t0 ))e-6" "$(awk -v a="$c0" -v b="$c1" -v t="$TICK" 'BEGIN { print (b - a) / t }')" >> "$BENCH_OUT/index-tail.tsv"
fi
if (( n < 0 )); then
  # Unreachable counts as nothing stored (the harness marks FAIL); bench.sh wipes PEER_DIR
  # before the next run, so keep the end of the peer's log for the post-mortem.
  [[ -n "${BENCH_OUT:-}" ]] && tail -100 "$PEER_DIR/peer.log" > "$BENCH_OUT/count-failed-${BENCH_LABEL:-peer}-$(date -u +%H%M%S).log" 2>/dev/null
  n=0
fi
echo "$n"
