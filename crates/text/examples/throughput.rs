//! Throughput of normalization and tokenization over the given files, and the counts found.
//!
//! `cargo run --release -p marsad-text --example throughput -- /work/shared/seeds/*.txt`

use std::time::Instant;

fn main() {
    let texts: Vec<String> = std::env::args()
        .skip(1)
        .map(|p| std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}")))
        .collect();
    let show = std::env::var_os("SHOW").is_some();
    let words: usize = texts.iter().map(|t| t.split_whitespace().count()).sum();
    let rounds = 100;
    let start = Instant::now();
    let mut bytes = 0;
    for _ in 0..rounds {
        for t in &texts {
            bytes += marsad_text::normalize(t).text.len();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "normalize: {:.1} M words/s ({bytes} bytes out)",
        (words * rounds) as f64 / secs / 1e6
    );
    let norms: Vec<String> = texts
        .iter()
        .map(|t| marsad_text::normalize(t).text)
        .collect();
    let start = Instant::now();
    let mut n = 0;
    for _ in 0..rounds {
        for t in &norms {
            n += marsad_text::token_iter(t).count();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "tokens: {:.1} M words/s ({n} tokens)",
        (words * rounds) as f64 / secs / 1e6
    );
    let start = Instant::now();
    let mut n = 0;
    for _ in 0..rounds {
        for t in &norms {
            n += marsad_text::quantities(t).len() + marsad_text::sentences(t).len();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "quantities+sentences: {:.1} M words/s ({n})",
        (words * rounds) as f64 / secs / 1e6
    );
    if show {
        for t in &norms {
            for q in marsad_text::quantities(t) {
                println!("{:?} {:?} [{}]", q.value, q.approx, &t[q.range]);
            }
        }
    }
}
