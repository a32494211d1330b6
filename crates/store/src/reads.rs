//! Typed, paged reads for the server (and any other reader): document listings with their
//! headlines (event pages, story pages and the timeline are in `pages`). The SQL stays here, beside the schema it reads, so a
//! renamed column breaks the build of this crate, not a server at run time.

use rusqlite::params_from_iter;
use serde::Serialize;

use crate::{Store, StoreError};

/// A document in a listing ([`Store::document_page`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocSummary {
    pub id: String,
    pub title: Option<String>,
    /// The title, else a headline read from the opening lines of the text ([`headline`]).
    pub headline: Option<String>,
    pub outlet: Option<String>,
    pub published: Option<String>,
    pub url: Option<String>,
    pub format: String,
    pub ingested_at: String,
    pub events: u64,
}

impl Store {
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
                        (SELECT count(*) FROM events e WHERE e.doc_id = d.id), substr(d.text, 1, 800)
                 FROM documents d{wh} ORDER BY d.rowid DESC LIMIT {limit} OFFSET {offset}"
            ))?;
            let rows = st.query_map(params_from_iter(args.iter()), |r| {
                let title: Option<String> = r.get(1)?;
                let opening: String = r.get(8)?;
                Ok(DocSummary {
                    id: r.get(0)?,
                    headline: headline(title.as_deref(), &opening),
                    title,
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
}

/// What the page names a document by: its title, else the first of its opening lines that
/// reads as a headline (four words or more; a section name or a byline is shorter), else its
/// first line; cut to about 120 characters at a word. `None` for an empty text without title.
pub fn headline(title: Option<&str>, text: &str) -> Option<String> {
    if let Some(t) = title.map(str::trim).filter(|t| !t.is_empty()) {
        return Some(t.to_string());
    }
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(4)
        .collect();
    let line = lines
        .iter()
        .find(|l| l.split_whitespace().count() >= 4)
        .or(lines.first())?;
    const MAX: usize = 120;
    if line.chars().count() <= MAX {
        return Some(line.to_string());
    }
    let mut out = String::new();
    for w in line.split_whitespace() {
        if out.chars().count() + w.chars().count() + 1 > MAX {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    if out.is_empty() {
        out = line.chars().take(MAX).collect();
    }
    out.push('…');
    Some(out)
}

/// A store's health ([`Store::check`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// SQLite's `integrity_check`: "ok", or what it found.
    pub integrity: String,
    pub documents: u64,
    /// Distinct stored texts: equal to `documents` when no exact duplicate was stored twice.
    pub distinct_texts: u64,
    pub events: u64,
    /// Stories told by two or more reports.
    pub stories: u64,
    /// The most reports one story has.
    pub largest_story: u64,
}

impl Store {
    /// SQLite's own integrity check and the counts a reader checks a store by.
    pub fn check(&self) -> Result<Check, StoreError> {
        self.ensure_story_schema()?;
        let one = |sql: &str| -> Result<i64, StoreError> {
            self.sql(|c| c.query_row(sql, [], |r| r.get(0)))
        };
        let integrity: String =
            self.sql(|c| c.query_row("PRAGMA integrity_check", [], |r| r.get(0)))?;
        Ok(Check {
            integrity,
            documents: self.document_count()?,
            distinct_texts: one("SELECT count(DISTINCT content_hash) FROM documents")? as u64,
            events: self.event_count()?,
            stories: one("SELECT count(*) FROM stories WHERE reports >= 2")? as u64,
            largest_story: one("SELECT coalesce(max(reports), 0) FROM stories")? as u64,
        })
    }
}
