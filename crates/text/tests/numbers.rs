use marsad_text::calendar::{month_at, month_from_name};
use marsad_text::{normalize, quantities, Approx, Quantity};

/// (value, approx, normalized text of the range) for every quantity of the normalized input.
fn q(s: &str) -> Vec<(u64, Approx, String)> {
    let t = normalize(s).text;
    quantities(&t)
        .into_iter()
        .map(
            |Quantity {
                 value,
                 approx,
                 range,
             }| (value, approx, t[range].to_string()),
        )
        .collect()
}

fn one(s: &str) -> (u64, Approx) {
    let v = q(s);
    assert_eq!(v.len(), 1, "{s}: {v:?}");
    (v[0].0, v[0].1)
}

use Approx::*;

#[test]
fn digits() {
    assert_eq!(one("قتل 15 مسلحا"), (15, Exact));
    assert_eq!(one("سقط ٦٤ عنصراً"), (64, Exact));
    assert_eq!(one("نزوح 1,200 عائلة"), (1200, Exact));
    assert_eq!(one("نزوح ١٬٢٠٠ عائلة"), (1200, Exact));
    assert_eq!(one("نزوح 3 آلاف شخص"), (3000, Exact));
    assert_eq!(one("نزوح 1.5 مليون شخص"), (1_500_000, Exact));
    assert_eq!(one("قدر عددهم بـ15 عنصرا"), (15, About));
}

#[test]
fn words() {
    assert_eq!(one("مقتل ثلاثة عناصر"), (3, Exact));
    assert_eq!(one("هدنة لمدة ستة أشهر"), (6, Exact));
    assert_eq!(one("مقتل خمسة وعشرين شخصا"), (25, Exact));
    assert_eq!(one("إصابة أحد عشر مدنيا"), (11, Exact));
    assert_eq!(one("إصابة اثني عشر مدنيا"), (12, Exact));
    assert_eq!(one("مقتل تسعة عشر عنصرا"), (19, Exact));
    assert_eq!(one("أسر عشرين مقاتلا"), (20, Exact));
    assert_eq!(one("نزوح مئة وخمسين عائلة"), (150, Exact));
    assert_eq!(one("نزوح مائتين عائلة"), (200, Exact));
    assert_eq!(one("نزوح ثلاثمئة عائلة"), (300, Exact));
    assert_eq!(one("نزوح ثلاث مئة عائلة"), (300, Exact));
    assert_eq!(one("نزوح ثلاثة آلاف شخص"), (3000, Exact));
    assert_eq!(one("نزوح ألف ومئتي شخص"), (1200, Exact));
    assert_eq!(one("نزوح ألفين"), (2000, Exact));
    assert_eq!(one("قتلى وخمسة آخرين"), (5, Exact));
    assert_eq!(one("دخول عشرات المسلحين"), (10, About));
    assert_eq!(one("نزوح مئات العائلات"), (100, About));
    assert_eq!(one("نزوح عشرات الآلاف"), (10_000, About));
    assert_eq!(one("شارك العشرات"), (10, About));
}

#[test]
fn halves_and_accusative_scales() {
    assert_eq!(one("نزوح مليون ونصف شخص"), (1_500_000, Exact));
    // The accusative of one million, not the dual, when a half follows.
    assert_eq!(one("نزوح مليونا ونصف"), (1_500_000, Exact));
    assert_eq!(one("نزوح مليونين ونصف"), (2_500_000, Exact));
    assert_eq!(one("نزوح 3 ملايين ونصف"), (3_500_000, Exact));
    assert_eq!(one("نزوح ألف ونصف"), (1_500, Exact));
    // After a count the accusative singular is the multiplier, not a dual of its own.
    assert_eq!(one("مقتل ثلاثين ألفاً"), (30_000, Exact));
    assert_eq!(one("أحصينا 215 ألفا"), (215_000, Exact));
    // Alone it is still the dual's construct form.
    assert_eq!(one("نزوح ألفا شخص"), (2_000, Exact));
    assert_eq!(one("نزوح مئات الآلاف"), (100_000, About));
    assert_eq!(one("أوقعت أكثر من نصف مليون قتيل"), (500_000, AtLeast));
}

#[test]
fn lists_are_not_summed() {
    let v = q("قتل ثلاثة وأربعة جرحى");
    assert_eq!(v.iter().map(|x| x.0).collect::<Vec<_>>(), vec![3, 4]);
    let v = q("مقتل 3 عناصر وإصابة 3 من المجلس");
    assert_eq!(v.iter().map(|x| x.0).collect::<Vec<_>>(), vec![3, 3]);
}

#[test]
fn markers() {
    assert_eq!(q("إصابة نحو 22 شخصاً"), vec![(22, About, "نحو 22".into())]);
    assert_eq!(q("بحوالي 15 عنصراً"), vec![(15, About, "بحوالي 15".into())]);
    assert_eq!(one("حوالى 15"), (15, About));
    assert_eq!(one("قرابة خمسين"), (50, About));
    assert_eq!(one("ما يقارب 40 قتيلا"), (40, About));
    assert_eq!(one("زهاء ألف"), (1000, About));
    assert_eq!(one("أكثر من 100 قتيل"), (100, AtLeast));
    assert_eq!(one("لأكثر من 100 قتيل"), (100, AtLeast));
    assert_eq!(one("ما لا يقل عن 30"), (30, AtLeast));
    assert_eq!(one("ما لا يزيد عن 30"), (30, AtMost));
    assert_eq!(one("أقل من عشرة"), (10, AtMost));
    assert_eq!(
        q("مقتل 15 شخصاً على الأقل"),
        vec![(15, AtLeast, "15 شخصا علي الاقل".into())]
    );
    assert_eq!(one("مقتل 15 على الأقل"), (15, AtLeast));
    assert_eq!(one("منذ ستة أشهر تقريباً"), (6, About));
    assert_eq!(one("يقدر عددهم ب 200 مقاتل"), (200, About));
}

#[test]
fn years_dates_times_percent_skipped() {
    assert!(q("في عام 2017 وفي 2024").is_empty());
    assert!(q("بتاريخ 2017/11/29").is_empty());
    assert!(q("في 28 تشرين الثاني").is_empty());
    assert!(q("في 28 نوفمبر").is_empty());
    assert!(q("في 3 آب").is_empty());
    assert!(q("الساعة 10:30").is_empty());
    assert!(q("بنسبة 40%").is_empty());
    assert!(q("2017-11-29").is_empty());
    assert!(q("يوم الثلاثاء والأحد").is_empty());
    assert!(q("في الحادي عشر من الشهر").is_empty());
    assert!(q("لست أدري").is_empty());
    assert!(q("طائرات اف-16").is_empty());
    assert!(q("في الساعة 10 صباحا").is_empty());
    assert!(q("في 28 من تشرين الثاني").is_empty());
    // A year-like value that is not 4 digits is a count.
    assert_eq!(one("نزوح 2,000 شخص"), (2000, Exact));
}

#[test]
fn ranges_map_back_to_original() {
    let original = "أصيب «نحو ٢٢» شخصاً بجروحٍ";
    let n = normalize(original);
    let qs = quantities(&n.text);
    assert_eq!(qs.len(), 1);
    assert_eq!(&original[n.original_range(qs[0].range.clone())], "نحو ٢٢");
}

#[test]
fn months() {
    assert_eq!(month_from_name("تشرين الثاني"), Some(11));
    assert_eq!(month_from_name("تشرين الأول"), Some(10));
    assert_eq!(month_from_name("كانون الثاني"), Some(1));
    assert_eq!(month_from_name("شباط"), Some(2));
    assert_eq!(month_from_name("فبراير"), Some(2));
    assert_eq!(month_from_name("آذار"), Some(3));
    assert_eq!(month_from_name("أيلول"), Some(9));
    assert_eq!(month_from_name("ديسمبر"), Some(12));
    assert_eq!(month_from_name("تشرين"), None);
    let t = "في 28 تشرين  الثاني 2017";
    let p = t.find("تشرين").unwrap();
    let (m, end) = month_at(t, p).unwrap();
    assert_eq!(m, 11);
    assert_eq!(&t[end..], " 2017");
    assert_eq!(month_at("ابريق", 0), None);
    assert_eq!(month_at("اب", 0), Some((8, 4)));
}

proptest::proptest! {
    #[test]
    fn quantities_never_panic(s in "[ 0-9.,/:%\\-نحوعلياقلتقريباخمسهعشرينالفميهتشرينبدوَ«»]{0,60}") {
        let t = normalize(&s).text;
        for q in quantities(&t) {
            proptest::prop_assert!(q.range.start < q.range.end && q.range.end <= t.len());
            proptest::prop_assert!(t.is_char_boundary(q.range.start) && t.is_char_boundary(q.range.end));
        }
    }
}
