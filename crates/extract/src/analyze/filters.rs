//! Which trigger words tell no event here: background, negation, aims, habits, agreement terms,
//! history, and triggers whose required words are missing.

use std::ops::Range;

use marsad_kb::{CueKind, Mention, SubEventType};
use marsad_text::TokenKind;

use crate::doc::Doc;

use super::Extractor;

impl Extractor {
    /// Why a trigger word does not tell an event here, if it does not.
    pub(super) fn not_an_event(
        &self,
        doc: &Doc,
        m: &Mention,
        ti: usize,
        si: usize,
        clause: &Range<usize>,
        report_year: Option<i32>,
    ) -> Option<&'static str> {
        let kb = &self.kb;
        let trig = &kb.triggers[ti];
        let s = &doc.sentences[si];
        let start = m.prefix.start.min(m.range.start);
        // A noun after "بعد/خلال/عقب" is background to the news, not the news, unless its clause
        // dates it ("بعد اشتباكات اندلعت أول من أمس").
        // The codebook codes recent happenings told as background ("بعد سيطرتها على ...") as
        // events; only the fighting that led to another event ("بعد اشتباكات") is part of it.
        if !trig.verbal
            && trig.frame == "clash"
            && doc.cue_before(start, CueKind::Background, 2).is_some()
            && self.date_cue(doc, clause.clone()).is_none()
        {
            return Some("background");
        }
        // "تخوض قسد منذ 6 يونيو معارك عنيفة داخل الرقة", "ومنذ بداية العام تشهد المحافظة
        // معارك": fighting going on since a long while is a campaign, not a day's clash.
        if trig.frame == "clash" && self.since_long(doc, clause.start..start) {
            return Some("campaign");
        }
        // "في المناطق التي سيطر عليها التنظيم", "ومناطق أخرى سيطرت عليها الوحدات": whose ground
        // it is, not a takeover told, unless the clause dates it.
        if trig.frame == "takeover"
            && doc.cue_before(start, CueKind::TerritoryNoun, 2).is_some()
            && self.date_cue(doc, clause.clone()).is_none()
        {
            return Some("territory described");
        }
        // "سمع دوي ثلاثة انفجارات قوية": a sound heard, not a blast whose cause is known.
        if matches!(trig.frame.as_str(), "explosion" | "blast")
            && doc.cue_before(start, CueKind::Sound, 3).is_some()
        {
            return Some("sound heard");
        }
        // "انفجارات ضخمة وقعت بالقرب من مطار دمشق": a blast with no device named and no one
        // killed or hurt in its sentence is what a strike or a shelling left, told by its own
        // words, or a rumour; not an explosive device.
        if trig.frame == "blast"
            && !doc
                .cues_in(s.range.clone())
                .any(|(_, k)| matches!(k, CueKind::Kill | CueKind::Injury))
        {
            return Some("blast without device or casualties");
        }
        // "لم تسجل أي اشتباكات": it did not happen.
        if doc.cue_before(start, CueKind::Negation, 3).is_some() {
            return Some("negated");
        }
        // "بهدف ...", "طالب قواته بالانسحاب": an aim or a demand, not a happening.
        if doc.cue_before(start, CueKind::Purpose, 4).is_some() {
            return Some("aim or demand");
        }
        // "وتحاول قوات النظام مدعومة بالطيران ... إحراز تقدم": a verbal noun is the object of
        // the verb of aim that opens its clause, however long the subject between them.
        if !trig.verbal
            && doc
                .cues_in(clause.start..start)
                .any(|(_, k)| k == CueKind::Purpose)
        {
            return Some("aim or demand");
        }
        // "وإذا ما سيطر جيش خالد على المدينة", "يخشى من هجوم": what may happen, not what did.
        if doc
            .cues_in(clause.start..start)
            .any(|(_, k)| k == CueKind::Irrealis)
        {
            return Some("irrealis");
        }
        // "ويرى مراقبون أن هجوم ...", "ففي رأي المعلق العسكري ... فإن سيناريو حرب": a view.
        if doc
            .cues_in(s.range.start..start)
            .any(|(_, k)| k == CueKind::Opinion)
        {
            return Some("opinion");
        }
        // "بلدة تل عادة": a cue word inside a place's name is part of the name.
        let in_name = |r: &Range<usize>| {
            doc.places
                .iter()
                .any(|p| p.range.start <= r.start && r.end <= p.range.end)
        };
        if doc
            .cues_in(clause.clone())
            .any(|(c, k)| k == CueKind::Habitual && !in_name(&c.range))
        {
            return Some("habitual");
        }
        // "الاتفاق يتضمن خروج المقاتلين": a term of an agreement, not an event of its own.
        if !trig.is(SubEventType::Agreement)
            && doc
                .cues_in(s.range.start..start)
                .any(|(_, k)| k == CueKind::Term)
        {
            return Some("term");
        }
        // "في عام 1929", "في أكتوبر 2013" in a 2017 report: history. The codebook leaves out
        // what happened a year or more before the report; a year two or more before the
        // report's (or, before the Syrian war, any year) marks the past, not the news.
        let t = doc.text();
        let past = report_year.map_or(2011, |y| y - 1);
        let clause = &self.with_fronted_time(doc, si, clause);
        if doc.tokens_in(clause.clone()).any(|tk| {
            tk.kind == TokenKind::Number
                && tk.range.len() == 4
                && t[tk.range.clone()]
                    .parse::<i32>()
                    .is_ok_and(|y| (1000..past).contains(&y))
        }) {
            return Some("historical");
        }
        // "اعتقلهم منذ أشهر": long before the report, background to it.
        if let Some((_, c)) = self.date_cue(doc, clause.clone()) {
            if kb.cues[c].days.is_some_and(|d| d <= -60) {
                return Some("long before the report");
            }
        }
        None
    }

    /// Whether trigger `m` stands in a photo caption: a credit naming an archive picture
    /// closes a parenthesis after it in its sentence ("... ( رويترز - أرشيف )").
    pub(super) fn in_caption(&self, doc: &Doc, si: usize, m: &Mention) -> bool {
        let s = &doc.sentences[si];
        let t = doc.text();
        // A caption is a line: its credit comes within a few hundred bytes of the trigger.
        let end = s.range.end.min(m.range.end + 300);
        doc.cues_in(m.range.end..end).any(|(c, k)| {
            if k != CueKind::CaptionCredit {
                return false;
            }
            // The credit is inside a parenthesis opened after the trigger, a few words before.
            let open = t[m.range.end..c.range.start].rfind('(');
            open.is_some_and(|o| {
                let inner = &t[m.range.end + o..c.range.start];
                !inner.contains(')') && inner.split_whitespace().count() <= 6
            })
        })
    }

    /// The clause, widened to the sentence's opening adverbial of time when one stands alone
    /// before it: "وفي العام الماضي , دمرت طائرات التحالف ..." dates the verb after the comma.
    fn with_fronted_time(&self, doc: &Doc, si: usize, clause: &Range<usize>) -> Range<usize> {
        let s = &doc.sentences[si];
        let Some(first) = s.clauses.first() else {
            return clause.clone();
        };
        if first.end > clause.start || first.start == clause.start {
            return clause.clone();
        }
        let t = doc.text();
        let words = doc
            .tokens_in(first.clone())
            .filter(|tk| tk.kind == TokenKind::Word)
            .count();
        let year = doc.tokens_in(first.clone()).any(|tk| {
            tk.kind == TokenKind::Number
                && tk.range.len() == 4
                && t[tk.range.clone()].parse::<i32>().is_ok()
        });
        if words <= 4 && (year || self.date_cue(doc, first.clone()).is_some()) {
            first.start..clause.end
        } else {
            clause.clone()
        }
    }

    /// `requires`: one of these words within `window` tokens of the trigger.
    pub(super) fn requires_ok(&self, doc: &Doc, m: &Mention, ti: usize) -> bool {
        let trig = &self.kb.triggers[ti];
        if trig.requires.is_empty() {
            return true;
        }
        let t = doc.text();
        let i0 = doc.token_at(m.range.start);
        let i1 = doc.token_at(m.range.end);
        let lo = i0.saturating_sub(trig.window);
        let hi = (i1 + trig.window).min(doc.tokens.len());
        doc.tokens[lo..hi]
            .iter()
            .filter(|tk| tk.kind == TokenKind::Word)
            .filter(|tk| tk.range.end <= m.range.start || tk.range.start >= m.range.end)
            .any(|tk| {
                // The readings of the word, once for all of the trigger's requirements.
                let readings = marsad_text::proclitic_splits(&t[tk.range.clone()]);
                trig.requires.iter().any(|r| word_matches(&readings, r))
            })
    }

    /// "منذ" with a long while after it in `r`: a `since_long` cue, or "منذ" before a written
    /// month or year ("منذ 6 يونيو", "منذ حزيران 2017", "منذ 2015").
    fn since_long(&self, doc: &Doc, r: Range<usize>) -> bool {
        let t = doc.text();
        doc.cues_in(r.clone()).any(|(c, k)| {
            if k == CueKind::SinceLong {
                return true;
            }
            if k != CueKind::Background || t[c.range.clone()] != *"منذ" {
                return false;
            }
            doc.tokens_in(c.range.end..r.end).take(3).any(|tk| {
                let w = &t[tk.range.clone()];
                tk.kind == TokenKind::Number && w.len() == 4 && w.starts_with("20")
                    || tk.kind == TokenKind::Word
                        && marsad_text::calendar::month_at(t, tk.range.start).is_some()
            })
        })
    }
}
/// A word, given as its `readings` ([`marsad_text::proclitic_splits`]), matches a `requires`
/// word: exactly, after a proclitic, or by prefix when it ends in `*`.
fn word_matches(readings: &[(&str, &str)], pattern: &str) -> bool {
    let (p, prefix) = match pattern.strip_suffix('*') {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    readings.iter().any(|&(_, stem)| {
        if prefix {
            stem.starts_with(p)
        } else {
            stem == p
        }
    })
}
