//! Kafka transactions (K23, KIP-98): the transaction coordinator and the application side of
//! a transactional producer.
//!
//! Simplifications, each said where it is made:
//! - The coordinator of a `transactional.id` is the broker the id hashes to (standing in for
//!   the leader of its `__transaction_state` partition). Its state is kept here, beside the
//!   brokers, as replicated `__transaction_state` would keep it: a broker crash does not lose
//!   it, and the coordinator's requests (InitProducerId, AddPartitionsToTxn, EndTxn) are
//!   answered at once, without a round trip that could be lost.
//! - WriteTxnMarkers goes straight to the partition's current leader; a partition without a
//!   live leader gets its marker when one is elected (tried again after every event).
//! - There is no `transaction.timeout.ms`: an open transaction stays open (and holds back
//!   the LSO) until its producer ends it or a new producer with the same id initialises.

use crate::metadata::Tp;
use crate::protocol::{KafkaError, Marker, Note};
use crate::{partition_for_key, Kafka, PRODUCER_BASE};
use mqlab_engine::{Effects, NodeId, VecMap};
use mqlab_ledger::{MessageId, Outcome};

type Fx<'a, 'b> = &'a mut Effects<'b, Kafka>;

/// What the coordinator keeps per `transactional.id` (a `__transaction_state` entry).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxnState {
    pub producer_id: u64,
    /// Bumped by every initTransactions: older epochs are fenced.
    pub epoch: u32,
    /// The producer that holds the current epoch.
    pub owner: NodeId,
    /// Partitions of the ongoing transaction (AddPartitionsToTxn); empty: none ongoing.
    pub partitions: Vec<Tp>,
}

/// A transaction the application has begun and not yet seen end.
#[derive(Clone, Debug, Default)]
pub(crate) struct ClientTxn {
    messages: Vec<MessageId>,
    /// commitTransaction (true) or abortTransaction (false) was called; it completes once
    /// every send of the transaction has an answer, as the Java client flushes first.
    end: Option<bool>,
    /// sendOffsetsToTransaction: the group and its offsets.
    offsets: Option<(String, Vec<(Tp, u64)>)>,
    /// A consume-transform-produce consumer waiting in commitTransaction.
    consumer: Option<NodeId>,
}

#[derive(Clone, Debug)]
pub(crate) struct PendingMarker {
    tp: Tp,
    producer_id: u64,
    epoch: u32,
    marker: Marker,
}

/// The coordinator's state and the markers it still has to write.
#[derive(Clone, Debug, Default)]
pub struct Transactions {
    pub states: VecMap<String, TxnState>,
    pub(crate) clients: VecMap<NodeId, ClientTxn>,
    pub(crate) pending_markers: Vec<PendingMarker>,
    /// Producers that have called initTransactions.
    pub(crate) initialized: Vec<NodeId>,
}

impl Kafka {
    /// The broker coordinating a `transactional.id`.
    pub fn transaction_coordinator(&self, transactional_id: &str) -> NodeId {
        NodeId(1 + partition_for_key(transactional_id.as_bytes(), self.config.brokers))
    }

    pub fn transactions(&self) -> &Transactions {
        &self.transactions
    }

    pub(crate) fn transactional_id(&self, producer: NodeId) -> Option<String> {
        self.producers
            .get(&producer)
            .and_then(|p| p.config.transactional_id.clone())
    }

    /// initTransactions: bump the id's epoch (fencing its older producers), abort the
    /// transaction the previous epoch left open, and hand the producer its id and epoch.
    pub(crate) fn init_transactions(&mut self, producer: NodeId, fx: Fx) {
        let Some(id) = self.transactional_id(producer) else {
            return;
        };
        let coordinator = self.transaction_coordinator(&id);
        // A deterministic producer id per transactional id, kept across epochs.
        let fresh_id = 500_000 + self.transactions.states.len() as u64;
        let (producer_id, epoch, open) = match self.transactions.states.get_mut(&id) {
            Some(state) => {
                state.epoch += 1;
                state.owner = producer;
                let open = std::mem::take(&mut state.partitions);
                (state.producer_id, state.epoch, open)
            }
            None => {
                let state = TxnState {
                    producer_id: fresh_id,
                    epoch: 0,
                    owner: producer,
                    partitions: Vec::new(),
                };
                self.transactions.states.insert(id.clone(), state);
                (fresh_id, 0, Vec::new())
            }
        };
        // The older epoch's open transaction is aborted with the new epoch, so the broker
        // refuses the zombie's late batches (InvalidProducerEpoch).
        for &tp in &open {
            self.write_marker(tp, producer_id, epoch, Marker::Abort, fx);
        }
        self.transactions.clients.remove(&producer);
        if !self.transactions.initialized.contains(&producer) {
            self.transactions.initialized.push(producer);
        }
        fx.note(Note::TxnInit {
            producer,
            transactional_id: id,
            coordinator,
            producer_id,
            epoch,
            aborted: open,
        });
        if let Some(p) = self.producers.get_mut(&producer) {
            p.init_transactions(producer_id, epoch, &mut self.ledger, fx);
        }
    }

    /// Whether the producer holds its id's current epoch (else it is a fenced zombie).
    fn holds_epoch(&self, producer: NodeId) -> bool {
        let Some(p) = self.producers.get(&producer) else {
            return false;
        };
        let Some(state) = p
            .config
            .transactional_id
            .as_ref()
            .and_then(|id| self.transactions.states.get(id))
        else {
            return false;
        };
        p.producer_epoch() == (state.producer_id, state.epoch)
    }

    /// beginTransaction + AddPartitionsToTxn + send. A fenced producer's request is refused
    /// with ProducerFencedException and nothing is written. Returns whether it was sent.
    pub(crate) fn send_in_transaction(
        &mut self,
        producer: NodeId,
        batches: VecMap<Tp, Vec<MessageId>>,
        fx: Fx,
    ) -> bool {
        let messages: Vec<MessageId> = batches.values().flatten().copied().collect();
        let state = self
            .transactional_id(producer)
            .filter(|_| self.holds_epoch(producer))
            .and_then(|id| self.transactions.states.get_mut(&id));
        let Some(state) = state else {
            for &m in &messages {
                self.ledger
                    .failed(m, fx.now(), KafkaError::ProducerFenced.name());
            }
            fx.note(Note::TxnFenced { producer, messages });
            return false;
        };
        let mut added = Vec::new();
        for &tp in batches.keys() {
            if !state.partitions.contains(&tp) {
                state.partitions.push(tp);
                added.push(tp);
            }
        }
        fx.note(Note::TxnBegun {
            producer,
            partitions: added,
            messages: messages.clone(),
        });
        let client = self.transactions.clients.entry(producer).or_default();
        client.messages.extend(messages);
        if let Some(p) = self.producers.get_mut(&producer) {
            for (tp, messages) in batches {
                p.send(tp, messages, &mut self.ledger, fx);
            }
        }
        true
    }

    /// commitTransaction / abortTransaction, with the offsets sendOffsetsToTransaction gave.
    pub(crate) fn request_end(
        &mut self,
        producer: NodeId,
        commit: bool,
        offsets: Option<(String, Vec<(Tp, u64)>)>,
        consumer: Option<NodeId>,
    ) {
        let client = self.transactions.clients.entry(producer).or_default();
        client.end = Some(commit);
        client.offsets = offsets;
        client.consumer = consumer;
    }

    /// After every event: write markers still owed, and end the transactions whose sends
    /// have all been answered.
    pub(crate) fn advance_transactions(&mut self, fx: Fx) {
        if self.transactions.clients.is_empty() && self.transactions.pending_markers.is_empty() {
            return;
        }
        for m in std::mem::take(&mut self.transactions.pending_markers) {
            self.write_marker(m.tp, m.producer_id, m.epoch, m.marker, fx);
        }
        let ready: Vec<NodeId> = self
            .transactions
            .clients
            .iter()
            .filter(|(_, c)| c.end.is_some())
            .filter(|(_, c)| c.messages.iter().all(|&m| self.answered(m)))
            .map(|(&p, _)| p)
            .collect();
        for producer in ready {
            if let Some(client) = self.transactions.clients.remove(&producer) {
                self.end_transaction(producer, client, fx);
            }
        }
    }

    fn answered(&self, m: MessageId) -> bool {
        self.ledger
            .get(m)
            .is_none_or(|r| !matches!(r.outcome, Outcome::Pending))
    }

    fn end_transaction(&mut self, producer: NodeId, client: ClientTxn, fx: Fx) {
        let all_acked = client
            .messages
            .iter()
            .all(|&m| self.ledger.get(m).is_some_and(|r| r.is_acknowledged()));
        let id = self.transactional_id(producer);
        let fenced = !self.holds_epoch(producer);
        let committed = if fenced {
            // EndTxn from an older epoch: ProducerFencedException; the newer producer's
            // initTransactions already aborted what this one wrote.
            fx.note(Note::TxnFenced {
                producer,
                messages: client.messages.clone(),
            });
            false
        } else {
            // A failed send makes commitTransaction throw: the application aborts instead.
            let commit = client.end == Some(true) && all_acked;
            let Some(state) = id.and_then(|id| self.transactions.states.get_mut(&id)) else {
                return;
            };
            let partitions = std::mem::take(&mut state.partitions);
            let (producer_id, epoch) = (state.producer_id, state.epoch);
            let marker = if commit {
                Marker::Commit
            } else {
                Marker::Abort
            };
            for &tp in &partitions {
                self.write_marker(tp, producer_id, epoch, marker, fx);
            }
            let mut offsets = Vec::new();
            if let (true, Some((group, given))) = (commit, &client.offsets) {
                for &(tp, offset) in given {
                    self.committed.insert((group.clone(), tp), offset);
                }
                offsets.clone_from(given);
            }
            fx.note(Note::TxnEnded {
                producer,
                commit,
                partitions,
                offsets,
            });
            commit
        };
        // What the application hears of the transaction's records.
        let error = if fenced {
            KafkaError::ProducerFenced.name()
        } else {
            "TransactionAborted"
        };
        if !committed {
            for &m in &client.messages {
                self.ledger.error(m, error);
            }
        }
        if let Some(c) = client.consumer.and_then(|c| self.consumers.get_mut(&c)) {
            c.after_transaction(committed, fenced, &mut self.ledger, fx);
        }
    }

    fn write_marker(&mut self, tp: Tp, producer_id: u64, epoch: u32, marker: Marker, fx: Fx) {
        let config = self.config.clone();
        let written = self
            .metadata()
            .leader(tp)
            .and_then(|leader| self.brokers.get_mut(&leader))
            .and_then(|b| b.append_marker(&config, tp, producer_id, epoch, marker, fx));
        if written.is_none() {
            self.transactions.pending_markers.push(PendingMarker {
                tp,
                producer_id,
                epoch,
                marker,
            });
        }
    }

    /// Consume-transform-produce: hand what the consumer processed to its transactional
    /// producer (one output record per input record, keyed by the input's label), and once
    /// the batch is done, send its offsets with the transaction and commit.
    pub(crate) fn drive_transform(&mut self, consumer: NodeId, fx: Fx) {
        let Some(c) = self.consumers.get_mut(&consumer) else {
            return;
        };
        let Some(transform) = c.config.transform.clone() else {
            return;
        };
        let inputs = std::mem::take(&mut c.transformed);
        let offsets = c.transaction_offsets.take();
        let group = c.config.group.clone();
        let producer = NodeId(PRODUCER_BASE + transform.producer as u32);
        if !inputs.is_empty() {
            let topic = transform.output_topic;
            let Some(t) = self.config.topics.get(topic as usize) else {
                return;
            };
            let (name, partitions) = (t.name.clone(), t.partitions);
            let mut batches: VecMap<Tp, Vec<MessageId>> = VecMap::new();
            for m in inputs {
                let key = self.ledger.label(m).to_string();
                let partition = partition_for_key(key.as_bytes(), partitions);
                let label = format!("{name}/{key}");
                let destination = format!("{name}-{partition}");
                let out = self.ledger.produce(label, producer, destination, fx.now());
                batches
                    .entry(Tp { topic, partition })
                    .or_default()
                    .push(out);
            }
            self.send_in_transaction(producer, batches, fx);
        }
        if let Some(offsets) = offsets {
            self.request_end(producer, true, Some((group, offsets)), Some(consumer));
        }
    }
}
