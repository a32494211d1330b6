//! Times the linker as `marsad ingest` drives it, and prints digests of what it produced, so a
//! change meant to be a pure speed-up can be checked byte for byte and profiled without the
//! CLI or a store.
//!
//! The documents are read and extracted first (untimed, on every core); their events then go to
//! one [`Linker`] in input order the way `Follow` in `crates/cli/src/stories.rs` feeds it: the
//! store's event ids (`<doc>#<n>`), `add_events` per document, the changes taken every
//! `--save-every` documents (the ingest's batch) and applied to an in-memory stand-in for the
//! store, stories evicted with `Follow::save`'s policy and restored from the stand-in like
//! `Follow::bring_back`. Only the linker's calls are timed.
//!
//! Printed: documents, events, link time, µs per document (all, and the last quarter), the
//! digest of the final `to_state()` and the digest of everything the saves wrote.
//!
//! usage: cargo run --release -p marsad-link --example link_bench -- FILE... [--limit N]
//!        [--save-every N]

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use marsad_extract::{Event, Extractor};
use marsad_ingest::{read_inputs, Document, Item, ReadOptions};
use marsad_kb::KnowledgeBase;
use marsad_link::{Changes, Entry, LinkConfig, Linker, Story};

/// `Follow`'s eviction policy (see `crates/cli/src/stories.rs`).
const LATE_DAYS: i64 = 60;
const EVICT_MIN_EVENTS: usize = 50_000;
const EVICT_STEP_DAYS: i64 = 14;
const MAX_RESTORES: usize = 8;

/// A stored document: its store id, the analysis' outlet and its events as stored.
struct Doc {
    outlet: Option<String>,
    events: Vec<Event>,
}

/// What the store keeps of the linker, updated from each [`Changes`] like `save_linker`.
#[derive(Default)]
struct Saved {
    events: BTreeMap<String, Entry>,
    stories: BTreeMap<String, Story>,
    story_of: HashMap<String, String>,
    edges: BTreeSet<(String, String)>,
    digest: DefaultHasher,
}

impl Saved {
    /// Applies the changes and folds what a store would write into the digest.
    fn save(&mut self, linker: &Linker, ch: &Changes) {
        let h = &mut self.digest;
        format!("{ch:?}").hash(h);
        for id in &ch.events {
            if let Some(en) = linker.entry(id) {
                en.outlet.hash(h);
                self.events.insert(id.clone(), en.clone());
            }
        }
        for id in &ch.events_removed {
            self.events.remove(id);
        }
        for p in &ch.edges_removed {
            self.edges.remove(p);
        }
        self.edges.extend(ch.edges_added.iter().cloned());
        for id in &ch.stories_removed {
            if let Some(s) = self.stories.remove(id) {
                for e in &s.events {
                    if self.story_of.get(e) == Some(id) {
                        self.story_of.remove(e);
                    }
                }
            }
        }
        for id in &ch.stories {
            if let Some(s) = linker.story(id) {
                serde_json::to_string(s).unwrap().hash(h);
                if let Some(old) = self.stories.insert(id.clone(), s.clone()) {
                    for e in &old.events {
                        if self.story_of.get(e) == Some(id) {
                            self.story_of.remove(e);
                        }
                    }
                }
                for e in &s.events {
                    self.story_of.insert(e.clone(), id.clone());
                }
            }
        }
        linker.next_story_number().hash(h);
    }

    /// `Store::linker_part`: the events dated in `[from, to]` (every one without bounds), their
    /// stories with the stories' other events, and their links.
    fn part(
        &self,
        from: Option<&str>,
        to: Option<&str>,
    ) -> (Vec<Entry>, Vec<Story>, Vec<(String, String)>) {
        let dated = |e: &Entry| {
            if from.is_none() && to.is_none() {
                return true;
            }
            let Some(d) = e.event.date.date.as_deref() else {
                return false;
            };
            from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t)
        };
        let mut have: BTreeSet<&String> = self
            .events
            .iter()
            .filter(|(_, e)| dated(e))
            .map(|(id, _)| id)
            .collect();
        let story_ids: BTreeSet<&String> =
            have.iter().filter_map(|e| self.story_of.get(*e)).collect();
        let stories: Vec<Story> = story_ids
            .iter()
            .filter_map(|s| self.stories.get(*s).cloned())
            .collect();
        for s in &stories {
            have.extend(s.events.iter().filter(|e| self.events.contains_key(*e)));
        }
        let entries = have.iter().map(|id| self.events[*id].clone()).collect();
        let edges = self
            .edges
            .iter()
            .filter(|(a, b)| have.contains(a) || have.contains(b))
            .cloned()
            .collect();
        (entries, stories, edges)
    }
}

/// Reads and extracts the documents on every core; ids and events as the store gives them
/// (documents with a text already seen are skipped, a taken id gets the hash appended).
fn load(paths: &[PathBuf], limit: usize) -> Vec<Doc> {
    let mut seen_hash = HashSet::new();
    let mut seen_id = HashSet::new();
    let docs: Vec<(String, Document)> = read_inputs(paths, &ReadOptions::default())
        .filter_map(|i| match i {
            Item::Doc(d) => Some(d),
            _ => None,
        })
        .filter(|d| seen_hash.insert(d.content_hash.clone()))
        .take(limit)
        .map(|d| {
            let id = if seen_id.contains(&d.id) {
                d.id_with_hash()
            } else {
                d.id.clone()
            };
            seen_id.insert(id.clone());
            (id, d)
        })
        .collect();
    let ex = Extractor::new(KnowledgeBase::builtin().expect("built-in knowledge base"));
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = docs.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let parts: Vec<_> = docs
            .chunks(chunk)
            .map(|part| {
                let ex = &ex;
                s.spawn(move || {
                    part.iter()
                        .map(|(id, d)| {
                            let a = ex.analyze(d);
                            let events = a.events_stored_as(id);
                            Doc {
                                outlet: a.outlet,
                                events,
                            }
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        parts
            .into_iter()
            .flat_map(|p| p.join().expect("extraction thread"))
            .collect()
    })
}

/// `Follow`'s memory bookkeeping.
struct Follow {
    resident_from: Option<i64>,
    evicting: bool,
    recent: Vec<i64>,
    restores: usize,
}

fn main() {
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut limit = usize::MAX;
    let mut save_every = 512usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--limit" => limit = args.next().and_then(|n| n.parse().ok()).expect("--limit N"),
            "--save-every" => {
                save_every = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .expect("--save-every N")
            }
            _ => paths.push(a.into()),
        }
    }
    let t = Instant::now();
    let docs = load(&paths, limit);
    let n_events: usize = docs.iter().map(|d| d.events.len()).sum();
    eprintln!(
        "extracted {} docs, {n_events} events in {:.1} s",
        docs.len(),
        t.elapsed().as_secs_f64()
    );

    let kb = Arc::new(KnowledgeBase::builtin().expect("built-in knowledge base"));
    let mut linker = Linker::new(kb, LinkConfig::default());
    let mut saved = Saved::default();
    let mut follow = Follow {
        resident_from: None,
        evicting: true,
        recent: Vec::new(),
        restores: 0,
    };
    let (mut evicted, mut restored) = (0usize, 0usize);
    let mut link = Duration::ZERO;
    let mut last_quarter = Duration::ZERO;
    let quarter_from = docs.len() - docs.len() / 4;
    let lookback = linker.lookback_days();
    for (i, d) in docs.iter().enumerate() {
        // Time spent in the linker for this document.
        let mut took = Duration::ZERO;
        // Follow::bring_back.
        if let Some(from) = follow.resident_from {
            let mut need = Some(from);
            for e in &d.events {
                need = match (need, Linker::event_day(e)) {
                    (Some(n), Some(d)) => Some(n.min(d - lookback)),
                    _ => None,
                };
            }
            let range = match need {
                Some(n) if n >= from => None,
                Some(n) => Some((
                    Some(Linker::day_to_iso(n - 1)),
                    Some(Linker::day_to_iso(from + 1)),
                )),
                None => Some((None, None)),
            };
            if let Some((lo, hi)) = range {
                let (entries, stories, edges) = saved.part(lo.as_deref(), hi.as_deref());
                follow.restores += 1;
                restored += entries.len();
                if need.is_none()
                    || follow.restores >= MAX_RESTORES
                    || entries.len() >= EVICT_MIN_EVENTS
                {
                    follow.evicting = false;
                }
                let t = Instant::now();
                linker.restore(entries, stories, edges);
                took += t.elapsed();
                follow.resident_from = need;
            }
        }
        follow
            .recent
            .extend(d.events.iter().filter_map(Linker::event_day));
        if !d.events.is_empty() {
            let t = Instant::now();
            linker.add_events(d.outlet.as_deref(), &d.events);
            took += t.elapsed();
        }
        if (i + 1) % save_every == 0 || i + 1 == docs.len() {
            // Follow::save.
            let t = Instant::now();
            let ch = linker.take_changes();
            took += t.elapsed();
            saved.save(&linker, &ch);
            let recent = std::mem::take(&mut follow.recent);
            if follow.evicting && linker.len() >= EVICT_MIN_EVENTS && !recent.is_empty() {
                let mut days = recent;
                let mid = days.len() / 2;
                let now = *days.select_nth_unstable(mid).1;
                let before = now - lookback - LATE_DAYS;
                if follow
                    .resident_from
                    .is_none_or(|f| before >= f + EVICT_STEP_DAYS)
                {
                    let t = Instant::now();
                    evicted += linker.evict_before(before);
                    took += t.elapsed();
                    follow.resident_from = Some(before);
                }
            }
        }
        link += took;
        if i >= quarter_from {
            last_quarter += took;
        }
    }
    let state = serde_json::to_string(&linker.to_state()).expect("state serializes");
    let mut h = DefaultHasher::new();
    state.hash(&mut h);
    let per_doc = link.as_secs_f64() * 1e6 / docs.len().max(1) as f64;
    let per_doc_last = last_quarter.as_secs_f64() * 1e6 / (docs.len() - quarter_from).max(1) as f64;
    println!(
        "{} docs, {n_events} events, {} held, {} stories held; evicted {evicted}, restored {restored} ({} restores)",
        docs.len(),
        linker.len(),
        linker.stories().len(),
        follow.restores
    );
    println!(
        "link {:.3} s = {per_doc:.1} µs/doc (last quarter {per_doc_last:.1} µs/doc)",
        link.as_secs_f64()
    );
    println!(
        "state digest {:016x} ({} bytes), saves digest {:016x}",
        h.finish(),
        state.len(),
        saved.digest.finish()
    );
}
