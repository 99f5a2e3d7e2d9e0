//! The `rabbitmq` section of a scenario document, exactly as JSON spells it: nodes, queues
//! with their arguments, exchanges and bindings, policies, publishers and consumers.

use crate::read::{named, Field, Res};
use crate::write::{self, Json};

#[derive(Clone, Debug, PartialEq)]
pub struct RabbitDoc {
    /// Which RabbitMQ: "4" (4.x, the default: quorum queues have a delivery limit of 20,
    /// classic mirroring is gone) or "3.13" (classic mirrored queues through policies).
    pub version: Option<String>,
    /// Number of nodes; they are named rabbit-1 … rabbit-N.
    pub nodes: u32,
    pub queues: Vec<QueueDoc>,
    pub exchanges: Vec<ExchangeDoc>,
    pub bindings: Vec<BindingDoc>,
    pub policies: Vec<PolicyDoc>,
    /// How often persistent messages are written to disk (batched fsync).
    pub fsync_interval_ms: u64,
    /// `net_ticktime`: a silent peer counts as down after this long.
    pub net_ticktime_ms: u64,
    /// `consumer_timeout`: a delivery unacked this long closes its channel.
    pub consumer_timeout_ms: u64,
    /// `cluster_partition_handling`.
    pub partition_handling: PartitionHandlingDoc,
    pub publishers: Vec<PublisherDoc>,
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueTypeDoc {
    Classic,
    Quorum,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OverflowDoc {
    DropHead,
    RejectPublish,
}

#[derive(Clone, Debug, PartialEq)]
pub struct QueueDoc {
    pub name: String,
    pub durable: bool,
    pub kind: QueueTypeDoc,
    /// The node it is declared on: a classic queue's home, a quorum queue's first leader.
    pub node: String,
    /// `x-quorum-initial-group-size`.
    pub quorum_members: u32,
    pub message_ttl_ms: Option<u64>,
    pub max_length: Option<u32>,
    pub overflow: Option<OverflowDoc>,
    pub dead_letter_exchange: Option<String>,
    pub dead_letter_routing_key: Option<String>,
    pub delivery_limit: Option<u32>,
}

fn classic() -> QueueTypeDoc {
    QueueTypeDoc::Classic
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExchangeTypeDoc {
    Direct,
    Fanout,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExchangeDoc {
    pub name: String,
    pub kind: ExchangeTypeDoc,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BindingDoc {
    pub exchange: String,
    pub queue: String,
    pub routing_key: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HaModeDoc {
    All,
    Exactly,
    Nodes,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncModeDoc {
    Manual,
    Automatic,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PromoteDoc {
    Always,
    WhenSynced,
}

/// A classic mirrored queue policy (RabbitMQ 3.x; removed in 4.0).
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyDoc {
    pub name: String,
    /// Which queues it applies to: a regular expression over queue names, of the forms
    /// `^prefix`, `^name$`, `name` (contains) or `.*`.
    pub pattern: String,
    pub ha_mode: HaModeDoc,
    /// `exactly`: the replica count (leader included); `nodes`: the node names.
    pub ha_params: Option<serde_json::Value>,
    pub ha_sync_mode: SyncModeDoc,
    pub ha_promote_on_failure: PromoteDoc,
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PublishModeDoc {
    Plain,
    Confirm,
    Transaction,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PublisherDoc {
    pub name: String,
    /// The nodes it may connect to, in order.
    pub nodes: Vec<String>,
    pub mode: PublishModeDoc,
    /// Confirm mode: at most this many unconfirmed messages (1: wait for each confirm).
    pub confirm_window: u32,
    /// Transaction mode: messages per `tx.commit`.
    pub tx_batch: u32,
    /// delivery_mode=2.
    pub persistent: bool,
    pub mandatory: bool,
    pub exchange: String,
    /// Re-publish a message with no confirm after this long, or after a nack.
    pub republish_after_ms: Option<u64>,
}

fn confirm() -> PublishModeDoc {
    PublishModeDoc::Confirm
}

#[derive(Clone, Debug, PartialEq)]
pub struct AmqpConsumerDoc {
    pub name: String,
    pub nodes: Vec<String>,
    pub queue: String,
    pub auto_ack: bool,
    /// `basic.qos` prefetch_count; 0 is unlimited.
    pub prefetch: u32,
    pub processing_ms: u64,
    /// The store it writes to; the first store if not given.
    pub store: Option<String>,
    pub join_at_ms: u64,
    /// Message keys (labels) the application always fails on: it rejects them.
    pub poison: Vec<String>,
    /// Reject failed messages with requeue=true (they come back) or false (dead-lettered or
    /// dropped).
    pub reject_requeue: bool,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

named!(PartitionHandlingDoc { "ignore" => Ignore, "pause_minority" => PauseMinority });
named!(QueueTypeDoc { "classic" => Classic, "quorum" => Quorum });
named!(OverflowDoc { "drop-head" => DropHead, "reject-publish" => RejectPublish });
named!(ExchangeTypeDoc { "direct" => Direct, "fanout" => Fanout });
named!(HaModeDoc { "all" => All, "exactly" => Exactly, "nodes" => Nodes });
named!(SyncModeDoc { "manual" => Manual, "automatic" => Automatic });
named!(PromoteDoc { "always" => Always, "when-synced" => WhenSynced });
named!(PublishModeDoc {
    "plain" => Plain,
    "confirm" => Confirm,
    "transaction" => Transaction,
});

impl RabbitDoc {
    pub fn read(f: Field<'_>) -> Res<RabbitDoc> {
        let o = f.obj(&[
            "version",
            "nodes",
            "queues",
            "exchanges",
            "bindings",
            "policies",
            "fsync_interval_ms",
            "net_ticktime_ms",
            "consumer_timeout_ms",
            "partition_handling",
            "publishers",
            "consumers",
        ])?;
        Ok(RabbitDoc {
            version: o.opt("version", |f| f.string())?,
            nodes: o.req("nodes", |f| f.u32())?,
            queues: o.req("queues", |f| f.list(QueueDoc::read))?,
            exchanges: o.list("exchanges", ExchangeDoc::read)?,
            bindings: o.list("bindings", BindingDoc::read)?,
            policies: o.list("policies", PolicyDoc::read)?,
            fsync_interval_ms: o.or("fsync_interval_ms", two_hundred(), |f| f.ms())?,
            net_ticktime_ms: o.or("net_ticktime_ms", sixty_seconds(), |f| f.ms())?,
            consumer_timeout_ms: o.or("consumer_timeout_ms", thirty_minutes(), |f| f.ms())?,
            partition_handling: o.or("partition_handling", ignore(), |f| f.name())?,
            publishers: o.list("publishers", PublisherDoc::read)?,
            consumers: o.list("consumers", AmqpConsumerDoc::read)?,
        })
    }

    pub fn write(&self) -> Json {
        write::Obj::new()
            .opt("version", self.version.as_ref())
            .put("nodes", self.nodes)
            .put("queues", write::list(&self.queues, QueueDoc::write))
            .put_if(
                !self.exchanges.is_empty(),
                "exchanges",
                write::list(&self.exchanges, ExchangeDoc::write),
            )
            .put_if(
                !self.bindings.is_empty(),
                "bindings",
                write::list(&self.bindings, BindingDoc::write),
            )
            .put_if(
                !self.policies.is_empty(),
                "policies",
                write::list(&self.policies, PolicyDoc::write),
            )
            .put("fsync_interval_ms", self.fsync_interval_ms)
            .put("net_ticktime_ms", self.net_ticktime_ms)
            .put("consumer_timeout_ms", self.consumer_timeout_ms)
            .put("partition_handling", write::name(self.partition_handling))
            .put(
                "publishers",
                write::list(&self.publishers, PublisherDoc::write),
            )
            .put(
                "consumers",
                write::list(&self.consumers, AmqpConsumerDoc::write),
            )
            .done()
    }
}

impl QueueDoc {
    pub fn read(f: Field<'_>) -> Res<QueueDoc> {
        let o = f.obj(&[
            "name",
            "durable",
            "type",
            "node",
            "quorum_members",
            "message_ttl_ms",
            "max_length",
            "overflow",
            "dead_letter_exchange",
            "dead_letter_routing_key",
            "delivery_limit",
        ])?;
        Ok(QueueDoc {
            name: o.req("name", |f| f.string())?,
            durable: o.or("durable", yes(), |f| f.bool())?,
            kind: o.or("type", classic(), |f| f.name())?,
            node: o.req("node", |f| f.string())?,
            quorum_members: o.or("quorum_members", three(), |f| f.u32())?,
            message_ttl_ms: o.opt("message_ttl_ms", |f| f.ms())?,
            max_length: o.opt("max_length", |f| f.u32())?,
            overflow: o.opt("overflow", |f| f.name())?,
            dead_letter_exchange: o.opt("dead_letter_exchange", |f| f.string())?,
            dead_letter_routing_key: o.opt("dead_letter_routing_key", |f| f.string())?,
            delivery_limit: o.opt("delivery_limit", |f| f.u32())?,
        })
    }

    pub fn write(&self) -> Json {
        write::Obj::new()
            .put("name", &self.name)
            .put("durable", self.durable)
            .put("type", write::name(self.kind))
            .put("node", &self.node)
            .put("quorum_members", self.quorum_members)
            .opt("message_ttl_ms", self.message_ttl_ms)
            .opt("max_length", self.max_length)
            .opt("overflow", self.overflow.map(write::name))
            .opt("dead_letter_exchange", self.dead_letter_exchange.as_ref())
            .opt(
                "dead_letter_routing_key",
                self.dead_letter_routing_key.as_ref(),
            )
            .opt("delivery_limit", self.delivery_limit)
            .done()
    }
}

impl ExchangeDoc {
    pub fn read(f: Field<'_>) -> Res<ExchangeDoc> {
        let o = f.obj(&["name", "type"])?;
        Ok(ExchangeDoc {
            name: o.req("name", |f| f.string())?,
            kind: o.req("type", |f| f.name())?,
        })
    }

    pub fn write(&self) -> Json {
        write::Obj::new()
            .put("name", &self.name)
            .put("type", write::name(self.kind))
            .done()
    }
}

impl BindingDoc {
    pub fn read(f: Field<'_>) -> Res<BindingDoc> {
        let o = f.obj(&["exchange", "queue", "routing_key"])?;
        Ok(BindingDoc {
            exchange: o.req("exchange", |f| f.string())?,
            queue: o.req("queue", |f| f.string())?,
            routing_key: o.or("routing_key", String::new(), |f| f.string())?,
        })
    }

    pub fn write(&self) -> Json {
        write::Obj::new()
            .put("exchange", &self.exchange)
            .put("queue", &self.queue)
            .put("routing_key", &self.routing_key)
            .done()
    }
}

impl PolicyDoc {
    pub fn read(f: Field<'_>) -> Res<PolicyDoc> {
        let o = f.obj(&[
            "name",
            "pattern",
            "ha_mode",
            "ha_params",
            "ha_sync_mode",
            "ha_promote_on_failure",
            "ha_promote_on_shutdown",
        ])?;
        Ok(PolicyDoc {
            name: o.req("name", |f| f.string())?,
            pattern: o.req("pattern", |f| f.string())?,
            ha_mode: o.req("ha_mode", |f| f.name())?,
            // Checked against `ha_mode` by validation, which names the field.
            ha_params: o.opt("ha_params", |f| Ok(f.value.clone()))?,
            ha_sync_mode: o.or("ha_sync_mode", manual(), |f| f.name())?,
            ha_promote_on_failure: o.or("ha_promote_on_failure", always(), |f| f.name())?,
            ha_promote_on_shutdown: o.or("ha_promote_on_shutdown", when_synced(), |f| f.name())?,
        })
    }

    pub fn write(&self) -> Json {
        write::Obj::new()
            .put("name", &self.name)
            .put("pattern", &self.pattern)
            .put("ha_mode", write::name(self.ha_mode))
            .opt("ha_params", self.ha_params.clone().map(Json::Plain))
            .put("ha_sync_mode", write::name(self.ha_sync_mode))
            .put(
                "ha_promote_on_failure",
                write::name(self.ha_promote_on_failure),
            )
            .put(
                "ha_promote_on_shutdown",
                write::name(self.ha_promote_on_shutdown),
            )
            .done()
    }
}

impl PublisherDoc {
    pub fn read(f: Field<'_>) -> Res<PublisherDoc> {
        let o = f.obj(&[
            "name",
            "nodes",
            "mode",
            "confirm_window",
            "tx_batch",
            "persistent",
            "mandatory",
            "exchange",
            "republish_after_ms",
        ])?;
        Ok(PublisherDoc {
            name: o.req("name", |f| f.string())?,
            nodes: o.req("nodes", |f| f.strings())?,
            mode: o.or("mode", confirm(), |f| f.name())?,
            confirm_window: o.or("confirm_window", window(), |f| f.u32())?,
            tx_batch: o.or("tx_batch", one(), |f| f.u32())?,
            persistent: o.or("persistent", yes(), |f| f.bool())?,
            mandatory: o.or("mandatory", false, |f| f.bool())?,
            exchange: o.or("exchange", String::new(), |f| f.string())?,
            republish_after_ms: o.opt("republish_after_ms", |f| f.ms())?,
        })
    }

    pub fn write(&self) -> Json {
        write::Obj::new()
            .put("name", &self.name)
            .put("nodes", self.nodes.as_slice())
            .put("mode", write::name(self.mode))
            .put("confirm_window", self.confirm_window)
            .put("tx_batch", self.tx_batch)
            .put("persistent", self.persistent)
            .put("mandatory", self.mandatory)
            .put("exchange", &self.exchange)
            .opt("republish_after_ms", self.republish_after_ms)
            .done()
    }
}

impl AmqpConsumerDoc {
    pub fn read(f: Field<'_>) -> Res<AmqpConsumerDoc> {
        let o = f.obj(&[
            "name",
            "nodes",
            "queue",
            "auto_ack",
            "prefetch",
            "processing_ms",
            "store",
            "join_at_ms",
            "poison",
            "reject_requeue",
        ])?;
        Ok(AmqpConsumerDoc {
            name: o.req("name", |f| f.string())?,
            nodes: o.req("nodes", |f| f.strings())?,
            queue: o.req("queue", |f| f.string())?,
            auto_ack: o.or("auto_ack", false, |f| f.bool())?,
            prefetch: o.or("prefetch", 0, |f| f.u32())?,
            processing_ms: o.or("processing_ms", hundred(), |f| f.ms())?,
            store: o.opt("store", |f| f.string())?,
            join_at_ms: o.or("join_at_ms", 0, |f| f.ms())?,
            poison: o.or("poison", Vec::new(), |f| f.strings())?,
            reject_requeue: o.or("reject_requeue", yes(), |f| f.bool())?,
        })
    }

    pub fn write(&self) -> Json {
        write::Obj::new()
            .put("name", &self.name)
            .put("nodes", self.nodes.as_slice())
            .put("queue", &self.queue)
            .put("auto_ack", self.auto_ack)
            .put("prefetch", self.prefetch)
            .put("processing_ms", self.processing_ms)
            .opt("store", self.store.as_ref())
            .put_if(!is_zero(&self.join_at_ms), "join_at_ms", self.join_at_ms)
            .put_if(!self.poison.is_empty(), "poison", self.poison.as_slice())
            .put("reject_requeue", self.reject_requeue)
            .done()
    }
}
