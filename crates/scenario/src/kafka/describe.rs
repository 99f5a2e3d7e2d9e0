//! Kafka facts in words: every trace note, fault and message of the Kafka model as a
//! bilingual line (consumer groups in `describe_groups`). The only place that turns Kafka
//! terms into text for people.

use crate::describe::{happening, Describe};
use crate::frame::{EnvelopeKind, Happening, Severity};
use crate::i18n::Text;
use mqlab_engine::NodeId;
use mqlab_engine::VecMap;
use mqlab_kafka::{Action, ElectedFrom, ElectionReason, FetchResult, Kafka, Msg, Note, Tp};
use mqlab_ledger::MessageId;

pub struct Describer<'a> {
    pub kafka: &'a Kafka,
    pub names: &'a VecMap<NodeId, String>,
}

impl Describer<'_> {
    pub fn name(&self, node: NodeId) -> String {
        self.names
            .get(&node)
            .cloned()
            .unwrap_or_else(|| node.to_string())
    }

    pub(crate) fn tp(&self, tp: Tp) -> String {
        self.kafka.tp_name(tp)
    }

    pub(crate) fn labels(&self, messages: &[MessageId]) -> String {
        const SHOWN: usize = 4;
        let mut text: Vec<&str> = messages
            .iter()
            .take(SHOWN)
            .map(|&m| self.kafka.ledger().label(m))
            .collect();
        if messages.len() > SHOWN {
            text.push("…");
        }
        text.join(", ")
    }

    fn set(&self, nodes: &[NodeId]) -> String {
        let ids: Vec<String> = nodes.iter().map(|n| n.0.to_string()).collect();
        format!("[{}]", ids.join(","))
    }

    pub fn note(&self, note: &Note) -> Happening {
        use Severity::*;
        match note {
            Note::Appended {
                broker,
                tp,
                offset,
                message,
                epoch,
            } => {
                let (b, t, m) = (
                    self.name(*broker),
                    self.tp(*tp),
                    self.kafka.ledger().label(*message),
                );
                happening(
                    Some(*broker),
                    Info,
                    format!("{b} appended {m} to {t} at offset {offset} (epoch {epoch})"),
                    format!("{b} 将 {m} 追加到 {t} 的 offset {offset}（epoch {epoch}）"),
                )
            }
            Note::Replicated {
                broker,
                tp,
                from_offset,
                count,
            } => {
                let (b, t) = (self.name(*broker), self.tp(*tp));
                let last = from_offset + count - 1;
                happening(
                    Some(*broker),
                    Info,
                    format!("{b} copied {t} offsets {from_offset}–{last} from the leader"),
                    format!("{b} 从 leader 复制了 {t} 的 offset {from_offset}–{last}"),
                )
            }
            Note::HighWatermark {
                broker,
                tp,
                high_watermark,
            } => {
                let (b, t) = (self.name(*broker), self.tp(*tp));
                happening(Some(*broker), Notice, format!("{t} high watermark → {high_watermark} on {b}: offsets below it are committed and readable"), format!("{b} 上 {t} 的高水位 → {high_watermark}：其下的消息已提交、可被消费"))
            }
            Note::IsrChangeRequested {
                leader,
                tp,
                new_isr,
            } => {
                let (b, t, s) = (self.name(*leader), self.tp(*tp), self.set(new_isr));
                happening(
                    Some(*leader),
                    Notice,
                    format!(
                        "{b} asks the controller to set the ISR of {t} to {s} (AlterPartition)"
                    ),
                    format!("{b} 请求 controller 将 {t} 的 ISR 改为 {s}（AlterPartition）"),
                )
            }
            Note::IsrChanged { tp, isr } => {
                let (t, s) = (self.tp(*tp), self.set(isr));
                happening(
                    Some(mqlab_kafka::CONTROLLER),
                    Notice,
                    format!("ISR of {t} is now {s}"),
                    format!("{t} 的 ISR 现在是 {s}"),
                )
            }
            Note::LeaderElected {
                tp,
                leader,
                epoch,
                from,
                reason,
            } => {
                let t = self.tp(*tp);
                let (why_en, why_zh) = match reason {
                    ElectionReason::LeaderFenced => {
                        ("the old leader was fenced", "原 leader 被隔离（fenced）")
                    }
                    ElectionReason::ControlledShutdown => (
                        "controlled shutdown of the old leader",
                        "原 leader 受控关闭",
                    ),
                    ElectionReason::Preferred => ("preferred leader election", "优先副本选举"),
                    ElectionReason::ReplicaReturned => ("a replica came back", "有副本恢复"),
                    ElectionReason::UncleanShutdown => (
                        "the old leader came back from an unclean shutdown",
                        "原 leader 从非正常关闭中恢复",
                    ),
                };
                match leader {
                    Some(l) if *from == ElectedFrom::LastKnownLeader => {
                        let b = self.name(*l);
                        happening(Some(*l), Alert, format!("{b} leads {t} again (epoch {epoch}) as its last known leader: nobody in the ISR or ELR could, so its log is taken as it is (KIP-966)"), format!("{b} 作为最后已知的 leader 再次领导 {t}（epoch {epoch}）：ISR 与 ELR 中都没有可选副本，它的日志按原样采用（KIP-966）"))
                    }
                    Some(l) if *from == ElectedFrom::Elr => {
                        let b = self.name(*l);
                        happening(Some(*l), Notice, format!("{b} elected leader of {t} from the ELR, epoch {epoch}: the ISR was empty, and it holds everything committed (KIP-966)"), format!("{b} 从 ELR 中当选 {t} 的 leader，epoch {epoch}：ISR 为空，而它持有全部已提交的消息（KIP-966）"))
                    }
                    Some(l) if from.is_unclean() => {
                        let b = self.name(*l);
                        happening(Some(*l), Alert, format!("UNCLEAN election: {b} leads {t} (epoch {epoch}) without being in sync — committed records it lacks are lost"), format!("非干净选举：{b} 成为 {t} 的 leader（epoch {epoch}），它不在 ISR 中——它缺少的已提交消息将丢失"))
                    }
                    Some(l) => {
                        let b = self.name(*l);
                        happening(
                            Some(*l),
                            Notice,
                            format!("{b} elected leader of {t}, epoch {epoch} ({why_en})"),
                            format!("{b} 当选 {t} 的 leader，epoch {epoch}（{why_zh}）"),
                        )
                    }
                    None => happening(
                        None,
                        Alert,
                        format!(
                            "{t} is OFFLINE: no in-sync replica is alive (epoch {epoch}, {why_en})"
                        ),
                        format!("{t} 离线：没有存活的同步副本（epoch {epoch}，{why_zh}）"),
                    ),
                }
            }
            Note::ElrChanged { tp, elr } if elr.is_empty() => {
                let t = self.tp(*tp);
                happening(
                    Some(mqlab_kafka::CONTROLLER),
                    Notice,
                    format!("{t} has no Eligible Leader Replicas any more"),
                    format!("{t} 不再有 Eligible Leader Replicas"),
                )
            }
            Note::ElrChanged { tp, elr } => {
                let (t, s) = (self.tp(*tp), self.set(elr));
                happening(
                    Some(mqlab_kafka::CONTROLLER),
                    Notice,
                    format!("Eligible Leader Replicas of {t}: {s} (out of the ISR, but holding everything committed)"),
                    format!("{t} 的 Eligible Leader Replicas：{s}（不在 ISR 中，但持有全部已提交消息）"),
                )
            }
            Note::ProducerEpochBumped {
                producer,
                tp,
                epoch,
            } => {
                let (p, t) = (self.name(*producer), self.tp(*tp));
                happening(Some(*producer), Notice, format!("{p} found a gap in its sequence on {t}: it bumps its producer epoch to {epoch} and numbers {t} from 0 again, retrying without telling the application (KIP-360)"), format!("{p} 在 {t} 上发现序列号缺口：把 producer epoch 提升到 {epoch}，{t} 从 0 重新编号并重试，不通知应用（KIP-360）"))
            }
            Note::TruncatedToHighWatermark {
                broker,
                tp,
                to_offset,
                removed,
            } => {
                let (b, t, m) = (self.name(*broker), self.tp(*tp), self.labels(removed));
                happening(Some(*broker), Alert, format!("{b} starts following {t} and cuts its log to its own high watermark {to_offset}, discarding {m} (before KIP-101)"), format!("{b} 开始跟随 {t}，把日志截断到自己的高水位 {to_offset}，丢弃 {m}（KIP-101 之前）"))
            }
            Note::PageCacheLost {
                broker,
                tp,
                removed,
            } => {
                let (b, t, m) = (self.name(*broker), self.tp(*tp), self.labels(removed));
                happening(Some(*broker), Alert, format!("{b} lost {m} from its {t} log with the page cache: they were never flushed to disk"), format!("{b} 的 {t} 日志随页缓存丢失了 {m}：它们从未刷到磁盘"))
            }
            Note::BecameLeader { broker, tp, epoch } => {
                let (b, t) = (self.name(*broker), self.tp(*tp));
                happening(
                    Some(*broker),
                    Notice,
                    format!("{b} now leads {t} (epoch {epoch})"),
                    format!("{b} 开始担任 {t} 的 leader（epoch {epoch}）"),
                )
            }
            Note::BecameFollower {
                broker,
                tp,
                leader,
                epoch,
            } => {
                let (b, t) = (self.name(*broker), self.tp(*tp));
                match leader {
                    Some(l) => {
                        let l = self.name(*l);
                        happening(
                            Some(*broker),
                            Info,
                            format!("{b} follows {l} for {t} (epoch {epoch})"),
                            format!("{b} 作为 follower 跟随 {l}（{t}，epoch {epoch}）"),
                        )
                    }
                    None => happening(
                        Some(*broker),
                        Info,
                        format!("{b} learns {t} has no leader"),
                        format!("{b} 得知 {t} 没有 leader"),
                    ),
                }
            }
            Note::Truncated {
                broker,
                tp,
                to_offset,
                removed,
            } => {
                let (b, t) = (self.name(*broker), self.tp(*tp));
                if removed.is_empty() {
                    happening(Some(*broker), Info, format!("{b} checked its {t} log against the leader's epochs: nothing to truncate"), format!("{b} 按 leader epoch 校验 {t} 的日志：无需截断"))
                } else {
                    let m = self.labels(removed);
                    happening(Some(*broker), Alert, format!("{b} truncated {t} to offset {to_offset}, discarding {m} (leader epoch check)"), format!("{b} 将 {t} 截断到 offset {to_offset}，丢弃 {m}（leader epoch 校验）"))
                }
            }
            Note::DuplicateBatch {
                broker,
                tp,
                base_offset,
                messages,
            } => {
                let (b, t, m) = (self.name(*broker), self.tp(*tp), self.labels(messages));
                happening(
                    Some(*broker),
                    Notice,
                    format!("{b} recognised {m} as a retry (same producer id and sequence) and answered with the original offset {base_offset} on {t} instead of appending it again"),
                    format!("{b} 识别出 {m} 是重试（相同的 producer id 与序列号），返回 {t} 上原来的 offset {base_offset}，而不是再追加一次"),
                )
            }
            Note::ErrorReturned { broker, tp, error } => {
                let (b, t, e) = (self.name(*broker), self.tp(*tp), error.name());
                happening(
                    Some(*broker),
                    Alert,
                    format!("{b} answered {e} for {t}"),
                    format!("{b} 对 {t} 返回错误 {e}"),
                )
            }
            Note::ProduceAcked {
                producer,
                tp,
                base_offset,
                messages,
            } => {
                let (p, t, m) = (self.name(*producer), self.tp(*tp), self.labels(messages));
                match base_offset {
                    Some(o) => happening(
                        Some(*producer),
                        Notice,
                        format!("{p}: {m} acknowledged, {t} offset {o}"),
                        format!("{p}：{m} 已确认，{t} offset {o}"),
                    ),
                    None => happening(
                        Some(*producer),
                        Notice,
                        // The Java client completes an acks=0 send at once with offset -1
                        // (ProduceResponse.INVALID_OFFSET): the broker never says where.
                        format!(
                            "{p}: {m} sent with acks=0: offset -1, no acknowledgement will come"
                        ),
                        format!("{p}：{m} 以 acks=0 发出：offset -1，不会有确认"),
                    ),
                }
            }
            // A send that did not go through, retried or given up on: the same names either way.
            Note::ProduceRetry {
                producer,
                tp,
                error,
                messages,
            }
            | Note::ProduceFailed {
                producer,
                tp,
                error,
                messages,
            } => {
                let (p, t, m, e) = (
                    self.name(*producer),
                    self.tp(*tp),
                    self.labels(messages),
                    error.name(),
                );
                let (en, zh) = if matches!(note, Note::ProduceRetry { .. }) {
                    (
                        format!("{p}: {e} for {m} ({t}); will retry"),
                        format!("{p}：{m}（{t}）遇到 {e}，将重试"),
                    )
                } else {
                    (
                        format!("{p}: gave up on {m} ({t}): {e}"),
                        format!("{p}：放弃发送 {m}（{t}）：{e}"),
                    )
                };
                happening(Some(*producer), Alert, en, zh)
            }
            Note::Read {
                reader,
                tp,
                messages,
            } => {
                let (r, t) = (self.name(*reader), self.tp(*tp));
                let ids: Vec<MessageId> = messages.iter().map(|&(_, m)| m).collect();
                let m = self.labels(&ids);
                happening(
                    Some(*reader),
                    Info,
                    format!("{r} read {m} from {t}"),
                    format!("{r} 从 {t} 读到 {m}"),
                )
            }
            Note::ReaderReset {
                reader,
                tp,
                to_offset,
            } => {
                let (r, t) = (self.name(*reader), self.tp(*tp));
                happening(Some(*reader), Alert, format!("{r}: OffsetOutOfRange on {t}; reset to {to_offset} (auto.offset.reset=latest)"), format!("{r}：{t} 上 OffsetOutOfRange，重置到 {to_offset}（auto.offset.reset=latest）"))
            }
            other => self
                .broker_life(other)
                .or_else(|| self.txn_note(other))
                .unwrap_or_else(|| self.group_note(other)),
        }
    }

    /// A broker's own life (fenced, registered again, recovering, stopping, down, started):
    /// each is one line at the broker that names only it; `None` for every other note.
    fn broker_life(&self, note: &Note) -> Option<Happening> {
        use Severity::*;
        // Each line as a function of the broker's name, which is looked up once, below.
        type Line = fn(&str) -> (String, String);
        let (broker, severity, line): (_, _, Line) = match note {
            Note::BrokerFenced { broker } => (broker, Alert, |b| {
                (
                    format!("controller fenced {b}: removed from every ISR, its leaderships moved"),
                    format!("controller 隔离（fence）了 {b}：移出所有 ISR，转移其 leader"),
                )
            }),
            Note::BrokerUnfenced { broker } => (broker, Notice, |b| {
                (
                    format!("{b} is registered with the controller again"),
                    format!("{b} 重新在 controller 注册"),
                )
            }),
            Note::LogRecovery { broker } => (broker, Notice, |b| {
                (
                    format!("{b} recovers its logs after an unclean shutdown"),
                    format!("{b} 在非正常关闭后恢复日志"),
                )
            }),
            Note::ShutdownRequested { broker } => (broker, Notice, |b| {
                (
                    format!("{b} asks for a controlled shutdown: leadership moves first"),
                    format!("{b} 请求受控关闭：先转移 leader"),
                )
            }),
            Note::BrokerDown {
                broker,
                graceful: true,
            } => (broker, Alert, |b| {
                (format!("{b} has stopped"), format!("{b} 已停止"))
            }),
            Note::BrokerDown {
                broker,
                graceful: false,
            } => (broker, Alert, |b| {
                (
                    format!("{b} was killed (kill -9)"),
                    format!("{b} 被杀死（kill -9）"),
                )
            }),
            Note::BrokerStarted { broker } => (broker, Notice, |b| {
                (
                    format!("{b} started; it rejoins as a follower"),
                    format!("{b} 已启动，以 follower 身份重新加入"),
                )
            }),
            _ => return None,
        };
        let (en, zh) = line(&self.name(*broker));
        Some(happening(Some(*broker), severity, en, zh))
    }

    pub fn action(&self, action: &Action) -> (String, String) {
        match action {
            Action::Produce {
                producer,
                count,
                key,
                ..
            } => {
                let p = self.name(*producer);
                (
                    format!("{p} sends {count} message(s) keyed {key}-…"),
                    format!("{p} 发送 {count} 条消息（key {key}-…）"),
                )
            }
            Action::ElectPreferredLeaders => (
                "preferred leader election (kafka-leader-election.sh)".into(),
                "优先副本选举（kafka-leader-election.sh）".into(),
            ),
            Action::Transaction {
                producer,
                count,
                key,
                commit,
                ..
            } => {
                let p = self.name(*producer);
                if *commit {
                    (
                        format!("{p} sends {count} message(s) keyed {key}-… in a transaction and commits it"),
                        format!("{p} 在一个事务中发送 {count} 条消息（key {key}-…）并提交"),
                    )
                } else {
                    (
                        format!("{p} sends {count} message(s) keyed {key}-… in a transaction and aborts it"),
                        format!("{p} 在一个事务中发送 {count} 条消息（key {key}-…）然后中止"),
                    )
                }
            }
        }
    }

    /// A short label for an envelope, in both languages, and how to draw it. Protocol and
    /// error names stay as Kafka spells them; the words around them are translated.
    pub fn message(&self, msg: &Msg) -> (Text, EnvelopeKind) {
        use EnvelopeKind::*;
        let same = |s: String| Text {
            zh: s.clone(),
            en: s,
        };
        let two = |en: String, zh: String| Text { en, zh };
        let records = |n: usize| two(format!("{n} record(s)"), format!("{n} 条记录"));
        match msg {
            Msg::Heartbeat { .. } => (two("Heartbeat".into(), "心跳".into()), Control),
            Msg::HeartbeatResponse { .. } => {
                (two("Heartbeat OK".into(), "心跳确认".into()), Control)
            }
            Msg::MetadataUpdate(_) | Msg::MetadataResponse(_) => {
                (two("Metadata".into(), "元数据".into()), Control)
            }
            Msg::MetadataRequest => (two("Metadata?".into(), "请求元数据".into()), Control),
            Msg::ConnectionClosed => (
                two(
                    "connection closed (the broker's process is gone)".into(),
                    "连接被关闭（broker 进程已不在）".into(),
                ),
                Error,
            ),
            Msg::AlterPartition { new_isr, .. } => (
                same(format!("AlterPartition ISR={}", self.set(new_isr))),
                Control,
            ),
            Msg::AlterPartitionResponse { result, .. } => match result {
                Ok(s) => (same(format!("ISR={}", self.set(&s.isr))), Ack),
                Err(e) => (same(e.name().into()), Error),
            },
            Msg::ControlledShutdown => (same("ControlledShutdown".into()), Control),
            Msg::ControlledShutdownResponse => {
                (two("Shutdown OK".into(), "关闭确认".into()), Control)
            }
            Msg::Fetch { partitions, .. } => {
                let at: Vec<String> = partitions
                    .iter()
                    .map(|p| format!("@{}", p.fetch_offset))
                    .collect();
                (same(format!("Fetch {}", at.join(" "))), Control)
            }
            Msg::FetchResponse { partitions, .. } => {
                let count: usize = partitions
                    .iter()
                    .map(|(_, r)| {
                        if let FetchResult::Records { records, .. } = r {
                            records.len()
                        } else {
                            0
                        }
                    })
                    .sum();
                if partitions
                    .iter()
                    .any(|(_, r)| matches!(r, FetchResult::Diverging { .. }))
                {
                    (two("Diverging epoch".into(), "epoch 分歧".into()), Error)
                } else if count > 0 {
                    (records(count), Data)
                } else {
                    (two("no new records".into(), "没有新记录".into()), Control)
                }
            }
            Msg::Produce(request) => {
                let sequence = request
                    .sequence
                    .map(|s| format!(" seq={}", s.base))
                    .unwrap_or_default();
                (
                    same(format!(
                        "Produce {} acks={}{sequence}",
                        self.labels(&request.messages),
                        request.acks.label()
                    )),
                    Data,
                )
            }
            Msg::ProduceResponse { result, .. } => match result {
                Ok(o) => (two(format!("ack @{o}"), format!("确认 @{o}")), Ack),
                Err(e) => (same(e.name().into()), Error),
            },
            Msg::ReadRequest { offset, .. } => (
                two(format!("Read @{offset}"), format!("读取 @{offset}")),
                Control,
            ),
            Msg::ReadResponse { result, .. } => match result {
                Ok(r) if !r.is_empty() => (records(r.len()), Data),
                Ok(_) => (two("nothing new".into(), "没有新消息".into()), Control),
                Err(e) => (same(e.name().into()), Error),
            },
            other => self.group_message(other),
        }
    }
}

impl Describe<Kafka> for Describer<'_> {
    fn name(&self, node: NodeId) -> String {
        Describer::name(self, node)
    }
    fn message(&self, msg: &mqlab_kafka::Msg) -> (crate::i18n::Text, EnvelopeKind) {
        Describer::message(self, msg)
    }
    fn action(&self, action: &mqlab_kafka::Action) -> (String, String) {
        Describer::action(self, action)
    }
    fn note(&self, note: &mqlab_kafka::Note) -> Happening {
        Describer::note(self, note)
    }
}
