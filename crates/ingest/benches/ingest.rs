//! Input layer throughput: HTML main-text extraction of the `samples/html` pages, JSONL and
//! WARC / WARC.gz reading of the real articles (written to a temporary folder), and content
//! hashing + deduplication of a batch.
//!
//! `cargo bench -p marsad-ingest --bench ingest` (add `-- --quick` for a fast check). Inputs: see
//! `crates/text/benches/common/mod.rs` (the first 200 corpus articles, or `samples/` on a fresh
//! clone).

use std::fs;
use std::hint::black_box;
use std::io::Write;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use marsad_ingest::{content_hash, read_html, read_inputs, Dedup, Document, Item, ReadOptions};

#[path = "../../text/benches/common/mod.rs"]
mod common;

/// Documents and errors read from `paths` (warnings ignored).
fn read_all(paths: &[PathBuf], opts: &ReadOptions) -> (usize, usize) {
    let (mut docs, mut errors) = (0, 0);
    for item in read_inputs(paths, opts) {
        match item {
            Item::Doc(d) => {
                docs += 1;
                black_box(d);
            }
            Item::Error(_) => errors += 1,
            Item::Warning { .. } => {}
        }
    }
    (docs, errors)
}

fn html(c: &mut Criterion) {
    let pages: Vec<(String, Vec<u8>)> = common::html_paths()
        .into_iter()
        .map(|p| {
            (
                p.display().to_string(),
                fs::read(&p).expect("readable page"),
            )
        })
        .collect();
    assert!(!pages.is_empty(), "no pages in samples/html");
    let bytes: u64 = pages.iter().map(|(_, b)| b.len() as u64).sum();
    common::report("html", "samples/html", pages.len(), bytes);
    let mut g = c.benchmark_group("ingest/html");
    g.throughput(Throughput::Bytes(bytes));
    for (name, html_extract) in [("readability", true), ("body_text", false)] {
        let opts = ReadOptions {
            html_extract,
            ..ReadOptions::default()
        };
        g.bench_function(name, |b| {
            b.iter(|| {
                for (origin, page) in &pages {
                    black_box(read_html(origin, "page", page, &opts).expect("page reads"));
                }
            })
        });
    }
    g.finish();
}

/// One WARC record of type `resource` holding `text` as `text/plain`.
fn warc_record(n: usize, text: &str) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.1\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{n:012}>\r\nWARC-Date: 2020-02-01T08:00:00Z\r\nWARC-Target-URI: https://news.example/{n}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
        text.len()
    )
    .into_bytes();
    r.extend_from_slice(text.as_bytes());
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn gzip_member(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).expect("in-memory gzip");
    e.finish().expect("in-memory gzip")
}

fn files(c: &mut Criterion) {
    let (from, lines) = common::corpus_lines();
    let texts = common::corpus_texts();
    let tmp = tempfile::tempdir().expect("temporary folder");
    let opts = ReadOptions::default();

    let jsonl = tmp.path().join("corpus.jsonl");
    fs::write(&jsonl, lines.join("\n") + "\n").expect("temporary JSONL");
    let jsonl_bytes = fs::metadata(&jsonl).expect("written").len();
    common::report("jsonl", &from, lines.len(), jsonl_bytes);

    // WARC: one text/plain `resource` record per article; the .gz one has a gzip member per
    // record, as crawlers write them. Throughput counts the uncompressed WARC bytes for both.
    let records: Vec<Vec<u8>> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| warc_record(i + 1, t))
        .collect();
    let warc = tmp.path().join("corpus.warc");
    fs::write(&warc, records.concat()).expect("temporary WARC");
    let warc_gz = tmp.path().join("corpus.warc.gz");
    let gz: Vec<u8> = records.iter().flat_map(|r| gzip_member(r)).collect();
    fs::write(&warc_gz, gz).expect("temporary WARC.gz");
    let warc_bytes: u64 = records.iter().map(|r| r.len() as u64).sum();

    // Every input must read back completely, or the figures mean nothing.
    for (p, n) in [
        (&jsonl, lines.len()),
        (&warc, texts.len()),
        (&warc_gz, texts.len()),
    ] {
        let (docs, errors) = read_all(std::slice::from_ref(p), &opts);
        assert_eq!((docs, errors), (n, 0), "{}", p.display());
    }

    let mut g = c.benchmark_group("ingest/read");
    g.throughput(Throughput::Bytes(jsonl_bytes));
    g.bench_function("jsonl", |b| {
        b.iter(|| read_all(std::slice::from_ref(&jsonl), &opts))
    });
    g.throughput(Throughput::Bytes(warc_bytes));
    g.bench_function("warc", |b| {
        b.iter(|| read_all(std::slice::from_ref(&warc), &opts))
    });
    g.bench_function("warc_gz", |b| {
        b.iter(|| read_all(std::slice::from_ref(&warc_gz), &opts))
    });
    g.finish();
}

fn dedup(c: &mut Criterion) {
    let (from, lines) = common::corpus_lines();
    let tmp = tempfile::tempdir().expect("temporary folder");
    let jsonl = tmp.path().join("corpus.jsonl");
    fs::write(&jsonl, lines.join("\n")).expect("temporary JSONL");
    let docs: Vec<Document> = read_inputs(&[jsonl], &ReadOptions::default())
        .filter_map(|i| match i {
            Item::Doc(d) => Some(d),
            _ => None,
        })
        .collect();
    // The batch twice over: every document once new, once a duplicate.
    let batch: Vec<&Document> = docs.iter().chain(&docs).collect();
    let bytes: u64 = docs.iter().map(|d| d.text.len() as u64).sum();
    common::report("dedup", &from, docs.len(), bytes);

    let mut g = c.benchmark_group("ingest/dedup");
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("content_hash", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(content_hash(black_box(&d.text)));
            }
        })
    });
    g.throughput(Throughput::Elements(batch.len() as u64));
    g.bench_function("is_new", |b| {
        b.iter(|| {
            let mut dedup = Dedup::new();
            batch.iter().filter(|d| dedup.is_new(d)).count()
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = html, files, dedup
}
criterion_main!(benches);
