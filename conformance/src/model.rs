//! The same document in the model: `Player::load`, play to the end, read the `Frame` (queues,
//! leaders, what is left, publishers' throughput); and, for what a frame does not keep (each
//! delivery's `redelivered` flag, cancels, refusals, returns), the typed trace of the same
//! world, stepped exactly as the player steps it (checked: same number of steps, same ledger).

use crate::observe::*;
use mqlab_engine::{NodeId, StepKind, World};
use mqlab_rabbitmq::{Msg, Note, PublishMode, Rabbit};
use mqlab_scenario::frame::{QueueAvailability, ReplicaRole};
use mqlab_scenario::validate::{validate, Happen, Validated, When};
use mqlab_scenario::{Command, Player, ScenarioDoc, MAX_STEPS};
use std::collections::BTreeMap;

pub fn observe(doc: &ScenarioDoc) -> Result<Observation, String> {
    let mut player = Player::load(doc.clone()).map_err(|e| format!("{}: {}", e.field, e.en))?;
    player.apply(Command::End).map_err(|e| e.en)?;
    let frame = player.frame();

    let Validated::Rabbit(built) = validate(doc).map_err(|e| e.en)? else {
        return Err("not a RabbitMQ scenario".into());
    };
    let names = &built.names;
    let name = |id: NodeId| names.get(&id).cloned().unwrap_or_else(|| id.to_string());

    let rabbit = Rabbit::new(built.config.clone());
    let nodes = rabbit.node_ids();
    let mut world = World::new(
        rabbit,
        &nodes,
        built.seed,
        built.latency_ms,
        built.jitter_ms,
    );
    for s in &built.script {
        match (&s.when, &s.what) {
            (When::At(at), Happen::Fault(f)) => world.schedule_fault(*at, f.clone()),
            (When::At(at), Happen::Action(a)) => world.schedule_action(*at, a.clone()),
            (When::AfterStep(_), _) => {
                return Err(
                    "script entries with after_step cannot be timed on a real cluster: use at_ms"
                        .into(),
                )
            }
        }
    }

    let plain: BTreeMap<String, bool> = built
        .config
        .publishers
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (
                name(NodeId(mqlab_rabbitmq::PUBLISHER_BASE + i as u32)),
                matches!(p.mode, PublishMode::Plain),
            )
        })
        .collect();

    let mut obs = Observation::default();
    for c in &doc
        .rabbitmq
        .as_ref()
        .ok_or("no rabbitmq section")?
        .consumers
    {
        obs.consumers.insert(c.name.clone(), ConsumerObs::default());
    }
    // Messages by ledger id: created as the ledger records them.
    let mut by_id: BTreeMap<u32, String> = BTreeMap::new();
    let sync_ledger =
        |world: &World<Rabbit>, obs: &mut Observation, by_id: &mut BTreeMap<u32, String>| {
            for r in world.model().ledger().records() {
                by_id.entry(r.id.0).or_insert_with(|| {
                    let publisher = name(r.producer);
                    obs.messages.insert(
                        r.label.clone(),
                        MessageObs::new(&publisher, Publish::NotSent),
                    );
                    r.label.clone()
                });
            }
        };

    while world.steps_taken() < MAX_STEPS {
        match world.next_event_at() {
            Some(t) if t <= built.duration_ms => {}
            _ => break,
        }
        let Some(step) = world.step() else { break };
        sync_ledger(&world, &mut obs, &mut by_id);
        let label = |m: mqlab_ledger::MessageId| by_id.get(&m.0).cloned().unwrap_or_default();
        if let StepKind::Delivered { envelope } = &step.kind {
            if let Msg::Returned { message } = &envelope.msg {
                if let Some(m) = obs.messages.get_mut(&label(*message)) {
                    m.returned = true;
                }
            }
        }
        for note in &step.notes {
            match note {
                Note::Published {
                    publisher, message, ..
                } => {
                    let is_plain = plain.get(&name(*publisher)).copied().unwrap_or(false);
                    if let Some(m) = obs.messages.get_mut(&label(*message)) {
                        if m.publish == Publish::NotSent {
                            m.publish = if is_plain {
                                Publish::Sent
                            } else {
                                Publish::Unconfirmed
                            };
                        }
                    }
                }
                Note::Confirmed { message, ack, .. } => {
                    if let Some(m) = obs.messages.get_mut(&label(*message)) {
                        m.publish = if *ack {
                            Publish::Confirmed
                        } else {
                            Publish::Nacked
                        };
                    }
                }
                Note::TxCommitted { messages, .. } => {
                    for message in messages {
                        if let Some(m) = obs.messages.get_mut(&label(*message)) {
                            m.publish = Publish::Confirmed;
                        }
                    }
                }
                Note::Delivered {
                    consumer,
                    message,
                    redelivered,
                    ..
                } => {
                    let (c, l) = (name(*consumer), label(*message));
                    if let Some(m) = obs.messages.get_mut(&l) {
                        m.deliveries.push(Delivery {
                            consumer: c.clone(),
                            redelivered: *redelivered,
                        });
                    }
                    obs.consumers
                        .entry(c)
                        .or_default()
                        .order
                        .push((l, *redelivered));
                }
                Note::Processed { message, .. } => {
                    if let Some(m) = obs.messages.get_mut(&label(*message)) {
                        m.processed += 1;
                    }
                }
                Note::ConsumerCancelled { consumer, .. } => {
                    obs.consumers.entry(name(*consumer)).or_default().cancels += 1;
                }
                Note::ConsumeRefused { consumer, .. } => {
                    obs.consumers.entry(name(*consumer)).or_default().refused += 1;
                }
                _ => {}
            }
        }
    }
    sync_ledger(&world, &mut obs, &mut by_id);

    // The trace above must be the player's trace.
    if world.steps_taken() != player.total_steps() {
        return Err(format!(
            "the conformance runner took {} steps, the player {}: they drifted apart",
            world.steps_taken(),
            player.total_steps()
        ));
    }
    if frame.messages.len() != obs.messages.len() {
        return Err("the frame's ledger and the trace disagree".into());
    }

    // The end of the trace, from the frame.
    let node_name = |id: u32| player.node_name(id).map(str::to_string);
    for q in &frame.queues {
        let mut qo = QueueObs {
            available: q.availability == QueueAvailability::Available,
            leader: q.leader.and_then(node_name),
            ..QueueObs::default()
        };
        let mut mirrors: Vec<String> = q
            .replicas
            .iter()
            .filter(|r| r.role == ReplicaRole::Mirror)
            .filter_map(|r| node_name(r.node))
            .collect();
        mirrors.sort();
        qo.mirrors = mirrors;
        if qo.available {
            if let Some(leader) = q.replicas.iter().find(|r| r.role == ReplicaRole::Leader) {
                // What a drain finds once consumers have gone: the ready messages, and the
                // unacked ones requeued with redelivered=true (R6).
                let mut items: Vec<(u32, String, bool)> = leader
                    .ready
                    .iter()
                    .map(|i| (i.message, i.label.clone(), i.redelivered))
                    .chain(
                        leader
                            .unacked
                            .iter()
                            .map(|i| (i.message, i.label.clone(), true)),
                    )
                    .collect();
                // Publication order (classic queues keep it through requeues, R7).
                items.sort_by_key(|i| i.0);
                for (_, label, redelivered) in items {
                    if let Some(m) = obs.messages.get_mut(&label) {
                        m.remaining = Some(redelivered);
                    }
                    qo.remaining.push(label);
                }
            }
        }
        obs.queues.insert(q.name.clone(), qo);
    }
    for p in &frame.publishers {
        obs.publishers.insert(
            p.name.clone(),
            PublisherObs {
                confirmed: p.confirmed,
                per_second: p.per_second.map(f64::from),
            },
        );
    }
    Ok(obs)
}
