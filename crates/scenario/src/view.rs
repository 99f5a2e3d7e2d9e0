//! World → Frame: the one place that reads model state for display.

use crate::describe::Describer;
use crate::frame::*;
use mqlab_engine::VecMap;
use mqlab_engine::{LinkState, Liveness, NodeId, Step, StepKind, World};
use mqlab_kafka::{Kafka, Role, CONSUMER_BASE, PRODUCER_BASE, READER_BASE};
use mqlab_ledger::{assess, Outcome};

/// What a model's describer says about its messages, actions and notes: enough for the
/// shared parts of a frame and of the event log.
pub trait Describe<M: mqlab_engine::Model> {
    fn name(&self, node: NodeId) -> String;
    fn message(&self, msg: &M::Msg) -> (crate::i18n::Text, EnvelopeKind);
    fn action(&self, action: &M::Action) -> (String, String);
    fn note(&self, note: &M::Note) -> Happening;
}

impl Describe<Kafka> for Describer<'_> {
    fn name(&self, node: NodeId) -> String {
        Describer::name(self, node)
    }
    fn message(&self, msg: &mqlab_kafka::Msg) -> (crate::i18n::Text, EnvelopeKind) {
        Describer::message(self, msg)
    }
    fn action(&self, action: &mqlab_kafka::Action) -> (String, String) {
        Describer::action(self, action)
    }
    fn note(&self, note: &mqlab_kafka::Note) -> Happening {
        Describer::note(self, note)
    }
}

pub fn node_status<M: mqlab_engine::Model>(world: &World<M>, id: NodeId) -> NodeStatus {
    match world.liveness(id) {
        Liveness::Up => NodeStatus::Up,
        Liveness::Crashed => NodeStatus::Crashed,
        Liveness::Stopped => NodeStatus::Stopped,
    }
}

/// Every link of the node is cut.
pub fn isolated<M: mqlab_engine::Model>(world: &World<M>, id: NodeId) -> bool {
    let all: Vec<NodeId> = world.node_ids().collect();
    let cut = all
        .iter()
        .filter(|&&o| o != id && world.network().state(id, o) == LinkState::Cut)
        .count();
    all.len() > 1 && cut == all.len() - 1
}

/// Messages in flight, labelled; a process talking to another on its own node is not drawn.
pub fn envelopes<M: mqlab_engine::Model>(
    world: &World<M>,
    d: &impl Describe<M>,
) -> Vec<EnvelopeView> {
    world
        .in_flight()
        .into_iter()
        .filter(|e| e.from != e.to)
        .map(|e| {
            let (label, kind) = d.message(&e.msg);
            EnvelopeView {
                id: e.id,
                from: e.from.0,
                to: e.to.0,
                sent_at_ms: e.sent_at,
                arrives_at_ms: e.arrives_at,
                label,
                kind,
            }
        })
        .collect()
}

pub fn traffic<M: mqlab_engine::Model>(world: &World<M>) -> Vec<LinkTraffic> {
    world
        .traffic()
        .iter()
        .map(|(&(from, to), &messages)| LinkTraffic {
            from: from.0,
            to: to.0,
            messages,
        })
        .collect()
}

pub fn faulty_links<M: mqlab_engine::Model>(world: &World<M>) -> Vec<LinkView> {
    let mut links: Vec<LinkView> = world
        .network()
        .faulty_links()
        .filter(|(a, b, _)| a < b)
        .map(|(a, b, s)| LinkView {
            a: a.0,
            b: b.0,
            status: if s == LinkState::Cut {
                LinkStatus::Cut
            } else {
                LinkStatus::Slow
            },
        })
        .collect();
    mqlab_engine::compact::sort_by_key(&mut links, |l| (l.a, l.b));
    links
}

/// The ledger as the panel shows it: every message with its fate, and the counts.
pub fn ledger_views(
    records: &[mqlab_ledger::MessageRecord],
    placements: &[mqlab_ledger::Placement],
    name: impl Fn(NodeId) -> String,
) -> (Vec<MessageView>, LedgerSummary) {
    let (assessments, ledger) = assess(records, placements);
    let messages = records
        .iter()
        .zip(placements)
        .zip(assessments)
        .map(|((r, p), a)| {
            let acked_offset = match r.outcome {
                Outcome::Acknowledged { position, .. } => position,
                _ => None,
            };
            MessageView {
                id: r.id.0,
                label: r.label.clone(),
                producer: name(r.producer),
                partition: r.destination.clone(),
                acked: r.is_acknowledged(),
                acked_offset,
                last_error: r.last_error.clone(),
                attempts: r.attempts,
                replicas: p.copies.iter().map(|c| c.0).collect(),
                reads: r.reads.len() as u32,
                fate: a.fate,
                out_of_order: a.out_of_order,
                delivered_to: r.deliveries.iter().map(|&(c, _)| name(c)).collect(),
                processed: r.processings.len() as u32,
                store_rows: r.processings.iter().filter(|p| p.effect.adds_row()).count() as u32,
                consumption: a.consumption,
            }
        })
        .collect();
    (messages, ledger)
}

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
                        parts.join(" ")
                    })
                    .unwrap_or_default(),
                NodeKind::Reader => kafka
                    .readers()
                    .find(|r| r.id == id)
                    .map(|r| kafka.config().topics[r.config.topic as usize].name.clone())
                    .unwrap_or_default(),
                NodeKind::Controller => "KRaft".into(),
                NodeKind::Consumer => kafka
                    .consumer(id)
                    .map(|c| format!("group={}", c.config.group))
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
                        cells: log
                            .map(|l| {
                                l.records
                                    .iter()
                                    .enumerate()
                                    .map(|(o, r)| CellView {
                                        offset: o as u64,
                                        leader_epoch: r.epoch,
                                        message: r.message.0,
                                        label: kafka.ledger().label(r.message).to_string(),
                                    })
                                    .collect()
                            })
                            .unwrap_or_default(),
                    }
                })
                .collect(),
        })
        .collect();

    let envelopes = envelopes(world, &d);
    let faulty_links = faulty_links(world);

    let happenings = last.map(|s| step_happenings(&d, s)).unwrap_or_default();

    let placements = kafka.placements(|n| world.is_up(n));
    let (messages, ledger) = ledger_views(kafka.ledger().records(), &placements, |n| d.name(n));
    Frame {
        step: world.steps_taken(),
        total_steps,
        time_ms: world.now(),
        end_time_ms,
        nodes,
        partitions,
        envelopes,
        faulty_links,
        happenings,
        messages,
        ledger,
        consumers: crate::view_groups::consumers(kafka, &d),
        groups: crate::view_groups::groups(kafka),
        stores: crate::view_groups::stores(kafka, &d),
        queues: Vec::new(),
        publishers: Vec::new(),
        traffic: traffic(world),
    }
}

/// What a step did, as lines: the event itself, then what the model noted.
pub fn step_happenings<M: mqlab_engine::Model>(
    d: &impl Describe<M>,
    step: &Step<M>,
) -> Vec<Happening> {
    let mut out = Vec::new();
    let travel = |envelope: &mqlab_engine::Envelope<M::Msg>,
                  at: NodeId,
                  severity,
                  what: (String, String)| {
        let (label, _) = d.message(&envelope.msg);
        let (from, to) = (d.name(envelope.from), d.name(envelope.to));
        Happening {
            node: Some(at.0),
            severity,
            en: format!("{from} → {to}: {}{}", label.en, what.0),
            zh: format!("{from} → {to}：{}{}", label.zh, what.1),
        }
    };
    match &step.kind {
        StepKind::Delivered { envelope } => out.push(travel(
            envelope,
            envelope.to,
            Severity::Info,
            (String::new(), String::new()),
        )),
        StepKind::Dropped { envelope } => out.push(travel(
            envelope,
            envelope.to,
            Severity::Alert,
            (" lost on a cut link".into(), " 在断开的链路上丢失".into()),
        )),
        StepKind::Refused { envelope } => {
            let to = d.name(envelope.to);
            out.push(travel(
                envelope,
                envelope.from,
                Severity::Notice,
                (
                    format!(" refused, {to} is down"),
                    format!(" 被拒绝，{to} 已宕机"),
                ),
            ));
        }
        StepKind::Timer { .. } => {}
        StepKind::Fault(fault) => {
            let (en, zh) = crate::describe::describe_fault(&|n| d.name(n), fault);
            out.push(Happening {
                node: fault.nodes().first().map(|n| n.0),
                severity: Severity::Alert,
                en: format!("Fault: {en}"),
                zh: format!("故障：{zh}"),
            });
        }
        StepKind::Action(action) => {
            let (en, zh) = d.action(action);
            out.push(Happening {
                node: None,
                severity: Severity::Notice,
                en,
                zh,
            });
        }
    }
    out.extend(step.notes.iter().map(|n| d.note(n)));
    out
}

impl crate::sim::Sim for Kafka {
    type Config = mqlab_kafka::KafkaConfig;

    fn digest(step: &Step<Self>, state: u64) -> u64 {
        step.digest(state)
    }

    fn build(config: &Self::Config) -> Self {
        Kafka::new(config.clone())
    }
    fn nodes(&self) -> Vec<NodeId> {
        self.node_ids()
    }
    fn happenings(
        world: &World<Self>,
        names: &crate::sim::Names,
        step: &Step<Self>,
    ) -> Vec<Happening> {
        let d = Describer {
            kafka: world.model(),
            names,
        };
        step_happenings(&d, step)
    }
    fn mark(
        world: &World<Self>,
        names: &crate::sim::Names,
        kind: &StepKind<Self>,
    ) -> Option<(crate::player::MarkKind, (String, String))> {
        let d = Describer {
            kafka: world.model(),
            names,
        };
        match kind {
            StepKind::Fault(f) => Some((crate::player::MarkKind::Fault, d.fault(f))),
            StepKind::Action(a) => Some((crate::player::MarkKind::Action, d.action(a))),
            _ => None,
        }
    }
    fn facts_about(
        world: &World<Self>,
        names: &crate::sim::Names,
        step: &Step<Self>,
        message: mqlab_ledger::MessageId,
    ) -> Vec<Happening> {
        let d = Describer {
            kafka: world.model(),
            names,
        };
        step.notes
            .iter()
            .filter(|n| n.mentions(message))
            .map(|n| d.note(n))
            .collect()
    }
    fn frame(
        world: &World<Self>,
        last: Option<&Step<Self>>,
        names: &crate::sim::Names,
        total_steps: u64,
        end_time_ms: u64,
    ) -> Frame {
        frame(world, last, names, total_steps, end_time_ms)
    }
}
