//! FIDELITY.md Kafka facts, one test (or more) per fact, named after it. Each sets up a
//! scenario, applies the fault, and asserts the outcome on the ledger, leaders, ISR, errors.
//! Facts whose outcome the lessons' condition language can state (ledger counters, leaders,
//! node and queue status, store rows, assignments) are data files in `tests/facts/`, run by
//! `tests/facts.rs`; the tests here check what a file cannot say: exact record lists, ISR and
//! log contents, error texts and happenings, offsets, timing ratios, model internals.

mod play;

use mqlab_scenario::frame::Fate;
use mqlab_scenario::Player;
use play::*;
use serde_json::json;

#[test]
fn k01_replica_placement_is_round_robin_with_shift() {
    let mut v = base();
    v["kafka"] = json!({ "brokers": 5, "topics": [{ "name": "orders", "partitions": 6, "replication_factor": 3 }] });
    let p = load(v);
    let f = p.frame();
    let replicas = |name: &str| {
        partition(&f, name)
            .replicas
            .iter()
            .map(|r| r.broker)
            .collect::<Vec<_>>()
    };
    // FIDELITY's example b[0..4] → broker ids 1..5: p0→[0,1,2], p1→[1,2,3], p5→[0,2,3].
    assert_eq!(replicas("orders-0"), vec![1, 2, 3]);
    assert_eq!(replicas("orders-1"), vec![2, 3, 4]);
    assert_eq!(replicas("orders-5"), vec![1, 3, 4]);
}

#[test]
fn k01_replication_factor_above_brokers_is_invalid() {
    let mut v = base();
    v["kafka"]["topics"][0]["replication_factor"] = json!(4);
    let doc = mqlab_scenario::ScenarioDoc::from_value(&v).unwrap();
    let err = Player::load(doc).unwrap_err();
    assert_eq!(err.field, "kafka.topics[0].replication_factor");
    assert!(err.en.contains("InvalidReplicationFactor"), "{err}");
}

#[test]
fn k02_preferred_leader_leads_at_start_and_a_restarted_broker_returns_as_follower() {
    let mut v = base();
    v["duration_ms"] = json!(40000);
    v["script"] = json!([fault(1000, "crash", "broker-1"), fault(15000, "restart", "broker-1"), { "at_ms": 30000, "do": "elect_preferred_leaders" }]);
    let mut p = load(v);
    assert_eq!(
        partition(&p.frame(), "orders-0").leader,
        Some(1),
        "the first replica leads a new partition"
    );
    let after_restart = at_time(&mut p, 29000);
    let p0 = partition(&after_restart, "orders-0");
    assert_eq!(
        p0.leader,
        Some(2),
        "a restarted broker does not take leadership back by itself"
    );
    assert!(p0.isr.contains(&1), "it rejoined the ISR as a follower");
    let end = at_time(&mut p, 40000);
    assert_eq!(
        partition(&end, "orders-0").leader,
        Some(1),
        "preferred election moves leadership back"
    );
}

#[test]
fn k03_clean_election_picks_first_live_isr_replica_in_assignment_order() {
    let mut v = base();
    v["script"] = json!([fault(1000, "crash", "broker-1")]);
    let (_, f) = play(v);
    let p0 = partition(&f, "orders-0");
    assert_eq!(p0.leader, Some(2));
    assert_eq!(p0.isr, vec![2, 3]);
    assert_eq!(
        p0.leader_epoch, 1,
        "every leader change increments the epoch"
    );
}

#[test]
fn k04_controller_fences_a_silent_broker_after_the_session_timeout() {
    let mut v = base();
    v["script"] = json!([fault(3000, "crash", "broker-1")]);
    let mut p = load(v);
    // Last heartbeat at most 2 s before the crash, fencing 9 s after it.
    let before = at_time(&mut p, 3000 + 6900);
    assert_eq!(
        partition(&before, "orders-0").leader,
        Some(1),
        "no election before the session timeout"
    );
    assert!(!before.nodes.iter().any(|n| n.fenced));
    let after = at_time(&mut p, 3000 + 9100);
    assert_eq!(partition(&after, "orders-0").leader, Some(2));
    assert!(after.nodes.iter().any(|n| n.id == 1 && n.fenced));
}

#[test]
fn k05_a_restarted_killed_broker_runs_log_recovery() {
    // The leadership half of K5 is in tests/facts/k05_*.json.
    let mut v = base();
    v["script"] = json!([
        fault(1000, "crash", "broker-3"),
        fault(2000, "restart", "broker-3")
    ]);
    assert!(trace(v)
        .iter()
        .any(|(_, _, t)| t.contains("broker-3 recovers its logs")));
}

#[test]
fn k06_acks_all_is_acknowledged_only_after_every_isr_follower_fetched_it() {
    let mut v = base();
    v["script"] = json!([produce(1000, 3)]);
    let mut p = load(v);
    // Walk forward to the first acknowledgement and look at the replicas then.
    while p.frame().ledger.acknowledged == 0 {
        p.apply(mqlab_scenario::Command::Forward).unwrap();
        assert!(p.position() < p.total_steps(), "never acknowledged");
    }
    let f = p.frame();
    let p0 = partition(&f, "orders-0");
    for r in &p0.replicas {
        assert!(
            r.log_end_offset >= 3,
            "broker-{} has only {} records at ack time",
            r.broker,
            r.log_end_offset
        );
    }
    let leader = p0.replicas.iter().find(|r| r.acts_as_leader).unwrap();
    assert!(leader.high_watermark >= 3);
    // Followers learn the HW a fetch later: at ack time their HW still lags.
    assert!(p0
        .replicas
        .iter()
        .any(|r| !r.acts_as_leader && r.high_watermark < 3));
}

#[test]
fn k07_consumers_read_only_below_the_high_watermark() {
    // Followers cut off from the leader: it appends (acks=1) but the HW cannot move.
    let mut v = base();
    v["producers"][0]["acks"] = json!("1");
    v["duration_ms"] = json!(20000);
    v["script"] = json!([
        { "at_ms": 500, "do": "cut_link", "a": "broker-1", "b": "broker-2" },
        { "at_ms": 500, "do": "cut_link", "a": "broker-1", "b": "broker-3" },
        produce(1000, 3)
    ]);
    let mut p = load(v);
    let f = at_time(&mut p, 10000);
    let leader = partition(&f, "orders-0")
        .replicas
        .iter()
        .find(|r| r.acts_as_leader)
        .unwrap();
    assert_eq!((leader.log_end_offset, leader.high_watermark), (3, 0));
    for m in &f.messages {
        assert!(m.acked, "acks=1 acknowledged {}", m.label);
        assert_eq!(m.reads, 0, "{} above the HW was read", m.label);
        assert_eq!(m.fate, Fate::Stored);
    }
}

#[test]
fn k08_isr_shrinks_after_replica_lag_time_max() {
    let mut v = base();
    v["duration_ms"] = json!(45000);
    v["producers"][0]["acks"] = json!("1");
    v["script"] = json!([{ "at_ms": 500, "do": "cut_link", "a": "broker-1", "b": "broker-3" }, produce(1000, 2)]);
    let mut p = load(v);
    assert_eq!(
        partition(&at_time(&mut p, 29000), "orders-0").isr,
        vec![1, 2, 3],
        "not before replica.lag.time.max.ms (30 s)"
    );
    assert_eq!(
        partition(&at_time(&mut p, 45000), "orders-0").isr,
        vec![1, 2]
    );
}

#[test]
fn k08_followers_out_of_sync_together_leave_the_isr_in_one_change() {
    // `Partition.maybeShrinkIsr` drops every out-of-sync follower in one AlterPartition;
    // one at a time, each would wait another lag check (15 s) behind the pending change.
    let mut v = base();
    v["duration_ms"] = json!(45000);
    v["kafka"]["topics"][0]["min_insync_replicas"] = json!(1);
    v["script"] = json!([
        { "at_ms": 500, "do": "cut_link", "a": "broker-1", "b": "broker-2" },
        { "at_ms": 500, "do": "cut_link", "a": "broker-1", "b": "broker-3" },
        produce(1000, 2)
    ]);
    let mut p = load(v);
    assert_eq!(
        partition(&at_time(&mut p, 29000), "orders-0").isr,
        vec![1, 2, 3],
        "not before replica.lag.time.max.ms (30 s)"
    );
    let f = at_time(&mut p, 32000);
    assert_eq!(partition(&f, "orders-0").isr, vec![1], "both at once");
    assert!(message(&f, "m-2").acked, "acks=all with the ISR [1]");
}

#[test]
fn k08_a_leader_cut_off_from_the_controller_cannot_shrink_the_isr() {
    let mut v = base();
    v["duration_ms"] = json!(45000);
    v["producers"][0]["acks"] = json!("1");
    v["script"] = json!([
        { "at_ms": 500, "do": "partition", "left": ["broker-1"], "right": ["controller", "broker-2", "broker-3"] },
        produce(1000, 2)
    ]);
    let (p, f) = play(v);
    let b1 = p
        .kafka_world()
        .unwrap()
        .model()
        .broker(mqlab_engine::NodeId(1))
        .unwrap();
    match b1.roles.values().next() {
        Some(mqlab_kafka::Role::Leader(state)) => {
            assert_eq!(state.isr.len(), 3, "the zombie's ISR stays as it was")
        }
        other => panic!("broker-1 should still act as leader: {other:?}"),
    }
    assert_eq!(
        partition(&f, "orders-0").leader,
        Some(2),
        "meanwhile the controller moved on"
    );
}

#[test]
fn k09_a_follower_rejoins_the_isr_once_caught_up() {
    let mut v = base();
    v["duration_ms"] = json!(40000);
    v["script"] = json!([
        fault(1000, "crash", "broker-3"),
        produce(12000, 5),
        fault(15000, "restart", "broker-3")
    ]);
    let mut p = load(v);
    assert_eq!(
        partition(&at_time(&mut p, 14000), "orders-0").isr,
        vec![1, 2]
    );
    let f = at_time(&mut p, 40000);
    assert_eq!(partition(&f, "orders-0").isr, vec![1, 2, 3]);
    assert_eq!(message(&f, "m-5").replicas, vec![1, 2, 3]);
}

#[test]
fn k11_acks0_never_waits_and_loses_silently_when_the_leader_is_down() {
    let mut v = base();
    v["producers"][0]["acks"] = json!("0");
    v["script"] = json!([
        produce(1000, 2),
        fault(2000, "crash", "broker-1"),
        produce(3000, 2)
    ]);
    // The Java client completes an acks=0 send with offset -1 (no broker answer).
    let t = trace(v.clone());
    assert!(
        t.iter()
            .any(|(_, _, l)| l.contains("sent with acks=0: offset -1")),
        "the producer is told offset -1"
    );
    let (_, f) = play(v);
    assert_eq!(
        f.ledger.acknowledged, 4,
        "the application counts every acks=0 send as done"
    );
    assert!(
        f.messages.iter().all(|m| m.acked_offset.is_none()),
        "no offset ever comes back"
    );
    assert_eq!(labels(&f, Fate::Lost), vec!["m-3", "m-4"]);
    assert!(
        f.messages
            .iter()
            .all(|m| m.last_error.is_none() && m.attempts == 1),
        "no error, no retry"
    );
}

#[test]
fn k12_the_lost_writes_are_order_4_to_8_never_read_and_gone_from_every_replica() {
    // The counts and the new leader are in tests/facts/k12_acks1_leader_crash_loses_acked_write.json.
    let (_, f) = play(example("kafka-acks1-leader-dies"));
    let lost = labels(&f, Fate::Lost);
    assert_eq!(
        lost,
        vec!["order-4", "order-5", "order-6", "order-7", "order-8"]
    );
    for label in &lost {
        let m = message(&f, label);
        assert!(m.acked, "{label} was acknowledged");
        assert_eq!(m.reads, 0, "{label} was never seen by a consumer");
        assert!(
            m.replicas.is_empty(),
            "{label} is gone from every replica after truncation"
        );
    }
    assert_eq!(
        labels(&f, Fate::Visible),
        vec!["order-1", "order-2", "order-3"]
    );
}

#[test]
fn k14_min_insync_one_down_ok_two_down_not_enough_replicas() {
    let (_, f) = play(example("kafka-min-isr"));
    // (a) one broker down: writes continue.
    for l in ["order-4", "order-5", "order-6"] {
        assert!(message(&f, l).acked, "{l}");
    }
    // (b) two down: rejected before the append, retried, then reported as failed.
    for l in ["order-7", "order-8", "order-9"] {
        let m = message(&f, l);
        assert_eq!(m.fate, Fate::Failed, "{l}");
        assert!(m.replicas.is_empty(), "{l} must never be appended");
        assert!(m.attempts > 1, "{l} was retried");
    }
    // Reads below the HW still work.
    assert_eq!(labels(&f, Fate::Visible).len(), 6);
    assert_eq!(partition(&f, "orders-0").isr, vec![1]);
}

fn stalled_followers(legacy: bool) -> (Player, mqlab_scenario::Frame) {
    play(stalled_followers_doc(legacy))
}

#[test]
fn k14c_isr_shrinking_after_the_append_gives_not_enough_replicas_after_append_and_a_retry_duplicates(
) {
    // Before 3.7 the HW can reach the record with the ISR below min.insync.
    let (_, f) = stalled_followers(true);
    let m = message(&f, "m-1");
    assert!(m.acked);
    assert!(m.attempts >= 2);
    assert_eq!(
        f.ledger.duplicated, 1,
        "the record stayed in the log and the retry appended it again"
    );
    assert!(trace(stalled_followers_doc(true))
        .iter()
        .any(|(_, _, t)| t.contains("NotEnoughReplicasAfterAppend")));
}

#[test]
fn k14c_from_3_7_the_same_stall_times_out_instead() {
    let trace = trace(stalled_followers_doc(false));
    assert!(
        !trace
            .iter()
            .any(|(_, _, t)| t.contains("NotEnoughReplicasAfterAppend")),
        "the HW is held under min ISR (K10)"
    );
    assert!(trace.iter().any(|(_, _, t)| t.contains("RequestTimedOut")));
}

fn stalled_followers_doc(legacy: bool) -> serde_json::Value {
    let mut v = base();
    // Followers notice the healed link when their lost fetch times out (30 s).
    v["duration_ms"] = json!(120000);
    if legacy {
        v["kafka"]["version"] = json!("3.6");
    }
    v["producers"][0]["request_timeout_ms"] = json!(50000);
    v["producers"][0]["delivery_timeout_ms"] = json!(200000);
    v["producers"][0]["enable_idempotence"] = json!(false);
    v["script"] = json!([
        { "at_ms": 500, "do": "cut_link", "a": "broker-1", "b": "broker-2" },
        { "at_ms": 500, "do": "cut_link", "a": "broker-1", "b": "broker-3" },
        produce(1000, 1),
        { "at_ms": 70000, "do": "heal_all" }
    ]);
    v
}

/// The acks=all answer is lost on a link cut just after the request arrived.
fn lost_response(idempotence: bool) -> serde_json::Value {
    let mut v = base();
    v["producers"][0]["request_timeout_ms"] = json!(3000);
    v["producers"][0]["enable_idempotence"] = json!(idempotence);
    v["script"] = json!([
        produce(1000, 1),
        { "at_ms": 1003, "do": "cut_link", "a": "app", "b": "broker-1" },
        { "at_ms": 2500, "do": "heal_link", "a": "app", "b": "broker-1" }
    ]);
    v
}

#[test]
fn k20_a_retry_after_a_lost_response_appends_the_batch_again() {
    let (_, f) = play(lost_response(false));
    let m = message(&f, "m-1");
    assert!(m.acked && m.attempts >= 2);
    assert_eq!(f.ledger.duplicated, 1, "the same message at two offsets");
    let leader = partition(&f, "orders-0")
        .replicas
        .iter()
        .find(|r| r.acts_as_leader)
        .unwrap();
    assert!(leader.cells.iter().filter(|c| c.label == "m-1").count() >= 2);
}

#[test]
fn k20_k22_the_retry_duplicates_example_and_its_idempotent_twin() {
    let (_, f) = play(example("kafka-retry-duplicates"));
    assert_eq!(f.ledger.duplicated, 1);
    assert_eq!(
        message(&f, "order-4").reads,
        2,
        "a consumer reads the order twice"
    );
    let mut on = example("kafka-retry-duplicates");
    on["producers"][0]["enable_idempotence"] = json!(true);
    let (_, f) = play(on);
    assert_eq!(f.ledger.duplicated, 0);
    assert_eq!(message(&f, "order-4").reads, 1);
}

#[test]
fn k22_the_same_lost_response_with_idempotence_leaves_one_copy() {
    let (_, f) = play(lost_response(true));
    assert!(message(&f, "m-1").attempts >= 2);
    assert_eq!(f.ledger.duplicated, 0);
    assert_eq!(message(&f, "m-1").acked_offset, Some(0));
}

/// Two single-message batches, a-1 then b-1, both in flight while the ISR grows back to
/// min.insync.replicas: a-1 arrives one millisecond too early (NotEnoughReplicas), b-1 just
/// after (appended). No jitter, so the instants are exact.
fn in_flight_retry(idempotence: bool, max_in_flight: u32) -> mqlab_scenario::Frame {
    let mut v = base();
    v["network"] = json!({ "latency_ms": 1, "jitter_ms": 0 });
    v["kafka"] = json!({ "brokers": 2, "topics": [{ "name": "orders", "partitions": 1, "replication_factor": 2, "min_insync_replicas": 2 }] });
    v["producers"][0]["enable_idempotence"] = json!(idempotence);
    v["producers"][0]["max_in_flight"] = json!(max_in_flight);
    v["script"] = json!([
        fault(1000, "crash", "broker-2"),
        fault(12000, "restart", "broker-2"),
        { "at_ms": 12003, "do": "produce", "producer": "app", "topic": "orders", "count": 1, "key": "a" },
        { "at_ms": 12005, "do": "produce", "producer": "app", "topic": "orders", "count": 1, "key": "b" }
    ]);
    play(v).1
}

fn offsets(f: &mqlab_scenario::Frame) -> (u64, u64) {
    (
        message(f, "a-1").acked_offset.expect("a-1 acknowledged"),
        message(f, "b-1").acked_offset.expect("b-1 acknowledged"),
    )
}

#[test]
fn k21_retries_with_several_requests_in_flight_reorder_the_log() {
    let f = in_flight_retry(false, 5);
    assert!(message(&f, "a-1").attempts >= 2, "a-1 was retried");
    let (a, b) = offsets(&f);
    assert!(b < a, "b-1 ({b}) overtook a-1 ({a})");
    assert_eq!(
        f.ledger.out_of_order, 1,
        "the ledger counts the overtaking message"
    );
    assert!(message(&f, "b-1").out_of_order && !message(&f, "a-1").out_of_order);
}

#[test]
fn k21_one_request_in_flight_keeps_the_order() {
    let (a, b) = offsets(&in_flight_retry(false, 1));
    assert!(a < b);
}

#[test]
fn k22_idempotence_keeps_the_order_with_five_in_flight() {
    let f = in_flight_retry(true, 5);
    let (a, b) = offsets(&f);
    assert!(
        a < b,
        "the broker refused b-1 out of sequence until a-1 landed"
    );
    assert_eq!(f.ledger.out_of_order, 0);
    assert!(message(&f, "b-1").attempts >= 2);
    assert_eq!(f.ledger.duplicated, 0);
}

#[test]
fn k24_keys_pick_partitions_by_murmur2_and_order_holds_within_each() {
    let mut v = base();
    v["kafka"]["topics"][0]["partitions"] = json!(3);
    v["script"] = json!([produce(1000, 12), produce(2000, 12)]);
    let (_, f) = play(v);
    for m in &f.messages {
        let expected = mqlab_kafka::partition_for_key(m.label.as_bytes(), 3);
        assert_eq!(m.partition, format!("orders-{expected}"), "{}", m.label);
    }
    let used: std::collections::BTreeSet<_> =
        f.messages.iter().map(|m| m.partition.clone()).collect();
    assert!(used.len() > 1, "keys spread over partitions");
    // Within a partition, offsets follow the order of sending; across partitions no order exists.
    for p in &used {
        let offsets: Vec<u64> = f
            .messages
            .iter()
            .filter(|m| &m.partition == p)
            .map(|m| m.acked_offset.unwrap())
            .collect();
        assert!(offsets.windows(2).all(|w| w[0] < w[1]), "{p}: {offsets:?}");
    }
}

#[test]
fn k22_the_idempotent_producer_does_not_append_the_retried_batch_again() {
    let mut v = stalled_followers_doc(true);
    v["producers"][0]["enable_idempotence"] = json!(true);
    let (_, f) = play(v.clone());
    let m = message(&f, "m-1");
    assert!(
        m.acked && m.attempts >= 2,
        "retried after NotEnoughReplicasAfterAppend"
    );
    assert_eq!(
        f.ledger.duplicated, 0,
        "the broker recognised the retry by its sequence number"
    );
    assert_eq!(
        m.acked_offset,
        Some(0),
        "and answered with the original offset"
    );
    assert!(trace(v)
        .iter()
        .any(|(_, _, t)| t.contains("recognised m-1 as a retry")));
}

#[test]
fn k22_idempotence_is_on_by_default_only_when_acks_retries_and_in_flight_allow_it() {
    let producer = |acks: &str, idempotence: Option<bool>| {
        let mut v = base();
        v["producers"][0]["acks"] = json!(acks);
        if let Some(on) = idempotence {
            v["producers"][0]["enable_idempotence"] = json!(on);
        }
        v
    };
    let detail = |v| {
        load(v)
            .frame()
            .nodes
            .iter()
            .find(|n| n.id == 100)
            .unwrap()
            .detail
            .clone()
    };
    assert!(detail(producer("all", None)).contains("idempotent"));
    assert!(
        !detail(producer("1", None)).contains("idempotent"),
        "silently off when acks conflict"
    );
    let err = mqlab_scenario::Player::load(
        mqlab_scenario::ScenarioDoc::from_value(&producer("1", Some(true))).unwrap(),
    )
    .unwrap_err();
    assert_eq!(err.field, "producers[0].enable_idempotence");
}

#[test]
fn k22_after_an_unclean_election_the_idempotent_producer_bumps_its_epoch_and_the_loss_is_silent() {
    // The new leader holds the producer's sequences 0–1 but not 2–4: the next batch (5) does
    // not follow on, the broker answers OutOfOrderSequence, and since Kafka 2.5 (KIP-360) the
    // producer bumps its epoch, numbers the partition from 0 again and retries. The
    // application is told nothing: m-3..m-5 are gone without a single error.
    let mut v = all_isr_dead(true);
    v["producers"][0]["enable_idempotence"] = json!(true);
    let (_, f) = play(v.clone());
    let m = message(&f, "m-6");
    assert_eq!(m.fate, Fate::Visible);
    assert!(m.acked);
    assert_eq!(labels(&f, Fate::Lost), vec!["m-3", "m-4", "m-5"]);
    assert!(
        f.messages.iter().all(|m| m.fate != Fate::Failed),
        "no error reaches the application"
    );
    assert!(trace(v)
        .iter()
        .any(|(_, _, t)| t.contains("bumps its producer epoch to 1")));
}

#[test]
fn k15_a_returning_leader_truncates_to_the_new_leaders_epoch_end() {
    let trace = trace(example("kafka-acks1-leader-dies"));
    let truncation = trace
        .iter()
        .find(|(_, _, t)| t.contains("broker-1 truncated orders-0"))
        .expect("broker-1 truncates");
    assert!(truncation.2.contains("to offset 3"), "{}", truncation.2);
    let (_, f) = play(example("kafka-acks1-leader-dies"));
    let p0 = partition(&f, "orders-0");
    let logs: Vec<Vec<&str>> = p0
        .replicas
        .iter()
        .map(|r| r.cells.iter().map(|c| c.label.as_str()).collect())
        .collect();
    assert!(
        logs.windows(2).all(|w| w[0] == w[1]),
        "replicas converge on the leader's log: {logs:?}"
    );
}

#[test]
fn k15_a_replica_two_epochs_behind_truncates_to_its_own_end_of_the_leaders_epoch() {
    // broker-3 holds epoch-0 offsets 4–5 (m-5, m-6) that broker-2 lacks; broker-2 leads
    // epoch 1 and appends m-7 at offset 4 (acks=1, its link to broker-3 cut); broker-2 dies;
    // broker-3 leads epoch 2. broker-2 returns with last epoch 1: the leader has no epoch 1
    // and answers (epoch 0, ends at 6); broker-2's own epoch 0 ends at 4, so it truncates to
    // 4 (dropping m-7) and copies m-5, m-6. Two replicas never hold different records at one
    // offset once they agree again.
    let mut v = base();
    v["duration_ms"] = json!(45000);
    v["kafka"]["topics"][0]["min_insync_replicas"] = json!(1);
    v["producers"][0]["acks"] = json!("1");
    let cut = |at: u64, a: &str, b: &str| json!({ "at_ms": at, "do": "cut_link", "a": a, "b": b });
    v["script"] = json!([
        produce(1000, 4),
        cut(3000, "broker-1", "broker-2"),
        produce(4000, 2),
        fault(5000, "crash", "broker-1"),
        cut(6000, "broker-2", "broker-3"),
        produce(16000, 1),
        fault(17000, "crash", "broker-2"),
        { "at_ms": 30000, "do": "heal_all" },
        fault(30000, "restart", "broker-2"),
        fault(32000, "restart", "broker-1")
    ]);
    let trace = trace(v.clone());
    let truncation = trace
        .iter()
        .find(|(_, _, t)| t.contains("broker-2 truncated orders-0"))
        .expect("broker-2 truncates");
    assert!(truncation.2.contains("to offset 4"), "{}", truncation.2);
    assert!(truncation.2.contains("m-7"), "{}", truncation.2);
    let (_, f) = play(v);
    let p0 = partition(&f, "orders-0");
    assert_eq!(p0.leader, Some(3));
    let want: Vec<&str> = vec!["m-1", "m-2", "m-3", "m-4", "m-5", "m-6"];
    for r in &p0.replicas {
        let log: Vec<&str> = r.cells.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(log, want, "broker-{}", r.broker);
    }
    assert_eq!(p0.isr.len(), 3, "every replica is back in sync");
    assert_eq!(
        labels(&f, Fate::Lost),
        vec!["m-7"],
        "acks=1 on the zombie epoch"
    );
}

fn all_isr_dead(unclean: bool) -> serde_json::Value {
    let mut v = base();
    v["duration_ms"] = json!(60000);
    v["kafka"] = json!({ "brokers": 2, "topics": [{ "name": "orders", "partitions": 1, "replication_factor": 2, "min_insync_replicas": 1, "unclean_leader_election": unclean }] });
    v["producers"][0]["request_timeout_ms"] = json!(5000);
    v["producers"][0]["delivery_timeout_ms"] = json!(10000);
    v["producers"][0]["enable_idempotence"] = json!(false);
    v["script"] = json!([
        produce(500, 2),
        fault(1000, "crash", "broker-2"),
        produce(12000, 3),
        fault(13000, "crash", "broker-1"),
        fault(25000, "restart", "broker-2"),
        produce(36000, 1),
        fault(50000, "restart", "broker-1")
    ]);
    v
}

fn k17_offline_until_the_last_isr_member_returns(elr: bool) -> mqlab_scenario::Frame {
    let mut v = all_isr_dead(false);
    v["kafka"]["eligible_leader_replicas"] = json!(elr);
    let mut p = load(v);
    let f = at_time(&mut p, 30000);
    let p0 = partition(&f, "orders-0");
    assert_eq!(
        p0.leader, None,
        "offline: broker-2 is alive but not in the ISR"
    );
    assert_eq!(labels(&f, Fate::Unavailable).len(), 5);
    let end = at_time(&mut p, 60000);
    assert_eq!(partition(&end, "orders-0").leader, Some(1));
    assert_eq!(
        message(&end, "m-6").fate,
        Fate::Failed,
        "produce while offline times out"
    );
    assert_eq!(
        labels(&end, Fate::Lost).len(),
        0,
        "the ISR member came back: no loss"
    );
    assert_eq!(labels(&end, Fate::Visible).len(), 5);
    f
}

#[test]
fn k17_all_isr_dead_without_unclean_election_the_partition_is_offline_until_it_returns() {
    // Kafka 4.0 (ELR off): the ISR keeps its last member.
    let f = k17_offline_until_the_last_isr_member_returns(false);
    let p0 = partition(&f, "orders-0");
    assert_eq!(p0.isr, vec![1], "KRaft keeps the last ISR member");
    assert!(p0.elr.is_empty());
}

#[test]
fn k17_with_elr_the_isr_empties_and_the_last_member_waits_in_the_elr() {
    // Kafka 4.1 (ELR on by default): the fenced last member leaves the ISR for the ELR; when
    // it comes back after kill -9 (an unclean shutdown) it leaves the ELR too and is elected
    // as the last known leader. Same outcome, different bookkeeping.
    let f = k17_offline_until_the_last_isr_member_returns(true);
    let p0 = partition(&f, "orders-0");
    assert!(p0.isr.is_empty(), "{:?}", p0.isr);
    assert_eq!(p0.elr, vec![1]);
    assert!(trace(all_isr_dead(false))
        .iter()
        .any(|(_, _, t)| t.contains("as its last known leader")));
}

#[test]
fn k18_unclean_election_elects_an_out_of_sync_replica_and_loses_committed_records() {
    let mut p = load(all_isr_dead(true));
    let f = at_time(&mut p, 30000);
    let p0 = partition(&f, "orders-0");
    assert_eq!(p0.leader, Some(2));
    assert_eq!(p0.isr, vec![2]);
    let f = at_time(&mut p, 60000);
    assert_eq!(
        labels(&f, Fate::Lost),
        vec!["m-3", "m-4", "m-5"],
        "committed while broker-2 was away"
    );
    assert_eq!(
        message(&f, "m-6").fate,
        Fate::Visible,
        "the partition takes writes again"
    );
    let p0 = partition(&f, "orders-0");
    let b1 = p0.replicas.iter().find(|r| r.broker == 1).unwrap();
    assert!(
        b1.cells.iter().all(|c| c.label != "m-3"),
        "broker-1 truncated to the unclean leader's log"
    );
}

#[test]
fn k18_a_reader_past_the_unclean_leaders_log_end_gets_offset_out_of_range_and_resets() {
    let trace = trace(all_isr_dead(true));
    let reset = trace
        .iter()
        .find(|(_, _, t)| t.contains("OffsetOutOfRange on orders-0"))
        .expect("the reader's position is past the new log end");
    assert!(reset.2.contains("auto.offset.reset=latest"), "{}", reset.2);
}

#[test]
fn k05_a_clean_shutdown_flushes_its_logs_so_a_later_power_loss_takes_nothing() {
    let run = |first: &str| {
        let mut v = base();
        v["duration_ms"] = json!(20000);
        v["script"] = json!([
            produce(1000, 5),
            fault(3000, first, "broker-1"),
            { "at_ms": 4000, "do": "power_loss", "node": "broker-1", "unflushed": 5 },
        ]);
        let (_, f) = play(v);
        let p0 = partition(&f, "orders-0");
        let b1 = p0.replicas.iter().find(|r| r.broker == 1).unwrap();
        (b1.log_end_offset, f.ledger.lost)
    };
    assert_eq!(run("stop"), (5, 0), "flushed at the clean shutdown");
    assert_eq!(
        run("crash"),
        (0, 0),
        "after kill -9 the page cache still held them; the other replicas keep them"
    );
}

/// An idempotent producer whose first batch (a-1) is lost on the way (the link to the leader
/// is cut for an instant) while the second (b-1) gets through: the broker answers b-1
/// OutOfOrderSequence until a-1 lands, and a-1 is only sent again after its request times out.
fn batch_behind_a_timed_out_one() -> serde_json::Value {
    let mut v = base();
    v["network"] = json!({ "latency_ms": 1, "jitter_ms": 0 });
    v["producers"][0]["enable_idempotence"] = json!(true);
    v["producers"][0]["retries"] = json!(3);
    v["producers"][0]["request_timeout_ms"] = json!(5000);
    v["script"] = json!([
        { "at_ms": 999, "do": "cut_link", "a": "app", "b": "broker-1" },
        { "at_ms": 1000, "do": "produce", "producer": "app", "topic": "orders", "count": 1, "key": "a" },
        { "at_ms": 1003, "do": "heal_link", "a": "app", "b": "broker-1" },
        { "at_ms": 1004, "do": "produce", "producer": "app", "topic": "orders", "count": 1, "key": "b" }
    ]);
    v
}

#[test]
fn k22_a_batch_behind_a_timed_out_one_is_held_and_then_written_in_order() {
    // The Java client drains a batch that is being retried only when it is the partition's
    // first unresolved sequence (RecordAccumulator.shouldStopDrainBatchesForPartition), so b-1
    // does not spend its retries on OutOfOrderSequence while a-1 is unresolved.
    let (_, f) = play(batch_behind_a_timed_out_one());
    let b = message(&f, "b-1");
    assert!(b.acked, "b-1 is written, not failed: {:?}", b.last_error);
    assert_eq!(offsets(&f), (0, 1), "a-1 then b-1, in order");
    assert_eq!(f.ledger.failed, 0);
    assert_eq!(f.ledger.duplicated, 0);
    assert_eq!(f.ledger.out_of_order, 0);
    assert!(
        b.attempts <= 3,
        "b-1 waited instead of retrying: {} attempts",
        b.attempts
    );
}

/// The first simulated time (to the step) at which `label`'s fate is `fate`.
fn first_time_with_fate(p: &mut Player, label: &str, fate: Fate) -> Option<u64> {
    (0..=p.total_steps()).find_map(|step| {
        p.apply(mqlab_scenario::Command::Seek(step)).unwrap();
        let f = p.frame();
        let now = f
            .messages
            .iter()
            .any(|m| m.label == label && m.fate == fate);
        now.then(|| p.step_time_ms(step))
    })
}

/// A produce whose every attempt stalls in the leader's purgatory (both followers cut off),
/// with the delivery deadline falling while a retry is in flight.
fn stalled_in_flight(request_timeout_ms: u64, delivery_timeout_ms: u64) -> serde_json::Value {
    let mut v = base();
    v["duration_ms"] = json!(80000);
    v["producers"][0]["request_timeout_ms"] = json!(request_timeout_ms);
    v["producers"][0]["delivery_timeout_ms"] = json!(delivery_timeout_ms);
    v["script"] = json!([
        { "at_ms": 500, "do": "cut_link", "a": "broker-1", "b": "broker-2" },
        { "at_ms": 500, "do": "cut_link", "a": "broker-1", "b": "broker-3" },
        produce(1000, 1)
    ]);
    v
}

#[test]
fn k14b_the_failure_is_reported_when_delivery_timeout_ms_has_passed_even_with_a_request_in_flight()
{
    // KIP-91: the Sender expires in-flight batches too (getExpiredInflightBatches) and wakes
    // at the next batch's expiry, so the application hears at delivery.timeout.ms, not at
    // the end of whatever request was outstanding.
    let mut p = load(stalled_in_flight(20000, 30000));
    let failed_at = first_time_with_fate(&mut p, "m-1", Fate::Failed).expect("m-1 fails");
    assert_eq!(failed_at, 1000 + 30000, "failed at the delivery deadline");
    let end = p.frame();
    assert_eq!(
        message(&end, "m-1").last_error.as_deref(),
        Some("DeliveryTimeout")
    );
    // A batch is expired by its own deadline only: on a healthy cluster, one sent at t=0 is
    // still in flight when the next is produced, and both are acknowledged.
    let mut v = base();
    v["script"] = json!([produce(0, 1), produce(100, 1)]);
    let (_, f) = play(v);
    assert_eq!(labels(&f, Fate::Visible), vec!["m-1", "m-2"]);
}
