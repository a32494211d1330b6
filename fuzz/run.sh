#!/usr/bin/env bash
# Runs every fuzz target for SECS seconds (default 60) one after the other; crashes go to
# fuzz/artifacts/<target>/. Needs nightly and cargo-fuzz (`cargo install cargo-fuzz`).
#   fuzz/run.sh [SECS] [TARGET...]
set -u
cd "$(dirname "$0")"
SECS=${1:-60}; shift || true
TARGETS=${*:-normalize jsonl html warc extract query}
[ -d corpus ] || python3 seed_corpus.py
for t in $TARGETS; do
  echo "=== $t $(date -u +%FT%TZ), ${SECS}s"
  cargo +nightly fuzz run "$t" "corpus/$t" -- -max_total_time="$SECS" -timeout=20 \
    -rss_limit_mb=2048 -print_final_stats=1 2>&1 | grep -E "^(Done|stat::|==[0-9]+==ERROR|SUMMARY|thread .* panicked|Test unit written|artifact_prefix)" 
  echo "=== $t exit ${PIPESTATUS[0]}"
done
