//! Counts in normalized text: digits, Arabic number words, approximation markers; dates and years
//! are left out.

use std::ops::Range;
use std::sync::OnceLock;

use crate::calendar::month_at;
use crate::normalize::normalize_key;
use crate::token::{tokens, Token, TokenKind};
use rustc_hash::FxHashMap;

/// How approximate a number in the text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Approx {
    /// Written as a plain count.
    Exact,
    /// "نحو", "حوالي", "قرابة", "ما يقارب", "يقدر".
    About,
    /// "على الأقل", "أكثر من", "ما لا يقل عن".
    AtLeast,
    /// "أقل من", "ما لا يزيد عن".
    AtMost,
}

/// A count found in normalized text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantity {
    /// The value (e.g. 15 for "نحو 15", 2 for "عنصرين").
    pub value: u64,
    /// Approximation marker attached to it.
    pub approx: Approx,
    /// Normalized byte range of the whole expression, markers included.
    pub range: Range<usize>,
}

/// Lexical class of a number word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lex {
    /// 1–10 ("خمسه", "عشر").
    Unit(u64),
    /// 20–90.
    Ten(u64),
    /// 100–900 written as one word ("ميه", "ثلاثميه", "ميتين").
    Hundred(u64),
    /// Singular scale word ("الف", "مليون"): a value alone, a multiplier after a count.
    Scale(u64),
    /// Plural scale word ("الاف", "ملايين"): a multiplier after 3–10, "thousands" alone.
    Plural(u64),
    /// Dual ("الفين"): a value.
    Dual(u64),
    /// "عشرات", "مئات": an approximate order of magnitude.
    Vague(u64),
}

/// The number words, and what a word must look like to be one of them: most words of a text are
/// rejected by their length or first two letters before any hashing.
struct Lexicon {
    words: FxHashMap<String, Lex>,
    /// Bit `head(w)` is set for every key `w` that has a [`head`] and a [`tail`].
    heads: Vec<u64>,
    /// Bit `tail(w)` is set likewise: many words share their first two letters ("ال") with a
    /// number word, few also their last two.
    tails: Vec<u64>,
    /// Bit [`shape`] of every key that has a [`head`] and a [`tail`]: many words share their
    /// first two letters with a number word ("ال") and their last two with another ("ين"),
    /// few also the length of one of them.
    shapes: Vec<u64>,
    /// Some key has no [`head`] or [`tail`] (then words without one are looked up too).
    headless: bool,
    max_len: usize,
}

/// Bits in [`Lexicon::shapes`].
const SHAPES: usize = 4096;

/// A word's [`head`], [`tail`] and length mixed into one bit of [`Lexicon::shapes`]: a Bloom
/// filter with one hash, whose few hundred keys leave most of the bits clear.
#[inline]
fn shape(head: usize, tail: usize, len: usize) -> usize {
    (head.wrapping_mul(0x9E37_79B9)
        ^ tail.wrapping_mul(0x85EB_CA6B)
        ^ len.wrapping_mul(0xC2B2_AE35))
        >> 7
        & (SHAPES - 1)
}

impl Lexicon {
    /// The class of `word` if it is a number word.
    #[inline]
    fn get(&self, word: &str) -> Option<Lex> {
        if !self.may_be(word.as_bytes()) {
            return None;
        }
        self.lookup(word)
    }

    /// Whether `word` may be a number word: [`Lexicon::get`] without the hash lookup, by its
    /// length, its first and last two letters and its [`shape`].
    #[inline]
    fn may_be(&self, word: &[u8]) -> bool {
        if word.len() > self.max_len {
            return false;
        }
        let bit = |set: &[u64], i: usize| set[i / 64] & (1 << (i % 64)) != 0;
        match (head(word), tail(word)) {
            (Some(h), Some(t)) => {
                bit(&self.heads, h)
                    && bit(&self.tails, t)
                    && bit(&self.shapes, shape(h, t, word.len()))
            }
            _ => self.headless,
        }
    }

    /// Whether `word` may be a number word, bare or after one of [`NUM_PREFIXES`]: false
    /// whenever `Ctx::lex_at` (with prefixes) finds nothing, at the cost of a few bit tests.
    #[inline]
    fn may_be_prefixed(&self, word: &[u8]) -> bool {
        // Every stem that has a tail has the word's: one test rejects most words.
        if self.headless || !self.may_end(word) {
            return self.headless;
        }
        self.may_be(word)
            || NUM_PREFIXES
                .iter()
                .any(|p| word.starts_with(p.as_bytes()) && self.may_be(&word[p.len()..]))
    }

    /// The hash lookup behind [`Lexicon::get`], out of line so the inlined filter stays small.
    #[inline(never)]
    fn lookup(&self, word: &str) -> Option<Lex> {
        self.words.get(word).copied()
    }

    /// Whether some suffix of `word` may be a number word: [`Lexicon::get`] of every suffix
    /// is `None` when this is false, as a suffix of four bytes or more has the word's [`tail`].
    #[inline]
    fn may_end(&self, word: &[u8]) -> bool {
        self.headless || tail(word).is_some_and(|t| self.tails[t / 64] & (1 << (t % 64)) != 0)
    }
}

/// The last two chars of `w` as one index, like [`head`].
#[inline]
fn tail(w: &[u8]) -> Option<usize> {
    head(&w[w.len().checked_sub(4)?..])
}

/// The first two chars of `w` as one index when both are in the Arabic block (U+0600–U+06FF):
/// `(first - 0x600) * 256 + (second - 0x600)`.
#[inline]
fn head(w: &[u8]) -> Option<usize> {
    let arabic = |lead: u8, cont: u8| {
        (0xD8..=0xDB)
            .contains(&lead)
            .then_some((usize::from(lead & 0x03) << 6) | usize::from(cont & 0x3F))
    };
    match w {
        [a, b, c, d, ..] => Some((arabic(*a, *b)? << 8) | arabic(*c, *d)?),
        _ => None,
    }
}

fn lexicon() -> &'static Lexicon {
    static LEX: OnceLock<Lexicon> = OnceLock::new();
    LEX.get_or_init(|| {
        let words = number_words();
        let mut heads = vec![0u64; (256 * 256) / 64];
        let mut tails = vec![0u64; (256 * 256) / 64];
        let mut shapes = vec![0u64; SHAPES / 64];
        let mut headless = false;
        for w in words.keys() {
            match (head(w.as_bytes()), tail(w.as_bytes())) {
                (Some(h), Some(t)) => {
                    heads[h / 64] |= 1 << (h % 64);
                    tails[t / 64] |= 1 << (t % 64);
                    let k = shape(h, t, w.len());
                    shapes[k / 64] |= 1 << (k % 64);
                }
                _ => headless = true,
            }
        }
        let max_len = words.keys().map(String::len).max().unwrap_or(0);
        Lexicon {
            words,
            heads,
            tails,
            shapes,
            headless,
            max_len,
        }
    })
}

fn number_words() -> FxHashMap<String, Lex> {
    {
        use Lex::*;
        let mut m: FxHashMap<String, Lex> = FxHashMap::default();
        let mut add = |words: &[&str], l: Lex| {
            for w in words {
                m.insert(normalize_key(w), l);
            }
        };
        add(&["واحد", "واحدة", "أحد", "إحدى", "احدى"], Unit(1));
        add(
            &[
                "اثنان",
                "اثنين",
                "اثنتين",
                "اثنتان",
                "اثنا",
                "اثني",
                "اثنتا",
                "اثنتي",
                "إثنان",
                "إثنين",
            ],
            Unit(2),
        );
        add(&["ثلاث", "ثلاثة"], Unit(3));
        add(&["أربع", "أربعة"], Unit(4));
        add(&["خمس", "خمسة"], Unit(5));
        add(&["ست", "ستة"], Unit(6));
        add(&["سبع", "سبعة"], Unit(7));
        add(&["ثماني", "ثمانية", "ثمان"], Unit(8));
        add(&["تسع", "تسعة"], Unit(9));
        add(&["عشر", "عشرة"], Unit(10));
        let tens = [
            ("عشرون", "عشرين", 20),
            ("ثلاثون", "ثلاثين", 30),
            ("أربعون", "أربعين", 40),
            ("خمسون", "خمسين", 50),
            ("ستون", "ستين", 60),
            ("سبعون", "سبعين", 70),
            ("ثمانون", "ثمانين", 80),
            ("تسعون", "تسعين", 90),
        ];
        for (a, b, v) in tens {
            add(&[a, b], Ten(v));
        }
        add(&["مئة", "مائة", "مئه", "مائه", "مية"], Hundred(100));
        add(
            &[
                "مئتين",
                "مائتين",
                "مئتان",
                "مائتان",
                "مئتا",
                "مائتا",
                "مئتي",
                "مائتي",
            ],
            Hundred(200),
        );
        for (p, v) in [
            ("ثلاث", 3),
            ("أربع", 4),
            ("خمس", 5),
            ("ست", 6),
            ("سبع", 7),
            ("ثمان", 8),
            ("ثماني", 8),
            ("تسع", 9),
        ] {
            for h in ["مئة", "مائة"] {
                add(&[&format!("{p}{h}")], Hundred(v * 100));
            }
        }
        add(&["ألف"], Scale(1_000));
        add(&["مليون"], Scale(1_000_000));
        add(&["مليار", "بليون"], Scale(1_000_000_000));
        add(&["آلاف", "الآلاف", "ألوف"], Plural(1_000));
        add(&["ملايين", "الملايين"], Plural(1_000_000));
        add(&["مليارات"], Plural(1_000_000_000));
        add(&["ألفين", "ألفان", "ألفا", "ألفي"], Dual(2_000));
        add(&["مليونين", "مليونان", "مليوني", "مليونا"], Dual(2_000_000));
        add(&["مليارين", "ملياران", "مليارا"], Dual(2_000_000_000));
        add(&["عشرات", "العشرات"], Vague(10));
        add(&["مئات", "المئات"], Vague(100));
        m
    }
}

/// `word.strip_prefix(p)` for a proclitic of a few bytes, compared inline rather than by a call
/// to `memcmp` (this runs for every word starting with a proclitic letter).
#[inline]
fn strip_short_prefix<'w>(word: &'w str, p: &str) -> Option<&'w str> {
    let (w, p) = (word.as_bytes(), p.as_bytes());
    (w.len() >= p.len() && w.iter().zip(p).all(|(a, b)| a == b)).then(|| &word[p.len()..])
}

use crate::clitics::NUMBER_PROCLITICS as NUM_PREFIXES;

/// Ordinals before "عشر" make it part of an ordinal ("الحادي عشر"), not a count.
const ORDINALS: &[&str] = &[
    "الحادي",
    "الثاني",
    "الثالث",
    "الرابع",
    "الخامس",
    "السادس",
    "السابع",
    "الثامن",
    "التاسع",
    "الحاديه",
    "الثانيه",
    "الثالثه",
    "الرابعه",
    "الخامسه",
    "السادسه",
    "السابعه",
    "الثامنه",
    "التاسعه",
    "حادي",
    "ثاني",
    "ثالث",
    "رابع",
    "خامس",
    "سادس",
    "سابع",
    "ثامن",
    "تاسع",
];

/// Markers right before a count, longest first. The first word may carry a proclitic.
const BEFORE: &[(&[&str], Approx)] = &[
    (&["ما", "لا", "يقل", "عن"], Approx::AtLeast),
    (&["ما", "لا", "يزيد", "عن"], Approx::AtMost),
    (&["ما", "لا", "يزيد", "علي"], Approx::AtMost),
    (&["لا", "يقل", "عن"], Approx::AtLeast),
    (&["لا", "تقل", "عن"], Approx::AtLeast),
    (&["لا", "يزيد", "عن"], Approx::AtMost),
    (&["لا", "يزيد", "علي"], Approx::AtMost),
    (&["ما", "يزيد", "عن"], Approx::AtLeast),
    (&["ما", "يزيد", "علي"], Approx::AtLeast),
    (&["ما", "يقرب", "من"], Approx::About),
    (&["ما", "يقارب"], Approx::About),
    (&["ما", "يناهز"], Approx::About),
    (&["اكثر", "من"], Approx::AtLeast),
    (&["ازيد", "من"], Approx::AtLeast),
    (&["اقل", "من"], Approx::AtMost),
    (&["يزيد", "عن"], Approx::AtLeast),
    (&["يزيد", "علي"], Approx::AtLeast),
    (&["نحو"], Approx::About),
    (&["حوالي"], Approx::About),
    (&["قرابه"], Approx::About),
    (&["يقارب"], Approx::About),
    (&["تقارب"], Approx::About),
    (&["زهاء"], Approx::About),
    (&["يناهز"], Approx::About),
    (&["ناهز"], Approx::About),
];

/// Markers after a count (possibly after the counted noun).
const AFTER: &[(&[&str], Approx)] = &[
    (&["علي", "اقل", "تقدير"], Approx::AtLeast),
    (&["علي", "الاقل"], Approx::AtLeast),
    (&["او", "اكثر"], Approx::AtLeast),
    (&["تقريبا"], Approx::About),
];

/// Verbs of estimation: "يقدر عددهم ب 15".
const ESTIMATE: &[&str] = &[
    "يقدر",
    "تقدر",
    "يقدرون",
    "قدر",
    "قدرت",
    "قدره",
    "تقدير",
    "المقدر",
];

struct Ctx<'a> {
    norm: &'a str,
    toks: &'a [Token],
    lex: &'static Lexicon,
}

impl<'a> Ctx<'a> {
    #[inline]
    fn text(&self, k: usize) -> &'a str {
        &self.norm[self.toks[k].range.clone()]
    }

    /// Whether a count may start at token `k`: a number, a word ending in digits ("ب15"), or a
    /// word that may be a number word after an optional proclitic ([`Lexicon::may_be_prefixed`]:
    /// [`Ctx::digits_at`] and [`Ctx::lex_at`] find nothing in any other token). Most tokens fail
    /// this cheap test; most words ending like a number word ("...ين", "...ات") fail it too.
    #[inline]
    fn may_start(&self, k: usize) -> bool {
        let t = &self.toks[k];
        let bytes = &self.norm.as_bytes()[t.range.clone()];
        match t.kind {
            TokenKind::Number => true,
            TokenKind::Punct => false,
            TokenKind::Word => {
                bytes.last().is_some_and(u8::is_ascii_digit) || self.lex.may_be_prefixed(bytes)
            }
        }
    }

    /// The first token from `k` on where a count may start ([`Ctx::may_start`]), or the end. A
    /// loop of its own, as it runs over every token of a text.
    #[inline(never)]
    fn next_start(&self, mut k: usize) -> usize {
        while k < self.toks.len() && !self.may_start(k) {
            k += 1;
        }
        k
    }

    #[inline]
    fn word(&self, k: usize) -> Option<&'a str> {
        let t = self.toks.get(k)?;
        (t.kind == TokenKind::Word).then(|| &self.norm[t.range.clone()])
    }

    /// Lexical class of word `k`, exact (`with_prefix == false`) or with an allowed proclitic.
    /// Returns the class and the proclitic used.
    fn lex_at(&self, k: usize, with_prefix: bool) -> Option<(Lex, &'a str)> {
        let w = self.word(k)?;
        // Every reading (the word or a stem after a proclitic) ends like the word: this one
        // check rejects most words.
        if !self.lex.may_end(w.as_bytes()) {
            return None;
        }
        if let Some(l) = self.lex.get(w) {
            return Some((l, ""));
        }
        // Every prefix starts with one of these letters; most words start with another.
        if !with_prefix || !w.starts_with(['و', 'ب', 'ل', 'ف']) {
            return None;
        }
        for p in NUM_PREFIXES {
            if let Some(stem) = strip_short_prefix(w, p) {
                // Stems of two letters ("ست") are too ambiguous with a prefix ("لست").
                if let Some(l) = self.lex.get(stem).filter(|_| stem.chars().count() >= 3) {
                    return Some((l, &w[..p.len()]));
                }
            }
        }
        None
    }

    /// Word `k` read as "و" + number word: the class of the stem.
    fn conj_lex_at(&self, k: usize) -> Option<Lex> {
        let stem = self.word(k)?.strip_prefix('و')?;
        self.lex.get(stem)
    }

    /// Digits at token `k`: a Number token, or a word made of a proclitic glued to digits
    /// ("ب15"). Returns (digits text, proclitic).
    fn digits_at(&self, k: usize) -> Option<(&'a str, &'a str)> {
        let t = self.toks.get(k)?;
        let s = self.text(k);
        match t.kind {
            TokenKind::Number => Some((s, "")),
            // Digits glued after a proclitic end the word ("ب15").
            TokenKind::Word if !s.as_bytes().last().is_some_and(u8::is_ascii_digit) => None,
            TokenKind::Word => NUM_PREFIXES.iter().find_map(|p| {
                let d = s.strip_prefix(p)?;
                (d.as_bytes().first()?.is_ascii_digit()
                    && d.bytes()
                        .all(|b| b.is_ascii_digit() || b == b',' || b == b'.'))
                .then(|| (d, &s[..p.len()]))
            }),
            TokenKind::Punct => None,
        }
    }

    #[inline]
    fn punct_is(&self, k: usize, c: &str) -> bool {
        self.toks
            .get(k)
            .is_some_and(|t| t.kind == TokenKind::Punct && self.text(k) == c)
    }

    /// Whether tokens `a` and `a + 1` touch (no space between).
    #[inline]
    fn touching(&self, a: usize) -> bool {
        match (self.toks.get(a), self.toks.get(a + 1)) {
            (Some(x), Some(y)) => x.range.end == y.range.start,
            _ => false,
        }
    }

    /// Whether a month name starts at token `k`.
    fn month_at_tok(&self, k: usize) -> bool {
        self.toks.get(k).is_some_and(|t| t.kind == TokenKind::Word)
            && month_at(self.norm, self.toks[k].range.start).is_some()
    }
}

/// Parse a digit string: plain ("15"), thousands with ',' ("1,200") or '.' in groups of three
/// ("1.200"). Decimals ("2.5") give `None`: they are measures, not counts, unless a scale word
/// follows (see [`parse_decimal_scaled`]).
fn parse_digits(s: &str) -> Option<u64> {
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    let sep = if s.contains(',') { ',' } else { '.' };
    if s.contains(',') && s.contains('.') {
        return None;
    }
    let groups: Vec<&str> = s.split(sep).collect();
    let ok =
        !groups[0].is_empty() && groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3);
    if !ok {
        return None;
    }
    groups.concat().parse().ok()
}

/// Value of a decimal like "1.5" times `scale` (for "1.5 مليون").
fn parse_decimal_scaled(s: &str, scale: u64) -> Option<u64> {
    let (a, b) = s.split_once('.')?;
    if b.contains('.') || b.len() > 9 {
        return None;
    }
    let int: u64 = a.parse().ok()?;
    let frac: u64 = b.parse().ok()?;
    let den = 10u64.checked_pow(b.len() as u32)?;
    Some(int.checked_mul(scale)? + frac.checked_mul(scale)? / den)
}

/// A parsed number expression: value, whether it is vague, first and past-the-end token.
struct Parsed {
    value: u64,
    vague: bool,
    start: usize,
    end: usize,
    /// Proclitic glued to the first token.
    prefix_b: bool,
}

/// Highest place of `v` (100 for 250, 1000 for 3000).
fn place(v: u64) -> u64 {
    let mut p = 1;
    while p * 10 <= v {
        p *= 10;
    }
    p
}

/// "ونصف" (normalized): "and a half" after a scale word.
const HALF: &str = "ونصف";
/// "نصف" before a scale word: half of it ("نصف مليون").
const HALF_OF: &str = "نصف";

impl Ctx<'_> {
    /// The multiplier of a scale word at `k` after a count: "الاف", "مليون", and the accusative
    /// singular "الفا", "مليونا" ("ثلاثين الفا"), which is written like the dual's construct form.
    fn scale_at(&self, k: usize) -> Option<u64> {
        match self.lex_at(k, false)?.0 {
            Lex::Scale(s) | Lex::Plural(s) => Some(s),
            Lex::Dual(d) if self.word(k)?.ends_with('ا') => Some(d / 2),
            _ => None,
        }
    }

    /// One word component at `k` (the first may carry a proclitic): value, vague, next token,
    /// whether it ended as a plain unit (for "خمسه وعشرين").
    fn component(&self, k: usize, first: bool) -> Option<(u64, bool, usize, bool)> {
        let l = if first {
            self.lex_at(k, true)?.0
        } else {
            self.conj_lex_at(k)?
        };
        let mut next = k + 1;
        let mut unit = false;
        let (mut v, vague) = match l {
            Lex::Unit(u) => {
                if u == 10 && k > 0 && self.word(k - 1).is_some_and(|w| ORDINALS.contains(&w)) {
                    return None;
                }
                let nxt = self.lex_at(next, false).map(|x| x.0);
                if u < 10 && nxt == Some(Lex::Unit(10)) {
                    next += 1;
                    (10 + u, false)
                } else if (3..10).contains(&u) && nxt == Some(Lex::Hundred(100)) {
                    next += 1;
                    (u * 100, false)
                } else {
                    unit = u < 10;
                    (u, false)
                }
            }
            Lex::Ten(t) => (t, false),
            Lex::Hundred(h) => (h, false),
            Lex::Scale(s) | Lex::Plural(s) if !first => {
                // "وألف" as a component: a plain value.
                (s, false)
            }
            Lex::Scale(s) => (s, false),
            Lex::Plural(s) => return Some((s, true, next, false)),
            Lex::Dual(d) => (d, false),
            Lex::Vague(x) => {
                let mut v = x;
                if let Some((Lex::Plural(s), _)) = self.lex_at(next, false) {
                    v *= s;
                    next += 1;
                } else if self.word(next).is_some_and(|w| w == "الالاف") {
                    v *= 1000;
                    next += 1;
                }
                return Some((v, true, next, false));
            }
        };
        // Multiplier after a count: "ثلاثه الاف", "احد عشر الف", "ميه الف", "ثلاثين الفا".
        if v < 1000 && !matches!(l, Lex::Scale(_) | Lex::Dual(_)) {
            if let Some(s) = self.scale_at(next) {
                v *= s;
                next += 1;
                unit = false;
            }
        }
        Some((v, vague, next, unit))
    }

    /// Number written in words starting at token `k`.
    fn words_at(&self, k: usize) -> Option<Parsed> {
        let prefix = self.lex_at(k, true)?.1;
        // "نصف مليون": half of one scale word.
        if let (Some(Lex::Scale(s)), Some(HALF_OF)) = (
            self.lex.get(self.word(k)?),
            k.checked_sub(1).and_then(|j| self.word(j)),
        ) {
            return Some(Parsed {
                value: s / 2,
                vague: false,
                start: k - 1,
                end: k + 1,
                prefix_b: false,
            });
        }
        let (mut total, vague, mut next, mut unit) = self.component(k, true)?;
        let mut last = total;
        if !vague {
            while let Some((v, vg, n, u)) = self.component(next, false) {
                let fits = if unit {
                    // Only "خمسه وعشرين".
                    (20..100).contains(&v) && v % 10 == 0
                } else {
                    last >= 100 && v < place(last)
                };
                if vg || !fits {
                    break;
                }
                total += v;
                last = v;
                unit = u;
                next = n;
            }
        }
        // "مليون ونصف", "الفين ونصف", "مليونا ونصف" (the accusative of one million, not the
        // dual): and a half of the last scale word.
        if !vague && self.word(next) == Some(HALF) {
            let last_word = self.word(next - 1).unwrap_or("");
            match self.lex.get(last_word) {
                Some(Lex::Dual(d)) if next == k + 1 && last_word.ends_with('ا') => {
                    total = d / 2 + d / 4;
                    next += 1;
                }
                Some(Lex::Scale(s) | Lex::Plural(s)) => {
                    total += s / 2;
                    next += 1;
                }
                Some(Lex::Dual(d)) => {
                    total += d / 4;
                    next += 1;
                }
                _ => {}
            }
        }
        Some(Parsed {
            value: total,
            vague,
            start: k,
            end: next,
            prefix_b: prefix.ends_with('ب'),
        })
    }

    /// Number written in digits at token `k`, with an optional scale word after it.
    /// `None` for years, dates, times and percentages.
    fn digits_number_at(&self, k: usize) -> Option<Parsed> {
        let (d, prefix) = self.digits_at(k)?;
        // Parts of dates/times: "2017/11/29", "10:30", "2017-11-29".
        let seps = ["/", ":", "-", "."];
        if k >= 2
            && seps.iter().any(|s| self.punct_is(k - 1, s))
            && self.touching(k - 2)
            && self.touching(k - 1)
            && self.toks[k - 2].kind == TokenKind::Number
        {
            return None;
        }
        if seps.iter().any(|s| self.punct_is(k + 1, s))
            && self.touching(k)
            && self.touching(k + 1)
            && self
                .toks
                .get(k + 2)
                .is_some_and(|t| t.kind == TokenKind::Number)
        {
            return None;
        }
        // Model designations ("اف-16"), clock times ("الساعه 10"), percentages, day numbers.
        if k >= 2 && self.punct_is(k - 1, "-") && self.touching(k - 2) && self.touching(k - 1) {
            return None;
        }
        if k >= 1 && self.word(k - 1) == Some("الساعه") {
            return None;
        }
        if self.punct_is(k + 1, "%") || self.month_at_tok(k + 1) {
            return None;
        }
        if self.word(k + 1) == Some("من") && self.month_at_tok(k + 2) {
            return None;
        }
        let mut next = k + 1;
        let scale = self.scale_at(next);
        if scale.is_some() {
            next += 1;
        }
        let mut value = match (parse_digits(d), scale) {
            (Some(v), Some(s)) => v.checked_mul(s)?,
            (Some(v), None) => {
                if d.len() == 4 && (1900..=2100).contains(&v) {
                    return None;
                }
                v
            }
            (None, Some(s)) => parse_decimal_scaled(d, s)?,
            (None, None) => return None,
        };
        // "3 ملايين ونصف": and a half of the scale.
        if let Some(s) = scale.filter(|_| self.word(next) == Some(HALF)) {
            value = value.checked_add(s / 2)?;
            next += 1;
        }
        Some(Parsed {
            value,
            vague: false,
            start: k,
            end: next,
            prefix_b: prefix.ends_with('ب'),
        })
    }

    /// Does `pat` match the words ending just before token `end` (first word may have a
    /// proclitic)? Returns the first token of the match.
    fn match_before(&self, end: usize, pat: &[&str], floor: usize) -> Option<usize> {
        let start = end.checked_sub(pat.len())?;
        if start < floor {
            return None;
        }
        for (i, p) in pat.iter().enumerate() {
            let w = self.word(start + i)?;
            let ok = if i == 0 {
                w == *p || NUM_PREFIXES.iter().any(|x| w.strip_prefix(x) == Some(*p))
            } else {
                w == *p
            };
            if !ok {
                return None;
            }
        }
        Some(start)
    }

    /// Marker before the number starting at `p.start`; returns its approx and first token.
    fn marker_before(&self, p: &Parsed, floor: usize) -> Option<(Approx, usize)> {
        let k = p.start;
        for (pat, a) in BEFORE {
            if let Some(s) = self.match_before(k, pat, floor) {
                return Some((*a, s));
            }
        }
        // "يقدر عددهم ب 15" / "تقدر بخمسه".
        let mut j = k;
        if !p.prefix_b {
            if j == floor || self.word(j - 1) != Some("ب") {
                return None;
            }
            j -= 1;
        }
        if j > floor && self.word(j - 1).is_some_and(|w| w.starts_with("عدد")) {
            j -= 1;
        }
        if j > floor && self.word(j - 1).is_some_and(|w| ESTIMATE.contains(&w)) {
            return Some((Approx::About, j - 1));
        }
        None
    }

    /// Marker after the number ending at token `end` (one counted noun may come between);
    /// returns its approx and past-the-end token.
    fn marker_after(&self, end: usize) -> Option<(Approx, usize)> {
        let try_at = |at: usize| {
            AFTER.iter().find_map(|(pat, a)| {
                pat.iter()
                    .enumerate()
                    .all(|(i, w)| self.word(at + i) == Some(*w))
                    .then_some((*a, at + pat.len()))
            })
        };
        try_at(end).or_else(|| {
            let noun = self.word(end)?;
            if self.lex.get(noun).is_some() {
                return None;
            }
            try_at(end + 1)
        })
    }
}

/// Counts in normalized text, in order and non-overlapping.
///
/// Casualty and force sizes are written as digits ("15", "1,200", "3 الاف"), as number words in
/// any of their grammatical forms ("خمسه وعشرين", "ثلاثه الاف", "احد عشر"), or vaguely
/// ("عشرات" = 10, "مئات" = 100, both [`Approx::About`]); markers like "نحو", "اكثر من", "على
/// الاقل" set [`Quantity::approx`] and are included in the range. Years (4 digits in 1900–2100),
/// dates ("2017/11/29", "28 نوفمبر", "28 تشرين الثاني"), times and percentages are not counts and
/// are skipped. Dual nouns ("عنصرين") are left to the caller.
pub fn quantities(norm: &str) -> Vec<Quantity> {
    quantities_in(norm, &tokens(norm))
}

/// [`quantities`] over tokens already computed: `toks` must be `tokens(norm)`.
pub fn quantities_in(norm: &str, toks: &[Token]) -> Vec<Quantity> {
    let ctx = Ctx {
        norm,
        toks,
        lex: lexicon(),
    };
    let mut out = Vec::new();
    let mut k = 0;
    let mut floor = 0;
    loop {
        k = ctx.next_start(k);
        if k >= ctx.toks.len() {
            break;
        }
        let parsed = ctx.digits_number_at(k).or_else(|| ctx.words_at(k));
        let Some(p) = parsed else {
            k += 1;
            continue;
        };
        if ctx.month_at_tok(p.end) {
            // "خمسه نوفمبر" or a number glued into a date.
            k = p.end;
            continue;
        }
        let before = ctx.marker_before(&p, floor);
        let after = if before.is_none() {
            ctx.marker_after(p.end)
        } else {
            None
        };
        let first = before.map_or(p.start, |(_, s)| s);
        let last = after.map_or(p.end, |(_, e)| e);
        let approx = before
            .map(|(a, _)| a)
            .or(after.map(|(a, _)| a))
            .unwrap_or(if p.vague {
                Approx::About
            } else {
                Approx::Exact
            });
        let range = ctx.toks[first].range.start..ctx.toks[last - 1].range.end;
        out.push(Quantity {
            value: p.value,
            approx,
            range,
        });
        k = last;
        floor = last;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The filters before the hash lookup let every number word through, bare or after a
    /// proclitic, and reject most other words.
    #[test]
    fn filters_pass_every_number_word() {
        let lex = lexicon();
        for w in lex.words.keys() {
            assert!(lex.may_be(w.as_bytes()), "{w}");
            assert!(lex.may_be_prefixed(w.as_bytes()), "{w}");
            for p in NUM_PREFIXES {
                let prefixed = format!("{p}{w}");
                assert!(lex.may_be_prefixed(prefixed.as_bytes()), "{prefixed}");
            }
        }
        // "ال...ين" of the length of "الملايين" cannot be told from it by shape.
        for w in ["الاشتباكات", "قوات", "مقتل", "السوري", "وبالمدينه"]
        {
            assert!(!lex.may_be_prefixed(w.as_bytes()), "{w}");
        }
        assert!(lex.may_be_prefixed("المسلحين".as_bytes()));
    }

    #[test]
    fn digit_groups() {
        assert_eq!(parse_digits("1,200"), Some(1200));
        assert_eq!(parse_digits("1.200"), Some(1200));
        assert_eq!(parse_digits("2.5"), None);
        assert_eq!(parse_decimal_scaled("1.5", 1_000_000), Some(1_500_000));
        assert_eq!(place(250), 100);
    }
}
