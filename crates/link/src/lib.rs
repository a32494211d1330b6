//! The LINK stage: events of different documents that describe the same happening become one
//! [`Story`], with its reports, figures (low / best / high), status (single-source,
//! corroborated, contested) and an explanation of every link.
//!
//! In: `marsad_extract::Event`s, one document at a time, and the `marsad_kb::KnowledgeBase`
//! (actor families, gazetteer parents). Out: [`Story`]s and a [`LinkDecision`] per event.
//!
//! ```ignore
//! let mut linker = Linker::new(kb, LinkConfig::default());
//! for analysis in analyses {
//!     for d in linker.add(analysis.outlet.as_deref(), &analysis.events) {
//!         println!("{} → {} ({})", d.event_id, d.story_id, if d.new_story { "new" } else { "joined" });
//!     }
//! }
//! let json = linker.to_json()?; // persisted by the store
//! ```
//!
//! How it decides:
//! - Two events may link when their sub-event types are the same or in one confusable group
//!   ([`type_family`]), they come from different documents, their actors overlap by family
//!   (the kb parent chain: Asayish and YPG count as SDF; unidentified groups and civilians neither
//!   overlap nor conflict), their places are the same, nested (kb parent chain, admin fields,
//!   "X countryside" = unit X) or within a few km, and their dates fall inside the window of
//!   their time precision. At least a shared actor or a shared place is required. The score is
//!   a weighted agreement; a pair links at [`LinkConfig::min_score`].
//! - Candidates come from an index keyed by type group, admin1 and week bucket, so adding a
//!   document compares it only with nearby events.
//! - Pair links form a graph; the stories of a connected part of it are a deterministic function
//!   of its events (greedy in date/id order: an event joins the best-scoring story none of whose
//!   members conflicts with it), so the result does not depend on the order documents arrive.
//!   Only the events from the earliest changed one onwards are re-decided: adding today's news
//!   is cheap (~0.1 ms per event in release on a 2,000-event chain of daily clashes), a report
//!   dated months back re-decides the linked events after it.
//! - [`Linker::split`] records "cannot-link" pairs that later additions respect.

mod compare;
mod story;
#[cfg(test)]
mod tests;

pub use compare::type_family;

use compare::{compare, score, Ctx, Derived, PairEval};
use marsad_extract::{Event, Location, Span, Stance};
use marsad_kb::KnowledgeBase;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

/// Tuning of the linker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LinkConfig {
    /// How many days apart two dates may be, by ACLED time precision: `[unknown, day, week,
    /// month]` (the wider of the two events' windows applies; "unknown" is a date whose
    /// precision is not given; an event without any date is not constrained).
    pub date_window_days: [i64; 4],
    /// Least pairwise score (0..1) for a link.
    pub min_score: f32,
    /// Actor ids counted as one family when comparing actors: a coalition and the state that
    /// leads it are named interchangeably ("القوات الأمريكية" / "التحالف الدولي").
    pub related_actors: Vec<(String, String)>,
}

impl Default for LinkConfig {
    fn default() -> Self {
        LinkConfig {
            // Two reports of a day-precise event agree within a day ("أمس" written late at night,
            // a report dated by its publication); two days apart is another happening.
            date_window_days: [7, 1, 7, 31],
            min_score: 0.6,
            related_actors: vec![("coalition".into(), "us".into())],
        }
    }
}

/// One happening as told by one or more documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Story {
    pub id: String,
    /// The most common type among its events.
    pub event_type: String,
    pub sub_event_type: String,
    /// Event ids, in date/id order.
    pub events: Vec<String>,
    pub reports: Vec<Report>,
    /// Distinct named outlets.
    pub outlets: usize,
    /// Distinct cited sources.
    pub cited_sources: usize,
    pub status: StoryStatus,
    pub status_reason: String,
    pub fatalities: Option<Figure>,
    pub injured: Option<Figure>,
    pub arrested: Option<Figure>,
    /// Distinct truce durations reported (days, ascending).
    pub truce_durations: Vec<u32>,
    /// Distinct truce start dates reported.
    pub truce_starts: Vec<String>,
    /// The most precise location any report gives.
    pub location: Option<Location>,
    /// Earliest and latest event date.
    pub date_range: (Option<String>, Option<String>),
    /// How each event after the first joined.
    pub links: Vec<LinkExplanation>,
}

/// One document's account of the story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub event_id: String,
    pub doc: String,
    pub outlet: Option<String>,
    pub cited_source: Option<String>,
    pub stance: Stance,
    pub evidence: Span,
    pub fatalities: Option<u64>,
}

/// How well a story is sourced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StoryStatus {
    SingleSource,
    Corroborated,
    Contested,
}

impl StoryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StoryStatus::SingleSource => "single-source",
            StoryStatus::Corroborated => "corroborated",
            StoryStatus::Contested => "contested",
        }
    }
}

/// A reported number across reports: `best` is the UCDP-style most credible single report
/// (named source over none over anonymous, asserted over uncertain; the median among equals).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure {
    pub low: u64,
    pub best: u64,
    pub high: u64,
    /// Reports that give a number.
    pub reports: usize,
}

/// Why an event joined a story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkExplanation {
    pub event_id: String,
    /// Story id.
    pub joined: String,
    /// The event of the story it matched best.
    pub matched: String,
    pub score: f32,
    /// What agreed, e.g. `["sub_event_type", "actors: SDF", "place: Dhiban ⊂ Deir ez-Zor",
    /// "date: 1 day apart (window 2)"]`.
    pub agreed: Vec<String>,
}

/// Why an event was not linked to the best candidate story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeptApart {
    /// The candidate story that came closest (`None` when the index had no candidate).
    pub best_candidate: Option<String>,
    pub score: f32,
    pub reasons: Vec<String>,
}

/// The explanation of a decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum LinkOutcome {
    Joined(LinkExplanation),
    KeptApart(KeptApart),
}

/// Where an added event went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkDecision {
    pub event_id: String,
    pub story_id: String,
    /// The story did not exist before this call.
    pub new_story: bool,
    pub explanation: LinkOutcome,
}

/// Errors of [`Linker::split`] and persistence.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("no story {0}")]
    UnknownStory(String),
    #[error("event {event} is not in story {story}")]
    NotInStory { story: String, event: String },
    #[error("story {0} has a single event: nothing to split")]
    NothingToSplit(String),
    #[error("link state: {0}")]
    Json(#[from] serde_json::Error),
    #[error("link state version {0} is not supported")]
    Version(u32),
}

/// An event with the outlet of its document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub event: Event,
    pub outlet: Option<String>,
}

/// The event as the linker keeps it: without what neither comparing events nor building a
/// story reads (the statements, the evidence of actors, dates, counts and truce terms), which
/// is about half of an event's memory. The place, the headline evidence and the cited source
/// stay: a story's reports and location show them.
fn slim(e: &Event) -> Event {
    let mut e = e.clone();
    slim_in_place(&mut e);
    e
}

impl Entry {
    /// Drops what the linker does not keep of the event (see [`Linker::entry`]): a caller
    /// loading many entries for [`Linker::from_state`] can do it as it goes.
    pub fn slim(&mut self) {
        slim_in_place(&mut self.event);
    }
}

fn slim_in_place(e: &mut Event) {
    e.claims = Vec::new();
    for a in [
        &mut e.actor1,
        &mut e.actor2,
        &mut e.assoc_actor_1,
        &mut e.assoc_actor_2,
    ]
    .into_iter()
    .flatten()
    {
        a.evidence = None;
    }
    e.date.evidence = None;
    for c in [&mut e.fatalities, &mut e.injured, &mut e.arrested]
        .into_iter()
        .flatten()
    {
        c.evidence = Vec::new();
    }
    if let Some(t) = &mut e.truce {
        t.mediator_evidence = None;
        t.start_evidence = None;
        t.duration_evidence = None;
        t.terms = Vec::new();
    }
}

type Key = (String, Option<String>, Option<i64>);
type BucketKey = (String, Option<i64>);
type AdminKey = (String, Option<String>);

/// Candidate lookup by type group, admin1 and week bucket (events missing admin1 or a date are
/// filed under `None` and found by every lookup of their group).
#[derive(Debug, Default)]
struct Index {
    by_key: HashMap<Key, Vec<Filed>>,
    by_bucket: HashMap<BucketKey, Vec<Filed>>,
    by_admin: HashMap<AdminKey, Vec<Filed>>,
    by_family: HashMap<String, Vec<Filed>>,
}

/// An event as the index files it: its id (one allocation shared by the four maps) and what
/// comparing it needs, so the candidates of a new event are checked and scored without looking
/// each one up.
#[derive(Debug, Clone)]
struct Filed {
    id: Arc<str>,
    /// `d.day` and `d.window`, here so that most candidates are dropped without reading `d`.
    day: Option<i64>,
    window: i64,
    d: Arc<Derived>,
}

impl Filed {
    /// Whether the dates are close enough to link: both inside the wider of the two windows
    /// (an undated event is not constrained).
    fn in_window(&self, d: &Derived) -> bool {
        match (d.day, self.day) {
            (Some(x), Some(y)) => (x - y).abs() <= d.window.max(self.window),
            _ => true,
        }
    }
}

fn bucket(day: i64) -> i64 {
    day.div_euclid(7)
}

impl Index {
    fn keys(d: &Derived) -> (Key, BucketKey, AdminKey) {
        let f = d.family.clone();
        let a = d.admin1();
        let b = d.day.map(bucket);
        ((f.clone(), a.clone(), b), (f.clone(), b), (f, a))
    }

    fn insert(&mut self, id: &str, d: &Arc<Derived>) {
        let (k, kb, ka) = Self::keys(d);
        let f = Filed {
            id: Arc::from(id),
            day: d.day,
            window: d.window,
            d: d.clone(),
        };
        self.by_key.entry(k).or_default().push(f.clone());
        self.by_bucket.entry(kb).or_default().push(f.clone());
        self.by_admin.entry(ka).or_default().push(f.clone());
        self.by_family.entry(d.family.clone()).or_default().push(f);
    }

    /// Takes every event of `gone` out, in one pass over the lists.
    fn remove_all(&mut self, gone: &HashSet<Arc<str>>) {
        fn take<K>(m: &mut HashMap<K, Vec<Filed>>, gone: &HashSet<Arc<str>>) {
            m.retain(|_, v| {
                v.retain(|f| !gone.contains(&f.id));
                !v.is_empty()
            });
        }
        take(&mut self.by_key, gone);
        take(&mut self.by_bucket, gone);
        take(&mut self.by_admin, gone);
        take(&mut self.by_family, gone);
    }

    fn remove(&mut self, id: &str, d: &Derived) {
        fn take<K: std::hash::Hash + Eq>(m: &mut HashMap<K, Vec<Filed>>, k: K, id: &str) {
            if let Some(v) = m.get_mut(&k) {
                v.retain(|x| &*x.id != id);
                if v.is_empty() {
                    m.remove(&k);
                }
            }
        }
        let (k, kb, ka) = Self::keys(d);
        take(&mut self.by_key, k, id);
        take(&mut self.by_bucket, kb, id);
        take(&mut self.by_admin, ka, id);
        take(&mut self.by_family, d.family.clone(), id);
    }

    /// Every filed event that could link with `d` (`reach` week buckets either side).
    fn lookup(&self, d: &Derived, reach: i64) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        self.visit(d, reach, |f| {
            out.insert(f.id.to_string());
        });
        out
    }

    fn visit<'a>(&'a self, d: &Derived, reach: i64, mut each: impl FnMut(&'a Filed)) {
        let f = &d.family;
        let mut put = |v: Option<&'a Vec<Filed>>| v.into_iter().flatten().for_each(&mut each);
        match (d.admin1(), d.day.map(bucket)) {
            (Some(a), Some(b)) => {
                for bb in b - reach..=b + reach {
                    put(self.by_key.get(&(f.clone(), Some(a.clone()), Some(bb))));
                    put(self.by_key.get(&(f.clone(), None, Some(bb))));
                }
                put(self.by_key.get(&(f.clone(), Some(a), None)));
                put(self.by_key.get(&(f.clone(), None, None)));
            }
            (Some(a), None) => {
                put(self.by_admin.get(&(f.clone(), Some(a))));
                put(self.by_admin.get(&(f.clone(), None)));
            }
            (None, Some(b)) => {
                for bb in b - reach..=b + reach {
                    put(self.by_bucket.get(&(f.clone(), Some(bb))));
                }
                put(self.by_bucket.get(&(f.clone(), None)));
            }
            (None, None) => put(self.by_family.get(f)),
        }
    }
}

fn pair(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.to_string(), b.to_string())
    } else {
        (b.to_string(), a.to_string())
    }
}

/// The persisted form of a [`Linker`] (what [`Linker::to_json`] writes, and what a store
/// keeping the parts in tables hands to [`Linker::from_state`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkerState {
    pub version: u32,
    pub config: LinkConfig,
    pub next_story: u64,
    pub events: Vec<Entry>,
    pub stories: Vec<Story>,
    /// Linked pairs, each once (`a < b`).
    pub edges: Vec<(String, String)>,
    pub cannot_link: Vec<(String, String)>,
}

/// Version of [`LinkerState`] written by this build.
pub const STATE_VERSION: u32 = 1;

/// What changed since the last [`Linker::take_changes`]: enough for a store to persist a
/// linker incrementally (rows of the named events, stories and pairs only).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    /// Events added or replaced.
    pub events: BTreeSet<String>,
    /// Events removed (replaced events are not listed here).
    pub events_removed: BTreeSet<String>,
    /// Stories built or rebuilt (they exist now).
    pub stories: BTreeSet<String>,
    /// Stories that no longer exist.
    pub stories_removed: BTreeSet<String>,
    /// Pairs linked (ordered `a < b`).
    pub edges_added: BTreeSet<(String, String)>,
    /// Pairs no longer linked.
    pub edges_removed: BTreeSet<(String, String)>,
    /// Pairs split apart.
    pub cannot_added: BTreeSet<(String, String)>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        *self == Changes::default()
    }
}

/// Incremental linking of events into stories.
pub struct Linker {
    kb: Arc<KnowledgeBase>,
    ctx: Ctx,
    cfg: LinkConfig,
    // Boxed: the tables hold one pointer per slot, not a whole event (most slots of a hash
    // table are spare capacity). `derived` is shared with the index.
    entries: HashMap<String, Box<Entry>>,
    derived: HashMap<String, Arc<Derived>>,
    index: Index,
    /// Pairs that link (score over `min_score`, no conflict).
    edges: HashMap<String, BTreeSet<String>>,
    /// Pairs split apart by the user (ordered).
    cannot: HashSet<(String, String)>,
    stories: Vec<Story>,
    story_pos: HashMap<String, usize>,
    story_of: HashMap<String, String>,
    next_story: u64,
    changes: Changes,
}

/// A story being formed: members in order, and how each one after the first joined.
struct Cluster {
    members: Vec<String>,
    /// `joined` is filled in once the story id is known.
    joins: Vec<LinkExplanation>,
}

fn explain(id: &str, matched: String, ev: PairEval) -> LinkExplanation {
    LinkExplanation {
        event_id: id.to_string(),
        joined: String::new(),
        matched,
        score: ev.score,
        agreed: ev.agreed,
    }
}

impl Linker {
    pub fn new(kb: Arc<KnowledgeBase>, cfg: LinkConfig) -> Self {
        let ctx = Ctx::new(&kb, &cfg);
        Linker {
            kb,
            ctx,
            cfg,
            entries: HashMap::new(),
            derived: HashMap::new(),
            index: Index::default(),
            edges: HashMap::new(),
            cannot: HashSet::new(),
            stories: Vec::new(),
            story_pos: HashMap::new(),
            story_of: HashMap::new(),
            next_story: 1,
            changes: Changes::default(),
        }
    }

    pub fn config(&self) -> &LinkConfig {
        &self.cfg
    }

    /// Every story, in no particular order.
    pub fn stories(&self) -> &[Story] {
        &self.stories
    }

    pub fn story(&self, id: &str) -> Option<&Story> {
        self.story_pos.get(id).map(|&i| &self.stories[i])
    }

    /// The story an event belongs to.
    pub fn story_of(&self, event_id: &str) -> Option<&Story> {
        self.story_of.get(event_id).and_then(|s| self.story(s))
    }

    /// An event held, with the outlet it was added under (without its statements and the
    /// evidence of its parts: see the linker's state).
    pub fn entry(&self, event_id: &str) -> Option<&Entry> {
        self.entries.get(event_id).map(|e| &**e)
    }

    /// Whether an event id is held.
    pub fn contains(&self, event_id: &str) -> bool {
        self.entries.contains_key(event_id)
    }

    /// Ids of the events held (unordered).
    pub fn event_ids(&self) -> impl Iterator<Item = &String> {
        self.entries.keys()
    }

    /// The events an event links with (pair score over `min_score`, no conflict).
    pub fn links_of(&self, event_id: &str) -> Vec<String> {
        self.edges
            .get(event_id)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// The number the next minted story id (`s<N>`) will carry.
    pub fn next_story_number(&self) -> u64 {
        self.next_story
    }

    /// What changed since the previous call (or since the linker was made or loaded).
    pub fn take_changes(&mut self) -> Changes {
        std::mem::take(&mut self.changes)
    }

    /// Number of events held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    // ------------------------------------------------------ holding part of the events

    /// The day number (days since 1970-01-01) the linker dates an event by; `None` when it
    /// has no usable date.
    pub fn event_day(e: &Event) -> Option<i64> {
        e.date.date.as_deref().and_then(compare::day_number)
    }

    /// The ISO date (`YYYY-MM-DD`) of a day number of [`Linker::event_day`].
    pub fn day_to_iso(day: i64) -> String {
        // Howard Hinnant's civil_from_days.
        let z = day + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// How far back in time adding an event reaches: adding an event dated day `d` reads and
    /// changes only events dated from `d - lookback_days()` on (its candidates lie inside the
    /// widest date window, and their stories span at most that window again; from there
    /// only events at or after `d` are followed), plus undated events and the events linked
    /// to them. An undated event reaches everything.
    pub fn lookback_days(&self) -> i64 {
        2 * self
            .cfg
            .date_window_days
            .iter()
            .copied()
            .max()
            .unwrap_or(0)
            .max(0)
    }

    /// Lets the stories whose events are all dated before `day` leave memory, with their
    /// events and links (they stay in the store: see [`Linker::restore`]). Kept whatever
    /// their dates: undated events, and the stories of events linked to one. Returns how many
    /// events left.
    ///
    /// Adding events later gives the same stories as if nothing had left, as long as every
    /// event added is dated at least [`Linker::lookback_days`] after `day` (or the events it
    /// reaches were restored first). Call it only when the changes were taken (saved): the
    /// events that leave must not be waiting to be saved. [`Linker::to_state`] and the
    /// lookups describe what is held.
    pub fn evict_before(&mut self, day: i64) -> usize {
        debug_assert!(self.changes.is_empty(), "evicting unsaved changes");
        let undated_link = |l: &Linker, e: &String| {
            l.edges.get(e).is_some_and(|ns| {
                ns.iter()
                    .any(|n| l.derived.get(n).is_some_and(|d| d.day.is_none()))
            })
        };
        let leaving: Vec<usize> = self
            .stories
            .iter()
            .enumerate()
            .filter(|(_, st)| {
                st.events.iter().all(|e| {
                    self.derived
                        .get(e)
                        .is_some_and(|d| d.day.is_some_and(|x| x < day))
                        && !undated_link(self, e)
                })
            })
            .map(|(i, _)| i)
            .collect();
        if leaving.is_empty() {
            return 0;
        }
        let mut gone: HashSet<Arc<str>> = HashSet::new();
        // From the back, so that swap_remove moves only stories that stay.
        for &i in leaving.iter().rev() {
            let st = self.stories.swap_remove(i);
            self.story_pos.remove(&st.id);
            if let Some(moved) = self.stories.get(i) {
                self.story_pos.insert(moved.id.clone(), i);
            }
            for e in &st.events {
                if self.story_of.get(e) == Some(&st.id) {
                    self.story_of.remove(e);
                }
                self.entries.remove(e);
                self.derived.remove(e);
                // Links to events that stay are kept on their side: never followed (see above).
                self.edges.remove(e);
                gone.insert(Arc::from(e.as_str()));
            }
        }
        self.index.remove_all(&gone);
        gone.len()
    }

    /// Brings back into memory events, stories and links read back from what was saved
    /// (those already held are left alone): the inverse of [`Linker::evict_before`]. The
    /// stories' events must be among the events held or given.
    pub fn restore(
        &mut self,
        entries: Vec<Entry>,
        stories: Vec<Story>,
        edges: Vec<(String, String)>,
    ) {
        for mut entry in entries {
            if self.entries.contains_key(&entry.event.id) {
                continue;
            }
            entry.slim();
            let d = Arc::new(Derived::new(&self.ctx, &self.kb, &self.cfg, &entry.event));
            self.index.insert(&entry.event.id, &d);
            self.derived.insert(entry.event.id.clone(), d);
            self.entries.insert(entry.event.id.clone(), Box::new(entry));
        }
        for (a, b) in edges {
            if self.entries.contains_key(&a) {
                self.edges.entry(a.clone()).or_default().insert(b.clone());
            }
            if self.entries.contains_key(&b) {
                self.edges.entry(b).or_default().insert(a);
            }
        }
        for st in stories {
            if self.story_pos.contains_key(&st.id) {
                continue;
            }
            for e in &st.events {
                self.story_of.insert(e.clone(), st.id.clone());
            }
            self.story_pos.insert(st.id.clone(), self.stories.len());
            self.stories.push(st);
        }
    }

    /// Adds the events of one document (`outlet` is its outlet; when `None` each event's
    /// `source` is used). An event id already held is replaced. Returns, for each event, the
    /// story it is now in and why.
    pub fn add(&mut self, outlet: Option<&str>, events: &[Event]) -> Vec<LinkDecision> {
        let (order, minted) = self.add_inner(outlet, events);
        order.iter().map(|id| self.decision(id, &minted)).collect()
    }

    /// [`Linker::add`] without the decisions: the same stories, none of the explanations
    /// (what a bulk ingest that does not print them needs; explaining an event that stands
    /// alone compares it with every candidate again).
    pub fn add_events(&mut self, outlet: Option<&str>, events: &[Event]) {
        self.add_inner(outlet, events);
    }

    /// Adds the events; returns their ids in order and the story ids minted.
    fn add_inner(
        &mut self,
        outlet: Option<&str>,
        events: &[Event],
    ) -> (Vec<String>, HashSet<String>) {
        let mut order: Vec<String> = Vec::new();
        let mut seeds: BTreeSet<String> = BTreeSet::new();
        let mut start = (i64::MAX, String::from("\u{10FFFF}"));
        for e in events {
            if self.entries.contains_key(&e.id) {
                start = start.min(self.position(&e.id));
                seeds.extend(self.detach(&e.id));
            }
            let entry = Entry {
                event: slim(e),
                outlet: outlet
                    .map(str::to_string)
                    .or_else(|| e.source.clone())
                    .filter(|o| !o.trim().is_empty()),
            };
            let d = Arc::new(Derived::new(&self.ctx, &self.kb, &self.cfg, e));
            self.index.insert(&e.id, &d);
            self.derived.insert(e.id.clone(), d);
            self.entries.insert(e.id.clone(), Box::new(entry));
            self.changes.events.insert(e.id.clone());
            self.changes.events_removed.remove(&e.id);
            if !order.contains(&e.id) {
                order.push(e.id.clone());
            }
            seeds.insert(e.id.clone());
            start = start.min(self.position(&e.id));
        }
        let reach = self.reach();
        for id in &order {
            // Candidates of other documents, inside the date window, that link by score: checked
            // on what the index holds, without looking each one up.
            let da = self.derived[id].clone();
            let mut linked: Vec<Arc<str>> = Vec::new();
            self.index.visit(&da, reach, |f| {
                if f.in_window(&da)
                    && *f.id != **id
                    && f.d.doc != da.doc
                    && score(&da, &f.d, self.cannot_pair(id, &f.id)).links(self.cfg.min_score)
                {
                    linked.push(f.id.clone());
                }
            });
            linked.sort_unstable();
            linked.dedup();
            for c in linked {
                let c = c.to_string();
                let p = pair(id, &c);
                self.changes.edges_removed.remove(&p);
                self.changes.edges_added.insert(p);
                self.edges.entry(id.clone()).or_default().insert(c.clone());
                self.edges.entry(c).or_default().insert(id.clone());
            }
        }
        let dirty: HashSet<String> = order.iter().cloned().collect();
        let minted = self.repartition(seeds, start, None, &dirty);
        (order, minted)
    }

    /// Moves `event_id` out of `story_id` and remembers that it must not be linked with the
    /// story's other events again. Returns the id of the story the event is now in: a new one,
    /// unless it links with another story.
    pub fn split(&mut self, story_id: &str, event_id: &str) -> Result<String, LinkError> {
        let story = self
            .story(story_id)
            .ok_or_else(|| LinkError::UnknownStory(story_id.to_string()))?;
        if !story.events.iter().any(|e| e == event_id) {
            return Err(LinkError::NotInStory {
                story: story_id.to_string(),
                event: event_id.to_string(),
            });
        }
        if story.events.len() < 2 {
            return Err(LinkError::NothingToSplit(story_id.to_string()));
        }
        let mates = story.events.clone();
        for m in mates.iter().filter(|m| *m != event_id) {
            self.cannot.insert(pair(m, event_id));
            self.changes.cannot_added.insert(pair(m, event_id));
            if self.edges.get(m).is_some_and(|s| s.contains(event_id)) {
                self.changes.edges_added.remove(&pair(m, event_id));
                self.changes.edges_removed.insert(pair(m, event_id));
            }
            if let Some(s) = self.edges.get_mut(m) {
                s.remove(event_id);
            }
            if let Some(s) = self.edges.get_mut(event_id) {
                s.remove(m);
            }
        }
        let start = mates
            .iter()
            .map(|m| self.position(m))
            .min()
            .expect("story has events");
        let dirty: HashSet<String> = mates.iter().cloned().collect();
        self.repartition(mates.into_iter().collect(), start, Some(event_id), &dirty);
        Ok(self.story_of[event_id].clone())
    }

    /// The pairs split apart so far.
    pub fn cannot_link(&self) -> Vec<(String, String)> {
        let mut v: Vec<_> = self.cannot.iter().cloned().collect();
        v.sort();
        v
    }

    /// The whole state as JSON (events, stories, links, cannot-link pairs).
    pub fn to_json(&self) -> Result<String, LinkError> {
        Ok(serde_json::to_string(&self.to_state())?)
    }

    /// The whole state as a value.
    pub fn to_state(&self) -> LinkerState {
        let mut events: Vec<Entry> = self.entries.values().map(|e| (**e).clone()).collect();
        events.sort_by(|a, b| a.event.id.cmp(&b.event.id));
        let mut edges: Vec<(String, String)> = self
            .edges
            .iter()
            .flat_map(|(a, bs)| {
                bs.iter()
                    .filter(move |b| a < *b)
                    .map(move |b| (a.clone(), b.clone()))
            })
            .collect();
        edges.sort();
        LinkerState {
            version: STATE_VERSION,
            config: self.cfg.clone(),
            next_story: self.next_story,
            events,
            stories: self.stories.clone(),
            edges,
            cannot_link: self.cannot_link(),
        }
    }

    /// Restores a state written by [`Linker::to_json`].
    pub fn from_json(kb: Arc<KnowledgeBase>, json: &str) -> Result<Self, LinkError> {
        let state: LinkerState = serde_json::from_str(json)?;
        Self::from_state(kb, state)
    }

    /// Restores a state from its parts (see [`Linker::to_state`]). Nothing is recomputed: the
    /// stories and links are taken as they were saved.
    pub fn from_state(kb: Arc<KnowledgeBase>, state: LinkerState) -> Result<Self, LinkError> {
        if state.version != STATE_VERSION {
            return Err(LinkError::Version(state.version));
        }
        let mut l = Linker::new(kb, state.config);
        l.next_story = state.next_story;
        for mut entry in state.events {
            slim_in_place(&mut entry.event);
            let d = Arc::new(Derived::new(&l.ctx, &l.kb, &l.cfg, &entry.event));
            l.index.insert(&entry.event.id, &d);
            l.derived.insert(entry.event.id.clone(), d);
            l.entries.insert(entry.event.id.clone(), Box::new(entry));
        }
        for (a, b) in state.edges {
            l.edges.entry(a.clone()).or_default().insert(b.clone());
            l.edges.entry(b).or_default().insert(a);
        }
        l.cannot = state.cannot_link.into_iter().collect();
        l.stories = state.stories;
        l.reindex_stories();
        Ok(l)
    }

    // ---------------------------------------------------------------- internals

    fn reach(&self) -> i64 {
        let w = self
            .cfg
            .date_window_days
            .iter()
            .copied()
            .max()
            .unwrap_or(0)
            .max(0);
        (w + 6) / 7 + 1
    }

    /// Whether the pair was split apart (no lookup while nothing was).
    fn cannot_pair(&self, a: &str, b: &str) -> bool {
        !self.cannot.is_empty() && self.cannot.contains(&pair(a, b))
    }

    fn eval(&self, a: &str, b: &str) -> PairEval {
        compare(&self.derived[a], &self.derived[b], self.cannot_pair(a, b))
    }

    /// [`Linker::eval`] without the explanations (same score, same conflict or none).
    fn score(&self, a: &str, b: &str) -> PairEval {
        score(&self.derived[a], &self.derived[b], self.cannot_pair(a, b))
    }

    /// Takes an event out of the index and the link graph before it is replaced; returns the
    /// events whose stories must be recomputed. Its story membership is kept so the story id
    /// can be reused.
    fn detach(&mut self, id: &str) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(d) = self.derived.remove(id) {
            self.index.remove(id, &d);
        }
        if let Some(ns) = self.edges.remove(id) {
            for n in ns {
                self.changes.edges_added.remove(&pair(id, &n));
                self.changes.edges_removed.insert(pair(id, &n));
                if let Some(s) = self.edges.get_mut(&n) {
                    s.remove(id);
                }
                out.push(n);
            }
        }
        if let Some(s) = self.story_of(id) {
            out.extend(s.events.iter().filter(|e| *e != id).cloned());
        }
        self.entries.remove(id);
        out
    }

    fn reindex_stories(&mut self) {
        self.story_pos.clear();
        self.story_of.clear();
        for (i, s) in self.stories.iter().enumerate() {
            self.story_pos.insert(s.id.clone(), i);
            for e in &s.events {
                self.story_of.insert(e.clone(), s.id.clone());
            }
        }
    }

    /// Canonical position of an event: date (undated last), then id.
    fn position(&self, id: &str) -> (i64, String) {
        (self.day_key(id), id.to_string())
    }

    fn day_key(&self, id: &str) -> i64 {
        self.derived.get(id).and_then(|d| d.day).unwrap_or(i64::MAX)
    }

    /// `self.position(id) >= *start`, without building the position.
    fn at_or_after(&self, id: &str, start: &(i64, String)) -> bool {
        (self.day_key(id), id) >= (start.0, start.1.as_str())
    }

    /// Recomputes the stories of everything connected to `seeds` (by links or by sharing a
    /// story). Events before `start` (canonical order) keep the story they have: the greedy pass
    /// would give them the same one, since nothing before `start` changed. Stories whose members
    /// and links are unchanged and hold no `dirty` event are not rebuilt. Returns the story ids
    /// minted.
    fn repartition(
        &mut self,
        seeds: BTreeSet<String>,
        start: (i64, String),
        pin_new: Option<&str>,
        dirty: &HashSet<String>,
    ) -> HashSet<String> {
        // What the change can reach: from an event at or after `start`, every linked event;
        // from an earlier one (whose story stays), only linked events at or after `start`; from
        // any event, its story mates. Decisions of events outside cannot change: none of their
        // candidate stories gains or loses a member.
        let mut set: HashSet<String> = HashSet::new();
        let mut queue: Vec<String> = seeds.into_iter().collect();
        while let Some(x) = queue.pop() {
            if !self.entries.contains_key(&x) || !set.insert(x.clone()) {
                continue;
            }
            let suffix = self.at_or_after(&x, &start);
            if let Some(ns) = self.edges.get(&x) {
                for n in ns {
                    if !set.contains(n) && (suffix || self.at_or_after(n, &start)) {
                        queue.push(n.clone());
                    }
                }
            }
            if let Some(s) = self.story_of(&x) {
                queue.extend(s.events.iter().filter(|n| !set.contains(*n)).cloned());
            }
        }
        let mut order: Vec<(i64, String)> = set.iter().map(|id| self.position(id)).collect();
        order.sort();
        let mut clusters: Vec<Cluster> = Vec::new();
        let mut cluster_of: HashMap<String, usize> = HashMap::new();
        let mut prefix_cluster: HashMap<String, usize> = HashMap::new();
        for pos in &order {
            let id = &pos.1;
            // Before `start`: as it was.
            if *pos < start {
                if let Some(sid) = self.story_of.get(id) {
                    let ci = *prefix_cluster.entry(sid.clone()).or_insert_with(|| {
                        clusters.push(Cluster {
                            members: Vec::new(),
                            joins: Vec::new(),
                        });
                        clusters.len() - 1
                    });
                    if !clusters[ci].members.is_empty() {
                        let st = &self.stories[self.story_pos[sid]];
                        let link = st.links.iter().find(|l| &l.event_id == id).cloned();
                        let link = link.unwrap_or_else(|| {
                            let m = clusters[ci].members[0].clone();
                            let ev = self.eval(id, &m);
                            explain(id, m, ev)
                        });
                        clusters[ci].joins.push(link);
                    }
                    clusters[ci].members.push(id.clone());
                    cluster_of.insert(id.clone(), ci);
                    continue;
                }
            }
            // Greedy: the best-scoring story with a linked member and no conflicting one.
            let cands: BTreeSet<usize> = self
                .edges
                .get(id)
                .into_iter()
                .flatten()
                .filter_map(|n| cluster_of.get(n).copied())
                .collect();
            // Scored without explanations; the chosen pair is explained below.
            let mut best: Option<(usize, String, PairEval)> = None;
            'cluster: for c in cands {
                let mut top: Option<(String, PairEval)> = None;
                for m in &clusters[c].members {
                    let ev = self.score(id, m);
                    if !ev.conflicts.is_empty() {
                        continue 'cluster;
                    }
                    if top.as_ref().is_none_or(|(_, t)| ev.score > t.score) {
                        top = Some((m.clone(), ev));
                    }
                }
                if let Some((m, ev)) = top {
                    if ev.score >= self.cfg.min_score
                        && best.as_ref().is_none_or(|b| ev.score > b.2.score)
                    {
                        best = Some((c, m, ev));
                    }
                }
            }
            match best {
                Some((c, m, _)) => {
                    let ev = self.eval(id, &m);
                    clusters[c].members.push(id.clone());
                    clusters[c].joins.push(explain(id, m, ev));
                    cluster_of.insert(id.clone(), c);
                }
                None => {
                    cluster_of.insert(id.clone(), clusters.len());
                    clusters.push(Cluster {
                        members: vec![id.clone()],
                        joins: Vec::new(),
                    });
                }
            }
        }
        clusters.retain(|c| !c.members.is_empty());
        // Story ids: reuse the old story sharing most events.
        let old_ids: BTreeSet<String> = set
            .iter()
            .filter_map(|e| self.story_of.get(e).cloned())
            .collect();
        let mut overlaps: Vec<(usize, usize, String)> = Vec::new();
        for (ci, c) in clusters.iter().enumerate() {
            if pin_new.is_some_and(|p| c.members.iter().any(|m| m == p)) {
                continue;
            }
            let mut counts: BTreeMap<&String, usize> = BTreeMap::new();
            for m in &c.members {
                if let Some(s) = self.story_of.get(m) {
                    *counts.entry(s).or_default() += 1;
                }
            }
            overlaps.extend(counts.into_iter().map(|(s, n)| (n, ci, s.clone())));
        }
        overlaps.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let mut ids: Vec<Option<String>> = vec![None; clusters.len()];
        let mut used: HashSet<String> = HashSet::new();
        for (_, ci, s) in overlaps {
            if ids[ci].is_none() && !used.contains(&s) {
                used.insert(s.clone());
                ids[ci] = Some(s);
            }
        }
        let mut minted = HashSet::new();
        let ids: Vec<String> = ids
            .into_iter()
            .map(|id| {
                id.unwrap_or_else(|| {
                    let id = format!("s{}", self.next_story);
                    self.next_story += 1;
                    minted.insert(id.clone());
                    id
                })
            })
            .collect();
        // Build and store what changed.
        for (c, sid) in clusters.into_iter().zip(&ids) {
            let links: Vec<LinkExplanation> = c
                .joins
                .into_iter()
                .map(|mut l| {
                    l.joined = sid.clone();
                    l
                })
                .collect();
            let unchanged = self.story(sid).is_some_and(|old| {
                old.events == c.members
                    && old.links == links
                    && !c.members.iter().any(|m| dirty.contains(m))
            });
            if unchanged {
                continue;
            }
            let members: Vec<&Entry> = c.members.iter().map(|m| &*self.entries[m]).collect();
            let st = story::build(sid, &self.ctx, &self.kb, &members, links);
            self.changes.stories_removed.remove(sid);
            self.changes.stories.insert(sid.clone());
            match self.story_pos.get(sid) {
                Some(&p) => self.stories[p] = st,
                None => {
                    self.story_pos.insert(sid.clone(), self.stories.len());
                    self.stories.push(st);
                }
            }
            for m in c.members {
                self.story_of.insert(m, sid.clone());
            }
        }
        // Stories no cluster kept: out of the list (the last story takes the freed place, so
        // the list is in no particular order) and out of `story_of` for any member not
        // placed elsewhere above. Rebuilding the maps instead would cost the whole list.
        for s in old_ids.iter().filter(|s| !used.contains(*s)) {
            self.changes.stories.remove(s);
            self.changes.stories_removed.insert(s.clone());
            let Some(p) = self.story_pos.remove(s) else {
                continue;
            };
            let old = self.stories.swap_remove(p);
            if let Some(moved) = self.stories.get(p) {
                self.story_pos.insert(moved.id.clone(), p);
            }
            for e in &old.events {
                if self.story_of.get(e) == Some(s) {
                    self.story_of.remove(e);
                }
            }
        }
        minted
    }

    fn decision(&self, id: &str, minted: &HashSet<String>) -> LinkDecision {
        let sid = self.story_of[id].clone();
        let st = &self.stories[self.story_pos[&sid]];
        let explanation = if let Some(l) = st.links.iter().find(|l| l.event_id == id) {
            LinkOutcome::Joined(l.clone())
        } else if st.events.len() > 1 {
            // The first event of a story others joined: explained by its best partner.
            let (m, ev) = st
                .events
                .iter()
                .filter(|m| *m != id)
                .map(|m| (m, self.eval(id, m)))
                .max_by(|a, b| a.1.score.total_cmp(&b.1.score).then(b.0.cmp(a.0)))
                .expect("story has another event");
            LinkOutcome::Joined(LinkExplanation {
                event_id: id.to_string(),
                joined: sid.clone(),
                matched: m.clone(),
                score: ev.score,
                agreed: ev.agreed,
            })
        } else {
            LinkOutcome::KeptApart(self.kept_apart(id))
        };
        LinkDecision {
            event_id: id.to_string(),
            new_story: minted.contains(&sid),
            story_id: sid,
            explanation,
        }
    }

    /// Why a story was not joined with its closest neighbour: over its events, the candidate
    /// story (of a compatible type, same governorate and date range) that scored highest, with
    /// what kept them apart. `None` for an unknown story.
    pub fn closest_other(&self, story_id: &str) -> Option<KeptApart> {
        let st = self.story(story_id)?;
        let own: Vec<&String> = st
            .events
            .iter()
            .filter(|e| self.derived.contains_key(*e))
            .collect();
        let mut cands: BTreeSet<&String> = BTreeSet::new();
        for id in &own {
            for c in self.index.lookup(&self.derived[*id], self.reach()) {
                if let Some((k, _)) = self.story_of.get_key_value(&c) {
                    if let Some(s) = self.story_of.get(k).filter(|s| *s != story_id) {
                        cands.insert(s);
                    }
                }
            }
        }
        let mut best: Option<KeptApart> = None;
        for c in cands {
            let other = &self.stories[self.story_pos[c]];
            let mut score = 0.0_f32;
            let mut reasons: Vec<String> = Vec::new();
            for a in &own {
                for b in other
                    .events
                    .iter()
                    .filter(|b| self.derived.contains_key(*b))
                {
                    let ev = self.eval(a, b);
                    score = score.max(ev.score);
                    for r in ev.conflicts {
                        if !reasons.contains(&r) {
                            reasons.push(r);
                        }
                    }
                }
            }
            if score < self.cfg.min_score {
                reasons.push(format!(
                    "score {score:.2} below min_score {:.2}",
                    self.cfg.min_score
                ));
            }
            if reasons.is_empty() {
                reasons.push(
                    "every pair links, but each event joined the story it scored best with".into(),
                );
            }
            let better = best.as_ref().is_none_or(|b| score > b.score);
            if better {
                best = Some(KeptApart {
                    best_candidate: Some(c.clone()),
                    score,
                    reasons,
                });
            }
        }
        Some(best.unwrap_or_else(|| KeptApart {
            best_candidate: None,
            score: 0.0,
            reasons: vec![
                "no other story of a compatible type in this governorate and date range".into(),
            ],
        }))
    }

    /// Why an event stands alone: the closest candidate story and what kept it apart.
    fn kept_apart(&self, id: &str) -> KeptApart {
        let own = self.story_of.get(id);
        let mut by_story: BTreeMap<&String, Vec<PairEval>> = BTreeMap::new();
        for c in self.index.lookup(&self.derived[id], self.reach()) {
            if c == id {
                continue;
            }
            if let Some(s) = self.story_of.get(&c).filter(|s| Some(*s) != own) {
                by_story.entry(s).or_default().push(self.eval(id, &c));
            }
        }
        let mut best: Option<(&String, f32, Vec<String>)> = None;
        for (s, evs) in by_story {
            let score = evs.iter().map(|e| e.score).fold(0.0_f32, f32::max);
            let mut reasons: Vec<String> = Vec::new();
            for r in evs.iter().flat_map(|e| e.conflicts.iter()) {
                if !reasons.contains(r) {
                    reasons.push(r.clone());
                }
            }
            let better = match &best {
                None => true,
                Some((_, bs, br)) => (reasons.is_empty(), score) > (br.is_empty(), *bs),
            };
            if better {
                best = Some((s, score, reasons));
            }
        }
        match best {
            Some((s, score, mut reasons)) => {
                if score < self.cfg.min_score {
                    reasons.push(format!(
                        "score {score:.2} below min_score {:.2}",
                        self.cfg.min_score
                    ));
                }
                KeptApart {
                    best_candidate: Some(s.clone()),
                    score,
                    reasons,
                }
            }
            None => KeptApart {
                best_candidate: None,
                score: 0.0,
                reasons: vec![
                    "no other story of a compatible type in this governorate and date range".into(),
                ],
            },
        }
    }
}

/// Pairwise precision and recall of a predicted clustering against a gold one, over unordered
/// pairs of report ids placed in the same cluster. With no pairs on a side the corresponding
/// figure is 1.
pub fn pairwise_scores(gold: &[Vec<String>], predicted: &[Vec<String>]) -> (f64, f64) {
    fn pairs(cs: &[Vec<String>]) -> HashSet<(String, String)> {
        let mut out = HashSet::new();
        for c in cs {
            let mut ids: Vec<&String> = c.iter().collect();
            ids.sort();
            ids.dedup();
            for i in 0..ids.len() {
                for j in i + 1..ids.len() {
                    out.insert((ids[i].clone(), ids[j].clone()));
                }
            }
        }
        out
    }
    let g = pairs(gold);
    let p = pairs(predicted);
    let both = p.intersection(&g).count() as f64;
    let precision = if p.is_empty() {
        1.0
    } else {
        both / p.len() as f64
    };
    let recall = if g.is_empty() {
        1.0
    } else {
        both / g.len() as f64
    };
    (precision, recall)
}
