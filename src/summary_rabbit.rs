//! The command line's summary of a RabbitMQ frame: queues with their replicas and messages,
//! publishers with their throughput, consumers.

use mqlab_scenario::frame::{QueueAvailability, ReplicaRole};
use mqlab_scenario::{Frame, Lang};

fn node_name(frame: &Frame, id: u32) -> String {
    frame
        .nodes
        .iter()
        .find(|n| n.id == id)
        .map_or(id.to_string(), |n| n.name.clone())
}

pub fn print_queues(frame: &Frame, zh: bool) {
    let lang = if zh { Lang::Zh } else { Lang::En };
    crate::out::section(zh, "队列", "queues");
    for q in &frame.queues {
        let state = match (q.availability, zh) {
            (QueueAvailability::Available, false) => "available",
            (QueueAvailability::Available, true) => "可用",
            (QueueAvailability::Down, false) => "DOWN",
            (QueueAvailability::Down, true) => "不可用",
            (QueueAvailability::Deleted, false) => "DELETED",
            (QueueAvailability::Deleted, true) => "已删除",
        };
        let durable = match (q.durable, zh) {
            (true, false) => "durable",
            (true, true) => "持久",
            (false, false) => "transient",
            (false, true) => "非持久",
        };
        outln!("{} ({:?}, {durable}): {state}", q.name, q.kind);
        if let Some(m) = &q.mirroring {
            outln!("  {}", m.get(lang));
        }
        for r in &q.replicas {
            let role = match r.role {
                ReplicaRole::Leader => "leader",
                ReplicaRole::Mirror if r.synced => "mirror (synced)",
                ReplicaRole::Mirror => "mirror (unsynced)",
                ReplicaRole::Follower => "follower",
                ReplicaRole::OnDisk => "down, on disk",
            };
            let ready: Vec<String> = r
                .ready
                .iter()
                .map(|m| {
                    if m.redelivered {
                        format!("{}*", m.label)
                    } else {
                        m.label.clone()
                    }
                })
                .collect();
            let unacked: Vec<&str> = r.unacked.iter().map(|m| m.label.as_str()).collect();
            outln!(
                "  {:<10} {:<18} ready [{}] unacked [{}] on disk {}",
                node_name(frame, r.node),
                role,
                ready.join(" "),
                unacked.join(" "),
                r.on_disk
            );
        }
    }
    for p in &frame.publishers {
        let rate = p
            .per_second
            .map_or_else(|| "—".to_string(), |r| r.to_string());
        if zh {
            outln!(
                "发布者 {}（{}）：已确认 {}，每秒 {rate} 条",
                p.name,
                p.mode.get(lang),
                p.confirmed
            );
        } else {
            outln!(
                "publisher {} ({}): {} confirmed, {rate} per second",
                p.name,
                p.mode.get(lang),
                p.confirmed
            );
        }
    }
    for c in &frame.consumers {
        outln!(
            "{} {} {} · {:?} · {}",
            if zh { "消费者" } else { "consumer" },
            c.name,
            c.assigned.join(", "),
            c.activity,
            c.commit.get(lang)
        );
    }
}
