//! The normalizer's offset map: every normalized offset maps inside the input and on a
//! char boundary; `original_range` of any normalized char range is a valid slice of the
//! input, and ranges are monotone.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    let n = marsad_text::normalize(s);
    let t = &n.text;
    let mut prev = 0;
    for i in 0..=t.len() {
        let o = n.original_offset(i);
        assert!(o <= s.len(), "map[{i}] = {o} > input len {}", s.len());
        assert!(s.is_char_boundary(o), "map[{i}] = {o} not on a char boundary");
        if t.is_char_boundary(i) {
            assert!(o >= prev, "map not monotone at {i}");
            prev = o;
        }
    }
    assert_eq!(n.original_offset(t.len()), s.len(), "final map entry != input len");
    // Every char range: single chars, and a sample of longer ranges.
    let bounds: Vec<usize> = t.char_indices().map(|(i, _)| i).chain([t.len()]).collect();
    for w in bounds.windows(2) {
        check(s, &n, w[0]..w[1]);
    }
    let k = bounds.len();
    for step in [2usize, 3, 7, 31] {
        let mut a = 0;
        while a + step < k {
            check(s, &n, bounds[a]..bounds[a + step]);
            a += step;
        }
    }
    if k > 1 {
        check(s, &n, 0..t.len());
    }
    // Normalizing twice changes nothing more (idempotence).
    let again = marsad_text::normalize(t);
    assert_eq!(&again.text, t, "normalize is not idempotent");
});

fn check(s: &str, n: &marsad_text::Normalized, r: std::ops::Range<usize>) {
    let o = n.original_range(r.clone());
    assert!(o.start <= o.end && o.end <= s.len(), "{r:?} -> {o:?} out of input (len {})", s.len());
    assert!(s.is_char_boundary(o.start) && s.is_char_boundary(o.end), "{r:?} -> {o:?} off char boundary");
}
