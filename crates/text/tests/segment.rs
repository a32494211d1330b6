use marsad_text::{
    clauses, is_word_char, normalize, paragraphs, proclitic_splits, sentences, strip_article,
    token_iter, tokens, TokenKind,
};

fn sents(s: &str) -> Vec<&str> {
    sentences(s).into_iter().map(|r| &s[r]).collect()
}

#[test]
fn headline_double_dot_and_question() {
    let t =
        normalize("هدنة مع «داعش» وقاعدة في حقل التنك.. ماذا يحدث شرق الفرات؟\n\nشام إف إم").text;
    assert_eq!(
        sents(&t),
        vec![
            "هدنه مع \"داعش\" وقاعده في حقل التنك..",
            "ماذا يحدث شرق الفرات?",
            "شام اف ام"
        ]
    );
}

#[test]
fn dots_in_numbers_and_dates_do_not_split() {
    let t = "ارتفع العدد الى 2017.5 في 2017/11/29. ثم هدا الوضع";
    assert_eq!(
        sents(t),
        vec!["ارتفع العدد الى 2017.5 في 2017/11/29.", "ثم هدا الوضع"]
    );
}

#[test]
fn ellipsis_without_space_and_closing_quote() {
    assert_eq!(sents("التنك..ماذا حدث"), vec!["التنك..", "ماذا حدث"]);
    assert_eq!(
        sents("قال \"انتهى.\" ثم رحل!"),
        vec!["قال \"انتهى.\"", "ثم رحل!"]
    );
    assert_eq!(sents("اولا… ثانيا"), vec!["اولا…", "ثانيا"]);
    assert_eq!(sents("  \n . \n"), Vec::<&str>::new());
}

#[test]
fn paragraphs_are_trimmed_lines() {
    let t = " سطر اول \n\n  سطر ثان\n";
    let p: Vec<&str> = paragraphs(t).into_iter().map(|r| &t[r]).collect();
    assert_eq!(p, vec!["سطر اول", "سطر ثان"]);
}

#[test]
fn clauses_split_on_commas_dashes_parens() {
    let t = "قتل 3 عناصر, واصيب 1,200 (حسب المصادر) - وفق المرصد: انتهى; نعم";
    let all = 0..t.len();
    let c: Vec<&str> = clauses(t, all).into_iter().map(|r| &t[r]).collect();
    assert_eq!(
        c,
        vec![
            "قتل 3 عناصر",
            "واصيب 1,200",
            "حسب المصادر",
            "وفق المرصد",
            "انتهى",
            "نعم"
        ]
    );
    // Hyphen inside a word does not split.
    let t = "اف-16 سقطت";
    assert_eq!(clauses(t, 0..t.len()), vec![0..t.len()]);
}

#[test]
fn tokens_words_numbers_punct() {
    let t = "موقع عربي21 نشر 1,200 و2.5 2024هدنه.";
    let toks = tokens(t);
    let got: Vec<(&str, TokenKind)> = toks.iter().map(|k| (&t[k.range.clone()], k.kind)).collect();
    use TokenKind::*;
    assert_eq!(
        got,
        vec![
            ("موقع", Word),
            ("عربي21", Word),
            ("نشر", Word),
            ("1,200", Number),
            ("و2", Word),
            (".", Punct),
            ("5", Number),
            ("2024", Number),
            ("هدنه", Word),
            (".", Punct),
        ]
    );
    assert_eq!(token_iter(t).count(), toks.len());
    assert!(tokens("  \n ").is_empty());
}

#[test]
fn word_chars() {
    assert!(is_word_char('ق'));
    assert!(is_word_char('a'));
    assert!(is_word_char('7'));
    assert!(is_word_char('\u{0651}'));
    assert!(!is_word_char(' '));
    assert!(!is_word_char('"'));
    assert!(!is_word_char(','));
}

#[test]
fn proclitics() {
    let s = proclitic_splits("وبالقوات");
    assert_eq!(s[0], ("", "وبالقوات"));
    assert!(s.contains(&("و", "بالقوات")));
    assert!(s.contains(&("وب", "القوات")));
    assert!(s.contains(&("وبال", "قوات")));
    let s = proclitic_splits("للقوات");
    assert!(s.contains(&("لل", "قوات")));
    assert!(s.contains(&("ل", "لقوات")));
    // Stems keep two letters.
    assert_eq!(proclitic_splits("وقد"), vec![("", "وقد"), ("و", "قد")]);
    assert_eq!(proclitic_splits("ول"), vec![("", "ول")]);
    assert_eq!(proclitic_splits("سيقوم")[1], ("س", "يقوم"));
    assert_eq!(strip_article("القوات"), "قوات");
    assert_eq!(strip_article("الي"), "الي");
    assert_eq!(strip_article("قوات"), "قوات");
}

fn check_ranges(t: &str, rs: &[std::ops::Range<usize>]) {
    let mut prev = 0;
    for r in rs {
        assert!(r.start < r.end && r.end <= t.len());
        assert!(r.start >= prev);
        assert!(t.is_char_boundary(r.start) && t.is_char_boundary(r.end));
        assert_eq!(t[r.clone()].trim(), &t[r.clone()]);
        prev = r.end;
    }
}

proptest::proptest! {
    #[test]
    fn segmentation_ranges_are_sane(s in "[ \n.!?…,;:()\"\\-0-9a-zقسدوالبلك]{0,80}") {
        let t = normalize(&s).text;
        let ss = sentences(&t);
        check_ranges(&t, &ss);
        check_ranges(&t, &paragraphs(&t));
        for r in ss {
            check_ranges(&t, &clauses(&t, r));
        }
        let toks = tokens(&t);
        let mut prev = 0;
        for k in &toks {
            proptest::prop_assert!(k.range.start >= prev && k.range.start < k.range.end);
            proptest::prop_assert!(!t[k.range.clone()].contains(char::is_whitespace));
            prev = k.range.end;
        }
        for k in &toks {
            if k.kind == TokenKind::Word {
                for (_, stem) in proclitic_splits(&t[k.range.clone()]) {
                    proptest::prop_assert!(!stem.is_empty());
                    let _ = strip_article(stem);
                }
            }
        }
    }
}

proptest::proptest! {
    /// The runs of word chars read off the tokens are the scanned ones.
    #[test]
    fn word_runs_from_tokens(s in "[ a-zA-Z0-9.,;\"«»()\\-\\n\u{0621}-\u{064A}\u{064B}\u{0660}-\u{0669}\u{066D}\u{06F0}\u{0966}\u{00A0}…×]{0,60}") {
        let n = normalize(&s).text;
        let toks = tokens(&n);
        let from_tokens = marsad_text::word_runs_in(&n, &toks);
        let scanned: Vec<_> = marsad_text::word_runs(&n).collect();
        proptest::prop_assert_eq!(from_tokens, scanned);
    }
}
