//! Input layer of marsad: turns input paths (files, directories, `-` for stdin) into
//! [`Document`]s, the raw news articles every later stage analyses.
//!
//! In: paths and [`ReadOptions`]. Out: a stream of [`Item`]s — a document, an error
//! naming the file (and line/record), or a warning. A batch never stops at an error.
//!
//! Formats: plain text ([`read_text`]), HTML with Readability-style main-text
//! extraction ([`read_html`]), JSON Lines ([`parse_jsonl_line`], streamed line by line)
//! and WARC / WARC.gz (streamed record by record). [`read_inputs`] walks paths and picks
//! the reader; [`Dedup`] drops exact duplicates across a batch.
//!
//! Offsets: every later offset points into [`Document::text`]. For text files that is
//! the file exactly as read, except that a leading UTF-8 BOM is removed (so offsets are
//! file offsets minus 3 when the file had a BOM). Line endings are kept as they are
//! (`"\r\n"` stays); `'\r'` counts as whitespace everywhere in this crate.

mod error;
mod html;
mod jsonl;
mod shown;
mod text;
mod walk;
mod warcfile;

pub use error::{ErrorKind, InputError};
pub use html::read_html;
pub use jsonl::parse_jsonl_line;
pub use shown::{shown, shown_name, shown_text, shown_title, BIDI_MARKS};
pub use text::{content_hash, read_text, repeated_paragraphs};
pub use walk::{detect_format, read_inputs, read_stream};
pub use warcfile::record_items;

use std::collections::HashSet;
use std::ops::Range;

/// Default per-document (per-file for text/HTML, per-line for JSONL, per-record for
/// WARC) size limit: 32 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 32 * 1024 * 1024;

/// A news article as read from input, before any analysis.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Document {
    /// File stem for files (`000_ea350107fde1a1b4` for `000_ea350107fde1a1b4.txt`);
    /// JSONL `id` (or `<file stem>:<line no>` when missing); WARC-Record-ID for WARC
    /// (without the angle brackets); `stdin` for standard input.
    pub id: String,
    /// Where it came from: the path as given (plus `:<line>` for JSONL and
    /// `:record <n>` for WARC), or `-` for stdin.
    pub origin: String,
    /// The input format the document was read from.
    pub format: Format,
    /// Source URL (JSONL `url`, WARC-Target-URI, HTML canonical / og:url).
    pub url: Option<String>,
    /// Outlet name: JSONL `outlet` or HTML `og:site_name`; later stages infer it otherwise.
    pub outlet: Option<String>,
    /// HTML `og:title` / `<title>` or JSONL `title`.
    pub title: Option<String>,
    /// Publication date as given, not parsed (JSONL `published`, HTML
    /// `article:published_time` & co. or `<time datetime>`, else WARC-Date).
    pub published: Option<String>,
    /// The text every later offset points into: the file as read for text (minus a
    /// BOM); the extracted main text for HTML (one paragraph per line, joined by
    /// `"\n"`); JSONL `text` as is.
    pub text: String,
    /// Hex SHA-256 of `text` after trimming and collapsing whitespace runs to one space,
    /// so trivially re-saved copies dedupe. See [`content_hash`].
    pub content_hash: String,
    /// Byte ranges of `text` holding a paragraph (a trimmed line of at least 40 chars)
    /// whose whitespace-collapsed content already appeared earlier in the same document;
    /// later stages read such ranges once. See [`repeated_paragraphs`].
    pub repeated: Vec<Range<usize>>,
}

impl Document {
    /// The id a document takes when its own is already held by a different text: the id
    /// suffixed with the first 8 hex digits of its [`Document::content_hash`].
    pub fn id_with_hash(&self) -> String {
        let h = &self.content_hash;
        format!("{}-{}", self.id, &h[..8.min(h.len())])
    }
}

/// Input format of a [`Document`] (serialized lowercase).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Plain text (`.txt`, `.text`, `.md`).
    Text,
    /// HTML page (`.html`, `.htm`).
    Html,
    /// JSON Lines, one article per line (`.jsonl`, `.ndjson`).
    Jsonl,
    /// Web ARChive (`.warc`, `.warc.gz`).
    Warc,
}

/// Options for reading inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// Size limit per document: per file for text/HTML, per line for JSONL, per
    /// (decompressed) record for WARC. Default 32 MiB.
    pub max_bytes: u64,
    /// Extract the main text of HTML pages with Readability (default `true`); when
    /// `false` the whole body text is used.
    pub html_extract: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_bytes: DEFAULT_MAX_BYTES,
            html_extract: true,
        }
    }
}

/// One item of a batch: a document, an error or a warning; the batch never stops at
/// an error.
#[derive(Debug)]
pub enum Item {
    /// A document read successfully.
    Doc(Document),
    /// An input (file, line or record) that could not be read.
    Error(InputError),
    /// Something worth telling the user that did not prevent reading.
    Warning {
        /// File (or `file:line`, `file:record n`) the warning is about.
        origin: String,
        /// What happened.
        message: String,
    },
}

/// Drops exact duplicates (same [`Document::content_hash`]) across a batch; keeps the
/// first one seen.
#[derive(Debug, Default, Clone)]
pub struct Dedup {
    seen: HashSet<String>,
}

impl Dedup {
    /// An empty deduplicator.
    pub fn new() -> Self {
        Self::default()
    }

    /// `true` the first time a document with this content hash is seen, `false` after.
    pub fn is_new(&mut self, d: &Document) -> bool {
        if self.seen.contains(&d.content_hash) {
            false
        } else {
            self.seen.insert(d.content_hash.clone());
            true
        }
    }

    /// Number of distinct documents seen.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// `true` when nothing has been seen yet.
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_serializes_lowercase() {
        assert_eq!(serde_json::to_string(&Format::Warc).unwrap(), "\"warc\"");
        let f: Format = serde_json::from_str("\"html\"").unwrap();
        assert_eq!(f, Format::Html);
    }

    #[test]
    fn dedup_keeps_first_and_ignores_whitespace_changes() {
        let o = ReadOptions::default();
        let a = read_text("a.txt", "a", "قصف على المدينة\nخبر".as_bytes(), &o).unwrap();
        let b = read_text("b.txt", "b", "  قصف   على المدينة\r\n خبر\n".as_bytes(), &o).unwrap();
        let c = read_text("c.txt", "c", "خبر آخر".as_bytes(), &o).unwrap();
        let mut d = Dedup::new();
        assert!(d.is_empty());
        assert!(d.is_new(&a));
        assert!(!d.is_new(&b));
        assert!(d.is_new(&c));
        assert!(!d.is_new(&a));
        assert_eq!(d.len(), 2);
    }

    #[test]
    fn document_round_trips_through_json() {
        let o = ReadOptions::default();
        let d = read_text("a.txt", "a", b"hello world", &o).unwrap();
        let j = serde_json::to_string(&d).unwrap();
        assert!(j.contains("\"format\":\"text\""));
        let back: Document = serde_json::from_str(&j).unwrap();
        assert_eq!(back, d);
    }
}
