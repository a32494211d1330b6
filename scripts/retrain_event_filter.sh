#!/usr/bin/env bash
# Retrains the learned event filter on the rules as they are now, in one command:
#   scripts/retrain_event_filter.sh        (pip install -r scripts/requirements-train.txt once)
# builds marsad, runs scripts/eval.sh (which writes the events' features with
# `marsad filter-features`), trains data/model/event_filter.txt on the tune articles, rewrites the
# Rust test's fixture, rebuilds (the model is built into the binary) and prints the report:
# cross-validated tune figures, check and seed figures with and without the filter.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
out=${EVAL_OUT:-$target/eval}
cargo build --release -q -p marsad
NO_BUILD=1 MARSAD_BIN="$target/release/marsad" EVAL_OUT="$out" scripts/eval.sh > "$out.before.md"
python3 scripts/train_event_filter.py train "$out"
cargo build --release -q -p marsad
python3 scripts/train_event_filter.py fixture --bin "$target/release/marsad"
python3 scripts/train_event_filter.py report "$out"
NO_BUILD=1 MARSAD_BIN="$target/release/marsad" EVAL_OUT="$out" scripts/eval.sh
