//! The stage: one SVG drawn from a frame. Each entity renders itself (a broker card, its
//! replicas' logs, a client, an envelope); geometry comes from [`StageLayout`]. What is
//! Kafka's is in `kafka` and `groups`, what is RabbitMQ's in `rabbit`, what all share in
//! `svg`; `layout` is the pure geometry, `menu` the node menu drawn over the stage.

pub mod groups;
pub mod kafka;
pub mod layout;
pub mod menu;
pub mod rabbit;
pub mod svg;

use crate::i18n::{self, Lang, T};
use groups::SideCtx;
use kafka::PartitionStrip;
use layout::{StageLayout, Tenths, WIDTH};
use mqlab_scenario::frame::{
    EnvelopeKind, EnvelopeView, Frame, LinkStatus, LinkView, NodeKind, NodeStatus, NodeView,
};
use mqlab_scenario::VecSet as BTreeSet;
use std::rc::Rc;
use svg::{activation, f, status_attr, status_text};
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
                    { groups::groups(&side) }
                    { groups::stores(&side) }
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
                { rabbit::strip(frame, lang) }
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

pub(super) struct NodeCtx<'a> {
    pub(super) frame: &'a Frame,
    pub(super) layout: &'a StageLayout,
    pub(super) lang: Lang,
    pub(super) active: bool,
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
        node.paused.then_some("paused"),
        ctx.active.then_some("active"),
    );
    let down = node.status != NodeStatus::Up;
    let replicas = ctx.frame.partitions.iter().filter_map(|p| {
        let replica = p.replicas.iter().find(|rep| rep.broker == node.id)?;
        let slot = *ctx.layout.slots.get(&p.name)?;
        Some(kafka::replica_log(
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
            { rabbit::queue_rows(node.id, r, ctx.frame, ctx.layout, lang, props.selected_message) }
            if down {
                <g class="down-cross" aria-hidden="true">
                    <line x1={f(r.x + 4.0)} y1={f(r.y + 4.0)} x2={f(r.x + r.w - 4.0)} y2={f(r.y + r.h - 4.0)} />
                    <line x1={f(r.x + r.w - 4.0)} y1={f(r.y + 4.0)} x2={f(r.x + 4.0)} y2={f(r.y + r.h - 4.0)} />
                </g>
            }
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
        Some(p) => rabbit::publisher_lines(node, p, lang),
        None => vec![(
            "node-status",
            layout::fit_width(&node.detail, r.w - 18.0, 11.0, false),
        )],
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
    // The name comes first on the card's first line: the role stands beside it only when
    // both fit (it is also in the card's label and shown by where the card stands).
    let room = r.w - 18.0;
    let role_w = layout::text_width(role.get(lang), 11.0, false, false) + 8.0;
    let name_w = layout::text_width(&node.name, 14.0, false, true);
    let show_role = publisher.is_none() && name_w + role_w <= room;
    let name = layout::fit_width(&node.name, room, 14.0, true);
    let texts = lines.iter().enumerate().map(|(i, (class, text))| {
        html! { <text class={*class} x={f(r.x + 10.0)} y={f(r.y + 34.0 + 14.0 * i as f64)}>{ text }</text> }
    });
    let body = html! {
        <>
            <title>{ &node.detail }</title>
            <rect class="card" x={f(r.x)} y={f(r.y)} width={f(r.w)} height={f(r.h)} rx="8" />
            <text class="node-name" x={f(r.x + 10.0)} y={f(r.y + 18.0)}>{ name }</text>
            if show_role {
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
