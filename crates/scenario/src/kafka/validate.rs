//! Stage two for a Kafka scenario: check the `kafka` section and the Kafka clients field by
//! field and build the model's configuration and script.

use super::doc::{AcksDoc, AssignorDoc, CommitDoc, IsolationDoc, KafkaDoc, OffsetResetDoc};
use crate::check::{
    at_most, err, name_ok, new_node_name, node_named, range, store_index, validate_script,
    validate_stores, version_setting, Built, MAX_CONSUMERS, MAX_TIMEOUT_MS,
};
use crate::doc::{ActionDoc, ScenarioDoc};
use crate::error::ScenarioError;
use mqlab_engine::NodeId;
use mqlab_engine::VecMap;
use mqlab_kafka::{
    Acks, Action, Assignor, CommitMode, ConsumerConfig, KafkaConfig, KafkaVersion, OffsetReset,
    ProducerConfig, ReaderConfig, Timing, TopicConfig, Transform, CONSUMER_BASE, CONTROLLER,
    PRODUCER_BASE, READER_BASE,
};

/// Bounds that keep a Kafka scenario playable in a browser tab.
pub const MAX_BROKERS: u32 = 9;
pub const MAX_TOPICS: usize = 4;
pub const MAX_PARTITIONS: u32 = 12;
pub const MAX_CLIENTS: usize = 4;

pub fn validate(
    doc: &ScenarioDoc,
    k: &KafkaDoc,
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
    at_most(
        "producers",
        doc.producers.len(),
        MAX_CLIENTS,
        "producers",
        "生产者",
    )?;
    let mut producers = Vec::new();
    for (i, p) in doc.producers.iter().enumerate() {
        let f = |name: &str| format!("producers[{i}].{name}");
        new_node_name(&names, &f("name"), &p.name)?;
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
        let mut idempotent = p.enable_idempotence.unwrap_or(compatible);
        if let Some(id) = &p.transactional_id {
            // K23: a transactional.id turns idempotence on; a conflict is a ConfigException.
            transactional_id_ok(&f("transactional_id"), id, version)?;
            if p.enable_idempotence == Some(false) || !compatible {
                return Err(err(
                    f("transactional_id"),
                    "needs idempotence: acks=all, retries > 0, max_in_flight ≤ 5, enable_idempotence not false (Kafka's ConfigException)",
                    "需要幂等：acks=all、retries > 0、max_in_flight ≤ 5，且 enable_idempotence 不为 false（Kafka 会抛出 ConfigException）",
                ));
            }
            idempotent = true;
        }
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
            transactional_id: p.transactional_id.clone(),
        });
    }
    at_most(
        "readers",
        doc.readers.len(),
        MAX_CLIENTS,
        "readers",
        "读取者",
    )?;
    let topic_index = |field: String, name: &str| topic_index(k, field, name);
    let mut readers = Vec::new();
    for (i, r) in doc.readers.iter().enumerate() {
        let f = |name: &str| format!("readers[{i}].{name}");
        new_node_name(&names, &f("name"), &r.name)?;
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
            read_committed: r.isolation_level == IsolationDoc::ReadCommitted,
        });
    }

    let stores = validate_stores(doc)?;
    at_most(
        "consumers",
        doc.consumers.len(),
        MAX_CONSUMERS,
        "consumers",
        "消费者",
    )?;
    let mut consumers = Vec::new();
    for (i, c) in doc.consumers.iter().enumerate() {
        let f = |name: &str| format!("consumers[{i}].{name}");
        new_node_name(&names, &f("name"), &c.name)?;
        name_ok(&f("group"), &c.group)?;
        // `topic` (one) or `topics` (several), not both and not neither.
        let topics = match (c.topic.is_empty(), c.topics.is_empty()) {
            (false, true) => vec![topic_index(f("topic"), &c.topic)?],
            (true, false) => {
                let mut topics = Vec::new();
                for (j, name) in c.topics.iter().enumerate() {
                    let t = topic_index(f(&format!("topics[{j}]")), name)?;
                    if topics.contains(&t) {
                        return Err(err(
                            f(&format!("topics[{j}]")),
                            format!("\"{name}\" is listed twice"),
                            format!("\"{name}\" 列出了两次"),
                        ));
                    }
                    topics.push(t);
                }
                topics
            }
            (false, false) => {
                return Err(err(
                    f("topics"),
                    "give either topic or topics, not both".to_string(),
                    "topic 和 topics 只能给一个".to_string(),
                ))
            }
            (true, true) => {
                return Err(err(
                    f("topic"),
                    "a consumer needs a topic (or a list: topics)".to_string(),
                    "消费者需要一个 topic（或一个列表：topics）".to_string(),
                ))
            }
        };
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
        // K23 consume-transform-produce: the application's transactional producer is a node
        // of its own, "<consumer>-tx".
        let transform = match (&c.output_topic, &c.transactional_id) {
            (None, None) => None,
            (Some(out), Some(id)) => {
                let output_topic = topic_index(f("output_topic"), out)?;
                transactional_id_ok(&f("transactional_id"), id, version)?;
                let name = format!("{}-tx", c.name);
                if names.values().any(|n| *n == name) {
                    return Err(err(
                        f("name"),
                        format!("\"{name}\" (its transactional producer) is already the name of another node"),
                        format!("\"{name}\"（它的事务生产者）已是另一个节点的名字"),
                    ));
                }
                let producer = producers.len();
                names.insert(NodeId(PRODUCER_BASE + producer as u32), name.clone());
                producers.push(ProducerConfig {
                    name,
                    acks: Acks::All,
                    retries: i32::MAX as u32,
                    request_timeout_ms: 30_000,
                    delivery_timeout_ms: 120_000,
                    retry_backoff_ms: 100,
                    max_in_flight: 5,
                    idempotent: true,
                    transactional_id: Some(id.clone()),
                });
                Some(Transform {
                    output_topic,
                    producer,
                })
            }
            _ => {
                return Err(err(
                    f("output_topic"),
                    "give output_topic and transactional_id together (consume-transform-produce)",
                    "output_topic 和 transactional_id 需要一起给出（消费-转换-生产）",
                ))
            }
        };
        consumers.push(ConsumerConfig {
            name: c.name.clone(),
            group: c.group.clone(),
            topics,
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
            read_committed: c.isolation_level == IsolationDoc::ReadCommitted,
            transform,
        });
    }

    let transactional: Vec<NodeId> = (0u32..)
        .zip(&producers)
        .filter(|(_, p)| p.transactional_id.is_some())
        .map(|(i, _)| NodeId(PRODUCER_BASE + i))
        .collect();
    let script = validate_script(
        doc,
        &names,
        |id| {
            // Brokers and group consumers can be killed, stopped and restarted.
            id.0 >= CONSUMER_BASE || (id != CONTROLLER && id.0 <= k.brokers)
        },
        |id| id != CONTROLLER && id.0 <= k.brokers,
        |f, action| kafka_action(k, &names, &transactional, f, action),
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
    Ok(Built::new(doc, config, names, script))
}

fn topic_index(k: &KafkaDoc, field: String, name: &str) -> Result<u32, ScenarioError> {
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

/// A Kafka script action, or an error for another broker's.
fn kafka_action(
    k: &KafkaDoc,
    names: &VecMap<NodeId, String>,
    transactional: &[NodeId],
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
        ActionDoc::Transaction {
            producer,
            topic,
            count,
            key,
            commit,
        } => {
            let id = node_named(names, f("producer"), producer)?;
            if !transactional.contains(&id) {
                return Err(err(
                    f("producer"),
                    format!("\"{producer}\" is not a producer with a transactional_id"),
                    format!("\"{producer}\" 不是设置了 transactional_id 的生产者"),
                ));
            }
            let t = topic_index(k, f("topic"), topic)?;
            range(&f("count"), u64::from(*count), 1, 1_000)?;
            name_ok(&f("key"), key)?;
            Ok((
                Action::Transaction {
                    producer: id,
                    topic: t,
                    count: *count,
                    key: key.clone(),
                    commit: *commit,
                },
                u64::from(*count),
            ))
        }
        _ => Err(err(
            f("do"),
            "a RabbitMQ action in a Kafka scenario",
            "Kafka 场景中出现了 RabbitMQ 的动作",
        )),
    }
}

/// A `transactional.id`: a name, and a Kafka that has transactions (0.11+).
fn transactional_id_ok(field: &str, id: &str, version: KafkaVersion) -> Result<(), ScenarioError> {
    name_ok(field, id)?;
    if !version.idempotence_by_default() {
        return Err(err(
            field,
            "Kafka 0.10 has no transactions (KIP-98 came in 0.11)",
            "Kafka 0.10 没有事务（KIP-98 在 0.11 才引入）",
        ));
    }
    Ok(())
}
