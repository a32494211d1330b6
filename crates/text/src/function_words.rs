//! Free-standing function words that decide how the next word is read, spelled as `normalize`
//! writes them (alif maqsura as ya: "علي" for "على").

/// Prepositions and the like after which a side named is a prepositional object, not a
/// subject: "طرد التنظيم من", "بعد معارك مع قوات النظام", "على يد".
pub const OBJECT_PREPOSITIONS: &[&str] = &[
    "من",
    "مع",
    "ضد",
    "عن",
    "علي",
    "لصالح",
    "بين",
    "لدي",
    "يد",
    "بيد",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_hold_normalized_single_words() {
        for w in OBJECT_PREPOSITIONS {
            assert_eq!(crate::normalize(w).text, *w, "{w}");
            assert!(!w.contains(' '), "{w}");
        }
    }
}
