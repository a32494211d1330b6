#!/usr/bin/env python3
"""Shares of exported events with a date and with an outlet, by date_source, and a seeded random
sample of dated events for a hand check (docs/QUALITY.md, "Dates and outlets").

usage: date_outlet_stats.py EVENTS.jsonl [CORPUS.jsonl] [--sample N] [--seed S]

The sample skips the evaluation's check articles (eval/split.py), which are never read.
"""
import argparse, collections, json, os, random, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "eval"))
from split import is_check  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("events")
    ap.add_argument("corpus", nargs="?")
    ap.add_argument("--sample", type=int, default=0)
    ap.add_argument("--seed", type=int, default=14)
    a = ap.parse_args()
    ev = [json.loads(l) for l in open(a.events, encoding="utf-8") if l.strip()]
    n = len(ev)
    dated = [e for e in ev if e.get("event_date")]
    outlet = sum(1 for e in ev if e.get("source"))
    print(f"events {n}; dated {len(dated)} ({100 * len(dated) / n:.1f}%); "
          f"with an outlet {outlet} ({100 * outlet / n:.1f}%)")
    by = collections.Counter(e.get("date_source") or "none" for e in ev)
    for k, v in by.most_common():
        print(f"  date_source {k:9} {v:6} ({100 * v / n:.1f}%)")
    prec = collections.Counter(e.get("time_precision") for e in dated)
    print("  time_precision", dict(sorted(prec.items())))
    docs = collections.defaultdict(list)
    for e in ev:
        docs[e["doc"]].append(e)
    print(f"documents with events {len(docs)}; dated {sum(1 for d in docs.values() if d[0].get('event_date'))}")
    if a.sample:
        urls = {}
        if a.corpus:
            for l in open(a.corpus, encoding="utf-8"):
                d = json.loads(l)
                urls[d["id"]] = d.get("url", "")
        pool = [e for e in dated if not is_check(e["doc"])]
        rnd = random.Random(a.seed)
        for i, e in enumerate(rnd.sample(pool, min(a.sample, len(pool))), 1):
            print(f"{i:2} {e['event_id']} {e['event_date']} p{e.get('time_precision')} "
                  f"{e.get('date_source')} {e.get('source')} {urls.get(e['doc'], '')[:90]}")
            print(f"     «{e['evidence']['text'][:160]}»")


if __name__ == "__main__":
    main()
