//! End-to-end tests through the `marsad` binary on real Arabic text.

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn shared() -> PathBuf {
    let p = repo().join("../shared");
    assert!(
        p.join("seeds").is_dir(),
        "../shared/seeds is missing: the end-to-end tests read the seed articles from it"
    );
    p
}

fn marsad() -> Command {
    let mut c = Command::cargo_bin("marsad").expect("binary built");
    c.env_remove("MARSAD_DB");
    c
}

fn extract_jsonl(paths: &[&Path]) -> Vec<Value> {
    let out = marsad()
        .arg("extract")
        .args(paths)
        .args(["--format", "jsonl"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "extract failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

/// The evaluation's figures on the seeds, computed by its own scorer.
#[test]
fn seeds_score_above_the_bar() {
    let shared = shared();
    let dir = tempfile::tempdir().unwrap();
    let pred = dir.path().join("pred.jsonl");
    let out = marsad()
        .arg("extract")
        .arg(shared.join("seeds"))
        .args(["--format", "jsonl"])
        .output()
        .unwrap();
    assert!(out.status.success());
    std::fs::write(&pred, &out.stdout).unwrap();
    let score = Command::new("python3")
        .arg(shared.join("eval/score_events.py"))
        .arg(shared.join("gold/seeds.jsonl"))
        .arg(&pred)
        .arg("--json")
        .output()
        .expect("python3 runs the scorer");
    assert!(
        score.status.success(),
        "{}",
        String::from_utf8_lossy(&score.stderr)
    );
    let s: Value = serde_json::from_slice(&score.stdout).unwrap();
    eprintln!("seed scores: {s}");
    let f = |a: &str, b: &str| s[a][b].as_f64().unwrap();
    assert!(f("typed", "f1") >= 0.6, "typed F1 {}", f("typed", "f1"));
    assert!(
        f("untyped", "f1") >= 0.75,
        "untyped F1 {}",
        f("untyped", "f1")
    );
    assert!(
        f("fields", "actors_jaccard") >= 0.7,
        "actors {}",
        f("fields", "actors_jaccard")
    );
    assert!(
        f("fields", "stance") >= 0.7,
        "stance {}",
        f("fields", "stance")
    );
}

/// Every evidence span (and every claim's) slices the original file to exactly its text.
#[test]
fn evidence_offsets_slice_the_original() {
    let shared = shared();
    let seeds = shared.join("seeds");
    let samples = repo().join("samples");
    let events = extract_jsonl(&[&seeds, &samples]);
    assert!(
        events.len() >= 10,
        "expected events from the seeds and samples"
    );
    let mut files = std::collections::HashMap::new();
    for dir in [&seeds, &samples.join("text")] {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "txt") {
                let stem = p.file_stem().unwrap().to_string_lossy().to_string();
                files.insert(stem, std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    let mut checked = 0;
    for e in &events {
        let Some(text) = files.get(e["doc"].as_str().unwrap()) else {
            continue;
        };
        let mut spans = vec![&e["evidence"]];
        spans.extend(
            e["claims"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| &c["evidence"]),
        );
        for ev in spans {
            let (s, t) = (
                ev["start"].as_u64().unwrap() as usize,
                ev["end"].as_u64().unwrap() as usize,
            );
            assert_eq!(
                &text[s..t],
                ev["text"].as_str().unwrap(),
                "event {}",
                e["event_id"]
            );
            checked += 1;
        }
    }
    assert!(checked >= 10);
}

/// Bad inputs are reported one by one, the good ones are stored, and the exit code says so.
#[test]
fn bad_inputs_do_not_stop_the_batch() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    std::fs::create_dir(&inp).unwrap();
    std::fs::write(inp.join("binary.txt"), b"\x7fELF\x00\x00\x01\x02binary").unwrap();
    std::fs::write(inp.join("latin1.txt"), b"caf\xe9 \xe0 Damas").unwrap();
    std::fs::write(inp.join("empty.txt"), b"").unwrap();
    let big = std::fs::File::create(inp.join("big.txt")).unwrap();
    big.set_len(50 * 1024 * 1024).unwrap();
    std::fs::write(
        inp.join("broken.html"),
        "<html><body><div><p>قتل ثلاثة مدنيين في قصف مدفعي على بلدة معرة النعمان بريف إدلب الجنوبي<div><span>",
    )
    .unwrap();
    std::fs::write(
        inp.join("feed.jsonl"),
        concat!(
            r#"{"id":"ok1","outlet":"عنب بلدي","text":"اعتقلت قوات سوريا الديمقراطية عشرة أشخاص في مدينة الرقة أمس."}"#,
            "\n{not json\n",
            r#"{"id":"ok2","text":"قصفت طائرات حربية روسية بلدة كفرنبل في ريف إدلب الجنوبي."}"#,
            "\n"
        ),
    )
    .unwrap();
    std::fs::copy(
        shared().join("seeds/002_deeb24e80baa1a24.txt"),
        inp.join("good.txt"),
    )
    .unwrap();
    let db = dir.path().join("db");
    let run = || {
        marsad()
            .arg("--db")
            .arg(&db)
            .arg("ingest")
            .arg(&inp)
            .output()
            .unwrap()
    };
    let out = run();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "some inputs failed: {err}");
    for name in [
        "binary.txt",
        "latin1.txt",
        "empty.txt",
        "big.txt",
        "feed.jsonl:2",
    ] {
        assert!(err.contains(name), "stderr names {name}: {err}");
    }
    let stored = |args: &[&str]| -> usize {
        let o = marsad().arg("--db").arg(&db).args(args).output().unwrap();
        String::from_utf8_lossy(&o.stdout).lines().count()
    };
    let events_first = stored(&["export", "--format", "jsonl"]);
    assert!(
        events_first >= 3,
        "events from good.txt, broken.html and the JSONL lines"
    );
    assert!(stored(&["show", "ok2"]) > 1);
    assert!(stored(&["show", "good"]) > 1);
    // Re-ingesting the same input changes nothing.
    let again = run();
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("0 new documents"));
    assert_eq!(stored(&["export", "--format", "jsonl"]), events_first);
}

/// The sample corpus shipped in the repo runs through the README's first command.
#[test]
fn sample_corpus_runs() {
    let out = marsad()
        .arg("extract")
        .arg(repo().join("samples"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8_lossy(&out.stdout);
    let n: usize = table
        .lines()
        .last()
        .and_then(|l| l.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(n >= 10, "events found in the samples: {table}");
}

/// CSV export carries the ACLED header and one row per event.
#[test]
fn csv_export_has_acled_columns() {
    let out = marsad()
        .arg("extract")
        .arg(shared().join("seeds"))
        .args(["--format", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut r = csv::Reader::from_reader(&out.stdout[..]);
    let h = r.headers().unwrap().clone();
    for col in [
        "event_date",
        "event_type",
        "sub_event_type",
        "actor1",
        "admin1",
        "location",
        "latitude",
        "geo_precision",
        "fatalities",
        "notes",
        "year",
        "disorder_type",
        "inter1",
        "inter2",
        "interaction",
        "civilian_targeting",
        "iso",
        "region",
        "country",
        "source_scale",
        "tags",
        "timestamp",
    ] {
        assert!(h.iter().any(|c| c == col), "column {col}");
    }
    assert!(
        out.stdout.starts_with(b"\xEF\xBB\xBF"),
        "a UTF-8 BOM for spreadsheets"
    );
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(|r| r.unwrap()).collect();
    assert!(rows.len() >= 10);
    for row in &rows {
        assert_eq!(row.len(), h.len());
        if !row[col("event_date")].is_empty() {
            assert_eq!(&row[col("year")], &row[col("event_date")][..4]);
        }
        if &row[col("country")] == "Syria" {
            assert_eq!(
                (&row[col("iso")], &row[col("region")]),
                ("760", "Middle East")
            );
        }
    }
    // The seeds' SDF and tribal forces are named, so some rows have both sides typed.
    assert!(rows
        .iter()
        .any(|r| !r[col("inter1")].is_empty() && r[col("interaction")].contains('-')));
    // pandas reads the file as it is, BOM included, with every ACLED column named.
    let csv_path = tempfile::tempdir().unwrap();
    let p = csv_path.path().join("events.csv");
    std::fs::write(&p, &out.stdout).unwrap();
    let py = std::process::Command::new("python3")
        .arg("-c")
        .arg(
            "import sys, pandas as pd\n\
             df = pd.read_csv(sys.argv[1])\n\
             need = 'event_id_cnty event_date year disorder_type event_type sub_event_type actor1 inter1 actor2 inter2 interaction civilian_targeting iso region country admin1 location latitude longitude geo_precision source source_scale notes fatalities tags timestamp'.split()\n\
             missing = [c for c in need if c not in df.columns]\n\
             assert not missing, missing\n\
             print(len(df))",
        )
        .arg(&p)
        .output()
        .unwrap();
    assert!(
        py.status.success(),
        "pandas: {}",
        String::from_utf8_lossy(&py.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&py.stdout).trim(),
        rows.len().to_string()
    );
}

/// A GeoNames dump becomes a places file that `--kb-extra` loads and extraction uses.
#[test]
fn geonames_import_feeds_the_geocoder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("gn.csv");
    let o = marsad()
        .args(["gazetteer", "import"])
        .arg(repo().join("tests-data/geonames/sample.txt"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("sample.txt:3"),
        "the broken line is named: {err}"
    );
    let report = dir.path().join("r.txt");
    std::fs::write(
        &report,
        "قصفت قوات النظام قرية خربة التجربة بالمدفعية أمس.\n",
    )
    .unwrap();
    let o = marsad()
        .arg("--kb-extra")
        .arg(&out)
        .arg("extract")
        .arg(&report)
        .args(["--format", "jsonl"])
        .output()
        .unwrap();
    let e: Value = serde_json::from_slice(o.stdout.split(|b| *b == b'\n').next().unwrap()).unwrap();
    assert_eq!(e["location"], "Khirbet al-Tajriba");
    assert_eq!(e["admin1"], "Deir ez-Zor");
    assert_eq!(e["geo_precision"], 1);
    // Without the extra file the village is unknown.
    let o = marsad()
        .arg("extract")
        .arg(&report)
        .args(["--format", "jsonl"])
        .output()
        .unwrap();
    let e: Value = serde_json::from_slice(o.stdout.split(|b| *b == b'\n').next().unwrap()).unwrap();
    assert_ne!(e["location"], "Khirbet al-Tajriba");
}

/// Every event of the seeds is located, with coordinates inside its country's bounding box.
#[test]
fn seed_events_are_located_inside_their_country() {
    let events = extract_jsonl(&[&shared().join("seeds")]);
    let bbox = |c: &str| match c {
        "SY" => (32.3, 37.4, 35.6, 42.4),
        "IQ" => (29.0, 37.4, 38.7, 48.6),
        "TR" => (35.8, 42.2, 25.6, 44.9),
        other => panic!("unexpected country {other}"),
    };
    for e in &events {
        let country = e["country"]
            .as_str()
            .unwrap_or_else(|| panic!("event {} has no place", e["event_id"]));
        let (lat, lon) = (
            e["latitude"].as_f64().unwrap(),
            e["longitude"].as_f64().unwrap(),
        );
        let (la0, la1, lo0, lo1) = bbox(country);
        assert!(
            (la0..=la1).contains(&lat) && (lo0..=lo1).contains(&lon),
            "{} at {lat},{lon}",
            e["event_id"]
        );
    }
}
