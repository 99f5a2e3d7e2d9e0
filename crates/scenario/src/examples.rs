//! The example scenarios shipped with the playground, in menu order.

use crate::doc::ScenarioDoc;

pub struct Example {
    pub id: &'static str,
    pub doc: ScenarioDoc,
}

const SOURCES: [(&str, &str); 24] = [
    (
        "kafka-leader-kill",
        include_str!("../../../scenarios/kafka-leader-kill.json"),
    ),
    (
        "kafka-replicas",
        include_str!("../../../scenarios/kafka-replicas.json"),
    ),
    (
        "kafka-acks1-leader-dies",
        include_str!("../../../scenarios/kafka-acks1-leader-dies.json"),
    ),
    (
        "kafka-min-isr",
        include_str!("../../../scenarios/kafka-min-isr.json"),
    ),
    (
        "kafka-zombie-leader",
        include_str!("../../../scenarios/kafka-zombie-leader.json"),
    ),
    (
        "kafka-unclean-election",
        include_str!("../../../scenarios/kafka-unclean-election.json"),
    ),
    (
        "kafka-last-replica-standing",
        include_str!("../../../scenarios/kafka-last-replica-standing.json"),
    ),
    (
        "kafka-retry-duplicates",
        include_str!("../../../scenarios/kafka-retry-duplicates.json"),
    ),
    (
        "kafka-consumer-kill-before-commit",
        include_str!("../../../scenarios/kafka-consumer-kill-before-commit.json"),
    ),
    (
        "kafka-consumer-offsets",
        include_str!("../../../scenarios/kafka-consumer-offsets.json"),
    ),
    (
        "kafka-consumer-rebalance",
        include_str!("../../../scenarios/kafka-consumer-rebalance.json"),
    ),
    (
        "kafka-design-an-mq",
        include_str!("../../../scenarios/kafka-design-an-mq.json"),
    ),
    (
        "kafka-ordering-keys",
        include_str!("../../../scenarios/kafka-ordering-keys.json"),
    ),
    (
        "kafka-transactions-zombie",
        include_str!("../../../scenarios/kafka-transactions-zombie.json"),
    ),
    (
        "kafka-exactly-once",
        include_str!("../../../scenarios/kafka-exactly-once.json"),
    ),
    (
        "rabbitmq-single-node",
        include_str!("../../../scenarios/rabbitmq-single-node.json"),
    ),
    (
        "rabbitmq-classic-cluster",
        include_str!("../../../scenarios/rabbitmq-classic-cluster.json"),
    ),
    (
        "rabbitmq-mirrored-failover",
        include_str!("../../../scenarios/rabbitmq-mirrored-failover.json"),
    ),
    (
        "rabbitmq-unsynced-mirror",
        include_str!("../../../scenarios/rabbitmq-unsynced-mirror.json"),
    ),
    (
        "rabbitmq-quorum-failover",
        include_str!("../../../scenarios/rabbitmq-quorum-failover.json"),
    ),
    (
        "rabbitmq-autoack-vs-manual",
        include_str!("../../../scenarios/rabbitmq-autoack-vs-manual.json"),
    ),
    (
        "rabbitmq-ordering",
        include_str!("../../../scenarios/rabbitmq-ordering.json"),
    ),
    (
        "rabbitmq-backlog",
        include_str!("../../../scenarios/rabbitmq-backlog.json"),
    ),
    (
        "rabbitmq-confirms-vs-transactions",
        include_str!("../../../scenarios/rabbitmq-confirms-vs-transactions.json"),
    ),
];

/// Every shipped example, parsed. The examples are tested to parse and validate, so a
/// broken one is caught before it ships; one that still fails here is skipped, not a panic.
pub fn examples() -> Vec<Example> {
    SOURCES
        .iter()
        .filter_map(|(id, text)| ScenarioDoc::parse(text).ok().map(|doc| Example { id, doc }))
        .collect()
}

pub fn sources() -> &'static [(&'static str, &'static str)] {
    &SOURCES
}
