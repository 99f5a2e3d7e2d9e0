//! The stage: one SVG drawn from a frame. Each entity renders itself (a broker card, its
//! replicas' logs, a client, an envelope); geometry comes from [`StageLayout`].

use crate::i18n::{self, Lang, T};
use crate::layout::{self, fit, Rect, StageLayout, Tenths, CELL_H, SLOT_H, WIDTH};
use crate::stage_groups::{self, SideCtx};
use crate::stage_rabbit;
use mqlab_scenario::frame::{
    ConsumerView, EnvelopeKind, EnvelopeView, Frame, GroupView, LinkStatus, LinkView, NodeKind,
    NodeStatus, NodeView, PartitionView, ReplicaView,
};
use mqlab_scenario::VecSet as BTreeSet;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, Clone, PartialEq)]
pub struct StageProps {
    pub frame: Rc<Frame>,
    pub lang: Lang,
    /// Simulated time the envelopes are drawn at (between this step and the next).
    pub clock_ms: f64,
    #[prop_or_default]
    pub reduced_motion: bool,
    #[prop_or_default]
    pub selected_message: Option<u32>,
    /// A clickable node (broker or producer) was chosen.
    #[prop_or_default]
    pub on_node: Callback<u32>,
    /// Drawn over the SVG next to node `menu_at` (the node menu).
    #[prop_or_default]
    pub children: Html,
    #[prop_or_default]
    pub menu_at: Option<u32>,
    /// CSS px per stage unit wanted: text sizes are stage units, so this sets how large the
    /// smallest text is drawn (11 units). The layout reflows to keep it (see `StageLayout::fitting`).
    #[prop_or(ZOOM)]
    pub zoom: f64,
    /// Grow the zoom (never shrink it) while the picture still fits the window's height
    /// with what sits under the stage: presenter mode, where the room reads the whole screen.
    #[prop_or_default]
    pub fill_height: bool,
}

/// The largest zoom the stage grows to when it fills the height.
const MAX_FILL_ZOOM: f64 = 3.2;

/// Stage text at 1.1 CSS px a unit: the smallest (11 units) is drawn at 12 px.
pub const ZOOM: f64 = 1.1;
/// Presenter mode: the smallest text at 22 px, read from the back of a room.
pub const PRESENTER_ZOOM: f64 = 2.0;

#[function_component(Stage)]
pub fn stage(props: &StageProps) -> Html {
    let frame = &props.frame;
    let lang = props.lang;
    let wrap = use_node_ref();
    let room = use_room(&wrap);
    let names = frame
        .nodes
        .iter()
        .map(|n| n.name.as_str())
        .collect::<Vec<_>>()
        .join(",");
    // Filling the height: the zoom is chosen once per world and room, so that it does not
    // change (and the picture reflow) while the scenario plays.
    let chosen = use_mut_ref(|| (String::new(), 0.0_f64));
    let zoom = if props.fill_height && room.width > 0.0 && room.height > 0.0 {
        let key = format!("{}|{}|{names}", Tenths(room.width), Tenths(room.height));
        let mut chosen = chosen.borrow_mut();
        if chosen.0 != key {
            *chosen = (key, fill_zoom(frame, room, props.zoom));
        }
        chosen.1
    } else {
        props.zoom
    };
    // Before the first measurement, the widest layout (what a test without a page sees).
    let width = if room.width > 0.0 {
        room.width / zoom
    } else {
        WIDTH
    };
    let mut layout = StageLayout::fitting(frame, width);
    // The picture never shrinks while the same world is on the stage at the same width, so
    // that what sits under it (the player) does not jump as stores fill and empty.
    let tallest = use_mut_ref(|| (String::new(), 0.0_f64));
    {
        let key = format!("{}|{names}", Tenths(layout.width));
        let mut tallest = tallest.borrow_mut();
        if tallest.0 != key {
            *tallest = (key, 0.0);
        }
        tallest.1 = tallest.1.max(layout.height);
        layout.height = tallest.1;
    }
    let active: BTreeSet<u32> = frame.happenings.iter().filter_map(|h| h.node).collect();

    let (links, link_labels): (Vec<Html>, Vec<Html>) = frame
        .faulty_links
        .iter()
        .map(|l| link(l, &layout, lang))
        .unzip();
    let nodes = frame.nodes.iter().map(|node| {
        let ctx = NodeCtx {
            frame,
            layout: &layout,
            lang,
            active: active.contains(&node.id),
        };
        match node.kind {
            NodeKind::Broker => broker_card(node, &ctx, props),
            NodeKind::Controller => controller(node, &ctx),
            NodeKind::Producer | NodeKind::Reader => client(node, &ctx, &props.on_node),
            // Drawn inside their group's frame.
            NodeKind::Consumer => Html::default(),
        }
    });
    let side = SideCtx {
        frame,
        layout: &layout,
        lang,
        active: &active,
        selected: props.selected_message,
        on_node: &props.on_node,
    };
    let envelopes = frame
        .envelopes
        .iter()
        .filter_map(|e| envelope(e, &layout, props));
    let view_box = format!("0 0 {} {}", Tenths(layout.width), Tenths(layout.height));
    // The menu next to its node, as a share of the stage so it follows the SVG's scaling.
    let menu_style = props.menu_at.and_then(|id| layout.boxes.get(&id)).map(|r| {
        let x = ((r.x + r.w * 0.5) / layout.width * 100.0).clamp(2.0, 70.0);
        let y = ((r.y + 44.0) / layout.height * 100.0).clamp(2.0, 80.0);
        format!("left: {}%; top: {}%", Tenths(x), Tenths(y))
    });

    html! {
        <div class="stage" data-testid="stage" data-layout-width={Tenths(layout.width).to_string()}>
            <div class="svg-wrap" ref={wrap}>
                <svg class="stage-svg" viewBox={view_box} role="group"
                    aria-label={T::StageLabel.get(lang)}>
                    <g class="links">{ for links }</g>
                    <g class="nodes">{ for nodes }</g>
                    { stage_groups::groups(&side) }
                    { stage_groups::stores(&side) }
                    <g class="link-labels">{ for link_labels }</g>
                    <g class="envelopes" aria-hidden="true">{ for envelopes }</g>
                </svg>
                if let Some(style) = menu_style {
                    <div class="menu-anchor" {style}>{ props.children.clone() }</div>
                } else {
                    { props.children.clone() }
                }
            </div>
            if frame.queues.is_empty() {
                <PartitionStrip partitions={frame.partitions.clone()} nodes={frame.nodes.clone()}
                    consumers={frame.consumers.clone()} groups={frame.groups.clone()} {lang} />
            } else {
                { stage_rabbit::strip(frame, lang) }
            }
        </div>
    }
}

/// The room the stage has, in CSS px: its width, and the height the picture may take so
/// that the page fits the window (the window's height less what is above the picture and
/// what the stage area holds under it).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Room {
    width: f64,
    height: f64,
}

/// The largest zoom from `least` up (in tenths) at which the picture of `frame` fits the
/// room's height; `least` when none does.
fn fill_zoom(frame: &Frame, room: Room, least: f64) -> f64 {
    let mut best = least;
    let mut zoom = least;
    while zoom <= MAX_FILL_ZOOM {
        let layout = StageLayout::fitting(frame, room.width / zoom);
        let drawn = layout.height * room.width / layout.width;
        if drawn <= room.height {
            best = zoom;
        }
        zoom += 0.1;
    }
    best
}

/// The room of `wrap`, measured after every render and on every window resize (zero until
/// the first measurement).
#[hook]
fn use_room(wrap: &NodeRef) -> Room {
    let room = use_state_eq(Room::default);
    let measure = {
        let wrap = wrap.clone();
        let room = room.clone();
        move || {
            let Some(el) = wrap.cast::<web_sys::Element>() else {
                return;
            };
            let window = gloo::utils::window();
            let inner = window
                .inner_height()
                .ok()
                .and_then(|h| h.as_f64())
                .unwrap_or(0.0);
            let top = el.get_bounding_client_rect().top() + window.scroll_y().unwrap_or(0.0);
            let under = el
                .closest(".stage-area")
                .ok()
                .flatten()
                .map_or(0.0, |area| {
                    area.get_bounding_client_rect().bottom()
                        - el.get_bounding_client_rect().bottom()
                });
            room.set(Room {
                width: f64::from(el.client_width()),
                height: (inner - top - under - 12.0).max(0.0),
            });
        }
    };
    {
        let measure = measure.clone();
        use_effect(measure);
    }
    use_effect_with((), move |_| {
        let listener = gloo::utils::window()
            .dyn_ref::<web_sys::EventTarget>()
            .map(|w| gloo::events::EventListener::new(w, "resize", move |_| measure()));
        move || drop(listener)
    });
    *room
}

struct NodeCtx<'a> {
    frame: &'a Frame,
    layout: &'a StageLayout,
    lang: Lang,
    active: bool,
}

pub(crate) fn status_text(node: &NodeView, lang: Lang) -> String {
    let mut parts = vec![match node.status {
        NodeStatus::Up => T::Up.get(lang),
        NodeStatus::Crashed => T::Crashed.get(lang),
        NodeStatus::Stopped => T::Stopped.get(lang),
    }];
    if node.isolated {
        parts.push(T::Isolated.get(lang));
    }
    if node.fenced {
        parts.push(T::Fenced.get(lang));
    }
    parts.join(" · ")
}

pub(crate) fn status_attr(status: NodeStatus) -> &'static str {
    match status {
        NodeStatus::Up => "up",
        NodeStatus::Crashed => "crashed",
        NodeStatus::Stopped => "stopped",
    }
}

/// Opens the node's menu on click, and on Enter or Space when it has the focus.
pub(crate) fn activation(
    id: u32,
    on_node: &Callback<u32>,
) -> (Callback<MouseEvent>, Callback<KeyboardEvent>) {
    let click = on_node.reform(move |_: MouseEvent| id);
    let on_node = on_node.clone();
    let key = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == " " {
            e.prevent_default();
            on_node.emit(id);
        }
    });
    (click, key)
}

fn broker_card(node: &NodeView, ctx: &NodeCtx, props: &StageProps) -> Html {
    let Some(&r) = ctx.layout.boxes.get(&node.id) else {
        return Html::default();
    };
    let lang = ctx.lang;
    let leads: Vec<String> = ctx
        .frame
        .partitions
        .iter()
        .filter(|p| p.leader == Some(node.id))
        .map(|p| p.name.clone())
        .chain(
            ctx.frame
                .queues
                .iter()
                .filter(|q| q.leader == Some(node.id))
                .map(|q| q.name.clone()),
        )
        .collect();
    let status = status_text(node, lang);
    let aria = format!(
        "{}. {}",
        i18n::broker_aria(lang, &node.name, &status, &leads),
        T::PressEnter.get(lang)
    );
    let (click, key) = activation(node.id, &props.on_node);
    let class = classes!(
        "node",
        "broker",
        format!("status-{}", status_attr(node.status)),
        node.isolated.then_some("isolated"),
        node.fenced.then_some("fenced"),
        ctx.active.then_some("active"),
    );
    let down = node.status != NodeStatus::Up;
    let replicas = ctx.frame.partitions.iter().filter_map(|p| {
        let replica = p.replicas.iter().find(|rep| rep.broker == node.id)?;
        let slot = *ctx.layout.slots.get(&p.name)?;
        Some(replica_log(
            p,
            replica,
            slot,
            r,
            ctx,
            props.selected_message,
        ))
    });

    html! {
        <g class={class} data-testid={format!("broker-{}", node.id)}
            data-status={status_attr(node.status)} data-leader-of={leads.join(" ")}
            role="button" tabindex="0" aria-label={aria} onclick={click} onkeydown={key}>
            <rect class="card" x={f(r.x)} y={f(r.y)} width={f(r.w)} height={f(r.h)} rx="8" />
            <text class="node-name" x={f(r.x + 12.0)} y={f(r.y + 20.0)}>{ &node.name }</text>
            <text class="node-status" x={f(r.x + 12.0)} y={f(r.y + 38.0)}>{ status }</text>
            { for replicas }
            { stage_rabbit::queue_rows(node.id, r, ctx.frame, ctx.layout, lang, props.selected_message) }
            if down {
                <g class="down-cross" aria-hidden="true">
                    <line x1={f(r.x + 4.0)} y1={f(r.y + 4.0)} x2={f(r.x + r.w - 4.0)} y2={f(r.y + r.h - 4.0)} />
                    <line x1={f(r.x + r.w - 4.0)} y1={f(r.y + 4.0)} x2={f(r.x + 4.0)} y2={f(r.y + r.h - 4.0)} />
                </g>
            }
        </g>
    }
}

fn replica_log(
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
    let hw_text = if same {
        format!("HW=LEO {}", rep.high_watermark)
    } else {
        format!("HW {}", rep.high_watermark)
    };
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

    html! {
        <g class={class} data-testid={format!("replica-{}-{}", p.name, rep.broker)}
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
            <g class="marker hw" data-testid={format!("hw-{}-{}", p.name, rep.broker)}>
                <line x1={f(hw_x)} y1={f(cells_y - 2.0)} x2={f(hw_x)} y2={f(marker_y + 6.0)} />
                <path d={format!("M{} {} l-4 7 h8 z", Tenths(hw_x), Tenths(marker_y))} />
                <text x={f(hw_label_x)} y={f(label_y)}
                    text-anchor={if hw_left { "end" } else { "start" }}>{ hw_text }</text>
            </g>
            if !same {
                <g class="marker leo" data-testid={format!("leo-{}-{}", p.name, rep.broker)}>
                    <line x1={f(leo_x)} y1={f(cells_y - 2.0)} x2={f(leo_x)} y2={f(marker_y + 6.0)} />
                    <path d={format!("M{} {} l-4 7 h8 z", Tenths(leo_x), Tenths(marker_y))} />
                    <text x={f(leo_label_x)} y={f(leo_y)}
                        text-anchor={if leo_right { "start" } else { "end" }}>{ leo_text }</text>
                </g>
            }
            if is_leader && slot_h > SLOT_H {
                { stage_groups::offset_markers(p, ctx.frame, y + SLOT_H - 20.0, &x_of, (x + 4.0, right_edge), lang) }
            }
            { membership(p, in_isr, in_elr, (x, y + slot_h - 11.0, w), lang) }
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
    if p.elr.is_empty() && !p.isr.is_empty() {
        return html! {
            <>
                <text class="isr" x={f(x + 8.0)} y={f(y)}>{ i18n::isr_list(&p.isr) }</text>
                <text class={state_class} x={f(x + w - 8.0)} y={f(y)} text-anchor="end">
                    { if in_isr { T::InIsr.get(lang) } else { T::OutOfIsr.get(lang) } }
                </text>
            </>
        };
    }
    let (tag, short, title) = if in_isr {
        (T::InIsr, T::InIsrShort, T::InIsrTitle)
    } else if in_elr {
        (T::InElr, T::InElrShort, T::InElrTitle)
    } else {
        (T::OutOfIsr, T::OutShort, T::OutOfIsrAndElrTitle)
    };
    let full = i18n::isr_elr(lang, &p.isr, &p.elr, false);
    let compact = i18n::isr_elr(lang, &p.isr, &p.elr, true);
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

/// A message's cell in a log or a queue: its tooltip, a mark above it (an offset, a
/// delivery state), its short label.
pub(crate) fn cell(
    class: Classes,
    key: u64,
    title: String,
    above: String,
    (x, y, w): (f64, f64, f64),
    label: &str,
) -> Html {
    html! {
        <g {class} {key}>
            <title>{ title }</title>
            <text class="offset" x={f(x + w / 2.0)} y={f(y - 3.0)}>{ above }</text>
            <rect x={f(x + 1.0)} y={f(y)} width={f(w - 2.0)} height={f(CELL_H)} rx="2" />
            <text class="cell-label" x={f(x + w / 2.0)} y={f(y + 16.0)}>{ layout::short_label(label) }</text>
        </g>
    }
}

fn controller(node: &NodeView, ctx: &NodeCtx) -> Html {
    let Some(&r) = ctx.layout.boxes.get(&node.id) else {
        return Html::default();
    };
    let class = classes!(
        "node",
        "controller",
        format!("status-{}", status_attr(node.status)),
        ctx.active.then_some("active")
    );
    html! {
        <g class={class} data-testid="controller" data-status={status_attr(node.status)}>
            <rect class="card" x={f(r.x)} y={f(r.y)} width={f(r.w)} height={f(r.h)} rx="8" />
            <text class="badge" x={f(r.x + r.w / 2.0)} y={f(r.y + 20.0)} text-anchor="middle">{ T::ControllerBadge.get(ctx.lang) }</text>
            <text class="node-status" x={f(r.x + r.w / 2.0)} y={f(r.y + 38.0)} text-anchor="middle">
                { format!("{} · {}", node.name, status_text(node, ctx.lang)) }
            </text>
        </g>
    }
}

/// A producer or reader on the left; a RabbitMQ publisher with its mode, persistence,
/// confirms and throughput.
fn client(node: &NodeView, ctx: &NodeCtx, on_node: &Callback<u32>) -> Html {
    let Some(&r) = ctx.layout.boxes.get(&node.id) else {
        return Html::default();
    };
    let lang = ctx.lang;
    let producer = node.kind == NodeKind::Producer;
    let publisher = ctx.frame.publishers.iter().find(|p| p.id == node.id);
    let role = match (producer, publisher) {
        (_, Some(_)) => T::Publisher,
        (true, None) => T::Producer,
        (false, None) => T::Reader,
    };
    // Under the name: the settings line, or a publisher's; then its state when down.
    let mut lines = match publisher {
        Some(p) => stage_rabbit::publisher_lines(node, p, lang),
        None => vec![("node-status", fit(&node.detail, 24))],
    };
    if node.status != NodeStatus::Up {
        lines.push(("node-status", status_text(node, lang)));
    }
    let class = classes!(
        "node",
        "client",
        if producer { "producer" } else { "reader" },
        publisher.map(|_| "publisher"),
        format!("status-{}", status_attr(node.status)),
        ctx.active.then_some("active")
    );
    let texts = lines.iter().enumerate().map(|(i, (class, text))| {
        html! { <text class={*class} x={f(r.x + 10.0)} y={f(r.y + 34.0 + 14.0 * i as f64)}>{ text }</text> }
    });
    let body = html! {
        <>
            <title>{ &node.detail }</title>
            <rect class="card" x={f(r.x)} y={f(r.y)} width={f(r.w)} height={f(r.h)} rx="8" />
            <text class="node-name" x={f(r.x + 10.0)} y={f(r.y + 18.0)}>{ fit(&node.name, 14) }</text>
            if publisher.is_none() {
                <text class="node-role" x={f(r.x + r.w - 8.0)} y={f(r.y + 18.0)} text-anchor="end">{ role.get(lang) }</text>
            }
            { for texts }
        </>
    };
    let testid = format!(
        "{}-{}",
        if producer { "producer" } else { "reader" },
        node.id
    );
    if producer {
        let (click, key) = activation(node.id, on_node);
        let said: Vec<&str> = lines.iter().map(|(_, t)| t.as_str()).collect();
        let aria = format!(
            "{} ({}), {}. {}",
            node.name,
            role.get(lang),
            said.join(", "),
            T::PressEnter.get(lang)
        );
        html! {
            <g class={class} data-testid={testid} role="button" tabindex="0" aria-label={aria}
                data-status={status_attr(node.status)}
                data-per-second={publisher.and_then(|p| p.per_second).map(|v| v.to_string())}
                onclick={click} onkeydown={key}>{ body }</g>
        }
    } else {
        html! { <g class={class} data-testid={testid}>{ body }</g> }
    }
}

/// An envelope on its way; `None` if an end of its path is not on the stage.
fn envelope(e: &EnvelopeView, layout: &StageLayout, props: &StageProps) -> Option<Html> {
    let label = e.label.get(props.lang);
    let ((x1, y1), (x2, y2)) = layout.path(e.from, e.to)?;
    let t = if props.reduced_motion {
        0.5
    } else {
        layout::progress(e.sent_at_ms, e.arrives_at_ms, props.clock_ms)
    };
    let (x, y) = (x1 + (x2 - x1) * t, y1 + (y2 - y1) * t);
    let style = format!("transform: translate({}px, {}px)", Tenths(x), Tenths(y));
    let (kind, prefix) = match e.kind {
        EnvelopeKind::Data => ("data", "✉ "),
        EnvelopeKind::Ack => ("ack", "✓ "),
        EnvelopeKind::Error => ("error", "! "),
        EnvelopeKind::Control => ("control", ""),
    };
    if e.kind == EnvelopeKind::Control {
        return Some(html! {
            <g class="env control" key={e.id} {style}>
                <title>{ label }</title>
                <circle r="3.5" />
            </g>
        });
    }
    let full = format!("{prefix}{label}");
    let text: String = if full.chars().count() > 18 {
        full.chars().take(17).chain(std::iter::once('…')).collect()
    } else {
        full
    };
    let w = layout::text_width(&text, 11.0, false, true) + 10.0;
    Some(html! {
        <g class={classes!("env", kind)} key={e.id} {style}>
            <title>{ label }</title>
            <rect x={f(-w / 2.0)} y="-9" width={f(w)} height="18" rx="3" />
            <text y="4" text-anchor="middle">{ text }</text>
        </g>
    })
}

/// A faulty link: its line (drawn under the nodes) and its label (drawn over them, so that a
/// line passing behind a card still says what it is).
fn link(l: &LinkView, layout: &StageLayout, lang: Lang) -> (Html, Html) {
    let (Some(&(x1, y1)), Some(&(x2, y2))) = (layout.anchors.get(&l.a), layout.anchors.get(&l.b))
    else {
        return (Html::default(), Html::default());
    };
    let (class, label) = match l.status {
        LinkStatus::Cut => ("link cut", T::CutLink),
        LinkStatus::Slow => ("link slow", T::SlowLink),
    };
    let testid = format!("link-{}-{}", l.a, l.b);
    // Links along the broker lane would lie on one line: bow them a little, under the controller.
    let on_lane = (y1 - y2).abs() < 1.0;
    let bow = if on_lane { 14.0 } else { 0.0 };
    let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
    // A quadratic curve reaches half-way to its control point; off the lane the label sits
    // toward the second end, away from the busy lane
    // (or next to a client, clear of the broker cards).
    let t = if layout.is_client(l.b) {
        0.88
    } else if layout.is_client(l.a) {
        0.12
    } else {
        0.7
    };
    let (lx, ly) = if on_lane {
        (mx, my - bow)
    } else {
        (x1 + (x2 - x1) * t, y1 + (y2 - y1) * t)
    };
    let text = label.get(lang);
    let w = text.chars().count() as f64 * 6.5 + 8.0;
    let line = html! {
        <path class={class} data-testid={testid.clone()}
            d={format!("M{} {} Q{} {} {} {}", Tenths(x1), Tenths(y1), Tenths(mx), Tenths(my - 2.0 * bow), Tenths(x2), Tenths(y2))} />
    };
    let label = html! {
        <g class={classes!(class, "link-label")} data-testid={format!("{testid}-label")}>
            <rect x={f(lx - w / 2.0)} y={f(ly - 8.0)} width={f(w)} height="15" rx="7" />
            <text x={f(lx)} y={f(ly + 3.5)} text-anchor="middle">{ text }</text>
        </g>
    };
    (line, label)
}

#[derive(Properties, Clone, PartialEq)]
struct StripProps {
    partitions: Vec<PartitionView>,
    nodes: Vec<NodeView>,
    consumers: Vec<ConsumerView>,
    groups: Vec<GroupView>,
    lang: Lang,
}

/// Under the stage: who leads each partition, and a legend.
#[function_component(PartitionStrip)]
fn partition_strip(props: &StripProps) -> Html {
    let lang = props.lang;
    let name_of = |id: u32| {
        props
            .nodes
            .iter()
            .find(|n| n.id == id)
            .map_or(id.to_string(), |n| n.name.clone())
    };
    let items = props.partitions.iter().map(|p| {
        let leader = match p.leader {
            Some(id) => format!("{} {}", T::Leader.get(lang), name_of(id)),
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
                { stage_groups::strip_marks(p, &props.consumers, &props.groups) }
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

/// The legend's entries for the kinds of envelopes.
pub(crate) fn envelope_legend(lang: Lang) -> Html {
    html! {
        <>
            <li><span class="swatch data" />{ T::Data.get(lang) }</li>
            <li><span class="swatch ack" />{ T::AckKind.get(lang) }</li>
            <li><span class="swatch error" />{ T::ErrorKind.get(lang) }</li>
            <li><span class="swatch control" />{ T::ControlKind.get(lang) }</li>
        </>
    }
}

/// SVG attribute values with one decimal: enough precision, shorter DOM.
fn f(v: f64) -> String {
    Tenths(v).to_string()
}
