//! Stage two of loading: check a [`ScenarioDoc`] field by field and build the model's
//! configuration and the script. The first problem found is returned, naming its field.

use crate::doc::{
    AcksDoc, ActionDoc, AssignorDoc, CommitDoc, OffsetResetDoc, ScenarioDoc, StoreKindDoc,
};
use crate::error::ScenarioError;
use mqlab_engine::VecMap;
use mqlab_engine::{Fault, Millis, NodeId};
use mqlab_kafka::{
    Acks, Action, Assignor, CommitMode, ConsumerConfig, KafkaConfig, KafkaVersion, OffsetReset,
    ProducerConfig, ReaderConfig, StoreConfig, Timing, TopicConfig, CONSUMER_BASE, CONTROLLER,
    PRODUCER_BASE, READER_BASE,
};
use mqlab_ledger::StoreKind;

/// Bounds that keep a scenario playable in a browser tab.
pub const MAX_BROKERS: u32 = 9;
pub const MAX_TOPICS: usize = 4;
pub const MAX_PARTITIONS: u32 = 12;
pub const MAX_CLIENTS: usize = 4;
pub const MAX_CONSUMERS: usize = 6;
pub const MAX_STORES: usize = 4;
pub const MAX_DURATION_MS: u64 = 3_600_000;
pub const MAX_SCRIPT: usize = 1_000;
pub const MAX_MESSAGES: u64 = 5_000;
pub const MAX_TIMEOUT_MS: u64 = 3_600_000;

/// A validated scenario, ready to run: the model's configuration `C` and a script of its
/// actions `A`.
#[derive(Clone, Debug)]
pub struct Built<C, A> {
    pub config: C,
    pub seed: u64,
    pub duration_ms: Millis,
    pub latency_ms: Millis,
    pub jitter_ms: Millis,
    /// Node names, by id, in display order.
    pub names: VecMap<NodeId, String>,
    pub script: Vec<Scripted<A>>,
}

/// A validated scenario of either broker.
#[derive(Clone, Debug)]
pub enum Validated {
    Kafka(Built<KafkaConfig, Action>),
    Rabbit(Built<mqlab_rabbitmq::RabbitConfig, mqlab_rabbitmq::Action>),
}

#[derive(Clone, Debug)]
pub enum When {
    At(Millis),
    AfterStep(u64),
}

#[derive(Clone, Debug)]
pub enum Happen<A> {
    Fault(Fault),
    Action(A),
}

#[derive(Clone, Debug)]
pub struct Scripted<A> {
    pub when: When,
    pub what: Happen<A>,
}

pub(crate) fn err(
    field: impl Into<String>,
    en: impl Into<String>,
    zh: impl Into<String>,
) -> ScenarioError {
    ScenarioError::new(field, en, zh)
}

pub(crate) fn range(field: &str, value: u64, min: u64, max: u64) -> Result<(), ScenarioError> {
    if value < min || value > max {
        return Err(err(
            field,
            format!("{value} is out of range {min}..={max}"),
            format!("{value} 超出范围 {min}..={max}"),
        ));
    }
    Ok(())
}

pub(crate) fn name_ok(field: &str, name: &str) -> Result<(), ScenarioError> {
    let valid = !name.is_empty()
        && name.len() <= 32
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
    if !valid {
        return Err(err(
            field,
            format!("\"{name}\" must be 1–32 letters, digits, '-', '_' or '.'"),
            format!("\"{name}\" 必须是 1–32 个字母、数字、'-'、'_' 或 '.'"),
        ));
    }
    Ok(())
}

pub fn validate(doc: &ScenarioDoc) -> Result<Validated, ScenarioError> {
    if doc.id.trim().is_empty() {
        return Err(err("id", "must not be empty", "不能为空"));
    }
    for (field, text) in [("title", &doc.title)] {
        if text.en.trim().is_empty() || text.zh.trim().is_empty() {
            return Err(err(
                field,
                "needs both an English (en) and a Chinese (zh) text",
                "需要英文 (en) 和中文 (zh) 两种文字",
            ));
        }
    }
    range("duration_ms", doc.duration_ms, 1, MAX_DURATION_MS)?;
    range("network.latency_ms", doc.network.latency_ms, 0, 60_000)?;
    range("network.jitter_ms", doc.network.jitter_ms, 0, 60_000)?;
    match (&doc.kafka, &doc.rabbitmq) {
        (Some(k), None) => validate_kafka(doc, k).map(Validated::Kafka),
        (None, Some(r)) => crate::validate_rabbit::validate_rabbit(doc, r).map(Validated::Rabbit),
        _ => Err(err(
            "kafka",
            "a scenario needs exactly one cluster: \"kafka\" or \"rabbitmq\"",
            "场景必须恰好有一个集群：\"kafka\" 或 \"rabbitmq\"",
        )),
    }
}

fn validate_kafka(
    doc: &ScenarioDoc,
    k: &crate::doc::KafkaDoc,
) -> Result<Built<KafkaConfig, Action>, ScenarioError> {
    range(
        "kafka.brokers",
        u64::from(k.brokers),
        1,
        u64::from(MAX_BROKERS),
    )?;
    if k.topics.is_empty() || k.topics.len() > MAX_TOPICS {
        return Err(err(
            "kafka.topics",
            format!("needs 1 to {MAX_TOPICS} topics"),
            format!("需要 1 到 {MAX_TOPICS} 个 topic"),
        ));
    }
    let mut topics = Vec::new();
    for (i, t) in k.topics.iter().enumerate() {
        let f = |name: &str| format!("kafka.topics[{i}].{name}");
        name_ok(&f("name"), &t.name)?;
        if k.topics[..i].iter().any(|o| o.name == t.name) {
            return Err(err(
                f("name"),
                format!("topic \"{}\" is defined twice", t.name),
                format!("topic \"{}\" 重复定义", t.name),
            ));
        }
        range(
            &f("partitions"),
            u64::from(t.partitions),
            1,
            u64::from(MAX_PARTITIONS),
        )?;
        if t.replication_factor == 0 {
            return Err(err(
                f("replication_factor"),
                "must be at least 1",
                "至少为 1",
            ));
        }
        if t.replication_factor > k.brokers {
            return Err(err(
                f("replication_factor"),
                format!(
                    "{} is more than the {} brokers (InvalidReplicationFactorException)",
                    t.replication_factor, k.brokers
                ),
                format!(
                    "{} 大于 broker 数 {}（InvalidReplicationFactorException）",
                    t.replication_factor, k.brokers
                ),
            ));
        }
        range(
            &f("min_insync_replicas"),
            u64::from(t.min_insync_replicas),
            1,
            u64::from(t.replication_factor.max(1)),
        )?;
        topics.push(TopicConfig {
            name: t.name.clone(),
            partitions: t.partitions,
            replication_factor: t.replication_factor,
            min_insync_replicas: t.min_insync_replicas,
            unclean_leader_election: t.unclean_leader_election,
        });
    }
    let version = version_setting(
        "kafka.version",
        k.version.as_deref(),
        KafkaVersion::V4_1,
        KafkaVersion::parse,
        "4.1, 4.0, 3.6 or 0.10",
        "4.1、4.0、3.6 或 0.10",
    )?;
    // The version parsed, the knobs' reading of the document is the validated one.
    let eligible_leader_replicas = crate::knobs::elr_in_force(Some(k));
    if eligible_leader_replicas && !version.supports_elr() {
        return Err(err(
            "kafka.eligible_leader_replicas",
            format!(
                "Kafka {} has no Eligible Leader Replicas (KIP-966 came in 4.0)",
                version.label()
            ),
            format!(
                "Kafka {} 没有 Eligible Leader Replicas（KIP-966 在 4.0 才引入）",
                version.label()
            ),
        ));
    }
    let tm = &k.timing;
    for (name, v) in [
        ("heartbeat_interval_ms", tm.heartbeat_interval_ms),
        ("session_timeout_ms", tm.session_timeout_ms),
        ("replica_lag_time_max_ms", tm.replica_lag_time_max_ms),
        ("replica_fetch_wait_max_ms", tm.replica_fetch_wait_max_ms),
        ("replica_socket_timeout_ms", tm.replica_socket_timeout_ms),
        (
            "leader_imbalance_check_interval_ms",
            tm.leader_imbalance_check_interval_ms,
        ),
    ] {
        range(&format!("kafka.timing.{name}"), v, 1, MAX_TIMEOUT_MS)?;
    }
    if tm.heartbeat_interval_ms >= tm.session_timeout_ms {
        return Err(err(
            "kafka.timing.heartbeat_interval_ms",
            "must be shorter than session_timeout_ms, or every broker would be fenced",
            "必须小于 session_timeout_ms，否则每个 broker 都会被隔离（fenced）",
        ));
    }
    let timing = Timing {
        heartbeat_interval_ms: tm.heartbeat_interval_ms,
        session_timeout_ms: tm.session_timeout_ms,
        replica_lag_time_max_ms: tm.replica_lag_time_max_ms,
        replica_fetch_wait_max_ms: tm.replica_fetch_wait_max_ms,
        replica_socket_timeout_ms: tm.replica_socket_timeout_ms,
        leader_imbalance_check_interval_ms: tm.leader_imbalance_check_interval_ms,
    };

    let mut names: VecMap<NodeId, String> = VecMap::new();
    names.insert(CONTROLLER, "controller".into());
    for b in 1..=k.brokers {
        names.insert(NodeId(b), format!("broker-{b}"));
    }
    if doc.producers.len() > MAX_CLIENTS {
        return Err(err(
            "producers",
            format!("at most {MAX_CLIENTS} producers"),
            format!("最多 {MAX_CLIENTS} 个生产者"),
        ));
    }
    let mut producers = Vec::new();
    for (i, p) in doc.producers.iter().enumerate() {
        let f = |name: &str| format!("producers[{i}].{name}");
        name_ok(&f("name"), &p.name)?;
        if names.values().any(|n| *n == p.name) {
            return Err(err(
                f("name"),
                format!("\"{}\" is already the name of another node", p.name),
                format!("\"{}\" 已是另一个节点的名字", p.name),
            ));
        }
        range(
            &f("request_timeout_ms"),
            p.request_timeout_ms,
            1,
            MAX_TIMEOUT_MS,
        )?;
        range(
            &f("delivery_timeout_ms"),
            p.delivery_timeout_ms,
            1,
            MAX_TIMEOUT_MS,
        )?;
        range(
            &f("retry_backoff_ms"),
            p.retry_backoff_ms,
            1,
            MAX_TIMEOUT_MS,
        )?;
        range(&f("max_in_flight"), u64::from(p.max_in_flight), 1, 10)?;
        if p.delivery_timeout_ms < p.request_timeout_ms {
            return Err(err(
                f("delivery_timeout_ms"),
                "must be at least request_timeout_ms (Kafka refuses this configuration)",
                "必须不小于 request_timeout_ms（Kafka 拒绝这种配置）",
            ));
        }
        // K22: idempotence needs acks=all, retries > 0 and at most 5 requests in flight.
        let compatible = crate::knobs::idempotence_by_default(p, version);
        if p.enable_idempotence == Some(true) && !version.idempotence_by_default() {
            return Err(err(
                f("enable_idempotence"),
                "Kafka 0.10 has no idempotent producer (KIP-98 came in 0.11)",
                "Kafka 0.10 没有幂等生产者（KIP-98 在 0.11 才引入）",
            ));
        }
        if p.enable_idempotence == Some(true) && !compatible {
            return Err(err(
                f("enable_idempotence"),
                "needs acks=all, retries > 0 and max_in_flight ≤ 5 (Kafka's ConfigException)",
                "需要 acks=all、retries > 0 且 max_in_flight ≤ 5（Kafka 会抛出 ConfigException）",
            ));
        }
        let idempotent = p.enable_idempotence.unwrap_or(compatible);
        names.insert(NodeId(PRODUCER_BASE + i as u32), p.name.clone());
        let acks = match p.acks {
            AcksDoc::Zero => Acks::Zero,
            AcksDoc::One => Acks::Leader,
            AcksDoc::All => Acks::All,
        };
        producers.push(ProducerConfig {
            name: p.name.clone(),
            acks,
            retries: p.retries,
            request_timeout_ms: p.request_timeout_ms,
            delivery_timeout_ms: p.delivery_timeout_ms,
            retry_backoff_ms: p.retry_backoff_ms,
            max_in_flight: p.max_in_flight,
            idempotent,
        });
    }
    if doc.readers.len() > MAX_CLIENTS {
        return Err(err(
            "readers",
            format!("at most {MAX_CLIENTS} readers"),
            format!("最多 {MAX_CLIENTS} 个读取者"),
        ));
    }
    let topic_index = |field: String, name: &str| topic_index(k, field, name);
    let mut readers = Vec::new();
    for (i, r) in doc.readers.iter().enumerate() {
        let f = |name: &str| format!("readers[{i}].{name}");
        name_ok(&f("name"), &r.name)?;
        if names.values().any(|n| *n == r.name) {
            return Err(err(
                f("name"),
                format!("\"{}\" is already the name of another node", r.name),
                format!("\"{}\" 已是另一个节点的名字", r.name),
            ));
        }
        let topic = topic_index(f("topic"), &r.topic)?;
        range(
            &f("poll_interval_ms"),
            r.poll_interval_ms,
            10,
            MAX_TIMEOUT_MS,
        )?;
        names.insert(NodeId(READER_BASE + i as u32), r.name.clone());
        readers.push(ReaderConfig {
            name: r.name.clone(),
            topic,
            poll_interval_ms: r.poll_interval_ms,
        });
    }

    let stores = validate_stores(doc)?;
    if doc.consumers.len() > MAX_CONSUMERS {
        return Err(err(
            "consumers",
            format!("at most {MAX_CONSUMERS} consumers"),
            format!("最多 {MAX_CONSUMERS} 个消费者"),
        ));
    }
    let mut consumers = Vec::new();
    for (i, c) in doc.consumers.iter().enumerate() {
        let f = |name: &str| format!("consumers[{i}].{name}");
        name_ok(&f("name"), &c.name)?;
        if names.values().any(|n| *n == c.name) {
            return Err(err(
                f("name"),
                format!("\"{}\" is already the name of another node", c.name),
                format!("\"{}\" 已是另一个节点的名字", c.name),
            ));
        }
        name_ok(&f("group"), &c.group)?;
        let topic = topic_index(f("topic"), &c.topic)?;
        range(
            &f("auto_commit_interval_ms"),
            c.auto_commit_interval_ms,
            1,
            MAX_TIMEOUT_MS,
        )?;
        range(
            &f("session_timeout_ms"),
            c.session_timeout_ms,
            1,
            MAX_TIMEOUT_MS,
        )?;
        range(
            &f("heartbeat_interval_ms"),
            c.heartbeat_interval_ms,
            1,
            MAX_TIMEOUT_MS,
        )?;
        range(
            &f("max_poll_interval_ms"),
            c.max_poll_interval_ms,
            1,
            MAX_TIMEOUT_MS,
        )?;
        range(
            &f("max_poll_records"),
            u64::from(c.max_poll_records),
            1,
            500,
        )?;
        range(&f("fetch_max_wait_ms"), c.fetch_max_wait_ms, 1, 60_000)?;
        range(&f("processing_ms"), c.processing_ms, 1, 600_000)?;
        range(&f("join_at_ms"), c.join_at_ms, 0, doc.duration_ms)?;
        if c.heartbeat_interval_ms >= c.session_timeout_ms {
            return Err(err(
                f("heartbeat_interval_ms"),
                "must be shorter than session_timeout_ms, or the consumer would be expelled",
                "必须小于 session_timeout_ms，否则消费者会被踢出消费组",
            ));
        }
        let store = store_index(&f("store"), c.store.as_deref(), &stores)?;
        names.insert(NodeId(CONSUMER_BASE + i as u32), c.name.clone());
        consumers.push(ConsumerConfig {
            name: c.name.clone(),
            group: c.group.clone(),
            topic,
            commit: match c.commit {
                CommitDoc::Auto => CommitMode::Auto,
                CommitDoc::SyncAfterProcess => CommitMode::SyncAfterProcess,
                CommitDoc::AsyncAfterProcess => CommitMode::AsyncAfterProcess,
                CommitDoc::SyncBeforeProcess => CommitMode::SyncBeforeProcess,
            },
            auto_commit_interval_ms: c.auto_commit_interval_ms,
            auto_offset_reset: match c.auto_offset_reset {
                OffsetResetDoc::Earliest => OffsetReset::Earliest,
                OffsetResetDoc::Latest => OffsetReset::Latest,
                OffsetResetDoc::None => OffsetReset::None,
            },
            assignor: match c.assignor {
                AssignorDoc::Range => Assignor::Range,
                AssignorDoc::RoundRobin => Assignor::RoundRobin,
            },
            session_timeout_ms: c.session_timeout_ms,
            heartbeat_interval_ms: c.heartbeat_interval_ms,
            max_poll_interval_ms: c.max_poll_interval_ms,
            max_poll_records: c.max_poll_records,
            fetch_max_wait_ms: c.fetch_max_wait_ms,
            processing_ms: c.processing_ms,
            store,
            join_at_ms: c.join_at_ms,
        });
    }

    let script = validate_script(
        doc,
        &names,
        |id| {
            // Brokers and group consumers can be killed, stopped and restarted.
            id.0 >= CONSUMER_BASE || (id != CONTROLLER && id.0 <= k.brokers)
        },
        |id| id != CONTROLLER && id.0 <= k.brokers,
        |f, action| kafka_action(k, &names, f, action),
    )?;

    let config = KafkaConfig {
        brokers: k.brokers,
        topics,
        timing,
        auto_leader_rebalance: k.auto_leader_rebalance,
        version,
        eligible_leader_replicas,
        producers,
        readers,
        consumers,
        stores,
    };
    Ok(Built {
        config,
        seed: doc.seed,
        duration_ms: doc.duration_ms,
        latency_ms: doc.network.latency_ms,
        jitter_ms: doc.network.jitter_ms,
        names,
        script,
    })
}

pub(crate) fn validate_stores(doc: &ScenarioDoc) -> Result<Vec<StoreConfig>, ScenarioError> {
    if doc.stores.len() > MAX_STORES {
        return Err(err(
            "stores",
            format!("at most {MAX_STORES} stores"),
            format!("最多 {MAX_STORES} 个存储"),
        ));
    }
    let mut stores: Vec<StoreConfig> = Vec::new();
    for (i, s) in doc.stores.iter().enumerate() {
        let field = format!("stores[{i}].name");
        name_ok(&field, &s.name)?;
        if stores.iter().any(|o| o.name == s.name) {
            return Err(err(
                field,
                format!("store \"{}\" is defined twice", s.name),
                format!("存储 \"{}\" 重复定义", s.name),
            ));
        }
        stores.push(StoreConfig {
            name: s.name.clone(),
            kind: store_kind(s.kind),
        });
    }
    Ok(stores)
}

pub fn store_kind(kind: StoreKindDoc) -> StoreKind {
    match kind {
        StoreKindDoc::PlainInsert => StoreKind::PlainInsert,
        StoreKindDoc::UniqueKey => StoreKind::UniqueKey,
        StoreKindDoc::LookupUpdate => StoreKind::LookupUpdate,
        StoreKindDoc::RedisSet => StoreKind::RedisSet,
        StoreKindDoc::SeenSet => StoreKind::SeenSet,
    }
}

fn topic_index(k: &crate::doc::KafkaDoc, field: String, name: &str) -> Result<u32, ScenarioError> {
    k.topics
        .iter()
        .position(|t| t.name == name)
        .map(|i| i as u32)
        .ok_or_else(|| {
            err(
                field,
                format!("no topic named \"{name}\""),
                format!("没有名为 \"{name}\" 的 topic"),
            )
        })
}

/// A node by its name, or an error naming the field.
pub(crate) fn node_named(
    names: &VecMap<NodeId, String>,
    field: String,
    name: &str,
) -> Result<NodeId, ScenarioError> {
    names
        .iter()
        .find(|(_, n)| *n == name)
        .map(|(&id, _)| id)
        .ok_or_else(|| {
            err(
                field,
                format!("no node named \"{name}\""),
                format!("没有名为 \"{name}\" 的节点"),
            )
        })
}

/// A broker's `version` setting: the newest when unset, or one of the modelled versions
/// (`choices` lists them for the message).
pub(crate) fn version_setting<V>(
    field: &str,
    value: Option<&str>,
    newest: V,
    parse: impl Fn(&str) -> Option<V>,
    choices_en: &str,
    choices_zh: &str,
) -> Result<V, ScenarioError> {
    let Some(v) = value else {
        return Ok(newest);
    };
    parse(v).ok_or_else(|| {
        err(
            field,
            format!("\"{v}\" is not a modelled version: {choices_en}"),
            format!("\"{v}\" 不是模型支持的版本：{choices_zh}"),
        )
    })
}

/// The script of either broker: timings and faults are checked here; `action` turns the
/// broker's own actions into the model's (with how many messages each produces) and refuses
/// the other broker's. `killable` says which nodes can be killed, stopped and restarted,
/// `power_loses` which can lose unflushed writes to a power loss.
pub(crate) fn validate_script<A>(
    doc: &ScenarioDoc,
    names: &VecMap<NodeId, String>,
    killable: impl Fn(NodeId) -> bool,
    power_loses: impl Fn(NodeId) -> bool,
    action: impl Fn(&dyn Fn(&str) -> String, &ActionDoc) -> Result<(A, u64), ScenarioError>,
) -> Result<Vec<Scripted<A>>, ScenarioError> {
    if doc.script.len() > MAX_SCRIPT {
        return Err(err(
            "script",
            format!("at most {MAX_SCRIPT} entries"),
            format!("最多 {MAX_SCRIPT} 条"),
        ));
    }
    let node = |field: String, name: &str| node_named(names, field, name);
    let killable_node = |field: String, name: &str| -> Result<NodeId, ScenarioError> {
        let id = node(field.clone(), name)?;
        if !killable(id) {
            return Err(err(field, format!("\"{name}\" is not a broker or a consumer: only those can be killed, stopped or restarted"), format!("\"{name}\" 不是 broker 或消费者：只有它们可以被杀死、停止或重启")));
        }
        Ok(id)
    };
    let mut script = Vec::new();
    let mut messages = 0u64;
    for (i, entry) in doc.script.iter().enumerate() {
        let f = |name: &str| format!("script[{i}].{name}");
        let when = match (entry.at_ms, entry.after_step) {
            (Some(at), None) => {
                range(&f("at_ms"), at, 0, doc.duration_ms)?;
                When::At(at)
            }
            (None, Some(step)) => When::AfterStep(step),
            _ => {
                return Err(err(
                    format!("script[{i}]"),
                    "needs exactly one of at_ms or after_step",
                    "at_ms 与 after_step 必须恰好有一个",
                ))
            }
        };
        let what = match &entry.action {
            ActionDoc::Crash { node: n } => Happen::Fault(Fault::Crash {
                node: killable_node(f("node"), n)?,
            }),
            ActionDoc::PowerLoss { node: n, unflushed } => {
                let id = killable_node(f("node"), n)?;
                if !power_loses(id) {
                    return Err(err(f("node"), format!("\"{n}\" is not a Kafka broker: only a broker's log lives in a page cache that a power loss can take"), format!("\"{n}\" 不是 Kafka broker：只有 broker 的日志存在于断电会丢失的页缓存中")));
                }
                range(&f("unflushed"), u64::from(*unflushed), 0, 1_000_000)?;
                Happen::Fault(Fault::PowerLoss {
                    node: id,
                    unflushed: *unflushed,
                })
            }
            ActionDoc::Stop { node: n } => Happen::Fault(Fault::Stop {
                node: killable_node(f("node"), n)?,
            }),
            ActionDoc::Restart { node: n } => Happen::Fault(Fault::Restart {
                node: killable_node(f("node"), n)?,
            }),
            ActionDoc::Isolate { node: n } => Happen::Fault(Fault::Isolate {
                node: node(f("node"), n)?,
            }),
            ActionDoc::Reconnect { node: n } => Happen::Fault(Fault::Reconnect {
                node: node(f("node"), n)?,
            }),
            ActionDoc::Partition { left, right } => {
                let left = left
                    .iter()
                    .enumerate()
                    .map(|(j, n)| node(format!("script[{i}].left[{j}]"), n))
                    .collect::<Result<Vec<_>, _>>()?;
                let right = right
                    .iter()
                    .enumerate()
                    .map(|(j, n)| node(format!("script[{i}].right[{j}]"), n))
                    .collect::<Result<Vec<_>, _>>()?;
                if left.is_empty() || right.is_empty() || left.iter().any(|n| right.contains(n)) {
                    return Err(err(
                        format!("script[{i}]"),
                        "a partition needs two non-empty groups with no node in both",
                        "分区需要两个非空且不重叠的节点组",
                    ));
                }
                Happen::Fault(Fault::Partition { left, right })
            }
            ActionDoc::CutLink { a, b } => Happen::Fault(Fault::CutLink {
                a: node(f("a"), a)?,
                b: node(f("b"), b)?,
            }),
            ActionDoc::HealLink { a, b } => Happen::Fault(Fault::HealLink {
                a: node(f("a"), a)?,
                b: node(f("b"), b)?,
            }),
            ActionDoc::SlowLink { a, b, extra_ms } => {
                range(&f("extra_ms"), *extra_ms, 1, 60_000)?;
                Happen::Fault(Fault::SlowLink {
                    a: node(f("a"), a)?,
                    b: node(f("b"), b)?,
                    extra_ms: *extra_ms,
                })
            }
            ActionDoc::HealAll => Happen::Fault(Fault::HealAll),
            other => {
                let (a, count) = action(&f, other)?;
                messages += count;
                if messages > MAX_MESSAGES {
                    return Err(err(
                        f("count"),
                        format!("the script produces more than {MAX_MESSAGES} messages"),
                        format!("脚本生产的消息超过 {MAX_MESSAGES} 条"),
                    ));
                }
                Happen::Action(a)
            }
        };
        script.push(Scripted { when, what });
    }
    Ok(script)
}

/// A Kafka script action, or an error for another broker's.
fn kafka_action(
    k: &crate::doc::KafkaDoc,
    names: &VecMap<NodeId, String>,
    f: &dyn Fn(&str) -> String,
    action: &ActionDoc,
) -> Result<(Action, u64), ScenarioError> {
    match action {
        ActionDoc::Produce {
            producer,
            topic,
            count,
            key,
            partition,
            same_key,
        } => {
            let id = node_named(names, f("producer"), producer)?;
            if !(PRODUCER_BASE..READER_BASE).contains(&id.0) {
                return Err(err(
                    f("producer"),
                    format!("\"{producer}\" is not a producer"),
                    format!("\"{producer}\" 不是生产者"),
                ));
            }
            let t = topic_index(k, f("topic"), topic)?;
            range(&f("count"), u64::from(*count), 1, 1_000)?;
            name_ok(&f("key"), key)?;
            if let Some(p) = partition {
                range(
                    &f("partition"),
                    u64::from(*p),
                    0,
                    u64::from(k.topics[t as usize].partitions - 1),
                )?;
            }
            if *same_key && partition.is_some() {
                return Err(err(
                    f("same_key"),
                    "give either a partition or same_key, not both",
                    "partition 和 same_key 只能给一个",
                ));
            }
            // One record key for all: the partitioner hashes it once (K24).
            let partition = match same_key {
                true => Some(mqlab_kafka::partition_for_key(
                    key.as_bytes(),
                    k.topics[t as usize].partitions,
                )),
                false => *partition,
            };
            Ok((
                Action::Produce {
                    producer: id,
                    topic: t,
                    count: *count,
                    key: key.clone(),
                    partition,
                },
                u64::from(*count),
            ))
        }
        ActionDoc::ElectPreferredLeaders => Ok((Action::ElectPreferredLeaders, 0)),
        _ => Err(err(
            f("do"),
            "a RabbitMQ action in a Kafka scenario",
            "Kafka 场景中出现了 RabbitMQ 的动作",
        )),
    }
}

/// The store a consumer writes to: the one it names, or the first; an error if there is none.
pub(crate) fn store_index(
    field: &str,
    name: Option<&str>,
    stores: &[StoreConfig],
) -> Result<usize, ScenarioError> {
    match name {
        Some(name) => stores.iter().position(|s| s.name == name).ok_or_else(|| {
            err(
                field,
                format!("no store named \"{name}\""),
                format!("没有名为 \"{name}\" 的存储"),
            )
        }),
        None if stores.is_empty() => Err(err(
            field,
            "no store to process messages into: add one under \"stores\"",
            "没有可写入的下游存储：请在 \"stores\" 中添加一个",
        )),
        None => Ok(0),
    }
}
