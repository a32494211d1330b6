//! Places at village scale and abroad, with the built-in gazetteer: villages of
//! `data/gazetteer/villages.csv` (Who's On First / GeoNames) counted only with evidence, places
//! abroad located abroad, Syrian homonyms only with Syrian context, and the origin of an attack
//! never its place.

mod common;

use common::analyze;
use marsad_extract::Analysis;

fn place_ids(a: &Analysis) -> Vec<&str> {
    a.events
        .iter()
        .filter_map(|e| e.location.as_ref().map(|l| l.place_id.as_str()))
        .collect()
}

fn admin1s(a: &Analysis) -> Vec<&str> {
    a.events
        .iter()
        .filter_map(|e| e.location.as_ref().and_then(|l| l.admin1.as_deref()))
        .collect()
}

#[test]
fn a_village_of_the_bulk_list_is_placed() {
    let a = analyze("قتل ثلاثة مدنيين جراء غارات جوية استهدفت قرية ترمانين في ريف إدلب الشمالي.");
    assert_eq!(place_ids(&a), ["sy-id-village-turmanin"], "{:#?}", a.events);
    let loc = a.events[0].location.as_ref().unwrap();
    assert_eq!(loc.geo_precision, 1);
    assert_eq!(loc.admin1.as_deref(), Some("Idlib"));
}

#[test]
fn a_village_homonym_does_not_displace_the_known_town() {
    // Maskanah is a town of Aleppo (admin.csv) and a village of Homs (villages.csv).
    let a = analyze("قتل ثلاثة مدنيين جراء غارات جوية استهدفت مدينة مسكنة في ريف حلب الشرقي.");
    assert_eq!(place_ids(&a), ["sy-al-town-maskanah"], "{:#?}", a.events);
    let a = analyze("قتل ثلاثة مدنيين جراء غارات جوية استهدفت مسكنة.");
    assert_eq!(place_ids(&a), ["sy-al-town-maskanah"], "{:#?}", a.events);
}

#[test]
fn a_village_needs_evidence() {
    // After "في" with its governorate named next to it: the village.
    let a = analyze("قتل ثلاثة مدنيين جراء غارات جوية في ترمانين بريف إدلب الشمالي.");
    assert_eq!(place_ids(&a), ["sy-id-village-turmanin"], "{:#?}", a.events);
    // Bare, with nothing around it: the name alone is no evidence of the village.
    let a = analyze("قتل ثلاثة مدنيين جراء غارات جوية استهدفت ترمانين.");
    assert!(
        !place_ids(&a).contains(&"sy-id-village-turmanin"),
        "{:#?}",
        a.events
    );
    // After "في" but beside a place of another governorate: not that village.
    let a = analyze("قتل ثلاثة مدنيين جراء غارات جوية في ترمانين بريف درعا الغربي.");
    assert!(
        !place_ids(&a).contains(&"sy-id-village-turmanin"),
        "{:#?}",
        a.events
    );
}

#[test]
fn jerusalem_is_not_the_latakia_quarter() {
    let a = analyze("قتل ثلاثة فلسطينيين برصاص الشرطة الإسرائيلية في القدس أمس.");
    assert_eq!(place_ids(&a), ["ps-city-jerusalem"], "{:#?}", a.events);
    assert_eq!(admin1s(&a), ["Palestine"]);
    // "حي القدس" in Latakia: the quarter.
    let a = analyze("قتل ثلاثة مدنيين جراء سقوط قذائف على حي القدس في مدينة اللاذقية.");
    assert_eq!(place_ids(&a), ["sy-latakia-nbh-quds"], "{:#?}", a.events);
    // Named beside Latakia, the bare name is the quarter too.
    let a = analyze("قتل ثلاثة مدنيين جراء سقوط قذائف على القدس في مدينة اللاذقية.");
    assert_eq!(place_ids(&a), ["sy-latakia-nbh-quds"], "{:#?}", a.events);
}

#[test]
fn an_event_abroad_is_located_abroad() {
    let a = analyze("قتل عشرة أشخاص في انفجار سيارة مفخخة في بغداد.");
    assert_eq!(place_ids(&a), ["iq-city-baghdad"], "{:#?}", a.events);
    assert_eq!(admin1s(&a), ["Iraq"]);
    let a = analyze("قتل خمسة أشخاص في غارة جوية على مدينة غزة.");
    assert_eq!(admin1s(&a), ["Palestine"], "{:#?}", a.events);
}

#[test]
fn a_capital_named_as_its_government_is_no_place() {
    // "أعلنت موسكو": the Russian government, not Moscow; the strike is in Idlib.
    let a = analyze("أعلنت موسكو أن طائراتها قتلت عشرين مسلحا بغارات جوية على ريف إدلب.");
    assert!(!place_ids(&a).is_empty(), "{:#?}", a.events);
    assert!(admin1s(&a).iter().all(|&a| a == "Idlib"), "{:#?}", a.events);
}

#[test]
fn the_origin_of_an_attack_is_not_its_place() {
    let a = analyze(
        "قتل سبعة مدنيين بغارات شنتها طائرات حربية أقلعت من مطار حماة العسكري على بلدة كفرنبل.",
    );
    let ids = place_ids(&a);
    assert!(!ids.is_empty(), "{:#?}", a.events);
    assert!(
        ids.iter().all(|&id| id != "sy-base-hama-airbase"),
        "{ids:?} {:#?}",
        a.events
    );
}

#[test]
fn a_seat_of_a_source_is_no_place() {
    let a =
        analyze("قال المرصد السوري لحقوق الإنسان ومقره لندن إن اشتباكات عنيفة دارت في بلدة مورك.");
    assert!(
        admin1s(&a).iter().all(|&a| a != "United Kingdom"),
        "{:#?}",
        a.events
    );
}

fn names_ar(a: &Analysis) -> Vec<&str> {
    a.events
        .iter()
        .filter_map(|e| e.location.as_ref().map(|l| l.name_ar.as_str()))
        .collect()
}

#[test]
fn a_word_after_a_village_word_is_no_village() {
    // "seven new villages": جديدة is a village of Idlib, and an adjective here.
    let a = analyze("سيطرت قوات النظام على 7 قرى جديدة بريف حلب الجنوبي.");
    assert!(
        !place_ids(&a).iter().any(|p| p.contains("judaydah")),
        "{:#?}",
        a.events
    );
}

#[test]
fn a_bare_name_is_not_a_quarter_that_needs_context() {
    // القنيطرة is a governorate and city, and a quarter of Daraa that needs a place word.
    let a = analyze("سيطرت قوات النظام على القنيطرة بعد معارك عنيفة مع الفصائل في درعا.");
    assert_eq!(admin1s(&a)[0], "Quneitra", "{:#?}", a.events);
}

#[test]
fn a_river_is_not_the_quarter_of_its_name() {
    let a = analyze("قصفت الطائرات الحربية مواقع على ضفاف نهر الفرات قرب مدينة دير الزور.");
    assert!(
        !place_ids(&a).contains(&"sy-raqqa-nbh-furat"),
        "{:#?}",
        a.events
    );
}

#[test]
fn an_unlisted_item_between_listed_towns_is_a_place() {
    // حزة is not in the gazetteer; it sits between listed towns of a list.
    let a = analyze("شنت الطائرات الحربية غارات على بلدات كفربطنا وحمورية وحزة وسقبا بريف دمشق.");
    let names = names_ar(&a);
    assert!(names.iter().any(|n| n.contains("حزة")), "{names:?}");
    assert_eq!(names.len(), 4, "{names:?}");
}

#[test]
fn the_two_villages_just_named_are_not_al_qaryatayn() {
    let a = analyze(
        "سيطرت قوات النظام على قريتي حران وحردانة شمال شرقي مدينة حماة. وانتهت المواجهات باستعادة السيطرة على القريتين بعد معارك عنيفة.",
    );
    assert!(
        !place_ids(&a).iter().any(|p| p.contains("qaryatayn")),
        "{:#?}",
        a.events
    );
    let a = analyze("سيطر تنظيم الدولة على القريتين في ريف حمص الشرقي بعد معارك عنيفة.");
    assert!(
        place_ids(&a).iter().any(|p| p.contains("qaryatayn")),
        "{:#?}",
        a.events
    );
}
