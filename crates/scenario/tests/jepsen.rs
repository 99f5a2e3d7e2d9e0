//! FIDELITY.md's Jepsen facts (J1–J3): the published fault schedules replayed on the model,
//! with outcomes asserted on the message ledger (counters and each message's fate). The
//! scenario files are in `scenarios/acceptance/` (`kafka-jepsen-2013-*.json`,
//! `rabbitmq-jepsen-2014-*.json`), so `mqlab run` shows each one step by step.

mod play;

use mqlab_scenario::frame::{Fate, Frame};
use play::*;
use serde_json::{json, Value};

fn acceptance(name: &str) -> Value {
    let path = format!(
        "{}/../../scenarios/acceptance/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("an acceptance scenario parses")
}

fn keyed(key: &str, range: std::ops::RangeInclusive<u32>) -> Vec<String> {
    range.map(|i| format!("{key}-{i}")).collect()
}

fn fates(f: &Frame, labels: &[String]) -> Vec<Fate> {
    labels.iter().map(|l| message(f, l).fate).collect()
}

// ---- J1: Jepsen, Kafka 2013 ----
//
// Jepsen ran 5 brokers and a topic of 5 partitions × RF 5 and cut the broker leading the most
// partitions. The model runs the 5 brokers and RF 5; one partition led by broker-1 shows the
// same mechanism. ZooKeeper's role (session expiry, then the controller's election) is played
// by the KRaft controller's fencing, with the same election rules. replica.lag.time.max.ms is
// 10 s, Kafka's default up to 2.4 (the 0.8 era), so that step 1 comes soon. Schedule: writes
// at 1 s; step 1 (5 s) cuts broker-1 from the other brokers, not from the controller; writes
// at 8 s and 20 s; step 2 (30 s) isolates broker-1; writes at 45 s; step 3 (70 s) heals;
// writes at 80 s.

/// The ISR shrinks to the leader 10 s after the followers stop fetching (K8); the writes of
/// step 1 are `step1-1`…`step1-6`.
fn step1() -> Vec<String> {
    keyed("step1", 1..=6)
}

#[test]
fn j1_jepsen_kafka_2013_on_0_8_settings_the_writes_acked_by_the_lone_leader_are_lost() {
    // min.insync.replicas=1 and unclean.leader.election.enable=true, as in 0.8.
    let mut p = load(acceptance("kafka-jepsen-2013-unclean"));

    // Step 1: broker-1 still reaches the controller, so its ISR shrinks to itself and it
    // acknowledges acks=all writes alone; they are committed (below the HW) and read.
    let f = at_time(&mut p, 25000);
    let jepsen = partition(&f, "jepsen-0");
    assert_eq!((jepsen.leader, jepsen.isr.clone()), (Some(1), vec![1]));
    for m in step1() {
        let v = message(&f, &m);
        assert!(v.acked, "{m} is acknowledged by the leader alone");
        assert_eq!(v.replicas, vec![1], "{m} has one copy");
        assert_eq!(v.fate, Fate::Visible, "{m}");
    }
    assert!(message(&f, "step1-6").reads >= 1, "the reader saw step 1");

    // Step 2: broker-1 fenced; no live replica is in the ISR: an unclean election.
    let f = at_time(&mut p, 40000);
    assert_eq!(partition(&f, "jepsen-0").leader, Some(2));

    // Step 3: healed, broker-1 follows broker-2 and truncates what only it had.
    let (_, end) = play(acceptance("kafka-jepsen-2013-unclean"));
    assert_eq!(labels(&end, Fate::Lost), step1(), "exactly step 1's writes");
    assert_eq!(end.ledger.acknowledged, 15, "every write was acknowledged");
    assert_eq!(end.ledger.lost, 6);
    for m in [
        keyed("before", 1..=3),
        keyed("step2", 1..=3),
        keyed("after", 1..=3),
    ]
    .concat()
    {
        assert_eq!(message(&end, &m).fate, Fate::Visible, "{m}");
    }
    let leader = partition(&end, "jepsen-0");
    assert_eq!(leader.leader, Some(2));
    assert!(
        leader.replicas.iter().all(|r| r.log_end_offset == 9),
        "every replica truncated to the new leader's log"
    );
}

#[test]
fn j1_jepsen_kafka_2013_with_min_insync_2_and_no_unclean_election_nothing_acked_is_lost() {
    // The settings that came out of Jepsen: min.insync.replicas=2 (KAFKA-1555), unclean
    // election off (KAFKA-1028; the default since 0.11). ELR off (Kafka 4.0; J1's "offline").
    let v = acceptance("kafka-jepsen-2013-min-insync");
    let mut p = load(v.clone());

    // Step 1: ISR [1] is under min ISR. The batch appended before the shrink waits (the HW
    // does not advance under min ISR, K10); the next is refused before any append.
    let f = at_time(&mut p, 25000);
    let jepsen = partition(&f, "jepsen-0");
    assert_eq!((jepsen.leader, jepsen.isr.clone()), (Some(1), vec![1]));
    for m in step1() {
        assert!(!message(&f, &m).acked, "{m} is not acknowledged");
    }
    for m in keyed("step1", 4..=6) {
        let v = message(&f, &m);
        assert_eq!(v.last_error.as_deref(), Some("NotEnoughReplicas"), "{m}");
        assert!(v.replicas.is_empty(), "{m} was refused before the append");
    }

    // Step 2: broker-1 fenced; the partition is offline with ISR [1] (K17): what was
    // acknowledged before is stored but nothing can serve it.
    let f = at_time(&mut p, 65000);
    let jepsen = partition(&f, "jepsen-0");
    assert_eq!((jepsen.leader, jepsen.isr.clone()), (None, vec![1]));
    assert_eq!(labels(&f, Fate::Unavailable), keyed("before", 1..=3));
    for m in step1() {
        assert_eq!(
            message(&f, &m).fate,
            Fate::Failed,
            "{m}: the producer gave up"
        );
    }

    // Step 3: broker-1 returns and leads again; nothing acknowledged is lost.
    let end = at_time(&mut p, 100000);
    assert_eq!(partition(&end, "jepsen-0").leader, Some(1));
    assert_eq!(end.ledger.lost, 0);
    assert_eq!(end.ledger.acknowledged, 9, "before, step2 and after");
    for m in [
        keyed("before", 1..=3),
        keyed("step2", 1..=3),
        keyed("after", 1..=3),
    ]
    .concat()
    {
        assert_eq!(message(&end, &m).fate, Fate::Visible, "{m}");
    }
    // Appended before the ISR shrank, on the leader that came back: readable, although the
    // producer was told they failed (as K14c; an application retry would duplicate them).
    assert_eq!(
        fates(&end, &keyed("step1", 1..=3)),
        vec![Fate::VisibleUnacked; 3]
    );
    assert_eq!(fates(&end, &keyed("step1", 4..=6)), vec![Fate::Failed; 3]);
}

#[test]
fn j1_jepsen_kafka_2013_with_elr_a_follower_from_the_elr_leads_and_nothing_acked_is_lost() {
    // Kafka 4.1's default for new clusters: Eligible Leader Replicas (KIP-966). The followers
    // that left the ISR while it was under min ISR hold everything committed, so one of them
    // leads at step 2 instead of the partition going offline.
    let mut v = acceptance("kafka-jepsen-2013-min-insync");
    v["kafka"]["eligible_leader_replicas"] = json!(true);
    let mut p = load(v);
    let f = at_time(&mut p, 25000);
    assert!(
        !partition(&f, "jepsen-0").elr.is_empty(),
        "cut followers wait in the ELR"
    );
    let f = at_time(&mut p, 40000);
    let leader = partition(&f, "jepsen-0").leader;
    assert!(
        leader.is_some_and(|b| b != 1),
        "a follower leads: {leader:?}"
    );
    let end = at_time(&mut p, 100000);
    assert_eq!(end.ledger.lost, 0);
    assert_eq!(end.ledger.acknowledged, 9);
    assert_eq!(fates(&end, &step1()), vec![Fate::Failed; 6]);
}
