//! The whole extract path on arbitrary UTF-8: never panics; every event's evidence
//! offsets slice the document text to exactly the evidence text.
#![no_main]
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use marsad_extract::Extractor;
use marsad_ingest::{content_hash, repeated_paragraphs, Document, Format};
use marsad_kb::KnowledgeBase;

static EX: LazyLock<Extractor> =
    LazyLock::new(|| Extractor::new(KnowledgeBase::builtin().expect("builtin kb")));

fuzz_target!(|text: &str| {
    if text.trim().is_empty() {
        return;
    }
    let doc = Document {
        id: "fuzz".into(),
        origin: "fuzz.txt".into(),
        format: Format::Text,
        url: None,
        outlet: None,
        title: None,
        published: Some("2019-05-01".into()),
        text: text.to_string(),
        content_hash: content_hash(text),
        repeated: repeated_paragraphs(text),
    };
    let a = EX.analyze(&doc);
    for e in &a.events {
        check(text, &e.evidence, "evidence");
        for c in &e.claims {
            check(text, &c.evidence, "claim evidence");
        }
        if let Some(s) = &e.cited_source {
            check(text, s, "cited_source");
        }
    }
});

fn check(text: &str, sp: &marsad_extract::Span, what: &str) {
    assert!(sp.start <= sp.end && sp.end <= text.len(), "{what} {}..{} out of text", sp.start, sp.end);
    assert_eq!(text.get(sp.start..sp.end), Some(sp.text.as_str()), "{what} does not slice the text");
}
