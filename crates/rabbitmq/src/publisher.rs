//! A publishing application: plain publishes, publisher confirms with a window, or
//! transactions (R2, R4, R5). It re-publishes what it holds no confirm for, if told to — the
//! source of duplicates (R4).

use crate::config::{PublishMode, PublisherConfig};
use crate::protocol::{Msg, Note, Timer};
use crate::Rabbit;
use mqlab_engine::VecMap;
use mqlab_engine::{Effects, Millis, NodeId};
use mqlab_ledger::{Ledger, MessageId};
use std::collections::VecDeque;

type Fx<'a, 'b> = &'a mut Effects<'b, Rabbit>;

/// How long a client waits before reconnecting (to the next node in its list).
pub const RECONNECT_MS: Millis = 1_000;

#[derive(Clone, Debug)]
pub struct Publisher {
    pub id: NodeId,
    pub config: PublisherConfig,
    /// The node it is connected to.
    pub node: Option<NodeId>,
    /// The node it is opening a connection to.
    connecting: Option<NodeId>,
    attempt: usize,
    next_seq: u64,
    /// Messages the application still has to publish, with their routing keys.
    backlog: VecDeque<(MessageId, String)>,
    /// Sent and not yet confirmed: seq → (message, routing key, when).
    outstanding: VecMap<u64, (MessageId, String, Millis)>,
    /// The transaction being committed: its id and messages.
    commit: Option<(u64, Vec<(MessageId, String)>)>,
    next_batch: u64,
    /// Throughput figures: first publish, last confirm, confirmed count.
    pub first_sent: Option<Millis>,
    pub last_confirmed: Millis,
    pub confirmed: u32,
}

impl Publisher {
    pub fn new(id: NodeId, config: PublisherConfig) -> Self {
        Self {
            id,
            config,
            node: None,
            connecting: None,
            attempt: 0,
            next_seq: 0,
            backlog: VecDeque::new(),
            outstanding: VecMap::new(),
            commit: None,
            next_batch: 0,
            first_sent: None,
            last_confirmed: 0,
            confirmed: 0,
        }
    }

    pub fn on_start(&mut self, fx: Fx) {
        self.connect(fx);
    }

    fn connect(&mut self, fx: Fx) {
        let nodes = &self.config.nodes;
        let node = nodes[self.attempt % nodes.len()];
        self.connecting = Some(node);
        fx.send(self.id, node, Msg::Open);
    }

    /// kill -9 or close(): the operating system closes the connection.
    pub fn on_down(&mut self, fx: Fx) {
        if let Some(node) = self.node.take() {
            fx.send(self.id, node, Msg::ClientGone);
        }
        self.connecting = None;
        self.outstanding.clear();
        self.commit = None;
        self.backlog.clear();
    }

    pub fn enqueue_messages(
        &mut self,
        messages: Vec<(MessageId, String)>,
        ledger: &mut Ledger,
        fx: Fx,
    ) {
        self.backlog.extend(messages);
        self.pump(ledger, fx);
    }

    /// Send one `basic.publish`; `how` says whether it is confirmed or part of a transaction.
    fn publish(
        &mut self,
        node: NodeId,
        (message, key): (MessageId, &str),
        how: PublishMode,
        ledger: &mut Ledger,
        fx: Fx,
    ) -> u64 {
        let confirm = matches!(how, PublishMode::Confirm { .. });
        let tx = matches!(how, PublishMode::Transaction { .. });
        self.next_seq += 1;
        ledger.sent(message);
        self.first_sent.get_or_insert(fx.now());
        fx.send(
            self.id,
            node,
            Msg::Publish {
                seq: self.next_seq,
                message,
                exchange: self.config.exchange.clone(),
                routing_key: key.to_string(),
                persistent: self.config.persistent,
                mandatory: self.config.mandatory,
                confirm,
                tx,
            },
        );
        self.next_seq
    }

    fn pump(&mut self, ledger: &mut Ledger, fx: Fx) {
        let Some(node) = self.node else {
            return;
        };
        match self.config.mode {
            PublishMode::Plain => {
                while let Some((message, key)) = self.backlog.pop_front() {
                    self.publish(node, (message, &key), PublishMode::Plain, ledger, fx);
                    // Fire and forget: the application counts it as sent.
                    ledger.acknowledged(message, fx.now(), None);
                }
            }
            PublishMode::Confirm { window } => {
                while (self.outstanding.len() as u32) < window {
                    let Some((message, key)) = self.backlog.pop_front() else {
                        break;
                    };
                    let seq = self.publish(node, (message, &key), self.config.mode, ledger, fx);
                    self.outstanding.insert(seq, (message, key, fx.now()));
                }
                self.arm_republish(fx);
            }
            PublishMode::Transaction { batch } => {
                if self.commit.is_some() || self.backlog.is_empty() {
                    return;
                }
                let take = (batch as usize).min(self.backlog.len());
                let messages: Vec<(MessageId, String)> = self.backlog.drain(..take).collect();
                for (message, key) in &messages {
                    self.publish(node, (*message, key), self.config.mode, ledger, fx);
                }
                self.next_batch += 1;
                fx.send(
                    self.id,
                    node,
                    Msg::TxCommit {
                        batch: self.next_batch,
                    },
                );
                self.commit = Some((self.next_batch, messages));
            }
        }
    }

    fn arm_republish(&self, fx: Fx) {
        if let (Some(after), Some((_, (_, _, at)))) = (
            self.config.republish_after_ms,
            self.outstanding.iter().next(),
        ) {
            let due = (at + after).saturating_sub(fx.now()).max(1);
            fx.reset_timer(self.id, due, Timer::Republish);
        }
    }

    pub fn on_timer(&mut self, timer: Timer, ledger: &mut Ledger, fx: Fx) {
        match timer {
            Timer::Connect => self.connect(fx),
            Timer::Republish => {
                let Some(after) = self.config.republish_after_ms else {
                    return;
                };
                let now = fx.now();
                let late: Vec<u64> = self
                    .outstanding
                    .iter()
                    .filter(|(_, (_, _, at))| now >= at + after)
                    .map(|(&s, _)| s)
                    .collect();
                let mut again = Vec::new();
                for seq in late {
                    if let Some((message, key, _)) = self.outstanding.remove(&seq) {
                        fx.note(Note::Republished {
                            publisher: self.id,
                            message,
                        });
                        again.push((message, key));
                    }
                }
                for m in again.into_iter().rev() {
                    self.backlog.push_front(m);
                }
                self.pump(ledger, fx);
            }
            _ => {}
        }
    }

    pub fn on_message(&mut self, msg: Msg, ledger: &mut Ledger, fx: Fx) {
        match msg {
            Msg::OpenOk => {
                if let Some(node) = self.connecting.take() {
                    self.node = Some(node);
                    fx.note(Note::ClientConnected {
                        client: self.id,
                        node,
                    });
                    self.pump(ledger, fx);
                }
            }
            Msg::Confirm { seq, ack } => {
                let Some((message, key, _)) = self.outstanding.remove(&seq) else {
                    return;
                };
                fx.note(Note::Confirmed {
                    publisher: self.id,
                    message,
                    ack,
                });
                if ack {
                    self.confirmed(message, ledger, fx);
                } else if self.config.republish_after_ms.is_some() {
                    ledger.error(message, "basic.nack");
                    self.backlog.push_front((message, key));
                } else {
                    ledger.failed(message, fx.now(), "basic.nack");
                }
                self.pump(ledger, fx);
            }
            Msg::TxCommitOk { batch } => {
                let Some((current, messages)) = self.commit.take() else {
                    return;
                };
                if current != batch {
                    self.commit = Some((current, messages));
                    return;
                }
                for &(message, _) in &messages {
                    self.confirmed(message, ledger, fx);
                }
                fx.note(Note::TxCommitted {
                    publisher: self.id,
                    messages: messages.iter().map(|m| m.0).collect(),
                });
                self.pump(ledger, fx);
            }
            Msg::Returned { message } => ledger.error(message, "basic.return (unroutable)"),
            Msg::ConnectionClosed => self.connection_lost(ledger, fx),
            _ => {}
        }
    }

    fn confirmed(&mut self, message: MessageId, ledger: &mut Ledger, fx: Fx) {
        ledger.acknowledged(message, fx.now(), None);
        self.confirmed += 1;
        self.last_confirmed = fx.now();
    }

    pub fn on_refused(&mut self, ledger: &mut Ledger, fx: Fx) {
        if self.node.is_some() {
            self.connection_lost(ledger, fx);
        } else if self.connecting.take().is_some() {
            // Connection refused: try the next node after a pause.
            self.attempt += 1;
            fx.set_timer(self.id, RECONNECT_MS, Timer::Connect);
        }
    }

    /// The connection is gone: what has no confirm is in doubt. A publisher that re-publishes
    /// sends it all again after reconnecting (R4); one that does not reports the doubt.
    fn connection_lost(&mut self, ledger: &mut Ledger, fx: Fx) {
        if let Some(node) = self.node.take() {
            fx.note(Note::ClientDisconnected {
                client: self.id,
                node,
            });
        }
        let mut doubt: Vec<(MessageId, String)> = std::mem::take(&mut self.outstanding)
            .into_values()
            .map(|(m, k, _)| (m, k))
            .collect();
        if let Some((_, messages)) = self.commit.take() {
            doubt.extend(messages);
        }
        if self.config.republish_after_ms.is_some() {
            for m in doubt.into_iter().rev() {
                self.backlog.push_front(m);
            }
        } else {
            for (m, _) in doubt {
                ledger.error(m, "connection closed before the confirm");
            }
        }
        self.attempt += 1;
        fx.set_timer(self.id, RECONNECT_MS, Timer::Connect);
    }
}
