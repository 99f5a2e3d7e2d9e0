//! A RabbitMQ node: the channels of the clients connected to it, the queue replicas it
//! hosts, its disk, and its view of the cluster (which peers are up, who leads each queue).
//! Channel and queue processes talk by messages even on one node, as Erlang processes do.

use crate::config::{Limits, QueueKind, RabbitConfig};
use crate::protocol::{
    ConsumerRef, DeadReason, Headers, MirrorOp, Msg, Note, PublishRef, QMsg, QueueError, Timer,
};
use crate::queue::{MirrorInfo, Replica};
use crate::quorum::QuorumMember;
use crate::routing::route;
use crate::Rabbit;
use mqlab_engine::{Effects, Millis, NodeId};
use mqlab_engine::{VecMap, VecSet};
use mqlab_ledger::{Ledger, MessageId};

type Fx<'a, 'b> = &'a mut Effects<'b, Rabbit>;

/// The cluster metadata one node holds about a queue (replicated, like Mnesia's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueueView {
    /// The node running the queue's leader; none while it is unavailable.
    pub leader: Option<NodeId>,
    pub epoch: u32,
    pub deleted: bool,
}

/// A publish on a channel, waiting for every queue it was routed to.
#[derive(Clone, Debug)]
struct PendingPublish {
    queues: VecSet<u32>,
    nacked: bool,
    /// In a transaction: which commit it belongs to.
    batch: Option<u64>,
    message: MessageId,
    persistent: bool,
}

/// One `basic.publish` as the channel routes it: at once, or when its transaction commits.
#[derive(Clone, Debug)]
struct Publish {
    client: NodeId,
    /// The channel's sequence number, which the confirm names.
    seq: u64,
    message: MessageId,
    exchange: String,
    routing_key: String,
    persistent: bool,
    /// Unroutable: returned to the client.
    mandatory: bool,
    /// The client waits for a confirm (or, in a transaction, for the commit).
    confirm: bool,
    /// In a transaction: which commit it belongs to.
    batch: Option<u64>,
}

#[derive(Clone, Debug)]
struct Subscription {
    auto_ack: bool,
    prefetch: u32,
    life: u32,
}

/// A client connection with one channel.
#[derive(Clone, Debug, Default)]
struct Channel {
    pending: VecMap<u64, PendingPublish>,
    /// Publishes of the open transaction, not yet committed (R5).
    tx_buffer: Vec<Publish>,
    /// Commits waiting for their publishes.
    commits: VecSet<u64>,
    subscriptions: VecMap<u32, Subscription>,
    /// Client delivery tag → (queue, queue's tag).
    unacked: VecMap<u64, (u32, crate::protocol::QueueTag)>,
    /// When each unacked delivery went out (for `consumer_timeout`).
    delivered_at: VecMap<u64, Millis>,
    next_tag: u64,
    /// Acks for a queue that has no leader right now, sent when one is elected.
    held_acks: Vec<(u32, crate::protocol::QueueTag)>,
}

#[derive(Clone, Debug)]
pub struct RabbitNode {
    pub id: NodeId,
    /// Peers this node believes up, with when it last heard from them.
    peers: VecMap<NodeId, Millis>,
    pub down_peers: VecSet<NodeId>,
    /// What survives kill -9 and a stop; everything else here is rebuilt when the node starts.
    pub durable: Durable,
    pub replicas: VecMap<u32, Replica>,
    /// Quorum queue members hosted here. Each keeps its own durable part (log, term, vote)
    /// and rebuilds the rest from it at a restart ([`QuorumMember::recovered`]).
    pub quorum: VecMap<u32, QuorumMember>,
    channels: VecMap<NodeId, Channel>,
    /// pause_minority: cut off from the majority, not serving (R17).
    pub paused: bool,
    /// A [`Timer::IdleSync`] is due at the end of this instant.
    idle_sync_armed: bool,
}

/// A node's disk: what a restart keeps (as stateright keeps a node's `Storage` apart from its
/// volatile state). Quorum members keep their Raft logs themselves (`quorum.rs`).
#[derive(Clone, Debug, Default)]
pub struct Durable {
    /// The message store: persistent messages of durable queues as of the last fsync.
    pub messages: VecMap<u32, Vec<QMsg>>,
    /// The cluster metadata (Mnesia, on disk): every queue, deleted or not. The leaders and
    /// epochs in it are forgotten when the node rejoins.
    pub metadata: VecMap<u32, QueueView>,
    /// Queues this node led when it went down: it may recover them as leader.
    pub led_at_shutdown: VecSet<u32>,
    /// It went down by kill -9 (not a clean stop): its recovered messages are redelivered.
    pub crashed: bool,
    /// It has booted once: the queues it declared exist; a later start is a restart.
    pub booted: bool,
}

/// Deterministic state shared with the model: messages settled by consumption, the ledger
/// (a message's publish) and the headers of dead-lettered messages (R12).
pub struct Shared<'a> {
    pub consumed: &'a mut VecSet<MessageId>,
    pub ledger: &'a Ledger,
    pub headers: &'a mut Vec<Headers>,
}

impl Shared<'_> {
    /// A message's headers: as published (its publisher's exchange and routing key) or as
    /// its last dead-lettering left them.
    pub fn headers_of(&self, config: &RabbitConfig, msg: &QMsg) -> Headers {
        headers_of(config, self.ledger, self.headers, msg.message, msg.headers)
    }

    /// Keep dead-lettered headers; their id travels with the message.
    pub fn intern(&mut self, headers: Headers) -> u32 {
        self.headers.push(headers);
        self.headers.len() as u32
    }
}

/// See [`Shared::headers_of`].
pub fn headers_of(
    config: &RabbitConfig,
    ledger: &Ledger,
    table: &[Headers],
    message: MessageId,
    id: u32,
) -> Headers {
    if id != Headers::PUBLISHED {
        if let Some(h) = table.get(id as usize - 1) {
            return h.clone();
        }
    }
    let record = ledger.get(message);
    let exchange = record
        .and_then(|r| r.producer.0.checked_sub(crate::PUBLISHER_BASE))
        .and_then(|i| config.publishers.get(i as usize))
        .map_or_else(String::new, |p| p.exchange.clone());
    Headers {
        exchange,
        routing_keys: record.map(|r| r.destination.clone()).into_iter().collect(),
        x_death: Vec::new(),
        delivery_count: None,
    }
}

impl RabbitNode {
    pub fn new(id: NodeId) -> Self {
        Self {
            id,
            peers: VecMap::new(),
            down_peers: VecSet::new(),
            durable: Durable::default(),
            replicas: VecMap::new(),
            quorum: VecMap::new(),
            channels: VecMap::new(),
            paused: false,
            idle_sync_armed: false,
        }
    }

    fn all_nodes(config: &RabbitConfig) -> impl Iterator<Item = NodeId> {
        (1..=config.nodes).map(NodeId)
    }

    /// Where a mirrored queue's policy puts replicas, leader first (R18).
    pub fn policy_nodes(config: &RabbitConfig, queue: u32) -> Vec<NodeId> {
        let q = &config.queues[queue as usize];
        let Some(policy) = &q.mirroring else {
            return vec![q.home];
        };
        let others = Self::all_nodes(config).filter(|&n| n != q.home);
        let mut nodes = vec![q.home];
        match &policy.mode {
            crate::config::HaMode::All => nodes.extend(others),
            crate::config::HaMode::Exactly(count) => {
                nodes.extend(others.take((*count as usize).saturating_sub(1)))
            }
            crate::config::HaMode::Nodes(list) => {
                nodes.extend(list.iter().copied().filter(|&n| n != q.home))
            }
        }
        nodes
    }

    /// A quorum queue's members: the declaring node and the next ones (R25).
    pub fn quorum_nodes(config: &RabbitConfig, queue: u32, members: u32) -> Vec<NodeId> {
        let home = config.queues[queue as usize].home.0;
        (0..members.min(config.nodes))
            .map(|i| NodeId(1 + (home - 1 + i) % config.nodes))
            .collect()
    }

    pub fn is_up(&self, peer: NodeId) -> bool {
        peer == self.id || !self.down_peers.contains(&peer)
    }

    pub fn on_start(&mut self, config: &RabbitConfig, fx: Fx) {
        fx.note(Note::NodeStarted { node: self.id });
        self.peers = VecMap::from_iter(
            Self::all_nodes(config)
                .filter(|&n| n != self.id)
                .map(|n| (n, fx.now())),
        );
        self.down_peers.clear();
        if !self.durable.booted {
            self.durable.booted = true;
            self.boot(config);
            // The declaring node leads each quorum queue's first term.
            let led: Vec<u32> = self
                .quorum
                .iter()
                .filter(|(&q, _)| config.queues[q as usize].home == self.id)
                .map(|(&q, _)| q)
                .collect();
            for m in self.quorum.values_mut() {
                m.arm_election(fx);
            }
            for q in led {
                if let Some(m) = self.quorum.get_mut(&q) {
                    m.on_election_timeout(fx);
                }
            }
        } else {
            for m in self.quorum.values_mut() {
                *m = m.recovered();
                m.arm_election(fx);
            }
            self.rejoin(config, fx);
        }
        fx.set_timer(self.id, config.fsync_interval_ms, Timer::Fsync);
        fx.set_timer(self.id, config.net_ticktime_ms / 4, Timer::Tick);
        fx.set_timer(self.id, timeout_check(config), Timer::ConsumerTimeoutCheck);
    }

    /// After a restart or a pause: nobody is known to lead anything until the peers say so;
    /// say hello, and decide what to recover once they have answered.
    fn rejoin(&mut self, config: &RabbitConfig, fx: Fx) {
        for q in 0..config.queues.len() as u32 {
            let deleted = self.durable.metadata.get(&q).is_some_and(|v| v.deleted);
            self.durable.metadata.insert(
                q,
                QueueView {
                    leader: None,
                    epoch: 0,
                    deleted,
                },
            );
        }
        for peer in self.peers.keys().copied().collect::<Vec<_>>() {
            fx.send(self.id, peer, Msg::Hello);
        }
        fx.set_timer(self.id, RECOVER_AFTER_MS, Timer::Recover);
    }

    /// The cluster as declared: every queue on its home, mirrors on their policy's nodes.
    fn boot(&mut self, config: &RabbitConfig) {
        for (q, cfg) in config.queues.iter().enumerate() {
            let q = q as u32;
            self.durable.metadata.insert(
                q,
                QueueView {
                    leader: Some(cfg.home),
                    epoch: 0,
                    deleted: false,
                },
            );
            if let QueueKind::Quorum { members } = cfg.kind {
                let nodes = Self::quorum_nodes(config, q, members);
                if nodes.contains(&self.id) {
                    let mut m = QuorumMember::new(q, self.id, nodes);
                    m.delivery_limit = cfg.delivery_limit;
                    self.quorum.insert(q, m);
                }
                continue;
            }
            let nodes = Self::policy_nodes(config, q);
            if cfg.home == self.id {
                let mut r = Replica::new_leader(q, 0);
                r.limits = Limits::of(cfg);
                r.mirrors = nodes[1..]
                    .iter()
                    .map(|&node| MirrorInfo { node, since: 0 })
                    .collect();
                self.replicas.insert(q, r);
            } else if nodes.contains(&self.id) {
                let mut r = Replica::new_mirror(q, 0, true);
                r.limits = Limits::of(cfg);
                r.members = nodes[1..].iter().map(|&n| (n, true)).collect();
                self.replicas.insert(q, r);
            }
        }
    }

    /// kill -9 or the end of a stop: memory is gone, the disk stays. The operating system
    /// closes every connection: clients and peers hear of it at once.
    pub fn on_down(&mut self, graceful: bool, fx: Fx) {
        self.durable.crashed = !graceful;
        // Timers of this life never fire.
        self.idle_sync_armed = false;
        self.durable.led_at_shutdown = VecSet::from_iter(
            self.replicas
                .iter()
                .filter(|(_, r)| r.leader)
                .map(|(&q, _)| q),
        );
        for client in self.channels.keys().copied().collect::<Vec<_>>() {
            fx.send(self.id, client, Msg::ConnectionClosed);
        }
        for peer in self.peers.keys().copied().collect::<Vec<_>>() {
            fx.send(self.id, peer, Msg::PeerGone { graceful });
        }
        self.replicas.clear();
        self.channels.clear();
        fx.note(Note::NodeDown {
            node: self.id,
            graceful,
        });
    }

    pub fn on_timer(&mut self, config: &RabbitConfig, timer: Timer, shared: &mut Shared, fx: Fx) {
        self.handle_timer(config, timer, shared, fx);
        self.flush_dead_letters(config, shared, fx);
        self.arm_idle_sync(fx);
    }

    /// A queue that owes a confirm (or a commit) for a message not yet on disk syncs as soon
    /// as nothing else is waiting to be handled, without waiting for the interval timer: a
    /// zero-delay timer fires after every event already due at this instant. RabbitMQ's queue
    /// process returns a timeout of 0 when its backing queue `needs_timeout` is `timed`
    /// (confirms pending) and syncs in `handle_info(timeout, …)`; the message store likewise
    /// syncs at once when idle while clients wait for confirms. Writes nobody waits for stay
    /// for the interval timer (R3).
    fn arm_idle_sync(&mut self, fx: Fx) {
        if !self.idle_sync_armed && self.replicas.values().any(Replica::awaits_disk) {
            self.idle_sync_armed = true;
            fx.set_timer(self.id, 0, Timer::IdleSync);
        }
    }

    fn handle_timer(&mut self, config: &RabbitConfig, timer: Timer, shared: &mut Shared, fx: Fx) {
        match timer {
            Timer::Fsync => {
                self.fsync(config, fx);
                fx.set_timer(self.id, config.fsync_interval_ms, Timer::Fsync);
            }
            Timer::IdleSync => {
                self.idle_sync_armed = false;
                self.fsync(config, fx);
            }
            Timer::Tick => {
                // Ticks go to every peer, down or not: a node keeps trying to reach the
                // others, which is how a healed partition is noticed.
                for &peer in self.peers.keys() {
                    fx.send(self.id, peer, Msg::Tick);
                }
                let silent: Vec<NodeId> = self
                    .peers
                    .iter()
                    .filter(|(p, &heard)| {
                        !self.down_peers.contains(p)
                            && fx.now().saturating_sub(heard) > config.net_ticktime_ms
                    })
                    .map(|(&p, _)| p)
                    .collect();
                for peer in silent {
                    self.peer_down(config, peer, false, shared, fx);
                }
                self.check_minority(config, fx);
                fx.set_timer(self.id, config.net_ticktime_ms / 4, Timer::Tick);
            }
            Timer::Recover => self.recover(config, fx),
            Timer::Election { queue } => {
                if let Some(m) = self.quorum.get_mut(&queue) {
                    m.on_election_timeout(fx);
                }
                self.announce_quorum_leader(config, queue, fx);
            }
            Timer::RaftHeartbeat { queue } => {
                if let Some(m) = self.quorum.get_mut(&queue) {
                    m.on_heartbeat(fx);
                }
            }
            Timer::ConsumerTimeoutCheck => {
                let now = fx.now();
                let late: Vec<NodeId> = self
                    .channels
                    .iter()
                    .filter(|(_, ch)| {
                        ch.delivered_at
                            .values()
                            .any(|&at| now.saturating_sub(at) > config.consumer_timeout_ms)
                    })
                    .map(|(&c, _)| c)
                    .collect();
                for consumer in late {
                    fx.note(Note::ConsumerTimedOut {
                        node: self.id,
                        consumer,
                    });
                    fx.send(self.id, consumer, Msg::ConnectionClosed);
                    self.client_gone(consumer, fx);
                }
                fx.set_timer(self.id, timeout_check(config), Timer::ConsumerTimeoutCheck);
            }
            Timer::Expire { queue } => {
                let me = self.id;
                if let Some(r) = self.replicas.get_mut(&queue).filter(|r| r.leader) {
                    r.dispatch(me, shared.consumed, fx);
                }
            }
            _ => {}
        }
    }

    /// Write the persistent messages of durable queues to disk and release the confirms
    /// that waited for it (R2).
    fn fsync(&mut self, config: &RabbitConfig, fx: Fx) {
        let mut written = 0;
        for (&q, r) in &mut self.replicas {
            if !config.queues[q as usize].durable {
                continue;
            }
            let persistent: Vec<QMsg> = r
                .messages
                .values()
                .filter(|m| m.persistent)
                .copied()
                .collect();
            let before = self.durable.messages.get(&q).map_or(0, Vec::len);
            written += persistent.len().saturating_sub(before);
            self.durable.messages.insert(q, persistent);
        }
        let me = self.id;
        for r in self.replicas.values_mut().filter(|r| r.leader) {
            r.fsynced(me, fx);
        }
        if written > 0 {
            fx.note(Note::Fsynced {
                node: me,
                messages: written as u32,
            });
        }
    }

    /// After a restart: recover queues nobody else leads, from disk (R1, R16), if this node
    /// led them when it went down.
    fn recover(&mut self, config: &RabbitConfig, fx: Fx) {
        for (q, cfg) in config.queues.iter().enumerate() {
            let q = q as u32;
            let view = self.durable.metadata.get(&q).copied().unwrap_or(QueueView {
                leader: None,
                epoch: 0,
                deleted: false,
            });
            let mine = self.durable.led_at_shutdown.contains(&q)
                || (cfg.home == self.id && cfg.mirroring.is_none());
            if view.leader.is_some() || view.deleted || !mine || cfg.kind != QueueKind::Classic {
                continue;
            }
            if !cfg.durable {
                // R1: a transient queue does not come back with its node.
                let epoch = view.epoch;
                self.durable.metadata.insert(
                    q,
                    QueueView {
                        leader: None,
                        epoch,
                        deleted: true,
                    },
                );
                fx.note(Note::QueueDeleted { queue: q });
                self.broadcast_leader(config, q, None, epoch, true, fx);
                continue;
            }
            let saved = self.durable.messages.get(&q).cloned().unwrap_or_default();
            let mut r = Replica::new_leader(q, view.epoch + 1);
            r.limits = Limits::of(cfg);
            for mut m in saved.iter().copied() {
                // After kill -9 every recovered message comes back flagged redelivered (the
                // queue cannot know which were delivered); after a clean stop, as it was. RabbitMQ
                // 3.10 does so (observed in the conformance suite, O5/O1).
                m.delivered |= self.durable.crashed;
                r.messages.insert(m.index, m);
                r.ready.insert(m.index);
                r.next_index = r.next_index.max(m.index + 1);
            }
            fx.note(Note::QueueRecovered {
                node: self.id,
                queue: q,
                messages: saved.len() as u32,
                discarded_transient: 0,
            });
            let epoch = r.epoch;
            self.replicas.insert(q, r);
            self.broadcast_leader(config, q, Some(self.id), epoch, false, fx);
            // Mirrors on the policy's other live nodes start empty (R22).
            self.add_missing_mirrors(config, q, fx);
        }
        self.durable.led_at_shutdown.clear();
    }

    fn broadcast_leader(
        &mut self,
        config: &RabbitConfig,
        queue: u32,
        leader: Option<NodeId>,
        epoch: u32,
        deleted: bool,
        fx: Fx,
    ) {
        for n in Self::all_nodes(config) {
            if self.is_up(n) {
                fx.send(
                    self.id,
                    n,
                    Msg::LeaderIs {
                        queue,
                        leader,
                        epoch,
                        deleted,
                    },
                );
            }
        }
    }

    /// Leader: make sure every live node the policy wants holds a mirror; new ones start
    /// empty and unsynchronised (R18, R21, R22), or synchronise at once under `automatic`.
    fn add_missing_mirrors(&mut self, config: &RabbitConfig, queue: u32, fx: Fx) {
        let cfg = &config.queues[queue as usize];
        let Some(policy) = &cfg.mirroring else {
            return;
        };
        let me = self.id;
        let want: usize = match &policy.mode {
            crate::config::HaMode::All => config.nodes as usize,
            crate::config::HaMode::Exactly(n) => *n as usize,
            crate::config::HaMode::Nodes(list) => list.len().max(1),
        };
        let candidates: Vec<NodeId> = match &policy.mode {
            crate::config::HaMode::Nodes(list) => list.clone(),
            _ => Self::all_nodes(config).collect(),
        };
        let up: Vec<NodeId> = candidates
            .into_iter()
            .filter(|&n| n != me && self.is_up(n))
            .collect();
        let Some(r) = self.replicas.get_mut(&queue) else {
            return;
        };
        let mut added = false;
        for node in up {
            if r.mirrors.len() + 1 >= want {
                break;
            }
            if r.mirrors.iter().any(|m| m.node == node) {
                continue;
            }
            r.mirrors.push(MirrorInfo {
                node,
                since: r.next_index,
            });
            fx.send(
                me,
                node,
                Msg::Mirror {
                    queue,
                    epoch: r.epoch,
                    op: MirrorOp::Start { epoch: r.epoch },
                },
            );
            added = true;
        }
        if added {
            r.announce_members(me, fx);
            if policy.sync == crate::config::SyncMode::Automatic {
                let count = r.start_sync(me, fx);
                fx.note(Note::SyncStarted {
                    queue,
                    messages: count,
                });
            }
        }
    }

    /// A quorum member that has just become leader tells the cluster (R26).
    fn announce_quorum_leader(&mut self, config: &RabbitConfig, queue: u32, fx: Fx) {
        let Some(m) = self.quorum.get(&queue) else {
            return;
        };
        let known = self.durable.metadata.get(&queue).and_then(|v| v.leader);
        if m.is_leader() && known != Some(self.id) {
            let term = m.term;
            self.broadcast_leader(config, queue, Some(self.id), term, false, fx);
            // Consumers of nodes that are down will not come back for what they hold.
            let down: Vec<NodeId> = self.down_peers.iter().copied().collect();
            if let Some(m) = self.quorum.get_mut(&queue) {
                for peer in down {
                    for c in m.consumers_on(peer) {
                        m.unsubscribe(c, fx);
                    }
                }
            }
        }
    }

    /// `rabbitmqctl sync_queue`: synchronise every mirror, blocking the queue meanwhile.
    pub fn sync_queue(&mut self, queue: u32, fx: Fx) {
        let me = self.id;
        if let Some(r) = self.replicas.get_mut(&queue).filter(|r| r.leader) {
            let count = r.start_sync(me, fx);
            fx.note(Note::SyncStarted {
                queue,
                messages: count,
            });
        }
    }

    /// R17, pause_minority: with no more than half the cluster in sight, stop serving
    /// (clients are disconnected, queue replicas stop); with a majority again, rejoin as a
    /// restarted node does.
    fn check_minority(&mut self, config: &RabbitConfig, fx: Fx) {
        if config.partition_handling != crate::config::PartitionHandling::PauseMinority {
            return;
        }
        let seen = 1 + self.peers.len() - self.down_peers.len();
        let minority = seen * 2 <= config.nodes as usize;
        if minority && !self.paused {
            self.paused = true;
            fx.note(Note::NodePaused { node: self.id });
            for client in self.channels.keys().copied().collect::<Vec<_>>() {
                fx.send(self.id, client, Msg::ConnectionClosed);
            }
            self.channels.clear();
            self.durable.led_at_shutdown.clear();
            self.replicas.clear();
        } else if !minority && self.paused {
            self.paused = false;
            fx.note(Note::NodeResumed { node: self.id });
            self.rejoin(config, fx);
        }
    }

    fn heard_from(&mut self, config: &RabbitConfig, peer: NodeId, fx: Fx) {
        if let Some(t) = self.peers.get_mut(&peer) {
            *t = fx.now();
        }
        if self.down_peers.remove(&peer) {
            self.check_minority(config, fx);
            // A peer came back: as leader, offer it the mirrors its policy wants.
            let led: Vec<u32> = self
                .replicas
                .iter()
                .filter(|(_, r)| r.leader)
                .map(|(&q, _)| q)
                .collect();
            for q in led {
                self.add_missing_mirrors(config, q, fx);
            }
        }
    }

    pub fn on_message(
        &mut self,
        config: &RabbitConfig,
        from: NodeId,
        msg: Msg,
        shared: &mut Shared,
        fx: Fx,
    ) {
        self.handle_message(config, from, msg, shared, fx);
        self.flush_dead_letters(config, shared, fx);
        self.arm_idle_sync(fx);
    }

    /// R12: messages out of a queue go to its dead-letter exchange (without confirms: lost
    /// if the target is unavailable), or are dropped if it has none. As
    /// rabbit_dead_letter:publish does: the death is recorded in `x-death` (mc:record_death),
    /// the message is routed with the queue's `x-dead-letter-routing-key` or else its own
    /// routing keys, and targets that would close a cycle with no rejection in it are dropped
    /// (detect_cycles).
    fn flush_dead_letters(&mut self, config: &RabbitConfig, shared: &mut Shared, fx: Fx) {
        let mut dead: Vec<(u32, QMsg, DeadReason, bool)> = Vec::new();
        for (&q, r) in &mut self.replicas {
            dead.extend(r.dead_letters.drain(..).map(|(m, why)| (q, m, why, false)));
        }
        for (&q, m) in &mut self.quorum {
            dead.extend(
                m.dead_letters
                    .drain(..)
                    .map(|(msg, why)| (q, msg, why, true)),
            );
        }
        for (q, msg, reason, quorum) in dead {
            let cfg = &config.queues[q as usize];
            fx.note(Note::DeadLettered {
                queue: q,
                message: msg.message,
                reason,
                exchange: cfg.dead_letter_exchange.clone(),
            });
            let Some(exchange) = &cfg.dead_letter_exchange else {
                continue;
            };
            let mut headers = shared.headers_of(config, &msg);
            headers.record_death(&cfg.name, reason, fx.now());
            if quorum && msg.deliveries > 0 {
                headers.delivery_count = Some(msg.deliveries);
            }
            let keys = match &cfg.dead_letter_routing_key {
                Some(key) => vec![key.clone()],
                None => headers.routing_keys.clone(),
            };
            let mut targets: Vec<u32> = Vec::new();
            for key in &keys {
                for target in route(config, exchange, key) {
                    if !targets.contains(&target) {
                        targets.push(target);
                    }
                }
            }
            mqlab_engine::compact::sort(&mut targets);
            headers.exchange = exchange.clone();
            headers.routing_keys = keys;
            let mut id = None;
            for target in targets {
                if headers.is_cycle(reason, &config.queues[target as usize].name) {
                    fx.note(Note::DeadLetterCycle {
                        queue: q,
                        target,
                        message: msg.message,
                    });
                    continue;
                }
                if let Some(leader) = self.durable.metadata.get(&target).and_then(|v| v.leader) {
                    let headers = *id.get_or_insert_with(|| shared.intern(headers.clone()));
                    fx.send(
                        self.id,
                        leader,
                        Msg::Enqueue {
                            queue: target,
                            message: msg.message,
                            persistent: msg.persistent,
                            from: None,
                            headers,
                        },
                    );
                }
            }
        }
    }

    fn handle_message(
        &mut self,
        config: &RabbitConfig,
        from: NodeId,
        msg: Msg,
        shared: &mut Shared,
        fx: Fx,
    ) {
        if self.paused && from.0 > config.nodes {
            // A paused node accepts no client.
            fx.send(self.id, from, Msg::ConnectionClosed);
            return;
        }
        if from.0 <= config.nodes && from != self.id {
            if matches!(msg, Msg::PeerGone { .. }) {
                if let Msg::PeerGone { graceful } = msg {
                    self.peer_down(config, from, graceful, shared, fx);
                }
                return;
            }
            self.heard_from(config, from, fx);
        }
        let me = self.id;
        match msg {
            Msg::Tick => {}
            Msg::Hello => {
                // Tell the newcomer what this node leads (and what is gone); as leader of a
                // mirrored queue, give it a new, empty mirror if the policy wants one.
                let led: Vec<(u32, u32)> = self
                    .replicas
                    .iter()
                    .filter(|(_, r)| r.leader)
                    .map(|(&q, r)| (q, r.epoch))
                    .collect();
                for (queue, epoch) in &led {
                    fx.send(
                        me,
                        from,
                        Msg::LeaderIs {
                            queue: *queue,
                            leader: Some(me),
                            epoch: *epoch,
                            deleted: false,
                        },
                    );
                }
                for (&queue, v) in &self.durable.metadata {
                    if v.deleted {
                        fx.send(
                            me,
                            from,
                            Msg::LeaderIs {
                                queue,
                                leader: None,
                                epoch: v.epoch,
                                deleted: true,
                            },
                        );
                    }
                }
                for (queue, _) in led {
                    self.add_missing_mirrors(config, queue, fx);
                }
            }
            Msg::LeaderIs {
                queue,
                leader,
                epoch,
                deleted,
            } => self.learn_leader(queue, leader, epoch, deleted, fx),
            Msg::Mirror { queue, epoch, op } => {
                self.on_mirror_op(config, from, queue, epoch, op, fx)
            }
            Msg::MirrorAck { queue, index } => {
                if let Some(r) = self.replicas.get_mut(&queue).filter(|r| r.leader) {
                    r.mirror_acked(me, from, index, fx);
                }
            }
            Msg::SyncDone { queue } => {
                let durable = config.queues[queue as usize].durable;
                if let Some(r) = self.replicas.get_mut(&queue).filter(|r| r.leader) {
                    r.sync_done(me, from, durable, fx);
                    r.dispatch(me, shared.consumed, fx);
                }
            }
            Msg::Raft { queue, msg } => {
                if let Some(m) = self.quorum.get_mut(&queue) {
                    m.on_raft(from, msg, shared.consumed, fx);
                }
                self.announce_quorum_leader(config, queue, fx);
            }
            Msg::Enqueue {
                queue,
                message,
                persistent,
                from: origin,
                headers,
            } if self.quorum.get(&queue).is_some_and(|m| m.is_leader()) => {
                if let Some(m) = self.quorum.get_mut(&queue) {
                    m.enqueue(message, persistent, origin, headers, fx);
                }
            }
            Msg::Subscribe {
                queue,
                consumer,
                auto_ack,
                prefetch,
            } if self.quorum.get(&queue).is_some_and(|m| m.is_leader()) => {
                if let Some(m) = self.quorum.get_mut(&queue) {
                    m.subscribe(consumer, auto_ack, prefetch, fx);
                }
            }
            Msg::Unsubscribe { queue, consumer } if self.quorum.contains_key(&queue) => {
                if let Some(m) = self.quorum.get_mut(&queue).filter(|m| m.is_leader()) {
                    m.unsubscribe(consumer, fx);
                }
            }
            Msg::Settle { queue, tag } if self.quorum.contains_key(&queue) => {
                if let Some(m) = self.quorum.get_mut(&queue).filter(|m| m.is_leader()) {
                    m.settle(tag, fx);
                }
            }
            Msg::RejectDelivery {
                queue,
                tag,
                requeue,
            } => {
                if let Some(m) = self.quorum.get_mut(&queue).filter(|m| m.is_leader()) {
                    m.reject(tag, requeue, fx);
                } else if let Some(r) = self.replicas.get_mut(&queue).filter(|r| r.leader) {
                    r.reject(me, tag, requeue, shared.consumed, fx);
                }
            }
            Msg::Enqueue {
                queue,
                message,
                persistent,
                from: origin,
                headers,
            } => {
                let durable = config.queues[queue as usize].durable;
                match self.replicas.get_mut(&queue).filter(|r| r.leader) {
                    Some(r) => {
                        r.enqueue(me, message, persistent, durable, origin, headers, fx);
                        r.dispatch(me, shared.consumed, fx);
                    }
                    // Not the leader (any more): refuse, the channel will hear who is.
                    None => {
                        if let Some(origin) = origin {
                            fx.send(
                                me,
                                origin.node,
                                Msg::Enqueued {
                                    queue,
                                    from: origin,
                                    ok: false,
                                },
                            );
                        }
                    }
                }
            }
            Msg::Enqueued { queue, from, ok } => self.enqueued(queue, from, ok, fx),
            Msg::Subscribe {
                queue,
                consumer,
                auto_ack,
                prefetch,
            } => match self.replicas.get_mut(&queue).filter(|r| r.leader) {
                Some(r) => {
                    r.subscribe(consumer, auto_ack, prefetch);
                    r.dispatch(me, shared.consumed, fx);
                }
                None => fx.send(me, consumer.node, Msg::QueueCancel { queue, consumer }),
            },
            Msg::Unsubscribe { queue, consumer } => {
                if let Some(r) = self.replicas.get_mut(&queue).filter(|r| r.leader) {
                    r.unsubscribe(me, consumer, shared.consumed, fx);
                }
            }
            Msg::Settle { queue, tag } => {
                if let Some(r) = self.replicas.get_mut(&queue).filter(|r| r.leader) {
                    r.settle(me, tag, shared.consumed, fx);
                }
            }
            Msg::QueueDeliver {
                queue,
                consumer,
                tag,
                message,
                redelivered,
            } => {
                let Some(ch) = self.channels.get_mut(&consumer.client) else {
                    return;
                };
                if ch.subscriptions.get(&queue).map(|s| s.life) != Some(consumer.life) {
                    return;
                }
                ch.next_tag += 1;
                let client_tag = ch.next_tag;
                ch.unacked.insert(client_tag, (queue, tag));
                ch.delivered_at.insert(client_tag, fx.now());
                fx.send(
                    me,
                    consumer.client,
                    Msg::Deliver {
                        tag: client_tag,
                        message,
                        redelivered,
                        queue,
                    },
                );
            }
            Msg::QueueCancel { queue, consumer } => {
                if let Some(ch) = self.channels.get_mut(&consumer.client) {
                    if ch.subscriptions.remove(&queue).is_some() {
                        fx.send(me, consumer.client, Msg::Cancelled { queue });
                    }
                }
            }
            // From clients.
            Msg::Publish {
                seq,
                message,
                exchange,
                routing_key,
                persistent,
                mandatory,
                confirm,
                tx,
            } => {
                let ch = self.channels.entry(from).or_default();
                let publish = Publish {
                    client: from,
                    seq,
                    message,
                    exchange,
                    routing_key,
                    persistent,
                    mandatory,
                    confirm,
                    batch: None,
                };
                if tx {
                    // Committed later: never returned, always answered by the commit.
                    ch.tx_buffer.push(Publish {
                        mandatory: false,
                        confirm: true,
                        ..publish
                    });
                    return;
                }
                self.publish(config, publish, fx);
            }
            Msg::TxCommit { batch } => {
                let ch = self.channels.entry(from).or_default();
                let buffered = std::mem::take(&mut ch.tx_buffer);
                ch.commits.insert(batch);
                for publish in buffered {
                    let batch = Some(batch);
                    self.publish(config, Publish { batch, ..publish }, fx);
                }
                self.check_commit(from, batch, fx);
            }
            Msg::Consume {
                queue,
                auto_ack,
                prefetch,
                life,
            } => {
                let view = self.durable.metadata.get(&queue).copied();
                let down = match config.queues.get(queue as usize).map(|q| q.kind) {
                    Some(QueueKind::Quorum { .. }) => QueueError::NoQuorum,
                    _ => QueueError::HomeNodeDown,
                };
                let error = match view {
                    Some(v) if v.deleted => Some(QueueError::Deleted),
                    Some(QueueView {
                        leader: Some(_), ..
                    }) => None,
                    _ => Some(down),
                };
                let ch = self.channels.entry(from).or_default();
                match (error, view.and_then(|v| v.leader)) {
                    (None, Some(leader)) => {
                        ch.subscriptions.insert(
                            queue,
                            Subscription {
                                auto_ack,
                                prefetch,
                                life,
                            },
                        );
                        fx.send(me, from, Msg::ConsumeOk { queue });
                        fx.send(
                            me,
                            leader,
                            Msg::Subscribe {
                                queue,
                                consumer: ConsumerRef {
                                    node: me,
                                    client: from,
                                    life,
                                },
                                auto_ack,
                                prefetch,
                            },
                        );
                    }
                    (error, _) => fx.send(
                        me,
                        from,
                        Msg::ConsumeFailed {
                            queue,
                            error: error.unwrap_or(down),
                        },
                    ),
                }
            }
            Msg::Ack { tag } => {
                let Some(ch) = self.channels.get_mut(&from) else {
                    return;
                };
                ch.delivered_at.remove(&tag);
                let Some((queue, qtag)) = ch.unacked.remove(&tag) else {
                    return;
                };
                match self.durable.metadata.get(&queue).and_then(|v| v.leader) {
                    Some(leader) => fx.send(me, leader, Msg::Settle { queue, tag: qtag }),
                    // A quorum queue between leaders: the channel retries the ack later.
                    None => ch.held_acks.push((queue, qtag)),
                }
            }
            Msg::Reject { tag, requeue } => {
                let Some(ch) = self.channels.get_mut(&from) else {
                    return;
                };
                let Some((queue, qtag)) = ch.unacked.remove(&tag) else {
                    return;
                };
                if let Some(leader) = self.durable.metadata.get(&queue).and_then(|v| v.leader) {
                    fx.send(
                        me,
                        leader,
                        Msg::RejectDelivery {
                            queue,
                            tag: qtag,
                            requeue,
                        },
                    );
                }
            }
            Msg::ClientGone => self.client_gone(from, fx),
            Msg::Open => {
                self.channels.entry(from).or_default();
                fx.send(me, from, Msg::OpenOk);
            }
            _ => {}
        }
    }

    /// The client's connection closed: its consumers' unacked deliveries are requeued (R6).
    fn client_gone(&mut self, client: NodeId, fx: Fx) {
        let Some(ch) = self.channels.remove(&client) else {
            return;
        };
        fx.note(Note::ClientDisconnected {
            client,
            node: self.id,
        });
        for (queue, sub) in ch.subscriptions {
            if let Some(leader) = self.durable.metadata.get(&queue).and_then(|v| v.leader) {
                fx.send(
                    self.id,
                    leader,
                    Msg::Unsubscribe {
                        queue,
                        consumer: ConsumerRef {
                            node: self.id,
                            client,
                            life: sub.life,
                        },
                    },
                );
            }
        }
    }

    fn publish(&mut self, config: &RabbitConfig, publish: Publish, fx: Fx) {
        let Publish {
            client,
            seq,
            message,
            exchange,
            routing_key,
            persistent,
            mandatory,
            confirm,
            batch,
        } = publish;
        let me = self.id;
        fx.note(Note::Published {
            publisher: client,
            node: me,
            message,
        });
        let targets: Vec<u32> = route(config, &exchange, &routing_key)
            .into_iter()
            .filter(|q| !self.durable.metadata.get(q).is_some_and(|v| v.deleted))
            .collect();
        if targets.is_empty() {
            // R2: unroutable, confirmed at once; returned first if mandatory.
            fx.note(Note::Unroutable {
                node: me,
                message,
                returned: mandatory,
            });
            if mandatory {
                fx.send(me, client, Msg::Returned { message });
            }
            if confirm && batch.is_none() {
                fx.send(me, client, Msg::Confirm { seq, ack: true });
            }
            return;
        }
        let origin = PublishRef {
            node: me,
            client,
            seq,
        };
        let mut pending = PendingPublish {
            queues: VecSet::new(),
            nacked: false,
            batch,
            message,
            persistent,
        };
        for queue in targets {
            match self.durable.metadata.get(&queue).and_then(|v| v.leader) {
                Some(leader) => {
                    pending.queues.insert(queue);
                    fx.send(
                        me,
                        leader,
                        Msg::Enqueue {
                            queue,
                            message,
                            persistent,
                            from: confirm.then_some(origin),
                            headers: Headers::PUBLISHED,
                        },
                    );
                }
                None => {
                    // R16: the queue is down; nack with confirms, dropped without (a quorum
                    // queue without a leader has no majority, R25).
                    pending.nacked = true;
                    let error = match config.queues[queue as usize].kind {
                        QueueKind::Quorum { .. } => QueueError::NoQuorum,
                        QueueKind::Classic => QueueError::HomeNodeDown,
                    };
                    fx.note(Note::EnqueueRefused {
                        node: me,
                        queue,
                        message,
                        error,
                    });
                }
            }
        }
        if !confirm {
            return;
        }
        let ch = self.channels.entry(client).or_default();
        if pending.queues.is_empty() {
            if batch.is_none() {
                fx.send(
                    me,
                    client,
                    Msg::Confirm {
                        seq,
                        ack: !pending.nacked,
                    },
                );
            }
            return;
        }
        ch.pending.insert(seq, pending);
    }

    /// One queue took (or refused) a publish; confirm when all have answered.
    fn enqueued(&mut self, queue: u32, from: PublishRef, ok: bool, fx: Fx) {
        let me = self.id;
        let Some(ch) = self.channels.get_mut(&from.client) else {
            return;
        };
        let Some(p) = ch.pending.get_mut(&from.seq) else {
            return;
        };
        if !p.queues.remove(&queue) {
            return;
        }
        p.nacked |= !ok;
        if !p.queues.is_empty() {
            return;
        }
        let p = ch.pending.remove(&from.seq).expect("present");
        match p.batch {
            None => fx.send(
                me,
                from.client,
                Msg::Confirm {
                    seq: from.seq,
                    ack: !p.nacked,
                },
            ),
            Some(batch) => self.check_commit(from.client, batch, fx),
        }
    }

    /// `tx.commit-ok` once every publish of the transaction is taken care of (R5).
    fn check_commit(&mut self, client: NodeId, batch: u64, fx: Fx) {
        let Some(ch) = self.channels.get_mut(&client) else {
            return;
        };
        let open = ch.pending.values().any(|p| p.batch == Some(batch));
        if !open && ch.commits.remove(&batch) {
            fx.send(self.id, client, Msg::TxCommitOk { batch });
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn learn_leader(
        &mut self,
        queue: u32,
        leader: Option<NodeId>,
        epoch: u32,
        deleted: bool,
        fx: Fx,
    ) {
        let old = self.durable.metadata.get(&queue).copied();
        if old.is_some_and(|v| v.epoch > epoch && v.leader.is_some()) {
            return; // stale news
        }
        self.durable.metadata.insert(
            queue,
            QueueView {
                leader,
                epoch,
                deleted,
            },
        );
        if leader.is_none() || deleted {
            if deleted {
                self.replicas.remove(&queue);
            }
            self.queue_unavailable(queue, deleted, fx);
            return;
        }
        let Some(leader) = leader else { return };
        if old.and_then(|v| v.leader) == Some(leader) {
            return;
        }
        // A new leader: re-send unconfirmed publishes (it deduplicates what it has) and
        // move this node's consumers to it.
        let me = self.id;
        for (&client, ch) in &mut self.channels {
            for (&seq, p) in &ch.pending {
                if p.queues.contains(&queue) {
                    fx.send(
                        me,
                        leader,
                        Msg::Enqueue {
                            queue,
                            message: p.message,
                            persistent: p.persistent,
                            from: Some(PublishRef {
                                node: me,
                                client,
                                seq,
                            }),
                            headers: Headers::PUBLISHED,
                        },
                    );
                }
            }
            for (q, tag) in std::mem::take(&mut ch.held_acks) {
                if q == queue {
                    fx.send(me, leader, Msg::Settle { queue, tag });
                } else {
                    ch.held_acks.push((q, tag));
                }
            }
            if let Some(sub) = ch.subscriptions.get(&queue) {
                fx.send(
                    me,
                    leader,
                    Msg::Subscribe {
                        queue,
                        consumer: ConsumerRef {
                            node: me,
                            client,
                            life: sub.life,
                        },
                        auto_ack: sub.auto_ack,
                        prefetch: sub.prefetch,
                    },
                );
            }
        }
        // A replica here that is not the leader any more becomes a mirror (or goes).
        if leader != me {
            if let Some(r) = self.replicas.get_mut(&queue) {
                if r.leader {
                    self.replicas.remove(&queue);
                }
            }
        }
    }

    /// The queue has no leader: publishes waiting on it are nacked and its consumers on this
    /// node get `basic.cancel` (R16).
    fn queue_unavailable(&mut self, queue: u32, deleted: bool, fx: Fx) {
        let me = self.id;
        let clients: Vec<NodeId> = self.channels.keys().copied().collect();
        for client in clients {
            let waiting: Vec<u64> = self.channels[&client]
                .pending
                .iter()
                .filter(|(_, p)| p.queues.contains(&queue))
                .map(|(&s, _)| s)
                .collect();
            for seq in waiting {
                self.enqueued(
                    queue,
                    PublishRef {
                        node: me,
                        client,
                        seq,
                    },
                    false,
                    fx,
                );
            }
            let ch = self.channels.get_mut(&client).expect("present");
            if ch.subscriptions.remove(&queue).is_some() {
                ch.unacked.retain(|_, (q, _)| *q != queue);
                fx.send(me, client, Msg::Cancelled { queue });
            }
        }
        if deleted {
            fx.note(Note::QueueDeleted { queue });
        }
    }

    /// A peer is gone (its connection closed, or net_ticktime passed in silence).
    fn peer_down(
        &mut self,
        config: &RabbitConfig,
        peer: NodeId,
        graceful: bool,
        shared: &mut Shared,
        fx: Fx,
    ) {
        if !self.down_peers.insert(peer) {
            return;
        }
        let me = self.id;
        fx.note(Note::PeerDown { node: me, peer });
        // As a leader: the peer's mirrors are gone; `exactly` finds a spare node (R18).
        let led: Vec<u32> = self
            .replicas
            .iter()
            .filter(|(_, r)| r.leader)
            .map(|(&q, _)| q)
            .collect();
        for q in led {
            if let Some(r) = self.replicas.get_mut(&q) {
                if r.mirrors.iter().any(|m| m.node == peer) {
                    r.drop_mirror(me, peer, fx);
                    self.add_missing_mirrors(config, q, fx);
                }
                // Consumers whose channel lived on the dead node: their deliveries return.
                let gone: Vec<ConsumerRef> = self.replicas[&q]
                    .consumers
                    .iter()
                    .map(|c| c.consumer)
                    .filter(|c| c.node == peer)
                    .collect();
                for c in gone {
                    if let Some(r) = self.replicas.get_mut(&q) {
                        r.unsubscribe(me, c, shared.consumed, fx);
                    }
                }
            }
        }
        // Quorum queues this node leads: consumers whose channel died return their messages.
        let led: Vec<u32> = self
            .quorum
            .iter()
            .filter(|(_, m)| m.is_leader())
            .map(|(&q, _)| q)
            .collect();
        for q in led {
            let gone = self.quorum[&q].consumers_on(peer);
            if let Some(m) = self.quorum.get_mut(&q) {
                for c in gone {
                    m.unsubscribe(c, fx);
                }
            }
        }
        // Queues the peer led.
        let lost: Vec<u32> = self
            .durable
            .metadata
            .iter()
            .filter(|(_, v)| v.leader == Some(peer))
            .map(|(&q, _)| q)
            .collect();
        for q in lost {
            let epoch = self.durable.metadata[&q].epoch;
            self.durable.metadata.insert(
                q,
                QueueView {
                    leader: None,
                    epoch,
                    deleted: false,
                },
            );
            let cfg = &config.queues[q as usize];
            let mirrored = cfg.mirroring.is_some();
            if matches!(cfg.kind, QueueKind::Quorum { .. }) {
                // Raft elects a new leader if a majority is left; it will announce itself.
                continue;
            }
            if let Some(r) = self.replicas.get(&q).filter(|r| !r.leader) {
                // A mirror: the oldest live member takes over, if the policy lets it (R20, R21).
                let candidates: Vec<(NodeId, bool)> = r
                    .members
                    .iter()
                    .copied()
                    .filter(|&(n, _)| self.is_up(n))
                    .collect();
                if candidates.first().map(|c| c.0) == Some(me) {
                    self.take_over(config, q, graceful, shared, fx);
                }
            } else if !mirrored {
                if cfg.durable {
                    fx.note(Note::QueueDown { queue: q });
                    self.queue_unavailable(q, false, fx);
                } else {
                    // R16: a non-durable queue goes with its node.
                    self.durable.metadata.insert(
                        q,
                        QueueView {
                            leader: None,
                            epoch,
                            deleted: true,
                        },
                    );
                    self.queue_unavailable(q, true, fx);
                }
            }
            // Mirrored queues on nodes without a replica wait for the new leader's news.
        }
    }

    /// This mirror is the oldest one left: promote it, or declare the queue down.
    fn take_over(
        &mut self,
        config: &RabbitConfig,
        queue: u32,
        graceful: bool,
        shared: &mut Shared,
        fx: Fx,
    ) {
        let me = self.id;
        let cfg = &config.queues[queue as usize];
        let policy = cfg.mirroring.clone().expect("mirrored");
        let rule = if graceful {
            policy.promote_on_shutdown
        } else {
            policy.promote_on_failure
        };
        let r = self.replicas.get_mut(&queue).expect("mirror");
        let synced = r.synced;
        if rule == crate::config::Promote::WhenSynced && !synced {
            // R21: no synchronised mirror to promote: the queue is unavailable.
            fx.note(Note::QueueDown { queue });
            let epoch = r.epoch;
            self.broadcast_leader(config, queue, None, epoch, false, fx);
            return;
        }
        let others: Vec<MirrorInfo> = r
            .members
            .iter()
            .filter(|&&(n, _)| n != me && !self.down_peers.contains(&n))
            .map(|&(node, synced)| MirrorInfo {
                node,
                since: if synced { 0 } else { u64::MAX },
            })
            .collect();
        let requeued = r.promote(me, others, fx);
        fx.note(Note::Promoted {
            node: me,
            queue,
            synced,
        });
        if !requeued.is_empty() {
            fx.note(Note::Requeued {
                queue,
                messages: requeued,
            });
        }
        let epoch = r.epoch;
        r.announce_members(me, fx);
        self.broadcast_leader(config, queue, Some(me), epoch, false, fx);
        self.add_missing_mirrors(config, queue, fx);
        if let Some(r) = self.replicas.get_mut(&queue) {
            r.dispatch(me, shared.consumed, fx);
        }
    }

    fn on_mirror_op(
        &mut self,
        config: &RabbitConfig,
        leader: NodeId,
        queue: u32,
        epoch: u32,
        op: MirrorOp,
        fx: Fx,
    ) {
        let me = self.id;
        if let MirrorOp::Start { .. } = op {
            if self.replicas.get(&queue).is_some_and(|r| r.leader) {
                // R17: two leaders after a partition (ignore): neither gives way.
                return;
            }
            // R22: a (re)joining mirror throws its local contents away and starts empty.
            let discarded = self.durable.messages.remove(&queue).map_or(0, |d| d.len()) as u32;
            let mut r = Replica::new_mirror(queue, epoch, false);
            r.limits = Limits::of(&config.queues[queue as usize]);
            r.members.clear();
            self.replicas.insert(queue, r);
            fx.note(Note::MirrorStarted {
                node: me,
                queue,
                discarded,
            });
            return;
        }
        let Some(r) = self.replicas.get_mut(&queue).filter(|r| !r.leader) else {
            return;
        };
        r.epoch = epoch;
        r.apply_mirror_op(me, leader, op, fx);
    }
}

/// How often channels look for deliveries past `consumer_timeout`: every minute, or more
/// often when a scenario scales the timeout down.
fn timeout_check(config: &RabbitConfig) -> Millis {
    (config.consumer_timeout_ms / 2).clamp(1, 60_000)
}

/// How long a restarted node waits for its peers' news before recovering queues alone.
const RECOVER_AFTER_MS: Millis = 50;
