//! The ingest of marsad, written once: read → extract → store → link → index.
//!
//! `marsad ingest` and the server's uploads are thin adapters over this crate:
//! - [`Writer`] is the one writer of a store. It holds the store's [`WriterLock`] for its
//!   lifetime, the store connection, the linker and the search index writer ([`Follow`]).
//!   [`Writer::ingest_paths`] runs files through the whole pipeline with bounded batches;
//!   [`Writer::write_docs`] does the same for documents already read (an API upload, or a
//!   batch [`handoff`]ed by a CLI while a server holds the lock).
//! - [`for_each_analyzed`] is the read → extract part alone (`marsad extract`).
//!
//! Nothing is reported as stored unless its store transaction committed; a document stored
//! but not linked or indexed (an index error) is reported as an error too, and the next
//! [`Writer::open`] catches it up.

pub mod follow;
pub mod handoff;
pub mod lock;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use marsad_extract::{Analysis, Extractor};
use marsad_ingest::{read_inputs, shown_name, Document, Item, ReadOptions};
use marsad_store::{Inserted, Store};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use follow::{index_dir, open_index, Follow};
pub use lock::{holder, WriterLock};

/// Documents per batch: read together, extracted in parallel, then stored in one transaction.
pub const BATCH: usize = 512;
/// A batch is cut earlier once its texts reach this many bytes (large documents).
pub const BATCH_BYTES: usize = 8 << 20;
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
/// A batch whose transaction cannot start or commit (the database busy past SQLite's own
/// wait) is tried this many times in all before its documents are reported as failed.
const WRITE_TRIES: usize = 3;

/// Where the pipeline's messages go (the CLI prints them; a server logs or returns them).
pub trait Report: Sync {
    /// An input that could not be read, or a document that could not be stored.
    fn error(&self, message: &str);
    /// Something worth knowing about an input that was read anyway.
    fn warning(&self, origin: &str, message: &str);
    /// Documents handled so far (stored, known or failed) and events stored.
    fn progress(&self, _documents: usize, _events: usize) {}
}

/// What the reading stage counted.
#[derive(Debug, Default, Clone, Copy)]
pub struct ReadCounts {
    pub errors: usize,
    pub warnings: usize,
    /// Duplicates within the input.
    pub dupes: usize,
    /// Documents `skip` dropped.
    pub skipped: usize,
}

/// What an ingest of files did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Summary {
    pub read: ReadCounts,
    /// Documents stored now.
    pub new: usize,
    /// Documents whose text was stored already.
    pub known: usize,
    /// Events of the new documents.
    pub events: usize,
    /// Documents that could not be stored (reported through [`Report::error`]).
    pub failed_writes: usize,
}

/// What became of a batch of documents handed to [`Writer::write_docs`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub new: usize,
    pub duplicates: usize,
    pub events: usize,
    /// Ids under which the batch's documents are stored (new or already there), in order.
    pub documents: Vec<String>,
    /// One message per failed document (or for the whole batch).
    pub errors: Vec<String>,
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

/// The reading stage: reads the inputs (`-` is stdin; none means stdin), reports errors per
/// input, drops duplicates within the input and documents for which `skip` says `true`, and
/// hands batches of [`BATCH`] documents (or [`BATCH_BYTES`]) to `send`, which returns `false`
/// to stop.
pub fn read_batches(
    paths: &[PathBuf],
    opts: &ReadOptions,
    report: &dyn Report,
    mut skip: impl FnMut(&Document) -> Result<bool>,
    mut send: impl FnMut(Vec<Document>) -> Result<bool>,
) -> Result<ReadCounts> {
    let paths: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        paths.to_vec()
    };
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
                report.error(&e.to_string());
            }
            Item::Warning { origin, message } => {
                counts.warnings += 1;
                report.warning(&origin, &message);
            }
        }
        if batch.len() >= BATCH || bytes >= BATCH_BYTES {
            bytes = 0;
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
            if !send(full)? {
                // The consumer stopped (an error): it reports why.
                return Ok(counts);
            }
        }
    }
    if !batch.is_empty() {
        send(batch)?;
    }
    Ok(counts)
}

/// Reads the inputs, extracts events and hands each batch of analyzed documents, in input
/// order, to `on_batch` on the calling thread. Reading runs on its own thread, extraction on
/// another (in parallel over the rayon pool), so reading, extracting and whatever `on_batch`
/// does (writing the store) overlap; the stages pass at most [`IN_FLIGHT`] batches to each
/// other, so memory stays flat whatever the input size. See [`read_batches`] for `skip`.
pub fn for_each_analyzed(
    paths: &[PathBuf],
    opts: &ReadOptions,
    ex: &Extractor,
    report: &dyn Report,
    skip: impl FnMut(&Document) -> Result<bool> + Send,
    mut on_batch: impl FnMut(Vec<(Document, Analysis)>) -> Result<()>,
) -> Result<ReadCounts> {
    let (doc_tx, doc_rx) = mpsc::sync_channel::<Vec<Document>>(IN_FLIGHT);
    let (out_tx, out_rx) = mpsc::sync_channel::<Vec<(Document, Analysis)>>(IN_FLIGHT);
    std::thread::scope(|scope| {
        let reader = std::thread::Builder::new()
            .name("marsad-read".into())
            .spawn_scoped(scope, move || {
                read_batches(paths, opts, report, skip, |b| Ok(doc_tx.send(b).is_ok()))
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

/// Locks the writer's connection. A panic elsewhere holding it leaves no half-done
/// transaction worth refusing: the connection rolls back what it did not commit.
pub(crate) fn lock(store: &Mutex<Store>) -> MutexGuard<'_, Store> {
    store.lock().unwrap_or_else(|e| e.into_inner())
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

/// The one writer of a store: its lock, its connection, the linker and the index writer.
pub struct Writer {
    db: PathBuf,
    ex: Arc<Extractor>,
    /// One connection for storing and linking (behind a mutex: SQLite has one writer at a
    /// time, and waiting on the mutex beats SQLite's busy sleeps).
    store: Mutex<Store>,
    /// `None` only after a linking error lost it (the writer refuses further writes).
    follow: Option<Follow>,
    /// Rowid of the last document added to the index.
    upto: i64,
    _lock: WriterLock,
}

impl Writer {
    /// Opens the store in `db` (creating it) as its writer, under `lock` (taken on `db`):
    /// loads the linker and opens the search index, catching both up with stored documents
    /// they miss.
    pub fn open(lock: WriterLock, db: &Path, ex: Arc<Extractor>) -> Result<Writer> {
        let mut store =
            Store::open(db).with_context(|| format!("opening the store in {}", db.display()))?;
        let follow = Follow::open(&mut store, ex.kb(), db)?;
        let upto = store.last_document_rowid()?;
        Ok(Writer {
            db: db.to_path_buf(),
            ex,
            store: Mutex::new(store),
            follow: Some(follow),
            upto,
            _lock: lock,
        })
    }

    /// Closes the store, the linker and the index writer, keeping the lock (a server keeps
    /// other writers out while it is idle, without the writer's memory).
    pub fn close(self) -> WriterLock {
        self._lock
    }

    /// The writer's connection (for reads between writes).
    pub fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    /// The store directory.
    pub fn db(&self) -> &Path {
        &self.db
    }

    /// Documents already read (an upload, a handed-off batch): extracted in parallel, stored
    /// in one transaction (tried again when the database is busy), linked into stories and
    /// indexed, the index committed. Never fails as a whole: every document that did not make
    /// it is an error of the outcome.
    pub fn write_docs(&mut self, docs: Vec<Document>) -> Outcome {
        let mut out = Outcome::default();
        let ex = self.ex.clone();
        let analyzed: Vec<(Document, Option<Analysis>)> = docs
            .into_par_iter()
            .map(|d| {
                let a = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| ex.analyze(&d)));
                (d, a.ok())
            })
            .collect();
        let mut batch = Vec::with_capacity(analyzed.len());
        for (d, a) in analyzed {
            match a {
                // A second copy of a text within the batch is stored under the first's id.
                Some(a) => batch.push((d, a)),
                None => out
                    .errors
                    .push(format!("{}: extraction failed", shown_name(&d.origin))),
            }
        }
        let mut last_err = None;
        for attempt in 0..WRITE_TRIES {
            match self.store_batch(&batch) {
                Ok(results) => {
                    let mut stored = Vec::new();
                    for ((doc, analysis), r) in batch.into_iter().zip(results) {
                        match r {
                            Ok((Inserted::New(id), rowid)) => {
                                out.new += 1;
                                out.events += analysis.events.len();
                                out.documents.push(id.clone());
                                stored.push(Stored {
                                    id,
                                    rowid,
                                    doc,
                                    analysis,
                                });
                            }
                            Ok((Inserted::Duplicate(id), _)) => {
                                out.duplicates += 1;
                                out.documents.push(id);
                            }
                            Err(e) => out.errors.push(format!("{}: {e}", shown_name(&doc.origin))),
                        }
                    }
                    if let Err(e) = self.link_and_index(stored.iter()) {
                        // Stored, so not lost (the next writer catches up), but not linked
                        // or searchable yet: not a success.
                        for s in &stored {
                            out.errors.push(format!(
                                "{}: stored as {} but not linked or indexed: {e:#}",
                                shown_name(&s.doc.origin),
                                s.id
                            ));
                        }
                    }
                    return out;
                }
                Err(e) => {
                    tracing::warn!(attempt, "storing a batch: {e:#}");
                    last_err = Some(e);
                    std::thread::sleep(Duration::from_millis(200 << attempt));
                }
            }
        }
        let e = last_err.map(|e| format!("{e:#}")).unwrap_or_default();
        for (d, _) in &batch {
            out.errors
                .push(format!("{}: not stored: {e}", shown_name(&d.origin)));
        }
        out
    }

    /// Stores analyzed documents in one transaction: per document what the store did (with
    /// the new document's rowid) or why it refused it; an error when the transaction itself
    /// could not start or commit (then nothing was stored).
    #[allow(clippy::type_complexity)]
    fn store_batch(
        &self,
        batch: &[(Document, Analysis)],
    ) -> Result<Vec<std::result::Result<(Inserted, i64), String>>> {
        let mut store = lock(&self.store);
        store.begin_batch()?;
        let mut store = BatchGuard { store, done: false };
        let mut results = Vec::with_capacity(batch.len());
        for (doc, analysis) in batch {
            results.push(match store.insert(doc, analysis) {
                Ok(ins) => {
                    let rowid = store.last_inserted_rowid().unwrap_or_default();
                    Ok((ins, rowid))
                }
                Err(e) => Err(e.to_string()),
            });
        }
        store.commit_batch()?;
        store.done = true;
        Ok(results)
    }

    /// Links and indexes stored documents, saves the linker and commits the index.
    fn link_and_index<'a>(&mut self, stored: impl Iterator<Item = &'a Stored>) -> Result<()> {
        let mut upto = self.upto;
        let follow = self
            .follow
            .as_mut()
            .context("an earlier linking error stopped this writer")?;
        for s in stored {
            follow.add(&self.store, &s.id, &s.doc, &s.analysis)?;
            upto = s.rowid;
        }
        follow.save(&mut lock(&self.store))?;
        follow.commit_index(&mut lock(&self.store), upto)?;
        self.upto = upto;
        Ok(())
    }

    /// Files through the whole pipeline, each stage on its own thread (the store writer on
    /// the calling one), passing bounded batches.
    ///
    /// Each batch is stored in one transaction; the linker and the index follow on another
    /// thread, so storing the next batch overlaps linking this one. Both write through the one
    /// connection. The linker saves its changes every batch, the search index commits every
    /// [`INDEX_COMMIT_DOCS`] documents or [`INDEX_COMMIT_EVERY`] and at the end; a kill in
    /// between is caught up by the next [`Writer::open`].
    pub fn ingest_paths(
        &mut self,
        paths: &[PathBuf],
        opts: &ReadOptions,
        report: &dyn Report,
    ) -> Result<Summary> {
        let follow = self.follow.take().context("writer stopped")?;
        lock(&self.store).set_wal_autocheckpoint(WAL_PAGES_MAX)?;
        // The reading thread's own connection: documents already stored are skipped before
        // paying for their extraction.
        let lookup = Store::open(&self.db)?;
        let checkpointer = Store::open(&self.db)?;
        let ingesting = AtomicBool::new(true);
        let mut sum = Summary::default();
        let (stored_tx, stored_rx) = mpsc::sync_channel::<Vec<Stored>>(IN_FLIGHT);
        let ex = self.ex.clone();
        let store = &self.store;
        let upto_start = self.upto;
        let (read, linked) = std::thread::scope(|scope| {
            let ingesting = &ingesting;
            let linking = std::thread::Builder::new()
                .name("marsad-link".into())
                .spawn_scoped(scope, move || {
                    link_and_index_stream(follow, store, stored_rx, upto_start)
                })
                .expect("spawning the linking thread");
            std::thread::Builder::new()
                .name("marsad-checkpoint".into())
                .spawn_scoped(scope, move || checkpoint_while(&checkpointer, ingesting))
                .expect("spawning the checkpointing thread");
            let read = for_each_analyzed(
                paths,
                opts,
                &ex,
                report,
                move |d| Ok(lookup.find_hash(&d.content_hash)?.is_some()),
                |batch| {
                    let mut stored = Vec::with_capacity(batch.len());
                    let mut guard = None;
                    // A busy database (another connection past SQLite's wait) is tried
                    // again before the ingest gives up.
                    for attempt in 0..WRITE_TRIES {
                        let mut s = lock(store);
                        match s.begin_batch() {
                            Ok(()) => {
                                guard = Some(BatchGuard {
                                    store: s,
                                    done: false,
                                });
                                break;
                            }
                            Err(e) if attempt + 1 == WRITE_TRIES => return Err(e.into()),
                            Err(e) => {
                                drop(s);
                                tracing::warn!(attempt, "starting a batch: {e}");
                                std::thread::sleep(Duration::from_millis(200 << attempt));
                            }
                        }
                    }
                    // On any error below the batch is rolled back (the guard), not left open.
                    let mut store = guard.expect("a batch started");
                    for (doc, analysis) in batch {
                        match store.insert(&doc, &analysis) {
                            Ok(Inserted::New(id)) => {
                                sum.new += 1;
                                sum.events += analysis.events.len();
                                let rowid = store.last_inserted_rowid().unwrap_or_default();
                                stored.push(Stored {
                                    id,
                                    rowid,
                                    doc,
                                    analysis,
                                });
                            }
                            Ok(Inserted::Duplicate(_)) => sum.known += 1,
                            Err(e) => {
                                sum.failed_writes += 1;
                                report.error(&format!("{}: {e}", shown_name(&doc.origin)));
                            }
                        }
                    }
                    store.commit_batch()?;
                    store.done = true;
                    drop(store);
                    report.progress(sum.new + sum.known + sum.failed_writes, sum.events);
                    if !stored.is_empty() && stored_tx.send(stored).is_err() {
                        anyhow::bail!("linking stopped");
                    }
                    Ok(())
                },
            );
            drop(stored_tx);
            let linked = linking.join().expect("linking thread panicked");
            ingesting.store(false, Ordering::Relaxed);
            (read, linked)
        });
        // A linking error is the cause of a "linking stopped" one.
        let (follow, upto) = linked?;
        self.follow = Some(follow);
        self.upto = upto;
        sum.read = read?;
        sum.known += sum.read.skipped;
        Ok(sum)
    }
}

/// The linking stage of [`Writer::ingest_paths`]: links and indexes each stored batch, saves
/// the linker's changes, commits the index now and then and once at the end. Gives the
/// follower back with the rowid of the last document indexed.
fn link_and_index_stream(
    mut follow: Follow,
    store: &Mutex<Store>,
    batches: mpsc::Receiver<Vec<Stored>>,
    mut upto: i64,
) -> Result<(Follow, i64)> {
    let mut committed = Instant::now();
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
    Ok((follow, upto))
}

/// The checkpointing stage of [`Writer::ingest_paths`]: copies the WAL into the database on
/// its own connection while the writer goes on (SQLite lets one checkpoint run beside one
/// writer), so the writer's commits, which hold the store lock, do not pay for it. Errors
/// only delay the copy (the writer's own checkpoints take over past [`WAL_PAGES_MAX`]):
/// logged at debug level, not fatal.
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

/// The linker saved in a store, rebuilt from its plain state; `None` when nothing was saved.
pub fn load_linker(
    store: &Store,
    kb: Arc<marsad_kb::KnowledgeBase>,
) -> Result<Option<marsad_link::Linker>> {
    let Some(state) = store.load_linker_state()? else {
        return Ok(None);
    };
    let l = marsad_link::Linker::from_state(kb, state)
        .with_context(|| format!("the linker state saved in {}", store.path().display()))?;
    Ok(Some(l))
}

/// Saves what changed in `linker` since its last save or load (the whole state when the
/// store holds none yet), in one transaction.
pub fn save_linker(store: &mut Store, linker: &mut marsad_link::Linker) -> Result<()> {
    if store.has_linker()? {
        store.save_links(&linker.take_saved())?;
    } else {
        linker.take_changes();
        store.save_links_full(&linker.to_state())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(name: &str, id: &str) -> Document {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../samples/text")
            .join(name);
        let bytes = std::fs::read(&path).unwrap();
        marsad_ingest::read_text(name, id, &bytes, &ReadOptions::default()).unwrap()
    }

    /// `write_docs` stores, links and indexes; a second copy of a text in the batch is a
    /// duplicate under the first one's id; a second writer on the store is refused meanwhile.
    #[test]
    fn written_documents_are_stored_linked_and_indexed() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path();
        let lock = WriterLock::try_acquire(db, "test").unwrap().unwrap();
        assert!(WriterLock::try_acquire(db, "other").unwrap().is_none());
        let ex = Arc::new(Extractor::new(marsad_kb::KnowledgeBase::builtin().unwrap()));
        let mut w = Writer::open(lock, db, ex).unwrap();
        let a = doc("001_maarat_harma_airstrike.txt", "a");
        let mut a2 = a.clone();
        a2.id = "a-copy".into();
        let b = doc("002_kafr_zita_shelling.txt", "b");
        let out = w.write_docs(vec![a, a2, b]);
        assert_eq!(out.errors, Vec::<String>::new());
        assert_eq!((out.new, out.duplicates), (2, 1));
        assert_eq!(out.documents, ["a", "a", "b"]);
        assert!(out.events > 0);
        let kb = marsad_kb::KnowledgeBase::builtin().unwrap();
        {
            let store = w.store();
            assert_eq!(store.document_count().unwrap(), 2);
            assert_eq!(store.event_count().unwrap(), out.events as u64);
            assert!(store.unlinked_events().unwrap().is_empty());
            assert!(store.has_linker().unwrap());
        }
        let lock = w.close();
        let index = open_index(db, &kb).unwrap();
        assert_eq!(index.num_docs(), 2);
        drop(lock);
        assert!(WriterLock::try_acquire(db, "other").unwrap().is_some());
    }
}
