//! Statements (one per trigger) and their merging into events.

use std::ops::Range;

use marsad_ingest::Document;
use marsad_kb::{ActorKind, CueKind, Entity, EventType, KnowledgeBase, Mention, SubEventType};
use marsad_text::TokenKind;

use crate::dates::{self, DocDate};
use crate::doc::Doc;
use crate::geo;
use crate::model::*;

/// Codes documents against a knowledge base. Cheap to share across threads.
pub struct Extractor {
    kb: KnowledgeBase,
    unidentified: Option<usize>,
    attack_trigger: Option<usize>,
    air_trigger: Option<usize>,
    /// The learned filter run over the finished events, when asked for (see
    /// [`crate::EventFilter`]).
    filter: Option<crate::EventFilter>,
}

/// The longest sentence or segment (in words) taken whole as an event's evidence.
const EVIDENCE_WORDS: usize = 45;

/// One trigger read as a statement, before merging.
#[derive(Debug, Clone)]
struct Statement {
    trigger: usize,
    range: Range<usize>,
    sentence: usize,
    segment: Range<usize>,
    clause: Range<usize>,
    evidence: Range<usize>,
    headline: bool,
    verbal: bool,
    /// A definite noun ("الهدنة", "اتفاق الهدنة"): refers back to an event already told, or
    /// to a known state of affairs.
    definite: bool,
    /// For a denial read off a sentence without its own trigger: the statement it denies.
    denies: Option<usize>,
    actors: Vec<usize>, // indexes into doc.actors
    between: Option<(usize, usize)>,
    mediator: Option<usize>,
    place: Option<usize>, // index into doc.places
    place_fallback: bool,
    date: Option<(Range<usize>, usize)>, // cue range, cue index
    killed: Option<(u64, marsad_text::Approx, Vec<Range<usize>>)>,
    injured: Option<(u64, marsad_text::Approx, Vec<Range<usize>>)>,
    count: Option<(u64, marsad_text::Approx, Vec<Range<usize>>)>,
    stance: Stance,
    source: Option<Range<usize>>,
}

impl Extractor {
    pub fn new(kb: KnowledgeBase) -> Self {
        // ACLED codes an unclaimed bombing or killing to an unidentified armed group.
        let unidentified = kb.actors.iter().position(|a| a.id == "unknown");
        // The trigger that stands for an attack on civilians when a clash word turns out to be one.
        let attack_trigger = kb
            .triggers
            .iter()
            .position(|t| t.is(SubEventType::Attack) && t.frame == "assault");
        // The trigger that stands for an air strike when a bare bombardment word names aircraft.
        let air_trigger = kb
            .triggers
            .iter()
            .position(|t| t.is(SubEventType::AirDroneStrike) && t.frame == "airstrike");
        Extractor {
            kb,
            unidentified,
            attack_trigger,
            air_trigger,
            // Off by default: on the check articles it moves typed F1 by +0.009 (dev) and
            // -0.001 (team) and drops two seed events (docs/QUALITY.md), not enough to keep it.
            filter: None,
        }
    }

    /// Turns the learned event filter on (off by default): events it scores below its
    /// threshold are dropped.
    pub fn with_event_filter(mut self) -> Self {
        self.filter = Some(crate::EventFilter::embedded());
        self
    }

    pub fn kb(&self) -> &KnowledgeBase {
        &self.kb
    }

    /// Codes one document.
    pub fn analyze(&self, document: &Document) -> Analysis {
        self.run(document, None)
    }

    /// Every event the rules find in `document` (the learned filter not applied), with the
    /// event filter's features by name: what `scripts/train_event_filter.py` trains on.
    /// The third member is the probability the model built in gives the event (the hashed path
    /// the filter runs; a test checks it against the training script's).
    pub fn filter_features(&self, document: &Document) -> Vec<crate::FeatureRow> {
        let mut out = Vec::new();
        self.run(document, Some(&mut out));
        out
    }

    fn run(&self, document: &Document, dump: Option<&mut Vec<crate::FeatureRow>>) -> Analysis {
        let kb = &self.kb;
        let doc = Doc::new(document, kb);
        let doc_date = dates::document_date(document, &doc);
        let (outlet, source_scale) = crate::outlet::outlet(kb, document, &doc);

        let report_year = dates::report_year(document, &doc);
        let mut statements: Vec<Statement> = Vec::new();
        let mut terms: Vec<usize> = Vec::new(); // sentences stating agreement terms
        for m in &doc.triggers {
            let Entity::Trigger(ti) = m.entity else {
                continue;
            };
            let trig = &kb.triggers[ti];
            if trig.is_blocker() {
                continue;
            }
            if !self.requires_ok(&doc, m, ti) {
                if std::env::var_os("MARSAD_DEBUG").is_some() {
                    eprintln!(
                        "[{}] skip «{}»: requires",
                        doc.id,
                        &doc.text()[m.range.clone()]
                    );
                }
                continue;
            }
            let Some(si) = doc.sentence_of(m.range.start) else {
                continue;
            };
            let s = &doc.sentences[si];
            // Headlines run together (a link list or ticker scraped as one line): no report.
            if s.glued {
                if std::env::var_os("MARSAD_DEBUG").is_some() {
                    eprintln!(
                        "[{}] skip «{}»: glued headlines",
                        doc.id,
                        &doc.text()[m.range.clone()]
                    );
                }
                continue;
            }
            let segment = s
                .segments
                .iter()
                .find(|g| g.start <= m.range.start && m.range.start < g.end)
                .cloned()
                .unwrap_or(s.range.clone());
            let clause = s
                .clauses
                .iter()
                .find(|c| c.start <= m.range.start && m.range.start < c.end)
                .cloned()
                .unwrap_or(segment.clone());
            let start = m.prefix.start.min(m.range.start);
            if let Some(reason) = self.not_an_event(&doc, m, ti, si, &clause, report_year) {
                if reason == "term" {
                    terms.push(si);
                }
                if std::env::var_os("MARSAD_DEBUG").is_some() {
                    eprintln!(
                        "[{}] skip «{}»: {reason}",
                        doc.id,
                        &doc.text()[m.range.clone()]
                    );
                }
                continue;
            }
            let _ = start;
            let st = self.statement(&doc, m, ti, si, segment, clause, report_year);
            // A withdrawal, handover or evacuation hands over a place: without one named in
            // its own sentence it is talk about withdrawing ("إمكانية ... انسحابها").
            if trig.is(SubEventType::NonViolentTransferOfTerritory)
                && trig.frame != "takeover"
                && (st.place.is_none() || st.place_fallback)
            {
                continue;
            }
            statements.push(st);
        }
        // "سيطرت على X بعد اشتباكات مع ...": fighting told as a noun after a takeover in its
        // sentence is that takeover (the codebook's "بعد معارك/اشتباكات is the same event").
        let takeovers: Vec<(usize, usize)> = statements
            .iter()
            .filter(|st| kb.triggers[st.trigger].frame == "takeover")
            .map(|st| (st.sentence, st.range.start))
            .collect();
        statements.retain(|st| {
            let trig = &kb.triggers[st.trigger];
            trig.frame != "clash"
                || trig.verbal
                || !takeovers
                    .iter()
                    .any(|&(si, at)| si == st.sentence && at < st.range.start)
        });
        // "هاجم مسلحون مسجدا", "هجوم على تجمع للنازحين": an armed group and civilians only is
        // violence against civilians, not a battle.
        if let Some(attack) = self.attack_trigger {
            for st in statements.iter_mut() {
                if kb.triggers[st.trigger].frame != "clash" {
                    continue;
                }
                let mut armed = st
                    .actors
                    .iter()
                    .filter(|&&a| !doc.actors[a].civilian_family)
                    .map(|&a| doc.actors[a].family);
                let first = armed.next();
                let one_side = first.is_some_and(|f| armed.all(|g| g == f));
                let civilians = st.actors.iter().any(|&a| doc.actors[a].civilian_family);
                if one_side && civilians {
                    st.trigger = attack;
                }
            }
        }
        // "قصفت الطائرات", "القصف الجوي والمدفعي": a bombardment whose clause names aircraft is
        // the air strike itself, one event, not a shelling beside it.
        let air_clauses: Vec<Range<usize>> = statements
            .iter()
            .filter(|st| kb.triggers[st.trigger].frame == "airstrike")
            .map(|st| st.clause.clone())
            .collect();
        statements.retain(|st| {
            kb.triggers[st.trigger].frame != "shelling" || !air_clauses.contains(&st.clause)
        });
        // "طائرة تركية تقصف أهداف داعش", "قوات الأسد الجوية تقصف حرستا": a bare bombardment
        // word in a clause that names aircraft is the air strike.
        if let Some(air) = self.air_trigger {
            for st in statements.iter_mut() {
                let trig = &kb.triggers[st.trigger];
                if trig.frame == "shelling"
                    && !trig.phrase.contains(' ')
                    && doc
                        .cues_in(st.clause.clone())
                        .any(|(_, k)| k == CueKind::Aircraft)
                {
                    st.trigger = air;
                }
            }
        }
        // One event per place: "قصفت الطائرات بلدتي كفرنبل وحاس" is two air strikes, and a toll
        // told for them all is split evenly, the remainder to the first-named place.
        let mut per_place = Vec::new();
        for st in statements.iter_mut() {
            let Some(p) = st.place.filter(|_| !st.place_fallback) else {
                continue;
            };
            let others = geo::coordinated(&doc, p, &doc.sentences[st.sentence].range);
            if others.is_empty() {
                continue;
            }
            let n = others.len() as u64 + 1;
            let mut share = None;
            if let Some(k) = st.killed.as_mut() {
                share = Some((k.0 / n, k.1, k.2.clone()));
                k.0 = k.0 / n + k.0 % n;
            }
            for q in others {
                let mut copy = st.clone();
                copy.place = Some(q);
                copy.killed = share.clone();
                per_place.push(copy);
            }
        }
        statements.extend(per_place);
        // Elliptic repeats: "وسجلت عملية ... في السخنة، وأخرى في معدان" is two events.
        let mut extra = Vec::new();
        for st in &statements {
            for (c, k) in doc.cues_in(st.range.end..doc.sentences[st.sentence].range.end) {
                if k != CueKind::Another {
                    continue;
                }
                let from = c.prefix.start.min(c.range.start);
                let clause_end = doc.sentences[st.sentence]
                    .clauses
                    .iter()
                    .find(|cl| cl.start <= from && from < cl.end)
                    .map_or(doc.sentences[st.sentence].range.end, |cl| cl.end);
                if let Some(pi) = doc
                    .places
                    .iter()
                    .position(|p| p.range.start >= c.range.end && p.range.end <= clause_end)
                {
                    let mut copy = st.clone();
                    copy.place = Some(pi);
                    copy.place_fallback = false;
                    copy.evidence = from..clause_end;
                    copy.range = c.range.clone();
                    copy.segment = from..clause_end;
                    copy.clause = from..clause_end;
                    copy.date = self.date_cue(&doc, from..clause_end);
                    extra.push(copy);
                }
            }
        }
        statements.extend(extra);
        statements.sort_by_key(|s| s.range.start);
        self.apply_denials(&doc, &mut statements);

        let groups = self.merge(&doc, &statements);
        if std::env::var_os("MARSAD_DEBUG").is_some() {
            self.debug(&doc, &statements, &groups);
        }
        let mut events = Vec::new();
        let mut best = Vec::new();
        for (n, g) in groups.iter().enumerate() {
            if let Some((e, b)) = self.event(&doc, &statements, g, &terms, &doc_date, &outlet, n) {
                events.push(e);
                best.push((b, g.len()));
            }
        }
        if self.filter.is_some() || dump.is_some() {
            let sentences: Vec<usize> = statements.iter().map(|s| s.sentence).collect();
            let page = crate::filter::Page::new(&doc, events.len(), &sentences);
            fn facts<'a>(
                doc: &'a Doc<'a>,
                kb: &'a KnowledgeBase,
                statements: &'a [Statement],
                page: &'a crate::filter::Page,
                e: &'a Event,
                (b, n): (usize, usize),
            ) -> crate::filter::Facts<'a> {
                let st = &statements[b];
                crate::filter::Facts {
                    doc,
                    event: e,
                    sentence: st.sentence,
                    evidence: st.evidence.clone(),
                    trigger: st.range.clone(),
                    phrase: &kb.triggers[st.trigger].phrase,
                    verbal: st.verbal,
                    definite: st.definite,
                    headline: st.headline,
                    date_cue: st.date.is_some(),
                    statements: n,
                    page,
                }
            }
            let facts = |e, b| facts(&doc, kb, &statements, &page, e, b);
            if let Some(out) = dump {
                for (e, &b) in events.iter().zip(&best) {
                    let mut named = crate::filter::Named::default();
                    let f = facts(e, b);
                    crate::filter::features(&f, &mut named);
                    let p = self
                        .filter
                        .as_ref()
                        .unwrap_or_else(|| crate::EventFilter::shared())
                        .prob(&f);
                    out.push((e.clone(), named.0, p));
                }
            }
            if let Some(f) = &self.filter {
                let keep: Vec<bool> = events
                    .iter()
                    .zip(&best)
                    .map(|(e, &b)| f.keep(&facts(e, b)))
                    .collect();
                let mut k = keep.iter();
                events.retain(|_| *k.next().unwrap_or(&true));
            }
        }
        events.sort_by_key(|e: &Event| e.evidence.start);
        for (n, e) in events.iter_mut().enumerate() {
            e.id = event_id(&document.id, n);
            e.source_scale = source_scale;
        }
        Analysis {
            doc: document.id.clone(),
            outlet: outlet.clone(),
            published: doc_date.date.map(|d| d.format("%Y-%m-%d").to_string()),
            date_source: doc_date.source,
            events,
            mentions: self.mentions(&doc),
        }
    }

    /// Why a trigger word does not tell an event here, if it does not.
    fn not_an_event(
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
        if doc
            .cues_in(clause.clone())
            .any(|(_, k)| k == CueKind::Habitual)
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

    /// `MARSAD_DEBUG=1`: every statement and how they were grouped, on stderr.
    fn debug(&self, doc: &Doc, statements: &[Statement], groups: &[Vec<usize>]) {
        let t = doc.text();
        for p in &doc.places {
            eprintln!(
                "[{}] place «{}» {:?} dest {} candidates {:?}",
                doc.id,
                &t[p.phrase.clone()],
                p.typed,
                p.destination,
                p.candidates
                    .iter()
                    .map(|&c| self.kb.places[c].id.as_str())
                    .collect::<Vec<_>>()
            );
        }
        for (gi, g) in groups.iter().enumerate() {
            for &i in g {
                let s = &statements[i];
                let place = s.place.map(|p| t[doc.places[p].phrase.clone()].to_string());
                let actors: Vec<&str> = s
                    .actors
                    .iter()
                    .map(|&a| t[doc.actors[a].range.clone()].trim())
                    .collect();
                eprintln!(
                    "[{}] g{gi} s{i} {} «{}» sent {} verbal {} def {} head {} place {:?}{} actors {:?} stance {:?} score {}",
                    doc.id,
                    self.kb.triggers[s.trigger].sub_event_type.map_or("", SubEventType::as_str),
                    &t[s.range.clone()],
                    s.sentence,
                    s.verbal,
                    s.definite,
                    s.headline,
                    place,
                    if s.place_fallback { " (fallback)" } else { "" },
                    actors,
                    s.stance,
                    self.score(s)
                );
            }
        }
    }

    fn mentions(&self, doc: &Doc) -> Vec<EntityMention> {
        let kb = &self.kb;
        // Sized up front (triggers without a sub-event type are skipped, so it may be a bit
        // more): growing it copied every mention again.
        let mut out = Vec::with_capacity(
            doc.actors.len() + doc.places.len() + doc.outlets.len() + doc.triggers.len(),
        );
        for a in &doc.actors {
            out.push(EntityMention {
                kind: "actor".into(),
                id: kb.actors[a.actor].id.clone(),
                span: doc.span(a.range.clone()),
            });
        }
        for p in doc.places.iter().filter(|p| !p.unlisted) {
            out.push(EntityMention {
                kind: "place".into(),
                id: kb.places[p.candidates[0]].id.clone(),
                span: doc.span(p.range.clone()),
            });
        }
        for (r, o) in &doc.outlets {
            out.push(EntityMention {
                kind: "outlet".into(),
                id: kb.outlets[*o].id.clone(),
                span: doc.span(r.clone()),
            });
        }
        for m in &doc.triggers {
            if let Entity::Trigger(t) = m.entity {
                if let Some(sub) = kb.triggers[t].sub_event_type {
                    out.push(EntityMention {
                        kind: "trigger".into(),
                        id: sub.as_str().to_string(),
                        span: doc.span(m.range.clone()),
                    });
                }
            }
        }
        out.sort_by_key(|m| m.span.start);
        out
    }

    /// `requires`: one of these words within `window` tokens of the trigger.
    fn requires_ok(&self, doc: &Doc, m: &Mention, ti: usize) -> bool {
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

    #[allow(clippy::too_many_arguments)]
    fn statement(
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
            Some(SubEventType::HeadquartersOrBaseEstablished | SubEventType::ChangeToGroupActivity)
        );
        let mut actors = if one_sided {
            in_range(&clause)
        } else {
            Vec::new()
        };
        if actors.is_empty() {
            actors = in_range(&segment);
        }
        if actors.is_empty() {
            actors = in_range(&s.range);
        }
        if actors.is_empty() && si > 0 && doc.sentences[si - 1].para == s.para {
            actors = in_range(&doc.sentences[si - 1].range);
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

        let (place, place_fallback) = geo::statement_place(doc, si, &clause, &segment, start);
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
        let definite = !trig.verbal
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

    fn date_cue(&self, doc: &Doc, r: Range<usize>) -> Option<(Range<usize>, usize)> {
        doc.cues_in(r).find_map(|(m, k)| match (k, m.entity) {
            (CueKind::DateRelative, Entity::Cue(c)) => Some((m.range.clone(), c)),
            _ => None,
        })
    }

    /// Sum of the counts following the cue words of `kind` ("مقتل 3 عناصر ... ومقتل عنصرين").
    fn count_after(
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

    fn stance(&self, doc: &Doc, si: usize, segment: &Range<usize>, m: &Mention) -> Stance {
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
    fn cited_source(&self, doc: &Doc, si: usize, segment: &Range<usize>) -> Option<Range<usize>> {
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
    fn source_phrase(&self, doc: &Doc, head: Range<usize>) -> Range<usize> {
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
    fn apply_denials(&self, doc: &Doc, statements: &mut Vec<Statement>) {
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
    fn source_phrase_before(&self, doc: &Doc, from: usize, to: usize) -> Option<Range<usize>> {
        let t = doc.text();
        let r = from..to;
        let trimmed = t[r.clone()].trim_end_matches([' ', ',']);
        (!trimmed.trim().is_empty()).then(|| from..from + trimmed.len())
    }

    /// Same kind of happening: same sub-event type and frame class.
    fn same_kind(&self, a: &Statement, b: &Statement) -> bool {
        let ta = &self.kb.triggers[a.trigger];
        let tb = &self.kb.triggers[b.trigger];
        ta.sub_event_type == tb.sub_event_type
            && (frame_class(&ta.frame) == frame_class(&tb.frame)
                || GENERIC_FRAMES.contains(&ta.frame.as_str())
                || GENERIC_FRAMES.contains(&tb.frame.as_str()))
    }

    /// Two statements of the same kind can be one happening: their actors overlap (or one
    /// names none) and their places are compatible (or one has none).
    fn compatible(&self, doc: &Doc, a: &Statement, b: &Statement) -> bool {
        if !self.same_kind(a, b) {
            return false;
        }
        let actors_ok = self.actors_compatible(doc, a, b);
        // Two statements with their own verbs and different subjects are two happenings
        // ("قصفت قوات النظام ... واستهدفت فصائل المعارضة ...").
        let subject = |s: &Statement| s.actors.first().map(|&i| doc.actors[i].family);
        let subjects_ok = !(a.verbal && b.verbal)
            || match (subject(a), subject(b)) {
                (Some(x), Some(y)) => x == y,
                _ => true,
            };
        actors_ok && subjects_ok && self.places_compatible(doc, a, b)
    }

    /// Their actors overlap by family, or one names none (civilians do not count). Compared pair
    /// by pair without collecting the families: statements name few actors, and this runs for
    /// many statement pairs.
    fn actors_compatible(&self, doc: &Doc, a: &Statement, b: &Statement) -> bool {
        fn fams<'d>(doc: &'d Doc, s: &'d Statement) -> impl Iterator<Item = &'d str> + 'd {
            s.actors
                .iter()
                .map(|&i| &doc.actors[i])
                .filter(|m| !m.civilian_family)
                .map(|m| m.family)
        }
        if fams(doc, a).next().is_none() || fams(doc, b).next().is_none() {
            return true;
        }
        fams(doc, a).any(|x| fams(doc, b).any(|y| y == x))
    }

    /// An air strike and a missile or shell attack told at the same named place by the same
    /// attacker are one bombardment told with other words ("غارة إسرائيلية" ... "صواريخ
    /// إسرائيلية"): the later telling joins the first.
    fn same_bombardment(&self, doc: &Doc, a: &Statement, b: &Statement) -> bool {
        let remote = |s: &Statement| {
            matches!(
                self.kb.triggers[s.trigger].sub_event_type,
                Some(SubEventType::AirDroneStrike | SubEventType::ShellingArtilleryMissileAttack)
            )
        };
        let placed = |s: &Statement| s.place.is_some() && !s.place_fallback;
        remote(a)
            && remote(b)
            && placed(a)
            && placed(b)
            && self.actors_compatible(doc, a, b)
            && a.actors
                .iter()
                .chain(&b.actors)
                .any(|&i| !doc.actors[i].civilian_family)
    }

    /// Both name the same gazetteer place, or one names none of its own.
    fn same_place(&self, doc: &Doc, a: &Statement, b: &Statement) -> bool {
        match (
            a.place.filter(|_| !a.place_fallback),
            b.place.filter(|_| !b.place_fallback),
        ) {
            (Some(pa), Some(pb)) => geo::same_name(doc, pa, pb),
            _ => true,
        }
    }

    fn places_compatible(&self, doc: &Doc, a: &Statement, b: &Statement) -> bool {
        match (
            a.place.filter(|_| !a.place_fallback),
            b.place.filter(|_| !b.place_fallback),
        ) {
            // Two statements told with their own verbs are two happenings unless their places
            // agree; a vague region only rules nothing out for a noun that refers back.
            (Some(pa), Some(pb)) => geo::compatible(doc, pa, pb, !(a.verbal && b.verbal)),
            _ => true,
        }
    }

    /// Groups statements of the same happening (indexes into `statements`): body statements in
    /// text order, then denials (joining what they deny), then headlines (joining the body
    /// statement of the same kind, or standing alone when the body never states it).
    fn merge(&self, doc: &Doc, statements: &[Statement]) -> Vec<Vec<usize>> {
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut order: Vec<usize> = (0..statements.len()).collect();
        order.sort_by_key(|&i| {
            let s = &statements[i];
            (
                s.headline as u8 * 2 + s.denies.is_some() as u8,
                s.range.start,
            )
        });
        for i in order {
            let st = &statements[i];
            // Only the most recent groups and members are compared: a report refers back a
            // few paragraphs, not a thousand, and this keeps merging linear in long inputs.
            let lo = groups.len().saturating_sub(RECENT_GROUPS);
            let same_kind_groups = |groups: &Vec<Vec<usize>>| -> Vec<usize> {
                (lo..groups.len())
                    .filter(|&g| {
                        groups[g]
                            .iter()
                            .rev()
                            .take(RECENT_MEMBERS)
                            .any(|&j| self.same_kind(&statements[j], st))
                    })
                    .collect()
            };
            let target = if let Some(d) = st.denies {
                groups.iter().position(|g| g.contains(&d))
            } else if st.headline {
                same_kind_groups(&groups).first().copied()
            } else if st.definite {
                // "الهدنة": the truce already told; with none told, a state of affairs
                // ("في ظروف المعارك") unless the phrase carries its own count or date.
                let antecedent = same_kind_groups(&groups).into_iter().rev().find(|&g| {
                    groups[g].iter().rev().take(RECENT_MEMBERS).all(|&j| {
                        self.places_compatible(doc, &statements[j], st)
                            && self.actors_compatible(doc, &statements[j], st)
                    })
                });
                // "استهدفت الفصائل بالقذائف مدينة X": its own actors and its own place in
                // its own clause make it a new telling, not a reference.
                let inside =
                    |r: &Range<usize>| r.start >= st.clause.start && r.end <= st.clause.end;
                let own_place = st
                    .place
                    .is_some_and(|p| !st.place_fallback && inside(&doc.places[p].range));
                let own_actors = st.actors.iter().any(|&a| inside(&doc.actors[a].range));
                // "المعارك الخاطفة التي يخوضها ...": a description, whatever it names.
                let described = doc
                    .cues_in(st.range.end..(st.range.end + 40).min(st.clause.end))
                    .any(|(c, k)| {
                        k == CueKind::Relative
                            && doc.tokens_in(st.range.end..c.range.start).count() <= 2
                    });
                let own_facts = own_place && own_actors && !described
                    || st.killed.as_ref().is_some_and(|k| {
                        k.2.iter()
                            .any(|r| r.start >= st.clause.start && r.end <= st.clause.end)
                    })
                    || self.date_cue(doc, st.clause.clone()).is_some();
                match antecedent {
                    Some(g) => Some(g),
                    None if !own_facts => continue,
                    None => None,
                }
            } else {
                // Same segment, same kind: one happening told with two trigger words.
                (lo..groups.len())
                    .find(|&g| {
                        groups[g].iter().rev().take(RECENT_MEMBERS).any(|&j| {
                            statements[j].segment == st.segment
                                && self.same_kind(&statements[j], st)
                                && self.places_compatible(doc, &statements[j], st)
                        })
                    })
                    .or_else(|| {
                        // Another sentence tells the same happening only at the same place (or
                        // without a place of its own): "ريف حلب" and a village in it are two
                        // events when each sentence names its own.
                        (lo..groups.len()).rev().find(|&g| {
                            groups[g].iter().rev().take(RECENT_MEMBERS).all(|&j| {
                                let other = &statements[j];
                                (self.compatible(doc, other, st)
                                    || self.same_bombardment(doc, other, st))
                                    && self.same_place(doc, other, st)
                            })
                        })
                    })
            };
            match target {
                Some(g) => groups[g].push(i),
                None => groups.push(vec![i]),
            }
        }
        groups
    }

    fn score(&self, st: &Statement) -> i32 {
        let mut s = 0;
        if st.verbal {
            s += 2;
        }
        let trig = &self.kb.triggers[st.trigger];
        let counted = if trig.is(SubEventType::Arrests) {
            st.count.is_some()
        } else {
            st.killed.is_some()
        };
        if counted {
            s += 2;
        }
        if st.place.is_some() && !st.place_fallback {
            s += 1;
        }
        if st.date.is_some() {
            s += 1;
        }
        if st.between.is_some() {
            s += 1;
        }
        s += st.actors.len().min(2) as i32;
        if st.definite {
            s -= 1;
        }
        if st.headline {
            s -= 10;
        }
        if st.stance == Stance::Denied {
            s -= 20;
        }
        s
    }

    #[allow(clippy::too_many_arguments)]
    fn event(
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
        let best_i = *group.iter().max_by_key(|&&i| {
            (
                self.score(&statements[i]) + i32::from(Some(i) == first),
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
        // Who took the place is the first side.
        if trig.frame == "takeover" {
            if let Some(t) = self.taker(doc, best) {
                actor_idx.retain(|&a| a != t);
                actor_idx.insert(0, t);
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
    fn taker(&self, doc: &Doc, st: &Statement) -> Option<usize> {
        let kb = &self.kb;
        let s = &doc.sentences[st.sentence];
        let t = doc.text();
        // The side a place is taken from or with is a prepositional object ("طرد التنظيم من",
        // "بعد معارك مع قوات النظام", "بدعم من"), not the subject.
        let object_of_preposition = |r: &Range<usize>| {
            let before = t[..r.start].trim_end();
            let last = before.rsplit(' ').next().unwrap_or("");
            matches!(
                last,
                "من" | "مع"
                    | "ضد"
                    | "عن"
                    | "على"
                    | "لصالح"
                    | "بين"
                    | "لدى"
                    | "يد"
                    | "بيد"
            ) || t[..r.start].ends_with('ل') && !t[..r.start].ends_with(' ')
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

    /// A place taken: by fighting unless the sentence says otherwise, and then typed by who
    /// took it (the first side named): the government or its allies regain territory, anyone
    /// else is a non-state actor overtaking it.
    fn territory_type(
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
    fn roles(
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
        let aref = |i: usize| -> ActorRef {
            let a = &doc.actors[i];
            ActorRef {
                id: kb.actors[a.actor].id.clone(),
                name: kb.actors[a.actor].name.clone(),
                evidence: Some(doc.span(a.range.clone())),
                kind: kb.actors[a.actor].kind,
            }
        };
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
        if a1.is_none() && violent {
            if let Some(u) = self.unidentified {
                a1 = Some(ActorRef {
                    id: kb.actors[u].id.clone(),
                    name: kb.actors[u].name.clone(),
                    evidence: None,
                    kind: kb.actors[u].kind,
                });
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

    #[allow(clippy::too_many_arguments)]
    fn truce(
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

/// How many of the latest event groups, and of their latest statements, a new statement is
/// compared with when merging.
const RECENT_GROUPS: usize = 48;
const RECENT_MEMBERS: usize = 16;

/// Frames that tell the same kind of happening (a truce is an agreement).
fn frame_class(frame: &str) -> &str {
    match frame {
        "truce" | "agreement" | "settlement" => "agreement",
        "surrender" | "arrest" => "arrest",
        f => f,
    }
}

/// Frames too vague to keep two statements apart ("انفجار", "مداهمة").
const GENERIC_FRAMES: &[&str] = &["explosion", "raid", "clash"];

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
