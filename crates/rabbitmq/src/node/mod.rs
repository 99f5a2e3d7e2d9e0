//! A RabbitMQ node: the channels of the clients connected to it, the queue replicas it
//! hosts, its disk, and its view of the cluster (which peers are up, who leads each queue).
//! Channel and queue processes talk by messages even on one node, as Erlang processes do.
//!
//! This module holds the [`RabbitNode`] type and routes each message and timer to the concept
//! it belongs to, one module each, so that a reader finds a rule where its concept lives:
//! - `channels`: the clients' channels (publish and routing, confirms, transactions,
//!   consumers, deliveries and acks, `consumer_timeout`);
//! - `queues`: the queue processes this node hosts (classic leaders, quorum members);
//! - `cluster`: membership (boot, restart and rejoin, peers up and down, who leads each
//!   queue, `pause_minority`);
//! - `mirroring`: classic mirrored queues (mirrors added by policy, promotion, sync);
//! - `disk`: what survives a restart ([`Durable`]), the batched fsync, recovery from disk;
//! - `dead_letters`: dead-lettering and the headers it writes (R12).

mod channels;
mod cluster;
mod dead_letters;
mod disk;
mod mirroring;
mod queues;

pub use dead_letters::headers_of;
pub use disk::Durable;

use crate::config::RabbitConfig;
use crate::protocol::{Headers, Msg, Timer};
use crate::queue::Replica;
use crate::quorum::QuorumMember;
use crate::Rabbit;
use channels::Channel;
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

#[derive(Clone, Debug)]
pub struct RabbitNode {
    pub id: NodeId,
    /// Peers this node believes up, with when it last heard from them.
    peers: VecMap<NodeId, Millis>,
    pub down_peers: VecSet<NodeId>,
    /// What survives kill -9 and a stop. The rest is rebuilt when the node starts, but for the
    /// quorum members (rebuilt from their own logs) and `paused` (see there).
    pub durable: Durable,
    pub replicas: VecMap<u32, Replica>,
    /// Quorum queue members hosted here. Each keeps its own durable part (log, term, vote)
    /// and rebuilds the rest from it at a restart ([`QuorumMember::recovered`]).
    pub quorum: VecMap<u32, QuorumMember>,
    channels: VecMap<NodeId, Channel>,
    /// pause_minority: cut off from the majority, not serving (R17). Neither a stop nor a start
    /// resets it: a node paused when it went down stays paused until a tick finds a majority.
    pub paused: bool,
    /// pause_minority: the node saw no majority and is stopping; it pauses when
    /// [`Timer::Pause`] fires, if it still sees none.
    pausing: bool,
    /// A [`Timer::IdleSync`] is due at the end of this instant.
    idle_sync_armed: bool,
}

/// Deterministic state shared with the model: messages settled by consumption, the ledger
/// (a message's publish) and the headers of dead-lettered messages (R12).
pub struct Shared<'a> {
    pub consumed: &'a mut VecSet<MessageId>,
    pub ledger: &'a Ledger,
    pub headers: &'a mut Vec<Headers>,
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
            pausing: false,
            idle_sync_armed: false,
        }
    }

    fn all_nodes(config: &RabbitConfig) -> impl Iterator<Item = NodeId> {
        (1..=config.nodes).map(NodeId)
    }

    /// The classic queues whose leader replica is here.
    fn classic_led(&self) -> impl Iterator<Item = u32> + '_ {
        self.replicas
            .iter()
            .filter(|(_, r)| r.leader)
            .map(|(&q, _)| q)
    }

    pub fn is_up(&self, peer: NodeId) -> bool {
        peer == self.id || !self.down_peers.contains(&peer)
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

    pub fn on_timer(&mut self, config: &RabbitConfig, timer: Timer, shared: &mut Shared, fx: Fx) {
        self.handle_timer(config, timer, shared, fx);
        self.flush_dead_letters(config, shared, fx);
        self.arm_idle_sync(fx);
    }

    /// Each message to the concept it belongs to.
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
        if self.paused && Self::for_a_queue(&msg) {
            // Paused, it runs no queue: the classic replicas are gone and the quorum members
            // stopped with `ra` (see `pause`).
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
        match msg {
            Msg::Hello => self.hello(config, from, fx),
            Msg::LeaderIs {
                queue,
                leader,
                epoch,
                deleted,
            } => self.learn_leader(queue, leader, epoch, deleted, fx),
            Msg::Mirror { queue, epoch, op } => {
                self.on_mirror_op(config, from, queue, epoch, op, fx)
            }
            Msg::MirrorAck { queue, index } => self.mirror_acked(from, queue, index, fx),
            Msg::SyncDone { queue } => self.sync_done(config, from, queue, shared, fx),
            msg if Self::for_a_queue(&msg) => self.on_queue_message(config, from, msg, shared, fx),
            Msg::Enqueued { .. }
            | Msg::QueueDeliver { .. }
            | Msg::Missing { .. }
            | Msg::QueueCancel { .. }
            | Msg::Publish { .. }
            | Msg::TxCommit { .. }
            | Msg::Consume { .. }
            | Msg::Ack { .. }
            | Msg::Reject { .. }
            | Msg::ClientGone
            | Msg::Open => self.on_channel_message(config, from, msg, fx),
            // A tick only says its peer is alive (heard above); the rest is for clients.
            _ => {}
        }
    }

    /// A message a queue's replica or member handles (not the node, not a channel).
    fn for_a_queue(msg: &Msg) -> bool {
        matches!(
            msg,
            Msg::Raft { .. }
                | Msg::Enqueue { .. }
                | Msg::Subscribe { .. }
                | Msg::Unsubscribe { .. }
                | Msg::Settle { .. }
                | Msg::FetchMissing { .. }
                | Msg::RejectDelivery { .. }
        )
    }

    /// Each timer to the concept it belongs to.
    fn handle_timer(&mut self, config: &RabbitConfig, timer: Timer, shared: &mut Shared, fx: Fx) {
        let a_members_timer = matches!(timer, Timer::Election { .. } | Timer::RaftHeartbeat { .. });
        if self.paused && a_members_timer {
            // Stopped with `ra` (see `pause`): armed again when the node resumes.
            return;
        }
        match timer {
            Timer::Fsync => self.on_fsync_timer(config, fx),
            Timer::IdleSync => self.on_idle_sync(config, fx),
            Timer::Recover => self.recover(config, fx),
            Timer::Tick => self.tick(config, shared, fx),
            Timer::Pause => self.pause(config, fx),
            Timer::Election { queue } => self.on_election_timeout(config, queue, fx),
            Timer::RaftHeartbeat { queue } => self.on_raft_heartbeat(queue, fx),
            Timer::Expire { queue } => self.expire(queue, shared, fx),
            Timer::ConsumerTimeoutCheck => self.check_consumer_timeouts(config, fx),
            _ => {}
        }
    }
}
