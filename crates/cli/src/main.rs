//! `marsad`: the command line. Composes the stages: ingest → text → knowledge base → extract →
//! store, and prints or exports what they produce.

mod bench;
mod gazetteer;
mod search;
mod stories;

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use marsad_extract::{Event, Extractor};
use marsad_ingest::ReadOptions;
use marsad_kb::KnowledgeBase;
use marsad_pipeline::{handoff, Writer, WriterLock};
use marsad_store::export;
use marsad_store::{EventFilter, FilterQuery, Store};

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
    /// Drop the events the learned event filter (data/model/event_filter.txt) scores as
    /// unlikely; off by default (see docs/QUALITY.md).
    #[arg(long, global = true)]
    event_filter: bool,
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
    /// Check the store: SQLite's integrity check, documents, distinct texts, events, stories of
    /// two or more reports, the largest story.
    Stats {
        /// One JSON object instead of lines of text.
        #[arg(long)]
        json: bool,
    },
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
    /// Every event the rules find (the learned filter not applied) with the event filter's
    /// features by name, one JSON line each: what scripts/train_event_filter.py trains on.
    #[command(hide = true)]
    FilterFeatures { paths: Vec<PathBuf> },
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
    /// ACLED event or sub-event type: English (a part works: "air") or Arabic ("غارة جوية").
    #[arg(long = "type")]
    event_type: Option<String>,
    /// Actor: any Arabic or English alias ("داعش", "Islamic State"), id, or whole words of its name.
    #[arg(long)]
    actor: Option<String>,
    /// Place: Arabic or English name, or a governorate.
    #[arg(long)]
    place: Option<String>,
    /// From this date (YYYY-MM-DD; YYYY-MM or YYYY from its first day).
    #[arg(long)]
    since: Option<String>,
    /// Until this date (YYYY-MM-DD; YYYY-MM or YYYY to its last day).
    #[arg(long)]
    until: Option<String>,
    /// Only this document.
    #[arg(long)]
    doc: Option<String>,
    #[arg(long)]
    limit: Option<usize>,
}

impl FilterArgs {
    /// The filters resolved through the knowledge base; an unknown name or a bad date is an
    /// error naming the flag.
    fn to_filter(&self, cli: &Cli) -> Result<EventFilter> {
        let q = FilterQuery {
            event_type: self.event_type.clone(),
            actor: self.actor.clone(),
            place: self.place.clone(),
            since: self.since.clone(),
            until: self.until.clone(),
            doc: self.doc.clone(),
        };
        // Only actor and place names need the knowledge base: don't build it (trie and
        // gazetteer) for a listing by type or date.
        let kb = if q.actor.is_some() || q.place.is_some() {
            knowledge_base(cli)?
        } else {
            KnowledgeBase::default()
        };
        let mut f = EventFilter::resolve(&q, &kb).map_err(|e| anyhow::anyhow!("--{e}"))?;
        f.limit = self.limit;
        Ok(f)
    }
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Table,
    Jsonl,
    Csv,
}

/// mimalloc instead of the system allocator: extraction allocates and frees many small vectors
/// per document, and glibc's malloc/free were ~9% of its time (docs/BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` of mimalloc 3's `mimalloc.h` (not among the crate's constants).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> ExitCode {
    // Never hand freed pages back to the OS: by default mimalloc purges pages unused for a
    // second, and extraction faulted them in again (page clearing in the kernel, 3-5% of a
    // `marsad bench`). Memory stays at its peak, which every command reaches early anyway.
    // SAFETY: sets an option before any thread is started; mimalloc reads options atomically.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
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
        // The reader went away (`marsad events | head`): what it wanted was written.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("marsad: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|e| e.io_error_kind() == Some(io::ErrorKind::BrokenPipe))
            || c.downcast_ref::<csv::Error>().is_some_and(
                |e| matches!(e.kind(), csv::ErrorKind::Io(e) if e.kind() == io::ErrorKind::BrokenPipe),
            )
    })
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
            let f = filter.to_filter(&cli)?;
            let store = open_store(&cli)?;
            let events = store.events(&f)?;
            print_table(&events)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Show { doc } => show(&cli, doc),
        Command::Export { format, filter } => {
            let f = filter.to_filter(&cli)?;
            let store = open_store(&cli)?;
            let events = store.events(&f)?;
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
        Command::Stats { json } => stats(&cli, *json),
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
        Command::FilterFeatures { paths } => filter_features(&cli, paths, &opts),
    }
}

/// `marsad filter-features`: one line per event, `{doc, sub_event_type, evidence, prob,
/// features}`: the features a `{name: value}` object, `prob` the built-in model's probability.
fn filter_features(cli: &Cli, paths: &[PathBuf], opts: &ReadOptions) -> Result<ExitCode> {
    let ex = Extractor::new(knowledge_base(cli)?);
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut errors = 0;
    // Documents `extract` skips as duplicates are skipped here too, so rows match its events.
    let mut seen = marsad_ingest::Dedup::new();
    for item in marsad_ingest::read_inputs(paths, opts) {
        match item {
            marsad_ingest::Item::Doc(d) if seen.is_new(&d) => {
                for (e, feats, prob) in ex.filter_features(&d) {
                    let row = serde_json::json!({
                        "doc": e.doc,
                        "sub_event_type": e.sub_event_type,
                        "evidence": e.evidence,
                        "prob": prob,
                        "features": feats
                            .into_iter()
                            .map(|(k, v)| (k, serde_json::Value::from(v)))
                            .collect::<serde_json::Map<_, _>>(),
                    });
                    serde_json::to_writer(&mut out, &row)?;
                    out.write_all(b"\n")?;
                }
            }
            marsad_ingest::Item::Error(e) => {
                errors += 1;
                eprintln!("marsad: error: {e}");
            }
            _ => {}
        }
    }
    out.flush()?;
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
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
    let e = Extractor::new(knowledge_base(cli)?);
    Ok(if cli.event_filter {
        e.with_event_filter()
    } else {
        e
    })
}

fn db_dir(cli: &Cli) -> PathBuf {
    cli.db
        .clone()
        .unwrap_or_else(|| PathBuf::from("marsad-data"))
}

/// Opens the store for a command that reads it: a store that does not exist is an error (a
/// mistyped `--db` must not silently answer from a new, empty store).
/// `marsad stats`: the store's health; exit 1 when SQLite's integrity check fails.
fn stats(cli: &Cli, json: bool) -> Result<ExitCode> {
    let c = open_store(cli)?.check()?;
    if json {
        println!("{}", serde_json::to_string(&c)?);
    } else {
        println!("integrity       {}", c.integrity);
        println!("documents       {}", c.documents);
        println!("distinct texts  {}", c.distinct_texts);
        println!("events          {}", c.events);
        println!("stories (2+)    {}", c.stories);
        println!("largest story   {} reports", c.largest_story);
    }
    Ok(if c.integrity == "ok" {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn open_store(cli: &Cli) -> Result<Store> {
    let dir = db_dir(cli);
    if !dir.join(marsad_store::STORE_FILE).is_file() {
        anyhow::bail!(
            "no marsad store in {} (create one with `marsad --db {} ingest FILES...`)",
            dir.display(),
            dir.display()
        );
    }
    create_store(cli)
}

/// Opens the store, creating it if needed (ingest).
fn create_store(cli: &Cli) -> Result<Store> {
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

/// The CLI's side of the pipeline's messages: errors and warnings on stderr, progress on a
/// bar when stderr is a terminal.
struct CliReport {
    pb: ProgressBar,
}

impl marsad_pipeline::Report for CliReport {
    fn error(&self, message: &str) {
        self.pb.suspend(|| eprintln!("marsad: error: {message}"));
    }
    fn warning(&self, origin: &str, message: &str) {
        self.pb.suspend(|| {
            eprintln!(
                "marsad: warning: {}: {message}",
                marsad_ingest::shown_name(origin)
            )
        });
    }
    fn progress(&self, documents: usize, events: usize) {
        self.pb.set_position(documents as u64);
        self.pb.set_message(format!("{events} events"));
    }
}

/// How often `marsad ingest` looks again for a way to write a busy store.
const BUSY_POLL: Duration = Duration::from_millis(500);

/// `marsad ingest`: an adapter over [`marsad_pipeline`]. The store has one writer at a time:
/// when it is free, this process becomes its [`Writer`]; when a server writes it, the batches
/// go to that server ([`handoff`]) to be stored, linked and indexed there; when another
/// ingest writes it, this one waits, saying so.
fn ingest(cli: &Cli, paths: &[PathBuf], opts: &ReadOptions) -> Result<ExitCode> {
    let db = db_dir(cli);
    let mut said = false;
    let lock = loop {
        if let Some(l) = WriterLock::try_acquire(&db, "marsad ingest")
            .with_context(|| format!("locking the store in {}", db.display()))?
        {
            break l;
        }
        if let Some(client) = handoff::Client::connect(&db) {
            return ingest_through(cli, &db, client, paths, opts);
        }
        if !said {
            said = true;
            eprintln!(
                "marsad: the store in {} is being written by {}; waiting for it to finish (Ctrl-C to give up)",
                db.display(),
                marsad_pipeline::holder(&db).unwrap_or_else(|| "another process".into())
            );
        }
        std::thread::sleep(BUSY_POLL);
    };
    let ex = Arc::new(extractor(cli)?);
    let mut writer = Writer::open(lock, &db, ex)?;
    let report = CliReport { pb: progress(None) };
    let sum = writer.ingest_paths(paths, opts, &report)?;
    report.pb.finish_and_clear();
    let store = writer.store();
    // Not `Store::stats`: counting the claims too takes a second or more on a large store.
    eprintln!(
        "ingested {} new documents ({} events); {} already stored, {} duplicates in input, {} errors, {} warnings; store {} holds {} documents, {} events",
        sum.new,
        sum.events,
        sum.known,
        sum.read.dupes,
        sum.read.errors,
        sum.read.warnings,
        store.path().display(),
        store.document_count()?,
        store.event_count()?
    );
    Ok(if sum.read.errors + sum.failed_writes > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `marsad ingest` while a server writes the store: this process reads the inputs and hands
/// each batch to the server, which extracts, stores, links and indexes it and answers with
/// what became of every document. A batch the server could not take is an error here.
fn ingest_through(
    cli: &Cli,
    db: &std::path::Path,
    mut client: handoff::Client,
    paths: &[PathBuf],
    opts: &ReadOptions,
) -> Result<ExitCode> {
    eprintln!(
        "marsad: {} is served by {}: handing the documents to it",
        db.display(),
        marsad_pipeline::holder(db).unwrap_or_else(|| "a running server".into())
    );
    let _ = cli;
    let lookup = Store::open(db)?;
    let report = CliReport { pb: progress(None) };
    let mut o = marsad_pipeline::Outcome::default();
    let mut handled = 0usize;
    let read = marsad_pipeline::read_batches(
        paths,
        opts,
        &report,
        |d| Ok(lookup.find_hash(&d.content_hash)?.is_some()),
        |docs| {
            let n = docs.len();
            let origins: Vec<String> = docs.iter().map(|d| d.origin.clone()).collect();
            match client.submit(docs) {
                Ok(b) => {
                    for e in &b.errors {
                        marsad_pipeline::Report::error(&report, e);
                    }
                    o.new += b.new;
                    o.duplicates += b.duplicates;
                    o.events += b.events;
                    o.errors.extend(b.errors);
                }
                Err(e) => {
                    for origin in origins {
                        o.errors.push(format!(
                            "{}: not stored: the server: {e}",
                            marsad_ingest::shown_name(&origin)
                        ));
                    }
                    anyhow::bail!(
                        "handing {n} documents to the server writing {}: {e}; they were not stored",
                        db.display()
                    );
                }
            }
            handled += n;
            marsad_pipeline::Report::progress(&report, handled, o.events);
            Ok(true)
        },
    )?;
    report.pb.finish_and_clear();
    eprintln!(
        "ingested {} new documents ({} events) through the server; {} already stored, {} duplicates in input, {} errors, {} warnings; store {} holds {} documents, {} events",
        o.new,
        o.events,
        o.duplicates + read.skipped,
        read.dupes,
        read.errors + o.errors.len(),
        read.warnings,
        lookup.path().display(),
        lookup.document_count()?,
        lookup.event_count()?
    );
    Ok(if read.errors + o.errors.len() > 0 {
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
    let report = CliReport {
        pb: ProgressBar::hidden(),
    };
    let read = marsad_pipeline::for_each_analyzed(
        paths,
        opts,
        &ex,
        &report,
        |_| Ok(false),
        |batch| {
            for (_, a) in batch {
                match format {
                    Format::Table => all.extend(a.events),
                    Format::Jsonl => {
                        for e in &a.events {
                            serde_json::to_writer(&mut out, &export::Row::new(e))?;
                            out.write_all(b"\n")?;
                        }
                    }
                    Format::Csv => {
                        if !csv_header_done {
                            out.write_all(export::CSV_BOM)?;
                        }
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
        },
    )?;
    out.flush()?;
    drop(out);
    if format == Format::Table {
        print_table(&all)?;
    }
    Ok(if read.errors > 0 {
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
            out.write_all(export::CSV_BOM)?;
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

/// An id cut to `n` characters from the middle, so that its end (the event's number within the
/// document) still tells events apart: `000_ea35c1…d2f9-3`.
fn clip_id(s: &str, n: usize) -> String {
    let count = s.chars().count();
    if count <= n {
        return s.to_string();
    }
    let tail = n / 2;
    let head = n - tail - 1;
    let chars: Vec<char> = s.chars().collect();
    chars[..head].iter().collect::<String>()
        + "…"
        + &chars[count - tail..].iter().collect::<String>()
}

fn clip(s: &str, n: usize) -> String {
    let s = s.replace('\n', " ");
    if s.chars().count() <= n {
        s
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}

/// Table output for a terminal: each line goes out through `marsad_ingest::shown_text`, so
/// a control character, an ANSI escape or a bidi override in a stored title or text shows
/// as a visible `\u{…}` instead of acting on the terminal.
pub struct ShownOut<W: Write> {
    inner: W,
    line: Vec<u8>,
}

impl<W: Write> ShownOut<W> {
    pub fn new(inner: W) -> Self {
        ShownOut {
            inner,
            line: Vec::new(),
        }
    }

    fn emit(&mut self, upto: usize) -> io::Result<()> {
        let rest = self.line.split_off(upto);
        let line = std::mem::replace(&mut self.line, rest);
        let text = String::from_utf8_lossy(&line);
        self.inner
            .write_all(marsad_ingest::shown_text(&text).as_bytes())
    }
}

impl<W: Write> Write for ShownOut<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.line.extend_from_slice(buf);
        while let Some(nl) = self.line.iter().position(|&b| b == b'\n') {
            self.emit(nl + 1)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.line.is_empty() {
            self.emit(self.line.len())?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for ShownOut<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

fn print_table(events: &[Event]) -> Result<()> {
    let stdout = io::stdout();
    let mut out = ShownOut::new(BufWriter::new(stdout.lock()));
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
            clip_id(&e.id, 26),
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
    drop(out);
    if io::stderr().is_terminal() || std::env::var_os("MARSAD_HINTS").is_some() {
        eprintln!(
            "next: `marsad ingest FILES` to store them, then `marsad events --actor داعش`, \
             `marsad show DOC`, `marsad search \"...\"` or `marsad serve` for the page; \
             `--format csv|jsonl` for files"
        );
    }
    Ok(())
}

fn show(cli: &Cli, id: &str) -> Result<ExitCode> {
    let store = open_store(cli)?;
    // The exact id, else a unique prefix of one (taken literally: `%` is not a wildcard).
    let ids = store.document_ids_with_prefix(id, 2)?;
    let found = match ids.as_slice() {
        [one] => store.document(one)?,
        [] => None,
        _ => {
            eprintln!(
                "marsad: error: {id:?} is the start of several document ids ({}, ...): give more of it",
                ids.join(", ")
            );
            return Ok(ExitCode::from(1));
        }
    };
    let Some((doc, events)) = found else {
        eprintln!("marsad: error: no stored document {id:?} (see `marsad events`)");
        return Ok(ExitCode::from(1));
    };
    let stdout = io::stdout();
    let mut out = ShownOut::new(BufWriter::new(stdout.lock()));
    writeln!(out, "document {}  ({})", doc.id, doc.origin)?;
    if let Some(t) = &doc.title {
        writeln!(out, "title:    {t}")?;
    }
    let meta = store.report_meta(&doc.id)?;
    writeln!(
        out,
        "outlet:   {}",
        events
            .first()
            .and_then(|e| e.source.clone())
            .or_else(|| meta.as_ref().and_then(|m| m.outlet.clone()))
            .or(doc.outlet.clone())
            .unwrap_or_else(|| "-".into())
    )?;
    match meta
        .as_ref()
        .and_then(|m| m.date.as_ref().map(|d| (d, &m.date_source)))
    {
        Some((d, src)) => writeln!(
            out,
            "date:     {d} (from the {})",
            src.as_deref().unwrap_or("page")
        )?,
        None => writeln!(
            out,
            "date:     none: the page gives no report date, so its events are undated"
        )?,
    }
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
                "   place    {} ({}; precision {}; {})  «{}»",
                l.name,
                l.admin1.as_deref().unwrap_or("-"),
                l.geo_precision,
                match (l.latitude, l.longitude) {
                    (Some(la), Some(lo)) => format!("{la:.5}, {lo:.5}"),
                    _ => "no coordinates".into(),
                },
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
