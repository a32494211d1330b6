//! Statements (one per trigger) and their merging into events. `filters` says which trigger
//! words tell no event here; `statement` reads one trigger with its place, actors, figures,
//! date, stance and source; `merge` groups statements of one happening; `event` codes a group
//! as an ACLED event (type by who takes a place, roles, truces).

use std::ops::Range;

use marsad_ingest::Document;
use marsad_kb::{CueKind, Entity, KnowledgeBase, SubEventType};

use crate::dates::{self};
use crate::doc::Doc;
use crate::geo;
use crate::model::*;

/// Codes documents against a knowledge base. Cheap to share across threads.
pub struct Extractor {
    kb: KnowledgeBase,
    unidentified: Option<usize>,
    /// The civilians' actor: the side hit by a strike whose dead are not named as fighters.
    civilians: Option<usize>,
    attack_trigger: Option<usize>,
    air_trigger: Option<usize>,
    /// The learned filter run over the finished events, when asked for (see
    /// [`crate::EventFilter`]).
    filter: Option<crate::EventFilter>,
}

/// The longest sentence or segment (in words) taken whole as an event's evidence.
const EVIDENCE_WORDS: usize = 60;

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
        let civilians = kb.actors.iter().position(|a| a.id == "civilians");
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
            civilians,
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
        // Read once: the trigger loop below would otherwise look the variable up per trigger.
        let debug = std::env::var_os("MARSAD_DEBUG").is_some();
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
            if debug {
                eprintln!(
                    "[{}] trigger «{}» {:?}",
                    doc.id,
                    &doc.text()[m.range.clone()],
                    trig.sub_event_type
                );
            }
            if !self.requires_ok(&doc, m, ti) {
                if debug {
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
            // Headlines run together (a link list or ticker scraped as one line), items of a
            // list page and page furniture: no report.
            if s.glued || s.list_item {
                if debug {
                    eprintln!(
                        "[{}] skip «{}»: glued headlines or list item",
                        doc.id,
                        &doc.text()[m.range.clone()]
                    );
                }
                continue;
            }
            // A photo caption scraped into the text runs up to its credit: "غارة سابقة للطيران
            // الروسي على مدينة عندان ( رويترز - أرشيف ) قال مراسل ...".
            if self.in_caption(&doc, si, m) {
                if debug {
                    eprintln!(
                        "[{}] skip «{}»: caption",
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
                if debug {
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
        // "وكان المعارضون استولوا على مطار مرج السلطان ... كما استولوا على مطار تفتناز": a verb
        // whose subject is only its pronoun refers to the actors of the statement before it in
        // its own sentence or the one before (scraped pages put every sentence on a line of
        // its own, so a paragraph is no better bound).
        for i in 1..statements.len() {
            let (done, rest) = statements.split_at_mut(i);
            let st = &mut rest[0];
            if !st.actors.is_empty() || !st.verbal {
                continue;
            }
            // "انفجرت عبوة ناسفة", "انفجر لغم": an explosion verb is intransitive, its subject is
            // the device, not a pronoun for the actors told before.
            if merge::is_device_frame(&kb.triggers[st.trigger].frame) {
                continue;
            }
            if let Some(prev) = done
                .iter()
                .rev()
                .find(|p| !p.actors.is_empty() && p.sentence + 1 >= st.sentence)
            {
                st.actors = prev.actors.clone();
            }
        }
        // "سيطرت على X بعد اشتباكات مع ...": fighting told as a noun after a takeover in its
        // sentence is that takeover (the codebook's "بعد معارك/اشتباكات is the same event").
        // Not when the fighting has a place of its own outside the takeover's clause ("ففي الغرب
        // استولت على جبل عقيل , وفي الشمال الشرقي شنت ... هجمات ... في بلدتي قباسين وبزاعة").
        let takeovers: Vec<(usize, usize, Range<usize>, Option<usize>)> = statements
            .iter()
            .filter(|st| kb.triggers[st.trigger].frame == "takeover")
            .map(|st| (st.sentence, st.range.start, st.clause.clone(), st.place))
            .collect();
        statements.retain(|st| {
            let trig = &kb.triggers[st.trigger];
            let own_place = |clause: &Range<usize>, place: Option<usize>| {
                st.place.is_some_and(|p| {
                    !st.place_fallback
                        && Some(p) != place
                        && doc.places[p].range.start >= st.clause.start
                        && doc.places[p].range.start >= clause.end
                })
            };
            trig.frame != "clash"
                || trig.verbal
                || !takeovers.iter().any(|(si, at, clause, place)| {
                    *si == st.sentence && *at < st.range.start && !own_place(clause, *place)
                })
        });
        // "توغلت القوات التركية ... واستولت على جبل عقيل": forces moving in, then taking a place
        // in the same sentence, is the takeover, not a deployment beside it.
        statements.retain(|st| {
            kb.triggers[st.trigger].frame != "deployment"
                || !takeovers
                    .iter()
                    .any(|&(si, at, _, _)| si == st.sentence && at > st.range.start)
        });
        // "دارت اشتباكات ... وسط قصف مدفعي", "الاشتباكات ترافقت مع قصف مكثف بين الجانبين": a
        // bombardment told as what went with a clash before it in the sentence is that clash,
        // unless its clause names a place or an actor of its own (codebook).
        let clashes: Vec<(usize, usize, Option<usize>)> = statements
            .iter()
            .filter(|st| kb.triggers[st.trigger].frame == "clash")
            .map(|st| (st.sentence, st.range.end, st.place))
            .collect();
        statements.retain(|st| {
            let frame = kb.triggers[st.trigger].frame.as_str();
            if frame != "shelling" && frame != "airstrike" {
                return true;
            }
            let start = st.range.start;
            if doc.cue_before(start, CueKind::Accompaniment, 1).is_none() {
                return true;
            }
            let own_actor = doc
                .actor_indices(&(start..st.clause.end))
                .any(|a| !doc.actors[a].civilian_family);
            !clashes.iter().any(|&(si, end, place)| {
                si == st.sentence
                    && end <= start
                    && !own_actor
                    && (st.place_fallback
                        || st.place.is_none()
                        || st.place == place
                        || st.place.is_some_and(|p| doc.places[p].range.start < start))
            })
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
                // "هاجم التنظيم منزلا لضابط", "هجوم مسلحين على حافلة تقل مدنيين": a civilian
                // building or vehicle hit right after the assault word.
                let hits_civilians = || {
                    doc.cues_in(st.range.end..st.clause.end).any(|(c, k)| {
                        k == CueKind::CivilianTarget
                            && doc.tokens_in(st.range.end..c.range.start).count() <= 6
                    })
                };
                if (first.is_none() || one_side) && (civilians || hits_civilians()) {
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
        // word in a segment that names aircraft is the air strike, also in a clause that goes on
        // with the same subject ("شن الطيران الروسي سبع غارات على الرهجان، وقصف قرية أبو حية").
        // An armed force named with "الجوية" after it ("قوات الأسد الجوية") is its air force; a
        // force that strikes only from the air (`air_power`, the US-led coalition) too.
        let air_force = |segment: &Range<usize>| {
            let t = doc.text();
            doc.actor_indices(segment).any(|a| {
                kb.actors[doc.actors[a].actor].air_power
                    || t[doc.actors[a].range.end..]
                        .trim_start_matches(' ')
                        .starts_with("الجويه")
            })
        };
        if let Some(air) = self.air_trigger {
            for st in statements.iter_mut() {
                let trig = &kb.triggers[st.trigger];
                if trig.frame == "shelling"
                    && !trig.phrase.contains(' ')
                    && (doc
                        .cues_in(st.segment.clone())
                        .any(|(_, k)| k == CueKind::Aircraft)
                        || air_force(&st.segment))
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
            let sentence = &doc.sentences[st.sentence].range;
            // The statement's place may be any item of the list ("استهدفت مدينة دوما وبلدتي سقبا
            // وعين ترما بالأسلحة الثقيلة" is read at the last): the list runs from its first item.
            // Places are in text order: those of the sentence start at a binary search.
            let first = doc
                .places
                .partition_point(|q| q.range.start < sentence.start);
            let head = (first.min(p)..p)
                .find(|&q| geo::coordinated(&doc, q, sentence).contains(&p))
                .unwrap_or(p);
            let mut others = geo::coordinated(&doc, head, sentence);
            if head != p {
                others.retain(|&q| q != p);
                others.insert(0, head);
            }
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
                // The evidence names the place it is about: a list that runs past the
                // trigger's clause ("..., وأطراف بلدة أوتايا، ومدينة دوما") is read to its item.
                let phrase = &doc.places[q].phrase;
                copy.evidence.start = copy.evidence.start.min(phrase.start);
                copy.evidence.end = copy.evidence.end.max(phrase.end);
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
        // One clause gives one event per place: "قصف جوي ومدفعي", "50 غارة جوية و 250 قذيفة
        // استهدفت ..." is an Air/drone strike, not a shelling beside it (codebook).
        let sub = |s: &Statement| self.kb.triggers[s.trigger].sub_event_type;
        let air: Vec<(usize, usize)> = statements
            .iter()
            .filter(|s| sub(s) == Some(SubEventType::AirDroneStrike))
            .filter_map(|s| Some((s.sentence, s.place?)))
            .collect();
        statements.retain(|s| {
            sub(s) != Some(SubEventType::ShellingArtilleryMissileAttack)
                || !s.place.is_some_and(|p| air.contains(&(s.sentence, p)))
        });
        // The events of one trigger at listed places come out in the order of the list.
        statements.sort_by_key(|s| {
            let place = s.place.map_or(0, |p| doc.places[p].range.start);
            (s.range.start, place)
        });
        self.apply_denials(&doc, &mut statements);

        // The day each statement's sentence writes out, if any: two days are two happenings.
        // The report's own date is the dateline's ("اليوم الجمعة 1 ديسمبر 2017"), not a day told.
        let written: Vec<Option<chrono::NaiveDate>> = statements
            .iter()
            .map(|s| {
                doc_date
                    .written_in(&doc.sentences[s.sentence].range)
                    .filter(|d| Some(*d) != doc_date.date)
            })
            .collect();
        let groups = self.merge(&doc, &statements, &written);
        if debug {
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
        drop_subsumed_clashes(&mut events, &mut best);
        tellings::drop_second_tellings(&mut events, &mut best);
        drop_stray_abroad(&doc, &statements, &mut events, &mut best);
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
}

/// ACLED codes one event per type, place and day, and a clash or a killing done with shells,
/// aircraft or bombs is coded as that: an Armed clash or Attack told by the same statement at
/// the same place as such an event ("قتلوا ... في تفجير انتحاري", "قضى 4 جراء القصف الروسي")
/// is the same happening read twice.
/// A page about Syria that names a foreign country (or its places) in one sentence only carries
/// a related-news item or a passing comparison there ("خمسة قتلى في هجوم على فندق ... وسط كابول"
/// glued under a report from Idlib), not a report of its own: its events are dropped. An article
/// about the war abroad names that country again and again, and keeps them.
fn drop_stray_abroad(
    doc: &Doc,
    statements: &[Statement],
    events: &mut Vec<Event>,
    best: &mut Vec<(usize, usize)>,
) {
    let kb = doc.kb;
    let sentences_naming = |country: &str| {
        let mut s: Vec<usize> = doc
            .places
            .iter()
            .filter(|p| {
                !p.unlisted
                    && p.candidates
                        .iter()
                        .any(|&c| kb.places[c].country == country)
            })
            .filter_map(|p| doc.sentence_of(p.range.start))
            .collect();
        s.dedup();
        s.len()
    };
    let syrian = sentences_naming("SY");
    if syrian < 3 {
        return;
    }
    let keep: Vec<bool> = events
        .iter()
        .zip(best.iter())
        .map(|(e, &(b, _))| {
            let Some(country) = e.location.as_ref().map(|l| l.country.as_str()) else {
                return true;
            };
            country == "SY"
                || country.is_empty()
                || statements[b].headline
                || sentences_naming(country) >= 2
        })
        .collect();
    let mut k = keep.iter();
    events.retain(|_| *k.next().unwrap_or(&true));
    let mut k = keep.iter();
    best.retain(|_| *k.next().unwrap_or(&true));
}

fn drop_subsumed_clashes(events: &mut Vec<Event>, best: &mut Vec<(usize, usize)>) {
    use SubEventType::*;
    let sub = |e: &Event| e.sub_event_type.parse::<SubEventType>().ok();
    let place = |e: &Event| e.location.as_ref().map(|l| l.name_ar.clone());
    let keep: Vec<bool> = events
        .iter()
        .map(|e| {
            !matches!(sub(e), Some(ArmedClash | Attack))
                || !events.iter().any(|o| {
                    o.evidence.start == e.evidence.start
                        && place(o) == place(e)
                        && matches!(
                            sub(o),
                            Some(
                                AirDroneStrike
                                    | ShellingArtilleryMissileAttack
                                    | RemoteExplosiveLandmineIed
                                    | SuicideBomb
                                    | Grenade
                                    | ChemicalWeapon
                            )
                        )
                })
        })
        .collect();
    let mut k = keep.iter();
    events.retain(|_| *k.next().unwrap_or(&true));
    let mut k = keep.iter();
    best.retain(|_| *k.next().unwrap_or(&true));
}

mod event;
mod filters;
mod merge;
mod statement;
mod tellings;
