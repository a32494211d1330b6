"""The marsad Spark job: WARC, JSONL and text inputs → events as Parquet, partitioned by month.

    python -m marsad.spark INPUT... --out DIR [--master local[2]] [--partitions N]
    spark-submit --master yarn --py-files … -m marsad.spark   (see the README)

Stages (progress and counts in Spark's UI and logs):
1. read: input files are spread over tasks; each task splits its files into documents with
   warcio and marsad's own record reader (``marsad.warc``), keeping each document's
   provenance (``warc_file``, ``warc_offset``, ``warc_length``, ``url``, ``content_hash``);
2. dedup: over the whole input, one document per content hash (the first in input order,
   as ``marsad ingest`` keeps it);
3. extract: ``mapPartitions``, one extractor (knowledge base) per partition, documents in
   batches;
4. write, under DIR: ``events/`` (Parquet: the export contract's columns, nested ones as
   JSON strings, + provenance, partitioned by ``month``), ``events_jsonl/`` (the lines
   ``marsad extract --format jsonl`` prints), ``documents/`` (JSONL that ``marsad ingest``
   reads) and ``problems/`` (JSONL: broken records, lines, files, with file and offset).

A re-run over the same input writes the same rows: ordering comes from the input order
only, never from task timing.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Iterable, Iterator, List, Optional

from marsad import export_fields

BATCH = 64
PROVENANCE = ["warc_file", "warc_offset", "warc_length", "url", "content_hash"]
_MONTH = re.compile(r"^\d{4}-\d{2}")

# Types of the export contract's scalar columns; nested fields (evidence, claims, truce) are
# JSON strings, and a field this table does not know yet (a new export field) is a string.
_LONG = {"fatalities", "injured", "arrested", "sources_count", "fatalities_low",
         "fatalities_best", "fatalities_high"}
_INT = {"geo_precision", "time_precision"}
_DOUBLE = {"latitude", "longitude"}


def _schema(fields: List[str]):
    from pyspark.sql import types as T

    def typ(name: str):
        if name in _LONG:
            return T.LongType()
        if name in _INT:
            return T.IntegerType()
        if name in _DOUBLE:
            return T.DoubleType()
        return T.StringType()

    cols = [T.StructField(f, typ(f), True) for f in fields]
    cols += [
        T.StructField("warc_file", T.StringType(), False),
        T.StructField("warc_offset", T.LongType(), False),
        T.StructField("warc_length", T.LongType(), False),
        T.StructField("content_hash", T.StringType(), False),
        T.StructField("export_json", T.StringType(), False),
        T.StructField("file_index", T.IntegerType(), False),
        T.StructField("seq", T.LongType(), False),
        T.StructField("month", T.StringType(), False),
    ]
    if "url" not in fields:
        cols.insert(len(fields), T.StructField("url", T.StringType(), True))
    return T.StructType(cols)


def _cell(name: str, v):
    if v is None:
        return None
    if name in _LONG or name in _INT:
        return int(v)
    if name in _DOUBLE:
        return float(v)
    if isinstance(v, str):
        return v
    return json.dumps(v, ensure_ascii=False, sort_keys=False)


def read_partition(files: Iterable, max_bytes: int) -> Iterator[tuple]:
    """(file_index, path) → ("doc", …) and ("problem", …) rows."""
    from marsad.warc import read_file

    for idx, path in files:
        for kind, item in read_file(path, max_bytes):
            if kind == "doc":
                yield ("doc", idx, item.seq, item.file, item.offset, item.length, item.url,
                       item.content_hash, item.json)
            else:
                yield ("problem", idx, 0, item.file, item.offset, 0, item.origin,
                       item.kind, item.message)


def extract_partition(rows: Iterable, fields: List[str], kb: Optional[str],
                      event_filter: bool) -> Iterator[tuple]:
    """Documents → event rows; one extractor for the whole partition."""
    from marsad import Extractor

    ex = Extractor(kb, event_filter=event_filter)._inner
    batch: list = []

    def flush():
        outcomes = ex.extract_documents([r.doc_json for r in batch], parallel=False)
        for r, (events, err) in zip(batch, outcomes):
            if err is not None:
                # Cannot happen for documents marsad serialized itself; say so loudly.
                raise RuntimeError(f"{r.warc_file} @ {r.warc_offset}: {err}")
            for line in events:
                e = json.loads(line)
                date = e.get("event_date") or ""
                month = date[:7] if _MONTH.match(date) else "unknown"
                cells = [_cell(f, e.get(f)) for f in fields]
                prov = [r.warc_file, r.warc_offset, r.warc_length, r.content_hash, line,
                        r.file_index, r.seq, month]
                url = [] if "url" in fields else [r.url]
                yield tuple(cells + url + prov)
        batch.clear()

    for r in rows:
        batch.append(r)
        if len(batch) >= BATCH:
            yield from flush()
    if batch:
        yield from flush()


def run(spark, inputs: List[str], out: str, *, partitions: Optional[int] = None,
        kb: Optional[str] = None, event_filter: bool = False,
        max_bytes: int = 32 << 20) -> dict:
    """Runs the job; returns counts (documents, duplicates, events, problems)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    from marsad.warc import list_inputs

    files = list_inputs(inputs)
    if not files:
        raise SystemExit(f"marsad.spark: no input files under {inputs}")
    sc = spark.sparkContext
    n_parts = partitions or max(1, min(len(files), sc.defaultParallelism * 4))
    sc.setJobDescription("marsad: read inputs")
    raw = sc.parallelize(list(enumerate(files)), min(len(files), n_parts)).mapPartitions(
        lambda it: read_partition(it, max_bytes)
    )
    raw_schema = T.StructType([
        T.StructField("kind", T.StringType(), False),
        T.StructField("file_index", T.IntegerType(), False),
        T.StructField("seq", T.LongType(), False),
        T.StructField("warc_file", T.StringType(), False),
        T.StructField("warc_offset", T.LongType(), True),
        T.StructField("warc_length", T.LongType(), True),
        T.StructField("url", T.StringType(), True),  # origin for problems
        T.StructField("content_hash", T.StringType(), True),  # kind for problems
        T.StructField("doc_json", T.StringType(), True),  # message for problems
    ])
    items = spark.createDataFrame(raw, raw_schema).persist()

    problems = items.where(F.col("kind") == "problem").select(
        F.col("content_hash").alias("kind"), F.col("warc_file").alias("file"),
        F.col("warc_offset").alias("offset"), F.col("url").alias("origin"),
        F.col("doc_json").alias("message"), "file_index", "seq",
    )
    docs = items.where(F.col("kind") == "doc").drop("kind")
    # The first copy of each text in input order, as marsad ingest keeps it.
    first = Window.partitionBy("content_hash").orderBy("file_index", "seq")
    unique = (docs.withColumn("_n", F.row_number().over(first)).where(F.col("_n") == 1)
              .drop("_n"))

    fields = export_fields()
    schema = _schema(fields)
    sc.setJobDescription("marsad: extract events")
    events_rdd = unique.repartition(n_parts, "content_hash").rdd.mapPartitions(
        lambda rows: extract_partition(rows, fields, kb, event_filter)
    )
    events = spark.createDataFrame(events_rdd, schema).persist()

    order = ["file_index", "seq", "export_json"]
    sc.setJobDescription("marsad: write events (Parquet)")
    (events.orderBy(*order).drop("file_index", "seq", "export_json")
     .write.mode("overwrite").partitionBy("month").parquet(f"{out}/events"))
    sc.setJobDescription("marsad: write events (JSONL)")
    (events.orderBy(*order).select(F.col("export_json").alias("value"))
     .write.mode("overwrite").text(f"{out}/events_jsonl"))
    sc.setJobDescription("marsad: write documents (JSONL for marsad ingest)")
    doc_cols = F.from_json("doc_json", "id string, url string, outlet string, title string, "
                           "published string, text string")
    (unique.orderBy("file_index", "seq").select(doc_cols.alias("d")).select("d.*")
     .write.mode("overwrite").json(f"{out}/documents"))
    (problems.orderBy("file_index", "seq", "offset", "origin").drop("file_index", "seq")
     .coalesce(1).write.mode("overwrite").json(f"{out}/problems"))

    counts = {
        "files": len(files),
        "documents": docs.count(),
        "unique": unique.count(),
        "events": events.count(),
        "problems": problems.count(),
        "errors": problems.where(F.col("kind") == "error").count(),
    }
    for p in problems.orderBy("file_index", "seq", "offset").limit(50).collect():
        print(f"marsad.spark: {p['kind']}: {p['file']} @ {p['offset']}: {p['origin']}: "
              f"{p['message']}", file=sys.stderr)
    events.unpersist()
    items.unpersist()
    return counts


def session(master: Optional[str] = None, app: str = "marsad"):
    from pyspark.sql import SparkSession

    b = SparkSession.builder.appName(app)
    if master:
        b = b.master(master)
    # No _SUCCESS marker: marsad ingest reads every file of documents/.
    b = b.config("spark.hadoop.mapreduce.fileoutputcommitter.marksuccessfuljobs", "false")
    b = b.config("spark.sql.session.timeZone", "UTC")
    return b.getOrCreate()


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m marsad.spark", description=__doc__.split("\n")[0])
    ap.add_argument("inputs", nargs="+", help="WARC(.gz), JSONL, text or HTML files or folders")
    ap.add_argument("--out", required=True, help="output folder (replaced)")
    ap.add_argument("--master", help="Spark master (default: spark-submit's, else local[*])")
    ap.add_argument("--partitions", type=int, help="extraction partitions")
    ap.add_argument("--kb", help="knowledge-base folder replacing the built-in one")
    ap.add_argument("--event-filter", action="store_true")
    ap.add_argument("--max-bytes", type=int, default=32 << 20)
    a = ap.parse_args(argv)
    spark = session(a.master)
    try:
        counts = run(spark, a.inputs, a.out, partitions=a.partitions, kb=a.kb,
                     event_filter=a.event_filter, max_bytes=a.max_bytes)
    finally:
        spark.stop()
    print(json.dumps(counts))
    return 1 if counts["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
