//! A learned filter over extracted events: a logistic regression on hashed features that scores
//! how likely an event is one a coder would code (not a menu item, related headline, caption,
//! opinion, history, plan, or a trigger word used loosely).
//!
//! The features are computed here only, from what the rules know about the event (its trigger
//! word and whether it is a verb, its type, actors, place, counts, date, source, stance), its
//! sentence (position, length, quotes, question, words, a window around the trigger) and its
//! page (number of events, share of sentences with a trigger, short lines). Training reads them
//! from `marsad filter-features` (their names and values), so there is no second copy of the
//! feature code to keep in step: `scripts/train_event_filter.py` documents the one command that
//! retrains, and a test checks that the Python model's probabilities on dumped features are the
//! ones the hashed path here computes.
//!
//! File format (`data/model/event_filter.txt`): one JSON header line (`bias`, `threshold`,
//! `bits`, `hash`, `groups`, training metadata), then one `bucket weight` line per nonzero weight.
//! A feature's bucket is FNV-1a 64 of its name (group prefix + parts, UTF-8) modulo 2^bits;
//! colliding features add up.

use std::ops::Range;

use crate::doc::Doc;
use crate::model::Event;

const MODEL: &str = include_str!("../../../data/model/event_filter.txt");
/// Words read on each side of the trigger.
const WINDOW: usize = 3;

/// An event the rules found, its filter features by name and the built-in model's probability
/// (what `marsad filter-features` writes).
pub type FeatureRow = (Event, Vec<(String, f64)>, f64);

/// The event filter with its weights.
#[derive(Debug, Clone)]
pub struct EventFilter {
    bias: f64,
    threshold: f64,
    mask: u64,
    /// Group prefixes of the features the model uses (the header's `groups`).
    groups: Vec<String>,
    /// Dense weights, one per bucket: a lookup per feature, no hashing of a map.
    weights: Vec<f32>,
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

    /// The model built into the binary, parsed once.
    pub fn shared() -> &'static EventFilter {
        static MODEL: std::sync::OnceLock<EventFilter> = std::sync::OnceLock::new();
        MODEL.get_or_init(Self::embedded)
    }

    /// Reads a model in the format `scripts/train_event_filter.py` writes.
    pub fn parse(src: &str) -> Result<Self, String> {
        let mut lines = src.lines();
        let header: serde_json::Value = serde_json::from_str(lines.next().ok_or("empty model")?)
            .map_err(|e| format!("model header: {e}"))?;
        if header["hash"] != "fnv1a64-mod-2^bits" {
            return Err(format!("unknown hash scheme {}", header["hash"]));
        }
        let num = |k: &str| header[k].as_f64().ok_or(format!("model header: no {k}"));
        let bits = num("bits")? as u32;
        if !(1..=24).contains(&bits) {
            return Err(format!("model header: bits {bits} out of range"));
        }
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
        let mut weights = vec![0f32; 1 << bits];
        for (n, line) in lines.enumerate() {
            let mut it = line.split_ascii_whitespace();
            let (Some(b), Some(w), None) = (it.next(), it.next(), it.next()) else {
                return Err(format!("model line {}: {line:?}", n + 2));
            };
            let b: usize = b
                .parse()
                .map_err(|e| format!("model line {}: {e}", n + 2))?;
            let w: f32 = w
                .parse()
                .map_err(|e| format!("model line {}: {e}", n + 2))?;
            *weights
                .get_mut(b)
                .ok_or(format!("model line {}: bucket {b} out of range", n + 2))? = w;
        }
        Ok(EventFilter {
            bias: num("bias")?,
            threshold: num("threshold")?,
            mask: (1u64 << bits) - 1,
            groups,
            weights,
        })
    }

    /// The probability threshold chosen by cross-validation on the tune articles.
    pub fn threshold(&self) -> f32 {
        self.threshold as f32
    }

    /// Probability that the event described by `facts` is one a coder would code.
    pub(crate) fn prob(&self, facts: &Facts) -> f64 {
        let mut s = Scorer {
            model: self,
            z: self.bias,
        };
        features(facts, &mut s);
        1.0 / (1.0 + (-s.z).exp())
    }

    /// Probability of a feature vector given by name (what `marsad filter-features` writes).
    pub fn prob_named<'a>(&self, named: impl IntoIterator<Item = (&'a str, f64)>) -> f64 {
        let mut z = self.bias;
        for (name, v) in named {
            if self.groups.iter().any(|g| name.starts_with(g.as_str())) {
                z += f64::from(self.weights[(fnv1a64(&[name]) & self.mask) as usize]) * v;
            }
        }
        1.0 / (1.0 + (-z).exp())
    }

    /// True when the probability is at or above the threshold.
    pub(crate) fn keep(&self, facts: &Facts) -> bool {
        self.prob(facts) >= self.threshold
    }
}

/// What the rules know about one finished event, for its features. Ranges are in the
/// normalized text (`doc.text()`).
pub(crate) struct Facts<'a> {
    pub doc: &'a Doc<'a>,
    pub event: &'a Event,
    /// Index of the sentence of the statement that carries the event.
    pub sentence: usize,
    pub evidence: Range<usize>,
    /// The trigger word(s) and the knowledge base's phrase for them.
    pub trigger: Range<usize>,
    pub phrase: &'a str,
    pub verbal: bool,
    pub definite: bool,
    pub headline: bool,
    /// A date expression was read for the statement.
    pub date_cue: bool,
    /// Statements merged into the event.
    pub statements: usize,
    pub page: &'a Page,
}

/// Page-level counts, the same for every event of a document.
pub(crate) struct Page {
    pub events: usize,
    pub statements: usize,
    /// Sentences with at least one statement.
    pub trigger_sentences: usize,
    /// Sentences of fewer than six words (menus, headline lists, captions).
    pub short_sentences: usize,
    pub glued: bool,
}

impl Page {
    pub fn new(doc: &Doc, events: usize, statement_sentences: &[usize]) -> Page {
        let mut s: Vec<usize> = statement_sentences.to_vec();
        s.sort_unstable();
        s.dedup();
        let short_sentences = doc
            .sentences
            .iter()
            .filter(|se| {
                doc.tokens_in(se.range.clone())
                    .filter(|t| t.kind == marsad_text::TokenKind::Word)
                    .nth(5)
                    .is_none()
            })
            .count();
        Page {
            events,
            statements: statement_sentences.len(),
            trigger_sentences: s.len(),
            short_sentences,
            glued: doc.sentences.iter().any(|se| se.glued),
        }
    }
}

/// Where features go: hashed into a score, or named for training.
pub(crate) trait Sink {
    /// Whether features of `group` are used at all (skips computing unused groups).
    fn wants(&self, group: &str) -> bool;
    /// Feature `group` + `parts` (concatenated) with value `v`.
    fn add(&mut self, group: &str, parts: &[&str], v: f64);
    /// Features `group` + each distinct token, each 1/sqrt(number of distinct tokens).
    fn group(&mut self, name: &str, mut toks: Vec<&str>) {
        toks.sort_unstable();
        toks.dedup();
        if toks.is_empty() {
            return;
        }
        let v = 1.0 / (toks.len() as f64).sqrt();
        for t in toks {
            self.add(name, &[t], v);
        }
    }
}

struct Scorer<'m> {
    model: &'m EventFilter,
    z: f64,
}

impl Sink for Scorer<'_> {
    fn wants(&self, group: &str) -> bool {
        self.model.groups.iter().any(|g| g == group)
    }
    fn add(&mut self, group: &str, parts: &[&str], v: f64) {
        let mut h = Fnv::new();
        h.write(group);
        for p in parts {
            h.write(p);
        }
        let w = self.model.weights[(h.0 & self.model.mask) as usize];
        self.z += f64::from(w) * v;
    }
    // Distinct by hash, not by string: sorting integers is several times cheaper than sorting
    // the n-grams, and two distinct tokens of one event sharing a 64-bit hash is not a concern.
    fn group(&mut self, name: &str, toks: Vec<&str>) {
        let mut prefix = Fnv::new();
        prefix.write(name);
        let mut hs: Vec<u64> = toks
            .iter()
            .map(|t| {
                let mut h = Fnv(prefix.0);
                h.write(t);
                h.0
            })
            .collect();
        hs.sort_unstable();
        hs.dedup();
        if hs.is_empty() {
            return;
        }
        let v = 1.0 / (hs.len() as f64).sqrt();
        let sum: f64 = hs
            .iter()
            .map(|h| f64::from(self.model.weights[(h & self.model.mask) as usize]))
            .sum();
        self.z += sum * v;
    }
}

/// Features by name, for `marsad filter-features` and training.
#[derive(Default)]
pub(crate) struct Named(pub Vec<(String, f64)>);

impl Sink for Named {
    fn wants(&self, _: &str) -> bool {
        true
    }
    fn add(&mut self, group: &str, parts: &[&str], v: f64) {
        let mut name = group.to_string();
        for p in parts {
            name.push_str(p);
        }
        self.0.push((name, v));
    }
}

struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, s: &str) {
        for &b in s.as_bytes() {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// FNV-1a, 64 bits, over the UTF-8 bytes of the parts, concatenated.
fn fnv1a64(parts: &[&str]) -> u64 {
    let mut h = Fnv::new();
    for p in parts {
        h.write(p);
    }
    h.0
}

/// Bins a count: the bin's label.
fn bin(n: usize, edges: &[(usize, &'static str)], last: &'static str) -> &'static str {
    edges
        .iter()
        .find(|&&(e, _)| n < e)
        .map_or(last, |&(_, l)| l)
}

/// The features of one event.
pub(crate) fn features(f: &Facts, sink: &mut impl Sink) {
    let doc = f.doc;
    let t = doc.text();
    let ev = f.event;
    let sub = ev.sub_event_type.as_str();
    let word = |tk: &&marsad_text::Token| tk.kind == marsad_text::TokenKind::Word;

    // What the rules know.
    if sink.wants("t:") {
        sink.add("t:", &[sub], 1.0);
        sink.add("t:", &["frame ", &ev.frame], 1.0);
    }
    if sink.wants("tw:") {
        let form = if f.verbal {
            // Present tense (a prefix of the imperfect) vs past.
            match t[f.trigger.clone()].chars().next() {
                Some('ي' | 'ت' | 'ن') => "present",
                _ => "past",
            }
        } else if f.definite {
            "definite noun"
        } else {
            "noun"
        };
        sink.add("tw:", &[f.phrase], 1.0);
        sink.add("tw:", &["form ", form], 1.0);
        sink.add("tw:", &["form ", form, " ", sub], 1.0);
    }
    if sink.wants("x:") {
        let gp = ev
            .location
            .as_ref()
            .map_or("none", |l| match l.geo_precision {
                1 => "1",
                2 => "2",
                _ => "3",
            });
        let flags = [
            ("actor1", ev.actor1.is_some()),
            ("actor2", ev.actor2.is_some()),
            ("fatalities", ev.fatalities.is_some()),
            ("date expression", f.date_cue),
            ("cited source", ev.cited_source.is_some()),
            ("headline", f.headline),
            ("merged", f.statements > 1),
        ];
        for (k, on) in flags {
            if on {
                sink.add("x:", &[k], 1.0);
            }
        }
        sink.add("x:", &["geo ", gp], 1.0);
        sink.add("x:", &["stance ", ev.stance.as_str()], 1.0);
        let unknown = ev.actor1.as_ref().is_some_and(|a| a.evidence.is_none());
        if unknown {
            sink.add("x:", &["actor1 inferred"], 1.0);
        }
    }

    // The sentence.
    let se = &doc.sentences[f.sentence];
    let srange = se.range.clone();
    let stext = &t[srange.clone()];
    let swords: Vec<&str> = doc
        .tokens_in(srange.clone())
        .filter(word)
        .map(|tk| &t[tk.range.clone()])
        .collect();
    if sink.wants("s:") {
        let idx = bin(
            f.sentence,
            &[(1, "0"), (2, "1"), (3, "2"), (6, "3-5"), (12, "6-11")],
            "12+",
        );
        sink.add("s:", &["index ", idx], 1.0);
        let len = bin(
            swords.len(),
            &[
                (6, "<6"),
                (12, "<12"),
                (20, "<20"),
                (35, "<35"),
                (60, "<60"),
            ],
            "60+",
        );
        sink.add("s:", &["words ", len], 1.0);
        let marks = [
            ("quote", stext.contains(['"', '«', '»', '“', '”'])),
            ("question", stext.contains(['؟', '?'])),
            ("colon", stext.contains(':')),
            ("headline", se.headline),
            (
                "digits",
                stext.chars().any(|c| {
                    c.is_ascii_digit()
                        || ('\u{0660}'..='\u{0669}').contains(&c)
                        || ('\u{06f0}'..='\u{06f9}').contains(&c)
                }),
            ),
        ];
        for (k, on) in marks {
            if on {
                sink.add("s:", &[k], 1.0);
            }
        }
        sink.add("s:", &["pos"], srange.start as f64 / t.len().max(1) as f64);
    }
    if sink.wants("sw:") {
        sink.group("sw:", swords.clone());
    }
    // The words around the trigger, by their distance from it.
    if sink.wants("k:") {
        let first = doc.token_at(f.trigger.start);
        let last = doc.token_at(f.trigger.end);
        let before = doc.tokens[doc.token_at(srange.start)..first]
            .iter()
            .rev()
            .filter(word)
            .take(WINDOW);
        const BEFORE: [&str; WINDOW] = ["-1 ", "-2 ", "-3 "];
        const AFTER: [&str; WINDOW] = ["+1 ", "+2 ", "+3 "];
        for (tk, d) in before.zip(BEFORE) {
            sink.add("k:", &[d, &t[tk.range.clone()]], 1.0);
        }
        let after = doc.tokens[last.min(doc.tokens.len())..]
            .iter()
            .take_while(|tk| tk.range.end <= srange.end)
            .filter(word)
            .take(WINDOW);
        for (tk, d) in after.zip(AFTER) {
            sink.add("k:", &[d, &t[tk.range.clone()]], 1.0);
        }
    }

    // The evidence.
    let ew: Vec<&str> = doc
        .tokens_in(f.evidence.clone())
        .filter(word)
        .map(|tk| &t[tk.range.clone()])
        .collect();
    if sink.wants("w:") {
        sink.group("w:", ew.clone());
    }
    if sink.wants("c:") {
        // Character 3–5-grams of "<word>" over the distinct words, slices of one buffer.
        let mut distinct = ew.clone();
        distinct.sort_unstable();
        distinct.dedup();
        let mut buf = String::with_capacity(distinct.iter().map(|w| w.len() + 2).sum());
        let mut spans = Vec::with_capacity(distinct.len());
        for w in &distinct {
            let s = buf.len();
            buf.push('<');
            buf.push_str(w);
            buf.push('>');
            spans.push(s..buf.len());
        }
        let mut grams: Vec<&str> = Vec::new();
        let mut cuts: Vec<usize> = Vec::new();
        for r in spans {
            let w = &buf[r];
            cuts.clear();
            cuts.extend(w.char_indices().map(|(i, _)| i));
            cuts.push(w.len());
            for n in 3..=5 {
                for i in 0..cuts.len().saturating_sub(n) {
                    grams.push(&w[cuts[i]..cuts[i + n]]);
                }
            }
        }
        sink.group("c:", grams);
    }
    if sink.wants("n:") {
        sink.add("n:", &["evidence words"], (ew.len() as f64).ln_1p() / 4.0);
        sink.add(
            "n:",
            &["evidence share"],
            ew.len() as f64 / swords.len().max(1) as f64,
        );
    }

    // The page.
    if sink.wants("p:") {
        let p = f.page;
        let n_sent = doc.sentences.len().max(1);
        sink.add(
            "p:",
            &[
                "events ",
                bin(
                    p.events,
                    &[(2, "1"), (3, "2"), (5, "3-4"), (9, "5-8")],
                    "9+",
                ),
            ],
            1.0,
        );
        sink.add(
            "p:",
            &[
                "sentences ",
                bin(
                    n_sent,
                    &[(5, "<5"), (10, "<10"), (20, "<20"), (40, "<40")],
                    "40+",
                ),
            ],
            1.0,
        );
        sink.add(
            "p:",
            &["trigger share"],
            p.trigger_sentences as f64 / n_sent as f64,
        );
        sink.add(
            "p:",
            &["short share"],
            p.short_sentences as f64 / n_sent as f64,
        );
        sink.add(
            "p:",
            &["statements per event"],
            (p.statements as f64 / p.events.max(1) as f64).ln_1p(),
        );
        if p.glued {
            sink.add("p:", &["glued"], 1.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_and_buckets() {
        assert_eq!(fnv1a64(&[""]), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(&["a"]), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(&["w:", "قصف"]), fnv1a64(&["w:قصف"]));
        assert_eq!(bin(0, &[(1, "0"), (3, "1-2")], "3+"), "0");
        assert_eq!(bin(2, &[(1, "0"), (3, "1-2")], "3+"), "1-2");
        assert_eq!(bin(7, &[(1, "0"), (3, "1-2")], "3+"), "3+");
    }

    #[test]
    fn parses_and_rejects() {
        let m = EventFilter::parse(
            "{\"hash\":\"fnv1a64-mod-2^bits\",\"bits\":4,\"bias\":0.5,\"threshold\":0.3,\"groups\":[\"w:\"]}\n3 1.5\n",
        )
        .unwrap();
        assert_eq!(m.weights.len(), 16);
        assert_eq!(m.weights[3], 1.5);
        assert!(EventFilter::parse("{\"hash\":\"fnv1a64-mod-2^bits\",\"bits\":4,\"bias\":0,\"threshold\":0,\"groups\":[]}\n99 1\n").is_err());
        assert!(EventFilter::parse("{\"hash\":\"md5\"}").is_err());
        // Only the model's groups count.
        let p = m.prob_named([("x:zzz", 100.0)]);
        assert!((p - 1.0 / (1.0 + (-0.5f64).exp())).abs() < 1e-12);
    }
}
