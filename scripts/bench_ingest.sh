#!/usr/bin/env bash
# Ingest throughput: N generated documents into a fresh store, with wall time, CPU, peak RSS,
# the resident set sampled during the run, and the on-disk size per document.
#
#   scripts/bench_ingest.sh [N]        (default 1,000,000)
#
# The corpus is made once by scripts/gen_corpus.py (deterministic, seed 7) as
# target/bench/gen<N>.jsonl and kept; the store is rebuilt every run in target/bench/ingest-db.
# Environment: NO_BUILD=1 skips `cargo build`; BENCH_DIR moves target/bench (it needs about
# 2.4 KB of corpus and ~15 KB of store per document: ~20 GB for a million); RSS_EVERY is the
# sampling interval in seconds (default 30); KEEP_DB=1 keeps the store afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
DIR=${BENCH_DIR:-target/bench}
EVERY=${RSS_EVERY:-30}
mkdir -p "$DIR"
[ -n "${NO_BUILD:-}" ] || cargo build --release -q -p marsad
bin=$PWD/target/release/marsad
gen=$DIR/gen$N.jsonl
if [ ! -s "$gen" ]; then
  python3 scripts/gen_corpus.py "$N" "$gen.tmp" && mv "$gen.tmp" "$gen"
fi
db=$DIR/ingest-db
rm -rf "$db"
log=$(mktemp)
samples=$(mktemp)
trap 'rm -f "$log" "$samples"' EXIT

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "corpus: $gen ($N documents, $(du -h "$gen" | cut -f1))"
/usr/bin/time -v "$bin" --db "$db" ingest "$gen" 2>"$log" &
timer=$!
# The marsad process under /usr/bin/time: sample its resident set until it exits.
pid=""
for _ in $(seq 50); do
  pid=$(pgrep -P "$timer" || true)
  [ -n "$pid" ] && break
  sleep 0.1
done
start=$(date +%s)
if [ -n "$pid" ]; then
  while kill -0 "$pid" 2>/dev/null; do
    rss=$(awk '/^VmRSS/{print $2}' "/proc/$pid/status" 2>/dev/null || true)
    [ -n "$rss" ] && echo "$(($(date +%s) - start)) $rss" >>"$samples"
    sleep "$EVERY" &
    wait $! || true
  done
fi
wait "$timer" || { echo "ingest failed:"; tail -20 "$log"; exit 1; }

field() { sed -n "s/^\s*$1: //p" "$log"; }
wall=$(field 'Elapsed (wall clock) time (h:mm:ss or m:ss)')
secs=$(echo "$wall" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
user=$(field 'User time (seconds)')
sys=$(field 'System time (seconds)')
cpu=$(field 'Percent of CPU this job got')
peak=$(field 'Maximum resident set size (kbytes)')
docs=$("$bin" --db "$db" stats --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["documents"])' || echo "$N")
bytes() { du -sb "$@" | awk '{ s += $1 } END { print s }'; }
sqlite_b=$(bytes "$db"/marsad.sqlite*)
index_b=$(bytes "$db/index")
total_b=$(bytes "$db")

grep '^ingested' "$log" || true
awk -v n="$docs" -v s="$secs" -v w="$wall" -v u="$user" -v y="$sys" -v c="$cpu" -v p="$peak" \
  -v t="$total_b" -v q="$sqlite_b" -v i="$index_b" 'BEGIN {
  printf "documents:     %d\n", n
  printf "wall:          %s (%.0f s), %.0f documents/s\n", w, s, n / s
  printf "cpu:           %.0f s user + %.0f s sys (%s of one core)\n", u, y, c
  printf "peak RSS:      %.0f MiB\n", p / 1024
  printf "on disk:       %.2f GiB total, %.1f KiB per document\n", t / 2^30, t / n / 1024
  printf "  SQLite:      %.2f GiB, %.1f KiB per document\n", q / 2^30, q / n / 1024
  printf "  index:       %.2f GiB, %.1f KiB per document\n", i / 2^30, i / n / 1024
}'
echo "RSS during the run (seconds since start: MiB):"
awk '{ printf "  %5d s: %6.0f MiB\n", $1, $2 / 1024 }' "$samples"
[ -n "${KEEP_DB:-}" ] || rm -rf "$db"
