//! Index, query, highlight and filter tests on small documents written for them.

mod common;

use common::{document, empty_analysis, kb};
use marsad_extract::{ActorRef, Analysis, Event, EventDate, Location, Span, Stance};
use marsad_ingest::Document;
use marsad_search::{query_form, Config, Filter, Hit, SearchIndex};
use marsad_text::normalize_key;

const A: &str = "اتفقت قوّات سورية الديموقراطية ووجهاءُ العشائر على الهدنة في ريف دير الزور، \
                 وقالت مصادر «محلية» إن الهدنـــة صامدة.";
const B: &str = "قصفت المدفعية قرية قرب منبج صباح اليوم، دون أنباء عن إصابات.";
const C: &str = "قالت قسد إن عناصرها صدّوا هجوماً على نقطة لها في الرقة.";

fn span(text: &str, needle: &str) -> Span {
    let start = text.find(needle).expect("needle");
    Span {
        text: needle.to_string(),
        start,
        end: start + needle.len(),
    }
}

/// A hand-made event (so the field tests do not depend on extraction rules).
fn event(doc: &Document, n: usize, actor: (&str, &str), place: (&str, &str, &str)) -> Event {
    Event {
        id: format!("{}#{n}", doc.id),
        doc: doc.id.clone(),
        event_type: "Strategic developments".into(),
        sub_event_type: "Agreement".into(),
        frame: "truce".into(),
        actor1: Some(ActorRef {
            id: actor.0.into(),
            name: actor.1.into(),
            evidence: None,
            kind: Default::default(),
        }),
        actor2: None,
        assoc_actor_1: None,
        assoc_actor_2: None,
        location: Some(Location {
            place_id: place.0.into(),
            name: place.1.into(),
            name_ar: place.2.into(),
            country: "Syria".into(),
            admin1: Some(place.1.into()),
            admin2: None,
            admin3: None,
            latitude: None,
            longitude: None,
            geo_precision: 2,
            evidence: span(&doc.text, place.2),
        }),
        date: EventDate::default(),
        fatalities: None,
        injured: None,
        arrested: None,
        source: None,
        source_scale: None,
        cited_source: None,
        stance: Stance::Asserted,
        evidence: span(&doc.text, place.2),
        claims: Vec::new(),
        truce: None,
    }
}

fn docs() -> Vec<(Document, Analysis)> {
    let a = document("a", Some("هدنة في ريف دير الزور"), Some("2024-05-01"), A);
    let b = document("b", Some("قصف قرب منبج"), Some("2024-05-10"), B);
    let c = document("c", None, Some("2024-06-01T08:30:00Z"), C);
    let mut an_a = empty_analysis(&a);
    an_a.events.push(event(
        &a,
        1,
        ("sdf", "QSD: Syrian Democratic Forces"),
        ("sy-deir-ez-zor", "Deir ez-Zor", "دير الزور"),
    ));
    let an_b = empty_analysis(&b);
    let mut an_c = empty_analysis(&c);
    an_c.events.push(event(
        &c,
        1,
        ("sdf", "QSD: Syrian Democratic Forces"),
        ("sy-ar-raqqa", "Ar-Raqqa", "الرقة"),
    ));
    an_c.events[0].event_type = "Battles".into();
    an_c.events[0].sub_event_type = "Armed clash".into();
    an_c.events[0].frame = "clash".into();
    vec![(a, an_a), (b, an_b), (c, an_c)]
}

fn index_with(config: Config) -> SearchIndex {
    let mut idx = SearchIndex::in_memory_with(config, Some(kb().clone())).expect("index");
    for (d, a) in docs() {
        idx.add(&d, &a).expect("add");
    }
    idx.commit().expect("commit");
    idx
}

fn index() -> SearchIndex {
    index_with(Config::default())
}

fn ids(hits: &[Hit]) -> Vec<&str> {
    let mut v: Vec<&str> = hits.iter().map(|h| h.doc.as_str()).collect();
    v.sort();
    v
}

fn search(idx: &SearchIndex, q: &str) -> Vec<Hit> {
    idx.search(q, 10)
        .unwrap_or_else(|e| panic!("{q}: {e} ({})", idx.expanded(q)))
}

#[test]
fn alias_expansion_finds_the_long_form() {
    let idx = index();
    // "a" never says قسد, only "قوات سورية الديموقراطية" and "الهدنة"; "c" says قسد, no truce.
    assert_eq!(ids(&search(&idx, "هدنة قسد")), vec!["a"]);
    assert_eq!(ids(&search(&idx, "قسد")), vec!["a", "c"]);
    // Without expansion only the literal word is found.
    let plain = index_with(Config {
        expand_aliases: false,
        ..Config::default()
    });
    assert!(search(&plain, "هدنة قسد").is_empty());
    assert_eq!(ids(&search(&plain, "قسد")), vec!["c"]);
}

#[test]
fn proclitics_and_suffixes_match() {
    let idx = index();
    // والهدنة / الهدنة / هدنة all meet.
    assert_eq!(ids(&search(&idx, "والهدنة")), vec!["a"]);
    assert_eq!(ids(&search(&idx, "هدنه")), vec!["a"]);
    // عناصرها → عناصر
    assert_eq!(ids(&search(&idx, "عناصر")), vec!["c"]);
    // Diacritics in the query are ignored too.
    assert_eq!(ids(&search(&idx, "قُوّات")), vec!["a"]);
}

#[test]
fn phrase_and_boolean_queries() {
    let idx = index();
    assert_eq!(ids(&search(&idx, "\"ريف دير الزور\"")), vec!["a"]);
    assert!(search(&idx, "\"الزور دير\"").is_empty());
    assert_eq!(ids(&search(&idx, "منبج OR الرقة")), vec!["b", "c"]);
    assert!(search(&idx, "منبج AND الرقة").is_empty());
    assert_eq!(ids(&search(&idx, "+قالت -منبج")), vec!["a", "c"]);
    assert_eq!(ids(&search(&idx, "قالت -الرقة")), vec!["a"]);
    // Bare words are AND-ed.
    assert_eq!(ids(&search(&idx, "قصفت منبج")), vec!["b"]);
    assert!(search(&idx, "قصفت الرقة").is_empty());
}

#[test]
fn field_queries() {
    let idx = index();
    assert_eq!(ids(&search(&idx, "actor:sdf")), vec!["a", "c"]);
    assert_eq!(
        ids(&search(&idx, "actor:\"syrian democratic forces\"")),
        vec!["a", "c"]
    );
    assert_eq!(ids(&search(&idx, "place:\"deir ez-zor\"")), vec!["a"]);
    assert_eq!(ids(&search(&idx, "place:الرقة")), vec!["c"]);
    assert_eq!(ids(&search(&idx, "type:battles")), vec!["c"]);
    assert_eq!(ids(&search(&idx, "type:truce")), vec!["a"]);
    assert_eq!(ids(&search(&idx, "outlet:marsad")), vec!["a", "b", "c"]);
    assert_eq!(ids(&search(&idx, "title:منبج")), vec!["b"]);
}

#[test]
fn filters_and_dates() {
    let idx = index();
    let f = |since: Option<&str>, until: Option<&str>| Filter {
        since: since.map(str::to_string),
        until: until.map(str::to_string),
        ..Filter::default()
    };
    let all = "قالت OR منبج";
    assert_eq!(
        ids(&idx.search_filtered(all, &f(None, None), 10).unwrap()),
        vec!["a", "b", "c"]
    );
    assert_eq!(
        ids(&idx
            .search_filtered(all, &f(Some("2024-05-10"), None), 10)
            .unwrap()),
        vec!["b", "c"]
    );
    assert_eq!(
        ids(&idx
            .search_filtered(all, &f(None, Some("2024-05-10")), 10)
            .unwrap()),
        vec!["a", "b"]
    );
    assert_eq!(
        ids(&idx
            .search_filtered("", &f(Some("2024-05-02"), Some("2024-05-31")), 10)
            .unwrap()),
        vec!["b"]
    );
    let actor = Filter {
        actor: Some("sdf".into()),
        ..Filter::default()
    };
    assert_eq!(
        ids(&idx.search_filtered("قالت", &actor, 10).unwrap()),
        vec!["a", "c"]
    );
    let place = Filter {
        place: Some("Ar-Raqqa".into()),
        event_type: Some("Armed clash".into()),
        ..Filter::default()
    };
    assert_eq!(
        ids(&idx.search_filtered("", &place, 10).unwrap()),
        vec!["c"]
    );
    assert!(idx
        .search_filtered("قالت", &f(Some("2024/05/01"), None), 10)
        .is_err());
}

#[test]
fn highlights_slice_the_original() {
    let idx = index();
    let hits = search(&idx, "هدنة قسد");
    assert_eq!(hits.len(), 1);
    let h = &hits[0];
    assert!(!h.highlights.is_empty());
    let slices: Vec<&str> = h.highlights.iter().map(|r| &A[r.clone()]).collect();
    // Both spellings of the truce word, with and without tatweel, are highlighted as written.
    assert!(slices.contains(&"الهدنة"), "{slices:?}");
    assert!(slices.contains(&"الهدنـــة"), "{slices:?}");
    assert!(slices.contains(&"قوّات"), "{slices:?}");
    for s in &slices {
        assert!(A.contains(s));
        assert!(h.snippet.contains(&format!("«{s}»")), "{}", h.snippet);
    }
    // Every highlight normalizes to a query form of the query or its aliases.
    let forms: Vec<String> = ["هدنة", "قوات", "سورية", "الديموقراطية"]
        .iter()
        .map(|w| query_form(&normalize_key(w)).to_string())
        .collect();
    for s in &slices {
        let k = query_form(&normalize_key(s)).to_string();
        assert!(forms.contains(&k), "{s} -> {k}");
    }
    assert_eq!(h.title.as_deref(), Some("هدنة في ريف دير الزور"));
    assert!(h.score > 0.0);
}

#[test]
fn re_adding_replaces() {
    let mut idx = index();
    assert_eq!(idx.num_docs(), 3);
    let (a, an) = docs().remove(0);
    idx.add(&a, &an).unwrap();
    idx.add(&a, &an).unwrap();
    idx.commit().unwrap();
    assert_eq!(idx.num_docs(), 3);
    assert_eq!(search(&idx, "هدنة").len(), 1);
    // A new version replaces the old text.
    let a2 = document("a", None, Some("2024-05-01"), "نص جديد عن معبر حدودي.");
    idx.add(&a2, &empty_analysis(&a2)).unwrap();
    idx.commit().unwrap();
    assert_eq!(idx.num_docs(), 3);
    assert!(search(&idx, "هدنة").is_empty());
    assert_eq!(ids(&search(&idx, "معبر")), vec!["a"]);
    idx.delete("a").unwrap();
    idx.commit().unwrap();
    assert_eq!(idx.num_docs(), 2);
}

#[test]
fn on_disk_reopen() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut idx = SearchIndex::open_or_create(dir.path()).unwrap();
        for (d, a) in docs() {
            idx.add(&d, &a).unwrap();
        }
        idx.commit().unwrap();
    }
    let idx = SearchIndex::open_or_create(dir.path()).unwrap();
    assert_eq!(idx.num_docs(), 3);
    assert_eq!(ids(&search(&idx, "هدنة قسد")), vec!["a"]);
}

#[test]
fn bad_syntax_is_lenient_or_an_error() {
    let idx = index();
    // A stray quote or parenthesis still searches the words.
    assert_eq!(ids(&search(&idx, "منبج (")), vec!["b"]);
    assert!(idx.search("", 10).unwrap().is_empty());
    assert!(idx.search("منبج", 0).unwrap().is_empty());
}

/// Issue 12: queries past the limits are refused before tantivy parses them (2,500 nested
/// parentheses or 3,000 `NOT`s overflowed the stack and aborted the process), and the index
/// answers the next query.
#[test]
fn hostile_queries_are_refused_and_the_index_keeps_answering() {
    use marsad_search::{Error, LimitError};
    let idx = index();
    let nested = format!("{}x{}", "(".repeat(2_500), ")".repeat(2_500));
    let nots = format!("{}x", "NOT ".repeat(3_000));
    let many = "قصف ".repeat(500);
    for q in [&nested, &nots, &many] {
        match idx.search(q, 10) {
            Err(e @ Error::Limit(_)) => assert!(e.is_user_error()),
            other => panic!("{}: {other:?}", &q[..20]),
        }
    }
    // Deep but short (within the byte limit): refused for its depth.
    let deep = format!("{}x{}", "(".repeat(500), ")".repeat(500));
    assert!(matches!(
        idx.search(&deep, 10),
        Err(Error::Limit(LimitError::TooDeep { max: 16 }))
    ));
    // Filters are bounded too.
    let f = Filter {
        actor: Some("x".repeat(10_000)),
        ..Filter::default()
    };
    assert!(matches!(
        idx.search_filtered("قسد", &f, 10),
        Err(Error::InvalidFilter(_))
    ));
    assert_eq!(ids(&search(&idx, "قسد")), vec!["a", "c"]);
}

/// The deepest and longest queries the limits let through parse and run on a test thread's
/// small stack, alias expansion included (it adds one level per expanded name).
#[test]
fn queries_at_the_limits_run() {
    let idx = index();
    let at_depth = format!("{}قسد{}", "(".repeat(16), ")".repeat(16));
    assert_eq!(ids(&search(&idx, &at_depth)), vec!["a", "c"]);
    let nots = format!("قصف AND {}قسد", "NOT ".repeat(15));
    let _ = search(&idx, &nots);
    let mixed = "NOT (".repeat(8) + "الرقة" + &")".repeat(8);
    let _ = search(&idx, &mixed);
    let wide = "(قسد OR الرقة) ".repeat(32);
    let _ = search(&idx, wide.trim());
}

/// `title:*` (an existence query on a field without fast values) is the user's mistake: a
/// query error, not an index failure.
#[test]
fn existence_query_on_a_text_field_is_a_query_error() {
    let idx = index();
    let e = idx.search("title:*", 10).unwrap_err();
    assert!(e.is_user_error(), "{e:?}");
    assert!(e.to_string().contains("title"), "{e}");
}

/// Query regressions (`tests-data/regressions/query/`: the probe's shapes, hand-written
/// syntax edge cases, and inputs kept from the `query` fuzz target): each runs through the
/// search with the fuzz target's checks: no panic or overflow, a query past the limits is
/// refused by the limit check, and every other error is the query's, not the index's.
#[test]
fn query_regressions_are_refused_or_answered() {
    use marsad_search::{check_query, Error, QueryLimits};
    let idx = index();
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests-data/regressions/query");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("regression directory") {
        let path = entry.unwrap().path();
        let q = std::fs::read_to_string(&path).unwrap();
        let within = check_query(&q, &QueryLimits::DEFAULT);
        match idx.search(&q, 5) {
            Ok(_) => assert!(
                within.is_ok(),
                "{}: searched past the limits",
                path.display()
            ),
            Err(Error::Limit(e)) => assert_eq!(within, Err(e), "{}", path.display()),
            Err(e) => {
                assert!(within.is_ok(), "{}: {within:?} but {e:?}", path.display());
                assert!(e.is_user_error(), "{}: {e:?}", path.display());
            }
        }
        n += 1;
    }
    assert!(n >= 10, "{n} regression inputs");
}
