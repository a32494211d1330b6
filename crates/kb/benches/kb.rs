//! Knowledge-base throughput: loading (the embedded data and `data/` from disk, automata
//! included) and matching actors/places/outlets, triggers and cues over normalized articles.
//!
//! `cargo bench -p marsad-kb --bench kb` (add `-- --quick` for a fast check). Inputs: see
//! `crates/text/benches/common/mod.rs` (the first 200 corpus articles, or `samples/` on a fresh
//! clone).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use marsad_kb::KnowledgeBase;

#[path = "../../text/benches/common/mod.rs"]
mod common;

fn load(c: &mut Criterion) {
    let data = common::repo().join("data");
    let mut g = c.benchmark_group("kb/load");
    // One load takes tens of milliseconds: a fixed number of loads per sample.
    g.sampling_mode(SamplingMode::Flat).sample_size(10);
    g.bench_function("builtin", |b| {
        b.iter(|| KnowledgeBase::builtin().expect("built-in knowledge base"))
    });
    g.bench_function("from_dir", |b| {
        b.iter(|| KnowledgeBase::from_dir(black_box(&data)).expect("data/ loads"))
    });
    g.finish();
}

fn matching(c: &mut Criterion) {
    let kb = KnowledgeBase::builtin().expect("built-in knowledge base");
    let norms: Vec<String> = common::corpus_texts()
        .iter()
        .map(|t| marsad_text::normalize(t).text)
        .collect();
    let mut g = c.benchmark_group("kb/match");
    g.throughput(Throughput::Bytes(common::total(&norms)));
    g.bench_function("entities", |b| {
        b.iter(|| {
            norms
                .iter()
                .map(|t| kb.find_entities(t).len())
                .sum::<usize>()
        })
    });
    g.bench_function("triggers", |b| {
        b.iter(|| {
            norms
                .iter()
                .map(|t| kb.find_triggers(t).len())
                .sum::<usize>()
        })
    });
    g.bench_function("cues", |b| {
        b.iter(|| norms.iter().map(|t| kb.find_cues(t).len()).sum::<usize>())
    });
    g.bench_function("all", |b| {
        b.iter(|| {
            norms
                .iter()
                .map(|t| {
                    let m = kb.find_all(t);
                    m.entities.len() + m.triggers.len() + m.cues.len()
                })
                .sum::<usize>()
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = load, matching
}
criterion_main!(benches);
