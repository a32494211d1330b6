#!/usr/bin/env python3
"""Counts the pages per web domain of a JSONL corpus and checks that every domain with at least
MIN pages belongs to an outlet of data/outlets.toml (the same longest-parent-domain rule as
KnowledgeBase::outlet_of_host).

usage: outlet_domains.py [CORPUS.jsonl] [MIN]    exits 1 when a domain is not covered
"""
import collections, json, os, sys, tomllib, urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def host_of(url):
    h = (urllib.parse.urlparse(url).hostname or "").lower().rstrip(".")
    return h[4:] if h.startswith("www.") else h


def outlet_of(host, outlets):
    best = None
    for o in outlets:
        for d in o.get("domains", []):
            if host == d or host.endswith("." + d):
                if best is None or len(d) > best[1]:
                    best = (o["id"], len(d))
    return best and best[0]


def main():
    corpus = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        ROOT, "..", "shared", "data", "corpus", "syria_war_articles.jsonl")
    least = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    outlets = tomllib.load(open(os.path.join(ROOT, "data", "outlets.toml"), "rb"))["outlet"]
    counts = collections.Counter()
    for line in open(corpus, encoding="utf-8"):
        if line.strip():
            counts[host_of(json.loads(line).get("url") or "")] += 1
    missing = 0
    covered_pages = 0
    for host, n in counts.most_common():
        o = outlet_of(host, outlets)
        if o:
            covered_pages += n
        if n >= least:
            print(f"{n:5} {host:35} {o or 'MISSING'}")
            missing += o is None
    total = sum(counts.values())
    print(f"{len(counts)} domains; {sum(1 for n in counts.values() if n >= least)} with >= {least} "
          f"pages, {missing} of them not covered; pages on a listed domain: {covered_pages}/{total}")
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()
