//! Tantivy analyzers: the Arabic-aware `marsad_ar` (index and query sides), the Snowball variant
//! `marsad_ar_snowball`, and the `plain` baseline.

use marsad_text::{normalize, token_iter, TokenKind};
use tantivy::tokenizer::{
    Language, LowerCaser, SimpleTokenizer, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer,
    TokenizerManager,
};

/// Tokenizer name of the Arabic-aware analyzer (normalizer + proclitics + light suffix stemmer).
pub const MARSAD_AR: &str = "marsad_ar";
/// Tokenizer name of the normalizer + tantivy's Snowball Arabic stemmer.
pub const MARSAD_AR_SNOWBALL: &str = "marsad_ar_snowball";
/// Tokenizer name of the baseline: tantivy's simple tokenizer + lowercase.
pub const PLAIN: &str = "plain";

/// Which analyzer the text fields (title, body) of an index use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Analyzer {
    /// [`MARSAD_AR`]: the project's normalizer and tokenizer, proclitic readings, light10 suffixes.
    #[default]
    MarsadAr,
    /// [`MARSAD_AR_SNOWBALL`]: the project's normalizer and tokenizer, then Snowball Arabic.
    Snowball,
    /// [`PLAIN`]: whitespace/punctuation split and lowercase, nothing Arabic-specific.
    Plain,
}

impl Analyzer {
    /// The tokenizer name registered for this analyzer.
    pub fn name(self) -> &'static str {
        match self {
            Analyzer::MarsadAr => MARSAD_AR,
            Analyzer::Snowball => MARSAD_AR_SNOWBALL,
            Analyzer::Plain => PLAIN,
        }
    }
}

use marsad_text::clitics::{INDEX_PROCLITICS, QUERY_PROCLITICS};

/// Light10 suffixes (normalized: ة → ه), tried in Lucene's order, each at most once.
const SUFFIXES: &[&str] = &["ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي"];

/// Minimum letters a stem keeps after a prefix or suffix is removed.
const MIN_STEM: usize = 3;

fn letters(s: &str) -> usize {
    s.chars().count()
}

fn is_arabic_word(s: &str) -> bool {
    s.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
}

/// Light suffix stemming (Lucene light10 style): every suffix of [`SUFFIXES`], in order, is
/// removed once when at least three letters remain. Non-Arabic words come back unchanged.
pub fn stem_suffix(word: &str) -> &str {
    if !is_arabic_word(word) {
        return word;
    }
    let mut w = word;
    for suf in SUFFIXES {
        if let Some(rest) = w.strip_suffix(suf) {
            if letters(rest) >= MIN_STEM {
                w = rest;
            }
        }
    }
    w
}

/// All index-time readings of a normalized word: the word itself, and the word without each
/// proclitic of `و ف ب ل ك ال وال بال لل فال كال وبال` that leaves at least three letters; each
/// reading is then suffix-stemmed ([`stem_suffix`]). Deduplicated, the full word first.
pub fn index_readings(word: &str) -> Vec<String> {
    let mut out: Vec<String> = vec![stem_suffix(word).to_string()];
    if is_arabic_word(word) {
        for p in INDEX_PROCLITICS {
            if let Some(stem) = word.strip_prefix(p) {
                if letters(stem) >= MIN_STEM {
                    let s = stem_suffix(stem);
                    if !out.iter().any(|o| o == s) {
                        out.push(s.to_string());
                    }
                }
            }
        }
    }
    out
}

/// The query-time form of a normalized word: the longest article combination (`وبال وال بال فال
/// كال لل ال`) removed when three letters remain, then suffix-stemmed. Always one of the
/// word's [`index_readings`], so a query word matches itself and every proclitic-prefixed form.
pub fn query_form(word: &str) -> &str {
    let mut w = word;
    if is_arabic_word(word) {
        for p in QUERY_PROCLITICS {
            if let Some(stem) = word.strip_prefix(p) {
                if letters(stem) >= MIN_STEM {
                    w = stem;
                    break;
                }
            }
        }
    }
    stem_suffix(w)
}

/// What the marsad tokenizer emits per word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Normalized surface words only (input of the Snowball stemmer).
    Surface,
    /// Every reading of [`index_readings`] at the word's position.
    Index,
    /// One token per word: [`query_form`].
    Query,
}

/// The project's tokenizer over the normalized text, emitting ORIGINAL byte offsets.
#[derive(Debug, Clone)]
pub struct MarsadTokenizer {
    mode: Mode,
}

impl MarsadTokenizer {
    /// Index side of `marsad_ar` (all proclitic readings at the same position).
    pub fn index() -> Self {
        MarsadTokenizer { mode: Mode::Index }
    }
    /// Query side of `marsad_ar` (one token per word).
    pub fn query() -> Self {
        MarsadTokenizer { mode: Mode::Query }
    }
    /// Normalized words without stemming (for the Snowball analyzer).
    pub fn surface() -> Self {
        MarsadTokenizer {
            mode: Mode::Surface,
        }
    }

    /// Tokens of `text` (what the tantivy token stream yields), for tests and highlighting.
    pub fn analyze(&self, text: &str) -> Vec<Token> {
        let n = normalize(text);
        let mut out = Vec::new();
        let mut position = 0usize;
        for t in token_iter(&n.text) {
            if t.kind == TokenKind::Punct {
                continue;
            }
            let word = &n.text[t.range.clone()];
            let orig = n.original_range(t.range.clone());
            let mut push = |s: &str| {
                out.push(Token {
                    offset_from: orig.start,
                    offset_to: orig.end,
                    position,
                    text: s.to_string(),
                    position_length: 1,
                })
            };
            match (self.mode, t.kind) {
                (Mode::Surface, _) | (_, TokenKind::Number) => push(word),
                (Mode::Query, _) => push(query_form(word)),
                (Mode::Index, _) => index_readings(word).iter().for_each(|r| push(r)),
            }
            position += 1;
        }
        out
    }
}

/// A token stream over a precomputed token list.
pub struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }
    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

impl Tokenizer for MarsadTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream {
            tokens: self.analyze(text),
            next: 0,
        }
    }
}

/// The `plain` baseline analyzer.
pub fn plain_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .build()
}

/// The `marsad_ar_snowball` analyzer.
pub fn snowball_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(MarsadTokenizer::surface())
        .filter(Stemmer::new(Language::Arabic))
        .build()
}

/// Register the index-side analyzers on an index's tokenizer manager.
pub fn register_index_analyzers(m: &TokenizerManager) {
    m.register(MARSAD_AR, TextAnalyzer::from(MarsadTokenizer::index()));
    m.register(MARSAD_AR_SNOWBALL, snowball_analyzer());
    m.register(PLAIN, plain_analyzer());
}

/// A tokenizer manager with the query-side analyzers under the same names (for `QueryParser`).
pub fn query_tokenizers() -> TokenizerManager {
    let m = TokenizerManager::default();
    m.register(MARSAD_AR, TextAnalyzer::from(MarsadTokenizer::query()));
    m.register(MARSAD_AR_SNOWBALL, snowball_analyzer());
    m.register(PLAIN, plain_analyzer());
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use marsad_text::normalize_key;

    #[test]
    fn proclitics_are_stripped_when_three_letters_remain() {
        // وبالهدنة → readings include the bare stem.
        let r = index_readings(&normalize_key("وبالهدنة"));
        assert!(r.contains(&"هدن".to_string()), "{r:?}");
        // و + قف: two letters would remain, so no reading without و.
        assert_eq!(index_readings("وقف"), vec!["وقف".to_string()]);
        // ال + له: two letters would remain, the article stays.
        assert!(query_form("الله").starts_with("ال"));
        assert_eq!(query_form(&normalize_key("الهدنة")), "هدن");
        assert_eq!(query_form(&normalize_key("هدنة")), "هدن");
        assert_eq!(query_form("الرقه"), "رقه");
        // Query form is always an index reading of the prefixed forms.
        for w in [
            "والقوات",
            "بالقوات",
            "للقوات",
            "فالقوات",
            "القوات",
            "وقوات",
            "لقوات",
        ] {
            assert!(
                index_readings(w).contains(&query_form("قوات").to_string()),
                "{w}"
            );
        }
    }

    #[test]
    fn suffixes_light10() {
        assert_eq!(stem_suffix("مقاتلين"), "مقاتل");
        assert_eq!(stem_suffix("مقاتلون"), "مقاتل");
        assert_eq!(stem_suffix("مقاتليها"), "مقاتل");
        assert_eq!(stem_suffix("ديموقراطيه"), "ديموقراط");
        assert_eq!(stem_suffix("قوات"), "قوات"); // "قو" would be too short
        assert_eq!(stem_suffix("sdf"), "sdf");
    }

    #[test]
    fn offsets_are_original_with_diacritics_tatweel_and_quotes() {
        let original = "قالت «قُوّاتُ» سوريـــة الديموقراطيّة، إنّ الهدنةَ صامدة";
        let toks = MarsadTokenizer::index().analyze(original);
        assert!(!toks.is_empty());
        for t in &toks {
            let slice = &original[t.offset_from..t.offset_to];
            let key = normalize_key(slice);
            assert!(
                index_readings(&key).contains(&t.text),
                "{slice:?} -> {key:?} does not give {:?}",
                t.text
            );
        }
        let q = MarsadTokenizer::query().analyze("قوات");
        let hit = toks.iter().find(|t| t.text == q[0].text).expect("قوات");
        // Trailing marks after the last letter are not part of the word's range.
        assert_eq!(&original[hit.offset_from..hit.offset_to], "قُوّات");
        let q = MarsadTokenizer::query().analyze("سورية");
        let hit = toks.iter().find(|t| t.text == q[0].text).expect("سورية");
        assert_eq!(&original[hit.offset_from..hit.offset_to], "سوريـــة");
        let q = MarsadTokenizer::query().analyze("هدنة");
        let hit = toks.iter().find(|t| t.text == q[0].text).expect("هدنة");
        assert_eq!(&original[hit.offset_from..hit.offset_to], "الهدنة");
        // Readings of one word share its position; positions advance per word.
        let positions: Vec<usize> = toks.iter().map(|t| t.position).collect();
        assert!(positions
            .windows(2)
            .all(|w| w[1] == w[0] || w[1] == w[0] + 1));
        assert_eq!(*positions.last().unwrap(), 6);
    }

    #[test]
    fn snowball_and_plain_run() {
        let mut a = snowball_analyzer();
        let mut s = a.token_stream("والمقاتلين");
        assert!(s.advance());
        let mut p = plain_analyzer();
        let mut s2 = p.token_stream("SDF قسد");
        assert!(s2.advance());
        assert_eq!(s2.token().text, "sdf");
    }
}
