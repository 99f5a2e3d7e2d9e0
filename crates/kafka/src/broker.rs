//! A broker: its replicas' logs (durable), and the roles it plays for each partition
//! (volatile, rebuilt from metadata after a restart). As a leader it appends, serves fetches,
//! tracks followers, keeps the ISR and the high watermark, and parks `acks=all` produce
//! requests until they are replicated. As a follower it pulls from the leader and truncates
//! where its log diverges.

use crate::log::Log;
use crate::metadata::{Metadata, Tp};
use crate::protocol::{
    FetchPartition, FetchResult, KafkaError, Marker, Msg, Note, ProduceRequest, Record, Sequence,
    SequenceStamp, Timer, CONTROL_MESSAGE,
};
use crate::{Acks, Kafka, KafkaConfig, CONTROLLER};
use mqlab_engine::VecMap;
use mqlab_engine::{Effects, Millis, NodeId};
use mqlab_ledger::MessageId;

/// Kafka keeps the last five batches of each idempotent producer (ProducerStateEntry).
const RETAINED_PRODUCER_BATCHES: usize = 5;

/// `replica.fetch.backoff.ms`: a follower waits this long after a failed fetch.
const REPLICA_FETCH_BACKOFF_MS: Millis = 1_000;

type Fx<'a, 'b> = &'a mut Effects<'b, Kafka>;

#[derive(Clone, Debug)]
pub struct Broker {
    pub id: NodeId,
    // Durable.
    pub logs: VecMap<Tp, Log>,
    next_session: u64,
    last_down_was_crash: bool,
    /// Which life this is: counted up at every start, sent with heartbeats so the controller
    /// can tell a new registration (KRaft's broker epoch).
    incarnation: u64,
    /// The clean shutdown file: the registered life that last stopped cleanly, if the last
    /// life did. Volatile `registered` says whether the controller answered this life.
    clean_shutdown_of: Option<u64>,
    registered: bool,
    // Volatile.
    metadata_version: u64,
    pub roles: VecMap<Tp, Role>,
    fetchers: VecMap<NodeId, Fetcher>,
    shutting_down: bool,
}

#[derive(Clone, Debug)]
pub enum Role {
    Leader(LeaderState),
    Follower {
        leader: NodeId,
        epoch: u32,
    },
    /// The partition has no leader (offline).
    Orphan {
        epoch: u32,
    },
}

#[derive(Clone, Debug)]
pub struct LeaderState {
    pub epoch: u32,
    partition_epoch: u32,
    pub isr: Vec<NodeId>,
    /// An AlterPartition sent and not yet answered: no other change until it is.
    pending_isr: Option<Vec<NodeId>>,
    followers: VecMap<NodeId, Progress>,
    purgatory: Vec<ParkedProduce>,
}

#[derive(Clone, Copy, Debug)]
struct Progress {
    log_end_offset: u64,
    /// The leader's LEO when this follower last fetched, and when that was.
    leader_leo_at_last_fetch: u64,
    last_fetch_at: Millis,
    caught_up_at: Millis,
}

#[derive(Clone, Debug)]
struct ParkedProduce {
    producer: NodeId,
    batch: u64,
    base_offset: u64,
    end_offset: u64,
}

#[derive(Clone, Copy, Debug)]
struct Fetcher {
    session: u64,
    in_flight: bool,
}

impl Broker {
    pub fn new(id: NodeId, meta: &Metadata) -> Self {
        let logs = VecMap::from_iter(
            meta.partitions
                .iter()
                .filter(|(_, p)| p.replicas.contains(&id))
                .map(|(&tp, _)| (tp, Log::default())),
        );
        Self {
            id,
            logs,
            next_session: 0,
            last_down_was_crash: false,
            incarnation: 0,
            clean_shutdown_of: None,
            registered: false,
            metadata_version: 0,
            roles: VecMap::new(),
            fetchers: VecMap::new(),
            shutting_down: false,
        }
    }

    pub fn acts_as_leader(&self, tp: Tp) -> bool {
        matches!(self.roles.get(&tp), Some(Role::Leader(_)))
    }

    pub fn on_start(&mut self, config: &KafkaConfig, initial: Option<&Metadata>, fx: Fx) {
        self.incarnation += 1;
        self.registered = false;
        if self.last_down_was_crash {
            fx.note(Note::LogRecovery { broker: self.id });
        }
        fx.note(Note::BrokerStarted { broker: self.id });
        if let Some(meta) = initial {
            self.apply_metadata(config, meta, fx);
        }
        self.heartbeat(config, fx);
    }

    pub fn on_down(&mut self, graceful: bool, fx: Fx) {
        self.last_down_was_crash = !graceful;
        // A life that never registered has no broker epoch to write into the file.
        self.clean_shutdown_of = (graceful && self.registered).then_some(self.incarnation);
        self.metadata_version = 0;
        self.roles.clear();
        self.fetchers.clear();
        self.shutting_down = false;
        fx.note(Note::BrokerDown {
            broker: self.id,
            graceful,
        });
    }

    /// The machine lost power: the last `unflushed` records of every log were only in the
    /// page cache (Kafka does not fsync each write; FIDELITY keeps kill -9 harmless to logs).
    pub fn on_power_loss(&mut self, unflushed: u32, fx: Fx) {
        // A clean shutdown flushed every log and wrote its marker: nothing is left to lose.
        if !self.last_down_was_crash {
            return;
        }
        self.clean_shutdown_of = None;
        for (&tp, log) in self.logs.iter_mut() {
            let removed = log.lose_tail(unflushed);
            if !removed.is_empty() {
                fx.note(Note::PageCacheLost {
                    broker: self.id,
                    tp,
                    removed,
                });
            }
        }
    }

    /// K5: a controlled shutdown asks the controller to move leadership away first.
    pub fn on_stop(&mut self, config: &KafkaConfig, fx: Fx) {
        self.shutting_down = true;
        fx.note(Note::ShutdownRequested { broker: self.id });
        fx.send(self.id, CONTROLLER, Msg::ControlledShutdown);
        fx.set_timer(
            self.id,
            config.timing.session_timeout_ms,
            Timer::ShutdownDeadline,
        );
    }

    fn heartbeat(&mut self, config: &KafkaConfig, fx: Fx) {
        fx.send(
            self.id,
            CONTROLLER,
            Msg::Heartbeat {
                metadata_version: self.metadata_version,
                incarnation: self.incarnation,
                previous_clean: self.clean_shutdown_of,
            },
        );
        fx.set_timer(
            self.id,
            config.timing.heartbeat_interval_ms,
            Timer::Heartbeat,
        );
    }

    pub fn on_timer(&mut self, config: &KafkaConfig, timer: Timer, fx: Fx) {
        match timer {
            Timer::Heartbeat if !self.shutting_down => self.heartbeat(config, fx),
            Timer::ShutdownDeadline => fx.halt(self.id),
            Timer::FetchFrom { leader }
                if self.fetchers.get(&leader).is_some_and(|f| !f.in_flight) =>
            {
                self.send_fetch(config, leader, fx);
            }
            Timer::FetchTimeout { leader } if self.fetchers.contains_key(&leader) => {
                self.send_fetch(config, leader, fx);
            }
            Timer::FollowerLag { tp, follower } => {
                self.check_follower_lag(config, tp, follower, fx)
            }
            Timer::AlterPartitionTimeout { tp } => self.send_alter_partition(config, tp, fx),
            Timer::ProduceTimeout {
                tp,
                producer,
                batch,
            } => {
                if let Some(Role::Leader(state)) = self.roles.get_mut(&tp) {
                    let before = state.purgatory.len();
                    state
                        .purgatory
                        .retain(|p| !(p.producer == producer && p.batch == batch));
                    if state.purgatory.len() < before {
                        answer_produce(
                            self.id,
                            producer,
                            tp,
                            batch,
                            Err(KafkaError::RequestTimedOut),
                            fx,
                        );
                    }
                }
            }
            _ => {}
        }
    }

    pub fn on_message(&mut self, config: &KafkaConfig, from: NodeId, msg: Msg, fx: Fx) {
        match msg {
            Msg::HeartbeatResponse { metadata } => {
                self.registered = true;
                if let Some(meta) = metadata {
                    self.apply_metadata(config, &meta, fx);
                }
            }
            Msg::MetadataUpdate(meta) => self.apply_metadata(config, &meta, fx),
            Msg::ControlledShutdownResponse => fx.halt(self.id),
            Msg::AlterPartitionResponse { tp, result } => {
                self.on_alter_partition_response(config, tp, result, fx)
            }
            Msg::Fetch {
                session,
                partitions,
            } => {
                let partitions = partitions
                    .into_iter()
                    .map(|fp| (fp.tp, self.serve_fetch(config, from, &fp, fx)))
                    .collect();
                fx.send(
                    self.id,
                    from,
                    Msg::FetchResponse {
                        session,
                        partitions,
                    },
                );
            }
            Msg::FetchResponse {
                session,
                partitions,
            } => self.on_fetch_response(config, from, session, partitions, fx),
            Msg::Produce(request) => self.on_produce(config, from, request, fx),
            Msg::ListOffsets { tp, read_committed } => {
                let result = if self.acts_as_leader(tp) {
                    Ok(self.logs.get(&tp).map_or(0, |l| match read_committed {
                        true => l.last_stable_offset(),
                        false => l.high_watermark,
                    }))
                } else {
                    Err(KafkaError::NotLeaderOrFollower)
                };
                fx.send(self.id, from, Msg::ListOffsetsResponse { tp, result });
            }
            Msg::ReadRequest {
                tp,
                offset,
                read_committed,
            } => {
                let (high_watermark, result) = self.serve_read(tp, offset, read_committed);
                if let Err(error) = result {
                    fx.note(Note::ErrorReturned {
                        broker: self.id,
                        tp,
                        error,
                    });
                }
                fx.send(
                    self.id,
                    from,
                    Msg::ReadResponse {
                        tp,
                        offset,
                        high_watermark,
                        result,
                    },
                );
            }
            _ => {}
        }
    }

    pub fn on_refused(&mut self, to: NodeId, msg: Msg, fx: Fx) {
        if let Msg::Fetch { session, .. } = msg {
            if let Some(f) = self.fetchers.get_mut(&to) {
                if f.session == session {
                    f.in_flight = false;
                    fx.cancel_timer(self.id, Timer::FetchTimeout { leader: to });
                    fx.set_timer(
                        self.id,
                        REPLICA_FETCH_BACKOFF_MS,
                        Timer::FetchFrom { leader: to },
                    );
                }
            }
        }
    }

    // ---- Metadata: who leads what ----

    fn apply_metadata(&mut self, config: &KafkaConfig, meta: &Metadata, fx: Fx) {
        if meta.version <= self.metadata_version {
            return;
        }
        self.metadata_version = meta.version;
        for (&tp, state) in &meta.partitions {
            if !state.replicas.contains(&self.id) {
                continue;
            }
            match state.leader {
                Some(leader) if leader == self.id => {
                    let same_term = matches!(self.roles.get(&tp), Some(Role::Leader(l)) if l.epoch == state.leader_epoch);
                    if same_term {
                        let Some(Role::Leader(l)) = self.roles.get_mut(&tp) else {
                            continue;
                        };
                        if state.partition_epoch > l.partition_epoch {
                            l.partition_epoch = state.partition_epoch;
                            l.isr = state.isr.clone();
                            l.pending_isr = None;
                            self.after_isr_change(config, tp, fx);
                        }
                    } else {
                        self.become_leader(
                            config,
                            tp,
                            state.leader_epoch,
                            state.partition_epoch,
                            state.isr.clone(),
                            &state.replicas,
                            fx,
                        );
                    }
                }
                Some(leader) => {
                    let same = matches!(self.roles.get(&tp), Some(Role::Follower { leader: l, epoch }) if *l == leader && *epoch == state.leader_epoch);
                    if !same {
                        self.resign(tp, fx);
                        if config.version.truncates_to_high_watermark() {
                            self.truncate_to_high_watermark(tp, fx);
                        }
                        self.roles.insert(
                            tp,
                            Role::Follower {
                                leader,
                                epoch: state.leader_epoch,
                            },
                        );
                        fx.note(Note::BecameFollower {
                            broker: self.id,
                            tp,
                            leader: Some(leader),
                            epoch: state.leader_epoch,
                        });
                        self.ensure_fetcher(config, leader, fx);
                    }
                }
                None => {
                    if !matches!(self.roles.get(&tp), Some(Role::Orphan { epoch }) if *epoch == state.leader_epoch)
                    {
                        self.resign(tp, fx);
                        self.roles.insert(
                            tp,
                            Role::Orphan {
                                epoch: state.leader_epoch,
                            },
                        );
                        fx.note(Note::BecameFollower {
                            broker: self.id,
                            tp,
                            leader: None,
                            epoch: state.leader_epoch,
                        });
                    }
                }
            }
        }
    }

    /// K16, before KIP-101: a replica that starts following cuts its log to its own high
    /// watermark, which may lag the leader's by a fetch, and fetches from there.
    fn truncate_to_high_watermark(&mut self, tp: Tp, fx: Fx) {
        let Some(log) = self.logs.get_mut(&tp) else {
            return;
        };
        let to_offset = log.high_watermark;
        let removed = log.truncate(to_offset);
        if !removed.is_empty() {
            fx.note(Note::TruncatedToHighWatermark {
                broker: self.id,
                tp,
                to_offset,
                removed,
            });
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn become_leader(
        &mut self,
        config: &KafkaConfig,
        tp: Tp,
        epoch: u32,
        partition_epoch: u32,
        isr: Vec<NodeId>,
        replicas: &[NodeId],
        fx: Fx,
    ) {
        let now = fx.now();
        let log = self.logs.entry(tp).or_default();
        log.begin_epoch(epoch);
        let leo = log.log_end_offset();
        // A new leader does not know its followers' positions; it gives every ISR member a
        // full lag period to show up (Kafka resets lastCaughtUpTime on a leader change).
        let followers = VecMap::from_iter(replicas.iter().filter(|&&b| b != self.id).map(|&b| {
            (
                b,
                Progress {
                    log_end_offset: 0,
                    leader_leo_at_last_fetch: leo,
                    last_fetch_at: now,
                    caught_up_at: now,
                },
            )
        }));
        for &b in isr.iter().filter(|&&b| b != self.id) {
            fx.reset_timer(
                self.id,
                config.timing.replica_lag_time_max_ms,
                Timer::FollowerLag { tp, follower: b },
            );
        }
        self.roles.insert(
            tp,
            Role::Leader(LeaderState {
                epoch,
                partition_epoch,
                isr,
                pending_isr: None,
                followers,
                purgatory: Vec::new(),
            }),
        );
        fx.note(Note::BecameLeader {
            broker: self.id,
            tp,
            epoch,
        });
        self.maybe_advance_high_watermark(config, tp, fx);
    }

    /// Stop leading `tp`: parked produce requests fail with NotLeaderOrFollower.
    fn resign(&mut self, tp: Tp, fx: Fx) {
        if let Some(Role::Leader(state)) = self.roles.remove(&tp) {
            for parked in state.purgatory {
                answer_parked(
                    self.id,
                    tp,
                    &parked,
                    Err(KafkaError::NotLeaderOrFollower),
                    fx,
                );
            }
            for &follower in state.followers.keys() {
                fx.cancel_timer(self.id, Timer::FollowerLag { tp, follower });
            }
        }
    }

    // ---- Leader: produce ----

    fn on_produce(
        &mut self,
        config: &KafkaConfig,
        producer: NodeId,
        request: ProduceRequest,
        fx: Fx,
    ) {
        let ProduceRequest {
            tp,
            batch,
            messages,
            acks,
            timeout_ms,
            sequence,
            transactional,
        } = request;
        let id = self.id;
        let respond = |fx: Fx, result: Result<u64, KafkaError>| {
            if acks == Acks::Zero {
                // K11: nobody listens for an answer; an error is only seen here.
                if let Err(error) = result {
                    fx.note(Note::ErrorReturned {
                        broker: id,
                        tp,
                        error,
                    });
                }
            } else {
                answer_produce(id, producer, tp, batch, result, fx);
            }
        };
        let Some(Role::Leader(state)) = self.roles.get(&tp) else {
            return respond(fx, Err(KafkaError::NotLeaderOrFollower));
        };
        let min_isr = config.topics[tp.topic as usize].min_insync_replicas as usize;
        // K14(b): checked before the append; acks=0/1 are never checked (K14(d)).
        if acks == Acks::All && state.isr.len() < min_isr {
            return respond(fx, Err(KafkaError::NotEnoughReplicas));
        }
        let epoch = state.epoch;
        let log = self.logs.entry(tp).or_default();
        let count = messages.len() as u32;
        // K22: an idempotent producer's batch must continue its sequence; a retry of one of
        // its last five batches is answered with the original offsets, not appended again.
        let duplicate_of = match sequence {
            Some(seq) => match check_sequence(log, seq, count) {
                Ok(duplicate_of) => duplicate_of,
                Err(error) => return respond(fx, Err(error)),
            },
            None => None,
        };
        let base_offset = match duplicate_of {
            Some(base_offset) => {
                fx.note(Note::DuplicateBatch {
                    broker: id,
                    tp,
                    base_offset,
                    messages: messages.clone(),
                });
                base_offset
            }
            None => {
                let base_offset = log.log_end_offset();
                for (i, &message) in messages.iter().enumerate() {
                    let stamp = sequence.map(|seq| SequenceStamp {
                        producer_id: seq.producer_id,
                        producer_epoch: seq.producer_epoch,
                        batch_base: seq.base,
                        sequence: seq.base + i as u32,
                    });
                    let offset = log.append(Record {
                        message,
                        epoch,
                        stamp,
                        transactional,
                        control: None,
                    });
                    fx.note(Note::Appended {
                        broker: id,
                        tp,
                        offset,
                        message,
                        epoch,
                    });
                }
                base_offset
            }
        };
        let end_offset = base_offset + u64::from(count);
        match acks {
            Acks::Zero => {}
            Acks::Leader => respond(fx, Ok(base_offset)),
            Acks::All => {
                if let Some(Role::Leader(state)) = self.roles.get_mut(&tp) {
                    state.purgatory.push(ParkedProduce {
                        producer,
                        batch,
                        base_offset,
                        end_offset,
                    });
                }
                fx.reset_timer(
                    id,
                    timeout_ms,
                    Timer::ProduceTimeout {
                        tp,
                        producer,
                        batch,
                    },
                );
            }
        }
        self.maybe_advance_high_watermark(config, tp, fx);
    }

    // ---- Leader: serving followers and readers ----

    fn serve_fetch(
        &mut self,
        config: &KafkaConfig,
        follower: NodeId,
        fp: &FetchPartition,
        fx: Fx,
    ) -> FetchResult {
        let now = fx.now();
        let tp = fp.tp;
        let Some(Role::Leader(state)) = self.roles.get_mut(&tp) else {
            return FetchResult::Error(KafkaError::NotLeaderOrFollower);
        };
        if fp.leader_epoch != state.epoch {
            return FetchResult::Error(if fp.leader_epoch > state.epoch {
                KafkaError::FencedLeaderEpoch
            } else {
                KafkaError::NotLeaderOrFollower
            });
        }
        let log = self.logs.entry(tp).or_default();
        // K15: a follower whose last fetched epoch ends earlier here than its log does (or
        // that this log does not know) has diverged: tell it that epoch's end here (KIP-320).
        if let Some(last_epoch) = fp.last_fetched_epoch {
            let epoch_end = log.end_offset_for(last_epoch);
            if epoch_end.is_none_or(|(epoch, end)| epoch < last_epoch || end < fp.fetch_offset) {
                return FetchResult::Diverging { epoch_end };
            }
        }
        let leo = log.log_end_offset();
        let epoch_start = log.epoch_start(state.epoch).unwrap_or(0);
        let high_watermark = log.high_watermark;
        let records = log.records[(fp.fetch_offset.min(leo)) as usize..].to_vec();
        if let Some(progress) = state.followers.get_mut(&follower) {
            // Kafka's rule: caught up now if it reached our end; caught up as of its previous
            // fetch if it reached the end we had then.
            if fp.fetch_offset >= leo {
                progress.caught_up_at = now;
            } else if fp.fetch_offset >= progress.leader_leo_at_last_fetch {
                progress.caught_up_at = progress.last_fetch_at;
            }
            progress.log_end_offset = fp.fetch_offset;
            progress.leader_leo_at_last_fetch = leo;
            progress.last_fetch_at = now;
            let caught_up_at = progress.caught_up_at;
            if state.isr.contains(&follower) {
                let deadline = caught_up_at + config.timing.replica_lag_time_max_ms;
                fx.reset_timer(
                    self.id,
                    deadline.saturating_sub(now).max(1),
                    Timer::FollowerLag { tp, follower },
                );
            } else if state.pending_isr.is_none()
                && fp.fetch_offset >= high_watermark
                && fp.fetch_offset >= epoch_start
            {
                // K9: back in sync.
                let mut new_isr = state.isr.clone();
                new_isr.push(follower);
                self.request_isr_change(config, tp, new_isr, fx);
            }
        }
        self.maybe_advance_high_watermark(config, tp, fx);
        FetchResult::Records {
            records,
            high_watermark,
        }
    }

    /// K7: consumers read only below the high watermark; K23: read_committed ones only below
    /// the LSO, without aborted records. Markers take offsets but are never returned.
    fn serve_read(
        &self,
        tp: Tp,
        offset: u64,
        read_committed: bool,
    ) -> (u64, Result<Vec<(u64, MessageId)>, KafkaError>) {
        if !self.acts_as_leader(tp) {
            return (0, Err(KafkaError::NotLeaderOrFollower));
        }
        let Some(log) = self.logs.get(&tp) else {
            return (0, Err(KafkaError::NotLeaderOrFollower));
        };
        let hw = log.high_watermark;
        if offset > log.log_end_offset() {
            return (hw, Err(KafkaError::OffsetOutOfRange));
        }
        (hw, Ok(log.readable(offset, read_committed)))
    }

    /// K23: the transaction coordinator's WriteTxnMarkers, as the partition leader handles it:
    /// a control record stamped with the producer id and epoch, replicated like any record.
    /// `None`: this broker does not lead the partition (the coordinator tries again later).
    pub fn append_marker(
        &mut self,
        config: &KafkaConfig,
        tp: Tp,
        producer_id: u64,
        producer_epoch: u32,
        marker: Marker,
        fx: Fx,
    ) -> Option<u64> {
        let Some(Role::Leader(state)) = self.roles.get(&tp) else {
            return None;
        };
        let epoch = state.epoch;
        let log = self.logs.entry(tp).or_default();
        let offset = log.append(Record {
            message: CONTROL_MESSAGE,
            epoch,
            stamp: Some(SequenceStamp {
                producer_id,
                producer_epoch,
                batch_base: 0,
                sequence: 0,
            }),
            transactional: true,
            control: Some(marker),
        });
        fx.note(Note::MarkerWritten {
            broker: self.id,
            tp,
            offset,
            marker,
        });
        self.maybe_advance_high_watermark(config, tp, fx);
        Some(offset)
    }

    // ---- Leader: ISR and high watermark ----

    fn check_follower_lag(&mut self, config: &KafkaConfig, tp: Tp, follower: NodeId, fx: Fx) {
        let now = fx.now();
        let lag_max = config.timing.replica_lag_time_max_ms;
        let Some(Role::Leader(state)) = self.roles.get(&tp) else {
            return;
        };
        if !state.isr.contains(&follower) {
            return;
        }
        let Some(progress) = state.followers.get(&follower) else {
            return;
        };
        let leo = self.logs.get(&tp).map_or(0, Log::log_end_offset);
        let out_of_sync =
            |p: &Progress| p.log_end_offset < leo && now.saturating_sub(p.caught_up_at) >= lag_max;
        if !out_of_sync(progress) {
            let next = (progress.caught_up_at + lag_max)
                .saturating_sub(now)
                .max(lag_max / 2);
            fx.reset_timer(self.id, next, Timer::FollowerLag { tp, follower });
        } else if state.pending_isr.is_some() {
            // K8: one change at a time; look again shortly.
            fx.reset_timer(self.id, lag_max / 2, Timer::FollowerLag { tp, follower });
        } else {
            // Every follower out of sync now leaves in this one change, as
            // `Partition.getOutOfSyncReplicas` collects them all for one AlterPartition:
            // dropping them one by one would take a lag period each.
            let me = self.id;
            let new_isr = state
                .isr
                .iter()
                .copied()
                .filter(|&b| b == me || !state.followers.get(&b).is_some_and(out_of_sync))
                .collect();
            self.request_isr_change(config, tp, new_isr, fx);
        }
    }

    /// K8: ISR changes go through the controller; until it answers, the high watermark is
    /// computed over the larger of the old and new ISR.
    fn request_isr_change(&mut self, config: &KafkaConfig, tp: Tp, new_isr: Vec<NodeId>, fx: Fx) {
        let Some(Role::Leader(state)) = self.roles.get_mut(&tp) else {
            return;
        };
        state.pending_isr = Some(new_isr.clone());
        fx.note(Note::IsrChangeRequested {
            leader: self.id,
            tp,
            new_isr: new_isr.clone(),
        });
        self.send_alter_partition(config, tp, fx);
    }

    /// Send (or send again) the pending AlterPartition; it is retried until answered.
    fn send_alter_partition(&mut self, config: &KafkaConfig, tp: Tp, fx: Fx) {
        let Some(Role::Leader(state)) = self.roles.get(&tp) else {
            return;
        };
        let Some(new_isr) = state.pending_isr.clone() else {
            return;
        };
        fx.reset_timer(
            self.id,
            config.timing.replica_socket_timeout_ms,
            Timer::AlterPartitionTimeout { tp },
        );
        fx.send(
            self.id,
            CONTROLLER,
            Msg::AlterPartition {
                tp,
                leader_epoch: state.epoch,
                partition_epoch: state.partition_epoch,
                new_isr,
            },
        );
    }

    fn on_alter_partition_response(
        &mut self,
        config: &KafkaConfig,
        tp: Tp,
        result: Result<crate::metadata::PartitionState, KafkaError>,
        fx: Fx,
    ) {
        let Some(Role::Leader(state)) = self.roles.get_mut(&tp) else {
            return;
        };
        state.pending_isr = None;
        fx.cancel_timer(self.id, Timer::AlterPartitionTimeout { tp });
        if let Ok(new) = result {
            if new.leader_epoch == state.epoch && new.partition_epoch > state.partition_epoch {
                state.isr = new.isr;
                state.partition_epoch = new.partition_epoch;
                self.after_isr_change(config, tp, fx);
            }
        }
    }

    fn after_isr_change(&mut self, config: &KafkaConfig, tp: Tp, fx: Fx) {
        if let Some(Role::Leader(state)) = self.roles.get(&tp) {
            for &b in state.isr.iter().filter(|&&b| b != self.id) {
                if let Some(p) = state.followers.get(&b) {
                    // An ISR change does not reset lastCaughtUpTime (only a leader change
                    // does): a follower whose lag deadline passed while the change was
                    // pending is checked at once, not a full lag period later.
                    let deadline = p.caught_up_at + config.timing.replica_lag_time_max_ms;
                    fx.reset_timer(
                        self.id,
                        deadline.saturating_sub(fx.now()).max(1),
                        Timer::FollowerLag { tp, follower: b },
                    );
                }
            }
        }
        self.maybe_advance_high_watermark(config, tp, fx);
    }

    /// K6: HW = the smallest LEO in the (maximal) ISR. K10: not while the ISR is smaller
    /// than min.insync.replicas (3.7+). Then answer parked acks=all requests it covers.
    fn maybe_advance_high_watermark(&mut self, config: &KafkaConfig, tp: Tp, fx: Fx) {
        let topic = &config.topics[tp.topic as usize];
        let Some(Role::Leader(state)) = self.roles.get_mut(&tp) else {
            return;
        };
        let log = self.logs.entry(tp).or_default();
        let leo = log.log_end_offset();
        let min_isr = topic.min_insync_replicas.min(topic.replication_factor) as usize;
        let held = !config.version.hw_advances_under_min_isr() && state.isr.len() < min_isr;
        if !held {
            let maximal = state
                .isr
                .iter()
                .chain(state.pending_isr.iter().flatten())
                .copied();
            let hw = maximal
                .map(|b| {
                    if b == self.id {
                        leo
                    } else {
                        state.followers.get(&b).map_or(0, |p| p.log_end_offset)
                    }
                })
                .min()
                .unwrap_or(leo)
                .min(leo);
            if hw > log.high_watermark {
                log.high_watermark = hw;
                fx.note(Note::HighWatermark {
                    broker: self.id,
                    tp,
                    high_watermark: hw,
                });
            }
        }
        let hw = log.high_watermark;
        let enough = state.isr.len() >= topic.min_insync_replicas as usize;
        let (done, waiting): (Vec<_>, Vec<_>) =
            state.purgatory.drain(..).partition(|p| hw >= p.end_offset);
        state.purgatory = waiting;
        for parked in done {
            // K14(c): replicated, but the ISR shrank below min.insync.replicas meanwhile.
            let result = if enough {
                Ok(parked.base_offset)
            } else {
                Err(KafkaError::NotEnoughReplicasAfterAppend)
            };
            answer_parked(self.id, tp, &parked, result, fx);
        }
    }

    // ---- Follower: fetching ----

    fn ensure_fetcher(&mut self, config: &KafkaConfig, leader: NodeId, fx: Fx) {
        match self.fetchers.get(&leader) {
            Some(f) if f.in_flight => {}
            _ => self.send_fetch(config, leader, fx),
        }
    }

    fn send_fetch(&mut self, config: &KafkaConfig, leader: NodeId, fx: Fx) {
        let partitions: Vec<FetchPartition> = self
            .roles
            .iter()
            .filter_map(|(&tp, role)| match role {
                Role::Follower { leader: l, epoch } if *l == leader => {
                    let log = self.logs.get(&tp);
                    Some(FetchPartition {
                        tp,
                        fetch_offset: log.map_or(0, Log::log_end_offset),
                        // The checkpoint's latest epoch (Kafka's `latestEpoch`), which may be an
                        // epoch this broker led without appending. K16: before KIP-101 there
                        // was no epoch to check.
                        last_fetched_epoch: log
                            .and_then(Log::latest_epoch)
                            .filter(|_| !config.version.truncates_to_high_watermark()),
                        leader_epoch: *epoch,
                    })
                }
                _ => None,
            })
            .collect();
        if partitions.is_empty() {
            self.fetchers.remove(&leader);
            fx.cancel_timer(self.id, Timer::FetchTimeout { leader });
            return;
        }
        self.next_session += 1;
        self.fetchers.insert(
            leader,
            Fetcher {
                session: self.next_session,
                in_flight: true,
            },
        );
        fx.send(
            self.id,
            leader,
            Msg::Fetch {
                session: self.next_session,
                partitions,
            },
        );
        fx.reset_timer(
            self.id,
            config.timing.replica_socket_timeout_ms,
            Timer::FetchTimeout { leader },
        );
    }

    fn on_fetch_response(
        &mut self,
        config: &KafkaConfig,
        leader: NodeId,
        session: u64,
        partitions: Vec<(Tp, FetchResult)>,
        fx: Fx,
    ) {
        match self.fetchers.get_mut(&leader) {
            Some(f) if f.session == session => f.in_flight = false,
            _ => return, // an answer to a fetch from before a restart or a timeout
        }
        fx.cancel_timer(self.id, Timer::FetchTimeout { leader });
        let mut progressed = false;
        for (tp, result) in partitions {
            if !matches!(self.roles.get(&tp), Some(Role::Follower { leader: l, .. }) if *l == leader)
            {
                continue;
            }
            let log = self.logs.entry(tp).or_default();
            match result {
                FetchResult::Records {
                    records,
                    high_watermark,
                } => {
                    if !records.is_empty() {
                        let from_offset = log.log_end_offset();
                        for record in &records {
                            log.append(*record);
                        }
                        fx.note(Note::Replicated {
                            broker: self.id,
                            tp,
                            from_offset,
                            count: records.len() as u64,
                        });
                        progressed = true;
                    }
                    let hw = high_watermark.min(log.log_end_offset());
                    if hw > log.high_watermark {
                        log.high_watermark = hw;
                    }
                }
                FetchResult::Diverging { epoch_end } => {
                    let to_offset = truncation_offset(log, epoch_end);
                    let removed = log.truncate(to_offset);
                    // An intermediate truncation (the epochs still disagree) fetches again at
                    // once and is told the next divergence, until the logs agree.
                    progressed |= !removed.is_empty();
                    fx.note(Note::Truncated {
                        broker: self.id,
                        tp,
                        to_offset,
                        removed,
                    });
                }
                FetchResult::Error(_) => {}
            }
        }
        if progressed {
            self.send_fetch(config, leader, fx);
        } else {
            fx.set_timer(
                self.id,
                config.timing.replica_fetch_wait_max_ms,
                Timer::FetchFrom { leader },
            );
        }
    }
}

/// Where a follower truncates when the leader reports a diverging epoch, as Kafka's
/// `AbstractFetcherThread.getOffsetTruncationState` decides: with the leader's (epoch, end),
/// to the smaller of that end and its own end of the same epoch; if it does not have that
/// epoch, to the end of its own largest epoch below it (and it will be asked again); with
/// nothing defined, to its high watermark.
fn truncation_offset(log: &Log, leader: Option<(u32, u64)>) -> u64 {
    let leo = log.log_end_offset();
    let Some((leader_epoch, leader_end)) = leader else {
        return log.high_watermark.min(leo);
    };
    match log.end_offset_for(leader_epoch) {
        Some((epoch, end)) if epoch == leader_epoch => end.min(leader_end).min(leo),
        Some((_, end)) => end.min(leo),
        None => leader_end.min(leo),
    }
}

/// The idempotent producer's sequence check (Kafka's `ProducerAppendInfo.checkSequence`): a
/// producer the log has no state for may start anywhere, but at 0 on a log that never held a
/// record (KAFKA-15591); a newer epoch must start at 0; the same epoch must continue at
/// last + 1, except that a retry of one of its last five batches is a duplicate, answered
/// with the offset it got. Ok(Some(offset)): a duplicate.
fn check_sequence(log: &Log, seq: Sequence, count: u32) -> Result<Option<u64>, KafkaError> {
    let known = log.producer_state(seq.producer_id, RETAINED_PRODUCER_BATCHES);
    let Some(epoch) = known.epoch else {
        // KAFKA-15591: on a log that never held a record no state can have been lost, so the
        // first batch must start at 0 (a retried first batch is not overtaken).
        if log.log_end_offset() == 0 && seq.base != 0 {
            return Err(KafkaError::OutOfOrderSequence);
        }
        return Ok(None);
    };
    if seq.producer_epoch < epoch {
        return Err(KafkaError::InvalidProducerEpoch);
    }
    if seq.producer_epoch > epoch {
        return if seq.base == 0 {
            Ok(None)
        } else {
            Err(KafkaError::OutOfOrderSequence)
        };
    }
    if known.last_sequence.is_none() {
        // K23: only a marker of this epoch (initTransactions aborted the older epoch's
        // transaction): the producer numbers from 0.
        return if seq.base == 0 {
            Ok(None)
        } else {
            Err(KafkaError::OutOfOrderSequence)
        };
    }
    let last = seq.base + count.saturating_sub(1);
    if let Some(b) = known
        .batches
        .iter()
        .find(|b| b.first_sequence == seq.base && b.last_sequence == last)
    {
        return Ok(Some(b.base_offset));
    }
    if Some(seq.base) != known.last_sequence.map(|l| l + 1) {
        return Err(KafkaError::OutOfOrderSequence);
    }
    Ok(None)
}

/// Answer a produce request; an error is also a fact of the trace.
fn answer_produce(
    broker: NodeId,
    producer: NodeId,
    tp: Tp,
    batch: u64,
    result: Result<u64, KafkaError>,
    fx: Fx,
) {
    if let Err(error) = result {
        fx.note(Note::ErrorReturned { broker, tp, error });
    }
    fx.send(broker, producer, Msg::ProduceResponse { tp, batch, result });
}

/// Answer a parked acks=all request, whose timeout then no longer matters.
fn answer_parked(
    broker: NodeId,
    tp: Tp,
    parked: &ParkedProduce,
    result: Result<u64, KafkaError>,
    fx: Fx,
) {
    fx.cancel_timer(
        broker,
        Timer::ProduceTimeout {
            tp,
            producer: parked.producer,
            batch: parked.batch,
        },
    );
    answer_produce(broker, parked.producer, tp, parked.batch, result, fx);
}
