//! Robustness of the `marsad` binary (issue 6): fuzz regressions, pathological inputs,
//! SIGKILL during ingest, reading while an ingest writes.
//!
//! No assertion is about speed. Each child process runs under a generous hang guard
//! (killed and failed after `GUARD`), and the tests that must stay in bounded memory
//! sample the child's resident set from `/proc/<pid>/status` while it runs.

use std::fs;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use assert_cmd::cargo::CommandCargoExt;

/// Hang guard for one child process (not a performance bound).
const GUARD: Duration = Duration::from_secs(600);

fn marsad() -> Command {
    Command::cargo_bin("marsad").expect("binary built")
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Run {
    status: ExitStatus,
    stdout: String,
    stderr: String,
    /// Highest resident set seen while sampling, in KiB (VmHWM when readable).
    peak_kib: u64,
}

fn rss_kib(pid: u32) -> Option<u64> {
    let s = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        s.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
    };
    field("VmHWM:").or_else(|| field("VmRSS:"))
}

/// Runs `cmd` to completion with the hang guard, draining its output on threads and
/// sampling its peak resident set.
fn run(mut cmd: Command) -> Run {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn marsad");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = thread::spawn(move || {
        let mut b = Vec::new();
        out.read_to_end(&mut b).ok();
        b
    });
    let t_err = thread::spawn(move || {
        let mut b = Vec::new();
        err.read_to_end(&mut b).ok();
        b
    });
    let pid = child.id();
    let start = Instant::now();
    let mut peak = 0;
    let status = loop {
        if let Some(kib) = rss_kib(pid) {
            peak = peak.max(kib);
        }
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if start.elapsed() > GUARD {
            child.kill().ok();
            child.wait().ok();
            panic!("marsad {cmd:?} did not finish within the {GUARD:?} hang guard");
        }
        thread::sleep(Duration::from_millis(5));
    };
    Run {
        status,
        stdout: String::from_utf8_lossy(&t_out.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&t_err.join().unwrap()).into_owned(),
        peak_kib: peak,
    }
}

/// Exit code 0 or 1: a result, or a clear per-input error. Never a signal (crash, stack
/// overflow, OOM kill) or 101 (panic).
fn assert_clean_exit(r: &Run, what: &str) {
    assert!(
        matches!(r.status.code(), Some(0 | 1)),
        "{what}: exit {:?} (signal or panic)\nstderr: {}",
        r.status,
        tail(&r.stderr)
    );
    assert!(
        !r.stderr.contains("panicked"),
        "{what}: panic\n{}",
        tail(&r.stderr)
    );
}

fn tail(s: &str) -> &str {
    let mut i = s.len().saturating_sub(3000);
    while !s.is_char_boundary(i) {
        i += 1;
    }
    &s[i..]
}

fn jsonl_events(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("jsonl event"))
        .collect()
}

fn extract(paths: &[&Path], extra: &[&str]) -> Run {
    let mut c = marsad();
    c.args(extra)
        .arg("extract")
        .arg("--format")
        .arg("jsonl")
        .args(paths);
    let t = Instant::now();
    let r = run(c);
    let names: Vec<_> = paths.iter().filter_map(|p| p.file_name()).collect();
    eprintln!(
        "extract {names:?}: exit {:?}, {:.1} s, peak RSS {} MiB",
        r.status.code(),
        t.elapsed().as_secs_f64(),
        r.peak_kib / 1024
    );
    r
}

// ---------------------------------------------------------------------------------------
// Fuzz regressions

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else if p.file_name().is_some_and(|n| n != "README.md") {
            out.push(p);
        }
    }
}

#[test]
fn every_regression_input_runs_without_a_crash() {
    let dir = repo_root().join("tests-data/regressions");
    let mut files = Vec::new();
    files_under(&dir, &mut files);
    files.sort();
    assert!(!files.is_empty(), "no inputs in {}", dir.display());
    for f in &files {
        let r = extract(&[f], &[]);
        assert_clean_exit(&r, &f.display().to_string());
        // Every printed event is valid JSON with in-order offsets.
        for e in jsonl_events(&r.stdout) {
            let (s, t) = (&e["evidence"]["start"], &e["evidence"]["end"]);
            assert!(
                s.as_u64().unwrap() <= t.as_u64().unwrap(),
                "{}: {e}",
                f.display()
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// Pathological inputs

/// Choice made: a 200 MB single-line text file is over the default 32 MiB limit and is
/// rejected before it is read (message names the file and the limit); the batch goes on.
#[test]
fn a_200_mb_single_line_file_is_rejected_by_the_size_limit() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("one_line_200mb.txt");
    {
        let mut f = fs::File::create(&big).unwrap();
        f.write_all("قصف الطيران الحربي مدينة حلب ".repeat(100).as_bytes())
            .unwrap();
        // Sparse tail: the file is 200 MB without writing 200 MB.
        f.set_len(200 * 1000 * 1000).unwrap();
    }
    let good = dir.path().join("good.txt");
    fs::write(&good, REPORT).unwrap();
    let r = extract(&[&big, &good], &[]);
    assert_eq!(r.status.code(), Some(1), "stderr: {}", r.stderr);
    assert!(
        r.stderr.contains("one_line_200mb.txt") && r.stderr.contains("limit"),
        "no size-limit error naming the file: {}",
        r.stderr
    );
    assert!(
        !jsonl_events(&r.stdout).is_empty(),
        "the next file was not processed"
    );
    assert!(
        r.peak_kib < 150 * 1024,
        "peak RSS {} KiB for a rejected file",
        r.peak_kib
    );
}

/// 1,000,000 short paragraphs in one text file (~13 MB); every 1,000th one reports a
/// shelling, the rest are quiet. Finishes with events.
#[test]
fn a_million_short_paragraphs_are_processed() {
    million_paragraphs(1_000, 1, 1_024);
}

/// The same with an event word in every 4th paragraph (250,000 statements of one kind in one
/// document, ~22 MB). Merging compares each statement with recent groups only and range
/// lookups are binary searches, so this is linear: ~4 s in release on the 2-core machine.
#[test]
fn a_million_paragraphs_with_an_event_word_in_every_fourth() {
    million_paragraphs(4, 1, 1_024);
}

fn million_paragraphs(every: usize, min_events: usize, max_mib: u64) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("million_paragraphs.txt");
    let quiet = ["هدوء", "سوق", "طقس", "مدرسة"];
    let loud = ["قصف مدفعي على حلب", "انفجار عبوة في إدلب"];
    {
        let mut w = BufWriter::new(fs::File::create(&p).unwrap());
        for i in 0..1_000_000usize {
            let words = if i % every == every - 1 {
                loud[(i / every) % loud.len()]
            } else {
                quiet[i % quiet.len()]
            };
            writeln!(w, "{words} {i}\n").unwrap();
        }
    }
    let size = fs::metadata(&p).unwrap().len();
    assert!(size > 10_000_000 && size < 33_000_000, "{size} bytes");
    let r = extract(&[&p], &[]);
    assert_eq!(r.status.code(), Some(0), "stderr: {}", tail(&r.stderr));
    let events = jsonl_events(&r.stdout);
    assert!(events.len() >= min_events, "{} events", events.len());
    eprintln!(
        "1M paragraphs ({size} bytes, event word in 1 of {every}): {} events, peak RSS {} MiB",
        events.len(),
        r.peak_kib / 1024
    );
    assert!(
        r.peak_kib < max_mib * 1024,
        "peak RSS {} MiB",
        r.peak_kib / 1024
    );
}

#[test]
fn html_nested_100k_levels_finishes_with_text() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("deep.html");
    let mut html = String::from("<html><head><title>تقرير</title></head><body>");
    html.push_str(&"<div>".repeat(100_000));
    html.push_str("<p>");
    html.push_str(REPORT);
    html.push_str("</p>");
    html.push_str(&"</div>".repeat(100_000));
    html.push_str("</body></html>");
    fs::write(&p, html).unwrap();
    let r = extract(&[&p], &[]);
    assert_clean_exit(&r, "deep.html");
    assert_eq!(r.status.code(), Some(0), "stderr: {}", tail(&r.stderr));
    assert!(
        !jsonl_events(&r.stdout).is_empty(),
        "no events from the nested text"
    );
}

/// A WARC.gz whose first record decompresses to 512 MiB (from < 1 MB on disk), then a
/// normal record. The bomb is reported naming the file; the reader never holds it.
#[test]
fn gzip_bomb_inside_a_warc_is_reported_not_inflated() {
    use flate2::{write::GzEncoder, Compression};
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bomb.warc.gz");
    let bomb: u64 = 512 * 1024 * 1024;
    {
        let f = BufWriter::new(fs::File::create(&p).unwrap());
        let http_head =
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>";
        let len = http_head.len() as u64 + bomb;
        let mut gz = GzEncoder::new(f, Compression::fast());
        write!(
            gz,
            "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:bomb>\r\nWARC-Target-URI: http://example.com/bomb\r\nWARC-Date: 2019-05-01T00:00:00Z\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {len}\r\n\r\n{http_head}"
        )
        .unwrap();
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..(bomb >> 20) {
            gz.write_all(&chunk).unwrap();
        }
        gz.write_all(b"\r\n\r\n").unwrap();
        // A normal record in its own gzip member.
        let f = gz.finish().unwrap();
        let mut gz = GzEncoder::new(f, Compression::fast());
        let body = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>{REPORT}</p></body></html>"
        );
        write!(
            gz,
            "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:good>\r\nWARC-Target-URI: http://example.com/good\r\nWARC-Date: 2019-05-22T00:00:00Z\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n{body}\r\n\r\n",
            body.len()
        )
        .unwrap();
        gz.finish().unwrap().flush().unwrap();
    }
    let on_disk = fs::metadata(&p).unwrap().len();
    assert!(on_disk < 4 * 1024 * 1024, "{on_disk}");
    let r = extract(&[&p], &[]);
    assert_clean_exit(&r, "bomb.warc.gz");
    assert_eq!(
        r.status.code(),
        Some(1),
        "the bomb was not reported: {}",
        tail(&r.stderr)
    );
    assert!(
        r.stderr.contains("bomb.warc.gz") && r.stderr.contains("limit"),
        "no error naming the file and the limit: {}",
        tail(&r.stderr)
    );
    assert!(
        r.peak_kib < 400 * 1024,
        "peak RSS {} MiB while reading a 512 MiB bomb",
        r.peak_kib / 1024
    );
    let events = jsonl_events(&r.stdout);
    assert!(
        events
            .iter()
            .any(|e| e["doc"].as_str() == Some("urn:uuid:good")),
        "the record after the bomb was not read; stderr: {}",
        tail(&r.stderr)
    );
}

#[test]
fn a_100_mb_jsonl_line_is_an_error_naming_file_and_line_and_the_next_lines_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("huge_line.jsonl");
    {
        let mut w = BufWriter::new(fs::File::create(&p).unwrap());
        let line = |id: &str| {
            serde_json::json!({"id": id, "text": format!("{REPORT}\nالتقرير: {id}")}).to_string()
        };
        writeln!(w, "{}", line("first")).unwrap();
        w.write_all(br#"{"id":"huge","text":""#).unwrap();
        let chunk = "قصف ".repeat(1 << 16); // 458,752 bytes
        let mut n = 0;
        while n < 100_000_000 {
            w.write_all(chunk.as_bytes()).unwrap();
            n += chunk.len();
        }
        w.write_all(b"\"}\n").unwrap();
        writeln!(w, "{}", line("third")).unwrap();
    }
    let r = extract(&[&p], &[]);
    assert_clean_exit(&r, "huge_line.jsonl");
    assert_eq!(r.status.code(), Some(1));
    assert!(
        r.stderr.contains("huge_line.jsonl:2"),
        "no error naming file:line: {}",
        tail(&r.stderr)
    );
    let docs: Vec<String> = jsonl_events(&r.stdout)
        .iter()
        .filter_map(|e| e["doc"].as_str().map(String::from))
        .collect();
    assert!(
        docs.iter().any(|d| d == "first") && docs.iter().any(|d| d == "third"),
        "lines around the huge one not both read: {docs:?}"
    );
    assert!(
        !r.stderr.contains("huge_line.jsonl:3"),
        "{}",
        tail(&r.stderr)
    );
    assert!(
        r.peak_kib < 400 * 1024,
        "peak RSS {} MiB",
        r.peak_kib / 1024
    );
}

#[test]
fn lines_after_a_huge_jsonl_line_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("after_huge.jsonl");
    {
        let mut w = BufWriter::new(fs::File::create(&p).unwrap());
        w.write_all(br#"{"id":"huge","text":""#).unwrap();
        w.write_all(&vec![b'a'; 40 * 1024 * 1024]).unwrap();
        w.write_all(b"\"}\n").unwrap();
        writeln!(w, "{}", serde_json::json!({"id": "after", "text": REPORT})).unwrap();
    }
    let r = extract(&[&p], &[]);
    assert_eq!(r.status.code(), Some(1), "{}", tail(&r.stderr));
    assert!(
        r.stderr.contains("after_huge.jsonl:1"),
        "{}",
        tail(&r.stderr)
    );
    assert!(
        jsonl_events(&r.stdout)
            .iter()
            .any(|e| e["doc"].as_str() == Some("after")),
        "line 2 not read after the oversized line 1"
    );
}

#[test]
fn text_without_arabic_gives_no_events_and_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("english.txt");
    fs::write(
        &p,
        "Airstrikes hit Aleppo on Monday, killing 12 civilians, the Syrian Observatory said.\n\n\
         Fighting continued near Idlib. 3 soldiers were wounded.\n",
    )
    .unwrap();
    let r = extract(&[&p], &[]);
    assert_eq!(r.status.code(), Some(0), "{}", r.stderr);
    assert!(
        jsonl_events(&r.stdout).is_empty(),
        "events from English text: {}",
        r.stdout
    );
}

/// Every bidi control and zero-width char, sprinkled into an Arabic report.
const INVISIBLE: &[char] = &[
    '\u{200B}', '\u{200C}', '\u{200D}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}',
    '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}', '\u{061C}', '\u{2060}',
    '\u{FEFF}', '\u{00AD}',
];

/// The rest of Unicode's Default_Ignorable_Code_Point set: invisible when rendered, but
/// the normalizer keeps them today, so they split words ("غار\u{180E}ات" no longer
/// matches the lexicon) and events lose actors, places and counts (U+115F/U+3164/U+FFA0,
/// the Hangul fillers, remove every event). Ignored until `marsad_text::normalize` drops
/// them; reported to the lead.
const OTHER_DEFAULT_IGNORABLE: &[char] = &[
    '\u{034F}',
    '\u{180E}',
    '\u{206A}',
    '\u{206B}',
    '\u{206C}',
    '\u{206D}',
    '\u{206E}',
    '\u{206F}',
    '\u{FE00}',
    '\u{FE0F}',
    '\u{E0001}',
    '\u{E0020}',
    '\u{1BCA0}',
    '\u{115F}',
    '\u{3164}',
    '\u{FFA0}',
];

fn event_key(e: &serde_json::Value) -> String {
    let f = |k: &str| e[k].to_string();
    [
        "event_type",
        "sub_event_type",
        "actor1",
        "actor2",
        "location",
        "admin1",
        "event_date",
        "fatalities",
        "stance",
    ]
    .iter()
    .map(|k| format!("{k}={}", f(k)))
    .collect::<Vec<_>>()
    .join(" ")
}

#[test]
fn bidi_controls_and_zero_width_chars_change_no_event() {
    same_events_with_sprinkled(INVISIBLE);
}

#[test]
fn other_default_ignorable_chars_change_no_event() {
    same_events_with_sprinkled(OTHER_DEFAULT_IGNORABLE);
}

fn same_events_with_sprinkled(invisible: &[char]) {
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean.txt");
    fs::write(&clean, REPORT).unwrap();
    let mut dirty = String::new();
    let mut k = 0;
    for (i, c) in REPORT.chars().enumerate() {
        dirty.push(c);
        if c == ' ' || i % 5 == 4 {
            dirty.push(invisible[k % invisible.len()]);
            k += 1;
        }
    }
    // Every one of them at least once, also as a run at the start.
    let run_of_all: String = invisible.iter().collect();
    let dirty = format!("{run_of_all}{dirty}");
    let dirty_p = dir.path().join("dirty.txt");
    fs::write(&dirty_p, &dirty).unwrap();

    let a = extract(&[&clean], &[]);
    let b = extract(&[&dirty_p], &[]);
    assert_eq!(a.status.code(), Some(0), "{}", a.stderr);
    assert_eq!(b.status.code(), Some(0), "{}", b.stderr);
    let ka: Vec<String> = jsonl_events(&a.stdout).iter().map(event_key).collect();
    let kb: Vec<String> = jsonl_events(&b.stdout).iter().map(event_key).collect();
    assert!(!ka.is_empty());
    assert_eq!(ka, kb, "invisible chars changed the events");
    // Offsets still slice the dirty text.
    for e in jsonl_events(&b.stdout) {
        let (s, t) = (
            e["evidence"]["start"].as_u64().unwrap() as usize,
            e["evidence"]["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(dirty.get(s..t), e["evidence"]["text"].as_str(), "{e}");
    }
}

// ---------------------------------------------------------------------------------------
// Crash-safe ingest and concurrent use

const REPORT: &str = "قتل خمسة مدنيين، بينهم طفلان، وأصيب آخرون بجروح، جراء غارات جوية روسية استهدفت قرية معرة حرمة في ريف إدلب الجنوبي صباح الأربعاء 22 أيار 2019، بحسب ما أفاد به الدفاع المدني السوري.\n\nوقال مراسل عنب بلدي إن الطائرات الحربية شنت أربع غارات متتالية على الحي الغربي من القرية.\n";

const PLACES: &[&str] = &[
    "معرة حرمة",
    "كفرنبل",
    "خان شيخون",
    "سراقب",
    "أريحا",
    "جسر الشغور",
];
const ACTORS: &[&str] = &[
    "الطائرات الحربية الروسية",
    "قوات النظام",
    "هيئة تحرير الشام",
    "فصائل المعارضة",
];

/// `n` distinct documents from a template, written as `doc_<i>.txt`.
fn write_docs(dir: &Path, n: usize) {
    fs::create_dir_all(dir).unwrap();
    for i in 0..n {
        let text = format!(
            "قصفت {} بلدة {} في ريف إدلب يوم {} أيار 2019، ما أسفر عن مقتل {} مدنيين وإصابة {} آخرين، بحسب المرصد السوري لحقوق الإنسان.\n\nوأضاف المرصد أن القصف تركز على الأحياء السكنية، في التقرير رقم {i}.\n",
            ACTORS[i % ACTORS.len()],
            PLACES[i % PLACES.len()],
            1 + i % 28,
            2 + i % 9,
            i % 13,
        );
        fs::write(dir.join(format!("doc_{i:05}.txt")), text).unwrap();
    }
}

fn db_check(db: &Path) -> (i64, i64) {
    let c = marsad_store::Store::open(db).unwrap().check().unwrap();
    assert_eq!(c.integrity, "ok", "integrity_check");
    (c.documents as i64, c.distinct_texts as i64)
}

fn ingest_cmd(db: &Path, input: &Path) -> Command {
    let mut c = marsad();
    c.arg("--db").arg(db).arg("ingest").arg(input);
    c
}

#[test]
fn sigkill_during_ingest_leaves_a_consistent_store_and_a_rerun_completes_it() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    let db = dir.path().join("db");
    let n = 2_000;
    write_docs(&input, n);
    let mut stored = Vec::new();
    for ms in [50u64, 200, 500, 1_000, 2_500] {
        let mut child: Child = ingest_cmd(&db, &input)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        thread::sleep(Duration::from_millis(ms));
        child.kill().ok(); // SIGKILL
        child.wait().unwrap();
        if !db.join("marsad.sqlite").exists() {
            stored.push(0);
            continue;
        }
        // The store opens and answers after the kill.
        let mut ev = marsad();
        ev.arg("--db").arg(&db).arg("events");
        let r = run(ev);
        assert_eq!(
            r.status.code(),
            Some(0),
            "events after SIGKILL at {ms} ms: {}",
            r.stderr
        );
        let (docs, distinct) = db_check(&db);
        assert_eq!(
            docs, distinct,
            "duplicate documents after SIGKILL at {ms} ms"
        );
        assert!(docs as usize <= n);
        stored.push(docs);
    }
    eprintln!("documents stored after SIGKILL at 50/200/500/1000/2500 ms: {stored:?}");
    let r = run(ingest_cmd(&db, &input));
    assert_eq!(r.status.code(), Some(0), "rerun: {}", tail(&r.stderr));
    let (docs, distinct) = db_check(&db);
    assert_eq!(docs as usize, n, "documents after the rerun");
    assert_eq!(distinct as usize, n);
    // And once more: nothing changes.
    let r = run(ingest_cmd(&db, &input));
    assert_eq!(r.status.code(), Some(0), "{}", tail(&r.stderr));
    assert_eq!(db_check(&db).0 as usize, n);
    let mut ev = marsad();
    ev.arg("--db").arg(&db).arg("search").arg("قصف");
    let r = run(ev);
    assert_clean_exit(&r, "search after kills");
}

#[test]
fn reading_while_an_ingest_writes_never_reports_a_locked_database() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    let db = dir.path().join("db");
    write_docs(&input, 2_000);
    // Create the store first so readers have something to open.
    let seed = dir.path().join("seed");
    fs::create_dir_all(&seed).unwrap();
    fs::write(seed.join("seed.txt"), REPORT).unwrap();
    let r = run(ingest_cmd(&db, &seed));
    assert_eq!(r.status.code(), Some(0), "{}", r.stderr);

    let mut writer = ingest_cmd(&db, &input)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut werr = writer.stderr.take().unwrap();
    let t_err = thread::spawn(move || {
        let mut s = String::new();
        werr.read_to_string(&mut s).ok();
        s
    });
    let mut reads = 0;
    let mut failures = Vec::new();
    let start = Instant::now();
    while writer.try_wait().unwrap().is_none() && reads < 300 && start.elapsed() < GUARD {
        for args in [
            &["events"][..],
            &["events", "--type", "Explosions/Remote violence"][..],
        ] {
            let mut c = marsad();
            c.arg("--db").arg(&db).args(args);
            let r = run(c);
            reads += 1;
            if r.status.code() != Some(0) || r.stderr.to_lowercase().contains("locked") {
                failures.push(format!("{args:?}: {:?}: {}", r.status, r.stderr));
            }
        }
    }
    let status = writer.wait().unwrap();
    let wstderr = t_err.join().unwrap();
    assert!(status.success(), "ingest: {status:?}: {}", tail(&wstderr));
    assert!(
        !wstderr.to_lowercase().contains("locked"),
        "{}",
        tail(&wstderr)
    );
    assert!(
        failures.is_empty(),
        "{} of {reads} reads failed: {:?}",
        failures.len(),
        &failures[..failures.len().min(3)]
    );
    assert!(reads > 0);
    eprintln!("{reads} reads during the ingest, none locked");
}
