//! The node's disk: what survives kill -9 and a stop ([`Durable`]), the batched fsync that
//! writes persistent messages of durable queues (every `fsync_interval_ms`, or at once when
//! idle while confirms wait), and recovery of queues from disk after a restart (R1–R3, R16).

use super::{Fx, QueueView, RabbitNode};
use crate::config::{Limits, QueueKind, RabbitConfig};
use crate::protocol::{Note, QMsg, Timer};
use crate::queue::Replica;
use mqlab_engine::{VecMap, VecSet};

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
    /// Channels opened on this node so far: each gets the next number, so a channel is never
    /// mistaken for an earlier one of the same client, even after a restart (as a new Erlang
    /// process is a new pid to rabbit_fifo).
    pub channels_opened: u64,
}

impl RabbitNode {
    /// The interval timer: write, and set the next one.
    pub(super) fn on_fsync_timer(&mut self, config: &RabbitConfig, fx: Fx) {
        self.fsync(config, fx);
        fx.set_timer(self.id, config.fsync_interval_ms, Timer::Fsync);
    }

    /// The zero-delay timer of [`Self::arm_idle_sync`].
    pub(super) fn on_idle_sync(&mut self, config: &RabbitConfig, fx: Fx) {
        self.idle_sync_armed = false;
        self.fsync(config, fx);
    }

    /// A queue that owes a confirm (or a commit) for a message not yet on disk syncs as soon
    /// as nothing else is waiting to be handled, without waiting for the interval timer: a
    /// zero-delay timer fires after every event already due at this instant. RabbitMQ's queue
    /// process returns a timeout of 0 when its backing queue `needs_timeout` is `timed`
    /// (confirms pending) and syncs in `handle_info(timeout, …)`; the message store likewise
    /// syncs at once when idle while clients wait for confirms. Writes nobody waits for stay
    /// for the interval timer (R3).
    pub(super) fn arm_idle_sync(&mut self, fx: Fx) {
        if !self.idle_sync_armed && self.replicas.values().any(Replica::awaits_disk) {
            self.idle_sync_armed = true;
            fx.set_timer(self.id, 0, Timer::IdleSync);
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
    pub(super) fn recover(&mut self, config: &RabbitConfig, fx: Fx) {
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
}
