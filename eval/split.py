#!/usr/bin/env python3
"""The fixed tune/check split of a gold file, by article.

usage: split.py GOLD.jsonl OUT_DIR     writes OUT_DIR/tune.jsonl and OUT_DIR/check.jsonl

An article goes to *check* when the first byte of sha1("check:" + doc id) is below 86
(about one third). Rules are written while reading tune articles only; check articles are only
scored. The split depends on the id alone, so it never moves when gold is added.
"""
import hashlib, os, sys


def is_check(doc: str) -> bool:
    return hashlib.sha1(("check:" + doc).encode()).digest()[0] < 86


def main():
    import json
    gold, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "tune.jsonl"), "w", encoding="utf-8") as tune, \
         open(os.path.join(out, "check.jsonl"), "w", encoding="utf-8") as check:
        for line in open(gold, encoding="utf-8"):
            if line.strip():
                (check if is_check(json.loads(line)["doc"]) else tune).write(line)


if __name__ == "__main__":
    main()
