//! Event filters: what a person types ([`FilterQuery`]) resolved through the knowledge base
//! into exact values ([`EventFilter`]) and then into SQL over the `events` table. The CLI and
//! the API both go through [`EventFilter::resolve`], so they select the same events and
//! refuse the same bad input.

use marsad_kb::{types_named, KnowledgeBase, PlaceKind};

/// Filters as typed (CLI flags, API parameters); all optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterQuery {
    /// ACLED event or sub-event type, English (or a part of it) or Arabic.
    pub event_type: Option<String>,
    /// Any alias of an actor, Arabic or English, its id or English name.
    pub actor: Option<String>,
    /// A place's Arabic or English name, or a governorate.
    pub place: Option<String>,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (`/` and `.` also separate); a partial date means
    /// from its first day.
    pub since: Option<String>,
    /// As `since`; a partial date means to its last day.
    pub until: Option<String>,
    pub doc: Option<String>,
}

/// A filter value that selects nothing or does not parse; names the filter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct FilterError {
    /// The filter's name: `type`, `actor`, `place`, `since`, `until`.
    pub field: &'static str,
    pub reason: String,
}

/// Filters for [`crate::Store::events`], resolved to exact values; all optional, combined
/// with AND.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// ACLED event type or sub-event type names, exact; an event matches either.
    pub types: Option<Vec<String>>,
    /// Actor ids: an event matches when any of its actors (either side or associated) is one.
    pub actor_ids: Option<Vec<String>>,
    /// Places: an event matches when its English location name, its Arabic location name or
    /// its governorate is one of these.
    pub places: Option<PlaceSelection>,
    /// ISO bounds, inclusive, compared as text: `until` may end in U+10FFFF to take in a
    /// whole month or year.
    pub since: Option<String>,
    pub until: Option<String>,
    pub doc: Option<String>,
    pub limit: Option<usize>,
}

/// Place names an event's location is compared with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlaceSelection {
    pub names: Vec<String>,
    pub names_ar: Vec<String>,
    pub governorates: Vec<String>,
}

impl EventFilter {
    /// Resolves typed filters through `kb`. A name the knowledge base does not know, or a
    /// date that is not one, is an error naming the filter: a filter that silently selects
    /// nothing looks like an answer.
    pub fn resolve(q: &FilterQuery, kb: &KnowledgeBase) -> Result<EventFilter, FilterError> {
        let mut f = EventFilter {
            doc: q.doc.clone(),
            ..EventFilter::default()
        };
        if let Some(t) = nonempty(&q.event_type) {
            let sel = types_named(t);
            if sel.is_empty() {
                return Err(FilterError {
                    field: "type",
                    reason: format!(
                        "no ACLED event or sub-event type is named {t:?} (e.g. \"Air/drone strike\", \"air\", \"غارة جوية\", \"معارك\")"
                    ),
                });
            }
            let mut names: Vec<String> = sel.event_types.iter().map(|t| t.to_string()).collect();
            names.extend(sel.sub_event_types.iter().map(|t| t.to_string()));
            f.types = Some(names);
        }
        if let Some(a) = nonempty(&q.actor) {
            let actors = kb.actors_named(a);
            if actors.is_empty() {
                return Err(FilterError {
                    field: "actor",
                    reason: format!(
                        "no actor in the knowledge base is named {a:?} (any Arabic or English alias works, e.g. \"داعش\", \"Islamic State\", \"قسد\")"
                    ),
                });
            }
            f.actor_ids = Some(actors.iter().map(|a| a.id.clone()).collect());
        }
        if let Some(p) = nonempty(&q.place) {
            let mut sel = PlaceSelection::default();
            for place in kb.places_matching(p) {
                if place.kind == PlaceKind::Governorate {
                    sel.governorates.push(place.name.clone());
                }
                sel.names.push(place.name.clone());
                sel.names_ar.push(place.name_ar.clone());
            }
            // A place the gazetteer does not know may still be an event's location, named as
            // the article wrote it.
            sel.names_ar.push(p.to_string());
            sel.names.push(p.to_string());
            for v in [&mut sel.names, &mut sel.names_ar, &mut sel.governorates] {
                v.sort();
                v.dedup();
            }
            f.places = Some(sel);
        }
        f.since = nonempty(&q.since)
            .map(|s| date_bound(s, "since"))
            .transpose()?;
        f.until = nonempty(&q.until)
            .map(|s| date_bound(s, "until"))
            .transpose()?
            .map(|u| {
                if u.len() < 10 {
                    // Inclusive: "2017-12" takes in every day of December.
                    format!("{u}\u{10FFFF}")
                } else {
                    u
                }
            });
        if let (Some(s), Some(u)) = (&f.since, &f.until) {
            if s > u {
                return Err(FilterError {
                    field: "since",
                    reason: format!("{s} is after until ({})", u.trim_end_matches('\u{10FFFF}')),
                });
            }
        }
        Ok(f)
    }

    /// The ` WHERE ...` clause over the `events` table for these filters, with its arguments
    /// (limit excluded), for every reader of the table in this crate (the SQL stays here).
    pub(crate) fn where_sql(&self) -> (String, Vec<String>) {
        let mut sql = String::from(" WHERE 1=1");
        let mut args: Vec<String> = Vec::new();
        let marks = |n: usize| vec!["?"; n].join(", ");
        if let Some(t) = &self.types {
            let m = marks(t.len());
            sql.push_str(&format!(
                " AND (event_type IN ({m}) OR sub_event_type IN ({m}))"
            ));
            args.extend(t.iter().cloned());
            args.extend(t.iter().cloned());
        }
        if let Some(ids) = &self.actor_ids {
            // `actors` holds one `id|name` line per actor: an id matches a whole line start.
            let one = "('\n' || actors) LIKE ? ESCAPE '\\'";
            let any = vec![one; ids.len().max(1)].join(" OR ");
            sql.push_str(&format!(" AND ({any})"));
            if ids.is_empty() {
                args.push("\u{0}".into());
            }
            args.extend(
                ids.iter()
                    .map(|id| format!("%\n{}|%", crate::like_literal(id))),
            );
        }
        if let Some(p) = &self.places {
            let mut any = Vec::new();
            for (col, vals) in [
                ("location", &p.names),
                ("location_ar", &p.names_ar),
                ("admin1", &p.governorates),
            ] {
                if !vals.is_empty() {
                    any.push(format!("{col} IN ({})", marks(vals.len())));
                    args.extend(vals.iter().cloned());
                }
            }
            if any.is_empty() {
                any.push("0".into());
            }
            sql.push_str(&format!(" AND ({})", any.join(" OR ")));
        }
        if let Some(s) = &self.since {
            sql.push_str(" AND event_date >= ?");
            args.push(s.clone());
        }
        if let Some(u) = &self.until {
            sql.push_str(" AND event_date <= ?");
            args.push(u.clone());
        }
        if let Some(d) = &self.doc {
            sql.push_str(" AND doc_id = ?");
            args.push(d.clone());
        }
        (sql, args)
    }
}

fn nonempty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (separated by `-`, `/` or `.`) as ISO text, checked to be
/// a real date.
fn date_bound(s: &str, field: &'static str) -> Result<String, FilterError> {
    let bad = || FilterError {
        field,
        reason: format!("not a date (YYYY-MM-DD, YYYY-MM or YYYY): {s:?}"),
    };
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    if parts.len() > 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(bad());
    }
    let n = |i: usize| parts.get(i).map(|p| p.parse::<u32>().unwrap_or(0));
    let year = n(0).filter(|_| parts[0].len() == 4).ok_or_else(bad)?;
    let mut out = format!("{year:04}");
    if let Some(m) = n(1) {
        if !(1..=12).contains(&m) || parts[1].len() > 2 {
            return Err(bad());
        }
        out.push_str(&format!("-{m:02}"));
        if let Some(d) = n(2) {
            if d == 0 || d > days_in_month(year, m) || parts[2].len() > 2 {
                return Err(bad());
            }
            out.push_str(&format!("-{d:02}"));
        }
    }
    Ok(out)
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        2 if y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kb() -> KnowledgeBase {
        KnowledgeBase::builtin().unwrap()
    }

    fn q() -> FilterQuery {
        FilterQuery::default()
    }

    #[test]
    fn dates_are_checked_and_partial_dates_cover_their_period() {
        let kb = kb();
        let f = EventFilter::resolve(
            &FilterQuery {
                since: Some("2017/11/01".into()),
                until: Some("2017-12".into()),
                ..q()
            },
            &kb,
        )
        .unwrap();
        assert_eq!(f.since.as_deref(), Some("2017-11-01"));
        let until = f.until.unwrap();
        assert!(
            until.as_str() > "2017-12-31" && until.as_str() < "2018",
            "{until:?}"
        );
        for bad in [
            "notadate",
            "2017-13",
            "2017-02-30",
            "17-01-01",
            "2017-1-1-1",
            "2017--01",
        ] {
            let e = EventFilter::resolve(
                &FilterQuery {
                    since: Some(bad.into()),
                    ..q()
                },
                &kb,
            )
            .unwrap_err();
            assert_eq!(e.field, "since", "{bad}");
        }
        let e = EventFilter::resolve(
            &FilterQuery {
                since: Some("2018".into()),
                until: Some("2017".into()),
                ..q()
            },
            &kb,
        )
        .unwrap_err();
        assert_eq!(e.field, "since");
        assert!(date_bound("2016-02-29", "since").is_ok());
        assert!(date_bound("2017-02-29", "since").is_err());
    }

    #[test]
    fn unknown_names_are_errors_naming_the_filter() {
        let kb = kb();
        let e = EventFilter::resolve(
            &FilterQuery {
                actor: Some("xyzzy".into()),
                ..q()
            },
            &kb,
        )
        .unwrap_err();
        assert_eq!(e.field, "actor");
        let e = EventFilter::resolve(
            &FilterQuery {
                event_type: Some("كلمة".into()),
                ..q()
            },
            &kb,
        )
        .unwrap_err();
        assert_eq!(e.field, "type");
    }

    #[test]
    fn actor_ids_match_whole_lines_only() {
        let f = EventFilter {
            actor_ids: Some(vec!["is".into()]),
            ..EventFilter::default()
        };
        let (sql, args) = f.where_sql();
        assert!(sql.contains("LIKE"), "{sql}");
        assert_eq!(args, vec!["%\nis|%".to_string()]);
    }
}
