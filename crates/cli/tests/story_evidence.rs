//! Stories join reports only on positive evidence, and their ids depend on the stories alone:
//! through the `marsad` binary, on Arabic reports generated here.

use std::path::Path;
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use serde_json::{json, Value};

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

fn ingest(db: &Path, file: &Path) {
    let mut c = marsad(db);
    c.arg("ingest").arg(file);
    run_ok(c);
}

/// Stories as JSON values, ordered by id.
fn stories(db: &Path) -> Vec<Value> {
    let mut c = marsad(db);
    c.args(["stories", "--format", "jsonl", "--limit", "100000"]);
    let mut v: Vec<Value> = run_ok(c)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    v.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    v
}

fn write_jsonl(path: &Path, docs: &[Value]) {
    let text: String = docs.iter().map(|d| format!("{d}\n")).collect();
    std::fs::write(path, text).unwrap();
}

/// Villages and towns of Deir ez-Zor and Raqqa, and places abroad.
const PLACES: &[&str] = &[
    "بلدة ذيبان بريف دير الزور الشرقي",
    "بلدة الشحيل بريف دير الزور الشرقي",
    "بلدة البصيرة بريف دير الزور",
    "مدينة هجين بريف دير الزور",
    "مدينة الطبقة بريف الرقة الغربي",
    "مدينة الرقة",
    "مدينة الموصل العراقية",
    "العاصمة الصومالية مقديشو",
];

const OUTLETS: &[&str] = &["عنب بلدي", "نورث برس", "المدن", "زمان الوصل"];

/// Closing sentences, one per report, so that no two reports have the same text.
const CLOSING: &[&str] = &[
    "وأشار المصدر إلى أن الطرق المؤدية إلى المنطقة أغلقت لساعات قبل أن يعاد فتحها.",
    "ولم تعلن أي جهة أخرى مسؤوليتها عن الهجوم حتى ساعة إعداد هذا التقرير.",
    "وطالب وجهاء المنطقة بفتح تحقيق في الحادثة ومحاسبة المسؤولين عنها.",
    "وتشهد المنطقة توتراً أمنياً متصاعداً منذ أسابيع.",
];

/// One report of a clash between the SDF and ISIS at `place` (no date anywhere unless
/// `published` is given and the text says "today"); `n` picks the closing sentence.
fn report(
    id: &str,
    outlet: &str,
    place: &str,
    dead: &str,
    n: usize,
    published: Option<&str>,
) -> Value {
    let when = if published.is_some() {
        "اليوم "
    } else {
        ""
    };
    let closing = CLOSING[n % CLOSING.len()];
    let text = format!(
        "اندلعت {when}اشتباكات عنيفة بين قوات سوريا الديمقراطية وعناصر من تنظيم داعش في {place}، \
         ما أدى إلى مقتل {dead} من عناصر قسد، بحسب ما أفادت به مصادر محلية لـ{outlet}. \
         وأضافت المصادر أن قوات سوريا الديمقراطية استقدمت تعزيزات عسكرية إلى المنطقة عقب الهجوم. \
         {closing}"
    );
    let mut d = json!({
        "id": id,
        "url": format!("https://example.org/news/{id}"),
        "outlet": outlet,
        "title": format!("اشتباكات بين قسد وداعش في {place}"),
        "text": text,
    });
    if let Some(p) = published {
        d["published"] = json!(p);
    }
    d
}

const DEAD: &[&str] = &["ثلاثة عناصر", "عنصرين", "أربعة عناصر", "خمسة عناصر"];

/// Undated reports with the same actors and type, several at each place, from several
/// outlets: nothing says two of them tell the same happening, so every story has one report.
#[test]
fn unrelated_undated_events_with_the_same_actors_stay_apart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let file = dir.path().join("undated.jsonl");
    let mut docs = Vec::new();
    for i in 0..24 {
        docs.push(report(
            &format!("undated-{i:02}"),
            OUTLETS[i % OUTLETS.len()],
            PLACES[i % PLACES.len()],
            DEAD[i % DEAD.len()],
            i / PLACES.len(),
            None,
        ));
    }
    write_jsonl(&file, &docs);
    ingest(&db, &file);
    let st = stories(&db);
    let docs: std::collections::BTreeSet<&str> = st
        .iter()
        .flat_map(|s| s["reports"].as_array().unwrap())
        .map(|r| r["doc"].as_str().unwrap())
        .collect();
    assert_eq!(docs.len(), 24, "every report stored and in a story");
    for s in &st {
        let reports = s["reports"].as_array().unwrap();
        assert_eq!(reports.len(), 1, "a story joined undated reports: {s}");
    }
}

/// Dated reports: happenings told by several outlets, in order, in reverse, and in two runs
/// (the first stopped halfway, as after a crash), into separate stores: the same stories with
/// the same ids.
#[test]
fn same_stories_and_ids_in_order_in_reverse_and_after_a_rerun() {
    let dir = tempfile::tempdir().unwrap();
    let mut docs = Vec::new();
    // Six happenings (place, day), three or four reports each; plus single reports.
    for h in 0..6 {
        let place = PLACES[h % 6];
        let day = format!("2019-03-{:02}", 3 + 2 * h);
        for r in 0..3 + h % 2 {
            docs.push(report(
                &format!("h{h}-r{r}"),
                OUTLETS[(h + r) % OUTLETS.len()],
                place,
                DEAD[h % DEAD.len()],
                r,
                Some(&day),
            ));
        }
    }
    for i in 0..6 {
        docs.push(report(
            &format!("single-{i}"),
            OUTLETS[i % OUTLETS.len()],
            PLACES[(i + 1) % 6],
            DEAD[(i + 1) % DEAD.len()],
            i,
            Some(&format!("2019-05-{:02}", 3 + 3 * i)),
        ));
    }
    let fwd = dir.path().join("fwd.jsonl");
    let rev = dir.path().join("rev.jsonl");
    let half = dir.path().join("half.jsonl");
    write_jsonl(&fwd, &docs);
    let mut r = docs.clone();
    r.reverse();
    write_jsonl(&rev, &r);
    write_jsonl(&half, &r[..r.len() / 2]);

    let (a, b, c) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("c"),
    );
    ingest(&a, &fwd);
    ingest(&b, &rev);
    ingest(&c, &half);
    ingest(&c, &fwd);
    let (sa, sb, sc) = (stories(&a), stories(&b), stories(&c));
    let shape = |v: &[Value]| -> Vec<(String, Vec<String>)> {
        v.iter()
            .map(|s| {
                let ev = s["events"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e.as_str().unwrap().to_string())
                    .collect();
                (s["id"].as_str().unwrap().to_string(), ev)
            })
            .collect()
    };
    assert_eq!(shape(&sa), shape(&sb), "in order vs reversed");
    assert_eq!(shape(&sa), shape(&sc), "in one run vs after a stopped run");
    assert_eq!(sa, sb, "the stories differ beyond their events");
    let joined = sa
        .iter()
        .filter(|s| s["reports"].as_array().unwrap().len() >= 2)
        .count();
    assert!(joined >= 4, "only {joined} stories of several reports");
    // Each story's reports stay in one day window (the happenings are two days apart).
    for s in &sa {
        let docs: std::collections::BTreeSet<String> = s["reports"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["doc"]
                    .as_str()
                    .unwrap()
                    .split('-')
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(docs.len(), 1, "a story mixes happenings: {s}");
    }
}
