//! The keyboard strip of presenter mode: every node the keyboard can act on, numbered as the
//! digit keys select them, the selected one marked, and the keys that act on it.

use crate::i18n::{Lang, T};
use mqlab_scenario::frame::{NodeKind, NodeView};
use yew::prelude::*;

/// The nodes the digit keys select, in stage order: everything but the controller.
pub fn selectable(nodes: &[NodeView]) -> Vec<&NodeView> {
    nodes
        .iter()
        .filter(|n| n.kind != NodeKind::Controller)
        .take(10)
        .collect()
}

/// The digit key that selects the `i`-th selectable node: 1 … 9, then 0.
pub fn digit(i: usize) -> char {
    match i {
        0..=8 => char::from(b'1' + i as u8),
        _ => '0',
    }
}

#[derive(Properties, PartialEq)]
pub struct PresenterBarProps {
    pub lang: Lang,
    pub nodes: Vec<NodeView>,
    pub selected: Option<u32>,
    /// The first end of a link being cut (`d`, then the other end's digit).
    pub cutting_from: Option<u32>,
    pub on_exit: Callback<()>,
}

#[function_component(PresenterBar)]
pub fn presenter_bar(props: &PresenterBarProps) -> Html {
    let lang = props.lang;
    let nodes = selectable(&props.nodes);
    let items = nodes.iter().enumerate().map(|(i, n)| {
        let selected = props.selected == Some(n.id);
        let cutting = props.cutting_from == Some(n.id);
        html! {
            <li class={classes!(selected.then_some("selected"), cutting.then_some("cutting"))}
                data-testid={format!("presenter-node-{}", n.name)} aria-current={selected.then_some("true")}>
                <kbd>{ digit(i) }</kbd>{ " " }{ &n.name }
                if selected { <span class="sr-only">{ T::Selected.get(lang) }</span> }
            </li>
        }
    });
    let hint = match (props.cutting_from, props.selected) {
        (Some(_), _) => T::PresenterCutHint,
        (None, Some(_)) => T::PresenterNodeKeys,
        (None, None) => T::PresenterSelectHint,
    };
    let exit = props.on_exit.reform(|_: MouseEvent| ());
    html! {
        <section class="presenter-bar" data-testid="presenter-bar" aria-label={T::PresenterMode.get(lang)}>
            <ol class="presenter-nodes">{ for items }</ol>
            <p class="presenter-hint" data-testid="presenter-hint" aria-live="polite">{ hint.get(lang) }</p>
            <button type="button" data-testid="presenter-exit" onclick={exit}>{ T::PresenterExit.get(lang) }</button>
        </section>
    }
}
