#!/usr/bin/env python3
"""Sum and largest fatalities of an events JSONL (`marsad extract ... --format jsonl`).

    scripts/top_tolls.py PRED.jsonl [CORPUS.jsonl] [-n 20]

Prints the sum of all events' fatalities, how many events carry one, and the N largest with doc
id, the evidence's byte offset and (given the corpus) a few words around it for a hand check.
"""
import argparse
import json

ap = argparse.ArgumentParser()
ap.add_argument("pred")
ap.add_argument("corpus", nargs="?")
ap.add_argument("-n", type=int, default=20)
ap.add_argument("--width", type=int, default=160)
a = ap.parse_args()

rows = [json.loads(l) for l in open(a.pred, encoding="utf-8") if l.strip()]
with_f = [r for r in rows if r.get("fatalities") is not None]
print(f"events {len(rows)}  with fatalities {len(with_f)}  sum {sum(r['fatalities'] for r in with_f)}")
texts = {}
if a.corpus:
    want = {r["doc"] for r in sorted(with_f, key=lambda r: -r["fatalities"])[: a.n]}
    for l in open(a.corpus, encoding="utf-8"):
        d = json.loads(l)
        if d["id"] in want:
            texts[d["id"]] = d["text"].encode("utf-8")
for r in sorted(with_f, key=lambda r: -r["fatalities"])[: a.n]:
    ev = r["evidence"]
    line = f"{r['fatalities']:>9} {r['doc']} @{ev['start']} {r['sub_event_type']}"
    print(line)
    print("          " + ev["text"][: a.width].replace("\n", " "))
