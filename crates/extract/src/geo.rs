//! Places: which place mention an event belongs to, which gazetteer row a name means, and the
//! ACLED location fields with geo precision.

use std::ops::Range;

use marsad_kb::{CueKind, KnowledgeBase, PlaceKind};
use marsad_text::TokenKind;
use rustc_hash::FxHashMap;

use crate::doc::{is_direction, Doc, PlaceMention};
use crate::model::Location;

/// The place of a statement: its clause's, else its segment's, else its sentence's (nearest to
/// the trigger, after it first), else a destination in the sentence, else the last place of the
/// sentence before in the same paragraph (returned with `fallback = true`). No place at or after
/// `stop` (the trigger of another kind of happening) is taken.
pub fn statement_place(
    doc: &Doc,
    si: usize,
    clause: &Range<usize>,
    segment: &Range<usize>,
    trigger: usize,
    stop: usize,
) -> (Option<usize>, bool) {
    let s = &doc.sentences[si];
    let kb = doc.kb;
    let vague = |p: &PlaceMention| is_vague(kb, p);
    let pick = |r: &Range<usize>, allow_vague: bool| -> Option<usize> {
        let inside = |p: &PlaceMention| {
            p.phrase.start >= r.start
                && p.range.end <= r.end
                && !p.elsewhere()
                && (allow_vague || !vague(p))
        };
        let mut span = doc.place_indices(r);
        // A place after another happening's trigger (`stop`) is not this one's.
        let after = span.clone().find(|&i| {
            inside(&doc.places[i]) && (trigger..stop).contains(&doc.places[i].range.start)
        });
        let before = span.rfind(|&i| inside(&doc.places[i]) && doc.places[i].range.start < trigger);
        // The nearer of the two; the one after wins ties ("قصف ... على بلدة X").
        match (after, before) {
            (Some(a), Some(b)) => {
                let da = doc.places[a].phrase.start.saturating_sub(trigger);
                let db = trigger.saturating_sub(doc.places[b].range.end);
                Some(if db < da { b } else { a })
            }
            (a, b) => a.or(b),
        }
    };
    // A named town or admin unit first, in the clause, segment, sentence, then the sentences
    // just before; a vague region or the country ("شرق الفرات", "سوريا") comes last, after the
    // document's main place (see `Extractor::event`), so it is returned as a fallback.
    for r in [clause, segment, &s.range] {
        if let Some(p) = pick(r, false) {
            let p = most_precise(doc, p, trigger, &s.range);
            return (Some(within_city(doc, p)), false);
        }
    }
    for back in 1..=2 {
        let Some(j) = si.checked_sub(back) else { break };
        if doc.sentences[j].headline {
            break;
        }
        let prev = &doc.sentences[j].range;
        if let Some(p) = doc
            .places
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                p.range.start >= prev.start
                    && p.range.end <= prev.end
                    && !p.elsewhere()
                    && !vague(p)
            })
            .max_by_key(|(i, p)| (kb.places[p.candidates[0]].kind.specificity(), *i))
            .map(|(i, _)| i)
        {
            return (Some(within_city(doc, p)), true);
        }
    }
    (None, false)
}

/// A governorate, district, countryside or region (not a town): a place that contains the
/// ones the news is about. "درعا وريفها" heading a bulletin's paragraph counts as one too.
fn is_broad(doc: &Doc, p: usize) -> bool {
    let kb = doc.kb;
    let pm = &doc.places[p];
    if pm.unlisted {
        return false;
    }
    let row = &kb.places[doc.place_rows[p]];
    pm.countryside
        || row.kind.is_admin()
        || matches!(row.kind, PlaceKind::Region | PlaceKind::Desert)
        || heading_place(doc, p)
}

/// "حلب وريفها": a city with its countryside, the label of a bulletin's section.
fn heading_place(doc: &Doc, p: usize) -> bool {
    let t = doc.text();
    let rest = t[doc.places[p].range.end..].trim_start();
    let w = rest.split(char::is_whitespace).next().unwrap_or("");
    w.starts_with("وريف")
}

/// The governorate a row belongs to (its own name for a governorate).
fn admin1_of(kb: &KnowledgeBase, row: usize) -> Option<&str> {
    let r = &kb.places[row];
    match r.kind {
        PlaceKind::Governorate => Some(r.name.as_str()),
        _ => r.admin1.as_deref(),
    }
}

/// The codebook's location is the most precise place named for the event. When the place found
/// is a broad one it may only qualify a precise place: "منطقة دارة عزة في إدلب", "قرية X بريف
/// حماة" (the broad place right after the precise one), or head a bulletin's paragraph before
/// the trigger, "درعا وريفها أصيب 5 مدنيين إثر قصف ... بلدة تسيل" (a precise place of its
/// governorate after the trigger in the sentence). Then the precise place.
fn most_precise(doc: &Doc, p: usize, trigger: usize, sentence: &Range<usize>) -> usize {
    let kb = doc.kb;
    let city =
        |q: usize| !doc.places[q].unlisted && kb.places[doc.place_rows[q]].kind == PlaceKind::City;
    let t = doc.text();
    // "بلدة مغر المير عند سفوح جبل الشيخ": a mountain whose slopes place the place before it.
    if !doc.places[p].unlisted && kb.places[doc.place_rows[p]].kind == PlaceKind::Mountain {
        if let Some(q) = p.checked_sub(1) {
            let (qm, pm) = (&doc.places[q], &doc.places[p]);
            if qm.range.end <= pm.phrase.start
                && qm.range.start >= sentence.start
                && !qm.elsewhere()
                && !is_vague(kb, qm)
                && !is_broad(doc, q)
            {
                let gap: Vec<&str> = t[qm.range.end..pm.phrase.start]
                    .split_whitespace()
                    .collect();
                let slope = |w: &str| {
                    let w = w.strip_prefix('ب').unwrap_or(w);
                    matches!(w, "سفوح" | "سفح" | "السفوح" | "السفح")
                };
                if gap.iter().any(|w| slope(w))
                    && gap.len() <= 3
                    && gap
                        .iter()
                        .all(|w| slope(w) || matches!(*w, "عند" | "على" | "علي" | "في"))
                {
                    return q;
                }
            }
        }
    }
    if !is_broad(doc, p) && !city(p) {
        return p;
    }
    let precise = |q: usize| {
        let qm = &doc.places[q];
        qm.range.start >= sentence.start
            && qm.range.end <= sentence.end
            && !qm.elsewhere()
            && !is_vague(kb, qm)
            && (!is_broad(doc, q)
                // "منطقة دارة عزة": a sub-district named after its town is the town.
                || !qm.countryside
                    && kb.places[doc.place_rows[q]].kind == PlaceKind::Subdistrict
                    && qm.candidates.iter().any(|&c| {
                        matches!(kb.places[c].kind, PlaceKind::Town | PlaceKind::City)
                    }))
    };
    let pm = &doc.places[p];
    if let Some(q) = p.checked_sub(1) {
        let qm = &doc.places[q];
        // "حي الوعر في حمص", "منطقة دارة عزة في إدلب": a city qualifies too.
        if precise(q) && !city(q) && qm.range.end <= pm.phrase.start {
            let gap = t[qm.range.end..pm.phrase.start].trim();
            if matches!(gap, "" | "في" | "," | "،") {
                return q;
            }
        }
    }
    if pm.range.end <= trigger && is_broad(doc, p) {
        let heading = heading_place(doc, p);
        let Some(a1) = admin1_of(kb, doc.place_rows[p]) else {
            return p;
        };
        if let Some(q) = (p + 1..doc.places.len())
            .take_while(|&q| doc.places[q].range.end <= sentence.end)
            .find(|&q| {
                precise(q)
                    && doc.places[q].range.start >= trigger
                    && (heading
                        || doc.places[q].typed.is_some()
                            && doc.places[q]
                                .candidates
                                .iter()
                                .any(|&c| admin1_of(kb, c) == Some(a1)))
            })
        {
            return q;
        }
    }
    p
}

/// The places coordinated with place `p` after it in `span`, the statement's sentence ("بلدتي
/// كفرنبل وحاس", "قرى كبينة وتردين وكندة"): only "و", commas, "أو", place-type words and
/// words placing the item before stand between them. The codebook codes the same action at
/// several named places as one event per place.
pub fn coordinated(doc: &Doc, p: usize, span: &Range<usize>) -> Vec<usize> {
    let kb = doc.kb;
    let t = doc.text();
    let mut out = Vec::new();
    let mut last = p;
    for q in p + 1..doc.places.len() {
        let pq = &doc.places[q];
        if pq.range.end > span.end {
            break;
        }
        // The item before ends with its phrase: "مطار حلب المدني ومطار النيرب العسكري".
        let prev_end = doc.places[last].phrase.end;
        if pq.phrase.start < prev_end {
            continue; // nested in the previous phrase
        }
        let gap = prev_end..pq.phrase.start;
        // "اللطامنة في الريف الشمالي لحماة , وقرية الزيارة": a countryside or governorate that
        // places the item before it is not an item; the list goes on after it.
        if is_qualifier(doc, pq)
            && doc.tokens_in(gap.clone()).all(|tk| {
                let w = &t[tk.range.clone()];
                tk.kind == TokenKind::Word && matches!(w, "في" | "ب")
            })
        {
            last = q;
            continue;
        }
        let mut joined = false;
        // "على حي الجبيلة ... إضافة إلى حي الجمعيات", "فضلا عن": a further item of the list.
        // Only a short gap can hold the pair and an apposition; a long one is not scanned.
        let gap_words: Vec<&str> = doc
            .tokens_in(if gap.len() <= 160 { gap.clone() } else { 0..0 })
            .filter(|tk| tk.kind == TokenKind::Word)
            .filter(|tk| {
                !doc.cues_in(tk.range.clone())
                    .any(|(_, k)| k == CueKind::PlaceType)
            })
            .map(|tk| &t[tk.range.clone()])
            .collect();
        // The pair closes the gap; a short apposition may stand before it ("أكبر أحياء المدينة").
        // The words first: the actor and trigger checks run only for a gap that ends so.
        let in_addition = match gap_words.as_slice() {
            [before @ .., a, b] if before.len() <= 4 => {
                // The document text is normalized: "إضافة إلى" reads "اضافه الي".
                (matches!(*a, "اضافه" | "بالاضافه" | "وبالاضافه" | "واضافه") && *b == "الي"
                    || matches!(*a, "فضلا" | "علاوه") && matches!(*b, "عن" | "علي"))
                    && doc.actor_indices(&gap).next().is_none()
                    && {
                        // Triggers come in text order and are a few words long: only those
                        // starting shortly before the gap or inside it can overlap it.
                        let from = gap.start.saturating_sub(120);
                        let i = doc.triggers.partition_point(|m| m.range.start < from);
                        !doc.triggers[i..]
                            .iter()
                            .take_while(|m| m.range.start < gap.end)
                            .any(|m| m.range.end > gap.start)
                    }
            }
            _ => false,
        };
        joined |= in_addition;
        let only_joiners = in_addition
            || doc.tokens_in(gap.clone()).all(|tk| {
                let w = &t[tk.range.clone()];
                match tk.kind {
                    TokenKind::Punct => {
                        let comma = matches!(w, "،" | ",");
                        joined |= comma;
                        // "مدينة " دوما " وبلدتي " سقبا ": quoted names are listed the same way.
                        comma || matches!(w, "\"" | "'" | "«" | "»" | "“" | "”")
                    }
                    TokenKind::Number => false,
                    TokenKind::Word => {
                        // "وعلى قرى ...": the preposition repeated for the next items.
                        if matches!(w, "و" | "او" | "أو" | "وعلى" | "وعلي") {
                            joined = true;
                            return true;
                        }
                        let bare = w.strip_prefix('و').unwrap_or(w);
                        joined |= bare.len() < w.len();
                        // "وقرية", and "بالريف الجنوبي" placing the item before.
                        doc.cues_in(tk.range.clone()).any(|(c, k)| {
                            (k == CueKind::PlaceType
                                || k == CueKind::Countryside
                                || k == CueKind::Near
                                || is_direction(k))
                                && c.range.end >= tk.range.end
                        })
                    }
                }
            });
        // "وحاس": the conjunction is read as a proclitic of the name itself.
        // "وقرية مرديخ": the conjunction glued to the place word.
        let proclitic_and = t[pq.phrase.start..].starts_with('و')
            || t[..pq.range.start].ends_with('و')
                && (pq.range.start < 2
                    || !t[..pq.range.start - 'و'.len_utf8()]
                        .ends_with(|c: char| c.is_alphabetic()));
        if !only_joiners || !(joined || proclitic_and) || pq.elsewhere() || is_vague(kb, pq) {
            break;
        }
        out.push(q);
        last = q;
    }
    out
}

/// A place that only says where the place before it lies: a countryside ("بالريف الجنوبي",
/// "ريف حماة") or a governorate, district or region.
fn is_qualifier(doc: &Doc, p: &PlaceMention) -> bool {
    let kb = doc.kb;
    !p.unlisted
        && (p.countryside
            || doc
                .cues_in(p.phrase.start..p.range.start)
                .any(|(_, k)| k == CueKind::Countryside)
            || p.candidates.iter().all(|&c| {
                matches!(
                    kb.places[c].kind,
                    PlaceKind::Governorate
                        | PlaceKind::District
                        | PlaceKind::Subdistrict
                        | PlaceKind::Region
                )
            }))
}

/// A vague place of the statement's own sentence (a region without a governorate, or the
/// country), for when nothing better is known.
pub fn vague_place(doc: &Doc, si: usize) -> Option<usize> {
    let r = &doc.sentences[si].range;
    doc.places
        .iter()
        .position(|p| p.phrase.start >= r.start && p.range.end <= r.end && !p.elsewhere())
}

/// True for Syria itself, or a region or desert with no governorate ("شرق الفرات",
/// "البادية"); "ريف دير الزور الشرقي" is a region inside one governorate and is not vague. A
/// country abroad is not vague: an event there is coded to the country (its admin1).
pub fn is_vague(kb: &KnowledgeBase, p: &PlaceMention) -> bool {
    !p.unlisted
        && p.candidates.iter().all(|&c| {
            let row = &kb.places[c];
            row.kind == PlaceKind::Country && row.country == "SY"
                || matches!(row.kind, PlaceKind::Region | PlaceKind::Desert) && row.admin1.is_none()
        })
}

/// "حي الصناعة في مدينة تل أبيض": a neighbourhood name is common to many cities; when the city
/// that follows is not its own, the city is the place.
fn within_city(doc: &Doc, p: usize) -> usize {
    let kb = doc.kb;
    let pm = &doc.places[p];
    let Some(next) = doc.places.get(p + 1) else {
        return p;
    };
    if next.phrase.start.saturating_sub(pm.range.end) > 8 {
        return p;
    }
    let is_hood = pm
        .candidates
        .iter()
        .all(|&c| kb.places[c].kind == PlaceKind::Neighbourhood);
    if !is_hood {
        return p;
    }
    let city = &kb.places[next.candidates[0]];
    let inside = pm.candidates.iter().any(|&c| {
        let h = &kb.places[c];
        h.admin1 == city.admin1 && (h.admin2 == city.admin2 || city.admin2.is_none())
    });
    if inside {
        p
    } else {
        p + 1
    }
}

/// The document's main place: the one named most often, weighted towards specific places
/// (a village named twice beats "شرق الفرات" named three times); ties go to the first.
pub fn document_place(doc: &Doc, kb: &KnowledgeBase) -> Option<usize> {
    *doc.main_place.get_or_init(|| {
        // Count each resolved row once (linear), then weigh by specificity.
        let mut counts: std::collections::HashMap<usize, (usize, usize)> = Default::default();
        for (i, p) in doc.places.iter().enumerate() {
            if p.elsewhere() || is_vague(kb, p) {
                continue;
            }
            counts.entry(doc.place_rows[i]).or_insert((i, 0)).1 += 1;
        }
        counts
            .into_iter()
            .map(|(row, (first, n))| (first, n * (2 + kb.places[row].kind.specificity() as usize)))
            .max_by_key(|&(first, w)| (w, std::cmp::Reverse(first)))
            .map(|(i, _)| i)
    })
}

/// How close another place must be named to be a mention's context ("قرية X بريف حماة").
const NEAR_BYTES: usize = 150;

/// Which gazetteer row a mention means: the kind word before it ("مدينة", "ريف", "حقل"), then
/// agreement with the other places of the document, then specificity.
pub fn resolve_all(kb: &KnowledgeBase, places: &[PlaceMention]) -> Vec<usize> {
    // The governorates of the names that mean one place only: the context for the others.
    let context_admin1 = Admin1Counts::new(
        places
            .iter()
            .filter(|q| q.candidates.len() == 1)
            .filter_map(|q| kb.places[q.candidates[0]].admin1.as_deref()),
    );
    // Where the page's unambiguous Syrian places are: a name several villages share is the
    // one nearest to them.
    // A name is an anchor when it reads as one Syrian settlement or site: its only Syrian
    // row, or its only hand-checked Syrian row that is no admin unit ("التمانعة": the town,
    // not the sub-district nor a bulk namesake). Kept with its position in the text.
    let anchors: Vec<(usize, f64, f64)> = places
        .iter()
        .filter(|q| !q.unlisted)
        .filter_map(|q| {
            let checked = q
                .candidates
                .iter()
                .any(|&c| !kb.places[c].is_bulk_village());
            let mut rows = q.candidates.iter().map(|&c| &kb.places[c]).filter(|r| {
                (!checked || !r.is_bulk_village())
                    && r.country == "SY"
                    && !r.kind.is_admin()
                    && r.kind != PlaceKind::Country
            });
            let r = rows.next()?;
            if rows.next().is_some() {
                return None;
            }
            Some((q.range.start, r.lat?, r.lon?))
        })
        .collect();
    let anchors = &anchors;
    // The mentions are in text order (`Doc` sorts them): the neighbours of one lie in a window
    // found by binary search, so a page of many places is not read once per ambiguous name.
    debug_assert!(places.is_sorted_by_key(|q| q.range.start));
    let longest = places.iter().map(|q| q.range.len()).max().unwrap_or(0);
    let mut rows: Vec<usize> = places
        .iter()
        .map(|p| {
            if p.candidates.len() > 1 {
                // The places named around it weigh more than the document's: "قرية X بريف
                // حماة" is the X of Hama whatever else the page names.
                let mut ctx = context_admin1.with_near();
                let from = p.range.start.saturating_sub(NEAR_BYTES + longest);
                let to = p.range.end + NEAR_BYTES;
                let a = places.partition_point(|q| q.range.start < from);
                let b = places.partition_point(|q| q.range.start <= to);
                let window = &places[a..b.max(a)];
                for q in window {
                    if !std::ptr::eq(q, p)
                        && q.candidates.len() == 1
                        && q.range
                            .start
                            .abs_diff(p.range.end)
                            .min(p.range.start.abs_diff(q.range.end))
                            <= NEAR_BYTES
                    {
                        if let Some(a) = kb.places[q.candidates[0]].admin1.as_deref() {
                            ctx.near.push(a);
                        }
                    }
                }
                return resolve_mixed(kb, p, places, &ctx, anchors);
            }
            resolve_mixed(kb, p, places, &context_admin1, anchors)
        })
        .collect();
    // One name, one place in a page: a name read as the Syrian place once ("قريتي الإسكندرية")
    // is that place where it comes back bare (the first such reading of the name; looked up
    // once per name rather than by scanning the page for every mention).
    let abroad = |p: &PlaceMention, row: usize| !p.unlisted && kb.places[row].country != "SY";
    if !places.iter().zip(&rows).any(|(p, &row)| abroad(p, row)) {
        return rows;
    }
    let mut syrian_reading: FxHashMap<&[usize], usize> = FxHashMap::default();
    for (q, &row) in places.iter().zip(&rows) {
        if !q.unlisted && kb.places[row].country == "SY" {
            syrian_reading.entry(q.candidates.as_slice()).or_insert(row);
        }
    }
    for (p, row) in places.iter().zip(rows.iter_mut()) {
        if abroad(p, *row) {
            if let Some(&r) = syrian_reading.get(p.candidates.as_slice()) {
                *row = r;
            }
        }
    }
    rows
}

/// The governorates named in a page, as counts: `resolve` weighs a candidate by how often its
/// governorate is named, for every candidate of every ambiguous name (a list of all the names
/// made that quadratic in the page). `near` holds those named right around the mention at
/// hand, each worth 4 more.
struct Admin1Counts<'a> {
    page: Vec<(&'a str, usize)>,
    near: Vec<&'a str>,
}

impl<'a> Admin1Counts<'a> {
    fn new(names: impl Iterator<Item = &'a str>) -> Self {
        let mut page: Vec<(&str, usize)> = Vec::new();
        for a in names {
            match page.iter_mut().find(|(b, _)| *b == a) {
                Some((_, n)) => *n += 1,
                None => page.push((a, 1)),
            }
        }
        Admin1Counts {
            page,
            near: Vec::new(),
        }
    }

    fn with_near(&self) -> Self {
        Admin1Counts {
            page: self.page.clone(),
            near: Vec::new(),
        }
    }

    fn count(&self, a1: &str) -> usize {
        let page = self
            .page
            .iter()
            .find(|(b, _)| *b == a1)
            .map_or(0, |&(_, n)| n);
        page + 4 * self.near.iter().filter(|&&b| b == a1).count()
    }
}

fn resolve_mixed(
    kb: &KnowledgeBase,
    p: &PlaceMention,
    places: &[PlaceMention],
    context_admin1: &Admin1Counts,
    anchors: &[(usize, f64, f64)],
) -> usize {
    {
        {
            let syrian = |&c: &usize| kb.places[c].country == "SY";
            let mixed =
                !p.unlisted && p.candidates.iter().any(syrian) && !p.candidates.iter().all(syrian);
            if !mixed {
                return resolve(kb, p, &p.candidates, context_admin1, anchors);
            }
            // A Syrian place sharing a name abroad ("حي القدس" in Latakia, Jerusalem) is read
            // only with Syrian context: a place word that fits it and not the place abroad, or
            // a place of its governorate named nearby. Else the place abroad.
            let in_syria = syrian_context(kb, p, places);
            let keep: Vec<usize> = p
                .candidates
                .iter()
                .copied()
                .filter(|c| syrian(c) == in_syria)
                .collect();
            resolve(kb, p, &keep, context_admin1, anchors)
        }
    }
}

/// Whether mention `p`, whose name is a place in Syria and abroad, is about the place in Syria.
fn syrian_context(kb: &KnowledgeBase, p: &PlaceMention, places: &[PlaceMention]) -> bool {
    let typed = p.typed.as_deref().map(marsad_text::normalize_key);
    let fits = |c: usize| {
        typed
            .as_ref()
            .is_some_and(|t| type_bonus(t, kb.places[c].kind) > 0)
    };
    let (home, abroad): (Vec<usize>, Vec<usize>) = p
        .candidates
        .iter()
        .partition(|&&c| kb.places[c].country == "SY");
    // A quarter, village or small town is Syrian ("حي القدس", "قرية حيفا"): places abroad are
    // in the gazetteer as cities, countries and regions only.
    let small = typed.as_deref().is_some_and(|t| {
        let w = t.trim_start_matches(['و', 'ب', 'ف', 'ل']);
        ["حي", "احياء", "قري", "قرى", "بلد", "ناحي"]
            .iter()
            .any(|k| w.starts_with(k))
    });
    if home.iter().any(|&c| fits(c)) && (small || !abroad.iter().any(|&c| fits(c))) {
        return true;
    }
    places.iter().any(|q| {
        !std::ptr::eq(q, p)
            && !q.unlisted
            && q.candidates.len() == 1
            && q.range
                .start
                .abs_diff(p.range.end)
                .min(p.range.start.abs_diff(q.range.end))
                <= NEAR_BYTES
            && {
                let row = &kb.places[q.candidates[0]];
                row.country == "SY"
                    && row.admin1.is_some()
                    && home.iter().any(|&c| kb.places[c].admin1 == row.admin1)
            }
    })
}

fn resolve(
    kb: &KnowledgeBase,
    p: &PlaceMention,
    candidates: &[usize],
    context_admin1: &Admin1Counts,
    anchors: &[(usize, f64, f64)],
) -> usize {
    if candidates.len() == 1 {
        return candidates[0];
    }
    // The anchors named around the name weigh for it, the page's others only when none is
    // ("قرى الزيتونة ورسم العبد ... قرب بلدة سنجار": the Rasm al-Abd by Sinjar, though the
    // page names places of Hama too).
    const AROUND: usize = 200;
    let around = |&&(at, _, _): &&(usize, f64, f64)| {
        at.abs_diff(p.range.start).min(at.abs_diff(p.range.end)) <= AROUND
    };
    let near: Vec<(f64, f64)> = if !candidates.iter().any(|&c| kb.places[c].is_bulk_village()) {
        Vec::new()
    } else if anchors.iter().any(|a| around(&a)) {
        anchors
            .iter()
            .filter(around)
            .map(|&(_, a, b)| (a, b))
            .collect()
    } else {
        anchors.iter().map(|&(_, a, b)| (a, b)).collect()
    };
    let typed = p.typed.as_deref().map(marsad_text::normalize_key);
    let score = |&i: &usize| -> i64 {
        let place = &kb.places[i];
        let mut s: i64 = 0;
        if p.countryside {
            // "ريف X" is the countryside of an admin unit or a town: prefer the largest unit.
            s += match place.kind {
                PlaceKind::Governorate => 30,
                PlaceKind::District => 20,
                PlaceKind::City | PlaceKind::Town => 10,
                _ => 0,
            };
        } else {
            s += place.kind.specificity() as i64;
            if let Some(t) = &typed {
                s += type_bonus(t, place.kind);
            }
        }
        if let Some(a1) = &place.admin1 {
            s += 5 * context_admin1.count(a1) as i64;
        }
        if place.country == "SY" {
            s += 3;
        }
        if place.lat.is_some() {
            s += 1;
        }
        // Villages of one name: the nearest to the page's other places (up to 20 points at
        // 0 km, none from 200 km).
        if place.is_bulk_village() {
            if let (Some(lat), Some(lon)) = (place.lat, place.lon) {
                let km = near
                    .iter()
                    .map(|&(a, b)| km_between(lat, lon, a, b))
                    .fold(f64::INFINITY, f64::min);
                if km.is_finite() {
                    s += (20.0 - km / 10.0).max(0.0) as i64;
                }
            }
        }
        s
    };
    // A bulk village (villages.csv) sharing its name with a hand-checked row is read only when
    // the place word before the name fits the village and none of the hand-checked rows
    // ("قرية حلب" may be a village; "حلب" is the city): whatever else the scores say.
    let fits = |i: usize| {
        typed
            .as_ref()
            .is_some_and(|t| type_bonus(t, kb.places[i].kind) > 0)
    };
    let checked_fits = p
        .candidates
        .iter()
        .any(|&i| !kb.places[i].is_bulk_village() && fits(i));
    let has_checked = p
        .candidates
        .iter()
        .any(|&i| !kb.places[i].is_bulk_village());
    let tier = |i: usize| {
        let bulk = kb.places[i].is_bulk_village();
        !bulk || !has_checked || (fits(i) && !checked_fits)
    };
    // Ties among bulk villages go to the first (load order: the most populous first); among
    // the other rows to the last, as before.
    let tie = |k: usize, i: usize| {
        if kb.places[i].is_bulk_village() {
            -(k as i64)
        } else {
            k as i64
        }
    };
    candidates
        .iter()
        .enumerate()
        .max_by_key(|&(k, &i)| (tier(i), score(&i), tie(k, i)))
        .map_or(candidates[0], |(_, &i)| i)
}

/// Distance in km (equirectangular: a few hundred km at Syria's latitudes).
fn km_between(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let x = (lon2 - lon1).to_radians() * ((lat1 + lat2) / 2.0).to_radians().cos();
    let y = (lat2 - lat1).to_radians();
    6371.0 * (x * x + y * y).sqrt()
}

/// How well a place kind fits the word before the name (normalized).
fn type_bonus(word: &str, kind: PlaceKind) -> i64 {
    use PlaceKind::*;
    let w = word.trim_start_matches(['و', 'ب', 'ف', 'ل']);
    let fits = match kind {
        Governorate => w.starts_with("محافظ"),
        District | Subdistrict => w.starts_with("منطق") || w.starts_with("ناحي"),
        City | Town | Village => {
            w.starts_with("مدين")
                || w.starts_with("بلد")
                || w.starts_with("قري")
                || w.starts_with("قرى")
        }
        Neighbourhood => w.starts_with("حي") || w.starts_with("احياء"),
        OilField | GasField => w.starts_with("حقل") || w.starts_with("حقول"),
        BorderCrossing | RiverCrossing => w.starts_with("معبر"),
        Camp => w.starts_with("مخيم"),
        Airport | Base => w.starts_with("مطار") || w.starts_with("قاعد"),
        Desert => w.starts_with("بادي"),
        _ => false,
    };
    if fits {
        40
    } else {
        0
    }
}

/// Two statements' places can describe the same happening: same row, or one inside the
/// other's governorate at admin level.
pub fn compatible(doc: &Doc, ia: usize, ib: usize, lenient: bool) -> bool {
    let kb = doc.kb;
    let (a, b) = (&doc.places[ia], &doc.places[ib]);
    // The rows the names resolve to, not just any row of the same name.
    let pa = &kb.places[doc.place_rows[ia]];
    let pb = &kb.places[doc.place_rows[ib]];
    if a.unlisted || b.unlisted {
        return same_name(doc, ia, ib);
    }
    if pa.id == pb.id {
        return true;
    }
    // Regions and deserts ("شرق الفرات", "البادية") have no admin unit: they rule nothing out.
    let vague = |p: &marsad_kb::Place| {
        p.kind == PlaceKind::Country
            || matches!(p.kind, PlaceKind::Region | PlaceKind::Desert) && p.admin1.is_none()
    };
    if lenient && (vague(pa) || vague(pb)) {
        return true;
    }
    let broad = |p: &marsad_kb::Place, m: &PlaceMention| {
        m.countryside
            || p.kind.is_admin()
            || m.near
            || matches!(p.kind, PlaceKind::Region | PlaceKind::Desert)
    };
    if (broad(pa, a) || broad(pb, b)) && pa.admin1.is_some() && pa.admin1 == pb.admin1 {
        return true;
    }
    false
}

/// Two mentions name the same place: the same gazetteer row, or the same words when the
/// gazetteer does not list it.
pub fn same_name(doc: &Doc, ia: usize, ib: usize) -> bool {
    let (a, b) = (&doc.places[ia], &doc.places[ib]);
    if a.unlisted || b.unlisted {
        let t = doc.text();
        return a.unlisted == b.unlisted && t[a.range.clone()] == t[b.range.clone()];
    }
    doc.place_rows[ia] == doc.place_rows[ib]
}

/// ACLED location fields for a place mention.
pub fn locate(doc: &Doc, kb: &KnowledgeBase, pi: usize) -> Option<Location> {
    let p = &doc.places[pi];
    let row = doc.place_rows[pi];
    let place = &kb.places[row];
    let base: u8 = match place.kind {
        PlaceKind::Country | PlaceKind::Governorate | PlaceKind::Region | PlaceKind::Desert => 3,
        PlaceKind::District | PlaceKind::Subdistrict => 2,
        _ => 1,
    };
    let dir = p.direction.map(direction_word);
    // A name the gazetteer lacks: named as written, placed by the listed place around it
    // (ACLED's precision 2: a place coded to the area that contains it).
    if p.unlisted {
        let (admin1, admin2, admin3) = match place.kind {
            PlaceKind::Governorate => (Some(place.name.clone()), None, None),
            _ => (
                place.admin1.clone(),
                place.admin2.clone(),
                place.admin3.clone(),
            ),
        };
        // As written, less the invisible chars the text may carry inside the name; in
        // Arabic with the place word right before it ("بلدة الكرية", "منطقة مارهيتان").
        let clean = |r: Range<usize>| -> String {
            doc.span(r)
                .text
                .chars()
                .filter(|&c| !marsad_text::is_invisible(c))
                .collect()
        };
        let written = clean(p.range.clone());
        let typed_from = doc
            .cue_before(p.range.start, CueKind::PlaceType, 0)
            .map_or(p.range.start, |c| c.start);
        return Some(Location {
            place_id: place.id.clone(),
            name: written,
            name_ar: clean(with_landmark(doc, typed_from..p.range.end)),
            country: place.country.clone(),
            admin1,
            admin2,
            admin3,
            latitude: place.lat,
            longitude: place.lon,
            geo_precision: base.max(2),
            evidence: doc.span(p.phrase.clone()),
        });
    }
    let (name, precision) = if p.countryside {
        let name = match dir {
            Some(d) => format!("{} {} countryside", capitalize(d.0), place.name),
            None => format!("{} countryside", place.name),
        };
        let prec = if matches!(place.kind, PlaceKind::Governorate | PlaceKind::Region) {
            3
        } else {
            2
        };
        (name, prec.max(base))
    } else if let Some(d) = dir {
        (format!("{} of {}", d.1, place.name), base.max(2))
    } else if p.near {
        (format!("near {}", place.name), base.max(2))
    } else {
        (place.name.clone(), base)
    };
    let (admin1, admin2, admin3) = match place.kind {
        PlaceKind::Governorate => (Some(place.name.clone()), None, None),
        _ => (
            place.admin1.clone(),
            place.admin2.clone(),
            place.admin3.clone(),
        ),
    };
    // "قرب دمشق", "ضواحي دمشق": the capital's governorate is the city itself, so a place
    // near it, outside it, is in its countryside (Rif Dimashq).
    let (admin1, admin2, admin3) = if p.near
        && admin1.as_deref() == Some("Damascus")
        && matches!(
            place.kind,
            PlaceKind::Governorate | PlaceKind::District | PlaceKind::Subdistrict | PlaceKind::City
        )
        && outside_words(doc.text()[p.phrase.start..p.range.start].trim())
    {
        (Some("Rif Dimashq".to_string()), None, None)
    } else {
        (admin1, admin2, admin3)
    };
    Some(Location {
        place_id: place.id.clone(),
        name,
        name_ar: doc.span(with_landmark(doc, p.phrase.clone())).text,
        country: place.country.clone(),
        admin1: admin1
            .or_else(|| (place.kind == PlaceKind::Governorate).then(|| place.name.clone())),
        admin2,
        admin3,
        latitude: place.lat,
        longitude: place.lon,
        geo_precision: precision,
        evidence: doc.span(p.phrase.clone()),
    })
}

/// Words that join a landmark to the place it is in: "دوار الساعة وسط مدينة الرقة", "سوق
/// الشورقة بوسط بغداد", "المدينة القديمة في الرقة".
const LANDMARK_LINKS: &[&str] = &["في", "وسط", "بوسط", "داخل", "بداخل", "قرب", "عند"];

/// Words that never name a landmark after its noun ("الشارع هي فعاليات سلمية", "الساحة
/// السياسية", "المبني على اتفاقية", "مشفى ميداني يوم أمس").
const NOT_LANDMARK_NAMES: &[&str] = &[
    "هي",
    "هو",
    "أي",
    "على",
    "عن",
    "من",
    "مع",
    "بعد",
    "قبل",
    "إلى",
    "الى",
    "التي",
    "الذي",
    "يوم",
    "أمس",
    "اليوم",
    "السياسية",
    "السياسي",
];

/// A landmark named with its place, as written: "دوار الساعة وسط مدينة الرقة", "تلة الحدادة في
/// محيط بلدة كنسبا", "صنعاء بشارع الستين": the codebook's most precise place named, kept in
/// `location_ar` with the place that locates it. The range grows over a landmark noun (see
/// [`marsad_text::is_landmark_word`]), one to three words of its name and one joining word
/// before the place, or over "ب"/"في" + a landmark noun + one word of its name after it; never
/// over punctuation or another place.
fn with_landmark(doc: &Doc, r: Range<usize>) -> Range<usize> {
    let t = doc.text();
    let key = |i: usize| marsad_text::normalized_key(&t[doc.tokens[i].range.clone()]);
    let landmark = |w: &str| {
        marsad_text::is_landmark_word(w)
            || ["و", "ب", "ل", "ف"].iter().any(|c| {
                w.len() > 6 && w.strip_prefix(c).is_some_and(marsad_text::is_landmark_word)
            })
    };
    // The word lists normalized once per process, not at every lookup.
    static LISTS: std::sync::OnceLock<(Vec<String>, Vec<String>)> = std::sync::OnceLock::new();
    let (links, not_names) = LISTS.get_or_init(|| {
        let norm = |l: &[&str]| l.iter().map(|w| marsad_text::normalize_key(w)).collect();
        (norm(LANDMARK_LINKS), norm(NOT_LANDMARK_NAMES))
    });
    let is_link = |w: &str| links.iter().any(|l| l == w);
    // A word of a landmark's name: not "و" or "ب" + word ("وقد", "وذلك", "بالمعارك", "بهذا")
    // nor a word that names nothing ("هي", "أي", "على": "الشارع هي", "المبني على").
    let name_word =
        |w: &str| !w.starts_with('و') && !w.starts_with('ب') && !not_names.iter().any(|x| x == w);
    let no_place = |a: usize, b: usize| {
        doc.places
            .iter()
            .all(|q| q.range.end <= a || q.range.start >= b)
    };
    let mut start = r.start;
    // Before: up to five word tokens back, nearest first.
    let ti = doc.token_at(r.start);
    let before: Vec<usize> = (0..ti)
        .rev()
        .take(5)
        .take_while(|&i| doc.tokens[i].kind != TokenKind::Punct)
        .collect();
    'found: for link in 0..=1 {
        if link == 1 && !before.first().is_some_and(|&i| is_link(&key(i))) {
            continue;
        }
        for n in 0..=3 {
            let Some(&li) = before.get(link + n) else {
                break;
            };
            let names = &before[link..link + n];
            if names
                .iter()
                .any(|&i| is_link(&key(i)) || !name_word(&key(i)))
            {
                break;
            }
            let single = n > 0 && landmark(&key(li));
            // "المدينة القديمة": a landmark of two words, its second the last before the link.
            let double = n > 0 && {
                let second = before[link + n - 1];
                landmark(&format!("{} {}", key(li), key(second)))
            };
            if (single || double) && no_place(doc.tokens[li].range.start, r.start) {
                start = doc.tokens[li].range.start;
                break 'found;
            }
        }
    }
    // After: "صنعاء بشارع الستين", "حلب في مستشفى الرازي".
    let mut end = r.end;
    let mut ai = doc.token_at(r.end);
    let linked = doc
        .tokens
        .get(ai)
        .is_some_and(|tk| is_link(&key(ai)) && tk.kind == TokenKind::Word);
    if linked {
        ai += 1;
    }
    if let (Some(a), Some(b)) = (doc.tokens.get(ai), doc.tokens.get(ai + 1)) {
        // "درعا المحطة تفرقت": without "في" or a glued "ب" the word after is no landmark.
        let glued_b = key(ai).starts_with('ب') && !marsad_text::is_landmark_word(&key(ai));
        if a.kind == TokenKind::Word
            && b.kind == TokenKind::Word
            && (linked || glued_b)
            && landmark(&key(ai))
            && !is_link(&key(ai + 1))
            && name_word(&key(ai + 1))
            && no_place(a.range.start, b.range.end)
        {
            end = b.range.end;
        }
    }
    start..end
}

/// The words of "near" that put a place outside the one named: "قرب", "بالقرب من", "قريبة
/// من", "ضواحي", "مشارف", "تخوم" (not "محيط", "أطراف", "مدخل": they may be its edge inside).
fn outside_words(before: &str) -> bool {
    let k = marsad_text::normalize_key(before);
    ["قرب", "قريب", "ضواحي", "مشارف", "تخوم"]
        .iter()
        .any(|w| k.contains(&marsad_text::normalize_key(w)))
}

fn direction_word(k: CueKind) -> (&'static str, &'static str) {
    debug_assert!(is_direction(k));
    match k {
        CueKind::DirectionN => ("northern", "north"),
        CueKind::DirectionS => ("southern", "south"),
        CueKind::DirectionE => ("eastern", "east"),
        CueKind::DirectionW => ("western", "west"),
        CueKind::DirectionNE => ("north-eastern", "north-east"),
        CueKind::DirectionNW => ("north-western", "north-west"),
        CueKind::DirectionSE => ("south-eastern", "south-east"),
        _ => ("south-western", "south-west"),
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
