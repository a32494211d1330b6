//! Tokens over normalized text, word-boundary checks and Arabic proclitic splits.

use std::ops::Range;

/// What a [`Token`] is; matchers mostly look at words, number finding at numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// A run of letters (Arabic or Latin), possibly with digits after the first letter ("عربي21").
    Word,
    /// A run of ASCII digits, with single '.' or ',' allowed between digits ("1,200", "2.5").
    Number,
    /// One punctuation or symbol char.
    Punct,
}

/// A token: a byte range of the normalized text and its kind (no copy of the text, so tokenizing
/// allocates nothing beyond the output vector).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Byte range in the normalized text.
    pub range: Range<usize>,
    /// Kind of the token.
    pub kind: TokenKind,
}

/// Whether `c` can be part of a word, so a knowledge-base match must not start or end next to it
/// (a hit on "قسد" inside "مقسد" is not a hit). Arabic marks and tatweel count as word chars so
/// the check also works on text that was not normalized.
#[inline]
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    // Fast path: the Arabic letters, marks and digits (U+0610–U+061A, U+0620–U+0669).
    if ('\u{0620}'..='\u{0669}').contains(&c) || ('\u{0610}'..='\u{061A}').contains(&c) {
        return true;
    }
    c.is_alphanumeric()
        || matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' | '\u{0610}'..='\u{061A}')
}

/// The char starting at byte `i` of `text` (a char boundary): whether it is a word char
/// ([`is_word_char`]) and its length in bytes. ASCII and two-byte chars (the Arabic block) are
/// decoded by hand, because word scans run over every byte of every document.
#[inline]
pub fn word_char_at(text: &str, i: usize) -> (bool, usize) {
    let bytes = text.as_bytes();
    let b = bytes[i];
    if b < 0x80 {
        (b.is_ascii_alphanumeric(), 1)
    } else if (0xC0..0xE0).contains(&b) && i + 1 < bytes.len() {
        let cp = ((u32::from(b) & 0x1F) << 6) | (u32::from(bytes[i + 1]) & 0x3F);
        (char::from_u32(cp).is_some_and(is_word_char), 2)
    } else {
        let c = text[i..].chars().next().expect("char boundary");
        (is_word_char(c), c.len_utf8())
    }
}

#[inline]
fn is_letter(c: char) -> bool {
    !c.is_ascii_digit() && is_word_char(c)
}

/// Iterator form of [`tokens`], for callers that stream over a text without keeping the tokens.
#[derive(Debug, Clone)]
pub struct TokenIter<'a> {
    text: &'a str,
    pos: usize,
}

/// Tokenize lazily (see [`tokens`]).
#[inline]
pub fn token_iter(norm: &str) -> TokenIter<'_> {
    TokenIter { text: norm, pos: 0 }
}

impl Iterator for TokenIter<'_> {
    type Item = Token;

    #[inline]
    fn next(&mut self) -> Option<Token> {
        let bytes = self.text.as_bytes();
        // Skip whitespace (ASCII by byte; other chars decoded).
        loop {
            let b = *bytes.get(self.pos)?;
            if matches!(b, 0x09..=0x0D | b' ') {
                self.pos += 1;
                continue;
            }
            if b < 0x80 {
                break;
            }
            let c = self.text[self.pos..].chars().next()?;
            if c.is_whitespace() {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
        let start = self.pos;
        let c = self.text[start..].chars().next()?;
        if c.is_ascii_digit() {
            let mut i = start + 1;
            loop {
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                if i + 1 < bytes.len()
                    && (bytes[i] == b'.' || bytes[i] == b',')
                    && bytes[i + 1].is_ascii_digit()
                {
                    i += 1;
                    continue;
                }
                break;
            }
            self.pos = i;
            return Some(Token {
                range: start..i,
                kind: TokenKind::Number,
            });
        }
        if is_letter(c) {
            let mut i = start;
            while i < bytes.len() {
                let (word, n) = word_char_at(self.text, i);
                if !word {
                    break;
                }
                i += n;
            }
            self.pos = i;
            return Some(Token {
                range: start..i,
                kind: TokenKind::Word,
            });
        }
        let end = start + c.len_utf8();
        self.pos = end;
        Some(Token {
            range: start..end,
            kind: TokenKind::Punct,
        })
    }
}

/// All tokens of a normalized text: words, numbers and single punctuation chars; whitespace is
/// skipped. A number glued before letters ("2024هدنه") gives a number then a word.
pub fn tokens(norm: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(norm.len() / 5 + 1);
    out.extend(token_iter(norm));
    out
}

/// Proclitic prefixes, longest first within each first letter so the order of results is stable.
const PROCLITICS: &[&str] = &[
    "و", "ف", "ب", "ل", "ك", "س", "ال", "لل", "وب", "ول", "فب", "فل", "وك", "وال", "بال", "فال",
    "كال", "ولل", "فلل", "وبال",
];

/// Possible (prefix, stem) readings of a normalized word for the common proclitics (و ف ب ل ك س
/// and the article with them). Arabic glues these to the next word, so "وبالقوات" must still
/// match "قوات". `("", word)` always comes first; other readings follow by increasing prefix
/// length. A stem keeps at least two letters; the caller decides which reading is real.
pub fn proclitic_splits(word: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::with_capacity(4);
    out.push(("", word));
    for p in PROCLITICS {
        if let Some(stem) = word.strip_prefix(p) {
            if stem.chars().take(2).count() == 2 && stem.chars().all(is_word_char) {
                out.push((&word[..p.len()], stem));
            }
        }
    }
    out
}

/// Strip a leading definite article "ال" if at least two letters remain, so "القوات" and "قوات"
/// meet; other stems come back unchanged.
#[inline]
pub fn strip_article(stem: &str) -> &str {
    match stem.strip_prefix("ال") {
        Some(rest) if rest.chars().take(2).count() == 2 => rest,
        _ => stem,
    }
}
