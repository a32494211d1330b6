//! Read access: a small pool of store handles (a rusqlite connection is not `Sync`, so each
//! request borrows one on a blocking thread) and the paged reads of the API, which are the
//! store's own typed queries ([`marsad_store::Store::event_page`] and the like): no SQL here.

use std::path::PathBuf;
use std::sync::Mutex;

use marsad_store::Store;

use crate::error::ApiError;

pub use marsad_store::DocSummary;

/// A store handle of the pool.
pub struct Reader {
    pub store: Store,
}

/// Handles kept for reuse (at most `MAX_IDLE`).
pub struct Pool {
    db: PathBuf,
    free: Mutex<Vec<Reader>>,
}

const MAX_IDLE: usize = 16;

/// Page cache of a pooled reader, in KiB.
const READER_CACHE_KIB: u32 = 2048;

impl Pool {
    pub fn new(db: PathBuf) -> Self {
        Pool {
            db,
            free: Mutex::new(Vec::new()),
        }
    }

    fn open(&self) -> Result<Reader, ApiError> {
        let store = Store::open(&self.db)?;
        // Readers scan (exports read every event): a small page cache each, not the writer's
        // 64 MiB, so memory does not grow with the number of pooled handles.
        store.set_cache_kib(READER_CACHE_KIB)?;
        Ok(Reader { store })
    }

    /// Runs `f` with a handle (call from a blocking thread).
    pub fn with<T>(&self, f: impl FnOnce(&Reader) -> Result<T, ApiError>) -> Result<T, ApiError> {
        let reader = crate::lock(&self.free).pop();
        let reader = match reader {
            Some(r) => r,
            None => self.open()?,
        };
        let out = f(&reader);
        let mut free = crate::lock(&self.free);
        if free.len() < MAX_IDLE {
            free.push(reader);
        }
        out
    }
}

/// Event filters of the API: the store's, resolved as the CLI resolves them.
pub type Filter = marsad_store::EventFilter;

/// Documents, newest ingested first, filtered by `q`; and the total ([`Store::document_page`]).
pub fn documents(
    store: &Store,
    q: Option<&str>,
    offset: usize,
    limit: usize,
) -> Result<(u64, Vec<DocSummary>), ApiError> {
    Ok(store.document_page(q, offset, limit)?)
}
