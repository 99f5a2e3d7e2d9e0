//! The queue processes this node hosts: classic queue leaders (`queue.rs`) and quorum queue
//! members (`quorum.rs`). Messages for a queue go to its quorum member when this node leads
//! it, else to its classic leader replica; a node that does not lead the queue refuses an
//! enqueue, so the channel waits for news of the leader.

use super::{Fx, RabbitNode, Shared};
use crate::config::RabbitConfig;
use crate::protocol::Msg;
use mqlab_engine::NodeId;

impl RabbitNode {
    /// A message for a queue hosted here: for its quorum member if this node leads it (or, for
    /// unsubscribes and settles, holds a member at all), else for its classic leader replica.
    pub(super) fn on_queue_message(
        &mut self,
        config: &RabbitConfig,
        from: NodeId,
        msg: Msg,
        shared: &mut Shared,
        fx: Fx,
    ) {
        let me = self.id;
        match msg {
            Msg::Raft { queue, msg } => {
                if let Some(m) = self.quorum.get_mut(&queue) {
                    m.on_raft(from, msg, shared.consumed, fx);
                }
                self.announce_quorum_leader(config, queue, fx);
                self.learn_quorum_leader_from_member(queue, from, fx);
            }
            Msg::Enqueue {
                queue,
                message,
                persistent,
                from: origin,
                headers,
            } => {
                if let Some(m) = self.quorum.get_mut(&queue).filter(|m| m.is_leader()) {
                    m.enqueue(message, persistent, origin, headers, fx);
                    return;
                }
                let durable = config.queues[queue as usize].durable;
                match self.replicas.get_mut(&queue).filter(|r| r.leader) {
                    Some(r) => {
                        r.enqueue(me, message, persistent, durable, origin, headers, fx);
                        r.dispatch(me, shared.consumed, fx);
                    }
                    // Not the leader (any more): refuse, the channel will hear who is.
                    None => {
                        if let Some(origin) = origin {
                            fx.send(me, origin.node, origin.answer(queue, false));
                        }
                    }
                }
            }
            Msg::Subscribe {
                queue,
                consumer,
                auto_ack,
                prefetch,
            } => {
                if let Some(m) = self.quorum.get_mut(&queue).filter(|m| m.is_leader()) {
                    m.subscribe(consumer, auto_ack, prefetch, fx);
                    return;
                }
                match self.replicas.get_mut(&queue).filter(|r| r.leader) {
                    Some(r) => {
                        r.subscribe(consumer, auto_ack, prefetch);
                        r.dispatch(me, shared.consumed, fx);
                    }
                    None => fx.send(me, consumer.node, Msg::QueueCancel { queue, consumer }),
                }
            }
            // A quorum member that does not lead ignores these; the channel sends them to the
            // leader it knows.
            Msg::Unsubscribe { queue, consumer } => {
                if let Some(m) = self.quorum.get_mut(&queue) {
                    if m.is_leader() {
                        m.unsubscribe(consumer, fx);
                    }
                } else if let Some(r) = self.replicas.get_mut(&queue).filter(|r| r.leader) {
                    r.unsubscribe(me, consumer, shared.consumed, fx);
                }
            }
            Msg::Settle { queue, tag } => {
                if let Some(m) = self.quorum.get_mut(&queue) {
                    if m.is_leader() {
                        m.settle(tag, fx);
                    }
                } else if let Some(r) = self.replicas.get_mut(&queue).filter(|r| r.leader) {
                    r.settle(me, tag, shared.consumed, fx);
                }
            }
            Msg::FetchMissing {
                queue,
                consumer,
                from,
                to,
            } => {
                if let Some(m) = self.quorum.get(&queue).filter(|m| m.is_leader()) {
                    let deliveries = m.checked_out_to(consumer, from, to);
                    fx.send(
                        me,
                        consumer.node,
                        Msg::Missing {
                            queue,
                            consumer,
                            deliveries,
                        },
                    );
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
            _ => {}
        }
    }

    /// A quorum member's election timeout: it stands for election.
    pub(super) fn on_election_timeout(&mut self, config: &RabbitConfig, queue: u32, fx: Fx) {
        if let Some(m) = self.quorum.get_mut(&queue) {
            m.on_election_timeout(fx);
        }
        self.announce_quorum_leader(config, queue, fx);
    }

    /// A quorum leader's heartbeat: (possibly empty) AppendEntries to its followers.
    pub(super) fn on_raft_heartbeat(&mut self, queue: u32, fx: Fx) {
        if let Some(m) = self.quorum.get_mut(&queue) {
            m.on_heartbeat(fx);
        }
    }

    /// A classic leader's message TTL timer: dispatching removes what has expired.
    pub(super) fn expire(&mut self, queue: u32, shared: &mut Shared, fx: Fx) {
        let me = self.id;
        if let Some(r) = self.replicas.get_mut(&queue).filter(|r| r.leader) {
            r.dispatch(me, shared.consumed, fx);
        }
    }

    /// A node that knows no leader for a quorum queue (it rejoined after a pause or a
    /// restart, and missed the announcement) learns it from its own member, which follows
    /// the leader that appends to it: ra's `leader_id` is what a channel asks for.
    fn learn_quorum_leader_from_member(&mut self, queue: u32, from: NodeId, fx: Fx) {
        let known = self.durable.metadata.get(&queue).and_then(|v| v.leader);
        let Some(m) = self.quorum.get(&queue) else {
            return;
        };
        // Only from the leader itself (an append or heartbeat just came from it): a member
        // may still name a leader that has since died.
        if let (None, Some(leader)) = (known, m.leader.filter(|&l| l == from)) {
            let term = m.term;
            self.learn_leader(queue, Some(leader), term, false, fx);
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
}
