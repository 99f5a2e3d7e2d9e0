//! The active KRaft controller: broker liveness (heartbeats, fencing), leader election and
//! ISR changes, published to brokers as metadata. One controller, never killed in this
//! model: the controller quorum's own failover is out of scope (FIDELITY K4's last point).

use crate::metadata::{Metadata, PartitionState, Tp};
use crate::protocol::{ElectionReason, KafkaError, Msg, Note, Timer};
use crate::{Kafka, KafkaConfig, CONTROLLER};
use mqlab_engine::VecSet;
use mqlab_engine::{Effects, NodeId};
use std::rc::Rc;

#[derive(Clone, Debug)]
pub struct Controller {
    meta: Metadata,
    published: Rc<Metadata>,
    /// Brokers in controlled shutdown: not eligible as leaders.
    shutting_down: VecSet<NodeId>,
    brokers: Vec<NodeId>,
}

type Fx<'a, 'b> = &'a mut Effects<'b, Kafka>;

impl Controller {
    pub fn new(meta: Metadata, brokers: Vec<NodeId>) -> Self {
        let published = Rc::new(meta.clone());
        Self {
            meta,
            published,
            shutting_down: VecSet::new(),
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
            Msg::Heartbeat { metadata_version } => {
                fx.reset_timer(
                    CONTROLLER,
                    config.timing.session_timeout_ms,
                    Timer::SessionExpiry { broker: from },
                );
                // A broker in controlled shutdown sends no more heartbeats: one arriving now is
                // from its next life.
                self.shutting_down.remove(&from);
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
                let result =
                    self.alter_partition(from, tp, leader_epoch, partition_epoch, new_isr, fx);
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
                self.set_leader(tp, Some(preferred), false, ElectionReason::Preferred, fx);
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

    /// K4/K5: take a broker out of every ISR (keeping each ISR's last member, as KRaft does
    /// with ELR off) and move leadership off it.
    fn fence(&mut self, config: &KafkaConfig, broker: NodeId, reason: ElectionReason, fx: Fx) {
        self.meta.fenced.insert(broker);
        fx.note(Note::BrokerFenced { broker });
        let tps: Vec<Tp> = self.meta.partitions.keys().copied().collect();
        for tp in tps {
            let p = self.meta.partitions.get_mut(&tp).expect("tp from keys");
            if p.isr.len() > 1 && p.isr.contains(&broker) {
                p.isr.retain(|&b| b != broker);
                p.partition_epoch += 1;
                fx.note(Note::IsrChanged {
                    tp,
                    isr: p.isr.clone(),
                });
            }
            if p.leader == Some(broker) {
                let leader = self.choose_leader(config, tp);
                self.set_leader(
                    tp,
                    leader.map(|(b, _)| b),
                    leader.is_some_and(|(_, u)| u),
                    reason,
                    fx,
                );
            }
        }
        self.publish(fx);
    }

    fn unfence(&mut self, config: &KafkaConfig, broker: NodeId, fx: Fx) {
        self.meta.fenced.remove(&broker);
        fx.note(Note::BrokerUnfenced { broker });
        let tps: Vec<Tp> = self.meta.partitions.keys().copied().collect();
        for tp in tps {
            let p = &self.meta.partitions[&tp];
            if p.leader.is_none() && p.replicas.contains(&broker) {
                if let Some((leader, unclean)) = self.choose_leader(config, tp) {
                    self.set_leader(
                        tp,
                        Some(leader),
                        unclean,
                        ElectionReason::ReplicaReturned,
                        fx,
                    );
                }
            }
        }
        self.publish(fx);
    }

    /// K3 clean election: the first replica in assignment order that is in the ISR and alive.
    /// K18: failing that, with unclean election on, the first live replica at all.
    fn choose_leader(&self, config: &KafkaConfig, tp: Tp) -> Option<(NodeId, bool)> {
        let p = &self.meta.partitions[&tp];
        let clean = p
            .replicas
            .iter()
            .copied()
            .find(|&b| p.isr.contains(&b) && self.eligible(b));
        if let Some(b) = clean {
            return Some((b, false));
        }
        let unclean = config.topics[tp.topic as usize].unclean_leader_election;
        if unclean {
            return p
                .replicas
                .iter()
                .copied()
                .find(|&b| self.eligible(b))
                .map(|b| (b, true));
        }
        None
    }

    fn set_leader(
        &mut self,
        tp: Tp,
        leader: Option<NodeId>,
        unclean: bool,
        reason: ElectionReason,
        fx: Fx,
    ) {
        let p = self.meta.partitions.get_mut(&tp).expect("known partition");
        p.leader = leader;
        p.leader_epoch += 1;
        p.partition_epoch += 1;
        if unclean {
            // K18: the ISR is forced to the new leader alone.
            p.isr = leader.into_iter().collect();
            fx.note(Note::IsrChanged {
                tp,
                isr: p.isr.clone(),
            });
        }
        fx.note(Note::LeaderElected {
            tp,
            leader,
            epoch: p.leader_epoch,
            unclean,
            reason,
        });
    }

    /// K8/K9: the leader asks; the controller checks the request is built on the current
    /// state and that only live brokers are added.
    fn alter_partition(
        &mut self,
        from: NodeId,
        tp: Tp,
        leader_epoch: u32,
        partition_epoch: u32,
        new_isr: Vec<NodeId>,
        fx: Fx,
    ) -> Result<PartitionState, KafkaError> {
        let fenced = self.meta.fenced.clone();
        let p = self
            .meta
            .partitions
            .get_mut(&tp)
            .ok_or(KafkaError::NotLeaderOrFollower)?;
        if p.leader != Some(from) || p.leader_epoch != leader_epoch {
            return Err(KafkaError::FencedLeaderEpoch);
        }
        if p.partition_epoch != partition_epoch {
            return Err(KafkaError::InvalidUpdateVersion);
        }
        if new_isr
            .iter()
            .any(|b| !p.isr.contains(b) && fenced.contains(b))
            || new_isr.is_empty()
        {
            return Err(KafkaError::InvalidUpdateVersion);
        }
        p.isr = new_isr;
        p.partition_epoch += 1;
        fx.note(Note::IsrChanged {
            tp,
            isr: p.isr.clone(),
        });
        let state = p.clone();
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
