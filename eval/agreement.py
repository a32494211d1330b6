#!/usr/bin/env python3
"""Agreement between two codings of the same articles, by the project's scorer.

usage: agreement.py FIRST.jsonl SECOND.jsonl SCORER OUT_DIR

Both files are materialized gold (cue text filled in). The second coding is turned into a
prediction (cue as evidence, actor codes as names the scorer reads back to the same codes) and
scored against the first, restricted to the articles both coded.
"""
import json, os, subprocess, sys

NAMES = {"SDF": "SDF", "ISIS": "Islamic State", "DMC": "Deir ez-Zor Military Council",
         "US": "United States", "SYRGOV": "Syrian government", "RUSSIA": "Russia",
         "TURKEY": "Turkey", "OPPOSITION": "Opposition", "HTS": "Tahrir al-Sham",
         "IRAQGOV": "Iraq", "ISRAEL": "Israel", "HEZBOLLAH": "Hezbollah", "IRAN": "Iran",
         "CIVILIANS": "Civilians", "UNKNOWN": "Unknown"}


def main():
    first, second, scorer, out = sys.argv[1:5]
    b = [json.loads(l) for l in open(second, encoding="utf-8") if l.strip()]
    docs = {g["doc"] for g in b}
    os.makedirs(out, exist_ok=True)
    gold_path, pred_path = os.path.join(out, "agree_gold.jsonl"), os.path.join(out, "agree_pred.jsonl")
    with open(gold_path, "w", encoding="utf-8") as f:
        for l in open(first, encoding="utf-8"):
            if l.strip() and json.loads(l)["doc"] in docs:
                f.write(l)
    with open(pred_path, "w", encoding="utf-8") as f:
        for g in b:
            if g.get("event_type") is None:
                continue
            p = dict(g, evidence=g["cue"],
                     actors=[NAMES.get(a, a.removeprefix("OTHER:")) for a in g["actors"]])
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    subprocess.run([sys.executable, scorer, gold_path, pred_path] + sys.argv[5:], check=True)


if __name__ == "__main__":
    main()
