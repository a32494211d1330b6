//! Typed, paged reads for the server (and any other reader): event pages with a total,
//! document listings, counts per day. The SQL stays here, beside the schema it reads, so a
//! renamed column breaks the build of this crate, not a server at run time.

use rusqlite::params_from_iter;
use serde::Serialize;

use marsad_extract::Event;

use crate::{EventFilter, Store, StoreError};

/// A document in a listing ([`Store::document_page`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocSummary {
    pub id: String,
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub published: Option<String>,
    pub url: Option<String>,
    pub format: String,
    pub ingested_at: String,
    pub events: u64,
}

/// One bar of a timeline ([`Store::timeline`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bucket {
    pub period: String,
    pub event_type: String,
    pub count: u64,
}

impl Store {
    fn parse_events(&self, rows: Vec<String>) -> Result<Vec<Event>, StoreError> {
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

    /// Events matching `f` ordered by document, then position (a document's events are stored
    /// in text order, so `rowid` orders them within it and the `events_doc` index pages deep
    /// offsets without reading event rows): `limit` of them after `offset` (all when `None`),
    /// and how many match in total when `count`.
    pub fn event_page(
        &self,
        f: &EventFilter,
        offset: usize,
        limit: Option<usize>,
        count: bool,
    ) -> Result<(Option<u64>, Vec<Event>), StoreError> {
        let (wh, args) = f.where_sql();
        let total = if count {
            let n: i64 = self.sql(|c| {
                c.query_row(
                    &format!("SELECT count(*) FROM events{wh}"),
                    params_from_iter(args.iter()),
                    |r| r.get(0),
                )
            })?;
            Some(n as u64)
        } else {
            None
        };
        let lim = limit.map(|l| l as i64).unwrap_or(-1);
        let rows: Vec<String> = self.sql(|c| {
            let mut st = c.prepare_cached(&format!(
                "SELECT json FROM events WHERE rowid IN (SELECT rowid FROM events{wh} ORDER BY doc_id, rowid LIMIT {lim} OFFSET {offset}) ORDER BY doc_id, rowid"
            ))?;
            let rows = st.query_map(params_from_iter(args.iter()), |r| r.get::<_, String>(0))?;
            rows.collect()
        })?;
        Ok((total, self.parse_events(rows)?))
    }

    /// Documents, newest ingested first, optionally only those whose id, title or outlet
    /// contains `q` (taken literally); and how many there are in all.
    pub fn document_page(
        &self,
        q: Option<&str>,
        offset: usize,
        limit: usize,
    ) -> Result<(u64, Vec<DocSummary>), StoreError> {
        let (wh, args): (&str, Vec<String>) = match q {
            Some(q) => (
                " WHERE d.id LIKE ?1 ESCAPE '\\' OR d.title LIKE ?1 ESCAPE '\\' OR coalesce(d.outlet, d.analysis_outlet) LIKE ?1 ESCAPE '\\'",
                vec![format!("%{}%", crate::like_literal(q))],
            ),
            None => ("", vec![]),
        };
        let total: i64 = self.sql(|c| {
            c.query_row(
                &format!("SELECT count(*) FROM documents d{wh}"),
                params_from_iter(args.iter()),
                |r| r.get(0),
            )
        })?;
        let docs = self.sql(|c| {
            let mut st = c.prepare_cached(&format!(
                "SELECT d.id, d.title, coalesce(d.outlet, d.analysis_outlet), coalesce(d.published, d.analysis_published),
                        d.url, d.format, d.ingested_at,
                        (SELECT count(*) FROM events e WHERE e.doc_id = d.id)
                 FROM documents d{wh} ORDER BY d.rowid DESC LIMIT {limit} OFFSET {offset}"
            ))?;
            let rows = st.query_map(params_from_iter(args.iter()), |r| {
                Ok(DocSummary {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    outlet: r.get(2)?,
                    published: r.get(3)?,
                    url: r.get(4)?,
                    format: r.get(5)?,
                    ingested_at: r.get(6)?,
                    events: r.get::<_, i64>(7)? as u64,
                })
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })?;
        Ok((total as u64, docs))
    }

    /// How many events the filter keeps that have no date (a timeline leaves them out).
    pub fn undated_count(&self, f: &EventFilter) -> Result<u64, StoreError> {
        let (wh, args) = f.where_sql();
        let n: i64 = self.sql(|c| {
            c.prepare_cached(&format!(
                "SELECT count(*) FROM events{wh} AND event_date IS NULL"
            ))?
            .query_row(params_from_iter(args.iter()), |r| r.get(0))
        })?;
        Ok(n as u64)
    }

    /// Events per day (or per week, starting Monday) and event type; undated events left out.
    pub fn timeline(&self, f: &EventFilter, weekly: bool) -> Result<Vec<Bucket>, StoreError> {
        let (wh, args) = f.where_sql();
        let period = if weekly {
            "date(event_date, '-6 days', 'weekday 1')"
        } else {
            "date(event_date)"
        };
        self.sql(|c| {
            let mut st = c.prepare_cached(&format!(
                "SELECT {period} AS p, event_type, count(*) FROM events{wh} AND event_date IS NOT NULL
                 GROUP BY p, event_type HAVING p IS NOT NULL ORDER BY p, event_type"
            ))?;
            let rows = st.query_map(params_from_iter(args.iter()), |r| {
                Ok(Bucket {
                    period: r.get(0)?,
                    event_type: r.get(1)?,
                    count: r.get::<_, i64>(2)? as u64,
                })
            })?;
            rows.collect()
        })
    }
}
