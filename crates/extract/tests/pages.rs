//! Page-level rules (issue 13): list pages, page furniture, second tellings and evidence, one
//! test each, on short pages written for these tests.

mod common;

use marsad_extract::Analysis;

/// Every event's evidence is the text at its offsets.
fn analyze(text: &str) -> Analysis {
    let a = common::analyze(text);
    for e in &a.events {
        assert_eq!(&text[e.evidence.start..e.evidence.end], e.evidence.text);
    }
    a
}

/// Three reports, each a full sentence: a roundup, coded item by item.
const ITEMS: [&str; 3] = [
    "وكالات - قصفت طائرات حربية روسية بلدة كفرنبل في ريف إدلب الجنوبي يوم الأحد",
    "رويترز - سيطرت قوات سوريا الديمقراطية على قرية الصالحية في ريف دير الزور يوم الاثنين",
    "وكالات - انفجرت سيارة مفخخة في مدينة الباب شرقي حلب يوم الثلاثاء وقتل خمسة مدنيين",
];

#[test]
fn a_roundup_of_full_sentences_is_coded_item_by_item() {
    let page = ITEMS
        .iter()
        .map(|i| format!("{i} .\nوقال مصدر محلي إن الأهالي نزحوا من المنطقة ."))
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(analyze(&page).events.len(), 3, "{page}");
}

#[test]
fn a_tag_page_of_leads_cut_short_has_no_event() {
    // The same items as a tag page shows them: each lead cut after a few words.
    let page = ITEMS
        .iter()
        .map(|i| format!("{i} .\nوقال مصدر محلي إن الأهالي . . ."))
        .collect::<Vec<_>>()
        .join(" ");
    let a = analyze(&format!("أرشيف الأخبار\n{page}"));
    assert!(a.events.is_empty(), "{:#?}", a.events);
}

#[test]
fn items_with_a_view_counter_each_are_a_list() {
    let page = ITEMS
        .iter()
        .map(|i| format!("24 / 11 / 2017 بقلم عدد المشاهدات : 2614 {i} ."))
        .collect::<Vec<_>>()
        .join(" ");
    let a = analyze(&page);
    assert!(a.events.is_empty(), "{:#?}", a.events);
}

#[test]
fn a_related_news_box_is_not_read() {
    let body = "قصفت طائرات حربية روسية بلدة كفرنبل في ريف إدلب الجنوبي يوم الأحد .";
    let related =
        "مواضيع ذات صلة : سيطرت قوات سوريا الديمقراطية على قرية الصالحية في ريف دير الزور";
    assert_eq!(analyze(&format!("{body}\n{related}")).events.len(), 1);
    // The same headline as a sentence of the body is an event of its own.
    let told = "سيطرت قوات سوريا الديمقراطية على قرية الصالحية في ريف دير الزور .";
    assert_eq!(analyze(&format!("{body}\n{told}")).events.len(), 2);
}

#[test]
fn a_ticker_of_headlines_run_together_has_no_event() {
    // Scraped without line breaks: "ريف إدلبسيطرت" runs one headline into the next.
    let page = "آخر الأخبار مباشر\nغارة جوية على بلدة كفرنبل في ريف إدلبسيطرت قوات سوريا \
                الديمقراطية على قرية الصالحيةانفجار سيارة مفخخة في مدينة الباب شرقي حلب\n\
                قصفت طائرات حربية بلدة سراقب .";
    let a = analyze(page);
    assert!(a.events.is_empty(), "{:#?}", a.events);
}

#[test]
fn leads_run_together_over_many_days_have_no_event() {
    // Five leads of five days, each cut mid-sentence and run into the next without a stop.
    let page = "أعلنت فصائل المعارضة اليوم الأحد سيطرتها على قرية الصالحية في ريف حماة الشمالي بعد \
                معارك مع قوات النظام استمرت عدة ساعات وأسفرت عن قصفت طائرات حربية اليوم الاثنين \
                بلدة كفرنبل في ريف إدلب الجنوبي ما أدى إلى سقوط عدد من الجرحى بين انفجرت عبوة \
                ناسفة اليوم الثلاثاء بسيارة عسكرية على طريق بلدة عريقة في ريف درعا الغربي وأصيب \
                عنصران من اندلعت اشتباكات عنيفة اليوم الأربعاء بين الفصائل وقوات النظام في محيط \
                بلدة اللطامنة بريف حماة وسط قصف مدفعي على اعتقلت قوات الأمن اليوم الخميس عددا من \
                الشبان في مدينة جرابلس بريف حلب الشرقي خلال حملة مداهمات طالت";
    let a = analyze(page);
    assert!(a.events.is_empty(), "{:#?}", a.events);
}
