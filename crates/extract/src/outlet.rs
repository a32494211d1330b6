//! The outlet that published a document: its metadata, the URL's domain through the outlet
//! table (`data/outlets.toml`), the page's byline or copyright line, else the domain itself.
//! Agencies and monitors that pages quote (`cited` in the table: "رويترز", "المرصد السوري") are
//! the outlet only on their own domain: named on a page they are its cited source.

use marsad_ingest::Document;
use marsad_kb::{CueKind, KnowledgeBase, SourceScale};
use marsad_text::TokenKind;

use crate::doc::Doc;

/// The host of a URL, lowercase, without "www." and port ("https://www.dw.com/ar/x" → "dw.com").
pub fn url_host(url: &str) -> Option<String> {
    let rest = url.trim().split_once("://").map_or(url.trim(), |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?;
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    (host.contains('.') && !host.contains(char::is_whitespace)).then_some(host)
}

/// The outlet's name (the table's English name when it is listed) and, for a listed outlet,
/// ACLED's source scale.
pub fn outlet(
    kb: &KnowledgeBase,
    document: &Document,
    doc: &Doc,
) -> (Option<String>, Option<SourceScale>) {
    let listed = |i: usize| (Some(kb.outlets[i].name.clone()), kb.outlets[i].source_scale);
    if let Some(o) = &document.outlet {
        let key = marsad_text::normalize_key(o);
        return kb
            .outlets
            .iter()
            .position(|x| {
                x.aliases
                    .iter()
                    .any(|a| marsad_text::normalize_key(a) == key)
                    || x.name == *o
            })
            .map_or((Some(o.clone()), None), listed);
    }
    let host = document.url.as_deref().and_then(url_host);
    if let Some(i) = host.as_deref().and_then(|h| kb.outlet_of_host(h)) {
        return listed(i);
    }
    match from_page(kb, doc)
        // On an unlisted site a name that is also a word ("العالم", "اقتصاد") is no evidence
        // against the site's own name.
        .filter(|&o| host.is_none() || !kb.outlets[o].ambiguous)
    {
        Some(o) => listed(o),
        // An unlisted site is still the outlet that published the page.
        None => (host, None),
    }
}

/// A known outlet in the byline lines, else in a copyright line, else the outlet most often
/// told things ("قال لـ"المدن""); never a `cited` one.
fn from_page(kb: &KnowledgeBase, doc: &Doc) -> Option<usize> {
    let t = doc.text();
    let paras = &doc.paragraphs;
    let own = |o: usize| !kb.outlets[o].cited;
    let byline = paras.iter().take(4).find_map(|p| {
        let words = doc
            .tokens_in(p.clone())
            .filter(|t| t.kind == TokenKind::Word)
            .count();
        doc.outlets
            .iter()
            .find(|(r, o)| {
                r.start >= p.start
                    && r.end <= p.end
                    && own(*o)
                    && (words <= 8 || !kb.outlets[*o].ambiguous)
            })
            .map(|(_, o)| *o)
    });
    if byline.is_some() {
        return byline;
    }
    let copyright = paras.iter().rev().take(3).find_map(|p| {
        let line = &t[p.clone()];
        if !(line.contains('©') || doc.cues_in(p.clone()).any(|(_, k)| k == CueKind::Copyright)) {
            return None;
        }
        doc.outlets
            .iter()
            .find(|(r, o)| r.start >= p.start && r.end <= p.end && own(*o))
            .map(|(_, o)| *o)
    });
    if copyright.is_some() {
        return copyright;
    }
    // "لـ X": told to X.
    let mut counts: Vec<(usize, usize)> = Vec::new();
    for (r, o) in doc.outlets.iter().filter(|(_, o)| own(*o)) {
        let before = t[..r.start].trim_end_matches([' ', '"']);
        if before.ends_with(" ل")
            || before.ends_with("\nل")
            || before.ends_with('ل') && before.len() == 1
        {
            match counts.iter_mut().find(|(x, _)| x == o) {
                Some(c) => c.1 += 1,
                None => counts.push((*o, 1)),
            }
        }
    }
    counts.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    counts.first().map(|(o, _)| *o)
}

#[cfg(test)]
mod tests {
    use super::url_host;

    #[test]
    fn hosts_lose_scheme_www_port_and_case() {
        assert_eq!(
            url_host("https://WWW.DW.com:443/ar/x?y=1").as_deref(),
            Some("dw.com")
        );
        assert_eq!(
            url_host("http://arabic.rt.com/middle_east/1").as_deref(),
            Some("arabic.rt.com")
        );
        assert_eq!(url_host("www.alhayat.com").as_deref(), Some("alhayat.com"));
        assert_eq!(url_host("not a url"), None);
        assert_eq!(url_host(""), None);
    }
}
