//! `marsad search` (full text over the store's index) and `marsad bench-search`.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Result};
use marsad_extract::Analysis;
use marsad_ingest::{read_inputs, Document, Item, ReadOptions};
use marsad_search::{Config, Filter, SearchIndex};
use rayon::prelude::*;
use serde::Serialize;

use crate::{Cli, Format};

#[derive(clap::Args, Default, Clone)]
pub struct SearchArgs {
    /// Query: words (AND-ed), "phrases", OR, -word, field:value (actor:, place:, type:,
    /// outlet:, title:). Actor aliases and place names are expanded from the knowledge base.
    pub query: String,
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Documents with an event of this actor (id or name).
    #[arg(long)]
    pub actor: Option<String>,
    /// Documents with an event at this place (id, English or Arabic name, governorate).
    #[arg(long)]
    pub place: Option<String>,
    /// Documents with an event of this type, sub-event type or frame.
    #[arg(long = "type")]
    pub event_type: Option<String>,
    /// Published on or after (YYYY-MM-DD).
    #[arg(long)]
    pub since: Option<String>,
    /// Published on or before (YYYY-MM-DD).
    #[arg(long)]
    pub until: Option<String>,
    /// Print the query as expanded with aliases (to stderr).
    #[arg(long)]
    pub explain: bool,
}

#[derive(Serialize)]
struct HitOut<'a> {
    doc: &'a str,
    score: f32,
    title: Option<&'a str>,
    outlet: Option<String>,
    snippet: &'a str,
    /// Byte ranges of the matched words in the original text.
    highlights: Vec<[usize; 2]>,
}

/// `marsad search`.
pub fn run(cli: &Cli, args: &SearchArgs, format: Format) -> Result<ExitCode> {
    let store = crate::open_store(cli)?;
    let kb = crate::knowledge_base(cli)?;
    let index = marsad_pipeline::open_index(&crate::db_dir(cli), &kb)?;
    if args.explain {
        eprintln!("query: {}", index.expanded(&args.query));
    }
    let filter = Filter {
        since: args.since.clone(),
        until: args.until.clone(),
        actor: args.actor.clone(),
        place: args.place.clone(),
        event_type: args.event_type.clone(),
    };
    let hits = index.search_filtered(&args.query, &filter, args.limit)?;
    let stdout = io::stdout();
    let color = stdout.is_terminal();
    let mut out = BufWriter::new(stdout.lock());
    for h in &hits {
        let (outlet, stored_title) = store
            .document_summary(&h.doc)?
            .unwrap_or((None, h.title.clone()));
        let title = h.title.clone().or(stored_title);
        match format {
            Format::Jsonl | Format::Csv => {
                let o = HitOut {
                    doc: &h.doc,
                    score: h.score,
                    title: title.as_deref(),
                    outlet,
                    snippet: &h.snippet,
                    highlights: h.highlights.iter().map(|r| [r.start, r.end]).collect(),
                };
                serde_json::to_writer(&mut out, &o)?;
                out.write_all(b"\n")?;
            }
            Format::Table => {
                // Controls and bidi overrides of stored strings shown as `\u{…}`, before
                // the highlight colours are added.
                use marsad_ingest::shown_title;
                let snippet = shown_title(&h.snippet);
                let snippet = if color {
                    snippet.replace('«', "\x1b[1;33m").replace('»', "\x1b[0m")
                } else {
                    snippet.into_owned()
                };
                writeln!(
                    out,
                    "{}  {:.2}  {}  [{}]",
                    shown_title(&h.doc),
                    h.score,
                    shown_title(title.as_deref().unwrap_or("-")),
                    shown_title(outlet.as_deref().unwrap_or("-"))
                )?;
                writeln!(out, "    {snippet}")?;
            }
        }
    }
    if format == Format::Table {
        writeln!(out, "{} hits", hits.len())?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The queries timed by `bench-search`: actor aliases, places, event words, phrases, boolean
/// forms and filters' field syntax, as an analyst would type them.
pub const BENCH_QUERIES: &[&str] = &[
    "هدنة قسد",
    "قسد",
    "داعش",
    "تنظيم الدولة",
    "دير الزور",
    "الرقة",
    "منبج",
    "ادلب",
    "الحسكة",
    "درعا",
    "حلب",
    "القامشلي",
    "عبوة ناسفة",
    "انفجار عبوة",
    "غارة جوية",
    "طائرة مسيرة",
    "قصف مدفعي",
    "اشتباكات",
    "اشتباك العشائر",
    "مقاتلي العشائر",
    "اعتقال",
    "حملة اعتقالات",
    "مظاهرة",
    "متظاهرون",
    "اغتيال",
    "خطف",
    "سيارة مفخخة",
    "قتلى مدنيين",
    "\"وقف اطلاق النار\"",
    "\"قوات سوريا الديمقراطية\"",
    "\"الجيش السوري\"",
    "هيئة تحرير الشام",
    "التحالف الدولي",
    "الجيش التركي",
    "الفصائل الموالية لتركيا",
    "القوات الروسية",
    "هدنة -منبج",
    "قسد OR داعش",
    "قصف ريف ادلب",
    "دورية قسد",
    "مقتل عنصرين",
    "تمديد الهدنة",
    "حزب العمال الكردستاني",
    "الاسايش",
    "النازحين",
    "مخيم الهول",
    "actor:sdf",
    "place:\"deir ez-zor\"",
    "type:\"armed clash\"",
    "قسد دير الزور عبوة",
];

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// `marsad bench-search`: index the documents of `paths` into a fresh index in `out_dir`
/// (analysis included, batches of `batch`, one commit per batch), then time the fixed
/// queries `runs` times.
pub fn bench(
    cli: &Cli,
    paths: &[PathBuf],
    opts: &ReadOptions,
    out_dir: &std::path::Path,
    runs: usize,
    batch: usize,
    no_extract: bool,
) -> Result<ExitCode> {
    let ex = crate::extractor(cli)?;
    if out_dir.exists() && std::fs::read_dir(out_dir)?.next().is_some() {
        bail!(
            "{} is not empty: bench-search builds a fresh index",
            out_dir.display()
        );
    }
    let mut index =
        SearchIndex::open_or_create_with(out_dir, Config::default(), Some(ex.kb().clone()))?;
    let t0 = Instant::now();
    let (mut docs_n, mut bytes, mut events) = (0usize, 0usize, 0usize);
    let (mut t_extract, mut t_index) = (0f64, 0f64);
    let mut buf: Vec<Document> = Vec::new();
    let mut flush = |buf: Vec<Document>, index: &mut SearchIndex| -> Result<()> {
        let t = Instant::now();
        let analyzed: Vec<(Document, Analysis)> = buf
            .into_par_iter()
            .map(|d| {
                let a = if no_extract {
                    Analysis {
                        doc: d.id.clone(),
                        outlet: d.outlet.clone(),
                        published: d.published.clone(),
                        date_source: None,
                        events: Vec::new(),
                        mentions: Vec::new(),
                    }
                } else {
                    ex.analyze(&d)
                };
                (d, a)
            })
            .collect();
        t_extract += t.elapsed().as_secs_f64();
        let t = Instant::now();
        for (d, a) in &analyzed {
            bytes += d.text.len();
            events += a.events.len();
            index.add(d, a)?;
        }
        index.commit()?;
        t_index += t.elapsed().as_secs_f64();
        docs_n += analyzed.len();
        if io::stderr().is_terminal() {
            eprint!("\rindexed {docs_n} documents");
        }
        Ok(())
    };
    for item in read_inputs(paths, opts) {
        if let Item::Doc(d) = item {
            buf.push(d);
            if buf.len() >= batch {
                flush(std::mem::take(&mut buf), &mut index)?;
            }
        }
    }
    if !buf.is_empty() {
        flush(buf, &mut index)?;
    }
    let total = t0.elapsed().as_secs_f64();
    if docs_n == 0 {
        bail!("no readable documents in the given paths");
    }
    let size: u64 = std::fs::read_dir(out_dir)?
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!(
        "corpus: {docs_n} documents, {:.1} MB of text, {events} events; batches of {batch}; rayon threads {}",
        bytes as f64 / 1e6,
        rayon::current_num_threads()
    );
    println!(
        "indexing: {total:.1} s wall → {:.0} docs/s end to end (read + {} + index + commit); extraction {t_extract:.1} s, tantivy add+commit {t_index:.1} s → {:.0} docs/s, {:.2} MB/s index-only; index size {:.0} MB; searchable docs {}",
        docs_n as f64 / total,
        if no_extract { "no extraction" } else { "extraction" },
        docs_n as f64 / t_index,
        bytes as f64 / 1e6 / t_index,
        size as f64 / 1e6,
        index.num_docs()
    );
    // Warm-up, then timed runs.
    for q in BENCH_QUERIES {
        index.search(q, 10)?;
    }
    let mut lat: Vec<f64> = Vec::new();
    let mut per_query: Vec<(f64, usize, &str)> = Vec::new();
    for _ in 0..runs.max(1) {
        for q in BENCH_QUERIES {
            let t = Instant::now();
            let hits = index.search(q, 10)?;
            let ms = t.elapsed().as_secs_f64() * 1e3;
            lat.push(ms);
            per_query.push((ms, hits.len(), q));
        }
    }
    lat.sort_by(|a, b| a.total_cmp(b));
    println!(
        "search: {} queries × {} runs (top 10, with alias expansion and snippets): p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms, mean {:.2} ms",
        BENCH_QUERIES.len(),
        runs.max(1),
        percentile(&lat, 0.5),
        percentile(&lat, 0.9),
        percentile(&lat, 0.99),
        lat.last().copied().unwrap_or(0.0),
        lat.iter().sum::<f64>() / lat.len() as f64
    );
    per_query.sort_by(|a, b| b.0.total_cmp(&a.0));
    let slow: Vec<String> = per_query
        .iter()
        .take(5)
        .map(|(ms, n, q)| format!("{q} ({ms:.1} ms, {n} hits)"))
        .collect();
    println!("slowest: {}", slow.join("; "));
    let _ = std::io::stdout().flush();
    Ok(ExitCode::SUCCESS)
}
