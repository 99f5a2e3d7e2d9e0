//! The active KRaft controller: broker liveness (heartbeats, registrations, fencing), leader
//! election, ISR and ELR changes, published to brokers as metadata. One controller, never
//! killed in this model: the controller quorum's own failover is out of scope (FIDELITY K4's
//! last point). Partition changes follow KRaft's `PartitionChangeBuilder` (Kafka 4.x).

use crate::metadata::{Metadata, PartitionState, Tp};
use crate::protocol::{ElectedFrom, ElectionReason, KafkaError, Msg, Note, Timer};
use crate::{Kafka, KafkaConfig, CONTROLLER};
use mqlab_engine::{Effects, NodeId};
use mqlab_engine::{VecMap, VecSet};
use std::rc::Rc;

#[derive(Clone, Debug)]
pub struct Controller {
    meta: Metadata,
    published: Rc<Metadata>,
    /// Brokers in controlled shutdown: not eligible as leaders.
    shutting_down: VecSet<NodeId>,
    /// The life of each broker the controller last registered (KRaft's broker epoch).
    registered: VecMap<NodeId, u64>,
    brokers: Vec<NodeId>,
}

type Fx<'a, 'b> = &'a mut Effects<'b, Kafka>;

/// What one partition change may not do: lead with a broker being fenced, or keep one that
/// came back from an unclean shutdown in the ISR or ELR.
#[derive(Clone, Copy, Default)]
struct Excluded {
    leaving: Option<NodeId>,
    unclean_shutdown: Option<NodeId>,
}

impl Excluded {
    fn contains(self, b: NodeId) -> bool {
        self.leaving == Some(b) || self.unclean_shutdown == Some(b)
    }
}

impl Controller {
    pub fn new(meta: Metadata, brokers: Vec<NodeId>) -> Self {
        let published = Rc::new(meta.clone());
        Self {
            meta,
            published,
            shutting_down: VecSet::new(),
            registered: VecMap::new(),
            brokers,
        }
    }

    pub fn metadata(&self) -> &Rc<Metadata> {
        &self.published
    }

    pub fn on_start(&mut self, config: &KafkaConfig, fx: Fx) {
        for &broker in &self.brokers {
            fx.reset_timer(
                CONTROLLER,
                config.timing.session_timeout_ms,
                Timer::SessionExpiry { broker },
            );
        }
        if config.auto_leader_rebalance {
            fx.set_timer(
                CONTROLLER,
                config.timing.leader_imbalance_check_interval_ms,
                Timer::LeaderImbalanceCheck,
            );
        }
    }

    pub fn on_message(&mut self, config: &KafkaConfig, from: NodeId, msg: Msg, fx: Fx) {
        match msg {
            Msg::Heartbeat {
                metadata_version,
                incarnation,
                previous_clean,
            } => {
                fx.reset_timer(
                    CONTROLLER,
                    config.timing.session_timeout_ms,
                    Timer::SessionExpiry { broker: from },
                );
                // A broker in controlled shutdown sends no more heartbeats: one arriving now is
                // from its next life.
                self.shutting_down.remove(&from);
                // A new life is clean only if it says the life the controller last registered
                // shut down cleanly (Kafka compares broker epochs the same way).
                let known = self.registered.insert(from, incarnation);
                if known.is_some_and(|k| k < incarnation) && previous_clean != known {
                    self.unclean_shutdown(config, from, fx);
                }
                if self.meta.fenced.contains(&from) {
                    self.unfence(config, from, fx);
                }
                let metadata =
                    (metadata_version < self.published.version).then(|| self.published.clone());
                fx.send(CONTROLLER, from, Msg::HeartbeatResponse { metadata });
            }
            Msg::AlterPartition {
                tp,
                leader_epoch,
                partition_epoch,
                new_isr,
            } => {
                let result = self.alter_partition(
                    config,
                    from,
                    tp,
                    leader_epoch,
                    partition_epoch,
                    new_isr,
                    fx,
                );
                fx.send(CONTROLLER, from, Msg::AlterPartitionResponse { tp, result });
            }
            Msg::ControlledShutdown => {
                self.shutting_down.insert(from);
                self.fence(config, from, ElectionReason::ControlledShutdown, fx);
                fx.send(CONTROLLER, from, Msg::ControlledShutdownResponse);
            }
            Msg::MetadataRequest => fx.send(
                CONTROLLER,
                from,
                Msg::MetadataResponse(self.published.clone()),
            ),
            _ => {}
        }
    }

    pub fn on_timer(&mut self, config: &KafkaConfig, timer: Timer, fx: Fx) {
        match timer {
            Timer::SessionExpiry { broker } if !self.meta.fenced.contains(&broker) => {
                self.fence(config, broker, ElectionReason::LeaderFenced, fx);
            }
            Timer::LeaderImbalanceCheck => {
                self.elect_preferred(fx);
                fx.set_timer(
                    CONTROLLER,
                    config.timing.leader_imbalance_check_interval_ms,
                    Timer::LeaderImbalanceCheck,
                );
            }
            _ => {}
        }
    }

    /// `kafka-leader-election.sh --election-type preferred`, and auto-rebalance (K2): move
    /// leadership to the preferred replica wherever it is alive and in the ISR.
    pub fn elect_preferred(&mut self, fx: Fx) {
        let mut changed = false;
        let tps: Vec<Tp> = self.meta.partitions.keys().copied().collect();
        for tp in tps {
            let p = &self.meta.partitions[&tp];
            let preferred = p.preferred_leader();
            if p.leader != Some(preferred) && p.isr.contains(&preferred) && self.eligible(preferred)
            {
                let p = self.meta.partitions.get_mut(&tp).expect("tp from keys");
                p.leader = Some(preferred);
                p.leader_epoch += 1;
                p.partition_epoch += 1;
                fx.note(Note::LeaderElected {
                    tp,
                    leader: p.leader,
                    epoch: p.leader_epoch,
                    from: ElectedFrom::Isr,
                    reason: ElectionReason::Preferred,
                });
                changed = true;
            }
        }
        if changed {
            self.publish(fx);
        }
    }

    fn eligible(&self, broker: NodeId) -> bool {
        !self.meta.fenced.contains(&broker) && !self.shutting_down.contains(&broker)
    }

    /// K4/K5: take a broker out of every ISR and move leadership off it. With ELR off the
    /// ISR keeps its last member (K17); with ELR on it may become empty.
    fn fence(&mut self, config: &KafkaConfig, broker: NodeId, reason: ElectionReason, fx: Fx) {
        self.meta.fenced.insert(broker);
        fx.note(Note::BrokerFenced { broker });
        let excluded = Excluded {
            leaving: Some(broker),
            unclean_shutdown: None,
        };
        self.change_every_partition_with(config, broker, excluded, reason, fx);
    }

    /// KAFKA-15586 (4.0+): a broker that registers after an unclean shutdown may have lost
    /// the tail of its logs, so it leaves every ISR and ELR it was in, and leadership moves.
    fn unclean_shutdown(&mut self, config: &KafkaConfig, broker: NodeId, fx: Fx) {
        if !config.version.supports_elr() {
            return;
        }
        // A new registration starts fenced; it is unfenced when its heartbeat is handled (the
        // model's brokers catch up with metadata in one exchange).
        self.meta.fenced.insert(broker);
        let excluded = Excluded {
            leaving: None,
            unclean_shutdown: Some(broker),
        };
        self.change_every_partition_with(
            config,
            broker,
            excluded,
            ElectionReason::UncleanShutdown,
            fx,
        );
    }

    fn change_every_partition_with(
        &mut self,
        config: &KafkaConfig,
        broker: NodeId,
        excluded: Excluded,
        reason: ElectionReason,
        fx: Fx,
    ) {
        let tps: Vec<Tp> = self
            .meta
            .partitions
            .iter()
            .filter(|(_, p)| {
                p.isr.contains(&broker) || p.elr.contains(&broker) || p.leader == Some(broker)
            })
            .map(|(&tp, _)| tp)
            .collect();
        for tp in tps {
            let target: Vec<NodeId> = self.meta.partitions[&tp]
                .isr
                .iter()
                .copied()
                .filter(|&b| !excluded.contains(b))
                .collect();
            self.change_partition(config, tp, target, excluded, reason, fx);
        }
        self.publish(fx);
    }

    fn unfence(&mut self, config: &KafkaConfig, broker: NodeId, fx: Fx) {
        self.meta.fenced.remove(&broker);
        fx.note(Note::BrokerUnfenced { broker });
        let tps: Vec<Tp> = self
            .meta
            .partitions
            .iter()
            .filter(|(_, p)| p.leader.is_none() && p.replicas.contains(&broker))
            .map(|(&tp, _)| tp)
            .collect();
        for tp in tps {
            let isr = self.meta.partitions[&tp].isr.clone();
            self.change_partition(
                config,
                tp,
                isr,
                Excluded::default(),
                ElectionReason::ReplicaReturned,
                fx,
            );
        }
        self.publish(fx);
    }

    /// One partition change as KRaft's `PartitionChangeBuilder` builds it: the ELR that follows
    /// from the target ISR (KIP-966), then an election if the leader cannot stay, then the
    /// ISR, ELR and last known leader recorded. Returns the new state.
    fn change_partition(
        &mut self,
        config: &KafkaConfig,
        tp: Tp,
        mut isr: Vec<NodeId>,
        excluded: Excluded,
        reason: ElectionReason,
        fx: Fx,
    ) -> PartitionState {
        let topic = &config.topics[tp.topic as usize];
        let elr_on = config.eligible_leader_replicas;
        let min_isr = topic.min_insync_replicas.min(topic.replication_factor) as usize;
        let old = self.meta.partitions[&tp].clone();
        let acceptable = |b: NodeId| !excluded.contains(b) && self.eligible(b);

        // The ELR: everyone who was in the ISR or ELR while the ISR is under min ISR (the high
        // watermark has not moved since), less the new ISR and any unclean shutdown.
        let mut elr = Vec::new();
        let mut last_known_leader = old.last_known_leader;
        if elr_on {
            if isr.len() >= min_isr {
                last_known_leader = None;
            } else {
                elr = old
                    .replicas
                    .iter()
                    .copied()
                    .filter(|b| old.elr.contains(b) || old.isr.contains(b))
                    .filter(|b| !isr.contains(b) && excluded.unclean_shutdown != Some(*b))
                    .collect();
            }
        }

        // The election: keep a leader that may stay, else the first valid replica in
        // assignment order (from the ISR, or from the ELR when the ISR is empty), else the
        // last known leader, else (unclean election) any live replica.
        let valid =
            |b: NodeId| (isr.contains(&b) || (isr.is_empty() && elr.contains(&b))) && acceptable(b);
        let mut elected = None;
        if !old.leader.is_some_and(valid) {
            elected = old
                .replicas
                .iter()
                .copied()
                .find(|&b| valid(b))
                .map(|b| {
                    let from = if isr.contains(&b) {
                        ElectedFrom::Isr
                    } else {
                        ElectedFrom::Elr
                    };
                    (Some(b), from)
                })
                .or_else(|| {
                    let last = last_known_leader
                        .filter(|&b| elr_on && isr.is_empty() && elr.is_empty() && acceptable(b))?;
                    Some((Some(last), ElectedFrom::LastKnownLeader))
                })
                .or_else(|| {
                    let any = old
                        .replicas
                        .iter()
                        .copied()
                        .find(|&b| topic.unclean_leader_election && acceptable(b))?;
                    Some((Some(any), ElectedFrom::AnyReplica))
                })
                .or(Some((None, ElectedFrom::Isr)));
        }
        if let Some((Some(leader), from)) = elected {
            if from == ElectedFrom::Elr {
                elr.retain(|&b| b != leader);
                isr = vec![leader];
            } else if from.is_unclean() {
                // K18: the ISR is forced to the new leader alone; the ELR means nothing now.
                isr = vec![leader];
                elr.clear();
                last_known_leader = None;
            }
        }
        if !elr_on {
            elr.clear();
            last_known_leader = None;
            // With ELR off an empty ISR is never recorded: it keeps its last member (K17).
            if isr.is_empty() {
                isr = old.isr.clone();
            }
        }
        let new_leader = match elected {
            Some((leader, _)) => leader,
            None => old.leader,
        };
        if elr_on {
            if isr.is_empty() && !old.isr.is_empty() && old.leader.is_some() {
                last_known_leader = old.leader;
            } else if new_leader.is_some() {
                last_known_leader = None;
            }
        }

        let p = self.meta.partitions.get_mut(&tp).expect("known partition");
        let leader_changed = elected.is_some_and(|(l, _)| l != old.leader);
        let changed = leader_changed
            || isr != old.isr
            || elr != old.elr
            || last_known_leader != old.last_known_leader;
        if !changed {
            return old;
        }
        p.isr = isr;
        p.elr = elr;
        p.last_known_leader = last_known_leader;
        p.partition_epoch += 1;
        if p.isr != old.isr {
            fx.note(Note::IsrChanged {
                tp,
                isr: p.isr.clone(),
            });
        }
        if p.elr != old.elr {
            fx.note(Note::ElrChanged {
                tp,
                elr: p.elr.clone(),
            });
        }
        if let Some((leader, from)) = elected.filter(|_| leader_changed) {
            p.leader = leader;
            p.leader_epoch += 1;
            fx.note(Note::LeaderElected {
                tp,
                leader,
                epoch: p.leader_epoch,
                from,
                reason,
            });
        }
        p.clone()
    }

    /// K8/K9: the leader asks; the controller checks the request is built on the current
    /// state and that only live brokers are added (KIP-841).
    #[allow(clippy::too_many_arguments)]
    fn alter_partition(
        &mut self,
        config: &KafkaConfig,
        from: NodeId,
        tp: Tp,
        leader_epoch: u32,
        partition_epoch: u32,
        new_isr: Vec<NodeId>,
        fx: Fx,
    ) -> Result<PartitionState, KafkaError> {
        let p = self
            .meta
            .partitions
            .get(&tp)
            .ok_or(KafkaError::NotLeaderOrFollower)?;
        if p.leader != Some(from) || p.leader_epoch != leader_epoch {
            return Err(KafkaError::FencedLeaderEpoch);
        }
        if p.partition_epoch != partition_epoch {
            return Err(KafkaError::InvalidUpdateVersion);
        }
        if new_isr.is_empty() {
            return Err(KafkaError::InvalidUpdateVersion);
        }
        if new_isr
            .iter()
            .any(|b| !p.isr.contains(b) && !self.eligible(*b))
        {
            return Err(KafkaError::IneligibleReplica);
        }
        let state = self.change_partition(
            config,
            tp,
            new_isr,
            Excluded::default(),
            ElectionReason::LeaderFenced,
            fx,
        );
        self.publish(fx);
        Ok(state)
    }

    /// A new metadata version, pushed to every broker; one that misses the push gets it in
    /// its next heartbeat response.
    fn publish(&mut self, fx: Fx) {
        self.meta.version += 1;
        self.published = Rc::new(self.meta.clone());
        for &broker in &self.brokers {
            fx.send(
                CONTROLLER,
                broker,
                Msg::MetadataUpdate(self.published.clone()),
            );
        }
    }
}
