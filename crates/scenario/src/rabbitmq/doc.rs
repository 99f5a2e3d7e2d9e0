//! The `rabbitmq` section of a scenario document, exactly as JSON spells it: nodes, queues
//! with their arguments, exchanges and bindings, policies, publishers and consumers.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RabbitDoc {
    /// Which RabbitMQ: "4" (4.x, the default: quorum queues have a delivery limit of 20,
    /// classic mirroring is gone) or "3.13" (classic mirrored queues through policies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Number of nodes; they are named rabbit-1 … rabbit-N.
    pub nodes: u32,
    pub queues: Vec<QueueDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exchanges: Vec<ExchangeDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bindings: Vec<BindingDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<PolicyDoc>,
    /// How often persistent messages are written to disk (batched fsync).
    #[serde(default = "two_hundred")]
    pub fsync_interval_ms: u64,
    /// `net_ticktime`: a silent peer counts as down after this long.
    #[serde(default = "sixty_seconds")]
    pub net_ticktime_ms: u64,
    /// `consumer_timeout`: a delivery unacked this long closes its channel.
    #[serde(default = "thirty_minutes")]
    pub consumer_timeout_ms: u64,
    /// `cluster_partition_handling`.
    #[serde(default = "ignore")]
    pub partition_handling: PartitionHandlingDoc,
    #[serde(default)]
    pub publishers: Vec<PublisherDoc>,
    #[serde(default)]
    pub consumers: Vec<AmqpConsumerDoc>,
}

/// The RabbitMQ versions whose behaviour differs in what the lessons show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RabbitVersion {
    /// 3.13: classic mirrored queues (removed in 4.0); quorum queues without a default
    /// delivery limit.
    V3_13,
    /// 4.x: no classic mirroring; quorum queues' `delivery-limit` defaults to 20.
    V4,
}

impl RabbitVersion {
    pub const ALL: [RabbitVersion; 2] = [Self::V4, Self::V3_13];

    /// The value the document spells.
    pub fn label(self) -> &'static str {
        match self {
            Self::V3_13 => "3.13",
            Self::V4 => "4",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "3.13" => Some(Self::V3_13),
            "4" => Some(Self::V4),
            _ => None,
        }
    }
    /// RabbitMQ 4.0 gave quorum queues a default delivery limit of 20.
    pub fn default_delivery_limit(self) -> Option<u32> {
        (self == Self::V4).then_some(20)
    }
}

impl RabbitDoc {
    /// The version the document models: as set, or 4.x.
    pub fn rabbit_version(&self) -> RabbitVersion {
        self.version
            .as_deref()
            .and_then(RabbitVersion::parse)
            .unwrap_or(RabbitVersion::V4)
    }

    /// Scale the consumers to `n`: fewer keeps the first `n`; more adds copies of the last
    /// one (same queue, node, prefetch, speed and store) named after the first: "billing-2",
    /// "billing-3". What the `consumers` setting and the settings panel do.
    pub fn set_consumer_count(&mut self, n: usize) {
        self.consumers.truncate(n);
        let (Some(first), Some(last)) = (self.consumers.first(), self.consumers.last()) else {
            return;
        };
        let (base, template) = (first.name.clone(), last.clone());
        let mut i = 2;
        while self.consumers.len() < n {
            let name = format!("{base}-{i}");
            i += 1;
            let taken = self.consumers.iter().any(|c| c.name == name)
                || self.publishers.iter().any(|p| p.name == name);
            if !taken {
                self.consumers.push(AmqpConsumerDoc {
                    name,
                    ..template.clone()
                });
            }
        }
    }
}

fn two_hundred() -> u64 {
    200
}
fn sixty_seconds() -> u64 {
    60_000
}
fn ignore() -> PartitionHandlingDoc {
    PartitionHandlingDoc::Ignore
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartitionHandlingDoc {
    Ignore,
    PauseMinority,
}

fn thirty_minutes() -> u64 {
    1_800_000
}
fn yes() -> bool {
    true
}
fn hundred() -> u64 {
    100
}
fn one() -> u32 {
    1
}
fn window() -> u32 {
    100
}
fn three() -> u32 {
    3
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueTypeDoc {
    Classic,
    Quorum,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OverflowDoc {
    DropHead,
    RejectPublish,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueDoc {
    pub name: String,
    #[serde(default = "yes")]
    pub durable: bool,
    #[serde(rename = "type", default = "classic")]
    pub kind: QueueTypeDoc,
    /// The node it is declared on: a classic queue's home, a quorum queue's first leader.
    pub node: String,
    /// `x-quorum-initial-group-size`.
    #[serde(default = "three")]
    pub quorum_members: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_ttl_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overflow: Option<OverflowDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dead_letter_exchange: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dead_letter_routing_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_limit: Option<u32>,
}

fn classic() -> QueueTypeDoc {
    QueueTypeDoc::Classic
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExchangeTypeDoc {
    Direct,
    Fanout,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExchangeDoc {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ExchangeTypeDoc,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BindingDoc {
    pub exchange: String,
    pub queue: String,
    #[serde(default)]
    pub routing_key: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HaModeDoc {
    All,
    Exactly,
    Nodes,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncModeDoc {
    Manual,
    Automatic,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PromoteDoc {
    Always,
    WhenSynced,
}

/// A classic mirrored queue policy (RabbitMQ 3.x; removed in 4.0).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyDoc {
    pub name: String,
    /// Which queues it applies to: a regular expression over queue names, of the forms
    /// `^prefix`, `^name$`, `name` (contains) or `.*`.
    pub pattern: String,
    pub ha_mode: HaModeDoc,
    /// `exactly`: the replica count (leader included); `nodes`: the node names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ha_params: Option<serde_json::Value>,
    #[serde(default = "manual")]
    pub ha_sync_mode: SyncModeDoc,
    #[serde(default = "always")]
    pub ha_promote_on_failure: PromoteDoc,
    #[serde(default = "when_synced")]
    pub ha_promote_on_shutdown: PromoteDoc,
}

fn manual() -> SyncModeDoc {
    SyncModeDoc::Manual
}
fn always() -> PromoteDoc {
    PromoteDoc::Always
}
fn when_synced() -> PromoteDoc {
    PromoteDoc::WhenSynced
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublishModeDoc {
    Plain,
    Confirm,
    Transaction,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublisherDoc {
    pub name: String,
    /// The nodes it may connect to, in order.
    pub nodes: Vec<String>,
    #[serde(default = "confirm")]
    pub mode: PublishModeDoc,
    /// Confirm mode: at most this many unconfirmed messages (1: wait for each confirm).
    #[serde(default = "window")]
    pub confirm_window: u32,
    /// Transaction mode: messages per `tx.commit`.
    #[serde(default = "one")]
    pub tx_batch: u32,
    /// delivery_mode=2.
    #[serde(default = "yes")]
    pub persistent: bool,
    #[serde(default)]
    pub mandatory: bool,
    #[serde(default)]
    pub exchange: String,
    /// Re-publish a message with no confirm after this long, or after a nack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub republish_after_ms: Option<u64>,
}

fn confirm() -> PublishModeDoc {
    PublishModeDoc::Confirm
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AmqpConsumerDoc {
    pub name: String,
    pub nodes: Vec<String>,
    pub queue: String,
    #[serde(default)]
    pub auto_ack: bool,
    /// `basic.qos` prefetch_count; 0 is unlimited.
    #[serde(default)]
    pub prefetch: u32,
    #[serde(default = "hundred")]
    pub processing_ms: u64,
    /// The store it writes to; the first store if not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<String>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub join_at_ms: u64,
    /// Message keys (labels) the application always fails on: it rejects them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub poison: Vec<String>,
    /// Reject failed messages with requeue=true (they come back) or false (dead-lettered or
    /// dropped).
    #[serde(default = "yes")]
    pub reject_requeue: bool,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}
