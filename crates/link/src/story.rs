//! A story's summary: reports, figures, status, place and dates, from its events.

use crate::compare::{Ctx, Derived};
use crate::{Entry, Figure, LinkExplanation, Report, Story, StoryStatus};
use marsad_extract::{Count, Event, Stance};
use marsad_kb::KnowledgeBase;
use std::collections::BTreeSet;

/// Builds the story `id` from its events (in canonical order, each with its derived values)
/// and the explanations of how they joined.
pub(crate) fn build(
    id: &str,
    ctx: &Ctx,
    kb: &KnowledgeBase,
    events: &[(&Entry, &Derived)],
    links: Vec<LinkExplanation>,
) -> Story {
    let members: Vec<&Entry> = events.iter().map(|(m, _)| *m).collect();
    let members = &members[..];
    let reports: Vec<Report> = members
        .iter()
        .map(|m| Report {
            event_id: m.event.id.clone(),
            doc: m.event.doc.clone(),
            outlet: m.outlet.clone(),
            cited_source: m.event.cited_source.as_ref().map(|s| s.text.clone()),
            stance: m.event.stance,
            evidence: m.event.evidence.clone(),
            fatalities: m.event.fatalities.as_ref().map(|c| c.value),
        })
        .collect();
    let (event_type, sub_event_type) = majority_type(members);
    let outlets = distinct_outlets(&reports);
    let cited: BTreeSet<&str> = events
        .iter()
        .filter_map(|(_, d)| d.cited_key.as_deref())
        .filter(|k| !k.is_empty())
        .collect();
    let fatalities = figure(events, |e| e.fatalities.as_ref());
    let injured = figure(events, |e| e.injured.as_ref());
    let arrested = figure(events, |e| e.arrested.as_ref());
    let (status, status_reason) = status(ctx, &reports, &outlets, fatalities.as_ref());
    let mut truce_durations: Vec<u32> = members
        .iter()
        .filter_map(|m| m.event.truce.as_ref()?.duration_days)
        .collect();
    truce_durations.sort_unstable();
    truce_durations.dedup();
    let mut truce_starts: Vec<String> = members
        .iter()
        .filter_map(|m| m.event.truce.as_ref()?.start.clone())
        .collect();
    truce_starts.sort();
    truce_starts.dedup();
    let location = members
        .iter()
        .filter_map(|m| m.event.location.as_ref())
        .min_by_key(|l| {
            let spec = ctx.specificity(kb, &l.place_id);
            (l.geo_precision, std::cmp::Reverse(spec))
        })
        .cloned();
    let dates: Vec<&String> = members
        .iter()
        .filter_map(|m| m.event.date.date.as_ref())
        .collect();
    let date_range = (
        dates.iter().min().map(|s| s.to_string()),
        dates.iter().max().map(|s| s.to_string()),
    );
    Story {
        id: id.to_string(),
        event_type,
        sub_event_type,
        events: members.iter().map(|m| m.event.id.clone()).collect(),
        reports,
        outlets: outlets.len(),
        cited_sources: cited.len(),
        status,
        status_reason,
        fatalities,
        injured,
        arrested,
        truce_durations,
        truce_starts,
        location,
        date_range,
        links,
    }
}

fn majority_type(members: &[&Entry]) -> (String, String) {
    let mut best: Option<(&Event, usize)> = None;
    for m in members {
        let n = members
            .iter()
            .filter(|x| x.event.sub_event_type == m.event.sub_event_type)
            .count();
        if best.is_none_or(|(_, bn)| n > bn) {
            best = Some((&m.event, n));
        }
    }
    best.map(|(e, _)| (e.event_type.clone(), e.sub_event_type.clone()))
        .unwrap_or_default()
}

/// Named outlets of the reports, first spelling kept, compared case-insensitively.
fn distinct_outlets(reports: &[Report]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in reports {
        if let Some(o) = r.outlet.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
            if !out.iter().any(|x| x.eq_ignore_ascii_case(o)) {
                out.push(o.to_string());
            }
        }
    }
    out
}

/// How much a report's figure is to be trusted: a named cited source over none (the outlet's
/// own word) over an anonymous one; asserted over disputed over uncertain over denied.
fn credibility(e: &Event, d: &Derived) -> (u8, u8) {
    let source = match e.cited_source.as_ref() {
        Some(_) if d.named_source => 2,
        None => 1,
        Some(_) => 0,
    };
    let stance = match e.stance {
        Stance::Asserted => 3,
        Stance::Disputed => 2,
        Stance::Uncertain => 1,
        Stance::Denied => 0,
    };
    (source, stance)
}

fn figure(events: &[(&Entry, &Derived)], get: impl Fn(&Event) -> Option<&Count>) -> Option<Figure> {
    let vals: Vec<(u64, (u8, u8))> = events
        .iter()
        .filter_map(|(m, d)| get(&m.event).map(|c| (c.value, credibility(&m.event, d))))
        .collect();
    let low = vals.iter().map(|v| v.0).min()?;
    let high = vals.iter().map(|v| v.0).max()?;
    let top = vals.iter().map(|v| v.1).max()?;
    let mut best: Vec<u64> = vals.iter().filter(|v| v.1 == top).map(|v| v.0).collect();
    best.sort_unstable();
    // The lower median: always a value some report gave.
    let best = best[(best.len() - 1) / 2];
    Some(Figure {
        low,
        best,
        high,
        reports: vals.len(),
    })
}

fn status(
    ctx: &Ctx,
    reports: &[Report],
    outlets: &[String],
    fatalities: Option<&Figure>,
) -> (StoryStatus, String) {
    let who = |r: &Report| match &r.outlet {
        Some(o) => format!("{} ({o})", r.event_id),
        None => r.event_id.clone(),
    };
    let mut contested = Vec::new();
    for r in reports {
        match r.stance {
            Stance::Denied => contested.push(format!("report {} is a denial", who(r))),
            Stance::Disputed => contested.push(format!("report {} carries a denial", who(r))),
            _ => {}
        }
    }
    if let Some(f) = fatalities {
        if f.high > f.low.saturating_mul(2) {
            contested.push(format!(
                "fatality figures differ by more than a factor of 2 ({} vs {})",
                f.low, f.high
            ));
        }
    }
    if !contested.is_empty() {
        return (StoryStatus::Contested, contested.join("; "));
    }
    match outlets.len() {
        0 => {
            return (
                StoryStatus::SingleSource,
                "no report names its outlet".into(),
            )
        }
        1 => {
            return (
                StoryStatus::SingleSource,
                format!("one outlet ({})", outlets[0]),
            )
        }
        _ => {}
    }
    // a cites b when a report of outlet a gives b as its source.
    let cites = |a: &str, b: &str| {
        reports.iter().any(|r| {
            r.outlet
                .as_deref()
                .is_some_and(|o| o.eq_ignore_ascii_case(a))
                && r.cited_source
                    .as_deref()
                    .is_some_and(|c| ctx.cites_outlet(c, b))
        })
    };
    let mut relays = Vec::new();
    for (i, a) in outlets.iter().enumerate() {
        for b in &outlets[i + 1..] {
            let ab = cites(a, b);
            let ba = cites(b, a);
            if !ab && !ba {
                return (
                    StoryStatus::Corroborated,
                    format!(
                        "{} outlets; {a} and {b} report it independently",
                        outlets.len()
                    ),
                );
            }
            if ab {
                relays.push(format!("{a} cites {b}"));
            }
            if ba {
                relays.push(format!("{b} cites {a}"));
            }
        }
    }
    (
        StoryStatus::SingleSource,
        format!("outlets cite one another: {}", relays.join(", ")),
    )
}
