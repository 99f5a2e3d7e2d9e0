//! RabbitMQ on the stage: the queue replicas each node hosts (role, unacked and ready
//! messages, the count on disk), publishers with their mode and measured throughput, and
//! under the stage each queue in words (availability, type, mirroring policy) and the
//! messages delivered per link. Geometry comes from [`StageLayout`]; state is told in words
//! and shapes as well as colour.

use super::layout::{self, fit, Rect, StageLayout};
use super::svg::{cell, envelope_legend, f, node_name};
use crate::i18n::{self, Lang, T};
use mqlab_scenario::frame::{
    Frame, NodeView, PublisherView, QueueAvailability, QueueReplicaView, QueueType, QueueView,
    ReplicaRole,
};
use yew::prelude::*;

/// What a replica is, in words.
pub fn role_text(rep: &QueueReplicaView) -> T {
    match (rep.role, rep.synced) {
        (ReplicaRole::Leader, _) => T::Leader,
        (ReplicaRole::Mirror, true) => T::MirrorSynced,
        (ReplicaRole::Mirror, false) => T::MirrorUnsynced,
        (ReplicaRole::Follower, true) => T::FollowerSynced,
        (ReplicaRole::Follower, false) => T::FollowerBehind,
        (ReplicaRole::OnDisk, _) => T::OnDiskOnly,
    }
}

fn role_attr(role: ReplicaRole) -> &'static str {
    match role {
        ReplicaRole::Leader => "leader",
        ReplicaRole::Mirror => "mirror",
        ReplicaRole::Follower => "follower",
        ReplicaRole::OnDisk => "on_disk",
    }
}

fn availability(q: &QueueView) -> (&'static str, Option<T>) {
    match q.availability {
        QueueAvailability::Available => ("available", None),
        QueueAvailability::Down => ("down", Some(T::QueueDown)),
        QueueAvailability::Deleted => ("deleted", Some(T::QueueDeleted)),
    }
}

/// The queue rows of one node's card: its replica of each queue, or an empty row.
pub fn queue_rows(
    node: u32,
    card: Rect,
    frame: &Frame,
    layout: &StageLayout,
    lang: Lang,
    selected: Option<u32>,
) -> Html {
    // Plain loops into a Vec<Html>: one iterator type for every list (smaller wasm).
    let mut rows = Vec::new();
    for (slot, q) in frame.queues.iter().enumerate() {
        let row = Rect {
            x: card.x + 6.0,
            y: layout.slot_y(card.y, slot),
            w: card.w - 12.0,
            h: layout.slot_h - 6.0,
        };
        rows.push(queue_row(q, node, row, layout, lang, selected));
    }
    html! { { for rows } }
}

fn queue_row(
    q: &QueueView,
    node: u32,
    r: Rect,
    layout: &StageLayout,
    lang: Lang,
    selected: Option<u32>,
) -> Html {
    let (avail, down) = availability(q);
    let testid = format!("queue-{}-{node}", q.name);
    let name = html! {
        <>
            <rect class="slot" x={f(r.x)} y={f(r.y)} width={f(r.w)} height={f(r.h)} rx="5" />
            <text class="partition-name" x={f(r.x + 8.0)} y={f(r.y + 14.0)}>{ fit(&q.name, 22) }</text>
        </>
    };
    let Some(rep) = q.replicas.iter().find(|rep| rep.node == node) else {
        let text = down.unwrap_or(T::NotOnThisNode);
        return html! {
            <g class={classes!("replica", "qrow", "empty", down.is_some().then_some("queue-down"))}
                data-testid={testid} data-availability={avail}>
                { name }
                <text class="q-state" x={f(r.x + 8.0)} y={f(r.y + 45.0)}>{ text.get(lang) }</text>
            </g>
        };
    };
    // The role, unless the queue is down: then that is what its every row says.
    let role = down.unwrap_or_else(|| role_text(rep));
    let (unacked, ready, more) = layout.queue_cells(rep.unacked.len(), rep.ready.len());
    let cells_y = r.y + 43.0;
    let cw = layout.cell_w;
    let x0 = r.x + 8.0;
    let items = rep.unacked[..unacked]
        .iter()
        .map(|m| (m, true))
        .chain(rep.ready[..ready].iter().map(|m| (m, false)));
    let mut cells = Vec::new();
    for (i, (m, is_unacked)) in items.enumerate() {
        let cx = x0 + i as f64 * cw;
        let mark = match (is_unacked, m.redelivered) {
            (true, true) => "⇢↻",
            (true, false) => "⇢",
            (false, true) => "↻",
            (false, false) => "",
        };
        let class = classes!(
            "cell",
            "qcell",
            "epoch-0",
            is_unacked.then_some("unacked"),
            m.redelivered.then_some("redelivered"),
            (!m.persistent).then_some("transient"),
            (selected == Some(m.message)).then_some("selected"),
        );
        cells.push(cell(
            class,
            u64::from(m.message),
            i18n::queue_item_title(lang, m, is_unacked),
            mark.to_string(),
            (cx, cells_y, cw),
            &m.label,
        ));
    }
    let class = classes!(
        "replica",
        "qrow",
        format!("role-{}", role_attr(rep.role)),
        (rep.role == ReplicaRole::Leader).then_some("leader"),
        (!rep.synced).then_some("unsynced"),
        down.is_some().then_some("queue-down"),
    );
    html! {
        <g {class} data-testid={testid} data-availability={avail} data-role={role_attr(rep.role)}
            data-synced={rep.synced.to_string()}>
            { name }
            <text class="role" x={f(r.x + 8.0)} y={f(r.y + 28.0)}>{ role.get(lang) }</text>
            { for cells }
            if more > 0 {
                <text class="more" x={f(x0 + (unacked + ready) as f64 * cw + 2.0)} y={f(cells_y + 16.0)}>
                    { format!("+{more}") }
                </text>
            }
            { counts_line(rep, r, lang) }
        </g>
    }
}

/// The row's counts on its last line, inside the row: spaced out when there is room, tight
/// when not, and drawn narrower (SVG `textLength`) when even that is too wide.
fn counts_line(rep: &QueueReplicaView, r: Rect, lang: Lang) -> Html {
    let room = r.w - 16.0;
    let wide = |t: &str| layout::text_width(t, COUNTS_PX, false, false) > room;
    let mut text = i18n::queue_counts(lang, rep.ready.len(), rep.unacked.len(), rep.on_disk);
    if wide(&text) {
        text = text.replace(" · ", "·");
    }
    let squeeze = wide(&text).then(|| f(room));
    let adjust = squeeze.as_ref().map(|_| "spacingAndGlyphs");
    html! {
        <text class="qcounts" x={f(r.x + 8.0)} y={f(r.y + r.h - 6.0)}
            textLength={squeeze} lengthAdjust={adjust}>
            { text }
        </text>
    }
}

/// The counts' font size (`.qrow .qcounts` in app.css).
const COUNTS_PX: f64 = 11.0;

/// A publisher's lines under its name: its mode (on two lines), the persistence of its
/// messages, how many were confirmed and how many a second.
pub fn publisher_lines(
    node: &NodeView,
    p: &PublisherView,
    lang: Lang,
) -> Vec<(&'static str, String)> {
    let mode = p.mode.get(lang);
    let (mode1, mode2) = mode
        .split_once(", ")
        .or_else(|| mode.split_once('，'))
        .unwrap_or((mode, ""));
    // The frame's settings line ends with the messages' persistence.
    let persistent = if node.detail.ends_with("transient") {
        T::TransientMsg
    } else {
        T::Persistent
    };
    vec![
        ("mode", fit(mode1, 22)),
        ("mode", fit(mode2, 22)),
        ("node-status", persistent.get(lang).to_string()),
        ("confirmed", i18n::confirmed(lang, p.confirmed)),
        ("rate", i18n::per_second(lang, p.per_second)),
    ]
}

/// Under the stage: each queue in words, the messages delivered per link, and a legend.
pub fn strip(frame: &Frame, lang: Lang) -> Html {
    let mut queues = Vec::new();
    for q in &frame.queues {
        let (avail, down) = availability(q);
        let leader = match (down, q.leader) {
            (Some(t), _) => t.get(lang).to_string(),
            (None, Some(id)) => format!("{} {}", T::Leader.get(lang), node_name(&frame.nodes, id)),
            (None, None) => T::QueueDown.get(lang).to_string(),
        };
        let kind = match q.kind {
            QueueType::Classic => T::Classic,
            QueueType::Quorum => T::Quorum,
        };
        let durable = if q.durable {
            T::Durable
        } else {
            T::TransientQueue
        };
        let mut about = format!("{} · {}", kind.get(lang), durable.get(lang));
        if !q.consumers.is_empty() {
            about = format!(
                "{about} · {} {}",
                T::QueueConsumers.get(lang),
                q.consumers.join(", ")
            );
        }
        queues.push(html! {
            <li class={classes!("partition-chip", "queue-chip", down.map(|_| "offline"))} data-testid={format!("queue-{}", q.name)} data-availability={avail}
                data-leader={q.leader.map(|l| l.to_string())}>
                <strong>{ format!("{} {}", T::QueueWord.get(lang), q.name) }</strong>
                <span data-testid={format!("queue-{}-leader", q.name)}>{ leader }</span>
                <span>{ about }</span>
                if let Some(policy) = &q.mirroring {
                    <span class="policy" data-testid={format!("queue-{}-policy", q.name)}>{ policy.get(lang) }</span>
                }
            </li>
        });
    }
    let mut traffic = Vec::new();
    for (a, b, there, back) in traffic_pairs(frame) {
        traffic.push(html! {
            <li class={classes!((a.max(b) < 100).then_some("hop"))} data-testid={format!("traffic-{a}-{b}")}>
                { node_name(&frame.nodes, a) }<strong>{ format!(" →{there} ←{back} ") }</strong>{ node_name(&frame.nodes, b) }
            </li>
        });
    }
    html! {
        <div class="stage-strip">
            <ul class="partition-chips queue-chips">{ for queues }</ul>
            if !frame.traffic.is_empty() {
                <div class="traffic" data-testid="traffic">
                    <span class="traffic-head">{ T::TrafficHeading.get(lang) }</span>
                    <span class="traffic-help">{ T::TrafficHelp.get(lang) }</span>
                    <ul>{ for traffic }</ul>
                </div>
            }
            <ul class="legend" aria-label={T::Legend.get(lang)}>
                { envelope_legend(lang) }
                <li>{ T::UnackedLegend.get(lang) }</li>
                <li>{ T::RedeliveredLegend.get(lang) }</li>
                <li>{ T::TransientLegend.get(lang) }</li>
                <li>{ T::OnDiskLegend.get(lang) }</li>
            </ul>
        </div>
    }
}

/// Each link that carried messages once, as (a, b, a → b, b → a), in the stage's order left
/// to right (publishers, nodes, consumers): links between nodes first (the extra hops and
/// the mirrors' copies), then those to and from clients.
pub fn traffic_pairs(frame: &Frame) -> Vec<(u32, u32, u64, u64)> {
    let count = |from: u32, to: u32| {
        frame
            .traffic
            .iter()
            .find(|t| t.from == from && t.to == to)
            .map_or(0, |t| t.messages)
    };
    let mut pairs = Vec::new();
    // Three passes rather than a sort (a sort's code is sizeable in wasm): between nodes,
    // from publishers, to consumers.
    for pass in 0..3 {
        for t in &frame.traffic {
            let (low, high) = (t.from.min(t.to), t.from.max(t.to));
            let (a, b, kind) = match high {
                0..100 => (low, high, 0),
                100..300 => (high, low, 1),
                _ => (low, high, 2),
            };
            if kind == pass && (t.from == a || count(a, b) == 0) {
                pairs.push((a, b, count(a, b), count(b, a)));
            }
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use mqlab_scenario::frame::LinkTraffic;

    #[test]
    fn each_link_once_left_to_right_hops_between_nodes_first() {
        let traffic = [
            (1, 2, 14),
            (2, 100, 7),
            (2, 300, 5),
            (3, 1, 9),
            (100, 2, 8),
            (101, 3, 2),
        ]
        .map(|(from, to, messages)| LinkTraffic { from, to, messages })
        .to_vec();
        let frame = Frame {
            traffic,
            ..Frame::default()
        };
        assert_eq!(
            traffic_pairs(&frame),
            [
                (1, 2, 14, 0),
                (1, 3, 0, 9),
                (100, 2, 8, 7),
                (101, 3, 2, 0),
                (2, 300, 5, 0),
            ]
        );
    }
}
