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
//! - Two events may link only on positive evidence: their sub-event types are the same or in
//!   one confusable group ([`type_family`]), they come from different documents, both are
//!   dated and the dates fall inside the window of their time precision, and both are placed
//!   below country level, in one country, at places that are the same, nested (kb parent
//!   chain, admin fields, "X countryside" = unit X) or within a few km. An unknown date, an
//!   unknown or country-wide place, or places in different countries never count as
//!   agreement: such events stand alone. Actors must not conflict (by family, the kb parent
//!   chain: Asayish and YPG count as SDF; unidentified groups and civilians neither overlap
//!   nor conflict); a shared one adds to the score. The score is a weighted agreement; a pair
//!   links at [`LinkConfig::min_score`].
//! - Candidates come from an index keyed by type group, country, admin1 and day, walked
//!   nearest day first and capped at [`LinkConfig::max_candidates`] events (a story at
//!   [`LinkConfig::max_story_events`]), so adding an event costs the same however many are
//!   held.
//! - Pair links form a graph; the stories of a connected part of it are a deterministic function
//!   of its events (greedy in date/id order: an event joins the best-scoring story every one of
//!   whose members links with it, so a story stays in one country and one date window), so the
//!   result does not depend on the order documents arrive (as long as the caps are not
//!   reached: past them, which links are kept depends on what came first). Story ids come
//!   from the earliest member event ([`story_id`]). Only the events from the earliest changed
//!   one onwards are re-decided: adding today's news is cheap, a report dated months back
//!   re-decides the linked events after it.
//! - [`Linker::split`] records "cannot-link" pairs that later additions respect.

mod compare;
mod story;
#[cfg(test)]
mod tests;

pub use compare::type_family;

use compare::{compare, links, score, CitedSources, Ctx, Derived, PairEval};
use marsad_extract::{Event, Location, Span, Stance};
use marsad_kb::KnowledgeBase;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;

/// Tuning of the linker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LinkConfig {
    /// How many days apart two dates may be, by ACLED time precision: `[unknown, day, week,
    /// month]` (the wider of the two events' windows applies; "unknown" is a date whose
    /// precision is not given; an event without any date links with nothing).
    pub date_window_days: [i64; 4],
    /// Least pairwise score (0..1) for a link.
    pub min_score: f32,
    /// Actor ids counted as one family when comparing actors: a coalition and the state that
    /// leads it are named interchangeably ("القوات الأمريكية" / "التحالف الدولي").
    pub related_actors: Vec<(String, String)>,
    /// Most events a new event is compared with (the nearest in date first): what bounds the
    /// cost of adding one event however many are held. Also the most links an event keeps.
    pub max_candidates: usize,
    /// Most events a story takes: a full story is not a candidate any more, so deciding an
    /// event never reads more than this many members of one story.
    pub max_story_events: usize,
}

impl Default for LinkConfig {
    fn default() -> Self {
        LinkConfig {
            // Two reports of a day-precise event agree within a day ("أمس" written late at night,
            // a report dated by its publication); two days apart is another happening.
            date_window_days: [7, 1, 7, 31],
            min_score: 0.6,
            related_actors: vec![("coalition".into(), "us".into())],
            // Far above what a happening gets (the largest stories of the corpus have a few
            // dozen reports), so they bind only on floods of near-identical reports.
            max_candidates: 64,
            max_story_events: 64,
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
    // Every field named, so that a new one is a decision here; the statements are not
    // copied at all (they are most of what an event owns).
    let Event {
        id,
        doc,
        event_type,
        sub_event_type,
        frame,
        actor1,
        actor2,
        assoc_actor_1,
        assoc_actor_2,
        location,
        date,
        fatalities,
        injured,
        arrested,
        source,
        source_scale,
        cited_source,
        stance,
        evidence,
        claims: _,
        truce,
    } = e;
    let mut e = Event {
        id: id.clone(),
        doc: doc.clone(),
        event_type: event_type.clone(),
        sub_event_type: sub_event_type.clone(),
        frame: frame.clone(),
        actor1: actor1.clone(),
        actor2: actor2.clone(),
        assoc_actor_1: assoc_actor_1.clone(),
        assoc_actor_2: assoc_actor_2.clone(),
        location: location.clone(),
        date: date.clone(),
        fatalities: fatalities.clone(),
        injured: injured.clone(),
        arrested: arrested.clone(),
        source: source.clone(),
        source_scale: *source_scale,
        cited_source: cited_source.clone(),
        stance: *stance,
        evidence: evidence.clone(),
        claims: Vec::new(),
        truce: truce.clone(),
    };
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

// ---------------------------------------------------------------- interned ids

/// An event id as the linker handles it internally (see [`Interner`]).
type Ev = u32;
/// A story id as the linker handles it internally.
type Sk = u32;

/// Ids (of events, of stories) as small integer handles. The linker's tables and sets are
/// keyed by handles, so that its hot paths hash and compare integers instead of long ids
/// sharing a prefix (`<doc>#<n>`), and copy them without allocating. Whatever is ordered by
/// id still compares the names: a handle says nothing about order. The handles of ids
/// nothing refers to any more are given out again ([`Linker::collect_ids`]).
#[derive(Debug, Default)]
struct Interner {
    /// The name of each handle; `None` for a free one.
    names: Vec<Option<Arc<str>>>,
    /// [`prefix_key`] of each name.
    prefixes: Vec<u128>,
    of: FxHashMap<Arc<str>, u32>,
    free: Vec<u32>,
}

/// The first 16 bytes of a name (zero-padded) as a number: two names whose keys differ are
/// ordered as their keys are, so most comparisons of ids (of one pattern, differing in their
/// last digits) are one integer comparison.
fn prefix_key(name: &str) -> u128 {
    let mut b = [0u8; 16];
    let n = name.len().min(16);
    b[..n].copy_from_slice(&name.as_bytes()[..n]);
    u128::from_be_bytes(b)
}

impl Interner {
    fn get(&self, name: &str) -> Option<u32> {
        self.of.get(name).copied()
    }

    fn intern(&mut self, name: &str) -> u32 {
        if let Some(h) = self.get(name) {
            return h;
        }
        let prefix = prefix_key(name);
        let name: Arc<str> = Arc::from(name);
        let h = match self.free.pop() {
            Some(h) => {
                self.names[h as usize] = Some(name.clone());
                self.prefixes[h as usize] = prefix;
                h
            }
            None => {
                self.names.push(Some(name.clone()));
                self.prefixes.push(prefix);
                u32::try_from(self.names.len() - 1).expect("fewer than 2^32 ids")
            }
        };
        self.of.insert(name, h);
        h
    }

    fn name(&self, h: u32) -> &str {
        self.names[h as usize].as_deref().expect("a live handle")
    }

    /// Orders two handles as their names.
    fn cmp(&self, a: u32, b: u32) -> Ordering {
        if a == b {
            return Ordering::Equal;
        }
        self.prefixes[a as usize]
            .cmp(&self.prefixes[b as usize])
            .then_with(|| self.name(a).cmp(self.name(b)))
    }

    /// Handles given out so far, live or free: every handle is below this.
    fn slots(&self) -> usize {
        self.names.len()
    }

    fn release(&mut self, h: u32) {
        if let Some(name) = self.names[h as usize].take() {
            self.of.remove(&name);
            self.free.push(h);
        }
    }
}

// ---------------------------------------------------------------- candidate index

/// A type group, a country or an admin1 name as the index keys it.
type Name = u32;
/// Type group, country, admin1 (none when the place has none), day.
type Key = (Name, Name, Option<Name>, i64);
/// Type group, country, day.
type CountryKey = (Name, Name, i64);

/// Candidate lookup by type group, country, admin1 and day. Only events that can link at all
/// ([`compare::linkable`]: dated, placed below country level in a known country) are filed;
/// a lookup walks the days nearest first and stops after [`LinkConfig::max_candidates`]
/// events, so its cost does not grow with the events held.
#[derive(Debug, Default)]
struct Index {
    /// The names seen (as many as there are groups, countries and first-level units: never
    /// released), so that keys are integers, built without allocating.
    names: FxHashMap<String, Name>,
    by_key: FxHashMap<Key, Vec<Filed>>,
    /// Every filed event of a country, for the events whose place has no admin1.
    by_country: FxHashMap<CountryKey, Vec<Filed>>,
}

/// An event as the index files it: its handle and what comparing it needs, so the candidates
/// of a new event are checked and scored without looking each one up.
#[derive(Debug, Clone)]
struct Filed {
    id: Ev,
    /// `d.window` and `d.actor_bits`, here so that most candidates are dropped without
    /// reading `d`.
    window: i64,
    actor_bits: u64,
    d: Arc<Derived>,
}

impl Filed {
    /// Whether both events name actors and none of the same family (a conflict): what the
    /// bits tell for sure.
    fn other_actors(&self, d: &Derived) -> bool {
        self.actor_bits != 0 && d.actor_bits != 0 && self.actor_bits & d.actor_bits == 0
    }
}

/// The country of a filed event as the index keys it.
fn country_of(d: &Derived) -> Option<&str> {
    d.place.as_ref().map(|p| p.country.as_str())
}

impl Index {
    fn name(&mut self, s: &str) -> Name {
        if let Some(&n) = self.names.get(s) {
            return n;
        }
        let n = Name::try_from(self.names.len()).expect("fewer than 2^32 names");
        self.names.insert(s.to_string(), n);
        n
    }

    /// The keys of an event that can link (its names are known), `None` for the others.
    fn keys(&self, d: &Derived) -> Option<(Key, CountryKey)> {
        if !compare::linkable(d) {
            return None;
        }
        let f = self.names[&d.family];
        let c = self.names[&country_of(d)?.to_lowercase()];
        let a = d.admin1.as_ref().map(|a| self.names[a]);
        let day = d.day?;
        Some(((f, c, a, day), (f, c, day)))
    }

    fn insert(&mut self, id: Ev, d: &Arc<Derived>) {
        if !compare::linkable(d) {
            return;
        }
        self.name(&d.family);
        if let Some(c) = country_of(d) {
            self.name(&c.to_lowercase());
        }
        if let Some(a) = &d.admin1 {
            self.name(a);
        }
        let Some((k, kc)) = self.keys(d) else {
            return;
        };
        let f = Filed {
            id,
            window: d.window,
            actor_bits: d.actor_bits,
            d: d.clone(),
        };
        self.by_key.entry(k).or_default().push(f.clone());
        self.by_country.entry(kc).or_default().push(f);
    }

    /// Takes every event of `gone` out, in one pass over the lists.
    fn remove_all(&mut self, gone: &FxHashSet<Ev>) {
        fn take<K>(m: &mut FxHashMap<K, Vec<Filed>>, gone: &FxHashSet<Ev>) {
            m.retain(|_, v| {
                v.retain(|f| !gone.contains(&f.id));
                !v.is_empty()
            });
        }
        take(&mut self.by_key, gone);
        take(&mut self.by_country, gone);
    }

    fn remove(&mut self, id: Ev, d: &Derived) {
        fn take<K: std::hash::Hash + Eq>(m: &mut FxHashMap<K, Vec<Filed>>, k: K, id: Ev) {
            if let Some(v) = m.get_mut(&k) {
                v.retain(|x| x.id != id);
                if v.is_empty() {
                    m.remove(&k);
                }
            }
        }
        if let Some((k, kc)) = self.keys(d) {
            take(&mut self.by_key, k, id);
            take(&mut self.by_country, kc, id);
        }
    }

    /// The filed events that could link with `d` (see [`Index::visit`]), in no particular
    /// order.
    fn lookup(&self, d: &Derived, widest: i64, cap: usize) -> Vec<Ev> {
        let mut out = Vec::new();
        self.visit(d, widest, cap, |f| out.push(f.id));
        out
    }

    /// Calls `each` with the filed events of `d`'s type group and country (and admin1, or an
    /// unknown admin1, when `d` has one) dated inside the wider of the two date windows, the
    /// nearest days first, at most `cap` of them (`widest` is the widest window there is).
    /// Nothing for an event that cannot link.
    fn visit<'a>(&'a self, d: &Derived, widest: i64, cap: usize, mut each: impl FnMut(&'a Filed)) {
        if !compare::linkable(d) {
            return;
        }
        let (Some(day), Some(country)) = (d.day, country_of(d)) else {
            return;
        };
        // A name never filed has no list of its own.
        let Some(&f) = self.names.get(&d.family) else {
            return;
        };
        let Some(&c) = self.names.get(&country.to_lowercase()) else {
            return;
        };
        let admin = d.admin1.as_ref().map(|a| self.names.get(a).copied());
        let mut seen = 0usize;
        let mut put = |v: Option<&'a Vec<Filed>>, diff: i64, seen: &mut usize| {
            for x in v.into_iter().flatten() {
                if *seen >= cap {
                    return;
                }
                if diff <= d.window.max(x.window) {
                    *seen += 1;
                    each(x);
                }
            }
        };
        for diff in 0..=widest.max(0) {
            let days: &[i64] = if diff == 0 {
                &[day]
            } else {
                &[day - diff, day + diff]
            };
            for &dd in days {
                match admin {
                    Some(a) => {
                        if let Some(a) = a {
                            put(self.by_key.get(&(f, c, Some(a), dd)), diff, &mut seen);
                        }
                        put(self.by_key.get(&(f, c, None, dd)), diff, &mut seen);
                    }
                    None => put(self.by_country.get(&(f, c, dd)), diff, &mut seen),
                }
            }
            if seen >= cap {
                return;
            }
        }
    }
}

/// The id of a story whose earliest event (by date, then id) is `first_event`: `s` and 16 hex
/// digits of the FNV-1a hash of the event id. A function of the story's content, so that the
/// same events give the same ids whatever order they came in, after a crash and a re-run
/// too; URL-safe, whatever characters event ids hold.
pub fn story_id(first_event: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in first_event.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("s{h:016x}")
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
    /// Unused (see [`Linker::next_story_number`]).
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

/// What a store writes after the linker changed ([`Linker::take_saved`]): plain data borrowed
/// from the linker, so a store persists it without calling into the linker.
#[derive(Debug)]
pub struct Saved<'a> {
    pub changes: Changes,
    pub config: &'a LinkConfig,
    /// Unused (see [`Linker::next_story_number`]).
    pub next_story: u64,
    /// The held entries of the changed events and of every member of the changed stories.
    pub entries: BTreeMap<&'a str, &'a Entry>,
    /// The changed stories that exist (`changes.stories`, in order).
    pub stories: Vec<&'a Story>,
}

/// Incremental linking of events into stories.
pub struct Linker {
    kb: Arc<KnowledgeBase>,
    ctx: Ctx,
    cfg: LinkConfig,
    cited_sources: CitedSources,
    /// Event ids, and what is held about each one by handle (`nodes` has a slot per handle).
    ids: Interner,
    nodes: Vec<Node>,
    /// By handle too.
    hot: Vec<Hot>,
    /// Events held (nodes with an entry).
    held: usize,
    index: Index,
    /// Pairs split apart by the user, ordered by id as [`LinkerState::cannot_link`] has them.
    cannot: FxHashSet<(Ev, Ev)>,
    stories: Vec<Story>,
    /// The handles of each story of `stories` (same positions).
    shapes: Vec<Shape>,
    story_ids: Interner,
    /// Position in `stories` of each story handle.
    story_pos: Vec<Option<usize>>,
    next_story: u64,
    changes: Changes,
    /// The number of the current (or last) [`Linker::repartition`] pass.
    pass: u32,
}

/// What the linker holds about an event id.
#[derive(Debug, Default)]
struct Node {
    // Boxed: the slots hold one pointer, not a whole event. `derived` is shared with the index.
    entry: Option<Box<Entry>>,
    derived: Option<Arc<Derived>>,
    /// The events it links with, ascending by handle. Links to events that left memory stay
    /// on the side of the events that remain (see [`Linker::evict_before`]).
    edges: Vec<Ev>,
    story: Option<Sk>,
}

/// What [`Linker::repartition`] reads of every event it comes across (most of them only
/// looked at, as the link of an event it reached), apart from the rest of [`Node`]: 16 bytes
/// an event, four to a cache line.
#[derive(Debug, Clone, Copy)]
struct Hot {
    /// The day of its canonical position: its date's, `i64::MAX` when undated or not held.
    day: i64,
    /// The last pass that reached the event, and the cluster it placed it in then
    /// (`NO_CLUSTER` until placed): scratch of that pass, here rather than in maps of its own.
    pass: u32,
    cluster: u32,
}

const NO_CLUSTER: u32 = u32::MAX;

impl Default for Hot {
    fn default() -> Self {
        Hot {
            day: i64::MAX,
            pass: 0,
            cluster: NO_CLUSTER,
        }
    }
}

/// A story's handle and the handles of its events (`Story::events`, in order).
#[derive(Debug)]
struct Shape {
    key: Sk,
    members: Vec<Ev>,
}

/// Canonical position of an event: date (undated last), then id (compared by name, see
/// [`Linker::cmp_pos`]).
#[derive(Debug, Clone, Copy)]
struct Pos {
    day: i64,
    ev: Ev,
}

/// A story being formed: members in order, and how each one after the first joined.
#[derive(Default)]
struct Cluster {
    members: Vec<Ev>,
    joins: Vec<Join>,
}

/// How a member joined a cluster. `joined` is filled in once the story id is known, and only
/// for the stories that changed: most clusters are stories as they were.
enum Join {
    /// As in the story now at this position: link `link` of its links.
    Kept {
        story: usize,
        link: usize,
    },
    New(LinkExplanation),
}

fn explain(id: &str, matched: &str, ev: PairEval) -> LinkExplanation {
    LinkExplanation {
        event_id: id.to_string(),
        joined: String::new(),
        matched: matched.to_string(),
        score: ev.score,
        agreed: ev.agreed,
    }
}

/// `a == b` once `a.joined` is `joined`.
fn same_link(a: &LinkExplanation, joined: &str, b: &LinkExplanation) -> bool {
    if std::ptr::eq(a, b) {
        // A story's link kept as it was (most of them): equal to itself unless its score is
        // NaN.
        return b.joined == joined && !a.score.is_nan();
    }
    b.joined == joined
        && a.event_id == b.event_id
        && a.matched == b.matched
        && a.score == b.score
        && a.agreed == b.agreed
}

/// Inserts `x` into an ascending set.
fn set_insert(v: &mut Vec<Ev>, x: Ev) -> bool {
    match v.binary_search(&x) {
        Ok(_) => false,
        Err(i) => {
            v.insert(i, x);
            true
        }
    }
}

fn set_remove(v: &mut Vec<Ev>, x: Ev) -> bool {
    match v.binary_search(&x) {
        Ok(i) => {
            v.remove(i);
            true
        }
        Err(_) => false,
    }
}

impl Linker {
    pub fn new(kb: Arc<KnowledgeBase>, cfg: LinkConfig) -> Self {
        let ctx = Ctx::new(&kb, &cfg);
        Linker {
            kb,
            ctx,
            cfg,
            cited_sources: CitedSources::default(),
            ids: Interner::default(),
            nodes: Vec::new(),
            hot: Vec::new(),
            held: 0,
            index: Index::default(),
            cannot: FxHashSet::default(),
            stories: Vec::new(),
            shapes: Vec::new(),
            story_ids: Interner::default(),
            story_pos: Vec::new(),
            next_story: 1,
            changes: Changes::default(),
            pass: 0,
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
        self.story_at(self.story_ids.get(id)?)
            .map(|p| &self.stories[p])
    }

    /// The story an event belongs to.
    pub fn story_of(&self, event_id: &str) -> Option<&Story> {
        self.story_pos_of(self.ids.get(event_id)?)
            .map(|p| &self.stories[p])
    }

    /// An event held, with the outlet it was added under (without its statements and the
    /// evidence of its parts: see the linker's state).
    pub fn entry(&self, event_id: &str) -> Option<&Entry> {
        self.nodes[self.ids.get(event_id)? as usize]
            .entry
            .as_deref()
    }

    /// Whether an event id is held.
    pub fn contains(&self, event_id: &str) -> bool {
        self.entry(event_id).is_some()
    }

    /// Ids of the events held (unordered).
    pub fn event_ids(&self) -> impl Iterator<Item = &String> {
        self.nodes
            .iter()
            .filter_map(|n| n.entry.as_ref().map(|e| &e.event.id))
    }

    /// The events an event links with (pair score over `min_score`, no conflict).
    pub fn links_of(&self, event_id: &str) -> Vec<String> {
        let Some(x) = self.ids.get(event_id) else {
            return Vec::new();
        };
        let mut out: Vec<String> = self.nodes[x as usize]
            .edges
            .iter()
            .map(|&n| self.ids.name(n).to_string())
            .collect();
        out.sort();
        out
    }

    /// Kept in the state format for stores written before story ids were derived from
    /// content ([`story_id`]); nothing uses it now.
    pub fn next_story_number(&self) -> u64 {
        self.next_story
    }

    /// What changed since the previous call (or since the linker was made or loaded).
    pub fn take_changes(&mut self) -> Changes {
        std::mem::take(&mut self.changes)
    }

    /// What changed since the previous call, with the entries and stories a store writes
    /// for it ([`Saved`]).
    pub fn take_saved(&mut self) -> Saved<'_> {
        let changes = self.take_changes();
        let stories: Vec<&Story> = changes
            .stories
            .iter()
            .filter_map(|id| self.story(id))
            .collect();
        let mut entries = BTreeMap::new();
        let members = stories.iter().flat_map(|s| s.events.iter());
        for id in changes.events.iter().chain(members) {
            if let Some(e) = self.entry(id) {
                entries.insert(e.event.id.as_str(), e);
            }
        }
        Saved {
            changes,
            config: &self.cfg,
            next_story: self.next_story,
            entries,
            stories,
        }
    }

    /// Number of events held.
    pub fn len(&self) -> usize {
        self.held
    }

    pub fn is_empty(&self) -> bool {
        self.held == 0
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
    /// only events at or after `d` are followed). An undated event links with nothing and
    /// reaches nothing.
    pub fn lookback_days(&self) -> i64 {
        2 * self.widest_window()
    }

    /// The widest date window of the configuration, in days (never negative).
    fn widest_window(&self) -> i64 {
        self.cfg
            .date_window_days
            .iter()
            .copied()
            .max()
            .unwrap_or(0)
            .max(0)
    }

    /// Lets the stories whose events are all dated before `day` leave memory, with their
    /// events and links (they stay in the store: see [`Linker::restore`]), and the events that
    /// can link with nothing (undated, or without a place below country level), alone in
    /// their stories. Kept whatever their dates: the stories of events linked to an undated
    /// one (a store linked by an older build). Returns how many events left.
    ///
    /// Adding events later gives the same stories as if nothing had left, as long as every
    /// event added is dated at least [`Linker::lookback_days`] after `day` (or the events it
    /// reaches were restored first). Call it only when the changes were taken (saved): the
    /// events that leave must not be waiting to be saved. [`Linker::to_state`] and the
    /// lookups describe what is held.
    pub fn evict_before(&mut self, day: i64) -> usize {
        debug_assert!(self.changes.is_empty(), "evicting unsaved changes");
        let undated_link = |l: &Linker, e: Ev| {
            l.nodes[e as usize]
                .edges
                .iter()
                .any(|&n| l.derived_of(n).is_some_and(|d| d.day.is_none()))
        };
        let leaving: Vec<usize> = self
            .shapes
            .iter()
            .enumerate()
            .filter(|(_, sh)| {
                sh.members.iter().all(|&e| {
                    self.derived_of(e)
                        .is_some_and(|d| d.day.is_some_and(|x| x < day))
                        && !undated_link(self, e)
                }) || self.alone_for_good(sh)
            })
            .map(|(i, _)| i)
            .collect();
        if leaving.is_empty() {
            return 0;
        }
        let mut gone: FxHashSet<Ev> = FxHashSet::default();
        // From the back, so that swap_remove moves only stories that stay.
        for &i in leaving.iter().rev() {
            self.stories.swap_remove(i);
            let sh = self.shapes.swap_remove(i);
            self.story_pos[sh.key as usize] = None;
            if let Some(moved) = self.shapes.get(i) {
                self.story_pos[moved.key as usize] = Some(i);
            }
            for &e in &sh.members {
                let n = &mut self.nodes[e as usize];
                if n.story == Some(sh.key) {
                    n.story = None;
                }
                if n.entry.take().is_some() {
                    self.held -= 1;
                }
                n.derived = None;
                self.hot[e as usize].day = i64::MAX;
                // Links to events that stay are kept on their side: never followed (see above).
                n.edges = Vec::new();
                gone.insert(e);
            }
        }
        self.index.remove_all(&gone);
        self.collect_ids();
        gone.len()
    }

    /// Whether a story is one event that can link with nothing ([`compare::linkable`]): it
    /// stays alone whatever comes, so it need not stay in memory.
    fn alone_for_good(&self, sh: &Shape) -> bool {
        match sh.members[..] {
            [e] => {
                self.derived_of(e).is_some_and(|d| !compare::linkable(d))
                    && self.nodes[e as usize].edges.is_empty()
            }
            _ => false,
        }
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
            let x = self.ev(&entry.event.id);
            if self.nodes[x as usize].entry.is_some() {
                continue;
            }
            entry.slim();
            let d = self.derive(&entry.event);
            self.hold(x, entry, d);
        }
        for (a, b) in edges {
            if self.contains(&a) {
                let (x, y) = (self.ev(&a), self.ev(&b));
                set_insert(&mut self.nodes[x as usize].edges, y);
            }
            if self.contains(&b) {
                let (x, y) = (self.ev(&a), self.ev(&b));
                set_insert(&mut self.nodes[y as usize].edges, x);
            }
        }
        for st in stories {
            let sk = self.sk(&st.id);
            if self.story_at(sk).is_some() {
                continue;
            }
            let members: Vec<Ev> = st.events.iter().map(|e| self.ev(e)).collect();
            for &e in &members {
                self.nodes[e as usize].story = Some(sk);
            }
            self.story_pos[sk as usize] = Some(self.stories.len());
            self.stories.push(st);
            self.shapes.push(Shape { key: sk, members });
        }
    }

    /// Adds the events of one document (`outlet` is its outlet; when `None` each event's
    /// `source` is used). An event id already held is replaced. Returns, for each event, the
    /// story it is now in and why.
    pub fn add(&mut self, outlet: Option<&str>, events: &[Event]) -> Vec<LinkDecision> {
        let (order, minted) = self.add_inner(outlet, events);
        order.iter().map(|&x| self.decision(x, &minted)).collect()
    }

    /// [`Linker::add`] without the decisions: the same stories, none of the explanations
    /// (what a bulk ingest that does not print them needs; explaining an event that stands
    /// alone compares it with every candidate again).
    pub fn add_events(&mut self, outlet: Option<&str>, events: &[Event]) {
        self.add_inner(outlet, events);
    }

    /// Adds the events; returns their handles in order and the story handles minted.
    fn add_inner(&mut self, outlet: Option<&str>, events: &[Event]) -> (Vec<Ev>, Vec<Sk>) {
        let mut order: Vec<Ev> = Vec::new();
        let mut seeds: Vec<Ev> = Vec::new();
        let mut start: Option<Pos> = None;
        let mut earliest = |l: &Linker, p: Pos| match start {
            Some(s) if l.cmp_pos(s, p).is_le() => {}
            _ => start = Some(p),
        };
        for e in events {
            let x = self.ev(&e.id);
            if self.nodes[x as usize].entry.is_some() {
                earliest(self, self.position(x));
                seeds.extend(self.detach(x));
            }
            let entry = Entry {
                event: slim(e),
                outlet: outlet
                    .map(str::to_string)
                    .or_else(|| e.source.clone())
                    .filter(|o| !o.trim().is_empty()),
            };
            let d = self.derive(e);
            self.hold(x, entry, d);
            self.changes.events.insert(e.id.clone());
            self.changes.events_removed.remove(&e.id);
            if !order.contains(&x) {
                order.push(x);
            }
            seeds.push(x);
            earliest(self, self.position(x));
        }
        let (widest, cap) = (self.widest_window(), self.cfg.max_candidates);
        for &x in &order {
            // Candidates of other documents, inside the date window, that link by score: checked
            // on what the index holds, without looking each one up. A candidate with its fill
            // of links takes no more (bounded cost when many reports tell alike).
            let da = self.derived(x).clone();
            let mut linked: Vec<Ev> = Vec::new();
            self.index.visit(&da, widest, cap, |f| {
                if !f.other_actors(&da)
                    && f.id != x
                    && self.nodes[f.id as usize].edges.len() < cap
                    && links(&da, &f.d, self.cannot_pair(x, f.id), self.cfg.min_score)
                {
                    linked.push(f.id);
                }
            });
            // Nearest in date first, as visited.
            for c in linked {
                if self.nodes[x as usize].edges.len() >= cap {
                    break;
                }
                let p = pair(self.ids.name(x), self.ids.name(c));
                self.changes.edges_removed.remove(&p);
                self.changes.edges_added.insert(p);
                set_insert(&mut self.nodes[x as usize].edges, c);
                set_insert(&mut self.nodes[c as usize].edges, x);
            }
        }
        let Some(start) = start else {
            // No events: nothing to decide.
            return (order, Vec::new());
        };
        let dirty: FxHashSet<Ev> = order.iter().copied().collect();
        let minted = self.repartition(seeds, start, &dirty);
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
        let p = self
            .story_ids
            .get(story_id)
            .and_then(|k| self.story_at(k))
            .expect("the story exists");
        let mates = self.shapes[p].members.clone();
        let x = self
            .ids
            .get(event_id)
            .expect("a story's events have handles");
        for &m in mates.iter().filter(|&&m| m != x) {
            let p = pair(self.ids.name(m), event_id);
            self.cannot.insert(self.pair_key(m, x));
            self.changes.cannot_added.insert(p.clone());
            if set_remove(&mut self.nodes[m as usize].edges, x) {
                self.changes.edges_added.remove(&p);
                self.changes.edges_removed.insert(p);
            }
            set_remove(&mut self.nodes[x as usize].edges, m);
        }
        let start = mates
            .iter()
            .map(|&m| self.position(m))
            .min_by(|a, b| self.cmp_pos(*a, *b))
            .expect("story has events");
        let dirty: FxHashSet<Ev> = mates.iter().copied().collect();
        self.repartition(mates, start, &dirty);
        let sk = self.nodes[x as usize]
            .story
            .expect("the event is in a story");
        Ok(self.story_ids.name(sk).to_string())
    }

    /// The pairs split apart so far.
    pub fn cannot_link(&self) -> Vec<(String, String)> {
        let mut v: Vec<_> = self
            .cannot
            .iter()
            .map(|&(a, b)| (self.ids.name(a).to_string(), self.ids.name(b).to_string()))
            .collect();
        v.sort();
        v
    }

    /// The whole state as JSON (events, stories, links, cannot-link pairs).
    pub fn to_json(&self) -> Result<String, LinkError> {
        Ok(serde_json::to_string(&self.to_state())?)
    }

    /// The whole state as a value.
    pub fn to_state(&self) -> LinkerState {
        let mut events: Vec<Entry> = self
            .nodes
            .iter()
            .filter_map(|n| n.entry.as_deref().cloned())
            .collect();
        events.sort_by(|a, b| a.event.id.cmp(&b.event.id));
        let mut edges: Vec<(String, String)> = Vec::new();
        for (a, n) in self.nodes.iter().enumerate() {
            if n.edges.is_empty() {
                continue;
            }
            let a = self.ids.name(a as Ev);
            for &b in &n.edges {
                let b = self.ids.name(b);
                if a < b {
                    edges.push((a.to_string(), b.to_string()));
                }
            }
        }
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
            let d = l.derive(&entry.event);
            let x = l.ev(&entry.event.id);
            l.hold(x, entry, d);
        }
        for (a, b) in state.edges {
            let (x, y) = (l.ev(&a), l.ev(&b));
            set_insert(&mut l.nodes[x as usize].edges, y);
            set_insert(&mut l.nodes[y as usize].edges, x);
        }
        for (a, b) in state.cannot_link {
            let k = (l.ev(&a), l.ev(&b));
            l.cannot.insert(k);
        }
        for (i, s) in state.stories.iter().enumerate() {
            let sk = l.sk(&s.id);
            l.story_pos[sk as usize] = Some(i);
            let members: Vec<Ev> = s.events.iter().map(|e| l.ev(e)).collect();
            for &e in &members {
                l.nodes[e as usize].story = Some(sk);
            }
            l.shapes.push(Shape { key: sk, members });
        }
        l.stories = state.stories;
        Ok(l)
    }

    // ---------------------------------------------------------------- internals

    /// The handle of an event id, given one (with its slot) if it has none yet.
    fn ev(&mut self, id: &str) -> Ev {
        let x = self.ids.intern(id);
        if self.nodes.len() < self.ids.slots() {
            self.nodes.resize_with(self.ids.slots(), Node::default);
            self.hot.resize(self.ids.slots(), Hot::default());
        }
        x
    }

    /// The handle of a story id, given one if it has none yet.
    fn sk(&mut self, id: &str) -> Sk {
        let k = self.story_ids.intern(id);
        if self.story_pos.len() < self.story_ids.slots() {
            self.story_pos.resize(self.story_ids.slots(), None);
        }
        k
    }

    /// Position in `stories` of a story.
    fn story_at(&self, k: Sk) -> Option<usize> {
        self.story_pos[k as usize]
    }

    /// Position in `stories` of an event's story.
    fn story_pos_of(&self, x: Ev) -> Option<usize> {
        self.story_at(self.nodes[x as usize].story?)
    }

    /// What comparing the event and building its stories need.
    fn derive(&mut self, e: &Event) -> Arc<Derived> {
        let cited = &mut self.cited_sources;
        Arc::new(Derived::new(&self.ctx, &self.kb, &self.cfg, cited, e))
    }

    /// Holds an event (replacing what was held under its id) and files it in the index.
    fn hold(&mut self, x: Ev, entry: Entry, d: Arc<Derived>) {
        self.index.insert(x, &d);
        self.hot[x as usize].day = d.day.unwrap_or(i64::MAX);
        let n = &mut self.nodes[x as usize];
        n.derived = Some(d);
        if n.entry.replace(Box::new(entry)).is_none() {
            self.held += 1;
        }
    }

    fn derived_of(&self, x: Ev) -> Option<&Derived> {
        self.nodes[x as usize].derived.as_deref()
    }

    fn derived(&self, x: Ev) -> &Arc<Derived> {
        self.nodes[x as usize]
            .derived
            .as_ref()
            .expect("the event is held")
    }

    /// The key of a pair in `cannot`: ordered by id.
    fn pair_key(&self, a: Ev, b: Ev) -> (Ev, Ev) {
        if self.ids.cmp(a, b).is_le() {
            (a, b)
        } else {
            (b, a)
        }
    }

    /// Whether the pair was split apart (no lookup while nothing was).
    fn cannot_pair(&self, a: Ev, b: Ev) -> bool {
        !self.cannot.is_empty() && self.cannot.contains(&self.pair_key(a, b))
    }

    fn pair_eval(&self, a: Ev, b: Ev) -> PairEval {
        compare(self.derived(a), self.derived(b), self.cannot_pair(a, b))
    }

    /// [`Linker::pair_eval`] of two held events by id.
    #[cfg(test)]
    fn eval(&self, a: &str, b: &str) -> PairEval {
        let h = |id| self.ids.get(id).expect("a held event");
        self.pair_eval(h(a), h(b))
    }

    /// [`Linker::pair_eval`]'s score when nothing conflicts.
    fn pair_score(&self, a: Ev, b: Ev) -> Option<f32> {
        score(self.derived(a), self.derived(b), self.cannot_pair(a, b))
    }

    /// Takes an event out of the index and the link graph before it is replaced; returns the
    /// events whose stories must be recomputed. Its story membership is kept so the story id
    /// can be reused.
    fn detach(&mut self, x: Ev) -> Vec<Ev> {
        let mut out = Vec::new();
        self.hot[x as usize].day = i64::MAX;
        if let Some(d) = self.nodes[x as usize].derived.take() {
            self.index.remove(x, &d);
        }
        for n in std::mem::take(&mut self.nodes[x as usize].edges) {
            let p = pair(self.ids.name(x), self.ids.name(n));
            self.changes.edges_added.remove(&p);
            self.changes.edges_removed.insert(p);
            set_remove(&mut self.nodes[n as usize].edges, x);
            out.push(n);
        }
        if let Some(p) = self.story_pos_of(x) {
            out.extend(self.shapes[p].members.iter().filter(|&&e| e != x));
        }
        if self.nodes[x as usize].entry.take().is_some() {
            self.held -= 1;
        }
        out
    }

    /// Gives back the handles nothing refers to any more: ids of events that left memory
    /// and of stories that no longer exist (after [`Linker::evict_before`], so that the
    /// tables do not grow with every event ever seen).
    fn collect_ids(&mut self) {
        let mut live = vec![false; self.nodes.len()];
        for (x, n) in self.nodes.iter().enumerate() {
            if n.entry.is_some() || n.derived.is_some() || n.story.is_some() || !n.edges.is_empty()
            {
                live[x] = true;
                for &y in &n.edges {
                    live[y as usize] = true;
                }
            }
        }
        for &(a, b) in &self.cannot {
            live[a as usize] = true;
            live[b as usize] = true;
        }
        for sh in &self.shapes {
            for &m in &sh.members {
                live[m as usize] = true;
            }
        }
        for (x, live) in live.into_iter().enumerate() {
            if !live {
                self.ids.release(x as Ev);
            }
        }
        let mut live = vec![false; self.story_pos.len()];
        for sh in &self.shapes {
            live[sh.key as usize] = true;
        }
        for n in &self.nodes {
            if let Some(k) = n.story {
                live[k as usize] = true;
            }
        }
        for (k, live) in live.into_iter().enumerate() {
            if !live {
                self.story_ids.release(k as Sk);
            }
        }
    }

    fn position(&self, x: Ev) -> Pos {
        Pos {
            day: self.hot[x as usize].day,
            ev: x,
        }
    }

    /// Orders canonical positions: by day, then by id.
    fn cmp_pos(&self, a: Pos, b: Pos) -> Ordering {
        a.day.cmp(&b.day).then_with(|| self.ids.cmp(a.ev, b.ev))
    }

    /// Whether the event's position is `start` or after it.
    fn at_or_after(&self, x: Ev, start: Pos) -> bool {
        self.cmp_pos(self.position(x), start).is_ge()
    }

    /// Recomputes the stories of everything connected to `seeds` (by links or by sharing a
    /// story). Events before `start` (canonical order) keep the story they have: the greedy pass
    /// would give them the same one, since nothing before `start` changed. Stories whose members
    /// and links are unchanged and hold no `dirty` event are not rebuilt. Returns the story
    /// handles minted.
    fn repartition(&mut self, seeds: Vec<Ev>, start: Pos, dirty: &FxHashSet<Ev>) -> Vec<Sk> {
        // What the change can reach: from an event at or after `start`, every linked event;
        // from an earlier one (whose story stays), only linked events at or after `start`; from
        // any event, its story mates. Decisions of events outside cannot change: none of their
        // candidate stories gains or loses a member.
        self.pass = self.pass.wrapping_add(1);
        if self.pass == 0 {
            // Wrapped around: no mark may look recent.
            self.hot.iter_mut().for_each(|h| h.pass = 0);
            self.pass = 1;
        }
        let pass = self.pass;
        let mut order: Vec<Ev> = Vec::new();
        let mut queue = seeds;
        while let Some(x) = queue.pop() {
            if self.hot[x as usize].pass == pass || self.nodes[x as usize].entry.is_none() {
                continue;
            }
            self.hot[x as usize] = Hot {
                pass,
                cluster: NO_CLUSTER,
                ..self.hot[x as usize]
            };
            order.push(x);
            let in_set = |n: &Ev| self.hot[*n as usize].pass == pass;
            let suffix = self.at_or_after(x, start);
            for n in &self.nodes[x as usize].edges {
                if !in_set(n) && (suffix || self.at_or_after(*n, start)) {
                    queue.push(*n);
                }
            }
            if let Some(p) = self.story_pos_of(x) {
                queue.extend(self.shapes[p].members.iter().filter(|n| !in_set(n)));
            }
        }
        // The cluster an event of the pass was placed in.
        let cluster_of = |l: &Linker, n: Ev| {
            let h = l.hot[n as usize];
            (h.pass == pass && h.cluster != NO_CLUSTER).then_some(h.cluster as usize)
        };
        order.sort_unstable_by(|&a, &b| self.cmp_pos(self.position(a), self.position(b)));
        let mut clusters: Vec<Cluster> = Vec::new();
        let mut prefix_cluster: FxHashMap<Sk, usize> = FxHashMap::default();
        for &x in &order {
            let id = self.ids.name(x);
            // Before `start`: as it was.
            if !self.at_or_after(x, start) {
                if let Some(sk) = self.nodes[x as usize].story {
                    let ci = *prefix_cluster.entry(sk).or_insert_with(|| {
                        clusters.push(Cluster::default());
                        clusters.len() - 1
                    });
                    let c = &clusters[ci];
                    if !c.members.is_empty() {
                        let p = self.story_at(sk).expect("the story of an event exists");
                        let links = &self.stories[p].links;
                        // The story's members before `start` come first, in the same order:
                        // the k-th one joined by link k - 1.
                        let k = c.members.len();
                        let at = match links.get(k - 1) {
                            Some(l) if l.event_id == id => Some(k - 1),
                            _ => links.iter().position(|l| l.event_id == id),
                        };
                        let join = match at {
                            Some(link) => Join::Kept { story: p, link },
                            None => {
                                let m = c.members[0];
                                Join::New(explain(id, self.ids.name(m), self.pair_eval(x, m)))
                            }
                        };
                        clusters[ci].joins.push(join);
                    }
                    clusters[ci].members.push(x);
                    self.hot[x as usize].cluster = ci as u32;
                    continue;
                }
            }
            // Greedy: the best-scoring story with a linked member and no conflicting one.
            let mut cands: Vec<usize> = self.nodes[x as usize]
                .edges
                .iter()
                .filter_map(|&n| cluster_of(self, n))
                .collect();
            cands.sort_unstable();
            cands.dedup();
            // Scored without explanations; the chosen pair is explained below.
            let mut best: Option<(usize, Ev, f32)> = None;
            'cluster: for c in cands {
                if clusters[c].members.len() >= self.cfg.max_story_events {
                    continue;
                }
                let mut top: Option<(Ev, f32)> = None;
                for &m in &clusters[c].members {
                    let Some(s) = self.pair_score(x, m) else {
                        continue 'cluster;
                    };
                    if top.is_none_or(|(_, t)| s > t) {
                        top = Some((m, s));
                    }
                }
                if let Some((m, s)) = top {
                    if s >= self.cfg.min_score && best.is_none_or(|b| s > b.2) {
                        best = Some((c, m, s));
                    }
                }
            }
            match best {
                Some((c, m, _)) => {
                    let join = explain(id, self.ids.name(m), self.pair_eval(x, m));
                    clusters[c].members.push(x);
                    clusters[c].joins.push(Join::New(join));
                    self.hot[x as usize].cluster = c as u32;
                }
                None => {
                    self.hot[x as usize].cluster = clusters.len() as u32;
                    clusters.push(Cluster {
                        members: vec![x],
                        joins: Vec::new(),
                    });
                }
            }
        }
        // Story ids: from the earliest member (see [`story_id`]), so they depend on the
        // stories alone, not on the order events came in. Old stories of the pass whose id no
        // cluster takes are removed below.
        let mut old_ids: Vec<Sk> = order
            .iter()
            .filter_map(|&e| self.nodes[e as usize].story)
            .collect();
        old_ids.sort_unstable();
        old_ids.dedup();
        old_ids.sort_by(|&a, &b| self.story_ids.cmp(a, b));
        let mut used: FxHashSet<Sk> = FxHashSet::default();
        let mut minted = Vec::new();
        let mut ids: Vec<Sk> = Vec::with_capacity(clusters.len());
        for c in &clusters {
            let first = self.ids.name(c.members[0]);
            let base = story_id(first);
            let mut name = base.clone();
            let mut k = self.sk(&name);
            // Two earliest events whose ids hash alike (64 bits: not expected to happen).
            let mut n = 2;
            while used.contains(&k) {
                name = format!("{base}-{n}");
                k = self.sk(&name);
                n += 1;
            }
            used.insert(k);
            if self.story_at(k).is_none() {
                minted.push(k);
            }
            ids.push(k);
        }
        // What changed, decided before anything is written (a kept link refers to a story by
        // its position now).
        let mut changed: Vec<(Sk, Vec<Ev>, Vec<LinkExplanation>)> = Vec::new();
        for (c, &sk) in clusters.into_iter().zip(&ids) {
            let sid = self.story_ids.name(sk);
            let unchanged = self.story_at(sk).is_some_and(|p| {
                let old = &self.stories[p];
                self.shapes[p].members == c.members
                    && old.links.len() == c.joins.len()
                    && c.joins
                        .iter()
                        .zip(&old.links)
                        .all(|(j, o)| same_link(self.join_link(j), sid, o))
                    && !c.members.iter().any(|m| dirty.contains(m))
            });
            if unchanged {
                continue;
            }
            let links: Vec<LinkExplanation> = c
                .joins
                .into_iter()
                .map(|j| {
                    let mut l = match j {
                        Join::Kept { story, link } => self.stories[story].links[link].clone(),
                        Join::New(l) => l,
                    };
                    l.joined = sid.to_string();
                    l
                })
                .collect();
            changed.push((sk, c.members, links));
        }
        // Build and store what changed.
        for (sk, members, links) in changed {
            let sid = self.story_ids.name(sk).to_string();
            let events: Vec<(&Entry, &Derived)> = members
                .iter()
                .map(|&m| {
                    let n = &self.nodes[m as usize];
                    let held = "the event is held";
                    (
                        n.entry.as_deref().expect(held),
                        &**n.derived.as_ref().expect(held),
                    )
                })
                .collect();
            let st = story::build(&sid, &self.ctx, &self.kb, &events, links);
            self.changes.stories_removed.remove(&sid);
            self.changes.stories.insert(sid);
            for &m in &members {
                self.nodes[m as usize].story = Some(sk);
            }
            let shape = Shape { key: sk, members };
            match self.story_at(sk) {
                Some(p) => {
                    self.stories[p] = st;
                    self.shapes[p] = shape;
                }
                None => {
                    self.story_pos[sk as usize] = Some(self.stories.len());
                    self.stories.push(st);
                    self.shapes.push(shape);
                }
            }
        }
        // Stories no cluster kept: out of the list (the last story takes the freed place, so
        // the list is in no particular order) and out of `story_of` for any member not
        // placed elsewhere above. Rebuilding the maps instead would cost the whole list.
        for &s in old_ids.iter().filter(|s| !used.contains(*s)) {
            let sid = self.story_ids.name(s);
            self.changes.stories.remove(sid);
            self.changes.stories_removed.insert(sid.to_string());
            let Some(p) = self.story_pos[s as usize].take() else {
                continue;
            };
            self.stories.swap_remove(p);
            let old = self.shapes.swap_remove(p);
            if let Some(moved) = self.shapes.get(p) {
                self.story_pos[moved.key as usize] = Some(p);
            }
            for &e in &old.members {
                if self.nodes[e as usize].story == Some(s) {
                    self.nodes[e as usize].story = None;
                }
            }
        }
        minted
    }

    /// The link a join stands for (`joined` not filled in).
    fn join_link<'a>(&'a self, j: &'a Join) -> &'a LinkExplanation {
        match j {
            Join::Kept { story, link } => &self.stories[*story].links[*link],
            Join::New(l) => l,
        }
    }

    fn decision(&self, x: Ev, minted: &[Sk]) -> LinkDecision {
        let id = self.ids.name(x);
        let sk = self.nodes[x as usize]
            .story
            .expect("the event is in a story");
        let sid = self.story_ids.name(sk);
        let p = self.story_at(sk).expect("the story exists");
        let st = &self.stories[p];
        let explanation = if let Some(l) = st.links.iter().find(|l| l.event_id == id) {
            LinkOutcome::Joined(l.clone())
        } else if st.events.len() > 1 {
            // The first event of a story others joined: explained by its best partner.
            let (m, ev) = self.shapes[p]
                .members
                .iter()
                .filter(|&&m| m != x)
                .map(|&m| (self.ids.name(m), self.pair_eval(x, m)))
                .max_by(|a, b| a.1.score.total_cmp(&b.1.score).then(b.0.cmp(a.0)))
                .expect("story has another event");
            LinkOutcome::Joined(LinkExplanation {
                event_id: id.to_string(),
                joined: sid.to_string(),
                matched: m.to_string(),
                score: ev.score,
                agreed: ev.agreed,
            })
        } else {
            LinkOutcome::KeptApart(self.kept_apart(x))
        };
        LinkDecision {
            event_id: id.to_string(),
            new_story: minted.contains(&sk),
            story_id: sid.to_string(),
            explanation,
        }
    }

    /// The events filed in the index that could link with `x`, ordered by id.
    fn candidates(&self, x: Ev) -> Vec<Ev> {
        let mut out = self.index.lookup(
            self.derived(x),
            self.widest_window(),
            self.cfg.max_candidates,
        );
        out.sort_unstable();
        out.dedup();
        out.sort_by(|&a, &b| self.ids.cmp(a, b));
        out
    }

    /// Why a story was not joined with its closest neighbour: over its events, the candidate
    /// story (of a compatible type, same governorate and date range) that scored highest, with
    /// what kept them apart. `None` for an unknown story.
    pub fn closest_other(&self, story_id: &str) -> Option<KeptApart> {
        let own_key = self.story_ids.get(story_id)?;
        let p = self.story_at(own_key)?;
        let held = |e: &&Ev| self.derived_of(**e).is_some();
        let own: Vec<Ev> = self.shapes[p]
            .members
            .iter()
            .filter(held)
            .copied()
            .collect();
        let mut cands: BTreeSet<&str> = BTreeSet::new();
        for &id in &own {
            for c in self.candidates(id) {
                if let Some(s) = self.nodes[c as usize].story.filter(|&s| s != own_key) {
                    cands.insert(self.story_ids.name(s));
                }
            }
        }
        let mut best: Option<KeptApart> = None;
        for c in cands {
            let q = self
                .story_ids
                .get(c)
                .and_then(|k| self.story_at(k))
                .expect("the story of an event exists");
            let mut score = 0.0_f32;
            let mut reasons: Vec<String> = Vec::new();
            for &a in &own {
                for &b in self.shapes[q].members.iter().filter(held) {
                    let ev = self.pair_eval(a, b);
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
                    best_candidate: Some(c.to_string()),
                    score,
                    reasons,
                });
            }
        }
        Some(best.unwrap_or_else(|| KeptApart {
            best_candidate: None,
            score: 0.0,
            reasons: vec![
                "no other story of a compatible type in this country, governorate and date window".into(),
            ],
        }))
    }

    /// Why an event stands alone: the closest candidate story and what kept it apart.
    fn kept_apart(&self, x: Ev) -> KeptApart {
        let d = self.derived(x);
        if !compare::linkable(d) {
            let why = if d.day.is_none() {
                "no date: an undated event joins no story"
            } else {
                "no place below country level in a known country: such an event joins no story"
            };
            return KeptApart {
                best_candidate: None,
                score: 0.0,
                reasons: vec![why.into()],
            };
        }
        let own = self.nodes[x as usize].story;
        let mut by_story: BTreeMap<&str, Vec<PairEval>> = BTreeMap::new();
        for c in self.candidates(x) {
            if c == x {
                continue;
            }
            if let Some(s) = self.nodes[c as usize].story.filter(|s| Some(*s) != own) {
                by_story
                    .entry(self.story_ids.name(s))
                    .or_default()
                    .push(self.pair_eval(x, c));
            }
        }
        let mut best: Option<(&str, f32, Vec<String>)> = None;
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
                    best_candidate: Some(s.to_string()),
                    score,
                    reasons,
                }
            }
            None => KeptApart {
                best_candidate: None,
                score: 0.0,
                reasons: vec![
                    "no other story of a compatible type in this country, governorate and date window".into(),
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
