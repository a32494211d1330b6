//! Property tests: the readers never panic on arbitrary input and their ranges are
//! always valid.

use marsad_ingest::{parse_jsonl_line, read_html, read_text, repeated_paragraphs, ReadOptions};
use proptest::prelude::*;

fn check_ranges(text: &str, ranges: &[std::ops::Range<usize>]) {
    let mut prev_end = 0;
    for r in ranges {
        assert!(r.start < r.end && r.start >= prev_end, "{ranges:?}");
        assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        let s = &text[r.clone()];
        assert_eq!(s, s.trim());
        prev_end = r.end;
    }
}

/// Text made of a few repeated Arabic/Latin lines with odd whitespace.
fn texty() -> impl Strategy<Value = String> {
    let line = prop::sample::select(vec![
        "قالت مصادر محلية إن قصفا مدفعيا استهدف القرية صباح اليوم",
        "قالت  مصادر محلية إن قصفا مدفعيا استهدف القرية صباح اليوم ",
        "short",
        "",
        "\u{a0}\t",
        "A longer latin line that is well over forty characters long.",
        "é\u{301}\u{200f}ـ",
    ]);
    let sep = prop::sample::select(vec!["\n", "\r\n", "\n\n", " \n"]);
    prop::collection::vec((line, sep), 0..12)
        .prop_map(|v| v.into_iter().map(|(l, s)| format!("{l}{s}")).collect())
}

proptest! {
    #[test]
    fn read_text_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let o = ReadOptions::default();
        if let Ok(d) = read_text("p.txt", "p", &bytes, &o) {
            check_ranges(&d.text, &d.repeated);
        }
    }

    #[test]
    fn read_text_ranges_on_char_boundaries(s in texty()) {
        let o = ReadOptions::default();
        if let Ok(d) = read_text("p.txt", "p", s.as_bytes(), &o) {
            prop_assert_eq!(&d.text, &s);
            check_ranges(&d.text, &d.repeated);
            for r in &d.repeated {
                let chars = d.text[r.clone()].split_whitespace().collect::<Vec<_>>().join(" ").chars().count();
                prop_assert!(chars >= 40);
            }
        }
    }

    #[test]
    fn repeated_on_any_string(s in "\\PC{0,300}") {
        check_ranges(&s, &repeated_paragraphs(&s));
    }

    #[test]
    fn jsonl_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_jsonl_line("f.jsonl", "f", 1, &bytes, &ReadOptions::default());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn read_html_never_panics(s in "(<[a-z/!]{0,4}[^<>]{0,10}>?|[^<]{0,20}|&#?[a-z0-9]{0,6};?){0,40}") {
        let o = ReadOptions::default();
        match read_html("p.html", "p", s.as_bytes(), &o) {
            Ok((d, _)) => check_ranges(&d.text, &d.repeated),
            Err(e) => prop_assert!(e.to_string().starts_with("p.html: ")),
        }
    }
}
