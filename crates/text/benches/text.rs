//! Text layer throughput on real articles: normalization (with its offset map), tokens,
//! paragraphs/sentences/clauses, counts, and mapping ranges back to the original.
//!
//! `cargo bench -p marsad-text --bench text` (add `-- --quick` for a fast check). Inputs: see
//! `benches/common/mod.rs` (the first 200 corpus articles, or `samples/` on a fresh clone).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use marsad_text::{clauses, normalize, paragraphs, quantities, sentences, token_iter, tokens};

#[path = "common/mod.rs"]
mod common;

fn text(c: &mut Criterion) {
    let texts = common::corpus_texts();
    let normalized: Vec<_> = texts.iter().map(|t| normalize(t)).collect();
    let norms: Vec<&str> = normalized.iter().map(|n| n.text.as_str()).collect();
    let bytes = common::total(&texts);
    let norm_bytes = common::total(&norms);

    let mut g = c.benchmark_group("text");
    // Input bytes of each step: the original for `normalize`, the normalized text after it.
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("normalize", |b| {
        b.iter(|| {
            for t in &texts {
                black_box(normalize(black_box(t)));
            }
        })
    });
    g.throughput(Throughput::Bytes(norm_bytes));
    g.bench_function("token_iter", |b| {
        b.iter(|| norms.iter().map(|t| token_iter(t).count()).sum::<usize>())
    });
    g.bench_function("tokens", |b| {
        b.iter(|| norms.iter().map(|t| tokens(t).len()).sum::<usize>())
    });
    g.bench_function("paragraphs", |b| {
        b.iter(|| norms.iter().map(|t| paragraphs(t).len()).sum::<usize>())
    });
    g.bench_function("sentences", |b| {
        b.iter(|| norms.iter().map(|t| sentences(t).len()).sum::<usize>())
    });
    g.bench_function("sentences_clauses", |b| {
        b.iter(|| {
            norms
                .iter()
                .flat_map(|t| sentences(t).into_iter().map(move |s| clauses(t, s).len()))
                .sum::<usize>()
        })
    });
    g.bench_function("quantities", |b| {
        b.iter(|| norms.iter().map(|t| quantities(t).len()).sum::<usize>())
    });
    // Offset map: every token range of the normalized text back to the original.
    let token_ranges: Vec<Vec<_>> = norms
        .iter()
        .map(|t| tokens(t).into_iter().map(|k| k.range).collect())
        .collect();
    g.bench_function("original_range", |b| {
        b.iter(|| {
            let mut sum = 0usize;
            for (n, ranges) in normalized.iter().zip(&token_ranges) {
                for r in ranges {
                    sum += n.original_range(r.clone()).end;
                }
            }
            sum
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = text
}
criterion_main!(benches);
