//! Patterns looked up by their first word instead of walked letter by letter: the bulk village
//! names (`villages.csv`), about half of the patterns, which made the trie larger than this
//! host's 512 KiB L2 cache (see docs/BENCHMARKS.md, "Speed, seventh pass").
//!
//! A pattern that is not open-ended matches at a position only if the run of word chars starting
//! there equals the pattern's own first run (its bytes up to the first char that is not a word
//! char): the pattern is spelled by the text and either ends there or goes on with a char that
//! ends the run. So the patterns are filed by that first run, and a walk hashes the text's run
//! once and checks only the patterns filed under it. A bit set of the hashes (8 KiB) turns away
//! nearly every run before the table is read.

use marsad_text::is_word_char;

/// Patterns by their first run of word chars.
#[derive(Debug, Clone, Default)]
pub(crate) struct WordTable {
    /// Bit `hash >> 48` is set when a first run has that hash (`BITS` bits).
    bits: Vec<u64>,
    /// Open addressing (linear probing) by `hash & mask`: index + 1 into `groups`, 0 for none.
    slots: Vec<u32>,
    groups: Vec<WordGroup>,
    /// The patterns of every group, shortest first within a group.
    patterns: Vec<Filed>,
    /// The bytes of the patterns.
    arena: Vec<u8>,
}

#[derive(Debug, Clone, Copy)]
struct WordGroup {
    hash: u32,
    /// The length of the first run: the first `key_len` bytes of each pattern of the group.
    key_len: u32,
    /// `patterns[start..end]`.
    start: u32,
    end: u32,
}

#[derive(Debug, Clone, Copy)]
struct Filed {
    /// The pattern's number in the group of patterns.
    id: u32,
    /// Its bytes in the arena (offset, length).
    at: u32,
    len: u32,
}

/// Bits of [`WordTable::bits`].
const BITS: usize = 1 << 16;

/// The most patterns filed under one first run: a word that starts more names ("تل", "خربة",
/// "ابو": hundreds of villages each) is a common word, and checking all of its names at each of
/// its occurrences cost more cache misses than the trie saved, so those names stay in the trie
/// ([`WordTable::files`]).
pub(crate) const MAX_GROUP: usize = 4;

/// Whether the pattern with `first_run` goes to the table, given how many candidates for the
/// table start with each first run.
pub(crate) fn files(counts: &std::collections::HashMap<&str, usize>, first_run: &str) -> bool {
    !first_run.is_empty() && counts.get(first_run).is_some_and(|&n| n <= MAX_GROUP)
}

/// The first run of word chars of `pattern` (empty when it starts with another char).
pub(crate) fn first_run(pattern: &str) -> &str {
    let end = pattern
        .char_indices()
        .find(|&(_, c)| !is_word_char(c))
        .map_or(pattern.len(), |(i, _)| i);
    &pattern[..end]
}

/// A hash of a word's bytes: its length, its first eight bytes and its last eight (a word of
/// Arabic letters is seldom longer than eight letters, so this reads nearly all of it in two
/// loads, without a loop).
#[inline(always)]
fn hash(w: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let n = w.len();
    let (a, b) = if n >= 8 {
        (load8(&w[..8]), load8(&w[n - 8..]))
    } else {
        let mut x = 0u64;
        for (i, &c) in w.iter().enumerate() {
            x |= u64::from(c) << (8 * i);
        }
        (x, 0)
    };
    let h = (a ^ (n as u64).rotate_left(56)).wrapping_mul(K);
    let h = (h.rotate_left(23) ^ b).wrapping_mul(K);
    h ^ (h >> 29)
}

#[inline(always)]
fn load8(b: &[u8]) -> u64 {
    u64::from_le_bytes(b.try_into().expect("8 bytes"))
}

/// `a == b` for the few bytes of a word, compared in line (a call to `memcmp` costs more than
/// the comparison).
#[inline(always)]
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

impl WordTable {
    /// The table of `patterns` (id, text): each text not empty, with a non-empty first run.
    pub fn new(patterns: &[(u32, &str)]) -> WordTable {
        if patterns.is_empty() {
            return WordTable::default();
        }
        let mut sorted: Vec<(&str, usize, u32, &str)> = patterns
            .iter()
            .map(|&(id, p)| {
                let key = first_run(p);
                debug_assert!(!key.is_empty(), "pattern {p:?}");
                (key, p.len(), id, p)
            })
            .collect();
        sorted.sort_unstable();
        let mut t = WordTable {
            bits: vec![0; BITS / 64],
            ..WordTable::default()
        };
        let mut i = 0;
        while i < sorted.len() {
            let key = sorted[i].0;
            let mut j = i;
            let start = t.patterns.len() as u32;
            while j < sorted.len() && sorted[j].0 == key {
                let p = sorted[j].3;
                t.patterns.push(Filed {
                    id: sorted[j].2,
                    at: t.arena.len() as u32,
                    len: p.len() as u32,
                });
                t.arena.extend_from_slice(p.as_bytes());
                j += 1;
            }
            let h = hash(key.as_bytes());
            t.groups.push(WordGroup {
                hash: h as u32,
                key_len: key.len() as u32,
                start,
                end: t.patterns.len() as u32,
            });
            i = j;
        }
        let size = (t.groups.len() * 2).next_power_of_two();
        t.slots = vec![0; size];
        for (g, group) in t.groups.iter().enumerate() {
            let h = hash(t.key(group));
            let b = (h >> 48) as usize;
            t.bits[b / 64] |= 1 << (b % 64);
            let mut s = h as usize & (size - 1);
            while t.slots[s] != 0 {
                s = (s + 1) & (size - 1);
            }
            t.slots[s] = g as u32 + 1;
        }
        t
    }

    /// The first run of the patterns of `group`.
    #[inline(always)]
    fn key(&self, group: &WordGroup) -> &[u8] {
        let at = self.patterns[group.start as usize].at as usize;
        &self.arena[at..at + group.key_len as usize]
    }

    /// The group filed under `run` (a run of word chars), if any.
    #[inline(always)]
    fn group(&self, run: &[u8]) -> Option<&WordGroup> {
        if self.slots.is_empty() {
            return None;
        }
        let h = hash(run);
        let b = (h >> 48) as usize;
        if self.bits[b / 64] >> (b % 64) & 1 == 0 {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut s = h as usize & mask;
        loop {
            let g = self.slots[s];
            if g == 0 {
                return None;
            }
            let group = &self.groups[g as usize - 1];
            if group.hash == h as u32 && same(self.key(group), run) {
                return Some(group);
            }
            s = (s + 1) & mask;
        }
    }

    /// The patterns that `text` (from an anchor on) starts with, for `run` = the run of word
    /// chars it starts with: (length, id), shortest first; `None` when no pattern is filed under
    /// `run` (nearly always: nothing to merge with the trie's hits).
    #[inline(always)]
    pub fn lookup<'a>(&'a self, text: &'a [u8], run: &[u8]) -> Option<Hits<'a>> {
        let g = self.group(run)?;
        Some(Hits {
            table: self,
            text,
            next: g.start as usize,
            end: g.end as usize,
        })
    }

    /// Bytes of memory held.
    #[cfg(test)]
    pub fn memory(&self) -> usize {
        std::mem::size_of_val(self.bits.as_slice())
            + std::mem::size_of_val(self.slots.as_slice())
            + std::mem::size_of_val(self.groups.as_slice())
            + std::mem::size_of_val(self.patterns.as_slice())
            + self.arena.len()
    }
}

/// The patterns filed under one run that the text starts with, shortest first.
pub(crate) struct Hits<'a> {
    table: &'a WordTable,
    /// The text from the anchor on.
    text: &'a [u8],
    next: usize,
    end: usize,
}

impl Iterator for Hits<'_> {
    /// (length in bytes, pattern id).
    type Item = (usize, usize);

    #[inline]
    fn next(&mut self) -> Option<(usize, usize)> {
        while self.next < self.end {
            let f = self.table.patterns[self.next];
            self.next += 1;
            let p = &self.table.arena[f.at as usize..(f.at + f.len) as usize];
            if self.text.len() >= p.len() && same(&self.text[..p.len()], p) {
                return Some((p.len(), f.id as usize));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::{first_run, WordTable};
    use crate::KnowledgeBase;

    /// What the candidates of a group say, comparable: (prefix, range, target) in order.
    fn found(
        g: &crate::matcher::Group,
        text: &str,
        words: &[std::ops::Range<usize>],
    ) -> Vec<String> {
        g.candidates(text, words)
            .iter()
            .map(|c| format!("{:?} {:?} {:?}", c.prefix, c.range, c.target))
            .collect()
    }

    /// The matcher with the bulk village names in the word table finds exactly the candidates,
    /// in the same order, that one trie of every pattern finds: on texts drawn (by a fixed LCG)
    /// from the knowledge base's own patterns with proclitics, the "لل" form, letters glued
    /// after them and punctuation between, and on the seed articles when `../shared` is there.
    #[test]
    fn word_table_finds_what_the_trie_found() {
        let kb = KnowledgeBase::builtin().unwrap();
        let new = kb.group_builder().build();
        let old = kb.group_builder().build_in_one_trie();
        assert!(
            new.words.memory() > 0 && new.trie.memory() < old.trie.memory(),
            "{} + {} against {}",
            new.trie.memory(),
            new.words.memory(),
            old.trie.memory()
        );
        let mut names: Vec<String> = kb.places.iter().map(|p| p.name_ar.clone()).collect();
        names.extend(kb.actors.iter().flat_map(|a| a.aliases.clone()));
        names.extend(kb.triggers.iter().map(|t| t.phrase.clone()));
        let names: Vec<String> = names
            .iter()
            .map(|n| {
                crate::load::norm_phrase(n)
                    .trim_end_matches('*')
                    .to_string()
            })
            .filter(|n| !n.is_empty())
            .collect();
        let glue = [
            "", "", "", "", "و", "ب", "ل", "وب", "فل", "ك", "لل", "ال", "x", "1", "ـ",
        ];
        let after = ["", "", "", "ه", "ها", "ية", "ان", "-", "،", ".", "1", "a"];
        let between = [" ", " ", " ", "، ", " - ", "\n", " (", ") ", "/"];
        let mut seed: u64 = 11;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        let mut texts = Vec::new();
        for _ in 0..400 {
            let mut t = String::new();
            for _ in 0..60 {
                let name = &names[next(names.len())];
                let name = match (next(4), name.strip_prefix("ال")) {
                    (0, Some(rest)) => format!("لل{rest}"),
                    // A name's first word alone, or cut after its first letters.
                    (1, _) => first_run(name).to_string(),
                    (2, _) => name.chars().take(1 + next(6)).collect(),
                    _ => name.clone(),
                };
                t.push_str(glue[next(glue.len())]);
                t.push_str(&name);
                t.push_str(after[next(after.len())]);
                t.push_str(between[next(between.len())]);
            }
            texts.push(t);
        }
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
        if let Ok(dir) = std::fs::read_dir(seeds) {
            for f in dir.flatten() {
                if let Ok(t) = std::fs::read_to_string(f.path()) {
                    texts.push(marsad_text::normalize(&t).text);
                }
            }
        }
        let (mut cands, mut apart) = (0, 0);
        for text in &texts {
            let words: Vec<_> = marsad_text::word_runs(text).collect();
            let ours = found(&new, text, &words);
            assert_eq!(ours, found(&old, text, &words), "{text}");
            let tokens = marsad_text::tokens(text);
            let runs = marsad_text::word_runs_in(text, &tokens);
            assert_eq!(found(&new, text, &runs), ours, "{text}");
            cands += ours.len();
            apart += ours.iter().filter(|c| c.contains("Place")).count();
        }
        assert!(
            cands > 10_000 && apart > 5_000,
            "{cands} candidates, {apart} places"
        );
    }

    /// Lookups by first run: patterns filed under it that the text spells, shortest first.
    #[test]
    fn lookup_by_first_run() {
        let pats = [(7, "كفر زيتة"), (3, "كفر"), (9, "كفر نبل"), (1, "تل-ابيض")];
        let t = WordTable::new(&pats);
        let hits = |text: &str, run: &str| -> Vec<(usize, usize)> {
            t.lookup(text.as_bytes(), run.as_bytes())
                .map(|h| h.collect())
                .unwrap_or_default()
        };
        assert_eq!(hits("كفر زيتة هنا", "كفر"), vec![(6, 3), (15, 7)]);
        assert_eq!(hits("كفر نبل", "كفر"), vec![(6, 3), (13, 9)]);
        assert_eq!(hits("تل-ابيض", "تل"), vec![(13, 1)]);
        assert!(hits("كفرنبل", "كفرنبل").is_empty());
        assert!(WordTable::new(&[]).lookup(b"x", b"x").is_none());
        assert_eq!(first_run("تل-ابيض"), "تل");
        assert_eq!(first_run("-ابيض"), "");
    }
}
