//! Ingest from the API: a batch of documents goes to one background worker thread that runs the
//! same pipeline as `marsad ingest` (extract, store insert) and adds each document to the search
//! index; the batch's progress is kept for `GET /api/batches/{id}`.

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use marsad_extract::Extractor;
use marsad_ingest::Document;
use marsad_store::{Inserted, Store};
use serde::Serialize;

/// Progress of one batch.
#[derive(Debug, Clone, Serialize)]
pub struct BatchStatus {
    pub id: String,
    /// `queued`, `running` or `done`.
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
    id: String,
    docs: Vec<Document>,
}

const KEEP_BATCHES: usize = 1000;

#[derive(Default)]
struct Batches {
    map: HashMap<String, BatchStatus>,
    order: VecDeque<String>,
}

/// The worker and the batches it has seen.
pub struct Ingest {
    tx: Mutex<mpsc::Sender<Job>>,
    batches: Arc<Mutex<Batches>>,
    next: AtomicU64,
    /// Bumped after each commit to the search index, so readers know to reload.
    pub committed: Arc<AtomicU64>,
}

impl Ingest {
    /// Starts the worker thread, which owns the writing store handle.
    pub fn start(store: Store, extractor: Arc<Extractor>, index_dir: PathBuf) -> Self {
        let (tx, rx) = mpsc::channel::<Job>();
        let batches: Arc<Mutex<Batches>> = Arc::default();
        let b = batches.clone();
        let committed = Arc::new(AtomicU64::new(0));
        let c = committed.clone();
        std::thread::Builder::new()
            .name("marsad-ingest".into())
            .spawn(move || worker(store, extractor, index_dir, rx, b, c))
            .expect("spawning the ingest thread");
        Ingest {
            tx: Mutex::new(tx),
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
            let sent = crate::lock(&self.tx).send(Job {
                id: id.clone(),
                docs,
            });
            if sent.is_err() {
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

fn worker(
    mut store: Store,
    extractor: Arc<Extractor>,
    index_dir: PathBuf,
    rx: mpsc::Receiver<Job>,
    batches: Arc<Mutex<Batches>>,
    committed: Arc<AtomicU64>,
) {
    while let Ok(job) = rx.recv() {
        update(&batches, &job.id, |s| s.state = "running");
        // One index writer per batch, dropped at the end so `marsad ingest` can take it between
        // batches; a busy index only costs search freshness, never the store write.
        let mut index = match marsad_search::SearchIndex::open_or_create_with(
            &index_dir,
            marsad_search::Config::default(),
            None,
        ) {
            Ok(i) => Some(i),
            Err(e) => {
                tracing::warn!("search index not updated: {e}");
                None
            }
        };
        for doc in &job.docs {
            let analysis =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| extractor.analyze(doc)));
            let result = match analysis {
                Err(_) => Err(format!("{}: extraction failed", doc.origin)),
                Ok(a) => match store.insert(doc, &a) {
                    Ok(ins) => {
                        if let Some(ix) = index.as_mut() {
                            let mut d = doc.clone();
                            d.id = match &ins {
                                Inserted::New(id) | Inserted::Duplicate(id) => id.clone(),
                            };
                            if let Err(e) = ix.add(&d, &a) {
                                tracing::warn!("search index: {}: {e}", d.id);
                            }
                        }
                        Ok((ins, a.events.len()))
                    }
                    Err(e) => Err(format!("{}: {e}", doc.origin)),
                },
            };
            update(&batches, &job.id, |s| {
                s.done += 1;
                match result {
                    Ok((Inserted::New(id), n)) => {
                        s.new += 1;
                        s.events += n;
                        s.documents.push(id);
                    }
                    Ok((Inserted::Duplicate(id), _)) => {
                        s.duplicates += 1;
                        s.documents.push(id);
                    }
                    Err(m) => s.errors.push(m),
                }
            });
        }
        if let Some(mut ix) = index {
            if let Err(e) = ix.commit() {
                tracing::warn!("search index commit: {e}");
            }
            committed.fetch_add(1, Ordering::SeqCst);
        }
        update(&batches, &job.id, |s| s.state = "done");
    }
}
