//! `marsad._marsad`: the Rust side of the Python package. Thin on purpose: documents are
//! read by the ingest crate's own readers and events serialized by the export type the CLI
//! prints (`marsad_store::export::Row`), so the Python package gives exactly what
//! `marsad extract --format jsonl` gives, new export fields included. The Python layer
//! (`marsad/__init__.py`) turns the JSON lines into dicts and errors into exceptions.

use std::io::Cursor;
use std::path::Path;

use marsad_extract::{Event, Extractor as RustExtractor, Span, Truce};
use marsad_ingest::{parse_jsonl_line, read_stream, record_items, Document, Item, ReadOptions};
use marsad_kb::KnowledgeBase;
use marsad_store::export::Row;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use rayon::prelude::*;

/// Events of one document as export JSON lines, or why the document could not be read.
type Outcome = (Vec<String>, Option<String>);

fn event_lines(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .map(|e| serde_json::to_string(&Row::new(e)).expect("an export row serializes"))
        .collect()
}

fn opts(max_bytes: u64) -> ReadOptions {
    ReadOptions {
        max_bytes,
        ..ReadOptions::default()
    }
}

/// One extractor (knowledge base loaded once); share it across calls and threads.
#[pyclass(frozen, module = "marsad._marsad")]
struct Extractor {
    inner: RustExtractor,
    max_bytes: u64,
}

impl Extractor {
    fn events_of_line(&self, n: usize, line: &str) -> Outcome {
        match parse_jsonl_line("python", "doc", n, line.as_bytes(), &opts(self.max_bytes)) {
            Ok((doc, _unknown)) => (event_lines(&self.inner.analyze(&doc).events), None),
            Err(e) => (Vec::new(), Some(e.kind.to_string())),
        }
    }

    fn events_of_document(&self, json: &str) -> Outcome {
        match serde_json::from_str::<Document>(json) {
            Ok(doc) => (event_lines(&self.inner.analyze(&doc).events), None),
            Err(e) => (Vec::new(), Some(format!("not a marsad document: {e}"))),
        }
    }
}

#[pymethods]
impl Extractor {
    /// `kb`: a knowledge-base directory replacing the built-in data; `event_filter`: drop
    /// events the learned filter scores unlikely (as `marsad --event-filter`).
    #[new]
    #[pyo3(signature = (kb=None, *, event_filter=false, max_bytes=32 * 1024 * 1024))]
    fn new(kb: Option<&str>, event_filter: bool, max_bytes: u64) -> PyResult<Self> {
        let kb = match kb {
            Some(dir) => KnowledgeBase::from_dir(Path::new(dir)),
            None => KnowledgeBase::builtin(),
        }
        .map_err(|e| PyValueError::new_err(format!("knowledge base: {e}")))?;
        let inner = RustExtractor::new(kb);
        let inner = if event_filter {
            inner.with_event_filter()
        } else {
            inner
        };
        Ok(Extractor { inner, max_bytes })
    }

    /// Documents as JSONL lines (`{"id","url","outlet","title","published","text"}`; the
    /// n-th without an id is `doc:<n>`) → per document, its events as export JSON lines and
    /// an error message (or None). Without the GIL; over all cores when `parallel`.
    #[pyo3(signature = (lines, *, parallel=true))]
    fn extract_lines(&self, py: Python<'_>, lines: Vec<String>, parallel: bool) -> Vec<Outcome> {
        py.detach(|| {
            if parallel {
                lines
                    .par_iter()
                    .enumerate()
                    .map(|(i, l)| self.events_of_line(i + 1, l))
                    .collect()
            } else {
                lines
                    .iter()
                    .enumerate()
                    .map(|(i, l)| self.events_of_line(i + 1, l))
                    .collect()
            }
        })
    }

    /// Documents as read by `read_warc_record` / `read_bytes` (serialized marsad documents)
    /// → per document, its events as export JSON lines and an error message (or None).
    #[pyo3(signature = (docs, *, parallel=true))]
    fn extract_documents(&self, py: Python<'_>, docs: Vec<String>, parallel: bool) -> Vec<Outcome> {
        py.detach(|| {
            if parallel {
                docs.par_iter()
                    .map(|d| self.events_of_document(d))
                    .collect()
            } else {
                docs.iter().map(|d| self.events_of_document(d)).collect()
            }
        })
    }
}

/// What a reader gives: `("doc", origin, document JSON)`, `("error", origin, message)` or
/// `("warning", origin, message)`.
type PyItem = (&'static str, String, String);

fn py_items(items: impl Iterator<Item = Item>) -> PyResult<Vec<PyItem>> {
    items
        .map(|item| {
            Ok(match item {
                Item::Doc(d) => {
                    let json = serde_json::to_string(&d)
                        .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
                    ("doc", d.origin, json)
                }
                Item::Error(e) => ("error", e.origin.clone(), e.kind.to_string()),
                Item::Warning { origin, message } => ("warning", origin, message),
            })
        })
        .collect()
}

/// The items of one WARC record (1-based number `n` in `file`) as `marsad ingest` reads it.
#[pyfunction]
#[pyo3(signature = (file, n, headers, body, *, max_bytes=32 * 1024 * 1024))]
fn read_warc_record(
    py: Python<'_>,
    file: &str,
    n: usize,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    max_bytes: u64,
) -> PyResult<Vec<PyItem>> {
    // As `marsad ingest` names a WARC's records: `x.warc.gz` and `x.warc` give `x`.
    let stem = Path::new(file)
        .file_stem()
        .map(|s| s.to_string_lossy().trim_end_matches(".warc").to_string())
        .unwrap_or_else(|| file.to_string());
    let items = py.detach(|| record_items(file, &stem, n, &headers, body, &opts(max_bytes)));
    py_items(items.into_iter())
}

/// The items of a whole JSONL, text or HTML file's bytes, as `marsad ingest` reads a file
/// named `name`.
#[pyfunction]
#[pyo3(signature = (name, data, *, max_bytes=32 * 1024 * 1024))]
fn read_bytes(py: Python<'_>, name: &str, data: Vec<u8>, max_bytes: u64) -> PyResult<Vec<PyItem>> {
    let items: Vec<Item> =
        py.detach(|| read_stream(name, Box::new(Cursor::new(data)), &opts(max_bytes)).collect());
    py_items(items.into_iter())
}

/// Hex SHA-256 of `text` with whitespace runs collapsed (the store's duplicate key).
#[pyfunction]
fn content_hash(text: &str) -> String {
    marsad_ingest::content_hash(text)
}

/// An export row of an empty event as JSON: its keys are the export contract's fields, in
/// order (taken from the export type itself, so new fields appear without a change here).
#[pyfunction]
fn export_template() -> String {
    let mut e = Event::bare(
        "",
        "",
        "",
        Span {
            text: String::new(),
            start: 0,
            end: 0,
        },
    );
    // Fields skipped when empty must show too.
    e.truce = Some(Truce::default());
    serde_json::to_string(&Row::new(&e)).expect("an export row serializes")
}

#[pymodule]
fn _marsad(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Extractor>()?;
    m.add_function(wrap_pyfunction!(read_warc_record, m)?)?;
    m.add_function(wrap_pyfunction!(read_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(content_hash, m)?)?;
    m.add_function(wrap_pyfunction!(export_template, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
