//! Actor rules of the fifth actors pass (issue 13), one constructed Arabic sentence each: an
//! explosion verb carries no pronoun subject, violence against civilians and arrests hit
//! civilians, the government's allies are not the other side of its battles, the voice that
//! reports an event is not a side of it.

mod common;

use common::{actor_ids, analyze, of_type};

#[test]
fn an_explosion_verb_has_no_pronoun_subject() {
    let a = analyze(
        "وقصفت قوات النظام بلدة كفرنبل في ريف إدلب الجنوبي يوم الجمعة .\nكما انفجرت عبوة ناسفة في سوق بلدة حاس في ريف إدلب الجنوبي يوم الجمعة .",
    );
    let bomb = of_type(&a, "Remote explosive/landmine/IED");
    let ids = actor_ids(bomb);
    assert!(!ids.contains(&"syrgov"), "{ids:?}");
    assert_eq!(ids.first(), Some(&"unknown"), "{ids:?}");
}

#[test]
fn an_attack_hits_civilians_even_when_they_are_not_named() {
    let a = analyze(
        "قتل رجل برصاص مسلحين مجهولين أمام منزله في مدينة تلبيسة بريف حمص الشمالي يوم الأحد .",
    );
    let attack = of_type(&a, "Attack");
    assert!(
        actor_ids(attack).contains(&"civilians"),
        "{:?}",
        actor_ids(attack)
    );
}

#[test]
fn an_arrest_of_people_not_named_as_fighters_is_of_civilians() {
    let a = analyze("اعتقلت قوات سوريا الديمقراطية عددا من الشبان في مدينة تل أبيض يوم الثلاثاء .");
    let arrest = of_type(&a, "Arrests");
    assert!(
        actor_ids(arrest).contains(&"civilians"),
        "{:?}",
        actor_ids(arrest)
    );
    let a = analyze("اعتقلت قوات سوريا الديمقراطية خمسة عناصر في مدينة تل أبيض يوم الثلاثاء .");
    let arrest = of_type(&a, "Arrests");
    assert!(
        !actor_ids(arrest).contains(&"civilians"),
        "{:?}",
        actor_ids(arrest)
    );
}

#[test]
fn an_ally_of_the_government_is_not_the_other_side_of_its_battle() {
    let a = analyze(
        "وشن الطيران الروسي غارات على مدينة اللطامنة في ريف حماة الشمالي .\nوسيطرت قوات النظام يوم الخميس على قرية مغيرات بريف حلب الجنوبي بعد معارك عنيفة .",
    );
    let takeover = of_type(&a, "Government regains territory");
    let ids = actor_ids(takeover);
    assert!(ids.contains(&"syrgov"), "{ids:?}");
    assert!(!ids.contains(&"russia"), "{ids:?}");
}

#[test]
fn the_voice_that_reports_an_event_is_not_a_side() {
    let a = analyze(
        "شنت المقاتلات الروسية غارات جوية على قرية كبينة في ريف اللاذقية الشمالي يوم الأحد , وفق ما أفادت به مصادر المعارضة .",
    );
    let strike = of_type(&a, "Air/drone strike");
    let ids = actor_ids(strike);
    assert!(ids.contains(&"russia"), "{ids:?}");
    assert!(!ids.contains(&"opposition"), "{ids:?}");
}

#[test]
fn a_report_after_inna_is_not_the_voice() {
    let a = analyze(
        "وقالت مصادر إن الطائرات الإسرائيلية قصفت موقعا عسكريا في منطقة الكسوة بريف دمشق يوم الأحد .",
    );
    let strike = of_type(&a, "Air/drone strike");
    assert!(
        actor_ids(strike).contains(&"israel"),
        "{:?}",
        actor_ids(strike)
    );
}

#[test]
fn the_regimes_aircraft_and_assads_name_are_the_government() {
    for s in [
        "شنت طائرات النظام غارات على بلدة كفرنبل في ريف إدلب الجنوبي يوم الأحد .",
        "ألقت مروحيات الأسد براميل متفجرة على بلدة كفرنبل في ريف إدلب الجنوبي يوم الأحد .",
        "شن الطيران الحربي التابع للنظام غارات على بلدة كفرنبل في ريف إدلب الجنوبي يوم الأحد .",
    ] {
        let a = analyze(s);
        let strike = of_type(&a, "Air/drone strike");
        assert_eq!(actor_ids(strike).first(), Some(&"syrgov"), "{s}");
    }
    let a = analyze(
        "دارت معارك بين مقاتلي تنظيم داعش وجيش نظام بشار الأسد قرب بلدة مهين في ريف حمص يوم الأحد .",
    );
    let clash = of_type(&a, "Armed clash");
    assert!(
        actor_ids(clash).contains(&"syrgov"),
        "{:?}",
        actor_ids(clash)
    );
}

#[test]
fn factions_beside_turkish_forces_are_coded_turkey() {
    let a = analyze(
        "وطردت القوات التركية والفصائل المقاتلة السورية تنظيم داعش من بلدة صوران في ريف حلب الشمالي يوم الأحد .",
    );
    let ids: Vec<&str> = a.events.iter().flat_map(actor_ids).collect();
    assert!(ids.contains(&"turkey"), "{ids:?}");
    assert!(!ids.contains(&"opposition"), "{ids:?}");
    let a = analyze(
        "سيطرت فصائل من الجيش الحر على مدينة جرابلس شمال شرق حلب يوم الأربعاء بمساندة الجيش التركي .",
    );
    let ids: Vec<&str> = a.events.iter().flat_map(actor_ids).collect();
    assert!(ids.contains(&"turkey"), "{ids:?}");
    assert!(!ids.contains(&"fsa"), "{ids:?}");
}

#[test]
fn the_aircraft_refer_back_to_the_attacker_named_before() {
    let a = analyze(
        "وفي جريمة جديدة للنظام السوري قتل عشرة أشخاص في قصف مدفعي على مدينة كفرزيتا بريف حماة الشمالي يوم السبت .\nوشن الطيران الحربي غارات على مدينة معرة النعمان في ريف إدلب الجنوبي , ما أسفر عن مقتل مدني .",
    );
    let strike = a
        .events
        .iter()
        .find(|e| {
            e.location
                .as_ref()
                .is_some_and(|l| l.name_ar.contains("معرة"))
        })
        .unwrap_or_else(|| panic!("{:#?}", a.events));
    assert!(
        actor_ids(strike).contains(&"syrgov"),
        "{:?}",
        actor_ids(strike)
    );
}

#[test]
fn aircraft_with_no_attacker_named_before_stay_unknown() {
    let a = analyze(
        "وشن الطيران الحربي غارات على مدينة معرة النعمان في ريف إدلب الجنوبي , ما أسفر عن مقتل مدني .",
    );
    let strike = of_type(&a, "Air/drone strike");
    assert_eq!(
        actor_ids(strike).first(),
        Some(&"unknown"),
        "{:?}",
        actor_ids(strike)
    );
}

#[test]
fn a_one_sided_happening_has_one_doer() {
    let a = analyze(
        "وحذر الجيش الحر من تنظيم داعش في مدينة الباب , إذ سبق لها أن دمرت مقام الشيخ هلال في مدينة منبج بريف حلب الشرقي .",
    );
    let destruction = of_type(&a, "Looting/property destruction");
    assert_eq!(actor_ids(destruction), vec!["isis"], "{:#?}", destruction);
}
