//! A consuming application: `basic.consume` with autoAck or manual acks and a prefetch, each
//! delivery processed into its downstream store (one step per message), then acked (R6–R9).

use crate::config::ConsumerConfig;
use crate::protocol::{Msg, Note, Timer};
use crate::publisher::RECONNECT_MS;
use crate::Rabbit;
use mqlab_engine::{Effects, NodeId};
use mqlab_ledger::{Ledger, MessageId, Processing, Store};
use std::collections::VecDeque;

type Fx<'a, 'b> = &'a mut Effects<'b, Rabbit>;

/// A delivery in the application's hands.
#[derive(Clone, Copy, Debug)]
pub struct InHand {
    pub tag: u64,
    pub message: MessageId,
    pub redelivered: bool,
}

#[derive(Clone, Debug)]
pub struct AmqpConsumer {
    pub id: NodeId,
    pub config: ConsumerConfig,
    pub node: Option<NodeId>,
    attempt: usize,
    life: u32,
    pub consuming: bool,
    pub inbox: VecDeque<InHand>,
    processing: bool,
    /// Processed, its ack about to be sent.
    acking: Option<u64>,
}

/// The time between writing to the store and sending `basic.ack`.
const ACK_AFTER_MS: u64 = 1;

impl AmqpConsumer {
    pub fn new(id: NodeId, config: ConsumerConfig) -> Self {
        Self {
            id,
            config,
            node: None,
            attempt: 0,
            life: 0,
            consuming: false,
            inbox: VecDeque::new(),
            processing: false,
            acking: None,
        }
    }

    pub fn on_start(&mut self, fx: Fx) {
        self.life += 1;
        let wait = self.config.join_at_ms.saturating_sub(fx.now());
        if self.life == 1 && wait > 0 {
            fx.set_timer(self.id, wait, Timer::ConsumerBegin);
        } else {
            self.connect(fx);
        }
    }

    fn connect(&mut self, fx: Fx) {
        let nodes = &self.config.nodes;
        let node = nodes[self.attempt % nodes.len()];
        self.node = Some(node);
        fx.send(
            self.id,
            node,
            Msg::Consume {
                queue: self.config.queue,
                auto_ack: self.config.auto_ack,
                prefetch: self.config.prefetch,
                life: self.life,
            },
        );
    }

    /// kill -9 or close(): the operating system closes the connection; the broker requeues
    /// what was delivered and not acked, and autoAck deliveries in hand are gone (R6).
    pub fn on_down(&mut self, fx: Fx) {
        if let Some(node) = self.node.take() {
            fx.send(self.id, node, Msg::ClientGone);
        }
        self.consuming = false;
        self.inbox.clear();
        self.processing = false;
        self.acking = None;
    }

    pub fn on_timer(&mut self, timer: Timer, ledger: &mut Ledger, stores: &mut [Store], fx: Fx) {
        match timer {
            Timer::ConsumerBegin | Timer::Connect => self.connect(fx),
            Timer::Process => self.process_next(ledger, stores, fx),
            Timer::Ack => self.ack(fx),
            _ => {}
        }
    }

    pub fn on_message(&mut self, msg: Msg, ledger: &mut Ledger, fx: Fx) {
        match msg {
            Msg::ConsumeOk { .. } => {
                self.consuming = true;
                if let Some(node) = self.node {
                    fx.note(Note::ClientConnected {
                        client: self.id,
                        node,
                    });
                }
            }
            Msg::ConsumeFailed { queue, error } => {
                fx.note(Note::ConsumeRefused {
                    consumer: self.id,
                    queue,
                    error,
                });
                // The application retries its basic.consume.
                fx.set_timer(self.id, 2 * RECONNECT_MS, Timer::Connect);
            }
            Msg::Cancelled { queue } => {
                self.consuming = false;
                fx.note(Note::ConsumerCancelled {
                    consumer: self.id,
                    queue,
                });
                fx.set_timer(self.id, 2 * RECONNECT_MS, Timer::Connect);
            }
            Msg::Deliver {
                tag,
                message,
                redelivered,
                ..
            } => {
                ledger.delivered(message, self.id, fx.now());
                self.inbox.push_back(InHand {
                    tag,
                    message,
                    redelivered,
                });
                if !self.processing {
                    self.processing = true;
                    fx.set_timer(self.id, self.config.processing_ms, Timer::Process);
                }
            }
            Msg::ConnectionClosed => self.connection_lost(fx),
            _ => {}
        }
    }

    pub fn on_refused(&mut self, fx: Fx) {
        if self.node.is_some() {
            self.connection_lost(fx);
        }
    }

    fn connection_lost(&mut self, fx: Fx) {
        if let Some(node) = self.node.take() {
            fx.note(Note::ClientDisconnected {
                client: self.id,
                node,
            });
        }
        // Unacked deliveries are the broker's to requeue; acks for them cannot be sent now.
        self.consuming = false;
        self.inbox.clear();
        self.processing = false;
        self.acking = None;
        self.attempt += 1;
        fx.set_timer(self.id, RECONNECT_MS, Timer::Connect);
    }

    fn process_next(&mut self, ledger: &mut Ledger, stores: &mut [Store], fx: Fx) {
        let Some(d) = self.inbox.pop_front() else {
            self.processing = false;
            return;
        };
        let key = ledger.label(d.message).to_string();
        if self.config.poison.contains(&key) {
            // The application fails on this one and rejects it (R7).
            let requeue = self.config.reject_requeue;
            fx.note(Note::ProcessingFailed {
                consumer: self.id,
                message: d.message,
                requeue,
            });
            if let Some(node) = self.node {
                fx.send(
                    self.id,
                    node,
                    Msg::Reject {
                        tag: d.tag,
                        requeue,
                    },
                );
            }
            self.next(fx);
            return;
        }
        if let Some(store) = stores.get_mut(self.config.store) {
            let effect = store.write(d.message, &key, self.id, fx.now());
            ledger.processed(
                d.message,
                Processing {
                    consumer: self.id,
                    at: fx.now(),
                    store: store.name.clone(),
                    effect,
                },
            );
            fx.note(Note::Processed {
                consumer: self.id,
                message: d.message,
                store: store.name.clone(),
                effect,
            });
        }
        if self.config.auto_ack {
            self.next(fx);
        } else {
            // The ack is the application's next call: a step of its own, so a crash can
            // fall between the store write and the ack (a duplicate on redelivery).
            self.acking = Some(d.tag);
            fx.set_timer(self.id, ACK_AFTER_MS, Timer::Ack);
        }
    }

    fn ack(&mut self, fx: Fx) {
        if let (Some(tag), Some(node)) = (self.acking.take(), self.node) {
            fx.send(self.id, node, Msg::Ack { tag });
        }
        self.next(fx);
    }

    fn next(&mut self, fx: Fx) {
        if self.inbox.is_empty() {
            self.processing = false;
        } else {
            fx.set_timer(self.id, self.config.processing_ms, Timer::Process);
        }
    }
}
