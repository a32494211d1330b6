//! Detection rules of the third session (issue 13), one constructed Arabic sentence each: the
//! modality of a clash or a killing, actors by pronoun, targeting with a weapon, lists with
//! quoted names and read from any item, opinion, sounds of explosions, history by a written date;
//! and of the fifth: a fronted time adverbial, "إضافة إلى" lists, cue words in place names,
//! photo captions, sieges broken.

mod common;

use common::{actor_ids, analyze};
use marsad_extract::{Analysis, Event};

fn types(a: &Analysis) -> Vec<&str> {
    a.events.iter().map(|e| e.sub_event_type.as_str()).collect()
}

fn places(a: &Analysis) -> Vec<String> {
    a.events
        .iter()
        .filter_map(|e: &Event| e.location.as_ref().map(|l| l.name_ar.clone()))
        .collect()
}

#[test]
fn a_suicide_attack_is_not_also_a_clash() {
    let a = analyze("قتل مسلحو تنظيم داعش عشرة من جنود النظام في هجوم انتحاري قرب بلدة خناصر جنوبي حلب يوم الخميس .");
    assert!(types(&a).contains(&"Suicide bomb"), "{:?}", types(&a));
    assert!(!types(&a).contains(&"Armed clash"), "{:?}", types(&a));
}

#[test]
fn deaths_from_a_strike_are_its_toll_not_an_attack_of_their_own() {
    let a = analyze("قضى أربعة مدنيين جراء القصف الروسي على مدينة سراقب في ريف إدلب يوم الأحد .");
    assert!(!types(&a).contains(&"Attack"), "{:?}", types(&a));
}

#[test]
fn a_pronoun_subject_takes_the_actors_of_the_sentence_before() {
    let a = analyze(
        "وكان مقاتلو المعارضة قد استولوا على مطار مرج السلطان العسكري في ريف دمشق يوم الأحد .\nكما استولوا على مطار تفتناز العسكري في محافظة إدلب يوم الاثنين .",
    );
    let taftanaz = a
        .events
        .iter()
        .find(|e| e.evidence.text.contains("تفتناز"))
        .unwrap_or_else(|| panic!("no event at Taftanaz: {:#?}", a.events));
    assert_eq!(
        taftanaz.sub_event_type,
        "Non-state actor overtakes territory"
    );
    assert!(taftanaz.actor1.is_some());
}

#[test]
fn targeting_with_heavy_weapons_named_late_is_shelling_at_every_listed_place() {
    let a = analyze(
        "وأفاد ناشطون بأن قوات النظام استهدفت مدينة \" دوما \" وبلدتي \" سقبا \" و \" عين ترما \" بالأسلحة الثقيلة يوم الخميس .",
    );
    assert_eq!(
        types(&a),
        ["Shelling/artillery/missile attack"; 3],
        "{:#?}",
        a.events
    );
    let p = places(&a).join(" | ");
    for name in ["دوما", "سقبا", "عين ترما"] {
        assert!(p.contains(name), "{name} missing from {p}");
    }
}

#[test]
fn a_bombardment_after_an_air_raid_with_the_same_subject_is_an_air_strike() {
    let a = analyze(
        "وفي ريف حماة , شن الطيران الحربي الروسي سبع غارات على قرية الرهجان , وقصف قرية أبو حية في ناحية الحمراء يوم الثلاثاء .",
    );
    assert!(!types(&a).is_empty());
    assert!(
        types(&a).iter().all(|t| *t == "Air/drone strike"),
        "{:?}",
        types(&a)
    );
}

#[test]
fn an_analysts_view_is_no_event() {
    let a = analyze(
        "ويرى مراقبون أن هجوم الفصائل على مواقع التنظيم في ريف درعا الغربي سيغير موازين القوى .",
    );
    assert!(a.events.is_empty(), "{:#?}", a.events);
}

#[test]
fn explosions_heard_are_no_explosive_device() {
    for text in [
        "وأبلغ شاهد أن دوي انفجارات قوية سمع من اتجاه جمرايا غرب دمشق مساء أمس .",
        "وأبلغ شاهد أن دوي ثلاثة انفجارات قوية سمع من اتجاه جمرايا غرب دمشق مساء أمس .",
        "ووقعت اشتباكات قرب منزل الرئيس في صنعاء , بينما سمع دوي 3 انفجارات بالقرب من منزله .",
        "وسمعت أصوات انفجارات في حي المزة بدمشق مساء أمس .",
    ] {
        let a = analyze(text);
        assert!(
            !types(&a).contains(&"Remote explosive/landmine/IED"),
            "{text}: {:?}",
            types(&a)
        );
    }
    // A blast told with no device and no one killed or hurt is what a strike left, or a rumour.
    let a = analyze(
        "وكانت مواقع موالية للنظام قد قالت إن انفجارات ضخمة وقعت بالقرب من مطار دمشق الدولي .",
    );
    assert!(a.events.is_empty(), "{:?}", types(&a));
    // With its dead it is told as a happening of its own; someone blowing something up is an act.
    let a = analyze("وقتل ثلاثة مدنيين في انفجار هز مدينة أعزاز بريف حلب الشمالي صباح اليوم .");
    assert_eq!(types(&a), ["Remote explosive/landmine/IED"]);
    let a = analyze("وفجرت عناصر التنظيم مقاما دينيا في بلدة تادف بريف حلب الشرقي يوم الأربعاء .");
    assert_eq!(types(&a), ["Remote explosive/landmine/IED"]);
    // A device named with the blast is known, heard or not.
    let a = analyze("وسمع دوي انفجار عبوة ناسفة في سوق بلدة الدانا بريف إدلب صباح اليوم .");
    assert_eq!(types(&a), ["Remote explosive/landmine/IED"]);
}

#[test]
fn a_takeover_dated_a_year_before_the_report_is_history() {
    let text = "نشر في 20 / 06 / 2017\nسيطرت قوات سوريا الديمقراطية على مدينة الطبقة في ريف الرقة يوم الاثنين .\nوكانت القوات الكردية قد سيطرت على مدينة تل أبيض في 15 حزيران 2016 بعد معارك مع التنظيم .";
    let a = analyze(text);
    assert!(
        a.events.iter().any(|e| e.evidence.text.contains("الطبقة")),
        "{:#?}",
        a.events
    );
    assert!(
        !a.events.iter().any(|e| e.evidence.text.contains("تل أبيض")),
        "{:#?}",
        a.events
    );
}

#[test]
fn what_may_happen_is_no_event_and_a_cautious_calm_is_no_warning() {
    let a = analyze(
        "وإذا ما سيطر جيش خالد بن الوليد على مدينة نوى في ريف درعا فسيكون ذلك أمرا كارثيا .",
    );
    assert!(a.events.is_empty(), "{:#?}", a.events);
    let a = analyze("ويسود هدوء حذر بعد أن سيطرت القوات العراقية على مدينة كركوك يوم الاثنين .");
    assert!(!a.events.is_empty());
}

#[test]
fn a_quoted_list_after_a_plural_place_word_is_one_event_per_name() {
    let a = analyze(
        "سيطر الجيش السوري على بلدات \" الفرحة , الزهرة , الرابية والسنديان \" وعلى قرى \" الغدير , الوادي \" في ريف دير الزور الشرقي بعد مواجهات مع تنظيم داعش .",
    );
    let p = places(&a).join(" | ");
    for name in [
        "الفرحة",
        "الزهرة",
        "الرابية",
        "السنديان",
        "الغدير",
        "الوادي",
    ] {
        assert!(p.contains(name), "{name} missing from {p}");
    }
    assert!(
        types(&a)
            .iter()
            .all(|t| *t == "Government regains territory"),
        "{:?}",
        types(&a)
    );
}

#[test]
fn air_raids_and_shells_on_the_same_towns_are_air_strikes_only() {
    let a = analyze(
        "وقال ناشطون إن أكثر من 30 غارة جوية و 200 قذيفة مدفعية وقذائف عنقودية , استهدفت منذ عصر الثلاثاء مدينتي \" دوما \" و \" حرستا \" في الغوطة الشرقية .",
    );
    assert_eq!(types(&a), ["Air/drone strike"; 2], "{:#?}", a.events);
    let places = places(&a);
    assert!(
        places[0].ends_with("دوما") && places[1].ends_with("حرستا"),
        "{places:?}"
    );
}

#[test]
fn a_named_battle_is_no_clash_but_a_fierce_one_is() {
    let a = analyze("وتعتبر معركة الطبقة جزءا من الهجوم الشامل الذي أطلقته قوات سوريا الديمقراطية لاستعادة مدينة الرقة .");
    assert!(!types(&a).contains(&"Armed clash"), "{:#?}", a.events);
    let a = analyze(
        "ودارت معركة عنيفة بين قوات النظام وفصائل المعارضة في بلدة كفرنبودة بريف حماة يوم الأحد .",
    );
    assert_eq!(types(&a), ["Armed clash"], "{:#?}", a.events);
}

#[test]
fn ground_described_by_who_took_it_is_no_takeover() {
    let a =
        analyze("وارتكب التنظيم جرائم بحق المدنيين في كل المناطق التي استولى عليها شمال العراق .");
    assert!(a.events.is_empty(), "{:#?}", a.events);
    let a =
        analyze("وسيطرت قوات النظام على بلدة خناصر جنوبي حلب يوم الخميس بعد معارك مع تنظيم داعش .");
    assert_eq!(
        types(&a),
        ["Government regains territory"],
        "{:#?}",
        a.events
    );
}

#[test]
fn an_assault_on_a_house_or_a_bus_is_an_attack_on_civilians() {
    let a = analyze(
        "هاجم مسلحون من تنظيم داعش منزلا لضابط شرطة في قرية الملح فجر الجمعة وقتلوا أفراد عائلته .",
    );
    assert_eq!(types(&a), ["Attack"], "{:#?}", a.events);
    let a = analyze("ووقعت اشتباكات عنيفة بين قوات النظام ومسلحي تنظيم داعش بالقرب من منزل المختار في بلدة خناصر جنوبي حلب يوم الجمعة .");
    assert_eq!(types(&a), ["Armed clash"], "{:#?}", a.events);
}

#[test]
fn a_time_adverbial_before_a_comma_dates_the_verb_after_it() {
    // Without the opening "وفي العام الماضي", the same strike is an event.
    let a = analyze("ودمرت طائرات التحالف جسرا يربط بلدة الشحيل ببلدة الحوايج في ريف دير الزور .");
    assert!(!a.events.is_empty());
    let a = analyze(
        "وفي العام الماضي , دمرت طائرات التحالف جسرا يربط بلدة الشحيل ببلدة الحوايج في ريف دير الزور .",
    );
    assert!(a.events.is_empty(), "{:#?}", a.events);
}

#[test]
fn places_added_by_in_addition_to_are_listed() {
    let a = analyze(
        "وسيطر الجيش السوري على حي الجبيلة أكبر أحياء المدينة إضافة إلى حي الجمعيات بعد اشتباكات مع تنظيم داعش في مدينة دير الزور .",
    );
    assert_eq!(
        types(&a),
        ["Government regains territory"; 2],
        "{:#?}",
        a.events
    );
}

#[test]
fn a_cue_word_inside_a_place_name_is_part_of_the_name() {
    // "عادة" (usually) marks a habit, but not in the name of the village "تل عادة".
    let a = analyze("وانفجرت عبوة ناسفة في بلدة تل عادة في ريف إدلب الشمالي يوم السبت .");
    assert_eq!(
        types(&a),
        ["Remote explosive/landmine/IED"],
        "{:#?}",
        a.events
    );
}

#[test]
fn a_photo_caption_closed_by_an_archive_credit_is_not_the_report() {
    let a = analyze(
        "غارة سابقة للطيران الروسي على مدينة عندان في ريف حلب الشمالي ( رويترز - أرشيف ) قال ناشطون إن الهدوء ساد المنطقة يوم الأحد .",
    );
    assert!(a.events.is_empty(), "{:#?}", a.events);
}

#[test]
fn a_siege_broken_by_a_verb_is_a_clash() {
    let a = analyze(
        "وقالت الوكالة إن قوات النظام كسرت حصار تنظيم داعش لمطار دير الزور العسكري يوم الثلاثاء .",
    );
    assert_eq!(types(&a), ["Armed clash"], "{:#?}", a.events);
}

#[test]
fn a_backer_named_in_passing_is_not_an_actor() {
    let a = analyze(
        "وسيطرت قوات النظام مدعومة بالطيران الروسي على بلدة خناصر جنوبي حلب يوم الخميس بعد معارك مع تنظيم داعش .",
    );
    assert_eq!(a.events.len(), 1, "{:#?}", a.events);
    let ids = actor_ids(&a.events[0]);
    assert!(!ids.iter().any(|id| id.contains("russia")), "{ids:?}");
}

#[test]
fn a_bomb_with_no_one_named_in_its_clause_has_an_unknown_attacker() {
    let a = analyze(
        "وتبادلت الفصائل الاتهامات في المنطقة . وانفجرت عبوة ناسفة في سوق بلدة الدانا بريف إدلب يوم السبت .",
    );
    let bomb = a
        .events
        .iter()
        .find(|e| e.sub_event_type == "Remote explosive/landmine/IED")
        .unwrap_or_else(|| panic!("{:#?}", a.events));
    assert!(
        !actor_ids(bomb).iter().any(|id| id.contains("opposition")),
        "{:?}",
        actor_ids(bomb)
    );
}

#[test]
fn the_civil_defence_are_civilians() {
    let a = analyze(
        "وقال الدفاع المدني السوري إن طائرات النظام استهدفت مدينة دوما بالبراميل المتفجرة يوم الخميس .",
    );
    assert_eq!(a.events.len(), 1, "{:#?}", a.events);
    let names: Vec<&str> = [&a.events[0].actor1, &a.events[0].actor2]
        .into_iter()
        .flatten()
        .map(|a| a.name.as_str())
        .collect();
    assert!(
        names
            .iter()
            .all(|n| !n.contains("Civil Defence") || n.starts_with("Civilians")),
        "{names:?}"
    );
}

#[test]
fn a_foreign_country_named_in_one_sentence_of_a_syrian_report_is_a_stray_item() {
    let syria = "قصفت قوات النظام بلدة كفرنبل في ريف إدلب يوم الأحد . وسيطرت فصائل المعارضة على قرية الزيارة في ريف حماة . وقتل مدنيان في مدينة دوما بريف دمشق جراء القصف .";
    let a = analyze(&format!(
        "{syria} خمسة قتلى في هجوم مسلح على فندق وسط كابول أعلنت الداخلية الأفغانية الأحد ."
    ));
    assert!(
        a.events
            .iter()
            .all(|e| e.location.as_ref().is_none_or(|l| l.country == "SY")),
        "{:#?}",
        a.events
    );
    // Named again, the war abroad is reported, not glued on.
    let a = analyze(&format!(
        "{syria} وقتل خمسة أشخاص في هجوم مسلح على فندق وسط كابول يوم الأحد . وأعلنت الداخلية في كابول أن المهاجمين قتلوا ."
    ));
    assert!(
        a.events
            .iter()
            .any(|e| e.location.as_ref().is_some_and(|l| l.country == "AF")),
        "{:#?}",
        a.events
    );
}

#[test]
fn vocabulary_of_the_fifth_session() {
    // "تحرير" of a checkpoint, "استولت" with a long subject before "على".
    let a =
        analyze("وتمكن عناصر الجيش الحر من تحرير \" حاجز عرفة \" بالكامل في ريف دمشق يوم الأحد .");
    assert_eq!(
        types(&a),
        ["Non-state actor overtakes territory"],
        "{:#?}",
        a.events
    );
    let a = analyze("واستولت قوات سوريا الديمقراطية المدعومة من قبل الولايات المتحدة الأمريكية على مدينة الطبقة يوم الأحد .");
    assert_eq!(
        types(&a),
        ["Non-state actor overtakes territory"],
        "{:#?}",
        a.events
    );
    let a = analyze(
        "وقتل شاب إثر إطلاق النار عليه من قبل مسلحين مجهولين أمام منزله في مدينة تلبيسة بريف حمص .",
    );
    assert_eq!(types(&a), ["Attack"], "{:#?}", a.events);
    let a = analyze("وقال ناشطون إن عناصر تنظيم داعش هدمت جامع الشيخ هلال في مدينة حلب يوم الأحد .");
    assert_eq!(
        types(&a),
        ["Looting/property destruction"],
        "{:#?}",
        a.events
    );
    // A ceasefire is an agreement, not shots fired.
    let a = analyze("وأعلن الطرفان وقف إطلاق النار على جبهات ريف حماة الشمالي يوم الأحد .");
    assert!(!types(&a).contains(&"Attack"), "{:#?}", a.events);
}

#[test]
fn sentences_that_write_different_days_tell_different_happenings() {
    // A timeline: the second item's place is no gazetteer name, so without its day it would
    // be read as the first item told again.
    let text = "في 9 يوليو 2016 سيطرت القوات العراقية على بلدة القيارة بعد معارك مع تنظيم داعش . وأعلنت القوات العراقية في 22 سبتمبر 2016 استعادة السيطرة على الشرقاط .";
    let mut doc = marsad_ingest::read_text(
        "test.txt",
        "test",
        text.as_bytes(),
        &marsad_ingest::ReadOptions::default(),
    )
    .expect("readable");
    doc.published = Some("2017-05-01".into());
    let a = common::extractor().analyze(&doc);
    let dates: Vec<Option<&str>> = a.events.iter().map(|e| e.date.date.as_deref()).collect();
    assert_eq!(
        dates,
        [Some("2016-07-09"), Some("2016-09-22")],
        "{:#?}",
        a.events
    );
}

#[test]
fn fighting_going_on_since_a_long_while_is_a_campaign_not_a_clash() {
    for text in [
        "وتخوض قوات سوريا الديمقراطية منذ 6 يونيو معارك عنيفة داخل مدينة الرقة ضد تنظيم داعش .",
        "ومنذ بداية العام الجاري تشهد محافظة إدلب معارك بين الفصائل المسلحة .",
    ] {
        let a = analyze(text);
        assert!(a.events.is_empty(), "{text}: {:#?}", a.events);
    }
    // "منذ صباح اليوم": today's fighting is a clash.
    let a = analyze(
        "وتدور اشتباكات عنيفة منذ صباح اليوم بين قوات النظام وفصائل المعارضة في بلدة كفرنبل .",
    );
    assert_eq!(types(&a), ["Armed clash"], "{:#?}", a.events);
}

#[test]
fn a_newspaper_or_an_official_attacking_with_words_is_no_clash() {
    for text in [
        "هاجمت صحيفة كيهان المملوكة للمرشد الإيراني تركيا بسبب عملية غصن الزيتون في عفرين .",
        "هاجم وزير الخارجية التركي الولايات المتحدة بسبب دعمها للوحدات الكردية في منبج .",
    ] {
        let a = analyze(text);
        assert!(a.events.is_empty(), "{text}: {:#?}", a.events);
    }
    let a = analyze("هاجم مسلحون مجهولون حاجزا لقوات النظام في بلدة الصنمين .");
    assert_eq!(a.events.len(), 1, "{:#?}", a.events);
}

#[test]
fn a_force_named_with_its_air_arm_bombards_from_the_air() {
    let a = analyze("قوات الأسد الجوية تقصف مدينة حرستا في ريف دمشق .");
    assert_eq!(types(&a), ["Air/drone strike"], "{:#?}", a.events);
    // An airbase shelled stays a shelling: "الجوية" there names the base, not the attacker.
    let a = analyze("قصفت قوات النظام بالمدفعية قاعدة منغ الجوية في ريف حلب الشمالي .");
    assert_eq!(
        types(&a),
        ["Shelling/artillery/missile attack"],
        "{:#?}",
        a.events
    );
}

#[test]
fn a_bombardment_that_went_with_the_fighting_is_the_clash() {
    let a = analyze(
        "ودارت اشتباكات عنيفة بين الجيش الحر وقوات النظام على أطراف حي جوبر بدمشق وسط قصف مدفعي عنيف .",
    );
    assert_eq!(types(&a), ["Armed clash"], "{:#?}", a.events);
    // "وسط" as the centre of a town is no accompaniment.
    let a = analyze("قصفت قوات النظام بالمدفعية وسط مدينة دوما في الغوطة الشرقية .");
    assert_eq!(
        types(&a),
        ["Shelling/artillery/missile attack"],
        "{:#?}",
        a.events
    );
}

#[test]
fn a_list_goes_on_after_a_name_that_ends_with_its_kind() {
    // "المدني" belongs to the first airport's name: the list goes on to the second.
    let a = analyze(
        "وأعلنت فصائل المعارضة هجوما واسعا فجرا على مطار حلب المدني ومطار النيرب العسكري .",
    );
    assert_eq!(places(&a).len(), 2, "{:#?}", a.events);
}

#[test]
fn the_coalition_bombards_from_the_air() {
    let a = analyze("قصفت قوات التحالف الدولي مواقع للمليشيات قرب مدينة البوكمال .");
    assert_eq!(types(&a), ["Air/drone strike"], "{:#?}", a.events);
    let a = analyze("قصفت قوات النظام بالمدفعية مواقع للمعارضة قرب مدينة البوكمال .");
    assert_eq!(
        types(&a),
        ["Shelling/artillery/missile attack"],
        "{:#?}",
        a.events
    );
}

#[test]
fn places_told_after_another_happening_are_not_the_first_ones() {
    let a = analyze(
        "وأضاف القائد العسكري في المعارضة السورية \" بعد الخسارة التي منيت بها قوات النظام في الهجوم على إدارة المركبات أمس ومقتل ضابط برتبة لواء , إضافة إلى عشرات العناصر , شنت الطائرات الحربية الاربعاء أكثر من 40 غارة على بلدات كفربطنا وعربين ودوما , ما أسفر عن مقتل سبعة أشخاص وإصابة أكثر من 25 شخصا ودمار كبير في الأبنية السكنية \" .",
    );
    // The clash has no place of its own; the towns are the air strikes'.
    let clashes = a
        .events
        .iter()
        .filter(|e| e.sub_event_type == "Armed clash")
        .count();
    assert!(clashes <= 1, "{:?} at {:?}", types(&a), places(&a));
    let strikes = a
        .events
        .iter()
        .filter(|e| e.sub_event_type == "Air/drone strike")
        .count();
    assert_eq!(strikes, 3, "{:?} at {:?}", types(&a), places(&a));
}

#[test]
fn an_air_strike_and_shells_on_the_same_towns_keep_their_places() {
    let a = analyze(
        "وقال ناشطون إن أكثر من 50 غارة جوية , و 250 قذيفة مدفعية استهدفت بلدتي كفربطنا وعربين يوم الأربعاء .",
    );
    let mut p = places(&a);
    p.sort();
    p.dedup();
    assert!(p.len() >= 2, "{:?} at {:?}", types(&a), places(&a));
}

#[test]
fn raids_with_their_pronoun_are_air_strikes() {
    let a = analyze("وكثف التحالف غاراته على مدينة صنعاء يوم الأحد .");
    assert_eq!(types(&a), ["Air/drone strike"], "{:?}", places(&a));
}

#[test]
fn a_side_named_after_the_place_taken_is_not_the_taker() {
    let a = analyze(
        "وأعلنت هيئة تحرير الشام انطلاق معركة جديدة في ريف إدلب الجنوبي .\nوتمكنت اليوم من كسر خطوط الدفاع والسيطرة على بلدة كفرنبل التي كانت مليشيا حزب الله تتحصن فيها .",
    );
    assert_eq!(
        types(&a),
        ["Non-state actor overtakes territory"],
        "{:?}",
        places(&a)
    );
    assert_eq!(actor_ids(&a.events[0])[0], "hts", "{:?}", a.events[0]);
}

#[test]
fn a_verbal_noun_in_the_accusative_is_still_a_trigger() {
    let a = analyze(
        "وشهدت محاور قرية عبيسان في ريف حلب الشمالي قتالا عنيفا بين قوات النظام وفصائل المعارضة يوم الخميس .",
    );
    assert_eq!(types(&a), ["Armed clash"], "{:?}", places(&a));
}

/// "استهدفت الطائرات الحربية ...": an aircraft named with its article as the doer of the verb is
/// a new air strike when none was told before, not a reference back to one.
#[test]
fn a_definite_aircraft_doing_the_verb_tells_a_new_air_strike() {
    for sentence in [
        "أفادت مصادر محلية بتطورات ميدانية في البلاد اليوم .\nواستهدفت الطائرات الحربية مدينة تدمر في ريف حمص الشرقي .",
        "أفادت مصادر محلية بتطورات ميدانية في البلاد اليوم .\nوقصفت المروحيات مدينة تدمر في ريف حمص الشرقي .",
    ] {
        let a = analyze(sentence);
        assert_eq!(types(&a), ["Air/drone strike"], "{sentence}");
    }
    // Told before, the aircraft refers back: one strike, not two.
    let a = analyze(
        "شنت طائرات حربية روسية غارات على مدينة تدمر في ريف حمص الشرقي يوم الأحد .\nوقال ناشطون إن الطائرات استهدفت أحياء المدينة .",
    );
    assert_eq!(types(&a), ["Air/drone strike"]);
}

/// "قصف ا جوي ا": pages that split the alif of the tanwin from its word still read the word.
#[test]
fn a_split_tanwin_alif_still_reads_as_the_word() {
    let a = analyze(
        "وتشهد مدينة دوما منذ الصباح قصف ا جوي ا عنيف ا من الطيران الروسي , وقتل 12 شخص ا .",
    );
    assert_eq!(types(&a), ["Air/drone strike"]);
    assert_eq!(a.events[0].fatalities.as_ref().map(|f| f.value), Some(12));
}

/// "توغلت القوات التركية ... واستولت على ...": moving in, then taking the place in the same
/// sentence, is one takeover, not a deployment beside it.
#[test]
fn forces_moving_in_then_taking_a_place_is_the_takeover() {
    let a = analyze(
        "وتوغلت القوات التركية في ريف حلب الشمالي واستولت على كامل مرتفعات جبل عقيل يوم الأحد .",
    );
    assert_eq!(types(&a), ["Non-state actor overtakes territory"]);
}

/// Fighting told after a takeover in its sentence is that takeover ("بعد اشتباكات"), unless it
/// has a place of its own past the takeover's clause.
#[test]
fn fighting_with_its_own_place_after_a_takeover_is_its_own_clash() {
    let a = analyze(
        "وسيطرت قوات النظام على بلدة خناصر بعد اشتباكات عنيفة مع تنظيم داعش في محيط البلدة .",
    );
    assert_eq!(types(&a), ["Government regains territory"]);
    let a = analyze(
        "ففي الغرب استولت القوات التركية على كامل مرتفعات جبل عقيل , وفي الشمال الشرقي شنت قوات النخبة التركية والجيش الحر هجمات استهدفت خطوط اتصالات داعش في بلدتي قباسين وبزاعة .",
    );
    assert_eq!(
        types(&a),
        [
            "Non-state actor overtakes territory",
            "Armed clash",
            "Armed clash"
        ]
    );
}

/// "وتمكنت قوات النظام من السيطرة على ...": a verbal noun governed by a verb of achieving tells
/// the takeover, whatever its article; after "بعد" it is still what came before.
#[test]
fn a_takeover_achieved_is_told_not_referred_to() {
    for text in [
        "أعلن الإعلام الرسمي أن الجيش السوري , بعد معارك عنيفة , تمكن من السيطرة بالكامل على مدينة دير الزور .",
        "وقالت المصادر إن قوات النظام , وبعد يومين من المعارك , تمكنت من السيطرة على بلدة خناصر .",
    ] {
        let a = analyze(text);
        assert_eq!(a.events.len(), 1, "{text}: {:?}", types(&a));
        assert!(
            types(&a)[0].ends_with("territory"),
            "{text}: {:?}",
            types(&a)
        );
    }
    let a = analyze("وتمكنوا من ذلك بعد السيطرة على بلدة خان طومان .");
    assert!(a.events.is_empty(), "{:?}", types(&a));
}

/// "بعد أن انسحبت قوات البيشمركة منه": a place taken after the other side withdrew changed hands
/// without a fight.
#[test]
fn a_place_taken_after_the_other_side_withdrew_is_a_non_violent_transfer() {
    let a = analyze("وسيطرت القوات العراقية على مطار كركوك العسكري بعد أن انسحبت قوات البيشمركة منه يوم الاثنين .");
    assert_eq!(types(&a), ["Non-violent transfer of territory"]);
}

/// "وقصفت الحوامات بلدة كفرزيتا": a bare "قصف" with helicopters named in its clause is an air
/// strike, whatever the word for them (الحوامات، المروحية، القاذفة).
#[test]
fn a_bombardment_by_helicopters_is_an_air_strike() {
    for text in [
        "وقصفت الحوامات بلدة كفرزيتا بريف حماة الشمالي صباح اليوم .",
        "وقصفت المروحية بلدة اللطامنة بريف حماة الشمالي صباح اليوم .",
    ] {
        let a = analyze(text);
        assert_eq!(types(&a), ["Air/drone strike"], "{text}");
    }
}

/// "تمك نت", "الر ق ة", "السوري ة": a page that prints a space where a word had a damma or a
/// shadda still tells its event; the evidence is the page's own text.
#[test]
fn a_word_split_where_its_shadda_was_reads_whole() {
    let text = "وتمك نت القوات السوري ة من السيطرة على بلدة خناصر في ريف حلب الجنوبي اليوم .";
    let a = analyze(text);
    assert_eq!(types(&a), ["Government regains territory"], "{text}");
    assert!(a.events[0]
        .evidence
        .text
        .contains("وتمك نت القوات السوري ة"));
    let a = analyze("وشن طيران التحالف غارات على مدينة الر ق ة صباح اليوم .");
    assert_eq!(places(&a), ["مدينة الر ق ة"]);
    assert_eq!(
        a.events[0]
            .location
            .as_ref()
            .and_then(|l| l.admin1.as_deref()),
        Some("Raqqa")
    );
    // Letters spelled one by one stay apart.
    let a = analyze("وقالت وكالة أ ف ب إن قوات النظام سيطرت على بلدة خناصر اليوم .");
    assert_eq!(types(&a), ["Government regains territory"]);
}

/// A photo caption glued to the lead ends at its credit: "غارة سابقة للطيران الروسي على مدينة
/// عندان ( رويترز - أرشيف ) قال مراسل ..." is not the lead's sentence. (Its town is still one of
/// the page's places, which an event with no place of its own may fall back to.)
#[test]
fn a_caption_glued_to_the_lead_is_not_its_sentence() {
    let a = analyze(
        "غارة سابقة للطيران الروسي على مدينة عندان في ريف حلب الشمالي ( رويترز - أرشيف ) قال مراسل الجزيرة إن غارات روسية كثيفة استهدفت بلدة حيان اليوم .",
    );
    assert_eq!(places(&a), ["بلدة حيان"]);
    assert!(
        a.events[0].evidence.text.starts_with("قال مراسل"),
        "{}",
        a.events[0].evidence.text
    );
}

/// "الحديث عن إمكانية ... انسحابها", "يدعو قوات سوريا الديمقراطية للانسحاب": a possibility
/// and a call are no happening.
#[test]
fn a_possibility_or_a_call_is_no_event() {
    for text in [
        "وتزامنت الزيارة مع الحديث عن إمكانية انسحاب القوات الأميركية من مدينة منبج .",
        "وأصدر مجلس محافظة الرقة بيانا يدعو قوات سوريا الديمقراطية للانسحاب من مدينة الرقة .",
    ] {
        let a = analyze(text);
        assert!(a.events.is_empty(), "{text}: {:?}", types(&a));
    }
}

/// "وتتمركز قوات النظام في نقاط مهمة": where forces are, a state; "تمركزت" is the move.
#[test]
fn forces_stationed_in_the_present_are_no_deployment() {
    let a =
        analyze("وتتمركز قوات النظام وحزب الله في نقاط مهمة داخل مدينة البعث في ريف القنيطرة .");
    assert!(a.events.is_empty(), "{:?}", types(&a));
}

/// "Coded at its first full mention": a later sentence with no place of its own that joins a
/// happening adds to it; it does not lend it its actors and its words.
#[test]
fn a_later_unplaced_telling_does_not_lead_the_event() {
    let a = analyze(
        "وتمكنت قوات سوريا الديمقراطية من السيطرة على بلدة الهول شرق مدينة الحسكة بشكل كامل .\nوبعد ذلك واصل تنظيم الدولة الإسلامية تقدمه في مناطق أخرى من سوريا .",
    );
    assert_eq!(types(&a), ["Non-state actor overtakes territory"]);
    assert_eq!(actor_ids(&a.events[0])[0], "sdf", "{:#?}", a.events[0]);
    assert!(a.events[0].evidence.text.starts_with("وتمكنت"));
}

/// The evidence a reader checks is the sentence that tells the event, whole up to 60 words:
/// a list of towns and the toll after it stay in it.
#[test]
fn a_long_sentence_is_the_evidence_whole() {
    let text = "وقال مصدر ميداني إن الطائرات الحربية شنت يوم الأربعاء أكثر من أربعين غارة جوية وأطلقت قوات النظام أكثر من مئتي قذيفة صاروخية ومدفعية على بلدات كفربطنا وعربين ودوما وحمورية وحزة وسقبا وحرستا في الغوطة الشرقية بريف دمشق , ما أسفر عن مقتل سبعة أشخاص بينهم طفلان وإصابة أكثر من ثلاثين آخرين بجروح متفاوتة بحسب ما أفاد الدفاع المدني في المنطقة .";
    let words = text
        .split(' ')
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count();
    assert!((46..=60).contains(&words), "{words} words");
    let a = analyze(text);
    assert!(!a.events.is_empty());
    for e in &a.events {
        assert!(
            e.evidence.text.starts_with("وقال مصدر"),
            "{}",
            e.evidence.text
        );
        assert!(
            e.evidence.text.contains("سبعة أشخاص"),
            "{}",
            e.evidence.text
        );
    }
}
