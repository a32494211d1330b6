"""The Spark job (local[2]) against `marsad extract` on the same documents."""

import glob
import hashlib
import json
import os
import subprocess

import pandas as pd
import pytest

import warcgen
from conftest import REPO, cli_jsonl, marsad_bin
from marsad.spark import run

ACLED = ["event_date", "time_precision", "event_type", "sub_event_type", "actor1",
         "assoc_actor_1", "actor2", "assoc_actor_2", "country", "admin1", "admin2", "admin3",
         "location", "latitude", "longitude", "geo_precision", "source", "fatalities"]


def digest(lines):
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()


def job_lines(out):
    lines = []
    for f in sorted(glob.glob(f"{out}/events_jsonl/part-*")):
        with open(f, encoding="utf-8") as fh:
            lines += [l for l in fh.read().split("\n") if l]
    return lines


def problems(out):
    rows = []
    for f in sorted(glob.glob(f"{out}/problems/part-*")):
        with open(f, encoding="utf-8") as fh:
            rows += [json.loads(l) for l in fh if l.strip()]
    return rows


def check_same_as_cli(spark, tmp_path, inputs, cli_inputs=None):
    out = str(tmp_path / "out")
    counts = run(spark, [str(p) for p in inputs], out)
    cli, _err, _code = cli_jsonl(*(cli_inputs or inputs))
    got = job_lines(out)
    assert len(cli) > 0
    assert len(got) == len(cli) == counts["events"]
    assert digest(got) == digest(cli)
    return out, counts


def test_seeds(spark, shared, tmp_path):
    out, counts = check_same_as_cli(spark, tmp_path, [shared / "seeds"])
    assert counts["documents"] == 5 and counts["problems"] == 0
    # a re-run writes the same rows, in the same order
    again = str(tmp_path / "again")
    run(spark, [str(shared / "seeds")], again)
    assert job_lines(again) == job_lines(out)
    a = pd.read_parquet(f"{out}/events").sort_values("event_id").reset_index(drop=True)
    b = pd.read_parquet(f"{again}/events").sort_values("event_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


def test_samples(spark, tmp_path):
    check_same_as_cli(spark, tmp_path, [REPO / "samples"])


@pytest.fixture(scope="module")
def warcs(shared, tmp_path_factory):
    d = tmp_path_factory.mktemp("warc")
    pages = warcgen.corpus_pages(str(shared / "data/corpus/syria_war_articles.jsonl"), 1062)
    recs = warcgen.records(pages[:1060])
    assert len(recs) >= 1000
    clean = d / "clean.warc.gz"
    warcgen.write(str(clean), recs)
    extra = warcgen.records(pages[1060:1062], seed=99)
    broken = d / "broken.warc.gz"
    offsets = warcgen.write_broken(str(broken), recs, 400, extra[1], extra[2])
    return clean, broken, offsets, len(recs)


def test_warc_with_broken_and_truncated_records(spark, warcs, tmp_path):
    clean, broken, (broken_at, truncated_at), n_recs = warcs
    # The good records of the broken file give what marsad extract gives on the clean one.
    out, counts = check_same_as_cli(spark, tmp_path, [broken], cli_inputs=[clean])
    assert counts["documents"] >= 1000
    assert counts["unique"] < counts["documents"]  # the duplicate pages were dropped
    errs = [p for p in problems(out) if p["kind"] == "error"]
    assert {(p["file"], p["offset"]) for p in errs} == {
        (str(broken), broken_at), (str(broken), truncated_at)}, errs
    assert any("truncated" in p["message"] for p in errs)
    warns = [p for p in problems(out) if p["kind"] == "warning"]
    assert any("404" in p["message"] for p in warns)

    # Parquet: ACLED column names, provenance, months, one row per event.
    df = pd.read_parquet(f"{out}/events")
    assert len(df) == counts["events"]
    for c in ACLED + ["warc_file", "warc_offset", "warc_length", "url", "content_hash", "month"]:
        assert c in df.columns, c
    assert set(df["warc_file"]) == {str(broken)}
    assert df["content_hash"].str.len().eq(64).all()
    months = {os.path.basename(p) for p in glob.glob(f"{out}/events/month=*")}
    assert months and all(m == "month=unknown" or m[6:10].isdigit() for m in months)
    dated = df[df["event_date"].notna()]
    assert (dated["event_date"].astype(str).str[:7] == dated["month"].astype(str)).all()

    # Each row's provenance points at its record: re-reading those bytes gives the URL.
    import gzip
    row = df.iloc[len(df) // 2]
    with open(row["warc_file"], "rb") as f:
        f.seek(int(row["warc_offset"]))
        rec = gzip.decompress(f.read(int(row["warc_length"])))
    assert rec.startswith(b"WARC/1.0") and row["url"].encode() in rec

    # Back into marsad: the documents the job wrote give the same events through the CLI.
    docs = f"{out}/documents"
    cli, err, code = cli_jsonl(docs)
    assert code == 0, err
    assert digest(cli) == digest(job_lines(out))
    db = tmp_path / "db"
    p = subprocess.run([marsad_bin(), "--db", str(db), "ingest", docs], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    p = subprocess.run([marsad_bin(), "--db", str(db), "export", "--format", "jsonl"],
                       capture_output=True, text=True)
    assert len([l for l in p.stdout.split("\n") if l]) == counts["events"]


def test_cli_on_the_broken_warc_reports_it(warcs):
    _clean, broken, _offsets, _n = warcs
    _lines, err, code = cli_jsonl(broken)
    assert code == 1 and str(broken) in err
