#!/usr/bin/env bash
# Regenerates the figures of docs/BENCHMARKS.md: prints them with the machine, the date and the
# commit; paste them in. Each section can run alone.
#
#   scripts/bench.sh [SECTION...]     sections: extract criterion python link ingest search http
#                                     (default: extract criterion python)
#
# extract    `marsad bench` (analysis only, 1 and 2 threads, medians of 5) on the seeds and the
#            corpus, the geocoding share, then `marsad extract` end to end (read JSONL → events as
#            JSONL) with wall time, CPU and peak RSS, 5 runs.
# criterion  the criterion suite (crates/*/benches). BENCH_QUICK=1 passes --quick.
# python     scripts/bench_python.sh: marsad's normalizer + tokenizer against camel-tools,
#            pyarabic and tashaphyne (installs them from PyPI into target/pybench).
# link       crates/link/examples/link_bench.rs: the linker alone, fed as the ingest feeds it, on
#            LINK_DOCS (default 100,000) generated documents in date order and 20,000 in random
#            date order; µs per document and digests of the stories and of every save.
# ingest     scripts/bench_ingest.sh: generated documents into a fresh store (N=INGEST_DOCS,
#            default 1,000,000; takes ~10 minutes and ~6 GB of disk).
# search     `marsad bench-search` on SEARCH_DOCS (default 100,000) generated documents.
# http       the loopback load test of `marsad serve` (crates/serve/examples/load.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared}
CORPUS=$SHARED/data/corpus/syria_war_articles.jsonl
SECTIONS=${*:-extract criterion python}
[ -n "${NO_BUILD:-}" ] || cargo build --release -q -p marsad
bin=target/release/marsad

echo "## $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)"
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1)," \
  "$(free -g | awk '/Mem:/{print $2}') GiB; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"

has() { [[ " $SECTIONS " == *" $1 "* ]]; }

if has extract; then
  echo "### extract: analysis only, seeds repeated to 10 MB"
  $bin bench "$SHARED/seeds" --mb 10 --runs 5
  # What the gazetteer costs: the same run with a knowledge base that has none. Its place names
  # leave the matcher's trie too, so this is an upper bound on geocoding, not its share (see
  # docs/BENCHMARKS.md for the callgrind measure of geocoding alone).
  kb=$(mktemp -d)
  cp data/*.toml "$kb"/
  mkdir "$kb/gazetteer"
  head -1 data/gazetteer/places.csv >"$kb/gazetteer/places.csv"
  echo "### extract without the gazetteer (place matching and geocoding together)"
  $bin --kb "$kb" bench "$SHARED/seeds" --mb 10 --runs 5
  rm -rf "$kb"
  echo "### extract: analysis only, the real-article corpus (2,429 pages)"
  $bin bench "$CORPUS" --mb 31 --runs 5 2>/dev/null
  echo "### marsad extract end to end on the corpus (JSONL in, events as JSONL out), 5 runs"
  for threads in 1 2; do
    for _ in 1 2 3 4 5; do
      RAYON_NUM_THREADS=$threads /usr/bin/time -f "rayon threads $threads: %e s wall, %U s user, %S s sys, %P CPU, peak RSS %M KiB" \
        $bin extract "$CORPUS" --format jsonl 2>&1 >/dev/null | grep '^rayon'
    done
  done
fi

if has criterion; then
  # One thread, the first 200 corpus articles: one line per bench, "name: median time
  # (median throughput)".
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
fi

if has python; then
  echo "### normalization + tokenization: marsad vs the Python Arabic tools"
  scripts/bench_python.sh "$CORPUS" 3
fi

if has link; then
  n=${LINK_DOCS:-100000}
  mkdir -p target/bench
  gen=target/bench/gen$n.jsonl
  [ -s "$gen" ] || python3 scripts/gen_corpus.py "$n" "$gen"
  rgen=target/bench/gen20000-random.jsonl
  [ -s "$rgen" ] || python3 scripts/gen_corpus.py 20000 "$rgen" --random-dates
  cargo build --release -q -p marsad-link --example link_bench
  for f in "$gen" "$rgen"; do
    echo "### linker alone: $f"
    target/release/examples/link_bench "$f"
  done
fi

if has ingest; then
  echo "### ingest into the store"
  scripts/bench_ingest.sh "${INGEST_DOCS:-1000000}"
fi

if has search; then
  n=${SEARCH_DOCS:-100000}
  gen=target/bench/gen$n.jsonl
  mkdir -p target/bench
  [ -f "$gen" ] || python3 scripts/gen_corpus.py "$n" "$gen"
  echo "### search: $n generated documents"
  rm -rf target/bench/search-index
  $bin bench-search "$gen" --out target/bench/search-index --runs 5
fi

if has http; then
  echo "### HTTP: loopback load test of marsad serve"
  rm -rf target/bench/load-db
  cargo run --release -q -p marsad-serve --example load -- \
    --docs "${HTTP_DOCS:-100000}" --requests 2000 --clients 4 --db target/bench/load-db
fi
