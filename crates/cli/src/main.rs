//! `marsad`: the command line. Composes the stages: ingest → text → knowledge base → extract →
//! store, and prints or exports what they produce.

mod bench;
mod gazetteer;
mod search;
mod stories;

use std::collections::HashSet;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use marsad_extract::{Analysis, Event, Extractor};
use marsad_ingest::{read_inputs, Document, Item, ReadOptions};
use marsad_kb::KnowledgeBase;
use marsad_store::export;
use marsad_store::{EventFilter, FilterQuery, Inserted, Store};
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
    let mut seen = SeenHashes::default();
    for item in read_inputs(paths, opts) {
        match item {
            Item::Doc(d) if seen.is_new(&d) => {
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
            Item::Error(e) => {
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

/// Documents per batch: read together, extracted in parallel, then stored in one transaction.
const BATCH: usize = 512;
/// A batch is cut earlier once its texts reach this many bytes (large documents).
const BATCH_BYTES: usize = 8 << 20;
/// Batches waiting between two stages of [`for_each_analyzed`]: what bounds its memory.
const IN_FLIGHT: usize = 2;
/// The search index is committed after this many new documents, or this long after its last
/// commit, whichever comes first (and at the end); the store is committed every batch.
const INDEX_COMMIT_DOCS: usize = 100_000;
const INDEX_COMMIT_EVERY: Duration = Duration::from_secs(60);
/// During an ingest the writer's commits leave the WAL to a checkpointing thread; they copy it
/// back themselves only past this many pages (64 MiB of 4 KiB pages), a bound on its size.
const WAL_PAGES_MAX: u32 = 16_384;
/// How long the checkpointing thread waits once it has caught up with the WAL.
const CHECKPOINT_IDLE: Duration = Duration::from_millis(50);

/// What the reading stage counted.
#[derive(Debug, Default, Clone, Copy)]
struct ReadCounts {
    errors: usize,
    warnings: usize,
    /// Duplicates within the input.
    dupes: usize,
    /// Documents `skip` dropped.
    skipped: usize,
}

/// Exact duplicates by content hash, keeping 16 bytes per document (the first 128 bits of the
/// SHA-256) rather than the hex string.
#[derive(Default)]
struct SeenHashes {
    short: HashSet<u128>,
    other: HashSet<String>,
}

impl SeenHashes {
    fn is_new(&mut self, d: &Document) -> bool {
        let h = &d.content_hash;
        match h.get(..32).and_then(|p| u128::from_str_radix(p, 16).ok()) {
            Some(k) if h.len() == 64 => self.short.insert(k),
            _ => self.other.insert(h.clone()),
        }
    }
}

/// Reads the inputs, extracts events and hands each batch of analyzed documents, in input
/// order, to `on_batch` on the calling thread. Reading runs on its own thread, extraction on
/// another (in parallel over the rayon pool), so reading, extracting and whatever `on_batch`
/// does (writing the store) overlap; the stages pass at most [`IN_FLIGHT`] batches of
/// [`BATCH`] documents (or [`BATCH_BYTES`]) to each other, so memory stays flat whatever the
/// input size. Errors are reported per input, documents deduplicated by content hash, and
/// documents for which `skip` says `true` (already stored) are dropped before extraction.
fn for_each_analyzed(
    paths: &[PathBuf],
    opts: &ReadOptions,
    ex: &Extractor,
    mut skip: impl FnMut(&Document) -> Result<bool> + Send,
    mut on_batch: impl FnMut(Vec<(Document, Analysis)>) -> Result<()>,
) -> Result<ReadCounts> {
    let paths: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        paths.to_vec()
    };
    let (doc_tx, doc_rx) = mpsc::sync_channel::<Vec<Document>>(IN_FLIGHT);
    let (out_tx, out_rx) = mpsc::sync_channel::<Vec<(Document, Analysis)>>(IN_FLIGHT);
    std::thread::scope(|scope| {
        let reader = std::thread::Builder::new()
            .name("marsad-read".into())
            .spawn_scoped(scope, move || -> Result<ReadCounts> {
                let mut seen = SeenHashes::default();
                let mut counts = ReadCounts::default();
                let mut batch = Vec::with_capacity(BATCH);
                let mut bytes = 0;
                for item in read_inputs(&paths, opts) {
                    match item {
                        Item::Doc(d) => {
                            if !seen.is_new(&d) {
                                counts.dupes += 1;
                                tracing::info!(doc = %d.id, "duplicate document skipped");
                            } else if skip(&d)? {
                                counts.skipped += 1;
                            } else {
                                bytes += d.text.len();
                                batch.push(d);
                            }
                        }
                        Item::Error(e) => {
                            counts.errors += 1;
                            eprintln!("marsad: error: {e}");
                        }
                        Item::Warning { origin, message } => {
                            counts.warnings += 1;
                            eprintln!(
                                "marsad: warning: {}: {message}",
                                marsad_ingest::shown_name(&origin)
                            );
                        }
                    }
                    if batch.len() >= BATCH || bytes >= BATCH_BYTES {
                        bytes = 0;
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                        if doc_tx.send(full).is_err() {
                            // The consumer stopped (an error): it reports why.
                            return Ok(counts);
                        }
                    }
                }
                if !batch.is_empty() {
                    doc_tx.send(batch).ok();
                }
                Ok(counts)
            })
            .expect("spawning the reading thread");
        std::thread::Builder::new()
            .name("marsad-extract".into())
            .spawn_scoped(scope, move || {
                for docs in doc_rx {
                    if out_tx.send(analyze_batch(ex, docs)).is_err() {
                        break;
                    }
                }
            })
            .expect("spawning the extraction thread");
        let mut result = Ok(());
        for batch in out_rx {
            if let Err(e) = on_batch(batch) {
                result = Err(e);
                break;
            }
        }
        // Dropping the receiver (end of the loop) stops the other stages on an error.
        let counts = reader.join().expect("reading thread panicked")?;
        result.map(|()| counts)
    })
}

fn analyze_batch(ex: &Extractor, docs: Vec<Document>) -> Vec<(Document, Analysis)> {
    docs.into_par_iter()
        .map(|d| {
            let a = ex.analyze(&d);
            (d, a)
        })
        .collect()
}

/// A document the store took, for linking and indexing.
struct Stored {
    id: String,
    rowid: i64,
    doc: Document,
    analysis: Analysis,
}

/// `marsad ingest`: read → extract → store → link and index, each stage on its own thread
/// (the store writer on the calling one), passing bounded batches.
///
/// Each batch is stored in one transaction; the linker and the index follow on another thread,
/// so storing the next batch overlaps linking this one. Both write through the one connection
/// (behind a mutex: SQLite has one writer at a time, and waiting on the mutex beats SQLite's
/// busy sleeps). The linker saves its changes every batch, the search index commits every
/// [`INDEX_COMMIT_DOCS`] documents or [`INDEX_COMMIT_EVERY`]; a kill in between is caught up by
/// the next run.
fn ingest(cli: &Cli, paths: &[PathBuf], opts: &ReadOptions) -> Result<ExitCode> {
    let ex = extractor(cli)?;
    let mut store = create_store(cli)?;
    let follow = stories::Follow::open(&mut store, ex.kb(), &db_dir(cli))?;
    store.set_wal_autocheckpoint(WAL_PAGES_MAX)?;
    let store = Mutex::new(store);
    // The reading thread's own connection: documents already stored are skipped before
    // paying for their extraction.
    let lookup = create_store(cli)?;
    let checkpointer = create_store(cli)?;
    let ingesting = AtomicBool::new(true);
    let pb = progress(None);
    let (mut new, mut known, mut events) = (0usize, 0usize, 0usize);
    let mut failed_writes = 0usize;
    let (stored_tx, stored_rx) = mpsc::sync_channel::<Vec<Stored>>(IN_FLIGHT);
    let read = std::thread::scope(|scope| -> Result<ReadCounts> {
        let store = &store;
        let ingesting = &ingesting;
        let linking = std::thread::Builder::new()
            .name("marsad-link".into())
            .spawn_scoped(scope, move || link_and_index(follow, store, stored_rx))
            .expect("spawning the linking thread");
        std::thread::Builder::new()
            .name("marsad-checkpoint".into())
            .spawn_scoped(scope, move || checkpoint_while(&checkpointer, ingesting))
            .expect("spawning the checkpointing thread");
        let read = for_each_analyzed(
            paths,
            opts,
            &ex,
            move |d| Ok(lookup.find_hash(&d.content_hash)?.is_some()),
            |batch| {
                let mut stored = Vec::with_capacity(batch.len());
                let mut store = lock(store);
                store.begin_batch()?;
                // On any error below the batch is rolled back (the guard), not left open.
                let mut store = BatchGuard { store, done: false };
                for (doc, analysis) in batch {
                    match store.insert(&doc, &analysis) {
                        Ok(Inserted::New(id)) => {
                            new += 1;
                            events += analysis.events.len();
                            let rowid = store.last_inserted_rowid().unwrap_or_default();
                            stored.push(Stored {
                                id,
                                rowid,
                                doc,
                                analysis,
                            });
                        }
                        Ok(Inserted::Duplicate(_)) => known += 1,
                        Err(e) => {
                            failed_writes += 1;
                            eprintln!(
                                "marsad: error: {}: {e}",
                                marsad_ingest::shown_name(&doc.origin)
                            );
                        }
                    }
                    pb.inc(1);
                }
                store.commit_batch()?;
                store.done = true;
                drop(store);
                pb.set_message(format!("{events} events"));
                if !stored.is_empty() && stored_tx.send(stored).is_err() {
                    anyhow::bail!("linking stopped");
                }
                Ok(())
            },
        );
        drop(stored_tx);
        let linked = linking.join().expect("linking thread panicked");
        ingesting.store(false, Ordering::Relaxed);
        // A linking error is the cause of a "linking stopped" one.
        linked?;
        read
    })?;
    pb.finish_and_clear();
    let store = store.into_inner().unwrap_or_else(|e| e.into_inner());
    let (errors, warnings, dupes) = (read.errors, read.warnings, read.dupes);
    known += read.skipped;
    // Not `Store::stats`: counting the claims too takes a second or more on a large store.
    eprintln!(
        "ingested {new} new documents ({events} events); {known} already stored, {dupes} duplicates in input, {errors} errors, {warnings} warnings; store {} holds {} documents, {} events",
        store.path().display(),
        store.document_count()?,
        store.event_count()?
    );
    Ok(if errors + failed_writes > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The checkpointing stage of [`ingest`]: copies the WAL into the database on its own
/// connection while the writer goes on (SQLite lets one checkpoint run beside one writer), so
/// the writer's commits, which hold the store lock, do not pay for it. Errors only delay the
/// copy (the writer's own checkpoints take over past [`WAL_PAGES_MAX`]): logged at debug level,
/// not fatal.
fn checkpoint_while(store: &Store, ingesting: &AtomicBool) {
    let mut last = (0, 0);
    while ingesting.load(Ordering::Relaxed) {
        match store.checkpoint() {
            // Progress with more to copy: go on (a reader's snapshot can stop it short).
            Ok((log, done)) if done < log && (log, done) != last => last = (log, done),
            Ok(now) => {
                last = now;
                std::thread::sleep(CHECKPOINT_IDLE);
            }
            // Busy when the writer's own checkpoint runs: nothing lost, the next try goes on.
            Err(e) => {
                tracing::debug!("background checkpoint: {e}");
                std::thread::sleep(CHECKPOINT_IDLE);
            }
        }
    }
}

/// The store with a batch open: rolled back when dropped before `done` is set.
struct BatchGuard<'a> {
    store: MutexGuard<'a, Store>,
    done: bool,
}

impl std::ops::Deref for BatchGuard<'_> {
    type Target = Store;
    fn deref(&self) -> &Store {
        &self.store
    }
}

impl std::ops::DerefMut for BatchGuard<'_> {
    fn deref_mut(&mut self) -> &mut Store {
        &mut self.store
    }
}

impl Drop for BatchGuard<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.store.rollback_batch();
        }
    }
}

pub(crate) fn lock(store: &Mutex<Store>) -> MutexGuard<'_, Store> {
    // A panic elsewhere holding the lock leaves no half-done transaction worth refusing: the
    // connection rolls back what it did not commit.
    store.lock().unwrap_or_else(|e| e.into_inner())
}

/// The linking stage of [`ingest`]: links and indexes each stored batch, saves the linker's
/// changes, commits the index now and then and once at the end.
fn link_and_index(
    mut follow: stories::Follow,
    store: &Mutex<Store>,
    batches: mpsc::Receiver<Vec<Stored>>,
) -> Result<()> {
    let mut committed = Instant::now();
    let mut upto = 0;
    for batch in batches {
        for s in batch {
            follow.add(store, &s.id, &s.doc, &s.analysis)?;
            upto = s.rowid;
        }
        follow.save(&mut lock(store))?;
        if follow.pending() >= INDEX_COMMIT_DOCS || committed.elapsed() >= INDEX_COMMIT_EVERY {
            follow.commit_index(&mut lock(store), upto)?;
            committed = Instant::now();
        }
    }
    follow.commit_index(&mut lock(store), upto)?;
    Ok(())
}

fn extract(cli: &Cli, paths: &[PathBuf], format: Format, opts: &ReadOptions) -> Result<ExitCode> {
    let ex = extractor(cli)?;
    let mut all: Vec<Event> = Vec::new();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut csv_header_done = false;
    let read = for_each_analyzed(
        paths,
        opts,
        &ex,
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
