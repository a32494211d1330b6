//! Inputs shared by the criterion benches of marsad-text, -ingest, -kb and -extract (each bench
//! includes this file with `#[path]`; it sits in a subfolder so cargo does not take it for a
//! bench target of its own).
//!
//! Real data first: the first [`docs`] lines of `../shared/data/corpus/syria_war_articles.jsonl`
//! and `../shared/seeds/*.txt` (paths relative to the repository root). On a fresh clone without
//! `../shared`, the repository's `samples/` stand in (`samples/feed.jsonl` plus every
//! `samples/text/*.txt` as a JSONL line; `samples/text/*.txt` as seeds), so the suite still runs.
//! Nothing is downloaded.
//!
//! `MARSAD_BENCH_DOCS` changes the number of corpus articles (default 200); `MARSAD_BENCH_SHARED`
//! points at another shared folder (a missing one selects the samples).

#![allow(dead_code)] // every bench uses a different part of this module

use std::fs;
use std::path::{Path, PathBuf};

/// Repository root (every bench crate lives in `crates/<name>`).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The shared data folder next to the repository (or `$MARSAD_BENCH_SHARED`).
pub fn shared() -> PathBuf {
    match std::env::var_os("MARSAD_BENCH_SHARED") {
        Some(dir) => PathBuf::from(dir),
        None => repo().join("../shared"),
    }
}

/// Number of corpus articles the benches use.
pub fn docs() -> usize {
    std::env::var("MARSAD_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(200)
}

/// Files of `dir` with extension `ext` (any when empty), sorted by name; empty when `dir` is
/// missing.
pub fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = match fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .filter(|p| ext.is_empty() || p.extension().is_some_and(|x| x == ext))
            .collect(),
        Err(_) => Vec::new(),
    };
    out.sort();
    out
}

fn read(p: &Path) -> String {
    fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The corpus as JSONL lines (`text` field in each) and where it comes from: the first
/// [`docs`] lines of the shared corpus, else the samples.
pub fn corpus_lines() -> (String, Vec<String>) {
    let corpus = shared().join("data/corpus/syria_war_articles.jsonl");
    let n = docs();
    if corpus.is_file() {
        let lines: Vec<String> = read(&corpus)
            .lines()
            .filter(|l| !l.trim().is_empty())
            .take(n)
            .map(str::to_string)
            .collect();
        return (
            "../shared/data/corpus/syria_war_articles.jsonl".into(),
            lines,
        );
    }
    let samples = repo().join("samples");
    let mut lines: Vec<String> = read(&samples.join("feed.jsonl"))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    for p in files(&samples.join("text"), "txt") {
        let id = p.file_stem().unwrap().to_string_lossy().into_owned();
        let line = serde_json::json!({ "id": id, "text": read(&p) });
        lines.push(line.to_string());
    }
    lines.truncate(n);
    ("samples/feed.jsonl + samples/text".into(), lines)
}

/// The `text` field of every corpus line.
pub fn corpus_texts() -> Vec<String> {
    let (from, lines) = corpus_lines();
    let texts: Vec<String> = lines
        .iter()
        .filter_map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).ok()?;
            Some(v.get("text")?.as_str()?.to_string())
        })
        .collect();
    report("corpus", &from, texts.len(), total(&texts));
    texts
}

/// Seed articles (`../shared/seeds/*.txt`, else `samples/text/*.txt`) and where they come from.
pub fn seed_paths() -> (String, Vec<PathBuf>) {
    let dir = shared().join("seeds");
    let seeds = files(&dir, "txt");
    if !seeds.is_empty() {
        return (shown(&dir), seeds);
    }
    (
        "samples/text".into(),
        files(&repo().join("samples/text"), "txt"),
    )
}

/// `p` relative to the repository root when built from it (`../shared/...`), else as is.
fn shown(p: &Path) -> String {
    match p.strip_prefix(repo()) {
        Ok(rel) => rel.display().to_string(),
        Err(_) => p.display().to_string(),
    }
}

/// HTML pages of `samples/html`.
pub fn html_paths() -> Vec<PathBuf> {
    files(&repo().join("samples/html"), "")
}

/// Total bytes of some texts.
pub fn total<S: AsRef<str>>(texts: &[S]) -> u64 {
    texts.iter().map(|t| t.as_ref().len() as u64).sum()
}

/// Tells (on stderr) what a bench reads, so figures can be told apart.
pub fn report(what: &str, from: &str, n: usize, bytes: u64) {
    eprintln!(
        "bench input: {what}: {n} documents, {:.2} MB from {from}",
        bytes as f64 / 1e6
    );
}

/// Criterion settings of the suite: 20 samples, 1 s warm-up, 3 s measurement, no plots, so the
/// whole suite runs in a few minutes on two cores. Command-line flags (`--quick`,
/// `--sample-size`, `--measurement-time`, ...) still override them.
pub fn config() -> criterion::Criterion {
    criterion::Criterion::default()
        .sample_size(20)
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(3))
        .nresamples(10_000)
        .without_plots()
}
