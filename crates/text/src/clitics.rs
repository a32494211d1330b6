//! Arabic proclitics: the one home of the letters and letter sequences that Arabic glues to the
//! front of a word (و ف "and", ب ل ك "with, for, like", س future, ال the article). Each stage
//! reads words with a different subset, named here for what it accepts, so a change to the
//! language facts is made once.

/// Conjunctions glued to the next word ("و", "ف").
pub const CONJUNCTIONS: &[&str] = &["و", "ف"];

/// Prepositions glued to the next word ("ب", "ل", "ك").
pub const PREPOSITIONS: &[&str] = &["ب", "ل", "ك"];

/// Every proclitic reading tried on a word of running text (conjunctions, prepositions, the
/// future "س", the article and their combinations), longest first within each first letter so
/// the order of readings is stable.
pub const WORD_PROCLITICS: &[&str] = &[
    "و", "ف", "ب", "ل", "ك", "س", "ال", "لل", "وب", "ول", "فب", "فل", "وك", "وال", "بال", "فال",
    "كال", "ولل", "فلل", "وبال",
];

/// Proclitic sequences accepted before a name in the knowledge base (a conjunction, a
/// preposition, or one then the other); the article belongs to the name itself.
pub const NAME_PROCLITICS: &[&str] = &["و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك", "فك"];

/// Proclitics accepted before the "لل" contraction (ل + the article): conjunctions only.
pub const LIL_PROCLITICS: &[&str] = CONJUNCTIONS;

/// Proclitics whose removal gives an extra reading of a word in the search index.
pub const INDEX_PROCLITICS: &[&str] = &[
    "و", "ف", "ب", "ل", "ك", "ال", "وال", "بال", "لل", "فال", "كال", "وبال",
];

/// Article combinations stripped from query words (longest first).
pub const QUERY_PROCLITICS: &[&str] = &["وبال", "وال", "بال", "فال", "كال", "لل", "ال"];

/// Proclitics allowed glued to a number word or digits ("وخمسه", "بحوالي", "ب15"), longest
/// first.
pub const NUMBER_PROCLITICS: &[&str] = &["وب", "ول", "فب", "فل", "و", "ب", "ل", "ف"];

/// Single-letter proclitics that a word-list lookup strips from the front of a word
/// ("وبقرية" → "قرية").
pub const LETTER_PROCLITICS: &[char] = &['و', 'ف', 'ب', 'ل'];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_is_built_from_the_single_letters() {
        let letters: Vec<char> = CONJUNCTIONS
            .iter()
            .chain(PREPOSITIONS)
            .flat_map(|s| s.chars())
            .chain(['س', 'ا', 'ل'])
            .collect();
        for list in [
            WORD_PROCLITICS,
            NAME_PROCLITICS,
            LIL_PROCLITICS,
            INDEX_PROCLITICS,
            QUERY_PROCLITICS,
            NUMBER_PROCLITICS,
        ] {
            for p in list {
                assert!(p.chars().all(|c| letters.contains(&c)), "{p}");
            }
        }
        assert!(LETTER_PROCLITICS.iter().all(|c| letters.contains(c)));
    }
}
