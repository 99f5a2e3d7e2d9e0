//! A quorum queue member (R25, R26): a Raft group. The leader appends every operation
//! (enqueue, checkout to a consumer, settle, return) to its log, replicates it, and applies it
//! once a majority has it; confirms and deliveries follow from applying. A follower that
//! hears nothing from the leader for the election timeout stands for election; a candidate
//! needs a majority of the members, and a log at least as up to date as each voter's.
//! The log survives a crash (it is written ahead); the applied state is rebuilt from it.

use crate::protocol::{
    ConsumerRef, DeadReason, Msg, Note, PublishRef, QMsg, QueueTag, RaftCommand, RaftEntry, RaftMsg,
};
use crate::Rabbit;
use mqlab_engine::compact::sort_by;
use mqlab_engine::{Effects, Millis, NodeId};
use mqlab_engine::{VecMap, VecSet};
use mqlab_ledger::MessageId;

type Fx<'a, 'b> = &'a mut Effects<'b, Rabbit>;

/// How often a leader sends (possibly empty) AppendEntries.
pub const HEARTBEAT_MS: Millis = 500;
/// A follower waits this long, plus a seeded random part, before standing for election.
pub const ELECTION_TIMEOUT_MS: Millis = 2_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RaftRole {
    Follower,
    Candidate,
    Leader,
}

#[derive(Clone, Debug)]
struct Member {
    consumer: ConsumerRef,
    auto_ack: bool,
    prefetch: u32,
}

#[derive(Clone, Debug)]
pub struct QuorumMember {
    pub queue: u32,
    pub me: NodeId,
    pub members: Vec<NodeId>,
    pub term: u32,
    pub role: RaftRole,
    voted_for: Option<NodeId>,
    votes: VecSet<NodeId>,
    pub leader: Option<NodeId>,
    /// The write-ahead log: index i is `log[i - 1]`. Survives a crash.
    pub log: Vec<RaftEntry>,
    pub commit: u64,
    applied: u64,
    /// Leader: the last index known on each follower, and where to send from next.
    match_index: VecMap<NodeId, u64>,
    next_index: VecMap<NodeId, u64>,
    // The state machine, rebuilt by applying the log.
    pub messages: VecMap<u64, QMsg>,
    pub ready: VecSet<u64>,
    pub checked_out: VecMap<u64, ConsumerRef>,
    /// rabbit_fifo's `enqueuers`: per channel, the number its next enqueue must carry. A
    /// lower number is a duplicate (a channel re-sent it to a new leader that already had
    /// it), a higher one overtook an earlier enqueue and is not applied (R26).
    enqueuers: VecMap<(NodeId, NodeId, u64), u64>,
    /// rabbit_fifo's msg ids: each consumer's checkouts numbered 1, 2, …, and the id of each
    /// message checked out now.
    last_delivery_id: VecMap<ConsumerRef, u64>,
    delivery_ids: VecMap<u64, u64>,
    // Leader-only.
    consumers: Vec<Member>,
    round_robin: usize,
    /// Ready messages whose Checkout is appended but not applied yet, and to whom.
    pending_checkout: VecMap<u64, ConsumerRef>,
    /// Commands decided while applying (autoAck settles), appended right after.
    later: Vec<RaftCommand>,
    /// `delivery-limit` (R14).
    pub delivery_limit: Option<u32>,
    /// Leader: messages out by the delivery limit or a rejection, for the node to dead-letter.
    pub dead_letters: Vec<(QMsg, DeadReason)>,
}

impl QuorumMember {
    pub fn new(queue: u32, me: NodeId, members: Vec<NodeId>) -> Self {
        Self {
            queue,
            me,
            members,
            term: 0,
            role: RaftRole::Follower,
            voted_for: None,
            votes: VecSet::new(),
            leader: None,
            log: Vec::new(),
            commit: 0,
            applied: 0,
            match_index: VecMap::new(),
            next_index: VecMap::new(),
            messages: VecMap::new(),
            ready: VecSet::new(),
            checked_out: VecMap::new(),
            enqueuers: VecMap::new(),
            last_delivery_id: VecMap::new(),
            delivery_ids: VecMap::new(),
            consumers: Vec::new(),
            round_robin: 0,
            pending_checkout: VecMap::new(),
            later: Vec::new(),
            delivery_limit: None,
            dead_letters: Vec::new(),
        }
    }

    /// After a restart: the log is back from disk, everything else is rebuilt.
    pub fn recovered(&self) -> Self {
        let mut m = Self::new(self.queue, self.me, self.members.clone());
        m.delivery_limit = self.delivery_limit;
        m.term = self.term;
        m.voted_for = self.voted_for;
        m.log = self.log.clone();
        m
    }

    pub fn is_leader(&self) -> bool {
        self.role == RaftRole::Leader
    }

    fn majority(&self) -> usize {
        self.members.len() / 2 + 1
    }

    fn last_index(&self) -> u64 {
        self.log.len() as u64
    }

    fn term_at(&self, index: u64) -> u32 {
        if index == 0 {
            0
        } else {
            self.log.get(index as usize - 1).map_or(0, |e| e.term)
        }
    }

    fn peers(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.members.iter().copied().filter(move |&n| n != self.me)
    }

    fn send(&self, to: NodeId, msg: RaftMsg, fx: Fx) {
        fx.send(
            self.me,
            to,
            Msg::Raft {
                queue: self.queue,
                msg,
            },
        );
    }

    /// A follower's election timer, seeded so every run is the same.
    pub fn arm_election(&self, fx: Fx) {
        let jitter = fx.random_up_to(ELECTION_TIMEOUT_MS);
        fx.reset_timer(
            self.me,
            ELECTION_TIMEOUT_MS + jitter,
            crate::protocol::Timer::Election { queue: self.queue },
        );
    }

    pub fn on_election_timeout(&mut self, fx: Fx) {
        if self.is_leader() {
            return;
        }
        self.term += 1;
        self.role = RaftRole::Candidate;
        self.voted_for = Some(self.me);
        self.votes = VecSet::from_iter([self.me]);
        self.leader = None;
        let (last_index, last_term) = (self.last_index(), self.term_at(self.last_index()));
        let peers: Vec<NodeId> = self.peers().collect();
        for peer in peers {
            self.send(
                peer,
                RaftMsg::Vote {
                    term: self.term,
                    last_index,
                    last_term,
                },
                fx,
            );
        }
        if self.votes.len() >= self.majority() {
            self.become_leader(fx);
        } else {
            self.arm_election(fx);
        }
    }

    fn step_down(&mut self, term: u32, fx: Fx) {
        if term > self.term {
            self.term = term;
            self.voted_for = None;
        }
        if self.role != RaftRole::Follower {
            self.role = RaftRole::Follower;
            self.consumers.clear();
            self.pending_checkout.clear();
        }
        self.arm_election(fx);
    }

    fn become_leader(&mut self, fx: Fx) {
        self.role = RaftRole::Leader;
        self.leader = Some(self.me);
        let next = self.last_index() + 1;
        let peers: Vec<NodeId> = self.peers().collect();
        self.match_index = VecMap::from_iter(peers.iter().map(|&p| (p, 0)));
        self.next_index = VecMap::from_iter(peers.iter().map(|&p| (p, next)));
        self.consumers.clear();
        self.pending_checkout.clear();
        fx.cancel_timer(
            self.me,
            crate::protocol::Timer::Election { queue: self.queue },
        );
        fx.note(Note::QuorumLeader {
            node: self.me,
            queue: self.queue,
            term: self.term,
        });
        self.append(RaftCommand::Noop, fx);
        fx.set_timer(
            self.me,
            HEARTBEAT_MS,
            crate::protocol::Timer::RaftHeartbeat { queue: self.queue },
        );
    }

    pub fn on_heartbeat(&mut self, fx: Fx) {
        if !self.is_leader() {
            return;
        }
        self.replicate(fx);
        fx.set_timer(
            self.me,
            HEARTBEAT_MS,
            crate::protocol::Timer::RaftHeartbeat { queue: self.queue },
        );
    }

    /// Leader: add a command to the log and send it on.
    pub fn append(&mut self, command: RaftCommand, fx: Fx) {
        self.log.push(RaftEntry {
            term: self.term,
            command,
        });
        self.replicate(fx);
        self.advance_commit(&mut VecSet::new(), fx);
    }

    fn replicate(&mut self, fx: Fx) {
        let peers: Vec<NodeId> = self.peers().collect();
        for peer in peers {
            let next = self.next_index.get(&peer).copied().unwrap_or(1).max(1);
            let prev_index = next - 1;
            let entries: Vec<RaftEntry> = self.log[prev_index as usize..].to_vec();
            self.send(
                peer,
                RaftMsg::Append {
                    term: self.term,
                    prev_index,
                    prev_term: self.term_at(prev_index),
                    entries,
                    commit: self.commit,
                },
                fx,
            );
        }
    }

    /// Commit what a majority holds (of the current term, as Raft requires) and apply it.
    fn advance_commit(&mut self, consumed: &mut VecSet<MessageId>, fx: Fx) {
        if self.is_leader() {
            let mut indexes: Vec<u64> = self.match_index.values().copied().collect();
            indexes.push(self.last_index());
            sort_by(&mut indexes, |a, b| b.cmp(a));
            let majority_index = indexes[self.majority() - 1];
            if majority_index > self.commit && self.term_at(majority_index) == self.term {
                self.commit = majority_index;
            }
        }
        self.apply(consumed, fx);
    }

    fn apply(&mut self, consumed: &mut VecSet<MessageId>, fx: Fx) {
        while self.applied < self.commit {
            self.applied += 1;
            let index = self.applied;
            let entry = self.log[index as usize - 1].clone();
            let leader = self.is_leader();
            match entry.command {
                RaftCommand::Noop => {}
                RaftCommand::Enqueue {
                    message,
                    persistent,
                    from,
                    headers,
                } => {
                    // rabbit_fifo's `maybe_enqueue`: numbered enqueues are applied in their
                    // enqueuer's order, each once.
                    if let Some(r) = from.filter(|r| r.n > 0) {
                        let next = self.enqueuers.entry(r.enqueuer()).or_insert(1);
                        if r.n > *next {
                            // Out of sequence: an earlier one is still to come; the channel
                            // sends this again after it.
                            continue;
                        }
                        if r.n < *next {
                            if leader {
                                fx.note(Note::DuplicateEnqueue {
                                    node: self.me,
                                    queue: self.queue,
                                    message,
                                });
                                fx.send(self.me, r.node, r.answer(self.queue, true));
                            }
                            continue;
                        }
                        *next += 1;
                    }
                    let msg = QMsg::new(message, index, persistent, headers, fx.now());
                    self.messages.insert(index, msg);
                    self.ready.insert(index);
                    if leader {
                        fx.note(Note::Enqueued {
                            node: self.me,
                            queue: self.queue,
                            message,
                            index,
                        });
                        if let Some(from) = from {
                            // R2: confirmed once a majority has it.
                            fx.send(self.me, from.node, from.answer(self.queue, true));
                        }
                    }
                }
                RaftCommand::Checkout {
                    index: m,
                    consumer,
                    auto_ack,
                } => {
                    // Whoever leads when a checkout is applied sends its delivery, as ra runs
                    // a command's effects on the leader that applies it: a new leader applying
                    // its predecessor's checkouts sends them too (the old one may have died
                    // first). The channel drops an id it has already had.
                    self.pending_checkout.remove(&m);
                    if !self.ready.remove(&m) {
                        continue;
                    }
                    self.checked_out.insert(m, consumer);
                    let id = self.last_delivery_id.entry(consumer).or_insert(0);
                    *id += 1;
                    let id = *id;
                    self.delivery_ids.insert(m, id);
                    let Some(msg) = self.messages.get_mut(&m) else {
                        continue;
                    };
                    let redelivered = msg.deliver();
                    let message = msg.message;
                    if leader {
                        fx.note(Note::Delivered {
                            node: self.me,
                            queue: self.queue,
                            consumer: consumer.client,
                            message,
                            redelivered,
                            auto_ack,
                        });
                        fx.send(
                            self.me,
                            consumer.node,
                            Msg::QueueDeliver {
                                queue: self.queue,
                                consumer,
                                tag: QueueTag { epoch: 0, n: m },
                                message,
                                redelivered,
                                id,
                            },
                        );
                        if auto_ack {
                            // R6: with autoAck the message is done once sent.
                            self.later.push(RaftCommand::Settle { index: m });
                        }
                    }
                }
                RaftCommand::Settle { index: m } => {
                    self.checked_out.remove(&m);
                    self.delivery_ids.remove(&m);
                    self.ready.remove(&m);
                    if let Some(msg) = self.messages.remove(&m) {
                        consumed.insert(msg.message);
                    }
                }
                RaftCommand::Return { index: m } => {
                    self.delivery_ids.remove(&m);
                    if self.checked_out.remove(&m).is_none() {
                        continue;
                    }
                    let over = self
                        .messages
                        .get(&m)
                        .is_some_and(|msg| self.delivery_limit.is_some_and(|l| msg.deliveries > l));
                    if over {
                        // R14: delivered more often than the limit: out of the queue.
                        if let Some(msg) = self.messages.remove(&m) {
                            if leader {
                                self.dead_letters.push((msg, DeadReason::DeliveryLimit));
                            }
                        }
                    } else {
                        self.ready.insert(m);
                    }
                }
                RaftCommand::Discard { index: m } => {
                    self.checked_out.remove(&m);
                    self.delivery_ids.remove(&m);
                    self.ready.remove(&m);
                    if let Some(msg) = self.messages.remove(&m) {
                        if leader {
                            self.dead_letters.push((msg, DeadReason::Rejected));
                        }
                    }
                }
            }
        }
        let later = std::mem::take(&mut self.later);
        if self.is_leader() {
            if !later.is_empty() {
                for command in later {
                    self.log.push(RaftEntry {
                        term: self.term,
                        command,
                    });
                }
                self.replicate(fx);
            }
            self.dispatch(fx);
        }
    }

    /// Leader: check ready messages out to consumers with room, round-robin.
    fn dispatch(&mut self, fx: Fx) {
        let mut appended = false;
        while let Some(&index) = self
            .ready
            .iter()
            .find(|i| !self.pending_checkout.contains_key(i))
        {
            let n = self.consumers.len();
            let in_flight = |c: &Member| {
                self.checked_out
                    .values()
                    .chain(self.pending_checkout.values())
                    .filter(|&&r| r == c.consumer)
                    .count() as u32
            };
            let Some(pick) = (0..n).map(|i| (self.round_robin + i) % n).find(|&i| {
                let c = &self.consumers[i];
                c.prefetch == 0 || in_flight(c) < c.prefetch
            }) else {
                break;
            };
            self.round_robin = (pick + 1) % n;
            let (consumer, auto_ack) =
                (self.consumers[pick].consumer, self.consumers[pick].auto_ack);
            self.pending_checkout.insert(index, consumer);
            self.log.push(RaftEntry {
                term: self.term,
                command: RaftCommand::Checkout {
                    index,
                    consumer,
                    auto_ack,
                },
            });
            appended = true;
        }
        if appended {
            self.replicate(fx);
        }
    }

    pub fn on_raft(
        &mut self,
        from: NodeId,
        msg: RaftMsg,
        consumed: &mut VecSet<MessageId>,
        fx: Fx,
    ) {
        match msg {
            RaftMsg::Append {
                term,
                prev_index,
                prev_term,
                entries,
                commit,
            } => {
                if term < self.term {
                    self.send(
                        from,
                        RaftMsg::AppendReply {
                            term: self.term,
                            ok: false,
                            last: self.last_index(),
                        },
                        fx,
                    );
                    return;
                }
                let new_leader = self.leader != Some(from);
                self.step_down(term, fx);
                self.leader = Some(from);
                if new_leader {
                    fx.note(Note::QuorumFollows {
                        node: self.me,
                        queue: self.queue,
                        leader: from,
                    });
                }
                if prev_index > self.last_index() || self.term_at(prev_index) != prev_term {
                    let last = prev_index.saturating_sub(1).min(self.last_index());
                    self.send(
                        from,
                        RaftMsg::AppendReply {
                            term: self.term,
                            ok: false,
                            last,
                        },
                        fx,
                    );
                    return;
                }
                // Drop a conflicting suffix, then append what is new.
                for (i, entry) in entries.into_iter().enumerate() {
                    let index = prev_index + 1 + i as u64;
                    if index <= self.last_index() {
                        if self.term_at(index) == entry.term {
                            continue;
                        }
                        self.log.truncate(index as usize - 1);
                    }
                    self.log.push(entry);
                }
                if commit > self.commit {
                    self.commit = commit.min(self.last_index());
                    self.apply(consumed, fx);
                }
                self.send(
                    from,
                    RaftMsg::AppendReply {
                        term: self.term,
                        ok: true,
                        last: self.last_index(),
                    },
                    fx,
                );
            }
            RaftMsg::AppendReply { term, ok, last } => {
                if term > self.term {
                    self.step_down(term, fx);
                    return;
                }
                if !self.is_leader() {
                    return;
                }
                if ok {
                    self.match_index.insert(from, last);
                    self.next_index.insert(from, last + 1);
                    self.advance_commit(consumed, fx);
                } else {
                    self.next_index.insert(from, last + 1);
                }
            }
            RaftMsg::Vote {
                term,
                last_index,
                last_term,
            } => {
                if term > self.term {
                    self.step_down(term, fx);
                }
                let my_last = (self.term_at(self.last_index()), self.last_index());
                let up_to_date = (last_term, last_index) >= my_last;
                let granted =
                    term == self.term && up_to_date && self.voted_for.is_none_or(|v| v == from);
                if granted {
                    self.voted_for = Some(from);
                    self.arm_election(fx);
                }
                self.send(
                    from,
                    RaftMsg::VoteReply {
                        term: self.term,
                        granted,
                    },
                    fx,
                );
            }
            RaftMsg::VoteReply { term, granted } => {
                if term > self.term {
                    self.step_down(term, fx);
                    return;
                }
                if self.role == RaftRole::Candidate && term == self.term && granted {
                    self.votes.insert(from);
                    if self.votes.len() >= self.majority() {
                        self.become_leader(fx);
                    }
                }
            }
        }
    }

    /// The deliveries checked out to `consumer` with ids `from..=to`, in id order: what a
    /// channel that saw a gap asks for (a leader that died after deciding a checkout may not
    /// have sent it).
    pub fn checked_out_to(
        &self,
        consumer: ConsumerRef,
        from: u64,
        to: u64,
    ) -> Vec<(QueueTag, MessageId, bool, u64)> {
        let mut out: Vec<(QueueTag, MessageId, bool, u64)> = self
            .checked_out
            .iter()
            .filter(|(_, &c)| c == consumer)
            .filter_map(|(&index, _)| {
                let id = *self.delivery_ids.get(&index)?;
                let msg = self.messages.get(&index)?;
                let tag = QueueTag { epoch: 0, n: index };
                (from..=to)
                    .contains(&id)
                    .then_some((tag, msg.message, msg.deliveries > 1, id))
            })
            .collect();
        sort_by(&mut out, |a, b| a.3.cmp(&b.3));
        out
    }

    /// Messages this member holds: applied and not settled, or still waiting in its log.
    pub fn unsettled_in_log(&self) -> Vec<MessageId> {
        let mut held: Vec<MessageId> = self.messages.values().map(|m| m.message).collect();
        for e in &self.log[self.applied as usize..] {
            if let RaftCommand::Enqueue { message, .. } = &e.command {
                held.push(*message);
            }
        }
        held
    }

    /// Consumers whose channel lived on `node` (now down): registered ones and those that
    /// only hold checkouts in the log (they subscribed under an earlier leader).
    pub fn consumers_on(&self, node: NodeId) -> Vec<ConsumerRef> {
        let mut refs: VecSet<ConsumerRef> = VecSet::from_iter(
            self.consumers
                .iter()
                .map(|c| c.consumer)
                .filter(|c| c.node == node),
        );
        refs.extend(
            self.checked_out
                .values()
                .copied()
                .filter(|c| c.node == node),
        );
        refs.into_iter().collect()
    }

    // Operations from channels, on the leader.

    pub fn enqueue(
        &mut self,
        message: MessageId,
        persistent: bool,
        from: Option<PublishRef>,
        headers: u32,
        fx: Fx,
    ) {
        self.append(
            RaftCommand::Enqueue {
                message,
                persistent,
                from,
                headers,
            },
            fx,
        );
    }

    pub fn subscribe(&mut self, consumer: ConsumerRef, auto_ack: bool, prefetch: u32, fx: Fx) {
        self.consumers
            .retain(|c| c.consumer.client != consumer.client);
        self.consumers.push(Member {
            consumer,
            auto_ack,
            prefetch,
        });
        self.dispatch(fx);
    }

    pub fn settle(&mut self, tag: QueueTag, fx: Fx) {
        if self.checked_out.contains_key(&tag.n) {
            self.append(RaftCommand::Settle { index: tag.n }, fx);
        }
    }

    /// `basic.reject` on the leader (R7).
    pub fn reject(&mut self, tag: QueueTag, requeue: bool, fx: Fx) {
        if self.checked_out.contains_key(&tag.n) {
            let command = if requeue {
                RaftCommand::Return { index: tag.n }
            } else {
                RaftCommand::Discard { index: tag.n }
            };
            self.append(command, fx);
        }
    }

    /// A consumer's channel closed: what it had checked out returns (R6, R26).
    pub fn unsubscribe(&mut self, consumer: ConsumerRef, fx: Fx) {
        self.consumers.retain(|c| c.consumer != consumer);
        let back: Vec<u64> = self
            .checked_out
            .iter()
            .filter(|(_, &c)| c == consumer)
            .map(|(&i, _)| i)
            .collect();
        let messages: Vec<MessageId> = back
            .iter()
            .filter_map(|i| self.messages.get(i).map(|m| m.message))
            .collect();
        for index in back {
            self.log.push(RaftEntry {
                term: self.term,
                command: RaftCommand::Return { index },
            });
        }
        if !messages.is_empty() {
            fx.note(Note::Requeued {
                queue: self.queue,
                messages,
            });
            self.replicate(fx);
        }
    }
}
