#!/usr/bin/env bash
# Normalization + tokenization throughput: marsad (Rust) vs the Python Arabic tools
# (camel-tools, pyarabic, tashaphyne) on the same text, in one run.
#
#   scripts/bench_python.sh [CORPUS.jsonl] [RUNS]     (SAMPLE=0.1: share of the texts the
#   slow per-word stemmer of tashaphyne runs on; every other tool runs on all texts)
#
# Installs the Python tools from PyPI into a venv under target/pybench (camel-tools with
# --no-deps: only its utils are used, its analyzer data is neither downloaded nor needed),
# builds a small Rust bench (scripts/textbench, its own workspace, target dir under
# target/pybench) and runs scripts/bench_python.py, which prints a Markdown table.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CORPUS=${1:-../shared/data/corpus/syria_war_articles.jsonl}
RUNS=${2:-3}
PB=$ROOT/target/pybench
mkdir -p "$PB"
if [ ! -x "$PB/venv/bin/python" ]; then
  python3 -m venv "$PB/venv" || { echo "venv creation failed" >&2; exit 2; }
fi
PY=$PB/venv/bin/python
PIP="$PY -m pip install --quiet --disable-pip-version-check"
STATUS=$PB/install-status.txt
: > "$STATUS"
# camel-tools: no deps (its full dependency set pulls torch/transformers); the utils
# (normalize, dediac, simple_word_tokenize) need only emoji, regex and six.
if $PIP --no-deps camel-tools && $PIP emoji regex six; then
  echo "camel-tools ok $($PY -m pip show camel-tools 2>/dev/null | awk '/^Version/{print $2}')" >> "$STATUS"
else
  echo "camel-tools FAILED" >> "$STATUS"
fi
for p in pyarabic tashaphyne; do
  if $PIP "$p"; then
    echo "$p ok $($PY -m pip show "$p" 2>/dev/null | awk '/^Version/{print $2}')" >> "$STATUS"
  else
    echo "$p FAILED" >> "$STATUS"
  fi
done
cat "$STATUS" >&2

# The Rust side: marsad_text::normalize + marsad_text::token_iter on the same texts.
CARGO_TARGET_DIR=$PB/rust-target cargo build --release --quiet \
  --manifest-path scripts/textbench/Cargo.toml || { echo "textbench build failed" >&2; exit 2; }
TEXTBENCH=$PB/rust-target/release/textbench

echo "machine: $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)" >&2
lscpu | head -n 15 >&2
exec "$PY" scripts/bench_python.py --corpus "$CORPUS" --runs "$RUNS" \
  --rust "$TEXTBENCH" --status "$STATUS" --sample "${SAMPLE:-0.1}"
