//! Comparing two events: what the knowledge base says about their actors and places, and the
//! pairwise score with the reasons behind it.

use crate::LinkConfig;
use marsad_extract::{ActorRef, Event, Location};
use marsad_kb::{ActorKind, KnowledgeBase, PlaceKind};
use std::collections::{BTreeMap, HashMap};

// Weights of the pairwise score (they add up to 1).
const W_TYPE_SAME: f32 = 0.30;
const W_TYPE_COMPATIBLE: f32 = 0.20;
const W_ACTORS: f32 = 0.25;
const W_PLACE_SAME: f32 = 0.25;
const W_PLACE_NESTED: f32 = 0.20;
const W_PLACE_NEAR: f32 = 0.15;
const W_DATE: f32 = 0.20;
const W_DATE_UNKNOWN: f32 = 0.05;

/// Two precise places (geo precision 1) this close are the same site written two ways.
const NEAR_PRECISE_KM: f64 = 5.0;
/// The same when one of them is only "near X" (geo precision 2).
const NEAR_LOOSE_KM: f64 = 15.0;

/// The group of sub-event types that reports confuse with one another: events are compared only
/// inside a group. Types not listed form a group of their own ("Agreement", "Arrests", ...).
pub fn type_family(sub_event_type: &str) -> &str {
    match sub_event_type {
        "Armed clash" | "Attack" => "clash",
        "Air/drone strike" | "Shelling/artillery/missile attack" => "remote",
        "Remote explosive/landmine/IED" | "Suicide bomb" | "Grenade" => "explosive",
        "Government regains territory" | "Non-state actor overtakes territory" => "territory",
        "Peaceful protest" | "Protest with intervention" | "Excessive force against protesters" => {
            "protest"
        }
        "Violent demonstration" | "Mob violence" => "riot",
        other => other,
    }
}

/// What the linker needs from the knowledge base, indexed once (the knowledge base's own maps
/// are not required, so a hand-built `KnowledgeBase` works too).
#[derive(Debug, Default)]
pub(crate) struct Ctx {
    /// Actor id → (family root id, counts as a participant for overlap).
    actors: HashMap<String, (String, bool)>,
    /// Actor id → display name.
    actor_names: HashMap<String, String>,
    /// Place id → index into `kb.places`.
    places: HashMap<String, usize>,
    /// Lower-cased outlet id or name → normalized names and aliases.
    outlets: HashMap<String, Vec<String>>,
    /// Normalized aliases of every actor and outlet (a cited source naming one is "named").
    named: Vec<String>,
}

impl Ctx {
    pub(crate) fn new(kb: &KnowledgeBase, cfg: &LinkConfig) -> Self {
        let mut ctx = Ctx::default();
        let parents: HashMap<&str, Option<&str>> = kb
            .actors
            .iter()
            .map(|a| (a.id.as_str(), a.parent.as_deref()))
            .collect();
        for a in &kb.actors {
            let mut root = a.id.as_str();
            for _ in 0..16 {
                match parents.get(root).copied().flatten() {
                    Some(p) if parents.contains_key(p) => root = p,
                    _ => break,
                }
            }
            let counts = !(a.kind == ActorKind::Civilians || is_unidentified(&a.id, &a.name));
            ctx.actors.insert(a.id.clone(), (root.to_string(), counts));
            ctx.actor_names.insert(a.id.clone(), a.name.clone());
            if counts {
                // Civilians or "unknown gunmen" as a source are not a named source.
                ctx.named.extend(a.aliases.iter().map(|s| key(s)));
            }
        }
        // Related actors: the second family joins the first.
        for (a, b) in &cfg.related_actors {
            let root = |id: &str, ctx: &Ctx| {
                ctx.actors
                    .get(id)
                    .map(|r| r.0.clone())
                    .unwrap_or(id.to_string())
            };
            let (ra, rb) = (root(a, &ctx), root(b, &ctx));
            if ra != rb {
                for v in ctx.actors.values_mut() {
                    if v.0 == rb {
                        v.0 = ra.clone();
                    }
                }
            }
        }
        for (i, p) in kb.places.iter().enumerate() {
            ctx.places.entry(p.id.clone()).or_insert(i);
        }
        for o in &kb.outlets {
            let mut forms: Vec<String> = vec![key(&o.name)];
            forms.extend(o.aliases.iter().map(|s| key(s)));
            forms.retain(|f| f.chars().count() >= 3);
            ctx.named.extend(forms.iter().cloned());
            ctx.outlets
                .entry(o.id.to_lowercase())
                .or_default()
                .extend(forms.iter().cloned());
            ctx.outlets
                .entry(o.name.to_lowercase())
                .or_default()
                .extend(forms);
        }
        ctx.named.retain(|f| f.chars().count() >= 3);
        ctx.named.sort();
        ctx.named.dedup();
        ctx
    }

    /// Family root and whether the actor counts for overlap.
    fn family(&self, a: &ActorRef) -> (String, bool) {
        match self.actors.get(&a.id) {
            Some((root, counts)) => (root.clone(), *counts),
            None => (a.id.clone(), !is_unidentified(&a.id, &a.name)),
        }
    }

    /// The actor families an event involves (root id → display name), leaving out unidentified
    /// groups and civilians.
    pub(crate) fn families(&self, e: &Event) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for a in [&e.actor1, &e.actor2, &e.assoc_actor_1, &e.assoc_actor_2]
            .into_iter()
            .flatten()
        {
            let (root, counts) = self.family(a);
            if counts {
                let name = self
                    .actor_names
                    .get(&root)
                    .cloned()
                    .unwrap_or_else(|| a.name.clone());
                out.insert(root, name);
            }
        }
        out
    }

    /// True when the cited source names an actor (not civilians or an unidentified group) or an
    /// outlet of the knowledge base.
    pub(crate) fn is_named_source(&self, cited: &str) -> bool {
        let k = key(cited);
        self.named.iter().any(|n| k.contains(n.as_str()))
    }

    /// True when `cited` (a cited-source phrase) names the outlet `outlet`.
    pub(crate) fn cites_outlet(&self, cited: &str, outlet: &str) -> bool {
        let k = key(cited);
        let own = key(outlet);
        if own.chars().count() >= 3 && k.contains(own.as_str()) {
            return true;
        }
        self.outlets
            .get(&outlet.to_lowercase())
            .is_some_and(|forms| forms.iter().any(|f| k.contains(f.as_str())))
    }

    /// Specificity of a gazetteer place (0 when unknown).
    pub(crate) fn specificity(&self, kb: &KnowledgeBase, place_id: &str) -> u8 {
        self.places
            .get(place_id)
            .map(|&i| kb.places[i].kind.specificity())
            .unwrap_or(0)
    }

    pub(crate) fn place_info(&self, kb: &KnowledgeBase, loc: &Location) -> PlaceInfo {
        let kp = self.places.get(&loc.place_id).map(|&i| &kb.places[i]);
        let pick = |l: &Option<String>, k: Option<&Option<String>>| -> Option<String> {
            l.clone()
                .or_else(|| k.and_then(|x| x.clone()))
                .filter(|s| !s.trim().is_empty())
        };
        let admin = [
            pick(&loc.admin1, kp.map(|p| &p.admin1)),
            pick(&loc.admin2, kp.map(|p| &p.admin2)),
            pick(&loc.admin3, kp.map(|p| &p.admin3)),
        ];
        let mut ancestors = Vec::new();
        let mut cur = kp.and_then(|p| p.parent.clone());
        while let Some(id) = cur.take() {
            if ancestors.len() >= 16 || ancestors.contains(&id) {
                break;
            }
            cur = self
                .places
                .get(&id)
                .and_then(|&i| kb.places[i].parent.clone());
            ancestors.push(id);
        }
        let mut level = kp.and_then(|p| match p.kind {
            PlaceKind::Country => Some(0),
            PlaceKind::Governorate => Some(1),
            PlaceKind::District => Some(2),
            PlaceKind::Subdistrict => Some(3),
            _ => None,
        });
        let lname = loc.name.to_lowercase();
        if let Some(base) = lname.strip_suffix("countryside") {
            // "X countryside" is the administrative unit X: the broadest one of that name.
            let base = base.trim();
            // A compass word may come first ("Western Raqqa countryside").
            let at = admin.iter().position(|a| {
                a.as_deref().is_some_and(|a| {
                    let a = a.to_lowercase();
                    base == a || base.ends_with(&format!(" {a}"))
                })
            });
            if let Some(i) = at {
                level = Some(i as u8 + 1);
            } else if level.is_none() {
                level = deepest(&admin);
            }
        }
        // "south of Idlib" where Idlib is the city that names its governorate: Arabic "جنوب
        // إدلب" is the governorate's south far more often than the city's edge.
        if level.is_none() && COMPASS.iter().any(|c| lname.starts_with(c)) {
            if let (Some(p), Some(a1)) = (kp, &admin[0]) {
                if matches!(p.kind, PlaceKind::City | PlaceKind::Town)
                    && p.name.eq_ignore_ascii_case(a1)
                {
                    level = Some(1);
                }
            }
        }
        if level.is_none() && kp.is_none() && loc.geo_precision >= 3 {
            level = deepest(&admin).or(Some(0));
        }
        let coords = match (loc.latitude, loc.longitude) {
            (Some(a), Some(b)) => Some((a, b)),
            _ => kp.and_then(|p| Some((p.lat?, p.lon?))),
        };
        let country = if loc.country.is_empty() {
            kp.map(|p| p.country.clone()).unwrap_or_default()
        } else {
            loc.country.clone()
        };
        PlaceInfo {
            id: loc.place_id.clone(),
            name: loc.name.clone(),
            country,
            admin,
            level,
            ancestors,
            coords,
            precision: loc.geo_precision,
        }
    }
}

/// Prefixes of a location named by a direction from a place ("south of Idlib").
const COMPASS: &[&str] = &[
    "north of ",
    "south of ",
    "east of ",
    "west of ",
    "north-east of ",
    "north-west of ",
    "south-east of ",
    "south-west of ",
];

fn deepest(admin: &[Option<String>; 3]) -> Option<u8> {
    admin.iter().rposition(|a| a.is_some()).map(|i| i as u8 + 1)
}

fn is_unidentified(id: &str, name: &str) -> bool {
    let n = name.to_lowercase();
    id == "unknown" || id.starts_with("unidentified") || n.starts_with("unidentified")
}

/// Matching key: the project's normalization, lower case, single spaces.
pub(crate) fn key(s: &str) -> String {
    marsad_text::normalize_key(s)
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A place with what is needed to compare it with another.
#[derive(Debug, Clone)]
pub(crate) struct PlaceInfo {
    pub id: String,
    pub name: String,
    pub country: String,
    pub admin: [Option<String>; 3],
    /// Administrative level when the place is an area (0 country, 1 governorate, 2 district,
    /// 3 sub-district); `None` for a point.
    pub level: Option<u8>,
    /// Enclosing places (kb parent chain), nearest first.
    pub ancestors: Vec<String>,
    pub coords: Option<(f64, f64)>,
    pub precision: u8,
}

impl PlaceInfo {
    /// True when the area `self` contains `other` by the administrative fields. `None` when
    /// a field needed to decide is missing.
    fn contains(&self, other: &PlaceInfo) -> Option<bool> {
        let l = self.level?;
        if other.level.is_some_and(|ol| ol < l) {
            return Some(false);
        }
        if l == 0 {
            if self.country.is_empty() || other.country.is_empty() {
                return None;
            }
            return Some(self.country.eq_ignore_ascii_case(&other.country));
        }
        for i in 0..l as usize {
            match (&self.admin[i], &other.admin[i]) {
                (Some(a), Some(b)) => {
                    if !eq_lowercase(a, b) {
                        return Some(false);
                    }
                }
                _ => return None,
            }
        }
        Some(true)
    }
}

/// `a.to_lowercase() == b.to_lowercase()`, without building the two strings.
fn eq_lowercase(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    // `str::to_lowercase` maps a final capital sigma by context; `char::to_lowercase` cannot.
    if a.contains('Σ') || b.contains('Σ') {
        return a.to_lowercase() == b.to_lowercase();
    }
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

/// How two places relate.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum PlaceRelation {
    Same,
    /// `inner` lies inside `outer` (or both name the same area).
    Nested {
        inner: String,
        outer: String,
        equal: bool,
    },
    Near(f64),
    /// Not enough to tell.
    Unknown,
    Conflict(String),
}

/// How two places relate; without `explain`, the names and reasons it carries are left empty.
fn place_relation(a: &PlaceInfo, b: &PlaceInfo, explain: bool) -> PlaceRelation {
    if a.id == b.id && !a.id.is_empty() {
        return PlaceRelation::Same;
    }
    let name = |p: &PlaceInfo| {
        if explain {
            p.name.clone()
        } else {
            String::new()
        }
    };
    let nested = |inner: &PlaceInfo, outer: &PlaceInfo| PlaceRelation::Nested {
        inner: name(inner),
        outer: name(outer),
        equal: inner.level.is_some() && inner.level == outer.level,
    };
    if b.ancestors.contains(&a.id) {
        return nested(b, a);
    }
    if a.ancestors.contains(&b.id) {
        return nested(a, b);
    }
    // Deeper areas first, so that two equal areas read "b ⊂ a" whichever comes first.
    let (x, y) = if a.level.unwrap_or(9) <= b.level.unwrap_or(9) {
        (a, b)
    } else {
        (b, a)
    };
    let xy = x.contains(y);
    if xy == Some(true) {
        return nested(y, x);
    }
    let yx = y.contains(x);
    if yx == Some(true) {
        return nested(x, y);
    }
    if a.level.is_some() || b.level.is_some() {
        if xy.is_none() && yx.is_none() {
            return PlaceRelation::Unknown;
        }
        if !explain {
            return PlaceRelation::Conflict(String::new());
        }
        return PlaceRelation::Conflict(format!(
            "place: {} vs {} (neither contains the other)",
            a.name, b.name
        ));
    }
    match (a.coords, b.coords) {
        (Some(p), Some(q)) => {
            let d = haversine_km(p, q);
            let limit = if a.precision <= 1 && b.precision <= 1 {
                NEAR_PRECISE_KM
            } else {
                NEAR_LOOSE_KM
            };
            if d <= limit {
                PlaceRelation::Near(d)
            } else if !explain {
                PlaceRelation::Conflict(String::new())
            } else {
                PlaceRelation::Conflict(format!(
                    "place: {} vs {} ({:.1} km apart, limit {})",
                    a.name, b.name, d, limit
                ))
            }
        }
        _ if !explain => PlaceRelation::Conflict(String::new()),
        _ => PlaceRelation::Conflict(format!(
            "place: {} vs {} (different places)",
            a.name, b.name
        )),
    }
}

fn haversine_km((lat1, lon1): (f64, f64), (lat2, lon2): (f64, f64)) -> f64 {
    let r = 6371.0_f64;
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * r * h.sqrt().min(1.0).asin()
}

/// Days since 1970-01-01 of an ISO date (`YYYY-MM-DD`, or `YYYY-MM` read as its first day).
pub(crate) fn day_number(iso: &str) -> Option<i64> {
    let mut it = iso.trim().get(..10.min(iso.trim().len()))?.split('-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let d: i64 = it.next().map(|d| d.parse().ok()).unwrap_or(Some(1))?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// What is kept per event so comparisons need not look things up again.
#[derive(Debug, Clone)]
pub(crate) struct Derived {
    /// The event's document and sub-event type (all that comparing reads of the event itself).
    pub doc: String,
    pub sub_event_type: String,
    pub family: String,
    pub actors: BTreeMap<String, String>,
    pub place: Option<PlaceInfo>,
    pub day: Option<i64>,
    pub window: i64,
}

impl Derived {
    pub(crate) fn new(ctx: &Ctx, kb: &KnowledgeBase, cfg: &LinkConfig, e: &Event) -> Self {
        let window = match e.date.time_precision {
            Some(1) => cfg.date_window_days[1],
            Some(2) => cfg.date_window_days[2],
            Some(3) => cfg.date_window_days[3],
            _ => cfg.date_window_days[0],
        };
        Derived {
            doc: e.doc.clone(),
            sub_event_type: e.sub_event_type.clone(),
            family: type_family(&e.sub_event_type).to_string(),
            actors: ctx.families(e),
            place: e.location.as_ref().map(|l| ctx.place_info(kb, l)),
            day: e.date.date.as_deref().and_then(day_number),
            window,
        }
    }

    /// The admin1 the candidate index files the event under.
    pub(crate) fn admin1(&self) -> Option<String> {
        let p = self.place.as_ref()?;
        if p.level == Some(0) {
            return None;
        }
        p.admin[0].as_ref().map(|a| a.to_lowercase())
    }
}

/// The comparison of two events.
#[derive(Debug, Clone, Default)]
pub(crate) struct PairEval {
    pub score: f32,
    pub agreed: Vec<String>,
    /// Hard reasons to keep the two apart.
    pub conflicts: Vec<String>,
}

impl PairEval {
    pub(crate) fn links(&self, min_score: f32) -> bool {
        self.conflicts.is_empty() && self.score >= min_score
    }
}

/// Compares two events of different documents (a pair from the same document, or one the user
/// split apart, gets a conflict).
pub(crate) fn compare(a: &Derived, b: &Derived, cannot_link: bool) -> PairEval {
    compare_with(a, b, cannot_link, true)
}

/// [`compare`]'s score and whether anything conflicts, without writing what agreed or why
/// (the conflicts are empty strings): all that deciding a link needs, without the formatting
/// that is most of the cost of a comparison.
pub(crate) fn score(a: &Derived, b: &Derived, cannot_link: bool) -> PairEval {
    compare_with(a, b, cannot_link, false)
}

fn compare_with(da: &Derived, db: &Derived, cannot_link: bool, explain: bool) -> PairEval {
    let (ea, eb) = (da, db);
    let mut out = PairEval::default();
    // Reasons and agreements are only written out when explaining.
    let conflict = |out: &mut PairEval, why: &dyn Fn() -> String| {
        out.conflicts
            .push(if explain { why() } else { String::new() });
    };
    let agree = |out: &mut PairEval, what: &dyn Fn() -> String| {
        if explain {
            out.agreed.push(what());
        }
    };
    if ea.doc == eb.doc {
        conflict(&mut out, &|| "same document".into());
    }
    if cannot_link {
        conflict(&mut out, &|| "kept apart by a split".into());
    }
    // Type.
    if ea.sub_event_type == eb.sub_event_type {
        out.score += W_TYPE_SAME;
        agree(&mut out, &|| "sub_event_type".into());
    } else if da.family == db.family {
        out.score += W_TYPE_COMPATIBLE;
        agree(&mut out, &|| {
            format!(
                "sub_event_type: {} ~ {}",
                ea.sub_event_type, eb.sub_event_type
            )
        });
    } else {
        conflict(&mut out, &|| {
            format!(
                "sub_event_type: {} vs {}",
                ea.sub_event_type, eb.sub_event_type
            )
        });
    }
    // Actors.
    let actor_anchor = da.actors.keys().any(|k| db.actors.contains_key(k));
    if actor_anchor {
        out.score += W_ACTORS;
        agree(&mut out, &|| {
            let shared: Vec<&str> = da
                .actors
                .iter()
                .filter(|(k, _)| db.actors.contains_key(*k))
                .map(|(_, v)| v.as_str())
                .collect();
            format!("actors: {}", shared.join(", "))
        });
    } else if !da.actors.is_empty() && !db.actors.is_empty() {
        let names = |m: &BTreeMap<String, String>| {
            m.values()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        conflict(&mut out, &|| {
            format!("actors: {} vs {}", names(&da.actors), names(&db.actors))
        });
    }
    // Place.
    let mut place_anchor = false;
    if let (Some(pa), Some(pb)) = (&da.place, &db.place) {
        match place_relation(pa, pb, explain) {
            PlaceRelation::Same => {
                out.score += W_PLACE_SAME;
                place_anchor = true;
                agree(&mut out, &|| format!("place: {}", pa.name));
            }
            PlaceRelation::Nested {
                inner,
                outer,
                equal,
            } => {
                out.score += W_PLACE_NESTED;
                place_anchor = true;
                let rel = if equal { "=" } else { "⊂" };
                agree(&mut out, &|| format!("place: {inner} {rel} {outer}"));
            }
            PlaceRelation::Near(d) => {
                out.score += W_PLACE_NEAR;
                place_anchor = true;
                agree(&mut out, &|| {
                    format!("place: {} ≈ {} ({d:.1} km)", pa.name, pb.name)
                });
            }
            PlaceRelation::Unknown => {}
            PlaceRelation::Conflict(why) => out.conflicts.push(why),
        }
    }
    // Date.
    match (da.day, db.day) {
        (Some(x), Some(y)) => {
            let diff = (x - y).abs();
            let window = da.window.max(db.window);
            if diff > window {
                conflict(&mut out, &|| {
                    format!("date: {diff} days apart (window {window})")
                });
            } else {
                out.score += W_DATE * (1.0 - diff as f32 / (window as f32 + 1.0));
                agree(&mut out, &|| {
                    let apart = match diff {
                        0 => "same day".to_string(),
                        1 => "1 day apart".to_string(),
                        n => format!("{n} days apart"),
                    };
                    format!("date: {apart} (window {window})")
                });
            }
        }
        _ => {
            out.score += W_DATE_UNKNOWN;
            agree(&mut out, &|| "date: unknown on one side".into());
        }
    }
    if !actor_anchor && !place_anchor {
        conflict(&mut out, &|| "no shared actor or place".into());
    }
    out.score = (out.score * 1000.0).round() / 1000.0;
    out
}
