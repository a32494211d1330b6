//! Helpers shared by the integration tests.
#![allow(dead_code)]

use marsad_extract::{Analysis, Extractor};
use marsad_ingest::{Document, Format};
use marsad_kb::KnowledgeBase;
use std::sync::OnceLock;

pub fn kb() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(|| KnowledgeBase::builtin().expect("builtin kb"))
}

pub fn extractor() -> &'static Extractor {
    static EX: OnceLock<Extractor> = OnceLock::new();
    EX.get_or_init(|| Extractor::new(kb().clone()))
}

pub fn document(id: &str, title: Option<&str>, published: Option<&str>, text: &str) -> Document {
    Document {
        id: id.to_string(),
        origin: format!("test:{id}"),
        format: Format::Text,
        url: None,
        outlet: Some("Marsad Test".to_string()),
        title: title.map(str::to_string),
        published: published.map(str::to_string),
        text: text.to_string(),
        content_hash: marsad_ingest::content_hash(text),
        repeated: Vec::new(),
    }
}

/// An analysis with no events (tests that only exercise the text fields).
pub fn empty_analysis(doc: &Document) -> Analysis {
    Analysis {
        doc: doc.id.clone(),
        outlet: doc.outlet.clone(),
        published: doc.published.clone(),
        date_source: None,
        events: Vec::new(),
        mentions: Vec::new(),
    }
}

pub fn analyze(doc: &Document) -> Analysis {
    extractor().analyze(doc)
}

/// The recall corpus: (id, title, published, text).
pub fn corpus() -> Vec<Document> {
    let src = include_str!("../fixtures/corpus.jsonl");
    let opts = marsad_ingest::ReadOptions::default();
    src.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            marsad_ingest::parse_jsonl_line("corpus.jsonl", "corpus", i + 1, l.as_bytes(), &opts)
                .expect("fixture line")
                .0
        })
        .collect()
}

/// The recall queries: (query, relevant ids).
pub fn queries() -> Vec<(String, Vec<String>)> {
    include_str!("../fixtures/queries.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (q, rel) = l.split_once('\t').expect("tab");
            (
                q.to_string(),
                rel.split_whitespace().map(str::to_string).collect(),
            )
        })
        .collect()
}
