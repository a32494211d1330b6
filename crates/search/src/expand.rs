//! Query expansion with the knowledge base: actor aliases and place names.

use marsad_kb::KnowledgeBase;
use marsad_text::{normalize_key, proclitic_splits, strip_article};
use std::collections::HashMap;

/// Longest alias (in words) looked for in a run of query words.
const MAX_NGRAM: usize = 8;

/// Precomputed alias tables of a knowledge base; [`Expander::expand`] rewrites query strings.
#[derive(Debug, Clone, Default)]
pub struct Expander {
    /// Normalized alias / place name → indexes into `groups`.
    keys: HashMap<String, Vec<usize>>,
    /// Per entity: the alternatives a matching query word is OR-ed with.
    groups: Vec<Vec<String>>,
}

/// Make a string safe inside a tantivy phrase query.
fn phrase(s: &str) -> String {
    let clean: String = s
        .chars()
        .map(|c| if c == '"' || c == '\\' { ' ' } else { c })
        .collect();
    format!(
        "\"{}\"",
        clean.split_whitespace().collect::<Vec<_>>().join(" ")
    )
}

impl Expander {
    /// Build the tables: every actor alias (not anaphors) maps to the actor's aliases as phrases
    /// plus `actor:"<id>"`; every place name and variant (places marked `needs_context` are
    /// skipped) maps to the place's names as phrases plus `place:"<id>"`.
    pub fn new(kb: &KnowledgeBase) -> Self {
        let mut e = Expander::default();
        for a in &kb.actors {
            let mut alts: Vec<String> = Vec::new();
            for al in &a.aliases {
                let p = phrase(&normalize_key(al));
                if p.len() > 2 && !alts.contains(&p) {
                    alts.push(p);
                }
            }
            alts.push(format!("actor:{}", phrase(&a.id)));
            let g = e.groups.len();
            e.groups.push(alts);
            for al in &a.aliases {
                e.add_key(normalize_key(al), g);
            }
        }
        for p in &kb.places {
            if p.needs_context {
                continue;
            }
            let names: Vec<String> = std::iter::once(&p.name_ar)
                .chain(p.variants.iter())
                .map(|s| normalize_key(s))
                .filter(|s| !s.is_empty())
                .collect();
            let mut alts: Vec<String> = Vec::new();
            for n in &names {
                let ph = phrase(n);
                if !alts.contains(&ph) {
                    alts.push(ph);
                }
            }
            alts.push(format!("place:{}", phrase(&p.id)));
            // The English name also matches events whose admin1 is this place.
            alts.push(format!("place:{}", phrase(&p.name)));
            let g = e.groups.len();
            e.groups.push(alts);
            for n in names {
                e.add_key(n, g);
            }
        }
        e
    }

    fn add_key(&mut self, key: String, group: usize) {
        if key.is_empty() {
            return;
        }
        let v = self.keys.entry(key).or_default();
        if !v.contains(&group) {
            v.push(group);
        }
    }

    /// Entities named by a normalized key (as is, or one word without a proclitic/article).
    fn lookup(&self, key: &str) -> Option<&Vec<usize>> {
        if let Some(v) = self.keys.get(key) {
            return Some(v);
        }
        if key.contains(' ') {
            // A multi-word name with an article or proclitic glued to its first word.
            let (first, rest) = key.split_once(' ')?;
            for (_, stem) in proclitic_splits(first).into_iter().skip(1) {
                if let Some(v) = self.keys.get(&format!("{stem} {rest}")) {
                    return Some(v);
                }
            }
            return None;
        }
        for (_, stem) in proclitic_splits(key).into_iter().skip(1) {
            if let Some(v) = self
                .keys
                .get(stem)
                .or_else(|| self.keys.get(strip_article(stem)))
            {
                return Some(v);
            }
        }
        None
    }

    /// `(original OR alt1 OR alt2 ...)` for the entities in `groups`.
    fn group(&self, original: &str, groups: &[usize]) -> String {
        let mut alts: Vec<&str> = vec![original];
        for &g in groups {
            for a in &self.groups[g] {
                if !alts.contains(&a.as_str()) {
                    alts.push(a);
                }
            }
        }
        format!("({})", alts.join(" OR "))
    }

    /// Rewrite a query: every maximal run of plain words is scanned left to right for the
    /// longest word sequence (up to 8 words) whose normalized form is an alias of an actor or a
    /// name of a place; that sequence `w` becomes `(w OR "alias 1" OR "alias 2" ... OR
    /// actor:"id")` (places: Arabic name and variants, `place:"id"`). A quoted phrase equal to
    /// an alias is expanded the same way; a `+`/`-` word keeps its sign on the group. Field
    /// clauses (`actor:x`), operators (`AND`, `OR`, `NOT`), parentheses and words with query
    /// syntax are left as they are.
    pub fn expand(&self, query: &str) -> String {
        let items = lex(query);
        let mut out: Vec<String> = Vec::new();
        let mut i = 0;
        while i < items.len() {
            match &items[i] {
                Item::Word(_) => {
                    // Maximal run of plain words.
                    let mut j = i;
                    while j < items.len() && matches!(items[j], Item::Word(_)) {
                        j += 1;
                    }
                    let words: Vec<&str> = items[i..j]
                        .iter()
                        .map(|it| match it {
                            Item::Word(w) => w.as_str(),
                            _ => unreachable!(),
                        })
                        .collect();
                    let mut k = 0;
                    while k < words.len() {
                        let mut matched = false;
                        for n in (1..=MAX_NGRAM.min(words.len() - k)).rev() {
                            let seq = words[k..k + n].join(" ");
                            if let Some(g) = self.lookup(&normalize_key(&seq)) {
                                let orig = if n == 1 { seq } else { phrase(&seq) };
                                out.push(self.group(&orig, g));
                                k += n;
                                matched = true;
                                break;
                            }
                        }
                        if !matched {
                            out.push(words[k].to_string());
                            k += 1;
                        }
                    }
                    i = j;
                    continue;
                }
                Item::Signed(sign, w) => match self.lookup(&normalize_key(w)) {
                    Some(g) => out.push(format!("{sign}{}", self.group(w, g))),
                    None => out.push(format!("{sign}{w}")),
                },
                Item::Phrase(prefix, p) => {
                    let key = normalize_key(p);
                    match self.lookup(&key) {
                        Some(g) if prefix.is_empty() || prefix == "+" || prefix == "-" => {
                            out.push(format!("{prefix}{}", self.group(&phrase(p), g)))
                        }
                        _ => out.push(format!("{prefix}{}", phrase(p))),
                    }
                }
                Item::Other(s) => out.push(s.clone()),
            }
            i += 1;
        }
        out.join(" ")
    }
}

/// Pieces of a query string.
#[derive(Debug, Clone, PartialEq)]
enum Item {
    /// A plain word (candidate for expansion).
    Word(String),
    /// A word with a leading `+` or `-`.
    Signed(char, String),
    /// A quoted phrase with what preceded the quote (`""`, `+`, `-`, `field:`...).
    Phrase(String, String),
    /// Anything else, passed through: operators, parentheses, field clauses, syntax.
    Other(String),
}

fn lex(q: &str) -> Vec<Item> {
    let mut items = Vec::new();
    let mut chars = q.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        if c == '(' || c == ')' {
            chars.next();
            items.push(Item::Other(c.to_string()));
            continue;
        }
        // Read up to whitespace, a parenthesis or a quote.
        let mut end = start;
        while let Some(&(i, ch)) = chars.peek() {
            if ch.is_whitespace() || ch == '(' || ch == ')' || ch == '"' {
                break;
            }
            end = i + ch.len_utf8();
            chars.next();
        }
        let word = &q[start..end];
        if let Some(&(qi, '"')) = chars.peek() {
            // A phrase, possibly prefixed by the word just read.
            chars.next();
            let mut pend = q.len();
            let mut closed = false;
            for (i, ch) in chars.by_ref() {
                if ch == '"' {
                    pend = i;
                    closed = true;
                    break;
                }
            }
            let body = &q[qi + 1..pend];
            if !closed && body.trim().is_empty() {
                items.push(Item::Other(word.to_string()));
                continue;
            }
            // Anything glued after the closing quote (`~2`, `^2`) stays with it.
            let mut tail = String::new();
            while let Some(&(_, ch)) = chars.peek() {
                if ch.is_whitespace() || ch == '(' || ch == ')' || ch == '"' {
                    break;
                }
                tail.push(ch);
                chars.next();
            }
            if tail.is_empty() {
                items.push(Item::Phrase(word.to_string(), body.to_string()));
            } else {
                items.push(Item::Other(format!("{word}{}{tail}", phrase(body))));
            }
            continue;
        }
        if word.is_empty() {
            continue;
        }
        let syntax = |w: &str| {
            w.contains(|ch: char| {
                matches!(
                    ch,
                    ':' | '^' | '~' | '*' | '[' | ']' | '{' | '}' | '!' | '\\'
                )
            })
        };
        if matches!(word, "AND" | "OR" | "NOT" | "&&" | "||") || syntax(word) {
            items.push(Item::Other(word.to_string()));
        } else if let Some(rest) = word.strip_prefix(['+', '-']) {
            let sign = word.chars().next().unwrap_or('+');
            if rest.is_empty() {
                items.push(Item::Other(word.to_string()));
            } else {
                items.push(Item::Signed(sign, rest.to_string()));
            }
        } else {
            items.push(Item::Word(word.to_string()));
        }
    }
    items
}

/// Rewrite `q` with the aliases of `kb` (see [`Expander::expand`]). Builds the tables on each
/// call; keep an [`Expander`] to expand many queries.
pub fn expand_query(kb: &KnowledgeBase, q: &str) -> String {
    Expander::new(kb).expand(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kb() -> KnowledgeBase {
        KnowledgeBase::builtin().expect("builtin kb")
    }

    #[test]
    fn lexer_keeps_syntax() {
        let items = lex(r#"هدنة +قسد -"دير الزور" actor:sdf (a OR b) title:"x y"~2"#);
        assert_eq!(items[0], Item::Word("هدنة".into()));
        assert_eq!(items[1], Item::Signed('+', "قسد".into()));
        assert_eq!(items[2], Item::Phrase("-".into(), "دير الزور".into()));
        assert_eq!(items[3], Item::Other("actor:sdf".into()));
        assert_eq!(items[4], Item::Other("(".into()));
        assert_eq!(
            items.last().unwrap(),
            &Item::Other("title:\"x y\"~2".into())
        );
    }

    #[test]
    fn expands_actor_alias() {
        let kb = kb();
        let e = expand_query(&kb, "هدنة قسد");
        assert!(e.starts_with("هدنة (قسد OR "), "{e}");
        assert!(e.contains("\"قوات سوريه الديموقراطيه\""), "{e}");
        assert!(e.contains("actor:\"sdf\""), "{e}");
        // A multi-word alias is found as one unit and quoted.
        let e = expand_query(&kb, "قوات سوريا الديمقراطية");
        assert!(e.starts_with("(\"قوات سوريا الديمقراطية\" OR "), "{e}");
        // Signs and phrases.
        let e = expand_query(&kb, "-قسد");
        assert!(e.starts_with("-(قسد OR "), "{e}");
        let e = expand_query(&kb, "\"قسد\" actor:x");
        assert!(e.starts_with("(\"قسد\" OR "), "{e}");
        assert!(e.ends_with(" actor:x"), "{e}");
        // Unknown words are untouched.
        assert_eq!(expand_query(&kb, "هدنة AND قصف"), "هدنة AND قصف");
    }

    #[test]
    fn expands_place_names() {
        let kb = kb();
        let e = expand_query(&kb, "قصف الحسكة");
        assert!(e.contains("place:\"sy-al-hasakah\""), "{e}");
        assert!(e.contains("\"محافظه الحسكه\""), "{e}");
    }
}
