//! Death tolls: which number of a statement's segment counts the people its event killed.
//!
//! A toll is a number attached to a death word of the same clause ("مقتل 5", "تسعة قتلى", "مقتل
//! عنصرين", "سقط 3 قتلى"). Not a toll (codebook, fatalities): people counted who are not dead
//! ("قتل فلسطينيان وأصيب المئات": the hundreds are injured), killed and wounded counted together
//! ("عشرات القتلى والجرحى"), tallies over a war, a year or a campaign ("منذ بداية الحرب", "خلال
//! الشهر", "منذ عام 2011"), history and what may or would happen. "ارتفعت الحصيلة إلى 14"
//! replaces the figures told before it; "بينهم 3 أطفال" is part of a figure, not added to it.

use std::ops::Range;

use marsad_kb::{CueKind, EventType, SubEventType};
use marsad_text::{Approx, Quantity, TokenKind};

use crate::doc::Doc;

/// A count with the phrases it was read from.
pub(crate) type Figure = (u64, Approx, Vec<Range<usize>>);

/// A figure in the thousands is a tally (of a war, a campaign, a year, a country) in the news of
/// these wars whatever the words around it: their deadliest single attacks are told in hundreds.
const MAX_EVENT_TOLL: u64 = 1_000;

/// Words (normalized) that open a span of time: "بين أغسطس 2014 وأكتوبر 2017", "منذ ...".
const PERIOD_WORDS: &[&str] = &["بين", "منذ", "خلال", "طيله", "طوال", "حتي"];

/// How many tokens after a death word its count may come ("مقتل ما لا يقل عن 5").
const AFTER_TOKENS: usize = 9;

/// Whether an event of this kind has a death toll: the codebook gives agreements, arrests,
/// takeovers without a fight, bases and peaceful protests 0, so a figure read beside one belongs
/// to another happening.
pub(crate) fn lethal(sub: SubEventType) -> bool {
    sub.event_type() != EventType::StrategicDevelopments && sub != SubEventType::PeacefulProtest
}

/// The people killed in the event a statement of `segment` tells, if the segment gives a toll.
/// `report_year` dates the report: a clause naming a year before the last is history.
pub(crate) fn killed(
    doc: &Doc,
    segment: &Range<usize>,
    report_year: Option<i32>,
) -> Option<Figure> {
    if let Some(f) = rise(doc, segment, report_year) {
        return Some(f);
    }
    let mut total = 0u64;
    let mut approx = Approx::Exact;
    let mut spans: Vec<Range<usize>> = Vec::new();
    let mut used: Vec<usize> = Vec::new();
    let mut values: Vec<u64> = Vec::new();
    for (c, k) in doc.cues_in(segment.clone()) {
        if k != CueKind::Kill || combined_phrase(doc, &c.range) {
            continue;
        }
        let Some((v, a, r)) = attached(doc, segment, &c.range) else {
            continue;
        };
        if used.contains(&r.start) {
            continue;
        }
        used.push(r.start);
        // The same figure again in one segment is the same toll told twice (a headline run into
        // its lead, "مقتل 121 ... عن مقتل 121 عنصرا").
        if values.contains(&v) {
            continue;
        }
        let span = c.range.start.min(r.start)..c.range.end.max(r.end);
        if !event_toll(doc, segment, &span, v, report_year) || part_of(doc, segment, &span) {
            continue;
        }
        total += v;
        values.push(v);
        if a != Approx::Exact {
            approx = a;
        }
        spans.push(span);
    }
    (!spans.is_empty()).then_some((total, approx, spans))
}

/// The number attached to the death word at `cue`: after it in the same clause, before no
/// other casualty word ("قتل فلسطينيان وأصيب المئات"), or right before it ("تسعة قتلى").
fn attached(
    doc: &Doc,
    segment: &Range<usize>,
    cue: &Range<usize>,
) -> Option<(u64, Approx, Range<usize>)> {
    // "تسعة قتلى", "عشرات القتلى": the count right before the noun comes first ("مائتي شهيد
    // مائة وخمسون غارة"); "20 قتيلا وجريحا" counts the wounded too.
    if let Some(q) = doc
        .quantities_from(segment.start)
        .iter()
        .take_while(|q| q.range.end <= cue.start)
        .find(|q| cue.start - q.range.end <= 2)
    {
        return (countable(doc, q) && !wounded_too(doc, segment, cue))
            .then(|| (q.value, q.approx, q.range.clone()));
    }
    let t = doc.text();
    let i = doc.token_at(cue.end);
    for tk in doc.tokens.iter().skip(i).take(AFTER_TOKENS) {
        if tk.range.start >= segment.end {
            break;
        }
        if tk.kind == TokenKind::Punct && t[tk.range.clone()] != *"\"" {
            break;
        }
        if let Some(q) = doc.quantity_at(tk.range.start) {
            if countable(doc, q) && !counts_others(doc, segment, q) {
                return Some((q.value, q.approx, q.range.clone()));
            }
            break;
        }
        let mut dual = false;
        let mut other = false;
        for (_, k) in doc.cues_in(tk.range.clone()) {
            match k {
                // The count after it is theirs, not the dead's.
                CueKind::Injury | CueKind::NonFatal | CueKind::Kill | CueKind::PartOf => {
                    other = true
                }
                CueKind::DualNoun => dual = true,
                _ => {}
            }
        }
        if other {
            break;
        }
        if dual || dual_nisba(&t[tk.range.clone()]) {
            return Some((2, Approx::Exact, tk.range.clone()));
        }
    }
    None
}

/// The count is of the people named right after it, who are not dead ("قتيل وملايين
/// النازحين", "وثلاثة ملايين جريح", "الآلاف من المتظاهرين").
fn counts_others(doc: &Doc, segment: &Range<usize>, q: &Quantity) -> bool {
    let t = doc.text();
    let i = doc.token_at(q.range.end);
    for tk in doc.tokens.iter().skip(i).take(2) {
        if tk.range.start >= segment.end || tk.kind == TokenKind::Punct {
            return false;
        }
        if doc
            .cues_in(tk.range.clone())
            .any(|(_, k)| matches!(k, CueKind::Injury | CueKind::NonFatal))
        {
            return true;
        }
        if t[tk.range.clone()] != *"من" {
            return false;
        }
    }
    false
}

/// "بالآلاف", "بالملايين": "by the thousands", a manner of speaking ("شهداء بالملايين"), not a
/// count.
fn countable(doc: &Doc, q: &Quantity) -> bool {
    !doc.text()[q.range.clone()].starts_with("بال")
}

/// A nisba adjective in the dual ("فلسطينيان", "مدنيان", "سوريان"): two people. Only the
/// nominative "-يان" of an indefinite word: "-يين" is also the plural.
fn dual_nisba(word: &str) -> bool {
    !word.starts_with("ال") && word.ends_with("يان") && word.chars().count() >= 5
}

/// A death word whose phrase counts the wounded too ("قتلى وجرحى" as one cue).
fn combined_phrase(doc: &Doc, cue: &Range<usize>) -> bool {
    doc.cues_in(cue.clone()).any(|(_, k)| k == CueKind::Injury)
}

/// The death word is followed by a wounded word ("قتيلا وجريحا", "بين قتيل وجريح"): a figure
/// before it counts both.
fn wounded_too(doc: &Doc, segment: &Range<usize>, cue: &Range<usize>) -> bool {
    let t = doc.text();
    let i = doc.token_at(cue.end);
    for tk in doc.tokens.iter().skip(i).take(3) {
        if tk.range.start >= segment.end || tk.kind == TokenKind::Punct {
            return false;
        }
        if doc
            .cues_in(tk.range.clone())
            .any(|(_, k)| k == CueKind::Injury)
        {
            return true;
        }
        let w = &t[tk.range.clone()];
        if !matches!(w, "بين" | "من") && doc.cues_in(tk.range.clone()).next().is_none() {
            return false;
        }
    }
    false
}

/// Where the frame of a figure at `span` is told: its segment up to the figure's clause and the
/// clause after it ("منذ بدء الهجوم، أحصى المرصد مقتل 384"; "مقتل 801 مدني، بين أغسطس 2014 و...").
fn frame_of(doc: &Doc, segment: &Range<usize>, span: &Range<usize>) -> Range<usize> {
    let Some(si) = doc.sentence_of(span.start) else {
        return span.clone();
    };
    let s = &doc.sentences[si];
    let mut end = span.end;
    let mut next_taken = false;
    let t = doc.text();
    for c in s.clauses.iter().filter(|c| c.end > span.start) {
        if c.start < span.end {
            end = end.max(c.end);
        } else if !next_taken {
            // Only a clause that opens with a span of time tells the figure's frame.
            let opens_period = doc
                .tokens_in(c.clone())
                .next()
                .is_some_and(|tk| PERIOD_WORDS.contains(&&t[tk.range.clone()]));
            if opens_period {
                end = end.max(c.end);
            }
            next_taken = true;
        } else {
            break;
        }
    }
    segment.start.min(span.start)..end.min(segment.end).max(span.end)
}

/// Whether a figure read at `span` counts one happening's dead: not a tally over a war, a year or
/// a campaign, not history, not what may or would happen.
fn event_toll(
    doc: &Doc,
    segment: &Range<usize>,
    span: &Range<usize>,
    value: u64,
    report_year: Option<i32>,
) -> bool {
    if value >= MAX_EVENT_TOLL {
        return false;
    }
    let clause = frame_of(doc, segment, span);
    let t = doc.text();
    for (c, k) in doc.cues_in(clause.clone()) {
        match k {
            CueKind::TollTotal => return false,
            CueKind::Irrealis if c.range.start < span.end => return false,
            _ => {}
        }
    }
    let past = report_year.map_or(2011, |y| y - 1);
    let toks: Vec<_> = doc.tokens_in(clause).collect();
    for (n, tk) in toks.iter().enumerate() {
        let w = &t[tk.range.clone()];
        // "في عام 1982": history.
        if tk.kind == TokenKind::Number
            && w.len() == 4
            && w.parse::<i32>().is_ok_and(|y| (1000..past).contains(&y))
        {
            return false;
        }
        // "منذ 2011", "منذ آذار", "خلال أيار": a count since then or over a month is a tally.
        if matches!(w, "منذ" | "خلال" | "طيله" | "طوال") {
            if let Some(next) = toks.get(n + 1) {
                let nw = &t[next.range.clone()];
                let year = next.kind == TokenKind::Number && nw.len() == 4;
                let month = marsad_text::calendar::month_at(t, next.range.start).is_some();
                if year || month {
                    return false;
                }
            }
        }
    }
    true
}

/// A count after "بينهم", "منهم" is part of a figure told before it.
fn part_of(doc: &Doc, segment: &Range<usize>, span: &Range<usize>) -> bool {
    let from = doc
        .tokens
        .get(doc.token_at(span.start).saturating_sub(3))
        .map_or(segment.start, |t| t.range.start)
        .max(segment.start);
    doc.cues_in(from..span.start)
        .any(|(_, k)| k == CueKind::PartOf)
}

/// "ارتفعت حصيلة القتلى إلى 14": the figure after a rise of a death toll is the toll, whatever
/// was told before it ("بعد وفاة اثنين من الجرحى").
fn rise(doc: &Doc, segment: &Range<usize>, report_year: Option<i32>) -> Option<Figure> {
    let t = doc.text();
    let mut best: Option<Figure> = None;
    for (c, k) in doc.cues_in(segment.clone()) {
        if k != CueKind::TollRise {
            continue;
        }
        let i = doc.token_at(c.range.end);
        let mut found = None;
        for tk in doc.tokens.iter().skip(i).take(12) {
            if tk.range.start >= segment.end
                || (tk.kind == TokenKind::Punct && t[tk.range.clone()] != *"\"")
            {
                break;
            }
            if let Some(q) = doc.quantity_at(tk.range.start) {
                found = Some(q);
                break;
            }
        }
        let Some(q) = found else { continue };
        let between = c.range.start..q.range.start;
        let deaths = doc
            .cues_in(between.clone())
            .any(|(_, k)| k == CueKind::Kill);
        let wounded = doc.cues_in(between).any(|(_, k)| k == CueKind::Injury);
        let span = c.range.start..q.range.end;
        if !deaths
            || wounded
            || !countable(doc, q)
            || !event_toll(doc, segment, &span, q.value, report_year)
        {
            continue;
        }
        if best.as_ref().is_none_or(|b| b.0 < q.value) {
            best = Some((q.value, q.approx, vec![span]));
        }
    }
    best
}
