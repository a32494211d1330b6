#!/usr/bin/env python3
"""table_row.py NAME < scorer --json output: one markdown row of scripts/eval.sh's table."""
import json, sys

r = json.load(sys.stdin)
t, u, f = r["typed"], r["untyped"], r.get("fields", {})
cells = [sys.argv[1], r["gold"], r["predicted"], f"{t['precision']:.3f}", f"{t['recall']:.3f}",
         f"**{t['f1']:.3f}**", f"{u['f1']:.3f}"] + [f"{f.get(k, 0):.3f}" for k in
                                                ("actors_jaccard", "location", "fatalities", "stance")]
print("| " + " | ".join(str(c) for c in cells) + " |")
