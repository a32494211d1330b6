"""Benchmark (docs/BENCHMARKS.md, "Spark over WARC"): one WARC built from corpus pages through
`marsad extract` and through the Spark job at local[1] and local[2].

    python python/bench/bench_spark.py --marsad target/release/marsad --pages 2400

Start-up is separated from per-document cost by running each on a 1-page WARC too:
per-document cost = (time(full) - time(one page)) / (documents(full) - 1).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
import warcgen  # noqa: E402


def timed(cmd, env=None):
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    dt = time.perf_counter() - t
    if p.returncode not in (0, 1):
        raise SystemExit(f"{cmd} failed: {p.stderr[-2000:]}")
    return dt, p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--marsad", required=True)
    ap.add_argument("--corpus", default=os.path.join(os.path.dirname(__file__),
                    "../../../shared/data/corpus/syria_war_articles.jsonl"))
    ap.add_argument("--pages", type=int, default=2400)
    a = ap.parse_args()
    d = tempfile.mkdtemp(prefix="marsad-bench-")
    pages = warcgen.corpus_pages(a.corpus, a.pages)
    big, small = os.path.join(d, "big.warc.gz"), os.path.join(d, "one.warc.gz")
    warcgen.write(big, warcgen.records(pages))
    warcgen.write(small, warcgen.records(pages[:1])[:2])
    mb = os.path.getsize(big) / 1e6
    rows = []
    for name, mk in [
        ("marsad extract (1 thread)", lambda w, o: (["env", "RAYON_NUM_THREADS=1", a.marsad, "extract", "--format", "jsonl", w], None)),
        ("marsad extract (2 threads)", lambda w, o: ([a.marsad, "extract", "--format", "jsonl", w], None)),
        ("spark local[1]", lambda w, o: ([sys.executable, "-m", "marsad.spark", w, "--out", o, "--master", "local[1]"], None)),
        ("spark local[2]", lambda w, o: ([sys.executable, "-m", "marsad.spark", w, "--out", o, "--master", "local[2]"], None)),
    ]:
        r = {}
        for label, w in (("one", small), ("full", big)):
            cmd, env = mk(w, os.path.join(d, f"out-{label}"))
            dt, p = timed(cmd, env)
            if "spark" in name:
                docs = json.loads(p.stdout.strip().splitlines()[-1])["unique"]
            else:
                docs = None
            r[label] = (dt, docs)
        rows.append((name, r))
    # documents in the big WARC (unique texts) from the Spark run
    n_docs = [r["full"][1] for _, r in rows if r["full"][1]][0]
    print(f"WARC: {a.pages} pages, {n_docs} unique documents, {mb:.1f} MB gzip\n")
    print("| run | one page (s) | full (s) | docs/s (full) | per-doc ms (full - one) | docs/s after start-up |")
    print("|---|---|---|---|---|---|")
    for name, r in rows:
        one, full = r["one"][0], r["full"][0]
        per = (full - one) / (n_docs - 1)
        print(f"| {name} | {one:.2f} | {full:.2f} | {n_docs / full:.0f} | {per * 1000:.2f} | {1 / per:.0f} |")


if __name__ == "__main__":
    main()
