#!/usr/bin/env python3
"""Trains the event filter: a hashed logistic regression that scores each extracted event as real
(it is about an event the gold codes) or not. Inference is crates/extract/src/filter.rs.

usage:
  scripts/train_event_filter.py train  EVAL_OUT [--shared ../shared] [--out data/model/event_filter.txt]
  scripts/train_event_filter.py report EVAL_OUT [--shared ../shared] [--model data/model/event_filter.txt]
  scripts/train_event_filter.py fixture [--model ...] [--out crates/extract/tests/event_filter_fixture.jsonl]

Reproduce data/model/event_filter.txt (pip install -r scripts/requirements-train.txt):
  NO_BUILD=1 MARSAD_BIN=target/release/marsad EVAL_OUT=/tmp/ev scripts/eval.sh
  scripts/train_event_filter.py train /tmp/ev && scripts/train_event_filter.py fixture
The model learns from the events the rules produce, so it is retrained when the rules change
(the header's data_sha256 names the predictions and tune gold it saw).

EVAL_OUT is the directory `scripts/eval.sh` wrote (EVAL_OUT=... scripts/eval.sh): pred.jsonl (the rules; the filter is off by default),
docs.jsonl, tune.jsonl, check.jsonl, team/tune.jsonl, team/check.jsonl.

`train` reads only *tune* articles (eval/split.py); check articles are never read by it. A
predicted event is labelled positive when the scorer's one-to-one matching (same document, same
sub-event type for `typed`, evidence covering >= 60% of the cue's words) pairs it with a gold
event. The regularisation, the label (untyped or typed) and the threshold are chosen by
cross-validation grouped by article, maximising the typed F1 of the kept events on tune.
`report` prints typed P/R/F1 with and without the filter on tune (cross-validated), dev check
and team check. `fixture` writes synthetic events (sentences written for the test, no article
text) with the probability this script computes, for the Rust unit test.

Features (identical in filter.rs; every one is a string hashed with FNV-1a 64 into 2^18 buckets,
bucket = hash mod 2^18, colliding values add up):
  text = norm(s) as the scorer (NFKC, diacritics and tatweel dropped, alef/ya/ta marbuta/hamza
  forms unified, lowercase); words = maximal runs of alphanumeric chars or '_' of length > 1.
  group w:   distinct evidence words                  each 1/sqrt(#distinct in group)
  group b:   distinct evidence word bigrams "a b"     idem
  group c:   distinct char 3,4,5-grams of "<word>"    idem
  group p:   distinct words of the 60 chars before the evidence, q: of the 60 chars after
  t:<sub_event_type>, e:<event_type>, s:<stance>, g:<geo_precision or none>   value 1
  n:len log1p(#evidence words)/4, n:pos evidence.start/len(doc bytes), n:head start < 300,
  n:loc, n:a1, n:a2, n:fat, n:cited, n:hl (a claim is the headline), n:claims log1p(#claims)/2,
  n:digits digits (0-9, U+0660-0669, U+06F0-06F9)/chars of the evidence, n:date (a date is set)          value as given
  bias: the header's `bias`.
Only the groups named in the header's `groups` (GROUPS below) enter the model: by
cross-validation on tune (AUC of the untyped label, 3x5 folds by article) char n-grams alone gave
0.68, with n:pos/n:head/n:len 0.68, words 0.66, words+bigrams 0.66, context 0.58, the
type/stance/precision/flag features 0.51-0.53, and everything together 0.64.
"""
import argparse, hashlib, json, math, os, re, sys, unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "eval"))
from split import is_check  # noqa: E402

BITS = 18
NB = 1 << BITS
DIAC = re.compile('[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]')
CTX = 60


# ---------------------------------------------------------------- scorer (replicated exactly)
def norm(s):
    s = unicodedata.normalize("NFKC", s or "")
    s = DIAC.sub("", s)
    s = re.sub("[إأآٱ]", "ا", s).replace("ى", "ي").replace("ة", "ه").replace("ؤ", "و").replace("ئ", "ي")
    return s.lower()


def scorer_words(s):
    return [w for w in re.findall(r"\w+", norm(s)) if len(w) > 1]


def evidence_text(p):
    e = p.get("evidence")
    if isinstance(e, dict):
        return e.get("text", "")
    return e or ""


def match(gold, preds, typed):
    """score_events.py's matching: list of (gold index, pred index)."""
    pairs = []
    for gi, g in enumerate(gold):
        cue = set(scorer_words(g["cue"]))
        for pi, p in enumerate(preds):
            if str(p.get("doc", "")).removesuffix(".txt") != g["doc"]:
                continue
            if typed and norm(p.get("sub_event_type", "")) != norm(g["sub_event_type"]):
                continue
            ov = len(cue & set(scorer_words(evidence_text(p)))) / max(1, len(cue))
            if ov >= 0.6:
                pairs.append((ov, gi, pi))
    pairs.sort(reverse=True)
    ug, up, out = set(), set(), []
    for ov, gi, pi in pairs:
        if gi not in ug and pi not in up:
            ug.add(gi); up.add(pi); out.append((gi, pi))
    return out


def load_gold(path):
    lines = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
    docs = {g["doc"] for g in lines}
    return [g for g in lines if g.get("event_type") is not None], docs


def prf(m, n_pred, n_gold):
    p = m / n_pred if n_pred else 0.0
    r = m / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# ---------------------------------------------------------------- features
def fnv1a64(s):
    h = 0xcbf29ce484222325
    for b in s.encode("utf-8"):
        h ^= b
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def fwords(s):
    """Words of norm(s): runs of alphanumeric chars or '_' (str.isalnum), length > 1."""
    out, cur = [], []
    for c in norm(s):
        if c.isalnum() or c == "_":
            cur.append(c)
        else:
            if len(cur) > 1:
                out.append("".join(cur))
            cur = []
    if len(cur) > 1:
        out.append("".join(cur))
    return out


def is_digit(c):
    """ASCII, Arabic-Indic or extended Arabic-Indic digit."""
    return "0" <= c <= "9" or "\u0660" <= c <= "\u0669" or "\u06f0" <= c <= "\u06f9"


def view(ev):
    """The fields the features need, from a row of `marsad extract --format jsonl` or from a
    serialized marsad_extract::Event (what the fixture holds)."""
    if "sub_event_type" in ev and isinstance(ev.get("date"), dict):  # model::Event
        loc = ev.get("location")
        return dict(
            sub=ev["sub_event_type"], et=ev["event_type"], stance=ev["stance"],
            gp=loc["geo_precision"] if loc else None, loc=loc is not None,
            a1=ev.get("actor1") is not None, a2=ev.get("actor2") is not None,
            fat=ev.get("fatalities") is not None, cited=ev.get("cited_source") is not None,
            hl=any(c["headline"] for c in ev["claims"]), claims=len(ev["claims"]),
            date=ev["date"].get("date") is not None, ev=ev["evidence"])
    return dict(
        sub=ev["sub_event_type"], et=ev["event_type"], stance=ev["stance"],
        gp=ev.get("geo_precision"), loc=ev.get("location") is not None,
        a1=ev.get("actor1") is not None, a2=ev.get("actor2") is not None,
        fat=ev.get("fatalities") is not None, cited=ev.get("cited_source") is not None,
        hl=any(c["headline"] for c in ev["claims"]), claims=len(ev["claims"]),
        date=ev.get("event_date") is not None, ev=ev["evidence"])


GROUPS = ("c:", "n:pos", "n:head", "n:len")


def features(ev, doc_text, groups=GROUPS):
    """{bucket: value} of one event; only features whose name starts with one of `groups`."""
    v = view(ev)
    evid = v["ev"]
    text = evid["text"]
    doc = doc_text.encode("utf-8")
    out = {}

    def add(name, val):
        if val != 0.0 and name.startswith(groups):
            b = fnv1a64(name) % NB
            out[b] = out.get(b, 0.0) + val

    def group(prefix, toks):
        toks = sorted(set(toks))
        if toks:
            val = 1.0 / math.sqrt(len(toks))
            for t in toks:
                add(prefix + t, val)

    ws = fwords(text)
    group("w:", ws)
    group("b:", [a + " " + b for a, b in zip(ws, ws[1:])])
    grams = []
    for w in set(ws):
        cs = "<" + w + ">"
        for n in (3, 4, 5):
            grams += [cs[i:i + n] for i in range(len(cs) - n + 1)]
    group("c:", grams)
    before = doc[:evid["start"]].decode("utf-8")[-CTX:]
    after = doc[evid["end"]:].decode("utf-8")[:CTX]
    group("p:", fwords(before))
    group("q:", fwords(after))
    add("t:" + v["sub"], 1.0)
    add("e:" + v["et"], 1.0)
    add("s:" + v["stance"], 1.0)
    add("g:" + (str(v["gp"]) if v["gp"] is not None else "none"), 1.0)
    add("n:len", math.log1p(len(ws)) / 4.0)
    add("n:pos", evid["start"] / max(1, len(doc)))
    add("n:head", 1.0 if evid["start"] < 300 else 0.0)
    for k in ("loc", "a1", "a2", "fat", "cited", "hl", "date"):
        add("n:" + k, 1.0 if v[k] else 0.0)
    add("n:claims", math.log1p(v["claims"]) / 2.0)
    chars = list(text)
    add("n:digits", sum(is_digit(c) for c in chars) / max(1, len(chars)))
    return out


# ---------------------------------------------------------------- model file
def write_model(path, bias, w, threshold, meta):
    nz = [(i, float(x)) for i, x in enumerate(w) if abs(x) >= 1e-5]
    header = dict(format="marsad-event-filter-1", hash="fnv1a64-mod-2^18", bits=BITS,
                  bias=round(float(bias), 6), threshold=round(float(threshold), 4), groups=list(GROUPS),
                  nonzero=len(nz), **meta)
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(header, sort_keys=True) + "\n")
        for i, x in nz:
            f.write(f"{i} {x:.5g}\n")


def read_model(path):
    with open(path, encoding="utf-8") as f:
        header = json.loads(f.readline())
        w = {}
        for line in f:
            i, x = line.split()
            w[int(i)] = float(x)
    return header, w


def prob(header, w, feats):
    z = header["bias"] + sum(w.get(b, 0.0) * x for b, x in feats.items())
    return 1.0 / (1.0 + math.exp(-z))


# ---------------------------------------------------------------- data
def load(eval_out, shared, part):
    """Predicted events of `part` ('tune' or 'check') articles, their doc texts and both golds."""
    want_check = part == "check"
    texts = {}
    for l in open(os.path.join(eval_out, "docs.jsonl"), encoding="utf-8"):
        d = json.loads(l)
        if is_check(d["id"]) == want_check:
            texts[d["id"]] = d["text"]
    preds = []
    for l in open(os.path.join(eval_out, "pred.jsonl"), encoding="utf-8"):
        if l.strip():
            p = json.loads(l)
            if p["doc"] in texts:
                preds.append(p)
    golds = {}
    for name, path in (("dev", os.path.join(eval_out, part + ".jsonl")),
                       ("team", os.path.join(eval_out, "team", part + ".jsonl"))):
        gold, docs = load_gold(path)
        assert all(is_check(d) == want_check for d in docs), path
        golds[name] = (gold, docs)
    return preds, texts, golds


def labels(preds, golds):
    """(untyped, typed) 0/1 labels: matched by the scorer against either gold."""
    unt, typ = [0] * len(preds), [0] * len(preds)
    for gold, docs in golds.values():
        idx = [i for i, p in enumerate(preds) if p["doc"] in docs]
        sub = [preds[i] for i in idx]
        for _, pi in match(gold, sub, False):
            unt[idx[pi]] = 1
        for _, pi in match(gold, sub, True):
            typ[idx[pi]] = 1
    return unt, typ


def typed_scores(preds, keep, golds):
    """{name: (matched, predicted, gold)} typed, of the kept predictions."""
    kept = [p for p, k in zip(preds, keep) if k]
    out = {}
    for name, (gold, docs) in golds.items():
        sub = [p for p in kept if p["doc"] in docs]
        out[name] = (len(match(gold, sub, True)), len(sub), len(gold))
    return out


def micro(sc):
    m = sum(x[0] for x in sc.values()); n = sum(x[1] for x in sc.values()); g = sum(x[2] for x in sc.values())
    return prf(m, n, g)


def matrix(feats):
    from scipy.sparse import csr_matrix
    rows, cols, vals = [], [], []
    for r, f in enumerate(feats):
        for b, x in sorted(f.items()):
            rows.append(r); cols.append(b); vals.append(x)
    return csr_matrix((vals, (rows, cols)), shape=(len(feats), NB))


def compact(X):
    """X restricted to the buckets that occur, and those buckets."""
    import numpy as np
    used = np.unique(X.nonzero()[1])
    return X.tocsc()[:, used].tocsr(), used


def fit(X, y, C):
    from sklearn.linear_model import LogisticRegression
    clf = LogisticRegression(C=C, class_weight="balanced", solver="liblinear", max_iter=10000,
                             tol=1e-6, random_state=0)
    clf.fit(X, y)
    return clf


def oof(X, y, groups, C, seeds=(0, 1, 2)):
    """Out-of-fold probabilities, 5 folds by article, averaged over shuffles of the articles."""
    import numpy as np
    arts = sorted(set(groups))
    out = np.zeros(len(y))
    for s in seeds:
        rng = np.random.RandomState(s)
        order = list(arts); rng.shuffle(order)
        fold = {a: i % 5 for i, a in enumerate(order)}
        fo = np.array([fold[g] for g in groups])
        for k in range(5):
            tr, te = fo != k, fo == k
            if len(set(y[tr])) < 2:
                continue
            out[te] += fit(X[tr], y[tr], C).predict_proba(X[te])[:, 1]
    return out / len(seeds)


THRESHOLDS = [i / 100 for i in range(5, 96)]


def best_threshold(preds, probs, golds):
    best = (-1.0, 0.0)
    for t in THRESHOLDS:
        f = micro(typed_scores(preds, [p >= t for p in probs], golds))[2]
        if f > best[0] + 1e-9:
            best = (f, t)
    return best


def digest(eval_out, preds):
    h = hashlib.sha256()
    for p in sorted(preds, key=lambda p: p["event_id"]):
        h.update(json.dumps(p, sort_keys=True, ensure_ascii=False).encode())
    for path in ("tune.jsonl", "team/tune.jsonl"):
        h.update(open(os.path.join(eval_out, path), "rb").read())
    return h.hexdigest()[:16]


def train(a):
    import numpy as np
    preds, texts, golds = load(a.eval_out, a.shared, "tune")
    unt, typ = labels(preds, golds)
    feats = [features(p, texts[p["doc"]]) for p in preds]
    X, used = compact(matrix(feats))
    groups = [p["doc"] for p in preds]
    base = micro(typed_scores(preds, [True] * len(preds), golds))
    print(f"tune: {len(preds)} events in {len(set(groups))} articles; positives untyped {sum(unt)}, "
          f"typed {sum(typ)}; unfiltered typed P/R/F1 {base[0]:.3f}/{base[1]:.3f}/{base[2]:.3f}")
    best = None
    for lab_name, lab in (("untyped", unt), ("typed", typ)):
        y = np.array(lab)
        for C in (0.3, 1.0, 3.0):
            pr = oof(X, y, groups, C)
            f, t = best_threshold(preds, pr, golds)
            P, R, _ = micro(typed_scores(preds, [p >= t for p in pr], golds))
            print(f"  label {lab_name:7} C {C:<5} cv typed F1 {f:.3f} (P {P:.3f} R {R:.3f}) at t {t:.2f}")
            if best is None or f > best[0] + 1e-9:
                best = (f, t, C, lab_name, y)
    f, t, C, lab_name, y = best
    print(f"chosen: label {lab_name}, C {C}, threshold {t:.2f}, cv typed F1 {f:.3f}")
    clf = fit(X, y, C)
    meta = dict(label=lab_name, C=C, trained_on="tune articles of dev + team gold",
                events=len(preds), articles=len(set(groups)), positives=int(y.sum()),
                cv_typed_f1=round(f, 4), data_sha256=digest(a.eval_out, preds),
                sklearn=__import__("sklearn").__version__)
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    import numpy as np
    w = np.zeros(NB)
    w[used] = clf.coef_[0]
    write_model(a.out, clf.intercept_[0], w, t, meta)
    print(f"wrote {a.out} ({os.path.getsize(a.out)} bytes)")


def report(a):
    import numpy as np
    header, w = read_model(a.model)
    t = header["threshold"]
    print(f"model {a.model}: label {header['label']}, C {header['C']}, threshold {t}")
    print("| set | filter | pred | typed P | typed R | typed F1 | untyped F1 |")
    print("|---|---|---|---|---|---|---|")

    def row(set_name, tag, preds, keep, golds_one):
        (gold, docs), = golds_one.values()
        kept = [p for p, k in zip(preds, keep) if k and p["doc"] in docs]
        m = len(match(gold, kept, True)); mu = len(match(gold, kept, False))
        P, R, F = prf(m, len(kept), len(gold)); _, _, FU = prf(mu, len(kept), len(gold))
        print(f"| {set_name} | {tag} | {len(kept)} | {P:.3f} | {R:.3f} | {F:.3f} | {FU:.3f} |")

    # tune, cross-validated with the chosen settings (out-of-fold probabilities)
    preds, texts, golds = load(a.eval_out, a.shared, "tune")
    unt, typ = labels(preds, golds)
    y = np.array(unt if header["label"] == "untyped" else typ)
    X, _ = compact(matrix([features(p, texts[p["doc"]]) for p in preds]))
    pr = oof(X, y, [p["doc"] for p in preds], header["C"])
    for name in ("dev", "team"):
        row(f"{name} tune (cv)", "none", preds, [True] * len(preds), {name: golds[name]})
        row(f"{name} tune (cv)", f">= {t}", preds, [p >= t for p in pr], {name: golds[name]})
    preds, texts, golds = load(a.eval_out, a.shared, "check")
    probs = [prob(header, w, features(p, texts[p["doc"]])) for p in preds]
    for name in ("dev", "team"):
        row(f"{name} check", "none", preds, [True] * len(preds), {name: golds[name]})
        row(f"{name} check", f">= {t}", preds, [p >= t for p in probs], {name: golds[name]})
    if a.write_filtered:
        with open(a.write_filtered, "w", encoding="utf-8") as f:
            for p, q in zip(preds, probs):
                if q >= t:
                    f.write(json.dumps(p, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------- fixture
SENTENCES = [  # written for the test; not from any article
    ("قصفت طائرات حربية قرية الحمراء في ريف حماة صباح اليوم ما أدى إلى مقتل ثلاثة مدنيين .",
     "Explosions/Remote violence", "Air/drone strike"),
    ("اندلعت اشتباكات عنيفة بين فصائل المعارضة وقوات النظام على أطراف بلدة الزيتون .",
     "Battles", "Armed clash"),
    ("سيطرت قوات سوريا الديمقراطية على قرية التل الأبيض بعد معارك استمرت يومين .",
     "Battles", "Non-state actor overtakes territory"),
    ("انفجرت عبوة ناسفة بسيارة عسكرية على طريق المدينة الجنوبي وأصيب اثنان من العناصر .",
     "Explosions/Remote violence", "Remote explosive/landmine/IED"),
    ("اقرأ أيضا : غارات جديدة على ريف إدلب الشمالي",
     "Explosions/Remote violence", "Air/drone strike"),
    ("استعاد الجيش السوري السيطرة على تلة استراتيجية قرب مدينة الميادين .",
     "Battles", "Government regains territory"),
    ("في عام 2013 شهدت المدينة معارك طاحنة بين الطرفين دامت أشهرا .",
     "Battles", "Armed clash"),
    ("تعتزم الحكومة إطلاق خطة لإعادة الإعمار في المناطق التي دمرتها الحرب .",
     "Strategic developments", "Agreement"),
    ("سقطت قذائف هاون على حي الميدان وسط العاصمة دمشق دون وقوع إصابات .",
     "Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("اعتقلت الأجهزة الأمنية خمسة شبان من بلدة الصنمين بتهمة التواصل مع جهات معارضة .",
     "Strategic developments", "Arrests"),
    ("تظاهر مئات الأهالي في ساحة البلدة مطالبين بالإفراج عن المعتقلين .",
     "Protests", "Peaceful protest"),
    ("توصل الطرفان إلى اتفاق لوقف إطلاق النار برعاية روسية يبدأ منتصف الليل .",
     "Strategic developments", "Agreement"),
    ("فجر انتحاري نفسه بحزام ناسف عند حاجز أمني شرقي المدينة .",
     "Explosions/Remote violence", "Suicide bomb"),
    ("الرئيسية أخبار سوريا عربي ودولي رياضة اقتصاد منوعات",
     "Battles", "Armed clash"),
    ("هاجم مسلحون مجهولون منزل مختار القرية وقتلوه بالرصاص .",
     "Violence against civilians", "Attack"),
    ("أسقطت الدفاعات الجوية طائرة مسيرة فوق مطار حميميم ﻻ تحمل أي علامات .",
     "Strategic developments", "Disrupted weapons use"),
    ("رأي : هل تنجح الهدنة الجديدة في إنهاء الحرب ؟",
     "Strategic developments", "Agreement"),
    ("أُعلن عن إنشاء مقرٍّ عسكريٍّ جديدٍ للقوات التركية في ريف حلب الشمالي",
     "Strategic developments", "Headquarters or base established"),
    ("ANHA : clashes between SDF and ISIS near Hajin , 12 killed",
     "Battles", "Armed clash"),
    ("نهب عناصر الميليشيا محتويات المحال التجارية في السوق القديم ــ وأحرقوا بعضها .",
     "Riots", "Looting/property destruction"),
]


def span(doc, s):
    b = doc.encode("utf-8")
    i = b.index(s.encode("utf-8"))
    return {"text": s, "start": i, "end": i + len(s.encode("utf-8"))}


def fixture(a):
    header, w = read_model(a.model)
    doc = " ".join(s for s, _, _ in SENTENCES)
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(json.dumps({"doc_text": doc}, ensure_ascii=False) + "\n")
        for i, (s, et, sub) in enumerate(SENTENCES):
            ev = span(doc, s)
            actor = {"id": "x", "name": "X", "evidence": None}
            loc = {"place_id": "p", "name": "P", "name_ar": "ب", "country": "SY", "admin1": None,
                   "admin2": None, "admin3": None, "latitude": None, "longitude": None,
                   "geo_precision": 1 + i % 3, "evidence": ev}
            e = {"id": f"synthetic#{i + 1}", "doc": "synthetic", "event_type": et, "sub_event_type": sub,
                 "frame": "x", "actor1": actor if i % 2 == 0 else None,
                 "actor2": actor if i % 3 == 0 else None, "assoc_actor_1": None, "assoc_actor_2": None,
                 "location": loc if i % 4 != 3 else None,
                 "date": {"date": "2017-01-01" if i % 5 == 0 else None, "time_precision": None, "evidence": None},
                 "fatalities": {"value": 3, "approx": "exact", "evidence": []} if i % 6 == 0 else None,
                 "injured": None, "arrested": None, "source": None,
                 "cited_source": ev if i % 7 == 0 else None,
                 "stance": ["asserted", "disputed", "uncertain", "denied"][i % 4], "evidence": ev,
                 "claims": [{"evidence": ev, "stance": "asserted", "cited_source": None, "headline": i % 8 == 0}]
                 * (1 + i % 3), "truce": None}
            f.write(json.dumps({"event": e, "prob": prob(header, w, features(e, doc))}, ensure_ascii=False) + "\n")
    print(f"wrote {a.out}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["train", "report", "fixture"])
    ap.add_argument("eval_out", nargs="?")
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--model", default=os.path.join(ROOT, "data", "model", "event_filter.txt"))
    ap.add_argument("--out")
    ap.add_argument("--write-filtered", help="report: write the kept check events here")
    a = ap.parse_args()
    if a.cmd == "train":
        a.out = a.out or a.model
        train(a)
    elif a.cmd == "report":
        report(a)
    else:
        a.out = a.out or os.path.join(ROOT, "crates", "extract", "tests", "event_filter_fixture.jsonl")
        fixture(a)


if __name__ == "__main__":
    main()
