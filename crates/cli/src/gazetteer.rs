//! `marsad gazetteer import`: a GeoNames dump (tab-separated, the `allCountries.txt` / `SY.txt`
//! layout) → a places CSV in marsad's gazetteer format, to load with `--kb-extra`.
//!
//! Only rows with an Arabic name are kept (matching runs on Arabic). Admin units are taken from
//! the nearest sub-district of the built-in gazetteer, since GeoNames admin codes do not map to
//! OCHA names one to one; the `source` column says so.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use anyhow::{Context, Result};
use marsad_kb::{KnowledgeBase, PlaceKind};

/// What the import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub read: usize,
    pub written: usize,
    pub without_arabic: usize,
    pub bad_lines: usize,
}

fn kind_of(class: &str, code: &str) -> Option<&'static str> {
    Some(match (class, code) {
        ("P", "PPLC") | ("P", "PPLA") => "city",
        ("P", c) if c.starts_with("PPLA") => "town",
        ("P", _) => "village",
        ("A", "ADM1") => "governorate",
        ("A", "ADM2") => "district",
        ("A", "ADM3") => "subdistrict",
        ("S", "CMP") | ("S", "CMPRF") => "camp",
        ("S", "AIRB") | ("S", "AIRP") | ("S", "AIRF") => "airport",
        ("S", "MILB") | ("S", "INSM") => "base",
        ("S", "OILF") | ("S", "OILW") => "oil_field",
        ("S", "GASF") => "gas_field",
        ("S", "BDG") => "bridge",
        ("S", "PSTB") => "border_crossing",
        ("H", "DAM") | ("S", "DAM") => "dam",
        ("T", "MT") | ("T", "MTS") | ("T", "HLL") => "mountain",
        ("T", "DSRT") => "desert",
        ("L", _) => "region",
        _ => return None,
    })
}

fn is_arabic(s: &str) -> bool {
    s.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
}

pub fn import(kb: &KnowledgeBase, input: &Path, out: &Path) -> Result<ImportReport> {
    let f =
        std::fs::File::open(input).with_context(|| format!("{}: cannot open", input.display()))?;
    let mut w =
        csv::Writer::from_path(out).with_context(|| format!("{}: cannot write", out.display()))?;
    w.write_record([
        "id",
        "kind",
        "name_en",
        "name_ar",
        "variants_ar",
        "country",
        "admin1",
        "admin2",
        "admin3",
        "lat",
        "lon",
        "parent_id",
        "needs_context",
        "source",
    ])?;
    let subdistricts: Vec<&marsad_kb::Place> = kb
        .places
        .iter()
        .filter(|p| p.kind == PlaceKind::Subdistrict && p.lat.is_some() && p.lon.is_some())
        .collect();
    let mut report = ImportReport::default();
    for (n, line) in BufReader::new(f).lines().enumerate() {
        let line =
            line.with_context(|| format!("{}:{}: not UTF-8 text", input.display(), n + 1))?;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        report.read += 1;
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 11 {
            report.bad_lines += 1;
            eprintln!(
                "marsad: warning: {}:{}: {} columns, a GeoNames row has 19",
                input.display(),
                n + 1,
                cols.len()
            );
            continue;
        }
        let (Ok(lat), Ok(lon)) = (cols[4].parse::<f64>(), cols[5].parse::<f64>()) else {
            report.bad_lines += 1;
            eprintln!(
                "marsad: warning: {}:{}: bad coordinates",
                input.display(),
                n + 1
            );
            continue;
        };
        let Some(kind) = kind_of(cols[6], cols[7]) else {
            continue;
        };
        let arabic: Vec<&str> = cols[3]
            .split(',')
            .map(str::trim)
            .filter(|s| is_arabic(s))
            .collect();
        let name_ar = if is_arabic(cols[1]) {
            Some(cols[1])
        } else {
            arabic.first().copied()
        };
        let Some(name_ar) = name_ar else {
            report.without_arabic += 1;
            continue;
        };
        let variants: Vec<&str> = arabic.iter().copied().filter(|v| *v != name_ar).collect();
        let country = cols[8];
        // Admin units of the nearest sub-district (Syria only).
        let nearest = (country == "SY")
            .then(|| {
                subdistricts.iter().min_by(|a, b| {
                    let d = |p: &&&marsad_kb::Place| {
                        (p.lat.unwrap() - lat).powi(2)
                            + ((p.lon.unwrap() - lon) * lat.to_radians().cos()).powi(2)
                    };
                    d(a).total_cmp(&d(b))
                })
            })
            .flatten();
        let (a1, a2, a3, parent) = match nearest {
            Some(p) => (
                p.admin1.clone().unwrap_or_default(),
                p.admin2.clone().unwrap_or_default(),
                p.admin3.clone().unwrap_or_default(),
                p.id.clone(),
            ),
            None => Default::default(),
        };
        w.write_record([
            format!("gn-{}", cols[0]),
            kind.to_string(),
            cols[1].to_string(),
            name_ar.to_string(),
            variants.join("|"),
            country.to_string(),
            a1,
            a2,
            a3,
            format!("{lat:.5}"),
            format!("{lon:.5}"),
            parent,
            "false".to_string(),
            "GeoNames (CC BY 4.0); admin units from the nearest Open-Syria sub-district"
                .to_string(),
        ])?;
        report.written += 1;
    }
    w.flush()?;
    std::io::stderr().flush().ok();
    Ok(report)
}
