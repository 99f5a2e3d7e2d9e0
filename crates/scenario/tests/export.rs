//! The Mermaid export: the failover story as arrows and notes, in both languages.

use mqlab_scenario::export::{mermaid, MAX_LINES};
use mqlab_scenario::{examples, Command, Lang, Player};

fn player(id: &str) -> Player {
    Player::load(examples().into_iter().find(|e| e.id == id).unwrap().doc).unwrap()
}

#[test]
fn the_leader_kill_reads_as_a_sequence_diagram() {
    let mut p = player("kafka-leader-kill");
    p.apply(Command::End).unwrap();
    let en = mermaid(&p, Lang::En);
    assert!(en.starts_with("sequenceDiagram\n"));
    assert!(en.contains("participant n1 as broker-1"));
    assert!(en.contains("->>"), "{en}");
    assert!(en.contains("-->>"), "acks come back: {en}");
    assert!(en.contains("Note over n1: "), "the kill is a note: {en}");
    assert!(en.contains("kill -9"), "{en}");
    // Never a line Mermaid cannot read: every line is a header, participant, arrow or note.
    for line in en.lines().skip(1) {
        let l = line.trim_start();
        assert!(
            l.starts_with("%%")
                || l.starts_with("participant ")
                || l.starts_with("Note over ")
                || l.contains("->>")
                || l.contains("-->>")
                || l.contains("--x"),
            "{line}"
        );
        assert!(!l.contains(';'), "{line}");
    }
    let zh = mermaid(&p, Lang::Zh);
    assert_ne!(en, zh);
    assert_eq!(en.lines().count(), zh.lines().count());
}

#[test]
fn the_diagram_stops_at_the_players_step_and_stays_readable() {
    let mut p = player("kafka-leader-kill");
    let at_start = mermaid(&p, Lang::En);
    assert!(!at_start.contains("->>"));
    p.apply(Command::Seek(40)).unwrap();
    let early = mermaid(&p, Lang::En).lines().count();
    p.apply(Command::End).unwrap();
    let all = mermaid(&p, Lang::En).lines().count();
    assert!(early < all);
    assert!(all <= MAX_LINES + 20);
    for example in examples() {
        let mut p = Player::load(example.doc).unwrap();
        p.apply(Command::End).unwrap();
        let text = mermaid(&p, Lang::Zh);
        assert!(text.lines().count() <= MAX_LINES + 20, "{}", example.id);
    }
}
