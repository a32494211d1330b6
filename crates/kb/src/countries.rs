//! Countries as ACLED names them: ISO 3166 numeric code, English name and ACLED region, keyed by
//! the ISO2 code that gazetteer rows carry (`data/countries.csv`).

use std::collections::HashMap;
use std::sync::LazyLock;

const COUNTRIES_CSV: &str = include_str!("../../../data/countries.csv");

/// One row of `data/countries.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Country {
    pub iso2: &'static str,
    /// ISO 3166-1 numeric, ACLED's `iso` column.
    pub iso: u16,
    pub name: &'static str,
    /// ACLED's `region` ("Middle East", "Europe" ...).
    pub region: &'static str,
}

static COUNTRIES: LazyLock<HashMap<&'static str, Country>> = LazyLock::new(|| {
    COUNTRIES_CSV
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&'static str> = l.split(',').collect();
            // The file is ours and embedded: a malformed row is a build mistake the test catches.
            let c = Country {
                iso2: f[0],
                iso: f[1].parse().expect("countries.csv: iso is a number"),
                name: f[2],
                region: f[3],
            };
            (c.iso2, c)
        })
        .collect()
});

/// The country of an ISO2 code (`"SY"`), if `data/countries.csv` lists it.
pub fn country(iso2: &str) -> Option<&'static Country> {
    COUNTRIES.get(iso2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_parses_and_syria_is_760_in_the_middle_east() {
        assert!(COUNTRIES.len() > 40);
        let sy = country("SY").unwrap();
        assert_eq!((sy.iso, sy.name, sy.region), (760, "Syria", "Middle East"));
        assert_eq!(country("RU").unwrap().region, "Europe");
        assert!(country("XX").is_none());
    }

    #[test]
    fn every_gazetteer_country_code_is_listed() {
        let kb = crate::KnowledgeBase::builtin().unwrap();
        for p in &kb.places {
            assert!(
                country(&p.country).is_some(),
                "place {} has country {:?}, missing from data/countries.csv",
                p.id,
                p.country
            );
        }
    }
}
