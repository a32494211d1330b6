//! Statements of one happening grouped into one event.

use std::ops::Range;

use marsad_kb::{CueKind, SubEventType};

use crate::doc::Doc;
use crate::geo;
use crate::model::*;

use super::{Extractor, Statement};

impl Extractor {
    /// Same kind of happening: same sub-event type and frame class.
    pub(super) fn same_kind(&self, a: &Statement, b: &Statement) -> bool {
        let ta = &self.kb.triggers[a.trigger];
        let tb = &self.kb.triggers[b.trigger];
        ta.sub_event_type == tb.sub_event_type
            && (frame_class(&ta.frame) == frame_class(&tb.frame)
                || GENERIC_FRAMES.contains(&ta.frame.as_str())
                || GENERIC_FRAMES.contains(&tb.frame.as_str()))
    }

    /// Two statements of the same kind can be one happening: their actors overlap (or one
    /// names none) and their places are compatible (or one has none).
    pub(super) fn compatible(&self, doc: &Doc, a: &Statement, b: &Statement) -> bool {
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
    pub(super) fn actors_compatible(&self, doc: &Doc, a: &Statement, b: &Statement) -> bool {
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
    pub(super) fn same_bombardment(&self, doc: &Doc, a: &Statement, b: &Statement) -> bool {
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
    pub(super) fn same_place(&self, doc: &Doc, a: &Statement, b: &Statement) -> bool {
        match (
            a.place.filter(|_| !a.place_fallback),
            b.place.filter(|_| !b.place_fallback),
        ) {
            (Some(pa), Some(pb)) => geo::same_name(doc, pa, pb),
            _ => true,
        }
    }

    pub(super) fn places_compatible(&self, doc: &Doc, a: &Statement, b: &Statement) -> bool {
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
    /// `written[i]`: the full date written in statement `i`'s sentence ("في 22 سبتمبر 2016").
    /// Statements whose sentences write different days are never one happening (a timeline's
    /// items: "القيارة : في 9 يوليو 2016 ..." then "الشرقاط : ... في 22 سبتمبر 2016").
    pub(super) fn merge(
        &self,
        doc: &Doc,
        statements: &[Statement],
        written: &[Option<chrono::NaiveDate>],
    ) -> Vec<Vec<usize>> {
        let same_day = |a: usize, b: usize| match (written[a], written[b]) {
            (Some(x), Some(y)) => x == y,
            _ => true,
        };
        // An aircraft word that needs a verb beside it (`requires`): the doer of an air strike.
        let agent = |st: &Statement| {
            let trig = &self.kb.triggers[st.trigger];
            !trig.requires.is_empty() && matches!(trig.frame.as_str(), "airstrike" | "drone")
        };
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
                            && same_day(j, i)
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
                    || self.date_cue(doc, st.clause.clone()).is_some()
                    || written[i].is_some()
                    // "استهدفت الطائرات الحربية مدينة تدمر" with no air strike told before: the
                    // aircraft is the doer of the verb its trigger requires, not a reference back.
                    || own_place && agent(st) && same_kind_groups(&groups).is_empty();
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
                                    && same_day(j, i)
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

    pub(super) fn score(&self, st: &Statement) -> i32 {
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
}
/// How many of the latest event groups, and of their latest statements, a new statement is
/// compared with when merging.
const RECENT_GROUPS: usize = 48;
const RECENT_MEMBERS: usize = 16;

/// Frames that tell the same kind of happening (a truce is an agreement).
pub(super) fn frame_class(frame: &str) -> &str {
    match frame {
        "truce" | "agreement" | "settlement" => "agreement",
        "surrender" | "arrest" => "arrest",
        f => f,
    }
}

/// Frames of a device planted or set off ("عبوة ناسفة", "لغم", "انفجار", "سيارة مفخخة"): its
/// sides are read from its own segment, not from the actors told before.
pub(super) fn is_device_frame(frame: &str) -> bool {
    matches!(
        frame,
        "ied" | "landmine" | "explosion" | "blast" | "car_bomb"
    )
}

/// Frames too vague to keep two statements apart ("انفجار", "مداهمة").
pub(super) const GENERIC_FRAMES: &[&str] = &["explosion", "blast", "raid", "clash"];
