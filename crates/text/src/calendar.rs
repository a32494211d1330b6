//! Month names as they appear in Arabic news (Gregorian, Levantine/Iraqi and Maghrebi forms, and
//! the Hijri months), in normalized spelling. Number finding uses them to tell "28 تشرين الثاني" (a date) from a count;
//! date parsing in other crates uses the same table.

use crate::normalize::normalize_key;
use crate::token::is_word_char;

/// Normalized month names and their month numbers (1 = January). Two-word names use one space.
/// "اب" (August) is also the word "father": only trust it next to a day number or year.
pub const MONTHS: &[(&str, u32)] = &[
    ("يناير", 1),
    ("كانون الثاني", 1),
    ("كانون ثاني", 1),
    ("جانفي", 1),
    ("فبراير", 2),
    ("فبرير", 2),
    ("شباط", 2),
    ("فيفري", 2),
    ("مارس", 3),
    ("اذار", 3),
    ("ابريل", 4),
    ("افريل", 4),
    ("نيسان", 4),
    ("مايو", 5),
    ("ماي", 5),
    ("ايار", 5),
    ("يونيو", 6),
    ("يونيه", 6),
    ("حزيران", 6),
    ("جوان", 6),
    ("يوليو", 7),
    ("يوليه", 7),
    ("تموز", 7),
    ("جويليه", 7),
    ("اغسطس", 8),
    ("اغسطوس", 8),
    ("اب", 8),
    ("اوت", 8),
    ("سبتمبر", 9),
    ("ايلول", 9),
    ("اكتوبر", 10),
    ("تشرين الاول", 10),
    ("تشرين اول", 10),
    ("نوفمبر", 11),
    ("تشرين الثاني", 11),
    ("تشرين ثاني", 11),
    ("ديسمبر", 12),
    ("كانون الاول", 12),
    ("كانون اول", 12),
];

/// The first four bytes (two letters) of every name of [`MONTHS`] as one number, compared by
/// [`month_at`] before anything else: it runs after every number in a text.
const HEADS: [u32; MONTHS.len()] = {
    assert!(
        MONTHS.len() <= 64,
        "month_at keeps one bit per name in a u64"
    );
    let mut heads = [0; MONTHS.len()];
    let mut i = 0;
    while i < MONTHS.len() {
        let b = MONTHS[i].0.as_bytes();
        heads[i] = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        i += 1;
    }
    heads
};

#[inline]
fn lookup(key: &str) -> Option<u32> {
    MONTHS.iter().find(|(n, _)| *n == key).map(|&(_, m)| m)
}

/// Month number (1–12) of a month name, single word ("نوفمبر", "شباط") or two-word Levantine
/// phrase ("تشرين الثاني"). Accepts raw or normalized spelling ("آذار", "أيلول").
pub fn month_from_name(word_or_phrase: &str) -> Option<u32> {
    let t = word_or_phrase.trim();
    if let Some(m) = lookup(t) {
        return Some(m);
    }
    lookup(&normalize_key(t))
}

/// Month name starting at byte `pos` of normalized text `norm`, ending at a word boundary: returns
/// the month and the end byte of the name. Two-word names win over their first word, and a
/// two-word name may be separated by several spaces.
pub fn month_at(norm: &str, pos: usize) -> Option<(u32, usize)> {
    let rest = norm.get(pos..)?;
    // Every name starts with a word of at least two letters (four bytes; see the test).
    let &[h0, h1, h2, h3, ..] = rest.as_bytes() else {
        return None;
    };
    // Cheap reject on the first two letters before splitting a name (one letter is not enough:
    // ten names and every word with the article start with alef): one bit per name starting
    // like the text, set by a loop without branches.
    let head = u32::from_le_bytes([h0, h1, h2, h3]);
    let mut starting = HEADS
        .iter()
        .enumerate()
        .fold(0u64, |set, (i, &h)| set | u64::from(h == head) << i);
    let mut best: Option<(u32, usize)> = None;
    while starting != 0 {
        let i = starting.trailing_zeros() as usize;
        starting &= starting - 1;
        let (name, m) = MONTHS[i];
        let Some(len) = match_phrase(rest, name) else {
            continue;
        };
        if best.is_none_or(|(_, l)| len > l) {
            best = Some((m, len));
        }
    }
    best.map(|(m, len)| (m, pos + len))
}

/// Hijri month names as written (normalized at first use) and their numbers (1 = Muharram).
/// Several are also words or names ("صفر" zero, "رجب", "رمضان"): callers trust them only between
/// a day number and a Hijri year.
pub const HIJRI_MONTHS: &[(&str, u32)] = &[
    ("محرم", 1),
    ("صفر", 2),
    ("ربيع الأول", 3),
    ("ربيع أول", 3),
    ("ربيع الآخر", 4),
    ("ربيع الثاني", 4),
    ("ربيع ثاني", 4),
    ("جمادى الأولى", 5),
    ("جمادى الأول", 5),
    ("جمادى الآخرة", 6),
    ("جمادى الثانية", 6),
    ("جمادى الآخر", 6),
    ("رجب", 7),
    ("شعبان", 8),
    ("رمضان", 9),
    ("شوال", 10),
    ("ذو القعدة", 11),
    ("ذي القعدة", 11),
    ("ذو الحجة", 12),
    ("ذي الحجة", 12),
];

/// Hijri month name starting at byte `pos` of normalized text `norm`, ending at a word boundary:
/// the month and the end byte of the name (the longest name wins).
pub fn hijri_month_at(norm: &str, pos: usize) -> Option<(u32, usize)> {
    static NAMES: std::sync::OnceLock<Vec<(String, u32)>> = std::sync::OnceLock::new();
    let names = NAMES.get_or_init(|| {
        HIJRI_MONTHS
            .iter()
            .map(|&(n, m)| (normalize_key(n), m))
            .collect()
    });
    let rest = norm.get(pos..)?;
    // Cheap reject on the first two letters (a name's first four bytes, its words split by
    // one space or more in the text), before splitting each name into words.
    names
        .iter()
        .filter(|(n, _)| rest.as_bytes().starts_with(&n.as_bytes()[..n.len().min(4)]))
        .filter_map(|(n, m)| match_phrase(rest, n).map(|len| (*m, len)))
        .max_by_key(|&(_, len)| len)
        .map(|(m, len)| (m, pos + len))
}

/// Ordinal day words of dates written out ("الثالث من أيار", "الحادي والعشرين من"), normalized.
const ORDINAL_UNITS: &[(&str, u32)] = &[
    ("الاول", 1),
    ("الحادي", 1),
    ("الثاني", 2),
    ("الثالث", 3),
    ("الرابع", 4),
    ("الخامس", 5),
    ("السادس", 6),
    ("السابع", 7),
    ("الثامن", 8),
    ("التاسع", 9),
    ("العاشر", 10),
    ("العشرين", 20),
    ("الثلاثين", 30),
];

/// An ordinal day written in words starting at byte `pos` of normalized text `norm`
/// ("الثالث", "الثاني عشر", "الحادي والعشرين"): the day (1–31) and the end byte.
pub fn ordinal_day_at(norm: &str, pos: usize) -> Option<(u32, usize)> {
    let rest = norm.get(pos..)?;
    let (unit, len) = ORDINAL_UNITS
        .iter()
        // Each unit is one word: `starts_with` rejects most before `match_phrase` splits it.
        .find_map(|&(w, n)| {
            rest.starts_with(w)
                .then(|| match_phrase(rest, w).map(|l| (n, l)))
                .flatten()
        })?;
    let after = &rest[len..];
    for (tail, add) in [(" عشر", 10), (" والعشرين", 20), (" والثلاثين", 30)] {
        if unit < 10 {
            if let Some(l) = match_phrase(after, tail) {
                let day = unit + add;
                return (day <= 31).then_some((day, pos + len + l));
            }
        }
    }
    Some((unit, pos + len))
}

/// Length in `rest` of phrase `name` (words separated by runs of spaces), ending at a boundary.
fn match_phrase(rest: &str, name: &str) -> Option<usize> {
    let mut at = 0;
    for (idx, w) in name.split(' ').enumerate() {
        if idx > 0 {
            let spaces = rest[at..].len() - rest[at..].trim_start_matches(' ').len();
            if spaces == 0 {
                return None;
            }
            at += spaces;
        }
        if !rest[at..].starts_with(w) {
            return None;
        }
        at += w.len();
    }
    match rest[at..].chars().next() {
        Some(c) if is_word_char(c) => None,
        _ => Some(at),
    }
}

#[cfg(test)]
mod tests {
    use super::{month_at, MONTHS};

    /// Every name is found, in running text too, and the two-word names win over their first
    /// word.
    #[test]
    fn month_at_finds_every_name() {
        for &(name, m) in MONTHS {
            let text = format!("في 5 {name} 2020");
            let start = "في 5 ".len();
            let (month, end) = month_at(&text, start).unwrap_or_else(|| panic!("{name}"));
            assert_eq!(month, m, "{name}");
            assert!(end >= start + name.len(), "{name}");
        }
        assert_eq!(
            month_at("تشرين الثاني", 0),
            Some((11, "تشرين الثاني".len()))
        );
        assert_eq!(month_at("ابو محمد", 0), None);
        assert_eq!(month_at("abc", 0), None);
    }

    #[test]
    fn hijri_months_are_found_in_any_spelling() {
        use super::hijri_month_at;
        let t = crate::normalize_key("6 ربيع الآخر 1439");
        assert_eq!(hijri_month_at(&t, 2).map(|(m, _)| m), Some(4));
        let t = crate::normalize_key("1 جمادى الاولى");
        assert_eq!(hijri_month_at(&t, 2), Some((5, t.len())));
        assert_eq!(hijri_month_at("صفرا", 0), None);
        assert_eq!(hijri_month_at("حزيران", 0), None);
    }

    #[test]
    fn ordinal_days_are_read() {
        use super::ordinal_day_at;
        assert_eq!(ordinal_day_at("الثالث من", 0).map(|(d, _)| d), Some(3));
        assert_eq!(ordinal_day_at("الثاني عشر من", 0).map(|(d, _)| d), Some(12));
        let t = "الحادي والثلاثين من";
        assert_eq!(ordinal_day_at(t, 0), Some((31, "الحادي والثلاثين".len())));
        assert_eq!(ordinal_day_at("الثالثة", 0), None);
    }

    /// `month_at` compares the first four bytes before anything else.
    #[test]
    fn names_start_with_four_bytes() {
        for (name, _) in super::MONTHS {
            assert!(name.split(' ').next().unwrap().len() >= 4, "{name}");
        }
    }
}
