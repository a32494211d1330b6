//! Prints what the knowledge base finds in a text: `cargo run -p marsad-kb --example find -- FILE`.
use marsad_kb::{Entity, KnowledgeBase};

fn main() {
    let path = std::env::args().nth(1).expect("usage: find FILE");
    let text = std::fs::read_to_string(path).expect("readable file");
    let kb = KnowledgeBase::builtin().expect("built-in knowledge base loads");
    let norm = marsad_text::normalize(&text);
    let t = &norm.text;
    let label = |e: Entity| match e {
        Entity::Actor(i) => format!("actor {}", kb.actors[i].id),
        Entity::Place(i) => format!("place {}", kb.places[i].id),
        Entity::Outlet(i) => format!("outlet {}", kb.outlets[i].id),
        Entity::Trigger(i) => format!(
            "trigger {} / {}",
            kb.triggers[i].sub_event_type.map_or("", |s| s.as_str()),
            kb.triggers[i].frame
        ),
        Entity::Cue(i) => format!("cue {:?}", kb.cues[i].kind),
    };
    for m in kb
        .find_entities(t)
        .into_iter()
        .chain(kb.find_triggers(t))
        .chain(kb.find_cues(t))
    {
        println!(
            "{:>5}..{:<5} {:<40} «{}»",
            m.range.start,
            m.range.end,
            label(m.entity),
            &t[m.range.clone()]
        );
    }
}
