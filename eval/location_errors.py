#!/usr/bin/env python3
"""Lists location errors on typed matches, for reading tune articles only.

usage: location_errors.py GOLD.jsonl [GOLD2.jsonl ...] PRED.jsonl

Pairs gold and predicted events exactly as the scorer does (typed match, cue overlap >= 0.6,
best overlap first) and prints every pair whose location scores below 1.0: the score, the gold
place (location, location_ar, admin1), the predicted place and its evidence. Ends with counts.
"""
import json, sys, importlib.util, os

spec = importlib.util.spec_from_file_location(
    "score", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "eval", "score_events.py"))
score = importlib.util.module_from_spec(spec); spec.loader.exec_module(score)


def load(path):
    return [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]


def main():
    *golds, pred_path = sys.argv[1:]
    preds = load(pred_path)
    total, sums, shown = 0, 0.0, 0
    for gpath in golds:
        gold = [g for g in load(gpath) if g.get("event_type") is not None]
        pairs = []
        for gi, g in enumerate(gold):
            cue = set(score.words(g["cue"]))
            for pi, p in enumerate(preds):
                if str(p.get("doc", "")).removesuffix(".txt") != g["doc"]:
                    continue
                if score.norm(p.get("sub_event_type", "")) != score.norm(g["sub_event_type"]):
                    continue
                ov = len(cue & set(score.words(score.evidence_text(p)))) / max(1, len(cue))
                if ov >= 0.6:
                    pairs.append((ov, gi, pi))
        pairs.sort(reverse=True)
        ug, up = set(), set()
        for ov, gi, pi in pairs:
            if gi in ug or pi in up:
                continue
            ug.add(gi); up.add(pi)
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
