#!/usr/bin/env python3
"""Normalization + tokenization throughput, marsad vs the Python Arabic tools, on the
same texts (every `text` field of a JSONL corpus), one process, one core.

Called by scripts/bench_python.sh (which installs the tools and builds the Rust bench).
Words/s = whitespace-separated words of the original texts / seconds, the same
denominator for every tool; median of --runs runs. Prints a Markdown table.

Pipelines timed (each over every text):
  camel-tools  normalize_unicode -> dediac_ar -> normalize_alef_ar ->
               normalize_alef_maksura_ar -> normalize_teh_marbuta_ar -> simple_word_tokenize
  pyarabic     strip_tashkeel -> strip_tatweel -> normalize_hamza -> normalize_ligature ->
               normalize_alef -> normalize_teh -> araby.tokenize
  tashaphyne   normalize_searchtext -> split -> ArabicLightStemmer.light_stem per word
               (stemming is more work than the others do; reported apart)
  marsad       marsad_text::normalize (with its offset map) -> marsad_text::token_iter
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def load(path):
    texts = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                t = json.loads(line).get("text")
            except json.JSONDecodeError:
                continue
            if isinstance(t, str) and t.strip():
                texts.append(t)
    return texts


def camel_pipeline():
    from camel_tools.utils.normalize import (normalize_unicode, normalize_alef_ar,
                                             normalize_alef_maksura_ar,
                                             normalize_teh_marbuta_ar)
    from camel_tools.utils.dediac import dediac_ar
    from camel_tools.tokenizers.word import simple_word_tokenize

    def run(texts):
        n = 0
        for t in texts:
            t = normalize_unicode(t)
            t = dediac_ar(t)
            t = normalize_alef_ar(t)
            t = normalize_alef_maksura_ar(t)
            t = normalize_teh_marbuta_ar(t)
            n += len(simple_word_tokenize(t))
        return n
    return run


def pyarabic_pipeline():
    import pyarabic.araby as araby

    def run(texts):
        n = 0
        for t in texts:
            t = araby.strip_tashkeel(t)
            t = araby.strip_tatweel(t)
            t = araby.normalize_hamza(t)
            t = araby.normalize_ligature(t)
            t = araby.normalize_alef(t)
            t = araby.normalize_teh(t)
            n += len(araby.tokenize(t))
        return n
    return run


def tashaphyne_pipeline():
    from tashaphyne.normalize import normalize_searchtext
    from tashaphyne.stemming import ArabicLightStemmer
    st = ArabicLightStemmer()

    def run(texts):
        n = 0
        for t in texts:
            for w in normalize_searchtext(t).split():
                st.light_stem(w)
                n += 1
        return n
    return run


def tashaphyne_norm_pipeline():
    from tashaphyne.normalize import normalize_searchtext

    def run(texts):
        n = 0
        for t in texts:
            n += len(normalize_searchtext(t).split())
        return n
    return run


def time_runs(fn, texts, runs):
    secs, tokens = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        tokens = fn(texts)
        secs.append(time.perf_counter() - t0)
    return secs, tokens


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--rust", help="textbench binary")
    ap.add_argument("--status", help="install status file (tool ok|FAILED version)")
    ap.add_argument("--sample", type=float, default=1.0,
                    help="fraction of the texts for the slow per-word stemmer only")
    a = ap.parse_args()

    texts = load(a.corpus)
    words = sum(len(t.split()) for t in texts)
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(f"corpus: {a.corpus}: {len(texts)} texts, {words:,} words, {mb:.1f} MB; "
          f"{a.runs} runs each, median", file=sys.stderr)

    status = {}
    if a.status and os.path.exists(a.status):
        for line in open(a.status):
            p = line.split()
            if p:
                status[p[0]] = " ".join(p[1:])

    rows = []  # (tool, pipeline, words/s or None, runs, note)

    if a.rust:
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False,
                                         encoding="utf-8") as f:
            f.write("\n\x1e\n".join(texts))
            tmp = f.name
        try:
            out = subprocess.run([a.rust, tmp, str(a.runs)], check=True,
                                 capture_output=True, text=True).stdout
        finally:
            os.unlink(tmp)
        secs = [float(l.split()[0]) for l in out.split("\n") if l.strip()]
        rows.append(("marsad (Rust)", "normalize (+ offset map) + token_iter",
                     secs, words, ""))

    tools = [
        ("camel-tools", "camel-tools", "normalize_unicode + dediac_ar + alef/maksura/teh + simple_word_tokenize", camel_pipeline, 1.0),
        ("pyarabic", "pyarabic", "strip_tashkeel/tatweel + normalize_hamza/ligature/alef/teh + araby.tokenize", pyarabic_pipeline, 1.0),
        ("tashaphyne", "tashaphyne", "normalize_searchtext + split", tashaphyne_norm_pipeline, 1.0),
        ("tashaphyne", "tashaphyne + stem", "normalize_searchtext + split + light_stem per word", tashaphyne_pipeline, a.sample),
    ]
    for pkg, name, what, make, frac in tools:
        st = status.get(pkg, "ok")
        if st.startswith("FAILED"):
            rows.append((name, what, None, 0, "PyPI install failed"))
            continue
        try:
            fn = make()
        except Exception as e:  # import error: report it in the table
            rows.append((name, what, None, 0, f"import failed: {e}"))
            continue
        sub = texts if frac >= 1.0 else texts[: max(1, int(len(texts) * frac))]
        w = words if sub is texts else sum(len(t.split()) for t in sub)
        secs, _ = time_runs(fn, sub, a.runs)
        note = "" if sub is texts else f"first {len(sub)} texts ({w:,} words)"
        rows.append((name, what, secs, w, note))

    def rate(r):
        return r[3] / statistics.median(r[2]) if r[2] else None

    camel = next((rate(r) for r in rows if r[0] == "camel-tools" and r[2]), None)
    print("| tool | pipeline | words/s (median) | runs (s) | ratio to camel-tools | note |")
    print("|---|---|---:|---|---:|---|")
    for r in rows:
        wps = rate(r)
        if wps is None:
            print(f"| {r[0]} | {r[1]} | — | — | — | {r[4]} |")
            continue
        runs = ", ".join(f"{s:.2f}" for s in r[2])
        ratio = f"{wps / camel:.1f}×" if camel else "—"
        ver = status.get(r[0].split()[0], "")
        note = "; ".join(x for x in [ver.replace("ok ", "v") if ver else "", r[4]] if x)
        print(f"| {r[0]} | {r[1]} | {wps / 1e6:.2f} M | {runs} | {ratio} | {note} |")


if __name__ == "__main__":
    main()
