//! Full-text search over documents and their events: a tantivy index whose analyzer is the
//! project's own normalizer and tokenizer.
//!
//! In: `marsad_ingest::Document` + `marsad_extract::Analysis` pairs. Out: [`Hit`]s with a
//! snippet and highlight ranges that are byte offsets into the ORIGINAL document text.
//!
//! # Analyzer (`marsad_ar`)
//! The text is normalized with `marsad_text::normalize` (diacritics, tatweel, alef/yeh/teh
//! marbuta forms, quotes...) and split with `marsad_text::token_iter`; every token carries the
//! original byte range of its word (through `Normalized::original_range`), so highlights slice
//! the text as written. Punctuation is dropped; numbers are kept as they are.
//!
//! * Index side: each word is indexed under several readings at the same position: the word,
//!   and the word without each proclitic of `و ف ب ل ك ال وال بال لل فال كال وبال` that leaves
//!   at least three letters. Every reading then loses light10 suffixes (`ها ان ات ون ين يه ه ي`,
//!   in that order, each once, only when three letters remain).
//! * Query side: one token per word: the longest article combination (`وبال وال بال فال كال لل
//!   ال`) removed when three letters remain, then the same suffixes. This form is always one of
//!   the index readings, so `هدنة` matches `الهدنة`, `والهدنة`, `بهدنة`, `للهدنة`; phrases keep
//!   working because readings share positions.
//!
//! Stripping single-letter proclitics only at index time (as extra readings) avoids the
//! instability of a one-reading stemmer (`بلدة` → `لدة` but `ببلدة` → `بلدة`). Two alternatives
//! are registered for comparison: `marsad_ar_snowball` (same normalizer and tokenizer, then
//! tantivy's Snowball Arabic stemmer) and `plain` (tantivy's simple tokenizer + lowercase).
//! `tests/recall.rs` measures them (see `RECALL.md`).
//!
//! # Schema
//! `id` (raw, stored), `title` and `body` (analyzer above, stored), `outlet` (stored), `actor`
//! (`"<id> <canonical name>"` of every actor of every event), `place` (place id, English and
//! Arabic name, admin1 of every event location), `type` (event type, sub-event type and frame),
//! `published` (date: fast, indexed, stored). Non-default fields use `marsad_ar` too, so
//! `actor:sdf`, `place:"deir ez-zor"`, `type:"armed clash"`, `outlet:enab` work.
//!
//! # Queries and alias expansion
//! Queries use tantivy's syntax over `title` + `body` (title boosted ×1.5): `"phrase"`, `AND`,
//! `OR`, `NOT`, `+must`, `-must_not`, `field:value`; bare words are AND-ed by default.
//! A query is first checked against [`QueryLimits`] (at most 2,000 bytes, 16 levels of
//! parentheses and `NOT`, 64 clauses by default; [`check_query`]): tantivy's parser recurses
//! once per level, and a few thousand levels overflow the stack. Past a limit the search
//! returns [`Error::Limit`], before tantivy sees the query; [`Error::is_user_error`] tells
//! such errors (and syntax errors, bad filters, `title:*`) from index failures.
//! Before parsing, [`expand_query`] (or a kept [`Expander`]) rewrites every word or word
//! sequence (longest first, up to 8 words, plain words or one quoted phrase) whose normalized
//! form is an actor alias or a place name of the knowledge base:
//!
//! ```text
//! هدنة قسد   →   هدنة (قسد OR "قوات سوريا الديمقراطيه" OR "قوات سوريه الديموقراطيه" ... OR actor:"sdf")
//! قصف الرقة  →   قصف (الرقة OR "الرقه" OR "محافظه الرقه" ... OR place:"sy-ar-raqqa" ...)
//! ```
//!
//! Actor aliases (not anaphors) expand to all aliases of the actor plus `actor:"<id>"`; place
//! names (name_ar and variants; places flagged `needs_context` are skipped) expand to all names
//! of every place with that name plus `place:"<id>"`. A word carrying a proclitic (`وقسد`,
//! `بالرقة`) is looked up without it. So `search("هدنة قسد")` finds a document that only says
//! "قوات سورية الديموقراطية" and "الهدنة".
//!
//! # Writing
//! One `IndexWriter` (memory budget [`WRITER_MEMORY`], ~100 MB) is opened on the first
//! [`SearchIndex::add`] and reused until [`SearchIndex::commit`]: add a batch, commit once.
//! `add` deletes any earlier version of the same document id first, so re-adding replaces.
//!
//! ```no_run
//! # fn run(docs: Vec<(marsad_ingest::Document, marsad_extract::Analysis)>) -> marsad_search::Result<()> {
//! use marsad_search::{Filter, SearchIndex};
//! let mut index = SearchIndex::open_or_create(std::path::Path::new("index"))?;
//! for (doc, analysis) in &docs {
//!     index.add(doc, analysis)?;
//! }
//! index.commit()?;
//! for hit in index.search("هدنة قسد", 10)? {
//!     println!("{} {:.2} {}", hit.doc, hit.score, hit.snippet);
//! }
//! let filter = Filter { since: Some("2024-01-01".into()), actor: Some("sdf".into()), ..Filter::default() };
//! let _ = index.search_filtered("قصف", &filter, 10)?;
//! # Ok(()) }
//! ```

mod analyzer;
mod expand;
mod index;
mod limits;

pub use analyzer::{
    index_readings, plain_analyzer, query_form, query_tokenizers, register_index_analyzers,
    snowball_analyzer, stem_suffix, Analyzer, MarsadTokenizer, VecTokenStream, MARSAD_AR,
    MARSAD_AR_SNOWBALL, PLAIN,
};
pub use expand::{expand_query, Expander};
pub use index::{
    parse_date, snippet, Config, Error, Filter, Hit, Result, SearchIndex, WRITER_MEMORY,
};
pub use limits::{check_query, LimitError, QueryLimits};
