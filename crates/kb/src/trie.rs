//! The knowledge-base patterns as a double-array trie (built by the `yada` crate).
//!
//! Matches start only at a word start or right after a proclitic, so the matcher walks the trie
//! from those positions and reports every pattern the text continues with (a common-prefix
//! search). A transition is a couple of array reads and the whole trie takes a few hundred
//! kilobytes, so the walks stay in cache: a dense aho-corasick DFA over the same patterns took
//! 25 MB, and its cache misses dominated matching time.
//!
//! The trie's alphabet is not UTF-8 bytes but [`symbol_at`]: an Arabic letter (U+0620–U+065F,
//! two bytes in UTF-8) is one symbol, any other byte its own. A walk over Arabic text then takes
//! one transition per letter instead of two, and the trie has half the nodes: the walks are
//! bound by the cache misses of those transitions (the village names made the trie larger than
//! the L2 cache).

use yada::builder::DoubleArrayBuilder;
use yada::unit::{Unit, UNIT_SIZE};

/// Patterns in a trie, walked one byte at a time from a start position (the first two Arabic
/// letters by table).
#[derive(Clone, Default)]
pub(crate) struct Trie {
    /// The units of yada's double array (empty without patterns: the builder needs at least one
    /// key). The walk is ours ([`Trie::for_each_prefix`]): yada's `common_prefix_search` reads
    /// every unit twice, and this walk runs over most letters of every document. Four bytes a
    /// unit, offsets decoded on each step: the walk waits on cache misses, not on arithmetic, and
    /// a unit with its decoded offset (eight bytes) doubled the memory the walks miss in.
    units: Vec<Unit>,
    /// The first two letters of a walk, looked up instead of walked (`None` without patterns).
    first: Option<Box<FirstLetters>>,
}

/// Nearly every walk starts with two Arabic letters: these tables take their four transitions in
/// one read.
#[derive(Clone)]
struct FirstLetters {
    /// The number of each letter of the Arabic block (U+0600–U+06FF, by `cp - 0x600`) that
    /// starts a pattern or comes second in one, [`NO_LETTER`] for the others.
    letters: [u8; 256],
    /// The pattern made of each numbered letter alone ("و", "ل"), if any.
    single: [Option<u32>; 64],
    /// The node after each pair of numbered letters (by `64 * first + second`), 0 when no pattern
    /// starts with the pair.
    pairs: [u32; 64 * 64],
}

/// [`FirstLetters::letters`] of a letter that no pattern starts with, first or second.
const NO_LETTER: u8 = u8::MAX;

/// The symbol at the start of `text` and its length in bytes: an Arabic letter U+0620–U+065F
/// (UTF-8 `D8 A0`–`D9 9F`) is the one byte `0x80 + cp - 0x620`, any other byte is itself. Those
/// symbols are the values of UTF-8 continuation bytes, which never start a char, so the symbols of
/// valid UTF-8 text spell it unambiguously: walking them finds the same patterns as walking bytes.
#[inline(always)]
fn symbol_at(text: &[u8]) -> Option<(u8, usize)> {
    let (&a, rest) = text.split_first()?;
    if let (0xD8 | 0xD9, Some(&b)) = (a, rest.first()) {
        // cp - 0x600 = (a & 3) << 6 | (b & 0x3F), between 0x20 and 0x5F for the letters.
        let k = (usize::from(a & 0x03) << 6) | usize::from(b & 0x3F);
        if (0x20..0x60).contains(&k) && b & 0xC0 == 0x80 {
            return Some((0x60 + k as u8, 2));
        }
    }
    Some((a, 1))
}

/// `text` spelled in the symbols of [`symbol_at`]: the key the trie stores for a pattern.
fn symbols(mut text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    while let Some((c, n)) = symbol_at(text) {
        out.push(c);
        text = &text[n..];
    }
    out
}

/// `cp - 0x600` for the char of the Arabic block whose UTF-8 bytes are `[a, b]`, if it is one.
#[inline(always)]
fn arabic_index(a: u8, b: u8) -> Option<usize> {
    (a & 0xFC == 0xD8).then(|| (usize::from(a & 0x03) << 6) | usize::from(b & 0x3F))
}

/// The UTF-8 bytes of the char `0x600 + k` of the Arabic block (`k < 256`).
fn arabic_bytes(k: usize) -> [u8; 2] {
    let mut buf = [0; 2];
    char::from_u32(0x600 + k as u32)
        .expect("a char of the Arabic block")
        .encode_utf8(&mut buf);
    buf
}

impl std::fmt::Debug for Trie {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Trie")
            .field("bytes", &self.memory())
            .finish()
    }
}

/// The keys yada builds the trie of: `patterns` (distinct, non-empty, without NUL bytes) in
/// [`symbols`], with their index, sorted.
fn keys(patterns: &[String]) -> Vec<(Vec<u8>, u32)> {
    let mut keys: Vec<(Vec<u8>, u32)> = patterns
        .iter()
        .enumerate()
        .map(|(i, p)| {
            debug_assert!(!p.is_empty() && !p.contains('\0'), "pattern {p:?}");
            // Values are 31 bits: far more than the patterns of any knowledge base.
            (
                symbols(p.as_bytes()),
                u32::try_from(i).expect("fewer than 2^31 patterns"),
            )
        })
        .collect();
    keys.sort_unstable();
    keys.dedup_by(|a, b| a.0 == b.0);
    keys
}

impl Trie {
    /// The trie of `patterns` (distinct, non-empty, without NUL bytes); pattern `i` is reported
    /// as `i`.
    pub fn new(patterns: &[String]) -> Trie {
        let keys = keys(patterns);
        if keys.is_empty() {
            return Trie::default();
        }
        let bytes = DoubleArrayBuilder::build(&keys).expect("patterns make a trie");
        let units = bytes
            .chunks_exact(UNIT_SIZE)
            .map(|u| Unit::from_u32(u32::from_le_bytes(u.try_into().expect("4 bytes"))))
            .collect();
        let mut trie = Trie { units, first: None };
        // Number the letters that can come first or second (at most 64 of them: others are
        // walked byte by byte).
        let mut numbered: Vec<usize> = (0..256)
            .filter(|&k| {
                let first = arabic_bytes(k);
                trie.node_after(&first) != 0
                    || (0..256).any(|j| trie.node_after(&[arabic_bytes(j), first].concat()) != 0)
            })
            .collect();
        numbered.truncate(64);
        let mut first = Box::new(FirstLetters {
            letters: [NO_LETTER; 256],
            single: [None; 64],
            pairs: [0; 64 * 64],
        });
        for (x, &k) in numbered.iter().enumerate() {
            first.letters[k] = x as u8;
            trie.walk_bytes(0, 0, &arabic_bytes(k), |len, p| {
                if len == 2 {
                    first.single[x] = Some(p as u32);
                }
            });
            for (y, &j) in numbered.iter().enumerate() {
                first.pairs[64 * x + y] =
                    trie.node_after(&[arabic_bytes(k), arabic_bytes(j)].concat());
            }
        }
        trie.first = Some(first);
        trie
    }

    /// The node reached from the root by `text`, 0 when the walk ends before.
    fn node_after(&self, text: &[u8]) -> u32 {
        let mut id = 0;
        for c in symbols(text) {
            let node = self.units[id as usize];
            id ^= node.offset() ^ u32::from(c);
            match self.units.get(id as usize) {
                Some(child) if child.label() == u32::from(c) => {}
                _ => return 0,
            }
        }
        id
    }

    /// Calls `hit(length, pattern)` for every pattern that `text` starts with, shortest first
    /// (what yada's `common_prefix_search` yields over the symbols), `length` in bytes of `text`.
    /// `text` starts at a char: from inside one, a continuation byte would read as a letter. A callback rather than a vector: most walks
    /// find nothing, and the few hits go straight to the boundary checks.
    #[inline(always)]
    pub fn for_each_prefix(&self, text: &[u8], mut hit: impl FnMut(usize, usize)) {
        let Some(first) = &self.first else {
            return;
        };
        if let [a, b, c, d, ..] = *text {
            if let (Some(k), Some(j)) = (arabic_index(a, b), arabic_index(c, d)) {
                let (x, y) = (first.letters[k], first.letters[j]);
                if x != NO_LETTER && y != NO_LETTER {
                    // Numbers are below 64 (the masks only spare the bounds checks).
                    let (x, y) = (usize::from(x & 63), usize::from(y & 63));
                    if let Some(p) = first.single[x] {
                        hit(2, p as usize);
                    }
                    let id = first.pairs[64 * x + y];
                    if id != 0 {
                        self.walk_bytes(id, 4, text, hit);
                    }
                    return;
                }
            }
        }
        self.walk_bytes(0, 0, text, hit);
    }

    /// The walk of [`Trie::for_each_prefix`] from node `id`, reached by `text[..start]`,
    /// reporting the pattern ending there too.
    #[inline(always)]
    fn walk_bytes(
        &self,
        mut id: u32,
        start: usize,
        text: &[u8],
        mut hit: impl FnMut(usize, usize),
    ) {
        let units = self.units.as_slice();
        let mut node = units[id as usize];
        let mut i = start;
        loop {
            let offset = node.offset();
            if node.has_leaf() && i > 0 {
                if let Some(leaf) = units.get((offset ^ id) as usize) {
                    hit(i, leaf.value() as usize);
                }
            }
            let Some((c, n)) = symbol_at(&text[i..]) else {
                return;
            };
            // The child for symbol `c`, if the unit there is labelled `c` (a leaf never is).
            id ^= offset ^ u32::from(c);
            match units.get(id as usize) {
                Some(&child) if child.label() == u32::from(c) => node = child,
                _ => return,
            }
            i += n;
        }
    }

    /// Bytes of memory held.
    pub fn memory(&self) -> usize {
        std::mem::size_of_val(self.units.as_slice())
            + self
                .first
                .as_ref()
                .map_or(0, |f| std::mem::size_of_val(f.as_ref()))
    }
}

#[cfg(test)]
mod tests {
    use super::{symbols, Trie};
    use std::collections::HashMap;

    /// Every pattern that `text` starts with, as (pattern, length).
    fn prefixes(t: &Trie, text: &str) -> Vec<(usize, usize)> {
        let mut hits = Vec::new();
        t.for_each_prefix(text.as_bytes(), |len, p| hits.push((p, len)));
        hits
    }

    #[test]
    fn finds_every_prefix_pattern() {
        let pats: Vec<String> = ["ال", "الجيش", "الجيش الحر", "جيش", "a", "ab", "b"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let t = Trie::new(&pats);
        assert_eq!(
            prefixes(&t, "الجيش الحر في"),
            vec![(0, 4), (1, 10), (2, 19)]
        );
        assert_eq!(prefixes(&t, "جيشان"), vec![(3, 6)]);
        assert_eq!(prefixes(&t, "abc"), vec![(4, 1), (5, 2)]);
        assert_eq!(prefixes(&t, "ba"), vec![(6, 1)]);
        assert!(prefixes(&t, "x").is_empty());
        assert!(prefixes(&t, "a\0b").len() == 1);
        assert!(prefixes(&Trie::new(&[]), "abc").is_empty());
    }

    /// The walk reports every pattern the text starts with (a hash set of the patterns is the
    /// reference), from every char of a text full of knowledge-base names, of
    /// one-letter patterns, of letters outside U+0620–U+065F and of bytes no pattern has (NUL
    /// included): by the table of first letters and symbol by symbol.
    #[test]
    fn walk_finds_every_prefix_pattern() {
        let kb = crate::KnowledgeBase::builtin().unwrap();
        let mut pats: Vec<String> = kb.actors.iter().flat_map(|a| a.aliases.clone()).collect();
        pats.extend(kb.places.iter().map(|p| p.name_ar.clone()));
        pats.extend(kb.triggers.iter().map(|t| t.phrase.clone()));
        pats.extend(["و", "ل", "في", "پل", "ۀ", "a", "ؤب", "ـا", "é", "ٱ"].map(String::from));
        pats.sort();
        pats.dedup();
        pats.retain(|p| !p.is_empty());
        let trie = Trie::new(&pats);
        let index: HashMap<&[u8], usize> = pats
            .iter()
            .enumerate()
            .map(|(i, p)| (p.as_bytes(), i))
            .collect();
        let longest = pats.iter().map(String::len).max().unwrap();
        let mut text = pats
            .iter()
            .step_by(pats.len() / 3000 + 1)
            .cloned()
            .collect::<Vec<_>>()
            .join(" ");
        text.push_str(" \0 \u{1} ÿ x وو ولد لل پل ۀۀ ل éé ؤب ـا ٱٱ");
        let bytes = text.as_bytes();
        let mut walks = 0;
        // Walks start at chars (the matcher starts them at words and after proclitics).
        for i in (0..bytes.len()).filter(|&i| text.is_char_boundary(i)) {
            let mut ours = Vec::new();
            trie.for_each_prefix(&bytes[i..], |len, p| ours.push((p, len)));
            let expected: Vec<(usize, usize)> = (1..=longest.min(bytes.len() - i))
                .filter_map(|len| index.get(&bytes[i..i + len]).map(|&p| (p, len)))
                .collect();
            assert_eq!(ours, expected, "at byte {i}");
            walks += usize::from(!ours.is_empty());
        }
        assert!(walks > 3000, "{walks} walks found something");
    }

    /// Symbols spell UTF-8 text one to one: distinct texts, distinct symbols.
    #[test]
    fn symbols_are_unambiguous() {
        let texts = [
            "ب", "ب ", "بب", "Ġ", "Ġب", "پ", "ؠ", "ٟ", "ٰ", "é", "a", "ـ", "ءا",
        ];
        let spelled: std::collections::HashSet<Vec<u8>> =
            texts.iter().map(|t| symbols(t.as_bytes())).collect();
        assert_eq!(spelled.len(), texts.len());
        assert_eq!(symbols("بa".as_bytes()), vec![0x80 + 0x08, b'a']);
    }

    #[test]
    fn builtin_patterns_fit_in_cache() {
        let kb = crate::KnowledgeBase::builtin().unwrap();
        let m = kb.group.trie.memory();
        assert!(m < 4 << 20, "trie of {m} bytes");
    }
}
