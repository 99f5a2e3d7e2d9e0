//! The message ledger: 不能多，不能少 (no more, no fewer).
//!
//! Every message gets an identity when it is produced, and the clients record what happens to
//! it: sent, acknowledged or failed, delivered to whom. Where copies of it are stored is the
//! broker model's business; it reports that as a [`Placement`] and the ledger turns the two
//! into a [`Fate`]. Nothing here knows Kafka or RabbitMQ.

mod store;

pub use store::{Row, Store, StoreKind, WriteEffect};

use mqlab_engine::VecMap;
use mqlab_engine::{Millis, NodeId};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct MessageId(pub u32);

/// What the producer was last told about a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// No answer yet.
    Pending,
    /// Acknowledged; `position` is where the broker says it stored it (a Kafka offset), if it says.
    Acknowledged { at: Millis, position: Option<u64> },
    /// The producer gave up and reported this error to the application.
    Failed { at: Millis, error: String },
}

#[derive(Clone, Debug)]
pub struct MessageRecord {
    pub id: MessageId,
    /// Readable identity, e.g. "order-17"; also the key.
    pub label: String,
    pub producer: NodeId,
    /// Where it was sent: a Kafka partition "orders-0", a queue.
    pub destination: String,
    pub produced_at: Millis,
    /// How many times the producer sent it (1 + retries).
    pub attempts: u32,
    pub outcome: Outcome,
    /// The most recent error the producer saw for it, even if a retry later succeeded.
    pub last_error: Option<String>,
    /// (reader, time) of every read by a probe that is not part of any application.
    pub reads: Vec<(NodeId, Millis)>,
    /// (consumer, time) of every delivery to an application consumer.
    pub deliveries: Vec<(NodeId, Millis)>,
    /// Every time a consumer processed it into a downstream store.
    pub processings: Vec<Processing>,
}

/// A consumer processed a message into a store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Processing {
    pub consumer: NodeId,
    pub at: Millis,
    pub store: String,
    pub effect: WriteEffect,
}

impl MessageRecord {
    pub fn is_acknowledged(&self) -> bool {
        matches!(self.outcome, Outcome::Acknowledged { .. })
    }
}

/// Where a broker model says a message's copies are now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Placement {
    /// Nodes holding a copy.
    pub copies: Vec<NodeId>,
    /// How many times it appears on the authoritative copy (more than one: a duplicate).
    pub on_authority: u32,
    /// There is an authoritative copy at all (a Kafka partition with a leader).
    pub has_authority: bool,
    /// A consumer could read it now.
    pub readable: bool,
    /// Its first position on the authoritative copy (a Kafka offset), if it is there.
    pub position: Option<u64>,
    /// A consumer group moved its committed position past it without processing it, or a
    /// queue handed it to a consumer that died before processing it (autoAck): it will never
    /// be processed (at-most-once loss).
    pub skipped: bool,
    /// A queue removed it because a consumer took it (acked, or sent with autoAck): gone by
    /// design, not lost.
    pub consumed: bool,
    /// It was written inside a transaction that aborted (Kafka K23): an abort marker follows it
    /// on the authoritative copy, and a read_committed consumer never sees it. Gone by design.
    pub aborted: bool,
}

/// A message's fate so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fate {
    /// Produced, no answer yet, not readable.
    Pending,
    /// The producer gave up (an error it reported to the application), and it is not readable.
    Failed,
    /// Acknowledged and readable by consumers.
    Visible,
    /// Acknowledged and stored where it counts, not yet readable (above the high watermark).
    Stored,
    /// Acknowledged, on some node, but nothing can serve it now (no leader).
    Unavailable,
    /// Acknowledged and gone: not on the authoritative copy, or on no node at all.
    Lost,
    /// Readable although the producer was never told it succeeded (a timed-out ack, a failure).
    VisibleUnacked,
    /// A consumer took it: a queue removed it on the ack, or it was processed before the broker
    /// lost it. Done, not lost.
    Consumed,
    /// Written in a transaction that aborted: on the log, but never committed; read_committed
    /// consumers skip it. Not lost: the application rolled it back.
    Aborted,
}

impl Fate {
    pub fn of(record: &MessageRecord, placement: &Placement) -> Fate {
        if placement.aborted {
            return Fate::Aborted;
        }
        let acked = record.is_acknowledged();
        // Taken by a consumer (acked, or processed before the broker lost it): done, not lost.
        let processed = !record.processings.is_empty();
        if (placement.consumed || processed) && !placement.readable {
            return Fate::Consumed;
        }
        if placement.readable {
            return if acked {
                Fate::Visible
            } else {
                Fate::VisibleUnacked
            };
        }
        if !acked {
            return match record.outcome {
                Outcome::Failed { .. } => Fate::Failed,
                _ => Fate::Pending,
            };
        }
        if placement.has_authority {
            if placement.on_authority > 0 {
                Fate::Stored
            } else {
                Fate::Lost
            }
        } else if placement.copies.is_empty() {
            Fate::Lost
        } else {
            Fate::Unavailable
        }
    }
}

/// Counts over the whole ledger.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub produced: u32,
    pub acknowledged: u32,
    pub failed: u32,
    pub pending: u32,
    pub visible: u32,
    /// Acknowledged messages gone from the broker, plus messages a consumer group skipped.
    pub lost: u32,
    /// Messages a queue handed to a consumer and removed (RabbitMQ): gone by design.
    pub consumed: u32,
    /// Messages written in a transaction that aborted (Kafka): never committed, by design.
    pub aborted: u32,
    pub unavailable: u32,
    /// Messages stored more than once on their authoritative copy.
    pub duplicated: u32,
    /// Messages stored before one their producer sent earlier to the same destination.
    pub out_of_order: u32,
    /// Messages delivered to a consumer at least once.
    pub delivered: u32,
    /// Messages delivered more than once.
    pub redelivered: u32,
    /// Messages processed into a store at least once.
    pub processed: u32,
    /// Messages with more than one row in a store: 不能多 broken.
    pub store_duplicates: u32,
    /// Messages processed again whose repeat the store's strategy absorbed.
    pub absorbed: u32,
    /// Messages a consumer group committed past without processing: 不能少 broken (in `lost`).
    pub skipped: u32,
}

/// What the ledger concludes about one message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Assessment {
    pub fate: Fate,
    /// It overtook a message its producer sent earlier to the same destination.
    pub out_of_order: bool,
    pub consumption: Consumption,
}

/// The consumer side of a message's fate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Consumption {
    /// No consumer has it yet.
    NotDelivered,
    /// Delivered, not yet processed into a store.
    Delivered,
    /// Processed into a store as exactly one row.
    Processed,
    /// Processed more than once and the store kept the extra rows.
    Duplicated,
    /// Processed more than once; the store's strategy absorbed the repeats.
    Deduplicated,
    /// A group committed past it without processing it.
    Skipped,
}

impl Consumption {
    pub fn of(record: &MessageRecord, placement: &Placement) -> Consumption {
        let rows = record
            .processings
            .iter()
            .filter(|p| p.effect.adds_row())
            .count();
        if rows > 1 {
            Consumption::Duplicated
        } else if record.processings.len() > 1 {
            Consumption::Deduplicated
        } else if !record.processings.is_empty() {
            Consumption::Processed
        } else if placement.skipped {
            Consumption::Skipped
        } else if record.deliveries.is_empty() {
            Consumption::NotDelivered
        } else {
            Consumption::Delivered
        }
    }
}

/// Judge every message (records in production order, with their placements) and count.
pub fn assess(records: &[MessageRecord], placements: &[Placement]) -> (Vec<Assessment>, Tally) {
    let mut tally = Tally::default();
    // Per producer and destination: the furthest position of anything it sent before.
    let mut furthest: VecMap<(NodeId, &str), u64> = VecMap::new();
    let assessments = records
        .iter()
        .zip(placements)
        .map(|(record, placement)| {
            let fate = Fate::of(record, placement);
            let mut out_of_order = false;
            if let Some(position) = placement.position {
                let key = (record.producer, record.destination.as_str());
                let before = furthest.entry(key).or_insert(position);
                out_of_order = position < *before;
                *before = (*before).max(position);
            }
            let consumption = Consumption::of(record, placement);
            tally.add(record, placement, fate, out_of_order);
            tally.consumed(record, consumption, fate);
            Assessment {
                fate,
                out_of_order,
                consumption,
            }
        })
        .collect();
    (assessments, tally)
}

impl Tally {
    fn add(
        &mut self,
        record: &MessageRecord,
        placement: &Placement,
        fate: Fate,
        out_of_order: bool,
    ) {
        self.out_of_order += u32::from(out_of_order);
        self.produced += 1;
        match record.outcome {
            Outcome::Acknowledged { .. } => self.acknowledged += 1,
            Outcome::Failed { .. } => self.failed += 1,
            Outcome::Pending => self.pending += 1,
        }
        match fate {
            Fate::Visible | Fate::VisibleUnacked => self.visible += 1,
            Fate::Lost => self.lost += 1,
            Fate::Consumed => self.consumed += 1,
            Fate::Aborted => self.aborted += 1,
            Fate::Unavailable => self.unavailable += 1,
            _ => {}
        }
        if placement.on_authority > 1 {
            self.duplicated += 1;
        }
    }

    fn consumed(&mut self, record: &MessageRecord, consumption: Consumption, fate: Fate) {
        self.delivered += u32::from(!record.deliveries.is_empty());
        self.redelivered += u32::from(record.deliveries.len() > 1);
        self.processed += u32::from(!record.processings.is_empty());
        match consumption {
            Consumption::Duplicated => self.store_duplicates += 1,
            Consumption::Deduplicated => self.absorbed += 1,
            Consumption::Skipped => {
                self.skipped += 1;
                // Counted once: a message the broker lost is already in `lost`.
                self.lost += u32::from(fate != Fate::Lost);
            }
            _ => {}
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Ledger {
    records: Vec<MessageRecord>,
}

impl Ledger {
    pub fn produce(
        &mut self,
        label: String,
        producer: NodeId,
        destination: String,
        at: Millis,
    ) -> MessageId {
        let id = MessageId(self.records.len() as u32);
        self.records.push(MessageRecord {
            id,
            label,
            producer,
            destination,
            produced_at: at,
            attempts: 0,
            outcome: Outcome::Pending,
            last_error: None,
            reads: Vec::new(),
            deliveries: Vec::new(),
            processings: Vec::new(),
        });
        id
    }

    pub fn get(&self, id: MessageId) -> Option<&MessageRecord> {
        self.records.get(id.0 as usize)
    }

    pub fn label(&self, id: MessageId) -> &str {
        self.get(id).map_or("?", |r| r.label.as_str())
    }

    pub fn records(&self) -> &[MessageRecord] {
        &self.records
    }

    fn with(&mut self, id: MessageId, f: impl FnOnce(&mut MessageRecord)) {
        if let Some(record) = self.records.get_mut(id.0 as usize) {
            f(record);
        }
    }

    pub fn sent(&mut self, id: MessageId) {
        self.with(id, |r| r.attempts += 1);
    }

    /// The first acknowledgement counts; a later one (a duplicate's) does not move it.
    pub fn acknowledged(&mut self, id: MessageId, at: Millis, position: Option<u64>) {
        self.with(id, |r| {
            if !r.is_acknowledged() {
                r.outcome = Outcome::Acknowledged { at, position };
            }
        });
    }

    /// An error the producer saw; it may still retry.
    pub fn error(&mut self, id: MessageId, error: &str) {
        self.with(id, |r| r.last_error = Some(error.to_string()));
    }

    pub fn failed(&mut self, id: MessageId, at: Millis, error: &str) {
        self.with(id, |r| {
            r.last_error = Some(error.to_string());
            if !r.is_acknowledged() {
                r.outcome = Outcome::Failed {
                    at,
                    error: error.to_string(),
                };
            }
        });
    }

    /// A probe read it (it does not count as a delivery).
    pub fn read(&mut self, id: MessageId, reader: NodeId, at: Millis) {
        self.with(id, |r| r.reads.push((reader, at)));
    }

    pub fn delivered(&mut self, id: MessageId, consumer: NodeId, at: Millis) {
        self.with(id, |r| r.deliveries.push((consumer, at)));
    }

    pub fn processed(&mut self, id: MessageId, processing: Processing) {
        self.with(id, |r| r.processings.push(processing));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(outcome: Outcome) -> MessageRecord {
        let mut ledger = Ledger::default();
        let id = ledger.produce("m".into(), NodeId(9), "t-0".into(), 0);
        let mut r = ledger.get(id).unwrap().clone();
        r.outcome = outcome;
        r
    }

    #[test]
    fn fates_follow_acknowledgement_and_placement() {
        let acked = record(Outcome::Acknowledged {
            at: 1,
            position: Some(0),
        });
        let pending = record(Outcome::Pending);
        let on_leader = Placement {
            copies: vec![NodeId(1)],
            on_authority: 1,
            has_authority: true,
            readable: false,
            position: Some(0),
            skipped: false,
            consumed: false,
            aborted: false,
        };
        let readable = Placement {
            readable: true,
            ..on_leader.clone()
        };
        let gone_from_leader = Placement {
            copies: vec![NodeId(1)],
            on_authority: 0,
            has_authority: true,
            readable: false,
            position: None,
            skipped: false,
            consumed: false,
            aborted: false,
        };
        let offline = Placement {
            copies: vec![NodeId(1)],
            on_authority: 0,
            has_authority: false,
            readable: false,
            position: None,
            skipped: false,
            consumed: false,
            aborted: false,
        };
        assert_eq!(Fate::of(&acked, &readable), Fate::Visible);
        assert_eq!(Fate::of(&acked, &on_leader), Fate::Stored);
        assert_eq!(Fate::of(&acked, &gone_from_leader), Fate::Lost);
        assert_eq!(Fate::of(&acked, &offline), Fate::Unavailable);
        assert_eq!(Fate::of(&acked, &Placement::default()), Fate::Lost);
        assert_eq!(Fate::of(&pending, &readable), Fate::VisibleUnacked);
        assert_eq!(Fate::of(&pending, &on_leader), Fate::Pending);
        // K23: an aborted transaction's record stays on the log, readable by read_uncommitted
        // consumers, yet it was rolled back: aborted, neither visible nor lost.
        let aborted = Placement {
            aborted: true,
            ..readable.clone()
        };
        assert_eq!(Fate::of(&acked, &aborted), Fate::Aborted);
        let (_, tally) = assess(std::slice::from_ref(&acked), &[aborted]);
        assert_eq!((tally.aborted, tally.visible, tally.lost), (1, 0, 0));
    }

    #[test]
    fn first_ack_wins_and_failure_after_ack_does_not_unack() {
        let mut ledger = Ledger::default();
        let id = ledger.produce("m".into(), NodeId(9), "t-0".into(), 0);
        ledger.acknowledged(id, 5, Some(3));
        ledger.acknowledged(id, 9, Some(7));
        ledger.failed(id, 10, "late");
        assert_eq!(
            ledger.get(id).unwrap().outcome,
            Outcome::Acknowledged {
                at: 5,
                position: Some(3)
            }
        );
    }

    #[test]
    fn a_message_that_overtakes_an_earlier_one_is_out_of_order() {
        let mut ledger = Ledger::default();
        let p = NodeId(100);
        let ids: Vec<MessageId> = (0..4)
            .map(|i| {
                ledger.produce(
                    format!("m{i}"),
                    p,
                    if i == 3 { "t-1".into() } else { "t-0".into() },
                    0,
                )
            })
            .collect();
        let at = |position| Placement {
            copies: vec![NodeId(1)],
            on_authority: 1,
            has_authority: true,
            readable: true,
            position: Some(position),
            skipped: false,
            consumed: false,
            aborted: false,
        };
        // m0 at 1, m1 at 0 (overtook m0), m2 at 2, m3 alone on another partition at 0.
        let placements = vec![at(1), at(0), at(2), at(0)];
        let (assessments, tally) = assess(ledger.records(), &placements);
        let flags: Vec<bool> = assessments.iter().map(|a| a.out_of_order).collect();
        assert_eq!(flags, vec![false, true, false, false]);
        assert_eq!(tally.out_of_order, 1);
        assert_eq!(tally.visible, 4);
        assert_eq!(ids.len(), 4);
    }
}
