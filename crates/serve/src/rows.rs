//! Event rows in the export contract of `marsad export` (same field names, written here, not
//! shared with the CLI): JSON objects, JSONL, an ACLED-style CSV and GeoJSON features.

use marsad_extract::{ActorRef, Approx, Claim, Event, Span, Truce};
use serde::Serialize;

/// One event as the API and the exports show it. Field names are the export contract.
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
    pub fatalities: Option<u64>,
    pub fatalities_approx: Option<&'static str>,
    pub injured: Option<u64>,
    pub arrested: Option<u64>,
    pub source: Option<&'a str>,
    pub cited_source: Option<&'a str>,
    pub stance: &'static str,
    pub evidence: &'a Span,
    pub claims: &'a [Claim],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truce: Option<&'a Truce>,
}

fn name(a: &Option<ActorRef>) -> Option<&str> {
    a.as_ref().map(|a| a.name.as_str())
}

fn approx(a: Approx) -> &'static str {
    match a {
        Approx::Exact => "exact",
        Approx::About => "about",
        Approx::AtLeast => "at_least",
        Approx::AtMost => "at_most",
    }
}

impl<'a> Row<'a> {
    pub fn new(e: &'a Event) -> Self {
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
            fatalities: e.fatalities.as_ref().map(|f| f.value),
            fatalities_approx: e.fatalities.as_ref().map(|f| approx(f.approx)),
            injured: e.injured.as_ref().map(|f| f.value),
            arrested: e.arrested.as_ref().map(|f| f.value),
            source: e.source.as_deref(),
            cited_source: e.cited_source.as_ref().map(|s| s.text.as_str()),
            stance: e.stance.as_str(),
            evidence: &e.evidence,
            claims: &e.claims,
            truce: e.truce.as_ref(),
        }
    }
}

/// ACLED column names where they exist, marsad's own after them (as `marsad export --format csv`).
pub const CSV_HEADER: &[&str] = &[
    "event_id_cnty",
    "event_date",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "notes",
    "fatalities",
    "doc",
    "location_ar",
    "cited_source",
    "stance",
    "evidence_start",
    "evidence_end",
];

fn csv_record(e: &Event) -> Vec<String> {
    let r = Row::new(e);
    let s = |v: Option<&str>| v.unwrap_or("").to_string();
    let n = |v: Option<String>| v.unwrap_or_default();
    vec![
        r.event_id.to_string(),
        s(r.event_date),
        n(r.time_precision.map(|v| v.to_string())),
        r.event_type.to_string(),
        r.sub_event_type.to_string(),
        s(r.actor1),
        s(r.assoc_actor_1),
        s(r.actor2),
        s(r.assoc_actor_2),
        s(r.country),
        s(r.admin1),
        s(r.admin2),
        s(r.admin3),
        s(r.location),
        n(r.latitude.map(|v| format!("{v:.5}"))),
        n(r.longitude.map(|v| format!("{v:.5}"))),
        n(r.geo_precision.map(|v| v.to_string())),
        s(r.source),
        r.evidence.text.replace('\n', " "),
        r.fatalities.unwrap_or(0).to_string(),
        r.doc.to_string(),
        s(r.location_ar),
        s(r.cited_source),
        r.stance.to_string(),
        r.evidence.start.to_string(),
        r.evidence.end.to_string(),
    ]
}

/// The events as CSV (header first).
pub fn csv(events: &[Event]) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_HEADER)?;
    for e in events {
        w.write_record(csv_record(e))?;
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

/// One JSON object per line.
pub fn jsonl(events: &[Event]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    for e in events {
        serde_json::to_writer(&mut out, &Row::new(e))?;
        out.push(b'\n');
    }
    Ok(out)
}

/// A FeatureCollection of the events that have coordinates (point features; the properties are
/// the row fields without claims and truce).
pub fn geojson(events: &[Event]) -> serde_json::Value {
    let features: Vec<serde_json::Value> = events
        .iter()
        .filter_map(|e| {
            let loc = e.location.as_ref()?;
            let (lat, lon) = (loc.latitude?, loc.longitude?);
            let mut props = serde_json::to_value(Row::new(e)).ok()?;
            if let Some(o) = props.as_object_mut() {
                o.remove("claims");
                o.remove("truce");
            }
            Some(serde_json::json!({
                "type": "Feature",
                "id": e.id,
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": props,
            }))
        })
        .collect();
    serde_json::json!({"type": "FeatureCollection", "features": features})
}
