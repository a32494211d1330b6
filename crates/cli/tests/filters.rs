//! The read commands as an analyst uses them: filters that resolve through the knowledge base
//! (Arabic or English names select the same events), dates checked, output fit for pipes, and a
//! missing store refused. Runs the binary on the seed articles.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;

fn seeds() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
    assert!(p.is_dir(), "../shared/seeds is missing");
    p
}

fn marsad(db: &Path) -> Command {
    let mut c = Command::cargo_bin("marsad").expect("binary built");
    c.env_remove("MARSAD_DB").arg("--db").arg(db);
    c
}

/// A store holding the seeds.
fn seeded() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = marsad(dir.path())
        .arg("ingest")
        .arg(seeds())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

/// The JSON lines a command prints (it must succeed).
fn json_lines(db: &Path, args: &[&str]) -> Vec<Value> {
    let out = marsad(db).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The exported events a filter selects.
fn selected(db: &Path, args: &[&str]) -> Vec<Value> {
    json_lines(db, &[&["export", "--format", "jsonl"][..], args].concat())
}

fn ids(events: &[Value]) -> BTreeSet<String> {
    events
        .iter()
        .map(|e| e["event_id"].as_str().unwrap().to_string())
        .collect()
}

fn actors(e: &Value) -> Vec<&str> {
    ["actor1", "actor2", "assoc_actor_1", "assoc_actor_2"]
        .iter()
        .filter_map(|k| e[k].as_str())
        .collect()
}

#[test]
fn arabic_and_english_actor_names_select_the_same_events() {
    let db = seeded();
    let all = selected(db.path(), &[]);
    let isis = selected(db.path(), &["--actor", "داعش"]);
    let sdf = selected(db.path(), &["--actor", "قسد"]);
    assert!(!isis.is_empty() && !sdf.is_empty());
    assert!(isis.len() < all.len());
    assert_eq!(
        ids(&isis),
        ids(&selected(db.path(), &["--actor", "Islamic State"]))
    );
    assert_eq!(
        ids(&sdf),
        ids(&selected(
            db.path(),
            &["--actor", "Syrian Democratic Forces"]
        ))
    );
    // Every selected event names the actor, and every event naming it is selected.
    let named = |e: &Value, who: &str| actors(e).iter().any(|a| a.starts_with(who));
    assert!(isis.iter().all(|e| named(e, "IS: ")));
    assert_eq!(
        ids(&isis),
        ids(&all
            .iter()
            .filter(|e| named(e, "IS: "))
            .cloned()
            .collect::<Vec<_>>())
    );
}

#[test]
fn a_short_english_name_is_a_word_not_a_substring() {
    let db = seeded();
    let all = selected(db.path(), &[]);
    assert!(
        all.iter()
            .any(|e| actors(e).iter().any(|a| a.starts_with("Asayish"))),
        "the seeds name the Asayish"
    );
    let is = selected(db.path(), &["--actor", "IS"]);
    assert_eq!(ids(&is), ids(&selected(db.path(), &["--actor", "داعش"])));
    for e in &is {
        assert!(
            actors(e).iter().any(|a| a.starts_with("IS: ")),
            "--actor IS selected an event without IS: {:?}",
            actors(e)
        );
    }
}

#[test]
fn types_by_arabic_or_acled_name_and_dates_by_month() {
    let db = seeded();
    let all = selected(db.path(), &[]);
    let battles = selected(db.path(), &["--type", "Battles"]);
    assert_eq!(
        ids(&battles),
        ids(&selected(db.path(), &["--type", "معارك"]))
    );
    assert!(battles.iter().all(|e| e["event_type"] == "Battles"));
    // A month selects its days; `/` separates as well as `-`.
    let dated: Vec<&Value> = all.iter().filter(|e| e["event_date"].is_string()).collect();
    assert!(!dated.is_empty());
    let month = &dated[0]["event_date"].as_str().unwrap()[..7];
    let in_month = all
        .iter()
        .filter(|e| {
            e["event_date"]
                .as_str()
                .is_some_and(|d| d.starts_with(month))
        })
        .count();
    let by_month = selected(db.path(), &["--since", month, "--until", month]);
    assert_eq!(by_month.len(), in_month);
    let slashed = month.replace('-', "/");
    assert_eq!(
        ids(&selected(
            db.path(),
            &["--since", &format!("{slashed}/01"), "--until", month]
        )),
        ids(&by_month)
    );
}

#[test]
fn bad_filters_exit_non_zero_and_say_why() {
    let db = seeded();
    for (args, field) in [
        (&["--since", "notadate"][..], "--since"),
        (&["--until", "2017-13"][..], "--until"),
        (
            &["--since", "2018-01-01", "--until", "2017-01-01"][..],
            "--since",
        ),
        (&["--actor", "no such group anywhere"][..], "--actor"),
        (&["--type", "picnic"][..], "--type"),
    ] {
        let out = marsad(db.path()).arg("events").args(args).output().unwrap();
        assert!(!out.status.success(), "{args:?} succeeded");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(field), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?} printed a table");
    }
}

#[test]
fn read_commands_refuse_a_store_that_does_not_exist() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("typo");
    for cmd in [&["events"][..], &["show", "x"], &["export"], &["stories"]] {
        let out = marsad(&missing).args(cmd).output().unwrap();
        assert!(!out.status.success(), "{cmd:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("no marsad store"),
            "{cmd:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(!missing.exists(), "a read command created the store");
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let db = seeded();
    let mut child = marsad(db.path())
        .args(["export", "--format", "csv"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one byte and hang up, as `head -c1` does.
    let mut first = [0u8; 1];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("Broken pipe") && !err.contains("error"),
        "{err}"
    );
}

#[test]
fn show_prints_values_and_the_table_tells_events_apart() {
    let db = seeded();
    let all = selected(db.path(), &[]);
    let doc = all[0]["doc"].as_str().unwrap();
    let out = marsad(db.path()).args(["show", doc]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("Some("), "{text}");
    assert!(!text.contains("None"), "{text}");
    let out = marsad(db.path()).arg("events").output().unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    let shown: Vec<&str> = table
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| !w.chars().all(|c| c.is_ascii_digit()))
        .collect();
    let distinct: BTreeSet<&&str> = shown.iter().collect();
    assert_eq!(shown.len(), all.len(), "{table}");
    assert_eq!(
        distinct.len(),
        shown.len(),
        "ids in the table collide: {table}"
    );
}

/// `stats`: what scripts count a store by, without SQL of their own; a missing store refused.
#[test]
fn stats_counts_the_store_and_refuses_a_missing_one() {
    let dir = seeded();
    let out = marsad(dir.path())
        .args(["stats", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["integrity"], "ok");
    let seeds = std::fs::read_dir(seeds()).unwrap().count() as u64;
    assert_eq!(v["documents"].as_u64(), Some(seeds));
    assert_eq!(v["distinct_texts"].as_u64(), Some(seeds));
    assert_eq!(
        v["events"].as_u64().unwrap(),
        selected(dir.path(), &[]).len() as u64
    );
    let missing = dir.path().join("nowhere");
    let out = marsad(&missing).arg("stats").output().unwrap();
    assert!(!out.status.success());
    assert!(!missing.exists(), "a read command created a store");
}

/// `stories` filters resolve as the event filters do: an Arabic alias selects the stories the
/// English name does, and a bad date is refused.
#[test]
fn story_filters_resolve_through_the_knowledge_base() {
    let dir = seeded();
    let stories = |args: &[&str]| -> BTreeSet<String> {
        let cmd = [&["stories", "--format", "jsonl", "--no-explain"][..], args].concat();
        json_lines(dir.path(), &cmd)
            .iter()
            .map(|v| v["id"].to_string())
            .collect()
    };
    let all = stories(&[]);
    let sdf = stories(&["--actor", "SDF"]);
    assert!(
        !sdf.is_empty() && sdf.len() < all.len(),
        "{sdf:?} of {all:?}"
    );
    assert_eq!(stories(&["--actor", "قسد"]), sdf);
    let out = marsad(dir.path())
        .args(["stories", "--since", "notadate"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--since"));
}
