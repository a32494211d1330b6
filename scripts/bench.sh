#!/usr/bin/env bash
# Regenerates the extraction figures of docs/BENCHMARKS.md (prints them; paste them in).
# usage: scripts/bench.sh [MB]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${1:-10}
SHARED=../shared
[ -n "${NO_BUILD:-}" ] || cargo build --release -q -p marsad
[ -n "${NO_BUILD:-}" ] || cargo build --release -q -p marsad-text --example throughput
bin=target/release/marsad
echo "## $(date -u +%Y-%m-%d) on $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(free -g | awk '/Mem:/{print $2}') GiB"
echo "### extract, seeds repeated to ${MB} MB"
$bin bench "$SHARED/seeds" --mb "$MB" --runs 5
# Geocoding share: the same run with a knowledge base that has no gazetteer.
kb=$(mktemp -d); trap 'rm -rf "$kb"' EXIT
cp data/*.toml "$kb"/; mkdir "$kb/gazetteer"
head -1 data/gazetteer/places.csv > "$kb/gazetteer/places.csv"
echo "### extract without the gazetteer (geocoding share)"
$bin --kb "$kb" bench "$SHARED/seeds" --mb "$MB" --runs 5
echo "### extract, the real-article corpus (2,429 pages)"
$bin bench "$SHARED/data/corpus/syria_war_articles.jsonl" --mb 31 --runs 3 2>/dev/null
echo "### normalization + tokenization (one core)"
target/release/examples/throughput "$SHARED"/seeds/*.txt 2>/dev/null || true
# Criterion suite (crates/*/benches, one thread, the first 200 corpus articles): one line per
# bench, "name: median time (median throughput)". BENCH_QUICK=1 passes --quick (rougher, faster).
echo "### criterion benches (text, ingest, kb, extract)"
# shellcheck disable=SC2086  # the empty expansion must vanish
cargo bench -q --workspace --bench text --bench ingest --bench kb --bench extract \
  -- ${BENCH_QUICK:+--quick} 2>&1 | awk '
  function flush() { if (name != "" && time != "") print name ": " time thrpt; name = time = thrpt = "" }
  function mid(line,  v) { split(substr(line, index(line, "[") + 1), v, " "); return v[3] " " v[4] }
  /^bench input:/ { flush(); print "- " $0; next }
  /^(Benchmarking|Testing|Warning|WARNING|Found)/ { next }
  /^ +change:/ { flush(); next }
  /^ +time: *\[/ { time = mid($0); next }
  /^ +thrpt: *\[/ { thrpt = " (" mid($0) ")"; flush(); next }
  /^[^ ]/ && /time: *\[/ { flush(); name = $1; time = mid($0); next }
  /^[^ ]/ && NF == 1 { flush(); name = $1; next }
  END { flush() }'
