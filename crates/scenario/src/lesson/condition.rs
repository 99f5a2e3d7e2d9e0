//! Deciding whether the world shows what a lesson step waits for, and reading its numbers.
//! Pure functions of the scenario document and the frame at the current step.

use super::doc::{Condition, Measure, NodeIs, QueueIs};
use crate::doc::ScenarioDoc;
use crate::frame::{Frame, NodeStatus, QueueAvailability};
use crate::settings::setting;
/// Settings are a document operation ([`crate::settings`]); their former path still works.
pub use crate::settings::{apply_setting, apply_setting_or_say};

/// The world a condition is checked against.
pub struct World<'a> {
    pub doc: &'a ScenarioDoc,
    pub frame: &'a Frame,
    pub at_end: bool,
}

/// A number of the world, or `None` if the name is unknown (validation rules that out).
pub fn measure(m: &Measure, frame: &Frame) -> Option<i64> {
    match m {
        Measure::Ledger(name) => {
            crate::counters::by_key(name).map(|c| i64::from(c.of(&frame.ledger)))
        }
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
