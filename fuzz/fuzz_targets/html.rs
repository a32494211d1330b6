//! HTML main-text extraction on arbitrary bytes: never panics; when a document comes
//! out, its text is non-empty UTF-8 and its repeated ranges slice it.
#![no_main]
use libfuzzer_sys::fuzz_target;
use marsad_ingest::{read_html, ReadOptions};

fuzz_target!(|data: &[u8]| {
    let opts = ReadOptions::default();
    if let Ok((doc, _warnings)) = read_html("fuzz.html", "fuzz", data, &opts) {
        assert!(!doc.text.trim().is_empty(), "empty document text");
        for r in &doc.repeated {
            assert!(doc.text.get(r.clone()).is_some(), "repeated range {r:?} off boundary");
        }
    }
});
