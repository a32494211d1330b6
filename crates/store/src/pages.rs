//! Pages of events and stories for the web page: sorted and paged in SQL over every matching
//! row (a page sorted in the browser only orders the rows it holds), each with the total, and
//! the timeline's counts. Filters are [`EventFilter`]s, resolved through the knowledge base as
//! the CLI's are.

use marsad_extract::Event;
use marsad_link::Story;
use rusqlite::params_from_iter;
use serde::Serialize;

use crate::{EventFilter, Store, StoreError};

/// A column the events page sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventSortKey {
    Date,
    Type,
    SubType,
    Actor1,
    Actor2,
    Location,
    Admin1,
    Fatalities,
    Stance,
    Source,
    CitedSource,
    Doc,
}

impl EventSortKey {
    /// Every key by its API name (the name of the row field it sorts).
    pub const ALL: &'static [(&'static str, EventSortKey)] = &[
        ("event_date", EventSortKey::Date),
        ("event_type", EventSortKey::Type),
        ("sub_event_type", EventSortKey::SubType),
        ("actor1", EventSortKey::Actor1),
        ("actor2", EventSortKey::Actor2),
        ("location", EventSortKey::Location),
        ("admin1", EventSortKey::Admin1),
        ("fatalities", EventSortKey::Fatalities),
        ("stance", EventSortKey::Stance),
        ("source", EventSortKey::Source),
        ("cited_source", EventSortKey::CitedSource),
        ("doc", EventSortKey::Doc),
    ];

    pub fn named(name: &str) -> Option<EventSortKey> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, k)| *k)
    }

    /// The SQL expression over the `events` table (a fixed string: nothing typed reaches it).
    fn sql(self) -> &'static str {
        match self {
            EventSortKey::Date => "event_date",
            EventSortKey::Type => "event_type",
            EventSortKey::SubType => "sub_event_type",
            EventSortKey::Actor1 => "json_extract(json, '$.actor1.name')",
            EventSortKey::Actor2 => "json_extract(json, '$.actor2.name')",
            EventSortKey::Location => "location",
            EventSortKey::Admin1 => "admin1",
            EventSortKey::Fatalities => "fatalities",
            EventSortKey::Stance => "stance",
            EventSortKey::Source => "json_extract(json, '$.source')",
            EventSortKey::CitedSource => "json_extract(json, '$.cited_source.text')",
            EventSortKey::Doc => "doc_id",
        }
    }
}

/// Order of an events page: a key and a direction. Rows without a value come last either
/// way (an undated event is not the earliest nor the latest); ties keep document order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventSort {
    pub key: EventSortKey,
    pub descending: bool,
}

/// Story filters of the stories page. The event filter's type, actor and place select the
/// stories holding at least one such event; its dates bound the story's date range: a story is
/// kept when its range reaches into them.
#[derive(Debug, Clone, Default)]
pub struct StoryPageFilter {
    pub events: EventFilter,
    /// `single-source`, `corroborated` or `contested`.
    pub status: Option<String>,
    pub min_reports: Option<usize>,
}

/// One bar of the timeline: events of a type in a period, and the fatalities they report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineBucket {
    pub period: String,
    pub event_type: String,
    pub count: u64,
    pub fatalities: u64,
}

/// Period of the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Day,
    /// Weeks starting on Monday, named by their Monday.
    Week,
    /// Named by their first day (`YYYY-MM-01`).
    Month,
}

impl Period {
    fn sql(self) -> &'static str {
        match self {
            Period::Day => "date(event_date)",
            Period::Week => "date(event_date, '-6 days', 'weekday 1')",
            Period::Month => "date(event_date, 'start of month')",
        }
    }
}

impl Store {
    fn parse_rows<T: serde::de::DeserializeOwned>(
        &self,
        what: &str,
        rows: Vec<String>,
    ) -> Result<Vec<T>, StoreError> {
        rows.iter()
            .map(|j| {
                serde_json::from_str(j).map_err(|source| StoreError::Json {
                    path: self.path.clone(),
                    what: what.into(),
                    source,
                })
            })
            .collect()
    }

    /// How many events `f` keeps, and `limit` of them after `offset` in the order of `sort`
    /// (document order when `None`).
    pub fn event_page(
        &self,
        f: &EventFilter,
        sort: Option<EventSort>,
        offset: usize,
        limit: usize,
    ) -> Result<(u64, Vec<Event>), StoreError> {
        let (wh, args) = f.where_sql();
        let total: i64 = self.sql(|c| {
            c.prepare_cached(&format!("SELECT count(*) FROM events{wh}"))?
                .query_row(params_from_iter(args.iter()), |r| r.get(0))
        })?;
        let order = match sort {
            None => "doc_id, rowid".to_string(),
            Some(s) => {
                let x = s.key.sql();
                let dir = if s.descending { "DESC" } else { "ASC" };
                format!("({x}) IS NULL, {x} {dir}, doc_id, rowid")
            }
        };
        // The sort reads only the sorted column and rowids; the JSON of the page's rows only.
        // A join does not keep the order of its subquery: the page's rows carry their rank.
        let sql = format!(
            "SELECT e.json FROM (SELECT rowid AS r, row_number() OVER (ORDER BY {order}) AS n
                                 FROM events{wh} ORDER BY {order} LIMIT {limit} OFFSET {offset}) p
             JOIN events e ON e.rowid = p.r ORDER BY p.n"
        );
        let rows: Vec<String> = self.sql(|c| {
            let mut st = c.prepare_cached(&sql)?;
            let rows = st.query_map(params_from_iter(args.iter()), |r| r.get(0))?;
            rows.collect()
        })?;
        Ok((total as u64, self.parse_rows("event", rows)?))
    }

    /// How many stories `f` keeps, and `limit` of them after `offset`, earliest first
    /// (undated last).
    pub fn story_page(
        &self,
        f: &StoryPageFilter,
        offset: usize,
        limit: usize,
    ) -> Result<(u64, Vec<Story>), StoreError> {
        self.ensure_story_schema()?;
        let mut sql = String::from(" WHERE 1=1");
        let mut args: Vec<String> = Vec::new();
        let ev = &f.events;
        if ev.types.is_some() || ev.actor_ids.is_some() || ev.places.is_some() || ev.doc.is_some() {
            // Dates bound the story's range below, not each event's.
            let only = EventFilter {
                since: None,
                until: None,
                limit: None,
                ..ev.clone()
            };
            let (wh, a) = only.where_sql();
            sql.push_str(&format!(
                " AND id IN (SELECT story_id FROM story_events WHERE event_id IN (SELECT id FROM events{wh}))"
            ));
            args.extend(a);
        }
        if let Some(s) = &f.status {
            sql.push_str(" AND status = ?");
            args.push(s.clone());
        }
        if let Some(s) = &ev.since {
            sql.push_str(" AND coalesce(date_to, date_from) >= ?");
            args.push(s.clone());
        }
        if let Some(u) = &ev.until {
            sql.push_str(" AND date_from <= ?");
            args.push(u.clone());
        }
        if let Some(n) = f.min_reports {
            sql.push_str(&format!(" AND reports >= {n}"));
        }
        let total: i64 = self.sql(|c| {
            c.prepare(&format!("SELECT count(*) FROM stories{sql}"))?
                .query_row(params_from_iter(args.iter()), |r| r.get(0))
        })?;
        let rows: Vec<String> = self.sql(|c| {
            let mut st = c.prepare(&format!(
                "SELECT json FROM stories{sql} ORDER BY date_from IS NULL, date_from, length(id), id LIMIT {limit} OFFSET {offset}"
            ))?;
            let rows = st.query_map(params_from_iter(args.iter()), |r| r.get(0))?;
            rows.collect()
        })?;
        Ok((total as u64, self.parse_rows("story", rows)?))
    }

    /// Events and fatalities per period and event type (undated events left out), and how
    /// many events `f` keeps that have no date. Periods without events are not rows: the
    /// reader fills them in.
    pub fn timeline(
        &self,
        f: &EventFilter,
        by: Period,
    ) -> Result<(Vec<TimelineBucket>, u64), StoreError> {
        let (wh, args) = f.where_sql();
        let period = by.sql();
        let buckets = self.sql(|c| {
            let mut st = c.prepare_cached(&format!(
                "SELECT {period} AS p, event_type, count(*), coalesce(sum(fatalities), 0) FROM events{wh}
                 AND event_date IS NOT NULL GROUP BY p, event_type HAVING p IS NOT NULL ORDER BY p, event_type"
            ))?;
            let rows = st.query_map(params_from_iter(args.iter()), |r| {
                Ok(TimelineBucket {
                    period: r.get(0)?,
                    event_type: r.get(1)?,
                    count: r.get::<_, i64>(2)? as u64,
                    fatalities: r.get::<_, i64>(3)?.max(0) as u64,
                })
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })?;
        let undated: i64 = self.sql(|c| {
            c.prepare_cached(&format!(
                "SELECT count(*) FROM events{wh} AND event_date IS NULL"
            ))?
            .query_row(params_from_iter(args.iter()), |r| r.get(0))
        })?;
        Ok((buckets, undated as u64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::{analysis, doc, event};
    use marsad_extract::{Approx, Count};

    fn with_fatalities(d: &str, n: Option<u64>, date: Option<&str>) -> Event {
        let mut e = event(d, "Armed clash", "sdf");
        e.fatalities = n.map(|value| Count {
            value,
            approx: Approx::Exact,
            evidence: vec![],
        });
        e.date.date = date.map(String::from);
        e
    }

    /// Three documents, the largest toll in the last one stored.
    fn store(dir: &std::path::Path) -> Store {
        let mut s = Store::open(dir).unwrap();
        for (id, n, date) in [
            ("a", Some(5), Some("2020-01-02")),
            ("b", None, None),
            ("c", Some(40), Some("2020-01-05")),
        ] {
            let d = doc(id, &format!("نص {id}"));
            s.insert(&d, &analysis(&d, vec![with_fatalities(id, n, date)]))
                .unwrap();
        }
        s
    }

    fn ids(events: &[Event]) -> Vec<&str> {
        events.iter().map(|e| e.doc.as_str()).collect()
    }

    #[test]
    fn sorting_reaches_every_row_and_puts_missing_values_last() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(dir.path());
        let f = EventFilter::default();
        let by = |descending| {
            Some(EventSort {
                key: EventSortKey::Fatalities,
                descending,
            })
        };
        // A page of one: the largest is first although it was stored last.
        let (total, page) = s.event_page(&f, by(true), 0, 1).unwrap();
        assert_eq!((total, ids(&page)), (3, vec!["c"]));
        let (_, all) = s.event_page(&f, by(true), 0, 10).unwrap();
        assert_eq!(ids(&all), vec!["c", "a", "b"]);
        let (_, all) = s.event_page(&f, by(false), 0, 10).unwrap();
        assert_eq!(ids(&all), vec!["a", "c", "b"]);
        let (_, second) = s.event_page(&f, by(false), 1, 1).unwrap();
        assert_eq!(ids(&second), vec!["c"]);
        let (_, plain) = s.event_page(&f, None, 0, 10).unwrap();
        assert_eq!(ids(&plain), vec!["a", "b", "c"]);
    }

    #[test]
    fn every_sort_key_runs() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(dir.path());
        for (name, key) in EventSortKey::ALL {
            assert_eq!(EventSortKey::named(name), Some(*key));
            for descending in [false, true] {
                let (n, rows) = s
                    .event_page(
                        &EventFilter::default(),
                        Some(EventSort {
                            key: *key,
                            descending,
                        }),
                        0,
                        10,
                    )
                    .unwrap();
                assert_eq!((n, rows.len()), (3, 3), "{name}");
            }
        }
        assert_eq!(EventSortKey::named("json"), None);
    }

    #[test]
    fn timeline_sums_fatalities_and_counts_undated_events() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(dir.path());
        let (days, undated) = s.timeline(&EventFilter::default(), Period::Day).unwrap();
        assert_eq!(undated, 1);
        let got: Vec<(&str, u64, u64)> = days
            .iter()
            .map(|b| (b.period.as_str(), b.count, b.fatalities))
            .collect();
        assert_eq!(got, vec![("2020-01-02", 1, 5), ("2020-01-05", 1, 40)]);
        let (months, _) = s.timeline(&EventFilter::default(), Period::Month).unwrap();
        assert_eq!(months.len(), 1);
        assert_eq!(
            (
                months[0].period.as_str(),
                months[0].count,
                months[0].fatalities
            ),
            ("2020-01-01", 2, 45)
        );
        let (weeks, _) = s.timeline(&EventFilter::default(), Period::Week).unwrap();
        // 2020-01-02 is a Thursday, 2020-01-05 a Sunday: both in the week of Monday 2019-12-30.
        assert_eq!(weeks.len(), 1);
        assert_eq!(weeks[0].period, "2019-12-30");
    }

    #[test]
    fn story_pages_filter_through_the_knowledge_base_and_page() {
        use crate::FilterQuery;
        use marsad_link::{LinkConfig, Linker};
        use std::sync::Arc;
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path()).unwrap();
        // Months apart and unplaced: three stories of one event each.
        for (id, actor, date) in [
            ("a", "sdf", "2020-01-02"),
            ("b", "isis", "2020-03-10"),
            ("c", "sdf", "2020-05-01"),
        ] {
            let d = doc(id, &format!("نص {id}"));
            let mut e = event(id, "Armed clash", actor);
            e.date.date = Some(date.into());
            s.insert(&d, &analysis(&d, vec![e])).unwrap();
        }
        let kb = marsad_kb::KnowledgeBase::builtin().unwrap();
        let mut linker = Linker::new(Arc::new(kb.clone()), LinkConfig::default());
        linker.add_events(None, &s.events(&EventFilter::default()).unwrap());
        linker.take_changes();
        s.save_links_full(&linker.to_state()).unwrap();
        let doc_of: std::collections::HashMap<String, String> = s
            .events(&EventFilter::default())
            .unwrap()
            .into_iter()
            .map(|e| (e.id, e.doc))
            .collect();
        let page = |q: FilterQuery, offset, limit| {
            let f = StoryPageFilter {
                events: EventFilter::resolve(&q, &kb).unwrap(),
                ..StoryPageFilter::default()
            };
            let (n, stories) = s.story_page(&f, offset, limit).unwrap();
            let docs: Vec<String> = stories
                .iter()
                .flat_map(|st| st.events.iter().map(|e| doc_of[e].clone()))
                .collect();
            (n, docs)
        };
        let all = page(FilterQuery::default(), 0, 10);
        assert_eq!(all.0, 3);
        assert_eq!(
            page(FilterQuery::default(), 1, 1),
            (3, vec![all.1[1].clone()])
        );
        let actor = |a: &str| FilterQuery {
            actor: Some(a.into()),
            ..FilterQuery::default()
        };
        // Any alias selects the actor's stories: the Arabic abbreviation as the English name.
        assert_eq!(page(actor("قسد"), 0, 10).0, 2);
        assert_eq!(page(actor("قسد"), 0, 10), page(actor("SDF"), 0, 10));
        assert_eq!(page(actor("داعش"), 0, 10).0, 1);
        let since = FilterQuery {
            since: Some("2020-03".into()),
            ..actor("sdf")
        };
        assert_eq!(page(since, 0, 10).0, 1);
    }
}
