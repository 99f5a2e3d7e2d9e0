//! FIDELITY.md K25–K33: consumer groups, committed offsets, commit modes and the downstream
//! stores, asserted on the ledger, the stores and the groups' committed offsets.
//! Facts whose outcome the lessons' condition language can state (ledger counters, leaders,
//! node and queue status, store rows, assignments) are data files in `tests/facts/`, run by
//! `tests/facts.rs`; the tests here check what a file cannot say: exact record lists, ISR and
//! log contents, error texts and happenings, offsets, timing ratios, model internals.

mod play;

use mqlab_kafka::Tp;
use mqlab_scenario::frame::{ConsumerActivity, Frame};
use mqlab_scenario::{Command, Player};
use play::*;
use serde_json::{json, Value};

fn partitions(v: &mut Value, n: u32) {
    v["kafka"]["topics"][0]["partitions"] = json!(n);
}

/// Produce `count` messages to every partition in turn (keys hash anywhere; pin them).
fn produce_to(at_ms: u64, count: u32, partition: u32) -> Value {
    json!({ "at_ms": at_ms, "do": "produce", "producer": "app", "topic": "orders", "count": count, "key": format!("p{partition}"), "partition": partition })
}

fn assigned(f: &Frame, name: &str) -> Vec<String> {
    consumer(f, name).assigned.clone()
}

/// 20 messages at 1 s. The group forms after `group.initial.rebalance.delay.ms` (3 s); c1
/// polls 10 records, processes them at 100 ms each from about 3.01 s, and is killed at
/// 3.85 s, in the middle of its first batch (8 processed), then restarted at 5 s.
fn kill_mid_batch(commit: &str, store_kind: &str) -> Value {
    let mut v = with_consumers(1, commit, store_kind);
    v["script"] = json!([
        produce(1000, 20),
        fault(3850, "crash", "c1"),
        fault(5000, "restart", "c1")
    ]);
    v
}

/// "m-41", "m-42", … for the given numbers.
fn numbered(prefix: &str, range: std::ops::RangeInclusive<u32>) -> Vec<String> {
    range.map(|n| format!("{prefix}-{n}")).collect()
}

/// The labels of the messages with more than one row in their store: processed twice.
fn processed_twice(f: &Frame) -> Vec<String> {
    f.messages
        .iter()
        .filter(|m| m.store_rows > 1)
        .map(|m| m.label.clone())
        .collect()
}

/// The group's committed offset of `orders-<partition>` in the model at the player's position.
fn committed_in_model(p: &Player, group: &str, partition: u32) -> Option<u64> {
    let world = p.kafka_world().expect("a Kafka scenario");
    world.model().committed(
        group,
        Tp {
            topic: 0,
            partition,
        },
    )
}

/// Every value the group's committed offset of `orders-0` takes over the whole trace, in order
/// (each change once).
fn committed_history(v: Value) -> Vec<u64> {
    let mut p = load(v);
    let mut history = Vec::new();
    while p.position() < p.total_steps() {
        p.apply(Command::Forward).unwrap();
        if let Some(offset) = committed_in_model(&p, "billing", 0) {
            if history.last() != Some(&offset) {
                history.push(offset);
            }
        }
    }
    history
}

/// How many happenings of the whole trace contain `needle`, and the time of the first.
fn count(trace: &[(u64, u64, String)], needle: &str) -> (usize, Option<u64>) {
    let hits: Vec<u64> = trace
        .iter()
        .filter(|(_, _, l)| l.contains(needle))
        .map(|&(_, t, _)| t)
        .collect();
    (hits.len(), hits.first().copied())
}

#[test]
fn k25_every_group_receives_every_record_and_reading_deletes_nothing() {
    let mut v = with_consumers(1, "sync_after_process", "plain_insert");
    v["stores"] = json!([{ "name": "orders", "kind": "plain_insert" }, { "name": "audit", "kind": "plain_insert" }]);
    v["consumers"].as_array_mut().unwrap().push(json!({ "name": "auditor", "group": "audit", "topic": "orders", "store": "audit", "auto_offset_reset": "earliest", "processing_ms": 10 }));
    v["script"] = json!([produce(1000, 15)]);
    let (_, f) = play(v);
    assert_eq!(store(&f, "orders").rows.len(), 15);
    assert_eq!(store(&f, "audit").rows.len(), 15);
    let log = &partition(&f, "orders-0").replicas[0];
    assert_eq!(log.cells.len(), 15, "consumed records stay in the log");
    assert_eq!(committed(&f, "billing", "orders-0"), Some(15));
    assert_eq!(committed(&f, "audit", "orders-0"), Some(15));
}

#[test]
fn k26_range_gives_the_first_consumer_the_extra_partition() {
    let mut v = with_consumers(2, "sync_after_process", "plain_insert");
    partitions(&mut v, 3);
    let (_, f) = play(v);
    assert_eq!(assigned(&f, "c1"), vec!["orders-0", "orders-1"]);
    assert_eq!(assigned(&f, "c2"), vec!["orders-2"]);
}

#[test]
fn k26_round_robin_deals_the_partitions_in_turn() {
    let mut v = with_consumers(2, "sync_after_process", "plain_insert");
    partitions(&mut v, 3);
    for c in 0..2 {
        v["consumers"][c]["assignor"] = json!("round_robin");
    }
    let (_, f) = play(v);
    assert_eq!(assigned(&f, "c1"), vec!["orders-0", "orders-2"]);
    assert_eq!(assigned(&f, "c2"), vec!["orders-1"]);
}

#[test]
fn k27_a_joining_member_triggers_a_rebalance() {
    let mut v = with_consumers(2, "sync_after_process", "plain_insert");
    partitions(&mut v, 2);
    v["consumers"][1]["join_at_ms"] = json!(5000);
    let mut p = load(v);
    let before = at_time(&mut p, 4000);
    assert_eq!(assigned(&before, "c1"), vec!["orders-0", "orders-1"]);
    assert_eq!(before.groups[0].generation, 1);
    let after = at_time(&mut p, 8000);
    assert_eq!(assigned(&after, "c1"), vec!["orders-0"]);
    assert_eq!(assigned(&after, "c2"), vec!["orders-1"]);
    assert_eq!(after.groups[0].generation, 2);
}

#[test]
fn k27_max_poll_interval_overrun_leaves_the_group_and_the_commit_fails() {
    let mut v = with_consumers(2, "sync_after_process", "plain_insert");
    partitions(&mut v, 2);
    // c1 takes 1 s per record, 10 records per poll: 10 s between polls, over a 5 s limit.
    v["consumers"][0]["processing_ms"] = json!(1000);
    v["consumers"][0]["max_poll_interval_ms"] = json!(5000);
    v["consumers"][1]["max_poll_interval_ms"] = json!(5000);
    v["script"] = json!([produce_to(1000, 10, 0)]);
    v["duration_ms"] = json!(25_000);
    let (_, f) = play(v);
    // c1 processed its whole batch, but its commit failed, so c2 processed it again.
    assert_eq!(f.ledger.redelivered, 10);
    assert_eq!(f.ledger.store_duplicates, 10);
    assert_eq!(
        committed(&f, "billing", "orders-0"),
        Some(10),
        "committed by c2"
    );
}

#[test]
fn k28_the_committed_offset_is_the_next_record_and_a_takeover_resumes_there() {
    let mut v = with_consumers(2, "sync_after_process", "plain_insert");
    partitions(&mut v, 2);
    // c1 owns orders-0: one batch of 10 is processed and committed, the next is cut short.
    v["script"] = json!([produce_to(4000, 20, 0), fault(6500, "crash", "c1")]);
    let mut p = load(v);
    let mid = at_time(&mut p, 6000);
    assert_eq!(
        committed(&mid, "billing", "orders-0"),
        Some(10),
        "last processed 9, next 10"
    );
    let (_, f) = {
        p.apply(mqlab_scenario::Command::End).unwrap();
        ((), p.frame())
    };
    // c2 took over at the committed offset: the first 10 once, the rest at most twice.
    for m in &f.messages {
        let n: u32 = m.label.trim_start_matches("p0-").parse().unwrap();
        let expected = if n <= 10 { 1 } else { m.delivered_to.len() };
        assert_eq!(m.delivered_to.len(), expected, "{}", m.label);
        assert!(m.processed >= 1, "{} processed", m.label);
    }
    assert_eq!(committed(&f, "billing", "orders-0"), Some(20));
}

#[test]
fn k31_auto_commit_redelivers_what_came_after_the_last_commit() {
    let mut v = with_consumers(1, "auto", "plain_insert");
    // 60 records at 4 s. c1 is assigned at ~3 s, so its first auto-commit is due at ~8 s; it
    // polls 10 records a second from 4.5 s, so the poll that auto-commits is the one of
    // ~8.5 s, which returns m-41..m-50. It is killed at 9 s after processing m-41..m-44.
    v["script"] = json!([
        produce(4000, 60),
        fault(9000, "crash", "c1"),
        fault(9500, "restart", "c1")
    ]);
    let mut p = load(v);

    // The first auto-commit to land: the position after the EARLIER polls (m-1..m-40), not
    // after the records the same poll returned, which c1 still holds unprocessed.
    while committed_in_model(&p, "billing", 0).is_none() {
        assert!(p.position() < p.total_steps(), "no auto-commit landed");
        p.apply(Command::Forward).unwrap();
    }
    let f = p.frame();
    assert_eq!(committed_in_model(&p, "billing", 0), Some(40));
    assert_eq!(committed(&f, "billing", "orders-0"), Some(40));
    assert_eq!(consumer(&f, "c1").in_hand, numbered("m", 41..=50));
    for m in &f.messages {
        let offset = m.acked_offset.expect("every record was acknowledged");
        let expected = u32::from(offset < 40);
        assert_eq!(m.processed, expected, "{} at offset {offset}", m.label);
    }

    // Just before the crash: the committed offset then, and what c1 had processed.
    let before = at_time(&mut p, 8999);
    let at_crash = committed_in_model(&p, "billing", 0).expect("committed before the crash");
    assert_eq!(committed(&before, "billing", "orders-0"), Some(at_crash));
    assert_eq!(at_crash, 40);
    let processed: Vec<(u64, String)> = before
        .messages
        .iter()
        .filter(|m| m.processed > 0)
        .map(|m| (m.acked_offset.unwrap(), m.label.clone()))
        .collect();
    assert_eq!(processed.len(), 44, "m-1..m-44 processed before the kill");
    let expected_twice: Vec<String> = processed
        .iter()
        .filter(|(offset, _)| *offset >= at_crash)
        .map(|(_, label)| label.clone())
        .collect();
    assert_eq!(expected_twice, numbered("m", 41..=44));

    // The restarted c1 resumes at the committed offset: exactly the records processed at or
    // after it come twice, none below it, and nothing is lost.
    p.apply(Command::End).unwrap();
    let f = p.frame();
    let twice = processed_twice(&f);
    assert_eq!(twice, expected_twice);
    for m in &f.messages {
        let again = expected_twice.contains(&m.label);
        assert_eq!(m.store_rows, 1 + u32::from(again), "{}", m.label);
        assert_eq!(m.processed, 1 + u32::from(again), "{}", m.label);
    }
    assert_eq!((f.ledger.lost, f.ledger.skipped), (0, 0));
    assert_eq!(f.ledger.store_duplicates, 4);
    let s = store(&f, "orders");
    assert_eq!((s.rows.len(), s.distinct), (64, 60));
    assert_eq!(committed(&f, "billing", "orders-0"), Some(60));
}

#[test]
fn k32_commit_sync_blocks_while_commit_async_goes_on() {
    // The coordinator of "billing" dies just before c1's first commit; the sync consumer
    // waits for a new coordinator, the async one goes on processing.
    let activity = |commit: &str| {
        let mut v = with_consumers(1, commit, "plain_insert");
        v["script"] = json!([produce(4000, 30), fault(4900, "crash", "broker-1")]);
        let mut p = load(v);
        let f = at_time(&mut p, 7000);
        (consumer(&f, "c1").activity, f.groups[0].coordinator)
    };
    let (sync, before) = activity("sync_after_process");
    assert_eq!(before, None, "the coordinator is gone, not yet replaced");
    assert_eq!(sync, ConsumerActivity::Committing);
    let (asynchronous, _) = activity("async_after_process");
    assert_eq!(asynchronous, ConsumerActivity::Processing);
}

fn link(at_ms: u64, what: &str, extra_ms: Option<u64>) -> Value {
    let mut v = json!({ "at_ms": at_ms, "do": what, "a": "c1", "b": "broker-1" });
    if let Some(extra) = extra_ms {
        v["extra_ms"] = json!(extra);
    }
    v
}

#[test]
fn k32_commit_sync_throws_commit_failed_once_the_session_expired_and_the_new_owner_repeats() {
    // c1 owns orders-0 (c2 sits idle) and commits 10 and 20. At 6.6 s its link to broker-1
    // (coordinator and leader) is cut while it processes m-21..m-30; its commitSync(30) is
    // lost, its session expires at ~16 s and c2 takes over from 20. The link heals at 20 s:
    // the next heartbeat tells c1 it is no longer a member, and when the commit's request
    // times out (request.timeout.ms, 30 s) the retry cannot be sent without a generation.
    let mut v = with_consumers(2, "sync_after_process", "plain_insert");
    v["script"] = json!([
        produce(4000, 40),
        link(6600, "cut_link", None),
        link(20_000, "heal_link", None)
    ]);
    v["duration_ms"] = json!(45_000);
    let mut p = load(v.clone());
    let cut = at_time(&mut p, 6600);
    assert_eq!(committed(&cut, "billing", "orders-0"), Some(20));
    assert_eq!(consumer(&cut, "c1").in_hand, numbered("m", 21..=30));

    // Removed from the group and told so, c1 is still blocked in commitSync; c2 has
    // processed m-21..m-40 and committed 40.
    let blocked = at_time(&mut p, 30_000);
    let c1 = consumer(&blocked, "c1");
    assert_eq!(
        (c1.activity, c1.generation),
        (ConsumerActivity::Committing, None)
    );
    assert_eq!(assigned(&blocked, "c2"), vec!["orders-0"]);
    assert_eq!(committed(&blocked, "billing", "orders-0"), Some(40));

    // The application sees the exception: commitSync returns (no longer Committing), c1's
    // next poll() rejoins, and in generation 3 it owns orders-0 again at the committed 40.
    let trace = trace(v);
    let (failures, first) = count(&trace, "c1: commit failed (CommitFailedException)");
    assert_eq!(failures, 1, "one commitSync, one exception");
    let failed_at = first.unwrap();
    assert!(
        (37_500..38_000).contains(&failed_at),
        "after request.timeout.ms: {failed_at}"
    );
    let after = at_time(&mut p, failed_at);
    assert_ne!(
        consumer(&after, "c1").activity,
        ConsumerActivity::Committing
    );
    p.apply(Command::End).unwrap();
    let f = p.frame();
    assert_eq!(f.groups[0].generation, 3);
    assert_eq!(assigned(&f, "c1"), vec!["orders-0"]);
    assert_eq!(consumer(&f, "c1").positions[0].offset, 40);
    assert_eq!(committed(&f, "billing", "orders-0"), Some(40));

    // Exactly the records c1 processed after its last successful commit were processed again,
    // by c2; the rest once; nothing lost.
    let twice = processed_twice(&f);
    assert_eq!(twice, numbered("m", 21..=30));
    for m in &f.messages {
        let n: u32 = m.label.trim_start_matches("m-").parse().unwrap();
        let by: &[&str] = match n {
            1..=20 => &["c1"],
            21..=30 => &["c1", "c2"],
            _ => &["c2"],
        };
        assert_eq!(m.delivered_to, by, "{}", m.label);
        assert_eq!(m.processed as usize, by.len(), "{}", m.label);
    }
    assert_eq!((f.ledger.lost, f.ledger.store_duplicates), (0, 10));
}

#[test]
fn k32_commit_async_commits_land_in_call_order() {
    // From 5 s c1's link to the coordinator is 3 s slow: each commitAsync (one per batch of
    // 10, one a second) is still on the wire when c1 calls the next.
    let mut v = with_consumers(1, "async_after_process", "plain_insert");
    v["script"] = json!([produce(4000, 40), link(5000, "slow_link", Some(3000))]);
    let mut p = load(v.clone());
    while committed_in_model(&p, "billing", 0).is_none() {
        assert!(p.position() < p.total_steps(), "no commit landed");
        p.apply(Command::Forward).unwrap();
    }
    let f = p.frame();
    assert_eq!(
        f.ledger.processed, 40,
        "all four commits called before the first landed"
    );
    assert!(consumer(&f, "c1").in_hand.is_empty());
    assert_eq!(committed_in_model(&p, "billing", 0), Some(10));
    // They land in the order they were called: the committed offset only moves forward.
    assert_eq!(committed_history(v), vec![10, 20, 30, 40]);
}

#[test]
fn k32_a_failed_commit_async_is_not_retried_and_a_later_commit_supersedes_it() {
    // c1 commits 10 and 20; from 6.6 s its link to the coordinator is 12 s slow, so its
    // heartbeats arrive too late and its session expires at ~16 s. Its commitAsync(30) and
    // (40) reach the coordinator after that and are refused (UnknownMemberId). c2 (7 records
    // a poll) took over from 20 and committed 27, 34 and 40.
    let mut v = with_consumers(2, "async_after_process", "plain_insert");
    v["consumers"][1]["max_poll_records"] = json!(7);
    v["script"] = json!([
        produce(4000, 40),
        link(6600, "slow_link", Some(12_000)),
        link(21_000, "heal_link", None)
    ]);
    v["duration_ms"] = json!(45_000);
    // c1's refused 30 never lands, not even later: the offset goes 10, 20, then c2's commits.
    assert_eq!(committed_history(v.clone()), vec![10, 20, 27, 34, 40]);
    let trace = trace(v.clone());
    for offset in [30, 40] {
        let sent = format!("c1 → broker-1: OffsetCommit orders-0@{offset}");
        assert_eq!(count(&trace, &sent).0, 1, "{sent}: sent once, never again");
    }
    assert_eq!(
        count(&trace, "the coordinator of billing refused c1's commit").0,
        2
    );
    assert_eq!(
        count(&trace, "c1: commit failed (CommitFailedException)").0,
        2,
        "the callback hears of both"
    );
    let (_, f) = play(v);
    // c1 processed m-21..m-40 under the refused commits; c2 processed them again.
    let twice = processed_twice(&f);
    assert_eq!(twice, numbered("m", 21..=40));
    assert_eq!(f.ledger.lost, 0);
    assert_eq!(committed(&f, "billing", "orders-0"), Some(40));
    assert_eq!(f.groups[0].generation, 3, "c1 rejoined after the failures");
    assert_eq!(assigned(&f, "c1"), vec!["orders-0"]);
}

#[test]
fn k32_the_commit_on_close_lands_after_an_async_auto_commit_still_in_flight() {
    // c1 auto-commits 40 at ~8.5 s (async, inside poll(), K31) over a link 3 s slow; closed at
    // 9 s, it commits its positions (50) before leaving. The later commit must win: c2 resumes
    // at 50, not at the older 40.
    let mut v = with_consumers(2, "auto", "plain_insert");
    v["script"] = json!([
        produce(4000, 60),
        link(8000, "slow_link", Some(3000)),
        fault(9000, "stop", "c1")
    ]);
    let mut p = load(v.clone());
    let closing = at_time(&mut p, 9000);
    assert_eq!(
        committed(&closing, "billing", "orders-0"),
        None,
        "40 still on the wire"
    );
    assert_eq!(committed_history(v.clone()), vec![40, 50, 60]);
    let (_, f) = play(v);
    let resumed: Vec<&str> = f
        .messages
        .iter()
        .filter(|m| m.delivered_to.contains(&"c2".to_string()))
        .map(|m| m.label.as_str())
        .collect();
    assert_eq!(
        resumed.first(),
        Some(&"m-51"),
        "c2 starts at the newer commit"
    );
    assert_eq!(f.ledger.store_duplicates, 0);
}

#[test]
fn k33_none_fails_the_consumer_that_has_no_committed_offset() {
    // latest and earliest are in tests/facts/k33_*.json.
    let mut v = with_consumers(1, "sync_after_process", "plain_insert");
    v["consumers"][0]["auto_offset_reset"] = json!("none");
    v["consumers"][0]["join_at_ms"] = json!(3000);
    v["script"] = json!([produce(1000, 5), produce(6000, 5)]);
    let (_, f) = play(v);
    assert_eq!(consumer(&f, "c1").activity, ConsumerActivity::Failed);
    assert_eq!(store(&f, "orders").rows.len(), 0);
}

#[test]
fn k27_the_coordinator_keeps_a_killed_member_until_its_session_times_out() {
    use mqlab_scenario::frame::GroupState;
    let mut p = load(kill_mid_batch("sync_after_process", "plain_insert"));
    // c1 died at 3.85 s and restarted at 5 s; its old membership lives on until ~13 s.
    let f = at_time(&mut p, 4500);
    let g = &f.groups[0];
    assert!(g.coordinator.is_some());
    assert_eq!((g.generation, g.state), (1, GroupState::Stable));
    let f = at_time(&mut p, 9000);
    assert_eq!(
        f.groups[0].state,
        GroupState::Rebalancing,
        "c1#2 joined; waits for c1#1"
    );
    let f = at_time(&mut p, 16_000);
    assert_eq!(
        (f.groups[0].generation, f.groups[0].state),
        (2, GroupState::Stable)
    );
}

#[test]
fn k27_a_coordinator_killed_during_the_join_is_looked_up_again_at_once() {
    // kill -9 closes the coordinator's sockets: the JoinGroup in flight fails with the
    // connection, and the consumer finds the new coordinator as soon as there is one, rather
    // than waiting out the rebalance timeout (300 s) on a request nobody will answer.
    let v = with_consumers(1, "sync_after_process", "plain_insert");
    let mut p = load(v.clone());
    let early = at_time(&mut p, 1000);
    let coordinator = early.groups[0].coordinator.expect("a coordinator by 1 s");
    let name = early
        .nodes
        .iter()
        .find(|n| n.id == coordinator)
        .unwrap()
        .name
        .clone();
    let mut v = v;
    v["script"]
        .as_array_mut()
        .unwrap()
        .push(fault(1500, "crash", &name));
    let mut p = load(v);
    let later = at_time(&mut p, 25_000);
    let group = &later.groups[0];
    assert_ne!(group.coordinator, Some(coordinator));
    assert!(group.coordinator.is_some());
    assert_eq!(assigned(&later, "c1"), vec!["orders-0"]);
}

/// Two members c1, c2 subscribed to topics t0 and t1 of three partitions each (FIDELITY
/// K26's example, with c1 and c2 for C0 and C1), with the given assignor.
fn two_topics(assignor: &str) -> mqlab_scenario::Frame {
    let mut v = with_consumers(2, "sync_after_process", "plain_insert");
    v["kafka"]["topics"] = json!([
        { "name": "t0", "partitions": 3, "replication_factor": 3, "min_insync_replicas": 2 },
        { "name": "t1", "partitions": 3, "replication_factor": 3, "min_insync_replicas": 2 }
    ]);
    for c in 0..2 {
        let member = v["consumers"][c].as_object_mut().expect("a consumer");
        member.remove("topic");
        member.insert("topics".into(), json!(["t0", "t1"]));
        member.insert("assignor".into(), json!(assignor));
    }
    play(v).1
}

#[test]
fn k26_range_assigns_each_topic_on_its_own_so_the_first_member_gets_both_extras() {
    let f = two_topics("range");
    assert_eq!(assigned(&f, "c1"), vec!["t0-0", "t0-1", "t1-0", "t1-1"]);
    assert_eq!(assigned(&f, "c2"), vec!["t0-2", "t1-2"]);
}

#[test]
fn k26_round_robin_deals_the_partitions_of_both_topics_in_turn() {
    let f = two_topics("round_robin");
    assert_eq!(assigned(&f, "c1"), vec!["t0-0", "t0-2", "t1-1"]);
    assert_eq!(assigned(&f, "c2"), vec!["t0-1", "t1-0", "t1-2"]);
}
