//! Stories: the linker's state kept in tables, so linking is incremental across runs.
//!
//! Tables: `link_meta` (version, config, and the next story number older builds used),
//! `link_events` (event id → outlet it was linked under; the event itself is the row of
//! `events`), `link_edges` and `link_cannot` (pairs, `a < b`), `stories` (one row per story:
//! the [`Story`] as JSON plus columns to filter on) and `story_events` (event id → story id).
//!
//! [`Store::save_links`] writes only what `Linker::take_saved` reports (plain data of the link
//! crate: `Saved`), in one transaction; [`Store::load_linker_state`] reads back the
//! `LinkerState` a linker is rebuilt from without recomputing anything. The store never calls
//! into the linker.

use std::collections::HashMap;
use std::sync::Arc;

use marsad_extract::Event;
use marsad_link::{Changes, Entry, LinkConfig, LinkerState, Saved, Story, STATE_VERSION};
use rusqlite::{params, Connection, OptionalExtension};

use crate::{Store, StoreError};

const STORY_SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS link_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS link_events (event_id TEXT PRIMARY KEY, outlet TEXT);
CREATE TABLE IF NOT EXISTS link_edges (a TEXT NOT NULL, b TEXT NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS link_edges_b ON link_edges(b);
CREATE TABLE IF NOT EXISTS link_cannot (a TEXT NOT NULL, b TEXT NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stories (
    id TEXT PRIMARY KEY,
    event_type TEXT NOT NULL, sub_event_type TEXT NOT NULL,
    status TEXT NOT NULL,
    date_from TEXT, date_to TEXT,
    actors TEXT NOT NULL, places TEXT NOT NULL,
    outlets INTEGER NOT NULL, sources INTEGER NOT NULL, reports INTEGER NOT NULL,
    json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS stories_date ON stories(date_from);
CREATE TABLE IF NOT EXISTS story_events (event_id TEXT PRIMARY KEY, story_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS story_events_story ON story_events(story_id);
"#;

/// Outlet and title of a document.
pub type OutletTitle = (Option<String>, Option<String>);

/// Filters for [`Store::stories`]; all optional, combined with AND.
#[derive(Debug, Clone, Default)]
pub struct StoryFilter {
    /// Event type or sub-event type of any of its events, case-insensitive substring.
    pub event_type: Option<String>,
    /// Actor id or name of any of its events, case-insensitive substring.
    pub actor: Option<String>,
    /// Place (English or Arabic name, admin1..3) of any of its events, substring.
    pub place: Option<String>,
    /// `single-source`, `corroborated` or `contested`.
    pub status: Option<String>,
    /// Stories whose date range reaches on or after this ISO date.
    pub since: Option<String>,
    /// Stories whose date range starts on or before this ISO date.
    pub until: Option<String>,
    /// Only stories of at least this many reports.
    pub min_reports: Option<usize>,
    pub limit: Option<usize>,
}

fn rows_err(path: &std::path::Path) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |source| StoreError::Sqlite {
        path: path.to_path_buf(),
        source,
    }
}

fn actor_text(e: &Event) -> Vec<String> {
    [&e.actor1, &e.actor2, &e.assoc_actor_1, &e.assoc_actor_2]
        .iter()
        .filter_map(|a| a.as_ref().map(|a| format!("{}|{}", a.id, a.name)))
        .collect()
}

fn place_text(e: &Event) -> Vec<String> {
    let Some(l) = &e.location else {
        return Vec::new();
    };
    let mut v = vec![l.place_id.clone(), l.name.clone(), l.name_ar.clone()];
    v.extend(
        [&l.admin1, &l.admin2, &l.admin3]
            .into_iter()
            .flatten()
            .cloned(),
    );
    v
}

/// Writes a story's row and members; `entry` gives the held entry of a member event (for the
/// filter columns).
fn put_story<'e>(
    tx: &Connection,
    entry: impl Fn(&str) -> Option<&'e Entry>,
    s: &Story,
) -> rusqlite::Result<()> {
    let mut actors: Vec<String> = Vec::new();
    let mut places: Vec<String> = Vec::new();
    let mut types: Vec<String> = vec![s.event_type.clone(), s.sub_event_type.clone()];
    for id in &s.events {
        if let Some(en) = entry(id) {
            actors.extend(actor_text(&en.event));
            places.extend(place_text(&en.event));
            types.push(en.event.event_type.clone());
            types.push(en.event.sub_event_type.clone());
        }
    }
    for v in [&mut actors, &mut places, &mut types] {
        v.sort();
        v.dedup();
    }
    let json = serde_json::to_string(s).expect("story serializes");
    tx.prepare_cached(
        "INSERT OR REPLACE INTO stories (id, event_type, sub_event_type, status, date_from, date_to, actors, places, outlets, sources, reports, json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        s.id,
        types.join("\n"),
        s.sub_event_type,
        s.status.as_str(),
        s.date_range.0,
        s.date_range.1,
        actors.join("\n"),
        places.join("\n"),
        s.outlets as i64,
        s.cited_sources as i64,
        s.reports.len() as i64,
        json
    ])?;
    tx.prepare_cached("DELETE FROM story_events WHERE story_id = ?1")?
        .execute([&s.id])?;
    let mut ins = tx.prepare_cached(
        "INSERT OR REPLACE INTO story_events (event_id, story_id) VALUES (?1, ?2)",
    )?;
    for e in &s.events {
        ins.execute(params![e, s.id])?;
    }
    Ok(())
}

fn put_meta(tx: &Connection, config: &LinkConfig, next_story: u64) -> rusqlite::Result<()> {
    let mut m =
        tx.prepare_cached("INSERT OR REPLACE INTO link_meta (key, value) VALUES (?1, ?2)")?;
    m.execute(params!["version", STATE_VERSION.to_string()])?;
    m.execute(params![
        "config",
        serde_json::to_string(config).expect("config serializes")
    ])?;
    m.execute(params!["next_story", next_story.to_string()])?;
    Ok(())
}

impl Store {
    pub(crate) fn ensure_story_schema(&self) -> Result<(), StoreError> {
        self.sql(|c| c.execute_batch(STORY_SCHEMA))
    }

    /// Whether a linker state has been saved.
    pub fn has_linker(&self) -> Result<bool, StoreError> {
        self.ensure_story_schema()?;
        self.sql(|c| {
            c.query_row("SELECT 1 FROM link_meta WHERE key = 'version'", [], |_| {
                Ok(())
            })
            .optional()
            .map(|o| o.is_some())
        })
    }

    /// Persists what changed in a linker since its last save (or load), as
    /// `marsad_link::Linker::take_saved` gives it, in one transaction (a savepoint of the batch
    /// when one is open, see [`Store::begin_batch`]). A store that holds no linker state yet
    /// takes the whole state instead ([`Store::save_links_full`]).
    pub fn save_links(&mut self, saved: &Saved) -> Result<(), StoreError> {
        let ch: &Changes = &saved.changes;
        let next_story = saved.next_story;
        let path = self.path.clone();
        let err = rows_err(&path);
        let tx = self.conn.savepoint().map_err(&err)?;
        {
            let mut ins_ev = tx
                .prepare_cached(
                    "INSERT OR REPLACE INTO link_events (event_id, outlet) VALUES (?1, ?2)",
                )
                .map_err(&err)?;
            for id in &ch.events {
                if let Some(en) = saved.entries.get(id.as_str()) {
                    ins_ev.execute(params![id, en.outlet]).map_err(&err)?;
                }
            }
            let mut del_ev = tx
                .prepare_cached("DELETE FROM link_events WHERE event_id = ?1")
                .map_err(&err)?;
            for id in &ch.events_removed {
                del_ev.execute([id]).map_err(&err)?;
            }
            let mut del_edge = tx
                .prepare_cached("DELETE FROM link_edges WHERE a = ?1 AND b = ?2")
                .map_err(&err)?;
            for (a, b) in &ch.edges_removed {
                del_edge.execute(params![a, b]).map_err(&err)?;
            }
            let mut ins_edge = tx
                .prepare_cached("INSERT OR IGNORE INTO link_edges (a, b) VALUES (?1, ?2)")
                .map_err(&err)?;
            for (a, b) in &ch.edges_added {
                ins_edge.execute(params![a, b]).map_err(&err)?;
            }
            let mut ins_cannot = tx
                .prepare_cached("INSERT OR IGNORE INTO link_cannot (a, b) VALUES (?1, ?2)")
                .map_err(&err)?;
            for (a, b) in &ch.cannot_added {
                ins_cannot.execute(params![a, b]).map_err(&err)?;
            }
            let mut del_story = tx
                .prepare_cached("DELETE FROM stories WHERE id = ?1")
                .map_err(&err)?;
            let mut del_members = tx
                .prepare_cached("DELETE FROM story_events WHERE story_id = ?1")
                .map_err(&err)?;
            for id in &ch.stories_removed {
                del_story.execute([id]).map_err(&err)?;
                del_members.execute([id]).map_err(&err)?;
            }
            for s in &saved.stories {
                put_story(&tx, |id| saved.entries.get(id).copied(), s).map_err(&err)?;
            }
            put_meta(&tx, saved.config, next_story).map_err(&err)?;
        }
        tx.commit().map_err(&err)?;
        Ok(())
    }

    /// Replaces the saved linker state with `state` (`marsad_link::Linker::to_state`), in one
    /// transaction.
    pub fn save_links_full(&mut self, state: &LinkerState) -> Result<(), StoreError> {
        self.ensure_story_schema()?;
        let entries: HashMap<&str, &Entry> = state
            .events
            .iter()
            .map(|e| (e.event.id.as_str(), e))
            .collect();
        let path = self.path.clone();
        let err = rows_err(&path);
        let tx = self.conn.savepoint().map_err(&err)?;
        tx.execute_batch(
            "DELETE FROM link_meta; DELETE FROM link_events; DELETE FROM link_edges;
             DELETE FROM link_cannot; DELETE FROM stories; DELETE FROM story_events;",
        )
        .map_err(&err)?;
        {
            let mut ins_ev = tx
                .prepare_cached("INSERT INTO link_events (event_id, outlet) VALUES (?1, ?2)")
                .map_err(&err)?;
            for en in &state.events {
                ins_ev
                    .execute(params![en.event.id, en.outlet])
                    .map_err(&err)?;
            }
            let mut ins_edge = tx
                .prepare_cached("INSERT OR IGNORE INTO link_edges (a, b) VALUES (?1, ?2)")
                .map_err(&err)?;
            for (a, b) in &state.edges {
                ins_edge.execute(params![a, b]).map_err(&err)?;
            }
            let mut ins_cannot = tx
                .prepare_cached("INSERT OR IGNORE INTO link_cannot (a, b) VALUES (?1, ?2)")
                .map_err(&err)?;
            for (a, b) in &state.cannot_link {
                ins_cannot.execute(params![a, b]).map_err(&err)?;
            }
            for s in &state.stories {
                put_story(&tx, |id| entries.get(id).copied(), s).map_err(&err)?;
            }
            put_meta(&tx, &state.config, state.next_story).map_err(&err)?;
        }
        tx.commit().map_err(&err)?;
        Ok(())
    }

    /// The saved linker state, if any (events are read from the `events` table).
    pub fn load_linker_state(&self) -> Result<Option<LinkerState>, StoreError> {
        if !self.has_linker()? {
            return Ok(None);
        }
        let json_err = |what: &str, source| StoreError::Json {
            path: self.path.clone(),
            what: what.to_string(),
            source,
        };
        let meta: HashMap<String, String> = self.sql(|c| {
            let mut st = c.prepare("SELECT key, value FROM link_meta")?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect()
        })?;
        let version: u32 = meta
            .get("version")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let config: LinkConfig = match meta.get("config") {
            Some(j) => serde_json::from_str(j).map_err(|e| json_err("link config", e))?,
            None => LinkConfig::default(),
        };
        let next_story: u64 = meta
            .get("next_story")
            .and_then(|v| v.parse().ok())
            .unwrap_or(1);
        // Row by row, each entry slimmed as it is read: the whole table's JSON is never held.
        let mut events = Vec::new();
        let mut bad: Option<serde_json::Error> = None;
        self.sql(|c| {
            let mut st = c.prepare(
                "SELECT e.json, l.outlet FROM link_events l JOIN events e ON e.id = l.event_id ORDER BY l.event_id",
            )?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                let j = r.get_ref(0)?.as_str()?;
                match serde_json::from_str::<Event>(j) {
                    Ok(event) => {
                        let mut en = Entry {
                            event,
                            outlet: r.get(1)?,
                        };
                        en.slim();
                        events.push(en);
                    }
                    Err(e) => {
                        bad = Some(e);
                        break;
                    }
                }
            }
            Ok(())
        })?;
        if let Some(e) = bad {
            return Err(json_err("event", e));
        }
        let pairs = |table: &str| -> Result<Vec<(String, String)>, StoreError> {
            self.sql(|c| {
                let mut st = c.prepare(&format!("SELECT a, b FROM {table} ORDER BY a, b"))?;
                let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect()
            })
        };
        let edges = pairs("link_edges")?;
        let cannot_link = pairs("link_cannot")?;
        let stories = self.stories(&StoryFilter::default())?;
        Ok(Some(LinkerState {
            version,
            config,
            next_story,
            events,
            stories,
            edges,
            cannot_link,
        }))
    }

    /// Part of the saved linker state, for `Linker::restore`: the linked events dated from
    /// `from` to `to` (ISO dates, inclusive; `None` leaves that side open: both `None` is every
    /// linked event), with every event of their stories, those stories and their links.
    #[allow(clippy::type_complexity)]
    pub fn linker_part(
        &self,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<(Vec<Entry>, Vec<Story>, Vec<(String, String)>), StoreError> {
        self.ensure_story_schema()?;
        let json_err = |what: &str, source| StoreError::Json {
            path: self.path.clone(),
            what: what.to_string(),
            source,
        };
        let parse = |rows: Vec<(String, Option<String>)>| -> Result<Vec<Entry>, StoreError> {
            rows.into_iter()
                .map(|(j, outlet)| {
                    let event: Event =
                        serde_json::from_str(&j).map_err(|e| json_err("event", e))?;
                    let mut en = Entry { event, outlet };
                    en.slim();
                    Ok(en)
                })
                .collect()
        };
        // Driven by the date index when a date bounds the range.
        let mut sql = String::from(
            "SELECT e.json, l.outlet FROM events e JOIN link_events l ON l.event_id = e.id WHERE 1=1",
        );
        let mut args: Vec<&str> = Vec::new();
        if let Some(f) = from {
            sql.push_str(" AND e.event_date >= ?");
            args.push(f);
        }
        if let Some(t) = to {
            sql.push_str(" AND e.event_date <= ?");
            args.push(t);
        }
        let rows: Vec<(String, Option<String>)> = self.sql(|c| {
            let mut st = c.prepare(&sql)?;
            let rows = st.query_map(rusqlite::params_from_iter(args.iter()), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
            rows.collect()
        })?;
        let mut entries = parse(rows)?;
        let mut have: std::collections::HashSet<String> =
            entries.iter().map(|e| e.event.id.clone()).collect();
        // Their stories, and the stories' other events.
        let mut story_ids: std::collections::BTreeSet<String> = Default::default();
        self.sql(|c| {
            let mut st =
                c.prepare_cached("SELECT story_id FROM story_events WHERE event_id = ?1")?;
            for id in &have {
                if let Some(s) = st.query_row([id], |r| r.get(0)).optional()? {
                    story_ids.insert(s);
                }
            }
            Ok(())
        })?;
        let mut stories = Vec::with_capacity(story_ids.len());
        for id in &story_ids {
            if let Some(s) = self.story(id)? {
                stories.push(s);
            }
        }
        let missing: Vec<String> = stories
            .iter()
            .flat_map(|s| s.events.iter())
            .filter(|e| !have.contains(*e))
            .cloned()
            .collect();
        let rows: Vec<(String, Option<String>)> = self.sql(|c| {
            let mut st = c.prepare_cached(
                "SELECT e.json, l.outlet FROM link_events l JOIN events e ON e.id = l.event_id
                 WHERE l.event_id = ?1",
            )?;
            let mut out = Vec::new();
            for id in &missing {
                if let Some(r) = st
                    .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?
                {
                    out.push(r);
                }
            }
            Ok(out)
        })?;
        let more = parse(rows)?;
        have.extend(more.iter().map(|e| e.event.id.clone()));
        entries.extend(more);
        let edges: Vec<(String, String)> = self.sql(|c| {
            let mut st = c.prepare_cached(
                "SELECT a, b FROM link_edges WHERE a = ?1 UNION ALL SELECT a, b FROM link_edges WHERE b = ?1",
            )?;
            let mut out = Vec::new();
            for id in &have {
                let rows = st.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
                for r in rows {
                    out.push(r?);
                }
            }
            Ok(out)
        })?;
        Ok((entries, stories, edges))
    }

    /// Stored events the linker does not hold yet (e.g. stored before linking existed, or by a
    /// run stopped between storing a batch and saving the linker), with their outlets.
    pub fn unlinked_events(&self) -> Result<Vec<(Option<String>, Event)>, StoreError> {
        self.ensure_story_schema()?;
        let rows: Vec<(String, Option<String>)> = self.sql(|c| {
            let mut st = c.prepare(
                "SELECT e.json, d.analysis_outlet FROM events e JOIN documents d ON d.id = e.doc_id
                 WHERE NOT EXISTS (SELECT 1 FROM link_events l WHERE l.event_id = e.id)
                 ORDER BY e.doc_id, e.seq",
            )?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect()
        })?;
        rows.into_iter()
            .map(|(j, o)| {
                serde_json::from_str(&j)
                    .map(|e| (o, e))
                    .map_err(|source| StoreError::Json {
                        path: self.path.clone(),
                        what: "event".into(),
                        source,
                    })
            })
            .collect()
    }

    /// Stories matching `filter`, by first date (undated last), then id.
    pub fn stories(&self, filter: &StoryFilter) -> Result<Vec<Story>, StoreError> {
        self.ensure_story_schema()?;
        let mut sql = String::from("SELECT json FROM stories WHERE 1=1");
        let mut args: Vec<String> = Vec::new();
        let like = |s: &str| format!("%{}%", crate::like_literal(&s.to_lowercase()));
        if let Some(t) = &filter.event_type {
            sql.push_str(" AND lower(event_type) LIKE ? ESCAPE '\\'");
            args.push(like(t));
        }
        if let Some(a) = &filter.actor {
            sql.push_str(" AND lower(actors) LIKE ? ESCAPE '\\'");
            args.push(like(a));
        }
        if let Some(p) = &filter.place {
            sql.push_str(" AND (lower(places) LIKE ? ESCAPE '\\' OR places LIKE ? ESCAPE '\\')");
            args.push(like(p));
            args.push(format!("%{}%", crate::like_literal(p)));
        }
        if let Some(s) = &filter.status {
            sql.push_str(" AND status = ?");
            args.push(s.to_lowercase().replace(['_', ' '], "-"));
        }
        if let Some(s) = &filter.since {
            sql.push_str(" AND coalesce(date_to, date_from) >= ?");
            args.push(s.clone());
        }
        if let Some(u) = &filter.until {
            sql.push_str(" AND date_from <= ?");
            args.push(u.clone());
        }
        if let Some(n) = filter.min_reports {
            sql.push_str(&format!(" AND reports >= {n}"));
        }
        sql.push_str(" ORDER BY date_from IS NULL, date_from, length(id), id");
        if let Some(l) = filter.limit {
            sql.push_str(&format!(" LIMIT {l}"));
        }
        let rows: Vec<String> = self.sql(|c| {
            let mut st = c.prepare(&sql)?;
            let rows = st.query_map(rusqlite::params_from_iter(args.iter()), |r| r.get(0))?;
            rows.collect()
        })?;
        rows.iter()
            .map(|j| {
                serde_json::from_str(j).map_err(|source| StoreError::Json {
                    path: self.path.clone(),
                    what: "story".into(),
                    source,
                })
            })
            .collect()
    }

    /// One story by id.
    pub fn story(&self, id: &str) -> Result<Option<Story>, StoreError> {
        self.ensure_story_schema()?;
        let json: Option<String> = self.sql(|c| {
            c.query_row("SELECT json FROM stories WHERE id = ?1", [id], |r| r.get(0))
                .optional()
        })?;
        json.map(|j| {
            serde_json::from_str(&j).map_err(|source| StoreError::Json {
                path: self.path.clone(),
                what: format!("story {id}"),
                source,
            })
        })
        .transpose()
    }

    /// Ids of all stored documents, in id order.
    pub fn document_ids(&self) -> Result<Vec<String>, StoreError> {
        self.sql(|c| {
            let mut st = c.prepare("SELECT id FROM documents ORDER BY id")?;
            let rows = st.query_map([], |r| r.get(0))?;
            rows.collect()
        })
    }

    /// Outlet (as analyzed, else as given) and title of a stored document.
    pub fn document_summary(&self, id: &str) -> Result<Option<OutletTitle>, StoreError> {
        self.sql(|c| {
            c.query_row(
                "SELECT coalesce(analysis_outlet, outlet), title FROM documents WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
        })
    }

    /// Every stored story keyed by the ids of its events (for exports).
    pub fn stories_by_event(&self) -> Result<HashMap<String, Arc<Story>>, StoreError> {
        let mut out = HashMap::new();
        for s in self.stories(&StoryFilter::default())? {
            let s = Arc::new(s);
            for e in &s.events {
                out.insert(e.clone(), s.clone());
            }
        }
        Ok(out)
    }
}
