//! The knowledge base of marsad: actors, places, event triggers, cue words and news outlets, and
//! the trie that finds them in normalized text.
//!
//! In: the TOML files `data/actors.toml`, `data/triggers.toml`, `data/cues.toml`,
//! `data/outlets.toml` and the gazetteer CSVs `data/gazetteer/*.csv` (embedded at build time, or
//! read from a directory), plus optional user files. Out: a [`KnowledgeBase`] whose `find_*`
//! methods return [`Mention`]s (byte ranges in the normalized text produced by
//! `marsad_text::normalize`).
//!
//! Every phrase is normalized with `marsad_text::normalize_key` at load, so data files are written
//! as the news writes them (with hamzas, ة, ى ...).

mod countries;
mod load;
mod lookup;
mod matcher;
mod model;
mod trie;

pub use model::{
    Actor, ActorKind, Cue, CueKind, Entity, EventType, Matches, Mention, Outlet, Place, PlaceKind,
    SourceScale, SubEventType, Trigger, UnknownAcledName, BULK_VILLAGE_SOURCE,
};

pub use countries::{country, Country};
pub use lookup::{types_named, TypeSelection};
use matcher::{Group, GroupBuilder, Requirements};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::HashMap;
use std::fs;
use std::ops::Range;
use std::path::Path;

include!(concat!(env!("OUT_DIR"), "/gazetteer_files.rs"));

const ACTORS_TOML: &str = include_str!("../../../data/actors.toml");
const TRIGGERS_TOML: &str = include_str!("../../../data/triggers.toml");
const CUES_TOML: &str = include_str!("../../../data/cues.toml");
const OUTLETS_TOML: &str = include_str!("../../../data/outlets.toml");

/// The TOML files of a data directory, in load order.
pub const TOML_FILES: [&str; 4] = ["actors.toml", "triggers.toml", "cues.toml", "outlets.toml"];

/// Errors while loading knowledge-base files. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum KbError {
    /// A file could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// TOML syntax or schema error (line 0 = unknown).
    #[error("{path}:{line}: {message}")]
    Syntax {
        path: String,
        line: usize,
        message: String,
    },
    /// CSV syntax or value error in a places file (line 0 = unknown).
    #[error("{path}:{line}: {message}")]
    Csv {
        path: String,
        line: usize,
        message: String,
    },
    /// A well-formed entry with an invalid value (line 0 = unknown).
    #[error("{path}:{line}: {reason}")]
    Invalid {
        path: String,
        line: usize,
        reason: String,
    },
    /// The same normalized alias (or anaphor) names two different actors.
    #[error("{path}: alias {alias:?} is shared by actors {first:?} and {second:?}")]
    DuplicateAlias {
        path: String,
        alias: String,
        first: String,
        second: String,
    },
    /// An actor's `parent` names no actor.
    #[error("{path}: actor {actor:?} has unknown parent {parent:?}")]
    UnknownParent {
        path: String,
        actor: String,
        parent: String,
    },
    /// Neither `.toml` nor `.csv`.
    #[error("{path}: unsupported file type (expected .toml or .csv)")]
    UnsupportedFile { path: String },
}

/// All knowledge and the trie over it.
#[derive(Debug, Clone, Default)]
pub struct KnowledgeBase {
    pub actors: Vec<Actor>,
    pub places: Vec<Place>,
    pub triggers: Vec<Trigger>,
    pub cues: Vec<Cue>,
    pub outlets: Vec<Outlet>,
    /// One trie over every actor, place, outlet, trigger and cue phrase: a text is walked
    /// once for all of them.
    group: Group,
    /// Every trigger's `requires`, split into words (by trigger index).
    requires: Vec<Requirements>,
    // Looked up per document (place names per mention, actor families): a fast hash rather
    // than SipHash, whose keyed hashing protects against attacker-chosen keys these are not.
    actor_ids: FxHashMap<String, usize>,
    place_ids: FxHashMap<String, usize>,
    place_names: FxHashMap<String, Vec<usize>>,
    /// Every word of three letters or more of an actor, place, trigger or cue phrase,
    /// normalized (see [`KnowledgeBase::knows_word`]).
    words: FxHashSet<String>,
    /// Last file loaded: named in errors found while indexing.
    last_path: String,
}

// Priorities when several entities share a span (lower wins).
const PRI_ACTOR: u8 = 0;
const PRI_OUTLET: u8 = 1;
const PRI_PLACE: u8 = 2;
const PRI_ANAPHOR: u8 = 3;
const PRI_AMBIGUOUS_OUTLET: u8 = 4;

impl KnowledgeBase {
    /// The knowledge base embedded in the binary (`data/*.toml`, `data/gazetteer/*.csv`).
    pub fn builtin() -> Result<Self, KbError> {
        let mut kb = KnowledgeBase::default();
        kb.merge_toml("data/actors.toml", ACTORS_TOML)?;
        kb.merge_toml("data/triggers.toml", TRIGGERS_TOML)?;
        kb.merge_toml("data/cues.toml", CUES_TOML)?;
        kb.merge_toml("data/outlets.toml", OUTLETS_TOML)?;
        for (name, src) in GAZETTEER {
            kb.merge_csv(&format!("data/{name}"), src)?;
        }
        kb.rebuild()?;
        Ok(kb)
    }

    /// Loads `actors.toml`, `triggers.toml`, `cues.toml`, `outlets.toml` from `dir` (all
    /// required) and every `gazetteer/*.csv` under it (sorted by name; the folder is optional).
    pub fn from_dir(dir: &Path) -> Result<Self, KbError> {
        let mut kb = KnowledgeBase::default();
        for f in TOML_FILES {
            let p = dir.join(f);
            let src = read(&p)?;
            kb.merge_toml(&p.display().to_string(), &src)?;
        }
        let gaz = dir.join("gazetteer");
        if gaz.is_dir() {
            let mut files: Vec<_> = fs::read_dir(&gaz)
                .map_err(|source| KbError::Io {
                    path: gaz.display().to_string(),
                    source,
                })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "csv"))
                .collect();
            files.sort();
            for p in files {
                let src = read(&p)?;
                kb.merge_csv(&p.display().to_string(), &src)?;
            }
        }
        kb.rebuild()?;
        Ok(kb)
    }

    /// Adds a user file: a TOML with any of `[[actor]]`, `[[trigger]]`, `[[cue]]`, `[[outlet]]`,
    /// or a places CSV. Entries with an existing key replace it (actors, outlets and places by
    /// `id`, triggers by normalized phrase, cues by phrase and kind). Rebuilds the trie; on
    /// error the knowledge base is left unchanged.
    pub fn extend_from_file(&mut self, path: &Path) -> Result<(), KbError> {
        let src = read(path)?;
        let name = path.display().to_string();
        let mut next = self.clone();
        match path.extension().and_then(|e| e.to_str()) {
            Some("toml") => next.merge_toml(&name, &src)?,
            Some("csv") => next.merge_csv(&name, &src)?,
            _ => return Err(KbError::UnsupportedFile { path: name }),
        }
        next.rebuild()?;
        *self = next;
        Ok(())
    }

    /// Entities, triggers and cues of normalized text in one pass over it: what
    /// [`KnowledgeBase::find_entities`], [`KnowledgeBase::find_triggers`] and
    /// [`KnowledgeBase::find_cues`] return, at the cost of one.
    pub fn find_all(&self, norm: &str) -> Matches {
        self.find_all_at(norm, &marsad_text::word_runs(norm).collect::<Vec<_>>())
    }

    /// [`KnowledgeBase::find_all`] for a text already tokenized: `tokens` =
    /// [`marsad_text::tokens`]`(norm)`, so the words are read off them instead of scanning the
    /// text again.
    pub fn find_all_in(&self, norm: &str, tokens: &[marsad_text::Token]) -> Matches {
        self.find_all_at(norm, &marsad_text::word_runs_in(norm, tokens))
    }

    /// `words` = the runs of word chars of `norm` ([`marsad_text::word_runs`]).
    fn find_all_at(&self, norm: &str, words: &[Range<usize>]) -> Matches {
        let cands = self.group.candidates(norm, words.iter().map(|w| w.start));
        // Sized up front: growing these vectors copied most of them again.
        let triggers_n = cands
            .iter()
            .filter(|c| matches!(c.target.entity, Entity::Trigger(_)))
            .count();
        let cues_n = cands
            .iter()
            .filter(|c| matches!(c.target.entity, Entity::Cue(_)))
            .count();
        let mut entities = Vec::with_capacity(cands.len() - triggers_n - cues_n);
        let mut triggers = Vec::with_capacity(triggers_n);
        let mut cues = Vec::with_capacity(cues_n);
        for c in cands {
            match c.target.entity {
                Entity::Actor(_) | Entity::Place(_) | Entity::Outlet(_) => entities.push(c),
                Entity::Trigger(_) => triggers.push(c),
                Entity::Cue(_) => cues.push(c),
            }
        }
        Matches {
            entities: self.select_entities(entities),
            triggers: self.select_triggers(norm, words, triggers),
            cues: select_cues(cues),
        }
    }

    /// Actors, places and outlets in normalized text: leftmost-longest, non-overlapping, sorted
    /// by position. A span naming both an actor and a place gives the actor; a place with several
    /// records gives the first loaded (see [`KnowledgeBase::places_named`] for all).
    pub fn find_entities(&self, norm: &str) -> Vec<Mention> {
        self.find_all(norm).entities
    }

    /// Event triggers in normalized text: leftmost-longest among the triggers whose `requires`
    /// is met (see [`KnowledgeBase::requirement_met`]); blockers take part in the selection (so
    /// they remove the triggers they cover) and are not returned.
    pub fn find_triggers(&self, norm: &str) -> Vec<Mention> {
        self.find_all(norm).triggers
    }

    /// Cue phrases in normalized text: overlapping allowed (one span may be several cues),
    /// sorted by start, then end, then cue index.
    pub fn find_cues(&self, norm: &str) -> Vec<Mention> {
        self.find_all(norm).cues
    }

    fn select_entities(&self, cands: Vec<matcher::Candidate>) -> Vec<Mention> {
        matcher::select_leftmost_longest(cands)
            .iter()
            .map(matcher::to_mention)
            .collect()
    }

    /// `words` = the runs of word chars of `norm`, which the `requires` checks count in.
    fn select_triggers(
        &self,
        norm: &str,
        words: &[Range<usize>],
        mut cands: Vec<matcher::Candidate>,
    ) -> Vec<Mention> {
        cands.retain(|c| {
            let Entity::Trigger(i) = c.target.entity else {
                unreachable!("only trigger candidates are passed here")
            };
            let span = c.prefix.start..c.range.end;
            matcher::requirement_met(
                norm,
                words,
                span,
                &self.requires[i],
                self.triggers[i].window,
            )
        });
        matcher::select_leftmost_longest(cands)
            .iter()
            .filter(|c| !self.trigger_of(c.target.entity).is_blocker())
            .map(matcher::to_mention)
            .collect()
    }

    /// Whether trigger `trigger`'s `requires` is met around `span` (normalized byte range) of
    /// `norm`: one of the words within `window` word tokens before or after the span (the span's
    /// own tokens excluded; proclitics allowed before a required word; a trailing `*` lets it
    /// continue). Always true for a trigger without `requires`.
    pub fn requirement_met(&self, norm: &str, trigger: usize, span: Range<usize>) -> bool {
        let t = &self.triggers[trigger];
        let tokens = matcher::word_tokens_around(norm, &span, t.window);
        matcher::requirement_met(norm, &tokens, span, &self.requires[trigger], t.window)
    }

    /// The actor with this id.
    pub fn actor(&self, id: &str) -> Option<&Actor> {
        self.actor_ids.get(id).map(|&i| &self.actors[i])
    }

    /// Index of the actor with this id.
    pub fn actor_index(&self, id: &str) -> Option<usize> {
        self.actor_ids.get(id).copied()
    }

    /// The place with this id.
    pub fn place(&self, id: &str) -> Option<&Place> {
        self.place_ids.get(id).map(|&i| &self.places[i])
    }

    /// The index in `places` of the place with this id.
    pub fn place_index(&self, id: &str) -> Option<usize> {
        self.place_ids.get(id).copied()
    }

    /// The outlet with this id.
    pub fn outlet(&self, id: &str) -> Option<&Outlet> {
        self.outlets.iter().find(|o| o.id == id)
    }

    /// The index of the outlet publishing on `host` (a URL's host, any case, with or without
    /// "www."): the outlet with the longest listed domain that is the host or a parent of it.
    pub fn outlet_of_host(&self, host: &str) -> Option<usize> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let host = host.strip_prefix("www.").unwrap_or(&host);
        let mut best: Option<(usize, usize)> = None;
        for (i, o) in self.outlets.iter().enumerate() {
            for d in &o.domains {
                let hit = host == d
                    || host.len() > d.len()
                        && host.ends_with(d.as_str())
                        && host.as_bytes()[host.len() - d.len() - 1] == b'.';
                if hit && best.is_none_or(|(_, l)| d.len() > l) {
                    best = Some((i, d.len()));
                }
            }
        }
        best.map(|(i, _)| i)
    }

    /// Indexes of every place whose normalized `name_ar` or variant equals `name_norm` (which is
    /// normalized again, so raw names work too), in load order.
    pub fn places_named(&self, name_norm: &str) -> Vec<usize> {
        let key = load::norm_phrase(name_norm);
        self.place_names.get(&key).cloned().unwrap_or_default()
    }

    /// [`KnowledgeBase::places_named`] for a name already passed through
    /// [`marsad_text::normalize_key`], without normalizing it again (it is a fixed point, and
    /// has no whitespace runs or ends to collapse).
    pub fn places_named_key(&self, key: &str) -> &[usize] {
        if key.ends_with('*') {
            // `norm_phrase` reads a trailing '*' as an open end.
            return self
                .place_names
                .get(&load::norm_phrase(key))
                .map_or(&[], Vec::as_slice);
        }
        self.place_names.get(key).map_or(&[], Vec::as_slice)
    }

    /// Whether `word` (normalized, as in a document's text) is a word of the knowledge base,
    /// alone or after proclitics ("والرقه", "لقتل"). Used to join words a page split apart.
    pub fn knows_word(&self, word: &str) -> bool {
        self.words.contains(word)
            || marsad_text::clitics::WORD_PROCLITICS.iter().any(|p| {
                word.strip_prefix(p)
                    .is_some_and(|w| w.chars().count() >= 3 && self.words.contains(w))
            })
    }

    /// Trigger indexes per `frame` label (handy for grouping).
    pub fn triggers_in_frame(&self, frame: &str) -> Vec<usize> {
        (0..self.triggers.len())
            .filter(|&i| self.triggers[i].frame == frame)
            .collect()
    }

    fn trigger_of(&self, e: Entity) -> &Trigger {
        match e {
            Entity::Trigger(i) => &self.triggers[i],
            _ => unreachable!("only trigger candidates are passed here"),
        }
    }

    fn merge_toml(&mut self, path: &str, src: &str) -> Result<(), KbError> {
        let doc = load::parse_toml(path, src)?;
        let (actors, triggers, cues, outlets) = load::finish_toml(path, src, doc)?;
        for a in actors {
            match self.actors.iter().position(|x| x.id == a.id) {
                Some(i) => self.actors[i] = a,
                None => self.actors.push(a),
            }
        }
        for t in triggers {
            match self.triggers.iter().position(|x| x.phrase == t.phrase) {
                Some(i) => self.triggers[i] = t,
                None => self.triggers.push(t),
            }
        }
        for c in cues {
            if !self.cues.contains(&c) {
                self.cues.push(c);
            }
        }
        for o in outlets {
            match self.outlets.iter().position(|x| x.id == o.id) {
                Some(i) => self.outlets[i] = o,
                None => self.outlets.push(o),
            }
        }
        self.last_path = path.to_string();
        Ok(())
    }

    fn merge_csv(&mut self, path: &str, src: &str) -> Result<(), KbError> {
        let places = load::parse_places(path, src)?;
        let mut ids: HashMap<String, usize> = self
            .places
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.clone(), i))
            .collect();
        for p in places {
            match ids.get(&p.id) {
                Some(&i) => self.places[i] = p,
                None => {
                    ids.insert(p.id.clone(), self.places.len());
                    self.places.push(p);
                }
            }
        }
        self.last_path = path.to_string();
        Ok(())
    }

    /// Checks cross-record rules and rebuilds the indexes and the trie.
    fn rebuild(&mut self) -> Result<(), KbError> {
        let path = self.last_path.clone();
        for p in &mut self.places {
            p.bulk_village = p.source.starts_with(BULK_VILLAGE_SOURCE);
        }
        self.actor_ids = self
            .actors
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.clone(), i))
            .collect();
        for a in &self.actors {
            if let Some(p) = &a.parent {
                if !self.actor_ids.contains_key(p) {
                    return Err(KbError::UnknownParent {
                        path,
                        actor: a.id.clone(),
                        parent: p.clone(),
                    });
                }
            }
        }
        // One owner per alias/anaphor form.
        let mut owner: HashMap<&str, &str> = HashMap::new();
        for a in &self.actors {
            for form in a.aliases.iter().chain(&a.anaphors) {
                let key = form.trim_end_matches('*');
                if let Some(prev) = owner.insert(key, &a.id) {
                    if prev != a.id {
                        return Err(KbError::DuplicateAlias {
                            path,
                            alias: form.clone(),
                            first: prev.to_string(),
                            second: a.id.clone(),
                        });
                    }
                }
            }
        }
        self.place_ids = self
            .places
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.clone(), i))
            .collect();
        self.requires = self
            .triggers
            .iter()
            .map(|t| Requirements::new(&t.requires))
            .collect();
        self.place_names.clear();
        for (i, p) in self.places.iter().enumerate() {
            for n in std::iter::once(&p.name_ar).chain(&p.variants) {
                let key = load::norm_phrase(n);
                if key.is_empty() {
                    continue;
                }
                let v = self.place_names.entry(key).or_default();
                if !v.contains(&i) {
                    v.push(i);
                }
            }
        }

        // The words a page may print split apart ("ق تل", "السوري ة"), for `knows_word`.
        self.words.clear();
        let phrases = self
            .actors
            .iter()
            .flat_map(|a| a.aliases.iter())
            .chain(
                self.places
                    .iter()
                    .flat_map(|p| std::iter::once(&p.name_ar).chain(&p.variants)),
            )
            .chain(self.triggers.iter().map(|t| &t.phrase))
            .chain(self.cues.iter().map(|c| &c.phrase));
        for phrase in phrases {
            for w in load::norm_phrase(phrase).split(' ') {
                let w = w.trim_end_matches('*');
                if w.chars().count() >= 3 && w.chars().all(char::is_alphabetic) {
                    self.words.insert(w.to_string());
                }
            }
        }

        // Entities, triggers and cues share one trie; a phrase that is several of them is
        // one pattern with several targets.
        let mut eb = GroupBuilder::default();
        for (i, a) in self.actors.iter().enumerate() {
            for al in &a.aliases {
                eb.add(al, Entity::Actor(i), false, PRI_ACTOR);
            }
            for an in &a.anaphors {
                // An anaphor equal to another actor's alias was rejected above.
                eb.add(an, Entity::Actor(i), true, PRI_ANAPHOR);
            }
        }
        for (i, o) in self.outlets.iter().enumerate() {
            let pri = if o.ambiguous {
                PRI_AMBIGUOUS_OUTLET
            } else {
                PRI_OUTLET
            };
            for al in &o.aliases {
                eb.add(al, Entity::Outlet(i), false, pri);
            }
        }
        // Each distinct place name once, pointing to its first record.
        let mut names: Vec<(&String, usize)> =
            self.place_names.iter().map(|(k, v)| (k, v[0])).collect();
        names.sort_by_key(|&(_, i)| i);
        for (k, i) in names {
            eb.add(k, Entity::Place(i), false, PRI_PLACE);
        }
        for (i, t) in self.triggers.iter().enumerate() {
            eb.add(&t.phrase, Entity::Trigger(i), false, 0);
        }
        for (i, c) in self.cues.iter().enumerate() {
            eb.add(&c.phrase, Entity::Cue(i), false, 0);
        }
        self.group = eb.build();
        Ok(())
    }
}

/// Cue candidates: sorted by start, then end, then cue index; the same cue on the same span once.
fn select_cues(cands: Vec<matcher::Candidate>) -> Vec<Mention> {
    let mut ms: Vec<Mention> = cands.iter().map(matcher::to_mention).collect();
    // Candidates come word by word and a cue starts in its word: sorted word by word.
    matcher::sort_in_runs(
        &mut ms,
        |a, b| a.prefix.start == b.prefix.start,
        |a, b| {
            (a.range.start, a.range.end, entity_index(a.entity)).cmp(&(
                b.range.start,
                b.range.end,
                entity_index(b.entity),
            ))
        },
    );
    ms.dedup_by(|a, b| a.range == b.range && a.entity == b.entity);
    ms
}

fn entity_index(e: Entity) -> usize {
    match e {
        Entity::Actor(i)
        | Entity::Place(i)
        | Entity::Outlet(i)
        | Entity::Trigger(i)
        | Entity::Cue(i) => i,
    }
}

fn read(p: &Path) -> Result<String, KbError> {
    fs::read_to_string(p).map_err(|source| KbError::Io {
        path: p.display().to_string(),
        source,
    })
}

#[cfg(test)]
mod tests;
