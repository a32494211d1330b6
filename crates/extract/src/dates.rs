//! Dates: the document's own date, relative expressions ("أول من أمس", "الثلاثاء", "منذ
//! أسبوعين") resolved against it, explicit dates ("28 تشرين الثاني") and durations.

use std::ops::Range;
use std::sync::OnceLock;

use chrono::{Datelike, Duration, NaiveDate};
use marsad_ingest::Document;
use marsad_kb::{CueKind, Entity, KnowledgeBase};
use marsad_text::TokenKind;
use regex::Regex;

use crate::doc::Doc;
use crate::model::{DateSource, EventDate};

/// The date a document was published, when known, and the rule that found it.
#[derive(Debug, Clone, Default)]
pub struct DocDate {
    pub date: Option<NaiveDate>,
    pub source: Option<DateSource>,
    /// ACLED time precision of `date` itself: 1 the day; 3 only the month was given (a URL
    /// "/2017/05/"), `date` is then its first day.
    pub precision: u8,
    /// Every full date of the text (a date and its normalized range), for events whose own
    /// sentence dates them.
    written: Vec<(NaiveDate, Range<usize>)>,
}

impl DocDate {
    /// The first full date written inside `r` (a sentence): the day its events happened.
    pub(crate) fn written_in(&self, r: &Range<usize>) -> Option<NaiveDate> {
        self.written
            .iter()
            .find(|(_, w)| r.start <= w.start && w.end <= r.end)
            .map(|(d, _)| *d)
    }

    fn day(date: NaiveDate, source: DateSource) -> Self {
        DocDate {
            date: Some(date),
            source: Some(source),
            precision: 1,
            written: Vec::new(),
        }
    }
}

impl EventDate {
    /// A full date written in the event's own sentence ("قتل 4 أشخاص في 29 مايو 2015") dates
    /// it to the day, unless a relative expression already did; never later than the report.
    pub(crate) fn or_explicit(self, doc: &Doc, doc_date: &DocDate, sentence: Range<usize>) -> Self {
        if self.evidence.is_some() {
            return self;
        }
        let Some((d, r)) = doc_date
            .written
            .iter()
            .find(|(_, r)| sentence.start <= r.start && r.end <= sentence.end)
        else {
            return self;
        };
        if doc_date.date.is_some_and(|rd| *d > rd) {
            return self;
        }
        EventDate {
            date: Some(d.format("%Y-%m-%d").to_string()),
            time_precision: Some(1),
            evidence: Some(doc.span(r.clone())),
            source: Some(DateSource::Text),
        }
    }
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

fn url_date_re() -> &'static [Regex; 5] {
    static R: OnceLock<[Regex; 5]> = OnceLock::new();
    R.get_or_init(|| {
        [
            // "/2017/05/12/", "/2017-5-12-", "2011_06_05_archive", "?date=2017-05-12"
            Regex::new(r"(?:^|[/_\-=.])((?:19|20)\d\d)[/_\-](\d{1,2})[/_\-](\d{1,2})(?:[^0-9]|$)"),
            // "/20171227-", "c_20170512", and a date opening a numeric id "/201712281028832695-"
            Regex::new(r"(?:^|[^0-9])((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?:[^0-9]|\d{6,}|$)"),
            // "/time/21.08.2017", "/27-12-2017" (day first)
            Regex::new(r"(?:^|[/_\-=])(\d{1,2})[.\-](\d{1,2})[.\-]((?:19|20)\d\d)(?:[^0-9]|$)"),
            // "/27122017" (day, month, year run together as a path segment)
            Regex::new(r"/(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])((?:19|20)\d\d)(?:[/?#.]|$)"),
            // "/2017/12/" (month only)
            Regex::new(r"/((?:19|20)\d\d)/(\d{1,2})(?:/|$)"),
        ]
        .map(|r| r.expect("valid regex"))
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
    // A date that parses has ASCII digits on both sides of a separator (`\d` also matches
    // other digits, which do not parse, and the first match is the only one tried): most lines
    // have none ("عام 2017." has a digit before its full stop only), so skip the regex.
    let b = s.as_bytes();
    if !memchr::memchr3_iter(b'/', b'-', b'.', b)
        .any(|i| i > 0 && b[i - 1].is_ascii_digit() && b.get(i + 1).is_some_and(u8::is_ascii_digit))
    {
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

/// The date in a page's URL (after the host): a full date with day precision (1), else a
/// year and month with the month's first day and month precision (3).
pub fn url_date(url: &str) -> Option<(NaiveDate, u8)> {
    // The host never dates a page ("2017news.com"); the path and query may.
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = &rest[rest.find('/')?..];
    let [sep, compact, day_first, day_run, month] = url_date_re();
    for (re, year_first) in [
        (sep, true),
        (compact, true),
        (day_first, false),
        (day_run, false),
    ] {
        for c in re.captures_iter(path) {
            let (y, d) = if year_first {
                (&c[1], &c[3])
            } else {
                (&c[3], &c[1])
            };
            if let Some(d) = ymd(y.parse().ok()?, c[2].parse().ok()?, d.parse().ok()?) {
                return Some((d, 1));
            }
        }
    }
    let c = month.captures(path)?;
    ymd(c[1].parse().ok()?, c[2].parse().ok()?, 1).map(|d| (d, 3))
}

/// Days of the tabular (arithmetic, civil epoch) Islamic calendar: a Hijri date's Gregorian
/// day. Official calendars (Umm al-Qura, sighting) differ from it by a day or two at most.
pub fn hijri_to_gregorian(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    if !(1..=12).contains(&month) || !(1..=30).contains(&day) || year < 1 {
        return None;
    }
    let (y, m, d) = (year as i64, month as i64, day as i64);
    // Days since 1 Muharram 1 (= 16 July 622 Julian, 19 July 622 proleptic Gregorian).
    let days = d - 1 + (59 * (m - 1) + 1) / 2 + (y - 1) * 354 + (3 + 11 * y) / 30;
    let epoch = NaiveDate::from_ymd_opt(622, 7, 19)?;
    epoch.checked_add_signed(Duration::days(days))
}

/// The inverse of [`hijri_to_gregorian`]: (year, month, day).
#[cfg(test)]
pub fn gregorian_to_hijri(date: NaiveDate) -> Option<(i32, u32, u32)> {
    let epoch = NaiveDate::from_ymd_opt(622, 7, 19)?;
    let n = (date - epoch).num_days();
    if n < 0 {
        return None;
    }
    // Estimate the year, then correct it against the exact year starts.
    let mut y = (n * 30 / 10631) as i32 + 1;
    while hijri_to_gregorian(y + 1, 1, 1)? <= date {
        y += 1;
    }
    while hijri_to_gregorian(y, 1, 1)? > date {
        y -= 1;
    }
    let mut m = 12;
    while hijri_to_gregorian(y, m, 1)? > date {
        m -= 1;
    }
    let d = (date - hijri_to_gregorian(y, m, 1)?).num_days() as u32 + 1;
    Some((y, m, d))
}

/// A full date (with a year) written in the text.
#[derive(Debug, Clone, PartialEq)]
struct Found {
    date: NaiveDate,
    /// Normalized byte range.
    range: Range<usize>,
    /// Written in the Hijri calendar.
    hijri: bool,
}

/// Separators allowed between the parts of a written date ("الأربعاء , 30 أغسطس , 2017",
/// "21 / كانون الثاني / 2018").
fn is_date_sep(s: &str) -> bool {
    matches!(s, "," | "/" | "-" | "|" | ".")
}

/// Every full date of the text: "30 أغسطس 2017", "21 / كانون الثاني / 2018", "يناير 21 2018",
/// "6 صفر 1439 ه", "13 / 12 / 2017", "2017/11/29", in text order.
fn full_dates(doc: &Doc) -> Vec<Found> {
    let t = doc.text();
    let toks = &doc.tokens;
    let text_of = |i: usize| &t[toks[i].range.clone()];
    // The index of the next token after `i`, skipping at most one separator.
    let next = |i: usize| -> Option<usize> {
        let j = i + 1;
        let tk = toks.get(j)?;
        if tk.kind == TokenKind::Punct && is_date_sep(&t[tk.range.clone()]) {
            toks.get(j + 1).map(|_| j + 1)
        } else {
            Some(j)
        }
    };
    let number = |i: usize, max_len: usize| -> Option<u32> {
        let tk = toks.get(i)?;
        (tk.kind == TokenKind::Number && tk.range.len() <= max_len)
            .then(|| text_of(i).parse().ok())
            .flatten()
    };
    let year = |i: usize| -> Option<i32> {
        let tk = toks.get(i)?;
        (tk.kind == TokenKind::Number && tk.range.len() == 4)
            .then(|| text_of(i).parse().ok())
            .flatten()
    };
    let mut out = Vec::new();
    let mut i = 0;
    // The index of the first number token after `i` (or the token count): kept as `i` moves
    // on, so that each word's look-ahead for a number is one comparison, not a scan.
    let mut next_number = 0;
    while i < toks.len() {
        let tk = &toks[i];
        if next_number <= i {
            next_number = i + 1;
            while next_number < toks.len() && toks[next_number].kind != TokenKind::Number {
                next_number += 1;
            }
        }
        let found = match tk.kind {
            TokenKind::Number => day_first(doc, i, &next, &number, &year),
            // Both need a number (day or year) within a few tokens: most words have none.
            TokenKind::Word if next_number < i + 7 => month_first(doc, i, &next, &number, &year)
                .or_else(|| ordinal_first(doc, i, &next, &year)),
            TokenKind::Word => None,
            TokenKind::Punct => None,
        };
        match found {
            Some((f, last)) => {
                out.push(f);
                i = last + 1;
            }
            None => i += 1,
        }
    }
    out
}

/// The index of the last token of the month name that starts at token `i` and ends at byte
/// `end`; a second name of the same month after a slash ("أيار / مايو") is part of it.
fn token_after(doc: &Doc, i: usize, end: usize) -> usize {
    let t = doc.text();
    let toks = &doc.tokens;
    let mut j = i;
    while j < toks.len() && toks[j].range.start < end {
        j += 1;
    }
    if toks.get(j).is_some_and(|tk| &t[tk.range.clone()] == "/") {
        if let Some(tk) = toks.get(j + 1) {
            let second = marsad_text::calendar::month_at(t, tk.range.start);
            if let Some((_, end2)) = second {
                return token_after(doc, j + 1, end2);
            }
        }
    }
    j - 1
}

/// "الثالث من أيار / مايو 2017": an ordinal day in words, "من", month, year.
fn ordinal_first(doc: &Doc, i: usize, next: Next, year: Year) -> Option<(Found, usize)> {
    let t = doc.text();
    let toks = &doc.tokens;
    // Cheap reject: the ordinal is one word or two ("الحادي والعشرين"), each a token, and "من"
    // follows it; most words that get here have no "من" after them.
    if !toks[i + 1..(i + 3).min(toks.len())]
        .iter()
        .any(|tk| &t[tk.range.clone()] == "من")
    {
        return None;
    }
    let (day, end) = marsad_text::calendar::ordinal_day_at(t, toks[i].range.start)?;
    let j = token_after_bytes(doc, i, end);
    if toks.get(j).map(|tk| &t[tk.range.clone()]) != Some("من") {
        return None;
    }
    let mtok = toks.get(j + 1)?;
    let (m, mend) = marsad_text::calendar::month_at(t, mtok.range.start)?;
    let k = next(token_after(doc, j + 1, mend))?;
    let y = year(k)?;
    let date = ymd(y, m, day)?;
    Some((
        Found {
            date,
            range: toks[i].range.start..toks[k].range.end,
            hijri: false,
        },
        k,
    ))
}

/// The index of the first token at or after byte `end`, from token `i` on.
fn token_after_bytes(doc: &Doc, i: usize, end: usize) -> usize {
    let mut j = i;
    while j < doc.tokens.len() && doc.tokens[j].range.start < end {
        j += 1;
    }
    j
}

type Next<'a> = &'a dyn Fn(usize) -> Option<usize>;
type Num<'a> = &'a dyn Fn(usize, usize) -> Option<u32>;
type Year<'a> = &'a dyn Fn(usize) -> Option<i32>;

/// A date starting with the day (or a year, for "2017/11/29") at token `i`; with the index of
/// its last token.
fn day_first(doc: &Doc, i: usize, next: Next, number: Num, year: Year) -> Option<(Found, usize)> {
    let t = doc.text();
    let toks = &doc.tokens;
    let start = toks[i].range.start;
    let here = &t[toks[i].range.clone()];
    if here.contains(['.', ',']) {
        // "29.11.2017" is one number token.
        let d = parse_date(here)?;
        return Some((
            Found {
                date: d,
                range: toks[i].range.clone(),
                hijri: false,
            },
            i,
        ));
    }
    let found = |date, last: usize, hijri| {
        Some((
            Found {
                date,
                range: start..toks[last].range.end,
                hijri,
            },
            last,
        ))
    };
    if let Some(y) = year(i) {
        // "2017 / 11 / 29"
        let j = next(i).filter(|&j| j == i + 2)?;
        let m = number(j, 2)?;
        let k = next(j).filter(|&k| k == j + 2)?;
        let d = number(k, 2)?;
        return found(ymd(y, m, d)?, k, false);
    }
    let day = number(i, 2)?;
    if !(1..=31).contains(&day) {
        return None;
    }
    let j = next(i)?;
    match toks[j].kind {
        TokenKind::Number if j == i + 2 => {
            // "13 / 12 / 2017"
            let m = number(j, 2)?;
            let k = next(j).filter(|&k| k == j + 2)?;
            let y = year(k)?;
            found(ymd(y, m, day)?, k, false)
        }
        TokenKind::Word => {
            let at = toks[j].range.start;
            if let Some((m, end)) = marsad_text::calendar::month_at(t, at) {
                let k = next(token_after(doc, j, end))?;
                let y = year(k)?;
                return found(ymd(y, m, day)?, k, false);
            }
            let (m, end) = marsad_text::calendar::hijri_month_at(t, at)?;
            let k = next(token_after(doc, j, end))?;
            let y = year(k)?;
            if !(1300..=1500).contains(&y) {
                return None;
            }
            found(hijri_to_gregorian(y, m, day)?, k, true)
        }
        _ => None,
    }
}

/// "يناير 21 2018": month name, day, year.
fn month_first(doc: &Doc, i: usize, next: Next, number: Num, year: Year) -> Option<(Found, usize)> {
    let t = doc.text();
    let toks = &doc.tokens;
    // Cheap reject: a month name is followed by a number within two tokens.
    if !toks
        .get(i + 1..(i + 4).min(toks.len()))?
        .iter()
        .any(|tk| tk.kind == TokenKind::Number)
    {
        return None;
    }
    let (m, end) = marsad_text::calendar::month_at(t, toks[i].range.start)?;
    let j = next(token_after(doc, i, end))?;
    let day = number(j, 2)?;
    let k = next(j)?;
    let y = year(k)?;
    let date = ymd(y, m, day)?;
    Some((
        Found {
            date,
            range: toks[i].range.start..toks[k].range.end,
            hijri: false,
        },
        k,
    ))
}

/// Bytes before a date within which a cue ("نشر في", "عدد اليوم") speaks of it.
const CUE_REACH: usize = 40;
/// How far before the article's lead a date line may stand, and after its start.
const DATELINE_BEFORE: usize = 700;
const DATELINE_AFTER: usize = 120;

/// The start of the article's lead: its first sentence of at least 12 words outside the page
/// header that ends with a full stop.
fn lead_start(doc: &Doc) -> Option<usize> {
    let t = doc.text();
    doc.sentences
        .iter()
        .filter(|s| !s.headline)
        .find(|s| {
            t[s.range.clone()].trim_end().ends_with('.')
                && doc
                    .tokens_in(s.range.clone())
                    .filter(|tk| tk.kind == TokenKind::Word)
                    .nth(11)
                    .is_some()
        })
        .map(|s| s.range.start)
}

/// The report date: metadata; the URL; a date after a "published" cue; a date line next to the
/// article's start; the URL's month; the latest date the article's text reports. When the URL
/// gives a month, only dates of that month count.
/// A date in a "today" box of the page header is never taken, nor a Hijri date that has its
/// Gregorian twin beside it.
pub fn document_date(document: &Document, doc: &Doc) -> DocDate {
    let all = full_dates(doc);
    let mut d = report_date(document, doc, all.clone());
    d.written = all.into_iter().map(|f| (f.date, f.range)).collect();
    d
}

fn report_date(document: &Document, doc: &Doc, mut found: Vec<Found>) -> DocDate {
    if let Some(d) = document.published.as_deref().and_then(parse_date) {
        return DocDate::day(d, DateSource::Metadata);
    }
    let url = document.url.as_deref().and_then(url_date);
    if let Some((d, 1)) = url {
        return DocDate::day(d, DateSource::Url);
    }
    // A Hijri date with a Gregorian one beside it ("6 صفر 1439 ه - 26 أكتوبر 2017 م"): the
    // Gregorian one is the page's.
    let gregorian: Vec<Range<usize>> = found
        .iter()
        .filter(|f| !f.hijri)
        .map(|f| f.range.clone())
        .collect();
    found.retain(|f| {
        !f.hijri
            || !gregorian
                .iter()
                .any(|g| g.start < f.range.end + 80 && f.range.start < g.end + 80)
    });
    let cue_before = |f: &Found, kind: CueKind| {
        doc.cues_in(f.range.start.saturating_sub(CUE_REACH)..f.range.start)
            .any(|(_, k)| k == kind)
    };
    found.retain(|f| !cue_before(f, CueKind::TodayBox));
    // A URL that gives the month ("/2017/05/") rules out the text's dates of other months.
    if let Some((month, _)) = url {
        found.retain(|f| f.date.year() == month.year() && f.date.month() == month.month());
    }
    let source_of = |f: &Found, rule: DateSource| {
        if f.hijri {
            DateSource::Hijri
        } else {
            rule
        }
    };
    if let Some(f) = found.iter().find(|f| cue_before(f, CueKind::Published)) {
        return DocDate::day(f.date, source_of(f, DateSource::Dateline));
    }
    let lead = lead_start(doc);
    if let Some(lead) = lead {
        let zone = lead.saturating_sub(DATELINE_BEFORE)..lead + DATELINE_AFTER;
        // The date line nearest the lead.
        if let Some(f) = found
            .iter()
            .filter(|f| zone.contains(&f.range.start))
            .min_by_key(|f| f.range.start.abs_diff(lead))
        {
            return DocDate::day(f.date, source_of(f, DateSource::Dateline));
        }
    }
    // A short line of its own near the top ("الأربعاء 2017/11/29") is a date line.
    let date_line = found.iter().find(|f| {
        doc.paragraphs
            .iter()
            .take(6)
            .any(|p| p.contains(&f.range.start) && p.len() < 80)
    });
    if let Some(f) = date_line {
        return DocDate::day(f.date, source_of(f, DateSource::Dateline));
    }
    if let Some((month, _)) = url {
        if let Some(f) = found.first() {
            return DocDate::day(f.date, DateSource::Url);
        }
        return DocDate {
            date: Some(month),
            source: Some(DateSource::Url),
            precision: 3,
            written: Vec::new(),
        };
    }
    // The text's latest date inside the article (from its lead on), not in a list of dates.
    let from = lead.unwrap_or(0);
    if let Some(f) = found
        .iter()
        .filter(|f| f.range.start >= from)
        .filter(|f| {
            doc.sentence_of(f.range.start)
                .is_some_and(|si| !doc.sentences[si].headline)
        })
        .max_by_key(|f| f.date)
    {
        return DocDate::day(f.date, source_of(f, DateSource::Text));
    }
    DocDate::default()
}

/// The year events are reported from, for telling history from news: a date in the metadata
/// or in a date line of the first paragraphs, else the latest year the text names. (Kept apart
/// from the report date: the event filter was tuned with it.)
pub fn report_year(document: &Document, doc: &Doc) -> Option<i32> {
    if let Some(d) = document.published.as_deref().and_then(parse_date) {
        return Some(d.year());
    }
    let t = doc.text();
    for p in doc.paragraphs.iter().take(6) {
        let line = &t[p.clone()];
        if let Some(d) = parse_date(line) {
            return Some(d.year());
        }
        // Only a short line is a date line (checked first: the pattern is costly on long ones).
        if line.len() < 80 {
            if let Some((d, _)) = named_in(line, None) {
                return Some(d.year());
            }
        }
    }
    latest_year(doc)
}

/// The latest year the text names between the start of the Syrian war and a few years past
/// the corpus: for an undated page, the best guess of the year it reports from. The year of a
/// "today" box in the page header ("رئيس التحرير : الأحد 21 يناير 2018") is the day of viewing,
/// not of the report.
pub fn latest_year(doc: &Doc) -> Option<i32> {
    let t = doc.text();
    doc.tokens
        .iter()
        .filter(|tk| tk.kind == TokenKind::Number && tk.range.len() == 4)
        .filter(|tk| {
            // The year ends its date: the cue stands before the day and month too.
            !doc.cues_in(tk.range.start.saturating_sub(CUE_REACH + 40)..tk.range.start)
                .any(|(_, k)| k == CueKind::TodayBox)
        })
        .filter_map(|tk| t[tk.range.clone()].parse::<i32>().ok())
        .filter(|y| (2011..=2030).contains(y))
        .max()
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
            // The last such weekday up to the report (a report on a Wednesday about "الثلاثاء"
            // means the day before; about "الأربعاء", the same day: news says "today Wednesday").
            let today = base.weekday().number_from_monday();
            let back = (today + 7 - wd) % 7;
            Some((base - Duration::days(back as i64), 1))
        } else {
            cue.days
                .map(|d| (base + Duration::days(d as i64), cue.precision.unwrap_or(1)))
        };
        if let Some((d, p)) = resolved {
            return EventDate {
                date: Some(d.format("%Y-%m-%d").to_string()),
                // A weekday in a report dated only to its month is no day.
                time_precision: Some(p.max(doc_date.precision)),
                evidence: Some(doc.span(r.clone())),
                source: doc_date.source,
            };
        }
    }
    EventDate {
        date: Some(base.format("%Y-%m-%d").to_string()),
        time_precision: Some(doc_date.precision.max(2)),
        evidence: None,
        source: doc_date.source,
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

#[cfg(test)]
mod tests {
    use super::*;
    use marsad_ingest::{read_text, ReadOptions};
    use std::sync::OnceLock;

    fn kb() -> &'static KnowledgeBase {
        static KB: OnceLock<KnowledgeBase> = OnceLock::new();
        KB.get_or_init(|| KnowledgeBase::builtin().expect("built-in knowledge base"))
    }

    fn report_date(text: &str, url: Option<&str>) -> DocDate {
        let mut d = read_text("t.txt", "t", text.as_bytes(), &ReadOptions::default()).unwrap();
        d.url = url.map(str::to_string);
        let doc = Doc::new(&d, kb());
        document_date(&d, &doc)
    }

    fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    const LEAD: &str = "قال مسؤول محلي إن الاشتباكات بين الطرفين تواصلت طوال الليل في المدينة وأطرافها الشرقية دون توقف.";

    #[test]
    fn url_paths_and_queries_give_dates() {
        let u = |s| url_date(s).map(|(d, p)| (d.to_string(), p));
        assert_eq!(
            u("http://x.net/ar/politics/2017/07/01/title.html"),
            Some(("2017-07-01".into(), 1))
        );
        assert_eq!(
            u("http://x.net/news/2015/5/1/%D8%A8"),
            Some(("2015-05-01".into(), 1))
        );
        assert_eq!(
            u("http://x.com/ar/20171227-title"),
            Some(("2017-12-27".into(), 1))
        );
        assert_eq!(
            u("http://x.com/2011_06_05_archive.html"),
            Some(("2011-06-05".into(), 1))
        );
        assert_eq!(
            u("http://x.com/view?id=4&date=2016-03-09"),
            Some(("2016-03-09".into(), 1))
        );
        assert_eq!(
            u("https://x.com/arab_world/201712281028832695-a/"),
            Some(("2017-12-28".into(), 1))
        );
        assert_eq!(
            u("https://x.com/ar/time/21.08.2017"),
            Some(("2017-08-21".into(), 1))
        );
        assert_eq!(
            u("https://x.tv/arabic/news/27122017"),
            Some(("2017-12-27".into(), 1))
        );
        assert_eq!(
            u("https://x.com/2017/12/title-words"),
            Some(("2017-12-01".into(), 3))
        );
        // Ids, hosts and impossible dates are no dates.
        assert_eq!(u("http://www.almanar.com.lb/2476736"), None);
        assert_eq!(u("http://2017news.com/a/b"), None);
        assert_eq!(u("http://x.com/2017/13/45/a"), None);
        assert_eq!(u("http://x.com/article/201799123"), None);
    }

    /// Known dates of the Umm al-Qura calendar: the tabular calendar is within a day of them.
    #[test]
    fn hijri_dates_convert_within_a_day_of_the_official_calendar() {
        for (h, g) in [
            ((1439, 1, 1), day(2017, 9, 21)),
            ((1438, 9, 1), day(2017, 5, 27)),
            ((1438, 12, 10), day(2017, 9, 1)),
            ((1440, 1, 1), day(2018, 9, 11)),
            ((1432, 10, 1), day(2011, 8, 30)),
        ] {
            let got = hijri_to_gregorian(h.0, h.1, h.2).unwrap();
            let diff = (got - g.unwrap()).num_days().abs();
            assert!(diff <= 1, "{h:?} -> {got}, official {g:?}");
        }
        // The tabular calendar's own epoch and a round trip over twenty years.
        assert_eq!(hijri_to_gregorian(1, 1, 1), day(622, 7, 19));
        let mut d = day(2005, 1, 1).unwrap();
        while d < day(2025, 1, 1).unwrap() {
            let (y, m, dd) = gregorian_to_hijri(d).unwrap();
            assert_eq!(hijri_to_gregorian(y, m, dd), Some(d));
            d += Duration::days(17);
        }
        assert_eq!(hijri_to_gregorian(1439, 13, 1), None);
    }

    #[test]
    fn metadata_then_url_win() {
        let mut d = read_text("t.txt", "t", "نص".as_bytes(), &ReadOptions::default()).unwrap();
        d.published = Some("2019-03-12T10:00:00Z".into());
        d.url = Some("http://x.net/2017/07/01/a".into());
        let doc = Doc::new(&d, kb());
        let dd = document_date(&d, &doc);
        assert_eq!(
            (dd.date, dd.source),
            (day(2019, 3, 12), Some(DateSource::Metadata))
        );
        let dd = report_date(
            &format!("نشر في 3 أيار 2016\n{LEAD}"),
            Some("http://x.net/2017/07/01/a"),
        );
        assert_eq!(
            (dd.date, dd.source),
            (day(2017, 7, 1), Some(DateSource::Url))
        );
    }

    #[test]
    fn a_published_cue_beats_a_today_box() {
        let text = format!(
            "عدد اليوم الأربعاء 27 ديسمبر 2017\nعنوان الخبر\nتاريخ النشر : 12 / 11 / 2017\n{LEAD}"
        );
        let dd = report_date(&text, None);
        assert_eq!(
            (dd.date, dd.source),
            (day(2017, 11, 12), Some(DateSource::Dateline))
        );
    }

    #[test]
    fn a_today_box_alone_is_no_date() {
        let text = format!("عدد اليوم الأربعاء 27 ديسمبر 2017\nعنوان الخبر\n{LEAD}");
        assert_eq!(report_date(&text, None).date, None);
    }

    #[test]
    fn the_year_of_a_today_box_is_not_the_report_year() {
        let text = format!(
            "رئيس التحرير : الأحد 21 يناير 2018 عنوان الخبر\nوفي مارس 2017 سيطرت القوات على المدينة .\n{LEAD}"
        );
        let d = read_text("t.txt", "t", text.as_bytes(), &ReadOptions::default()).unwrap();
        let doc = Doc::new(&d, kb());
        assert_eq!(latest_year(&doc), Some(2017));
    }

    #[test]
    fn the_date_line_nearest_the_lead_is_taken() {
        let text = format!(
            "الأحد , يناير 21 2018\nقائمة الأخبار\nعنوان الخبر\nالأربعاء , 30 أغسطس 2017 07 : 39 م\n{LEAD}"
        );
        let dd = report_date(&text, None);
        assert_eq!(
            (dd.date, dd.source),
            (day(2017, 8, 30), Some(DateSource::Dateline))
        );
    }

    #[test]
    fn a_hijri_date_yields_to_its_gregorian_twin_and_stands_alone() {
        let text = format!("الخميس - 6 صفر 1439 هـ - 26 أكتوبر 2017 م - رقم العدد\n{LEAD}");
        let dd = report_date(&text, None);
        assert_eq!(
            (dd.date, dd.source),
            (day(2017, 10, 26), Some(DateSource::Dateline))
        );
        let text = format!("الخميس 6 صفر 1439 هـ\n{LEAD}");
        let dd = report_date(&text, None);
        assert_eq!(dd.source, Some(DateSource::Hijri));
        let got = dd.date.unwrap();
        assert!(
            (got - day(2017, 10, 26).unwrap()).num_days().abs() <= 1,
            "{got}"
        );
        // "صفر" is also zero: no year, no date.
        assert_eq!(report_date(&format!("سجل 6 صفر\n{LEAD}"), None).date, None);
    }

    #[test]
    fn dates_in_words_and_with_two_month_names_are_read() {
        let text = format!(
            "عنوان\n{LEAD}\nوقال الرئيس الأربعاء ( الثالث من أيار / مايو 2017 ) إن الحل سياسي."
        );
        assert_eq!(report_date(&text, None).date, day(2017, 5, 3));
        let text = format!("عنوان\n{LEAD}\nووقع الاتفاق في 17 يناير / كانون الثاني 2016 في فيينا.");
        assert_eq!(report_date(&text, None).date, day(2016, 1, 17));
        let text = format!("عنوان\n{LEAD}\nحدث ذلك في 28 . 12 . 2017 صباحا.");
        assert_eq!(report_date(&text, None).date, day(2017, 12, 28));
    }

    #[test]
    fn a_url_month_picks_the_text_date_of_that_month() {
        let text = format!("{LEAD}\nوقع الهجوم في 14 كانون الأول 2017 وفي 2 آذار 2016.");
        let dd = report_date(&text, Some("https://x.com/2017/12/a-title"));
        assert_eq!((dd.date, dd.precision), (day(2017, 12, 14), 1));
        let dd = report_date(LEAD, Some("https://x.com/2017/12/a-title"));
        assert_eq!(
            (dd.date, dd.precision, dd.source),
            (day(2017, 12, 1), 3, Some(DateSource::Url))
        );
    }

    #[test]
    fn the_text_gives_its_latest_date_last() {
        let text = format!(
            "عنوان\n{LEAD}\nوكان الاتفاق قد وقع في 2 آذار 2016 ثم جدد في 5 / 9 / 2017 بحضور الطرفين.\n"
        );
        let dd = report_date(&text, None);
        assert_eq!(
            (dd.date, dd.source),
            (day(2017, 9, 5), Some(DateSource::Text))
        );
        assert_eq!(report_date(LEAD, None).date, None);
    }
}
