#!/usr/bin/env python3
"""Location as the scorer gives it, and with ties re-paired by place: a diagnostic, not a score.

usage: location_ties.py GOLD.jsonl PRED.jsonl

The events of one list ("بلدات كفربطنا وعربين ودوما") carry the same evidence, so the scorer's
one-to-one pairing (best overlap first, ties by order) may cross their places. This prints the
mean location score of the typed pairs as scored, then with the pairs of each group of identical
evidence re-assigned to maximize it. Only aggregate figures: usable on check articles.
"""
import itertools
import json
import os
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(__file__))
from pairs import score, typed_pairs  # noqa: E402


def main():
    gold = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
    docs = {g["doc"] for g in gold}
    preds = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8") if l.strip()]
    preds = [p for p in preds if p["doc"] in docs]
    coded = [g for g in gold if g.get("event_type") is not None]
    pairs = typed_pairs(coded, preds)
    if not pairs:
        sys.exit("no typed pairs")
    loc = lambda pi, gi: score.loc_score(preds[pi], coded[gi])  # noqa: E731
    scored = sum(loc(pi, gi) for gi, pi in pairs)
    groups = defaultdict(list)
    for gi, pi in pairs:
        p = preds[pi]
        groups[(p["doc"], p["sub_event_type"], score.evidence_text(p))].append((gi, pi))
    best = 0.0
    for members in groups.values():
        gs = [g for g, _ in members]
        ps = [p for _, p in members]
        if len(members) <= 7:
            best += max(sum(loc(p, g) for g, p in zip(gs, perm)) for perm in itertools.permutations(ps))
        else:  # greedy for long lists
            used = set()
            for g in gs:
                v, p = max((loc(p, g), p) for p in ps if p not in used)
                used.add(p)
                best += v
    n = len(pairs)
    print(f"typed pairs {n}: location as scored {scored / n:.3f}, ties paired by place {best / n:.3f}")


if __name__ == "__main__":
    main()
