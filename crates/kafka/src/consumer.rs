//! A group consumer and the application around it (K25–K33). The application loop is
//! explicit: `poll()` → process each record into the downstream store (one step each) →
//! commit as the commit mode says, so a kill -9 can land between any two of them.
//! A background heartbeat thread keeps the membership alive; a rebalance is acted on at the
//! next `poll()`, EAGER style: every partition is revoked first.

use crate::config::{CommitMode, ConsumerConfig, OffsetReset};
use crate::metadata::{Metadata, Tp};
use crate::protocol::{JoinRequest, KafkaError, MemberId, Msg, Note, PositionSource, Timer};
use crate::reader::request_read;
use crate::{partition_for_key, Kafka, CONTROLLER};
use mqlab_engine::VecMap;
use mqlab_engine::{Effects, Millis, NodeId};
use mqlab_ledger::{Ledger, MessageId, Processing, Store};
use std::collections::VecDeque;
use std::rc::Rc;

type Fx<'a, 'b> = &'a mut Effects<'b, Kafka>;

/// `request.timeout.ms`: a coordinator or fetch request with no answer is given up.
const REQUEST_TIMEOUT_MS: Millis = 30_000;
/// `retry.backoff.ms`: the wait before looking for the coordinator again.
const RETRY_BACKOFF_MS: Millis = 100;

/// What the application thread is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsumerPhase {
    /// Not started yet, or killed.
    Down,
    /// Finding the coordinator, joining the group, or fetching committed offsets.
    Joining,
    /// Inside `poll()`, waiting for records.
    Polling,
    /// Processing the records the last `poll()` returned.
    Processing,
    /// Blocked in `commitSync()`.
    Committing,
    /// The application died of an exception (NoOffsetForPartition, ProducerFenced).
    Failed,
}

/// A commitSync waiting for its answer.
#[derive(Clone, Debug)]
struct SyncCommit {
    id: u64,
    offsets: Vec<(Tp, u64)>,
    sent: bool,
}

#[derive(Clone, Debug)]
pub struct Consumer {
    pub id: NodeId,
    pub config: ConsumerConfig,
    brokers: u32,
    /// Which life of the node this is: a restart joins as a new member.
    life: u32,
    pub phase: ConsumerPhase,
    metadata: Option<Rc<Metadata>>,
    pub coordinator: Option<NodeId>,
    pub generation: Option<u32>,
    pub assignment: Vec<Tp>,
    /// The next offset `poll()` returns, per assigned partition.
    pub positions: VecMap<Tp, u64>,
    /// Fetched, not yet returned by `poll()`.
    buffer: VecMap<Tp, VecDeque<(u64, MessageId)>>,
    /// Fetches in flight and when they were sent.
    fetching: VecMap<Tp, Millis>,
    /// Partitions waiting for a ListOffsets answer, and why.
    resetting: VecMap<Tp, PositionSource>,
    awaiting_offsets: bool,
    join_in_flight: bool,
    /// Records returned by the last `poll()` and not yet processed.
    pub batch: VecDeque<(Tp, u64, MessageId)>,
    /// The coordinator asked for a rebalance: rejoin at the next `poll()`.
    rejoin: bool,
    next_auto_commit: Millis,
    next_commit_id: u64,
    sync_commit: Option<SyncCommit>,
    /// Consume-transform-produce (K23): records processed and not yet handed to the
    /// transactional producer, and the offsets to send with the transaction once the batch is
    /// done (the model's `Kafka` drives the producer and the coordinator with them).
    pub transformed: Vec<MessageId>,
    pub transaction_offsets: Option<Vec<(Tp, u64)>>,
}

impl Consumer {
    pub fn new(id: NodeId, config: ConsumerConfig, brokers: u32) -> Self {
        Self {
            id,
            config,
            brokers,
            life: 0,
            phase: ConsumerPhase::Down,
            metadata: None,
            coordinator: None,
            generation: None,
            assignment: Vec::new(),
            positions: VecMap::new(),
            buffer: VecMap::new(),
            fetching: VecMap::new(),
            resetting: VecMap::new(),
            awaiting_offsets: false,
            join_in_flight: false,
            batch: VecDeque::new(),
            rejoin: false,
            next_auto_commit: 0,
            next_commit_id: 0,
            sync_commit: None,
            transformed: Vec::new(),
            transaction_offsets: None,
        }
    }

    pub fn member(&self) -> MemberId {
        MemberId {
            node: self.id,
            life: self.life,
        }
    }

    /// The coordinator stands in for the leader of the group's `__consumer_offsets`
    /// partition: the broker the group id hashes to, or the next unfenced one.
    fn find_coordinator(&self, meta: &Metadata) -> Option<NodeId> {
        let first = partition_for_key(self.config.group.as_bytes(), self.brokers);
        (0..self.brokers)
            .map(|i| NodeId(1 + (first + i) % self.brokers))
            .find(|b| !meta.fenced.contains(b))
    }

    pub fn on_start(&mut self, fx: Fx) {
        self.life += 1;
        fx.note(Note::ConsumerStarted { consumer: self.id });
        let wait = self.config.join_at_ms.saturating_sub(fx.now());
        if self.life == 1 && wait > 0 {
            fx.set_timer(self.id, wait, Timer::ConsumerBegin);
        } else {
            self.begin(fx);
        }
    }

    fn begin(&mut self, fx: Fx) {
        self.phase = ConsumerPhase::Joining;
        self.next_auto_commit = fx.now() + self.config.auto_commit_interval_ms;
        fx.send(self.id, CONTROLLER, Msg::MetadataRequest);
        fx.set_timer(
            self.id,
            self.config.heartbeat_interval_ms,
            Timer::GroupHeartbeat,
        );
    }

    /// kill -9 or the end of a clean close: everything in memory is gone.
    pub fn on_down(&mut self, graceful: bool, fx: Fx) {
        let life = self.life;
        *self = Self::new(self.id, self.config.clone(), self.brokers);
        self.life = life;
        fx.note(Note::ConsumerDown {
            consumer: self.id,
            graceful,
        });
    }

    /// `close()`: with auto-commit it commits the current positions (even of records not yet
    /// processed, K31), then leaves the group so the rebalance starts at once (K27).
    pub fn on_stop(&mut self, fx: Fx) {
        let Some(coordinator) = self.coordinator else {
            fx.halt(self.id);
            return;
        };
        if let Some(generation) = self.generation {
            if self.config.commit == CommitMode::Auto {
                self.send_commit(coordinator, generation, false, true, fx);
            }
        }
        if self.generation.is_some() || self.join_in_flight {
            self.leave(coordinator, fx);
        }
        fx.halt(self.id);
    }

    pub fn on_timer(&mut self, timer: Timer, ledger: &mut Ledger, stores: &mut [Store], fx: Fx) {
        match timer {
            Timer::ConsumerBegin => self.begin(fx),
            Timer::GroupHeartbeat => {
                // The heartbeat thread is quiet while a JoinGroup is outstanding.
                let member = self.coordinator.zip(self.generation);
                if let (Some((coordinator, generation)), false) = (member, self.join_in_flight) {
                    fx.send(
                        self.id,
                        coordinator,
                        Msg::GroupHeartbeat {
                            group: self.config.group.clone(),
                            member: self.member(),
                            generation,
                        },
                    );
                }
                if self.phase != ConsumerPhase::Failed {
                    fx.set_timer(
                        self.id,
                        self.config.heartbeat_interval_ms,
                        Timer::GroupHeartbeat,
                    );
                }
            }
            Timer::PollAgain if self.phase == ConsumerPhase::Polling => self.poll(ledger, fx),
            Timer::ProcessRecord => self.process_next(ledger, stores, fx),
            Timer::MaxPollInterval => self.leave_after_max_poll(fx),
            Timer::CoordinatorTimeout => {
                self.coordinator = None;
                self.join_in_flight = false;
                self.awaiting_offsets = false;
                if let Some(c) = &mut self.sync_commit {
                    c.sent = false;
                }
                fx.send(self.id, CONTROLLER, Msg::MetadataRequest);
            }
            _ => {}
        }
    }

    /// LeaveGroup: the coordinator rebalances at once instead of waiting for the session.
    fn leave(&self, coordinator: NodeId, fx: Fx) {
        fx.send(
            self.id,
            coordinator,
            Msg::LeaveGroup {
                group: self.config.group.clone(),
                member: self.member(),
            },
        );
    }

    /// K27: a member that does not call `poll()` within `max.poll.interval.ms` leaves the
    /// group itself; the application thread does not know until its next commit or poll.
    fn leave_after_max_poll(&mut self, fx: Fx) {
        let (Some(coordinator), Some(_)) = (self.coordinator, self.generation) else {
            return;
        };
        fx.note(Note::MaxPollExceeded { consumer: self.id });
        self.leave(coordinator, fx);
        self.generation = None;
        self.rejoin = true;
    }

    pub fn on_message(&mut self, msg: Msg, ledger: &mut Ledger, fx: Fx) {
        match msg {
            Msg::MetadataResponse(meta) => {
                if self.coordinator.is_none() {
                    self.coordinator = self.find_coordinator(&meta);
                }
                self.metadata = Some(meta);
                if self.coordinator.is_none() {
                    fx.set_timer(self.id, RETRY_BACKOFF_MS, Timer::CoordinatorTimeout);
                    return;
                }
                self.resend_sync_commit(ledger, fx);
                if self.phase == ConsumerPhase::Joining {
                    self.poll(ledger, fx);
                }
            }
            Msg::JoinGroupResponse { member, result } => {
                if member != self.member() || !self.join_in_flight {
                    return;
                }
                self.join_in_flight = false;
                fx.cancel_timer(self.id, Timer::CoordinatorTimeout);
                match result {
                    Ok((generation, partitions)) => {
                        self.generation = Some(generation);
                        self.rejoin = false;
                        self.assignment = partitions.clone();
                        self.positions.clear();
                        self.buffer.clear();
                        self.fetching.clear();
                        self.resetting.clear();
                        self.next_auto_commit = fx.now() + self.config.auto_commit_interval_ms;
                        fx.note(Note::PartitionsAssigned {
                            consumer: self.id,
                            generation,
                            partitions,
                        });
                        self.poll(ledger, fx);
                    }
                    Err(_) => self.rejoin = true,
                }
            }
            Msg::GroupHeartbeatResponse { result } => match result {
                Ok(()) => {}
                Err(KafkaError::RebalanceInProgress) => self.rejoin = true,
                Err(_) => {
                    // Fenced out of the group: its partitions are lost, not revoked.
                    self.generation = None;
                    self.rejoin = true;
                }
            },
            Msg::OffsetFetchResponse { offsets } => {
                if !self.awaiting_offsets {
                    return;
                }
                self.awaiting_offsets = false;
                fx.cancel_timer(self.id, Timer::CoordinatorTimeout);
                for (tp, committed) in offsets {
                    if !self.assignment.contains(&tp) {
                        continue;
                    }
                    match committed {
                        Some(offset) => {
                            self.set_position(tp, offset, PositionSource::Committed, fx)
                        }
                        None => self.reset(tp, None, fx),
                    }
                }
                if self.phase == ConsumerPhase::Joining {
                    self.poll(ledger, fx);
                }
            }
            Msg::ListOffsetsResponse { tp, result } => {
                let Some(source) = self.resetting.remove(&tp) else {
                    return;
                };
                match result {
                    Ok(offset) => self.set_position(tp, offset, source, fx),
                    Err(_) => self.refresh_metadata(fx),
                }
                if self.phase == ConsumerPhase::Joining {
                    self.poll(ledger, fx);
                }
            }
            Msg::ReadResponse {
                tp, offset, result, ..
            } => {
                if self.fetching.remove(&tp).is_none()
                    || self.positions.get(&tp) != Some(&offset)
                    || !self.assignment.contains(&tp)
                {
                    return; // an answer for a position the consumer has since left
                }
                match result {
                    Ok(records) if !records.is_empty() => {
                        self.buffer.entry(tp).or_default().extend(records);
                        if self.phase == ConsumerPhase::Polling {
                            self.return_records(ledger, fx);
                        }
                    }
                    Ok(_) => {}
                    // The committed offset is beyond the log (truncated, K18): reset (K33).
                    Err(KafkaError::OffsetOutOfRange) => {
                        self.positions.remove(&tp);
                        self.reset(tp, Some(PositionSource::OutOfRangeReset), fx);
                    }
                    Err(_) => self.refresh_metadata(fx),
                }
            }
            Msg::OffsetCommitResponse { commit, result, .. } => {
                let was_sync = self.sync_commit.as_ref().is_some_and(|c| c.id == commit);
                if let Err(error) = result {
                    self.rejoin = true;
                    if matches!(
                        error,
                        KafkaError::UnknownMemberId | KafkaError::IllegalGeneration
                    ) {
                        self.generation = None;
                    }
                    fx.note(Note::CommitFailed {
                        consumer: self.id,
                        error: KafkaError::CommitFailed,
                    });
                }
                if was_sync {
                    self.sync_commit = None;
                    fx.cancel_timer(self.id, Timer::CoordinatorTimeout);
                    self.after_sync_commit(result.is_ok(), ledger, fx);
                }
            }
            _ => {}
        }
    }

    pub fn on_refused(&mut self, to: NodeId, msg: Msg, fx: Fx) {
        match msg {
            Msg::ReadRequest { tp, .. } | Msg::ListOffsets { tp, .. } => {
                self.fetching.remove(&tp);
                self.resetting.remove(&tp);
                self.refresh_metadata(fx);
            }
            Msg::MetadataRequest => {}
            _ if Some(to) == self.coordinator => self.coordinator_lost(fx),
            _ => {}
        }
    }

    /// Its coordinator's broker is the one going down.
    pub fn waits_on(&self, broker: NodeId) -> bool {
        self.coordinator == Some(broker)
    }

    /// The coordinator's connection closed (its broker died or stopped): what was asked of
    /// it (JoinGroup, OffsetFetch, a commit) will not be answered; find the coordinator
    /// again at once instead of waiting out the request timeout.
    pub fn on_disconnect(&mut self, broker: NodeId, fx: Fx) {
        if self.coordinator == Some(broker) {
            self.coordinator_lost(fx);
        }
    }

    /// The coordinator's broker is down: look again after a back-off.
    fn coordinator_lost(&mut self, fx: Fx) {
        self.coordinator = None;
        self.join_in_flight = false;
        self.awaiting_offsets = false;
        if let Some(c) = &mut self.sync_commit {
            c.sent = false;
        }
        fx.reset_timer(self.id, RETRY_BACKOFF_MS, Timer::CoordinatorTimeout);
    }

    fn refresh_metadata(&mut self, fx: Fx) {
        fx.send(self.id, CONTROLLER, Msg::MetadataRequest);
    }

    fn set_position(&mut self, tp: Tp, offset: u64, from: PositionSource, fx: Fx) {
        self.positions.insert(tp, offset);
        fx.note(Note::PositionSet {
            consumer: self.id,
            tp,
            offset,
            from,
        });
    }

    /// K33: no committed offset (or one out of range): apply `auto.offset.reset`.
    fn reset(&mut self, tp: Tp, because: Option<PositionSource>, fx: Fx) {
        match self.config.auto_offset_reset {
            // Nothing is deleted by retention here, so the log starts at 0.
            OffsetReset::Earliest => {
                self.set_position(tp, 0, because.unwrap_or(PositionSource::ResetEarliest), fx)
            }
            OffsetReset::Latest => {
                self.resetting
                    .insert(tp, because.unwrap_or(PositionSource::ResetLatest));
                self.send_list_offsets(tp, fx);
            }
            OffsetReset::None => {
                fx.note(Note::ConsumerFailed {
                    consumer: self.id,
                    error: KafkaError::NoOffsetForPartition,
                });
                // The exception ends the application; its `finally` closes the consumer.
                if let Some(coordinator) = self.coordinator {
                    self.leave(coordinator, fx);
                }
                self.generation = None;
                self.phase = ConsumerPhase::Failed;
                fx.cancel_timer(self.id, Timer::MaxPollInterval);
            }
        }
    }

    fn send_list_offsets(&mut self, tp: Tp, fx: Fx) {
        match self.metadata.as_ref().and_then(|m| m.leader(tp)) {
            Some(leader) => {
                let read_committed = self.config.read_committed;
                fx.send(self.id, leader, Msg::ListOffsets { tp, read_committed })
            }
            None => {
                self.resetting.remove(&tp);
                self.refresh_metadata(fx);
            }
        }
    }

    /// The application calls `poll()`: rejoin if asked, find positions, auto-commit if due,
    /// then return buffered records or fetch more.
    fn poll(&mut self, ledger: &mut Ledger, fx: Fx) {
        if self.phase == ConsumerPhase::Failed {
            return;
        }
        fx.cancel_timer(self.id, Timer::PollAgain);
        let Some(coordinator) = self.coordinator else {
            self.phase = ConsumerPhase::Joining;
            return; // waiting for metadata to name the coordinator
        };
        if self.rejoin || self.generation.is_none() {
            self.phase = ConsumerPhase::Joining;
            if !self.join_in_flight {
                self.join(coordinator, fx);
            }
            return;
        }
        fx.reset_timer(
            self.id,
            self.config.max_poll_interval_ms,
            Timer::MaxPollInterval,
        );
        if let Some(generation) = self.generation {
            if !self.position_all(coordinator, fx) {
                self.phase = ConsumerPhase::Joining;
                return;
            }
            // K31: the auto-commit is inside poll(), before fetching, of the positions that
            // earlier polls returned.
            let auto = self.config.commit == CommitMode::Auto && self.config.transform.is_none();
            if auto && fx.now() >= self.next_auto_commit {
                self.next_auto_commit = fx.now() + self.config.auto_commit_interval_ms;
                self.send_commit(coordinator, generation, false, true, fx);
            }
        }
        self.phase = ConsumerPhase::Polling;
        if !self.return_records(ledger, fx) {
            self.fetch(fx);
            fx.set_timer(self.id, self.config.fetch_max_wait_ms, Timer::PollAgain);
        }
    }

    /// EAGER rebalance: commit if auto-commit is on (the revoke callback), give up every
    /// partition, and send JoinGroup.
    fn join(&mut self, coordinator: NodeId, fx: Fx) {
        if let Some(generation) = self.generation {
            if self.config.commit == CommitMode::Auto && !self.assignment.is_empty() {
                self.send_commit(coordinator, generation, false, true, fx);
            }
        }
        if !self.assignment.is_empty() {
            fx.note(Note::PartitionsRevoked {
                consumer: self.id,
                partitions: std::mem::take(&mut self.assignment),
            });
        }
        self.positions.clear();
        self.buffer.clear();
        self.fetching.clear();
        self.resetting.clear();
        self.rejoin = false;
        self.join_in_flight = true;
        fx.cancel_timer(self.id, Timer::MaxPollInterval);
        fx.send(
            self.id,
            coordinator,
            Msg::JoinGroup(JoinRequest {
                group: self.config.group.clone(),
                member: self.member(),
                name: self.config.name.clone(),
                topics: self.config.topics.clone(),
                assignor: self.config.assignor,
                session_timeout_ms: self.config.session_timeout_ms,
                rebalance_timeout_ms: self.config.max_poll_interval_ms,
            }),
        );
        // A JoinGroup may wait for the whole rebalance; give up only after that.
        fx.reset_timer(
            self.id,
            self.config.max_poll_interval_ms + REQUEST_TIMEOUT_MS,
            Timer::CoordinatorTimeout,
        );
    }

    /// Every assigned partition has a position; if not, ask for them. True when all are set.
    fn position_all(&mut self, coordinator: NodeId, fx: Fx) -> bool {
        let missing: Vec<Tp> = self
            .assignment
            .iter()
            .copied()
            .filter(|tp| !self.positions.contains_key(tp))
            .collect();
        if missing.is_empty() {
            return true;
        }
        if self.awaiting_offsets || !self.resetting.is_empty() {
            return false;
        }
        self.awaiting_offsets = true;
        fx.send(
            self.id,
            coordinator,
            Msg::OffsetFetch {
                group: self.config.group.clone(),
                partitions: missing,
            },
        );
        fx.reset_timer(self.id, REQUEST_TIMEOUT_MS, Timer::CoordinatorTimeout);
        false
    }

    fn fetch(&mut self, fx: Fx) {
        let now = fx.now();
        let mut leaderless = false;
        for &tp in &self.assignment {
            let buffered = self.buffer.get(&tp).is_some_and(|b| !b.is_empty());
            let waiting = self
                .fetching
                .get(&tp)
                .is_some_and(|&at| now - at < REQUEST_TIMEOUT_MS);
            let Some(&offset) = self.positions.get(&tp) else {
                continue;
            };
            if buffered || waiting {
                continue;
            }
            let read_committed = self.config.read_committed;
            let asked = self.metadata.as_ref().is_some_and(|m| {
                request_read(
                    fx,
                    self.id,
                    m,
                    &mut self.fetching,
                    tp,
                    offset,
                    read_committed,
                )
            });
            leaderless |= !asked;
        }
        if leaderless {
            self.refresh_metadata(fx);
        }
    }

    /// `poll()` returns up to `max.poll.records` buffered records, advancing the positions.
    fn return_records(&mut self, ledger: &mut Ledger, fx: Fx) -> bool {
        let mut records = Vec::new();
        let limit = self.config.max_poll_records as usize;
        for (&tp, queue) in self.buffer.iter_mut() {
            while records.len() < limit {
                let Some((offset, message)) = queue.pop_front() else {
                    break;
                };
                records.push((tp, offset, message));
                self.positions.insert(tp, offset + 1);
            }
        }
        if records.is_empty() {
            return false;
        }
        fx.cancel_timer(self.id, Timer::PollAgain);
        for &(_, _, message) in &records {
            ledger.delivered(message, self.id, fx.now());
        }
        fx.note(Note::Polled {
            consumer: self.id,
            records: records.clone(),
        });
        self.batch = records.into();
        match (self.config.commit, self.coordinator, self.generation) {
            // K30: commit the new positions first, then process.
            (CommitMode::SyncBeforeProcess, Some(coordinator), Some(generation))
                if self.config.transform.is_none() =>
            {
                self.phase = ConsumerPhase::Committing;
                self.send_commit(coordinator, generation, true, false, fx);
            }
            _ => self.start_processing(fx),
        }
        true
    }

    fn start_processing(&mut self, fx: Fx) {
        self.phase = ConsumerPhase::Processing;
        fx.set_timer(self.id, self.config.processing_ms, Timer::ProcessRecord);
    }

    fn process_next(&mut self, ledger: &mut Ledger, stores: &mut [Store], fx: Fx) {
        let Some((tp, offset, message)) = self.batch.pop_front() else {
            return;
        };
        if let Some(store) = stores.get_mut(self.config.store) {
            let key = ledger.label(message).to_string();
            let effect = store.write(message, &key, self.id, fx.now());
            ledger.processed(
                message,
                Processing {
                    consumer: self.id,
                    at: fx.now(),
                    store: store.name.clone(),
                    effect,
                },
            );
            fx.note(Note::Processed {
                consumer: self.id,
                tp,
                offset,
                message,
                store: store.name.clone(),
                effect,
            });
        }
        if self.config.transform.is_some() {
            self.transformed.push(message);
        }
        if !self.batch.is_empty() {
            fx.set_timer(self.id, self.config.processing_ms, Timer::ProcessRecord);
            return;
        }
        if self.config.transform.is_some() {
            // K23: the batch's output and its offsets are committed in one transaction; the
            // application waits in commitTransaction().
            self.phase = ConsumerPhase::Committing;
            self.transaction_offsets = Some(
                self.assignment
                    .iter()
                    .filter_map(|tp| self.positions.get(tp).map(|&o| (*tp, o)))
                    .collect(),
            );
            return;
        }
        // The batch is done: commit as the mode says, then poll again.
        let target = self.coordinator.zip(self.generation);
        match self.config.commit {
            CommitMode::SyncAfterProcess => {
                self.phase = ConsumerPhase::Committing;
                match target {
                    Some((coordinator, generation)) => {
                        self.send_commit(coordinator, generation, true, false, fx)
                    }
                    None => self.commit_without_membership(ledger, fx),
                }
            }
            CommitMode::AsyncAfterProcess => {
                match target {
                    Some((coordinator, generation)) => {
                        self.send_commit(coordinator, generation, false, false, fx)
                    }
                    None => fx.note(Note::CommitFailed {
                        consumer: self.id,
                        error: KafkaError::CommitFailed,
                    }),
                }
                self.poll(ledger, fx);
            }
            CommitMode::Auto | CommitMode::SyncBeforeProcess => self.poll(ledger, fx),
        }
    }

    /// K27: after leaving the group (max.poll.interval), commitSync throws CommitFailed.
    fn commit_without_membership(&mut self, ledger: &mut Ledger, fx: Fx) {
        fx.note(Note::CommitFailed {
            consumer: self.id,
            error: KafkaError::CommitFailed,
        });
        self.after_sync_commit(false, ledger, fx);
    }

    fn send_commit(
        &mut self,
        coordinator: NodeId,
        generation: u32,
        sync: bool,
        auto: bool,
        fx: Fx,
    ) {
        let offsets: Vec<(Tp, u64)> = self
            .assignment
            .iter()
            .filter_map(|tp| self.positions.get(tp).map(|&o| (*tp, o)))
            .collect();
        self.next_commit_id += 1;
        let commit = self.next_commit_id;
        fx.note(Note::CommitSent {
            consumer: self.id,
            offsets: offsets.clone(),
            sync,
            auto,
        });
        if sync {
            self.sync_commit = Some(SyncCommit {
                id: commit,
                offsets: offsets.clone(),
                sent: true,
            });
            fx.reset_timer(self.id, REQUEST_TIMEOUT_MS, Timer::CoordinatorTimeout);
        }
        fx.send(
            self.id,
            coordinator,
            Msg::OffsetCommit {
                group: self.config.group.clone(),
                member: self.member(),
                generation,
                commit,
                offsets,
            },
        );
    }

    /// commitSync retries through a coordinator change. Each attempt is sent with the
    /// member's generation; a member that has learnt it is out of the group (its heartbeat was
    /// answered UnknownMemberId while the commit went unanswered) has none, and the retry
    /// throws CommitFailedException instead of waiting for ever (K32; ConsumerCoordinator's
    /// sendOffsetCommitRequest: "not part of an active group").
    fn resend_sync_commit(&mut self, ledger: &mut Ledger, fx: Fx) {
        let Some(coordinator) = self.coordinator else {
            return;
        };
        if self.sync_commit.as_ref().is_none_or(|c| c.sent) {
            return;
        }
        let Some(generation) = self.generation else {
            self.sync_commit = None;
            self.commit_without_membership(ledger, fx);
            return;
        };
        let member = self.member();
        let Some(c) = &mut self.sync_commit else {
            return;
        };
        c.sent = true;
        let msg = Msg::OffsetCommit {
            group: self.config.group.clone(),
            member,
            generation,
            commit: c.id,
            offsets: c.offsets.clone(),
        };
        fx.send(self.id, coordinator, msg);
        fx.reset_timer(self.id, REQUEST_TIMEOUT_MS, Timer::CoordinatorTimeout);
    }

    fn after_sync_commit(&mut self, ok: bool, ledger: &mut Ledger, fx: Fx) {
        if self.phase != ConsumerPhase::Committing {
            return;
        }
        if self.config.commit == CommitMode::SyncBeforeProcess {
            if ok {
                self.start_processing(fx);
                return;
            }
            // The commit threw before processing: the batch is dropped, and the next owner
            // reads it again from the committed offset.
            self.batch.clear();
        }
        self.poll(ledger, fx);
    }

    /// Offsets of records this consumer holds in its batch, not yet processed.
    pub fn unprocessed(&self) -> impl Iterator<Item = MessageId> + '_ {
        self.batch.iter().map(|&(_, _, m)| m)
    }

    /// K23: the batch's transaction ended. Committed: poll on. Aborted or fenced: go back to
    /// the committed offsets (they were not moved) and read the batch again.
    /// Fenced (another instance has its transactional.id): ProducerFencedException is fatal,
    /// the application stops.
    pub fn after_transaction(
        &mut self,
        committed: bool,
        fenced: bool,
        ledger: &mut Ledger,
        fx: Fx,
    ) {
        if self.phase != ConsumerPhase::Committing {
            return;
        }
        if fenced {
            self.phase = ConsumerPhase::Failed;
            return;
        }
        if !committed {
            self.positions.clear();
            self.buffer.clear();
        }
        self.poll(ledger, fx);
    }
}
