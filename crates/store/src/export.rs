//! Export rows: the JSONL contract read by the evaluation, and an ACLED-style CSV. One
//! definition for every writer (the CLI's `export`/`extract`, the HTTP API's downloads).

use marsad_extract::{ActorRef, Event, Span};
use marsad_kb::{ActorKind, EventType};
use serde::Serialize;
use std::sync::LazyLock;
use std::time::{SystemTime, UNIX_EPOCH};

/// One exported event. Field names are a contract: keep them.
#[derive(Debug, Serialize)]
pub struct Row<'a> {
    pub doc: &'a str,
    pub event_id: &'a str,
    pub event_type: &'a str,
    pub sub_event_type: &'a str,
    pub actor1: Option<&'a str>,
    pub actor2: Option<&'a str>,
    pub assoc_actor_1: Option<&'a str>,
    pub assoc_actor_2: Option<&'a str>,
    pub location: Option<&'a str>,
    pub location_ar: Option<&'a str>,
    pub country: Option<&'a str>,
    pub admin1: Option<&'a str>,
    pub admin2: Option<&'a str>,
    pub admin3: Option<&'a str>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub geo_precision: Option<u8>,
    pub event_date: Option<&'a str>,
    pub time_precision: Option<u8>,
    /// How the report date behind `event_date` was found (`metadata`, `url`, `dateline`,
    /// `text`, `hijri`).
    pub date_source: Option<&'static str>,
    pub fatalities: Option<u64>,
    pub fatalities_approx: Option<&'static str>,
    pub injured: Option<u64>,
    pub arrested: Option<u64>,
    pub source: Option<&'a str>,
    pub cited_source: Option<&'a str>,
    pub stance: &'static str,
    pub evidence: &'a Span,
    pub claims: &'a [marsad_extract::Claim],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truce: Option<&'a marsad_extract::Truce>,
    /// The story the event belongs to (stored events only; `null` for `extract`).
    pub story_id: Option<&'a str>,
    pub story_status: Option<&'static str>,
    /// Distinct cited sources across the story's reports.
    pub sources_count: Option<usize>,
    /// Fatalities across the story's reports (UCDP style: best = most credible report).
    pub fatalities_low: Option<u64>,
    pub fatalities_best: Option<u64>,
    pub fatalities_high: Option<u64>,
}

fn name(a: &Option<ActorRef>) -> Option<&str> {
    a.as_ref().map(|a| a.name.as_str())
}

impl<'a> Row<'a> {
    pub fn new(e: &'a Event) -> Self {
        Self::with_story(e, None)
    }

    /// The row of an event with the figures of its story.
    pub fn with_story(e: &'a Event, story: Option<&'a marsad_link::Story>) -> Self {
        let fat = story.and_then(|s| s.fatalities);
        let loc = e.location.as_ref();
        Row {
            doc: &e.doc,
            event_id: &e.id,
            event_type: &e.event_type,
            sub_event_type: &e.sub_event_type,
            actor1: name(&e.actor1),
            actor2: name(&e.actor2),
            assoc_actor_1: name(&e.assoc_actor_1),
            assoc_actor_2: name(&e.assoc_actor_2),
            location: loc.map(|l| l.name.as_str()),
            location_ar: loc.map(|l| l.name_ar.as_str()),
            country: loc.map(|l| l.country.as_str()),
            admin1: loc.and_then(|l| l.admin1.as_deref()),
            admin2: loc.and_then(|l| l.admin2.as_deref()),
            admin3: loc.and_then(|l| l.admin3.as_deref()),
            latitude: loc.and_then(|l| l.latitude),
            longitude: loc.and_then(|l| l.longitude),
            geo_precision: loc.map(|l| l.geo_precision),
            event_date: e.date.date.as_deref(),
            time_precision: e.date.time_precision,
            date_source: e.date.source.map(|s| s.as_str()),
            fatalities: e.fatalities.as_ref().map(|f| f.value),
            fatalities_approx: e.fatalities.as_ref().map(|f| match f.approx {
                marsad_extract::Approx::Exact => "exact",
                marsad_extract::Approx::About => "about",
                marsad_extract::Approx::AtLeast => "at_least",
                marsad_extract::Approx::AtMost => "at_most",
            }),
            injured: e.injured.as_ref().map(|f| f.value),
            arrested: e.arrested.as_ref().map(|f| f.value),
            source: e.source.as_deref(),
            cited_source: e.cited_source.as_ref().map(|s| s.text.as_str()),
            stance: e.stance.as_str(),
            evidence: &e.evidence,
            claims: &e.claims,
            truce: e.truce.as_ref(),
            story_id: story.map(|s| s.id.as_str()),
            story_status: story.map(|s| s.status.as_str()),
            sources_count: story.map(|s| s.cited_sources),
            fatalities_low: fat.map(|f| f.low),
            fatalities_best: fat.map(|f| f.best),
            fatalities_high: fat.map(|f| f.high),
        }
    }
}

/// ACLED's columns in ACLED's order (those marsad can derive), marsad's own after them.
pub const CSV_HEADER: &[&str] = &[
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
    "doc",
    "location_ar",
    "cited_source",
    "stance",
    "evidence_start",
    "evidence_end",
    "story_id",
    "story_status",
    "sources_count",
    "fatalities_low",
    "fatalities_best",
    "fatalities_high",
    "date_source",
];

/// A UTF-8 byte-order mark: written before a CSV so that spreadsheets (Excel) read it as UTF-8
/// rather than the local code page; pandas and the `csv` crate skip it.
pub const CSV_BOM: &[u8] = b"\xEF\xBB\xBF";

pub fn csv_record(e: &Event) -> Vec<String> {
    csv_record_with(e, None)
}

/// ACLED's disorder type of an event type.
fn disorder_type(event_type: &str) -> &'static str {
    match event_type.parse::<EventType>() {
        Ok(EventType::Protests | EventType::Riots) => "Demonstrations",
        Ok(EventType::StrategicDevelopments) => "Strategic developments",
        _ => "Political violence",
    }
}

/// The old numeric `inter` code, which orders the two sides of ACLED's `interaction`.
fn inter_rank(k: ActorKind) -> u8 {
    match k {
        ActorKind::StateForces => 1,
        ActorKind::RebelGroup => 2,
        ActorKind::PoliticalMilitia => 3,
        ActorKind::IdentityMilitia => 4,
        ActorKind::Protesters => 6,
        ActorKind::Civilians => 7,
        ActorKind::ExternalForce | ActorKind::Other => 8,
    }
}

/// ACLED's `interaction`: the two sides' inter labels, lower code first ("State forces-Rebel
/// group"), or "State forces only".
fn interaction(a1: Option<&ActorRef>, a2: Option<&ActorRef>) -> String {
    match (a1.map(|a| a.kind), a2.map(|a| a.kind)) {
        (Some(x), Some(y)) => {
            let (x, y) = if inter_rank(x) <= inter_rank(y) {
                (x, y)
            } else {
                (y, x)
            };
            format!("{}-{}", x.acled_inter(), y.acled_inter())
        }
        (Some(x), None) | (None, Some(x)) => format!("{} only", x.acled_inter()),
        (None, None) => String::new(),
    }
}

/// ACLED's `timestamp` (when the row was last changed): the time of this export, or
/// `SOURCE_DATE_EPOCH` when set, for reproducible files.
static TIMESTAMP: LazyLock<String> = LazyLock::new(|| {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        })
        .to_string()
});

/// [`csv_record`] with the columns of the event's story.
pub fn csv_record_with(e: &Event, story: Option<&marsad_link::Story>) -> Vec<String> {
    let r = Row::with_story(e, story);
    let s = |v: Option<&str>| v.unwrap_or("").to_string();
    let n = |v: Option<String>| v.unwrap_or_default();
    let country = r.country.and_then(marsad_kb::country);
    let civilians_targeted = e
        .actor2
        .as_ref()
        .is_some_and(|a| a.kind == ActorKind::Civilians);
    // Tags say what a reader of the row alone would miss: an estimated toll, a reported claim.
    let mut tags: Vec<String> = Vec::new();
    if let Some(a) = r.fatalities_approx.filter(|a| *a != "exact") {
        tags.push(format!("fatalities {}", a.replace('_', " ")));
    }
    if r.stance != "asserted" {
        tags.push(format!("stance {}", r.stance));
    }
    if e.truce.is_some() {
        tags.push("truce".into());
    }
    vec![
        r.event_id.to_string(),
        s(r.event_date),
        r.event_date
            .and_then(|d| d.get(..4))
            .unwrap_or("")
            .to_string(),
        n(r.time_precision.map(|v| v.to_string())),
        disorder_type(r.event_type).to_string(),
        r.event_type.to_string(),
        r.sub_event_type.to_string(),
        s(r.actor1),
        s(r.assoc_actor_1),
        s(e.actor1.as_ref().map(|a| a.kind.acled_inter())),
        s(r.actor2),
        s(r.assoc_actor_2),
        s(e.actor2.as_ref().map(|a| a.kind.acled_inter())),
        interaction(e.actor1.as_ref(), e.actor2.as_ref()),
        if civilians_targeted {
            "Civilian targeting".into()
        } else {
            String::new()
        },
        n(country.map(|c| c.iso.to_string())),
        s(country.map(|c| c.region)),
        // ACLED names the country; the ISO2 code stands in for one the table lacks.
        s(country.map(|c| c.name).or(r.country)),
        s(r.admin1),
        s(r.admin2),
        s(r.admin3),
        s(r.location),
        n(r.latitude.map(|v| format!("{v:.5}"))),
        n(r.longitude.map(|v| format!("{v:.5}"))),
        n(r.geo_precision.map(|v| v.to_string())),
        s(r.source),
        s(e.source_scale.map(|x| x.as_str())),
        r.evidence.text.replace('\n', " "),
        r.fatalities.unwrap_or(0).to_string(),
        tags.join("; "),
        TIMESTAMP.clone(),
        r.doc.to_string(),
        s(r.location_ar),
        s(r.cited_source),
        r.stance.to_string(),
        r.evidence.start.to_string(),
        r.evidence.end.to_string(),
        s(r.story_id),
        s(r.story_status),
        n(r.sources_count.map(|v| v.to_string())),
        n(r.fatalities_low.map(|v| v.to_string())),
        n(r.fatalities_best.map(|v| v.to_string())),
        n(r.fatalities_high.map(|v| v.to_string())),
        s(r.date_source),
    ]
}
