//! Input errors. In: what went wrong and where; out: a message that always starts with
//! the origin (`path`, `path:line` for JSONL, `path:record n` for WARC), e.g.
//! `a.txt: invalid UTF-8 at byte 123`. The origin is printed through [`crate::shown_name`]:
//! a newline or an escape sequence in a file name cannot forge or hide a message line.

/// An input (file, JSONL line, WARC record) that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{}: {kind}", crate::shown_name(.origin))]
pub struct InputError {
    /// File path as given, `path:line` for a JSONL line, `path:record n` for a WARC
    /// record, `-` for stdin.
    pub origin: String,
    /// The reason.
    pub kind: ErrorKind,
}

impl InputError {
    /// An error about `origin`.
    pub fn new(origin: impl Into<String>, kind: ErrorKind) -> Self {
        InputError {
            origin: origin.into(),
            kind,
        }
    }
}

/// Why an input could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ErrorKind {
    /// NUL bytes near the start: not a text file.
    #[error("not text (binary data: NUL bytes in the first 8 KiB)")]
    Binary,
    /// Not valid UTF-8; the offset is a byte offset in the input as read.
    #[error("invalid UTF-8 at byte {0}")]
    InvalidUtf8(u64),
    /// Nothing but whitespace (`what` says what was empty: "file", "text", ...).
    #[error("empty {0}")]
    Empty(&'static str),
    /// Over [`crate::ReadOptions::max_bytes`]. For streams whose size is unknown,
    /// `size` is the number of bytes seen before giving up (i.e. at least `limit + 1`).
    #[error("{size} bytes is over the {limit}-byte limit (--max-bytes)")]
    TooBig {
        /// Size of the input (or lower bound).
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A JSONL line that is not valid JSON (or not an object).
    #[error("invalid JSON: {0}")]
    Json(String),
    /// A required JSONL field is missing.
    #[error("missing field `{0}`")]
    MissingField(&'static str),
    /// A JSONL field has the wrong type.
    #[error("field `{field}` must be {expected}")]
    FieldType {
        /// Field name.
        field: &'static str,
        /// What was expected, e.g. "a string".
        expected: &'static str,
    },
    /// A WARC file ends (or its compression breaks) in the middle of a record.
    #[error("truncated record after {0} records")]
    TruncatedWarc(usize),
    /// A malformed WARC record.
    #[error("bad WARC record {record}: {reason}")]
    BadWarc {
        /// 1-based record number.
        record: usize,
        /// What is wrong.
        reason: String,
    },
    /// Nothing could be extracted from an HTML page.
    #[error("no text found in HTML")]
    NoHtmlText,
    /// Path does not exist, permission denied, ...
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_origin() {
        let e = InputError::new("seeds/x.bin", ErrorKind::Binary);
        assert_eq!(
            e.to_string(),
            "seeds/x.bin: not text (binary data: NUL bytes in the first 8 KiB)"
        );
        let e = InputError::new("feed.jsonl:3", ErrorKind::MissingField("text"));
        assert_eq!(e.to_string(), "feed.jsonl:3: missing field `text`");
        let e = InputError::new(
            "big.txt",
            ErrorKind::TooBig {
                size: 52428800,
                limit: 33554432,
            },
        );
        assert_eq!(
            e.to_string(),
            "big.txt: 52428800 bytes is over the 33554432-byte limit (--max-bytes)"
        );
        let e = InputError::new("crawl.warc.gz", ErrorKind::TruncatedWarc(3));
        assert_eq!(
            e.to_string(),
            "crawl.warc.gz: truncated record after 3 records"
        );
    }
}
