//! Strings from inputs made safe to print: file names in messages, titles and text on a
//! terminal or a page.
//!
//! A file name (or a title, or a text) may hold a newline, an ANSI escape or a bidi override:
//! printed raw, `a.txt\nmarsad: error: …` forges a message line, `\x1b[2J` clears the screen,
//! and `…U+202E gpj.exe` reads `…exe.jpg`. [`shown`] writes every such character as a visible
//! `\u{…}` escape instead: the C0 and C1 controls and DEL, the line and paragraph separators,
//! and the bidi formatting characters (embeddings, overrides, isolates, marks), except those
//! the caller keeps.

use std::borrow::Cow;

/// Characters [`shown`] escapes unless kept.
fn hostile(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
                | '\u{2028}' | '\u{2029}'
        )
}

/// `s` with every control, separator and bidi formatting character not in `keep` written as
/// `\u{hex}` (a backslash already in `s` is left alone: the result is for reading, not parsing).
pub fn shown<'a>(s: &'a str, keep: &[char]) -> Cow<'a, str> {
    if !s.chars().any(|c| hostile(c) && !keep.contains(&c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if hostile(c) && !keep.contains(&c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The right-to-left and left-to-right marks (and the Arabic letter mark): they only set the
/// direction of neighbouring neutral characters, cannot reverse a run, and Arabic titles use
/// them.
pub const BIDI_MARKS: [char; 3] = ['\u{200E}', '\u{200F}', '\u{061C}'];

/// A file name or origin for a message: nothing kept.
pub fn shown_name(s: &str) -> Cow<'_, str> {
    shown(s, &[])
}

/// A title (one line): bidi marks kept; overrides, embeddings, isolates and controls escaped.
pub fn shown_title(s: &str) -> Cow<'_, str> {
    shown(s, &BIDI_MARKS)
}

/// A text: as a title, newlines and tabs kept.
pub fn shown_text(s: &str) -> Cow<'_, str> {
    shown(
        s,
        &['\n', '\t', BIDI_MARKS[0], BIDI_MARKS[1], BIDI_MARKS[2]],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_characters_are_escaped() {
        assert!(matches!(shown_name("a.txt"), Cow::Borrowed(_)));
        assert!(matches!(shown_title("قصف الرقة\u{200F}"), Cow::Borrowed(_)));
        assert_eq!(
            shown_name("a\nmarsad: error: forged\x1b[31m.txt"),
            "a\\u{a}marsad: error: forged\\u{1b}[31m.txt"
        );
        assert_eq!(shown_title("photo\u{202E}gpj.exe"), "photo\\u{202e}gpj.exe");
        assert_eq!(
            shown_title("a\u{2066}b\u{2069}\u{9b}"),
            "a\\u{2066}b\\u{2069}\\u{9b}"
        );
        assert_eq!(shown_name("x\u{200F}"), "x\\u{200f}");
        assert_eq!(shown_text("a\n\tb\x07"), "a\n\tb\\u{7}");
    }
}
