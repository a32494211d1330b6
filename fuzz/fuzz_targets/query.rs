//! The query path of `marsad search` and `GET /api/search`: limits, alias expansion, tantivy's
//! parser and the search itself, on arbitrary UTF-8 (issue 12: 2,500 nested parentheses or
//! 3,000 `NOT`s overflowed the stack). Checks: no panic, no stack overflow; a query past the
//! limits is refused with `Error::Limit` before parsing; every error is the user's (a query
//! error), never an index failure; hits have highlight ranges on the body's char boundaries.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use marsad_search::{check_query, Error, QueryLimits, SearchIndex};

fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut idx = SearchIndex::in_memory().expect("index");
        for (i, text) in [
            "اتفقت قوات سورية الديموقراطية ووجهاء العشائر على الهدنة في ريف دير الزور.",
            "قصفت المدفعية قرية قرب منبج صباح اليوم، دون أنباء عن إصابات.",
            "قالت قسد إن عناصرها صدوا هجوما على نقطة لها في الرقة.",
        ]
        .iter()
        .enumerate()
        {
            let doc = marsad_ingest::Document {
                id: format!("d{i}"),
                origin: format!("d{i}.txt"),
                format: marsad_ingest::Format::Text,
                url: None,
                outlet: None,
                title: Some(format!("عنوان {i}")),
                published: Some("2024-05-01".into()),
                content_hash: marsad_ingest::content_hash(text),
                text: text.to_string(),
                repeated: vec![],
            };
            let analysis = marsad_extract::Analysis {
                doc: doc.id.clone(),
                outlet: None,
                published: None,
                events: vec![],
                mentions: vec![],
            };
            idx.add(&doc, &analysis).expect("add");
        }
        idx.commit().expect("commit");
        idx
    })
}

fuzz_target!(|q: &str| {
    let idx = index();
    let within = check_query(q, &QueryLimits::DEFAULT);
    match idx.search(q, 5) {
        Ok(hits) => {
            assert!(within.is_ok(), "a query past the limits was searched: {within:?}");
            for h in hits {
                for r in &h.highlights {
                    assert!(r.start <= r.end, "highlight {r:?}");
                }
            }
        }
        Err(Error::Limit(e)) => assert_eq!(within, Err(e), "limit error differs from check_query"),
        Err(e) => {
            assert!(within.is_ok(), "{within:?} but {e:?}");
            assert!(e.is_user_error(), "index failure on a query: {e:?}");
        }
    }
});
