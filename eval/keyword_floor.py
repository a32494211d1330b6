#!/usr/bin/env python3
"""The keyword floor: a naive extractor that any real system must beat by a wide margin.

usage: keyword_floor.py DOCS.jsonl > pred.jsonl      (JSONL with `id` and `text`)

One event per sentence that holds a trigger word, typed by the first word of the list below
that it holds; no actors, no place; fatalities = the first number before a death word.
"""
import json, re, sys

KEYWORDS = [  # (word stem, sub_event_type): checked in this order
    ("غارة", "Air/drone strike"), ("غارات", "Air/drone strike"), ("الطيران", "Air/drone strike"),
    ("براميل", "Air/drone strike"), ("قصف", "Shelling/artillery/missile attack"),
    ("قذائف", "Shelling/artillery/missile attack"), ("صواريخ", "Shelling/artillery/missile attack"),
    ("مفخخة", "Remote explosive/landmine/IED"), ("عبوة", "Remote explosive/landmine/IED"),
    ("لغم", "Remote explosive/landmine/IED"), ("انتحاري", "Suicide bomb"),
    ("سيطر", "Non-state actor overtakes territory"), ("اشتباكات", "Armed clash"),
    ("معارك", "Armed clash"), ("هجوم", "Armed clash"), ("اعتقال", "Arrests"), ("اعتقل", "Arrests"),
    ("هدنة", "Agreement"), ("اتفاق", "Agreement"), ("مظاهرة", "Peaceful protest"),
    ("خطف", "Abduction/forced disappearance"), ("أعدم", "Attack"), ("مقتل", "Attack"),
]
DEATH = re.compile(r"(\d+)\s+\S*\s*(?:قتيل|قتلى|شخص|مدني|عنصر)")


def main():
    for l in open(sys.argv[1], encoding="utf-8"):
        d = json.loads(l)
        for s in re.split(r"(?<=[.!?؟\n])\s*", d["text"]):
            toks = s.split()
            for kw, sub in KEYWORDS:
                if any(kw in t for t in toks):
                    m = DEATH.search(s)
                    print(json.dumps({"doc": d["id"], "sub_event_type": sub, "evidence": s,
                                      "fatalities": int(m.group(1)) if m else None},
                                     ensure_ascii=False))
                    break


if __name__ == "__main__":
    main()
