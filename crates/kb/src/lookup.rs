//! Entities looked up by a name a person types, for the filters of the CLI and the API: any
//! alias, Arabic or English, selects the entity; a name never matches inside a word.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::load::norm_phrase;
use crate::{Actor, EventType, KnowledgeBase, Place, SubEventType};

const EVENT_TYPES_TOML: &str = include_str!("../../../data/event_types.toml");

/// The ACLED types a typed name selects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeSelection {
    pub event_types: Vec<EventType>,
    pub sub_event_types: Vec<SubEventType>,
}

impl TypeSelection {
    pub fn is_empty(&self) -> bool {
        self.event_types.is_empty() && self.sub_event_types.is_empty()
    }
}

#[derive(Deserialize)]
struct TypeNamesFile {
    name: Vec<TypeName>,
}

#[derive(Deserialize)]
struct TypeName {
    acled: String,
    ar: Vec<String>,
}

/// (normalized Arabic name, ACLED name) pairs of `data/event_types.toml`.
fn arabic_type_names() -> &'static [(String, String)] {
    static NAMES: OnceLock<Vec<(String, String)>> = OnceLock::new();
    NAMES.get_or_init(|| {
        // Embedded data, checked by a unit test: a broken file is a build defect.
        let file: TypeNamesFile =
            toml::from_str(EVENT_TYPES_TOML).expect("data/event_types.toml parses");
        file.name
            .iter()
            .flat_map(|n| n.ar.iter().map(|a| (norm_phrase(a), n.acled.clone())))
            .collect()
    })
}

/// Lower-case words of a Latin name: "IS: Islamic State" → ["is", "islamic", "state"].
fn latin_words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// `needle` occurs in `hay` as a run of whole words.
fn has_word_run(hay: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// ACLED types named by `query`: an ACLED event or sub-event type name or a part of one in
/// English, case-insensitive ("air", "Battles"), or an Arabic name from
/// `data/event_types.toml` ("غارة جوية", "معارك").
pub fn types_named(query: &str) -> TypeSelection {
    let q = query.trim();
    let mut sel = TypeSelection::default();
    if q.is_empty() {
        return sel;
    }
    let lower = q.to_lowercase();
    let key = norm_phrase(q);
    let arabic: Vec<&str> = arabic_type_names()
        .iter()
        .filter(|(ar, _)| *ar == key)
        .map(|(_, acled)| acled.as_str())
        .collect();
    for t in EventType::ALL {
        if t.as_str().to_lowercase().contains(&lower) || arabic.contains(&t.as_str()) {
            sel.event_types.push(*t);
        }
    }
    for t in SubEventType::ALL {
        if t.as_str().to_lowercase().contains(&lower) || arabic.contains(&t.as_str()) {
            sel.sub_event_types.push(*t);
        }
    }
    sel
}

impl KnowledgeBase {
    /// The actors `query` names: an alias (Arabic or Latin, after normalization), the id or the
    /// English name; failing those, English names that hold the query as whole words ("IS",
    /// "Islamic State", never "Asayish" for "IS").
    pub fn actors_named(&self, query: &str) -> Vec<&Actor> {
        let q = query.trim();
        if q.is_empty() {
            return Vec::new();
        }
        let key = norm_phrase(q);
        let exact: Vec<&Actor> = self
            .actors
            .iter()
            .filter(|a| {
                a.id.eq_ignore_ascii_case(q)
                    || a.name.eq_ignore_ascii_case(q)
                    || a.aliases.contains(&key)
            })
            .collect();
        if !exact.is_empty() {
            return exact;
        }
        let words = latin_words(q);
        self.actors
            .iter()
            .filter(|a| has_word_run(&latin_words(&a.name), &words))
            .collect()
    }

    /// The places `query` names: the Arabic name or a variant (after normalization), or the
    /// English name, case-insensitive; failing those, English names that hold the query as
    /// whole words.
    pub fn places_matching(&self, query: &str) -> Vec<&Place> {
        let q = query.trim();
        if q.is_empty() {
            return Vec::new();
        }
        let mut found: Vec<&Place> = self
            .places_named(q)
            .into_iter()
            .map(|i| &self.places[i])
            .collect();
        found.extend(
            self.places
                .iter()
                .filter(|p| p.name.eq_ignore_ascii_case(q)),
        );
        if found.is_empty() {
            let words = latin_words(q);
            found.extend(
                self.places
                    .iter()
                    .filter(|p| has_word_run(&latin_words(&p.name), &words)),
            );
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kb() -> KnowledgeBase {
        KnowledgeBase::builtin().unwrap()
    }

    #[test]
    fn arabic_and_latin_aliases_select_the_same_actor() {
        let kb = kb();
        let ids = |q: &str| {
            kb.actors_named(q)
                .iter()
                .map(|a| a.id.clone())
                .collect::<Vec<_>>()
        };
        let isis = ids("داعش");
        assert!(!isis.is_empty());
        assert_eq!(isis, ids("تنظيم الدولة الإسلامية"));
        assert!(ids("Islamic State").iter().any(|i| isis.contains(i)));
        let sdf = ids("قسد");
        assert!(!sdf.is_empty());
        assert!(
            ids("SDF").iter().all(|i| sdf.contains(i)),
            "{:?}",
            ids("SDF")
        );
    }

    #[test]
    fn a_short_name_never_matches_inside_a_word() {
        let kb = kb();
        let names: Vec<&str> = kb
            .actors_named("IS")
            .iter()
            .map(|a| a.name.as_str())
            .collect();
        assert!(!names.is_empty());
        assert!(
            names
                .iter()
                .all(|n| !n.contains("Asayish") && !n.contains("Kurdish")),
            "{names:?}"
        );
        assert!(kb.actors_named("xyzzy").is_empty());
    }

    #[test]
    fn types_by_arabic_or_english_name() {
        let air = types_named("غارة جوية");
        assert_eq!(air.sub_event_types, vec![SubEventType::AirDroneStrike]);
        assert_eq!(types_named("غارات جويه"), air, "normalized");
        assert_eq!(
            types_named("air").sub_event_types,
            vec![SubEventType::AirDroneStrike]
        );
        assert_eq!(types_named("معارك").event_types, vec![EventType::Battles]);
        assert!(types_named("كلمة").is_empty());
    }

    #[test]
    fn every_arabic_type_name_names_an_acled_type() {
        for (ar, acled) in arabic_type_names() {
            let known = EventType::ALL.iter().any(|t| t.as_str() == acled)
                || SubEventType::ALL.iter().any(|t| t.as_str() == acled);
            assert!(known, "{ar}: {acled}");
        }
    }

    #[test]
    fn places_by_arabic_or_english_name() {
        let kb = kb();
        let ar = kb.places_matching("دير الزور");
        assert!(!ar.is_empty());
        let en = kb.places_matching("deir ez-zor");
        assert!(en.iter().any(|p| ar.iter().any(|q| q.id == p.id)), "{en:?}");
    }
}
