//! Stage one of loading: the scenario document exactly as JSON spells it. Nothing here is
//! trusted; `validate` turns it into a model or an error naming the field.

use crate::i18n::Text;
pub use crate::kafka::doc::*;
use crate::rabbitmq::doc::RabbitDoc;
use serde::{Deserialize, Serialize};

/// A scenario: a topology, its settings, a seed and a script of timed actions and faults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioDoc {
    /// A short stable id, e.g. "kafka-leader-kill".
    pub id: String,
    pub title: Text,
    #[serde(default)]
    pub description: Text,
    #[serde(default)]
    pub seed: u64,
    /// The trace ends at this simulated time.
    pub duration_ms: u64,
    #[serde(default)]
    pub network: NetworkDoc,
    /// The cluster: exactly one of `kafka` or `rabbitmq`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kafka: Option<KafkaDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rabbitmq: Option<RabbitDoc>,
    /// Kafka clients.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub producers: Vec<ProducerDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub readers: Vec<ReaderDoc>,
    /// Group consumers and the downstream stores they process records into.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consumers: Vec<ConsumerDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stores: Vec<StoreDoc>,
    #[serde(default)]
    pub script: Vec<ScriptEntry>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NetworkDoc {
    /// One-way delay of every healthy link.
    pub latency_ms: u64,
    /// The most a seeded draw adds to the latency of one message.
    pub jitter_ms: u64,
}

impl Default for NetworkDoc {
    fn default() -> Self {
        Self {
            latency_ms: 1,
            jitter_ms: 1,
        }
    }
}

/// A downstream store: where consumers put what they process.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreDoc {
    pub name: String,
    pub kind: StoreKindDoc,
}

/// The seed's idempotency strategies, and the plain table that has none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoreKindDoc {
    PlainInsert,
    UniqueKey,
    LookupUpdate,
    RedisSet,
    SeenSet,
}

/// When a script entry happens: at a simulated time, or right after a given step of the
/// trace (how faults injected from the stage are recorded, so replay is exact).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScriptEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_step: Option<u64>,
    #[serde(flatten)]
    pub action: ActionDoc,
}

/// What a script entry does. Nodes are named: "broker-2", "controller", or a client's name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum ActionDoc {
    /// Produce `count` keyed messages; keys are "<key>-<n>" and also serve as labels.
    Produce {
        producer: String,
        topic: String,
        count: u32,
        key: String,
        /// Send to this partition instead of hashing the key.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        partition: Option<u32>,
        /// Every message carries `key` itself as its record key ("user-1"; the labels stay
        /// "user-1-<n>"), so all of them go to the partition murmur2(key) picks.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        same_key: bool,
    },
    Crash {
        node: String,
    },
    /// A Kafka broker's machine loses power: kill -9, and the last `unflushed` records of
    /// each of its logs, never flushed from the page cache, are gone (KIP-966's unclean
    /// shutdown with data loss).
    PowerLoss {
        node: String,
        unflushed: u32,
    },
    Stop {
        node: String,
    },
    Restart {
        node: String,
    },
    Isolate {
        node: String,
    },
    /// Heal every link of one node.
    Reconnect {
        node: String,
    },
    Partition {
        left: Vec<String>,
        right: Vec<String>,
    },
    CutLink {
        a: String,
        b: String,
    },
    SlowLink {
        a: String,
        b: String,
        extra_ms: u64,
    },
    HealLink {
        a: String,
        b: String,
    },
    HealAll,
    /// `kafka-leader-election.sh --election-type preferred` on every partition.
    ElectPreferredLeaders,
    /// RabbitMQ: publish `count` messages labelled "<key>-<n>" with a routing key.
    Publish {
        publisher: String,
        count: u32,
        key: String,
        /// Defaults to the publisher's queue-less default: the first queue's name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        routing_key: Option<String>,
    },
    /// RabbitMQ: `rabbitmqctl sync_queue` (classic mirrored queues).
    SyncQueue {
        queue: String,
    },
}
