//! A model of RabbitMQ 3.13 and 4.x (the scenario layer picks: classic mirroring only in 3.13,
//! quorum queues' default delivery limit in 4.x): a cluster whose metadata is on every node,
//! classic queues whose contents live on one node (optionally mirrored by a policy), durability with batched fsync,
//! publisher confirms and transactions, consumers with autoAck or manual acks and prefetch;
//! faithful to FIDELITY.md R1–R10 and R15–R22.
//!
//! Node ids: RabbitMQ nodes are 1..=N ("rabbit-N"), publishers 100+i, consumers 300+i.

mod config;
mod consumer;
mod node;
mod protocol;
mod publisher;
mod queue;
mod quorum;
mod routing;

pub use config::{
    Binding, ConsumerConfig, ExchangeConfig, ExchangeKind, HaMode, Limits, MirrorPolicy, Overflow,
    PartitionHandling, Promote, PublishMode, PublisherConfig, QueueConfig, QueueKind, RabbitConfig,
    StoreConfig, SyncMode,
};
pub use consumer::{AmqpConsumer, InHand};
pub use node::{Durable, QueueView, RabbitNode};
pub use protocol::{
    ConsumerRef, DeadReason, Headers, MirrorOp, Msg, Note, PublishRef, QMsg, QueueError, QueueTag,
    RaftCommand, RaftEntry, RaftMsg, Timer, XDeath,
};
pub use publisher::Publisher;
pub use queue::{MirrorInfo, Replica};
pub use quorum::{QuorumMember, RaftRole};
pub use routing::route;

use mqlab_engine::compact::sort;
use mqlab_engine::{Effects, Model, NodeId};
use mqlab_engine::{VecMap, VecSet};
use mqlab_ledger::{Ledger, MessageId, Placement, Store};
use node::Shared;
use std::rc::Rc;

pub const PUBLISHER_BASE: u32 = 100;
pub const CONSUMER_BASE: u32 = 300;

/// Scripted actions that are not faults.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// The application publishes `count` messages labelled "<key>-<n>" with this routing key.
    Publish {
        publisher: NodeId,
        count: u32,
        key: String,
        routing_key: String,
    },
    /// `rabbitmqctl sync_queue` (R21).
    SyncQueue { queue: u32 },
}

#[derive(Clone, Debug)]
pub struct Rabbit {
    config: Rc<RabbitConfig>,
    nodes: VecMap<NodeId, RabbitNode>,
    publishers: VecMap<NodeId, Publisher>,
    consumers: VecMap<NodeId, AmqpConsumer>,
    stores: Vec<Store>,
    ledger: Ledger,
    /// Messages settled by consumption (acked, or sent to an autoAck consumer).
    consumed: VecSet<MessageId>,
    key_counters: VecMap<String, u32>,
    /// The headers of dead-lettered messages; [`QMsg::headers`] is an id in it (R12).
    headers: Vec<Headers>,
}

impl Rabbit {
    pub fn new(config: RabbitConfig) -> Self {
        let nodes =
            VecMap::from_iter((1..=config.nodes).map(|n| (NodeId(n), RabbitNode::new(NodeId(n)))));
        let publishers = VecMap::from_iter(config.publishers.iter().enumerate().map(|(i, p)| {
            let id = NodeId(PUBLISHER_BASE + i as u32);
            (id, Publisher::new(id, p.clone()))
        }));
        let consumers = VecMap::from_iter(config.consumers.iter().enumerate().map(|(i, c)| {
            let id = NodeId(CONSUMER_BASE + i as u32);
            (id, AmqpConsumer::new(id, c.clone()))
        }));
        Self {
            stores: config
                .stores
                .iter()
                .map(|s| Store::new(s.name.clone(), s.kind))
                .collect(),
            nodes,
            publishers,
            consumers,
            ledger: Ledger::default(),
            consumed: VecSet::new(),
            key_counters: VecMap::new(),
            headers: Vec::new(),
            config: Rc::new(config),
        }
    }

    pub fn config(&self) -> &RabbitConfig {
        &self.config
    }
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }
    pub fn stores(&self) -> &[Store] {
        &self.stores
    }
    pub fn node_ids(&self) -> Vec<NodeId> {
        self.nodes
            .keys()
            .chain(self.publishers.keys())
            .chain(self.consumers.keys())
            .copied()
            .collect()
    }
    pub fn nodes(&self) -> impl Iterator<Item = &RabbitNode> {
        self.nodes.values()
    }
    pub fn node(&self, id: NodeId) -> Option<&RabbitNode> {
        self.nodes.get(&id)
    }
    pub fn publishers(&self) -> impl Iterator<Item = &Publisher> {
        self.publishers.values()
    }
    pub fn consumers(&self) -> impl Iterator<Item = &AmqpConsumer> {
        self.consumers.values()
    }
    pub fn consumed(&self, message: MessageId) -> bool {
        self.consumed.contains(&message)
    }

    /// The messages on a queue's live leader (a classic leader replica, or the applied state of
    /// a quorum queue's leader), with its node. Of quorum members that believe they lead, the
    /// one with the highest term: an isolated leader keeps believing it leads (it hears of no
    /// higher term) while the majority has elected another, and what it holds is stale.
    pub fn leader_messages(
        &self,
        queue: u32,
        is_up: impl Fn(NodeId) -> bool,
    ) -> Option<(NodeId, Vec<&QMsg>)> {
        let live = || self.nodes.values().filter(|n| is_up(n.id));
        if let Some(found) = live().find_map(|n| {
            n.replicas
                .get(&queue)
                .filter(|r| r.leader)
                .map(|r| (n.id, r.messages.values().collect()))
        }) {
            return Some(found);
        }
        let mut best: Option<(u32, NodeId, &QuorumMember)> = None;
        for n in live() {
            if let Some(m) = n.quorum.get(&queue).filter(|m| m.is_leader()) {
                if best.is_none_or(|(term, _, _)| m.term > term) {
                    best = Some((m.term, n.id, m));
                }
            }
        }
        best.map(|(_, node, m)| (node, m.messages.values().collect()))
    }

    /// Where each message is now, for the ledger: in memory on replicas, on disk, readable on
    /// a live leader; settled by consumption; skipped if consumed but never processed and not
    /// in a live consumer's hands (autoAck, R6).
    pub fn placements(&self, is_up: impl Fn(NodeId) -> bool) -> Vec<Placement> {
        let records = self.ledger.records();
        let mut placements = vec![Placement::default(); records.len()];
        let queues = self.config.queues.len() as u32;
        for node in self.nodes.values() {
            let up = is_up(node.id);
            for (q, msgs) in &node.durable.messages {
                let _ = q;
                for m in msgs {
                    if let Some(p) = placements.get_mut(m.message.0 as usize) {
                        if !p.copies.contains(&node.id) {
                            p.copies.push(node.id);
                        }
                    }
                }
            }
            if !up {
                continue;
            }
            for r in node.replicas.values() {
                for m in r.messages.values() {
                    if let Some(p) = placements.get_mut(m.message.0 as usize) {
                        if !p.copies.contains(&node.id) {
                            p.copies.push(node.id);
                        }
                    }
                }
            }
        }
        // A quorum member's log is on its disk, up or down: what it holds unsettled is a copy.
        for node in self.nodes.values() {
            for m in node.quorum.values() {
                for message in m.unsettled_in_log() {
                    if let Some(p) = placements.get_mut(message.0 as usize) {
                        if !p.copies.contains(&node.id) {
                            p.copies.push(node.id);
                        }
                    }
                }
            }
        }
        for q in 0..queues {
            let Some((_, leader)) = self.leader_messages(q, &is_up) else {
                continue;
            };
            let mut counts: VecMap<MessageId, (u32, u64)> = VecMap::new();
            for m in leader {
                let e = counts.entry(m.message).or_insert((0, m.index));
                e.0 += 1;
            }
            for (message, (count, index)) in counts {
                if let Some(p) = placements.get_mut(message.0 as usize) {
                    p.on_authority = p.on_authority.max(count);
                    p.readable = true;
                    p.position.get_or_insert(index);
                }
            }
        }
        let in_hand: VecSet<MessageId> = VecSet::from_iter(
            self.consumers
                .values()
                .filter(|c| is_up(c.id))
                .flat_map(|c| c.inbox.iter().map(|d| d.message)),
        );
        for (record, p) in records.iter().zip(placements.iter_mut()) {
            sort(&mut p.copies);
            let targets = self.targets(record);
            p.has_authority = targets
                .iter()
                .any(|&q| self.leader_messages(q, &is_up).is_some());
            let consumed = self.consumed.contains(&record.id);
            p.consumed = consumed && p.on_authority == 0;
            p.skipped =
                p.consumed && record.processings.is_empty() && !in_hand.contains(&record.id);
        }
        placements
    }

    /// The queues a message's publish routes to.
    fn targets(&self, record: &mqlab_ledger::MessageRecord) -> Vec<u32> {
        let exchange = self
            .publishers
            .get(&record.producer)
            .map_or("", |p| p.config.exchange.as_str());
        route(&self.config, exchange, &record.destination)
    }

    fn publish(
        &mut self,
        publisher: NodeId,
        count: u32,
        key: &str,
        routing_key: &str,
        fx: &mut Effects<'_, Self>,
    ) {
        let Some(p) = self.publishers.get_mut(&publisher) else {
            return;
        };
        let mut batch = Vec::new();
        for _ in 0..count {
            let n = self.key_counters.entry(key.to_string()).or_insert(0);
            *n += 1;
            let label = format!("{key}-{n}");
            let id = self
                .ledger
                .produce(label, publisher, routing_key.to_string(), fx.now());
            batch.push((id, routing_key.to_string()));
        }
        p.enqueue_messages(batch, &mut self.ledger, fx);
    }

    /// A queued message's headers: `x-death`, the exchange and routing keys it was last
    /// routed with, `x-delivery-count` from a quorum queue (R12, R14).
    pub fn headers(&self, msg: &QMsg) -> Headers {
        node::headers_of(
            &self.config,
            &self.ledger,
            &self.headers,
            msg.message,
            msg.headers,
        )
    }

    fn shared<'a>(
        consumed: &'a mut VecSet<MessageId>,
        ledger: &'a Ledger,
        headers: &'a mut Vec<Headers>,
    ) -> Shared<'a> {
        Shared {
            consumed,
            ledger,
            headers,
        }
    }
}

impl Model for Rabbit {
    type Msg = Msg;
    type Timer = Timer;
    type Note = Note;
    type Action = Action;

    fn on_start(&mut self, node: NodeId, fx: &mut Effects<'_, Self>) {
        let config = self.config.clone();
        if let Some(n) = self.nodes.get_mut(&node) {
            n.on_start(&config, fx);
        } else if let Some(p) = self.publishers.get_mut(&node) {
            p.on_start(fx);
        } else if let Some(c) = self.consumers.get_mut(&node) {
            c.on_start(fx);
        }
    }

    fn on_message(&mut self, node: NodeId, from: NodeId, msg: Msg, fx: &mut Effects<'_, Self>) {
        let config = self.config.clone();
        if let Some(n) = self.nodes.get_mut(&node) {
            n.on_message(
                &config,
                from,
                msg,
                &mut Self::shared(&mut self.consumed, &self.ledger, &mut self.headers),
                fx,
            );
        } else if let Some(p) = self.publishers.get_mut(&node) {
            p.on_message(msg, &mut self.ledger, fx);
        } else if let Some(c) = self.consumers.get_mut(&node) {
            c.on_message(msg, &mut self.ledger, fx);
        }
    }

    fn on_refused(&mut self, node: NodeId, _to: NodeId, _msg: Msg, fx: &mut Effects<'_, Self>) {
        if let Some(p) = self.publishers.get_mut(&node) {
            p.on_refused(&mut self.ledger, fx);
        } else if let Some(c) = self.consumers.get_mut(&node) {
            c.on_refused(fx);
        }
    }

    fn on_timer(&mut self, node: NodeId, timer: Timer, fx: &mut Effects<'_, Self>) {
        let config = self.config.clone();
        if let Some(n) = self.nodes.get_mut(&node) {
            n.on_timer(
                &config,
                timer,
                &mut Self::shared(&mut self.consumed, &self.ledger, &mut self.headers),
                fx,
            );
        } else if let Some(p) = self.publishers.get_mut(&node) {
            p.on_timer(timer, &mut self.ledger, fx);
        } else if let Some(c) = self.consumers.get_mut(&node) {
            c.on_timer(timer, &mut self.ledger, &mut self.stores, fx);
        }
    }

    fn on_down(&mut self, node: NodeId, graceful: bool, fx: &mut Effects<'_, Self>) {
        if let Some(n) = self.nodes.get_mut(&node) {
            n.on_down(graceful, fx);
        } else if let Some(p) = self.publishers.get_mut(&node) {
            p.on_down(fx);
        } else if let Some(c) = self.consumers.get_mut(&node) {
            c.on_down(fx);
        }
    }

    fn on_action(&mut self, action: Action, fx: &mut Effects<'_, Self>) {
        match action {
            Action::Publish {
                publisher,
                count,
                key,
                routing_key,
            } => self.publish(publisher, count, &key, &routing_key, fx),
            Action::SyncQueue { queue } => {
                let leader = self
                    .nodes
                    .values()
                    .find(|n| n.replicas.get(&queue).is_some_and(|r| r.leader))
                    .map(|n| n.id);
                if let Some(n) = leader.and_then(|l| self.nodes.get_mut(&l)) {
                    n.sync_queue(queue, fx);
                }
            }
        }
    }
}
