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
    let mut iter = norm.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if c == '\n' {
            out.extend(trimmed(norm, start..i));
            start = i + 1;
            continue;
        }
        if !is_terminator(c) {
            continue;
        }
        // Consume the whole run of terminators.
        let mut end = i + c.len_utf8();
        let mut dots = usize::from(c == '.');
        let mut ellipsis = c == '…';
        while let Some(&(j, d)) = iter.peek() {
            if !is_terminator(d) {
                break;
            }
            dots += usize::from(d == '.');
            ellipsis |= d == '…';
            end = j + d.len_utf8();
            iter.next();
        }
        ellipsis |= dots >= 2;
        let prev_digit = norm[..i]
            .chars()
            .next_back()
            .is_some_and(|p| p.is_ascii_digit());
        // Closing quotes/brackets directly after the run belong to this sentence.
        let mut after = end;
        for d in norm[end..].chars() {
            if matches!(d, '"' | ')' | ']' | '}') {
                after += d.len_utf8();
            } else {
                break;
            }
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
            while iter.peek().is_some_and(|&(j, _)| j < after) {
                iter.next();
            }
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
    while i < end {
        let b = bytes[i];
        let cut = match b {
            b';' | b':' | b'(' | b')' | b'[' | b']' => true,
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
            _ => false,
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
