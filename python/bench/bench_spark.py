"""Benchmark (docs/BENCHMARKS.md, "Spark over WARC"): one WARC built from corpus pages through
`marsad extract` and through the Spark job at local[1] and local[2].

    python python/bench/bench_spark.py --marsad target/release/marsad --pages 2400

Start-up is separated from per-document cost by running each on a 1-page WARC too:
per-document cost = (time(full) - time(one page)) / (documents(full) - 1).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
import warcgen  # noqa: E402


def timed(cmd, env=None):
    """Wall seconds and the CPU seconds (user + sys) of the command's process tree (only
    the processes it waited for: Spark's JVM and Python workers are not counted)."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    dt = time.perf_counter() - t
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    if p.returncode not in (0, 1):
        raise SystemExit(f"{cmd} failed: {p.stderr[-2000:]}")
    return dt, cpu, p


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
            dt, cpu, p = timed(cmd, env)
            if "spark" in name:
                docs = json.loads(p.stdout.strip().splitlines()[-1])["unique"]
            else:
                docs = None
            r[label] = (dt, docs, cpu)
        rows.append((name, r))
    # documents in the big WARC (unique texts) from the Spark run
    n_docs = [r["full"][1] for _, r in rows if r["full"][1]][0]
    print(f"WARC: {a.pages} pages, {n_docs} unique documents, {mb:.1f} MB gzip\n")
    print("| run | one page: wall s (CPU s) | full: wall s (CPU s) | docs/s (full, wall) "
          "| per-doc ms wall (full - one) | per-doc CPU ms (full - one) |")
    print("|---|---|---|---|---|---|")
    for name, r in rows:
        (one, _, one_cpu), (full, _, full_cpu) = r["one"], r["full"]
        per = (full - one) / (n_docs - 1)
        per_cpu = (full_cpu - one_cpu) / (n_docs - 1)
        print(f"| {name} | {one:.2f} ({one_cpu:.2f}) | {full:.2f} ({full_cpu:.2f}) "
              f"| {n_docs / full:.0f} | {per * 1000:.2f} | {per_cpu * 1000:.2f} |")
    print(f"\nload average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
