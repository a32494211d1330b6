//! The plain data types extraction produces. Every field that comes from the text carries the
//! [`Span`] it was read from (byte offsets into the document's original text).

use serde::{Deserialize, Serialize};

/// A piece of the original document: `text == &document.text[start..end]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// How the document presents an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Stance {
    /// Reported as fact (possibly on a cited source's word).
    Asserted,
    /// Reported, and the same document carries a denial of it.
    Disputed,
    /// Framed as rumour, likelihood or question ("أنباء عن", "يرجح", a headline ending in "؟").
    Uncertain,
    /// Only reported as denied.
    Denied,
}

impl Stance {
    pub fn as_str(self) -> &'static str {
        match self {
            Stance::Asserted => "asserted",
            Stance::Disputed => "disputed",
            Stance::Uncertain => "uncertain",
            Stance::Denied => "denied",
        }
    }
}

/// An actor taking part in an event, resolved against the knowledge base.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActorRef {
    /// Knowledge-base id (e.g. `sdf`).
    pub id: String,
    /// Canonical English name (ACLED style).
    pub name: String,
    /// Where it is named; `None` when inferred (e.g. an unidentified perpetrator).
    pub evidence: Option<Span>,
    /// Its category in the knowledge base (ACLED's `inter1`/`inter2` come from it).
    #[serde(default)]
    pub kind: marsad_kb::ActorKind,
}

/// Where an event happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// Gazetteer id of the place the coordinates belong to.
    pub place_id: String,
    /// English display name ("Dhiban", "Deir ez-Zor countryside", "near Tal Abyad").
    pub name: String,
    /// The Arabic words of the text that named it.
    pub name_ar: String,
    pub country: String,
    pub admin1: Option<String>,
    pub admin2: Option<String>,
    pub admin3: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// ACLED geo precision: 1 the named town or site, 2 near it or part of a region coded to a
    /// town, 3 only a region/governorate.
    pub geo_precision: u8,
    pub evidence: Span,
}

/// Which rule found the report date an event's date was resolved from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateSource {
    /// The input's metadata (JSONL `published`, HTML `article:published_time`, WARC date).
    Metadata,
    /// The page's URL path or query ("/2017/05/12/", "20170512", "?date=2017-05-12").
    Url,
    /// A date line of the page: after "نشر في"/"تاريخ النشر", or a full date next to the
    /// article's start.
    Dateline,
    /// A full date inside the article's text, the latest it reports on.
    Text,
    /// A Hijri date of the page with no Gregorian one beside it, converted.
    Hijri,
}

impl DateSource {
    pub fn as_str(self) -> &'static str {
        match self {
            DateSource::Metadata => "metadata",
            DateSource::Url => "url",
            DateSource::Dateline => "dateline",
            DateSource::Text => "text",
            DateSource::Hijri => "hijri",
        }
    }
}

/// When an event happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct EventDate {
    /// ISO date (YYYY-MM-DD), when it can be derived.
    pub date: Option<String>,
    /// ACLED time precision: 1 day, 2 week, 3 month.
    pub time_precision: Option<u8>,
    /// The expression it was derived from ("أول من أمس", "الثلاثاء"); `None` when the date is
    /// the document's own.
    pub evidence: Option<Span>,
    /// How the report date behind `date` was found; `None` when there is no date.
    #[serde(default)]
    pub source: Option<DateSource>,
}

/// How exact a reported count is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Approx {
    Exact,
    About,
    AtLeast,
    AtMost,
}

impl From<marsad_text::Approx> for Approx {
    fn from(a: marsad_text::Approx) -> Self {
        match a {
            marsad_text::Approx::Exact => Approx::Exact,
            marsad_text::Approx::About => Approx::About,
            marsad_text::Approx::AtLeast => Approx::AtLeast,
            marsad_text::Approx::AtMost => Approx::AtMost,
        }
    }
}

/// A reported number of people (killed, injured, arrested).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Count {
    pub value: u64,
    pub approx: Approx,
    /// The phrases the count was read from (several when the text adds up parts).
    pub evidence: Vec<Span>,
}

/// One statement of an event inside the document: who says it and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    pub evidence: Span,
    pub stance: Stance,
    /// The source the document cites for this statement ("مصادر كردية معارضة", "مصدر مطلع").
    pub cited_source: Option<Span>,
    /// True when the statement is the headline.
    pub headline: bool,
}

/// A truce or agreement as a first-class record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Truce {
    /// Canonical names of the parties.
    pub parties: Vec<String>,
    /// Canonical name of the mediator or sponsor, or the Arabic phrase when it is not a known
    /// actor ("وساطة عشائرية").
    pub mediator: Option<String>,
    pub mediator_evidence: Option<Span>,
    /// Start date (ISO) when stated or derivable.
    pub start: Option<String>,
    pub start_evidence: Option<Span>,
    /// Duration in days when stated ("ستة أشهر" = 180).
    pub duration_days: Option<u32>,
    /// True for "قابل للتمديد" (extendable).
    pub extendable: bool,
    pub duration_evidence: Option<Span>,
    /// Sentences stating its terms.
    pub terms: Vec<Span>,
    /// Described as secret / not announced.
    pub secret: bool,
    pub secret_evidence: Option<Span>,
}

/// Id of the event at `index` (0-based, in evidence order) of document `doc_id`: `<doc>#<n>`,
/// counting from 1.
pub fn event_id(doc_id: &str, index: usize) -> String {
    format!("{doc_id}#{}", index + 1)
}

/// An event coded from one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// `<doc>#<n>`, stable for the same document text and knowledge base.
    pub id: String,
    pub doc: String,
    pub event_type: String,
    pub sub_event_type: String,
    /// Finer label from the trigger lexicon ("truce", "car_bomb"...).
    pub frame: String,
    pub actor1: Option<ActorRef>,
    pub actor2: Option<ActorRef>,
    pub assoc_actor_1: Option<ActorRef>,
    pub assoc_actor_2: Option<ActorRef>,
    pub location: Option<Location>,
    pub date: EventDate,
    pub fatalities: Option<Count>,
    pub injured: Option<Count>,
    pub arrested: Option<Count>,
    /// The outlet that published the document.
    pub source: Option<String>,
    /// ACLED's source scale of that outlet (`data/outlets.toml`), when known.
    #[serde(default)]
    pub source_scale: Option<marsad_kb::SourceScale>,
    /// The cited source of the best statement.
    pub cited_source: Option<Span>,
    pub stance: Stance,
    /// The statement that best carries the event.
    pub evidence: Span,
    /// Every statement of this event in the document, in text order.
    pub claims: Vec<Claim>,
    pub truce: Option<Truce>,
}

impl Event {
    /// An event with only its document, types and evidence: no actors, place, date, counts or
    /// claims. For building stores and fixtures without running extraction.
    pub fn bare(doc: &str, event_type: &str, sub_event_type: &str, evidence: Span) -> Event {
        Event {
            id: String::new(),
            doc: doc.to_string(),
            event_type: event_type.to_string(),
            sub_event_type: sub_event_type.to_string(),
            frame: String::new(),
            actor1: None,
            actor2: None,
            assoc_actor_1: None,
            assoc_actor_2: None,
            location: None,
            date: EventDate::default(),
            fatalities: None,
            injured: None,
            arrested: None,
            source: None,
            source_scale: None,
            cited_source: None,
            stance: Stance::Asserted,
            evidence,
            claims: vec![],
            truce: None,
        }
    }
}

/// What extraction returns for one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub doc: String,
    /// Outlet name (English canonical when known, else as written).
    pub outlet: Option<String>,
    /// Publication date (ISO) used to resolve relative dates.
    pub published: Option<String>,
    /// How `published` was found.
    #[serde(default)]
    pub date_source: Option<DateSource>,
    pub events: Vec<Event>,
    /// Every actor, place, outlet and trigger the knowledge base found.
    pub mentions: Vec<EntityMention>,
}

impl Analysis {
    /// Its events as stored under document id `doc_id` (which the store may have suffixed):
    /// `doc` set to it and ids [`event_id`].
    pub fn events_stored_as(&self, doc_id: &str) -> Vec<Event> {
        self.events
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let mut e = e.clone();
                e.doc = doc_id.to_string();
                e.id = event_id(doc_id, i);
                e
            })
            .collect()
    }
}

/// A knowledge-base entity named in the document (kept for the store and the document view).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityMention {
    /// `actor`, `place`, `outlet` or `trigger`.
    pub kind: String,
    /// Knowledge-base id (or the sub-event type for triggers).
    pub id: String,
    pub span: Span,
}
