//! The player: exact stepping back, seeking through checkpoints, injected faults.

mod play;

use mqlab_scenario::frame::{Fate, NodeStatus};
use mqlab_scenario::{Command, MarkKind, Player, UserAction, CHECKPOINT_EVERY};
use play::*;
use serde_json::json;

/// Long enough to cross several checkpoints.
fn long(mut v: serde_json::Value) -> serde_json::Value {
    v["duration_ms"] = serde_json::json!(400_000);
    v
}

#[test]
fn stepping_back_is_exact() {
    let mut p = load(long(example("kafka-leader-kill")));
    let mut forward = vec![p.frame()];
    while p.position() < p.total_steps() {
        p.apply(Command::Forward).unwrap();
        forward.push(p.frame());
    }
    assert!(
        p.total_steps() > 2 * CHECKPOINT_EVERY,
        "the scenario must cross checkpoints"
    );
    // Back across a checkpoint boundary, back from the end, and back from scattered places.
    let k = CHECKPOINT_EVERY as usize;
    let mut starts = vec![k + 20, 2 * k + 1, forward.len() - 1];
    starts.extend((1..20).map(|i| i * (forward.len() - 1) / 20));
    for start in starts {
        p.apply(Command::Seek(start as u64)).unwrap();
        for expected in forward[..=start].iter().rev().take(40) {
            assert_eq!(&p.frame(), expected, "step {}", expected.step);
            assert_eq!(p.happenings().is_empty(), expected.happenings.is_empty());
            p.apply(Command::Back).unwrap();
        }
    }
}

#[test]
fn seeking_anywhere_equals_walking_there() {
    let mut walker = load(long(example("kafka-zombie-leader")));
    let mut seeker = load(long(example("kafka-zombie-leader")));
    let total = walker.total_steps();
    for target in [
        total / 2,
        3,
        total,
        CHECKPOINT_EVERY,
        CHECKPOINT_EVERY - 1,
        CHECKPOINT_EVERY + 1,
        0,
        total - 1,
    ] {
        seeker.apply(Command::Seek(target)).unwrap();
        walker.apply(Command::Start).unwrap();
        while walker.position() < target {
            walker.apply(Command::Forward).unwrap();
        }
        assert_eq!(seeker.frame(), walker.frame(), "seek to {target}");
    }
}

#[test]
fn killing_the_leader_from_the_stage_is_a_timeline_fault_and_a_new_leader_takes_over() {
    let mut p = load(example("kafka-leader-kill"));
    // Drop the scripted kill: the user does it.
    let mut doc = p.doc().clone();
    doc.script.retain(|e| {
        !matches!(
            e.action,
            mqlab_scenario::doc::ActionDoc::Crash { .. }
                | mqlab_scenario::doc::ActionDoc::Restart { .. }
        )
    });
    p = mqlab_scenario::Player::load(doc).unwrap();
    let at = at_time(&mut p, 2000).step;
    p.apply(Command::Inject(UserAction::Crash { node: 1 }))
        .unwrap();
    assert_eq!(
        p.position(),
        at + 1,
        "the injected fault is the very next step"
    );
    let f = p.frame();
    assert_eq!(
        f.nodes.iter().find(|n| n.id == 1).unwrap().status,
        NodeStatus::Crashed
    );
    assert!(p.marks().iter().any(|m| m.kind == MarkKind::Fault
        && m.step == at + 1
        && m.en.contains("kill -9 broker-1")));
    assert_eq!(p.doc().script.last().unwrap().after_step, Some(at));
    p.apply(Command::End).unwrap();
    let f = p.frame();
    assert_eq!(partition(&f, "orders-0").leader, Some(2));
    assert_eq!(f.ledger.lost, 0);
    assert_eq!(
        labels(&f, Fate::Visible).len(),
        15,
        "every acknowledged order is still readable"
    );
    // The recorded document replays to the same end.
    let mut again = mqlab_scenario::Player::load(p.doc().clone()).unwrap();
    again.apply(Command::End).unwrap();
    assert_eq!(again.frame(), f);
}

#[test]
fn frames_list_envelopes_in_flight() {
    let mut p = load(example("kafka-leader-kill"));
    let f = at_time(&mut p, 1001);
    let produce = f
        .envelopes
        .iter()
        .find(|e| e.label.en.starts_with("Produce"))
        .expect("the produce request is on the wire");
    assert_eq!((produce.from, produce.to), (100, 1));
    assert!(produce.arrives_at_ms > produce.sent_at_ms);
}

#[test]
fn random_sessions_never_panic_and_their_documents_replay_exactly() {
    let kafka = [0, 1, 2, 3, 4, 100, 200, 300, 999];
    for example_id in [
        "kafka-leader-kill",
        "kafka-zombie-leader",
        "kafka-unclean-election",
        "kafka-consumer-kill-before-commit",
    ] {
        random_session(example_id, example(example_id), &kafka);
    }
    let rabbit = [0, 1, 2, 3, 4, 100, 101, 300, 999];
    for (id, text) in [
        (
            "rabbitmq-mirrored-failover",
            include_str!("../../../scenarios/rabbitmq-mirrored-failover.json"),
        ),
        (
            "rabbitmq-quorum-failover",
            include_str!("../../../scenarios/rabbitmq-quorum-failover.json"),
        ),
    ] {
        random_session(id, serde_json::from_str(text).unwrap(), &rabbit);
    }
}

/// Any sequence of clicks and keys a user could make, from a small deterministic generator.
fn random_session(id: &str, doc: serde_json::Value, nodes: &[u32]) {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    let mut p = load(doc);
    for _ in 0..25 {
        let node = nodes[next(nodes.len() as u64) as usize];
        let command = match next(9) {
            0 => Command::Forward,
            1 => Command::Back,
            2 => Command::Seek(next(p.total_steps() + 50)),
            3 => Command::Inject(UserAction::Crash { node }),
            4 => Command::Inject(UserAction::Stop { node }),
            5 => Command::Inject(UserAction::Restart { node }),
            6 => Command::Inject(UserAction::Isolate { node }),
            7 => Command::Inject(UserAction::Reconnect { node }),
            _ => Command::Inject(UserAction::Produce {
                producer: node,
                count: next(4) as u32,
            }),
        };
        let before = (p.position(), p.doc().clone());
        if p.apply(command).is_err() {
            assert_eq!(
                (p.position(), p.doc().clone()),
                before,
                "a refused command changes nothing"
            );
        }
        let _ = p.frame();
    }
    let mut again = mqlab_scenario::Player::load(p.doc().clone())
        .expect("a recorded session is a valid scenario");
    again.apply(Command::Seek(p.position())).unwrap();
    assert_eq!(
        again.frame(),
        p.frame(),
        "{id}: the document reproduces the session"
    );
}

#[test]
fn happenings_between_equal_those_seen_stepping() {
    let mut p = load(long(example("kafka-leader-kill")));
    let (from, to) = (CHECKPOINT_EVERY - 5, CHECKPOINT_EVERY + 30);
    let listed = p.happenings_between(from, to);
    assert_eq!(listed.len() as u64, to - from + 1);
    p.apply(Command::Seek(from - 1)).unwrap();
    for entry in &listed {
        p.apply(Command::Forward).unwrap();
        assert_eq!(
            (entry.step, entry.time_ms),
            (p.position(), p.step_time_ms(p.position()))
        );
        assert_eq!(entry.happenings, p.happenings(), "step {}", entry.step);
    }
    assert_eq!(
        p.happenings_between(0, 0),
        vec![],
        "position 0 has no step before it"
    );
    assert!(p
        .happenings_between(p.total_steps() + 1, u64::MAX)
        .is_empty());
}

#[test]
fn the_idempotence_knob_follows_kafkas_default_and_refuses_a_conflict() {
    use mqlab_scenario::{AcksDoc, Knobs, Player};
    let doc = load(example("kafka-leader-kill")).doc().clone();
    let knobs = Knobs::read(&doc);
    assert!(knobs.idempotence, "acks=all: on by default");
    let with = |acks, idempotence| {
        let mut d = doc.clone();
        Knobs {
            acks,
            idempotence,
            ..knobs.clone()
        }
        .write(&mut d);
        d
    };
    let quiet = with(AcksDoc::One, false);
    assert_eq!(
        quiet.producers[0].enable_idempotence, None,
        "the default already agrees"
    );
    assert!(Player::load(quiet).is_ok());
    let conflict = Player::load(with(AcksDoc::One, true)).unwrap_err();
    assert_eq!(conflict.field, "producers[0].enable_idempotence");
    let off = with(AcksDoc::All, false);
    assert_eq!(off.producers[0].enable_idempotence, Some(false));
    assert!(!Knobs::read(&off).idempotence);
    let f = Player::load(off).unwrap().frame();
    assert!(!f.nodes.iter().any(|n| n.detail.contains("idempotent")));
}

#[test]
fn retries_and_in_flight_knobs_reach_every_producer_and_turn_default_idempotence_off() {
    use mqlab_scenario::{Knobs, Player};
    let doc = load(example("kafka-leader-kill")).doc().clone();
    let mut knobs = Knobs::read(&doc);
    assert_eq!((knobs.retries, knobs.max_in_flight), (i32::MAX as u32, 5));
    knobs.retries = 3;
    knobs.max_in_flight = 6;
    knobs.idempotence = false; // what the form shows once in-flight exceeds 5
    let mut d = doc.clone();
    knobs.write(&mut d);
    assert_eq!(
        (d.producers[0].retries, d.producers[0].max_in_flight),
        (3, 6)
    );
    assert_eq!(
        d.producers[0].enable_idempotence, None,
        "Kafka's default is off with 6 in flight"
    );
    let f = Player::load(d).unwrap().frame();
    let detail = &f.nodes.iter().find(|n| n.id == 100).unwrap().detail;
    assert_eq!(detail, "acks=all retries=3");
    knobs.idempotence = true;
    let mut d = doc.clone();
    knobs.write(&mut d);
    assert_eq!(
        Player::load(d).unwrap_err().field,
        "producers[0].enable_idempotence"
    );
}

#[test]
fn every_line_of_a_trace_exists_in_both_languages() {
    for id in [
        "kafka-acks1-leader-dies",
        "kafka-consumer-kill-before-commit",
        "kafka-consumer-rebalance",
    ] {
        both_languages(id);
    }
}

fn both_languages(id: &str) {
    let mut p = load(example(id));
    let lines = p.happenings_between(1, p.total_steps());
    assert!(!lines.is_empty());
    for entry in &lines {
        for h in &entry.happenings {
            assert!(!h.en.is_empty() && !h.zh.is_empty(), "step {}", entry.step);
            for english in [
                "record(s)",
                "no new records",
                "nothing new",
                "refused,",
                "lost on a cut link",
                "Heartbeat OK",
                "commit OK",
                "processed",
                "rebalances",
                "assigned",
                "committed",
            ] {
                assert!(
                    !h.zh.contains(english),
                    "step {}: untranslated \"{english}\" in {}",
                    entry.step,
                    h.zh
                );
            }
        }
    }
    p.apply(Command::Seek(30)).unwrap();
    for e in &p.frame().envelopes {
        assert!(!e.label.en.is_empty() && !e.label.zh.is_empty());
    }
}

#[test]
fn killing_a_consumer_from_the_stage_before_its_commit_duplicates_rows() {
    let mut v = example("kafka-consumer-kill-before-commit");
    v["script"] = json!([v["script"][0]]); // only the orders: the faults come from the stage
    let mut p = load(v);
    let consumer = p.frame().consumers[0].id;
    // Step until two orders are in the table, then kill -9 and restart from the stage.
    while p.frame().stores[0].rows.len() < 2 {
        p.apply(Command::Forward).unwrap();
    }
    p.apply(Command::Inject(UserAction::Crash { node: consumer }))
        .unwrap();
    p.apply(Command::Inject(UserAction::Restart { node: consumer }))
        .unwrap();
    p.apply(Command::End).unwrap();
    let f = p.frame();
    assert_eq!(f.ledger.store_duplicates, 2);
    assert_eq!(f.stores[0].rows.len(), 8);
    // The faults are in the document, so the replay is exact.
    let replay = Player::load(p.doc().clone()).unwrap();
    assert_eq!(replay.trace_digest(), p.trace_digest());
}

#[test]
fn commit_and_store_knobs_reach_every_consumer_and_store() {
    use mqlab_scenario::doc::{CommitDoc, StoreKindDoc};
    use mqlab_scenario::Knobs;
    let doc = load(example("kafka-consumer-rebalance")).doc().clone();
    let mut knobs = Knobs::read(&doc);
    assert_eq!(knobs.commit, Some(CommitDoc::SyncAfterProcess));
    assert_eq!(knobs.store, Some(StoreKindDoc::PlainInsert));
    knobs.commit = Some(CommitDoc::SyncBeforeProcess);
    knobs.store = Some(StoreKindDoc::UniqueKey);
    knobs.auto_commit_interval_ms = 1000;
    let mut d = doc.clone();
    knobs.write(&mut d);
    assert!(d
        .consumers
        .iter()
        .all(|c| c.commit == CommitDoc::SyncBeforeProcess && c.auto_commit_interval_ms == 1000));
    assert_eq!(d.stores[0].kind, StoreKindDoc::UniqueKey);
    let mut p = Player::load(d).unwrap();
    p.apply(Command::End).unwrap();
    let f = p.frame();
    assert_eq!(
        f.stores[0].kind,
        mqlab_scenario::frame::StoreKind::UniqueKey
    );
    assert_eq!(
        f.ledger.store_duplicates, 0,
        "commit-then-process: no repeats"
    );
    // Without consumers the knobs say so and change nothing.
    let plain = load(example("kafka-leader-kill")).doc().clone();
    let k = Knobs::read(&plain);
    assert_eq!((k.commit, k.store), (None, None));
}

#[test]
fn a_messages_life_runs_from_the_producer_to_the_store() {
    let p = load(example("kafka-consumer-kill-before-commit"));
    let f = {
        let mut end = load(example("kafka-consumer-kill-before-commit"));
        end.apply(Command::End).unwrap();
        end.frame()
    };
    let order1 = f.messages.iter().find(|m| m.label == "order-1").unwrap();
    let life = p.message_life(order1.id);
    let lines: Vec<&str> = life
        .iter()
        .flat_map(|s| s.happenings.iter().map(|h| h.en.as_str()))
        .collect();
    let position = |words: &str| {
        lines
            .iter()
            .position(|l| l.contains(words))
            .unwrap_or_else(|| panic!("no \"{words}\" in {lines:#?}"))
    };
    assert!(position("appended order-1") < position("acknowledged"));
    assert!(position("acknowledged") < position("poll() returned"));
    assert!(position("INSERT into orders-table") < position("a second row"));
    assert!(lines.iter().all(|l| l.contains("order-1")), "{lines:#?}");
    assert!(life.windows(2).all(|w| w[0].step < w[1].step));
    assert_eq!(p.position(), 0, "the player did not move");
}

#[test]
fn a_link_cut_from_the_stage_is_the_next_step_and_stays_cut() {
    let mut p = mqlab_scenario::Player::load(
        mqlab_scenario::examples()
            .into_iter()
            .find(|e| e.id == "kafka-leader-kill")
            .unwrap()
            .doc,
    )
    .unwrap();
    p.apply(Command::Seek(20)).unwrap();
    p.apply(Command::Inject(UserAction::CutLink { a: 1, b: 2 }))
        .unwrap();
    assert_eq!(p.position(), 21);
    let f = p.frame();
    assert!(
        f.faulty_links
            .iter()
            .any(|l| (l.a, l.b) == (1, 2) || (l.a, l.b) == (2, 1)),
        "{:?}",
        f.faulty_links
    );
    assert!(matches!(
        p.doc().script.last().unwrap().action,
        mqlab_scenario::doc::ActionDoc::CutLink { .. }
    ));
    // A node that does not exist is an error, and nothing changes.
    let before = p.doc().clone();
    assert!(p
        .apply(Command::Inject(UserAction::CutLink { a: 1, b: 77 }))
        .is_err());
    assert_eq!(p.doc(), &before);
}
