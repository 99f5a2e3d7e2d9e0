//! A replica's log: records, the leader-epoch checkpoint, the high watermark. It survives
//! kill -9 (the OS page cache outlives the process), so it is a broker's durable state.

use crate::protocol::{Marker, Record};
use mqlab_ledger::MessageId;

/// An idempotent producer's state on one partition (see [`Log::producer_state`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProducerState {
    /// The epoch of the producer's last record here; `None`: no state (any sequence is
    /// accepted, as Kafka up to 4.4 does before KAFKA-15591).
    pub epoch: Option<u32>,
    pub last_sequence: Option<u32>,
    pub batches: Vec<RetainedBatch>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetainedBatch {
    pub first_sequence: u32,
    pub last_sequence: u32,
    pub base_offset: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Log {
    /// The log starts at offset 0 (no retention in these scenarios): index = offset.
    pub records: Vec<Record>,
    /// (leader epoch, start offset), ascending: the leader-epoch checkpoint of K15.
    pub epochs: Vec<(u32, u64)>,
    pub high_watermark: u64,
}

impl Log {
    pub fn log_end_offset(&self) -> u64 {
        self.records.len() as u64
    }

    pub fn latest_epoch(&self) -> Option<u32> {
        self.epochs.last().map(|&(e, _)| e)
    }

    /// Start a new epoch at the current end (a new leader, or a record of a newer epoch).
    pub fn begin_epoch(&mut self, epoch: u32) {
        if self.latest_epoch().is_none_or(|e| e < epoch) {
            self.epochs.push((epoch, self.log_end_offset()));
        }
    }

    pub fn append(&mut self, record: Record) -> u64 {
        self.begin_epoch(record.epoch);
        self.records.push(record);
        self.log_end_offset() - 1
    }

    /// Remove every record from `offset` on; returns the messages removed.
    pub fn truncate(&mut self, offset: u64) -> Vec<MessageId> {
        let keep = (offset as usize).min(self.records.len());
        let removed = self
            .records
            .split_off(keep)
            .into_iter()
            .map(|r| r.message)
            .collect();
        self.epochs.retain(|&(_, start)| start < offset);
        self.high_watermark = self.high_watermark.min(offset);
        removed
    }

    /// The answer to OffsetsForLeaderEpoch(`epoch`), as Kafka's `LeaderEpochFileCache`
    /// gives it: for this log's latest epoch, (it, the log end); otherwise the largest epoch
    /// not after `epoch` and where it ends (the start of the next one). An epoch older than
    /// any this log knows ends where the first known one starts; an epoch newer than all of
    /// them is undefined (`None`).
    pub fn end_offset_for(&self, epoch: u32) -> Option<(u32, u64)> {
        if self.latest_epoch() == Some(epoch) {
            return Some((epoch, self.log_end_offset()));
        }
        let next = self.epochs.iter().position(|&(e, _)| e > epoch)?;
        let end = self.epochs[next].1;
        match next.checked_sub(1) {
            Some(floor) => Some((self.epochs[floor].0, end)),
            None => Some((epoch, end)),
        }
    }

    /// Drop the last `count` records (a power loss took them from the page cache); the
    /// epoch checkpoint and high watermark follow, as Kafka's log recovery leaves them.
    pub fn lose_tail(&mut self, count: u32) -> Vec<MessageId> {
        let keep = self.log_end_offset().saturating_sub(u64::from(count));
        self.truncate(keep)
    }

    /// Where the given epoch began, if this log has it.
    pub fn epoch_start(&self, epoch: u32) -> Option<u64> {
        self.epochs
            .iter()
            .find(|&&(e, _)| e == epoch)
            .map(|&(_, s)| s)
    }

    /// What the broker knows of an idempotent producer, rebuilt from the log itself (so it
    /// survives restarts and truncation as Kafka's producer state does): its latest epoch,
    /// the last sequence and last batches of that epoch, newest first, as (first sequence,
    /// last sequence, base offset).
    pub fn producer_state(&self, producer_id: u64, batches: usize) -> ProducerState {
        let mut state = ProducerState::default();
        for (offset, record) in self.records.iter().enumerate().rev() {
            let Some(stamp) = record.stamp.filter(|s| s.producer_id == producer_id) else {
                continue;
            };
            if *state.epoch.get_or_insert(stamp.producer_epoch) != stamp.producer_epoch {
                break;
            }
            if record.control.is_some() {
                // A transaction marker carries the epoch (an abort written after fencing has
                // the new one, so the zombie's batches are refused) but no sequence.
                continue;
            }
            state.last_sequence.get_or_insert(stamp.sequence);
            match state.batches.last_mut() {
                Some(b)
                    if b.first_sequence == stamp.batch_base
                        && b.base_offset == offset as u64 + 1 =>
                {
                    b.base_offset = offset as u64;
                }
                _ => {
                    if state.batches.len() == batches {
                        break;
                    }
                    state.batches.push(RetainedBatch {
                        first_sequence: stamp.batch_base,
                        last_sequence: stamp.sequence,
                        base_offset: offset as u64,
                    });
                }
            }
        }
        state
    }
}

impl Log {
    /// K23: the Last Stable Offset: the first offset of the earliest transaction still open,
    /// else the high watermark. A transaction stays open until its marker is below the high
    /// watermark (Kafka's ProducerStateManager keeps completed but unreplicated transactions
    /// in the first unstable offset).
    pub fn last_stable_offset(&self) -> u64 {
        let hw = self.high_watermark;
        let mut open: Vec<(u64, u64)> = Vec::new(); // (producer id, first offset)
        for (offset, record) in self.records.iter().enumerate().take(hw as usize) {
            let Some(stamp) = record.stamp.filter(|_| record.transactional) else {
                continue;
            };
            if record.control.is_some() {
                open.retain(|&(p, _)| p != stamp.producer_id);
            } else if !open.iter().any(|&(p, _)| p == stamp.producer_id) {
                open.push((stamp.producer_id, offset as u64));
            }
        }
        open.iter().map(|&(_, o)| o).min().unwrap_or(hw).min(hw)
    }

    /// K23: which offsets hold a data record of a transaction that aborted, one flag per
    /// offset. One pass from the end: a producer's data record belongs to the transaction its
    /// nearest following marker closes.
    pub fn aborted(&self) -> Vec<bool> {
        let mut next_marker: Vec<(u64, Marker)> = Vec::new(); // (producer id, marker)
        let mut flags = vec![false; self.records.len()];
        for (offset, record) in self.records.iter().enumerate().rev() {
            let Some(stamp) = record.stamp.filter(|_| record.transactional) else {
                continue;
            };
            let seen = next_marker
                .iter()
                .position(|&(p, _)| p == stamp.producer_id);
            match (record.control, seen) {
                (Some(marker), Some(i)) => next_marker[i].1 = marker,
                (Some(marker), None) => next_marker.push((stamp.producer_id, marker)),
                (None, Some(i)) => flags[offset] = next_marker[i].1 == Marker::Abort,
                (None, None) => {}
            }
        }
        flags
    }

    /// What a consumer of the given isolation level may read from `offset`: data records
    /// below the high watermark (read_uncommitted, aborted ones included) or below the LSO
    /// without aborted ones (read_committed). Markers are never returned.
    pub fn readable(
        &self,
        offset: u64,
        read_committed: bool,
    ) -> Vec<(u64, mqlab_ledger::MessageId)> {
        let end = if read_committed {
            self.last_stable_offset()
        } else {
            self.high_watermark
        };
        let aborted = if read_committed {
            self.aborted()
        } else {
            Vec::new()
        };
        (offset..end)
            .filter_map(|o| {
                let r = self.records.get(o as usize)?;
                let hidden = aborted.get(o as usize).copied().unwrap_or(false);
                (r.is_data() && !hidden).then_some((o, r.message))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::SequenceStamp;

    fn rec(m: u32, epoch: u32) -> Record {
        Record {
            stamp: None,
            message: MessageId(m),
            epoch,
            transactional: false,
            control: None,
        }
    }

    #[test]
    fn epoch_end_offsets_follow_the_checkpoint() {
        let mut log = Log::default();
        for m in 0..4 {
            log.append(rec(m, 0));
        }
        log.append(rec(4, 2));
        assert_eq!(log.epochs, vec![(0, 0), (2, 4)]);
        assert_eq!(log.end_offset_for(0), Some((0, 4)));
        assert_eq!(log.end_offset_for(1), Some((0, 4)));
        assert_eq!(log.end_offset_for(2), Some((2, 5)));
        assert_eq!(log.end_offset_for(3), None, "newer than any epoch it knows");
        assert_eq!(log.truncate(4), vec![MessageId(4)]);
        assert_eq!(log.epochs, vec![(0, 0)]);
    }

    #[test]
    fn an_epoch_older_than_the_log_ends_where_the_first_known_one_starts() {
        let mut log = Log::default();
        log.begin_epoch(3);
        log.append(rec(0, 3));
        assert_eq!(log.end_offset_for(1), Some((1, 0)));
        assert_eq!(log.lose_tail(5), vec![MessageId(0)]);
        assert_eq!(log.log_end_offset(), 0);
    }

    #[test]
    fn producer_state_is_read_back_from_the_log() {
        let mut log = Log::default();
        let stamped = |m: u32, base: u32, seq: u32| Record {
            message: MessageId(m),
            epoch: 0,
            stamp: Some(SequenceStamp {
                producer_id: 7,
                producer_epoch: 0,
                batch_base: base,
                sequence: seq,
            }),
            transactional: false,
            control: None,
        };
        log.append(stamped(0, 0, 0));
        log.append(stamped(1, 0, 1));
        log.append(rec(2, 0));
        log.append(stamped(3, 2, 2));
        let state = log.producer_state(7, 5);
        assert_eq!(state.epoch, Some(0));
        assert_eq!(state.last_sequence, Some(2));
        assert_eq!(
            state.batches,
            vec![
                RetainedBatch {
                    first_sequence: 2,
                    last_sequence: 2,
                    base_offset: 3
                },
                RetainedBatch {
                    first_sequence: 0,
                    last_sequence: 1,
                    base_offset: 0
                }
            ]
        );
        assert_eq!(log.producer_state(7, 1).batches.len(), 1);
        assert_eq!(log.producer_state(8, 5), ProducerState::default());
    }

    fn txn(m: u32, pid: u64, control: Option<Marker>) -> Record {
        Record {
            message: if control.is_some() {
                crate::protocol::CONTROL_MESSAGE
            } else {
                MessageId(m)
            },
            epoch: 0,
            stamp: Some(SequenceStamp {
                producer_id: pid,
                producer_epoch: 0,
                batch_base: 0,
                sequence: m,
            }),
            transactional: true,
            control,
        }
    }

    #[test]
    fn k23_the_lso_holds_back_every_record_after_an_open_transaction() {
        let mut log = Log::default();
        log.append(txn(0, 7, None)); // 0: txn A, open
        log.append(rec(1, 0)); // 1: a plain record after it
        log.append(txn(2, 8, None)); // 2: txn B
        log.append(txn(0, 8, Some(Marker::Abort))); // 3: B aborted
        log.high_watermark = 4;
        assert_eq!(log.last_stable_offset(), 0, "A is open: nothing is stable");
        assert!(log.readable(0, true).is_empty());
        let all: Vec<u64> = log.readable(0, false).iter().map(|r| r.0).collect();
        assert_eq!(
            all,
            vec![0, 1, 2],
            "read_uncommitted: aborted B too, no marker"
        );
        log.append(txn(0, 7, Some(Marker::Commit))); // 4: A committed
        assert_eq!(
            log.last_stable_offset(),
            0,
            "its marker is not below the HW yet"
        );
        log.high_watermark = 5;
        assert_eq!(log.last_stable_offset(), 5);
        let committed: Vec<u64> = log.readable(0, true).iter().map(|r| r.0).collect();
        assert_eq!(committed, vec![0, 1], "B's aborted record is skipped");
    }

    #[test]
    fn k23_a_marker_carries_the_epoch_but_no_sequence() {
        let mut log = Log::default();
        log.append(txn(0, 7, None));
        let mut abort = txn(0, 7, Some(Marker::Abort));
        if let Some(s) = abort.stamp.as_mut() {
            s.producer_epoch = 1;
        }
        log.append(abort);
        let state = log.producer_state(7, 5);
        assert_eq!(state.epoch, Some(1));
        assert_eq!(state.last_sequence, None);
    }
}
