//! Stories and the search index kept in step with `marsad ingest`, and the `stories`, `split`
//! commands.
//!
//! [`Follow`] is what ingest drives: each newly stored document is added to the search index
//! (`<db dir>/index/`) and its events to the linker; [`Follow::commit`] commits the index and
//! saves what the linker changed, once per batch. Old documents are never re-read, except
//! to catch up with documents stored without linking or indexing (a store from before, or a
//! run stopped between storing a batch and committing it).

use std::collections::HashMap;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use marsad_extract::{Analysis, Event};
use marsad_ingest::Document;
use marsad_kb::KnowledgeBase;
use marsad_link::{KeptApart, LinkConfig, Linker, Story};
use marsad_search::{Config, SearchIndex};
use marsad_store::export;
use marsad_store::{Store, StoryFilter};
use serde::Serialize;

use crate::{clip, Cli, Format};

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

/// The stored events of a document analysis: ids `<doc>#<n>` as the store gives them.
pub fn stored_events(doc_id: &str, a: &Analysis) -> Vec<Event> {
    a.events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut e = e.clone();
            e.doc = doc_id.to_string();
            e.id = format!("{doc_id}#{}", i + 1);
            e
        })
        .collect()
}

/// Linker and search index following an ingest.
pub struct Follow {
    linker: Linker,
    index: SearchIndex,
    pending: usize,
}

impl Follow {
    /// Loads the linker (or starts one) and opens the index; catches up with stored documents
    /// that either one is missing.
    pub fn open(store: &mut Store, kb: &KnowledgeBase, db: &Path) -> Result<Self> {
        let kb_arc = Arc::new(kb.clone());
        let mut linker = match store.load_linker(kb_arc.clone())? {
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
        store.save_linker(&mut linker)?;
        let mut index = open_index(db, kb)?;
        let stored = store.stats()?.documents;
        if index.num_docs() < stored {
            eprintln!(
                "marsad: indexing {} stored documents for search",
                stored - index.num_docs()
            );
            for id in store.document_ids()? {
                if let Some((doc, events)) = store.document(&id)? {
                    let a = Analysis {
                        doc: doc.id.clone(),
                        outlet: events
                            .first()
                            .and_then(|e| e.source.clone())
                            .or(doc.outlet.clone()),
                        published: doc.published.clone(),
                        events,
                        mentions: Vec::new(),
                    };
                    index.add(&doc, &a)?;
                }
            }
            index.commit()?;
        }
        Ok(Follow {
            linker,
            index,
            pending: 0,
        })
    }

    /// A document just stored under `id`.
    pub fn add(&mut self, id: &str, doc: &Document, a: &Analysis) -> Result<()> {
        let events = stored_events(id, a);
        if id == doc.id {
            self.index.add(doc, a)?;
        } else {
            let mut d = doc.clone();
            d.id = id.to_string();
            self.index.add(&d, a)?;
        }
        if !events.is_empty() {
            self.linker.add(a.outlet.as_deref(), &events);
        }
        self.pending += 1;
        Ok(())
    }

    /// Commits the index and saves the linker's changes (call once per batch).
    pub fn commit(&mut self, store: &mut Store) -> Result<()> {
        if self.pending > 0 {
            self.index.commit()?;
            self.pending = 0;
        }
        store.save_linker(&mut self.linker)?;
        Ok(())
    }
}

#[derive(clap::Args, Default, Clone)]
pub struct StoryArgs {
    /// Actor id or name (substring) of any of the story's events.
    #[arg(long)]
    pub actor: Option<String>,
    /// Place: English or Arabic name, or governorate (substring).
    #[arg(long)]
    pub place: Option<String>,
    /// Event or sub-event type (substring, case-insensitive).
    #[arg(long = "type")]
    pub event_type: Option<String>,
    /// single-source, corroborated or contested.
    #[arg(long, value_parser = ["single-source", "corroborated", "contested"])]
    pub status: Option<String>,
    /// Stories reaching on or after this date (YYYY-MM-DD).
    #[arg(long)]
    pub since: Option<String>,
    /// Stories starting on or before this date (YYYY-MM-DD).
    #[arg(long)]
    pub until: Option<String>,
    /// Only stories told by at least this many reports.
    #[arg(long)]
    pub min_reports: Option<usize>,
    #[arg(long)]
    pub limit: Option<usize>,
    /// Do not compute why each story stands apart from its closest neighbour.
    #[arg(long)]
    pub no_explain: bool,
}

#[derive(Serialize)]
struct StoryOut<'a> {
    #[serde(flatten)]
    story: &'a Story,
    /// The closest other story and why this one was not joined with it.
    closest_other: Option<KeptApart>,
}

fn figure(f: &Option<marsad_link::Figure>) -> String {
    f.map_or("-".into(), |f| {
        if f.low == f.high {
            format!("{} ({} reports)", f.best, f.reports)
        } else {
            format!(
                "{}/{}/{} low/best/high ({} reports)",
                f.low, f.best, f.high, f.reports
            )
        }
    })
}

/// `marsad stories`.
pub fn run(cli: &Cli, args: &StoryArgs, format: Format) -> Result<ExitCode> {
    let store = crate::open_store(cli)?;
    let filter = StoryFilter {
        event_type: args.event_type.clone(),
        actor: args.actor.clone(),
        place: args.place.clone(),
        status: args.status.clone(),
        since: args.since.clone(),
        until: args.until.clone(),
        min_reports: args.min_reports,
        limit: args.limit,
    };
    let stories = store.stories(&filter)?;
    let linker = if args.no_explain || stories.is_empty() {
        None
    } else {
        let kb = Arc::new(crate::knowledge_base(cli)?);
        store.load_linker(kb)?
    };
    let closest = |s: &Story| linker.as_ref().and_then(|l| l.closest_other(&s.id));
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match format {
        Format::Jsonl | Format::Csv => {
            for s in &stories {
                let o = StoryOut {
                    story: s,
                    closest_other: closest(s),
                };
                serde_json::to_writer(&mut out, &o)?;
                out.write_all(b"\n")?;
            }
        }
        Format::Table => {
            for s in &stories {
                let dates = match &s.date_range {
                    (Some(a), Some(b)) if a == b => a.clone(),
                    (Some(a), Some(b)) => format!("{a}..{b}"),
                    _ => "-".into(),
                };
                let place = s.location.as_ref().map_or("-".to_string(), |l| {
                    format!("{} ({})", l.name, l.admin1.as_deref().unwrap_or("-"))
                });
                writeln!(
                    out,
                    "{}  {} / {}  {}  {}",
                    s.id, s.event_type, s.sub_event_type, dates, place
                )?;
                writeln!(out, "    {}: {}", s.status.as_str(), s.status_reason)?;
                writeln!(
                    out,
                    "    {} reports, {} outlets, {} cited sources; killed {}; injured {}; arrested {}",
                    s.reports.len(),
                    s.outlets,
                    s.cited_sources,
                    figure(&s.fatalities),
                    figure(&s.injured),
                    figure(&s.arrested)
                )?;
                if !s.truce_durations.is_empty() || !s.truce_starts.is_empty() {
                    writeln!(
                        out,
                        "    truce durations (days) {:?}; starts {:?}",
                        s.truce_durations, s.truce_starts
                    )?;
                }
                for r in &s.reports {
                    writeln!(
                        out,
                        "    - {:<18} {:<16} cited: {:<22} {:<9} «{}»",
                        clip(&r.event_id, 18),
                        clip(r.outlet.as_deref().unwrap_or("-"), 16),
                        clip(r.cited_source.as_deref().unwrap_or("-"), 22),
                        r.stance.as_str(),
                        clip(&r.evidence.text, 110)
                    )?;
                }
                for l in &s.links {
                    writeln!(
                        out,
                        "      link {} ~ {} score {:.2}: {}",
                        l.event_id,
                        l.matched,
                        l.score,
                        l.agreed.join(", ")
                    )?;
                }
                if let Some(k) = closest(s) {
                    match &k.best_candidate {
                        Some(c) => writeln!(
                            out,
                            "      apart from {c} (score {:.2}): {}",
                            k.score,
                            k.reasons.join("; ")
                        )?,
                        None => writeln!(out, "      apart: {}", k.reasons.join("; "))?,
                    }
                }
                writeln!(out)?;
            }
            writeln!(out, "{} stories", stories.len())?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// `marsad split STORY EVENT`.
pub fn split(cli: &Cli, story: &str, event: &str) -> Result<ExitCode> {
    let mut store = crate::open_store(cli)?;
    let kb = Arc::new(crate::knowledge_base(cli)?);
    let Some(mut linker) = store.load_linker(kb)? else {
        eprintln!("marsad: error: no stories stored yet (run `marsad ingest`)");
        return Ok(ExitCode::from(1));
    };
    match linker.split(story, event) {
        Ok(now) => {
            store.save_linker(&mut linker)?;
            println!("{event} moved out of {story}; now in {now} (the pair stays apart on later ingests)");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("marsad: error: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

/// `marsad export` with the story columns.
pub fn export(store: &Store, events: &[Event], format: Format) -> Result<()> {
    let by_event: HashMap<String, Arc<Story>> = store.stories_by_event()?;
    if by_event.is_empty() {
        return crate::write_events(events, format);
    }
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match format {
        Format::Table => {
            drop(out);
            return crate::print_table(events);
        }
        Format::Jsonl => {
            for e in events {
                let s = by_event.get(&e.id).map(|s| s.as_ref());
                serde_json::to_writer(&mut out, &export::Row::with_story(e, s))?;
                out.write_all(b"\n")?;
            }
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(export::CSV_HEADER)?;
            for e in events {
                let s = by_event.get(&e.id).map(|s| s.as_ref());
                w.write_record(export::csv_record_with(e, s))?;
            }
            w.flush()?;
        }
    }
    out.flush()?;
    Ok(())
}
