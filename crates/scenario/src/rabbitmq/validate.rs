//! Stage two for a RabbitMQ scenario: check the `rabbitmq` section field by field and build
//! the model's configuration.

use super::doc::{
    ExchangeTypeDoc, HaModeDoc, OverflowDoc, PartitionHandlingDoc, PromoteDoc, PublishModeDoc,
    QueueTypeDoc, RabbitDoc, RabbitVersion, SyncModeDoc,
};
use crate::check::{
    at_most, err, name_ok, new_node_name, node_named, range, store_index, validate_script,
    validate_stores, version_setting, Built, MAX_CONSUMERS, MAX_TIMEOUT_MS,
};
use crate::doc::{ActionDoc, ScenarioDoc};
use crate::error::ScenarioError;
use mqlab_engine::NodeId;
use mqlab_engine::VecMap;
use mqlab_rabbitmq::{
    Action, Binding, ConsumerConfig, ExchangeConfig, ExchangeKind, HaMode, MirrorPolicy, Overflow,
    Promote, PublishMode, PublisherConfig, QueueConfig, QueueKind, RabbitConfig, SyncMode,
    CONSUMER_BASE, PUBLISHER_BASE,
};

pub const MAX_NODES: u32 = 9;
pub const MAX_QUEUES: usize = 6;
pub const MAX_PUBLISHERS: usize = 4;

/// Does a policy pattern match a queue name? The regular-expression forms policies use in
/// practice: `.*`, `^prefix`, `^name$`, `suffix$`, or a plain substring.
pub fn pattern_matches(pattern: &str, name: &str) -> bool {
    let p = pattern.strip_suffix(".*").unwrap_or(pattern);
    match (p.strip_prefix('^'), p.strip_suffix('$')) {
        _ if p.is_empty() || p == ".*" => true,
        (Some(rest), _) => match rest.strip_suffix('$') {
            Some(exact) => name == exact,
            None => name.starts_with(rest),
        },
        (None, Some(suffix)) => name.ends_with(suffix),
        (None, None) => name.contains(p),
    }
}

fn rabbit_node(
    names: &VecMap<NodeId, String>,
    nodes: u32,
    field: String,
    name: &str,
) -> Result<NodeId, ScenarioError> {
    let id = node_named(names, field.clone(), name)?;
    if id.0 == 0 || id.0 > nodes {
        return Err(err(
            field,
            format!("\"{name}\" is not a RabbitMQ node"),
            format!("\"{name}\" 不是 RabbitMQ 节点"),
        ));
    }
    Ok(id)
}

pub fn validate(
    doc: &ScenarioDoc,
    r: &RabbitDoc,
) -> Result<Built<RabbitConfig, Action>, ScenarioError> {
    let version = version_setting(
        "rabbitmq.version",
        r.version.as_deref(),
        RabbitVersion::V4,
        RabbitVersion::parse,
        "\"4\" (4.x) or \"3.13\"",
        "\"4\"（4.x）或 \"3.13\"",
    )?;
    if version == RabbitVersion::V4 && !r.policies.is_empty() {
        return Err(err(
            "rabbitmq.policies",
            "classic queue mirroring was removed in RabbitMQ 4.0: set rabbitmq.version to \"3.13\" to model it, or use a quorum queue",
            "经典镜像队列已在 RabbitMQ 4.0 中移除：把 rabbitmq.version 设为 \"3.13\" 才能模拟它，或改用仲裁队列",
        ));
    }
    for (field, used) in [
        ("producers", !doc.producers.is_empty()),
        ("readers", !doc.readers.is_empty()),
        ("consumers", !doc.consumers.is_empty()),
    ] {
        if used {
            return Err(err(
                field,
                "Kafka clients in a RabbitMQ scenario: put publishers and consumers under \"rabbitmq\"",
                "RabbitMQ 场景里出现了 Kafka 客户端：发布者和消费者请放在 \"rabbitmq\" 下",
            ));
        }
    }
    range(
        "rabbitmq.nodes",
        u64::from(r.nodes),
        1,
        u64::from(MAX_NODES),
    )?;
    range("rabbitmq.fsync_interval_ms", r.fsync_interval_ms, 1, 60_000)?;
    range(
        "rabbitmq.net_ticktime_ms",
        r.net_ticktime_ms,
        4,
        MAX_TIMEOUT_MS,
    )?;
    range(
        "rabbitmq.consumer_timeout_ms",
        r.consumer_timeout_ms,
        1,
        MAX_TIMEOUT_MS,
    )?;
    let mut names: VecMap<NodeId, String> =
        VecMap::from_iter((1..=r.nodes).map(|n| (NodeId(n), format!("rabbit-{n}"))));
    let node = |names: &VecMap<NodeId, String>, field: String, name: &str| {
        rabbit_node(names, r.nodes, field, name)
    };

    if r.queues.is_empty() || r.queues.len() > MAX_QUEUES {
        return Err(err(
            "rabbitmq.queues",
            format!("needs 1 to {MAX_QUEUES} queues"),
            format!("需要 1 到 {MAX_QUEUES} 个队列"),
        ));
    }
    let mut queues = Vec::new();
    for (i, q) in r.queues.iter().enumerate() {
        let f = |name: &str| format!("rabbitmq.queues[{i}].{name}");
        name_ok(&f("name"), &q.name)?;
        if r.queues[..i].iter().any(|o| o.name == q.name) {
            return Err(err(
                f("name"),
                format!("queue \"{}\" is declared twice", q.name),
                format!("队列 \"{}\" 重复声明", q.name),
            ));
        }
        let home = node(&names, f("node"), &q.node)?;
        let kind = match q.kind {
            QueueTypeDoc::Classic => QueueKind::Classic,
            QueueTypeDoc::Quorum => {
                // R26: no transient quorum queues.
                if !q.durable {
                    return Err(err(
                        f("durable"),
                        "quorum queues are always durable",
                        "仲裁队列总是持久的",
                    ));
                }
                range(&f("quorum_members"), u64::from(q.quorum_members), 1, 7)?;
                QueueKind::Quorum {
                    members: q.quorum_members,
                }
            }
        };
        let classic = kind == QueueKind::Classic;
        for (field, set, ok) in [
            ("message_ttl_ms", q.message_ttl_ms.is_some(), classic),
            ("max_length", q.max_length.is_some(), classic),
            ("overflow", q.overflow.is_some(), classic),
            ("delivery_limit", q.delivery_limit.is_some(), !classic),
        ] {
            if set && !ok {
                return Err(err(
                    f(field),
                    if classic {
                        "a delivery limit applies to quorum queues only"
                    } else {
                        "TTL and length limits are modelled for classic queues only"
                    },
                    if classic {
                        "投递次数上限只适用于仲裁队列"
                    } else {
                        "TTL 和长度限制只对经典队列建模"
                    },
                ));
            }
        }
        if let Some(ttl) = q.message_ttl_ms {
            range(&f("message_ttl_ms"), ttl, 1, MAX_TIMEOUT_MS)?;
        }
        if let Some(max) = q.max_length {
            range(&f("max_length"), u64::from(max), 0, 100_000)?;
        }
        if let Some(limit) = q.delivery_limit {
            range(&f("delivery_limit"), u64::from(limit), 1, 1_000)?;
        }
        if let Some(dlx) = &q.dead_letter_exchange {
            if !dlx.is_empty() && !r.exchanges.iter().any(|e| e.name == *dlx) {
                return Err(err(
                    f("dead_letter_exchange"),
                    format!("no exchange named \"{dlx}\""),
                    format!("没有名为 \"{dlx}\" 的交换机"),
                ));
            }
        }
        queues.push(QueueConfig {
            name: q.name.clone(),
            durable: q.durable,
            kind,
            home,
            mirroring: None,
            message_ttl_ms: q.message_ttl_ms,
            max_length: q.max_length,
            overflow: match q.overflow {
                Some(OverflowDoc::RejectPublish) => Overflow::RejectPublish,
                _ => Overflow::DropHead,
            },
            dead_letter_exchange: q.dead_letter_exchange.clone(),
            dead_letter_routing_key: q.dead_letter_routing_key.clone(),
            // 4.x: a quorum queue without its own limit gets the default of 20.
            delivery_limit: q.delivery_limit.or_else(|| {
                (!classic)
                    .then(|| version.default_delivery_limit())
                    .flatten()
            }),
        });
    }
    let queue_index = |field: String, name: &str| -> Result<u32, ScenarioError> {
        r.queues
            .iter()
            .position(|q| q.name == name)
            .map(|i| i as u32)
            .ok_or_else(|| {
                err(
                    field,
                    format!("no queue named \"{name}\""),
                    format!("没有名为 \"{name}\" 的队列"),
                )
            })
    };

    for (i, p) in r.policies.iter().enumerate() {
        let f = |name: &str| format!("rabbitmq.policies[{i}].{name}");
        name_ok(&f("name"), &p.name)?;
        let mode = match p.ha_mode {
            HaModeDoc::All => HaMode::All,
            HaModeDoc::Exactly => {
                let count = p
                    .ha_params
                    .as_ref()
                    .and_then(|v| v.as_u64())
                    .ok_or_else(|| {
                        err(
                            f("ha_params"),
                            "ha-mode exactly needs a replica count (leader included)",
                            "ha-mode exactly 需要副本数（含 leader）",
                        )
                    })?;
                range(&f("ha_params"), count, 1, u64::from(MAX_NODES))?;
                HaMode::Exactly(count as u32)
            }
            HaModeDoc::Nodes => {
                let list = p
                    .ha_params
                    .as_ref()
                    .and_then(|v| v.as_array())
                    .filter(|a| !a.is_empty())
                    .ok_or_else(|| {
                        err(
                            f("ha_params"),
                            "ha-mode nodes needs a list of node names",
                            "ha-mode nodes 需要节点名列表",
                        )
                    })?;
                let mut nodes = Vec::new();
                for (j, v) in list.iter().enumerate() {
                    let field = format!("rabbitmq.policies[{i}].ha_params[{j}]");
                    let name = v
                        .as_str()
                        .ok_or_else(|| err(field.clone(), "must be a node name", "必须是节点名"))?;
                    nodes.push(node(&names, field, name)?);
                }
                HaMode::Nodes(nodes)
            }
        };
        let policy = MirrorPolicy {
            mode,
            sync: match p.ha_sync_mode {
                SyncModeDoc::Manual => SyncMode::Manual,
                SyncModeDoc::Automatic => SyncMode::Automatic,
            },
            promote_on_failure: promote(p.ha_promote_on_failure),
            promote_on_shutdown: promote(p.ha_promote_on_shutdown),
        };
        // The first matching policy applies; classic queues only (R18, R24).
        for q in queues.iter_mut() {
            if q.mirroring.is_none()
                && q.kind == QueueKind::Classic
                && pattern_matches(&p.pattern, &q.name)
            {
                q.mirroring = Some(policy.clone());
            }
        }
    }

    let mut exchanges = Vec::new();
    for (i, e) in r.exchanges.iter().enumerate() {
        let field = format!("rabbitmq.exchanges[{i}].name");
        name_ok(&field, &e.name)?;
        if r.exchanges[..i].iter().any(|o| o.name == e.name) {
            return Err(err(
                field,
                format!("exchange \"{}\" is declared twice", e.name),
                format!("交换机 \"{}\" 重复声明", e.name),
            ));
        }
        exchanges.push(ExchangeConfig {
            name: e.name.clone(),
            kind: match e.kind {
                ExchangeTypeDoc::Direct => ExchangeKind::Direct,
                ExchangeTypeDoc::Fanout => ExchangeKind::Fanout,
            },
        });
    }
    let exchange_ok = |field: String, name: &str| -> Result<(), ScenarioError> {
        if name.is_empty() || r.exchanges.iter().any(|e| e.name == name) {
            Ok(())
        } else {
            Err(err(
                field,
                format!("no exchange named \"{name}\""),
                format!("没有名为 \"{name}\" 的交换机"),
            ))
        }
    };
    let mut bindings = Vec::new();
    for (i, b) in r.bindings.iter().enumerate() {
        let f = |name: &str| format!("rabbitmq.bindings[{i}].{name}");
        if b.exchange.is_empty() {
            return Err(err(
                f("exchange"),
                "the default exchange cannot be bound",
                "默认交换机不能绑定",
            ));
        }
        exchange_ok(f("exchange"), &b.exchange)?;
        bindings.push(Binding {
            exchange: b.exchange.clone(),
            queue: queue_index(f("queue"), &b.queue)?,
            routing_key: b.routing_key.clone(),
        });
    }

    let stores = validate_stores(doc)?;
    at_most(
        "rabbitmq.publishers",
        r.publishers.len(),
        MAX_PUBLISHERS,
        "publishers",
        "发布者",
    )?;
    let client_nodes = |names: &VecMap<NodeId, String>,
                        f: &dyn Fn(&str) -> String,
                        list: &[String]|
     -> Result<Vec<NodeId>, ScenarioError> {
        if list.is_empty() {
            return Err(err(
                f("nodes"),
                "needs at least one node to connect to",
                "至少需要一个可连接的节点",
            ));
        }
        list.iter()
            .enumerate()
            .map(|(j, n)| node(names, f(&format!("nodes[{j}]")), n))
            .collect()
    };
    let mut publishers = Vec::new();
    for (i, p) in r.publishers.iter().enumerate() {
        let f = |name: &str| format!("rabbitmq.publishers[{i}].{name}");
        new_node_name(&names, &f("name"), &p.name)?;
        let nodes = client_nodes(&names, &f, &p.nodes)?;
        exchange_ok(f("exchange"), &p.exchange)?;
        range(&f("confirm_window"), u64::from(p.confirm_window), 1, 10_000)?;
        range(&f("tx_batch"), u64::from(p.tx_batch), 1, 1_000)?;
        if let Some(ms) = p.republish_after_ms {
            range(&f("republish_after_ms"), ms, 1, MAX_TIMEOUT_MS)?;
        }
        names.insert(NodeId(PUBLISHER_BASE + i as u32), p.name.clone());
        publishers.push(PublisherConfig {
            name: p.name.clone(),
            nodes,
            mode: match p.mode {
                PublishModeDoc::Plain => PublishMode::Plain,
                PublishModeDoc::Confirm => PublishMode::Confirm {
                    window: p.confirm_window,
                },
                PublishModeDoc::Transaction => PublishMode::Transaction { batch: p.tx_batch },
            },
            persistent: p.persistent,
            mandatory: p.mandatory,
            exchange: p.exchange.clone(),
            republish_after_ms: p.republish_after_ms,
        });
    }
    at_most(
        "rabbitmq.consumers",
        r.consumers.len(),
        MAX_CONSUMERS,
        "consumers",
        "消费者",
    )?;
    let mut consumers = Vec::new();
    for (i, c) in r.consumers.iter().enumerate() {
        let f = |name: &str| format!("rabbitmq.consumers[{i}].{name}");
        new_node_name(&names, &f("name"), &c.name)?;
        let nodes = client_nodes(&names, &f, &c.nodes)?;
        let queue = queue_index(f("queue"), &c.queue)?;
        range(&f("prefetch"), u64::from(c.prefetch), 0, 10_000)?;
        range(&f("processing_ms"), c.processing_ms, 1, 600_000)?;
        range(&f("join_at_ms"), c.join_at_ms, 0, doc.duration_ms)?;
        let store = store_index(&f("store"), c.store.as_deref(), &stores)?;
        names.insert(NodeId(CONSUMER_BASE + i as u32), c.name.clone());
        consumers.push(ConsumerConfig {
            name: c.name.clone(),
            nodes,
            queue,
            auto_ack: c.auto_ack,
            prefetch: c.prefetch,
            processing_ms: c.processing_ms,
            store,
            join_at_ms: c.join_at_ms,
            poison: c.poison.clone(),
            reject_requeue: c.reject_requeue,
        });
    }

    let nodes = r.nodes;
    let script = validate_script(
        doc,
        &names,
        |id| id.0 >= 1 && (id.0 <= nodes || id.0 >= PUBLISHER_BASE),
        // RabbitMQ's model already loses what its batched fsync had not written on any crash.
        |_| false,
        |f, action| match action {
            ActionDoc::Publish {
                publisher,
                count,
                key,
                routing_key,
            } => {
                let id = node_named(&names, f("publisher"), publisher)?;
                let Some(p) = publishers.get((id.0.wrapping_sub(PUBLISHER_BASE)) as usize) else {
                    return Err(err(
                        f("publisher"),
                        format!("\"{publisher}\" is not a publisher"),
                        format!("\"{publisher}\" 不是发布者"),
                    ));
                };
                range(&f("count"), u64::from(*count), 1, 1_000)?;
                name_ok(&f("key"), key)?;
                // The default exchange routes by queue name: default to the first queue.
                let routing_key = routing_key.clone().unwrap_or_else(|| {
                    if p.exchange.is_empty() {
                        queues[0].name.clone()
                    } else {
                        String::new()
                    }
                });
                Ok((
                    Action::Publish {
                        publisher: id,
                        count: *count,
                        key: key.clone(),
                        routing_key,
                    },
                    u64::from(*count),
                ))
            }
            ActionDoc::SyncQueue { queue } => {
                let q = queue_index(f("queue"), queue)?;
                if queues[q as usize].mirroring.is_none() {
                    return Err(err(
                        f("queue"),
                        format!("\"{queue}\" is not mirrored: there is nothing to synchronise"),
                        format!("\"{queue}\" 没有镜像，无需同步"),
                    ));
                }
                Ok((Action::SyncQueue { queue: q }, 0))
            }
            _ => Err(err(
                f("do"),
                "a Kafka action in a RabbitMQ scenario",
                "RabbitMQ 场景中出现了 Kafka 的动作",
            )),
        },
    )?;

    let config = RabbitConfig {
        nodes: r.nodes,
        queues,
        exchanges,
        bindings,
        fsync_interval_ms: r.fsync_interval_ms,
        net_ticktime_ms: r.net_ticktime_ms,
        consumer_timeout_ms: r.consumer_timeout_ms,
        partition_handling: match r.partition_handling {
            PartitionHandlingDoc::Ignore => mqlab_rabbitmq::PartitionHandling::Ignore,
            PartitionHandlingDoc::PauseMinority => mqlab_rabbitmq::PartitionHandling::PauseMinority,
        },
        publishers,
        consumers,
        stores: stores
            .into_iter()
            .map(|s| mqlab_rabbitmq::StoreConfig {
                name: s.name,
                kind: s.kind,
            })
            .collect(),
    };
    Ok(Built::new(doc, config, names, script))
}

fn promote(p: PromoteDoc) -> Promote {
    match p {
        PromoteDoc::Always => Promote::Always,
        PromoteDoc::WhenSynced => Promote::WhenSynced,
    }
}

#[cfg(test)]
mod tests {
    use super::pattern_matches;

    #[test]
    fn policy_patterns_match_as_rabbitmq_users_write_them() {
        assert!(pattern_matches(".*", "orders"));
        assert!(pattern_matches("^ha\\.", "ha.orders") || pattern_matches("^ha.", "ha.orders"));
        assert!(pattern_matches("^orders$", "orders"));
        assert!(!pattern_matches("^orders$", "orders-eu"));
        assert!(pattern_matches("^orders", "orders-eu"));
        assert!(pattern_matches("eu$", "orders-eu"));
        assert!(pattern_matches("ders", "orders"));
        assert!(!pattern_matches("^payments", "orders"));
    }
}
