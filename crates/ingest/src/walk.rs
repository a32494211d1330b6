//! Walking inputs. In: paths (files, directories, `-` for stdin). Out: a lazy stream
//! of [`Item`]s. Directories are walked recursively in sorted (byte-wise file name)
//! order, skipping hidden entries (names starting with `.`) and not following
//! symlinked directories; paths given explicitly are always read. The format comes
//! from the extension, else from sniffing the first bytes ([`detect_format`]).
//! Text/HTML files over the size limit are rejected from their metadata without being
//! read; JSONL and WARC are streamed.

use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;

use crate::html::read_html;
use crate::jsonl::JsonlIter;
use crate::text::read_text;
use crate::warcfile::WarcIter;
use crate::{ErrorKind, Format, InputError, Item, ReadOptions};

const GZIP_MAGIC: &[u8] = b"\x1f\x8b";

/// Format of `path` from its extension (`.txt/.text/.md`, `.html/.htm/.xhtml`,
/// `.jsonl/.ndjson`, `.warc/.warc.gz`, case-insensitive); otherwise sniffed from
/// `head`, the first bytes of the content: `<` → HTML, `{` → JSONL, `WARC/` or gzip
/// magic → WARC, anything else → text (leading BOM and whitespace ignored).
pub fn detect_format(path: &Path, head: &[u8]) -> Format {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if name.ends_with(".warc") || name.ends_with(".warc.gz") {
        return Format::Warc;
    }
    match name.rsplit_once('.').map(|(_, e)| e) {
        Some("txt" | "text" | "md") => return Format::Text,
        Some("html" | "htm" | "xhtml") => return Format::Html,
        Some("jsonl" | "ndjson") => return Format::Jsonl,
        _ => {}
    }
    sniff(head)
}

fn sniff(head: &[u8]) -> Format {
    if head.starts_with(GZIP_MAGIC) {
        return Format::Warc;
    }
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head.iter().position(|b| !b.is_ascii_whitespace());
    let head = &head[start.unwrap_or(head.len())..];
    if head.starts_with(b"WARC/") {
        Format::Warc
    } else if head.starts_with(b"<") {
        Format::Html
    } else if head.starts_with(b"{") {
        Format::Jsonl
    } else {
        Format::Text
    }
}

/// Reads all `paths` lazily; see the module docs. Never stops at an error: every
/// unreadable file, line or record becomes an [`Item::Error`] naming it.
pub fn read_inputs(paths: &[PathBuf], opts: &ReadOptions) -> impl Iterator<Item = Item> {
    Inputs {
        stack: paths
            .iter()
            .rev()
            .map(|p| Entry {
                path: p.clone(),
                explicit: true,
            })
            .collect(),
        current: None,
        opts: opts.clone(),
    }
}

struct Entry {
    path: PathBuf,
    explicit: bool,
}

struct Inputs {
    /// Paths still to visit, next on top.
    stack: Vec<Entry>,
    current: Option<Box<dyn Iterator<Item = Item>>>,
    opts: ReadOptions,
}

impl Iterator for Inputs {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(cur) = &mut self.current {
                if let Some(item) = cur.next() {
                    return Some(item);
                }
                self.current = None;
            }
            let entry = self.stack.pop()?;
            match self.visit(entry) {
                Visit::Items(it) => self.current = Some(it),
                Visit::One(item) => return Some(*item),
                Visit::Nothing => {}
            }
        }
    }
}

enum Visit {
    Items(Box<dyn Iterator<Item = Item>>),
    One(Box<Item>),
    Nothing,
}

fn one(item: Item) -> Visit {
    Visit::One(Box::new(item))
}

fn io_error(origin: &str, e: io::Error) -> Visit {
    one(Item::Error(InputError::new(origin, ErrorKind::Io(e))))
}

impl Inputs {
    fn visit(&mut self, entry: Entry) -> Visit {
        let path = entry.path;
        let origin = path.display().to_string();
        if entry.explicit && origin == "-" {
            let stdin: Box<dyn BufRead> = Box::new(io::stdin().lock());
            return open_stream("-", "stdin", stdin, None, None, &self.opts);
        }
        let meta = if entry.explicit {
            fs::metadata(&path)
        } else {
            fs::symlink_metadata(&path)
        };
        let meta = match meta {
            Ok(m) => m,
            Err(e) => return io_error(&origin, e),
        };
        let meta = if meta.file_type().is_symlink() {
            match fs::metadata(&path) {
                Ok(m) if m.is_dir() => {
                    return one(Item::Warning {
                        origin,
                        message: "skipped symlinked directory".to_string(),
                    })
                }
                Ok(m) => m,
                Err(e) => return io_error(&origin, e),
            }
        } else {
            meta
        };
        if meta.is_dir() {
            let mut children = Vec::new();
            let rd = match fs::read_dir(&path) {
                Ok(rd) => rd,
                Err(e) => return io_error(&origin, e),
            };
            for ent in rd {
                match ent {
                    Ok(ent) => {
                        let name = ent.file_name();
                        if !name.as_encoded_bytes().starts_with(b".") {
                            children.push(ent.path());
                        }
                    }
                    Err(e) => return io_error(&origin, e),
                }
            }
            children.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
            self.stack.extend(children.into_iter().rev().map(|p| Entry {
                path: p,
                explicit: false,
            }));
            return Visit::Nothing;
        }
        if !meta.is_file() && !entry.explicit {
            return Visit::Nothing; // fifos, sockets, devices found while walking
        }
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| origin.clone());
        let file = match File::open(&path) {
            Ok(f) => f,
            Err(e) => return io_error(&origin, e),
        };
        let size = meta.is_file().then_some(meta.len());
        open_stream(
            &origin,
            &stem,
            Box::new(BufReader::with_capacity(64 * 1024, file)),
            Some(&path),
            size,
            &self.opts,
        )
    }
}

/// Reads one input given as a stream, exactly as [`read_inputs`] reads a file of that name:
/// `name` is the file's name as given (errors and origins name it; its extension picks the
/// format as in [`detect_format`]). For callers that open files themselves (the Python
/// package reads JSONL and text inputs through this).
pub fn read_stream(
    name: &str,
    reader: Box<dyn BufRead>,
    opts: &ReadOptions,
) -> Box<dyn Iterator<Item = Item>> {
    let path = Path::new(name);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| name.to_string());
    match open_stream(name, &stem, reader, Some(path), None, opts) {
        Visit::Items(it) => it,
        Visit::One(item) => Box::new(std::iter::once(*item)),
        Visit::Nothing => Box::new(std::iter::empty()),
    }
}

/// Picks the reader for one input stream.
fn open_stream(
    origin: &str,
    stem: &str,
    mut reader: Box<dyn BufRead>,
    path: Option<&Path>,
    size: Option<u64>,
    opts: &ReadOptions,
) -> Visit {
    let head = match reader.fill_buf() {
        Ok(h) => h,
        Err(e) => return io_error(origin, e),
    };
    let format = match path {
        Some(p) => detect_format(p, head),
        None => sniff(head),
    };
    let gz = head.starts_with(GZIP_MAGIC);
    match format {
        Format::Jsonl => Visit::Items(Box::new(JsonlIter::new(
            reader,
            origin.to_string(),
            stem.to_string(),
            opts.clone(),
        ))),
        Format::Warc => {
            let reader: Box<dyn BufRead> = if gz {
                Box::new(BufReader::new(MultiGzDecoder::new(reader)))
            } else {
                reader
            };
            Visit::Items(Box::new(WarcIter::new(
                reader,
                origin.to_string(),
                stem.trim_end_matches(".warc").to_string(),
                opts.clone(),
            )))
        }
        Format::Text | Format::Html => {
            let too_big = |size| {
                one(Item::Error(InputError::new(
                    origin,
                    ErrorKind::TooBig {
                        size,
                        limit: opts.max_bytes,
                    },
                )))
            };
            if let Some(size) = size.filter(|s| *s > opts.max_bytes) {
                return too_big(size);
            }
            let mut bytes = Vec::with_capacity(size.unwrap_or(0) as usize);
            if let Err(e) = reader
                .take(opts.max_bytes.saturating_add(1))
                .read_to_end(&mut bytes)
            {
                return io_error(origin, e);
            }
            if bytes.len() as u64 > opts.max_bytes {
                // grew since stat, or a stream: size is a lower bound
                return too_big(bytes.len() as u64);
            }
            if format == Format::Text {
                one(match read_text(origin, stem, &bytes, opts) {
                    Ok(d) => Item::Doc(d),
                    Err(e) => Item::Error(e),
                })
            } else {
                match read_html(origin, stem, &bytes, opts) {
                    Ok((doc, warnings)) => {
                        let mut items: Vec<Item> = warnings
                            .into_iter()
                            .map(|message| Item::Warning {
                                origin: origin.to_string(),
                                message,
                            })
                            .collect();
                        items.push(Item::Doc(doc));
                        Visit::Items(Box::new(items.into_iter()))
                    }
                    Err(e) => one(Item::Error(e)),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_stream_reads_bytes_as_read_inputs_reads_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let cases: [(&str, &[u8]); 3] = [
            ("feed.jsonl", b"{\"id\":\"a\",\"text\":\"\xd8\xae\xd8\xa8\xd8\xb1\"}\n\n{\"text\":\"\"}\n{\"text\":\"x\"}\n"),
            ("n.txt", "نص".as_bytes()),
            ("p.html", b"<html><body><p>text here</p></body></html>"),
        ];
        for (name, bytes) in cases {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            let from_file: Vec<String> =
                read_inputs(std::slice::from_ref(&path), &ReadOptions::default())
                    .map(|i| format!("{i:?}"))
                    .collect();
            let name = path.display().to_string();
            let reader = Box::new(io::Cursor::new(bytes.to_vec()));
            let from_bytes: Vec<String> = read_stream(&name, reader, &ReadOptions::default())
                .map(|i| format!("{i:?}"))
                .collect();
            assert!(!from_file.is_empty());
            assert_eq!(from_bytes, from_file, "{name}");
        }
    }

    #[test]
    fn formats_by_extension_and_sniffing() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(detect_format(&p("a.TXT"), b"<"), Format::Text);
        assert_eq!(detect_format(&p("a.md"), b""), Format::Text);
        assert_eq!(detect_format(&p("a.htm"), b""), Format::Html);
        assert_eq!(detect_format(&p("a.ndjson"), b""), Format::Jsonl);
        assert_eq!(detect_format(&p("a.warc.gz"), b""), Format::Warc);
        assert_eq!(detect_format(&p("a.WARC"), b""), Format::Warc);
        assert_eq!(
            detect_format(&p("a"), b"\xEF\xBB\xBF  <html>"),
            Format::Html
        );
        assert_eq!(detect_format(&p("a.dat"), b"\n{\"text\":1}"), Format::Jsonl);
        assert_eq!(detect_format(&p("a.dat"), b"WARC/1.0\r\n"), Format::Warc);
        assert_eq!(detect_format(&p("a.bin"), b"\x1f\x8b\x08"), Format::Warc);
        assert_eq!(detect_format(&p("a.bin"), "خبر".as_bytes()), Format::Text);
    }
}
