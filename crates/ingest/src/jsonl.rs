//! JSON Lines: one article object per line. In: a byte stream (file or stdin), read
//! line by line with a per-line size cap so memory stays bounded. Out: one
//! [`Item::Doc`] per good line, an [`Item::Error`] naming `file:line` per bad line
//! (the stream goes on), and at the end one [`Item::Warning`] per file listing the
//! unknown fields that were ignored.
//!
//! Fields: `id`, `url`, `outlet`, `title`, `published` (optional strings; `id` may
//! also be a number) and `text` (required, kept as is).

use std::collections::BTreeSet;
use std::io::{self, BufRead};

use serde_json::{Map, Value};

use crate::text::{make_document, Meta};
use crate::{Document, ErrorKind, Format, InputError, Item, ReadOptions};

const KNOWN: &[&str] = &["id", "url", "outlet", "title", "published", "text"];

/// Parses one JSONL line (line numbers are 1-based). `file` is the path as given (or
/// `-`), `stem` the file stem used for default ids (`<stem>:<line_no>`).
///
/// Returns the document and the names of unknown fields on that line (ignored).
/// Errors name `file:line_no`: invalid JSON, not an object, missing or non-string
/// `text`, empty `text`, wrong field types, a line over `opts.max_bytes`.
pub fn parse_jsonl_line(
    file: &str,
    stem: &str,
    line_no: usize,
    line: &[u8],
    opts: &ReadOptions,
) -> Result<(Document, Vec<String>), InputError> {
    let origin = format!("{file}:{line_no}");
    let err = |kind| InputError::new(origin.clone(), kind);
    if line.len() as u64 > opts.max_bytes {
        return Err(err(ErrorKind::TooBig {
            size: line.len() as u64,
            limit: opts.max_bytes,
        }));
    }
    let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
    let value: Value =
        serde_json::from_slice(line).map_err(|e| err(ErrorKind::Json(e.to_string())))?;
    let Value::Object(mut obj) = value else {
        return Err(err(ErrorKind::Json("not a JSON object".to_string())));
    };
    let text = match obj.remove("text") {
        None | Some(Value::Null) => return Err(err(ErrorKind::MissingField("text"))),
        Some(Value::String(s)) => s,
        Some(_) => {
            return Err(err(ErrorKind::FieldType {
                field: "text",
                expected: "a string",
            }))
        }
    };
    if text.trim().is_empty() {
        return Err(err(ErrorKind::Empty("text")));
    }
    let id = match obj.remove("id") {
        None | Some(Value::Null) => format!("{stem}:{line_no}"),
        Some(Value::String(s)) if !s.trim().is_empty() => s,
        Some(Value::String(_)) => format!("{stem}:{line_no}"),
        Some(Value::Number(n)) => n.to_string(),
        Some(_) => {
            return Err(err(ErrorKind::FieldType {
                field: "id",
                expected: "a string or a number",
            }))
        }
    };
    let meta = Meta {
        url: opt_string(&mut obj, "url").map_err(err)?,
        outlet: opt_string(&mut obj, "outlet").map_err(err)?,
        title: opt_string(&mut obj, "title").map_err(err)?,
        published: opt_string(&mut obj, "published").map_err(err)?,
    };
    let unknown: Vec<String> = obj
        .keys()
        .filter(|k| !KNOWN.contains(&k.as_str()))
        .cloned()
        .collect();
    Ok((
        make_document(&origin, &id, Format::Jsonl, text, meta),
        unknown,
    ))
}

fn opt_string(
    obj: &mut Map<String, Value>,
    field: &'static str,
) -> Result<Option<String>, ErrorKind> {
    match obj.remove(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ErrorKind::FieldType {
            field,
            expected: "a string",
        }),
    }
}

/// Result of reading one line with a cap.
enum Line {
    Eof,
    /// The line is in the buffer (without its `\n`).
    Ok,
    /// The line was longer than the cap; it was skipped, this is its length.
    TooLong(u64),
}

/// Reads one line into `buf` (cleared first), keeping at most `cap` bytes; a longer
/// line is consumed up to its newline without being stored.
fn read_line_capped<R: BufRead>(r: &mut R, buf: &mut Vec<u8>, cap: u64) -> io::Result<Line> {
    buf.clear();
    let mut total: u64 = 0;
    let mut any = false;
    loop {
        let chunk = match r.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            break;
        }
        any = true;
        let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(p) => (p, true),
            None => (chunk.len(), false),
        };
        if total + take as u64 <= cap {
            buf.extend_from_slice(&chunk[..take]);
        }
        total += take as u64;
        r.consume(take + usize::from(done));
        if done {
            break;
        }
    }
    if !any {
        return Ok(Line::Eof);
    }
    if total > cap {
        buf.clear();
        return Ok(Line::TooLong(total));
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Line::Ok)
}

/// Streams the lines of a JSONL input as [`Item`]s.
pub(crate) struct JsonlIter<R> {
    reader: R,
    file: String,
    stem: String,
    opts: ReadOptions,
    line_no: usize,
    buf: Vec<u8>,
    unknown: BTreeSet<String>,
    unknown_lines: usize,
    done: bool,
}

impl<R: BufRead> JsonlIter<R> {
    pub(crate) fn new(reader: R, file: String, stem: String, opts: ReadOptions) -> Self {
        JsonlIter {
            reader,
            file,
            stem,
            opts,
            line_no: 0,
            buf: Vec::new(),
            unknown: BTreeSet::new(),
            unknown_lines: 0,
            done: false,
        }
    }

    fn finish(&mut self) -> Option<Item> {
        self.done = true;
        if self.unknown.is_empty() {
            return None;
        }
        let names: Vec<&str> = self.unknown.iter().map(String::as_str).collect();
        Some(Item::Warning {
            origin: self.file.clone(),
            message: format!(
                "ignored unknown fields {} (on {} lines)",
                names.join(", "),
                self.unknown_lines
            ),
        })
    }
}

impl<R: BufRead> Iterator for JsonlIter<R> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        if self.done {
            return None;
        }
        loop {
            let line = read_line_capped(&mut self.reader, &mut self.buf, self.opts.max_bytes);
            self.line_no += 1;
            let origin = || format!("{}:{}", self.file, self.line_no);
            match line {
                Err(e) => {
                    self.done = true;
                    return Some(Item::Error(InputError::new(origin(), ErrorKind::Io(e))));
                }
                Ok(Line::Eof) => return self.finish(),
                Ok(Line::TooLong(size)) => {
                    return Some(Item::Error(InputError::new(
                        origin(),
                        ErrorKind::TooBig {
                            size,
                            limit: self.opts.max_bytes,
                        },
                    )))
                }
                Ok(Line::Ok) => {
                    if self.buf.iter().all(|b| b.is_ascii_whitespace()) {
                        continue; // blank lines are allowed
                    }
                    let r = parse_jsonl_line(
                        &self.file,
                        &self.stem,
                        self.line_no,
                        &self.buf,
                        &self.opts,
                    );
                    return Some(match r {
                        Ok((doc, unknown)) => {
                            if !unknown.is_empty() {
                                self.unknown_lines += 1;
                                self.unknown.extend(unknown);
                            }
                            Item::Doc(doc)
                        }
                        Err(e) => Item::Error(e),
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> ReadOptions {
        ReadOptions::default()
    }

    #[test]
    fn parses_fields() {
        let line = r#"{"id":"a1","url":"https://x.example/1","outlet":"منفذ","title":"عنوان","published":"2019-01-01","text":" قصف\r\nعلى البلدة "}"#;
        let (d, unk) = parse_jsonl_line("feed.jsonl", "feed", 1, line.as_bytes(), &opts()).unwrap();
        assert!(unk.is_empty());
        assert_eq!(d.id, "a1");
        assert_eq!(d.origin, "feed.jsonl:1");
        assert_eq!(d.format, Format::Jsonl);
        assert_eq!(d.url.as_deref(), Some("https://x.example/1"));
        assert_eq!(d.outlet.as_deref(), Some("منفذ"));
        assert_eq!(d.title.as_deref(), Some("عنوان"));
        assert_eq!(d.published.as_deref(), Some("2019-01-01"));
        assert_eq!(d.text, " قصف\r\nعلى البلدة ");
    }

    #[test]
    fn defaults_and_unknown_fields() {
        let line = r#"{"text":"خبر","stance":1,"fold":2,"id":null}"#;
        let (d, mut unk) =
            parse_jsonl_line("d/feed.jsonl", "feed", 7, line.as_bytes(), &opts()).unwrap();
        unk.sort();
        assert_eq!(d.id, "feed:7");
        assert_eq!(unk, vec!["fold", "stance"]);
        let (d, _) = parse_jsonl_line("f", "f", 1, br#"{"id":42,"text":"x"}"#, &opts()).unwrap();
        assert_eq!(d.id, "42");
    }

    #[test]
    fn errors_name_file_and_line() {
        let o = opts();
        let e = parse_jsonl_line("feed.jsonl", "feed", 3, br#"{"id":"x"}"#, &o).unwrap_err();
        assert_eq!(e.to_string(), "feed.jsonl:3: missing field `text`");
        let e = parse_jsonl_line("feed.jsonl", "feed", 17, br#"{"text": "#, &o).unwrap_err();
        assert!(
            e.to_string().starts_with("feed.jsonl:17: invalid JSON: "),
            "{e}"
        );
        let e = parse_jsonl_line("feed.jsonl", "feed", 2, b"[1,2]", &o).unwrap_err();
        assert_eq!(
            e.to_string(),
            "feed.jsonl:2: invalid JSON: not a JSON object"
        );
        let e = parse_jsonl_line("feed.jsonl", "feed", 4, br#"{"text":5}"#, &o).unwrap_err();
        assert_eq!(e.to_string(), "feed.jsonl:4: field `text` must be a string");
        let e = parse_jsonl_line("feed.jsonl", "feed", 5, br#"{"text":" "}"#, &o).unwrap_err();
        assert_eq!(e.to_string(), "feed.jsonl:5: empty text");
        let e =
            parse_jsonl_line("feed.jsonl", "feed", 6, br#"{"text":"a","url":[]}"#, &o).unwrap_err();
        assert_eq!(e.to_string(), "feed.jsonl:6: field `url` must be a string");
        let e = parse_jsonl_line("feed.jsonl", "feed", 8, b"{\"text\":\"\xff\"}", &o).unwrap_err();
        assert!(
            e.to_string().starts_with("feed.jsonl:8: invalid JSON"),
            "{e}"
        );
    }

    #[test]
    fn stream_goes_on_after_bad_lines() {
        let data = "{\"id\":\"a\",\"text\":\"أول\",\"extra\":1}\r\n\nnot json\n{\"id\":\"b\",\"text\":\"ثان\",\"more\":true}\n{\"id\":\"c\",\"text\":\"ثالث\"}";
        let items: Vec<Item> =
            JsonlIter::new(data.as_bytes(), "f.jsonl".into(), "f".into(), opts()).collect();
        assert_eq!(items.len(), 5, "{items:?}");
        let ids: Vec<&str> = items
            .iter()
            .filter_map(|i| match i {
                Item::Doc(d) => Some(d.id.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(ids, ["a", "b", "c"]);
        match &items[1] {
            Item::Error(e) => assert!(e.to_string().starts_with("f.jsonl:3: invalid JSON")),
            other => panic!("{other:?}"),
        }
        match &items[4] {
            Item::Warning { origin, message } => {
                assert_eq!(origin, "f.jsonl");
                assert_eq!(message, "ignored unknown fields extra, more (on 2 lines)");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn long_line_is_skipped_not_loaded() {
        let o = ReadOptions {
            max_bytes: 30,
            ..opts()
        };
        let long = format!("{{\"text\":\"{}\"}}", "x".repeat(100));
        let data = format!("{long}\n{{\"text\":\"ok\"}}\n");
        let items: Vec<Item> = JsonlIter::new(
            io::BufReader::with_capacity(8, data.as_bytes()),
            "f".into(),
            "f".into(),
            o,
        )
        .collect();
        assert_eq!(items.len(), 2);
        match &items[0] {
            Item::Error(e) => assert_eq!(
                e.to_string(),
                "f:1: 111 bytes is over the 30-byte limit (--max-bytes)"
            ),
            other => panic!("{other:?}"),
        }
        assert!(matches!(&items[1], Item::Doc(d) if d.text == "ok" && d.origin == "f:2"));
    }

    #[test]
    fn capped_reader_handles_edges() {
        let mut r = io::BufReader::with_capacity(3, &b"ab\r\n\nlast"[..]);
        let mut buf = Vec::new();
        assert!(matches!(
            read_line_capped(&mut r, &mut buf, 10).unwrap(),
            Line::Ok
        ));
        assert_eq!(buf, b"ab");
        assert!(matches!(
            read_line_capped(&mut r, &mut buf, 10).unwrap(),
            Line::Ok
        ));
        assert!(buf.is_empty());
        assert!(matches!(
            read_line_capped(&mut r, &mut buf, 10).unwrap(),
            Line::Ok
        ));
        assert_eq!(buf, b"last");
        assert!(matches!(
            read_line_capped(&mut r, &mut buf, 10).unwrap(),
            Line::Eof
        ));
    }
}
