//! World → Frame for RabbitMQ: nodes, queues with their replicas and messages, publishers
//! with their throughput, consumers, stores and the ledger.

use super::describe::Describer;
use crate::describe::Describe;
use crate::frame::*;
use crate::i18n::Text;
use crate::sim::Names;
use crate::view;
use mqlab_engine::{Step, World};
use mqlab_rabbitmq::{
    HaMode, Promote, PublishMode, QMsg, QueueKind, Rabbit, RabbitConfig, SyncMode, CONSUMER_BASE,
    PUBLISHER_BASE,
};

fn item(rabbit: &Rabbit, m: &QMsg, quorum: bool) -> QueueItem {
    let headers = rabbit.headers(m);
    QueueItem {
        message: m.message.0,
        label: rabbit.ledger().label(m.message).to_string(),
        redelivered: m.delivered,
        persistent: m.persistent,
        x_death: headers
            .x_death
            .iter()
            .map(|d| XDeathView {
                queue: d.queue.clone(),
                reason: d.reason.name().to_string(),
                count: d.count,
                exchange: d.exchange.clone(),
                routing_keys: d.routing_keys.clone(),
                time: d.time,
            })
            .collect(),
        // A quorum queue counts its own deliveries; a message it dead-lettered keeps the count.
        delivery_count: if quorum && m.deliveries > 0 {
            Some(m.deliveries)
        } else {
            headers.delivery_count
        },
    }
}

fn mirroring_text(config: &RabbitConfig, queue: usize, d: &Describer<'_>) -> Option<Text> {
    let policy = config.queues[queue].mirroring.as_ref()?;
    let (mode_en, mode_zh) = match &policy.mode {
        HaMode::All => (
            "ha-mode all".to_string(),
            "ha-mode all（所有节点）".to_string(),
        ),
        HaMode::Exactly(n) => (
            format!("ha-mode exactly {n}"),
            format!("ha-mode exactly {n}（共 {n} 个副本）"),
        ),
        HaMode::Nodes(list) => {
            let names: Vec<String> = list.iter().map(|&n| d.name(n)).collect();
            let l = names.join(", ");
            (
                format!("ha-mode nodes [{l}]"),
                format!("ha-mode nodes [{l}]"),
            )
        }
    };
    let sync = match policy.sync {
        SyncMode::Manual => "manual",
        SyncMode::Automatic => "automatic",
    };
    let promote = match policy.promote_on_failure {
        Promote::Always => "always",
        Promote::WhenSynced => "when-synced",
    };
    Some(Text {
        en: format!("mirrored: {mode_en}, ha-sync-mode {sync}, promote on failure {promote} (removed in RabbitMQ 4.0)"),
        zh: format!("镜像队列：{mode_zh}，ha-sync-mode {sync}，故障时提升 {promote}（RabbitMQ 4.0 已移除）"),
    })
}

fn queues(world: &World<Rabbit>, d: &Describer<'_>) -> Vec<QueueView> {
    let rabbit = world.model();
    let config = rabbit.config();
    config
        .queues
        .iter()
        .enumerate()
        .map(|(i, cfg)| {
            let q = i as u32;
            let leader = rabbit
                .leader_messages(q, |n| world.is_up(n))
                .map(|(n, _)| n);
            let deleted = rabbit
                .nodes()
                .filter(|n| world.is_up(n.id))
                .any(|n| n.durable.metadata.get(&q).is_some_and(|v| v.deleted));
            let mut replicas = Vec::new();
            let leader_log = leader
                .and_then(|l| rabbit.node(l))
                .and_then(|n| n.quorum.get(&q))
                .map_or(0, |m| m.log.len());
            for node in rabbit.nodes() {
                let up = world.is_up(node.id);
                if let Some(m) = node.quorum.get(&q) {
                    let unacked = m
                        .checked_out
                        .keys()
                        .filter_map(|i| m.messages.get(i))
                        .map(|msg| item(rabbit, msg, true))
                        .collect();
                    replicas.push(QueueReplicaView {
                        node: node.id.0,
                        role: match (up, m.is_leader()) {
                            (false, _) => ReplicaRole::OnDisk,
                            (true, true) => ReplicaRole::Leader,
                            (true, false) => ReplicaRole::Follower,
                        },
                        synced: m.log.len() >= leader_log,
                        ready: m
                            .ready
                            .iter()
                            .filter_map(|i| m.messages.get(i))
                            .map(|msg| item(rabbit, msg, true))
                            .collect(),
                        unacked,
                        on_disk: m.unsettled_in_log().len() as u32,
                    });
                    continue;
                }
                let on_disk = node.durable.messages.get(&q).map_or(0, |d| d.len() as u32);
                match node.replicas.get(&q).filter(|_| up) {
                    Some(r) => {
                        let unacked: Vec<QueueItem> = r
                            .unacked
                            .values()
                            .filter_map(|(index, _)| r.messages.get(index))
                            .map(|m| item(rabbit, m, false))
                            .collect();
                        let ready = if r.leader {
                            r.ready_messages().map(|m| item(rabbit, m, false)).collect()
                        } else {
                            r.messages
                                .values()
                                .map(|m| item(rabbit, m, false))
                                .collect()
                        };
                        replicas.push(QueueReplicaView {
                            node: node.id.0,
                            role: if r.leader {
                                ReplicaRole::Leader
                            } else {
                                ReplicaRole::Mirror
                            },
                            synced: r.leader || r.synced,
                            ready,
                            unacked,
                            on_disk,
                        });
                    }
                    None if on_disk > 0 => replicas.push(QueueReplicaView {
                        node: node.id.0,
                        role: ReplicaRole::OnDisk,
                        synced: false,
                        ready: Vec::new(),
                        unacked: Vec::new(),
                        on_disk,
                    }),
                    None => {}
                }
            }
            QueueView {
                name: cfg.name.clone(),
                kind: match cfg.kind {
                    QueueKind::Classic => QueueType::Classic,
                    QueueKind::Quorum { .. } => QueueType::Quorum,
                },
                durable: cfg.durable,
                mirroring: mirroring_text(config, i, d),
                leader: leader.map(|n| n.0),
                availability: if deleted {
                    QueueAvailability::Deleted
                } else if leader.is_some() {
                    QueueAvailability::Available
                } else {
                    QueueAvailability::Down
                },
                replicas,
                consumers: rabbit
                    .consumers()
                    .filter(|c| c.config.queue == q && world.is_up(c.id) && c.consuming)
                    .map(|c| d.name(c.id))
                    .collect(),
            }
        })
        .collect()
}

fn mode_text(mode: PublishMode) -> Text {
    match mode {
        PublishMode::Plain => Text {
            en: "no confirms".into(),
            zh: "不确认".into(),
        },
        PublishMode::Confirm { window: 1 } => Text {
            en: "confirms, waiting for each".into(),
            zh: "confirm，逐条等待确认".into(),
        },
        PublishMode::Confirm { window } => Text {
            en: format!("confirms, up to {window} unconfirmed"),
            zh: format!("confirm，最多 {window} 条未确认"),
        },
        PublishMode::Transaction { batch } => Text {
            en: format!("transactions, {batch} per tx.commit"),
            zh: format!("事务，每次 tx.commit {batch} 条"),
        },
    }
}

pub fn frame(
    world: &World<Rabbit>,
    last: Option<&Step<Rabbit>>,
    names: &Names,
    total_steps: u64,
    end_time_ms: u64,
) -> Frame {
    let rabbit = world.model();
    let d = Describer { rabbit, names };
    let nodes = world
        .node_ids()
        .map(|id| {
            let kind = match id.0 {
                x if x >= CONSUMER_BASE => NodeKind::Consumer,
                x if x >= PUBLISHER_BASE => NodeKind::Producer,
                _ => NodeKind::Broker,
            };
            let detail = match kind {
                NodeKind::Producer => rabbit
                    .publishers()
                    .find(|p| p.id == id)
                    .map(|p| {
                        let persistent = if p.config.persistent {
                            "persistent"
                        } else {
                            "transient"
                        };
                        format!("{} {persistent}", mode_text(p.config.mode).en)
                    })
                    .unwrap_or_default(),
                NodeKind::Consumer => rabbit
                    .consumers()
                    .find(|c| c.id == id)
                    .map(|c| {
                        let ack = if c.config.auto_ack {
                            "autoAck"
                        } else {
                            "manual ack"
                        };
                        format!("{ack} prefetch={}", c.config.prefetch)
                    })
                    .unwrap_or_default(),
                _ => String::new(),
            };
            NodeView {
                id: id.0,
                kind,
                name: d.name(id),
                status: view::node_status(world, id),
                isolated: view::isolated(world, id),
                fenced: false,
                paused: rabbit.node(id).is_some_and(|n| n.paused),
                detail,
            }
        })
        .collect();
    let consumers = rabbit
        .consumers()
        .map(|c| {
            let up = world.is_up(c.id);
            ConsumerView {
                id: c.id.0,
                name: d.name(c.id),
                group: rabbit.config().queues[c.config.queue as usize].name.clone(),
                activity: match (up, c.consuming, c.inbox.is_empty()) {
                    (false, _, _) => ConsumerActivity::Down,
                    (true, false, _) => ConsumerActivity::Joining,
                    (true, true, true) => ConsumerActivity::Polling,
                    (true, true, false) => ConsumerActivity::Processing,
                },
                generation: None,
                assigned: vec![rabbit.config().queues[c.config.queue as usize].name.clone()],
                positions: Vec::new(),
                in_hand: c
                    .inbox
                    .iter()
                    .map(|h| rabbit.ledger().label(h.message).to_string())
                    .collect(),
                commit: if c.config.auto_ack {
                    Text {
                        en: "autoAck".into(),
                        zh: "自动确认（autoAck）".into(),
                    }
                } else {
                    Text {
                        en: format!("manual ack, prefetch {}", c.config.prefetch),
                        zh: format!("手动确认，prefetch {}", c.config.prefetch),
                    }
                },
                store: rabbit
                    .stores()
                    .get(c.config.store)
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
            }
        })
        .collect();
    let publishers = rabbit
        .publishers()
        .map(|p| PublisherView {
            id: p.id.0,
            name: d.name(p.id),
            mode: mode_text(p.config.mode),
            connected_to: p.node.map(|n| n.0),
            confirmed: p.confirmed,
            per_second: p.first_sent.filter(|_| p.confirmed > 0).map(|first| {
                let span = p.last_confirmed.saturating_sub(first).max(1);
                (u64::from(p.confirmed) * 1000 / span) as u32
            }),
        })
        .collect();
    // One row is expected per acknowledged message routed to a store's consumers' queues.
    let expected = |i: usize| {
        let queues: Vec<u32> = rabbit
            .consumers()
            .filter(|c| c.config.store == i)
            .map(|c| c.config.queue)
            .collect();
        rabbit
            .ledger()
            .records()
            .iter()
            .filter(|r| r.is_acknowledged())
            .filter(|r| {
                rabbit
                    .config()
                    .queues
                    .iter()
                    .enumerate()
                    .any(|(q, cfg)| cfg.name == r.destination && queues.contains(&(q as u32)))
            })
            .count() as u32
    };
    Frame {
        nodes,
        consumers,
        stores: view::store_views(rabbit.stores(), rabbit.ledger(), expected, |n| d.name(n)),
        queues: queues(world, &d),
        publishers,
        ..view::frame_base(world, &d, last, total_steps, end_time_ms)
    }
}
