//! Dead-lettering (R12): messages out of a queue (rejected, expired, over a length or
//! delivery limit) go to its dead-letter exchange with an `x-death` record, as
//! `rabbit_dead_letter.erl` and `mc.erl` do. Their headers live in a table of the model
//! that queued messages point into.

use super::{Fx, RabbitNode, Shared};
use crate::config::RabbitConfig;
use crate::protocol::{DeadReason, Headers, Msg, Note, QMsg};
use crate::routing::route;
use mqlab_ledger::{Ledger, MessageId};

impl Shared<'_> {
    /// A message's headers: as published (its publisher's exchange and routing key) or as
    /// its last dead-lettering left them.
    pub fn headers_of(&self, config: &RabbitConfig, msg: &QMsg) -> Headers {
        headers_of(config, self.ledger, self.headers, msg.message, msg.headers)
    }

    /// Keep dead-lettered headers; their id travels with the message.
    pub fn intern(&mut self, headers: Headers) -> u32 {
        self.headers.push(headers);
        self.headers.len() as u32
    }
}

/// See [`Shared::headers_of`].
pub fn headers_of(
    config: &RabbitConfig,
    ledger: &Ledger,
    table: &[Headers],
    message: MessageId,
    id: u32,
) -> Headers {
    if id != Headers::PUBLISHED {
        if let Some(h) = table.get(id as usize - 1) {
            return h.clone();
        }
    }
    let record = ledger.get(message);
    let exchange = record
        .and_then(|r| r.producer.0.checked_sub(crate::PUBLISHER_BASE))
        .and_then(|i| config.publishers.get(i as usize))
        .map_or_else(String::new, |p| p.exchange.clone());
    Headers {
        exchange,
        routing_keys: record.map(|r| r.destination.clone()).into_iter().collect(),
        x_death: Vec::new(),
        delivery_count: None,
    }
}

impl RabbitNode {
    /// R12: messages out of a queue go to its dead-letter exchange (without confirms: lost
    /// if the target is unavailable), or are dropped if it has none. As
    /// rabbit_dead_letter:publish does: the death is recorded in `x-death` (mc:record_death),
    /// the message is routed with the queue's `x-dead-letter-routing-key` or else its own
    /// routing keys, and targets that would close a cycle with no rejection in it are dropped
    /// (detect_cycles).
    pub(super) fn flush_dead_letters(
        &mut self,
        config: &RabbitConfig,
        shared: &mut Shared,
        fx: Fx,
    ) {
        let mut dead: Vec<(u32, QMsg, DeadReason, bool)> = Vec::new();
        for (&q, r) in &mut self.replicas {
            dead.extend(r.dead_letters.drain(..).map(|(m, why)| (q, m, why, false)));
        }
        for (&q, m) in &mut self.quorum {
            dead.extend(
                m.dead_letters
                    .drain(..)
                    .map(|(msg, why)| (q, msg, why, true)),
            );
        }
        for (q, msg, reason, quorum) in dead {
            let cfg = &config.queues[q as usize];
            fx.note(Note::DeadLettered {
                queue: q,
                message: msg.message,
                reason,
                exchange: cfg.dead_letter_exchange.clone(),
            });
            let Some(exchange) = &cfg.dead_letter_exchange else {
                continue;
            };
            let mut headers = shared.headers_of(config, &msg);
            headers.record_death(&cfg.name, reason, fx.now());
            if quorum && msg.deliveries > 0 {
                headers.delivery_count = Some(msg.deliveries);
            }
            let keys = match &cfg.dead_letter_routing_key {
                Some(key) => vec![key.clone()],
                None => headers.routing_keys.clone(),
            };
            let mut targets: Vec<u32> = Vec::new();
            for key in &keys {
                for target in route(config, exchange, key) {
                    if !targets.contains(&target) {
                        targets.push(target);
                    }
                }
            }
            mqlab_engine::compact::sort(&mut targets);
            headers.exchange = exchange.clone();
            headers.routing_keys = keys;
            let mut id = None;
            for target in targets {
                if headers.is_cycle(reason, &config.queues[target as usize].name) {
                    fx.note(Note::DeadLetterCycle {
                        queue: q,
                        target,
                        message: msg.message,
                    });
                    continue;
                }
                if let Some(leader) = self.durable.metadata.get(&target).and_then(|v| v.leader) {
                    let headers = *id.get_or_insert_with(|| shared.intern(headers.clone()));
                    fx.send(
                        self.id,
                        leader,
                        Msg::Enqueue {
                            queue: target,
                            message: msg.message,
                            persistent: msg.persistent,
                            from: None,
                            headers,
                        },
                    );
                }
            }
        }
    }
}
