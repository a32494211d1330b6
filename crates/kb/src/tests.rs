//! Unit tests on phrases written for them (never on the seed articles). Inputs go through
//! `normalize_key` so the tests hold with the placeholder and with the real normalizer.

use super::*;
use marsad_text::normalize_key as nk;
use std::collections::HashMap;
use std::path::PathBuf;

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini")
}

fn mini() -> KnowledgeBase {
    KnowledgeBase::from_dir(&fixture_dir()).expect("fixture loads")
}

fn actor_of(kb: &KnowledgeBase, m: &Mention) -> Option<String> {
    match m.entity {
        Entity::Actor(i) => Some(kb.actors[i].id.clone()),
        _ => None,
    }
}

fn trigger_phrases(kb: &KnowledgeBase, text: &str) -> Vec<String> {
    kb.find_triggers(text)
        .iter()
        .map(|m| match m.entity {
            Entity::Trigger(i) => kb.triggers[i].phrase.clone(),
            _ => panic!("not a trigger"),
        })
        .collect()
}

fn cue_kinds(kb: &KnowledgeBase, text: &str) -> Vec<(String, CueKind)> {
    kb.find_cues(text)
        .iter()
        .map(|m| match m.entity {
            Entity::Cue(i) => (text[m.range.clone()].to_string(), kb.cues[i].kind),
            _ => panic!("not a cue"),
        })
        .collect()
}

fn temp_file(name: &str, body: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("marsad-kb-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p
}

#[test]
fn proclitic_countryside_and_place() {
    let kb = mini();
    let t = nk("اشتباكات وبريف دير الزور");
    let cues = cue_kinds(&kb, &t);
    assert!(
        cues.contains(&(nk("ريف"), CueKind::Countryside)),
        "{cues:?}"
    );
    assert!(
        cues.contains(&(nk("بريف"), CueKind::Countryside)),
        "{cues:?}"
    );
    let rif = kb
        .find_cues(&t)
        .into_iter()
        .find(|m| t[m.range.clone()] == nk("ريف"))
        .unwrap();
    assert_eq!(&t[rif.prefix.clone()], "وب");
    let ents = kb.find_entities(&t);
    assert_eq!(ents.len(), 1);
    assert_eq!(&t[ents[0].range.clone()], nk("دير الزور"));
    assert!(matches!(ents[0].entity, Entity::Place(_)));
}

#[test]
fn lil_contraction_gives_anaphor() {
    let kb = mini();
    let t = nk("وسجلت عملية للتنظيم في البلدة");
    let ents = kb.find_entities(&t);
    assert_eq!(ents.len(), 1, "{ents:?}");
    let m = &ents[0];
    assert!(m.anaphor);
    assert_eq!(actor_of(&kb, m).as_deref(), Some("isis"));
    assert_eq!(&t[m.prefix.clone()], "ل");
    assert_eq!(&t[m.range.clone()], "لتنظيم");
    // After و as well, and the full form with the article.
    let t2 = nk("وللتنظيم وبالتنظيم");
    let ents = kb.find_entities(&t2);
    assert_eq!(ents.len(), 2, "{ents:?}");
    assert_eq!(&t2[ents[0].prefix.clone()], "ول");
    assert_eq!(&t2[ents[1].prefix.clone()], "وب");
}

#[test]
fn proclitic_actor_and_boundaries() {
    let kb = mini();
    let t = nk("اشتباكات مع والأسايش");
    let ents = kb.find_entities(&t);
    assert_eq!(ents.len(), 1);
    assert_eq!(actor_of(&kb, &ents[0]).as_deref(), Some("asayish"));
    assert_eq!(&t[ents[0].prefix.clone()], "و");
    assert!(!ents[0].anaphor);

    // Word boundary: no match inside longer words, at either end.
    assert!(kb.find_entities(&nk("قسدي")).is_empty());
    assert!(kb.find_entities(&nk("مقسد")).is_empty());
    assert!(kb.find_entities(&nk("استقسد")).is_empty());
    // Punctuation and quotes are boundaries.
    let t = nk("سيطرة \"قسد\"، وقسد.");
    let ents = kb.find_entities(&t);
    assert_eq!(ents.len(), 2, "{ents:?}");
    assert!(ents
        .iter()
        .all(|m| actor_of(&kb, m).as_deref() == Some("sdf")));
}

#[test]
fn actor_alias_beats_place_inside_it() {
    let kb = mini();
    let t = nk("هاجم مجلس دير الزور العسكري قرية الصور");
    let ents = kb.find_entities(&t);
    assert_eq!(ents.len(), 2, "{ents:?}");
    assert_eq!(actor_of(&kb, &ents[0]).as_deref(), Some("dmc"));
    assert!(matches!(ents[1].entity, Entity::Place(_)));
    assert!(ents[0].range.end <= ents[1].range.start);
}

#[test]
fn ambiguous_outlet_yields_to_place() {
    let kb = mini();
    let t = nk("في مدينة الميادين");
    let ents = kb.find_entities(&t);
    assert_eq!(ents.len(), 1);
    assert!(matches!(ents[0].entity, Entity::Place(_)));
    let t = nk("قالت عنب بلدي");
    assert!(matches!(kb.find_entities(&t)[0].entity, Entity::Outlet(_)));
}

#[test]
fn places_named_lists_every_record() {
    let kb = mini();
    let ids: Vec<&str> = kb
        .places_named(&nk("دير الزور"))
        .into_iter()
        .map(|i| kb.places[i].id.as_str())
        .collect();
    assert_eq!(ids, ["t-deir", "t-deir-city"]);
    assert_eq!(kb.places_named(&nk("ديرالزور")).len(), 1);
    let sour = kb.place("t-sour").unwrap();
    assert!(sour.needs_context);
    assert_eq!(sour.lat, None);
    assert_eq!(sour.kind, PlaceKind::Village);
    assert!(sour.kind.specificity() > PlaceKind::Town.specificity());
    assert!(PlaceKind::Governorate.is_admin() && !PlaceKind::City.is_admin());
}

#[test]
fn blockers_suppress_and_are_not_returned() {
    let kb = mini();
    assert_eq!(trigger_phrases(&kb, &nk("بعد الاشتباك")), [nk("الاشتباك")]);
    assert!(trigger_phrases(&kb, &nk("تم وقف الاشتباك")).is_empty());
    assert!(trigger_phrases(&kb, &nk("حلقت طائرات استطلاع فوق المنطقة")).is_empty());
}

#[test]
fn requires_and_window() {
    let kb = mini();
    let i = kb
        .triggers
        .iter()
        .position(|t| t.phrase == nk("طائرات"))
        .unwrap();
    assert_eq!(kb.triggers[i].window, 3);
    assert_eq!(
        kb.triggers[i].requires,
        vec![nk("قصفت"), format!("{}*", nk("استهدف"))]
    );
    assert_eq!(
        kb.triggers[i].event_type(),
        Some(EventType::ExplosionsRemoteViolence)
    );
    // Default window.
    let j = kb
        .triggers
        .iter()
        .position(|t| t.phrase == nk("اشتباكات"))
        .unwrap();
    assert_eq!(kb.triggers[j].window, 4);
    assert!(kb.triggers[j].requires.is_empty());

    assert!(trigger_phrases(&kb, &nk("وصلت طائرات الى المطار")).is_empty());
    assert_eq!(
        trigger_phrases(&kb, &nk("وقصفت طائرات التحالف")),
        [nk("طائرات")]
    );
    // `استهدف*` with a proclitic and an ending, after the phrase.
    assert_eq!(
        trigger_phrases(&kb, &nk("طائرات مجهولة وباستهدافها")),
        Vec::<String>::new(),
        "proclitic وب + ا... is not استهدف"
    );
    assert_eq!(
        trigger_phrases(&kb, &nk("طائرات مجهولة واستهدفت")),
        [nk("طائرات")]
    );
    // Out of the window (3 tokens).
    assert!(trigger_phrases(&kb, &nk("قصفت المدفعية امس بعد ذلك طائرات")).is_empty());
}

#[test]
fn star_extends_to_word_end() {
    let kb = mini();
    let t = nk("ثم اعتقلته الدورية");
    let ms = kb.find_triggers(&t);
    assert_eq!(ms.len(), 1);
    assert_eq!(&t[ms[0].range.clone()], nk("اعتقلته"));
    assert_eq!(
        trigger_phrases(&kb, &nk("اعتقلت")),
        [format!("{}*", nk("اعتقل"))]
    );
}

#[test]
fn overlapping_cues() {
    let kb = mini();
    let t = nk("شمال شرق القرية");
    let cues = cue_kinds(&kb, &t);
    assert!(cues.contains(&(nk("شمال شرق"), CueKind::DirectionNE)));
    assert!(cues.contains(&(nk("شمال"), CueKind::DirectionN)));
    let starts: Vec<usize> = kb.find_cues(&t).iter().map(|m| m.range.start).collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn user_file_replaces_actor_and_adds_trigger() {
    let mut kb = mini();
    let before = kb.actors.len();
    let p = temp_file(
        "override.toml",
        r#"
[[actor]]
id = "sdf"
name = "SDF (renamed)"
kind = "political_militia"
aliases = ["قسد", "قوات قسد"]

[[trigger]]
phrase = "كمين"
sub_event_type = "Armed clash"
frame = "clash"
"#,
    );
    kb.extend_from_file(&p).unwrap();
    assert_eq!(kb.actors.len(), before);
    assert_eq!(kb.actor("sdf").unwrap().name, "SDF (renamed)");
    // The old alias is gone, the new one is found.
    assert!(kb.find_entities(&nk("قوات سوريا الديمقراطية")).is_empty());
    let t = nk("نصبت قوات قسد كمين");
    let ents = kb.find_entities(&t);
    assert_eq!(actor_of(&kb, &ents[0]).as_deref(), Some("sdf"));
    assert_eq!(&t[ents[0].range.clone()], nk("قوات قسد"));
    assert_eq!(trigger_phrases(&kb, &t), [nk("كمين")]);

    // A places CSV extends the gazetteer.
    let csv = temp_file(
        "extra.csv",
        "id,kind,name_en,name_ar,variants_ar,country,admin1,admin2,admin3,lat,lon,parent_id,needs_context,source\n\
         t-x,oil_field,X field,حقل الاختبار,,SY,Deir ez-Zor,,,1.5,2.5,t-deir,false,test\n",
    );
    kb.extend_from_file(&csv).unwrap();
    assert_eq!(kb.place("t-x").unwrap().kind, PlaceKind::OilField);
    assert_eq!(kb.find_entities(&nk("في حقل الاختبار")).len(), 1);
}

#[test]
fn malformed_toml_names_file_and_line() {
    let mut kb = mini();
    let p = temp_file(
        "broken.toml",
        "[[actor]]\nid = \"x\"\nname = \"X\"\nkind = \"political_militia\"\naliases = [\"a\"\n\n[[cue]]\n",
    );
    let err = kb.extend_from_file(&p).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("broken.toml"), "{msg}");
    match err {
        KbError::Syntax { line, .. } => assert!((5..=7).contains(&line), "line {line}"),
        other => panic!("unexpected {other:?}"),
    }
    // Unknown kind: schema error, also with a line.
    let p = temp_file(
        "badkind.toml",
        "[[cue]]\nphrase = \"x\"\nkind = \"countryside\"\n\n[[cue]]\nphrase = \"y\"\nkind = \"nope\"\n",
    );
    match kb.extend_from_file(&p).unwrap_err() {
        KbError::Syntax { path, line, .. } => {
            assert!(path.ends_with("badkind.toml"));
            assert_eq!(line, 7);
        }
        other => panic!("unexpected {other:?}"),
    }
    // Bad sub-event type: invalid entry with its line.
    let p = temp_file(
        "badsub.toml",
        "[[trigger]]\nphrase = \"x\"\nsub_event_type = \"Armed clash\"\n\n[[trigger]]\nphrase = \"zz\"\nsub_event_type = \"Fight\"\n",
    );
    match kb.extend_from_file(&p).unwrap_err() {
        KbError::Invalid { line, reason, .. } => {
            assert_eq!(line, 6);
            assert!(reason.contains("Fight"));
        }
        other => panic!("unexpected {other:?}"),
    }
    // A bad CSV row names its line.
    let p = temp_file(
        "bad.csv",
        "id,kind,name_en,name_ar,variants_ar,country,admin1,admin2,admin3,lat,lon,parent_id,needs_context,source\n\
         a,town,A,ا,,SY,,,,,,,false,t\n\
         b,planet,B,ب,,SY,,,,,,,false,t\n",
    );
    match kb.extend_from_file(&p).unwrap_err() {
        KbError::Csv { line, message, .. } => {
            assert_eq!(line, 3);
            assert!(message.contains("planet"));
        }
        other => panic!("unexpected {other:?}"),
    }
    // The failed loads left the knowledge base as it was.
    assert_eq!(kb.actors.len(), mini().actors.len());
}

#[test]
fn alias_shared_by_two_actors_is_an_error() {
    let mut kb = mini();
    let p = temp_file(
        "dup.toml",
        "[[actor]]\nid = \"other\"\nname = \"Other\"\nkind = \"other\"\naliases = [\"قسد\"]\n",
    );
    match kb.extend_from_file(&p).unwrap_err() {
        KbError::DuplicateAlias { first, second, .. } => {
            assert_eq!((first.as_str(), second.as_str()), ("sdf", "other"));
        }
        other => panic!("unexpected {other:?}"),
    }
    let p = temp_file(
        "orphan.toml",
        "[[actor]]\nid = \"kid\"\nname = \"Kid\"\nkind = \"other\"\nparent = \"nobody\"\naliases = [\"ولد\"]\n",
    );
    assert!(matches!(
        kb.extend_from_file(&p),
        Err(KbError::UnknownParent { .. })
    ));
}

/// The normalization rules marsad-text implements, to check the data files for collisions
/// that the placeholder normalizer cannot reveal yet.
fn emulated_norm(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => {}
            'أ' | 'إ' | 'آ' | 'ٱ' => out.push('ا'),
            'ى' => out.push('ي'),
            'ة' => out.push('ه'),
            'ؤ' => out.push('و'),
            'ئ' => out.push('ي'),
            '٠'..='٩' => out.push(char::from(b'0' + (c as u32 - 0x0660) as u8)),
            '«' | '»' | '“' | '”' | '‘' | '’' | '\'' => out.push('"'),
            '،' => out.push(','),
            '؟' => out.push('?'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn builtin_loads_with_enough_data() {
    let kb = KnowledgeBase::builtin().expect("builtin knowledge base");
    assert!(kb.actors.len() >= 35, "{} actors", kb.actors.len());
    let aliases: usize = kb.actors.iter().map(|a| a.aliases.len()).sum();
    assert!(aliases >= 300, "{aliases} aliases");
    assert!(kb.triggers.len() >= 250, "{} triggers", kb.triggers.len());
    assert!(kb.outlets.len() >= 40);
    assert!(kb.cues.len() >= 300);
    for kind in [
        ActorKind::StateForces,
        ActorKind::Civilians,
        ActorKind::ExternalForce,
        ActorKind::Protesters,
    ] {
        assert!(kb.actors.iter().any(|a| a.kind == kind));
    }
    // Every alias normalizes to something non-empty, and no alias names two actors, even under
    // the full normalization rules.
    let mut owner: HashMap<String, &str> = HashMap::new();
    for a in &kb.actors {
        for al in a.aliases.iter().chain(&a.anaphors) {
            assert!(!nk(al).trim().is_empty(), "{}: empty alias", a.id);
            let key = emulated_norm(al);
            if let Some(prev) = owner.insert(key.clone(), &a.id) {
                assert_eq!(prev, a.id, "alias {key:?} shared by {prev} and {}", a.id);
            }
        }
    }
    // No two triggers share a phrase under the full rules either.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, t) in kb.triggers.iter().enumerate() {
        if let Some(j) = seen.insert(emulated_norm(&t.phrase), i) {
            let (a, b) = (&kb.triggers[j], t);
            assert!(
                a.sub_event_type == b.sub_event_type && a.frame == b.frame,
                "triggers {:?} and {:?} collide",
                a.phrase,
                b.phrase
            );
        }
    }
    // Canonical names the evaluation recognizes.
    for (id, name) in [
        ("sdf", "QSD: Syrian Democratic Forces"),
        ("isis", "IS: Islamic State"),
        ("dmc", "Deir ez-Zor Military Council"),
        ("us", "Military Forces of the United States"),
        (
            "coalition",
            "International Coalition (Operation Inherent Resolve)",
        ),
        ("asayish", "Asayish: Kurdish Internal Security Forces (SDF)"),
        ("syrgov", "Military Forces of Syria"),
        ("russia", "Military Forces of Russia"),
        ("civilians", "Civilians (Syria)"),
        ("unknown", "Unidentified Armed Group (Syria)"),
    ] {
        assert_eq!(kb.actor(id).map(|a| a.name.as_str()), Some(name));
    }
    assert!(kb
        .outlets
        .iter()
        .any(|o| o.id == "almayadeen" && o.ambiguous));
}

#[test]
fn builtin_matches_everyday_wording() {
    let kb = KnowledgeBase::builtin().unwrap();
    let t = nk("واعتقلت قوات سوريا الديمقراطية عشرين عنصرا من تنظيم داعش بريف الحسكة");
    let actors: Vec<String> = kb
        .find_entities(&t)
        .iter()
        .filter_map(|m| actor_of(&kb, m))
        .collect();
    assert_eq!(actors, ["sdf", "isis"]);
    let subs: Vec<&str> = kb
        .find_triggers(&t)
        .iter()
        .map(|m| match m.entity {
            Entity::Trigger(i) => kb.triggers[i]
                .sub_event_type
                .map_or("", SubEventType::as_str),
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(subs, ["Arrests"]);
    let t = nk("شنت طائرات حربية غارات على بلدة في ريف ادلب");
    assert!(kb.find_triggers(&t).iter().all(|m| match m.entity {
        Entity::Trigger(i) => kb.triggers[i].is(SubEventType::AirDroneStrike),
        _ => false,
    }));
    let t = nk("حلقت طائرات استطلاع فوق المدينة");
    assert!(kb.find_triggers(&t).is_empty());
}

#[test]
fn places_named_key_agrees_with_places_named() {
    let kb = KnowledgeBase::builtin().unwrap();
    for p in &kb.places {
        for name in std::iter::once(&p.name_ar).chain(&p.variants) {
            let key = nk(name);
            assert_eq!(kb.places_named_key(&key), kb.places_named(name), "{name}");
        }
    }
    assert!(kb.places_named_key("لا يوجد مكان بهذا الاسم").is_empty());
}

/// The built-in knowledge base, `data/gazetteer/villages.csv` included.
fn with_villages() -> KnowledgeBase {
    KnowledgeBase::builtin().unwrap()
}

/// `villages.csv` (Who's On First / GeoNames) built in: its names are found, and a village never
/// becomes the first reading of a name that a hand-checked row already has.
#[test]
fn villages_add_names_but_take_none_over() {
    let kb = with_villages();
    let bulk = kb.places.iter().filter(|p| p.is_bulk_village()).count();
    assert!(bulk > 5000, "villages.csv rows loaded: {bulk}");
    for name in ["ترمانين", "مرديخ", "دبلان", "كفر كرمين", "كفركرمين", "تردين"]
    {
        let rows = kb.places_named(name);
        assert!(
            rows.iter().any(|&i| kb.places[i].is_bulk_village()),
            "{name}: {rows:?}"
        );
    }
    for p in kb.places.iter().filter(|p| p.is_bulk_village()) {
        for name in std::iter::once(&p.name_ar).chain(&p.variants) {
            let rows = kb.places_named(name);
            let has_checked = rows.iter().any(|&i| !kb.places[i].is_bulk_village());
            assert!(
                !has_checked || !kb.places[rows[0]].is_bulk_village(),
                "{name}: a village is the first reading"
            );
        }
    }
    // Ordinary words, personal names and big cities need a place word when only villages
    // carry them.
    for name in [
        "السلام",
        "النصر",
        "الحرية",
        "المزرعة",
        "الحمرا",
        "الثورة",
        "الشيخ",
        "سلمى",
        "عمر",
        "علي",
        "الجبل",
    ] {
        if let Some(&first) = kb.places_named(name).first() {
            let p = &kb.places[first];
            assert!(
                !p.is_bulk_village() || p.needs_context,
                "{name}: {} needs no context",
                p.id
            );
        }
    }
}
