#!/usr/bin/env bash
# Issue 12: peak memory of `marsad serve` while 8 full exports run at once on a large store.
# Fills a store with the load generator (crates/serve/examples/load.rs: the samples and seeds,
# each analysed by the real extractor, repeated with unique trailers), serves it, starts 8
# concurrent downloads of every event (JSONL x4, CSV x2, GeoJSON x2), times a health check
# meanwhile, and prints the server's VmHWM (peak RSS) and VmRSS from /proc.
#
#   bash scripts/export-memory.sh [DOCS]     # default 20000 documents; DB=dir to keep the store,
#                                            # SERVE_ARGS="--max-exports 8" to pass flags
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DOCS="${1:-20000}"
DB="${DB:-$(mktemp -d)/db}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
cargo build --release -q -p marsad
cargo build --release -q -p marsad-serve --example load
"$TARGET/release/examples/load" --docs "$DOCS" --requests 1 --clients 1 --db "$DB" >/dev/null
LOG="$(mktemp)"
"$TARGET/release/marsad" --db "$DB" serve --addr 127.0.0.1:0 ${SERVE_ARGS:-} 2>"$LOG" &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "serving on" "$LOG" && break; sleep 0.1; done
BASE="$(sed -n 's/.*serving on \(http:[^ ]*\).*/\1/p' "$LOG")"
EVENTS="$(curl -s "$BASE/api/health" | python3 -c 'import json,sys; print(json.load(sys.stdin)["events"])')"
echo "store: $DOCS documents, $EVENTS events; server pid $PID, RSS before: $(grep VmRSS /proc/$PID/status | awk '{print $2/1024 " MB"}')"
T0=$(date +%s.%N)
PIDS=()
for path in export export export export "events.csv" "export?format=csv" "events.geojson" "export?format=geojson"; do
  curl -s -o /dev/null -w "%{http_code} %{size_download} bytes %{time_total}s  /api/$path\n" "$BASE/api/$path" &
  PIDS+=($!)
done
sleep 1
curl -s -o /dev/null -w "health check during the exports: %{http_code} in %{time_total}s\n" "$BASE/api/health"
wait "${PIDS[@]}"
T1=$(date +%s.%N)
echo "8 exports done in $(python3 -c "print(round($T1-$T0,1))") s"
echo "server peak RSS (VmHWM): $(grep VmHWM /proc/$PID/status | awk '{print $2/1024 " MB"}'); RSS after: $(grep VmRSS /proc/$PID/status | awk '{print $2/1024 " MB"}')"
