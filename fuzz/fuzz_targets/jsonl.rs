//! One JSONL line: never panics; a document's text is the JSON `text` field, non-empty.
#![no_main]
use libfuzzer_sys::fuzz_target;
use marsad_ingest::{parse_jsonl_line, ReadOptions};

fuzz_target!(|data: &[u8]| {
    let opts = ReadOptions {
        max_bytes: 1 << 20,
        ..ReadOptions::default()
    };
    match parse_jsonl_line("fuzz.jsonl", "fuzz", 7, data, &opts) {
        Ok((doc, _unknown)) => {
            assert!(!doc.text.trim().is_empty());
            assert!(doc.origin.starts_with("fuzz.jsonl:7"));
            for r in &doc.repeated {
                assert!(doc.text.get(r.clone()).is_some());
            }
        }
        Err(e) => assert!(e.to_string().contains("fuzz.jsonl:7"), "error without file:line: {e}"),
    }
});
