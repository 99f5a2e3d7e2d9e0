//! RabbitMQ facts in words: every note, message and action of the RabbitMQ model as a
//! bilingual line. AMQP method names stay as RabbitMQ spells them.

use crate::describe::{happening, Describe};
use crate::frame::{EnvelopeKind, Happening, Severity};
use crate::i18n::Text;
use crate::sim::Names;
use mqlab_engine::NodeId;
use mqlab_ledger::MessageId;
use mqlab_rabbitmq::{Action, Msg, Note, QueueError, Rabbit};

pub struct Describer<'a> {
    pub rabbit: &'a Rabbit,
    pub names: &'a Names,
}

impl Describer<'_> {
    fn label(&self, m: MessageId) -> &str {
        self.rabbit.ledger().label(m)
    }

    fn queue(&self, q: u32) -> String {
        self.rabbit
            .config()
            .queues
            .get(q as usize)
            .map_or_else(|| format!("queue {q}"), |c| c.name.clone())
    }

    fn error(&self, e: QueueError) -> (&'static str, &'static str) {
        match e {
            QueueError::HomeNodeDown => (
                "NOT_FOUND: its home node is down",
                "NOT_FOUND：它的主节点已宕机",
            ),
            QueueError::Deleted => (
                "NOT_FOUND: the queue was deleted",
                "NOT_FOUND：队列已被删除",
            ),
            QueueError::NoQuorum => ("no quorum", "没有多数派"),
            QueueError::Full => (
                "the queue is full (x-max-length, reject-publish)",
                "队列已满（x-max-length，reject-publish）",
            ),
        }
    }
}

impl Describe<Rabbit> for Describer<'_> {
    fn name(&self, node: NodeId) -> String {
        self.names
            .get(&node)
            .cloned()
            .unwrap_or_else(|| node.to_string())
    }

    fn action(&self, action: &Action) -> (String, String) {
        match action {
            Action::Publish {
                publisher,
                count,
                key,
                routing_key,
            } => {
                let p = self.name(*publisher);
                (
                    format!(
                        "{p} publishes {count} message(s) {key}-… (routing key \"{routing_key}\")"
                    ),
                    format!("{p} 发布 {count} 条消息 {key}-…（routing key \"{routing_key}\"）"),
                )
            }
            Action::SyncQueue { queue } => {
                let q = self.queue(*queue);
                (
                    format!("rabbitmqctl sync_queue {q}"),
                    format!("rabbitmqctl sync_queue {q}"),
                )
            }
        }
    }

    fn message(&self, msg: &Msg) -> (Text, EnvelopeKind) {
        use EnvelopeKind::*;
        let same = |s: String| Text {
            zh: s.clone(),
            en: s,
        };
        let two = |en: String, zh: String| Text { en, zh };
        match msg {
            Msg::Publish { message, tx, .. } => {
                let m = self.label(*message);
                let t = if *tx { " (tx)" } else { "" };
                (same(format!("basic.publish {m}{t}")), Data)
            }
            Msg::Open => (same("connection.open".into()), Control),
            Msg::OpenOk => (same("connection.open-ok".into()), Ack),
            Msg::TxCommit { .. } => (same("tx.commit".into()), Control),
            Msg::TxCommitOk { .. } => (same("tx.commit-ok".into()), Ack),
            Msg::Consume { .. } => (same("basic.consume".into()), Control),
            Msg::ConsumeOk { .. } => (same("basic.consume-ok".into()), Ack),
            Msg::ConsumeFailed { error, .. } => {
                let (en, zh) = self.error(*error);
                (two(en.into(), zh.into()), Error)
            }
            Msg::Ack { .. } => (same("basic.ack".into()), Ack),
            Msg::Reject { requeue, .. } => (same(format!("basic.reject requeue={requeue}")), Error),
            Msg::RejectDelivery { requeue, .. } => {
                (same(format!("reject requeue={requeue}")), Error)
            }
            Msg::ClientGone => (two("connection closed".into(), "连接关闭".into()), Error),
            Msg::Confirm { ack: true, .. } => (same("confirm basic.ack".into()), Ack),
            Msg::Confirm { ack: false, .. } => (same("basic.nack".into()), Error),
            Msg::Returned { message } => (
                same(format!("basic.return {}", self.label(*message))),
                Error,
            ),
            Msg::Deliver {
                message,
                redelivered,
                ..
            } => {
                let m = self.label(*message);
                let r = if *redelivered { " redelivered" } else { "" };
                (same(format!("basic.deliver {m}{r}")), Data)
            }
            Msg::Cancelled { .. } => (same("basic.cancel".into()), Error),
            Msg::ConnectionClosed => (two("connection closed".into(), "连接关闭".into()), Error),
            Msg::Enqueue { message, .. } => (
                two(
                    format!("enqueue {}", self.label(*message)),
                    format!("入队 {}", self.label(*message)),
                ),
                Data,
            ),
            Msg::Enqueued { ok: true, .. } => (two("enqueued".into(), "已入队".into()), Ack),
            Msg::Enqueued { ok: false, .. } => (two("not enqueued".into(), "未入队".into()), Error),
            Msg::Subscribe { .. } => (two("subscribe".into(), "订阅".into()), Control),
            Msg::Unsubscribe { .. } => (two("consumer gone".into(), "消费者离开".into()), Control),
            Msg::QueueDeliver { message, .. } => (
                two(
                    format!("deliver {}", self.label(*message)),
                    format!("投递 {}", self.label(*message)),
                ),
                Data,
            ),
            Msg::Settle { .. } => (same("ack".into()), Ack),
            Msg::FetchMissing { from, to, .. } => (
                two(
                    format!("missing deliveries {from}..{to}?"),
                    format!("缺少的投递 {from}..{to}？"),
                ),
                Control,
            ),
            Msg::Missing { deliveries, .. } => (
                two(
                    format!("{} missing deliveries", deliveries.len()),
                    format!("{} 条缺少的投递", deliveries.len()),
                ),
                Data,
            ),
            Msg::QueueCancel { .. } => (same("basic.cancel".into()), Error),
            Msg::Tick => (same("tick".into()), Control),
            Msg::PeerGone { .. } => (two("node down".into(), "节点宕机".into()), Error),
            Msg::Hello => (two("node up".into(), "节点上线".into()), Control),
            Msg::LeaderIs { leader, .. } => match leader {
                Some(l) => (
                    two(
                        format!("leader {}", self.name(*l)),
                        format!("leader 是 {}", self.name(*l)),
                    ),
                    Control,
                ),
                None => (two("queue down".into(), "队列不可用".into()), Error),
            },
            Msg::Mirror { op, .. } => {
                let (en, zh) = match op {
                    mqlab_rabbitmq::MirrorOp::Enqueue { msg, .. } => {
                        let m = self.label(msg.message);
                        (format!("mirror {m}"), format!("镜像 {m}"))
                    }
                    mqlab_rabbitmq::MirrorOp::Sync { messages } => (
                        format!("sync {} message(s)", messages.len()),
                        format!("同步 {} 条消息", messages.len()),
                    ),
                    mqlab_rabbitmq::MirrorOp::Start { .. } => {
                        ("new mirror".into(), "新镜像".into())
                    }
                    _ => ("mirror update".into(), "镜像更新".into()),
                };
                (two(en, zh), Control)
            }
            Msg::MirrorAck { .. } => (two("mirrored".into(), "已镜像".into()), Ack),
            Msg::SyncDone { .. } => (two("synchronised".into(), "已同步".into()), Ack),
            Msg::Raft { msg, .. } => match msg {
                mqlab_rabbitmq::RaftMsg::Append { entries, .. } if entries.is_empty() => {
                    (two("Raft heartbeat".into(), "Raft 心跳".into()), Control)
                }
                mqlab_rabbitmq::RaftMsg::Append { entries, .. } => (
                    two(
                        format!("Raft append {}", entries.len()),
                        format!("Raft 追加 {} 条", entries.len()),
                    ),
                    Data,
                ),
                mqlab_rabbitmq::RaftMsg::AppendReply { ok: true, .. } => {
                    (two("appended".into(), "已追加".into()), Ack)
                }
                mqlab_rabbitmq::RaftMsg::AppendReply { .. } => {
                    (two("append refused".into(), "追加被拒".into()), Error)
                }
                mqlab_rabbitmq::RaftMsg::Vote { term, .. } => (
                    two(
                        format!("vote for me? term {term}"),
                        format!("请求投票，任期 {term}"),
                    ),
                    Control,
                ),
                mqlab_rabbitmq::RaftMsg::VoteReply { granted: true, .. } => {
                    (two("vote granted".into(), "同意".into()), Ack)
                }
                mqlab_rabbitmq::RaftMsg::VoteReply { .. } => {
                    (two("vote refused".into(), "拒绝".into()), Error)
                }
            },
        }
    }

    fn note(&self, note: &Note) -> Happening {
        use Severity::*;
        let h = |node: Option<NodeId>, s, en: String, zh: String| happening(node, s, en, zh);
        match note {
            Note::Published {
                publisher,
                node,
                message,
            } => {
                let (p, n, m) = (
                    self.name(*publisher),
                    self.name(*node),
                    self.label(*message),
                );
                h(
                    Some(*node),
                    Info,
                    format!("{n} received {m} from {p}"),
                    format!("{n} 收到 {p} 发布的 {m}"),
                )
            }
            Note::Unroutable {
                node,
                message,
                returned,
            } => {
                let (n, m) = (self.name(*node), self.label(*message));
                if *returned {
                    h(
                        Some(*node),
                        Alert,
                        format!("{n}: no queue for {m}; mandatory, so basic.return"),
                        format!("{n}：{m} 没有匹配的队列；设置了 mandatory，退回（basic.return）"),
                    )
                } else {
                    h(
                        Some(*node),
                        Alert,
                        format!("{n}: no queue for {m}: dropped"),
                        format!("{n}：{m} 没有匹配的队列，被丢弃"),
                    )
                }
            }
            Note::Enqueued {
                node,
                queue,
                message,
                index,
            } => {
                let (n, q, m) = (self.name(*node), self.queue(*queue), self.label(*message));
                h(
                    Some(*node),
                    Info,
                    format!("{q} on {n} enqueued {m} (position {index})"),
                    format!("{n} 上的 {q} 入队 {m}（位置 {index}）"),
                )
            }
            Note::DuplicateEnqueue {
                node,
                queue,
                message,
            } => {
                let (n, q, m) = (self.name(*node), self.queue(*queue), self.label(*message));
                h(
                    Some(*node),
                    Info,
                    format!("{q} on {n} already has {m} (re-sent by its channel): confirmed, not enqueued twice"),
                    format!("{n} 上的 {q} 已有 {m}（通道重发）：确认，但不重复入队"),
                )
            }
            Note::DuplicateDeliveryDropped {
                node,
                consumer,
                message,
            } => {
                let (n, c, m) = (self.name(*node), self.name(*consumer), self.label(*message));
                h(
                    Some(*node),
                    Info,
                    format!(
                        "the channel of {c} on {n} already had {m} (same delivery id): dropped"
                    ),
                    format!("{n} 上 {c} 的通道已收到过 {m}（相同投递编号）：丢弃"),
                )
            }
            Note::EnqueueRefused {
                node,
                queue,
                message,
                error,
            } => {
                let (n, q, m) = (self.name(*node), self.queue(*queue), self.label(*message));
                let (en, zh) = self.error(*error);
                h(
                    Some(*node),
                    Alert,
                    format!(
                        "{n}: {m} cannot reach {q} ({en}): nacked with confirms, dropped without"
                    ),
                    format!("{n}：{m} 无法进入 {q}（{zh}）：开启 confirm 时 nack，否则直接丢弃"),
                )
            }
            Note::Fsynced { node, messages } => {
                let n = self.name(*node);
                h(
                    Some(*node),
                    Info,
                    format!("{n} wrote {messages} persistent message(s) to disk (fsync)"),
                    format!("{n} 将 {messages} 条持久化消息写入磁盘（fsync）"),
                )
            }
            Note::Confirmed {
                publisher,
                message,
                ack,
            } => {
                let (p, m) = (self.name(*publisher), self.label(*message));
                if *ack {
                    h(
                        Some(*publisher),
                        Notice,
                        format!("{p}: {m} confirmed (basic.ack)"),
                        format!("{p}：{m} 已确认（basic.ack）"),
                    )
                } else {
                    h(
                        Some(*publisher),
                        Alert,
                        format!("{p}: {m} nacked (basic.nack)"),
                        format!("{p}：{m} 被拒绝（basic.nack）"),
                    )
                }
            }
            Note::TxCommitted {
                publisher,
                messages,
            } => {
                let p = self.name(*publisher);
                let n = messages.len();
                h(
                    Some(*publisher),
                    Notice,
                    format!("{p}: tx.commit-ok for {n} message(s)"),
                    format!("{p}：事务提交成功（tx.commit-ok），{n} 条消息"),
                )
            }
            Note::Republished { publisher, message } => {
                let (p, m) = (self.name(*publisher), self.label(*message));
                h(
                    Some(*publisher),
                    Alert,
                    format!("{p} publishes {m} again: no confirm came"),
                    format!("{p} 重新发布 {m}：没有收到确认"),
                )
            }
            Note::Delivered {
                node,
                queue,
                consumer,
                message,
                redelivered,
                auto_ack,
            } => {
                let (q, c, m) = (
                    self.queue(*queue),
                    self.name(*consumer),
                    self.label(*message),
                );
                let (r_en, r_zh) = if *redelivered {
                    (" (redelivered)", "（重新投递）")
                } else {
                    ("", "")
                };
                let (a_en, a_zh) = if *auto_ack {
                    (
                        "; autoAck: it leaves the queue now",
                        "；autoAck：它现在就离开队列",
                    )
                } else {
                    ("", "")
                };
                h(
                    Some(*node),
                    if *redelivered { Notice } else { Info },
                    format!("{q} delivers {m} to {c}{r_en}{a_en}"),
                    format!("{q} 把 {m} 投递给 {c}{r_zh}{a_zh}"),
                )
            }
            Note::Acked {
                queue,
                consumer,
                message,
            } => {
                let (q, c, m) = (
                    self.queue(*queue),
                    self.name(*consumer),
                    self.label(*message),
                );
                h(
                    Some(*consumer),
                    Info,
                    format!("{c} acked {m}: {q} removes it"),
                    format!("{c} 确认了 {m}：{q} 删除它"),
                )
            }
            Note::Requeued { queue, messages } => {
                let q = self.queue(*queue);
                let list: Vec<&str> = messages.iter().map(|&m| self.label(m)).collect();
                let l = list.join(", ");
                h(
                    None,
                    Notice,
                    format!("{q} requeued unacked {l}; they will come with redelivered=true"),
                    format!("{q} 把未确认的 {l} 重新入队，再投递时 redelivered=true"),
                )
            }
            Note::Processed {
                consumer,
                message,
                store,
                effect,
            } => {
                let (c, m) = (self.name(*consumer), self.label(*message));
                let (s, en, zh) = crate::describe::describe_write(&c, m, store, *effect);
                h(Some(*consumer), s, en, zh)
            }
            Note::ConsumerCancelled { consumer, queue } => {
                let (c, q) = (self.name(*consumer), self.queue(*queue));
                h(
                    Some(*consumer),
                    Alert,
                    format!("{c} got basic.cancel: {q} went away"),
                    format!("{c} 收到 basic.cancel：{q} 不可用了"),
                )
            }
            Note::ConsumeRefused {
                consumer,
                queue,
                error,
            } => {
                let (c, q) = (self.name(*consumer), self.queue(*queue));
                let (en, zh) = self.error(*error);
                h(
                    Some(*consumer),
                    Alert,
                    format!("{c} cannot consume from {q}: {en}"),
                    format!("{c} 无法从 {q} 消费：{zh}"),
                )
            }
            Note::QueueDown { queue } => {
                let q = self.queue(*queue);
                h(
                    None,
                    Alert,
                    format!("{q} is unavailable: its leader is down and no replica took over"),
                    format!("{q} 不可用：leader 宕机且没有副本接管"),
                )
            }
            Note::QueueDeleted { queue } => {
                let q = self.queue(*queue);
                h(
                    None,
                    Alert,
                    format!("{q} is deleted: a transient queue goes with its node"),
                    format!("{q} 被删除：非持久队列随节点一起消失"),
                )
            }
            Note::QueueRecovered {
                node,
                queue,
                messages,
                ..
            } => {
                let (n, q) = (self.name(*node), self.queue(*queue));
                h(
                    Some(*node),
                    Notice,
                    format!(
                        "{n} recovered durable {q} from disk with {messages} persistent message(s)"
                    ),
                    format!("{n} 从磁盘恢复了持久队列 {q}，含 {messages} 条持久化消息"),
                )
            }
            Note::Promoted {
                node,
                queue,
                synced,
            } => {
                let (n, q) = (self.name(*node), self.queue(*queue));
                if *synced {
                    h(
                        Some(*node),
                        Notice,
                        format!("the mirror on {n} is promoted: it leads {q} now"),
                        format!("{n} 上的镜像被提升为 {q} 的 leader"),
                    )
                } else {
                    h(Some(*node), Alert, format!("an unsynchronised mirror on {n} is promoted for {q}: what only the old leader had is lost"), format!("{n} 上未同步的镜像被提升为 {q} 的 leader：只在旧 leader 上的消息丢失"))
                }
            }
            Note::MirrorStarted {
                node,
                queue,
                discarded,
            } => {
                let (n, q) = (self.name(*node), self.queue(*queue));
                h(Some(*node), Notice, format!("a new, empty mirror of {q} on {n} (it discarded {discarded} local message(s))"), format!("{n} 上新建了 {q} 的空镜像（丢弃了本地 {discarded} 条消息）"))
            }
            Note::MirrorSynced { node, queue } => {
                let (n, q) = (self.name(*node), self.queue(*queue));
                h(
                    Some(*node),
                    Notice,
                    format!("the mirror of {q} on {n} is synchronised"),
                    format!("{n} 上 {q} 的镜像已同步"),
                )
            }
            Note::SyncStarted { queue, messages } => {
                let q = self.queue(*queue);
                h(None, Alert, format!("{q} synchronises {messages} message(s) to its mirrors and is blocked meanwhile"), format!("{q} 正在向镜像同步 {messages} 条消息，期间队列被阻塞"))
            }
            Note::DeadLettered {
                queue,
                message,
                reason,
                exchange,
            } => {
                let (q, m, r) = (self.queue(*queue), self.label(*message), reason.name());
                match exchange {
                    Some(x) => h(
                        None,
                        Alert,
                        format!("{m} left {q} ({r}) for the dead-letter exchange {x}"),
                        format!("{m} 离开 {q}（{r}），进入死信交换机 {x}"),
                    ),
                    None => h(
                        None,
                        Alert,
                        format!("{m} left {q} ({r}) and is dropped: no dead-letter exchange"),
                        format!("{m} 离开 {q}（{r}）并被丢弃：没有死信交换机"),
                    ),
                }
            }
            Note::DeadLetterCycle {
                queue,
                target,
                message,
            } => {
                let (q, t, m) = (
                    self.queue(*queue),
                    self.queue(*target),
                    self.label(*message),
                );
                h(
                    None,
                    Alert,
                    format!("{m} is not dead-lettered from {q} to {t}: it already died in {t} with no rejection since, a dead-letter cycle, so it is dropped"),
                    format!("{m} 不会从 {q} 死信转到 {t}：它曾在 {t} 死信过且此后没有被拒绝，构成死信循环，因此被丢弃"),
                )
            }
            Note::ConsumerTimedOut { node, consumer } => {
                let (n, c) = (self.name(*node), self.name(*consumer));
                h(Some(*consumer), Alert, format!("{n} closes {c}'s channel: a delivery stayed unacked past consumer_timeout (PRECONDITION_FAILED); its unacked messages are requeued"), format!("{n} 关闭 {c} 的通道：有投递超过 consumer_timeout 未确认（PRECONDITION_FAILED），其未确认消息全部重新入队"))
            }
            Note::ProcessingFailed {
                consumer,
                message,
                requeue,
            } => {
                let (c, m) = (self.name(*consumer), self.label(*message));
                h(
                    Some(*consumer),
                    Alert,
                    format!("{c} failed to process {m}: basic.reject requeue={requeue}"),
                    format!("{c} 处理 {m} 失败：basic.reject requeue={requeue}"),
                )
            }
            Note::QuorumLeader { node, queue, term } => {
                let (n, q) = (self.name(*node), self.queue(*queue));
                h(
                    Some(*node),
                    Notice,
                    format!("{n} won the election for {q} (term {term}) and leads it"),
                    format!("{n} 赢得 {q} 的选举（任期 {term}），成为 leader"),
                )
            }
            Note::QuorumFollows {
                node,
                queue,
                leader,
            } => {
                let (n, q, l) = (self.name(*node), self.queue(*queue), self.name(*leader));
                h(
                    Some(*node),
                    Info,
                    format!("{n} follows {l} for {q}"),
                    format!("{n} 作为 {q} 的跟随者，跟随 {l}"),
                )
            }
            Note::NodeDown { node, graceful } => {
                let n = self.name(*node);
                if *graceful {
                    h(
                        Some(*node),
                        Alert,
                        format!("{n} stopped"),
                        format!("{n} 已停止"),
                    )
                } else {
                    h(
                        Some(*node),
                        Alert,
                        format!("{n} was killed: its memory is gone, its disk stays"),
                        format!("{n} 被杀死：内存中的内容丢失，磁盘保留"),
                    )
                }
            }
            Note::NodePaused { node } => {
                let n = self.name(*node);
                h(
                    Some(*node),
                    Alert,
                    format!(
                        "{n} sees no majority and pauses (pause_minority): it serves no client"
                    ),
                    format!("{n} 看不到多数派，暂停服务（pause_minority）：不再服务任何客户端"),
                )
            }
            Note::NodeResumed { node } => {
                let n = self.name(*node);
                h(
                    Some(*node),
                    Notice,
                    format!("{n} sees a majority again and rejoins"),
                    format!("{n} 重新看到多数派，重新加入集群"),
                )
            }
            Note::NodeStarted { node } => {
                let n = self.name(*node);
                h(
                    Some(*node),
                    Notice,
                    format!("{n} started"),
                    format!("{n} 已启动"),
                )
            }
            Note::PeerDown { node, peer } => {
                let (n, p) = (self.name(*node), self.name(*peer));
                h(
                    Some(*node),
                    Notice,
                    format!("{n} sees {p} down"),
                    format!("{n} 发现 {p} 已宕机"),
                )
            }
            Note::ClientDisconnected { client, node } => {
                let (c, n) = (self.name(*client), self.name(*node));
                h(
                    Some(*client),
                    Alert,
                    format!("the connection between {c} and {n} closed"),
                    format!("{c} 与 {n} 之间的连接关闭"),
                )
            }
            Note::ClientConnected { client, node } => {
                let (c, n) = (self.name(*client), self.name(*node));
                h(
                    Some(*client),
                    Info,
                    format!("{c} connected to {n}"),
                    format!("{c} 连接到 {n}"),
                )
            }
        }
    }
}
