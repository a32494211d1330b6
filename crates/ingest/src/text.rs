//! Plain-text documents and the text helpers shared by all readers.
//!
//! In: raw bytes of a file (or of a stdin stream). Out: a [`Document`] whose `text` is
//! the input exactly as read minus a leading UTF-8 BOM, or an [`InputError`] for
//! binary data, invalid UTF-8, empty input or input over the size limit. Also computes
//! [`content_hash`] and [`repeated_paragraphs`] for every reader.

use std::collections::HashSet;
use std::ops::Range;

use sha2::{Digest, Sha256};

use crate::{Document, ErrorKind, Format, InputError, ReadOptions};

/// Bytes scanned for NUL to call an input binary.
pub(crate) const BINARY_SNIFF: usize = 8 * 1024;
/// A repeated paragraph must be at least this many chars (after collapsing whitespace).
pub const MIN_REPEATED_CHARS: usize = 40;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Checks size, binary data and UTF-8, strips a leading BOM. Offsets in errors are
/// offsets in `bytes` (BOM included).
pub(crate) fn decode<'a>(
    origin: &str,
    bytes: &'a [u8],
    opts: &ReadOptions,
) -> Result<&'a str, InputError> {
    if bytes.len() as u64 > opts.max_bytes {
        return Err(InputError::new(
            origin,
            ErrorKind::TooBig {
                size: bytes.len() as u64,
                limit: opts.max_bytes,
            },
        ));
    }
    if bytes[..bytes.len().min(BINARY_SNIFF)].contains(&0) {
        return Err(InputError::new(origin, ErrorKind::Binary));
    }
    let (skip, body) = match bytes.strip_prefix(BOM) {
        Some(rest) => (BOM.len(), rest),
        None => (0, bytes),
    };
    std::str::from_utf8(body).map_err(|e| {
        InputError::new(
            origin,
            ErrorKind::InvalidUtf8((skip + e.valid_up_to()) as u64),
        )
    })
}

/// Reads a plain-text document. `text` is `bytes` as is (line endings untouched) minus
/// a leading UTF-8 BOM, so offsets into `text` are file offsets minus 3 when the file
/// starts with a BOM.
///
/// Errors: over `opts.max_bytes`, NUL bytes in the first 8 KiB, invalid UTF-8 (with
/// the byte offset in `bytes`), empty or whitespace-only input.
pub fn read_text(
    origin: &str,
    id: &str,
    bytes: &[u8],
    opts: &ReadOptions,
) -> Result<Document, InputError> {
    let text = decode(origin, bytes, opts)?;
    if text.trim().is_empty() {
        let what = if text.is_empty() {
            "file"
        } else {
            "file (whitespace only)"
        };
        return Err(InputError::new(origin, ErrorKind::Empty(what)));
    }
    Ok(make_document(
        origin,
        id,
        Format::Text,
        text.to_string(),
        Meta::default(),
    ))
}

/// Optional metadata of a document.
#[derive(Debug, Default, Clone)]
pub(crate) struct Meta {
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub title: Option<String>,
    pub published: Option<String>,
}

/// Builds a document, computing the hash and the repeated paragraphs.
pub(crate) fn make_document(
    origin: &str,
    id: &str,
    format: Format,
    text: String,
    meta: Meta,
) -> Document {
    Document {
        id: id.to_string(),
        origin: origin.to_string(),
        format,
        url: meta.url,
        outlet: meta.outlet,
        title: meta.title,
        published: meta.published,
        content_hash: content_hash(&text),
        repeated: repeated_paragraphs(&text),
        text,
    }
}

/// `s` trimmed with every whitespace run (`'\r'`, `'\n'`, NBSP, ... included) replaced
/// by one space.
pub(crate) fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Hex SHA-256 of `text` trimmed with whitespace runs collapsed to one space.
pub fn content_hash(text: &str) -> String {
    let mut h = Sha256::new();
    let mut first = true;
    for w in text.split_whitespace() {
        if !first {
            h.update(b" ");
        }
        first = false;
        h.update(w.as_bytes());
    }
    let digest = h.finalize();
    let mut hex = String::with_capacity(64);
    for b in digest.iter() {
        hex.push(char::from(b"0123456789abcdef"[(b >> 4) as usize]));
        hex.push(char::from(b"0123456789abcdef"[(b & 15) as usize]));
    }
    hex
}

/// Byte ranges of `text` holding a paragraph already seen earlier in `text`.
///
/// A paragraph is a line (split on `'\n'`), trimmed of whitespace (`'\r'` included);
/// the range covers the trimmed line. A paragraph counts as repeated when it has at
/// least [`MIN_REPEATED_CHARS`] chars and its whitespace-collapsed content equals that
/// of an earlier paragraph. Ranges are ascending and on char boundaries.
pub fn repeated_paragraphs(text: &str) -> Vec<Range<usize>> {
    let mut seen: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split('\n') {
        let line_start = start;
        start += line.len() + 1;
        let trimmed_start = line.trim_start();
        let lead = line.len() - trimmed_start.len();
        let trimmed = trimmed_start.trim_end();
        if trimmed.is_empty() {
            continue;
        }
        let key = collapse_ws(trimmed);
        if key.chars().count() < MIN_REPEATED_CHARS {
            continue;
        }
        if seen.contains(&key) {
            let s = line_start + lead;
            out.push(s..s + trimmed.len());
        } else {
            seen.insert(key);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> ReadOptions {
        ReadOptions::default()
    }

    #[test]
    fn reads_text_as_is() {
        let raw = "عنوان الخبر\r\n\r\nقتل شخصان في قصف على بلدة.\r\n";
        let d = read_text("x/a.txt", "a", raw.as_bytes(), &opts()).unwrap();
        assert_eq!(d.text, raw);
        assert_eq!(d.format, Format::Text);
        assert_eq!(d.id, "a");
        assert_eq!(d.origin, "x/a.txt");
        assert!(d.repeated.is_empty());
        assert_eq!(d.content_hash.len(), 64);
    }

    #[test]
    fn strips_bom() {
        let mut raw = BOM.to_vec();
        raw.extend_from_slice("خبر".as_bytes());
        let d = read_text("a.txt", "a", &raw, &opts()).unwrap();
        assert_eq!(d.text, "خبر");
    }

    #[test]
    fn binary_is_rejected() {
        let e = read_text("seeds/x.bin", "x", b"abc\0def", &opts()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "seeds/x.bin: not text (binary data: NUL bytes in the first 8 KiB)"
        );
        // a NUL after the first 8 KiB is not sniffed
        let mut late = vec![b'a'; BINARY_SNIFF];
        late.push(0);
        assert!(read_text("late.txt", "late", &late, &opts()).is_ok());
    }

    #[test]
    fn invalid_utf8_names_offset() {
        let mut raw = b"hello ".to_vec();
        raw.push(0xff);
        let e = read_text("a.txt", "a", &raw, &opts()).unwrap_err();
        assert_eq!(e.to_string(), "a.txt: invalid UTF-8 at byte 6");
        let mut raw = BOM.to_vec();
        raw.extend_from_slice(b"ab\xc3");
        let e = read_text("b.txt", "b", &raw, &opts()).unwrap_err();
        assert_eq!(e.to_string(), "b.txt: invalid UTF-8 at byte 5");
    }

    #[test]
    fn empty_is_rejected() {
        let e = read_text("empty.txt", "empty", b"", &opts()).unwrap_err();
        assert_eq!(e.to_string(), "empty.txt: empty file");
        let e = read_text("ws.txt", "ws", b" \r\n\t\n", &opts()).unwrap_err();
        assert_eq!(e.to_string(), "ws.txt: empty file (whitespace only)");
        let e = read_text("bom.txt", "bom", BOM, &opts()).unwrap_err();
        assert!(e.to_string().starts_with("bom.txt: empty"));
    }

    #[test]
    fn too_big_is_rejected() {
        let o = ReadOptions {
            max_bytes: 4,
            ..opts()
        };
        let e = read_text("big.txt", "big", b"hello", &o).unwrap_err();
        assert_eq!(
            e.to_string(),
            "big.txt: 5 bytes is over the 4-byte limit (--max-bytes)"
        );
    }

    #[test]
    fn hash_ignores_whitespace_layout() {
        assert_eq!(content_hash("a b\nc"), content_hash("  a  b\r\n c \n"));
        assert_ne!(content_hash("a b"), content_hash("ab"));
        // sha256("") — known value
        assert_eq!(
            content_hash(" \n"),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn repeated_paragraphs_found() {
        let p = "قالت مصادر محلية إن قصفا مدفعيا استهدف القرية صباح اليوم";
        assert!(p.chars().count() >= MIN_REPEATED_CHARS);
        let text = format!(
            "عنوان\n{p}\nفقرة أخرى\n  {}  \r\nقصير\nقصير\n",
            p.replace(' ', "  ")
        );
        let r = repeated_paragraphs(&text);
        assert_eq!(r.len(), 1, "short lines do not count");
        assert_eq!(&text[r[0].clone()], p.replace(' ', "  "));
        // second copy, not first
        assert!(r[0].start > text.find(p).unwrap());
    }

    #[test]
    fn seed_repeats_lead_once() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/seeds/000_ea350107fde1a1b4.txt"
        );
        let Ok(bytes) = std::fs::read(path) else {
            eprintln!("seed not present, skipping");
            return;
        };
        let d = read_text(path, "000_ea350107fde1a1b4", &bytes, &opts()).unwrap();
        assert_eq!(d.repeated.len(), 1, "{:?}", d.repeated);
        let r = d.repeated[0].clone();
        let para = &d.text[r.clone()];
        let first = d.text.find(para).unwrap();
        assert!(first < r.start, "the range is the second copy");
        assert_eq!(d.text[r.end..].find(para), None, "only two copies");
    }
}
