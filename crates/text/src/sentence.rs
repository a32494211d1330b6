//! Paragraphs, sentences and clauses over normalized text.
//!
//! Event extraction reads one sentence (or clause) at a time, so the splitter errs towards
//! splitting: every line break ends a sentence, and so do "..", "…", "!" and "?".

use std::ops::Range;

/// Trim whitespace from `r` in `s`; `None` when nothing meaningful (no letter or digit) remains.
#[inline]
fn trimmed(s: &str, r: Range<usize>) -> Option<Range<usize>> {
    let slice = &s[r.clone()];
    let t = slice.trim_start();
    let start = r.start + (slice.len() - t.len());
    let t = t.trim_end();
    if t.is_empty() || !t.chars().any(char::is_alphanumeric) {
        return None;
    }
    Some(start..start + t.len())
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
    let stop = |b: u8| matches!(b, b'\n' | b'.' | b'!' | b'?' | 0xE2);
    let mut i = 0;
    while let Some(k) = bytes[i..].iter().position(|&b| stop(b)) {
        i += k;
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
    let candidate = |b: u8| matches!(b, b';' | b':' | b'(' | b')' | b'[' | b']' | b',' | b'-');
    while let Some(k) = bytes[i..end].iter().position(|&b| candidate(b)) {
        i += k;
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
