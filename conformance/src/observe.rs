//! What both worlds can observe about one run, in the same shape: the real cluster (through
//! an AMQP client and `rabbitmqctl`) and the model (through its trace and final `Frame`).
//! [`Observation::facts`] flattens it into named facts, the unit of comparison.

use std::collections::BTreeMap;

/// The publisher's last word on a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Publish {
    /// Plain mode: nothing to wait for.
    Sent,
    /// `basic.ack` (confirm mode) or `tx.commit-ok` (transactions).
    Confirmed,
    /// `basic.nack`.
    Nacked,
    /// Published, no confirm by the end (blocked, or the connection was lost).
    Unconfirmed,
    /// Never published (the publisher was down or never connected).
    NotSent,
}

impl Publish {
    pub fn word(self) -> &'static str {
        match self {
            Publish::Sent => "sent",
            Publish::Confirmed => "confirmed",
            Publish::Nacked => "nacked",
            Publish::Unconfirmed => "unconfirmed",
            Publish::NotSent => "not-sent",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub consumer: String,
    pub redelivered: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageObs {
    pub publisher: String,
    pub publish: Publish,
    /// `basic.return` came back (mandatory and unroutable).
    pub returned: bool,
    pub deliveries: Vec<Delivery>,
    /// Processed into the store (not counting poison rejections).
    pub processed: u32,
    /// Still in a queue at the end: with its `redelivered` flag.
    pub remaining: Option<bool>,
}

impl MessageObs {
    pub fn new(publisher: &str, publish: Publish) -> Self {
        MessageObs {
            publisher: publisher.to_string(),
            publish,
            returned: false,
            deliveries: Vec::new(),
            processed: 0,
            remaining: None,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueueObs {
    pub available: bool,
    /// Node name (`rabbit-2`) of the leader: a classic queue's home or current mirror
    /// leader, a quorum queue's Raft leader.
    pub leader: Option<String>,
    /// Classic mirrors (not the leader), sorted.
    pub mirrors: Vec<String>,
    /// Labels left at the end, in queue order.
    pub remaining: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConsumerObs {
    /// `basic.cancel` from the broker.
    pub cancels: u32,
    /// `basic.consume` refused (404 NOT_FOUND home node down, no quorum).
    pub refused: u32,
    /// Deliveries in arrival order: label and `redelivered`.
    pub order: Vec<(String, bool)>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PublisherObs {
    pub confirmed: u32,
    /// Confirmed messages per second, from the first publish to the last confirm.
    pub per_second: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Observation {
    pub messages: BTreeMap<String, MessageObs>,
    pub queues: BTreeMap<String, QueueObs>,
    pub consumers: BTreeMap<String, ConsumerObs>,
    pub publishers: BTreeMap<String, PublisherObs>,
}

/// A fact's value: words compared exactly (or against allowed sets), or a number used only by
/// ratio checks.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Word(String),
    Number(f64),
}

impl Value {
    pub fn show(&self) -> String {
        match self {
            Value::Word(w) => w.clone(),
            Value::Number(x) => format!("{x:.0}"),
        }
    }
}

fn deliveries_word(d: &[Delivery]) -> String {
    if d.is_empty() {
        return "none".into();
    }
    d.iter()
        .map(|d| {
            if d.redelivered {
                format!("{}(redelivered)", d.consumer)
            } else {
                d.consumer.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

impl Observation {
    /// Every fact by name, e.g. `message order-3 publish` = `confirmed`.
    pub fn facts(&self) -> BTreeMap<String, Value> {
        let mut f = BTreeMap::new();
        let w = |s: &str| Value::Word(s.to_string());
        for (label, m) in &self.messages {
            f.insert(format!("message {label} publish"), w(m.publish.word()));
            f.insert(
                format!("message {label} returned"),
                w(if m.returned { "yes" } else { "no" }),
            );
            f.insert(
                format!("message {label} deliveries"),
                Value::Word(deliveries_word(&m.deliveries)),
            );
            f.insert(
                format!("message {label} processed"),
                Value::Word(m.processed.to_string()),
            );
            f.insert(
                format!("message {label} remaining"),
                w(match m.remaining {
                    None => "no",
                    Some(false) => "yes",
                    Some(true) => "yes(redelivered)",
                }),
            );
        }
        for (name, q) in &self.queues {
            f.insert(
                format!("queue {name} available"),
                w(if q.available { "yes" } else { "no" }),
            );
            f.insert(
                format!("queue {name} leader"),
                w(q.leader.as_deref().unwrap_or("none")),
            );
            f.insert(
                format!("queue {name} mirrors"),
                Value::Word(if q.mirrors.is_empty() {
                    "none".into()
                } else {
                    q.mirrors.join(",")
                }),
            );
            f.insert(
                format!("queue {name} remaining"),
                Value::Word(q.remaining.len().to_string()),
            );
        }
        for (name, c) in &self.consumers {
            f.insert(
                format!("consumer {name} cancelled"),
                w(if c.cancels > 0 { "yes" } else { "no" }),
            );
            f.insert(
                format!("consumer {name} refused"),
                w(if c.refused > 0 { "yes" } else { "no" }),
            );
            let order: Vec<String> = c
                .order
                .iter()
                .map(|(l, r)| if *r { format!("{l}(r)") } else { l.clone() })
                .collect();
            f.insert(
                format!("consumer {name} order"),
                Value::Word(if order.is_empty() {
                    "none".into()
                } else {
                    order.join(",")
                }),
            );
        }
        for (name, p) in &self.publishers {
            f.insert(
                format!("publisher {name} confirmed"),
                Value::Word(p.confirmed.to_string()),
            );
            if let Some(x) = p.per_second {
                f.insert(format!("publisher {name} per_second"), Value::Number(x));
            }
        }
        f
    }

    /// One line: what happened, for the table.
    pub fn summary(&self, rates: bool) -> String {
        let n = self.messages.len();
        let count = |p: Publish| self.messages.values().filter(|m| m.publish == p).count();
        let mut parts = vec![format!("{n} msgs")];
        let c = count(Publish::Confirmed);
        if c > 0 {
            parts.push(format!("{c} confirmed"));
        }
        for (p, word) in [
            (Publish::Nacked, "nacked"),
            (Publish::Unconfirmed, "unconfirmed"),
            (Publish::Sent, "sent"),
        ] {
            let k = count(p);
            if k > 0 {
                parts.push(format!("{k} {word}"));
            }
        }
        let returned = self.messages.values().filter(|m| m.returned).count();
        if returned > 0 {
            parts.push(format!("{returned} returned"));
        }
        let deliveries: usize = self.messages.values().map(|m| m.deliveries.len()).sum();
        let redelivered: usize = self
            .messages
            .values()
            .map(|m| m.deliveries.iter().filter(|d| d.redelivered).count())
            .sum();
        if deliveries > 0 {
            parts.push(format!(
                "{deliveries} deliveries ({redelivered} redelivered)"
            ));
        }
        let left: usize = self.queues.values().map(|q| q.remaining.len()).sum();
        parts.push(format!("{left} left"));
        for (name, q) in &self.queues {
            if !q.available {
                parts.push(format!("{name} down"));
            } else if !q.mirrors.is_empty() || self.queues.len() == 1 {
                parts.push(format!("{name}@{}", q.leader.as_deref().unwrap_or("none")));
            }
        }
        let mut rate_words: Vec<String> = self
            .publishers
            .iter()
            .filter_map(|(name, p)| p.per_second.map(|x| format!("{name} {x:.0}/s")))
            .collect();
        if rates {
            parts.append(&mut rate_words);
        }
        parts.join(", ")
    }
}
