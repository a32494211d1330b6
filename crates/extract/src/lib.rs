//! Extraction: from one [`Document`] to coded [`Event`]s with actors, place, date, counts,
//! attribution and stance, every field with its evidence span.
//!
//! In: a `marsad_ingest::Document` and a `marsad_kb::KnowledgeBase`. Out: an [`Analysis`].
//!
//! The pipeline inside one document:
//! 1. normalize the text (offset map kept), split paragraphs, sentences, segments and clauses;
//! 2. find knowledge-base mentions (actors, places, outlets, triggers, cues) with one trie;
//! 3. every trigger that is not background, purpose, habitual or an agreement's term becomes a
//!    statement ([`Claim`]) with its own arguments read from its clause, segment or sentence;
//! 4. statements of the same happening inside the document (same sub-event type and frame,
//!    compatible actors and places) are merged into one [`Event`] whose evidence is the
//!    statement that carries the most; a denial anywhere makes it `disputed`.
//!
//! Rules are written for the language (word lists live in `data/*.toml`), not for given texts.

mod analyze;
mod dates;
mod doc;
mod filter;
mod geo;
pub mod model;
mod outlet;
mod starts;
mod tolls;

pub use analyze::Extractor;
pub use filter::{EventFilter, FeatureRow};
pub use model::*;
pub use outlet::url_host;
