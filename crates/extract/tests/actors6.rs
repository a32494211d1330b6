//! Actor rules of the sixth actors pass (issue 13), one constructed Arabic sentence each: the
//! losing side of a place taken by a non-state group.

mod common;

use common::{actor_ids, analyze, of_type};

#[test]
fn a_place_taken_by_rebels_alone_is_taken_from_the_side_the_report_fights() {
    let a = analyze(
        "سيطر مقاتلو المعارضة يوم الأحد على مطار عسكري في ريف حلب الشرقي .\nوقال ناشط إن الفصائل تقاتل قوات النظام منذ أشهر في المنطقة .\nوأضاف أن قوات النظام خسرت عشرات العناصر في المعارك .",
    );
    let taken = of_type(&a, "Non-state actor overtakes territory");
    let ids = actor_ids(taken);
    assert_eq!(ids.first(), Some(&"opposition"), "{ids:?}");
    assert!(ids.contains(&"syrgov"), "{ids:?}");
    // The government's own gains keep the sides their statements name.
    let a = analyze(
        "سيطرت قوات النظام يوم الأحد على قرية في ريف حلب الشرقي .\nوقال ناشط إن تنظيم داعش يقاتل في المنطقة منذ أشهر .\nوأضاف أن تنظيم داعش خسر عشرات العناصر في المعارك .",
    );
    let taken = of_type(&a, "Government regains territory");
    assert_eq!(actor_ids(taken), vec!["syrgov"]);
}

#[test]
fn who_is_named_after_a_word_of_accompaniment_does_the_other_happening() {
    let a = analyze(
        "واستهدفت الغارات الروسية بلدة عندان في ريف حلب الشمالي يوم الخميس , بالتزامن مع محاولة قوات النظام التقدم نحو تلة قريبة .",
    );
    let strike = of_type(&a, "Air/drone strike");
    assert_eq!(actor_ids(strike), vec!["russia"]);
}

#[test]
fn an_agency_is_a_voice_even_with_its_first_letter_read_as_a_conjunction() {
    let a = analyze(
        "وقالت وكالة انترفاكس الروسية إن الشرطة العسكرية التركية بدأت بالانتشار في محافظة إدلب يوم الأحد .",
    );
    let e = of_type(&a, "Change to group/activity");
    assert_eq!(actor_ids(e), vec!["turkey"]);
}

#[test]
fn a_bomb_whose_only_side_is_among_its_wounded_hit_that_side() {
    let a = analyze(
        "أصيب ثلاثة عناصر من الجيش الحر إثر انفجار عبوة ناسفة بهم في بلدة المعلقة بريف القنيطرة يوم الأحد .",
    );
    let bomb = of_type(&a, "Remote explosive/landmine/IED");
    assert_eq!(actor_ids(bomb), vec!["unknown", "fsa"]);
    // Who planted it, named in its own words, stays the attacker.
    let a = analyze(
        "انفجرت عبوة ناسفة زرعها تنظيم داعش في بلدة المعلقة بريف القنيطرة يوم الأحد ما أدى إلى مقتل خمسة أشخاص .",
    );
    let bomb = of_type(&a, "Remote explosive/landmine/IED");
    assert_eq!(actor_ids(bomb).first(), Some(&"isis"));
}

#[test]
fn indefinite_turkish_aircraft_and_the_iraqi_hashd_are_known() {
    let a = analyze("قصفت طائرة تركية مواقع تنظيم داعش في مدينة الباب بريف حلب الشرقي يوم الأحد .");
    let strike = of_type(&a, "Air/drone strike");
    let ids = actor_ids(strike);
    assert_eq!(ids.first(), Some(&"turkey"), "{ids:?}");
    let a = analyze("اشتبك الحشد العراقي مع عناصر تنظيم داعش في بلدة القائم غرب العراق يوم الأحد .");
    let clash = of_type(&a, "Armed clash");
    assert!(actor_ids(clash).contains(&"pmf"), "{:?}", actor_ids(clash));
}

#[test]
fn factions_and_militias_are_named_with_the_side_the_codebook_gives_them() {
    let a = analyze(
        "سيطرت حركة نور الدين الزنكي على قرية خان طومان في ريف حلب الجنوبي بعد معارك مع تنظيم داعش يوم الأحد .",
    );
    let taken = of_type(&a, "Non-state actor overtakes territory");
    let name = &taken.actor1.as_ref().expect("taker").name;
    assert!(name.contains("Syrian opposition"), "{name}");
    // A militia fighting for the government regains territory.
    let a = analyze(
        "سيطر لواء الباقر على قرية خان طومان في ريف حلب الجنوبي بعد معارك مع تنظيم داعش يوم الأحد .",
    );
    let taken = of_type(&a, "Government regains territory");
    let name = &taken.actor1.as_ref().expect("taker").name;
    assert!(name.contains("Syrian government"), "{name}");
}
