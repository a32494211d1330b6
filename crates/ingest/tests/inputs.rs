//! End-to-end tests of `read_inputs` over real files in temporary directories.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use marsad_ingest::{read_inputs, Dedup, Document, Format, Item, ReadOptions};

fn run(paths: &[PathBuf], opts: &ReadOptions) -> Vec<Item> {
    read_inputs(paths, opts).collect()
}

fn docs(items: &[Item]) -> Vec<&Document> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Doc(d) => Some(d),
            _ => None,
        })
        .collect()
}

fn errors(items: &[Item]) -> Vec<String> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Error(e) => Some(e.to_string()),
            _ => None,
        })
        .collect()
}

fn warnings(items: &[Item]) -> Vec<(String, String)> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Warning { origin, message } => Some((origin.clone(), message.clone())),
            _ => None,
        })
        .collect()
}

fn write(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(&p, data).unwrap();
    p
}

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(rel)
}

#[test]
fn directory_order_is_sorted_recursive_and_skips_hidden() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // created in a scrambled order on purpose
    for name in [
        "b.txt",
        "sub/z.txt",
        "a.txt",
        ".hidden.txt",
        "sub/a.md",
        "c/.git/x.txt",
        "aa.txt",
    ] {
        write(d, name, format!("خبر في {name}").as_bytes());
    }
    let o = ReadOptions::default();
    let items = run(&[d.to_path_buf()], &o);
    assert!(errors(&items).is_empty(), "{:?}", errors(&items));
    let ids: Vec<String> = docs(&items).iter().map(|d| d.id.clone()).collect();
    assert_eq!(ids, ["a", "aa", "b", "a", "z"]);
    let origins: Vec<String> = docs(&items).iter().map(|d| d.origin.clone()).collect();
    assert!(origins[3].ends_with("sub/a.md"), "{origins:?}");
    // same again
    let again: Vec<String> = docs(&run(&[d.to_path_buf()], &o))
        .iter()
        .map(|d| d.origin.clone())
        .collect();
    assert_eq!(origins, again);
    // an explicitly named hidden file is read
    let items = run(&[d.join(".hidden.txt")], &o);
    assert_eq!(docs(&items).len(), 1);
}

#[test]
fn big_file_rejected_by_size_without_reading() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("big.txt");
    let f = fs::File::create(&p).unwrap();
    f.set_len(50 * 1024 * 1024).unwrap(); // sparse: all NUL, never read
    let h = tmp.path().join("big.html");
    fs::File::create(&h)
        .unwrap()
        .set_len(50 * 1024 * 1024)
        .unwrap();
    let start = std::time::Instant::now();
    let items = run(&[p.clone(), h.clone()], &ReadOptions::default());
    assert!(start.elapsed().as_secs() < 2);
    assert_eq!(
        errors(&items),
        [
            format!(
                "{}: 52428800 bytes is over the 33554432-byte limit (--max-bytes)",
                p.display()
            ),
            format!(
                "{}: 52428800 bytes is over the 33554432-byte limit (--max-bytes)",
                h.display()
            )
        ]
    );
}

#[test]
fn bad_files_give_errors_naming_them_and_the_batch_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let bin = write(d, "a.bin", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    let utf = write(d, "b.txt", b"caf\xe9 au lait");
    let empty = write(d, "c.txt", b"");
    let good = write(d, "d.txt", "قتل ثلاثة مدنيين".as_bytes());
    let missing = d.join("nope.txt");
    let items = run(
        &[
            bin.clone(),
            utf.clone(),
            empty.clone(),
            missing.clone(),
            good,
        ],
        &ReadOptions::default(),
    );
    let errs = errors(&items);
    assert_eq!(errs.len(), 4, "{errs:?}");
    assert_eq!(
        errs[0],
        format!(
            "{}: not text (binary data: NUL bytes in the first 8 KiB)",
            bin.display()
        )
    );
    assert_eq!(
        errs[1],
        format!("{}: invalid UTF-8 at byte 3", utf.display())
    );
    assert_eq!(errs[2], format!("{}: empty file", empty.display()));
    assert!(
        errs[3].starts_with(&format!("{}: cannot read: ", missing.display())),
        "{}",
        errs[3]
    );
    let ds = docs(&items);
    assert_eq!(ds.len(), 1);
    assert_eq!(ds[0].text, "قتل ثلاثة مدنيين");
}

#[test]
fn broken_html_file() {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(
        tmp.path(),
        "broken.htm",
        "<html><head><title>عنوان مكسور</title><body><div><p>أعلن مسؤول محلي عن سقوط قذائف على الحي<div><span>وأضاف أن الأضرار مادية".as_bytes(),
    );
    let items = run(&[p], &ReadOptions::default());
    let ds = docs(&items);
    assert_eq!(ds.len(), 1, "{items:?}");
    assert_eq!(ds[0].format, Format::Html);
    assert_eq!(ds[0].title.as_deref(), Some("عنوان مكسور"));
    assert!(ds[0].text.contains("سقوط قذائف"));
    assert!(ds[0].text.contains("الأضرار مادية"));
}

#[test]
fn sniffed_formats() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "1.page", b"  <html><body><p>x y</p></body></html>");
    write(d, "2.feed", b"{\"text\":\"one\"}\n{\"text\":\"two\"}\n");
    write(d, "3.note", "نص عادي".as_bytes());
    let items = run(&[d.to_path_buf()], &ReadOptions::default());
    let f: Vec<Format> = docs(&items).iter().map(|d| d.format).collect();
    assert_eq!(
        f,
        [Format::Html, Format::Jsonl, Format::Jsonl, Format::Text]
    );
}

#[test]
fn jsonl_with_a_broken_line() {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(
        tmp.path(),
        "feed.jsonl",
        concat!(
            "{\"id\":\"a\",\"text\":\"خبر أول\",\"outlet\":\"منفذ\",\"stance\":\"x\"}\n",
            "{\"id\":\"b\",\"text\":\"خبر ثان\"\n",
            "{\"text\":\"خبر ثالث\"}\n",
            "{\"id\":\"d\"}\n"
        )
        .as_bytes(),
    );
    let items = run(std::slice::from_ref(&p), &ReadOptions::default());
    let ds = docs(&items);
    assert_eq!(ds.len(), 2);
    assert_eq!(ds[0].id, "a");
    assert_eq!(ds[0].outlet.as_deref(), Some("منفذ"));
    assert_eq!(ds[1].id, "feed:3");
    assert_eq!(ds[1].origin, format!("{}:3", p.display()));
    let errs = errors(&items);
    assert_eq!(errs.len(), 2);
    assert!(
        errs[0].starts_with(&format!("{}:2: invalid JSON: ", p.display())),
        "{errs:?}"
    );
    assert_eq!(errs[1], format!("{}:4: missing field `text`", p.display()));
    let w = warnings(&items);
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].0, p.display().to_string());
    assert!(w[0].1.contains("stance"));
}

// ------------------------------------------------------------------ WARC

fn warc_record(kind: &str, n: usize, uri: &str, ct: &str, block: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-00000000000{n}>\r\nWARC-Date: 2020-02-0{n}T08:00:00Z\r\nWARC-Target-URI: {uri}\r\nContent-Type: {ct}\r\nContent-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn http(html: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Length: {}\r\n\r\n{html}",
        html.len()
    )
    .into_bytes()
}

/// Three records: warcinfo, an HTML response, a plain-text resource.
fn sample_records() -> Vec<Vec<u8>> {
    vec![
        warc_record("warcinfo", 1, "", "application/warc-fields", b"software: test\r\n"),
        warc_record(
            "response",
            2,
            "https://news.example/2020/02/a",
            "application/http; msgtype=response",
            &http("<html><head><title>اشتباكات</title></head><body><article><p>اندلعت اشتباكات عنيفة في ريف المدينة الشمالي.</p><p>وأفاد ناشطون بسقوط قتلى.</p></article></body></html>"),
        ),
        warc_record("resource", 3, "file:///note.txt", "text/plain", "بيان قصير".as_bytes()),
    ]
}

fn gzip_member(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn check_sample(items: &[Item], origin: &str) {
    assert!(errors(items).is_empty(), "{:?}", errors(items));
    let ds = docs(items);
    assert_eq!(ds.len(), 2, "{items:?}");
    assert_eq!(ds[0].id, "urn:uuid:00000000-0000-0000-0000-000000000002");
    assert_eq!(ds[0].format, Format::Warc);
    assert_eq!(ds[0].url.as_deref(), Some("https://news.example/2020/02/a"));
    assert_eq!(ds[0].published.as_deref(), Some("2020-02-02T08:00:00Z"));
    assert_eq!(ds[0].title.as_deref(), Some("اشتباكات"));
    assert_eq!(
        ds[0].text,
        "اندلعت اشتباكات عنيفة في ريف المدينة الشمالي.\nوأفاد ناشطون بسقوط قتلى."
    );
    assert_eq!(ds[0].origin, format!("{origin}:record 2"));
    assert_eq!(ds[1].text, "بيان قصير");
    assert_eq!(ds[1].url.as_deref(), Some("file:///note.txt"));
}

#[test]
fn warc_round_trip_plain_and_gzipped() {
    let tmp = tempfile::tempdir().unwrap();
    let recs = sample_records();
    let plain = write(tmp.path(), "crawl.warc", &recs.concat());
    // one gzip member per record, as crawlers write them
    let members: Vec<u8> = recs.iter().flat_map(|r| gzip_member(r)).collect();
    let gz = write(tmp.path(), "crawl.warc.gz", &members);
    // a single gzip member for the whole file works too
    let single = write(tmp.path(), "one.warc.gz", &gzip_member(&recs.concat()));
    let o = ReadOptions::default();
    for p in [plain, gz, single] {
        check_sample(&run(std::slice::from_ref(&p), &o), &p.display().to_string());
    }
}

#[test]
fn truncated_warc_gz() {
    let tmp = tempfile::tempdir().unwrap();
    let mut recs = sample_records();
    recs.push(warc_record(
        "resource",
        4,
        "file:///x.txt",
        "text/plain",
        "نص سيقطع في المنتصف قبل نهايته".as_bytes(),
    ));
    let mut members: Vec<u8> = recs[..3].iter().flat_map(|r| gzip_member(r)).collect();
    let last = gzip_member(&recs[3]);
    members.extend_from_slice(&last[..last.len() / 2]);
    let p = write(tmp.path(), "crawl.warc.gz", &members);
    let items = run(std::slice::from_ref(&p), &ReadOptions::default());
    assert_eq!(docs(&items).len(), 2);
    assert_eq!(
        errors(&items),
        [format!("{}: truncated record after 3 records", p.display())]
    );
    // plain file cut in the middle of a record body
    let data = recs.concat();
    let cut = data.len() - 20;
    let p = write(tmp.path(), "cut.warc", &data[..cut]);
    let items = run(std::slice::from_ref(&p), &ReadOptions::default());
    assert_eq!(docs(&items).len(), 2);
    assert_eq!(
        errors(&items),
        [format!("{}: truncated record after 3 records", p.display())]
    );
}

#[test]
fn warc_gzip_bomb_is_capped() {
    let tmp = tempfile::tempdir().unwrap();
    let body = vec![b'a'; 4 * 1024 * 1024];
    let mut data = warc_record("resource", 1, "file:///big.txt", "text/plain", &body);
    data.extend(warc_record(
        "resource",
        2,
        "file:///s.txt",
        "text/plain",
        b"small",
    ));
    let p = write(tmp.path(), "bomb.warc.gz", &gzip_member(&data));
    assert!(fs::metadata(&p).unwrap().len() < 64 * 1024);
    let o = ReadOptions {
        max_bytes: 1024 * 1024,
        ..ReadOptions::default()
    };
    let items = run(std::slice::from_ref(&p), &o);
    assert_eq!(
        errors(&items),
        [format!(
            "{}:record 1: 4194304 bytes is over the 1048576-byte limit (--max-bytes)",
            p.display()
        )]
    );
    assert_eq!(docs(&items).len(), 1);
}

#[test]
fn reads_warc_written_by_the_warc_crate() {
    use warc::{Record, RecordType, WarcHeader, WarcWriter};
    let mut w = WarcWriter::new(std::io::BufWriter::new(Vec::new()));
    let mut r = Record::<warc::BufferedBody>::new();
    r.set_warc_type(RecordType::Response);
    r.set_header(WarcHeader::TargetURI, "https://news.example/b")
        .unwrap();
    r.set_header(
        WarcHeader::ContentType,
        "application/http; msgtype=response",
    )
    .unwrap();
    let rec = r.add_body(http("<html><body><p>خبر من أرشيف آخر</p></body></html>"));
    let id = rec.warc_id().trim_matches(['<', '>']).to_string();
    w.write(&rec).unwrap();
    let bytes = w.into_inner().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let p = write(tmp.path(), "other.warc", &bytes);
    let items = run(&[p], &ReadOptions::default());
    let ds = docs(&items);
    assert_eq!(ds.len(), 1, "{items:?}");
    assert_eq!(ds[0].text, "خبر من أرشيف آخر");
    assert_eq!(ds[0].id, id);
    assert_eq!(ds[0].url.as_deref(), Some("https://news.example/b"));
}

// ------------------------------------------------------------------ dedup & shared data

#[test]
fn dedup_across_formats() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "a.txt", "قصف على  البلدة\r\n".as_bytes());
    write(
        d,
        "b.jsonl",
        "{\"text\":\"قصف على البلدة\"}\n{\"text\":\"خبر جديد\"}\n".as_bytes(),
    );
    let items = run(&[d.to_path_buf()], &ReadOptions::default());
    let mut dd = Dedup::new();
    let kept: Vec<&str> = docs(&items)
        .into_iter()
        .filter(|doc| dd.is_new(doc))
        .map(|doc| doc.origin.rsplit('/').next().unwrap())
        .collect();
    assert_eq!(kept, ["a.txt", "b.jsonl:2"]);
}

#[test]
fn seeds_directory() {
    let dir = shared("seeds");
    if !dir.is_dir() {
        eprintln!("seeds absent, skipping");
        return;
    }
    let items = run(&[dir], &ReadOptions::default());
    assert!(errors(&items).is_empty(), "{:?}", errors(&items));
    let ds = docs(&items);
    assert!(!ds.is_empty());
    let mut sorted: Vec<&str> = ds.iter().map(|d| d.id.as_str()).collect();
    sorted.sort();
    let ids: Vec<&str> = ds.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, sorted);
    let first = ds
        .iter()
        .find(|d| d.id == "000_ea350107fde1a1b4")
        .expect("seed 000");
    assert_eq!(first.repeated.len(), 1);
    for d in &ds {
        assert_eq!(d.format, Format::Text);
        for r in &d.repeated {
            assert!(d.text.get(r.clone()).is_some());
        }
    }
}

#[test]
fn corpus_jsonl_streams() {
    let p = shared("data/corpus/syria_war_articles.jsonl");
    if !p.is_file() {
        eprintln!("corpus absent, skipping");
        return;
    }
    let lines = fs::read_to_string(&p)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count();
    let items = run(std::slice::from_ref(&p), &ReadOptions::default());
    let n_docs = docs(&items).len();
    let n_err = errors(&items).len();
    assert_eq!(n_docs + n_err, lines);
    assert!(
        n_docs > lines * 9 / 10,
        "{n_docs} of {lines}: {:?}",
        errors(&items).first()
    );
    let w = warnings(&items);
    assert_eq!(w.len(), 1, "one unknown-fields warning per file: {w:?}");
    assert!(w[0].1.contains("claim"), "{}", w[0].1);
    assert!(matches!(items.last(), Some(Item::Warning { .. })));
}
