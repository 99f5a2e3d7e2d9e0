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

// ---- J2 and J3: Jepsen, RabbitMQ 2014 ----
//
// The harness's settings where the model has them: 5 nodes, `pause_minority`, net_ticktime
// 30 s, persistent mandatory publishes with confirms, a 2|3 split for 60 s then 60 s healed,
// three times, then a drain. Jepsen split into random halves; the model replays three fixed
// ones, the first with the queue's leader (rabbit-1) on the minority side: {1,2}|{3,4,5} at
// 60 s, {3,5}|{1,2,4} at 180 s, {1,4}|{2,3,5} at 300 s. Not modelled, and replaced by the
// nearest: four publishers (the model's limit; Jepsen had a client per node) on rabbit-1…4,
// each publishing one message every 5 s into a confirm window instead of waiting 5 s for
// each confirm; `basic.get` dequeues during the run (only the final drain, by a consumer
// that joins at 420 s, 60 s after the last heal).

/// The messages a client published while its node was cut off during the split at `start`
/// (one every 5 s, the first 1 s + (client − 1) s after a multiple of 5 s).
fn published_during_split(client: u32, start_ms: u64) -> Vec<String> {
    // Message n of client k is published at 1000 + (k − 1)·1000 + (n − 1)·5000 ms.
    let first = (start_ms - 1000 - (client as u64 - 1) * 1000).div_ceil(5000) + 1;
    // The node notices the split and pauses net_ticktime (30 s) later.
    (first..first + 6)
        .map(|n| format!("c{client}-{n}"))
        .collect()
}

#[test]
fn j2_jepsen_rabbitmq_2014_mirrored_queue_loses_writes_the_minority_side_confirmed() {
    // FIDELITY J2: publisher-confirmed messages missing from the drain. The mechanism, as the
    // model follows rabbit_node_monitor: the minority leader takes publishes for
    // net_ticktime, unconfirmed while its mirror on the majority side cannot copy them; when
    // it notices the split it first drops that mirror (rabbit_amqqueue:on_node_down), which
    // releases the confirms, and only then pauses (rabbit:stop() runs in a spawned process,
    // PAUSE_STOP_MS later). Meanwhile the majority promoted its own mirror, which never had
    // them; the minority's copies are discarded when it rejoins (R22).
    let v = acceptance("rabbitmq-jepsen-2014-mirrored");
    let minority = [
        published_during_split(1, 60000),
        published_during_split(2, 60000),
    ]
    .concat();
    let mut p = load(v);

    // Split 1, before anyone notices: rabbit-1 still leads and takes the minority clients'
    // publishes; its mirror on rabbit-2 copies them, the one on rabbit-3 cannot, so none is
    // confirmed.
    let f = at_time(&mut p, 88000);
    assert_eq!(queue(&f, "jepsen").leader, Some(1));
    for m in &minority {
        let v = message(&f, m);
        assert!(!v.acked, "{m} is not confirmed");
        assert_eq!(v.replicas, vec![1, 2], "{m} is on the minority side only");
    }

    // After net_ticktime: the majority promoted the mirror on rabbit-3; the minority paused
    // and serves no client.
    let f = at_time(&mut p, 100000);
    assert_eq!(queue(&f, "jepsen").leader, Some(3));
    for (client, connected) in [("client-1", false), ("client-2", false), ("client-3", true)] {
        let publisher = f.publishers.iter().find(|x| x.name == client).unwrap();
        assert_eq!(publisher.connected_to.is_some(), connected, "{client}");
    }

    // The end: what only the minority held was confirmed before it paused, and is gone:
    // confirmed and lost, as Jepsen found. What the majority confirmed was drained.
    let end = at_time(&mut p, 480000);
    for m in &minority {
        let v = message(&end, m);
        assert!(
            v.acked,
            "{m}: confirmed when the minority dropped its cut-off mirror"
        );
        assert!(v.replicas.is_empty(), "{m}: discarded");
        assert_eq!(v.fate, Fate::Lost, "{m}");
    }
    assert!(
        end.ledger.lost >= minority.len() as u32,
        "{}",
        end.ledger.lost
    );
    for m in ["c3-20", "c4-20", "c1-30", "c4-70"] {
        assert!(message(&end, m).acked, "{m}");
        assert_eq!(message(&end, m).fate, Fate::Consumed, "{m} was drained");
    }
    assert!(
        end.ledger.acknowledged > 200,
        "most publishes were confirmed"
    );
}

#[test]
fn j3_jepsen_rabbitmq_2014_schedule_on_a_quorum_queue_loses_nothing_confirmed() {
    // Quorum queue, members on rabbit-1, rabbit-2, rabbit-3 (RabbitMQ 4.x).
    let v = acceptance("rabbitmq-jepsen-2014-quorum");
    let mut p = load(v);

    // Split 1 ({1,2}|{3,4,5}): two of the three members are on the cluster's minority side.
    // They are the members' majority, so they confirm until their nodes pause.
    let split1 = [
        published_during_split(1, 60000),
        published_during_split(2, 60000),
    ]
    .concat();
    let f = at_time(&mut p, 100000);
    for m in &split1 {
        assert!(
            message(&f, m).acked,
            "{m}: confirmed by rabbit-1 and rabbit-2"
        );
    }
    for client in ["client-1", "client-2"] {
        let publisher = f.publishers.iter().find(|x| x.name == client).unwrap();
        assert_eq!(publisher.connected_to, None, "{client}: its node paused");
    }
    // Pausing is `rabbit:stop()`, which stops `ra` (rabbit.erl's ?APPS) and with it the
    // members on rabbit-1 and rabbit-2; the lone member on rabbit-3 cannot be elected: no
    // leader anywhere until the heal.
    let q = queue(&f, "jepsen");
    assert_eq!(q.leader, None, "the paused nodes' members are stopped");

    // Splits 2 and 3 cut one member off ({3,5}|… then {1,4}|…): what is published through
    // that side is never confirmed.
    let cut_off = [
        published_during_split(3, 180000),
        published_during_split(1, 300000),
        published_during_split(4, 300000),
    ]
    .concat();
    let end = at_time(&mut p, 480000);
    for m in &cut_off {
        assert!(!message(&end, m).acked, "{m} is not confirmed");
    }

    // The drain: every confirmed message exactly once, nothing confirmed lost.
    assert_eq!(end.ledger.lost, 0);
    assert_eq!(end.ledger.consumed, end.ledger.acknowledged);
    assert_eq!(end.ledger.store_duplicates, 0);
    assert_eq!(
        store(&end, "drained").rows.len() as u32,
        end.ledger.acknowledged
    );
    for m in &split1 {
        assert_eq!(
            message(&end, m).fate,
            Fate::Consumed,
            "{m} survived the pause"
        );
    }
}
