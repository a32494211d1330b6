//! One-pass Arabic normalization with a byte-offset map back to the original text.

use std::borrow::Cow;
use std::ops::Range;

/// A normalized copy of a text with a map back to the original's byte offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    /// The normalized text (see [`normalize`] for the rules).
    pub text: String,
    /// The offset map, `map(i)` = byte offset in the original of the char that produced
    /// normalized byte `i` (`map(text.len())` = original length; non-decreasing), stored as the
    /// pieces where it follows one rule, sorted by `norm`: most of a text is copied char for char
    /// (or changed into a char of the same length), so a piece covers a whole stretch between two
    /// deletions or length changes, instead of one entry per byte.
    pieces: Vec<Piece>,
    /// Length of the original.
    original_len: u32,
    /// Original offsets where a run of deleted chars (diacritics, controls) starts right after a
    /// char that produced output. Sorted. Lets [`Normalized::original_range`] end a range at the
    /// end of the last producing char instead of swallowing the deleted marks after it.
    cuts: Vec<u32>,
}

/// A stretch of the normalized text from byte `norm` to the next piece (or the end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    norm: u32,
    orig: u32,
    /// All bytes map to `orig` (one original char expanded into several). Otherwise the piece is
    /// aligned: each char has the length of the original char it came from and the original
    /// chars are contiguous, so a byte maps to `orig` + (start of its char − `norm`).
    expanded: bool,
}

impl Normalized {
    /// The piece holding normalized byte `i` (`i < text.len()`) and the end of that piece.
    #[inline]
    fn piece(&self, i: usize) -> (Piece, usize) {
        let k = self.pieces.partition_point(|p| p.norm as usize <= i) - 1;
        let end = self
            .pieces
            .get(k + 1)
            .map_or(self.text.len(), |p| p.norm as usize);
        (self.pieces[k], end)
    }

    /// Start of the char holding byte `i` of the normalized text.
    #[inline]
    fn char_start(&self, mut i: usize) -> usize {
        while !self.text.is_char_boundary(i) {
            i -= 1;
        }
        i
    }

    /// Original byte offset where normalized byte `i` comes from (`i == text.len()` allowed).
    #[inline]
    pub fn original_offset(&self, i: usize) -> usize {
        if i >= self.text.len() {
            return self.original_len as usize;
        }
        let (p, _) = self.piece(i);
        if p.expanded {
            p.orig as usize
        } else {
            p.orig as usize + (self.char_start(i) - p.norm as usize)
        }
    }

    /// Original byte range covering normalized range `r`: from the start of the char producing
    /// `r.start` to the end of the char producing the last byte of `r`. Always on char boundaries
    /// of the original.
    pub fn original_range(&self, r: Range<usize>) -> Range<usize> {
        let len = self.text.len();
        let start_n = r.start.min(len);
        let end_n = r.end.min(len);
        let start = self.original_offset(start_n);
        if end_n <= start_n {
            return start..start;
        }
        let last = self.original_offset(end_n - 1) as u32;
        // First normalized byte produced by a later original char (or the end): the end of the
        // piece of an expanded char, else the next char.
        let (p, piece_end) = self.piece(end_n - 1);
        let j = if p.expanded {
            piece_end
        } else {
            let mut j = end_n;
            while !self.text.is_char_boundary(j) {
                j += 1;
            }
            j
        };
        let mut end = self.original_offset(j) as u32;
        // A run of deleted chars right after `last` starts where `last` ends.
        let k = self.cuts.partition_point(|&c| c <= last);
        if let Some(&cut) = self.cuts.get(k) {
            if cut < end {
                end = cut;
            }
        }
        start..(end as usize).max(start)
    }

    /// Smallest normalized offset whose original offset is `>= orig` (for mapping ranges known in
    /// the original, e.g. repeated paragraphs found by ingest, into the normalized text);
    /// `text.len() + 1` past the original's end.
    pub fn from_original(&self, orig: usize) -> usize {
        let len = self.text.len();
        if orig > self.original_len as usize {
            return len + 1;
        }
        // The first piece starting at or after `orig`; the answer is there or in the piece
        // before it.
        let k = self.pieces.partition_point(|p| (p.orig as usize) < orig);
        let next = self.pieces.get(k).map_or(len, |p| p.norm as usize);
        let Some(prev) = k.checked_sub(1).map(|k| self.pieces[k]) else {
            return next;
        };
        if prev.expanded {
            return next;
        }
        // Aligned: original and normalized offsets advance together.
        let mut j = prev.norm as usize + (orig - prev.orig as usize);
        if j >= next {
            return next;
        }
        while !self.text.is_char_boundary(j) {
            j += 1;
        }
        j.min(next)
    }
}

/// What one original char becomes.
enum Mapped {
    /// Passes through unchanged.
    Same,
    /// Deleted (diacritics, tatweel, invisible controls).
    Drop,
    /// Replaced by one char.
    One(char),
    /// Presentation form: expand by compatibility decomposition, then apply the rules again.
    Compat,
    /// Uppercase non-ASCII letter: lowercase (first char of the lowercase mapping).
    Lower,
}

/// Rules for the Arabic block U+0600–U+06FF, indexed by `cp - 0x0600`: the output char, the char
/// itself when it passes through, or `'\0'` when it is deleted. The hot path of Arabic text.
static ARABIC: [char; 256] = build_arabic();

const fn build_arabic() -> [char; 256] {
    let mut t = ['\0'; 256];
    let mut i = 0;
    while i < 256 {
        let cp = 0x0600 + i as u32;
        let out: u32 = match cp {
            // Diacritics, Quranic marks, tatweel, Arabic letter mark.
            0x064B..=0x065F | 0x0670 | 0x0610..=0x061A | 0x06D6..=0x06ED | 0x0640 | 0x061C => 0,
            // Alef variants: آ أ إ ٱ ٲ ٳ ٵ.
            0x0622 | 0x0623 | 0x0625 | 0x0671 | 0x0672 | 0x0673 | 0x0675 => 0x0627,
            // ى ی ئ → ي.
            0x0649 | 0x06CC | 0x0626 => 0x064A,
            // ؤ → و.
            0x0624 => 0x0648,
            // ة ہ ھ ۀ → ه.
            0x0629 | 0x06C1 | 0x06BE | 0x06C0 => 0x0647,
            // ک → ك.
            0x06A9 => 0x0643,
            // Arabic-Indic and Persian digits.
            0x0660..=0x0669 => cp - 0x0660 + b'0' as u32,
            0x06F0..=0x06F9 => cp - 0x06F0 + b'0' as u32,
            // ، ٬ → ,   ؛ → ;   ؟ → ?   ۔ ٫ → .   ٪ → %
            0x060C | 0x066C => b',' as u32,
            0x061B => b';' as u32,
            0x061F => b'?' as u32,
            0x06D4 | 0x066B => b'.' as u32,
            0x066A => b'%' as u32,
            _ => cp,
        };
        t[i] = match char::from_u32(out) {
            Some(c) => c,
            None => '\0',
        };
        i += 1;
    }
    t
}

/// Whether [`ARABIC`] leaves each char of the Arabic block unchanged, by `cp - 0x0600`: the test
/// [`unchanged_run`] makes on nearly every char of a text.
static ARABIC_SAME: [bool; 256] = {
    let rules = build_arabic();
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = rules[i] as u32 == 0x0600 + i as u32;
        i += 1;
    }
    t
};

/// Whether [`map_ascii`] leaves each ASCII byte unchanged.
static ASCII_SAME: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 128 {
        t[b as usize] = map_ascii(b) == b;
        b += 1;
    }
    t
};

/// A character that is invisible in text and dropped by normalization: zero-width chars, bidi
/// controls, the BOM, the soft hyphen, word joiners and the other default-ignorable code points.
/// Text shown from the original (a place name as written) leaves them out too.
#[inline]
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
            '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
            | '\u{00AD}'
            | '\u{034F}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{206A}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FFA0}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// The per-char rule table. Keep outputs fixed points of the rules (idempotence).
#[inline]
fn map_char(c: char) -> Mapped {
    use Mapped::*;
    let cp = c as u32;
    if (0x0600..=0x06FF).contains(&cp) {
        return match ARABIC[(cp - 0x0600) as usize] {
            '\0' => Drop,
            o if o == c => Same,
            o => One(o),
        };
    }
    match c {
        // Zero-width, bidi controls, BOM, soft hyphen, word joiners and the other
        // default-ignorable code points.
        c if is_invisible(c) => Drop,
        // Quotes.
        '«' | '»' | '“' | '”' | '„' | '‟' | '″' | '‘' | '’' | '‚' | '‛' | '`' | '\'' | '´'
        | '＂' | '＇' | '‹' | '›' => One('"'),
        '–' | '—' | '‒' | '―' | '‐' | '‑' | '−' => One('-'),
        // Line and paragraph separators keep their paragraph-break meaning.
        '\u{2028}' | '\u{2029}' | '\u{0085}' => One('\n'),
        '\n' | ' ' => Same,
        c if c.is_whitespace() => One(' '),
        'A'..='Z' => One(c.to_ascii_lowercase()),
        c if c.is_ascii() => Same,
        '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFE}' => Compat,
        c if c.is_uppercase() => Lower,
        _ => Same,
    }
}

/// Receives the result of the rules, char by char.
trait Sink {
    /// Original char at byte `i` produced `out`.
    fn emit(&mut self, i: usize, out: char);
    /// Original char at byte `i` produced several chars.
    fn expand(&mut self, i: usize, out: &[char]) {
        out.iter().for_each(|&o| self.emit(i, o));
    }
    /// Original char at byte `i` was deleted.
    fn drop(&mut self, i: usize);
}

/// The ASCII rules (the hot path of Latin text, digits and punctuation).
#[inline]
const fn map_ascii(b: u8) -> u8 {
    match b {
        b'A'..=b'Z' => b + 32,
        b'\t' | b'\r' | 0x0B | 0x0C => b' ',
        b'\'' | b'`' => b'"',
        _ => b,
    }
}

/// Apply the rules to the char starting at byte `i` of `original` (a char boundary), reporting
/// to `sink`; returns the char's length. Shared by [`normalize`] and [`normalize_key`].
#[inline]
fn rule_at(original: &str, i: usize, sink: &mut impl Sink) -> usize {
    let bytes = original.as_bytes();
    let b = bytes[i];
    if b < 0x80 {
        sink.emit(i, map_ascii(b) as char);
        return 1;
    }
    if (0xD8..=0xDB).contains(&b) {
        // Two-byte char of the Arabic block: decode by hand and use the table.
        let cp = ((u32::from(b) & 0x1F) << 6) | (u32::from(bytes[i + 1]) & 0x3F);
        match ARABIC[(cp - 0x0600) as usize] {
            '\0' => sink.drop(i),
            o => sink.emit(i, o),
        }
        return 2;
    }
    let c = original[i..].chars().next().expect("char boundary");
    match map_char(c) {
        Mapped::Same => sink.emit(i, c),
        Mapped::Drop => sink.drop(i),
        Mapped::One(o) => sink.emit(i, o),
        // One char out: "İ" gives "i", not "i" + combining dot.
        Mapped::Lower => sink.emit(i, c.to_lowercase().next().unwrap_or(c)),
        Mapped::Compat => {
            let mut any = false;
            let mut buf = ['\0'; 24];
            let mut n = 0;
            unicode_normalization::char::decompose_compatible(c, |d| {
                let o = match map_char(d) {
                    Mapped::Same => Some(d),
                    Mapped::One(o) => Some(o),
                    Mapped::Drop => None,
                    // Decompositions contain no presentation forms or capitals; be safe.
                    Mapped::Compat | Mapped::Lower => Some(d),
                };
                if let Some(o) = o {
                    if n < buf.len() {
                        buf[n] = o;
                        n += 1;
                    }
                    any |= o != ' ';
                }
            });
            // Isolated diacritic forms decompose to space + mark: drop them entirely.
            if !any {
                sink.drop(i);
            } else if n == 1 {
                sink.emit(i, buf[0]);
            } else {
                sink.expand(i, &buf[..n]);
            }
        }
    }
    c.len_utf8()
}

/// End of the run of chars from byte `i` (a char boundary) that the rules leave unchanged (the
/// common case: most Arabic letters, spaces, digits, punctuation). Only the Arabic-block and ASCII
/// fast paths are taken, Arabic first as it is most of a text; other chars end the run and take
/// [`rule_at`]. Not inlined: on its own, the loop keeps the text in registers.
#[inline(never)]
fn unchanged_run(bytes: &[u8], mut i: usize) -> usize {
    while let Some(&b) = bytes.get(i) {
        if b & 0xFC == 0xD8 {
            // A char of the Arabic block: `cp - 0x0600` is the low two bits of the lead byte and
            // the low six of the next.
            match bytes.get(i + 1) {
                Some(&c) if ARABIC_SAME[(usize::from(b & 0x03) << 6) | usize::from(c & 0x3F)] => {
                    i += 2
                }
                _ => break,
            }
        } else if b < 0x80 && ASCII_SAME[usize::from(b)] {
            i += 1;
        } else {
            break;
        }
    }
    i
}

/// Builds a [`Normalized`]: unchanged runs of the original are copied whole, other chars go
/// through [`rule_at`].
struct Builder {
    text: String,
    pieces: Vec<Piece>,
    cuts: Vec<u32>,
    /// The last piece is aligned and its next char may extend it.
    open: bool,
    /// Whether the previous original char was deleted (a cut is recorded at the start of a run;
    /// deletions at the very start need none).
    prev_dropped: bool,
}

impl Builder {
    /// Make the output from here on map to original offset `i`, char for char: extend the last
    /// piece when it is aligned and ends at `i`, else start a piece.
    #[inline]
    fn align(&mut self, i: usize) {
        let n = self.text.len();
        if let Some(p) = self.pieces.last().filter(|_| self.open) {
            if i - p.orig as usize == n - p.norm as usize {
                return;
            }
        }
        self.pieces.push(Piece {
            norm: n as u32,
            orig: i as u32,
            expanded: false,
        });
        self.open = true;
    }

    /// Copy `original[run]`, which the rules leave unchanged.
    fn copy(&mut self, original: &str, run: Range<usize>) {
        if run.is_empty() {
            return;
        }
        self.align(run.start);
        self.text.push_str(&original[run]);
        self.prev_dropped = false;
    }
}

/// Length of the UTF-8 char whose first byte is `b`.
#[inline]
fn utf8_len(b: u8) -> usize {
    match b {
        0..0x80 => 1,
        0xC0..0xE0 => 2,
        0xE0..0xF0 => 3,
        _ => 4,
    }
}

impl Builder {
    /// [`Sink::emit`], with the original char's first byte at hand.
    #[inline]
    fn emit_char(&mut self, i: usize, first_byte: u8, out: char) {
        self.align(i);
        self.text.push(out);
        // A char of another length ends the alignment after it.
        self.open = out.len_utf8() == utf8_len(first_byte);
        self.prev_dropped = false;
    }
}

/// [`Builder`] over the original text it reads.
struct Output<'a> {
    b: Builder,
    original: &'a [u8],
}

impl Sink for Output<'_> {
    #[inline]
    fn emit(&mut self, i: usize, out: char) {
        self.b.emit_char(i, self.original[i], out);
    }

    fn expand(&mut self, i: usize, out: &[char]) {
        let b = &mut self.b;
        b.pieces.push(Piece {
            norm: b.text.len() as u32,
            orig: i as u32,
            expanded: true,
        });
        b.text.extend(out);
        b.open = false;
        b.prev_dropped = false;
    }

    #[inline]
    fn drop(&mut self, i: usize) {
        let b = &mut self.b;
        if !b.prev_dropped {
            b.cuts.push(i as u32);
        }
        b.prev_dropped = true;
    }
}

/// Normalize for matching, keeping an offset map back to `original`.
///
/// Every later stage matches on this text, so all spelling variants that writers use for the same
/// word must collapse here: diacritics, tatweel and invisible controls are deleted; alef, yeh,
/// teh marbuta, hamza seats and Persian look-alikes are unified; Arabic-Indic digits become ASCII;
/// presentation forms become base letters; quotes become `"`, Arabic punctuation and dashes
/// become ASCII; whitespace other than `'\n'` becomes `' '` (runs are kept, so the map stays
/// simple), except the space before a lone "ا" that ends a word ("شخص ا" reads "شخصا", see
/// `join_broken_tanwin`); Latin letters are lowercased. Idempotent.
///
/// # Panics
/// If `original` is 4 GiB or longer (offsets are stored as `u32`).
pub fn normalize(original: &str) -> Normalized {
    assert!(
        original.len() < u32::MAX as usize,
        "text too long to normalize"
    );
    let bytes = original.as_bytes();
    let mut out = Output {
        b: Builder {
            text: String::with_capacity(original.len()),
            pieces: Vec::new(),
            cuts: Vec::new(),
            open: false,
            prev_dropped: true,
        },
        original: bytes,
    };
    let mut i = 0;
    loop {
        let end = unchanged_run(bytes, i);
        out.b.copy(original, i..end);
        if end == bytes.len() {
            break;
        }
        i = end + rule_at(original, end, &mut out);
    }
    let b = out.b;
    let n = Normalized {
        text: b.text,
        pieces: b.pieces,
        original_len: original.len() as u32,
        cuts: b.cuts,
    };
    join_broken_tanwin(n)
}

/// Whether `c` is an Arabic letter (hamza to yeh, tatweel aside). A range test: for these
/// letters `char::is_alphabetic` walks a table.
pub fn is_arabic_letter(c: char) -> bool {
    ('\u{621}'..='\u{64A}').contains(&c) && c != '\u{640}'
}

/// Whether `b` starts with an Arabic letter (hamza to yeh, tatweel aside).
fn starts_with_arabic_letter(b: &[u8]) -> bool {
    matches!(b, &[l, c, ..] if l & 0xFE == 0xD8 && {
        let cp = (u32::from(l & 0x1F) << 6) | u32::from(c & 0x3F);
        (0x0621..=0x064A).contains(&cp) && cp != 0x0640
    })
}

/// "شخص ا", "قصف ا جوي ا": pages that lost the fatha of the tanwin split its alif from the word.
/// No Arabic word is a lone "ا", so the space before one that ends a word of two letters or more
/// (a space, a newline or the end after it, and no letter spelled alone, as in "ا ف ب") is
/// dropped and the word reads whole ("شخصا"). Runs on the normalized text, so that normalizing
/// again changes nothing; the dropped space becomes a deleted char of the map.
fn join_broken_tanwin(n: Normalized) -> Normalized {
    let bytes = n.text.as_bytes();
    let letter_at = |at: usize| bytes.get(at..).is_some_and(starts_with_arabic_letter);
    let mut drops: Vec<usize> = Vec::new();
    // The lone alif is followed by a space, a newline or the end of the text: pages that split
    // the tanwin also space out punctuation. Searched as such, it is rare; " ا" alone starts
    // every word with the article.
    static FINDERS: std::sync::LazyLock<[memchr::memmem::Finder<'static>; 2]> =
        std::sync::LazyLock::new(|| {
            [" \u{627} ", " \u{627}\n"].map(|p| memchr::memmem::Finder::new(p.as_bytes()))
        });
    let mut found: Vec<usize> = FINDERS.iter().flat_map(|f| f.find_iter(bytes)).collect();
    if bytes.ends_with(" \u{627}".as_bytes()) {
        found.push(bytes.len() - 3);
    }
    if found.is_empty() {
        return n;
    }
    found.sort_unstable();
    for i in found {
        // The two chars before the space. No space dropped earlier sits among them: a lone
        // alif followed by " ا " or " ا" at the end is spelled apart and stays.
        let joins = i >= 4
            && letter_at(i - 2)
            && letter_at(i - 4)
            && !(bytes.get(i + 3) == Some(&b' ') && letter_at(i + 4) && !letter_at(i + 6));
        if joins {
            drops.push(i);
        }
    }
    n.without_spaces_at(&drops)
}

impl Normalized {
    /// The text with the single spaces at normalized byte offsets `at` (sorted) dropped, the
    /// offset map kept: each dropped space becomes a deleted char of the original. Offsets that
    /// hold no space, or whose space came out of a char that expanded, are left as they are.
    /// For words a page split apart ("ق تل", "السوري ة"), joined by a caller that knows them.
    #[must_use]
    pub fn without_spaces_at(self, at: &[usize]) -> Normalized {
        let n = self;
        let mut drops: Vec<usize> = at
            .iter()
            .copied()
            .filter(|&i| n.text.as_bytes().get(i) == Some(&b' ') && !n.piece(i).0.expanded)
            .collect();
        drops.sort_unstable();
        drops.dedup();
        if drops.is_empty() {
            return n;
        }
        // The pieces with the dropped spaces cut out: a piece holding one splits after it.
        let mut pieces = Vec::with_capacity(n.pieces.len() + drops.len());
        let mut cuts = n.cuts;
        let mut d = 0;
        for (k, p) in n.pieces.iter().enumerate() {
            let end = n
                .pieces
                .get(k + 1)
                .map_or(n.text.len(), |q| q.norm as usize);
            let mut start = p.norm as usize;
            let mut orig = p.orig;
            while start < end {
                let next_drop = drops.get(d).copied().filter(|&x| x < end);
                let stop = next_drop.unwrap_or(end);
                if stop > start {
                    pieces.push(Piece {
                        norm: (start - d) as u32,
                        orig,
                        expanded: p.expanded,
                    });
                }
                let Some(x) = next_drop else { break };
                // Aligned pieces only (checked above): the space is one byte of the original.
                let space = p.orig + (x - p.norm as usize) as u32;
                cuts.push(space);
                d += 1;
                start = x + 1;
                orig = space + 1;
            }
        }
        cuts.sort_unstable();
        cuts.dedup();
        // The text without the dropped spaces (ASCII: cutting at them keeps char boundaries).
        let mut text = String::with_capacity(n.text.len());
        let mut from = 0;
        for &x in &drops {
            text.push_str(&n.text[from..x]);
            from = x + 1;
        }
        text.push_str(&n.text[from..]);
        Normalized {
            text,
            pieces,
            original_len: n.original_len,
            cuts,
        }
    }
}

/// Normalize a knowledge-base entry or query: the [`normalize`] rules, then trimmed, with every
/// whitespace run (newlines included) collapsed to one space, so keys compare with `==`.
pub fn normalize_key(s: &str) -> String {
    /// Collects the output, collapsing whitespace runs.
    struct Key {
        out: String,
        pending_space: bool,
    }
    impl Sink for Key {
        fn emit(&mut self, _: usize, o: char) {
            if o == ' ' || o == '\n' {
                self.pending_space = !self.out.is_empty();
            } else {
                if self.pending_space {
                    self.out.push(' ');
                    self.pending_space = false;
                }
                self.out.push(o);
            }
        }
        fn drop(&mut self, _: usize) {}
    }
    let mut key = Key {
        out: String::with_capacity(s.len()),
        pending_space: false,
    };
    // Most keys are made of text normalized already (words of a document): the runs the rules
    // leave unchanged are copied a word at a time, split at the spaces and newlines the key
    // collapses, instead of going through the rules char by char.
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < s.len() {
        let end = unchanged_run(bytes, i);
        let mut run = &s[i..end];
        loop {
            // Spaces and newlines are ASCII: cutting at their bytes keeps char boundaries.
            let cut = run.bytes().position(|b| b == b' ' || b == b'\n');
            let word = &run[..cut.unwrap_or(run.len())];
            if !word.is_empty() {
                if key.pending_space {
                    key.out.push(' ');
                    key.pending_space = false;
                }
                key.out.push_str(word);
            }
            let Some(k) = cut else { break };
            key.pending_space = !key.out.is_empty();
            run = &run[k + 1..];
        }
        if end == s.len() {
            break;
        }
        i = end + rule_at(s, end, &mut key);
    }
    if key.out.contains(" \u{627} ") || key.out.ends_with(" \u{627}") {
        // A word's alif split from it ("شخص ا"): joined as `normalize` joins it, before the
        // whitespace runs are collapsed.
        let n = normalize(s);
        return n.text.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    key.out
}

/// [`normalize_key`] of `s`, a slice of normalized text (the output of [`normalize`]): the rules
/// leave such text unchanged (their outputs are fixed points), so the key is `s` itself unless a
/// whitespace run must be collapsed or trimmed. Borrowed then: the place checks of a document make
/// keys of tens of thousands of its words, and copying each cost more than the checks.
pub fn normalized_key(s: &str) -> Cow<'_, str> {
    let b = s.as_bytes();
    let spaced = |c: &u8| *c == b' ' || *c == b'\n';
    let as_is = b.first().is_none_or(|c| !spaced(c))
        && b.last().is_none_or(|c| !spaced(c))
        && !b.contains(&b'\n')
        && !b.windows(2).any(|w| w == b"  ")
        // A lone "ا" left apart in the text by what followed it (`join_broken_tanwin`) may join
        // the word before it once the slice ends there.
        && !s.ends_with(" \u{627}");
    if as_is {
        debug_assert_eq!(normalize_key(s), s, "not normalized text");
        Cow::Borrowed(s)
    } else {
        Cow::Owned(normalize_key(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tables of the fast path say "unchanged" exactly where the rules leave a char as is.
    #[test]
    fn fast_path_tables_agree_with_the_rules() {
        for b in 0..0x80u8 {
            assert_eq!(ASCII_SAME[usize::from(b)], map_ascii(b) == b, "byte {b:#x}");
        }
        for k in 0..256u32 {
            let c = char::from_u32(0x0600 + k).unwrap();
            assert_eq!(
                ARABIC_SAME[k as usize],
                matches!(map_char(c), Mapped::Same),
                "{c:?}"
            );
        }
    }

    /// [`normalize_key`] gives what the rules applied char by char give, with whitespace runs
    /// collapsed and the ends trimmed, on text with and without chars the rules change.
    #[test]
    fn normalize_key_copies_unchanged_runs_as_the_rules_would() {
        fn by_char(s: &str) -> String {
            let mut out = String::new();
            let mut pending = false;
            let mut i = 0;
            while i < s.len() {
                let c = s[i..].chars().next().unwrap();
                let mut one = normalize(&s[i..i + c.len_utf8()]).text;
                // A char normalized alone: its output (one char, several, or none).
                for o in one.drain(..) {
                    if o == ' ' || o == '\n' {
                        pending = !out.is_empty();
                    } else {
                        if pending {
                            out.push(' ');
                            pending = false;
                        }
                        out.push(o);
                    }
                }
                i += c.len_utf8();
            }
            out
        }
        let cases = [
            "",
            " ",
            "\n \n",
            "الجيش",
            "  الجيش  الحر \n",
            "قصفً  أمس\tاليوم",
            "ﻻ إله",
            "مدينة\u{200B}حلب ",
            "ABC  def\n\nghi",
            "«حماة» ١٢ ",
            "\t الرقة",
        ];
        for s in cases {
            assert_eq!(normalize_key(s), by_char(s), "{s:?}");
        }
        assert_eq!(normalize_key("  قرية   كبينة \n"), "قريه كبينه");
    }

    /// A run stops at the first char the rules change, whatever its length in bytes.
    #[test]
    fn unchanged_run_stops_at_changes() {
        let cases = [
            ("abc", 3),
            ("ab\tc", 2),
            ("abC", 2),
            ("الجيش", 10),
            ("الجيشة", 10),
            ("قصف أمس", 7),
            ("قصفً", 6),
            ("é", 0),
            ("ab«", 2),
            ("ab١", 2),
            ("", 0),
        ];
        for (s, end) in cases {
            assert_eq!(unchanged_run(s.as_bytes(), 0), end, "{s:?}");
        }
        assert_eq!(unchanged_run("xقصف أمس".as_bytes(), 1), 8);
    }

    /// "قتل 26 شخص ا , بينهم": the alif of the accusative split from its word by the page is
    /// joined back and the offsets still point into the original; a word that starts with alif,
    /// letters spelled one by one and a one-letter word stay apart.
    #[test]
    fn broken_tanwin_is_joined() {
        let original = "قتل 26 شخص ا , وشن قصف ا جوي ا .\nجوي ا";
        let n = normalize(original);
        assert_eq!(n.text, "قتل 26 شخصا , وشن قصفا جويا .\nجويا");
        for word in ["شخصا", "قصفا", "جويا", "وشن", "."] {
            let at = n.text.find(word).unwrap();
            let back = &original[n.original_range(at..at + word.len())];
            assert_eq!(back.replace(' ', ""), word, "{word}");
        }
        // The dropped space maps to nothing: a range ending at the word before it stops there.
        let at = n.text.find("شخص").unwrap();
        assert_eq!(&original[n.original_range(at..at + "شخص".len())], "شخص");
        assert_eq!(
            normalize("ﻻ ﺍ«قق").text,
            normalize(&normalize("ﻻ ﺍ«قق").text).text
        );
        // Only before a space, a newline or the end: pages that split the tanwin space out
        // punctuation too ("جوي ا ."), and a letter glued to punctuation is something else.
        for keep in [
            "و ابن عمه",
            "قال ا ف ب",
            "ا لمدينة",
            "26 ا",
            "ص ا",
            "نص اب",
            "جوي ا.",
        ] {
            let words = normalize(keep).text.split(' ').count();
            assert_eq!(words, keep.split(' ').count(), "{keep:?}");
        }
        assert_eq!(normalize(&n.text).text, n.text, "idempotent");
    }

    /// "ق تل", "السوري ة": spaces a caller drops (`without_spaces_at`) join the word and keep
    /// the map into the original; offsets that hold no space are ignored.
    #[test]
    fn spaces_dropped_by_a_caller_keep_the_map() {
        let original = "وقد ق تل 3 من القوات السوري ة أمس";
        let n = normalize(original);
        let q = n.text.find("ق تل").unwrap() + "ق".len();
        let h = n.text.find("السوري ه").unwrap() + "السوري".len();
        let n = n.without_spaces_at(&[h, q, q, 0]);
        assert_eq!(n.text, "وقد قتل 3 من القوات السوريه امس");
        for word in ["قتل", "السوريه", "امس", "3"] {
            let at = n.text.find(word).unwrap();
            let back = &original[n.original_range(at..at + word.len())];
            assert_eq!(normalize_key(&back.replace(' ', "")), word, "{word}");
        }
        assert_eq!(
            n.from_original(original.find("أمس").unwrap()),
            n.text.find("امس").unwrap()
        );
    }
}
