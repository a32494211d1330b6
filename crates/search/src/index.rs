//! The tantivy index: schema, batched writing, search with snippets and filters.

use crate::analyzer::{query_tokenizers, register_index_analyzers, Analyzer, MARSAD_AR};
use crate::expand::Expander;
use crate::limits::{check_query, LimitError, QueryLimits};
use marsad_extract::{ActorRef, Analysis};
use marsad_ingest::Document;
use marsad_kb::KnowledgeBase;
use std::collections::HashSet;
use std::fmt;
use std::ops::{Bound, Range};
use std::path::{Path, PathBuf};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, RangeQuery};
use tantivy::schema::{
    DateOptions, DateTimePrecision, Field, IndexRecordOption, Schema, TextFieldIndexing,
    TextOptions, Value, STORED, STRING,
};
use tantivy::tokenizer::TokenStream;
use tantivy::{DateTime, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

/// Memory budget of the index writer (split among its threads).
pub const WRITER_MEMORY: usize = 100_000_000;

/// Errors of the search crate.
#[derive(Debug)]
pub enum Error {
    /// Index I/O, schema or commit error.
    Tantivy(tantivy::TantivyError),
    /// The query string (after expansion) could not be parsed.
    Query(tantivy::query::QueryParserError),
    /// The built-in knowledge base failed to load.
    Kb(marsad_kb::KbError),
    /// Directory creation failed.
    Io(std::io::Error),
    /// A filter value is invalid (e.g. a date that is not `YYYY-MM-DD`).
    InvalidFilter(String),
    /// The query string is past a [`QueryLimits`] bound (checked before parsing).
    Limit(LimitError),
    /// The query parsed but asks for something the index cannot answer (e.g. `title:*`, an
    /// existence query on a field that is not a fast field).
    InvalidQuery(String),
    /// Writing the index failed for want of space on the device holding `path`.
    DiskFull { path: PathBuf },
}

impl Error {
    /// The query or a filter is at fault (a 400 for the API), not the index.
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            Error::Query(_) | Error::InvalidFilter(_) | Error::Limit(_) | Error::InvalidQuery(_)
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Tantivy(e) => write!(f, "index: {e}"),
            Error::Query(e) => write!(f, "query: {e}"),
            Error::Kb(e) => write!(f, "knowledge base: {e}"),
            Error::Io(e) => write!(f, "io: {e}"),
            Error::InvalidFilter(s) => write!(f, "filter: {s}"),
            Error::Limit(e) => write!(f, "{e}"),
            Error::InvalidQuery(s) => write!(f, "query: {s}"),
            Error::DiskFull { path } => write!(
                f,
                "no space left on device: writing the search index in {}",
                path.display()
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Tantivy(e) => Some(e),
            Error::Query(e) => Some(e),
            Error::Kb(e) => Some(e),
            Error::Io(e) => Some(e),
            // Its message is the whole story (no repetition in `{:#}` chains).
            Error::Limit(_)
            | Error::InvalidFilter(_)
            | Error::InvalidQuery(_)
            | Error::DiskFull { .. } => None,
        }
    }
}

impl From<tantivy::TantivyError> for Error {
    fn from(e: tantivy::TantivyError) -> Self {
        Error::Tantivy(e)
    }
}
impl From<tantivy::query::QueryParserError> for Error {
    fn from(e: tantivy::query::QueryParserError) -> Self {
        Error::Query(e)
    }
}
impl From<marsad_kb::KbError> for Error {
    fn from(e: marsad_kb::KbError) -> Self {
        Error::Kb(e)
    }
}
impl From<LimitError> for Error {
    fn from(e: LimitError) -> Self {
        Error::Limit(e)
    }
}
impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e)
    }
}

/// Result alias of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// How an index is built and queried.
#[derive(Debug, Clone)]
pub struct Config {
    /// Analyzer of `title` and `body` (fixed when the index is created; an existing index keeps
    /// the analyzer it was created with).
    pub analyzer: Analyzer,
    /// Expand queries with knowledge-base aliases (needs a knowledge base).
    pub expand_aliases: bool,
    /// Bare words are AND-ed (`true`, the default) or OR-ed.
    pub conjunction: bool,
    /// Index writer memory budget in bytes.
    pub writer_memory: usize,
    /// Bounds on query strings, checked before parsing.
    pub limits: QueryLimits,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            analyzer: Analyzer::MarsadAr,
            expand_aliases: true,
            conjunction: true,
            writer_memory: WRITER_MEMORY,
            limits: QueryLimits::DEFAULT,
        }
    }
}

/// Restrictions applied to a search besides the query string. Empty = no restriction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Published on or after this ISO date (`YYYY-MM-DD`, longer ISO strings are cut).
    pub since: Option<String>,
    /// Published on or before this ISO date.
    pub until: Option<String>,
    /// An event actor: id (`sdf`) or canonical name words.
    pub actor: Option<String>,
    /// An event place: id, English or Arabic name.
    pub place: Option<String>,
    /// An event type, sub-event type or frame ("Battles", "Armed clash", "truce").
    pub event_type: Option<String>,
}

/// One search result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Document id.
    pub doc: String,
    /// BM25 score.
    pub score: f32,
    /// Stored title.
    pub title: Option<String>,
    /// A passage of the body (plain text, newlines as spaces) with every matched word wrapped
    /// in `«` `»`; `…` marks a cut.
    pub snippet: String,
    /// Byte ranges of the ORIGINAL body of every word matching a body term of the query,
    /// sorted: `&document.text[r]` is the word as written.
    pub highlights: Vec<Range<usize>>,
}

#[derive(Debug, Clone, Copy)]
struct Fields {
    id: Field,
    title: Field,
    body: Field,
    outlet: Field,
    actor: Field,
    place: Field,
    etype: Field,
    published: Field,
}

fn build_schema(analyzer: Analyzer) -> Schema {
    let mut b = Schema::builder();
    let text = |name: &str, stored: bool| {
        let idx = TextFieldIndexing::default()
            .set_tokenizer(name)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let o = TextOptions::default().set_indexing_options(idx);
        if stored {
            o.set_stored()
        } else {
            o
        }
    };
    b.add_text_field("id", STRING | STORED);
    b.add_text_field("title", text(analyzer.name(), true));
    b.add_text_field("body", text(analyzer.name(), true));
    b.add_text_field("outlet", text(MARSAD_AR, true));
    b.add_text_field("actor", text(MARSAD_AR, false));
    b.add_text_field("place", text(MARSAD_AR, false));
    b.add_text_field("type", text(MARSAD_AR, false));
    b.add_date_field(
        "published",
        DateOptions::default()
            .set_indexed()
            .set_fast()
            .set_stored()
            .set_precision(DateTimePrecision::Seconds),
    );
    b.build()
}

fn fields(schema: &Schema) -> Result<Fields> {
    let f = |n: &str| schema.get_field(n).map_err(Error::from);
    Ok(Fields {
        id: f("id")?,
        title: f("title")?,
        body: f("body")?,
        outlet: f("outlet")?,
        actor: f("actor")?,
        place: f("place")?,
        etype: f("type")?,
        published: f("published")?,
    })
}

/// Whether a tantivy error comes from a full device (ENOSPC), however it is wrapped.
fn no_space(e: &tantivy::TantivyError) -> bool {
    use tantivy::directory::error::OpenWriteError;
    let full = |io: &std::io::Error| {
        io.kind() == std::io::ErrorKind::StorageFull || io.raw_os_error() == Some(28)
    };
    match e {
        tantivy::TantivyError::IoError(io) => full(io),
        tantivy::TantivyError::OpenWriteError(OpenWriteError::IoError { io_error, .. }) => {
            full(io_error)
        }
        // Errors carried across threads as text.
        other => {
            let m = other.to_string();
            m.contains("os error 28") || m.contains("No space left on device")
        }
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Midnight UTC of the `YYYY-MM-DD` date a string starts with.
pub fn parse_date(s: &str) -> Option<DateTime> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i64 = s.get(0..4)?.parse().ok()?;
    let m: u32 = s.get(5..7)?.parse().ok()?;
    let d: u32 = s.get(8..10)?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(DateTime::from_timestamp_secs(
        days_from_civil(y, m, d) * 86_400,
    ))
}

/// A full-text index of documents and their events.
pub struct SearchIndex {
    /// Where the index lives (named in disk-full errors); `None` in memory.
    dir: Option<PathBuf>,
    index: Index,
    reader: IndexReader,
    writer: Option<IndexWriter>,
    f: Fields,
    config: Config,
    expander: Option<Expander>,
}

impl fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SearchIndex")
            .field("config", &self.config)
            .field("docs", &self.num_docs())
            .finish()
    }
}

impl SearchIndex {
    /// Open the index in `dir`, or create it there (directory created if needed), with the
    /// default [`Config`] and the built-in knowledge base for alias expansion.
    pub fn open_or_create(dir: &Path) -> Result<Self> {
        Self::open_or_create_with(dir, Config::default(), Some(KnowledgeBase::builtin()?))
    }

    /// An index in memory with the default [`Config`] and the built-in knowledge base.
    pub fn in_memory() -> Result<Self> {
        Self::in_memory_with(Config::default(), Some(KnowledgeBase::builtin()?))
    }

    /// [`SearchIndex::open_or_create`] with a config and an optional knowledge base.
    pub fn open_or_create_with(
        dir: &Path,
        config: Config,
        kb: Option<KnowledgeBase>,
    ) -> Result<Self> {
        std::fs::create_dir_all(dir)?;
        let mmap =
            tantivy::directory::MmapDirectory::open(dir).map_err(|e| Error::Tantivy(e.into()))?;
        let index = Index::open_or_create(mmap, build_schema(config.analyzer))?;
        Self::from_index(index, Some(dir.to_path_buf()), config, kb)
    }

    /// [`SearchIndex::in_memory`] with a config and an optional knowledge base.
    pub fn in_memory_with(config: Config, kb: Option<KnowledgeBase>) -> Result<Self> {
        let index = Index::create_in_ram(build_schema(config.analyzer));
        Self::from_index(index, None, config, kb)
    }

    fn from_index(
        index: Index,
        dir: Option<PathBuf>,
        config: Config,
        kb: Option<KnowledgeBase>,
    ) -> Result<Self> {
        register_index_analyzers(index.tokenizers());
        let f = fields(&index.schema())?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let expander = kb.as_ref().map(Expander::new);
        Ok(SearchIndex {
            dir,
            index,
            reader,
            writer: None,
            f,
            config,
            expander,
        })
    }

    /// Number of searchable (committed) documents.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    fn writer(&mut self) -> Result<&mut IndexWriter> {
        if self.writer.is_none() {
            let w = self.index.writer(self.config.writer_memory)?;
            self.writer = Some(w);
        }
        Ok(self.writer.as_mut().expect("writer just created"))
    }

    /// Queue a document and its events for indexing (visible after [`SearchIndex::commit`]).
    /// Re-adding a document id replaces the earlier version. One writer serves all calls until
    /// the commit, so a batch is `add` × N then one `commit`.
    pub fn add(&mut self, doc: &Document, analysis: &Analysis) -> Result<()> {
        let f = self.f;
        let mut d = TantivyDocument::new();
        d.add_text(f.id, &doc.id);
        if let Some(t) = &doc.title {
            d.add_text(f.title, t);
        }
        d.add_text(f.body, &doc.text);
        let outlet = analysis.outlet.as_ref().or(doc.outlet.as_ref());
        if let Some(o) = outlet {
            d.add_text(f.outlet, o);
        }
        let mut seen: HashSet<String> = HashSet::new();
        let mut add_once = |d: &mut TantivyDocument, field: Field, s: &str| {
            if !s.is_empty() && seen.insert(format!("{}\u{1}{s}", field.field_id())) {
                d.add_text(field, s);
            }
        };
        for e in &analysis.events {
            let actors: [&Option<ActorRef>; 4] =
                [&e.actor1, &e.actor2, &e.assoc_actor_1, &e.assoc_actor_2];
            for a in actors.into_iter().flatten() {
                add_once(&mut d, f.actor, &format!("{} {}", a.id, a.name));
            }
            if let Some(l) = &e.location {
                add_once(&mut d, f.place, &l.place_id);
                add_once(&mut d, f.place, &l.name);
                add_once(&mut d, f.place, &l.name_ar);
                if let Some(a) = &l.admin1 {
                    add_once(&mut d, f.place, a);
                }
            }
            add_once(&mut d, f.etype, &e.event_type);
            add_once(&mut d, f.etype, &e.sub_event_type);
            add_once(&mut d, f.etype, &e.frame);
        }
        let published = analysis
            .published
            .as_deref()
            .and_then(parse_date)
            .or_else(|| doc.published.as_deref().and_then(parse_date));
        if let Some(p) = published {
            d.add_date(f.published, p);
        }
        let id_term = Term::from_field_text(f.id, &doc.id);
        let w = self.writer()?;
        w.delete_term(id_term);
        if let Err(e) = w.add_document(d) {
            // "An index writer was killed": an indexing thread failed (a full disk, say) and
            // only joining it tells why. Committing joins it; the writer is dropped (its
            // uncommitted documents with it) and the next add opens a new one.
            let cause = w.commit().err().unwrap_or(e);
            self.writer = None;
            return Err(self.writing_error(cause));
        }
        Ok(())
    }

    /// A tantivy error while writing, as [`Error::DiskFull`] (with the index directory) when
    /// a full device is what it comes down to.
    fn writing_error(&self, e: tantivy::TantivyError) -> Error {
        if no_space(&e) {
            Error::DiskFull {
                path: self
                    .dir
                    .clone()
                    .unwrap_or_else(|| PathBuf::from("(in memory)")),
            }
        } else {
            Error::Tantivy(e)
        }
    }

    /// Remove a document by id (effective at the next commit).
    pub fn delete(&mut self, doc_id: &str) -> Result<()> {
        let t = Term::from_field_text(self.f.id, doc_id);
        self.writer()?.delete_term(t);
        Ok(())
    }

    /// Commit queued changes and make them searchable.
    pub fn commit(&mut self) -> Result<()> {
        if let Some(w) = self.writer.as_mut() {
            if let Err(e) = w.commit() {
                self.writer = None;
                return Err(self.writing_error(e));
            }
        }
        self.reader.reload()?;
        Ok(())
    }

    /// The query string actually parsed for `query` (after alias expansion, when enabled).
    pub fn expanded(&self, query: &str) -> String {
        match (&self.expander, self.config.expand_aliases) {
            (Some(e), true) => e.expand(query),
            _ => query.to_string(),
        }
    }

    fn parser(&self) -> QueryParser {
        let f = self.f;
        let mut p = QueryParser::new(
            self.index.schema(),
            vec![f.title, f.body],
            query_tokenizers(),
        );
        if self.config.conjunction {
            p.set_conjunction_by_default();
        }
        p.set_field_boost(f.title, 1.5);
        p
    }

    fn parse(&self, parser: &QueryParser, q: &str) -> Result<Box<dyn Query>> {
        match parser.parse_query(q) {
            Ok(q) => Ok(q),
            Err(e) => {
                // Fall back to the lenient parser for stray syntax; fail if nothing is left.
                let (lq, _) = parser.parse_query_lenient(q);
                let mut any = false;
                lq.query_terms(&mut |_, _| any = true);
                if any {
                    Ok(lq)
                } else {
                    Err(e.into())
                }
            }
        }
    }

    /// Search `title` and `body` (tantivy query syntax: `"phrases"`, `AND`/`OR`, `+`/`-`,
    /// `actor:`, `place:`, `type:`, `outlet:`, `title:`, `body:` fields; bare words are AND-ed),
    /// after alias expansion. Best first.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Hit>> {
        self.search_filtered(query, &Filter::default(), limit)
    }

    /// [`SearchIndex::search`] restricted by a [`Filter`]. An empty query with a filter lists
    /// the documents matching the filter.
    pub fn search_filtered(&self, query: &str, filter: &Filter, limit: usize) -> Result<Vec<Hit>> {
        // Before anything parses the query or a filter (see `limits.rs`).
        let limits = &self.config.limits;
        check_query(query, limits)?;
        for (name, v) in [
            ("actor", &filter.actor),
            ("place", &filter.place),
            ("type", &filter.event_type),
            ("since", &filter.since),
            ("until", &filter.until),
        ] {
            if let Some(v) = v {
                if v.len() > limits.max_bytes {
                    return Err(Error::InvalidFilter(format!(
                        "{name}: {} bytes, at most {}",
                        v.len(),
                        limits.max_bytes
                    )));
                }
            }
        }
        if limit == 0 {
            return Ok(Vec::new());
        }
        let f = self.f;
        let parser = self.parser();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let main = if query.trim().is_empty() {
            None
        } else {
            let q = self.parse(&parser, &self.expanded(query))?;
            clauses.push((Occur::Must, q.box_clone()));
            Some(q)
        };
        let quoted = |field: &str, v: &str| {
            let clean: String = v
                .chars()
                .map(|c| if c == '"' || c == '\\' { ' ' } else { c })
                .collect();
            format!("{field}:\"{}\"", clean.trim())
        };
        for (field, v) in [
            ("actor", &filter.actor),
            ("place", &filter.place),
            ("type", &filter.event_type),
        ] {
            if let Some(v) = v {
                clauses.push((Occur::Must, parser.parse_query(&quoted(field, v))?));
            }
        }
        let date = |s: &Option<String>| -> Result<Option<DateTime>> {
            match s {
                None => Ok(None),
                Some(s) => parse_date(s)
                    .map(Some)
                    .ok_or_else(|| Error::InvalidFilter(format!("not a YYYY-MM-DD date: {s:?}"))),
            }
        };
        let since = date(&filter.since)?;
        let until = date(&filter.until)?;
        if since.is_some() || until.is_some() {
            let lo = since.map_or(Bound::Unbounded, |d| {
                Bound::Included(Term::from_field_date(f.published, d))
            });
            let hi = until.map_or(Bound::Unbounded, |d| {
                // Whole day included.
                let end = DateTime::from_timestamp_secs(d.into_timestamp_secs() + 86_400);
                Bound::Excluded(Term::from_field_date(f.published, end))
            });
            clauses.push((Occur::Must, Box::new(RangeQuery::new(lo, hi))));
        }
        if clauses.is_empty() {
            return Ok(Vec::new());
        }
        if main.is_none() {
            clauses.push((Occur::Should, Box::new(tantivy::query::AllQuery)));
        }
        let full = BooleanQuery::new(clauses);

        // Terms of the body field, for highlights.
        let mut body_terms: HashSet<Vec<u8>> = HashSet::new();
        if let Some(q) = &main {
            q.query_terms(&mut |t, _| {
                if t.field() == f.body {
                    body_terms.insert(t.serialized_value_bytes().to_vec());
                }
            });
        }
        let searcher = self.reader.searcher();
        let top = searcher
            .search(&full, &TopDocs::with_limit(limit).order_by_score())
            .map_err(|e| match e {
                // The query asks what the schema cannot answer (`title:*` needs a fast field;
                // `nosuch:*` names no field: found by the `query` fuzz target).
                tantivy::TantivyError::SchemaError(m)
                | tantivy::TantivyError::InvalidArgument(m) => Error::InvalidQuery(m),
                tantivy::TantivyError::FieldNotFound(f) => {
                    Error::InvalidQuery(format!("no field {f:?}"))
                }
                e => Error::Tantivy(e),
            })?;
        let mut analyzer = self.index.tokenizer_for_field(f.body)?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let d: TantivyDocument = searcher.doc(addr)?;
            let get = |field: Field| {
                d.get_first(field)
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            };
            let body = get(f.body).unwrap_or_default();
            let mut highlights: Vec<Range<usize>> = Vec::new();
            if !body_terms.is_empty() {
                let mut ts = analyzer.token_stream(&body);
                while ts.advance() {
                    let t = ts.token();
                    if body_terms.contains(t.text.as_bytes()) {
                        let r = t.offset_from..t.offset_to;
                        if highlights.last() != Some(&r) {
                            highlights.push(r);
                        }
                    }
                }
                highlights.sort_by_key(|r| (r.start, r.end));
                highlights.dedup();
            }
            hits.push(Hit {
                doc: get(f.id).unwrap_or_default(),
                score,
                title: get(f.title),
                snippet: snippet(&body, &highlights, SNIPPET_BYTES),
                highlights,
            });
        }
        Ok(hits)
    }
}

/// Target snippet length in bytes of the original (Arabic letters take two bytes).
const SNIPPET_BYTES: usize = 300;

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The passage of `body` around the densest group of highlights, matches wrapped in «».
pub fn snippet(body: &str, highlights: &[Range<usize>], width: usize) -> String {
    let (start, end) = if highlights.is_empty() {
        (0, floor_boundary(body, width))
    } else {
        // Window starting at the highlight that covers most highlights within `width`.
        let mut best = (0usize, 0usize);
        for (i, h) in highlights.iter().enumerate() {
            let n = highlights[i..]
                .iter()
                .take_while(|g| g.end <= h.start + width)
                .count();
            if n > best.1 {
                best = (i, n);
            }
        }
        let first = &highlights[best.0];
        // Some context before the first match, starting at a word.
        let mut s = floor_boundary(body, first.start.saturating_sub(width / 5));
        if s > 0 {
            if let Some(sp) = body[s..first.start].find(char::is_whitespace) {
                s += sp;
            }
        }
        let mut e = floor_boundary(body, s + width).max(first.end);
        if e < body.len() {
            if let Some(sp) = body[e..].find(char::is_whitespace) {
                e += sp;
            } else {
                e = body.len();
            }
        }
        (s, e)
    };
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut pos = start;
    for h in highlights {
        if h.start < pos || h.end > end {
            continue;
        }
        out.push_str(&body[pos..h.start]);
        out.push('«');
        out.push_str(&body[h.clone()]);
        out.push('»');
        pos = h.end;
    }
    out.push_str(&body[pos..end]);
    if end < body.len() {
        out.push('…');
    }
    let collapsed: Vec<&str> = out.split_whitespace().collect();
    collapsed.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{self, BufWriter, Write};
    use std::sync::atomic::{AtomicI64, Ordering};
    use std::sync::Arc;
    use tantivy::directory::error::{DeleteError, OpenReadError, OpenWriteError};
    use tantivy::directory::{
        AntiCallToken, Directory, FileHandle, RamDirectory, TerminatingWrite, WatchCallback,
        WatchHandle, WritePtr,
    };

    /// A directory in memory that holds `budget` bytes, then fails writes with ENOSPC.
    #[derive(Debug, Clone)]
    struct FullDisk {
        inner: RamDirectory,
        budget: Arc<AtomicI64>,
    }

    impl FullDisk {
        fn spend(&self, n: usize) -> io::Result<()> {
            if self.budget.fetch_sub(n as i64, Ordering::SeqCst) < n as i64 {
                return Err(io::Error::from_raw_os_error(28));
            }
            Ok(())
        }
    }

    struct Metered {
        inner: WritePtr,
        disk: FullDisk,
    }

    impl Write for Metered {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.disk.spend(buf.len())?;
            self.inner.write(buf)
        }
        fn flush(&mut self) -> io::Result<()> {
            self.inner.flush()
        }
    }

    impl TerminatingWrite for Metered {
        fn terminate_ref(&mut self, token: AntiCallToken) -> io::Result<()> {
            self.inner.terminate_ref(token)
        }
    }

    impl Directory for FullDisk {
        fn get_file_handle(
            &self,
            path: &Path,
        ) -> std::result::Result<Arc<dyn FileHandle>, OpenReadError> {
            self.inner.get_file_handle(path)
        }
        fn delete(&self, path: &Path) -> std::result::Result<(), DeleteError> {
            self.inner.delete(path)
        }
        fn exists(&self, path: &Path) -> std::result::Result<bool, OpenReadError> {
            self.inner.exists(path)
        }
        fn open_write(&self, path: &Path) -> std::result::Result<WritePtr, OpenWriteError> {
            let inner = self.inner.open_write(path)?;
            Ok(BufWriter::new(Box::new(Metered {
                inner,
                disk: self.clone(),
            })))
        }
        fn atomic_read(&self, path: &Path) -> std::result::Result<Vec<u8>, OpenReadError> {
            self.inner.atomic_read(path)
        }
        fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
            self.spend(data.len())?;
            self.inner.atomic_write(path, data)
        }
        fn sync_directory(&self) -> io::Result<()> {
            self.inner.sync_directory()
        }
        fn watch(&self, cb: WatchCallback) -> tantivy::Result<WatchHandle> {
            self.inner.watch(cb)
        }
    }

    fn doc(i: usize) -> (Document, Analysis) {
        let text = format!(
            "{} {i}",
            "قصفت طائرات حربية مدينة الرقة وريفها الشرقي. ".repeat(200)
        );
        let d = Document {
            id: format!("d{i}"),
            origin: format!("d{i}.txt"),
            format: marsad_ingest::Format::Text,
            url: None,
            outlet: None,
            title: None,
            published: None,
            content_hash: marsad_ingest::content_hash(&text),
            text,
            repeated: vec![],
        };
        let a = Analysis {
            doc: d.id.clone(),
            outlet: None,
            published: None,
            date_source: None,
            events: vec![],
            mentions: vec![],
        };
        (d, a)
    }

    /// Issue 12: a full disk was reported as "An index writer was killed"; it now says so and
    /// names the index directory, whether an indexing thread or the commit hits it.
    #[test]
    fn a_full_disk_says_so_and_names_the_directory() {
        // Small budget, commits every 500 documents: the commit fails. Larger budget, no
        // commit: an indexing thread fills its memory arena, flushes a segment, fails, and
        // the next add reports "An index writer was killed" (the case of the issue).
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
        for (budget, commit_every) in [(200_000, 500), (1_000_000, usize::MAX)] {
            let disk = FullDisk {
                inner: RamDirectory::create(),
                budget: Arc::new(AtomicI64::new(i64::MAX)),
            };
            let index = Index::create(
                disk.clone(),
                build_schema(Analyzer::MarsadAr),
                tantivy::IndexSettings::default(),
            )
            .unwrap();
            disk.budget.store(budget, Ordering::SeqCst);
            let config = Config {
                // tantivy's smallest arena per indexing thread.
                writer_memory: threads * 15_100_000,
                ..Config::default()
            };
            let dir = PathBuf::from("/data/marsad/index");
            let mut idx = SearchIndex::from_index(index, Some(dir.clone()), config, None).unwrap();
            let mut failure = None;
            for i in 0..20_000 {
                let (d, a) = doc(i);
                if let Err(e) = idx.add(&d, &a) {
                    failure = Some(e);
                    break;
                }
                if i % commit_every == commit_every - 1 {
                    if let Err(e) = idx.commit() {
                        failure = Some(e);
                        break;
                    }
                }
            }
            if commit_every == usize::MAX {
                assert!(failure.is_some(), "an add fails when a thread dies");
            }
            let e = failure
                .or_else(|| idx.commit().err())
                .expect("the disk fills");
            assert!(
                matches!(&e, Error::DiskFull { path } if *path == dir),
                "{e:?}"
            );
            let m = e.to_string();
            assert!(m.contains("no space left on device"), "{m}");
            assert!(m.contains("/data/marsad/index"), "{m}");
            assert!(!m.contains("killed"), "{m}");
        }
    }
}
