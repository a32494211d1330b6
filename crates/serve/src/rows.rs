//! Event rows in the export contract of `marsad export` (the row itself is
//! `marsad_store::export`, shared with the CLI): JSONL, an ACLED-style CSV and GeoJSON.

use marsad_extract::Event;

pub use marsad_store::export::{csv_record, Row, CSV_HEADER};

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
