//! WARC and WARC.gz. In: a (decompressed) byte stream of WARC records. Out: one
//! document per `response` / `resource` record holding HTML or plain text (HTTP
//! headers stripped), read record by record so memory stays bounded: each record body
//! is capped at [`ReadOptions::max_bytes`] (after decompression, a gzip-bomb guard).
//!
//! `id` = WARC-Record-ID (angle brackets removed), `url` = WARC-Target-URI,
//! `published` = the page's own publication date when it has one, else WARC-Date.
//! Other record types are skipped; non-text payloads and non-2xx responses give a
//! warning. A file that ends mid-record yields the records read so far and then
//! `<file>: truncated record after <n> records`.

use std::collections::VecDeque;
use std::io::{self, BufRead, Read};

use flate2::read::{GzDecoder, ZlibDecoder};

use crate::html::html_document;
use crate::text::{decode, make_document, Meta};
use crate::{ErrorKind, Format, InputError, Item, ReadOptions};

/// Longest WARC or HTTP header line accepted.
const MAX_HEADER_LINE: u64 = 64 * 1024;
/// Most header lines in one WARC header block.
const MAX_HEADER_LINES: usize = 1024;

enum Headers {
    Eof,
    Truncated,
    Bad(String),
    Ok(Vec<(String, String)>),
}

fn header<'a>(h: &'a [(String, String)], name: &str) -> Option<&'a str> {
    h.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn strip_angles(s: &str) -> String {
    let s = s.trim();
    s.strip_prefix('<')
        .and_then(|s| s.strip_suffix('>'))
        .unwrap_or(s)
        .to_string()
}

/// Streams the records of a WARC input as [`Item`]s.
pub(crate) struct WarcIter<R> {
    reader: R,
    file: String,
    stem: String,
    opts: ReadOptions,
    /// Complete records read so far (all types).
    records: usize,
    pending: VecDeque<Item>,
    done: bool,
}

fn is_eof(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::UnexpectedEof
}

impl<R: BufRead> WarcIter<R> {
    pub(crate) fn new(reader: R, file: String, stem: String, opts: ReadOptions) -> Self {
        WarcIter {
            reader,
            file,
            stem,
            opts,
            records: 0,
            pending: VecDeque::new(),
            done: false,
        }
    }

    fn record_origin(&self, n: usize) -> String {
        format!("{}:record {}", self.file, n)
    }

    fn read_headers(&mut self) -> io::Result<Headers> {
        let mut line = Vec::new();
        // skip the blank lines between records
        loop {
            line.clear();
            let n = (&mut self.reader)
                .take(MAX_HEADER_LINE)
                .read_until(b'\n', &mut line)?;
            if n == 0 {
                return Ok(Headers::Eof);
            }
            if !line.iter().all(|b| b.is_ascii_whitespace()) {
                break;
            }
        }
        let first = String::from_utf8_lossy(&line);
        if !first.starts_with("WARC/") {
            return Ok(Headers::Bad(format!(
                "expected a `WARC/` version line, found {:?}",
                first.chars().take(40).collect::<String>()
            )));
        }
        let mut headers: Vec<(String, String)> = Vec::new();
        loop {
            line.clear();
            let n = (&mut self.reader)
                .take(MAX_HEADER_LINE)
                .read_until(b'\n', &mut line)?;
            if n == 0 {
                return Ok(Headers::Truncated);
            }
            if line.last() != Some(&b'\n') {
                if n as u64 >= MAX_HEADER_LINE {
                    return Ok(Headers::Bad("header line too long".to_string()));
                }
                return Ok(Headers::Truncated);
            }
            let l = String::from_utf8_lossy(&line);
            let l = l.trim_end_matches(['\r', '\n']);
            if l.is_empty() {
                return Ok(Headers::Ok(headers));
            }
            if headers.len() >= MAX_HEADER_LINES {
                return Ok(Headers::Bad("too many header lines".to_string()));
            }
            if l.starts_with([' ', '\t']) {
                // folded continuation line
                if let Some(last) = headers.last_mut() {
                    last.1.push(' ');
                    last.1.push_str(l.trim());
                }
                continue;
            }
            match l.split_once(':') {
                Some((k, v)) => headers.push((k.trim().to_string(), v.trim().to_string())),
                None => return Ok(Headers::Bad(format!("malformed header line {l:?}"))),
            }
        }
    }

    /// Reads (or skips) the next record; pushes its items. `false` at the end.
    fn step(&mut self) -> bool {
        let n = self.records + 1;
        let truncated = |this: &mut Self| {
            this.pending.push_back(Item::Error(InputError::new(
                this.file.clone(),
                ErrorKind::TruncatedWarc(this.records),
            )));
            false
        };
        let io_err = |this: &mut Self, e: io::Error| {
            if is_eof(&e) {
                return truncated(this);
            }
            this.pending.push_back(Item::Error(InputError::new(
                this.record_origin(n),
                ErrorKind::Io(e),
            )));
            false
        };
        let headers = match self.read_headers() {
            Err(e) => return io_err(self, e),
            Ok(Headers::Eof) => return false,
            Ok(Headers::Truncated) => return truncated(self),
            Ok(Headers::Bad(reason)) => {
                let e =
                    InputError::new(self.file.clone(), ErrorKind::BadWarc { record: n, reason });
                self.pending.push_back(Item::Error(e));
                return false;
            }
            Ok(Headers::Ok(h)) => h,
        };
        let Some(len) = header(&headers, "Content-Length").and_then(|v| v.parse::<u64>().ok())
        else {
            let reason = "missing or invalid Content-Length".to_string();
            let e = InputError::new(self.file.clone(), ErrorKind::BadWarc { record: n, reason });
            self.pending.push_back(Item::Error(e));
            return false;
        };
        if len > self.opts.max_bytes {
            match io::copy(&mut (&mut self.reader).take(len), &mut io::sink()) {
                Err(e) => return io_err(self, e),
                Ok(got) if got < len => return truncated(self),
                Ok(_) => {}
            }
            self.records = n;
            let e = InputError::new(
                self.record_origin(n),
                ErrorKind::TooBig {
                    size: len,
                    limit: self.opts.max_bytes,
                },
            );
            self.pending.push_back(Item::Error(e));
            return true;
        }
        let mut body = Vec::with_capacity(len.min(1 << 20) as usize);
        match (&mut self.reader).take(len).read_to_end(&mut body) {
            Err(e) => return io_err(self, e),
            Ok(_) if (body.len() as u64) < len => return truncated(self),
            Ok(_) => {}
        }
        self.records = n;
        self.record(n, &headers, body);
        true
    }

    /// Turns one complete record into items.
    fn record(&mut self, n: usize, headers: &[(String, String)], body: Vec<u8>) {
        let items = record_items(&self.file, &self.stem, n, headers, body, &self.opts);
        self.pending.extend(items);
    }
}

/// The items of one complete WARC record, as [`crate::read_inputs`] gives them: `file` is the
/// input's name, `stem` its file stem (less `.warc`), `n` the record's 1-based number in the
/// file (all record types counted), `headers` its WARC headers and `body` its content block.
/// For readers that find records themselves (the Python package's WARC input).
pub fn record_items(
    file: &str,
    stem: &str,
    n: usize,
    headers: &[(String, String)],
    body: Vec<u8>,
    opts: &ReadOptions,
) -> Vec<Item> {
    let mut out = Record {
        file,
        stem,
        opts,
        pending: Vec::new(),
    };
    out.record(n, headers, body);
    out.pending
}

struct Record<'a> {
    file: &'a str,
    stem: &'a str,
    opts: &'a ReadOptions,
    pending: Vec<Item>,
}

impl Record<'_> {
    fn record_origin(&self, n: usize) -> String {
        format!("{}:record {}", self.file, n)
    }

    fn warn(&mut self, n: usize, message: String) {
        self.pending.push(Item::Warning {
            origin: self.record_origin(n),
            message,
        });
    }

    /// Turns one complete record into items.
    fn record(&mut self, n: usize, headers: &[(String, String)], body: Vec<u8>) {
        let kind = header(headers, "WARC-Type")
            .unwrap_or("")
            .to_ascii_lowercase();
        if kind != "response" && kind != "resource" {
            return;
        }
        let origin = self.record_origin(n);
        let id = header(headers, "WARC-Record-ID")
            .map(strip_angles)
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| format!("{}:record {}", self.stem, n));
        let base = Meta {
            url: header(headers, "WARC-Target-URI")
                .map(strip_angles)
                .filter(|s| !s.is_empty()),
            outlet: None,
            title: None,
            published: header(headers, "WARC-Date").map(|s| s.trim().to_string()),
        };
        let warc_ct = header(headers, "Content-Type")
            .unwrap_or("")
            .to_ascii_lowercase();
        let is_http = kind == "response"
            && (warc_ct.starts_with("application/http") || body.starts_with(b"HTTP/"));
        let (content_type, payload) = if is_http {
            match http_payload(&body, self.opts.max_bytes) {
                Ok(Http {
                    status,
                    content_type,
                    payload,
                }) => {
                    if !(200..300).contains(&status) {
                        self.warn(n, format!("skipped HTTP {status} response"));
                        return;
                    }
                    (content_type, payload)
                }
                Err(HttpError::TooBig(size)) => {
                    let limit = self.opts.max_bytes;
                    let e = InputError::new(origin, ErrorKind::TooBig { size, limit });
                    self.pending.push(Item::Error(e));
                    return;
                }
                Err(HttpError::Other(m)) => {
                    self.warn(n, format!("skipped: {m}"));
                    return;
                }
            }
        } else {
            (warc_ct, body)
        };
        let mime = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        let as_text = mime == "text/plain";
        if !(as_text || mime.is_empty() || mime.contains("html")) {
            self.warn(n, format!("skipped non-text content type {mime}"));
            return;
        }
        let item = if as_text {
            decode(&origin, &payload, self.opts).and_then(|t| {
                if t.trim().is_empty() {
                    return Err(InputError::new(origin.clone(), ErrorKind::Empty("text")));
                }
                Ok(make_document(
                    &origin,
                    &id,
                    Format::Warc,
                    t.to_string(),
                    base,
                ))
            })
        } else {
            decode(&origin, &payload, self.opts).and_then(|html| {
                html_document(&origin, &id, html, Format::Warc, base, self.opts).map(
                    |(doc, warnings)| {
                        for w in warnings {
                            self.pending.push(Item::Warning {
                                origin: origin.clone(),
                                message: w,
                            });
                        }
                        doc
                    },
                )
            })
        };
        self.pending.push(match item {
            Ok(doc) => Item::Doc(doc),
            Err(e) => Item::Error(e),
        });
    }
}

impl<R: BufRead> Iterator for WarcIter<R> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(i) = self.pending.pop_front() {
                return Some(i);
            }
            if self.done {
                return None;
            }
            if !self.step() {
                self.done = true;
            }
        }
    }
}

struct Http {
    status: u16,
    content_type: String,
    payload: Vec<u8>,
}

enum HttpError {
    TooBig(u64),
    Other(String),
}

/// Splits an HTTP response into status, content type and (decoded) payload.
fn http_payload(body: &[u8], max: u64) -> Result<Http, HttpError> {
    let (head_len, sep) = match find(body, b"\r\n\r\n") {
        Some(p) => (p, 4),
        None => match find(body, b"\n\n") {
            Some(p) => (p, 2),
            None => (body.len(), 0),
        },
    };
    let head = String::from_utf8_lossy(&body[..head_len]);
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or("");
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| HttpError::Other(format!("bad HTTP status line {status_line:?}")))?;
    let mut content_type = String::new();
    let mut encoding = String::new();
    let mut chunked = false;
    for l in lines {
        if let Some((k, v)) = l.split_once(':') {
            let v = v.trim().to_ascii_lowercase();
            match k.trim().to_ascii_lowercase().as_str() {
                "content-type" => content_type = v,
                "content-encoding" => encoding = v,
                "transfer-encoding" => chunked = v.contains("chunked"),
                _ => {}
            }
        }
    }
    let mut payload = body[(head_len + sep).min(body.len())..].to_vec();
    if chunked {
        payload = dechunk(&payload);
    }
    payload = match encoding.as_str() {
        "" | "identity" => payload,
        "gzip" | "x-gzip" => inflate(GzDecoder::new(&payload[..]), max)?,
        "deflate" => inflate(ZlibDecoder::new(&payload[..]), max)?,
        other => {
            return Err(HttpError::Other(format!(
                "unsupported Content-Encoding {other}"
            )))
        }
    };
    Ok(Http {
        status,
        content_type,
        payload,
    })
}

/// Decompresses at most `max` bytes.
fn inflate(r: impl Read, max: u64) -> Result<Vec<u8>, HttpError> {
    let mut out = Vec::new();
    r.take(max + 1)
        .read_to_end(&mut out)
        .map_err(|e| HttpError::Other(format!("bad compressed HTTP body: {e}")))?;
    if out.len() as u64 > max {
        return Err(HttpError::TooBig(out.len() as u64));
    }
    Ok(out)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Undoes HTTP chunked transfer encoding (best effort: stops at the first bad chunk).
fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    while let Some(eol) = find(data, b"\n") {
        let size_str = String::from_utf8_lossy(&data[..eol]);
        let size_str = size_str
            .trim()
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        let Ok(size) = usize::from_str_radix(&size_str, 16) else {
            break;
        };
        data = &data[eol + 1..];
        if size == 0 {
            break;
        }
        let take = size.min(data.len());
        out.extend_from_slice(&data[..take]);
        data = &data[take..];
        if let Some(rest) = data.strip_prefix(b"\r\n") {
            data = rest;
        } else if let Some(rest) = data.strip_prefix(b"\n") {
            data = rest;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: &str, id: &str, extra: &str, body: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <{id}>\r\nWARC-Date: 2019-05-01T12:00:00Z\r\n{extra}Content-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        r.extend_from_slice(body);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    fn items(data: &[u8]) -> Vec<Item> {
        WarcIter::new(data, "c.warc".into(), "c".into(), ReadOptions::default()).collect()
    }

    type Headers = Vec<(String, String)>;

    /// Headers and content block of each record of `data`, as another WARC reader splits them.
    fn split(data: &[u8]) -> Vec<(Headers, Vec<u8>)> {
        let mut out = Vec::new();
        let mut rest = data;
        while let Some(end) = rest.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&rest[..end]).into_owned();
            let headers: Headers = head
                .lines()
                .skip(1)
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .collect();
            let len: usize = header(&headers, "Content-Length").unwrap().parse().unwrap();
            let body = rest[end + 4..end + 4 + len].to_vec();
            rest = &rest[end + 4 + len + 4..];
            out.push((headers, body));
        }
        out
    }

    #[test]
    fn record_items_give_what_the_file_reader_gives() {
        let mut data = record("warcinfo", "urn:uuid:0", "", b"software: test\r\n");
        let http = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>نص الخبر هنا</p></body></html>";
        data.extend(record(
            "response",
            "urn:uuid:1",
            "WARC-Target-URI: https://news.example/a\r\nContent-Type: application/http; msgtype=response\r\n",
            http.as_bytes(),
        ));
        let gone = "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<p>x</p>";
        data.extend(record("response", "urn:uuid:2", "", gone.as_bytes()));
        data.extend(record(
            "resource",
            "",
            "Content-Type: text/plain\r\n",
            "خبر".as_bytes(),
        ));
        let whole: Vec<String> = items(&data).iter().map(|i| format!("{i:?}")).collect();
        let mut one_by_one = Vec::new();
        for (n, (headers, body)) in split(&data).into_iter().enumerate() {
            let opts = ReadOptions::default();
            for i in record_items("c.warc", "c", n + 1, &headers, body, &opts) {
                one_by_one.push(format!("{i:?}"));
            }
        }
        assert_eq!(whole.len(), 3, "{whole:?}");
        assert_eq!(one_by_one, whole);
    }

    #[test]
    fn reads_response_and_resource() {
        let mut data = record("warcinfo", "urn:uuid:0", "", b"software: test\r\n");
        let http = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><head><title>عنوان</title></head><body><p>نص الخبر هنا</p></body></html>";
        data.extend(record(
            "response",
            "urn:uuid:1",
            "WARC-Target-URI: https://news.example/a\r\nContent-Type: application/http; msgtype=response\r\n",
            http.as_bytes(),
        ));
        data.extend(record(
            "resource",
            "urn:uuid:2",
            "WARC-Target-URI: file:///b.txt\r\nContent-Type: text/plain\r\n",
            "سطر أول\nسطر ثان".as_bytes(),
        ));
        let items = items(&data);
        let docs: Vec<_> = items
            .iter()
            .filter_map(|i| match i {
                Item::Doc(d) => Some(d),
                _ => None,
            })
            .collect();
        assert_eq!(docs.len(), 2, "{items:?}");
        assert_eq!(docs[0].id, "urn:uuid:1");
        assert_eq!(docs[0].url.as_deref(), Some("https://news.example/a"));
        assert_eq!(docs[0].published.as_deref(), Some("2019-05-01T12:00:00Z"));
        assert_eq!(docs[0].title.as_deref(), Some("عنوان"));
        assert_eq!(docs[0].text, "نص الخبر هنا");
        assert_eq!(docs[0].format, Format::Warc);
        assert_eq!(docs[0].origin, "c.warc:record 2");
        assert_eq!(docs[1].text, "سطر أول\nسطر ثان");
    }

    #[test]
    fn skips_non_2xx_and_binary_payloads() {
        let mut data = record(
            "response",
            "a",
            "",
            b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<p>x</p>",
        );
        data.extend(record(
            "response",
            "b",
            "",
            b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG",
        ));
        let items = items(&data);
        assert_eq!(items.len(), 2);
        for i in &items {
            assert!(matches!(i, Item::Warning { .. }), "{i:?}");
        }
    }

    #[test]
    fn truncated_after_records() {
        let mut data = record("resource", "a", "Content-Type: text/plain\r\n", b"one");
        data.extend(record(
            "resource",
            "b",
            "Content-Type: text/plain\r\n",
            b"two",
        ));
        let full = record(
            "resource",
            "c",
            "Content-Type: text/plain\r\n",
            b"three three",
        );
        data.extend(&full[..full.len() - 10]);
        let items = items(&data);
        assert_eq!(items.len(), 3, "{items:?}");
        match &items[2] {
            Item::Error(e) => assert_eq!(e.to_string(), "c.warc: truncated record after 2 records"),
            other => panic!("{other:?}"),
        }
        // cut inside the header block
        let cut = &full[..20];
        let items = super::tests::items(cut);
        assert_eq!(items.len(), 1);
        assert!(items[0]
            .to_string_for_test()
            .contains("truncated record after 0 records"));
    }

    #[test]
    fn oversized_record_is_skipped() {
        let mut data = record(
            "resource",
            "a",
            "Content-Type: text/plain\r\n",
            &[b'x'; 100],
        );
        data.extend(record(
            "resource",
            "b",
            "Content-Type: text/plain\r\n",
            b"small",
        ));
        let o = ReadOptions {
            max_bytes: 50,
            ..ReadOptions::default()
        };
        let items: Vec<Item> = WarcIter::new(&data[..], "c.warc".into(), "c".into(), o).collect();
        assert_eq!(items.len(), 2);
        assert_eq!(
            items[0].to_string_for_test(),
            "c.warc:record 1: 100 bytes is over the 50-byte limit (--max-bytes)"
        );
        assert!(matches!(&items[1], Item::Doc(d) if d.text == "small"));
    }

    #[test]
    fn not_a_warc() {
        let items = items(b"hello\r\n");
        assert_eq!(items.len(), 1);
        assert!(items[0]
            .to_string_for_test()
            .starts_with("c.warc: bad WARC record 1"));
    }

    #[test]
    fn chunked_and_gzip_http() {
        use std::io::Write;
        let html = "<html><body><p>نص مضغوط</p></body></html>";
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(html.as_bytes()).unwrap();
        let gz = enc.finish().unwrap();
        let mut http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        let (a, b) = gz.split_at(gz.len() / 2);
        for c in [a, b] {
            http.extend(format!("{:x}\r\n", c.len()).bytes());
            http.extend_from_slice(c);
            http.extend_from_slice(b"\r\n");
        }
        http.extend_from_slice(b"0\r\n\r\n");
        let items = items(&record("response", "z", "", &http));
        assert!(
            matches!(&items[..], [Item::Doc(d)] if d.text == "نص مضغوط"),
            "{items:?}"
        );
    }

    impl Item {
        fn to_string_for_test(&self) -> String {
            match self {
                Item::Doc(d) => format!("doc {}", d.id),
                Item::Error(e) => e.to_string(),
                Item::Warning { origin, message } => format!("{origin}: {message}"),
            }
        }
    }
}
