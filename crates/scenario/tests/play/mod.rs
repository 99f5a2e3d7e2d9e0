//! The one place scenario tests call the player: build a document, play it, look at frames.
#![allow(dead_code)]

use mqlab_scenario::frame::{Fate, MessageView, PartitionView};
use mqlab_scenario::{Command, Frame, Player, ScenarioDoc};
use serde_json::{json, Value};

/// Three brokers, `orders` with one partition, RF 3, min.insync.replicas 2, a producer with
/// acks=all and a reader; no script. Tests patch what they need.
pub fn base() -> Value {
    json!({
        "id": "test",
        "title": { "en": "test", "zh": "测试" },
        "seed": 1,
        "duration_ms": 30000,
        "kafka": { "brokers": 3, "topics": [{ "name": "orders", "partitions": 1, "replication_factor": 3, "min_insync_replicas": 2 }] },
        "producers": [{ "name": "app", "acks": "all" }],
        "readers": [{ "name": "reader", "topic": "orders", "poll_interval_ms": 500 }],
        "script": []
    })
}

pub fn produce(at_ms: u64, count: u32) -> Value {
    json!({ "at_ms": at_ms, "do": "produce", "producer": "app", "topic": "orders", "count": count, "key": "m" })
}

pub fn fault(at_ms: u64, what: &str, node: &str) -> Value {
    json!({ "at_ms": at_ms, "do": what, "node": node })
}

pub fn example(id: &str) -> Value {
    let (_, text) = mqlab_scenario::example_sources()
        .iter()
        .find(|(i, _)| *i == id)
        .expect("shipped example");
    serde_json::from_str(text).expect("example parses")
}

pub fn load(v: Value) -> Player {
    let doc = ScenarioDoc::from_value(&v).expect("test document has the scenario shape");
    Player::load(doc).unwrap_or_else(|e| panic!("test scenario invalid: {e}"))
}

/// Play to the end and return the final frame.
pub fn play(v: Value) -> (Player, Frame) {
    let mut p = load(v);
    p.apply(Command::End).unwrap();
    let f = p.frame();
    (p, f)
}

/// The frame at the last step at or before simulated time `t_ms`.
pub fn at_time(p: &mut Player, t_ms: u64) -> Frame {
    let (mut lo, mut hi) = (0, p.total_steps());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if p.step_time_ms(mid) <= t_ms {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    p.apply(Command::Seek(lo)).unwrap();
    p.frame()
}

pub fn partition<'a>(f: &'a Frame, name: &str) -> &'a PartitionView {
    f.partitions
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no partition {name}"))
}

pub fn message<'a>(f: &'a Frame, label: &str) -> &'a MessageView {
    f.messages
        .iter()
        .find(|m| m.label == label)
        .unwrap_or_else(|| panic!("no message {label}"))
}

pub fn labels(f: &Frame, fate: Fate) -> Vec<String> {
    f.messages
        .iter()
        .filter(|m| m.fate == fate)
        .map(|m| m.label.clone())
        .collect()
}

/// Every happening of the whole trace, in English, with its step and time.
pub fn trace(v: Value) -> Vec<(u64, u64, String)> {
    let mut p = load(v);
    let mut out = Vec::new();
    while p.position() < p.total_steps() {
        p.apply(Command::Forward).unwrap();
        for h in p.happenings() {
            out.push((p.position(), p.step_time_ms(p.position()), h.en));
        }
    }
    out
}

/// `base()` with group consumers (named c1, c2, … in group "billing", reading from the
/// earliest offset) writing into one store "orders" of the given kind; the reader is removed.
/// `commit` is the commit mode; tests patch the rest.
pub fn with_consumers(count: usize, commit: &str, store: &str) -> Value {
    let mut v = base();
    v["readers"] = json!([]);
    v["stores"] = json!([{ "name": "orders", "kind": store }]);
    v["consumers"] = Value::Array(
        (1..=count)
            .map(|i| {
                json!({
                    "name": format!("c{i}"), "group": "billing", "topic": "orders",
                    "commit": commit, "auto_offset_reset": "earliest",
                    "session_timeout_ms": 10000, "processing_ms": 100, "max_poll_records": 10
                })
            })
            .collect(),
    );
    v
}

pub fn consumer<'a>(f: &'a Frame, name: &str) -> &'a mqlab_scenario::frame::ConsumerView {
    f.consumers
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no consumer {name}"))
}

pub fn store<'a>(f: &'a Frame, name: &str) -> &'a mqlab_scenario::frame::StoreView {
    f.stores
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no store {name}"))
}

/// The group's committed offset of a partition.
pub fn committed(f: &Frame, group: &str, partition: &str) -> Option<u64> {
    f.groups
        .iter()
        .find(|g| g.name == group)?
        .committed
        .iter()
        .find(|m| m.partition == partition)
        .map(|m| m.offset)
}

/// Rows per key in a store, for keys with more than one row.
pub fn duplicate_keys(f: &Frame, name: &str) -> Vec<String> {
    let s = store(f, name);
    let mut keys: Vec<String> = s
        .rows
        .iter()
        .filter(|r| r.duplicate)
        .map(|r| r.key.clone())
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// A RabbitMQ world: three nodes, a durable classic queue "orders" on rabbit-1, a confirming
/// publisher "shop" on rabbit-1 sending persistent messages, a manual-ack consumer "billing"
/// on rabbit-2 (prefetch 10, 100 ms per message) writing into a plain "orders-table".
pub fn rabbit_base() -> Value {
    json!({
        "id": "rabbit-test",
        "title": { "en": "test", "zh": "测试" },
        "seed": 1,
        "duration_ms": 30000,
        "rabbitmq": {
            "nodes": 3,
            "queues": [{ "name": "orders", "node": "rabbit-1" }],
            "publishers": [{ "name": "shop", "nodes": ["rabbit-1"], "mode": "confirm" }],
            "consumers": [{ "name": "billing", "nodes": ["rabbit-2"], "queue": "orders", "prefetch": 10 }]
        },
        "stores": [{ "name": "orders-table", "kind": "plain_insert" }],
        "script": []
    })
}

pub fn publish(at_ms: u64, count: u32) -> Value {
    json!({ "at_ms": at_ms, "do": "publish", "publisher": "shop", "count": count, "key": "order" })
}

pub fn queue<'a>(f: &'a Frame, name: &str) -> &'a mqlab_scenario::frame::QueueView {
    f.queues
        .iter()
        .find(|q| q.name == name)
        .unwrap_or_else(|| panic!("no queue {name}"))
}

/// Labels of the ready messages on the queue's leader.
pub fn ready(f: &Frame, name: &str) -> Vec<String> {
    let q = queue(f, name);
    q.replicas
        .iter()
        .find(|r| Some(r.node) == q.leader)
        .map(|r| r.ready.iter().map(|m| m.label.clone()).collect())
        .unwrap_or_default()
}

/// Messages delivered from one node to another so far.
pub fn traffic(f: &Frame, from: u32, to: u32) -> u64 {
    f.traffic
        .iter()
        .find(|t| t.from == from && t.to == to)
        .map_or(0, |t| t.messages)
}
