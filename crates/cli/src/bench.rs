//! `marsad bench`: extraction throughput on given files repeated to a target size.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Result};
use marsad_extract::Extractor;
use marsad_ingest::{read_inputs, Document, Item, ReadOptions};
use rayon::prelude::*;

pub fn run(
    ex: &Extractor,
    paths: &[PathBuf],
    opts: &ReadOptions,
    mb: usize,
    runs: usize,
) -> Result<()> {
    let base: Vec<Document> = read_inputs(paths, opts)
        .filter_map(|i| match i {
            Item::Doc(d) => Some(d),
            _ => None,
        })
        .collect();
    if base.is_empty() {
        bail!("no readable documents in the given paths");
    }
    let target = mb * 1024 * 1024;
    let mut docs = Vec::new();
    let mut bytes = 0usize;
    'fill: loop {
        for d in &base {
            let mut c = d.clone();
            c.id = format!("{}~{}", d.id, docs.len());
            bytes += c.text.len();
            docs.push(c);
            if bytes >= target {
                break 'fill;
            }
        }
    }
    let threads = rayon::current_num_threads();
    println!(
        "corpus: {} documents, {:.1} MB (from {} files); {} runs; rayon threads: {threads}",
        docs.len(),
        bytes as f64 / 1e6,
        base.len(),
        runs.max(1)
    );
    for (label, parallel) in [("1 thread", false), ("all threads", true)] {
        let mut times = Vec::new();
        let mut events = 0;
        for _ in 0..runs.max(1) {
            let t = Instant::now();
            events = if parallel {
                docs.par_iter()
                    .map(|d| ex.analyze(d).events.len())
                    .sum::<usize>()
            } else {
                docs.iter()
                    .map(|d| ex.analyze(d).events.len())
                    .sum::<usize>()
            };
            times.push(t.elapsed().as_secs_f64());
        }
        times.sort_by(|a, b| a.total_cmp(b));
        let med = times[times.len() / 2];
        println!(
            "extract ({label}): median {med:.3} s → {:.0} articles/s, {:.2} MB/s, {events} events (runs: {})",
            docs.len() as f64 / med,
            bytes as f64 / 1e6 / med,
            times.iter().map(|t| format!("{t:.3}")).collect::<Vec<_>>().join(" ")
        );
    }
    Ok(())
}
