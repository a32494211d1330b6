//! Aho-Corasick automata over normalized patterns, with the word-boundary and proclitic rules.
//!
//! A match counts when it ends at a word boundary (or, for a pattern ending in `*`, is extended to
//! the end of the word) and starts at a word start or right after a proclitic sequence that starts
//! the word (و ف ب ل ك وب ول فب فل وك فك). For a pattern beginning with "ال" an extra "لل" form is
//! searched ("للتنظيم" = ل + التنظيم), accepted at word start or after و/ف.

use crate::model::{Entity, Mention};
use aho_corasick::{AhoCorasick, MatchKind};
use std::collections::HashMap;
use std::ops::Range;

use marsad_text::is_word_char;

/// Proclitic sequences accepted before a name.
const PROCLITICS: &[&str] = &["و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك", "فك"];
/// Proclitics accepted before the "لل" contraction.
const LIL_PROCLITICS: &[&str] = &["و", "ف"];

#[derive(Debug, Clone, Copy)]
pub(crate) struct Target {
    pub entity: Entity,
    pub anaphor: bool,
    /// Lower wins when two targets cover the same span.
    pub priority: u8,
    /// The key is the "لل" form of an "ال" pattern.
    pub lil: bool,
    /// The last word may continue.
    pub star: bool,
}

/// One automaton with its targets per pattern.
#[derive(Debug, Clone, Default)]
pub(crate) struct Group {
    ac: Option<AhoCorasick>,
    targets: Vec<Vec<Target>>,
}

/// A boundary-checked match.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    pub prefix: Range<usize>,
    pub range: Range<usize>,
    pub target: Target,
}

#[derive(Default)]
pub(crate) struct GroupBuilder {
    keys: HashMap<String, usize>,
    patterns: Vec<String>,
    targets: Vec<Vec<Target>>,
}

impl GroupBuilder {
    /// Adds a normalized phrase (a trailing `*` marks an open end) for `entity`.
    pub fn add(&mut self, phrase: &str, entity: Entity, anaphor: bool, priority: u8) {
        let (body, star) = match phrase.strip_suffix('*') {
            Some(b) => (b, true),
            None => (phrase, false),
        };
        if body.is_empty() {
            return;
        }
        let base = Target {
            entity,
            anaphor,
            priority,
            lil: false,
            star,
        };
        self.push(body.to_string(), base);
        if let Some(rest) = body.strip_prefix("ال") {
            if rest.chars().next().is_some_and(is_word_char) {
                self.push(format!("لل{rest}"), Target { lil: true, ..base });
            }
        }
    }

    fn push(&mut self, key: String, t: Target) {
        let idx = match self.keys.get(&key) {
            Some(&i) => i,
            None => {
                let i = self.patterns.len();
                self.keys.insert(key.clone(), i);
                self.patterns.push(key);
                self.targets.push(Vec::new());
                i
            }
        };
        self.targets[idx].push(t);
    }

    pub fn build(self) -> Group {
        let ac = if self.patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .build(&self.patterns)
                    .expect("automaton over knowledge-base patterns"),
            )
        };
        Group {
            ac,
            targets: self.targets,
        }
    }
}

fn prev_char(text: &str, i: usize) -> Option<char> {
    text[..i].chars().next_back()
}

fn next_char(text: &str, i: usize) -> Option<char> {
    text[i..].chars().next()
}

/// Start of the word containing byte `i` (walking back over word chars).
fn word_start(text: &str, i: usize) -> usize {
    let mut s = i;
    while let Some(c) = prev_char(text, s) {
        if !is_word_char(c) {
            break;
        }
        s -= c.len_utf8();
    }
    s
}

fn word_end(text: &str, i: usize) -> usize {
    let mut e = i;
    while let Some(c) = next_char(text, e) {
        if !is_word_char(c) {
            break;
        }
        e += c.len_utf8();
    }
    e
}

impl Group {
    /// Every boundary-valid (match, target) pair, in no particular order.
    pub fn candidates(&self, text: &str) -> Vec<Candidate> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for m in ac.find_overlapping_iter(text) {
            let (s, e) = (m.start(), m.end());
            // Patterns are whole chars, but guard against a match starting mid-char.
            if !text.is_char_boundary(s) || !text.is_char_boundary(e) {
                continue;
            }
            let ws = word_start(text, s);
            let ends_word = next_char(text, e).is_none_or(|c| !is_word_char(c));
            for t in &self.targets[m.pattern().as_usize()] {
                let end = if t.star {
                    word_end(text, e)
                } else if ends_word {
                    e
                } else {
                    continue;
                };
                let pre = &text[ws..s];
                let (prefix, start) = if t.lil {
                    if !(pre.is_empty() || LIL_PROCLITICS.contains(&pre)) {
                        continue;
                    }
                    let l = 'ل'.len_utf8();
                    (ws..s + l, s + l)
                } else {
                    if !(pre.is_empty() || PROCLITICS.contains(&pre)) {
                        continue;
                    }
                    (ws..s, s)
                };
                out.push(Candidate {
                    prefix,
                    range: start..end,
                    target: *t,
                });
            }
        }
        out
    }
}

/// Leftmost-longest, non-overlapping selection (by word start, then end, then priority).
pub(crate) fn select_leftmost_longest(mut cands: Vec<Candidate>) -> Vec<Candidate> {
    cands.sort_by(|a, b| {
        a.prefix
            .start
            .cmp(&b.prefix.start)
            .then(b.range.end.cmp(&a.range.end))
            .then(a.target.priority.cmp(&b.target.priority))
    });
    let mut out: Vec<Candidate> = Vec::new();
    let mut last_end = 0usize;
    for c in cands {
        if !out.is_empty() && c.prefix.start < last_end {
            continue;
        }
        last_end = c.range.end;
        out.push(c);
    }
    out
}

pub(crate) fn to_mention(c: &Candidate) -> Mention {
    Mention {
        range: c.range.clone(),
        prefix: c.prefix.clone(),
        entity: c.target.entity,
        anaphor: c.target.anaphor,
    }
}

/// Byte ranges of the word tokens (runs of word chars) of `text`.
pub(crate) fn word_tokens(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if is_word_char(c) {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(s) = start.take() {
            out.push(s..i);
        }
    }
    if let Some(s) = start {
        out.push(s..text.len());
    }
    out
}

/// Does token `tok` match the required word `w` (proclitics allowed before it; `star` lets it
/// continue)?
fn token_matches(tok: &str, w: &str, star: bool, allow_prefix: bool) -> bool {
    let fits = |rest: &str| {
        if star {
            rest.starts_with(w)
        } else {
            rest == w
        }
    };
    // The word itself, after proclitics, after the article, or after both ("وبالقاعدة").
    let with_article = |rest: &str| {
        fits(rest)
            || (!w.starts_with("ال") && rest.strip_prefix("ال").is_some_and(fits))
            || (!w.starts_with("ل") && rest.strip_prefix("لل").is_some_and(fits))
    };
    if with_article(tok) {
        return true;
    }
    allow_prefix
        && PROCLITICS
            .iter()
            .any(|p| tok.strip_prefix(p).is_some_and(with_article))
}

/// Is one of `requires` within `window` tokens before or after the mention `span`?
pub(crate) fn requirement_met(
    text: &str,
    tokens: &[Range<usize>],
    span: Range<usize>,
    requires: &[String],
    window: usize,
) -> bool {
    if requires.is_empty() {
        return true;
    }
    let first = tokens.partition_point(|t| t.end <= span.start);
    let last = tokens.partition_point(|t| t.start < span.end); // exclusive
    let lo = first.saturating_sub(window);
    let hi = (last + window).min(tokens.len());
    let word = |i: usize| &text[tokens[i].clone()];
    let in_window = |i: usize| (lo..first).contains(&i) || (last..hi).contains(&i);
    requires.iter().any(|req| {
        let (body, star) = match req.strip_suffix('*') {
            Some(b) => (b, true),
            None => (req.as_str(), false),
        };
        let parts: Vec<&str> = body.split(' ').filter(|p| !p.is_empty()).collect();
        if parts.is_empty() {
            return false;
        }
        (lo..hi).any(|i| {
            if i + parts.len() > hi || !(0..parts.len()).all(|k| in_window(i + k)) {
                return false;
            }
            parts.iter().enumerate().all(|(k, p)| {
                let last_part = k + 1 == parts.len();
                token_matches(word(i + k), p, star && last_part, k == 0)
            })
        })
    })
}
