//! Arabic text for matching: normalization with an offset map, sentences, tokens, proclitics and
//! numbers.
//!
//! In: original document text (`&str`). Out: a [`Normalized`] text in which every byte maps back
//! to a byte of the original, plus sentence/token ranges and [`Quantity`] values found in it.
//! Every later stage matches on the normalized text and reports spans through
//! [`Normalized::original_range`], so evidence always slices the original exactly.
//!
//! ```
//! use marsad_text::{normalize, quantities, Approx};
//!
//! let original = "مقتل «نحو ١٥» عنصراً من قوّات سوريّة الديمقراطيّة";
//! let n = normalize(original);
//! let q = &quantities(&n.text)[0];
//! assert_eq!((q.value, q.approx), (15, Approx::About));
//! assert_eq!(&original[n.original_range(q.range.clone())], "نحو ١٥");
//! ```
//!
//! Modules: `normalize` (rules and offset map), `sentence` (paragraphs, sentences, clauses),
//! `token` (tokens, word boundaries, proclitic readings), [`clitics`] (the proclitics themselves), `number` (counts), `place_words` (words
//! around unlisted place names), [`calendar`] (month names).
//! Nothing here knows about events, places or the knowledge base.

#![warn(missing_docs)]

pub mod calendar;
pub mod clitics;
pub mod function_words;
mod normalize;
mod number;
mod place_words;
mod sentence;
mod token;

pub use normalize::{
    is_arabic_letter, is_invisible, normalize, normalize_key, normalized_key, Normalized,
};
pub use number::{quantities, quantities_in, Approx, Quantity};
pub use place_words::{
    is_allegiance_noun, is_landmark_word, is_list_place_word, is_not_a_place_name,
    is_not_a_place_spelling, is_place_name_head, is_place_name_suffix, is_place_name_tail,
    is_pressure_noun, is_settlement_word, may_be_a_word_spelled_as_place,
};
pub use sentence::{clauses, paragraphs, sentences};
pub use token::{
    is_word_char, proclitic_splits, strip_article, token_iter, tokens, word_char_at, word_end,
    word_runs, word_runs_in, Token, TokenIter, TokenKind,
};
