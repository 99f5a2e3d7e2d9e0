//! The right side of the stage: consumer groups with their consumers' cards, the stores they
//! write to, and the consumers' positions and groups' committed offsets on the partition logs.
//! Geometry comes from [`StageLayout`]; state is always told in words or shapes as well as
//! colour.

use super::layout::{
    self, fit, fit_width, text_width, Rect, StageLayout, StoreLayout, Tenths, CHIP_H, GROUP_HEAD,
};
use super::svg::{activation, f, node_name, status_attr, status_text};
use crate::i18n::{self, Lang, T};
use mqlab_scenario::frame::{
    ConsumerActivity, ConsumerView, Frame, GroupState, GroupView, NodeStatus, NodeView,
    PartitionView, RowView, StoreKind, StoreView,
};
use mqlab_scenario::{VecMap as BTreeMap, VecSet as BTreeSet};
use yew::prelude::*;

pub fn activity_text(activity: ConsumerActivity) -> T {
    match activity {
        ConsumerActivity::Down => T::ActDown,
        ConsumerActivity::Joining => T::ActJoining,
        ConsumerActivity::Polling => T::ActPolling,
        ConsumerActivity::Processing => T::ActProcessing,
        ConsumerActivity::Committing => T::ActCommitting,
        ConsumerActivity::Failed => T::ActFailed,
    }
}

fn activity_attr(activity: ConsumerActivity) -> &'static str {
    match activity {
        ConsumerActivity::Down => "down",
        ConsumerActivity::Joining => "joining",
        ConsumerActivity::Polling => "polling",
        ConsumerActivity::Processing => "processing",
        ConsumerActivity::Committing => "committing",
        ConsumerActivity::Failed => "failed",
    }
}

pub fn group_state_text(state: GroupState) -> T {
    match state {
        GroupState::Empty => T::GroupEmpty,
        GroupState::Rebalancing => T::GroupRebalancing,
        GroupState::Stable => T::GroupStable,
        GroupState::Unknown => T::GroupUnknown,
    }
}

fn group_state_attr(state: GroupState) -> &'static str {
    match state {
        GroupState::Empty => "empty",
        GroupState::Rebalancing => "rebalancing",
        GroupState::Stable => "stable",
        GroupState::Unknown => "unknown",
    }
}

pub fn store_kind_text(kind: StoreKind) -> T {
    match kind {
        StoreKind::PlainInsert => T::KindPlain,
        StoreKind::UniqueKey => T::KindUnique,
        StoreKind::LookupUpdate => T::KindLookup,
        StoreKind::RedisSet => T::KindRedis,
        StoreKind::SeenSet => T::KindSeen,
    }
}

/// Everything the right side needs from the stage.
pub struct SideCtx<'a> {
    pub frame: &'a Frame,
    pub layout: &'a StageLayout,
    pub lang: Lang,
    /// Nodes something happened at in this step.
    pub active: &'a BTreeSet<u32>,
    pub selected: Option<u32>,
    pub on_node: &'a Callback<u32>,
}

impl SideCtx<'_> {
    fn selected_label(&self) -> Option<&str> {
        let id = self.selected?;
        self.frame
            .messages
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.label.as_str())
    }
}

/// Every group's frame with its consumers inside.
pub fn groups(ctx: &SideCtx) -> Html {
    let frames = ctx.layout.groups.iter().map(|(name, r)| {
        let group = ctx.frame.groups.iter().find(|g| &g.name == name);
        let members = ctx.frame.consumers.iter().filter(|c| &c.group == name);
        group_frame(name, group, *r, ctx, members)
    });
    html! { <g class="groups">{ for frames }</g> }
}

fn group_frame<'a>(
    name: &str,
    group: Option<&GroupView>,
    r: Rect,
    ctx: &SideCtx,
    members: impl Iterator<Item = &'a ConsumerView>,
) -> Html {
    let lang = ctx.lang;
    let cards = members.map(|c| consumer_card(c, ctx));
    // Consumers with no consumer group (a RabbitMQ queue's): a plain frame with the name.
    let Some(group) = group else {
        return html! {
            <g class="group plain" data-testid={format!("group-{name}")}>
                <rect class="group-frame" x={f(r.x)} y={f(r.y)} width={f(r.w)} height={f(r.h)} rx="9" />
                <text class="group-name" x={f(r.x + 10.0)} y={f(r.y + 15.0)}>{ fit(&format!("{} {name}", T::QueueWord.get(lang)), 30) }</text>
                { for cards }
            </g>
        };
    };
    let state = group.state;
    let generation = group.generation;
    let coordinator = match group.coordinator {
        Some(id) => i18n::coordinator(lang, &node_name(&ctx.frame.nodes, id)),
        None => T::NoCoordinator.get(lang).to_string(),
    };
    // The name gets what the state leaves of the header (about 7 units a character).
    let state_text = group_state_text(state).get(lang);
    let name_room = ((r.w - 26.0) / 7.0) as usize - state_text.chars().count().min(20);
    html! {
        <g class={classes!("group", format!("state-{}", group_state_attr(state)))}
            data-testid={format!("group-{name}")} data-state={group_state_attr(state)}
            data-generation={generation.to_string()}>
            <rect class="group-frame" x={f(r.x)} y={f(r.y)} width={f(r.w)} height={f(r.h)} rx="9" />
            <text class="group-name" x={f(r.x + 10.0)} y={f(r.y + 15.0)}>
                { fit(&format!("{} {name}", T::Group.get(lang)), name_room) }
            </text>
            <text class="group-state" x={f(r.x + r.w - 8.0)} y={f(r.y + 15.0)} text-anchor="end"
                data-testid={format!("group-{name}-state")}>{ state_text }</text>
            <text class="group-meta" x={f(r.x + 10.0)} y={f(r.y + GROUP_HEAD - 7.0)}>
                { fit(&format!("{} · {coordinator}", i18n::generation(lang, generation)), 40) }
            </text>
            { for cards }
        </g>
    }
}

fn consumer_card(c: &ConsumerView, ctx: &SideCtx) -> Html {
    let Some(&r) = ctx.layout.boxes.get(&c.id) else {
        return Html::default();
    };
    let lang = ctx.lang;
    let node: Option<&NodeView> = ctx.frame.nodes.iter().find(|n| n.id == c.id);
    let status = node.map_or(NodeStatus::Up, |n| n.status);
    let up = status == NodeStatus::Up;
    let state = if up {
        activity_text(c.activity).get(lang).to_string()
    } else {
        node.map(|n| status_text(n, lang)).unwrap_or_default()
    };
    let idle = up && c.assigned.is_empty() && c.activity != ConsumerActivity::Joining;
    let partitions = if c.assigned.is_empty() {
        if idle {
            T::Idle.get(lang).to_string()
        } else if up && c.activity == ConsumerActivity::Joining {
            T::AwaitingAssignment.get(lang).to_string()
        } else {
            "—".to_string()
        }
    } else {
        format!("⇢ {}", c.assigned.join(", "))
    };
    let selected = ctx.selected_label();
    let in_hand: Vec<Html> = c
        .in_hand
        .iter()
        .map(|label| {
            let class = classes!(
                "in-hand",
                (selected == Some(label.as_str())).then_some("selected")
            );
            html! { <tspan {class}>{ format!(" {}", layout::short_label(label)) }</tspan> }
        })
        .collect();
    let aria = format!(
        "{}. {}",
        i18n::consumer_aria(
            lang,
            &c.name,
            &c.group,
            &state,
            // None for a RabbitMQ consumer: its "group" is its queue.
            if !ctx.frame.queues.is_empty() {
                String::new()
            } else if c.assigned.is_empty() {
                T::NoPartition.get(lang).to_string()
            } else {
                c.assigned.join(", ")
            },
            c.in_hand.len()
        ),
        T::PressEnter.get(lang)
    );
    let (click, key) = activation(c.id, ctx.on_node);
    let class = classes!(
        "node",
        "client",
        "consumer",
        format!("status-{}", status_attr(status)),
        format!("activity-{}", activity_attr(c.activity)),
        idle.then_some("idle"),
        ctx.active.contains(&c.id).then_some("active"),
    );
    let commit = c.commit.get(lang);
    // Each line within the card: the name beside the activity, the others alone.
    let room = r.w - 16.0;
    let state_w = text_width(&state, 11.0, false, true) + 8.0;
    let name = fit_width(&c.name, room - state_w, 13.0, true);
    html! {
        <g {class} data-testid={format!("consumer-{}", c.id)} data-name={c.name.clone()}
            data-status={status_attr(status)} data-activity={activity_attr(c.activity)}
            data-assigned={c.assigned.join(" ")} data-in-hand={c.in_hand.len().to_string()}
            role="button" tabindex="0" aria-label={aria} onclick={click} onkeydown={key}>
            <rect class="card" x={f(r.x)} y={f(r.y)} width={f(r.w)} height={f(r.h)} rx="7" />
            <text class="node-name" x={f(r.x + 8.0)} y={f(r.y + 16.0)}>{ name }</text>
            <text class="activity" x={f(r.x + r.w - 7.0)} y={f(r.y + 16.0)} text-anchor="end">{ state }</text>
            <text class={classes!("assigned", idle.then_some("idle-text"))} x={f(r.x + 8.0)} y={f(r.y + 31.0)}>
                { fit_width(&partitions, room, 11.0, false) }
            </text>
            <text class="hand" x={f(r.x + 8.0)} y={f(r.y + 45.0)}>
                { T::InHand.get(lang) }
                if in_hand.is_empty() { { " —" } } else { { for in_hand.into_iter().take(12) } }
            </text>
            <text class="commit-mode" x={f(r.x + 8.0)} y={f(r.y + 58.0)}>
                <title>{ commit }</title>{ fit_width(commit, room, 11.0, false) }
            </text>
        </g>
    }
}

/// Every store with its rows (and, for a seen-set, its ids).
pub fn stores(ctx: &SideCtx) -> Html {
    let boxes = ctx
        .frame
        .stores
        .iter()
        .zip(&ctx.layout.stores)
        .map(|(s, placed)| store_box(s, placed, ctx));
    html! { <g class="stores">{ for boxes }</g> }
}

fn store_box(s: &StoreView, placed: &StoreLayout, ctx: &SideCtx) -> Html {
    let lang = ctx.lang;
    let r = placed.rect;
    let keys = s.kind == StoreKind::RedisSet;
    let extra = s.rows.len().saturating_sub(s.distinct as usize);
    let rows = s
        .rows
        .iter()
        .skip(placed.first_row)
        .enumerate()
        .map(|(i, row)| row_chip(row, placed.row_chip(i), ctx));
    let seen = placed.seen_y.map(|seen_y| {
        let selected = ctx.selected_label();
        let chips = s.seen.iter().skip(placed.first_seen).enumerate().map(|(i, id)| {
            let c = placed.seen_chip(i);
            let class = classes!("seen-id", (selected == Some(id.as_str())).then_some("selected"));
            html! {
                <g {class}>
                    <title>{ id.clone() }</title>
                    <rect x={f(c.x)} y={f(c.y)} width={f(c.w)} height={f(c.h)} rx="8" />
                    <text x={f(c.x + c.w / 2.0)} y={f(c.y + 11.5)} text-anchor="middle">{ layout::short_label(id) }</text>
                </g>
            }
        });
        html! {
            <g class="seen-set" data-testid={format!("store-{}-seen", s.name)} data-count={s.seen.len().to_string()}>
                <text class="store-sub" x={f(r.x + 8.0)} y={f(seen_y + 11.0)}>{ i18n::seen_ids(lang, s.seen.len()) }</text>
                { for chips }
            </g>
        }
    });
    let dup_line = if extra > 0 {
        i18n::duplicate_rows(lang, extra)
    } else if keys {
        T::NoDuplicateKeys.get(lang).to_string()
    } else {
        T::NoDuplicateRows.get(lang).to_string()
    };
    html! {
        <g class={classes!("store", format!("kind-{}", s.kind.key()), (extra > 0).then_some("has-duplicates"))}
            data-testid={format!("store-{}", s.name)} data-kind={s.kind.key()}
            data-rows={s.rows.len().to_string()} data-expected={s.expected.to_string()}
            data-duplicates={extra.to_string()} data-absorbed={s.absorbed.to_string()}>
            <rect class="store-frame" x={f(r.x)} y={f(r.y)} width={f(r.w)} height={f(r.h)} rx="4" />
            <text class="node-name" x={f(r.x + 8.0)} y={f(r.y + 16.0)}>{ fit(&s.name, 18) }</text>
            <text class="store-kind" x={f(r.x + r.w - 8.0)} y={f(r.y + 16.0)} text-anchor="end">{ store_kind_text(s.kind).get(lang) }</text>
            <text class="store-count" x={f(r.x + 8.0)} y={f(r.y + 31.0)} data-testid={format!("store-{}-count", s.name)}>
                { i18n::store_count(lang, s.expected, s.rows.len(), keys) }
            </text>
            <text class={classes!("store-dups", (extra > 0).then_some("bad"))} x={f(r.x + 8.0)} y={f(r.y + 45.0)}
                data-testid={format!("store-{}-duplicates", s.name)}>{ dup_line }</text>
            <text class="store-absorbed" x={f(r.x + 8.0)} y={f(r.y + 58.0)}
                data-testid={format!("store-{}-absorbed", s.name)}>{ i18n::repeats_stopped(lang, s.absorbed) }</text>
            if placed.first_row > 0 {
                <text class="store-sub" x={f(r.x + 8.0)} y={f(placed.rows_y - 4.0)}>{ i18n::earlier_rows(lang, placed.first_row) }</text>
            }
            { for rows }
            { for seen }
        </g>
    }
}

fn row_chip(row: &RowView, c: Rect, ctx: &SideCtx) -> Html {
    let lang = ctx.lang;
    let class = classes!(
        "row",
        row.duplicate.then_some("dup"),
        (ctx.selected == Some(row.message)).then_some("selected")
    );
    let mut text = fit(&row.key, if row.duplicate { 9 } else { 11 });
    if row.duplicate {
        text.push_str(" ⚠");
    } else if row.writes > 1 {
        text = format!("{} ×{}", fit(&row.key, 8), row.writes);
    }
    html! {
        <g {class} data-key={row.key.clone()}>
            <title>{ i18n::row_title(lang, &row.key, &row.by, row.writes, row.duplicate) }</title>
            <rect x={f(c.x)} y={f(c.y)} width={f(c.w)} height={f(CHIP_H)} rx="2" />
            <text x={f(c.x + 5.0)} y={f(c.y + 11.5)}>{ text }</text>
        </g>
    }
}

/// Consumers' positions (▲) and groups' committed offsets (◆) on one partition's log, in the
/// lane under its HW and LEO labels. One marker per offset, naming everyone at it.
pub fn offset_markers(
    p: &PartitionView,
    frame: &Frame,
    lane_y: f64,
    x_of: &dyn Fn(u64) -> f64,
    (left_edge, right_edge): (f64, f64),
    lang: Lang,
) -> Html {
    let positions = positions_on(p, &frame.consumers);
    let committed = committed_on(p, &frame.groups);
    let row = |marks: BTreeMap<u64, Vec<&str>>, base: f64, committed: bool| -> Html {
        marks.into_iter().map(|(offset, who)| {
            let x = x_of(offset);
            let names = who.join(", ");
            let label = fit(&format!("{names} @{offset}"), 24);
            let width = layout::text_width(&label, 11.0, false, true);
            let right = right_edge - x > width + 8.0;
            // On the left, but never out of the card (over the marker if it must).
            let left_x = (x - 7.0).max(left_edge + width);
            let (shape, title, kind, testid) = if committed {
                (
                    format!("M{} {} l5 5 l-5 5 l-5 -5 z", Tenths(x), Tenths(base - 9.0)),
                    i18n::committed_title(lang, &names, offset),
                    "committed",
                    format!("committed-{}", p.name),
                )
            } else {
                (
                    format!("M{} {} l5 9 h-10 z", Tenths(x), Tenths(base - 9.0)),
                    i18n::position_title(lang, &names, offset),
                    "position",
                    format!("position-{}", p.name),
                )
            };
            html! {
                <g class={classes!("marker", kind)} data-testid={testid} data-offset={offset.to_string()} data-who={names.clone()}>
                    <title>{ title }</title>
                    <path d={shape} />
                    <text x={f(if right { x + 7.0 } else { left_x })} y={f(base)}
                        text-anchor={if right { "start" } else { "end" }}>{ label }</text>
                </g>
            }
        }).collect()
    };
    html! {
        <g class="consumer-marks">
            { row(positions, lane_y + 10.0, false) }
            { row(committed, lane_y + 24.0, true) }
        </g>
    }
}

/// Consumers at each offset of this partition (their positions).
pub fn positions_on<'a>(
    p: &PartitionView,
    consumers: &'a [ConsumerView],
) -> BTreeMap<u64, Vec<&'a str>> {
    let mut out: BTreeMap<u64, Vec<&str>> = BTreeMap::new();
    for c in consumers {
        for m in c.positions.iter().filter(|m| m.partition == p.name) {
            out.entry(m.offset).or_default().push(&c.name);
        }
    }
    out
}

/// Groups whose committed offset for this partition is each offset.
pub fn committed_on<'a>(p: &PartitionView, groups: &'a [GroupView]) -> BTreeMap<u64, Vec<&'a str>> {
    let mut out: BTreeMap<u64, Vec<&str>> = BTreeMap::new();
    for g in groups {
        for m in g.committed.iter().filter(|m| m.partition == p.name) {
            out.entry(m.offset).or_default().push(&g.name);
        }
    }
    out
}

/// The partition strip's words for the same markers.
pub fn strip_marks(p: &PartitionView, consumers: &[ConsumerView], groups: &[GroupView]) -> Html {
    let positions: Vec<String> = positions_on(p, consumers)
        .into_iter()
        .map(|(o, who)| format!("▲ {} @{o}", who.join(", ")))
        .collect();
    let committed: Vec<String> = committed_on(p, groups)
        .into_iter()
        .map(|(o, who)| format!("◆ {} @{o}", who.join(", ")))
        .collect();
    html! {
        <>
            if !positions.is_empty() {
                <span class="strip-position" data-testid={format!("partition-{}-positions", p.name)}>{ positions.join(" ") }</span>
            }
            if !committed.is_empty() {
                <span class="strip-committed" data-testid={format!("partition-{}-committed", p.name)}>{ committed.join(" ") }</span>
            }
        </>
    }
}
