//! The group coordinator (K25–K28), hosted on a broker: membership, generations, rebalances
//! on join, leave, session expiry and rebalance timeout, and committed offsets.
//!
//! Committed offsets live in `CommittedOffsets`, which stands in for the replicated
//! `__consumer_offsets` topic: they survive the coordinator's broker. Membership does not: a
//! coordinator that moves starts empty and the members rejoin.

use crate::assignor::{assign, Subscriber};
use crate::metadata::Tp;
use crate::protocol::{JoinRequest, KafkaError, MemberId, Msg, Note, RebalanceReason, Timer};
use crate::Kafka;
use mqlab_engine::VecMap;
use mqlab_engine::{Effects, NodeId};

type Fx<'a, 'b> = &'a mut Effects<'b, Kafka>;

/// `__consumer_offsets`: group and partition → the next offset to read (K28).
pub type CommittedOffsets = VecMap<(String, Tp), u64>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupPhase {
    Empty,
    /// Waiting for every member to rejoin (or the rebalance timeout).
    PreparingRebalance,
    Stable,
}

#[derive(Clone, Debug)]
pub struct GroupMember {
    pub join: JoinRequest,
    /// It has rejoined in the current rebalance and waits for its assignment.
    pub awaiting_assignment: bool,
}

/// `group.initial.rebalance.delay.ms`: the first rebalance of an empty group waits this long
/// for more members, so a group starting together is assigned once.
pub const INITIAL_REBALANCE_DELAY_MS: u64 = 3_000;

#[derive(Clone, Debug)]
pub struct Group {
    pub generation: u32,
    pub phase: GroupPhase,
    /// The initial rebalance delay is running.
    pub delaying: bool,
    pub members: VecMap<MemberId, GroupMember>,
    pub assignment: VecMap<MemberId, Vec<Tp>>,
}

/// The groups one broker coordinates.
#[derive(Clone, Debug, Default)]
pub struct Coordinator {
    pub groups: VecMap<String, Group>,
}

impl Coordinator {
    fn group(&mut self, name: &str) -> &mut Group {
        self.groups.entry(name.to_string()).or_insert(Group {
            generation: 0,
            phase: GroupPhase::Empty,
            delaying: false,
            members: VecMap::new(),
            assignment: VecMap::new(),
        })
    }

    pub fn on_message(
        &mut self,
        me: NodeId,
        from: NodeId,
        msg: Msg,
        partitions: &VecMap<u32, u32>,
        committed: &mut CommittedOffsets,
        fx: Fx,
    ) {
        match msg {
            Msg::JoinGroup(join) => self.join(me, join, partitions, fx),
            Msg::GroupHeartbeat {
                group,
                member,
                generation,
            } => {
                let result = self.heartbeat(me, &group, member, generation, fx);
                fx.send(me, from, Msg::GroupHeartbeatResponse { result });
            }
            Msg::LeaveGroup { group, member } => {
                let reason = RebalanceReason::Left { member };
                self.remove(me, &group, member, reason, partitions, fx);
            }
            Msg::OffsetCommit {
                group,
                member,
                generation,
                commit,
                offsets,
            } => {
                let g = self.group(&group);
                // A commit counts if it comes from a member of the current generation, even
                // while the group prepares a rebalance (the revoke-time commit of K31).
                let result = if !g.members.contains_key(&member) {
                    Err(KafkaError::UnknownMemberId)
                } else if generation != g.generation {
                    Err(KafkaError::IllegalGeneration)
                } else {
                    Ok(())
                };
                match result {
                    Ok(()) => {
                        for &(tp, offset) in &offsets {
                            committed.insert((group.clone(), tp), offset);
                        }
                        fx.note(Note::OffsetsCommitted {
                            group,
                            member,
                            offsets: offsets.clone(),
                        });
                    }
                    Err(error) => fx.note(Note::CommitRefused {
                        group,
                        member,
                        error,
                    }),
                }
                fx.send(
                    me,
                    from,
                    Msg::OffsetCommitResponse {
                        commit,
                        offsets,
                        result,
                    },
                );
            }
            Msg::OffsetFetch { group, partitions } => {
                let offsets = partitions
                    .into_iter()
                    .map(|tp| (tp, committed.get(&(group.clone(), tp)).copied()))
                    .collect();
                fx.send(me, from, Msg::OffsetFetchResponse { offsets });
            }
            _ => {}
        }
    }

    pub fn on_timer(&mut self, me: NodeId, timer: Timer, partitions: &VecMap<u32, u32>, fx: Fx) {
        match timer {
            Timer::MemberExpiry { group, member } => {
                let Some(m) = self.group(&group).members.get(&member) else {
                    return;
                };
                if m.awaiting_assignment {
                    // A member blocked in JoinGroup is waited for by the rebalance timeout.
                    let timeout = m.join.session_timeout_ms;
                    fx.reset_timer(me, timeout, Timer::MemberExpiry { group, member });
                    return;
                }
                let reason = RebalanceReason::SessionExpired { member };
                self.remove(me, &group, member, reason, partitions, fx);
            }
            Timer::InitialRebalanceDelay { group } => {
                self.group(&group).delaying = false;
                self.try_complete(me, &group, partitions, fx);
            }
            Timer::RebalanceDeadline { group } => {
                let g = self.group(&group);
                let late: Vec<MemberId> = g
                    .members
                    .iter()
                    .filter(|(_, m)| !m.awaiting_assignment)
                    .map(|(&id, _)| id)
                    .collect();
                for member in late {
                    g.members.remove(&member);
                    fx.cancel_timer(
                        me,
                        Timer::MemberExpiry {
                            group: group.clone(),
                            member,
                        },
                    );
                    fx.note(Note::MemberDropped {
                        group: group.clone(),
                        member,
                    });
                }
                self.complete(me, &group, partitions, fx);
            }
            _ => {}
        }
    }

    fn join(&mut self, me: NodeId, join: JoinRequest, partitions: &VecMap<u32, u32>, fx: Fx) {
        let (group, member) = (join.group.clone(), join.member);
        fx.reset_timer(
            me,
            join.session_timeout_ms,
            Timer::MemberExpiry {
                group: group.clone(),
                member,
            },
        );
        let g = self.group(&group);
        g.members.insert(
            member,
            GroupMember {
                join,
                awaiting_assignment: true,
            },
        );
        if g.phase != GroupPhase::PreparingRebalance {
            self.prepare(me, &group, RebalanceReason::Joined { member }, fx);
        }
        self.try_complete(me, &group, partitions, fx);
    }

    fn heartbeat(
        &mut self,
        me: NodeId,
        group: &str,
        member: MemberId,
        generation: u32,
        fx: Fx,
    ) -> Result<(), KafkaError> {
        let g = self.group(group);
        let Some(m) = g.members.get(&member) else {
            return Err(KafkaError::UnknownMemberId);
        };
        let timeout = m.join.session_timeout_ms;
        let phase = g.phase;
        let current = g.generation;
        fx.reset_timer(
            me,
            timeout,
            Timer::MemberExpiry {
                group: group.to_string(),
                member,
            },
        );
        if phase == GroupPhase::PreparingRebalance {
            Err(KafkaError::RebalanceInProgress)
        } else if generation != current {
            Err(KafkaError::IllegalGeneration)
        } else {
            Ok(())
        }
    }

    fn remove(
        &mut self,
        me: NodeId,
        group: &str,
        member: MemberId,
        reason: RebalanceReason,
        partitions: &VecMap<u32, u32>,
        fx: Fx,
    ) {
        let g = self.group(group);
        if g.members.remove(&member).is_none() {
            return;
        }
        g.assignment.remove(&member);
        fx.cancel_timer(
            me,
            Timer::MemberExpiry {
                group: group.to_string(),
                member,
            },
        );
        if g.phase != GroupPhase::PreparingRebalance {
            self.prepare(me, group, reason, fx);
        }
        self.try_complete(me, group, partitions, fx);
    }

    /// Start a rebalance: members learn of it from their next heartbeat and rejoin.
    fn prepare(&mut self, me: NodeId, group: &str, reason: RebalanceReason, fx: Fx) {
        let g = self.group(group);
        if g.phase == GroupPhase::Empty {
            g.delaying = true;
            fx.set_timer(
                me,
                INITIAL_REBALANCE_DELAY_MS,
                Timer::InitialRebalanceDelay {
                    group: group.to_string(),
                },
            );
        }
        g.phase = GroupPhase::PreparingRebalance;
        let timeout = g
            .members
            .values()
            .map(|m| m.join.rebalance_timeout_ms)
            .max()
            .unwrap_or(0);
        fx.note(Note::RebalanceStarted {
            group: group.to_string(),
            coordinator: me,
            reason,
        });
        fx.reset_timer(
            me,
            timeout,
            Timer::RebalanceDeadline {
                group: group.to_string(),
            },
        );
    }

    fn try_complete(&mut self, me: NodeId, group: &str, partitions: &VecMap<u32, u32>, fx: Fx) {
        let g = self.group(group);
        if g.phase == GroupPhase::PreparingRebalance
            && !g.delaying
            && g.members.values().all(|m| m.awaiting_assignment)
        {
            self.complete(me, group, partitions, fx);
        }
    }

    /// Every member has rejoined (or the late ones were dropped): a new generation.
    fn complete(&mut self, me: NodeId, group: &str, partitions: &VecMap<u32, u32>, fx: Fx) {
        fx.cancel_timer(
            me,
            Timer::RebalanceDeadline {
                group: group.to_string(),
            },
        );
        let g = self.group(group);
        g.generation += 1;
        g.delaying = false;
        if g.members.is_empty() {
            g.phase = GroupPhase::Empty;
            g.assignment.clear();
            return;
        }
        g.phase = GroupPhase::Stable;
        // The members agree on the first member's assignor, as the group leader's choice.
        let assignor = g.members.values().next().map(|m| m.join.assignor);
        let subscribers: Vec<Subscriber<'_, MemberId>> = g
            .members
            .iter()
            .map(|(&member, m)| Subscriber {
                member,
                sort_key: &m.join.name,
                topics: &m.join.topics,
            })
            .collect();
        let assignment = assignor.map_or_else(VecMap::new, |a| assign(a, &subscribers, partitions));
        g.assignment = assignment.clone();
        for m in g.members.values_mut() {
            m.awaiting_assignment = false;
        }
        fx.note(Note::GroupAssigned {
            group: group.to_string(),
            generation: g.generation,
            assignment: assignment.clone().into_iter().collect(),
        });
        for (member, tps) in assignment {
            fx.send(
                me,
                member.node,
                Msg::JoinGroupResponse {
                    member,
                    result: Ok((g.generation, tps)),
                },
            );
        }
    }
}
