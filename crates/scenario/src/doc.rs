//! Stage one of loading: the scenario document exactly as JSON spells it, read through the
//! one reader (`read`) and written through the one writer (`write`). Nothing here is
//! trusted; `validate` turns it into a model or an error naming the field.

use crate::error::ScenarioError;
use crate::i18n::Text;
pub use crate::kafka::doc::*;
use crate::rabbitmq::doc::RabbitDoc;
use crate::read::{self, named, Field, Obj, Res};
use crate::write::{self, Json};
use serde_json::Value;

/// A scenario: a topology, its settings, a seed and a script of timed actions and faults.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioDoc {
    /// A short stable id, e.g. "kafka-leader-kill".
    pub id: String,
    pub title: Text,
    pub description: Text,
    pub seed: u64,
    /// The trace ends at this simulated time.
    pub duration_ms: u64,
    pub network: NetworkDoc,
    /// The cluster: exactly one of `kafka` or `rabbitmq`.
    pub kafka: Option<KafkaDoc>,
    pub rabbitmq: Option<RabbitDoc>,
    /// Kafka clients.
    pub producers: Vec<ProducerDoc>,
    pub readers: Vec<ReaderDoc>,
    /// Group consumers and the downstream stores they process records into.
    pub consumers: Vec<ConsumerDoc>,
    pub stores: Vec<StoreDoc>,
    pub script: Vec<ScriptEntry>,
}

#[derive(Clone, Debug, PartialEq)]
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
#[derive(Clone, Debug, PartialEq)]
pub struct StoreDoc {
    pub name: String,
    pub kind: StoreKindDoc,
}

/// The seed's idempotency strategies, and the plain table that has none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreKindDoc {
    PlainInsert,
    UniqueKey,
    LookupUpdate,
    RedisSet,
    SeenSet,
}

/// When a script entry happens: at a simulated time, or right after a given step of the
/// trace (how faults injected from the stage are recorded, so replay is exact).
#[derive(Clone, Debug, PartialEq)]
pub struct ScriptEntry {
    pub at_ms: Option<u64>,
    pub after_step: Option<u64>,
    pub action: ActionDoc,
}

/// What a script entry does. Nodes are named: "broker-2", "controller", or a client's name.
#[derive(Clone, Debug, PartialEq)]
pub enum ActionDoc {
    /// Produce `count` keyed messages; keys are "<key>-<n>" and also serve as labels.
    Produce {
        producer: String,
        topic: String,
        count: u32,
        key: String,
        /// Send to this partition instead of hashing the key.
        partition: Option<u32>,
        /// Every message carries `key` itself as its record key ("user-1"; the labels stay
        /// "user-1-<n>"), so all of them go to the partition murmur2(key) picks.
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
    /// Kafka (K23): a transactional producer sends `count` messages keyed "<key>-<n>" in one
    /// transaction, then commits it or (`"commit": false`) aborts it.
    Transaction {
        producer: String,
        topic: String,
        count: u32,
        key: String,
        commit: bool,
    },
    /// RabbitMQ: publish `count` messages labelled "<key>-<n>" with a routing key.
    Publish {
        publisher: String,
        count: u32,
        key: String,
        /// Defaults to the publisher's queue-less default: the first queue's name.
        routing_key: Option<String>,
    },
    /// RabbitMQ: `rabbitmqctl sync_queue` (classic mirrored queues).
    SyncQueue {
        queue: String,
    },
}

named!(StoreKindDoc {
    "plain_insert" => PlainInsert,
    "unique_key" => UniqueKey,
    "lookup_update" => LookupUpdate,
    "redis_set" => RedisSet,
    "seen_set" => SeenSet,
});

impl ScenarioDoc {
    /// A document from its JSON text: a syntax error names its line and column, anything
    /// else the field (`script[3].at_ms`).
    pub fn parse(text: &str) -> Result<ScenarioDoc, ScenarioError> {
        read::parse(text, Self::read)
    }

    /// A document from parsed JSON.
    pub fn from_value(value: &Value) -> Result<ScenarioDoc, ScenarioError> {
        Self::read(Field::new("", value))
    }

    pub fn read(f: Field<'_>) -> Res<ScenarioDoc> {
        let o = f.obj(&[
            "id",
            "title",
            "description",
            "seed",
            "duration_ms",
            "network",
            "kafka",
            "rabbitmq",
            "producers",
            "readers",
            "consumers",
            "stores",
            "script",
        ])?;
        Ok(ScenarioDoc {
            id: o.req("id", |f| f.string())?,
            title: o.req("title", |f| f.text())?,
            description: o.or("description", Text::default(), |f| f.text())?,
            seed: o.or("seed", 0, |f| f.u64())?,
            duration_ms: o.req("duration_ms", |f| f.ms())?,
            network: o.or("network", NetworkDoc::default(), NetworkDoc::read)?,
            kafka: o.opt("kafka", KafkaDoc::read)?,
            rabbitmq: o.opt("rabbitmq", RabbitDoc::read)?,
            producers: o.list("producers", ProducerDoc::read)?,
            readers: o.list("readers", ReaderDoc::read)?,
            consumers: o.list("consumers", ConsumerDoc::read)?,
            stores: o.list("stores", StoreDoc::read)?,
            script: o.list("script", ScriptEntry::read)?,
        })
    }

    /// The document as JSON, fields in the file format's order.
    pub fn write(&self) -> Json {
        write::Obj::new()
            .put("id", &self.id)
            .put("title", &self.title)
            .put("description", &self.description)
            .put("seed", self.seed)
            .put("duration_ms", self.duration_ms)
            .put("network", self.network.write())
            .opt("kafka", self.kafka.as_ref().map(KafkaDoc::write))
            .opt("rabbitmq", self.rabbitmq.as_ref().map(RabbitDoc::write))
            .put_if(
                !self.producers.is_empty(),
                "producers",
                write::list(&self.producers, ProducerDoc::write),
            )
            .put_if(
                !self.readers.is_empty(),
                "readers",
                write::list(&self.readers, ReaderDoc::write),
            )
            .put_if(
                !self.consumers.is_empty(),
                "consumers",
                write::list(&self.consumers, ConsumerDoc::write),
            )
            .put_if(
                !self.stores.is_empty(),
                "stores",
                write::list(&self.stores, StoreDoc::write),
            )
            .put("script", write::list(&self.script, ScriptEntry::write))
            .done()
    }

    /// As a `serde_json::Value` (what share links diff).
    pub fn to_value(&self) -> Value {
        self.write().into_value()
    }

    /// Minified JSON text.
    pub fn to_json(&self) -> String {
        self.write().text()
    }

    /// Indented JSON text: the file the command line reads.
    pub fn to_json_pretty(&self) -> String {
        self.write().pretty()
    }
}

impl NetworkDoc {
    pub fn read(f: Field<'_>) -> Res<NetworkDoc> {
        let o = f.obj(&["latency_ms", "jitter_ms"])?;
        let d = NetworkDoc::default();
        Ok(NetworkDoc {
            latency_ms: o.or("latency_ms", d.latency_ms, |f| f.ms())?,
            jitter_ms: o.or("jitter_ms", d.jitter_ms, |f| f.ms())?,
        })
    }

    pub fn write(&self) -> Json {
        write::Obj::new()
            .put("latency_ms", self.latency_ms)
            .put("jitter_ms", self.jitter_ms)
            .done()
    }
}

impl StoreDoc {
    pub fn read(f: Field<'_>) -> Res<StoreDoc> {
        let o = f.obj(&["name", "kind"])?;
        Ok(StoreDoc {
            name: o.req("name", |f| f.string())?,
            kind: o.req("kind", |f| f.name())?,
        })
    }

    pub fn write(&self) -> Json {
        write::Obj::new()
            .put("name", &self.name)
            .put("kind", write::name(self.kind))
            .done()
    }
}

impl ScriptEntry {
    pub fn read(f: Field<'_>) -> Res<ScriptEntry> {
        let o = f.open()?;
        Ok(ScriptEntry {
            action: ActionDoc::read_in(&o, &["at_ms", "after_step"])?,
            at_ms: o.opt("at_ms", |f| f.ms())?,
            after_step: o.opt("after_step", |f| f.u64())?,
        })
    }

    pub fn write(&self) -> Json {
        let o = write::Obj::new()
            .opt("at_ms", self.at_ms)
            .opt("after_step", self.after_step);
        self.action.write_into(o).done()
    }
}

/// How documents name the actions (`"do": "power_loss"`), and the fields each one has.
const ACTIONS: &[(&str, &[&str])] = &[
    (
        "produce",
        &["producer", "topic", "count", "key", "partition", "same_key"],
    ),
    ("crash", &["node"]),
    ("power_loss", &["node", "unflushed"]),
    ("stop", &["node"]),
    ("restart", &["node"]),
    ("isolate", &["node"]),
    ("reconnect", &["node"]),
    ("partition", &["left", "right"]),
    ("cut_link", &["a", "b"]),
    ("slow_link", &["a", "b", "extra_ms"]),
    ("heal_link", &["a", "b"]),
    ("heal_all", &[]),
    ("elect_preferred_leaders", &[]),
    (
        "transaction",
        &["producer", "topic", "count", "key", "commit"],
    ),
    ("publish", &["publisher", "count", "key", "routing_key"]),
    ("sync_queue", &["queue"]),
];

/// The tag of a tagged object (`"do"`, `"kind"`): one of `tags`, whose fields (with `tag`
/// and `extra`) are then the only ones allowed.
pub(crate) fn tagged<'t>(
    o: &Obj<'_>,
    tag: &'static str,
    tags: &'t [(&'static str, &'static [&'static str])],
    extra: &[&'static str],
) -> Res<&'t str> {
    if o.raw(tag).is_none() {
        // No tag: a misspelt one (`"kindd"`) is the likelier mistake, so unknown fields are
        // named first, against every field any variant has.
        let mut every: Vec<&'static str> = vec![tag];
        every.extend(tags.iter().flat_map(|(_, fields)| fields.iter().copied()));
        every.extend_from_slice(extra);
        o.only(&every)?;
    }
    let names: Vec<&'t str> = tags.iter().map(|(n, _)| *n).collect();
    let name = o.req(tag, |f| f.pick(&names))?;
    let fields = tags
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(&[][..], |t| t.1);
    let mut allowed: Vec<&'static str> = vec![tag];
    allowed.extend_from_slice(fields);
    allowed.extend_from_slice(extra);
    o.only(&allowed)?;
    Ok(name)
}

impl ActionDoc {
    /// An action on its own (a lesson's solution): `{"do": "crash", "node": "broker-1"}`.
    pub fn read(f: Field<'_>) -> Res<ActionDoc> {
        Self::read_in(&f.open()?, &[])
    }

    /// The action of an object that may also hold `extra` fields (a script entry's time).
    fn read_in(o: &Obj<'_>, extra: &[&'static str]) -> Res<ActionDoc> {
        let s = |key: &str| o.req(key, |f| f.string());
        let node = || s("node");
        Ok(match tagged(o, "do", ACTIONS, extra)? {
            "produce" => ActionDoc::Produce {
                producer: s("producer")?,
                topic: s("topic")?,
                count: o.req("count", |f| f.u32())?,
                key: s("key")?,
                partition: o.opt("partition", |f| f.u32())?,
                same_key: o.or("same_key", false, |f| f.bool())?,
            },
            "crash" => ActionDoc::Crash { node: node()? },
            "power_loss" => ActionDoc::PowerLoss {
                node: node()?,
                unflushed: o.req("unflushed", |f| f.u32())?,
            },
            "stop" => ActionDoc::Stop { node: node()? },
            "restart" => ActionDoc::Restart { node: node()? },
            "isolate" => ActionDoc::Isolate { node: node()? },
            "reconnect" => ActionDoc::Reconnect { node: node()? },
            "partition" => ActionDoc::Partition {
                left: o.req("left", |f| f.strings())?,
                right: o.req("right", |f| f.strings())?,
            },
            "cut_link" => ActionDoc::CutLink {
                a: s("a")?,
                b: s("b")?,
            },
            "slow_link" => ActionDoc::SlowLink {
                a: s("a")?,
                b: s("b")?,
                extra_ms: o.req("extra_ms", |f| f.ms())?,
            },
            "heal_link" => ActionDoc::HealLink {
                a: s("a")?,
                b: s("b")?,
            },
            "heal_all" => ActionDoc::HealAll,
            "elect_preferred_leaders" => ActionDoc::ElectPreferredLeaders,
            "transaction" => ActionDoc::Transaction {
                producer: s("producer")?,
                topic: s("topic")?,
                count: o.req("count", |f| f.u32())?,
                key: s("key")?,
                commit: o.or("commit", true, |f| f.bool())?,
            },
            "publish" => ActionDoc::Publish {
                publisher: s("publisher")?,
                count: o.req("count", |f| f.u32())?,
                key: s("key")?,
                routing_key: o.opt("routing_key", |f| f.string())?,
            },
            _ => ActionDoc::SyncQueue { queue: s("queue")? },
        })
    }

    /// The name documents give this action.
    pub fn tag(&self) -> &'static str {
        match self {
            ActionDoc::Produce { .. } => "produce",
            ActionDoc::Crash { .. } => "crash",
            ActionDoc::PowerLoss { .. } => "power_loss",
            ActionDoc::Stop { .. } => "stop",
            ActionDoc::Restart { .. } => "restart",
            ActionDoc::Isolate { .. } => "isolate",
            ActionDoc::Reconnect { .. } => "reconnect",
            ActionDoc::Partition { .. } => "partition",
            ActionDoc::CutLink { .. } => "cut_link",
            ActionDoc::SlowLink { .. } => "slow_link",
            ActionDoc::HealLink { .. } => "heal_link",
            ActionDoc::HealAll => "heal_all",
            ActionDoc::ElectPreferredLeaders => "elect_preferred_leaders",
            ActionDoc::Transaction { .. } => "transaction",
            ActionDoc::Publish { .. } => "publish",
            ActionDoc::SyncQueue { .. } => "sync_queue",
        }
    }

    pub fn write(&self) -> Json {
        self.write_into(write::Obj::new()).done()
    }

    fn write_into(&self, o: write::Obj) -> write::Obj {
        let o = o.put("do", self.tag());
        match self {
            ActionDoc::Produce {
                producer,
                topic,
                count,
                key,
                partition,
                same_key,
            } => o
                .put("producer", producer)
                .put("topic", topic)
                .put("count", *count)
                .put("key", key)
                .opt("partition", *partition)
                .put_if(*same_key, "same_key", true),
            ActionDoc::Crash { node }
            | ActionDoc::Stop { node }
            | ActionDoc::Restart { node }
            | ActionDoc::Isolate { node }
            | ActionDoc::Reconnect { node } => o.put("node", node),
            ActionDoc::PowerLoss { node, unflushed } => {
                o.put("node", node).put("unflushed", *unflushed)
            }
            ActionDoc::Partition { left, right } => o
                .put("left", left.as_slice())
                .put("right", right.as_slice()),
            ActionDoc::CutLink { a, b } | ActionDoc::HealLink { a, b } => o.put("a", a).put("b", b),
            ActionDoc::SlowLink { a, b, extra_ms } => {
                o.put("a", a).put("b", b).put("extra_ms", *extra_ms)
            }
            ActionDoc::HealAll | ActionDoc::ElectPreferredLeaders => o,
            ActionDoc::Transaction {
                producer,
                topic,
                count,
                key,
                commit,
            } => o
                .put("producer", producer)
                .put("topic", topic)
                .put("count", *count)
                .put("key", key)
                .put("commit", *commit),
            ActionDoc::Publish {
                publisher,
                count,
                key,
                routing_key,
            } => o
                .put("publisher", publisher)
                .put("count", *count)
                .put("key", key)
                .opt("routing_key", routing_key.as_ref()),
            ActionDoc::SyncQueue { queue } => o.put("queue", queue),
        }
    }
}
