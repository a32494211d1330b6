#!/usr/bin/env python3
"""Samples located events of a corpus run for a hand check of their places.

usage: place_sample.py CORPUS.jsonl PRED.jsonl [--n 60] [--seed 14] [--exclude GOLD.jsonl ...]
                       [--villages data/gazetteer/villages.csv]

PRED is `marsad extract CORPUS --format jsonl`. Events of the documents a --exclude gold file
names (the check parts of the development sets) are never shown. Each sampled event prints its
place (location, location_ar, admin1, country, precision), the trigger's evidence, and the text
around the first spelling of location_ar nearest to the evidence, for a reader to judge: is the
place a place (not a word, a person or an organisation), the right row (country, governorate),
and the event's own?

With --villages CSV, the sample is of village matches instead: events placed at a row of that
file (the bulk village list: the event's coordinates are the row's) under the row's own name
(an unlisted name placed by the village is no match), one per document and row, so a name
repeated by several events counts once.
"""
import argparse, csv, json, random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("pred")
    ap.add_argument("--n", type=int, default=60)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--exclude", nargs="*", default=[])
    ap.add_argument("--villages", help="sample matches of the rows of this gazetteer file")
    a = ap.parse_args()
    skip = set()
    for g in a.exclude:
        skip |= {json.loads(l)["doc"] for l in open(g, encoding="utf-8") if l.strip()}
    texts = {}
    for l in open(a.corpus, encoding="utf-8"):
        d = json.loads(l)
        texts[d["id"]] = d["text"]
    events = [json.loads(l) for l in open(a.pred, encoding="utf-8") if l.strip()]
    located = [e for e in events if e.get("location_ar") and e["doc"] not in skip and e["doc"] in texts]
    located.sort(key=lambda e: e["event_id"])
    if a.villages:
        # The output carries no row id: a row is known by its point and its name.
        rows = {}
        for r in csv.DictReader(open(a.villages, encoding="utf-8")):
            if r["lat"] and r["lon"]:
                at = (round(float(r["lat"]), 5), round(float(r["lon"]), 5))
                names = [r["name_ar"]] + [v for v in r["variants_ar"].split("|") if v]
                rows.setdefault(at, []).append((r["id"], names))
        seen, matches = set(), []
        for e in located:
            if e.get("latitude") is None or e.get("longitude") is None:
                continue
            at = (round(e["latitude"], 5), round(e["longitude"], 5))
            for rid, names in rows.get(at, []):
                key = (e["doc"], rid)
                if key not in seen and any(n in e["location_ar"] for n in names):
                    seen.add(key)
                    matches.append(e)
                    break
        print(f"{len(matches)} village matches (document, row) among the located events")
        located = matches
    sample = random.Random(a.seed).sample(located, min(a.n, len(located)))
    print(f"{len(located)} located events outside the excluded documents; {len(sample)} sampled "
          f"(seed {a.seed})\n")
    for k, e in enumerate(sample, 1):
        text = texts[e["doc"]]
        ev = e["evidence"]
        name = e["location_ar"]
        hits = []
        i = text.find(name)
        while i >= 0:
            hits.append(i)
            i = text.find(name, i + 1)
        at = min(hits, key=lambda h: abs(h - ev["start"])) if hits else ev["start"]
        lo, hi = max(0, at - 220), min(len(text), at + len(name) + 220)
        window = text[lo:at] + " [[" + text[at:at + len(name)] + "]] " + text[at + len(name):hi]
        print(f"#{k} {e['event_id']} {e['sub_event_type']}")
        print(f"  place: {e['location']} | {name} | {e.get('admin1')} | {e.get('country')} | precision {e.get('geo_precision')}")
        print(f"  evidence: {ev['text'][:300]}")
        print(f"  around: {' '.join(window.split())}\n")


if __name__ == "__main__":
    main()
