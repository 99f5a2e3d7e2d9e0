//! FIDELITY.md RabbitMQ facts (R1–R22 as the model covers them), one test or more per fact,
//! named after it, asserting on the ledger, the queues and the stores.
//! Facts whose outcome the lessons' condition language can state (ledger counters, leaders,
//! node and queue status, store rows, assignments) are data files in `tests/facts/`, run by
//! `tests/facts.rs`; the tests here check what a file cannot say: exact record lists, ISR and
//! log contents, error texts and happenings, offsets, timing ratios, model internals.

mod play;

use mqlab_engine::NodeId;
use mqlab_ledger::Outcome;
use mqlab_scenario::frame::{Fate, ReplicaRole, XDeathView};
use mqlab_scenario::Command;
use play::*;
use serde_json::{json, Value};

fn no_consumer(mut v: Value) -> Value {
    v["rabbitmq"]["consumers"] = json!([]);
    v
}

/// The first (step, time) of a trace line containing `needle`.
fn first(trace: &[(u64, u64, String)], needle: &str) -> (u64, u64) {
    trace
        .iter()
        .find(|(_, _, l)| l.contains(needle))
        .map(|&(step, t, _)| (step, t))
        .unwrap_or_else(|| panic!("no {needle:?} in the trace"))
}

const SYNCED: &str = "rabbit-1 wrote";

#[test]
fn r02_a_persistent_message_is_confirmed_after_the_fsync() {
    let mut v = no_consumer(rabbit_base());
    v["rabbitmq"]["fsync_interval_ms"] = json!(1000);
    v["script"] = json!([publish(1500, 1)]);
    // The confirm waits for the disk, and the disk is written as soon as the queue is idle
    // with a confirm owed, not at the next tick of the 1 s timer (2 s).
    let t = trace(v.clone());
    let (synced, synced_at) = first(&t, SYNCED);
    let (enqueued, _) = first(&t, "enqueued order-1");
    let (confirmed, confirmed_at) = first(&t, "order-1 confirmed");
    assert!(enqueued <= synced && synced < confirmed, "{t:#?}");
    assert!(
        synced_at < 1520 && confirmed_at < 1520,
        "{synced_at} {confirmed_at}"
    );
    let mut p = load(v.clone());
    assert!(!message(&at_time(&mut p, synced_at - 1), "order-1").acked);
    assert!(message(&at_time(&mut p, confirmed_at), "order-1").acked);
    // Without confirms nobody waits: the write stays for the timer (R3's window).
    let mut plain = v.clone();
    plain["rabbitmq"]["publishers"][0]["mode"] = json!("plain");
    let (_, synced_at) = first(&trace(plain), SYNCED);
    assert_eq!(synced_at, 2000);
    // A transient message is confirmed as soon as the queue has it.
    v["rabbitmq"]["publishers"][0]["persistent"] = json!(false);
    let mut p = load(v);
    assert!(message(&at_time(&mut p, 1510), "order-1").acked);
}

#[test]
fn r02_an_unroutable_mandatory_message_is_returned_and_confirmed() {
    let mut v = no_consumer(rabbit_base());
    v["rabbitmq"]["publishers"][0]["mandatory"] = json!(true);
    v["script"] = json!([{ "at_ms": 1000, "do": "publish", "publisher": "shop", "count": 1, "key": "order", "routing_key": "nowhere" }]);
    let (_, f) = play(v);
    let m = message(&f, "order-1");
    assert!(m.acked, "unroutable messages are confirmed");
    assert_eq!(m.last_error.as_deref(), Some("basic.return (unroutable)"));
    assert!(m.replicas.is_empty());
}

/// 100 persistent messages published at once, one publisher in `mode` with a confirm
/// window of `window`: confirmed messages per second (O7's measurement).
fn throughput(mode: &str, window: u32) -> u32 {
    let mut v = no_consumer(rabbit_base());
    v["rabbitmq"]["publishers"][0]["mode"] = json!(mode);
    v["rabbitmq"]["publishers"][0]["confirm_window"] = json!(window);
    v["duration_ms"] = json!(120_000);
    v["script"] = json!([publish(1000, 100)]);
    let (_, f) = play(v);
    assert_eq!(f.ledger.acknowledged, 100, "{mode}");
    f.publishers[0].per_second.expect("measured")
}

/// O7 on a real 3.10.8 node: tx.commit per message 1 300–1 450 msg/s, a confirm waited for
/// per message 1 650–1 850, confirms pipelined 15 000–29 000. Transactions and synchronous
/// confirms both cost one round trip and one sync per message: the real ratio is 0.70–0.88,
/// so within a factor of 2 either way. Pipelining shares a sync among many messages: 8–22×
/// as fast as either on the real node; the model must show at least 8×.
#[test]
fn r05_transactions_cost_what_synchronous_confirms_cost_and_pipelining_wins() {
    let transactions = throughput("transaction", 1);
    let synchronous = throughput("confirm", 1);
    let pipelined = throughput("confirm", 100);
    let rates = format!("tx {transactions}/s, sync {synchronous}/s, pipelined {pipelined}/s");
    assert!(
        transactions * 2 >= synchronous && synchronous * 2 >= transactions,
        "{rates}"
    );
    assert!(pipelined >= 8 * transactions.max(synchronous), "{rates}");
    // An idle sync, not the 200 ms timer: one transaction per message is far faster than
    // the 5 per second a timer-only disk would allow.
    assert!(transactions >= 50, "{rates}");
}

/// tx.commit-ok comes only after every message of the transaction is on disk: at every step
/// of the trace, each message the transactional publisher counts as committed is on the
/// queue's node's disk, and the node's sync came before the commit-ok.
#[test]
fn r05_commit_ok_comes_after_the_disk() {
    let mut v = no_consumer(rabbit_base());
    v["rabbitmq"]["publishers"][0]["mode"] = json!("transaction");
    v["rabbitmq"]["fsync_interval_ms"] = json!(1000);
    v["script"] = json!([publish(1000, 5)]);
    let t = trace(v.clone());
    let commits: Vec<(u64, u64)> = t
        .iter()
        .filter(|(_, _, l)| l.contains("shop: tx.commit-ok for"))
        .map(|&(step, time, _)| (step, time))
        .collect();
    assert_eq!(commits.len(), 5);
    for (i, &(commit, commit_at)) in commits.iter().enumerate() {
        let (enqueued, _) = first(&t, &format!("enqueued order-{} ", i + 1));
        assert!(
            t.iter().any(|(step, _, l)| l.contains(SYNCED)
                && *step > enqueued
                && *step < commit),
            "no sync of order-{} between its enqueue (step {enqueued}) and its commit-ok (step {commit})",
            i + 1
        );
        assert!(
            commit_at < 1000 + 100 * (i as u64 + 1),
            "{commit_at}: not the 1 s timer"
        );
    }
    let mut p = load(v);
    let mut checked = 0;
    while p.position() < p.total_steps() {
        p.apply(Command::Forward).unwrap();
        let w = p.rabbit_world().expect("a RabbitMQ world");
        let m = w.model();
        let disk: Vec<_> = m
            .node(NodeId(1))
            .and_then(|n| n.durable.messages.get(&0))
            .map(|d| d.iter().map(|q| q.message).collect())
            .unwrap_or_default();
        for r in m.ledger().records() {
            if matches!(r.outcome, Outcome::Acknowledged { .. }) {
                assert!(
                    disk.contains(&r.id),
                    "{} committed at step {} but not on disk",
                    r.label,
                    p.position()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 0);
}

#[test]
fn r06_a_crash_between_processing_and_ack_duplicates_the_row() {
    let mut v = rabbit_base();
    // order-1 is processed at about 1106 and its ack leaves 1 ms later.
    v["script"] = json!([publish(1000, 3)]);
    let (p, _) = play(v.clone());
    let processed_at = p
        .message_life(0)
        .iter()
        .find(|s| s.happenings.iter().any(|h| h.en.contains("INSERT")))
        .map(|s| s.time_ms)
        .expect("processed");
    v["script"] = json!([
        publish(1000, 3),
        fault(processed_at + 1, "crash", "billing"),
        fault(3000, "restart", "billing")
    ]);
    let (_, f) = play(v);
    assert_eq!(f.ledger.store_duplicates, 1);
    assert_eq!(duplicate_keys(&f, "orders-table"), vec!["order-1"]);
}

#[test]
fn r07_requeued_messages_keep_their_place_in_the_queue() {
    let mut v = rabbit_base();
    v["rabbitmq"]["consumers"][0]["prefetch"] = json!(2);
    v["script"] = json!([publish(1000, 6), fault(1050, "crash", "billing")]);
    let (_, f) = play(v);
    // order-1 and order-2 were in flight; back at the head, before order-3.
    assert_eq!(
        ready(&f, "orders"),
        vec!["order-1", "order-2", "order-3", "order-4", "order-5", "order-6"]
    );
}

#[test]
fn r08_prefetch_caps_the_unacked_deliveries() {
    let mut v = rabbit_base();
    v["rabbitmq"]["consumers"][0]["prefetch"] = json!(2);
    v["script"] = json!([publish(1000, 10)]);
    let mut p = load(v);
    let mut peak = 0;
    for t in (1000..3000).step_by(20) {
        let f = at_time(&mut p, t);
        peak = peak.max(orders_leader(&f).unacked.len());
    }
    assert_eq!(peak, 2);
}

#[test]
fn r09_two_consumers_share_the_queue_round_robin_and_order_breaks() {
    let mut v = rabbit_base();
    v["rabbitmq"]["consumers"] = json!([
        { "name": "billing-a", "nodes": ["rabbit-2"], "queue": "orders", "prefetch": 1 },
        { "name": "billing-b", "nodes": ["rabbit-3"], "queue": "orders", "prefetch": 1, "processing_ms": 30 }
    ]);
    v["script"] = json!([publish(1000, 6)]);
    let (_, f) = play(v);
    let by = |label: &str| message(&f, label).delivered_to.clone();
    assert_eq!(by("order-1"), vec!["billing-a"]);
    assert_eq!(by("order-2"), vec!["billing-b"]);
    // The store's row order is not the publish order: the faster consumer runs ahead.
    let rows: Vec<String> = store(&f, "orders-table")
        .rows
        .iter()
        .map(|r| r.key.clone())
        .collect();
    assert_eq!(rows.len(), 6);
    assert_ne!(
        rows,
        vec!["order-1", "order-2", "order-3", "order-4", "order-5", "order-6"]
    );
}

#[test]
fn r16_the_dead_home_node_cancels_its_consumers_and_nacks_publishes() {
    // Availability and counts are in tests/facts/r16_*.json; the protocol's words are here.
    let mut v = rabbit_base();
    v["rabbitmq"]["publishers"][0]["nodes"] = json!(["rabbit-2"]);
    v["rabbitmq"]["consumers"][0]["nodes"] = json!(["rabbit-3"]);
    v["duration_ms"] = json!(20_000);
    v["script"] = json!([
        publish(1000, 2),
        fault(3000, "crash", "rabbit-1"),
        publish(4000, 2),
        fault(8000, "restart", "rabbit-1"),
        publish(12_000, 2)
    ]);
    let (mut p, f) = play(v);
    let down = at_time(&mut p, 5000);
    assert!(queue(&down, "orders").consumers.is_empty(), "basic.cancel");
    for label in ["order-3", "order-4"] {
        let m = message(&f, label);
        assert_eq!(m.fate, Fate::Failed, "{label}");
        assert_eq!(m.last_error.as_deref(), Some("basic.nack"));
    }
}

/// `rabbit_base` with a mirroring policy on "orders".
fn mirrored(policy: Value) -> Value {
    let mut v = rabbit_base();
    let mut p = json!({ "name": "ha", "pattern": "^orders$" });
    for (k, val) in policy.as_object().unwrap() {
        p[k] = val.clone();
    }
    v["rabbitmq"]["policies"] = json!([p]);
    // Classic mirroring exists only in RabbitMQ 3.x.
    v["rabbitmq"]["version"] = json!("3.13");
    v
}

/// The replica of "orders" in the leader role.
fn orders_leader(f: &mqlab_scenario::Frame) -> &mqlab_scenario::frame::QueueReplicaView {
    queue(f, "orders")
        .replicas
        .iter()
        .find(|r| r.role == ReplicaRole::Leader)
        .expect("orders has a leader replica")
}

fn replica(
    f: &mqlab_scenario::Frame,
    node: u32,
) -> Option<mqlab_scenario::frame::QueueReplicaView> {
    queue(f, "orders")
        .replicas
        .iter()
        .find(|r| r.node == node)
        .cloned()
}

#[test]
fn r18_exactly_two_replaces_a_lost_mirror_with_an_empty_one_on_a_spare_node() {
    let mut v = no_consumer(mirrored(json!({ "ha_mode": "exactly", "ha_params": 2 })));
    v["script"] = json!([publish(1000, 3), fault(2000, "crash", "rabbit-2")]);
    let mut p = load(v);
    let before = at_time(&mut p, 1900);
    assert_eq!(
        replica(&before, 2).unwrap().ready.len(),
        3,
        "the mirror has them"
    );
    assert!(
        replica(&before, 3).is_none(),
        "exactly 2: nothing on rabbit-3"
    );
    p.apply(mqlab_scenario::Command::End).unwrap();
    let after = p.frame();
    let spare = replica(&after, 3).expect("a new mirror on the spare node");
    assert_eq!(spare.role, ReplicaRole::Mirror);
    assert!(
        spare.ready.is_empty() && !spare.synced,
        "new mirrors start empty"
    );
}

#[test]
fn r22_a_restarted_mirror_rejoins_empty() {
    let mut v = no_consumer(mirrored(json!({ "ha_mode": "all" })));
    v["script"] = json!([
        publish(1000, 5),
        fault(2000, "crash", "rabbit-2"),
        fault(3000, "restart", "rabbit-2")
    ]);
    let (_, f) = play(v);
    let back = replica(&f, 2).expect("a mirror again");
    assert_eq!(back.role, ReplicaRole::Mirror);
    assert!(back.ready.is_empty(), "its old contents were discarded");
    assert!(!back.synced);
    assert_eq!(
        replica(&f, 3).unwrap().ready.len(),
        5,
        "the other mirror kept its copy"
    );
}

/// `rabbit_base` with "orders" as a quorum queue of three members on rabbit-1..3.
fn quorum() -> Value {
    let mut v = rabbit_base();
    v["rabbitmq"]["queues"][0]["type"] = json!("quorum");
    v
}

/// `rabbit_base` with a fanout exchange "dlx" bound to a queue "dead" (on rabbit-1), and
/// "orders" dead-lettering to it.
fn with_dead_letters(mut v: Value) -> Value {
    v["rabbitmq"]["exchanges"] = json!([{ "name": "dlx", "type": "fanout" }]);
    v["rabbitmq"]["queues"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "name": "dead", "node": "rabbit-1" }));
    v["rabbitmq"]["bindings"] = json!([{ "exchange": "dlx", "queue": "dead" }]);
    v["rabbitmq"]["queues"][0]["dead_letter_exchange"] = json!("dlx");
    v
}

#[test]
fn r07_a_reject_with_requeue_brings_the_message_back_redelivered() {
    let mut v = rabbit_base();
    v["rabbitmq"]["consumers"][0]["poison"] = json!(["order-2"]);
    v["duration_ms"] = json!(3000);
    v["script"] = json!([publish(1000, 3)]);
    let (_, f) = play(v);
    let poison = message(&f, "order-2");
    assert!(
        poison.delivered_to.len() > 3,
        "rejected and redelivered again and again"
    );
    assert_eq!(poison.processed, 0);
    assert_eq!(f.ledger.processed, 2);
}

/// The `x-death` of a ready message on a queue's leader: (queue, reason, count, exchange,
/// routing keys), most recent first.
fn x_death(f: &mqlab_scenario::Frame, queue_name: &str, label: &str) -> Vec<XDeathView> {
    let q = queue(f, queue_name);
    q.replicas
        .iter()
        .find(|r| Some(r.node) == q.leader)
        .and_then(|r| r.ready.iter().find(|m| m.label == label))
        .unwrap_or_else(|| panic!("{label} not ready on {queue_name}"))
        .x_death
        .clone()
}

fn death(x: &XDeathView) -> (&str, &str, u32, &str, Vec<&str>) {
    (
        x.queue.as_str(),
        x.reason.as_str(),
        x.count,
        x.exchange.as_str(),
        x.routing_keys.iter().map(String::as_str).collect(),
    )
}

/// Orders published to a direct exchange "in" with routing key "shop.order"; "orders"
/// dead-letters to a direct exchange "dlx" that binds "dead" to "shop.order" (the original
/// key), "by-name" to "orders" (the queue's name) and "parked" to "parked".
fn routed_dead_letters(mut v: Value) -> Value {
    v["rabbitmq"]["exchanges"] = json!([
        { "name": "in", "type": "direct" },
        { "name": "dlx", "type": "direct" }
    ]);
    let queues = v["rabbitmq"]["queues"].as_array_mut().unwrap();
    for name in ["dead", "by-name", "parked"] {
        queues.push(json!({ "name": name, "node": "rabbit-1" }));
    }
    v["rabbitmq"]["bindings"] = json!([
        { "exchange": "in", "queue": "orders", "routing_key": "shop.order" },
        { "exchange": "dlx", "queue": "dead", "routing_key": "shop.order" },
        { "exchange": "dlx", "queue": "by-name", "routing_key": "orders" },
        { "exchange": "dlx", "queue": "parked", "routing_key": "parked" }
    ]);
    v["rabbitmq"]["publishers"][0]["exchange"] = json!("in");
    v["rabbitmq"]["queues"][0]["dead_letter_exchange"] = json!("dlx");
    let mut p = publish(1000, 1);
    p["routing_key"] = json!("shop.order");
    v["script"] = json!([p]);
    v
}

#[test]
fn r12_a_rejected_message_carries_x_death_with_queue_reason_count_exchange_and_keys() {
    let mut v = routed_dead_letters(rabbit_base());
    v["rabbitmq"]["consumers"][0]["poison"] = json!(["order-1"]);
    v["rabbitmq"]["consumers"][0]["reject_requeue"] = json!(false);
    let (_, f) = play(v);
    let x = x_death(&f, "dead", "order-1");
    assert_eq!(x.len(), 1);
    assert_eq!(
        death(&x[0]),
        ("orders", "rejected", 1, "in", vec!["shop.order"]),
        "the queue it died in, why, how often, and the exchange and keys it was published with"
    );
}

#[test]
fn r12_an_expired_message_carries_x_death_reason_expired() {
    let mut v = no_consumer(routed_dead_letters(rabbit_base()));
    v["rabbitmq"]["queues"][0]["message_ttl_ms"] = json!(500);
    let (_, f) = play(v);
    let x = x_death(&f, "dead", "order-1");
    assert_eq!(
        x.iter().map(death).collect::<Vec<_>>(),
        vec![("orders", "expired", 1, "in", vec!["shop.order"])]
    );
}

#[test]
fn r12_a_message_dropped_by_max_length_carries_x_death_reason_maxlen() {
    let mut v = no_consumer(with_dead_letters(rabbit_base()));
    v["rabbitmq"]["queues"][0]["max_length"] = json!(2);
    v["script"] = json!([publish(1000, 3)]);
    let (_, f) = play(v);
    assert_eq!(ready(&f, "dead"), vec!["order-1"]);
    let x = x_death(&f, "dead", "order-1");
    assert_eq!(
        x.iter().map(death).collect::<Vec<_>>(),
        vec![("orders", "maxlen", 1, "", vec!["orders"])],
        "published to the default exchange with the queue's name as key"
    );
}

#[test]
fn r12_dead_letters_keep_their_original_routing_key_unless_the_queue_sets_one() {
    let mut v = no_consumer(routed_dead_letters(rabbit_base()));
    v["rabbitmq"]["queues"][0]["message_ttl_ms"] = json!(500);
    let (_, f) = play(v.clone());
    assert_eq!(ready(&f, "dead"), vec!["order-1"], "routed by shop.order");
    assert!(ready(&f, "by-name").is_empty(), "not by the queue's name");
    assert!(ready(&f, "parked").is_empty());
    v["rabbitmq"]["queues"][0]["dead_letter_routing_key"] = json!("parked");
    let (_, f) = play(v);
    assert_eq!(ready(&f, "parked"), vec!["order-1"]);
    assert!(ready(&f, "dead").is_empty());
    // x-death keeps the keys it was published with; the new key is the message's own now.
    assert_eq!(
        death(&x_death(&f, "parked", "order-1")[0]),
        ("orders", "expired", 1, "in", vec!["shop.order"])
    );
}

/// "orders" (TTL 300 ms) dead-letters to "retry" (TTL 300 ms) through the fanout "dlx";
/// "retry" dead-letters back to "orders" through the fanout "back".
fn ttl_cycle(mut v: Value) -> Value {
    v["rabbitmq"]["exchanges"] = json!([
        { "name": "dlx", "type": "fanout" },
        { "name": "back", "type": "fanout" }
    ]);
    v["rabbitmq"]["queues"].as_array_mut().unwrap().push(
        json!({ "name": "retry", "node": "rabbit-1", "message_ttl_ms": 300,
                      "dead_letter_exchange": "back" }),
    );
    v["rabbitmq"]["bindings"] = json!([
        { "exchange": "dlx", "queue": "retry" },
        { "exchange": "back", "queue": "orders" }
    ]);
    v["rabbitmq"]["queues"][0]["dead_letter_exchange"] = json!("dlx");
    v["rabbitmq"]["queues"][0]["message_ttl_ms"] = json!(300);
    v["duration_ms"] = json!(5000);
    v["script"] = json!([publish(1000, 1)]);
    v
}

#[test]
fn r12_a_ttl_cycle_with_no_rejection_is_dropped_not_looped_for_ever() {
    let v = no_consumer(ttl_cycle(rabbit_base()));
    let lines = trace(v.clone());
    let expired = lines
        .iter()
        .filter(|(_, _, l)| l.contains("order-1 left"))
        .count();
    assert_eq!(
        expired, 2,
        "it expires in orders, then in retry; back to orders would close a cycle: dropped"
    );
    assert!(lines
        .iter()
        .any(|(_, _, l)| l.contains("dead-letter cycle")));
    let (_, f) = play(v);
    assert!(ready(&f, "orders").is_empty());
    assert!(ready(&f, "retry").is_empty());
    assert_eq!(message(&f, "order-1").fate, Fate::Lost);
}

#[test]
fn r12_a_rejection_in_the_cycle_lets_the_message_go_round_again() {
    // The consumer rejects order-1 from "orders" (requeue=false): to "retry", which expires
    // it back to "orders". The x-death then holds a rejection, so "orders" takes it again.
    let mut v = ttl_cycle(rabbit_base());
    v["rabbitmq"]["queues"][0]
        .as_object_mut()
        .unwrap()
        .remove("message_ttl_ms");
    v["rabbitmq"]["consumers"][0]["poison"] = json!(["order-1"]);
    v["rabbitmq"]["consumers"][0]["reject_requeue"] = json!(false);
    v["duration_ms"] = json!(1700);
    let (_, f) = play(v);
    assert!(
        message(&f, "order-1").delivered_to.len() >= 2,
        "delivered again after the round trip"
    );
}

#[test]
fn r14_a_quorum_message_over_the_delivery_limit_is_dead_lettered_with_reason_delivery_limit() {
    let mut v = with_dead_letters(quorum());
    v["rabbitmq"]["queues"][0]["delivery_limit"] = json!(3);
    v["rabbitmq"]["consumers"][0]["poison"] = json!(["order-1"]);
    v["script"] = json!([publish(1000, 2)]);
    let (_, f) = play(v);
    assert_eq!(ready(&f, "dead"), vec!["order-1"]);
    let q = queue(&f, "dead");
    let item = q
        .replicas
        .iter()
        .find(|r| Some(r.node) == q.leader)
        .and_then(|r| r.ready.first())
        .expect("order-1 on dead");
    assert_eq!(
        item.x_death.iter().map(death).collect::<Vec<_>>(),
        vec![("orders", "delivery_limit", 1, "", vec!["orders"])]
    );
    assert_eq!(
        item.delivery_count,
        Some(4),
        "x-delivery-count: returned 4 times, over the limit of 3"
    );
}

#[test]
fn r13_drop_head_drops_the_oldest_and_reject_publish_refuses_the_newest() {
    let mut v = no_consumer(rabbit_base());
    v["rabbitmq"]["queues"][0]["max_length"] = json!(3);
    v["script"] = json!([publish(1000, 5)]);
    let (_, f) = play(v.clone());
    assert_eq!(ready(&f, "orders"), vec!["order-3", "order-4", "order-5"]);
    assert_eq!(f.ledger.lost, 2);
    v["rabbitmq"]["queues"][0]["overflow"] = json!("reject-publish");
    let (_, f) = play(v);
    assert_eq!(ready(&f, "orders"), vec!["order-1", "order-2", "order-3"]);
    for label in ["order-4", "order-5"] {
        assert_eq!(message(&f, label).last_error.as_deref(), Some("basic.nack"));
    }
}

/// A quorum queue whose consumer rejects order-1 (with requeue) on every delivery.
fn quorum_with_a_poison_message() -> Value {
    let mut v = quorum();
    v["rabbitmq"]["consumers"][0]["poison"] = json!(["order-1"]);
    v["script"] = json!([publish(1000, 2)]);
    v
}

#[test]
fn r14_a_quorum_queue_drops_a_message_over_its_delivery_limit() {
    let mut v = quorum_with_a_poison_message();
    v["rabbitmq"]["queues"][0]["delivery_limit"] = json!(3);
    let (_, f) = play(v.clone());
    let poison = message(&f, "order-1");
    assert_eq!(
        poison.delivered_to.len(),
        4,
        "delivered limit + 1 times, then out"
    );
    assert_eq!(poison.fate, Fate::Lost);
    assert_eq!(message(&f, "order-2").processed, 1);
    let (_, f) = play(with_dead_letters(v));
    assert_eq!(ready(&f, "dead"), vec!["order-1"]);
}

#[test]
fn r14_from_rabbitmq_4_a_quorum_queue_has_a_delivery_limit_of_20_by_default() {
    // A poison message rejected with requeue on every delivery: RabbitMQ 4.x drops it after
    // the 20th return (the default delivery-limit, its x-delivery-count reaching 20); in
    // 3.13 a quorum queue without a limit redelivers it for ever.
    let mut v = quorum_with_a_poison_message();
    let (_, f) = play(v.clone());
    let poison = message(&f, "order-1");
    assert_eq!(
        poison.delivered_to.len(),
        21,
        "delivered 20 + 1 times, then out"
    );
    assert_eq!(poison.fate, Fate::Lost);
    assert_eq!(message(&f, "order-2").processed, 1);
    v["rabbitmq"]["version"] = json!("3.13");
    let (_, f) = play(v);
    let poison = message(&f, "order-1");
    assert!(poison.delivered_to.len() > 21, "no limit in 3.13");
    assert_ne!(poison.fate, Fate::Lost);
}

/// A mirrored queue on all three nodes; rabbit-1 (the leader) is cut off from the others
/// for longer than net_ticktime (scaled to 4 s), then the network heals.
fn partitioned(handling: &str) -> (mqlab_scenario::Player, mqlab_scenario::Frame) {
    let mut v = no_consumer(mirrored(json!({ "ha_mode": "all" })));
    v["rabbitmq"]["net_ticktime_ms"] = json!(4000);
    v["rabbitmq"]["partition_handling"] = json!(handling);
    v["duration_ms"] = json!(40_000);
    v["script"] = json!([
        publish(1000, 2),
        { "at_ms": 2000, "do": "partition", "left": ["rabbit-1"], "right": ["rabbit-2", "rabbit-3"] },
        { "at_ms": 20_000, "do": "heal_all" }
    ]);
    play(v)
}

fn leaders(f: &mqlab_scenario::Frame) -> Vec<u32> {
    queue(f, "orders")
        .replicas
        .iter()
        .filter(|r| r.role == ReplicaRole::Leader)
        .map(|r| r.node)
        .collect()
}

#[test]
fn r17_ignore_leaves_a_mirrored_queue_split_brained_even_after_healing() {
    let (mut p, f) = partitioned("ignore");
    assert_eq!(
        leaders(&at_time(&mut p, 15_000)),
        vec![1, 2],
        "a leader on each side"
    );
    assert_eq!(
        leaders(&f),
        vec![1, 2],
        "still two after the network healed"
    );
}

#[test]
fn r17_pause_minority_pauses_the_cut_off_node() {
    let (mut p, f) = partitioned("pause_minority");
    assert_eq!(
        leaders(&at_time(&mut p, 15_000)),
        vec![2],
        "rabbit-1 paused; rabbit-2 took over"
    );
    assert_eq!(
        leaders(&f),
        vec![2],
        "one leader after healing; rabbit-1 rejoined"
    );
    let back = queue(&f, "orders")
        .replicas
        .iter()
        .find(|r| r.node == 1)
        .cloned();
    assert_eq!(back.map(|r| r.role), Some(ReplicaRole::Mirror));
}

#[test]
fn r20_every_message_of_a_promoted_mirror_comes_flagged_redelivered() {
    // As RabbitMQ 3.10 does (conformance O2): never-delivered messages too.
    let mut v = no_consumer(mirrored(json!({ "ha_mode": "all" })));
    v["script"] = json!([publish(1000, 4), fault(2000, "crash", "rabbit-1")]);
    let (_, f) = play(v);
    let leader = orders_leader(&f);
    assert_eq!(leader.ready.len(), 4);
    assert!(leader.ready.iter().all(|m| m.redelivered));
}

#[test]
fn r20_when_the_leader_and_the_oldest_mirror_go_together_the_next_mirror_takes_over() {
    // Four nodes, ha-mode all: leader rabbit-1, mirrors rabbit-2 (oldest), 3, 4. rabbit-1
    // and rabbit-2 are cut off together (both seen down in one tick, as in a 2|2 split, or
    // killed at once): the oldest mirror still alive, rabbit-3, must take over, not wait for
    // rabbit-2 forever.
    for fault_kind in ["partition", "crash"] {
        let mut v = no_consumer(mirrored(json!({ "ha_mode": "all" })));
        v["rabbitmq"]["nodes"] = json!(4);
        v["rabbitmq"]["publishers"][0]["nodes"] = json!(["rabbit-1", "rabbit-4"]);
        v["rabbitmq"]["net_ticktime_ms"] = json!(4000);
        let cut = if fault_kind == "partition" {
            json!([{ "at_ms": 2000, "do": "partition", "left": ["rabbit-1", "rabbit-2", "shop"], "right": ["rabbit-3", "rabbit-4"] }])
        } else {
            json!([
                fault(2000, "crash", "rabbit-1"),
                fault(2000, "crash", "rabbit-2")
            ])
        };
        let mut script = vec![publish(1000, 4)];
        script.extend(cut.as_array().unwrap().iter().cloned());
        v["script"] = Value::Array(script);
        let (_, f) = play(v);
        // (Split: rabbit-1 keeps leading its own side too, R17's `ignore`.)
        let promoted = replica(&f, 3).expect("a replica on rabbit-3");
        assert_eq!(promoted.role, ReplicaRole::Leader, "{fault_kind}");
        assert_eq!(promoted.ready.len(), 4, "{fault_kind}");
        assert_eq!(f.ledger.acknowledged, 4);
        assert_eq!(f.ledger.lost, 0, "{fault_kind}");
    }
}

#[test]
fn r01_after_kill_9_recovered_messages_are_flagged_redelivered_after_a_clean_stop_not() {
    // As RabbitMQ 3.10 does (conformance O5): the queue cannot know which were delivered.
    for (fault_kind, flagged) in [("crash", true), ("stop", false)] {
        let mut v = no_consumer(rabbit_base());
        v["script"] = json!([
            publish(1000, 3),
            fault(2000, fault_kind, "rabbit-1"),
            fault(4000, "restart", "rabbit-1")
        ]);
        let (_, f) = play(v);
        let leader = orders_leader(&f);
        assert_eq!(leader.ready.len(), 3, "{fault_kind}");
        assert!(
            leader.ready.iter().all(|m| m.redelivered == flagged),
            "{fault_kind}"
        );
    }
}

/// The quorum failover example without its faults, publishing with confirms, and its leader
/// rabbit-1 killed at `kill_ms`.
fn quorum_failover_killed_at(kill_ms: u64) -> Value {
    let mut v = example("rabbitmq-quorum-failover");
    let publishes: Vec<Value> = v["script"]
        .as_array()
        .expect("a script")
        .iter()
        .filter(|e| e["do"] == "publish")
        .cloned()
        .collect();
    let mut script = publishes;
    script.push(fault(kill_ms, "crash", "rabbit-1"));
    v["script"] = Value::Array(script);
    v
}

#[test]
fn r26_an_enqueue_resent_to_the_new_leader_is_not_enqueued_twice() {
    // The channel re-sends every unconfirmed enqueue to the new leader, which may already
    // hold it (replicated, but its confirm died with the old leader). rabbit_fifo numbers
    // each enqueuer's commands and applies a number it has seen as a duplicate. Kill the
    // leader at many moments around the first publishes (1000 ms) and later.
    let moments = (1000..=1060).chain(2190..=2215).chain(8000..=8012);
    for kill_ms in moments {
        let (_, f) = play(quorum_failover_killed_at(kill_ms));
        let l = &f.ledger;
        assert_eq!(
            (l.duplicated, l.store_duplicates, l.redelivered, l.lost),
            (0, 0, 0, 0),
            "killed at {kill_ms}: {l:?}"
        );
        assert_eq!(l.processed, 7, "killed at {kill_ms}: {l:?}");
        let rows = store(&f, "orders-table").rows.len();
        assert_eq!(rows, 7, "killed at {kill_ms}: each order once");
    }
}

#[test]
fn r24_classic_mirroring_is_gone_in_4_0_and_modelled_only_behind_version_3_13() {
    // 4.x (the default): a classic queue has one replica, and a mirroring policy is an
    // error that names the field and points at quorum queues, in both languages.
    let f = load(rabbit_base()).frame();
    assert_eq!(
        queue(&f, "orders").replicas.len(),
        1,
        "a 4.x classic queue is not replicated"
    );
    let mut v = mirrored(json!({ "ha_mode": "all" }));
    v["rabbitmq"]["version"] = json!("4");
    let doc = mqlab_scenario::ScenarioDoc::from_value(&v).unwrap();
    let err = mqlab_scenario::Player::load(doc).unwrap_err();
    assert_eq!(err.field, "rabbitmq.policies");
    assert!(
        err.en.contains("removed in RabbitMQ 4.0") && err.en.contains("quorum"),
        "{err}"
    );
    assert!(
        err.zh.contains("4.0 中移除") && err.zh.contains("仲裁队列"),
        "{}",
        err.zh
    );
    // 3.13: the same policy mirrors the queue on every node.
    let f = load(mirrored(json!({ "ha_mode": "all" }))).frame();
    assert_eq!(
        queue(&f, "orders").replicas.len(),
        3,
        "ha-mode all on three nodes"
    );
}

#[test]
fn r17_a_paused_node_stops_its_quorum_members_and_they_rejoin_when_it_resumes() {
    // Pausing is `rabbit:stop()`, which stops `ra` (rabbit.erl's ?APPS) with the rest: the
    // quorum member on the cut-off node leads nothing while paused, and comes back as a
    // follower from its log.
    let mut v = no_consumer(rabbit_base());
    v["rabbitmq"]["queues"][0]["type"] = json!("quorum");
    v["rabbitmq"]["net_ticktime_ms"] = json!(4000);
    v["rabbitmq"]["partition_handling"] = json!("pause_minority");
    v["duration_ms"] = json!(40_000);
    v["script"] = json!([
        publish(1000, 2),
        { "at_ms": 2000, "do": "partition", "left": ["rabbit-1"], "right": ["rabbit-2", "rabbit-3"] },
        { "at_ms": 20_000, "do": "heal_all" },
        publish(30_000, 2)
    ]);
    let (mut p, end) = play(v);
    let paused = at_time(&mut p, 15_000);
    assert!(
        paused.nodes.iter().any(|n| n.id == 1 && n.paused),
        "rabbit-1 is paused"
    );
    let on_1 = replica(&paused, 1).expect("rabbit-1 keeps its member's log");
    assert_ne!(
        on_1.role,
        ReplicaRole::Leader,
        "a stopped member leads nothing"
    );
    let leader = queue(&paused, "orders").leader;
    assert!(
        matches!(leader, Some(2 | 3)),
        "the majority elected {leader:?}"
    );
    // Resumed: one leader, rabbit-1's member a follower again, nothing confirmed lost.
    assert_eq!(leaders(&end).len(), 1);
    assert_ne!(replica(&end, 1).map(|r| r.role), Some(ReplicaRole::Leader));
    assert_eq!(labels(&end, Fate::Lost), Vec::<String>::new());
    assert_eq!(
        labels(&end, Fate::Visible).len(),
        4,
        "all four published are in the queue"
    );
}
