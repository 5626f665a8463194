#!/usr/bin/env bash
# =============================================================================
# bench/profile.sh - CPU profile of our PACS during one harness-style store run.
# Starts the peer with node --cpu-prof, sends the dataset with storescu (one association, as
# bench.sh's store-x1, or -j N in parallel), waits until everything is indexed, stops the peer
# (the profile is written on exit) and prints the top self-time functions with source lines,
# counting only the samples from the first C-STORE until everything was indexed, and the CPU
# time of each thread of the peer's processes over the same interval (bench/thread-cpu.ts).
#
# Usage: bench/profile.sh [-l pacs-embedded|pacs-cluster|pacs-null] [-j N] [-p PORT] [-o DIR] DATASET_DIR
# Output: DIR (default /tmp/peers/profile-<label>-<timestamp>) holds the .cpuprofile files
#         (open them in Chrome DevTools or speedscope for a flame graph) and top.txt.
# =============================================================================
set -euo pipefail
HERE=$(cd "$(dirname "$(realpath "$0")")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
PEERS_DIR=$(realpath -m "$ROOT/${BENCH_PEERS_DIR:-../shared/peers}")
LABEL=pacs-embedded J=1 PORT=11312 OUTDIR=""
while getopts "l:j:p:o:h" o; do
  case "$o" in
    l) LABEL=$OPTARG ;; j) J=$OPTARG ;; p) PORT=$OPTARG ;; o) OUTDIR=$OPTARG ;;
    *) sed -n '2,/^# =====/p' "$0" | sed 's/^# \{0,1\}//; /^=====/d'; exit 1 ;;
  esac
done
shift $((OPTIND - 1))
DS=$(realpath "${1:?dataset directory (made by make-dataset.sh)}")
OUTDIR=${OUTDIR:-/tmp/peers/profile-$LABEL-$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$OUTDIR/prof"
export TCP_NODELAY=1 MAX_PDU=${MAX_PDU:-16384}
export PEER_CMD="exec $HERE/peer.sh $LABEL" PEER_COUNT_CMD="$HERE/count.sh" BENCH_LABEL=$LABEL BENCH_DATASET_DIR=$DS
export BENCH_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=$OUTDIR/prof"
PEER_DIR=$OUTDIR/peer
peer() { "$PEERS_DIR/run-peer.sh" custom "$1" "$PORT" "$PEER_DIR"; }
trap 'peer stop >/dev/null 2>&1 || true' EXIT

[[ -d "$ROOT/dist/apps" ]] || (cd "$ROOT" && npm run --silent build)
peer start
find "$DS/dicom" -type f -name '*.dcm' | sort > "$OUTDIR/files.txt"
split -n "l/$J" -d -a 3 "$OUTDIR/files.txt" "$OUTDIR/chunk."
# V8 stamps profile samples with CLOCK_MONOTONIC microseconds, as process.hrtime does.
mono_us() { node -e 'console.log((process.hrtime.bigint() / 1000n).toString())'; }
threads() { (cd "$ROOT" && node --import tsx bench/thread-cpu.ts "$@"); }
threads snapshot "$(cat "$PEER_DIR/peer.pid")" > "$OUTDIR/threads-before.json"
m0=$(mono_us)
t0=${EPOCHREALTIME/./}
for k in "$OUTDIR"/chunk.*; do
  storescu -R -aet BENCHSCU -aec PACS -pdu "$MAX_PDU" 127.0.0.1 "$PORT" "@$k" > "$k.log" 2>&1 &
done
wait
t1=${EPOCHREALTIME/./}
n=$(peer count)
window=(--start-us "$m0" --end-us "$(mono_us)")
threads snapshot "$(cat "$PEER_DIR/peer.pid")" > "$OUTDIR/threads-after.json"
echo "profile.sh: $LABEL stored $n of $(wc -l < "$OUTDIR/files.txt") in $(( (t1 - t0) / 1000 )) ms over $J association(s)" | tee "$OUTDIR/top.txt"
threads report "$OUTDIR/threads-before.json" "$OUTDIR/threads-after.json" --instances "$n" --tck "$(getconf CLK_TCK)" | tee -a "$OUTDIR/top.txt"
peer stop
trap - EXIT
for _ in $(seq 50); do compgen -G "$OUTDIR/prof/*.cpuprofile" >/dev/null && break; sleep 0.2; done
(cd "$ROOT" && node --import tsx bench/cpuprofile-top.ts "${window[@]}" "$OUTDIR"/prof/*.cpuprofile) | tee -a "$OUTDIR/top.txt"
