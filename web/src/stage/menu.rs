//! The menu a clicked node opens: only the actions that make sense for its state.

use crate::i18n::{Lang, T};
use mqlab_scenario::frame::{NodeKind, NodeStatus, NodeView};
use yew::prelude::*;

pub use crate::state::NodeCommand;

/// What can be done to a node in its present state. RabbitMQ publishers can be killed,
/// closed and restarted too (a Kafka producer only produces).
pub fn commands_for(node: &NodeView, rabbit: bool) -> Vec<NodeCommand> {
    let up = node.status == NodeStatus::Up;
    let mut out = Vec::new();
    match node.kind {
        NodeKind::Broker => {
            if up {
                out.extend([NodeCommand::Kill, NodeCommand::Stop]);
            } else {
                out.push(NodeCommand::Restart);
            }
            out.push(if node.isolated {
                NodeCommand::Reconnect
            } else {
                NodeCommand::Isolate
            });
        }
        NodeKind::Producer if up && rabbit => {
            out.extend([NodeCommand::Produce, NodeCommand::Kill, NodeCommand::Stop])
        }
        NodeKind::Producer if up => out.push(NodeCommand::Produce),
        NodeKind::Producer if rabbit => out.push(NodeCommand::Restart),
        // A consumer: kill -9 mid-batch, close() cleanly (it leaves the group), restart.
        NodeKind::Consumer if up => out.extend([NodeCommand::Kill, NodeCommand::Stop]),
        NodeKind::Consumer => out.push(NodeCommand::Restart),
        _ => {}
    }
    out
}

#[derive(Properties, Clone, PartialEq)]
pub struct NodeMenuProps {
    pub lang: Lang,
    pub node: NodeView,
    pub on_command: Callback<(u32, NodeCommand)>,
    pub on_close: Callback<()>,
    /// The scenario is RabbitMQ's: its words, and publishers that can fail.
    #[prop_or_default]
    pub rabbit: bool,
}

#[function_component(NodeMenu)]
pub fn node_menu(props: &NodeMenuProps) -> Html {
    let lang = props.lang;
    let menu_ref = use_node_ref();
    {
        let menu_ref = menu_ref.clone();
        use_effect_with(props.node.id, move |_| {
            let first = menu_ref
                .cast::<web_sys::Element>()
                .and_then(|m| m.query_selector("button").ok().flatten())
                .and_then(|b| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(b).ok());
            if let Some(button) = first {
                let _ = button.focus();
            }
        });
    }
    let id = props.node.id;
    let kind = props.node.kind;
    let rabbit = props.rabbit;
    let items = commands_for(&props.node, rabbit).into_iter().map(|cmd| {
        let onclick = props.on_command.reform(move |_: MouseEvent| (id, cmd));
        html! {
            <li role="none">
                <button type="button" role="menuitem" data-testid={cmd.testid()} {onclick}>{ cmd.label(kind, rabbit).get(lang) }</button>
            </li>
        }
    });
    let onkeydown = {
        let on_close = props.on_close.clone();
        let menu_ref = menu_ref.clone();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Escape" => {
                e.stop_propagation();
                on_close.emit(());
            }
            // Arrows move between the items (and do not step the player meanwhile).
            key @ ("ArrowDown" | "ArrowUp" | "ArrowLeft" | "ArrowRight") => {
                e.prevent_default();
                e.stop_propagation();
                let forward = key == "ArrowDown" || key == "ArrowRight";
                move_focus(&menu_ref, forward);
            }
            _ => {}
        })
    };
    let close = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <>
            <div class="menu-backdrop" onclick={close.clone()} />
            <div class="node-menu" data-testid="node-menu" ref={menu_ref} {onkeydown}>
                <p class="menu-title">{ format!("{} · {}", props.node.name, T::NodeActions.get(lang)) }</p>
                <ul role="menu" aria-label={format!("{} · {}", props.node.name, T::NodeActions.get(lang))}>
                    { for items }
                    <li role="none">
                        <button type="button" role="menuitem" class="secondary" data-testid="menu-close" onclick={close}>
                            { T::CloseMenu.get(lang) }
                        </button>
                    </li>
                </ul>
            </div>
        </>
    }
}

/// Focuses the next (or previous) item of the menu, wrapping around.
fn move_focus(menu: &NodeRef, forward: bool) {
    use wasm_bindgen::JsCast;
    let Some(menu) = menu.cast::<web_sys::Element>() else {
        return;
    };
    let Ok(items) = menu.query_selector_all("button") else {
        return;
    };
    let buttons: Vec<web_sys::HtmlElement> = (0..items.length())
        .filter_map(|i| items.item(i)?.dyn_into().ok())
        .collect();
    if buttons.is_empty() {
        return;
    }
    let active = gloo::utils::document().active_element();
    let current = buttons
        .iter()
        .position(|b| active.as_ref() == Some(b.unchecked_ref()));
    let n = buttons.len();
    let next = match (current, forward) {
        (Some(i), true) => (i + 1) % n,
        (Some(i), false) => (i + n - 1) % n,
        (None, _) => 0,
    };
    let _ = buttons[next].focus();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(kind: NodeKind, status: NodeStatus) -> NodeView {
        NodeView {
            id: 300,
            kind,
            name: "billing-app".into(),
            status,
            isolated: false,
            fenced: false,
            paused: false,
            detail: String::new(),
        }
    }

    #[test]
    fn a_consumer_can_be_killed_closed_and_restarted() {
        use NodeCommand::*;
        let up = node(NodeKind::Consumer, NodeStatus::Up);
        assert_eq!(commands_for(&up, false), [Kill, Stop]);
        assert_eq!(Stop.label(NodeKind::Consumer, false), T::CloseConsumer);
        assert_eq!(Stop.label(NodeKind::Broker, false), T::StopGracefully);
        for down in [NodeStatus::Crashed, NodeStatus::Stopped] {
            assert_eq!(
                commands_for(&node(NodeKind::Consumer, down), false),
                [Restart]
            );
        }
        assert!(commands_for(&node(NodeKind::Controller, NodeStatus::Up), false).is_empty());
    }

    #[test]
    fn rabbitmq_publishers_and_consumers_can_fail_and_nodes_be_cut_off() {
        use NodeCommand::*;
        let publisher = node(NodeKind::Producer, NodeStatus::Up);
        assert_eq!(commands_for(&publisher, false), [Produce]);
        assert_eq!(commands_for(&publisher, true), [Produce, Kill, Stop]);
        assert_eq!(Produce.label(NodeKind::Producer, true), T::Publish5);
        assert_eq!(Stop.label(NodeKind::Producer, true), T::CloseConnection);
        assert_eq!(Stop.label(NodeKind::Consumer, true), T::CloseConnection);
        assert_eq!(Stop.label(NodeKind::Broker, true), T::StopGracefully);
        let down = node(NodeKind::Producer, NodeStatus::Crashed);
        assert_eq!(commands_for(&down, true), [Restart]);
        assert!(commands_for(&down, false).is_empty());
        let mut rabbit = node(NodeKind::Broker, NodeStatus::Up);
        assert_eq!(commands_for(&rabbit, true), [Kill, Stop, Isolate]);
        rabbit.isolated = true;
        rabbit.status = NodeStatus::Crashed;
        assert_eq!(commands_for(&rabbit, true), [Restart, Reconnect]);
    }
}
