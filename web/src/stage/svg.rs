//! What every part of the stage draws with: number formatting for SVG attributes, a node's
//! status in words and as an attribute, the click/keyboard activation of a node, a message's
//! cell, the envelope legend. One place, so Kafka's and RabbitMQ's pictures agree.

use super::layout::{self, Tenths, CELL_H};
use crate::i18n::{Lang, T};
use mqlab_scenario::frame::{NodeStatus, NodeView};
use yew::prelude::*;

pub(crate) fn status_text(node: &NodeView, lang: Lang) -> String {
    let mut parts = vec![match node.status {
        // pause_minority (R17): running, but serving nothing until it sees a majority.
        NodeStatus::Up if node.paused => T::Paused.get(lang),
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
pub(crate) fn f(v: f64) -> String {
    Tenths(v).to_string()
}

/// A node's name by its id; the id itself for a node the frame does not know.
pub(crate) fn node_name(nodes: &[NodeView], id: u32) -> String {
    nodes
        .iter()
        .find(|n| n.id == id)
        .map_or_else(|| id.to_string(), |n| n.name.clone())
}
