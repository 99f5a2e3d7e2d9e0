//! Kafka on the stage: each broker's replica logs (cells, HW and LEO markers, the ISR and
//! ELR line) and, under the stage, the partition strip. Geometry comes from [`StageLayout`].
//!
//! [`StageLayout`]: super::layout::StageLayout

use super::groups;
use super::layout::{self, Rect, Tenths, CELL_H, SLOT_H};
use super::svg::{cell, envelope_legend, f, node_name};
use super::NodeCtx;
use crate::i18n::{self, Lang, T};
use mqlab_scenario::frame::{ConsumerView, GroupView, NodeView, PartitionView, ReplicaView};
use yew::prelude::*;

pub(super) fn replica_log(
    p: &PartitionView,
    rep: &ReplicaView,
    slot: usize,
    card: Rect,
    ctx: &NodeCtx,
    selected: Option<u32>,
) -> Html {
    let lang = ctx.lang;
    let layout = ctx.layout;
    let y = layout.slot_y(card.y, slot);
    let slot_h = layout.slot_h;
    let x = card.x + 6.0;
    let w = card.w - 12.0;
    let is_leader = p.leader == Some(rep.broker);
    let stale = rep.acts_as_leader && !is_leader;
    let in_isr = p.isr.contains(&rep.broker);
    let in_elr = !in_isr && p.elr.contains(&rep.broker);
    let role = if is_leader {
        T::Leader
    } else if stale {
        T::StaleLeader
    } else {
        T::Follower
    };
    let class = classes!(
        "replica",
        is_leader.then_some("leader"),
        stale.then_some("stale")
    );

    // The newest cells that fit; offsets place cells and markers.
    let skip = rep.cells.len().saturating_sub(layout.max_cells);
    let first_offset = rep.cells.get(skip).map_or(rep.log_end_offset, |c| c.offset);
    let x0 = x + 8.0;
    let cw = layout.cell_w;
    let x_of = |offset: u64| x0 + (offset.saturating_sub(first_offset)) as f64 * cw;
    let cells_y = y + 30.0;
    let cells = rep.cells.iter().skip(skip).map(|c| {
        let cx = x_of(c.offset);
        let class = classes!(
            "cell",
            format!("epoch-{}", c.leader_epoch % 6),
            (selected == Some(c.message)).then_some("selected"),
            (c.offset >= rep.high_watermark).then_some("uncommitted"),
            // K23: transaction markers and aborted records look different.
            c.control.is_some().then_some("control"),
            c.aborted.then_some("aborted"),
        );
        cell(
            class,
            c.offset,
            i18n::cell_title(lang, c.offset, &c.label, c.leader_epoch),
            c.offset.to_string(),
            (cx, cells_y, cw),
            &c.label,
        )
    });
    let hw_x = x_of(rep.high_watermark);
    let leo_x = x_of(rep.log_end_offset);
    let marker_y = cells_y + CELL_H + 2.0;
    let label_y = marker_y + 15.0;
    let same = rep.high_watermark == rep.log_end_offset;
    // Each label sits on the side of its marker that has room; LEO's drops a line unless
    // HW's is on the left and LEO's on the right, where they cannot meet.
    let right_edge = x + w - 6.0;
    let mut hw_text = if same {
        format!("HW=LEO {}", rep.high_watermark)
    } else {
        format!("HW {}", rep.high_watermark)
    };
    // K23: where read_committed consumers stop, when an open transaction holds it back.
    if let Some(lso) = rep.last_stable_offset.filter(|&l| l != rep.high_watermark) {
        hw_text = format!("LSO {lso} · {hw_text}");
    }
    let leo_text = format!("LEO {}", rep.log_end_offset);
    let hw_w = layout::text_width(&hw_text, 11.0, false, true);
    let leo_w = layout::text_width(&leo_text, 11.0, false, true);
    let hw_left = hw_x - x0 > hw_w + 3.0 || right_edge - hw_x < hw_w + 5.0;
    let leo_right = right_edge - leo_x > leo_w + 3.0;
    let leo_y = if hw_left && leo_right {
        label_y
    } else {
        label_y + 12.0
    };
    // Inside the row whatever the side: end-anchored labels no further left than the row.
    let hw_label_x = if hw_left {
        (hw_x - 3.0).max(x + 4.0 + hw_w)
    } else {
        hw_x + 5.0
    };
    let leo_label_x = if leo_right {
        leo_x + 3.0
    } else {
        (leo_x - 3.0).max(x + 4.0 + leo_w)
    };

    let id = format!("{}-{}", p.name, rep.broker);
    html! {
        <g class={class} data-testid={format!("replica-{id}")}
            data-hw={rep.high_watermark.to_string()} data-leo={rep.log_end_offset.to_string()}>
            <rect class="slot" x={f(x)} y={f(y)} width={f(w)} height={f(slot_h - 6.0)} rx="5" />
            <text class="partition-name" x={f(x + 8.0)} y={f(y + 14.0)}>{ &p.name }</text>
            <text class="role" x={f(x + w - 8.0)} y={f(y + 14.0)} text-anchor="end">{ role.get(lang) }</text>
            if skip > 0 {
                <text class="more" x={f(x + 2.0)} y={f(cells_y + 16.0)}>
                    <title>{ T::EarlierCells.get(lang) }</title>{ "…" }
                </text>
            }
            { for cells }
            { marker("hw", &id, (hw_x, cells_y, marker_y), (hw_label_x, label_y), hw_left, hw_text) }
            if !same {
                { marker("leo", &id, (leo_x, cells_y, marker_y), (leo_label_x, leo_y), !leo_right, leo_text) }
            }
            if is_leader && slot_h > SLOT_H {
                { groups::offset_markers(p, ctx.frame, y + SLOT_H - 20.0, &x_of, (x + 4.0, right_edge), lang) }
            }
            { membership(p, in_isr, in_elr, (x, y + slot_h - 11.0, w), lang) }
        </g>
    }
}

/// A high-watermark or log-end-offset marker (`kind` "hw" or "leo") under a replica's cells:
/// a line at `x` from the cells down to a triangle, and its label, end-anchored when it sits
/// on the marker's left.
fn marker(
    kind: &'static str,
    id: &str,
    (x, cells_y, marker_y): (f64, f64, f64),
    (label_x, label_y): (f64, f64),
    left: bool,
    text: String,
) -> Html {
    html! {
        <g class={classes!("marker", kind)} data-testid={format!("{kind}-{id}")}>
            <line x1={f(x)} y1={f(cells_y - 2.0)} x2={f(x)} y2={f(marker_y + 6.0)} />
            <path d={format!("M{} {} l-4 7 h8 z", Tenths(x), Tenths(marker_y))} />
            <text x={f(label_x)} y={f(label_y)} text-anchor={if left { "end" } else { "start" }}>{ text }</text>
        </g>
    }
}

/// The bottom line of a replica's slot: the partition's ISR (and ELR, KIP-966) on the left,
/// whether this replica is in it on the right. With an ELR, or an empty ISR, the words get
/// shorter until both fit, and each says in full what it means on hover.
fn membership(
    p: &PartitionView,
    in_isr: bool,
    in_elr: bool,
    (x, y, w): (f64, f64, f64),
    lang: Lang,
) -> Html {
    let state_class = classes!(
        "isr-state",
        in_elr.then_some("elr"),
        (!in_isr && !in_elr).then_some("out")
    );
    let (tag, short, title) = if in_isr {
        (T::InIsr, T::InIsrShort, T::InIsrTitle)
    } else if in_elr {
        (T::InElr, T::InElrShort, T::InElrTitle)
    } else {
        (T::OutOfIsr, T::OutShort, T::OutOfIsrAndElrTitle)
    };
    let (full, compact) = if p.elr.is_empty() && !p.isr.is_empty() {
        let list = i18n::isr_list(&p.isr);
        (list.clone(), list)
    } else {
        (
            i18n::isr_elr(lang, &p.isr, &p.elr, false),
            i18n::isr_elr(lang, &p.isr, &p.elr, true),
        )
    };
    let bold = !in_isr;
    let (line, state) = layout::first_fitting(
        &[
            (full.as_str(), tag.get(lang)),
            (compact.as_str(), tag.get(lang)),
            (compact.as_str(), short.get(lang)),
        ],
        w - 16.0 - 8.0,
        |l, r| layout::text_width(l, 11.0, true, false) + layout::text_width(r, 11.0, false, bold),
    );
    let isr_empty = p.isr.is_empty();
    let line_title = if isr_empty {
        T::IsrEmptyTitle.get(lang).to_string()
    } else {
        full.clone()
    };
    html! {
        <>
            <text class={classes!("isr", isr_empty.then_some("empty"))} x={f(x + 8.0)} y={f(y)}>
                <title>{ line_title }</title>{ line }
            </text>
            <text class={state_class} x={f(x + w - 8.0)} y={f(y)} text-anchor="end">
                <title>{ title.get(lang) }</title>{ state }
            </text>
        </>
    }
}

#[derive(Properties, Clone, PartialEq)]
pub(super) struct StripProps {
    pub(super) partitions: Vec<PartitionView>,
    pub(super) nodes: Vec<NodeView>,
    pub(super) consumers: Vec<ConsumerView>,
    pub(super) groups: Vec<GroupView>,
    pub(super) lang: Lang,
}

/// Under the stage: who leads each partition, and a legend.
#[function_component(PartitionStrip)]
pub(super) fn partition_strip(props: &StripProps) -> Html {
    let lang = props.lang;
    let items = props.partitions.iter().map(|p| {
        let leader = match p.leader {
            Some(id) => format!("{} {}", T::Leader.get(lang), node_name(&props.nodes, id)),
            None => T::Offline.get(lang).to_string(),
        };
        html! {
            <li class={classes!("partition-chip", p.leader.is_none().then_some("offline"))} key={p.name.clone()}>
                <strong>{ &p.name }</strong>
                <span data-testid={format!("partition-{}-leader", p.name)}>{ leader }</span>
                <span>{ i18n::epoch(lang, p.leader_epoch) }</span>
                <span class={classes!("isr", p.isr.is_empty().then_some("empty"))}
                    data-testid={format!("partition-{}-isr", p.name)}
                    title={p.isr.is_empty().then(|| T::IsrEmptyTitle.get(lang))}>
                    { i18n::isr_elr(lang, &p.isr, &p.elr, false) }
                </span>
                { groups::strip_marks(p, &props.consumers, &props.groups) }
            </li>
        }
    });
    html! {
        <div class="stage-strip">
            <ul class="partition-chips">{ for items }</ul>
            <ul class="legend" aria-label={T::Legend.get(lang)}>
                { envelope_legend(lang) }
                <li><span class="swatch epochs" />{ T::EpochColour.get(lang) }</li>
                <li><span class="swatch dashed" />{ T::UncommittedLegend.get(lang) }</li>
                if !props.consumers.is_empty() {
                    <li class="legend-position">{ T::PositionLegend.get(lang) }</li>
                    <li class="legend-committed">{ T::CommittedLegend.get(lang) }</li>
                }
            </ul>
        </div>
    }
}
