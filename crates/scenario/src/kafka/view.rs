//! World → Frame for Kafka: brokers, partitions with their replica logs, clients, consumer
//! groups and stores (`view_groups`), and the ledger.

use super::describe::Describer;
use crate::frame::*;
use crate::view::{frame_base, isolated, node_status};
use mqlab_engine::VecMap;
use mqlab_engine::{NodeId, Step, World};
use mqlab_kafka::{Kafka, Role, CONSUMER_BASE, PRODUCER_BASE, READER_BASE};

pub fn frame(
    world: &World<Kafka>,
    last: Option<&Step<Kafka>>,
    names: &VecMap<NodeId, String>,
    total_steps: u64,
    end_time_ms: u64,
) -> Frame {
    let kafka = world.model();
    let d = Describer { kafka, names };
    let meta = kafka.metadata();
    let all: Vec<NodeId> = world.node_ids().collect();

    let nodes = all
        .iter()
        .map(|&id| {
            let kind = match id.0 {
                0 => NodeKind::Controller,
                x if x >= CONSUMER_BASE => NodeKind::Consumer,
                x if x >= READER_BASE => NodeKind::Reader,
                x if x >= PRODUCER_BASE => NodeKind::Producer,
                _ => NodeKind::Broker,
            };
            let status = node_status(world, id);
            let detail = match kind {
                NodeKind::Producer => kafka
                    .producers()
                    .find(|p| p.id == id)
                    .map(|p| {
                        // Only what differs from "retry forever" is worth the card's room.
                        let mut parts = vec![format!("acks={}", p.config.acks.label())];
                        if p.config.retries < i32::MAX as u32 {
                            parts.push(format!("retries={}", p.config.retries));
                        }
                        if p.config.idempotent {
                            parts.push("idempotent".into());
                        }
                        if let Some(t) = &p.config.transactional_id {
                            parts.push(format!("transactional.id={t}"));
                        }
                        parts.join(" ")
                    })
                    .unwrap_or_default(),
                NodeKind::Reader => kafka
                    .readers()
                    .find(|r| r.id == id)
                    .map(|r| {
                        let topic = &kafka.config().topics[r.config.topic as usize].name;
                        if r.config.read_committed {
                            format!("{topic} read_committed")
                        } else {
                            topic.clone()
                        }
                    })
                    .unwrap_or_default(),
                NodeKind::Controller => "KRaft".into(),
                NodeKind::Consumer => kafka
                    .consumer(id)
                    .map(|c| {
                        let mut d = format!("group={}", c.config.group);
                        if c.config.read_committed {
                            d.push_str(" read_committed");
                        }
                        if let Some(t) = &c.config.transform {
                            let out = &kafka.config().topics[t.output_topic as usize].name;
                            d.push_str(&format!(" → {out} (transactional)"));
                        }
                        d
                    })
                    .unwrap_or_default(),
                NodeKind::Broker => String::new(),
            };
            NodeView {
                id: id.0,
                kind,
                name: d.name(id),
                status,
                isolated: isolated(world, id),
                fenced: meta.fenced.contains(&id),
                paused: false,
                detail,
            }
        })
        .collect();

    let partitions = meta
        .partitions
        .iter()
        .map(|(&tp, state)| PartitionView {
            topic: kafka.config().topics[tp.topic as usize].name.clone(),
            partition: tp.partition,
            name: kafka.tp_name(tp),
            leader: state.leader.map(|l| l.0),
            leader_epoch: state.leader_epoch,
            isr: state.isr.iter().map(|b| b.0).collect(),
            elr: state.elr.iter().map(|b| b.0).collect(),
            preferred_leader: state.preferred_leader().0,
            replicas: state
                .replicas
                .iter()
                .map(|&b| {
                    let broker = kafka.broker(b);
                    let log = broker.and_then(|br| br.logs.get(&tp));
                    ReplicaView {
                        broker: b.0,
                        acts_as_leader: broker
                            .is_some_and(|br| matches!(br.roles.get(&tp), Some(Role::Leader(_)))),
                        log_end_offset: log.map_or(0, |l| l.log_end_offset()),
                        high_watermark: log.map_or(0, |l| l.high_watermark),
                        last_stable_offset: log
                            .filter(|l| l.records.iter().any(|r| r.transactional))
                            .map(|l| l.last_stable_offset()),
                        cells: log.map(|l| cells(kafka, l)).unwrap_or_default(),
                    }
                })
                .collect(),
        })
        .collect();

    Frame {
        nodes,
        partitions,
        transactions: kafka
            .config()
            .producers
            .iter()
            .any(|p| p.transactional_id.is_some()),
        consumers: super::view_groups::consumers(kafka, &d),
        groups: super::view_groups::groups(kafka),
        stores: super::view_groups::stores(kafka, &d),
        ..frame_base(world, &d, last, total_steps, end_time_ms)
    }
}

/// A log's cells; a transaction marker is labelled by its kind (it carries no message).
fn cells(kafka: &Kafka, log: &mqlab_kafka::Log) -> Vec<CellView> {
    let aborted = log.aborted();
    log.records
        .iter()
        .enumerate()
        .map(|(o, r)| {
            let control = r
                .control
                .map(|m| super::describe_txn::marker_name(m).to_string());
            CellView {
                offset: o as u64,
                leader_epoch: r.epoch,
                message: r.message.0,
                label: control
                    .clone()
                    .unwrap_or_else(|| kafka.ledger().label(r.message).to_string()),
                control,
                aborted: aborted.get(o).copied().unwrap_or(false),
            }
        })
        .collect()
}
