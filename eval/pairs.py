"""The scorer's typed matching, for the eval scripts that look at matched pairs.

`score` is ../shared/eval/score_events.py loaded as a module; `typed_pairs` pairs gold and
predicted events as it does (same document and sub-event type, the evidence holding >= 60% of
the cue's words, one-to-one, best overlap first).
"""
import importlib.util, os

_spec = importlib.util.spec_from_file_location(
    "score", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "eval", "score_events.py"))
score = importlib.util.module_from_spec(_spec); _spec.loader.exec_module(score)


def typed_pairs(gold, preds):
    """(gold index, prediction index) of every typed match, best overlap first."""
    pairs = []
    for gi, g in enumerate(gold):
        cue = set(score.words(g["cue"]))
        for pi, p in enumerate(preds):
            if str(p.get("doc", "")).removesuffix(".txt") != g["doc"]:
                continue
            if score.norm(p.get("sub_event_type", "")) != score.norm(g["sub_event_type"]):
                continue
            ov = len(cue & set(score.words(score.evidence_text(p)))) / max(1, len(cue))
            if ov >= 0.6:
                pairs.append((ov, gi, pi))
    pairs.sort(reverse=True)
    ug, up, out = set(), set(), []
    for _, gi, pi in pairs:
        if gi not in ug and pi not in up:
            ug.add(gi); up.add(pi); out.append((gi, pi))
    return out
