//! `marsad`: the command line. Composes the stages: ingest → text → knowledge base → extract →
//! store, and prints or exports what they produce.

mod bench;
mod gazetteer;
mod search;
mod stories;

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use marsad_extract::{Analysis, Event, Extractor};
use marsad_ingest::{read_inputs, Dedup, Document, Item, ReadOptions};
use marsad_kb::KnowledgeBase;
use marsad_store::export;
use marsad_store::{EventFilter, Inserted, Store};
use rayon::prelude::*;

#[derive(Parser)]
#[command(
    name = "marsad",
    version,
    about = "Arabic conflict news → source-attributed events"
)]
struct Cli {
    /// Store directory (default ./marsad-data, or $MARSAD_DB).
    #[arg(long, global = true, env = "MARSAD_DB")]
    db: Option<PathBuf>,
    /// Knowledge-base directory replacing the built-in data (same file names as data/).
    #[arg(long, global = true)]
    kb: Option<PathBuf>,
    /// Extra knowledge-base file(s) (TOML actors/triggers/cues/outlets, or a places CSV)
    /// added on top; entries with an existing id replace it.
    #[arg(long = "kb-extra", global = true)]
    kb_extra: Vec<PathBuf>,
    /// Largest document or file accepted, in bytes.
    #[arg(long, global = true, default_value_t = 32 * 1024 * 1024)]
    max_bytes: u64,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read files, folders (recursively) or "-" (stdin), extract events and store them.
    Ingest { paths: Vec<PathBuf> },
    /// Extract events straight from files to stdout, without the store.
    Extract {
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// List stored events.
    Events {
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Show a stored document with its events and evidence.
    Show { doc: String },
    /// Export stored events.
    Export {
        #[arg(long, value_enum, default_value_t = Format::Jsonl)]
        format: Format,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Look a place up in the gazetteer: every candidate, variants, parents, coordinates.
    Places { name: String },
    /// Gazetteer tools.
    #[command(subcommand)]
    Gazetteer(GazetteerCommand),
    /// Full-text search of the stored documents (Arabic analyzer, alias expansion).
    Search {
        #[command(flatten)]
        args: search::SearchArgs,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Stories: events of several documents about one happening, with their reports.
    Stories {
        #[command(flatten)]
        args: stories::StoryArgs,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Take an event out of a story (and keep it apart from the story's events from now on).
    Split { story: String, event: String },
    /// Index files into a fresh search index and time a fixed list of queries.
    BenchSearch {
        paths: Vec<PathBuf>,
        /// Directory of the index to build (must be empty or absent).
        #[arg(long)]
        out: PathBuf,
        /// Timed passes over the query list.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Documents per batch (one commit per batch).
        #[arg(long, default_value_t = 2048)]
        batch: usize,
        /// Index the text only (no event extraction).
        #[arg(long)]
        no_extract: bool,
    },
    /// Measure extraction throughput on files repeated to a target size.
    Bench {
        paths: Vec<PathBuf>,
        /// Target corpus size in MB.
        #[arg(long, default_value_t = 10)]
        mb: usize,
        /// Timed runs (the median is reported).
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// Serve the JSON API and the web page over the store.
    Serve(marsad_serve::ServeArgs),
}

#[derive(Subcommand)]
enum GazetteerCommand {
    /// Convert a GeoNames dump (tab-separated) into a places CSV for `--kb-extra`.
    Import {
        /// The GeoNames file (e.g. SY.txt).
        dump: PathBuf,
        /// Where to write the places CSV.
        #[arg(long, short)]
        out: PathBuf,
    },
}

#[derive(clap::Args, Default)]
struct FilterArgs {
    /// Event or sub-event type (substring, case-insensitive).
    #[arg(long = "type")]
    event_type: Option<String>,
    /// Actor name or id (substring).
    #[arg(long)]
    actor: Option<String>,
    /// Place: English or Arabic name, or governorate (substring).
    #[arg(long)]
    place: Option<String>,
    /// From this date (YYYY-MM-DD).
    #[arg(long)]
    since: Option<String>,
    /// Until this date (YYYY-MM-DD).
    #[arg(long)]
    until: Option<String>,
    /// Only this document.
    #[arg(long)]
    doc: Option<String>,
    #[arg(long)]
    limit: Option<usize>,
}

impl FilterArgs {
    fn to_filter(&self) -> EventFilter {
        EventFilter {
            event_type: self.event_type.clone(),
            actor: self.actor.clone(),
            place: self.place.clone(),
            since: self.since.clone(),
            until: self.until.clone(),
            doc: self.doc.clone(),
            limit: self.limit,
        }
    }
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Table,
    Jsonl,
    Csv,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("MARSAD_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("marsad: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let opts = ReadOptions {
        max_bytes: cli.max_bytes,
        ..ReadOptions::default()
    };
    match &cli.command {
        Command::Ingest { paths } => ingest(&cli, paths, &opts),
        Command::Extract { paths, format } => extract(&cli, paths, *format, &opts),
        Command::Events { filter } => {
            let store = open_store(&cli)?;
            let events = store.events(&filter.to_filter())?;
            print_table(&events)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Show { doc } => show(&cli, doc),
        Command::Export { format, filter } => {
            let store = open_store(&cli)?;
            let events = store.events(&filter.to_filter())?;
            stories::export(&store, &events, *format)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Places { name } => places(&cli, name),
        Command::Gazetteer(GazetteerCommand::Import { dump, out }) => {
            let kb = knowledge_base(&cli)?;
            let r = gazetteer::import(&kb, dump, out)?;
            eprintln!(
                "read {} GeoNames rows: wrote {} places to {} ({} without an Arabic name, {} bad lines); load them with --kb-extra {}",
                r.read,
                r.written,
                out.display(),
                r.without_arabic,
                r.bad_lines,
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Search { args, format } => search::run(&cli, args, *format),
        Command::Stories { args, format } => stories::run(&cli, args, *format),
        Command::Split { story, event } => stories::split(&cli, story, event),
        Command::BenchSearch {
            paths,
            out,
            runs,
            batch,
            no_extract,
        } => search::bench(&cli, paths, &opts, out, *runs, *batch, *no_extract),
        Command::Bench { paths, mb, runs } => {
            let extractor = extractor(&cli)?;
            bench::run(&extractor, paths, &opts, *mb, *runs)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve(args) => {
            marsad_serve::run(args, db_dir(&cli), extractor(&cli)?).map(|_| ExitCode::SUCCESS)
        }
    }
}

fn knowledge_base(cli: &Cli) -> Result<KnowledgeBase> {
    let mut kb = match &cli.kb {
        Some(dir) => KnowledgeBase::from_dir(dir)?,
        None => KnowledgeBase::builtin()?,
    };
    for f in &cli.kb_extra {
        kb.extend_from_file(f)?;
    }
    Ok(kb)
}

fn extractor(cli: &Cli) -> Result<Extractor> {
    Ok(Extractor::new(knowledge_base(cli)?))
}

fn db_dir(cli: &Cli) -> PathBuf {
    cli.db
        .clone()
        .unwrap_or_else(|| PathBuf::from("marsad-data"))
}

fn open_store(cli: &Cli) -> Result<Store> {
    let dir = db_dir(cli);
    Store::open(&dir).with_context(|| format!("opening the store in {}", dir.display()))
}

fn progress(len: Option<u64>) -> ProgressBar {
    if !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = match len {
        Some(n) => ProgressBar::new(n),
        None => ProgressBar::new_spinner(),
    };
    pb.set_style(
        ProgressStyle::with_template("{spinner} {pos} documents {msg} [{elapsed_precise}]")
            .expect("valid template"),
    );
    pb
}

/// Reads the inputs in batches: errors are reported per input, documents deduplicated by
/// content hash, and each batch is extracted in parallel.
fn for_each_batch(
    paths: &[PathBuf],
    opts: &ReadOptions,
    mut on_batch: impl FnMut(Vec<Document>) -> Result<()>,
) -> Result<(usize, usize, usize)> {
    let paths: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        paths.to_vec()
    };
    let mut dedup = Dedup::new();
    let mut batch = Vec::new();
    let (mut errors, mut warnings, mut dupes) = (0, 0, 0);
    for item in read_inputs(&paths, opts) {
        match item {
            Item::Doc(d) => {
                if dedup.is_new(&d) {
                    batch.push(d);
                } else {
                    dupes += 1;
                    tracing::info!(doc = %d.id, "duplicate document skipped");
                }
            }
            Item::Error(e) => {
                errors += 1;
                eprintln!("marsad: error: {e}");
            }
            Item::Warning { origin, message } => {
                warnings += 1;
                eprintln!("marsad: warning: {origin}: {message}");
            }
        }
        if batch.len() >= 256 {
            on_batch(std::mem::take(&mut batch))?;
        }
    }
    if !batch.is_empty() {
        on_batch(batch)?;
    }
    Ok((errors, warnings, dupes))
}

fn analyze_batch(ex: &Extractor, docs: Vec<Document>) -> Vec<(Document, Analysis)> {
    docs.into_par_iter()
        .map(|d| {
            let a = ex.analyze(&d);
            (d, a)
        })
        .collect()
}

fn ingest(cli: &Cli, paths: &[PathBuf], opts: &ReadOptions) -> Result<ExitCode> {
    let ex = extractor(cli)?;
    let mut store = open_store(cli)?;
    let mut follow = stories::Follow::open(&mut store, ex.kb(), &db_dir(cli))?;
    let pb = progress(None);
    let (mut new, mut known, mut events) = (0usize, 0usize, 0usize);
    let mut failed_writes = 0usize;
    let (errors, warnings, dupes) = for_each_batch(paths, opts, |docs| {
        // Skip what the store already holds before paying for extraction.
        let mut fresh = Vec::new();
        for d in docs {
            if store.find_hash(&d.content_hash)?.is_some() {
                known += 1;
            } else {
                fresh.push(d);
            }
        }
        for (d, a) in analyze_batch(&ex, fresh) {
            match store.insert(&d, &a) {
                Ok(Inserted::New(id)) => {
                    follow.add(&id, &d, &a)?;
                    new += 1;
                    events += a.events.len();
                }
                Ok(Inserted::Duplicate(_)) => known += 1,
                Err(e) => {
                    failed_writes += 1;
                    eprintln!("marsad: error: {}: {e}", d.origin);
                }
            }
            pb.inc(1);
        }
        follow.commit(&mut store)?;
        pb.set_message(format!("{events} events"));
        Ok(())
    })?;
    pb.finish_and_clear();
    let stats = store.stats()?;
    eprintln!(
        "ingested {new} new documents ({events} events); {known} already stored, {dupes} duplicates in input, {errors} errors, {warnings} warnings; store {} holds {} documents, {} events",
        store.path().display(),
        stats.documents,
        stats.events
    );
    Ok(if errors + failed_writes > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn extract(cli: &Cli, paths: &[PathBuf], format: Format, opts: &ReadOptions) -> Result<ExitCode> {
    let ex = extractor(cli)?;
    let mut all: Vec<Event> = Vec::new();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut csv_header_done = false;
    let (errors, _, _) = for_each_batch(paths, opts, |docs| {
        for (_, a) in analyze_batch(&ex, docs) {
            match format {
                Format::Table => all.extend(a.events),
                Format::Jsonl => {
                    for e in &a.events {
                        serde_json::to_writer(&mut out, &export::Row::new(e))?;
                        out.write_all(b"\n")?;
                    }
                }
                Format::Csv => {
                    let mut w = csv::WriterBuilder::new()
                        .has_headers(false)
                        .from_writer(&mut out);
                    if !csv_header_done {
                        w.write_record(export::CSV_HEADER)?;
                        csv_header_done = true;
                    }
                    for e in &a.events {
                        w.write_record(export::csv_record(e))?;
                    }
                    w.flush()?;
                }
            }
        }
        Ok(())
    })?;
    out.flush()?;
    drop(out);
    if format == Format::Table {
        print_table(&all)?;
    }
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn write_events(events: &[Event], format: Format) -> Result<()> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match format {
        Format::Table => {
            drop(out);
            return print_table(events);
        }
        Format::Jsonl => {
            for e in events {
                serde_json::to_writer(&mut out, &export::Row::new(e))?;
                out.write_all(b"\n")?;
            }
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(export::CSV_HEADER)?;
            for e in events {
                w.write_record(export::csv_record(e))?;
            }
            w.flush()?;
        }
    }
    out.flush()?;
    Ok(())
}

fn clip(s: &str, n: usize) -> String {
    let s = s.replace('\n', " ");
    if s.chars().count() <= n {
        s
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}

fn print_table(events: &[Event]) -> Result<()> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    writeln!(
        out,
        "{:<26} {:<10} {:<34} {:<44} {:<28} {:>4} {:<9} evidence",
        "event", "date", "type", "actors", "location", "dead", "stance"
    )?;
    for e in events {
        let actors = [&e.actor1, &e.actor2]
            .iter()
            .filter_map(|a| a.as_ref().map(|a| a.name.as_str()))
            .collect::<Vec<_>>()
            .join(" / ");
        writeln!(
            out,
            "{:<26} {:<10} {:<34} {:<44} {:<28} {:>4} {:<9} {}",
            clip(&e.id, 26),
            e.date.date.as_deref().unwrap_or("-"),
            clip(&e.sub_event_type, 34),
            clip(&actors, 44),
            clip(e.location.as_ref().map_or("-", |l| l.name.as_str()), 28),
            e.fatalities
                .as_ref()
                .map_or("-".to_string(), |f| f.value.to_string()),
            e.stance.as_str(),
            clip(&e.evidence.text, 90)
        )?;
    }
    writeln!(out, "{} events", events.len())?;
    out.flush()?;
    Ok(())
}

fn show(cli: &Cli, id: &str) -> Result<ExitCode> {
    let store = open_store(cli)?;
    let Some((doc, events)) = store.document(id)? else {
        eprintln!("marsad: error: no stored document {id:?} (see `marsad events`)");
        return Ok(ExitCode::from(1));
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    writeln!(out, "document {}  ({})", doc.id, doc.origin)?;
    if let Some(t) = &doc.title {
        writeln!(out, "title:    {t}")?;
    }
    writeln!(
        out,
        "outlet:   {}",
        events
            .first()
            .and_then(|e| e.source.clone())
            .or(doc.outlet.clone())
            .unwrap_or_else(|| "-".into())
    )?;
    writeln!(out, "\n{}\n", doc.text.trim())?;
    for e in &events {
        writeln!(
            out,
            "── {}  {} / {}  [{}]",
            e.id,
            e.event_type,
            e.sub_event_type,
            e.stance.as_str()
        )?;
        for (role, a) in [
            ("actor1", &e.actor1),
            ("actor2", &e.actor2),
            ("assoc", &e.assoc_actor_1),
            ("assoc", &e.assoc_actor_2),
        ] {
            if let Some(a) = a {
                let ev = a.evidence.as_ref().map_or(String::new(), |s| {
                    format!("  «{}» @{}..{}", s.text, s.start, s.end)
                });
                writeln!(out, "   {role:<8} {}{ev}", a.name)?;
            }
        }
        if let Some(l) = &e.location {
            writeln!(
                out,
                "   place    {} ({}; precision {}; {:?},{:?})  «{}»",
                l.name,
                l.admin1.as_deref().unwrap_or("-"),
                l.geo_precision,
                l.latitude,
                l.longitude,
                l.name_ar
            )?;
        }
        if let Some(d) = &e.date.date {
            let ev = e
                .date
                .evidence
                .as_ref()
                .map_or("document date".to_string(), |s| format!("«{}»", s.text));
            writeln!(
                out,
                "   date     {d} (precision {}) {ev}",
                e.date.time_precision.unwrap_or(0)
            )?;
        }
        if let Some(f) = &e.fatalities {
            writeln!(out, "   killed   {} ({:?})", f.value, f.approx)?;
        }
        if let Some(f) = &e.injured {
            writeln!(out, "   injured  {} ({:?})", f.value, f.approx)?;
        }
        if let Some(f) = &e.arrested {
            writeln!(out, "   arrested {} ({:?})", f.value, f.approx)?;
        }
        if let Some(t) = &e.truce {
            writeln!(
                out,
                "   truce    parties {:?}; mediator {}; start {}; duration {} days{}; secret {}",
                t.parties,
                t.mediator.as_deref().unwrap_or("-"),
                t.start.as_deref().unwrap_or("-"),
                t.duration_days.map_or("-".into(), |d| d.to_string()),
                if t.extendable { " (extendable)" } else { "" },
                t.secret
            )?;
        }
        writeln!(
            out,
            "   source   {}  cited: {}",
            e.source.as_deref().unwrap_or("-"),
            e.cited_source.as_ref().map_or("-", |s| s.text.as_str())
        )?;
        for c in &e.claims {
            writeln!(
                out,
                "   {} @{}..{} [{}{}] «{}»",
                if c.evidence == e.evidence { "*" } else { "-" },
                c.evidence.start,
                c.evidence.end,
                c.stance.as_str(),
                c.cited_source
                    .as_ref()
                    .map_or(String::new(), |s| format!("; {}", s.text)),
                clip(&c.evidence.text, 160)
            )?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn places(cli: &Cli, name: &str) -> Result<ExitCode> {
    let kb = knowledge_base(cli)?;
    let key = marsad_text::normalize_key(name);
    let mut hits = kb.places_named(&key);
    if hits.is_empty() {
        // Also accept English names and prefixes of either.
        let lower = name.to_lowercase();
        hits = (0..kb.places.len())
            .filter(|&i| {
                let p = &kb.places[i];
                p.name.to_lowercase().contains(&lower)
                    || marsad_text::normalize_key(&p.name_ar).starts_with(&key)
            })
            .collect();
    }
    if hits.is_empty() {
        eprintln!("marsad: no place named {name:?}");
        return Ok(ExitCode::from(1));
    }
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for i in hits {
        let p = &kb.places[i];
        let mut parents = Vec::new();
        let mut cur = p.parent.clone();
        while let Some(id) = cur {
            match kb.place(&id) {
                Some(q) => {
                    parents.push(format!("{} ({:?})", q.name, q.kind));
                    cur = q.parent.clone();
                }
                None => break,
            }
        }
        writeln!(
            out,
            "{}  {} / {}  [{:?}, {}]",
            p.id, p.name, p.name_ar, p.kind, p.country
        )?;
        writeln!(
            out,
            "    admin: {} > {} > {}",
            p.admin1.as_deref().unwrap_or("-"),
            p.admin2.as_deref().unwrap_or("-"),
            p.admin3.as_deref().unwrap_or("-")
        )?;
        if !parents.is_empty() {
            writeln!(out, "    parents: {}", parents.join(" < "))?;
        }
        match (p.lat, p.lon) {
            (Some(la), Some(lo)) => writeln!(
                out,
                "    coordinates: {la:.5}, {lo:.5}  (source: {})",
                p.source
            )?,
            _ => writeln!(out, "    coordinates: unknown  (source: {})", p.source)?,
        }
        if !p.variants.is_empty() {
            writeln!(out, "    variants: {}", p.variants.join(" | "))?;
        }
        if p.needs_context {
            writeln!(
                out,
                "    ambiguous name: matched only after a place word (بلدة، قرية، مدينة...)"
            )?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
