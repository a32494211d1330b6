//! One-pass Arabic normalization with a byte-offset map back to the original text.

use std::ops::Range;

/// A normalized copy of a text with a map back to the original's byte offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    /// The normalized text (see [`normalize`] for the rules).
    pub text: String,
    /// `map[i]` = byte offset in the original of the char that produced normalized byte `i`;
    /// `map[text.len()]` = original length. Non-decreasing.
    map: Vec<u32>,
    /// Original offsets where a run of deleted chars (diacritics, controls) starts right after a
    /// char that produced output. Sorted. Lets [`Normalized::original_range`] end a range at the
    /// end of the last producing char instead of swallowing the deleted marks after it.
    cuts: Vec<u32>,
}

impl Normalized {
    /// Original byte offset where normalized byte `i` comes from (`i == text.len()` allowed).
    #[inline]
    pub fn original_offset(&self, i: usize) -> usize {
        self.map[i.min(self.text.len())] as usize
    }

    /// Original byte range covering normalized range `r`: from the start of the char producing
    /// `r.start` to the end of the char producing the last byte of `r`. Always on char boundaries
    /// of the original.
    pub fn original_range(&self, r: Range<usize>) -> Range<usize> {
        let len = self.text.len();
        let start_n = r.start.min(len);
        let end_n = r.end.min(len);
        let start = self.map[start_n] as usize;
        if end_n <= start_n {
            return start..start;
        }
        let last = self.map[end_n - 1];
        // First normalized byte produced by a later original char (or the final entry).
        let mut j = end_n;
        while self.map[j] == last {
            j += 1;
        }
        let mut end = self.map[j];
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
    /// the original, e.g. repeated paragraphs found by ingest, into the normalized text).
    pub fn from_original(&self, orig: usize) -> usize {
        self.map.partition_point(|&o| (o as usize) < orig)
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
        // Zero-width, bidi controls, BOM, soft hyphen, word joiners.
        '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}'
        | '\u{00AD}'
        // The other default-ignorable code points: they are invisible and would split words.
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
        | '\u{E0000}'..='\u{E0FFF}' => Drop,
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

/// Drive the rules over `original`, calling `emit(orig_offset, out_char)` for every output char
/// and `drop(orig_offset)` for every deleted char. Shared by [`normalize`] and [`normalize_key`].
#[inline]
fn run<E: FnMut(usize, char), D: FnMut(usize)>(original: &str, mut emit: E, mut drop: D) {
    let bytes = original.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            // ASCII fast path.
            let out = match b {
                b'A'..=b'Z' => (b + 32) as char,
                b'\t' | b'\r' | 0x0B | 0x0C => ' ',
                b'\'' | b'`' => '"',
                _ => b as char,
            };
            emit(i, out);
            i += 1;
            continue;
        }
        if (0xD8..=0xDB).contains(&b) && i + 1 < bytes.len() {
            // Two-byte char of the Arabic block: decode by hand and use the table.
            let cp = ((u32::from(b) & 0x1F) << 6) | (u32::from(bytes[i + 1]) & 0x3F);
            let o = ARABIC[(cp - 0x0600) as usize];
            if o == '\0' {
                drop(i);
            } else {
                emit(i, o);
            }
            i += 2;
            continue;
        }
        // `i` is always on a char boundary.
        let c = original[i..].chars().next().expect("char boundary");
        match map_char(c) {
            Mapped::Same => emit(i, c),
            Mapped::Drop => drop(i),
            Mapped::One(o) => emit(i, o),
            // One char out: "İ" gives "i", not "i" + combining dot.
            Mapped::Lower => emit(i, c.to_lowercase().next().unwrap_or(c)),
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
                if any {
                    buf[..n].iter().for_each(|&o| emit(i, o));
                } else {
                    drop(i);
                }
            }
        }
        i += c.len_utf8();
    }
}

/// Normalize for matching, keeping an offset map back to `original`.
///
/// Every later stage matches on this text, so all spelling variants that writers use for the same
/// word must collapse here: diacritics, tatweel and invisible controls are deleted; alef, yeh,
/// teh marbuta, hamza seats and Persian look-alikes are unified; Arabic-Indic digits become ASCII;
/// presentation forms become base letters; quotes become `"`, Arabic punctuation and dashes
/// become ASCII; whitespace other than `'\n'` becomes `' '` (runs are kept, so the map stays
/// simple); Latin letters are lowercased. Idempotent.
///
/// # Panics
/// If `original` is 4 GiB or longer (offsets are stored as `u32`).
pub fn normalize(original: &str) -> Normalized {
    assert!(
        original.len() < u32::MAX as usize,
        "text too long to normalize"
    );
    let mut text = String::with_capacity(original.len());
    let mut map: Vec<u32> = Vec::with_capacity(original.len() + 1);
    let mut cuts: Vec<u32> = Vec::new();
    // Whether the previous original char was deleted (a cut is recorded at the start of a run;
    // deletions at the very start need none).
    let prev_dropped = std::cell::Cell::new(true);
    run(
        original,
        |i, o| {
            text.push(o);
            map.extend(std::iter::repeat_n(i as u32, o.len_utf8()));
            prev_dropped.set(false);
        },
        |i| {
            if !prev_dropped.get() {
                cuts.push(i as u32);
            }
            prev_dropped.set(true);
        },
    );
    map.push(original.len() as u32);
    Normalized { text, map, cuts }
}

/// Normalize a knowledge-base entry or query: the [`normalize`] rules, then trimmed, with every
/// whitespace run (newlines included) collapsed to one space, so keys compare with `==`.
pub fn normalize_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    run(
        s,
        |_, o| {
            if o == ' ' || o == '\n' {
                pending_space = !out.is_empty();
            } else {
                if pending_space {
                    out.push(' ');
                    pending_space = false;
                }
                out.push(o);
            }
        },
        |_| {},
    );
    out
}
