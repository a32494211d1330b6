//! The embedded store: SQLite (WAL) holding documents, entity mentions, events and claims.
//!
//! In: a [`Document`] with its [`Analysis`]. Out: the same, queried back with filters.
//! A document is keyed by the hash of its text, so ingesting the same input twice changes
//! nothing; each document is written in one transaction (a savepoint inside a batch, see
//! [`Store::begin_batch`]), so a failure or a kill never leaves a half-written document and
//! never touches what was stored before.

use std::collections::HashMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use marsad_extract::{Analysis, EntityMention, Event};
use marsad_ingest::Document;
use rusqlite::{params, Connection, OptionalExtension};

pub mod export;
mod filter;
mod pages;
mod reads;
mod stories;
pub use filter::{EventFilter, FilterError, FilterQuery};
pub use pages::{EventSort, EventSortKey, Period, StoryPageFilter, TimelineBucket};
pub use reads::{headline, Check, DocSummary};
pub use stories::*;

/// Store errors (all name the database file).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: corrupt record {what}: {source}")]
    Json {
        path: PathBuf,
        what: String,
        #[source]
        source: serde_json::Error,
    },
}

/// What happened to a document handed to [`Store::insert`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inserted {
    /// Stored under this id.
    New(String),
    /// The same text is already stored under this id; nothing changed.
    Duplicate(String),
}

/// `s` as a LIKE pattern matching itself only (with `ESCAPE '\'`): `%`, `_` and `\`
/// escaped.
pub fn like_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Counts of what is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    pub documents: u64,
    pub events: u64,
    pub claims: u64,
    // No count of `mentions`: it has no index smaller than itself, so counting reads the whole
    // table (tens of seconds on a large store with a cold cache), and `/api/health` calls this.
}

/// A handle on the database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Rowid of the document stored by the last successful [`Store::insert`] of a new one.
    last_rowid: Option<i64>,
}

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL UNIQUE,
    origin TEXT NOT NULL,
    format TEXT NOT NULL,
    url TEXT, outlet TEXT, title TEXT, published TEXT,
    text TEXT NOT NULL,
    doc_json TEXT NOT NULL,
    analysis_outlet TEXT, analysis_published TEXT, analysis_date_source TEXT,
    ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
);
CREATE TABLE IF NOT EXISTS mentions (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    kind TEXT NOT NULL, entity TEXT NOT NULL,
    spans TEXT NOT NULL,
    PRIMARY KEY (doc_id, kind, entity)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    event_type TEXT NOT NULL, sub_event_type TEXT NOT NULL,
    actors TEXT NOT NULL,
    location TEXT, location_ar TEXT, admin1 TEXT,
    event_date TEXT, fatalities INTEGER, stance TEXT NOT NULL,
    json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_doc ON events(doc_id);
CREATE INDEX IF NOT EXISTS events_type ON events(sub_event_type);
CREATE INDEX IF NOT EXISTS events_date ON events(event_date);
CREATE TABLE IF NOT EXISTS claims (
    event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    start INTEGER NOT NULL, end INTEGER NOT NULL, text TEXT NOT NULL,
    stance TEXT NOT NULL, cited_source TEXT, headline INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS claims_event ON claims(event_id);
CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"#;

/// One row per document and entity named in it: `spans` is a JSON array of its `[start, end]`
/// byte ranges in the text, in order. One row per mention was two thirds of the writing work
/// of an ingest; the mentioned words are the text's own, so they are not repeated.
///
/// The table has no index by entity: kept up to date it cost a third of what storing a
/// document costs (its pages are all over the file), and the search index already answers
/// "documents naming X". Whoever queries it by entity in SQL builds one once, after the
/// ingest: `CREATE INDEX mentions_entity ON mentions(kind, entity)`.
fn mention_rows(mentions: &[EntityMention]) -> Vec<((&str, &str), String)> {
    let mut rows: Vec<((&str, &str), String)> = Vec::new();
    let mut at: HashMap<(&str, &str), usize> = HashMap::new();
    for m in mentions {
        let key = (m.kind.as_str(), m.id.as_str());
        let i = *at.entry(key).or_insert_with(|| {
            rows.push((key, String::from("[")));
            rows.len() - 1
        });
        let spans = &mut rows[i].1;
        if spans.len() > 1 {
            spans.push(',');
        }
        let _ = write!(spans, "[{},{}]", m.span.start, m.span.end);
    }
    for (_, spans) in &mut rows {
        spans.push(']');
    }
    rows
}

/// Stores made before mentions were grouped per document and entity kept one row per
/// mention (`start`, `end`, `text` columns): their rows are regrouped, in one transaction.
fn migrate_mentions(c: &Connection) -> rusqlite::Result<()> {
    let old: bool = c
        .prepare("SELECT 1 FROM pragma_table_info('mentions') WHERE name = 'start'")?
        .exists([])?;
    if !old {
        return Ok(());
    }
    // The old table steps aside (its indexes go with it) and the schema creates the new one.
    c.execute_batch(&format!(
        "BEGIN IMMEDIATE;
         ALTER TABLE mentions RENAME TO mentions_per_mention;
         {SCHEMA}
         INSERT INTO mentions (doc_id, kind, entity, spans)
             SELECT doc_id, kind, entity, json_group_array(json_array(start, end))
             FROM (SELECT * FROM mentions_per_mention ORDER BY doc_id, kind, entity, start, end)
             GROUP BY doc_id, kind, entity;
         DROP TABLE mentions_per_mention;
         COMMIT;"
    ))
}

/// Stores made before report dates carried their rule lack `documents.analysis_date_source`:
/// the column is added (empty: their dates' rule is unknown until they are extracted again).
fn migrate_date_source(c: &Connection) -> rusqlite::Result<()> {
    let has: bool = c
        .prepare(
            "SELECT 1 FROM pragma_table_info('documents') WHERE name = 'analysis_date_source'",
        )?
        .exists([])?;
    if !has {
        c.execute_batch("ALTER TABLE documents ADD COLUMN analysis_date_source TEXT")?;
    }
    Ok(())
}

/// What the analysis of a stored document found about the report itself.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReportMeta {
    /// Report date (ISO), `None` when the page gives none.
    pub date: Option<String>,
    /// The rule that found it (`metadata`, `url`, `dateline`, `text`, `hijri`); `None` for
    /// stores made before the rule was kept.
    pub date_source: Option<String>,
    pub outlet: Option<String>,
}

/// A stored document as read back in insertion order by [`Store::documents_after`].
#[derive(Debug, Clone)]
pub struct StoredDocument {
    /// Insertion order key (SQLite rowid of the `documents` row).
    pub rowid: i64,
    /// The document, `id` being its stored id.
    pub doc: Document,
    /// Outlet and publication date as the analysis gave them.
    pub analysis_outlet: Option<String>,
    pub analysis_published: Option<String>,
    /// Its events, in order.
    pub events: Vec<Event>,
}

/// The SQLite file of a store, inside its directory.
pub const STORE_FILE: &str = "marsad.sqlite";

impl Store {
    /// Opens (creating if needed) the store in directory `dir` (file `marsad.sqlite`).
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = dir.join(STORE_FILE);
        let conn = Connection::open(&path).map_err(|source| StoreError::Sqlite {
            path: path.clone(),
            source,
        })?;
        let store = Store {
            conn,
            path,
            last_rowid: None,
        };
        store.sql(|c| {
            c.pragma_update(None, "journal_mode", "WAL")?;
            c.pragma_update(None, "synchronous", "NORMAL")?;
            c.pragma_update(None, "foreign_keys", "ON")?;
            // Readers (a server) and a writer (an ingest) share the file: wait, don't fail.
            c.busy_timeout(std::time::Duration::from_secs(30))?;
            // Bulk ingest touches index pages all over the b-trees (content hash, mention
            // entities): a 64 MiB page cache (bounded) spares re-reading them every batch.
            c.pragma_update(None, "cache_size", -65_536)?;
            // The savepoint of each document inside a batch keeps a sub-journal: in memory
            // (one document's pages), not in a temporary file written page by page.
            c.pragma_update(None, "temp_store", "MEMORY")?;
            migrate_mentions(c)?;
            c.execute_batch(SCHEMA)?;
            migrate_date_source(c)
        })?;
        Ok(store)
    }

    /// Starts a write transaction that the following [`Store::insert`]s (each in its own
    /// savepoint, so a failed document still leaves nothing behind) and a
    /// [`Store::save_links`] join, until [`Store::commit_batch`]. One commit per batch
    /// instead of one per document: a kill loses at most the batch, never part of a document.
    pub fn begin_batch(&mut self) -> Result<(), StoreError> {
        self.sql(|c| c.execute_batch("BEGIN IMMEDIATE"))
    }

    /// Commits the transaction opened by [`Store::begin_batch`].
    pub fn commit_batch(&mut self) -> Result<(), StoreError> {
        self.sql(|c| c.execute_batch("COMMIT"))
    }

    /// Abandons the transaction opened by [`Store::begin_batch`], if it is still open.
    pub fn rollback_batch(&mut self) {
        if !self.conn.is_autocommit() {
            // Nothing more to do if it fails: closing the connection rolls back as well.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }

    /// Sets how many WAL pages a commit on this connection lets accumulate before it copies
    /// them into the database itself (SQLite's default: 1,000). A bulk writer raises it and
    /// leaves the copying to [`Store::checkpoint`] on another connection, so its commits do
    /// not stall on it; the limit stays as a bound on the WAL's size.
    pub fn set_wal_autocheckpoint(&self, pages: u32) -> Result<(), StoreError> {
        self.sql(|c| c.pragma_update(None, "wal_autocheckpoint", pages))
    }

    /// Copies what the WAL holds into the database without waiting for (or blocking) the
    /// writer or readers (a passive checkpoint). Returns the frames in the WAL and how many of
    /// them are now in the database: equal means caught up.
    pub fn checkpoint(&self) -> Result<(i64, i64), StoreError> {
        self.sql(|c| {
            c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                Ok((r.get(1)?, r.get(2)?))
            })
        })
    }

    /// A value of the store's own bookkeeping (e.g. how far the search index got).
    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.sql(|c| {
            c.query_row("SELECT value FROM store_meta WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()
        })
    }

    /// Sets a bookkeeping value (in the open batch, if any).
    pub fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.sql(|c| {
            c.prepare_cached("INSERT OR REPLACE INTO store_meta (key, value) VALUES (?1, ?2)")?
                .execute([key, value])
                .map(|_| ())
        })
    }

    /// Highest insertion-order key of a stored document (0 when empty).
    pub fn last_document_rowid(&self) -> Result<i64, StoreError> {
        self.sql(|c| {
            c.query_row("SELECT coalesce(max(rowid), 0) FROM documents", [], |r| {
                r.get(0)
            })
        })
    }

    /// Number of stored documents.
    pub fn document_count(&self) -> Result<u64, StoreError> {
        self.count("documents")
    }

    /// Number of stored events.
    pub fn event_count(&self) -> Result<u64, StoreError> {
        self.count("events")
    }

    /// Rows of `table` (one of the schema's own names).
    fn count(&self, table: &str) -> Result<u64, StoreError> {
        self.sql(|c| {
            c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n as u64)
        })
    }

    /// Up to `limit` stored documents inserted after `rowid`, in insertion order, with their
    /// events (for catching an index up page by page).
    pub fn documents_after(
        &self,
        rowid: i64,
        limit: usize,
    ) -> Result<Vec<StoredDocument>, StoreError> {
        type Row = (i64, String, String, String, Option<String>, Option<String>);
        let rows: Vec<Row> = self.sql(|c| {
            let mut st = c.prepare_cached(
                "SELECT rowid, id, doc_json, text, analysis_outlet, analysis_published FROM documents
                 WHERE rowid > ?1 ORDER BY rowid LIMIT ?2",
            )?;
            let rows = st.query_map(params![rowid, limit as i64], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?;
            rows.collect()
        })?;
        let mut out = Vec::with_capacity(rows.len());
        for (rowid, id, json, text, analysis_outlet, analysis_published) in rows {
            let doc = self.document_from_row(&id, &json, text)?;
            let events: Vec<String> = self.sql(|c| {
                let mut st =
                    c.prepare_cached("SELECT json FROM events WHERE doc_id = ?1 ORDER BY seq")?;
                let rows = st.query_map([&id], |r| r.get(0))?;
                rows.collect()
            })?;
            let events = events
                .iter()
                .map(|j| {
                    serde_json::from_str(j).map_err(|source| StoreError::Json {
                        path: self.path.clone(),
                        what: "event".into(),
                        source,
                    })
                })
                .collect::<Result<Vec<Event>, _>>()?;
            out.push(StoredDocument {
                rowid,
                doc,
                analysis_outlet,
                analysis_published,
                events,
            });
        }
        Ok(out)
    }

    /// Path of the SQLite file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sql<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T, StoreError> {
        f(&self.conn).map_err(|source| StoreError::Sqlite {
            path: self.path.clone(),
            source,
        })
    }

    /// Id under which a text with this hash is stored, if any.
    pub fn find_hash(&self, content_hash: &str) -> Result<Option<String>, StoreError> {
        self.sql(|c| {
            c.prepare_cached("SELECT id FROM documents WHERE content_hash = ?1")?
                .query_row([content_hash], |r| r.get(0))
                .optional()
        })
    }

    /// Stores a document with its analysis in one transaction (a savepoint of the batch when
    /// one is open). A document whose text is already stored is left alone. A different text
    /// under an id already taken gets the id suffixed with its hash.
    pub fn insert(&mut self, doc: &Document, analysis: &Analysis) -> Result<Inserted, StoreError> {
        if let Some(id) = self.find_hash(&doc.content_hash)? {
            return Ok(Inserted::Duplicate(id));
        }
        let path = self.path.clone();
        let err = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self.conn.savepoint().map_err(err)?;
        let taken: bool = tx
            .prepare_cached("SELECT 1 FROM documents WHERE id = ?1")
            .and_then(|mut st| st.query_row([&doc.id], |_| Ok(())).optional())
            .map_err(err)?
            .is_some();
        let id = if taken {
            doc.id_with_hash()
        } else {
            doc.id.clone()
        };
        // The text is its own column: `doc_json` holds the rest (read back by
        // `document_from_row`), not a second copy of the text.
        let doc_json = serde_json::to_string(&Document {
            text: String::new(),
            ..doc.clone()
        })
        .expect("document serializes");
        tx.prepare_cached(
            "INSERT INTO documents (id, content_hash, origin, format, url, outlet, title, published, text, doc_json, analysis_outlet, analysis_published, analysis_date_source)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )
        .and_then(|mut st| st.execute(
            params![
                id,
                doc.content_hash,
                doc.origin,
                format!("{:?}", doc.format).to_lowercase(),
                doc.url,
                doc.outlet,
                doc.title,
                doc.published,
                doc.text,
                doc_json,
                analysis.outlet,
                analysis.published,
                analysis.date_source.map(|s| s.as_str())
            ],
        ))
        .map_err(err)?;
        let rowid = tx.last_insert_rowid();
        {
            let mut m = tx
                .prepare_cached(
                    "INSERT INTO mentions (doc_id, kind, entity, spans) VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(err)?;
            for ((kind, entity), spans) in mention_rows(&analysis.mentions) {
                m.execute(params![id, kind, entity, spans]).map_err(err)?;
            }
            let mut e = tx
                .prepare_cached(
                    "INSERT INTO events (id, doc_id, seq, event_type, sub_event_type, actors, location, location_ar, admin1, event_date, fatalities, stance, json)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                )
                .map_err(err)?;
            let mut c = tx
                .prepare_cached("INSERT INTO claims (event_id, seq, start, end, text, stance, cited_source, headline) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
                .map_err(err)?;
            for (seq, event) in analysis.events_stored_as(&id).into_iter().enumerate() {
                let actors = [
                    &event.actor1,
                    &event.actor2,
                    &event.assoc_actor_1,
                    &event.assoc_actor_2,
                ]
                .iter()
                .filter_map(|a| a.as_ref().map(|a| format!("{}|{}", a.id, a.name)))
                .collect::<Vec<_>>()
                .join("\n");
                let json = serde_json::to_string(&event).expect("event serializes");
                e.execute(params![
                    event.id,
                    id,
                    seq as i64,
                    event.event_type,
                    event.sub_event_type,
                    actors,
                    event.location.as_ref().map(|l| l.name.clone()),
                    event.location.as_ref().map(|l| l.name_ar.clone()),
                    event.location.as_ref().and_then(|l| l.admin1.clone()),
                    event.date.date,
                    event.fatalities.as_ref().map(|f| f.value as i64),
                    event.stance.as_str(),
                    json
                ])
                .map_err(err)?;
                for (n, claim) in event.claims.iter().enumerate() {
                    c.execute(params![
                        event.id,
                        n as i64,
                        claim.evidence.start as i64,
                        claim.evidence.end as i64,
                        claim.evidence.text,
                        claim.stance.as_str(),
                        claim.cited_source.as_ref().map(|s| s.text.clone()),
                        claim.headline as i64
                    ])
                    .map_err(err)?;
                }
            }
        }
        tx.commit().map_err(err)?;
        self.last_rowid = Some(rowid);
        Ok(Inserted::New(id))
    }

    /// Insertion-order key ([`StoredDocument::rowid`]) of the document the last
    /// [`Store::insert`] returning [`Inserted::New`] stored.
    pub fn last_inserted_rowid(&self) -> Option<i64> {
        self.last_rowid
    }

    /// Events matching `filter`, ordered by document then position.
    pub fn events(&self, filter: &EventFilter) -> Result<Vec<Event>, StoreError> {
        let (wh, args) = filter.where_sql();
        let mut sql = format!("SELECT json FROM events{wh}");
        sql.push_str(" ORDER BY doc_id, seq");
        if let Some(l) = filter.limit {
            sql.push_str(&format!(" LIMIT {l}"));
        }
        let rows: Vec<String> = self.sql(|c| {
            let mut st = c.prepare(&sql)?;
            let rows = st.query_map(rusqlite::params_from_iter(args.iter()), |r| r.get(0))?;
            rows.collect()
        })?;
        rows.iter()
            .map(|j| {
                serde_json::from_str(j).map_err(|source| StoreError::Json {
                    path: self.path.clone(),
                    what: "event".into(),
                    source,
                })
            })
            .collect()
    }

    /// Sets this handle's page cache, in KiB. [`Store::open`] gives 64 MiB for bulk writing; a
    /// reader that scans whole tables (an export) would keep that much per handle.
    pub fn set_cache_kib(&self, kib: u32) -> Result<(), StoreError> {
        self.sql(|c| c.pragma_update(None, "cache_size", -i64::from(kib)))
    }

    /// Calls `f` with the stored JSON of each event matching `filter` (its `limit` ignored),
    /// ordered by document then position, skipping `offset` rows and stopping after `limit`
    /// rows or when `f` returns `false`. Rows are read one at a time, so memory does not grow
    /// with the number of events (what the HTTP exports stream).
    pub fn each_event_json(
        &self,
        filter: &EventFilter,
        offset: u64,
        limit: Option<u64>,
        mut f: impl FnMut(&str) -> bool,
    ) -> Result<(), StoreError> {
        let (wh, mut args) = filter.where_sql();
        let limit = limit.map_or(-1, |l| i64::try_from(l).unwrap_or(i64::MAX));
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        args.push(limit.to_string());
        args.push(offset.to_string());
        let sql = format!(
            "SELECT json FROM events{wh} ORDER BY doc_id, rowid LIMIT CAST(? AS INTEGER) OFFSET CAST(? AS INTEGER)"
        );
        self.sql(|c| {
            let mut st = c.prepare(&sql)?;
            let mut rows = st.query(rusqlite::params_from_iter(args.iter()))?;
            while let Some(row) = rows.next()? {
                let json = row.get_ref(0)?.as_str().map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        0,
                        rusqlite::types::Type::Text,
                        e.into(),
                    )
                })?;
                if !f(json) {
                    break;
                }
            }
            Ok(())
        })
    }

    /// A stored document with its events, by its exact id.
    pub fn document(&self, id: &str) -> Result<Option<(Document, Vec<Event>)>, StoreError> {
        let row: Option<(String, String, String)> = self.sql(|c| {
            c.prepare_cached("SELECT id, doc_json, text FROM documents WHERE id = ?1")?
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()
        })?;
        let Some((stored_id, json, text)) = row else {
            return Ok(None);
        };
        let doc = self.document_from_row(&stored_id, &json, text)?;
        let events = self.events(&EventFilter {
            doc: Some(stored_id),
            ..Default::default()
        })?;
        Ok(Some((doc, events)))
    }

    /// The report date, its rule and the outlet the analysis gave document `id`
    /// (`(date, date_source, outlet)`, each `None` when unknown); `None` when no such document.
    pub fn report_meta(&self, id: &str) -> Result<Option<ReportMeta>, StoreError> {
        self.sql(|c| {
            c.prepare_cached(
                "SELECT coalesce(analysis_published, published), analysis_date_source,
                        coalesce(analysis_outlet, outlet)
                 FROM documents WHERE id = ?1",
            )?
            .query_row([id], |r| {
                Ok(ReportMeta {
                    date: r.get(0)?,
                    date_source: r.get(1)?,
                    outlet: r.get(2)?,
                })
            })
            .optional()
        })
    }

    /// Ids of stored documents that start with `prefix` (taken literally: `%` and `_` are
    /// characters, not wildcards), at most `limit` of them in id order; `[prefix]` itself when
    /// a document has exactly that id. For `marsad show` to accept a unique prefix.
    pub fn document_ids_with_prefix(
        &self,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<String>, StoreError> {
        if self.sql(|c| {
            c.prepare_cached("SELECT 1 FROM documents WHERE id = ?1")?
                .exists([prefix])
        })? {
            return Ok(vec![prefix.to_string()]);
        }
        self.sql(|c| {
            let mut st = c.prepare_cached(
                "SELECT id FROM documents WHERE id LIKE ?1 ESCAPE '\\' ORDER BY id LIMIT ?2",
            )?;
            let rows = st.query_map(
                params![format!("{}%", like_literal(prefix)), limit as i64],
                |r| r.get(0),
            )?;
            rows.collect()
        })
    }

    /// A document from its row: `doc_json` with the id and the text columns put back (rows
    /// written before the text had its own place in `doc_json` carry it there as well).
    fn document_from_row(
        &self,
        id: &str,
        json: &str,
        text: String,
    ) -> Result<Document, StoreError> {
        let mut doc: Document = serde_json::from_str(json).map_err(|source| StoreError::Json {
            path: self.path.clone(),
            what: format!("document {id}"),
            source,
        })?;
        doc.id = id.to_string();
        if doc.text.is_empty() {
            doc.text = text;
        }
        Ok(doc)
    }

    /// How many rows each table holds.
    pub fn stats(&self) -> Result<Stats, StoreError> {
        Ok(Stats {
            documents: self.document_count()?,
            events: self.event_count()?,
            claims: self.count("claims")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use marsad_extract::{ActorRef, EventDate, Span, Stance};
    use marsad_ingest::{content_hash, Format};

    pub(crate) fn doc(id: &str, text: &str) -> Document {
        Document {
            id: id.into(),
            origin: format!("{id}.txt"),
            format: Format::Text,
            url: None,
            outlet: None,
            title: None,
            published: None,
            text: text.into(),
            content_hash: content_hash(text),
            repeated: vec![],
        }
    }

    pub(crate) fn event(doc: &str, sub: &str, actor: &str) -> Event {
        let span = Span {
            text: "x".into(),
            start: 0,
            end: 1,
        };
        Event {
            id: String::new(),
            doc: doc.into(),
            event_type: "Battles".into(),
            sub_event_type: sub.into(),
            frame: "clash".into(),
            actor1: Some(ActorRef {
                id: actor.into(),
                name: format!("{actor} forces"),
                evidence: None,
                kind: Default::default(),
            }),
            actor2: None,
            assoc_actor_1: None,
            assoc_actor_2: None,
            location: None,
            date: EventDate {
                date: Some("2020-01-02".into()),
                time_precision: Some(1),
                evidence: None,
                source: None,
            },
            fatalities: None,
            injured: None,
            arrested: None,
            source: None,
            source_scale: None,
            cited_source: None,
            stance: Stance::Asserted,
            evidence: span.clone(),
            claims: vec![marsad_extract::Claim {
                evidence: span,
                stance: Stance::Asserted,
                cited_source: None,
                headline: false,
            }],
            truce: None,
        }
    }

    pub(crate) fn analysis(d: &Document, events: Vec<Event>) -> Analysis {
        Analysis {
            doc: d.id.clone(),
            outlet: None,
            published: None,
            date_source: None,
            events,
            mentions: vec![],
        }
    }

    #[test]
    fn same_text_twice_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path()).unwrap();
        let d = doc("a", "نص أول");
        let a = analysis(&d, vec![event("a", "Armed clash", "sdf")]);
        assert_eq!(s.insert(&d, &a).unwrap(), Inserted::New("a".into()));
        let before = s.stats().unwrap();
        assert_eq!(s.insert(&d, &a).unwrap(), Inserted::Duplicate("a".into()));
        assert_eq!(s.stats().unwrap(), before);
        assert_eq!(before.events, 1);
        assert_eq!(before.claims, 1);
    }

    fn mention(kind: &str, id: &str, start: usize, end: usize) -> EntityMention {
        EntityMention {
            kind: kind.into(),
            id: id.into(),
            span: Span {
                text: String::new(),
                start,
                end,
            },
        }
    }

    /// A row of [`mention_table`].
    fn row(doc: &str, kind: &str, entity: &str, spans: &str) -> (String, String, String, String) {
        (doc.into(), kind.into(), entity.into(), spans.into())
    }

    fn mention_table(s: &Store) -> Vec<(String, String, String, String)> {
        let mut st = s
            .conn
            .prepare("SELECT doc_id, kind, entity, spans FROM mentions ORDER BY 1, 2, 3")
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn mentions_are_one_row_per_document_and_entity() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path()).unwrap();
        let d = doc("a", "قسد وداعش ثم قسد");
        let mut a = analysis(&d, vec![]);
        a.mentions = vec![
            mention("actor", "sdf", 0, 6),
            mention("actor", "isis", 8, 16),
            mention("actor", "sdf", 23, 29),
            // The same id under another kind is another entity.
            mention("trigger", "sdf", 30, 31),
        ];
        s.insert(&d, &a).unwrap();
        assert_eq!(
            mention_table(&s),
            vec![
                row("a", "actor", "isis", "[[8,16]]"),
                row("a", "actor", "sdf", "[[0,6],[23,29]]"),
                row("a", "trigger", "sdf", "[[30,31]]"),
            ]
        );
    }

    #[test]
    fn report_dates_keep_their_rule_and_old_stores_gain_the_column() {
        let dir = tempfile::tempdir().unwrap();
        {
            let c = Connection::open(dir.path().join("marsad.sqlite")).unwrap();
            // A documents table from before the rule was kept (cut down to what is read).
            c.execute_batch(
                "CREATE TABLE documents (id TEXT PRIMARY KEY, published TEXT, outlet TEXT,
                     analysis_published TEXT, analysis_outlet TEXT);
                 INSERT INTO documents VALUES ('old', NULL, NULL, '2017-05-12', 'DW');",
            )
            .unwrap();
        }
        let s = Store::open(dir.path()).unwrap();
        let old = s.report_meta("old").unwrap().unwrap();
        assert_eq!(old.date.as_deref(), Some("2017-05-12"));
        assert_eq!(old.date_source, None);
        assert_eq!(s.report_meta("missing").unwrap(), None);
        drop(s);

        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path()).unwrap();
        let d = doc("new", "نص الخبر");
        let mut a = analysis(&d, vec![]);
        a.published = Some("2018-01-02".into());
        a.date_source = Some(marsad_extract::DateSource::Url);
        s.insert(&d, &a).unwrap();
        let m = s.report_meta("new").unwrap().unwrap();
        assert_eq!(
            (m.date.as_deref(), m.date_source.as_deref()),
            (Some("2018-01-02"), Some("url"))
        );
        let u = doc("undated", "نص آخر");
        s.insert(&u, &analysis(&u, vec![])).unwrap();
        assert_eq!(s.report_meta("undated").unwrap().unwrap().date, None);
    }

    #[test]
    fn a_store_with_one_row_per_mention_is_regrouped_on_open() {
        let dir = tempfile::tempdir().unwrap();
        {
            let c = Connection::open(dir.path().join("marsad.sqlite")).unwrap();
            // The layout before grouping (documents cut down to what the test needs).
            c.execute_batch(
                "CREATE TABLE documents (id TEXT PRIMARY KEY);
                 INSERT INTO documents VALUES ('a'), ('b');
                 CREATE TABLE mentions (
                     doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                     kind TEXT NOT NULL, entity TEXT NOT NULL,
                     start INTEGER NOT NULL, end INTEGER NOT NULL, text TEXT NOT NULL);
                 CREATE INDEX mentions_doc ON mentions(doc_id);
                 INSERT INTO mentions VALUES ('a', 'actor', 'sdf', 23, 29, 'x'),
                     ('a', 'actor', 'sdf', 0, 6, 'x'), ('b', 'place', 'raqqa', 4, 9, 'x');",
            )
            .unwrap();
        }
        let s = Store::open(dir.path()).unwrap();
        assert_eq!(
            mention_table(&s),
            vec![
                row("a", "actor", "sdf", "[[0,6],[23,29]]"),
                row("b", "place", "raqqa", "[[4,9]]"),
            ]
        );
        // Opening again leaves the new layout alone.
        drop(s);
        let s = Store::open(dir.path()).unwrap();
        assert_eq!(mention_table(&s).len(), 2);
    }

    #[test]
    fn a_different_text_under_a_taken_id_gets_its_own_id() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path()).unwrap();
        let d1 = doc("a", "نص أول");
        let d2 = doc("a", "نص ثان");
        s.insert(&d1, &analysis(&d1, vec![])).unwrap();
        match s.insert(&d2, &analysis(&d2, vec![])).unwrap() {
            Inserted::New(id) => assert!(id.starts_with("a-") && id.len() > 2),
            other => panic!("{other:?}"),
        }
        assert_eq!(s.stats().unwrap().documents, 2);
    }

    #[test]
    fn ids_are_exact_and_wildcards_are_characters() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path()).unwrap();
        for (id, text) in [
            ("report-1", "نص أول"),
            ("report-2", "نص ثان"),
            ("a_b", "نص ثالث"),
        ] {
            let d = doc(id, text);
            s.insert(&d, &analysis(&d, vec![])).unwrap();
        }
        // Issue 12: `%`, `_` and a prefix used to return an arbitrary document.
        for id in ["%", "_", "r", "report", "report-%", "a%", "a\\_b"] {
            assert!(s.document(id).unwrap().is_none(), "{id}");
        }
        assert_eq!(s.document("a_b").unwrap().unwrap().0.id, "a_b");
        assert!(s.document_ids_with_prefix("%", 2).unwrap().is_empty());
        assert!(s.document_ids_with_prefix("_", 2).unwrap().is_empty());
        assert!(s.document_ids_with_prefix("a%", 2).unwrap().is_empty());
        assert_eq!(s.document_ids_with_prefix("a_", 2).unwrap(), vec!["a_b"]);
        assert_eq!(
            s.document_ids_with_prefix("report", 2).unwrap(),
            vec!["report-1", "report-2"]
        );
        assert_eq!(
            s.document_ids_with_prefix("report-2", 2).unwrap(),
            vec!["report-2"]
        );
        // Filters take `%` and `_` literally as well.
        let d = doc("c", "نص رابع");
        s.insert(&d, &analysis(&d, vec![event("c", "Armed clash", "sdf")]))
            .unwrap();
        let by_actor = |a: &str| {
            s.events(&EventFilter {
                actor_ids: Some(vec![a.into()]),
                ..Default::default()
            })
            .unwrap()
            .len()
        };
        assert_eq!(by_actor("sdf"), 1);
        assert_eq!(by_actor("%"), 0);
        assert_eq!(by_actor("_"), 0);
    }

    #[test]
    fn events_stream_in_order_with_offset_and_limit() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path()).unwrap();
        for (id, text) in [("b", "نص أول"), ("a", "نص ثان")] {
            let d = doc(id, text);
            let events = (0..3).map(|_| event(id, "Armed clash", "sdf")).collect();
            s.insert(&d, &analysis(&d, events)).unwrap();
        }
        let read = |offset: u64, limit: Option<u64>| {
            let mut ids = Vec::new();
            s.each_event_json(&EventFilter::default(), offset, limit, |j| {
                let e: Event = serde_json::from_str(j).unwrap();
                ids.push(e.id);
                true
            })
            .unwrap();
            ids
        };
        assert_eq!(read(0, None), ["a#1", "a#2", "a#3", "b#1", "b#2", "b#3"]);
        assert_eq!(read(2, Some(2)), ["a#3", "b#1"]);
        assert!(read(u64::MAX, None).is_empty());
        assert_eq!(read(5, Some(u64::MAX)), ["b#3"]);
        // The callback stops the scan.
        let mut n = 0;
        s.each_event_json(&EventFilter::default(), 0, None, |_| {
            n += 1;
            n < 2
        })
        .unwrap();
        assert_eq!(n, 2);
    }

    #[test]
    fn filters_combine() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path()).unwrap();
        let d = doc("a", "نص");
        let a = analysis(
            &d,
            vec![
                event("a", "Armed clash", "sdf"),
                event("a", "Arrests", "isis"),
            ],
        );
        s.insert(&d, &a).unwrap();
        let f = |t: Option<&str>, actor: Option<&str>| EventFilter {
            types: t.map(|t| vec![t.into()]),
            actor_ids: actor.map(|a| vec![a.into()]),
            ..Default::default()
        };
        assert_eq!(s.events(&f(None, None)).unwrap().len(), 2);
        assert_eq!(s.events(&f(Some("Arrests"), None)).unwrap().len(), 1);
        assert_eq!(s.events(&f(None, Some("sdf"))).unwrap().len(), 1);
        // Ids are exact: no substring, no case folding (names resolve through the KB first).
        assert_eq!(s.events(&f(None, Some("sd"))).unwrap().len(), 0);
        assert_eq!(s.events(&f(Some("Arrests"), Some("sdf"))).unwrap().len(), 0);
        let (back, events) = s.document("a").unwrap().unwrap();
        assert_eq!(back.text, "نص");
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].id, "a#1");
    }
}
