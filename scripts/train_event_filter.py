#!/usr/bin/env python3
"""Trains the event filter: a logistic regression that scores each event the rules extract as real
(an event the gold codes) or not. Features and inference are crates/extract/src/filter.rs.

Retrain in one command after the rules change (pip install -r scripts/requirements-train.txt once):
  scripts/retrain_event_filter.sh
which builds marsad, runs scripts/eval.sh (it writes EVAL_OUT/features.jsonl with
`marsad filter-features`), then `train`, `fixture`, a rebuild and `report`. By hand:
  scripts/train_event_filter.py train   EVAL_OUT [--out data/model/event_filter.txt]
  scripts/train_event_filter.py report  EVAL_OUT [--model data/model/event_filter.txt]
  scripts/train_event_filter.py fixture [--bin target/release/marsad]

The features are computed in Rust only: `marsad filter-features FILES` writes every event the
rules find (filter off) with its features as {name: value}; this script hashes a name to its
bucket (FNV-1a 64 of the UTF-8 name, modulo 2^BITS; colliding features add up), as filter.rs
does. Feature groups (the name's prefix up to ':'), all described in filter.rs:
  t:  sub-event type and trigger frame        tw: trigger phrase, verb (past/present) or noun
  x:  actors, place precision, dead, date expression, cited source, stance, headline, merged
  s:  sentence index, length, quotes, question, colon, digits, position in the page
  sw: words of the sentence                   k:  the 3 words on each side of the trigger
  w:  evidence words                          c:  character 3-5-grams of the evidence words
  n:  evidence length and share of its sentence
  p:  page: events, sentences, share of sentences with a trigger, short lines, glued headlines
Only the groups in the model header's `groups` count (chosen by cross-validation below).

`train` reads only *tune* articles (eval/split.py); check articles are never read by it. An event
is labelled positive when the scorer's one-to-one matching (same document, same sub-event type
for `typed`, evidence covering >= 60% of the cue's words) pairs it with a gold event of the dev
or team tune gold. The feature groups, the regularisation, the label (untyped or typed) and the
threshold are chosen by cross-validation grouped by article (5 folds x 3 shuffles), maximising
the typed F1 of the kept events on tune. `report` prints typed P/R/F1 with and without the
filter: tune cross-validated, dev check, team check and the seeds. `fixture` writes the features
and this script's probabilities of the events of synthetic sentences (written for the test, no
article text) for crates/extract/tests/event_filter.rs.
"""
import argparse, functools, hashlib, json, math, os, re, subprocess, sys, tempfile, unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "eval"))
from split import is_check  # noqa: E402

BITS = 18
NB = 1 << BITS
DIAC = re.compile('[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]')

# ---------------------------------------------------------------- scorer (replicated exactly)
def norm(s):
    s = unicodedata.normalize("NFKC", s or "")
    s = DIAC.sub("", s)
    s = re.sub("[إأآٱ]", "ا", s).replace("ى", "ي").replace("ة", "ه").replace("ؤ", "و").replace("ئ", "ي")
    return s.lower()


@functools.lru_cache(maxsize=None)
def scorer_words(s):
    return [w for w in re.findall(r"\w+", norm(s)) if len(w) > 1]


@functools.lru_cache(maxsize=None)
def word_set(s):
    return frozenset(scorer_words(s))


def evidence_text(p):
    e = p.get("evidence")
    if isinstance(e, dict):
        return e.get("text", "")
    return e or ""


def match(gold, preds, typed):
    """score_events.py's matching: list of (gold index, pred index)."""
    pairs = []
    for gi, g in enumerate(gold):
        cue = word_set(g["cue"])
        for pi, p in enumerate(preds):
            if str(p.get("doc", "")).removesuffix(".txt") != g["doc"]:
                continue
            if typed and norm(p.get("sub_event_type", "")) != norm(g["sub_event_type"]):
                continue
            ov = len(cue & word_set(evidence_text(p))) / max(1, len(cue))
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


# ---------------------------------------------------------------- features and model file
def fnv1a64(s):
    h = 0xcbf29ce484222325
    for b in s.encode("utf-8"):
        h ^= b
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


_BUCKETS = {}


def bucket(name):
    b = _BUCKETS.get(name)
    if b is None:
        b = _BUCKETS[name] = fnv1a64(name) % NB
    return b


def group_of(name):
    return name[:name.index(":") + 1]


def hashed(feats, groups):
    """{bucket: value} of a {name: value} feature dict, only the named groups."""
    out = {}
    for name, v in feats.items():
        if group_of(name) in groups:
            b = bucket(name)
            out[b] = out.get(b, 0.0) + v
    return out


def write_model(path, bias, w, threshold, groups, meta):
    nz = [(i, float(x)) for i, x in enumerate(w) if abs(x) >= 1e-5]
    header = dict(format="marsad-event-filter-2", hash="fnv1a64-mod-2^bits", bits=BITS,
                  bias=round(float(bias), 6), threshold=round(float(threshold), 4),
                  groups=sorted(groups), nonzero=len(nz), **meta)
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(header, sort_keys=True, ensure_ascii=False) + "\n")
        for i, x in nz:
            f.write(f"{i} {x:.6g}\n")


def read_model(path):
    with open(path, encoding="utf-8") as f:
        header = json.loads(f.readline())
        w = {}
        for line in f:
            i, x = line.split()
            w[int(i)] = float(x)
    return header, w


def prob(header, w, feats):
    # Weights are read as f32 in Rust; the file's 6 significant digits are what both use.
    z = header["bias"] + sum(w.get(b, 0.0) * x for b, x in hashed(feats, set(header["groups"])).items())
    return 1.0 / (1.0 + math.exp(-z))


# ---------------------------------------------------------------- data
def read_rows(path, keep=lambda doc: True):
    rows = []
    for l in open(path, encoding="utf-8"):
        if l.strip():
            r = json.loads(l)
            if keep(r["doc"]):
                rows.append(r)
    return rows


def load(eval_out, part):
    """Events (rows of features.jsonl) of `part` ('tune' or 'check') articles and both golds."""
    want_check = part == "check"
    rows = read_rows(os.path.join(eval_out, "features.jsonl"), lambda d: is_check(d) == want_check)
    golds = {}
    for name, path in (("dev", os.path.join(eval_out, part + ".jsonl")),
                       ("team", os.path.join(eval_out, "team", part + ".jsonl"))):
        gold, docs = load_gold(path)
        assert all(is_check(d) == want_check for d in docs), path
        golds[name] = (gold, docs)
    return rows, golds


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


def matrix(rows, groups):
    """Rows' features restricted to `groups`, as a CSR matrix over the buckets that occur."""
    import numpy as np
    from scipy.sparse import csr_matrix
    r_, c_, v_ = [], [], []
    for r, row in enumerate(rows):
        for b, x in sorted(hashed(row["features"], groups).items()):
            r_.append(r); c_.append(b); v_.append(x)
    X = csr_matrix((v_, (r_, c_)), shape=(len(rows), NB))
    used = np.unique(X.nonzero()[1])
    return X.tocsc()[:, used].tocsr(), used


def fit(X, y, C):
    from sklearn.linear_model import LogisticRegression
    clf = LogisticRegression(C=C, class_weight="balanced", solver="liblinear", max_iter=10000,
                             tol=1e-6, random_state=0)
    clf.fit(X, y)
    return clf


def folds(groups, seed):
    import numpy as np
    arts = sorted(set(groups))
    rng = np.random.RandomState(seed)
    order = list(arts); rng.shuffle(order)
    fold = {a: i % 5 for i, a in enumerate(order)}
    return np.array([fold[g] for g in groups])


def oof(X, y, groups, C, seeds=(0, 1, 2)):
    """Out-of-fold probabilities, 5 folds by article, averaged over shuffles of the articles."""
    import numpy as np
    out = np.zeros(len(y))
    for s in seeds:
        fo = folds(groups, s)
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
    for p in sorted(preds, key=lambda p: (p["doc"], p["evidence"]["start"], p["sub_event_type"])):
        h.update(json.dumps(p, sort_keys=True, ensure_ascii=False).encode())
    for path in ("tune.jsonl", "team/tune.jsonl"):
        h.update(open(os.path.join(eval_out, path), "rb").read())
    return h.hexdigest()[:16]


FACTS = ("t:", "tw:", "x:")
# Candidate feature sets, compared by cross-validation on tune.
CANDIDATES = {
    "char n-grams": ("c:", "n:"),
    "rule facts": FACTS,
    "facts + sentence + page": FACTS + ("s:", "p:", "n:"),
    "facts + sentence + page + trigger window": FACTS + ("s:", "p:", "n:", "k:"),
    "facts + sentence + page + char n-grams": FACTS + ("s:", "p:", "n:", "c:"),
    "all": FACTS + ("s:", "p:", "n:", "k:", "c:", "w:", "sw:"),
}
CS = (0.1, 0.3, 1.0)


def train(a):
    import numpy as np
    preds, golds = load(a.eval_out, "tune")
    unt, typ = labels(preds, golds)
    groups = [p["doc"] for p in preds]
    base = micro(typed_scores(preds, [True] * len(preds), golds))
    print(f"tune: {len(preds)} events in {len(set(groups))} articles; positives untyped {sum(unt)}, "
          f"typed {sum(typ)}; unfiltered typed P/R/F1 {base[0]:.3f}/{base[1]:.3f}/{base[2]:.3f}")
    from sklearn.metrics import roc_auc_score
    best = None
    for cname, gs in CANDIDATES.items():
        X, used = matrix(preds, set(gs))
        for lab_name, lab in (("untyped", unt), ("typed", typ)):
            y = np.array(lab)
            for C in CS:
                pr = oof(X, y, groups, C)
                f, t = best_threshold(preds, pr, golds)
                P, R, _ = micro(typed_scores(preds, [p >= t for p in pr], golds))
                auc = roc_auc_score(y, pr)
                print(f"  {cname:48} {lab_name:7} C {C:<5} AUC {auc:.3f} cv typed F1 {f:.3f} "
                      f"(P {P:.3f} R {R:.3f}) at t {t:.2f}", flush=True)
                if best is None or f > best[0] + 1e-9:
                    best = (f, t, C, lab_name, y, cname, gs)
    f, t, C, lab_name, y, cname, gs = best
    print(f"chosen: {cname}, label {lab_name}, C {C}, threshold {t:.2f}, cv typed F1 {f:.3f} "
          f"(unfiltered {base[2]:.3f})")
    X, used = matrix(preds, set(gs))
    clf = fit(X, y, C)
    meta = dict(label=lab_name, C=C, features=cname, trained_on="tune articles of dev + team gold",
                events=len(preds), articles=len(set(groups)), positives=int(y.sum()),
                cv_typed_f1=round(f, 4), cv_unfiltered_typed_f1=round(base[2], 4),
                data_sha256=digest(a.eval_out, preds), sklearn=__import__("sklearn").__version__)
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    w = np.zeros(NB)
    w[used] = clf.coef_[0]
    write_model(a.out, clf.intercept_[0], w, t, gs, meta)
    print(f"wrote {a.out} ({os.path.getsize(a.out)} bytes)")


def report(a):
    import numpy as np
    header, w = read_model(a.model)
    t = header["threshold"]
    gs = set(header["groups"])
    print(f"model {a.model}: {header.get('features')}, label {header['label']}, C {header['C']}, threshold {t}")
    print("| set | filter | pred | typed P | typed R | typed F1 | untyped F1 |")
    print("|---|---|---|---|---|---|---|")

    def row(set_name, tag, preds, keep, golds_one):
        (gold, docs), = golds_one.values()
        kept = [p for p, k in zip(preds, keep) if k and p["doc"].removesuffix(".txt") in docs]
        m = len(match(gold, kept, True)); mu = len(match(gold, kept, False))
        P, R, F = prf(m, len(kept), len(gold)); _, _, FU = prf(mu, len(kept), len(gold))
        print(f"| {set_name} | {tag} | {len(kept)} | {P:.3f} | {R:.3f} | {F:.3f} | {FU:.3f} |")

    # tune, cross-validated with the chosen settings (out-of-fold probabilities)
    preds, golds = load(a.eval_out, "tune")
    unt, typ = labels(preds, golds)
    y = np.array(unt if header["label"] == "untyped" else typ)
    X, _ = matrix(preds, gs)
    pr = oof(X, y, [p["doc"] for p in preds], header["C"])
    for name in ("dev", "team"):
        row(f"{name} tune (cv)", "none", preds, [True] * len(preds), {name: golds[name]})
        row(f"{name} tune (cv)", f">= {t}", preds, [p >= t for p in pr], {name: golds[name]})
    preds, golds = load(a.eval_out, "check")
    probs = [prob(header, w, p["features"]) for p in preds]
    for name in ("dev", "team"):
        row(f"{name} check", "none", preds, [True] * len(preds), {name: golds[name]})
        row(f"{name} check", f">= {t}", preds, [p >= t for p in probs], {name: golds[name]})
    seeds = os.path.join(a.eval_out, "features_seeds.jsonl")
    if os.path.exists(seeds):
        preds = read_rows(seeds)
        gold, docs = load_gold(os.path.join(a.shared, "gold", "seeds.jsonl"))
        probs = [prob(header, w, p["features"]) for p in preds]
        row("seeds", "none", preds, [True] * len(preds), {"s": (gold, docs)})
        row("seeds", f">= {t}", preds, [p >= t for p in probs], {"s": (gold, docs)})


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


def fixture(a):
    header, w = read_model(a.model)
    doc = "\n\n".join(s for s, _, _ in SENTENCES) + "\n"
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "synthetic.txt")
        with open(path, "w", encoding="utf-8") as f:
            f.write(doc)
        out = subprocess.run([a.bin, "filter-features", path], check=True, capture_output=True,
                             text=True).stdout
    rows = [json.loads(l) for l in out.splitlines() if l.strip()]
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(json.dumps({"doc_text": doc}, ensure_ascii=False) + "\n")
        for r in rows:
            r["prob"] = prob(header, w, r["features"])
            f.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"wrote {a.out}: {len(rows)} events")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["train", "report", "fixture"])
    ap.add_argument("eval_out", nargs="?")
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--model", default=os.path.join(ROOT, "data", "model", "event_filter.txt"))
    ap.add_argument("--bin", default=os.environ.get("MARSAD_BIN", os.path.join(
        os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "marsad")))
    ap.add_argument("--out")
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
