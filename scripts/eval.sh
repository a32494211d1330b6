#!/usr/bin/env bash
# Event quality, side by side: seeds, the tune and check parts of the development set, the team's
# own gold, and the keyword floor on each. Runs `marsad extract` on the articles the gold names.
#
#   scripts/eval.sh                  needs ../shared (seeds, gold, corpus, scorer) and python3
#
# Prints a markdown table; the scorer's JSON for each row is kept in $EVAL_OUT/scores/
# (EVAL_OUT defaults to target/eval). MARSAD_BIN picks the binary, NO_BUILD=1 skips the build.
#
# The dev split (eval/split.py) is fixed by a hash of the article id: rules are written while
# reading *tune* articles; *check* articles are only scored.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared}
CORPUS=$SHARED/data/corpus/syria_war_articles.jsonl
SCORE=$SHARED/eval/score_events.py
[ -n "${NO_BUILD:-}" ] || cargo build --release -q -p marsad
bin=${MARSAD_BIN:-target/release/marsad}
out=${EVAL_OUT:-target/eval}
mkdir -p "$out"

python3 eval/split.py "$SHARED/gold/dev.jsonl" "$out"
python3 eval/materialize.py eval/gold/team.jsonl "$CORPUS" "$out/team.jsonl"
python3 eval/split.py "$out/team.jsonl" "$out/team"
# Only the articles some gold file names: extraction is per document, so this equals running on
# the whole corpus and filtering.
python3 - "$CORPUS" "$out/docs.jsonl" "$SHARED/gold/dev.jsonl" "$out/team.jsonl" <<'PY'
import json, sys
want = set()
for g in sys.argv[3:]:
    want |= {json.loads(l)["doc"] for l in open(g, encoding="utf-8") if l.strip()}
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for l in open(sys.argv[1], encoding="utf-8"):
        d = json.loads(l)
        if d["id"] in want:
            f.write(json.dumps({"id": d["id"], "url": d["url"], "text": d["text"]}, ensure_ascii=False) + "\n")
PY
"$bin" extract "$out/docs.jsonl" --format jsonl > "$out/pred.jsonl" 2> "$out/extract.log"
"$bin" extract "$SHARED"/seeds/* --format jsonl > "$out/pred_seeds.jsonl" 2>> "$out/extract.log"
# The events again with the learned event filter's features (scripts/train_event_filter.py).
"$bin" filter-features "$out/docs.jsonl" > "$out/features.jsonl" 2>> "$out/extract.log"
"$bin" filter-features "$SHARED"/seeds/* > "$out/features_seeds.jsonl" 2>> "$out/extract.log"
# With the learned event filter.
"$bin" extract "$out/docs.jsonl" --format jsonl --event-filter > "$out/pred_filtered.jsonl" 2>> "$out/extract.log"
"$bin" extract "$SHARED"/seeds/* --format jsonl --event-filter > "$out/pred_seeds_filtered.jsonl" 2>> "$out/extract.log"
python3 eval/keyword_floor.py "$out/docs.jsonl" > "$out/floor.jsonl"

mkdir -p "$out/scores"
row() { # name gold pred: one table row; the scorer's JSON is kept in $out/scores/<name>.json
  local file
  file="$out/scores/$(echo "$1" | tr -c 'a-z0-9\n' '_').json"
  python3 "$SCORE" "$2" "$3" --json > "$file"
  python3 eval/table_row.py "$1" < "$file"
}
echo "| set | gold | pred | typed P | typed R | typed F1 | untyped F1 | actors | location | fatalities | stance |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
row "seeds" "$SHARED/gold/seeds.jsonl" "$out/pred_seeds.jsonl"
row "dev tune" "$out/tune.jsonl" "$out/pred.jsonl"
row "dev check" "$out/check.jsonl" "$out/pred.jsonl"
row "team tune" "$out/team/tune.jsonl" "$out/pred.jsonl"
row "team check" "$out/team/check.jsonl" "$out/pred.jsonl"
row "filtered: seeds" "$SHARED/gold/seeds.jsonl" "$out/pred_seeds_filtered.jsonl"
row "filtered: dev tune (in-sample)" "$out/tune.jsonl" "$out/pred_filtered.jsonl"
row "filtered: dev check" "$out/check.jsonl" "$out/pred_filtered.jsonl"
row "filtered: team tune (in-sample)" "$out/team/tune.jsonl" "$out/pred_filtered.jsonl"
row "filtered: team check" "$out/team/check.jsonl" "$out/pred_filtered.jsonl"
row "floor: dev tune" "$out/tune.jsonl" "$out/floor.jsonl"
row "floor: dev check" "$out/check.jsonl" "$out/floor.jsonl"
row "floor: team tune" "$out/team/tune.jsonl" "$out/floor.jsonl"
row "floor: team check" "$out/team/check.jsonl" "$out/floor.jsonl"
