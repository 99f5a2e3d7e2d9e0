//! Transactions in words (K23): initTransactions and fencing, the transactions themselves
//! and their COMMIT/ABORT markers, as bilingual lines.

use super::describe::Describer;
use crate::describe::happening;
use crate::frame::{Happening, Severity};
use mqlab_kafka::{Marker, Note};

impl Describer<'_> {
    /// The transaction notes; `None` for every other note.
    pub(crate) fn txn_note(&self, note: &Note) -> Option<Happening> {
        use Severity::*;
        Some(match note {
            Note::TxnInit {
                producer,
                transactional_id,
                coordinator,
                producer_id,
                epoch,
                aborted,
            } => {
                let (p, c) = (self.name(*producer), self.name(*coordinator));
                let (mut en, mut zh) = (
                    format!("{p} calls initTransactions for transactional.id \"{transactional_id}\" at its coordinator {c}: producer id {producer_id}, epoch {epoch}"),
                    format!("{p} 调用 initTransactions（transactional.id \"{transactional_id}\"，协调者 {c}）：producer id {producer_id}，epoch {epoch}"),
                );
                if *epoch > 0 {
                    en.push_str("; any older producer with this id is now fenced");
                    zh.push_str("；使用同一 id 的旧生产者从此被隔离（fenced）");
                }
                if !aborted.is_empty() {
                    let t = self.txn_tps(aborted);
                    en.push_str(&format!("; the transaction it left open is aborted on {t}"));
                    zh.push_str(&format!("；它遗留的未完成事务在 {t} 上被中止"));
                }
                happening(Some(*producer), Notice, en, zh)
            }
            Note::TxnBegun {
                producer,
                partitions,
                messages,
            } => {
                let (p, m) = (self.name(*producer), self.labels(messages));
                let (en_add, zh_add) = if partitions.is_empty() {
                    (String::new(), String::new())
                } else {
                    let t = self.txn_tps(partitions);
                    (
                        format!(" (AddPartitionsToTxn {t})"),
                        format!("（AddPartitionsToTxn {t}）"),
                    )
                };
                happening(
                    Some(*producer),
                    Info,
                    format!("{p} sends {m} inside its transaction{en_add}: read_committed consumers will not see them before the COMMIT marker"),
                    format!("{p} 在事务中发送 {m}{zh_add}：COMMIT 标记写入前，read_committed 消费者看不到它们"),
                )
            }
            Note::TxnFenced { producer, messages } => {
                let p = self.name(*producer);
                let (en, zh) = if messages.is_empty() {
                    (String::new(), String::new())
                } else {
                    let m = self.labels(messages);
                    (
                        format!("; nothing of {m} is committed"),
                        format!("；{m} 都不会被提交"),
                    )
                };
                happening(
                    Some(*producer),
                    Alert,
                    format!("{p} is fenced: a newer producer with its transactional.id called initTransactions, so this one is a zombie. ProducerFencedException{en}"),
                    format!("{p} 被隔离（fenced）：另一个使用相同 transactional.id 的生产者已调用 initTransactions，它成了僵尸。ProducerFencedException{zh}"),
                )
            }
            Note::TxnEnded {
                producer,
                commit,
                partitions,
                offsets,
            } => {
                let (p, t) = (self.name(*producer), self.txn_tps(partitions));
                let (en_off, zh_off) = if offsets.is_empty() {
                    (String::new(), String::new())
                } else {
                    let o = self.txn_offsets(offsets);
                    (
                        format!("; the group offsets {o} are committed with it"),
                        format!("；消费组 offset {o} 随之一起提交"),
                    )
                };
                if *commit {
                    happening(
                        Some(*producer),
                        Notice,
                        format!("{p} commits its transaction: COMMIT markers go to {t}{en_off}"),
                        format!("{p} 提交事务：COMMIT 标记写入 {t}{zh_off}"),
                    )
                } else {
                    happening(
                        Some(*producer),
                        Alert,
                        format!("{p}'s transaction is aborted: ABORT markers go to {t}; read_committed consumers skip its records, read_uncommitted ones read them anyway"),
                        format!("{p} 的事务被中止：ABORT 标记写入 {t}；read_committed 消费者跳过这些记录，read_uncommitted 消费者照样会读到"),
                    )
                }
            }
            Note::MarkerWritten {
                broker,
                tp,
                offset,
                marker,
            } => {
                let (b, t) = (self.name(*broker), self.tp(*tp));
                let m = marker_name(*marker);
                happening(
                    Some(*broker),
                    Info,
                    format!("{b} appends the {m} marker to {t} at offset {offset} (a control record: it takes an offset, no consumer gets it)"),
                    format!("{b} 在 {t} 的 offset {offset} 追加 {m} 标记（控制记录：占一个 offset，消费者不会收到它）"),
                )
            }
            _ => return None,
        })
    }

    fn txn_tps(&self, tps: &[mqlab_kafka::Tp]) -> String {
        let names: Vec<String> = tps.iter().map(|&tp| self.tp(tp)).collect();
        names.join(", ")
    }

    fn txn_offsets(&self, offsets: &[(mqlab_kafka::Tp, u64)]) -> String {
        let parts: Vec<String> = offsets
            .iter()
            .map(|&(tp, o)| format!("{}@{o}", self.tp(tp)))
            .collect();
        parts.join(", ")
    }
}

/// The marker as Kafka's ControlRecordType names it.
pub(crate) fn marker_name(marker: Marker) -> &'static str {
    match marker {
        Marker::Commit => "COMMIT",
        Marker::Abort => "ABORT",
    }
}
