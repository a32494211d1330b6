#!/usr/bin/env bash
# Linking cost: ingest time per document as the input grows. The corpus ×1, ×2, ×4, ×8 (each
# copy with its own ids and a marker line, so that no copy is a duplicate of another), and
# generated reports of one kind in one city (scripts/gen_corpus.py --one-kind-one-city), each
# into a fresh store; prints wall time, time per document, events and stories of ≥ 2 reports.
#
#   scripts/bench_link.sh [CORPUS] [COPIES...]      (default: the shared corpus, 1 2 4 8)
#
# Environment: NO_BUILD=1 skips `cargo build`; MARSAD_BIN is the binary (default
# target/release/marsad, or $CARGO_TARGET_DIR/release/marsad); BENCH_DIR holds the inputs and
# stores (default target/bench-link); GEN="10000 2500 5000" are the sizes of the generated
# runs and SPAN their date span in days (default 365: about 27 reports a day at 10,000).
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${1:-../shared/data/corpus/syria_war_articles.jsonl}
shift || true
COPIES=${*:-1 2 4 8}
GEN=${GEN:-2500 5000 10000}
SPAN=${SPAN:-365}
DIR=${BENCH_DIR:-target/bench-link}
mkdir -p "$DIR"
[ -n "${NO_BUILD:-}" ] || cargo build --release -q -p marsad
bin=${MARSAD_BIN:-${CARGO_TARGET_DIR:-target}/release/marsad}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(date -u '+%F %T UTC'); commit $(git rev-parse --short HEAD); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-28s %8s %9s %10s %8s %9s %8s\n' input docs wall_s ms_per_doc events stories2 largest

run() {
  local name=$1 file=$2 db=$DIR/db
  rm -rf "$db"
  local t0 t1
  t0=$(date +%s.%N)
  "$bin" --db "$db" ingest "$file" >/dev/null 2>"$DIR/log"
  t1=$(date +%s.%N)
  local docs events multi largest
  local stats
  stats=$("$bin" --db "$db" stats --json)
  docs=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["documents"])' <<<"$stats")
  events=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["events"])' <<<"$stats")
  multi=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["stories"])' <<<"$stats")
  largest=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["largest_story"])' <<<"$stats")
  awk -v n="$name" -v d="$docs" -v a="$t0" -v b="$t1" -v e="$events" -v m="$multi" -v l="$largest" \
    'BEGIN { printf "%-28s %8d %9.1f %10.2f %8d %9d %8d\n", n, d, b - a, (b - a) * 1000 / d, e, m, l }'
}

for k in $COPIES; do
  f=$DIR/corpus-x$k.jsonl
  if [ ! -s "$f" ]; then
    python3 - "$CORPUS" "$k" "$f" <<'PY'
import json, sys
src, k, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = [json.loads(l) for l in open(src, encoding="utf-8") if l.strip()]
with open(out, "w", encoding="utf-8") as fh:
    for c in range(k):
        for d in lines:
            d = dict(d)
            if c:
                d["id"] = f"{d['id']}~{c}"
                if d.get("url"):
                    d["url"] = f"{d['url']}#copy{c}"
                d["text"] = f"{d.get('text', '')}\nنسخة {c}"
            fh.write(json.dumps(d, ensure_ascii=False) + "\n")
PY
  fi
  run "corpus x$k" "$f"
done
for n in $GEN; do
  f=$DIR/one-city-$n-$SPAN.jsonl
  [ -s "$f" ] || python3 scripts/gen_corpus.py "$n" "$f" --one-kind-one-city --span-days "$SPAN" 2>/dev/null
  run "one kind, one city: $n" "$f"
done
rm -rf "$DIR/db"
