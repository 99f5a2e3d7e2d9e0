//! Consumer groups, offsets and stores in words: the notes and requests of K25–K33 as
//! bilingual lines. Split from `describe` only to keep each file about one part of Kafka.

use super::describe::Describer;
use crate::describe::happening;
use crate::frame::{EnvelopeKind, Happening, Severity};
use crate::i18n::Text;
use mqlab_kafka::{MemberId, Msg, Note, PositionSource, RebalanceReason, Tp};

impl Describer<'_> {
    /// A member by its consumer's name; a later life of the same consumer is marked.
    fn member(&self, member: MemberId) -> String {
        let name = self.name(member.node);
        if member.life > 1 {
            format!("{name}#{}", member.life)
        } else {
            name
        }
    }

    fn offsets(&self, offsets: &[(Tp, u64)]) -> String {
        let parts: Vec<String> = offsets
            .iter()
            .map(|&(tp, o)| format!("{}@{o}", self.tp(tp)))
            .collect();
        if parts.is_empty() {
            "—".into()
        } else {
            parts.join(", ")
        }
    }

    fn tps(&self, tps: &[Tp]) -> String {
        let names: Vec<String> = tps.iter().map(|&tp| self.tp(tp)).collect();
        format!("[{}]", names.join(", "))
    }

    pub(crate) fn group_note(&self, note: &Note) -> Happening {
        use Severity::*;
        match note {
            Note::RebalanceStarted {
                group,
                coordinator,
                reason,
            } => {
                let (en, zh) = match reason {
                    RebalanceReason::Joined { member } => {
                        let m = self.member(*member);
                        (format!("{m} joined"), format!("{m} 加入"))
                    }
                    RebalanceReason::Left { member } => {
                        let m = self.member(*member);
                        (
                            format!("{m} left the group (LeaveGroup)"),
                            format!("{m} 离开了消费组（LeaveGroup）"),
                        )
                    }
                    RebalanceReason::SessionExpired { member } => {
                        let m = self.member(*member);
                        (
                            format!("no heartbeat from {m} within session.timeout.ms"),
                            format!("{m} 在 session.timeout.ms 内没有心跳"),
                        )
                    }
                };
                happening(
                    Some(*coordinator),
                    Notice,
                    format!("group {group} rebalances: {en}; every member must rejoin"),
                    format!("消费组 {group} 开始重平衡：{zh}；所有成员都要重新加入"),
                )
            }
            Note::MemberDropped { group, member } => {
                let m = self.member(*member);
                happening(
                    Some(member.node),
                    Alert,
                    format!("{m} did not rejoin group {group} in time and was removed"),
                    format!("{m} 没有及时重新加入消费组 {group}，被移出"),
                )
            }
            Note::GroupAssigned {
                group,
                generation,
                assignment,
            } => {
                let parts: Vec<String> = assignment
                    .iter()
                    .map(|(m, tps)| format!("{} {}", self.member(*m), self.tps(tps)))
                    .collect();
                let list = parts.join("; ");
                happening(
                    None,
                    Notice,
                    format!("group {group} generation {generation}: {list}"),
                    format!("消费组 {group} 第 {generation} 代：{list}"),
                )
            }
            Note::OffsetsCommitted {
                group,
                member,
                offsets,
            } => {
                let (m, o) = (self.member(*member), self.offsets(offsets));
                happening(
                    Some(member.node),
                    Notice,
                    format!("group {group} committed {o} for {m}: the next offsets to read"),
                    format!("消费组 {group} 为 {m} 提交了 {o}：下一条要读的 offset"),
                )
            }
            Note::CommitRefused {
                group,
                member,
                error,
            } => {
                let m = self.member(*member);
                let e = error.name();
                happening(
                    Some(member.node),
                    Alert,
                    format!("the coordinator of {group} refused {m}'s commit: {e}"),
                    format!("{group} 的协调者拒绝了 {m} 的提交：{e}"),
                )
            }
            Note::CommitSent {
                consumer,
                offsets,
                sync,
                auto,
            } => {
                let (c, o) = (self.name(*consumer), self.offsets(offsets));
                let (how_en, how_zh) = match (auto, sync) {
                    (true, _) => ("auto-commits", "自动提交"),
                    (false, true) => ("commitSync", "同步提交（commitSync）"),
                    (false, false) => ("commitAsync", "异步提交（commitAsync）"),
                };
                happening(
                    Some(*consumer),
                    Info,
                    format!("{c} {how_en} {o}"),
                    format!("{c} {how_zh} {o}"),
                )
            }
            Note::CommitFailed { consumer, error } => {
                let (c, e) = (self.name(*consumer), error.name());
                happening(
                    Some(*consumer),
                    Alert,
                    format!(
                        "{c}: commit failed ({e}); the next owner will read these records again"
                    ),
                    format!("{c}：提交失败（{e}），下一个消费者会重新读取这些记录"),
                )
            }
            Note::PartitionsAssigned {
                consumer,
                generation,
                partitions,
            } => {
                let c = self.name(*consumer);
                if partitions.is_empty() {
                    happening(
                        Some(*consumer),
                        Notice,
                        format!("{c} got no partition in generation {generation}: it sits idle"),
                        format!("{c} 在第 {generation} 代没有分到分区：空闲"),
                    )
                } else {
                    let t = self.tps(partitions);
                    happening(
                        Some(*consumer),
                        Notice,
                        format!("{c} is assigned {t} (generation {generation})"),
                        format!("{c} 分到 {t}（第 {generation} 代）"),
                    )
                }
            }
            Note::PartitionsRevoked {
                consumer,
                partitions,
            } => {
                let (c, t) = (self.name(*consumer), self.tps(partitions));
                happening(
                    Some(*consumer),
                    Info,
                    format!("{c} gives up {t} to rejoin the group"),
                    format!("{c} 交出 {t}，重新加入消费组"),
                )
            }
            Note::PositionSet {
                consumer,
                tp,
                offset,
                from,
            } => {
                let (c, t) = (self.name(*consumer), self.tp(*tp));
                let (en, zh) = match from {
                    PositionSource::Committed => (
                        format!("{c} resumes {t} at the committed offset {offset}"),
                        format!("{c} 从已提交的 offset {offset} 继续消费 {t}"),
                    ),
                    PositionSource::ResetEarliest => (
                        format!("{c}: no committed offset for {t}; auto.offset.reset=earliest → {offset}"),
                        format!("{c}：{t} 没有已提交的 offset；auto.offset.reset=earliest → {offset}"),
                    ),
                    PositionSource::ResetLatest => (
                        format!("{c}: no committed offset for {t}; auto.offset.reset=latest skips to {offset}"),
                        format!("{c}：{t} 没有已提交的 offset；auto.offset.reset=latest 跳到 {offset}"),
                    ),
                    PositionSource::OutOfRangeReset => (
                        format!("{c}: the offset of {t} is out of range; reset to {offset}"),
                        format!("{c}：{t} 的 offset 超出范围，重置为 {offset}"),
                    ),
                };
                happening(Some(*consumer), Notice, en, zh)
            }
            Note::Polled { consumer, records } => {
                let c = self.name(*consumer);
                let ids: Vec<_> = records.iter().map(|r| r.2).collect();
                let l = self.labels(&ids);
                let n = records.len();
                happening(
                    Some(*consumer),
                    Info,
                    format!("{c}: poll() returned {n} record(s): {l}"),
                    format!("{c}：poll() 返回 {n} 条记录：{l}"),
                )
            }
            Note::Processed {
                consumer,
                tp,
                offset,
                message,
                store,
                effect,
            } => {
                let c = self.name(*consumer);
                let m = format!(
                    "{} ({}@{offset})",
                    self.kafka.ledger().label(*message),
                    self.tp(*tp)
                );
                let (severity, en, zh) = crate::describe::describe_write(&c, &m, store, *effect);
                happening(Some(*consumer), severity, en, zh)
            }
            Note::MaxPollExceeded { consumer } => {
                let c = self.name(*consumer);
                happening(
                    Some(*consumer),
                    Alert,
                    format!("{c} did not poll() within max.poll.interval.ms: it leaves the group"),
                    format!("{c} 在 max.poll.interval.ms 内没有调用 poll()：主动离开消费组"),
                )
            }
            Note::ConsumerFailed { consumer, error } => {
                let (c, e) = (self.name(*consumer), error.name());
                happening(
                    Some(*consumer),
                    Alert,
                    format!("{c} threw {e} (auto.offset.reset=none) and stopped"),
                    format!("{c} 抛出 {e}（auto.offset.reset=none）并停止"),
                )
            }
            Note::ConsumerDown { consumer, graceful } => {
                let c = self.name(*consumer);
                if *graceful {
                    happening(
                        Some(*consumer),
                        Notice,
                        format!("{c} closed"),
                        format!("{c} 已关闭"),
                    )
                } else {
                    happening(
                        Some(*consumer),
                        Alert,
                        format!("{c} was killed (kill -9): records in hand and uncommitted offsets are gone"),
                        format!("{c} 被杀死（kill -9）：手上的记录和未提交的 offset 都丢了"),
                    )
                }
            }
            Note::ConsumerStarted { consumer } => {
                let c = self.name(*consumer);
                happening(
                    Some(*consumer),
                    Notice,
                    format!("{c} started"),
                    format!("{c} 已启动"),
                )
            }
            // The broker and producer notes are described in `describe`.
            _ => happening(None, Info, String::new(), String::new()),
        }
    }

    pub(crate) fn group_message(&self, msg: &Msg) -> (Text, EnvelopeKind) {
        use EnvelopeKind::*;
        let same = |s: String| Text {
            zh: s.clone(),
            en: s,
        };
        let two = |en: String, zh: String| Text { en, zh };
        let result = |r: Result<(), mqlab_kafka::KafkaError>, ok: Text| match r {
            Ok(()) => (ok, Ack),
            Err(e) => (same(e.name().into()), Error),
        };
        match msg {
            Msg::ListOffsets { .. } => (same("ListOffsets latest".into()), Control),
            Msg::ListOffsetsResponse { result: r, .. } => match r {
                Ok(o) => (same(format!("latest @{o}")), Control),
                Err(e) => (same(e.name().into()), Error),
            },
            Msg::JoinGroup(_) => (same("JoinGroup".into()), Control),
            Msg::JoinGroupResponse { result: r, .. } => match r {
                Ok((_, tps)) => (same(self.tps(tps)), Ack),
                Err(e) => (same(e.name().into()), Error),
            },
            Msg::GroupHeartbeat { .. } => (two("Heartbeat".into(), "心跳".into()), Control),
            Msg::GroupHeartbeatResponse { result: r } => {
                result(*r, two("Heartbeat OK".into(), "心跳确认".into()))
            }
            Msg::LeaveGroup { .. } => (same("LeaveGroup".into()), Control),
            Msg::OffsetCommit { offsets, .. } => (
                same(format!("OffsetCommit {}", self.offsets(offsets))),
                Control,
            ),
            Msg::OffsetCommitResponse { result: r, .. } => {
                result(*r, two("commit OK".into(), "提交成功".into()))
            }
            Msg::OffsetFetch { .. } => (same("OffsetFetch".into()), Control),
            Msg::OffsetFetchResponse { offsets } => {
                let parts: Vec<String> = offsets
                    .iter()
                    .map(|(tp, o)| match o {
                        Some(o) => format!("{}@{o}", self.tp(*tp)),
                        None => format!("{}@—", self.tp(*tp)),
                    })
                    .collect();
                (same(parts.join(", ")), Control)
            }
            // The other requests are described in `describe`.
            _ => (same(String::new()), Control),
        }
    }
}
