//! Read access: a small pool of store handles (a rusqlite connection is not `Sync`, so each
//! request borrows one on a blocking thread) and the paged queries the API needs that
//! [`marsad_store::Store`] does not offer (document listing, event pages in document order with
//! a total). They read the store's tables with the same filter semantics as `Store::events`.

use std::path::PathBuf;
use std::sync::Mutex;

use marsad_extract::Event;
use marsad_store::Store;
use rusqlite::{params_from_iter, Connection, OpenFlags};
use serde::Serialize;

use crate::error::ApiError;

/// A store handle plus a raw read-only connection on the same file.
pub struct Reader {
    pub store: Store,
    pub conn: Connection,
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
        let conn = Connection::open_with_flags(
            store.path(),
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        Ok(Reader { store, conn })
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

fn parse_events(rows: Vec<String>) -> Result<Vec<Event>, ApiError> {
    rows.iter()
        .map(|j| serde_json::from_str(j).map_err(|e| ApiError::internal(format!("event: {e}"))))
        .collect()
}

/// Events matching `f` ordered by document, then position (a document's events are stored in
/// text order, so `rowid` orders them within it and the `events_doc` index pages deep offsets
/// without reading event rows), `limit` of them after `offset`
/// (all when `limit` is `None`), and how many match in total when `count`.
pub fn events(
    conn: &Connection,
    f: &Filter,
    offset: usize,
    limit: Option<usize>,
    count: bool,
) -> Result<(Option<u64>, Vec<Event>), ApiError> {
    let (wh, args) = f.where_sql();
    let total = if count {
        let n: i64 = conn.query_row(
            &format!("SELECT count(*) FROM events{wh}"),
            params_from_iter(args.iter()),
            |r| r.get(0),
        )?;
        Some(n as u64)
    } else {
        None
    };
    let lim = limit.map(|l| l as i64).unwrap_or(-1);
    let mut st = conn.prepare_cached(&format!(
        "SELECT json FROM events WHERE rowid IN (SELECT rowid FROM events{wh} ORDER BY doc_id, rowid LIMIT {lim} OFFSET {offset}) ORDER BY doc_id, rowid"
    ))?;
    let rows = st
        .query_map(params_from_iter(args.iter()), |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((total, parse_events(rows)?))
}

/// A document in a listing.
#[derive(Debug, Serialize)]
pub struct DocSummary {
    pub id: String,
    pub title: Option<String>,
    /// The title, else a headline read from the opening lines of the text.
    pub headline: Option<String>,
    pub outlet: Option<String>,
    pub published: Option<String>,
    pub url: Option<String>,
    pub format: String,
    pub ingested_at: String,
    pub events: u64,
}

/// Documents, newest ingested first, optionally only those whose id, title or outlet contains
/// `q`; and the total.
pub fn documents(
    conn: &Connection,
    q: Option<&str>,
    offset: usize,
    limit: usize,
) -> Result<(u64, Vec<DocSummary>), ApiError> {
    let (wh, args): (&str, Vec<String>) = match q {
        Some(q) => (
            " WHERE d.id LIKE ?1 ESCAPE '\\' OR d.title LIKE ?1 ESCAPE '\\' OR coalesce(d.outlet, d.analysis_outlet) LIKE ?1 ESCAPE '\\'",
            vec![format!("%{}%", marsad_store::like_literal(q))],
        ),
        None => ("", vec![]),
    };
    let total: i64 = conn.query_row(
        &format!("SELECT count(*) FROM documents d{wh}"),
        params_from_iter(args.iter()),
        |r| r.get(0),
    )?;
    let mut st = conn.prepare_cached(&format!(
        "SELECT d.id, d.title, coalesce(d.outlet, d.analysis_outlet), coalesce(d.published, d.analysis_published),
                d.url, d.format, d.ingested_at,
                (SELECT count(*) FROM events e WHERE e.doc_id = d.id), substr(d.text, 1, 800)
         FROM documents d{wh} ORDER BY d.rowid DESC LIMIT {limit} OFFSET {offset}"
    ))?;
    let docs = st
        .query_map(params_from_iter(args.iter()), |r| {
            let title: Option<String> = r.get(1)?;
            let opening: String = r.get(8)?;
            Ok(DocSummary {
                id: r.get(0)?,
                headline: crate::rows::headline(title.as_deref(), &opening),
                title,
                outlet: r.get(2)?,
                published: r.get(3)?,
                url: r.get(4)?,
                format: r.get(5)?,
                ingested_at: r.get(6)?,
                events: r.get::<_, i64>(7)? as u64,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((total as u64, docs))
}
