//! The shipped RabbitMQ scenarios tell the story their description promises: checked on
//! the ledger, the queues and the publishers at the end of each.

mod play;

use mqlab_scenario::frame::{QueueAvailability, ReplicaRole};
use mqlab_scenario::Player;
use play::*;

fn story(text: &str) -> (Player, mqlab_scenario::Frame) {
    play(serde_json::from_str(text).expect("a shipped scenario parses"))
}

#[test]
fn classic_cluster_the_home_node_dies_and_comes_back() {
    let (mut p, f) = story(include_str!(
        "../../../scenarios/rabbitmq-classic-cluster.json"
    ));
    let down = at_time(&mut p, 6000);
    assert_eq!(queue(&down, "orders").availability, QueueAvailability::Down);
    assert_eq!(
        f.ledger.failed, 2,
        "the two published while it was down were nacked"
    );
    assert_eq!(f.ledger.processed, 8);
    assert!(
        traffic(&f, 1, 2) > 0,
        "deliveries crossed from the home node"
    );
}

#[test]
fn mirrored_failover_loses_nothing_but_redelivers() {
    let (_, f) = story(include_str!(
        "../../../scenarios/rabbitmq-mirrored-failover.json"
    ));
    assert_eq!(queue(&f, "orders").leader, Some(2));
    assert_eq!(f.ledger.lost, 0);
    assert!(f.ledger.store_duplicates > 0);
}

#[test]
fn unsynced_mirror_promotion_loses_the_confirmed_orders() {
    let (_, f) = story(include_str!(
        "../../../scenarios/rabbitmq-unsynced-mirror.json"
    ));
    assert_eq!(queue(&f, "orders").leader, Some(3));
    assert_eq!(f.ledger.acknowledged, 7);
    assert_eq!(f.ledger.lost, 5);
}

#[test]
fn quorum_failover_keeps_every_confirmed_order_once() {
    let (_, f) = story(include_str!(
        "../../../scenarios/rabbitmq-quorum-failover.json"
    ));
    let leaders: Vec<u32> = queue(&f, "orders")
        .replicas
        .iter()
        .filter(|r| r.role == ReplicaRole::Leader)
        .map(|r| r.node)
        .collect();
    assert_eq!(leaders.len(), 1);
    assert_ne!(leaders[0], 1);
    assert_eq!(f.ledger.lost, 0);
    assert_eq!(f.ledger.processed, 7);
    assert_eq!(f.ledger.store_duplicates, 0);
}

#[test]
fn auto_ack_loses_what_the_consumer_held() {
    let (_, f) = story(include_str!(
        "../../../scenarios/rabbitmq-autoack-vs-manual.json"
    ));
    assert_eq!(f.ledger.skipped, 5);
    assert_eq!(f.ledger.lost, 5);
}

#[test]
fn transactions_are_far_slower_than_confirms() {
    let (_, f) = story(include_str!(
        "../../../scenarios/rabbitmq-confirms-vs-transactions.json"
    ));
    let rate = |name: &str| {
        f.publishers
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.per_second)
            .expect("measured")
    };
    assert!(rate("confirm-app") >= 50 * rate("tx-app"));
    assert_eq!(f.ledger.acknowledged, 200);
}

#[test]
fn rabbitmq_stories_are_deterministic() {
    for text in [
        include_str!("../../../scenarios/rabbitmq-classic-cluster.json"),
        include_str!("../../../scenarios/rabbitmq-quorum-failover.json"),
    ] {
        let a = Player::load_json(text).unwrap().trace_digest();
        let b = Player::load_json(text).unwrap().trace_digest();
        assert_eq!(a, b);
    }
}
