//! Extraction throughput, one thread: the full analysis of one seed article (`extract/seed`), of
//! every seed (`extract/seeds`), and of a batch of 200 real corpus articles (`extract/corpus`),
//! documents built by marsad-ingest as the CLI builds them.
//!
//! `cargo bench -p marsad-extract --bench extract` (add `-- --quick` for a fast check). Inputs:
//! see `crates/text/benches/common/mod.rs` (`../shared/seeds` and the first 200 corpus articles,
//! or `samples/` on a fresh clone). `marsad bench` measures the same on many MB and all threads.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use marsad_extract::Extractor;
use marsad_ingest::{parse_jsonl_line, read_text, Document, ReadOptions};
use marsad_kb::KnowledgeBase;

#[path = "../../text/benches/common/mod.rs"]
mod common;

fn seeds(opts: &ReadOptions) -> Vec<Document> {
    let (from, paths) = common::seed_paths();
    let docs: Vec<Document> = paths
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).expect("readable seed");
            let id = p.file_stem().unwrap().to_string_lossy();
            read_text(&p.display().to_string(), &id, &bytes, opts).expect("seed reads")
        })
        .collect();
    let bytes = docs.iter().map(|d| d.text.len() as u64).sum();
    common::report("seeds", &from, docs.len(), bytes);
    docs
}

fn corpus(opts: &ReadOptions) -> Vec<Document> {
    let (from, lines) = common::corpus_lines();
    let docs: Vec<Document> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            parse_jsonl_line(&from, "corpus", i + 1, l.as_bytes(), opts)
                .ok()
                .map(|(d, _)| d)
        })
        .collect();
    let bytes = docs.iter().map(|d| d.text.len() as u64).sum();
    common::report("corpus", &from, docs.len(), bytes);
    docs
}

fn analyze_all(ex: &Extractor, docs: &[Document]) -> usize {
    docs.iter()
        .map(|d| ex.analyze(black_box(d)).events.len())
        .sum()
}

fn extract(c: &mut Criterion) {
    let ex = Extractor::new(KnowledgeBase::builtin().expect("built-in knowledge base"));
    let opts = ReadOptions::default();
    let seeds = seeds(&opts);
    assert!(!seeds.is_empty(), "no seed articles");
    let seed_bytes = seeds.iter().map(|d| d.text.len() as u64).sum();
    let corpus = corpus(&opts);
    let corpus_bytes = corpus.iter().map(|d| d.text.len() as u64).sum();

    let mut g = c.benchmark_group("extract");
    g.throughput(Throughput::Bytes(seeds[0].text.len() as u64));
    g.bench_function("seed", |b| {
        b.iter(|| ex.analyze(black_box(&seeds[0])).events.len())
    });
    g.throughput(Throughput::Bytes(seed_bytes));
    g.bench_function("seeds", |b| b.iter(|| analyze_all(&ex, &seeds)));
    // One batch takes ~0.1 s: the same number of batches in each of 10 samples.
    g.sampling_mode(SamplingMode::Flat).sample_size(10);
    g.throughput(Throughput::Bytes(corpus_bytes));
    g.bench_function("corpus", |b| b.iter(|| analyze_all(&ex, &corpus)));
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = extract
}
criterion_main!(benches);
