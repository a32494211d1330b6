//! Second tellings of one happening in an article.

use crate::model::Event;

/// "Several mentions of the same happening in one article are one event, coded at its first
/// full mention; a later sentence that adds a figure changes that event" (the codebook). Two
/// events of one sub-event type, at one place, on one day, between the same actors are such a
/// happening told twice (a lead and its retelling further down, a quote of the same strike):
/// the later telling is dropped, a death toll only it gives kept. `best` runs beside `events`
/// and loses the same entries.
pub(super) fn drop_second_tellings<T>(events: &mut Vec<Event>, best: &mut Vec<T>) {
    let place = |e: &Event| {
        e.location
            .as_ref()
            .map(|l| (l.place_id.clone(), l.name.clone(), l.geo_precision))
    };
    let actor = |a: &Option<crate::model::ActorRef>| a.as_ref().map(|a| a.id.clone());
    let same = |a: &Event, b: &Event| {
        a.sub_event_type == b.sub_event_type
            && a.location.is_some()
            && place(a) == place(b)
            && a.date.date == b.date.date
            && actor(&a.actor1) == actor(&b.actor1)
            && actor(&a.actor2) == actor(&b.actor2)
    };
    let mut order: Vec<usize> = (0..events.len()).collect();
    order.sort_by_key(|&i| events[i].evidence.start);
    let mut keep = vec![true; events.len()];
    for (k, &i) in order.iter().enumerate() {
        if !keep[i] {
            continue;
        }
        for &j in &order[k + 1..] {
            if keep[j] && same(&events[i], &events[j]) {
                keep[j] = false;
                if events[i].fatalities.is_none() {
                    events[i].fatalities = events[j].fatalities.clone();
                }
            }
        }
    }
    let mut k = keep.iter();
    events.retain(|_| *k.next().unwrap_or(&true));
    let mut k = keep.iter();
    best.retain(|_| *k.next().unwrap_or(&true));
}

#[cfg(test)]
mod tests {
    use super::drop_second_tellings;
    use crate::model::{Event, Location, Span};

    fn event(sub: &str, place: &str, start: usize) -> Event {
        let mut e = Event::bare(
            "d",
            "Explosions/Remote violence",
            sub,
            Span {
                text: String::new(),
                start,
                end: start + 1,
            },
        );
        e.location = Some(Location {
            place_id: place.into(),
            name: place.into(),
            name_ar: String::new(),
            country: "SY".into(),
            admin1: None,
            admin2: None,
            admin3: None,
            latitude: None,
            longitude: None,
            geo_precision: 1,
            evidence: e.evidence.clone(),
        });
        e
    }

    #[test]
    fn a_strike_told_twice_is_one_event() {
        let mut events = vec![
            event("Air/drone strike", "kafranbel", 10),
            event("Shelling/artillery/missile attack", "kafranbel", 50),
            event("Air/drone strike", "kafranbel", 90),
            event("Air/drone strike", "saraqib", 120),
        ];
        let mut best = vec![0, 1, 2, 3];
        drop_second_tellings(&mut events, &mut best);
        assert_eq!(best, vec![0, 1, 3]);
        assert_eq!(events.len(), 3);
    }
}
