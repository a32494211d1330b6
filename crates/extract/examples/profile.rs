//! Runs the extractor over input files on one thread and prints a digest of every event, so a
//! change meant to be a pure speed-up can be checked byte for byte, and profiled
//! (`valgrind --tool=callgrind --toggle-collect='*Extractor::analyze*'`) without the CLI.
//!
//! usage: cargo run --release -p marsad-extract --example profile -- FILE... [--runs N]

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::PathBuf;
use std::time::Instant;

use marsad_extract::Extractor;
use marsad_ingest::{read_inputs, Item, ReadOptions};
use marsad_kb::KnowledgeBase;

fn main() {
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut runs = 1usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--runs" {
            runs = args.next().and_then(|n| n.parse().ok()).expect("--runs N");
        } else {
            paths.push(a.into());
        }
    }
    let ex = Extractor::new(KnowledgeBase::builtin().expect("built-in knowledge base"));
    let docs: Vec<_> = read_inputs(&paths, &ReadOptions::default())
        .filter_map(|i| match i {
            Item::Doc(d) => Some(d),
            _ => None,
        })
        .collect();
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let mut times = Vec::new();
    let mut digest = 0u64;
    let mut events = 0usize;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let mut h = DefaultHasher::new();
        events = 0;
        for d in &docs {
            let a = ex.analyze(d);
            events += a.events.len();
            serde_json::to_string(&a.events).unwrap().hash(&mut h);
        }
        times.push(t.elapsed().as_secs_f64());
        digest = h.finish();
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let med = times[times.len() / 2];
    println!(
        "{} docs, {:.1} MB, {events} events, digest {digest:016x}; median {med:.3} s = {:.1} MB/s (runs: {:?})",
        docs.len(),
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / med,
        times
    );
}
