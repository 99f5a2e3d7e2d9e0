//! A model of Kafka 4.x in KRaft mode (older replication rules behind [`KafkaVersion`]): brokers
//! with replicated partition logs, one active controller, producers, readers and consumer
//! groups, faithful to FIDELITY.md K1–K22 and K24–K33.
//!
//! Node ids: the controller is 0, brokers are 1..=N (as `broker.id`), producers 100+i,
//! readers 200+i, group consumers 300+i.

mod assignor;
mod broker;
mod config;
mod consumer;
mod controller;
mod group;
mod log;
mod metadata;
mod murmur2;
mod placement;
mod producer;
mod protocol;
mod reader;
mod transaction;

pub use assignor::{assign, Assignor, Subscriber};
pub use broker::{Broker, Role};
pub use config::{
    Acks, CommitMode, ConsumerConfig, KafkaConfig, KafkaVersion, OffsetReset, ProducerConfig,
    ReaderConfig, StoreConfig, Timing, TopicConfig, Transform, RETRY_BACKOFF_MAX_MS,
};
pub use consumer::{Consumer, ConsumerPhase};
pub use controller::Controller;
pub use group::{CommittedOffsets, Coordinator, Group, GroupPhase};
pub use log::Log;
pub use metadata::{Metadata, PartitionState, Tp};
pub use murmur2::partition_for_key;
pub use placement::assign_replicas;
pub use producer::Producer;
pub use protocol::{
    ElectedFrom, ElectionReason, FetchResult, KafkaError, Marker, MemberId, Msg, Note,
    PositionSource, RebalanceReason, Record, Timer, CONTROL_MESSAGE,
};
pub use reader::Reader;
pub use transaction::{Transactions, TxnState};

use mqlab_engine::compact::sort;
use mqlab_engine::{Effects, Model, NodeId};
use mqlab_engine::{VecMap, VecSet};
use mqlab_ledger::{Ledger, Placement, Store};
use std::rc::Rc;

pub const CONTROLLER: NodeId = NodeId(0);
pub const PRODUCER_BASE: u32 = 100;
pub const READER_BASE: u32 = 200;
pub const CONSUMER_BASE: u32 = 300;

pub fn broker_ids(config: &KafkaConfig) -> impl Iterator<Item = NodeId> {
    (1..=config.brokers).map(NodeId)
}

/// Scripted actions that are not faults.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// The application sends `count` messages keyed "<key>-<n>"; the key picks the
    /// partition (murmur2, K24) unless `partition` is given.
    Produce {
        producer: NodeId,
        topic: u32,
        count: u32,
        key: String,
        partition: Option<u32>,
    },
    /// `kafka-leader-election.sh --election-type preferred`.
    ElectPreferredLeaders,
    /// K23: a transactional producer sends `count` messages (keyed as `Produce`) in one
    /// transaction, then commits it (`commit`) or aborts it.
    Transaction {
        producer: NodeId,
        topic: u32,
        count: u32,
        key: String,
        commit: bool,
    },
}

#[derive(Clone, Debug)]
pub struct Kafka {
    config: Rc<KafkaConfig>,
    controller: Controller,
    brokers: VecMap<NodeId, Broker>,
    producers: VecMap<NodeId, Producer>,
    readers: VecMap<NodeId, Reader>,
    consumers: VecMap<NodeId, Consumer>,
    /// Each broker's group coordinator.
    coordinators: VecMap<NodeId, Coordinator>,
    /// `__consumer_offsets`, replicated: it outlives any one coordinator.
    committed: CommittedOffsets,
    /// Topic → partition count, for the assignors.
    partition_counts: VecMap<u32, u32>,
    stores: Vec<Store>,
    ledger: Ledger,
    /// Next number for each message key prefix, so labels are unique.
    key_counters: VecMap<String, u32>,
    /// Brokers boot from the initial metadata once; after a restart they ask the controller.
    booted: Vec<NodeId>,
    /// The transaction coordinators' state (K23).
    transactions: Transactions,
}

impl Kafka {
    /// A running cluster: every partition has its preferred leader and a full ISR.
    pub fn new(config: KafkaConfig) -> Self {
        let brokers: Vec<NodeId> = broker_ids(&config).collect();
        let mut meta = Metadata {
            version: 1,
            ..Metadata::default()
        };
        for (t, topic) in config.topics.iter().enumerate() {
            for (p, replicas) in
                assign_replicas(config.brokers, topic.partitions, topic.replication_factor)
                    .into_iter()
                    .enumerate()
            {
                let replicas: Vec<NodeId> =
                    replicas.into_iter().map(|i| brokers[i as usize]).collect();
                let state = PartitionState {
                    leader: Some(replicas[0]),
                    leader_epoch: 0,
                    isr: replicas.clone(),
                    elr: Vec::new(),
                    last_known_leader: None,
                    partition_epoch: 0,
                    replicas,
                };
                meta.partitions.insert(
                    Tp {
                        topic: t as u32,
                        partition: p as u32,
                    },
                    state,
                );
            }
        }
        let broker_map = VecMap::from_iter(brokers.iter().map(|&b| (b, Broker::new(b, &meta))));
        let producers = VecMap::from_iter(config.producers.iter().enumerate().map(|(i, p)| {
            (
                NodeId(PRODUCER_BASE + i as u32),
                Producer::new(NodeId(PRODUCER_BASE + i as u32), p.clone()),
            )
        }));
        let readers = VecMap::from_iter(config.readers.iter().enumerate().map(|(i, r)| {
            let id = NodeId(READER_BASE + i as u32);
            (
                id,
                Reader::new(id, r.clone(), config.topics[r.topic as usize].partitions),
            )
        }));
        let consumers = VecMap::from_iter(config.consumers.iter().enumerate().map(|(i, c)| {
            let id = NodeId(CONSUMER_BASE + i as u32);
            (id, Consumer::new(id, c.clone(), config.brokers))
        }));
        Self {
            coordinators: VecMap::from_iter(brokers.iter().map(|&b| (b, Coordinator::default()))),
            controller: Controller::new(meta, brokers),
            brokers: broker_map,
            producers,
            readers,
            consumers,
            committed: CommittedOffsets::new(),
            partition_counts: VecMap::from_iter(
                (0u32..).zip(config.topics.iter().map(|t| t.partitions)),
            ),
            stores: config
                .stores
                .iter()
                .map(|s| Store::new(s.name.clone(), s.kind))
                .collect(),
            ledger: Ledger::default(),
            key_counters: VecMap::new(),
            booted: Vec::new(),
            transactions: Transactions::default(),
            config: Rc::new(config),
        }
    }

    pub fn node_ids(&self) -> Vec<NodeId> {
        std::iter::once(CONTROLLER)
            .chain(self.brokers.keys().copied())
            .chain(self.producers.keys().copied())
            .chain(self.readers.keys().copied())
            .chain(self.consumers.keys().copied())
            .collect()
    }

    pub fn config(&self) -> &KafkaConfig {
        &self.config
    }
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }
    /// The controller's current metadata: the truth about leaders and ISRs.
    pub fn metadata(&self) -> &Metadata {
        self.controller.metadata()
    }
    pub fn broker(&self, id: NodeId) -> Option<&Broker> {
        self.brokers.get(&id)
    }
    pub fn brokers(&self) -> impl Iterator<Item = &Broker> {
        self.brokers.values()
    }
    pub fn producers(&self) -> impl Iterator<Item = &Producer> {
        self.producers.values()
    }
    pub fn readers(&self) -> impl Iterator<Item = &Reader> {
        self.readers.values()
    }
    pub fn consumers(&self) -> impl Iterator<Item = &Consumer> {
        self.consumers.values()
    }
    pub fn consumer(&self, id: NodeId) -> Option<&Consumer> {
        self.consumers.get(&id)
    }
    pub fn stores(&self) -> &[Store] {
        &self.stores
    }
    /// The group's committed offset for a partition: the next record it will read (K28).
    pub fn committed(&self, group: &str, tp: Tp) -> Option<u64> {
        self.committed.get(&(group.to_string(), tp)).copied()
    }
    pub fn committed_offsets(&self) -> &CommittedOffsets {
        &self.committed
    }
    /// A group as its coordinator sees it: of the brokers whose coordinator holds the group,
    /// the one with the newest generation (a coordinator keeps a dead member until its
    /// session times out, which is what the stage must show).
    pub fn group(&self, name: &str) -> Option<(NodeId, &Group)> {
        self.coordinators
            .iter()
            .filter_map(|(&b, c)| c.groups.get(name).map(|g| (b, g)))
            .max_by_key(|(b, g)| (g.generation, std::cmp::Reverse(*b)))
    }
    pub fn tp_name(&self, tp: Tp) -> String {
        format!(
            "{}-{}",
            self.config.topics[tp.topic as usize].name, tp.partition
        )
    }

    /// Where each message is stored now, as the ledger needs it: copies on every broker's
    /// log, how often on the controller's leader, and whether a consumer could read it
    /// (on a live leader, below its high watermark).
    pub fn placements(&self, is_up: impl Fn(NodeId) -> bool) -> Vec<Placement> {
        let mut placements = vec![Placement::default(); self.ledger.records().len()];
        let meta = self.metadata();
        for broker in self.brokers.values() {
            for (&tp, log) in &broker.logs {
                let leader = meta.leader(tp);
                let authority = leader == Some(broker.id) && is_up(broker.id);
                let aborted = if authority { log.aborted() } else { Vec::new() };
                for (offset, record) in log.records.iter().enumerate() {
                    let Some(p) = placements.get_mut(record.message.0 as usize) else {
                        continue;
                    };
                    if !p.copies.contains(&broker.id) {
                        p.copies.push(broker.id);
                    }
                    if authority {
                        p.on_authority += 1;
                        p.position.get_or_insert(offset as u64);
                        p.aborted |= aborted.get(offset).copied().unwrap_or(false);
                        if (offset as u64) < log.high_watermark && broker.acts_as_leader(tp) {
                            p.readable = true;
                        }
                    }
                }
            }
        }
        for (record, placement) in self.ledger.records().iter().zip(placements.iter_mut()) {
            let tp = self.tp_by_name(&record.destination);
            placement.has_authority = tp.and_then(|tp| meta.leader(tp)).is_some_and(&is_up);
            sort(&mut placement.copies);
            if let (Some(tp), Some(position)) = (tp, placement.position) {
                placement.skipped = self.skipped_by_a_group(record, tp, position, &is_up);
            }
        }
        placements
    }

    /// K30: some group's committed offset is past the message, no member of that group
    /// processed it, and no live member still holds it in the batch it is working on.
    fn skipped_by_a_group(
        &self,
        record: &mqlab_ledger::MessageRecord,
        tp: Tp,
        position: u64,
        is_up: impl Fn(NodeId) -> bool,
    ) -> bool {
        let groups = VecSet::from_iter(
            self.consumers
                .values()
                .filter(|c| c.config.topics.contains(&tp.topic))
                .map(|c| c.config.group.as_str()),
        );
        groups.into_iter().any(|group| {
            let members = || self.consumers.values().filter(|c| c.config.group == group);
            let passed = self.committed(group, tp).is_some_and(|c| c > position);
            let processed =
                members().any(|c| record.processings.iter().any(|p| p.consumer == c.id));
            let in_hand = members().any(|c| is_up(c.id) && c.unprocessed().any(|m| m == record.id));
            passed && !processed && !in_hand
        })
    }

    fn tp_by_name(&self, name: &str) -> Option<Tp> {
        let (topic, partition) = name.rsplit_once('-')?;
        let t = self.config.topics.iter().position(|t| t.name == topic)?;
        Some(Tp {
            topic: t as u32,
            partition: partition.parse().ok()?,
        })
    }

    fn produce(
        &mut self,
        producer: NodeId,
        topic: u32,
        count: u32,
        key: &str,
        partition: Option<u32>,
        fx: &mut Effects<'_, Self>,
    ) {
        if !self.producers.contains_key(&producer) {
            return;
        }
        let batches = self.new_messages(producer, topic, count, key, partition, fx.now());
        let Some(p) = self.producers.get_mut(&producer) else {
            return;
        };
        for (tp, messages) in batches {
            p.send(tp, messages, &mut self.ledger, fx);
        }
    }

    /// The application creates `count` messages keyed "<key>-<n>", grouped by partition.
    fn new_messages(
        &mut self,
        producer: NodeId,
        topic: u32,
        count: u32,
        key: &str,
        partition: Option<u32>,
        now: mqlab_engine::Millis,
    ) -> VecMap<Tp, Vec<mqlab_ledger::MessageId>> {
        let partitions = self.config.topics[topic as usize].partitions;
        let mut batches: VecMap<Tp, Vec<mqlab_ledger::MessageId>> = VecMap::new();
        for _ in 0..count {
            let n = self.key_counters.entry(key.to_string()).or_insert(0);
            *n += 1;
            let label = format!("{key}-{n}");
            let partition =
                partition.unwrap_or_else(|| partition_for_key(label.as_bytes(), partitions));
            let tp = Tp { topic, partition };
            let destination = format!("{}-{}", self.config.topics[topic as usize].name, partition);
            let id = self.ledger.produce(label, producer, destination, now);
            batches.entry(tp).or_default().push(id);
        }
        batches
    }
}

impl Model for Kafka {
    type Msg = Msg;
    type Timer = Timer;
    type Note = Note;
    type Action = Action;

    fn on_start(&mut self, node: NodeId, fx: &mut Effects<'_, Self>) {
        let config = self.config.clone();
        if node == CONTROLLER {
            self.controller.on_start(&config, fx);
        } else if let Some(b) = self.brokers.get_mut(&node) {
            let first_boot = !self.booted.contains(&node);
            if first_boot {
                self.booted.push(node);
            }
            let initial = first_boot.then(|| self.controller.metadata().clone());
            b.on_start(&config, initial.as_deref(), fx);
        } else if let Some(p) = self.producers.get_mut(&node) {
            p.on_start(fx);
        } else if let Some(r) = self.readers.get_mut(&node) {
            r.on_start(fx);
        } else if let Some(c) = self.consumers.get_mut(&node) {
            c.on_start(fx);
            // Consume-transform-produce: the application (re)starts its producer too, whose
            // initTransactions aborts what its previous life left open.
            if let Some(t) = c.config.transform.clone() {
                self.init_transactions(NodeId(PRODUCER_BASE + t.producer as u32), fx);
            }
        }
    }

    fn on_message(&mut self, node: NodeId, from: NodeId, msg: Msg, fx: &mut Effects<'_, Self>) {
        let config = self.config.clone();
        if node == CONTROLLER {
            self.controller.on_message(&config, from, msg, fx);
        } else if let Some(b) = self.brokers.get_mut(&node) {
            if is_group_request(&msg) {
                if let Some(c) = self.coordinators.get_mut(&node) {
                    let counts = &self.partition_counts;
                    c.on_message(node, from, msg, counts, &mut self.committed, fx);
                }
            } else {
                b.on_message(&config, from, msg, fx);
            }
        } else if let Some(p) = self.producers.get_mut(&node) {
            if matches!(msg, Msg::ConnectionClosed) {
                p.on_disconnect(from, &mut self.ledger, fx);
            } else {
                p.on_message(msg, &mut self.ledger, fx);
            }
        } else if let (Some(c), Msg::ConnectionClosed) = (self.consumers.get_mut(&node), &msg) {
            c.on_disconnect(from, fx);
        } else if let Some(r) = self.readers.get_mut(&node) {
            r.on_message(msg, &mut self.ledger, fx);
        } else if let Some(c) = self.consumers.get_mut(&node) {
            c.on_message(msg, &mut self.ledger, fx);
        }
        self.advance_transactions(fx);
    }

    fn on_refused(&mut self, node: NodeId, to: NodeId, msg: Msg, fx: &mut Effects<'_, Self>) {
        if let Some(b) = self.brokers.get_mut(&node) {
            b.on_refused(to, msg, fx);
        } else if let Some(p) = self.producers.get_mut(&node) {
            p.on_refused(msg, &mut self.ledger, fx);
        } else if let Some(r) = self.readers.get_mut(&node) {
            r.on_refused(msg, fx);
        } else if let Some(c) = self.consumers.get_mut(&node) {
            c.on_refused(to, msg, fx);
        }
        self.advance_transactions(fx);
    }

    fn on_timer(&mut self, node: NodeId, timer: Timer, fx: &mut Effects<'_, Self>) {
        let config = self.config.clone();
        if node == CONTROLLER {
            self.controller.on_timer(&config, timer, fx);
        } else if let Some(b) = self.brokers.get_mut(&node) {
            if matches!(
                timer,
                Timer::MemberExpiry { .. }
                    | Timer::RebalanceDeadline { .. }
                    | Timer::InitialRebalanceDelay { .. }
            ) {
                if let Some(c) = self.coordinators.get_mut(&node) {
                    c.on_timer(node, timer, &self.partition_counts, fx);
                }
            } else {
                b.on_timer(&config, timer, fx);
            }
        } else if let Some(p) = self.producers.get_mut(&node) {
            p.on_timer(timer, &mut self.ledger, fx);
        } else if let Some(r) = self.readers.get_mut(&node) {
            r.on_timer(fx);
        } else if let Some(c) = self.consumers.get_mut(&node) {
            c.on_timer(timer, &mut self.ledger, &mut self.stores, fx);
            self.drive_transform(node, fx);
        }
        self.advance_transactions(fx);
    }

    fn on_down(&mut self, node: NodeId, graceful: bool, fx: &mut Effects<'_, Self>) {
        if let Some(b) = self.brokers.get_mut(&node) {
            b.on_down(graceful, fx);
            // Group membership is in memory; committed offsets are not lost with it.
            self.coordinators.insert(node, Coordinator::default());
            // Its sockets close with it: clients waiting on it hear so.
            for (id, p) in self.producers.iter() {
                if p.waits_on(node) {
                    fx.send(node, *id, Msg::ConnectionClosed);
                }
            }
            for (id, c) in self.consumers.iter() {
                if c.waits_on(node) {
                    fx.send(node, *id, Msg::ConnectionClosed);
                }
            }
        } else if let Some(p) = self.producers.get_mut(&node) {
            p.on_down();
        } else if let Some(r) = self.readers.get_mut(&node) {
            r.on_down();
        } else if let Some(c) = self.consumers.get_mut(&node) {
            c.on_down(graceful, fx);
        }
    }

    fn on_power_loss(&mut self, node: NodeId, unflushed: u32, fx: &mut Effects<'_, Self>) {
        if let Some(b) = self.brokers.get_mut(&node) {
            b.on_power_loss(unflushed, fx);
        }
    }

    fn on_stop(&mut self, node: NodeId, fx: &mut Effects<'_, Self>) {
        let config = self.config.clone();
        if let Some(b) = self.brokers.get_mut(&node) {
            b.on_stop(&config, fx);
        } else if let Some(c) = self.consumers.get_mut(&node) {
            c.on_stop(fx);
        } else {
            fx.halt(node);
        }
    }

    fn on_action(&mut self, action: Action, fx: &mut Effects<'_, Self>) {
        match action {
            Action::Produce {
                producer,
                topic,
                count,
                key,
                partition,
            } => self.produce(producer, topic, count, &key, partition, fx),
            Action::ElectPreferredLeaders => {
                self.controller.elect_preferred(fx);
            }
            Action::Transaction {
                producer,
                topic,
                count,
                key,
                commit,
            } => {
                if self.transactional_id(producer).is_some() {
                    // K23: the application calls initTransactions before its first one.
                    if !self.transactions.initialized.contains(&producer) {
                        self.init_transactions(producer, fx);
                    }
                    let batches = self.new_messages(producer, topic, count, &key, None, fx.now());
                    if self.send_in_transaction(producer, batches, fx) {
                        self.request_end(producer, commit, None, None);
                    }
                }
            }
        }
        self.advance_transactions(fx);
    }
}

/// Requests a broker hands to its group coordinator.
fn is_group_request(msg: &Msg) -> bool {
    matches!(
        msg,
        Msg::JoinGroup(_)
            | Msg::GroupHeartbeat { .. }
            | Msg::LeaveGroup { .. }
            | Msg::OffsetCommit { .. }
            | Msg::OffsetFetch { .. }
    )
}
