//! One replica of a classic queue on a node: the leader (the queue process) or a mirror.
//! The leader keeps messages in publication order, delivers round-robin to consumers with
//! free prefetch, tracks unacked deliveries, and confirms a publish once it is on disk (if it
//! must be) and on every mirror. A mirror keeps a copy and is promoted when the leader dies.

use crate::config::Limits;
use crate::protocol::{
    ConsumerRef, DeadReason, MirrorOp, Msg, Note, PublishRef, QMsg, QueueError, QueueTag, Timer,
};
use crate::Rabbit;
use mqlab_engine::{Effects, NodeId};
use mqlab_engine::{VecMap, VecSet};
use mqlab_ledger::MessageId;

type Fx<'a, 'b> = &'a mut Effects<'b, Rabbit>;

#[derive(Clone, Debug)]
pub struct QConsumer {
    pub consumer: ConsumerRef,
    pub auto_ack: bool,
    pub prefetch: u32,
    pub in_flight: u32,
}

impl QConsumer {
    fn has_room(&self) -> bool {
        self.prefetch == 0 || self.in_flight < self.prefetch
    }
}

/// A publish the leader has not confirmed yet.
#[derive(Clone, Debug)]
struct PendingConfirm {
    from: PublishRef,
    index: u64,
    /// A persistent message in a durable queue waits for the next fsync (R2).
    needs_fsync: bool,
    /// Mirrors that have not acknowledged it yet (R19).
    mirrors: VecSet<NodeId>,
}

/// A mirror as its leader knows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MirrorInfo {
    pub node: NodeId,
    /// The first index it received: it is synchronised once the leader holds nothing older.
    pub since: u64,
}

#[derive(Clone, Debug)]
pub struct Replica {
    pub queue: u32,
    pub leader: bool,
    /// The leader's epoch: bumped by every promotion.
    pub epoch: u32,
    /// Every unsettled message, by index (publication order).
    pub messages: VecMap<u64, QMsg>,
    /// Indexes waiting for a consumer.
    pub ready: VecSet<u64>,
    /// Leader: deliveries not yet acked.
    pub unacked: VecMap<QueueTag, (u64, ConsumerRef)>,
    pub consumers: Vec<QConsumer>,
    round_robin: usize,
    pub next_index: u64,
    next_tag: u64,
    /// Leader: mirrors, oldest first.
    pub mirrors: Vec<MirrorInfo>,
    confirms: Vec<PendingConfirm>,
    /// Mirror: the members as the leader last announced them (oldest first, synced flag).
    pub members: Vec<(NodeId, bool)>,
    /// Mirror: holds everything the leader holds.
    pub synced: bool,
    /// Mirror: publishes it holds whose confirm the leader may not have sent yet.
    pending_from: VecMap<u64, PublishRef>,
    /// Leader: blocked by a running synchronisation (R21).
    pub syncing: bool,
    /// Enqueues that arrived during a synchronisation, applied after it.
    parked: Vec<(MessageId, bool, Option<PublishRef>, u32)>,
    pub limits: Limits,
    /// Messages that left by TTL, length limit or rejection, for the node to dead-letter.
    pub dead_letters: Vec<(QMsg, DeadReason)>,
}

impl Replica {
    pub fn new_leader(queue: u32, epoch: u32) -> Self {
        Self {
            queue,
            leader: true,
            epoch,
            messages: VecMap::new(),
            ready: VecSet::new(),
            unacked: VecMap::new(),
            consumers: Vec::new(),
            round_robin: 0,
            next_index: 0,
            next_tag: 0,
            mirrors: Vec::new(),
            confirms: Vec::new(),
            members: Vec::new(),
            synced: true,
            pending_from: VecMap::new(),
            syncing: false,
            parked: Vec::new(),
            limits: Limits::default(),
            dead_letters: Vec::new(),
        }
    }

    pub fn new_mirror(queue: u32, epoch: u32, synced: bool) -> Self {
        Self {
            leader: false,
            synced,
            ..Self::new_leader(queue, epoch)
        }
    }

    /// Ready messages in queue order (for drawing).
    pub fn ready_messages(&self) -> impl Iterator<Item = &QMsg> {
        self.ready.iter().filter_map(|i| self.messages.get(i))
    }

    /// Leader: is this mirror synchronised (does it hold everything the leader holds)?
    pub fn mirror_synced(&self, mirror: &MirrorInfo) -> bool {
        self.messages
            .keys()
            .next()
            .is_none_or(|&oldest| oldest >= mirror.since)
    }

    pub fn members(&self) -> Vec<(NodeId, bool)> {
        self.mirrors
            .iter()
            .map(|m| (m.node, self.mirror_synced(m)))
            .collect()
    }

    fn to_mirrors(&self, me: NodeId, op: MirrorOp, fx: Fx) {
        for m in &self.mirrors {
            fx.send(
                me,
                m.node,
                Msg::Mirror {
                    queue: self.queue,
                    epoch: self.epoch,
                    op: op.clone(),
                },
            );
        }
    }

    pub fn announce_members(&self, me: NodeId, fx: Fx) {
        self.to_mirrors(
            me,
            MirrorOp::Members {
                members: self.members(),
            },
            fx,
        );
    }

    /// Leader: take a message (R2: confirm after disk and mirrors).
    #[allow(clippy::too_many_arguments)]
    pub fn enqueue(
        &mut self,
        me: NodeId,
        message: MessageId,
        persistent: bool,
        durable: bool,
        from: Option<PublishRef>,
        headers: u32,
        fx: Fx,
    ) {
        if self.syncing {
            self.parked.push((message, persistent, from, headers));
            return;
        }
        // R13: only ready messages count toward the length.
        if self
            .limits
            .max_length
            .is_some_and(|max| self.ready.len() as u32 >= max)
        {
            if self.limits.reject_publish {
                fx.note(Note::EnqueueRefused {
                    node: me,
                    queue: self.queue,
                    message,
                    error: QueueError::Full,
                });
                if let Some(from) = from {
                    fx.send(me, from.node, from.answer(self.queue, false));
                }
                return;
            }
            if let Some(&oldest) = self.ready.iter().next() {
                self.remove_dead(me, oldest, DeadReason::MaxLength, fx);
            }
        }
        let index = self.next_index;
        self.next_index += 1;
        let msg = QMsg::new(message, index, persistent, headers, fx.now());
        self.messages.insert(index, msg);
        self.ready.insert(index);
        fx.note(Note::Enqueued {
            node: me,
            queue: self.queue,
            message,
            index,
        });
        self.to_mirrors(me, MirrorOp::Enqueue { msg, from }, fx);
        if let Some(from) = from {
            self.confirms.push(PendingConfirm {
                from,
                index,
                needs_fsync: persistent && durable,
                mirrors: VecSet::from_iter(self.mirrors.iter().map(|m| m.node)),
            });
            self.flush_confirms(me, fx);
        }
    }

    /// Send every confirm whose conditions are met.
    fn flush_confirms(&mut self, me: NodeId, fx: Fx) {
        let queue = self.queue;
        self.confirms.retain(|c| {
            let done = !c.needs_fsync && c.mirrors.is_empty();
            if done {
                fx.send(me, c.from.node, c.from.answer(queue, true));
            }
            !done
        });
    }

    /// A confirm (or a transaction's commit) waits for the disk.
    pub fn awaits_disk(&self) -> bool {
        self.leader && self.confirms.iter().any(|c| c.needs_fsync)
    }

    /// The node's fsync completed: persistent messages are on disk.
    pub fn fsynced(&mut self, me: NodeId, fx: Fx) {
        for c in &mut self.confirms {
            c.needs_fsync = false;
        }
        self.flush_confirms(me, fx);
    }

    pub fn mirror_acked(&mut self, me: NodeId, mirror: NodeId, index: u64, fx: Fx) {
        for c in &mut self.confirms {
            if c.index == index {
                c.mirrors.remove(&mirror);
            }
        }
        self.flush_confirms(me, fx);
    }

    /// A mirror is gone: stop waiting for it (R19: publishing stalls until it is detected).
    pub fn drop_mirror(&mut self, me: NodeId, mirror: NodeId, fx: Fx) {
        self.mirrors.retain(|m| m.node != mirror);
        for c in &mut self.confirms {
            c.mirrors.remove(&mirror);
        }
        self.flush_confirms(me, fx);
        self.announce_members(me, fx);
    }

    pub fn subscribe(&mut self, consumer: ConsumerRef, auto_ack: bool, prefetch: u32) {
        self.consumers
            .retain(|c| c.consumer.client != consumer.client);
        self.consumers.push(QConsumer {
            consumer,
            auto_ack,
            prefetch,
            in_flight: 0,
        });
    }

    /// Take a message out of the queue for the dead-letter exchange (or to be dropped).
    fn remove_dead(&mut self, me: NodeId, index: u64, reason: DeadReason, fx: Fx) {
        self.ready.remove(&index);
        if let Some(msg) = self.messages.remove(&index) {
            self.dead_letters.push((msg, reason));
        }
        self.to_mirrors(me, MirrorOp::Settled { index }, fx);
    }

    /// R11: expired messages at the head are never delivered; the next expiry is watched.
    fn expire(&mut self, me: NodeId, fx: Fx) {
        let Some(ttl) = self.limits.ttl_ms else {
            return;
        };
        while let Some(&head) = self.ready.iter().next() {
            let expires = self.messages.get(&head).map_or(0, |m| m.enqueued_at + ttl);
            if fx.now() < expires {
                fx.reset_timer(me, expires - fx.now(), Timer::Expire { queue: self.queue });
                return;
            }
            self.remove_dead(me, head, DeadReason::Expired, fx);
        }
    }

    /// Deliver ready messages round-robin to consumers with room (R8, R9).
    pub fn dispatch(&mut self, me: NodeId, consumed: &mut VecSet<MessageId>, fx: Fx) {
        if !self.leader || self.syncing {
            return;
        }
        self.expire(me, fx);
        while let Some(&index) = self.ready.iter().next() {
            let n = self.consumers.len();
            let Some(pick) = (0..n)
                .map(|i| (self.round_robin + i) % n)
                .find(|&i| self.consumers[i].has_room())
            else {
                return;
            };
            self.round_robin = (pick + 1) % n.max(1);
            self.ready.remove(&index);
            let Some(msg) = self.messages.get_mut(&index) else {
                continue;
            };
            let redelivered = msg.deliver();
            let message = msg.message;
            let c = &mut self.consumers[pick];
            let tag = QueueTag {
                epoch: self.epoch,
                n: self.next_tag,
            };
            self.next_tag += 1;
            fx.note(Note::Delivered {
                node: me,
                queue: self.queue,
                consumer: c.consumer.client,
                message,
                redelivered,
                auto_ack: c.auto_ack,
            });
            fx.send(
                me,
                c.consumer.node,
                Msg::QueueDeliver {
                    queue: self.queue,
                    consumer: c.consumer,
                    tag,
                    message,
                    redelivered,
                    id: 0,
                },
            );
            if c.auto_ack {
                // R6: with autoAck the message is done once sent.
                self.messages.remove(&index);
                consumed.insert(message);
                self.to_mirrors(me, MirrorOp::Settled { index }, fx);
            } else {
                c.in_flight += 1;
                self.unacked.insert(tag, (index, c.consumer));
                self.to_mirrors(me, MirrorOp::Delivered { index }, fx);
            }
        }
    }

    /// An unacked delivery answered (ack or reject): the consumer has room again.
    fn take_unacked(&mut self, tag: QueueTag) -> Option<(u64, ConsumerRef)> {
        let (index, consumer) = self.unacked.remove(&tag)?;
        if let Some(c) = self.consumers.iter_mut().find(|c| c.consumer == consumer) {
            c.in_flight = c.in_flight.saturating_sub(1);
        }
        Some((index, consumer))
    }

    /// `basic.ack`. An ack for another epoch's delivery is stale: that message was requeued
    /// by a failover and will come again (R20).
    pub fn settle(&mut self, me: NodeId, tag: QueueTag, consumed: &mut VecSet<MessageId>, fx: Fx) {
        let Some((index, consumer)) = self.take_unacked(tag) else {
            return;
        };
        if let Some(msg) = self.messages.remove(&index) {
            consumed.insert(msg.message);
            fx.note(Note::Acked {
                queue: self.queue,
                consumer: consumer.client,
                message: msg.message,
            });
        }
        self.to_mirrors(me, MirrorOp::Settled { index }, fx);
        self.dispatch(me, consumed, fx);
    }

    /// `basic.reject`: requeue=true puts it back in its place, flagged redelivered;
    /// requeue=false takes it out, to the dead-letter exchange if there is one (R7, R12).
    pub fn reject(
        &mut self,
        me: NodeId,
        tag: QueueTag,
        requeue: bool,
        consumed: &mut VecSet<MessageId>,
        fx: Fx,
    ) {
        let Some((index, _)) = self.take_unacked(tag) else {
            return;
        };
        if requeue {
            self.ready.insert(index);
        } else {
            self.remove_dead(me, index, DeadReason::Rejected, fx);
        }
        self.dispatch(me, consumed, fx);
    }

    /// A consumer's channel closed: its unacked deliveries go back, in their original place
    /// (classic queues keep publication order, R7), flagged redelivered (R6).
    pub fn unsubscribe(
        &mut self,
        me: NodeId,
        consumer: ConsumerRef,
        consumed: &mut VecSet<MessageId>,
        fx: Fx,
    ) {
        self.consumers.retain(|c| c.consumer != consumer);
        let back: Vec<QueueTag> = self
            .unacked
            .iter()
            .filter(|(_, (_, c))| *c == consumer)
            .map(|(&t, _)| t)
            .collect();
        let mut messages = Vec::new();
        for tag in back {
            if let Some((index, _)) = self.unacked.remove(&tag) {
                self.ready.insert(index);
                if let Some(m) = self.messages.get(&index) {
                    messages.push(m.message);
                }
            }
        }
        if !messages.is_empty() {
            fx.note(Note::Requeued {
                queue: self.queue,
                messages,
            });
        }
        self.round_robin = 0;
        self.dispatch(me, consumed, fx);
    }

    // Mirror side.

    pub fn apply_mirror_op(&mut self, me: NodeId, leader: NodeId, op: MirrorOp, fx: Fx) {
        match op {
            MirrorOp::Start { .. } => {}
            MirrorOp::Enqueue { msg, from } => {
                self.messages.insert(msg.index, msg);
                self.ready.insert(msg.index);
                self.next_index = self.next_index.max(msg.index + 1);
                if let Some(from) = from {
                    self.pending_from.insert(msg.index, from);
                }
                fx.send(
                    me,
                    leader,
                    Msg::MirrorAck {
                        queue: self.queue,
                        index: msg.index,
                    },
                );
            }
            MirrorOp::Delivered { index } => {
                if let Some(m) = self.messages.get_mut(&index) {
                    m.delivered = true;
                }
            }
            MirrorOp::Settled { index } => {
                self.messages.remove(&index);
                self.ready.remove(&index);
                self.pending_from.remove(&index);
            }
            MirrorOp::Members { members } => {
                let was = self.synced;
                self.synced = members.iter().any(|&(n, s)| n == me && s);
                self.members = members;
                if self.synced && !was {
                    fx.note(Note::MirrorSynced {
                        node: me,
                        queue: self.queue,
                    });
                }
            }
            MirrorOp::Sync { messages } => {
                self.ready = VecSet::from_iter(messages.iter().map(|m| m.index));
                self.next_index = messages.last().map_or(self.next_index, |m| m.index + 1);
                self.messages = VecMap::from_iter(messages.into_iter().map(|m| (m.index, m)));
                self.synced = true;
                fx.note(Note::MirrorSynced {
                    node: me,
                    queue: self.queue,
                });
                fx.send(me, leader, Msg::SyncDone { queue: self.queue });
            }
        }
    }

    /// R20: a mirror becomes the leader. Every message it holds is ready again; those that
    /// were delivered are requeued. Publishes it holds are confirmed now. Every message of a
    /// promoted mirror is flagged redelivered, delivered before or not: RabbitMQ 3.10 does so
    /// (observed in the conformance suite, O2), more than R20's "delivered but not acked".
    pub fn promote(&mut self, me: NodeId, mirrors: Vec<MirrorInfo>, fx: Fx) -> Vec<MessageId> {
        self.leader = true;
        self.epoch += 1;
        self.ready = VecSet::from_iter(self.messages.keys().copied());
        let requeued: Vec<MessageId> = self
            .messages
            .values()
            .filter(|m| m.delivered)
            .map(|m| m.message)
            .collect();
        for m in self.messages.values_mut() {
            m.delivered = true;
        }
        for (_, from) in std::mem::take(&mut self.pending_from) {
            fx.send(me, from.node, from.answer(self.queue, true));
        }
        self.mirrors = mirrors;
        self.members.clear();
        requeued
    }

    /// Leader: copy everything to the mirrors and block until they have it (R21).
    pub fn start_sync(&mut self, me: NodeId, fx: Fx) -> u32 {
        let messages: Vec<QMsg> = self.messages.values().copied().collect();
        let count = messages.len() as u32;
        self.syncing = !self.mirrors.is_empty();
        self.to_mirrors(me, MirrorOp::Sync { messages }, fx);
        count
    }

    /// A mirror finished synchronising: it now holds everything.
    pub fn sync_done(&mut self, me: NodeId, mirror: NodeId, durable: bool, fx: Fx) -> bool {
        let oldest = self
            .messages
            .keys()
            .next()
            .copied()
            .unwrap_or(self.next_index);
        if let Some(m) = self.mirrors.iter_mut().find(|m| m.node == mirror) {
            m.since = oldest.min(m.since);
        }
        let all = self.mirrors.iter().all(|m| self.mirror_synced(m));
        if all && self.syncing {
            self.syncing = false;
            for (message, persistent, from, headers) in std::mem::take(&mut self.parked) {
                self.enqueue(me, message, persistent, durable, from, headers, fx);
            }
        }
        self.announce_members(me, fx);
        all
    }
}
