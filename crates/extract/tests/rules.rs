//! Extraction rules, one test each, on short reports written for these tests.

use std::sync::OnceLock;

use marsad_extract::{Analysis, Event, Extractor, Stance};
use marsad_ingest::{read_text, ReadOptions};
use marsad_kb::KnowledgeBase;

fn extractor() -> &'static Extractor {
    static EX: OnceLock<Extractor> = OnceLock::new();
    EX.get_or_init(|| Extractor::new(KnowledgeBase::builtin().expect("built-in knowledge base")))
}

fn analyze_dated(text: &str, published: Option<&str>) -> Analysis {
    let mut doc =
        read_text("test.txt", "test", text.as_bytes(), &ReadOptions::default()).expect("readable");
    doc.published = published.map(str::to_string);
    let a = extractor().analyze(&doc);
    for e in &a.events {
        assert_eq!(
            &text[e.evidence.start..e.evidence.end],
            e.evidence.text,
            "evidence slices the original"
        );
    }
    a
}

fn analyze(text: &str) -> Analysis {
    analyze_dated(text, None)
}

fn only<'a>(a: &'a Analysis, sub: &str) -> &'a Event {
    let found: Vec<&Event> = a
        .events
        .iter()
        .filter(|e| e.sub_event_type == sub)
        .collect();
    assert_eq!(found.len(), 1, "one {sub} event in {:#?}", a.events);
    found[0]
}

fn actor_ids(e: &Event) -> Vec<&str> {
    [&e.actor1, &e.actor2, &e.assoc_actor_1, &e.assoc_actor_2]
        .iter()
        .filter_map(|a| a.as_ref().map(|a| a.id.as_str()))
        .collect()
}

#[test]
fn air_strike_with_count_in_words_and_place() {
    let a =
        analyze("قُتل خمسة مدنيين جراء غارات جوية روسية استهدفت بلدة كفرنبل في ريف إدلب الجنوبي.");
    let e = only(&a, "Air/drone strike");
    assert_eq!(e.fatalities.as_ref().unwrap().value, 5);
    let ids = actor_ids(e);
    assert!(
        ids.contains(&"russia") || ids.iter().any(|i| i.contains("russia")),
        "{ids:?}"
    );
    let loc = e.location.as_ref().unwrap();
    assert_eq!(loc.admin1.as_deref(), Some("Idlib"));
    assert_eq!(loc.geo_precision, 1);
}

#[test]
fn approximate_toll_is_kept_approximate() {
    let a = analyze("قتل نحو 12 شخصاً بانفجار سيارة مفخخة في مدينة الباب شرقي حلب.");
    let e = only(&a, "Remote explosive/landmine/IED");
    let f = e.fatalities.as_ref().unwrap();
    assert_eq!(f.value, 12);
    assert_eq!(f.approx, marsad_extract::Approx::About);
    // Nobody claimed it: ACLED's unidentified armed group.
    assert_eq!(e.actor1.as_ref().unwrap().id, "unknown");
}

#[test]
fn dual_noun_counts_two() {
    let a = analyze(
        "أدى انفجار عبوة ناسفة بدورية لقوات سوريا الديمقراطية إلى مقتل عنصرين في بلدة الشحيل.",
    );
    let e = only(&a, "Remote explosive/landmine/IED");
    assert_eq!(e.fatalities.as_ref().unwrap().value, 2);
}

#[test]
fn negated_event_is_not_coded() {
    let a = analyze("لم تسجل أي اشتباكات على خطوط التماس في ريف منبج حتى صباح اليوم.");
    assert!(
        a.events.iter().all(|e| e.sub_event_type != "Armed clash"),
        "{:#?}",
        a.events
    );
}

#[test]
fn habitual_event_is_not_coded() {
    let a = analyze("تشهد المنطقة مظاهرات بشكل شبه يومي ضد تردي الأوضاع المعيشية.");
    assert!(a.events.is_empty(), "{:#?}", a.events);
}

#[test]
fn denial_in_the_same_document_makes_it_disputed() {
    let a = analyze(
        "قالت مصادر محلية إن هيئة تحرير الشام اعتقلت قيادياً في بلدة سرمدا أمس.\n\
         وفي المقابل نفى مسؤول في الهيئة صحة هذه الأنباء.",
    );
    let e = only(&a, "Arrests");
    assert_eq!(e.stance, Stance::Disputed);
    assert!(e.claims.iter().any(|c| c.stance == Stance::Denied));
    assert!(e
        .cited_source
        .as_ref()
        .unwrap()
        .text
        .starts_with("مصادر محلية"));
}

#[test]
fn hedge_next_to_the_event_makes_it_uncertain() {
    let a =
        analyze("قالت شبكة محلية إن قصفاً جوياً يُرجح أنه روسي استهدف قرية في ريف دير الزور الشرقي.");
    let e = only(&a, "Air/drone strike");
    assert_eq!(e.stance, Stance::Uncertain);
}

#[test]
fn headline_question_makes_the_body_event_uncertain() {
    let a = analyze(
        "هدنة بين النظام وفصائل درعا البلد؟\n\nتوصلت قوات النظام وفصائل المعارضة إلى اتفاق هدنة في درعا البلد بوساطة روسية.",
    );
    let e = only(&a, "Agreement");
    assert_eq!(e.stance, Stance::Uncertain);
    assert!(!e.claims.is_empty());
}

#[test]
fn truce_record_has_duration_mediator_and_secrecy() {
    let a = analyze(
        "توصلت قوات النظام والفصائل المحلية إلى اتفاق هدنة غير معلن في مدينة طفس لمدة شهر قابل للتمديد بوساطة روسية.",
    );
    let e = only(&a, "Agreement");
    let t = e.truce.as_ref().expect("truce record");
    assert_eq!(t.duration_days, Some(30));
    assert!(t.extendable);
    assert!(t.secret);
    assert!(t.mediator.is_some(), "{t:?}");
}

#[test]
fn back_reference_joins_the_first_telling() {
    let a = analyze(
        "وقعت قوات سوريا الديمقراطية اتفاق هدنة مع مقاتلي العشائر في بلدة ذيبان.\n\
         وتنص الهدنة على وقف إطلاق النار.\n\
         وقال مصدر إن الهدنة صامدة حتى الآن.",
    );
    assert_eq!(
        a.events
            .iter()
            .filter(|e| e.sub_event_type == "Agreement")
            .count(),
        1,
        "{:#?}",
        a.events
    );
}

#[test]
fn another_place_in_an_elliptic_clause_is_another_event() {
    let a = analyze("وسجلت عملية للتنظيم في السخنة، وأخرى في بلدة معدان قبل أيام.");
    let clashes: Vec<&Event> = a
        .events
        .iter()
        .filter(|e| e.sub_event_type == "Armed clash")
        .collect();
    // The first needs a prior mention of the group for "التنظيم"; without it, none is coded.
    assert!(clashes.is_empty() || clashes.len() == 2, "{clashes:#?}");
    let a = analyze("هاجم تنظيم داعش مواقع النظام.\nوسجلت عملية للتنظيم في السخنة، وأخرى في بلدة معدان قبل أيام.");
    let places: Vec<&str> = a
        .events
        .iter()
        .filter(|e| e.sub_event_type == "Armed clash")
        .filter_map(|e| e.location.as_ref().map(|l| l.place_id.as_str()))
        .collect();
    assert!(places.iter().any(|p| p.contains("sukhn")), "{places:?}");
    assert!(places.iter().any(|p| p.contains("maadan")), "{places:?}");
}

#[test]
fn countryside_of_a_governorate_is_region_precision() {
    let a = analyze("اندلعت اشتباكات بين قوات النظام وتنظيم داعش في ريف حمص الشرقي.");
    let e = only(&a, "Armed clash");
    let loc = e.location.as_ref().unwrap();
    assert_eq!(loc.admin1.as_deref(), Some("Homs"));
    assert!(loc.geo_precision >= 2, "{loc:?}");
    assert!(loc.name.contains("countryside"), "{loc:?}");
}

#[test]
fn destination_is_not_the_event_place() {
    let a = analyze("اعتقلت قوات الأسايش عشرة أشخاص في مدينة الرقة ونقلتهم إلى مدينة الحسكة.");
    let e = only(&a, "Arrests");
    assert_eq!(
        e.location.as_ref().unwrap().admin1.as_deref(),
        Some("Raqqa")
    );
    assert_eq!(e.arrested.as_ref().unwrap().value, 10);
}

#[test]
fn ambiguous_name_resolved_by_the_governorate_named_nearby() {
    // صوران is a town in Hama and one in Aleppo.
    let hama = analyze("قصفت قوات النظام بلدة صوران في ريف حماة الشمالي بالمدفعية.");
    let aleppo = analyze("قصفت القوات التركية بلدة صوران قرب أعزاز في ريف حلب الشمالي بالمدفعية.");
    let a1 = |a: &Analysis| {
        a.events
            .iter()
            .find(|e| e.sub_event_type.starts_with("Shelling"))
            .and_then(|e| e.location.as_ref())
            .and_then(|l| l.admin1.clone())
    };
    assert_eq!(a1(&hama).as_deref(), Some("Hama"));
    assert_eq!(a1(&aleppo).as_deref(), Some("Aleppo"));
}

#[test]
fn relative_dates_resolve_against_the_report_date() {
    let a = analyze_dated(
        "قُتل ثلاثة مدنيين أول من أمس بقصف مدفعي على بلدة كفرزيتا.",
        Some("2019-05-10"),
    );
    let e = &a.events[0];
    assert_eq!(e.date.date.as_deref(), Some("2019-05-08"));
    assert_eq!(e.date.time_precision, Some(1));
    // A weekday means the last such day before the report (2019-05-10 was a Friday).
    let a = analyze_dated(
        "قُتل ثلاثة مدنيين الثلاثاء بقصف مدفعي على بلدة كفرزيتا.",
        Some("2019-05-10"),
    );
    assert_eq!(a.events[0].date.date.as_deref(), Some("2019-05-07"));
    // The report's own weekday is the report's day.
    let a = analyze_dated(
        "قُتل ثلاثة مدنيين الجمعة بقصف مدفعي على بلدة كفرزيتا.",
        Some("2019-05-10"),
    );
    assert_eq!(a.events[0].date.date.as_deref(), Some("2019-05-10"));
    // The date line at the top of the page is the report date.
    let a = analyze("الأربعاء 2017/11/29\nقُتل ثلاثة مدنيين أمس بقصف مدفعي على بلدة كفرزيتا.");
    assert_eq!(a.events[0].date.date.as_deref(), Some("2017-11-28"));
}

#[test]
fn outlet_from_byline_or_told_to() {
    let a = analyze("عنب بلدي - إدلب\nقصفت قوات النظام بلدة كفرنبل أمس.");
    assert!(
        a.outlet.as_deref().unwrap_or("").contains("Enab"),
        "{:?}",
        a.outlet
    );
    let a = analyze("قال مصدر عسكري لـ«المدن» إن قوات النظام قصفت بلدة كفرنبل أمس.");
    assert!(a.outlet.is_some(), "{:?}", a.outlet);
}

#[test]
fn diacritics_and_tatweel_do_not_hide_names() {
    let text = "اعتقلت قُـوّات سُورِيا الدِّيمُقراطيّة خمسةَ أشخاصٍ في مدينةِ الرَّقة.";
    let a = analyze(text);
    let e = only(&a, "Arrests");
    assert_eq!(e.actor1.as_ref().unwrap().id, "sdf");
    let ev = e.actor1.as_ref().unwrap().evidence.as_ref().unwrap();
    assert_eq!(&text[ev.start..ev.end], ev.text);
}

#[test]
fn direction_and_near_lower_the_precision() {
    let a = analyze("قصفت قوات النظام بالمدفعية مواقع شرق بلدة كفرنبل.");
    let loc = a.events[0].location.as_ref().unwrap();
    assert!(loc.name.starts_with("east of"), "{loc:?}");
    assert_eq!(loc.geo_precision, 2);
    let a = analyze("قصفت قوات النظام بالمدفعية مواقع قرب بلدة كفرنبل.");
    let loc = a.events[0].location.as_ref().unwrap();
    assert!(loc.name.starts_with("near"), "{loc:?}");
    assert_eq!(loc.geo_precision, 2);
    let a = analyze("قصفت قوات النظام بالمدفعية بلدة كفرنبل.");
    assert_eq!(a.events[0].location.as_ref().unwrap().geo_precision, 1);
}

fn of_type<'a>(a: &'a Analysis, sub: &str) -> Vec<&'a Event> {
    a.events
        .iter()
        .filter(|e| e.sub_event_type == sub)
        .collect()
}

#[test]
fn a_place_taken_is_typed_by_who_takes_it() {
    // Words between the verb and "على"; the government side regains territory.
    let a = analyze("سيطرت قوات النظام , اليوم الأحد , على بلدة كفرنبل في ريف إدلب الجنوبي.");
    let e = only(&a, "Government regains territory");
    assert_eq!(e.event_type, "Battles");
    assert_eq!(e.actor1.as_ref().unwrap().id, "syrgov");
    // Any armed group other than the government and its allies overtakes it, even when the
    // government is named after "من" as the side it was taken from.
    let a = analyze("سيطرت فصائل المعارضة على بلدة كفرنبل بعد معارك مع قوات النظام.");
    let e = only(&a, "Non-state actor overtakes territory");
    assert_eq!(e.actor1.as_ref().unwrap().id, "opposition");
    // The noun with a possessive: "أعلنت قسد سيطرتها على".
    let a = analyze("أعلنت قوات سوريا الديمقراطية سيطرتها على مدينة الطبقة غرب الرقة.");
    only(&a, "Non-state actor overtakes territory");
}

#[test]
fn a_place_handed_over_without_a_fight_is_a_non_violent_transfer() {
    let a = analyze("دخلت قوات النظام بلدة كفرنبل دون قتال بعد انسحاب فصائل المعارضة منها.");
    assert!(
        of_type(&a, "Government regains territory").is_empty(),
        "{:#?}",
        a.events
    );
    assert!(
        !of_type(&a, "Non-violent transfer of territory").is_empty(),
        "{:#?}",
        a.events
    );
}

#[test]
fn the_same_strike_at_two_named_places_is_two_events_with_the_toll_split() {
    let a = analyze("قتل خمسة مدنيين جراء غارات جوية روسية استهدفت بلدتي كفرنبل وحاس في ريف إدلب.");
    let strikes = of_type(&a, "Air/drone strike");
    assert_eq!(strikes.len(), 2, "{:#?}", a.events);
    let tolls: Vec<u64> = strikes
        .iter()
        .map(|e| e.fatalities.as_ref().map_or(0, |f| f.value))
        .collect();
    // Split evenly, the remainder to the first-named place.
    assert_eq!(tolls.iter().sum::<u64>(), 5, "{tolls:?}");
    assert!(tolls.contains(&3) && tolls.contains(&2), "{tolls:?}");
}

#[test]
fn names_the_gazetteer_lacks_are_read_after_a_place_word() {
    // "تل الزنبقات" and "عين البرتقالات" are made up: no gazetteer lists them.
    let a = analyze(
        "شنت الطائرات الحربية غارات على قرى تل الزنبقات وعين البرتقالات في ريف حمص الشمالي.",
    );
    let strikes = of_type(&a, "Air/drone strike");
    assert_eq!(strikes.len(), 2, "{:#?}", a.events);
    for e in &strikes {
        let loc = e.location.as_ref().unwrap();
        // Placed by the listed place around them (here a region: ACLED precision 3), never
        // as if their own coordinates were known.
        assert_eq!(loc.admin1.as_deref(), Some("Homs"), "{loc:?}");
        assert!(loc.geo_precision >= 2, "{loc:?}");
    }
    let names: Vec<&str> = strikes
        .iter()
        .map(|e| e.location.as_ref().unwrap().name.as_str())
        .collect();
    assert!(
        names.contains(&"تل الزنبقات") && names.contains(&"عين البرتقالات"),
        "{names:?}"
    );
    // In Arabic as the article writes it: with the place word right before the name.
    let written: Vec<&str> = strikes
        .iter()
        .map(|e| e.location.as_ref().unwrap().name_ar.as_str())
        .collect();
    assert!(
        written.contains(&"قرى تل الزنبقات") && written.contains(&"عين البرتقالات"),
        "{written:?}"
    );
}

#[test]
fn bombardment_with_aircraft_in_its_clause_is_one_air_strike() {
    let a = analyze("قصفت الطائرات الحربية الروسية بلدة كفرنبل في ريف إدلب الجنوبي.");
    only(&a, "Air/drone strike");
    assert!(
        of_type(&a, "Shelling/artillery/missile attack").is_empty(),
        "{:#?}",
        a.events
    );
}

#[test]
fn a_clash_word_against_civilians_only_is_an_attack_on_civilians() {
    let a = analyze("هاجم مسلحون من تنظيم داعش تجمعا للمدنيين في بلدة كفرنبل في ريف إدلب.");
    assert!(of_type(&a, "Armed clash").is_empty(), "{:#?}", a.events);
}

#[test]
fn a_year_well_before_the_report_is_history() {
    let a = analyze_dated(
        "وكان تنظيم الدولة قد سيطر على مدينة تدمر في أيار 2015. وقصفت الطائرات الحربية مدينة تدمر اليوم.",
        Some("2017-06-01"),
    );
    assert!(
        of_type(&a, "Non-state actor overtakes territory").is_empty(),
        "{:#?}",
        a.events
    );
    only(&a, "Air/drone strike");
}

/// The Arabic place of the single event of a type, for the place tests below.
fn place_of<'a>(a: &'a Analysis, sub: &str) -> &'a marsad_extract::Location {
    only(a, sub).location.as_ref().expect("located")
}

#[test]
fn a_city_after_a_precise_place_qualifies_it() {
    let a = analyze("سقطت قذائف هاون أطلقتها قوات النظام على حي الوعر في حمص أمس.");
    let loc = place_of(&a, "Shelling/artillery/missile attack");
    assert!(loc.name_ar.contains("الوعر"), "{loc:?}");
}

#[test]
fn a_bulletin_section_heading_gives_way_to_the_place_after_the_trigger() {
    let a = analyze("درعا وريفها أصيب مدنيان إثر قصف قوات النظام بالمدفعية الثقيلة، بلدة تسيل بريف درعا الغربي.");
    let loc = place_of(&a, "Shelling/artillery/missile attack");
    assert!(loc.name_ar.contains("تسيل"), "{loc:?}");
}

#[test]
fn backing_from_a_capital_abroad_is_no_place() {
    let a = analyze("سيطرت فصائل سورية معارضة مدعومة من أنقرة على بلدة الراعي بريف حلب الشمالي.");
    for e in &a.events {
        let loc = e.location.as_ref().expect("located");
        assert_eq!(loc.country, "SY", "{loc:?}");
    }
}

#[test]
fn the_capital_in_apposition_is_the_place_abroad() {
    let a = analyze("اندلعت اشتباكات عنيفة بين الحوثيين وقوات الحرس الرئاسي في العاصمة صنعاء.");
    let loc = place_of(&a, "Armed clash");
    assert_eq!(loc.country, "YE", "{loc:?}");
}

#[test]
fn an_ordinary_word_spelled_like_a_place_is_no_place() {
    // "حمأة" (the heat of) folds to "حماه" once hamza and ta marbuta are normalized.
    let a = analyze("قتل ثلاثة مقاتلين في حمأة المعارك العنيفة مع تنظيم داعش.");
    for e in &a.events {
        if let Some(loc) = &e.location {
            assert_ne!(loc.admin1.as_deref(), Some("Hama"), "{loc:?}");
        }
    }
}

#[test]
fn words_after_a_name_that_belong_to_it_are_kept_in_arabic() {
    let a = analyze("قصفت المدفعية التركية قاعدة منغ الجوية بريف حلب الشمالي.");
    let loc = place_of(&a, "Shelling/artillery/missile attack");
    assert!(loc.name_ar.contains("منغ الجوية"), "{loc:?}");
}

#[test]
fn a_medium_named_after_a_town_is_no_place() {
    let a = analyze(
        "وقال مراسل الميادين إن الطيران الحربي شن غارات عنيفة على مواقع المسلحين في ريف حمص.",
    );
    let loc = place_of(&a, "Air/drone strike");
    assert_eq!(loc.admin1.as_deref(), Some("Homs"), "{loc:?}");
}

#[test]
fn a_strike_that_kills_people_not_named_as_fighters_hits_civilians() {
    let a = analyze(
        "شنت الطائرات الحربية الروسية غارات على بلدة كفرنبل في ريف إدلب ما أسفر عن مقتل تسعة أشخاص.",
    );
    let ids = actor_ids(only(&a, "Air/drone strike"));
    assert!(ids.contains(&"russia"), "{ids:?}");
    assert!(ids.contains(&"civilians"), "{ids:?}");
}

#[test]
fn a_strike_that_kills_fighters_does_not_hit_civilians() {
    let a = analyze(
        "شنت الطائرات الحربية الروسية غارات على بلدة كفرنبل في ريف إدلب ما أسفر عن مقتل تسعة عناصر.",
    );
    let ids = actor_ids(only(&a, "Air/drone strike"));
    assert!(!ids.contains(&"civilians"), "{ids:?}");
    let a = analyze(
        "قصفت الطائرات الحربية الروسية بلدة كفرنبل في ريف إدلب ما أسفر عن مقتل خمسة من قوات النظام.",
    );
    let ids = actor_ids(only(&a, "Air/drone strike"));
    assert!(!ids.contains(&"civilians"), "{ids:?}");
}

#[test]
fn indefinite_foreign_aircraft_and_the_syrian_air_defence_are_actors() {
    let a = analyze(
        "استهدفت طائرات حربية إسرائيلية مستودعات قرب مطار المزة العسكري في دمشق، واعترض الدفاع الجوي السوري ثلاثة صواريخ.",
    );
    let ids: Vec<&str> = a.events.iter().flat_map(actor_ids).collect();
    assert!(ids.contains(&"israel"), "{:#?}", a.events);
    assert!(ids.contains(&"syrgov"), "{:#?}", a.events);
    let a = analyze("قتل ثلاثة مسلحين في غارة أمريكية على بلدة سرمدا في ريف إدلب.");
    let ids: Vec<&str> = a.events.iter().flat_map(actor_ids).collect();
    assert!(ids.contains(&"us"), "{:#?}", a.events);
}
