#!/usr/bin/env python3
"""Per sub-event-type precision and recall (typed matching, as the scorer does it).

usage: per_type.py GOLD.jsonl PRED.jsonl
"""
import collections, json, sys

from pairs import typed_pairs


def main():
    gold = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
    docs = {g["doc"] for g in gold}
    gold = [g for g in gold if g.get("event_type") is not None]
    preds = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8") if l.strip()]
    preds = [p for p in preds if str(p.get("doc", "")).removesuffix(".txt") in docs]
    matched = typed_pairs(gold, preds)
    ug, up = {gi for gi, _ in matched}, {pi for _, pi in matched}
    ng, npred, ok_g, ok_p = (collections.Counter() for _ in range(4))
    for gi, g in enumerate(gold):
        ng[g["sub_event_type"]] += 1; ok_g[g["sub_event_type"]] += gi in ug
    for pi, p in enumerate(preds):
        npred[p["sub_event_type"]] += 1; ok_p[p["sub_event_type"]] += pi in up
    print("| sub-event type | gold | predicted | precision | recall |")
    print("|---|---|---|---|---|")
    for t in sorted(set(ng) | set(npred), key=lambda t: (-ng[t], t)):
        p = ok_p[t] / npred[t] if npred[t] else 0
        r = ok_g[t] / ng[t] if ng[t] else 0
        print(f"| {t} | {ng[t]} | {npred[t]} | {p:.2f} | {r:.2f} |")


if __name__ == "__main__":
    main()
