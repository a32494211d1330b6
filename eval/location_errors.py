#!/usr/bin/env python3
"""Lists location errors on typed matches, for reading tune articles only.

usage: location_errors.py GOLD.jsonl [GOLD2.jsonl ...] PRED.jsonl

Pairs gold and predicted events exactly as the scorer does (typed match, cue overlap >= 0.6,
best overlap first) and prints every pair whose location scores below 1.0: the score, the gold
place (location, location_ar, admin1), the predicted place and its evidence. Ends with counts.
"""
import json, sys

from pairs import score, typed_pairs


def load(path):
    return [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]


def main():
    *golds, pred_path = sys.argv[1:]
    preds = load(pred_path)
    total, sums, shown = 0, 0.0, 0
    for gpath in golds:
        gold = [g for g in load(gpath) if g.get("event_type") is not None]
        for gi, pi in typed_pairs(gold, preds):
            g, p = gold[gi], preds[pi]
            s = score.loc_score(p, g)
            total += 1; sums += s
            if s >= 1.0:
                continue
            shown += 1
            print(f"{g['doc']} loc={s} {g['sub_event_type']}")
            print(f"  gold: {g.get('location')} | {g.get('location_ar')} | {g.get('admin1')}")
            print(f"  pred: {p.get('location')} | {p.get('location_ar')} | {p.get('location_name')} | {p.get('admin1')}")
            print(f"  cue:  {g['cue']}")
            print(f"  evid: {score.evidence_text(p)[:300]}")
    print(f"{total} typed matches, location {sums / max(1, total):.3f}, {shown} below 1.0")


if __name__ == "__main__":
    main()
