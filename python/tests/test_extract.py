"""The Python package against the CLI: same events for the same documents."""

import json
import threading

import pytest

import marsad
from conftest import cli_jsonl


def seed_texts(shared):
    return sorted((shared / "seeds").glob("*.txt"))


def test_extract_equals_cli_on_the_seeds(shared, tmp_path):
    docs = [{"id": p.stem, "text": p.read_text(encoding="utf-8")} for p in seed_texts(shared)]
    feed = tmp_path / "seeds.jsonl"
    feed.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    cli, err, code = cli_jsonl(feed)
    assert code == 0, err
    ours = []
    for d in docs:
        ours += marsad.extract(d["text"], id=d["id"])
    assert len(cli) > 0
    assert [json.loads(l) for l in cli] == ours
    # batch (parallel or not) gives the same
    for parallel in (True, False):
        got = [e for r in marsad.extract_batch(docs, parallel=parallel) for e in r.events]
        assert got == ours


def test_events_have_the_export_fields(shared):
    text = seed_texts(shared)[0].read_text(encoding="utf-8")
    events = marsad.extract(text, id="s0", url="https://example.org/a", published="2019-10-12")
    assert events, "a seed has events"
    fields = marsad.export_fields()
    for f in ("doc", "event_id", "event_type", "sub_event_type", "actor1", "event_date",
              "fatalities", "stance", "evidence"):
        assert f in fields
    for e in events:
        assert list(e) == [f for f in fields if f in e]
        assert e["doc"] == "s0"
        ev = e["evidence"]
        assert text.encode()[ev["start"]:ev["end"]].decode() == ev["text"]


def test_published_anchors_relative_dates():
    text = "قتل خمسة مدنيين أمس في قصف جوي على مدينة إدلب شمال سوريا."
    a = marsad.extract(text, id="x", published="2019-10-12")
    b = marsad.extract(text, id="x", published="2020-03-01")
    assert a and b
    assert a[0]["event_date"] != b[0]["event_date"]


def test_bad_document_raises_naming_it():
    with pytest.raises(marsad.DocumentError) as e:
        marsad.extract("   \n ", id="empty-one")
    assert "empty-one" in str(e.value)
    assert e.value.doc == "'empty-one'"
    with pytest.raises(TypeError, match="doc7"):
        marsad.extract(b"bytes", id="doc7")


def test_one_bad_document_in_a_batch_is_reported_not_fatal(shared):
    good = seed_texts(shared)[1].read_text(encoding="utf-8")
    res = marsad.extract_batch([
        {"id": "a", "text": good},
        {"id": "b", "text": ""},
        {"text": 42},
        "not a dict",
        {"id": "e", "text": good, "colour": "red"},
        {"text": good},
    ])
    assert [r.doc for r in res] == ["a", "b", "doc:3", "doc:4", "e", "doc:6"]
    assert res[0].error is None and res[0].events
    assert "'b'" in str(res[1].error) and "empty" in str(res[1].error)
    assert "#3" in str(res[2].error) and "text" in str(res[2].error)
    assert "#4" in str(res[3].error)
    assert "colour" in str(res[4].error)
    assert res[5].error is None
    assert [e["doc"] for e in res[5].events] == ["doc:6"] * len(res[5].events)
    assert len(res[5].events) == len(res[0].events)


def test_threads_share_one_extractor(shared):
    ex = marsad.Extractor()
    docs = [{"id": p.stem, "text": p.read_text(encoding="utf-8")} for p in seed_texts(shared)]
    want = ex.extract_batch(docs, parallel=False)
    got = [None] * 4

    def work(i):
        got[i] = ex.extract_batch(docs, parallel=False)

    ts = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert all(g == want for g in got)


def test_content_hash_ignores_whitespace_runs():
    assert marsad.content_hash("a  b\n") == marsad.content_hash(" a b")
    assert marsad.content_hash("a b") != marsad.content_hash("a c")
