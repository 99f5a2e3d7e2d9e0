//! The channels of the clients connected to this node (one channel per connection): a
//! publish is routed and forwarded to each target queue's leader, and confirmed once every
//! queue has answered; a transaction holds its publishes until `tx.commit`; consumers get
//! client delivery tags, and their acks go to the queue's leader (held while it has none).
//! The channel is where RabbitMQ's client-facing rules live (R2, R5, R6, R16).

use super::{Fx, QueueView, RabbitNode};
use crate::config::{QueueKind, RabbitConfig};
use crate::protocol::{ConsumerRef, Headers, Msg, Note, PublishRef, QueueError, Timer};
use crate::routing::route;
use mqlab_engine::{Millis, NodeId};
use mqlab_engine::{VecMap, VecSet};
use mqlab_ledger::MessageId;

/// A publish on a channel, waiting for every queue it was routed to.
#[derive(Clone, Debug)]
struct PendingPublish {
    queues: VecSet<u32>,
    /// The enqueuer number of this publish for each quorum queue it goes to.
    numbers: VecMap<u32, u64>,
    nacked: bool,
    /// In a transaction: which commit it belongs to.
    batch: Option<u64>,
    message: MessageId,
    persistent: bool,
}

/// One `basic.publish` as the channel routes it: at once, or when its transaction commits.
#[derive(Clone, Debug)]
struct Publish {
    client: NodeId,
    /// The channel's sequence number, which the confirm names.
    seq: u64,
    message: MessageId,
    exchange: String,
    routing_key: String,
    persistent: bool,
    /// Unroutable: returned to the client.
    mandatory: bool,
    /// The client waits for a confirm (or, in a transaction, for the commit).
    confirm: bool,
    /// In a transaction: which commit it belongs to.
    batch: Option<u64>,
}

#[derive(Clone, Debug)]
struct Subscription {
    auto_ack: bool,
    prefetch: u32,
    life: u32,
    /// A quorum queue's deliveries: the last id handed to the client, the ids asked of the
    /// leader after a gap, and the deliveries held meanwhile (rabbit_fifo_client hands the
    /// missing ones over first).
    last_id: u64,
    fetching: Option<(u64, u64)>,
    held: Vec<QueuedDelivery>,
}

impl Subscription {
    /// What attaches this subscription to the queue's leader: on `basic.consume`, and again
    /// whenever the queue gets a new leader.
    fn subscribe(&self, queue: u32, consumer: ConsumerRef) -> Msg {
        Msg::Subscribe {
            queue,
            consumer,
            auto_ack: self.auto_ack,
            prefetch: self.prefetch,
        }
    }
}

/// A delivery from a queue: (queue tag, message, redelivered, id).
type QueuedDelivery = (crate::protocol::QueueTag, MessageId, bool, u64);

/// A client connection with one channel.
#[derive(Clone, Debug, Default)]
pub(super) struct Channel {
    /// This channel's number on its node ([`super::Durable::channels_opened`]).
    id: u64,
    /// The last enqueuer number given per quorum queue (rabbit_fifo_client's `next_seq`).
    enqueued_to: VecMap<u32, u64>,
    pending: VecMap<u64, PendingPublish>,
    /// Publishes of the open transaction, not yet committed (R5).
    tx_buffer: Vec<Publish>,
    /// Commits waiting for their publishes.
    commits: VecSet<u64>,
    subscriptions: VecMap<u32, Subscription>,
    /// Client delivery tag → (queue, queue's tag).
    unacked: VecMap<u64, (u32, crate::protocol::QueueTag)>,
    /// When each unacked delivery went out (for `consumer_timeout`).
    delivered_at: VecMap<u64, Millis>,
    next_tag: u64,
    /// Acks for a queue that has no leader right now, sent when one is elected.
    held_acks: Vec<(u32, crate::protocol::QueueTag)>,
    /// Publishes without confirms to a quorum queue that has no leader right now (queue,
    /// message, persistent), sent when one is elected (R26).
    held_publishes: Vec<(u32, MessageId, bool)>,
}

impl RabbitNode {
    /// The client's channel on this node, opened (with the next number) if it has none.
    fn channel(&mut self, client: NodeId) -> &mut Channel {
        let opened = &mut self.durable.channels_opened;
        self.channels.entry(client).or_insert_with(|| {
            *opened += 1;
            Channel {
                id: *opened,
                ..Channel::default()
            }
        })
    }

    /// A message for a channel: from its client, or from a queue about its publishes and
    /// deliveries.
    pub(super) fn on_channel_message(
        &mut self,
        config: &RabbitConfig,
        from: NodeId,
        msg: Msg,
        fx: Fx,
    ) {
        let me = self.id;
        match msg {
            Msg::Enqueued {
                queue,
                from: origin,
                ok: false,
            } if matches!(
                config.queues.get(queue as usize).map(|q| q.kind),
                Some(QueueKind::Quorum { .. })
            ) =>
            {
                // A quorum member that does not lead (any more) refused it: rabbit_fifo_client
                // keeps the command pending and sends it to the leader, never nacks it (R26).
                self.quorum_refused(queue, origin, from, fx)
            }
            Msg::Enqueued { queue, from, ok } => self.enqueued(queue, from, ok, fx),
            Msg::QueueDeliver {
                queue,
                consumer,
                tag,
                message,
                redelivered,
                id,
            } => {
                let Some(ch) = self.channels.get_mut(&consumer.client) else {
                    return;
                };
                let Some(sub) = ch.live_subscription(queue, consumer) else {
                    return;
                };
                if id > 0 {
                    // rabbit_fifo_client's `handle_delivery`: ids run 1, 2, …; a gap means a
                    // leader decided deliveries it never sent (it died): ask the leader for
                    // them, and hand them over before this one.
                    if sub.fetching.is_some() {
                        sub.held.push((tag, message, redelivered, id));
                        return;
                    }
                    if id <= sub.last_id {
                        fx.note(Note::DuplicateDeliveryDropped {
                            node: me,
                            consumer: consumer.client,
                            message,
                        });
                        return;
                    }
                    if id > sub.last_id + 1 {
                        let (from_id, to_id) = (sub.last_id + 1, id - 1);
                        sub.fetching = Some((from_id, to_id));
                        sub.held.push((tag, message, redelivered, id));
                        sub.last_id = id;
                        fx.send(
                            me,
                            from,
                            Msg::FetchMissing {
                                queue,
                                consumer,
                                from: from_id,
                                to: to_id,
                            },
                        );
                        return;
                    }
                    sub.last_id = id;
                }
                ch.hand_over(me, consumer.client, queue, (tag, message, redelivered), fx);
            }
            Msg::Missing {
                queue,
                consumer,
                deliveries,
            } => {
                let Some(ch) = self.channels.get_mut(&consumer.client) else {
                    return;
                };
                let Some(sub) = ch
                    .live_subscription(queue, consumer)
                    .filter(|s| s.fetching.is_some())
                else {
                    return;
                };
                sub.fetching = None;
                let held = std::mem::take(&mut sub.held);
                sub.last_id = held.iter().map(|d| d.3).fold(sub.last_id, u64::max);
                for (tag, message, redelivered, _) in deliveries.into_iter().chain(held) {
                    ch.hand_over(me, consumer.client, queue, (tag, message, redelivered), fx);
                }
            }
            Msg::QueueCancel { queue, consumer } => {
                if let Some(ch) = self.channels.get_mut(&consumer.client) {
                    if ch.subscriptions.remove(&queue).is_some() {
                        fx.send(me, consumer.client, Msg::Cancelled { queue });
                    }
                }
            }
            // From clients.
            Msg::Publish {
                seq,
                message,
                exchange,
                routing_key,
                persistent,
                mandatory,
                confirm,
                tx,
            } => {
                let ch = self.channel(from);
                let publish = Publish {
                    client: from,
                    seq,
                    message,
                    exchange,
                    routing_key,
                    persistent,
                    mandatory,
                    confirm,
                    batch: None,
                };
                if tx {
                    // Committed later: never returned, always answered by the commit.
                    ch.tx_buffer.push(Publish {
                        mandatory: false,
                        confirm: true,
                        ..publish
                    });
                    return;
                }
                self.publish(config, publish, fx);
            }
            Msg::TxCommit { batch } => {
                let ch = self.channel(from);
                let buffered = std::mem::take(&mut ch.tx_buffer);
                ch.commits.insert(batch);
                for publish in buffered {
                    let batch = Some(batch);
                    self.publish(config, Publish { batch, ..publish }, fx);
                }
                self.check_commit(from, batch, fx);
            }
            Msg::Consume {
                queue,
                auto_ack,
                prefetch,
                life,
            } => {
                let view = self.durable.metadata.get(&queue).copied();
                let down = match config.queues.get(queue as usize).map(|q| q.kind) {
                    Some(QueueKind::Quorum { .. }) => QueueError::NoQuorum,
                    _ => QueueError::HomeNodeDown,
                };
                let error = match view {
                    Some(v) if v.deleted => Some(QueueError::Deleted),
                    Some(QueueView {
                        leader: Some(_), ..
                    }) => None,
                    _ => Some(down),
                };
                let ch = self.channel(from);
                match (error, view.and_then(|v| v.leader)) {
                    (None, Some(leader)) => {
                        let sub = Subscription {
                            auto_ack,
                            prefetch,
                            life,
                            last_id: 0,
                            fetching: None,
                            held: Vec::new(),
                        };
                        let consumer = ConsumerRef {
                            node: me,
                            client: from,
                            life,
                        };
                        fx.send(me, from, Msg::ConsumeOk { queue });
                        fx.send(me, leader, sub.subscribe(queue, consumer));
                        ch.subscriptions.insert(queue, sub);
                    }
                    (error, _) => fx.send(
                        me,
                        from,
                        Msg::ConsumeFailed {
                            queue,
                            error: error.unwrap_or(down),
                        },
                    ),
                }
            }
            Msg::Ack { tag } => {
                let Some(ch) = self.channels.get_mut(&from) else {
                    return;
                };
                ch.delivered_at.remove(&tag);
                let Some((queue, qtag)) = ch.unacked.remove(&tag) else {
                    return;
                };
                match self.durable.metadata.get(&queue).and_then(|v| v.leader) {
                    Some(leader) => fx.send(me, leader, Msg::Settle { queue, tag: qtag }),
                    // A quorum queue between leaders: the channel retries the ack later.
                    None => ch.held_acks.push((queue, qtag)),
                }
            }
            Msg::Reject { tag, requeue } => {
                let Some(ch) = self.channels.get_mut(&from) else {
                    return;
                };
                let Some((queue, qtag)) = ch.unacked.remove(&tag) else {
                    return;
                };
                if let Some(leader) = self.durable.metadata.get(&queue).and_then(|v| v.leader) {
                    fx.send(
                        me,
                        leader,
                        Msg::RejectDelivery {
                            queue,
                            tag: qtag,
                            requeue,
                        },
                    );
                }
            }
            Msg::ClientGone => self.client_gone(from, fx),
            Msg::Open => {
                self.channel(from);
                fx.send(me, from, Msg::OpenOk);
            }
            _ => {}
        }
    }

    /// Close the connections whose deliveries have waited past `consumer_timeout`.
    pub(super) fn check_consumer_timeouts(&mut self, config: &RabbitConfig, fx: Fx) {
        let now = fx.now();
        let late: Vec<NodeId> = self
            .channels
            .iter()
            .filter(|(_, ch)| {
                ch.delivered_at
                    .values()
                    .any(|&at| now.saturating_sub(at) > config.consumer_timeout_ms)
            })
            .map(|(&c, _)| c)
            .collect();
        for consumer in late {
            fx.note(Note::ConsumerTimedOut {
                node: self.id,
                consumer,
            });
            fx.send(self.id, consumer, Msg::ConnectionClosed);
            self.client_gone(consumer, fx);
        }
        fx.set_timer(self.id, timeout_check(config), Timer::ConsumerTimeoutCheck);
    }

    /// The client's connection closed: its consumers' unacked deliveries are requeued (R6).
    fn client_gone(&mut self, client: NodeId, fx: Fx) {
        let Some(ch) = self.channels.remove(&client) else {
            return;
        };
        fx.note(Note::ClientDisconnected {
            client,
            node: self.id,
        });
        for (queue, sub) in ch.subscriptions {
            if let Some(leader) = self.durable.metadata.get(&queue).and_then(|v| v.leader) {
                fx.send(
                    self.id,
                    leader,
                    Msg::Unsubscribe {
                        queue,
                        consumer: ConsumerRef {
                            node: self.id,
                            client,
                            life: sub.life,
                        },
                    },
                );
            }
        }
    }

    fn publish(&mut self, config: &RabbitConfig, publish: Publish, fx: Fx) {
        let Publish {
            client,
            seq,
            message,
            exchange,
            routing_key,
            persistent,
            mandatory,
            confirm,
            batch,
        } = publish;
        let me = self.id;
        fx.note(Note::Published {
            publisher: client,
            node: me,
            message,
        });
        let targets: Vec<u32> = route(config, &exchange, &routing_key)
            .into_iter()
            .filter(|q| !self.durable.metadata.get(q).is_some_and(|v| v.deleted))
            .collect();
        if targets.is_empty() {
            // R2: unroutable, confirmed at once; returned first if mandatory.
            fx.note(Note::Unroutable {
                node: me,
                message,
                returned: mandatory,
            });
            if mandatory {
                fx.send(me, client, Msg::Returned { message });
            }
            if confirm && batch.is_none() {
                fx.send(me, client, Msg::Confirm { seq, ack: true });
            }
            return;
        }
        let channel = self.channel(client).id;
        let mut pending = PendingPublish {
            queues: VecSet::new(),
            numbers: VecMap::new(),
            nacked: false,
            batch,
            message,
            persistent,
        };
        for queue in targets {
            let quorum = matches!(config.queues[queue as usize].kind, QueueKind::Quorum { .. });
            let mut origin = PublishRef {
                node: me,
                client,
                seq,
                channel,
                n: 0,
            };
            if quorum && confirm {
                // Numbered per channel and queue, so the queue knows a re-sent one (R26).
                let ch = self.channel(client);
                let n = ch.enqueued_to.entry(queue).or_insert(0);
                *n += 1;
                origin.n = *n;
                pending.numbers.insert(queue, *n);
            }
            match self.durable.metadata.get(&queue).and_then(|v| v.leader) {
                // R26: a quorum queue between leaders. Its client (rabbit_fifo_client) keeps
                // the enqueue pending and sends it to the member that wins the election
                // (`follow_new_leader`); with no majority nobody wins, and the publisher's wait
                // for a confirm times out. Neither case is a nack.
                None if quorum => {
                    if confirm {
                        pending.queues.insert(queue);
                    } else {
                        let ch = self.channel(client);
                        ch.held_publishes.push((queue, message, persistent));
                    }
                }
                Some(leader) => {
                    pending.queues.insert(queue);
                    fx.send(
                        me,
                        leader,
                        Msg::Enqueue {
                            queue,
                            message,
                            persistent,
                            from: confirm.then_some(origin),
                            headers: Headers::PUBLISHED,
                        },
                    );
                }
                None => {
                    // R16: a classic queue whose home is down; nack with confirms, dropped
                    // without.
                    pending.nacked = true;
                    fx.note(Note::EnqueueRefused {
                        node: me,
                        queue,
                        message,
                        error: QueueError::HomeNodeDown,
                    });
                }
            }
        }
        if !confirm {
            return;
        }
        let ch = self.channel(client);
        if pending.queues.is_empty() {
            if batch.is_none() {
                fx.send(
                    me,
                    client,
                    Msg::Confirm {
                        seq,
                        ack: !pending.nacked,
                    },
                );
            }
            return;
        }
        ch.pending.insert(seq, pending);
    }

    /// One queue took (or refused) a publish; confirm when all have answered.
    fn enqueued(&mut self, queue: u32, from: PublishRef, ok: bool, fx: Fx) {
        let me = self.id;
        let Some(ch) = self.channels.get_mut(&from.client) else {
            return;
        };
        let Some(p) = ch.pending.get_mut(&from.seq) else {
            return;
        };
        if !p.queues.remove(&queue) {
            return;
        }
        p.nacked |= !ok;
        if !p.queues.is_empty() {
            return;
        }
        let p = ch.pending.remove(&from.seq).expect("present");
        match p.batch {
            None => fx.send(
                me,
                from.client,
                Msg::Confirm {
                    seq: from.seq,
                    ack: !p.nacked,
                },
            ),
            Some(batch) => self.check_commit(from.client, batch, fx),
        }
    }

    /// `tx.commit-ok` once every publish of the transaction is taken care of (R5).
    fn check_commit(&mut self, client: NodeId, batch: u64, fx: Fx) {
        let Some(ch) = self.channels.get_mut(&client) else {
            return;
        };
        let open = ch.pending.values().any(|p| p.batch == Some(batch));
        if !open && ch.commits.remove(&batch) {
            fx.send(self.id, client, Msg::TxCommitOk { batch });
        }
    }

    /// A quorum member refused an enqueue because it does not lead: send the client's pending
    /// enqueues for that queue, in order, to the leader this node knows, if that is another
    /// member; otherwise they wait for news of the next leader (`follow_new_leader`).
    fn quorum_refused(&mut self, queue: u32, origin: PublishRef, refuser: NodeId, fx: Fx) {
        let Some(leader) = self.durable.metadata.get(&queue).and_then(|v| v.leader) else {
            return;
        };
        if leader == refuser {
            return;
        }
        if let Some(ch) = self.channels.get(&origin.client) {
            ch.send_pending(self.id, origin.client, queue, leader, fx);
        }
    }

    /// A queue has a new leader: re-send unconfirmed publishes (it deduplicates what it has)
    /// and move this node's consumers and held acks to it.
    pub(super) fn follow_new_leader(&mut self, queue: u32, leader: NodeId, fx: Fx) {
        let me = self.id;
        for (&client, ch) in &mut self.channels {
            ch.send_pending(me, client, queue, leader, fx);
            for (q, message, persistent) in std::mem::take(&mut ch.held_publishes) {
                if q == queue {
                    fx.send(
                        me,
                        leader,
                        Msg::Enqueue {
                            queue,
                            message,
                            persistent,
                            from: None,
                            headers: Headers::PUBLISHED,
                        },
                    );
                } else {
                    ch.held_publishes.push((q, message, persistent));
                }
            }
            for (q, tag) in std::mem::take(&mut ch.held_acks) {
                if q == queue {
                    fx.send(me, leader, Msg::Settle { queue, tag });
                } else {
                    ch.held_acks.push((q, tag));
                }
            }
            if let Some(sub) = ch.subscriptions.get(&queue) {
                let consumer = ConsumerRef {
                    node: me,
                    client,
                    life: sub.life,
                };
                if let Some((from, to)) = sub.fetching {
                    // The leader asked may have died before answering.
                    fx.send(
                        me,
                        leader,
                        Msg::FetchMissing {
                            queue,
                            consumer,
                            from,
                            to,
                        },
                    );
                }
                fx.send(me, leader, sub.subscribe(queue, consumer));
            }
        }
    }

    /// The queue has no leader: publishes waiting on it are nacked and its consumers on this
    /// node get `basic.cancel` (R16).
    pub(super) fn queue_unavailable(&mut self, queue: u32, deleted: bool, fx: Fx) {
        let me = self.id;
        let clients: Vec<NodeId> = self.channels.keys().copied().collect();
        for client in clients {
            let waiting: Vec<u64> = self.channels[&client]
                .pending
                .iter()
                .filter(|(_, p)| p.queues.contains(&queue))
                .map(|(&s, _)| s)
                .collect();
            for seq in waiting {
                self.enqueued(
                    queue,
                    PublishRef {
                        node: me,
                        client,
                        seq,
                        channel: 0,
                        n: 0,
                    },
                    false,
                    fx,
                );
            }
            let ch = self.channels.get_mut(&client).expect("present");
            if ch.subscriptions.remove(&queue).is_some() {
                ch.unacked.retain(|_, (q, _)| *q != queue);
                fx.send(me, client, Msg::Cancelled { queue });
            }
        }
        if deleted {
            fx.note(Note::QueueDeleted { queue });
        }
    }
}

impl Channel {
    /// The subscription to `queue` that `consumer` names, unless it has been cancelled and
    /// replaced since (a new `basic.consume` is a new life): a queue's message for an older
    /// life is stale.
    fn live_subscription(
        &mut self,
        queue: u32,
        consumer: ConsumerRef,
    ) -> Option<&mut Subscription> {
        self.subscriptions
            .get_mut(&queue)
            .filter(|s| s.life == consumer.life)
    }

    /// A delivery from a queue goes to the client with the channel's next delivery tag.
    fn hand_over(
        &mut self,
        me: NodeId,
        client: NodeId,
        queue: u32,
        (tag, message, redelivered): (crate::protocol::QueueTag, MessageId, bool),
        fx: Fx,
    ) {
        self.next_tag += 1;
        let client_tag = self.next_tag;
        self.unacked.insert(client_tag, (queue, tag));
        self.delivered_at.insert(client_tag, fx.now());
        fx.send(
            me,
            client,
            Msg::Deliver {
                tag: client_tag,
                message,
                redelivered,
                queue,
            },
        );
    }

    /// Send every publish still waiting for `queue` to its leader, oldest first.
    fn send_pending(&self, me: NodeId, client: NodeId, queue: u32, leader: NodeId, fx: Fx) {
        for (&seq, p) in &self.pending {
            if p.queues.contains(&queue) {
                fx.send(
                    me,
                    leader,
                    Msg::Enqueue {
                        queue,
                        message: p.message,
                        persistent: p.persistent,
                        from: Some(PublishRef {
                            node: me,
                            client,
                            seq,
                            channel: self.id,
                            n: p.numbers.get(&queue).copied().unwrap_or(0),
                        }),
                        headers: Headers::PUBLISHED,
                    },
                );
            }
        }
    }
}

/// How often channels look for deliveries past `consumer_timeout`: every minute, or more
/// often when a scenario scales the timeout down.
pub(super) fn timeout_check(config: &RabbitConfig) -> Millis {
    (config.consumer_timeout_ms / 2).clamp(1, 60_000)
}
