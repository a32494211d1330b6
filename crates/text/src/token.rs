//! Tokens over normalized text, word-boundary checks and Arabic proclitic splits.

use std::ops::Range;
use std::sync::LazyLock;

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
    match low_class(c) {
        Some(class) => class & WORD != 0,
        None => word_char_slow(c),
    }
}

/// [`is_word_char`] by the Unicode tables (the source of truth for [`LOW_CLASSES`]).
fn word_char_slow(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric()
        || matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' | '\u{0610}'..='\u{061A}')
}

/// [`char::is_alphanumeric`], by table for the chars below U+0800 (Arabic included): the
/// Unicode-table walk costs hundreds of instructions per Arabic letter.
#[inline]
pub(crate) fn is_alphanumeric(c: char) -> bool {
    match low_class(c) {
        Some(class) => class & ALNUM != 0,
        None => c.is_alphanumeric(),
    }
}

/// Flag in [`LOW_CLASSES`]: a word char ([`word_char_slow`]).
const WORD: u8 = 1;
/// Flag in [`LOW_CLASSES`]: [`char::is_alphanumeric`].
const ALNUM: u8 = 2;
/// Flag in [`LOW_CLASSES`]: [`char::is_whitespace`].
const SPACE: u8 = 4;

/// The [`WORD`], [`ALNUM`] and [`SPACE`] flags of `c`, from the Unicode tables.
fn class_slow(c: char) -> u8 {
    let flag = |set: bool, flag: u8| if set { flag } else { 0 };
    flag(word_char_slow(c), WORD)
        | flag(c.is_alphanumeric(), ALNUM)
        | flag(c.is_whitespace(), SPACE)
}

/// Char classes of every code point below U+0800 (ASCII and two-byte UTF-8, which holds the
/// Arabic block), so the per-char checks that run over every byte of every document are one load.
static LOW_CLASSES: LazyLock<[u8; 0x800]> = LazyLock::new(|| {
    let mut t = [0u8; 0x800];
    for (cp, class) in t.iter_mut().enumerate() {
        if let Some(c) = char::from_u32(cp as u32) {
            *class = class_slow(c);
        }
    }
    t
});

/// The [`LOW_CLASSES`] entry of `c`, if it is below U+0800.
#[inline]
fn low_class(c: char) -> Option<u8> {
    LOW_CLASSES.get(c as usize).copied()
}

/// The char starting at byte `i` of `text` (a char boundary): whether it is a word char
/// ([`is_word_char`]) and its length in bytes. ASCII and two-byte chars (the Arabic block) are
/// decoded by hand, because word scans run over every byte of every document.
#[inline]
pub fn word_char_at(text: &str, i: usize) -> (bool, usize) {
    word_char_in(&LOW_CLASSES, text, i)
}

/// [`word_char_at`] with the class table already at hand (loops fetch it once).
#[inline(always)]
fn word_char_in(classes: &[u8; 0x800], text: &str, i: usize) -> (bool, usize) {
    let (class, n) = class_at(classes, text, i);
    (class & WORD != 0, n)
}

/// The class flags and byte length of the char starting at byte `i` of `text` (a char
/// boundary); `classes` = [`LOW_CLASSES`].
#[inline(always)]
fn class_at(classes: &[u8; 0x800], text: &str, i: usize) -> (u8, usize) {
    let bytes = text.as_bytes();
    let b = bytes[i];
    if b < 0x80 {
        (classes[usize::from(b)], 1)
    } else if b < 0xE0 {
        // A two-byte char (a `&str` has no lone continuation byte at a char boundary).
        let cp = ((usize::from(b) & 0x1F) << 6) | (usize::from(bytes[i + 1]) & 0x3F);
        (classes[cp], 2)
    } else {
        let c = text[i..].chars().next().expect("char boundary");
        (class_slow(c), c.len_utf8())
    }
}

/// Whether the char starting at byte `i` of `text` (a char boundary) is white space
/// ([`char::is_whitespace`]), whether it is a letter or digit ([`char::is_alphanumeric`]), and its
/// length in bytes: read off [`LOW_CLASSES`] for the chars below U+0800.
#[inline]
pub(crate) fn space_alnum_at(text: &str, i: usize) -> (bool, bool, usize) {
    let (class, n) = class_at(&LOW_CLASSES, text, i);
    (class & SPACE != 0, class & ALNUM != 0, n)
}

/// End of the run of word chars ([`is_word_char`]) starting at byte `i` of `text` (a char
/// boundary); `i` itself when no word char starts there.
#[inline]
pub fn word_end(text: &str, i: usize) -> usize {
    word_end_in(&LOW_CLASSES, text, i)
}

/// [`word_end`] with the class table already at hand (loops fetch it once).
#[inline(always)]
fn word_end_in(classes: &[u8; 0x800], text: &str, i: usize) -> usize {
    let bytes = text.as_bytes();
    let mut e = i;
    while let Some(&b) = bytes.get(e) {
        // Two-byte chars (the Arabic block) first, decoded in line: most word chars of a text.
        let (class, n) = if b & 0xE0 == 0xC0 && e + 1 < bytes.len() {
            let cp = (usize::from(b & 0x1F) << 6) | usize::from(bytes[e + 1] & 0x3F);
            (classes[cp], 2)
        } else {
            class_at(classes, text, e)
        };
        if class & WORD == 0 {
            break;
        }
        e += n;
    }
    e
}

/// [`word_end_in`] for the tokenizer, which runs it over every word of every document: the
/// two-byte chars (the Arabic block) in a loop of their own over the byte pairs from `e`
/// (`chunks_exact` needs no bounds check per byte), 15 instructions a char against 19. Not used
/// for the short tails that [`word_end`] reads after a match, where setting up the loop costs
/// more than it saves.
#[inline(always)]
fn word_end_by_pairs(classes: &[u8; 0x800], text: &str, i: usize) -> usize {
    let bytes = text.as_bytes();
    let mut e = i;
    loop {
        for pair in bytes[e..].chunks_exact(2) {
            let (b, c) = (pair[0], pair[1]);
            if b & 0xE0 != 0xC0 {
                break;
            }
            let cp = (usize::from(b & 0x1F) << 6) | usize::from(c & 0x3F);
            if classes[cp] & WORD == 0 {
                return e;
            }
            e += 2;
        }
        if e >= bytes.len() {
            return e;
        }
        let (class, n) = class_at(classes, text, e);
        if class & WORD == 0 {
            return e;
        }
        e += n;
    }
}

/// The maximal runs of word chars ([`is_word_char`]) of `text`, in order: the words a
/// knowledge-base match must start and end on (digits included, unlike [`tokens`]).
pub fn word_runs(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let classes = &*LOW_CLASSES;
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < text.len() {
            let (word, n) = word_char_in(classes, text, i);
            if word {
                let start = i;
                i = word_end_in(classes, text, i + n);
                return Some(start..i);
            }
            i += n;
        }
        None
    })
}

/// Iterator form of [`tokens`], for callers that stream over a text without keeping the tokens.
#[derive(Clone)]
pub struct TokenIter<'a> {
    text: &'a str,
    pos: usize,
    /// [`LOW_CLASSES`], fetched once rather than at every token.
    classes: &'static [u8; 0x800],
}

impl std::fmt::Debug for TokenIter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenIter")
            .field("text", &self.text)
            .field("pos", &self.pos)
            .finish_non_exhaustive()
    }
}

/// Tokenize lazily (see [`tokens`]).
#[inline]
pub fn token_iter(norm: &str) -> TokenIter<'_> {
    TokenIter {
        text: norm,
        pos: 0,
        classes: &LOW_CLASSES,
    }
}

impl Iterator for TokenIter<'_> {
    type Item = Token;

    #[inline]
    fn next(&mut self) -> Option<Token> {
        let (bytes, classes) = (self.text.as_bytes(), self.classes);
        loop {
            let start = self.pos;
            let b = *bytes.get(start)?;
            if matches!(b, 0x09..=0x0D | b' ') {
                self.pos += 1;
                continue;
            }
            if b.is_ascii_digit() {
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
            // A run of word chars that does not start with an ASCII digit: a word starting with
            // a letter (its first char is classified by the run itself).
            let end = word_end_by_pairs(classes, self.text, start);
            if end > start {
                self.pos = end;
                return Some(Token {
                    range: start..end,
                    kind: TokenKind::Word,
                });
            }
            // Not a word char: other whitespace is skipped, the rest is punctuation.
            let (class, n) = class_at(classes, self.text, start);
            self.pos = start + n;
            if class & SPACE == 0 {
                return Some(Token {
                    range: start..start + n,
                    kind: TokenKind::Punct,
                });
            }
        }
    }
}

/// All tokens of a normalized text: words, numbers and single punctuation chars; whitespace is
/// skipped. A number glued before letters ("2024هدنه") gives a number then a word.
pub fn tokens(norm: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(norm.len() / 5 + 1);
    out.extend(token_iter(norm));
    out
}

/// The runs of [`word_runs`], read off `tokens` (= [`tokens`]`(norm)`) instead of scanning the
/// text again: every word char is in a word or number token; a word token glued after a number
/// ("2024هدنه") continues the number's run, and a separator inside a number ("1,200") ends one.
pub fn word_runs_in(norm: &str, tokens: &[Token]) -> Vec<Range<usize>> {
    let bytes = norm.as_bytes();
    let mut out: Vec<Range<usize>> = Vec::with_capacity(tokens.len());
    let mut after_number = usize::MAX;
    for t in tokens {
        match t.kind {
            TokenKind::Word if t.range.start == after_number => {
                if let Some(run) = out.last_mut() {
                    run.end = t.range.end;
                }
            }
            TokenKind::Word => out.push(t.range.clone()),
            TokenKind::Number => {
                let mut start = t.range.start;
                for k in t.range.clone() {
                    if matches!(bytes[k], b'.' | b',') {
                        out.push(start..k);
                        start = k + 1;
                    }
                }
                out.push(start..t.range.end);
                after_number = t.range.end;
            }
            TokenKind::Punct => {}
        }
    }
    out
}

/// Possible (prefix, stem) readings of a normalized word for the common proclitics (و ف ب ل ك س
/// and the article with them). Arabic glues these to the next word, so "وبالقوات" must still
/// match "قوات". `("", word)` always comes first; other readings follow by increasing prefix
/// length. A stem keeps at least two letters; the caller decides which reading is real.
pub fn proclitic_splits(word: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::with_capacity(4);
    out.push(("", word));
    for p in crate::clitics::WORD_PROCLITICS {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `word_end` (with its two-byte fast path) agrees with testing `is_word_char` char by char,
    /// from every char of texts mixing scripts, marks, punctuation and whitespace.
    #[test]
    fn word_end_agrees_with_is_word_char() {
        let texts = [
            "الجيش الحر، في ريف حلب.",
            "قُتِلَ ٣ عناصر؛ و«داعش» ـ هنا",
            "café naïve\u{a0}x\u{2003}y ß Ω",
            "abc123 x-y 中文 😀 e\u{301}",
            "عربي21 2024هدنه",
        ];
        for t in texts {
            for (i, _) in t.char_indices() {
                let slow = t[i..]
                    .char_indices()
                    .find(|&(_, c)| !is_word_char(c))
                    .map_or(t.len(), |(k, _)| i + k);
                assert_eq!(word_end(t, i), slow, "{t:?} at {i}");
            }
        }
    }

    /// The tokenizer's pair loop ([`word_end_by_pairs`]) ends words where [`word_end_in`] does,
    /// from every char of generated texts mixing Arabic letters and marks, two-byte chars of
    /// other scripts, ASCII, digits, three- and four-byte chars and whitespace.
    #[test]
    fn word_end_by_pairs_agrees_with_word_end() {
        let pieces = [
            "الجيش",
            "ة",
            " ",
            "\n",
            "،",
            "؛",
            "٣",
            "ـ",
            "\u{064B}",
            "é",
            "ß",
            "Ω",
            "\u{a0}",
            "a",
            "Z",
            "7",
            ".",
            "-",
            "中",
            "😀",
            "\u{2003}",
            "\u{301}",
            "پ",
            "ۀ",
            "؟",
        ];
        let classes = &*LOW_CLASSES;
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..3000 {
            let mut t = String::new();
            for _ in 0..(seed % 10) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                t.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            seed = seed.wrapping_add(0x2545_F491_4F6C_DD1D);
            for i in (0..=t.len()).filter(|&i| t.is_char_boundary(i)) {
                assert_eq!(
                    word_end_by_pairs(classes, &t, i),
                    word_end_in(classes, &t, i),
                    "{t:?} at {i}"
                );
            }
        }
    }

    /// Whitespace outside ASCII separates tokens like a space; other chars outside words are
    /// punctuation, one char each.
    #[test]
    fn tokens_skip_unicode_whitespace() {
        let t = "a\u{a0}b\u{2003}ج،د";
        let toks: Vec<(&str, TokenKind)> = tokens(t)
            .into_iter()
            .map(|tk| (&t[tk.range], tk.kind))
            .collect();
        assert_eq!(
            toks,
            [
                ("a", TokenKind::Word),
                ("b", TokenKind::Word),
                ("ج", TokenKind::Word),
                ("،", TokenKind::Punct),
                ("د", TokenKind::Word),
            ]
        );
    }
}
