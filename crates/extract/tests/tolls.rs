//! Death tolls (crates/extract/src/tolls.rs), one test per rule, on sentences written for them.

use std::sync::OnceLock;

use marsad_extract::{Analysis, Extractor};
use marsad_ingest::{read_text, ReadOptions};
use marsad_kb::KnowledgeBase;

fn analyze(text: &str) -> Analysis {
    static EX: OnceLock<Extractor> = OnceLock::new();
    let ex = EX.get_or_init(|| Extractor::new(KnowledgeBase::builtin().expect("knowledge base")));
    let mut doc =
        read_text("test.txt", "test", text.as_bytes(), &ReadOptions::default()).expect("readable");
    doc.published = Some("2017-06-01".to_string());
    ex.analyze(&doc)
}

/// The fatalities of every event, in order.
fn tolls(text: &str) -> Vec<Option<u64>> {
    let a = analyze(text);
    assert!(!a.events.is_empty(), "no event in {text}");
    a.events
        .iter()
        .map(|e| e.fatalities.as_ref().map(|f| f.value))
        .collect()
}

/// The largest toll of the text's events.
fn max_toll(text: &str) -> Option<u64> {
    tolls(text).into_iter().flatten().max()
}

#[test]
fn a_toll_is_attached_to_its_death_word() {
    assert_eq!(
        max_toll("قتل خمسة مدنيين في غارة جوية على بلدة كفرنبل في ريف إدلب الجنوبي."),
        Some(5)
    );
}

#[test]
fn the_injured_after_the_dead_are_not_dead() {
    // The dual nisba is two; the hundreds are injured.
    assert_eq!(
        max_toll("قتل فلسطينيان وأصيب المئات في مواجهات مع الجيش الإسرائيلي في مدينة الخليل."),
        Some(2)
    );
}

#[test]
fn people_named_after_a_count_are_theirs() {
    // "ومئات النازحين": the hundreds are displaced; the toll is the count before the death word.
    assert_eq!(
        max_toll("أسفرت الاشتباكات بين الجيش السوري وتنظيم داعش في مدينة دير الزور عن 20 قتيلا ومئات النازحين."),
        Some(20)
    );
}

#[test]
fn participants_and_slogans_are_no_toll() {
    let t = tolls(
        "خرجت مظاهرة في مدينة إدلب شارك فيها الآلاف من المتظاهرين وهتفوا \"عالقدس رايحين شهداء بالملايين\".",
    );
    assert!(t.iter().all(Option::is_none), "{t:?}");
}

#[test]
fn killed_and_wounded_together_give_no_toll() {
    let t = tolls(
        "قصفت الطائرات الحربية مدينة دوما في الغوطة الشرقية، ما أسفر عن سقوط عشرات القتلى والجرحى.",
    );
    assert!(t.iter().all(Option::is_none), "{t:?}");
}

#[test]
fn a_war_wide_tally_is_no_events_toll() {
    let t = tolls(
        "انفجرت سيارة مفخخة في مدينة إعزاز شمالي حلب، في الحرب التي أسفرت منذ عام 2011 عن مقتل أكثر من 300 شخص.",
    );
    assert!(t.iter().all(Option::is_none), "{t:?}");
}

#[test]
fn a_monthly_tally_is_no_events_toll() {
    let t = tolls("وثق المرصد مقتل 300 مدني خلال الشهر الماضي في غارات جوية على مدينة إدلب.");
    assert!(t.iter().all(Option::is_none), "{t:?}");
}

#[test]
fn a_frame_told_before_the_figure_counts() {
    let t = tolls(
        "منذ بدء هجوم قوات النظام على حلب الشرقية، أحصى المرصد مقتل 384 مدنيا جراء غارات جوية روسية على مدينة حلب.",
    );
    assert!(t.iter().all(Option::is_none), "{t:?}");
}

#[test]
fn thousands_are_a_tally() {
    let t = tolls("شنت الطائرات الحربية غارات جوية على مدينة حلب أسفرت عن مقتل أكثر من 3200 مدني.");
    assert!(t.iter().all(Option::is_none), "{t:?}");
}

#[test]
fn a_rise_replaces_the_toll() {
    assert_eq!(
        max_toll(
            "قتل 12 مدنيا في غارات جوية على بلدة كفرنبل في ريف إدلب، وارتفعت حصيلة القتلى إلى 14 بعد وفاة اثنين من الجرحى."
        ),
        Some(14)
    );
}

#[test]
fn vague_quantities_follow_the_codebook() {
    assert_eq!(
        max_toll("قتل عشرات المدنيين في قصف مدفعي على مدينة دوما في الغوطة الشرقية."),
        Some(10)
    );
}

#[test]
fn a_part_is_not_added() {
    assert_eq!(
        max_toll("قتل 10 مدنيين في غارة جوية على بلدة كفرنبل، من بينهم 4 شهداء من عائلة واحدة."),
        Some(10)
    );
}

#[test]
fn history_gives_no_toll() {
    // The strike's own toll stays; the massacre of 1982 is history.
    assert_eq!(
        max_toll(
            "قتل خمسة مدنيين في غارة جوية على مدينة حماة، المدينة التي شهدت في عام 1982 مقتل 40 شخصا."
        ),
        Some(5)
    );
}

#[test]
fn what_may_happen_gives_no_toll() {
    let t = tolls(
        "قصفت الطائرات الحربية محيط سد الفرات في ريف الرقة، وحذر خبراء من أن انهياره قد يؤدي إلى مقتل 200 شخص.",
    );
    assert!(t.iter().all(Option::is_none), "{t:?}");
}

#[test]
fn an_agreement_has_no_toll() {
    let a = analyze(
        "وقعت قوات النظام والفصائل المعارضة اتفاق هدنة في مدينة داريا في ريف دمشق، بعد معارك قتل فيها 20 عنصرا.",
    );
    let agreements: Vec<_> = a
        .events
        .iter()
        .filter(|e| e.sub_event_type == "Agreement")
        .collect();
    assert!(!agreements.is_empty(), "{:#?}", a.events);
    assert!(
        agreements.iter().all(|e| e.fatalities.is_none()),
        "{agreements:#?}"
    );
}

/// "وأشارت الشبكة في تقريرها إلى أن قوات النظام قتلت 602 مدني": an organisation's own report
/// documents a tally over its period, not the toll of one happening; "وثقت مقتل" likewise.
#[test]
fn a_report_of_an_organisation_documents_a_tally() {
    for text in [
        "قالت الشبكة السورية لحقوق الإنسان إنها وثقت مقتل 340 مدنيا في هجمات قوات النظام على محافظة إدلب .",
        "وأشارت الشبكة في تقريرها إلى أن قوات النظام قتلت 120 مدنيا في محافظة إدلب بينهم 30 طفلا .",
    ] {
        let a = analyze(text);
        assert!(a.events.iter().all(|e| e.fatalities.is_none()), "{text}: {:#?}", a.events);
    }
    assert_eq!(
        max_toll("قتل خمسة مدنيين في قصف لقوات النظام على مدينة دوما يوم الأحد ."),
        Some(5)
    );
}

/// "ق تلوا", "أ صيب": passives some scrapers print with a space where the damma was.
#[test]
fn a_passive_split_where_its_damma_was_is_still_a_death_or_an_injury() {
    assert_eq!(
        max_toll(
            "وقال المرصد إن 26 شخصا على الأقل ق تلوا الجمعة في تفجير سيارة مفخخة قرب دير الزور ."
        ),
        Some(26)
    );
    let a = analyze("وأ صيب 12 مدنيا في قصف مدفعي على بلدة كفرنبل في ريف إدلب الجنوبي اليوم .");
    assert_eq!(a.events.len(), 1);
    assert_eq!(a.events[0].injured.as_ref().map(|q| q.value), Some(12));
    assert!(a.events[0].fatalities.is_none());
}
