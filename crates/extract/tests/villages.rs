//! Places from `data/gazetteer-extra/villages.csv` (Who's On First / GeoNames), added as
//! `--kb-extra` adds it: found, and never preferred to a hand-checked row of the same name.

use std::sync::OnceLock;

use marsad_extract::{Analysis, Extractor};
use marsad_ingest::{read_text, ReadOptions};
use marsad_kb::KnowledgeBase;

fn extractor() -> &'static Extractor {
    static EX: OnceLock<Extractor> = OnceLock::new();
    EX.get_or_init(|| {
        let mut kb = KnowledgeBase::builtin().expect("built-in knowledge base");
        let villages = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../data/gazetteer-extra/villages.csv");
        kb.extend_from_file(&villages).expect("villages.csv");
        Extractor::new(kb)
    })
}

fn analyze(text: &str) -> Analysis {
    let doc =
        read_text("test.txt", "test", text.as_bytes(), &ReadOptions::default()).expect("readable");
    extractor().analyze(&doc)
}

fn place_ids(a: &Analysis) -> Vec<&str> {
    a.events
        .iter()
        .filter_map(|e| e.location.as_ref().map(|l| l.place_id.as_str()))
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
