//! Paragraphs, sentences and clauses over normalized text.
//!
//! Event extraction reads one sentence (or clause) at a time, so the splitter errs towards
//! splitting: every line break ends a sentence, and so do "..", "…", "!" and "?".

use std::ops::Range;

use crate::token::{is_alphanumeric, space_alnum_at};

/// Trim whitespace from `r` in `s`; `None` when nothing meaningful (no letter or digit) remains.
/// Every paragraph, sentence and clause goes through this, so the chars are classified by table
/// ([`space_alnum_at`]) instead of `str::trim`, and the first char left mostly settles the
/// letter-or-digit test.
#[inline]
fn trimmed(s: &str, r: Range<usize>) -> Option<Range<usize>> {
    let bytes = s.as_bytes();
    let (mut start, mut end) = (r.start, r.end);
    let mut alnum = false;
    while start < end {
        let (space, is_alnum, n) = space_alnum_at(s, start);
        if !space {
            alnum = is_alnum;
            break;
        }
        start += n;
    }
    if start == end {
        return None;
    }
    // A non-space char is left at `start`, so the backward walk stops before reaching it.
    loop {
        let mut k = end - 1;
        while bytes[k] & 0xC0 == 0x80 {
            k -= 1;
        }
        if !space_alnum_at(s, k).0 {
            break;
        }
        end = k;
    }
    if !alnum && !s[start..end].chars().any(is_alphanumeric) {
        return None;
    }
    Some(start..end)
}

/// Lines of a normalized text (split at '\n'), trimmed; blank lines dropped. Ingest and dedup work
/// per paragraph, and news pages put one paragraph per line.
pub fn paragraphs(norm: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in memchr::memchr_iter(b'\n', norm.as_bytes()) {
        out.extend(trimmed(norm, start..i));
        start = i + 1;
    }
    out.extend(trimmed(norm, start..norm.len()));
    out
}

/// The next byte of a small set in a text, searched with `memchr` (SIMD) in groups of up to
/// three bytes. Each group's next hit is kept until the search passes it, so every byte is
/// scanned once per group however often the caller asks.
struct Finder<'a, const N: usize> {
    hay: &'a [u8],
    groups: [&'static [u8]; N],
    /// Per group: `None` before the first search, then the next hit (`usize::MAX`: none left).
    hits: [Option<usize>; N],
}

impl<'a, const N: usize> Finder<'a, N> {
    fn new(hay: &'a [u8], groups: [&'static [u8]; N]) -> Self {
        Finder {
            hay,
            groups,
            hits: [None; N],
        }
    }

    /// First position `>= from` holding a byte of one of the groups.
    #[inline]
    fn find(&mut self, from: usize) -> Option<usize> {
        let mut best = usize::MAX;
        for (group, hit) in self.groups.iter().zip(&mut self.hits) {
            let at = match *hit {
                Some(at) if at >= from => at,
                _ => {
                    let rest = self.hay.get(from..).unwrap_or_default();
                    let found = match **group {
                        [a] => memchr::memchr(a, rest),
                        [a, b] => memchr::memchr2(a, b, rest),
                        [a, b, c] => memchr::memchr3(a, b, c, rest),
                        _ => unreachable!("groups hold one to three bytes"),
                    };
                    let at = found.map_or(usize::MAX, |k| from + k);
                    *hit = Some(at);
                    at
                }
            };
            best = best.min(at);
        }
        (best != usize::MAX).then_some(best)
    }
}

#[inline]
fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…')
}

/// Sentences of a normalized text: split at '\n' and after runs of '.', '!', '?', '…' that are
/// followed by whitespace or the end (closing quotes/brackets right after the run stay in the
/// sentence). Dots inside numbers ("2017.5") do not split; "..", "..." and "…" split even when a
/// word follows directly, as headlines write "التنك..ماذا". Ranges are trimmed; ranges without
/// any letter or digit are dropped.
pub fn sentences(norm: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = norm.as_bytes();
    // Every char that matters is ASCII except '…' (E2 80 A6), so the scan is over bytes and
    // skips everything else without decoding it.
    let mut stops = Finder::new(bytes, [b".!?", b"\n\xE2"]);
    let mut i = 0;
    while let Some(k) = stops.find(i) {
        i = k;
        let c = norm[i..].chars().next().expect("char boundary");
        if c == '\n' {
            out.extend(trimmed(norm, start..i));
            start = i + 1;
            i += 1;
            continue;
        }
        if !is_terminator(c) {
            i += c.len_utf8();
            continue;
        }
        // Consume the whole run of terminators.
        let mut end = i + c.len_utf8();
        let mut dots = usize::from(c == '.');
        let mut ellipsis = c == '…';
        for d in norm[end..].chars() {
            if !is_terminator(d) {
                break;
            }
            dots += usize::from(d == '.');
            ellipsis |= d == '…';
            end += d.len_utf8();
        }
        ellipsis |= dots >= 2;
        let prev_digit = i > 0 && bytes[i - 1].is_ascii_digit();
        // Closing quotes/brackets directly after the run belong to this sentence.
        let mut after = end;
        while after < bytes.len() && matches!(bytes[after], b'"' | b')' | b']' | b'}') {
            after += 1;
        }
        let next = norm[after..].chars().next();
        let split = match next {
            None => true,
            Some(n) if n.is_whitespace() => true,
            Some(n) if n.is_ascii_digit() => ellipsis && !prev_digit,
            Some(_) => ellipsis,
        };
        if split {
            out.extend(trimmed(norm, start..after));
            start = after;
            // Skip the consumed closers.
            i = after;
        } else {
            i = end;
        }
    }
    out.extend(trimmed(norm, start..norm.len()));
    out
}

/// Clauses of one sentence: split at ',', ';', ':', parentheses/brackets and a spaced dash
/// (" - "), so that a victim count is read next to its own verb. Commas between digits ("1,200")
/// do not split. Ranges are trimmed; empty ones dropped.
pub fn clauses(norm: &str, sentence: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let end = sentence.end.min(norm.len());
    let begin = sentence.start.min(end);
    let bytes = norm.as_bytes();
    let mut start = begin;
    let mut i = begin;
    let mut candidates = Finder::new(&bytes[..end], [b",;:", b"()-", b"[]"]);
    while let Some(k) = candidates.find(i) {
        i = k;
        let b = bytes[i];
        let cut = match b {
            b',' => {
                !(i > begin
                    && bytes[i - 1].is_ascii_digit()
                    && i + 1 < end
                    && bytes[i + 1].is_ascii_digit())
            }
            b'-' => {
                (i == begin || bytes[i - 1] == b' ')
                    && (i + 1 >= end || bytes[i + 1] == b' ' || bytes[i + 1] == b'\n')
            }
            _ => true,
        };
        if cut {
            out.extend(trimmed(norm, start..i));
            start = i + 1;
        }
        i += 1;
    }
    out.extend(trimmed(norm, start..end));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `trimmed` as `str::trim` and `char::is_alphanumeric` define it.
    fn trimmed_by_str(s: &str, r: Range<usize>) -> Option<Range<usize>> {
        let slice = &s[r.clone()];
        let t = slice.trim_start();
        let start = r.start + (slice.len() - t.len());
        let t = t.trim_end();
        (!t.is_empty() && t.chars().any(char::is_alphanumeric)).then(|| start..start + t.len())
    }

    #[test]
    fn trimmed_matches_str_trim() {
        let texts = [
            "",
            " ",
            " \t\n\r\x0B\x0C ",
            "abc",
            "  قصف مدفعي  ",
            "\u{00A0}قصف\u{00A0}",
            "\u{2003}\u{3000}x\u{202F}\u{0085}",
            " ... ",
            " - «» ",
            "، قصف ،",
            "\u{2003}é\u{1680}",
            "ـ قصف",
        ];
        for text in texts {
            let bounds: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            for (a, &i) in bounds.iter().enumerate() {
                for &j in &bounds[a..] {
                    assert_eq!(
                        trimmed(text, i..j),
                        trimmed_by_str(text, i..j),
                        "{text:?} {i}..{j}"
                    );
                }
            }
        }
    }
}
