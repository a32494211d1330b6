#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/<target>/ from the repository's samples and
the hand-written regression inputs (run from fuzz/). The grown corpora are not committed;
a few inputs of each are kept in tests-data/regressions/<target>/ instead."""
import glob, gzip, hashlib, os

os.makedirs("corpus", exist_ok=True)
for t in ["html", "jsonl", "warc", "normalize", "extract", "query"]:
    os.makedirs(f"corpus/{t}", exist_ok=True)

def put(t, name, data):
    open(f"corpus/{t}/{name}", "wb").write(data)

for f in glob.glob("../samples/html/*.html") + glob.glob("../tests-data/regressions/html/*"):
    put("html", os.path.basename(f), open(f, "rb").read())
lines = open("../samples/feed.jsonl", "rb").read().splitlines()
for f in glob.glob("../tests-data/regressions/**/*.jsonl", recursive=True):
    lines += open(f, "rb").read().splitlines()
for l in lines:
    put("jsonl", hashlib.sha1(l).hexdigest()[:12], l)

def rec(t, body, ct):
    return (b"WARC/1.0\r\nWARC-Type: " + t + b"\r\nWARC-Record-ID: <urn:uuid:x" + t
            + b">\r\nWARC-Target-URI: http://e.com/a\r\nWARC-Date: 2019-05-01T00:00:00Z\r\n"
            b"Content-Type: " + ct + b"\r\nContent-Length: " + str(len(body)).encode()
            + b"\r\n\r\n" + body + b"\r\n\r\n")

html = open(sorted(glob.glob("../samples/html/*.html"))[0], "rb").read()
txt = "قتل خمسة مدنيين بغارات روسية على معرة حرمة".encode()
put("warc", "resp", rec(b"response", b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html,
                        b"application/http; msgtype=response"))
put("warc", "multi", rec(b"warcinfo", b"software: x\r\n", b"application/warc-fields")
    + rec(b"resource", txt, b"text/plain")
    + rec(b"request", b"GET / HTTP/1.1\r\n\r\n", b"application/http; msgtype=request"))
put("warc", "gz", gzip.compress(rec(b"resource", txt, b"text/plain")))
for f in glob.glob("../tests-data/regressions/**/*.warc*", recursive=True):
    put("warc", os.path.basename(f), open(f, "rb").read())
for f in sorted(glob.glob("../samples/text/*.txt"))[:12] + glob.glob("../tests-data/regressions/**/*.txt", recursive=True):
    for t in ["normalize", "extract"]:
        put(t, os.path.basename(f), open(f, "rb").read())

# Queries: what an analyst types, query syntax of every kind, and the probe's shapes (kept
# short: the fuzzer grows them).
queries = ["هدنة قسد", "قصف الرقة", '"دير الزور" -منبج', "actor:sdf AND (قصف OR اشتباك)",
           "title:(هدنة OR اتفاق)", "NOT قصف", "published:[2024-01-01 TO 2024-06-01]",
           "قسد^2 +الرقة", '"قوات سوريا"~2', "title:*", "(" * 20 + "x" + ")" * 20,
           "NOT " * 20 + "x", "a\\(b", "outlet:enab IN [a b]", "*"]
for f in glob.glob("../tests-data/regressions/query/*"):
    queries.append(open(f, encoding="utf-8").read())
for q in queries:
    put("query", hashlib.sha1(q.encode()).hexdigest()[:12], q.encode())
