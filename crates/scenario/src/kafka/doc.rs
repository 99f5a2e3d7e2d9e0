//! The Kafka parts of a scenario document, exactly as JSON spells them: the `kafka` section
//! (brokers, topics, timing) and the Kafka clients (producers, readers, group consumers).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KafkaDoc {
    /// Number of brokers; they are named broker-1 … broker-N.
    pub brokers: u32,
    pub topics: Vec<TopicDoc>,
    /// `auto.leader.rebalance.enable` (Kafka's default: true): move leadership back to
    /// preferred leaders every `leader_imbalance_check_interval_ms`.
    #[serde(default = "yes")]
    pub auto_leader_rebalance: bool,
    /// Which Kafka's replication rules: "4.1" (the default), "4.0", "3.6" (the high
    /// watermark advances under min ISR, K10) or "0.10" (followers truncate to their high
    /// watermark, K16).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `eligible.leader.replicas.version=1` (KIP-966). Unset: the version's default for a
    /// new cluster (on from 4.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligible_leader_replicas: Option<bool>,
    #[serde(default)]
    pub timing: KafkaTimingDoc,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicDoc {
    pub name: String,
    pub partitions: u32,
    pub replication_factor: u32,
    /// `min.insync.replicas`.
    #[serde(default = "one")]
    pub min_insync_replicas: u32,
    /// `unclean.leader.election.enable`.
    #[serde(default)]
    pub unclean_leader_election: bool,
}

fn one() -> u32 {
    1
}
fn yes() -> bool {
    true
}

/// Broker and controller timing, real Kafka defaults unless a scenario scales them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KafkaTimingDoc {
    /// `broker.heartbeat.interval.ms`.
    pub heartbeat_interval_ms: u64,
    /// `broker.session.timeout.ms`: the controller fences a broker silent this long.
    pub session_timeout_ms: u64,
    /// `replica.lag.time.max.ms`: the leader drops a follower not caught up this long.
    pub replica_lag_time_max_ms: u64,
    /// `replica.fetch.wait.max.ms`: how long a follower that got nothing waits to fetch again.
    pub replica_fetch_wait_max_ms: u64,
    /// `replica.socket.timeout.ms`: a follower re-sends a fetch that got no answer.
    pub replica_socket_timeout_ms: u64,
    /// `leader.imbalance.check.interval.seconds` × 1000.
    pub leader_imbalance_check_interval_ms: u64,
}

impl Default for KafkaTimingDoc {
    fn default() -> Self {
        Self {
            heartbeat_interval_ms: 2_000,
            session_timeout_ms: 9_000,
            replica_lag_time_max_ms: 30_000,
            replica_fetch_wait_max_ms: 500,
            replica_socket_timeout_ms: 30_000,
            leader_imbalance_check_interval_ms: 300_000,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AcksDoc {
    #[serde(rename = "0")]
    Zero,
    #[serde(rename = "1")]
    One,
    #[serde(rename = "all")]
    All,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProducerDoc {
    pub name: String,
    #[serde(default = "acks_all")]
    pub acks: AcksDoc,
    /// `retries`: how many times a failed batch is re-sent (bounded by the delivery timeout).
    #[serde(default = "max_retries")]
    pub retries: u32,
    #[serde(default = "thirty_seconds")]
    pub request_timeout_ms: u64,
    #[serde(default = "two_minutes")]
    pub delivery_timeout_ms: u64,
    #[serde(default = "hundred")]
    pub retry_backoff_ms: u64,
    /// `max.in.flight.requests.per.connection`.
    #[serde(default = "five")]
    pub max_in_flight: u32,
    /// `enable.idempotence`. Unset: Kafka's default, on unless acks, retries or in-flight
    /// conflict with it (then silently off); `true` with a conflict is an error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_idempotence: Option<bool>,
}

fn acks_all() -> AcksDoc {
    AcksDoc::All
}
fn max_retries() -> u32 {
    i32::MAX as u32
}
fn thirty_seconds() -> u64 {
    30_000
}
fn two_minutes() -> u64 {
    120_000
}
fn hundred() -> u64 {
    100
}
fn five() -> u32 {
    5
}

/// A plain consumer (no group yet) that fetches a topic from the start and records what it
/// could read: the "what would a consumer see" probe.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReaderDoc {
    pub name: String,
    pub topic: String,
    #[serde(default = "five_hundred")]
    pub poll_interval_ms: u64,
}

fn five_hundred() -> u64 {
    500
}

/// When a consumer commits (K29–K32).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitDoc {
    /// `enable.auto.commit=true`, inside poll() every `auto_commit_interval_ms`.
    Auto,
    /// Process the batch, then commitSync (at-least-once).
    SyncAfterProcess,
    /// Process the batch, then commitAsync.
    AsyncAfterProcess,
    /// commitSync first, then process (at-most-once).
    SyncBeforeProcess,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OffsetResetDoc {
    Earliest,
    Latest,
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignorDoc {
    Range,
    RoundRobin,
}

/// A consumer in a group. Every setting is Kafka's default unless given.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsumerDoc {
    pub name: String,
    /// `group.id`.
    pub group: String,
    /// The one topic it subscribes to; or give `topics`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub topic: String,
    /// Several topics (K26's multi-topic assignment); `topic` is the one-topic shorthand.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<String>,
    #[serde(default = "commit_auto")]
    pub commit: CommitDoc,
    /// `auto.commit.interval.ms`.
    #[serde(default = "five_seconds")]
    pub auto_commit_interval_ms: u64,
    /// `auto.offset.reset`.
    #[serde(default = "reset_latest")]
    pub auto_offset_reset: OffsetResetDoc,
    /// `partition.assignment.strategy`.
    #[serde(default = "range_assignor")]
    pub assignor: AssignorDoc,
    /// `session.timeout.ms`.
    #[serde(default = "forty_five_seconds")]
    pub session_timeout_ms: u64,
    /// `heartbeat.interval.ms`.
    #[serde(default = "three_seconds")]
    pub heartbeat_interval_ms: u64,
    /// `max.poll.interval.ms`.
    #[serde(default = "five_minutes")]
    pub max_poll_interval_ms: u64,
    /// `max.poll.records`.
    #[serde(default = "max_poll_records")]
    pub max_poll_records: u32,
    /// `fetch.max.wait.ms`.
    #[serde(default = "five_hundred")]
    pub fetch_max_wait_ms: u64,
    /// How long the application takes to process one record.
    #[serde(default = "hundred")]
    pub processing_ms: u64,
    /// The store it writes to; the first store if not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<String>,
    /// Start (and join the group) this late.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub join_at_ms: u64,
}

fn commit_auto() -> CommitDoc {
    CommitDoc::Auto
}
fn reset_latest() -> OffsetResetDoc {
    OffsetResetDoc::Latest
}
fn range_assignor() -> AssignorDoc {
    AssignorDoc::Range
}
fn five_seconds() -> u64 {
    5_000
}
fn three_seconds() -> u64 {
    3_000
}
fn forty_five_seconds() -> u64 {
    45_000
}
fn five_minutes() -> u64 {
    300_000
}
fn max_poll_records() -> u32 {
    500
}
fn is_zero(v: &u64) -> bool {
    *v == 0
}
