//! Classic mirrored queues (RabbitMQ 3.13's `ha-mode` policies, R18–R22): the leader keeps
//! mirrors on the nodes its policy names, new mirrors start empty and unsynchronised, the
//! oldest mirror takes over when the leader's node goes (if `ha-promote-on-*` lets it), and
//! `sync_queue` copies the leader's messages to every mirror.

use super::{Fx, RabbitNode, Shared};
use crate::config::{Limits, RabbitConfig};
use crate::protocol::{MirrorOp, Msg, Note};
use crate::queue::{MirrorInfo, Replica};
use mqlab_engine::NodeId;

impl RabbitNode {
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

    /// Leader: make sure every live node the policy wants holds a mirror; new ones start
    /// empty and unsynchronised (R18, R21, R22), or synchronise at once under `automatic`.
    pub(super) fn add_missing_mirrors(&mut self, config: &RabbitConfig, queue: u32, fx: Fx) {
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

    /// A mirror has a message the leader sent it.
    pub(super) fn mirror_acked(&mut self, from: NodeId, queue: u32, index: u64, fx: Fx) {
        let me = self.id;
        if let Some(r) = self.replicas.get_mut(&queue).filter(|r| r.leader) {
            r.mirror_acked(me, from, index, fx);
        }
    }

    /// A mirror has every message of the leader's sync.
    pub(super) fn sync_done(
        &mut self,
        config: &RabbitConfig,
        from: NodeId,
        queue: u32,
        shared: &mut Shared,
        fx: Fx,
    ) {
        let me = self.id;
        let durable = config.queues[queue as usize].durable;
        if let Some(r) = self.replicas.get_mut(&queue).filter(|r| r.leader) {
            r.sync_done(me, from, durable, fx);
            r.dispatch(me, shared.consumed, fx);
        }
    }

    /// This mirror is the oldest one left: promote it, or declare the queue down.
    pub(super) fn take_over(
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

    pub(super) fn on_mirror_op(
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
