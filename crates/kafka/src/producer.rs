//! A Kafka producer: batches per partition, sends to the leader it knows from metadata,
//! waits according to `acks`, and retries retriable errors with exponential backoff until
//! `retries` or `delivery.timeout.ms` runs out. Without idempotence a retry after a lost or
//! late response appends the batch again (K20) and in-flight retries can reorder (K21); with
//! it, batches carry a producer id and sequence numbers the broker checks (K22).

use crate::metadata::{Metadata, Tp};
use crate::protocol::{KafkaError, Msg, Note, ProduceRequest, Sequence, Timer};
use crate::{Acks, Kafka, ProducerConfig, CONTROLLER, RETRY_BACKOFF_MAX_MS};
use mqlab_engine::compact::sort_by_key;
use mqlab_engine::VecMap;
use mqlab_engine::{Effects, Millis, NodeId};
use mqlab_ledger::{Ledger, MessageId};
use std::collections::VecDeque;
use std::rc::Rc;

type Fx<'a, 'b> = &'a mut Effects<'b, Kafka>;

#[derive(Clone, Debug)]
pub struct Producer {
    pub id: NodeId,
    pub config: ProducerConfig,
    metadata: Option<Rc<Metadata>>,
    metadata_requested_at: Option<Millis>,
    queues: VecMap<Tp, VecDeque<Batch>>,
    in_flight: VecMap<u64, (Batch, NodeId)>,
    next_batch: u64,
    pump_at: Option<Millis>,
    /// Idempotence: this session's producer id (new on every start, as InitProducerId gives),
    /// its epoch (bumped on a sequence gap, KIP-360), and per partition the epoch its numbering
    /// belongs to and the next sequence number.
    producer_id: u64,
    producer_epoch: u32,
    sessions: u64,
    next_sequence: VecMap<Tp, (u32, u32)>,
}

#[derive(Clone, Debug)]
struct Batch {
    id: u64,
    tp: Tp,
    messages: Vec<MessageId>,
    /// Given at the first send and kept by every retry, unless an epoch bump renumbers it.
    sequence: Option<Sequence>,
    attempts: u32,
    created_at: Millis,
    not_before: Millis,
}

impl Producer {
    pub fn new(id: NodeId, config: ProducerConfig) -> Self {
        Self {
            id,
            config,
            metadata: None,
            metadata_requested_at: None,
            queues: VecMap::new(),
            in_flight: VecMap::new(),
            next_batch: 0,
            pump_at: None,
            producer_id: 0,
            producer_epoch: 0,
            sessions: 0,
            next_sequence: VecMap::new(),
        }
    }

    pub fn on_start(&mut self, fx: Fx) {
        self.new_session();
        self.request_metadata(fx);
    }

    /// A deterministic stand-in for the id InitProducerId hands out: new in every session,
    /// so duplicates are only recognised within one producer session (K22).
    fn new_session(&mut self) {
        self.sessions += 1;
        self.producer_id = u64::from(self.id.0) * 1_000 + self.sessions;
        self.producer_epoch = 0;
        self.next_sequence.clear();
    }

    pub fn on_down(&mut self) {
        self.metadata = None;
        self.metadata_requested_at = None;
        self.pump_at = None;
    }

    /// The application hands over messages for one partition: one batch (linger.ms=0).
    pub fn send(&mut self, tp: Tp, messages: Vec<MessageId>, ledger: &mut Ledger, fx: Fx) {
        self.next_batch += 1;
        let now = fx.now();
        self.queues.entry(tp).or_default().push_back(Batch {
            id: self.next_batch,
            tp,
            messages,
            sequence: None,
            attempts: 0,
            created_at: now,
            not_before: now,
        });
        self.pump(fx, ledger);
    }

    fn request_metadata(&mut self, fx: Fx) {
        let now = fx.now();
        let stale = self
            .metadata_requested_at
            .is_none_or(|at| now.saturating_sub(at) >= self.config.request_timeout_ms);
        if stale {
            self.metadata_requested_at = Some(now);
            fx.send(self.id, CONTROLLER, Msg::MetadataRequest);
        }
    }

    fn schedule_pump(&mut self, at: Millis, fx: Fx) {
        if self.pump_at.is_none_or(|p| p <= fx.now() || at < p) {
            self.pump_at = Some(at);
            fx.reset_timer(self.id, at.saturating_sub(fx.now()), Timer::Pump);
        }
    }

    /// Send whatever can be sent; fail what has waited too long; wake up when more can go.
    fn pump(&mut self, fx: Fx, ledger: &mut Ledger) {
        let now = fx.now();
        self.expire_in_flight(fx, ledger);
        let mut wake: Option<Millis> = None;
        let tps: Vec<Tp> = self.queues.keys().copied().collect();
        for tp in tps {
            while let Some(front) = self.queues.get(&tp).and_then(VecDeque::front) {
                if now >= front.created_at + self.config.delivery_timeout_ms {
                    let batch = self
                        .queues
                        .get_mut(&tp)
                        .and_then(VecDeque::pop_front)
                        .expect("front exists");
                    self.fail(batch, KafkaError::DeliveryTimeout, fx, ledger);
                    continue;
                }
                if front.not_before > now {
                    wake = Some(wake.map_or(front.not_before, |w| w.min(front.not_before)));
                    break;
                }
                let Some(leader) = self.metadata.as_ref().and_then(|m| m.leader(tp)) else {
                    // No leader known: metadata refreshes back off up to retry.backoff.max.ms.
                    self.request_metadata(fx);
                    let retry = now + RETRY_BACKOFF_MAX_MS.max(self.config.retry_backoff_ms);
                    wake = Some(wake.map_or(retry, |w| w.min(retry)));
                    break;
                };
                let to_leader = self
                    .in_flight
                    .values()
                    .filter(|(_, l)| *l == leader)
                    .count() as u32;
                if to_leader >= self.config.max_in_flight {
                    break;
                }
                if self.config.idempotent && front.sequence.is_some() && self.has_earlier(front) {
                    // K22: a batch being retried goes out only as the partition's first
                    // unresolved sequence; behind an earlier one (in flight, or waiting out its
                    // request timeout) it waits rather than spend its retries on
                    // OutOfOrderSequence. The Java client's
                    // RecordAccumulator.shouldStopDrainBatchesForPartition: "this effectively
                    // reduces our in flight request count to 1".
                    break;
                }
                let needs_number = self.config.idempotent && front.sequence.is_none();
                if needs_number && !self.numbering_ready(tp) {
                    // After an epoch bump the partition's numbering restarts once the
                    // requests still in flight under the old epoch are answered.
                    break;
                }
                let mut batch = self
                    .queues
                    .get_mut(&tp)
                    .and_then(VecDeque::pop_front)
                    .expect("front exists");
                batch.attempts += 1;
                if needs_number {
                    let epoch = self.producer_epoch;
                    let next = self.next_sequence.entry(tp).or_insert((epoch, 0));
                    if next.0 != epoch {
                        *next = (epoch, 0);
                    }
                    batch.sequence = Some(Sequence {
                        producer_id: self.producer_id,
                        producer_epoch: epoch,
                        base: next.1,
                    });
                    next.1 += batch.messages.len() as u32;
                }
                for &m in &batch.messages {
                    ledger.sent(m);
                }
                let request = ProduceRequest {
                    tp,
                    batch: batch.id,
                    messages: batch.messages.clone(),
                    acks: self.config.acks,
                    timeout_ms: self.config.request_timeout_ms,
                    sequence: batch.sequence,
                    transactional: self.config.transactional_id.is_some(),
                };
                fx.send(self.id, leader, Msg::Produce(request));
                if self.config.acks == Acks::Zero {
                    // K11: nothing comes back; the application counts it as sent.
                    for &m in &batch.messages {
                        ledger.acknowledged(m, now, None);
                    }
                    fx.note(Note::ProduceAcked {
                        producer: self.id,
                        tp,
                        base_offset: None,
                        messages: batch.messages,
                    });
                } else {
                    fx.reset_timer(
                        self.id,
                        self.config.request_timeout_ms,
                        Timer::RequestTimeout { batch: batch.id },
                    );
                    self.in_flight.insert(batch.id, (batch, leader));
                }
            }
        }
        self.queues.retain(|_, q| !q.is_empty());
        // KIP-91: wake at the next delivery deadline too, so a batch that nothing else
        // moves (in flight, or queued behind one) is reported when its time is up.
        let deadline = self.next_deadline().filter(|&at| at > now);
        if let Some(at) = [wake, deadline].into_iter().flatten().min() {
            self.schedule_pump(at, fx);
        }
    }

    /// The earliest delivery deadline of a batch in flight or first in its partition's queue
    /// (as `RecordAccumulator.expiredBatches` looks only at each queue's first batch).
    fn next_deadline(&self) -> Option<Millis> {
        let queued = self.queues.values().filter_map(VecDeque::front);
        let in_flight = self.in_flight.values().map(|(b, _)| b);
        queued
            .chain(in_flight)
            .map(|b| b.created_at + self.config.delivery_timeout_ms)
            .min()
    }

    /// KIP-91: a batch in flight when `delivery.timeout.ms` has passed fails now (the Java
    /// client's Sender.getExpiredInflightBatches); the answer to its request, if one comes,
    /// is ignored. The broker may still have written it: failed is not "not stored".
    fn expire_in_flight(&mut self, fx: Fx, ledger: &mut Ledger) {
        let (now, timeout) = (fx.now(), self.config.delivery_timeout_ms);
        for batch in self.take_in_flight(|b, _| now >= b.created_at + timeout, fx) {
            self.fail(batch, KafkaError::DeliveryTimeout, fx, ledger);
        }
    }

    pub fn on_message(&mut self, msg: Msg, ledger: &mut Ledger, fx: Fx) {
        match msg {
            Msg::MetadataResponse(meta) => {
                self.metadata = Some(meta);
                self.metadata_requested_at = None;
            }
            Msg::ProduceResponse { tp, batch, result } => {
                let Some((batch, _)) = self.in_flight.remove(&batch) else {
                    return;
                }; // answered after our timeout
                fx.cancel_timer(self.id, Timer::RequestTimeout { batch: batch.id });
                match result {
                    Ok(base) => {
                        for (i, &m) in batch.messages.iter().enumerate() {
                            ledger.acknowledged(m, fx.now(), Some(base + i as u64));
                        }
                        fx.note(Note::ProduceAcked {
                            producer: self.id,
                            tp,
                            base_offset: Some(base),
                            messages: batch.messages,
                        });
                    }
                    Err(error) => self.retry_or_fail(batch, error, fx, ledger),
                }
            }
            _ => return,
        }
        self.pump(fx, ledger);
    }

    /// Takes the batches in flight that `which` picks (batch, broker), in batch order; their
    /// request timeouts will not fire.
    fn take_in_flight(&mut self, which: impl Fn(&Batch, NodeId) -> bool, fx: Fx) -> Vec<Batch> {
        let ids: Vec<u64> = self
            .in_flight
            .iter()
            .filter(|(_, (b, to))| which(b, *to))
            .map(|(id, _)| *id)
            .collect();
        let mut taken = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some((batch, _)) = self.in_flight.remove(&id) {
                fx.cancel_timer(self.id, Timer::RequestTimeout { batch: batch.id });
                taken.push(batch);
            }
        }
        taken
    }

    /// Has requests in flight on this broker.
    pub fn waits_on(&self, broker: NodeId) -> bool {
        self.in_flight.values().any(|(_, to)| *to == broker)
    }

    /// The broker's connection closed: every request in flight on it failed with a
    /// retriable NetworkException (retried after a metadata refresh, as on a refusal).
    pub fn on_disconnect(&mut self, broker: NodeId, ledger: &mut Ledger, fx: Fx) {
        for batch in self.take_in_flight(|_, to| to == broker, fx) {
            self.retry_or_fail(batch, KafkaError::NetworkException, fx, ledger);
        }
        self.pump(fx, ledger);
    }

    pub fn on_refused(&mut self, msg: Msg, ledger: &mut Ledger, fx: Fx) {
        match msg {
            Msg::Produce(ProduceRequest { batch, .. }) => {
                if let Some((batch, _)) = self.in_flight.remove(&batch) {
                    fx.cancel_timer(self.id, Timer::RequestTimeout { batch: batch.id });
                    self.retry_or_fail(batch, KafkaError::NetworkException, fx, ledger);
                }
            }
            Msg::MetadataRequest => self.metadata_requested_at = None,
            _ => {}
        }
        self.pump(fx, ledger);
    }

    pub fn on_timer(&mut self, timer: Timer, ledger: &mut Ledger, fx: Fx) {
        match timer {
            Timer::RequestTimeout { batch } => {
                if let Some((batch, _)) = self.in_flight.remove(&batch) {
                    self.retry_or_fail(batch, KafkaError::RequestTimedOut, fx, ledger);
                }
            }
            Timer::Pump => self.pump_at = None,
            _ => {}
        }
        self.pump(fx, ledger);
    }

    fn retry_or_fail(&mut self, mut batch: Batch, error: KafkaError, fx: Fx, ledger: &mut Ledger) {
        let now = fx.now();
        for &m in &batch.messages {
            ledger.error(m, error.name());
        }
        if batch.attempts > self.config.retries {
            return self.fail(batch, KafkaError::RetriesExhausted, fx, ledger);
        }
        if error == KafkaError::InvalidProducerEpoch && self.config.transactional_id.is_some() {
            // K23: a newer epoch of our transactional.id exists: we are a zombie, fatally.
            return self.fail(batch, KafkaError::ProducerFenced, fx, ledger);
        }
        // K22 with KIP-360 (Kafka 2.5+): a sequence gap is expected while an earlier batch is
        // being retried (it will land first). With nothing earlier outstanding the broker has
        // lost records (an unclean election, a truncation): the producer bumps its epoch,
        // renumbers the partition from 0 and retries, telling the application nothing.
        let stale = batch
            .sequence
            .is_some_and(|s| s.producer_epoch < self.producer_epoch);
        if stale || error == KafkaError::InvalidProducerEpoch {
            batch.sequence = None;
        } else if error == KafkaError::OutOfOrderSequence
            && self.config.transactional_id.is_some()
            && !self.has_earlier(&batch)
        {
            // K23: a transactional producer's epoch is the coordinator's: the batch fails and
            // its transaction aborts.
            return self.fail(batch, error, fx, ledger);
        } else if error == KafkaError::OutOfOrderSequence && !self.has_earlier(&batch) {
            self.bump_epoch(batch.tp, fx);
            batch.sequence = None;
        }
        if now >= batch.created_at + self.config.delivery_timeout_ms {
            return self.fail(batch, KafkaError::DeliveryTimeout, fx, ledger);
        }
        // Every retriable error may mean the leader moved: look again before retrying.
        self.metadata = None;
        self.request_metadata(fx);
        let exponent = batch.attempts.saturating_sub(1).min(16);
        let backoff = (self.config.retry_backoff_ms << exponent)
            .min(RETRY_BACKOFF_MAX_MS.max(self.config.retry_backoff_ms));
        batch.not_before = now + backoff;
        fx.note(Note::ProduceRetry {
            producer: self.id,
            tp: batch.tp,
            error,
            messages: batch.messages.clone(),
        });
        let queue = self.queues.entry(batch.tp).or_default();
        queue.push_front(batch);
        // Idempotent batches go out in sequence order; a stable sort keeps the ones still to
        // be numbered behind, in the order they came.
        sort_by_key(queue.make_contiguous(), |b| {
            b.sequence
                .map_or((u32::MAX, u32::MAX), |s| (s.producer_epoch, s.base))
        });
    }

    /// Whether a batch of `tp` can be numbered now: its numbering is of the current epoch,
    /// or nothing of the partition is in flight any more.
    fn numbering_ready(&self, tp: Tp) -> bool {
        self.next_sequence
            .get(&tp)
            .is_none_or(|&(epoch, _)| epoch == self.producer_epoch)
            || !self.in_flight.values().any(|(b, _)| b.tp == tp)
    }

    /// KIP-360: a new epoch for the same producer id; the partition's waiting batches lose
    /// their numbers and are numbered again from 0 when they go out.
    fn bump_epoch(&mut self, tp: Tp, fx: Fx) {
        self.producer_epoch += 1;
        if let Some(queue) = self.queues.get_mut(&tp) {
            for b in queue.iter_mut() {
                b.sequence = None;
            }
        }
        fx.note(Note::ProducerEpochBumped {
            producer: self.id,
            tp,
            epoch: self.producer_epoch,
        });
    }

    fn has_earlier(&self, batch: &Batch) -> bool {
        let Some(seq) = batch.sequence else {
            return false;
        };
        let earlier = |b: &Batch| {
            b.tp == batch.tp
                && b.sequence.is_some_and(|s| {
                    s.producer_id == seq.producer_id
                        && s.producer_epoch == seq.producer_epoch
                        && s.base < seq.base
                })
        };
        self.in_flight.values().any(|(b, _)| earlier(b))
            || self
                .queues
                .get(&batch.tp)
                .is_some_and(|q| q.iter().any(earlier))
    }

    fn fail(&mut self, batch: Batch, error: KafkaError, fx: Fx, ledger: &mut Ledger) {
        // A transactional producer's epoch is the coordinator's to give (K23).
        if batch.sequence.is_some() && self.config.transactional_id.is_none() {
            // The sequence now has a gap: the client bumps its epoch (KIP-360).
            self.bump_epoch(batch.tp, fx);
        }
        for &m in &batch.messages {
            ledger.failed(m, fx.now(), error.name());
        }
        fx.note(Note::ProduceFailed {
            producer: self.id,
            tp: batch.tp,
            error,
            messages: batch.messages,
        });
    }

    /// K23: initTransactions answered: the coordinator's producer id and epoch replace this
    /// session's. Whatever the application had queued or in flight belonged to the old
    /// transaction, which the coordinator has aborted: it fails.
    pub fn init_transactions(&mut self, producer_id: u64, epoch: u32, ledger: &mut Ledger, fx: Fx) {
        self.producer_id = producer_id;
        self.producer_epoch = epoch;
        self.next_sequence.clear();
        let mut old: Vec<Batch> = self.queues.values_mut().flat_map(|q| q.drain(..)).collect();
        self.queues.clear();
        old.extend(self.take_in_flight(|_, _| true, fx));
        for batch in old {
            self.fail(batch, KafkaError::ProducerFenced, fx, ledger);
        }
    }

    /// The producer id and epoch this producer writes with.
    pub fn producer_epoch(&self) -> (u64, u32) {
        (self.producer_id, self.producer_epoch)
    }
}
