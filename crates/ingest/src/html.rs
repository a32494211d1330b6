//! HTML pages. In: the raw bytes of a page (a file or a WARC record body). Out: a
//! [`Document`] whose `text` is the main article text, one paragraph / heading / list
//! item per line joined by `"\n"`, with boilerplate lines (share buttons, copyright,
//! "read also" lists) dropped; `title`, `outlet`, `published` and `url` come from
//! meta tags when present. Never touches the network.
//!
//! Main text comes from `dom_smoothie` (Readability). Fallbacks, each reported as a
//! warning: extraction fails or yields nothing → whole body text; markup nested deeper
//! than [`MAX_NESTING`] → plain tag stripping (the DOM code recurses, so deep nesting
//! could overflow the stack).

use std::sync::LazyLock;

use dom_smoothie::{Config, Readability};
use ego_tree::iter::Edge;
use scraper::{Html, Node, Selector};

use crate::text::{collapse_ws, decode, make_document, Meta};
use crate::{Document, ErrorKind, Format, InputError, ReadOptions};

/// Deepest element nesting handed to the DOM-based extraction; deeper pages are
/// tag-stripped instead. Measured with dom_smoothie 0.19 on a 2 MiB stack: 10,000
/// nested `<div>`s overflow the stack, and the time grows about quadratically with
/// depth (256 levels ≈ 0.3 s in a debug build, 3,000 ≈ 25 s); real pages stay well
/// under 100.
pub const MAX_NESTING: usize = 256;
/// Elements handed to Readability at most; bigger pages use the body text.
const MAX_ELEMENTS: usize = 200_000;

/// Reads an HTML page. Returns the document and warnings (fallbacks taken).
///
/// Errors: the byte-level checks of [`crate::read_text`] (size, binary, UTF-8) and
/// [`ErrorKind::NoHtmlText`] when no text at all is found.
pub fn read_html(
    origin: &str,
    id: &str,
    bytes: &[u8],
    opts: &ReadOptions,
) -> Result<(Document, Vec<String>), InputError> {
    let html = decode(origin, bytes, opts)?;
    html_document(origin, id, html, Format::Html, Meta::default(), opts)
}

/// Shared by HTML files and WARC records: `base` metadata (e.g. from WARC headers)
/// fills what the page itself does not give, except `url` where `base` wins.
pub(crate) fn html_document(
    origin: &str,
    id: &str,
    html: &str,
    format: Format,
    base: Meta,
    opts: &ReadOptions,
) -> Result<(Document, Vec<String>), InputError> {
    let mut warnings = Vec::new();
    let depth = max_nesting_depth(html);
    let (lines, meta) = if depth > MAX_NESTING {
        warnings.push(format!(
            "HTML nested {depth} levels deep (limit {MAX_NESTING}): used plain tag-strip extraction"
        ));
        (tag_strip_lines(html), tag_strip_meta(html))
    } else {
        let dom = Html::parse_document(html);
        let mut meta = page_meta(&dom);
        let mut lines = Vec::new();
        if opts.html_extract {
            match readability(html) {
                Ok((content, extra)) => {
                    lines = content;
                    if lines.is_empty() {
                        warnings.push(
                            "main-text extraction found no text: used the whole body text"
                                .to_string(),
                        );
                    }
                    fill(&mut meta.title, extra.title);
                    fill(&mut meta.outlet, extra.outlet);
                    fill(&mut meta.published, extra.published);
                }
                Err(reason) => warnings.push(format!(
                    "main-text extraction failed ({reason}): used the whole body text"
                )),
            }
        }
        if lines.is_empty() {
            lines = filter_lines(walk_lines(dom.root_element(), BODY_SKIP));
        }
        (lines, meta)
    };
    finish(origin, id, format, base, meta, lines, warnings)
}

fn finish(
    origin: &str,
    id: &str,
    format: Format,
    base: Meta,
    mut meta: Meta,
    lines: Vec<String>,
    warnings: Vec<String>,
) -> Result<(Document, Vec<String>), InputError> {
    if lines.is_empty() {
        return Err(InputError::new(origin, ErrorKind::NoHtmlText));
    }
    let text = lines.join("\n");
    if base.url.is_some() {
        meta.url = base.url;
    }
    fill(&mut meta.outlet, base.outlet);
    fill(&mut meta.title, base.title);
    fill(&mut meta.published, base.published);
    Ok((make_document(origin, id, format, text, meta), warnings))
}

fn fill(slot: &mut Option<String>, value: Option<String>) {
    if slot.is_none() {
        *slot = value.filter(|v| !v.trim().is_empty());
    }
}

/// Runs Readability; returns the content lines and the metadata it found.
fn readability(html: &str) -> Result<(Vec<String>, Meta), String> {
    let cfg = Config {
        max_elements_to_parse: MAX_ELEMENTS,
        ..Config::default()
    };
    let mut r = Readability::new(html, None, Some(cfg)).map_err(|e| e.to_string())?;
    let article = r.parse().map_err(|e| e.to_string())?;
    let frag = Html::parse_fragment(&article.content);
    let lines = filter_lines(walk_lines(frag.root_element(), CONTENT_SKIP));
    let meta = Meta {
        url: None,
        outlet: article.site_name.map(|s| collapse_ws(&s)),
        title: Some(collapse_ws(&article.title)),
        published: article.published_time,
    };
    Ok((lines, meta))
}

// ---------------------------------------------------------------- metadata

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("valid selector")
}

static TITLE_META: LazyLock<Selector> =
    LazyLock::new(|| sel(r#"meta[property="og:title"], meta[name="twitter:title"]"#));
static TITLE: LazyLock<Selector> = LazyLock::new(|| sel("title"));
static SITE: LazyLock<Selector> = LazyLock::new(|| {
    sel(
        r#"meta[property="og:site_name"], meta[name="og:site_name"], meta[name="application-name"]"#,
    )
});
static PUBLISHED_META: LazyLock<Selector> = LazyLock::new(|| {
    sel(concat!(
        r#"meta[property="article:published_time"], meta[name="article:published_time"], "#,
        r#"meta[itemprop="datePublished"], meta[name="pubdate"], meta[name="publishdate"], "#,
        r#"meta[name="publish-date"], meta[name="date"], meta[property="og:published_time"]"#
    ))
});
static TIME: LazyLock<Selector> = LazyLock::new(|| sel("time[datetime]"));
static CANONICAL: LazyLock<Selector> =
    LazyLock::new(|| sel(r#"link[rel="canonical"], meta[property="og:url"]"#));

fn first_attr(dom: &Html, s: &Selector, attrs: &[&str]) -> Option<String> {
    dom.select(s)
        .filter_map(|e| attrs.iter().find_map(|a| e.value().attr(a)))
        .map(collapse_ws)
        .find(|v| !v.is_empty())
}

fn page_meta(dom: &Html) -> Meta {
    let title = first_attr(dom, &TITLE_META, &["content"]).or_else(|| {
        dom.select(&TITLE)
            .map(|t| collapse_ws(&t.text().collect::<String>()))
            .find(|t| !t.is_empty())
    });
    Meta {
        url: first_attr(dom, &CANONICAL, &["href", "content"]),
        outlet: first_attr(dom, &SITE, &["content"]),
        title,
        published: first_attr(dom, &PUBLISHED_META, &["content"])
            .or_else(|| first_attr(dom, &TIME, &["datetime"])),
    }
}

// ---------------------------------------------------------------- DOM → lines

/// Elements whose subtree is ignored inside Readability's content.
const CONTENT_SKIP: &[&str] = &[
    "script", "style", "noscript", "template", "button", "nav", "form", "select", "svg", "iframe",
];
/// Elements whose subtree is ignored when falling back to the whole body.
const BODY_SKIP: &[&str] = &[
    "head", "script", "style", "noscript", "template", "button", "nav", "form", "select", "svg",
    "iframe", "header", "footer", "aside", "menu",
];

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "body"
            | "br"
            | "caption"
            | "dd"
            | "details"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hr"
            | "li"
            | "main"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "tfoot"
            | "th"
            | "thead"
            | "tr"
            | "ul"
            | "html"
    )
}

/// A line of extracted text with hints for the boilerplate filter.
#[derive(Debug, Default)]
struct Line {
    text: String,
    link_chars: usize,
    in_li: bool,
}

impl Line {
    fn link_density(&self) -> f64 {
        let n = self.text.chars().filter(|c| !c.is_whitespace()).count();
        if n == 0 {
            0.0
        } else {
            self.link_chars as f64 / n as f64
        }
    }
}

struct LineBuilder {
    lines: Vec<Line>,
    cur: Line,
}

impl LineBuilder {
    fn push_text(&mut self, t: &str, in_link: bool, in_li: bool) {
        let starts_ws = t.starts_with(char::is_whitespace);
        let ends_ws = t.ends_with(char::is_whitespace);
        let c = collapse_ws(t);
        if c.is_empty() {
            if !t.is_empty() && !self.cur.text.is_empty() && !self.cur.text.ends_with(' ') {
                self.cur.text.push(' ');
            }
            return;
        }
        if starts_ws && !self.cur.text.is_empty() && !self.cur.text.ends_with(' ') {
            self.cur.text.push(' ');
        }
        self.cur.text.push_str(&c);
        if ends_ws {
            self.cur.text.push(' ');
        }
        if in_link {
            self.cur.link_chars += c.chars().filter(|c| !c.is_whitespace()).count();
        }
        self.cur.in_li |= in_li;
    }

    fn flush(&mut self) {
        let mut line = std::mem::take(&mut self.cur);
        let t = line.text.trim();
        if !t.is_empty() {
            line.text = t.to_string();
            self.lines.push(line);
        }
    }
}

/// Walks the tree iteratively (no recursion), one line per block element.
fn walk_lines(root: scraper::ElementRef<'_>, skip: &[&str]) -> Vec<Line> {
    let mut b = LineBuilder {
        lines: Vec::new(),
        cur: Line::default(),
    };
    let mut skipping = 0usize;
    let mut links = 0usize;
    let mut lis = 0usize;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(e) => {
                    let name = e.name();
                    if skipping > 0 || skip.contains(&name) {
                        skipping += 1;
                        continue;
                    }
                    if is_block(name) {
                        b.flush();
                    }
                    match name {
                        "a" => links += 1,
                        "li" => lis += 1,
                        _ => {}
                    }
                }
                Node::Text(t) if skipping == 0 => b.push_text(t, links > 0, lis > 0),
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(e) = node.value() {
                    if skipping > 0 {
                        skipping -= 1;
                        continue;
                    }
                    let name = e.name();
                    match name {
                        "a" => links = links.saturating_sub(1),
                        "li" => lis = lis.saturating_sub(1),
                        _ => {}
                    }
                    if is_block(name) {
                        b.flush();
                    }
                }
            }
        }
    }
    b.flush();
    b.lines
}

// ---------------------------------------------------------------- boilerplate

/// Arabic letters folded for matching: hamza forms → ا, diacritics and tatweel dropped,
/// Latin lowercased, punctuation removed.
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            'أ' | 'إ' | 'آ' | 'ٱ' => out.push('ا'),
            'ى' => out.push('ي'),
            '\u{064B}'..='\u{065F}' | '\u{0670}' | 'ـ' => {}
            c if c.is_alphanumeric() => out.extend(c.to_lowercase()),
            c if c.is_whitespace() && !out.ends_with(' ') && !out.is_empty() => out.push(' '),
            _ => {}
        }
    }
    out.trim_end().to_string()
}

const SHORT: usize = 40;
const COPYRIGHT_MAX: usize = 200;

const SHARE_PREFIXES: &[&str] = &[
    "شارك",
    "تابعونا",
    "تابعنا",
    "انضم الي",
    "اشترك",
    "share",
    "follow us",
    "subscribe",
];
const SOCIAL_WORDS: &[&str] = &[
    "فيسبوك",
    "فيس",
    "بوك",
    "تويتر",
    "واتساب",
    "واتس",
    "اب",
    "تلغرام",
    "تيليغرام",
    "تليجرام",
    "انستغرام",
    "يوتيوب",
    "لينكدان",
    "طباعة",
    "ارسال",
    "بريد",
    "facebook",
    "twitter",
    "x",
    "whatsapp",
    "telegram",
    "instagram",
    "youtube",
    "linkedin",
    "email",
    "print",
];
const READ_ALSO: &[&str] = &[
    "اقرا ايضا",
    "اقرا المزيد",
    "اقرا اكثر",
    "ذات صلة",
    "مواضيع ذات صلة",
    "اخبار ذات صلة",
    "مقالات ذات صلة",
    "قد يهمك",
    "read also",
    "read more",
    "related",
];

fn is_boilerplate(line: &str) -> bool {
    let n = line.chars().count();
    let f = fold(line);
    if n <= COPYRIGHT_MAX
        && (line.contains('©')
            || f.contains("جميع الحقوق محفوظة")
            || f.contains("كل الحقوق محفوظة")
            || f.contains("copyright")
            || f.contains("all rights reserved"))
    {
        return true;
    }
    if n <= SHORT && SHARE_PREFIXES.iter().any(|p| f.starts_with(p)) {
        return true;
    }
    !f.is_empty() && f.split(' ').all(|w| SOCIAL_WORDS.contains(&w))
}

fn is_read_also(line: &str) -> bool {
    let f = fold(line);
    READ_ALSO.iter().any(|p| f.starts_with(p))
}

/// Drops boilerplate lines and "read also" headings with the link list after them.
fn filter_lines(lines: Vec<Line>) -> Vec<String> {
    let mut out = Vec::with_capacity(lines.len());
    let mut in_related = false;
    for line in lines {
        if in_related {
            if line.in_li || line.link_density() >= 0.8 {
                continue;
            }
            in_related = false;
        }
        if is_read_also(&line.text) {
            // a bare heading introduces a list of links; "اقرأ أيضاً: <title>" is one line
            in_related = line.text.chars().count() <= 30;
            continue;
        }
        if is_boilerplate(&line.text) {
            continue;
        }
        out.push(line.text);
    }
    out
}

// ---------------------------------------------------------------- tag strip fallback

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen", "command",
];
/// Elements whose end tag is optional: not counted as nesting (sloppy pages leave
/// them open).
const OPTIONAL_END: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "tbody", "thead", "tfoot",
    "colgroup", "rt", "rp", "html", "head", "body",
];
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp", "noscript"];

/// A tag found by the scanner.
struct Tag<'a> {
    name: String,
    closing: bool,
    self_closing: bool,
    /// The whole tag, `<` to `>`.
    raw: &'a str,
}

/// Scans tags and text without building a tree. Calls `on_text` for text between tags
/// and `on_tag` for tags; raw-text elements (script, style, ...) are skipped whole and
/// reported as one open tag whose content is passed to `on_raw`.
fn scan<'a>(
    html: &'a str,
    mut on_text: impl FnMut(&'a str),
    mut on_tag: impl FnMut(&Tag<'a>),
    mut on_raw: impl FnMut(&str, &'a str),
) {
    let b = html.as_bytes();
    let mut i = 0;
    let mut text_start = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        let next = b.get(i + 1).copied().unwrap_or(0);
        if next == b'!' || next == b'?' {
            on_text(&html[text_start..i]);
            let end = if html[i..].starts_with("<!--") {
                html[i + 4..].find("-->").map(|p| i + 4 + p + 3)
            } else {
                html[i..].find('>').map(|p| i + p + 1)
            };
            i = end.unwrap_or(b.len());
            text_start = i;
            continue;
        }
        let closing = next == b'/';
        let name_start = i + 1 + usize::from(closing);
        let name_len = b[name_start..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-' || **c == b':')
            .count();
        if name_len == 0 || !b[name_start].is_ascii_alphabetic() {
            i += 1; // a literal '<'
            continue;
        }
        on_text(&html[text_start..i]);
        let end = html[i..].find('>').map(|p| i + p + 1).unwrap_or(b.len());
        let raw = &html[i..end];
        let tag = Tag {
            name: html[name_start..name_start + name_len].to_ascii_lowercase(),
            closing,
            self_closing: raw.ends_with("/>"),
            raw,
        };
        on_tag(&tag);
        i = end;
        if !closing && !tag.self_closing && RAW_TEXT.contains(&tag.name.as_str()) {
            let close = format!("</{}", tag.name);
            let lower_rest = html[i..].to_ascii_lowercase();
            let stop = lower_rest.find(&close).map(|p| i + p).unwrap_or(b.len());
            on_raw(&tag.name, &html[i..stop]);
            i = stop;
        }
        text_start = i;
    }
    on_text(&html[text_start.min(b.len())..]);
}

/// Deepest element nesting of `html`, counting only elements that need an end tag.
pub(crate) fn max_nesting_depth(html: &str) -> usize {
    let mut depth = 0usize;
    let mut max = 0usize;
    scan(
        html,
        |_| {},
        |t| {
            let n = t.name.as_str();
            if t.self_closing || VOID.contains(&n) || OPTIONAL_END.contains(&n) {
                return;
            }
            if t.closing {
                depth = depth.saturating_sub(1);
            } else {
                depth += 1;
                max = max.max(depth);
            }
        },
        |_, _| {},
    );
    max
}

/// Decodes the common character references.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let semi = rest[..rest.len().min(12)].find(';');
        let decoded = semi.and_then(|e| {
            let ent = &rest[1..e];
            let c = match ent {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ if ent.starts_with("#x") || ent.starts_with("#X") => {
                    u32::from_str_radix(&ent[2..], 16)
                        .ok()
                        .and_then(char::from_u32)
                }
                _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Plain text of `html` by stripping tags: block tags end lines, script/style and
/// navigation-like elements are dropped (best effort, no tree).
fn tag_strip_lines(html: &str) -> Vec<String> {
    let lines = std::cell::RefCell::new(LineBuilder {
        lines: Vec::new(),
        cur: Line::default(),
    });
    scan(
        html,
        |t| {
            lines
                .borrow_mut()
                .push_text(&decode_entities(t), false, false)
        },
        |t| {
            if is_block(&t.name) {
                lines.borrow_mut().flush();
            }
        },
        |_, _| {},
    );
    let mut b = lines.into_inner();
    b.flush();
    filter_lines(b.lines)
}

fn attr_value<'a>(tag: &'a str, attr: &str) -> Option<&'a str> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(p) = lower[from..].find(attr) {
        let at = from + p;
        from = at + attr.len();
        let before_ok = at > 0 && lower.as_bytes()[at - 1].is_ascii_whitespace();
        let rest = lower[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let vstart = tag.len() - rest.len() + 1;
        let v = tag[vstart..].trim_start();
        let vstart = tag.len() - v.len();
        let (open, body) = match v.chars().next() {
            Some(q @ ('"' | '\'')) => (Some(q), &tag[vstart + 1..]),
            _ => (None, v),
        };
        let end = match open {
            Some(q) => body.find(q).unwrap_or(body.len()),
            None => body
                .find(|c: char| c.is_whitespace() || c == '>')
                .unwrap_or(body.len()),
        };
        return Some(&body[..end]);
    }
    None
}

/// Metadata by scanning tags (used with the tag-strip fallback).
fn tag_strip_meta(html: &str) -> Meta {
    let mut meta = Meta::default();
    let mut title_tag = None;
    let mut og_title = None;
    let mut time = None;
    scan(
        html,
        |_| {},
        |t| {
            if t.closing {
                return;
            }
            match t.name.as_str() {
                "meta" => {
                    let key = attr_value(t.raw, "property")
                        .or_else(|| attr_value(t.raw, "name"))
                        .or_else(|| attr_value(t.raw, "itemprop"))
                        .map(str::to_ascii_lowercase);
                    let val =
                        attr_value(t.raw, "content").map(|v| collapse_ws(&decode_entities(v)));
                    let (Some(key), Some(val)) = (key, val) else {
                        return;
                    };
                    if val.is_empty() {
                        return;
                    }
                    let slot = match key.as_str() {
                        "og:title" | "twitter:title" => &mut og_title,
                        "og:site_name" => &mut meta.outlet,
                        "article:published_time" | "datepublished" | "pubdate" => {
                            &mut meta.published
                        }
                        _ => return,
                    };
                    slot.get_or_insert(val);
                }
                "time" if time.is_none() => {
                    time = attr_value(t.raw, "datetime").map(collapse_ws);
                }
                _ => {}
            }
        },
        |name, content| {
            if name == "title" && title_tag.is_none() {
                let t = collapse_ws(&decode_entities(content));
                if !t.is_empty() {
                    title_tag = Some(t);
                }
            }
        },
    );
    meta.title = og_title.or(title_tag);
    if meta.published.is_none() {
        meta.published = time;
    }
    meta
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> ReadOptions {
        ReadOptions::default()
    }

    const P1: &str = "قالت مصادر محلية إن قصفاً مدفعياً استهدف أطراف البلدة صباح اليوم، ما أدى إلى مقتل شخصين وإصابة خمسة آخرين بجروح متفاوتة.";
    const P2: &str = "وأضافت المصادر أن فرق الدفاع المدني عملت على إخماد الحرائق التي اندلعت في عدد من المنازل والمحال التجارية في السوق الرئيسي.";
    const P3: &str = "وتشهد المنطقة منذ أسابيع تصعيداً عسكرياً متواصلاً بين الأطراف المتحاربة وسط مخاوف من موجة نزوح جديدة نحو المخيمات الحدودية.";

    fn page() -> String {
        format!(
            r##"<!DOCTYPE html><html lang="ar" dir="rtl"><head>
<meta charset="utf-8"><title>قصف على البلدة - موقع الأخبار</title>
<meta property="og:title" content="قصف على البلدة">
<meta property="og:site_name" content="موقع الأخبار">
<meta property="article:published_time" content="2019-03-02T10:00:00+02:00">
<script>var x = "<p>not text</p>";</script></head>
<body><nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/s">سياسة</a></li></ul></nav>
<div class="share"><a href="#">شارك</a> <a href="#">فيسبوك</a> <a href="#">تويتر</a></div>
<article><h1>قصف على البلدة</h1>
<p>{P1}</p><p>{P2}</p>
<p>اقرأ أيضاً</p><ul><li><a href="/1">عنوان خبر آخر عن المنطقة</a></li><li><a href="/2">عنوان خبر ثالث</a></li></ul>
<p>{P3}</p></article>
<footer><p>© 2019 جميع الحقوق محفوظة</p><p>تابعونا على فيسبوك</p></footer>
</body></html>"##
        )
    }

    #[test]
    fn extracts_main_text_and_meta() {
        let (d, w) = read_html("a.html", "a", page().as_bytes(), &opts()).unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(d.format, Format::Html);
        assert_eq!(d.title.as_deref(), Some("قصف على البلدة"));
        assert_eq!(d.outlet.as_deref(), Some("موقع الأخبار"));
        assert_eq!(d.published.as_deref(), Some("2019-03-02T10:00:00+02:00"));
        let lines: Vec<&str> = d.text.split('\n').collect();
        for p in [P1, P2, P3] {
            assert!(lines.contains(&p), "missing paragraph in {:?}", d.text);
        }
        for junk in [
            "الرئيسية",
            "شارك",
            "©",
            "تابعونا",
            "اقرأ",
            "عنوان خبر",
            "not text",
        ] {
            assert!(!d.text.contains(junk), "{junk} kept in {:?}", d.text);
        }
        let i1 = d.text.find(P1).unwrap();
        let i3 = d.text.find(P3).unwrap();
        assert!(i1 < i3);
    }

    #[test]
    fn no_extract_uses_body() {
        let o = ReadOptions {
            html_extract: false,
            ..opts()
        };
        let (d, w) = read_html("a.html", "a", page().as_bytes(), &o).unwrap();
        assert!(w.is_empty());
        assert!(d.text.contains(P1) && d.text.contains(P3));
        assert!(!d.text.contains("الرئيسية"), "nav dropped: {:?}", d.text);
        assert!(!d.text.contains("جميع الحقوق"));
    }

    #[test]
    fn tiny_page_falls_back_or_extracts() {
        let html = "<html><body><div>خبر قصير جدا</div></body></html>";
        let (d, _w) = read_html("t.html", "t", html.as_bytes(), &opts()).unwrap();
        assert_eq!(d.text, "خبر قصير جدا");
    }

    #[test]
    fn broken_html_does_not_panic() {
        let cases = [
            "<html><body><p>نص أول<div><span>نص ثان<p",
            "<p>غير مغلق <b>عريض <i>مائل",
            "<<<>>><p>>>نص<</p",
            "<div class=\"a><p>attribute never closed</p></div>",
            "<!-- comment never closed <p>x</p>",
            "<script>never closed",
            "</p></div></body></html>نص بعد النهاية",
            "<table><tr><td>خلية<td>خلية ثانية</table></table></td>",
            "&#xFFFFFFFF; &#0; &amp &lt;p&gt;",
        ];
        for c in cases {
            let r = read_html("broken.html", "broken", c.as_bytes(), &opts());
            if let Err(e) = &r {
                assert!(e.to_string().starts_with("broken.html: "), "{e}");
            }
        }
        let (d, _) = read_html("b.html", "b", cases[1].as_bytes(), &opts()).unwrap();
        assert_eq!(d.text, "غير مغلق عريض مائل");
    }

    #[test]
    fn deep_nesting_is_tag_stripped_quickly() {
        let n = 10_000;
        let mut html = String::from("<html><head><title>عميق</title></head><body>");
        for _ in 0..n {
            html.push_str("<div>");
        }
        html.push_str("<p>نص في العمق</p>");
        for _ in 0..n {
            html.push_str("</div>");
        }
        html.push_str("</body></html>");
        assert_eq!(max_nesting_depth(&html), n);
        let start = std::time::Instant::now();
        let (d, w) = read_html("deep.html", "deep", html.as_bytes(), &opts()).unwrap();
        assert!(start.elapsed().as_secs() < 5);
        assert_eq!(d.text, "نص في العمق");
        assert_eq!(d.title.as_deref(), Some("عميق"));
        assert_eq!(w.len(), 1);
        assert!(w[0].contains("10000 levels"), "{w:?}");
        // unclosed deep nesting too
        let unclosed = "<span>".repeat(n) + "نص";
        let (d, w) = read_html("deep2.html", "deep2", unclosed.as_bytes(), &opts()).unwrap();
        assert_eq!(d.text, "نص");
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn dom_path_survives_the_nesting_limit() {
        // runs on the 2 MiB test-thread stack
        let html = format!(
            "<html><body>{}<p>{P1}</p>{}</body></html>",
            "<div>".repeat(MAX_NESTING - 2),
            "</div>".repeat(MAX_NESTING - 2)
        );
        assert!(max_nesting_depth(&html) <= MAX_NESTING);
        let (d, w) = read_html("d.html", "d", html.as_bytes(), &opts()).unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(d.text, P1);
    }

    #[test]
    fn empty_html_is_an_error() {
        let e = read_html(
            "e.html",
            "e",
            b"<html><body><script>x</script></body></html>",
            &opts(),
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "e.html: no text found in HTML");
        let e = read_html("e.html", "e", b"", &opts()).unwrap_err();
        assert_eq!(e.to_string(), "e.html: no text found in HTML");
    }

    #[test]
    fn time_element_gives_published() {
        let html = format!(
            "<html><body><article><time datetime=\"2020-01-05\">5 كانون الثاني</time><p>{P1}</p><p>{P2}</p></article></body></html>"
        );
        let (d, _) = read_html("t.html", "t", html.as_bytes(), &opts()).unwrap();
        assert_eq!(d.published.as_deref(), Some("2020-01-05"));
        assert!(d.text.contains(P1));
    }

    #[test]
    fn boilerplate_lines() {
        assert!(is_boilerplate("جميع الحقوق محفوظة © 2020"));
        assert!(is_boilerplate("Copyright 2020 Some Outlet"));
        assert!(is_boilerplate("شارك على فيسبوك"));
        assert!(is_boilerplate("فيسبوك تويتر واتساب"));
        assert!(!is_boilerplate(P1));
        assert!(!is_boilerplate(
            "شارك مئات المقاتلين في الهجوم الذي استمر ثلاثة أيام على مواقع القوات الحكومية"
        ));
        assert!(is_read_also("اقرأ أيضاً: عنوان"));
        assert!(is_read_also("إقرأ ايضا"));
    }

    #[test]
    fn tag_strip_and_entities() {
        let lines = tag_strip_lines(
            "<p>a &amp; b</p><script>var s='<p>x</p>';</script><div>c&#x41;&#66;&nbsp;d</div>",
        );
        assert_eq!(lines, vec!["a & b".to_string(), "cAB d".to_string()]);
        let m = tag_strip_meta(
            r#"<meta property='og:site_name' content="منفذ"><META NAME=pubdate CONTENT=2021-01-01><title>t &amp; u</title>"#,
        );
        assert_eq!(m.outlet.as_deref(), Some("منفذ"));
        assert_eq!(m.published.as_deref(), Some("2021-01-01"));
        assert_eq!(m.title.as_deref(), Some("t & u"));
    }
}
