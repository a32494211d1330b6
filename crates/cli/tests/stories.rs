//! Stories and search through the `marsad` binary: linking precision/recall on the linking
//! corpus, the seeds' SDF–ISIS truce, alias search, and idempotent re-ingest.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn seeds() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
    assert!(p.is_dir(), "../shared/seeds is missing");
    p
}

fn marsad(db: &Path) -> Command {
    let mut c = Command::cargo_bin("marsad").expect("binary built");
    c.env_remove("MARSAD_DB");
    c.arg("--db").arg(db);
    c
}

fn run_ok(mut c: Command) -> String {
    let out = c.output().expect("runs");
    assert!(
        out.status.success(),
        "marsad failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

fn ingest(db: &Path, paths: &[&Path]) {
    let mut c = marsad(db);
    c.arg("ingest").args(paths);
    run_ok(c);
}

fn jsonl(db: &Path, args: &[&str]) -> Vec<Value> {
    let mut c = marsad(db);
    c.args(args).args(["--format", "jsonl"]);
    run_ok(c)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

/// Unordered pairs of ids placed together.
fn pairs(clusters: &[Vec<String>]) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for c in clusters {
        for (i, a) in c.iter().enumerate() {
            for b in &c[i + 1..] {
                let p = if a < b { (a, b) } else { (b, a) };
                out.insert((p.0.clone(), p.1.clone()));
            }
        }
    }
    out
}

fn pr(gold: &[Vec<String>], pred: &[Vec<String>]) -> (f64, f64, usize, usize, usize) {
    let g = pairs(gold);
    let p = pairs(pred);
    let both = g.intersection(&p).count();
    let prec = if p.is_empty() {
        1.0
    } else {
        both as f64 / p.len() as f64
    };
    let rec = if g.is_empty() {
        1.0
    } else {
        both as f64 / g.len() as f64
    };
    (prec, rec, both, p.len(), g.len())
}

/// Words of an English name for loose matching ("al-Suwayda" ~ "As-Suwayda").
fn loose(s: &str) -> String {
    s.to_lowercase()
        .replace(['-', '\''], " ")
        .split_whitespace()
        .filter(|w| !matches!(*w, "al" | "as" | "ar" | "ad" | "az" | "ash"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// (a) Pairwise linking precision and recall on tests-data/linking against its answer key.
///
/// A report is represented by its event of the expected sub-event type (else its first event),
/// and a pair of reports is predicted when those events share a story. Reports without any
/// event are extraction misses: listed, left out of the pairs (they would be singletons).
/// Reports whose event sits in another governorate than the answer key's story are extraction
/// misplacements: listed too, and the assertion is on the remaining reports, so the figure
/// measures linking; the end-to-end figure over every report with an event is printed beside.
#[test]
fn linking_precision_and_recall_on_the_linking_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path();
    let corpus = repo().join("tests-data/linking");
    ingest(db, &[&corpus.join("reports.jsonl")]);
    let key: Value = serde_json::from_str(
        &std::fs::read_to_string(corpus.join("expected_stories.json")).unwrap(),
    )
    .unwrap();
    let gold_stories = key["stories"].as_array().unwrap();
    let events = jsonl(db, &["export"]);
    let mut by_doc: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for e in &events {
        by_doc.entry(s(&e["doc"]).to_string()).or_default().push(e);
    }
    let mut story_of_doc: BTreeMap<String, String> = BTreeMap::new();
    let mut missed = Vec::new();
    let mut misplaced = Vec::new();
    for g in gold_stories {
        let ty = s(&g["event"]);
        let name = loose(s(&g["story"]));
        for r in g["reports"].as_array().unwrap() {
            let r = s(r).to_string();
            let Some(evs) = by_doc.get(&r) else {
                missed.push(r);
                continue;
            };
            let e = evs
                .iter()
                .find(|e| s(&e["sub_event_type"]) == ty)
                .unwrap_or(&evs[0]);
            let admin1 = loose(s(&e["admin1"]));
            if admin1.is_empty() || !name.contains(&admin1) {
                misplaced.push(format!("{r} (event in {:?})", s(&e["admin1"])));
            }
            story_of_doc.insert(r, s(&e["story_id"]).to_string());
        }
    }
    let cluster = |keep: &dyn Fn(&str) -> bool| -> (Vec<Vec<String>>, Vec<Vec<String>>) {
        let gold: Vec<Vec<String>> = gold_stories
            .iter()
            .map(|g| {
                g["reports"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| s(r).to_string())
                    .filter(|r| story_of_doc.contains_key(r) && keep(r))
                    .collect()
            })
            .collect();
        let mut pred: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for (doc, st) in &story_of_doc {
            if keep(doc) {
                pred.entry(st.as_str()).or_default().push(doc.clone());
            }
        }
        (gold, pred.into_values().collect())
    };
    let (gold_all, pred_all) = cluster(&|_| true);
    let (p_all, r_all, both_all, np_all, ng_all) = pr(&gold_all, &pred_all);
    let misplaced_ids: Vec<String> = misplaced
        .iter()
        .map(|m| m.split(' ').next().unwrap().to_string())
        .collect();
    let (gold, pred) = cluster(&|d| !misplaced_ids.iter().any(|m| m == d));
    let (p, r, both, np, ng) = pr(&gold, &pred);
    println!(
        "linking corpus: {} reports, {} with events; extraction missed (no event, counted as singletons, left out): {:?}; misplaced by extraction (left out of the linking figure): {:?}",
        gold_stories
            .iter()
            .map(|g| g["reports"].as_array().unwrap().len())
            .sum::<usize>(),
        story_of_doc.len(),
        missed,
        misplaced
    );
    println!(
        "end to end (every report with an event): precision {p_all:.3} ({both_all}/{np_all}), recall {r_all:.3} ({both_all}/{ng_all})"
    );
    println!("linking: precision {p:.3} ({both}/{np}), recall {r:.3} ({both}/{ng})");
    assert!(p >= 0.9, "linking precision {p:.3} < 0.9");
    assert!(r >= 0.9, "linking recall {r:.3} < 0.9");
    assert!(p_all >= 0.9, "end-to-end precision {p_all:.3} < 0.9");
    assert!(r_all >= 0.9, "end-to-end recall {r_all:.3} < 0.9");
}

/// Reports written for this test: other SDF–ISIS happenings (same actors, same sub-event types,
/// other places or years) that must not join the seeds' 2017 truce story.
const DISTRACTORS: &str = r#"{"id": "dx-raqqa-truce-2019", "outlet": "نورث برس", "published": "2019-06-10", "title": "اتفاق تهدئة في الرقة", "text": "أعلنت قوات سوريا الديمقراطية، اليوم الاثنين، التوصل إلى اتفاق هدنة مع تنظيم داعش في مدينة الطبقة بريف الرقة الغربي لمدة أسبوع، بوساطة من وجهاء العشائر، بحسب ما قاله مصدر عسكري لنورث برس."}
{"id": "dx-hasakah-clash-2018", "outlet": "عنب بلدي", "published": "2018-02-03", "title": "اشتباكات في الشدادي", "text": "اندلعت اشتباكات عنيفة، أمس الجمعة، بين قوات سوريا الديمقراطية وعناصر من تنظيم الدولة الإسلامية قرب مدينة الشدادي جنوبي الحسكة، قتل فيها ثلاثة عناصر من قسد، بحسب مصادر محلية."}
"#;

/// (b) Seeds + samples: the SDF–ISIS truce reports linked or kept apart with a reason, seed
/// 004's truce contested (the denial), and no story joining unrelated events. (d) Re-ingest
/// changes nothing.
#[test]
fn seeds_truce_stories_and_idempotent_reingest() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let extra = dir.path().join("distractors.jsonl");
    std::fs::write(&extra, DISTRACTORS).unwrap();
    let seeds = seeds();
    let samples = repo().join("samples");
    ingest(&db, &[&seeds, &samples, &extra]);
    let stories = jsonl(&db, &["stories"]);
    assert!(!stories.is_empty());
    let events = jsonl(&db, &["export"]);
    let event: BTreeMap<&str, &Value> = events.iter().map(|e| (s(&e["event_id"]), e)).collect();
    let actors = |e: &Value| -> String {
        ["actor1", "actor2", "assoc_actor_1", "assoc_actor_2"]
            .iter()
            .map(|k| s(&e[*k]).to_lowercase())
            .collect::<Vec<_>>()
            .join("|")
    };
    // Truce events of the seeds between the SDF and ISIS.
    let truce_events: Vec<&Value> = events
        .iter()
        .filter(|e| {
            let a = actors(e);
            s(&e["doc"]).len() > 4
                && s(&e["doc"]).as_bytes()[..3].iter().all(u8::is_ascii_digit)
                && s(&e["doc"]).contains('_')
                && e["sub_event_type"] == "Agreement"
                && a.contains("syrian democratic forces")
                && (a.contains("islamic state") || e["truce"].is_object())
        })
        .collect();
    let seed_docs: BTreeSet<&str> = truce_events
        .iter()
        .map(|e| s(&e["doc"]))
        .filter(|d| !d.contains("_tafas") && !d.contains("_manbij"))
        .collect();
    println!("SDF–ISIS truce events in seeds: {}", truce_events.len());
    assert!(
        seed_docs.len() >= 2,
        "truce reports from at least two seeds expected, got {seed_docs:?}"
    );
    let story_of = |id: &str| {
        stories
            .iter()
            .find(|st| st["events"].as_array().unwrap().iter().any(|e| e == id))
            .expect("every event is in a story")
    };
    for e in &truce_events {
        let st = story_of(s(&e["event_id"]));
        let linked_seeds: BTreeSet<&str> = st["reports"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| s(&r["doc"]))
            .filter(|d| seed_docs.contains(d))
            .collect();
        if linked_seeds.len() > 1 {
            // Linked: the link of every event after the first says what agreed.
            let links = st["links"].as_array().unwrap();
            assert_eq!(links.len() + 1, st["events"].as_array().unwrap().len());
            for l in links {
                assert!(!l["agreed"].as_array().unwrap().is_empty());
            }
            println!(
                "{} linked in {} with {:?}: {}",
                s(&e["event_id"]),
                s(&st["id"]),
                linked_seeds,
                links
                    .iter()
                    .map(|l| format!("{} ({})", s(&l["event_id"]), l["agreed"]))
                    .collect::<Vec<_>>()
                    .join("; ")
            );
        } else {
            // Kept apart: a stated reason (the closest other story and what differs).
            let why = &st["closest_other"];
            let reasons = why["reasons"].as_array().map_or(0, |r| r.len());
            assert!(
                reasons > 0,
                "story {} kept apart without a reason: {why}",
                s(&st["id"])
            );
            println!(
                "{} kept apart in {}: {}",
                s(&e["event_id"]),
                s(&st["id"]),
                why
            );
        }
    }
    // Seed 004's truce: contested because of the denial.
    let t004: Vec<&&Value> = truce_events
        .iter()
        .filter(|e| s(&e["doc"]).starts_with("004_"))
        .collect();
    assert!(!t004.is_empty(), "seed 004 has a truce event");
    for e in t004 {
        let st = story_of(s(&e["event_id"]));
        assert_eq!(st["status"], "contested", "{st}");
        assert!(
            s(&st["status_reason"]).contains("denial"),
            "reason: {}",
            st["status_reason"]
        );
        assert_eq!(e["story_status"], "contested");
        println!(
            "seed 004 truce story {}: {}",
            s(&st["id"]),
            s(&st["status_reason"])
        );
    }
    // No story joins unrelated events: same type group, one governorate, dates in a window,
    // and the distractors stay out of every seed story.
    for st in &stories {
        let evs: Vec<&Value> = st["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|id| event[s(id)])
            .collect();
        if evs.len() < 2 {
            continue;
        }
        let docs: BTreeSet<&str> = evs.iter().map(|e| s(&e["doc"])).collect();
        assert_eq!(docs.len(), evs.len(), "two events of one document in {st}");
        if docs.iter().any(|d| d.starts_with("dx-")) {
            assert!(
                docs.iter().all(|d| d.starts_with("dx-")),
                "a distractor joined another story: {docs:?}"
            );
        }
        let admin1: BTreeSet<&str> = evs
            .iter()
            .map(|e| s(&e["admin1"]))
            .filter(|a| !a.is_empty())
            .collect();
        assert!(admin1.len() <= 1, "story {} spans {admin1:?}", s(&st["id"]));
        let dates: Vec<&str> = evs
            .iter()
            .map(|e| s(&e["event_date"]))
            .filter(|d| !d.is_empty())
            .collect();
        if let (Some(a), Some(b)) = (dates.iter().min(), dates.iter().max()) {
            assert_eq!(
                a[..4],
                b[..4],
                "story {} spans years {a}..{b}",
                s(&st["id"])
            );
        }
        assert!(!st["links"].as_array().unwrap().is_empty());
    }
    // Export columns.
    for e in &events {
        assert!(e["story_id"].is_string(), "{e}");
        assert!(e["story_status"].is_string());
        assert!(e["sources_count"].is_u64());
    }

    // (d) Re-ingest: nothing changes.
    let before = jsonl(&db, &["stories"]);
    ingest(&db, &[&seeds, &samples, &extra]);
    let after = jsonl(&db, &["stories"]);
    assert_eq!(before, after, "re-ingest changed the stories");
    let ev_after = jsonl(&db, &["export"]);
    assert_eq!(events.len(), ev_after.len());
}

/// (c) `marsad search "هدنة قسد"` finds the truce seeds whatever their spelling of the SDF.
#[test]
fn search_expands_aliases() {
    let dir = tempfile::tempdir().unwrap();
    let seeds = seeds();
    // A report that writes only the long form, with another spelling of it.
    let extra = dir.path().join("long-form.jsonl");
    std::fs::write(
        &extra,
        r#"{"id": "dx-long-form", "outlet": "عنب بلدي", "published": "2017-12-02", "text": "قالت مصادر محلية إن قوات سورية الديموقراطية مددت الهدنة مع عناصر التنظيم في ريف دير الزور الشرقي أسبوعاً آخر."}"#,
    )
    .unwrap();
    let db = &dir.path().join("db");
    ingest(db, &[&seeds, &repo().join("samples"), &extra]);
    let hits = jsonl(db, &["search", "هدنة قسد", "--limit", "20"]);
    let docs: Vec<&str> = hits.iter().map(|h| s(&h["doc"])).collect();
    println!("هدنة قسد → {docs:?}");
    let mut found_long_form = 0;
    for entry in std::fs::read_dir(&seeds).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let sdf = text.contains("قوات سوريا الديمقراطية")
            || text.contains("قوات سورية الديموقراطية")
            || text.contains("قوات سوريا الديموقراطية");
        let truce = text.contains("هدنة") || text.contains("الهدنة");
        if sdf && truce {
            let stem = path.file_stem().unwrap().to_str().unwrap();
            assert!(
                docs.contains(&stem),
                "{stem} (SDF long form + truce) not found by هدنة قسد: {docs:?}"
            );
            if !text.contains("قسد") {
                found_long_form += 1;
            }
        }
    }
    println!("seeds found that never write قسد: {found_long_form}");
    assert!(
        docs.contains(&"dx-long-form"),
        "the report writing only قوات سورية الديموقراطية + الهدنة is not found: {docs:?}"
    );
    for h in &hits {
        assert!(
            s(&h["snippet"]).contains('«'),
            "snippet without highlight: {h}"
        );
        for r in h["highlights"].as_array().unwrap() {
            assert!(r[0].as_u64().unwrap() < r[1].as_u64().unwrap());
        }
    }
    // Filters and the table format.
    let filtered = jsonl(
        db,
        &["search", "هدنة", "--actor", "sdf", "--type", "agreement"],
    );
    assert!(!filtered.is_empty());
    let mut c = marsad(db);
    c.args(["search", "هدنة قسد"]);
    let table = run_ok(c);
    assert!(table.contains("hits"), "{table}");
}

/// `marsad split` takes an event out of a story; it stays out after another ingest.
#[test]
fn split_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path();
    let corpus = repo().join("tests-data/linking/reports.jsonl");
    ingest(db, &[&corpus]);
    let stories = jsonl(db, &["stories", "--min-reports", "3"]);
    let st = &stories[0];
    let id = s(&st["id"]).to_string();
    let ev = s(&st["events"][1]).to_string();
    let mut c = marsad(db);
    c.args(["split", &id, &ev]);
    run_ok(c);
    let after = jsonl(db, &["stories"]);
    let holder = after
        .iter()
        .find(|x| {
            x["events"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e == ev.as_str())
        })
        .unwrap();
    assert_ne!(s(&holder["id"]), id);
    ingest(db, &[&corpus]);
    let again = jsonl(db, &["stories"]);
    assert_eq!(after, again);
}
