//! What the extraction tests share: the built-in knowledge base loaded once, and a text
//! analysed as one document.

use std::sync::OnceLock;

use marsad_extract::{Analysis, Event, Extractor};
use marsad_ingest::{read_text, ReadOptions};
use marsad_kb::KnowledgeBase;

pub fn extractor() -> &'static Extractor {
    static EX: OnceLock<Extractor> = OnceLock::new();
    EX.get_or_init(|| Extractor::new(KnowledgeBase::builtin().expect("built-in knowledge base")))
}

/// `text` as a document named `test`, analysed.
pub fn analyze(text: &str) -> Analysis {
    let doc =
        read_text("test.txt", "test", text.as_bytes(), &ReadOptions::default()).expect("readable");
    extractor().analyze(&doc)
}

/// The ids of an event's sides and associated actors, in that order.
#[allow(dead_code)] // not every test file looks at actors
pub fn actor_ids(e: &Event) -> Vec<&str> {
    [&e.actor1, &e.actor2, &e.assoc_actor_1, &e.assoc_actor_2]
        .into_iter()
        .flatten()
        .map(|a| a.id.as_str())
        .collect()
}

/// The first event of sub-event type `sub` (the test fails when there is none).
#[allow(dead_code)] // not every test file looks for one type
pub fn of_type<'a>(a: &'a Analysis, sub: &str) -> &'a Event {
    a.events
        .iter()
        .find(|e| e.sub_event_type == sub)
        .unwrap_or_else(|| panic!("no {sub}: {:#?}", a.events))
}
