//! One trigger read as a statement: its place, actors, counts, date, stance and cited source;
//! denials joined to what they deny.

use std::ops::Range;

use marsad_kb::{ActorKind, CueKind, Entity, EventType, Mention, SubEventType};
use marsad_text::TokenKind;

use crate::doc::Doc;
use crate::geo;
use crate::model::*;

use super::{Extractor, Statement, EVIDENCE_WORDS};

impl Extractor {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn statement(
        &self,
        doc: &Doc,
        m: &Mention,
        ti: usize,
        si: usize,
        segment: Range<usize>,
        clause: Range<usize>,
        report_year: Option<i32>,
    ) -> Statement {
        let kb = &self.kb;
        let trig = &kb.triggers[ti];
        let s = &doc.sentences[si];
        let start = m.prefix.start.min(m.range.start);

        // Actors: the segment's, else the sentence's, else the previous sentence's.
        let in_range = |r: &Range<usize>| -> Vec<usize> {
            doc.actor_indices(r)
                .filter(|&i| {
                    let a = &doc.actors[i];
                    a.range.end <= r.end && !a.area_owner
                })
                .collect()
        };
        // One-sided happenings (a base set up, a group formed) take the actors of their own
        // clause when it names any; the rest of the sentence is often about someone else.
        let one_sided = matches!(
            trig.sub_event_type,
            Some(
                SubEventType::HeadquartersOrBaseEstablished
                    | SubEventType::ChangeToGroupActivity
                    | SubEventType::LootingPropertyDestruction
            )
        );
        let mut actors = if one_sided {
            in_range(&clause)
        } else {
            Vec::new()
        };
        let own_clause = !actors.is_empty();
        if actors.is_empty() {
            actors = in_range(&segment);
        }
        // A bomb or a mine that goes off names who planted it in its own words ("عبوة ناسفة
        // زرعها التنظيم", "من مخلفات داعش") or not at all: the codebook's UNKNOWN, not the
        // armed group the sentence or the one before happens to name.
        let planted = super::merge::is_device_frame(&trig.frame);
        if actors.is_empty() && !planted {
            actors = in_range(&s.range);
        }
        if actors.is_empty() && !planted && si > 0 && doc.sentences[si - 1].para == s.para {
            actors = in_range(&doc.sentences[si - 1].range);
        }
        // Outside its own clause a one-sided happening ("دمرت مقام ...", "توغلت عدة دبابات")
        // has one doer: the actor nearest before it in its sentence, else the first one named
        // before (the subject of the sentence it continues).
        if one_sided && !own_clause && actors.len() > 1 {
            let doer = actors
                .iter()
                .copied()
                .filter(|&a| {
                    doc.actors[a].range.end <= start && doc.actors[a].range.start >= s.range.start
                })
                .max_by_key(|&a| doc.actors[a].range.start)
                .unwrap_or(actors[0]);
            actors = vec![doer];
        }
        // "طائرات النظام" earlier, "الطائرات" now (the codebook's reference in the paragraph):
        // a definite aircraft word with no armed side named in its sentence refers to the attacker
        // of one of the two sentences before, across the line breaks of scraped pages.
        let civilian = |a: usize| kb.actors[doc.actors[a].actor].kind == ActorKind::Civilians;
        if actors.iter().all(|&a| civilian(a))
            && trig.event_type() == Some(EventType::ExplosionsRemoteViolence)
        {
            let t = doc.text();
            let definite_aircraft = doc.cues_in(segment.clone()).any(|(c, k)| {
                k == CueKind::Aircraft && {
                    let w = t[c.range.clone()].trim_start_matches(['و', 'ب', 'ف']);
                    w.starts_with("ال") || w.starts_with("لل")
                }
            });
            if definite_aircraft && !s.headline {
                for j in (si.saturating_sub(2)..si).rev() {
                    if doc.sentences[j].headline {
                        break;
                    }
                    let named: Vec<usize> = in_range(&doc.sentences[j].range)
                        .into_iter()
                        .filter(|&a| !civilian(a) && !backer(doc, a) && !voice(doc, a))
                        .collect();
                    if !named.is_empty() {
                        actors.extend(named);
                        break;
                    }
                }
            }
        }
        // A battle has two sides: the other one is often named just before.
        if trig.event_type() == Some(EventType::Battles) || trig.frame == "takeover" {
            let fams: Vec<&str> = actors.iter().map(|&a| doc.actors[a].family).collect();
            let distinct = {
                let mut f = fams.clone();
                f.sort();
                f.dedup();
                f.len()
            };
            if distinct == 1 {
                let have = fams[0];
                // The government's allies (Russia, Iran, Hezbollah) fight beside it, not
                // against it: "سيطرت قوات النظام على ... بعد معارك" after "الطيران الروسي".
                let pro_government = |f: &str| kb.actor(f).is_some_and(|a| a.pro_government);
                let allied = pro_government(have);
                let lo = si.saturating_sub(2);
                if let Some(other) = doc
                    .actors
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| {
                        a.range.end <= s.range.start
                            && a.range.start >= doc.sentences[lo].range.start
                            && a.family != have
                            && !a.area_owner
                            && kb.actors[a.actor].kind != ActorKind::Civilians
                    })
                    .map(|(i, _)| i)
                    .next_back()
                    .filter(|&i| !(allied && pro_government(doc.actors[i].family)))
                {
                    actors.push(other);
                }
            }
        }

        // "هدنة بين X و Y": the parties; the subject before it imposed or brokered it.
        let mut between = None;
        let mut mediator = None;
        if let Some((bw, _)) = doc
            .cues_in(m.range.end..(m.range.end + 40).min(segment.end))
            .find(|(_, k)| *k == CueKind::Between)
        {
            let after: Vec<usize> = actors
                .iter()
                .copied()
                .filter(|&a| doc.actors[a].range.start >= bw.range.end)
                .collect();
            let mut fams = Vec::new();
            let mut picked = Vec::new();
            for a in after {
                if !fams.contains(&doc.actors[a].family) {
                    fams.push(doc.actors[a].family);
                    picked.push(a);
                }
            }
            if picked.len() >= 2 {
                between = Some((picked[0], picked[1]));
                if trig.is(SubEventType::Agreement) {
                    mediator = actors.iter().copied().find(|&a| {
                        doc.actors[a].range.end <= start && !fams.contains(&doc.actors[a].family)
                    });
                }
            }
        }
        if mediator.is_none() && trig.is(SubEventType::Agreement) {
            for (c, k) in doc.cues_in(s.range.clone()) {
                if k == CueKind::Mediator {
                    mediator = actors.iter().copied().find(|&a| {
                        doc.actors[a].range.start >= c.range.end
                            && doc.actors[a].range.start <= c.range.end + 30
                    });
                }
            }
        }

        // "بعد الخسارة التي منيت بها قوات النظام في الهجوم على إدارة المركبات أمس ، شنت
        // الطائرات ... غارة على بلدات ...": past its clause, a place told after another kind of
        // happening is that happening's. A bombardment told as going with the clash ("ترافقت
        // مع قصف") is the clash itself and stops nothing.
        let first = doc.triggers.partition_point(|o| o.range.start < clause.end);
        let stop = doc.triggers[first..]
            .iter()
            .take_while(|o| o.range.start < s.range.end)
            .find(|o| {
                matches!(o.entity, Entity::Trigger(oi)
                    if !kb.triggers[oi].is_blocker()
                        && another_happening(&trig.frame, &kb.triggers[oi].frame))
                    && doc
                        .cue_before(o.prefix.start.min(o.range.start), CueKind::Accompaniment, 1)
                        .is_none()
            })
            .map_or(usize::MAX, |o| o.range.start);
        let (place, place_fallback) = geo::statement_place(doc, si, &clause, &segment, start, stop);
        let date = self.date_cue(doc, segment.clone());
        let killed = crate::tolls::killed(doc, &segment, report_year);
        let injured = self.count_after(doc, &segment, CueKind::Injury);
        // The number arrested: in the trigger's clause or the one after ("بتسليم أنفسهم، وقد
        // بلغ عددهم 20").
        let count = if trig.is(SubEventType::Arrests) {
            let next_end = s
                .clauses
                .iter()
                .find(|c| c.start >= clause.end)
                .map_or(clause.end, |c| c.end)
                .min(segment.end);
            doc.quantities
                .iter()
                .find(|q| q.range.start >= clause.start && q.range.end <= next_end)
                .map(|q| (q.value, q.approx, vec![q.range.clone()]))
        } else {
            None
        };

        // Evidence: the trigger's clause, stretched to the arguments read inside the segment.
        let mut evidence = clause.clone();
        let mut stretch = |r: &Range<usize>| {
            if r.start >= segment.start && r.end <= segment.end {
                evidence.start = evidence.start.min(r.start);
                evidence.end = evidence.end.max(r.end);
            }
        };
        if let Some(p) = place.filter(|_| !place_fallback) {
            stretch(&doc.places[p].phrase.clone());
        }
        if let Some((r, _)) = &date {
            stretch(r);
        }
        for c in [&killed, &count].into_iter().flatten() {
            for r in &c.2 {
                stretch(r);
            }
        }
        // A clause that is only the trigger says little: take its neighbour too.
        let words = doc
            .tokens_in(evidence.clone())
            .filter(|t| t.kind == TokenKind::Word)
            .count();
        if words < 4 {
            if let Some(next) = s
                .clauses
                .iter()
                .find(|c| c.start >= evidence.end && c.end <= segment.end)
            {
                evidence.end = next.end;
            }
        }

        // The evidence a reader checks is the sentence that tells the event; a run-on sentence
        // (scraped pages often have no full stops) is cut to the trigger's segment.
        let count_words = |r: &Range<usize>| {
            doc.tokens_in(r.clone())
                .filter(|t| t.kind == TokenKind::Word)
                .count()
        };
        for wider in [&segment, &s.range] {
            if count_words(wider) <= EVIDENCE_WORDS {
                evidence.start = evidence.start.min(wider.start);
                evidence.end = evidence.end.max(wider.end);
            }
        }

        let stance = self.stance(doc, si, &segment, m);
        let source = self.cited_source(doc, si, &segment);
        let t = doc.text();
        // Definite by the article, or by a definite noun of the same kind after it ("توقيع
        // اتفاق الهدنة"); "طائرات التحالف" is not a reference back.
        let next_definite = doc.tokens.get(doc.token_at(m.range.end)).is_some_and(|tk| {
            tk.kind == TokenKind::Word
                && t[tk.range.clone()].starts_with("ال")
                && doc.triggers.iter().any(|o| {
                    o.range.start <= tk.range.start
                        && tk.range.start < o.range.end
                        && matches!(o.entity, Entity::Trigger(oi) if kb.triggers[oi].sub_event_type == trig.sub_event_type)
                })
        });
        // "وتمكنت قوات النظام من السيطرة على ...": a verbal noun governed by a verb of achieving
        // in its clause is the telling itself (not one after "بعد": "وتمكنوا من ذلك بعد السيطرة
        // على ..." tells what came before).
        let noun_start = m.prefix.start.min(m.range.start);
        let achieved = !trig.verbal
            && doc
                .cues_in(clause.start..noun_start)
                .any(|(_, k)| k == CueKind::Achievement)
            && doc.cue_before(noun_start, CueKind::Background, 2).is_none();
        let definite = !trig.verbal
            && !achieved
            && (t[m.prefix.clone()].contains("ال")
                || t[m.prefix.clone()].ends_with("لل")
                || t[m.range.clone()].split(' ').any(|w| w.starts_with("ال"))
                || next_definite);
        Statement {
            clause: clause.clone(),
            trigger: ti,
            definite,
            denies: None,
            range: m.range.clone(),
            sentence: si,
            segment,
            evidence,
            headline: s.headline,
            verbal: trig.verbal,
            actors,
            between,
            mediator,
            place,
            place_fallback,
            date,
            killed,
            injured,
            count,
            stance,
            source,
        }
    }

    pub(super) fn date_cue(&self, doc: &Doc, r: Range<usize>) -> Option<(Range<usize>, usize)> {
        doc.cues_in(r).find_map(|(m, k)| match (k, m.entity) {
            (CueKind::DateRelative, Entity::Cue(c)) => Some((m.range.clone(), c)),
            _ => None,
        })
    }

    /// Sum of the counts following the cue words of `kind` ("مقتل 3 عناصر ... ومقتل عنصرين").
    pub(super) fn count_after(
        &self,
        doc: &Doc,
        segment: &Range<usize>,
        kind: CueKind,
    ) -> Option<(u64, marsad_text::Approx, Vec<Range<usize>>)> {
        let t = doc.text();
        let mut total = 0u64;
        let mut approx = marsad_text::Approx::Exact;
        let mut spans = Vec::new();
        let mut used: Vec<Range<usize>> = Vec::new();
        for (c, k) in doc.cues_in(segment.clone()) {
            if k != kind {
                continue;
            }
            // The count follows within a few words, before the clause ends.
            let i = doc.token_at(c.range.end);
            let mut found = None;
            for tk in doc.tokens.iter().skip(i).take(9) {
                if tk.range.start >= segment.end {
                    break;
                }
                if tk.kind == TokenKind::Punct && t[tk.range.clone()] != *"\"" {
                    break;
                }
                if let Some(q) = doc.quantity_at(tk.range.start) {
                    found = Some((q.value, q.approx, q.range.clone()));
                    break;
                }
                if let Some((dm, _)) = doc
                    .cues_in(tk.range.clone())
                    .find(|(_, k)| *k == CueKind::DualNoun)
                {
                    found = Some((2, marsad_text::Approx::Exact, dm.range.clone()));
                    break;
                }
            }
            // "تسعة قتلى": the count before the noun.
            if found.is_none() {
                if let Some(q) = doc
                    .quantities_from(segment.start)
                    .iter()
                    .take_while(|q| q.range.end <= c.range.start)
                    .find(|q| c.range.start - q.range.end <= 2)
                {
                    found = Some((q.value, q.approx, q.range.clone()));
                }
            }
            if let Some((v, a, r)) = found {
                if used.iter().any(|u| u.start == r.start) {
                    continue;
                }
                used.push(r.clone());
                total += v;
                if a != marsad_text::Approx::Exact {
                    approx = a;
                }
                spans.push(c.range.start.min(r.start)..c.range.end.max(r.end));
            }
        }
        (!spans.is_empty()).then_some((total, approx, spans))
    }

    pub(super) fn stance(
        &self,
        doc: &Doc,
        si: usize,
        segment: &Range<usize>,
        m: &Mention,
    ) -> Stance {
        let s = &doc.sentences[si];
        let t = doc.text();
        let start = m.prefix.start.min(m.range.start);
        if doc
            .cues_in(segment.clone())
            .any(|(_, k)| k == CueKind::Denial)
        {
            return Stance::Denied;
        }
        // Hedges before the event noun, or right after it ("قصفا جويا يرجح أنه روسي").
        let hedged = doc
            .cues_in(segment.start..start)
            .any(|(_, k)| k == CueKind::Hedge)
            || doc.cues_in(m.range.end..segment.end).any(|(c, k)| {
                k == CueKind::Hedge && doc.tokens_in(m.range.end..c.range.start).count() <= 1
            });
        let rumour = doc
            .cues_in(s.range.start..start)
            .any(|(_, k)| k == CueKind::Rumour);
        let question = s.headline && t[s.range.clone()].trim_end().ends_with('?') && {
            // The question must be about this clause, not a neighbouring one ("... ماذا يحدث؟").
            let clause_end = s
                .clauses
                .iter()
                .find(|c| c.start <= start && start < c.end)
                .map_or(s.range.end, |c| c.end);
            t[start..s.range.end]
                .find("..")
                .is_none_or(|p| start + p >= clause_end)
                && !doc
                    .cues_in(start..s.range.end)
                    .any(|(_, k)| k == CueKind::Question)
        };
        if hedged || rumour || question {
            Stance::Uncertain
        } else {
            Stance::Asserted
        }
    }

    /// The cited source: a source phrase in the segment or sentence; "المصادر" alone points back
    /// to the last source named in the paragraph or the one before.
    pub(super) fn cited_source(
        &self,
        doc: &Doc,
        si: usize,
        segment: &Range<usize>,
    ) -> Option<Range<usize>> {
        let s = &doc.sentences[si];
        let specific = |r: &Range<usize>| {
            doc.tokens_in(r.clone())
                .filter(|t| t.kind == TokenKind::Word)
                .count()
                > 1
        };
        let phrase = |r: Range<usize>| -> Option<Range<usize>> {
            let mut first = None;
            for (m, _) in doc.cues_in(r).filter(|(_, k)| *k == CueKind::Source) {
                let p = self.source_phrase(doc, m.range.clone());
                // Prefer a specific phrase ("مصادر كردية معارضة") to a bare anaphoric one.
                if specific(&p) {
                    return Some(p);
                }
                first.get_or_insert(p);
            }
            first
        };
        let here = phrase(segment.clone()).or_else(|| phrase(s.range.clone()));
        match here {
            Some(r) if specific(&r) => Some(r),
            other => {
                // Look back up to 6 sentences for the source this one refers to.
                let lo = si.saturating_sub(6);
                for j in (lo..si).rev() {
                    if let Some(r) = phrase(doc.sentences[j].range.clone()) {
                        if specific(&r) {
                            return Some(r);
                        }
                    }
                }
                other
            }
        }
    }

    /// Extends a source head word over its modifiers: "مصادر كردية معارضة".
    pub(super) fn source_phrase(&self, doc: &Doc, head: Range<usize>) -> Range<usize> {
        let t = doc.text();
        let mut end = head.end;
        let i = doc.token_at(head.end);
        for tk in doc.tokens.iter().skip(i).take(4) {
            if tk.kind != TokenKind::Word {
                // Allow a quoted name ("شبكة "فرات بوست"").
                if &t[tk.range.clone()] == "\"" {
                    continue;
                }
                break;
            }
            let w = &t[tk.range.clone()];
            let stop = doc.cues_in(tk.range.clone()).any(|(c, k)| {
                matches!(k, CueKind::StopWord | CueKind::ReportVerb | CueKind::Source)
                    && c.range == tk.range
            });
            if stop || w.len() <= 2 || w.starts_with('ل') && !w.starts_with("ال") {
                break;
            }
            end = tk.range.end;
        }
        // Close a quote we opened.
        head.start..end
    }

    /// A denial sentence without an event of its own denies what the sentences before reported
    /// ("نفى صحة هذه الأنباء").
    pub(super) fn apply_denials(&self, doc: &Doc, statements: &mut Vec<Statement>) {
        for (si, s) in doc.sentences.iter().enumerate() {
            let denial = doc
                .cues_in(s.range.clone())
                .find(|(_, k)| *k == CueKind::Denial);
            let Some((d, _)) = denial else { continue };
            if statements.iter().any(|st| st.sentence == si) {
                continue;
            }
            let lo = si.saturating_sub(3);
            let target = statements
                .iter()
                .enumerate()
                .filter(|(_, st)| st.sentence >= lo && st.sentence < si)
                .max_by_key(|(_, st)| st.range.start)
                .map(|(i, st)| (i, st.clone()));
            if let Some((ti, mut st)) = target {
                st.denies = Some(ti);
                st.definite = false;
                st.sentence = si;
                st.segment = s.range.clone();
                st.evidence = s.range.clone();
                st.range = d.range.clone();
                st.headline = false;
                st.stance = Stance::Denied;
                st.verbal = false;
                st.source = self.source_phrase_before(doc, s.range.start, d.range.start);
                st.killed = None;
                st.injured = None;
                st.count = None;
                statements.push(st);
            }
        }
    }

    /// The denier: the words before a denial verb in its sentence ("مدير المركز الإعلامي لقسد").
    pub(super) fn source_phrase_before(
        &self,
        doc: &Doc,
        from: usize,
        to: usize,
    ) -> Option<Range<usize>> {
        let t = doc.text();
        let r = from..to;
        let trimmed = t[r.clone()].trim_end_matches([' ', ',']);
        (!trimmed.trim().is_empty()).then(|| from..from + trimmed.len())
    }
}

/// Whether actor mention `a` names a backer ("قوات النظام مدعومة بالطيران الروسي", "الفصائل
/// المدعومة من تركيا"): a supporter cue ends at most two words before it, in the same clause.
/// Whether a trigger of frame `other` tells another kind of happening than one of frame `own`:
/// a specific one ("الطائرات", "سيطرت"), not a word any fighting is told with ("هجوم",
/// "انفجار"), nor a bombardment beside a bombardment ("غارة جوية و 200 قذيفة على ...").
fn another_happening(own: &str, other: &str) -> bool {
    const BOMBARDMENT: &[&str] = &["airstrike", "shelling", "drone"];
    super::merge::frame_class(own) != super::merge::frame_class(other)
        && !super::merge::GENERIC_FRAMES.contains(&other)
        && !(BOMBARDMENT.contains(&own) && BOMBARDMENT.contains(&other))
}

pub(super) fn backer(doc: &Doc, a: usize) -> bool {
    let text = doc.text();
    let r = &doc.actors[a].range;
    doc.cues_in(r.start.saturating_sub(60)..r.start)
        .any(|(c, k)| {
            k == CueKind::Supporter
                && c.range.end <= r.start
                && doc.tokens_in(c.range.end..r.start).count() <= 2
                && !text[c.range.end..r.start].contains([',', '.', '،'])
        })
}

/// Whether actor mention `a` only says whose voice reports the event ("وفق ما أفادت به مصادر
/// المعارضة", "وكالة أعماق التابعة لتنظيم الدولة", "مصادر في قوات النظام"): a source that is no
/// person (sources, agencies, networks, sites, pages: `impersonal` in cues.toml) ends at most
/// four words before it, in the same clause. A person quoted ("المتحدث باسم قسد", "قيادي في الجيش الحر") may be a side.
pub(super) fn voice(doc: &Doc, a: usize) -> bool {
    let text = doc.text();
    let r = &doc.actors[a].range;
    doc.cues_in(r.start.saturating_sub(80)..r.start)
        .any(|(c, k)| {
            k == CueKind::Source
                && matches!(c.entity, Entity::Cue(ci) if doc.kb.cues[ci].impersonal)
                && c.range.end <= r.start
                && doc.tokens_in(c.range.end..r.start).count() <= 4
                && !text[c.range.end..r.start].contains([',', '.', '،'])
                // "قالت مصادر إن الطائرات الإسرائيلية قصفت": after "إن"/"أن" the report begins.
                && !doc.tokens_in(c.range.end..r.start).any(|tk| {
                    matches!(
                        text[tk.range.clone()].trim_start_matches('و'),
                        "إن" | "أن" | "ان" | "بأن" | "بان" | "إنه" | "أنه" | "بأنه"
                    )
                })
        })
}
