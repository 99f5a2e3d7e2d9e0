//! A validated RabbitMQ world: nodes, queue definitions with their policies, exchanges and
//! bindings, clients. Built by the scenario layer; the model trusts it.

use mqlab_engine::{Millis, NodeId};

#[derive(Clone, Debug)]
pub struct RabbitConfig {
    /// Nodes get ids 1..=nodes ("rabbit-1" …).
    pub nodes: u32,
    pub queues: Vec<QueueConfig>,
    pub exchanges: Vec<ExchangeConfig>,
    pub bindings: Vec<Binding>,
    /// Persistent messages reach the disk in batches, every this long (R2, R3); sooner when
    /// a confirm or a `tx.commit` waits for them and the queue is idle (`Timer::IdleSync`).
    pub fsync_interval_ms: Millis,
    /// `net_ticktime`: a silent peer counts as down after this long (R17).
    pub net_ticktime_ms: Millis,
    /// `consumer_timeout`: a delivery unacked this long closes its channel (R10).
    pub consumer_timeout_ms: Millis,
    /// `cluster_partition_handling` (R17).
    pub partition_handling: PartitionHandling,
    pub publishers: Vec<PublisherConfig>,
    pub consumers: Vec<ConsumerConfig>,
    pub stores: Vec<StoreConfig>,
}

/// What a node does when it finds itself cut off from part of the cluster (R17).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PartitionHandling {
    /// Carry on: both sides keep working, split-brained, even after the network heals.
    Ignore,
    /// A node that sees no more than half the cluster pauses until it sees a majority again.
    PauseMinority,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QueueKind {
    /// A classic queue: its contents on one node, optionally mirrored by a policy (3.x).
    Classic,
    /// A Raft group of `members` nodes (R25).
    Quorum { members: u32 },
}

#[derive(Clone, Debug)]
pub struct QueueConfig {
    pub name: String,
    pub durable: bool,
    pub kind: QueueKind,
    /// The node the queue was declared on: its home (classic) or first leader.
    pub home: NodeId,
    pub mirroring: Option<MirrorPolicy>,
    /// `x-message-ttl` (R11).
    pub message_ttl_ms: Option<Millis>,
    /// `x-max-length` (R13): counts ready messages only.
    pub max_length: Option<u32>,
    pub overflow: Overflow,
    /// `x-dead-letter-exchange` and `x-dead-letter-routing-key` (R12).
    pub dead_letter_exchange: Option<String>,
    pub dead_letter_routing_key: Option<String>,
    /// A quorum queue's `delivery-limit` (R14).
    pub delivery_limit: Option<u32>,
}

/// The limits a classic queue enforces by itself (R11, R13).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    pub ttl_ms: Option<Millis>,
    pub max_length: Option<u32>,
    pub reject_publish: bool,
}

impl Limits {
    pub fn of(q: &QueueConfig) -> Limits {
        Limits {
            ttl_ms: q.message_ttl_ms,
            max_length: q.max_length,
            reject_publish: q.overflow == Overflow::RejectPublish,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Overflow {
    DropHead,
    RejectPublish,
}

/// A classic mirrored queue policy (R18).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MirrorPolicy {
    pub mode: HaMode,
    pub sync: SyncMode,
    pub promote_on_failure: Promote,
    pub promote_on_shutdown: Promote,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HaMode {
    All,
    /// `ha-params`: replicas including the leader.
    Exactly(u32),
    Nodes(Vec<NodeId>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SyncMode {
    Manual,
    Automatic,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Promote {
    Always,
    WhenSynced,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExchangeKind {
    Direct,
    Fanout,
}

#[derive(Clone, Debug)]
pub struct ExchangeConfig {
    pub name: String,
    pub kind: ExchangeKind,
}

#[derive(Clone, Debug)]
pub struct Binding {
    pub exchange: String,
    pub queue: u32,
    pub routing_key: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PublishMode {
    /// No confirms: the application never hears back.
    Plain,
    /// Publisher confirms with at most `window` unconfirmed messages (1: wait for each).
    Confirm { window: u32 },
    /// `tx.select`: publish `batch` messages, then `tx.commit` and wait for `commit-ok`.
    Transaction { batch: u32 },
}

#[derive(Clone, Debug)]
pub struct PublisherConfig {
    pub name: String,
    /// The nodes it may connect to, in order; it connects to the first that is up.
    pub nodes: Vec<NodeId>,
    pub mode: PublishMode,
    /// delivery_mode=2.
    pub persistent: bool,
    pub mandatory: bool,
    /// The exchange it publishes to ("" is the default exchange: routing key = queue name).
    pub exchange: String,
    /// Re-publish a message with no confirm after this long, or after a nack (R4).
    pub republish_after_ms: Option<Millis>,
}

#[derive(Clone, Debug)]
pub struct ConsumerConfig {
    pub name: String,
    pub nodes: Vec<NodeId>,
    pub queue: u32,
    /// `autoAck=true`: a delivery counts as done once sent (R6).
    pub auto_ack: bool,
    /// `basic.qos` prefetch_count; 0 is unlimited (R8).
    pub prefetch: u32,
    pub processing_ms: Millis,
    /// Index into `stores`.
    pub store: usize,
    pub join_at_ms: Millis,
    /// Message keys the application always fails to process ("poison"): it rejects them.
    pub poison: Vec<String>,
    /// Reject failed messages with requeue=true (they come back) or false (dead-lettered or
    /// dropped).
    pub reject_requeue: bool,
}

#[derive(Clone, Debug)]
pub struct StoreConfig {
    pub name: String,
    pub kind: mqlab_ledger::StoreKind,
}
