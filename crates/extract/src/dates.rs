//! Dates: the document's own date, relative expressions ("أول من أمس", "الثلاثاء", "منذ
//! أسبوعين") resolved against it, explicit dates ("28 تشرين الثاني") and durations.

use std::ops::Range;
use std::sync::OnceLock;

use chrono::{Datelike, Duration, NaiveDate};
use marsad_ingest::Document;
use marsad_kb::{CueKind, Entity, KnowledgeBase};
use regex::Regex;

use crate::doc::Doc;
use crate::model::EventDate;

/// The date a document was published, when known.
#[derive(Debug, Clone, Default)]
pub struct DocDate {
    pub date: Option<NaiveDate>,
}

fn numeric_date() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?:^|[^0-9])(?:(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})|(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4}))(?:[^0-9]|$)")
            .expect("valid regex")
    })
}

fn named_date() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    // "28 تشرين الثاني 2017", "12 اذار", "3 نوفمبر 2019": day, one or two month words, year.
    R.get_or_init(|| {
        Regex::new(r"(\d{1,2}) (\p{Arabic}+(?: \p{Arabic}+)?)(?: (\d{4}))?").expect("valid regex")
    })
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    (1990..=2100)
        .contains(&y)
        .then(|| NaiveDate::from_ymd_opt(y, m, d))
        .flatten()
}

/// Parses a date written in metadata ("2019-03-12T10:00:00Z", "2019/03/12", "12/03/2019").
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    // A date that parses has an ASCII digit before a separator (`\d` also matches other digits,
    // which do not parse): most lines have none, so skip the regex.
    let b = s.as_bytes();
    if !memchr::memchr3_iter(b'/', b'-', b'.', b).any(|i| i > 0 && b[i - 1].is_ascii_digit()) {
        return None;
    }
    let c = numeric_date().captures(s)?;
    if let (Some(y), Some(m), Some(d)) = (c.get(1), c.get(2), c.get(3)) {
        return ymd(
            y.as_str().parse().ok()?,
            m.as_str().parse().ok()?,
            d.as_str().parse().ok()?,
        );
    }
    let (d, m, y) = (c.get(4)?, c.get(5)?, c.get(6)?);
    ymd(
        y.as_str().parse().ok()?,
        m.as_str().parse().ok()?,
        d.as_str().parse().ok()?,
    )
}

/// Metadata first, then a date line in the first paragraphs ("الأربعاء 2017/11/29").
/// The latest year the text names between the start of the Syrian war and a few years past
/// the corpus: for an undated page, the best guess of the year it reports from.
pub fn latest_year(doc: &Doc) -> Option<i32> {
    let t = doc.text();
    doc.tokens
        .iter()
        .filter(|tk| tk.kind == marsad_text::TokenKind::Number && tk.range.len() == 4)
        .filter_map(|tk| t[tk.range.clone()].parse::<i32>().ok())
        .filter(|y| (2011..=2030).contains(y))
        .max()
}

pub fn document_date(document: &Document, doc: &Doc) -> DocDate {
    if let Some(d) = document.published.as_deref().and_then(parse_date) {
        return DocDate { date: Some(d) };
    }
    let t = doc.text();
    for p in doc.paragraphs.iter().take(6) {
        let line = &t[p.clone()];
        if let Some(d) = parse_date(line) {
            return DocDate { date: Some(d) };
        }
        // Only a short line is a date line (checked first: the pattern is costly on long ones).
        if line.len() < 80 {
            if let Some((d, _)) = named_in(line, None) {
                return DocDate { date: Some(d) };
            }
        }
    }
    DocDate::default()
}

/// A "day month [year]" date inside `line`; the year defaults to the document's (a month after
/// the document date means the year before).
fn named_in(line: &str, doc_date: Option<NaiveDate>) -> Option<(NaiveDate, Range<usize>)> {
    for c in named_date().captures_iter(line) {
        let day: u32 = c[1].parse().ok()?;
        let words = &c[2];
        let month = marsad_text::calendar::month_from_name(words).or_else(|| {
            words
                .split(' ')
                .next()
                .and_then(marsad_text::calendar::month_from_name)
        })?;
        let year = match c.get(3) {
            Some(y) => y.as_str().parse().ok()?,
            None => {
                let dd = doc_date?;
                let y = dd.year();
                if month > dd.month() {
                    y - 1
                } else {
                    y
                }
            }
        };
        if let Some(d) = ymd(year, month, day) {
            let m = c.get(0)?;
            return Some((d, m.start()..m.end()));
        }
    }
    None
}

/// An explicit date inside a normalized range, as ISO text with its range.
pub fn explicit_date_in(
    doc: &Doc,
    r: Range<usize>,
    doc_date: &DocDate,
) -> Option<(String, Range<usize>)> {
    let t = &doc.text()[r.clone()];
    named_in(t, doc_date.date).map(|(d, m)| {
        (
            d.format("%Y-%m-%d").to_string(),
            r.start + m.start..r.start + m.end,
        )
    })
}

/// The event date from a relative-date cue, else the document date (week precision: the
/// report does not say which day).
pub fn event_date(
    doc: &Doc,
    kb: &KnowledgeBase,
    cue: Option<&(Range<usize>, usize)>,
    doc_date: &DocDate,
) -> EventDate {
    let Some(base) = doc_date.date else {
        return EventDate::default();
    };
    if let Some((r, c)) = cue {
        let cue = &kb.cues[*c];
        let resolved = if let Some(wd) = cue.weekday {
            // The last such weekday before the report (a report on a Wednesday about "الثلاثاء"
            // means the day before).
            let today = base.weekday().number_from_monday();
            let back = (today + 7 - wd) % 7;
            let back = if back == 0 { 7 } else { back };
            Some((base - Duration::days(back as i64), 1))
        } else {
            cue.days
                .map(|d| (base + Duration::days(d as i64), cue.precision.unwrap_or(1)))
        };
        if let Some((d, p)) = resolved {
            return EventDate {
                date: Some(d.format("%Y-%m-%d").to_string()),
                time_precision: Some(p),
                evidence: Some(doc.span(r.clone())),
            };
        }
    }
    EventDate {
        date: Some(base.format("%Y-%m-%d").to_string()),
        time_precision: Some(2),
        evidence: None,
    }
}

/// A duration after "لمدة": "ستة أشهر" = 180 days, "شهر قابل للتمديد" = 30 days, extendable.
pub fn duration(
    doc: &Doc,
    kb: &KnowledgeBase,
    cue: Range<usize>,
) -> Option<(Option<u32>, bool, Range<usize>)> {
    let t = doc.text();
    let window = cue.end..(cue.end + 60).min(t.len());
    let mut end = cue.end;
    let mut days = None;
    let mut extendable = false;
    let mut count: Option<u64> = None;
    if let Some(q) = doc
        .quantities
        .iter()
        .find(|q| q.range.start >= window.start && q.range.start < window.start + 20)
    {
        count = Some(q.value);
        end = end.max(q.range.end);
    }
    for m in doc
        .cues
        .iter()
        .filter(|m| m.range.start >= window.start && m.range.start < window.end)
    {
        let Entity::Cue(c) = m.entity else { continue };
        let cue = &kb.cues[c];
        match cue.kind {
            CueKind::TimeUnit if days.is_none() => {
                let unit = cue.days.unwrap_or(1).max(1) as u64;
                days = Some((count.unwrap_or(1) * unit) as u32);
                end = end.max(m.range.end);
            }
            CueKind::Extendable => {
                extendable = true;
                end = end.max(m.range.end);
            }
            _ => {}
        }
    }
    (days.is_some() || extendable).then_some((days, extendable, cue.start..end))
}
