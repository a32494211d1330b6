//! A document prepared for extraction: normalized text, its units (paragraphs, sentences,
//! segments, clauses, tokens) and the knowledge-base mentions found in it.

use std::ops::Range;

use marsad_ingest::Document;
use marsad_kb::{CueKind, Entity, KnowledgeBase, Mention, PlaceKind};
use marsad_text::{Normalized, Quantity, Token, TokenKind};

use crate::model::Span;

/// How far into a page its header (menu, headline, byline) may reach, in bytes.
const HEADER_BYTES: usize = 1200;

/// The longest item (in words) between two marks of a list page: tag and archive pages cut
/// leads at a few dozen words; articles that quote a ". . ." do so paragraphs apart.
const ITEM_WORDS: usize = 80;

/// Words per sentence above which a page whose items name five or more weekdays is leads run
/// together without their sentence ends. On the corpus, pages naming five weekdays or more
/// average 16 to 35 words a sentence when they are articles, roundups and forum threads, and
/// 45 to 58 when they are category pages of leads cut and run together.
const RUN_WORDS: usize = 45;

/// A sentence of the normalized text.
#[derive(Debug, Clone)]
pub struct Sentence {
    pub range: Range<usize>,
    pub para: usize,
    /// In the title block at the top of the page (headline, section label, byline).
    pub headline: bool,
    /// Headlines run together without spaces (see [`glued`]): a list of links or a news
    /// ticker scraped as one line, not a report.
    pub glued: bool,
    /// An item of a list page (a tag, archive or category page of leads cut short, a ticker of
    /// headlines run together) or page furniture ("مواضيع ذات صلة" and the links after it):
    /// not the article (see [`Doc::mark_list_items`]).
    pub list_item: bool,
    /// Segments: clauses grouped until a connective ("فيما", "بينما"...) opens a new one.
    pub segments: Vec<Range<usize>>,
    pub clauses: Vec<Range<usize>>,
}

/// An actor named in the text.
#[derive(Debug, Clone)]
pub struct ActorMention<'a> {
    pub range: Range<usize>,
    pub actor: usize,
    /// Top-level id (parent chain followed): Asayish and YPG share the SDF's family.
    pub family: &'a str,
    /// The family is civilians, which does not count when comparing the actors of two
    /// statements; computed once here, as that comparison runs for many statement pairs.
    pub civilian_family: bool,
    /// Named as the owner of an area ("مناطق سيطرة X"), not as a participant.
    pub area_owner: bool,
}

/// A place named in the text, with the words around it that change its meaning.
#[derive(Debug, Clone)]
pub struct PlaceMention {
    pub range: Range<usize>,
    /// The whole phrase incl. "ريف", direction and "قرب" words before it.
    pub phrase: Range<usize>,
    /// Candidate gazetteer rows sharing the name.
    pub candidates: Vec<usize>,
    pub countryside: bool,
    /// Compass word before it ("شرق", "جنوب غرب") or after "ريف X" ("الشرقي").
    pub direction: Option<CueKind>,
    pub near: bool,
    /// Where something went ("إلى X", "باتجاه X") after a verb of leaving: not where it happened.
    pub destination: bool,
    /// Where an attack came from ("أقلعت من قاعدة حميميم", "انطلقت من X"): not where it happened.
    pub origin: bool,
    /// The word before it names the kind of place ("بلدة", "مدينة", "حقل"...).
    pub typed: Option<String>,
    /// A name the gazetteer does not list, read after a place word ("قرية كبينة"): its
    /// `candidates` are the listed place around it, which gives its governorate and
    /// coordinates.
    pub unlisted: bool,
    /// Read as the next item of a list of places ("بلدتي البصيرة والصور"): the item after it
    /// continues the list ("قرية الزيارة والمنصورة وتل واسط والسرمانية").
    pub list_item: bool,
}

impl PlaceMention {
    /// Named as where something went or came from, not where it happened.
    pub fn elsewhere(&self) -> bool {
        self.destination || self.origin
    }
}

pub struct Doc<'a> {
    pub kb: &'a KnowledgeBase,
    pub id: &'a str,
    pub original: &'a str,
    pub norm: Normalized,
    pub tokens: Vec<Token>,
    pub paragraphs: Vec<Range<usize>>,
    pub sentences: Vec<Sentence>,
    pub actors: Vec<ActorMention<'a>>,
    pub places: Vec<PlaceMention>,
    /// The gazetteer row each place mention resolves to (see `geo::resolve_all`).
    pub place_rows: Vec<usize>,
    /// The document's main place, computed once (see `geo::document_place`).
    pub main_place: std::sync::OnceLock<Option<usize>>,
    pub outlets: Vec<(Range<usize>, usize)>,
    pub triggers: Vec<Mention>,
    pub cues: Vec<Mention>,
    pub quantities: Vec<Quantity>,
    /// The start of each token and of each cue, for the binary searches of [`Doc::token_at`],
    /// [`Doc::tokens_in`] and [`Doc::cues_in`], which run many times per statement: four bytes
    /// a position keep the search in a few cache lines, where a search over the tokens and
    /// mentions themselves missed the cache at each step.
    token_starts: crate::starts::Starts,
    cue_starts: crate::starts::Starts,
    /// Place mentions (indexes) of bulk villages whose only evidence is a preposition of place:
    /// kept only when a place of the same governorate is named nearby.
    /// `(index, false)`: a multi-word village name without a place word, dropped when the
    /// places named around it are all in other governorates.
    tentative: Vec<(usize, bool)>,
}

/// The key of "على" (see `marsad_text::normalize_key`), compared with the words of a document.
const ALA_KEY: &str = "علي";
/// The keys of "أخرى", "آخر", "أخر" ("other", after a noun).
const OTHER_KEYS: [&str; 2] = ["اخري", "اخر"];

impl<'a> Doc<'a> {
    pub fn new(doc: &'a Document, kb: &'a KnowledgeBase) -> Self {
        let norm = join_split_words(marsad_text::normalize(&doc.text), kb);
        let t = norm.text.as_str();
        // Repeated paragraphs are read once: drop every mention inside them.
        let skip: Vec<Range<usize>> = doc
            .repeated
            .iter()
            .map(|r| norm.from_original(r.start)..norm.from_original(r.end))
            .collect();
        let skipped = |r: &Range<usize>| skip.iter().any(|s| s.start <= r.start && r.start < s.end);

        let tokens = marsad_text::tokens(t);
        let paragraphs: Vec<Range<usize>> = marsad_text::paragraphs(t)
            .into_iter()
            .filter(|p| !skipped(p))
            .collect();
        let found = kb.find_all_in(t, &tokens);
        let keep = |ms: Vec<Mention>| -> Vec<Mention> {
            ms.into_iter().filter(|m| !skipped(&m.range)).collect()
        };
        // "ق تل شخص": a page that splits a word ("قتل") leaves a fragment that reads as a
        // place word ("تل", a hill). A place word right after a one-letter word that is no
        // proclitic written apart ("و تل") is such a fragment.
        let split_word = |m: &Mention| {
            matches!(m.entity, Entity::Cue(c) if kb.cues[c].kind == CueKind::PlaceType)
                && m.prefix.start.min(m.range.start) >= 2
                && {
                    let before = t[..m.prefix.start.min(m.range.start)].strip_suffix(' ');
                    before.is_some_and(|b| {
                        let mut letters = b.chars().rev().take_while(|c| c.is_alphabetic());
                        matches!(
                            (letters.next(), letters.next()),
                            (Some(c), None) if !matches!(c, 'و' | 'ب' | 'ل' | 'ف' | 'ك')
                        )
                    })
                }
        };
        let cues: Vec<Mention> = keep(found.cues)
            .into_iter()
            .filter(|m| !split_word(m))
            .collect();
        let triggers = keep(found.triggers);
        let entities = keep(found.entities);
        let quantities: Vec<Quantity> = marsad_text::quantities_in(t, &tokens)
            .into_iter()
            .filter(|q| !skipped(&q.range))
            .collect();

        let mut d = Doc {
            kb,
            id: &doc.id,
            original: &doc.text,
            norm,
            tokens,
            paragraphs,
            sentences: Vec::new(),
            actors: Vec::new(),
            places: Vec::new(),
            place_rows: Vec::new(),
            main_place: std::sync::OnceLock::new(),
            outlets: Vec::new(),
            triggers,
            cues,
            quantities,
            token_starts: Default::default(),
            cue_starts: Default::default(),
            tentative: Vec::new(),
        };
        // Offsets of normalized text fit in 32 bits (`marsad_text::Normalized` keeps them so).
        d.token_starts =
            crate::starts::Starts::new(d.tokens.iter().map(|t| t.range.start as u32).collect());
        d.cue_starts =
            crate::starts::Starts::new(d.cues.iter().map(|m| m.range.start as u32).collect());
        d.sentences = d.split_sentences(kb);
        d.mark_list_items();
        d.read_entities(kb, entities);
        d.confirm_tentative(kb);
        d.add_unlisted_places(kb);
        d.place_rows = crate::geo::resolve_all(kb, &d.places);
        d
    }

    pub fn text(&self) -> &str {
        &self.norm.text
    }

    /// The original text behind a normalized range.
    pub fn span(&self, r: Range<usize>) -> Span {
        let o = self.norm.original_range(r);
        Span {
            text: self.original[o.clone()].to_string(),
            start: o.start,
            end: o.end,
        }
    }

    fn split_sentences(&self, kb: &KnowledgeBase) -> Vec<Sentence> {
        let t = self.text();
        let mut out = Vec::new();
        // Scraped pages glue menu, headline and byline to the lead: the last page-furniture
        // word near the top ("حجم الخط") ends that header, whatever the line breaks say; so
        // does furniture in the first line ("تابعونا على", "كلمات مفتاحية" before the lead).
        let first_line = self.paragraphs.first().map_or(0, |p| p.end);
        let header_end = self
            .cues_kinds_in(0..HEADER_BYTES.min(t.len()))
            .filter(|(c, k)| {
                *k == CueKind::PageChrome || *k == CueKind::Furniture && c.range.end <= first_line
            })
            .map(|(c, _)| c.range.end)
            .max()
            .unwrap_or(0)
            .max({
                let mut cut = HEADER_BYTES.min(first_line);
                while !t.is_char_boundary(cut) {
                    cut -= 1;
                }
                time_stamp_end(&t[..cut])
            });
        // The title block: short lines without a full stop at the top of the page.
        let mut in_title = true;
        for (pi, p) in self.paragraphs.iter().enumerate() {
            let words = self
                .tokens_in(p.clone())
                .filter(|tk| tk.kind == TokenKind::Word)
                .count();
            let line = &t[p.clone()];
            let ends_stop = line.trim_end().ends_with('.') || line.contains(". ");
            let title_line = in_title && pi < 4 && words <= 22 && !ends_stop;
            if !title_line {
                in_title = false;
            }
            for s in marsad_text::sentences(&t[p.clone()]) {
                let range = p.start + s.start..p.start + s.end;
                let parts = if range.start < header_end && header_end < range.end {
                    vec![
                        (range.start..header_end, true),
                        (header_end..range.end, false),
                    ]
                } else {
                    vec![(range.clone(), range.end <= header_end)]
                };
                // A photo caption glued to the lead ends at its credit ("غارة سابقة للطيران
                // الروسي على مدينة عندان ( رويترز - أرشيف ) قال مراسل ..."): its places are
                // not the lead's.
                let mut pieces: Vec<(Range<usize>, bool)> = Vec::with_capacity(parts.len());
                for (range, header) in parts {
                    let mut from = range.start;
                    for (c, k) in self.cues_kinds_in(range.clone()) {
                        if k != CueKind::CaptionCredit || c.range.start < from {
                            continue;
                        }
                        let rest = &t[c.range.end..range.end];
                        let Some(close) = rest.find(')').filter(|&k| k <= 2) else {
                            continue;
                        };
                        let after = &rest[close + 1..];
                        let cut = range.end - after.trim_start().len();
                        if t[from..c.range.start].contains('(') && !after.trim().is_empty() {
                            pieces.push((from..cut, header));
                            from = cut;
                        }
                    }
                    pieces.push((from..range.end, header));
                }
                for (range, header) in pieces {
                    let clauses = marsad_text::clauses(t, range.clone());
                    let segments = self.segments(kb, &clauses);
                    let glued = glued(&self.original[self.norm.original_range(range.clone())]);
                    out.push(Sentence {
                        range,
                        para: pi,
                        glued,
                        list_item: false,
                        headline: title_line || header,
                        segments,
                        clauses,
                    });
                }
            }
        }
        out
    }

    /// Marks the sentences that are not the article but a list of other pages' items or page
    /// furniture (the codebook's menus, "related news" lists and tag pages):
    /// - a sentence holding a furniture cue ("مواضيع ذات صلة", "تابعونا على"), with the headlines
    ///   glued to it;
    /// - items of a list: three or more item marks (a lead cut short with ". . .", a view
    ///   counter repeated per item) at most [`ITEM_WORDS`] words apart, with the item before
    ///   the first mark and the one after the last;
    /// - a whole page that is a ticker (a third of its words in headlines run together, see
    ///   [`glued`]) or leads run together (items dated on five or more weekdays, and fewer than
    ///   one sentence end per [`RUN_WORDS`] words).
    ///
    /// A daily roundup or timeline is not a list here: its items are full sentences, ended and
    /// not cut, with no furniture between them.
    fn mark_list_items(&mut self) {
        let n = self.sentences.len();
        if n == 0 {
            return;
        }
        let words: Vec<usize> = self
            .sentences
            .iter()
            .map(|s| {
                self.tokens_in(s.range.clone())
                    .filter(|tk| tk.kind == TokenKind::Word)
                    .count()
            })
            .collect();
        let total: usize = words.iter().sum();
        let mut item = vec![false; n];
        let mut marks = Vec::new();
        for (i, s) in self.sentences.iter().enumerate() {
            let mut mark = self.cut_short(i);
            for (_, k) in self.cues_kinds_in(s.range.clone()) {
                match k {
                    // In the header it ended the header (see `split_sentences`).
                    CueKind::Furniture if !s.headline => item[i] = true,
                    CueKind::ListItem => mark = true,
                    _ => {}
                }
            }
            if mark {
                marks.push(i);
            }
        }
        // Runs of marks close together.
        let mut run_start = 0;
        for k in 1..=marks.len() {
            let close = k < marks.len()
                && words[marks[k - 1] + 1..=marks[k]].iter().sum::<usize>() <= ITEM_WORDS;
            if close {
                continue;
            }
            let run = &marks[run_start..k];
            run_start = k;
            if run.len() < 3 {
                continue;
            }
            // The item before the first mark and the one after the last: as long as the
            // run's longest item.
            let longest = run
                .windows(2)
                .map(|w| words[w[0] + 1..=w[1]].iter().sum::<usize>())
                .max()
                .unwrap_or(0);
            let mut first = run[0];
            let mut before = 0;
            while first > 0 && before + words[first - 1] <= longest {
                first -= 1;
                before += words[first];
            }
            let mut last = run[run.len() - 1];
            let mut after = 0;
            while last + 1 < n && after + words[last + 1] <= longest {
                last += 1;
                after += words[last];
            }
            item[first..=last].iter_mut().for_each(|x| *x = true);
        }
        // Pages that are lists as a whole.
        let glued_words: usize = (0..n)
            .filter(|&i| self.sentences[i].glued)
            .map(|i| words[i])
            .sum();
        // A ticker from its first glued line on: a page of one story (a live map's event
        // page) shows that story first and the ticker after it.
        let ticker = glued_words * 3 >= total && glued_words > 0;
        let ticker_from = (0..n).find(|&i| self.sentences[i].glued).unwrap_or(n);
        let run_together = total >= RUN_WORDS * n && self.weekdays_named() >= 5;
        if std::env::var_os("MARSAD_DEBUG").is_some() {
            eprintln!(
                "[{}] page: {} sentences, {} words, {} glued, {} weekdays, {} marks, {} items{}{}",
                self.id,
                n,
                total,
                glued_words,
                self.weekdays_named(),
                marks.len(),
                item.iter().filter(|&&x| x).count(),
                if ticker { ", ticker" } else { "" },
                if run_together { ", run together" } else { "" },
            );
        }
        for (i, (s, x)) in self.sentences.iter_mut().zip(item).enumerate() {
            s.list_item = x || ticker && i >= ticker_from || run_together;
        }
    }

    /// A lead cut short: the sentence ends in ". . ." or "…" (not "[ . . . ]", which links
    /// to the rest of an article the page shows in full).
    fn cut_short(&self, i: usize) -> bool {
        let t = self.text();
        let r = &self.sentences[i].range;
        let body = t[r.clone()].trim_end_matches(['.', ' ', '…']);
        if body.ends_with('[') {
            return false;
        }
        let tail = &t[r.start + body.len()..r.end];
        let after = t[r.end..]
            .bytes()
            .take_while(|&b| b == b'.' || b == b' ')
            .filter(|&b| b == b'.')
            .count();
        tail.contains('…') || tail.matches('.').count() + after >= 3
    }

    /// How many different weekdays the text names as a day (weekday cues not followed by a
    /// figure: "الثلاثاء 02 يناير 2018 07 : 07" is a time stamp of page furniture).
    fn weekdays_named(&self) -> usize {
        let t = self.text();
        let mut seen = [false; 8];
        for m in &self.cues {
            let Entity::Cue(c) = m.entity else { continue };
            let Some(wd) = self.kb.cues[c].weekday else {
                continue;
            };
            let next = t[m.range.end..].trim_start_matches(' ');
            if !next.starts_with(|c: char| c.is_ascii_digit()) {
                seen[wd as usize % 8] = true;
            }
        }
        seen.iter().filter(|&&x| x).count()
    }

    /// Groups clauses into segments: a clause opening with a connective starts a new segment.
    fn segments(&self, _kb: &KnowledgeBase, clauses: &[Range<usize>]) -> Vec<Range<usize>> {
        let mut segs: Vec<Range<usize>> = Vec::new();
        for c in clauses {
            let opens = self
                .cues_in(c.start..(c.start + 12).min(c.end))
                .any(|m| m.1 == CueKind::Connective && m.0.range.start <= c.start + 2);
            match segs.last_mut() {
                Some(last) if !opens => last.end = c.end,
                _ => segs.push(c.clone()),
            }
        }
        segs
    }

    fn read_entities(&mut self, kb: &'a KnowledgeBase, entities: Vec<Mention>) {
        let mut named: Vec<bool> = vec![false; kb.actors.len()];
        // Each actor's family (and whether it is civilians) once: following the parents looks
        // ids up by name.
        let mut families: Vec<Option<(&'a str, bool)>> = vec![None; kb.actors.len()];
        for m in entities {
            match m.entity {
                Entity::Actor(i) => {
                    // A short form ("التنظيم") refers to an actor only once it was fully named.
                    if m.anaphor && !named[i] {
                        continue;
                    }
                    named[i] = true;
                    let at = m.prefix.start.min(m.range.start);
                    // "مناطق سيطرة X" names an owner, not a participant; so does "أفاد الدفاع
                    // المدني" for bodies that only report (kind `other`, e.g. rescuers).
                    let area_owner = self.cue_before(at, CueKind::ControlArea, 1).is_some()
                        || kb.actors[i].kind == marsad_kb::ActorKind::Other
                            && kb.actors[i].id != "unknown"
                            && (self.cue_before(at, CueKind::ReportVerb, 1).is_some()
                                || self.cue_before(at, CueKind::Source, 1).is_some());
                    let (family, civilian_family) = *families[i].get_or_insert_with(|| {
                        let f = family(kb, i);
                        let civilians = kb
                            .actor(f)
                            .is_some_and(|a| a.kind == marsad_kb::ActorKind::Civilians);
                        (f, civilians)
                    });
                    self.actors.push(ActorMention {
                        family,
                        civilian_family,
                        range: m.range,
                        actor: i,
                        area_owner,
                    });
                }
                Entity::Place(i) => self.add_place(kb, m, i),
                Entity::Outlet(i) => self.outlets.push((m.range, i)),
                _ => {}
            }
        }
    }

    fn add_place(&mut self, kb: &KnowledgeBase, m: Mention, i: usize) {
        let t = self.text();
        let place = &kb.places[i];
        let start = m.prefix.start.min(m.range.start);
        // The kind word before the name, or inside it when the gazetteer lists "بلدة X" itself.
        let typed = self
            .cue_before(start, CueKind::PlaceType, 0)
            .or_else(|| {
                self.cues_kinds_in(m.range.clone())
                    .find(|(c, k)| {
                        *k == CueKind::PlaceType
                            && c.range.start == m.range.start
                            && c.range.end < m.range.end
                    })
                    .map(|(c, _)| c.range.clone())
            })
            .map(|c| t[c].to_string());
        // Ambiguous names ("الصور" is also "the pictures") need a place word before them, or
        // must follow another place in a list ("بلدتي البصيرة والصور").
        // A short village or site name glued to a proclitic is too often a word ("باراك" read
        // as ب + آراك): accept it only after a place word.
        let short = t[m.range.clone()]
            .chars()
            .filter(|c| !c.is_whitespace())
            .count()
            <= 4;
        // The next item of a list of places: "كفربطنا وعربين ودوما وحمورية وحزة" (a place
        // word before the list, or listed towns before it).
        // "الباب و بزاعة و قباسين": some pages write the conjunction apart.
        let spaced_and = t[..start]
            .strip_suffix(' ')
            .is_some_and(|b| b.ends_with(" و"));
        let listed = (t[m.prefix.clone()].starts_with('و') || spaced_and)
            && self.places.last().is_some_and(|p| {
                start.saturating_sub(p.range.end) <= if spaced_and { 4 } else { 2 }
                    && (p.typed.is_some()
                        || p.list_item
                        || !p.unlisted
                            && p.candidates.iter().all(|&c| {
                                let k = kb.places[c].kind;
                                !kb.places[c].is_bulk_village()
                                    && matches!(k, PlaceKind::Town | PlaceKind::City)
                            }))
            });
        if short
            && !m.prefix.is_empty()
            && typed.is_none()
            && !listed
            && place.kind.specificity() >= 6
        {
            return;
        }
        // "مراسل الميادين", "قناة الجزيرة": a medium named after a place.
        let word_before = words_before(t, start).next().unwrap_or("");
        if matches!(
            word_before.trim_start_matches(['و', 'ل']),
            "مراسل" | "مراسله" | "قناه" | "صحيفه" | "اذاعه" | "تلفزيون"
        ) {
            return;
        }
        // A capital or a country as its government: "ل" after a noun of alliance ("الحليف
        // الرئيسي لدمشق", an adjective between), "على" after a noun of pressure ("فرضت روسيا
        // قيودا تجارية على أنقرة", a word between). A place word before the name keeps it.
        if typed.is_none() && !listed {
            let mut before = words_before(t, start);
            let glued_l = t[m.prefix.clone()].trim_start_matches('و') == "ل";
            if glued_l
                && before
                    .clone()
                    .take(2)
                    .any(|w| marsad_text::is_allegiance_noun(&marsad_text::normalized_key(w)))
            {
                return;
            }
            if m.prefix.is_empty()
                && before
                    .next()
                    .is_some_and(|w| marsad_text::normalized_key(w) == ALA_KEY)
                && before
                    .take(3)
                    .any(|w| marsad_text::is_pressure_noun(&marsad_text::normalized_key(w)))
            {
                return;
            }
        }
        // "سيطر على قريتي حران وحردانة ... باستعادة السيطرة على القريتين": the two villages
        // just named, not al-Qaryatayn (the town comes with its place word or without a pair
        // of villages before it).
        if typed.is_none() && t[m.range.clone()] == *"القريتين" {
            let mut lo = start.saturating_sub(600);
            while !t.is_char_boundary(lo) {
                lo += 1;
            }
            let before = &t[lo..start];
            if before.contains("قريتي ") || before.contains("قريتا ") {
                return;
            }
        }
        // Checked as written only for the few names such a word folds to (a span costs a
        // lookup and a copy).
        if marsad_text::may_be_a_word_spelled_as_place(&t[m.range.clone()])
            && marsad_text::is_not_a_place_spelling(
                self.span(m.prefix.start.min(m.range.start)..m.range.end)
                    .text
                    .trim(),
            )
        {
            return;
        }
        // "بلدة الصويرة اللبنانية": a name whose adjective after it names a country abroad
        // where none of its rows is, is another place of that name (read as an unlisted name
        // placed in that country, see `add_unlisted_places`).
        // Settlements only: "قاعدة حميميم الروسية" is a Russian base in Syria.
        let key = marsad_text::normalized_key(&t[m.range.clone()]);
        let rows = kb.places_named_key(&key);
        let settlement = |r: &usize| {
            matches!(
                kb.places[*r].kind,
                PlaceKind::Town | PlaceKind::City | PlaceKind::Village
            )
        };
        let all_rows = || rows.iter().chain(std::iter::once(&i));
        if all_rows().all(settlement) {
            if let Some(c) = self.country_adjective_after(kb, m.range.end) {
                let cc = &kb.places[c].country;
                if !all_rows().any(|&r| kb.places[r].country == *cc) {
                    return;
                }
            }
        }
        // "جبل الشيخ بركات": a listed name ending in a name head ("الشيخ", "أبو") with a name
        // after it is the start of a longer name the gazetteer lacks.
        if let Some(last) = t[m.range.clone()].split_whitespace().last() {
            if t[m.range.clone()].contains(' ') && marsad_text::is_place_name_head(last) {
                let next = self
                    .tokens
                    .get(self.token_at(m.range.end))
                    .filter(|n| n.kind == TokenKind::Word && n.range.start <= m.range.end + 1);
                if next.is_some_and(|n| {
                    !marsad_text::is_not_a_place_name(&t[n.range.clone()])
                        && self.cues_kinds_in(n.range.clone()).next().is_none()
                }) {
                    return;
                }
            }
        }
        // "نهر الفرات": the gazetteer has no rivers, and the quarter or village that shares a
        // river's name is not the river (read as an unlisted name, see `add_unlisted_places`).
        if typed.as_deref().is_some_and(|w| {
            marsad_text::normalized_key(w)
                .trim_start_matches(marsad_text::clitics::LETTER_PROCLITICS)
                .starts_with("نهر")
        }) {
            return;
        }
        if (place.is_bulk_village() || typed.is_some()) && !t[m.range.clone()].contains(' ') {
            // "قرية كردية" (a Kurdish village), "7 قرى جديدة" (seven new villages), "ومجموعة
            // أخرى" (and another group): a word that is no name after a place word, or a
            // noun with "another" after it.
            let next = self
                .tokens
                .get(self.token_at(m.range.end))
                .filter(|n| n.kind == TokenKind::Word && n.range.start <= m.range.end + 1)
                .map(|n| &t[n.range.clone()]);
            if marsad_text::is_not_a_place_name(&marsad_text::normalized_key(&t[m.range.clone()]))
                || next
                    .is_some_and(|w| OTHER_KEYS.contains(&marsad_text::normalized_key(w).as_ref()))
            {
                return;
            }
        }
        // A bulk village (villages.csv) takes only a settlement word before it, or a place
        // in a typed list ("قريتي X وY"): bare, its name was an ordinary word, a person or a
        // place abroad as often as the village in a hand check of the corpus, and "منطقة X",
        // "ناحية X", "مخيم X" name places abroad too often.
        let mut tentative = false;
        let mut bare_name = false;
        if place.is_bulk_village() && !listed {
            let w = typed
                .as_deref()
                .map(marsad_text::normalized_key)
                .unwrap_or_default();
            let w = w.trim_start_matches(marsad_text::clitics::LETTER_PROCLITICS);
            let w = w.strip_prefix("ال").unwrap_or(w);
            let fits = w.starts_with("بلد")
                || w.starts_with("قري")
                || (place.kind != PlaceKind::Village && w.starts_with("مدين"));
            // Without a settlement word: a name of several words that is no ordinary phrase
            // ("كفر كرمين"), or a preposition of place before it ("في ترمانين") with a place
            // of its governorate named nearby (checked in `confirm_tentative`).
            if !fits {
                if place.needs_context {
                    return;
                }
                if t[m.range.clone()].contains(' ') {
                    // an unambiguous multi-word name, unless the places around it are in
                    // another governorate (see `confirm_tentative`)
                    bare_name = true;
                } else if self.locative_before(start, &m.prefix) {
                    tentative = true;
                } else {
                    return;
                }
            }
        }
        // ... or be the next item of a typed list: "بلدتي البصيرة والصور". A name that is a
        // definite place word and an adjective ("المنطقة الصناعية", "المدينة الرياضية") is in
        // every city: its own place word is no context.
        // So is a definite place word before a definite name: "المنطقة الشمالية" is the
        // northern region (a noun and its adjective), not the quarter called الشمالية.
        let own_word_only = typed.as_deref().is_some_and(|w| {
            w.starts_with("ال")
                && (t[m.range.clone()].starts_with(w) || t[m.range.clone()].starts_with("ال"))
        });
        // A compass word before a listed town is context too ("جنوب الطبقة": Tabqa, not "the
        // layer"); not for a bulk village, whose name alone is too often a word.
        if place.needs_context
            && (typed.is_none() || own_word_only)
            && !listed
            && (place.is_bulk_village()
                || !self
                    .cue_ending_before(start)
                    .is_some_and(|(_, k)| is_direction(k)))
        {
            return;
        }
        let name = marsad_text::normalized_key(&t[m.range.clone()]);
        let mut candidates = kb.places_named_key(&name).to_vec();
        if candidates.is_empty() {
            candidates.push(i);
        }
        // A row that needs context is no reading of a bare name that a Syrian row needing
        // none shares: "القنيطرة وريفها" is the governorate, not the Daraa quarter of that
        // name. (A bare name shared with a place abroad is weighed in `geo::resolve_all`:
        // "القدس في مدينة اللاذقية" is the quarter.)
        if typed.is_none()
            && !listed
            && candidates
                .iter()
                .any(|&c| !kb.places[c].needs_context && kb.places[c].country == "SY")
        {
            candidates.retain(|&c| !kb.places[c].needs_context);
        }
        // "قرب بلدة صيدا الجولان": a region's name right after a name shared by several places
        // says which one (the Syrian place in the region's governorate) and belongs to the
        // name as written.
        let mut qualified_end = None;
        if candidates.len() > 1 {
            if let Some(next) = self
                .tokens
                .get(self.token_at(m.range.end))
                .filter(|n| n.kind == TokenKind::Word && n.range.start <= m.range.end + 1)
            {
                let key = marsad_text::normalize_key(&t[next.range.clone()]);
                let regions: Vec<&str> = kb
                    .places_named_key(&key)
                    .iter()
                    .filter(|&&r| kb.places[r].kind == PlaceKind::Region)
                    .filter_map(|&r| kb.places[r].admin1.as_deref())
                    .collect();
                let inside: Vec<usize> = candidates
                    .iter()
                    .copied()
                    .filter(|&c| {
                        kb.places[c].country == "SY"
                            && kb.places[c].kind != PlaceKind::Region
                            && kb.places[c]
                                .admin1
                                .as_deref()
                                .is_some_and(|a| regions.contains(&a))
                    })
                    .collect();
                if !inside.is_empty() && inside.len() < candidates.len() {
                    candidates = inside;
                    qualified_end = Some(next.range.end);
                }
            }
        }
        let mut phrase = start..qualified_end.unwrap_or(m.range.end);
        let mut countryside = false;
        let mut near = false;
        let mut direction = None;
        // Walk back over the modifiers: "بادية", "ريف", "شرق", "قرب" (a few words at most).
        // Not past a conjunction glued to the name: in "قرية الزيارة بالريف الجنوبي والمنصورة"
        // the countryside word belongs to the item before.
        let mut cursor = start;
        let conjoined = t[m.prefix.clone()].starts_with('و') || spaced_and;
        for _ in 0..if conjoined { 0 } else { 3 } {
            let Some((r, kind)) = self.cue_ending_before(cursor) else {
                break;
            };
            match kind {
                CueKind::Countryside => countryside = true,
                CueKind::Near => near = true,
                k if is_direction(k) => direction = Some(k),
                CueKind::PlaceType => {}
                _ => break,
            }
            phrase.start = r.start;
            cursor = r.start;
        }
        // "ريف دير الزور الشرقي": the compass word after the name.
        if countryside {
            if let Some((r, k)) = self.cue_starting_after(m.range.end) {
                if is_direction(k) {
                    direction = Some(k);
                    phrase.end = r.end;
                }
            }
        }
        // "قتبان الجبل", "قاعدة منغ الجوية": a word that belongs to the name as written.
        if phrase.end == m.range.end {
            if let Some(next) = self
                .tokens
                .get(self.token_at(m.range.end))
                .filter(|n| n.kind == TokenKind::Word && n.range.start <= m.range.end + 1)
            {
                let nw = &t[next.range.clone()];
                // "ريف ادلب الشمالي" (a listed region) + "الغربي": north-west, as written.
                let compass = matches!(nw, "الغربي" | "الشرقي")
                    && (t[m.range.clone()].ends_with("الشمالي")
                        || t[m.range.clone()].ends_with("الجنوبي"));
                if compass || marsad_text::is_place_name_suffix(nw) {
                    phrase.end = next.range.end;
                }
            }
        }
        let destination = self.is_destination(phrase.start);
        let origin = self.is_origin(phrase.start);
        // A place abroad is named as a place only after a preposition or word of place, or in
        // a list or apposition with another place: bare, "أعلنت موسكو", "اتهمت واشنطن" name a
        // government.
        // A name shared by a place abroad and Syrian bulk villages only ("أنقرة", "السعودية")
        // needs the same evidence: the villages would need a place word of their own.
        let abroad = candidates.iter().any(|&c| kb.places[c].country != "SY")
            && candidates
                .iter()
                .all(|&c| kb.places[c].country != "SY" || kb.places[c].is_bulk_village());
        if abroad {
            // "المرصد ... ومقره لندن", "يتخذ من لندن مقرا": the seat of a source, not a place
            // of the news (checked abroad only: that is where sources sit).
            if self.cue_before(start, CueKind::Seat, 1).is_some() {
                return;
            }
            let after_place = self
                .places
                .last()
                .is_some_and(|p| start.saturating_sub(p.range.end) <= 2);
            // "في العاصمة صنعاء": the capital in apposition.
            let capital = words_before(t, phrase.start).next().is_some_and(|w| {
                let w = w.trim_start_matches(['و', 'ب', 'ف', 'ل']);
                w == "العاصمه" || w == "عاصمه" || w == "لعاصمه"
            });
            // "استعادة السيطرة على الشرقاط", "غارات على الموصل": the object of an event word.
            let object_of_event = {
                let before = t[..phrase.start].trim_end();
                before.strip_suffix("علي").is_some_and(|b| {
                    let on = b.len();
                    (on == 0 || b.ends_with(' '))
                        && self.triggers[..self.triggers.partition_point(|tr| tr.range.start < on)]
                            .iter()
                            .rev()
                            .take(3)
                            .any(|tr| tr.range.end <= on && on - tr.range.end <= 2)
                })
            };
            let evidence = typed.is_some()
                || capital
                || object_of_event
                || countryside
                || near
                || direction.is_some()
                || destination
                || origin
                || after_place
                || self.locative_before(phrase.start, &m.prefix)
                // "من" alone is no evidence: "مدعومة من أنقرة", "بدعم من واشنطن" (a real
                // origin, "أقلعت من", is `origin`).
                || self
                    .cue_before(phrase.start, CueKind::Destination, 0)
                    .is_some();
            if !evidence {
                return;
            }
        }
        // A name accepted with "و" glued to it is an item of a list, whatever its evidence.
        let conjoined = t[m.prefix.clone()].starts_with('و');
        if tentative {
            self.tentative.push((self.places.len(), true));
        } else if bare_name {
            self.tentative.push((self.places.len(), false));
        }
        self.places.push(PlaceMention {
            range: m.range,
            phrase,
            candidates,
            countryside,
            direction,
            near,
            destination,
            origin,
            typed,
            unlisted: false,
            list_item: listed || conjoined,
        });
    }

    /// A preposition of place right before a name: "في X", "داخل X", or "ب" glued to it.
    fn locative_before(&self, start: usize, prefix: &Range<usize>) -> bool {
        self.text()[prefix.clone()].contains('ب')
            || self.cue_before(start, CueKind::Locative, 0).is_some()
    }

    /// "أقلعت من قاعدة حميميم", "صواريخ أطلقت من X", "قادمة من X": "من" (at most one word
    /// before the name) after a verb of setting out (at most three words before "من").
    fn is_origin(&self, start: usize) -> bool {
        let Some(from) = self.cue_before(start, CueKind::Origin, 1) else {
            return false;
        };
        self.cue_before(from.start, CueKind::Departure, 3).is_some()
    }

    /// Bulk villages checked against the places around them: a village followed by its parent
    /// ("قرية X بريف إدلب") keeps only the rows of that governorate, and is no village of the
    /// list when none is there (it is then read as an unlisted name placed by that parent);
    /// the tentative villages (a preposition of place their only evidence) are kept only when a
    /// listed place of their governorate is named within a few words ("في ترمانين بريف إدلب").
    // Indexes: the loops read other places and write this one's candidates.
    #[allow(clippy::needless_range_loop)]
    fn confirm_tentative(&mut self, kb: &KnowledgeBase) {
        const NEAR: usize = 120;
        let mut drop = vec![false; self.places.len()];
        for i in 0..self.places.len() {
            let p = &self.places[i];
            if p.unlisted || !p.candidates.iter().all(|&c| kb.places[c].is_bulk_village()) {
                continue;
            }
            // The parent: the next place, within a few words, a governorate or its countryside.
            let Some(parent) = self.places.get(i + 1).filter(|q| {
                q.phrase.start.saturating_sub(p.range.end) <= 40
                    && (q.countryside
                        || q.candidates.iter().all(|&c| {
                            let k = kb.places[c].kind;
                            k.is_admin() || matches!(k, PlaceKind::Region | PlaceKind::Desert)
                        }))
            }) else {
                continue;
            };
            let a1: Vec<&Option<String>> = parent
                .candidates
                .iter()
                .map(|&c| &kb.places[c].admin1)
                .filter(|a| a.is_some())
                .collect();
            if a1.is_empty() {
                continue;
            }
            let keep: Vec<usize> = p
                .candidates
                .iter()
                .copied()
                .filter(|&c| a1.contains(&&kb.places[c].admin1))
                .collect();
            if keep.is_empty() {
                drop[i] = true;
            } else {
                self.places[i].candidates = keep;
            }
        }
        // A village among places abroad only ("ناحية قره تبه ... بعقوبة") is a village abroad.
        for i in 0..self.places.len() {
            let p = &self.places[i];
            if drop[i]
                || p.unlisted
                || !p.candidates.iter().all(|&c| kb.places[c].is_bulk_village())
            {
                continue;
            }
            // Mentions already dropped say nothing (the same name read abroad by its parent,
            // "ناحية قره تبه التابعة لمحافظة ديالى", is no Syrian place beside the headline's).
            let mut near = self
                .places
                .iter()
                .enumerate()
                .filter(|&(j, q)| {
                    !drop[j]
                        && !q.unlisted
                        && !std::ptr::eq(q, p)
                        && q.range
                            .start
                            .abs_diff(p.range.end)
                            .min(p.range.start.abs_diff(q.range.end))
                            <= 150
                })
                .map(|(_, q)| q);
            let first = near.next();
            if first.is_some()
                && first
                    .into_iter()
                    .chain(near)
                    .all(|q| q.candidates.iter().all(|&c| kb.places[c].country != "SY"))
            {
                drop[i] = true;
            }
        }
        // The hand-checked Syrian places near a village say where it is: a village none of
        // whose rows is in their governorates is another place of that name ("قرية أبو حية"
        // by "ناحية السعن" in Hama, the listed villages being in Raqqa): it is read as an
        // unlisted name placed by them. On a page whose places are abroad (twice as many
        // as in Syria), a village with no Syrian place near it is abroad ("قرية الوردية" in
        // a report on Hawija).
        // A place read as a hand-checked Syrian row (its bulk namesakes aside: the
        // hand-checked row is the reading of a bare name, see `geo::resolve`).
        fn checked<'b>(
            kb: &'b KnowledgeBase,
            q: &'b PlaceMention,
        ) -> impl Iterator<Item = usize> + 'b {
            q.candidates
                .iter()
                .copied()
                .filter(|&c| !kb.places[c].is_bulk_village())
        }
        let syrian = |q: &PlaceMention| {
            checked(kb, q).next().is_some()
                && checked(kb, q)
                    .all(|c| kb.places[c].country == "SY" && kb.places[c].admin1.is_some())
        };
        let foreign = |q: &PlaceMention| q.candidates.iter().all(|&c| kb.places[c].country != "SY");
        let n_syrian = self.places.iter().filter(|q| syrian(q)).count();
        let n_abroad = self.places.iter().filter(|q| foreign(q)).count();
        for i in 0..self.places.len() {
            let p = &self.places[i];
            // Villages only, or a village word before a name whose Syrian rows are villages
            // ("قريتي الاسكندرية": no Alexandria, maybe no village of Hama either).
            let villages = |q: &PlaceMention| {
                q.candidates.iter().all(|&c| kb.places[c].is_bulk_village())
                    || q.typed.as_deref().is_some_and(|w| {
                        let w = marsad_text::normalized_key(w);
                        let w = w.trim_start_matches(marsad_text::clitics::LETTER_PROCLITICS);
                        ["قري", "قرى", "بلد"].iter().any(|k| w.starts_with(k))
                    }) && q.candidates.iter().any(|&c| kb.places[c].country == "SY")
                        && q.candidates.iter().all(|&c| {
                            kb.places[c].country != "SY" || kb.places[c].is_bulk_village()
                        })
            };
            if drop[i] || !villages(p) {
                continue;
            }
            let mut near = self
                .places
                .iter()
                .filter(|q| {
                    syrian(q)
                        && q.range
                            .start
                            .abs_diff(p.range.end)
                            .min(p.range.start.abs_diff(q.range.end))
                            <= 150
                })
                .peekable();
            if near.peek().is_none() {
                drop[i] = n_abroad > 2 * n_syrian;
                continue;
            }
            // Damascus and its countryside count as one ("دمشق وريفها ... بلدة مغر المير").
            let gov = |c: usize| kb.places[c].admin1.as_deref().map(governorate);
            let agrees = near
                .any(|q| checked(kb, q).any(|c| p.candidates.iter().any(|&v| gov(v) == gov(c))));
            drop[i] = !agrees;
        }
        // A quarter is a quarter of a city the page is about: quarter names repeat from city to
        // city ("أحياء الصناعة والعمال" in Deir ez-Zor; the listed الصناعة is Hama's). A
        // quarter none of whose rows is in a governorate of the page's other Syrian places is
        // a quarter the gazetteer lacks, read as an unlisted name placed by the places around
        // it; so is a village ("قرى تل تورين وقارة والكريدية" on a page about northern Aleppo:
        // the listed الكريدية is Latakia's). Only for a name with no Syrian place named right by
        // it. Damascus and its countryside count as one.
        let page: Vec<&str> = self
            .places
            .iter()
            .enumerate()
            .filter(|&(j, q)| {
                !drop[j]
                    && !q.unlisted
                    && q.candidates.iter().all(|&c| {
                        kb.places[c].country == "SY"
                            && kb.places[c].kind != PlaceKind::Neighbourhood
                            && !kb.places[c].is_bulk_village()
                    })
            })
            .flat_map(|(_, q)| q.candidates.iter())
            .filter_map(|&c| kb.places[c].admin1.as_deref().map(governorate))
            .collect();
        if !page.is_empty() {
            for i in 0..self.places.len() {
                let p = &self.places[i];
                if drop[i]
                    || p.unlisted
                    || !p.candidates.iter().all(|&c| {
                        (kb.places[c].kind == PlaceKind::Neighbourhood
                            || kb.places[c].is_bulk_village())
                            && kb.places[c].country == "SY"
                    })
                {
                    continue;
                }
                // A Syrian place named right by it decides, as above ("حي الصناعة في مدينة تل
                // أبيض"): the page is the context only without one.
                let near = self.places.iter().any(|q| {
                    !std::ptr::eq(q, p)
                        && syrian(q)
                        && q.range
                            .start
                            .abs_diff(p.range.end)
                            .min(p.range.start.abs_diff(q.range.end))
                            <= 150
                });
                if near {
                    continue;
                }
                drop[i] = !p.candidates.iter().any(|&c| {
                    kb.places[c]
                        .admin1
                        .as_deref()
                        .is_some_and(|a| page.contains(&governorate(a)))
                });
            }
        }
        let tentative = std::mem::take(&mut self.tentative);
        for &(i, strict) in &tentative {
            let p = &self.places[i];
            let near: Vec<&PlaceMention> = self
                .places
                .iter()
                .enumerate()
                .filter(|&(j, q)| {
                    j != i
                        && !drop[j]
                        && !tentative.iter().any(|&(k, _)| k == j)
                        && q.range
                            .start
                            .abs_diff(p.range.end)
                            .min(p.range.start.abs_diff(q.range.end))
                            <= NEAR
                        && q.candidates.iter().any(|&c| kb.places[c].admin1.is_some())
                })
                .map(|(_, q)| q)
                .collect();
            let same = near.iter().any(|q| {
                q.candidates.iter().any(|&c| {
                    let a = &kb.places[c].admin1;
                    p.candidates.iter().any(|&v| kb.places[v].admin1 == *a)
                })
            });
            // "|=": a village already read abroad or elsewhere stays dropped.
            drop[i] |= !same && (strict || !near.is_empty());
        }
        let mut k = 0;
        self.places.retain(|_| {
            k += 1;
            !drop[k - 1]
        });
    }

    /// The country abroad whose adjective of nationality is the word right after `end`
    /// ("بلدة الصويرة اللبنانية", "قرية قانا اللبناني"): the adjective is read from the
    /// country's "الأراضي X" spelling in the gazetteer.
    fn country_adjective_after(&self, kb: &KnowledgeBase, end: usize) -> Option<usize> {
        let t = self.text();
        let next = self
            .tokens
            .get(self.token_at(end))
            .filter(|n| n.kind == TokenKind::Word && n.range.start <= end + 1)?;
        self.country_adjective(kb, &t[next.range.clone()])
    }

    /// The country abroad of an adjective of nationality as written in the (normalized) text.
    fn country_adjective(&self, kb: &KnowledgeBase, w: &str) -> Option<usize> {
        if !w.starts_with("ال") || !(w.ends_with('ي') || w.ends_with("يه") || w.ends_with("ية"))
        {
            return None;
        }
        let w = marsad_text::normalized_key(w);
        let w = w.strip_suffix('ه').unwrap_or(&w);
        // The country's variant "الأراضي اللبنانية" names its adjective, in either gender: two
        // lookups in the name index, not a walk over every row of the gazetteer.
        [format!("الاراضي {w}"), format!("الاراضي {w}ه")]
            .iter()
            .flat_map(|key| kb.places_named_key(key))
            .copied()
            .filter(|&i| kb.places[i].kind == PlaceKind::Country && kb.places[i].country != "SY")
            .min()
    }

    /// Names the gazetteer lacks, read after an indefinite place word: "قرية كبينة", "حي
    /// الجبيلة", "قرى كبينة وتردين وكندة", "تلة " الخضر "". Each becomes a place mention placed
    /// by the nearest listed place after it in its sentence ("... بريف اللاذقية"), else before
    /// it, else the country.
    fn add_unlisted_places(&mut self, kb: &KnowledgeBase) {
        let t = self.text();
        let mut found: Vec<(Range<usize>, Option<String>)> = Vec::new();
        for (c, k) in self.cues_kinds_in(0..t.len()) {
            if k != CueKind::PlaceType {
                continue;
            }
            let word = &t[c.range.clone()];
            // "البلدة", "القرية": a reference back, not a name to follow.
            if word.starts_with("ال") || !c.prefix.is_empty() && t[c.prefix.clone()].contains("ال")
            {
                continue;
            }
            let plural = marsad_text::is_list_place_word(word);
            let mut ti = self.token_at(c.range.end);
            // "بلدات " الجلاء , الرمادي , المسلخة والبرهوم "": a quoted list after a plural
            // place word, one name (one or two words) per item.
            if plural {
                if let Some(items) = self.quoted_list(ti) {
                    for name in items {
                        let overlaps = |r: &Range<usize>| r.start < name.end && name.start < r.end;
                        if !found.iter().any(|(r, _)| overlaps(r))
                            && !self.places.iter().any(|p| overlaps(&p.range))
                        {
                            found.push((name, Some(word.to_string())));
                        }
                    }
                    continue;
                }
            }
            let mut first = true;
            while let Some(mut name) = self.unlisted_name(ti, first) {
                if found
                    .iter()
                    .any(|(r, _)| r.start < name.end && name.start < r.end)
                {
                    break;
                }
                // A listed name in the list ("قرى كفرنبل وX"): the list goes on after it.
                if let Some(p) = self
                    .places
                    .iter()
                    .find(|p| p.phrase.start < name.end && name.start < p.range.end)
                {
                    name = name.start..p.range.end.max(name.end);
                } else {
                    found.push((name.clone(), Some(word.to_string())));
                }
                if !plural {
                    break;
                }
                // The next item: "و" + name, or a comma then a name.
                ti = self.token_at(name.end);
                match self.tokens.get(ti) {
                    Some(tk)
                        if tk.kind == TokenKind::Punct
                            && matches!(&t[tk.range.clone()], "،" | ",") =>
                    {
                        ti += 1
                    }
                    Some(tk)
                        if tk.kind == TokenKind::Word && t[tk.range.clone()].starts_with('و') => {}
                    _ => break,
                }
                first = false;
            }
        }
        // "كفربطنا وعربين ودوما وحمورية وحزة وسقبا": a single word between two listed items
        // of a list, joined by "و" on both sides, is an item too.
        let item = |start: usize| {
            t[..start].ends_with('و')
                && !t[..start - 'و'.len_utf8()].ends_with(|c: char| c.is_alphabetic())
        };
        for k in 1..self.places.len() {
            let (p, q) = (&self.places[k - 1], &self.places[k]);
            if p.unlisted
                || q.unlisted
                || !matches!(&t[q.phrase.start..q.range.start], "" | "و")
                || !item(q.range.start)
            {
                continue;
            }
            let town = |m: &PlaceMention| {
                m.candidates
                    .iter()
                    .all(|&c| !kb.places[c].kind.is_admin() && kb.places[c].kind.specificity() >= 4)
            };
            if !(item(p.range.start) || p.typed.is_some()) || !town(p) || !town(q) {
                continue;
            }
            let mut gap = self.tokens_in(p.range.end..q.range.start);
            let (Some(tk), None) = (gap.next(), gap.next()) else {
                continue;
            };
            let w = &t[tk.range.clone()];
            let Some(name) = w.strip_prefix('و') else {
                continue;
            };
            if tk.kind != TokenKind::Word
                || t[tk.range.end..q.range.start].trim() != "و"
                || name.chars().count() < 3
                || name.ends_with("ها")
                || marsad_text::is_not_a_place_name(&marsad_text::normalized_key(name))
                || self.cues_kinds_in(tk.range.clone()).next().is_some()
            {
                continue;
            }
            let name = tk.range.start + 'و'.len_utf8()..tk.range.end;
            if !found
                .iter()
                .any(|(r, _)| r.start < name.end && name.start < r.end)
            {
                found.push((name, None));
            }
        }
        if found.is_empty() {
            return;
        }
        let country = kb.place_index("country-sy");
        let text_len = t.len();
        for (range, typed) in found {
            let si = self.sentence_of(range.start);
            let sentence = si.map_or(0..text_len, |i| self.sentences[i].range.clone());
            let listed = |p: &&PlaceMention| !p.unlisted && !p.elsewhere();
            let around =
                self.places
                    .iter()
                    .filter(listed)
                    .find(|p| p.range.start >= range.end && p.range.end <= sentence.end)
                    .or_else(|| {
                        // Before it in its sentence, else in the sentences just before.
                        let from = si
                            .map(|i| self.sentences[i.saturating_sub(3)].range.start)
                            .unwrap_or(sentence.start);
                        // A country abroad named before it is no parent ("... تركيا ... منطقة
                        // الحزام قرب حي الهلالية"): only after it ("منطقة X في العراق").
                        self.places
                            .iter()
                            .filter(listed)
                            .filter(|p| {
                                !p.candidates.iter().all(|&c| {
                                    kb.places[c].kind == PlaceKind::Country
                                        && kb.places[c].country != "SY"
                                })
                            })
                            .rfind(|p| p.range.end <= range.start && p.range.start >= from)
                    })
                    .or_else(|| {
                        // Else a country abroad before it in its own sentence ("وفي اليمن , لقي
                        // ضابط ... في محافظة حضرموت").
                        self.places.iter().filter(listed).rfind(|p| {
                            p.range.end <= range.start && p.range.start >= sentence.start
                        })
                    })
                    .or_else(|| {
                        // None around it: the nearest listed place of the page (a name on a page
                        // about Egypt is no Syrian place), else the country.
                        self.places
                            .iter()
                            .filter(listed)
                            .min_by_key(|p| p.range.start.abs_diff(range.start))
                    })
                    .map(|p| p.candidates.clone())
                    .or_else(|| country.map(|c| vec![c]));
            // "بلدة الصويرة اللبنانية": the adjective after the name says its country.
            let settlement_word = typed
                .as_deref()
                .is_some_and(|w| marsad_text::is_settlement_word(&marsad_text::normalized_key(w)));
            // The adjective may have been read as the name's second word ("بلدة كفرشوبا
            // اللبنانية"): the name is then its first word.
            let mut range = range;
            let mut adjective = None;
            if settlement_word {
                let name = self.text()[range.clone()].to_string();
                if let Some((head, last)) = name.rsplit_once(' ') {
                    adjective = self.country_adjective(kb, last);
                    if adjective.is_some() {
                        range = range.start..range.start + head.len();
                    }
                }
                adjective = adjective.or_else(|| self.country_adjective_after(kb, range.end));
            }
            let around = adjective.map(|c| vec![c]).or(around);
            let Some(candidates) = around else { continue };
            let destination = self.is_destination(range.start);
            let origin = self.is_origin(range.start);
            self.places.push(PlaceMention {
                range: range.clone(),
                phrase: range,
                candidates,
                countryside: false,
                direction: None,
                near: false,
                destination,
                origin,
                typed,
                unlisted: true,
                list_item: false,
            });
        }
        self.places.sort_by_key(|p| p.range.start);
    }

    /// The items of a quoted list opening at token `ti` ("" الجلاء , الرمادي , المسلخة
    /// والبرهوم ""): names of one or two words separated by commas or "و", at most twelve,
    /// `None` when the quotes hold anything else.
    fn quoted_list(&self, ti: usize) -> Option<Vec<Range<usize>>> {
        let t = self.text();
        let is_quote = |i: usize| {
            self.tokens
                .get(i)
                .is_some_and(|x| x.kind == TokenKind::Punct && t[x.range.clone()] == *"\"")
        };
        if !is_quote(ti) {
            return None;
        }
        let close = (ti + 1..(ti + 40).min(self.tokens.len())).find(|&i| is_quote(i))?;
        let mut items: Vec<Range<usize>> = Vec::new();
        let mut words: Vec<Range<usize>> = Vec::new();
        let mut flush = |words: &mut Vec<Range<usize>>| -> Option<()> {
            if words.is_empty() || words.len() > 2 {
                return None;
            }
            items.push(words[0].start..words[words.len() - 1].end);
            words.clear();
            Some(())
        };
        for tk in &self.tokens[ti + 1..close] {
            let w = &t[tk.range.clone()];
            match tk.kind {
                TokenKind::Punct if matches!(w, "،" | ",") => flush(&mut words)?,
                TokenKind::Word => {
                    if w == "و" {
                        flush(&mut words)?;
                    } else if w.starts_with('و') && !words.is_empty() {
                        // "والبرهوم": the conjunction opens the next item.
                        flush(&mut words)?;
                        words.push(tk.range.start + 'و'.len_utf8()..tk.range.end);
                    } else {
                        words.push(tk.range.clone());
                    }
                }
                _ => return None,
            }
        }
        flush(&mut words)?;
        let names_only = items.iter().all(|r| {
            let w = &t[r.clone()];
            w.chars().count() >= 3 && !marsad_text::is_not_a_place_name(w)
        });
        (items.len() >= 2 && items.len() <= 12 && names_only).then_some(items)
    }

    /// The name starting at token `ti` after a place word: one word, two when the first is a
    /// name head ("تل", "عين", "أبو"...) or the second a name tail ("الكبير", "الشرقي"), or
    /// the words between quotes. `None` when the word cannot be a name ("في", "عدة", "ريف").
    fn unlisted_name(&self, ti: usize, first: bool) -> Option<Range<usize>> {
        let t = self.text();
        let tk = self.tokens.get(ti)?;
        // "تلة " الخضر "": the quoted words.
        if tk.kind == TokenKind::Punct && t[tk.range.clone()] == *"\"" {
            let close = self.tokens[ti + 1..]
                .iter()
                .take(5)
                .position(|x| t[x.range.clone()] == *"\"")?;
            if close == 0 {
                return None;
            }
            let inner = &self.tokens[ti + 1..ti + 1 + close];
            if inner.iter().any(|x| x.kind != TokenKind::Word) {
                return None;
            }
            return Some(inner[0].range.start..inner[close - 1].range.end);
        }
        if tk.kind != TokenKind::Word {
            return None;
        }
        let mut w = &t[tk.range.clone()];
        let mut start = tk.range.start;
        // A listed item after the first carries its "و".
        if !first {
            w = w.strip_prefix('و')?;
            start += 'و'.len_utf8();
        }
        let head = marsad_text::is_place_name_head(w);
        if w.chars().count() < 3 && !head || marsad_text::is_not_a_place_name(w) {
            return None;
        }
        // A word glued to a preposition is not a name ("بريف", "لقوات"), nor is a place word
        // ("أحياء المدينة").
        if self.cues_kinds_in(tk.range.clone()).next().is_some() && !head {
            return None;
        }
        let mut end = tk.range.end;
        if let Some(next) = self
            .tokens
            .get(ti + 1)
            .filter(|n| n.kind == TokenKind::Word)
        {
            let nw = &t[next.range.clone()];
            if head && !marsad_text::is_not_a_place_name(nw)
                || marsad_text::is_place_name_tail(nw)
                || marsad_text::is_place_name_suffix(nw)
            {
                end = next.range.end;
            } else if matches!(nw, "بن" | "ابن" | "بني") {
                // "مويلح بن هديب": a name in the form of a lineage.
                if let Some(third) = self.tokens.get(ti + 2).filter(|n| {
                    n.kind == TokenKind::Word
                        && !marsad_text::is_not_a_place_name(&t[n.range.clone()])
                }) {
                    end = third.range.end;
                }
            }
        }
        // A name head alone ("جبل في ...") names nothing.
        if head && end == tk.range.end {
            return None;
        }
        Some(start..end)
    }

    /// A place right after "إلى/باتجاه" is a destination unless the verb is one of arriving
    /// ("وصل إلى بلدة X": the delegation is in X).
    fn is_destination(&self, start: usize) -> bool {
        let Some(d) = self.cue_before(start, CueKind::Destination, 2) else {
            // "إلى مدينة الشدادي بريف الحسكة": the second place belongs to the first.
            return self
                .places
                .last()
                .is_some_and(|p| p.destination && start.saturating_sub(p.range.end) <= 3);
        };
        let in_addition = self
            .cues_kinds_in(d.start.saturating_sub(24)..d.end)
            .any(|(c, k)| k == CueKind::Addition && c.range.end >= d.end);
        !in_addition && self.cue_before(d.start, CueKind::Arrival, 2).is_none()
    }

    /// Indexes of the actor mentions starting inside `r` (mentions are sorted by start).
    pub fn actor_indices(&self, r: &Range<usize>) -> Range<usize> {
        let lo = self.actors.partition_point(|a| a.range.start < r.start);
        let hi = self.actors.partition_point(|a| a.range.start < r.end);
        lo..hi.max(lo)
    }

    /// Indexes of the place mentions whose name starts inside `r`.
    pub fn place_indices(&self, r: &Range<usize>) -> Range<usize> {
        let lo = self.places.partition_point(|p| p.range.start < r.start);
        let hi = self.places.partition_point(|p| p.range.start < r.end);
        lo..hi.max(lo)
    }

    /// The quantity whose range holds `pos` (quantities are in order and non-overlapping, so
    /// only the last one starting at or before `pos` can).
    pub fn quantity_at(&self, pos: usize) -> Option<&Quantity> {
        let i = self.quantities.partition_point(|q| q.range.start <= pos);
        i.checked_sub(1)
            .map(|i| &self.quantities[i])
            .filter(|q| pos < q.range.end)
    }

    /// The quantities starting at or after `pos`, in order (their ends increase too).
    pub fn quantities_from(&self, pos: usize) -> &[Quantity] {
        &self.quantities[self.quantities.partition_point(|q| q.range.start < pos)..]
    }

    /// Tokens inside a normalized range.
    pub fn tokens_in(&self, r: Range<usize>) -> impl Iterator<Item = &Token> + '_ {
        let i = self.token_at(r.start);
        self.tokens[i..]
            .iter()
            .take_while(move |t| t.range.end <= r.end)
    }

    /// Index of the first token starting at or after `pos`.
    pub fn token_at(&self, pos: usize) -> usize {
        self.token_starts.first_at(pos)
    }

    /// Index of the first cue starting at or after `pos`.
    fn cue_at(&self, pos: usize) -> usize {
        self.cue_starts.first_at(pos)
    }

    /// Cues of a kind inside a range.
    pub fn cues_in(&self, r: Range<usize>) -> impl Iterator<Item = (&Mention, CueKind)> + '_ {
        self.cues_kinds_in(r)
    }

    fn cues_kinds_in(&self, r: Range<usize>) -> impl Iterator<Item = (&Mention, CueKind)> + '_ {
        let i = self.cue_at(r.start);
        self.cues[i..]
            .iter()
            .take_while(move |m| m.range.start < r.end)
            .filter(move |m| m.range.end <= r.end)
            .filter_map(|m| match m.entity {
                Entity::Cue(_) => Some((m, self.cue_kind(m))),
                _ => None,
            })
    }

    pub fn cue_kind(&self, m: &Mention) -> CueKind {
        match m.entity {
            Entity::Cue(c) => self.kb.cues[c].kind,
            _ => CueKind::Source,
        }
    }

    /// A cue of `kind` that ends within `max_tokens` tokens before `pos` (only words between).
    pub fn cue_before(&self, pos: usize, kind: CueKind, max_tokens: usize) -> Option<Range<usize>> {
        let ti = self.token_at(pos);
        let lo = ti.saturating_sub(max_tokens + 3);
        let from = self.tokens.get(lo).map_or(0, |t| t.range.start);
        // The last fitting cue wins: walk the cues backwards and stop at the first that fits.
        let i = self.cue_at(from);
        // Few cues in the window: a linear count is cheaper than a second binary search.
        let j = i + self.cue_starts.as_slice()[i..]
            .iter()
            .take_while(|&&s| (s as usize) < pos)
            .count();
        for m in self.cues[i..j].iter().rev() {
            if m.range.end > pos {
                continue;
            }
            let Entity::Cue(c) = m.entity else {
                continue;
            };
            if self.kb.cues[c].kind != kind {
                continue;
            }
            // Only words (and quotes) between, few enough: one pass over the tokens for both.
            let mut between = 0;
            let mut fits = true;
            for t in self.tokens_in(m.range.end..pos) {
                if t.kind == TokenKind::Punct && !self.text()[t.range.clone()].starts_with('"') {
                    fits = false;
                    break;
                }
                between += 1;
                if between > max_tokens {
                    fits = false;
                    break;
                }
            }
            if fits {
                return Some(m.range.clone());
            }
        }
        None
    }

    /// The modifier cue (countryside, near, direction, place type) ending right before `pos`.
    fn cue_ending_before(&self, pos: usize) -> Option<(Range<usize>, CueKind)> {
        let t = self.text();
        let lo = pos.saturating_sub(40);
        let mut best: Option<(Range<usize>, CueKind)> = None;
        for (m, k) in self.cues_kinds_in(lo..pos) {
            if !matches!(k, CueKind::Countryside | CueKind::Near | CueKind::PlaceType)
                && !is_direction(k)
            {
                continue;
            }
            let gap = &t[m.range.end..pos];
            if gap.chars().all(|c| c == ' ' || c == '"' || c == '-') {
                let start = m.prefix.start.min(m.range.start);
                if best.as_ref().is_none_or(|(b, _)| {
                    start < b.start || (b.end - b.start) < (m.range.end - start)
                }) {
                    best = Some((start..m.range.end, k));
                }
            }
        }
        best
    }

    fn cue_starting_after(&self, pos: usize) -> Option<(Range<usize>, CueKind)> {
        let t = self.text();
        // Wide enough for "الجنوبية الشرقية" (32 bytes).
        for (m, k) in self.cues_kinds_in(pos..(pos + 48).min(t.len())) {
            let gap = &t[pos..m.prefix.start.min(m.range.start)];
            if gap.chars().all(|c| c == ' ') {
                return Some((m.range.clone(), k));
            }
        }
        None
    }

    /// The sentence holding byte `pos`.
    pub fn sentence_of(&self, pos: usize) -> Option<usize> {
        let i = self.sentences.partition_point(|s| s.range.end <= pos);
        (i < self.sentences.len() && self.sentences[i].range.start <= pos).then_some(i)
    }
}

/// The end of the last time stamp ("16 : 27", "09:53") in `head`, 0 without one. A page's
/// header gives its time of publication; a report names hours in words ("الساعة العاشرة") or
/// after "الساعة", so a bare clock time in the first line of a page ends its header.
pub fn time_stamp_end(head: &str) -> usize {
    let b = head.as_bytes();
    let digits = |from: usize, back: bool| -> usize {
        let mut n = 0;
        loop {
            let i = if back {
                from.wrapping_sub(n + 1)
            } else {
                from + n
            };
            if i >= b.len() || !b[i].is_ascii_digit() {
                return n;
            }
            n += 1;
        }
    };
    let mut end = 0;
    for (i, _) in head.match_indices(':') {
        // "HH : MM" or "HH:MM", the hour of one or two digits, the minutes of two.
        let before = i - usize::from(i > 0 && b[i - 1] == b' ');
        let after = i + 1 + usize::from(b.get(i + 1) == Some(&b' '));
        let hour = digits(before, true);
        if !(1..=2).contains(&hour) || digits(after, false) != 2 {
            continue;
        }
        let at = before - hour;
        // Not part of a longer number or a word, and not "الساعة 10 : 30".
        if at > 0 && !matches!(b[at - 1], b' ' | b'|' | b'-' | b',') {
            continue;
        }
        if head[..at].trim_end().ends_with("الساعه") || head[..at].trim_end().ends_with("الساعة")
        {
            continue;
        }
        end = after + 2;
    }
    end
}

/// Text where two headlines were run together: a letter that only ends an Arabic word (ة, ى)
/// followed by another Arabic letter ("برشلونةالتدمير"), or a Latin word running into an Arabic
/// one ("Menuالأحداث"). Arabic spelling never does either inside a word; scraped link lists and
/// tickers that lost their line breaks do.
pub fn glued(original: &str) -> bool {
    // Read on the UTF-8 bytes (this runs over every sentence): an Arabic letter U+0621–U+064A is
    // `D8 A1`–`D8 BF` or `D9 80`–`D9 8A`, and the char before the one starting at byte `i` ends
    // at `i - 1`: an ASCII letter there, or ة (`D8 A9`) / ى (`D9 89`) at `i - 2`. Each window
    // of four bytes is tested without branches and the tests are or-ed over the whole text:
    // a branch per byte mispredicted on Arabic text, where `D8` and `D9` alternate at random.
    let b = original.as_bytes();
    let hit = |p2: u8, p1: u8, x: u8, y: u8| {
        let letter = (x == 0xD8) & (y.wrapping_sub(0xA1) <= 0xBF - 0xA1)
            | (x == 0xD9) & (y.wrapping_sub(0x80) <= 0x8A - 0x80);
        let ascii_letter = (p1 | 0x20).wrapping_sub(b'a') < 26;
        let ends_word = (p2 == 0xD8) & (p1 == 0xA9) | (p2 == 0xD9) & (p1 == 0x89);
        letter & (ascii_letter | ends_word)
    };
    if b.len() < 3 {
        return false;
    }
    // Byte 1 has no byte 2 before it; then every `i` from 2 to `len - 2`.
    hit(0, b[0], b[1], b[2])
        || b.iter()
            .zip(&b[1..])
            .zip(&b[2..])
            .zip(&b[3..])
            .fold(false, |acc, (((&p2, &p1), &x), &y)| acc | hit(p2, p1, x, y))
}

/// The words of normalized text `t` before byte `end`, the last first: `t[..end]` split at
/// white space. The only white space of normalized text is ' ' and '\n' (`marsad_text::normalize`
/// maps every other to them), so the words are cut at those bytes, without decoding chars: the
/// place checks look at the words before every place mention.
fn words_before(t: &str, end: usize) -> impl Iterator<Item = &str> + Clone + '_ {
    let mut e = end;
    std::iter::from_fn(move || {
        let b = t.as_bytes();
        while e > 0 && matches!(b[e - 1], b' ' | b'\n') {
            e -= 1;
        }
        if e == 0 {
            return None;
        }
        let s = b[..e]
            .iter()
            .rposition(|&c| c == b' ' || c == b'\n')
            .map_or(0, |p| p + 1);
        let w = &t[s..e];
        e = s;
        Some(w)
    })
}

pub fn is_direction(k: CueKind) -> bool {
    matches!(
        k,
        CueKind::DirectionN
            | CueKind::DirectionS
            | CueKind::DirectionE
            | CueKind::DirectionW
            | CueKind::DirectionNE
            | CueKind::DirectionNW
            | CueKind::DirectionSE
            | CueKind::DirectionSW
    )
}

/// Top-level actor id: follow `parent` links (Asayish → SDF).
pub fn family(kb: &KnowledgeBase, i: usize) -> &str {
    let mut actor = &kb.actors[i];
    for _ in 0..8 {
        let Some(parent) = actor.parent.as_deref().and_then(|p| kb.actor(p)) else {
            break;
        };
        actor = parent;
    }
    &actor.id
}

/// The governorate a place's admin1 counts as: Damascus and its countryside are one.
fn governorate(admin1: &str) -> &str {
    if admin1 == "Rif Dimashq" {
        "Damascus"
    } else {
        admin1
    }
}

/// The offsets `i` where `b[i]` and `b[i + 3]` are both spaces, in order. Spaces are too dense
/// in prose for `memchr` to pay, and a byte-by-byte test costs several instructions a byte: eight
/// bytes are tested at once (a zero-byte test on words XORed with spaces, which may flag a byte
/// above a true match too; each flagged word is checked byte by byte).
fn spaces_three_apart(b: &[u8]) -> Vec<usize> {
    const SPACES: u64 = 0x2020_2020_2020_2020;
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_bytes = |v: u64| v.wrapping_sub(LOW) & !v & HIGH;
    let word = |i: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&b[i..i + 8]);
        u64::from_le_bytes(w)
    };
    let mut out = Vec::new();
    let mut check = |from: usize, to: usize| {
        for k in from..to {
            if b[k] == b' ' && b[k + 3] == b' ' {
                out.push(k);
            }
        }
    };
    let mut i = 0;
    while i + 11 <= b.len() {
        if zero_bytes(word(i) ^ SPACES) & zero_bytes(word(i + 3) ^ SPACES) != 0 {
            check(i, i + 8);
        }
        i += 8;
    }
    check(i, b.len().saturating_sub(3));
    out
}

/// "ق تل", "تقد م", "السوري ة", "الر ق ة": some pages print a space where a word had a damma or
/// a shadda. No Arabic word is one letter but the conjunction "و" (and "ا", see
/// `marsad_text::normalize`), so a lone letter between two words joins the word after it or
/// the one before it (with a second lone letter after it: both), when that makes a word of the
/// knowledge base: the words that matter to extraction read whole, with the offset map kept.
fn join_split_words(n: marsad_text::Normalized, kb: &KnowledgeBase) -> marsad_text::Normalized {
    // Arabic letters only: the words joined are the knowledge base's.
    let letter = marsad_text::is_arabic_letter;
    let b = n.text.as_bytes();
    // A lone Arabic letter at `i` (2 bytes) with a space after it.
    let lone = |i: usize| {
        b.get(i + 2) == Some(&b' ')
            && n.text
                .get(i..i + 2)
                .and_then(|c| c.chars().next())
                .is_some_and(|c| letter(c) && c != 'و' && c != 'ا')
    };
    // The run of letters ending at `end` (exclusive) or starting at `start`.
    let word_before = |end: usize| {
        let w = &n.text[..end];
        let from = w
            .char_indices()
            .rev()
            .take_while(|&(_, c)| letter(c))
            .last()
            .map_or(end, |(k, _)| k);
        &n.text[from..end]
    };
    let word_after = |start: usize| {
        let w = &n.text[start..];
        let len = w
            .char_indices()
            .find(|&(_, c)| !letter(c))
            .map_or(w.len(), |(k, _)| k);
        &n.text[start..start + len]
    };
    let mut drops = Vec::new();
    let mut joined = String::new();
    let mut last_drop = 0;
    for i in spaces_three_apart(b) {
        let x = i + 1;
        if !lone(x) || (last_drop > 0 && last_drop >= i) {
            continue;
        }
        let before = word_before(i);
        let after = word_after(x + 3);
        // After another lone letter it is an abbreviation spelled apart ("أ ف ب").
        if before.chars().count() == 1 {
            continue;
        }
        let single = &n.text[x..x + 2];
        let mut knows = |parts: &[&str]| {
            joined.clear();
            parts.iter().for_each(|p| joined.push_str(p));
            kb.knows_word(&joined)
        };
        if after.chars().count() >= 2 {
            if knows(&[single, after]) {
                drops.push(x + 2);
                last_drop = x + 2;
            } else if !before.is_empty() && knows(&[before, single]) {
                drops.push(i);
                last_drop = i;
            }
        } else if !before.is_empty()
            && after.chars().count() == 1
            && lone(x + 3)
            && knows(&[before, single, after])
        {
            drops.extend([i, x + 2]);
            last_drop = x + 2;
        }
    }
    n.without_spaces_at(&drops)
}

#[cfg(test)]
mod tests {
    #[test]
    fn spaces_three_apart_are_all_found() {
        let texts = [
            "",
            "   ",
            "a b c d e f g h i j k l m n",
            "وقد ق تل 3 من القوات السوري ة أمس 12 حيث ",
            "x  a  b    c",
        ];
        // And texts of spaces, letters and digits drawn by a fixed xorshift.
        let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
        let mut drawn = Vec::new();
        for len in 0..300 {
            let mut t = String::new();
            for _ in 0..len {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                t.push([' ', ' ', 'ق', '1', 'a'][(seed % 5) as usize]);
            }
            drawn.push(t);
        }
        for t in texts
            .iter()
            .copied()
            .chain(drawn.iter().map(String::as_str))
        {
            let b = t.as_bytes();
            let want: Vec<usize> = (0..b.len().saturating_sub(3))
                .filter(|&k| b[k] == b' ' && b[k + 3] == b' ')
                .collect();
            assert_eq!(super::spaces_three_apart(b), want, "{t:?}");
        }
    }

    use super::{glued, words_before, ALA_KEY, OTHER_KEYS};

    /// `words_before` splits normalized text as `split_whitespace` does, backwards.
    #[test]
    fn words_before_are_the_words() {
        let t =
            marsad_text::normalize("  قال\tمصدر\u{00A0}إن  الطيران\n\nقصف  بلدة\u{2028}x ").text;
        for end in (0..=t.len()).filter(|&e| t.is_char_boundary(e)) {
            let ours: Vec<&str> = words_before(&t, end).collect();
            let split: Vec<&str> = t[..end].split_whitespace().rev().collect();
            assert_eq!(ours, split, "before {end}");
        }
    }

    #[test]
    fn word_keys_are_the_keys_of_the_words() {
        use marsad_text::normalize_key;
        assert_eq!(normalize_key("على"), ALA_KEY);
        let other: Vec<String> = ["أخرى", "آخر", "أخر"].map(normalize_key).into();
        assert!(other.iter().all(|k| OTHER_KEYS.contains(&k.as_str())));
        assert!(OTHER_KEYS.iter().all(|k| other.iter().any(|o| o == k)));
    }

    #[test]
    fn a_clock_time_ends_the_header() {
        use super::time_stamp_end;
        let head = "القوات تسيطر على المدينة الجمعة 20 أكتوبر 2017 16 : 27 قالت مصادر";
        assert_eq!(
            &head[..time_stamp_end(head)],
            "القوات تسيطر على المدينة الجمعة 20 أكتوبر 2017 16 : 27"
        );
        assert_eq!(time_stamp_end("نشر 09:53 قصفت الطائرات"), "نشر 09:53".len());
        // Hours told as the time of the event, and figures that are no clock.
        assert_eq!(time_stamp_end("بدأ الهجوم الساعة 10 : 30 صباحا"), 0);
        assert_eq!(time_stamp_end("النتيجة 123 : 45 هدفا و 2 : 1"), 0);
    }

    #[test]
    fn headlines_run_together_are_glued() {
        assert!(glued("اعتقال المتهم بتنفيذ هجوم برشلونةالتدمير في بلدة"));
        assert!(glued("Select news regionMenuالأحداث قتلت"));
        assert!(glued("سقطت قذيفة على الحدود مع مصرعلىالمدينة"));
        // Ordinary spelling: ة and ى end words; Latin after Arabic is a code or a unit.
        assert!(!glued("قصفت الطائرات مدينة إدلب على الحدود"));
        assert!(!glued("أصيب 1 جريحMap"));
        assert!(!glued("مستشفى المدينة"));
        // At the ends of the text, after other scripts and after letters outside the range.
        assert!(glued("aب"));
        assert!(glued("ىي"));
        assert!(!glued("ب"));
        assert!(!glued("a"));
        assert!(!glued(""));
        assert!(!glued("éب ۀب ٱب"));
        assert!(glued("éب ۀب ٱب ةي"));
    }

    /// The byte reading agrees with reading the chars, on every pair of chars from a set of
    /// letters, Latin, accented and other Arabic-block chars.
    #[test]
    fn glued_agrees_with_chars() {
        let by_chars = |s: &str| {
            let arabic_letter = |c: char| ('\u{0621}'..='\u{064A}').contains(&c);
            let mut prev = ' ';
            s.chars().any(|c| {
                let hit =
                    arabic_letter(c) && (matches!(prev, 'ة' | 'ى') || prev.is_ascii_alphabetic());
                prev = c;
                hit
            })
        };
        let chars = [
            "ة", "ى", "ي", "ء", "ؠ", "ـ", "ً", "ٱ", "a", "Z", "1", " ", "é", "ۀ", "€", "ب",
        ];
        for x in chars {
            for y in chars {
                for z in ["", "ب", "a"] {
                    let s = format!("{z}{x}{y}");
                    assert_eq!(glued(&s), by_chars(&s), "{s:?}");
                }
            }
        }
    }
}
