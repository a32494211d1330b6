//! Comparing two events: what the knowledge base says about their actors and places, and the
//! pairwise score with the reasons behind it.

use crate::LinkConfig;
use marsad_extract::{ActorRef, Event, Location};
use marsad_kb::{ActorKind, KnowledgeBase, PlaceKind, SubEventType};
use rustc_hash::{FxBuildHasher, FxHashMap};
use std::collections::BTreeMap;
use std::hash::BuildHasher;
use std::sync::Arc;

// Weights of the pairwise score (they add up to 1).
const W_TYPE_SAME: f32 = 0.30;
const W_TYPE_COMPATIBLE: f32 = 0.20;
const W_ACTORS: f32 = 0.25;
const W_PLACE_SAME: f32 = 0.25;
const W_PLACE_NESTED: f32 = 0.20;
const W_PLACE_NEAR: f32 = 0.15;
const W_DATE: f32 = 0.20;

/// Two precise places (geo precision 1) this close are the same site written two ways.
const NEAR_PRECISE_KM: f64 = 5.0;
/// The same when one of them is only "near X" (geo precision 2).
const NEAR_LOOSE_KM: f64 = 15.0;

/// The group of sub-event types that reports confuse with one another: events are compared only
/// inside a group. Types not listed form a group of their own ("Agreement", "Arrests", ...).
pub fn type_family(sub_event_type: &str) -> &str {
    use SubEventType::*;
    let Ok(sub) = sub_event_type.parse::<SubEventType>() else {
        return sub_event_type;
    };
    match sub {
        ArmedClash | Attack => "clash",
        AirDroneStrike | ShellingArtilleryMissileAttack => "remote",
        RemoteExplosiveLandmineIed | SuicideBomb | Grenade => "explosive",
        GovernmentRegainsTerritory | NonStateActorOvertakesTerritory => "territory",
        PeacefulProtest | ProtestWithIntervention | ExcessiveForceAgainstProtesters => "protest",
        ViolentDemonstration | MobViolence => "riot",
        _ => sub_event_type,
    }
}

/// What the linker needs from the knowledge base, indexed once (the knowledge base's own maps
/// are not required, so a hand-built `KnowledgeBase` works too).
#[derive(Debug, Default)]
pub(crate) struct Ctx {
    /// Actor id → (family root id, counts as a participant for overlap).
    actors: FxHashMap<String, (String, bool)>,
    /// Actor id → display name.
    actor_names: FxHashMap<String, String>,
    /// Place id → index into `kb.places`.
    places: FxHashMap<String, usize>,
    /// Lower-cased outlet id or name → normalized names and aliases.
    outlets: FxHashMap<String, Vec<String>>,
    /// Normalized aliases of every actor and outlet (a cited source naming one is "named").
    named: Vec<String>,
}

impl Ctx {
    pub(crate) fn new(kb: &KnowledgeBase, cfg: &LinkConfig) -> Self {
        let mut ctx = Ctx::default();
        let parents: FxHashMap<&str, Option<&str>> = kb
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

    /// True when the cited source whose [`key`] is `cited` names an actor (not civilians or an
    /// unidentified group) or an outlet of the knowledge base.
    fn is_named_source(&self, cited: &str) -> bool {
        self.named.iter().any(|n| cited.contains(n.as_str()))
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
        let hash = |s: &String| FxBuildHasher.hash_one(s);
        PlaceInfo {
            id_hash: hash(&loc.place_id),
            id: loc.place_id.clone(),
            name: loc.name.clone(),
            country,
            admin: admin.map(|a| a.map(|a| a.to_lowercase())),
            level,
            ancestor_hashes: ancestors.iter().map(hash).collect(),
            ancestors,
            cos_lat: coords.map_or(0.0, |(lat, _)| lat.to_radians().cos()),
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
    /// Hashes of `id` and `ancestors` (same order): most places compared are not the same,
    /// which the hashes tell without comparing ids.
    id_hash: u64,
    pub name: String,
    pub country: String,
    /// admin1, admin2, admin3, in lower case (they are compared so).
    pub admin: [Option<String>; 3],
    /// Administrative level when the place is an area (0 country, 1 governorate, 2 district,
    /// 3 sub-district); `None` for a point.
    pub level: Option<u8>,
    /// Enclosing places (kb parent chain), nearest first.
    pub ancestors: Vec<String>,
    ancestor_hashes: Vec<u64>,
    pub coords: Option<(f64, f64)>,
    /// The cosine of the latitude (in radians) the distance to another place needs (0 without
    /// coordinates).
    cos_lat: f64,
    pub precision: u8,
}

impl PlaceInfo {
    fn same_id(&self, other: &PlaceInfo) -> bool {
        self.id_hash == other.id_hash && self.id == other.id
    }

    /// Whether `other` is among the places enclosing `self` (the kb parent chain).
    fn inside(&self, other: &PlaceInfo) -> bool {
        self.ancestors
            .iter()
            .zip(&self.ancestor_hashes)
            .any(|(a, &h)| h == other.id_hash && *a == other.id)
    }

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
                    if a != b {
                        return Some(false);
                    }
                }
                _ => return None,
            }
        }
        Some(true)
    }
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
    if a.same_id(b) && !a.id.is_empty() {
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
    if b.inside(a) {
        return nested(b, a);
    }
    if a.inside(b) {
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
            let d = haversine_km(p, a.cos_lat, q, b.cos_lat);
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

/// Great-circle distance of two points, given with the cosines of their latitudes.
fn haversine_km((lat1, lon1): (f64, f64), cos1: f64, (lat2, lon2): (f64, f64), cos2: f64) -> f64 {
    let r = 6371.0_f64;
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let h = (dp / 2.0).sin().powi(2) + cos1 * cos2 * (dl / 2.0).sin().powi(2);
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

/// The matching key of a cited source and whether it names an actor or outlet
/// ([`Ctx::is_named_source`]), remembered by phrase: a few phrases ("according to activists",
/// an agency's name) are cited by most reports, and working either out costs much more than
/// looking it up.
#[derive(Debug, Default)]
pub(crate) struct CitedSources(FxHashMap<String, (Arc<str>, bool)>);

impl CitedSources {
    /// Phrases remembered at most (then it starts over), so that memory stays bounded.
    const MAX: usize = 50_000;

    fn get(&mut self, ctx: &Ctx, cited: &str) -> (Arc<str>, bool) {
        if let Some(v) = self.0.get(cited) {
            return v.clone();
        }
        if self.0.len() >= Self::MAX {
            self.0.clear();
        }
        let k = key(cited);
        let v = (Arc::from(k.as_str()), ctx.is_named_source(&k));
        self.0.insert(cited.to_string(), v.clone());
        v
    }
}

/// What is kept per event so comparisons need not look things up again.
#[derive(Debug, Clone)]
pub(crate) struct Derived {
    /// The event's document and sub-event type (all that comparing reads of the event itself).
    pub doc: String,
    /// Hash of `doc`: telling two documents apart without reading their ids (which share a
    /// long prefix).
    pub doc_hash: u64,
    pub sub_event_type: String,
    pub family: String,
    pub actors: BTreeMap<String, String>,
    /// The keys of `actors` with their hashes: most pairs of events share no family, which
    /// the hashes tell without comparing names.
    actor_keys: Vec<(u64, String)>,
    /// A bit for each key of `actors` (by hash): two events whose bits do not meet share no
    /// family.
    pub actor_bits: u64,
    pub place: Option<PlaceInfo>,
    pub day: Option<i64>,
    pub window: i64,
    /// The admin1 the candidate index files the event under (lower case; none for an event
    /// placed at country level).
    pub admin1: Option<String>,
    /// The cited source's matching key (what a story counts sources by), and whether it names
    /// an actor or outlet: here so that rebuilding a story does not work them out again.
    pub cited_key: Option<Arc<str>>,
    pub named_source: bool,
}

impl Derived {
    /// Whether the two events share an actor family.
    fn shares_actor(&self, other: &Derived) -> bool {
        self.actor_bits & other.actor_bits != 0
            && self
                .actor_keys
                .iter()
                .any(|a| other.actor_keys.iter().any(|b| a.0 == b.0 && a.1 == b.1))
    }

    pub(crate) fn new(
        ctx: &Ctx,
        kb: &KnowledgeBase,
        cfg: &LinkConfig,
        cited: &mut CitedSources,
        e: &Event,
    ) -> Self {
        let (cited_key, named_source) = match &e.cited_source {
            Some(s) => {
                let (k, named) = cited.get(ctx, &s.text);
                (Some(k), named)
            }
            None => (None, false),
        };
        let window = match e.date.time_precision {
            Some(1) => cfg.date_window_days[1],
            Some(2) => cfg.date_window_days[2],
            Some(3) => cfg.date_window_days[3],
            _ => cfg.date_window_days[0],
        };
        let place = e.location.as_ref().map(|l| ctx.place_info(kb, l));
        let admin1 = place
            .as_ref()
            .filter(|p| p.level != Some(0))
            .and_then(|p| p.admin[0].clone());
        let actors = ctx.families(e);
        let actor_keys: Vec<(u64, String)> = actors
            .keys()
            .map(|k| (FxBuildHasher.hash_one(k), k.clone()))
            .collect();
        let actor_bits = actor_keys.iter().fold(0, |b, (h, _)| b | 1 << (h % 64));
        Derived {
            doc: e.doc.clone(),
            doc_hash: FxBuildHasher.hash_one(&e.doc),
            sub_event_type: e.sub_event_type.clone(),
            family: type_family(&e.sub_event_type).to_string(),
            actors,
            actor_keys,
            actor_bits,
            place,
            day: e.date.date.as_deref().and_then(day_number),
            window,
            admin1,
            cited_key,
            named_source,
        }
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

/// Compares two events of different documents (a pair from the same document, or one the user
/// split apart, gets a conflict).
pub(crate) fn compare(da: &Derived, db: &Derived, cannot_link: bool) -> PairEval {
    let mut out = PairEval::default();
    if da.doc == db.doc {
        out.conflicts.push("same document".into());
    }
    if cannot_link {
        out.conflicts.push("kept apart by a split".into());
    }
    // Type.
    if da.sub_event_type == db.sub_event_type {
        out.score += W_TYPE_SAME;
        out.agreed.push("sub_event_type".into());
    } else if da.family == db.family {
        out.score += W_TYPE_COMPATIBLE;
        out.agreed.push(format!(
            "sub_event_type: {} ~ {}",
            da.sub_event_type, db.sub_event_type
        ));
    } else {
        out.conflicts.push(format!(
            "sub_event_type: {} vs {}",
            da.sub_event_type, db.sub_event_type
        ));
    }
    // Actors.
    if da.shares_actor(db) {
        let shared: Vec<&str> = da
            .actors
            .iter()
            .filter(|(k, _)| db.actors.contains_key(*k))
            .map(|(_, v)| v.as_str())
            .collect();
        out.score += W_ACTORS;
        out.agreed.push(format!("actors: {}", shared.join(", ")));
    } else if !da.actors.is_empty() && !db.actors.is_empty() {
        let names = |m: &BTreeMap<String, String>| {
            m.values()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.conflicts.push(format!(
            "actors: {} vs {}",
            names(&da.actors),
            names(&db.actors)
        ));
    }
    // Place: only a place known on both sides, below country level and in one country, is
    // evidence; a missing or country-wide place never counts as agreement.
    match place_evidence(da, db) {
        Err(why) => out.conflicts.push(why.to_string()),
        Ok((pa, pb)) => match place_relation(pa, pb, true) {
            PlaceRelation::Same => {
                out.score += W_PLACE_SAME;
                out.agreed.push(format!("place: {}", pa.name));
            }
            PlaceRelation::Nested {
                inner,
                outer,
                equal,
            } => {
                out.score += W_PLACE_NESTED;
                let rel = if equal { "=" } else { "⊂" };
                out.agreed.push(format!("place: {inner} {rel} {outer}"));
            }
            PlaceRelation::Near(d) => {
                out.score += W_PLACE_NEAR;
                out.agreed
                    .push(format!("place: {} ≈ {} ({d:.1} km)", pa.name, pb.name));
            }
            PlaceRelation::Unknown => out.conflicts.push(format!(
                "place: {} vs {} (not known to be the same, nested or near)",
                pa.name, pb.name
            )),
            PlaceRelation::Conflict(why) => out.conflicts.push(why),
        },
    }
    // Date: both dated, inside the window; an unknown date is no evidence.
    match (da.day, db.day) {
        (Some(x), Some(y)) => {
            let diff = (x - y).abs();
            let window = da.window.max(db.window);
            if diff > window {
                out.conflicts
                    .push(format!("date: {diff} days apart (window {window})"));
            } else {
                out.score += W_DATE * (1.0 - diff as f32 / (window as f32 + 1.0));
                let apart = match diff {
                    0 => "same day".to_string(),
                    1 => "1 day apart".to_string(),
                    n => format!("{n} days apart"),
                };
                out.agreed.push(format!("date: {apart} (window {window})"));
            }
        }
        (None, None) => out.conflicts.push("date: unknown on both sides".into()),
        _ => out.conflicts.push("date: unknown on one side".into()),
    }
    out.score = (out.score * 1000.0).round() / 1000.0;
    out
}

/// [`compare`]'s score when nothing conflicts, `None` when something does: all that deciding
/// a link needs. It stops at the first conflict and writes no reasons (formatting them is most
/// of the cost of a comparison); the score adds the same terms in the same order, so it is the
/// same number.
pub(crate) fn score(da: &Derived, db: &Derived, cannot_link: bool) -> Option<f32> {
    if cannot_link || (da.doc_hash == db.doc_hash && da.doc == db.doc) {
        return None;
    }
    let mut score = 0.0_f32;
    if da.sub_event_type == db.sub_event_type {
        score += W_TYPE_SAME;
    } else if da.family == db.family {
        score += W_TYPE_COMPATIBLE;
    } else {
        return None;
    }
    if da.shares_actor(db) {
        score += W_ACTORS;
    } else if !da.actors.is_empty() && !db.actors.is_empty() {
        return None;
    }
    let (pa, pb) = place_evidence(da, db).ok()?;
    match place_relation(pa, pb, false) {
        PlaceRelation::Same => score += W_PLACE_SAME,
        PlaceRelation::Nested { .. } => score += W_PLACE_NESTED,
        PlaceRelation::Near(_) => score += W_PLACE_NEAR,
        PlaceRelation::Unknown | PlaceRelation::Conflict(_) => return None,
    }
    let (x, y) = (da.day?, db.day?);
    let diff = (x - y).abs();
    let window = da.window.max(db.window);
    if diff > window {
        return None;
    }
    score += W_DATE * (1.0 - diff as f32 / (window as f32 + 1.0));
    Some((score * 1000.0).round() / 1000.0)
}

/// Whether an event can ever link: it is dated and placed below country level in a known
/// country (see [`place_evidence`]). Events that cannot are never filed for candidates.
pub(crate) fn linkable(d: &Derived) -> bool {
    d.day.is_some() && d.place.as_ref().is_some_and(place_usable)
}

/// A place that can be evidence: its country is known and it is not a whole country.
fn place_usable(p: &PlaceInfo) -> bool {
    !p.country.trim().is_empty() && p.level != Some(0)
}

/// The two places when they can be compared as evidence: both known, both below country
/// level, both in one country. Otherwise the reason they cannot.
fn place_evidence<'a>(
    da: &'a Derived,
    db: &'a Derived,
) -> Result<(&'a PlaceInfo, &'a PlaceInfo), &'static str> {
    let (Some(pa), Some(pb)) = (&da.place, &db.place) else {
        return Err("place: unknown on one side");
    };
    if !place_usable(pa) || !place_usable(pb) {
        return Err("place: only a country or no country known");
    }
    if !pa.country.eq_ignore_ascii_case(&pb.country) {
        return Err("place: different countries");
    }
    Ok((pa, pb))
}

/// Whether two events link: nothing conflicts and the score reaches `min_score`.
pub(crate) fn links(da: &Derived, db: &Derived, cannot_link: bool, min_score: f32) -> bool {
    score(da, db, cannot_link).is_some_and(|s| s >= min_score)
}
