//! FIDELITY.md K23, Kafka transactions: a zombie producer is fenced; aborted records are
//! invisible to read_committed and visible to read_uncommitted; the LSO holds read_committed
//! back; consume-transform-produce with a crash is exactly-once into the output topic, while
//! a database written beside it is at-least-once. Asserted on the message ledger (who read
//! what) and the logs, which the facts' condition language cannot name.

mod play;

use mqlab_engine::NodeId;
use mqlab_kafka::{Kafka, READER_BASE};
use mqlab_ledger::Fate;
use mqlab_scenario::Player;
use play::*;
use serde_json::json;

fn kafka(p: &Player) -> &Kafka {
    p.kafka_world().expect("a Kafka scenario").model()
}

/// Labels of the messages the reader (by index) read, once per read, sorted.
fn read_by(p: &Player, reader: u32) -> Vec<String> {
    let who = NodeId(READER_BASE + reader);
    let mut out: Vec<String> = kafka(p)
        .ledger()
        .records()
        .iter()
        .flat_map(|r| {
            r.reads
                .iter()
                .filter(move |(n, _)| *n == who)
                .map(move |_| r.label.clone())
        })
        .collect();
    out.sort();
    out
}

/// Every message stored in a partition's leader log, markers as "COMMIT"/"ABORT".
fn log_labels(p: &Player, partition: &str) -> Vec<String> {
    let f = p.frame();
    let part = partition_view(&f, partition);
    let leader = part.leader.expect("a leader");
    part.replicas
        .iter()
        .find(|r| r.broker == leader)
        .expect("the leader's replica")
        .cells
        .iter()
        .map(|c| c.label.clone())
        .collect()
}

fn partition_view<'a>(
    f: &'a mqlab_scenario::Frame,
    name: &str,
) -> &'a mqlab_scenario::frame::PartitionView {
    partition(f, name)
}

/// Each message's fate on the ledger now, by label.
fn fates_by_label(p: &Player) -> std::collections::HashMap<String, Fate> {
    p.frame()
        .messages
        .into_iter()
        .map(|m| (m.label, m.fate))
        .collect()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn k23_a_zombie_producer_is_fenced_and_nothing_it_sends_afterwards_is_visible() {
    let (p, f) = play(example("kafka-transactions-zombie"));
    for label in ["late-1", "late-2"] {
        let m = message(&f, label);
        assert!(!m.acked, "{label}: the zombie's send is not acknowledged");
        assert_eq!(
            m.last_error.as_deref(),
            Some("ProducerFencedException"),
            "{label}"
        );
        assert!(m.replicas.is_empty(), "{label} reached no log");
        assert_eq!(m.reads, 0, "{label} was read by nobody");
    }
    assert!(
        !log_labels(&p, "payments-0")
            .iter()
            .any(|l| l.starts_with("late")),
        "nothing of the zombie's is in the log"
    );
    let state = kafka(&p)
        .transactions()
        .states
        .get("payments-tx")
        .expect("the coordinator knows the id");
    assert_eq!(state.epoch, 1, "payments-new's initTransactions bumped it");
}

#[test]
fn k23_a_zombie_fenced_mid_transaction_has_its_batch_refused_and_its_commit_fails() {
    // payments-old begins a transaction; in the same millisecond payments-new initialises:
    // the ABORT marker of the new epoch reaches the log before the zombie's batch, which the
    // broker refuses (InvalidProducerEpoch, fatal for a transactional producer).
    let mut doc = example("kafka-transactions-zombie");
    doc["script"] = json!([
        { "at_ms": 1000, "do": "transaction", "producer": "payments-old", "topic": "payments", "count": 2, "key": "z" },
        { "at_ms": 1000, "do": "transaction", "producer": "payments-new", "topic": "payments", "count": 2, "key": "n" }
    ]);
    let (p, f) = play(doc.clone());
    for label in ["z-1", "z-2"] {
        let m = message(&f, label);
        assert!(!m.acked, "{label}");
        assert_eq!(
            m.last_error.as_deref(),
            Some("ProducerFencedException"),
            "{label}"
        );
    }
    assert_eq!(
        log_labels(&p, "payments-0"),
        strings(&["ABORT", "n-1", "n-2", "COMMIT"]),
        "the zombie wrote nothing; the new producer's transaction committed"
    );
    let fenced = trace(doc)
        .iter()
        .any(|(_, _, line)| line.contains("payments-old is fenced"));
    assert!(fenced, "the event log says the zombie is fenced");
}

#[test]
fn k23_aborted_records_are_invisible_to_read_committed_and_visible_to_read_uncommitted() {
    let (p, _) = play(example("kafka-transactions-zombie"));
    // reader-committed is readers[0], reader-uncommitted readers[1].
    assert_eq!(
        read_by(&p, 0),
        strings(&["pay-1", "pay-2", "pay-5", "pay-6"]),
        "read_committed: committed transactions only"
    );
    assert_eq!(
        read_by(&p, 1),
        strings(&["pay-1", "pay-2", "pay-3", "pay-4", "pay-5", "pay-6"]),
        "read_uncommitted (the default) also returns the aborted pay-3, pay-4"
    );
    assert_eq!(
        log_labels(&p, "payments-0"),
        strings(&[
            "pay-1", "pay-2", "COMMIT", "pay-3", "pay-4", "ABORT", "pay-5", "pay-6", "COMMIT"
        ]),
        "every transaction ends with its marker, which takes an offset"
    );
    // The ledger: the two aborted payments were acknowledged to the producer (the broker
    // wrote them) but rolled back: aborted, neither visible nor lost.
    let fates = fates_by_label(&p);
    assert_eq!(fates["pay-3"], Fate::Aborted);
    assert_eq!(fates["pay-4"], Fate::Aborted);
    assert_eq!(fates["pay-5"], Fate::Visible);
    let ledger = p.frame().ledger;
    assert_eq!((ledger.aborted, ledger.lost), (2, 0));
}

#[test]
fn k23_an_open_transaction_holds_the_lso_and_read_committed_back() {
    let mut p = load(example("kafka-exactly-once"));
    // At 5.5 s the crashed billing-app's transaction is open: invoices 0–3 are below the
    // HW, but the LSO is still 0, so the read_committed reader has nothing.
    let f = at_time(&mut p, 5_500);
    let inv = partition(&f, "invoices-0");
    let leader = inv.replicas.iter().find(|r| r.acts_as_leader).unwrap();
    assert!(leader.high_watermark >= 3, "{}", leader.high_watermark);
    assert_eq!(leader.last_stable_offset, Some(0));
    let orders = partition(&f, "orders-0");
    assert!(
        orders
            .replicas
            .iter()
            .all(|r| r.last_stable_offset.is_none()),
        "a log without transactions shows no LSO"
    );
    assert!(read_by(&p, 0).is_empty(), "read_committed saw nothing yet");
    assert!(
        read_by(&p, 1).len() >= 3,
        "read_uncommitted read the open transaction's invoices"
    );
}

#[test]
fn k23_consume_transform_produce_with_a_crash_is_exactly_once_in_kafka_but_not_in_the_database() {
    let (p, f) = play(example("kafka-exactly-once"));
    let invoices: Vec<String> = (1..=6).map(|n| format!("invoices/order-{n}")).collect();
    assert_eq!(
        read_by(&p, 0),
        invoices,
        "read_committed sees each invoice exactly once"
    );
    let uncommitted = read_by(&p, 1);
    assert_eq!(
        uncommitted.len(),
        10,
        "read_uncommitted also sees the four of the aborted transaction: {uncommitted:?}"
    );
    assert_eq!(committed(&f, "billing", "orders-0"), Some(6));
    let dups = duplicate_keys(&f, "payments-table");
    assert_eq!(
        dups,
        strings(&["order-1", "order-2", "order-3", "order-4"]),
        "the database insert is outside the transaction: at-least-once"
    );
    assert_eq!(store(&f, "payments-table").rows.len(), 10);
    assert_eq!(
        (f.ledger.aborted, f.ledger.lost),
        (4, 0),
        "the first attempt's four invoices are aborted, not visible and not lost"
    );
}

#[test]
fn k23_transactional_settings_are_validated() {
    let reject = |patch: serde_json::Value| {
        let mut doc = example("kafka-transactions-zombie");
        for (k, v) in patch.as_object().unwrap() {
            doc[k] = v.clone();
        }
        let doc = mqlab_scenario::ScenarioDoc::from_value(&doc).expect("shape");
        Player::load(doc).err().map(|e| e.to_string())
    };
    let acks1 = reject(json!({"producers": [
        { "name": "p", "acks": "1", "transactional_id": "t" }
    ], "script": []}));
    assert!(acks1.is_some_and(|e| e.contains("transactional_id")));
    let plain = reject(json!({"producers": [{ "name": "p" }], "script": [
        { "at_ms": 10, "do": "transaction", "producer": "p", "topic": "payments", "count": 1, "key": "k" }
    ]}));
    assert!(plain.is_some_and(|e| e.contains("transactional_id")));
    let half = reject(
        json!({"stores": [{ "name": "db", "kind": "plain_insert" }], "consumers": [
            { "name": "c", "group": "g", "topic": "payments", "output_topic": "payments" }
        ]}),
    );
    assert!(
        half.as_deref().is_some_and(|e| e.contains("output_topic")),
        "{half:?}"
    );
}
