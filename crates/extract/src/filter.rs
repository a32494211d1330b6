//! A learned filter over extracted events: a logistic regression on hashed features of the
//! event's evidence and context that scores how likely the event is one a coder would code
//! (not a menu item, related headline, caption, opinion, history, plan, or a trigger word used
//! loosely).
//!
//! The weights are `data/model/event_filter.txt`, trained by `scripts/train_event_filter.py` on
//! the *tune* articles of the team's gold only; that script documents the features and must stay
//! in step with [`features`] here (the unit test checks both give the same probabilities on
//! synthetic events).
//!
//! File format: one JSON header line (`bias`, `threshold`, `bits`, `hash`, training metadata),
//! then one `bucket weight` line per nonzero weight.

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;

use crate::model::Event;

const MODEL: &str = include_str!("../../../data/model/event_filter.txt");
/// Characters of context read on each side of the evidence.
const CTX: usize = 60;

/// The event filter with its weights.
#[derive(Debug, Clone)]
pub struct EventFilter {
    bias: f64,
    threshold: f64,
    mask: u64,
    /// Name prefixes of the features the model uses (the header's `groups`).
    groups: Vec<String>,
    weights: HashMap<u32, f64>,
}

impl Default for EventFilter {
    fn default() -> Self {
        Self::embedded()
    }
}

impl EventFilter {
    /// The model built into the binary.
    pub fn embedded() -> Self {
        Self::parse(MODEL).expect("embedded event filter model is valid")
    }

    /// Reads a model in the format `scripts/train_event_filter.py` writes.
    pub fn parse(src: &str) -> Result<Self, String> {
        let mut lines = src.lines();
        let header: serde_json::Value = serde_json::from_str(lines.next().ok_or("empty model")?)
            .map_err(|e| format!("model header: {e}"))?;
        if header["hash"] != "fnv1a64-mod-2^18" {
            return Err(format!("unknown hash scheme {}", header["hash"]));
        }
        let num = |k: &str| header[k].as_f64().ok_or(format!("model header: no {k}"));
        let bits = num("bits")? as u32;
        let groups = header["groups"]
            .as_array()
            .ok_or("model header: no groups")?
            .iter()
            .map(|g| {
                g.as_str()
                    .map(str::to_string)
                    .ok_or("model header: a group is not a string")
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut weights = HashMap::new();
        for (n, line) in lines.enumerate() {
            let mut it = line.split_ascii_whitespace();
            let (Some(b), Some(w), None) = (it.next(), it.next(), it.next()) else {
                return Err(format!("model line {}: {line:?}", n + 2));
            };
            let b: u32 = b
                .parse()
                .map_err(|e| format!("model line {}: {e}", n + 2))?;
            let w: f64 = w
                .parse()
                .map_err(|e| format!("model line {}: {e}", n + 2))?;
            weights.insert(b, w);
        }
        Ok(EventFilter {
            bias: num("bias")?,
            threshold: num("threshold")?,
            mask: (1u64 << bits) - 1,
            groups,
            weights,
        })
    }

    /// The probability threshold chosen on the tune articles.
    pub fn threshold(&self) -> f32 {
        self.threshold as f32
    }

    /// Probability that `ev` is a real event; `doc_text` is the original text of its document
    /// (the one `ev.evidence` offsets point into).
    pub fn score(&self, ev: &Event, doc_text: &str) -> f32 {
        self.prob(ev, doc_text) as f32
    }

    /// True when the event scores at or above the threshold.
    pub fn keep(&self, ev: &Event, doc_text: &str) -> bool {
        self.prob(ev, doc_text) >= self.threshold
    }

    fn prob(&self, ev: &Event, doc_text: &str) -> f64 {
        let mut z = self.bias;
        for (name, value) in features(ev, doc_text) {
            if !self.groups.iter().any(|g| name.starts_with(g.as_str())) {
                continue;
            }
            if let Some(w) = self.weights.get(&((fnv1a64(&name) & self.mask) as u32)) {
                z += w * value;
            }
        }
        1.0 / (1.0 + (-z).exp())
    }
}

/// FNV-1a, 64 bits, over the UTF-8 bytes.
fn fnv1a64(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in s.as_bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The scorer's `norm`: NFKC, diacritics and tatweel dropped, alef/ya/ta marbuta/hamza forms
/// unified, lowercase.
fn norm(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfkc() {
        let c = match c {
            '\u{0610}'..='\u{061a}'
            | '\u{064b}'..='\u{065f}'
            | '\u{0670}'
            | '\u{06d6}'..='\u{06ed}'
            | '\u{0640}' => continue,
            'إ' | 'أ' | 'آ' | 'ٱ' => 'ا',
            'ى' => 'ي',
            'ة' => 'ه',
            'ؤ' => 'و',
            'ئ' => 'ي',
            c => c,
        };
        out.extend(c.to_lowercase());
    }
    out
}

/// Words of `norm(s)`: runs of alphanumeric characters or `_`, longer than one character.
fn words(s: &str) -> Vec<String> {
    let n = norm(s);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut len = 0;
    for c in n.chars() {
        if c.is_alphanumeric() || c == '_' {
            cur.push(c);
            len += 1;
        } else {
            if len > 1 {
                out.push(std::mem::take(&mut cur));
            }
            cur.clear();
            len = 0;
        }
    }
    if len > 1 {
        out.push(cur);
    }
    out
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit()
        || ('\u{0660}'..='\u{0669}').contains(&c)
        || ('\u{06f0}'..='\u{06f9}').contains(&c)
}

/// Each distinct token of a group weighs 1/sqrt(number of distinct tokens).
fn group(out: &mut Vec<(String, f64)>, prefix: &str, toks: impl IntoIterator<Item = String>) {
    let mut toks: Vec<String> = toks.into_iter().collect();
    toks.sort_unstable();
    toks.dedup();
    if toks.is_empty() {
        return;
    }
    let v = 1.0 / (toks.len() as f64).sqrt();
    out.extend(toks.into_iter().map(|t| (format!("{prefix}{t}"), v)));
}

/// The named features of an event, as `scripts/train_event_filter.py` computes them.
fn features(ev: &Event, doc_text: &str) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    let text = ev.evidence.text.as_str();
    let ws = words(text);
    group(
        &mut out,
        "b:",
        ws.windows(2).map(|p| format!("{} {}", p[0], p[1])),
    );
    let mut grams = Vec::new();
    for w in &ws {
        let cs: Vec<char> = format!("<{w}>").chars().collect();
        for n in 3..=5 {
            for g in cs.windows(n) {
                grams.push(g.iter().collect::<String>());
            }
        }
    }
    group(&mut out, "c:", grams);
    let n_words = ws.len();
    group(&mut out, "w:", ws);
    let start = ev.evidence.start.min(doc_text.len());
    let end = ev.evidence.end.clamp(start, doc_text.len());
    let before: String = match doc_text.get(..start) {
        Some(s) => {
            let mut v: Vec<char> = s.chars().rev().take(CTX).collect();
            v.reverse();
            v.into_iter().collect()
        }
        None => String::new(),
    };
    let after: String = doc_text
        .get(end..)
        .map(|s| s.chars().take(CTX).collect())
        .unwrap_or_default();
    group(&mut out, "p:", words(&before));
    group(&mut out, "q:", words(&after));
    out.push((format!("t:{}", ev.sub_event_type), 1.0));
    out.push((format!("e:{}", ev.event_type), 1.0));
    out.push((format!("s:{}", ev.stance.as_str()), 1.0));
    let gp = ev
        .location
        .as_ref()
        .map_or("none".to_string(), |l| l.geo_precision.to_string());
    out.push((format!("g:{gp}"), 1.0));
    out.push(("n:len".into(), (n_words as f64).ln_1p() / 4.0));
    out.push((
        "n:pos".into(),
        ev.evidence.start as f64 / doc_text.len().max(1) as f64,
    ));
    let flags = [
        ("n:head", ev.evidence.start < 300),
        ("n:loc", ev.location.is_some()),
        ("n:a1", ev.actor1.is_some()),
        ("n:a2", ev.actor2.is_some()),
        ("n:fat", ev.fatalities.is_some()),
        ("n:cited", ev.cited_source.is_some()),
        ("n:hl", ev.claims.iter().any(|c| c.headline)),
        ("n:date", ev.date.date.is_some()),
    ];
    out.extend(
        flags
            .iter()
            .map(|&(k, f)| (k.to_string(), if f { 1.0 } else { 0.0 })),
    );
    out.push(("n:claims".into(), (ev.claims.len() as f64).ln_1p() / 2.0));
    let chars = text.chars().count();
    let digits = text.chars().filter(|&c| is_digit(c)).count();
    out.push(("n:digits".into(), digits as f64 / chars.max(1) as f64));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = include_str!("../tests/event_filter_fixture.jsonl");

    #[test]
    fn matches_python_on_synthetic_events() {
        let f = EventFilter::embedded();
        let mut lines = FIXTURE.lines();
        let head: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
        let doc = head["doc_text"].as_str().unwrap();
        let mut n = 0;
        for line in lines {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let ev: Event = serde_json::from_value(v["event"].clone()).unwrap();
            let want = v["prob"].as_f64().unwrap();
            let got = f.score(&ev, doc) as f64;
            assert!(
                (got - want).abs() < 1e-4,
                "{}: rust {got} python {want}",
                ev.id
            );
            assert_eq!(f.keep(&ev, doc), want >= f.threshold, "{}", ev.id);
            n += 1;
        }
        assert!(n >= 20);
    }

    #[test]
    fn norm_and_words_follow_the_scorer() {
        assert_eq!(norm("أَحْمَدُ ـ مدرسة إلى"), "احمد  مدرسه الي");
        assert_eq!(
            words("قَصَفَت  الطائرات، و ISIS-2"),
            ["قصفت", "الطايرات", "isis"]
        );
        assert_eq!(fnv1a64(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64("a"), 0xaf63_dc4c_8601_ec8c);
    }
}
