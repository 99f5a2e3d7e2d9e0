//! Bad input never panics: every malformed document is an error naming its field, and a
//! refused command changes nothing.

mod play;

use mqlab_scenario::{example_sources, Command, Player, ScenarioDoc, UserAction};
use play::*;
use serde_json::json;

fn error_of(v: serde_json::Value) -> mqlab_scenario::ScenarioError {
    match ScenarioDoc::from_value(&v) {
        Ok(doc) => Player::load(doc)
            .err()
            .unwrap_or_else(|| panic!("accepted: {v}")),
        Err(e) => e,
    }
}

/// A change that spoils a valid document, the field its error must name, and words its
/// English text must hold.
type Case = (fn(&mut serde_json::Value), &'static str, &'static str);

/// Each case, applied to a fresh `valid()` document, is refused with an error that names its
/// field, says the words in English and has a Chinese text.
fn assert_each_refused(valid: impl Fn() -> serde_json::Value, cases: Vec<Case>) {
    for (patch, field, words) in cases {
        let mut v = valid();
        patch(&mut v);
        let e = error_of(v);
        assert_eq!(e.field, field, "{e}");
        assert!(e.en.contains(words), "{e}");
        assert!(!e.zh.is_empty());
    }
}

#[test]
fn each_bad_field_is_named() {
    let cases: Vec<Case> = vec![
        (
            |v| v["kafka"]["brokers"] = json!(0),
            "kafka.brokers",
            "out of range",
        ),
        (|v| v["kafka"]["topics"] = json!([]), "kafka.topics", "1 to"),
        (
            |v| v["kafka"]["topics"][0]["replication_factor"] = json!(9),
            "kafka.topics[0].replication_factor",
            "InvalidReplicationFactor",
        ),
        (
            |v| v["kafka"]["topics"][0]["min_insync_replicas"] = json!(4),
            "kafka.topics[0].min_insync_replicas",
            "out of range",
        ),
        (
            |v| v["kafka"]["topics"][0]["name"] = json!("bad name!"),
            "kafka.topics[0].name",
            "letters",
        ),
        (
            |v| v["kafka"]["timing"] = json!({ "heartbeat_interval_ms": 9000 }),
            "kafka.timing.heartbeat_interval_ms",
            "shorter",
        ),
        (
            |v| v["producers"][0]["delivery_timeout_ms"] = json!(10),
            "producers[0].delivery_timeout_ms",
            "request_timeout_ms",
        ),
        (
            |v| v["readers"][0]["topic"] = json!("nope"),
            "readers[0].topic",
            "no topic",
        ),
        (
            |v| v["script"] = json!([{ "at_ms": 1, "do": "crash", "node": "broker-7" }]),
            "script[0].node",
            "no node",
        ),
        (
            |v| v["script"] = json!([{ "at_ms": 1, "do": "crash", "node": "controller" }]),
            "script[0].node",
            "not a broker",
        ),
        (
            |v| v["script"] = json!([{ "at_ms": 99999999, "do": "heal_all" }]),
            "script[0].at_ms",
            "out of range",
        ),
        (
            |v| v["script"] = json!([{ "do": "heal_all" }]),
            "script[0]",
            "exactly one",
        ),
        (
            |v| v["script"] = json!([{ "at_ms": 1, "do": "produce", "producer": "reader", "topic": "orders", "count": 1, "key": "k" }]),
            "script[0].producer",
            "not a producer",
        ),
        (
            |v| v["script"] = json!([{ "at_ms": 1, "do": "produce", "producer": "app", "topic": "orders", "count": 1, "key": "k", "partition": 3 }]),
            "script[0].partition",
            "out of range",
        ),
        (|v| v["title"]["zh"] = json!(""), "title", "Chinese"),
        (
            |v| v["producers"][0]["name"] = json!("broker-1"),
            "producers[0].name",
            "already",
        ),
    ];
    assert_each_refused(base, cases);
}

#[test]
fn each_bad_consumer_or_store_field_is_named() {
    let cases: Vec<Case> = vec![
        (
            |v| v["consumers"][0]["store"] = json!("ledger"),
            "consumers[0].store",
            "no store named",
        ),
        (
            |v| v["stores"] = json!([]),
            "consumers[0].store",
            "no store",
        ),
        (
            |v| v["consumers"][0]["topic"] = json!("payments"),
            "consumers[0].topic",
            "no topic",
        ),
        (
            |v| v["consumers"][0]["heartbeat_interval_ms"] = json!(20_000),
            "consumers[0].heartbeat_interval_ms",
            "shorter",
        ),
        (
            |v| v["consumers"][0]["max_poll_records"] = json!(0),
            "consumers[0].max_poll_records",
            "out of range",
        ),
        (
            |v| v["consumers"][0]["group"] = json!(""),
            "consumers[0].group",
            "letters",
        ),
        (
            |v| v["consumers"][1]["name"] = json!("c1"),
            "consumers[1].name",
            "already",
        ),
        (
            |v| v["stores"] = json!([{ "name": "orders", "kind": "plain_insert" }, { "name": "orders", "kind": "redis_set" }]),
            "stores[1].name",
            "twice",
        ),
        (
            |v| v["script"] = json!([{ "at_ms": 1, "do": "crash", "node": "app" }]),
            "script[0].node",
            "not a broker or a consumer",
        ),
    ];
    assert_each_refused(|| with_consumers(2, "auto", "plain_insert"), cases);
}

/// JSON that does not parse names its line and column; JSON of the wrong shape names the
/// field, what was expected and what was found, in both languages.
#[test]
fn json_shape_errors_say_where() {
    let head = r#""id":"x","title":{"en":"a","zh":"b"}"#;
    let kafka = r#""kafka":{"brokers":1,"topics":[]}"#;
    for (text, field, en, zh) in [
        (
            "{".to_string(),
            "(document, line 1 column 1)",
            "EOF",
            "JSON 在中途结束",
        ),
        (
            "[]".into(),
            "(document)",
            "expected an object {…}, got a list",
            "应为对象",
        ),
        (
            "42".into(),
            "(document)",
            "expected an object {…}, got 42",
            "实际是 42",
        ),
        (r#"{"id":"x"}"#.into(), "title", "missing", "缺少此字段"),
        (
            format!(r#"{{{head},"duration_ms":1,{kafka},"bogus":1}}"#),
            "bogus",
            "unknown field",
            "未知字段",
        ),
        (
            format!(r#"{{{head},"duration_ms":-5,{kafka}}}"#),
            "duration_ms",
            "expected a whole number of milliseconds, got -5",
            "应为毫秒数",
        ),
        (
            format!(
                r#"{{{head},"duration_ms":1,{kafka},"stores":[{{"name":"s","kind":"mongo"}}]}}"#
            ),
            "stores[0].kind",
            "expected one of `plain_insert`",
            "以下之一",
        ),
        (
            format!(
                r#"{{{head},"duration_ms":1,{kafka},"consumers":[{{"name":"c","group":"g","topic":"t","commit":"sometimes"}}]}}"#
            ),
            "consumers[0].commit",
            "got \"sometimes\"",
            "实际是 \"sometimes\"",
        ),
    ] {
        let e = Player::load_json(&text).unwrap_err();
        assert_eq!(e.field, field, "{text}: {e}");
        assert!(e.en.contains(en), "{text}: {e}");
        assert!(
            e.zh.contains(zh),
            "{text}: {}",
            e.text(mqlab_scenario::Lang::Zh)
        );
    }
}

#[test]
fn mangled_examples_never_panic() {
    // A cheap deterministic fuzz: cut, splice and flip bytes of every example.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let rabbit = [
        include_str!("../../../scenarios/rabbitmq-classic-cluster.json"),
        include_str!("../../../scenarios/rabbitmq-quorum-failover.json"),
        include_str!("../../../scenarios/rabbitmq-unsynced-mirror.json"),
    ];
    let texts = example_sources().iter().map(|(_, t)| *t).chain(rabbit);
    for text in texts {
        let bytes = text.as_bytes();
        for _ in 0..150 {
            let mut b = bytes.to_vec();
            let at = (next() % b.len() as u64) as usize;
            match next() % 3 {
                0 => b.truncate(at),
                1 => b[at] = b"{}[]\",:0-9ez "[(next() % 13) as usize],
                _ => b.insert(at, b"9"[0]),
            }
            let mangled = String::from_utf8_lossy(&b);
            let _ = Player::load_json(&mangled); // must return, Ok or Err, never panic
        }
    }
}

#[test]
fn a_refused_injection_changes_nothing() {
    let mut p = load(example("kafka-leader-kill"));
    p.apply(Command::Seek(40)).unwrap();
    let (before, doc) = (p.frame(), p.doc().clone());
    assert!(p
        .apply(Command::Inject(UserAction::Crash { node: 999 }))
        .is_err());
    assert!(
        p.apply(Command::Inject(UserAction::Crash { node: 0 }))
            .is_err(),
        "the controller is not killable here"
    );
    assert_eq!(p.frame(), before);
    assert_eq!(p.doc(), &doc);
}

#[test]
fn seeking_past_the_end_stops_at_the_end() {
    let mut p = load(example("kafka-leader-kill"));
    p.apply(Command::Seek(u64::MAX)).unwrap();
    assert_eq!(p.position(), p.total_steps());
    p.apply(Command::Forward).unwrap();
    assert_eq!(p.position(), p.total_steps());
    p.apply(Command::Start).unwrap();
    p.apply(Command::Back).unwrap();
    assert_eq!(p.position(), 0);
}

#[test]
fn each_bad_rabbitmq_field_is_named() {
    let cases: Vec<Case> = vec![
        (
            |v| v["rabbitmq"]["nodes"] = json!(0),
            "rabbitmq.nodes",
            "out of range",
        ),
        (
            |v| v["rabbitmq"]["queues"][0]["node"] = json!("rabbit-7"),
            "rabbitmq.queues[0].node",
            "no node",
        ),
        (
            |v| {
                v["rabbitmq"]["queues"][0]["type"] = json!("quorum");
                v["rabbitmq"]["queues"][0]["durable"] = json!(false);
            },
            "rabbitmq.queues[0].durable",
            "always durable",
        ),
        (
            |v| v["rabbitmq"]["queues"][0]["delivery_limit"] = json!(5),
            "rabbitmq.queues[0].delivery_limit",
            "quorum queues only",
        ),
        (
            |v| v["rabbitmq"]["queues"][0]["dead_letter_exchange"] = json!("nowhere"),
            "rabbitmq.queues[0].dead_letter_exchange",
            "no exchange",
        ),
        (
            |v| {
                v["rabbitmq"]["version"] = json!("3.13");
                v["rabbitmq"]["policies"] =
                    json!([{ "name": "ha", "pattern": ".*", "ha_mode": "exactly" }])
            },
            "rabbitmq.policies[0].ha_params",
            "replica count",
        ),
        (
            |v| {
                v["rabbitmq"]["policies"] =
                    json!([{ "name": "ha", "pattern": ".*", "ha_mode": "all" }])
            },
            "rabbitmq.policies",
            "removed in RabbitMQ 4.0",
        ),
        (
            |v| v["rabbitmq"]["version"] = json!("3.8"),
            "rabbitmq.version",
            "not a modelled version",
        ),
        (
            |v| v["rabbitmq"]["consumers"][0]["queue"] = json!("payments"),
            "rabbitmq.consumers[0].queue",
            "no queue",
        ),
        (
            |v| v["rabbitmq"]["publishers"][0]["nodes"] = json!([]),
            "rabbitmq.publishers[0].nodes",
            "at least one",
        ),
        (
            |v| v["producers"] = json!([{ "name": "app" }]),
            "producers",
            "Kafka clients",
        ),
        (
            |v| v["kafka"] = json!({ "brokers": 1, "topics": [{ "name": "t", "partitions": 1, "replication_factor": 1 }] }),
            "kafka",
            "exactly one cluster",
        ),
        (
            |v| v["script"] = json!([{ "at_ms": 1, "do": "produce", "producer": "shop", "topic": "orders", "count": 1, "key": "k" }]),
            "script[0].do",
            "Kafka action",
        ),
        (
            |v| v["script"] = json!([{ "at_ms": 1, "do": "sync_queue", "queue": "orders" }]),
            "script[0].queue",
            "not mirrored",
        ),
    ];
    assert_each_refused(rabbit_base, cases);
}
