//! The knowledge-base patterns as a double-array trie (the `yada` crate).
//!
//! Matches start only at a word start or right after a proclitic, so the matcher walks the trie
//! from those positions and reports every pattern the text continues with (a common-prefix
//! search). A transition is a couple of array reads and the whole trie takes a few hundred
//! kilobytes, so the walks stay in cache: a dense aho-corasick DFA over the same patterns took
//! 25 MB, and its cache misses dominated matching time.

use yada::builder::DoubleArrayBuilder;
use yada::DoubleArray;

/// Patterns in a trie, walked one byte at a time from a start position.
#[derive(Clone)]
pub(crate) struct Trie {
    /// `None` without patterns (the builder needs at least one key).
    array: Option<DoubleArray<Vec<u8>>>,
}

impl std::fmt::Debug for Trie {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Trie")
            .field("bytes", &self.array.as_ref().map_or(0, |a| a.0.len()))
            .finish()
    }
}

impl Default for Trie {
    fn default() -> Self {
        Trie::new(&[])
    }
}

impl Trie {
    /// The trie of `patterns` (distinct, non-empty, without NUL bytes); pattern `i` is reported
    /// as `i`.
    pub fn new(patterns: &[String]) -> Trie {
        let mut keys: Vec<(&[u8], u32)> = patterns
            .iter()
            .enumerate()
            .map(|(i, p)| {
                debug_assert!(!p.is_empty() && !p.contains('\0'), "pattern {p:?}");
                // Values are 31 bits: far more than the patterns of any knowledge base.
                (
                    p.as_bytes(),
                    u32::try_from(i).expect("fewer than 2^31 patterns"),
                )
            })
            .collect();
        keys.sort_unstable();
        keys.dedup_by(|a, b| a.0 == b.0);
        let array = (!keys.is_empty()).then(|| {
            DoubleArray::new(DoubleArrayBuilder::build(&keys).expect("patterns make a trie"))
        });
        Trie { array }
    }

    /// Every pattern that `text` starts with, shortest first, as (length, pattern) in `hits`
    /// (cleared first).
    pub fn prefixes_of(&self, text: &[u8], hits: &mut Vec<(usize, usize)>) {
        hits.clear();
        if let Some(a) = &self.array {
            hits.extend(
                a.common_prefix_search(text)
                    .map(|(pattern, len)| (len, pattern as usize)),
            );
        }
    }

    /// Bytes of memory held.
    #[cfg(test)]
    pub fn memory(&self) -> usize {
        self.array.as_ref().map_or(0, |a| a.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::Trie;

    /// Every pattern that `text` starts with, as (pattern, length).
    fn prefixes(t: &Trie, text: &str) -> Vec<(usize, usize)> {
        let mut hits = Vec::new();
        t.prefixes_of(text.as_bytes(), &mut hits);
        hits.into_iter().map(|(len, p)| (p, len)).collect()
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
        assert!(prefixes(&Trie::new(&[]), "abc").is_empty());
    }

    #[test]
    fn builtin_patterns_fit_in_cache() {
        let kb = crate::KnowledgeBase::builtin().unwrap();
        let m = kb.group.trie.memory();
        assert!(m < 4 << 20, "trie of {m} bytes");
    }
}
