//! Matching normalized patterns through one trie, with the word-boundary and proclitic rules.
//!
//! A match counts when it ends at a word boundary (or, for a pattern ending in `*`, is extended to
//! the end of the word) and starts at a word start or right after a proclitic sequence that starts
//! the word (و ف ب ل ك وب ول فب فل وك فك). For a pattern beginning with "ال" an extra "لل" form is
//! searched ("للتنظيم" = ل + التنظيم), accepted at word start or after و/ف.

use crate::model::{Entity, Mention};
use crate::trie::Trie;
use std::collections::HashMap;
use std::ops::Range;

use marsad_text::{is_word_char, word_char_at, word_end, word_runs};

use marsad_text::clitics::{LIL_PROCLITICS, NAME_PROCLITICS as PROCLITICS};

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

/// One trie over every pattern, with its targets per pattern.
#[derive(Debug, Clone, Default)]
pub(crate) struct Group {
    pub(crate) trie: Trie,
    /// The targets of pattern `p` are `targets[starts[p]..starts[p + 1]]`: one flat vector
    /// rather than a vector per pattern, as every hit of a walk reads them (one cache miss
    /// instead of two).
    starts: Vec<u32>,
    targets: Vec<Target>,
    /// Bit `p` is set when a target of pattern `p` is open-ended (`star`). Most hits end
    /// inside a word, where only those targets can match: this bit set (a few kilobytes, in
    /// cache) rejects them without reading the targets.
    open_ended: Vec<u64>,
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
        let mut starts = Vec::with_capacity(self.targets.len() + 1);
        starts.push(0);
        let mut targets = Vec::new();
        let mut open_ended = vec![0u64; self.targets.len().div_ceil(64)];
        for (p, ts) in self.targets.into_iter().enumerate() {
            if ts.iter().any(|t| t.star) {
                open_ended[p / 64] |= 1 << (p % 64);
            }
            targets.extend(ts);
            starts.push(u32::try_from(targets.len()).expect("fewer than 2^32 targets"));
        }
        Group {
            trie: Trie::new(&self.patterns),
            starts,
            targets,
            open_ended,
        }
    }
}

impl Group {
    /// Every boundary-valid (match, target) pair, in no particular order. `word_starts` are the
    /// offsets where the runs of word chars of `text` start ([`marsad_text::word_runs`]).
    ///
    /// Matches start only at a word start or right after a proclitic, so the trie is walked from
    /// those positions instead of scanning every byte: short cue patterns such as "ل" or "في"
    /// would otherwise match inside most words.
    pub fn candidates(
        &self,
        text: &str,
        word_starts: impl Iterator<Item = usize>,
    ) -> Vec<Candidate> {
        // Seldom more candidates than words: reserved up front, as growing copies the vector.
        let mut out = Vec::with_capacity(word_starts.size_hint().0);
        let bytes = text.as_bytes();
        for ws in word_starts {
            self.walk(text, ws, ws, &mut out);
            // The proclitic sequences are one letter or two, so at most two more walks.
            let (one, two) = proclitic_lens(&bytes[ws..]);
            if one > 0 {
                self.walk(text, ws, ws + one, &mut out);
            }
            if two > 0 {
                self.walk(text, ws, ws + two, &mut out);
            }
        }
        out
    }

    /// The candidates starting at `anchor` in the word starting at `ws`.
    #[inline(always)]
    fn walk(&self, text: &str, ws: usize, anchor: usize, out: &mut Vec<Candidate>) {
        self.trie
            .for_each_prefix(&text.as_bytes()[anchor..], |len, pattern| {
                self.push_targets(text, ws, anchor, anchor + len, pattern, out)
            })
    }

    /// Pattern `pattern` spans `s..e`: its targets whose boundary rules hold. Kept out of line so
    /// the walk stays small.
    #[inline(never)]
    fn push_targets(
        &self,
        text: &str,
        ws: usize,
        s: usize,
        e: usize,
        pattern: usize,
        out: &mut Vec<Candidate>,
    ) {
        let ends_word = e == text.len() || !word_char_at(text, e).0;
        if !ends_word && self.open_ended[pattern / 64] >> (pattern % 64) & 1 == 0 {
            return;
        }
        let pre = &text[ws..s];
        let targets =
            &self.targets[self.starts[pattern] as usize..self.starts[pattern + 1] as usize];
        for t in targets {
            let end = if t.star {
                word_end(text, e)
            } else if ends_word {
                e
            } else {
                continue;
            };
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
}

/// Byte lengths of the one-letter and of the two-letter sequence of [`PROCLITICS`] that `word`
/// starts with (0 for none), read off its first two letters instead of comparing every
/// sequence: this runs at every word, and most words start with none.
#[inline]
fn proclitic_lens(word: &[u8]) -> (usize, usize) {
    // Every proclitic letter is two bytes long in UTF-8.
    let letter_in = |i: usize, letters: &str| {
        word.get(i..i + 2)
            .is_some_and(|l| letters.as_bytes().chunks(2).any(|c| c == l))
    };
    if !letter_in(0, "وفبلك") {
        (0, 0)
    } else if letter_in(0, "وف") && letter_in(2, "بلك") {
        (2, 4)
    } else {
        (2, 0)
    }
}

/// Leftmost-longest, non-overlapping selection (by word start, then end, then priority).
pub(crate) fn select_leftmost_longest(mut cands: Vec<Candidate>) -> Vec<Candidate> {
    sort_in_runs(
        &mut cands,
        |a, b| a.prefix.start == b.prefix.start,
        |a, b| {
            a.prefix
                .start
                .cmp(&b.prefix.start)
                .then(b.range.end.cmp(&a.range.end))
                .then(a.target.priority.cmp(&b.target.priority))
        },
    );
    // Kept in place: the selection is a subsequence of the sorted candidates.
    let mut last_end = None;
    cands.retain(|c| {
        if last_end.is_some_and(|end| c.prefix.start < end) {
            return false;
        }
        last_end = Some(c.range.end);
        true
    });
    cands
}

/// `v.sort_by(cmp)` (stable), done run by run when that gives the same order: the runs are the
/// maximal stretches of consecutive items with `same_run`, each is sorted on its own, and when
/// every run ends at or before the next one starts (by `cmp`) the whole is sorted. Candidates
/// come word by word, so runs of one word start are already in order and mostly one item long,
/// and this skips sorting the whole vector at every document. Otherwise it falls back to
/// `sort_by`, which gives the same result on the partly sorted vector: sorting a run keeps the
/// order of items that compare equal, as sorting the whole would.
pub(crate) fn sort_in_runs<T>(
    v: &mut [T],
    same_run: impl Fn(&T, &T) -> bool,
    cmp: impl Fn(&T, &T) -> std::cmp::Ordering,
) {
    let mut start = 0;
    while start < v.len() {
        let mut end = start + 1;
        while end < v.len() && same_run(&v[end - 1], &v[end]) {
            end += 1;
        }
        if end - start > 1 {
            v[start..end].sort_by(&cmp);
        }
        if start > 0 && cmp(&v[start - 1], &v[start]) == std::cmp::Ordering::Greater {
            v.sort_by(&cmp);
            return;
        }
        start = end;
    }
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
    word_runs(text).collect()
}

/// Does token `tok` match the required word `w` (proclitics allowed before it; `star` lets it
/// continue)? Compared as bytes: the prefixes are whole letters, so no char boundary is cut.
fn token_matches(tok: &[u8], w: &[u8], star: bool, allow_prefix: bool) -> bool {
    // Every reading below is a suffix of the token, and a whole word must equal it: most tokens
    // fail this, most already on the last byte.
    if !star && (tok.last() != w.last() || !tok.ends_with(w)) {
        return false;
    }
    let fits = |rest: &[u8]| {
        if star {
            starts_with(rest, w)
        } else {
            rest.len() == w.len() && starts_with(rest, w)
        }
    };
    fn strip<'t>(rest: &'t [u8], p: &str) -> Option<&'t [u8]> {
        starts_with(rest, p.as_bytes()).then(|| &rest[p.len()..])
    }
    // The word itself, after proclitics, after the article, or after both ("وبالقاعدة").
    let with_article = |rest: &[u8]| {
        fits(rest)
            || (!starts_with(w, "ال".as_bytes()) && strip(rest, "ال").is_some_and(fits))
            || (!starts_with(w, "ل".as_bytes()) && strip(rest, "لل").is_some_and(fits))
    };
    if with_article(tok) {
        return true;
    }
    allow_prefix
        && PROCLITICS
            .iter()
            .any(|p| strip(tok, p).is_some_and(with_article))
}

/// `hay.starts_with(prefix)` for the few bytes of a word, compared in line: most comparisons here
/// fail within two bytes, and a call to `memcmp` would cost more than the whole test.
#[inline]
fn starts_with(hay: &[u8], prefix: &[u8]) -> bool {
    hay.len() >= prefix.len() && hay.iter().zip(prefix).all(|(a, b)| a == b)
}

/// The word tokens of `text` around `span`: the same ranges [`word_tokens`] gives for the whole
/// text, but only enough of them to have `window` words on each side of the span (or to reach the
/// text's ends), so checking a trigger costs the size of its neighbourhood, not of the document.
pub(crate) fn word_tokens_around(
    text: &str,
    span: &Range<usize>,
    window: usize,
) -> Vec<Range<usize>> {
    let len = text.len();
    let mut reach = 64 * (window + 1);
    loop {
        let mut lo = span.start.saturating_sub(reach);
        while !text.is_char_boundary(lo) {
            lo -= 1;
        }
        // Never cut a word: start and end the slice outside of one.
        while let Some(c) = text[..lo].chars().next_back().filter(|&c| is_word_char(c)) {
            lo -= c.len_utf8();
        }
        let mut hi = (span.end + reach).min(len);
        while !text.is_char_boundary(hi) {
            hi += 1;
        }
        while let Some(c) = text[hi..].chars().next().filter(|&c| is_word_char(c)) {
            hi += c.len_utf8();
        }
        let toks: Vec<Range<usize>> = word_tokens(&text[lo..hi])
            .into_iter()
            .map(|t| t.start + lo..t.end + lo)
            .collect();
        let before = toks.partition_point(|t| t.end <= span.start);
        let after = toks.len() - toks.partition_point(|t| t.start < span.end);
        if (before >= window || lo == 0) && (after >= window || hi == len) {
            return toks;
        }
        reach *= 4;
    }
}

/// A trigger's `requires` entry split into its words once, when the knowledge base is built,
/// instead of on every check.
#[derive(Debug, Clone)]
pub(crate) struct Required {
    words: Vec<String>,
    /// The last word may continue (the entry ends in `*`).
    star: bool,
}

impl Required {
    pub fn new(req: &str) -> Required {
        let (body, star) = match req.strip_suffix('*') {
            Some(b) => (b, true),
            None => (req, false),
        };
        Required {
            words: body
                .split(' ')
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect(),
            star,
        }
    }
}

/// A trigger's `requires` entries, with a test on the last byte of a token that rejects most
/// tokens before any entry is compared with them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Requirements {
    entries: Vec<Required>,
    /// Bit `b` is set when the first word of an entry that is not one open-ended word ends with
    /// byte `b`: such a word must end the token it matches ([`token_matches`]), so a token
    /// ending with another byte starts no match.
    first_ends: [u64; 4],
    /// An entry is one open-ended word (it may match a token ending with any byte).
    open: bool,
}

impl Requirements {
    pub fn new<S: AsRef<str>>(requires: &[S]) -> Requirements {
        let entries: Vec<Required> = requires.iter().map(|r| Required::new(r.as_ref())).collect();
        let mut first_ends = [0u64; 4];
        let mut open = false;
        for e in &entries {
            match e.words.first() {
                None => {}
                Some(_) if e.star && e.words.len() == 1 => open = true,
                Some(w) => {
                    let b = *w.as_bytes().last().expect("words are not empty");
                    first_ends[usize::from(b / 64)] |= 1 << (b % 64);
                }
            }
        }
        Requirements {
            entries,
            first_ends,
            open,
        }
    }

    /// Whether a match of an entry may start at `token` (a word, not empty).
    #[inline]
    fn may_start_at(&self, token: &[u8]) -> bool {
        self.open
            || token
                .last()
                .is_some_and(|&b| self.first_ends[usize::from(b / 64)] >> (b % 64) & 1 != 0)
    }
}

/// Is one of `requires` within `window` tokens before or after the mention `span`? `tokens`
/// are word tokens of `text` covering at least `window` words on each side of the span.
pub(crate) fn requirement_met(
    text: &str,
    tokens: &[Range<usize>],
    span: Range<usize>,
    requires: &Requirements,
    window: usize,
) -> bool {
    if requires.entries.is_empty() {
        return true;
    }
    let first = tokens.partition_point(|t| t.end <= span.start);
    let last = tokens.partition_point(|t| t.start < span.end); // exclusive
    let lo = first.saturating_sub(window);
    let hi = (last + window).min(tokens.len());
    let word = |i: usize| &text.as_bytes()[tokens[i].clone()];
    // Tokens `i..i + n` all lie in the window (`lo..first` or `last..hi`, which meet when the
    // span holds no token).
    let in_window =
        |i: usize, n: usize| i + n <= hi && (i + n <= first || i >= last || first == last);
    // Token by token, the entries only where one may start.
    (lo..hi).any(|i| {
        requires.may_start_at(word(i))
            && requires.entries.iter().any(|req| {
                let (parts, star) = (&req.words, req.star);
                !parts.is_empty()
                    && in_window(i, parts.len())
                    && parts.iter().enumerate().all(|(k, p)| {
                        let last_part = k + 1 == parts.len();
                        token_matches(word(i + k), p.as_bytes(), star && last_part, k == 0)
                    })
            })
    })
}

#[cfg(test)]
mod tests {
    use super::{
        proclitic_lens, requirement_met, sort_in_runs, token_matches, word_tokens, Requirements,
        PROCLITICS,
    };

    /// `sort_in_runs` orders like a stable `sort_by`: with runs already in order, with runs out
    /// of order (the fallback), and with items that compare equal across runs.
    #[test]
    fn sort_in_runs_is_a_stable_sort() {
        // (run key, sort key, original index): sorted by sort key only, so the index shows
        // stability.
        let cases: [&[(u8, u8)]; 6] = [
            &[],
            &[(1, 5)],
            &[(1, 3), (1, 1), (2, 4), (2, 4), (3, 9), (3, 5)],
            &[(1, 3), (1, 3), (2, 3), (2, 1), (3, 3)],
            &[(1, 7), (2, 1), (2, 9), (3, 0), (3, 7)],
            &[(5, 2), (5, 2), (1, 2), (1, 0), (5, 1)],
        ];
        for case in cases {
            let items: Vec<(u8, u8, usize)> = case
                .iter()
                .enumerate()
                .map(|(i, &(r, k))| (r, k, i))
                .collect();
            let mut expected = items.clone();
            expected.sort_by_key(|a| a.1);
            let mut got = items.clone();
            sort_in_runs(&mut got, |a, b| a.0 == b.0, |a, b| a.1.cmp(&b.1));
            assert_eq!(got, expected, "{case:?}");
        }
    }

    /// Whether `req` is met within `window` words of `span_word` (a word of `text`).
    fn met(text: &str, span_word: &str, req: &str, window: usize) -> bool {
        let start = text.find(span_word).unwrap();
        let span = start..start + span_word.len();
        let tokens = word_tokens(text);
        requirement_met(text, &tokens, span, &Requirements::new(&[req]), window)
    }

    /// The check token by token, with the last-byte test, finds what checking every entry at
    /// every token of the window finds: texts and entries drawn (by a fixed LCG) from words with
    /// and without proclitics and article, entries of one or two words, open-ended or not.
    #[test]
    fn requirement_met_agrees_with_the_plain_walk() {
        fn plain(
            text: &str,
            tokens: &[std::ops::Range<usize>],
            span: std::ops::Range<usize>,
            requires: &[&str],
            window: usize,
        ) -> bool {
            if requires.is_empty() {
                return true;
            }
            let first = tokens.partition_point(|t| t.end <= span.start);
            let last = tokens.partition_point(|t| t.start < span.end);
            let lo = first.saturating_sub(window);
            let hi = (last + window).min(tokens.len());
            let word = |i: usize| &text.as_bytes()[tokens[i].clone()];
            let in_window =
                |i: usize, n: usize| i + n <= hi && (i + n <= first || i >= last || first == last);
            requires.iter().any(|req| {
                let (body, star) = match req.strip_suffix('*') {
                    Some(b) => (b, true),
                    None => (*req, false),
                };
                let parts: Vec<&str> = body.split(' ').filter(|p| !p.is_empty()).collect();
                !parts.is_empty()
                    && (lo..hi).any(|i| {
                        in_window(i, parts.len())
                            && parts.iter().enumerate().all(|(k, p)| {
                                let last_part = k + 1 == parts.len();
                                token_matches(word(i + k), p.as_bytes(), star && last_part, k == 0)
                            })
                    })
            })
        }
        let words = [
            "قصف",
            "قصفت",
            "الطيران",
            "وبالطيران",
            "للطيران",
            "طيران",
            "حربي",
            "الحربي",
            "مدينة",
            "بالمدينة",
            "ان",
            "قال",
            "x1",
            "ab",
            "ب",
        ];
        let entries = [
            "قصف*",
            "طيران",
            "طيران حربي",
            "الطيران الحربي*",
            "مدينة",
            "ان قال",
            "ab*",
            "x1",
            "*",
            "",
            "ب",
        ];
        let mut seed: u64 = 7;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        let (mut checks, mut met) = (0, 0);
        for _ in 0..400 {
            let text: Vec<&str> = (0..1 + next(9)).map(|_| words[next(words.len())]).collect();
            let text = text.join(" ");
            let reqs: Vec<&str> = (0..next(4)).map(|_| entries[next(entries.len())]).collect();
            let tokens = word_tokens(&text);
            let window = next(4);
            let compiled = Requirements::new(&reqs);
            for t in &tokens {
                let span = t.clone();
                let expected = plain(&text, &tokens, span.clone(), &reqs, window);
                assert_eq!(
                    requirement_met(&text, &tokens, span, &compiled, window),
                    expected,
                    "{text:?} {reqs:?} window {window}"
                );
                checks += 1;
                met += usize::from(expected && !reqs.is_empty());
            }
        }
        assert!(checks > 1000 && met > 100, "{checks} checks, {met} met");
    }

    /// Required phrases must lie wholly in the window on one side of the span, in any of the
    /// forms a word takes (proclitics and article before the first word, `*` on the last).
    #[test]
    fn requirement_window_and_forms() {
        let text = "قالت مصادر ان طائرات حربية قصفت المدينة";
        assert!(met(text, "طائرات", "حربية قصفت", 2));
        assert!(
            !met(text, "طائرات", "حربية قصفت", 1),
            "second word out of the window"
        );
        assert!(met(text, "طائرات", "مصادر ان", 2));
        assert!(!met(text, "طائرات", "مصادر ان", 1));
        assert!(
            !met(text, "طائرات", "ان طائرات", 3),
            "the span's own word does not count"
        );
        assert!(
            !met(text, "طائرات", "ان حربية", 3),
            "a phrase does not skip the span"
        );
        assert!(met(text, "طائرات", "قصف*", 2));
        assert!(
            !met(text, "طائرات", "قصف", 2),
            "a whole word must end the token"
        );
        assert!(met(text, "طائرات", "مدينة", 3), "after the article");
        assert!(
            met("وبالمدينة طائرات", "طائرات", "مدينة", 1),
            "after proclitics and article"
        );
        assert!(!met(text, "طائرات", "", 3));
    }

    /// [`proclitic_lens`] agrees with comparing every sequence of [`PROCLITICS`], on words made
    /// of proclitic letters, other letters, Latin and digits, and on words cut short.
    #[test]
    fn proclitic_lens_matches_the_list() {
        let letters = ["و", "ف", "ب", "ل", "ك", "ا", "م", "س", "a", "1", ""];
        for a in letters {
            for b in letters {
                for c in ["", "ي", "x"] {
                    let word = format!("{a}{b}{c}");
                    let by_list = |n: usize| {
                        PROCLITICS
                            .iter()
                            .filter(|p| p.chars().count() == n && word.starts_with(**p))
                            .map(|p| p.len())
                            .next()
                            .unwrap_or(0)
                    };
                    assert_eq!(
                        proclitic_lens(word.as_bytes()),
                        (by_list(1), by_list(2)),
                        "{word:?}"
                    );
                }
            }
        }
    }
}
