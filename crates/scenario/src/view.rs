//! World → Frame, the parts both brokers share: node status, envelopes, links, traffic, the
//! ledger, stores, and a step's happenings. Each broker draws the rest (`kafka::view`,
//! `rabbitmq::view`).

use crate::describe::Describe;
use crate::frame::*;
use crate::sim::Sim;
use mqlab_engine::{LinkState, Liveness, NodeId, Step, StepKind, World};
use mqlab_ledger::{assess, Outcome};

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

/// The parts of a frame that read the same for either broker: where the trace is, the wire
/// (envelopes, faulty links, traffic), the last step's happenings and the ledger. Each
/// broker's view adds its own parts on top (`Frame { nodes, .., ..frame_base(..) }`).
pub fn frame_base<M: Sim>(
    world: &World<M>,
    d: &impl Describe<M>,
    last: Option<&Step<M>>,
    total_steps: u64,
    end_time_ms: u64,
) -> Frame {
    let (records, placements) = M::ledger_now(world);
    let (messages, ledger) = ledger_views(records, &placements, |n| d.name(n));
    Frame {
        step: world.steps_taken(),
        total_steps,
        time_ms: world.now(),
        end_time_ms,
        envelopes: envelopes(world, d),
        faulty_links: faulty_links(world),
        happenings: last.map(|s| step_happenings(d, s)).unwrap_or_default(),
        messages,
        ledger,
        traffic: traffic(world),
        ..Frame::default()
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

/// Stores as drawn: rows with duplicates flagged, the seen-set, and the expected row count
/// `expected(store index)`. Broker-independent.
pub fn store_views(
    stores: &[mqlab_ledger::Store],
    ledger: &mqlab_ledger::Ledger,
    expected: impl Fn(usize) -> u32,
    name: impl Fn(mqlab_engine::NodeId) -> String,
) -> Vec<StoreView> {
    stores
        .iter()
        .enumerate()
        .map(|(i, store)| StoreView {
            name: store.name.clone(),
            kind: store.kind,
            rows: store
                .rows
                .iter()
                .map(|row| RowView {
                    key: row.key.clone(),
                    message: row.message.0,
                    writes: row.writes,
                    duplicate: store.rows.iter().filter(|r| r.key == row.key).count() > 1,
                    by: name(row.by),
                })
                .collect(),
            seen: store
                .seen
                .iter()
                .map(|&m| ledger.label(m).to_string())
                .collect(),
            absorbed: store.absorbed,
            expected: expected(i),
            distinct: store.distinct_keys() as u32,
        })
        .collect()
}
