//! `textbench FILE.txt RUNS`: texts separated by a line holding only "\x1e" (record
//! separator). Times `marsad_text::normalize` + `marsad_text::token_iter` over all texts on
//! one thread, RUNS times, and prints one line per run: `<seconds> <words> <tokens>`
//! (words = whitespace-separated words of the original texts, the denominator every tool
//! in scripts/bench_python.py uses).
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: textbench FILE RUNS");
    let runs: usize = args.next().map(|r| r.parse().unwrap()).unwrap_or(3);
    let all = std::fs::read_to_string(&path).expect("read input");
    let texts: Vec<&str> = all.split("\n\u{1e}\n").filter(|t| !t.is_empty()).collect();
    let words: usize = texts.iter().map(|t| t.split_whitespace().count()).sum();
    for _ in 0..runs {
        let start = Instant::now();
        let mut tokens = 0usize;
        for t in &texts {
            let n = marsad_text::normalize(t);
            tokens += marsad_text::token_iter(&n.text).count();
        }
        let secs = start.elapsed().as_secs_f64();
        println!("{secs:.6} {words} {tokens}");
    }
}
