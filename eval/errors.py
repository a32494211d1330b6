#!/usr/bin/env python3
"""Lists extraction errors against a gold file, for reading tune articles only.

usage: errors.py GOLD.jsonl PRED.jsonl [--doc ID]

For every gold event: MATCH (paired as the scorer pairs), WRONG-TYPE (an unpaired prediction covers
the cue with another type) or MISS;
then every prediction that matched nothing (FALSE), with its evidence.
"""
import json, re, sys, importlib.util, os

sys.path.insert(0, os.path.dirname(__file__))
from pairs import score, typed_pairs  # noqa: E402


def main():
    gold = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
    preds = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8") if l.strip()]
    only = sys.argv[sys.argv.index("--doc") + 1] if "--doc" in sys.argv else None
    docs = {g["doc"] for g in gold}
    preds = [p for p in preds if p["doc"] in docs]
    coded = [g for g in gold if g.get("event_type") is not None]
    # The scorer's own one-to-one pairing: a prediction matches at most one gold event.
    matched = dict(typed_pairs(coded, preds))
    used = set(matched.values())
    for gi, g in enumerate(coded):
        if only and g["doc"] != only:
            continue
        if gi in matched:
            tag = "MATCH"
        else:
            cue = set(score.words(g["cue"]))
            other = [p for i, p in enumerate(preds) if p["doc"] == g["doc"] and i not in used
                     and len(cue & set(score.words(score.evidence_text(p)))) / max(1, len(cue)) >= 0.6]
            tag = "WRONG-TYPE(" + other[0]["sub_event_type"] + ")" if other else "MISS"
        print(f"{g['doc']} {tag:<40} gold {g['sub_event_type']:<36} {g['actors']} {g.get('location_ar')} | {g['cue']}")
    for g in gold:
        if g.get("event_type") is None and (not only or g["doc"] == only):
            print(f"{g['doc']} EMPTY-ARTICLE")
    for i, p in enumerate(preds):
        if i in used or (only and p["doc"] != only):
            continue
        print(f"{p['doc']} FALSE {p['sub_event_type']:<36} | {score.evidence_text(p)[:200]}")


if __name__ == "__main__":
    main()
