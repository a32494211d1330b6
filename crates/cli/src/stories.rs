//! The `stories`, `split` and `export` commands (the pipeline crate links stories as
//! documents are stored: `marsad_pipeline::Follow`).

use std::collections::HashMap;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use marsad_extract::Event;
use marsad_link::{KeptApart, Story};
use marsad_pipeline::WriterLock;
use marsad_store::export;
use marsad_store::{EventFilter, FilterQuery, Store, StoryPageFilter};
use serde::Serialize;

use crate::{clip, Cli, Format};

#[derive(clap::Args, Default, Clone)]
pub struct StoryArgs {
    /// Actor of any of the story's events: any alias, Arabic or English ("قسد", "SDF").
    #[arg(long)]
    pub actor: Option<String>,
    /// Place of any of the story's events: a gazetteer name, Arabic or English, or a governorate.
    #[arg(long)]
    pub place: Option<String>,
    /// Event or sub-event type of any of the story's events, by ACLED or Arabic name.
    #[arg(long = "type")]
    pub event_type: Option<String>,
    /// single-source, corroborated or contested.
    #[arg(long, value_parser = ["single-source", "corroborated", "contested"])]
    pub status: Option<String>,
    /// Stories reaching on or after this date (YYYY-MM-DD; YYYY-MM or YYYY from its first day).
    #[arg(long)]
    pub since: Option<String>,
    /// Stories starting on or before this date (YYYY-MM-DD; YYYY-MM or YYYY to its last day).
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
    // The same resolution as the event filters and the page's story filters: names through
    // the knowledge base, never a substring of a word; dates checked.
    let q = FilterQuery {
        event_type: args.event_type.clone(),
        actor: args.actor.clone(),
        place: args.place.clone(),
        since: args.since.clone(),
        until: args.until.clone(),
        doc: None,
    };
    let kb = if q.actor.is_some() || q.place.is_some() {
        crate::knowledge_base(cli)?
    } else {
        marsad_kb::KnowledgeBase::default()
    };
    let events = EventFilter::resolve(&q, &kb).map_err(|e| anyhow::anyhow!("--{e}"))?;
    let filter = StoryPageFilter {
        events,
        status: args.status.clone(),
        min_reports: args.min_reports,
    };
    let limit = args.limit.unwrap_or(i64::MAX as usize);
    let (_, stories) = store.story_page(&filter, 0, limit)?;
    let linker = if args.no_explain || stories.is_empty() {
        None
    } else {
        let kb = Arc::new(crate::knowledge_base(cli)?);
        marsad_pipeline::load_linker(&store, kb)?
    };
    let closest = |s: &Story| linker.as_ref().and_then(|l| l.closest_other(&s.id));
    let stdout = io::stdout();
    let mut out = crate::ShownOut::new(BufWriter::new(stdout.lock()));
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
    // The linker's state is the writer's: split only while nobody else writes the store.
    let db = crate::db_dir(cli);
    let Some(_lock) = WriterLock::try_acquire(&db, "marsad split")
        .with_context(|| format!("locking the store in {}", db.display()))?
    else {
        eprintln!(
            "marsad: error: the store in {} is being written by {}: split when it is done",
            db.display(),
            marsad_pipeline::holder(&db).unwrap_or_else(|| "another process".into())
        );
        return Ok(ExitCode::from(1));
    };
    let kb = Arc::new(crate::knowledge_base(cli)?);
    let Some(mut linker) = marsad_pipeline::load_linker(&store, kb)? else {
        eprintln!("marsad: error: no stories stored yet (run `marsad ingest`)");
        return Ok(ExitCode::from(1));
    };
    match linker.split(story, event) {
        Ok(now) => {
            marsad_pipeline::save_linker(&mut store, &mut linker)?;
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
            out.write_all(export::CSV_BOM)?;
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
