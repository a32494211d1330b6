use super::*;
use marsad_extract::{ActorRef, Approx, Claim, Count, EventDate, Truce};
use marsad_kb::{Actor, ActorKind, Outlet, Place, PlaceKind};

// ---------------------------------------------------------------- builders

fn actor(id: &str, name: &str, kind: ActorKind, parent: Option<&str>) -> Actor {
    Actor {
        id: id.into(),
        name: name.into(),
        kind,
        country: Some("SY".into()),
        parent: parent.map(Into::into),
        aliases: vec![],
        anaphors: vec![],
        pro_government: false,
        air_power: false,
        side: None,
    }
}

#[allow(clippy::too_many_arguments)]
fn place(
    id: &str,
    kind: PlaceKind,
    name: &str,
    admin1: &str,
    admin2: Option<&str>,
    lat: f64,
    lon: f64,
    parent: Option<&str>,
) -> Place {
    Place {
        id: id.into(),
        kind,
        name: name.into(),
        name_ar: String::new(),
        variants: vec![],
        country: "SY".into(),
        admin1: Some(admin1.into()),
        admin2: admin2.map(Into::into),
        admin3: None,
        lat: Some(lat),
        lon: Some(lon),
        parent: parent.map(Into::into),
        needs_context: false,
        source: "test".into(),
        bulk_village: false,
    }
}

fn kb() -> Arc<KnowledgeBase> {
    let mut kb = KnowledgeBase::default();
    kb.actors = vec![
        actor("sdf", "SDF", ActorKind::PoliticalMilitia, None),
        actor(
            "asayish",
            "Asayish",
            ActorKind::PoliticalMilitia,
            Some("sdf"),
        ),
        actor("ypg", "YPG", ActorKind::PoliticalMilitia, Some("sdf")),
        actor("isis", "ISIS", ActorKind::RebelGroup, None),
        actor(
            "turkey",
            "Military Forces of Turkey",
            ActorKind::ExternalForce,
            None,
        ),
        actor("civilians", "Civilians (Syria)", ActorKind::Civilians, None),
        actor(
            "unknown",
            "Unidentified Armed Group (Syria)",
            ActorKind::Other,
            None,
        ),
    ];
    kb.places = vec![
        place(
            "sy-dez",
            PlaceKind::Governorate,
            "Deir ez-Zor",
            "Deir ez-Zor",
            None,
            35.33,
            40.14,
            None,
        ),
        place(
            "sy-dez-mayadin",
            PlaceKind::District,
            "Al-Mayadin",
            "Deir ez-Zor",
            Some("Al-Mayadin"),
            35.02,
            40.45,
            Some("sy-dez"),
        ),
        place(
            "sy-dhiban",
            PlaceKind::Village,
            "Dhiban",
            "Deir ez-Zor",
            Some("Al-Mayadin"),
            35.01,
            40.50,
            Some("sy-dez-mayadin"),
        ),
        place(
            "sy-busayrah",
            PlaceKind::Town,
            "Al-Busayrah",
            "Deir ez-Zor",
            Some("Deir ez-Zor"),
            35.15,
            40.43,
            Some("sy-dez"),
        ),
        place(
            "sy-raqqa",
            PlaceKind::Governorate,
            "Ar-Raqqa",
            "Ar-Raqqa",
            None,
            35.95,
            39.01,
            None,
        ),
    ];
    kb.outlets = vec![
        Outlet {
            id: "sohr".into(),
            name: "SOHR".into(),
            aliases: vec!["المرصد السوري".into()],
            ambiguous: false,
            ..Default::default()
        },
        Outlet {
            id: "enab".into(),
            name: "Enab Baladi".into(),
            aliases: vec!["عنب بلدي".into()],
            ambiguous: false,
            ..Default::default()
        },
    ];
    Arc::new(kb)
}

fn span(t: &str) -> Span {
    Span {
        text: t.into(),
        start: 0,
        end: t.len(),
    }
}

fn aref(id: &str) -> ActorRef {
    ActorRef {
        id: id.into(),
        name: id.to_uppercase(),
        evidence: None,
        kind: Default::default(),
    }
}

fn loc(k: &KnowledgeBase, place_id: &str, name: &str, precision: u8) -> Location {
    let p = k.places.iter().find(|p| p.id == place_id).unwrap();
    Location {
        place_id: place_id.into(),
        name: name.into(),
        name_ar: String::new(),
        country: "SY".into(),
        admin1: p.admin1.clone(),
        admin2: p.admin2.clone(),
        admin3: None,
        latitude: p.lat,
        longitude: p.lon,
        geo_precision: precision,
        evidence: span(name),
    }
}

struct B(Event);

impl B {
    fn new(doc: &str, n: usize, sub: &str) -> Self {
        let event_type = match sub {
            "Agreement" | "Arrests" => "Strategic developments",
            "Armed clash" => "Battles",
            _ => "Explosions/Remote violence",
        };
        B(Event {
            id: format!("{doc}#{n}"),
            doc: doc.into(),
            event_type: event_type.into(),
            sub_event_type: sub.into(),
            frame: String::new(),
            actor1: None,
            actor2: None,
            assoc_actor_1: None,
            assoc_actor_2: None,
            location: None,
            date: EventDate::default(),
            fatalities: None,
            injured: None,
            arrested: None,
            source: None,
            source_scale: None,
            cited_source: None,
            stance: Stance::Asserted,
            evidence: span("evidence"),
            claims: vec![Claim {
                evidence: span("evidence"),
                stance: Stance::Asserted,
                cited_source: None,
                headline: false,
            }],
            truce: None,
        })
    }
    fn actors(mut self, a1: Option<&str>, a2: Option<&str>) -> Self {
        self.0.actor1 = a1.map(aref);
        self.0.actor2 = a2.map(aref);
        self
    }
    fn at(mut self, l: Location) -> Self {
        self.0.location = Some(l);
        self
    }
    fn on(mut self, date: &str, precision: u8) -> Self {
        self.0.date = EventDate {
            date: Some(date.into()),
            time_precision: Some(precision),
            evidence: None,
            source: None,
        };
        self
    }
    fn killed(mut self, n: u64) -> Self {
        self.0.fatalities = Some(Count {
            value: n,
            approx: Approx::Exact,
            evidence: vec![span("killed")],
        });
        self
    }
    fn stance(mut self, s: Stance) -> Self {
        self.0.stance = s;
        self
    }
    fn cited(mut self, c: &str) -> Self {
        self.0.cited_source = Some(span(c));
        self
    }
    fn truce(mut self, days: u32, start: Option<&str>) -> Self {
        self.0.truce = Some(Truce {
            parties: vec!["SDF".into(), "ISIS".into()],
            start: start.map(Into::into),
            duration_days: Some(days),
            ..Truce::default()
        });
        self
    }
    fn done(self) -> Event {
        self.0
    }
}

fn linker() -> (Linker, Arc<KnowledgeBase>) {
    let k = kb();
    (Linker::new(k.clone(), LinkConfig::default()), k)
}

fn ied(k: &KnowledgeBase, doc: &str, place_id: &str, name: &str, date: &str) -> B {
    B::new(doc, 0, "Remote explosive/landmine/IED")
        .actors(Some("unknown"), Some("sdf"))
        .at(loc(k, place_id, name, 1))
        .on(date, 1)
}

/// The partition as sorted sets of event ids.
fn partition(l: &Linker) -> Vec<Vec<String>> {
    let mut p: Vec<Vec<String>> = l
        .stories()
        .iter()
        .map(|s| {
            let mut v = s.events.clone();
            v.sort();
            v
        })
        .collect();
    p.sort();
    p
}

// ---------------------------------------------------------------- tests

#[test]
fn same_ied_two_outlets_is_one_corroborated_story() {
    let (mut l, k) = linker();
    let a = ied(&k, "d1", "sy-dhiban", "Dhiban", "2024-03-10")
        .killed(3)
        .done();
    let b = ied(&k, "d2", "sy-dhiban", "Dhiban", "2024-03-11")
        .actors(Some("unknown"), Some("asayish"))
        .killed(4)
        .done();
    let da = l.add(Some("SOHR"), &[a]);
    assert!(da[0].new_story);
    let db = l.add(Some("Enab Baladi"), &[b]);
    assert_eq!(db[0].story_id, da[0].story_id);
    assert!(!db[0].new_story);
    let LinkOutcome::Joined(ex) = &db[0].explanation else {
        panic!("expected a join: {:?}", db[0]);
    };
    assert!(ex.agreed.iter().any(|a| a == "sub_event_type"));
    assert!(
        ex.agreed.iter().any(|a| a == "actors: SDF"),
        "{:?}",
        ex.agreed
    );
    assert!(ex.agreed.iter().any(|a| a == "place: Dhiban"));
    assert!(ex
        .agreed
        .iter()
        .any(|a| a == "date: 1 day apart (window 1)"));
    assert_eq!(l.stories().len(), 1);
    let s = &l.stories()[0];
    assert_eq!(s.events.len(), 2);
    assert_eq!(s.outlets, 2);
    assert_eq!(
        s.fatalities,
        Some(Figure {
            low: 3,
            best: 3,
            high: 4,
            reports: 2
        })
    );
    assert_eq!(s.status, StoryStatus::Corroborated, "{}", s.status_reason);
    assert_eq!(s.links.len(), 1);
    assert_eq!(
        s.date_range,
        (Some("2024-03-10".into()), Some("2024-03-11".into()))
    );
}

#[test]
fn best_figure_prefers_named_source_and_median() {
    let (mut l, k) = linker();
    // Anonymous source says 10; the named one (an outlet) says 4; the outlet's own word says 6.
    let a = ied(&k, "d1", "sy-dhiban", "Dhiban", "2024-03-10")
        .killed(10)
        .cited("مصادر محلية")
        .done();
    let b = ied(&k, "d2", "sy-dhiban", "Dhiban", "2024-03-10")
        .killed(4)
        .cited("المرصد السوري لحقوق الإنسان")
        .done();
    let c = ied(&k, "d3", "sy-dhiban", "Dhiban", "2024-03-10")
        .killed(6)
        .done();
    l.add(Some("Deir Ezzor 24"), &[a]);
    l.add(Some("Enab Baladi"), &[b]);
    l.add(Some("Zaman al-Wasl"), &[c]);
    let s = &l.stories()[0];
    let f = s.fatalities.unwrap();
    assert_eq!((f.low, f.best, f.high, f.reports), (4, 4, 10, 3));
    // 4 vs 10 is more than a factor of 2.
    assert_eq!(s.status, StoryStatus::Contested);
    assert!(
        s.status_reason.contains("factor of 2"),
        "{}",
        s.status_reason
    );
}

#[test]
fn median_not_mean_among_equals() {
    let (mut l, k) = linker();
    for (i, n) in [5u64, 6, 9].iter().enumerate() {
        let e = ied(&k, &format!("d{i}"), "sy-dhiban", "Dhiban", "2024-03-10")
            .killed(*n)
            .done();
        l.add(Some(&format!("outlet{i}")), &[e]);
    }
    let f = l.stories()[0].fatalities.unwrap();
    assert_eq!((f.low, f.best, f.high), (5, 6, 9));
}

#[test]
fn denial_makes_story_contested() {
    let (mut l, k) = linker();
    let a = ied(&k, "d1", "sy-dhiban", "Dhiban", "2024-03-10")
        .killed(3)
        .done();
    let b = ied(&k, "d2", "sy-dhiban", "Dhiban", "2024-03-10")
        .stance(Stance::Denied)
        .done();
    l.add(Some("SOHR"), &[a]);
    l.add(Some("Enab Baladi"), &[b]);
    assert_eq!(l.stories().len(), 1);
    let s = &l.stories()[0];
    assert_eq!(s.status, StoryStatus::Contested);
    assert!(s.status_reason.contains("denial"), "{}", s.status_reason);
}

#[test]
fn relayed_report_is_not_corroboration() {
    let (mut l, k) = linker();
    let a = ied(&k, "d1", "sy-dhiban", "Dhiban", "2024-03-10").done();
    let b = ied(&k, "d2", "sy-dhiban", "Dhiban", "2024-03-10")
        .cited("المرصد السوري لحقوق الإنسان")
        .done();
    l.add(Some("SOHR"), &[a]);
    l.add(Some("Enab Baladi"), &[b]);
    let s = &l.stories()[0];
    assert_eq!(s.outlets, 2);
    assert_eq!(s.status, StoryStatus::SingleSource);
    assert!(
        s.status_reason.contains("Enab Baladi cites SOHR"),
        "{}",
        s.status_reason
    );
}

#[test]
fn two_ieds_in_two_villages_stay_apart() {
    let (mut l, k) = linker();
    let a = ied(&k, "d1", "sy-dhiban", "Dhiban", "2024-03-10").done();
    let b = ied(&k, "d2", "sy-busayrah", "Al-Busayrah", "2024-03-10").done();
    l.add(Some("SOHR"), &[a]);
    let d = l.add(Some("Enab Baladi"), &[b]);
    assert_eq!(l.stories().len(), 2);
    assert!(d[0].new_story);
    let LinkOutcome::KeptApart(k) = &d[0].explanation else {
        panic!("expected kept apart: {:?}", d[0]);
    };
    assert!(k.best_candidate.is_some());
    assert!(
        k.reasons
            .iter()
            .any(|r| r.starts_with("place: Al-Busayrah vs Dhiban")),
        "{:?}",
        k.reasons
    );
}

#[test]
fn village_inside_countryside_links() {
    let (mut l, k) = linker();
    let a = ied(&k, "d1", "sy-dhiban", "Dhiban", "2024-03-10").done();
    let b = B::new("d2", 0, "Remote explosive/landmine/IED")
        .actors(None, Some("ypg"))
        .at(loc(&k, "sy-dez", "Deir ez-Zor countryside", 3))
        .on("2024-03-11", 1)
        .done();
    l.add(Some("SOHR"), &[a]);
    let d = l.add(Some("Enab Baladi"), &[b]);
    let LinkOutcome::Joined(ex) = &d[0].explanation else {
        panic!("expected a join: {:?}", d[0]);
    };
    assert!(
        ex.agreed
            .iter()
            .any(|a| a == "place: Dhiban ⊂ Deir ez-Zor countryside"),
        "{:?}",
        ex.agreed
    );
    assert_eq!(
        l.stories()[0].location.as_ref().unwrap().place_id,
        "sy-dhiban"
    );
}

#[test]
fn other_governorate_and_other_actors_stay_apart() {
    let (mut l, k) = linker();
    let a = ied(&k, "d1", "sy-dhiban", "Dhiban", "2024-03-10").done();
    let b = B::new("d2", 0, "Remote explosive/landmine/IED")
        .actors(Some("unknown"), Some("sdf"))
        .at(loc(&k, "sy-raqqa", "Ar-Raqqa countryside", 3))
        .on("2024-03-10", 1)
        .done();
    let c = B::new("d3", 0, "Remote explosive/landmine/IED")
        .actors(Some("unknown"), Some("turkey"))
        .at(loc(&k, "sy-dhiban", "Dhiban", 1))
        .on("2024-03-10", 1)
        .done();
    l.add(Some("A"), &[a]);
    l.add(Some("B"), &[b]);
    let d = l.add(Some("C"), &[c]);
    assert_eq!(l.stories().len(), 3);
    let LinkOutcome::KeptApart(k) = &d[0].explanation else {
        panic!()
    };
    assert!(
        k.reasons.iter().any(|r| r.starts_with("actors:")),
        "{:?}",
        k.reasons
    );
}

#[test]
fn date_window_and_incompatible_types() {
    let (mut l, k) = linker();
    let a = ied(&k, "d1", "sy-dhiban", "Dhiban", "2024-03-10").done();
    let b = ied(&k, "d2", "sy-dhiban", "Dhiban", "2024-03-14").done();
    let c = B::new("d3", 0, "Arrests")
        .actors(Some("sdf"), None)
        .at(loc(&k, "sy-dhiban", "Dhiban", 1))
        .on("2024-03-10", 1)
        .done();
    // A suicide bomb is compatible with an IED.
    let e = B::new("d4", 0, "Suicide bomb")
        .actors(None, Some("sdf"))
        .at(loc(&k, "sy-dhiban", "Dhiban", 1))
        .on("2024-03-10", 1)
        .done();
    l.add(None, &[a]);
    let db = l.add(None, &[b]);
    let LinkOutcome::KeptApart(kb) = &db[0].explanation else {
        panic!()
    };
    // Outside the date window: not even a candidate.
    assert!(kb.best_candidate.is_none(), "{kb:?}");
    let ev = l.eval("d1#0", "d2#0");
    assert!(
        ev.conflicts
            .contains(&"date: 4 days apart (window 1)".to_string()),
        "{:?}",
        ev.conflicts
    );
    l.add(None, &[c]);
    let de = l.add(None, &[e]);
    assert_eq!(l.stories().len(), 3);
    let LinkOutcome::Joined(ex) = &de[0].explanation else {
        panic!("{:?}", de[0])
    };
    assert!(ex
        .agreed
        .contains(&"sub_event_type: Suicide bomb ~ Remote explosive/landmine/IED".to_string()));
    // No outlet known: single source.
    assert_eq!(
        l.story_of("d1#0").unwrap().status,
        StoryStatus::SingleSource
    );
}

#[test]
fn truce_reported_twice_keeps_both_durations() {
    let (mut l, k) = linker();
    let truce = |doc: &str, days: u32, date: &str| {
        B::new(doc, 0, "Agreement")
            .actors(Some("sdf"), Some("isis"))
            .at(loc(&k, "sy-dez", "Deir ez-Zor countryside", 3))
            .on(date, 1)
            .truce(days, Some("2024-01-01"))
            .done()
    };
    l.add(Some("Deir Ezzor 24"), &[truce("d1", 30, "2024-01-02")]);
    l.add(Some("North Press"), &[truce("d2", 180, "2024-01-03")]);
    assert_eq!(l.stories().len(), 1);
    let s = &l.stories()[0];
    assert_eq!(s.truce_durations, vec![30, 180]);
    assert_eq!(s.truce_starts, vec!["2024-01-01".to_string()]);
    assert_eq!(s.sub_event_type, "Agreement");
}

fn corpus(k: &KnowledgeBase) -> Vec<(Option<&'static str>, Event)> {
    vec![
        // Story 1: IED at Dhiban on the 10th, three outlets.
        (
            Some("SOHR"),
            ied(k, "a", "sy-dhiban", "Dhiban", "2024-03-10")
                .killed(3)
                .done(),
        ),
        (
            Some("Enab Baladi"),
            ied(k, "b", "sy-dhiban", "Dhiban", "2024-03-11")
                .killed(4)
                .done(),
        ),
        (
            Some("North Press"),
            B::new("c", 0, "Remote explosive/landmine/IED")
                .actors(None, Some("asayish"))
                .at(loc(k, "sy-dez", "Deir ez-Zor countryside", 3))
                .on("2024-03-10", 1)
                .done(),
        ),
        // Story 2: IED at Al-Busayrah two days later.
        (
            Some("SOHR"),
            ied(k, "d", "sy-busayrah", "Al-Busayrah", "2024-03-12").done(),
        ),
        (
            Some("Enab Baladi"),
            ied(k, "e", "sy-busayrah", "Al-Busayrah", "2024-03-12").done(),
        ),
        // A clash.
        (
            Some("SOHR"),
            B::new("f", 1, "Armed clash")
                .actors(Some("sdf"), Some("isis"))
                .at(loc(k, "sy-dhiban", "Dhiban", 1))
                .on("2024-03-10", 1)
                .done(),
        ),
        (
            Some("Enab Baladi"),
            B::new("g", 1, "Armed clash")
                .actors(Some("ypg"), Some("isis"))
                .at(loc(k, "sy-dez-mayadin", "Al-Mayadin", 3))
                .on("2024-03-11", 1)
                .done(),
        ),
    ]
}

#[test]
fn add_order_does_not_change_the_partition() {
    let k = kb();
    let docs = corpus(&k);
    let run = |order: &[usize], batch: bool| {
        let mut l = Linker::new(k.clone(), LinkConfig::default());
        if batch {
            let evs: Vec<Event> = order.iter().map(|&i| docs[i].1.clone()).collect();
            l.add(None, &evs);
        } else {
            for &i in order {
                l.add(docs[i].0, std::slice::from_ref(&docs[i].1));
            }
        }
        partition(&l)
    };
    let fwd: Vec<usize> = (0..docs.len()).collect();
    let rev: Vec<usize> = fwd.iter().rev().copied().collect();
    let mixed = vec![3, 0, 6, 2, 5, 1, 4];
    let p = run(&fwd, false);
    assert_eq!(p, run(&rev, false));
    assert_eq!(p, run(&mixed, false));
    assert_eq!(p, run(&mixed, true));
    let expect: Vec<Vec<String>> = vec![
        vec!["a#0".into(), "b#0".into(), "c#0".into()],
        vec!["d#0".into(), "e#0".into()],
        vec!["f#1".into(), "g#1".into()],
    ];
    assert_eq!(p, expect);
    assert_eq!(pairwise_scores(&expect, &p), (1.0, 1.0));
}

#[test]
fn split_then_readd_does_not_relink() {
    let (mut l, k) = linker();
    let a = ied(&k, "d1", "sy-dhiban", "Dhiban", "2024-03-10").done();
    let b = ied(&k, "d2", "sy-dhiban", "Dhiban", "2024-03-10").done();
    let c = ied(&k, "d3", "sy-dhiban", "Dhiban", "2024-03-11").done();
    l.add(Some("SOHR"), std::slice::from_ref(&a));
    l.add(Some("Enab Baladi"), std::slice::from_ref(&b));
    l.add(Some("North Press"), std::slice::from_ref(&c));
    assert_eq!(l.stories().len(), 1);
    let sid = l.stories()[0].id.clone();
    let new = l.split(&sid, "d2#0").unwrap();
    assert_ne!(new, sid);
    assert_eq!(l.stories().len(), 2);
    assert_eq!(l.story(&sid).unwrap().events, vec!["d1#0", "d3#0"]);
    assert_eq!(l.story(&new).unwrap().events, vec!["d2#0"]);
    // Re-adding the same event keeps it apart, and says why.
    let d = l.add(Some("Enab Baladi"), std::slice::from_ref(&b));
    assert_eq!(l.stories().len(), 2);
    assert_eq!(d[0].story_id, new);
    let LinkOutcome::KeptApart(k) = &d[0].explanation else {
        panic!()
    };
    assert!(
        k.reasons.iter().any(|r| r == "kept apart by a split"),
        "{:?}",
        k.reasons
    );
    // Errors.
    assert!(matches!(
        l.split("nope", "d1#0"),
        Err(LinkError::UnknownStory(_))
    ));
    assert!(matches!(
        l.split(&sid, "d2#0"),
        Err(LinkError::NotInStory { .. })
    ));
    assert!(matches!(
        l.split(&new, "d2#0"),
        Err(LinkError::NothingToSplit(_))
    ));
}

#[test]
fn serde_round_trip() {
    let k = kb();
    let mut l = Linker::new(k.clone(), LinkConfig::default());
    for (o, e) in corpus(&k) {
        l.add(o, &[e]);
    }
    let sid = l.story_of("b#0").unwrap().id.clone();
    l.split(&sid, "b#0").unwrap();
    let json = l.to_json().unwrap();
    let mut back = Linker::from_json(k.clone(), &json).unwrap();
    assert_eq!(back.stories(), l.stories());
    assert_eq!(back.cannot_link(), l.cannot_link());
    assert_eq!(back.to_json().unwrap(), json);
    // The restored linker keeps working: a new report of the Busayrah IED joins its story.
    let d = back.add(
        Some("North Press"),
        &[ied(&k, "h", "sy-busayrah", "Al-Busayrah", "2024-03-13").done()],
    );
    assert_eq!(d[0].story_id, back.story_of("d#0").unwrap().id);
    assert!(!d[0].new_story);
    // Status spelling.
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let statuses: Vec<&str> = v["stories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert!(statuses
        .iter()
        .all(|s| ["single-source", "corroborated", "contested"].contains(s)));
    let d = serde_json::to_value(l.add(None, &[])).unwrap();
    assert_eq!(d, serde_json::json!([]));
}

#[test]
fn decisions_serialize_with_outcome_tag() {
    let (mut l, k) = linker();
    let d = l.add(
        Some("SOHR"),
        &[ied(&k, "d1", "sy-dhiban", "Dhiban", "2024-03-10").done()],
    );
    let v = serde_json::to_value(&d[0]).unwrap();
    assert_eq!(v["explanation"]["outcome"], "kept-apart");
    assert_eq!(v["new_story"], true);
}

#[test]
fn same_document_events_never_link() {
    let (mut l, k) = linker();
    let a = ied(&k, "d1", "sy-dhiban", "Dhiban", "2024-03-10").done();
    let mut b = ied(&k, "d1", "sy-dhiban", "Dhiban", "2024-03-10").done();
    b.id = "d1#1".into();
    l.add(None, &[a, b]);
    assert_eq!(l.stories().len(), 2);
}

#[test]
fn pairwise_scores_counts_pairs() {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let gold = vec![s(&["a", "b", "c"]), s(&["d"])];
    let pred = vec![s(&["a", "b"]), s(&["c", "d"])];
    let (p, r) = pairwise_scores(&gold, &pred);
    assert!((p - 0.5).abs() < 1e-9);
    assert!((r - 1.0 / 3.0).abs() < 1e-9);
    assert_eq!(pairwise_scores(&[], &[]), (1.0, 1.0));
}

/// The embedded knowledge base: families by the actor parent chain, nesting by the gazetteer.
#[test]
fn builtin_kb_families_and_nesting() {
    let k = Arc::new(KnowledgeBase::builtin().expect("builtin knowledge base"));
    let mut l = Linker::new(k.clone(), LinkConfig::default());
    let town = |doc: &str, id: &str, name: &str, a: &str| {
        let p = k.places.iter().find(|p| p.id == id).expect(id);
        B::new(doc, 0, "Remote explosive/landmine/IED")
            .actors(Some("unknown"), Some(a))
            .at(Location {
                place_id: id.into(),
                name: name.into(),
                name_ar: p.name_ar.clone(),
                country: "SY".into(),
                admin1: p.admin1.clone(),
                admin2: p.admin2.clone(),
                admin3: p.admin3.clone(),
                latitude: p.lat,
                longitude: p.lon,
                geo_precision: if p.kind.is_admin() { 3 } else { 1 },
                evidence: span(name),
            })
            .on("2024-05-02", 1)
            .done()
    };
    l.add(
        Some("SOHR"),
        &[town("d1", "sy-dz-town-hajin", "Hajin", "asayish")],
    );
    let d = l.add(
        Some("Enab Baladi"),
        &[town(
            "d2",
            "sy-deir-ez-zor",
            "Deir ez-Zor countryside",
            "ypg",
        )],
    );
    let LinkOutcome::Joined(ex) = &d[0].explanation else {
        panic!("{:?}", d[0])
    };
    assert!(
        ex.agreed
            .iter()
            .any(|a| a == "place: Hajin ⊂ Deir ez-Zor countryside"),
        "{:?}",
        ex.agreed
    );
    assert!(
        ex.agreed.iter().any(|a| a.starts_with("actors: ")),
        "{:?}",
        ex.agreed
    );
    // Abu Kamal is a different town of the same governorate, ~30 km away.
    let d = l.add(
        Some("North Press"),
        &[town("d3", "sy-dz-town-abu-kamal", "Abu Kamal", "sdf")],
    );
    let LinkOutcome::KeptApart(k) = &d[0].explanation else {
        panic!("{:?}", d[0])
    };
    assert!(
        k.reasons
            .iter()
            .any(|r| r.starts_with("place: Abu Kamal vs Hajin")),
        "{:?}",
        k.reasons
    );
}

/// Many overlapping events in shuffled orders, one at a time or in batches, with a replacement
/// in between: always the same partition as one batch.
#[test]
fn shuffled_orders_give_one_partition() {
    let k = kb();
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut rnd = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let places = [
        ("sy-dhiban", "Dhiban", 1),
        ("sy-busayrah", "Al-Busayrah", 1),
        ("sy-dez", "Deir ez-Zor countryside", 3),
        ("sy-dez-mayadin", "Al-Mayadin", 3),
    ];
    let types = [
        "Remote explosive/landmine/IED",
        "Suicide bomb",
        "Armed clash",
    ];
    let actors = ["sdf", "asayish", "isis", "turkey", "unknown"];
    let mut evs = Vec::new();
    for i in 0..40 {
        let (pid, name, prec) = places[rnd(4) as usize];
        let mut b = B::new(&format!("doc{}", rnd(25)), i, types[rnd(3) as usize])
            .actors(Some(actors[rnd(5) as usize]), Some(actors[rnd(5) as usize]))
            .on(
                &format!("2024-03-{:02}", 10 + rnd(6)),
                1 + (rnd(4) == 0) as u8,
            );
        if rnd(6) != 0 {
            b = b.at(loc(&k, pid, name, prec));
        }
        evs.push(b.killed(rnd(5)).done());
    }
    let batch = {
        let mut l = Linker::new(k.clone(), LinkConfig::default());
        l.add(None, &evs);
        partition(&l)
    };
    assert!(batch.iter().any(|s| s.len() > 1), "{batch:?}");
    assert!(batch.len() > 3, "{batch:?}");
    for round in 0..6 {
        let mut order: Vec<usize> = (0..evs.len()).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, rnd(i as u64 + 1) as usize);
        }
        let mut l = Linker::new(k.clone(), LinkConfig::default());
        let chunk = 1 + round % 3;
        for c in order.chunks(chunk) {
            let part: Vec<Event> = c.iter().map(|&i| evs[i].clone()).collect();
            l.add(None, &part);
        }
        // Re-adding an event unchanged changes nothing.
        l.add(None, &[evs[order[0]].clone()]);
        assert_eq!(partition(&l), batch, "round {round}");
        let json = l.to_json().unwrap();
        let back = Linker::from_json(k.clone(), &json).unwrap();
        assert_eq!(partition(&back), batch);
        // Every story's events agree pairwise (no hard conflict inside a story).
        for s in l.stories() {
            for (i, a) in s.events.iter().enumerate() {
                for b in &s.events[i + 1..] {
                    let ev = l.eval(a, b);
                    assert!(ev.conflicts.is_empty(), "{a} {b}: {:?}", ev.conflicts);
                }
            }
        }
    }
}

/// A long run of daily clashes in one governorate (one big linked component), added in date
/// order and then out of order: `cargo test -p marsad-link --release -- --ignored --nocapture`.
#[test]
#[ignore]
fn scale_daily_clashes() {
    let k = kb();
    let mut l = Linker::new(k.clone(), LinkConfig::default());
    let t = std::time::Instant::now();
    let day = |n: usize| Linker::day_to_iso(19_700 + n as i64);
    let mut n = 0;
    for d in 0..400 {
        for o in 0..5 {
            let e = B::new(&format!("doc{d}-{o}"), 0, "Armed clash")
                .actors(Some("sdf"), Some("isis"))
                .at(loc(&k, "sy-dez", "Deir ez-Zor countryside", 3))
                .on(&day(d), 1)
                .done();
            l.add(Some(&format!("outlet{o}")), &[e]);
            n += 1;
        }
    }
    eprintln!(
        "{n} events in date order: {:?}, {} stories",
        t.elapsed(),
        l.stories().len()
    );
    let t = std::time::Instant::now();
    for d in 0..50 {
        let e = B::new(&format!("late{d}"), 0, "Armed clash")
            .actors(Some("sdf"), Some("isis"))
            .at(loc(&k, "sy-dez", "Deir ez-Zor countryside", 3))
            .on(&day(d * 7), 1)
            .done();
        l.add(Some("late"), &[e]);
    }
    eprintln!(
        "50 late events: {:?}, {} stories",
        t.elapsed(),
        l.stories().len()
    );
}

#[test]
fn day_numbers_round_trip() {
    for d in [-1000, 0, 59, 19_700, 20_000] {
        assert_eq!(compare::day_number(&Linker::day_to_iso(d)), Some(d));
    }
    assert_eq!(
        compare::day_number("2024-03"),
        compare::day_number("2024-03-01")
    );
    assert_eq!(compare::day_number("garbage"), None);
}

#[test]
fn interned_ids_order_as_their_names() {
    let names = [
        "",
        "a",
        "a\0",
        "a\0b",
        "ab",
        "gen-0000009#1",
        "gen-0000010#1",
        "gen-0000010#10",
        "gen-0000010#2",
        "0123456789abcdef",
        "0123456789abcdef\0",
        "0123456789abcdefg",
        "0123456789abcdeg",
        "سوريا#1",
        "ي",
    ];
    let mut ids = Interner::default();
    let hs: Vec<u32> = names.iter().map(|n| ids.intern(n)).collect();
    for (a, ha) in names.iter().zip(&hs) {
        for (b, hb) in names.iter().zip(&hs) {
            assert_eq!(ids.cmp(*ha, *hb), a.cmp(b), "{a:?} {b:?}");
        }
    }
    // A freed handle is given out again, with its new name's order.
    ids.release(hs[1]);
    assert_eq!(ids.get("a"), None);
    let h = ids.intern("zz");
    assert_eq!(h, hs[1]);
    assert_eq!(ids.cmp(h, hs[4]), Ordering::Greater);
}

/// Stories that leave memory and come back are the stories kept all along, and what is added
/// in between (handles given out again) is linked as if nothing had left.
#[test]
fn evict_then_restore_gives_the_same_state() {
    let k = kb();
    let day = |n: usize| Linker::day_to_iso(19_700 + n as i64);
    let event = |d: usize, o: usize| {
        B::new(&format!("doc{d}-{o}"), 0, "Armed clash")
            .actors(Some("sdf"), Some("isis"))
            .at(loc(&k, "sy-dez", "Deir ez-Zor countryside", 3))
            .on(&day(d), 1)
            .done()
    };
    let mut all = Linker::new(k.clone(), LinkConfig::default());
    let mut part = Linker::new(k.clone(), LinkConfig::default());
    let mut saved: Option<LinkerState> = None;
    for d in 0..100 {
        if d == 80 {
            part.take_changes();
            saved = Some(part.to_state());
            let left = part.evict_before(Linker::event_day(&event(10, 0)).unwrap());
            assert!(left > 0 && part.len() + left == all.len());
        }
        for o in 0..3 {
            let e = event(d, o);
            all.add(Some(&format!("outlet{o}")), std::slice::from_ref(&e));
            part.add_events(Some(&format!("outlet{o}")), &[e]);
        }
    }
    for s in part.stories() {
        assert_eq!(all.story(&s.id), Some(s));
    }
    let saved = saved.unwrap();
    part.restore(saved.events, saved.stories, saved.edges);
    let sorted = |mut st: LinkerState| {
        st.stories.sort_by(|a, b| a.id.cmp(&b.id));
        st
    };
    assert_eq!(sorted(part.to_state()), sorted(all.to_state()));
}

// ------------------------------------------------- positive evidence, bounded cost, stable ids

/// A place abroad, as the gazetteer would give it (country `IQ`), at Dhiban's coordinates so
/// that only the country tells them apart.
fn abroad(name: &str) -> Location {
    Location {
        place_id: format!("iq-{}", name.to_lowercase()),
        name: name.into(),
        name_ar: String::new(),
        country: "IQ".into(),
        admin1: Some(name.into()),
        admin2: None,
        admin3: None,
        latitude: Some(35.01),
        longitude: Some(40.50),
        geo_precision: 1,
        evidence: span(name),
    }
}

/// The country as a whole: the place of an event located only as "in Syria".
fn country(k: &KnowledgeBase) -> Location {
    Location {
        place_id: "country-sy".into(),
        name: "Syria".into(),
        geo_precision: 3,
        admin1: None,
        admin2: None,
        latitude: None,
        longitude: None,
        ..loc(k, "sy-dez", "Syria", 3)
    }
}

#[test]
fn undated_events_with_the_same_actors_never_link() {
    let (mut l, k) = linker();
    // Same type, same actors, same village, different documents: only the date is missing.
    let undated = |doc: &str| {
        B::new(doc, 0, "Armed clash")
            .actors(Some("sdf"), Some("isis"))
            .at(loc(&k, "sy-dhiban", "Dhiban", 1))
            .done()
    };
    let dated = B::new("d", 0, "Armed clash")
        .actors(Some("sdf"), Some("isis"))
        .at(loc(&k, "sy-dhiban", "Dhiban", 1))
        .on("2024-03-10", 1)
        .done();
    for doc in ["a", "b", "c"] {
        l.add(None, &[undated(doc)]);
    }
    let d = l.add(None, &[dated]);
    assert_eq!(l.stories().len(), 4, "{:?}", partition(&l));
    match &d[0].explanation {
        LinkOutcome::KeptApart(k) => assert!(k.best_candidate.is_none(), "{k:?}"),
        o => panic!("a dated event joined an undated one: {o:?}"),
    }
    let why = match &l.add(None, &[undated("e")])[0].explanation {
        LinkOutcome::KeptApart(k) => k.reasons.join("; "),
        o => panic!("{o:?}"),
    };
    assert!(why.contains("no date"), "{why}");
    let ev = l.eval("a#0", "d#0");
    assert!(
        ev.conflicts.iter().any(|c| c.contains("date: unknown")),
        "{ev:?}"
    );
}

#[test]
fn unknown_or_country_wide_places_never_link() {
    let (mut l, k) = linker();
    let clash = |doc: &str| {
        B::new(doc, 0, "Armed clash")
            .actors(Some("sdf"), Some("isis"))
            .on("2024-03-10", 1)
    };
    l.add(None, &[clash("a").done()]);
    l.add(None, &[clash("b").done()]);
    l.add(None, &[clash("c").at(country(&k)).done()]);
    l.add(None, &[clash("d").at(country(&k)).done()]);
    l.add(
        None,
        &[clash("e").at(loc(&k, "sy-dhiban", "Dhiban", 1)).done()],
    );
    assert_eq!(l.stories().len(), 5, "{:?}", partition(&l));
    assert!(l
        .eval("a#0", "b#0")
        .conflicts
        .iter()
        .any(|c| c.contains("place")));
    assert!(l
        .eval("c#0", "e#0")
        .conflicts
        .iter()
        .any(|c| c.contains("country")));
}

#[test]
fn places_in_different_countries_never_link() {
    let (mut l, k) = linker();
    let clash = |doc: &str, at: Location| {
        B::new(doc, 0, "Armed clash")
            .actors(Some("sdf"), Some("isis"))
            .at(at)
            .on("2024-03-10", 1)
            .done()
    };
    l.add(None, &[clash("sy", loc(&k, "sy-dhiban", "Dhiban", 1))]);
    l.add(None, &[clash("iq", abroad("Mosul"))]);
    assert_eq!(l.stories().len(), 2, "{:?}", partition(&l));
    let ev = l.eval("sy#0", "iq#0");
    assert!(
        ev.conflicts
            .iter()
            .any(|c| c.contains("different countries")),
        "{ev:?}"
    );
    // Two reports of the same happening abroad still link.
    l.add(None, &[clash("iq2", abroad("Mosul"))]);
    assert_eq!(l.story_of("iq#0").unwrap().events.len(), 2);
}

#[test]
fn a_story_stays_inside_one_date_window_as_a_whole() {
    // Day-precise reports on days 10, 11 and 12: each links with its neighbour, but the first
    // and last are two days apart, so no story holds both.
    let (mut l, k) = linker();
    for (doc, day) in [("a", 10), ("b", 11), ("c", 12)] {
        let e = ied(&k, doc, "sy-dhiban", "Dhiban", &format!("2024-03-{day}")).done();
        l.add(None, &[e]);
    }
    assert_eq!(
        l.links_of("b#0"),
        vec!["a#0".to_string(), "c#0".to_string()]
    );
    for s in l.stories() {
        let days: Vec<i64> = s
            .events
            .iter()
            .map(|e| Linker::event_day(&l.entry(e).unwrap().event).unwrap())
            .collect();
        let span = days.iter().max().unwrap() - days.iter().min().unwrap();
        assert!(span <= 1, "story {} spans {span} days", s.id);
    }
    assert_eq!(
        partition(&l),
        vec![
            vec!["a#0".to_string(), "b#0".to_string()],
            vec!["c#0".to_string()]
        ]
    );
}

#[test]
fn story_ids_come_from_the_earliest_event_whatever_the_order() {
    let k = kb();
    let docs = corpus(&k);
    let run = |order: Vec<usize>| {
        let mut l = Linker::new(k.clone(), LinkConfig::default());
        for i in order {
            l.add(docs[i].0, std::slice::from_ref(&docs[i].1));
        }
        let mut v: Vec<(String, Vec<String>)> = l
            .stories()
            .iter()
            .map(|s| (s.id.clone(), s.events.clone()))
            .collect();
        v.sort();
        (v, l)
    };
    let (fwd, l) = run((0..docs.len()).collect());
    let (rev, _) = run((0..docs.len()).rev().collect());
    assert_eq!(fwd, rev);
    for s in l.stories() {
        assert_eq!(s.id, story_id(&s.events[0]), "{s:?}");
        assert!(s.id.bytes().all(|b| b.is_ascii_alphanumeric()), "{}", s.id);
    }
    assert_ne!(story_id("a#0"), story_id("a#1"));
}

#[test]
fn an_earlier_report_gives_the_story_its_id() {
    let (mut l, k) = linker();
    l.add(
        None,
        &[ied(&k, "b", "sy-dhiban", "Dhiban", "2024-03-11").done()],
    );
    assert_eq!(l.stories()[0].id, story_id("b#0"));
    let d = l.add(
        None,
        &[ied(&k, "a", "sy-dhiban", "Dhiban", "2024-03-10").done()],
    );
    assert_eq!(l.stories().len(), 1);
    assert_eq!(l.stories()[0].id, story_id("a#0"));
    assert_eq!(d[0].story_id, story_id("a#0"));
    assert!(l.story(&story_id("b#0")).is_none());
    let ch = l.take_changes();
    assert!(ch.stories_removed.contains(&story_id("b#0")), "{ch:?}");
}

#[test]
fn many_alike_reports_stay_within_the_caps() {
    // 300 reports of one kind, in one village, on one day: everything links with everything,
    // so only the caps bound the work and the stories.
    let k = kb();
    let cfg = LinkConfig {
        max_candidates: 8,
        max_story_events: 5,
        ..LinkConfig::default()
    };
    let mut l = Linker::new(k.clone(), cfg);
    for i in 0..300 {
        let e = ied(&k, &format!("d{i:03}"), "sy-dhiban", "Dhiban", "2024-03-10").done();
        l.add(None, &[e]);
    }
    assert_eq!(l.len(), 300);
    let mut total = 0;
    for s in l.stories() {
        assert!(s.events.len() <= 5, "story of {}", s.events.len());
        total += s.events.len();
    }
    assert_eq!(total, 300);
    assert!(l.stories().len() >= 60);
    for i in 0..300 {
        let n = l.links_of(&format!("d{i:03}#0")).len();
        assert!(n <= 8, "d{i:03} has {n} links");
    }
    // Without caps, it is one story of every report.
    let mut open = Linker::new(
        k.clone(),
        LinkConfig {
            max_candidates: 1000,
            max_story_events: 1000,
            ..LinkConfig::default()
        },
    );
    for i in 0..50 {
        let e = ied(&k, &format!("d{i:03}"), "sy-dhiban", "Dhiban", "2024-03-10").done();
        open.add(None, &[e]);
    }
    assert_eq!(open.stories().len(), 1);
}

#[test]
fn undated_singletons_leave_memory() {
    let (mut l, k) = linker();
    let undated = B::new("u", 0, "Armed clash")
        .actors(Some("sdf"), Some("isis"))
        .at(loc(&k, "sy-dhiban", "Dhiban", 1))
        .done();
    l.add(None, &[undated]);
    l.add(
        None,
        &[ied(&k, "d", "sy-dhiban", "Dhiban", "2024-03-10").done()],
    );
    l.take_changes();
    let day = Linker::event_day(&l.entry("d#0").unwrap().event).unwrap();
    assert_eq!(l.evict_before(day), 1);
    assert!(!l.contains("u#0"));
    assert!(l.contains("d#0"));
}
