//! Deciding whether the world shows what a lesson step waits for, and reading its numbers.
//! Pure functions of the scenario document and the frame at the current step.

use super::doc::{Condition, Measure, NodeIs, QueueIs};
use crate::doc::ScenarioDoc;
use crate::doc_rabbit::OverflowDoc;
use crate::frame::{Frame, NodeStatus, QueueAvailability};
use crate::knobs::Knobs;
use mqlab_kafka::KafkaVersion;

/// The world a condition is checked against.
pub struct World<'a> {
    pub doc: &'a ScenarioDoc,
    pub frame: &'a Frame,
    pub at_end: bool,
}

/// The ledger counters a lesson can name.
pub const COUNTERS: [&str; 16] = [
    "produced",
    "acknowledged",
    "failed",
    "pending",
    "visible",
    "lost",
    "consumed",
    "unavailable",
    "duplicated",
    "out_of_order",
    "delivered",
    "redelivered",
    "processed",
    "store_duplicates",
    "absorbed",
    "skipped",
];

fn counter(frame: &Frame, name: &str) -> Option<i64> {
    let l = &frame.ledger;
    let v = match name {
        "produced" => l.produced,
        "acknowledged" => l.acknowledged,
        "failed" => l.failed,
        "pending" => l.pending,
        "visible" => l.visible,
        "lost" => l.lost,
        "consumed" => l.consumed,
        "unavailable" => l.unavailable,
        "duplicated" => l.duplicated,
        "out_of_order" => l.out_of_order,
        "delivered" => l.delivered,
        "redelivered" => l.redelivered,
        "processed" => l.processed,
        "store_duplicates" => l.store_duplicates,
        "absorbed" => l.absorbed,
        "skipped" => l.skipped,
        _ => return None,
    };
    Some(i64::from(v))
}

/// A number of the world, or `None` if the name is unknown (validation rules that out).
pub fn measure(m: &Measure, frame: &Frame) -> Option<i64> {
    match m {
        Measure::Ledger(name) => counter(frame, name),
        Measure::StoreRows(store) => frame
            .stores
            .iter()
            .find(|s| s.name == *store)
            .map(|s| s.rows.len() as i64),
        Measure::StoreDistinct(store) => frame
            .stores
            .iter()
            .find(|s| s.name == *store)
            .map(|s| i64::from(s.distinct)),
        Measure::Traffic(link) => {
            let id = |name: &String| frame.nodes.iter().find(|n| n.name == *name).map(|n| n.id);
            let (from, to) = (id(link.first()?)?, id(link.get(1)?)?);
            Some(
                frame
                    .traffic
                    .iter()
                    .find(|t| t.from == from && t.to == to)
                    .map_or(0, |t| t.messages as i64),
            )
        }
        Measure::StoreInversions(store) => {
            let s = frame.stores.iter().find(|s| s.name == *store)?;
            let key = |k: &str| {
                let (prefix, n) = k.rsplit_once('-')?;
                Some((prefix.to_string(), n.parse::<u64>().ok()?))
            };
            let keys: Vec<(String, u64)> = s.rows.iter().filter_map(|r| key(&r.key)).collect();
            Some(
                keys.windows(2)
                    .filter(|w| w[0].0 == w[1].0 && w[1].1 < w[0].1)
                    .count() as i64,
            )
        }
        Measure::AssignedPartitions(name) => frame
            .consumers
            .iter()
            .find(|c| c.name == *name)
            .map(|c| c.assigned.len() as i64),
        Measure::PublisherRate(name) => frame
            .publishers
            .iter()
            .find(|p| p.name == *name)
            .map(|p| i64::from(p.per_second.unwrap_or(0))),
        Measure::QueueReady(queue) => {
            let q = frame.queues.iter().find(|q| q.name == *queue)?;
            let leader = q.replicas.iter().find(|r| Some(r.node) == q.leader);
            Some(leader.map_or(0, |r| r.ready.len() as i64))
        }
    }
}

/// The current value of a setting a lesson can name, as text; `None` if the scenario has no
/// such setting.
pub fn setting(doc: &ScenarioDoc, name: &str) -> Option<String> {
    if doc.kafka.is_some() {
        let k = Knobs::read(doc);
        let value = match name {
            "acks" => json(&k.acks),
            "brokers" => k.brokers.to_string(),
            "partitions" => k.partitions.to_string(),
            "max_in_flight" => k.max_in_flight.to_string(),
            "min_insync_replicas" => k.min_insync_replicas.to_string(),
            "replication_factor" => k.replication_factor.to_string(),
            "unclean_leader_election" => k.unclean_leader_election.to_string(),
            "version" => k.version.clone(),
            "eligible_leader_replicas" => k.eligible_leader_replicas.to_string(),
            "idempotence" => k.idempotence.to_string(),
            "retries" => k.retries.to_string(),
            "commit" => json(&k.commit?),
            "auto_offset_reset" => json(&k.auto_offset_reset?),
            "auto_commit_interval_ms" => k.auto_commit_interval_ms.to_string(),
            "store" => json(&k.store?),
            _ => return None,
        };
        return Some(value);
    }
    let r = doc.rabbitmq.as_ref()?;
    let value = match name {
        "publish_mode" => json(&r.publishers.first()?.mode),
        "persistent" => r.publishers.first()?.persistent.to_string(),
        "durable" => r.queues.first()?.durable.to_string(),
        "queue_type" => json(&r.queues.first()?.kind),
        "auto_ack" => r.consumers.first()?.auto_ack.to_string(),
        "prefetch" => r.consumers.first()?.prefetch.to_string(),
        "ha_mode" => r
            .policies
            .first()
            .map_or_else(|| "none".to_string(), |p| json(&p.ha_mode)),
        "store" => json(&doc.stores.first()?.kind),
        // Backlog and ordering: how many consumers, and the first queue's limits.
        "consumers" => r.consumers.len().to_string(),
        "message_ttl_ms" => optional(r.queues.first()?.message_ttl_ms),
        "max_length" => optional(r.queues.first()?.max_length),
        "overflow" => json(&r.queues.first()?.overflow.unwrap_or(OverflowDoc::DropHead)),
        _ => return None,
    };
    Some(value)
}

/// [`apply_setting`] with its refusal in both languages, for the learner to read.
pub fn apply_setting_or_say(
    doc: &mut ScenarioDoc,
    name: &str,
    value: &str,
) -> Result<(), crate::ScenarioError> {
    apply_setting(doc, name, value).map_err(|en| {
        crate::ScenarioError::new(
            name,
            en,
            format!("无法把 {name} 设为 \"{value}\"：没有这个设置，或它不能取这个值"),
        )
    })
}

/// Change a setting (what a Switch step asks for), for every client or queue it applies to.
pub fn apply_setting(doc: &mut ScenarioDoc, name: &str, value: &str) -> Result<(), String> {
    let parse = |v: &str| -> serde_json::Value {
        serde_json::from_str(v).unwrap_or_else(|_| serde_json::Value::String(v.to_string()))
    };
    let bad = || format!("\"{value}\" is not a value of {name}");
    macro_rules! set {
        ($target:expr) => {
            // "1" is a number to most settings but a name to acks: try both.
            $target = serde_json::from_value(parse(value))
                .or_else(|_| serde_json::from_value(serde_json::Value::String(value.into())))
                .map_err(|_| bad())?
        };
    }
    if doc.kafka.is_some() {
        let mut k = Knobs::read(doc);
        match name {
            "acks" => set!(k.acks),
            "brokers" => set!(k.brokers),
            "partitions" => set!(k.partitions),
            "max_in_flight" => set!(k.max_in_flight),
            "min_insync_replicas" => set!(k.min_insync_replicas),
            "replication_factor" => set!(k.replication_factor),
            "unclean_leader_election" => set!(k.unclean_leader_election),
            "version" => {
                KafkaVersion::parse(value).ok_or_else(bad)?;
                k.version = value.to_string();
            }
            "eligible_leader_replicas" => set!(k.eligible_leader_replicas),
            "idempotence" => set!(k.idempotence),
            "retries" => set!(k.retries),
            "commit" => k.commit = Some(serde_json::from_value(parse(value)).map_err(|_| bad())?),
            "auto_offset_reset" => {
                k.auto_offset_reset = Some(serde_json::from_value(parse(value)).map_err(|_| bad())?)
            }
            "auto_commit_interval_ms" => set!(k.auto_commit_interval_ms),
            "store" => k.store = Some(serde_json::from_value(parse(value)).map_err(|_| bad())?),
            _ => return Err(format!("no setting named \"{name}\"")),
        }
        k.write(doc);
        return Ok(());
    }
    let Some(r) = doc.rabbitmq.as_mut() else {
        return Err("the scenario has no cluster".into());
    };
    match name {
        "publish_mode" => {
            for p in &mut r.publishers {
                set!(p.mode);
            }
        }
        "persistent" => {
            for p in &mut r.publishers {
                set!(p.persistent);
            }
        }
        "durable" => {
            for q in &mut r.queues {
                set!(q.durable);
            }
        }
        "queue_type" => {
            for q in &mut r.queues {
                set!(q.kind);
            }
        }
        "auto_ack" => {
            for c in &mut r.consumers {
                set!(c.auto_ack);
            }
        }
        "prefetch" => {
            for c in &mut r.consumers {
                set!(c.prefetch);
            }
        }
        "store" => {
            for s in &mut doc.stores {
                set!(s.kind);
            }
        }
        "consumers" => {
            let n: usize = value.parse().map_err(|_| bad())?;
            r.set_consumer_count(n);
        }
        "message_ttl_ms" => {
            for q in &mut r.queues {
                q.message_ttl_ms = none_or(value).map_err(|_| bad())?;
            }
        }
        "max_length" => {
            for q in &mut r.queues {
                q.max_length = none_or(value).map_err(|_| bad())?;
            }
        }
        "overflow" => {
            for q in &mut r.queues {
                q.overflow = Some(serde_json::from_value(parse(value)).map_err(|_| bad())?);
            }
        }
        _ => return Err(format!("no setting named \"{name}\"")),
    }
    Ok(())
}

/// An optional number as a setting spells it: "none" when unset.
fn optional<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "none".to_string(), |v| v.to_string())
}

/// "none" unsets; anything else must be a number.
fn none_or<T: std::str::FromStr>(value: &str) -> Result<Option<T>, T::Err> {
    match value {
        "none" => Ok(None),
        v => v.parse().map(Some),
    }
}

/// A setting's value as the lesson file writes it: "all", "unique_key", "true", "2".
fn json<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// Does the world show it?
pub fn holds(c: &Condition, w: &World<'_>) -> bool {
    let node = |name: &str| w.frame.nodes.iter().find(|n| n.name == name);
    match c {
        Condition::All(cs) => cs.iter().all(|c| holds(c, w)),
        Condition::Any(cs) => cs.iter().any(|c| holds(c, w)),
        Condition::Not(c) => !holds(c, w),
        Condition::Node { name, is } => node(name).is_some_and(|n| match is {
            NodeIs::Up => n.status == NodeStatus::Up,
            NodeIs::Down => n.status != NodeStatus::Up,
            NodeIs::Crashed => n.status == NodeStatus::Crashed,
            NodeIs::Stopped => n.status == NodeStatus::Stopped,
        }),
        Condition::Count { of, op, value } => {
            measure(of, w.frame).is_some_and(|v| op.test(v, *value))
        }
        Condition::Leader { of, is, not } => {
            let leader = w
                .frame
                .partitions
                .iter()
                .find(|p| p.name == *of)
                .map(|p| p.leader)
                .or_else(|| {
                    w.frame
                        .queues
                        .iter()
                        .find(|q| q.name == *of)
                        .map(|q| q.leader)
                });
            let Some(leader) = leader else {
                return false;
            };
            let name = leader
                .and_then(|id| w.frame.nodes.iter().find(|n| n.id == id))
                .map_or("none", |n| n.name.as_str());
            is.as_deref().is_none_or(|want| name == want)
                && not.as_deref().is_none_or(|avoid| name != avoid)
        }
        Condition::Queue { name, is } => w
            .frame
            .queues
            .iter()
            .find(|q| q.name == *name)
            .is_some_and(|q| {
                q.availability
                    == match is {
                        QueueIs::Available => QueueAvailability::Available,
                        QueueIs::Down => QueueAvailability::Down,
                        QueueIs::Deleted => QueueAvailability::Deleted,
                    }
            }),
        Condition::Setting { name, value } => setting(w.doc, name).is_some_and(|v| v == *value),
        Condition::AtEnd(want) => w.at_end == *want,
        Condition::TimeAtLeast(ms) => w.frame.time_ms >= *ms,
    }
}
