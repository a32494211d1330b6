//! Words around place names that the gazetteer does not list: which place words open a list
//! ("قرى كبينة وتردين"), which words start or end a two-word name ("تل رفعت", "عايد الصغير"),
//! and which words after a place word are never a name ("قرية في", "بلدات عدة"). Written as
//! news spells them; compared after [`normalize_key`](crate::normalize_key).

use rustc_hash::FxHashSet;
use std::sync::OnceLock;

/// Plural and dual place words: a list of names follows.
const LIST_WORDS: &[&str] = &[
    "قرى",
    "بلدات",
    "أحياء",
    "مدن",
    "قريتي",
    "بلدتي",
    "مدينتي",
    "حيي",
    "بلدتا",
    "قريتا",
    "مدينتا",
    "تلال",
    "تلتي",
    "مطاري",
    "مخيمات",
    "مخيمي",
    "حقول",
    "حقلي",
    "مناطق",
    "منطقتي",
    "مزارع",
    "نقاط",
    "حواجز",
    "حاجزي",
];

/// Stems of the words for towns and villages (normalized).
const SETTLEMENT_STEMS: &[&str] = &["بلد", "قري", "قرى", "مدين"];

/// First words of two-word names.
const NAME_HEADS: &[&str] = &[
    "تل",
    "عين",
    "أبو",
    "ابو",
    "أم",
    "ام",
    "دير",
    "كفر",
    "خان",
    "بيت",
    "رأس",
    "راس",
    "جسر",
    "مرج",
    "بئر",
    "بير",
    "قصر",
    "وادي",
    "جبل",
    "سد",
    "عرب",
    "الشيخ",
    "شيخ",
    "تلة",
    "حاجز",
    "مزرعة",
    "بني",
    "معرة",
    "جب",
    "حوش",
    "عرق",
    "قلعة",
    "نبع",
    "باب",
    "ضاحية",
    "دوار",
    "مساكن",
];

/// Second words of two-word names.
const NAME_TAILS: &[&str] = &[
    "الكبير",
    "الكبيرة",
    "كبيرة",
    "كبير",
    "الصغير",
    "الصغيرة",
    "صغيرة",
    "صغير",
    "الشرقي",
    "الشرقية",
    "الغربي",
    "الغربية",
    "الشمالي",
    "الشمالية",
    "الجنوبي",
    "الجنوبية",
    "القديم",
    "القديمة",
    "الجديد",
    "الجديدة",
    "الفوقاني",
    "التحتاني",
    "الفوقا",
    "التحتا",
    "العسكري",
    "الدولي",
    "المدني",
];

/// Words after a listed name that belong to it ("قتبان الجبل", "قاعدة منغ الجوية", "مطار
/// مرج السلطان العسكري", "حقل التيم النفطي"): the place as the article writes it.
const NAME_SUFFIXES: &[&str] = &[
    "الجبل",
    "الفوقاني",
    "التحتاني",
    "الفوقا",
    "التحتا",
    "الكبير",
    "الكبيرة",
    "الصغير",
    "الصغيرة",
    "القديمة",
    "الجديدة",
    "الجوية",
    "الجوي",
    "العسكري",
    "العسكرية",
    "الدولي",
    "المدني",
    "المدنية",
    "النفطي",
    "النفطية",
];
/// Spellings of ordinary words that normalize to a place name: "حمأة" (the heat of, "في حمأة
/// حملة") is "حماه" once hamza and ta marbuta are folded. Compared as written.
const NOT_PLACE_SPELLINGS: &[&str] = &["حمأة", "بحمأة", "وحمأة"];
/// Words that follow a place word without being a name.
const NOT_NAMES: &[&str] = &[
    "في",
    "من",
    "على",
    "إلى",
    "الى",
    "عن",
    "مع",
    "بعد",
    "قبل",
    "التي",
    "الذي",
    "أو",
    "او",
    "ثم",
    "حيث",
    "عدة",
    "عديدة",
    "عدد",
    "بعض",
    "كل",
    "جميع",
    "كافة",
    "أخرى",
    "اخرى",
    "آخر",
    "أخر",
    "المجاورة",
    "مجاورة",
    "المحاذية",
    "الواقعة",
    "واقعة",
    "المذكورة",
    "الاستراتيجية",
    "استراتيجية",
    "الإستراتيجية",
    "ريف",
    "شرق",
    "غرب",
    "شمال",
    "جنوب",
    "محيط",
    "أطراف",
    "اطراف",
    "وسط",
    "داخل",
    "خارج",
    "قرب",
    "بالقرب",
    "تابعة",
    "التابعة",
    "محاصرة",
    "المحاصرة",
    "سورية",
    "سوري",
    "سورية",
    "كردية",
    "عربية",
    "تركية",
    "كبرى",
    "صغرى",
    "رئيسية",
    "الرئيسية",
    "جديدة",
    "جديد",
    "قديمة",
    "قديم",
    "واسعة",
    "كاملة",
    "بأكملها",
    "بالكامل",
    "نفسها",
    "ذاتها",
    "هذه",
    "تلك",
    "ذلك",
    "هذا",
    "الخاضعة",
    "خاضعة",
    "تسيطر",
    "يسيطر",
    "كانت",
    "كان",
    "تقع",
    "يقع",
    "أيضا",
    "ايضا",
    "فقط",
    "حتى",
    "منذ",
    "خلال",
    "عند",
    "لدى",
    "بين",
    "نحو",
    "باتجاه",
    "حدودية",
    "الحدودية",
    "نائية",
    "آمنة",
    "امنة",
    "قريبة",
    "القريبة",
    "بعيدة",
    "المحررة",
    "محررة",
    "مدمرة",
    "المدمرة",
    "عسكرية",
    "العسكرية",
    "سكنية",
    "السكنية",
    "صناعية",
    "الصناعية",
    "زراعية",
    "الزراعية",
    // Adjectives, verbs and nouns read as names in the corpus ("قاعدة جوية", "منطقة تضم",
    // "مناطق خفض التصعيد", "منطقة عازلة"): listed from the unlisted names of a corpus run.
    "عسكري",
    "بحرية",
    "بحري",
    "استراتيجي",
    "جوية",
    "جوي",
    "عازلة",
    "حدودي",
    "ريفية",
    "مهمة",
    "هامة",
    "حيوية",
    "حيوي",
    "أمنية",
    "امنية",
    "محلية",
    "آهلة",
    "مأهولة",
    "خالية",
    "متاخمة",
    "مهجورة",
    "تضم",
    "يضم",
    "تخص",
    "يخص",
    "تولد",
    "ليحتل",
    "أطلقوا",
    "تعرف",
    "يعرف",
    "تبعد",
    "يبعد",
    "تشهد",
    "يشهد",
    "شهدت",
    "خفض",
    "تخفيف",
    "حظر",
    "طريق",
    "ساحة",
    "تجمع",
    "بشكل",
    "رسم",
    "الحكم",
    "العمليات",
    "الجمارك",
    "المعامل",
    "الشرق",
    "الجنوب",
    "الشمال",
    "الغرب",
    "الخليج",
    "طبقة",
    // Nationality adjectives and verbs after an indefinite place word ("قاعدة إيرانية",
    // "منطقة تسمح بـ"): from a hand check of events' places.
    "إيرانية",
    "روسية",
    "أمريكية",
    "أميركية",
    "إسرائيلية",
    "عراقية",
    "لبنانية",
    "أردنية",
    "سعودية",
    "تسمح",
    "يسمح",
    "مختلفة",
    "مختلف",
    "لأي",
    "أي",
    "وبلدات",
    "وقرى",
    "ومدن",
    "وبلدة",
    "وقرية",
    // Words after a place word in a fresh hand check (branch places4): "9 قرى والعديد من
    // المزارع", "بلدات دخلتها", "مخيمات نازحي الأنبار", "من ناحية طرق المواصلات", "وأدى
    // تجدد الاشتباك" (وأدى folds to the place word وادي).
    "والعديد",
    "العديد",
    "عديد",
    "دخلتها",
    "دخلها",
    "نازحي",
    "النازحين",
    "طرق",
    "تجدد",
];

/// Nouns of pressure between states: "على" after them names a government, not a place
/// ("فرضت روسيا قيودا تجارية على أنقرة", "عقوبات على دمشق").
const PRESSURE_NOUNS: &[&str] = &[
    "عقوبات",
    "العقوبات",
    "عقوبة",
    "قيود",
    "قيودا",
    "القيود",
    "ضغوط",
    "ضغوطا",
    "الضغوط",
    "ضغط",
    "ضغطا",
    "الضغط",
];

/// Nouns of alliance and allegiance: "ل" + the capital after them is its government
/// ("الحليف الرئيسي لدمشق", "الموالية لدمشق").
const ALLEGIANCE_NOUNS: &[&str] = &[
    "حليف",
    "الحليف",
    "حليفا",
    "حلفاء",
    "الحلفاء",
    "الداعم",
    "الداعمة",
    "داعم",
    "داعمة",
    "دعمها",
    "دعمه",
    "دعم",
    "الموالي",
    "الموالية",
    "الموالين",
    "موال",
    "موالية",
    "الموالون",
    "المعارضة",
    "المعارض",
    "معارضة",
    "ولاءها",
    "ولاءه",
    "ولاء",
    "رسالة",
    "رسائل",
    "انتقادات",
    "تهديدا",
    "تهديدات",
];

fn set(
    words: &'static [&'static str],
    cell: &'static OnceLock<FxHashSet<String>>,
) -> &'static FxHashSet<String> {
    cell.get_or_init(|| words.iter().map(|w| crate::normalize_key(w)).collect())
}

/// Nouns of a landmark or a site inside a place ("دوار الساعة وسط مدينة الرقة", "سوق الشورقة
/// بوسط بغداد", "تلة الحدادة في محيط بلدة كنسبا", "صنعاء بشارع الستين"): with its name, the
/// most precise place named. Without "ال"; compared after a leading "ال" is removed.
const LANDMARK_WORDS: &[&str] = &[
    "دوار",
    "ساحة",
    "سوق",
    "شارع",
    "سور",
    "جسر",
    "مستشفى",
    "مشفى",
    "مدرسة",
    "جامعة",
    "كلية",
    "جامع",
    "مسجد",
    "كنيسة",
    "قلعة",
    "تلة",
    "مطار",
    "محطة",
    "مبنى",
    "معمل",
    "مصنع",
    "ثكنة",
    "سجن",
    "مدينة القديمة",
];

/// A plural or dual place word ("قرى", "بلدتي"): several names follow it.
pub fn is_list_place_word(normalized: &str) -> bool {
    static S: OnceLock<FxHashSet<String>> = OnceLock::new();
    set(LIST_WORDS, &S).contains(normalized)
}

/// A word for a town or village ("بلدة", "قرية", "مدينتي", "وبقرية"), normalized: its stem,
/// with or without the proclitics before it ("ب" also starts "بلدة").
pub fn is_settlement_word(normalized: &str) -> bool {
    let bare = normalized.trim_start_matches(crate::clitics::LETTER_PROCLITICS);
    SETTLEMENT_STEMS
        .iter()
        .any(|k| normalized.starts_with(k) || bare.starts_with(k))
}

/// The first word of a two-word name ("تل", "عين", "أبو").
pub fn is_place_name_head(normalized: &str) -> bool {
    static S: OnceLock<FxHashSet<String>> = OnceLock::new();
    set(NAME_HEADS, &S).contains(normalized)
}

/// The second word of a two-word name ("الصغير", "الشرقي").
pub fn is_place_name_tail(normalized: &str) -> bool {
    static S: OnceLock<FxHashSet<String>> = OnceLock::new();
    set(NAME_TAILS, &S).contains(normalized)
}

/// A word after a listed name that is part of the name as written ("الجبل", "الجوية").
pub fn is_place_name_suffix(normalized: &str) -> bool {
    static S: OnceLock<FxHashSet<String>> = OnceLock::new();
    set(NAME_SUFFIXES, &S).contains(normalized)
}

/// An ordinary word, as written, that normalizes to a place name ("حمأة").
pub fn is_not_a_place_spelling(original: &str) -> bool {
    NOT_PLACE_SPELLINGS.contains(&original)
}

/// Whether a normalized name is one that an ordinary word of [`is_not_a_place_spelling`] folds
/// to: only then is the spelling as written worth looking up.
pub fn may_be_a_word_spelled_as_place(normalized: &str) -> bool {
    static S: OnceLock<FxHashSet<String>> = OnceLock::new();
    S.get_or_init(|| {
        NOT_PLACE_SPELLINGS
            .iter()
            .map(|w| {
                let k = crate::normalize_key(w);
                k.trim_start_matches(['و', 'ب']).to_string()
            })
            .collect()
    })
    .contains(normalized)
}

/// A word that follows a place word without being a name ("في", "عدة", "المجاورة").
pub fn is_not_a_place_name(normalized: &str) -> bool {
    static S: OnceLock<FxHashSet<String>> = OnceLock::new();
    set(NOT_NAMES, &S).contains(normalized)
}

/// A noun of pressure between states ("عقوبات", "قيودا"): "على X" after it (a word or two
/// between) names a government.
pub fn is_pressure_noun(normalized: &str) -> bool {
    static S: OnceLock<FxHashSet<String>> = OnceLock::new();
    set(PRESSURE_NOUNS, &S).contains(normalized)
}

/// A noun of alliance or allegiance ("الحليف", "الموالية"): "لدمشق" after it (an adjective
/// between) names the government.
pub fn is_allegiance_noun(normalized: &str) -> bool {
    static S: OnceLock<FxHashSet<String>> = OnceLock::new();
    set(ALLEGIANCE_NOUNS, &S).contains(normalized)
}

/// A noun of a landmark or a site ("دوار", "السوق", "شارع"), or "المدينة القديمة" as two words
/// joined by one space.
pub fn is_landmark_word(normalized: &str) -> bool {
    static S: OnceLock<FxHashSet<String>> = OnceLock::new();
    let w = normalized.strip_prefix("ال").unwrap_or(normalized);
    set(LANDMARK_WORDS, &S).contains(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize_key;

    #[test]
    fn words_are_compared_normalized() {
        assert!(is_list_place_word(&normalize_key("قرى")));
        assert!(is_list_place_word(&normalize_key("بلدتي")));
        assert!(!is_list_place_word(&normalize_key("بلدة")));
        assert!(is_place_name_head(&normalize_key("أبو")));
        assert!(is_place_name_tail(&normalize_key("الصغيرة")));
        assert!(is_not_a_place_name(&normalize_key("المجاورة")));
        assert!(!is_not_a_place_name(&normalize_key("كبينة")));
        assert!(is_not_a_place_name(&normalize_key("جوية")));
        assert!(may_be_a_word_spelled_as_place(&normalize_key("حماة")));
        assert!(is_not_a_place_spelling("حمأة") && !is_not_a_place_spelling("حماة"));
        assert!(is_place_name_suffix(&normalize_key("الجوية")));
        assert!(!is_place_name_suffix(&normalize_key("الشرقي")));
        assert!(is_pressure_noun(&normalize_key("قيودا")));
        assert!(!is_pressure_noun(&normalize_key("هجوما")));
        assert!(is_allegiance_noun(&normalize_key("الحليف")));
        assert!(!is_allegiance_noun(&normalize_key("الغوطة")));
        assert!(is_landmark_word(&normalize_key("دوار")));
        assert!(is_landmark_word(&normalize_key("السوق")));
        assert!(is_landmark_word(&normalize_key("المدينة القديمة")));
        assert!(!is_landmark_word(&normalize_key("المدينة")));
    }
}
