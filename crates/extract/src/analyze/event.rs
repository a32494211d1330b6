//! A group of statements coded as one ACLED event: its best statement, type (territory by who
//! takes the place), actor roles, figures and truce terms.

use std::ops::Range;

use marsad_kb::{ActorKind, CueKind, EventType, SubEventType};
use marsad_text::function_words::OBJECT_PREPOSITIONS;
use marsad_text::TokenKind;

use crate::dates::{self, DocDate};
use crate::doc::Doc;
use crate::geo;
use crate::model::*;

use super::{Extractor, Statement};

impl Extractor {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn event(
        &self,
        doc: &Doc,
        statements: &[Statement],
        group: &[usize],
        terms: &[usize],
        doc_date: &DocDate,
        outlet: &Option<String>,
        _n: usize,
    ) -> Option<(Event, usize)> {
        let kb = &self.kb;
        // The first telling in the body is the report's lead: it gets a point over later ones.
        let first = group
            .iter()
            .copied()
            .filter(|&i| !statements[i].headline && statements[i].denies.is_none())
            .min_by_key(|&i| statements[i].range.start);
        // A later sentence with no place of its own adds to the happening, it does not tell it
        // ("واصل التنظيم تقدمه" after "تمكنت قسد من السيطرة على بلدة الهول").
        let first_sentence = first.map(|f| statements[f].sentence);
        let adds_only = |i: usize| {
            statements[i].place_fallback && Some(statements[i].sentence) != first_sentence
        };
        let best_i = *group.iter().max_by_key(|&&i| {
            (
                self.score(&statements[i]) + i32::from(Some(i) == first) - i32::from(adds_only(i)),
                std::cmp::Reverse(statements[i].range.start),
            )
        })?;
        let best = &statements[best_i];
        let trig = &kb.triggers[best.trigger];

        // Stance across statements: a denial against an assertion is a dispute; a headline that
        // frames the event as rumour or question makes it uncertain.
        let body: Vec<&Statement> = group.iter().map(|&i| &statements[i]).collect();
        let denied = body.iter().any(|s| s.stance == Stance::Denied);
        let affirmed = body.iter().any(|s| s.stance != Stance::Denied);
        let headline_doubt = body
            .iter()
            .any(|s| s.headline && s.stance == Stance::Uncertain);
        let stance = if denied && affirmed {
            Stance::Disputed
        } else if denied {
            Stance::Denied
        } else if headline_doubt || best.stance == Stance::Uncertain {
            Stance::Uncertain
        } else {
            Stance::Asserted
        };

        // Actors: the best statement's, filled from the others when it names none.
        let mut actor_idx: Vec<usize> = best.actors.clone();
        if actor_idx.is_empty() {
            for s in &body {
                if !s.actors.is_empty() {
                    actor_idx = s.actors.clone();
                    break;
                }
            }
        }
        // A battle or a strategic development is something conflict actors do: with none
        // named anywhere around it, the word was used of something else ("انسحاب" from a
        // market, an "اتفاق" on a tender).
        if actor_idx.is_empty()
            && matches!(
                trig.event_type(),
                Some(EventType::Battles | EventType::StrategicDevelopments)
            )
        {
            return None;
        }
        // The codebook codes the factions that fight beside Turkish forces or with their backing
        // (Euphrates Shield, the SNA) as TURKEY: "طردت القوات التركية والفصائل المقاتلة السورية
        // التنظيم", "سيطرت فصائل من الجيش الحر ... بمساندة الجيش التركي".
        let turkish = |a: usize| matches!(doc.actors[a].family, "turkey" | "sna");
        if actor_idx.iter().any(|&a| turkish(a)) {
            actor_idx.retain(|&a| !matches!(doc.actors[a].family, "opposition" | "fsa"));
        }
        // The codebook: a backer named in passing ("بدعم من الطيران الروسي") is no actor; Turkey
        // backing the factions stands for them.
        let backer = |a: usize| super::statement::backer(doc, a) && !turkish(a);
        if actor_idx.iter().any(|&a| !backer(a)) {
            actor_idx.retain(|&a| !backer(a));
        }
        // Nor is the voice that reports it ("وفق ما أفادت به مصادر المعارضة").
        if actor_idx.iter().any(|&a| !super::statement::voice(doc, a)) {
            actor_idx.retain(|&a| !super::statement::voice(doc, a));
        }
        // "واستهدفت الغارات الروسية ... بالتزامن مع محاولة قوات النظام التقدم": who is named after
        // a word of accompaniment that follows the trigger does the other happening.
        {
            let s = &doc.sentences[best.sentence];
            if let Some((c, _)) = doc
                .cues_in(best.range.end..s.range.end)
                .find(|(_, k)| *k == CueKind::Accompaniment)
            {
                let at = c.range.start;
                if actor_idx.iter().any(|&a| doc.actors[a].range.start < at) {
                    actor_idx.retain(|&a| {
                        !(doc.actors[a].range.start > at && doc.actors[a].range.start < s.range.end)
                    });
                }
            }
        }
        // Who took the place is the first side.
        if trig.frame == "takeover" {
            if let Some(t) = self.taker(doc, best) {
                actor_idx.retain(|&a| a != t);
                actor_idx.insert(0, t);
            } else {
                // "وتمكنت من ... السيطرة على نقاط X الذي كان قناصة من مليشيا حزب الله يتخذونه":
                // with no subject found, a side named after the takeover is the one the place
                // was taken from; a side named before it (the sentence's or the one before's
                // subject) leads.
                let at = best.range.start;
                actor_idx.sort_by_key(|&a| doc.actors[a].range.start > at);
            }
        }
        // A place taken by fighting has a losing side: when the statements name only the group
        // that took it, it is the side the report names that group fighting ("تمكن مقاتلو
        // المعارضة من السيطرة على مطار عسكري" in a report on the regime's forces).
        if trig.frame == "takeover" {
            if let Some(o) = self.opponent(doc, &actor_idx) {
                actor_idx.push(o);
            }
        }
        let (actor1, actor2, assoc1, assoc2, _mediator) = self.roles(doc, best, &actor_idx, trig);
        let sub_event_type = if trig.frame == "takeover" {
            self.territory_type(doc, best, actor1.as_ref())
        } else {
            // Statements come from reported triggers only: blockers were skipped in `analyze`.
            trig.sub_event_type?
        };

        let place = best
            .place
            .filter(|_| !best.place_fallback)
            .or_else(|| {
                body.iter()
                    .find_map(|s| s.place.filter(|_| !s.place_fallback))
            })
            .or(best.place)
            .or_else(|| geo::document_place(doc, kb))
            // Only then a region or the country the sentence mentions.
            .or_else(|| geo::vague_place(doc, best.sentence));
        let location = place.and_then(|p| geo::locate(doc, kb, p));

        let date = dates::event_date(doc, kb, best.date.as_ref(), doc_date).or_explicit(
            doc,
            doc_date,
            doc.sentences[best.sentence].range.clone(),
        );
        // "استعادت القوات الكردية ... في 13 نوفمبر 2015" in a 2017 report: the codebook leaves
        // out history, a year or more before the report. Only a written year counts: "في 25
        // اغسطس" is given the last August before the report, which may be the wrong year.
        let year_written = date.evidence.as_ref().is_some_and(|e| {
            e.text
                .split(|c: char| !c.is_ascii_digit())
                .any(|n| n.len() == 4)
        });
        if let Some(report) = doc_date.date.filter(|_| year_written) {
            if date
                .date
                .as_deref()
                .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .is_some_and(|d| (report - d).num_days() >= 365)
            {
                return None;
            }
        }
        let to_count = |c: &Option<(u64, marsad_text::Approx, Vec<Range<usize>>)>| {
            c.as_ref().map(|(v, a, spans)| Count {
                value: *v,
                approx: (*a).into(),
                evidence: spans.iter().map(|r| doc.span(r.clone())).collect(),
            })
        };
        let fatalities = to_count(&best.killed)
            .or_else(|| body.iter().find_map(|s| to_count(&s.killed)))
            .filter(|_| crate::tolls::lethal(sub_event_type));
        let injured =
            to_count(&best.injured).or_else(|| body.iter().find_map(|s| to_count(&s.injured)));
        let arrested =
            to_count(&best.count).or_else(|| body.iter().find_map(|s| to_count(&s.count)));

        let claims = body
            .iter()
            .map(|s| Claim {
                evidence: doc.span(s.evidence.clone()),
                stance: s.stance,
                cited_source: s.source.clone().map(|r| doc.span(r)),
                headline: s.headline,
            })
            .collect();

        let truce = trig
            .is(SubEventType::Agreement)
            .then(|| self.truce(doc, &body, terms, doc_date, &actor1, &actor2, best.mediator));

        let event = Event {
            id: String::new(),
            doc: doc.id.to_string(),
            event_type: sub_event_type.event_type().as_str().to_string(),
            sub_event_type: sub_event_type.as_str().to_string(),
            frame: trig.frame.clone(),
            actor1,
            actor2,
            assoc_actor_1: assoc1,
            assoc_actor_2: assoc2,
            location,
            date,
            fatalities,
            injured,
            arrested,
            source: outlet.clone(),
            source_scale: None,
            cited_source: best.source.clone().map(|r| doc.span(r)),
            stance,
            evidence: {
                // Several trigger words of one sentence part ("شنت حملة دهم ... اعتقلت خلالها"):
                // the evidence covers them all.
                let mut r = best.evidence.clone();
                for s in body
                    .iter()
                    .filter(|s| s.segment == best.segment && s.denies.is_none())
                {
                    r.start = r.start.min(s.evidence.start);
                    r.end = r.end.max(s.evidence.end);
                }
                doc.span(r)
            },
            claims,
            truce,
        };
        Some((event, best_i))
    }

    /// The subject of a takeover: for a verb the actor named right after it (VSO, "سيطرت قوات
    /// النظام على") up to its object, else the nearest before it in the sentence (SVO, or the
    /// owner of a noun: "أعلنت قسد سيطرتها على"); civilians never take places.
    pub(super) fn taker(&self, doc: &Doc, st: &Statement) -> Option<usize> {
        let kb = &self.kb;
        let s = &doc.sentences[st.sentence];
        let t = doc.text();
        // The side a place is taken from or with is a prepositional object ("طرد التنظيم من",
        // "بعد معارك مع قوات النظام", "بدعم من"), not the subject.
        let object_of_preposition = |r: &Range<usize>| {
            let word_before = t[..r.start].trim_end().rsplit(' ').next().unwrap_or("");
            OBJECT_PREPOSITIONS.contains(&word_before)
                || t[..r.start].ends_with('ل') && !t[..r.start].ends_with(' ')
        };
        let armed = |i: &usize| {
            let a = &doc.actors[*i];
            !a.area_owner
                && kb.actors[a.actor].kind != ActorKind::Civilians
                && !object_of_preposition(&a.range)
        };
        // The subject stands between the verb and its object: the first place, or "على".
        let object = doc
            .places
            .iter()
            .find(|p| p.range.start >= st.range.end && p.range.end <= s.range.end)
            .map_or(st.clause.end, |p| p.phrase.start)
            .min(
                doc.tokens_in(st.range.end..st.clause.end)
                    .find(|tk| t[tk.range.clone()].starts_with("عل"))
                    .map_or(usize::MAX, |tk| tk.range.start),
            );
        // "... التي سيطرت على": the subject is the noun the relative pronoun refers to.
        let relative = doc
            .token_at(st.range.start)
            .checked_sub(1)
            .is_some_and(|i| {
                matches!(
                    &t[doc.tokens[i].range.clone()],
                    "التي" | "الذي" | "الذين" | "والتي" | "والذي"
                )
            });
        let after = doc
            .actor_indices(&(st.range.end..object))
            .filter(armed)
            .find(|&i| doc.actors[i].range.end <= object);
        let before = || {
            doc.actor_indices(&(s.range.start..st.range.start))
                .filter(armed)
                .rfind(|&i| doc.actors[i].range.end <= st.range.start)
        };
        if self.kb.triggers[st.trigger].verbal && !relative {
            after.or_else(before)
        } else {
            before().or(after)
        }
    }

    /// The other side of a place taken by a non-state group whose statements name that group
    /// alone (`actors`): the side the document names most often as a participant, no other
    /// side named as often; its first mention. None when the taker is the government's side.
    fn opponent<'a>(&'a self, doc: &Doc<'a>, actors: &[usize]) -> Option<usize> {
        let kb = &self.kb;
        // The opposition's factions are one side (codebook: OPPOSITION, "FSA and other rebel
        // factions").
        let camp =
            |f: &'a str| -> &'a str { kb.actor(f).and_then(|a| a.side.as_deref()).unwrap_or(f) };
        let armed = |i: usize| {
            let a = &doc.actors[i];
            !a.civilian_family && kb.actors[a.actor].kind != ActorKind::Other
        };
        let mut fams: Vec<&str> = actors
            .iter()
            .copied()
            .filter(|&i| armed(i))
            .map(|i| camp(doc.actors[i].family))
            .collect();
        fams.sort();
        fams.dedup();
        let [have] = fams[..] else { return None };
        let pro_government = |f: &str| kb.actor(f).is_some_and(|a| a.pro_government);
        if pro_government(have) {
            return None;
        }
        let mut counts: Vec<(&str, usize, usize)> = Vec::new();
        for (i, a) in doc.actors.iter().enumerate() {
            if !armed(i)
                || a.area_owner
                || camp(a.family) == have
                || super::statement::backer(doc, i)
                || super::statement::voice(doc, i)
            {
                continue;
            }
            match counts.iter_mut().find(|c| c.0 == camp(a.family)) {
                Some(c) => c.1 += 1,
                None => counts.push((camp(a.family), 1, i)),
            }
        }
        let max = counts.iter().map(|c| c.1).max()?;
        let mut top = counts.iter().filter(|c| c.1 == max);
        let first = top.next()?;
        // A tie names no one side.
        if top.next().is_some() || max < 2 {
            return None;
        }
        Some(first.2)
    }

    /// A place taken: by fighting unless the sentence says otherwise, and then typed by who
    /// took it (the first side named): the government or its allies regain territory, anyone
    /// else is a non-state actor overtaking it.
    pub(super) fn territory_type(
        &self,
        doc: &Doc,
        best: &Statement,
        taker: Option<&ActorRef>,
    ) -> SubEventType {
        let kb = &self.kb;
        let s = &doc.sentences[best.sentence];
        if doc
            .cues_in(s.range.clone())
            .any(|(_, k)| k == CueKind::NoFighting)
        {
            return SubEventType::NonViolentTransferOfTerritory;
        }
        let pro_government = taker
            .and_then(|a| kb.actor_index(&a.id))
            .and_then(|i| kb.actor(crate::doc::family(kb, i)))
            .is_some_and(|a| a.pro_government);
        if pro_government {
            SubEventType::GovernmentRegainsTerritory
        } else {
            SubEventType::NonStateActorOvertakesTerritory
        }
    }

    #[allow(clippy::type_complexity)]
    pub(super) fn roles(
        &self,
        doc: &Doc,
        best: &Statement,
        actor_idx: &[usize],
        trig: &marsad_kb::Trigger,
    ) -> (
        Option<ActorRef>,
        Option<ActorRef>,
        Option<ActorRef>,
        Option<ActorRef>,
        Option<ActorRef>,
    ) {
        let kb = &self.kb;
        // A knowledge-base actor with the span that names it (none for the codebook's UNKNOWN).
        let kb_ref = |actor: usize, evidence: Option<Range<usize>>| ActorRef {
            id: kb.actors[actor].id.clone(),
            name: kb.actors[actor].name.clone(),
            evidence: evidence.map(|r| doc.span(r)),
            kind: kb.actors[actor].kind,
        };
        let aref = |i: usize| kb_ref(doc.actors[i].actor, Some(doc.actors[i].range.clone()));
        // Distinct actors in order of mention, one per actor id.
        let mut order: Vec<usize> = Vec::new();
        let mut seen: Vec<usize> = Vec::new();
        let mut push = |i: usize, order: &mut Vec<usize>| {
            if !seen.contains(&doc.actors[i].actor) {
                seen.push(doc.actors[i].actor);
                order.push(i);
            }
        };
        if let Some((x, y)) = best.between {
            push(x, &mut order);
            push(y, &mut order);
        }
        let mediator = best.mediator;
        for &i in actor_idx {
            if Some(i) != mediator {
                push(i, &mut order);
            }
        }
        let is_civ = |i: usize| kb.actors[doc.actors[i].actor].kind == ActorKind::Civilians;
        // Main sides: first two distinct families; civilians go second (they are the target).
        let mut sides: Vec<usize> = Vec::new();
        let mut assoc: Vec<usize> = Vec::new();
        for &i in order.iter().filter(|&&i| !is_civ(i)) {
            let fam = &doc.actors[i].family;
            if sides.iter().any(|&s| &doc.actors[s].family == fam) || sides.len() >= 2 {
                assoc.push(i);
            } else {
                sides.push(i);
            }
        }
        let civilians = order.iter().copied().find(|&i| is_civ(i));
        let violent = matches!(
            trig.event_type(),
            Some(EventType::ExplosionsRemoteViolence | EventType::ViolenceAgainstCivilians)
        );
        let mut a1 = sides.first().map(|&i| aref(i));
        let mut a2 = sides.get(1).map(|&i| aref(i));
        if let Some(c) = civilians {
            if a2.is_none() {
                a2 = Some(aref(c));
            } else {
                assoc.push(c);
            }
        }
        // "ما أسفر عن مقتل سبعة أشخاص": a strike or an attack whose dead or wounded are not
        // named as fighters hit civilians (codebook: CIVILIANS when civilians are killed,
        // wounded or targeted).
        if a2.is_none() && civilians.is_none() && violent {
            if let (Some(c), Some(span)) = (self.civilians, self.civilian_toll(doc, best)) {
                a2 = Some(kb_ref(c, Some(span)));
            }
        }
        // "اعتقلت قسد عددا من ...", "أعدم التنظيم ...": violence against civilians, an abduction
        // or an arrest whose people are not named as fighters or as a group is done to
        // civilians (codebook: CIVILIANS when civilians are killed, wounded or targeted).
        if a2.is_none() && civilians.is_none() && self.against_civilians(doc, best, trig) {
            if let Some(c) = self.civilians {
                a2 = Some(kb_ref(c, Some(best.range.clone())));
            }
        }
        // "أصيب ثلاثة عناصر من الجيش الحر إثر انفجار عبوة ناسفة": a bomb or a mine whose only
        // side is named among its dead or wounded hit that side; who planted it is not named
        // (codebook: UNKNOWN).
        let planted = super::merge::is_device_frame(&trig.frame);
        if planted && a2.is_none() && sides.len() == 1 && self.among_casualties(doc, best, sides[0])
        {
            a2 = a1.take();
        }
        if a1.is_none() && violent {
            if let Some(u) = self.unidentified {
                a1 = Some(kb_ref(u, None));
            }
        }
        let med = mediator.map(aref);
        let mut assoc_refs: Vec<ActorRef> = assoc.into_iter().map(aref).collect();
        if let Some(m) = &med {
            assoc_refs.insert(0, m.clone());
        }
        let mut it = assoc_refs.into_iter();
        (a1, a2, it.next(), it.next(), med)
    }

    /// Whether the statement tells violence against civilians (an attack, an abduction: the
    /// attacker may be "مسلحين مجهولين") or an arrest whose people are not named as fighters: no
    /// fighter word ("عناصر", "مقاتلين") in the trigger's clause after it.
    fn against_civilians(&self, doc: &Doc, st: &Statement, trig: &marsad_kb::Trigger) -> bool {
        trig.event_type() == Some(EventType::ViolenceAgainstCivilians)
            || trig.is(SubEventType::Arrests)
                && !doc
                    .cues_in(st.range.start..st.clause.end.max(st.range.end))
                    .any(|(_, k)| k == CueKind::Combatant)
    }

    /// Whether actor mention `i` names the people of one of the statement's tolls: it starts
    /// inside the figure's words or the four words after them ("مقتل 5 من قوات النظام").
    fn among_casualties(&self, doc: &Doc, st: &Statement, i: usize) -> bool {
        let r = &doc.actors[i].range;
        st.killed
            .iter()
            .chain(st.injured.iter())
            .filter(|f| f.0 > 0)
            .flat_map(|f| f.2.iter())
            .any(|span| {
                let end = doc
                    .tokens
                    .iter()
                    .skip(doc.token_at(span.end))
                    .take(4)
                    .next_back()
                    .map_or(span.end, |t| t.range.end.max(span.end));
                r.start >= span.start && r.start < end
            })
    }

    /// The first toll of the statement (killed, else wounded) whose people are not named as
    /// fighters: no fighter word ("عناصر", "جنود") in it or in the three words after it, and no
    /// armed actor named there ("مقتل 5 من قوات النظام").
    fn civilian_toll(&self, doc: &Doc, st: &Statement) -> Option<Range<usize>> {
        let kb = &self.kb;
        let spans = st
            .killed
            .iter()
            .chain(st.injured.iter())
            .filter(|f| f.0 > 0)
            .flat_map(|f| f.2.iter());
        for span in spans {
            let end = doc
                .tokens
                .iter()
                .skip(doc.token_at(span.end))
                .take(4)
                .take_while(|t| t.range.start < st.segment.end)
                .last()
                .map_or(span.end, |t| t.range.end.max(span.end));
            let around = span.start..end;
            let fighters = doc
                .cues_in(around.clone())
                .any(|(_, k)| k == CueKind::Combatant)
                || doc.actor_indices(&around).any(|i| {
                    let a = &doc.actors[i];
                    a.range.start >= span.start
                        && !a.civilian_family
                        && kb.actors[a.actor].kind != ActorKind::Other
                });
            if !fighters {
                return Some(span.clone());
            }
        }
        None
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn truce(
        &self,
        doc: &Doc,
        body: &[&Statement],
        terms: &[usize],
        doc_date: &DocDate,
        a1: &Option<ActorRef>,
        a2: &Option<ActorRef>,
        mediator: Option<usize>,
    ) -> Truce {
        let kb = &self.kb;
        let mut truce = Truce {
            parties: [a1, a2]
                .iter()
                .filter_map(|a| a.as_ref().map(|a| a.name.clone()))
                .collect(),
            ..Default::default()
        };
        if let Some(m) = mediator {
            truce.mediator = Some(kb.actors[doc.actors[m].actor].name.clone());
            truce.mediator_evidence = Some(doc.span(doc.actors[m].range.clone()));
        }
        let sentences: Vec<usize> = {
            let mut v: Vec<usize> = body.iter().map(|s| s.sentence).collect();
            v.extend_from_slice(terms);
            v.sort();
            v.dedup();
            v
        };
        for &si in &sentences {
            let s = &doc.sentences[si];
            for (c, k) in doc.cues_in(s.range.clone()) {
                match k {
                    CueKind::Secret if !truce.secret => {
                        truce.secret = true;
                        truce.secret_evidence = Some(doc.span(c.range.clone()));
                    }
                    CueKind::Mediator if truce.mediator.is_none() => {
                        // "عبر وساطة عشائرية": keep the phrase when no known actor follows.
                        let end = doc
                            .tokens
                            .iter()
                            .skip(doc.token_at(c.range.end))
                            .take(2)
                            .take_while(|t| t.kind == TokenKind::Word)
                            .last()
                            .map_or(c.range.end, |t| t.range.end);
                        let span = doc.span(c.range.start..end);
                        truce.mediator = Some(span.text.clone());
                        truce.mediator_evidence = Some(span);
                    }
                    CueKind::Duration if truce.duration_evidence.is_none() => {
                        if let Some((days, ext, r)) = dates::duration(doc, kb, c.range.clone()) {
                            truce.duration_days = days;
                            truce.extendable = ext;
                            truce.duration_evidence = Some(doc.span(r));
                        }
                    }
                    _ => {}
                }
            }
            if truce.start.is_none() {
                if let Some((d, r)) = dates::explicit_date_in(doc, s.range.clone(), doc_date) {
                    truce.start = Some(d);
                    truce.start_evidence = Some(doc.span(r));
                }
            }
        }
        for &si in terms {
            truce.terms.push(doc.span(doc.sentences[si].range.clone()));
        }
        truce
    }
}
