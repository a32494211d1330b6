//! Event rows in the export contract of `marsad export` (the row itself is
//! `marsad_store::export`, shared with the CLI): JSONL, an ACLED-style CSV and GeoJSON
//! features, one event at a time (the API streams them).

use std::cell::RefCell;
use std::rc::Rc;

use marsad_extract::Event;

pub use marsad_store::export::{csv_record, Row, CSV_HEADER};

/// Writes CSV records into caller-owned buffers (the csv writer writes into a small shared
/// buffer, moved out after every record).
pub struct Encoder {
    csv: csv::Writer<Sink>,
    buf: Rc<RefCell<Vec<u8>>>,
}

struct Sink(Rc<RefCell<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Encoder {
    pub fn new() -> Self {
        let buf = Rc::new(RefCell::new(Vec::new()));
        Encoder {
            csv: csv::Writer::from_writer(Sink(buf.clone())),
            buf,
        }
    }

    fn write<T: AsRef<[u8]>>(
        &mut self,
        out: &mut Vec<u8>,
        record: impl IntoIterator<Item = T>,
    ) -> anyhow::Result<()> {
        self.csv.write_record(record)?;
        self.csv.flush()?;
        out.append(&mut self.buf.borrow_mut());
        Ok(())
    }

    /// The header line.
    pub fn csv_header(&mut self, out: &mut Vec<u8>) -> anyhow::Result<()> {
        out.extend_from_slice(marsad_store::export::CSV_BOM);
        self.write(out, CSV_HEADER)
    }

    /// One event as a CSV record.
    pub fn csv_row(&mut self, e: &Event, out: &mut Vec<u8>) -> anyhow::Result<()> {
        self.write(out, csv_record(e))
    }
}

/// One event as a JSON line.
pub fn jsonl_row(e: &Event, out: &mut Vec<u8>) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *out, &Row::new(e))?;
    out.push(b'\n');
    Ok(())
}

/// The point feature of an event that has coordinates (properties: the row fields without
/// claims and truce); `None` without coordinates.
pub fn feature(e: &Event) -> Option<serde_json::Value> {
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
}

pub use marsad_store::headline;

#[cfg(test)]
mod tests {
    use super::headline;

    #[test]
    fn a_headline_is_the_title_or_an_opening_line_of_four_words() {
        assert_eq!(headline(Some(" عنوان "), "نص").as_deref(), Some("عنوان"));
        // A section name of two words is passed over for the headline under it.
        assert_eq!(
            headline(None, "سياسة عربية\n\nأنباء عن اتفاق غير معلن\nنص").as_deref(),
            Some("أنباء عن اتفاق غير معلن")
        );
        assert_eq!(headline(None, "  \n").as_deref(), None);
        let long = "كلمة ".repeat(60);
        let h = headline(Some(""), &long).unwrap();
        assert!(h.ends_with('…') && h.chars().count() <= 121, "{h}");
    }
}
