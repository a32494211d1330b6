//! Event quality on real articles, end to end: `scripts/eval.sh` runs this build's `marsad
//! extract` on the articles of the development set and the team's gold, and the project's scorer
//! (`../shared/eval/score_events.py`) scores them. The *check* articles are never read while
//! writing rules (eval/split.py), so these figures are the honest ones.
//!
//! The floors are today's measured figures less a small margin for rounding, so a change that
//! makes real-article extraction worse fails here; docs/QUALITY.md has the full table. They are
//! far below the targets (typed F1 0.65 on check): see docs/QUALITY.md.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn score(dir: &Path, row: &str) -> Value {
    let path = dir.join("scores").join(format!("{row}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (did scripts/eval.sh run?)", path.display()));
    serde_json::from_str(&text).expect("scorer JSON")
}

fn f1(v: &Value, kind: &str) -> f64 {
    v[kind]["f1"].as_f64().expect("f1")
}

#[test]
fn check_articles_score_above_the_floor_and_the_keyword_baseline() {
    let shared = repo().join("../shared");
    assert!(
        shared.join("gold/dev.jsonl").is_file(),
        "../shared/gold/dev.jsonl is missing: this test scores against it"
    );
    let out = tempfile::tempdir().expect("temp dir");
    let status = Command::new("bash")
        .arg(repo().join("scripts/eval.sh"))
        .current_dir(repo())
        .env("NO_BUILD", "1")
        .env("MARSAD_BIN", env!("CARGO_BIN_EXE_marsad"))
        .env("EVAL_OUT", out.path())
        .env("SHARED", &shared)
        .status()
        .expect("running scripts/eval.sh");
    assert!(status.success(), "scripts/eval.sh failed");

    let seeds = score(out.path(), "seeds");
    let dev = score(out.path(), "dev_check");
    let team = score(out.path(), "team_check");
    let dev_floor = score(out.path(), "floor__dev_check");
    let team_floor = score(out.path(), "floor__team_check");

    // The seeds: the articles the project started from stay coded.
    assert!(
        f1(&seeds, "typed") >= 0.85,
        "seeds typed F1 {}",
        f1(&seeds, "typed")
    );
    // The check part of the development set and of the team's gold.
    assert!(
        f1(&dev, "typed") >= 0.44,
        "dev check typed F1 {}",
        f1(&dev, "typed")
    );
    assert!(
        f1(&dev, "untyped") >= 0.60,
        "dev check untyped F1 {}",
        f1(&dev, "untyped")
    );
    assert!(
        f1(&team, "typed") >= 0.49,
        "team check typed F1 {}",
        f1(&team, "typed")
    );
    assert!(
        f1(&team, "untyped") >= 0.58,
        "team check untyped F1 {}",
        f1(&team, "untyped")
    );
    // Better than one event per sentence with a trigger word, typed.
    assert!(f1(&dev, "typed") > f1(&dev_floor, "typed") + 0.1);
    assert!(f1(&team, "typed") > f1(&team_floor, "typed") + 0.1);
    // Fields of the matched events.
    assert!(dev["fields"]["actors_jaccard"].as_f64().unwrap() >= 0.68);
    // Location as scored pairs the events of one list ("بلدات كفربطنا وعربين ودوما"), which
    // carry the same cue, by order: one list item more or less than the gold shifts the places
    // of all the others. So the floor is on both: as scored, and with those ties paired by
    // place (`eval/location_ties.py`, a diagnostic beside the scorer).
    // 0.69: the eighth session's verbs of achieving ("وتمكن الجيش من السيطرة على") found two
    // more dev check events, with places only partly right, so the share per match fell from
    // 0.710 to 0.692 while typed F1 rose from 0.465 to 0.479 (docs/QUALITY.md, ninth pass).
    // 0.68: the ninth session's longer evidence (a sentence of up to 60 words taken whole) added
    // one dev check match whose place is only its governorate: 0.692 -> 0.689, typed F1 0.479 ->
    // 0.488.
    assert!(dev["fields"]["location"].as_f64().unwrap() >= 0.68);
    let ties = Command::new("python3")
        .arg(repo().join("eval/location_ties.py"))
        .arg(out.path().join("check.jsonl"))
        .arg(out.path().join("pred.jsonl"))
        .output()
        .expect("running eval/location_ties.py");
    assert!(ties.status.success(), "eval/location_ties.py failed");
    let line = String::from_utf8_lossy(&ties.stdout);
    let by_place: f64 = line
        .trim()
        .rsplit(' ')
        .next()
        .and_then(|x| x.parse().ok())
        .unwrap_or_else(|| panic!("unexpected location_ties output: {line}"));
    assert!(
        by_place >= 0.76,
        "dev check location, ties paired by place: {by_place}"
    );
}
