#!/usr/bin/env python3
"""Turns coded lines with a `cue` text into team gold lines with `cue_span` byte offsets.

usage: to_offsets.py CODED.jsonl CORPUS.jsonl [--coder NAME] >> eval/gold/team.jsonl

The cue must be an exact substring of the article; its first occurrence is taken.
"""
import json, sys


def main():
    coded, corpus = sys.argv[1:3]
    coder = sys.argv[sys.argv.index("--coder") + 1] if "--coder" in sys.argv else None
    lines = [json.loads(l) for l in open(coded, encoding="utf-8") if l.strip()]
    want = {g["doc"] for g in lines}
    texts = {}
    for l in open(corpus, encoding="utf-8"):
        d = json.loads(l)
        if d["id"] in want:
            texts[d["id"]] = d["text"].encode("utf-8")
    for n, g in enumerate(lines, 1):
        if g.get("event_type") is not None:
            cue = g.pop("cue").encode("utf-8")
            at = texts[g["doc"]].find(cue)
            if at < 0:
                sys.exit(f"{coded}: line {n}: cue is not in article {g['doc']}")
            g["cue_span"] = [at, at + len(cue)]
        if coder:
            g["coder"] = coder
        print(json.dumps(g, ensure_ascii=False))


if __name__ == "__main__":
    main()
