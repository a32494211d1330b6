//! Parsing the TOML and CSV data files into records, with errors that name the file and line.

use crate::model::{Actor, Cue, EventType, Outlet, Place, PlaceKind, SubEventType, Trigger};
use crate::KbError;
use marsad_text::normalize_key;
use serde::Deserialize;

/// One TOML data file: any of the four tables.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TomlDoc {
    #[serde(default)]
    pub actor: Vec<Actor>,
    #[serde(default)]
    pub trigger: Vec<RawTrigger>,
    #[serde(default)]
    pub cue: Vec<Cue>,
    #[serde(default)]
    pub outlet: Vec<Outlet>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTrigger {
    phrase: String,
    #[serde(default)]
    event_type: String,
    sub_event_type: String,
    #[serde(default)]
    frame: String,
    #[serde(default)]
    verbal: bool,
    #[serde(default)]
    requires: Vec<String>,
    #[serde(default)]
    window: Option<usize>,
    #[serde(default)]
    prefix_match: bool,
}

/// 1-based line of byte offset `at` in `src`.
pub(crate) fn line_at(src: &str, at: usize) -> usize {
    src.as_bytes()[..at.min(src.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Line of the first occurrence of `"needle"` (quoted) in `src`, or 0 if not found.
pub(crate) fn line_of(src: &str, needle: &str) -> usize {
    let quoted = format!("\"{needle}\"");
    src.find(&quoted)
        .or_else(|| src.find(needle))
        .map(|i| line_at(src, i))
        .unwrap_or(0)
}

/// Normalizes a phrase for matching, keeping a trailing `*` and collapsing inner whitespace.
pub(crate) fn norm_phrase(s: &str) -> String {
    let t = s.trim();
    let (body, star) = match t.strip_suffix('*') {
        Some(b) => (b, true),
        None => (t, false),
    };
    let n = normalize_key(body);
    let mut out = n.split_whitespace().collect::<Vec<_>>().join(" ");
    if star && !out.is_empty() {
        out.push('*');
    }
    out
}

pub(crate) fn parse_toml(path: &str, src: &str) -> Result<TomlDoc, KbError> {
    toml::from_str::<TomlDoc>(src).map_err(|e| KbError::Syntax {
        path: path.to_string(),
        line: e.span().map(|s| line_at(src, s.start)).unwrap_or(0),
        message: e.message().trim().to_string(),
    })
}

fn invalid(path: &str, line: usize, reason: String) -> KbError {
    KbError::Invalid {
        path: path.to_string(),
        line,
        reason,
    }
}

/// The records of one TOML file, checked and normalized.
pub(crate) type Records = (Vec<Actor>, Vec<Trigger>, Vec<Cue>, Vec<Outlet>);

/// Checks and normalizes the records of one TOML file.
pub(crate) fn finish_toml(path: &str, src: &str, doc: TomlDoc) -> Result<Records, KbError> {
    let mut actors = Vec::with_capacity(doc.actor.len());
    for mut a in doc.actor {
        // Lines are looked up only for errors: a search per record made loading quadratic.
        let line = {
            let key = a.id.clone();
            move || line_of(src, &key)
        };
        if a.id.trim().is_empty() || a.name.trim().is_empty() {
            return Err(invalid(path, line(), "actor with empty id or name".into()));
        }
        a.aliases = dedup_norm(&a.aliases);
        a.anaphors = dedup_norm(&a.anaphors);
        if a.aliases.is_empty() {
            return Err(invalid(
                path,
                line(),
                format!("actor {:?} has no aliases", a.id),
            ));
        }
        if let Some(bad) = a.aliases.iter().chain(&a.anaphors).find(|s| s.is_empty()) {
            return Err(invalid(
                path,
                line(),
                format!("actor {:?}: empty alias {bad:?}", a.id),
            ));
        }
        actors.push(a);
    }
    let mut triggers = Vec::with_capacity(doc.trigger.len());
    let mut seen: std::collections::HashMap<String, (String, _)> = std::collections::HashMap::new();
    for t in doc.trigger {
        // Lines are looked up only for errors: a search per record made loading quadratic.
        let line = {
            let key = t.phrase.clone();
            move || line_of(src, &key)
        };
        let mut phrase = norm_phrase(&t.phrase);
        if t.prefix_match && !phrase.ends_with('*') {
            phrase.push('*');
        }
        if phrase.trim_end_matches('*').is_empty() {
            return Err(invalid(path, line(), "trigger with empty phrase".into()));
        }
        // "" marks a blocker; any other name must be an ACLED sub-event type, and an
        // event_type, when given, must be the one it belongs to.
        let sub_event_type = if t.sub_event_type.is_empty() {
            None
        } else {
            let sub: SubEventType = t
                .sub_event_type
                .parse()
                .map_err(|e| invalid(path, line(), format!("trigger {:?}: {e}", t.phrase)))?;
            if !t.event_type.is_empty() {
                let et: EventType = t
                    .event_type
                    .parse()
                    .map_err(|e| invalid(path, line(), format!("trigger {:?}: {e}", t.phrase)))?;
                if et != sub.event_type() {
                    return Err(invalid(
                        path,
                        line(),
                        format!(
                            "trigger {:?}: event_type {:?} does not fit sub_event_type {:?}",
                            t.phrase, t.event_type, t.sub_event_type
                        ),
                    ));
                }
            }
            Some(sub)
        };
        // Two spellings of one phrase (e.g. with and without hamza) are one trigger when they
        // say the same thing; otherwise the file is ambiguous.
        let key = (sub_event_type, t.frame.clone(), t.verbal);
        if let Some((prev, prev_key)) = seen.get(&phrase) {
            if *prev_key == key {
                continue;
            }
            return Err(invalid(
                path,
                line(),
                format!(
                    "trigger phrase {:?} repeats line {} with another meaning",
                    t.phrase,
                    line_of(src, prev)
                ),
            ));
        }
        seen.insert(phrase.clone(), (t.phrase.clone(), key));
        let requires: Vec<String> = t
            .requires
            .iter()
            .map(|r| norm_phrase(r))
            .filter(|r| !r.trim_end_matches('*').is_empty())
            .collect();
        triggers.push(Trigger {
            phrase,
            sub_event_type,
            frame: t.frame,
            verbal: t.verbal,
            requires,
            window: t.window.unwrap_or(4),
        });
    }
    let mut cues = Vec::with_capacity(doc.cue.len());
    let mut seen_cues = std::collections::HashSet::new();
    for mut c in doc.cue {
        // Lines are looked up only for errors: a search per record made loading quadratic.
        let line = {
            let key = c.phrase.clone();
            move || line_of(src, &key)
        };
        c.phrase = norm_phrase(&c.phrase);
        if c.phrase.trim_end_matches('*').is_empty() {
            return Err(invalid(path, line(), "cue with empty phrase".into()));
        }
        // The same phrase written twice (e.g. with and without hamza) is one cue.
        if seen_cues.insert((c.phrase.clone(), c.kind)) {
            cues.push(c);
        }
    }
    let mut outlets = Vec::with_capacity(doc.outlet.len());
    for mut o in doc.outlet {
        // Lines are looked up only for errors: a search per record made loading quadratic.
        let line = {
            let key = o.id.clone();
            move || line_of(src, &key)
        };
        if o.id.trim().is_empty() {
            return Err(invalid(path, line(), "outlet with empty id".into()));
        }
        o.aliases = dedup_norm(&o.aliases);
        for d in &mut o.domains {
            let l = d.trim().to_ascii_lowercase();
            *d = l.strip_prefix("www.").unwrap_or(&l).to_string();
            if d.is_empty() || d.contains(['/', ' ']) {
                return Err(invalid(
                    path,
                    line(),
                    format!("outlet {:?} has a bad domain", o.id),
                ));
            }
        }
        if o.aliases.is_empty() {
            return Err(invalid(
                path,
                line(),
                format!("outlet {:?} has no aliases", o.id),
            ));
        }
        outlets.push(o);
    }
    Ok((actors, triggers, cues, outlets))
}

/// Normalizes and de-duplicates surface forms, keeping their first order.
fn dedup_norm(forms: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(forms.len());
    for f in forms {
        let n = norm_phrase(f);
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

#[derive(Debug, Deserialize)]
struct RawPlace {
    id: String,
    kind: String,
    #[serde(default)]
    name_en: String,
    name_ar: String,
    #[serde(default)]
    variants_ar: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    admin1: String,
    #[serde(default)]
    admin2: String,
    #[serde(default)]
    admin3: String,
    #[serde(default)]
    lat: String,
    #[serde(default)]
    lon: String,
    #[serde(default)]
    parent_id: String,
    #[serde(default)]
    needs_context: String,
    #[serde(default)]
    source: String,
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn parse_coord(path: &str, line: impl Fn() -> usize, s: &str) -> Result<Option<f64>, KbError> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<f64>().map(Some).map_err(|_| KbError::Csv {
        path: path.to_string(),
        line: line(),
        message: format!("bad coordinate {t:?}"),
    })
}

/// Parses a places CSV (`id,kind,name_en,name_ar,variants_ar,country,admin1,admin2,admin3,lat,
/// lon,parent_id,needs_context,source`).
pub(crate) fn parse_places(path: &str, src: &str) -> Result<Vec<Place>, KbError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(src.as_bytes());
    let csv_err = |line: usize, message: String| KbError::Csv {
        path: path.to_string(),
        line,
        message,
    };
    let mut out = Vec::new();
    for rec in rdr.deserialize::<RawPlace>() {
        let raw = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
                return Err(csv_err(line, e.to_string()));
            }
        };
        let line = {
            let key = raw.id.clone();
            move || line_of(src, &key).max(1)
        };
        if raw.id.is_empty() || raw.name_ar.is_empty() {
            return Err(csv_err(line(), "empty id or name_ar".into()));
        }
        let kind: PlaceKind = serde::Deserialize::deserialize(serde::de::value::StrDeserializer::<
            serde::de::value::Error,
        >::new(
            raw.kind.trim().to_lowercase().as_str(),
        ))
        .map_err(|_| csv_err(line(), format!("unknown place kind {:?}", raw.kind)))?;
        let needs_context = match raw.needs_context.trim().to_lowercase().as_str() {
            "" | "false" | "0" | "no" => false,
            "true" | "1" | "yes" => true,
            other => return Err(csv_err(line(), format!("bad needs_context {other:?}"))),
        };
        let variants: Vec<String> = raw
            .variants_ar
            .split('|')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect();
        out.push(Place {
            lat: parse_coord(path, &line, &raw.lat)?,
            lon: parse_coord(path, &line, &raw.lon)?,
            id: raw.id,
            kind,
            name: raw.name_en,
            name_ar: raw.name_ar,
            variants,
            country: if raw.country.is_empty() {
                "SY".to_string()
            } else {
                raw.country
            },
            admin1: opt(&raw.admin1),
            admin2: opt(&raw.admin2),
            admin3: opt(&raw.admin3),
            parent: opt(&raw.parent_id),
            needs_context,
            bulk_village: raw.source.starts_with(crate::BULK_VILLAGE_SOURCE),
            source: raw.source,
        });
    }
    Ok(out)
}
