//! The learned event filter: the features and probabilities the training script saw (written by
//! `scripts/train_event_filter.py fixture` from `marsad filter-features` on sentences written
//! for the test) are the ones extraction computes, through the hashed path the filter runs.

use marsad_extract::{EventFilter, Extractor};
use marsad_ingest::{read_text, ReadOptions};
use marsad_kb::KnowledgeBase;

const FIXTURE: &str = include_str!("event_filter_fixture.jsonl");

#[test]
fn rust_scores_as_the_training_script() {
    let mut lines = FIXTURE.lines();
    let head: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    let text = head["doc_text"].as_str().unwrap();
    let want: Vec<serde_json::Value> = lines.map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(want.len() >= 10, "fixture too small: {}", want.len());

    let doc = read_text(
        "synthetic.txt",
        "synthetic",
        text.as_bytes(),
        &ReadOptions::default(),
    )
    .unwrap();
    let kb = KnowledgeBase::builtin().unwrap();
    let got = Extractor::new(kb.clone()).filter_features(&doc);
    assert_eq!(
        got.len(),
        want.len(),
        "events differ: regenerate the fixture"
    );
    let model = EventFilter::embedded();
    let mut probs = Vec::new();
    for (w, (e, feats, p)) in want.iter().zip(&got) {
        assert_eq!(
            w["evidence"]["start"].as_u64().unwrap() as usize,
            e.evidence.start
        );
        assert_eq!(w["sub_event_type"], e.sub_event_type.as_str());
        let wf = w["features"].as_object().unwrap();
        assert_eq!(
            wf.len(),
            feats.len(),
            "{}: features differ",
            e.evidence.text
        );
        for (name, v) in feats {
            let x = wf.get(name).and_then(|x| x.as_f64());
            assert!(
                x.is_some_and(|x| (x - v).abs() < 1e-9),
                "{name}: {v} vs {x:?}"
            );
        }
        let py = w["prob"].as_f64().unwrap();
        assert!(
            (p - py).abs() < 1e-4,
            "{}: rust {p} python {py}",
            e.evidence.text
        );
        let named = model.prob_named(feats.iter().map(|(n, v)| (n.as_str(), *v)));
        assert!((named - py).abs() < 1e-4, "named {named} python {py}");
        probs.push(py);
    }
    // The model tells events apart (a constant would pass the comparisons above).
    let (lo, hi) = probs
        .iter()
        .fold((1.0f64, 0.0f64), |(lo, hi), &p| (lo.min(p), hi.max(p)));
    assert!(hi - lo > 0.05, "probabilities {lo}..{hi}");

    // With the filter on, the events kept are those at or above the threshold.
    let t = f64::from(model.threshold());
    let kept = Extractor::new(kb).with_event_filter().analyze(&doc).events;
    let expect: Vec<usize> = got
        .iter()
        .filter(|(_, _, p)| *p >= t)
        .map(|(e, _, _)| e.evidence.start)
        .collect();
    let mut starts: Vec<usize> = kept.iter().map(|e| e.evidence.start).collect();
    starts.sort_unstable();
    let mut expect = expect;
    expect.sort_unstable();
    assert_eq!(starts, expect);
}
