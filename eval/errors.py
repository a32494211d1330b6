#!/usr/bin/env python3
"""Lists extraction errors against a gold file, for reading tune articles only.

usage: errors.py GOLD.jsonl PRED.jsonl [--doc ID]

For every gold event: MATCH, WRONG-TYPE (a prediction covers the cue with another type) or MISS;
then every prediction that matched nothing (FALSE), with its evidence.
"""
import json, re, sys, importlib.util, os

spec = importlib.util.spec_from_file_location(
    "score", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "eval", "score_events.py"))
score = importlib.util.module_from_spec(spec); spec.loader.exec_module(score)


def main():
    gold = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
    preds = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8") if l.strip()]
    only = sys.argv[sys.argv.index("--doc") + 1] if "--doc" in sys.argv else None
    docs = {g["doc"] for g in gold}
    preds = [p for p in preds if p["doc"] in docs]
    used = set()
    for g in gold:
        if only and g["doc"] != only:
            continue
        if g.get("event_type") is None:
            print(f"{g['doc']} EMPTY-ARTICLE")
            continue
        cue = set(score.words(g["cue"]))
        best = None
        for i, p in enumerate(preds):
            if p["doc"] != g["doc"]:
                continue
            ov = len(cue & set(score.words(score.evidence_text(p)))) / max(1, len(cue))
            if ov >= 0.6:
                typed = score.norm(p["sub_event_type"]) == score.norm(g["sub_event_type"])
                key = (typed, ov)
                if best is None or key > best[0]:
                    best = (key, i)
        if best and best[0][0]:
            used.add(best[1]); tag = "MATCH"
        elif best:
            tag = "WRONG-TYPE(" + preds[best[1]]["sub_event_type"] + ")"
        else:
            tag = "MISS"
        print(f"{g['doc']} {tag:<40} gold {g['sub_event_type']:<36} {g['actors']} {g.get('location_ar')} | {g['cue']}")
    for i, p in enumerate(preds):
        if i in used or (only and p["doc"] != only):
            continue
        print(f"{p['doc']} FALSE {p['sub_event_type']:<36} | {score.evidence_text(p)[:200]}")


if __name__ == "__main__":
    main()
