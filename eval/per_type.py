#!/usr/bin/env python3
"""Per sub-event-type precision and recall (typed matching, as the scorer does it).

usage: per_type.py GOLD.jsonl PRED.jsonl
"""
import collections, importlib.util, json, os, sys

spec = importlib.util.spec_from_file_location(
    "score", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "eval", "score_events.py"))
score = importlib.util.module_from_spec(spec); spec.loader.exec_module(score)


def main():
    gold = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
    docs = {g["doc"] for g in gold}
    gold = [g for g in gold if g.get("event_type") is not None]
    preds = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8") if l.strip()]
    preds = [p for p in preds if str(p.get("doc", "")).removesuffix(".txt") in docs]
    pairs = []
    for gi, g in enumerate(gold):
        cue = set(score.words(g["cue"]))
        for pi, p in enumerate(preds):
            if p["doc"].removesuffix(".txt") != g["doc"] or score.norm(p.get("sub_event_type", "")) != score.norm(g["sub_event_type"]):
                continue
            ov = len(cue & set(score.words(score.evidence_text(p)))) / max(1, len(cue))
            if ov >= 0.6:
                pairs.append((ov, gi, pi))
    pairs.sort(reverse=True)
    ug, up = set(), set()
    for ov, gi, pi in pairs:
        if gi not in ug and pi not in up:
            ug.add(gi); up.add(pi)
    ng, npred, ok_g, ok_p = (collections.Counter() for _ in range(4))
    for gi, g in enumerate(gold):
        ng[g["sub_event_type"]] += 1; ok_g[g["sub_event_type"]] += gi in ug
    for pi, p in enumerate(preds):
        npred[p["sub_event_type"]] += 1; ok_p[p["sub_event_type"]] += pi in up
    print("| sub-event type | gold | predicted | precision | recall |")
    print("|---|---|---|---|---|")
    for t in sorted(set(ng) | set(npred), key=lambda t: -ng[t]):
        p = ok_p[t] / npred[t] if npred[t] else 0
        r = ok_g[t] / ng[t] if ng[t] else 0
        print(f"| {t} | {ng[t]} | {npred[t]} | {p:.2f} | {r:.2f} |")


if __name__ == "__main__":
    main()
