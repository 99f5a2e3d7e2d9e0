//! Model-level checks of the RabbitMQ model, driving the engine directly. The FIDELITY
//! scenario tests (r01_…) live in crates/scenario/tests.

use mqlab_engine::{Fault, NodeId, World};
use mqlab_ledger::{assess, StoreKind, Tally};
use mqlab_rabbitmq::*;

fn queue(name: &str, home: u32, durable: bool, mirroring: Option<MirrorPolicy>) -> QueueConfig {
    QueueConfig {
        name: name.into(),
        durable,
        kind: QueueKind::Classic,
        home: NodeId(home),
        mirroring,
        message_ttl_ms: None,
        max_length: None,
        overflow: Overflow::DropHead,
        dead_letter_exchange: None,
        dead_letter_routing_key: None,
        delivery_limit: None,
    }
}

fn config(nodes: u32, q: QueueConfig, mode: PublishMode, auto_ack: bool) -> RabbitConfig {
    RabbitConfig {
        nodes,
        queues: vec![q],
        exchanges: vec![],
        bindings: vec![],
        fsync_interval_ms: 200,
        net_ticktime_ms: 60_000,
        consumer_timeout_ms: 1_800_000,
        partition_handling: PartitionHandling::Ignore,
        publishers: vec![PublisherConfig {
            name: "shop".into(),
            nodes: vec![NodeId(1)],
            mode,
            persistent: true,
            mandatory: false,
            exchange: String::new(),
            republish_after_ms: None,
        }],
        consumers: vec![ConsumerConfig {
            name: "billing".into(),
            nodes: vec![NodeId(nodes)],
            queue: 0,
            auto_ack,
            prefetch: 10,
            processing_ms: 100,
            store: 0,
            join_at_ms: 0,
            poison: Vec::new(),
            reject_requeue: true,
        }],
        stores: vec![StoreConfig {
            name: "orders".into(),
            kind: StoreKind::PlainInsert,
        }],
    }
}

fn world(config: RabbitConfig) -> World<Rabbit> {
    let model = Rabbit::new(config);
    let ids = model.node_ids();
    World::new(model, &ids, 1, 1, 1)
}

fn run(w: &mut World<Rabbit>, until: u64) {
    while w.next_event_at().is_some_and(|t| t <= until) {
        w.step();
    }
}

fn publish(w: &mut World<Rabbit>, at: u64, count: u32) {
    w.schedule_action(
        at,
        Action::Publish {
            publisher: NodeId(PUBLISHER_BASE),
            count,
            key: "order".into(),
            routing_key: "orders".into(),
        },
    );
}

/// Five orders published at 100 ms with confirms into the durable queue "orders", homed on
/// node 1 of `nodes`; its consumer ("billing", manual or auto ack) is on the last node.
fn five_orders(nodes: u32, auto_ack: bool) -> World<Rabbit> {
    let mut w = world(config(
        nodes,
        queue("orders", 1, true, None),
        PublishMode::Confirm { window: 100 },
        auto_ack,
    ));
    publish(&mut w, 100, 5);
    w
}

/// The consumer's node crashes at `at` and comes back at 1 s.
fn kill_consumer(w: &mut World<Rabbit>, at: u64) {
    let node = NodeId(CONSUMER_BASE);
    w.schedule_fault(at, Fault::Crash { node });
    w.schedule_fault(1_000, Fault::Restart { node });
}

/// Run to 5 s, then judge every message.
fn tally_at_5s(w: &mut World<Rabbit>) -> Tally {
    run(w, 5_000);
    let m = w.model();
    assess(m.ledger().records(), &m.placements(|n| w.is_up(n))).1
}

#[test]
fn messages_flow_from_publisher_through_a_remote_home_to_the_consumer() {
    let mut w = five_orders(2, false);
    let tally = tally_at_5s(&mut w);
    assert_eq!(tally.acknowledged, 5);
    assert_eq!(tally.processed, 5);
    assert_eq!(w.model().stores()[0].rows.len(), 5);
}

#[test]
fn a_manual_ack_consumer_killed_mid_batch_gets_its_messages_redelivered() {
    let mut w = five_orders(1, false);
    // Processing ends at 206, 307, …; each ack goes 1 ms later: at 308 the kill comes first.
    kill_consumer(&mut w, 308);
    let tally = tally_at_5s(&mut w);
    assert_eq!(tally.processed, 5);
    assert!(tally.redelivered > 0);
    assert!(tally.store_duplicates > 0, "{tally:?}");
}

#[test]
fn an_auto_ack_consumer_killed_mid_batch_loses_what_it_held() {
    let mut w = five_orders(1, true);
    kill_consumer(&mut w, 350);
    let tally = tally_at_5s(&mut w);
    assert!(tally.skipped > 0, "{tally:?}");
    assert_eq!(tally.store_duplicates, 0);
}
