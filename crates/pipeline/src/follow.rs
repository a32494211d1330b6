//! The linker and the search index kept in step with the store.
//!
//! [`Follow`] is what a writer drives: each newly stored document is added to the search index
//! (`<db dir>/index/`) and its events to the linker; [`Follow::save`] saves what the linker
//! changed, [`Follow::commit_index`] commits the index. Old documents are never re-read,
//! except to catch up with documents stored without linking or indexing (a store from before,
//! or a run stopped between storing a batch and committing it).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use marsad_extract::{Analysis, Event};
use marsad_ingest::Document;
use marsad_kb::KnowledgeBase;
use marsad_link::{LinkConfig, Linker};
use marsad_search::{Config, SearchIndex};
use marsad_store::Store;

use crate::lock;

/// Directory of the search index of a store.
pub fn index_dir(db: &Path) -> PathBuf {
    db.join("index")
}

/// Opens the search index of the store in `db`.
pub fn open_index(db: &Path, kb: &KnowledgeBase) -> Result<SearchIndex> {
    let dir = index_dir(db);
    SearchIndex::open_or_create_with(&dir, Config::default(), Some(kb.clone()))
        .with_context(|| format!("opening the search index in {}", dir.display()))
}

/// Key of the store's bookkeeping value: every document with a rowid up to this one is in a
/// committed search index.
const INDEX_WATERMARK: &str = "search_index_rowid";

/// Documents the index is caught up with per page (bounded memory on a large store).
const CATCH_UP_PAGE: usize = 1_000;

/// The linker keeps in memory the events dated within [`Linker::lookback_days`] plus this many
/// days of the recent ones (late reports up to this far behind are linked without reading
/// anything back); older stories leave memory once saved.
const LATE_DAYS: i64 = 60;
/// Nothing leaves memory while the linker holds fewer events than this.
const EVICT_MIN_EVENTS: usize = 50_000;
/// Stories leave memory once this many more days can go (each pass looks at every story held).
const EVICT_STEP_DAYS: i64 = 14;
/// After this many restores, or one bringing back [`EVICT_MIN_EVENTS`] events, the input is
/// not in date order: everything stays in memory from then on rather than going back and forth.
const MAX_RESTORES: usize = 8;

/// Linker and search index following an ingest.
///
/// The store is the source of truth. Documents are stored first; [`Follow::add`] then links
/// and indexes them, [`Follow::save`] saves what the linker changed (one transaction), and
/// [`Follow::commit_index`] commits the search index, less often, recording in the store up to
/// which document the index is committed. [`Follow::open`] catches up with what a run stopped
/// in between left out: events not linked yet are linked, documents after the index's mark are
/// re-indexed (re-adding a document replaces it, so none is indexed twice).
///
/// Memory: the linker holds the events recent enough to be linked with what comes next. Once
/// saved, stories dated more than [`Linker::lookback_days`] + [`LATE_DAYS`] before the recent
/// events leave memory ([`Linker::evict_before`]); an event dated before what is held brings the
/// saved events from its date on back first ([`Linker::restore`]), so the stories are the same
/// as with everything in memory. An undated event links with nothing and brings nothing back.
pub struct Follow {
    linker: Linker,
    index: SearchIndex,
    /// Documents added to the index since its last commit.
    pending: usize,
    /// Every linked event dated from this day on is in memory (`None`: every linked event).
    resident_from: Option<i64>,
    /// Whether stories may still leave memory.
    evicting: bool,
    /// Days of the events added since the last save.
    recent: Vec<i64>,
    /// Restores so far.
    restores: usize,
}

impl Follow {
    /// Loads the linker (or starts one) and opens the index; catches up with stored documents
    /// that either one is missing.
    pub fn open(store: &mut Store, kb: &KnowledgeBase, db: &Path) -> Result<Self> {
        let kb_arc = Arc::new(kb.clone());
        let mut linker = match crate::load_linker(store, kb_arc.clone())? {
            Some(l) => l,
            None => Linker::new(kb_arc, LinkConfig::default()),
        };
        let missing = store.unlinked_events()?;
        if !missing.is_empty() {
            eprintln!(
                "marsad: linking {} stored events not linked yet",
                missing.len()
            );
            let mut by_doc: Vec<(String, Option<String>, Vec<Event>)> = Vec::new();
            for (outlet, e) in missing {
                match by_doc.last_mut() {
                    Some((d, _, v)) if *d == e.doc => v.push(e),
                    _ => by_doc.push((e.doc.clone(), outlet, vec![e])),
                }
            }
            for (_, outlet, events) in by_doc {
                linker.add(outlet.as_deref(), &events);
            }
        }
        crate::save_linker(store, &mut linker)?;
        let mut index = open_index(db, kb)?;
        catch_up_index(store, &mut index)?;
        Ok(Follow {
            linker,
            index,
            pending: 0,
            resident_from: None,
            evicting: true,
            recent: Vec::new(),
            restores: 0,
        })
    }

    /// A document just stored under `id`.
    pub fn add(
        &mut self,
        store: &Mutex<Store>,
        id: &str,
        doc: &Document,
        a: &Analysis,
    ) -> Result<()> {
        let events = a.events_stored_as(id);
        self.bring_back(store, &events)?;
        self.recent
            .extend(events.iter().filter_map(Linker::event_day));
        if id == doc.id {
            self.index.add(doc, a)?;
        } else {
            let mut d = doc.clone();
            d.id = id.to_string();
            self.index.add(&d, a)?;
        }
        if !events.is_empty() {
            self.linker.add_events(a.outlet.as_deref(), &events);
        }
        self.pending += 1;
        Ok(())
    }

    /// Saves the linker's changes (in one transaction).
    pub fn save(&mut self, store: &mut Store) -> Result<()> {
        crate::save_linker(store, &mut self.linker)?;
        let recent = std::mem::take(&mut self.recent);
        if self.evicting && self.linker.len() >= EVICT_MIN_EVENTS && !recent.is_empty() {
            let mut days = recent;
            let mid = days.len() / 2;
            let now = *days.select_nth_unstable(mid).1;
            let before = now - self.linker.lookback_days() - LATE_DAYS;
            if self
                .resident_from
                .is_none_or(|f| before >= f + EVICT_STEP_DAYS)
            {
                let n = self.linker.evict_before(before);
                self.resident_from = Some(before);
                tracing::debug!(
                    events = n,
                    before = %Linker::day_to_iso(before),
                    "stories left memory"
                );
            }
        }
        Ok(())
    }

    /// Restores the saved events that adding `events` reaches and that are not in memory.
    fn bring_back(&mut self, store: &Mutex<Store>, events: &[Event]) -> Result<()> {
        let Some(from) = self.resident_from else {
            return Ok(());
        };
        let lookback = self.linker.lookback_days();
        // An undated event links with nothing: it needs nothing back.
        let mut need = Some(from);
        for d in events.iter().filter_map(Linker::event_day) {
            need = need.map(|n| n.min(d - lookback));
        }
        let (lo, hi) = match need {
            Some(n) if n >= from => return Ok(()),
            // One day of slack each side: a date stored as "YYYY-MM" sorts before its first day.
            Some(n) => (
                Some(Linker::day_to_iso(n - 1)),
                Some(Linker::day_to_iso(from + 1)),
            ),
            None => (None, None),
        };
        let (entries, stories, edges) = lock(store).linker_part(lo.as_deref(), hi.as_deref())?;
        tracing::debug!(events = entries.len(), from = ?lo, "stories back in memory");
        self.restores += 1;
        if need.is_none() || self.restores >= MAX_RESTORES || entries.len() >= EVICT_MIN_EVENTS {
            self.evicting = false;
        }
        self.linker.restore(entries, stories, edges);
        self.resident_from = need;
        Ok(())
    }

    /// Documents added to the index and not committed yet.
    pub fn pending(&self) -> usize {
        self.pending
    }

    /// Commits the index and records in the store that it holds every stored document up to
    /// rowid `upto` ([`Store::last_inserted_rowid`] of the last document added: documents are
    /// added in the order they were stored, after their store transaction committed).
    pub fn commit_index(&mut self, store: &mut Store, upto: i64) -> Result<()> {
        if self.pending > 0 {
            self.index.commit()?;
            self.pending = 0;
            store.set_meta(INDEX_WATERMARK, &upto.to_string())?;
        }
        Ok(())
    }
}

/// Indexes the stored documents the index may be missing: those after the recorded watermark
/// (a run stopped between storing documents and committing the index), or every one when the
/// index holds fewer documents than the store and no watermark says how far it got (a store
/// from before, or documents stored by another writer).
fn catch_up_index(store: &mut Store, index: &mut SearchIndex) -> Result<()> {
    let stored = store.document_count()?;
    let last = store.last_document_rowid()?;
    let watermark: Option<i64> = store.meta(INDEX_WATERMARK)?.and_then(|v| v.parse().ok());
    let from = match watermark {
        Some(w) => w,
        None if index.num_docs() >= stored => last,
        None => 0,
    };
    let mut n = 0;
    if from < last {
        n += reindex_after(store, index, from)?;
    }
    if from > 0 && index.num_docs() < stored {
        // Documents below the watermark were never indexed (stored by another writer): go
        // over everything once.
        n += reindex_after(store, index, 0)?;
    }
    if n > 0 {
        eprintln!("marsad: indexed {n} stored documents for search");
    }
    if watermark != Some(last) {
        store.set_meta(INDEX_WATERMARK, &last.to_string())?;
    }
    Ok(())
}

/// Adds every stored document after `rowid` to the index, page by page, and commits.
fn reindex_after(store: &Store, index: &mut SearchIndex, mut rowid: i64) -> Result<usize> {
    let mut n = 0;
    loop {
        let page = store.documents_after(rowid, CATCH_UP_PAGE)?;
        let Some(last) = page.last() else { break };
        rowid = last.rowid;
        for s in page {
            // As ingest indexed it: the analysis' outlet and date (the index falls back to the
            // document's own).
            let a = Analysis {
                doc: s.doc.id.clone(),
                outlet: s.analysis_outlet,
                published: s.analysis_published,
                date_source: None,
                events: s.events,
                mentions: Vec::new(),
            };
            index.add(&s.doc, &a)?;
            n += 1;
        }
    }
    if n > 0 {
        index.commit()?;
    }
    Ok(n)
}
