//! Ingest from the API: the server is the one writer of its store ([`marsad_pipeline::Writer`],
//! holding the store's writer lock for as long as it runs). A batch of documents goes to one
//! background worker thread that runs it through the pipeline `marsad ingest` runs (extract,
//! store, link into stories, index); the batch's progress is kept for `GET /api/batches/{id}`.
//! A `marsad ingest` started on the same store hands its batches to this worker through the
//! store's socket ([`marsad_pipeline::handoff`]); one started before the server holds the lock
//! until it is done, and uploads wait in the queue meanwhile.

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use marsad_extract::Extractor;
use marsad_ingest::Document;
use marsad_pipeline::{handoff, Outcome, Writer, WriterLock};
use serde::Serialize;

/// Progress of one batch.
#[derive(Debug, Clone, Serialize)]
pub struct BatchStatus {
    pub id: String,
    /// `queued` (waiting for the writer), `running` or `done`.
    pub state: &'static str,
    /// Inputs in the batch (documents plus inputs rejected when reading them).
    pub total: usize,
    /// Inputs handled so far (stored, already known or failed).
    pub done: usize,
    pub new: usize,
    pub duplicates: usize,
    pub events: usize,
    /// Ids under which the batch's documents are stored (new or already there).
    pub documents: Vec<String>,
    /// One message per failed input.
    pub errors: Vec<String>,
}

struct Job {
    /// Status id of an API batch; `None` for a batch handed off by a CLI.
    id: Option<String>,
    docs: Vec<Document>,
    /// Where a handed-off batch waits for its outcome.
    reply: Option<mpsc::Sender<Outcome>>,
}

const KEEP_BATCHES: usize = 1000;

#[derive(Default)]
struct Batches {
    map: HashMap<String, BatchStatus>,
    order: VecDeque<String>,
}

/// The queue of the worker; `None` once the server is dropped, so the worker (and the
/// handoff listener's senders) let go and the worker ends.
type Queue = Arc<Mutex<Option<mpsc::Sender<Job>>>>;

/// The worker and the batches it has seen.
pub struct Ingest {
    tx: Queue,
    batches: Arc<Mutex<Batches>>,
    next: AtomicU64,
    /// Bumped after each batch written to the search index, so readers know to reload.
    pub committed: Arc<AtomicU64>,
}

impl Drop for Ingest {
    fn drop(&mut self) {
        crate::lock(&self.tx).take();
    }
}

fn send(q: &Queue, job: Job) -> bool {
    match crate::lock(q).as_ref() {
        Some(tx) => tx.send(job).is_ok(),
        None => false,
    }
}

impl Ingest {
    /// Starts the worker thread, which becomes the writer of the store in `db`.
    pub fn start(db: PathBuf, extractor: Arc<Extractor>) -> Self {
        let (tx, rx) = mpsc::channel::<Job>();
        let tx: Queue = Arc::new(Mutex::new(Some(tx)));
        let batches: Arc<Mutex<Batches>> = Arc::default();
        let b = batches.clone();
        let committed = Arc::new(AtomicU64::new(0));
        let c = committed.clone();
        let q = tx.clone();
        std::thread::Builder::new()
            .name("marsad-ingest".into())
            .spawn(move || worker(db, extractor, q, rx, b, c))
            .expect("spawning the ingest thread");
        Ingest {
            tx,
            batches,
            next: AtomicU64::new(1),
            committed,
        }
    }

    /// Queues documents (and the read errors of their request) as a new batch; returns its status.
    pub fn submit(&self, docs: Vec<Document>, errors: Vec<String>) -> BatchStatus {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        let id = format!("b{stamp:x}-{n}");
        let status = BatchStatus {
            id: id.clone(),
            state: if docs.is_empty() { "done" } else { "queued" },
            total: docs.len() + errors.len(),
            done: errors.len(),
            new: 0,
            duplicates: 0,
            events: 0,
            documents: Vec::new(),
            errors,
        };
        {
            let mut b = crate::lock(&self.batches);
            b.map.insert(id.clone(), status.clone());
            b.order.push_back(id.clone());
            while b.order.len() > KEEP_BATCHES {
                if let Some(old) = b.order.pop_front() {
                    b.map.remove(&old);
                }
            }
        }
        if !docs.is_empty() {
            let job = Job {
                id: Some(id.clone()),
                docs,
                reply: None,
            };
            if !send(&self.tx, job) {
                update(&self.batches, &id, |s| {
                    s.state = "done";
                    s.errors.push("the ingest worker has stopped".into());
                });
            }
        }
        self.status(&id).unwrap_or(status)
    }

    pub fn status(&self, id: &str) -> Option<BatchStatus> {
        crate::lock(&self.batches).map.get(id).cloned()
    }
}

fn update(batches: &Mutex<Batches>, id: &str, f: impl FnOnce(&mut BatchStatus)) {
    if let Some(s) = crate::lock(batches).map.get_mut(id) {
        f(s);
    }
}

/// Becomes the store's writer (waiting for a running `marsad ingest` to finish), opens the
/// handoff socket, then writes each queued batch.
fn worker(
    db: PathBuf,
    extractor: Arc<Extractor>,
    queue: Queue,
    rx: mpsc::Receiver<Job>,
    batches: Arc<Mutex<Batches>>,
    committed: Arc<AtomicU64>,
) {
    // The lock from the start (so a CLI hands its batches here instead of writing beside us);
    // the writer itself (linker and index writer: memory that grows with the store) only
    // while there are uploads, closed again after `WRITER_IDLE` without any.
    let mut lock = match take_lock(&db) {
        Ok(l) => Some(l),
        Err(e) => {
            tracing::error!("uploads refused: {e:#}");
            eprintln!("marsad: error: uploads refused: {e:#}");
            None
        }
    };
    let mut writer: Option<Writer> = None;
    let socket = if lock.is_some() {
        let q = queue.clone();
        let handler: handoff::Handler = Arc::new(move |docs| {
            let (tx, rx) = mpsc::channel();
            let job = Job {
                id: None,
                docs,
                reply: Some(tx),
            };
            let stopped = || Outcome {
                errors: vec!["the server's ingest worker has stopped".into()],
                ..Outcome::default()
            };
            if !send(&q, job) {
                return stopped();
            }
            rx.recv().unwrap_or_else(|_| stopped())
        });
        match handoff::listen(&db, handler) {
            Ok(p) => Some(p),
            Err(e) => {
                // `marsad ingest` then waits for the server to stop: nothing is lost.
                tracing::warn!("no handoff socket in {}: {e}", db.display());
                None
            }
        }
    } else {
        None
    };
    drop(queue);
    loop {
        let job = match rx.recv_timeout(WRITER_IDLE) {
            Ok(job) => job,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if let Some(w) = writer.take() {
                    lock = Some(w.close());
                }
                continue;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        if let Some(id) = &job.id {
            update(&batches, id, |s| s.state = "running");
        }
        let total = job.docs.len();
        if writer.is_none() {
            let l = match lock.take() {
                Some(l) => Ok(l),
                // Lost with a writer that failed to open: taken again.
                None => take_lock(&db),
            };
            match l.and_then(|l| Writer::open(l, &db, extractor.clone())) {
                Ok(w) => writer = Some(w),
                Err(e) => {
                    tracing::error!("uploads refused: {e:#}");
                    eprintln!("marsad: error: uploads refused: {e:#}");
                }
            }
        }
        let outcome = match writer.as_mut() {
            Some(w) => w.write_docs(job.docs),
            None => Outcome {
                errors: vec![format!(
                    "{total} documents not stored: the server could not open its store for writing (see its log)"
                )],
                ..Outcome::default()
            },
        };
        committed.fetch_add(1, Ordering::SeqCst);
        if let Some(id) = &job.id {
            let o = outcome.clone();
            update(&batches, id, |s| {
                s.done += total;
                s.new += o.new;
                s.duplicates += o.duplicates;
                s.events += o.events;
                s.documents.extend(o.documents);
                s.errors.extend(o.errors);
                s.state = "done";
            });
        }
        if let Some(reply) = job.reply {
            let _ = reply.send(outcome);
        }
    }
    if let Some(p) = socket {
        let _ = std::fs::remove_file(p);
    }
}

/// How long the writer stays open with no upload.
const WRITER_IDLE: std::time::Duration = std::time::Duration::from_secs(300);

/// The store's writer lock, waiting for a `marsad ingest` holding it to finish.
fn take_lock(db: &std::path::Path) -> anyhow::Result<WriterLock> {
    Ok(match WriterLock::try_acquire(db, "marsad serve")? {
        Some(l) => l,
        None => {
            let who = marsad_pipeline::holder(db).unwrap_or_else(|| "another process".into());
            eprintln!(
                "marsad: {} is being written by {who}: uploads wait until it is done",
                db.display()
            );
            WriterLock::acquire(db, "marsad serve")?
        }
    })
}
