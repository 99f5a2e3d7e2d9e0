//! A reader: a consumer without a group that polls every partition of one topic from the
//! start and records what it could read. It shows K7 (only below the high watermark) and
//! whether a lost message was ever seen.

use crate::metadata::{Metadata, Tp};
use crate::protocol::{KafkaError, Msg, Note, Timer};
use crate::{Kafka, ReaderConfig, CONTROLLER};
use mqlab_engine::VecMap;
use mqlab_engine::{Effects, Millis, NodeId};
use mqlab_ledger::Ledger;
use std::rc::Rc;

type Fx<'a, 'b> = &'a mut Effects<'b, Kafka>;

/// A read with no answer this long is sent again (the consumer's request timeout).
const READ_TIMEOUT_MS: Millis = 30_000;

#[derive(Clone, Debug)]
pub struct Reader {
    pub id: NodeId,
    pub config: ReaderConfig,
    partitions: u32,
    metadata: Option<Rc<Metadata>>,
    pub positions: VecMap<Tp, u64>,
    in_flight: VecMap<Tp, Millis>,
}

/// Ask `tp`'s leader for records from `offset` and note when, so that no second read goes
/// out before the answer or a timeout: the reader's poll and the group consumer's fetch both
/// read this way. `false` when the metadata names no leader.
pub(crate) fn request_read(
    fx: Fx,
    from: NodeId,
    metadata: &Metadata,
    sent: &mut VecMap<Tp, Millis>,
    tp: Tp,
    offset: u64,
    read_committed: bool,
) -> bool {
    let Some(leader) = metadata.leader(tp) else {
        return false;
    };
    sent.insert(tp, fx.now());
    let msg = Msg::ReadRequest {
        tp,
        offset,
        read_committed,
    };
    fx.send(from, leader, msg);
    true
}

impl Reader {
    pub fn new(id: NodeId, config: ReaderConfig, partitions: u32) -> Self {
        Self {
            id,
            config,
            partitions,
            metadata: None,
            positions: VecMap::new(),
            in_flight: VecMap::new(),
        }
    }

    pub fn on_start(&mut self, fx: Fx) {
        fx.send(self.id, CONTROLLER, Msg::MetadataRequest);
        fx.set_timer(self.id, self.config.poll_interval_ms, Timer::Poll);
    }

    pub fn on_down(&mut self) {
        self.metadata = None;
        self.in_flight.clear();
    }

    pub fn on_timer(&mut self, fx: Fx) {
        let now = fx.now();
        match &self.metadata {
            None => fx.send(self.id, CONTROLLER, Msg::MetadataRequest),
            Some(meta) => {
                let mut leaderless = false;
                for partition in 0..self.partitions {
                    let tp = Tp {
                        topic: self.config.topic,
                        partition,
                    };
                    if self
                        .in_flight
                        .get(&tp)
                        .is_some_and(|&at| now - at < READ_TIMEOUT_MS)
                    {
                        continue;
                    }
                    let offset = self.positions.get(&tp).copied().unwrap_or(0);
                    let read_committed = self.config.read_committed;
                    if !request_read(
                        fx,
                        self.id,
                        meta,
                        &mut self.in_flight,
                        tp,
                        offset,
                        read_committed,
                    ) {
                        leaderless = true;
                    }
                }
                // An offline partition: keep asking until a leader is elected.
                if leaderless {
                    fx.send(self.id, CONTROLLER, Msg::MetadataRequest);
                }
            }
        }
        fx.set_timer(self.id, self.config.poll_interval_ms, Timer::Poll);
    }

    pub fn on_message(&mut self, msg: Msg, ledger: &mut Ledger, fx: Fx) {
        match msg {
            Msg::MetadataResponse(meta) => self.metadata = Some(meta),
            Msg::ReadResponse {
                tp,
                offset,
                high_watermark,
                result,
            } => {
                self.in_flight.remove(&tp);
                match result {
                    Ok(records) => {
                        if let Some(&(last, _)) = records.last() {
                            for &(_, m) in &records {
                                ledger.read(m, self.id, fx.now());
                            }
                            self.positions.insert(tp, last + 1);
                            fx.note(Note::Read {
                                reader: self.id,
                                tp,
                                messages: records,
                            });
                        } else {
                            self.positions.insert(tp, offset);
                        }
                    }
                    // K18: the log was truncated below our position; auto.offset.reset=latest.
                    Err(KafkaError::OffsetOutOfRange) => {
                        self.positions.insert(tp, high_watermark);
                        fx.note(Note::ReaderReset {
                            reader: self.id,
                            tp,
                            to_offset: high_watermark,
                        });
                    }
                    Err(_) => fx.send(self.id, CONTROLLER, Msg::MetadataRequest),
                }
            }
            _ => {}
        }
    }

    pub fn on_refused(&mut self, msg: Msg, fx: Fx) {
        if let Msg::ReadRequest { tp, .. } = msg {
            self.in_flight.remove(&tp);
            fx.send(self.id, CONTROLLER, Msg::MetadataRequest);
        }
    }
}
