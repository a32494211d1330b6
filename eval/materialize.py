#!/usr/bin/env python3
"""Turns the team's gold (cues stored as byte offsets into the corpus) into scorer input.

usage: materialize.py TEAM_GOLD.jsonl CORPUS.jsonl OUT.jsonl

A team gold line is a codebook line whose `cue` is replaced by `cue_span: [start, end]`, byte
offsets into the UTF-8 `text` of the corpus article `doc`, so the repository holds no article
text. This writes the same lines with `cue` filled in from the corpus.
"""
import json, sys


def main():
    team, corpus, out = sys.argv[1:4]
    lines = [json.loads(l) for l in open(team, encoding="utf-8") if l.strip()]
    want = {g["doc"] for g in lines}
    texts = {}
    for l in open(corpus, encoding="utf-8"):
        d = json.loads(l)
        if d["id"] in want:
            texts[d["id"]] = d["text"].encode("utf-8")
    missing = want - texts.keys()
    if missing:
        sys.exit(f"{corpus}: no article {sorted(missing)[0]} (of {len(missing)} missing)")
    with open(out, "w", encoding="utf-8") as f:
        for g in lines:
            if g.get("event_type") is not None:
                s, e = g.pop("cue_span")
                g["cue"] = texts[g["doc"]][s:e].decode("utf-8")
            f.write(json.dumps(g, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
